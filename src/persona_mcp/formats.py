"""The other tools' guidance files, read as personas: which format a file is in, and what it leaves out.

| format | files | default name | default description |
| --- | --- | --- | --- |
| `persona` | `*.md` (ours, and Claude Code subagents) | required | required |
| `skill` | `<name>/SKILL.md` (Agent Skills) | the folder's name | the body's first paragraph |
| `cursor-rule` | `*.mdc` (Cursor rules) | the file name without `.mdc` | the body's first paragraph |
| `copilot-instructions` | `*.instructions.md` | the file name without `.instructions.md` | the body's first paragraph |
| `copilot-agent` | `*.agent.md`, `*.chatmode.md`, `.github/agents/*.md` | the file name, less those | first paragraph |
| `opencode-agent` | `.opencode/agents/*.md`, or OpenCode's keys | the file name without `.md` | the first paragraph |
| `rule` | `*.md` in `RULE_FOLDERS` (Claude Code, Cline, Kiro...) | the file name without `.md` | the first paragraph |

An OpenCode agent is told by its folder or by its keys (`OPENCODE_KEYS`, or `tools` as a mapping of tool names
to true or false, which becomes the list of the tools set to true). A skill, a Cursor rule, Copilot
instructions, an OpenCode agent under `.opencode/` or a rule may have no frontmatter at all. `globs`, `applyTo`,
`paths` and `fileMatchPattern`, a comma-separated string or a list, become file triggers; `split_globs` reads them.
`repair_frontmatter` quotes the one-line values and list items that those tools accept and strict YAML refuses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Literal

from persona_mcp.markdown import prose_lines
from persona_mcp.names import as_name

Format = Literal["persona", "skill", "cursor-rule", "copilot-instructions", "copilot-agent", "opencode-agent", "rule"]

SKILL_FILE = "SKILL.md"
RULE_FOLDERS = (".claude/rules", ".clinerules", ".cline/rules", ".windsurf/rules", ".kiro/steering", ".continue/rules",
                ".roo/rules", ".amazonq/rules", ".augment/rules")
"""Where Claude Code, Cline, Windsurf, Kiro, Continue, Roo Code, Amazon Q and Augment keep a project's rules:
markdown files, with frontmatter or none, whose `paths` (Claude Code, Cline), `globs` (Windsurf, Continue) or
`fileMatchPattern` (Kiro) say which files they apply to. A file under one is a `rule`."""


@dataclass(frozen=True)
class RuleMode:
    """How one tool's rules say when they apply: a key of their own, with the values the tool documents."""

    key: str
    everywhere: str  # the value that applies the rule to every task
    by_files: str | None  # the value that applies it to the files its `globs_key` names (None: the tool has none)
    globs_key: str
    values: tuple[str, ...]  # all of them: the others leave it to be chosen by its description
    default_everywhere: bool = True  # without the key, a rule that names no files applies to every task


RULE_MODES = {
    ".windsurf/rules": RuleMode("trigger", "always_on", "glob", "globs", ("always_on", "model_decision", "glob",
                                                                           "manual")),
    ".kiro/steering": RuleMode("inclusion", "always", "fileMatch", "fileMatchPattern", ("always", "fileMatch",
                                                                                         "manual", "auto")),
    # Augment attaches a project's rule only when asked, unless its `type` says always.
    ".augment/rules": RuleMode("type", "always_apply", None, "", ("always_apply", "agent_requested", "manual"),
                               default_everywhere=False),
}
"""The rules folders whose tools say when a rule applies in a key of their own (Windsurf's `trigger`, Kiro's
`inclusion`, Augment's `type`); the others' rules apply by their files, or everywhere when they name none."""
# Where other AI coding tools keep their guidance in a project: Claude Code's agents, skills and rules, Cursor's
# rules and subagents, Copilot's instructions, custom agents (and their former chat modes) and skills, the Agent
# Skills folder, OpenCode's and Gemini CLI's agents, and the rules of the tools in RULE_FOLDERS.
TOOL_FOLDERS = (".claude/agents", ".claude/skills", ".cursor/rules", ".cursor/agents", ".github/instructions",
                ".github/agents", ".github/chatmodes", ".github/skills", ".agents/skills", ".opencode/agent",
                ".opencode/agents", ".gemini/agents", *RULE_FOLDERS)
