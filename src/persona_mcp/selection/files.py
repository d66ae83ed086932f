"""The file signal: which personas' globs claim the task's files, and how the change is shared out among them.

Globs are filed under a literal that every path they match must carry (a folder or file name, an
extension, the first letters of a name), so a path is tested only against the globs filed under
its own parts; the few globs with no such literal are tested against every path, and there are
at most `MAX_UNKEYED` of them per catalog. Most globs are decided by their literal alone
(`**/*.py`, `conftest.py`, `**/tests/**`: see `_decided_key`): every path that carries it
matches, and no regex runs for them; a name with one wildcard (`test_*.py`, `*_test.go`) is
decided by its start and end (`_one_star_name`). The personas' globs and the lexicon's share one
table, so each path of a request is read once (`read_path`) and looked up once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from persona_mcp.selection import tunables as t

_WILD = re.compile(r"[*?\[]")
_WILD_OR_CLASS = re.compile(r"[*?\[\]]")
_BARE_EXTENSION = re.compile(r"\*\.[^*?\[/]+")
_WILDCARDS = re.compile(r"[*?]+")
_ESCAPED = re.compile(r"\\(.)")
MAX_UNKEYED = 256  # distinct globs with no literal to file them under: of a catalog's personas, and of a lexicon
MAX_STARS = 4  # '*' in one name: more could take exponential time to match (the loader refuses such globs too)
# A name glob such as `Dockerfile*` or `test_*.py` is filed under the letters it starts with: at least
# `MIN_PREFIX` of them, and at most `MAX_PREFIX` (a path is looked up by its names' starts of the lengths in use).
MIN_PREFIX = 2
MAX_PREFIX = 6


def specificity(glob: str) -> float:
    """How much a glob says about a file: a bare extension little, a named folder or file more.

    `**/*.py` matches all Python code (1.0); `**/tests/**` or `**/Dockerfile` pin a role (2.0);
    a name with a wildcard inside, like `**/*_test.go`, or an extension under a named folder, like
    `apps/web/**/*.ts`, narrows an extension (1.5).
    """
    last = glob.rstrip("/").rsplit("/", 1)[-1]
    if last in ("**", "*") or not _WILD.search(last):
        return 2.0
    folders = [part for part in glob.rstrip("/").split("/")[:-1] if part and not _WILD.search(part)]
    if _BARE_EXTENSION.fullmatch(last) and not folders:
        return 1.0
    return 1.5  # a narrowed name (`*_test.go`), or an extension under a named folder (`apps/web/**/*.ts`)


def names_folder(glob: str) -> bool:
    """Whether a glob claims what sits in a folder (`docs/**`, `**/api/**`, `tests/`) rather than a kind of file."""
    return glob.endswith("/") or glob.rsplit("/", 1)[-1] in ("**", "*")


def too_costly(glob: str) -> bool:
    """Whether a glob has so many wildcards in one name that matching it could take exponential time.

    Most globs have no more in all (`**/tests/**`, `src/*_test.go`), and then no name of them has.
    """
    return glob.count("*") > MAX_STARS and any(part.count("*") > MAX_STARS for part in glob.split("/") if part != "**")


def _keys_of_glob(glob: str) -> tuple[str, str] | None:
    """The literal every path matching `glob` carries, as (kind, value); None when there is none."""
    parts = [p for p in glob.strip("/").split("/") if p and p != "**"]
    if not parts:
        return None
    last = parts[-1]
    if not _WILD.search(last):
        return ("part", last)
    prefix = _WILD.split(last, 1)[0]  # "test_*.py" -> "test_": fewer names start so than end in ".py"
    if len(prefix) >= MIN_PREFIX:
        return ("start", prefix[:MAX_PREFIX])
    tail = _WILD_OR_CLASS.split(last)[-1]  # the literal after the last wildcard: "*.test.ts" -> ".test.ts"
    if "." in tail and not tail.endswith("."):
        return ("ext", tail[tail.index(".") + 1:])  # "*_test.go" -> "go", "*.test.ts" -> "test.ts"
    for part in reversed(parts[:-1]):
        if not _WILD.search(part):
            return ("part", part)
    return None


# The shapes of glob that their literal decides, as gitignore reads them: a name with no wildcard,
# class or escape anywhere in the path (`conftest.py`, `**/Dockerfile`); anything under a folder of
# that name (`tests/`, `**/tests/**`); a name with that dotted end (`*.py`, `**/*.test.ts`).
_LITERAL = r"[^*?\[\]\\/]+"
_ANY_NAME = re.compile(rf"(?:\*\*/)?({_LITERAL})")
_ANY_FOLDER = re.compile(rf"(?:\*\*/)?({_LITERAL})/|\*\*/({_LITERAL})/\*\*/?")
_ANY_EXTENSION = re.compile(rf"(?:\*\*/)?\*\.({_LITERAL}(?<!\.))")
_ONE_STAR = re.compile(rf"(?:\*\*/)?({_LITERAL})?\*({_LITERAL})?")


def _decided_key(glob: str) -> tuple[str, str] | None:
    """The key that decides a glob on its own: a (normalised) path matches it if and only if it carries the key.

    None for other globs. A folder glob is filed under its name as a part, and decided by ("folder", name),
    which a path carries for each part but its last.
    """
    if _ANY_NAME.fullmatch(glob):
        return ("part", glob.removeprefix("**/"))
    folder = _ANY_FOLDER.fullmatch(glob)
    if folder:
        return ("folder", folder.group(1) or folder.group(2))
    extension = _ANY_EXTENSION.fullmatch(glob)
    if extension:
        return ("ext", extension.group(1))
    return None


def _one_star_name(glob: str) -> tuple[str, str] | None:
    """(start, end) of a glob that matches any name with that start and end (`test_*.py`, `*_test.go`,
    `Dockerfile*`), in any folder; None for other globs.

    Not `*.py`: a dotfile such as `.py` carries no extension (`_dotted_ends`), so an extension glob
    is decided by its key.
    """
    found = _ONE_STAR.fullmatch(glob)
    if found is None:
        return None
    start, end = found.group(1) or "", found.group(2) or ""
    return (start, end) if start or (end and not end.startswith(".")) else None


def _needed_text(glob: str) -> str:
    """The longest run of plain characters in a glob, which every path it matches contains.

    A run may span names (`**/config/packages/` needs "config/packages", where "packages" alone is in
    every path of a monorepo); its slashes at either end are left out, as `**/` and `/**` match no folder
    too. An escaped character is plain (`\\[...nextauth\\]`); "" (found in every path) for a glob with a
    character class, whose text is not all literal.
    """
    if "\\" in glob:  # most globs escape nothing
        if "[" in _ESCAPED.sub("", glob):
            return ""
        glob = _ESCAPED.sub(_escaped_character, glob)
    elif "[" in glob:
        return ""
    return max((run.strip("/") for run in _WILDCARDS.split(glob)), key=len)


def _escaped_character(escape: re.Match[str]) -> str:
    return escape.group(1)


@dataclass(slots=True)
class FilePath:
    """A task's file as the glob tables read it."""

    path: str  # as given
    lowered: str  # globs are matched case-insensitively
    parts: list[str]  # a glob can match any part: a folder named `x.md` matches `*.md`, as in gitignore
    ends: dict[str, None]  # the dotted ends of its parts, each once, in order (`_dotted_ends`)
    folders: list[str]  # its parts but the last


