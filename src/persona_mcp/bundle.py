"""The entry point of the Claude Desktop bundle (`.mcpb`): its settings turned into a command line.

Claude Desktop starts the bundle as `uv run --directory <bundle> server/main.py FOLDER ...`, with the
folders the user picked in the extension's settings as arguments (a list setting expands to one
argument per item) and the other settings in the environment, as strings (`"true"`, `"false"`):

| setting | variable | becomes |
| --- | --- | --- |
| persona folders | arguments | `--personas FOLDER` each |
| leave out the built-in personas | `PERSONA_MCP_NO_BUILTIN` | `--no-builtin` |
| strict | `PERSONA_MCP_STRICT` | `--strict` |
| log level | `PERSONA_MCP_LOG_LEVEL` | `--log-level LEVEL` |

The variables are the ones the HTTP application factory reads, with the same meaning. A setting the
host left unfilled arrives as its `${user_config.KEY}` placeholder, and is ignored like an empty one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from persona_mcp.cli import main as cli_main

ENV_NO_BUILTIN = "PERSONA_MCP_NO_BUILTIN"
ENV_STRICT = "PERSONA_MCP_STRICT"
ENV_LOG_LEVEL = "PERSONA_MCP_LOG_LEVEL"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_TRUE = ("1", "true", "yes", "on")


def _filled(value: str) -> str:
    value = value.strip()
    return "" if value.startswith("${") and value.endswith("}") else value


def command_line(folders: Sequence[str], env: Mapping[str, str]) -> list[str]:
    """The `persona-mcp` arguments for the bundle's settings: persona folders, flags, then `serve`."""
    args: list[str] = []
    for folder in folders:
        if _filled(folder):
            args += ["--personas", _filled(folder)]
    if _filled(env.get(ENV_NO_BUILTIN, "")).lower() in _TRUE:
        args.append("--no-builtin")
    if _filled(env.get(ENV_STRICT, "")).lower() in _TRUE:
        args.append("--strict")
    level = _filled(env.get(ENV_LOG_LEVEL, "")).upper()
    if level in LOG_LEVELS:
        args += ["--log-level", level]
    elif level:
        sys.stderr.write(f"persona-mcp: log level {level!r} is not one of {', '.join(LOG_LEVELS)}; using WARNING\n")
    return [*args, "serve"]


def main(argv: Sequence[str] | None = None) -> int:
    """Serve MCP over stdio with the bundle's settings."""
    return cli_main(command_line(sys.argv[1:] if argv is None else argv, os.environ))
