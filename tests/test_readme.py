"""The README's `console test` commands run for real, from the repository root, as a user would type them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

import anyio
import mcp
import pytest

from persona_mcp.catalog import Catalog, default_layers
from persona_mcp.server import build_server

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"

INSTALL_AND_SERVE = "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/persona-mcp"
RUN_THE_TESTS = "bash .ci/run"
TEST_COMMAND = "python -m pytest"

_FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass
class Command:
    """A `$ ` line of a README block and the output lines shown under it."""

    line: str
    shown: list[str] = field(default_factory=list)


def console_blocks(text: str, info: str) -> list[list[Command]]:
    """The commands of every fenced block whose info string is exactly `info`."""
    blocks = []
    for match in _FENCE.finditer(text):
        if match["info"].strip() != info:
            continue
        commands: list[Command] = []
        continued = False
        for raw in match["body"].splitlines():
            if continued:
                commands[-1].line = commands[-1].line[:-1] + raw.strip()
            elif raw.startswith("$ "):
                commands.append(Command(raw[2:].strip()))
            elif commands and raw.strip():
                commands[-1].shown.append(raw)
            continued = bool(commands) and commands[-1].line.endswith("\\")
        blocks.append(commands)
    return blocks


README_TEXT = README.read_text(encoding="utf-8")
TESTED = [command for block in console_blocks(README_TEXT, "console test") for command in block]


def run(command: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("PERSONA_MCP_PATH", None)  # the README's commands assume no extra layer
    env["PATH"] = os.pathsep.join([sysconfig.get_path("scripts"), env.get("PATH", "")])
    return subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def test_readme_has_tested_commands_for_the_cli() -> None:
    lines = {command.line for command in TESTED}
    assert {
        "persona-mcp list",
        "persona-mcp show backend --summary",
        'persona-mcp select "Add user registration" --file app/Http/Controllers/UserController.php',
        "persona-mcp validate",
        "persona-mcp validate examples/personas",
        "persona-mcp schema",
        "persona-mcp --personas examples/personas list",
    } <= lines


def test_only_safe_commands_are_tagged_for_the_test() -> None:
    for command in TESTED:
        assert re.match(r"^(\w+=\S+ )*persona-mcp ", command.line), command.line
        assert " serve" not in command.line and "npx" not in command.line and "pip" not in command.line


@pytest.mark.parametrize("command", TESTED, ids=[c.line for c in TESTED])
def test_readme_command_succeeds_and_prints_what_the_readme_shows(command: Command) -> None:
    result = run(command.line)
    assert result.returncode == 0, f"{command.line}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    # Output shown under a command in the README must appear, in that order, in what it prints.
    printed = iter(result.stdout.splitlines())
    for line in command.shown:
        assert any(out.rstrip() == line.rstrip() for out in printed), f"{command.line}: not printed: {line!r}"


def test_list_prints_the_eleven_builtin_personas() -> None:
    result = run("persona-mcp list")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[-1] == "11 personas"
    assert len(lines) == 12
    assert all(line.endswith("[builtin]") for line in lines[:-1])


def test_select_example_picks_the_backend_persona() -> None:
    command = 'persona-mcp select "Add user registration" --file app/Http/Controllers/UserController.php'
    result = run(command)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("persona-backend ")


def test_readme_gives_the_two_quick_start_commands() -> None:
    (quick_start,) = [block for block in console_blocks(README_TEXT, "console")
                      if [c.line for c in block] == [INSTALL_AND_SERVE]]
    assert quick_start
    assert any([c.line for c in block] == [RUN_THE_TESTS] for block in console_blocks(README_TEXT, "console"))
    assert f".venv/bin/{TEST_COMMAND} -q" in README_TEXT


def test_ci_runs_the_readme_test_command() -> None:
    ci = CI_RUN.read_text(encoding="utf-8")
    assert TEST_COMMAND in ci
    assert TEST_COMMAND in README_TEXT


def test_every_console_block_has_a_dollar_command() -> None:
    # Console blocks hold commands (with `$ `) and their output; a command without `$ ` would be skipped.
    for info in ("console", "console test"):
        for block in console_blocks(README_TEXT, info):
            assert block, f"a ```{info} block has no `$ ` command"


def _section(title: str) -> str:
    start = README_TEXT.index(f"\n## {title}\n")
    end = README_TEXT.find("\n## ", start + 1)
    return README_TEXT[start:end]


def test_quick_start_leads_with_the_clone_and_says_the_pypi_installs_wait_for_the_release() -> None:
    quick_start = _section("Quick start")
    blocks = [[c.line for c in block] for block in console_blocks(quick_start, "console")]
    assert blocks[0] == [INSTALL_AND_SERVE]  # the route that works before the package is published
    assert blocks[1:3] == [["uvx persona-mcp"], ["pipx install persona-mcp", "persona-mcp"]]
    assert quick_start.index("not on PyPI yet") < quick_start.index("$ python3 -m venv")


def test_every_host_example_runs_a_command_that_works_wherever_it_is_installed() -> None:
    configs = [json.loads(m["body"]) for m in _FENCE.finditer(README_TEXT) if m["info"].strip() == "json"
               and ('"mcpServers"' in m["body"] or '"servers"' in m["body"])]
    assert len(configs) >= 4
    for config in configs:
        for server in config.get("mcpServers", config.get("servers", {})).values():
            assert [server["command"], *server.get("args", [])][:2] in (["uvx", "persona-mcp"], ["persona-mcp"])
    # Args written in the prose go with the snippets' command, uvx, which takes the package's name first.
    inline = [json.loads(args) for args in re.findall(r'`"args": (\[[^`]*\])`', README_TEXT)]
    assert len(inline) >= 3
    assert all(args[0] == "persona-mcp" for args in inline), inline
    hosts = _section("Host configuration")
    assert "/ABSOLUTE/PATH" not in hosts
    assert "claude mcp add --scope user persona -- uvx persona-mcp" in hosts


async def _prompt_names() -> set[str]:
    server = build_server(Catalog.load(default_layers(env="")))
    async with mcp.Client(server, mode="legacy") as client:
        return {prompt.name for prompt in (await client.list_prompts()).prompts}


def test_the_claude_code_prompt_command_names_a_prompt_the_server_offers() -> None:
    # Claude Code's working form is /mcp__<server>__<prompt>: keep the README's example in step with prompts/list.
    prompts = anyio.run(_prompt_names)
    commands = re.findall(r"/mcp__persona__([\w-]+)", README_TEXT)
    assert commands
    assert set(commands) <= prompts
    assert "mcp__persona" in README_TEXT and "Pending approval" in README_TEXT


def test_pip_is_upgraded_before_the_dev_group_is_installed() -> None:
    development = _section("Development")
    assert development.index("pip install --upgrade pip") < development.index("--group dev")


def test_readme_has_a_troubleshooting_section_and_states_test_time_and_downloads() -> None:
    assert "\n## Troubleshooting\n" in README_TEXT
    assert re.search(r"\d+ MB", _section("Quick start"))
    assert re.search(r"\d+ (s|seconds|minutes)", _section("Quick start"))


def test_the_inspector_exits_with_the_code_the_readme_gives_for_a_tool_error() -> None:
    """Runs the README's out-of-bounds Inspector command when npx has an Inspector cached: it never downloads one."""
    (command,) = [c for block in console_blocks(README_TEXT, "console") for c in block if "top_k=50" in c.line]
    if shutil.which("npx") is None:
        pytest.skip("no npx")
    done = run(command.line.replace("npx ", "npx --offline --yes ", 1))
    if '"isError"' not in done.stdout and ("missing packages" in done.stderr or "ENOTCACHED" in done.stderr):
        pytest.skip("the Inspector is not in npm's cache")
    assert '"isError": true' in done.stdout and "invalid argument 'top_k'" in done.stdout, done.stderr
    said = README_TEXT[README_TEXT.index('If a tool argument is out of bounds, the Inspector'):
                       README_TEXT.index(command.line)]
    assert done.returncode in (0, 5) and f"exits {done.returncode}" in said, (done.returncode, said)


def test_the_output_fields_table_lists_every_evidence_kind_and_field() -> None:
    import typing

    from persona_mcp.model import Evidence, EvidenceKind

    row = next(line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `evidence` |"))
    for kind in typing.get_args(EvidenceKind):
        assert f"`{kind}`" in row, kind
    fields = "{" + ", ".join(Evidence.__dataclass_fields__) + "}"
    assert f"`{fields}`" in row
