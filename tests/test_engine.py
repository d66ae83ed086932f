"""The selection engine's signals: activities, lead sentence, code words, request shapes, globs, calibration."""

from __future__ import annotations

import pathspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_selection import persona

from persona_mcp.globs import GlobIndex, specificity
from persona_mcp.model import Candidate
from persona_mcp.selection import (
    MIN_CONFIDENCE,
    READ_CHARS,
    SelectionIndex,
    confidence,
    rank,
    request_shapes,
    select,
)
from persona_mcp.text import analyse, stem, words


@pytest.mark.parametrize(("word", "same_as"), [
    ("optimise", "optimization"), ("optimizing", "optimized"), ("deployment", "deploys"),
    ("documentation", "documented"), ("validation", "validate"), ("migration", "migrate"),
    ("lazily", "lazy"), ("improvement", "improves"),
])
def test_word_families_meet_at_one_stem(word: str, same_as: str) -> None:
    assert stem(word) == stem(same_as)


def test_tokens_mark_words_that_come_from_code() -> None:
    text = "Rename `force` to optimizeDeps, fix reply.send in thollander/actions-comment and CI/CD"
    found, code, _stems = analyse(text)
    assert found == words(text)
    marked = dict(zip(found, code, strict=True))
    assert marked["rename"] is False and marked["fix"] is False and marked["ci"] is False
    assert marked["force"] and marked["optimize"] and marked["send"] and marked["comment"]


def activity_catalog() -> SelectionIndex:
    return SelectionIndex([
        persona("persona-perf", keywords=["latency"], extra="activity-keywords: [optimize, benchmark]\n"),
        persona("persona-db", keywords=["database", "query", "table", "index"], files=["**/db/**"]),
        persona("persona-docs", keywords=["readme"], extra="activity-keywords: [document]\n"),
    ])


def test_an_activity_outweighs_several_domain_words() -> None:
    index = activity_catalog()
    result = select(index, "Optimize the database query on the orders table", [])
    assert result.persona == "persona-perf"
    assert any(e.kind == "activity" and e.trigger == "optimize" for e in result.evidence)
    assert "persona-db" in [c.name for c in result.alternatives]


def test_an_activity_word_inside_an_identifier_counts_for_less() -> None:
    index = activity_catalog()
    prose = rank(index, "optimize the loader", [])[0]
    code = rank(index, "Rename `optimizeLoader` in the loader", [])
    prose_weight = next(e.weight for e in prose.evidence if e.kind == "activity")
    code_weight = next(e.weight for c in code for e in c.evidence if e.kind == "activity")
    assert code_weight < prose_weight / 2


def test_a_two_word_phrase_matches_across_a_gap_of_up_to_two_words() -> None:
    index = SelectionIndex([
        persona("persona-perf", extra="activity-keywords: [improve performance]\n"),
        persona("persona-debug", keywords=["fails on"]),
    ])
    near = rank(index, "Improve save performance", [])[0]
    assert near.name == "persona-perf"
    assert near.evidence[0].matched == ["improve save performance"]
    exact = rank(index, "Improve performance", [])[0]
    assert near.score < exact.score  # a phrase across a gap says a little less than the phrase itself
    assert rank(index, "Improve the save path's performance", []) == []  # too far apart
    assert rank(index, "It fails loudly on empty input", []) == []  # a phrase with a function word: as written only


def test_a_name_written_as_one_word_is_not_a_phrase() -> None:
    index = SelectionIndex([
        persona("persona-db", keywords=["MySQL", "content type"]),
        persona("persona-cache", keywords=["Redis"]),
    ])
    weights = {e.trigger: e.weight for c in rank(index, "Move sessions from MySQL to Redis", []) for e in c.evidence}
    assert weights["MySQL"] == weights["Redis"]  # "MySQL" splits into two stems but is one word
    phrase = rank(index, "Check the content type", [])[0].evidence[0]
    assert phrase.weight > weights["Redis"]  # "content type" is a real two-word phrase


