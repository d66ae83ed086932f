"""The shortcuts that keep selection fast give the answers of the plain computation they replace."""

from __future__ import annotations

import re

import pathspec
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.test_selection import persona

from persona_mcp.globs import GlobIndex, _candidates, any_literal
from persona_mcp.model import Companion
from persona_mcp.selection import (
    _REPORT_MARKERS,
    _REPORT_PHRASES,
    _TRACE_HINTS,
    _TRACE_LINES,
    _TRACE_MARKS,
    CODE_FACTOR,
    FILE_WEIGHT,
    FIRST_WORD_FACTOR,
    GAP_FACTOR,
    PHRASE_GAP,
    REST_FACTOR,
    SelectionIndex,
    _share,
    _strongest,
    file_evidence,
    has_trace,
    merge_priorities,
    normalise_path,
    normalise_paths,
    select,
)
from persona_mcp.text import _IDENTIFIER, _RAW, STOPWORDS, analyse, count_words, stem, words

# Text with the characters that make splitting words hard: case changes, code and path marks,
# blanks of every kind, and letters whose lowercase form changes length ("İ") or script ("K").
_TRICKY = st.lists(st.sampled_from([
    *"aAzZ09_ $.+#/-`'\n\t,:()", "İ", "K", "é", "\u00a0", "\u2028", "\x1c", "APIs", "useState", "e.g.", "x.py",
    "HTMLParser"]), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TRICKY)
def test_words_are_counted_chunk_by_chunk_as_a_whole_text_gives_them(text: str) -> None:
    assert count_words(text) == len(words(text))
    assert count_words(text) == len(words(text))  # and again, from what was remembered


def _plain_analysis(text: str) -> tuple[list[str], list[bool], list[str]]:
    """What `analyse` gives, computed the plain way: code spans by a regex, then prose run by run."""
    found: list[str] = []
    code: list[bool] = []

    def prose(part: str) -> None:
        for raw in _RAW.findall(part):
            run = words(raw)
            found.extend(run)
            code.extend([bool(_IDENTIFIER.search(raw))] * len(run))

    position = 0
    for span in re.finditer(r"`[^`\n]*`", text):
        prose(text[position:span.start()])
        run = words(span.group())
        found.extend(run)
        code.extend([True] * len(run))
        position = span.end()
    prose(text[position:])
    return found, code, [stem(w) for w in found]


@settings(max_examples=500, deadline=None)
@given(_TRICKY)
def test_a_text_is_analysed_as_the_plain_computation_does_and_again_from_what_was_remembered(text: str) -> None:
    expected = _plain_analysis(text)
    assert analyse(text) == expected
    assert analyse(text) == expected


@pytest.mark.parametrize("text", [
    "a `b c` d", "a`b`c", "`x\ny` z `w`", "```", "`a`b`c`", "` `", "no ticks", "`optimizeDeps` `reply.send`",
    "tab\t`in span`\u2028end", "nul\x00 `x\x00y` z", "\x00`a`",
])
def test_code_spans_are_found_as_a_regex_finds_them(text: str) -> None:
    assert analyse(text) == _plain_analysis(text)


def test_prose_words_keep_their_code_marks_when_read_again() -> None:
    text = "Fix `optimizeDeps` in reply.send, then update the README. See thollander/actions-comment."
    for _ in range(2):
        found, code, _stems = analyse(text)
        marked = dict(zip(found, code, strict=True))
        assert found[:4] == ["fix", "optimize", "deps", "in"]
        assert marked["optimize"] and marked["send"] and marked["comment"]
        assert not marked["fix"] and not marked["update"] and not marked["readme"]


def test_every_report_phrase_carries_a_marker_that_rules_it_in() -> None:
    assert all(any(marker in phrase for marker in _REPORT_MARKERS) for phrase in _REPORT_PHRASES)


@pytest.mark.parametrize(("task", "asked"), [
    ("@security review this", "persona-security"),
    ("please review (@security) this", "persona-security"),
    ("please review\t@security", "persona-security"),
    ("mail me@security.example about it", None),
    ("@nobody then @backend", "persona-backend"),
    ("use persona-security here", "persona-security"),
    ("answer as the security persona", "persona-security"),
    ("no mention at all", None),
])
def test_a_persona_is_asked_for_by_mention_or_name(task: str, asked: str | None) -> None:
    index = SelectionIndex([persona("persona-security", keywords=["auth"]),
                            persona("persona-backend", keywords=["api"])])
    found = index.explicit_request(task)
    assert (index.personas[found].name if found is not None else None) == asked


