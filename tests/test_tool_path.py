"""Our tools skip the SDK's generic tool path (`PersonaServer._serve_tools_call`): the wire must not tell.

Every call here goes to two servers over `mcp.Client`, in both protocol eras: one as built, and one
whose direct path is switched off so that the SDK's generic path serves the tools. Results, `isError`
results and JSON-RPC errors must come out the same, to the byte.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mcp
import pytest
from mcp.shared.exceptions import MCPError

import persona_mcp.selection
import persona_mcp.server
from persona_mcp.catalog import Catalog, default_layers
from persona_mcp.selection import select
from persona_mcp.server import MAX_FILES, MAX_PATH_CHARS, MAX_TASK_CHARS, PersonaServer, build_server, selection_text

pytestmark = pytest.mark.anyio

SAMPLE = Path(__file__).resolve().parent / "data" / "bench-sample.jsonl"
REGISTRATION = {"task": "Add user registration", "files": ["app/Http/Controllers/UserController.php"]}

# (tool, arguments, the field an invalid-params error must name, or None for a call that succeeds)
CALLS: list[tuple[str, dict[str, Any], str | None]] = [
    ("select_persona", REGISTRATION, None),
    ("select_persona", {**REGISTRATION, "top_k": 1, "detail": "summary"}, None),
    ("select_persona", {**REGISTRATION, "available_servers": ["context7", "sequential-thinking"]}, None),
    ("select_persona", {"task": "Bake a sourdough loaf"}, None),  # nothing fits: persona is null
    ("select_persona", {"task": "api", "files": '["app/main.py"]'}, None),  # a list sent as a JSON string
    ("select_persona", {"task": "a" * MAX_TASK_CHARS, "files": ["a" * MAX_PATH_CHARS] * MAX_FILES}, None),
    ("select_persona", {}, "task"),
    ("select_persona", {"task": None}, "task"),
    ("select_persona", {"task": 5}, "task"),
    ("select_persona", {"task": ""}, "task"),
    ("select_persona", {"task": " \n\t"}, "task"),
    ("select_persona", {"task": "a" * (MAX_TASK_CHARS + 1)}, "task"),
    ("select_persona", {"task": "api", "files": "app/main.py"}, "files"),
    ("select_persona", {"task": "api", "files": [""]}, "files.0"),
    ("select_persona", {"task": "api", "files": ["a.py", 3]}, "files.1"),
    ("select_persona", {"task": "api", "files": ["a" * (MAX_PATH_CHARS + 1)]}, "files.0"),
    ("select_persona", {"task": "api", "files": ["a.py"] * (MAX_FILES + 1)}, "files"),
    ("select_persona", {"task": "api", "top_k": 0}, "top_k"),
    ("select_persona", {"task": "api", "top_k": 21}, "top_k"),
    ("select_persona", {"task": "api", "top_k": "three"}, "top_k"),
    ("select_persona", {"task": "api", "available_servers": "context7"}, "available_servers"),
    ("select_persona", {"task": "api", "available_servers": [""]}, "available_servers.0"),
    ("select_persona", {"task": "api", "detail": "everything"}, "detail"),
    ("select_persona", {"task": "api", "bogus": 1}, "bogus"),
    ("list_personas", {}, None),
    ("list_personas", {"verbose": True}, "verbose"),
    ("get_persona", {"name": "security"}, None),
    ("get_persona", {"name": "persona-backend", "detail": "summary"}, None),
    ("get_persona", {}, "name"),
    ("get_persona", {"name": ""}, "name"),
    ("get_persona", {"name": "x" * 101}, "name"),
    ("get_persona", {"name": "wizard"}, "name"),
    ("get_persona", {"name": "backend", "detail": "all"}, "detail"),
    ("get_persona", {"name": "backend", "level": "full"}, "level"),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(default_layers(env=""))


def through_the_sdk(server: PersonaServer) -> PersonaServer:
    """The same server with its tools served by the SDK's generic path (validation, Context, output check)."""
    server._direct_tools.clear()
    return server


