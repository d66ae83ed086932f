#!/usr/bin/env bash
# Register persona-mcp with Claude Code for every project of this user, then check that it connects.
# Replace the path with the absolute path of your installed persona-mcp script
# (for a clone of this repository: "$(pwd)/.venv/bin/persona-mcp").
set -euo pipefail

PERSONA_MCP="${PERSONA_MCP:-/ABSOLUTE/PATH/TO/.venv/bin/persona-mcp}"

claude mcp add --scope user persona -- "$PERSONA_MCP"
# With a team persona folder on top of the built-in ones:
#   claude mcp add --scope user persona -- "$PERSONA_MCP" --personas /ABSOLUTE/PATH/TO/team-personas
claude mcp list
