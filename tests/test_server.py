"""The MCP surface of persona-mcp, in-process: server info, tools, prompts, resources, completions, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mcp
import pytest
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, ResourceTemplateReference

from persona_mcp import __version__
from persona_mcp.arguments import MAX_FILES, MAX_PATH_CHARS, MAX_TASK_CHARS, MAX_TOP_K
from persona_mcp.catalog import Catalog, Layer, default_layers
from persona_mcp.model import PersonaDetail, PersonaList, Selection
from persona_mcp.server import build_server

pytestmark = pytest.mark.anyio

REPO = Path(__file__).resolve().parents[1]
TOOLS = ["select_persona", "list_personas", "get_persona"]
REGISTRATION = {"task": "Add user registration", "files": ["app/Http/Controllers/UserController.php"]}
# A task that several built-in personas claim, so that top_k has something to cut.
BROAD_TASK = ("Fix the slow database query in the API endpoint, add unit tests, document it in the README "
              "and check for security vulnerabilities")

GOOD_PERSONA = """\
---
name: persona-widget
description: >-
  Widget-focused thinking mode used by the test suite.
  Auto-invoke when: widget polishing.
trigger-keywords:
  - widget
trigger-files:
  - "**/*.widget"
priority-hierarchy:
  - shine
  - speed
---
# Persona: Widget Smith

## Core

Make every widget shine.

## Details

