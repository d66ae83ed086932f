"""The entry point of the Claude Desktop bundle (`.mcpb`): its settings turned into a command line.

Claude Desktop starts the bundle as `uv run --directory <bundle> server/main.py FOLDER ...`, with the
folders the user picked in the extension's settings as arguments (a list setting expands to one
argument per item) and the other settings in the environment, as strings (`"true"`, `"false"`):

| setting | variable | same as |
| --- | --- | --- |
| persona folders | arguments | `--personas FOLDER` each |
| leave out the built-in personas | `PERSONA_MCP_NO_BUILTIN` | `--no-builtin` |
| strict | `PERSONA_MCP_STRICT` | `--strict` |
| log level | `PERSONA_MCP_LOG_LEVEL` | `--log-level LEVEL` |

The folders become `--personas` options; the variables are read by the command line itself, as on
every route (`persona_mcp.settings`), where a setting the host left unfilled, which arrives as its
`${user_config.KEY}` placeholder, counts as unset, and an unknown log level is left out with a warning.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from persona_mcp.cli import main as cli_main
from persona_mcp.settings import filled


def command_line(folders: Sequence[str]) -> list[str]:
    """The `persona-mcp` arguments for the bundle's folders: `--personas FOLDER` each, then `serve`."""
    args: list[str] = []
    for folder in folders:
        if filled(folder):
            args += ["--personas", filled(folder)]
    return [*args, "serve"]


def main(argv: Sequence[str] | None = None) -> int:
    """Serve MCP over stdio with the bundle's settings."""
    return cli_main(command_line(sys.argv[1:] if argv is None else argv))
