"""Persona files -> validated personas, and folders -> personas plus diagnostics."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_origin

from pydantic import ValidationError

from persona_mcp.folders import NotAFile, TooLarge, read_bounded, scan_folder, shown
from persona_mcp.formats import (
    KEPT_KEYS,
    MATCH_ALL,
    PROJECT_FILES,
    RULE_MODES,
    Format,
    RuleMode,
    content_format,
    default_name,
    derive_description,
    expand_braces,
    file_format,
    needs_frontmatter,
    rule_folder,
    yaml_list,
)
from persona_mcp.frontmatter import MAX_YAML_VALUES as MAX_YAML_VALUES  # re-exported: tests and callers use it
from persona_mcp.frontmatter import (
    Problem,
    describe_error,
    error_hint,
    field_path,
    key_line,
    node_at,
    read_frontmatter,
    suggest_key,
)
from persona_mcp.frontmatter import split_frontmatter as split_frontmatter
from persona_mcp.globs import MAX_GLOB_STARS as MAX_GLOB_STARS  # re-exported: callers and tests use them
from persona_mcp.globs import glob_problem as glob_problem
from persona_mcp.model import (
    FORMAT_KEYS,
    FRONTMATTER_KEYS,
    RESERVED_NAMES,
    Diagnostic,
    McpPreference,
    Persona,
    PersonaSpec,
    RoutingExamples,
    short_name,
)
from persona_mcp.names import display_name, name_as_title, unnamed_problem

# pathspec is imported where a glob is first checked, and PyYAML where a frontmatter is first read, not
# with this module: the server answers `initialize` and `tools/list` before it reads any persona.

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 256 * 1024
NO_FRONTMATTER = "no YAML frontmatter"
_NESTED_KEYS: dict[str, tuple[str, ...]] = {
    "mcp-preference": tuple(McpPreference.model_fields),
    "routing-examples": tuple(RoutingExamples.model_fields),
}
# Our fields that take a list, by their path: ("trigger-files",), ("mcp-preference", "avoid"). A piece of text given
# for one is read as a list of one item (`_one_item_lists`); the other formats' keys (`globs`...) read text anyway.
_LIST_FIELDS: tuple[tuple[str, ...], ...] = tuple(
    (*parent, field.alias or key)
    for parent, model in (((), PersonaSpec), (("mcp-preference",), McpPreference),
                          (("routing-examples",), RoutingExamples))
    for key, field in model.model_fields.items()
    if get_origin(field.annotation) is list and (field.alias or key) not in FORMAT_KEYS
)


@dataclass
class LoadResult:
    """What loading produced: the personas that validated and every problem found on the way."""

    personas: list[Persona] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def extend(self, other: LoadResult) -> None:
        self.personas.extend(other.personas)
        self.diagnostics.extend(other.diagnostics)


def parse_persona(text: str, path: str, *, layer: str = "builtin", strict: bool = False) -> LoadResult:
    """Validate one persona file's text. Never raises on bad content: problems come back as diagnostics.

    The file's format (ours, a skill, a Cursor rule, Copilot instructions) is judged by `path`; see
    `persona_mcp.formats` for what each one may leave out.
    """
    result = LoadResult()
    fmt = file_format(path)

    def report(message: str, hint: str = "", *, line: int | None = None, fld: str | None = None,
               severity: str = "error") -> None:
        result.diagnostics.append(
            Diagnostic(path=path, line=line, field=fld, message=message, hint=hint,
                       severity="error" if strict or severity == "error" else "warning")
        )

    text = text.removeprefix("\ufeff")
    parts = split_frontmatter(text)
    if parts is None and text.lstrip().startswith("---"):
        report("the frontmatter is never closed", "end the YAML block with a line holding only '---'", line=1)
        return result
    if parts is None and needs_frontmatter(fmt):
        report(NO_FRONTMATTER, "start the file with a '---' line, the YAML fields, then another '---' line",
               line=1)
        return result
    frontmatter, body, offset = parts or ("", text, 1)

    parsed = read_frontmatter(frontmatter, offset, _KNOWN_KEYS, _LIST_KEYS)
    if isinstance(parsed, Problem):
        report(parsed.message, parsed.hint, line=parsed.line)
        return result
    root, data = parsed.root, parsed.data
    for repair in parsed.repairs:
        if repair.listed or not _other_tools_file(path, fmt, data):  # another tool's value, read as it reads it
            report(repair.message, repair.hint, line=repair.line + offset, fld=repair.key, severity="warning")
    if data is None and not needs_frontmatter(fmt):
        data = {}  # an empty frontmatter: a skill, Cursor rule or Copilot file needs no field
    if isinstance(data, str) and not needs_frontmatter(fmt):
        # A rule whose frontmatter is a sentence ("Your task is to write a PR description ..."): it says what
        # the rule is for, as a description would.
        report("the frontmatter is one piece of text, not fields; it was read as the description",
               f"write it as a field: description: {data[:50]!r}", line=offset, fld="description", severity="warning")
        data = {"description": data}
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        report(f"the frontmatter must be a mapping of fields, not {kind}",
               "write 'name: ...' and 'description: ...' lines between the '---' lines", line=offset)
        return result

    def line_of(*loc: str | int) -> int | None:
        node = node_at(root, loc)
        return node.start_mark.line + offset if node is not None else None

    fmt = content_format(fmt, data)

    for key in [k for k in data if not isinstance(k, str)]:
        report(f"field names must be text, got {key!r}", "quote the key or remove it", line=line_of(key))
        data.pop(key)
    for key in [k for k in data if k not in FRONTMATTER_KEYS and k not in KEPT_KEYS]:
        report(f"unknown field {key!r}", suggest_key(key, FRONTMATTER_KEYS), line=line_of(key), fld=key,
               severity="warning")
        data.pop(key)
    # Other tools' keys that mean nothing here are kept as written, as JSON values (a YAML date becomes text).
    kept = {key: json.loads(json.dumps(data.pop(key), default=str)) for key in KEPT_KEYS if key in data}
    for parent, allowed in _NESTED_KEYS.items():
        nested = data.get(parent)
        if isinstance(nested, dict):
            for key in [k for k in nested if k not in allowed]:
                report(f"unknown field {key!r}", suggest_key(str(key), allowed), line=line_of(parent, key),
                       fld=f"{parent}.{key}", severity="warning")
                nested.pop(key)
    if fmt == "copilot-agent":
        name_as_title(data)
    _fill_in(data, fmt, path, body)
    if fmt != "persona" and data.get("description") in (None, "") and isinstance(data.get("name"), str):
        # Nor a paragraph in the body to take it from (a Cursor rule that is only its globs, or only code): these
        # formats need no description, so the name stands for it, as the file name stands for a name.
        data["description"] = data["name"].replace("-", " ")
        report("no description, and no paragraph in the body to take one from; the name stands for it",
               "add 'description: ...', saying when it applies", line=offset, fld="description", severity="warning")
    unnamed = fmt != "persona" and data.get("name") in (None, "")  # its file's name holds nothing usable
    if unnamed:
        report(*unnamed_problem(path, by_folder=fmt == "skill"))
    read_as = display_name(data)
    if read_as and fmt != "rule":  # a rule's name is a display name in its own format (Continue's)
        written, fix = read_as
        report(f"{written!r} is not a persona name; it is read as {data['name']!r}", fix, line=line_of("name"),
               fld="name", severity="warning")
    _one_item_lists(data, {repair.key for repair in parsed.repairs}, report, line_of)

    try:
        spec = PersonaSpec.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            if unnamed and loc == ("name",):
                continue  # said above, of the file's name
            report(describe_error(error), error_hint(error), line=line_of(*loc) or line_of(*loc[:1]) or offset,
                   fld=field_path(loc))
        return result

    if spec.name in RESERVED_NAMES:
        report(f"the name {spec.name!r} is reserved for the catalog index", "choose another name",
               line=line_of("name"), fld="name")
    if spec.trigger_files:
        spec = spec.model_copy(update={"trigger_files": _trigger_files(spec.trigger_files, report, line_of)})
    # Why the file applies to every task, if it does: its rule's own say, or a glob such as `**`. Copilot instructions
    # without `applyTo` are not among them: VS Code attaches those only by hand, so their text selects them.
    everywhere = None
    if fmt == "rule":
        mode = RULE_MODES.get(rule_folder(path) or "")
        everywhere = _rule_everywhere(spec, kept, mode)
        _check_rule_mode(spec, kept, mode, report, line_of)
    if "trigger_files" not in spec.model_fields_set and _scoped(spec):
        globs = _file_globs(spec, report, line_of)
        everywhere = everywhere or next((f"{key}: '{glob}' matches every file" for key, values in spec.file_keys()
                                         for glob in values if glob in MATCH_ALL and glob in globs), None)
        spec = spec.model_copy(update={"trigger_files": [glob for glob in globs if glob not in MATCH_ALL]})
    if not body.strip():
        report("the body is empty, so the persona has no guidance to give",
               "write the persona's guidance as markdown below the frontmatter", severity="warning",
               line=offset + frontmatter.count("\n") + 1)

    if not result.errors:
        result.personas.append(Persona(spec=spec, body=body.lstrip("\n"), text=text, path=Path(path), layer=layer,
                                       format=fmt, kept_keys=kept, always_because=everywhere))
    return result


_KNOWN_KEYS = frozenset(FRONTMATTER_KEYS) | frozenset(KEPT_KEYS)
_LIST_KEYS = frozenset(path[0] for path in _LIST_FIELDS if len(path) == 1)


def _other_tools_file(path: str, fmt: Format, data: Any) -> bool:
    """Whether a file is another tool's (a skill, a rule, a subagent of Claude Code, Cursor or Gemini CLI) rather
    than a persona file of ours: a file of another format, one in an `agents` folder, or one that gives another
    tool's keys (`tools`, `model`...). The values that tool reads as text, and strict YAML refuses, are not
    faults in such a file (`formats.repair_frontmatter`)."""
    if fmt != "persona" or "agents" in Path(path).parts[:-1]:
        return True
    return isinstance(data, dict) and any(key in FORMAT_KEYS or key in KEPT_KEYS for key in data)


def _one_item_lists(data: dict[str, Any], repaired: set[str], report: Callable[..., None],
                    line_of: Callable[..., int | None]) -> None:
    """Read a piece of text given for one of our list fields (`trigger-files: "**/*.go"`) as a list of that one
    item, with a warning that shows the list to write. A value that was quoted to be read (`trigger-files: **/*.go`)
    has its warning already, which shows the list (`formats.Repair.listed`)."""
    for *parents, key in _LIST_FIELDS:
        holder: Any = data.get(parents[0]) if parents else data
        value = holder.get(key) if isinstance(holder, dict) else None
        if isinstance(value, str) and value.strip():
            holder[key] = [value]
            if parents or key not in repaired:
                report("the value is one piece of text, not a list; it was read as a list of one item",
                       f"write a list: {yaml_list(key, [value])}", line=line_of(*parents, key),
                       fld=".".join((*parents, key)), severity="warning")


def _fill_in(data: dict[str, Any], fmt: Format, path: str, body: str) -> None:
    """Give a file of another format the name and description it may leave out, as that format does, and read
    OpenCode's `tools` mapping (`{bash: false, read: true}`) as the list of the tools it turns on."""
    tools = data.get("tools")
    if isinstance(tools, dict) and all(isinstance(value, bool) for value in tools.values()):
        data["tools"] = [str(tool) for tool, on in tools.items() if on]
    # Cursor writes an empty `description:` into a rule that only has globs: it counts as left out.
    given = {key for key, value in data.items() if fmt == "persona" or value not in (None, "")}
    if "name" not in given:
        name = default_name(path, fmt)
        if name:
            data["name"] = name
    if "description" not in given and fmt != "persona":
        description = derive_description(body)
        if description:
            data["description"] = description


