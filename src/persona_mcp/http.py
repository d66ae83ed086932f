"""Streamable HTTP: the ASGI app factory, and the guard every request passes (Host, Origin, token, size).

Run it with `persona-mcp serve --transport http`, or under any ASGI server with several workers:

    uvicorn --factory persona_mcp.http:create_app --host 127.0.0.1 --port 8765 --workers 2

The MCP endpoint is stateless and answers in JSON, so every worker serves every request: nothing is
kept between requests, and a load balancer may send each one anywhere. Configuration comes from
the environment (see `HttpSettings.from_env`), which each worker reads on start.

Every HTTP request, on any path, is checked in this order before the MCP SDK sees it:

1. Host header in the allowlist, else 421 (DNS-rebinding protection, whatever the bind address);
2. Origin header, when present, in the allowlist, else 403;
3. bearer token, when one is configured, compared in constant time, else 401 with WWW-Authenticate;
4. body size within the limit, else 413;
5. `GET /mcp` gets 405: the endpoint is stateless and opens no event stream;
6. a POST body that is no single JSON-RPC message the SDK can serve gets 400 with a JSON-RPC error
   (`persona_mcp.http_body`).

`persona-mcp serve --transport http` also bounds the connections themselves (see
`persona_mcp.connections`): a deadline for each request head and each request, and a cap on open
connections. Under uvicorn directly, add `--http persona_mcp.connections:BoundedHttpProtocol`.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import logging
import os
import re
import socket
import stat
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from persona_mcp.catalog import CatalogSource, Layer, log_diagnostic
from persona_mcp.connections import (
    KEEP_ALIVE_SECONDS,
    BoundedHttpProtocol,
    ConnectionLimits,
    connection_of,
    raise_open_files_limit,
)
from persona_mcp.errors import ConfigError, PersonaError
from persona_mcp.hosts import advertise_list_changed
from persona_mcp.http_body import ReadBody
from persona_mcp.live import live_catalog
from persona_mcp.server import PersonaServer, build_server
from persona_mcp.settings import CommonSettings

logger = logging.getLogger(__name__)

MCP_PATH = "/mcp"
HEALTH_PATH = "/healthz"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_HEAD_BYTES = 16 * 1024  # a request head still incomplete after this many bytes gets 400 (h11's default)
MIN_TOKEN_CHARS = 16
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
LOOPBACK_ORIGINS = tuple(f"{scheme}://{host}:*" for scheme in ("http", "https") for host in LOOPBACK_HOSTS)

ENV_ALLOWED_HOSTS = "PERSONA_MCP_ALLOWED_HOSTS"
ENV_ALLOWED_ORIGINS = "PERSONA_MCP_ALLOWED_ORIGINS"
ENV_TOKEN = "PERSONA_MCP_TOKEN"
ENV_TOKEN_FILE = "PERSONA_MCP_TOKEN_FILE"
ENV_MAX_BODY_BYTES = "PERSONA_MCP_MAX_BODY_BYTES"

_B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")  # RFC 6750's b64token: what a Bearer header can carry
_REALM = 'Bearer realm="persona-mcp"'
_HOST_ENTRY = re.compile(r"(\[[0-9a-f:.]+\]|[a-z0-9_.-]+):(\d{1,5}|\*)")


@dataclass(frozen=True)
class HttpSettings:
    """What the HTTP guard enforces. Build it with `from_env`, which validates every value."""

    allowed_hosts: tuple[str, ...] = tuple(f"{host}:*" for host in LOOPBACK_HOSTS)
    allowed_origins: tuple[str, ...] = LOOPBACK_ORIGINS
    token: str | None = field(default=None, repr=False)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, bind_host: str | None = None, hosts: Sequence[str] = (),
        origins: Sequence[str] = (), token_file: Path | None = None, max_body_bytes: int | None = None,
    ) -> HttpSettings:
        """Settings from the environment, with command-line values (the arguments) taking precedence.

        PERSONA_MCP_ALLOWED_HOSTS, PERSONA_MCP_ALLOWED_ORIGINS: comma-separated, added to the loopback
        defaults. PERSONA_MCP_TOKEN_FILE (or PERSONA_MCP_TOKEN): the bearer token clients must send.
        PERSONA_MCP_MAX_BODY_BYTES: the request body limit. A specific `bind_host` is allowed as a Host.
        """
        env = os.environ if env is None else env
        allowed_hosts = [*cls.allowed_hosts, *_split(env.get(ENV_ALLOWED_HOSTS, "")), *hosts]
        if bind_host and not _is_wildcard(bind_host):
            allowed_hosts.append(bind_host)
        allowed_hosts = [_host_entry(h) for h in allowed_hosts]
        allowed_origins = [*cls.allowed_origins, *_split(env.get(ENV_ALLOWED_ORIGINS, "")), *origins]
        for origin in allowed_origins:
            if origin == "*":
                raise ConfigError(f"allowed origin '*' (--allow-origin, {ENV_ALLOWED_ORIGINS}) would turn off the "
                                  "Origin check that the MCP specification requires; list each origin instead, such "
                                  "as https://app.example.com, or http://localhost:* for any port of one host")
            if not re.fullmatch(r"https?://[^/\s]+", origin):
                raise ConfigError(f"allowed origin {origin!r} is not an origin: write scheme://host[:port], "
                                  "such as https://app.example.com, or http://localhost:* for any port")
        token_path = token_file or (Path(env[ENV_TOKEN_FILE]) if env.get(ENV_TOKEN_FILE) else None)
        token = read_token_file(token_path) if token_path else None
        if token is None and env.get(ENV_TOKEN):
            token = check_token(env[ENV_TOKEN], ENV_TOKEN)
        if max_body_bytes is None:
            raw = env.get(ENV_MAX_BODY_BYTES, "")
            try:
                max_body_bytes = int(raw) if raw.strip() else DEFAULT_MAX_BODY_BYTES
            except ValueError:
                raise ConfigError(f"{ENV_MAX_BODY_BYTES} must be a number of bytes, not {raw!r}") from None
        if max_body_bytes < 1024:
            raise ConfigError(f"the body limit must be at least 1024 bytes, not {max_body_bytes}")
        return cls(tuple(dict.fromkeys(allowed_hosts)),
                   tuple(dict.fromkeys(o.lower() for o in allowed_origins)), token, max_body_bytes)

    def host_allowed(self, host: str | None) -> bool:
        """Is this Host header one of ours? `name:*` allows any port or none; `*` allows everything."""
        if "*" in self.allowed_hosts:
            return True
        if not host:
            return False
        host = host.lower()
        name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
        if not name or not port.isdigit():
            name = host
        return host in self.allowed_hosts or f"{name}:*" in self.allowed_hosts

    def origin_allowed(self, origin: str | None) -> bool:
        """Browsers send Origin on cross-site requests; other clients usually send none, which is fine."""
        if origin is None:
            return True
        origin = origin.lower()
        base, _, port = origin.rpartition(":")
        wildcard = f"{base}:*" if port.isdigit() and "//" in base else f"{origin}:*"
        return origin in self.allowed_origins or wildcard in self.allowed_origins


def check_token(token: str, origin: str) -> str:
    """The token, stripped, if a Bearer header can carry it and it is long enough to resist guessing."""
    token = token.strip()
    generate = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    if not token:
        raise ConfigError(f"{origin} is empty; put a token in it, e.g. from: {generate}")
    if not _B64TOKEN.fullmatch(token):
        raise ConfigError(f"{origin}: a bearer token may hold only letters, digits and -._~+/ (then '='); "
                          f"generate one with: {generate}")
    if len(token) < MIN_TOKEN_CHARS:
        raise ConfigError(f"{origin}: the token has {len(token)} characters; use at least {MIN_TOKEN_CHARS}, "
                          f"e.g. from: {generate}")
    return token


def read_token_file(path: Path) -> str:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the token file {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    if os.name == "posix" and stat.S_IMODE(mode) & 0o077:
        logger.warning("the token file %s can be read by other users; run: chmod 600 %s", path, path)
    return check_token(text, f"the token file {path}")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach."""
    host = host.strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_entry(entry: str) -> str:
    """An allowlist entry as `name:port` or `name:*`: a name given without a port allows any port."""
    entry = entry.strip().lower()
    if entry == "*":
        return entry
    if entry.count(":") > 1 and not entry.startswith("["):  # a bare IPv6 address
        entry = f"[{entry}]"
    if (entry.startswith("[") and entry.endswith("]")) or ":" not in entry:
        entry = f"{entry}:*"
    if not _HOST_ENTRY.fullmatch(entry):
        raise ConfigError(f"allowed host {entry.removesuffix(':*')!r} is not a host name: write name, name:port or "
                          "an IP address, such as persona.example.com or 10.0.0.5:8765 (no scheme, no path)")
    return entry


