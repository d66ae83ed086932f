"""Word handling shared by the index and the requests: tokens, light stemming, path words."""

from __future__ import annotations

import re
from functools import lru_cache

# Split "useState" and "HTMLParser", but keep plurals of acronyms ("APIs") whole.
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]{2,})")
_WORD = re.compile(r"[a-z0-9]+[+#]*")
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")
_VOWELS = frozenset("aeiouy")

# English function words. Alone they say nothing about a task, and crude stems of some of
# them collide with real triggers ("them" and "theme").
STOPWORDS = frozenset({
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does",
    "doing", "down", "during", "each", "either", "few", "for", "from", "further", "had", "has", "have", "having",
    "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
    "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or",
    "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that",
    "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
    "why", "will", "with", "would", "you", "your", "yours"
})


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Reduce a lowercase word to a crude stem so that the forms of one word meet.

    Both the triggers and the task go through this same function, so the stems only
    need to agree with each other, not to be real words: "caches", "cached", "caching"
    and "cache" all become "cach"; "optimise", "optimization" and "optimizing" become
    "optimiz"; "deployment" and "deploys" become "deploy"; "lazily" becomes "lazy".
    """
    w = word
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith(_BRITISH):  # optimise -> optimize, so both spellings meet
        at = w.rfind("is")
        w = w[:at] + "iz" + w[at + 2:]
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "ches", "shes", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and len(w) > 5 and _has_vowel(w[:-3]):
        w = w[:-3]
    elif w.endswith("ed") and len(w) > 4 and _has_vowel(w[:-2]):
        w = w[:-2]
    elif w.endswith("ily") and len(w) > 5:
        w = w[:-3] + "y"
    elif w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    if w.endswith("ation") and len(w) > 8:  # validation, migration, optimization
        w = w[:-5]
    if w.endswith("ment") and len(w) > 8:  # deployment, improvement, document
        w = w[:-4]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in _VOWELS:
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if w.endswith("at") and len(w) > 5:  # validate -> valid, like validation
        w = w[:-2]
    return w


_BRITISH = ("ise", "ised", "ises", "ising", "isation", "isations", "iser", "isers")


def _has_vowel(part: str) -> bool:
    return not _VOWELS.isdisjoint(part)


def words(text: str) -> list[str]:
    """Lowercase words of a text, with camelCase and snake_case split apart."""
    if text.islower() or not any(ch.isupper() for ch in text):  # nothing to split by case
        return _WORD.findall(text.lower().replace("_", " "))
    text = _ACRONYM_PLURAL.sub(_first_group, text)
    return _WORD.findall(_CAMEL.sub(" ", text).lower().replace("_", " "))


def _first_group(match: re.Match[str]) -> str:
    return match.group(1)


_CODE_SPAN = re.compile(r"`[^`\n]*`")
_RAW = re.compile(r"[A-Za-z0-9_$.+#/-]+")
_IDENTIFIER = re.compile(r"[a-z0-9][A-Z]|_[A-Za-z0-9]|[A-Za-z]{2}\.[A-Za-z]{2}|^\$|[\w-]{3}/[\w-]{3}")


_STEM_CACHE: dict[str, str] = {}
STEM_CACHE_SIZE = 65536


def stem_all(found: list[str]) -> list[str]:
    """The stems of many words: a dict lookup for words seen before (a bounded cache)."""
    cache = _STEM_CACHE
    try:  # the common case, every word seen before: one lookup per word at C speed
        return list(map(cache.__getitem__, found))
    except KeyError:
        pass
    out = [cache.get(w) for w in found]
    if None in out:
        if len(cache) > STEM_CACHE_SIZE:
            cache.clear()
        for i, value in enumerate(out):
            if value is None:
                out[i] = cache[found[i]] = stem(found[i])
    return out  # type: ignore[return-value]  # every None was replaced


def tokens(text: str) -> tuple[list[str], list[bool]]:
    """The words of a text, as `words` gives them, and for each whether it comes from code.

    Words inside backticks, and the parts of identifiers (`optimizeDeps`, `load_tables`,
    `reply.send`), name things rather than say what the task is: the selector weighs the
    activity words among them less.
    """
    if "`" not in text and _IDENTIFIER.search(text) is None:  # plain prose: one pass
        found = words(text)
        return found, [False] * len(found)
    out: list[str] = []
    code: list[bool] = []
    position = 0
    for span in _CODE_SPAN.finditer(text):
        _prose(text[position:span.start()], out, code)
        found = words(span.group())
        out += found
        code += [True] * len(found)
        position = span.end()
    _prose(text[position:], out, code)
    return out, code


def _prose(text: str, out: list[str], code: list[bool]) -> None:
    # The runs of `_RAW` never contain whitespace, so the text is taken chunk by chunk as `split`
    # gives them: a plain lowercase word is its own run, and what any other chunk yields is remembered.
    cache = _CHUNK_CACHE
    for chunk in text.split():
        if chunk.isalpha() and chunk.isascii() and chunk.islower():  # the most common case, a plain word
            out.append(chunk)
            code.append(False)
            continue
        found = cache.get(chunk)
        if found is None:
            if len(cache) >= CHUNK_CACHE_SIZE:
                cache.clear()
            found = cache[chunk] = _chunk_words(chunk)
        out += found[0]
        code += found[1]


_CHUNK_CACHE: dict[str, tuple[tuple[str, ...], tuple[bool, ...]]] = {}
CHUNK_CACHE_SIZE = 65536  # tasks repeat their capitalised words, paths and "word." ends of sentences


def _chunk_words(chunk: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """The words of a chunk of prose (no whitespace), and whether each comes from code."""
    out: list[str] = []
    code: list[bool] = []
    for raw in _RAW.findall(chunk):
        if raw.isalnum() and (raw.islower() or raw.isdigit() or (raw[0].isupper() and raw[1:].islower())):
            out.append(raw.lower())  # a plain word: nothing to split
            code.append(False)
        else:
            found = words(raw)
            out += found
            code += [bool(_IDENTIFIER.search(raw))] * len(found)
    return tuple(out), tuple(code)


def count_words(text: str) -> int:
    """`len(words(text))`, counted per whitespace-separated chunk (remembered, since tasks repeat them).

    `words` never joins or splits across whitespace, so the words of a text are the words of its
    chunks in order.
    """
    cache = _CHUNK_COUNT
    total = 0
    for chunk in text.split():
        count = cache.get(chunk)
        if count is None:
            if len(cache) >= CHUNK_CACHE_SIZE:
                cache.clear()
            count = cache[chunk] = len(words(chunk))
        total += count
    return total


_CHUNK_COUNT: dict[str, int] = {}


def stems(text: str) -> list[str]:
    """The stems of a text's words, in order."""
    return list(stem_key(text))


@lru_cache(maxsize=16384)
def stem_key(text: str) -> tuple[str, ...]:
    """The stems of a text's words as a tuple: how trigger phrases are indexed (cached, since catalogs repeat them)."""
    return tuple(stem(w) for w in words(text))
