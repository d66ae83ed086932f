"""Help for persona authors: what selection derived from a file, whether it can ever be chosen, and `convert`.

`persona-mcp show NAME --evidence` prints `evidence_lines`; `persona-mcp validate` adds
`selectability` warnings; `persona-mcp convert FILE...` writes `converted`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from persona_mcp.formats import KEPT_KEYS, file_format, is_guidance_file
from persona_mcp.loader import persona_files, split_frontmatter
from persona_mcp.model import FILE_KEYS, Diagnostic, Persona, PersonaSpec
from persona_mcp.selection import SelectionIndex, describe, tunables
from persona_mcp.selection.derive import DECLARED, SYNONYMS, Profile, Term

# A persona needs at least this much selectable evidence (summed weights of its distinct terms,
# and globs) to be chosen for a task that names its work; below it `validate` warns.
MIN_EVIDENCE = 2.0
# How many derived terms `convert` writes out, strongest first.
CONVERT_TERMS = 40
# `convert --declare` declares the derived terms at least this strong (a trigger clause's phrase, a section's
# phrase); weaker ones (a description's filler words, the prose of a persona that declares keywords already,
# which counts a tenth) stay commented out for the author to weigh, and so do the words of its name and title,
# which count whatever it declares.
DECLARE_MIN_WEIGHT = 0.5


def evidence_lines(index: SelectionIndex, name: str) -> list[str]:
    """What selection derived for one persona, and where each piece came from."""
    persona = index.persona(name)
    lines = [f"{persona.name}: evidence derived from {persona.path or 'its file'}", *describe(index.profile(name))]
    languages = generalist_of(index, name)
    if languages:
        lines.append(f"a generalist of {'/'.join(languages)}: its name says only the language, so it keeps "
                     f"{tunables.GENERALIST_FACTOR:.0%} of its score for a task that does not ask for it by name")
    return lines


def generalist_of(index: SelectionIndex, name: str) -> list[str]:
    """The languages a persona is a generalist of (its name says only them: `typescript-pro`), or none."""
    position = index.position[name]
    return sorted(index.domains.languages[position]) if position in index.generalists else []


def evidence_data(index: SelectionIndex, name: str) -> dict[str, Any]:
    """The same as data: terms, globs and shapes, each with its weight and source."""
    profile = index.profile(name)
    return {
        "terms": [{"text": t.text, "weight": round(t.weight, 3), "source": t.source, "kind": t.kind}
                  for t in profile.terms],
        "globs": [{"glob": g.glob, "weight": round(g.weight, 3), "source": g.source} for g in profile.globs],
        "request_shapes": sorted(profile.shapes),
        "shape_source": profile.shape_source,
        "generalist_of": generalist_of(index, name),
    }


def selectability(index: SelectionIndex) -> list[Diagnostic]:
    """A warning for each persona with too little selectable text to ever be chosen, saying what to add.

    A rule that applies to every task (`alwaysApply: true`) is a companion of every selection without
    evidence, so it is not warned about.
    """
    found: list[Diagnostic] = []
    for persona, profile in zip(index.personas, index.profiles, strict=True):
        if persona.always_apply:
            continue
        strength = sum(term.weight for term in profile.positive) + sum(g.weight for g in profile.globs)
        if strength >= MIN_EVIDENCE:
            continue
        words = "add trigger-keywords, a sentence such as 'Use this agent when ...' naming the work to the description"
        if any(glob.weight > 0 for glob in profile.globs):  # its globs (its own or its format's) bring it up already
            message = (f"persona '{persona.name}' has too little selectable text to be chosen for a task that only "
                       f"names its work (evidence {strength:.2f}, needs {MIN_EVIDENCE}); its file globs still bring "
                       "it up for the files they match")
            hint = f"{words}, or a '## When to use' section"
        else:
            message = (f"persona '{persona.name}' has too little selectable text to be chosen for a task "
                       f"(evidence {strength:.2f}, needs {MIN_EVIDENCE})")
            hint = f"{words}, a '## When to use' section, or {_GLOBS_KEY.get(persona.format, 'trigger-files')} globs"
        found.append(Diagnostic(path=str(persona.path or persona.name), severity="warning", message=message,
                                hint=hint))
    return found


# The key that gives a persona file globs in its own format (our `trigger-files` works in any of them).
_GLOBS_KEY = {"cursor-rule": "globs", "copilot-instructions": "applyTo"}


# Other tools' keys that `convert` leaves out: what they said is written in our own keys instead (their globs
# as `trigger-files`, a match-all glob as `alwaysApply: true`).
REPLACED_KEYS = FILE_KEYS


def converted(persona: Persona, profile: Profile, *, declare: bool = False) -> str:
    """The persona in persona-mcp's own format, with the evidence selection derived written out for review.

    The frontmatter keeps every key the file gave that persona-mcp reads or keeps (name,
    description, title, a subagent's `tools`, `model`, `color`, a skill's `license`...), so the
    output loads without warnings and is still the other tool's file. A rule's `globs`, `applyTo`,
    `paths` or `fileMatchPattern` become `trigger-files`, and a rule that applies to every task gets
    `alwaysApply: true`.
    The derived terms are listed, strongest first, each with its source and weight, as a commented
    `trigger-keywords` list: declared keywords make a persona's prose count far less
    (`DECLARED_PROSE_FACTOR`), so writing them as declared would change its selection. With
    `declare`, they are written as declared `trigger-keywords`. The body is kept byte for byte.
    """
    spec = persona.spec
    data: dict[str, Any] = {"name": spec.name, "description": spec.description}
    for key, value in spec.model_dump(by_alias=True, exclude_defaults=True, mode="json").items():
        if key not in REPLACED_KEYS:
            data.setdefault(key, value)
    data.update(persona.kept_keys)
    if spec.trigger_files:
        data["trigger-files"] = list(spec.trigger_files)
    if persona.always_apply:
        data["alwaysApply"] = True
    positive = sorted(profile.positive, key=lambda term: (-term.weight, term.text.lower()))
    declared = {text.lower() for text in (*spec.trigger_keywords, *spec.activity_keywords)}
    # The other names of what a declared keyword names come with the keyword, from the lexicon: not the file's own.
    derived = _unique(term.text for term in positive
                      if term.source not in DECLARED and not term.source.startswith(SYNONYMS))
    derived = [text for text in derived if text.lower() not in declared][:CONVERT_TERMS]
    # What argues against the persona: its boundaries ("Do NOT use for ...", a "Will not" section).
    negative = sorted(profile.negative, key=lambda term: (-term.weight, term.text.lower()))
    against = _unique(term.text for term in negative if term.source not in DECLARED)
    against = [text for text in against if text.lower() not in {k.lower() for k in spec.negative_keywords}]
    against = against[:CONVERT_TERMS]
    source = {term.text: term for term in (*negative, *positive)}
    if declare:  # the strong terms only: the others stay listed below, commented out, for the author to weigh
        strong = [text for text in derived if source[text].weight >= DECLARE_MIN_WEIGHT
                  and source[text].source not in ("name", "title")]  # a name's words count whatever is declared
        derived = [text for text in derived if text not in strong]
        if strong:
            data["trigger-keywords"] = [*spec.trigger_keywords, *strong]
        if against:
            data["negative-keywords"] = [*spec.negative_keywords, *against]
            against = []
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    if derived:
        listed = "trigger-keywords" in data
        front += ("# Derived by persona-mcp from this file's text, strongest first (source, weight). Review them; to\n"
                  + ("# declare them, uncomment the list (declared keywords make the description count far less).\n"
                     "# trigger-keywords:\n" if not listed else
                     "# declare them, add them to trigger-keywords above.\n"))
        front += _commented(derived, source)
    if against:
        front += ("# Derived from its boundaries: what argues against it.\n"
                  + ("# negative-keywords:\n" if not spec.negative_keywords else
                     "# To declare them, add them to negative-keywords above.\n"))
        front += _commented(against, source)
    parts = split_frontmatter(persona.text)
    body = parts[1] if parts is not None else persona.text
    return f"---\n{front}---\n{body}"


def _commented(texts: list[str], source: dict[str, Term]) -> str:
    """Terms as a commented YAML list, each with where it came from and its weight."""
    return "".join(f"# - {yaml.safe_dump(text, width=1000).splitlines()[0]}  "
                   f"# {source[text].source}, {source[text].weight:.2f}\n" for text in texts)


def output_name(name: str) -> str:
    """The file `convert` writes a persona to: NAME.md, unless the loader would skip that file or read it as
    another format (`readme.md`, `x.instructions.md`), then persona-NAME.md."""
    target = f"{name}.md"
    if not is_guidance_file(target) or file_format(target) != "persona":
        target = f"persona-{name}.md"
    return target


def _unique(texts: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for text in texts:
        if text.lower() not in seen:
            seen.add(text.lower())
            out.append(text)
    return out


def source_files(paths: Sequence[Path]) -> set[tuple[int, int]]:
    """The files that loading `paths` reads (each file given, the persona files of each folder given), by identity."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            try:
                files += persona_files(path)
            except (OSError, ValueError, RuntimeError):  # the load reports the folder; RuntimeError: symlink loops
                continue
        else:
            files.append(path)
    return {identity for identity in map(file_identity, files) if identity is not None}


def file_identity(path: Path) -> tuple[int, int] | None:
    """The file a path leads to, as (device, inode): the same file however the path is spelled (`./x.md`, through a
    symlink, a hard link, in another case on a file system that ignores case); None when there is none."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def frontmatter_schema() -> dict[str, Any]:
    """The JSON Schema of a persona file's frontmatter, for editors and for `persona-mcp schema`."""
    schema = PersonaSpec.model_json_schema(by_alias=True)
    schema["title"] = "persona-mcp persona frontmatter"
    schema["description"] = (
        "YAML frontmatter of a persona file (markdown), or of another tool's guidance file that persona-mcp "
        "reads (a Claude Code subagent, an Agent Skill, a Cursor rule, Copilot instructions). name and "
        "description are required in a persona file; skills, Cursor rules and Copilot instructions may leave "
        "them out (see the README). Unknown keys are reported as warnings by persona-mcp, and rejected in "
        "strict mode."
    )
    schema.pop("required", None)  # which fields are required depends on the file's format, told by its name
    schema["properties"].update({key: {"description": f"{meaning} (kept as written)."}
                                 for key, meaning in KEPT_KEYS.items()})
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
