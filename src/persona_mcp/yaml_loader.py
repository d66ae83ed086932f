"""PyYAML's safe loader as persona files and lexicons are read with it.

libyaml's parser when PyYAML was built with it (the wheels are), the pure-Python one otherwise.
Imported where YAML is first read, not at start-up: the server answers `initialize` and
`tools/list` before it reads any persona.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from yaml.error import MarkedYAMLError
from yaml.nodes import Node, ScalarNode

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

TEXT_TAG = "tag:yaml.org,2002:str"


class Loader(_SafeLoader):
    """The safe loader, building a text value straight from its node.

    PyYAML builds every value through one generic path (guards against recursion, a constructor
    looked up by tag) that costs more than parsing the value; most values of a frontmatter or a
    lexicon are text, whose value is the node's own text.
    """

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node.tag == TEXT_TAG and isinstance(node, ScalarNode):
            return node.value
        return super().construct_object(node, deep)


# What an unclosed flow collection is called, and what closes it, by PyYAML's context ("while parsing a flow
# sequence").
_FLOWS = {"flow sequence": ("'[' list", "]"), "flow mapping": ("'{' mapping", "}")}


@dataclass(frozen=True)
class SyntaxProblem:
    """A YAML syntax error in the user's words: what is wrong, the file line to point at, and a fix when the
    error says which one."""

    message: str
    line: int | None
    hint: str | None = None


def syntax_problem(exc: MarkedYAMLError, first_line: int) -> SyntaxProblem:
    """Where a syntax error starts, not only where PyYAML noticed it: an unclosed quote or '[' is found at the end
    of the text or at the next field, lines below the line that opened it. `first_line` is the file line of the
    text's first line."""
    problem = exc.problem or exc.context or "syntax error"
    found = exc.problem_mark or exc.context_mark
    line = found.line + first_line if found is not None else None
    context, opened = exc.context or "", exc.context_mark
    if not context or opened is None or opened.line + first_line == line:
        return SyntaxProblem(problem, line)
    start = opened.line + first_line
    if "quoted scalar" in context and ("end of stream" in problem or "document indicator" in problem):
        return SyntaxProblem(f"the quote opened on line {start} is never closed", start,
                             "close the quote: a quoted value ends with the quote mark it starts with")
    flow = next((names for kind, names in _FLOWS.items() if kind in context), None)
    if flow is not None:
        what, closer = flow
        return SyntaxProblem(f"the {what} opened on line {start} does not end as YAML expects: {problem} on line "
                             f"{line}", start, f"close it with '{closer}', and quote any item that holds ': '")
    return SyntaxProblem(f"{problem}, {context.removeprefix('while ')} that starts on line {start}", line)
