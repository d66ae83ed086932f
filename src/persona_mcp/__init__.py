"""persona-mcp: the right engineering persona for each task, served over MCP."""

# The one place the version is written: pyproject.toml reads it (hatch's dynamic version), and
# server.json and the .mcpb manifest are checked against it by tests.
__version__ = "0.1.0"

__all__ = ["__version__"]
