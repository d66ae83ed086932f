"""The domain signal: the lexicon as a bridge between what a task is about and what a persona is about.

A task is read against the engineering lexicon: the terms that name an entry ("pytest", "latency"),
its related words ("flaky", "allocation"), the verb that opens it ("Extract ...", "Memoize ...")
and the files its globs match (`conftest.py`, `*.tf`)
say which technologies and domains the task is about, and each entry passes a share on to the
domains it belongs to (pytest -> testing). Each persona is about entries too (`derive._entries`).
A persona's domain score is, over the entries both are about,

    task strength * persona weight * rarity of the entry among the personas * DOMAIN_WEIGHT (DERIVED_DOMAIN_WEIGHT
    for a persona whose author declared no trigger keywords)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING

from persona_mcp.selection import tunables as t
from persona_mcp.selection.derive import Profile, is_content
from persona_mcp.selection.files import FilePath, Glob, GlobTable, rarity
from persona_mcp.selection.lexical import NAMED_KINDS, Lexical, lexical
from persona_mcp.selection.request import Request
from persona_mcp.selection.shapes import SHAPE_TEXT
from persona_mcp.text import STOPWORDS, stem_key

if TYPE_CHECKING:
    from persona_mcp.lexicon import Lexicon


@dataclass(frozen=True, slots=True)
class FileReading:
    """What the lexicon's globs say of a task's files (`Domains.read_files`): one item per file."""

    claims: list[dict[str, float]]  # the entries the file's globs claim it for, each with its claim
    kinds: list[frozenset[int] | None]  # a test or a doc: the personas it belongs to; None for another file
    shares: list[float]  # what the file says of what the change is about, beside the others
    languages: frozenset[str] = frozenset()  # the programming languages of its code files (none for CI, docs, data)


_CONTEXT_KINDS = ("domain", "technology", "tool", "language")  # entries of these kinds may be where work is done
_NAMING_SOURCES = ("name:", "title:", "activity-keywords:")  # where a persona says what its own work is
# A how-to that closes by naming where it is done: "... in Django?", "... with TypeScript?", "... using Jest?".
_CLOSING_PLACE = re.compile(r"\b(?:in|with|using)\s+(?:an?\s+|the\s+)?([\w.+#-]+(?:\s+[\w.+#-]+)?)\s*\?\s*$")
_HOW_TO_USE = re.compile(r"\s*how (?:do|can|could|would|should) (?:i|you|one) use\b|\s*how to use\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Found:
    """An entry a task is about: how strongly, and the words and files that say so."""

    strength: float
    matched: tuple[str, ...]


class Domains:
    """The lexicon filed for reading tasks, and each entry's personas, strongest first."""

    def __init__(self, lexicon: Lexicon | None, profiles: Sequence[Profile], globs: GlobTable) -> None:
        """`globs`: the catalog's glob table, which holds the lexicon's globs too."""
        self.tables = lexical(lexicon) if lexicon is not None else None
        self.globs = globs
        count = len(profiles)
        domain_weight = [t.DOMAIN_WEIGHT if profile.declared else t.DERIVED_DOMAIN_WEIGHT for profile in profiles]
        spread: dict[str, float] = {}
        owners: dict[str, list[tuple[float, int, str]]] = {}
        for persona, profile in enumerate(profiles):
            for name, (weight, where) in profile.entries.items():
                spread[name] = spread.get(name, 0.0) + min(1.0, weight)
                owners.setdefault(name, []).append((weight, persona, where))
        self.personas: dict[str, list[tuple[int, float, str]]] = {}
        for name, found in owners.items():
            found.sort(key=lambda owner: (-owner[0], owner[1]))
            scale = rarity(count, spread[name])
            self.personas[name] = [(persona, weight * scale * domain_weight[persona], where)
                                   for weight, persona, where in found[: t.DOMAIN_POSTINGS]]
        # What each persona's boundaries name ("Drizzle is NOT the main database, that's Prisma"): a task's words
        # for an entry that only say what a boundary names are no evidence for that persona through the entry.
        # Only the entries a boundary's words name or relate to, and their domains, are looked at (`evidence`); the
        # boundary's phrases are filed by their first stem.
        self.refused: dict[int, tuple[frozenset[str], dict[str, list[tuple[str, ...]]]]] = {}
        for persona, profile in enumerate(profiles):
            keys = frozenset(term.key for term in profile.negative)
            entries = frozenset(self._named_by(keys))
            if entries:
                by_first: dict[str, list[tuple[str, ...]]] = {}
                for key in keys:
                    by_first.setdefault(key[0], []).append(key)
                self.refused[persona] = (entries, by_first)
        # The personas a test or a doc belongs to (`read_files`): the strongest about testing, or documentation;
        # and those a design record in a doc's place belongs to as well (`RECORD_DOMAINS`).
        self.kind_names = frozenset(t.ACCOMPANYING_DOMAINS)
        self.kind_owners: dict[str, frozenset[int]] = {}
        for name in (*t.ACCOMPANYING_DOMAINS, *t.RECORD_DOMAINS):
            found_owners = self.personas.get(name, [])
            if found_owners:
                top = found_owners[0][1]
                self.kind_owners[name] = frozenset(persona for persona, weight, _where in found_owners
                                                   if weight >= t.KIND_OWNER_SHARE * top)
        # What a file each lexicon glob matches says of the glob's entries, and the entries whose files
        # accompany others (`_files`): worked out once, not for every file of every request.
        self.file_claims: dict[str, list[tuple[str, float]]] = {}
        self.accompanying: frozenset[str] = frozenset()
        self.tests: frozenset[str] = frozenset()  # ... of which those of tests (`TEST_BESIDE_CODE_FACTOR`)
        if self.tables is not None:
            tables = self.tables
            for glob, entry in tables.globs.items():
                self.file_claims[glob] = [(name, _file_claim(entry.specificity, tables.kinds.get(name)))
                                          for name in entry.about]
            self.accompanying = frozenset(name for name in tables.names if _accompanies(tables, name))
            self.tests = frozenset(name for name in self.accompanying
                                   if t.TESTS_DOMAIN in (name, *tables.parents.get(name, ())))
        # The technologies, tools and languages each persona's name names (react-component-architect: React), for
        # `DESIGN_ELSEWHERE_FACTOR`; the programming languages code is written in (not `DATA_LANGUAGES`), and those
        # a persona's name names (ruby-pro): see `read_files` and `scoring._language`.
        kinds = self.tables.kinds if self.tables is not None else {}
        self.code_languages = frozenset(name for name, kind in kinds.items()
                                        if kind == "language" and name not in t.DATA_LANGUAGES)
        self.name_technologies: dict[int, frozenset[str]] = {}
        self.languages: dict[int, frozenset[str]] = {}
        for persona, profile in enumerate(profiles):
            named = frozenset(name for name, (_weight, where) in profile.entries.items()
                              if where.startswith("name:") and kinds.get(name) in NAMED_KINDS)
            if named:
                self.name_technologies[persona] = named
            if languages := named & self.code_languages:
                self.languages[persona] = languages
        # The entries that say where work is done, not what work it is (`CONTEXT_FACTOR`).
        self.context = frozenset(name for name, kind in kinds.items() if kind in _CONTEXT_KINDS
                                 and name not in t.WORK_DOMAINS and name != t.SHAPE_DOMAINS["question"])
        # The personas named for where work is done ("backend-developer", "react-specialist"): their name's own
        # entry (not one it takes in through another) is a context entry, and none of them is a kind of work.
        self.area = frozenset(persona for persona, profile in enumerate(profiles)
                              if _named_for_a_place(profile, self.context))
        # The kinds of work some persona is named for, or declares as its activity (debugger: debugging;
        # devops-engineer: CI, through its parts): a task that names other work has no persona of its own (`area`).
        self.named_work = _named_entries(profiles, _NAMING_SOURCES).intersection(t.WORK_DOMAINS)
        # Whether a persona is named for teaching (mentor, tutor): in a catalog without one, a request to be taught
        # belongs to the persona of what it is about, not to those that mention mentoring others in passing.
        self.teaches = t.SHAPE_DOMAINS["question"] in _named_entries(profiles, ("name:", "title:"), own=True)
        # What a task's word says of an entry it names and of one it relates to (`_reading`).
        self.strengths: dict[str, tuple[float, float]] = {}
        # Two-word phrases of content words, which a task may write with words between ("store user passwords"):
        # the first stem -> the last stems of those it starts (`_words`).
        self.gapped: dict[str, set[str]] = {}
        if self.tables is not None:
            for key in self.tables.readings:
                if len(key) == 2 and all(map(is_content, key)):
                    self.gapped.setdefault(key[0], set()).add(key[1])
            self.strengths = {name: (_reading(self.tables, name, False), _reading(self.tables, name, True))
                              for name in self.tables.names}

    def other_senses(self, request: Request) -> frozenset[tuple[int, int]]:
        """The spans of a task's words that name nothing of their own: those a longer phrase takes in another sense
        (`Lexical.other_senses`), and those used in their everyday sense (`Request.everyday`: "Build a settings
        screen" is no build work)."""
        taken = self.tables.other_senses(request.stems) if self.tables is not None else frozenset()
        return taken | request.everyday

    def read(self, request: Request, files: FileReading | None = None,
             other_senses: frozenset[tuple[int, int]] | None = None) -> dict[str, Found]:
        """The entries a task is about, from its words and its files (`files`: what `read_files` says of them,
        when the caller has it already), with their parents. Words in another sense (`other_senses`, when the
        caller has them already) say nothing of the entries they name alone."""
        tables = self.tables
        if tables is None:
            return {}
        if other_senses is None:
            other_senses = self.other_senses(request)
        if files is None:
            files = self.read_files([self.globs.matching(file) for file in request.files])
        hits, named_work = self._words(tables, request, files, other_senses)
        self._opening_verb(tables, request, files, named_work, hits)
        if request.measured_change and t.MEASURED_DOMAIN in tables.kinds:
            hits.setdefault(t.MEASURED_DOMAIN, []).append((t.TASK_TERM, request.measured_change))
        elif request.measured and t.MEASURED_DOMAIN in tables.kinds:
            hits.setdefault(t.MEASURED_DOMAIN, []).append((t.TASK_RELATED, request.measured))
        if request.choosing and t.CHOICE_DOMAIN in tables.kinds:
            hits.setdefault(t.CHOICE_DOMAIN, []).append((t.TASK_RELATED, "(alternatives weighed)"))
        if request.version_change and t.VERSION_DOMAIN in tables.kinds:
            hits.setdefault(t.VERSION_DOMAIN, []).append((t.TASK_TERM, request.version_change))
        if request.advisory and t.ADVISORY_DOMAIN in tables.kinds:
            hits.setdefault(t.ADVISORY_DOMAIN, []).append((t.TASK_TERM, request.advisory))
        result = {name: _gathered(named) for name, named in hits.items()}
        # the places of work the words name, before the files add theirs (`LAYOUT_WORK_SHARE`)
        places = {name: found.strength for name, found in result.items() if tables.kinds[name] == "layout"}
        for name, found_files in self._files(request.files, files).items():
            before = result.get(name)
            if before is None:
                result[name] = found_files
            else:
                result[name] = Found(before.strength + found_files.strength, before.matched + found_files.matched)
        for shape, strength in request.shapes.items():
            name = t.SHAPE_DOMAINS.get(shape, "")
            if strength < t.SHAPE_DOMAIN_MIN_STRENGTH.get(shape, 0.0):
                continue  # a bug report without a stack trace (`SHAPE_DOMAIN_MIN_STRENGTH`)
            if name in tables.kinds and (shape != "question" or (request.teaching and self.teaches)):
                # A request to be taught is about learning in full, whatever files it names: they are
                # what the asker wants to understand.
                value = (1.0 if shape == "question" else strength) * t.SHAPE_DOMAIN_STRENGTH
                before = result.get(name, Found(0.0, ()))
                result[name] = Found(before.strength + value, (*before.matched, f"({SHAPE_TEXT[shape]})"))
        for name, found in list(result.items()):
            for parent in tables.parents.get(name, ()):
                share = found.strength * t.PARENT_SHARE
                if name in places and parent in t.WORK_DOMAINS:
                    share = max(share, places[name] * t.LAYOUT_WORK_SHARE)
                before = result.get(parent)
                if before is None or before.strength < share:
                    result[parent] = Found(share, found.matched)
        # A task that names a kind of work says with its technologies and areas where it is done (`CONTEXT_FACTOR`);
        # one that asks to be taught, what the lesson is about (`LESSON_CONTEXT_FACTOR`).
        factor = 1.0
        if names_work(request, result):
            factor = t.CONTEXT_FACTOR
        elif t.SHAPE_DOMAINS["question"] in result and request.teaching and self.teaches:  # most tasks name none
            factor = t.LESSON_CONTEXT_FACTOR
        if factor != 1.0:
            result = {name: Found(found.strength * factor, found.matched) if name in self.context else found
                      for name, found in result.items()}
        return result

    def _words(self, tables: Lexical, request: Request, files: FileReading,
               other_senses: frozenset[tuple[int, int]]) -> tuple[dict[str, list[tuple[float, str]]], set[str]]:
        """What each entry the task's words name or relate to gets from each of them: entry -> [(value, words)];
        and the kinds of work the first sentence names by a term (for `VERB_OTHER_WORK`). A two-word phrase of
        content words also counts with a few words between its two (`Request.gap_ends`), `GAP_FACTOR` as much."""
        hits: dict[str, list[tuple[float, str]]] = {}
        named_work: set[str] = set()
        stems, task_words = request.stems, request.words
        # A change made only of CI files: the words that name another kind of work say what the pipeline runs; one
        # made only of tests, what is done to the tests.
        claims = files.claims  # one per file read (`Request.files`): none without paths
        pipeline = bool(claims) and all(_claimed_for(tables, claimed, t.PIPELINE_DOMAIN) for claimed in claims)
        tests_only = bool(claims) and all(_claimed_for(tables, claimed, t.TESTS_DOMAIN) for claimed in claims)

        def aside(name: str) -> float:
            if pipeline and name in t.WORK_DOMAINS and name not in t.PIPELINE_WORK:
                return t.PIPELINE_WORK_FACTOR
            if tests_only and name in t.WORK_DOMAINS and name not in t.TESTS_ONLY_WORK:
                return t.TESTS_ONLY_WORK_FACTOR
            return 1.0

        for start in range(len(stems)):
            for length in tables.lengths.get(stems[start], ()):  # the longest first
                end = start + length
                if end > len(stems):
                    continue
                readings = tables.readings.get(tuple(stems[start:end]))
                if readings is None or (task_words[start] in STOPWORDS if length == 1 else
                                        not request.one_sentence(start, end)) or (start, end) in other_senses:
                    continue
                place = request.factor(start, end) * (t.CODE_FACTOR if all(request.code[start:end]) else 1.0)
                matched = " ".join(task_words[start:end])
                for name, related in readings:
                    hits.setdefault(name, []).append((self.strengths[name][related] * place * aside(name), matched))
                    if not related and start < request.lead and not any(request.code[start:end]):
                        named_work.update(n for n in (name, *tables.parents.get(name, ())) if n in t.WORK_DOMAINS)
            # ... and a two-word phrase with a few words between its two ("store user passwords"), as a persona's
            lasts = self.gapped.get(stems[start]) if start < request.text_words else None
            for end in request.gap_ends(start, lasts) if lasts is not None else ():
                if (start, end) not in other_senses:
                    place = request.factor(start, end) * t.GAP_FACTOR
                    matched = " ".join(task_words[start:end])
                    for name, related in tables.readings[(stems[start], stems[end - 1])]:
                        hits.setdefault(name, []).append((self.strengths[name][related] * place * aside(name), matched))
        return hits, named_work

    def _opening_verb(self, tables: Lexical, request: Request, files: FileReading, named_work: set[str],
                      hits: dict[str, list[tuple[float, str]]]) -> None:
        """The verb that opens a request ("Extract ...", "Memoize ...") names the kind of work it asks for
        (`OPENING_VERB`): less so in a change with no code, or when the first sentence names other work."""
        opening = request.opening
        if opening >= request.text_words or request.shapes.get("question"):
            return
        verb = t.OPENING_VERB * request.factor(opening)
        if request.paths and not files.languages:
            verb *= t.VERB_WITHOUT_CODE  # "Remove the stale-issues job" in a workflow file is not refactoring
        verb_names = tables.verbs.get(request.opening_verb, ())
        if not named_work.issubset(verb_names):
            verb *= t.VERB_OTHER_WORK  # "Change jsdoc of context" is documentation work, not refactoring
        for name in verb_names:
            hits.setdefault(name, []).append((verb, request.words[opening]))

    def read_files(self, matched: Sequence[Sequence[Glob]]) -> FileReading:
        """What the lexicon's globs say of a task's files (`matched`: the globs of the table that match each).

        A test or a doc is first of all that (`KIND_CLAIM`): an entry that claims it only by a folder it
        sits in (`components/` of `docs/.vitepress/theme/components/X.vue`) claims it `KIND_FOLDER_FACTOR`
        as strongly, as a persona does (`files.file_evidence`), and it belongs to the personas most about
        its kind (`kind_owners`). Documentation claims a source file in a docs folder by that folder only as
        strongly (`PROSE_DOMAINS`: the docs site's server is code). A design record in a doc's place is first of
        all a design record
        (`RECORD_DOMAINS`). Docs beside the code they document say `ACCOMPANYING_FACTOR` as much of what the
        change is about as any other file, and a test beside the code it tests `TEST_BESIDE_CODE_FACTOR`.
        """
        if self.tables is None:
            return FileReading([{} for _file in matched], [None] * len(matched), [1.0] * len(matched))
        claimed: list[dict[str, float]] = []
        kinds: list[frozenset[int] | None] = []
        for entries in matched:
            claims = self._strongest(entries)
            owners: frozenset[int] | None = None
            # Most files claim neither testing nor documentation: the set test says so at once.
            if not self.kind_names.isdisjoint(claims) and any(
                    claims.get(name, 0.0) >= t.KIND_CLAIM for name in self.kind_names):
                for name, personas in self.kind_owners.items():
                    if claims.get(name, 0.0) >= t.KIND_CLAIM:
                        owners = personas if owners is None else owners | personas
                by_kind = self._strongest([entry for entry in entries if not entry.folder])
                code = not self.code_languages.isdisjoint(by_kind)  # a source file by its own name
                for name, claim in claims.items():
                    if (name not in self.accompanying and name not in t.RECORD_DOMAINS) or \
                            (code and name in t.PROSE_DOMAINS):
                        claims[name] = max(by_kind.get(name, 0.0), claim * t.KIND_FOLDER_FACTOR)
            claimed.append(claims)
            kinds.append(owners)
        beside = [not self.accompanying.isdisjoint(claims) for claims in claimed]
        shares = [1.0] * len(claimed)
        if not all(beside):
            shares = [(t.TEST_BESIDE_CODE_FACTOR if not self.tests.isdisjoint(claims) else t.ACCOMPANYING_FACTOR)
                      if aside else 1.0 for aside, claims in zip(beside, claimed, strict=True)]
        languages = frozenset(name for claims in claimed for name in claims if name in self.code_languages)
        return FileReading(claimed, kinds, shares, languages)

    def _strongest(self, entries: Sequence[Glob]) -> dict[str, float]:
        """The entries these matching globs claim a file for, each with its strongest claim."""
        claims: dict[str, float] = {}
        for entry in entries:
            for name, claim in self.file_claims.get(entry.glob, ()):
                if claim > claims.get(name, 0.0):
                    claims[name] = claim
        return claims

    def _files(self, files: Sequence[FilePath], reading: FileReading) -> dict[str, Found]:
        """Entries by the files their globs match: each file's share, by how specific its best glob is."""
        credit: dict[str, float] = {}
        named: dict[str, list[str]] = {}
        for file, claims, share in zip(files, reading.claims, reading.shares, strict=True):
            path = file.path
            for name, claim in claims.items():
                credit[name] = credit.get(name, 0.0) + claim * share
                named.setdefault(name, []).append(path)
        count = max(len(files), 1)
        return {name: Found(t.TASK_FILES * value / count, tuple(named[name][:10])) for name, value in credit.items()}

    def evidence(self, found: dict[str, Found], paths: Iterable[str] = ()
                 ) -> dict[int, list[tuple[str, tuple[str, ...], float, str]]]:
        """Per persona: (entry, the task's words or files, value, where the persona names it). `paths`: the task's
        files, which are never what a boundary names (`_all_refused`)."""
        out: dict[int, list[tuple[str, tuple[str, ...], float, str]]] = {}
        # The task's words -> their stems, read when first needed; a file reads as none: no boundary names a file.
        stems: dict[str, tuple[str, ...]] = {path: () for path in paths}
        for name in sorted(found):
            task = found[name]
            design = name == t.SHAPE_DOMAINS["proposal"]
            for persona, weight, where in self.personas.get(name, ()):
                refused = self.refused.get(persona)
                if refused is None or name not in refused[0] or not _all_refused(task.matched, refused[1], stems):
                    value = task.strength * weight
                    named_tech = self.name_technologies.get(persona) if design else None
                    if named_tech and named_tech.isdisjoint(found):
                        value *= t.DESIGN_ELSEWHERE_FACTOR  # the React architect, of a design that names no React
                    out.setdefault(persona, []).append((name, task.matched, value, where))
        return out

    def done_in_a_technology(self, request: Request, about: dict[str, Found]) -> bool:
        """Whether a how-to asks how to do something in a language, a technology or a tool it names last ("How do I
        filter query objects by date range in Django?"): a question of that technology's work, where "How to use
        TypeORM with ts-node?" asks how to use a tool. `about`: what the task is about (`read`)."""
        closing = _CLOSING_PLACE.search(request.head, 0, request.lead_chars)
        if self.tables is None or closing is None or _HOW_TO_USE.match(request.head):
            return False
        said = set(closing.group(1).lower().split())
        kinds = self.tables.kinds
        return any(kinds.get(name) in NAMED_KINDS and not said.isdisjoint(found.matched)
                   for name, found in about.items())

    def _named_by(self, keys: frozenset[tuple[str, ...]]) -> set[str]:
        """The entries these words name or relate to, and the domains those belong to."""
        tables = self.tables
        if tables is None:
            return set()
        named = {name for key in keys for name, _related in tables.readings.get(key, ())}
        return named | {parent for name in named for parent in tables.parents.get(name, ())}


