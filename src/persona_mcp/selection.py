"""Pure scoring: (index of a catalog, task, files) -> Selection. No I/O, no MCP."""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from operator import itemgetter, mul
from typing import Literal

from persona_mcp.globs import GlobIndex
from persona_mcp.model import Candidate, Companion, Evidence, Persona, Selection, short_name
from persona_mcp.servers import resolve_servers
from persona_mcp.text import STOPWORDS, analyse, count_words, stem, stem_key, words

Detail = Literal["full", "summary"]
Kind = Literal["keyword", "activity", "description", "negative"]

# What one matched trigger is worth, by kind, before its rarity across the catalog is applied.
KIND_WEIGHT: dict[str, float] = {"activity": 2.0, "keyword": 1.0, "description": 0.6, "negative": 1.0}
SOFT_NEGATIVE = 0.6  # a "Do NOT load for" phrase is prose, so it argues more softly than negative-keywords
PHRASE_BONUS = 0.5  # per extra word in a matched phrase: "race condition" says more than "race"
PHRASE_GAP = 3  # words that may stand between the two words of a two-word phrase
GAP_FACTOR = 0.85  # what a phrase matched across a gap is worth
REST_FACTOR = 0.8  # words after the first sentence count this much: the lead says what the task is
FIRST_WORD_FACTOR = 1.3  # the first word is most often the verb that says what kind of work it is
CODE_FACTOR = 0.4  # an activity word inside an identifier or a `code span` names a thing, not the task
DECAY = 0.35  # each further keyword of the same persona counts this much less than the one before
FILE_WEIGHT = 1.5  # what a change made only of a persona's files is worth
FULL_SPECIFICITY = 2.0  # a glob this specific (a folder or file name) gives a file's whole weight; see _file_claims
AGREEMENT_SCAN = 64  # see file_evidence
POPULAR_OWNERS = 64  # a glob shared by more personas than this is a weak signal; see file_evidence
POPULAR_SAMPLE = 8
CLAIMS_CACHE = 8192  # paths whose file shares are remembered, per index
COVERAGE_POWER = 1.0  # files that accompany a change (its tests, its changelog) count for less than their share
SHAPE_WEIGHT: dict[str, float] = {"question": 2.5, "proposal": 3.5, "bug-report": 1.5}
EXPLICIT_WEIGHT = 4.0
READ_CHARS = 600  # see Ranking
MIN_SCORE = 0.3  # below this there is too little evidence for any persona
MIN_CONFIDENCE = 0.3  # below this the best guess is right too rarely to be worth giving (see `eval`)
CALIBRATION = (-2.9, 2.8, 1.9)  # intercept, log1p(score), lead: fitted on the dev bench
COMPANION_SHARE = 0.6  # a declared companion needs at least this share of the winner's score
UNLINKED_SHARE = 0.9  # any other runner-up needs this much to count as clearly applying too
COMPANION_MIN = 1.5  # and this much evidence from the task itself
MAX_COMPANIONS = 2
MAX_EVIDENCE = 12  # signals listed for the best candidate
MAX_EVIDENCE_OTHERS = 6  # and for each runner-up
MAX_CONFLICTS = 5


# A signal for a persona: (kind, trigger, the task's words or files it matched, weight; negative against).
_Item = tuple[str, str, list[str], float]
# An indexed trigger: (persona, kind, text as written, weight). A plain tuple: catalogs hold many.
_Posting = tuple[int, Kind, str, float]
# How a file is shared out (see `file_claims`): each matching glob's share, and corrections per persona.
_Claims = tuple[tuple[tuple[str, float], ...], tuple[tuple[int, float], ...]]


# A hit while phrases are matched: (-weight, start, text, kind, matched, end). Its first three
# fields (`_STRENGTH`) sort it the way the strongest phrase should win: by weight, then position,
# then trigger text.
_Found = tuple[float, int, str, Kind, str, int]
_STRENGTH = itemgetter(0, 1, 2)


