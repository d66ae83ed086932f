"""Word handling shared by the index and the requests: tokens, light stemming, path words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import NamedTuple

# Split "useState" and "HTMLParser", but keep plurals of acronyms ("APIs") whole.
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]{2,})")
# Kana and CJK ideographs, written without spaces between words, and Hangul syllables, whose words take their
# particles and endings without a space ("로그인이", "로그인을"): read in pairs (`_pairs`).
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
# A word is a run of letters and digits of any script ("sécurité" once its accents are off, "загрузка"), or a run
# of a script written without spaces.
_WORD = re.compile(rf"[{_UNSPACED}]+|[^\W_{_UNSPACED}]+[+#]*")
_UNSPACED_RUN = re.compile(rf"[{_UNSPACED}]{{2,}}")
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b")  # "the user's role" is the user role
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")
_VOWELS = frozenset("aeiouy")
_NAME_TOKEN = re.compile(r"[\w+#]+")
_LAST_ACCENTED = "\u0530"  # Latin, Greek and Cyrillic letters come before it (`fold`)
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
MAX_NAME_PARTS = 3  # a camel-cased name of at most this many parts may be a name written as one word

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

    Unrelated words must not meet (tests/test_lexicon.py sweeps the lexicon and the built-in
    personas for such collisions). The rules that keep them apart, after the Porter stemmer:
    a short word, and a word in "-le", keeps its final "e" ("code", "core", "mode", "note",
    "state", "role", "idle", "handle"), and its "-ing" and "-ed" forms get it back ("coding" ->
    "code"), so "cors", "mod", "not", "stat", "roll" and "idl" stay themselves; "-ate" is taken
    off only where the word had it ("validate", "validated"), never from "format" or "threat";
    a doubled l, s or z stays in a one-syllable word ("call", "roll", "fuzz"); "-eed" keeps its
    "ed" ("speed"); "-ment" comes off only a stem of two syllables or more ("deployment", not
    "statement"); a number's plural is the number ("500s" -> "500"). `_WHOLE_WORDS` lists the few words no rule
    can keep apart from an unrelated one.
    """
    w = word
    if w[-1:] == "s" and w[:-1].isdigit():
        return w[:-1]  # a number's plural: "the N+1s", "HTTP 500s"
    if len(w) <= 3 or not w.isalpha() or w in _WHOLE_WORDS:
        return w
    if w[-1] not in _SUFFIX_ENDS and w[-1] != w[-2]:  # no rule below applies: most words ending in a, o, k, m...
        return w
    if w.endswith(_BRITISH):  # optimise -> optimize, so both spellings meet
        at = w.rfind("is")
        w = w[:at] + "iz" + w[at + 2:]
    had_ate = w.endswith(_ATE)
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "ches", "shes", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w in _WHOLE_WORDS:  # "locales" as "locale"
        return w
    ending = ""
    if w.endswith("ing") and len(w) > 5 and _has_vowel(w[:-3]):
        w, ending = w[:-3], "ing"
    elif w.endswith("ed") and len(w) > 4 and not w.endswith("eed") and _has_vowel(w[:-2]):
        w, ending = w[:-2], "ed"
    elif w.endswith("ily") and len(w) > 5:
        w = w[:-3] + "y"
    elif w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    if w.endswith("ation") and len(w) > 8:  # validation, migration, optimization
        w = w[:-5]
    if w.endswith("ment") and len(w) > 8 and _syllables(w[:-4].removesuffix("e")) > 1:  # deployment; not statement
        w = w[:-4]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in _VOWELS and (w[-1] not in "lsz" or _syllables(w) > 1):
        w = w[:-1]  # running -> run, controlled -> control; but call, roll, class, fuzz stay
    elif ending and (_short(w) or _ends_consonant_l(w)):
        w += "e"  # coding -> code, handling -> handle, like "code" and "handle" themselves
    if len(w) > 3 and w.endswith("e") and not _short(w[:-1]) and not _ends_consonant_l(w[:-1]):
        w = w[:-1]
    if had_ate and w.endswith("at") and len(w) > 5:  # validate -> valid, like validation
        w = w[:-2]
    return w