def _all_refused(matched: tuple[str, ...], refused: dict[str, list[tuple[str, ...]]],
                 read: dict[str, tuple[str, ...]]) -> bool:
    """Whether each of a task's words or files for an entry holds a phrase a persona's boundary names."""
    for text in matched:
        stems = read.get(text)
        if stems is None:
            stems = read[text] = stem_key(text)
        if not any(stems[at:at + len(key)] == key for at, first in enumerate(stems) for key in refused.get(first, ())):
            return False
    return True


def _gathered(named: list[tuple[float, str]]) -> Found:
    """An entry's strength from what each of the task's words gives it, strongest first, each `DECAY` times the
    one before (as many as there are different words), and those words."""
    named.sort(key=itemgetter(0), reverse=True)  # stable: equal values keep their order
    seen = list(dict.fromkeys(word for _, word in named))
    return Found(sum(value * t.DECAY ** rank for rank, (value, _) in enumerate(named[: len(seen)])), tuple(seen))


def names_work(request: Request, about: dict[str, Found]) -> bool:
    """Whether the task's words name a kind of work (`WORK_DOMAINS`, at least `CONTEXT_WORK_STRENGTH`), which the
    technologies and areas it names then only locate (`CONTEXT_FACTOR`, `AREA_FACTOR`). A question does only when
    it weighs a choice in the asker's own work (`Request.deciding`), or reports a failure or slowness of the asker's
    own ("Why is /api/orders so slow? ... N+1 queries"): "How do I configure X in Y?" is about Y."""
    asks = "question" not in request.shapes or request.deciding or (request.practical and request.troubled)
    return asks and asks_for_work(about, t.CONTEXT_WORK_STRENGTH)