PROJECT_FILES = frozenset({"agents.md", "agent.md", "claude.md", "claude.local.md", "gemini.md",
                           "copilot-instructions.md", "contributing.md", "code_of_conduct.md", "security.md",
                           "support.md", "governance.md", "changelog.md", "license.md"})
"""A project's own markdown files, by name in lowercase: the instructions that coding agents read for the whole
project (AGENTS.md, CLAUDE.md, GEMINI.md, Copilot's `.github/copilot-instructions.md`) and the files a repository
keeps for people (CONTRIBUTING.md, SECURITY.md...). Without frontmatter such a file is not a persona: the loader
skips it with a note. With frontmatter it is read as any other file."""
FOLDER_PROJECT_FILES = {".github": frozenset({"copilot-instructions.md"})}
"""The project files inside a hidden tool folder that the folder scan passes on, so that skipping them is noted."""
CURSOR_SUFFIX = ".mdc"
COPILOT_SUFFIX = ".instructions.md"
COPILOT_AGENT_SUFFIXES = (".agent.md", ".chatmode.md")  # custom agents of VS Code and Copilot, and their former name
PROMPT_FILE_SUFFIX = ".prompt.md"  # Copilot's prompt files: slash commands, as Claude Code's `commands` are
MARKDOWN_SUFFIX = ".md"
KEPT_KEYS: dict[str, str] = {
    "disallowedTools": "Claude Code subagent: tools it may not use",
    "permissionMode": "Claude Code subagent: how it asks for permissions",
    "maxTurns": "Claude Code subagent: the most turns it takes",
    "skills": "Claude Code subagent: skills loaded into it",
    "mcpServers": "Claude Code subagent: MCP servers it may use",
    "hooks": "Claude Code subagent or skill: hooks run around its tool calls",
    "memory": "Claude Code subagent: its persistent memory",
    "background": "Claude Code subagent: whether it runs in the background",
    "effort": "Claude Code subagent or skill: the reasoning effort",
    "isolation": "Claude Code subagent: where it works (a worktree)",
    "argument-hint": "Claude Code skill: the arguments it expects",
    "disable-model-invocation": "Claude Code skill: only a user may invoke it",
    "user-invocable": "Claude Code skill: whether it shows in the / menu",
    "context": "Claude Code skill: where it runs (fork)",
    "agent": "Claude Code skill: the subagent it runs in",
    "version": "a version some skills and agents give",
    "excludeAgent": "Copilot instructions: the Copilot agent that ignores them",
    "agents": "Copilot custom agent: the subagents it may call",
    "handoffs": "Copilot custom agent: the agents it hands its work on to",
    "target": "Copilot custom agent: where it runs (vscode or github-copilot)",
    "mcp-servers": "Copilot custom agent: MCP servers it may use",
    "infer": "Copilot custom agent: whether Copilot may choose it by itself",
    "user-invokable": "Copilot custom agent: whether it shows in the agent picker",
    "readonly": "Cursor subagent: whether it may only read",
    "is_background": "Cursor subagent: whether it runs in the background",
    "kind": "Gemini CLI subagent: local, or remote (an Agent2Agent server)",
    "max_turns": "Gemini CLI subagent: the most turns it takes",
    "timeout_mins": "Gemini CLI subagent: the most minutes it runs",
    "agent_card_url": "Gemini CLI remote subagent: where its agent card is",
    "agent_card_json": "Gemini CLI remote subagent: its agent card",
    "auth": "Gemini CLI remote subagent: how it authenticates",
    "mode": "OpenCode agent: primary, subagent or all",
    "temperature": "OpenCode agent: its sampling temperature",
    "top_p": "OpenCode agent: its nucleus sampling",
    "maxSteps": "OpenCode agent: the most steps it takes",
    "permission": "OpenCode agent: what it may do without asking",
    "permissions": "OpenCode agent: what it may do without asking",
    "disable": "OpenCode agent: whether it is turned off",
    "disabled": "OpenCode agent: whether it is turned off",
    "hidden": "OpenCode agent: whether it is hidden from the @ menu",
    "prompt": "OpenCode agent: its prompt, or the file that holds it",
    "trigger": "Windsurf rule: when it applies (always_on, model_decision, glob or manual); always_on makes it "
               "always apply",
    "inclusion": "Kiro steering: when it applies (always, fileMatch, manual or auto); always makes it always apply",
    "type": "Augment rule: when it applies (always_apply, agent_requested or manual); always_apply makes it always "
            "apply",
    "regex": "Continue rule: patterns of file content it applies to",
    "schema": "Continue rule: the version of its format",
}
"""Other tools' keys that mean nothing to persona-mcp: known (no warning), kept as written and shown under
`format_keys`, never validated. The keys it does read are fields of `PersonaSpec`."""
OPENCODE_KEYS = frozenset(key for key, meaning in KEPT_KEYS.items() if meaning.startswith("OpenCode agent:"))
"""Keys only OpenCode's agents have: a `*.md` file with one of them and no `name` is an OpenCode agent."""
OPENCODE_FOLDERS = frozenset({"agent", "agents"})
"""OpenCode reads its agents from `.opencode/agent/` and `.opencode/agents/` (at any depth below them)."""
MATCH_ALL = frozenset({"**", "**/*", "*", "**/**", "/**", "/**/*", "./**", "./**/*"})
"""Globs that match every file: in `globs` or `applyTo` they tell no file apart, so they make the file apply
always (`Persona.always_apply`) instead of being file triggers."""
MAX_BRACE_EXPANSION = 32
"""A glob such as `**/*.{ts,tsx}` becomes one glob per choice, up to this many; beyond, it is kept as written."""
MAX_DERIVED_DESCRIPTION = 1000
"""How much of a body's first paragraph becomes the description of a file that has none."""


