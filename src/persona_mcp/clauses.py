"""The "Auto-invoke when:" and "Do NOT load for:" clauses of a persona's description, as trigger phrases.

Linear in the description's length: every pattern here fails or matches in a bounded number of steps
per character, and asides and trailing filler words are taken off by plain loops.
"""

from __future__ import annotations

import re

_CLAUSE = re.compile(
    r"(?P<label>auto-invoke when|do not load for)\s*:\s*(?P<items>.*?)"
    r"(?=(?:auto-invoke when|do not load for)\s*:|\.(?:\s|$)|$)",
    re.IGNORECASE | re.DOTALL,
)
# Words that describe the kind of trigger rather than being one ("endpoint keywords", "UI-only tasks").
_FILLER_WORDS = ("only", "keywords", "keyword", "tasks", "task", "work")
_SEPARATORS = " \t\r\n-"


def description_clauses(description: str) -> tuple[list[str], list[str]]:
    """Split the "Auto-invoke when:" and "Do NOT load for:" clauses into trigger phrases."""
    positive, negative = _clauses(description)
    return list(positive), list(negative)


def _clauses(description: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    positive: list[str] = []
    negative: list[str] = []
    seen: tuple[set[str], set[str]] = (set(), set())
    for match in _CLAUSE.finditer(description):
        is_positive = match["label"].lower().startswith("auto")
        target, known = (positive, seen[0]) if is_positive else (negative, seen[1])
        items = match["items"].strip().rstrip(".").strip()
        items = without_asides(items).replace('"', "")  # asides "(performance)" name no trigger
        for raw in re.split(r",|;|\bor\b|\band\b", items):
            phrase = _without_filler(" ".join(raw.split()).rstrip(".").strip())
            if phrase and phrase.lower() not in known:
                known.add(phrase.lower())
                target.append(phrase)
    return tuple(positive), tuple(negative)


def without_asides(text: str) -> str:
    """The text without its parenthesised asides, nested ones included; an unclosed '(' is kept."""
    out: list[str] = []
    opened: list[int] = []
    for char in text:
        if char == ")" and opened:
            del out[opened.pop():]
            continue
        if char == "(":
            opened.append(len(out))
        out.append(char)
    return "".join(out)


def _without_filler(phrase: str) -> str:
    """The phrase without trailing filler words: "UI-only tasks" -> "UI", "endpoint keywords" -> "endpoint"."""
    while True:
        lower = phrase.lower()
        word = next((w for w in _FILLER_WORDS if lower.endswith(w)), None)
        if word is None:
            return phrase
        head = phrase[: -len(word)]
        if not head or head[-1] not in _SEPARATORS:  # part of a longer word ("network"), or the whole phrase
            return phrase
        phrase = head.rstrip(_SEPARATORS)