def _is_wildcard(host: str) -> bool:
    return host.strip("[]") in ("0.0.0.0", "::", "")


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


class Guard:
    """ASGI middleware that checks Host, Origin, bearer token and body size on every request."""

    def __init__(self, app: ASGIApp, settings: HttpSettings, *, warn_open_bind: bool = True) -> None:
        self.app = app
        self.settings = settings
        self.read_body = ReadBody(app, settings.max_body_bytes, mcp_path=MCP_PATH, too_large=self._too_large)
        self._token_digest = hashlib.sha256(settings.token.encode()).digest() if settings.token else None
        self._warned = not warn_open_bind

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # no websockets here
            await send({"type": "websocket.close", "code": 1008})
            return
        connection = connection_of(scope)
        if connection is not None:
            connection.request_started()
            send = connection.watch(scope, send)
        self._warn_once(scope)
        refusal = self.refusal(Headers(scope=scope), scope.get("path", ""))
        if refusal is None and scope.get("method") == "GET" and scope.get("path") == MCP_PATH:
            refusal = _error(405, "method_not_allowed", "this endpoint is stateless and opens no event stream: "
                             "POST JSON-RPC requests to it", {"Allow": "POST"})
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.read_body(scope, receive, send)

    def refusal(self, headers: Headers, path: str) -> Response | None:
        """The response that refuses this request, or None when it may go on."""
        host = headers.get("host")
        if not self.settings.host_allowed(host):
            logger.warning("refused a request with Host %r", _short(host))
            return _error(421, "host_not_allowed", f"Host {_short(host)!r} is not allowed; add it with --allow-host "
                          f"or {ENV_ALLOWED_HOSTS}")
        origin = headers.get("origin")
        if not self.settings.origin_allowed(origin):
            logger.warning("refused a request with Origin %r", _short(origin))
            return _error(403, "origin_not_allowed", f"Origin {_short(origin)!r} is not allowed; add it with "
                          f"--allow-origin or {ENV_ALLOWED_ORIGINS}")
        if self._token_digest is not None and path != HEALTH_PATH:
            scheme, _, given = headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not given.strip():
                return _error(401, "unauthorized", "send the token as 'Authorization: Bearer <token>', with the "
                              f"token the server reads from --token-file, {ENV_TOKEN_FILE} or {ENV_TOKEN}",
                              {"WWW-Authenticate": _REALM})
            if not hmac.compare_digest(hashlib.sha256(given.strip().encode()).digest(), self._token_digest):
                return _error(401, "invalid_token", "the bearer token is not valid: send the token the server "
                              f"reads from --token-file, {ENV_TOKEN_FILE} or {ENV_TOKEN}",
                              {"WWW-Authenticate": f'{_REALM}, error="invalid_token"'})
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.settings.max_body_bytes:
            return self._too_large()
        return None

    def _too_large(self) -> Response:
        return _error(413, "body_too_large", f"the request body is over {self.settings.max_body_bytes} bytes; raise "
                      f"the limit with --max-body-bytes or {ENV_MAX_BODY_BYTES}")

    def _warn_once(self, scope: Scope) -> None:
        local = scope.get("server")
        if self._warned or self._token_digest is not None or not local:
            return
        self._warned = True
        if not is_loopback(str(local[0])):
            logger.warning(
                "serving on %s without a token: anyone who can reach this address can use the server; set %s",
                local[0], ENV_TOKEN_FILE)


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


