"""Measure the server against hostile folders and HTTP clients, the way a host sees it.

Run from the repository root with the dev environment:

    .venv/bin/python scripts/bench_hostile.py docs [--files 6000]   # a layer that is really a docs folder
    .venv/bin/python scripts/bench_hostile.py slow [--connections 300]  # HTTP under slow connections

`docs` starts the installed console script over stdio with `--personas` pointing at a folder of
markdown files without frontmatter (every one a diagnostic), pings it ten times a second, edits one
file, and prints the slowest ping answer and when the edit was seen. `slow` starts the HTTP server,
opens that many connections that send a request head one byte a second, then times a normal
`select_persona` request three times, 3 s apart, and counts the slow connections the server closed.
Nothing here is asserted; it is for reading.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

SCRIPT = Path(sys.executable).parent / "persona-mcp"
PROTOCOL = "2025-11-25"


class StdioHost:
    """A raw JSON-RPC host on the server's stdio: sends lines, records when each answer arrived."""

    def __init__(self, args: list[str]) -> None:
        env = {k: v for k, v in os.environ.items() if k != "PERSONA_MCP_PATH"}
        self.process = subprocess.Popen([str(SCRIPT), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=env)
        self.answers: dict[int, float] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.stderr: list[str] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            message = json.loads(line)
            if isinstance(message.get("id"), int):
                with self.lock:
                    self.messages[message["id"]] = message
                    self.answers[message["id"]] = time.perf_counter()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line.decode("utf-8", "replace"))

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message).encode() + b"\n")
        self.process.stdin.flush()

    def request(self, id_: int, method: str, params: dict[str, Any] | None = None) -> None:
        self.send({"jsonrpc": "2.0", "id": id_, "method": method, **({"params": params} if params else {})})

    def wait(self, id_: int, timeout: float = 120.0) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self.lock:
                if id_ in self.answers:
                    return self.answers[id_]
            time.sleep(0.005)
        raise TimeoutError(f"no answer to request {id_} within {timeout} s")

    def close(self) -> float:
        """Close stdin; return how long the server took to exit."""
        assert self.process.stdin is not None
        started = time.perf_counter()
        self.process.stdin.close()
        self.process.wait(30)
        return time.perf_counter() - started


def docs_folder(files: int) -> None:
    with tempfile.TemporaryDirectory() as raw:
        folder = Path(raw) / "docs"
        folder.mkdir()
        for index in range(files):
            (folder / f"page-{index:05}.md").write_text(f"# Page {index}\n\nSome documentation.\n", "utf-8")
        started = time.perf_counter()
        host = StdioHost(["--personas", str(folder), "--no-user"])
        host.request(1, "initialize", {"protocolVersion": PROTOCOL, "capabilities": {},
                                       "clientInfo": {"name": "bench", "version": "0"}})
        host.wait(1)
        host.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        host.request(2, "tools/call", {"name": "list_personas", "arguments": {}})
        first = host.wait(2) - started
        print(f"{files} docs files: start to first list_personas answer {first:.2f} s")
        worst = 0.0
        edited = time.perf_counter()
        (folder / "page-00000.md").write_text("---\nname: persona-docs\ndescription: Docs.\n---\n# Docs\n\nBody.\n",
                                             "utf-8")
        ids = iter(range(100, 1_000_000))
        seen_at = None
        while time.perf_counter() - edited < 15:
            id_ = next(ids)
            sent = time.perf_counter()
            host.request(id_, "ping")
            worst = max(worst, host.wait(id_) - sent)
            if seen_at is None:
                id_ = next(ids)
                host.request(id_, "tools/call", {"name": "list_personas", "arguments": {}})
                host.wait(id_)
                if "persona-docs" in json.dumps(host.messages[id_]):
                    seen_at = time.perf_counter() - edited
            time.sleep(0.1)
        print(f"after editing one file: slowest ping {worst * 1e3:.0f} ms over 15 s; "
              f"edit seen after {seen_at if seen_at is None else round(seen_at, 2)} s")
        print(f"exit after stdin closed: {host.close():.2f} s; stderr lines: {len(host.stderr)}")


def slow_connections(connections: int, server_files: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # This process's own limit, for the slow clients; the server gets `server_files`.
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, connections + 100)), hard))
    with tempfile.TemporaryDirectory():
        def limit_server_files() -> None:  # the usual limit a desktop session gives a process
            resource.setrlimit(resource.RLIMIT_NOFILE, (server_files, hard))

        process = subprocess.Popen([str(SCRIPT), "serve", "--transport", "http", "--port", "0", "--no-user"],
                                   stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, preexec_fn=limit_server_files)
        assert process.stderr is not None
        line = process.stderr.readline().decode()
        port = int(line.rsplit(":", 1)[1].split("/")[0])
        logged: list[str] = []
        threading.Thread(target=lambda: logged.extend(raw.decode(errors="replace") for raw in process.stderr or ()),
                         daemon=True).start()
        slow = []
        stop = threading.Event()
        for _ in range(connections):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            slow.append(sock)

        def dribble() -> None:
            while not stop.is_set():
                for sock in slow:
                    with contextlib.suppress(OSError):
                        sock.sendall(b"X")
                stop.wait(1.0)

        opened = time.perf_counter()
        threading.Thread(target=dribble, daemon=True).start()
        time.sleep(2)
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
            "name": "select_persona", "arguments": {"task": "fix the SQL query of the orders API"}}}).encode()
        for attempt in range(3):
            started = time.perf_counter()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                    sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                 b"Accept: application/json, text/event-stream\r\nConnection: close\r\n"
                                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                    answer = b""
                    while chunk := sock.recv(65536):
                        answer += chunk
                status = answer.split(b"\r\n", 1)[0].decode()
            except OSError as exc:
                status = f"failed: {exc}"
            print(f"{connections} slow connections, attempt {attempt + 1}: {status!r} in "
                  f"{time.perf_counter() - started:.3f} s")
            time.sleep(3)
        stop.set()
        time.sleep(max(0.0, opened + 12 - time.perf_counter()))  # the server's header deadline is 10 s
        closed = sum(1 for sock in slow if _closed(sock))
        print(f"slow connections closed by the server 12 s after they opened: {closed} of {connections}")
        print(f"server log: {len(logged)} lines; the last: {''.join(logged[-3:])!r}")
        for sock in slow:
            sock.close()
        started = time.perf_counter()
        process.terminate()
        process.wait(30)
        print(f"exit after SIGTERM: {time.perf_counter() - started:.2f} s (status {process.returncode})")


def _closed(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=["docs", "slow"])
    parser.add_argument("--files", type=int, default=6000)
    parser.add_argument("--connections", type=int, default=300)
    parser.add_argument("--server-files", type=int, default=1024, help="the server's limit of open files")
    args = parser.parse_args()
    if args.case == "docs":
        docs_folder(args.files)
    else:
        slow_connections(args.connections, args.server_files)


if __name__ == "__main__":
    main()