def asks_for_work(about: dict[str, Found], least: float) -> bool:
    """Whether a task's words name a kind of work (`WORK_DOMAINS`), at least `least` strong."""
    return any(name in t.WORK_DOMAINS and found.strength >= least and _by_words(found)
               for name, found in about.items())


def _named_entries(profiles: Sequence[Profile], sources: tuple[str, ...], own: bool = False) -> frozenset[str]:
    """The entries some persona names in these sources (`where` starts with one of them); `own`: by itself, not
    through another entry it names ("(via ...)", "(part of ...)")."""
    return frozenset(name for profile in profiles for name, (_weight, where) in profile.entries.items()
                     if where.startswith(sources) and not (own and "(" in where))


def _named_for_a_place(profile: Profile, context: frozenset[str]) -> bool:
    """Whether a persona's name says where work is done: the entries its name names, or takes in as their parts
    ("backend" takes in "api" and "database"), are context entries, none of them a kind of work (`devops`
    takes in "ci", so it is not)."""
    named = [name for name, (_weight, where) in profile.entries.items()
             if where.startswith("name:") and "(via " not in where]
    return bool(named) and not any(name in t.WORK_DOMAINS and name not in t.WORK_OF_A_PLACE for name in named) \
        and any(name in context for name in named)


def _by_words(found: Found) -> bool:
    """Whether the task's words say it, not only its files ("src/app.test.ts") or its shape ("(a question)")."""
    return any(not word.startswith("(") and "/" not in word and "." not in word for word in found.matched)


