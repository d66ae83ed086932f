"""The project layer: `.personas/`, and with the opt-in other tools' folders, under the host's workspace roots or
the current folder of a command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
import anyio.lowlevel
import mcp
import mcp_types as types
import pytest
from mcp import StdioServerParameters
from mcp.client.context import ClientRequestContext

from persona_mcp.catalog import ENV_PROJECT_FORMATS, CatalogSource, project_layers
from persona_mcp.live import live_catalog
from persona_mcp.server import build_server

pytestmark = pytest.mark.anyio

WAIT = 10  # seconds: a bound on every wait, never a pause
SCRIPT = Path(sys.executable).parent / "persona-mcp"


def write(folder: Path, relative: str, text: str) -> None:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def workspace(root: Path) -> Path:
    write(root, ".personas/team.md", "---\nname: team\ndescription: Our own persona.\n---\nOurs.\n")
    write(root, ".claude/agents/reviewer.md", "---\nname: reviewer\ndescription: Reviews.\ntools: Read\n---\nReview.\n")
    write(root, ".claude/skills/release/SKILL.md", "---\ndescription: Cut a release.\n---\nSteps.\n")
    write(root, ".cursor/rules/go-style.mdc", "---\ndescription: Go style\nglobs: '**/*.go'\n---\nGofmt.\n")
    write(root, ".github/instructions/docs.instructions.md", "---\napplyTo: 'docs/**'\n---\nWrite plainly.\n")
    write(root, ".github/instructions/team.instructions.md", "Copilot's file of the same name as ours.\n")
    write(root, ".opencode/agent/planner.md", "---\ndescription: Plans the work.\nmode: subagent\n---\nPlan.\n")
    write(root, ".windsurf/rules/migrations.md", "---\ntrigger: glob\nglobs: db/**\n---\nNo locks.\n")
    return root


EVERY_FORMAT = ["docs", "go-style", "migrations", "planner", "release", "reviewer", "team"]


def test_without_the_option_only_dot_personas_is_read(tmp_path: Path) -> None:
    source = CatalogSource([])
    source.set_roots([workspace(tmp_path)])

    assert [p.name for p in source.load().personas] == ["team"]


def test_with_the_option_every_tool_folder_is_read_and_dot_personas_wins_by_name(tmp_path: Path) -> None:
    source = CatalogSource([], project_formats=True)
    source.set_roots([workspace(tmp_path)])

    catalog = source.load()

    assert [p.name for p in catalog.personas] == EVERY_FORMAT
    assert {p.layer for p in catalog.personas} == {"project"}
    team = catalog.entry("team")
    assert team.persona.path == tmp_path / ".personas" / "team.md"
    assert team.overrides == str(tmp_path / ".github" / "instructions" / "team.instructions.md")
    assert catalog.diagnostics == []


def test_project_layers_put_the_tool_folders_before_dot_personas(tmp_path: Path) -> None:
    folders = [layer.folder for layer in project_layers([tmp_path], formats=True)]

    assert folders == [tmp_path / ".claude/agents", tmp_path / ".claude/skills", tmp_path / ".cursor/rules",
                       tmp_path / ".cursor/agents", tmp_path / ".github/instructions", tmp_path / ".github/agents",
                       tmp_path / ".github/chatmodes", tmp_path / ".github/skills",
                       tmp_path / ".agents/skills", tmp_path / ".opencode/agent", tmp_path / ".opencode/agents",
                       tmp_path / ".gemini/agents",
                       tmp_path / ".claude/rules", tmp_path / ".clinerules", tmp_path / ".cline/rules",
                       tmp_path / ".windsurf/rules", tmp_path / ".kiro/steering", tmp_path / ".continue/rules",
                       tmp_path / ".roo/rules", tmp_path / ".amazonq/rules", tmp_path / ".augment/rules",
                       tmp_path / ".personas"]
    assert [layer.folder for layer in project_layers([tmp_path])] == [tmp_path / ".personas"]


def roots_callback(roots: list[Path]) -> Callable[[ClientRequestContext], Awaitable[types.ListRootsResult]]:
    async def list_roots(context: ClientRequestContext) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri=path.as_uri(), name=path.name) for path in roots])

    return list_roots


async def prompt_names(client: mcp.Client) -> list[str]:
    return sorted(p.name for p in (await client.list_prompts(cache_mode="refresh")).prompts)


async def wait_for(client: mcp.Client, names: list[str]) -> None:
    with anyio.fail_after(WAIT):
        while await prompt_names(client) != names:
            await anyio.sleep(0.01)  # a pause between looks leaves the watcher's thread the interpreter lock


async def test_a_new_cursor_rule_in_a_workspace_is_hot_reloaded(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    source = CatalogSource([], project_formats=True)
    server = build_server(source.load())
    async with live_catalog(server, source, interval=0.05), \
            mcp.Client(server, mode="legacy", list_roots_callback=roots_callback([root])) as client:
        await wait_for(client, EVERY_FORMAT)

        write(root, ".cursor/rules/sql.mdc", "---\ndescription: SQL style\n---\nUppercase keywords.\n")

        await wait_for(client, sorted([*EVERY_FORMAT, "sql"]))


@pytest.mark.parametrize(("args", "env", "names"), [
    ([], {}, ["team"]),
    (["--project-formats"], {}, EVERY_FORMAT),
    ([], {ENV_PROJECT_FORMATS: "1"}, EVERY_FORMAT),
])
async def test_the_option_and_the_environment_variable_turn_it_on(
    tmp_path: Path, args: list[str], env: dict[str, str], names: list[str],
) -> None:
    root = workspace(tmp_path)
    environment = {k: v for k, v in os.environ.items() if k not in ("PERSONA_MCP_PATH", ENV_PROJECT_FORMATS)}
    params = StdioServerParameters(command=str(SCRIPT), args=["--no-builtin", *args, "serve"],
                                   env={**environment, **env})
    async with mcp.Client(params, mode="legacy", list_roots_callback=roots_callback([root])) as client:
        await wait_for(client, names)


async def test_an_absolute_path_under_a_workspace_root_is_read_relative_to_it(tmp_path: Path) -> None:
    root = tmp_path / "app"
    write(root, ".personas/schema-keeper.md", "---\nname: schema-keeper\ndescription: Keeps the schema.\n"
          "trigger-files: ['db/schema.rb']\n---\nKeep it.\n")  # a glob anchored at the repository's top
    source = CatalogSource([])
    server = build_server(source.load())
    async with live_catalog(server, source, interval=0.05), \
            mcp.Client(server, mode="legacy", list_roots_callback=roots_callback([root])) as client:
        await wait_for(client, ["schema-keeper"])
        absolute = await client.call_tool("select_persona", {"task": "Update this",
                                                             "files": [str(root / "db" / "schema.rb")]})
        elsewhere = await client.call_tool("select_persona", {"task": "Update this",
                                                              "files": [str(tmp_path / "other/db/schema.rb")]})
    assert absolute.structured_content is not None and elsewhere.structured_content is not None
    assert absolute.structured_content["persona"] == "schema-keeper"
    assert elsewhere.structured_content["persona"] is None  # not under a root: its top is not known


def run_cli(cwd: Path, *argv: str, env: dict[str, str] | None = None) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("PERSONA_MCP_PATH", ENV_PROJECT_FORMATS)}
    done = subprocess.run([str(SCRIPT), "--no-builtin", *argv], cwd=cwd, env={**environment, **(env or {})},
                          capture_output=True, text=True, encoding="utf-8", timeout=60, check=True)
    return done.stdout


@pytest.mark.parametrize(("args", "env", "names"), [
    ([], {}, ["team"]),
    (["--project-formats"], {}, EVERY_FORMAT),
    ([], {ENV_PROJECT_FORMATS: "1"}, EVERY_FORMAT),
])
def test_the_commands_take_the_current_folder_as_the_workspace_root(
    tmp_path: Path, args: list[str], env: dict[str, str], names: list[str],
) -> None:
    root = workspace(tmp_path)

    listing = json.loads(run_cli(root, *args, "list", "--json", env=env))

    assert [(p["name"], p["layer"]) for p in listing] == [(name, "project") for name in names]
    assert run_cli(root, *args, "list", env=env).splitlines()[-2].startswith("team ")


def test_select_show_and_validate_read_the_current_folders_tool_files(tmp_path: Path) -> None:
    root = workspace(tmp_path)

    assert run_cli(root, "--project-formats", "select", "Fix this", "--file", "cmd/main.go").startswith("go-style ")
    assert run_cli(root, "--project-formats", "show", "go-style").strip() == "Gofmt."
    assert run_cli(root, "--project-formats", "validate").startswith("7 persona(s) valid, 0 error(s)")
    assert "go-style" not in run_cli(root, "list")  # without the option, only .personas/


async def test_serve_does_not_take_the_current_folder_as_a_workspace_root(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    environment = {k: v for k, v in os.environ.items() if k not in ("PERSONA_MCP_PATH", ENV_PROJECT_FORMATS)}
    params = StdioServerParameters(command=str(SCRIPT), args=["--no-builtin", "--project-formats", "serve"],
                                   env=environment, cwd=root)
    async with mcp.Client(params, mode="legacy") as client:  # a host that reports no roots
        assert await prompt_names(client) == []


def test_a_command_in_a_deleted_folder_reads_no_project_layer(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    done = subprocess.run(["bash", "-c", f'cd "{gone}" && rmdir "{gone}" && "{SCRIPT}" --no-user list'],
                          capture_output=True, text=True, encoding="utf-8", timeout=60, check=False)

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.endswith("11 personas\n")


def test_list_says_which_persona_a_project_rule_overrides_by_name(tmp_path: Path) -> None:
    write(tmp_path, ".cursor/rules/security.mdc", "---\ndescription: Our auth rules\nglobs: '**/auth/**'\n---\nX.\n")
    write(tmp_path, ".personas/go-style.md", "---\nname: go-style\ndescription: Ours.\n---\nOurs.\n")
    write(tmp_path, ".cursor/rules/go-style.mdc", "---\ndescription: Go style\n---\nGofmt.\n")
    environment = {k: v for k, v in os.environ.items() if k not in ("PERSONA_MCP_PATH", ENV_PROJECT_FORMATS)}

    done = subprocess.run([str(SCRIPT), "--project-formats", "list"], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, encoding="utf-8", timeout=60, check=True)

    lines = {line.split()[0]: line for line in done.stdout.splitlines()}
    assert lines["security"].endswith("  Security  [project, overrides builtin persona-security.md]")
    assert lines["go-style"].endswith("  [project, overrides project go-style.mdc]")
    assert lines["backend"].endswith("[builtin]")
