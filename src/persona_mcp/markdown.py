"""Reading the Markdown of persona bodies: which lines are prose and which are code; a persona's title, from its
body or its name."""

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


# First headings that name a part of the text, not the persona ("# Purpose", "# Persona & Expertise", then
# "## Instructions"): made only of these words (and "and", "&", "your", "the").
_SECTION_WORDS = frozenset({"purpose", "overview", "introduction", "instructions", "role", "description", "summary",
                            "usage", "context", "goal", "goals", "about", "persona", "expertise", "identity",
                            "mission", "responsibilities", "capabilities", "objective", "objectives", "scope",
                            "profile", "background"})
_SECTION_FILLER = frozenset({"and", "&", "your", "the", "of"})


def body_title(body: str) -> str | None:
    """The body's title: its first `# ` heading outside code examples, before any `##` section, without a
    "Persona:" prefix, and unless it names a part of the text ("# Purpose", "# Overview"); else None."""
    for line in prose_lines(body):  # a "# comment" in a code example is not the title
        if line.startswith("##"):
            return None  # a top heading below a section is part of the text (an example record), not its title
        if line.startswith("# "):
            heading = line[2:].strip()
            heading = heading.split(":", 1)[1].strip() if heading.lower().startswith("persona:") else heading
            words = [word for word in re.findall(r"[\w&]+", heading.lower()) if word not in _SECTION_FILLER]
            if words and all(word in _SECTION_WORDS for word in words):
                return None
            return heading
    return None


# Words of a name that a title writes as their owners do ("react-ui-dev" is "React UI Dev", "k8s-operator" "K8s
# Operator"), where capitalising would not.
_TITLE_FORMS = {word.lower(): word for word in (
    "UI", "UX", "API", "APIs", "CI", "CD", "SQL", "DB", "AWS", "GCP", "ML", "AI", "QA", "CSS", "HTML", "JS", "TS",
    "K8s", "IaC", "SRE", "SEO", "LLM", "MCP", "CLI", "SDK", "JVM", "ORM", "GPU", "iOS", "macOS", "GraphQL", "DevOps",
    "GitHub", "GitLab", "npm", "PHP", "ADR", "RFC", "DX", "E2E", "WCAG", "a11y", "i18n", "OAuth", "JWT", "gRPC",
    "MLOps", "NLP")}


# A word as a description writes it ("MLOps", "FastAPI", "Next.js", "NLP"), read for how a name's word is spelled.
_WRITTEN = re.compile(r"[A-Za-z][\w.+#]*[\w+#]")


def name_title(name: str, description: str = "") -> str:
    """A title made from a persona's name: its words capitalised, those of `_TITLE_FORMS` as their owners write
    them ("react-ui-dev" is "React UI Dev", "dotnet-4.8" "Dotnet 4.8"), and those the description spells otherwise
    than capitalised as it spells them ("mlops-engineer" of "Expert MLOps engineer ..." is "MLOps Engineer",
    "nextjs-developer" of "... Next.js 14 ..." "Next.js Developer")."""
    spelled: dict[str, str] = {}
    for written in _WRITTEN.findall(description):
        if written[1:] != written[1:].lower() or "." in written:  # "MLOps", "Next.js": not a plain capital
            spelled.setdefault(re.sub(r"[^a-z0-9+#]", "", written.lower()), written)
    return " ".join(_TITLE_FORMS.get(word) or spelled.get(word) or word[:1].upper() + word[1:]
                    for word in re.split(r"[-_\s]+", name) if word)
