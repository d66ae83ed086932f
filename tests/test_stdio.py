"""End to end over stdio, the way an MCP host runs the installed `persona-mcp` console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import mcp
import pytest
from anyio.abc import ByteReceiveStream, Process
from anyio.streams.buffered import BufferedByteReceiveStream
from mcp import StdioServerParameters
from mcp_types import INVALID_PARAMS

from persona_mcp.model import Selection

pytestmark = pytest.mark.anyio

SCRIPT = Path(sys.executable).parent / "persona-mcp"
TIMEOUT = 30  # seconds; a hung server fails the test instead of blocking the run
REPO = Path(__file__).resolve().parents[1]

GOOD_PERSONA = """\
---
name: persona-widget
description: Widget-focused thinking mode used by the stdio tests.
trigger-keywords:
  - widget
---
# Persona: Widget Smith

Polish the widget.
"""

BROKEN_PERSONA = """\
---
name: persona-broken
description: [unclosed
---
# Broken
"""


def server_env() -> dict[str, str]:
    """The test process's environment, without a PERSONA_MCP_PATH that would add layers."""
    env = dict(os.environ)
    env.pop("PERSONA_MCP_PATH", None)
    return env


def request(id_: int, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": id_, "method": method}
    if params is not None:
        message["params"] = params
    return message


INITIALIZE = request(1, "initialize", {
    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw-test", "version": "0"},
})
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


class RawSession:
    """JSON-RPC lines to a server process's stdin; every stdout line kept, stderr collected aside."""

    def __init__(self, process: Process) -> None:
        assert process.stdin is not None and process.stdout is not None
        self.process = process
        self.stdout = BufferedByteReceiveStream(process.stdout)
        self.lines: list[bytes] = []
        self.responses: dict[int, dict[str, Any]] = {}

    async def send(self, *messages: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        await self.process.stdin.send(b"".join(json.dumps(m).encode() + b"\n" for m in messages))

    def _keep(self, line: bytes) -> None:
        self.lines.append(line)
        message = json.loads(line)  # a line that is not JSON fails here, naming itself in the traceback
        if isinstance(message, dict) and "id" in message and ("result" in message or "error" in message):
            self.responses[message["id"]] = message

    async def wait_for(self, *ids: int) -> None:
        while not set(ids) <= set(self.responses):
            self._keep(await self.stdout.receive_until(b"\n", 16 * 1024 * 1024))

    async def close_and_drain(self) -> None:
        """Close stdin (the host going away) and read stdout to its end."""
        assert self.process.stdin is not None
        await self.process.stdin.aclose()
        rest = bytearray()
        try:
            while True:
                rest += await self.stdout.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            pass
        assert not rest or rest.endswith(b"\n"), f"stdout ended mid-line: {bytes(rest[-200:])!r}"
        for line in bytes(rest).splitlines():
            self._keep(line)


async def collect(stream: ByteReceiveStream | None, into: bytearray) -> None:
    assert stream is not None
    try:
        while True:
            into += await stream.receive()
    except (anyio.EndOfStream, anyio.ClosedResourceError):
        pass


def assert_jsonrpc_messages(lines: list[bytes]) -> None:
    assert lines, "the server wrote nothing to stdout"
    for line in lines:
        message = json.loads(line)
        assert isinstance(message, dict), line
        assert message.get("jsonrpc") == "2.0", line
        is_response = "id" in message and (("result" in message) ^ ("error" in message))
        is_request_or_notification = isinstance(message.get("method"), str)
        assert is_response or is_request_or_notification, line


# ---------------------------------------------------------------- through mcp.Client


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_stdio_client_lists_tools_selects_gets_a_prompt_and_reads_a_resource(mode: str) -> None:
    assert SCRIPT.exists(), f"the console script is not installed at {SCRIPT}"
    params = StdioServerParameters(command=str(SCRIPT), args=[])
    with anyio.fail_after(TIMEOUT):
        async with mcp.Client(params, mode=mode) as client:
            assert client.server_info is not None and client.server_info.name == "persona-mcp"
            tools = (await client.list_tools()).tools
            assert sorted(t.name for t in tools) == ["get_persona", "list_personas", "select_persona"]

            result = await client.call_tool("select_persona", {
                "task": "Add user registration", "files": ["app/Http/Controllers/UserController.php"],
            })
            assert not result.is_error
            selection = Selection.model_validate(result.structured_content)
            assert selection.persona == "persona-backend"
            assert result.content[0].text.startswith("Selected persona-backend")

            prompt = await client.get_prompt("persona-backend", {"task": "Add an orders endpoint"})
            assert "Task: Add an orders endpoint" in prompt.messages[0].content.text

            resource = await client.read_resource("persona://backend")
            expected = (REPO / "personas" / "persona-backend.md").read_bytes().decode("utf-8")
            assert resource.contents[0].text == expected
            assert resource.contents[0].mime_type == "text/markdown"

            refused = await client.call_tool("select_persona", {"task": "   "})
            assert refused.is_error and "invalid argument 'task'" in refused.content[0].text
            # The process is still serving after the error.
            listing = await client.call_tool("list_personas", {})
            assert listing.structured_content["count"] >= 2


# ---------------------------------------------------------------- raw JSON-RPC lines


async def run_raw_session(args: list[str], *requests: dict[str, Any]) -> tuple[RawSession, str, int]:
    """Start the console script, shake hands, send `requests` (ids 2..), wait for every answer, close stdin.

    Returns the session, everything the server wrote on stderr, and its exit code.
    """
    stderr = bytearray()
    with anyio.fail_after(TIMEOUT):
        async with await anyio.open_process([str(SCRIPT), *args], env=server_env()) as process:
            async with anyio.create_task_group() as tg:
                tg.start_soon(collect, process.stderr, stderr)
                session = RawSession(process)
                await session.send(INITIALIZE)
                await session.wait_for(1)
                await session.send(INITIALIZED, *requests)
                await session.wait_for(*(r["id"] for r in requests))
                await session.close_and_drain()
            returncode = await process.wait()
    return session, stderr.decode(errors="replace"), returncode


async def test_raw_stdio_session_writes_only_jsonrpc_to_stdout_and_logs_to_stderr() -> None:
    session, log, returncode = await run_raw_session(
        ["--log-level", "INFO"],
        request(2, "tools/list"),
        request(3, "tools/call", {"name": "select_persona", "arguments": {
            "task": "Add user registration", "files": ["app/Http/Controllers/UserController.php"]}}),
        request(4, "tools/call", {"name": "select_persona", "arguments": {"task": ""}}),
    )

    assert returncode == 0, log
    assert_jsonrpc_messages(session.lines)
    answers = session.responses
    assert set(answers) == {1, 2, 3, 4}
    assert answers[1]["result"]["protocolVersion"] == "2025-11-25"
    assert answers[1]["result"]["serverInfo"]["name"] == "persona-mcp"
    assert "select_persona" in answers[1]["result"]["instructions"]
    assert [t["name"] for t in answers[2]["result"]["tools"]] == ["select_persona", "list_personas", "get_persona"]
    call = answers[3]["result"]
    assert call.get("isError") is not True
    assert call["structuredContent"]["persona"] == "persona-backend"
    assert answers[4]["result"]["isError"] is True
    assert "invalid argument 'task'" in answers[4]["result"]["content"][0]["text"]
    # Logs went to stderr (the INFO line of the serve command), never onto the wire.
    assert "serving" in log and "personas over stdio" in log
    assert not any(b"serving" in line for line in session.lines)


async def test_personas_folder_with_a_broken_file_serves_the_good_one_and_names_the_broken_on_stderr(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "extra"
    folder.mkdir()
    (folder / "persona-widget.md").write_text(GOOD_PERSONA, encoding="utf-8")
    broken = folder / "persona-broken.md"
    broken.write_text(BROKEN_PERSONA, encoding="utf-8")

    session, log, returncode = await run_raw_session(
        ["--personas", str(folder)],
        request(2, "prompts/list"),
        request(3, "resources/read", {"uri": "persona://widget"}),
        request(4, "tools/call", {"name": "list_personas", "arguments": {}}),
    )

    assert returncode == 0, log
    assert_jsonrpc_messages(session.lines)
    prompts = [p["name"] for p in session.responses[2]["result"]["prompts"]]
    assert "widget" in prompts
    assert "backend" in prompts  # the built-in layer is still there
    assert "broken" not in prompts
    assert session.responses[3]["result"]["contents"][0]["text"] == GOOD_PERSONA
    problems = session.responses[4]["result"]["structuredContent"]["problems"]
    assert any(str(broken) in p for p in problems), problems
    assert str(broken) in log, log
    assert "persona-widget.md" not in log


# ---------------------------------------------------------------- abuse: garbage in, the server keeps serving


async def exchange(payload: bytes, args: tuple[str, ...] = ()) -> tuple[list[dict[str, Any]], str, int]:
    """Write `payload` to the server's stdin in one go, close stdin at once, and read stdout to its end.

    Every stdout line must be a JSON object; returns them with the stderr text and the exit code.
    """
    out, err = bytearray(), bytearray()
    with anyio.fail_after(TIMEOUT):
        async with await anyio.open_process([str(SCRIPT), *args], env=server_env()) as process:
            assert process.stdin is not None
            async with anyio.create_task_group() as tg:
                tg.start_soon(collect, process.stdout, out)
                tg.start_soon(collect, process.stderr, err)
                await process.stdin.send(payload)
                await process.stdin.aclose()
            returncode = await process.wait()
    lines = bytes(out).splitlines()
    assert not out or out.endswith(b"\n"), "stdout ended mid-line"
    assert_jsonrpc_messages(lines)
    return [json.loads(line) for line in lines], err.decode(errors="replace"), returncode


def frame(*messages: dict[str, Any] | bytes) -> bytes:
    return b"".join((m if isinstance(m, bytes) else json.dumps(m).encode()) + b"\n" for m in messages)


SELECT = request(99, "tools/call", {"name": "select_persona", "arguments": {
    "task": "Add user registration", "files": ["app/Http/Controllers/UserController.php"]}})


def by_id(answers: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {a["id"]: a for a in answers if a.get("id") is not None}


async def test_garbage_lines_get_jsonrpc_errors_and_the_server_still_answers_a_valid_request() -> None:
    garbage: list[dict[str, Any] | bytes] = [
        b"this is not json",
        b'{"jsonrpc": "2.0", "id": 2, "method": ',  # cut off mid-message
        b"\xff\xfe\x00 not utf-8 \xc3\x28",
        b"[1, 2, 3]",
        b'"a string"',
        b"null",
        b"{}",
        b'{"jsonrpc": "1.0", "id": 3, "method": "ping"}',
        {"jsonrpc": "2.0", "id": 4, "method": 42},
        {"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": "not an object"},
        {"jsonrpc": "2.0", "id": 6, "method": "no/such/method"},
        {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "select_persona",
                                                                         "arguments": {"task": 5}}},
        {"jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": {"name": "select_persona",
                                                                         "arguments": {"task": "x", "top_k": 0}}},
        {"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "no_such_tool", "arguments": {}}},
        b"   ",  # a blank line is skipped without an answer
    ]
    answers, log, returncode = await exchange(frame(INITIALIZE, INITIALIZED, *garbage, SELECT))

    assert returncode == 0, log
    anonymous = [a["error"] for a in answers if a.get("id") is None]
    assert [e["code"] for e in anonymous] == [-32700, -32700, -32700, -32600, -32600, -32600, -32600], anonymous
    assert "not valid JSON" in anonymous[0]["message"]
    assert "batches are not supported" in anonymous[3]["message"]
    answered = by_id(answers)
    assert answered[3]["error"]["code"] == -32600 and "jsonrpc" in answered[3]["error"]["message"]
    assert answered[4]["error"]["code"] == -32600 and "method" in answered[4]["error"]["message"]
    assert answered[5]["error"]["code"] == -32600 and "params" in answered[5]["error"]["message"]
    assert answered[6]["error"]["code"] == -32601
    for id_, field in ((7, "task"), (8, "top_k")):  # tool argument problems are tool results (SEP-1303)
        assert answered[id_]["result"]["isError"] is True
        assert f"invalid argument '{field}'" in answered[id_]["result"]["content"][0]["text"]
    assert answered[9]["error"]["code"] == INVALID_PARAMS and "no_such_tool" in answered[9]["error"]["message"]
    assert answered[99]["result"]["structuredContent"]["persona"] == "persona-backend"
    assert len(answers) == 7 + 7 + 1 + 1  # no answer for the blank line or the notification
    assert "not valid JSON" in log  # each rejected line is logged on stderr


@pytest.mark.parametrize("bad_id", ["1.0", "true", "false", "null", "[1]", "{}", '{"a": 1}', "1e3"])
async def test_a_request_with_an_id_that_is_no_string_or_integer_is_answered_invalid_request(bad_id: str) -> None:
    line = f'{{"jsonrpc": "2.0", "id": {bad_id}, "method": "ping"}}'.encode()
    answers, log, returncode = await exchange(frame(INITIALIZE, INITIALIZED, line, SELECT))

    assert returncode == 0, log
    (refused,) = [a for a in answers if a.get("id") is None]
    assert refused["error"] == {"code": -32600, "message": "Invalid Request: 'id' must be a string or an integer"}
    assert 99 in by_id(answers)


async def test_a_line_over_the_limit_is_refused_without_reading_it_whole_and_serving_goes_on() -> None:
    from persona_mcp.stdio import MAX_LINE_BYTES

    huge = request(2, "tools/call", {"name": "select_persona", "arguments": {"task": "x" * MAX_LINE_BYTES}})
    answers, log, returncode = await exchange(frame(INITIALIZE, INITIALIZED, huge, SELECT))

    assert returncode == 0, log
    (refused,) = [a for a in answers if a.get("id") is None]
    assert refused["error"]["code"] == -32600
    assert f"{MAX_LINE_BYTES}-byte limit" in refused["error"]["message"]
    assert by_id(answers)[99]["result"]["structuredContent"]["persona"] == "persona-backend"


async def test_a_task_just_over_its_bound_on_one_line_gets_an_error_result_naming_the_field() -> None:
    long_task = request(2, "tools/call", {"name": "select_persona", "arguments": {"task": "x" * 20_001}})
    answers, log, returncode = await exchange(frame(INITIALIZE, INITIALIZED, long_task, SELECT))

    assert returncode == 0, log
    result = by_id(answers)[2]["result"]
    assert result["isError"] is True
    assert "invalid argument 'task'" in result["content"][0]["text"] and "20,000" in result["content"][0]["text"]
    assert 99 in by_id(answers)


async def test_requests_in_flight_when_stdin_closes_are_still_answered() -> None:
    calls = [request(10 + i, "tools/call", {"name": "select_persona", "arguments": {
        "task": f"Profile the slow query number {i}", "files": ["db/queries.sql"]}}) for i in range(20)]
    answers, log, returncode = await exchange(
        frame(INITIALIZE, INITIALIZED, *calls, request(50, "prompts/get", {"name": "persona-qa"}), SELECT))

    assert returncode == 0, log
    answered = by_id(answers)
    assert set(answered) == {1, *range(10, 30), 50, 99}, sorted(answered)
    assert all("result" in answered[i] for i in answered)
    assert answered[99]["result"]["structuredContent"]["persona"] == "persona-backend"


async def test_a_reused_request_id_and_a_late_cancel_do_not_confuse_the_drain() -> None:
    slow = [request(7, "tools/call", {"name": "select_persona", "arguments": {"task": f"Profile query {i}"}})
            for i in range(2)]  # the same id twice: both are answered
    cancel = {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 8}}
    answers, log, returncode = await exchange(
        frame(INITIALIZE, INITIALIZED, *slow, request(8, "ping"), cancel, SELECT))

    assert returncode == 0, log
    assert [a["id"] for a in answers].count(7) == 2
    assert 99 in by_id(answers)
    assert "unanswered after" not in log


async def test_stdin_closed_in_the_middle_of_a_message_answers_a_parse_error_and_exits_cleanly() -> None:
    partial = json.dumps(SELECT).encode()[:40]
    answers, log, returncode = await exchange(frame(INITIALIZE, INITIALIZED, request(2, "ping")) + partial)

    assert returncode == 0, log
    assert by_id(answers)[2]["result"] == {}
    assert [a["error"]["code"] for a in answers if a.get("id") is None] == [-32700]



async def test_a_host_that_stops_reading_stdout_gets_a_clean_exit_without_waiting_for_undeliverable_answers() -> None:
    pings = [request(i, "ping") for i in range(2, 50)]

    def run_with_stdout_closed() -> tuple[int, str]:
        process = subprocess.Popen([str(SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=server_env())
        assert process.stdin is not None and process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the host goes away without reading a single answer
        process.stdin.write(frame(INITIALIZE, INITIALIZED, *pings))
        process.stdin.close()
        log = process.stderr.read().decode(errors="replace")
        process.stderr.close()
        return process.wait(timeout=TIMEOUT), log

    with anyio.fail_after(TIMEOUT):
        returncode, log = await anyio.to_thread.run_sync(run_with_stdout_closed)
    assert returncode == 0, log
    assert "cannot write" in log and "Traceback" not in log
    assert "unanswered after" not in log  # every request was answered; only the delivery failed




# ---------------------------------------------------------------- what hosts show


async def test_what_hosts_show_is_clean_short_titled_and_has_icons() -> None:
    params = StdioServerParameters(command=str(SCRIPT), args=[], env=server_env())
    with anyio.fail_after(TIMEOUT):
        async with mcp.Client(params, mode="legacy") as client:
            info = client.server_info
            tools = (await client.list_tools()).tools
            prompts = (await client.list_prompts()).prompts
    assert info is not None and info.title == "Persona MCP" and info.icons
    for tool in tools:
        assert tool.title and tool.icons and tool.description, tool.name
        assert not [row for row in tool.description.splitlines() if row[:1].isspace()], tool.description
    for prompt in prompts:
        assert prompt.title and len(prompt.description or "") <= 200, prompt
        assert not prompt.name.startswith("persona-"), prompt.name  # hosts show it under the server's name
    servers = next(t for t in tools if t.name == "select_persona").input_schema["properties"]["available_servers"]
    assert servers["type"] == "array" and servers["default"] == [] and "anyOf" not in servers
