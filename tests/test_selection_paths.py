"""Paths as data: normalised, and read relative to the workspace root they lie under."""

from __future__ import annotations

import pytest
from tests.test_selection import persona

from persona_mcp.catalog import Catalog, default_layers
from persona_mcp.lexicon import builtin_lexicon
from persona_mcp.selection import SelectionIndex, normalise_path, rank, read_request, select, tunables, within_roots


@pytest.mark.parametrize(("path", "expected"), [
    ("./src/app.py", "src/app.py"), ("/abs/x.py", "abs/x.py"), ("src\\win\\y.ts", "src/win/y.ts"),
    ("  docs/a.md ", "docs/a.md"),
    # An absolute path, as hosts often send, is read from its repository's top folder when it names one.
    ("/home/me/app/.github/workflows/ci.yml", ".github/workflows/ci.yml"),
    ("C:\\Users\\me\\app\\.gitlab\\ci\\build.yml", ".gitlab/ci/build.yml"),
    ("file:///Users/me/app/.circleci/config.yml", ".circleci/config.yml"),
    ("~/app/src/main.py", "app/src/main.py"),
    ("docs/.github/notes.md", "docs/.github/notes.md"),  # a relative path is taken as given
])
def test_paths_are_normalised_as_data(path: str, expected: str) -> None:
    assert normalise_path(path) == expected


def test_an_absolute_path_meets_the_globs_anchored_at_the_repository_top() -> None:
    index = Catalog.load(default_layers(user=False)).index
    relative = select(index, "Update this", [".github/workflows/ci.yml"])
    absolute = select(index, "Update this", ["/home/me/app/.github/workflows/ci.yml"])
    assert relative.persona == absolute.persona == "persona-devops"
    assert [e.trigger for e in absolute.evidence if e.kind == "file"] == [".github/workflows/**"]


@pytest.mark.parametrize(("path", "expected"), [
    ("/home/me/app/db/schema.rb", "db/schema.rb"), ("/HOME/me/app/docs/a.md", "docs/a.md"),
    ("C:\\Users\\me\\app\\bin\\rails", "bin/rails"), ("file:///home/me/app/x.py", "x.py"),
    ("/home/me/application/x.py", "/home/me/application/x.py"), ("db/schema.rb", "db/schema.rb"),
])
def test_a_path_under_a_workspace_root_is_read_relative_to_it(path: str, expected: str) -> None:
    assert within_roots(path, ["/home/me/app", "C:/Users/me/app"]) == expected


def path_words(*paths: str) -> list[str]:
    request = read_request("Only return matched nodes with values", paths)
    return request.words[request.text_words:]


def test_the_words_of_a_paths_folders_and_name_are_read_after_the_text() -> None:
    assert path_words("packages/rest/src/router/trie.ts") == ["rest", "router", "trie"]  # layout words left out
    assert path_words("lib/commands/query.js", "lib/commands/execute.js") == ["commands", "query", "execute"]
    assert path_words("src/parsers/binaryParser.ts") == ["parsers", "binary", "parser"]  # identifiers split
    # a test's, a doc's or a build's path says what is tested or told: its words are left to the globs
    assert path_words("tests/router/trie_test.go", "docs/router.md", "src/router/trie.test.ts") == []
    many = [f"src/area{chr(97 + i)}/name{chr(97 + i)}x.py" for i in range(26)]
    assert len(path_words(*many)) == tunables.PATH_WORDS
    no_files = read_request("Only return matched nodes", [])
    assert no_files.text_words == len(no_files.words)
    long = " ".join(["word"] * (tunables.PATH_WORDS_UP_TO + 1))  # a long text says what it is itself
    request = read_request(long, ["packages/rest/src/router/trie.ts"])
    assert request.words[request.text_words:] == []


def test_where_a_change_is_says_a_little_of_what_it_is() -> None:
    index = SelectionIndex([persona("persona-backend", keywords=["router", "middleware", "session", "query"]),
                            persona("persona-frontend", keywords=["component", "layout"])], builtin_lexicon())
    task = "Only return matched nodes with values"
    assert select(index, task, ["src/misc/trie.ts"]).persona is None  # the text names no work of either

    def keywords(paths: list[str], text: str = task) -> list[float]:
        best = rank(index, text, paths)[0]
        assert best.name == "persona-backend"
        return [e.weight for e in best.evidence if e.kind == "keyword"]

    assert keywords(["packages/rest/src/router/trie.ts"]) == [pytest.approx(tunables.PATH_WORD_FACTOR)]
    # a persona takes only its strongest match among a path's words, however many of its terms the path names
    assert keywords(["src/router/middleware/session/query.ts"]) == [pytest.approx(tunables.PATH_WORD_FACTOR)]
    # the text says it more strongly than a path does
    assert keywords(["src/misc/trie.ts"], "Only return matched router nodes") == [pytest.approx(1.0)]
