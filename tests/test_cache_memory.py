"""Memory stays bounded across reloads: nothing derived from a persona's text outlives the catalog that holds it."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

from persona_mcp.catalog import CatalogSource, Layer

BODY_BYTES = 200_000


def version(number: int) -> str:
    filler = f"Step {number:08} of the guidance.\n" * (BODY_BYTES // 32)
    return (f"---\nname: persona-widget\ndescription: Widgets. Auto-invoke when: widget {number} work.\n---\n"
            f"# Persona: Widget {number}\n\n{filler}\n## Checklist\n\n- check\n")


def test_reloads_keep_no_old_persona_bodies(tmp_path: Path) -> None:
    folder = tmp_path / "personas"
    folder.mkdir()
    source = CatalogSource([Layer("custom", folder)])

    def edit_reload_and_read(number: int) -> None:
        (folder / "widget.md").write_text(version(number), "utf-8")
        catalog = source.load()
        persona = catalog.get("widget")
        # Everything a host can ask for that is derived from the body: title, summary, clauses, listing.
        assert persona.title == f"Widget {number}"
        assert "## Checklist" in persona.summary
        assert f"widget {number}" in persona.auto_invoke
        assert catalog.listing().personas[0].title == persona.title

    tracemalloc.start()  # before the first load: what a reload frees of the catalog before it counts as freed
    try:
        edit_reload_and_read(0)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for number in range(1, 31):
            edit_reload_and_read(number)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # Thirty versions of a 200 KB body: a cache keyed by the body would keep several MB of them.
    assert grown < 5 * BODY_BYTES, f"{grown} bytes kept after 30 reloads"
