"""The MCP SDK's private surfaces this server still needs, fenced here, each with a test in tests/test_sdk_seams.py.

Everything else in persona-mcp uses the SDK's public API. When an SDK upgrade moves one of these,
its test fails in CI rather than the server failing for users. Each seam says what would make it
public, so that it can go once the SDK offers that.
"""

from __future__ import annotations

from typing import Any

from anyio.abc import ObjectReceiveStream, ObjectSendStream
from mcp.server.mcpserver import MCPServer
from mcp.shared.message import SessionMessage


async def run_server(
    server: MCPServer[Any],
    read_stream: ObjectReceiveStream[SessionMessage | Exception],
    write_stream: ObjectSendStream[SessionMessage],
) -> None:
    """Serve one connection of `server` over the given streams, until the read stream ends.

    `MCPServer.run_stdio_async()` runs its low-level server over `stdio_server()` as the SDK builds
    it; serving other streams (the stdio wrapper's, which answer bad lines and drain requests in
    flight) takes the low-level server, which MCPServer keeps private. The SDK's own in-memory client
    reaches it the same way, under its TODO "Make `lowlevel_server` public". Upstream: a public
    `MCPServer.lowlevel_server` property, or `run_stdio_async(stdin=, stdout=)` passing its streams
    to `stdio_server()`.
    """
    lowlevel = server._lowlevel_server
    await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())
