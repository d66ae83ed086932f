"""An index from file paths to the persona globs that match them, built once per catalog.

A request looks up each path by its extension, its folder names and its file name, and
tests only the globs filed under those keys, so the cost of matching does not grow with
the number of personas.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

_WILD = re.compile(r"[*?\[]")
_NO_GLOBS: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
# What a key's globs mean for a file name (see `GlobIndex._name_plan`): those it matches, the
# suffixes of the next, those it matches when it has their prefix and suffix (glob, prefix, suffix,
# least length), and those to test on the whole path.
_NamePlan = tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str, str, int], ...], tuple[str, ...]]
CACHE_PATHS = 8192  # paths whose matching globs are remembered, per index
_PREFIX = 4  # globs like `CHANGELOG*` are filed under their first letters
_LONG_PREFIX = 6  # and, where many share those (big catalogs), under more of them when they can
CROWDED = 32  # globs under one key of first letters that make it crowded


@dataclass(frozen=True, slots=True)
class GlobHit:
    """A glob of one persona that matched a path, and how specific that glob is."""

    persona: int
    glob: str
    specificity: float


def specificity(glob: str) -> float:
    """How much a glob says about a file: a bare extension little, a named folder or file more.

    `**/*.py` matches all Python code (1.0); `**/tests/**` or `**/Dockerfile` pin a role (2.0);
    a name with a wildcard inside, like `**/*_test.go`, narrows an extension (1.5).
    """
    last = glob.rstrip("/").rsplit("/", 1)[-1]
    if last in ("**", "*"):
        return 2.0
    if not _WILD.search(last):
        return 2.0
    if re.fullmatch(r"\*\.[^*?\[/]+", last):
        return 1.0
    return 1.5


def _key(glob: str, crowded: bool = False) -> str | None:
    """The literal that every path matching `glob` must carry, as an index key; None if there is none.

    A glob filed under its name's first letters whose key many globs share (`crowded`, in big
    catalogs) is filed under more of them where its name starts with enough plain letters.
    """
    parts = [p for p in glob.strip("/").split("/") if p]
    if not parts:
        return None
    last = parts[-1]
    if not _WILD.search(last):
        return "name:" + last
    prefix = _WILD.split(last, 1)[0]
    if len(prefix) >= _PREFIX:  # `test_*.py`: the name's start is rarer than its extension
        plain = prefix.split("\\", 1)[0]  # the letters before any escape are taken as written
        if crowded and len(plain) >= _LONG_PREFIX:
            return "long:" + plain[:_LONG_PREFIX]
        return "pre:" + prefix[:_PREFIX]
    ext = re.search(r"\.([^.*?\[\]/]+)$", last)
    if ext:
        return "ext:" + ext.group(1)
    for part in reversed(parts[:-1]):
        if part != "**" and not _WILD.search(part):
            return "name:" + part
    return None


def _literal(glob: str) -> str:
    """The longest run of literal characters in a glob (within one path segment), or ""."""
    runs = re.split(r"[*?/!]+", re.sub(r"\[[^\]]*\]?", "*", glob))
    best = max(runs, key=len, default="")
    return best if "\\" not in best else ""


_LITERAL = re.compile(r"[^*?\[\]!\\/]+")


def fast_shape(glob: str) -> tuple[str, str] | None:
    """The shape of a glob that plain string tests match exactly as gitignore does, or None.

    `**/name/**` (a folder at any depth), `**/*.ext` (an extension), `**/name` or `name` (a file or
    folder name at any depth), `**/pre*suf` or `pre*suf` (a name with one star) and `dir/**` (a
    folder at the root).
    """
    if glob.startswith("**/") and glob.endswith("/**") and _LITERAL.fullmatch(glob[3:-3]):
        return "folder", glob[3:-3]
    if glob.startswith("**/*.") and _LITERAL.fullmatch(glob[5:]) and "." not in glob[5:]:
        return "extension", glob[4:]
    name = glob[3:] if glob.startswith("**/") else glob
    if _LITERAL.fullmatch(name) and name not in (".", ".."):
        return "name", name
    if name.count("*") == 1 and _LITERAL.fullmatch(name.replace("*", "x", 1)):
        return "affix", name  # `test_*.py`, `*_test.go`, `README*`: one star within a name
    if glob.endswith("/**") and _LITERAL.fullmatch(glob[:-3]) and not glob.startswith("/"):
        return "root", glob[:-3] + "/"
    return None


def _fast_match(shape: tuple[str, str], path: str, parts: list[str]) -> bool:
    kind, value = shape
    if kind == "folder":
        return value in parts[:-1]
    if kind == "extension":  # some segment ends with it: the path does, or has it right before a "/"
        return path.endswith(value) or value + "/" in path
    if kind == "name":
        return value in parts
    if kind == "affix":
        prefix, suffix = value.split("*")
        least = len(prefix) + len(suffix)
        return any(len(part) >= least and part.startswith(prefix) and part.endswith(suffix) for part in parts)
    return path.startswith(value)


def _candidates(part: str, tables: tuple[dict[str, tuple[str, ...]], ...]) -> tuple[str, ...]:
    """The globs filed under one segment of a path: under its name, its first letters and its extension.

    Every segment is looked up, not only the file name: like gitignore, `*.d` also matches a folder `x.d/`.
    The tables come as one tuple, unpacked here: a call with `*tables` costs more than the lookups.
    """
    by_name, by_prefix, by_ext, by_long_prefix = tables
    found = by_name.get(part, ())
    if len(part) >= _PREFIX:
        found += by_prefix.get(part[:_PREFIX], ())
        if by_long_prefix and len(part) >= _LONG_PREFIX:
            found += by_long_prefix.get(part[:_LONG_PREFIX], ())
    dot = part.rfind(".")
    if dot > 0:
        found += by_ext.get(part[dot + 1:], ())
    return found


def any_literal(literals: Sequence[str]) -> str:
    """A regex that finds any of the literals, with shared first letters taken out: `s(?:ecret|anitiz)`.

    `re` tries every branch of a plain alternation at each place that starts one; factored, a place
    costs one test per distinct letter, which matters in a search run on every new path.
    """
    if "" in literals:
        return ""  # the empty literal is found anywhere, as `|`-joined it would be
    by_first: dict[str, list[str]] = defaultdict(list)
    for literal in sorted(set(literals)):
        by_first[literal[0]].append(literal[1:])
    branches = [re.escape(first) + ("" if "" in rests else any_literal(rests)) for first, rests in by_first.items()]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


class GlobIndex:
    """Globs of every persona, filed under the literal each one needs; matched case-insensitively."""

    def __init__(self, globs: Sequence[Sequence[str]]) -> None:
        owners: dict[str, list[tuple[int, bool]]] = defaultdict(list)
        for persona, patterns in enumerate(globs):
            for raw in patterns:
                glob = raw.strip().lower()
                negate = glob.startswith("!")
                glob = glob.lstrip("!")
                if glob and not glob.startswith("#"):
                    owners[glob].append((persona, negate))
        self.owners: dict[str, list[tuple[int, bool]]] = dict(owners)
        self.includers: dict[str, frozenset[int]] = {
            glob: frozenset(p for p, negate in found if not negate) for glob, found in owners.items()}
        self._first: dict[str, tuple[int, ...]] = {}
        self.excluders: dict[str, frozenset[int]] = {
            glob: frozenset(p for p, negate in found if negate) for glob, found in owners.items()
            if any(negate for _p, negate in found)}
        by_key: dict[str, list[str]] = defaultdict(list)
        self._unkeyed: list[str] = []
        self._spec = {glob: specificity(glob) for glob in owners}
        for glob in owners:
            key = _key(glob)
            (by_key[key] if key else self._unkeyed).append(glob)
        for key, found in list(by_key.items()):
            if key.startswith("pre:") and len(found) > CROWDED:
                by_key[key] = []
                for glob in found:
                    by_key[_key(glob, crowded=True) or key].append(glob)
        # The globs by the literal they need, in tables (name, first letters, extension, more first
        # letters) that a path's segments are looked up in as they are.
        self._by_part: tuple[dict[str, tuple[str, ...]], ...] = ({}, {}, {}, {})
        for key, found in by_key.items():
            kind, _, value = key.partition(":")
            self._by_part[("name", "pre", "ext", "long").index(kind)][value] = tuple(found)
        self._folders: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # see `_folder` (a bounded cache)
        self._compiled: dict[str, re.Pattern[str] | None] = {}
        self._cache: dict[str, tuple[str, ...]] = {}
        # A literal every match must contain: a cheap `in` test before the regex.
        self._literal = {glob: _literal(glob) for glob in owners}
        # The common shapes are matched without a regex (and without compiling one).
        self._fast = {glob: shape for glob in owners if (shape := fast_shape(glob.lower())) is not None}
        self._unkeyed_literals = [(glob, self._literal[glob]) for glob in self._unkeyed]
        # The key tables again, as a file name sees them (see `_name_plan`): the same lookups, no per-glob
        # tests. Keys that bring a file name nothing (folder names) are left out.
        pieces: dict[str, str] = {}  # one string per prefix or suffix: big catalogs repeat ".py" thousands of times
        self._by_name_part: tuple[dict[str, _NamePlan], ...] = tuple(
            {value: plan for value, found in table.items() if any(plan := self._name_plan(found, pieces))}
            for table in self._by_part)
        # One search tells whether a path holds any of their literals: most paths hold none.
        self._unkeyed_any = (re.compile(any_literal([literal for _glob, literal in self._unkeyed_literals]))
                             if self._unkeyed_literals else None)
        self.size = len(owners)

    def _regex(self, glob: str) -> re.Pattern[str] | None:
        if glob not in self._compiled:
            from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern  # only globs of no fast shape get here

            try:
                self._compiled[glob] = GitIgnoreSpecPattern(glob).regex
            except Exception:
                self._compiled[glob] = None
        return self._compiled[glob]

    def matching(self, path: str) -> list[str]:
        """The globs (lowercased, `!` stripped) that match a path, in sorted order.

        Hosts send the same paths again and again, so answers are remembered (a bounded cache
        that belongs to this index and goes when the catalog is replaced).
        """
        lowered = path.lower()
        found = self._cache.get(lowered)
        if found is None:
            if len(self._cache) >= CACHE_PATHS:
                self._cache.clear()
            found = self._cache[lowered] = self.matched(lowered)
        return list(found)

    def matched(self, path: str) -> tuple[str, ...]:
        """`matching` worked out afresh, as a tuple: for a caller that remembers its own answers per path.

        `SelectionIndex.file_claims` does, so a new path is neither remembered twice nor copied.
        """
        # The work is done here, not in a helper: this runs for every new path of a request, and a
        # further call costs as much as some of its tests. Plain loops, not comprehensions, likewise.
        lowered = path.lower()
        parts = lowered.split("/")
        matched: list[str] = []
        if self._unkeyed_any is not None and self._unkeyed_any.search(lowered) is not None:
            for glob, literal in self._unkeyed_literals:
                if literal in lowered and self._test(glob, lowered, parts):
                    matched.append(glob)
        literals = self._literal  # a literal every match must contain: a cheap test before the full one
        folders = self._folders
        for part in parts[:-1]:
            if part:
                entry = folders.get(part)
                if entry is None:
                    if len(folders) >= CACHE_PATHS:
                        folders.clear()
                    entry = folders[part] = self._folder(part)
                if entry is not _NO_GLOBS:
                    matched += entry[0]
                    for glob in entry[1]:
                        if literals[glob] in lowered and self._test(glob, lowered, parts):
                            matched.append(glob)
        name = parts[-1]
        if name:  # file names seldom repeat: their plans are looked up each time (see `_name_plan`)
            by_name, by_prefix, by_ext, by_long_prefix = self._by_name_part
            dot = name.rfind(".")
            # The keys of first letters are exactly that long, so a shorter name finds none without a test.
            for plan in (by_name.get(name), by_prefix.get(name[:_PREFIX]),
                         by_long_prefix.get(name[:_LONG_PREFIX]) if by_long_prefix else None,
                         by_ext.get(name[dot + 1:]) if dot > 0 else None):
                if plan is not None:
                    matched += plan[0]
                    if name.endswith(plan[1]):  # one call rules out most names: they end in none of the suffixes
                        for glob, prefix, suffix, least in plan[2]:
                            if len(name) >= least and name.startswith(prefix) and name.endswith(suffix):
                                matched.append(glob)
                    for glob in plan[3]:
                        if literals[glob] in lowered and self._test(glob, lowered, parts):
                            matched.append(glob)
        # Two segments may bring one glob: sorted without duplicates. Two globs (an extension and a folder, say)
        # are the commonest answer, put in order with one comparison rather than a set and a sorted list.
        if len(matched) == 2:
            first, second = matched
            return (first, second) if first < second else (second, first) if second < first else (first,)
        return tuple(sorted(set(matched))) if len(matched) > 1 else tuple(matched)

    def _folder(self, part: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The globs filed under a folder name: those it matches alone, and those to test on the whole path.

        Every shape but `dir/**` is matched by one segment: a path matches `**/*.py` when some
        segment ends in ".py", `**/docs/**` when some folder is "docs", `**/test_*.py` when some
        segment has that prefix and suffix. So what a folder name brings depends on the name alone,
        and is remembered: folder names recur across paths.
        """
        found = _candidates(part, self._by_part)
        if not found:  # most folder names bring no glob, and many requests meet a new one: no lists built
            return _NO_GLOBS
        local: list[str] = []
        whole: list[str] = []
        literals = self._literal
        for glob in found:
            shape = self._fast.get(glob)
            if shape is None or shape[0] == "root":
                whole.append(glob)
            elif literals[glob] in part and _fast_match(shape, part, [part, ""]):  # a folder: something follows
                local.append(glob)
        return (tuple(local), tuple(whole)) if local or whole else _NO_GLOBS

    def _name_plan(self, found: Sequence[str], pieces: dict[str, str]) -> _NamePlan:
        """What the globs filed under one key mean for a file name that has the key.

        As in `_folder`, a shape is matched by the segment that brings it: a file name filed under
        `py` ends in ".py", so `**/*.py` needs no test (nor does a name under its own name), and
        `**/*_test.py` is tested on the name alone. `**/docs/**` and `docs/**` are never matched by
        a file name: the folder "docs", if there is one, brings them. Whole-path tests are left for
        the rest.
        """
        always: list[str] = []
        affixes: list[tuple[str, str, str, int]] = []
        whole: list[str] = []
        for glob in found:
            shape = self._fast.get(glob)
            if shape is None:
                whole.append(glob)
            elif shape[0] in ("name", "extension"):
                always.append(glob)
            elif shape[0] == "affix":
                prefix, suffix = (pieces.setdefault(piece, piece) for piece in shape[1].split("*"))
                affixes.append((glob, prefix, suffix, len(prefix) + len(suffix)))
        return tuple(always), tuple(suffix for _glob, _prefix, suffix, _least in affixes), tuple(affixes), tuple(whole)

    def _test(self, glob: str, lowered: str, parts: list[str]) -> bool:
        """Whether a glob that passed the literal test matches the path."""
        shape = self._fast.get(glob)
        if shape is not None:
            return _fast_match(shape, lowered, parts)
        regex = self._regex(glob)
        return regex is not None and regex.search(lowered) is not None

    def first_owners(self, glob: str, count: int) -> tuple[int, ...]:
        """The first `count` personas, in catalog order, that claim files with `glob`."""
        found = self._first.get(glob)
        if found is None:
            found = self._first[glob] = tuple(sorted(self.includers[glob])[:count])
        return found

    def specificity(self, glob: str) -> float:
        return self._spec[glob]

    def match(self, path: str) -> list[GlobHit]:
        """Every (persona, glob) whose glob matches the path, minus personas that exclude it with `!glob`."""
        hits: list[GlobHit] = []
        excluded: set[int] = set()
        for glob in self.matching(path):
            for persona, negate in self.owners[glob]:
                if negate:
                    excluded.add(persona)
                else:
                    hits.append(GlobHit(persona, glob, self._spec[glob]))
        return [hit for hit in hits if hit.persona not in excluded] if excluded else hits