def _scoped(spec: PersonaSpec) -> bool:
    """Whether a file of another format names the files it applies to, in its own key."""
    return any(globs for _key, globs in spec.file_keys())


def _rule_everywhere(spec: PersonaSpec, kept: dict[str, Any], mode: RuleMode | None) -> str | None:
    """Why a rule applies to every task, as its tool reads it, or None when it does not: by the tool's own key for
    that (`RULE_MODES`: Windsurf's `trigger: always_on`, Kiro's `inclusion: always`, Augment's `type: always_apply`);
    else when it names no files (Claude Code, Cline, Kiro, Roo Code, Amazon Q), unless it says `alwaysApply: false`
    (Continue) or its tool attaches such a rule only when asked (Augment): its description decides then."""
    if mode is not None and mode.key in kept:
        return f"{mode.key}: {mode.everywhere} in its rule" if kept[mode.key] == mode.everywhere else None
    if "always_apply" in spec.model_fields_set and not spec.always_apply:
        return None
    return "a rule that names no files" if (mode is None or mode.default_everywhere) and not _scoped(spec) else None


def _check_rule_mode(spec: PersonaSpec, kept: dict[str, Any], mode: RuleMode | None, report: Callable[..., None],
                     line_of: Callable[..., int | None]) -> None:
    """Warn when a rule's own key for when it applies has a value its tool does not know (a typo reads as "not
    always"), or asks for files that the rule does not name."""
    if mode is None or mode.key not in kept:
        return
    key, value, known = mode.key, kept[mode.key], ", ".join(mode.values)
    if value not in mode.values:
        report(f"{key} {value!r} is none of {known}; the rule is chosen by its files and description",
               f"write {key}: followed by one of {known}", line=line_of(key), fld=key, severity="warning")
    elif value == mode.by_files and not _scoped(spec):
        report(f"{key}: {value} applies the rule to the files it names, but it names none",
               f"add the files as {mode.globs_key}: 'src/**/*.ts' (a glob or a list of them)",
               line=line_of(key), fld=key, severity="warning")


