"""The MCP SDK's private surfaces stay fenced in sdk_seams.py, and each seam still works with this SDK."""

from __future__ import annotations

import re
from pathlib import Path

import anyio
import pytest
from mcp.server.mcpserver import MCPServer
from mcp.shared.message import SessionMessage
from mcp_types import JSONRPCRequest, JSONRPCResponse

from persona_mcp.sdk_seams import run_server

SOURCE = Path(__file__).resolve().parents[1] / "src" / "persona_mcp"
# Names the SDK keeps private that this project has used, or could reach for: each is fenced.
PRIVATE_SDK = re.compile(
    r"\._lowlevel_server\b|\._tool_manager\b|\._prompt_manager\b|\._resource_manager\b|\.fn_metadata\b"
    r"|\._connection\b|\._request_handlers\b|create_initialization_options\s*=|from mcp(\.\w+)*\._\w+"
    r"|import mcp(\.\w+)*\._\w+|\bmcp\.(\w+\.)*_\w+"
)


def modules() -> dict[str, str]:
    return {str(path.relative_to(SOURCE)): path.read_text(encoding="utf-8") for path in sorted(SOURCE.rglob("*.py"))}


def test_private_sdk_names_appear_in_one_module_only() -> None:
    users = {name for name, text in modules().items() if PRIVATE_SDK.search(text)}
    assert users <= {"sdk_seams.py"}, users


def test_no_module_replaces_the_sdks_tools_call_handler() -> None:
    for name, text in modules().items():
        assert not re.search(r"add_request_handler\(\s*[\"']tools/call", text), name


def test_the_stdio_module_is_a_thin_wrapper_on_the_sdks_stdio_server() -> None:
    text = (SOURCE / "stdio.py").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    assert "from mcp.server.stdio import stdio_server" in text and "stdio_server(" in text


def test_no_module_is_over_500_lines() -> None:
    long = {name: len(text.splitlines()) for name, text in modules().items() if len(text.splitlines()) > 500}
    assert not long, long


def test_the_modules_of_the_sdk_helper_are_under_500_lines() -> None:
    for name in ("server.py", "stdio.py", "hosts.py", "sdk_seams.py"):
        assert len((SOURCE / name).read_text(encoding="utf-8").splitlines()) <= 500, name


@pytest.mark.anyio
async def test_seam_run_server_serves_an_mcpserver_over_given_streams() -> None:
    """If the SDK renames or moves MCPServer's low-level server, this fails here, not for users."""
    server = MCPServer("seam-test", version="1")
    to_server, server_read = anyio.create_memory_object_stream[SessionMessage | Exception](1)
    server_write, from_server = anyio.create_memory_object_stream[SessionMessage](1)
    initialize = JSONRPCRequest(jsonrpc="2.0", id=1, method="initialize", params={
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}})
    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(run_server, server, server_read, server_write)
            await to_server.send(SessionMessage(initialize))
            answer = await from_server.receive()
            await to_server.aclose()
            async with from_server:
                async for _ in from_server:  # the server closes its write stream when the read side ends
                    pass
    assert isinstance(answer.message, JSONRPCResponse)
    assert answer.message.result["serverInfo"]["name"] == "seam-test"
