"""HTTP clients that are slow, greedy or stream-hungry, against `persona-mcp serve --transport http` on 127.0.0.1.

Raw sockets, so that a request can stop halfway. Every wait is bounded by a socket timeout; the
server runs with short deadlines set through the environment, as the README documents.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from persona_mcp.connections import ConnectionLimits
from persona_mcp.errors import ConfigError

SCRIPT = Path(sys.executable).parent / "persona-mcp"
WAIT = 20.0  # seconds: a bound on every wait, never a pause
LIMITS = {"PERSONA_MCP_HEADER_TIMEOUT": "1", "PERSONA_MCP_REQUEST_TIMEOUT": "2", "PERSONA_MCP_MAX_CONNECTIONS": "20"}
SELECT = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
    "name": "select_persona", "arguments": {"task": "fix the SQL query of the orders API"}}}).encode()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int = 0
    stderr: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def log(self) -> str:
        return "".join(self.stderr)


def start(env: dict[str, str], *args: str, command: list[str] | None = None) -> Server:
    """`persona-mcp serve --transport http` with `args` before `serve` (or `command`), once it says its port."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PERSONA_MCP_")} | env
    command = command or [str(SCRIPT), "--no-user", *args, "serve", "--transport", "http", "--port", "0"]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=full_env)
    server = Server(process)
    ready = threading.Event()

    def pump() -> None:  # drains stderr so that the server never blocks on a full pipe
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode(errors="replace")
            server.stderr.append(line)
            found = re.search(r"(?:serving MCP on|Uvicorn running on) http://127\.0\.0\.1:(\d+)", line)
            if found:
                server.port = int(found.group(1))
                ready.set()
        ready.set()

    server.reader = threading.Thread(target=pump, daemon=True)
    server.reader.start()
    assert ready.wait(60) and server.port, server.log()
    return server


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
    server.process.wait(WAIT)
    if server.reader is not None:
        server.reader.join(WAIT)
    if server.process.stderr is not None:
        server.process.stderr.close()


@pytest.fixture(scope="module")
def limited() -> Iterator[Server]:
    server = start(LIMITS)
    yield server
    stop(server)


def connect(server: Server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT)
    sock.settimeout(WAIT)
    return sock


def post_head(length: int, *extra: str) -> bytes:
    lines = ["POST /mcp HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
             "Accept: application/json, text/event-stream", f"Content-Length: {length}", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    """The status and the whole answer of a `Connection: close` request."""
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    status = int(answer.split(b" ", 2)[1]) if answer else 0
    return status, answer


def normal_request(server: Server) -> tuple[int, bytes]:
    with connect(server) as sock:
        sock.sendall(post_head(len(SELECT), "Connection: close") + SELECT)
        return read_response(sock)


def closed_by_server(sock: socket.socket) -> bool:
    """Read whatever comes until the server closes the connection (each read bounded by the socket timeout)."""
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        pass
    return True


# ---------------------------------------------------------------- slow and greedy clients


def test_slow_request_heads_are_closed_and_a_normal_request_is_still_served(limited: Server) -> None:
    with ExitStack() as stack:
        slow = []
        for _ in range(40):  # twice the connection limit
            sock = stack.enter_context(connect(limited))
            sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(sock)
        status, answer = normal_request(limited)
        assert status == 200, answer
        assert b'"isError":false' in answer.replace(b" ", b"")
        assert all(closed_by_server(sock) for sock in slow)
    assert normal_request(limited)[0] == 200


def test_a_body_sent_too_slowly_is_cut_off(limited: Server) -> None:
    with connect(limited) as sock:
        sock.sendall(post_head(len(SELECT)) + SELECT[:10])
        assert closed_by_server(sock)
    assert normal_request(limited)[0] == 200


def test_each_closing_is_logged_with_the_setting_that_bounds_it() -> None:
    server = start(LIMITS, "--log-level", "INFO")
    try:
        with connect(server) as sock:
            sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            assert closed_by_server(sock)
        with connect(server) as sock:
            sock.sendall(post_head(len(SELECT)) + SELECT[:10])
            assert closed_by_server(sock)
    finally:
        stop(server)  # after the reader has seen the whole log
    assert "no complete request head in time" in server.log() and "PERSONA_MCP_HEADER_TIMEOUT" in server.log()
    assert "not read and answered" in server.log() and "PERSONA_MCP_REQUEST_TIMEOUT" in server.log()


def test_an_idle_keep_alive_connection_is_closed(limited: Server) -> None:
    with connect(limited) as sock:
        sock.sendall(post_head(len(SELECT)) + SELECT)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        assert closed_by_server(sock)


def test_a_request_head_still_incomplete_after_16_kb_is_refused(limited: Server) -> None:
    with connect(limited) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"x" * 20_000)
        assert read_response(sock)[0] == 400
    assert normal_request(limited)[0] == 200


