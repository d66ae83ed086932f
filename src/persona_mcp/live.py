"""Hot reload: watch every catalog layer, swap the server's catalog on a change, and tell the hosts.

The layers are polled with `stat`, not watched with inotify/FSEvents: a scan of the eleven built-ins
costs about 0.1 ms, a poll every 0.25 s keeps changes well inside a second, and polling sees folders
that do not exist yet (the user folder, a new `.personas/`), follows workspace roots without
re-arming watches, and works on network and container file systems where native watches do not.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import TypeVar

import anyio
import anyio.to_thread

from persona_mcp.catalog import Catalog, CatalogSource, log_diagnostic
from persona_mcp.hosts import ROOTS_WAIT
from persona_mcp.model import Diagnostic
from persona_mcp.server import PersonaServer

logger = logging.getLogger(__name__)

POLL_INTERVAL = 0.25  # seconds between two looks at the layer folders
SETTLE_STEP = 0.1  # a burst of writes is over when two looks this far apart agree
SETTLE_MAX = 1.0  # ... or after this long, whatever the files are still doing
SCAN_SHARE = 0.05  # a huge catalog is polled less often, so that scanning takes at most 5% of the time
LOOK_TIMEOUT = 30.0  # seconds a look at the disk (scan or load) may take before the watcher stops waiting
YOUNG_OBJECTS = 10_000  # the cyclic garbage collector's first threshold while serving (Python's default: 700)

T = TypeVar("T")


class TooSlow(Exception):
    """A look at the disk took over LOOK_TIMEOUT: its thread is left to finish, and none starts before it has."""


@dataclass(frozen=True)
class Change:
    """A reloaded catalog that differs from the one in force, and how."""

    catalog: Catalog
    new_problems: list[Diagnostic]
    content_changed: bool


def load_change(source: CatalogSource, old: Catalog) -> Change | None:
    """Load `source` again and say how the result differs from `old`; None when it does not.

    Runs in a worker thread: the load, the comparisons and the new catalog's listing all grow with the
    files and their diagnostics (linearly: the old diagnostics are looked up in a set), and none of
    that may hold up the event loop.
    """
    catalog = source.load()
    if catalog is old:
        return None
    same_content = catalog.content == old.content
    if same_content and catalog.diagnostics == old.diagnostics:
        return None
    known = set(old.diagnostics)
    catalog.listing()  # built here rather than by the first request that lists the personas
    return Change(catalog, [d for d in catalog.diagnostics if d not in known], not same_content)


class LiveCatalog:
    """Keeps `server.catalog` in step with the files of `source`; see `live_catalog`."""

    def __init__(self, server: PersonaServer, source: CatalogSource, *, interval: float = POLL_INTERVAL,
                 look_timeout: float = LOOK_TIMEOUT, roots_wait: float = ROOTS_WAIT) -> None:
        self.server = server
        self.source = source
        self.interval = interval
        self.look_timeout = look_timeout
        self.roots_wait = roots_wait
        self.reloads = 0
        self.last_reload_seconds = 0.0
        self._lock = anyio.Lock()
        self._wake = anyio.Event()
        self._fingerprint: tuple[object, ...] | None = None
        self.delay = interval  # the interval in force: longer when a scan is slow
        self._straggler: threading.Event | None = None  # set when a look that took too long is over
        self._last_failure = ""

    def wake(self) -> None:
        """Look at the files and the hosts' roots now rather than at the next poll."""
        self._wake.set()

    async def reload(self) -> bool:
        """Load the catalog again (re-parsing only changed files) and swap it in if anything differs.

        Returns True when the catalog was replaced. Hosts are told when what they see (the personas
        and their files) changed, not when only the reported problems did.
        """
        async with self._lock:
            started = time.perf_counter()
            old = self.server.catalog
            change = await self.in_thread(lambda: load_change(self.source, old))
            if change is None:
                return False
            catalog = change.catalog
            self.server.catalog = catalog  # the one swap: requests read either the old catalog or this one
            self.reloads += 1
            self.last_reload_seconds = time.perf_counter() - started
            for diagnostic in change.new_problems:
                log_diagnostic(diagnostic)
            logger.info("catalog reloaded in %.1f ms: %d personas, %d problems", self.last_reload_seconds * 1e3,
                        len(catalog), len(catalog.diagnostics))
            if change.content_changed:
                await self.server.announce_catalog_change()
            return True

    async def in_thread(self, look: Callable[[], T]) -> T:
        """Run a look at the disk in a worker thread, for LOOK_TIMEOUT at most (then TooSlow).

        A look that takes too long (a hung network mount, say) is abandoned, not interrupted: it goes on
        in its thread, and no other look starts until it is over. Shutdown never waits for it.
        """
        if self._straggler is not None:
            if not self._straggler.is_set():
                raise TooSlow
            self._straggler = None
        over = threading.Event()

        def look_and_tell() -> T:
            try:
                return look()
            finally:
                over.set()

        with anyio.move_on_after(self.look_timeout):
            return await anyio.to_thread.run_sync(look_and_tell, abandon_on_cancel=True)
        self._straggler = over
        logger.warning("a look at the persona folders took over %g s; the server keeps its catalog and looks "
                       "again once that one is over", self.look_timeout)
        raise TooSlow

    async def run(self, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Poll until cancelled. Started by `live_catalog`; `task_status` reports when watching began."""
        hosts = self.server.hosts
        async with anyio.create_task_group() as fetches:
            hosts.on_change = self.wake
            hosts.followed = True
            hosts.roots_wait = self.roots_wait
            try:
                try:
                    self._fingerprint = await self.in_thread(self.source.fingerprint)
                    if self.server.catalog_loaded:
                        await self.reload()  # files may have changed since the server's first catalog was loaded
                except TooSlow:
                    pass  # said when it happened; the polls below look again
                except Exception as exc:  # a first look that fails must not keep the server from serving
                    self._report_failure(exc)
                task_status.started()
                while True:
                    with anyio.move_on_after(self.delay):
                        await self._wake.wait()
                    self._wake = anyio.Event()
                    for connection in hosts.take_pending():
                        fetches.start_soon(hosts.fetch_roots, connection)
                    try:
                        await self._poll()
                    except TooSlow:
                        pass  # said when it happened; the next poll looks again once that look is over
                    except Exception as exc:  # the watcher's top level: a bad look at the disk must not stop watching
                        self._report_failure(exc)
            finally:
                hosts.on_change = lambda: None
                hosts.followed = False
                hosts.release_all()
                fetches.cancel_scope.cancel()

    def _report_failure(self, exc: Exception) -> None:
        # The same failure at every poll is logged in full once, not four times a second.
        failure = f"{type(exc).__name__}: {exc}"
        if failure == self._last_failure:
            logger.debug("persona reload failed again: %s", failure)
            return
        self._last_failure = failure
        logger.exception("persona reload failed; the server keeps the catalog it has")

    async def _poll(self) -> None:
        """Look at the files and apply the hosts' roots; the hosts whose roots came in are settled after it,
        whatever it found (a failed look was logged, and their requests wait no longer for it)."""
        answered = self.server.hosts.take_answered()
        try:
            await self._look()
        finally:
            self.server.hosts.settle(answered)

    async def _look(self) -> None:
        roots_changed = self.source.set_roots(self.server.hosts.roots())
        started = time.perf_counter()
        fingerprint = await self.in_thread(self.source.fingerprint)
        self.delay = max(self.interval, (time.perf_counter() - started) / SCAN_SHARE)
        changed = fingerprint != self._fingerprint or roots_changed
        if not self.server.catalog_loaded:
            await self._first_load(fingerprint)
            if changed:  # hosts that connected before the change hear of it, as after a reload
                await self.server.announce_catalog_change()
            return
        if not changed:
            return
        # Debounce: editors save in bursts (write a temporary file, rename, touch); reload once it is over. New roots
        # came from the host, not from a burst of writes, and requests may be waiting for them: no waiting then.
        deadline = time.monotonic() + (0 if roots_changed else SETTLE_MAX)
        while time.monotonic() < deadline:
            await anyio.sleep(SETTLE_STEP)
            again = await self.in_thread(self.source.fingerprint)
            if again == fingerprint:
                break
            fingerprint = again
        self._fingerprint = fingerprint
        await self.reload()
        self._last_failure = ""

    async def _first_load(self, fingerprint: tuple[object, ...]) -> None:
        """Load the server's first catalog in a worker thread, unless a request needed it first.

        A server built with a loader (stdio) answers the handshake and `tools/list` without the persona
        files; the catalog is loaded here, at the first poll, so that requests find it ready.
        """

        def load() -> Catalog:
            catalog = self.source.load()
            catalog.listing()
            return catalog

        catalog = await self.in_thread(load)
        self._fingerprint = fingerprint  # taken before the load: a change made during it is seen next time
        if not self.server.catalog_loaded:
            self.server.catalog = catalog
            for diagnostic in catalog.diagnostics:
                log_diagnostic(diagnostic)
            logger.info("catalog loaded: %d personas, %d problems", len(catalog), len(catalog.diagnostics))


@asynccontextmanager
async def live_catalog(
    server: PersonaServer, source: CatalogSource, *, interval: float = POLL_INTERVAL,
    look_timeout: float = LOOK_TIMEOUT, roots_wait: float = ROOTS_WAIT,
) -> AsyncIterator[LiveCatalog]:
    """Hot-reload `server.catalog` from `source` while the block runs, whatever the transport.

    Every layer folder of `source` (built-in, user, env, --personas, and the `.personas/` of the
    workspace roots that handshake-era hosts report) is looked at every `interval` seconds. A
    created, edited, renamed or deleted persona file, or a folder that appears or goes, leads to a
    reload once the burst of writes settles: only changed files are parsed again, the index is built
    once, the new catalog is swapped in whole, and connected hosts get `list_changed` for prompts and
    resources. A file that stops validating keeps its last good persona (see `CatalogSource`). A host
    that announces roots has its requests that read the catalog wait for their project layer, for
    `roots_wait` seconds at most (see `Hosts`).

    stdio::

        async with live_catalog(server, source):
            await server.run_stdio_async()

    streamable HTTP, in the ASGI app's lifespan::

        @asynccontextmanager
        async def lifespan(app: Starlette) -> AsyncIterator[None]:
            async with live_catalog(server, source), server.session_manager.run():
                yield

    The server should have been built from `source.load()`; on entry the catalog is checked once
    more, so a change made while the server was starting is not missed.
    """
    live = LiveCatalog(server, source, interval=interval, look_timeout=look_timeout, roots_wait=roots_wait)
    with collector_for_serving():
        async with anyio.create_task_group() as tg:
            await tg.start(live.run)
            try:
                yield live
            finally:
                tg.cancel_scope.cancel()


@contextmanager
def collector_for_serving() -> Iterator[None]:
    """Run Python's cyclic garbage collector less often while the block runs (YOUNG_OBJECTS), as before after.

    A `select_persona` call at 1,000 personas holds a few thousand objects at once, all freed by
    reference counting when it returns. At the default threshold the collector ran about twice inside
    every call and walked them (about 1 ms of a call of 7 to 10 ms over stdio), and every ~200 calls it
    walked the whole heap (0.4 to 0.5 s at 1,000 personas). At YOUNG_OBJECTS it did not run once in
    200 such calls; the few garbage cycles the server makes wait a little longer to be freed.
    """
    previous = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


async def serve_stdio(server: PersonaServer, source: CatalogSource) -> None:
    """Serve MCP over stdio with a live catalog, until the host closes stdin."""
    async with live_catalog(server, source):
        await server.run_stdio_async()
