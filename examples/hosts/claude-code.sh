#!/usr/bin/env bash
# Register persona-mcp with Claude Code for every project of this user, then check that it connects.
#
# PERSONA_MCP is the command that starts persona-mcp on this machine:
#   PERSONA_MCP="uvx persona-mcp" bash examples/hosts/claude-code.sh          # with uv
#   PERSONA_MCP=persona-mcp bash examples/hosts/claude-code.sh                # after pipx install persona-mcp
#   PERSONA_MCP="$PWD/.venv/bin/persona-mcp" bash examples/hosts/claude-code.sh   # a clone of the repository
# PERSONA_MCP that names an executable file is that one path, even with spaces in it
# ("$HOME/My Projects/persona-mcp/.venv/bin/persona-mcp"); anything else is split at spaces into a
# command and its arguments. Arguments after the script go to persona-mcp, for a team persona folder
# on top of the built-in ones:
#   PERSONA_MCP="uvx persona-mcp" bash examples/hosts/claude-code.sh --personas "$HOME/team-personas"
#
# Without PERSONA_MCP, or with a placeholder or a command that does not exist, it exits 2 and
# changes nothing. Running it again replaces the earlier registration.
set -euo pipefail

fail() { echo "claude-code.sh: $1" >&2; exit 2; }

[ -n "${PERSONA_MCP:-}" ] || fail 'set PERSONA_MCP to the command that starts persona-mcp, e.g. PERSONA_MCP="uvx persona-mcp"'
case "$PERSONA_MCP" in
  *ABSOLUTE/PATH* | */PATH/TO/* | *"<"*">"*) fail "PERSONA_MCP is still a placeholder: $PERSONA_MCP" ;;
esac
if [ -f "$PERSONA_MCP" ] && [ -x "$PERSONA_MCP" ]; then
  server=("$PERSONA_MCP")  # one path, spaces and all
else
  read -r -a server <<< "$PERSONA_MCP"  # a command and its arguments, such as "uvx persona-mcp"
fi
command -v "${server[0]}" >/dev/null 2>&1 || fail "'${server[0]}' is not a command on this machine (PERSONA_MCP=$PERSONA_MCP)"
command -v claude >/dev/null 2>&1 || fail "claude (Claude Code) is not on PATH"

claude mcp remove --scope user persona >/dev/null 2>&1 || true  # a second run replaces the first
claude mcp add --scope user persona -- "${server[@]}" "$@"
claude mcp list
