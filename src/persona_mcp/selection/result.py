"""The answer: the best persona or an explained abstention, with its reasons, companions, priorities and servers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, pairwise
from typing import Literal

from persona_mcp.model import Candidate, Companion, Evidence, Persona, Selection
from persona_mcp.selection import tunables as t
from persona_mcp.selection.calibration import confidence
from persona_mcp.selection.index import SelectionIndex
from persona_mcp.selection.request import read_request
from persona_mcp.selection.scoring import Ranking, rank, strongest
from persona_mcp.servers import resolve_servers

Detail = Literal["full", "summary"]


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
    request = read_request(task, files, index.one_word_terms)
    ranked = rank(index, request)
    top_k = max(top_k, 1)
    candidates = _in_rank_order([candidate(index, ranked, position) for position in range(min(top_k, len(ranked)))])
    best = candidates[0] if candidates else None
    if best is None or best.score < t.MIN_SCORE or best.confidence < t.MIN_CONFIDENCE:
        always = _always_apply(index, None, ())
        reason = _abstention(best, ranked, index, bool(request.paths))
        if always:
            reason += " Rules that apply to every task all the same: " + ", ".join(c.name for c in always) + "."
        return Selection(persona=None, confidence=0.0, reason=reason, alternatives=candidates[:top_k],
                         companions=always)
    persona = index.persona(best.name)
    runners = _runners(index, persona, ranked, top_k, candidates[-1].confidence)
    companions = _companions(index, persona, chain(candidates, runners))
    companions += _always_apply(index, persona, companions)
    merged, conflicts = merge_priorities(persona, companions)
    return Selection(
        persona=persona.name,
        title=persona.title,
        confidence=best.confidence,
        reason=f"Selected {best.name} (confidence {best.confidence:.2f}): " + reason_parts(best) + _tie(ranked, index),
        evidence=best.evidence,
        alternatives=candidates[1:top_k],
        companions=companions,
        priority_hierarchy=list(persona.spec.priority_hierarchy),
        merged_priorities=merged,
        priority_conflicts=conflicts,
        mcp_servers=resolve_servers(persona, available_servers),
        guidance=persona.body if detail == "full" else persona.summary,
        prompt=persona.short_name,
        resource_uri=f"persona://{persona.short_name}",
    )


def rank_candidates(index: SelectionIndex, task: str, files: Iterable[str] = (),
                    limit: int | None = None) -> list[Candidate]:
    """Personas with positive evidence, best first, as candidates (the first `limit` of them)."""
    ranked = rank(index, read_request(task, files, index.one_word_terms))
    count = len(ranked) if limit is None else min(limit, len(ranked))
    return _in_rank_order([candidate(index, ranked, position) for position in range(count)])


def _in_rank_order(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates, none said to be likelier right than one ranked above it: a persona's confidence reads its
    score on its own scale (a persona read only from its text scores on a larger one), so one ranked lower may
    read as surer. Each is given at most the confidence of the one above."""
    for above, below in pairwise(candidates):
        below.confidence = min(below.confidence, above.confidence)
    return candidates


def candidate(index: SelectionIndex, ranked: Ranking, position: int) -> Candidate:
    """The ranked persona at `position` with its strongest evidence and its calibrated confidence."""
    p, score = ranked.ranked[position]
    shown = strongest(index, ranked, p, t.MAX_EVIDENCE if position == 0 else t.MAX_EVIDENCE_OTHERS)
    evidence = [Evidence(item.kind, item.trigger, item.matched, round(item.weight, 4), item.source)  # type: ignore[arg-type]
                for item in shown]
    return Candidate(index.names[p], index.short_names[p], index.titles[p], score,
                     confidence(score, ranked.other(position), len(index.personas), index.confidence_scales[p]),
                     evidence)


def _runners(index: SelectionIndex, persona: Persona, ranked: Ranking, top_k: int,
             ceiling: float) -> Iterator[Candidate]:
    """The runners-up past the `top_k` reported that have the share of the best's score a companion needs,
    each built only when `_companions` comes to it, none surer than the last one reported (`ceiling`)."""
    best = ranked.ranked[0][1]
    for position in range(top_k, len(ranked)):  # best first: past the lower share, none can be a companion
        other, score = ranked.ranked[position]
        if score < min(t.COMPANION_SHARE, t.UNLINKED_SHARE) * best:
            return
        if score >= _companion_share(index, persona, index.names[other]) * best:
            runner = candidate(index, ranked, position)
            runner.confidence = min(runner.confidence, ceiling)
            yield runner


