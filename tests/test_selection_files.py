"""The file signal: globs filed by their literals, matched as gitignore does, and the change shared out."""

from __future__ import annotations

import random

import pathspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_selection import persona
from tests.test_selection_derive import LEXICON

from persona_mcp.catalog import Catalog, default_layers
from persona_mcp.lexicon import builtin_lexicon
from persona_mcp.loader import glob_problem
from persona_mcp.selection import SelectionIndex, rank, read_request, select, tunables
from persona_mcp.selection.files import MAX_UNKEYED, FileTrigger, GlobTable, specificity


def table(*globs: list[str]) -> GlobTable:
    return GlobTable([[FileTrigger(g, 1.0, "trigger-files") for g in found] for found in globs])


GLOB_PARTS = st.sampled_from(["**", "*", "src", "tests", "docs", "a?c", "*.py", "*_test.go", "Dockerfile",
                              "*.md", "README*", "[abc]*", "api", "x.y"])
PATH_PARTS = st.sampled_from(["src", "tests", "docs", "abc", "api", "main.py", "x_test.go", "Dockerfile",
                              "README.md", "notes.md", "x.y", "b", "Tests", "API"])


@settings(max_examples=150, deadline=None)
@given(
    globs=st.lists(st.lists(GLOB_PARTS, min_size=1, max_size=4).map("/".join), min_size=1, max_size=6),
    paths=st.lists(st.lists(PATH_PARTS, min_size=1, max_size=4).map("/".join), min_size=1, max_size=6),
)
def test_the_glob_table_matches_exactly_what_pathspec_matches(globs: list[str], paths: list[str]) -> None:
    found = table(globs)
    for path in paths:
        expected = {g.lower() for g in globs
                    if pathspec.GitIgnoreSpec.from_lines([g.lower()]).match_file(path.lower())}
        assert set(found.match(path.lower())) == expected, path


# Names for the shapes of glob that their literal alone decides (`conftest.py`, `tests/`, `*.py`), names with one
# wildcard (`test_*.py`), and others.
NAMES = ["conftest.py", "dockerfile", "tests", "api12", ".env", ".github", "a b", "x.y", "py", "kaze_3.py"]
EXTENSIONS = ["py", "ts", "test.ts", "gz", "tar.gz", "y"]
SHAPES = ["{n}", "**/{n}", "{n}/", "**/{n}/", "**/{n}/**", "**/{n}/**/", "{n}/**", "/{n}", "src/{n}", "**/src/{n}"]
OTHER_GLOBS = ["test_*.py", "kaze_*.py", "**/*_test.go", "**/*secret*", "*controller.*", "src/**/*.py", "docs/**",
               "**/tests/**/*.ts", "*.[ch]", "a?c", "**/*.test.*", "dockerfile*", "**/a b/*.py", "x.*", "*.y.*",
               "*_test.go", "*y", "test_*", "x.*y", "kaze_*", "**/.e*", "*.e*", "y*y", "**/\\[...slug\\]/"]
SWEPT_PARTS = ["src", "tests", "api12", "conftest.py", "main.py", "a.test.ts", "x.tar.gz", ".env", ".github",
               "a b", "x.y", "py", "kaze_3.py", "dockerfile", "dockerfile.dev", "x_test.go", "my_secret.txt",
               "authcontroller.ts", "docs", "lib.c", "abc", "test_x.py", "b.y.z", "_test.go", "test_.py", "kaze_",
               "y", "x.y.y", "[...slug]", "[...slug].ts"]


def test_globs_decided_by_their_literal_match_exactly_what_their_regex_matches() -> None:
    globs = [shape.format(n=name) for shape in SHAPES for name in NAMES]
    globs += [f"{prefix}*.{ext}" for prefix in ("", "**/") for ext in EXTENSIONS] + OTHER_GLOBS
    rng = random.Random(7)
    paths = SWEPT_PARTS + ["/".join(rng.choice(SWEPT_PARTS) for _ in range(rng.randint(2, 4))) for _ in range(200)]
    found = table(globs)
    for path in paths:
        expected = {g for g in globs if pathspec.GitIgnoreSpec.from_lines([g]).match_file(path)}
        assert set(found.match(path)) == expected, path


