"""Hot reload with a host connected: real files in tmp_path, a real in-process client, both protocol generations."""

from __future__ import annotations

import gc
import os
import sys
import warnings
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
from mcp.shared.exceptions import MCPDeprecationWarning

from persona_mcp.catalog import CatalogSource, Layer, builtin_dir
from persona_mcp.hosts import root_path
from persona_mcp.live import YOUNG_OBJECTS, LiveCatalog, live_catalog
from persona_mcp.model import PersonaList, Selection
from persona_mcp.server import PersonaServer, build_server

pytestmark = pytest.mark.anyio

WAIT = 10  # seconds: a bound on every wait, never a pause
INTERVAL = 0.05  # poll faster than the default in tests; the logic is the same


def persona_text(name: str, body: str = "Guidance.", *, extra: str = "") -> str:
    return f"---\nname: {name}\ndescription: Does {name} things.\n{extra}---\n# Persona: {name}\n\n{body}\n"


BROKEN = "---\nname: persona-widget\ndescription: [unclosed\n---\n# Broken\n"


@asynccontextmanager
async def served(layers: list[Layer]) -> AsyncIterator[tuple[PersonaServer, LiveCatalog]]:
    source = CatalogSource(layers)
    server = build_server(source.load())
    async with live_catalog(server, source, interval=INTERVAL) as live:
        yield server, live


class Inbox:
    """The list_changed notifications a legacy client received, and a way to wait for the next one."""

    def __init__(self) -> None:
        self.methods: list[str] = []
        self._arrived = anyio.Event()

    async def __call__(self, message: Any) -> None:
        if isinstance(message, types.PromptListChangedNotification | types.ResourceListChangedNotification):
            self.methods.append(message.method)
            self._arrived.set()

    async def next(self) -> list[str]:
        """Wait for both list_changed notifications, return what arrived, and start collecting afresh."""
        with anyio.fail_after(WAIT):
            while set(self.methods) != set(LIST_CHANGED):
                await self._arrived.wait()
                self._arrived = anyio.Event()
        methods, self.methods = self.methods, []
        return methods


LIST_CHANGED = ["notifications/prompts/list_changed", "notifications/resources/list_changed"]


async def prompt_names(client: mcp.Client) -> list[str]:
    return [p.name for p in (await client.list_prompts(cache_mode="refresh")).prompts]


async def until(check: Callable[[], Awaitable[bool]]) -> None:
    """Wait, bounded, until `check` holds, pausing between looks: looks back to back keep the event loop's
    thread busy, and the watcher's thread waits for the interpreter lock at each of its system calls."""
    with anyio.fail_after(WAIT):
        while not await check():
            await anyio.sleep(0.01)


async def listing(client: mcp.Client) -> PersonaList:
    result = await client.call_tool("list_personas", {})
    return PersonaList.model_validate(result.structured_content)


# ---------------------------------------------------------------- capabilities


async def test_the_garbage_collector_runs_less_often_while_serving_and_as_before_after(tmp_path: Path) -> None:
    before = gc.get_threshold()
    async with served([Layer("builtin", builtin_dir())]):
        assert gc.get_threshold() == (YOUNG_OBJECTS, *before[1:])
    assert gc.get_threshold() == before


async def test_legacy_handshake_advertises_list_changed(tmp_path: Path) -> None:
    async with served([Layer("custom", tmp_path)]) as (server, _), mcp.Client(server, mode="legacy") as client:
        capabilities = client.server_capabilities
        assert capabilities.prompts is not None and capabilities.prompts.list_changed is True
        assert capabilities.resources is not None and capabilities.resources.list_changed is True


async def test_modern_discover_advertises_list_changed(tmp_path: Path) -> None:
    async with served([Layer("custom", tmp_path)]) as (server, _), mcp.Client(server) as client:
        assert client.protocol_version == "2026-07-28"
        capabilities = client.server_capabilities
        assert capabilities.prompts is not None and capabilities.prompts.list_changed is True
        assert capabilities.resources is not None and capabilities.resources.list_changed is True


# ---------------------------------------------------------------- a legacy host