def test_words_after_the_first_sentence_count_for_less() -> None:
    index = activity_catalog()
    lead = rank(index, "Document the table layout.", [])
    later = rank(index, "Adjust the table layout. Document it.", [])

    def docs_activity(candidates: list[Candidate]) -> float:
        docs = next(c for c in candidates if c.name == "persona-docs")
        return next(e.weight for e in docs.evidence if e.kind == "activity")

    assert docs_activity(later) < docs_activity(lead)


@pytest.mark.parametrize(("task", "files", "shape"), [
    ("How do I set a default value for a column?", [], "question"),
    ("Can I use Vuetify with Nuxt 3?", [], "question"),
    ("Explain how the event loop schedules callbacks", [], "question"),
    ("Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\nKeyError: 'x'", [], "bug-report"),
    ("panic: runtime error: index out of range\n\ngoroutine 1 [running]:", [], "bug-report"),
    ("Why does the worker segfault on startup since v3.1?", [], "bug-report"),
    ("Migrations as edges. Traditional migration systems rely on the order of files on disk to decide what to "
     "run next, which couples the history to file names and makes branches hard to merge; we propose to model "
     "each migration as an edge between two contract hashes instead.", [], "proposal"),
    ("Does the session cache survive a restart", [], "question"),
])
def test_request_shapes_are_recognised(task: str, files: list[str], shape: str) -> None:
    assert shape in request_shapes(task, files, words(task))


@pytest.mark.parametrize(("task", "files"), [
    ("Add pagination to the orders endpoint", []),
    ("Which fixes should we backport to the LTS line?", []),  # a team decision, not a learner's question
    ("api " * 200, []),  # a long list of terms is not a write-up
    ("Fix the date parser for years before 1000 and add tests for the edge cases around them", ["src/date.py"]),
    ("Do not copy comments when cloning the AST", []),  # an instruction, though it starts like a question
    ("Don't create a regex inside the loop", []),
])
def test_ordinary_requests_have_no_shape_or_a_weak_one(task: str, files: list[str]) -> None:
    shapes = request_shapes(task, files, words(task))
    assert "proposal" not in shapes and shapes.get("question", 0.0) < 0.5


def test_a_shape_only_counts_for_personas_that_declare_it() -> None:
    index = SelectionIndex([
        persona("persona-teacher", keywords=["concept"], extra="request-shapes: [question]\n"),
        persona("persona-db", keywords=["column", "default value"]),
    ])
    result = select(index, "How can I set a default value for a column?", [])
    assert result.persona == "persona-teacher"
    assert any(e.kind == "shape" and e.trigger == "question" for e in result.evidence)
    statement = select(index, "Set a default value for the created_at column", [])
    assert statement.persona == "persona-db"


def test_a_test_file_beside_source_is_claimed_by_the_most_specific_glob() -> None:
    index = SelectionIndex([
        persona("persona-go", files=["**/*.go"]),
        persona("persona-qa", files=["**/*_test.go"]),
    ])
    ranked = {c.name: c.score for c in rank(index, "change", ["pkg/server_test.go"])}
    assert ranked["persona-qa"] > ranked["persona-go"] > 0
    only_code = {c.name: c.score for c in rank(index, "change", ["pkg/server.go"])}
    assert set(only_code) == {"persona-go"}


def test_globs_are_weighted_by_what_they_pin_down() -> None:
    assert specificity("**/*.py") < specificity("**/*_test.go") < specificity("**/tests/**")
    assert specificity("**/Dockerfile") == specificity("docs/**")


GLOB_PARTS = st.sampled_from(["**", "*", "src", "tests", "docs", "a?c", "*.py", "*_test.go", "Dockerfile",
                              "*.md", "README*", "[abc]*", "api", "x.y"])
PATH_PARTS = st.sampled_from(["src", "tests", "docs", "abc", "api", "main.py", "x_test.go", "Dockerfile",
                              "README.md", "notes.md", "x.y", "b", "Tests", "API"])