_BRITISH = ("ise", "ised", "ises", "ising", "isation", "isations", "iser", "isers")
_ATE = ("ate", "ates", "ated", "ating")
_SUFFIX_ENDS = frozenset("edsgrynt")  # the last letters of every suffix `stem` takes off or changes
# Words that a suffix rule would merge with an unrelated word, kept whole:
_WHOLE_WORDS = frozenset({
    "locale",  # would meet "local"
    "formation",  # from "CloudFormation"; would meet "form"
    "nats",  # the message broker; would meet "nat" (network address translation)
    "anchore",  # the container scanner; would meet "anchor"
    "buildkite",  # the CI service; would meet "buildkit", Docker's builder
    "fastly",  # the CDN; would meet "fast"
    "costly",  # slow or expensive work; would meet "cost" (money: "at what cost?", cloud costs)
    "embeddings",  # vectors of machine learning; would meet "embedded" (systems); the verb's "embedding" still stems
    "documentation", "documentations",  # docs; would meet "document", a record (MongoDB documents, document loaders)
    "specification", "specifications",  # would meet "specific"
    "foundation", "foundations",  # would meet "found" ("file not found")
    "presentation", "presentations",  # would meet "present"
    "information",  # would meet "inform"
    "profiling", "profiler", "profilers",  # performance work; would meet "profile" (a user's, Spring's, helm's)
    "nightly",  # builds and releases of every night; would meet "night" ("the job ran twice last night")
    "documents",  # records (search, MongoDB, ~20M documents); would meet the verb "document"
    "pipelining", "pipelined",  # requests sent without waiting for replies (HTTP, Redis); would meet a CI "pipeline"
})


def _has_vowel(part: str) -> bool:
    return not _VOWELS.isdisjoint(part)


def _syllables(part: str) -> int:
    """How many groups of vowels a word has (Porter's measure, near enough)."""
    groups = 0
    previous = False
    for ch in part:
        vowel = ch in _VOWELS
        groups += vowel and not previous
        previous = vowel
    return groups


def _ends_consonant_l(part: str) -> bool:
    """A stem of "-le" ("handl", "idl", "bundl"): its "e" is its own, so "idle" never meets "idl"."""
    return len(part) >= 3 and part[-1] == "l" and part[-2] not in _VOWELS and part[-2] != "l"


def _short(part: str) -> bool:
    """A one-syllable stem ending consonant, vowel, consonant ("cod", "stat", "writ"): a word whose "e" is its own."""
    return (len(part) >= 3 and part[-1] not in _VOWELS and part[-1] not in "wx" and part[-2] in _VOWELS
            and part[-3] not in _VOWELS and _syllables(part) == 1)


def fold(text: str) -> str:
    """The text with the accents of Latin, Greek and Cyrillic letters taken off and compatibility forms made
    plain ("Sécurité" -> "Securite", "naïve" -> "naive", a full-width API -> "API"), so that a word meets
    its spelling without them. Other scripts' marks are their letters' own (the kana "グ" stays itself)."""
    if text.isascii() or (unicodedata.is_normalized("NFKD", text) and unicodedata.is_normalized("NFC", text)
                          and not any(unicodedata.combining(char) for char in _NOT_ASCII.findall(text))):
        return text  # nothing to take off or make plain: typographic quotes and dashes, most other scripts
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char) and kept and kept[-1] < _LAST_ACCENTED:
            continue  # an accent on a Latin, Greek or Cyrillic letter
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def words(text: str, names: AbstractSet[str] = frozenset()) -> list[str]:
    """Lowercase words of a text, with camelCase and snake_case split apart, and accents taken off (`fold`).

    `names` holds the stems of names written as one word ("typescript", "github", "devops"): a
    camel-cased word that joins up to one of them ("TypeScript", "GitHub", "DevOps") stays whole, and so
    does a name written with a dot ("Next.js", "node.js"): it is one name, not "next" and "js" (JavaScript).
    """
    text = fold(text)
    if "'" in text or "\u2019" in text:
        text = _POSSESSIVE.sub("", text)
    if "." in text:
        text = _DOTNET.sub(" dotnet", text)
        if names:
            text = _DOTTED_NAME.sub(lambda match: _dotted(match, names), text)
    if text.islower() or not any(ch.isupper() for ch in text):  # nothing to split by case
        return _pairs(_WORD.findall(text.lower().replace("_", " ")))
    if names:
        return [word for token in _NAME_TOKEN.findall(text) for word in _token_words(token, names)]
    text = _ACRONYM_PLURAL.sub(_first_group, text)
    return _pairs(_WORD.findall(_CAMEL.sub(" ", text).lower().replace("_", " ")))


