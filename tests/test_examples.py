"""The shipped personas, the files in examples/ and the committed schema load through the real code."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from persona_mcp.authoring import frontmatter_schema
from persona_mcp.catalog import Catalog, Layer, builtin_dir, default_layers
from persona_mcp.loader import load_folder, load_persona_file, persona_files
from persona_mcp.selection import select

ROOT = Path(__file__).resolve().parents[1]
PERSONAS = ROOT / "personas"
EXAMPLES = ROOT / "examples"
EXAMPLE_PERSONAS = EXAMPLES / "personas"
HOSTS = EXAMPLES / "hosts"
TASKS = EXAMPLES / "tasks.jsonl"

BUILTIN_NAMES = ["analyzer", "architect", "backend", "devops", "frontend", "mentor", "performance", "qa",
                 "refactorer", "scribe", "security"]
EXAMPLE_FILES = sorted(p for p in EXAMPLE_PERSONAS.glob("*.md") if not p.name.upper().startswith("README"))
SHIPPED_FILES = sorted(PERSONAS.glob("*.md"))


def builtin_catalog() -> Catalog:
    return Catalog.load(default_layers(env=""), strict=True)


def catalog_with_examples() -> Catalog:
    return Catalog.load(default_layers([EXAMPLE_PERSONAS], env=""), strict=True)


# ---------------------------------------------------------------- examples/personas


def test_example_folder_holds_personas_and_a_readme() -> None:
    assert len(EXAMPLE_FILES) >= 2
    assert (EXAMPLE_PERSONAS / "README.md").is_file()


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_persona_loads_strictly_without_any_diagnostic(path: Path) -> None:
    result = load_persona_file(path, layer="custom", strict=True)
    assert [str(d) for d in result.diagnostics] == []
    (persona,) = result.personas
    assert path.name == f"{persona.name}.md"
    assert 60 <= len(path.read_text(encoding="utf-8").splitlines()) <= 120


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_persona_uses_the_extension_fields(path: Path) -> None:
    (persona,) = load_persona_file(path, strict=True).personas
    spec = persona.spec
    assert spec.title
    assert spec.negative_keywords
    assert spec.companions
    assert spec.mcp_preference.avoid
    assert spec.routing_examples.select and spec.routing_examples.reject
    assert spec.priority_hierarchy


def test_example_readme_is_skipped_by_the_loader() -> None:
    assert [p.name for p in persona_files(EXAMPLE_PERSONAS)] == [p.name for p in EXAMPLE_FILES]
    result = load_folder(EXAMPLE_PERSONAS, layer="custom", strict=True)
    assert result.diagnostics == []
    assert sorted(p.name for p in result.personas) == sorted(p.stem for p in EXAMPLE_FILES)


def test_example_folder_layers_on_the_builtin_catalog_without_warnings() -> None:
    catalog = catalog_with_examples()
    assert [str(d) for d in catalog.diagnostics] == []  # companions resolve against the built-in personas
    assert len(catalog) == len(BUILTIN_NAMES) + len(EXAMPLE_FILES)
    for path in EXAMPLE_FILES:
        assert catalog.get(path.stem).layer == "custom"


def test_example_personas_route_their_own_examples() -> None:
    catalog = catalog_with_examples()
    misses = []
    for path in EXAMPLE_FILES:
        persona = catalog.get(path.stem)
        for task in persona.spec.routing_examples.select:
            got = select(catalog.index, task, []).persona
            if got != persona.name:
                misses.append(("select", persona.name, task, got))
        for task in persona.spec.routing_examples.reject:
            got = select(catalog.index, task, []).persona
            if got == persona.name:
                misses.append(("reject", persona.name, task, got))
    assert misses == []


# ---------------------------------------------------------------- personas/ (the built-in catalog)


def test_exactly_the_eleven_builtin_personas_ship() -> None:
    assert [p.name for p in SHIPPED_FILES] == [f"persona-{n}.md" for n in BUILTIN_NAMES]
    # The installed package serves the same files (editable install: the folder itself).
    assert [p.name for p in persona_files(builtin_dir())] == [p.name for p in SHIPPED_FILES]


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_shipped_persona_validates_strictly_with_depth_and_priorities(name: str) -> None:
    path = PERSONAS / f"persona-{name}.md"
    assert path.is_file(), f"{path} is missing"
    result = load_persona_file(path, strict=True)
    assert [str(d) for d in result.diagnostics] == []
    (persona,) = result.personas
    assert persona.name == f"persona-{name}"
    assert persona.short_name == name
    lines = len(persona.body.splitlines())
    assert lines >= 120, f"{path.name}: the body has only {lines} lines"
    assert persona.spec.priority_hierarchy, f"{path.name}: priority-hierarchy is empty"


def test_builtin_catalog_loads_strictly_without_any_diagnostic() -> None:
    catalog = Catalog.load([Layer("builtin", PERSONAS)], strict=True)
    assert [str(d) for d in catalog.diagnostics] == []
    assert [p.short_name for p in catalog.personas] == BUILTIN_NAMES


@pytest.mark.parametrize("name", [n for n in BUILTIN_NAMES if n != "backend"])
def test_builtin_guidance_speaks_of_the_assistant_not_one_host(name: str) -> None:
    # Every host serves these personas; the backend persona keeps the seed's body byte for byte.
    (persona,) = load_persona_file(PERSONAS / f"persona-{name}.md", strict=True).personas
    assert "Claude" not in persona.body
    assert "the assistant" in persona.body


# ---------------------------------------------------------------- examples/hosts


def _servers(config: dict[str, Any]) -> dict[str, Any]:
    servers = config.get("mcpServers", config.get("servers"))
    assert isinstance(servers, dict) and servers, "no 'mcpServers' or 'servers' mapping"
    return servers


HOST_FILES = sorted(p for p in HOSTS.glob("*.json") if p.name != "claude-code.settings.json")
CLAUDE_CODE_SH = HOSTS / "claude-code.sh"


def test_every_host_config_is_there() -> None:
    names = {p.name for p in HOSTS.iterdir()}
    assert {"claude_desktop_config.json", "vscode-mcp.json", "cursor-mcp.json", "claude-code.sh",
            "claude-code.mcp.json", "claude-code.settings.json"} <= names


@pytest.mark.parametrize("path", HOST_FILES, ids=lambda p: p.name)
def test_host_config_runs_persona_mcp_wherever_it_is_installed(path: Path) -> None:
    config = json.loads(path.read_text(encoding="utf-8"))
    for name, server in _servers(config).items():
        assert name == "persona"
        # `uvx persona-mcp` or `persona-mcp` on PATH: nothing that names one machine's folders.
        assert [server["command"], *server.get("args", [])][:2] in (["uvx", "persona-mcp"], ["persona-mcp"])
        assert not any(Path(part).is_absolute() for part in [server["command"], *server.get("args", [])])
    assert "ABSOLUTE" not in path.read_text(encoding="utf-8")


def test_vscode_config_uses_servers_with_the_stdio_type() -> None:
    config = json.loads((HOSTS / "vscode-mcp.json").read_text(encoding="utf-8"))
    assert "servers" in config and "mcpServers" not in config
    assert all(server["type"] == "stdio" for server in config["servers"].values())


@pytest.mark.parametrize("name", ["claude_desktop_config.json", "cursor-mcp.json", "claude-code.mcp.json"])
def test_desktop_cursor_and_claude_code_configs_use_mcp_servers(name: str) -> None:
    assert "mcpServers" in json.loads((HOSTS / name).read_text(encoding="utf-8"))


def test_claude_code_settings_allow_the_servers_tools() -> None:
    settings = json.loads((HOSTS / "claude-code.settings.json").read_text(encoding="utf-8"))
    assert settings == {"permissions": {"allow": ["mcp__persona"]}}


FAKE_CLAUDE = """#!/usr/bin/env bash
# A stand-in for Claude Code's `claude mcp`: logs each call, quoted as bash would need it, so that where one
# argument ends shows; `add` of a registered name fails, as the real one does.
call=$(printf '%q ' "$@")
echo "${call% }" >> "$CLAUDE_LOG"
state="$CLAUDE_STATE"
case "$2" in
  add) grep -qx persona "$state" 2>/dev/null && { echo "MCP server persona already exists" >&2; exit 1; }
       echo persona >> "$state" ;;
  remove) grep -qx persona "$state" 2>/dev/null || { echo 'No MCP server named "persona"' >&2; exit 1; }
          sed -i.bak '/^persona$/d' "$state" ;;
