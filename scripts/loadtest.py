"""Load test over streamable HTTP: concurrent clients, a bounded number of requests, the catalog edited meanwhile.

Run from the repository root with the dev environment:

    .venv/bin/python scripts/loadtest.py --workers 1
    .venv/bin/python scripts/loadtest.py --workers 2 --clients 32 --requests 10000

Without --url it starts the server itself (`persona-mcp serve --transport http --workers N`, with a
bearer token and a temporary --personas folder on top of the built-ins) on a free loopback port. While the clients
run, another task keeps editing that folder: it rewrites a probe persona under a new title, adds
and deletes a second persona, and now and then saves a broken file (which must change nothing).
Every answer is checked: HTTP 200, a JSON-RPC result, and a well-formed selection. One request in
twenty is hostile (forged Host or Origin, wrong or missing token, a body that is not JSON, an
argument out of bounds) and must get its designed refusal (421, 403, 401, 400, -32602) on a
connection that then goes on serving.

It prints throughput, latency percentiles and the errors, which must be zero (exit 1 otherwise),
and how many of the probe persona's versions the answers showed, which shows the reload working
under load. Speed depends on the machine, and the clients share its cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2

TASKS = [
    ("Add user registration", ["app/Http/Controllers/UserController.php"]),
    ("Fix the flaky integration tests in the checkout suite", ["tests/integration/test_checkout.py"]),
    ("Profile the slow dashboard query and add an index", ["db/migrations/0042_add_index.sql"]),
    ("Review the upload handler for path traversal", ["src/upload/handler.go"]),
    ("Write the README section on deployment", ["README.md"]),
    ("Center the modal and fix the button contrast", ["src/components/Modal.vue"]),
    ("Tune the zephyrwidget", ["probe/zephyr.cfg"]),  # the probe persona's trigger
    ("Polish the quasargadget", []),  # the persona that comes and goes
    ("hello", []),
]
PROBE = """\
---
name: persona-loadprobe
title: Load Probe {version}
description: "A persona the load test rewrites while it runs. Auto-invoke when: zephyrwidget tuning."
trigger-keywords: [zephyrwidget]
trigger-files: ["probe/**"]
---
# Persona: Load Probe

Version {version} of the probe.
"""
COMER = """\
---
name: persona-quasar
description: A persona the load test adds and deletes while it runs.
trigger-keywords: [quasargadget]
---
# Persona: Quasar

Comes and goes.
"""
BROKEN = "---\nname: persona-loadprobe\ndescription: [this file is broken on purpose\n---\n# Broken\n"


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    probe_titles: set[str] = field(default_factory=set)
    refused: Counter[str] = field(default_factory=Counter)
    selected: Counter[str] = field(default_factory=Counter)
    edits: int = 0
    probe_versions: int = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def save(path: Path, text: str) -> None:
    """Write atomically, as editors and `git checkout` do."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@contextlib.contextmanager
def server_process(workers: int, personas: Path, token_file: Path) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERSONA_MCP_")}
    command = [str(Path(sys.executable).parent / "persona-mcp"), "--no-user", "--personas", str(personas), "serve",
               "--transport", "http", "--port", str(port), "--workers", str(workers), "--token-file", str(token_file)]
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        ready = 0
        while ready < workers * 3:  # a few answers in a row, so that every worker is most likely up
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start (exit code {process.poll()})")
            try:
                ready += httpx2.get(base + "/healthz", timeout=2).status_code == 200
            except httpx2.HTTPError:
                time.sleep(0.1)
        yield base + "/mcp"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


