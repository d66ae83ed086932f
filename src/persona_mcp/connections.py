"""HTTP connections a slow or greedy client cannot hold: deadlines for each request, and a cap on open connections.

uvicorn closes a connection that stays idle after a response (`timeout_keep_alive`), but gives a
client all the time it likes to send a request head, and counts half-open connections against
`limit_concurrency`, so a few hundred slow clients would make it refuse everyone else. The
`BoundedHttpProtocol` here wraps uvicorn's own HTTP protocol (whichever `--http auto` picks) and adds:

- a connection gets `header_timeout` seconds to deliver each request head, from the moment it
  connects or its previous response is complete, else it is closed;
- a request gets `request_timeout` seconds from its head to the end of its response: the body
  upload, the answer, and the client reading it;
- at most `max_connections` are open: at the cap, a new connection replaces the one that has waited
  longest for a request head (a slow client, or an idle keep-alive one); when every connection is
  busy with a request, the new one is closed at once.

It is public uvicorn API only: a protocol class given as `http=` (or `--http
persona_mcp.connections:BoundedHttpProtocol`), built the way uvicorn builds its own. The guard in
`persona_mcp.http` tells each connection when a request starts and when its response is complete.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.types import Message, Scope, Send

from persona_mcp.errors import ConfigError

logger = logging.getLogger(__name__)

ENV_HEADER_TIMEOUT = "PERSONA_MCP_HEADER_TIMEOUT"
ENV_REQUEST_TIMEOUT = "PERSONA_MCP_REQUEST_TIMEOUT"
ENV_MAX_CONNECTIONS = "PERSONA_MCP_MAX_CONNECTIONS"
DEFAULT_HEADER_TIMEOUT = 10.0
DEFAULT_REQUEST_TIMEOUT = 30.0
DEFAULT_MAX_CONNECTIONS = 500  # well under the usual limit of 1024 open files a process gets
KEEP_ALIVE_SECONDS = 5  # uvicorn's timeout_keep_alive: an idle connection is closed after this
OPEN_FILES_SPARE = 2048  # the listen backlog: connections accepted in one burst before the cap sees them
CONNECTION_KEY = "persona_mcp.connection"
_TABLE_KEY = "persona_mcp.connections"


@dataclass(frozen=True)
class ConnectionLimits:
    """How long a client may take, and how many connections may be open. Build it with `from_env`."""

    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    max_connections: int = DEFAULT_MAX_CONNECTIONS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ConnectionLimits:
        """PERSONA_MCP_HEADER_TIMEOUT and PERSONA_MCP_REQUEST_TIMEOUT (seconds), PERSONA_MCP_MAX_CONNECTIONS."""
        env = os.environ if env is None else env
        header = _number(env, ENV_HEADER_TIMEOUT, DEFAULT_HEADER_TIMEOUT, low=0.1)
        request = _number(env, ENV_REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, low=0.1)
        most = _number(env, ENV_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS, low=1)
        if most != int(most):
            raise ConfigError(f"{ENV_MAX_CONNECTIONS} must be a whole number, not {env[ENV_MAX_CONNECTIONS]!r}")
        return cls(header, request, int(most))


def _number(env: Mapping[str, str], name: str, default: float, *, low: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if not low <= value <= 1e6:
        raise ConfigError(f"{name} must be between {low:g} and 1000000, not {raw!r}")
    return value


class _Table:
    """The open connections of one server, those waiting for a request head in the order they began waiting."""

    def __init__(self, limits: ConnectionLimits) -> None:
        self.limits = limits
        self.open: set[BoundedHttpProtocol] = set()
        self.waiting: dict[BoundedHttpProtocol, None] = {}  # insertion-ordered: the longest wait first
        self.full = False

    def make_room(self) -> bool:
        """Room for one more connection, closing the longest-waiting one at the cap; False when all are busy."""
        if len(self.open) < self.limits.max_connections:
            self.full = False
            return True
        if not self.full:
            self.full = True
            logger.warning("%d HTTP connections are open, the limit (%s); each new one replaces the connection "
                           "that has waited longest for a request", len(self.open), ENV_MAX_CONNECTIONS)
        oldest = next(iter(self.waiting), None)
        if oldest is None:
            return False
        oldest.close(f"replaced by a new connection at the connection limit ({ENV_MAX_CONNECTIONS})")
        return True


class BoundedHttpProtocol(asyncio.Protocol):
    """uvicorn's HTTP protocol with per-request deadlines and a connection cap; see the module docstring.

    uvicorn builds it with the arguments it gives its own protocols. `limits` defaults to
    `ConnectionLimits.from_env()`, read once per server.
    """

    def __init__(self, config: Any, server_state: Any, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None, *, limits: ConnectionLimits | None = None) -> None:
        from uvicorn.protocols.http.auto import AutoHTTPProtocol

        table = app_state.get(_TABLE_KEY)
        if table is None:
            table = app_state[_TABLE_KEY] = _Table(limits or ConnectionLimits.from_env())
        self.table: _Table = table
        self.loop = _loop or asyncio.get_event_loop()
        # Each connection's requests carry the connection in their scope's state, for the guard to find.
        self.inner: asyncio.Protocol = AutoHTTPProtocol(  # type: ignore[call-arg]
            config=config, server_state=server_state, app_state={**app_state, CONNECTION_KEY: self}, _loop=_loop)
        self.transport: asyncio.Transport | None = None
        self.peer = ""
        self.accepted = False
        self.timer: asyncio.TimerHandle | None = None

    # ------------------------------------------------ asyncio.Protocol, forwarded to uvicorn's protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) and len(peer) >= 2 else "a client"
        if not self.table.make_room():
            logger.info("refused a connection from %s: every connection is busy with a request (raise %s)", self.peer,
                        ENV_MAX_CONNECTIONS)
            transport.abort()
            return
        self.accepted = True
        self.table.open.add(self)
        self.inner.connection_made(transport)
        self._await_request()

    def data_received(self, data: bytes) -> None:
        if self.accepted:
            self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received() if self.accepted else None

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timer()
        self.table.open.discard(self)
        self.table.waiting.pop(self, None)
        if self.accepted:
            self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    # ------------------------------------------------ what the guard reports

    def request_started(self) -> None:
        """A request head arrived: the request now has `request_timeout` to be read and answered."""
        self.table.waiting.pop(self, None)
        self._arm(self.table.limits.request_timeout, "the request was not read and answered", ENV_REQUEST_TIMEOUT)

    def response_complete(self) -> None:
        """The response is sent: wait for the next request head (uvicorn closes the connection if none comes)."""
        self._await_request()

    def watch(self, scope: Scope, send: Send) -> Send:
        """`send` for this request, reporting the end of the response."""

        async def watched_send(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.response_complete()

        return watched_send

    # ------------------------------------------------ deadlines

    def close(self, reason: str) -> None:
        logger.info("closed the HTTP connection from %s: %s", self.peer, reason)
        self.table.waiting.pop(self, None)
        self.table.open.discard(self)
        if self.transport is not None:
            self.transport.abort()  # at once: a client that reads nothing cannot hold it

    def _await_request(self) -> None:
        self.table.waiting.pop(self, None)
        self.table.waiting[self] = None  # to the end: the latest to start waiting
        self._arm(self.table.limits.header_timeout, "no complete request head in time", ENV_HEADER_TIMEOUT)

    def _arm(self, seconds: float, reason: str, setting: str) -> None:
        self._cancel_timer()
        self.timer = self.loop.call_later(seconds, self.close, f"{reason} ({seconds:g} s, {setting})")

    def _cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


def raise_open_files_limit(limits: ConnectionLimits) -> None:
    """Let the process open enough files for the connection cap, and then some, where the hard limit allows.

    The event loop accepts a burst of connections before any of them is counted against the cap, and
    a soft limit of 1024 (the usual default) would make those accepts fail with EMFILE, a traceback each.
    """
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(soft, 4 * limits.max_connections + OPEN_FILES_SPARE)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    if wanted < 2 * limits.max_connections:
        logger.warning("this process may open only %d files, so %d connections may be refused in a burst; lower %s "
                       "or raise the limit (ulimit -n)", wanted, limits.max_connections, ENV_MAX_CONNECTIONS)


def connection_of(scope: Scope) -> BoundedHttpProtocol | None:
    """The bounded connection a request came on, when the server runs with `BoundedHttpProtocol`."""
    connection = scope.get("state", {}).get(CONNECTION_KEY)
    return connection if isinstance(connection, BoundedHttpProtocol) else None
