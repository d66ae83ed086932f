"""MCP server names as hosts spell them: a persona's preferred servers, matched against the host's.

A persona names its preferred servers in `mcp-preference` (`primary`, `secondary`, `avoid`), often
by a short name (`sequential`). Hosts name the same server in their own way: by the name the user
gave it (`sequential-thinking`) or by its package (`@modelcontextprotocol/server-sequential-thinking`).
`aliases` maps a declared name to its other spellings, and names are compared loosely (see
`server_key`), so a host's spelling matches, and the answer names the server as the host does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from persona_mcp.model import McpPreference, Persona, ServerChoice

# Wrappers that package names put around a server's own name: `mcp-server-git`, `server-memory`,
# `context7-mcp`. Only one of each side is taken off, and never down to nothing.
_AFFIXES = re.compile(r"^(?:mcp-server-|server-|mcp-)?(?P<core>.+?)(?:-mcp-server|-mcp|-server)?$")

_GENERIC = frozenset({"mcp", "server", "mcp-server"})

NOTE_NONE_DECLARED = "This persona declares no preferred MCP server."
NOTE_NONE_AVAILABLE = "None of this persona's preferred servers is available; work with the tools at hand."


def server_key(name: str) -> str:
    """A server name reduced for comparison: case, an `owner/` or `@scope/` prefix and `mcp`/`server`
    wrappers do not matter. `@modelcontextprotocol/server-sequential-thinking` -> `sequential-thinking`,
    `@upstash/context7-mcp` -> `context7`, `mcp-server-git` -> `git`, `@playwright/mcp` -> `playwright`."""
    parts = [part.lstrip("@") for part in name.strip().lower().split("/") if part.strip("@")]
    if not parts:
        return name.strip().lower()
    last = parts[-1]
    if last in _GENERIC and len(parts) > 1:  # `@playwright/mcp`: the scope is the name
        last = parts[-2]
    match = _AFFIXES.match(last)
    return match["core"] if match else last


def spellings(preference: McpPreference, name: str) -> set[str]:
    """The keys under which a declared server may appear on a host: its own and its aliases'."""
    keys = {server_key(name)}
    for declared, aliases in preference.aliases.items():
        group = {server_key(declared), *(server_key(alias) for alias in aliases)}
        if keys & group:
            keys |= group
    return keys


def resolve_servers(persona: Persona, available: Sequence[str] | None) -> ServerChoice:
    """Match a persona's MCP preferences against the servers the host says it has.

    `recommended` is the first preferred server that the host has and the persona does not avoid,
    in the host's own spelling. Without a list from the host, it is the first preference as declared,
    to be used if available.
    """
    pref = persona.spec.mcp_preference
    wanted = [s for s in (pref.primary, pref.secondary) if s]
    choice = ServerChoice(primary=pref.primary, secondary=pref.secondary, avoid=list(pref.avoid),
                          aliases={name: list(pref.aliases.get(name, [])) for name in wanted if pref.aliases.get(name)})
    if available is None:
        choice.recommended = wanted[0] if wanted else None
        choice.note = _unchecked_note(wanted) if wanted else NOTE_NONE_DECLARED
        return choice
    choice.checked = True
    host: dict[str, str] = {}
    for server in available:
        host.setdefault(server_key(server), server)
    avoided = {key for name in pref.avoid for key in spellings(pref, name)}
    usable = []
    for name in wanted:
        spelled = _host_spelling(pref, name, host)
        if spelled is None:
            choice.unavailable.append(name)
        elif server_key(spelled) not in avoided:
            usable.append(spelled)
    choice.recommended = usable[0] if usable else None
    if not wanted:
        choice.note = NOTE_NONE_DECLARED
    elif not usable:
        choice.note = NOTE_NONE_AVAILABLE
    return choice


def _unchecked_note(wanted: list[str]) -> str:
    fallback = f", else {wanted[1]}" if len(wanted) > 1 else ""
    return f"The host did not list its servers: use {wanted[0]} if available{fallback}."


def _host_spelling(preference: McpPreference, name: str, host: dict[str, str]) -> str | None:
    """The host's own name for a declared server, trying the declared spelling before its aliases."""
    own = server_key(name)
    if own in host:
        return host[own]
    return next((host[key] for key in sorted(spellings(preference, name) - {own}) if key in host), None)


def describe(choice: ServerChoice | None) -> str | None:
    """One readable line on the servers to use, or None when the persona prefers none."""
    if choice is None or not (choice.primary or choice.secondary):
        return None
    line = f"MCP servers: primary {choice.primary or '-'}, secondary {choice.secondary or '-'}"
    if choice.recommended:
        line += f"; use {choice.recommended}"
        if not choice.checked:
            other = choice.aliases.get(choice.recommended, [])
            line += f" (or {', '.join(other)})" * bool(other) + " if available"
    elif choice.checked:
        line += "; none of them is available"
    if choice.avoid:
        line += f"; avoid {', '.join(choice.avoid)}"
    return line
