"""The installed server over stdio under a host that misbehaves: it stops reading, or signals the server."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import anyio
import pytest

pytestmark = pytest.mark.anyio

SCRIPT = Path(sys.executable).parent / "persona-mcp"
TIMEOUT = 60
HANDSHAKE = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw-test", "version": "0"}}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
]


def line(message: dict[str, Any]) -> bytes:
    return json.dumps(message).encode() + b"\n"


def select(id_: int) -> bytes:
    arguments = {"task": f"Add user registration number {id_}", "files": ["app/Http/Controllers/UserController.php"]}
    return line({"jsonrpc": "2.0", "id": id_, "method": "tools/call",
                 "params": {"name": "select_persona", "arguments": arguments}})


def rss_kib(pid: int) -> int:
    """The resident memory of a process; 0 once it has exited (a zombie's status has no VmRSS)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return next((int(row.split()[1]) for row in status if row.startswith("VmRSS:")), 0)
    except FileNotFoundError:
        return 0


def start() -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "PERSONA_MCP_PATH"}
    return subprocess.Popen([str(SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env)


def read_answer(process: subprocess.Popen[bytes]) -> dict[str, Any]:
    assert process.stdout is not None
    answer: dict[str, Any] = json.loads(process.stdout.readline())
    return answer


def handshake(process: subprocess.Popen[bytes]) -> None:
    assert process.stdin is not None
    process.stdin.write(b"".join(line(m) for m in HANDSHAKE) + select(2))
    process.stdin.flush()
    assert read_answer(process)["id"] == 1
    assert read_answer(process)["id"] == 2  # the catalog is loaded: the baseline below includes it


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the server's memory from /proc")
def test_a_host_that_stops_reading_holds_the_server_back_and_is_dropped_with_memory_bounded() -> None:
    with start() as process:
        assert process.stdin is not None and process.stderr is not None
        handshake(process)
        before = rss_kib(process.pid)
        peak = [before]
        written = [0]

        def flood() -> None:  # 20,000 requests, never reading an answer; the writes block once the server holds back
            try:
                for id_ in range(10, 20_010):
                    assert process.stdin is not None
                    process.stdin.write(select(id_))
                    written[0] += 1
                process.stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                pass

        writer = threading.Thread(target=flood, daemon=True)
        writer.start()
        try:
            while process.poll() is None:
                peak.append(rss_kib(process.pid))
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=0.2)
                assert len(peak) < TIMEOUT * 5, "the server kept waiting on a host that does not read"
        finally:
            process.kill()
            writer.join(timeout=TIMEOUT)
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
        log = process.stderr.read().decode(errors="replace")
        assert process.returncode == 0, log
        assert (max(peak) - before) / 1024 < 150, (before, max(peak))
        assert written[0] < 20_000, "the server read every request instead of holding the host back"
        assert "has not read its answers" in log and "Traceback" not in log


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_first_signal_stops_the_server_after_answering_what_it_has_read(signum: int) -> None:
    with start() as process:
        assert process.stdin is not None and process.stdout is not None and process.stderr is not None
        handshake(process)
        process.stdin.write(b"".join(select(id_) for id_ in range(10, 30)))
        process.stdin.flush()
        assert read_answer(process)["id"] == 10  # the server is reading them
        process.send_signal(signum)
        rest = process.stdout.read()  # to the end: the server closes stdout when it is done
        process.wait(timeout=TIMEOUT)
        log = process.stderr.read().decode(errors="replace")
        assert process.returncode == 0, log
        answers = [json.loads(row) for row in rest.splitlines()]
        assert all(a["result"]["structuredContent"]["persona"] == "persona-backend" for a in answers)
        assert [a["id"] for a in answers] == list(range(11, 11 + len(answers)))  # none lost in between
        assert "stopping" in log and "Traceback" not in log


def test_a_second_signal_stops_at_once_without_a_traceback() -> None:
    with start() as process:
        assert process.stderr is not None
        handshake(process)
        process.send_signal(signal.SIGINT)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=TIMEOUT)
        log = process.stderr.read().decode(errors="replace")
        assert process.returncode == 0, log
        assert "Traceback" not in log and "threading" not in log


async def test_the_server_exits_when_stdin_closes_while_it_holds_a_host_back() -> None:
    """A host that sends more than the server takes in flight, never reads, and then closes stdin."""

    def run() -> tuple[int, str]:
        with start() as process:
            assert process.stdin is not None and process.stderr is not None
            handshake(process)
            try:
                process.stdin.write(b"".join(select(id_) for id_ in range(10, 1_010)))
                process.stdin.close()
            except BrokenPipeError:
                pass
            returncode = process.wait(timeout=TIMEOUT)
            return returncode, process.stderr.read().decode(errors="replace")

    with anyio.fail_after(TIMEOUT):
        returncode, log = await anyio.to_thread.run_sync(run)
    assert returncode == 0, log
    assert "has not read its answers" in log and "Traceback" not in log
