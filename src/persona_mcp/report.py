"""The command line's text reports: the catalog as `list` prints it, `validate`'s summary lines, and what to say
of an empty catalog."""

from __future__ import annotations

from pathlib import Path

from persona_mcp.catalog import Catalog, user_dir
from persona_mcp.settings import CommonSettings


def catalog_lines(catalog: Catalog) -> list[str]:
    """One line a persona: short name, title and layer, and the file of an earlier layer it replaces by name (a
    project's `security.mdc` over the built-in security persona), which is otherwise easy to miss."""
    infos = catalog.listing().personas
    width = max((len(info.short_name) for info in infos), default=0)
    lines = []
    for info in infos:
        entry = catalog.entries[info.short_name]
        replaced = f", overrides {entry.overrides_layer} {Path(entry.overrides).name}" if entry.overrides else ""
        lines.append(f"{info.short_name:<{width}}  {info.title}  [{info.layer}{replaced}]")
    return [*lines, f"{len(infos)} persona" + ("" if len(infos) == 1 else "s")]


def overlap_lines(shared: dict[str, dict[str, list[str]]], *, verbose: bool) -> list[str]:
    """Triggers that several personas claim: one summary line, or every one of them with `--verbose`."""
    kinds = [kind for kind in ("keywords", "globs") if shared[kind]]
    if not kinds:
        return []
    if not verbose:
        counts = " and ".join(f"{len(shared[kind])} {kind[:-1]}(s)" for kind in kinds)
        return [f"{counts} claimed by several personas (normal for broad words); --verbose lists them"]
    lines = []
    for kind in kinds:
        lines.append(f"{len(shared[kind])} {kind[:-1]}(s) claimed by several personas (they tell them apart poorly):")
        lines += [f"  {trigger!r}: {', '.join(owners)}" for trigger, owners in shared[kind].items()]
    return lines


def empty_catalog(settings: CommonSettings) -> str:
    """Why a command found no persona in a catalog that holds none, and where persona files would be read from."""
    places = ["in .personas/ of the current folder", "in a folder given with --personas DIR"]
    if settings.user:
        places.append(f"in {user_dir()}")
    builtin = ("" if settings.builtin
               else "leave out --no-builtin (and PERSONA_MCP_NO_BUILTIN) for the built-in ones, or ")
    return (f"The catalog has no personas. To add some, {builtin}put persona files {', '.join(places[:-1])} or "
            f"{places[-1]}.")