def read_path(path: str) -> FilePath:
    """A path (normalised: see `paths.normalise_path`) read for the glob tables."""
    lowered = path.lower()
    parts = lowered.split("/")
    return FilePath(path, lowered, parts, dict.fromkeys(_dotted_ends(parts)), parts[:-1])


def _dotted_ends(parts: list[str]) -> list[str]:
    """Every dotted end of every part: "a.test.ts" -> "test.ts", "ts"; a dotfile's own dot starts none."""
    ends = []
    for part in parts:
        if "." not in part:  # most folders
            continue
        at = part.find(".", 1)
        while at != -1 and at < len(part) - 1:
            ends.append(part[at + 1:])
            at = part.find(".", at + 1)
    return ends


@dataclass(frozen=True, slots=True)
class FileTrigger:
    """A glob whose files argue for (or, negated with `!`, against) a persona."""

    glob: str
    weight: float
    source: str


@dataclass(slots=True)
class Glob:
    """A glob of the table: what it says of the files it matches, and how it is matched."""

    glob: str  # translated to a regex (by pathspec) and compiled when a path first needs it
    specificity: float
    key: tuple[str, str] | None  # the literal it is filed under (`_keys_of_glob`); None: it has none
    decided_by: tuple[str, str] | None  # a path matches if and only if it carries this key (`_decided_key`)
    decided: bool  # that key is the one it is filed under: a path looked up by it matches with no test
    name: tuple[str, str] | None  # or else if and only if one of its parts has this start and end (`_one_star_name`)
    needs: str  # text in every path it matches (`_needed_text`): a path without it meets no regex; "" when
    # its key decides it (`decided_by`), as such a glob is never tested on a path
    folder: bool  # it names a folder, not a kind of file (`names_folder`)
    owners: list[tuple[int, float]] = field(default_factory=list)  # (persona, weight) of those it argues for
    about: list[str] = field(default_factory=list)  # the lexicon entries whose globs it is (`Domains.read_files`)
    excluders: list[int] = field(default_factory=list)  # personas that take its files back with `!glob`
    rarity: float = 1.0
    claims: list[tuple[int, float]] = field(default_factory=list)  # (persona, claim) of the strongest owners
    strength: float = 0.0  # the strongest of those claims before rarity
    compiled: re.Pattern[str] | None = None

    def match(self, file: FilePath) -> bool:
        """Whether the glob matches a file: by its key or its name's start and end, else by its regex."""
        if self.decided_by is not None:
            kind, value = self.decided_by
            return value in (file.parts if kind == "part" else file.ends if kind == "ext" else file.folders)
        if self.name is not None:
            start, end = self.name
            return end in file.lowered and any(
                part.startswith(start) and part.endswith(end) and len(part) >= len(start) + len(end)
                for part in file.parts)
        if self.needs not in file.lowered:
            return False
        if self.compiled is None:
            self.compiled = _compile(self.glob)
        return self.compiled.search(file.lowered) is not None  # as pathspec does: not all its regexes start with ^


