"""Reading the Markdown of persona bodies: which lines are prose and which are code."""

from __future__ import annotations

import re
from collections.abc import Iterator

# A Markdown code fence: three or more backticks or tildes. CommonMark indents one at most three spaces,
# or as deep as the list item it sits in: any indentation is taken, as persona files nest examples in lists.
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")


def prose_lines(markdown: str) -> Iterator[str]:
    """The lines of a Markdown text outside its fenced code blocks: a `# comment` in a Python or shell
    example is not a heading, nor are code lines items of the section around them. A fence closes at a
    line of the same character at least as long; an unclosed one runs to the end, as CommonMark reads it."""
    fence = ""
    for line in markdown.splitlines():
        found = _FENCE.match(line)
        if fence:
            if found and found.group(1)[0] == fence[0] and len(found.group(1)) >= len(fence) \
                    and not line[found.end():].strip():
                fence = ""
            continue
        if found and not (found.group(1)[0] == "`" and "`" in line[found.end():]):
            fence = found.group(1)
            continue
        yield line
