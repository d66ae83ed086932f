"""Hostile persona folders and workspace roots: each is a diagnostic of its own, and the server goes on serving.

The installed console script runs over stdio with a raw JSON-RPC host that answers `roots/list`,
so what is checked is what a host sees: answers to every request, reloads still seen, one log line
per bad root, no traceback, and an exit soon after stdin closes.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import anyio
import mcp
import pytest
from anyio.abc import Process
from anyio.streams.buffered import BufferedByteReceiveStream

from persona_mcp.catalog import MAX_ROOTS, CatalogSource, Layer, default_layers
from persona_mcp.live import live_catalog
from persona_mcp.server import build_server

pytestmark = pytest.mark.anyio

SCRIPT = Path(sys.executable).parent / "persona-mcp"
WAIT = 30  # seconds: a bound on every wait, never a pause
EXIT_WAIT = 5  # seconds the server may take to exit once stdin is closed


def persona_text(name: str, body: str = "Guidance.") -> str:
    return f"---\nname: {name}\ndescription: Does {name} things.\n---\n# Persona: {name}\n\n{body}\n"


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PERSONA_MCP_PATH", None)
    return env


class RawHost:
    """A host on the server's stdio: sends requests, answers `roots/list` with `roots`, keeps what comes back."""

    def __init__(self, process: Process, roots: list[str]) -> None:
        assert process.stdin is not None and process.stdout is not None
        self.process = process
        self.roots = roots
        self.stdout = BufferedByteReceiveStream(process.stdout)
        self.stderr = bytearray()
        self.answers: dict[int, dict[str, Any]] = {}
        self.list_changed = 0
        self._next_id = 100
        self._arrived = anyio.Event()

    async def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        await self.process.stdin.send(json.dumps(message).encode() + b"\n")

    async def read(self) -> None:
        """Read stdout to its end, answering the server's roots/list requests on the way."""
        try:
            while True:
                message = json.loads(await self.stdout.receive_until(b"\n", 16 * 1024 * 1024))
                if message.get("method") == "roots/list":
                    roots = [{"uri": uri} for uri in self.roots]
                    await self.send({"jsonrpc": "2.0", "id": message["id"], "result": {"roots": roots}})
                elif message.get("method") == "notifications/prompts/list_changed":
                    self.list_changed += 1
                elif "id" in message:
                    self.answers[message["id"]] = message
                self._arrived.set()
                self._arrived = anyio.Event()
        except (anyio.EndOfStream, anyio.IncompleteRead, anyio.ClosedResourceError):
            pass

    async def read_stderr(self) -> None:
        assert self.process.stderr is not None
        try:
            while True:
                self.stderr += await self.process.stderr.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            pass

    async def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._next_id += 1
        id_ = self._next_id
        await self.send({"jsonrpc": "2.0", "id": id_, "method": method, **({"params": params} if params else {})})
        with anyio.fail_after(WAIT):
            while id_ not in self.answers:
                await self._arrived.wait()
        return self.answers[id_]

    async def until(self, check: Any) -> None:
        """Ask again, bounded, until `check` holds (each look is a request, answered at the server's pace)."""
        with anyio.fail_after(WAIT):
            while not await check():
                pass

    async def names(self) -> list[str]:
        answer = await self.call("tools/call", {"name": "list_personas", "arguments": {}})
        assert "error" not in answer and not answer["result"].get("isError"), answer
        return [p["name"] for p in answer["result"]["structuredContent"]["personas"]]

    async def problems(self) -> list[str]:
        answer = await self.call("tools/call", {"name": "list_personas", "arguments": {}})
        return list(answer["result"]["structuredContent"]["problems"])

    async def ping_ok(self) -> None:
        assert "result" in await self.call("ping")


async def host_session(args: list[str], roots: list[str], body: Any) -> RawHost:
    """Run the console script with `args`, hand a connected RawHost to `body`, then close stdin and wait for exit."""
    process = await anyio.open_process([str(SCRIPT), *args], env=server_env())
    host = RawHost(process, roots)
    async with process, anyio.create_task_group() as tg:
        tg.start_soon(host.read)
        tg.start_soon(host.read_stderr)
        capabilities = {"roots": {"listChanged": True}} if roots else {}
        answer = await host.call("initialize", {"protocolVersion": "2025-11-25", "capabilities": capabilities,
                                                "clientInfo": {"name": "hostile-test", "version": "0"}})
        assert "result" in answer
        await host.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        await body(host)
        assert process.stdin is not None
        await process.stdin.aclose()
        with anyio.fail_after(EXIT_WAIT):
            await process.wait()
    return host