def test_globs_are_weighted_by_what_they_pin_down() -> None:
    assert specificity("**/*.py") < specificity("**/*_test.go") < specificity("**/tests/**")
    assert specificity("**/Dockerfile") == specificity("docs/**")


def test_a_test_file_beside_source_is_claimed_by_the_most_specific_glob() -> None:
    index = SelectionIndex([persona("persona-go", files=["**/*.go"]), persona("persona-qa", files=["**/*_test.go"])])
    ranked = {c.name: c.score for c in rank(index, "change", ["pkg/server_test.go"])}
    assert ranked["persona-qa"] > ranked["persona-go"] > 0
    assert {c.name for c in rank(index, "change", ["pkg/server.go"])} == {"persona-go"}


def test_a_test_beside_the_code_it_tests_counts_less_for_the_persona_that_claims_it() -> None:
    index = SelectionIndex([persona("persona-qa", files=["tests/**"]), persona("persona-web", files=["pkg/**"])],
                           LEXICON)
    alone = {c.name: c.score for c in rank(index, "change", ["tests/header_test.go"])}
    beside = {c.name: c.score for c in rank(index, "change", ["pkg/header.go", "tests/header_test.go"])}
    # a fix comes with its regression test: the test says a tenth of what it says alone, shared with the code file
    assert beside["persona-qa"] == pytest.approx(alone["persona-qa"] * tunables.TEST_BESIDE_CODE_FACTOR / 2, abs=1e-3)


def test_docs_beside_the_code_they_document_count_less_but_more_than_a_test_does() -> None:
    index = SelectionIndex([persona("persona-docs", files=["docs/**"]), persona("persona-web", files=["pkg/**"])],
                           builtin_lexicon())
    alone = {c.name: c.score for c in rank(index, "change", ["docs/header.md"])}
    beside = {c.name: c.score for c in rank(index, "change", ["pkg/header.go", "docs/header.md"])}
    assert beside["persona-docs"] == pytest.approx(alone["persona-docs"] * tunables.ACCOMPANYING_FACTOR / 2, abs=1e-3)
    assert tunables.TEST_BESIDE_CODE_FACTOR < tunables.ACCOMPANYING_FACTOR


def test_a_folder_says_less_of_a_test_that_sits_in_it_than_the_test_persona_does(monkeypatch) -> None:
    personas = [persona("persona-qa", keywords=["testing"], files=["tests/"], description="Writes tests."),
                persona("persona-api", files=["**/zq/**"], description="Designs HTTP endpoints."),
                persona("persona-go", files=["**/*.go"], description="Writes Go.")]
    index = SelectionIndex(personas, LEXICON)

    def scores(path: str) -> dict[str, float]:
        return {c.name: c.score for c in rank(index, "change", [path])}

    # (a folder whose name is no word of any persona: the files alone decide)
    as_code, as_test = scores("src/zq/client.go"), scores("tests/zq/client_test.go")
    assert as_test["persona-qa"] > as_test["persona-api"]  # both claim it by a folder: the test's own persona first
    # The api persona claims the test half as strongly as qa does, so it keeps (1/2)^2 of the file.
    assert as_test["persona-api"] == pytest.approx(as_code["persona-api"] * tunables.KIND_FOLDER_FACTOR**2, rel=1e-3)
    assert as_test["persona-api"] < as_code["persona-api"] / 2
    monkeypatch.setattr(tunables, "KIND_FOLDER_FACTOR", 1.0)
    unchanged = scores("tests/zq/client_test.go")
    assert unchanged["persona-api"] == pytest.approx(as_code["persona-api"])  # without the rule: the whole file
    assert unchanged["persona-go"] == pytest.approx(as_test["persona-go"])  # an extension names a kind of file


