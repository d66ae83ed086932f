"""The baseline for bench_server.py: a bare MCPServer of the same SDK with one no-op tool, over stdio."""

from mcp.server.mcpserver import MCPServer


def main() -> None:
    server = MCPServer("bare", version="0")

    @server.tool()
    def noop() -> str:
        """Do nothing."""
        return "ok"

    server.run("stdio")


if __name__ == "__main__":
    main()
