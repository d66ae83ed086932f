"""A persona's profile as lines for a person to read: `persona-mcp show NAME --evidence`."""

from __future__ import annotations

from collections.abc import Iterable

from persona_mcp.selection.derive import Profile, Term
from persona_mcp.selection.files import FileTrigger


def describe(profile: Profile) -> Iterable[str]:
    """The profile as lines for a person to read (`persona-mcp show NAME --evidence`)."""
    groups: dict[str, list[Term]] = {}
    for term in profile.terms:
        groups.setdefault(term.source, []).append(term)
    for source, terms in groups.items():
        listed = ", ".join(f"{term.text} ({term.weight:.2f})" for term in terms)
        yield f"{'against' if terms[0].kind == 'negative' else 'terms'} from {source}: {listed}"
    by_source: dict[str, list[FileTrigger]] = {}
    for trigger in profile.globs:
        by_source.setdefault(trigger.source, []).append(trigger)
    for source, triggers in by_source.items():
        yield f"globs from {source}: " + ", ".join(f"{g.glob} ({g.weight:.2f})" for g in triggers)
    if profile.entries:
        ordered = sorted(profile.entries.items(), key=lambda item: (-item[1][0], item[0]))
        yield "about (lexicon entries): " + ", ".join(f"{name} ({weight:.2f}, {where})"
                                                      for name, (weight, where) in ordered)
    if profile.shapes:
        yield f"request shapes ({profile.shape_source}): " + ", ".join(sorted(profile.shapes))