def _pairs(found: list[str]) -> list[str]:
    """The words, with each run of a script written without spaces read as its overlapping pairs of characters
    ("読み込み" -> 読み, み込, 込み): nothing marks where its words end, and most of them are two characters
    long or made of such pairs, so pairs meet wherever the same words are written. So is a Korean word, so that
    "로그인이" and "로그인을" meet in 로그 and 그인."""
    if all(word.isascii() for word in found):
        return found
    out: list[str] = []
    for word in found:
        if _UNSPACED_RUN.fullmatch(word):
            out += [word[at:at + 2] for at in range(len(word) - 1)]
        else:
            out.append(word)
    return out


def _token_words(token: str, names: AbstractSet[str]) -> list[str]:
    parts = words(token)
    if 2 <= len(parts) <= MAX_NAME_PARTS and "_" not in token and stem(joined := "".join(parts)) in names:
        return [joined]
    return parts


# .NET, written alone or as the end of ASP.NET, ADO.NET or VB.NET, is one name ("dotnet"): not the word "net" (Go's
# net/http, a safety net).
_DOTNET = re.compile(r"(?:(?<![\w.])|(?<=asp)|(?<=ado)|(?<=vb))\.net\b", re.IGNORECASE)
# A word, a dot and a short ending ("Next.js", "Vue.js"), not followed by more of a path or a member access.
_DOTTED_NAME = re.compile(r"\b([A-Za-z][A-Za-z0-9]*)\.([A-Za-z]{2,3})\b(?![.\w/])")


def _dotted(match: re.Match[str], names: AbstractSet[str]) -> str:
    """The dotted word joined up when that makes a name ("Next.js" -> "nextjs"), else as it was ("model.js")."""
    joined = (match.group(1) + match.group(2)).lower()
    found = stem(joined)
    # ... a name of its own, not its first word's with an ending ("test.ts" is a test file, not "test")
    return joined if found in names and found != stem(match.group(1).lower()) else match.group(0)


def _first_group(match: re.Match[str]) -> str:
    return match.group(1)


# A text's raw words, before they are split into words: letters, digits and the characters of names and paths.
_RAW_WORD = re.compile(r"[\w$.+#/-]+")
# A run of characters that is code rather than prose: camelCase, snake_case, `a.b` member access,
# a `$variable` or a path.
_IDENTIFIER = re.compile(r"[a-z0-9][A-Z]|_[A-Za-z0-9]|[A-Za-z]{2}\.[A-Za-z]{2}|^\$|[\w-]{3}/[\w-]{3}")
# ... but a document's name ("README.md", "docs/setup.rst") names the document the work is on, in words of prose.
DOCUMENT_ENDS = (".md", ".mdx", ".rst", ".txt", ".adoc")
# A span in backticks, or a link's address, whose words are those of its path ("https://host/api/users?mode=doc": "api",
# "users"): the host and the query name no work.
_CODE_SPAN = re.compile(r"`([^`\n]*)`|\b(?:https?|ftp)://[^/\s<>()\[\]`\"']*(?P<path>[^\s<>()\[\]`\"'?#]*)"
                        r"[^\s<>()\[\]`\"']*")


