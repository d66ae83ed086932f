"""Persona, diagnostics and selection result types (pydantic models)."""

from __future__ import annotations

import dataclasses
import functools
import unicodedata
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, WithJsonSchema

from persona_mcp.clauses import description_clauses
from persona_mcp.formats import Format, split_globs
from persona_mcp.markdown import body_title, name_title
from persona_mcp.names import NAME_PATTERN as NAME_PATTERN  # re-exported: the model's pattern
from persona_mcp.names import short_name as short_name

# `persona://catalog` is the catalog index, so no persona may answer to that URI.
RESERVED_NAMES = frozenset({"catalog", "persona-catalog"})
MAX_TOP_K = 20  # the most ranked personas a selection may be asked for (select_persona and `select` alike)

Trigger = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ServerName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
_GLOB_ITEM = {"type": "string", "minLength": 1, "maxLength": 200}
Globs = Annotated[list[Trigger], BeforeValidator(split_globs), WithJsonSchema(
    {"anyOf": [{"type": "string"}, {"type": "array", "items": _GLOB_ITEM}, {"type": "null"}]})]
# A comma-separated string or a list; the loader reads OpenCode's mapping of tools to true or false as the list of
# those set to true, so the schema accepts that shape too.
Tools = Annotated[str | list[Trigger] | None, WithJsonSchema({"anyOf": [
    {"type": "string"}, {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200}},
    {"type": "object", "additionalProperties": {"type": "boolean"}}, {"type": "null"}]})]


RequestShape = Literal["question", "proposal", "bug-report"]
REQUEST_SHAPES: tuple[RequestShape, ...] = ("question", "proposal", "bug-report")


class _Frontmatter(BaseModel):
    # defer_build: the models of what files hold build their validators when a file is first read, not at import,
    # since the server answers its handshake and tools/list without reading one (PersonaInfo's validator builds
    # McpPreference's part for itself).
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True, defer_build=True)


class McpPreference(_Frontmatter):
    """The MCP servers a persona works best with."""

    primary: ServerName | None = Field(default=None, description="The server to reach for first.")
    secondary: ServerName | None = Field(default=None, description="The server to use when the primary is absent.")
    avoid: list[ServerName] = Field(
        default_factory=list, description="Servers this persona should not lean on (extension)."
    )
    aliases: dict[ServerName, list[ServerName]] = Field(
        default_factory=dict,
        description="Other names of a server named above, as hosts spell them: "
        "{sequential: [sequential-thinking, '@modelcontextprotocol/server-sequential-thinking']} (extension).",
    )


class RoutingExamples(_Frontmatter):
    """Tasks that must route to this persona, and tasks that must not (extension)."""

    select: list[Trigger] = Field(default_factory=list, description="Tasks that must select this persona.")
    reject: list[Trigger] = Field(default_factory=list, description="Tasks that must not select this persona.")


