"""Compare today's answers with the golden answers kept before the selection rewrite.

Run: .venv/bin/python scripts/golden_diff.py [--shared ../shared] [--show N]

scripts/golden/examples.json holds the answers of the earlier engine to examples/tasks*.jsonl,
and scripts/golden/dev.json its answers to the team's dev tasks (ids only; the tasks themselves
are in shared/bench, which is not part of the repository). Prints, per case set, how many answers
changed, and of those how many went from wrong to right and from right to wrong.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from persona_mcp.catalog import Catalog, default_layers
from persona_mcp.selection import select

ROOT = Path(__file__).resolve().parents[1]


def cases(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", default=os.environ.get("PERSONA_BENCH_SHARED", str(ROOT.parent / "shared")))
    parser.add_argument("--show", type=int, default=0, help="print the first N answers that got worse")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    index = Catalog.load(default_layers(user=False)).index
    sets = [("examples", ROOT / "scripts/golden/examples.json",
             [c for f in sorted((ROOT / "examples").glob("tasks*.jsonl")) for c in cases(f)])]
    dev = Path(args.shared) / "bench" / "dev.jsonl"
    if dev.is_file():
        sets.append(("dev", ROOT / "scripts/golden/dev.json", cases(dev)))
    else:
        print(f"no dev tasks at {dev}: comparing the example tasks only", file=sys.stderr)
    for label, golden_path, found in sets:
        golden = json.loads(golden_path.read_text(encoding="utf-8"))
        changed = better = worse = 0
        shown = 0
        for case in found:
            before = golden.get(str(case["id"]))
            if before is None:
                continue
            expected = {str(e).removeprefix("persona-") for e in case["expected"]}  # type: ignore[attr-defined]
            now = select(index, str(case["task"]), list(case.get("files", [])))  # type: ignore[call-overload]
            old = (before["persona"] or "").removeprefix("persona-")
            new = (now.persona or "").removeprefix("persona-")
            if old == new:
                continue
            changed += 1
            if new in expected and old not in expected:
                better += 1
            elif old in expected and new not in expected:
                worse += 1
                if shown < args.show:
                    shown += 1
                    task = str(case["task"])[:90]
                    print(f"  worse: expected {sorted(expected)}, was {old}, now {new or 'none'}: {task}")
        print(f"{label}: {len(golden)} golden answers, {changed} changed: {better} now right, {worse} now wrong, "
              f"{changed - better - worse} between two wrong or two right answers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