_NEVER = re.compile(r"(?!)")


def _compile(glob: str) -> re.Pattern[str]:
    """The glob as a compiled regex; one the loaders refuse (`loader.glob_problem`) matches nothing."""
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    from persona_mcp.loader import glob_problem

    if glob_problem(glob) is not None:
        return _NEVER
    pattern, include = GitIgnoreSpecPattern.pattern_to_regex(glob)
    return _NEVER if include is None or pattern is None else re.compile(pattern)


def _admitted(glob: str, unkeyed: int) -> Glob | None:
    """A new glob worked out for filing and matching (nothing claims its files yet), or None when it is
    left out: too costly to match, or with no literal to file it under (`_keys_of_glob`) when `unkeyed`
    such globs are filed already."""
    if too_costly(glob):
        return None
    key = _keys_of_glob(glob)
    if key is None and unkeyed >= MAX_UNKEYED:
        return None
    decided_by = _decided_key(glob)
    if decided_by is not None:  # matched by its key alone: no name to test, no text to look for
        return Glob(glob, specificity(glob), key, decided_by, decided_by == key, None, "", names_folder(glob))
    return Glob(glob, specificity(glob), key, None, False, _one_star_name(glob), _needed_text(glob), names_folder(glob))


def lexicon_globs(entries: Sequence[tuple[str, Sequence[str]]]) -> dict[str, Glob]:
    """The lexicon's globs (`entries`: each entry's name and globs), each with the entries it signals (`about`).

    Worked out once per lexicon (`lexical.Lexical`) and shared by the table of every catalog that uses it.
    A lexicon glob only says what a file is about: none is negated.
    """
    found: dict[str, Glob] = {}
    unkeyed = 0
    for name, globs in entries:
        for raw in globs:
            glob = raw.strip().lower()
            entry = found.get(glob)
            if entry is None:
                entry = None if not glob or glob.startswith(("#", "!")) else _admitted(glob, unkeyed)
                if entry is None:
                    continue
                unkeyed += entry.key is None
                found[glob] = entry
            if name not in entry.about:
                entry.about.append(name)
    return found


