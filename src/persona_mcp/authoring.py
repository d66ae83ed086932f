"""Help for persona authors: what selection derived from a file, whether it can ever be chosen, and `convert`.

`persona-mcp show NAME --evidence` prints `evidence_lines`; `persona-mcp validate` adds
`selectability` warnings; `persona-mcp convert FILE...` writes `converted`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

from persona_mcp.model import Diagnostic, Persona
from persona_mcp.selection import SelectionIndex, describe
from persona_mcp.selection.derive import Profile

# A persona needs at least this much selectable evidence (summed weights of its distinct terms,
# and globs) to be chosen for a task that names its work; below it `validate` warns.
MIN_EVIDENCE = 2.0
# How many derived terms `convert` writes out, strongest first.
CONVERT_TERMS = 40
CONVERT_GLOBS = 30


def evidence_lines(index: SelectionIndex, name: str) -> list[str]:
    """What selection derived for one persona, and where each piece came from."""
    persona = index.persona(name)
    return [f"{persona.name}: evidence derived from {persona.path or 'its file'}", *describe(index.profile(name))]


def evidence_data(index: SelectionIndex, name: str) -> dict[str, Any]:
    """The same as data: terms, globs and shapes, each with its weight and source."""
    profile = index.profile(name)
    return {
        "terms": [{"text": t.text, "weight": round(t.weight, 3), "source": t.source, "kind": t.kind}
                  for t in profile.terms],
        "globs": [{"glob": g.glob, "weight": round(g.weight, 3), "source": g.source} for g in profile.globs],
        "request_shapes": sorted(profile.shapes),
        "shape_source": profile.shape_source,
    }


def selectability(index: SelectionIndex) -> list[Diagnostic]:
    """A warning for each persona with too little selectable text to ever be chosen, saying what to add."""
    found: list[Diagnostic] = []
    for persona, profile in zip(index.personas, index.profiles, strict=True):
        strength = sum(term.weight for term in profile.positive) + sum(g.weight for g in profile.globs)
        if strength < MIN_EVIDENCE:
            found.append(Diagnostic(
                path=str(persona.path or persona.name), severity="warning",
                message=f"persona '{persona.name}' has too little selectable text to be chosen for a task "
                        f"(evidence {strength:.2f}, needs {MIN_EVIDENCE})",
                hint="add trigger-keywords, a sentence such as 'Use this agent when ...' naming the work to the "
                     "description, a '## When to use' section, or trigger-files globs",
            ))
    return found


def converted(persona: Persona, profile: Profile) -> str:
    """The persona in persona-mcp's own format, with the evidence selection derived written out for review.

    The frontmatter keeps what the file declared and adds the derived `trigger-keywords`,
    `negative-keywords`, `trigger-files` and `request-shapes`; the body is kept byte for byte.
    """
    spec = persona.spec
    data: dict[str, Any] = {"name": spec.name, "description": spec.description}
    if spec.title:
        data["title"] = spec.title
    positive = sorted(profile.positive, key=lambda term: (-term.weight, term.text.lower()))
    data["trigger-keywords"] = _unique(term.text for term in positive)[:CONVERT_TERMS]
    negative = _unique(term.text for term in profile.negative)
    if negative:
        data["negative-keywords"] = negative
    globs = _unique(g.glob for g in sorted(profile.globs, key=lambda g: -g.weight))[:CONVERT_GLOBS]
    if globs:
        data["trigger-files"] = globs
    if profile.shapes:
        data["request-shapes"] = sorted(profile.shapes)
    for key, value in spec.model_dump(by_alias=True, exclude_defaults=True).items():
        data.setdefault(key, value)
    data["activity-keywords"] = list(spec.activity_keywords)  # unchanged, listed so the author sees them
    if not data["activity-keywords"]:
        del data["activity-keywords"]
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{front}---\n{persona.body}"


def _unique(texts: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for text in texts:
        if text.lower() not in seen:
            seen.add(text.lower())
            out.append(text)
    return out
