"""The baseline for bench_server.py: a bare MCPServer of the same SDK with one no-op tool, over stdio.

With --select, it also serves persona-mcp's selection as a plain tool: `select_persona(task, files)`
runs `select()` on a catalog loaded at start (the folders given with --personas, else the built-in
personas) and answers as persona-mcp does (the same text, structured content and output schema),
under the same collector setting. The SDK's own `stdio_server()` carries it, with none of
persona-mcp's wiring (its stdio layer, middleware, argument checks, catalog swaps, file watcher), so
that bench_server.py can tell the server's own cost from the selection's.
"""

import sys
from pathlib import Path
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp_types import CallToolResult, TextContent


def add_selection(server: MCPServer, folders: list[Path]) -> None:
    """Register `select_persona` on `server`: persona-mcp's selection over the catalog of `folders`."""
    from persona_mcp.catalog import Catalog, Layer, builtin_dir
    from persona_mcp.model import Selection
    from persona_mcp.selection import select
    from persona_mcp.server import selection_text

    layers = [Layer(f"bench-{n}", folder) for n, folder in enumerate(folders)] or [Layer("builtin", builtin_dir())]
    catalog = Catalog.load(layers)

    @server.tool()
    async def select_persona(task: str, files: list[str] = []) -> Annotated[CallToolResult, Selection]:  # noqa: B006
        """Select a persona for the task."""
        result = select(catalog.index, task, files)
        return CallToolResult(content=[TextContent(type="text", text=selection_text(result))],
                              structured_content=result.model_dump(mode="json"))


def main(argv: list[str]) -> None:
    server = MCPServer("bare", version="0")

    @server.tool()
    def noop() -> str:
        """Do nothing."""
        return "ok"

    if not argv:  # the start-up baseline: nothing imported beyond the SDK, not even argparse (7 ms)
        server.run("stdio")
        return
    import argparse

    from persona_mcp.live import collector_for_serving

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--select", action="store_true", help="also serve persona-mcp's selection (see above)")
    parser.add_argument("--personas", action="append", default=[], type=Path, metavar="DIR",
                        help="a persona folder for --select (repeatable; default: the built-in personas)")
    args = parser.parse_args(argv)
    if not args.select:
        parser.error("--personas goes with --select")

    add_selection(server, args.personas)
    with collector_for_serving():  # persona-mcp serves with this collector threshold
        server.run("stdio")


if __name__ == "__main__":
    main(sys.argv[1:])
