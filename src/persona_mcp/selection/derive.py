"""What a persona's own file says about when it applies: its terms, globs and request shapes, with their sources.

Declared triggers come first. A persona with only a name, a description and a body gets its
evidence from what authors write to say when a persona applies: the words of its name and title,
the trigger clauses of its description ("Auto-invoke when:", "Use this agent when", "Use
PROACTIVELY for", "Triggers on", "MUST BE USED"), the items under headings such as "Triggers",
"When to use" or "Focus areas", and boundaries ("Do NOT load for:", "Will not") as evidence
against it. The technologies and domains of the engineering lexicon that the persona names say
what it is about (see `_entries`); the task is read against the same lexicon (`domains.py`).
`persona-mcp show NAME --evidence` prints the result.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, NamedTuple

from persona_mcp.clauses import without_asides
from persona_mcp.selection import tunables as t
from persona_mcp.selection.authored import description_parts, section_kind, sections
from persona_mcp.selection.files import FileTrigger
from persona_mcp.selection.lexical import Lexical, lexical
from persona_mcp.text import STOPWORDS, go_in_name, go_named, stem, words

if TYPE_CHECKING:
    from persona_mcp.lexicon import Lexicon
    from persona_mcp.model import Persona

# Words of persona prose that say nothing about the kind of work: "Use this agent when you need
# an expert to ensure ..." A term made only of these (and function words) is not kept.
PROSE_FILLER = frozenset({
    "agent", "agents", "assistant", "persona", "skill", "skills", "rule", "rules", "use", "used", "using", "uses",
    "need", "needs", "needed", "want", "wants", "help", "helps", "helping", "expert", "experts", "expertise",
    "specialist", "specialists", "specialize", "specializes", "specializing", "specialized", "senior", "task",
    "tasks", "work", "works", "working", "ensure", "ensures", "ensuring", "create", "creates", "creating",
    "comprehensive", "modern", "best", "practice", "practices", "focus", "focuses", "focusing", "focused",
    "including", "include", "includes", "like", "across", "via", "etc", "eg", "ie", "invoke", "invoked",
    "invoking", "proactively", "must", "specific", "specifically", "various", "new", "existing", "complex",
    "robust", "high", "level", "deep", "strong", "excellent", "exceptional", "optimal", "efficient", "effective",
    "clear", "user", "users", "request", "requests", "requested", "asks", "ask", "asked", "handle", "handles",
    "handling", "provide", "provides", "providing", "make", "makes", "making", "get", "gets", "getting", "got",
    "also", "well", "way", "ways", "thing", "things", "any", "every", "always", "never", "whenever", "example",
    "examples", "context", "commentary", "emphasis", "delivering", "deliver", "delivers", "mastery", "master",
    "masters", "approach", "approaches", "based", "driven", "related", "relevant", "general", "world", "class",
    "professional", "production", "ready", "grade", "scale", "scalable", "key", "core", "primary", "main",
    "one", "two", "three", "first", "let", "lets", "may", "might", "us", "go", "going", "see", "look", "good",
    "great", "right", "proper", "properly", "appropriate", "available", "possible", "current", "currently",
    "support", "supports", "supporting", "require", "requires", "required", "requirements", "solution",
    "solutions", "capability", "capabilities", "area", "areas", "feature", "features", "within",
    "without", "toward", "towards", "around", "throughout", "involving", "involves", "involve", "whether",
})
# Words of a persona's name that say what it is, not what it works on: "performance-engineer", and what its file is:
# the "instructions" of "Debug Mode Instructions" (Copilot's custom agents) are not documentation work.
ROLE_WORDS = frozenset({
    "engineer", "developer", "dev", "expert", "specialist", "pro", "agent", "assistant", "persona", "senior",
    "lead", "master", "guru", "helper", "bot", "wizard", "consultant", "advisor", "adviser", "professional", "skill",
    "rule", "rules", "hunter", "fixer", "builder", "crafter", "craftsman", "artisan", "wrangler", "whisperer", "ninja",
    "steward", "instructions", "instruction", "universal", "principal", "staff", "chief",
})
# Last words of a name that say who checks the words before them, or that they are checked:
# "architect-reviewer" and "architect-review" are about architecture, so their head is "architect". An
# architect or an optimizer of something is first of all about that thing, as its auditor is: kubernetes-architect
# and security-architect are a Kubernetes and a security agent that design, dx-optimizer improves developer
# experience (on the public catalogs: +49 top-1 answers over the labelled foreign sets, none of the built-in's).
CHECKER_WORDS = frozenset({"reviewer", "auditor", "tester", "inspector", "checker", "review", "audit", "architect",
                           "optimizer"})
# Words of a question that make it one, not what it is about ("how do I", "why does", "do I need", "should I use").
QUESTION_WORDS = frozenset({
    "how", "why", "what", "whats", "when", "where", "which", "who", "can", "could", "should", "would", "will",
    "do", "does", "did", "is", "are", "i", "my", "it", "there", "possible", "way", "difference", "mean",
    "means", "meaning", "need", "use", "get", "want", "know",
})
# Where a stretch of prose splits into items: punctuation, the end of a sentence ("... maintainability. Use
# immediately after writing ..." is two), and words that join items of a list.
_ITEM_SPLIT = re.compile(r"[,;:()\[\]]|[.!?](?=\s|$)|\s+(?:or|and|/)\s+|\s+-\s+|\s+&\s+")
_WORD = re.compile(r"[a-z][a-z0-9+#]*")
_NAME_PARTS = re.compile(r"[-_.\s]+")  # the words of a persona's short name
_NAME_SPLIT = re.compile(r"[^a-z0-9+#]+")  # the words of a name or title, as `name_entries` reads them
_PARTICIPLE = re.compile(r"[a-z]{2,}[^e]ed")  # "compiled", "shared"; not "speed", "need", "seed"
DECLARED = ("activity-keywords", "trigger-keywords", "negative-keywords")  # the author's own trigger fields
SYNONYMS = "lexicon: names of"  # the source of the other names of what a declared keyword names (`SYNONYM_SHARE`)
MAX_ITEM_WORDS = 5  # a list item of up to this many content words is also kept whole, as a phrase


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase that argues for (or against) a persona when the task says it."""

    text: str  # as written
    key: tuple[str, ...]  # its stems
    weight: float  # before the catalog's rarity is applied
    source: str  # where it was found: "trigger-keywords", "name", "trigger-clause", "lexicon: terraform" ...
    kind: str  # the evidence kind it fires as: activity, keyword, name, description, section, lexicon, negative
    shape_only: bool = False  # made only of question words ("how do I"): a request shape, not a domain


