"""Persona names: how a name written in a file is read, and which persona a name that someone types means.

A persona's name is lowercase words joined by dashes (`model.NAME_PATTERN`). Files and people write names
otherwise: as identifiers (`KafkaEvents`, `UPPER_case`), as display names (`Python DevOps/CI-CD Expert`), in
capitals, with spaces or underscores. The loader reads such a name with `read_name`; every lookup by name (the
CLI's `show`, the `get_persona` tool, prompts, `persona://` resources, `companions`, the personas that eval
cases name) goes through `Catalog.find`, which tries `lookup_keys` and then `loose_key`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from pathlib import PurePath
from typing import Any

NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
"""A persona name: 1-64 lowercase letters, digits, dots, underscores and dashes, starting with a letter or
digit. Every one of those characters is unreserved in a URI (RFC 3986) and allowed in an MCP prompt or tool
name, so `persona://NAME` and the prompt NAME need no escaping."""
NAME_PREFIX = "persona-"
NAMES_LISTED = 20
"""A name that no persona has is answered with the catalog's names up to this many; a larger catalog's answer offers
the closest names instead (`closest_names`)."""

# The humps of "CodeReviewer" and "HTTPServer", split as `text.words` splits camelCase ("APIs" stays whole).
_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]{2,})")


def short_name(name: str) -> str:
    """The name without its `persona-` prefix: `persona-backend` -> `backend`."""
    return name.removeprefix(NAME_PREFIX) if name != NAME_PREFIX else name


def as_name(text: str) -> str | None:
    """`text` as a persona name: lowercase letters, digits, dots, underscores and dashes, as a file name or a
    display name ("Python DevOps/CI-CD Expert" -> python-devops-ci-cd-expert, "Revue de sécurité" ->
    revue-de-securite) may hold anything."""
    from persona_mcp.text import fold  # with the first catalog, as the selection's text handling (not at start-up)

    name = re.sub(r"[^a-z0-9._-]+", "-", fold(text).strip().lower()).strip("._-")[:64].rstrip("._-")
    return name or None


def identifier_name(text: str) -> str | None:
    """A name written as an identifier, in camelCase, PascalCase or capitals (`CodeReviewer`, `UPPER_case`), in
    the form persona names take: lowercase, a dash between its words (`code-reviewer`, `upper-case`). None for
    text that has no capital or holds more than letters, digits, dots, underscores and dashes."""
    if text == text.lower() or not re.fullmatch(r"[A-Za-z0-9._-]+", text):
        return None
    return _HUMP.sub("-", text).replace("_", "-").lower()


def read_name(written: str) -> str | None:
    """The persona name that a `name:` written otherwise plainly means, as the loader reads it: a display name
    with spaces is its words (`Python DevOps/CI-CD Expert` -> python-devops-ci-cd-expert), an identifier its
    humps (`KafkaEvents` -> kafka-events); accents come off either, as off a file's name (`ünïcode-skill` ->
    unicode-skill). None for a persona name as it stands, and for text that reads as no persona name."""
    from persona_mcp.text import fold

    if re.fullmatch(NAME_PATTERN, written):
        return None
    written = written.strip()
    plain = fold(written)
    if " " in written:
        read_as = as_name(written)
    else:
        read_as = plain if re.fullmatch(NAME_PATTERN, plain) else identifier_name(plain)
    return read_as if read_as is not None and re.fullmatch(NAME_PATTERN, read_as) else None


def lookup_keys(name: str) -> Iterator[str]:
    """The short names that `name`, as someone types it, may mean, likeliest first: the name the loader reads it
    as (`KafkaEvents` -> kafka-events), then the name in lowercase (`SECURITY`, `persona-Backend`), then its words
    joined by dashes (`kafka events`, `Revue de sécurité`). Yielded one by one, so a plain name costs one look."""
    written = name.strip()
    read_as = read_name(written)
    if read_as is not None:
        yield short_name(read_as)
    yield short_name(written.lower())
    words = as_name(written)
    if words is not None:
        yield short_name(words)


def closest_names(name: str, names: Sequence[str]) -> list[str]:
    """The names of `names` closest to `name`, which no persona has, three at most and best first (compared without
    `persona-`, so `drizle` meets `persona-drizzle`); none when none is close."""
    shorts = {short_name(known): known for known in names}
    close = difflib.get_close_matches(short_name(name.strip().lower()), list(shorts), n=3, cutoff=0.6)
    return [shorts[match] for match in close]


def loose_key(name: str) -> str:
    """A name without its case, its `persona-` prefix and the marks between its words, so that `kafkaevents`,
    `kafka_events` and `Kafka Events` meet `kafka-events`. Only a key that one persona has identifies it."""
    return re.sub(r"[^a-z0-9]", "", short_name(as_name(name) or ""))


def display_name(data: dict[str, Any]) -> tuple[str, str] | None:
    """Read a name that plainly means a persona name as that name, and return it as written with the fix to show.

    A display name of words with spaces ("Python DevOps/CI-CD Expert"), as some collections write, is shown with
    that title; a name written as an identifier ("CodeReviewer", "UPPER_case") is that identifier's words in
    lowercase, joined by dashes. Any other name that is not a persona name stays an error ("../x", "a?b")."""
    name = data.get("name")
    if not isinstance(name, str) or (read_as := read_name(name)) is None:
        return None
    written = name.strip()
    data["name"] = read_as
    if " " in written:
        data.setdefault("title", written[:120])
        return name, f"write 'name: {read_as}' (and 'title: {written}' to show it as written)"
    if written.isascii():
        return name, f"write 'name: {read_as}': persona names are lowercase, with a dash between words"
    return name, f"write 'name: {read_as}': persona names are lowercase letters a-z, without accents"


def name_as_title(data: dict[str, Any]) -> None:
    """A Copilot custom agent's `name` is what its picker shows ("Debug Mode Instructions", "CSharpExpert"); the
    agent is its file. A name that is not a persona name becomes the title, and the file names the persona."""
    name = data.get("name")
    if isinstance(name, str) and not re.fullmatch(NAME_PATTERN, name.strip()):
        data.setdefault("title", name.strip()[:120])
        del data["name"]


def unnamed_problem(path: str, *, by_folder: bool) -> tuple[str, str]:
    """What to say of a file that its format names by its file name (a skill by its folder's) when that name holds
    nothing a persona name is made of (`ドキュメント.mdc`), and the fix."""
    what, name = ("folder", PurePath(path).parent.name) if by_folder else ("file", PurePath(path).name)
    return (f"the {what} name {name!r} gives no usable persona name",
            f"rename the {what} with letters a-z, digits and '-', or add 'name: ...' to the frontmatter")