# A `\` between folders (`src\win\*.cs`): one that escapes nothing (gitignore escapes `[]*?!# ` with it, and braces,
# which trigger-files expand), one after `**`, or a doubled one (a literal `\`). A task's paths are matched with `/`
# (their backslashes become `/`), so such a glob would never match.
_BACKSLASH_SEPARATOR = re.compile(r"\\(?:\\|[^\[\]*?!# {}])|\*\*\\")


def _trigger_files(globs: list[str], report: Callable[..., None], line_of: Callable[..., int | None]) -> list[str]:
    """A persona's own trigger-files as selection reads them: a `{a,b}` choice expanded (`*.{ts,tsx}` is `*.ts` and
    `*.tsx`, as in Copilot's `applyTo`); with a warning, a glob written with `\\` between folders read with `/`, and
    one that takes back every file (`!**`) left out. An unusable glob is an error."""
    kept: list[str] = []
    for index, written in enumerate(globs):
        if written.startswith("!") and written.lstrip("!").strip().strip("/") in ("*", "**", "**/*"):
            report(f"the glob {written!r} takes back every file, so no file can select the persona; it is left "
                   "out", "negate only what the other globs should not claim, as '!docs/internal/**'",
                   severity="warning", **_glob_place(line_of, index))
            continue
        glob = re.sub(r"\\+", "/", written) if _BACKSLASH_SEPARATOR.search(written) else written
        if glob != written:  # shown as the file has it: a repr would double each backslash
            report(f"the glob '{written}' separates folders with '\\', but file paths are matched with '/'; it was "
                   f"read as '{glob}'", f"write it with forward slashes: '{glob}'", severity="warning",
                   **_glob_place(line_of, index))
        choices = expand_braces(glob)
        problem = next((found for found in map(glob_problem, choices) if found), None)
        if problem:
            report(f"bad glob {written!r}: {problem}", "write a gitignore-style pattern such as '**/api/**' or '*.tf'",
                   **_glob_place(line_of, index))
        kept.extend(choices)
    return list(dict.fromkeys(kept))


