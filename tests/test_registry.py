"""server.json, the MCP registry entry: the fields the registry requires, kept equal to the package.

The full check against the registry's published JSON Schema runs when a copy of the schemas is on the
machine (PERSONA_MCP_REGISTRY_SCHEMAS, or the workplace's shared/schemas/mcp-registry beside the
checkout); without one, the structural tests below still hold the file to what that schema requires.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

import persona_mcp
from persona_mcp.catalog import ENV_PATH

ROOT = Path(__file__).resolve().parents[1]
SERVER_JSON = json.loads((ROOT / "server.json").read_text(encoding="utf-8"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SCHEMA_VERSION = "2025-12-11"
SCHEMA_URL = f"https://static.modelcontextprotocol.io/schemas/{SCHEMA_VERSION}/server.schema.json"

# The properties that the 2025-12-11 schema defines for each object (none of its objects forbids
# others, but a name outside these is a typo the registry would ignore).
SERVER_KEYS = {"$schema", "_meta", "name", "title", "description", "version", "websiteUrl", "repository", "icons",
               "packages", "remotes"}
PACKAGE_KEYS = {"registryType", "registryBaseUrl", "identifier", "version", "fileSha256", "runtimeHint", "transport",
                "runtimeArguments", "packageArguments", "environmentVariables"}
INPUT_KEYS = {"description", "isRequired", "format", "value", "isSecret", "default", "placeholder", "choices",
              "variables"}
FORMATS = {"string", "number", "boolean", "filepath"}


def _schema_dirs() -> list[Path]:
    given = os.environ.get("PERSONA_MCP_REGISTRY_SCHEMAS")
    candidates = [Path(given)] if given else []
    candidates += [parent / "shared" / "schemas" / "mcp-registry" for parent in (ROOT.parent, ROOT.parent.parent)]
    return [c for c in candidates if (c / SCHEMA_VERSION / "server.schema.json").is_file()]


def _variables_the_stdio_server_reads() -> set[str]:
    """Every `ENV_... = "PERSONA_MCP_..."` constant of the package, less the HTTP server's and the bundle's own.

    The HTTP server's are in http.py and connections.py.
    """
    names: set[str] = set()
    for path in (ROOT / "src" / "persona_mcp").rglob("*.py"):
        if path.name not in ("http.py", "connections.py", "bundle.py"):
            names |= set(re.findall(r'^ENV_\w+ = "(PERSONA_MCP_\w+)"$', path.read_text(encoding="utf-8"), re.MULTILINE))
    return names


def test_server_json_declares_the_current_registry_schema() -> None:
    assert SERVER_JSON["$schema"] == SCHEMA_URL


def test_server_json_has_the_required_fields_within_their_bounds() -> None:
    assert set(SERVER_JSON) <= SERVER_KEYS
    assert re.fullmatch(r"[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+", SERVER_JSON["name"])
    assert 3 <= len(SERVER_JSON["name"]) <= 200
    assert 1 <= len(SERVER_JSON["description"]) <= 100
    assert 1 <= len(SERVER_JSON["title"]) <= 100
    assert SERVER_JSON["websiteUrl"].startswith("https://")
    assert set(SERVER_JSON["repository"]) >= {"url", "source"}


def test_server_json_version_is_the_package_version() -> None:
    assert SERVER_JSON["version"] == persona_mcp.__version__
    (package,) = SERVER_JSON["packages"]
    assert package["version"] == persona_mcp.__version__


def test_the_package_is_the_pypi_release_run_with_uvx_over_stdio() -> None:
    (package,) = SERVER_JSON["packages"]
    assert set(package) <= PACKAGE_KEYS
    assert package["registryType"] == "pypi"
    assert package["registryBaseUrl"] == "https://pypi.org"
    assert package["identifier"] == PYPROJECT["project"]["name"] == "persona-mcp"
    assert package["runtimeHint"] == "uvx"
    assert package["transport"] == {"type": "stdio"}


def test_every_argument_and_variable_is_one_the_command_line_reads() -> None:
    (package,) = SERVER_JSON["packages"]
    variables = {v["name"]: v for v in package["environmentVariables"]}
    assert set(variables) == _variables_the_stdio_server_reads()
    assert ENV_PATH in variables
    arguments = {a["name"]: a for a in package["packageArguments"]}
    assert set(arguments) == {"--personas"}
    assert arguments["--personas"]["type"] == "named" and arguments["--personas"]["isRepeated"] is True
    from persona_mcp.cli import build_parser

    assert "--personas" in build_parser().format_help()
    for item in [*variables.values(), *arguments.values()]:
        assert set(item) - {"name", "type", "isRepeated"} <= INPUT_KEYS
        assert item["format"] in FORMATS
        assert item["isRequired"] is False, "the server runs with no configuration"
        assert item["description"]


def test_urls_agree_with_the_package_metadata() -> None:
    urls = PYPROJECT["project"]["urls"]
    assert SERVER_JSON["repository"]["url"] == urls["Repository"]
    assert SERVER_JSON["websiteUrl"] == urls["Homepage"]
    assert SERVER_JSON["repository"]["source"] == "github"
    owner_repo = urls["Repository"].removeprefix("https://github.com/")
    assert SERVER_JSON["name"] == f"io.github.{owner_repo}"


def test_readme_carries_the_mcp_name_the_registry_looks_for_on_pypi() -> None:
    # The registry proves that the PyPI package belongs to this entry by this line in its description.
    assert f"mcp-name: {SERVER_JSON['name']}" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.skipif(not _schema_dirs(), reason="no copy of the MCP registry schemas on this machine")
def test_server_json_validates_against_the_published_schema() -> None:
    jsonschema: Any = pytest.importorskip("jsonschema")
    schema = json.loads((_schema_dirs()[0] / SCHEMA_VERSION / "server.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(SERVER_JSON)
