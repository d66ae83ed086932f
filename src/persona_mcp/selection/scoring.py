"""Scoring: every signal of every persona with evidence, added up and ranked.

A persona's score is

    (text + lexicon + prior + files + shape + explicit) * weight

where `text` is its matched terms with diminishing returns (`phrases.text_score`), `lexicon` the lexicon
entries the task and the persona are both about (`domains.Domains.evidence`), `prior` the
weak evidence of its body prose (at most `BODY_CAP`), `files` its share of the change
(`files.file_evidence`), `shape` what the request's shape adds to a persona that answers it (in
proportion to its evidence of other kinds: a shape alone only lists it among the alternatives), `explicit` a request
for it by name, and `weight` its declared `weight`. Two signals take a share of what a persona has: one named for
where work is done keeps `AREA_FACTOR` of it when the task names the work (`_area`), and one about a language the
change is not in keeps `LANGUAGE_MISMATCH_FACTOR` (`_language`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from operator import itemgetter

from persona_mcp.selection import tunables as t
from persona_mcp.selection.domains import FileReading, Found, asks_for_work, names_work
from persona_mcp.selection.files import FileEvidence, Glob, file_evidence
from persona_mcp.selection.index import SelectionIndex
from persona_mcp.selection.phrases import Hit, find_hits, text_score
from persona_mcp.selection.request import Request
from persona_mcp.selection.shapes import SHAPE_TEXT

_MENTION = re.compile(r"@([a-z0-9][a-z0-9._-]*)")
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
_NAME_CHARS = 80  # longer than any persona name
_ROLE_WORD = re.compile(r"persona-|\b(?:persona|agent|subagent)\b")  # what a name asked for is written with


@dataclass(slots=True)  # not frozen: a request makes up to a hundred or so, and a frozen dataclass is slow to build
class Item:
    """One piece of a persona's evidence, as the answer reports it."""

    kind: str  # keyword, activity, name, description, section, lexicon, body, file, shape, explicit, negative
    trigger: str
    matched: list[str]
    weight: float  # its contribution (negative for what argues against)
    source: str = ""


Explain = Callable[[int], list[Item]]  # a signal's evidence items for one persona, built only when it is reported


@dataclass(slots=True)
class Ranking:
    """The personas with positive evidence, best first (ties broken by name), and what explains their scores.

    Only the personas a caller reports are looked at again: their items (`items`) and the score each one's
    confidence is read against (`other`).
    """

    ranked: list[tuple[int, float]]  # (persona, score), best first
    explain: list[Explain]  # each signal's explanation of a persona's items, in the order the signals ran

    def __len__(self) -> int:
        return len(self.ranked)

    def other(self, position: int) -> float:
        """The score the ranked persona at `position` is read against: the runner-up's for the best, the best's
        for any other."""
        if position > 0:
            return self.ranked[0][1]
        return self.ranked[1][1] if len(self.ranked) > 1 else 0.0

    def items(self, persona: int) -> list[Item]:
        """A persona's evidence items, in the order the signals added them."""
        return [item for explain in self.explain for item in explain(persona)]


def rank(index: SelectionIndex, request: Request) -> Ranking:
    """Personas with positive evidence, best first (ties broken by name)."""
    evidence = Evidence()
    matched = [index.globs.matching(file) for file in request.files]  # the personas' globs and the lexicon's
    files = index.domains.read_files(matched)  # what the lexicon's globs say of each file
    other_senses = index.domains.other_senses(request)
    _text(evidence, index, request, other_senses)
    about = _domains(evidence, index, request, files, other_senses)
    _prior(evidence, index, request)
    _files(evidence, request, matched, files.shares, files.kinds)
    _area(evidence, index, request, about)
    _shapes(evidence, index, request, about)  # after the others: a shape modifies the evidence a persona has
    explicit = _explicit(evidence, index, request)
    _language(evidence, index, request, files, about, explicit)  # last: it takes a share of what a persona has
    scores = {p: round(total * index.weights[p], 4) for p, total in evidence.totals.items() if total > 0}
    order = sorted((-score, p) for p, score in scores.items() if score > 0)  # personas are numbered in name order
    return Ranking([(p, scores[p]) for _, p in order], evidence.explain)