@settings(max_examples=150, deadline=None)
@given(
    globs=st.lists(st.lists(GLOB_PARTS, min_size=1, max_size=4).map("/".join), min_size=1, max_size=6),
    paths=st.lists(st.lists(PATH_PARTS, min_size=1, max_size=4).map("/".join), min_size=1, max_size=6),
)
def test_the_glob_index_matches_exactly_what_pathspec_matches(globs: list[str], paths: list[str]) -> None:
    index = GlobIndex([globs])
    for path in paths:
        expected = {g.lower() for g in globs
                    if pathspec.GitIgnoreSpec.from_lines([g.lower()]).match_file(path.lower())}
        assert {hit.glob for hit in index.match(path)} == expected, path


def test_a_file_claimed_only_by_its_extension_counts_for_half() -> None:
    index = SelectionIndex([
        persona("persona-rust", files=["**/*.rs"]),
        persona("persona-net", files=["**/fetch/**"]),
    ])
    by_language = rank(index, "Tidy this up", ["src/lib.rs"])[0]
    assert by_language.name == "persona-rust" and by_language.score == pytest.approx(0.75)
    by_folder = rank(index, "Tidy this up", ["src/fetch/client.py"])[0]
    assert by_folder.name == "persona-net" and by_folder.score == pytest.approx(1.5)
    both = {c.name: c.score for c in rank(index, "Tidy this up", ["src/fetch/client.rs"])}
    assert both["persona-net"] == pytest.approx(1.5) and both["persona-rust"] == pytest.approx(0.375)


def test_a_negated_glob_takes_a_file_back_from_its_persona() -> None:
    index = GlobIndex([["docs/**", "!docs/internal/**"], ["**/*.md"]])
    assert {h.persona for h in index.match("docs/guide.md")} == {0, 1}
    assert {h.persona for h in index.match("docs/internal/plan.md")} == {1}


def test_confidence_rises_with_evidence_and_lead_and_stays_in_bounds() -> None:
    assert 0.0 <= confidence(0.01, 0.0) < confidence(1.0, 0.0) < confidence(4.0, 0.0) <= 1.0
    assert confidence(2.0, 1.9) < confidence(2.0, 0.5)
    assert confidence(1.0, 2.0) < confidence(2.0, 1.0)  # a runner-up gets a lower figure
    assert confidence(0.0, 0.0) == 0.0


def test_a_close_call_between_weak_matches_abstains_with_a_reason() -> None:
    index = SelectionIndex([persona("persona-a", keywords=["widget"]), persona("persona-b", keywords=["gadget"])])
    result = select(index, "the widget and the gadget", [])
    assert result.persona is None
    assert f"below {MIN_CONFIDENCE}" in result.reason
    assert {c.name for c in result.alternatives} == {"persona-a", "persona-b"}


def test_shared_triggers_are_listed_for_validate() -> None:
    index = SelectionIndex([
        persona("persona-a", keywords=["cache", "api"], files=["**/api/**"]),
        persona("persona-b", keywords=["caching", "queue"], files=["**/api/**", "**/*.sql"]),
    ])
    shared = index.shared_triggers()
    assert shared["keywords"] == {"cache": ["persona-a", "persona-b"]}  # caching and cache share a stem
    assert shared["globs"] == {"**/api/**": ["persona-a", "persona-b"]}


def test_words_past_the_first_read_characters_do_not_count() -> None:
    index = activity_catalog()
    filler = "lorem ipsum " * (READ_CHARS // 12 + 5)
    assert rank(index, "database query " + filler, [])[0].name == "persona-db"
    assert rank(index, filler + "database query", []) == []


@pytest.mark.parametrize("task", [
    " " * 1300 + "fix the database query",
    "x" * 5000,
    "word " * 2000 + "\nTraceback (most recent call last):\n  File \"a.py\", line 1, in <module>\nKeyError: 'k'",
])
def test_long_tasks_are_read_from_their_start_and_never_break_selection(task: str) -> None:
    index = activity_catalog()
    result = select(index, task, [])
    assert result.reason
    assert 0.0 <= result.confidence <= 1.0