class SelectionIndex:
    """Everything selection needs, computed once when a catalog loads.

    Trigger phrases are filed under their first word's stem and globs under the literal they
    need, so a request looks up each of its words and paths once instead of scanning every
    persona.
    """

    def __init__(self, personas: Sequence[Persona]) -> None:
        self.personas = sorted(personas, key=lambda p: p.name)  # ranking breaks ties by position: by name
        count = len(self.personas)
        entries: list[tuple[tuple[str, ...], int, Kind, str, float]] = []
        claimed: Counter[tuple[str, ...]] = Counter()
        for i, persona in enumerate(self.personas):
            spec = persona.spec
            sources: tuple[tuple[Kind, Iterable[str], float], ...] = (
                ("activity", spec.activity_keywords, 1.0),
                ("keyword", spec.trigger_keywords, 1.0),
                ("description", persona.auto_invoke, 1.0),
                ("negative", spec.negative_keywords, 1.0),
                ("negative", persona.do_not_load, SOFT_NEGATIVE),
            )
            positive: set[tuple[str, ...]] = set()
            negative: set[tuple[str, ...]] = set()
            for kind, texts, factor in sources:
                seen = negative if kind == "negative" else positive
                base = KIND_WEIGHT[kind] * factor
                for text in texts:
                    key = stem_key(text)
                    if key and key not in seen:  # the first (strongest) kind that names a phrase keeps it
                        seen.add(key)
                        entries.append((key, i, kind, text, base))
            claimed.update(positive)
        # A phrase claimed by many personas tells them apart poorly: weight it by rarity.
        scale = math.log(1 + count) if count > 1 else 1.0
        rarity = {key: math.log(1 + count / n) / scale for key, n in claimed.items()} if count > 1 else {}
        self._postings: dict[tuple[str, ...], list[_Posting]] = defaultdict(list)
        for key, i, kind, text, base in entries:
            # The bonus counts the words as written: "content type" is a phrase, "ContentType" one name.
            if len(key) > 1:
                base *= 1 + PHRASE_BONUS * (min(len(key), _written_words(text)) - 1)
            weight = base
            if kind != "negative":
                weight *= rarity.get(key, 1.0)
            self._postings[key].append((i, kind, text, weight))
        # Two-word phrases of content words also match with a few words between them ("improve
        # save performance"); one with a function word ("fails on") must be matched as written.
        self._gapped = {key for key, postings in self._postings.items()
                        if len(key) == 2 and all(STOPWORDS.isdisjoint(words(p[2])) for p in postings)}
        # One-word triggers by their stem, and longer phrases by their first stem (shortest first),
        # with the second stems of those phrases: where none of them follows within reach of a
        # word, none of its longer phrases can match there.
        self._single: dict[str, list[_Posting]] = {}
        multi: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for key in sorted(self._postings, key=len):
            if len(key) == 1:
                self._single[key[0]] = self._postings[key]
            else:
                multi[key[0]].append(key)
        self._multi: dict[str, tuple[tuple[str, ...], ...]] = {first: tuple(keys) for first, keys in multi.items()}
        self._seconds: dict[str, frozenset[str]] = {
            first: frozenset(key[1] for key in keys) for first, keys in multi.items()}
        self.globs = GlobIndex([p.spec.trigger_files for p in self.personas])
        self._shapes: dict[str, list[int]] = defaultdict(list)
        for i, persona in enumerate(self.personas):
            for shape in dict.fromkeys(persona.spec.request_shapes):
                self._shapes[shape].append(i)
        self._prior = _body_prior(self.personas)
        self._claims: dict[str, _Claims] = {}
        self._claims_by_globs: dict[tuple[str, ...], _Claims] = {}
        self.names = [p.name for p in self.personas]
        self.short_names = [p.short_name for p in self.personas]
        self.titles = [p.title for p in self.personas]
        self.weights = [p.spec.weight for p in self.personas]
        self._names: dict[str, int] = {}
        self._declared: dict[str, frozenset[str]] = {}
        for i, persona in enumerate(self.personas):
            self._names[persona.name] = i
            self._names[persona.short_name] = i

    def shared_triggers(self) -> dict[str, dict[str, list[str]]]:
        """Keywords (by stem) and globs that more than one persona claims: {"keywords": {...}, "globs": {...}}.

        A shared trigger is normal for broad words, but it tells its personas apart poorly, so
        `persona-mcp validate` lists them.
        """
        keywords: dict[str, set[str]] = defaultdict(set)
        labels: dict[str, str] = {}
        for key, postings in self._postings.items():
            for p in postings:
                if p[1] != "negative":
                    keywords[" ".join(key)].add(self.personas[p[0]].name)
                    labels.setdefault(" ".join(key), p[2])
        globs = {glob: sorted({self.personas[i].name for i, negate in owners if not negate})
                 for glob, owners in self.globs.owners.items()}
        return {
            "keywords": {labels[k]: sorted(v) for k, v in sorted(keywords.items()) if len(v) > 1},
            "globs": {g: names for g, names in sorted(globs.items()) if len(names) > 1},
        }

    def persona(self, name: str) -> Persona:
        """The persona answering to a full or short name (the caller knows it exists)."""
        return self.personas[self._names[name]]

    def match_phrases(self, task_stems: Sequence[str], task_words: Sequence[str], lead: int | None = None,
                      code: Sequence[bool] | None = None,
                      firsts: dict[str, int] | None = None) -> dict[int, list[_Item]]:
        """Every indexed phrase that occurs in the task, as evidence per persona, strongest first.

        Words past `lead` (the first sentence) count `REST_FACTOR` as much, and the task's first word
        (its verb, in most requests) `FIRST_WORD_FACTOR` more. An activity word taken from code (an
        identifier such as `optimizeDeps`) names something rather than asks for it: it counts
        `CODE_FACTOR` as much. Within one persona, a stretch of task words counts once for and once
        against: the strongest phrase covering it wins, so "race condition" does not also fire a
        separate "race", and a phrase that occurs twice counts once. A lone function word ("them",
        "is") never matches a one-word trigger, since its crude stem can collide with a real word
        ("theme"). A two-word phrase of content words also matches with up to `PHRASE_GAP` words
        between its two ("improve save performance"), at `GAP_FACTOR` of its weight.

        Only the stems the task and the index share are looked at, each from its first place in the
        task: a one-word trigger counts once, at its strongest place, which is its first (words count
        less further on) unless code marks make a later one stronger.
        """
        lead = len(task_stems) if lead is None else lead
        if firsts is None:
            firsts = first_places(task_stems)
        lasts = dict(zip(task_stems, range(len(task_stems)), strict=True))  # stem -> its last place
        present = firsts.keys()
        found: dict[int, list[_Found]] = {}
        covered: dict[tuple[int, bool], set[int]] = {}  # (persona, against) -> the places its longer phrases cover
        for first in present & self._multi.keys():
            seconds = self._seconds[first]
            if present.isdisjoint(seconds):
                continue  # no second word of its phrases is anywhere in the task
            for start in _places(task_stems, first, firsts[first], lasts[first]):
                if seconds.isdisjoint(task_stems[start + 1:start + 2 + PHRASE_GAP]):
                    continue  # none follows within reach of this place
                for persona, hit in self._phrases_at(start, task_stems, task_words, lead, code):
                    side = (persona, hit[3] == "negative")
                    if side in covered:
                        covered[side].update(range(start, hit[5]))
                    else:
                        covered[side] = set(range(start, hit[5]))
                    if persona in found:
                        found[persona].append(hit)
                    else:
                        found[persona] = [hit]
        singles = self._single
        for one in present & singles.keys():
            start = firsts[one]
            last = lasts[one]
            word = task_words[start]
            if word in STOPWORDS:  # its first place is a function word: a later place may not be
                start = next((at for at in _places(task_stems, one, start, last) if task_words[at] not in STOPWORDS),
                             -1)
                if start < 0:
                    continue
                word = task_words[start]
            # `_position_factor`, written out: this runs for every matched word of every request
            factor = (FIRST_WORD_FACTOR if start == 0 else 1.0) if start < lead else REST_FACTOR
            in_code = code is not None and code[start]
            for persona, kind, text, weight in singles[one]:
                if start < last and ((in_code and kind == "activity") or (
                        covered and start in covered.get((persona, kind == "negative"), ()))):
                    # the exceptions, where a later place may count: see `_single_places`
                    hits = self._single_places(one, start, last, persona, kind, text, weight, task_stems, task_words,
                                               lead, code, covered)
                    if persona in found:
                        found[persona] += hits
                    else:
                        found[persona] = hits
                    continue
                weight *= factor
                if in_code and kind == "activity":
                    weight *= CODE_FACTOR
                hit = (-weight, start, text, kind, word, start + 1)
                if persona in found:
                    found[persona].append(hit)
                else:
                    found[persona] = [hit]
        evidence: dict[int, list[_Item]] = {}
        for persona, hits in found.items():
            if len(hits) > 1:
                if (persona, False) in covered or (persona, True) in covered:
                    hits = _strongest(hits)
                else:  # one hit per trigger and no two on one word: only the order to settle
                    hits.sort(key=_STRENGTH)
            evidence[persona] = [(kind, text, [matched], negative if kind == "negative" else -negative)
                                 for negative, _start, text, kind, matched, _end in hits]
        return evidence

    @staticmethod
    def _single_places(stem: str, start: int, last: int, persona: int, kind: Kind, text: str, weight: float,
                       task_stems: Sequence[str], task_words: Sequence[str], lead: int, code: Sequence[bool] | None,
                       covered: dict[tuple[int, bool], set[int]]) -> list[_Found]:
        """A one-word trigger's hit where its first place may not be the one that counts.

        A later place counts more where code marks weaken an activity word at the first place; and
        where a longer phrase of the same persona covers the strongest place, every place is kept,
        for `_strongest` to settle the overlaps.
        """
        at = start
        if kind == "activity" and code is not None and code[start] and start < last:
            at = max((at for at in _places(task_stems, stem, start, last) if task_words[at] not in STOPWORDS),
                     key=lambda at: (_placed(weight, at, lead, code, kind), -at))
        phrases = covered.get((persona, kind == "negative"))
        if phrases is not None and at in phrases and start < last:
            return [(-_placed(weight, at, lead, code, kind), at, text, kind, task_words[at], at + 1)
                    for at in _places(task_stems, stem, start, last) if task_words[at] not in STOPWORDS]
        return [(-_placed(weight, at, lead, code, kind), at, text, kind, task_words[at], at + 1)]

    def _phrases_at(self, start: int, task_stems: Sequence[str], task_words: Sequence[str], lead: int,
                    code: Sequence[bool] | None) -> list[tuple[int, _Found]]:
        """The longer phrases that start at one place of the task, as (persona, hit)."""
        factor = _position_factor(start, lead)
        out: list[tuple[int, _Found]] = []
        for key in self._multi[task_stems[start]]:
            end = start + len(key)
            scale = factor  # times GAP_FACTOR for a two-word phrase matched across a gap
            if tuple(task_stems[start:end]) != key:
                if key in self._gapped and key[1] in task_stems[start + 2:start + 2 + PHRASE_GAP]:
                    end = task_stems.index(key[1], start + 2) + 1
                    scale = factor * GAP_FACTOR
                else:
                    continue
            matched = " ".join(task_words[start:end])
            in_code = code is not None and all(code[start:end])
            for persona, kind, text, weight in self._postings[key]:
                weight *= scale
                if in_code and kind == "activity":
                    weight *= CODE_FACTOR
                out.append((persona, (-weight, start, text, kind, matched, end)))
        return out

    def prior(self, task_stems: Iterable[str]) -> dict[int, tuple[float, list[str]]]:
        """The weak prior from persona prose: distinctive words of a persona's description and body."""
        index = self._prior
        totals: dict[int, float] = {}
        matched: dict[int, list[str]] = {}
        for key in sorted(index.keys() & task_stems):  # sorted: the words are listed in order
            for persona, weight in index[key]:
                if persona in totals:
                    totals[persona] += weight
                    matched[persona].append(key)
                else:
                    totals[persona] = weight
                    matched[persona] = [key]
        return {p: (min(total, BODY_CAP), matched[p]) for p, total in totals.items()}

    def file_claims(self, path: str) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[int, float], ...]]:
        """How one file is shared out: each matching glob's share, and corrections for agreeing globs.

        A file's shares do not depend on the other files of the request, so they are remembered
        per path (a bounded cache that goes with this index). See `file_evidence`.
        """
        found = self._claims.get(path)
        if found is None:
            if len(self._claims) >= CLAIMS_CACHE:
                self._claims.clear()
            # The shares depend only on which globs match, and many paths match the same ones
            # (`**/*.py` alone): a new path usually finds its answer under its set of globs.
            matched = self.globs.matched(path)
            found = self._claims_by_globs.get(matched)
            if found is None:
                if len(self._claims_by_globs) >= CLAIMS_CACHE:
                    self._claims_by_globs.clear()
                found = self._claims_by_globs[matched] = _file_claims(self.globs, matched)
            self._claims[path] = found
        return found

    def declared_companions(self, name: str) -> frozenset[str]:
        """The short names a persona lists under `companions` (remembered: selection asks on every request)."""
        found = self._declared.get(name)
        if found is None:
            found = self._declared[name] = frozenset(short_name(c) for c in self.persona(name).spec.companions)
        return found

    def shape_personas(self, shape: str) -> list[int]:
        return self._shapes.get(shape, [])

    def explicit_request(self, task: str, lowered: str | None = None) -> int | None:
        """A persona the task asks for by name: `@security`, `persona-security`, "as the security persona".

        `lowered` is the task in lowercase, if the caller has it already.
        """
        lowered = task.lower() if lowered is None else lowered
        if "@" in lowered:
            # `@name` at the start or after a space or "(": the regex finds each `@` by its literal,
            # and the character before it is checked here (far faster than a regex that starts with
            # that alternative, which is tried at every position of a long task).
            for match in _MENTION.finditer(lowered):
                at = match.start()
                if (at == 0 or lowered[at - 1].isspace() or lowered[at - 1] == "(") and match.group(1) in self._names:
                    return self._names[match.group(1)]
        if "persona" not in lowered:  # both other forms need the word
            return None
        for pattern in _EXPLICIT:
            for match in pattern.finditer(lowered):
                if match.group(1) in self._names:
                    return self._names[match.group(1)]
        return None


