"""The engineering lexicon: how engineering work is named and where it lives in a repository.

The lexicon is data (`lexicon.yaml`, shipped in the package and documented in its header).
Each entry is a domain of work (testing, performance...), a language, a technology, a tool
or a repository layout, with the terms that name it, the related words that signal work on
it, the file globs that signal it, the domains it belongs to, the verbs that, opening a
task, say it is that kind of work, and the words that name it in a persona's name or title only.

Users extend it with `lexicon.yaml` in their configuration folder (next to the `personas`
folder, e.g. `~/.config/persona-mcp/lexicon.yaml`) and with the files named in
`PERSONA_MCP_LEXICON` (separated by `os.pathsep`). An extension entry with a new name is
added; one with an existing name adds its terms, related words, verbs, titles, globs and domains
to that entry. A broken extension file is reported as diagnostics and skipped as a whole; the
shipped lexicon always loads.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from persona_mcp.frontmatter import field_path, node_at
from persona_mcp.loader import glob_problem
from persona_mcp.model import Diagnostic

ENV_LEXICON = "PERSONA_MCP_LEXICON"
LEXICON_FILE = "lexicon.yaml"
KINDS = ("domain", "language", "technology", "tool", "layout")
NAME_PATTERN = r"^[a-z0-9][a-z0-9.+#-]*$"
MAX_LEXICON_BYTES = 1024 * 1024  # the shipped file is well under a tenth of this
MAX_ENTRIES = 5000
MAX_WORDS_PER_LIST = 500
MAX_WORD_CHARS = 100
MAX_GLOB_CHARS = 200
MAX_STARS_PER_SEGMENT = 3  # `*a*a*a*b` and worse cost a regex engine exponential time; real globs need two

Kind = Literal["domain", "language", "technology", "tool", "layout"]


@dataclass(frozen=True)
class LexiconEntry:
    """One thing engineering work can be about. Terms and related words are lowercase, single-spaced."""

    name: str
    kind: str
    terms: tuple[str, ...]
    related: tuple[str, ...]
    globs: tuple[str, ...]
    domains: tuple[str, ...]
    verbs: tuple[str, ...] = ()  # one-word verbs that, opening a task, say it is this kind of work
    titles: tuple[str, ...] = ()  # words that name it in a persona's name or title ("bug" of bug-hunter) only


@dataclass(frozen=True)
class Lexicon:
    """The entries, in file order (shipped first, then extensions), looked up by name."""

    entries: tuple[LexiconEntry, ...]
    _by_name: dict[str, LexiconEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {entry.name: entry for entry in self.entries})

    def get(self, name: str) -> LexiconEntry | None:
        return self._by_name.get(name)

    def domain_of(self, name: str) -> tuple[LexiconEntry, ...]:
        """The domain entries an entry belongs to: its `domains`, preceded by itself when it is a domain."""
        entry = self._by_name.get(name)
        if entry is None:
            return ()
        own = (entry,) if entry.kind == "domain" else ()
        return own + tuple(self._by_name[d] for d in entry.domains if d != name)

    def of_kind(self, kind: str) -> tuple[LexiconEntry, ...]:
        return tuple(entry for entry in self.entries if entry.kind == kind)


# ---------------------------------------------------------------- the file's schema


def _clean_words(values: list[str]) -> list[str]:
    cleaned = [" ".join(value.lower().split()) for value in values]
    for value in cleaned:
        if not value:
            raise ValueError("an empty word or phrase")
        if len(value) > MAX_WORD_CHARS:
            raise ValueError(f"{value[:40]!r}... is over {MAX_WORD_CHARS} characters")
    return list(dict.fromkeys(cleaned))


class EntryModel(BaseModel):
    """One entry as written in a lexicon file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME_PATTERN, max_length=64)
    kind: Kind | None = None
    terms: list[str] = Field(default_factory=list, max_length=MAX_WORDS_PER_LIST)
    related: list[str] = Field(default_factory=list, max_length=MAX_WORDS_PER_LIST)
    globs: list[str] = Field(default_factory=list, max_length=MAX_WORDS_PER_LIST)
    domains: list[str] = Field(default_factory=list, max_length=64)
    verbs: list[str] = Field(default_factory=list, max_length=MAX_WORDS_PER_LIST)
    titles: list[str] = Field(default_factory=list, max_length=MAX_WORDS_PER_LIST)

    @field_validator("terms", "related", "verbs", "titles", mode="before")
    @classmethod
    def _numbers_as_words(cls, values: Any) -> Any:
        """`404` or `2.0` in a list is meant as the word, not the number YAML reads."""
        if isinstance(values, list):
            return [str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for v in values]
        return values

    @field_validator("terms", "related", "titles")
    @classmethod
    def _words(cls, values: list[str]) -> list[str]:
        return _clean_words(values)

    @field_validator("verbs")
    @classmethod
    def _one_word_verbs(cls, values: list[str]) -> list[str]:
        cleaned = _clean_words(values)
        for value in cleaned:
            if not re.fullmatch(r"[a-z][a-z-]*", value):
                raise ValueError(f"{value!r} is not one word: a verb is a single word such as 'extract'")
        return cleaned

    @field_validator("globs", "domains")
    @classmethod
    def _plain(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(value.strip() for value in values))


