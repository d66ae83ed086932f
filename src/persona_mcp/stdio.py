"""The stdio transport: bounded JSON-RPC lines in, answers out, and no answer lost when stdin closes.

The SDK's own stdio transport drops requests still in flight when stdin reaches its end, stays
silent on lines that are not JSON-RPC, and reads a line of any length. This one answers every line
it cannot use with a JSON-RPC error (-32700 parse error, -32600 invalid request), caps the length
of a line, and on end of input waits (for a bounded time) until every request it handed to the
server has been answered before it reports the end to the server.

While it serves, fd 1 points at stderr and fd 0 at the null device, so a stray print or a child
process cannot reach the wire; both are restored on exit.

When the wire is a pipe or a socket (the way hosts start a server), the event loop polls it and
reads and writes it without blocking; a regular file, a terminal, or any stream on Windows is
served by blocking calls in a worker thread instead.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import IO, Any, Self

import anyio
import anyio.to_thread
from mcp.shared.message import ServerMessageMetadata, SessionMessage
from mcp_types import (
    INVALID_REQUEST,
    PARSE_ERROR,
    ErrorData,
    JSONRPCError,
    JSONRPCMessage,
    JSONRPCRequest,
    JSONRPCResponse,
    RequestId,
    jsonrpc_message_adapter,
)
from pydantic import ValidationError

if sys.platform != "win32":
    import fcntl

logger = logging.getLogger(__name__)

MAX_LINE_BYTES = 8 * 1024 * 1024
"""The longest JSON-RPC line accepted: above any request within the tools' bounds, even fully escaped."""
DRAIN_SECONDS = 10.0
"""How long requests in flight at end of input may take to answer before the transport gives up on them."""
_CHUNK = 64 * 1024


class _Wire:
    """The process's stdin and stdout as private descriptors, with fds 0 and 1 diverted while serving."""

    def __init__(self) -> None:
        self.restore: list[Callable[[], None]] = []
        self.reader: IO[bytes] = sys.stdin.buffer
        self.writer: IO[bytes] = sys.stdout.buffer
        if sys.platform == "win32":  # pragma: no cover - Windows serves the std handles in place
            return
        try:
            self.reader = self._claim(0, os.O_RDONLY, "rb")
            self.writer = self._claim(1, os.O_WRONLY, "wb")
        except OSError as exc:  # a closed or odd descriptor: serve the std streams in place
            logger.debug("serving stdio in place: %s", exc)

    def _claim(self, fd: int, mode: int, file_mode: str) -> IO[bytes]:
        private = os.dup(fd)
        diversion = os.dup(2) if fd == 1 else os.open(os.devnull, mode)
        os.dup2(diversion, fd)
        os.close(diversion)

        def restore() -> None:
            with suppress(OSError):
                os.dup2(private, fd)

        self.restore.append(restore)
        # Reads are buffered (a raw file's readline makes one system call per byte); writes are not,
        # since every message is written whole and flushed at once.
        stream: IO[bytes] = os.fdopen(private, file_mode, buffering=-1 if fd == 0 else 0)
        return stream

    def close(self) -> None:
        for restore in reversed(self.restore):
            restore()


def read_line(reader: IO[bytes], limit: int) -> tuple[bytes, bool]:
    """One line of at most `limit` bytes (b"" at end of input), and whether a longer line was cut off.

    The rest of an over-long line is read and thrown away, so memory stays bounded by `limit`.
    """
    line = reader.readline(limit + 1)
    if len(line) <= limit or line.endswith(b"\n"):
        return line, False
    while line and not line.endswith(b"\n"):
        line = reader.readline(_CHUNK)
    return b"", True


class _ThreadedReader:
    """Lines from a blocking binary file, each read in a worker thread (regular files, terminals, Windows)."""

    def __init__(self, source: IO[bytes], limit: int) -> None:
        self.source = source
        self.limit = limit

    async def read_line(self) -> tuple[bytes, bool]:
        return await anyio.to_thread.run_sync(read_line, self.source, self.limit, abandon_on_cancel=True)

    def close(self) -> None:
        pass