def test_a_test_or_a_doc_in_a_domain_folder_goes_to_the_persona_it_belongs_to() -> None:
    index = Catalog.load(default_layers(user=False)).index
    test = select(index, "Handle a checkbox bound to a Set",
                  ["packages/web/__tests__/directives/vModel.spec.ts"])
    assert test.persona == "persona-qa"
    doc = select(index, "The main listener being removed can have args", ["docs/api/ipc-main.md"])
    assert doc.persona == "persona-scribe"


def test_a_file_claimed_only_by_its_extension_counts_for_half() -> None:
    index = SelectionIndex([persona("persona-rust", files=["**/*.rs"]), persona("persona-net", files=["**/fetch/**"])])
    by_language = rank(index, "Tidy this up", ["src/lib.rs"])[0]
    assert by_language.name == "persona-rust" and by_language.score == pytest.approx(0.75)
    by_folder = rank(index, "Tidy this up", ["src/fetch/client.py"])[0]
    assert by_folder.name == "persona-net" and by_folder.score == pytest.approx(1.5)


def test_a_negated_glob_takes_a_file_back_from_its_persona() -> None:
    index = SelectionIndex([persona("persona-docs", files=["docs/**", "!docs/internal/**"]),
                            persona("persona-md", files=["**/*.md"])])
    assert {c.name for c in rank(index, "edit", ["docs/guide.md"])} == {"persona-docs", "persona-md"}
    assert {c.name for c in rank(index, "edit", ["docs/internal/plan.md"])} == {"persona-md"}


def test_a_glob_that_a_persona_and_the_lexicon_both_list_serves_both_signals() -> None:
    index = SelectionIndex([persona("persona-py", files=["conftest.py"])], LEXICON)  # pytest's glob too
    (ranked,) = rank(index, "change", ["tests/conftest.py"])
    assert ranked.name == "persona-py" and any(e.kind == "file" and e.trigger == "conftest.py" for e in ranked.evidence)
    assert {"pytest", "testing"} <= set(index.domains.read(read_request("change", ["tests/conftest.py"])))


def test_globs_that_could_take_exponential_time_are_refused_by_the_loader_and_skipped_by_the_index() -> None:
    costly = "*a*a*a*a*a*a*a*a*b"
    problem = glob_problem(costly)
    assert problem is not None and "exponential" in problem
    found = table([costly, "*.py"])
    assert costly in found.skipped
    assert found.match("a" * 900 + ".py") == ["*.py"]


def test_globs_with_nothing_to_file_them_under_are_bounded() -> None:
    unkeyed = [f"*{'?' * (i % 7 + 1)}*{i}" for i in range(MAX_UNKEYED + 50)]
    found = table(unkeyed)
    assert len(found.unkeyed) == MAX_UNKEYED and len(found.skipped) == 50


def test_an_extension_under_a_named_folder_says_more_than_the_extension_alone() -> None:
    assert specificity("**/*.ts") < specificity("apps/webapp/**/*.ts") < specificity("apps/webapp/**")
    index = SelectionIndex([persona("persona-web", files=["apps/webapp/**/*.ts"]),
                            persona("persona-ts", files=["**/*.ts"])])
    assert rank(index, "Tidy up", ["apps/webapp/src/index.ts"])[0].name == "persona-web"


def test_a_glob_pathspec_cannot_use_matches_nothing() -> None:
    # The loaders refuse such globs; the table, which translates a glob when a path first needs it, never matches them.
    assert glob_problem("src/a[b") is not None and glob_problem("src\\") is not None
    found = table(["src/a[b", "src\\", "*.py"])
    assert found.match("src/a[b") == [] and found.match("src\\") == []
    assert found.match("src/a.py") == ["*.py"]


def test_a_glob_whose_regex_is_not_anchored_matches_as_pathspec_does() -> None:
    # pathspec translates `**/*/**` and `*/` to "/", which it searches for anywhere in the path.
    for glob in ("**/*/**", "*/"):
        assert pathspec.GitIgnoreSpec.from_lines([glob]).match_file("src/src")
        assert table([glob]).match("src/src") == [glob]