class PersonaSpec(_Frontmatter):
    """The YAML frontmatter of a persona file."""

    name: Annotated[str, StringConstraints(pattern=NAME_PATTERN)] = Field(
        description="Identifier: 1-64 lowercase letters, digits, dots, underscores, dashes; a letter or digit first."
    )
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)] = Field(
        description='One paragraph. May contain "Auto-invoke when: a, b." and "Do NOT load for: x, y." clauses.'
    )
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)] | None = Field(
        default=None, description="Display title (extension); defaults to the body's first heading."
    )
    trigger_keywords: list[Trigger] = Field(
        default_factory=list,
        alias="trigger-keywords",
        description="Words or phrases in the task text that call for this persona (case-insensitive, whole words).",
    )
    trigger_files: list[Trigger] = Field(
        default_factory=list,
        alias="trigger-files",
        description="Gitignore-style globs matched against the task's file paths.",
    )
    activity_keywords: list[Trigger] = Field(
        default_factory=list,
        alias="activity-keywords",
        description="Words or phrases naming the kind of work this persona does (refactor, benchmark, document); "
        "they weigh more than domain keywords (extension).",
    )
    request_shapes: list[RequestShape] = Field(
        default_factory=list,
        alias="request-shapes",
        description="Shapes of request this persona answers: question (how/why/what...?), proposal (a design "
        "write-up with no files), bug-report (a stack trace, or steps to reproduce) (extension).",
    )
    weight: float = Field(
        default=1.0, ge=0.5, le=2.0,
        description="How strongly this persona claims a task when its triggers match, relative to the others "
        "(extension). Above 1 for a concern that should win close calls, such as security.",
    )
    negative_keywords: list[Trigger] = Field(
        default_factory=list,
        alias="negative-keywords",
        description="Words or phrases that argue against this persona (extension).",
    )
    priority_hierarchy: list[Trigger] = Field(
        default_factory=list,
        alias="priority-hierarchy",
        description="What this persona values, most important first.",
    )
    mcp_preference: McpPreference = Field(
        default_factory=McpPreference,
        alias="mcp-preference",
        description="Preferred MCP servers.",
    )
    companions: list[Annotated[str, StringConstraints(pattern=NAME_PATTERN)]] = Field(
        default_factory=list,
        description="Personas this one is often combined with (extension); short or full names.",
    )
    routing_examples: RoutingExamples = Field(
        default_factory=RoutingExamples,
        alias="routing-examples",
        description="Routing tests that travel with the persona (extension).",
    )

    # Keys of the other tools' formats, kept and shown in the catalog (README: "Files from other tools").
    tools: Tools = Field(default=None, description="Claude Code subagent: the tools it may use, a comma-separated "
                         "string or a list; an OpenCode agent's mapping of tools to true or false is read as the list "
                         "of those set to true (kept and shown; selection does not use it).")
    model: Label | list[Label] | None = Field(default=None, description="Claude Code subagent: the model it runs "
                                              "on; a Copilot custom agent's may be a list, tried in order (kept and "
                                              "shown).")
    color: Label | None = Field(default=None, description="Claude Code subagent: its colour in the interface (kept "
                                "and shown).")
    license: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = Field(
        default=None, description="Agent Skills: the skill's licence (kept and shown).")
    compatibility: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = Field(
        default=None, description="Agent Skills: the environment the skill needs (kept and shown).")
    allowed_tools: Tools = Field(default=None, alias="allowed-tools", description="Agent Skills: the tools the skill "
                                 "may use without asking (kept and shown).")
    metadata: dict[str, Any] | None = Field(default=None, description="Agent Skills: further properties (kept and "
                                            "shown).")
    category: Label | None = Field(default=None, description="The catalog category some collections give (kept and "
                                   "shown).")
    globs: Globs = Field(default_factory=list, description="Cursor rule: the files it applies to, a comma-separated "
                         "string or a list of globs. They act as trigger-files when the file gives no trigger-files.")
    always_apply: Annotated[bool, BeforeValidator(lambda v: False if v is None else v),
                            WithJsonSchema({"type": ["boolean", "null"]})] = Field(
        default=False, alias="alwaysApply", description="Cursor rule: true makes it apply to every task "
        "(always_apply in the catalog).")
    apply_to: Globs = Field(default_factory=list, alias="applyTo", description="Copilot instructions: the files they "
                            "apply to, a comma-separated string or a list of globs. They act as trigger-files when "
                            "the file gives no trigger-files.")
    paths: Globs = Field(default_factory=list, description="Claude Code or Cline rule: the files it applies to, a "
                         "comma-separated string or a list of globs. They act as trigger-files when the file gives no "
                         "trigger-files.")
    file_match_pattern: Globs = Field(default_factory=list, alias="fileMatchPattern", description="Kiro steering: "
                                      "the files it applies to, a glob or a list of globs. They act as trigger-files "
                                      "when the file gives no trigger-files.")

    def file_keys(self) -> list[tuple[str, list[str]]]:
        """The globs of each key another format names its files in (`FILE_KEYS`), by the key as files spell it."""
        return [(key, getattr(self, _FILE_FIELDS[key])) for key in FILE_KEYS]


FILE_KEYS: tuple[str, ...] = ("globs", "applyTo", "paths", "fileMatchPattern")
"""Other formats' keys for the files a file applies to (Cursor, Copilot, Claude Code and Cline, Kiro): they act as
trigger-files when the file gives none."""
_FILE_FIELDS = {field.alias or name: name for name, field in PersonaSpec.model_fields.items()
                if (field.alias or name) in FILE_KEYS}