@dataclass(frozen=True)
class Profile:
    """Everything selection knows about one persona, and where each piece came from."""

    terms: tuple[Term, ...]
    globs: tuple[FileTrigger, ...]
    shapes: frozenset[str]
    shape_source: str  # "declared", or the word that marked the shape
    entries: dict[str, tuple[float, str]] = field(default_factory=dict)  # lexicon entry -> (weight, where named)
    body: Counter[str] = field(default_factory=Counter)  # stem counts of its prose, for the weak prior
    declared: bool = False  # whether its author declared trigger keywords (`DERIVED_DOMAIN_WEIGHT`)

    @property
    def positive(self) -> list[Term]:
        return [term for term in self.terms if term.kind != "negative"]

    @property
    def negative(self) -> list[Term]:
        return [term for term in self.terms if term.kind == "negative"]


def is_content(word: str) -> bool:
    """Whether a word can say what kind of work something is."""
    return len(word) > 1 and not word.isdigit() and word not in STOPWORDS and word not in PROSE_FILLER


SHAPE_WORDS = STOPWORDS | QUESTION_WORDS  # a phrase made only of these is a request shape ("how do I")


class _Phrase(NamedTuple):  # a tuple, not a frozen dataclass: a 1,000-persona catalog makes ~12,000, five times faster
    """A text as `_Builder.add` reads it: read once per catalog, however many personas write it."""

    text: str  # trimmed of quotes and emphasis
    key: tuple[str, ...]  # the stems of its words; empty when it has none
    content: bool  # some word of it can say what kind of work something is
    framed: bool  # one word, or a phrase that starts and ends with such words ("the API of" is not one)
    unknown: bool  # the lexicon knows neither the phrase nor any of its words
    written: int  # how many words it is written as: "ContentTypeParser" is one name, not a phrase
    shape_only: bool


