"""Workspace roots at the start of a connection: a host's first requests are answered with its project personas."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import mcp
import mcp_types as types
import pytest
from mcp import StdioServerParameters
from mcp.client.context import ClientRequestContext

from persona_mcp.catalog import Catalog, CatalogSource, Layer, builtin_dir
from persona_mcp.live import live_catalog
from persona_mcp.model import PersonaList, Selection
from persona_mcp.server import PersonaServer, build_server

pytestmark = pytest.mark.anyio

SCRIPT = Path(sys.executable).parent / "persona-mcp"
WAIT = 10  # seconds: a bound on every wait, never a pause
TASK = "Add user registration"
OVERRIDE = "Our own backend rules: every endpoint goes through the gateway."


def workspace_with_backend_override(tmp_path: Path) -> Path:
    workspace = tmp_path / "workspace"
    (workspace / ".personas").mkdir(parents=True)
    (workspace / ".personas" / "backend.md").write_text(
        "---\nname: persona-backend\ndescription: Our backend. Auto-invoke when: API, endpoint, registration.\n"
        f"trigger-keywords: [registration, endpoint]\n---\n# Persona: Our Backend\n\n{OVERRIDE}\n", "utf-8")
    return workspace


def roots_of(*folders: Path) -> Callable[[ClientRequestContext], Awaitable[types.ListRootsResult]]:
    async def list_roots(context: ClientRequestContext) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri=folder.as_uri(), name=folder.name) for folder in folders])

    return list_roots


@asynccontextmanager
async def serving(*, lazy: bool, roots_wait: float = WAIT) -> AsyncIterator[PersonaServer]:
    """The built-in catalog served with a live catalog; `lazy` builds the server as the stdio command does, with a
    loader, so that the first catalog is read after the handshake."""
    source = CatalogSource([Layer("builtin", builtin_dir())])
    catalog: Catalog | Callable[[], Catalog] = source.load if lazy else source.load()
    server = build_server(catalog)
    async with live_catalog(server, source, roots_wait=roots_wait):
        yield server


async def select(client: mcp.Client, task: str = TASK) -> Selection:
    result = await client.call_tool("select_persona", {"task": task})
    return Selection.model_validate(result.structured_content)


@pytest.mark.parametrize("lazy", [True, False], ids=["catalog-loaded-after-handshake", "catalog-loaded-before"])
async def test_the_first_select_after_initialize_already_uses_the_project_override(tmp_path: Path, lazy: bool) -> None:
    workspace = workspace_with_backend_override(tmp_path)
    with anyio.fail_after(WAIT):
        async with serving(lazy=lazy) as server, \
                mcp.Client(server, mode="legacy", list_roots_callback=roots_of(workspace)) as client:
            first = await select(client)
    assert first.persona == "persona-backend"
    assert first.guidance is not None and OVERRIDE in first.guidance


async def test_the_first_list_personas_already_shows_the_project_layer(tmp_path: Path) -> None:
    workspace = workspace_with_backend_override(tmp_path)
    with anyio.fail_after(WAIT):
        async with serving(lazy=True) as server, \
                mcp.Client(server, mode="legacy", list_roots_callback=roots_of(workspace)) as client:
            listing = PersonaList.model_validate((await client.call_tool("list_personas", {})).structured_content)
    backend = next(p for p in listing.personas if p.name == "persona-backend")
    assert backend.layer == "project"
    assert backend.path == str(workspace / ".personas" / "backend.md")


async def test_a_host_without_roots_is_not_held_up_by_one_whose_roots_are_late(tmp_path: Path) -> None:
    workspace = workspace_with_backend_override(tmp_path)
    asked, answer = anyio.Event(), anyio.Event()

    async def late_roots(context: ClientRequestContext) -> types.ListRootsResult:
        asked.set()
        await answer.wait()
        return await roots_of(workspace)(context)

    results: dict[str, Selection] = {}

    async def first_select(client: mcp.Client) -> None:
        results["late"] = await select(client)

    with anyio.fail_after(WAIT):
        async with serving(lazy=True, roots_wait=WAIT * 10) as server, \
                mcp.Client(server, mode="legacy", list_roots_callback=late_roots) as late, \
                mcp.Client(server, mode="legacy") as rootless, anyio.create_task_group() as tg:
            tg.start_soon(first_select, late)
            await asked.wait()
            plain = await select(rootless)  # answered while the other host's first request still waits
            assert "late" not in results
            answer.set()
    assert plain.guidance is not None and OVERRIDE not in plain.guidance
    assert results["late"].guidance is not None and OVERRIDE in results["late"].guidance


async def test_roots_that_never_come_delay_requests_once_and_are_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    never = anyio.Event()

    async def silent(context: ClientRequestContext) -> types.ListRootsResult:
        await never.wait()
        return types.ListRootsResult(roots=[])

    with anyio.fail_after(WAIT):
        async with serving(lazy=True, roots_wait=0.2) as server, \
                mcp.Client(server, mode="legacy", list_roots_callback=silent) as client:
            answers = [await select(client) for _ in range(3)]
            never.set()
    assert all(a.persona == "persona-backend" and a.guidance and OVERRIDE not in a.guidance for a in answers)
    given_up = [r for r in caplog.records if "not in the catalog after" in r.getMessage()]
    assert len(given_up) == 1 and given_up[0].levelname == "WARNING"


async def test_the_console_script_answers_the_first_select_with_the_project_override(tmp_path: Path) -> None:
    workspace = workspace_with_backend_override(tmp_path)
    env: dict[str, Any] = {k: v for k, v in os.environ.items() if not k.startswith("PERSONA_MCP_")}
    params = StdioServerParameters(command=str(SCRIPT), args=["--no-user"], env=env)
    with anyio.fail_after(WAIT * 3):
        async with mcp.Client(params, mode="legacy", list_roots_callback=roots_of(workspace)) as client:
            first = await select(client)
    assert first.guidance is not None and OVERRIDE in first.guidance
