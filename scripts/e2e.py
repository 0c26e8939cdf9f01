#!/usr/bin/env python3
"""End-to-end check of `optform solve` on every examples/<name>.txt against an LLM.

Each problem's answer is compared with the independently computed optimum in
tests/examples_expected.json (relative tolerance 1e-6; infeasible/unbounded by status).
Too slow for CI with a real model; CI replays a recorded cache instead (tests/replay.rs).

    scripts/local-llm.sh start
    python3 scripts/e2e.py                          # all examples, local server
    python3 scripts/e2e.py --cache tests/llm-cache --only production_scalar diet
    python3 scripts/e2e.py --record tests/llm-replay.json --cache tests/llm-cache
    python3 scripts/e2e.py -- --base-url https://api.openai.com/v1 --model gpt-4o-mini

Arguments after `--` go to `optform solve` unchanged.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        k = argv.index("--")
        argv, extra = argv[:k], argv[k + 1 :]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(ROOT / "target" / "release" / "optform"))
    ap.add_argument("--cache", help="record/reuse LLM answers in this directory")
    ap.add_argument("--only", nargs="*", help="example names to run (default: all with a .txt)")
    ap.add_argument("--max-repairs", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "target" / "e2e"), help="run directories go here")
    ap.add_argument("--record", help="write the outcomes (for the offline replay test) to this JSON file")
    args = ap.parse_args(argv)

    expected = json.loads((ROOT / "tests" / "examples_expected.json").read_text())
    names = args.only or sorted(p.stem for p in (ROOT / "examples").glob("*.txt"))
    rows, outcomes = [], {}
    t0 = time.time()
    for name in names:
        cmd = [args.binary, "solve", str(ROOT / "examples" / f"{name}.txt"), "--json", "--quiet",
               "--max-repairs", str(args.max_repairs), "--out", str(pathlib.Path(args.out) / name)]
        if args.cache:
            cmd += ["--cache", args.cache]
        cmd += extra
        start = time.time()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.time() - start
        try:
            doc = json.loads(proc.stdout)
        except json.JSONDecodeError:
            print(f"{name}: optform failed (exit {proc.returncode}): {proc.stderr.strip()[:300]}", file=sys.stderr)
            rows.append((name, "error", None, False, 0, 0, seconds))
            continue
        want = expected[name]
        if want["objective"] is None:
            correct = doc["status"] == want["status"]
        else:
            got = doc["objective"]
            correct = got is not None and abs(got - want["objective"]) <= 1e-6 * max(1.0, abs(want["objective"]))
        rows.append((name, doc["status"], doc["objective"], correct, doc["repairs"], doc["tokens"]["completion"], seconds))
        outcomes[name] = {"status": doc["status"], "objective": doc["objective"], "repairs": doc["repairs"], "correct": correct}
        print(f"{name:22} {doc['status']:24} {str(doc['objective']):>14}  {'correct' if correct else 'WRONG':8} "
              f"repairs {doc['repairs']}  {doc['tokens']['completion']:5} tokens  {seconds:6.1f} s", flush=True)
    solved = sum(r[3] for r in rows)
    repairs = sum(r[4] for r in rows)
    tokens = sum(r[5] for r in rows)
    minutes = (time.time() - t0) / 60
    print(f"\n{solved}/{len(rows)} solved correctly; {repairs} repair rounds; {tokens} completion tokens; {minutes:.1f} minutes")
    if args.record:
        pathlib.Path(args.record).write_text(json.dumps(outcomes, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
