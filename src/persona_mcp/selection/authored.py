"""Where authors say when a persona applies: the trigger clauses and boundaries of a description,
and the body's sections such as "Triggers", "When to use", "Focus areas" or "Will not".

Each sentence and each line is looked at once, so the work grows with the text's length.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from persona_mcp.markdown import prose_lines

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(<])|\n+")
_TRIGGER_OPENER = re.compile(
    r"\b(?:(?:auto-?|automatically\s+|proactively\s+)?invoked?\s+(?:when|for|on|if|this)|proactively\s+used\s+(?:when|for)"
    r"|use\s+(?:this\s+(?:agent|skill|persona|rule|mode)\s+)?(?:proactively\s+)?(?:when(?:ever)?|for|after|before|if|on)"
    r"|use\s+proactively|(?:must|should)\s+be\s+used\s+(?:when|for|after|on|to|whenever|proactively)"
    r"|triggers?\s+(?:on|when|for|include)|activates?\s+(?:when|for|on)"
    r"|ideal\s+for|best\s+(?:used\s+)?for|specializ\w*\s+in|use\s+it\s+(?:when|for)|trigger\s+words?"
    # the scope an author gives a role: "Owns CI/CD pipelines", "Expert in query tuning"
    r"|owns|responsible\s+for|focus(?:es|ed|ing)?\s+on|(?:expert|expertise|experienced|skilled)\s+(?:in|at|with))\b\s*:?",
    re.IGNORECASE,
)
_BOUNDARY_OPENER = re.compile(
    r"\b(?:do\s+not\s+(?:load|use|invoke|trigger)(?:\s+(?:this|it))?\s*(?:for|when|if|on)?"
    r"|don'?t\s+use(?:\s+(?:this|it))?\s*(?:for|when|if)?|not\s+for|will\s+not|won'?t|never\s+use|not\s+suitable\s+for"
    r"|instead\s+of|rather\s+than"
    # an author's capitals set off what a persona is not ("Drizzle is NOT the main database, that's Prisma")
    r"|(?-i:NOT))\b\s*:?",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^(?:#{1,6}\s+(.+?)\s*#*\s*|\*\*(.+?)\*\*:?\s*|([A-Z][\w /&'-]{2,48}):)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_SECTION_TRIGGER = re.compile(
    r"trigger|when to (?:use|invoke|apply)|use (?:me|it|this) when|use cases?|focus|capabilit|key actions|expertise"
    r"|responsibilit|specialt|specializ|scope|core (?:areas|competenc|skills)|what (?:i|it|this \w+) do"
    r"|domains?|covers|areas of",
    re.IGNORECASE,
)
_SECTION_BOUNDARY = re.compile(
    r"will not|won'?t|do(?:es)? not|don'?t|doesn'?t|not responsible|out of scope|not for|avoid\b(?!-)|limitations"
    r"|^\W*(?:what \w+ )?never(?: do(?:es)?)?\W*$",  # "Never", "What I never do"; not a rule ("NEVER MAKE UP ANSWERS")
    re.IGNORECASE,
)
# "Boundaries" heads a section of what a persona won't do when it is the heading's subject ("Boundaries", "Scope
# Boundaries", "Agent Boundary Summary"), not when it is a boundary of something the persona works on ("Map the
# Trust Boundaries", "Service Boundaries", "Error Boundaries & Suspense").
_BOUNDARIES = re.compile(r"^[\W\d_]*(?:(?:scope|agent|role|my|your|persona|operational|ethical|hard|clear)\s+)?"
                         r"boundar(?:y|ies)\b(?:\s+summary)?(?:\s*(?:and|&)\s+.*)?\W*$", re.IGNORECASE)
# A heading of both ("Do's and Don'ts") or of rules for how to work ("Scope and honesty rules") says neither.
# Nor do the anti-patterns of a persona's own field ("Common Performance Anti-Patterns", "Anti-Patterns to Avoid"):
# they are what it finds and fixes. Nor does how it uses an MCP server's tools ("Enhanced Capabilities with MCP Tools:
# ... Debug risk limit violations").
_SECTION_MIXED = re.compile(r"\bdo'?s\b.*\bdon'?ts\b|\brules\b|anti-?patterns?\b|\bmcp\b", re.IGNORECASE)
MAX_SECTION_ITEMS = 40  # items read per section
# The examples Claude Code's agent descriptions carry: "<example>Context: ... user: "..." assistant: "..."
# <commentary>...</commentary></example>". The context and what the user says are prose about when the
# persona applies; the assistant's reply and the commentary mostly name the persona back, and are left out.
_EXAMPLE = re.compile(r"<example>(.*?)(?:</example>|\Z)", re.IGNORECASE | re.DOTALL)
_REPLY = re.compile(r"\bassistant:\s*(?:\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d|[^\n<]*)"
                    r"|<commentary>.*?(?:</commentary>|\Z)", re.IGNORECASE | re.DOTALL)
_EXAMPLE_LABEL = re.compile(r"\b(?:context|user):", re.IGNORECASE)
# A hand-off some collections write: "<delegation>Trigger: Database schema needed Target: database-architect
# Handoff: ...</delegation>". The work it names goes to another persona: it argues against this one.
_DELEGATION = re.compile(r"(?:\bdelegations?\s*:\s*)?<delegation>(.*?)(?:</delegation>|\Z)", re.IGNORECASE | re.DOTALL)
_HANDED_OFF = re.compile(r"\btrigger\s*:\s*(.*?)\s*(?:\btarget\s*:|\bhandoff\s*:|\Z)", re.IGNORECASE | re.DOTALL)


def description_parts(description: str) -> tuple[list[str], list[str], str]:
    """A description split into its trigger clauses, its boundaries, and the rest of its prose.

    An `<example>`'s context and what its user says are prose; what the assistant replies is left out
    (`_EXAMPLE`). The work a `<delegation>` hands to another persona is a boundary. A written "\\n" (as YAML
    keeps it in an unquoted value) ends a line. Each sentence is looked at once, so the work grows with the
    description's length.
    """
    clauses: list[str] = []
    boundaries: list[str] = []
    rest: list[str] = []
    description = description.replace("\\n", "\n")
    if "<example>" in description.lower():
        description = _EXAMPLE.sub(_example_prose, description)
    if "<delegation>" in description.lower():
        for delegation in _DELEGATION.finditer(description):
            boundaries.extend(found.group(1) for found in _HANDED_OFF.finditer(delegation.group(1)) if found.group(1))
        description = _DELEGATION.sub("\n", description)
    for sentence in _SENTENCE_END.split(description):
        boundary = _BOUNDARY_OPENER.search(sentence)
        opener = _TRIGGER_OPENER.search(sentence)
        if opener and (boundary is None or opener.start() < boundary.start()):
            rest.append(sentence[: opener.start()])
            end = boundary.start() if boundary else len(sentence)
            clauses.append(sentence[opener.end():end])
            if boundary:
                boundaries.append(sentence[boundary.end():])
        elif boundary:
            rest.append(sentence[: boundary.start()])
            boundaries.append(sentence[boundary.end():])
        else:
            rest.append(sentence)
    return clauses, boundaries, " ".join(rest)


def _example_prose(example: re.Match[str]) -> str:
    """An example's context and request, on lines of their own, without the assistant's reply."""
    return "\n" + _EXAMPLE_LABEL.sub(" ", _REPLY.sub("\n", example.group(1))).strip() + "\n"


def section_kind(heading: str) -> bool | None:
    """Whether a heading opens a section of what a persona won't do (True), of when it applies (False), or neither."""
    if _SECTION_MIXED.search(heading):
        return None
    if _SECTION_BOUNDARY.search(heading) or _BOUNDARIES.match(heading):
        return True
    if _SECTION_TRIGGER.search(heading):
        return False
    return None


def sections(body: str, kind: Callable[[str], bool | None] = section_kind) -> Iterator[tuple[str, list[str], bool]]:
    """The body's sections that say when a persona applies (or must not): (heading, items, negative).

    `kind` judges each heading (`section_kind`); a catalog's deriver passes one that remembers its answers,
    as many personas of a catalog use the same headings.
    """
    heading: str | None = None
    negative = False
    items: list[str] = []
    for line in prose_lines(body):  # code examples are neither headings nor items
        found = _HEADING.match(line.strip())
        if found and not _LIST_ITEM.match(line):
            if heading is not None and items:
                yield heading, items[:MAX_SECTION_ITEMS], negative
            title = next(g for g in found.groups() if g)
            heading, items = None, []
            found_kind = kind(title)
            if found_kind is not None:
                heading, negative = title, found_kind
            continue
        if heading is None:
            continue
        item = _LIST_ITEM.match(line)
        text = (item.group(1) if item else line).strip()
        if text:
            items.append(text)
    if heading is not None and items:
        yield heading, items[:MAX_SECTION_ITEMS], negative
