"""Streamable HTTP against real servers on 127.0.0.1 (real sockets, ephemeral ports), started as the README says."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx2
import mcp
import pytest
from mcp.client.streamable_http import streamable_http_client

from persona_mcp.arguments import MAX_FILES, MAX_PATH_CHARS, MAX_SERVERS, MAX_TASK_CHARS
from persona_mcp.errors import ConfigError
from persona_mcp.http import DEFAULT_MAX_BODY_BYTES, HttpSettings, check_token
from persona_mcp.model import MAX_TOP_K

SCRIPT = Path(sys.executable).parent / "persona-mcp"
README = Path(__file__).resolve().parents[1] / "README.md"
TOKEN = "s3cret-token-for-the-http-tests-0123456789"
STARTUP_SECONDS = 60
WIDGET = """\
---
name: persona-widget
description: Widget polishing, for the HTTP tests.
trigger-keywords: [widget]
---
# Persona: Widget Smith

Polish the widget.
"""
HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
           "MCP-Protocol-Version": "2025-11-25"}


def rpc(method: str, params: dict[str, Any] | None = None, id_: int = 1) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": id_, "method": method, **({"params": params} if params is not None else {})}


def select_call(**arguments: Any) -> dict[str, Any]:
    return rpc("tools/call", {"name": "select_persona", "arguments": arguments})


@dataclass
class RunningServer:
    """A server process, its endpoint URL and everything it wrote on stderr so far."""

    process: subprocess.Popen[bytes]
    url: str = ""
    stderr: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    @property
    def base(self) -> str:
        return self.url.removesuffix("/mcp")

    def log(self) -> str:
        return "".join(self.stderr)


def start(command: list[str], ready: str, env: dict[str, str] | None = None) -> RunningServer:
    """Start a server and wait (bounded) for the stderr line that names its URL."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PERSONA_MCP_")}
    full_env.update(env or {})
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=full_env)
    server = RunningServer(process)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:  # keeps draining stderr so the server never blocks on a full pipe
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode(errors="replace")
            server.stderr.append(line)
            lines.put(line)
        lines.put(None)

    server.reader = threading.Thread(target=pump, daemon=True)
    server.reader.start()
    while True:
        try:
            line = lines.get(timeout=STARTUP_SECONDS)
        except queue.Empty:
            stop(server)
            pytest.fail(f"no {ready!r} line within {STARTUP_SECONDS} s:\n{server.log()}")
        if line is None:
            pytest.fail(f"the server exited with {process.wait()}:\n{server.log()}")
        found = re.search(ready, line)
        if found:
            server.url = found.group(1)
            return server