class _ThreadedWriter:
    """Whole messages to a blocking binary file, each written in a worker thread."""

    def __init__(self, sink: IO[bytes]) -> None:
        self.sink = sink

    async def write(self, data: bytes) -> None:
        await anyio.to_thread.run_sync(_write, self.sink, data)

    def close(self) -> None:
        pass


class _NonBlocking:
    """A pipe or socket descriptor switched to non-blocking mode, served by the event loop.

    A thread hop per message costs the round trip far more than the I/O itself: the worker has to
    win the GIL from the event loop and hand the result back. Polling the descriptor from the loop
    needs neither. The descriptor's original flags come back on close, since the open file
    description may be shared with the host.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, self.flags | os.O_NONBLOCK)

    def close(self) -> None:
        with suppress(OSError):
            fcntl.fcntl(self.fd, fcntl.F_SETFL, self.flags)


class _PollingReader(_NonBlocking):
    """Lines of at most `limit` bytes from a non-blocking descriptor, split out of a buffer of our own.

    The same contract as `read_line`: (line with its newline, False); (b"", True) for a line that was
    over the limit, whose bytes are dropped as they arrive so memory stays bounded; (rest, False) for
    a last line without a newline; (b"", False) at end of input.
    """

    def __init__(self, fd: int, limit: int) -> None:
        super().__init__(fd)
        self.limit = limit
        self.buffer = bytearray()
        self.scanned = 0  # bytes of the buffer already known to hold no newline
        self.skipping = False  # dropping the rest of an over-long line
        self.eof = False

    async def read_line(self) -> tuple[bytes, bool]:
        while True:
            end = self.buffer.find(b"\n", self.scanned)
            if end >= 0:
                line = bytes(self.buffer[:end + 1])
                del self.buffer[:end + 1]
                self.scanned = 0
                if self.skipping:
                    self.skipping = False
                    return b"", True
                if end > self.limit:
                    return b"", True
                return line, False
            self.scanned = len(self.buffer)
            if self.skipping or self.scanned > self.limit:  # no newline within the limit: drop what came
                self.buffer.clear()
                self.scanned = 0
                self.skipping = True
            if self.eof:
                rest, cut = bytes(self.buffer), self.skipping
                self.buffer.clear()
                self.scanned = 0
                self.skipping = False
                return (b"", True) if cut else (rest, False)
            await self._fill()

    async def _fill(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, _CHUNK)
            except BlockingIOError:
                await anyio.wait_readable(self.fd)
                continue
            if not chunk:
                self.eof = True
            self.buffer += chunk
            return


class _PollingWriter(_NonBlocking):
    """Whole messages to a non-blocking descriptor; a full pipe waits on the loop, not in a thread."""

    async def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                written = os.write(self.fd, view)
            except BlockingIOError:
                await anyio.wait_writable(self.fd)
                continue
            view = view[written:]


def _pollable(stream: IO[bytes]) -> int | None:
    """The descriptor behind `stream` if the event loop can poll it (a pipe or a socket on POSIX), else None."""
    if sys.platform == "win32":  # pragma: no cover - the proactor loop cannot poll pipes
        return None
    try:
        fd = stream.fileno()
        mode = os.fstat(fd).st_mode
    except (AttributeError, OSError, ValueError):  # no descriptor (an in-memory file) or a closed one
        return None
    return fd if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) else None


def _line_reader(source: IO[bytes], limit: int) -> _ThreadedReader | _PollingReader:
    fd = _pollable(source)
    return _ThreadedReader(source, limit) if fd is None else _PollingReader(fd, limit)


def _message_writer(sink: IO[bytes]) -> _ThreadedWriter | _PollingWriter:
    fd = _pollable(sink)
    return _ThreadedWriter(sink) if fd is None else _PollingWriter(fd)


def error_reply(code: int, message: str, id_: RequestId | None = None) -> SessionMessage:
    return SessionMessage(JSONRPCError(jsonrpc="2.0", id=id_, error=ErrorData(code=code, message=message)))


def decode(line: bytes) -> SessionMessage | JSONRPCError:
    """A wire line as a message for the server, or the error to answer it with."""
    try:
        return SessionMessage(jsonrpc_message_adapter.validate_json(line, by_name=False))
    except ValidationError as exc:
        invalid_json = [e for e in exc.errors() if e["type"] == "json_invalid"]
    if invalid_json:  # includes invalid UTF-8 and lone surrogates, which json.loads would let through
        detail = invalid_json[0]["ctx"].get("error", "") if "ctx" in invalid_json[0] else ""
        return _error(PARSE_ERROR, f"Parse error: the line is not valid JSON ({detail or invalid_json[0]['msg']})")
    try:
        data: Any = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return _error(PARSE_ERROR, f"Parse error: the line is not valid JSON ({exc})")
    if isinstance(data, list):
        return _error(INVALID_REQUEST, "Invalid Request: JSON-RPC batches are not supported; send one message a line")
    if not isinstance(data, dict):
        return _error(INVALID_REQUEST, f"Invalid Request: expected a JSON object, got {_json_type(data)}")
    raw_id = data.get("id")
    id_ = raw_id if isinstance(raw_id, str) or (isinstance(raw_id, int) and not isinstance(raw_id, bool)) else None
    return _error(INVALID_REQUEST, f"Invalid Request: {_shape_problem(data)}", id_)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a string"


def _error(code: int, message: str, id_: RequestId | None = None) -> JSONRPCError:
    return JSONRPCError(jsonrpc="2.0", id=id_, error=ErrorData(code=code, message=message))


def _shape_problem(data: dict[str, Any]) -> str:
    if data.get("jsonrpc") != "2.0":
        return "'jsonrpc' must be \"2.0\""
    if "method" in data:
        if not isinstance(data["method"], str):
            return "'method' must be a string"
        if "params" in data and not isinstance(data["params"], dict | None):
            return "'params' must be an object"
        if "id" in data and data["id"] is not None and not isinstance(data["id"], str | int):
            return "'id' must be a string or an integer"
        return "not a valid request or notification"
    if "result" in data or "error" in data:
        return "not a valid response ('id' must be a string or an integer; 'result' an object)"
    return "a message needs 'method' (request or notification) or 'result'/'error' (response)"


class _Stream:
    """What the SDK asks of a stream besides sending or receiving: closing, and use as a context manager."""

    closed = False

    async def aclose(self) -> None:
        self.closed = True

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class _Outbox(_Stream):
    """The server's write stream: each message is encoded and written to the wire by the task that sends it.

    There is no queue and no writer task in between: a handler's answer is on the wire when its `send`
    returns, without the task switches a relay costs. A lock keeps messages whole when a write has to
    wait for the host to read (a full pipe). An answer counts as answered for the drain at end of input
    even when it could not be delivered (the host stopped reading): nothing is left to wait for.
    """

    def __init__(self, writer: _ThreadedWriter | _PollingWriter) -> None:
        self.writer = writer
        self.lock = anyio.Lock(fast_acquire=True)  # uncontended, taking it does not yield to the event loop
        self.broken = False
        self.pending: Counter[RequestId] = Counter()  # requests in flight, counted in case a client reuses an id
        self.settled = anyio.Event()

    async def send(self, item: SessionMessage, /) -> None:
        if self.closed:
            raise anyio.ClosedResourceError
        await self.deliver(item)

    async def deliver(self, item: SessionMessage) -> None:
        """Write one message (the server's, or an error reply of the transport's own)."""
        message = item.message
        if not self.broken:
            data = encode(message)
            try:
                async with self.lock:
                    await self.writer.write(data)
            except OSError as exc:  # the host went away; go on answering so the server is never blocked
                logger.warning("stdout: cannot write (%s); further messages are dropped", exc)
                self.broken = True
        if isinstance(message, JSONRPCResponse | JSONRPCError) and message.id is not None:
            self.answered(message.id)

    def expect_answer(self, id_: RequestId) -> None:
        self.pending[id_] += 1

    def answered(self, id_: RequestId) -> None:
        if self.pending[id_] <= 1:
            del self.pending[id_]
        else:
            self.pending[id_] -= 1
        self.settled.set()
        self.settled = anyio.Event()

    async def drain(self, seconds: float) -> None:
        """Wait, for `seconds` at most, until every request in flight is answered (or settled unanswered)."""
        with anyio.move_on_after(seconds) as scope:
            while self.pending:
                await self.settled.wait()
        if scope.cancelled_caught:
            logger.warning("stdin closed; %d request(s) still unanswered after %.0f s", self.pending.total(), seconds)


class _Inbox(_Stream):
    """The server's read stream: each `receive` reads the wire itself, up to the next message for the server.

    Lines that are not JSON-RPC, and lines over the limit, are answered with a JSON-RPC error on the
    spot and skipped; blank lines are skipped. At end of input it waits until the requests in flight
    are answered (the drain) before it reports the end to the server, which would drop them otherwise.
    """

    def __init__(self, reader: _ThreadedReader | _PollingReader, outbox: _Outbox, *, max_line_bytes: int,
                 drain_seconds: float) -> None:
        self.reader = reader
        self.outbox = outbox
        self.max_line_bytes = max_line_bytes
        self.drain_seconds = drain_seconds
        self.ended = False

    async def receive(self) -> SessionMessage:
        if self.closed:
            raise anyio.ClosedResourceError
        while not self.ended:
            line, cut = await self.reader.read_line()
            if cut:
                logger.warning("stdin: dropped a line over %d bytes", self.max_line_bytes)
                await self.outbox.deliver(error_reply(INVALID_REQUEST, f"Invalid Request: the line is over the "
                                                      f"{self.max_line_bytes}-byte limit for one message"))
                continue
            if not line:
                self.ended = True
                await self.outbox.drain(self.drain_seconds)
                break
            if not line.strip():
                continue
            decoded = decode(line)
            if isinstance(decoded, JSONRPCError):
                logger.warning("stdin: %s: %r", decoded.error.message, line[:120])
                await self.outbox.deliver(SessionMessage(decoded))
                continue
            message = decoded.message
            if isinstance(message, JSONRPCRequest):
                self.outbox.expect_answer(message.id)
                # A request that settles without an answer (cancelled by the client) is not waited for.
                decoded.metadata = ServerMessageMetadata(
                    on_request_unanswered=_unanswered(self.outbox.answered, message.id))
            return decoded
        raise anyio.EndOfStream

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> SessionMessage:
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None


@asynccontextmanager
async def stdio_transport(
    *, max_line_bytes: int = MAX_LINE_BYTES, drain_seconds: float = DRAIN_SECONDS,
    reader: IO[bytes] | None = None, writer: IO[bytes] | None = None,
) -> AsyncIterator[tuple[_Inbox, _Outbox]]:
    """Streams for `Server.run` over stdin/stdout (or the given binary files, which are then not diverted)."""
    wire = _Wire() if reader is None and writer is None else None
    source = reader or (wire.reader if wire else sys.stdin.buffer)
    sink = writer or (wire.writer if wire else sys.stdout.buffer)
    incoming = _line_reader(source, max_line_bytes)
    outgoing = _message_writer(sink)
    outbox = _Outbox(outgoing)
    try:
        yield _Inbox(incoming, outbox, max_line_bytes=max_line_bytes, drain_seconds=drain_seconds), outbox
    finally:
        incoming.close()
        outgoing.close()
        if wire is not None:
            wire.close()


def encode(message: JSONRPCMessage) -> bytes:
    """A message as one wire line: its JSON (as `model_dump_json` writes it) and a newline.

    The model's serializer makes the UTF-8 bytes directly; `model_dump_json` would decode them to a
    str that has to be encoded again, which takes longer than the serialization for a large answer.
    """
    return message.__pydantic_serializer__.to_json(message, by_alias=True, exclude_unset=True) + b"\n"


def _unanswered(answered: Callable[[RequestId], None], id_: RequestId) -> Callable[[], Any]:
    async def hook() -> None:
        answered(id_)

    return hook


def _write(sink: IO[bytes], data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = sink.write(view)
        view = view[written or 0:]
    sink.flush()