def _reading(tables: Lexical, name: str, related: bool) -> float:
    """What a word of the task that names an entry (or, `related`, relates to it) says of it: the work
    a task names (`WORK_DOMAINS`) counts `WORK_TEXT_FACTOR` as much."""
    kind = tables.kinds.get(name, "")
    if kind == "language":
        strength = (t.TASK_RELATED if related else t.TASK_TERM) * t.LANGUAGE_TEXT_FACTOR
    elif related:
        strength = t.TASK_RELATED * (1.0 if kind == "domain" else t.TECH_RELATED_FACTOR)
    else:
        strength = t.TASK_TERM
    return strength * (t.WORK_TEXT_FACTOR if name in t.WORK_DOMAINS else 1.0)


def _claimed_for(tables: Lexical, claims: dict[str, float], domain: str) -> bool:
    """Whether the lexicon's globs say a file is first of all a domain's: claimed for it or one of its tools at least
    `KIND_CLAIM` as strongly (a GitHub Actions workflow is a CI file, `__tests__/x.spec.ts` a test)."""
    return any(claim >= t.KIND_CLAIM and (name == domain or domain in tables.parents.get(name, ()))
               for name, claim in claims.items())


def _file_claim(specificity: float, kind: str | None) -> float:
    """What a file matched by a lexicon glob of this specificity says of an entry of this kind."""
    claim = min(1.0, specificity / t.FULL_CLAIM)
    return claim * t.LANGUAGE_FILE_FACTOR if kind == "language" else claim


def _accompanies(tables: Lexical, name: str) -> bool:
    """Whether an entry's files accompany a change of other files (tests beside code)."""
    return name in t.ACCOMPANYING_DOMAINS or any(p in t.ACCOMPANYING_DOMAINS for p in tables.parents.get(name, ()))