def file_format(path: str | PurePath) -> Format:
    """The format a file is in, judged by its name."""
    name = PurePath(path).name
    if name == SKILL_FILE:
        return "skill"
    if name.endswith(CURSOR_SUFFIX):
        return "cursor-rule"
    if name.endswith(COPILOT_SUFFIX):
        return "copilot-instructions"
    folders = _folders(path)
    if name.endswith(COPILOT_AGENT_SUFFIXES) or "/.github/agents/" in folders:
        return "copilot-agent"
    if any(f"/.opencode/{folder}/" in folders for folder in OPENCODE_FOLDERS):
        return "opencode-agent"
    if rule_folder(path) is not None:
        return "rule"
    return "persona"


def rule_folder(path: str | PurePath) -> str | None:
    """The rules folder (`RULE_FOLDERS`) a file lies under, at any depth, or None."""
    folders = _folders(path)
    return next((folder for folder in RULE_FOLDERS if f"/{folder}/" in folders), None)


def _folders(path: str | PurePath) -> str:
    """The folders a file lies in, as "/a/b/c/", so that "/.github/agents/" is found in it at any depth."""
    return "/" + "/".join(PurePath(path).parts[:-1]) + "/"


def content_format(fmt: Format, data: dict[str, Any]) -> Format:
    """The format of a file of ours by its name, told again by its frontmatter: one without a `name` that gives
    OpenCode's keys is an OpenCode agent (`.opencode/agents/*.md` copied elsewhere)."""
    if fmt != "persona" or "name" in data:
        return fmt
    if isinstance(data.get("tools"), dict) or not OPENCODE_KEYS.isdisjoint(data):
        return "opencode-agent"
    return fmt


