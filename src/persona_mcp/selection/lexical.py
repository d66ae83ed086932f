"""The engineering lexicon filed for lookup: by the stems of its terms and related words, and by its globs.

Built once per lexicon (a catalog reload with the same lexicon reuses it) and shared by the
persona side (`derive`) and the task side (`domains`).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from persona_mcp.selection.files import lexicon_globs
from persona_mcp.text import stem, stem_key

if TYPE_CHECKING:
    from persona_mcp.lexicon import Lexicon, LexiconEntry

NAMED_KINDS = ("language", "technology", "tool")  # entries named by a proper name, not by a word of the trade
ROLE_LINK_MIN = 4  # a role word and a one-word term at least this long may be linked
ROLE_LINK_EXTRA = 3  # letters a role word may add to (or cut from) a term: "debug" + "ger"
# The endings that link them: a role word is its term plus the ending of one who does it ("debug" +
# "ger", "refactor" + "er", "secur(e)" + "ity"), or a term is the role word plus the ending of the
# work ("architect" + "ur(e)"). Other endings make other words: "data" + "bas(e)", "scala" + "ble".
ROLE_ENDINGS = ("er", "or", "r", "ger", "ter", "ist", "ian", "ity", "ty")
WORK_ENDINGS = ("ur", "ure", "e", "y", "ity", "ing", "al", "ion", "ics")
JS_ENDING = "j"  # "nodejs" stems to "nodej": a JavaScript name may drop its "js" ("node" of node-specialist)
_LONGER_ENDINGS = (*WORK_ENDINGS, JS_ENDING)  # what a term may add to a name's word (`Lexical.longer`)


class Lexical:
    """A lexicon's entries by what names them, what relates to them, and the files that signal them."""

    def __init__(self, lexicon: Lexicon) -> None:
        entries = lexicon.entries
        self.names = [entry.name for entry in entries]
        self.kinds = {entry.name: entry.kind for entry in entries}
        self.parents = {entry.name: tuple(d for d in entry.domains if d != entry.name) for entry in entries}
        # A domain -> the narrower domains that belong to it (devops -> ci, deployment, infrastructure).
        self.subdomains: dict[str, tuple[str, ...]] = {}
        for entry in entries:
            if entry.kind == "domain":
                for parent in self.parents[entry.name]:
                    self.subdomains[parent] = (*self.subdomains.get(parent, ()), entry.name)
        self.keys = _file(entries, naming=True)  # stems of a naming term -> its entries
        # A word may name one entry and relate to another ("javadoc" names a documentation tool and relates to
        # documentation): both hold, the entry it names first.
        self.related = {key: kept for key, names in _file(entries, naming=False).items()
                        if (kept := tuple(name for name in names if name not in self.keys.get(key, ())))}
        # Both in one table, as a task is read: stems -> (entry, whether the words are only related to it).
        self.readings = {key: tuple((name, False) for name in names) for key, names in self.keys.items()}
        for key, names in self.related.items():
            self.readings[key] = (*self.readings.get(key, ()), *((name, True) for name in names))
        # An entry named by its own name ("sqlite", "graphql", "database"), filed by its stems -> its other terms, as
        # written ("sqlite3", "libsql"): other names of one thing (`derive`, `SYNONYM_SHARE`). A term that holds the
        # name ("sqlite database") says it already. An entry whose name no term says ("go-libraries") groups
        # things, and a term other than its name ("Aurora" of aws) names a part of it: neither lends its terms.
        self.synonyms = {key: tuple(term for term in entry.terms if not set(key) <= set(stem_key(term)))
                         for entry in entries
                         if (key := stem_key(entry.name.replace("-", " "))) and entry.name in self.keys.get(key, ())}
        # A domain's own name names it in a persona's name ("build-engineer"), where it is not a term
        # of a task's text ("build a form").
        self.domain_names = {key: (entry.name,) for entry in entries if entry.kind == "domain"
                             and (key := stem_key(entry.name.replace("-", " "))) and key not in self.keys}
        # ... and so do an entry's `titles`, too common in a task's text to say anything there ("bug" of bug-hunter:
        # every kind of work has its bugs).
        for entry in entries:
            for title in entry.titles:
                key = stem_key(title)
                if key and key not in self.keys and entry.name not in self.domain_names.get(key, ()):
                    self.domain_names[key] = (*self.domain_names.get(key, ()), entry.name)
        # The stem of a verb that opens a task ("Extract ...", "Memoize ...") -> the entries it says the work is.
        self.verbs: dict[str, tuple[str, ...]] = {}
        for entry in entries:
            for verb in entry.verbs:
                key = stem_key(verb)
                if key and entry.name not in self.verbs.get(key[0], ()):
                    self.verbs[key[0]] = (*self.verbs.get(key[0], ()), entry.name)
        lengths: dict[str, set[int]] = {}
        for key in (*self.keys, *self.related):
            lengths.setdefault(key[0], set()).add(len(key))
        # The first stem of a term -> how many stems the terms it starts have, most first.
        self.lengths = {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}
        # The vocabulary, as written: the parts of a phrase are not known words by themselves ("load" of
        # "load testing").
        self.known = frozenset(self.keys) | frozenset(self.related)
        # Names and related words written as one word ("typescript", "devops", "useeffect"): their
        # camel-cased forms stay whole (text.words).
        self.one_word_terms = frozenset(key[0] for key in self.known if len(key) == 1)
        longer: dict[str, list[str]] = {}
        for key in self.keys:
            if len(key) == 1:
                for cut in range(1, ROLE_LINK_EXTRA + 1):
                    # Both words are real words ("c" of c-pro is not a short "csrf"), linked by an ending of work.
                    if len(key[0]) - cut >= ROLE_LINK_MIN and key[0][-cut:] in _LONGER_ENDINGS:
                        longer.setdefault(key[0][:-cut], []).append(key[0])
        self.longer = longer
        self.globs = lexicon_globs([(entry.name, entry.globs) for entry in entries])

    def other_senses(self, stems: list[str]) -> frozenset[tuple[int, int]]:
        """The spans of a task's words (start, end) that sit inside a longer phrase naming an entry and name or
        relate only to other entries: "injection" in "dependency injection" is not the security word, nor
        "dependency" the dependencies one. Words of the entries the phrase names, of a domain they belong to,
        or of an entry that belongs to one of these keep their sense ("ci" in "Travis CI", "css" in "CSS
        modules"); so does a language's, a technology's or a tool's name beside the name of a thing of its own
        inside the name of a tool ("python" in "python unittest", "aws" in "aws cli"), while a word of the trade
        there still does not ("cli"), nor a name that is a word of one longer name ("json" of "JSON Web Token"). A word
        taken in another sense has it wherever the text writes it alone."""
        spans: set[tuple[int, int]] = set()
        for start in range(len(stems)):
            for length in self.lengths.get(stems[start], ()):
                end = start + length
                readings = self.keys.get(tuple(stems[start:end])) if length > 1 and end <= len(stems) else None
                if not readings:
                    continue  # a related phrase is looser: "bundle size" is the build's word too
                kept = {kin for name in readings for kin in (name, *self.parents.get(name, ()))}
                tool = any(self.kinds[name] in NAMED_KINDS for name in readings)
                for first in range(start, end):
                    for last in range(first + 1, end + 1):
                        inner = self.readings.get(tuple(stems[first:last]))
                        # ... a name before or after the name of a thing of its own ("python" + "unittest"), not
                        # a word of a longer name ("json" of "JSON Web Token")
                        named_apart = tool and (*stems[start:first], *stems[last:end]) in self.keys
                        if inner and last - first < length and not any(
                                self._kin(entry, kept)
                                or (named_apart and self.kinds[entry] in NAMED_KINDS and not related)
                                for entry, related in inner):
                            spans.add((first, last))
        # One sense per text: a word that a phrase takes in another sense has it wherever the text uses it alone
        # ("How many injections in one class, with dependency injection?" asks of dependencies, not of attacks).
        taken = {stems[first] for first, last in spans if last - first == 1}
        spans.update((at, at + 1) for at, found in enumerate(stems) if found in taken)
        return frozenset(spans)

    def names_a_thing(self, stem: str) -> bool:
        """Whether a word is the name of a language, a technology or a tool ("terraform", "mocha")."""
        return any(self.kinds[name] in NAMED_KINDS for name in self.keys.get((stem,), ()))

    def _kin(self, entry: str, kept: set[str]) -> bool:
        """Whether an entry is one of `kept` or belongs to one of them."""
        return entry in kept or not kept.isdisjoint(self.parents.get(entry, ()))

    def unversioned(self, word: str) -> str:
        """A name's word without the version it ends in ("nuxt4" of nuxt4-pro), when that word alone names an entry
        and the word with its digits does not ("web3" does)."""
        bare = word.rstrip("0123456789")
        if bare != word and len(bare) > 2 and bare[-1].isalpha() and (stem(word),) not in self.known \
                and (stem(bare),) in self.known:
            return bare
        return word

    def variants(self, stem: str) -> list[str]:
        """A name's role word and the one-word terms it extends by a short ending, or cuts short.

        "debugger" and debug, "refactorer" and refactor, "architect" and architectur(e): the longer
        is the shorter plus at most `ROLE_LINK_EXTRA` letters, a `ROLE_ENDINGS` or `WORK_ENDINGS` ending.
        """
        cuts = [stem[:-cut] for cut in range(1, ROLE_LINK_EXTRA + 1)
                if len(stem) - cut >= ROLE_LINK_MIN and stem[-cut:] in ROLE_ENDINGS]
        if stem.endswith("ier") and len(stem) > ROLE_LINK_MIN:  # "tidier" of tidy, "copier" of copy
            cuts.append(stem[:-3] + "y")
        return [stem, *cuts, *self.longer.get(stem, ())]


def _file(entries: tuple[LexiconEntry, ...], naming: bool) -> dict[tuple[str, ...], tuple[str, ...]]:
    found: dict[tuple[str, ...], list[str]] = {}
    for entry in entries:
        for text in entry.terms if naming else entry.related:
            key = stem_key(text)
            if key and entry.name not in found.setdefault(key, []):
                found[key].append(entry.name)
    return {key: tuple(names) for key, names in found.items()}


@functools.lru_cache(maxsize=2)  # the lexicon in use, and the one a reload is replacing it with
def lexical(lexicon: Lexicon) -> Lexical:
    """The tables of a lexicon, built once."""
    return Lexical(lexicon)