class _Phrases:
    """Reads texts into `_Phrase`s, and makes their `Term`s, each distinct one once: many personas of a
    catalog write the same words, and share one term for them. The tables live as long as their `Deriver`.

    `known` is the lexicon's vocabulary (stems); with no lexicon, every word is known. `names` are
    the lexicon's names written as one word: "TypeScript" is read as the task reads it, one word.
    """

    def __init__(self, tables: Lexical | None) -> None:
        self.tables = tables
        self.known = tables.known if tables is not None else None
        self.names = tables.one_word_terms if tables is not None else frozenset()
        self.read: dict[str, _Phrase] = {}
        self.terms: dict[tuple[str, float, str, str], Term] = {}
        self.items: dict[tuple[str, bool], tuple[tuple[str, bool], ...]] = {}  # (item, negative) -> `item`

    def __call__(self, text: str) -> _Phrase:
        phrase = self.read.get(text)
        if phrase is None:
            phrase = self.read[text] = self._read(text)
        return phrase

    def item(self, item: str, negative: bool) -> tuple[tuple[str, bool], ...]:
        """The texts a list item of prose adds to a persona's terms (`_Builder.add_prose`), each with whether
        it is added as declared: worked out once per distinct item, as many personas write the same items.

        A short item is kept whole, as its content words in order ("identify performance bottlenecks"),
        then each content word but those a lexicon phrase of the item takes in another sense ("api" of "API
        reference", as a task's words are read) and a participle before another word, which says what kind of
        thing that is ("Compiled queries" are no compiling). What argues against is read as written: "UI-only
        fixes", not "fixes". A short item made only of question words ("how do I", "why does") is kept whole as well, as
        declared: it names a request shape.
        """
        found = self.items.get((item, negative))
        if found is not None:
            return found
        item_words = words(go_named(item), self.names)
        content = [word for word in item_words if is_content(word)]
        if not content:
            shape = 1 < len(item_words) <= MAX_ITEM_WORDS and SHAPE_WORDS.issuperset(item_words)
            found = ((item, True),) if shape else ()
        elif negative:
            found = ((" ".join(content), False),) if len(content) <= MAX_ITEM_WORDS else ()
        else:
            whole = ((" ".join(content[-3:]), False),) if 1 < len(content) <= MAX_ITEM_WORDS else ()
            stems = [stem(word) for word in content]
            senses = self.tables.other_senses(stems) if self.tables is not None and len(content) > 1 else frozenset()
            found = (*whole, *self._inner_phrases(content, stems),
                     *((word, False) for at, word in enumerate(content) if (at, at + 1) not in senses
                       and not (at + 1 < len(content) and _PARTICIPLE.fullmatch(word))))
        self.items[(item, negative)] = found
        return found

    def _inner_phrases(self, content: list[str], stems: list[str]) -> list[tuple[str, bool]]:
        """The lexicon's phrases written inside a longer item ("build system" in "build system enhancement"): a
        phrase of the trade, as the lexicon writes it, says what the item is about; unless a technology's name
        comes right before it, whose it is ("Terraform configuration files" are .tf files, not a config folder)."""
        tables = self.tables
        if tables is None:
            return []
        return [(" ".join(content[start:start + length]), False)
                for start in range(len(stems)) for length in reversed(tables.lengths.get(stems[start], ()))
                if 1 < length < len(stems) and start + length <= len(stems)
                and tuple(stems[start:start + length]) in tables.known
                and not (start and tables.names_a_thing(stems[start - 1]))]

    def term(self, phrase: _Phrase, weight: float, source: str, kind: str) -> Term:
        made = (phrase.text, weight, source, kind)
        term = self.terms.get(made)
        if term is None:
            term = self.terms[made] = Term(phrase.text, phrase.key, weight, source, kind, phrase.shape_only)
        return term

    def _read(self, text: str) -> _Phrase:
        text = text.strip().strip(".\"'`*_").strip()
        found = words(go_named(text), self.names)
        key = tuple(map(stem, found))
        known = self.known
        return _Phrase(
            text=text,
            key=key,
            content=any(map(is_content, found)),
            framed=len(found) < 2 or (is_content(found[0]) and is_content(found[-1])),
            unknown=known is not None and key not in known and not any((k,) in known for k in key),
            written=min(len(key), len(text.split())),
            shape_only=SHAPE_WORDS.issuperset(found),
        )