def _written_words(text: str) -> int:
    """How many words a trigger has as written: "MySQL" and "ContentTypeParser" are one name, not a phrase."""
    return max(1, len(_PLAIN_WORD.findall(text.lower())))


_PLAIN_WORD = re.compile(r"[a-z0-9]+")


_MENTION = re.compile(r"@([a-z0-9][a-z0-9-]*)")
_EXPLICIT = (
    re.compile(r"\b(persona-[a-z0-9][a-z0-9-]*)"),
    re.compile(r"\b([a-z0-9][a-z0-9-]*)\s+persona\b(?!-)"),
)


def _strongest(hits: list[_Found]) -> list[_Found]:
    """One persona's hits, strongest first, less those that overlap a stronger one on their side or repeat its text."""
    hits.sort(key=_STRENGTH)  # stable: hits alike in all three stay in the order they were found
    covered: tuple[set[int], set[int]] = (set(), set())
    seen: tuple[set[str], set[str]] = (set(), set())
    kept: list[_Found] = []
    for hit in hits:
        _negative, start, text, kind, _matched, end = hit
        side = kind == "negative"
        taken = covered[side]
        if text in seen[side] or not taken.isdisjoint(range(start, end)):
            continue
        taken.update(range(start, end))
        seen[side].add(text)
        kept.append(hit)
    return kept