def stop(server: RunningServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    if server.reader is not None:
        server.reader.join(timeout=20)
    if server.process.stderr is not None:
        server.process.stderr.close()


@pytest.fixture(scope="module")
def personas_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("personas")
    (folder / "persona-widget.md").write_text(WIDGET, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def token_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("secret") / "token"
    path.write_text(TOKEN + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def guarded(personas_dir: Path, token_file: Path) -> Iterator[RunningServer]:
    """`persona-mcp serve --transport http` with a token, an extra Host name and an extra Origin."""
    server = start([str(SCRIPT), "--personas", str(personas_dir), "serve", "--transport", "http", "--port", "0",
                    "--token-file", str(token_file), "--allow-host", "persona.internal",
                    "--allow-origin", "https://app.example.com"], r"serving MCP on (\S+)")
    yield server
    stop(server)


@pytest.fixture
def client() -> Iterator[httpx2.Client]:
    with httpx2.Client(timeout=30) as http:
        yield http


def auth(token: str = TOKEN, **extra: str) -> dict[str, str]:
    return {**HEADERS, "Authorization": f"Bearer {token}", **extra}


# ---------------------------------------------------------------- the guard


def test_valid_select_persona_call_is_served(guarded: RunningServer, client: httpx2.Client) -> None:
    answer = client.post(guarded.url, headers=auth(),
                         json=select_call(task="Add user registration",
                                          files=["app/Http/Controllers/UserController.php"]))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    result = answer.json()["result"]
    assert result["structuredContent"]["persona"] == "persona-backend"
    assert "guard" not in guarded.log().lower()


@pytest.mark.parametrize("host", ["evil.example.com", "evil.example.com:8765", "127.0.0.1.nip.io", "localhost.evil"])
def test_forged_host_is_rejected_with_421_even_with_the_right_token(
    guarded: RunningServer, client: httpx2.Client, host: str,
) -> None:
    answer = client.post(guarded.url, headers=auth(Host=host), json=select_call(task="x"))
    assert answer.status_code == 421
    assert answer.json()["error"] == "host_not_allowed"
    assert "--allow-host" in answer.json()["message"]


@pytest.mark.parametrize("host", ["persona.internal", "persona.internal:8443", "PERSONA.internal", "localhost:1"])
def test_allowed_host_names_are_served(guarded: RunningServer, client: httpx2.Client, host: str) -> None:
    answer = client.post(guarded.url, headers=auth(Host=host), json=rpc("ping"))
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("origin", ["https://evil.example.com", "null", "http://127.0.0.1.evil.com:80",
                                   "https://app.example.com.evil.com"])
def test_forged_origin_is_rejected_with_403(guarded: RunningServer, client: httpx2.Client, origin: str) -> None:
    answer = client.post(guarded.url, headers=auth(Origin=origin), json=rpc("ping"))
    assert answer.status_code == 403
    assert answer.json()["error"] == "origin_not_allowed"
    assert "--allow-origin" in answer.json()["message"] and "PERSONA_MCP_ALLOWED_ORIGINS" in answer.json()["message"]


@pytest.mark.parametrize("origin", ["https://app.example.com", "http://localhost:5173", "http://127.0.0.1:8080"])
def test_allowed_origins_are_served(guarded: RunningServer, client: httpx2.Client, origin: str) -> None:
    answer = client.post(guarded.url, headers=auth(Origin=origin), json=rpc("ping"))
    assert answer.status_code == 200, answer.text


def test_missing_token_gets_401_with_a_bearer_challenge(guarded: RunningServer, client: httpx2.Client) -> None:
    answer = client.post(guarded.url, headers=HEADERS, json=select_call(task="Add user registration"))
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer realm="persona-mcp"'
    assert "Authorization: Bearer" in answer.json()["message"] and "--token-file" in answer.json()["message"]


@pytest.mark.parametrize("authorization", [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer x", f"Basic {TOKEN}",
                                           f"Token {TOKEN}", "Bearer", f"bearer  {TOKEN} extra", TOKEN])
def test_wrong_token_gets_401(guarded: RunningServer, client: httpx2.Client, authorization: str) -> None:
    answer = client.post(guarded.url, headers={**HEADERS, "Authorization": authorization}, json=rpc("ping"))
    assert answer.status_code == 401
    assert "--token-file" in answer.json()["message"]
    assert answer.headers["www-authenticate"].startswith("Bearer")


def test_the_token_is_checked_on_every_path(guarded: RunningServer, client: httpx2.Client) -> None:
    assert client.get(guarded.base + "/anything", headers=HEADERS).status_code == 401
    assert client.get(guarded.base + "/anything", headers=auth()).status_code == 404


def test_health_needs_no_token_but_is_host_checked(guarded: RunningServer, client: httpx2.Client) -> None:
    answer = client.get(guarded.base + "/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "personas": 12}
    assert client.get(guarded.base + "/healthz", headers={"Host": "evil.example.com"}).status_code == 421


def test_oversized_body_gets_413(guarded: RunningServer, client: httpx2.Client) -> None:
    body = b'{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"pad": "' + b"x" * DEFAULT_MAX_BODY_BYTES + b'"}}'
    answer = client.post(guarded.url, headers=auth(), content=body)
    assert answer.status_code == 413
    assert answer.json()["error"] == "body_too_large"
    assert "--max-body-bytes" in answer.json()["message"] and "PERSONA_MCP_MAX_BODY_BYTES" in answer.json()["message"]


def largest_select(char: str, *, escaped: bool) -> bytes:
    """A select_persona request with every argument at its bound, written with `char`: as UTF-8, or `\\u`-escaped."""
    arguments = {"task": char * MAX_TASK_CHARS, "files": [char * MAX_PATH_CHARS] * MAX_FILES,
                 "available_servers": [char * 200] * MAX_SERVERS, "top_k": MAX_TOP_K, "detail": "summary"}
    return json.dumps(select_call(**arguments), ensure_ascii=escaped).encode("utf-8")


# What the README's Security section says fits in the default limit, and what does not.
@pytest.mark.parametrize(("char", "escaped", "fits"), [
    ("a", False, True), ("é", False, True), ("漢", False, True),
    ("😀", False, False), ("é", True, False), ("😀", True, False),
])
def test_the_largest_requests_within_the_argument_bounds_fit_the_default_limit_as_the_readme_says(
    guarded: RunningServer, client: httpx2.Client, char: str, escaped: bool, fits: bool,
) -> None:
    answer = client.post(guarded.url, headers=auth(), content=largest_select(char, escaped=escaped))
    if fits:
        assert answer.status_code == 200 and answer.json()["result"]["isError"] is False
    else:
        assert answer.status_code == 413 and answer.json()["error"] == "body_too_large"


def test_the_limit_the_readme_gives_lets_in_every_request_within_the_argument_bounds(personas_dir: Path) -> None:
    stated = re.search(r"`--max-body-bytes (\d+)` lets in every request", README.read_text(encoding="utf-8"))
    assert stated, "the README no longer says which limit lets in every request"
    server = start([str(SCRIPT), "--personas", str(personas_dir), "serve", "--transport", "http", "--port", "0",
                    "--max-body-bytes", stated.group(1)], r"serving MCP on (\S+)")
    try:
        with httpx2.Client(timeout=60) as http:
            answer = http.post(server.url, headers=HEADERS, content=largest_select("😀", escaped=True))
    finally:
        stop(server)
    assert answer.status_code == 200 and answer.json()["result"]["isError"] is False


def test_oversized_chunked_body_without_a_length_gets_413(guarded: RunningServer, client: httpx2.Client) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(5):
            yield b" " * (1024 * 1024)

    answer = client.post(guarded.url, headers=auth(), content=chunks())
    assert answer.status_code == 413
    assert answer.json()["error"] == "body_too_large" and "--max-body-bytes" in answer.json()["message"]


def test_garbage_body_gets_a_jsonrpc_parse_error_and_serving_goes_on(guarded: RunningServer,
                                                                      client: httpx2.Client) -> None:
    answer = client.post(guarded.url, headers=auth(), content=b"{not json")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == -32700
    assert client.post(guarded.url, headers=auth(), json=rpc("ping")).status_code == 200


@pytest.mark.parametrize(("body", "answer_id", "message"), [
    (b'{"jsonrpc": "2.0", "id": 1.5, "method": "ping"}', None, "'id' must be a string or an integer"),
    (b'{"jsonrpc": "2.0", "id": true, "method": "ping"}', None, "'id' must be a string or an integer"),
    (b'{"jsonrpc": "2.0", "id": null, "method": "ping"}', None, "'id' must be a string or an integer"),
    (b'{"jsonrpc": "2.0", "id": [1], "method": "ping"}', None, "'id' must be a string or an integer"),
    (b'{"foo": 1}', None, "Invalid Request: jsonrpc: Field required"),
    (b'[{"jsonrpc": "2.0", "id": 1, "method": "ping"}]', None, "batches are not supported"),
    (b'{"jsonrpc": "2.0", "id": 7, "method": 5}', 7, "Invalid Request: method:"),
])
def test_a_body_that_is_no_single_jsonrpc_message_gets_400_with_an_invalid_request_error(
    guarded: RunningServer, client: httpx2.Client, body: bytes, answer_id: int | None, message: str,
) -> None:
    answer = client.post(guarded.url, headers=auth(), content=body)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    reply = answer.json()
    assert reply["jsonrpc"] == "2.0" and reply["id"] == answer_id
    assert reply["error"]["code"] == -32600
    assert message in reply["error"]["message"] and "\n" not in reply["error"]["message"]
    assert client.post(guarded.url, headers=auth(), json=rpc("ping")).status_code == 200


def test_a_notification_is_still_accepted_with_202(guarded: RunningServer, client: httpx2.Client) -> None:
    answer = client.post(guarded.url, headers=auth(), json={"jsonrpc": "2.0", "method": "notifications/initialized"})
    assert answer.status_code == 202 and answer.content == b""


def test_initialize_says_list_changed_is_not_pushed_over_stateless_http(guarded: RunningServer,
                                                                         client: httpx2.Client) -> None:
    answer = client.post(guarded.url, headers=auth(), json=rpc("initialize", {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}))
    capabilities = answer.json()["result"]["capabilities"]
    assert capabilities["prompts"]["listChanged"] is False
    assert capabilities["resources"]["listChanged"] is False
    assert "tools" in capabilities


@pytest.mark.parametrize("raw", [
    b"GARBAGE\r\n\r\n",
    b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: nope\r\n\r\n",
    b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n",
    b"\x00\xff\x16\x03\x01 not http at all",
    b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{\"cut\": ",  # then the peer leaves
])
def test_malformed_http_is_refused_or_dropped_and_the_server_goes_on(guarded: RunningServer, client: httpx2.Client,
                                                                     raw: bytes) -> None:
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(guarded.url)
    with socket.create_connection((where.hostname, where.port), timeout=30) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer == b"" or answer.startswith(b"HTTP/1.1 4"), answer[:100]
    assert client.post(guarded.url, headers=auth(), json=rpc("ping")).status_code == 200


def test_out_of_bounds_argument_is_an_error_result_naming_the_field(guarded: RunningServer,
                                                                     client: httpx2.Client) -> None:
    answer = client.post(guarded.url, headers=auth(), json=select_call(task="api", top_k=500))
    result = answer.json()["result"]
    assert result["isError"] is True
    assert "'top_k'" in result["content"][0]["text"]


@pytest.mark.anyio
async def test_mcp_client_with_the_token_lists_tools_and_selects(guarded: RunningServer) -> None:
    with anyio.fail_after(60):
        async with (httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as http,
                    mcp.Client(streamable_http_client(guarded.url, http_client=http), mode="legacy") as session):
            tools = await session.list_tools()
            assert {t.name for t in tools.tools} == {"select_persona", "list_personas", "get_persona"}
            result = await session.call_tool("select_persona", {"task": "Polish the widget"})
            assert result.structured_content["persona"] == "persona-widget"
            prompt = await session.get_prompt("persona-widget")
            assert "Polish the widget." in prompt.messages[0].content.text


def test_a_persona_edited_while_serving_is_served_without_a_restart(
    guarded: RunningServer, client: httpx2.Client, personas_dir: Path,
) -> None:
    gadget = WIDGET.replace("persona-widget", "persona-gadget").replace("[widget]", "[gadget]")
    (personas_dir / "persona-gadget.md").write_text(gadget, encoding="utf-8")
    try:
        with anyio.from_thread.start_blocking_portal() as portal:
            async def until_served() -> None:
                with anyio.fail_after(30):
                    while True:
                        answer = client.post(guarded.url, headers=auth(), json=select_call(task="Fix the gadget"))
                        if answer.json()["result"]["structuredContent"]["persona"] == "persona-gadget":
                            return
                        await anyio.sleep(0.1)

            portal.call(until_served)
    finally:
        (personas_dir / "persona-gadget.md").unlink()


# ---------------------------------------------------------------- start-up and settings


def test_binding_a_non_loopback_address_without_a_token_warns_on_stderr() -> None:
    server = start([str(SCRIPT), "serve", "--transport", "http", "--host", "0.0.0.0", "--port", "0"],
                   r"serving MCP on (\S+)")
    try:
        log = server.log()
        assert "without a token" in log and "--token-file" in log
        assert "only loopback Host names are allowed" in log
        with httpx2.Client(timeout=30) as http:  # still served on loopback, and still Host-checked
            local = server.url.replace("0.0.0.0", "127.0.0.1")
            assert http.post(local, headers=HEADERS, json=rpc("ping")).status_code == 200
            assert http.post(local, headers={**HEADERS, "Host": "evil.example.com"},
                             json=rpc("ping")).status_code == 421
    finally:
        stop(server)


def test_several_workers_serve_the_same_guarded_catalog(personas_dir: Path, token_file: Path) -> None:
    server = start([str(SCRIPT), "--no-builtin", "--personas", str(personas_dir), "serve", "--transport", "http",
                    "--port", "0", "--workers", "2", "--token-file", str(token_file)], r"serving MCP on (\S+)")
    try:
        with httpx2.Client(timeout=30) as http:
            for _ in range(10):  # fresh connections, so that both workers are likely to answer
                answer = http.post(server.url, headers={**auth(), "Connection": "close"},
                                   json=select_call(task="Polish the widget"))
                assert answer.json()["result"]["structuredContent"]["persona"] == "persona-widget"
            assert http.post(server.url, headers=HEADERS, json=rpc("ping")).status_code == 401
    finally:
        stop(server)
    assert server.process.returncode == 0, server.log()
    assert "Traceback" not in server.log()


@pytest.mark.anyio
async def test_accepted_connections_get_tcp_nodelay_so_keep_alive_answers_are_not_held_back() -> None:
    import asyncio
    import socket

    from persona_mcp.http import listen

    accepted: asyncio.Queue[int] = asyncio.Queue()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.put_nowait(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    sock = listen("127.0.0.1", 0)
    assert sock.proto == socket.IPPROTO_TCP
    server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
    async with server:
        with anyio.fail_after(30):
            stream = await anyio.connect_tcp("127.0.0.1", sock.getsockname()[1])
            assert await accepted.get() != 0
            await stream.aclose()


def test_loopback_without_a_token_does_not_warn(personas_dir: Path) -> None:
    server = start([str(SCRIPT), "--no-builtin", "--personas", str(personas_dir), "serve", "--transport", "http",
                    "--port", "0"], r"serving MCP on (\S+)")
    stop(server)
    assert "token" not in server.log()


def test_uvicorn_factory_as_documented_reads_its_settings_from_the_environment(
    personas_dir: Path, token_file: Path,
) -> None:
    server = start([sys.executable, "-m", "uvicorn", "--factory", "persona_mcp.http:create_app",
                    "--host", "127.0.0.1", "--port", "0"], r"Uvicorn running on (http://\S+)",
                   env={"PERSONA_MCP_PATH": str(personas_dir), "PERSONA_MCP_NO_BUILTIN": "1",
                        "PERSONA_MCP_TOKEN_FILE": str(token_file)})
    try:
        url = server.url + "/mcp"
        with httpx2.Client(timeout=30) as http:
            assert http.post(url, headers=HEADERS, json=rpc("ping")).status_code == 401
            answer = http.post(url, headers=auth(), json=select_call(task="Polish the widget"))
            assert answer.json()["result"]["structuredContent"]["persona"] == "persona-widget"
            assert http.get(server.url + "/healthz").json()["personas"] == 1
            assert http.post(url, headers=auth(Host="evil.example.com"), json=rpc("ping")).status_code == 421
    finally:
        stop(server)
    assert "Terminating session" not in server.log()  # no INFO line per request from the SDK


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "--port", "8000"], "--port applies to --transport http"),
        (["serve", "--transport", "http", "--port", "70000"], "--port must be between 0 and 65535"),
        (["serve", "--transport", "http", "--token-file", "/nonexistent/token"], "cannot read the token file"),
        (["serve", "--transport", "http", "--allow-origin", "app.example.com"], "is not an origin"),
        (["serve", "--transport", "http", "--max-body-bytes", "10"], "at least 1024 bytes"),
        (["serve", "--transport", "http", "--workers", "0"], "--workers must be between 1 and 64"),
        (["serve", "--workers", "2"], "--workers applies to --transport http"),
        (["serve", "--allow-host", "x"], "error: --allow-host applies to --transport http"),
        (["serve", "--allow-origin", "https://app.example.com"], "error: --allow-origin applies to --transport http"),
        (["serve", "--max-body-bytes", "5000"], "error: --max-body-bytes applies to --transport http"),
        (["serve", "--token-file", "token"], "error: --token-file applies to --transport http"),
        (["serve", "--transport", "http", "--allow-host", "https://persona.example.com"], "is not a host name"),
        (["serve", "--transport", "http", "--allow-origin", "*"], "list each origin instead"),
    ],
)
def test_bad_serve_options_are_usage_errors_that_say_the_fix(args: list[str], message: str) -> None:
    done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert done.stdout == ""


def test_allowed_origins_from_the_environment_refuse_a_wildcard() -> None:
    with pytest.raises(ConfigError, match="PERSONA_MCP_ALLOWED_ORIGINS") as info:
        HttpSettings.from_env({"PERSONA_MCP_ALLOWED_ORIGINS": "https://app.example.com,*"})
    assert "https://app.example.com" in str(info.value)


def test_any_host_allowed_warns_at_start_and_serves_any_host(personas_dir: Path) -> None:
    server = start([str(SCRIPT), "serve", "--transport", "http", "--port", "0", "--allow-host", "*"],
                   r"serving MCP on (\S+)")
    try:
        with httpx2.Client(timeout=30) as http:
            answer = http.post(server.url, headers={**HEADERS, "Host": "anything.example"}, json=rpc("ping"))
            assert answer.status_code == 200
    finally:
        stop(server)
    assert "--allow-host '*'" in server.log() and "behind a proxy that checks Host" in server.log()


def test_token_given_in_the_environment_never_shows_in_the_log(personas_dir: Path) -> None:
    server = start([str(SCRIPT), "--log-level", "DEBUG", "serve", "--transport", "http", "--port", "0"],
                   r"serving MCP on (\S+)", env={"PERSONA_MCP_TOKEN": TOKEN})
    try:
        with httpx2.Client(timeout=30) as http:
            assert http.post(server.url, headers=HEADERS, json=rpc("ping")).status_code == 401
            assert http.post(server.url, headers=auth(), json=rpc("ping")).status_code == 200
    finally:
        stop(server)
    assert "bearer token required" in server.log()
    assert TOKEN not in server.log()


@pytest.mark.parametrize(("token", "problem"), [("", "is empty"), ("short", "at least 16"),
                                                  ("has spaces in the middle of it", "may hold only"),
                                                  ("tøken-with-non-ascii-chars", "may hold only")])
def test_unusable_tokens_are_refused_with_the_fix(token: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem) as info:
        check_token(token, "PERSONA_MCP_TOKEN")
    assert "secrets.token_urlsafe" in str(info.value)


@pytest.mark.parametrize(("entry", "host", "allowed"), [
    ("persona.internal", "persona.internal:9000", True),
    ("persona.internal:9000", "persona.internal:9000", True),
    ("persona.internal:9000", "persona.internal:9001", False),
    ("::1", "[::1]:8765", True),
    ("10.0.0.5", "10.0.0.5", True),
    ("10.0.0.5", "10.0.0.50:80", False),
    ("*", "anything.example:1", True),
])
def test_host_allowlist_entries(entry: str, host: str, allowed: bool) -> None:
    settings = HttpSettings.from_env({}, hosts=[entry])
    assert settings.host_allowed(host) is allowed
    assert settings.host_allowed("localhost:8765")
    assert not settings.host_allowed(None) or entry == "*"
