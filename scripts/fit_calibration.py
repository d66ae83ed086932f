"""Fit the shipped confidence curve on the dev tasks, with the built-in catalog and every foreign catalog.

Run: .venv/bin/python scripts/fit_calibration.py [--shared ../shared] [--write]

Needs the team's benchmark folder (`shared/bench`, not part of the repository). Prints the fitted
coefficients and the calibration table of each catalog; with --write, stores the coefficients in
src/persona_mcp/selection/calibration.json, where `confidence` reads them.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from bench_catalogs import DEFAULT_SHARED, bench_runs

from persona_mcp.evaluate import calibration, fit_points, load_cases
from persona_mcp.selection import calibration as curve


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", default=DEFAULT_SHARED)
    parser.add_argument("--write", action="store_true", help="write calibration.json")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    runs = bench_runs(args.shared)
    if runs is None:
        return 2
    points_by_run = {label: fit_points(catalog.index, load_cases(cases).cases) for label, catalog, cases in runs}
    points = [point for found in points_by_run.values() for point in found]
    coefficients = curve.fit(points)
    print(f"fitted on {len(points)} cases: " + ", ".join(
        f"{name} {value:+.4f}" for name, value in zip(curve.FEATURES, coefficients, strict=True)))
    for label, found in points_by_run.items():
        print(f"\n{label}: confidence   cases  mean confidence  accuracy")
        for b in calibration([(curve.probability(x, coefficients), ok) for x, ok in found]):
            print(f"  {b.low:.1f}-{b.high:.1f}    {b.cases:6}  {b.mean_confidence:15.3f}  {b.accuracy:8.3f}")
    if args.write:
        Path(curve.path()).write_text(curve.write(coefficients, len(points), [label for label, *_ in runs],
                                                  [len(catalog.index.personas) for _, catalog, _ in runs]),
                                      encoding="utf-8")
        print(f"\nwrote {curve.path()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
