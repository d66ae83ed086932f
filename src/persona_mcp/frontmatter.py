"""A persona file's YAML frontmatter: found in the text, read strictly, then as the other tools read it.

`read_frontmatter` reads the YAML once (node tree and values from one parse, so problems have line
numbers); when strict YAML refuses a one-line value that Claude Code or Cursor accept, it reads it
again with those values quoted (`formats.repair_frontmatter`) and says which ones were. When the
values fail validation, `node_at` finds each problem's line, and `describe_error` and `error_hint` say
what is wrong and how to fix it.
"""

from __future__ import annotations

import difflib
import re
import reprlib
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from persona_mcp.formats import Repair, repair_frontmatter

if TYPE_CHECKING:
    import yaml

# PyYAML is imported where a frontmatter is first read, not with this module: the server answers
# `initialize` and `tools/list` before it reads any persona.

MAX_YAML_VALUES = 10_000
"""The most values a frontmatter may hold once YAML aliases are expanded (a real one has a few hundred)."""


def split_frontmatter(text: str) -> tuple[str, str, int] | None:
    """Return (frontmatter, body, file line of the first frontmatter line), or None without frontmatter.

    Blank lines before the opening `---` are tolerated. Only a `---` (or `...`) at the start of a
    line closes the block, so an indented `---` inside a YAML block scalar stays part of the value.
    """
    lines = text.splitlines(keepends=True)
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines) or lines[start].rstrip() != "---":
        return None
    for index in range(start + 1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[start + 1 : index]), "".join(lines[index + 1 :]), start + 2
    return None


@dataclass(frozen=True)
class Problem:
    """Why a frontmatter could not be read as YAML."""

    message: str
    hint: str
    line: int | None
    repairable: bool = False  # a syntax error that `repair_frontmatter` may get around


def _read_yaml(frontmatter: str, offset: int) -> tuple[yaml.Node | None, Any] | Problem:
    """The frontmatter's node tree (for line numbers) and its values, or why it cannot be read."""
    import yaml

    from persona_mcp.yaml_loader import Loader, syntax_problem

    try:
        # One parse: compose the node tree (its marks give line numbers, and its size is checked
        # before aliases are expanded), then build the values from that same tree.
        loader = Loader(frontmatter)
        try:
            root = loader.get_single_node()
            # Only anchors (&name) make aliases that can multiply values; without one there is
            # nothing to expand, and the file's size bounds the work.
            values = _expanded_size(root) if "&" in frontmatter else 0
            if values > MAX_YAML_VALUES:
                return Problem(f"the frontmatter holds over {MAX_YAML_VALUES} values once YAML aliases (*name) are "
                                "expanded", "write the fields out plainly; persona frontmatter needs no anchors or "
                                "aliases", offset)
            return root, loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except RecursionError:
        return Problem("the frontmatter is nested too deeply", _FLAT, offset)
    except _SelfReference:
        return Problem("a YAML alias refers to the value that contains it", "write the fields out plainly", offset)
    except yaml.MarkedYAMLError as exc:
        found = syntax_problem(exc, offset)
        if "nesting depth" in found.message:  # libyaml's own limit, met before Python's recursion limit
            return Problem("the frontmatter is nested too deeply", _FLAT, offset)
        hint = found.hint or "fix the YAML syntax (quote globs and values that start with * or @)"
        if "mapping values are not allowed" in found.message:
            hint = ("a value that contains ': ' must be quoted, or written as a block: "
                    "'description: >-' then indented lines")
        return Problem(f"invalid YAML: {found.message}", hint, found.line, repairable=True)
    except yaml.YAMLError as exc:  # reader errors (control characters) carry no mark
        return Problem(f"invalid YAML: {exc}", "remove control characters from the frontmatter", offset)


_FLAT = "use flat lists and mappings, as `persona-mcp schema` shows"


@dataclass(frozen=True)
class Frontmatter:
    """A frontmatter that could be read: its node tree (for line numbers), its values, and the values quoted."""

    root: yaml.Node | None
    data: Any
    repairs: list[Repair]


