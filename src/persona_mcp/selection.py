"""Pure scoring: (index of a catalog, task, files) -> Selection. No I/O, no MCP."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import pathspec

from persona_mcp.model import Candidate, Evidence, Persona, Selection, ServerChoice, short_name
from persona_mcp.text import STOPWORDS, stem, stems, words

Detail = Literal["full", "summary"]

KEYWORD_WEIGHT = 1.0
DESCRIPTION_WEIGHT = 0.6
FILE_WEIGHT = 1.5
NEGATIVE_WEIGHT = 1.0
EXPLICIT_WEIGHT = 4.0
PHRASE_BONUS = 0.5  # per extra word in a matched phrase: "race condition" says more than "race"
DECAY = 0.75  # each further keyword of the same persona counts this much less than the one before
MIN_SCORE = 0.3  # below this nothing fits
COMPANION_SHARE = 0.4  # a companion needs at least this share of the winner's score


@dataclass(frozen=True)
class _Phrase:
    stems: tuple[str, ...]
    text: str
    persona: int
    kind: Literal["keyword", "description", "negative"]
    weight: float


class SelectionIndex:
    """Everything selection needs, computed once when a catalog loads.

    Phrases are indexed by their first stem, so a request looks up each of its words
    once instead of scanning every persona's triggers.
    """

    def __init__(self, personas: Sequence[Persona]) -> None:
        self.personas = list(personas)
        count = len(self.personas)
        raw: list[_Phrase] = []
        for i, persona in enumerate(self.personas):
            spec = persona.spec
            for text in spec.trigger_keywords:
                raw.append(_Phrase(tuple(stems(text)), text, i, "keyword", KEYWORD_WEIGHT))
            for text in persona.auto_invoke:
                raw.append(_Phrase(tuple(stems(text)), text, i, "description", DESCRIPTION_WEIGHT))
            for text in spec.negative_keywords:
                raw.append(_Phrase(tuple(stems(text)), text, i, "negative", NEGATIVE_WEIGHT))
            # A "Do NOT load for" clause is prose, so its phrases argue more softly than explicit ones.
            for text in persona.do_not_load:
                raw.append(_Phrase(tuple(stems(text)), text, i, "negative", DESCRIPTION_WEIGHT))
        # A phrase claimed by many personas tells them apart poorly: weight it by rarity.
        claimed: dict[tuple[str, ...], set[int]] = defaultdict(set)
        for phrase in raw:
            if phrase.kind != "negative":
                claimed[phrase.stems].add(phrase.persona)
        self._by_first: dict[str, list[_Phrase]] = defaultdict(list)
        seen: set[tuple[tuple[str, ...], int, str]] = set()
        for phrase in raw:
            key = (phrase.stems, phrase.persona, phrase.kind)
            if not phrase.stems or key in seen:
                continue
            seen.add(key)
            rarity = 1.0
            if phrase.kind != "negative" and count > 1:
                rarity = math.log(1 + count / len(claimed[phrase.stems])) / math.log(1 + count)
            bonus = 1 + PHRASE_BONUS * (len(phrase.stems) - 1)
            self._by_first[phrase.stems[0]].append(
                _Phrase(phrase.stems, phrase.text, phrase.persona, phrase.kind, phrase.weight * rarity * bonus)
            )
        # Globs match case-insensitively: "**/controllers/**" should find "app/Controllers/".
        self._globs = [pathspec.GitIgnoreSpec.from_lines([g.lower() for g in p.spec.trigger_files])
                       for p in self.personas]
        self._names: dict[str, int] = {}
        for i, persona in enumerate(self.personas):
            self._names[persona.name] = i
            self._names[persona.short_name] = i

    def persona(self, name: str) -> Persona:
        """The persona answering to a full or short name (the caller knows it exists)."""
        return self.personas[self._names[name]]

    def match_phrases(self, task_stems: Sequence[str], task_words: Sequence[str]) -> list[tuple[_Phrase, str]]:
        """Every indexed phrase that occurs in the task, with the words it matched.

        Within one persona and one kind of trigger, a stretch of task words counts once: the
        strongest phrase covering it wins, so "race condition" does not also fire a separate "race".
        A lone function word ("them", "is") never matches a one-word trigger, since its crude stem
        can collide with a real word ("theme").
        """
        hits: list[tuple[float, int, int, _Phrase]] = []
        for start, first in enumerate(task_stems):
            for phrase in self._by_first.get(first, ()):
                end = start + len(phrase.stems)
                if tuple(task_stems[start:end]) != phrase.stems:
                    continue
                if end - start == 1 and task_words[start] in STOPWORDS:
                    continue
                hits.append((phrase.weight, start, end, phrase))
        hits.sort(key=lambda hit: (-hit[0], hit[1], hit[3].text))
        covered: dict[tuple[int, str], set[int]] = defaultdict(set)
        seen: set[tuple[tuple[str, ...], int, str]] = set()
        found: list[tuple[_Phrase, str]] = []
        for _weight, start, end, phrase in hits:
            span = set(range(start, end))
            taken = covered[(phrase.persona, phrase.kind)]
            key = (phrase.stems, phrase.persona, phrase.kind)
            if span & taken or key in seen:
                continue
            taken.update(span)
            seen.add(key)
            found.append((phrase, " ".join(task_words[start:end])))
        return found

    def match_files(self, persona: int, files: Sequence[str]) -> dict[str, list[str]]:
        """Glob -> files it matched, for one persona."""
        spec = self._globs[persona]
        patterns = self.personas[persona].spec.trigger_files
        hits: dict[str, list[str]] = defaultdict(list)
        for path in files:
            result = spec.check_file(path.lower())
            if result.include and result.index is not None:
                hits[patterns[result.index]].append(path)
        return hits

    def explicit_request(self, task: str) -> int | None:
        """A persona the task asks for by name: `@security`, `persona-security`, "as the security persona"."""
        lowered = task.lower()
        for pattern in _EXPLICIT:
            for match in pattern.finditer(lowered):
                if match.group(1) in self._names:
                    return self._names[match.group(1)]
        return None


_EXPLICIT = (
    re.compile(r"(?:^|[\s(])@([a-z0-9][a-z0-9-]*)"),
    re.compile(r"\b(persona-[a-z0-9][a-z0-9-]*)"),
    re.compile(r"\b([a-z0-9][a-z0-9-]*)\s+persona\b(?!-)"),
)


def normalise_path(path: str) -> str:
    """Paths are data: forward slashes, no leading './' or '/', never opened."""
    path = path.replace("\\", "/").strip()
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


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
    paths = [p for p in (normalise_path(f) for f in files) if p]
    candidates = rank(index, task, paths)
    best = candidates[0] if candidates else None
    if best is None or best.score < MIN_SCORE:
        reason = (
            "No persona fits: no trigger keyword, description clause or file pattern of any persona "
            "matched the task" + (" or its files." if paths else ".")
        )
        if best is not None:
            reason = (
                f"No persona fits well enough: the best match, {best.name}, scored {best.score:.2f}, "
                f"below the {MIN_SCORE} needed."
            )
        return Selection(persona=None, confidence=0.0, reason=reason,
                         alternatives=candidates[:top_k])

    persona = index.persona(best.name)
    companions = _companions(index, persona, candidates)
    return Selection(
        persona=persona.name,
        title=persona.title,
        confidence=best.confidence,
        reason=_reason(best),
        evidence=best.evidence,
        alternatives=candidates[1 : 1 + max(top_k - 1, 0)],
        companions=companions,
        priority_hierarchy=list(persona.spec.priority_hierarchy),
        mcp_servers=resolve_servers(persona, available_servers),
        guidance=persona.body if detail == "full" else persona.summary,
        prompt=persona.name,
        resource_uri=f"persona://{persona.short_name}",
    )


def rank(index: SelectionIndex, task: str, files: Sequence[str]) -> list[Candidate]:
    """Every persona with positive evidence, best first (ties broken by name, so the order is stable)."""
    task_words = words(task)
    task_stems = [stem(w) for w in task_words]
    evidence: dict[int, list[Evidence]] = defaultdict(list)

    for phrase, matched_words in index.match_phrases(task_stems, task_words):
        sign = -1.0 if phrase.kind == "negative" else 1.0
        evidence[phrase.persona].append(
            Evidence(kind=phrase.kind, trigger=phrase.text, matched=[matched_words], weight=sign * phrase.weight)
        )
    if files:
        for i in range(len(index.personas)):
            hits = index.match_files(i, files)
            covered = len({f for matched in hits.values() for f in matched})
            if not covered:
                continue
            share = FILE_WEIGHT * math.sqrt(covered / len(files))
            # Split the persona's file score among its globs by how many files each matched.
            for glob, matched in sorted(hits.items(), key=lambda item: (-len(item[1]), item[0])):
                evidence[i].append(Evidence(kind="file", trigger=glob, matched=matched[:10],
                                            weight=share * len(matched) / covered))
    explicit = index.explicit_request(task)
    if explicit is not None:
        evidence[explicit].append(Evidence(kind="explicit", trigger=index.personas[explicit].name,
                                           matched=[index.personas[explicit].short_name], weight=EXPLICIT_WEIGHT))

    scored: list[tuple[float, str, int]] = []
    for i, items in evidence.items():
        score = _score(items)
        if score > 0:
            scored.append((score, index.personas[i].name, i))
    scored.sort(key=lambda item: (-item[0], item[1]))

    candidates: list[Candidate] = []
    for position, (score, _name, i) in enumerate(scored):
        runner_up = scored[position + 1][0] if position + 1 < len(scored) else 0.0
        persona = index.personas[i]
        items = sorted(evidence[i], key=lambda e: (-abs(e.weight), e.kind, e.trigger))
        candidates.append(Candidate(
            name=persona.name, short_name=persona.short_name, title=persona.title, score=round(score, 4),
            confidence=confidence(score, runner_up if position == 0 else scored[0][0]),
            evidence=[e.model_copy(update={"weight": round(e.weight, 4)}) for e in items],
        ))
    return candidates


def _score(items: Sequence[Evidence]) -> float:
    """Sum of the evidence, with diminishing returns for further keywords of the same persona."""
    words_ = sorted((e.weight for e in items if e.kind in ("keyword", "description")), reverse=True)
    total = sum(w * DECAY**n for n, w in enumerate(words_))
    total += sum(e.weight for e in items if e.kind in ("file", "explicit", "negative"))
    return max(total, 0.0)


def confidence(score: float, other: float) -> float:
    """How sure we are: strong evidence and a clear lead over the other best candidate."""
    strength = 1 - math.exp(-score / 1.5)
    lead = max(score - other, 0.0) / score if score > 0 else 0.0
    return round(strength * (0.5 + 0.5 * lead), 4)


def _reason(best: Candidate) -> str:
    parts: list[str] = []
    for e in best.evidence[:5]:
        if e.kind == "file":
            parts.append(f"{len(e.matched)} file(s) match {e.trigger!r}")
        elif e.kind == "negative":
            parts.append(f"'{e.matched[0]}' argues against it")
        elif e.kind == "explicit":
            parts.append("the task asks for it by name")
        else:
            parts.append(f"'{e.matched[0]}' matches {e.kind} trigger {e.trigger!r}")
    return f"Selected {best.name} (confidence {best.confidence:.2f}): " + "; ".join(parts) + "."


def _companions(index: SelectionIndex, persona: Persona, candidates: Sequence[Candidate]) -> list[str]:
    declared = {short_name(c) for c in persona.spec.companions}
    top = candidates[0].score
    chosen: list[str] = []
    for candidate in candidates[1:]:
        other = index.persona(candidate.name)
        linked = candidate.short_name in declared or persona.short_name in {
            short_name(c) for c in other.spec.companions}
        if linked and candidate.score >= COMPANION_SHARE * top:
            chosen.append(candidate.name)
    return chosen


def resolve_servers(persona: Persona, available: Sequence[str] | None) -> ServerChoice:
    """Match a persona's MCP preferences against the servers the host says it has."""
    pref = persona.spec.mcp_preference
    wanted = [s for s in (pref.primary, pref.secondary) if s]
    choice = ServerChoice(primary=pref.primary, secondary=pref.secondary, avoid=list(pref.avoid))
    if available is None:
        choice.recommended = wanted[0] if wanted else None
        choice.note = "The host did not list its servers; preferences are shown as declared."
        return choice
    have = {_server_key(s) for s in available}
    usable = [s for s in wanted if _server_key(s) in have and s not in pref.avoid]
    choice.unavailable = [s for s in wanted if _server_key(s) not in have]
    choice.recommended = usable[0] if usable else None
    if not wanted:
        choice.note = "This persona declares no preferred MCP server."
    elif not usable:
        choice.note = "None of this persona's preferred servers is available; work with the tools at hand."
    return choice


def _server_key(name: str) -> str:
    """Compare server names loosely: case, and an 'owner/' prefix, do not matter."""
    return name.strip().lower().rsplit("/", 1)[-1]