async def outcome(client: mcp.Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """A call's result or error, in wire form."""
    try:
        result = await client.call_tool(tool, arguments)
    except MCPError as exc:
        return {"error": exc.error.model_dump(mode="json", by_alias=True, exclude_none=True)}
    return {"result": result.model_dump(mode="json", by_alias=True, exclude_none=True)}


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_the_direct_path_answers_every_call_exactly_as_the_sdk_path(catalog: Catalog, mode: str) -> None:
    direct, generic = build_server(catalog), through_the_sdk(build_server(catalog))
    async with mcp.Client(direct, mode=mode) as fast, mcp.Client(generic, mode=mode) as slow:
        for tool, arguments, field in CALLS:
            got = await outcome(fast, tool, arguments)
            assert got == await outcome(slow, tool, arguments), (tool, arguments)
            if field is None:
                assert "result" in got and not got["result"].get("isError"), (tool, arguments, got)
            else:
                assert got["error"]["code"] == -32602, (tool, arguments, got)
                assert got["error"]["data"]["field"] == field, (tool, arguments, got)
                assert f"invalid '{field}'" in got["error"]["message"], (tool, arguments, got)


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_a_crash_inside_a_tool_is_an_error_result_without_its_text_on_both_paths(
    catalog: Catalog, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("internal detail that must not reach the client")

    monkeypatch.setattr(persona_mcp.selection, "select", crash)
    direct, generic = build_server(catalog), through_the_sdk(build_server(catalog))
    async with mcp.Client(direct, mode=mode) as fast, mcp.Client(generic, mode=mode) as slow:
        got = await outcome(fast, "select_persona", REGISTRATION)
        assert got == await outcome(slow, "select_persona", REGISTRATION)
        assert got["result"]["isError"] is True
        assert got["result"]["content"] == [{"type": "text", "text": "Error executing tool select_persona"}]
        assert (await outcome(fast, "get_persona", {"name": "qa"}))["result"].get("isError") is not True


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_structured_content_is_the_selection_dumped_and_the_text_its_rendering(
    catalog: Catalog, mode: str
) -> None:
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()][:10]
    async with mcp.Client(build_server(catalog), mode=mode) as client:
        for row in rows:
            arguments = {"task": row["task"], "files": row["files"]}
            result = await client.call_tool("select_persona", arguments)
            expected = select(catalog.index, row["task"], row["files"])
            assert not result.is_error
            assert result.structured_content == expected.model_dump(mode="json"), row["id"]
            assert [block.model_dump(exclude_none=True) for block in result.content] == [
                {"type": "text", "text": selection_text(expected)}
            ], row["id"]
            if expected.persona is not None:
                assert expected.guidance and expected.guidance.strip() in result.content[0].text  # type: ignore[union-attr]
                assert result.structured_content["guidance"] == expected.guidance


@pytest.mark.parametrize("version", ["2025-11-25", "2026-07-28"])
def test_the_wire_form_of_a_result_is_what_the_sdk_dumps_it_to_byte_for_byte(catalog: Catalog, version: str) -> None:
    from mcp_types import CallToolResult, TextContent
    from mcp_types.methods import serialize_server_result

    from persona_mcp.server import wire_form

    selection = select(catalog.index, REGISTRATION["task"], REGISTRATION["files"])
    result = CallToolResult(content=[TextContent(type="text", text=selection_text(selection))],
                            structured_content=selection.model_dump(mode="json"))
    fast = wire_form(result)
    assert isinstance(fast, dict)
    dumped = result.model_dump(by_alias=True, mode="json", exclude_none=True)
    assert fast == dumped
    assert json.dumps(serialize_server_result("tools/call", version, fast)) == json.dumps(
        serialize_server_result("tools/call", version, dumped))


def test_results_of_any_other_shape_are_left_for_the_sdk_to_dump() -> None:
    from mcp_types import CallToolResult, TextContent

    from persona_mcp.server import wire_form

    text = TextContent(type="text", text="x")
    unusual = [
        CallToolResult(content=[text], is_error=True),
        CallToolResult(content=[text]),  # no structured content
        CallToolResult(content=[text, text], structured_content={}),
        CallToolResult(content=[], structured_content={}),
        CallToolResult(content=[TextContent(type="text", text="x", _meta={"k": 1})], structured_content={}),
        CallToolResult(content=[text], structured_content={}, _meta={"k": 1}),
    ]
    for result in unusual:
        assert wire_form(result) is result