FORMAT_KEYS: tuple[str, ...] = (
    "tools", "model", "color", "license", "compatibility", "allowed-tools", "metadata", "category", "globs",
    "alwaysApply", "applyTo", "paths", "fileMatchPattern",
)
"""The keys of the other tools' formats (and `category`), as the file spells them."""

FRONTMATTER_KEYS: tuple[str, ...] = tuple(
    (field.alias or key) for key, field in PersonaSpec.model_fields.items()
)

class Persona(BaseModel):
    """A validated persona: its frontmatter, its body, and where it came from."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)  # as _Frontmatter

    spec: PersonaSpec
    body: str
    text: str = Field(description="The file's full text, as read.")
    path: Path | None = None
    layer: str = "builtin"
    format: Format = Field(default="persona", description="The file's format: persona (ours, or a Claude Code "
                           "subagent), skill, cursor-rule, copilot-instructions, copilot-agent, opencode-agent or rule "
                           "(Claude Code, Cline, Windsurf, Kiro, Continue, Roo Code, Amazon Q or Augment).")
    kept_keys: dict[str, Any] = Field(default_factory=dict, description="Other tools' keys that mean nothing to "
                                      "persona-mcp, as the file gives them (formats.KEPT_KEYS).")
    always_because: str | None = Field(default=None, description="Why it applies to every task by its own tool's "
                                       "rule, as a companion's reason says it: a rule that names no files, a rule "
                                       "key such as `trigger: always_on`, or a `globs`/`applyTo`/`paths` such as "
                                       "`**` (formats.MATCH_ALL); None when none of these holds.")

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def always_apply(self) -> bool:
        """Whether it applies to every task: a Cursor rule with `alwaysApply: true`, or a file that applies to
        every task by its tool's rule (`always_because`: `applyTo: "**"`, a rule that names no files...)."""
        return self.spec.always_apply or self.always_because is not None

    @property
    def always_reason(self) -> str:
        """Why it applies to every task, in the words of a companion's reason ("" when it does not)."""
        return "alwaysApply: true in its rule" if self.spec.always_apply else self.always_because or ""

    @property
    def short_name(self) -> str:
        return short_name(self.spec.name)

    # What is derived from the persona's text is kept on the persona itself, not in a cache keyed by
    # that text: a reload that drops the persona drops them too, so no old body outlives its catalog.

    @functools.cached_property
    def title(self) -> str:
        return _title(self.spec.title, self.body, self.short_name, self.spec.description)

    @property
    def auto_invoke(self) -> list[str]:
        return list(self._clauses[0])

    @property
    def do_not_load(self) -> list[str]:
        return list(self._clauses[1])

    @functools.cached_property
    def _clauses(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        positive, negative = description_clauses(self.spec.description)
        return tuple(positive), tuple(negative)

    @functools.cached_property
    def summary(self) -> str:
        """The guidance in brief: the first section in full, the priority order, then every heading below."""
        return _summary(self.body, tuple(self.spec.priority_hierarchy))


def _title(title: str | None, body: str, short: str, description: str) -> str:
    written = title or body_title(body)
    return printable(written or name_title(short, description))


_KEPT_FORMAT_CHARACTERS = frozenset("\u200c\u200d")  # zero-width (non-)joiners, which emoji sequences need


def printable(text: str) -> str:
    """The text with control and format characters (ESC, BEL, a right-to-left override...) written as escapes.

    A title is printed to terminals and logs, where such a character could recolour, hide or reorder the
    text around it; `\\x1b` shows what is there instead.
    """
    if text.isprintable():
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") and char not in _KEPT_FORMAT_CHARACTERS
        else char
        for char in text
    )


def _summary(body: str, priorities: tuple[str, ...]) -> str:
    lines = body.strip().splitlines()
    out: list[str] = []
    sections = 0
    for line in lines:
        if line.startswith("## "):
            sections += 1
            if sections == 2 and priorities:
                out += ["Priorities: " + " > ".join(priorities), ""]
        if sections <= 1 or line.startswith(("## ", "### ")):
            out.append(line)
    return "\n".join(out).strip()


Severity = Literal["error", "warning", "info"]
"""An error leaves the file out; a warning does not (`--strict` makes it an error); an info note says what was
skipped and why, and is never an error."""


