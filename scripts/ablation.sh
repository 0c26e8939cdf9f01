#!/usr/bin/env bash
# The accuracy ablation: the same problems through the pipeline with one more component each
# row, against the local model, answers recorded in (and replayed from) a cache.
#
#   scripts/ablation.sh NAME SELECTION...       e.g.
#   scripts/ablation.sh dev  nl4opt --sample 20 --seed 1
#   scripts/ablation.sh test nl4opt mamo_easylp industryor --split test
#
# Writes runs/ablation-NAME/<row>/ and prints one table row per configuration. Rows reuse
# the answers of the rows before them where the request is the same (the cache is content-
# addressed), so each row costs only the requests it changes. OFFLINE=1 replays only.
set -euo pipefail
cd "$(dirname "$0")/.."
name="$1"
shift
cache="${CACHE:-tests/bench-cache}"
bin="${OPTFORM:-target/release/optform}"
[ -x "$bin" ] || bin=target/debug/optform
offline=()
[ "${OFFLINE:-0}" = 1 ] && offline=(--offline)
export OPTFORM_BASE_URL="${OPTFORM_BASE_URL:-http://127.0.0.1:8080/v1}" OPTFORM_MODEL="${OPTFORM_MODEL:-qwen}"

# Each row adds one component to the last row that did not lose on dev: retrieval, fresh
# repairs and the grounding round measured worse or no better, so later rows build on row 1.
declare -A rows=(
  [0-baseline]="--baseline-engine"
  [1-slips]="--slip-fixes true --examples 0 --repair continue --grounding-round false --requirement-fix false"
  [2-retrieval]="--slip-fixes true --examples ${K:-2} --repair continue --grounding-round false --requirement-fix false"
  [3-fresh-repair]="--slip-fixes true --examples 0 --repair fresh --grounding-round false --requirement-fix false"
  [4-grounding]="--slip-fixes true --examples 0 --repair continue --grounding-round true --requirement-fix false"
  [5-requirement-fix]="--slip-fixes true --examples 0 --repair continue --grounding-round false --requirement-fix true"
)
only="${ROWS:-0-baseline 1-slips 2-retrieval 3-fresh-repair 4-grounding 5-requirement-fix}"
printf '| row | accuracy | without repair | execution rate | LLM rounds / problem | completion tokens / problem |\n|---|---:|---:|---:|---:|---:|\n'
for row in $only; do
  out="runs/ablation-$name/$row"
  # shellcheck disable=SC2086
  "$bin" bench "$@" ${rows[$row]} --cache "$cache" "${offline[@]}" --concurrency "${CONCURRENCY:-2}" \
    -o "$out" --resume --quiet >/dev/null
  python3 - "$out" "$row" <<'PY'
import json, sys
out, row = sys.argv[1], sys.argv[2]
metrics = json.load(open(f"{out}/metrics.json"))["datasets"]
for name, d in sorted(metrics.items()):
    n = d["problems"]
    print(f"| {row} · {name} | {100*d['accuracy']:.1f} % ({d['correct']}/{d['labelled']}) | "
          f"{100*d['accuracy_without_repair']:.1f} % | {100*d['execution_rate']:.1f} % | "
          f"{d['average_rounds']:.2f} | {d['completion_tokens']/max(n,1):.0f} |")
PY
done
