"""persona-mcp: the right engineering persona for each task, served over MCP."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("persona-mcp")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
