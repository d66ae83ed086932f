"""Paths as data: normalised, and read relative to the workspace root they lie under."""

from __future__ import annotations

import pytest

from persona_mcp.catalog import Catalog, default_layers
from persona_mcp.selection import normalise_path, select, within_roots


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