class Diagnostic(BaseModel):
    """One problem found in a persona file, with where it is and how to fix it."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # as _Frontmatter

    path: str = Field(description="The file the problem is in.")
    line: int | None = Field(default=None, description="1-based line in the file, when known.")
    field: str | None = Field(default=None, description="The frontmatter field at fault, when there is one.")
    severity: Severity = "error"
    message: str = Field(description="What is wrong.")
    hint: str = Field(default="", description="What to do about it.")

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        what = f"field '{self.field}': {self.message}" if self.field else self.message
        fix = f" (fix: {self.hint})" if self.hint else ""
        return f"{where}: {self.severity}: {what}{fix}"


# ---------------------------------------------------------------- selection results

EvidenceKind = Literal["keyword", "activity", "name", "description", "section", "lexicon", "body", "file", "shape",
                       "negative", "explicit"]


@dataclasses.dataclass(slots=True)
class Evidence:
    """One signal that moved a persona's score."""

    # A plain dataclass, not a model: selection builds a dozen per answer from values it has already
    # checked, and pydantic takes an instance as it is (its schema and JSON are those of a model).
    kind: Annotated[EvidenceKind, Field(description="keyword, activity, name, description, section, lexicon, body, "
                                        "file, shape (of the request), negative (lowers the score) or explicit "
                                        "(asked for by name).")]
    trigger: Annotated[str, Field(description="The keyword, phrase or glob that fired.")]
    matched: Annotated[list[str], Field(description="The task words or file paths it matched.")]
    weight: Annotated[float, Field(description="Its contribution to the score (negative for exclusions).")]
    source: Annotated[str, Field(description="Where the persona's file says it: trigger-keywords, name, "
                                 "trigger-clause, a section, or the lexicon entry that brought it.")] = ""


@dataclasses.dataclass(slots=True)
class Candidate:
    """A persona considered for the task, with its score and evidence."""

    # A plain dataclass like Evidence: selection builds several per answer from values it has checked.
    name: str
    short_name: str
    title: str
    score: Annotated[float, Field(description="Raw evidence score; higher is better.")]
    confidence: Annotated[float, Field(ge=0.0, le=1.0, description="How sure the selector is that this persona fits.")]
    evidence: list[Evidence] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(slots=True, kw_only=True)
class Companion:
    """A second persona whose concerns apply to the task too."""

    name: str
    title: str
    confidence: Annotated[float, Field(ge=0.0, le=1.0, description="How sure the selector is that it applies as well.")]
    reason: Annotated[str, Field(description="Why it applies too.")]
    priority_hierarchy: list[str] = dataclasses.field(default_factory=list)
    prompt: Annotated[str, Field(description="The MCP prompt that carries it.")]
    resource_uri: Annotated[str, Field(description="The MCP resource with its file.")]


@dataclasses.dataclass(slots=True, kw_only=True)
class ServerChoice:
    """A persona's MCP server preferences, resolved against the servers the host has."""

    primary: str | None = None
    secondary: str | None = None
    avoid: list[str] = dataclasses.field(default_factory=list)
    recommended: Annotated[str | None, Field(
        description="The first preferred server that is available (or preferred, if unknown).")] = None
    unavailable: Annotated[list[str], Field(
        description="Preferred servers that the host said it does not have.")] = dataclasses.field(default_factory=list)
    checked: Annotated[bool, Field(
        description="Whether the host listed its servers, so that recommended and unavailable were checked "
        "against them; when false, use the recommended server if available.")] = False
    aliases: Annotated[dict[str, list[str]], Field(
        description="Other names of the preferred servers, by declared name.")] = dataclasses.field(
            default_factory=dict)
    note: str = ""


class Selection(BaseModel):
    """The answer of select_persona: the chosen persona (or none) and why."""

    persona: str | None = Field(description="Name of the selected persona, or null when none fits.")
    title: str | None = None
    confidence: float = Field(ge=0.0, le=1.0)
    reason: str = Field(description="Why this persona was chosen, or why none was.")
    evidence: list[Evidence] = Field(default_factory=list, description="The signals behind the choice.")
    alternatives: list[Candidate] = Field(default_factory=list, description="Runners-up, best first.")
    companions: list[Companion] = Field(
        default_factory=list, description="Personas whose concerns apply too: combine their guidance with this one."
    )
    priority_hierarchy: list[str] = Field(default_factory=list, description="The selected persona's priorities.")
    merged_priorities: list[str] = Field(
        default_factory=list,
        description="The selected persona's priorities with its companions' merged in; the selected order wins.",
    )
    priority_conflicts: list[str] = Field(
        default_factory=list, description="Where a companion orders two priorities the other way round."
    )
    mcp_servers: ServerChoice | None = None
    guidance: str | None = Field(default=None, description="The persona's behavioural guidance (markdown).")
    prompt: str | None = Field(default=None, description="The MCP prompt that carries this persona.")
    resource_uri: str | None = Field(default=None, description="The MCP resource with the persona file.")