esac
"""


@pytest.fixture
def claude_code(tmp_path: Path) -> dict[str, str]:
    """A PATH with a fake `claude` and a fake `persona-mcp`, and where the fake records what it was told."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("claude", FAKE_CLAUDE), ("persona-mcp", "#!/bin/sh\nexit 0\n")):
        (bin_dir / name).write_text(text, encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "PERSONA_MCP"}
    env.update(PATH=f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin", CLAUDE_LOG=str(tmp_path / "log"),
               CLAUDE_STATE=str(tmp_path / "state"))
    return env


def _run_script(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(CLAUDE_CODE_SH), *args], env=env, capture_output=True, text=True, timeout=60)


def _calls(env: dict[str, str]) -> list[str]:
    log = Path(env["CLAUDE_LOG"])
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


@pytest.mark.parametrize("value", [None, "", "/ABSOLUTE/PATH/TO/.venv/bin/persona-mcp", "/PATH/TO/persona-mcp",
                                   "<persona-mcp>", "no-such-command-here"])
def test_claude_code_script_refuses_an_unset_or_placeholder_command(claude_code: dict[str, str],
                                                                     value: str | None) -> None:
    if value is not None:
        claude_code["PERSONA_MCP"] = value
    result = _run_script(claude_code)
    assert result.returncode == 2
    assert result.stderr.startswith("claude-code.sh: ")
    assert _calls(claude_code) == [], "nothing may be registered"