class Connection:
    """One keep-alive HTTP/1.1 connection, spoken by hand: a full HTTP client would use more CPU per request
    than the server does, and the clients share the machine with it."""

    def __init__(self, url: str, token: str) -> None:
        parts = urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
        self.headers = {"Host": parts.netloc, "Content-Type": "application/json",
                        "Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.head = self._head(self.headers)
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    def _head(self, headers: dict[str, str]) -> str:
        return f"POST {self.path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())

    async def post(self, body: bytes, overrides: dict[str, str | None] | None = None) -> tuple[int, bytes]:
        """POST `body`; `overrides` replaces headers, or removes those it maps to None."""
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        head = self.head
        if overrides:
            merged = {**self.headers, **overrides}
            head = self._head({k: v for k, v in merged.items() if v is not None})
        writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
        await writer.drain()
        answer_head = await reader.readuntil(b"\r\n\r\n")
        lines = answer_head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if headers.get("transfer-encoding", "").lower() == "chunked":
            data = bytearray()
            while size := int((await reader.readline()).strip(), 16):
                data += await reader.readexactly(size)
                await reader.readline()
            await reader.readline()
            payload = bytes(data)
        else:
            payload = await reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, payload

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            with contextlib.suppress(OSError):
                await self.streams[1].wait_closed()
            self.streams = None


async def client(url: str, token: str, jobs: Iterator[int], tally: Tally) -> None:
    connection = Connection(url, token)
    try:
        for number in jobs:
            if number % HOSTILE_EVERY == HOSTILE_EVERY - 1:
                await hostile(connection, number, tally)
                continue
            task, files = TASKS[number % len(TASKS)]
            if number % 10 == 9:
                call = {"name": "get_persona", "arguments": {"name": "qa", "detail": "summary"}}
            else:
                call = {"name": "select_persona", "arguments": {"task": task, "files": files, "top_k": 3}}
            body = json.dumps({"jsonrpc": "2.0", "id": number, "method": "tools/call", "params": call}).encode()
            started = time.perf_counter()
            try:
                status, payload = await connection.post(body)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                tally.errors[type(exc).__name__] += 1
                await connection.close()
                continue
            tally.latencies.append(time.perf_counter() - started)
            problem, content = check(status, payload, number)
            if problem:
                tally.errors[problem] += 1
                continue
            if "confidence" in content:
                tally.selected[content["persona"] or "none"] += 1
                if content["persona"] == "persona-loadprobe":
                    tally.probe_titles.add(content["title"])
    finally:
        await connection.close()


HOSTILE_EVERY = 20
"""One request in this many is hostile: the server must refuse it as designed, and go on serving."""


async def hostile(connection: Connection, number: int, tally: Tally) -> None:
    """Send one kind of bad request in turn and check that the refusal is the designed one."""
    ping = json.dumps({"jsonrpc": "2.0", "id": number, "method": "ping"}).encode()
    too_many = json.dumps({"jsonrpc": "2.0", "id": number, "method": "tools/call", "params": {
        "name": "select_persona", "arguments": {"task": "x", "top_k": 500}}}).encode()
    kinds: list[tuple[str, bytes, dict[str, str | None], int, str]] = [
        ("forged Host", ping, {"Host": "evil.example.com"}, 421, "host_not_allowed"),
        ("forged Origin", ping, {"Origin": "https://evil.example.com"}, 403, "origin_not_allowed"),
        ("wrong token", ping, {"Authorization": "Bearer wrong-token-0123456789abcdef"}, 401, "invalid_token"),
        ("no token", ping, {"Authorization": None}, 401, "unauthorized"),
        ("not JSON", b'{"jsonrpc": "2.0", "id": ', {}, 400, "-32700"),
        ("top_k out of bounds", too_many, {}, 200, "top_k"),
    ]
    name, body, overrides, expected, marker = kinds[(number // HOSTILE_EVERY) % len(kinds)]
    if "Authorization" in overrides and not connection.headers.get("Authorization"):
        name, body, overrides, expected, marker = kinds[0]  # a server without a token takes any
    try:
        status, payload = await connection.post(body, overrides)
    except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
        tally.errors[f"{name}: {type(exc).__name__}"] += 1
        await connection.close()
        return
    if status != expected or marker not in payload.decode("utf-8", "replace"):
        tally.errors[f"{name}: got HTTP {status}"] += 1
    else:
        tally.refused[name] += 1


def check(status: int, payload: bytes, number: int) -> tuple[str | None, dict[str, Any]]:
    """What is wrong with an answer (None when it is a good one), and its structured content."""
    if status != 200:
        return f"HTTP {status}", {}
    try:
        message = json.loads(payload)
    except json.JSONDecodeError:
        return "a body that is not JSON", {}
    if message.get("id") != number:
        return "an answer to another request", {}
    if "error" in message:
        return f"JSON-RPC error {message['error'].get('code')}: {message['error'].get('message', '')[:80]}", {}
    result = message.get("result", {})
    if result.get("isError"):
        return "a tool error", {}
    content = result.get("structuredContent")
    if not isinstance(content, dict) or not ("confidence" in content or "guidance" in content):
        return "a result without structured content", {}
    return None, content


async def editor(personas: Path, interval: float, stop: asyncio.Event, tally: Tally) -> None:
    """Keep changing the catalog while the clients run."""
    probe, comer = personas / "persona-loadprobe.md", personas / "persona-quasar.md"
    for step in itertools.count(1):
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
            return
        except TimeoutError:
            pass
        if step % 7 == 0:
            save(probe, BROKEN)  # the last good version must stay in service
        else:
            tally.probe_versions += 1
            save(probe, PROBE.format(version=tally.probe_versions))
        if step % 3 == 0:
            if comer.exists():
                comer.unlink()
            else:
                save(comer, COMER)
        tally.edits += 1


async def run(url: str, token: str, personas: Path | None, clients: int, requests: int,
              interval: float) -> tuple[Tally, float]:
    tally = Tally()
    jobs = iter(range(requests))
    stop = asyncio.Event()
    edits = asyncio.create_task(editor(personas, interval, stop, tally)) if personas and interval > 0 else None
    started = time.perf_counter()
    await asyncio.gather(*(client(url, token, jobs, tally) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    stop.set()
    if edits:
        await edits
    return tally, elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="test a running server instead of starting one (no catalog edits then, "
                        "unless --personas names its folder)")
    parser.add_argument("--token-file", type=Path, help="the bearer token of the server at --url")
    parser.add_argument("--personas", type=Path, help="the persona folder to edit during the run")
    parser.add_argument("--workers", type=int, default=1, help="worker processes of the server started (default 1)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--requests", type=int, default=5000, help="requests in all (default 5000)")
    parser.add_argument("--edit-every", type=float, default=0.25,
                        help="seconds between catalog edits (default 0.25; 0: no edits)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    random.seed(args.seed)

    with tempfile.TemporaryDirectory(prefix="persona-load-") as scratch:
        work = Path(scratch)
        if args.url:
            url = args.url
            token = args.token_file.read_text(encoding="utf-8").strip() if args.token_file else ""
            personas = args.personas
            tally, elapsed = asyncio.run(run(url, token, personas, args.clients, args.requests, args.edit_every))
        else:
            personas = args.personas or work / "personas"
            personas.mkdir(exist_ok=True)
            save(personas / "persona-loadprobe.md", PROBE.format(version=0))
            token = secrets.token_urlsafe(32)
            token_file = work / "token"
            token_file.write_text(token, encoding="utf-8")
            token_file.chmod(0o600)
            with server_process(args.workers, personas, token_file) as url:
                tally, elapsed = asyncio.run(run(url, token, personas, args.clients, args.requests,
                                                 args.edit_every))
            if not args.personas:
                shutil.rmtree(personas, ignore_errors=True)

    latencies = tally.latencies or [0.0]
    client_cpu = resource.getrusage(resource.RUSAGE_SELF)
    server_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)  # the server, once it has exited
    figures = {
        "workers": None if args.url else args.workers, "clients": args.clients, "requests": args.requests,
        "seconds": round(elapsed, 2), "throughput_rps": round(args.requests / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1e3, 2), "p90_ms": round(percentile(latencies, 0.90) * 1e3, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1e3, 2), "max_ms": round(max(latencies) * 1e3, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1e3, 2),
        "client_cpu_s": round(client_cpu.ru_utime + client_cpu.ru_stime, 2),
        "server_cpu_ms_per_request": None if args.url else round(
            (server_cpu.ru_utime + server_cpu.ru_stime) * 1e3 / args.requests, 2),
        "hostile_refused_as_designed": dict(tally.refused),
        "errors": sum(tally.errors.values()), "error_kinds": dict(tally.errors),
        "catalog_edits": tally.edits, "probe_versions_written": tally.probe_versions,
        "probe_versions_seen": len(tally.probe_titles), "selected": dict(tally.selected.most_common()),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{figures['requests']} requests, {args.clients} clients, "
              f"{'server at ' + args.url if args.url else str(args.workers) + ' worker(s)'}: "
              f"{figures['seconds']} s, {figures['throughput_rps']} requests/s")
        print(f"latency p50 {figures['p50_ms']} ms, p90 {figures['p90_ms']} ms, p99 {figures['p99_ms']} ms, "
              f"max {figures['max_ms']} ms")
        print(f"hostile requests refused as designed: {sum(tally.refused.values())} "
              f"({', '.join(f'{k} {v}' for k, v in sorted(tally.refused.items()))})")
        print(f"errors: {figures['errors']} {figures['error_kinds'] or ''}".rstrip())
        if not args.url:
            print(f"CPU: server {figures['server_cpu_ms_per_request']} ms per request (start-up included), "
                  f"clients {figures['client_cpu_s']} s in all")
        print(f"catalog edits during the run: {tally.edits} ({tally.probe_versions} probe versions written, "
              f"{len(tally.probe_titles)} seen in answers)")
    return 1 if tally.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