@pytest.mark.parametrize(("glob", "path"), [
    ("**/*.py", "a.py/readme"), ("**/*.py", "a.b.py"), ("**/*.d", "etc/x.d/conf"), ("**/*.py", "x.pyc"),
    ("**/*.py", "src/a.py"), ("**/tests/**", "tests"), ("**/tests/**", "a/tests/b"), ("**/tests/**", "a/tests"),
])
def test_tricky_paths_match_as_gitignore_says(glob: str, path: str) -> None:
    found = GlobIndex([[glob]]).matching(path)
    assert (found == [glob]) == pathspec.GitIgnoreSpec.from_lines([glob]).match_file(path)


# Globs of every shape a file name is matched by without a whole-path test (names, extensions, one
# star within a name, filed under a name, first letters or an extension), and names that have, nearly
# have or only seem to have what they need: a dotfile that is all extension, a name shorter than a key
# of first letters, a name whose glob's prefix and suffix overlap in it ("abcde" for `abcd*cde`), a
# folder with an extension.
_NAME_GLOBS = st.sampled_from(["**/*.py", "*.py", "**/test_*.py", "**/*_test.py", "*_test.py", "conf*", "**/conf*.yml",
                               "**/*.d", "README*", "**/readme.*", "x*.py", "abcd*", "**/abcd", "abcd/**", "**/docs/**",
                               "docs/**", "**/*.tar.gz", "**/*bench*_test.py", "**/tests/*.py", "*.D", "**/*.md",
                               "**/abcd*cde", "x*x.py"])
_NAME_PARTS = st.sampled_from(["test_a.py", "a_test.py", "test_.py", "_test.py", ".py", "py", "x.d", "conf",
                               "config.yml", "conf.yml", "readme", "README.md", "abcd", "abc", "abcde", "x.tar.gz",
                               "docs", "tests", "a.py", "x.py", "xbench_test.py", "a.md", "X.D"])


def _plain_matching(index: GlobIndex, path: str) -> list[str]:
    """What `GlobIndex.matching` gives, the plain way: every glob filed under a segment, tested on the whole path."""
    lowered = path.lower()
    parts = lowered.split("/")
    found = {glob for glob in index._unkeyed if index._test(glob, lowered, parts)}
    for part in filter(None, parts):
        found.update(glob for glob in _candidates(part, index._by_part) if index._test(glob, lowered, parts))
    return sorted(found)


@settings(max_examples=300, deadline=None)
@given(globs=st.lists(_NAME_GLOBS, min_size=1, max_size=8),
       paths=st.lists(st.lists(_NAME_PARTS, min_size=1, max_size=3).map("/".join), min_size=1, max_size=6))
def test_file_names_match_the_globs_the_plain_computation_finds(globs: list[str], paths: list[str]) -> None:
    index = GlobIndex([globs])
    for path in paths:
        expected = _plain_matching(index, path)
        assert index.matching(path) == expected, path
        assert index.matched(path) == tuple(expected), path
        # and that is what gitignore says, but for a file named only by its extension (".py"), which
        # the index files under no extension
        if not any(part.startswith(".") and part.count(".") == 1 for part in path.split("/")):
            assert expected == sorted({g.lower() for g in globs
                                       if pathspec.GitIgnoreSpec.from_lines([g.lower()]).match_file(path.lower())})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab.s/", max_size=4), min_size=1, max_size=6), st.text(alphabet="ab.s/", max_size=12))
@example(["sec", "secret", "s.b"], "a/secre")
@example(["", "a"], "b")
def test_literals_factored_by_first_letters_are_found_where_one_of_them_is(literals: list[str], path: str) -> None:
    assert (re.search(any_literal(literals), path) is not None) == any(literal in path for literal in literals)


def test_paths_matched_by_the_same_globs_share_one_answer() -> None:
    index = SelectionIndex([persona("persona-py", files=["**/*.py"]), persona("persona-api", files=["**/api/**"])])
    assert index.file_claims("a/x.py") is index.file_claims("b/y.py")
    assert index.file_claims("api/x.py") != index.file_claims("a/x.py")
    found = file_evidence(index, ["a/x.py", "b/y.py", "api/z.py"])
    assert found.files["**/*.py"] == ["a/x.py", "b/y.py", "api/z.py"]
    assert found.files["**/api/**"] == ["api/z.py"]


