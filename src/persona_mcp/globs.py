"""Which trigger globs can be used: the check that the loader and the lexicon apply to every glob they read."""

from __future__ import annotations

import functools
import re

MAX_GLOB_STARS = 4  # '*' wildcards in one name of a glob (the selection index applies the same bound)
# A glob of plain names, `*` and `/` (`**/api/**`, `*.py`, `src/*_test.go`, `+page.svelte`), where any visible
# ASCII character but `/` may be escaped (`**/\[...nextauth\]/`), that holds more than slashes is one pathspec
# can always use (tests/test_loader.py checks this against pathspec), so it needs no translating: a catalog and a
# lexicon of such globs load without importing pathspec.
_PLAIN_GLOB = re.compile(r"[\w.*/+-]*(?:\\[!-.0-~][\w.*/+-]*)*", re.ASCII)
_UNCLOSED_CLASS = re.compile(r"(?<!\\)\[[^\]/]*(?:/|$)")


@functools.lru_cache(maxsize=4096)
def glob_problem(glob: str) -> str | None:
    """Why a trigger glob is unusable, or None when it is fine."""
    if glob.startswith("#"):
        return "a pattern starting with '#' is a comment and matches nothing"
    # Most globs have no more '*' in all than one name may have (`**/tests/**`, `src/*_test.go`).
    if glob.count("*") > MAX_GLOB_STARS and any(part.count("*") > MAX_GLOB_STARS for part in glob.split("/")
                                                if part != "**"):
        return (f"more than {MAX_GLOB_STARS} '*' in one name could take exponential time to match; "
                "use fewer wildcards, e.g. '*x*' instead of '*x*x*x*x*x*'")
    if _PLAIN_GLOB.fullmatch(glob) and glob.strip("/"):
        return None
    if _UNCLOSED_CLASS.search(glob):  # pathspec 1.0 reads it as a literal '[', later versions refuse it
        return "a '[' that no ']' closes in the same name; close the set, or write '\\[' for a literal '['"
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    try:
        # Translate only: compiling the regex costs far more, and the selection index compiles a
        # glob when a request first needs it.
        _regex, include = GitIgnoreSpecPattern.pattern_to_regex(glob)
    except ValueError as exc:  # pathspec's pattern errors derive from ValueError
        return str(exc)
    if include is None:
        return "this pattern can never match a file"
    return None