# ---------------------------------------------------------------- catalog views


class PersonaInfo(BaseModel):
    """A persona as the catalog lists it."""

    name: str
    short_name: str
    title: str
    description: str
    trigger_keywords: list[str] = Field(default_factory=list)
    trigger_files: list[str] = Field(default_factory=list)
    negative_keywords: list[str] = Field(default_factory=list)
    auto_invoke: list[str] = Field(default_factory=list, description='Phrases of the "Auto-invoke when:" clause.')
    do_not_load: list[str] = Field(default_factory=list, description='Phrases of the "Do NOT load for:" clause.')
    priority_hierarchy: list[str] = Field(default_factory=list)
    mcp_preference: McpPreference = Field(default_factory=McpPreference)
    companions: list[str] = Field(default_factory=list)
    format: Format = Field(default="persona", description="The file's format: persona (ours, or a Claude Code "
                           "subagent), skill, cursor-rule, copilot-instructions, copilot-agent, opencode-agent or rule "
                           "(Claude Code, Cline, Windsurf, Kiro, Continue, Roo Code, Amazon Q or Augment).")
    always_apply: bool = Field(default=False, description="Whether it applies to every task: a Cursor rule with "
                               "alwaysApply: true, or a file that applies to every file (applyTo: '**', a rule that "
                               "names no files).")
    format_keys: dict[str, Any] = Field(
        default_factory=dict, description="The keys of the other tools' formats that the file gives (tools, model, "
        "color, license, compatibility, allowed-tools, metadata, category, globs, alwaysApply, applyTo, paths, "
        "fileMatchPattern, and the keys kept as written, such as permissionMode or argument-hint).")
    layer: str = Field(description="The catalog layer it comes from: builtin, user, env, custom or project.")
    path: str | None = Field(default=None, description="The file it was loaded from.")
    overrides: str | None = Field(default=None, description="The file of an earlier layer that it replaces.")
    prompt: str = Field(description="The MCP prompt that carries it.")
    resource_uri: str = Field(description="The MCP resource with its file.")

    @classmethod
    def of(cls, persona: Persona, overrides: str | None = None) -> PersonaInfo:
        spec = persona.spec
        return cls(
            name=persona.name, short_name=persona.short_name, title=persona.title, description=spec.description,
            trigger_keywords=list(spec.trigger_keywords), trigger_files=list(spec.trigger_files),
            negative_keywords=list(spec.negative_keywords), auto_invoke=persona.auto_invoke,
            do_not_load=persona.do_not_load, priority_hierarchy=list(spec.priority_hierarchy),
            mcp_preference=spec.mcp_preference, companions=list(spec.companions), format=persona.format,
            always_apply=persona.always_apply, format_keys={**format_keys(spec), **persona.kept_keys},
            layer=persona.layer,
            path=str(persona.path) if persona.path else None, overrides=overrides,
            prompt=persona.short_name, resource_uri=f"persona://{persona.short_name}",
        )


def format_keys(spec: PersonaSpec) -> dict[str, Any]:
    """The other formats' keys that a file gives, by their own spelling, as JSON values."""
    given = {key for key in spec.model_fields_set if (PersonaSpec.model_fields[key].alias or key) in FORMAT_KEYS}
    return spec.model_dump(mode="json", by_alias=True, include=given) if given else {}


class PersonaList(BaseModel):
    """The catalog: every persona in force, and the problems found while loading it."""

    count: int
    personas: list[PersonaInfo]
    problems: list[str] = Field(default_factory=list, description="Loading problems, one line each.")


class PersonaDetail(BaseModel):
    """One persona with its guidance."""

    persona: PersonaInfo
    detail: Literal["full", "summary"]
    guidance: str = Field(description="The behavioural guidance (markdown), in full or in brief.")