class LexiconFile(BaseModel):
    """A whole lexicon file: the format version and the entries."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    entries: list[EntryModel] = Field(default_factory=list, max_length=MAX_ENTRIES)


# ---------------------------------------------------------------- loading


def builtin_path() -> Path:
    return Path(str(resources.files("persona_mcp"))) / LEXICON_FILE


@functools.cache
def builtin_lexicon() -> Lexicon:
    """The shipped lexicon, parsed once. It is validated by the tests, so a problem here is a packaging bug."""
    lexicon, problems = _load_file(builtin_path(), Lexicon(()))
    errors = [str(d) for d in problems if d.severity == "error"]
    if errors:
        raise RuntimeError("the shipped lexicon is invalid: " + "; ".join(errors))
    return lexicon


def user_lexicon_path() -> Path:
    """`lexicon.yaml` in the user's configuration folder, beside the user's `personas` folder."""
    from persona_mcp.catalog import user_dir  # imported here: the catalog may come to import this module

    return user_dir().parent / LEXICON_FILE


def load_lexicon(extra: Sequence[Path] = ()) -> tuple[Lexicon, list[Diagnostic]]:
    """The shipped lexicon extended by the user's file (when present) and then by each `extra` file.

    With no `extra`, the files named in `PERSONA_MCP_LEXICON` are read instead. Each extension
    file applies whole or not at all: a file with any error is skipped and its problems returned.
    """
    lexicon = builtin_lexicon()
    diagnostics: list[Diagnostic] = []
    paths: list[Path] = []
    user = user_lexicon_path()
    if user.exists():
        paths.append(user)
    if not extra:
        extra = [Path(part) for part in os.environ.get(ENV_LEXICON, "").split(os.pathsep) if part.strip()]
    paths += extra
    for path in paths:
        extended, problems = _load_file(path, lexicon)
        diagnostics += problems
        if not any(d.severity == "error" for d in problems):
            lexicon = extended
    return lexicon, diagnostics


def parse_lexicon(text: str, path: str, base: Lexicon) -> tuple[Lexicon, list[Diagnostic]]:
    """`base` extended by the lexicon file's `text`, or `base` itself and the diagnostics when it has errors."""
    import yaml

    from persona_mcp.yaml_loader import Loader, syntax_problem

    problems: list[Diagnostic] = []

    def report(message: str, hint: str, *, line: int | None = None, fld: str | None = None) -> None:
        problems.append(Diagnostic(path=path, line=line, field=fld, message=message, hint=hint))

    loader = Loader(text)
    try:
        root = loader.get_single_node()
        if root is not None and "&" in text and _has_alias(root):  # an alias needs an anchor (&name)
            report("YAML anchors and aliases are not supported here", "write each entry out plainly", line=1)
            return base, problems
        data = loader.construct_document(root) if root is not None else None
    except RecursionError:
        report("the file is nested too deeply", "use the flat layout the shipped lexicon.yaml shows", line=1)
        return base, problems
    except yaml.MarkedYAMLError as exc:
        found = syntax_problem(exc, 1)
        hint = found.hint or "fix the YAML syntax (quote globs that start with * or !)"
        report(f"invalid YAML: {found.message}", hint, line=found.line)
        return base, problems
    except yaml.YAMLError as exc:
        report(f"invalid YAML: {exc}", "remove control characters from the file")
        return base, problems
    finally:
        loader.dispose()

    def line_of(*loc: str | int) -> int | None:
        node = node_at(root, loc)
        return node.start_mark.line + 1 if node is not None else None

    try:
        parsed = LexiconFile.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            line = line_of(*loc) or line_of(*loc[:2]) or line_of(*loc[:1])
            report(_describe(error, data), "see the header of the shipped lexicon.yaml for the format",
                   line=line, fld=field_path(loc))
        return base, problems

    merged = _merge(base, parsed.entries, report, line_of)
    return (base, problems) if problems else (merged, problems)


