"""Paths as data: forward slashes, relative to the repository's top; never opened."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

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
