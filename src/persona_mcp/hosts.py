"""The hosts connected through the initialize handshake: where to push list_changed, and their workspace roots."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import anyio
from mcp.server.connection import Connection
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.lowlevel import NotificationOptions
from mcp.server.mcpserver import MCPServer
from mcp.server.models import InitializationOptions
from mcp.shared.exceptions import MCPError, NoBackChannelError
from mcp_types import ClientCapabilities, ListRootsRequest, RootsCapability
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import ValidationError

logger = logging.getLogger(__name__)

ROOTS_TIMEOUT = 10.0  # seconds a host gets to answer roots/list
NOTIFY_TIMEOUT = 5.0  # seconds a notification may wait on a host that does not read


def advertise_list_changed(server: MCPServer[Any], changed: bool = True) -> None:
    """Make the handshake advertise `listChanged` for prompts and resources as `changed` says.

    The SDK builds the handshake's capabilities from `create_initialization_options()` with no
    notification options (stdio, in-process and streamable HTTP alike), so the flags would say false.
    Over stdio and in process the server pushes changes, so they say true; the stateless HTTP
    endpoint has no stream to push on and says false. 2026-07-28 clients learn the same from
    `server/discover`, which the SDK derives from the subscriptions/listen handler being served.
    """
    lowlevel = server._lowlevel_server  # the SDK has no public accessor (its own TODO L53)
    create = lowlevel.create_initialization_options
    default = NotificationOptions(prompts_changed=changed, resources_changed=changed)

    def create_with_list_changed(
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> InitializationOptions:
        return create(notification_options or default, experimental_capabilities, extensions)

    lowlevel.create_initialization_options = create_with_list_changed  # type: ignore[method-assign]


def root_path(uri: str) -> Path | None:
    """The local folder of a `file://` root URI, or None for any other kind of root."""
    parts = urlsplit(uri)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    return Path(url2pathname(parts.path)) if parts.path else None  # url2pathname also decodes %XX


class Hosts:
    """Live handshake-era connections (protocol 2025-11-25 and earlier) and the workspace roots each reported.

    The SDK has no public handle to push to such a connection from outside a request, so `HostTracker`
    records each connection when its `notifications/initialized` arrives, and the connection's exit
    stack forgets it when it closes (a stateless HTTP request's connection included). 2026-07-28
    clients need none of this: they hear of changes through the server's subscription bus, and that
    protocol has no roots.

    Roots are fetched with `roots/list` when a host declares the `roots` capability, and again after
    its `notifications/roots/list_changed`. The live catalog takes the connections that need asking
    (`take_pending()`) and runs `fetch_roots()` for each in its own task group, never inside the
    notification handler, which would stall the connection it waits on.
    """

    def __init__(self) -> None:
        self._roots: dict[Connection, tuple[Path, ...]] = {}
        self._pending: set[Connection] = set()
        self.on_change: Callable[[], None] = lambda: None

    def __len__(self) -> int:
        return len(self._roots)

    def add(self, connection: Connection) -> None:
        if connection in self._roots:
            return
        self._roots[connection] = ()
        connection.exit_stack.callback(self.remove, connection)
        if connection.check_capability(ClientCapabilities(roots=RootsCapability())):
            self.roots_changed(connection)

    def remove(self, connection: Connection) -> None:
        self._pending.discard(connection)
        if self._roots.pop(connection, ()):
            self.on_change()

    def roots_changed(self, connection: Connection) -> None:
        if connection in self._roots:
            self._pending.add(connection)
            self.on_change()

    def roots(self) -> list[Path]:
        """Every connected host's workspace roots, hosts in connection order, each host's roots in its order."""
        return [root for roots in self._roots.values() for root in roots]

    def take_pending(self) -> list[Connection]:
        pending = [c for c in self._roots if c in self._pending]
        self._pending.clear()
        return pending

    async def fetch_roots(self, connection: Connection) -> None:
        """Ask one host for its roots. A host that fails to answer keeps the roots it had (none at first)."""
        try:
            result = await connection.send_request(ListRootsRequest(), opts={"timeout": ROOTS_TIMEOUT})
        except (MCPError, NoBackChannelError, ValidationError, TimeoutError, anyio.BrokenResourceError,
                anyio.ClosedResourceError) as exc:
            # A connection that closed meanwhile (a stateless HTTP request's, say) is no news.
            level = logging.WARNING if connection in self._roots else logging.DEBUG
            logger.log(level, "the host did not list its roots (%s); its .personas/ folders stay as they were", exc)
            return
        found = [root_path(str(root.uri)) for root in result.roots]
        roots = tuple(path for path in found if path is not None)
        if connection in self._roots and self._roots[connection] != roots:
            logger.info("workspace roots: %s", ", ".join(map(str, roots)) or "none")
            self._roots[connection] = roots
            self.on_change()

    async def notify_list_changed(self) -> None:
        """Send prompts and resources list_changed to every handshake-era host, all at once.

        A host that does not read its input holds up only its own notification, for NOTIFY_TIMEOUT at most.
        """

        async def notify(connection: Connection) -> None:
            with anyio.move_on_after(NOTIFY_TIMEOUT):
                await connection.send_prompt_list_changed()
                await connection.send_resource_list_changed()

        async with anyio.create_task_group() as tg:
            for connection in list(self._roots):
                tg.start_soon(notify, connection)


class HostTracker:
    """Server middleware that feeds `Hosts` from the handshake and roots notifications it sees go by."""

    def __init__(self, hosts: Hosts) -> None:
        self.hosts = hosts

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        result = await call_next(ctx)
        if ctx.method in ("notifications/initialized", "notifications/roots/list_changed"):
            connection = _connection_of(ctx)
            if connection is not None and connection.protocol_version not in MODERN_PROTOCOL_VERSIONS:
                if ctx.method == "notifications/initialized":
                    self.hosts.add(connection)
                else:
                    self.hosts.roots_changed(connection)
        return result


def _connection_of(ctx: ServerRequestContext[Any, Any]) -> Connection | None:
    # The request's ServerSession holds the connection but exposes no public accessor for it.
    connection = getattr(ctx.session, "_connection", None)
    if isinstance(connection, Connection):
        return connection
    logger.warning("cannot track this host's connection with this version of the MCP SDK; "
                   "it will not hear of persona changes")
    return None
