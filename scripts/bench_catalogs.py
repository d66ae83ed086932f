"""The team's benchmark catalogs and their labelled dev tasks, for the evaluation and calibration scripts.

The benchmark folder (`shared/bench`) sits beside a checkout, not in the repository: its path
comes from --shared or PERSONA_BENCH_SHARED.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from persona_mcp.catalog import Catalog, Layer, default_layers
from persona_mcp.evaluate import Case, load_cases

DEFAULT_SHARED = os.environ.get("PERSONA_BENCH_SHARED", str(Path(__file__).resolve().parents[2] / "shared"))


def bench_runs(shared: str) -> list[tuple[str, Catalog, Path]] | None:
    """(label, catalog, dev tasks) for the built-in catalog and each foreign catalog; None without the folder."""
    bench = Path(shared) / "bench"
    if not bench.is_dir():
        print(f"no benchmark folder at {bench}", file=sys.stderr)
        return None
    runs = [("built-in", Catalog.load(default_layers(user=False)), bench / "dev.jsonl")]
    for folder in sorted((bench / "foreign").iterdir()):
        if (folder / "agents").is_dir():
            runs.append((folder.name, Catalog.load([Layer("custom", folder / "agents")]), folder / "dev.jsonl"))
    return runs


def mixed_runs(shared: str) -> list[tuple[str, Catalog, list[Case]]]:
    """(label, catalog, cases) for the built-in catalog served with each foreign catalog: the dev tasks, each right
    with its built-in persona or with one of the foreign agents it is mapped to."""
    bench = Path(shared) / "bench"
    builtin = {case.id: case for case in load_cases(bench / "dev.jsonl").cases}
    runs = []
    for folder in sorted((bench / "foreign").iterdir()):
        if (folder / "agents").is_dir():
            mapped = {case.id: case.expected for case in load_cases(folder / "dev.jsonl").cases}
            cases = [Case(case.id, case.task, case.files, (*case.expected, *mapped.get(case.id, ())))
                     for case in builtin.values()]
            catalog = Catalog.load([*default_layers(user=False), Layer("custom", folder / "agents")])
            runs.append((f"built-in+{folder.name}", catalog, cases))
    return runs
