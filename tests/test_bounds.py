"""Every tool, prompt and resource argument has an explicit bound; past it, the answer names the field.

Tools answer with a result marked `isError` whose text names the field and the fix (SEP-1303), so the
model can correct itself; prompts and resources answer with the JSON-RPC invalid-params error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import mcp
import pytest
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS

from persona_mcp.arguments import MAX_NAME_CHARS, MAX_SERVERS, MAX_TASK_CHARS
from persona_mcp.catalog import Catalog, default_layers
from persona_mcp.server import build_server

pytestmark = pytest.mark.anyio

Call = Callable[[mcp.Client], Awaitable[Any]]


def tool(tool_name: str, /, **arguments: Any) -> Call:
    return lambda client: client.call_tool(tool_name, arguments)


TOOLS_OUT_OF_BOUNDS: list[Any] = [
    pytest.param(tool("select_persona", task="api", available_servers=["s"] * (MAX_SERVERS + 1)),
                 "available_servers", id="too-many-servers"),
    pytest.param(tool("select_persona", task="api", available_servers=["s" * 201]), "available_servers.0",
                 id="server-name-too-long"),
    pytest.param(tool("select_persona", task="api", available_servers=[""]), "available_servers.0",
                 id="empty-server-name"),
    pytest.param(tool("select_persona", task="api", top_k="three"), "top_k", id="top_k-not-a-number"),
    pytest.param(tool("select_persona", task="api", files=[""]), "files.0", id="empty-path"),
    pytest.param(tool("select_persona", task=["api"]), "task", id="task-not-a-string"),
    pytest.param(tool("get_persona", name="x" * 10_000), "name", id="get-name-too-long"),
    pytest.param(tool("list_personas", verbose=True), "verbose", id="list-takes-no-arguments"),
]
OTHERS_OUT_OF_BOUNDS: list[Any] = [
    pytest.param(lambda c: c.get_prompt("x" * 10_000), "name", id="prompt-name-too-long"),
    pytest.param(lambda c: c.get_prompt("persona-backend", {"task": "t" * (MAX_TASK_CHARS + 1)}), "task",
                 id="prompt-task-too-long"),
    pytest.param(lambda c: c.get_prompt("persona-backend", {"topic": "x"}), "topic", id="prompt-unknown-argument"),
    pytest.param(lambda c: c.read_resource("persona://" + "x" * 10_000), "name",
                 id="resource-name-too-long"),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(default_layers(env=""))


async def assert_still_serving(client: mcp.Client) -> None:
    answer = await client.call_tool("select_persona", {"task": "Add user registration"})
    assert answer.structured_content["persona"] == "persona-backend"


@pytest.mark.parametrize(("call", "field"), TOOLS_OUT_OF_BOUNDS)
async def test_out_of_bounds_tool_argument_is_an_error_result_naming_the_field_and_serving_goes_on(
    catalog: Catalog, call: Call, field: str
) -> None:
    async with mcp.Client(build_server(catalog), mode="legacy") as client:
        result = await call(client)
        assert result.is_error is True
        text = result.content[0].text
        assert f"'{field}'" in text and "Fix:" in text, text
        assert len(text) < 1_000  # the offending value is never echoed back
        await assert_still_serving(client)


@pytest.mark.parametrize(("call", "field"), OTHERS_OUT_OF_BOUNDS)
async def test_out_of_bounds_prompt_or_resource_argument_is_invalid_params_naming_the_field(
    catalog: Catalog, call: Call, field: str
) -> None:
    async with mcp.Client(build_server(catalog), mode="legacy") as client:
        with pytest.raises(MCPError) as info:
            await call(client)
        assert info.value.code == INVALID_PARAMS, info.value
        assert info.value.data["field"] == field
        assert f"'{field}" in str(info.value)
        assert len(str(info.value)) < 1_000  # the offending value is never echoed back whole
        await assert_still_serving(client)


async def test_arguments_at_their_bounds_are_accepted(catalog: Catalog) -> None:
    async with mcp.Client(build_server(catalog), mode="legacy") as client:
        servers = [f"server-{i}" for i in range(MAX_SERVERS - 1)] + ["s" * 200]
        answer = await client.call_tool("select_persona", {"task": "Add user registration",
                                                           "available_servers": servers})
        assert not answer.is_error
        prompt = await client.get_prompt("persona-backend", {"task": "t" * MAX_TASK_CHARS})
        assert prompt.messages
        # Within the bound: looked up, and simply not found.
        answer = await client.call_tool("get_persona", {"name": "x" * MAX_NAME_CHARS})
        assert answer.is_error and "no persona is called" in answer.content[0].text
