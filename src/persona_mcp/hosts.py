"""The hosts connected through the initialize handshake: where to push list_changed, and their workspace roots."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
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
ROOTS_WAIT = 2.0  # seconds a request that reads the catalog waits for the project layer of the roots its host announced
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


def declares_roots(initialize_params: object) -> bool:
    """Whether the params of an `initialize` request declare the client's `roots` capability."""
    if not isinstance(initialize_params, Mapping):
        return False
    capabilities = initialize_params.get("capabilities")
    return isinstance(capabilities, Mapping) and capabilities.get("roots") is not None


class Host:
    """One connection, from the server's lifespan: its session once initialized, and the roots it reported.

    `roots_settled` is an unset event from the moment the host announces roots (its `initialize` declares
    the capability, or it sends `notifications/roots/list_changed`) until they have been asked for and the
    catalog holds their project layer; `roots_deadline` is when requests stop waiting for it.
    """

    def __init__(self) -> None:
        self.session: ServerSession | None = None
        self.roots: tuple[Path, ...] = ()
        self.roots_settled: anyio.Event | None = None
        self.roots_deadline = 0.0


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
    notification handler, which would stall the connection it waits on. A host goes from pending to
    asked to answered; the live catalog takes the answered ones (`take_answered()`) before it applies
    the roots, and `settle()`s them once the catalog holds them. Meanwhile that host's requests that
    read the catalog wait (`wait_for_roots()`, `roots_wait` at most), so that even the first one is
    answered with the project's personas. Nothing waits while no live catalog follows the roots.
    """

    def __init__(self) -> None:
        self._hosts: dict[Host, None] = {}  # initialized hosts, in connection order
        self._pending: set[Host] = set()
        self._asked: set[Host] = set()
        self._answered: set[Host] = set()
        self.on_change: Callable[[], None] = lambda: None
        self.followed = False  # whether a live catalog applies the roots (and so whether requests wait for them)
        self.roots_wait = ROOTS_WAIT
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
        for stage in (self._pending, self._asked, self._answered):
            stage.discard(host)
        self._release(host)
        if host in self._hosts:
            del self._hosts[host]
            if host.roots:
                self.on_change()

    def expect_roots(self, host: Host) -> None:
        """From now on, `host`'s catalog requests wait until its roots are in it (`roots_wait` at most)."""
        if self.followed and host.roots_settled is None:
            host.roots_settled = anyio.Event()
            host.roots_deadline = anyio.current_time() + self.roots_wait

    def roots_changed(self, host: Host) -> None:
        if host in self._hosts:
            self.expect_roots(host)
            self._pending.add(host)
            self.on_change()

    def roots(self) -> list[Path]:
        """Every connected host's workspace roots, hosts in connection order, each host's roots in its order."""
        return [root for host in self._hosts for root in host.roots]

    def take_pending(self) -> list[Host]:
        pending = [h for h in self._hosts if h in self._pending]
        self._pending.clear()
        self._asked.update(pending)
        return pending

    def take_answered(self) -> list[Host]:
        """The hosts whose roots came in (or failed to) since the last call: the roots about to be applied."""
        answered = list(self._answered)
        self._answered.clear()
        return answered

    def settle(self, hosts: Iterable[Host]) -> None:
        """The catalog now holds these hosts' roots: their requests stop waiting, unless they are being asked again."""
        for host in hosts:
            if host not in self._pending and host not in self._asked and host not in self._answered:
                self._release(host)

    def release_all(self) -> None:
        """No live catalog applies the roots any more: nothing is to wait for them."""
        for host in self._hosts:
            self._release(host)

    @staticmethod
    def _release(host: Host) -> None:
        if host.roots_settled is not None:
            host.roots_settled.set()
            host.roots_settled = None

    async def wait_for_roots(self, host: object) -> None:
        """Wait until the catalog holds the roots that `host` announced, at most `roots_wait` after it announced them.

        `host` is a request's lifespan context; anything but a `Host` waiting for its roots returns at once.
        A host whose roots are late is answered from the personas loaded so far, with a warning (once).
        """
        if not isinstance(host, Host) or host.roots_settled is None:
            return
        settled = host.roots_settled
        with anyio.move_on_after(host.roots_deadline - anyio.current_time()):
            await settled.wait()
            return
        if host.roots_settled is settled:  # the first request to give up says so, and the next ones do not wait
            host.roots_settled = None
            logger.warning("the workspace roots the host announced are not in the catalog after %g s; answering "
                           "from the personas loaded so far, without their .personas/ folders", self.roots_wait)

    async def fetch_roots(self, host: Host) -> None:
        """Ask one host for its roots. A host that fails to answer keeps the roots it had (none at first).

        Either way the host counts as answered, and the live catalog is woken to apply its roots and settle it.
        """
        assert host.session is not None
        try:
            result = await host.session.send_request(ListRootsRequest(), ListRootsResult,
                                                     request_read_timeout_seconds=ROOTS_TIMEOUT)
        except (MCPError, NoBackChannelError, ValidationError, TimeoutError, anyio.BrokenResourceError,
                anyio.ClosedResourceError) as exc:
            # A connection that closed meanwhile is no news.
            level = logging.WARNING if host in self._hosts else logging.DEBUG
            logger.log(level, "the host did not list its roots (%s); its .personas/ folders stay as they were", exc)
        else:
            found = [root_path(str(root.uri)) for root in result.roots]
            roots = tuple(path for path in found if path is not None)
            if host in self._hosts and host.roots != roots:
                logger.info("workspace roots: %s", ", ".join(map(str, roots)) or "none")
                host.roots = roots
        finally:
            self._asked.discard(host)
            if host in self._hosts:
                self._answered.add(host)
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
            # The roots are asked for once the host says `initialized`, but its first requests may be read
            # before that notification is handled: they wait from here on.
            host = ctx.lifespan_context
            if self.hosts.push and isinstance(host, Host) and declares_roots(ctx.params):
                self.hosts.expect_roots(host)
        elif ctx.method in ("notifications/initialized", "notifications/roots/list_changed") and self.hosts.push:
            host = ctx.lifespan_context
            if isinstance(host, Host) and ctx.session.protocol_version not in MODERN_PROTOCOL_VERSIONS:
                if ctx.method == "notifications/initialized":
                    self.hosts.add(host, ctx.session)
                else:
                    self.hosts.roots_changed(host)
        return result
