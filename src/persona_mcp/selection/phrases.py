"""The text signal: which personas' terms the task says, and what each match is worth."""

from __future__ import annotations

from dataclasses import dataclass

from persona_mcp.selection import tunables as t
from persona_mcp.selection.derive import Term, is_content
from persona_mcp.selection.index import Posting, SelectionIndex
from persona_mcp.selection.request import Request
from persona_mcp.text import STOPWORDS


@dataclass(slots=True)  # not frozen: a request makes thousands, and a frozen dataclass is slow to build
class Hit:
    """A term of a persona found in the task."""

    term: Term
    matched: str  # the task's words it matched
    start: int
    end: int
    weight: float  # with rarity, place, code marks and a gap applied; positive also for terms against


def find_hits(index: SelectionIndex, request: Request,
              other_senses: frozenset[tuple[int, int]] = frozenset()) -> dict[int, list[Hit]]:
    """Every term that occurs in the task, per persona, with overlaps settled (see `_settle`).

    A term matches where the task's stems read the same, or, for a two-word phrase of content
    words, with up to `PHRASE_GAP` words between its two words (`Request.gap_ends`); a phrase
    lies within one sentence (`Request.one_sentence`). A match
    counts `Request.factor` of its weight by its place, and an activity word taken from code (`optimizeDeps`) counts
    `CODE_FACTOR`: it names something rather than asks for it. A lone function word never matches
    a one-word term. A term made only of question words ("why does") is a request shape: it counts
    `PRACTICAL_SHAPE_FACTOR` of its weight unless the request asks to be taught, and nothing in a request that is
    no question ("possible deadlock when ..."). Words that a longer
    phrase takes in another sense (`other_senses`: "injection" in "dependency injection") match no term for,
    and a word inside a longer term of one persona matches no one-word term of another (`_in_its_phrase`).
    """
    stems, task_words, code = request.stems, request.words, request.code
    count = len(stems)
    # Where terms occur: (start, end, gap factor, postings), each term as written, then each two-word
    # phrase with words between its two.
    places: list[tuple[int, int, float, list[Posting]]] = []
    for start, first in enumerate(stems):
        lengths = index.lengths.get(first)
        if lengths is None:
            continue
        for length in lengths:  # shortest first
            end = start + length
            if end > count:
                break
            postings = index.postings.get(tuple(stems[start:end]))
            if postings is not None and (task_words[start] not in STOPWORDS if length == 1 else
                                         request.one_sentence(start, end)) and (start, end) not in other_senses:
                places.append((start, end, 1.0, postings))
        lasts = index.gapped.get(first) if start < request.text_words else None  # a path's words are read as written
        if lasts is not None:
            for end in request.gap_ends(start, lasts):
                places.append((start, end, t.GAP_FACTOR, index.postings[(first, stems[end - 1])]))
    phrases = [(start, end, {posting[0] for posting in postings})
               for start, end, gap, postings in places if end - start > 1 and gap == 1.0]
    places += _without_function_words(index, request, other_senses)
    found: dict[int, list[Hit]] = {}
    asking = "question" in request.shapes
    for start, end, gap, postings in places:
        if end - start == 1 and phrases:
            postings = _in_its_phrase(postings, start, phrases)
        in_code = all(code[start:end]) or start >= request.text_words  # a path's words name things, as identifiers do
        place = request.factor(start, end) * gap
        matched = " ".join(task_words[start:end])
        made: dict[tuple[int, float], Hit] = {}  # personas that share a term (`derive`) share its hit
        for persona, weight, term in postings:
            if term.shape_only and not (asking or request.teaching):  # `teaching` is dear: read only if need be
                continue  # question words in a request that asks nothing ("possible NPE on ...") ask nothing
            hit = made.get((id(term), weight))
            if hit is None:
                shared = (id(term), weight)
                if in_code and term.kind == "activity":
                    weight *= t.CODE_FACTOR
                if term.shape_only and not request.teaching:
                    weight *= t.PRACTICAL_SHAPE_FACTOR
                hit = made[shared] = Hit(term, matched, start, end, weight * place)
            hits = found.get(persona)
            if hits is None:
                found[persona] = [hit]
            else:
                hits.append(hit)
    return {persona: _settle(hits, request.text_words) for persona, hits in found.items()}