class _Builder:
    """Collects a persona's terms: the first (strongest) source that names a phrase keeps it.

    A word of prose the lexicon does not know counts `UNKNOWN_PROSE_FACTOR` as much.
    """

    def __init__(self, phrases: _Phrases) -> None:
        self.positive: dict[tuple[str, ...], Term] = {}
        self.negative: dict[tuple[str, ...], Term] = {}
        self.derived = 0
        self.phrases = phrases

    def add(self, text: str, source: str, kind: str, weight: float, *, declared: bool = False) -> None:
        phrase = self.phrases(text)
        key = phrase.key
        if not key or (not declared and not phrase.content):
            return
        if not declared and not phrase.framed:
            return  # "the API of" is not a phrase anyone writes in a task
        if not declared and phrase.unknown:
            weight *= t.UNKNOWN_NAME_FACTOR if source in ("name", "title") else t.UNKNOWN_PROSE_FACTOR
        target = self.negative if kind == "negative" else self.positive
        if key in target and (target[key].weight >= weight or target[key].source in DECLARED):
            return  # a declared trigger keeps its place: the author said it
        if not declared:
            if self.derived >= t.MAX_DERIVED_TERMS:
                return
            self.derived += 1
        if phrase.written > 1:
            weight *= 1 + t.PHRASE_BONUS * (phrase.written - 1)
        target[key] = self.phrases.term(phrase, weight, source, kind)

    def add_prose(self, text: str, source: str, kind: str, weight: float) -> None:
        """The phrases of a stretch of prose: short list items whole, and every content word (`_Phrases.item`).

        What argues against is read without its asides: in "ORM queries (backend)" or "styling (use the
        frontend persona)" the aside names who does that work instead, which is no evidence against."""
        negative = kind == "negative"
        if negative:
            text = without_asides(text)
        for item in _ITEM_SPLIT.split(text):
            for phrase, declared in self.phrases.item(item, negative):
                self.add(phrase, source, kind, weight, declared=declared)


class _PieceStems(dict[str, tuple[str, ...]]):
    """A piece of prose cut at white space ("cache", "cache,", "(see") -> the stems of its words that say
    something, read when first looked up: a function word is left out, and so is a word whose stem is
    one ("others")."""

    def __missing__(self, piece: str) -> tuple[str, ...]:
        stems = (stem(word) for word in _WORD.findall(piece) if len(word) > 2 and is_content(word))
        kept = self[piece] = tuple(found for found in stems if found not in STOPWORDS)
        return kept


