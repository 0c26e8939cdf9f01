#!/usr/bin/env python3
"""Merges the per-dataset audit files written while auditing (datasets/gold/<dataset>/audit.jsonl)
into datasets/gold/audit.jsonl, adding the fields that make it a corrected-label file for
`optform bench --labels`: `answer` (the gold objective) or `answer_status`/`answer_raw` for
infeasible and unbounded items. Items without a model (not expressible) keep the dataset's
label. Prints the per-dataset table for the README.

    python3 scripts/gold_audit.py            # merge, then delete the per-dataset files
    python3 scripts/gold_audit.py --keep     # merge, keeping them (while auditing goes on)
"""
import collections
import json
import pathlib
import sys

GOLD = pathlib.Path(__file__).resolve().parent.parent / "datasets" / "gold"


def main() -> None:
    merged = GOLD / "audit.jsonl"
    by_key = {}
    if merged.exists():
        for l in (json.loads(l) for l in merged.read_text().splitlines() if l.strip()):
            by_key[(l["dataset"], l["id"])] = l
    parts = sorted(GOLD.glob("*/audit.jsonl"))
    fresh = {}
    for p in parts:
        for l in (json.loads(l) for l in p.read_text().splitlines() if l.strip()):
            fresh[(l["dataset"], l["id"])] = l  # an item audited twice: the later line stands
    for key, l in fresh.items():
        # Fields added to the merged line by hand (a goal programme's `levels`) are kept.
        by_key[key] = {**by_key.get(key, {}), **l}
    out = []
    for (dataset, item), l in sorted(by_key.items(), key=lambda kv: (kv[0][0], int(kv[0][1].rsplit("-", 1)[1]))):
        l = {k: v for k, v in l.items() if k not in ("answer", "answer_status", "answer_raw")}
        has_model = (GOLD / dataset / f"{item}.json").exists()
        if not has_model:
            l["status"], l["objective"] = "no-model", None
        if has_model and l["status"] == "optimal":
            l["answer"] = l["objective"]
        elif has_model and l["status"] == "infeasible":
            l["answer"], l["answer_status"] = None, "no_best_solution"
        elif has_model and l["status"] == "unbounded":
            l["answer"], l["answer_raw"] = None, "Unbounded"
        else:
            l["answer"] = l["label"]
        out.append(l)
    merged.write_text("".join(json.dumps(l, ensure_ascii=False) + "\n" for l in out))
    if "--keep" not in sys.argv:
        for p in parts:
            p.unlink()
    table = collections.OrderedDict()
    for l in out:
        row = table.setdefault(l["dataset"], collections.Counter())
        row["items"] += 1
        row[l["verdict"]] += 1
        if l["verdict"] != "not-expressible":
            row["expressible"] += 1
    print("| dataset | items | expressible | agrees | label-wrong | ill-defined | not expressible |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in table.items():
        print(f"| {name} | {r['items']} | {r['expressible']} | {r['agrees']} | {r['label-wrong']} | {r['ill-defined']} | {r['not-expressible']} |")


if __name__ == "__main__":
    main()