def strongest(index: SelectionIndex, ranking: Ranking, persona: int, limit: int) -> list[Item]:
    """A ranked persona's `limit` strongest pieces of evidence, with its declared `weight` applied (built on demand)."""
    weight = index.weights[persona]
    ordered = sorted(ranking.items(persona), key=lambda item: (-abs(item.weight), item.kind, item.trigger))
    items = [Item(i.kind, i.trigger, i.matched, i.weight * weight, i.source) for i in ordered[:limit]]  # `weight` > 0
    return items[:1] + [item for item in items[1:] if abs(item.weight) >= t.MIN_SHOWN_WEIGHT]


class Evidence:
    """Each persona's running total, and each signal's explanation: items are built only for the personas reported."""

    def __init__(self) -> None:
        self.totals: dict[int, float] = {}
        self.explain: list[Explain] = []
        # What each persona has from a trigger made only of question words ("why is", "how do I"): the shape again.
        self.asked: dict[int, float] = {}

    def add(self, values: dict[int, float], explain: Explain) -> None:
        """A signal's value for each persona it has evidence of, and how it explains a persona's items."""
        totals = self.totals
        for persona, value in values.items():
            totals[persona] = totals.get(persona, 0.0) + value
        self.explain.append(explain)


def _text(evidence: Evidence, index: SelectionIndex, request: Request,
          other_senses: frozenset[tuple[int, int]]) -> None:
    """The persona's own terms in the task, with diminishing returns (`phrases.text_score`)."""
    found = find_hits(index, request, other_senses)
    if "question" in request.shapes:  # only a question's shape reads them (`_shapes`)
        for persona, hits in found.items():
            asked = sum(hit.weight for hit in hits if hit.term.shape_only)
            if asked:
                evidence.asked[persona] = asked
    evidence.add({persona: text_score(hits) for persona, hits in found.items()}, partial(_hit_items, found))


def _domains(evidence: Evidence, index: SelectionIndex, request: Request, files: FileReading,
             other_senses: frozenset[tuple[int, int]]) -> dict[str, Found]:
    """The lexicon entries the task and the persona are both about, strongest first, with diminishing returns;
    returns the entries the task is about."""
    about = index.domains.read(request, files, other_senses)
    shared = about
    lesson = t.SHAPE_DOMAINS["question"]
    if lesson in about and not index.domains.teaches and request.teaching:  # `teaching` is read only if need be
        # no persona's work is teaching: the lesson's subject decides, not the personas that mention mentoring
        shared = {name: found for name, found in about.items() if name != lesson}
    found = index.domains.evidence(shared, request.paths)
    values: dict[int, float] = {}
    for persona, entries in found.items():
        entries.sort(key=itemgetter(2), reverse=True)  # stable: equal values keep their order
        values[persona] = sum(_decayed(entries))
    evidence.add(values, partial(_domain_items, found))
    return about


def _area(evidence: Evidence, index: SelectionIndex, request: Request, about: dict[str, Found]) -> None:
    """A persona named for where work is done (`Domains.area`) says less of a task that names the work itself: it
    keeps `AREA_FACTOR` of its evidence so far, where some persona is named for that work (`Domains.named_work`):
    in a catalog without a debugger, a crash in server code is the backend developer's."""
    area = index.domains.area
    if not area or not names_work(request, about):
        return
    work = [name for name in t.WORK_DOMAINS if name in about and name in index.domains.named_work]
    if not work:
        return
    values = {persona: -total * (1 - t.AREA_FACTOR) for persona, total in evidence.totals.items()
              if persona in area and total > 0}
    evidence.add(values, partial(_items, "negative", "the task names its work", {p: work for p in values}, values,
                                 "name"))


