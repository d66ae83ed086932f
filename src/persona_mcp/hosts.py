"""The hosts connected through the initialize handshake: where to push list_changed, and their workspace roots."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import anyio
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.server.session import ServerSession
from mcp.shared.exceptions import MCPError, NoBackChannelError
from mcp_types import ClientCapabilities, ListRootsRequest, ListRootsResult, RootsCapability
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import ValidationError

logger = logging.getLogger(__name__)

ROOTS_TIMEOUT = 10.0  # seconds a host gets to answer roots/list
NOTIFY_TIMEOUT = 5.0  # seconds a notification may wait on a host that does not read


def advertise_list_changed(server: MCPServer[Any], changed: bool = True) -> None:
    """Say in the handshake whether prompts and resources announce their changes (`listChanged`).

    Over stdio and in process the server pushes changes, so it says true; the stateless HTTP
    endpoint has no stream to push on and says false (and then tracks no hosts). 2026-07-28
    clients learn the same from `server/discover`, which the SDK derives from the
    subscriptions/listen handler being served.
    """
    for middleware in server.middleware:
        if isinstance(middleware, HostTracker):
            middleware.hosts.push = changed


def root_path(uri: str) -> Path | None:
    """The local folder of a `file://` root URI, or None for any other kind of root."""
    parts = urlsplit(uri)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    return Path(url2pathname(parts.path)) if parts.path else None  # url2pathname also decodes %XX


class Host:
    """One connection, from the server's lifespan: its session once initialized, and the roots it reported."""

    def __init__(self) -> None:
        self.session: ServerSession | None = None
        self.roots: tuple[Path, ...] = ()


class Hosts:
    """Live handshake-era connections (protocol 2025-11-25 and earlier) and the workspace roots each reported.

    The server's lifespan runs once per connection (stdio, in process), so `lifespan` gives each
    connection a `Host` that every request of it carries as `ctx.lifespan_context`, and forgets it
    when the connection ends. `HostTracker` keeps the connection's session from its
    `notifications/initialized`: a session with no request attached sends on the connection's own
    channel, which is how changes are pushed from outside a request. 2026-07-28 clients need none of
    this: they hear of changes through the server's subscription bus, and that protocol has no roots.

    Roots are fetched with `roots/list` when a host declares the `roots` capability, and again after
    its `notifications/roots/list_changed`. The live catalog takes the hosts that need asking
    (`take_pending()`) and runs `fetch_roots()` for each in its own task group, never inside the
    notification handler, which would stall the connection it waits on.
    """

    def __init__(self) -> None:
        self._hosts: dict[Host, None] = {}  # initialized hosts, in connection order
        self._pending: set[Host] = set()
        self.on_change: Callable[[], None] = lambda: None
        self.push = True

    def __len__(self) -> int:
        return len(self._hosts)

    @asynccontextmanager
    async def lifespan(self, server: MCPServer[Any]) -> AsyncIterator[Host]:
        host = Host()
        try:
            yield host
        finally:
            self.remove(host)

    def add(self, host: Host, session: ServerSession) -> None:
        if host in self._hosts:
            return
        host.session = session
        self._hosts[host] = None
        if session.check_client_capability(ClientCapabilities(roots=RootsCapability())):
            self.roots_changed(host)

    def remove(self, host: Host) -> None:
        self._pending.discard(host)
        if host in self._hosts:
            del self._hosts[host]
            if host.roots:
                self.on_change()

    def roots_changed(self, host: Host) -> None:
        if host in self._hosts:
            self._pending.add(host)
            self.on_change()

    def roots(self) -> list[Path]:
        """Every connected host's workspace roots, hosts in connection order, each host's roots in its order."""
        return [root for host in self._hosts for root in host.roots]

    def take_pending(self) -> list[Host]:
        pending = [h for h in self._hosts if h in self._pending]
        self._pending.clear()
        return pending

    async def fetch_roots(self, host: Host) -> None:
        """Ask one host for its roots. A host that fails to answer keeps the roots it had (none at first)."""
        assert host.session is not None
        try:
            result = await host.session.send_request(ListRootsRequest(), ListRootsResult,
                                                     request_read_timeout_seconds=ROOTS_TIMEOUT)
        except (MCPError, NoBackChannelError, ValidationError, TimeoutError, anyio.BrokenResourceError,
                anyio.ClosedResourceError) as exc:
            # A connection that closed meanwhile is no news.
            level = logging.WARNING if host in self._hosts else logging.DEBUG
            logger.log(level, "the host did not list its roots (%s); its .personas/ folders stay as they were", exc)
            return
        found = [root_path(str(root.uri)) for root in result.roots]
        roots = tuple(path for path in found if path is not None)
        if host in self._hosts and host.roots != roots:
            logger.info("workspace roots: %s", ", ".join(map(str, roots)) or "none")
            host.roots = roots
            self.on_change()

    async def notify_list_changed(self) -> None:
        """Send prompts and resources list_changed to every handshake-era host, all at once.

        A host that does not read its input holds up only its own notification, for NOTIFY_TIMEOUT at most.
        """

        async def notify(session: ServerSession) -> None:
            with anyio.move_on_after(NOTIFY_TIMEOUT):
                try:
                    await session.send_prompt_list_changed()
                    await session.send_resource_list_changed()
                except (anyio.BrokenResourceError, anyio.ClosedResourceError):  # it is closing: nothing to tell
                    pass

        async with anyio.create_task_group() as tg:
            for host in list(self._hosts):
                if host.session is not None:
                    tg.start_soon(notify, host.session)


class HostTracker:
    """Server middleware: says `listChanged` in the handshake, and feeds `Hosts` from the notifications going by."""

    def __init__(self, hosts: Hosts) -> None:
        self.hosts = hosts

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        result = await call_next(ctx)
        if ctx.method == "initialize" and isinstance(result, dict):
            # The SDK builds the handshake's capabilities with list_changed false unless a transport's
            # caller passes notification options (its own stdio and in-process runs never do); the
            # middleware chain is the public place to rewrite a result.
            for kind in ("prompts", "resources"):
                capability = result.get("capabilities", {}).get(kind)
                if isinstance(capability, dict):
                    capability["listChanged"] = self.hosts.push
        elif ctx.method in ("notifications/initialized", "notifications/roots/list_changed") and self.hosts.push:
            host = ctx.lifespan_context
            if isinstance(host, Host) and ctx.session.protocol_version not in MODERN_PROTOCOL_VERSIONS:
                if ctx.method == "notifications/initialized":
                    self.hosts.add(host, ctx.session)
                else:
                    self.hosts.roots_changed(host)
        return result