async def test_legacy_host_sees_created_edited_broken_and_deleted_personas(tmp_path: Path) -> None:
    inbox = Inbox()
    async with served([Layer("custom", tmp_path)]) as (server, _), \
            mcp.Client(server, mode="legacy", message_handler=inbox) as client:
        assert await prompt_names(client) == []

        (tmp_path / "widget.md").write_text(persona_text("persona-widget", "Version one."), "utf-8")
        assert sorted(await inbox.next()) == LIST_CHANGED
        assert await prompt_names(client) == ["widget"]
        resources = await client.list_resources()
        assert "persona://widget" in [str(r.uri) for r in resources.resources]

        (tmp_path / "widget.md").write_text(persona_text("persona-widget", "Version two, longer."), "utf-8")
        await inbox.next()
        prompt = await client.get_prompt("persona-widget")
        assert isinstance(prompt.messages[0].content, types.TextContent)
        assert "Version two, longer." in prompt.messages[0].content.text

        (tmp_path / "widget.md").write_text(BROKEN, "utf-8")
        await until(lambda: _has_problem(client, "widget.md"))
        assert await prompt_names(client) == ["widget"]  # the last good version is still served
        text = (await client.read_resource("persona://widget")).contents[0]
        assert isinstance(text, types.TextResourceContents) and "Version two, longer." in text.text
        problems = (await listing(client)).problems
        assert any("invalid YAML" in p for p in problems)
        assert any("kept the last good version of 'persona-widget'" in p for p in problems)

        (tmp_path / "widget.md").unlink()
        await inbox.next()
        assert await prompt_names(client) == []
        assert (await listing(client)).problems == []


async def _has_problem(client: mcp.Client, fragment: str) -> bool:
    return any(fragment in p for p in (await listing(client)).problems)


async def test_renamed_file_keeps_the_persona_under_its_new_path(tmp_path: Path) -> None:
    inbox = Inbox()
    (tmp_path / "a.md").write_text(persona_text("persona-widget"), "utf-8")
    async with served([Layer("custom", tmp_path)]) as (server, _), \
            mcp.Client(server, mode="legacy", message_handler=inbox) as client:
        (tmp_path / "a.md").rename(tmp_path / "b.md")
        await inbox.next()
        [info] = (await listing(client)).personas
        assert info.path == str(tmp_path / "b.md")


async def test_a_burst_of_writes_is_one_reload(tmp_path: Path) -> None:
    async with served([Layer("custom", tmp_path)]) as (server, live), mcp.Client(server, mode="legacy") as client:
        for index in range(20):
            (tmp_path / f"p{index}.md").write_text(persona_text(f"persona-p{index}"), "utf-8")
            await anyio.lowlevel.checkpoint()
        await until(lambda: _count_is(client, 20))
        assert live.reloads <= 3  # one per settled burst; the writes above may straddle a poll or two


async def _names_are(client: mcp.Client, names: list[str]) -> bool:
    return await prompt_names(client) == names


async def _count_is(client: mcp.Client, count: int) -> bool:
    return len(await prompt_names(client)) == count


async def test_rewriting_a_file_unchanged_tells_no_host(tmp_path: Path) -> None:
    inbox = Inbox()
    path = tmp_path / "a.md"
    path.write_text(persona_text("persona-widget"), "utf-8")
    async with served([Layer("custom", tmp_path)]) as (server, live), \
            mcp.Client(server, mode="legacy", message_handler=inbox):
        before = server.catalog
        path.write_text(persona_text("persona-widget"), "utf-8")  # same content, new mtime
        assert not await live.reload()
        assert server.catalog is before
        (tmp_path / "b.md").write_text(persona_text("persona-other"), "utf-8")
        assert sorted(await inbox.next()) == LIST_CHANGED  # b.md only: a.md's rewrite announced nothing
        assert live.reloads == 1


async def test_a_layer_folder_that_appears_later_is_picked_up(tmp_path: Path) -> None:
    inbox = Inbox()
    folder = tmp_path / "later"
    async with served([Layer("user", folder, optional=True)]) as (server, _), \
            mcp.Client(server, mode="legacy", message_handler=inbox) as client:
        assert (await listing(client)).problems == []
        folder.mkdir()
        (folder / "a.md").write_text(persona_text("persona-widget"), "utf-8")
        await inbox.next()
        assert await prompt_names(client) == ["widget"]
        [info] = (await listing(client)).personas
        assert info.layer == "user"


