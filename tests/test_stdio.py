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

            with pytest.raises(mcp.MCPError) as info:
                await client.call_tool("select_persona", {"task": "   "})
            assert info.value.code == INVALID_PARAMS
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
    assert answers[4]["error"]["code"] == INVALID_PARAMS
    assert answers[4]["error"]["data"]["field"] == "task"
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
    assert "persona-widget" in prompts
    assert "persona-backend" in prompts  # the built-in layer is still there
    assert "persona-broken" not in prompts
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
    assert "got a string" in anonymous[4]["message"] and "got null" in anonymous[5]["message"]
    answered = by_id(answers)
    assert answered[3]["error"]["code"] == -32600 and "jsonrpc" in answered[3]["error"]["message"]
    assert answered[4]["error"] == {"code": -32600, "message": "Invalid Request: 'method' must be a string"}
    assert answered[5]["error"] == {"code": -32600, "message": "Invalid Request: 'params' must be an object"}
    assert answered[6]["error"]["code"] == -32601
    assert answered[7]["error"]["code"] == INVALID_PARAMS and answered[7]["error"]["data"]["field"] == "task"
    assert answered[8]["error"]["code"] == INVALID_PARAMS and answered[8]["error"]["data"]["field"] == "top_k"
    assert answered[9]["error"]["code"] == INVALID_PARAMS and "no_such_tool" in answered[9]["error"]["message"]
    assert answered[99]["result"]["structuredContent"]["persona"] == "persona-backend"
    assert len(answers) == 7 + 7 + 1 + 1  # no answer for the blank line or the notification
    assert "not valid JSON" in log  # each rejected line is logged on stderr


async def test_a_line_over_the_limit_is_refused_without_reading_it_whole_and_serving_goes_on() -> None:
    from persona_mcp.stdio import MAX_LINE_BYTES

    huge = request(2, "tools/call", {"name": "select_persona", "arguments": {"task": "x" * MAX_LINE_BYTES}})
    answers, log, returncode = await exchange(frame(INITIALIZE, INITIALIZED, huge, SELECT))

    assert returncode == 0, log
    (refused,) = [a for a in answers if a.get("id") is None]
    assert refused["error"]["code"] == -32600
    assert f"{MAX_LINE_BYTES}-byte limit" in refused["error"]["message"]
    assert by_id(answers)[99]["result"]["structuredContent"]["persona"] == "persona-backend"


async def test_a_task_just_over_its_bound_on_one_line_gets_invalid_params_naming_the_field() -> None:
    long_task = request(2, "tools/call", {"name": "select_persona", "arguments": {"task": "x" * 20_001}})
    answers, log, returncode = await exchange(frame(INITIALIZE, INITIALIZED, long_task, SELECT))

    assert returncode == 0, log
    error = by_id(answers)[2]["error"]
    assert error["code"] == INVALID_PARAMS and error["data"]["field"] == "task"
    assert "20000" in error["message"]
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
    assert "still unanswered" not in log


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
    assert "still unanswered" not in log  # every request was answered; only the delivery failed


# ---------------------------------------------------------------- the transport's line reading and writing


READER_CASES: list[tuple[bytes, list[tuple[bytes, bool]]]] = [
    (b'{"a": 1}\n{"b": 2}\n', [(b'{"a": 1}\n', False), (b'{"b": 2}\n', False)]),
    (b"0123456789\n", [(b"0123456789\n", False)]),  # exactly the limit (10) plus the newline: kept
    (b"0123456789X\nok\n", [(b"", True), (b"ok\n", False)]),  # one byte over: cut, and reading goes on
    (b"x" * 100_000 + b"\nok\n", [(b"", True), (b"ok\n", False)]),  # far over, across many reads
    (b"ok\npartial", [(b"ok\n", False), (b"partial", False)]),  # a last line without its newline
    (b"ok\n" + b"y" * 50, [(b"ok\n", False), (b"", True)]),  # input ends inside an over-long line
    (b"\n\n", [(b"\n", False), (b"\n", False)]),
    (b"", []),
]


@pytest.mark.parametrize("polling", [True, False], ids=["polling", "threaded"])
@pytest.mark.parametrize(("data", "expected"), READER_CASES)
async def test_line_readers_split_bound_and_end_the_input_alike(
    polling: bool, data: bytes, expected: list[tuple[bytes, bool]]
) -> None:
    from persona_mcp import stdio

    read_fd, write_fd = os.pipe()
    with open(read_fd, "rb") as source:
        reader = stdio._PollingReader(read_fd, 10) if polling else stdio._ThreadedReader(source, 10)
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(anyio.to_thread.run_sync, write_then_close, write_fd, data)
                got = []
                with anyio.fail_after(TIMEOUT):
                    while (item := await reader.read_line()) != (b"", False):
                        got.append(item)
        finally:
            reader.close()
    assert got == expected