class Deriver:
    """Derives profiles against one lexicon."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.tables: Lexical | None = lexical(lexicon) if lexicon is not None else None
        tables = self.tables
        self.phrases = _Phrases(tables)
        self.body_pieces = _PieceStems()  # a piece of prose -> the stems of its words that count
        self.section_kind = functools.cache(section_kind)  # a heading -> what its section says (`sections`)
        self.file_triggers: dict[str, FileTrigger] = {}  # a declared glob -> its trigger, shared like terms

    def body_counts(self, persona: Persona) -> Counter[str]:
        """Stem counts of the description and the body's start: the weak prior's raw material.

        The text is cut at white space, and each distinct piece ("cache", "cache,", "(see") is read
        once per catalog (`body_pieces`).
        """
        pieces = (persona.spec.description + "\n" + persona.body[: t.BODY_CHARS]).lower().split()
        return Counter(chain.from_iterable(map(self.body_pieces.__getitem__, pieces)))

    def name_entries(self, text: str) -> tuple[dict[str, tuple[float, str]], int]:
        """The entries a persona's name (or title) names: entry -> (how much, the words that name it),
        and how many of its words qualify what it names: words that name no entry ("kafka" of kafka-architect; "c4"
        of c4-component, but at the head a word with digits numbers what comes before: "top10" of owasp-top10-expert)
        or name an entry named again ("microservices" of microservices-architect).

        The longest run of its words that names an entry wins ("penetration tester" is security, so
        its "tester" does not also name testing); the last word of a run may be a role form of a term.
        The name's last word is its head: what comes before it only qualifies it ("ab-test-analysis"
        analyses, it does not test), so an entry named only before the head counts `MODIFIER_SHARE`, and
        so does one named only by a checker word after it (accessibility-tester tests accessibility), unless
        the head names one of that entry's own tools (playwright-tester is a tester).
        """
        tables = self.tables
        found: dict[str, tuple[float, str]] = {}
        if tables is None:
            return found, 0
        parts = go_in_name(_NAME_SPLIT.split(text.lower()))
        name_words = [tables.unversioned(w) for w in parts if w and w not in ROLE_WORDS]
        stems = [stem(w) for w in name_words]
        head_at = head_index(name_words)
        covered: set[int] = set()
        spans = 0
        at_head: set[str] = set()  # the entries the head names
        checked: set[str] = set()  # the entries a checker word after the head names ("tester" of api-tester)
        for length in range(min(len(stems), 4), 0, -1):
            for start in range(len(stems) - length + 1):
                span = range(start, start + length)
                if not covered.isdisjoint(span):
                    continue
                head = tuple(stems[start:start + length - 1])
                word = stems[start + length - 1]
                for last in tables.variants(word):
                    key = (*head, last)
                    if key not in tables.known and key not in tables.domain_names:
                        continue  # names nothing (most words of a name)
                    # A role form or a related word names a domain ("architect" is architecture, "qa" is
                    # testing), not a technology: the "build" of build-engineer is not Buildah, nor the
                    # "optimizer" of dx-optimizer PyTorch's. A JavaScript name may drop its "js" ("node").
                    names = (tables.keys.get(key) or tables.domain_names.get(key, ())
                             if last in (word, stem(word + "js")) else ())
                    names = names or tuple(name for name in (*tables.keys.get(key, ()), *tables.related.get(key, ()))
                                           if tables.kinds.get(name) == "domain")
                    if names:
                        covered.update(span)
                        spans += 1
                        share = 1.0 if start <= head_at < start + length else t.MODIFIER_SHARE
                        if share == 1.0:
                            at_head.update(names)
                        elif start > head_at:
                            checked.update(names)
                        for name in names:
                            if share > found.get(name, (0.0, ""))[0]:
                                found[name] = (share, " ".join(name_words[start:start + length]))
                        break
        # A checker word names what the persona does when the head names one of its tools: playwright-tester tests
        # with Playwright (a testing tool), where api-tester tests an API.
        for name in checked:
            if any(name in tables.parents.get(entry, ()) for entry in at_head):
                found[name] = (1.0, found[name][1])
        unnamed = sum(1 for at, word in enumerate(name_words) if at not in covered and at <= head_at and len(word) > 1
                      and (word.isalpha() or (at < head_at and word.isalnum())) and word not in STOPWORDS)
        return found, max(0, spans - len(found)) + unnamed

    def derive(self, persona: Persona) -> Profile:
        """The profile of one persona: its terms and globs with their sources, and the shapes it answers."""
        spec = persona.spec
        build = _Builder(self.phrases)
        w = t.SOURCE_WEIGHT
        keywords = (("activity-keywords", "activity", spec.activity_keywords),
                    ("trigger-keywords", "keyword", spec.trigger_keywords))
        for source, kind, texts in keywords:
            for text in texts:
                build.add(text, source, kind, w[source], declared=True)
        synonyms = self.tables.synonyms if self.tables is not None else {}
        for source, kind, texts in keywords:  # ... and the other names of the lexicon entries they name
            for text in texts:
                for other in synonyms.get(self.phrases(text).key, ()):
                    build.add(other, f"{SYNONYMS} {text} ({source})", kind, w[source] * t.SYNONYM_SHARE, declared=True)
        for text in spec.negative_keywords:
            build.add(text, "negative-keywords", "negative", w["negative-keywords"], declared=True)
        for source, name_words in (("name", go_in_name(_NAME_PARTS.split(persona.short_name.lower()))),
                                   ("title", go_in_name(words(persona.title, self.phrases.names)))):
            name_words = [word for word in name_words if word and word not in ROLE_WORDS]
            head_at = head_index(name_words)
            for at, word in enumerate(name_words):  # "growth" of growth-loops only qualifies its head
                build.add(word, source, "name", w[source] * (t.MODIFIER_SHARE if at < head_at else 1.0))
        # The author said when the persona applies: its prose then only adds to that, at a lower weight.
        declared = bool(spec.trigger_keywords or spec.activity_keywords)
        prose = t.DECLARED_PROSE_FACTOR if declared else 1.0
        w = {source: weight * (prose if source in ("description", "section") else 1.0) for source, weight in w.items()}
        clauses, boundaries, rest = description_parts(spec.description)
        for clause in clauses:
            build.add_prose(clause, "trigger-clause", "description", w["trigger-clause"])
        for clause in boundaries:
            build.add_prose(clause, "boundary", "negative", w["boundary"])
        for section, items, negative in sections(persona.body, self.section_kind):
            for item in items:
                if negative:
                    build.add_prose(item, f"section: {section}", "negative", w["boundary"])
                else:
                    build.add_prose(item, f"section: {section}", "section", w["section"])
        build.add_prose(rest, "description", "description", w["description"])
        for glob in spec.trigger_files:
            if glob not in self.file_triggers:
                self.file_triggers[glob] = FileTrigger(glob, 1.0, "trigger-files")
        globs = [self.file_triggers[glob] for glob in spec.trigger_files]
        entries = _entries(build, self, persona.short_name, persona.title) if self.tables is not None else {}
        if prose != 1.0:  # declared triggers say when the persona applies; the lexicon only adds to them
            entries = {name: (weight * prose, where) for name, (weight, where) in entries.items()}
        return Profile(
            terms=tuple(build.positive.values()) + tuple(build.negative.values()),
            globs=tuple(globs),
            # The request shapes it declares (one that declares none still gains from a request's shape through the
            # domain it stands for: see `SHAPE_DOMAINS`).
            shapes=frozenset(spec.request_shapes),
            shape_source="declared",
            entries=entries,
            body=self.body_counts(persona),
            declared=declared,
        )


def head_index(name_words: list[str]) -> int:
    """Where a name's head is: its last word, unless that names who checks the rest ("architect-reviewer")."""
    head_at = len(name_words) - 1
    while head_at > 0 and name_words[head_at] in CHECKER_WORDS:
        head_at -= 1
    return head_at


