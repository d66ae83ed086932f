"""The selection index: every persona's profile, filed so a request looks up its words and paths, never scans."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from operator import itemgetter
from typing import TYPE_CHECKING

from persona_mcp.model import Persona, short_name
from persona_mcp.selection import tunables as t
from persona_mcp.selection.derive import Deriver, Profile, Term, is_content
from persona_mcp.selection.domains import Domains
from persona_mcp.selection.files import GlobTable, rarity
from persona_mcp.selection.lexical import lexical

if TYPE_CHECKING:
    from persona_mcp.lexicon import Lexicon

# A trigger as filed: (persona, its weight with rarity applied, the term).
Posting = tuple[int, float, Term]


class SelectionIndex:
    """Everything selection needs, computed once when a catalog loads.

    Terms are filed under their stems, so a request looks up each stretch of its words once.
    Rarity is worked out over the personas' own words (not the body prior): a term that many
    personas claim counts less, down to `RARITY_FLOOR`.
    """

    def __init__(self, personas: Sequence[Persona], lexicon: Lexicon | None = None, *,
                 earlier: SelectionIndex | None = None) -> None:
        self.personas = sorted(personas, key=lambda p: p.name)  # ties are broken by position: by name
        self.lexicon = lexicon
        deriver = Deriver(lexicon)
        # A profile depends only on its persona and the lexicon, so an earlier index of the same lexicon (the
        # catalog before a reload) gives the profiles of the personas that did not change. It holds its
        # personas while this runs, so a persona with the id of one of them is that very object.
        kept: dict[int, Profile] = {}
        if earlier is not None and earlier.lexicon == lexicon:
            kept = {id(p): profile for p, profile in zip(earlier.personas, earlier.profiles, strict=True)}
        self.profiles: list[Profile] = [kept.get(id(p)) or deriver.derive(p) for p in self.personas]
        count = len(self.personas)
        claimed: dict[tuple[str, ...], float] = {}
        for profile in self.profiles:
            for term in profile.positive:
                claimed[term.key] = claimed.get(term.key, 0.0) + min(1.0, term.weight / t.RARITY_REFERENCE)
        scale = {key: rarity(count, owners) for key, owners in claimed.items()}
        self.postings: dict[tuple[str, ...], list[Posting]] = {}
        for i, profile in enumerate(self.profiles):
            for term in profile.terms:
                weight = term.weight if term.kind == "negative" else term.weight * scale[term.key]
                self.postings.setdefault(term.key, []).append((i, weight, term))
        for key, found in self.postings.items():  # a term many personas claim reaches only the strongest
            if len(found) > t.TERM_POSTINGS:
                self.postings[key] = _strongest(found)
        # The first stem of a term -> how many stems the terms it starts have: a request looks up those only.
        lengths: dict[str, set[int]] = {}
        for key in self.postings:
            lengths.setdefault(key[0], set()).add(len(key))
        self.lengths = {first: tuple(sorted(found)) for first, found in lengths.items()}
        # Two-word phrases of content words also match with a few words between them ("improve save
        # performance"); one with a function word ("fails on") must be matched as written.
        # The first stem of such a phrase -> the last stems of those it starts.
        gapped: dict[str, set[str]] = {}
        for key, found in self.postings.items():
            if len(key) == 2 and all(is_content(w) for w in found[0][2].text.lower().split()):
                gapped.setdefault(key[0], set()).add(key[1])
        self.gapped = {first: frozenset(lasts) for first, lasts in gapped.items()}
        # The personas' globs and the lexicon's, in one table: a request looks each of its files up once.
        self.globs = GlobTable([profile.globs for profile in self.profiles],
                               lexical(lexicon).globs if lexicon is not None else None)

        self.prior = _body_prior(self.profiles)
        self.domains = Domains(lexicon, self.profiles, self.globs)
        self.one_word_terms = self.domains.tables.one_word_terms if self.domains.tables is not None else frozenset()
        self.shape_personas: dict[str, list[int]] = {}
        for i, profile in enumerate(self.profiles):
            for shape in sorted(profile.shapes):
                self.shape_personas.setdefault(shape, []).append(i)
        self.names = [p.name for p in self.personas]
        self.short_names = [p.short_name for p in self.personas]
        self.titles = [p.title for p in self.personas]
        # What each persona's evidence is multiplied by: its declared `weight`, and in a catalog that mixes personas
        # with declared triggers and personas read only from their text, `MIXED_DERIVED_SCALE` for the second kind.
        mixed = len({profile.declared for profile in self.profiles}) == 2
        self.weights = [p.spec.weight * (t.MIXED_DERIVED_SCALE if mixed and not profile.declared else 1.0)
                        for p, profile in zip(self.personas, self.profiles, strict=True)]
        # ... and what confidence reads each persona's score at: the declared personas' scale (`DERIVED_SCORE_RATIO`).
        self.confidence_scales = [1.0 if profile.declared
                                  else t.DERIVED_SCORE_RATIO / (t.MIXED_DERIVED_SCALE if mixed else 1.0)
                                  for profile in self.profiles]
        # Generalists of a language: personas whose name says only a programming language and a rank
        # (`typescript-pro`, `rust-engineer`); see `scoring._language`.
        self.generalists = frozenset(p for p, languages in self.domains.languages.items()
                                     if _generalist(self.short_names[p], deriver, languages))
        self.always_apply = [p for p in self.personas if p.always_apply]  # companions of every selection (result.py)
        self.position: dict[str, int] = {}
        for i, persona in enumerate(self.personas):
            self.position[persona.short_name] = i
            self.position[persona.name] = i

    def persona(self, name: str) -> Persona:
        """The persona answering to a full or short name (the caller knows it exists)."""
        return self.personas[self.position[name]]

    def profile(self, name: str) -> Profile:
        """What selection derived for a persona, by full or short name."""
        return self.profiles[self.position[name]]

    def declared_companions(self, name: str) -> frozenset[str]:
        """The short names a persona lists under `companions`."""
        return frozenset(short_name(c) for c in self.persona(name).spec.companions)

    def shared_triggers(self) -> dict[str, dict[str, list[str]]]:
        """Declared keywords (by stem) and globs that more than one persona claims: {"keywords": ..., "globs": ...}.

        A shared trigger is normal for broad words, but it tells its personas apart poorly, so
        `persona-mcp validate` counts them.
        """
        keywords: dict[str, set[str]] = {}
        for found in self.postings.values():
            declared = [(i, term) for i, _w, term in found if term.source in ("trigger-keywords", "activity-keywords")]
            if len({i for i, _ in declared}) > 1:
                keywords.setdefault(declared[0][1].text, set()).update(self.names[i] for i, _ in declared)
        globs: dict[str, set[str]] = {}
        for i, profile in enumerate(self.profiles):
            for trigger in profile.globs:
                if trigger.source == "trigger-files" and not trigger.glob.startswith("!"):
                    globs.setdefault(trigger.glob.lower(), set()).add(self.names[i])
        return {
            "keywords": {k: sorted(v) for k, v in sorted(keywords.items(), key=lambda item: item[0].lower())},
            "globs": {g: sorted(v) for g, v in sorted(globs.items()) if len(v) > 1},
        }


def _strongest(found: list[Posting]) -> list[Posting]:
    """A popular term's postings: all of those against, then the `TERM_POSTINGS` strongest of those for.

    Each side is strongest first, ties in persona order: the postings come in persona order, and a
    sort keeps the order of equal weights, also in reverse.
    """
    against = [posting for posting in found if posting[2].kind == "negative"]
    strongest = sorted((posting for posting in found if posting[2].kind != "negative"), key=itemgetter(1), reverse=True)
    return sorted(against, key=itemgetter(1), reverse=True) + strongest[: t.TERM_POSTINGS]


def _body_prior(profiles: Sequence[Profile]) -> dict[str, dict[int, float]]:
    """Distinctive stems of each persona's description and body, with small weights.

    Each persona keeps its `BODY_TERMS` most distinctive stems (tf-idf), and each stem keeps the
    `BODY_POSTINGS` personas where it is most distinctive (persona -> weight), so a request's cost does not
    grow with the catalog.
    """
    df: Counter[str] = Counter()
    for profile in profiles:
        df.update(profile.body.keys())
    n = len(profiles)
    norm = math.log(1 + n) if n > 1 else 1.0
    idf = {key: math.log(1 + n / d) / norm for key, d in df.items()}
    postings: dict[str, list[tuple[int, float]]] = {}
    for i, profile in enumerate(profiles):
        values = [idf[key] * (count / 3 if count < 3 else 1.0) for key, count in profile.body.items()]
        for value, key in _highest(values, list(profile.body), t.BODY_TERMS):
            postings.setdefault(key, []).append((i, t.BODY_WEIGHT * value))
    return {key: dict(sorted(found, key=itemgetter(1), reverse=True)[: t.BODY_POSTINGS]
                      if len(found) > t.BODY_POSTINGS else found) for key, found in postings.items()}


def _highest(values: list[float], keys: list[str], count: int) -> list[tuple[float, str]]:
    """The `count` highest (value, key) pairs, as `sorted(zip(values, keys), reverse=True)[:count]` picks them,
    in no order.

    Those above the `count`-th value, then those at it with the last keys: sorting the values alone
    costs a fraction of sorting the pairs, and the body prior picks from every persona's stems, so
    pairs are made only of the values at the cut or above it.
    """
    if len(values) <= count:
        return list(zip(values, keys, strict=True))
    cut = sorted(values, reverse=True)[count - 1]
    kept = [(value, key) for value, key in zip(values, keys, strict=True) if value >= cut]
    above = [pair for pair in kept if pair[0] > cut]
    return above + sorted([pair for pair in kept if pair[0] == cut], reverse=True)[: count - len(above)]


def _generalist(name: str, deriver: Deriver, languages: frozenset[str]) -> bool:
    """Whether a name says nothing but the languages it names (`Deriver.name_entries`) and a rank."""
    found, _unnamed = deriver.name_entries(name)
    named = {word for language in languages for word in found[language][1].split()}
    rest = [word for word in re.split(r"[^a-z0-9+#]+", name.lower()) if word and word not in named]
    return all(word in t.GENERALIST_WORDS or word.replace(".", "").isdigit() for word in rest)