def first_places(task_stems: Sequence[str]) -> dict[str, int]:
    """Each stem of the task and its first place (built at C speed: later places are overwritten by earlier)."""
    return dict(zip(reversed(task_stems), range(len(task_stems) - 1, -1, -1), strict=True))


def _places(task_stems: Sequence[str], stem: str, first: int, last: int) -> Iterator[int]:
    """The places of a stem in the task, from its first place to its last."""
    at = first
    yield at
    while at < last:
        at = task_stems.index(stem, at + 1, last + 1)
        yield at


def _position_factor(at: int, lead: int) -> float:
    """What a match at a place of the task counts: the first word more, words past the first sentence less."""
    return (FIRST_WORD_FACTOR if at == 0 else 1.0) if at < lead else REST_FACTOR


def _placed(weight: float, at: int, lead: int, code: Sequence[bool] | None, kind: Kind) -> float:
    """A one-word trigger's weight at one place of the task (see `match_phrases`)."""
    weight *= _position_factor(at, lead)
    if kind == "activity" and code is not None and code[at]:
        weight *= CODE_FACTOR
    return weight


BODY_CHARS = 2000  # how much of a persona's body the prior reads
BODY_TERMS = 80  # the most distinctive words kept per persona
BODY_MAX_SHARE = 0.3  # a word in more than this share of the personas is not distinctive
BODY_MAX_DF = 8  # nor one in more than this many: the prior stays cheap in large catalogs
BODY_WEIGHT = 0.2
BODY_CAP = 0.4


def _body_prior(personas: Sequence[Persona]) -> dict[str, list[tuple[int, float]]]:
    """Distinctive stems of each persona's description and body, with small weights.

    Words are counted as written (a C-level count), and each distinct word is stemmed once.
    """
    counts: list[dict[str, int]] = []
    df: Counter[str] = Counter()
    for persona in personas:
        written = Counter(_BODY_WORD.findall((persona.spec.description + "\n" + persona.body[:BODY_CHARS]).lower()))
        tf: dict[str, int] = defaultdict(int)
        frequent = written.most_common(BODY_TERMS * 4) if len(written) > BODY_TERMS * 4 else written.items()
        for word, count in frequent:  # the frequent words: the only ones likely to be kept
            if word not in STOPWORDS:
                tf[stem(word)] += count
        counts.append(tf)
        df.update(tf.keys())
    n = len(personas)
    limit = max(1, min(n * BODY_MAX_SHARE, BODY_MAX_DF))
    norm = math.log(1 + n) if n > 1 else 1.0
    idf = {key: math.log(1 + n / d) / norm for key, d in df.items() if n == 1 or d <= limit}
    index: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, tf in enumerate(counts):
        scored = [(-idf[key] * (count / 3 if count < 3 else 1.0), key) for key, count in tf.items() if key in idf]
        for negative, key in heapq.nsmallest(BODY_TERMS, scored):
            index[key].append((i, -BODY_WEIGHT * negative))
    return dict(index)


_BODY_WORD = re.compile(r"[a-z]{3,}")


_LEAD_END = re.compile(r"[.!?](?=\s|$)|\n")
_INTERROGATIVE = re.compile(
    r"(how|why|what|what's|when|where|which|who|can|could|is|are|was|does|do|did|should|shall|will|would|may"
    r"|has|have|isn't|aren't|doesn't|don't|won't|can't)\b",
    re.IGNORECASE,
)
# A trace spans lines or names itself; a one-line request without these words is not searched.
_TRACE_HINTS = ("\n", "Traceback", "panic", "Exception", "Error", "Segmentation fault", "SIGSEGV")
# Lines that start a trace, and marks of one anywhere. A line start is found as the text's start or
# a "\n": a regex that starts with a literal skips through the text far faster than `^` in
# MULTILINE mode, which is tried at every position.
_TRACE_LINES = (r"\s*File \"[^\"]+\", line \d+", r"\s*at [\w$.<>/]+ ?\(?[^)\n]*:\d+", r"panic: ", r"goroutine \d+ \[",
                r"\s*\w+(?:Error|Exception): ", r"\s*#\d+\s+0x[0-9a-f]+")
_TRACE_MARKS = (r"Traceback \(most recent call last\)", r"thread '[^']*' panicked at", r"Exception in thread \"",
                r"Segmentation fault", r"SIGSEGV")
_TRACE_FIRST_LINE = re.compile("|".join(_TRACE_LINES))
_TRACE_LINE = re.compile(r"\n(?:" + "|".join(_TRACE_LINES) + ")")
_TRACE_MARK = re.compile("|".join(_TRACE_MARKS))


def has_trace(text: str) -> bool:
    """Whether the text carries a stack trace (Python, Java, JavaScript, Go, Rust, C) or a crash report."""
    if not any(hint in text for hint in _TRACE_HINTS):
        return False
    return bool(_TRACE_FIRST_LINE.match(text) or _TRACE_MARK.search(text)
                or ("\n" in text and _TRACE_LINE.search(text)))


_TEACH_ME = re.compile(r"(?:please\s+)?(?:explain|describe how|teach me|help me understand|walk me through)\b",
                       re.IGNORECASE)
_FAILURE = re.compile(r"\b(?:crash(?:es|ed|ing)?|segfaults?|panics?|hangs?|freezes?|deadlocks?|leaks?|fail(?:s|ed|ing)?"
                      r"|errors?|exceptions?|broken|regress(?:ed|ion)?)\b", re.IGNORECASE)