@dataclass(slots=True)
class _Bucket:
    """The globs filed under one folder or file name, or one dotted end."""

    decided: list[Glob] = field(default_factory=list)  # every path with the key matches (`Glob.decided`)
    in_folder: list[Glob] = field(default_factory=list)  # every path with the key as a folder (`**/api/**`)
    tested: list[Glob] = field(default_factory=list)  # the others: tried on a path with the key


class GlobTable:
    """Every glob a task's files are read against, filed under their literals; matched case-insensitively.

    The personas' globs argue for (or take files back from) personas; the lexicon's say what a file is
    about (`Domains.read_files`). One table holds both, so each file is looked up once for both signals.
    """

    def __init__(self, globs: Sequence[Sequence[FileTrigger]], lexicon: Mapping[str, Glob] | None = None) -> None:
        """`globs`: each persona's, in persona order; `lexicon`: the lexicon's (`lexicon_globs`)."""
        lexicon = lexicon or {}
        self.globs: dict[str, Glob] = {}  # the personas' globs (the lexicon's others are in the buckets only)
        self.skipped: list[str] = []  # globs left out: too costly, or past `MAX_UNKEYED`
        self.by_part: dict[str, _Bucket] = {}  # a folder or file name
        self.by_ext: dict[str, _Bucket] = {}  # a dotted end
        self.by_start: dict[str, list[Glob]] = {}  # a name's first letters
        self.unkeyed: list[Glob] = []  # globs with no literal to file them under: tried on every path
        for persona, triggers in enumerate(globs):
            for trigger in triggers:
                raw = trigger.glob.strip().lower()
                entry = self._persona_glob(raw.lstrip("!"), lexicon)
                if entry is None:
                    continue
                if raw.startswith("!"):
                    entry.excluders.append(persona)
                elif not entry.owners or entry.owners[-1][0] != persona:  # personas come in order: a repeat is last
                    entry.owners.append((persona, trigger.weight))
        for glob, entry in lexicon.items():
            if glob not in self.globs:
                self._file(entry)  # the lexicon's own, shared by the tables of its catalogs: never changed here
        # The first letters of a name -> the lengths of the starts filed under them, shortest first: a name is
        # looked up at those lengths only, and most names start as no glob does.
        lengths: dict[str, set[int]] = {}
        for start in self.by_start:
            lengths.setdefault(start[:MIN_PREFIX], set()).add(len(start))
        self.start_lengths = {first: sorted(found) for first, found in lengths.items()}
        # Most paths hold none of the text the unkeyed globs need: one search says so, and then only
        # those that need no text (a character class in them) are tried.
        needed = sorted({entry.needs for entry in self.unkeyed if entry.needs})
        self.unkeyed_text = re.compile("|".join(map(re.escape, needed))) if needed else None
        self.unkeyed_always = [entry for entry in self.unkeyed if not entry.needs]
        count = len(globs)
        for entry in self.globs.values():  # a glob many personas share tells them apart poorly
            entry.rarity = rarity(count, sum(min(1.0, weight) for _, weight in entry.owners))
            entry.owners.sort(key=lambda owner: (-owner[1], owner[0]))  # strongest claims first
            strongest = entry.owners[: t.POPULAR_OWNERS]  # see `file_evidence`
            entry.claims = [(persona, weight * entry.specificity * entry.rarity) for persona, weight in strongest]
            entry.strength = strongest[0][1] * entry.specificity if strongest else 0.0  # the first is the strongest

    def _persona_glob(self, glob: str, lexicon: Mapping[str, Glob]) -> Glob | None:
        """A persona's glob, filed when first met; None for a glob that is left out."""
        if not glob or glob.startswith("#"):
            return None
        entry = self.globs.get(glob)
        if entry is not None:
            return entry
        known = lexicon.get(glob)  # worked out already: a copy, as this catalog's personas claim its files
        entry = replace(known, owners=[], excluders=[]) if known is not None else _admitted(glob, len(self.unkeyed))
        if entry is None:
            self.skipped.append(glob)
            return None
        self.globs[glob] = entry
        self._file(entry)
        return entry

    def _file(self, entry: Glob) -> None:
        """File a glob under its literal, or with the unkeyed if it has none."""
        if entry.key is None:
            self.unkeyed.append(entry)
        elif entry.key[0] == "start":
            self.by_start.setdefault(entry.key[1], []).append(entry)
        else:
            bucket = (self.by_part if entry.key[0] == "part" else self.by_ext).setdefault(entry.key[1], _Bucket())
            if entry.decided:
                bucket.decided.append(entry)
            elif entry.decided_by == ("folder", entry.key[1]):
                bucket.in_folder.append(entry)
            else:
                bucket.tested.append(entry)

    def match(self, path: str) -> list[str]:
        """The globs that match a path (normalised: see `paths.normalise_path`), in a stable order."""
        return [entry.glob for entry in self.matching(read_path(path))]

    def matching(self, file: FilePath) -> list[Glob]:
        """The entries of the globs that match a file, as `match` orders them.

        A glob its key decides matches every path filed under that key with no test; any other is tried
        only on a path that holds the text it needs, which most do not.
        """
        lowered = file.lowered
        found: list[Glob] = []
        for part in dict.fromkeys(file.parts):
            bucket = self.by_part.get(part)
            if bucket is not None:
                found += bucket.decided
                if bucket.in_folder and part in file.folders:
                    found += bucket.in_folder
                if bucket.tested:
                    found += [entry for entry in bucket.tested if entry.needs in lowered and entry.match(file)]
        for end in file.ends:
            bucket = self.by_ext.get(end)
            if bucket is not None:
                found += bucket.decided
                if bucket.tested:
                    found += [entry for entry in bucket.tested if entry.needs in lowered and entry.match(file)]
        named: dict[str, Glob] = {}  # a glob filed by its start is met again in each part that has that start
        for part in file.parts:
            for length in self.start_lengths.get(part[:MIN_PREFIX], ()):
                if length > len(part):
                    break
                for entry in self.by_start.get(part[:length], ()):
                    if entry.glob not in named and entry.needs in lowered and entry.match(file):
                        named[entry.glob] = entry
        found += named.values()
        # The unkeyed globs: all of them if the path holds text one of them needs, else those that need none.
        unkeyed = self.unkeyed if self.unkeyed_text is not None and self.unkeyed_text.search(lowered) else \
            self.unkeyed_always
        if unkeyed:
            found += [entry for entry in unkeyed if entry.match(file)]
        return found


