"""Hot reload: watch every catalog layer, swap the server's catalog on a change, and tell the hosts.

The layers are polled with `stat`, not watched with inotify/FSEvents: a scan of the eleven built-ins
costs about 0.1 ms, a poll every 0.25 s keeps changes well inside a second, and polling sees folders
that do not exist yet (the user folder, a new `.personas/`), follows workspace roots without
re-arming watches, and works on network and container file systems where native watches do not.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread

from persona_mcp.catalog import Catalog, CatalogSource, log_diagnostic
from persona_mcp.server import PersonaServer

logger = logging.getLogger(__name__)

POLL_INTERVAL = 0.25  # seconds between two looks at the layer folders
SETTLE_STEP = 0.1  # a burst of writes is over when two looks this far apart agree
SETTLE_MAX = 1.0  # ... or after this long, whatever the files are still doing
SCAN_SHARE = 0.05  # a huge catalog is polled less often, so that scanning takes at most 5% of the time


class LiveCatalog:
    """Keeps `server.catalog` in step with the files of `source`; see `live_catalog`."""

    def __init__(self, server: PersonaServer, source: CatalogSource, *, interval: float = POLL_INTERVAL) -> None:
        self.server = server
        self.source = source
        self.interval = interval
        self.reloads = 0
        self.last_reload_seconds = 0.0
        self._lock = anyio.Lock()
        self._wake = anyio.Event()
        self._fingerprint: tuple[object, ...] | None = None
        self.delay = interval  # the interval in force: longer when a scan is slow

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
            catalog: Catalog = await anyio.to_thread.run_sync(self.source.load)
            old = self.server.catalog
            if catalog.content == old.content and catalog.diagnostics == old.diagnostics:
                return False
            self.server.catalog = catalog  # the one swap: requests read either the old catalog or this one
            self.reloads += 1
            self.last_reload_seconds = time.perf_counter() - started
            for diagnostic in catalog.diagnostics:
                if diagnostic not in old.diagnostics:
                    log_diagnostic(diagnostic)
            logger.info("catalog reloaded in %.1f ms: %d personas, %d problems", self.last_reload_seconds * 1e3,
                        len(catalog), len(catalog.diagnostics))
            if catalog.content != old.content:
                await self.server.announce_catalog_change()
            return True

    async def run(self, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Poll until cancelled. Started by `live_catalog`; `task_status` reports when watching began."""
        async with anyio.create_task_group() as fetches:
            self.server.hosts.on_change = self.wake
            try:
                self._fingerprint = await anyio.to_thread.run_sync(self.source.fingerprint)
                if self.server.catalog_loaded:
                    await self.reload()  # files may have changed since the server's first catalog was loaded
                task_status.started()
                while True:
                    with anyio.move_on_after(self.delay):
                        await self._wake.wait()
                    self._wake = anyio.Event()
                    for connection in self.server.hosts.take_pending():
                        fetches.start_soon(self.server.hosts.fetch_roots, connection)
                    try:
                        await self._poll()
                    except Exception:  # the watcher's top level: a bad look at the disk must not stop watching
                        logger.exception("persona reload failed; the server keeps the catalog it has")
            finally:
                self.server.hosts.on_change = lambda: None
                fetches.cancel_scope.cancel()

    async def _poll(self) -> None:
        roots_changed = self.source.set_roots(self.server.hosts.roots())
        started = time.perf_counter()
        fingerprint = await anyio.to_thread.run_sync(self.source.fingerprint)
        self.delay = max(self.interval, (time.perf_counter() - started) / SCAN_SHARE)
        if fingerprint == self._fingerprint and not roots_changed:
            return
        # Debounce: editors save in bursts (write a temporary file, rename, touch); reload once it is over.
        deadline = time.monotonic() + SETTLE_MAX
        while time.monotonic() < deadline:
            await anyio.sleep(SETTLE_STEP)
            again = await anyio.to_thread.run_sync(self.source.fingerprint)
            if again == fingerprint:
                break
            fingerprint = again
        self._fingerprint = fingerprint
        if self.server.catalog_loaded:
            await self.reload()
        else:
            # Nothing served yet (the server loads its catalog at the first request that needs one):
            # hosts only need to hear that there is something new to list.
            await self.server.announce_catalog_change()


@asynccontextmanager
async def live_catalog(
    server: PersonaServer, source: CatalogSource, *, interval: float = POLL_INTERVAL,
) -> AsyncIterator[LiveCatalog]:
    """Hot-reload `server.catalog` from `source` while the block runs, whatever the transport.

    Every layer folder of `source` (built-in, user, env, --personas, and the `.personas/` of the
    workspace roots that handshake-era hosts report) is looked at every `interval` seconds. A
    created, edited, renamed or deleted persona file, or a folder that appears or goes, leads to a
    reload once the burst of writes settles: only changed files are parsed again, the index is built
    once, the new catalog is swapped in whole, and connected hosts get `list_changed` for prompts and
    resources. A file that stops validating keeps its last good persona (see `CatalogSource`).

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
    live = LiveCatalog(server, source, interval=interval)
    async with anyio.create_task_group() as tg:
        await tg.start(live.run)
        try:
            yield live
        finally:
            tg.cancel_scope.cancel()


async def serve_stdio(server: PersonaServer, source: CatalogSource) -> None:
    """Serve MCP over stdio with a live catalog, until the host closes stdin."""
    async with live_catalog(server, source):
        await server.run_stdio_async()