def write_then_close(fd: int, data: bytes) -> None:
    with open(fd, "wb") as sink:
        sink.write(data)


async def test_the_transport_polls_pipes_and_leaves_their_blocking_mode_as_it_was() -> None:
    from persona_mcp import stdio

    read_fd, write_fd = os.pipe()
    with open(read_fd, "rb") as source, open(write_fd, "wb", buffering=0) as sink:
        reader, writer = stdio._line_reader(source, 100), stdio._message_writer(sink)
        assert isinstance(reader, stdio._PollingReader) and isinstance(writer, stdio._PollingWriter)
        assert not os.get_blocking(read_fd) and not os.get_blocking(write_fd)
        message = b"z" * 300_000 + b"\n"  # several times a pipe's buffer: the writer waits for the reader
        async with anyio.create_task_group() as tg:
            tg.start_soon(writer.write, message)
            with anyio.fail_after(TIMEOUT):
                assert await reader.read_line() == (b"", True)
        reader.close()
        writer.close()
        assert os.get_blocking(read_fd) and os.get_blocking(write_fd)


def test_files_and_in_memory_streams_are_read_and_written_in_a_thread(tmp_path: Path) -> None:
    import io

    from persona_mcp import stdio

    path = tmp_path / "input.jsonl"
    path.write_bytes(b"{}\n")
    with path.open("rb") as source:
        assert isinstance(stdio._line_reader(source, 100), stdio._ThreadedReader)
    assert isinstance(stdio._line_reader(io.BytesIO(b""), 100), stdio._ThreadedReader)
    assert isinstance(stdio._message_writer(io.BytesIO()), stdio._ThreadedWriter)


def test_a_message_is_encoded_as_model_dump_json_writes_it_plus_a_newline() -> None:
    from mcp_types import JSONRPCResponse

    from persona_mcp.stdio import encode

    result = {"text": "naïve — “quoted” ✓ \U0001f600", "n": [1, 2.5, None]}
    message = JSONRPCResponse(jsonrpc="2.0", id=3, result=result)
    assert encode(message) == message.model_dump_json(by_alias=True, exclude_unset=True).encode("utf-8") + b"\n"


async def test_a_socket_pair_as_the_wire_is_polled_too() -> None:
    """Some hosts (Node's child_process among them) give a server socket pairs, not pipes, as stdio."""
    import socket

    from persona_mcp import stdio

    ours, host = socket.socketpair()
    with ours, host, open(ours.fileno(), "rb", closefd=False) as source:
        with open(ours.fileno(), "wb", buffering=0, closefd=False) as sink:
            reader, writer = stdio._line_reader(source, 100), stdio._message_writer(sink)
        assert isinstance(reader, stdio._PollingReader) and isinstance(writer, stdio._PollingWriter)
        try:
            host.sendall(b'{"jsonrpc": "2.0", "id": 1, "method": "ping"}\n')
            await writer.write(b'{"jsonrpc": "2.0", "id": 1, "result": {}}\n')
            with anyio.fail_after(TIMEOUT):
                assert await reader.read_line() == (b'{"jsonrpc": "2.0", "id": 1, "method": "ping"}\n', False)
            assert host.recv(1000) == b'{"jsonrpc": "2.0", "id": 1, "result": {}}\n'
            host.shutdown(socket.SHUT_WR)
            with anyio.fail_after(TIMEOUT):
                assert await reader.read_line() == (b"", False)
        finally:
            reader.close()
            writer.close()


async def test_messages_sent_at_once_reach_a_slow_reader_whole_and_one_a_line() -> None:
    """Senders write straight to the wire; a full pipe makes them wait their turn, never interleave."""
    from mcp.shared.message import SessionMessage
    from mcp_types import JSONRPCNotification

    from persona_mcp import stdio

    read_fd, write_fd = os.pipe()
    with open(read_fd, "rb") as source, open(write_fd, "wb", buffering=0) as sink:
        outbox = stdio._Outbox(stdio._message_writer(sink))
        messages = [SessionMessage(JSONRPCNotification(jsonrpc="2.0", method=f"notifications/test{n}",
                                                       params={"blob": str(n) * 200_000}))
                    for n in range(3)]

        def read_slowly() -> list[bytes]:
            lines = []
            while len(lines) < len(messages):
                anyio.from_thread.run(anyio.sleep, 0.01)  # let the pipe fill up so that writers must wait
                lines.append(source.readline())
            return lines

        async with anyio.create_task_group() as tg:
            for message in messages:
                tg.start_soon(outbox.send, message)
            with anyio.fail_after(TIMEOUT):
                lines = await anyio.to_thread.run_sync(read_slowly, abandon_on_cancel=True)
        outbox.writer.close()
    assert sorted(json.loads(line)["method"] for line in lines) == [f"notifications/test{n}" for n in range(3)]
    assert all(len(line) > 200_000 and line.endswith(b"\n") for line in lines)