# ---------------------------------------------------------------- a 2026-07-28 client


async def test_modern_client_hears_of_changes_on_its_listen_stream(tmp_path: Path) -> None:
    async with served([Layer("custom", tmp_path)]) as (server, _), mcp.Client(server) as client, \
            client.listen(prompts_list_changed=True, resources_list_changed=True) as subscription:
        assert await prompt_names(client) == []
        (tmp_path / "widget.md").write_text(persona_text("persona-widget"), "utf-8")
        seen: set[str] = set()
        with anyio.fail_after(WAIT):
            async for event in subscription:
                seen.add(type(event).__name__)
                if seen == {"PromptsListChanged", "ResourcesListChanged"}:
                    break
        assert await prompt_names(client) == ["widget"]


# ---------------------------------------------------------------- roots


def roots_callback(box: dict[str, list[Path]]) -> Callable[[ClientRequestContext], Awaitable[types.ListRootsResult]]:
    async def list_roots(context: ClientRequestContext) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri=path.as_uri(), name=path.name) for path in box["roots"]])

    return list_roots


async def test_host_roots_add_project_personas_that_override_builtins(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    (workspace / ".personas").mkdir(parents=True)
    (workspace / ".personas" / "qa.md").write_text(persona_text("persona-qa", "Our own QA rules."), "utf-8")
    (workspace / ".personas" / "team.md").write_text(persona_text("persona-team"), "utf-8")
    box = {"roots": [workspace]}
    inbox = Inbox()
    async with served([Layer("builtin", builtin_dir())]) as (server, _), \
            mcp.Client(server, mode="legacy", list_roots_callback=roots_callback(box), message_handler=inbox) as client:
        await inbox.next()
        names = await prompt_names(client)
        assert "team" in names and len(names) == 12
        qa = next(p for p in (await listing(client)).personas if p.name == "persona-qa")
        assert qa.layer == "project"
        assert qa.path == str(workspace / ".personas" / "qa.md")
        assert qa.overrides == str(builtin_dir() / "persona-qa.md")
        result = await client.call_tool("select_persona", {"task": "Review the test plan @qa"})
        assert "Our own QA rules." in Selection.model_validate(result.structured_content).guidance

        # The host switches workspaces and says so: the project personas follow.
        other = tmp_path / "other"
        (other / ".personas").mkdir(parents=True)
        (other / ".personas" / "x.md").write_text(persona_text("persona-other-team"), "utf-8")
        box["roots"] = [other]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MCPDeprecationWarning)  # roots are deprecated in 2026-07-28 only
            await client.send_roots_list_changed()
        await inbox.next()
        names = await prompt_names(client)
        assert "other-team" in names and "team" not in names
        assert next(p for p in (await listing(client)).personas if p.name == "persona-qa").layer == "builtin"


async def test_project_personas_created_after_start_are_watched(tmp_path: Path) -> None:
    box = {"roots": [tmp_path]}
    inbox = Inbox()
    async with served([]) as (server, _), \
            mcp.Client(server, mode="legacy", list_roots_callback=roots_callback(box), message_handler=inbox) as client:
        await until(lambda: _roots_known(server, tmp_path))
        (tmp_path / ".personas").mkdir()
        (tmp_path / ".personas" / "a.md").write_text(persona_text("persona-widget"), "utf-8")
        await inbox.next()
        assert await prompt_names(client) == ["widget"]


async def _roots_known(server: PersonaServer, root: Path) -> bool:
    return server.hosts.roots() == [root]


async def test_a_host_that_fails_to_list_roots_keeps_the_other_layers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    async def refuse(context: ClientRequestContext) -> types.ErrorData:
        return types.ErrorData(code=types.INTERNAL_ERROR, message="no roots here")

    async def refused() -> bool:
        return any("no roots here" in r.getMessage() for r in caplog.records)

    (tmp_path / "a.md").write_text(persona_text("persona-widget"), "utf-8")
    async with served([Layer("custom", tmp_path)]) as (server, _), \
            mcp.Client(server, mode="legacy", list_roots_callback=refuse) as client:
        await until(refused)
        assert len(server.hosts) == 1
        assert server.hosts.roots() == []
        assert await prompt_names(client) == ["widget"]