# "Do not copy comments", "Don't create a regex in the loop": an instruction, not a question, without a "?".
_PROHIBITION = re.compile(r"(?:do|does|did|should|must|will|can)(?:\s+not\b|n't)|won't|can't", re.IGNORECASE)
_TEAM_DECISION = re.compile(r"\b(?:should|shall|do|can|could|must|will|would) we\b", re.IGNORECASE)
_REPORT_PHRASES = ("steps to reproduce", "expected behavior", "expected behaviour", "actual behavior",
                   "actual behaviour", "to reproduce:")
_REPORT_MARKERS = ("reproduce", "behavio")  # every report phrase contains one: a cheap test that rules them out
PROSE_SHARE = 0.2
PROPOSAL_WORDS = 30  # a write-up at least this long, with no files and no question, reads as a proposal


def _lead_words(task: str, task_words: Sequence[str]) -> int:
    """How many of the task's words belong to its first sentence."""
    end = _LEAD_END.search(task.strip())
    if end is None or end.end() >= len(task.strip()) - 1:
        return len(task_words)
    return count_words(task.strip()[: end.end()])


def request_shapes(task: str, files: Sequence[str], task_words: Sequence[str], lowered: str | None = None
                   ) -> dict[str, float]:
    """The shapes the request has, each with a strength in (0, 1] (`lowered`: the task in lowercase, if known)."""
    word_count = len(task_words)
    shapes: dict[str, float] = {}
    text = task.strip()
    end = _LEAD_END.search(text)
    lead = text[: end.end()] if end else text
    if has_trace(text):
        shapes["bug-report"] = 1.0
    elif _has_report_phrase(task.lower() if lowered is None else lowered):
        shapes["bug-report"] = 0.7
    if lead.rstrip().endswith("?") or (_INTERROGATIVE.match(lead) and "?" in text):
        # "Which fixes should we backport?" plans the team's work; "How do I ...?" asks to learn;
        # "Why does the worker segfault?" reports a failure.
        shapes["question"] = 0.4 if _TEAM_DECISION.search(lead) else (1.0 if not files else 0.5)
        if _FAILURE.search(lead):
            shapes["question"] = 0.4
            shapes["bug-report"] = max(shapes.get("bug-report", 0.0), 0.7)
    elif (_INTERROGATIVE.match(lead) and not _PROHIBITION.match(lead) and word_count <= 25 and not files) \
            or _TEACH_ME.match(lead):
        shapes["question"] = 0.6
    if not files and not shapes and word_count >= PROPOSAL_WORDS and _is_prose(task_words):
        shapes["proposal"] = min(1.0, 0.5 + (word_count - PROPOSAL_WORDS) / 100)
    return shapes


def _has_report_phrase(lowered: str) -> bool:
    return any(marker in lowered for marker in _REPORT_MARKERS) and any(phrase in lowered for phrase in _REPORT_PHRASES)


def _is_prose(task_words: Sequence[str]) -> bool:
    """Sentences, not a list of terms: prose is about a third function words ("the", "of", "we")."""
    return sum(map(STOPWORDS.__contains__, task_words)) >= PROSE_SHARE * len(task_words)


def normalise_path(path: str) -> str:
    """Paths are data: forward slashes, no leading './' or '/', never opened."""
    if "\\" not in path and path[:1] not in "./" and path.strip() is path:
        return path  # the common case, already clean (strip gives the same object when there is nothing to strip)
    path = path.replace("\\", "/").strip()
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


def normalise_paths(files: Iterable[str]) -> list[str]:
    """`normalise_path` of each path, dropping those left empty (remembered: hosts send the same paths again)."""
    files = files if isinstance(files, list) else list(files)
    cache = _NORMALISED
    try:
        return list(filter(None, map(cache.__getitem__, files)))
    except KeyError:  # new paths, found with one set difference (C speed) and remembered
        if len(cache) + len(files) > NORMALISED_CACHE:
            cache.clear()
        for path in set(files).difference(cache):
            cache[path] = normalise_path(path)
        return list(filter(None, map(cache.__getitem__, files)))


_NORMALISED: dict[str, str] = {}
NORMALISED_CACHE = 8192


def select(
    index: SelectionIndex,
    task: str,
    files: Iterable[str] = (),
    *,
    top_k: int = 3,
    available_servers: Sequence[str] | None = None,
    detail: Detail = "full",
) -> Selection:
    """Rank the catalog's personas for a task and explain the choice, or abstain with a reason."""
    paths = normalise_paths(files)
    ranking = Ranking(index, task, paths, limit=max(top_k, 1) + 1)
    candidates = [ranking.candidate(position) for position in range(min(max(top_k, 1), len(ranking)))]
    best = candidates[0] if candidates else None
    if best is None or best.score < MIN_SCORE or best.confidence < MIN_CONFIDENCE:
        if best is None:
            reason = ("No persona fits: no trigger keyword, description clause or file pattern of any persona "
                      "matched the task" + (" or its files." if paths else "."))
        elif best.score < MIN_SCORE:
            reason = (f"No persona fits well enough: the best match, {best.name}, has evidence worth "
                      f"{best.score:.2f}, below the {MIN_SCORE} needed.")
        else:
            runner = f" and {ranking.name(1)}" if len(ranking) > 1 else ""
            reason = (f"No persona fits clearly enough: {best.name}{runner} match weakly or about equally "
                      f"(confidence {best.confidence:.2f}, below {MIN_CONFIDENCE}).")
        return Selection(persona=None, confidence=0.0, reason=reason, alternatives=candidates[:top_k])

    persona = index.persona(best.name)
    # Runners-up past the alternatives matter only as companions, which need a share of the best score.
    candidates += [ranking.candidate(position) for position in range(len(candidates), len(ranking))
                   if ranking.score(position) >= _companion_share(index, persona, ranking.name(position)) * best.score]
    companions = _companions(index, persona, candidates)
    merged, conflicts = merge_priorities(persona, companions)
    return Selection(
        persona=persona.name,
        title=persona.title,
        confidence=best.confidence,
        reason=_reason(best),
        evidence=best.evidence,
        alternatives=candidates[1 : 1 + max(top_k - 1, 0)],
        companions=companions,
        priority_hierarchy=list(persona.spec.priority_hierarchy),
        merged_priorities=merged,
        priority_conflicts=conflicts,
        mcp_servers=resolve_servers(persona, available_servers),
        guidance=persona.body if detail == "full" else persona.summary,
        prompt=persona.short_name,
        resource_uri=f"persona://{persona.short_name}",
    )