def read_frontmatter(frontmatter: str, offset: int, keys: AbstractSet[str] = frozenset(),
                     list_keys: AbstractSet[str] = frozenset()) -> Frontmatter | Problem:
    """The frontmatter's values, or why it cannot be read. `offset` is the file line of its first line; `keys`
    are the fields the file may give, and `list_keys` those of them that take a list (see `repair_frontmatter`)."""
    parsed = _read_yaml(frontmatter, offset)
    if isinstance(parsed, Problem) and parsed.repairable:
        # Claude Code and Cursor read some values that strict YAML refuses: read them as they do.
        repaired, repairs = repair_frontmatter(frontmatter, keys, list_keys)
        second = _read_yaml(repaired, offset) if repairs else parsed
        if not isinstance(second, Problem):
            return Frontmatter(*second, repairs)
    if isinstance(parsed, Problem):
        return parsed  # the problem as the file has it, even when quoting did not help either
    return Frontmatter(*parsed, [])


class _SelfReference(Exception):
    pass



def _expanded_size(root: yaml.Node | None) -> int:
    """How many values a YAML document holds with every alias expanded, counted without expanding them."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    import yaml

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise _SelfReference
        open_nodes.add(key)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        total = 1
        for child in children:
            total = min(total + size(child), MAX_YAML_VALUES + 1)
        open_nodes.discard(key)
        sizes[key] = total
        return total

    return size(root) if root is not None else 0


def node_at(root: yaml.Node | None, loc: Sequence[str | int]) -> yaml.Node | None:
    """The YAML node at a pydantic error location, to report its line."""
    import yaml

    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    node = value_node
                    break
            else:
                return None
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node


def key_line(text: str, key: str) -> int | None:
    """The line of a top-level frontmatter key, found again in the file's text."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return None


# ---------------------------------------------------------------- field problems, told


def field_path(loc: Sequence[str | int]) -> str:
    """A pydantic error location as the file spells the field: `mcp-preference.avoid[1]`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def describe_error(error: Mapping[str, Any]) -> str:
    """What a pydantic validation error of a frontmatter field says is wrong, with the value at fault."""
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "string_pattern_mismatch":  # only names have a pattern (`model.NAME_PATTERN`)
        return f"{error.get('input')!r} is not a valid persona name: {_name_fault(str(error.get('input')))}"
    if kind == "string_too_long":  # its value would say nothing that its length does not
        return f"the text has {len(str(error.get('input')))} characters, over the limit of {_limit(error)}"
    return f"{error['msg']} (got {_SHORT.repr(error.get('input'))})"


def _limit(error: Mapping[str, Any]) -> object:
    return (error.get("ctx") or {}).get("max_length", "?")


def _name_fault(name: str) -> str:
    """Which rule of `model.NAME_PATTERN` a name breaks."""
    wrong = [repr(char) for char in dict.fromkeys(re.sub(r"[a-z0-9._-]", "", name))]
    if wrong:
        return f"it holds {', '.join(wrong)}, which a persona name may not"
    if len(name) > 64:
        return f"it has {len(name)} characters, over 64"
    return "it must start with a letter or digit"


def _short_repr() -> reprlib.Repr:
    """A repr that stays short however large the value (Python 3.11's Repr takes no keyword arguments)."""
    short = reprlib.Repr()
    short.maxlevel, short.maxlist, short.maxdict, short.maxstring, short.maxother = 2, 4, 4, 60, 60
    return short


_SHORT = _short_repr()


def error_hint(error: Mapping[str, Any]) -> str:
    """How to fix the field that a pydantic validation error is about."""
    kind = error["type"]
    loc = tuple(error["loc"])
    if kind == "missing":
        return f"add '{loc[-1]}: ...' to the frontmatter"
    if kind == "string_pattern_mismatch":
        return ("use 1-64 lowercase letters a-z, digits 0-9, dots, underscores and dashes, starting with a letter or "
                "digit, such as persona-backend or dotnet-4.8")
    if kind == "list_type":
        return "write a YAML list, e.g. [api, database] or one '- item' per line"
    if kind == "string_too_long":
        return f"shorten it to at most {_limit(error)} characters"
    if kind in ("string_type", "string_too_short"):
        return "write a non-empty text value (quote it if it starts with * or @ or looks like a number)"
    if kind in ("model_type", "dict_type"):
        return "write a mapping, e.g. {primary: context7, secondary: sequential}"
    return "see `persona-mcp schema` for the expected shape"


def suggest_key(key: str, allowed: Sequence[str]) -> str:
    """The field an unknown key probably means (`trigger_keywords` -> `trigger-keywords`), else the known ones."""
    candidates = {key.replace("_", "-").lower(), key.lower()}
    for candidate in candidates:
        if candidate in allowed and candidate != key:
            return f"did you mean '{candidate}'?"
    close = difflib.get_close_matches(key.replace("_", "-").lower(), allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"known fields: {', '.join(allowed)}"