def _in_its_phrase(postings: list[Posting], at: int, phrases: list[tuple[int, int, set[int]]]) -> list[Posting]:
    """The postings of a one-word term found at word `at`, less those of personas that do not name a longer term
    written around it (`phrases`: where each occurs and whose it is): there the word is that term's ("type" in "data
    type" is no typing work, "blocking" in "non-blocking" no blocked attacker). A term against a persona stays."""
    owners: set[int] = set()
    for start, end, personas in phrases:
        if start <= at < end:
            owners |= personas
    if not owners:
        return postings
    return [posting for posting in postings if posting[0] in owners or posting[2].kind == "negative"]


def _without_function_words(index: SelectionIndex, request: Request,
                            other_senses: frozenset[tuple[int, int]]) -> list[tuple[int, int, float, list[Posting]]]:
    """Where a phrase of content words occurs with function words between them: a phrase derived from prose
    leaves those out ("fixing a failing test" is the term "fixing failing test"), so it matches a task whose
    words, theirs left out, read the same ("Fix the failing test"), with at most `PHRASE_GAP` of them between."""
    own = request.text_words  # the text's words: a path's words have no function words to leave out
    task_words, stems = request.words[:own], request.stems[:own]
    kept = [at for at, word in enumerate(task_words) if is_content(word)]
    if len(kept) == len(task_words):
        return []  # nothing left out: every phrase was looked for as written
    kept_stems = [stems[at] for at in kept]
    places: list[tuple[int, int, float, list[Posting]]] = []
    for first, stem_ in enumerate(kept_stems):
        for length in index.lengths.get(stem_, ()):  # shortest first
            last = first + length
            if length < 2:
                continue
            if last > len(kept):
                break
            start, end = kept[first], kept[last - 1] + 1
            if end - start == length or end - start > length + t.PHRASE_GAP or (start, end) in other_senses \
                    or not request.one_sentence(start, end):
                continue  # as written, it was looked for already; too far apart, it is not one phrase
            postings = index.postings.get(tuple(kept_stems[first:last]))
            if postings is not None:
                places.append((start, end, 1.0, postings))
    return places


def _settle(hits: list[Hit], text_words: int) -> list[Hit]:
    """One persona's hits, strongest first, less those that overlap a stronger one on their side or repeat its term.

    So "race condition" does not also fire a separate "race", and a term that occurs twice counts once.
    """
    if len(hits) == 1:  # most personas: nothing to settle
        return hits
    hits.sort(key=lambda hit: (-hit.weight, hit.start, hit.term.text))
    covered = [0, 0]  # the words taken on each side (for, against), as bits
    seen: tuple[set[tuple[str, ...]], set[tuple[str, ...]]] = (set(), set())  # the terms kept on each side
    kept: list[Hit] = []
    from_paths = False  # where the change is says one thing of a persona: the strongest hit on a path's words
    for hit in hits:
        side = hit.term.kind == "negative"
        span = ((1 << (hit.end - hit.start)) - 1) << hit.start
        on_path = hit.start >= text_words
        if covered[side] & span or hit.term.key in seen[side] or (on_path and from_paths):
            continue
        from_paths |= on_path
        covered[side] |= span
        seen[side].add(hit.term.key)
        kept.append(hit)
    return kept


def text_score(hits: list[Hit]) -> float:
    """A persona's text evidence: its matches for, strongest first, each `DECAY` times the one before,
    less those against."""
    score = 0.0
    rank = 0
    for hit in hits:  # strongest first (see `_settle`)
        if hit.term.kind == "negative":
            score -= hit.weight
        else:
            score += hit.weight * t.DECAY**rank
            rank += 1
    return score