def _language(evidence: Evidence, index: SelectionIndex, request: Request, files: FileReading,
              about: dict[str, Found], explicit: int | None) -> None:
    """A persona about one programming language (its name says "ruby") says less of a change whose code is
    in others, and that the task does not name: it keeps `LANGUAGE_MISMATCH_FACTOR` of its evidence. A
    generalist (`typescript-pro`) keeps `GENERALIST_FACTOR` of it where the task's words name its language,
    `GENERALIST_UNNAMED_FACTOR` where they do not, unless the task asks for it by name."""
    values: dict[int, float] = {}
    reasons: dict[int, list[str]] = {}
    paths = set(request.paths)
    for persona, languages in index.domains.languages.items():
        total = evidence.totals.get(persona, 0.0)
        if total <= 0:
            continue
        kept = 1.0
        if files.languages and languages.isdisjoint(about):
            kept, reasons[persona] = t.LANGUAGE_MISMATCH_FACTOR, [f"code in {', '.join(sorted(files.languages))}"]
        if persona in index.generalists and persona != explicit:
            named = any(word not in paths for name in languages if name in about for word in about[name].matched)
            kept *= t.GENERALIST_FACTOR if named else t.GENERALIST_UNNAMED_FACTOR
            reasons.setdefault(persona, []).append("a name that says only the language")
        if kept < 1.0:
            values[persona] = -total * (1 - kept)
    evidence.add(values, partial(_language_items, index.domains.languages, reasons, values))


def _language_items(languages: dict[int, frozenset[str]], reasons: dict[int, list[str]], values: dict[int, float],
                    persona: int) -> list[Item]:
    if persona not in values:
        return []
    return [Item("negative", f"a {'/'.join(sorted(languages[persona]))} persona", reasons[persona],
                 values[persona], "name")]


def _decayed(entries: list[tuple[str, tuple[str, ...], float, str]]) -> list[float]:
    """What each of a persona's entries adds, strongest first: each `DECAY` times less than the one before."""
    return [value * t.DECAY**position for position, (_entry, _matched, value, _where) in enumerate(entries)]


def _prior(evidence: Evidence, index: SelectionIndex, request: Request) -> None:
    """The weak prior from persona prose: distinctive words of a persona's description and body."""
    own = request.text_words  # the text's words: a path's are not prose
    first_word = dict(zip(reversed(request.stems[:own]), reversed(request.words[:own]), strict=True))
    keys = sorted(first_word.keys() & index.prior.keys())
    totals: dict[int, float] = {}
    for key in keys:
        for persona, weight in index.prior[key].items():
            totals[persona] = totals.get(persona, 0.0) + weight
    values = {persona: min(total, t.BODY_CAP) for persona, total in totals.items()}
    evidence.add(values, partial(_prior_items, index.prior, [(key, first_word[key]) for key in keys], values))


def _prior_items(prior: dict[str, dict[int, float]], said: list[tuple[str, str]], values: dict[int, float],
                 persona: int) -> list[Item]:
    """The prior's item: the task's words (`said`: stem and word) that are distinctive of the persona's prose."""
    if persona not in values:
        return []
    matched = [word for key, word in said if persona in prior[key]]
    return [Item("body", "description and body", matched[:10], values[persona], "body prose")]


def _files(evidence: Evidence, request: Request, matched: list[list[Glob]], shares: list[float],
           kinds: list[frozenset[int] | None]) -> None:
    """The persona's own globs (declared, or a rule's `globs`/`applyTo`) on the task's files; a test beside
    the code it tests counts less, and a folder says less of a test or a doc (`Domains.read_files`)."""
    if not request.paths:
        return
    found = file_evidence(request.files, matched, shares, kinds)
    evidence.add(found.scores, partial(_file_items, found))


def _shapes(evidence: Evidence, index: SelectionIndex, request: Request, about: dict[str, Found]) -> None:
    """What the request's shape adds to the personas that declare it: in proportion to their other evidence, and
    at least `SHAPE_FLOOR` of it, which lists them among the alternatives but never selects them. A practical
    question, or a how-to that names the work or the technology it is done in, counts `PRACTICAL_SHAPE_FACTOR`. In
    either, the question words a persona matched ("why is", "how to") are that shape again, not other evidence: "Why
    is my injected field null?" is for debugging, "How to add new line in Markdown?" for docs, not for the teacher."""
    for shape, strength in request.shapes.items():
        value = t.SHAPE_WEIGHT[shape] * strength
        practical = False
        if shape == "question" and not request.teaching:
            practical = request.practical or (request.how_to_do and (
                asks_for_work(about, t.HOW_TO_WORK_STRENGTH) or index.domains.done_in_a_technology(request, about)))
            if practical:
                value *= t.PRACTICAL_SHAPE_FACTOR
            else:
                value *= t.HOW_TO_FACTOR if request.how_to else t.NEUTRAL_QUESTION_FACTOR
        values: dict[int, float] = {}
        for persona in index.shape_personas.get(shape, ()):
            other = evidence.totals.get(persona, 0.0)
            if practical:
                other -= evidence.asked.get(persona, 0.0)
            support = min(1.0, other / t.SHAPE_SUPPORT)
            values[persona] = value * max(support, t.SHAPE_FLOOR)  # alone, never enough to be selected
        evidence.add(values, partial(_items, "shape", shape, {p: [SHAPE_TEXT[shape]] for p in values}, values,
                                     "request-shapes"))