async def test_a_closed_connection_is_forgotten(tmp_path: Path) -> None:
    async with served([Layer("custom", tmp_path)]) as (server, _):
        async with mcp.Client(server, mode="legacy"):
            await until(lambda: _hosts_are(server, 1))
        await until(lambda: _hosts_are(server, 0))


async def _hosts_are(server: PersonaServer, count: int) -> bool:
    return len(server.hosts) == count


# ---------------------------------------------------------------- consistency under reloads


async def test_requests_during_reloads_see_one_catalog_or_the_other(tmp_path: Path) -> None:
    """Selections run while the catalog is reloaded many times; each answer comes from a single version."""

    def version(n: int) -> str:
        extra = f"trigger-keywords: [widget]\npriority-hierarchy: [v{n}]\n"
        return persona_text("persona-widget", f"Version {n} guidance.", extra=extra)

    (tmp_path / "widget.md").write_text(version(0), "utf-8")
    async with served([Layer("custom", tmp_path)]) as (server, live), mcp.Client(server) as client:
        answers: list[tuple[str, list[str]]] = []
        reloaded = anyio.Event()

        async def select_many() -> None:
            # At least 60 calls each, and on until the reloads are over, so the calls overlap them
            # however long a reload takes on a busy machine.
            calls = 0
            while calls < 60 or not reloaded.is_set():
                calls += 1
                # A pause between calls leaves the reloading thread time to run. The handlers run on
                # the event loop's thread, and calls a millisecond apart keep it busy: the reloading
                # thread then waits for the interpreter lock at each of its system calls (a switch
                # interval, 5 ms, each time), and one reload of one file took 4-15 s on this VM.
                await anyio.sleep(0.01)
                result = await client.call_tool("select_persona", {"task": "polish the widget"})
                selection = Selection.model_validate(result.structured_content)
                answers.append((selection.guidance, selection.priority_hierarchy))
                detail = await client.call_tool("get_persona", {"name": "widget"})
                assert detail.is_error is not True

        async def reload_many() -> None:
            for n in range(1, 41):
                # Saved the way editors save, so the watcher never reads a half-written file.
                (tmp_path / "widget.tmp").write_text(version(n), "utf-8")
                (tmp_path / "widget.tmp").replace(tmp_path / "widget.md")
                await live.reload()  # or the watcher got there first: either way version n is in
            reloaded.set()

        async with anyio.create_task_group() as tg:
            tg.start_soon(select_many)
            tg.start_soon(select_many)
            tg.start_soon(reload_many)
        assert live.reloads >= 40
        assert len(answers) >= 120
        assert len({tuple(order) for _, order in answers}) > 1  # the selections really ran across reloads
        for guidance, priorities in answers:
            [order] = priorities
            assert f"Version {order[1:]} guidance." in guidance


# ---------------------------------------------------------------- end to end over stdio

SCRIPT = Path(sys.executable).parent / "persona-mcp"


def stdio_params(*args: str) -> StdioServerParameters:
    env = {k: v for k, v in os.environ.items() if k != "PERSONA_MCP_PATH"}
    return StdioServerParameters(command=str(SCRIPT), args=list(args), env=env)


async def test_stdio_server_with_a_personas_folder_reloads_and_tells_the_host(tmp_path: Path) -> None:
    inbox = Inbox()
    params = stdio_params("--no-builtin", "--personas", str(tmp_path), "serve")
    async with mcp.Client(params, mode="legacy", message_handler=inbox) as client:
        assert await prompt_names(client) == []

        (tmp_path / "widget.md").write_text(persona_text("persona-widget", "Version one."), "utf-8")
        assert sorted(await inbox.next()) == LIST_CHANGED
        assert await prompt_names(client) == ["widget"]

        (tmp_path / "widget.md").write_text(BROKEN, "utf-8")
        await until(lambda: _has_problem(client, "invalid YAML"))
        assert await prompt_names(client) == ["widget"]
        prompt = await client.get_prompt("persona-widget")
        assert isinstance(prompt.messages[0].content, types.TextContent)
        assert "Version one." in prompt.messages[0].content.text
        assert any("kept the last good version" in p for p in (await listing(client)).problems)

        (tmp_path / "widget.md").unlink()
        await inbox.next()
        assert await prompt_names(client) == []