def test_claude_code_script_registers_the_command_and_is_safe_to_run_twice(claude_code: dict[str, str]) -> None:
    claude_code["PERSONA_MCP"] = "persona-mcp"
    first = _run_script(claude_code, "--personas", "/srv/team personas")
    second = _run_script(claude_code, "--personas", "/srv/team personas")
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    add = r"mcp add --scope user persona -- persona-mcp --personas /srv/team\ personas"
    assert _calls(claude_code) == ["mcp remove --scope user persona", add, "mcp list"] * 2
    assert Path(claude_code["CLAUDE_STATE"]).read_text(encoding="utf-8").splitlines() == ["persona"]


def test_claude_code_script_splits_a_command_with_arguments(claude_code: dict[str, str], tmp_path: Path) -> None:
    uvx = tmp_path / "bin" / "uvx"
    uvx.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    uvx.chmod(0o755)
    claude_code["PERSONA_MCP"] = "uvx persona-mcp"
    assert _run_script(claude_code).returncode == 0
    assert "mcp add --scope user persona -- uvx persona-mcp" in _calls(claude_code)


def test_claude_code_script_takes_a_path_with_spaces_as_one_command(claude_code: dict[str, str],
                                                                     tmp_path: Path) -> None:
    script = tmp_path / "my projects" / "persona mcp" / ".venv" / "bin" / "persona-mcp"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    script.chmod(0o755)
    claude_code["PERSONA_MCP"] = str(script)
    result = _run_script(claude_code, "--personas", "/srv/team personas")
    assert result.returncode == 0, result.stderr
    quoted = str(script).replace(" ", "\\ ")
    assert f"mcp add --scope user persona -- {quoted} --personas /srv/team\\ personas" in _calls(claude_code)


def test_claude_code_script_refuses_a_path_with_spaces_that_is_not_there(claude_code: dict[str, str],
                                                                         tmp_path: Path) -> None:
    claude_code["PERSONA_MCP"] = str(tmp_path / "my projects" / "persona-mcp")
    result = _run_script(claude_code)
    assert result.returncode == 2 and result.stderr.startswith("claude-code.sh: ")
    assert _calls(claude_code) == []


# ---------------------------------------------------------------- examples/tasks.jsonl


def _cases() -> list[dict[str, Any]]:
    lines = [line for line in TASKS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def test_tasks_have_the_bench_fields() -> None:
    cases = _cases()
    assert 12 <= len(cases) <= 30
    for case in cases:
        assert set(case) == {"id", "task", "files", "expected"}, case
        assert isinstance(case["id"], str) and case["id"]
        assert isinstance(case["task"], str) and case["task"].strip()
        assert isinstance(case["files"], list) and all(isinstance(f, str) and f for f in case["files"])
        assert isinstance(case["expected"], list) and case["expected"]
        assert all(isinstance(name, str) for name in case["expected"])
    ids = [case["id"] for case in cases]
    assert len(ids) == len(set(ids)), "ids must be unique"


def test_tasks_expect_catalog_personas_and_cover_every_builtin() -> None:
    catalog = builtin_catalog()
    expected = {name for case in _cases() for name in case["expected"]}
    assert {name for name in expected if name not in catalog} == set()
    assert all(not name.startswith("persona-") for name in expected), "expected holds short names"
    assert set(BUILTIN_NAMES) <= expected


# ---------------------------------------------------------------- schema


def test_committed_schema_matches_the_model() -> None:
    committed = json.loads((ROOT / "schema" / "persona.schema.json").read_text(encoding="utf-8"))
    assert committed == frontmatter_schema(), "regenerate with: persona-mcp schema -o schema/persona.schema.json"