def _explicit(evidence: Evidence, index: SelectionIndex, request: Request) -> int | None:
    """The persona the task asks for by name, if any: it gains `EXPLICIT_WEIGHT` over the best other persona's
    evidence so far (each with its weight, `SelectionIndex.weights`), so that it is the one selected whatever else
    the task says."""
    explicit = explicit_request(index, request.lowered)
    if explicit is not None:
        totals, weights = evidence.totals, index.weights
        best_other = max((total * weights[p] for p, total in totals.items() if p != explicit), default=0.0)
        own = totals.get(explicit, 0.0)
        values = {explicit: (t.EXPLICIT_WEIGHT + max(0.0, best_other - own * weights[explicit])) / weights[explicit]}
        named = {explicit: [index.short_names[explicit]]}
        evidence.add(values, partial(_items, "explicit", index.names[explicit], named, values, "name"))
    return explicit


def _hit_items(found: dict[int, list[Hit]], persona: int) -> list[Item]:
    return [Item(hit.term.kind, hit.term.text, [hit.matched],
                 -hit.weight if hit.term.kind == "negative" else hit.weight, hit.term.source)
            for hit in found.get(persona, ())]


def _domain_items(found: dict[int, list[tuple[str, tuple[str, ...], float, str]]], persona: int) -> list[Item]:
    entries = found.get(persona, [])
    return [Item("lexicon", entry, list(matched), value, where)
            for (entry, matched, _strength, where), value in zip(entries, _decayed(entries), strict=True)]


def _file_items(found: FileEvidence, persona: int) -> list[Item]:
    if persona not in found.scores:
        return []
    return [Item("file", glob, paths[:10], value, "trigger-files") for glob, paths, value in found.items(persona)]


def _items(kind: str, trigger: str, matched: dict[int, list[str]], values: dict[int, float], source: str,
           persona: int) -> list[Item]:
    """One item of a signal that says one thing of each persona (the prior, a shape, a request by name)."""
    if persona not in values:
        return []
    return [Item(kind, trigger, matched[persona][:10], values[persona], source)]


def explicit_request(index: SelectionIndex, lowered: str) -> int | None:
    """A persona the task asks for by name: `@security`, `persona-security`, "as the security persona", "use the
    code-reviewer agent" (or subagent, as Claude Code's are asked for).

    Each mention reads at most `_NAME_CHARS` characters around it, so the work stays linear in the text.
    """
    for match in _MENTION.finditer(lowered):
        at = match.start()
        name = match.group(1)[:_NAME_CHARS].rstrip(".")
        if (at == 0 or lowered[at - 1] in " \t\n(") and name in index.position:
            return index.position[name]
    if "persona" not in lowered and "agent" not in lowered:
        return None  # most tasks ask for none by a role word: the search is skipped
    for match in _ROLE_WORD.finditer(lowered):
        at = match.start()
        if lowered.startswith("persona-", at):  # persona-security
            name = _NAME.match(lowered, at, at + _NAME_CHARS)
            found = name.group(0).rstrip(".") if name else ""
        else:  # the security persona, the code-reviewer agent
            before = lowered[max(0, at - _NAME_CHARS):at]
            found = before.rstrip(" \t").rsplit(None, 1)[-1] if before.strip() and before[-1:] in " \t" else ""
            found = found.lstrip("(\"'`").rstrip(".")
        if found in index.position:
            return index.position[found]
    return None
