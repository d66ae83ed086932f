"""Scoring: every signal of every persona with evidence, added up and ranked; and the confidence of a score.

A persona's score is

    (text + prior + files + shape + explicit) * weight

where `text` is its matched terms with diminishing returns (`phrases.text_score`), `prior` the
weak evidence of its body prose (at most `BODY_CAP`), `files` its share of the change
(`files.file_evidence`), `shape` what the request's shape adds to a persona that answers it (only
when the persona has evidence of another kind: a shape alone decides nothing), `explicit` a request
for it by name, and `weight` its declared `weight`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from persona_mcp.selection import tunables as t
from persona_mcp.selection.calibration import confidence
from persona_mcp.selection.files import file_evidence
from persona_mcp.selection.index import SelectionIndex
from persona_mcp.selection.phrases import Hit, find_hits, text_score
from persona_mcp.selection.request import SHAPE_TEXT, Request

_MENTION = re.compile(r"@([a-z0-9][a-z0-9._-]*)")
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
_NAME_CHARS = 80  # longer than any persona name


@dataclass(frozen=True, slots=True)
class Item:
    """One piece of a persona's evidence, as the answer reports it."""

    kind: str  # keyword, activity, name, description, section, lexicon, body, file, shape, explicit, negative
    trigger: str
    matched: list[str]
    weight: float  # its contribution (negative for what argues against)
    source: str = ""


@dataclass
class Scored:
    """A persona with evidence, its score and that evidence, strongest first."""

    persona: int
    score: float
    items: list[Item] = field(default_factory=list)
    confidence: float = 0.0


def rank(index: SelectionIndex, request: Request) -> list[Scored]:
    """Personas with positive evidence, best first (ties broken by name), with calibrated confidence."""
    evidence = Evidence()
    _text(evidence, index, request)
    _domains(evidence, index, request)
    _prior(evidence, index, request)
    _files(evidence, index, request)
    _shapes(evidence, index, request)  # after the others: a shape modifies the evidence a persona has
    _explicit(evidence, index, request)
    scored = [Scored(p, round(max(total, 0.0) * index.weights[p], 4), evidence.items[p])
              for p, total in evidence.totals.items()]
    scored = [s for s in scored if s.score > 0]
    scored.sort(key=lambda s: (-s.score, index.names[s.persona]))
    for position, entry in enumerate(scored):
        other = scored[1].score if position == 0 and len(scored) > 1 else (scored[0].score if position else 0.0)
        entry.confidence = confidence(entry.score, other, len(index.personas))
    return scored


def strongest(index: SelectionIndex, entry: Scored) -> list[Item]:
    """A scored persona's evidence, strongest first, with its declared `weight` applied (built on demand)."""
    weight = index.weights[entry.persona]
    return sorted((Item(i.kind, i.trigger, i.matched, i.weight * weight, i.source) for i in entry.items),
                  key=lambda item: (-abs(item.weight), item.kind, item.trigger))


class Evidence:
    """Each persona's evidence items, and their running total."""

    def __init__(self) -> None:
        self.items: dict[int, list[Item]] = {}
        self.totals: dict[int, float] = {}

    def add(self, persona: int, item: Item) -> None:
        self.items.setdefault(persona, []).append(item)
        self.totals[persona] = self.totals.get(persona, 0.0) + item.weight


def _text(evidence: Evidence, index: SelectionIndex, request: Request) -> None:
    """The persona's own terms in the task, with diminishing returns (`phrases.text_score`)."""
    for persona, hits in find_hits(index, request).items():
        evidence.items[persona] = [_item(hit) for hit in hits]
        evidence.totals[persona] = text_score(hits)


def _domains(evidence: Evidence, index: SelectionIndex, request: Request) -> None:
    """The lexicon entries the task and the persona are both about, strongest first, with diminishing returns."""
    for persona, found in index.domains.evidence(index.domains.read(request)).items():
        found.sort(key=lambda item: -item[2])
        for position, (entry, matched, value, where) in enumerate(found):
            evidence.add(persona, Item("lexicon", entry, list(matched), value * t.DECAY**position, where))


def _prior(evidence: Evidence, index: SelectionIndex, request: Request) -> None:
    """The weak prior from persona prose: distinctive words of a persona's description and body."""
    totals: dict[int, float] = {}
    matched: dict[int, list[str]] = {}
    first_word = dict(zip(reversed(request.stems), reversed(request.words), strict=True))
    for key in sorted(set(request.stems) & index.prior.keys()):
        for persona, weight in index.prior[key]:
            totals[persona] = totals.get(persona, 0.0) + weight
            matched.setdefault(persona, []).append(first_word[key])
    for persona, total in totals.items():
        evidence.add(persona, Item("body", "description and body", matched[persona][:10], min(total, t.BODY_CAP),
                                   "body prose"))


def _files(evidence: Evidence, index: SelectionIndex, request: Request) -> None:
    """The persona's own globs (declared, or a rule's `globs`/`applyTo`) on the task's files."""
    if not request.paths:
        return
    found = file_evidence(index.globs, request.paths)
    for persona, shares in found.items.items():
        for glob, paths, value in shares:
            evidence.add(persona, Item("file", glob, paths[:10], value, "trigger-files"))


def _shapes(evidence: Evidence, index: SelectionIndex, request: Request) -> None:
    """What the request's shape adds to the personas that declare it: in proportion to their other evidence."""
    for shape, strength in request.shapes.items():
        value = t.SHAPE_WEIGHT[shape] * strength
        if shape == "question" and not request.teaching:
            value *= t.PRACTICAL_SHAPE_FACTOR if request.practical else t.NEUTRAL_QUESTION_FACTOR
        for persona in index.shape_personas.get(shape, ()):
            support = min(1.0, evidence.totals.get(persona, 0.0) / t.SHAPE_SUPPORT)  # never evidence alone
            if support > 0:
                evidence.add(persona, Item("shape", shape, [SHAPE_TEXT[shape]], value * support, "request-shapes"))


def _explicit(evidence: Evidence, index: SelectionIndex, request: Request) -> None:
    explicit = explicit_request(index, request.lowered)
    if explicit is not None:
        evidence.add(explicit, Item("explicit", index.names[explicit], [index.short_names[explicit]],
                                    t.EXPLICIT_WEIGHT, "name"))


def _item(hit: Hit) -> Item:
    term = hit.term
    weight = -hit.weight if term.kind == "negative" else hit.weight
    return Item(term.kind, term.text, [hit.matched], weight, term.source)


def explicit_request(index: SelectionIndex, lowered: str) -> int | None:
    """A persona the task asks for by name: `@security`, `persona-security`, "as the security persona".

    Each mention reads at most `_NAME_CHARS` characters around it, so the work stays linear in the text.
    """
    for match in _MENTION.finditer(lowered):
        at = match.start()
        name = match.group(1)[:_NAME_CHARS].rstrip(".")
        if (at == 0 or lowered[at - 1] in " \t\n(") and name in index.position:
            return index.position[name]
    at = lowered.find("persona")
    while at != -1:
        if lowered.startswith("persona-", at):  # persona-security
            name = _NAME.match(lowered, at, at + _NAME_CHARS)
            found = name.group(0).rstrip(".") if name else ""
        else:  # the security persona
            before = lowered[max(0, at - _NAME_CHARS):at]
            found = before.rstrip(" \t").rsplit(None, 1)[-1] if before.strip() and before[-1:] in " \t" else ""
            found = found.lstrip("(\"'`").rstrip(".")
        if found in index.position:
            return index.position[found]
        at = lowered.find("persona", at + 1)
    return None
