"""MCP server names as hosts spell them: aliases, loose comparison, and the host's own spelling in answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mcp
import pytest

from persona_mcp.authoring import frontmatter_schema
from persona_mcp.catalog import Catalog, default_layers
from persona_mcp.loader import load_persona_file
from persona_mcp.model import Persona, Selection
from persona_mcp.server import build_server
from persona_mcp.servers import describe, resolve_servers, server_key

ROOT = Path(__file__).resolve().parents[1]
# A task that the built-in analyzer persona (primary: sequential, secondary: git) takes.
ANALYSIS = "Investigate the root cause of the intermittent timeouts in the nightly job"
REGISTRATION = {"task": "Add user registration", "files": ["app/Http/Controllers/UserController.php"]}


def persona(tmp_path: Path, preference: str) -> Persona:
    path = tmp_path / "persona-x.md"
    path.write_text(f"---\nname: persona-x\ndescription: A test persona.\nmcp-preference: {preference}\n---\n"
                    "# Persona: X\n\nBody.\n", encoding="utf-8")
    result = load_persona_file(path, strict=True)
    assert [str(d) for d in result.diagnostics] == []
    return result.personas[0]


@pytest.mark.parametrize(("name", "key"), [
    ("sequential", "sequential"),
    ("Sequential-Thinking", "sequential-thinking"),
    ("@modelcontextprotocol/server-sequential-thinking", "sequential-thinking"),
    ("@upstash/context7-mcp", "context7"),
    ("org/context7", "context7"),
    ("mcp-server-git", "git"),
    ("github-mcp-server", "github"),
    ("@playwright/mcp", "playwright"),
    ("mcp", "mcp"),
])
def test_server_names_compare_without_case_scope_or_mcp_wrappers(name: str, key: str) -> None:
    assert server_key(name) == key


def test_an_alias_on_the_host_is_recommended_in_the_hosts_spelling(tmp_path: Path) -> None:
    p = persona(tmp_path, "{primary: sequential, secondary: context7, aliases: {sequential: [sequential-thinking]}}")
    choice = resolve_servers(p, ["Sequential-Thinking", "github"])
    assert choice.recommended == "Sequential-Thinking"
    assert choice.unavailable == ["context7"]
    assert choice.checked


def test_a_package_name_on_the_host_matches_the_declared_short_name(tmp_path: Path) -> None:
    p = persona(tmp_path, "{primary: context7, secondary: sequential}")
    choice = resolve_servers(p, ["@modelcontextprotocol/server-sequential-thinking"])
    assert choice.recommended is None
    # `sequential` and `sequential-thinking` differ without an alias: only the declared one can match.
    assert choice.unavailable == ["context7", "sequential"]
    assert choice.note.startswith("None of")
    aliased = persona(tmp_path, "{primary: context7, secondary: sequential, "
                                "aliases: {sequential: [sequential-thinking]}}")
    choice = resolve_servers(aliased, ["@modelcontextprotocol/server-sequential-thinking", "upstash/context7-mcp"])
    assert choice.recommended == "upstash/context7-mcp"
    assert choice.unavailable == []


def test_a_server_avoided_under_another_name_is_not_recommended(tmp_path: Path) -> None:
    p = persona(tmp_path, "{primary: ui-magic, secondary: context7, avoid: [magic], aliases: {magic: [ui-magic]}}")
    choice = resolve_servers(p, ["ui-magic", "context7"])
    assert choice.recommended == "context7"


def test_unknown_host_servers_are_recommended_if_available(tmp_path: Path) -> None:
    p = persona(tmp_path, "{primary: sequential, secondary: git, avoid: [magic], "
                          "aliases: {sequential: [sequential-thinking]}}")
    choice = resolve_servers(p, None)
    assert choice.recommended == "sequential"
    assert not choice.checked
    assert choice.note == "The host did not list its servers: use sequential if available, else git."
    assert choice.aliases == {"sequential": ["sequential-thinking"]}
    assert describe(choice) == ("MCP servers: primary sequential, secondary git; use sequential "
                                "(or sequential-thinking) if available; avoid magic")
    checked = resolve_servers(p, ["sequential-thinking"])
    assert describe(checked) == "MCP servers: primary sequential, secondary git; use sequential-thinking; avoid magic"
    assert describe(resolve_servers(p, [])) == ("MCP servers: primary sequential, secondary git; none of them "
                                                "is available; avoid magic")


def test_a_persona_without_preferences_says_so(tmp_path: Path) -> None:
    choice = resolve_servers(persona(tmp_path, "{}"), None)
    assert choice.recommended is None
    assert choice.note == "This persona declares no preferred MCP server."
    assert describe(choice) is None


def test_every_builtin_persona_declares_aliases_for_the_servers_it_names() -> None:
    catalog = Catalog.load(default_layers(env=""), strict=True)
    for p in catalog.personas:
        pref = p.spec.mcp_preference
        named = [n for n in (pref.primary, pref.secondary, *pref.avoid) if n]
        assert named, p.name
        assert sorted(pref.aliases) == sorted(named), p.name
    sequential = next(p for p in catalog.personas if p.spec.mcp_preference.primary == "sequential")
    assert "sequential-thinking" in sequential.spec.mcp_preference.aliases["sequential"]


def test_the_schema_documents_aliases() -> None:
    preference = frontmatter_schema()["$defs"]["McpPreference"]["properties"]["aliases"]
    assert preference["type"] == "object"
    assert preference["additionalProperties"]["type"] == "array"
    committed = json.loads((ROOT / "schema" / "persona.schema.json").read_text(encoding="utf-8"))
    assert committed["$defs"]["McpPreference"]["properties"]["aliases"] == preference


def test_aliases_load_from_block_yaml_with_package_names(tmp_path: Path) -> None:
    path = tmp_path / "persona-y.md"
    path.write_text("---\nname: persona-y\ndescription: A test persona.\nmcp-preference:\n  primary: sequential\n"
                    "  aliases:\n    sequential:\n      - sequential-thinking\n"
                    '      - "@modelcontextprotocol/server-sequential-thinking"\n---\n# Persona: Y\n\nBody.\n',
                    encoding="utf-8")
    (p,) = load_persona_file(path, strict=True).personas
    assert p.spec.mcp_preference.aliases == {
        "sequential": ["sequential-thinking", "@modelcontextprotocol/server-sequential-thinking"]}


@pytest.fixture(scope="module")
def server() -> Any:
    return build_server(Catalog.load(default_layers(env="")))


@pytest.mark.anyio
async def test_select_persona_recommends_by_the_hosts_own_name(server: Any) -> None:
    hosts_servers = ["sequential-thinking", "context7"]
    async with mcp.Client(server, mode="legacy") as client:
        analysis = await client.call_tool("select_persona", {"task": ANALYSIS, "available_servers": hosts_servers})
        backend = await client.call_tool("select_persona", {**REGISTRATION, "available_servers": hosts_servers})
        unknown = await client.call_tool("select_persona", {"task": ANALYSIS})
    chosen = Selection.model_validate(analysis.structured_content)
    assert chosen.persona == "persona-analyzer"
    assert chosen.mcp_servers is not None
    assert chosen.mcp_servers.recommended == "sequential-thinking"
    assert chosen.mcp_servers.unavailable == ["git"]
    assert "use sequential-thinking;" in analysis.content[0].text
    registered = Selection.model_validate(backend.structured_content)
    assert registered.mcp_servers is not None and registered.mcp_servers.recommended == "context7"
    assert "; use sequential (or sequential-thinking, @modelcontextprotocol/server-sequential-thinking) if available" \
        in unknown.content[0].text