def test_a_file_goes_under_the_most_specific_glob_and_ties_go_by_name() -> None:
    index = SelectionIndex([persona("persona-api", files=["**/tests/**", "**/*.py", "**/api/**"])])
    found = file_evidence(index, ["tests/b.py", "api/tests/a.py", "c.py", "tests/api/d.py"])  # tests/** comes first
    assert {glob: paths for _kind, glob, paths, _weight in found.items(index, 0)} == {
        "**/api/**": ["api/tests/a.py", "tests/api/d.py"], "**/tests/**": ["tests/b.py"], "**/*.py": ["c.py"]}


def test_a_persona_that_takes_files_back_is_credited_for_the_rest_file_by_file() -> None:
    index = SelectionIndex([persona("persona-docs", files=["docs/**", "!docs/internal/**"]),
                            persona("persona-md", files=["**/*.md"])])
    files = ["docs/a.md", "docs/internal/b.md", "src/c.py"]
    found = file_evidence(index, files)
    assert found.excluded == {0: {"docs/internal/b.md"}}
    both = ["docs/a.md", "docs/internal/b.md"]
    assert found.files == {"docs/**": both, "**/*.md": both, "docs/internal/**": ["docs/internal/b.md"]}
    assert found.scores[0] == FILE_WEIGHT / len(files) * _share(index, 0, "docs/a.md")
    assert set(found.scores) == {0, 1}


@pytest.mark.parametrize("path", ["src/a.py", "./src/a.py", "/src/a.py", " src/a.py ", "src\\a.py", "././src/a.py"])
def test_paths_are_normalised_the_same_way_whatever_their_form(path: str) -> None:
    assert normalise_path(path) == "src/a.py"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["", " ", ".", "./", "/", "\\", "src", "a.py", "\t", "..", "x y"]),
                         max_size=5).map("".join), max_size=8))
def test_a_list_of_paths_is_normalised_path_by_path_and_again_from_what_was_remembered(paths: list[str]) -> None:
    expected = [p for p in map(normalise_path, paths) if p]
    assert normalise_paths(paths) == expected
    assert normalise_paths(iter(paths)) == expected


def test_merged_priorities_handed_out_twice_are_separate_lists() -> None:
    lead = persona("persona-backend", extra="priority-hierarchy: [reliability, security, performance]\n")
    companion = Companion(name="persona-security", title="Security", confidence=0.5, reason="r",
                          priority_hierarchy=["security", "reliability", "privacy"], prompt="p", resource_uri="u")
    merged, conflicts = merge_priorities(lead, [companion])
    assert merged == ["reliability", "privacy", "security", "performance"]
    assert conflicts == ["persona-security puts security before reliability; persona-backend (selected) puts "
                         "reliability first"]
    merged.append("changed")
    conflicts.clear()
    assert merge_priorities(lead, [companion]) == (["reliability", "privacy", "security", "performance"], [
        "persona-security puts security before reliability; persona-backend (selected) puts reliability first"])


def test_a_selection_repeated_gives_the_same_answer() -> None:
    index = SelectionIndex([
        persona("persona-backend", keywords=["endpoint", "database"], files=["**/api/**"],
                extra="companions: [security]\n"),
        persona("persona-security", keywords=["auth", "token"], files=["**/auth/**"]),
    ])
    task = "Add token auth to the endpoint. The database stores the tokens."
    files = ["api/routes.py", "auth/tokens.py", "./api/models.py"]
    first = select(index, task, files).model_dump(mode="json")
    assert first["persona"] == "persona-backend"
    assert select(index, task, files).model_dump(mode="json") == first


def test_globs_crowding_one_prefix_match_as_gitignore_says() -> None:
    # More than CROWDED globs start with "abcd": those with six plain letters are filed under more of them.
    globs = [f"**/abcd{i:02d}_*.py" for i in range(40)] + ["**/abcd*.md", "**/abcdef\\*x*", "abcdefgh*", "**/abcd?e*"]
    index = GlobIndex([globs])
    paths = ["src/abcd07_x.py", "abcd07_/y.txt", "abcd39_.py", "a/abcd.md", "abcdef*xy", "abcdefghij/k", "abcdxe1",
             "abcd41_x.py", "x/abcd07.py", "abcdefgh", "b/abcdefgh/c"]
    for path in paths:
        expected = sorted(g for g in globs if pathspec.GitIgnoreSpec.from_lines([g]).match_file(path))
        assert index.matching(path) == expected, path


