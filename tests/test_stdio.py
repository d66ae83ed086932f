"""End to end over stdio, the way an MCP host runs the installed `persona-mcp` console script."""

from __future__ import annotations

import json
import os
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

    Answers are awaited before stdin closes: the SDK drops requests still in flight at EOF.
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