def _entries(build: _Builder, deriver: Deriver, short_name: str, title: str) -> dict[str, tuple[float, str]]:
    """The lexicon entries the persona is about: entry -> (how much, where it is named).

    An entry counts by where it is named: its name or title (1, shared among the entries the name names, see
    `IDENTITY_SPREAD`), a declared keyword, a trigger clause, a section, the description (`OTHER_REACH`, less for a
    source weaker than `FULL_REACH_WEIGHT`). A name's word also names an entry whose term it extends by a role ending
    ("architect" and architecture). A related word names its entry at `RELATED_REACH` of that. Each entry passes
    `PARENT_SHARE` of its weight on to the domains it belongs to; a technology or a tool the name names passes
    `NAME_PARENT_SHARE` (jest-expert is a testing persona).
    """
    found: dict[str, tuple[float, str]] = {}
    identity: set[str] = set()
    tables = deriver.tables
    if tables is None:
        return found

    def name(entry: str, weight: float, where: str) -> None:
        if weight > found.get(entry, (0.0, ""))[0]:
            found[entry] = (weight, where)

    qualifiers = 0
    heads: set[str] = set()  # the entries the name's head names: a word before it only qualifies them
    for source, text in (("name", short_name), ("title", title)):
        named, unnamed = deriver.name_entries(text)
        for entry, (share, words_) in named.items():
            name(entry, share, f"{source}: {words_}")  # the name says what the persona is about
            identity.add(entry)
            if share == 1.0:
                heads.add(entry)
        qualifiers = max(qualifiers, unnamed)
    for term in list(build.positive.values()):
        source = term.source
        kind_of_source = source.partition(":")[0]  # a section's items come as "section: Focus areas"
        if term.key not in tables.known or kind_of_source not in t.LEXICON_REACH or source in ("name", "title"):
            continue  # most of a persona's terms name no entry
        terms_of, related_of = tables.keys.get(term.key, ()), tables.related.get(term.key, ())
        written = min(len(term.key), len(term.text.split()))
        reach = t.OTHER_REACH * min(1.0, term.weight / (1 + t.PHRASE_BONUS * (written - 1)) / t.FULL_REACH_WEIGHT)
        for entry in terms_of:
            name(entry, reach, f"{source}: {term.text}")
        for entry in related_of:
            name(entry, reach * t.RELATED_REACH, f"{source}: {term.text}")
    for entry in identity:  # a persona whose name names several things is less about each ("ui-ux-tester")
        weight, where = found[entry]
        found[entry] = (weight / (len(identity) + t.QUALIFIER_COUNT * qualifiers) ** t.IDENTITY_SPREAD, where)
    parts: set[str] = set()
    for entry in identity & heads:  # a persona named for a broad domain does its narrower ones (devops-engineer and CI)
        weight, where = found[entry]
        for part in tables.subdomains.get(entry, ()):
            name(part, weight * t.SUBDOMAIN_SHARE, down := f"{where} (part of {entry})")
            if found[part][1] == down:
                parts.add(part)
    for entry, (weight, where) in list(found.items()):
        if entry in parts:
            continue  # reached down from its domain, it leads nowhere up: security's authentication is no backend
        for parent in tables.parents.get(entry, ()):
            named_tool = entry in identity and tables.kinds.get(entry) in ("technology", "tool")
            name(parent, weight * (t.NAME_PARENT_SHARE if named_tool else t.PARENT_SHARE), f"{where} (via {entry})")
    return found