def test_get_on_the_stateless_endpoint_is_405_and_opens_no_stream(limited: Server) -> None:
    with connect(limited) as sock:
        sock.sendall(b"GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n")
        status, answer = read_response(sock)
    assert status == 405, answer
    assert b"allow: POST" in answer.lower().replace(b"allow: post", b"allow: POST")


def test_a_forged_host_is_still_refused_before_anything_else(limited: Server) -> None:
    with connect(limited) as sock:
        sock.sendall(b"GET /mcp HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
        assert read_response(sock)[0] == 421


@pytest.mark.parametrize(("name", "value", "problem"), [
    ("PERSONA_MCP_HEADER_TIMEOUT", "soon", "must be a number"),
    ("PERSONA_MCP_REQUEST_TIMEOUT", "0", "must be between"),
    ("PERSONA_MCP_MAX_CONNECTIONS", "2.5", "whole number"),
])
def test_bad_limits_in_the_environment_are_refused_with_the_fix(name: str, value: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        ConnectionLimits.from_env({name: value})


def test_uvicorn_with_the_documented_protocol_bounds_slow_clients_too() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    assert "--http persona_mcp.connections:BoundedHttpProtocol --timeout-keep-alive 5" in readme
    server = start(LIMITS, command=[sys.executable, "-m", "uvicorn", "--factory", "persona_mcp.http:create_app",
                                    "--http", "persona_mcp.connections:BoundedHttpProtocol", "--timeout-keep-alive",
                                    "5", "--host", "127.0.0.1", "--port", "0"])
    try:
        with connect(server) as slow:
            slow.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            assert normal_request(server)[0] == 200
            assert closed_by_server(slow)
    finally:
        stop(server)


# ---------------------------------------------------------------- shutdown


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_first_signal_answers_the_request_in_flight_then_exits(sig: signal.Signals) -> None:
    server = start({})
    try:
        with connect(server) as sock, connect(server) as idle:
            # `Expect: 100-continue` makes the server say when the request is in its hands.
            sock.sendall(post_head(len(SELECT), "Expect: 100-continue", "Connection: close"))
            assert sock.recv(64).startswith(b"HTTP/1.1 100")
            server.process.send_signal(sig)
            assert closed_by_server(idle)  # no new request is taken...
            sock.sendall(SELECT)
            status, answer = read_response(sock)  # ...but the one in flight is answered
            assert status == 200 and b'"isError":false' in answer.replace(b" ", b""), answer
        server.process.wait(WAIT)
    finally:
        stop(server)
    assert "Traceback" not in server.log()


# ---------------------------------------------------------------- hostile folders


def test_a_folder_with_a_symlink_loop_and_a_pipe_is_served_over_http(tmp_path: Path) -> None:
    folder = tmp_path / "personas"
    folder.mkdir()
    (folder / "widget.md").write_text("---\nname: persona-widget\ndescription: Widgets.\n---\n# Widget\n\nPolish.\n",
                                      "utf-8")
    (folder / "loop.md").symlink_to(folder / "loop.md")
    os.mkfifo(folder / "pipe.md")
    server = start({}, "--personas", str(folder))
    try:
        call = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                           "params": {"name": "list_personas", "arguments": {}}}).encode()
        with connect(server) as sock:
            sock.sendall(post_head(len(call), "Connection: close") + call)
            status, answer = read_response(sock)
        assert status == 200 and b"persona-widget" in answer and b"persona-qa" in answer
        assert b"loop.md" in answer and b"pipe.md" in answer  # each a problem of its own
    finally:
        stop(server)
