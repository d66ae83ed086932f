"""The team's benchmark catalogs and their labelled dev tasks, for the evaluation and calibration scripts.

The benchmark folder (`shared/bench`) sits beside a checkout, not in the repository: its path
comes from --shared or PERSONA_BENCH_SHARED.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from persona_mcp.catalog import Catalog, Layer, default_layers

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
