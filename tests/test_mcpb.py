"""The Claude Desktop bundle: every manifest field, the bundle that scripts/build_mcpb.py makes, and its entry point.

`mcpb validate` itself (the official tool, from npm) runs in .ci/mcpb/run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import persona_mcp
from persona_mcp import bundle
from persona_mcp.cli import build_parser
from persona_mcp.settings import ENV_LOG_LEVEL, ENV_NO_BUILTIN, ENV_STRICT, LOG_LEVELS

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = json.loads((ROOT / "mcpb" / "manifest.json").read_text(encoding="utf-8"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SERVER_JSON = json.loads((ROOT / "server.json").read_text(encoding="utf-8"))
URLS = PYPROJECT["project"]["urls"]
FIELDS = {"$schema", "manifest_version", "name", "display_name", "version", "description", "long_description",
          "author", "repository", "homepage", "documentation", "support", "server", "tools", "tools_generated",
          "prompts_generated", "keywords", "license", "compatibility", "user_config"}
TOOLS = ["select_persona", "list_personas", "get_persona"]


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_mcpb", ROOT / "scripts" / "build_mcpb.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_mcpb = _build_script()


# ---------------------------------------------------------------- the manifest, field by field


def test_the_manifest_declares_exactly_the_tested_fields() -> None:
    assert set(MANIFEST) == FIELDS


def test_identity_fields() -> None:
    assert MANIFEST["$schema"].endswith("/mcpb-manifest-v0.4.schema.json")
    assert MANIFEST["manifest_version"] == "0.4"  # the first version with the uv server type
    assert MANIFEST["name"] == PYPROJECT["project"]["name"]
    assert MANIFEST["display_name"] == SERVER_JSON["title"] == "Persona MCP"
    assert MANIFEST["version"] == persona_mcp.__version__
    assert MANIFEST["description"] == SERVER_JSON["description"]
    assert "eleven built-in personas" in MANIFEST["long_description"].lower()
    assert "select_persona" in MANIFEST["long_description"]
    assert MANIFEST["license"] == PYPROJECT["project"]["license"] == "MIT"
    assert MANIFEST["keywords"] and all(isinstance(k, str) and k for k in MANIFEST["keywords"])


def test_people_and_links_agree_with_the_package_metadata() -> None:
    assert MANIFEST["author"] == {"name": PYPROJECT["project"]["authors"][0]["name"], "url": URLS["Homepage"]}
    assert MANIFEST["repository"] == {"type": "git", "url": URLS["Repository"]}
    assert MANIFEST["homepage"] == URLS["Homepage"]
    assert MANIFEST["documentation"] == URLS["Documentation"]
    assert MANIFEST["support"] == URLS["Issues"]


def test_the_server_runs_the_bundled_source_with_uv() -> None:
    server = MANIFEST["server"]
    assert server["type"] == "uv"
    assert server["entry_point"] == "server/main.py"
    config = server["mcp_config"]
    assert config["command"] == "uv"
    assert config["args"] == ["run", "--directory", "${__dirname}", server["entry_point"],
                              "${user_config.persona_folders}"]
    assert config["env"] == {
        ENV_NO_BUILTIN: "${user_config.no_builtin}",
        ENV_STRICT: "${user_config.strict}",
        ENV_LOG_LEVEL: "${user_config.log_level}",
    }


def test_tools_and_prompts_are_the_servers() -> None:
    assert [tool["name"] for tool in MANIFEST["tools"]] == TOOLS
    assert all(20 <= len(tool["description"]) <= 200 for tool in MANIFEST["tools"])
    assert MANIFEST["tools_generated"] is False
    assert MANIFEST["prompts_generated"] is True  # one prompt per persona of the catalog


def test_compatibility_is_every_platform_and_the_packages_python() -> None:
    assert MANIFEST["compatibility"] == {
        "platforms": ["darwin", "win32", "linux"],
        "runtimes": {"python": PYPROJECT["project"]["requires-python"]},
    }


def test_every_user_setting_is_used_once_and_defaults_to_the_command_lines_default() -> None:
    settings = MANIFEST["user_config"]
    used = json.dumps(MANIFEST["server"]["mcp_config"])
    for key, setting in settings.items():
        assert used.count(f"${{user_config.{key}}}") == 1, key
        assert setting["title"] and setting["description"], key
        assert setting["required"] is False, "the server runs with no configuration"
    assert settings["persona_folders"] | {"title": "", "description": ""} == {
        "type": "directory", "multiple": True, "required": False, "default": [], "title": "", "description": ""}
    defaults = build_parser().parse_args([])
    assert settings["no_builtin"]["type"] == "boolean" and settings["no_builtin"]["default"] is defaults.no_builtin
    assert settings["strict"]["type"] == "boolean" and settings["strict"]["default"] is defaults.strict
    assert settings["log_level"]["type"] == "string" and settings["log_level"]["default"] == "WARNING"
    for level in LOG_LEVELS:
        assert level in settings["log_level"]["description"]


# ---------------------------------------------------------------- the entry point's command line


@pytest.mark.parametrize(("folders", "expected"), [
    ([], ["serve"]),
    (["${user_config.persona_folders}"], ["serve"]),
    (["/a", " ", "/b c"], ["--personas", "/a", "--personas", "/b c", "serve"]),
])
def test_folders_become_personas_options(folders: list[str], expected: list[str]) -> None:
    assert bundle.command_line(folders) == expected
    build_parser().parse_args(expected)  # and the command line takes them


# ---------------------------------------------------------------- the bundle


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(build_mcpb.build(tmp_path_factory.mktemp("mcpb") / "persona-mcp.mcpb"))


def test_the_bundle_holds_the_manifest_the_entry_point_the_package_and_the_personas(built: Path) -> None:
    with zipfile.ZipFile(built) as archive:
        names = set(archive.namelist())
        assert json.loads(archive.read("manifest.json")) == MANIFEST
        entry = archive.read(MANIFEST["server"]["entry_point"]).decode("utf-8")
        pyproject = tomllib.loads(archive.read("pyproject.toml").decode("utf-8"))
    assert "from persona_mcp.bundle import main" in entry
    assert {"README.md", "LICENSE", "src/persona_mcp/__init__.py", "src/persona_mcp/bundle.py"} <= names
    assert len([n for n in names if n.startswith("personas/persona-")]) == 11
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert pyproject["project"] == PYPROJECT["project"]
    assert pyproject["build-system"] == PYPROJECT["build-system"]
    assert "dependency-groups" not in pyproject, "uv would install the dev tools"
    assert set(pyproject["tool"]) == {"hatch"}


def test_the_readme_states_the_bundles_size(built: Path) -> None:
    stated = re.search(r"MCP Bundle\]\([^)]*\) of about (\d+) KiB", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert stated, "the README no longer states the bundle's size"
    size = built.stat().st_size / 1024
    assert abs(int(stated.group(1)) - size) <= 0.1 * size, f"the bundle is {size:.0f} KiB"


def test_the_bundle_is_reproducible(built: Path, tmp_path: Path) -> None:
    again = Path(build_mcpb.build(tmp_path / "again.mcpb"))
    assert again.read_bytes() == built.read_bytes()


def test_the_build_refuses_a_manifest_of_another_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_mcpb, "package_version", lambda: "9.9.9")
    with pytest.raises(SystemExit, match="version"):
        build_mcpb.bundle_files()


def _serve(entry: Path, cwd: Path, env: dict[str, str], folders: list[str]) -> dict[int, Any]:
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "list_personas", "arguments": {}}},
    ]
    done = subprocess.run([sys.executable, str(entry), *folders], input="".join(json.dumps(m) + "\n" for m in messages),
                          cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120)
    answers = {m["id"]: m for m in map(json.loads, done.stdout.splitlines()) if "id" in m}
    assert set(answers) == {1, 2}, done.stderr
    return answers


# The other settings arrive in the environment, which the command line reads (tests/test_settings.py); unfilled
# ones arrive as their placeholders.
@pytest.mark.parametrize(("settings", "layers"), [
    ({ENV_STRICT: "true", ENV_NO_BUILTIN: "false", ENV_LOG_LEVEL: "WARNING"}, {"builtin", "custom"}),
    ({ENV_STRICT: "${user_config.strict}", ENV_NO_BUILTIN: "true", ENV_LOG_LEVEL: "${user_config.log_level}"},
     {"custom"}),
])
def test_the_unpacked_bundle_serves_its_own_personas_and_the_chosen_folders(
    built: Path, tmp_path: Path, settings: dict[str, str], layers: set[str],
) -> None:
    unpacked = tmp_path / "bundle"
    zipfile.ZipFile(built).extractall(unpacked)
    team = tmp_path / "team"
    team.mkdir()
    for path in (ROOT / "examples" / "personas").glob("persona-*.md"):
        (team / path.name).write_bytes(path.read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERSONA_MCP_")}
    env["PYTHONPATH"] = str(unpacked / "src")  # what `uv run` in the bundle's folder installs
    env.update(settings)
    answers = _serve(unpacked / MANIFEST["server"]["entry_point"], tmp_path, env, [str(team)])
    assert answers[1]["result"]["serverInfo"]["version"] == persona_mcp.__version__
    catalog = answers[2]["result"]["structuredContent"]
    assert {p["layer"] for p in catalog["personas"]} == layers
    assert catalog["count"] == (13 if "builtin" in layers else 2)
    builtin = [Path(p["path"]) for p in catalog["personas"] if p["layer"] == "builtin"]
    assert all(path.is_relative_to(unpacked / "personas") for path in builtin)
