"""stdio: the SDK's `stdio_server()` plus what it lacks (mcp 2.3), each with where it would go upstream.

1. Error replies to lines it cannot use: -32700 not JSON; -32600 not JSON-RPC, over MAX_LINE_BYTES
   (dropped as it comes), or an id that is no string or integer (the SDK takes it for a notification);
   `persona_mcp.jsonrpc.screen` tells them.
   Upstream: stdio_server's stdin_reader, where it parses a line and sends its exception on.
2. Requests in flight when stdin closes are answered (DRAIN_SECONDS at most) before the server hears
   of the end. Upstream: the dispatcher letting its handlers finish at end of input.
Past MAX_IN_FLIGHT unanswered requests no input is read: a host that stops reading stdout is held back
by the pipe, and dropped (the reason logged) if it then reads nothing for STALL_SECONDS, or after the
input ended. SIGINT/SIGTERM end the input as EOF does; a second one stops at once. The SDK runs our
file objects in worker threads, which poll to see a stop; `_claim` diverts fds 0 and 1 as the SDK would.
"""

from __future__ import annotations

import io
import logging
import os
import select
import signal
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from typing import IO, Any, cast

import anyio
import anyio.from_thread
import mcp_types as types
from anyio import CancelScope
from anyio.abc import ObjectReceiveStream, ObjectSendStream
from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server
from mcp.shared.message import ServerMessageMetadata, SessionMessage

from persona_mcp.jsonrpc import error_message, screen
from persona_mcp.sdk_seams import run_server

logger = logging.getLogger(__name__)

MAX_LINE_BYTES = 8 * 1024 * 1024  # above any request within the tools' bounds, even fully escaped
MAX_IN_FLIGHT = 64  # requests handed to the server and not yet answered (64 select answers are ~4 MB)
DRAIN_SECONDS = 10.0  # how long requests in flight at end of input may take
STALL_SECONDS = 3.0  # how long a held-back or finished host may leave its answers unread
_POLL = 0.2  # seconds between two looks at the stop flags while a worker thread waits on the wire
_POSIX = sys.platform != "win32"  # on Windows, select() cannot wait on pipes: reads and writes block


class _Lines(io.TextIOBase):
    """stdin as the lines the SDK can use; the others are answered here, from the SDK's reader thread."""

    def __init__(self, fd: int, limit: int) -> None:
        self.fd, self.limit, self.buffer, self.scanned = fd, limit, bytearray(), 0
        self.ended = False  # end of input, or a stop
        self.replies: ObjectSendStream[SessionMessage] | None = None  # the SDK's write stream, once open

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]  # a text file's readline
        while (line := self._line()) != b"":
            problem = screen(line, self.limit) if line is None or line.strip() else None
            if problem is None and line is not None and line.strip():
                return line.decode("utf-8")
            if problem is not None and self.replies is not None:
                logger.warning("stdin: %s", problem[1])
                error = error_message(problem)
                with suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
                    anyio.from_thread.run(self.replies.send, SessionMessage(error))
        return ""

    def _line(self) -> bytes | None:
        """The next line (b"" at the end), or None for an over-long one, whose bytes are dropped as they come."""
        skipping = False
        while True:
            end = self.buffer.find(b"\n", self.scanned)
            if end >= 0:
                line, self.scanned = bytes(self.buffer[:end + 1]), 0
                del self.buffer[:end + 1]
                return None if skipping or end > self.limit else line
            skipping = skipping or len(self.buffer) > self.limit
            if skipping:
                self.buffer.clear()
            if self.ended:
                rest, self.scanned = bytes(self.buffer), 0
                self.buffer.clear()
                return None if skipping else rest
            self.scanned = len(self.buffer)
            while not self.ended and _POSIX and not select.select([self.fd], [], [], _POLL)[0]:
                pass
            chunk = b"" if self.ended else os.read(self.fd, 65536)
            self.ended = self.ended or not chunk
            self.buffer += chunk