def _short(value: str | None) -> str | None:
    return value if value is None or len(value) <= 100 else value[:100] + "..."


def _configure_logging(level: str) -> None:
    """Logs to stderr at `level`, when nothing configured logging yet (an ASGI server runs the factory).

    Without this, building the MCP server would set up logging at INFO, one line per request.
    """
    if not logging.getLogger().handlers:
        logging.basicConfig(level=level.upper(), format="persona-mcp %(levelname)s %(name)s: %(message)s")


def create_app(
    settings: HttpSettings | None = None, source: CatalogSource | None = None, *, warn_open_bind: bool = True,
    log_level: str | None = None,
) -> ASGIApp:
    """The ASGI application: MCP at /mcp (stateless, JSON responses), /healthz, behind the guard.

    With no arguments, everything comes from the environment, so that `uvicorn --factory
    persona_mcp.http:create_app` works in every worker: the catalog and the log level as the command
    line reads them (`CommonSettings`), the guard's settings from `HttpSettings.from_env`. The catalog
    is hot-reloaded while the app runs. The bind address is the ASGI server's business, so the warning
    about serving a non-loopback address without a token comes with the first request (`warn_open_bind`).
    """
    common = CommonSettings.read()
    _configure_logging(log_level or common.log_level)
    for problem in common.problems:
        logger.warning("%s", problem)
    settings = settings or HttpSettings.from_env()
    if source is None:
        source = common.source()
    catalog = source.load()
    for diagnostic in catalog.diagnostics:
        log_diagnostic(diagnostic)
    server = build_server(catalog)
    for warning in wildcard_warnings(settings) if warn_open_bind else ():  # `serve` has said it already
        logger.warning("%s", warning)
    return Guard(mcp_app(server, source, settings), settings, warn_open_bind=warn_open_bind)