def rarity(count: int, owners: float) -> float:
    """How well a trigger claimed by `owners` of `count` personas tells them apart, in [RARITY_FLOOR, 1]."""
    if count <= 1 or owners <= 1:
        return 1.0
    return max(t.RARITY_FLOOR, math.log(1 + count / owners) / math.log(1 + count))


@dataclass
class FileEvidence:
    """Each persona's file score, and the files behind it."""

    scores: dict[int, float]
    claimed: list[tuple[str, dict[int, Glob]]]  # each file claimed, and the glob by which each persona claims it

    def items(self, persona: int) -> list[tuple[str, list[str], float]]:
        """A persona's globs, each with its files and its share of the persona's score, most files first.

        Worked out for the personas reported only.
        """
        globs: dict[str, list[str]] = {}
        for path, claimed_by in self.claimed:
            entry = claimed_by.get(persona)
            if entry is not None:
                globs.setdefault(entry.glob, []).append(path)
        count = sum(len(found) for found in globs.values())
        ordered = sorted(globs.items(), key=lambda item: (-len(item[1]), item[0]))
        return [(glob, found, self.scores[persona] * len(found) / count) for glob, found in ordered]


def file_evidence(files: Sequence[FilePath], matched: Sequence[list[Glob]], shares: Sequence[float] = (),
                  kinds: Sequence[frozenset[int] | None] = ()) -> FileEvidence:
    """Share each file out among the personas whose globs claim it (`matched`: the globs that match each file).

    A persona's claim on a file is its best matching glob: the glob's weight times its specificity
    times its rarity. The file goes most to the strongest claim: each persona gets (its claim / the
    strongest)^2 of it, times the strongest claim before rarity over `FULL_CLAIM` (at most 1), so a
    file that only an extension glob or a weak derived glob claims (`**/*.rs`) counts for less: it
    tells the language, not the work. A persona's file score is `FILE_WEIGHT` times its share of all
    the files. A glob shared by more than `POPULAR_OWNERS` personas adds only to its
    `POPULAR_OWNERS` strongest claimants, so a request never walks every persona of a catalog.
    `shares`, one per file, scales what each file gives (tests beside the code they test count less:
    `Domains.read_files`); without them every file counts in full. `kinds`, one per file, names the personas
    a test or a doc belongs to (`Domains.read_files`; None for other files): any other persona's claim on such
    a file by a folder it sits in counts `KIND_FOLDER_FACTOR`, so a glob that names a kind of file (`*.md`)
    may claim it more strongly, as `Domains.read_files` reads the lexicon's globs.
    """
    credit: dict[int, float] = {}
    claimed: list[tuple[str, dict[int, Glob]]] = []
    for number, (file, entries) in enumerate(zip(files, matched, strict=True)):
        share = shares[number] if shares else 1.0
        claims: dict[int, float] = {}  # each persona's best claim on the file (the first of equals)
        claimed_by: dict[int, Glob] = {}  # and the glob it comes from
        strongest = 0.0  # the strongest claim before rarity: how much the file says at all
        excluded: set[int] = set()
        owners = kinds[number] if kinds else None  # a test or a doc: first of all that, wherever it sits
        for entry in entries:
            if entry.excluders:
                excluded.update(entry.excluders)
            if not entry.claims:  # a glob of the lexicon that no persona of the catalog declares
                continue
            strongest = max(strongest, entry.strength)
            kept_whole = owners if entry.folder else None  # on a test or a doc, a folder claims half but for these
            for persona, claim in entry.claims:
                if kept_whole is not None and persona not in kept_whole:
                    claim *= t.KIND_FOLDER_FACTOR
                if persona not in claims or claim > claims[persona]:
                    claims[persona] = claim
                    claimed_by[persona] = entry
        for persona in excluded:
            claims.pop(persona, None)
            claimed_by.pop(persona, None)
        if not claims:
            continue
        top = max(claims.values())
        scale = min(1.0, strongest / t.FULL_CLAIM)
        for persona, claim in claims.items():
            credit[persona] = credit.get(persona, 0.0) + share * scale * (claim / top) ** 2
        claimed.append((file.path, claimed_by))
    per_file = t.FILE_WEIGHT / max(len(files), 1)
    scores = {persona: value * per_file for persona, value in credit.items() if value > 1e-9}
    return FileEvidence(scores, claimed)