def _merge(base: Lexicon, models: list[EntryModel], report: Any, line_of: Any) -> Lexicon:
    """`base` with the file's entries added or extended; every problem goes to `report`."""
    entries: dict[str, LexiconEntry] = {entry.name: entry for entry in base.entries}
    seen: set[str] = set()
    for index, model in enumerate(models):
        where = ("entries", index)
        if model.name in seen:
            report(f"entry {model.name!r} appears twice in this file", "merge the two entries into one",
                   line=line_of(*where, "name"), fld=f"entries[{index}].name")
            continue
        seen.add(model.name)
        old = entries.get(model.name)
        if old is None and model.kind is None:
            report(f"entry {model.name!r} has no kind", f"add 'kind:' with one of: {', '.join(KINDS)}",
                   line=line_of(*where), fld=f"entries[{index}].kind")
            continue
        if old is not None and model.kind is not None and model.kind != old.kind:
            report(f"entry {model.name!r} is a {old.kind} already, not a {model.kind}",
                   "remove 'kind:' to extend it, or choose another name", line=line_of(*where, "kind"),
                   fld=f"entries[{index}].kind")
            continue
        if old is None and not model.terms:
            report(f"entry {model.name!r} has no terms", "list the words or phrases that name it under 'terms:'",
                   line=line_of(*where), fld=f"entries[{index}].terms")
            continue
        for number, glob in enumerate(model.globs):
            problem = _glob_problem(glob)
            if problem:
                report(f"entry {model.name!r}: bad glob {glob!r}: {problem}",
                       "write a gitignore-style pattern such as '*.tf', 'charts/' or '**/src/test/java/'",
                       line=line_of(*where, "globs", number), fld=f"entries[{index}].globs[{number}]")
        entries[model.name] = LexiconEntry(
            name=model.name,
            kind=old.kind if old else str(model.kind),
            terms=_union(old.terms if old else (), model.terms),
            related=_union(old.related if old else (), model.related),
            globs=_union(old.globs if old else (), model.globs),
            domains=_union(old.domains if old else (), model.domains),
            verbs=_union(old.verbs if old else (), model.verbs),
            titles=_union(old.titles if old else (), model.titles),
        )
    names = {model.name: index for index, model in enumerate(models)}
    for name, index in names.items():
        entry = entries.get(name)
        for domain in entry.domains if entry else ():
            target = entries.get(domain)
            if target is None or target.kind != "domain":
                what = "is not an entry" if target is None else f"is a {target.kind}, not a domain"
                report(f"entry {name!r}: domain {domain!r} {what}",
                       "name an entry of kind 'domain' (testing, security, ...) or add one",
                       line=line_of("entries", index, "domains"), fld=f"entries[{index}].domains")
    _check_terms(entries, names, report, line_of)
    return Lexicon(tuple(entries.values()))