def mcp_app(server: PersonaServer, source: CatalogSource, settings: HttpSettings) -> Starlette:
    # A stateless endpoint keeps no stream to push notifications on: hosts must list again instead.
    advertise_list_changed(server, changed=False)
    @server.custom_route(HEALTH_PATH, methods=["GET"], include_in_schema=False)  # type: ignore[untyped-decorator]
    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "personas": len(server.catalog)})

    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH, stateless_http=True, json_response=True,
        max_request_body_size=settings.max_body_bytes,
        # The guard checks Host and Origin on every path, with port-less names too; the SDK's check would
        # only repeat it on /mcp, and turns itself off for non-loopback binds.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with live_catalog(server, source), server.session_manager.run():
            yield

    app.router.lifespan_context = lifespan
    return app


def describe(settings: HttpSettings) -> dict[str, Any]:
    """The settings as shown in logs: never the token itself."""
    return {"allowed_hosts": list(settings.allowed_hosts), "allowed_origins": list(settings.allowed_origins),
            "token": settings.token is not None, "max_body_bytes": settings.max_body_bytes}


def endpoint_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}{MCP_PATH}"


def wildcard_warnings(settings: HttpSettings) -> list[str]:
    """What an operator should hear about a `*` in the Host allowlist, whatever the bind address."""
    if "*" not in settings.allowed_hosts:
        return []
    return [f"--allow-host '*' (or {ENV_ALLOWED_HOSTS}) turns the Host check off, so nothing here stops DNS "
            "rebinding: only do this behind a proxy that checks Host itself; else list the names clients use with "
            "--allow-host NAME"]


def open_warnings(settings: HttpSettings, host: str) -> list[str]:
    """What an operator should hear about the settings and the bind address before serving."""
    warnings = wildcard_warnings(settings)
    if is_loopback(host):
        return warnings
    if settings.token is None:
        warnings.append(f"serving on {host} without a token: anyone who can reach this address can use the server; "
                        f"set --token-file or {ENV_TOKEN_FILE}")
    names = [h for h in settings.allowed_hosts if h.removesuffix(":*") not in LOOPBACK_HOSTS]
    if not names:
        warnings.append(f"only loopback Host names are allowed, so clients on other machines get 421; add the "
                        f"names they use with --allow-host or {ENV_ALLOWED_HOSTS}")
    return warnings


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket that says it is TCP.

    asyncio turns TCP_NODELAY on for accepted connections only when the listening socket's `proto` is
    IPPROTO_TCP, and `socket.create_server` (like uvicorn's own pre-bound sockets, uvicorn issue #3149)
    leaves it at 0. Without TCP_NODELAY every keep-alive response after the first waits about 40 ms
    for the client's delayed ACK.
    """
    bare = host.strip("[]")
    family = socket.AF_INET6 if ":" in bare else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if os.name == "posix":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((bare, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise PersonaError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def worker_app(settings: HttpSettings, layers: list[Layer], strict: bool, log_level: str) -> ASGIApp:
    """The app of one worker process of `serve(workers=N)`: everything it needs comes pickled from the parent,
    which has already put the command line's flags over the environment."""
    return create_app(settings, CatalogSource(layers, strict=strict), warn_open_bind=False, log_level=log_level)


def serve(settings: HttpSettings, source: CatalogSource, *, host: str, port: int, workers: int = 1,
          log_level: str = "WARNING", announce: Callable[[str], None], limits: ConnectionLimits | None = None) -> None:
    """Serve with uvicorn until interrupted, in this process or in `workers` processes sharing one socket.

    `announce` gets the endpoint URL once the socket listens (so `--port 0` tells which port it got).
    """
    import uvicorn  # a dependency of the MCP SDK; imported here so that other commands never load it

    for warning in open_warnings(settings, host):
        logger.warning("%s", warning)
    sock = listen(host, port)
    announce(endpoint_url(host, sock.getsockname()[1]))
    limits = limits or ConnectionLimits.from_env()
    raise_open_files_limit(limits)
    options: dict[str, Any] = {
        "log_config": None, "lifespan": "on", "server_header": False,
        # On the first Ctrl-C or SIGTERM: stop accepting, answer the requests in flight (5 s at most), exit.
        "timeout_graceful_shutdown": 5,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
        # uvicorn's protocol with a deadline per request head and per request, and a cap on connections.
        "http": functools.partial(BoundedHttpProtocol, limits=limits),
    }
    if workers == 1:
        app = create_app(settings, source, warn_open_bind=False)
        uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[sock])
        return
    from uvicorn.supervisors import Multiprocess

    # Each worker builds its own app and watches the catalog itself; they share only the socket.
    factory = functools.partial(worker_app, settings, source.base_layers, source.strict, log_level)
    Multiprocess(uvicorn.Config(factory, factory=True, workers=workers, **options), sockets=[sock]).run()