class Analysis(NamedTuple):
    """A text's words (see `analyse`), whether each comes from code, their stems, and where each word's run of
    characters starts in the text: how many words a part of the text holds is read from `starts`."""

    words: list[str]
    code: list[bool]
    stems: list[str]
    starts: list[int]


def analyse(text: str, names: AbstractSet[str] = frozenset()) -> Analysis:
    """The words of a (`fold`ed) text, whether each comes from code, their stems and where each starts.

    Words inside backticks, of a link's path, and the parts of identifiers (`optimizeDeps`, `load_tables`,
    `reply.send`), name things rather than say what the task is: the selector weighs the activity words among
    them less; a link's host and query are left out. A name written in camel case ("TypeScript", see `words`)
    is a word of prose. The parts of one identifier, or of a span in backticks or a link, share its start.
    """
    text = fold(text)
    found = Analysis([], [], [], [])
    at = 0
    for span in _CODE_SPAN.finditer(text):
        _prose_words(text, at, span.start(), found, names)
        span_words = words(span.group(1) if span.group("path") is None else span.group("path"))
        found.words.extend(span_words)
        found.code.extend([True] * len(span_words))
        found.starts.extend([span.start()] * len(span_words))
        at = span.end()
    _prose_words(text, at, len(text), found, names)
    found.stems.extend(map(stem, found.words))
    return found


def _prose_words(text: str, start: int, end: int, found: Analysis, names: AbstractSet[str]) -> None:
    found_words, code, starts = found.words, found.code, found.starts
    for raw in _RAW_WORD.finditer(text, start, end):
        token, at = raw.group(), raw.start()
        word = token.rstrip(".")  # the end of a sentence
        if word.isalpha() and (word.islower() or word.istitle()):  # most of prose: one word, nothing to split
            if word == "s" and at > 0 and text[at - 1] in "'\u2019":
                continue  # the "'s" of "the user's role": the role is the user's
            if word == "Go" and not _opens_sentence(text, at):
                word = "golang"  # "a channel in Go", "our Go service": the verb is capitalised only opening a sentence
            found_words.append(word.lower())
            code.append(False)
            starts.append(at)
            continue
        raw_words = words(token, names)
        # "TypeScript", kept whole as a name: a word of prose
        a_name = bool(names) and len(raw_words) == 1 and len(words(token)) > 1
        found_words.extend(raw_words)
        in_code = not a_name and not word.lower().endswith(DOCUMENT_ENDS) and bool(_IDENTIFIER.search(token))
        code.extend([in_code] * len(raw_words))
        starts.extend([at] * len(raw_words))


def _opens_sentence(text: str, at: int) -> bool:
    """Whether the word at `at` opens the text or a sentence (after ".", "!", "?", ":" or a new line)."""
    before = at - 1
    while before >= 0 and text[before] in " \t":  # back over the blanks between it and the word before: linear
        before -= 1
    return before < 0 or text[before] in ".!?:\n"


def stem_key(text: str) -> tuple[str, ...]:
    """The stems of a text's words as a tuple: how trigger phrases are indexed."""
    return tuple(stem(w) for w in words(text))


# Go, the language, in a persona's prose: capitalised after a word ("Senior Go engineer", "services in Go") or before
# its version ("Go 1.21+"), as a task's words read it (`analyse`); not the verb that opens a sentence or an item.
_GO_IN_PROSE = re.compile(r"(?<=[\w,;)] )Go\b(?!['\u2019-])|\bGo(?= \d)|\AGo\Z")


def go_named(text: str) -> str:
    """The text with Go, the language, written as the one word no verb shares ("golang")."""
    return _GO_IN_PROSE.sub("golang", text) if "Go" in text else text


def go_in_name(name_words: list[str]) -> list[str]:
    """A persona's name's words with "go" read as the language ("go-expert"), not the verb of "go-to-market"."""
    return ["golang" if word == "go" and name_words[at + 1:at + 2] != ["to"] else word
            for at, word in enumerate(name_words)]