def _glob_place(line_of: Callable[..., int | None], index: int) -> dict[str, Any]:
    """Where the trigger-files glob at `index` is, for a problem reported of it: found only when one is. A one-item
    list read from text (`_one_item_lists`) has no item node: its line is the field's."""
    return {"line": line_of("trigger-files", index) or line_of("trigger-files"), "fld": f"trigger-files[{index}]"}


def _file_globs(spec: PersonaSpec, report: Callable[..., None], line_of: Callable[..., int | None]) -> list[str]:
    """The globs of the other formats' keys (`FILE_KEYS`) as trigger-files. An unusable glob there is left out with
    a warning, not refused."""
    globs: list[str] = []
    for key, values in spec.file_keys():
        for glob in values:
            glob_error = glob_problem(glob)
            if glob_error:
                report(f"bad glob {glob!r}: {glob_error}; it is left out", "write a gitignore-style pattern such "
                       "as '**/api/**' or '*.tf'", line=line_of(key), fld=key, severity="warning")
            elif glob not in globs:
                globs.append(glob)
    return globs


def load_persona_file(path: Path, *, layer: str = "builtin", strict: bool = False) -> LoadResult:
    """Read and validate one persona file; unreadable files become diagnostics too.

    Only a regular file is opened, without blocking (see `folders.read_bounded`): a pipe, a device, a
    symlink loop, a NUL byte or an over-long name is a diagnostic for this file alone.
    """
    where = shown(path)
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
    except TooLarge as exc:
        return _single(where, f"the file is {exc.size} bytes, over the {MAX_FILE_BYTES}-byte limit",
                       "split the guidance or move reference material elsewhere")
    except NotAFile:
        return _single(where, "not a regular file (a pipe, device or socket)",
                       "make the persona a plain .md file")
    except OSError as exc:
        return _single(where, f"cannot read the file: {exc.strerror or exc}", "check that it exists and is readable")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return _single(where, f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}",
                       "save the file as UTF-8", line=line)
    return parse_persona(text, where, layer=layer, strict=strict)


