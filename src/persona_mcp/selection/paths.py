"""Paths as data: forward slashes, relative to the repository's top; never opened."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from persona_mcp.selection import tunables as t
from persona_mcp.text import STOPWORDS

# Folders that sit at a repository's top: an absolute path ("/home/me/app/.github/workflows/ci.yml", as hosts
# often send) is read from the first of them, so that globs anchored there (`.github/workflows/`) match it.
REPOSITORY_FOLDERS = frozenset({".github", ".gitlab", ".circleci", ".buildkite", ".azure-pipelines", ".tekton",
                                ".cargo", ".config", ".husky", ".devcontainer", ".vscode", ".storybook",
                                ".changeset", ".yarn", ".cursor", ".claude"})
_ABSOLUTE = re.compile(r"/|~/|[A-Za-z]:/")


def _posix(path: str) -> str:
    """A path with forward slashes, without surrounding blanks or a `file://` scheme."""
    path = path.replace("\\", "/").strip()
    return path[len("file://"):] if path.startswith("file://") else path


def normalise_path(path: str) -> str:
    """Paths are data: forward slashes, no leading './' or '/'; never opened. An absolute path is read from
    its first `REPOSITORY_FOLDERS` folder, when it has one."""
    path = _posix(path)
    while path.startswith("./"):
        path = path[2:]
    absolute = _ABSOLUTE.match(path)
    if absolute:
        path = path[absolute.end():]
        parts = path.split("/")
        top = next((at for at, part in enumerate(parts[:-1]) if part in REPOSITORY_FOLDERS), 0)
        path = "/".join(parts[top:])
    return path.lstrip("/")


def within_roots(path: str, roots: Sequence[str]) -> str:
    """A path relative to the workspace root it lies under (`roots`: the hosts' roots as posix paths, the
    longest first), or the path as given. Hosts often send absolute paths; relative to its root, a path
    meets the globs anchored at the repository's top (`docs/**`, `db/schema.rb`)."""
    posix = _posix(path)
    folded = posix.casefold()
    for root in roots:
        if folded.startswith(root.casefold() + "/"):
            return posix[len(root) + 1:]
    return path


def normalise_paths(files: Iterable[str]) -> list[str]:
    """`normalise_path` of each path, dropping those left empty and repeats."""
    return list(dict.fromkeys(p for p in map(normalise_path, files) if p))


# Words of a repository's layout, which say nothing of the work ("src", "lib", "packages", "internal").
_LAYOUT_WORDS = frozenset({"src", "lib", "libs", "pkg", "cmd", "internal", "packages", "package", "app", "apps",
                           "index", "main", "mod", "init", "core", "common", "utils", "util", "helpers", "helper",
                           "shared", "base", "source", "sources", "java", "com", "org", "io", "net", "dist", "js", "ts",
                           "py"})
# A path with one of these among its words is a test's, a doc's, an example's or a build's, which globs tell: its
# other words say what is tested or told, not what the work is.
_KIND_WORDS = frozenset({"test", "tests", "spec", "specs", "testing", "fixture", "fixtures", "mock", "mocks", "e2e",
                         "docs", "doc", "documentation", "readme", "changelog", "example", "examples", "scripts",
                         "script", "build", "github", "workflows", "config", "configs", "types", "typings"})
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")  # "handlerFile", "HTMLParser": two words
_LETTERS = re.compile(r"[^\W\d_]{3,}")  # a word of a path: three letters or more ("io", "v2" say nothing)


def path_words(paths: Sequence[str]) -> list[str]:
    """The words of the folders and file names of a task's paths ("packages/rest/src/router/trie.ts": rest, router,
    trie), each once and at most `PATH_WORDS`, without extensions, layout words and the paths of tests and docs.
    `paths` is the sample a request reads (`Request.files`)."""
    found: dict[str, None] = {}
    for path in paths:
        *folders, name = path.split("/")
        if "." in name.strip("."):
            name = name.rsplit(".", 1)[0]  # the extension says the language, as globs read it
        said = _LETTERS.findall(_CAMEL.sub(" ", " ".join((*folders, name))).lower())
        if not _KIND_WORDS.isdisjoint(said):
            continue
        found.update((word, None) for word in said if word not in _LAYOUT_WORDS and word not in STOPWORDS)
        if len(found) >= t.PATH_WORDS:
            break
    return list(found)[: t.PATH_WORDS]
