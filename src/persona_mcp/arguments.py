"""The MCP tools' arguments: their bounds and types, and how a bad one is answered.

A tool answers a bad argument with a tool result marked as an error, whose text names the field, what is wrong and
what a right value looks like (`argument_problem`); prompts and resources answer with a JSON-RPC invalid-params error
(`invalid_params`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS
from pydantic import BeforeValidator, Field, ValidationError
from pydantic_core import PydanticCustomError

from persona_mcp.errors import InvalidArgument
from persona_mcp.model import MAX_TOP_K
from persona_mcp.names import NAMES_LISTED, closest_names

if TYPE_CHECKING:
    from persona_mcp.catalog import Catalog

MAX_TASK_CHARS = 20_000
MAX_FILES = 1_000
MAX_PATH_CHARS = 1_024
MAX_SERVERS = 100
MAX_NAME_CHARS = 100
MAX_LIST_PAGE = 200  # personas in one list_personas answer: the SDK validates and serialises each answer whole


def _null_as_empty(value: Any) -> Any:
    return [] if value is None else value


def _not_a_truth_value(value: Any) -> Any:
    """A number argument refuses true and false, which pydantic would take as 1 and 0."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a whole number, not true or false")
    return value


TaskText = Annotated[
    str,
    Field(min_length=1, max_length=MAX_TASK_CHARS, pattern=r"\S",
          description="The task in the user's words: what is to be done, bug report, question or request."),
]
# null is taken as left out, as for `Servers`.
FilePaths = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=MAX_PATH_CHARS)]],
    BeforeValidator(_null_as_empty),
    Field(max_length=MAX_FILES,
          description="Paths of the files involved, relative to the workspace. Used as data; never opened."),
]
TopK = Annotated[int, Field(ge=1, le=MAX_TOP_K, description="How many ranked personas to return in all."),
                 BeforeValidator(_not_a_truth_value)]
# A plain array with a default, which hosts render (an anyOf with null shows as "unknown" in some);
# null is still taken, as the same as leaving it out, for clients written against the older schema.
Servers = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=200)]],
    BeforeValidator(_null_as_empty),
    Field(max_length=MAX_SERVERS,
          description="Names of the MCP servers this host has; preferences are resolved against them. "
                      "Empty or left out: not known."),
]
DetailLevel = Annotated[Literal["full", "summary"], Field(description="Return the full guidance or a summary.")]
ListOffset = Annotated[int, Field(ge=0, le=1_000_000,
                                  description="How many personas to skip, in name order (for the next page)."),
                       BeforeValidator(_not_a_truth_value)]
ListLimit = Annotated[int, Field(ge=1, le=MAX_LIST_PAGE, description="How many personas to return at most."),
                      BeforeValidator(_not_a_truth_value)]
PersonaName = Annotated[
    str,
    Field(min_length=1, max_length=MAX_NAME_CHARS,
          description="A persona name, full (persona-backend) or short (backend)."),
]

# What a correct value of each tool argument looks like: the second half of an argument error.
ARGUMENT_FIXES = {
    "task": f"the user's request as a string of 1 to {MAX_TASK_CHARS:,} characters, not only whitespace",
    "files": f"a list of at most {MAX_FILES:,} file paths, each a string of 1 to {MAX_PATH_CHARS:,} characters "
             "(or leave it out)",
    "top_k": f"a whole number from 1 to {MAX_TOP_K} (or leave it out: 3)",
    "available_servers": f"a list of at most {MAX_SERVERS} MCP server names, each a string of 1 to 200 characters "
                         "(or leave it out)",
    "detail": '"full" or "summary" (or leave it out: "full")',
    "offset": "a whole number from 0 to 1,000,000 (or leave it out: 0)",
    "limit": f"a whole number from 1 to {MAX_LIST_PAGE} (or leave it out: {MAX_LIST_PAGE})",
    "name": f"a persona name of at most {MAX_NAME_CHARS} characters, full (persona-backend) or short (backend); "
            "list_personas lists them",
}


def invalid_params(field: str, message: str, *, known: Sequence[str] = ()) -> MCPError:
    """The JSON-RPC invalid-params error of a prompt or resource, naming the field at fault."""
    data: dict[str, Any] = {"field": field}
    if known:
        data["known"] = list(known)
    return MCPError(code=INVALID_PARAMS, message=f"invalid '{field}': {message}", data=data)


class ArgumentProblem(InvalidArgument):
    """A bad tool argument whose fix depends on the request (the names in the catalog), not only on the field.

    A tool raises it, and `PersonaServer.call_tool` words it as every other argument problem.
    """

    def __init__(self, field: str, message: str, fix: str) -> None:
        super().__init__(field, message)
        self.fix = fix


def other_names(catalog: Catalog, name: str) -> str:
    """What to pass instead of a name no persona has: the catalog's names, or in a large catalog the closest ones."""
    names = [persona.short_name for persona in catalog.personas]
    if not names:
        return "none (the catalog is empty)"
    if len(names) <= NAMES_LISTED:
        return "one of " + ", ".join(names)
    listed = ", ".join(closest_names(name, names) or names[:NAMES_LISTED])
    return f"one of {listed}, or another of the {len(names)} that list_personas names"


def argument_problem(tool: str, field: str, problem: str, *, fix: str | None = None) -> str:
    """The text of a tool result for a bad argument: the field, what is wrong, and what would be right.

    Every tool's argument errors read the same, with the tool named once: `TOOL: invalid argument 'FIELD':
    PROBLEM. Fix: pass FIX.` `fix` defaults to what a right value of the field looks like (ARGUMENT_FIXES).
    """
    fix = fix or ARGUMENT_FIXES.get(field.split(".")[0])
    return f"{tool}: invalid argument '{field}': {problem.rstrip('.')}." + (f" Fix: pass {fix}." if fix else "")


def validation_problem(tool: str, error: ValidationError) -> str:
    """Every problem pydantic found (three at most), without echoing the values the caller sent."""
    problems = error.errors(include_url=False, include_input=False)
    lines = [argument_problem(tool, ".".join(str(part) for part in p["loc"]) or "arguments", p["msg"])
             for p in problems[:3]]
    if len(problems) > 3:
        lines.append(f"({len(problems) - 3} more problems)")
    return "\n".join(lines)