def is_guidance_file(name: str) -> bool:
    """Whether a file name is one persona-mcp reads: `*.md` or `*.mdc`, but not `README.md`, `README.*.md` or a
    Copilot prompt file (`*.prompt.md`, a slash command)."""
    lower = name.lower()
    if lower.endswith(CURSOR_SUFFIX):
        return True
    if not lower.endswith(MARKDOWN_SUFFIX) or lower.endswith(PROMPT_FILE_SUFFIX):
        return False
    return not (lower == "readme.md" or lower.startswith("readme."))


def needs_frontmatter(fmt: Format) -> bool:
    """Skills, Cursor rules and Copilot instructions may be plain markdown; a persona must have frontmatter."""
    return fmt == "persona"


def default_name(path: str | PurePath, fmt: Format) -> str | None:
    """The name a file takes when its frontmatter gives none, or None when its format requires one."""
    pure = PurePath(path)
    if fmt == "skill":
        stem = pure.parent.name
    elif fmt == "cursor-rule":
        stem = pure.name[: -len(CURSOR_SUFFIX)]
    elif fmt == "copilot-instructions":
        stem = pure.name[: -len(COPILOT_SUFFIX)]
    elif fmt == "copilot-agent":
        stem = next((pure.name[: -len(suffix)] for suffix in COPILOT_AGENT_SUFFIXES if pure.name.endswith(suffix)),
                    pure.name.removesuffix(MARKDOWN_SUFFIX))
    elif fmt in ("opencode-agent", "rule"):
        stem = pure.name.removesuffix(MARKDOWN_SUFFIX)
    else:
        return None
    return as_name(stem)


def derive_description(body: str) -> str | None:
    """The first heading and first paragraph of a body, on one line, as the description of a file with none."""
    heading = ""
    paragraph: list[str] = []
    for raw in prose_lines(body):
        line = raw.strip()
        if not line:
            if paragraph:
                break
            continue
        if line.startswith("#"):
            if paragraph:
                break
            heading = heading or line.lstrip("#").strip()
            continue
        paragraph.append(line)
    text = " ".join(paragraph)
    if heading and text:
        text = f"{heading.rstrip('.:')}. {text}"
    text = text or heading
    if len(text) > MAX_DERIVED_DESCRIPTION:
        text = text[:MAX_DERIVED_DESCRIPTION].rsplit(" ", 1)[0] + " ..."
    return text or None


def split_globs(value: Any) -> Any:
    """`globs`, `applyTo`, `paths` or `fileMatchPattern` as a list of globs: a comma-separated string is split, and
    `{a,b}` choices expanded.

    Anything that is neither text nor a list is returned as it is, for validation to report.
    """
    if value is None:
        return []
    if isinstance(value, str):
        items: list[Any] = _split_commas(value)
    elif isinstance(value, list):
        items = list(value)
    else:
        return value
    globs: list[Any] = []
    for item in items:
        if isinstance(item, str):
            item = item.strip()
            if item:
                globs.extend(expand_braces(item))
        else:
            globs.append(item)
    return list(dict.fromkeys(globs)) if all(isinstance(g, str) for g in globs) else globs


def _split_commas(text: str) -> list[str]:
    """Split on the commas outside `{...}`, so `src/**/*.{ts,tsx}, lib/**` is two globs."""
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == "," and not depth:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def expand_braces(glob: str) -> list[str]:
    """`*.{ts,tsx}` -> `*.ts`, `*.tsx` (gitignore patterns have no braces); unbalanced or huge ones stay as written.

    Used for the other formats' globs (`split_globs`) and for a persona's own `trigger-files` (the loader)."""
    if "{" not in glob:  # most globs
        return [glob]
    results = [glob]
    expanded: list[str] = []
    while results:
        current = results.pop()
        match = re.search(r"\{([^{}]*)\}", current)
        if match is None or "," not in match[1]:
            expanded.append(current)
        else:
            head, tail = current[: match.start()], current[match.end():]
            results.extend(f"{head}{choice}{tail}" for choice in reversed(match[1].split(",")))
        if len(results) + len(expanded) > MAX_BRACE_EXPANSION:
            return [glob]
    return expanded


# ---------------------------------------------------------------- tolerant YAML