async def test_stdio_modern_client_hears_of_a_new_persona(tmp_path: Path) -> None:
    params = stdio_params("--no-builtin", "--personas", str(tmp_path))
    async with mcp.Client(params) as client, client.listen(prompts_list_changed=True) as subscription:
        assert client.protocol_version == "2026-07-28"
        (tmp_path / "widget.md").write_text(persona_text("persona-widget"), "utf-8")
        with anyio.fail_after(WAIT):
            event = await subscription.__anext__()
        assert type(event).__name__ == "PromptsListChanged"
        assert await prompt_names(client) == ["widget"]


# ---------------------------------------------------------------- root URIs


@pytest.mark.parametrize(("uri", "expected"), [
    ("file:///home/me/project", Path("/home/me/project")),
    ("file://localhost/home/me/project", Path("/home/me/project")),
    ("file:///home/me/my%20project", Path("/home/me/my project")),
    ("file:///home/me/100%2525", Path("/home/me/100%25")),
    ("file://otherhost/share", None),
    ("https://example.com/repo", None),
    ("file://", None),
])
def test_root_path_takes_local_file_uris_only(uri: str, expected: Path | None) -> None:
    assert root_path(uri) == expected


async def test_stdio_host_roots_bring_in_project_personas_over_builtins(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    (workspace / ".personas").mkdir(parents=True)
    (workspace / ".personas" / "qa.md").write_text(persona_text("persona-qa", "Our own QA rules."), "utf-8")
    inbox = Inbox()
    box = {"roots": [workspace]}
    async with mcp.Client(stdio_params(), mode="legacy", list_roots_callback=roots_callback(box),
                          message_handler=inbox) as client:
        await inbox.next()
        detail = await client.call_tool("get_persona", {"name": "qa"})
        assert detail.structured_content is not None
        assert detail.structured_content["persona"]["layer"] == "project"
        assert "Our own QA rules." in detail.structured_content["guidance"]
        assert len(await prompt_names(client)) == 11


async def test_every_connected_host_is_told(tmp_path: Path) -> None:
    inboxes = [Inbox(), Inbox(), Inbox()]
    async with served([Layer("custom", tmp_path)]) as (server, _), \
            mcp.Client(server, mode="legacy", message_handler=inboxes[0]), \
            mcp.Client(server, mode="legacy", message_handler=inboxes[1]), \
            mcp.Client(server, mode="legacy", message_handler=inboxes[2]):
        await until(lambda: _hosts_are(server, 3))
        (tmp_path / "widget.md").write_text(persona_text("persona-widget"), "utf-8")
        for inbox in inboxes:
            assert sorted(await inbox.next()) == LIST_CHANGED


async def test_a_failed_roots_refresh_keeps_the_roots_the_host_had(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    (tmp_path / ".personas").mkdir()
    (tmp_path / ".personas" / "a.md").write_text(persona_text("persona-widget"), "utf-8")
    state = {"fail": False}

    async def list_roots(context: ClientRequestContext) -> types.ListRootsResult | types.ErrorData:
        if state["fail"]:
            return types.ErrorData(code=types.INTERNAL_ERROR, message="busy, try later")
        return types.ListRootsResult(roots=[types.Root(uri=tmp_path.as_uri())])

    async def refused() -> bool:
        return any("busy, try later" in r.getMessage() for r in caplog.records)

    async with served([]) as (server, _), mcp.Client(server, mode="legacy", list_roots_callback=list_roots) as client:
        await until(lambda: _names_are(client, ["widget"]))
        state["fail"] = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MCPDeprecationWarning)
            await client.send_roots_list_changed()
        await until(refused)
        assert server.hosts.roots() == [tmp_path]
        assert await prompt_names(client) == ["widget"]