def refused_root_lines(stderr: str, fragment: str) -> list[str]:
    return [line for line in stderr.splitlines() if fragment in line and "cannot read the persona folder" in line]


# ---------------------------------------------------------------- workspace roots


async def test_each_bad_root_is_one_diagnostic_and_the_good_root_keeps_loading_and_reloading(tmp_path: Path) -> None:
    good = tmp_path / "good"
    (good / ".personas").mkdir(parents=True)
    (good / ".personas" / "widget.md").write_text(persona_text("persona-widget", "Version one."), "utf-8")
    vanishing = tmp_path / "vanishing"
    (vanishing / ".personas").mkdir(parents=True)
    (vanishing / ".personas" / "gone.md").write_text(persona_text("persona-gone"), "utf-8")
    loop = tmp_path / "loop"
    loop.symlink_to(loop)  # stat fails with ELOOP: a root nothing can be read from
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("not a folder", "utf-8")
    long_name = tmp_path / ("x" * 300)  # over the 255-byte limit of a file name
    roots = [loop.as_uri(), f"{long_name.as_uri()}", f"{tmp_path.as_uri()}/nul%00byte", a_file.as_uri(),
             vanishing.as_uri(), good.as_uri()]

    async def body(host: RawHost) -> None:
        await host.until(lambda: _has(host, "persona-gone"))
        assert {"persona-widget", "persona-gone"} <= set(await host.names())
        problems = "\n".join(await host.problems())
        assert "Too many levels of symbolic links" in problems
        assert "File name too long" in problems
        assert "NUL character" in problems
        assert "a-file.txt" not in problems  # a root that is a file has no .personas/: nothing to say

        shutil.rmtree(vanishing)
        (good / ".personas" / "widget.md").write_text(persona_text("persona-widget", "Version two, longer."),
                                                      "utf-8")
        await host.until(lambda: _gone_and_edited(host))
        await host.ping_ok()

    host = await host_session(["--no-builtin"], roots, body)
    stderr = host.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr
    assert len(refused_root_lines(stderr, str(loop))) == 1  # logged once, not at every poll
    assert len(refused_root_lines(stderr, "x" * 100)) == 1
    assert len(refused_root_lines(stderr, "nul\\x00byte")) == 1
    assert "vanishing" not in stderr  # a root that goes away is no error


async def _has(host: RawHost, name: str) -> bool:
    return name in await host.names()


async def _gone_and_edited(host: RawHost) -> bool:
    if "persona-gone" in await host.names():
        return False
    answer = await host.call("tools/call", {"name": "get_persona", "arguments": {"name": "widget"}})
    return "Version two" in json.dumps(answer)


