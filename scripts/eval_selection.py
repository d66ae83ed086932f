"""Routing accuracy of the selection engine on the dev tasks: the built-in catalog, and a foreign catalog alone.

Run: .venv/bin/python scripts/eval_selection.py [--shared ../shared]

Needs the team's benchmark folder (`shared/bench`), which is not part of the repository.
Prints top-1, recall@3 and abstention for each catalog, then the same for the repository's own
catalog of agents without triggers (examples/agent-catalog) on its tasks, and for the built-in catalog served
with each foreign catalog (a task is right with its built-in persona or with an agent it is mapped to; the last
column counts the answers the built-ins gave).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench_catalogs import DEFAULT_SHARED, bench_runs, mixed_runs

from persona_mcp.catalog import Catalog, Layer
from persona_mcp.evaluate import evaluate, fit_points, load_cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", default=DEFAULT_SHARED)
    parser.add_argument("--misses", type=int, default=0)
    args = parser.parse_args()
    runs = bench_runs(args.shared)
    if runs is None:
        return 2
    agents = Path(__file__).resolve().parents[1] / "examples" / "agent-catalog"
    runs.append(("agents-25", Catalog.load([Layer("custom", agents / "agents")]), agents / "tasks.jsonl"))
    for label, catalog, cases in runs:
        loaded = load_cases(cases).cases
        report = evaluate(catalog.index, loaded)
        ranked_first = sum(right for _x, right in fit_points(catalog.index, loaded)) / max(report.cases, 1)
        print(f"{label:10} personas {len(catalog):4}  cases {report.cases:4}  top-1 {report.top1:.3f}  "
              f"recall@3 {report.recall_at_k:.3f}  abstained {report.abstention_rate:.3f}  "
              f"first-ranked right {ranked_first:.3f}")
        for miss in report.misses[: args.misses]:
            print(f"   {miss.expected} <- {miss.selected}: {miss.task[:100]}")
    for label, catalog, mixed in mixed_runs(args.shared):
        report = evaluate(catalog.index, mixed)
        builtin = sum(score.predicted for score in report.per_persona
                      if (persona := catalog.get(score.persona)) is not None and persona.layer == "builtin")
        print(f"{label:10} personas {len(catalog):4}  cases {report.cases:4}  top-1 {report.top1:.3f}  "
              f"recall@3 {report.recall_at_k:.3f}  abstained {report.abstention_rate:.3f}  "
              f"macro-F1 {report.macro_f1:.3f}  built-in answers {builtin}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