def rank(index: SelectionIndex, task: str, files: Sequence[str], limit: int | None = None) -> list[Candidate]:
    """Personas with positive evidence, best first (ties broken by name, so the order is stable).

    Only the first `limit` candidates are built out with their evidence (see `Ranking`).
    """
    ranking = Ranking(index, task, files, limit)
    return [ranking.candidate(position) for position in range(len(ranking) if limit is None else
                                                              min(limit, len(ranking)))]


class Ranking:
    """The personas with positive evidence for a task, best first, each built out as a `Candidate` on demand.

    Words are read from the first `READ_CHARS` characters: what a task is about is said at its
    start, and a long paste (a log, a whole issue thread) would otherwise cost time in proportion
    to its length. Request shapes (a stack trace further down) are still looked for in the whole
    text. At most `limit` personas (and no fewer than two) are ranked in order.
    """

    def __init__(self, index: SelectionIndex, task: str, files: Sequence[str], limit: int | None = None) -> None:
        self.index = index
        self.evidence, self.files, self.scored = _weigh(index, task, files, limit)
        self._built: dict[int, Candidate] = {}

    def __len__(self) -> int:
        return len(self.scored)

    def score(self, position: int) -> float:
        """The score at a position as its candidate reports it (rounded)."""
        return round(self.scored[position][0], 4)

    def name(self, position: int) -> str:
        return self.scored[position][1]

    def candidate(self, position: int) -> Candidate:
        """The candidate at a position, with its strongest evidence (built once)."""
        found = self._built.get(position)
        if found is None:
            found = self._built[position] = self._build(position)
        return found

    def _build(self, position: int) -> Candidate:
        index, scored = self.index, self.scored
        score, _name, i = scored[position]
        other = (scored[1][0] if len(scored) > 1 else 0.0) if position == 0 else scored[0][0]
        weight = index.weights[i]
        items = self.evidence[i] + self.files.items(index, i) if self.files else list(self.evidence[i])
        items.sort(key=_strongest_first)
        del items[MAX_EVIDENCE if position == 0 else MAX_EVIDENCE_OTHERS:]  # the strongest signals explain it
        evidence = [Evidence(kind, trigger, matched, round(value * weight, 4))  # type: ignore[arg-type]
                    for kind, trigger, matched, value in items]  # the kinds are EvidenceKind values
        return Candidate(index.names[i], index.short_names[i], index.titles[i], round(score, 4),
                         confidence(score, other), evidence)


def _weigh(index: SelectionIndex, task: str, files: Sequence[str], limit: int | None
           ) -> tuple[defaultdict[int, list[_Item]], FileEvidence | None, list[tuple[float, str, int]]]:
    """The evidence per persona, the file evidence, and the best `limit` as (score, name, position)."""
    head = task.strip()
    if len(head) > READ_CHARS:
        head = head[:READ_CHARS].rsplit(None, 1)[0]  # the text is stripped, so a word remains
    task_words, code, task_stems = analyse(head)
    lead = _lead_words(head, task_words)
    firsts = first_places(task_stems)
    evidence: defaultdict[int, list[_Item]] = defaultdict(
        list, index.match_phrases(task_stems, task_words, lead, code, firsts))
    for owner, (weight, matched) in index.prior(firsts.keys()).items():  # each stem shown as its first word
        evidence[owner].append(("body", "description and body", [task_words[firsts[m]] for m in matched[:10]], weight))
    found_files = file_evidence(index, files, evidence) if files else None
    lowered = task.lower()  # for the report phrases and a persona asked for by name
    for shape, strength in request_shapes(task, files, task_words, lowered).items():
        for owner in index.shape_personas(shape):
            evidence[owner].append(("shape", shape, [_SHAPE_TEXT[shape]], SHAPE_WEIGHT[shape] * strength))
    explicit = index.explicit_request(task, lowered)
    if explicit is not None:
        evidence[explicit].append(("explicit", index.personas[explicit].name,
                                   [index.personas[explicit].short_name], EXPLICIT_WEIGHT))

    # Score every persona with evidence. Many personas may share a popular glob (`**/*.py`) and have
    # nothing else: their score is their file score, with no per-persona work beyond a lookup.
    # Personas are in name order, so ranking by (-score, position) breaks ties by name.
    file_scores = found_files.scores if found_files else {}
    weights = index.weights
    ranked = [(-(_score(items) + file_scores.get(i, 0.0)) * weights[i], i) for i, items in evidence.items()]
    ranked += [(-value * weights[i], i) for i, value in file_scores.items() if i not in evidence]
    ranked = [item for item in ranked if item[0] < 0]
    wanted = len(ranked) if limit is None else max(limit, 2)
    top = heapq.nsmallest(wanted, ranked) if wanted < len(ranked) // 4 else sorted(ranked)[:wanted]
    scored = [(-negative, index.names[i], i) for negative, i in top]
    return evidence, found_files, scored


def _strongest_first(item: _Item) -> tuple[float, str, str]:
    return -abs(item[3]), item[0], item[1]


_SHAPE_TEXT = {
    "question": "the task is a question",
    "proposal": "the task is a design write-up with no files",
    "bug-report": "the task carries a stack trace or a bug report",
}


_NOTHING: frozenset[str] = frozenset()