def _every_place_matching(index: SelectionIndex, task_stems: list[str], task_words: list[str], lead: int,
                          code: list[bool]) -> dict[int, list[tuple[str, str, list[str], float]]]:
    """What `match_phrases` gives, the plain way: every phrase at every place, then `_strongest` per persona."""
    found: dict[int, list[tuple[float, int, str, str, str, int]]] = {}
    for start in range(len(task_stems)):
        factor = (FIRST_WORD_FACTOR if start == 0 else 1.0) if start < lead else REST_FACTOR
        for key, postings in index._postings.items():
            if key[0] != task_stems[start]:
                continue
            end, scale = start + len(key), factor
            if len(key) == 1 and task_words[start] in STOPWORDS:
                continue
            if tuple(task_stems[start:end]) != key:
                if key in index._gapped and key[1] in task_stems[start + 2:start + 2 + PHRASE_GAP]:
                    end, scale = task_stems.index(key[1], start + 2) + 1, factor * GAP_FACTOR
                else:
                    continue
            matched = " ".join(task_words[start:end])
            for persona_at, kind, text, weight in postings:
                weight *= scale
                if all(code[start:end]) and kind == "activity":
                    weight *= CODE_FACTOR
                found.setdefault(persona_at, []).append((-weight, start, text, kind, matched, end))
    return {p: [(kind, text, [matched], negative if kind == "negative" else -negative)
                for negative, _s, text, kind, matched, _e in _strongest(hits)] for p, hits in found.items()}


_VOCABULARY = ["cache", "caching", "race", "condition", "test", "tests", "them", "theme", "fix", "optimise", "of"]


@settings(max_examples=300, deadline=None)
@given(
    triggers=st.lists(st.lists(st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=3).map(" ".join),
                               min_size=1, max_size=6), min_size=1, max_size=4),
    task=st.lists(st.one_of(st.sampled_from(_VOCABULARY), st.sampled_from(["`x_y`", "`cache`", "`fix`", "optimizeCache",
                                                                           "Fix.", "tests."])), max_size=40),
)
@example(triggers=[["race condition", "race", "slow"]], task=["race", "condition", "is", "a", "race"])
@example(triggers=[["race condition", "race", "slow"]], task=["race", "condition", "race"])
@example(triggers=[["fix", "cache", "cache"]], task=["a", "`fix`", "b", "`fix`", "fix"])
@example(triggers=[["fix", "cache", "cache"]], task=["a", "`fixing`", "b", "`fixes`", "c"])
@example(triggers=[["them", "theme", "x"]], task=["them", "and", "theme"])
def test_phrases_are_matched_as_every_place_would_match_them(triggers: list[list[str]], task: list[str]) -> None:
    personas = []
    for n, texts in enumerate(triggers):
        third = len(texts) // 3
        personas.append(persona(f"persona-p{n}", keywords=texts[third:2 * third] or ["zzz"], negative=texts[2 * third:],
                                extra=f"activity-keywords: {texts[:third]!r}\n" if third else ""))
    index = SelectionIndex(personas)
    text = " ".join(task)
    task_words, code, task_stems = analyse(text)
    for lead in (len(task_words), min(3, len(task_words))):
        assert index.match_phrases(task_stems, task_words, lead, code) == _every_place_matching(
            index, task_stems, task_words, lead, code)


_TRACE_PIECES = st.sampled_from([
    "\n", " ", "  ", "\t", "x", "Traceback (most recent call last)", 'File "a.py", line 3', "at com.x.Y(Y.java:4)",
    "at f (a.js:1:2)", "panic: ", "goroutine 7 [", "thread 'main' panicked at", 'Exception in thread "',
    "KeyError: ", "Exception: ", "#3 0xdeadbeef", "Segmentation fault", "SIGSEGV", "Error", "at ", ":12", "0x1",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_TRACE_PIECES, max_size=8).map("".join))
def test_traces_are_found_as_one_multiline_regex_finds_them(text: str) -> None:
    plain = re.compile("|".join(f"^{line}" for line in _TRACE_LINES) + "|" + "|".join(_TRACE_MARKS), re.MULTILINE)
    hinted = any(hint in text for hint in _TRACE_HINTS)  # a one-line text without these words is not searched
    assert has_trace(text) == bool(hinted and plain.search(text))