def persona_files(folder: Path) -> list[Path]:
    """The persona files of a folder and its tree, in path order (see `folders.scan_folder`).

    Only regular files inside the folder are listed, so each can be stat'ed and opened safely. Raises
    OSError when the folder itself cannot be listed.
    """
    return scan_folder(folder).files


def load_folder(
    folder: Path, *, layer: str = "builtin", strict: bool = False, read: Callable[[Path], LoadResult] | None = None,
) -> LoadResult:
    """Load every persona file of a folder and its tree. A bad file is reported and skipped; the others load.

    `read` loads one file (default: `load_persona_file` with this layer and strictness); the catalog
    passes one that reuses earlier results for unchanged files. A name that several files give is
    kept from the first of them in path order, and reported once, naming every file. Markdown without
    frontmatter in a subfolder is documentation: it is counted in one warning, not reported file by file.
    """
    result = LoadResult()
    try:
        scan = scan_folder(folder)
    except OSError as exc:
        return _single(shown(folder), f"cannot read the persona folder: {exc.strerror or exc}",
                       "check the path given with --personas or PERSONA_MCP_PATH")
    result.diagnostics.extend(scan.diagnostics)
    by_name: dict[str, list[Persona]] = {}
    documents: list[Path] = []
    project: list[Path] = []
    for path in scan.files:
        loaded = read(path) if read else load_persona_file(path, layer=layer, strict=strict)
        if [d.message for d in loaded.diagnostics] == [NO_FRONTMATTER]:
            if path.name.lower() in PROJECT_FILES:  # AGENTS.md, CONTRIBUTING.md: a project's own file
                project.append(path)
                continue
            if path.parent != folder:  # plain markdown deep in a tree (a plugin's docs page): documentation
                documents.append(path)
                continue
        result.diagnostics.extend(loaded.diagnostics)
        for persona in loaded.personas:
            same = by_name.setdefault(short_name(persona.name), [])
            same.append(persona)
            if len(same) == 1:
                result.personas.append(persona)
    for same in by_name.values():
        if len(same) > 1:
            kept, dropped = same[0], same[1:]
            others = ", ".join(str(p.path) for p in dropped)
            result.diagnostics.append(Diagnostic(
                path=str(dropped[0].path), line=key_line(dropped[0].text, "name"), field="name",
                message=f"duplicate name {kept.name!r}: {kept.path} already defines it; also defined by {others}",
                hint="rename all but one of them; the first file in path order is kept",
            ))
    if project:
        result.diagnostics.append(Diagnostic(
            path=shown(project[0] if len(project) == 1 else folder), severity="info",
            message=f"skipped {_listed(folder, project)}: project instructions or guides for people (AGENTS.md, "
            "CLAUDE.md, copilot-instructions.md, CONTRIBUTING.md...) without frontmatter, not personas",
            hint="nothing to do; to serve such a file as a persona, give it frontmatter with a name and a description",
        ))
    if documents:
        result.diagnostics.append(Diagnostic(
            path=shown(folder), severity="warning",
            message=f"skipped {len(documents)} markdown file(s) in subfolders that have no frontmatter, as "
            f"documentation: {_listed(folder, documents, count=False)}",
            hint="a persona file starts with a '---' frontmatter block; documentation needs nothing",
        ))
    return result


def _listed(folder: Path, paths: list[Path], *, count: bool = True) -> str:
    """The first three of `paths`, relative to `folder`, and how many more there are."""
    more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
    names = ", ".join(shown(p.relative_to(folder)) for p in paths[:3]) + more
    return f"{len(paths)} files ({names})" if count and len(paths) > 1 else names


def load_paths(paths: Iterable[Path], *, layer: str = "custom", strict: bool = False) -> LoadResult:
    """Load a mix of persona files and folders, as `persona-mcp validate PATH...` does."""
    result = LoadResult()
    for path in paths:
        if path.is_dir():
            loaded = load_folder(path, layer=layer, strict=strict)
            if not loaded.personas and not loaded.diagnostics:  # nothing in it that could be one, nor any problem
                loaded.diagnostics.append(Diagnostic(
                    path=shown(path), severity="warning", message="the folder holds no persona files",
                    hint="add NAME.md files that start with '---' frontmatter (or other tools' files: *.mdc, "
                    "SKILL.md, ...), or give the folder that holds them"))
            result.extend(loaded)
        else:
            result.extend(load_persona_file(path, layer=layer, strict=strict))
    return result


def _single(path: str, message: str, hint: str, *, line: int | None = None) -> LoadResult:
    return LoadResult(diagnostics=[Diagnostic(path=path, line=line, message=message, hint=hint)])