def test_a_root_that_is_unreadable_is_a_diagnostic_for_that_root_alone(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every folder whatever its mode")
    good = tmp_path / "good" / ".personas"
    good.mkdir(parents=True)
    (good / "widget.md").write_text(persona_text("persona-widget"), "utf-8")
    locked = tmp_path / "locked"
    (locked / ".personas").mkdir(parents=True)
    locked.chmod(0)
    try:
        source = CatalogSource([])
        source.set_roots([locked, good.parent])
        catalog = source.load()
        assert catalog.names == ["persona-widget"]
        [problem] = catalog.diagnostics
        assert "Permission denied" in problem.message and str(locked) in problem.path
    finally:
        locked.chmod(0o755)


def test_a_missing_personas_folder_given_by_name_is_a_debug_message_not_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    missing = tmp_path / "workspace" / ".personas"  # VS Code's "${workspaceFolder}/.personas"
    caplog.set_level(logging.DEBUG, logger="persona_mcp.catalog")
    catalog = CatalogSource(default_layers([missing], user=False, env="")).load()
    assert len(catalog) == 11 and catalog.diagnostics == []
    said = [r for r in caplog.records if str(missing) in r.getMessage()]
    assert [r.levelno for r in said] == [logging.DEBUG]

    run = subprocess.run([str(SCRIPT), "list", "--personas", str(missing)], capture_output=True, text=True,
                         env=server_env(), timeout=WAIT, check=False)
    assert run.returncode == 0 and "ERROR" not in run.stderr and "11 personas" in run.stdout


def test_a_missing_folder_given_by_name_that_is_not_a_project_folder_is_still_an_error(tmp_path: Path) -> None:
    catalog = CatalogSource(default_layers([tmp_path / "typo"], builtin=False, user=False, env="")).load()
    [problem] = catalog.diagnostics
    assert problem.severity == "error" and "does not exist" in problem.message


# ---------------------------------------------------------------- files that are not persona files


def test_a_symlink_loop_in_a_folder_fails_no_command(tmp_path: Path) -> None:
    folder = tmp_path / "personas"
    folder.mkdir()
    (folder / "widget.md").write_text(persona_text("persona-widget"), "utf-8")
    (folder / "persona-a.md").symlink_to(folder / "persona-a.md")
    (folder / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    run = subprocess.run([str(SCRIPT), "list", "--json", "--personas", str(folder)], capture_output=True, text=True,
                         env=server_env(), timeout=WAIT, check=False)
    assert run.returncode == 0, run.stderr
    names = [p["name"] for p in json.loads(run.stdout)]
    assert "persona-qa" in names  # the other layers load whatever this folder holds
    assert "Traceback" not in run.stderr


def test_a_symlink_loop_drops_only_its_own_file(tmp_path: Path) -> None:
    folder = tmp_path / "personas"
    folder.mkdir()
    (folder / "widget.md").write_text(persona_text("persona-widget"), "utf-8")
    (folder / "persona-a.md").symlink_to(folder / "persona-a.md")
    catalog = CatalogSource([Layer("custom", folder)]).load()
    assert catalog.names == ["persona-widget"]
    [problem] = catalog.diagnostics
    assert problem.path == str(folder / "persona-a.md")


def folder_with_looping_links(tmp_path: Path) -> Path:
    """A persona folder beside links that lead nowhere, under names that are not persona files'."""
    folder = tmp_path / "personas"
    folder.mkdir()
    (folder / "widget.md").write_text(persona_text("persona-widget"), "utf-8")
    (folder / "dira").symlink_to("dirb")
    (folder / "dirb").symlink_to("dira")
    (folder / "loopf").symlink_to("loopf")
    return folder


def test_looping_links_that_are_not_persona_files_do_not_take_the_folder_down(tmp_path: Path) -> None:
    folder = folder_with_looping_links(tmp_path)

    validate = subprocess.run([str(SCRIPT), "validate", str(folder)], capture_output=True, text=True,
                              env=server_env(), timeout=WAIT, check=False)
    listed = subprocess.run([str(SCRIPT), "list", "--json", "--no-builtin", "--personas", str(folder)],
                            capture_output=True, text=True, env=server_env(), timeout=WAIT, check=False)

    assert validate.returncode == 0, validate.stderr
    assert "1 persona(s) valid, 0 error(s)" in validate.stdout + validate.stderr
    assert listed.returncode == 0, listed.stderr
    assert [p["name"] for p in json.loads(listed.stdout)] == ["persona-widget"]
    assert listed.stderr == ""


async def test_a_watched_folder_with_looping_links_still_reloads(tmp_path: Path) -> None:
    folder = folder_with_looping_links(tmp_path)

    async def body(host: RawHost) -> None:
        assert await host.names() == ["persona-widget"]
        (folder / "other.md").write_text(persona_text("persona-other"), "utf-8")
        await host.until(lambda: _has(host, "persona-other"))
        assert await host.problems() == []

    host = await host_session(["--no-builtin", "--personas", str(folder)], [], body)
    assert "Traceback" not in host.stderr.decode("utf-8", "replace")


async def test_pipes_and_proc_links_in_a_watched_folder_are_never_read(tmp_path: Path) -> None:
    folder = tmp_path / "personas"
    folder.mkdir()
    (folder / "widget.md").write_text(persona_text("persona-widget"), "utf-8")
    os.mkfifo(folder / "x.md")  # new when the server starts: its mtime is recent, as in the report
    for fd in (0, 1, 2, 6, 7):  # the server's own stdin, stdout, stderr and whatever else it has open
        (folder / f"evil{fd}.md").symlink_to(f"/proc/self/fd/{fd}")

    async def body(host: RawHost) -> None:
        for _ in range(20):  # every request is answered: none of the server's input is read by the watcher
            await host.ping_ok()
        assert await host.names() == ["persona-widget"]
        (folder / "other.md").write_text(persona_text("persona-other"), "utf-8")
        await host.until(lambda: _has(host, "persona-other"))
        (folder / "x.md").unlink()
        os.mkfifo(folder / "x.md")  # a new pipe while serving is looked at, not opened, too
        (folder / "third.md").write_text(persona_text("persona-third"), "utf-8")
        await host.until(lambda: _has(host, "persona-third"))

    host = await host_session(["--no-builtin", "--personas", str(folder)], [], body)
    assert "Traceback" not in host.stderr.decode("utf-8", "replace")


# ---------------------------------------------------------------- reload work


async def test_a_docs_folder_reload_logs_only_the_new_problem(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for index in range(300):
        (docs / f"page-{index:03}.md").write_text(f"# Page {index}\n\nDocumentation.\n", "utf-8")
    (docs / "widget.md").write_text(persona_text("persona-widget"), "utf-8")
    source = CatalogSource([Layer("custom", docs)])
    server = build_server(source.load())
    caplog.set_level(logging.WARNING, logger="persona_mcp.catalog")
    async with live_catalog(server, source, interval=3600) as live:  # reloaded by hand below, not by polling
        (docs / "widget.md").write_text("# Widget\n\nNo frontmatter any more, and longer.\n", "utf-8")
        with anyio.fail_after(WAIT):
            assert await live.reload()
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("persona_mcp")]
    assert len(logged) == 2, logged  # the widget's error and "kept the last good version", not 300 old ones
    assert all("widget.md" in line for line in logged)
    assert server.catalog.names == ["persona-widget"]


class HangingSource(CatalogSource):
    """A source whose look at the disk hangs while `hang` is set, as on a network mount that stopped answering."""

    def __init__(self, layers: list[Layer]) -> None:
        super().__init__(layers)
        self.hang = False
        self.release = threading.Event()

    def fingerprint(self) -> tuple[object, ...]:
        if self.hang:
            self.release.wait(WAIT)
        return super().fingerprint()


async def test_a_look_at_the_disk_that_hangs_is_abandoned_and_watching_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    (tmp_path / "widget.md").write_text(persona_text("persona-widget"), "utf-8")
    source = HangingSource([Layer("custom", tmp_path)])
    server = build_server(source.load())
    caplog.set_level(logging.WARNING, logger="persona_mcp.live")

    def warned() -> bool:
        return any("took over 0.2 s" in r.getMessage() for r in caplog.records)

    async with live_catalog(server, source, interval=0.05, look_timeout=0.2) as live, \
            mcp.Client(server, mode="legacy") as client:
        source.hang = True
        with anyio.fail_after(WAIT):
            while not warned():
                await client.list_tools()  # the event loop answers while the look hangs in its thread
                # A pause between calls: calls back to back keep the event loop's thread busy, and the watcher's
                # thread then waits for the interpreter lock at each of its system calls (see test_reload).
                await anyio.sleep(0.01)
        assert [p.name for p in (await client.list_prompts()).prompts] == ["widget"]
        source.hang = False
        source.release.set()
        (tmp_path / "other.md").write_text(persona_text("persona-other"), "utf-8")
        with anyio.fail_after(WAIT):
            while "persona-other" not in server.catalog.names:
                await client.list_tools()
                await anyio.sleep(0.01)
        assert live.reloads >= 1


def test_only_the_first_workspace_roots_are_used(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    roots = [tmp_path / f"root-{index:03}" for index in range(MAX_ROOTS + 10)]
    source = CatalogSource([])
    caplog.set_level(logging.WARNING, logger="persona_mcp.catalog")
    assert source.set_roots(roots)
    assert source.roots == tuple(roots[:MAX_ROOTS])
    assert not source.set_roots(roots)  # the same roots again: no change, and nothing said again
    assert len([r for r in caplog.records if "workspace roots" in r.getMessage()]) == 1


async def test_the_first_catalog_is_loaded_off_the_event_loop(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for index in range(3000):  # slow to load: every file is read, and each is a problem
        (docs / f"page-{index:04}.md").write_text(f"# Page {index}\n\nDocumentation.\n", "utf-8")

    async def body(host: RawHost) -> None:
        # Sent at once: the listing needs the catalog, ping does not, and is answered while the catalog loads.
        await host.send({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                         "params": {"name": "list_personas", "arguments": {}}})
        await host.send({"jsonrpc": "2.0", "id": 2, "method": "ping"})
        with anyio.fail_after(WAIT):
            while not {1, 2} <= set(host.answers):
                await host.ping_ok()
        assert list(host.answers).index(2) < list(host.answers).index(1)
        assert "persona-qa" in json.dumps(host.answers[1])

    await host_session(["--personas", str(docs)], [], body)


async def test_a_first_look_that_hangs_does_not_hold_up_the_server(tmp_path: Path) -> None:
    (tmp_path / "widget.md").write_text(persona_text("persona-widget"), "utf-8")
    source = HangingSource([Layer("custom", tmp_path)])
    server = build_server(source.load())
    source.hang = True
    try:
        with anyio.fail_after(WAIT):
            async with live_catalog(server, source, interval=0.05, look_timeout=0.2), \
                    mcp.Client(server, mode="legacy") as client:
                assert [p.name for p in (await client.list_prompts()).prompts] == ["widget"]
    finally:
        source.release.set()