def _abstention(best: Candidate | None, ranked: Ranking, index: SelectionIndex, has_files: bool) -> str:
    if not index.personas:
        return ("No persona fits: the catalog has no personas. Give the server a folder of persona files "
                "(--personas DIR, or a workspace's .personas/), or leave out --no-builtin for the built-in ones.")
    if best is None:
        return ("No persona fits: no trigger, description, section or lexicon term of any persona matched the task"
                + (", and no persona's globs matched its files." if has_files else "."))
    if best.score < t.MIN_SCORE:
        return (f"No persona fits well enough: the best match, {best.name}, has evidence worth "
                f"{best.score:.2f}, below the {t.MIN_SCORE} needed.")
    runner = f" and {index.names[ranked.ranked[1][0]]}" if len(ranked) > 1 else ""
    return (f"No persona fits clearly enough: {best.name}{runner} match weakly or about equally "
            f"(confidence {best.confidence:.2f}, below {t.MIN_CONFIDENCE}).")


def _tie(ranked: Ranking, index: SelectionIndex) -> str:
    if len(ranked) > 1 and ranked.ranked[1][1] == ranked.ranked[0][1]:
        return f" It ties with {index.names[ranked.ranked[1][0]]}; a tie goes to the first name in order."
    return ""


def reason_parts(best: Candidate) -> str:
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
            parts.append(f"'{e.matched[0]}' matches {e.trigger!r} ({e.source})")
    return "; ".join(parts) + "."


def _companion_share(index: SelectionIndex, persona: Persona, other: str) -> float:
    """The share of the winner's score a runner-up needs to be its companion: less when either lists the other."""
    linked = (index.persona(other).short_name in index.declared_companions(persona.name)
              or persona.short_name in index.declared_companions(other))
    return t.COMPANION_SHARE if linked else t.UNLINKED_SHARE


def _companions(index: SelectionIndex, persona: Persona, candidates: Iterable[Candidate]) -> list[Companion]:
    """Runners-up that clearly apply as well, from `candidates`: the best, then the others in rank order.

    A persona linked to the winner (either one lists the other under `companions`) needs
    `COMPANION_SHARE` of the winner's score; any other needs `UNLINKED_SHARE`. Both need evidence
    of their own from the task text or files, not only from the weak prior.
    """
    ranked = iter(candidates)
    top = next(ranked).score
    chosen: list[Companion] = []
    for other in ranked:
        if len(chosen) == t.MAX_COMPANIONS:
            break
        if other.score < _companion_share(index, persona, other.name) * top:
            continue
        direct = sum(e.weight for e in other.evidence if e.kind not in ("body", "negative"))
        if direct >= t.COMPANION_MIN:
            found = index.persona(other.name)
            chosen.append(Companion(
                name=found.name, title=found.title, confidence=other.confidence,
                reason=reason_parts(other), priority_hierarchy=list(found.spec.priority_hierarchy),
                prompt=found.short_name, resource_uri=f"persona://{found.short_name}",
            ))
    return chosen


def _always_apply(index: SelectionIndex, persona: Persona | None, chosen: Sequence[Companion]) -> list[Companion]:
    """The personas that apply to every task, as companions of whatever was selected.

    A Cursor rule with `alwaysApply: true`, or a file that applies to every task by its tool's rule
    (`applyTo: "**"`, a rule that names no files: `Persona.always_because`), applies whatever the
    task says: it is a companion of every selection (after the companions found by evidence, at most
    `MAX_ALWAYS_COMPANIONS` of them, by name), with confidence 1.0, since it applies by its own rule.
    When no persona is selected they are still returned, so a host still applies them.
    """
    taken = {c.name for c in chosen} | ({persona.name} if persona is not None else set())
    found: list[Companion] = []
    for other in index.always_apply:  # in name order
        if len(found) == t.MAX_ALWAYS_COMPANIONS:
            break
        if other.name in taken:
            continue
        found.append(Companion(
            name=other.name, title=other.title, confidence=1.0, reason=f"always applies ({other.always_reason}).",
            priority_hierarchy=list(other.spec.priority_hierarchy), prompt=other.short_name,
            resource_uri=f"persona://{other.short_name}",
        ))
    return found


def merge_priorities(lead: Persona, companions: Sequence[Companion]) -> tuple[list[str], list[str]]:
    """The lead persona's priority order with the companions' own priorities merged in, and the conflicts.

    The lead's order stands. A companion's priority that the lead does not name goes right after
    the companion's previous priority. A pair that a companion orders the other way round is a
    conflict, reported so the model can weigh it.
    """
    merged = list(lead.spec.priority_hierarchy)
    conflicts: list[str] = []
    rank_of = {item.lower(): i for i, item in enumerate(merged)}
    for companion in companions:
        previous: str | None = None
        for item in companion.priority_hierarchy:
            if item.lower() not in {m.lower() for m in merged}:
                at = merged.index(previous) + 1 if previous in merged else len(merged)
                merged.insert(at, item)
            previous = next(m for m in merged if m.lower() == item.lower())
        order = [item for item in companion.priority_hierarchy if item.lower() in rank_of]
        for i, first in enumerate(order):
            for second in order[i + 1:]:
                if rank_of[first.lower()] > rank_of[second.lower()]:
                    conflicts.append(f"{companion.name} puts {first} before {second}; {lead.name} "
                                     f"(selected) puts {second} first")
    return merged, conflicts[: t.MAX_CONFLICTS]