def _check_terms(entries: dict[str, LexiconEntry], names: dict[str, int], report: Any, line_of: Any) -> None:
    """Each term names one entry: two terms that reduce to the same stems may not belong to two entries."""
    from persona_mcp.text import stem_key  # with the first lexicon, like the selection that reads it

    owner: dict[tuple[str, ...], tuple[str, str]] = {}
    for entry in entries.values():
        for term in entry.terms:
            key = stem_key(term)
            if not key:
                if entry.name in names:
                    report(f"entry {entry.name!r}: the term {term!r} has no letters or digits to match",
                           "write the term as words", line=line_of("entries", names[entry.name], "terms"),
                           fld=f"entries[{names[entry.name]}].terms")
                continue
            other = owner.setdefault(key, (entry.name, term))
            if other[0] != entry.name and (entry.name in names or other[0] in names):
                mine = entry.name if entry.name in names else other[0]
                report(f"entry {entry.name!r}: the term {term!r} already names entry {other[0]!r} "
                       f"(as {other[1]!r})",
                       "a term names one entry: keep it in one, and use a longer phrase or 'related:' in the other",
                       line=line_of("entries", names[mine], "terms"), fld=f"entries[{names[mine]}].terms")


def _glob_problem(glob: str) -> str | None:
    if not glob:
        return "the glob is empty"
    if len(glob) > MAX_GLOB_CHARS:
        return f"over {MAX_GLOB_CHARS} characters"
    for segment in glob.split("/"):
        if segment != "**" and len(re.findall(r"\*+", segment)) > MAX_STARS_PER_SEGMENT:
            return f"more than {MAX_STARS_PER_SEGMENT} wildcards in one path segment"
    return glob_problem(glob)


def _union(old: Iterable[str], new: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*old, *new]))


def _load_file(path: Path, base: Lexicon) -> tuple[Lexicon, list[Diagnostic]]:
    shown = str(path)

    def fail(message: str, hint: str) -> tuple[Lexicon, list[Diagnostic]]:
        return base, [Diagnostic(path=shown, message=message, hint=hint)]

    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return fail("not a regular file", "name a YAML file")
        if info.st_size > MAX_LEXICON_BYTES:
            return fail(f"the file is {info.st_size} bytes, over the {MAX_LEXICON_BYTES}-byte limit",
                        "split it or keep only the entries you need")
        raw = path.read_bytes()[: MAX_LEXICON_BYTES + 1]
    except OSError as exc:
        return fail(f"cannot read the file: {exc.strerror or exc}", "check that it exists and is readable")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        return fail(f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}", "save the file as UTF-8")
    return parse_lexicon(text, shown, base)


def _has_alias(root: Any) -> bool:
    """Whether a node is reached twice (what an alias does), found in one walk over the tree."""
    import yaml

    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack += node.value
        elif isinstance(node, yaml.MappingNode):
            stack += [part for pair in node.value for part in pair]
    return False


def _describe(error: Any, data: Any) -> str:
    loc = tuple(error["loc"])
    name = None
    if len(loc) >= 2 and loc[0] == "entries" and isinstance(data, dict):
        entries = data.get("entries")
        if isinstance(entries, list) and isinstance(loc[1], int) and isinstance(entries[loc[1]], dict):
            name = entries[loc[1]].get("name")
    prefix = f"entry {name!r}: " if isinstance(name, str) else ""
    if error["type"] == "extra_forbidden":
        return f"{prefix}unknown field {loc[-1]!r} (fields: name, kind, terms, related, verbs, titles, globs, domains)"
    if error["type"] == "missing":
        return f"{prefix}required field is missing"
    if error["type"] == "literal_error" and loc[-1] == "kind":
        return f"{prefix}kind must be one of: {', '.join(KINDS)}"
    return f"{prefix}{error['msg']}"