@dataclass
class FileEvidence:
    """Which globs matched which files, and each persona's file score."""

    scores: dict[int, float]
    files: dict[str, list[str]]  # glob -> the files it matched
    excluded: dict[int, set[str]]  # persona -> files it takes back with a `!glob`

    def items(self, index: SelectionIndex, persona: int) -> list[_Item]:
        """The persona's file evidence: each file under its most specific glob, the score split by files."""
        skip = self.excluded.get(persona, _NOTHING)
        includers = index.globs.includers
        mine = [g for g in self.files if persona in includers[g]]
        score = self.scores.get(persona, 0.0)
        if len(mine) == 1:  # the common case: every file under its one glob (each once, in order)
            paths = list(dict.fromkeys(p for p in self.files[mine[0]] if p not in skip))
            return [("file", mine[0], paths[:10], score * len(paths) / (len(paths) or 1))] if paths else []
        # Most specific first, ties by name: two stable sorts cost less than a key built per glob.
        mine.sort()
        mine.sort(key=index.globs.specificity, reverse=True)
        best: dict[str, str] = {}
        for glob in mine:
            for path in self.files[glob]:
                if path not in best and path not in skip:  # `skip` is nearly always empty: asked second
                    best[path] = glob
        grouped: dict[str, list[str]] = {}  # a plain dict: a defaultdict's call for each new glob costs more
        for path, glob in best.items():
            if glob in grouped:
                grouped[glob].append(path)
            else:
                grouped[glob] = [path]
        total = len(best) or 1
        return [("file", glob, paths[:10], score * len(paths) / total)
                for glob, paths in sorted(grouped.items(), key=_most_files)]


def _most_files(group: tuple[str, list[str]]) -> tuple[int, str]:
    return -len(group[1]), group[0]


def file_evidence(index: SelectionIndex, files: Sequence[str], also: Iterable[int] = ()) -> FileEvidence:
    """Each persona's share of the change.

    A file goes most to the personas with the most specific claim on it. A persona's claim is
    its most specific matching glob (`**/tests/**` says more than `**/*.py`), plus half of any
    other of its globs that agree. A claim weaker than the strongest one gets (its strength /
    the strongest)^2 of the file. The work is done per glob, not per persona, so a glob that a
    thousand personas share costs one match and one pass over its owners. Agreeing globs are
    found through the rarer glob of each pair; two globs that each have more than
    `AGREEMENT_SCAN` owners are not checked for agreement.

    A glob that more than `POPULAR_OWNERS` personas share (`**/*.py` in a big catalog) is a weak
    signal: it adds to the personas in `also` (those with evidence in the task text) and to those
    with other file evidence, and of the rest only the first few by name are ranked on it, so a
    request does not touch every persona of a large catalog.
    """
    globs = index.globs
    includers = globs.includers
    # Plain dicts, not defaultdicts: this loop runs for every file of every request, and a
    # defaultdict's missing-key call costs more than the test.
    weight: dict[str, float] = {}
    matched_files: dict[str, list[str]] = {}
    adjust: dict[int, float] = defaultdict(float)  # exact per-file credit of personas with agreeing globs
    known = index._claims.get  # file_claims, without a call for the paths it remembers
    for path in files:
        shares, corrections = known(path) or index.file_claims(path)  # a claim is a pair: never false
        for glob, share in shares:
            if glob in weight:
                weight[glob] += share
                matched_files[glob].append(path)
            else:
                weight[glob] = share  # shares are never -0.0, so this is 0.0 + share
                matched_files[glob] = [path]
        if corrections:
            for persona, correction in corrections:
                adjust[persona] += correction
    credit: dict[int, float] = defaultdict(float, adjust)
    excluded: dict[int, set[str]] = defaultdict(set)
    popular: dict[str, float] = {}
    excluders = globs.excluders
    for glob, value in weight.items():
        owners = includers[glob]
        if len(owners) > POPULAR_OWNERS:
            popular[glob] = value
            continue
        for persona in owners:
            credit[persona] += value
        if glob in excluders:  # rare: most globs take nothing back, and a test costs less than an empty loop
            for persona in excluders[glob]:
                excluded[persona].update(matched_files[glob])
    if popular:
        reach = set(credit) | set(also)
        for glob in popular:
            reach.update(globs.first_owners(glob, POPULAR_SAMPLE))
        for glob, value in popular.items():
            for persona in includers[glob] & reach:  # a set intersection: C speed, however many owners
                credit[persona] += value
    for persona in excluded:  # rare: a persona that takes files back with `!glob` is counted file by file
        mine = [g for g in matched_files if persona in includers[g]]
        kept = {f for g in mine for f in matched_files[g]} - excluded[persona]
        credit[persona] = sum(_share(index, persona, path) for path in kept)
    n = len(files)
    if COVERAGE_POWER == 1.0:
        per_file = FILE_WEIGHT / n
        scores = {p: (c * per_file if c < n else FILE_WEIGHT) for p, c in credit.items() if c > 1e-9}
    else:
        scores = {p: FILE_WEIGHT * min(1.0, c / n) ** COVERAGE_POWER for p, c in credit.items() if c > 1e-9}
    return FileEvidence(scores, matched_files, dict(excluded))


def _file_claims(globs: GlobIndex, matched: tuple[str, ...]) -> _Claims:
    """How a file that the globs `matched` match (in sorted order) is shared out; see `file_claims`."""
    if not matched:
        return (), ()
    includers = globs.includers
    spec = {g: globs.specificity(g) for g in matched}
    strength: dict[int, float] = {}
    if len(matched) > 1:
        multi: set[int] = set()
        for a, b in combinations(matched, 2):
            small, large = sorted((includers[a], includers[b]), key=len)
            if len(small) <= AGREEMENT_SCAN:
                multi.update(p for p in small if p in large)
        for persona in multi:
            strength[persona] = _claim([spec[g] for g in matched if persona in includers[g]])
    top = max([*spec.values(), *strength.values()])
    # A file that only an extension glob claims (`**/*.rs`) tells the language, not what the change is
    # about: its shares count in proportion to the most specific glob that matched it.
    scale = min(1.0, max(spec.values()) / FULL_SPECIFICITY)
    shares = tuple((glob, scale * (spec[glob] / top) ** 2) for glob in matched)
    corrections = tuple(
        (persona, scale * ((value / top) ** 2 - sum((spec[g] / top) ** 2 for g in matched if persona in includers[g])))
        for persona, value in sorted(strength.items()))
    return shares, corrections


def _claim(specs: Sequence[float]) -> float:
    ordered = sorted(specs, reverse=True)
    return ordered[0] + 0.5 * sum(ordered[1:])


def _share(index: SelectionIndex, persona: int, path: str) -> float:
    """One persona's credit for one file, computed directly (used where `!glob` exclusions apply)."""
    claims: dict[int, list[float]] = defaultdict(list)
    for hit in index.globs.match(path):
        claims[hit.persona].append(hit.specificity)
    if persona not in claims:
        return 0.0
    top = max(_claim(found) for found in claims.values())
    scale = min(1.0, max(max(found) for found in claims.values()) / FULL_SPECIFICITY)
    return scale * (_claim(claims[persona]) / top) ** 2