class _Sink(io.TextIOBase):
    """stdout for the SDK's writer thread; gives up on a host that stalls when it must not (see the top)."""

    def __init__(self, fd: int, must_flow: Callable[[], bool]) -> None:
        self.fd, self.must_flow, self.abandon = fd, must_flow, False

    def write(self, text: str) -> int:
        view, stalled = memoryview(text.encode("utf-8")), time.monotonic()
        while view:
            if not _POSIX or select.select([], [self.fd], [], _POLL)[1]:
                view, stalled = view[os.write(self.fd, view[:select.PIPE_BUF if _POSIX else None]):], time.monotonic()
            elif self.abandon or (self.must_flow() and time.monotonic() - stalled > STALL_SECONDS):
                raise BrokenPipeError(f"the host has not read its answers for {STALL_SECONDS:.0f} s")
        return len(text)


async def serve_stdio(server: MCPServer[Any], *, max_line_bytes: int = MAX_LINE_BYTES,
                      max_in_flight: int = MAX_IN_FLIGHT, drain_seconds: float = DRAIN_SECONDS) -> None:
    """Serve `server` over stdin and stdout until stdin closes or a signal asks to stop."""
    slots = anyio.Semaphore(max_in_flight)  # one taken per request handed to the server, given back by its answer
    input_ended = anyio.Event()
    to_server, server_read = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    server_write, from_server = anyio.create_memory_object_stream[SessionMessage](0)

    async def unanswered() -> None:  # a request settled without an answer (cancelled): its slot is free
        slots.release()

    async def relay_in(sdk_read: ObjectReceiveStream[SessionMessage | Exception]) -> None:
        async with to_server:  # closing it tells the server the input is over
            async for item in sdk_read:
                if isinstance(item, Exception):  # screened lines parse: only an SDK change gets here
                    logger.warning("stdin: the SDK could not read a line: %s", item)
                    continue
                if isinstance(item.message, types.JSONRPCRequest):
                    await slots.acquire()
                    item.metadata = ServerMessageMetadata(on_request_unanswered=unanswered)
                await to_server.send(item)
            input_ended.set()
            back = 0
            with anyio.move_on_after(drain_seconds):  # every slot back: every request answered
                while back < max_in_flight:
                    await slots.acquire()
                    back += 1
            if back < max_in_flight:
                logger.warning("stdin closed; %d request(s) unanswered after %.0f s", max_in_flight - back,
                               drain_seconds)

    async def on_signals(lines: _Lines, sink: _Sink, scope: CancelScope) -> None:
        with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            async for signum in signals:
                sink.abandon, lines.ended = lines.ended, True  # a second one (or one after EOF) stops at once
                logger.warning("%s: stopping%s", signal.Signals(signum).name,
                               " now" if sink.abandon else "; requests in flight are answered first")
                if sink.abandon:
                    scope.cancel()

    # The wire on private descriptors; fds 0 and 1 point at the null device and stderr meanwhile, so that
    # a stray print or a child process cannot reach it (explicit streams skip the SDK's own claim).
    in_fd, out_fd, devnull = os.dup(0), os.dup(1), os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    os.close(devnull)
    lines, sink = _Lines(in_fd, max_line_bytes), _Sink(out_fd, lambda: input_ended.is_set() or not slots.value)
    try:
        async with stdio_server(anyio.wrap_file(cast(IO[str], lines)), anyio.wrap_file(cast(IO[str], sink))) \
                as (sdk_read, sdk_write), anyio.create_task_group() as tg:
            lines.replies = sdk_write  # before any await, so before the SDK reads a line
            tg.start_soon(relay_in, sdk_read)
            tg.start_soon(run_server, server, server_read, server_write)  # it closes server_write at the end
            if _POSIX:
                tg.start_soon(on_signals, lines, sink, tg.cancel_scope)
            async with sdk_write, from_server:  # the relay out; closing sdk_write ends the SDK's writer
                async for item in from_server:
                    if isinstance(item.message, types.JSONRPCResponse | types.JSONRPCError):
                        slots.release()  # the server answers requests only (bad lines are answered above)
                    await sdk_write.send(item)
            tg.cancel_scope.cancel()
    except* OSError as failed:  # the host closed stdout, or stopped reading it
        logger.warning("stdout: cannot write (%s); the connection is dropped", failed.exceptions[0])
    except* anyio.BrokenResourceError:  # the SDK's writer stopped on that error: said above
        pass
    finally:
        os.dup2(in_fd, 0)
        os.dup2(out_fd, 1)
        os.close(in_fd)
        os.close(out_fd)