Polish the widget until it gleams.
"""

BROKEN_PERSONA = """\
---
name: Not_A_Valid_Name!
description: This file is broken on purpose.
---
# Broken
"""


@pytest.fixture(scope="module")
def builtin_catalog() -> Catalog:
    # env="" keeps a PERSONA_MCP_PATH of the machine out of the catalog under test.
    catalog = Catalog.load(default_layers(env=""))
    assert len(catalog) >= 2, "the built-in catalog should hold several personas"
    return catalog


@pytest.fixture
def server(builtin_catalog: Catalog) -> Any:
    return build_server(builtin_catalog)


@pytest.fixture(params=["legacy", "auto"])
def mode(request: pytest.FixtureRequest) -> str:
    """legacy: the 2025-11-25 initialize handshake; auto: the modern negotiation (default)."""
    return str(request.param)


@pytest.fixture
def custom_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "personas"
    folder.mkdir()
    (folder / "persona-widget.md").write_text(GOOD_PERSONA, encoding="utf-8")
    (folder / "broken.md").write_text(BROKEN_PERSONA, encoding="utf-8")
    return folder


@pytest.fixture
def custom_server(custom_dir: Path) -> Any:
    return build_server(Catalog.load([Layer("custom", custom_dir)]))


async def select_ok(client: mcp.Client, **arguments: Any) -> Selection:
    result = await client.call_tool("select_persona", arguments)
    assert not result.is_error, result.content
    return Selection.model_validate(result.structured_content)


async def assert_error_result(call: Any, field: str) -> str:
    """A tool call refused the SEP-1303 way: a result marked isError, its text naming the field and the fix."""
    result = await call
    assert result.is_error is True, result
    text = result.content[0].text
    assert f"invalid argument '{field}" in text or f"unknown argument '{field}'" in text, text
    assert "Fix:" in text, text
    return str(text)


async def assert_invalid_params(call: Any) -> MCPError:
    with pytest.raises(MCPError) as info:
        await call
    assert info.value.code == INVALID_PARAMS, info.value
    return info.value


async def assert_session_still_answers(client: mcp.Client) -> None:
    result = await client.call_tool("get_persona", {"name": "backend", "detail": "summary"})
    assert not result.is_error
    assert result.structured_content["persona"]["name"] == "persona-backend"


# ---------------------------------------------------------------- server info


async def test_server_identifies_itself_with_name_version_and_instructions(server: Any, mode: str) -> None:
    async with mcp.Client(server, mode=mode) as client:
        info = client.server_info
        assert info is not None
        assert info.name == "persona-mcp"
        assert info.version
        assert info.version == __version__
        assert client.instructions is not None
        assert "select_persona" in client.instructions


async def test_server_info_has_a_title_an_icon_and_the_projects_home_page(server: Any) -> None:
    import tomllib

    homepage = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Homepage"]
    async with mcp.Client(server, mode="legacy") as client:
        info = client.server_info
    assert info is not None and info.title == "Persona MCP"
    assert info.website_url == homepage
    assert info.icons and info.icons[0].src.startswith("data:image/svg+xml;base64,")


async def test_legacy_mode_negotiates_the_2025_11_25_handshake(server: Any) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        assert client.protocol_version == "2025-11-25"


# ---------------------------------------------------------------- tools/list


async def test_tools_list_has_exactly_the_three_read_only_tools_with_descriptions_and_output_schemas(
    server: Any, mode: str
) -> None:
    async with mcp.Client(server, mode=mode) as client:
        tools = (await client.list_tools()).tools
    assert sorted(t.name for t in tools) == sorted(TOOLS)
    for tool in tools:
        assert tool.description and tool.description.strip(), tool.name
        assert tool.output_schema, tool.name
        assert tool.annotations is not None and tool.annotations.read_only_hint is True, tool.name
        assert tool.annotations.destructive_hint is not True, tool.name


async def test_tool_output_schemas_describe_the_result_models(server: Any) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    expected = {"select_persona": Selection, "list_personas": PersonaList, "get_persona": PersonaDetail}
    for name, model in expected.items():
        properties = tools[name].output_schema["properties"]
        assert set(model.model_fields) <= set(properties), name


async def test_select_persona_input_schema_declares_its_bounds(server: Any, mode: str) -> None:
    async with mcp.Client(server, mode=mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    schema = tools["select_persona"].input_schema
    props = schema["properties"]
    assert schema["required"] == ["task"]
    assert props["task"]["maxLength"] == MAX_TASK_CHARS == 20_000
    assert props["task"]["minLength"] == 1
    assert props["files"]["type"] == "array"
    assert props["files"]["maxItems"] == MAX_FILES == 1_000
    assert props["files"]["items"]["maxLength"] == MAX_PATH_CHARS == 1_024
    assert props["top_k"]["minimum"] == 1
    assert props["top_k"]["maximum"] == MAX_TOP_K == 20
    assert props["detail"]["enum"] == ["full", "summary"]


# ---------------------------------------------------------------- select_persona


async def test_select_persona_picks_backend_for_registration_with_keyword_and_glob_evidence(
    server: Any, mode: str
) -> None:
    async with mcp.Client(server, mode=mode) as client:
        result = await client.call_tool("select_persona", REGISTRATION)
    assert not result.is_error
    selection = Selection.model_validate(result.structured_content)
    assert selection.persona == "persona-backend"
    assert 0 < selection.confidence <= 1
    kinds = {(e.kind, e.trigger) for e in selection.evidence}
    assert ("keyword", "registration") in kinds
    file_evidence = [e for e in selection.evidence if e.kind == "file"]
    assert file_evidence, selection.evidence
    assert "controllers" in file_evidence[0].trigger.lower()
    assert file_evidence[0].matched == REGISTRATION["files"]
    assert selection.prompt == "backend"  # the prompt's own name in prompts/list
    assert selection.resource_uri == "persona://backend"
    assert selection.guidance


async def test_select_persona_text_content_is_readable_not_json(server: Any) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        result = await client.call_tool("select_persona", REGISTRATION)
    text = result.content[0].text
    assert text.startswith("Selected persona-backend")
    assert "registration" in text
    assert "**/controllers/**" in text


async def test_select_persona_points_at_a_prompt_and_resource_that_exist(
    server: Any, builtin_catalog: Catalog
) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        selection = await select_ok(client, **REGISTRATION)
        assert selection.prompt is not None and selection.resource_uri is not None
        prompt = await client.get_prompt(selection.prompt)
        resource = await client.read_resource(selection.resource_uri)
    assert builtin_catalog.get("backend").body.strip() in prompt.messages[0].content.text
    assert resource.contents[0].text == builtin_catalog.get("backend").text


async def test_select_persona_without_a_match_returns_null_persona_with_reason(server: Any, mode: str) -> None:
    async with mcp.Client(server, mode=mode) as client:
        result = await client.call_tool("select_persona", {"task": "zzzz qqqq"})
    assert not result.is_error
    selection = Selection.model_validate(result.structured_content)
    assert selection.persona is None
    assert selection.confidence == 0
    assert selection.reason.startswith("No persona fits")
    assert selection.guidance is None
    assert result.content[0].text.startswith("No persona fits")


@pytest.mark.parametrize("top_k", [1, 2, 3])
async def test_select_persona_top_k_bounds_the_alternatives(server: Any, top_k: int) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        everyone = await select_ok(client, task=BROAD_TASK, top_k=MAX_TOP_K)
        assert len(everyone.alternatives) >= 3, "the broad task should rank several personas"
        cut = await select_ok(client, task=BROAD_TASK, top_k=top_k)
    assert cut.persona == everyone.persona
    assert len(cut.alternatives) == top_k - 1
    assert [c.name for c in cut.alternatives] == [c.name for c in everyone.alternatives[: top_k - 1]]


async def test_select_persona_summary_detail_returns_shorter_guidance(
    server: Any, builtin_catalog: Catalog
) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        full = await select_ok(client, **REGISTRATION)
        summary = await select_ok(client, **REGISTRATION, detail="summary")
    backend = builtin_catalog.get("backend")
    assert full.guidance == backend.body
    assert summary.guidance == backend.summary
    assert summary.guidance and full.guidance
    assert len(summary.guidance) < len(full.guidance)
    assert summary.persona == full.persona == "persona-backend"


async def test_select_persona_resolves_available_servers(server: Any, builtin_catalog: Catalog) -> None:
    pref = builtin_catalog.get("backend").spec.mcp_preference
    assert pref.primary and pref.secondary, "the backend persona should declare two preferred servers"
    async with mcp.Client(server, mode="legacy") as client:
        undeclared = await select_ok(client, **REGISTRATION)
        only_secondary = await select_ok(client, **REGISTRATION, available_servers=[pref.secondary.upper()])
        both = await select_ok(client, **REGISTRATION, available_servers=[f"org/{pref.primary}", pref.secondary])
        none = await select_ok(client, **REGISTRATION, available_servers=["something-else"])
    assert undeclared.mcp_servers is not None
    assert undeclared.mcp_servers.recommended == pref.primary
    assert undeclared.mcp_servers.unavailable == []
    assert only_secondary.mcp_servers is not None
    assert only_secondary.mcp_servers.recommended == pref.secondary.upper()  # as the host spells it
    assert only_secondary.mcp_servers.unavailable == [pref.primary]
    assert both.mcp_servers is not None
    assert both.mcp_servers.recommended == f"org/{pref.primary}"
    assert both.mcp_servers.unavailable == []
    assert none.mcp_servers is not None
    assert none.mcp_servers.recommended is None
    assert none.mcp_servers.unavailable == [pref.primary, pref.secondary]
    assert none.mcp_servers.note


@pytest.mark.parametrize(
    "request_text", ["@security Add user registration", "As a persona-security: Add user registration"]
)
async def test_select_persona_explicit_request_wins_over_keywords_and_files(server: Any, request_text: str) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        selection = await select_ok(client, task=request_text, files=REGISTRATION["files"])
    assert selection.persona == "persona-security"
    assert any(e.kind == "explicit" and e.trigger == "persona-security" for e in selection.evidence)
    assert "persona-backend" in [c.name for c in selection.alternatives]


async def test_select_persona_accepts_arguments_at_their_bounds(server: Any) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        longest = await select_ok(client, task="api " * (MAX_TASK_CHARS // 4))
        assert longest.persona == "persona-backend"
        low = await select_ok(client, task=BROAD_TASK, top_k=1)
        assert low.alternatives == []
        await select_ok(client, task=BROAD_TASK, top_k=MAX_TOP_K)
        many = await select_ok(client, task="Add user registration",
                               files=[f"app/Http/Controllers/C{i}.php" for i in range(MAX_FILES)])
        assert many.persona == "persona-backend"
        long_path = "app/Http/Controllers/" + "a" * (MAX_PATH_CHARS - len("app/Http/Controllers/"))
        assert len(long_path) == MAX_PATH_CHARS
        one = await select_ok(client, task="Add user registration", files=[long_path])
        assert one.persona == "persona-backend"


# ---------------------------------------------------------------- invalid arguments -> isError results


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        pytest.param({"task": ""}, "task", id="empty-task"),
        pytest.param({"task": " \t\n  "}, "task", id="whitespace-task"),
        pytest.param({"task": "a" * (MAX_TASK_CHARS + 1)}, "task", id="task-too-long"),
        pytest.param({}, "task", id="task-missing"),
        pytest.param({"task": "api", "top_k": 0}, "top_k", id="top_k-0"),
        pytest.param({"task": "api", "top_k": MAX_TOP_K + 1}, "top_k", id="top_k-21"),
        pytest.param({"task": "api", "top_k": True}, "top_k", id="top_k-true"),  # not taken as 1
        pytest.param({"task": "api", "files": "app/main.py"}, "files", id="files-not-a-list"),
        pytest.param({"task": "api", "files": ["a" * (MAX_PATH_CHARS + 1)]}, "files", id="path-too-long"),
        pytest.param({"task": "api", "files": ["a.py"] * (MAX_FILES + 1)}, "files", id="too-many-files"),
        pytest.param({"task": "api", "detail": "everything"}, "detail", id="bad-detail"),
    ],
)
async def test_select_persona_invalid_arguments_are_error_results_naming_the_field(
    server: Any, mode: str, arguments: dict[str, Any], field: str
) -> None:
    async with mcp.Client(server, mode=mode) as client:
        text = await assert_error_result(client.call_tool("select_persona", arguments), field)
        assert "https://errors.pydantic.dev" not in text and "input_value" not in text
        await assert_session_still_answers(client)


async def test_an_argument_error_says_what_a_right_value_looks_like(server: Any) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        text = await assert_error_result(client.call_tool("select_persona", {"task": "api", "top_k": 0}), "top_k")
        assert text == ("select_persona: invalid argument 'top_k': Input should be greater than or equal to 1. "
                        f"Fix: pass a whole number from 1 to {MAX_TOP_K} (or leave it out: 3).")
        truth = await assert_error_result(client.call_tool("select_persona", {"task": "api", "top_k": True}), "top_k")
        assert truth == ("select_persona: invalid argument 'top_k': Input should be a whole number, not true or false. "
                         f"Fix: pass a whole number from 1 to {MAX_TOP_K} (or leave it out: 3).")
        missing = await assert_error_result(client.call_tool("select_persona", {}), "task")
        assert "Field required" in missing


@pytest.mark.parametrize(("tool", "arguments", "expected"), [
    pytest.param("select_persona", {"task": "api", "top_k": 0},
                 "select_persona: invalid argument 'top_k': Input should be greater than or equal to 1. "
                 f"Fix: pass a whole number from 1 to {MAX_TOP_K} (or leave it out: 3).", id="select-top_k"),
    pytest.param("get_persona", {"name": ""},
                 "get_persona: invalid argument 'name': String should have at least 1 character. Fix: pass a "
                 "persona name of at most 100 characters, full (persona-backend) or short (backend); "
                 "list_personas lists them.", id="get-empty-name"),
    pytest.param("get_persona", {"name": "widgt"},
                 "get_persona: invalid argument 'name': no persona is called 'widgt'. Fix: pass one of widget.",
                 id="get-unknown-name"),
])
async def test_every_tools_argument_errors_read_the_same_with_the_tool_named_once(
    custom_server: Any, mode: str, tool: str, arguments: dict[str, Any], expected: str
) -> None:
    # The SDK puts "Error executing tool NAME: " before the text of a ToolError raised inside a tool; an
    # unknown persona was told that way, with the tool named twice.
    async with mcp.Client(custom_server, mode=mode) as client:
        result = await client.call_tool(tool, arguments)
    assert result.is_error is True
    assert [content.text for content in result.content] == [expected]
    assert expected.count(tool) == 1


async def test_null_available_servers_or_files_is_taken_as_left_out(server: Any) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        null = await select_ok(client, **REGISTRATION, available_servers=None)
        left_out = await select_ok(client, **REGISTRATION)
        no_files = await select_ok(client, task=REGISTRATION["task"], files=None)
        files_left_out = await select_ok(client, task=REGISTRATION["task"])
    assert null == left_out
    assert no_files == files_left_out


async def test_unknown_tool_is_invalid_params_listing_the_tools(server: Any, mode: str) -> None:
    async with mcp.Client(server, mode=mode) as client:
        error = await assert_invalid_params(client.call_tool("no_such_tool", {}))
        assert "no_such_tool" in error.message
        for name in TOOLS:
            assert name in error.message
        await assert_session_still_answers(client)


async def test_get_persona_unknown_name_is_an_error_result_listing_known_names(
    server: Any, mode: str, builtin_catalog: Catalog
) -> None:
    async with mcp.Client(server, mode=mode) as client:
        text = await assert_error_result(client.call_tool("get_persona", {"name": "wizard"}), "name")
        assert "'wizard'" in text
        assert all(p.short_name in text for p in builtin_catalog.personas)
        await assert_session_still_answers(client)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        pytest.param({"name": ""}, "name", id="empty-name"),
        pytest.param({"name": "x" * 101}, "name", id="name-too-long"),
        pytest.param({"name": "backend", "detail": "all"}, "detail", id="bad-detail"),
    ],
)
async def test_get_persona_invalid_arguments_are_error_results(
    server: Any, arguments: dict[str, Any], field: str
) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        await assert_error_result(client.call_tool("get_persona", arguments), field)
        await assert_session_still_answers(client)


# ---------------------------------------------------------------- list_personas / get_persona


async def test_list_personas_matches_the_catalog(server: Any, mode: str, builtin_catalog: Catalog) -> None:
    async with mcp.Client(server, mode=mode) as client:
        result = await client.call_tool("list_personas", {})
    assert not result.is_error
    listing = PersonaList.model_validate(result.structured_content)
    assert listing.count == len(builtin_catalog) == len(listing.personas)
    assert [p.name for p in listing.personas] == builtin_catalog.names
    for info in listing.personas:
        assert info.layer == "builtin"
        assert info.resource_uri == f"persona://{info.short_name}"
        assert info.prompt == info.short_name
        assert info.description
    assert listing.problems == []
    lines = result.content[0].text.splitlines()
    assert len(lines) == len(builtin_catalog)
    assert lines[0].startswith(builtin_catalog.names[0] + ":")


@pytest.mark.parametrize("name", ["persona-security", "security", "SECURITY"])
async def test_get_persona_by_full_or_short_name_returns_the_full_guidance(
    server: Any, builtin_catalog: Catalog, name: str
) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        result = await client.call_tool("get_persona", {"name": name})
    assert not result.is_error
    detail = PersonaDetail.model_validate(result.structured_content)
    security = builtin_catalog.get("security")
    assert detail.persona.name == "persona-security"
    assert detail.detail == "full"
    assert detail.guidance == security.body
    assert security.body.strip() in result.content[0].text


async def test_get_persona_summary_is_shorter_than_full(server: Any, builtin_catalog: Catalog) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        full = await client.call_tool("get_persona", {"name": "backend", "detail": "full"})
        summary = await client.call_tool("get_persona", {"name": "backend", "detail": "summary"})
    full_detail = PersonaDetail.model_validate(full.structured_content)
    summary_detail = PersonaDetail.model_validate(summary.structured_content)
    assert summary_detail.detail == "summary"
    assert summary_detail.guidance == builtin_catalog.get("backend").summary
    assert len(summary_detail.guidance) < len(full_detail.guidance)
    assert summary.content[0].text == summary_detail.guidance


# ---------------------------------------------------------------- prompts


async def test_prompts_list_has_one_prompt_per_persona_with_an_optional_task(
    server: Any, mode: str, builtin_catalog: Catalog
) -> None:
    async with mcp.Client(server, mode=mode) as client:
        prompts = (await client.list_prompts()).prompts
    assert [p.name for p in prompts] == [p.short_name for p in builtin_catalog.personas]
    for prompt in prompts:
        assert prompt.description and len(prompt.description) <= 200, prompt
        assert "Auto-invoke" not in prompt.description and prompt.title
        assert prompt.arguments is not None
        assert [(a.name, a.required) for a in prompt.arguments] == [("task", False)]


async def test_get_prompt_with_task_puts_task_and_persona_body_in_the_message(
    server: Any, mode: str, builtin_catalog: Catalog
) -> None:
    task = "Harden the password reset endpoint"
    async with mcp.Client(server, mode=mode) as client:
        result = await client.get_prompt("persona-security", {"task": task})
    assert len(result.messages) == 1
    message = result.messages[0]
    assert message.role == "user"
    text = message.content.text
    assert f"Task: {task}" in text
    assert builtin_catalog.get("security").body.strip() in text
    assert "persona-security" in text


async def test_get_prompt_without_task_has_the_persona_body_and_no_task_line(
    server: Any, builtin_catalog: Catalog
) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        bare = await client.get_prompt("persona-backend")
        empty = await client.get_prompt("persona-backend", {"task": ""})
    for result in (bare, empty):
        text = result.messages[0].content.text
        assert builtin_catalog.get("backend").body.strip() in text
        assert "Task:" not in text.split("\n\n", 1)[0]
    assert bare.description == "API and data-focused thinking mode for server-side development."


async def test_a_prompt_is_found_by_its_full_name_too(server: Any) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        short = await client.get_prompt("backend", {"task": "x"})
        full = await client.get_prompt("persona-backend", {"task": "x"})
    assert short == full


async def test_get_prompt_unknown_name_is_invalid_params_listing_known_names(
    server: Any, mode: str, builtin_catalog: Catalog
) -> None:
    async with mcp.Client(server, mode=mode) as client:
        error = await assert_invalid_params(client.get_prompt("persona-wizard"))
        assert error.data["known"] == builtin_catalog.names
        assert "persona-wizard" in error.message
        await assert_session_still_answers(client)


async def test_get_prompt_unexpected_argument_is_invalid_params(server: Any, mode: str) -> None:
    async with mcp.Client(server, mode=mode) as client:
        error = await assert_invalid_params(client.get_prompt("persona-backend", {"language": "php"}))
        assert error.data["field"] == "language"
        await assert_session_still_answers(client)


async def test_get_prompt_task_over_the_limit_is_invalid_params(server: Any) -> None:
    async with mcp.Client(server, mode="legacy") as client:
        error = await assert_invalid_params(
            client.get_prompt("persona-backend", {"task": "a" * (MAX_TASK_CHARS + 1)})
        )
        assert error.data["field"] == "task"
        await assert_session_still_answers(client)


# ---------------------------------------------------------------- resources


async def test_resources_list_has_the_catalog_and_every_persona(
    server: Any, mode: str, builtin_catalog: Catalog
) -> None:
    async with mcp.Client(server, mode=mode) as client:
        resources = (await client.list_resources()).resources
    by_uri = {str(r.uri): r for r in resources}
    expected = {"persona://catalog"} | {f"persona://{p.short_name}" for p in builtin_catalog.personas}
    assert set(by_uri) == expected
    assert by_uri["persona://catalog"].mime_type == "application/json"
    for persona in builtin_catalog.personas:
        resource = by_uri[f"persona://{persona.short_name}"]
        assert resource.mime_type == "text/markdown"
        assert resource.name == persona.name
        assert resource.size == len(persona.text.encode("utf-8"))


async def test_resource_templates_list_has_the_persona_template(server: Any, mode: str) -> None:
    async with mcp.Client(server, mode=mode) as client:
        templates = (await client.list_resource_templates()).resource_templates
    assert [t.uri_template for t in templates] == ["persona://{name}"]
    assert templates[0].mime_type == "text/markdown"


@pytest.mark.parametrize("uri", ["persona://backend", "persona://persona-backend"])
async def test_reading_a_persona_resource_returns_the_file_text_exactly(server: Any, mode: str, uri: str) -> None:
    expected = (REPO / "personas" / "persona-backend.md").read_bytes().decode("utf-8")
    async with mcp.Client(server, mode=mode) as client:
        result = await client.read_resource(uri)
    assert len(result.contents) == 1
    content = result.contents[0]
    assert content.mime_type == "text/markdown"
    assert str(content.uri) == uri
    assert content.text == expected


async def test_reading_the_catalog_resource_returns_json_listing_every_persona(
    server: Any, mode: str, builtin_catalog: Catalog
) -> None:
    async with mcp.Client(server, mode=mode) as client:
        result = await client.read_resource("persona://catalog")
    content = result.contents[0]
    assert content.mime_type == "application/json"
    data = json.loads(content.text)
    listing = PersonaList.model_validate(data)
    assert listing.count == len(builtin_catalog)
    assert [p.name for p in listing.personas] == builtin_catalog.names


async def test_reading_an_unknown_persona_resource_is_invalid_params(
    server: Any, mode: str, builtin_catalog: Catalog
) -> None:
    async with mcp.Client(server, mode=mode) as client:
        error = await assert_invalid_params(client.read_resource("persona://wizard"))
        assert error.data["known"] == builtin_catalog.names
        await assert_session_still_answers(client)


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("b", ["backend"]), ("persona-b", ["persona-backend"]), ("zzz", [])],
)
async def test_completion_of_the_template_name_argument(
    server: Any, mode: str, prefix: str, expected: list[str]
) -> None:
    ref = ResourceTemplateReference(type="ref/resource", uri="persona://{name}")
    async with mcp.Client(server, mode=mode) as client:
        result = await client.complete(ref, {"name": "name", "value": prefix})
    assert result.completion.values == expected


async def test_completion_with_an_empty_prefix_offers_every_short_name(
    server: Any, builtin_catalog: Catalog
) -> None:
    ref = ResourceTemplateReference(type="ref/resource", uri="persona://{name}")
    async with mcp.Client(server, mode="legacy") as client:
        result = await client.complete(ref, {"name": "name", "value": ""})
    shorts = [p.short_name for p in builtin_catalog.personas]
    assert result.completion.values[: len(shorts)] == shorts


# ---------------------------------------------------------------- a custom catalog with a broken file


async def test_custom_catalog_serves_the_good_persona_and_reports_the_broken_file(
    custom_server: Any, custom_dir: Path, mode: str
) -> None:
    async with mcp.Client(custom_server, mode=mode) as client:
        listed = await client.call_tool("list_personas", {})
        selection = await select_ok(client, task="polish the widget", files=["ui/main.widget"])
        prompts = (await client.list_prompts()).prompts
        resource = await client.read_resource("persona://widget")
        resources = (await client.list_resources()).resources
    listing = PersonaList.model_validate(listed.structured_content)
    assert listing.count == 1
    assert [p.name for p in listing.personas] == ["persona-widget"]
    assert listing.personas[0].layer == "custom"
    assert listing.personas[0].title == "Widget Smith"
    assert any("broken.md" in problem for problem in listing.problems), listing.problems
    assert not any("persona-widget.md" in problem for problem in listing.problems)
    assert selection.persona == "persona-widget"
    assert {e.kind for e in selection.evidence} >= {"keyword", "file"}
    assert selection.priority_hierarchy == ["shine", "speed"]
    assert [p.name for p in prompts] == ["widget"]
    assert resource.contents[0].text == GOOD_PERSONA
    assert {str(r.uri) for r in resources} == {"persona://catalog", "persona://widget"}


async def test_custom_catalog_does_not_serve_the_broken_file_or_builtins(custom_server: Any) -> None:
    async with mcp.Client(custom_server, mode="legacy") as client:
        text = await assert_error_result(client.call_tool("get_persona", {"name": "backend"}), "name")
        assert text.endswith("Fix: pass one of widget.")
        await assert_invalid_params(client.read_resource("persona://broken"))
        selection = await select_ok(client, **REGISTRATION)
    assert selection.persona is None


async def test_default_layers_without_builtin_serve_only_the_given_folder(custom_dir: Path) -> None:
    server = build_server(Catalog.load(default_layers([custom_dir], builtin=False, env="")))
    async with mcp.Client(server, mode="legacy") as client:
        listing = PersonaList.model_validate((await client.call_tool("list_personas", {})).structured_content)
    assert [p.name for p in listing.personas] == ["persona-widget"]
    assert any("broken.md" in problem for problem in listing.problems)


@pytest.mark.parametrize(("tool", "arguments"), [
    ("select_persona", {"task": "Add a REST endpoint", "bogus": 1}),
    ("list_personas", {"verbose": True}),
    ("get_persona", {"name": "backend", "level": "full"}),
])
async def test_unknown_tool_argument_is_an_error_result_naming_it(
    server: Any, mode: str, tool: str, arguments: dict[str, Any]
) -> None:
    async with mcp.Client(server, mode=mode) as client:
        unknown = (set(arguments) - {"task", "name"}).pop()
        await assert_error_result(client.call_tool(tool, arguments), unknown)
        await assert_session_still_answers(client)


async def test_a_server_built_with_a_loader_loads_the_catalog_at_the_first_request_that_needs_it(
    builtin_catalog: Catalog,
) -> None:
    loads: list[int] = []

    def load() -> Catalog:
        loads.append(1)
        return builtin_catalog

    server = build_server(load)
    assert not server.catalog_loaded
    async with mcp.Client(server, mode="legacy") as client:
        tools = await client.list_tools()
        assert {t.name for t in tools.tools} == {"select_persona", "list_personas", "get_persona"}
        assert loads == []  # the handshake and tools/list never wait for the persona files
        prompts = await client.list_prompts()
        assert len(prompts.prompts) == len(builtin_catalog)
        await select_ok(client, **REGISTRATION)
    assert loads == [1] and server.catalog_loaded


async def test_list_personas_of_a_large_catalog_comes_in_pages(tmp_path: Path) -> None:
    for i in range(250):
        (tmp_path / f"p{i:03}.md").write_text(f"---\nname: persona-p{i:03}\ndescription: Number {i}.\n---\n# P{i}\n\n"
                                              "Guidance.\n", encoding="utf-8")
    server = build_server(Catalog.load([Layer("custom", tmp_path)]))
    async with mcp.Client(server, mode="legacy") as client:
        first = await client.call_tool("list_personas", {})
        second = await client.call_tool("list_personas", {"offset": 200, "limit": 100})
        small = await client.call_tool("list_personas", {"offset": 10, "limit": 2})
        past = await client.call_tool("list_personas", {"offset": 999})
        too_many = await client.call_tool("list_personas", {"limit": 201})
    pages = [PersonaList.model_validate(r.structured_content) for r in (first, second, small, past)]
    assert [p.count for p in pages] == [250] * 4  # the whole catalog's
    assert [len(p.personas) for p in pages] == [200, 50, 2, 0]
    assert [p.name for p in pages[0].personas + pages[1].personas] == [f"persona-p{i:03}" for i in range(250)]
    assert [p.name for p in pages[2].personas] == ["persona-p010", "persona-p011"]
    assert first.content[0].text.endswith("(50 more: call list_personas with offset=200)")
    assert "more" not in second.content[0].text
    assert too_many.is_error and "invalid argument 'limit'" in too_many.content[0].text


async def test_a_menu_shows_what_a_persona_is_not_how_it_is_routed(tmp_path: Path) -> None:
    (tmp_path / "db.md").write_text(
        "---\nname: db\ndescription: Schema-first database work. Auto-invoke when: SQL, migrations. "
        "Do NOT load for: UI work.\n---\nBody.\n", encoding="utf-8")
    (tmp_path / "regex.md").write_text(
        "---\nname: regex\ndescription: Use this agent when you need to debug regular expressions.\\n\\nExamples:"
        "\\n- <example>\\n  user: \"my regex is slow\"\\n  assistant: \"I'll use the regex agent\"\\n</example>\n---\n"
        "Body.\n", encoding="utf-8")
    (tmp_path / "perf.md").write_text(
        "---\nname: perf\ndescription: Use PROACTIVELY for slow code.\n---\n# Speed Hound\n\nBody.\n", encoding="utf-8")
    (tmp_path / "docs.md").write_text(
        "---\nname: docs\ndescription: 'Writes docs. Examples: READMEs. Delegations: <delegation>Trigger: API design "
        "Target: api-architect</delegation>'\n---\nBody.\n", encoding="utf-8")
    server = build_server(Catalog.load([Layer("custom", tmp_path)]))

    async with mcp.Client(server, mode="legacy") as client:
        prompts = {p.name: p.description for p in (await client.list_prompts()).prompts}

    assert prompts == {"db": "Schema-first database work.",
                       "regex": "Use this agent when you need to debug regular expressions.",
                       "perf": "Use PROACTIVELY for slow code.", "docs": "Writes docs. Examples: READMEs."}


async def test_a_bad_persona_name_in_a_large_catalog_is_answered_with_the_closest_names(tmp_path: Path) -> None:
    for number in range(30):
        (tmp_path / f"widget-{number}.md").write_text(
            f"---\nname: widget-{number}\ndescription: Widget number {number}.\n---\nGuidance.\n", encoding="utf-8")
    server = build_server(Catalog.load([Layer("custom", tmp_path)]))
    async with mcp.Client(server) as client:
        result = await client.call_tool("get_persona", {"name": "wigdet-17"})
    text = result.content[0].text
    assert result.is_error
    assert text.startswith("get_persona: invalid argument 'name': no persona is called 'wigdet-17'.")
    assert "one of widget-17," in text and "another of the 30 that list_personas names" in text
    assert "widget-5," not in text  # not every name of a large catalog


async def test_get_persona_prompts_and_resources_find_a_persona_by_the_name_its_file_writes(tmp_path: Path) -> None:
    (tmp_path / "KafkaEvents.md").write_text(
        "---\nname: KafkaEvents\ndescription: Kafka producers and consumers.\n---\n# Kafka\n\nBe idempotent.\n",
        encoding="utf-8")
    server = build_server(Catalog.load([Layer("custom", tmp_path)]))
    async with mcp.Client(server, mode="legacy") as client:
        tool = await client.call_tool("get_persona", {"name": "KafkaEvents"})
        prompt = await client.get_prompt("Kafka Events")
        resource = await client.read_resource("persona://kafkaevents")
    assert not tool.is_error
    assert PersonaDetail.model_validate(tool.structured_content).persona.name == "kafka-events"
    assert "Be idempotent." in prompt.messages[0].content.text  # type: ignore[union-attr]
    assert "name: KafkaEvents" in resource.contents[0].text  # type: ignore[union-attr]