def _score(items: Sequence[_Item]) -> float:
    """Sum of the evidence, with diminishing returns for further words of the same persona."""
    if len(items) == 1:
        return max(items[0][3], 0.0)
    text: list[float] = []
    other = 0.0  # files, shapes, the prior, a request by name, and what argues against: added as they are
    for kind, _trigger, _matched, weight in items:  # one plain loop: cheaper than two generators
        if kind in _TEXT_KINDS:
            text.append(weight)
        else:
            other += weight
    text.sort(reverse=True)
    total = sum(map(mul, text, _DECAYS)) if len(text) <= len(_DECAYS) else sum(w * DECAY**n for n, w in enumerate(text))
    return max(total + other, 0.0)


_TEXT_KINDS = frozenset({"keyword", "activity", "description"})
_DECAYS = [DECAY**n for n in range(64)]  # the factor for each further text signal, worked out once


def confidence(score: float, other: float) -> float:
    """The probability that this persona is an acceptable answer, from its score and its lead.

    A logistic curve over the strength of the evidence (log of the score) and the lead over the
    other best candidate (negative for a runner-up). Its three coefficients were fitted on the
    labelled dev bench; `persona-mcp eval` prints how well the confidence matches accuracy.
    """
    if score <= 0:
        return 0.0
    lead = (score - other) / max(score, other)
    z = CALIBRATION[0] + CALIBRATION[1] * math.log1p(score) + CALIBRATION[2] * lead
    return round(1 / (1 + math.exp(-z)), 4)


def _reason(best: Candidate) -> str:
    return f"Selected {best.name} (confidence {best.confidence:.2f}): " + _reason_parts(best)


def _reason_parts(best: Candidate) -> str:
    """Why a candidate fits, from its strongest evidence: a selection's reason, or a companion's as it is."""
    parts: list[str] = []
    for e in best.evidence[:5]:
        if e.kind == "file":
            parts.append(f"{len(e.matched)} file(s) match {e.trigger!r}")
        elif e.kind == "negative":
            parts.append(f"'{e.matched[0]}' argues against it")
        elif e.kind == "explicit":
            parts.append("the task asks for it by name")
        elif e.kind == "body":
            parts.append(f"its description and body mention {', '.join(repr(m) for m in e.matched[:3])}")
        elif e.kind == "shape":
            parts.append(e.matched[0])
        else:
            parts.append(f"'{e.matched[0]}' matches {e.kind} trigger {e.trigger!r}")
    return "; ".join(parts) + "."


def _companion_share(index: SelectionIndex, persona: Persona, other: str) -> float:
    """The share of the winner's score a runner-up needs to be its companion: less when either lists the other."""
    linked = (index.persona(other).short_name in index.declared_companions(persona.name)
              or persona.short_name in index.declared_companions(other))
    return COMPANION_SHARE if linked else UNLINKED_SHARE


def _companions(index: SelectionIndex, persona: Persona, candidates: Sequence[Candidate]) -> list[Companion]:
    """Runners-up that clearly apply as well.

    A persona linked to the winner (either one lists the other under `companions`) needs
    `COMPANION_SHARE` of the winner's score; any other needs `UNLINKED_SHARE`. Both need evidence
    of their own from the task text or files, not only from the weak prior.
    """
    top = candidates[0].score
    chosen: list[Companion] = []
    for candidate in candidates[1:]:
        if len(chosen) == MAX_COMPANIONS:
            break
        if candidate.score < _companion_share(index, persona, candidate.name) * top:
            continue  # most runners-up stop here: their own evidence need not be added up
        direct = sum(e.weight for e in candidate.evidence if e.kind not in ("body", "negative"))
        if direct >= COMPANION_MIN:
            other = index.persona(candidate.name)
            chosen.append(Companion(
                name=other.name, title=other.title, confidence=candidate.confidence,
                reason=_reason_parts(candidate), priority_hierarchy=list(other.spec.priority_hierarchy),
                prompt=other.short_name, resource_uri=f"persona://{other.short_name}",
            ))
    return chosen


def merge_priorities(lead: Persona, companions: Sequence[Companion]) -> tuple[list[str], list[str]]:
    """The lead persona's priority order with the companions' own priorities merged in, and the conflicts.

    The lead's order stands. A companion's priority that the lead does not name goes right after
    the companion's previous priority. A pair that a companion orders the other way round is a
    conflict, reported so the model can weigh it.
    """
    if not companions:
        return list(lead.spec.priority_hierarchy), []
    # The answer depends only on the names and priorities, and the same few pairs come up again
    # and again: remember it (the lists are copied out, since callers may keep and change them).
    key = (lead.name, tuple(lead.spec.priority_hierarchy),
           tuple((c.name, tuple(c.priority_hierarchy)) for c in companions))
    found = _MERGED.get(key)
    if found is None:
        if len(_MERGED) >= MERGED_CACHE:
            _MERGED.clear()
        found = _MERGED[key] = _merge_priorities(lead, companions)
    return list(found[0]), list(found[1])


_MERGED: dict[tuple[str, tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]], tuple[list[str], list[str]]] = {}
MERGED_CACHE = 1024


def _merge_priorities(lead: Persona, companions: Sequence[Companion]) -> tuple[list[str], list[str]]:
    merged = list(lead.spec.priority_hierarchy)
    conflicts: list[str] = []
    rank = {item.lower(): i for i, item in enumerate(merged)}
    for companion in companions:
        previous: str | None = None
        for item in companion.priority_hierarchy:
            if item.lower() not in {m.lower() for m in merged}:
                at = merged.index(previous) + 1 if previous in merged else len(merged)
                merged.insert(at, item)
            previous = next(m for m in merged if m.lower() == item.lower())
        order = [item for item in companion.priority_hierarchy if item.lower() in rank]
        for i, first in enumerate(order):
            for second in order[i + 1:]:
                if rank[first.lower()] > rank[second.lower()]:
                    conflicts.append(f"{companion.name} puts {first} before {second}; {lead.name} "
                                     f"(selected) puts {second} first")
    return merged, conflicts[:MAX_CONFLICTS]