_TOP_LEVEL_VALUE = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_-]*):[ \t]+(?P<value>\S.*?)[ \t]*")
_TOP_LEVEL_LIST = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_-]*):[ \t]*")  # a key whose list follows on its own lines
_LIST_ITEM = re.compile(r"(?P<dash>[ \t]*-[ \t]+)(?P<value>\S.*?)[ \t]*")
_ALIAS = re.compile(r"\*[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Repair:
    """A value that strict YAML refuses and that was read as plain text."""

    line: int  # 0-based, within the frontmatter
    key: str
    value: str  # its first line
    reason: Literal["colon", "indicator", "lines", "item"]
    listed: bool = False  # the key is a list field of ours: the loader reads the one-line text as a one-item list

    @property
    def message(self) -> str:
        if self.reason == "colon":
            return "the one-line value holds ': ', which strict YAML reads as a nested field; " + self._read_as
        if self.reason == "item":
            return (f"an item of the list starts with '{self.value[0]}', which strict YAML reserves (a bare '*' "
                    "starts an alias); it was read as text")
        if self.reason == "lines":
            return ("the value goes on over several lines that hold ': ' or start like YAML syntax ('- ', '#'), "
                    "which strict YAML reads as fields of their own; the lines were read as its text")
        return (f"the one-line value starts with '{self.value[0]}', which strict YAML reserves (a bare '*' starts "
                "an alias); " + self._read_as)

    @property
    def _read_as(self) -> str:
        return "it was read as text, the one item of a list" if self.listed else "it was read as text"

    @property
    def hint(self) -> str:
        if self.reason == "lines":
            return f"write it as a block: '{self.key}: |' then each of its lines indented by two spaces"
        shown = self.value if len(self.value) <= 60 else self.value[:50] + " ..."
        if self.listed and self.reason != "item":
            return f"write it as a list: {yaml_list(self.key, [shown])}"
        quoted = '"' + shown.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if self.reason == "item":
            return f"quote the item: - {quoted}"
        if self.reason == "indicator":
            return f"quote the value: {self.key}: {quoted}"
        return f"quote the value: {self.key}: {quoted}, or write it as a block: '{self.key}: >-' then indented lines"


def repair_frontmatter(frontmatter: str, keys: AbstractSet[str] = frozenset(),
                       list_keys: AbstractSet[str] = frozenset()) -> tuple[str, list[Repair]]:
    """The frontmatter with each top-level plain value that strict YAML refuses put in single quotes.

    Claude Code and Cursor read `description: Use when: x` and `globs: **/*.ts, src/**` as text; strict
    YAML refuses the first (': ' inside a plain value) and the second (a bare '*' starts an alias). Agent
    collections also write a description over several lines of examples ("Context: ...", "user: ...",
    "- <example>"), indented or not: the lines up to the next field of `keys` (the fields the file's format
    knows) are the value's. Only a value not quoted, not a flow or block value, is rewritten, and its
    lines stay where they are, so line numbers hold. So is an item of a top-level key's list that starts with
    a bare `*` (`paths:` then `- **/*.ts`, as Claude Code's and Cline's rules are often written). A value of one
    of `list_keys` (our list fields, such as `trigger-files: **/*.go`) is repaired the same way, and its warning
    shows the list to write (`Repair.listed`). Linear in the frontmatter's length.
    """
    lines = frontmatter.splitlines(keepends=True)
    ends = _value_ends(lines, keys)
    repairs: list[Repair] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _TOP_LEVEL_VALUE.fullmatch(line.rstrip("\r\n"))
        end = ends[index] if match is not None else index + 1
        listed = _TOP_LEVEL_LIST.fullmatch(line.rstrip("\r\n")) if match is None else None
        if listed is not None:
            end = _quote_items(lines, index + 1, listed["key"], repairs)
        if match is not None:
            key, value = match["key"], match["value"]
            if end == index + 1:
                reason = _refusal(value)
                if reason is not None:
                    lines[index] = f"{key}: {_quoted(value)}'{_ending(line)}"
                    repairs.append(Repair(index, key, value, reason, key in list_keys))
            elif value[0] not in "\"'[{|>&!" and any(_refusal(text) or _starts_like_syntax(text) for text in
                                                       [value, *_texts(lines[index + 1:end])]):
                lines[index] = f"{key}: {_quoted(value)}{_ending(line)}"
                for following in range(index + 1, end):
                    text = lines[following]
                    lines[following] = _quoted(text.rstrip("\r\n"))[1:] + _ending(text)
                last = lines[end - 1]
                lines[end - 1] = last.rstrip("\r\n") + "'" + _ending(last)
                repairs.append(Repair(index, key, value, "lines"))
        index = end
    return "".join(lines), repairs


def yaml_list(key: str, items: list[str]) -> str:
    """The YAML line `key: ["a", "b"]`, each item double-quoted as JSON writes it (YAML reads that, `*` and all)."""
    return f"{key}: [{', '.join(json.dumps(item, ensure_ascii=False) for item in items)}]"


def _quote_items(lines: list[str], start: int, key: str, repairs: list[Repair]) -> int:
    """Quote the items of `key`'s list, from line `start`, that strict YAML refuses; returns where the list ends."""
    index = start
    while index < len(lines):
        line = lines[index]
        item = _LIST_ITEM.fullmatch(line.rstrip("\r\n"))
        if item is None:
            if line.strip() and line[0] not in " \t":
                break  # the next field
            index += 1  # a blank line, or a nested line of an item
            continue
        value = item["value"]
        if value[0] in "*@`%" and not _ALIAS.fullmatch(value):
            lines[index] = f"{item['dash']}{_quoted(value)}'{_ending(line)}"
            repairs.append(Repair(index, key, value, "item"))
        index += 1
    return index


def _quoted(text: str) -> str:
    """`text` opened as a single-quoted YAML scalar: a quote, and each of its quotes doubled."""
    return "'" + text.replace("'", "''")


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")):]


def _texts(lines: list[str]) -> list[str]:
    """The stripped text of each of these lines that has any."""
    return [text.strip() for text in lines if text.strip()]


def _starts_like_syntax(text: str) -> bool:
    return text.startswith(("- ", "#", "? ")) or text == "-"


_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*:(?:[ \t]|$)")


def _value_ends(lines: list[str], keys: AbstractSet[str]) -> list[int]:
    """For each line, where a value that starts on it ends: after its last line of text before the next field.

    An indented line goes on with the value, as YAML reads it. So do lines at the left margin up to the next field
    of `keys` when one of them is no field at all ("<example>"): they are the value's text ("Context: ...").
    Without `keys`, or when each such line is a field, they are fields. Two passes over the lines, so linear.
    """
    count = len(lines)
    last_text = [-1] * (count + 1)  # last_text[i]: the last line with text before line i
    for index, line in enumerate(lines):
        last_text[index + 1] = index if line.strip() else last_text[index]
    ends = [0] * count
    next_field = next_margin = next_prose = count  # the first such line after the one looked at
    for index in range(count - 1, -1, -1):
        boundary = next_field if next_prose < next_field else next_margin
        ends[index] = max(index + 1, last_text[boundary] + 1)
        line = lines[index]
        if line.strip() and line[0] not in " \t":
            next_margin = index
            field = _FIELD.match(line)
            if not keys or line.startswith("---") or (field is not None and field.group(0).rstrip(": \t") in keys):
                next_field = index
            elif field is None:
                next_prose = index
    return ends


def _refusal(value: str) -> Literal["colon", "indicator"] | None:
    """Why strict YAML refuses this plain one-line value, when it is one that the other tools read as text."""
    first = value[0]
    if first in "\"'[{|>#&!":  # quoted, flow, block, comment, anchor or tag: YAML's own syntax, left alone
        return None
    if first in "*@`%":
        return None if first == "*" and _ALIAS.fullmatch(value) else "indicator"
    if ": " in value or value.endswith(":") or ":\t" in value:
        return "colon"
    return None
