"""persona-mcp over stdio against a bare MCPServer of the same SDK, measured in one run.

Run: .venv/bin/python scripts/bench_server.py [--starts 15] [--calls 400]
     .venv/bin/python scripts/bench_server.py --catalog-size 1000 [--calls 300]

1. Start-up: time from spawning the process to the answer of `tools/list` (after `initialize`),
   for `persona-mcp` (built-in catalog) and for scripts/bare_server.py (one no-op tool).
2. Round trips in one session each: `ping` and the no-op tool on the bare server; `ping` and
   `select_persona` on persona-mcp, cycling through the 40 real tasks (with their files) of
   tests/data/bench-sample.jsonl, full guidance; and the same `select_persona` calls on the bare
   server run with --select, which serves persona-mcp's selection as a plain tool of the SDK
   (same catalog, same answers): the difference is persona-mcp's own cost, the rest is the
   selection's and the SDK's.

The client is a minimal one: JSON lines over pipes, one request in flight, so the figures are
the servers' own. Runs alternate between the two servers so that drift in machine load affects
both alike. Prints medians and the ratios the targets are written against.

persona-mcp's modules are compiled to bytecode first, as pip does when it installs the wheel and as
the SDK's are in the same environment: an editable install under PYTHONDONTWRITEBYTECODE=1 would
otherwise compile them from source at every start (about 190 M instructions, 6% of a bare server's
start-up), which no installed copy does.

With --catalog-size N, only the issue's stdio target at N personas is measured instead: a catalog
of N personas generated as scripts/bench_selection.py generates them, written to a temporary
folder and served by `persona-mcp --no-builtin --no-user --personas DIR` over stdio. In one
session, after `list_personas` has had the catalog loaded and indexed and confirms all N are
there, and after 10 warm-up calls (the first fills the server's caches; none is counted), `ping`
and `select_persona` alternate call by call. Every `select_persona` carries its own 2 KB task and
50 files, drawn as bench_selection's `request()` draws them, full guidance. Prints medians, p95
and select - ping (target <= 8 ms). A second session, on scripts/bare_server.py --select serving the
same folder, takes the same calls, interleaved call by call with persona-mcp's: what persona-mcp
costs beyond the selection itself and the SDK.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROTOCOL = "2025-11-25"
SAMPLE = HERE.parent / "tests" / "data" / "bench-sample.jsonl"


def tasks() -> list[dict[str, Any]]:
    """Real tasks with their files (the bench sample kept in tests/data), cycled through by the calls."""
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    return [{"task": row["task"], "files": row["files"]} for row in rows]


class Session:
    def __init__(self, command: list[str]) -> None:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.next_id = 0

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.next_id += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            message["params"] = params
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        self.process.stdin.flush()
        while True:
            reply = json.loads(self.process.stdout.readline())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply

    def handshake(self) -> None:
        assert self.process.stdin is not None
        self.request("initialize", {"protocolVersion": PROTOCOL, "capabilities": {},
                                    "clientInfo": {"name": "bench", "version": "0"}})
        self.process.stdin.write(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}\n')
        self.process.stdin.flush()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def start_up(command: list[str]) -> float:
    session = Session(command)
    session.handshake()
    tools = session.request("tools/list")
    elapsed = time.perf_counter() - session.started
    assert tools["result"]["tools"], "no tools listed"
    session.close()
    return elapsed


def round_trips(command: list[str], method: str, params: list[dict[str, Any] | None], calls: int) -> list[float]:
    session = Session(command)
    session.handshake()
    for n in range(20):  # warm up
        session.request(method, params[n % len(params)])
    times = []
    for n in range(calls):
        started = time.perf_counter()
        reply = session.request(method, params[n % len(params)])
        times.append((time.perf_counter() - started) * 1000)
        if method == "tools/call":
            assert not reply["result"].get("isError"), reply
    session.close()
    return times


def p95(times: list[float]) -> float:
    return sorted(times)[int(0.95 * (len(times) - 1))]


WARM_UP = 10  # select_persona calls before the counted ones; the first fills the stem and glob caches


def generated_catalog(script: str, size: int, calls: int) -> None:
    """`ping` and `select_persona` round trips, alternating in one session, against `size` generated personas;
    and the same on the bare server serving the same selection, interleaved call by call."""
    import random

    from bench_selection import SEED, prose, repository, request, vocabulary, write_catalog

    rng = random.Random(SEED)
    words = vocabulary(rng, 400)
    with tempfile.TemporaryDirectory() as tmp:
        layers = write_catalog(Path(tmp), size, rng, words)
        english, repo = prose(), repository(rng, words)
        cases = [request(rng, words, english, repo) for _ in range(WARM_UP + calls)]
        command = [script, "--no-builtin", "--no-user"]
        for layer in layers:
            command += ["--personas", str(layer.folder)]
        session = Session(command)
        session.handshake()
        listing = session.request("tools/call", {"name": "list_personas", "arguments": {"limit": 1}})
        loaded = time.perf_counter() - session.started
        count = listing["result"]["structuredContent"]["count"]
        assert count == size, f"the server loaded {count} personas, not {size}"
        bare = Session([sys.executable, str(HERE / "bare_server.py"), "--select",
                        *(f"--personas={layer.folder}" for layer in layers)])
        bare.handshake()  # answered once the bare server has loaded the catalog
        times: dict[str, list[float]] = {"ping": [], "select_persona": [], "bare ping": [], "bare select": []}
        for n, (task, files) in enumerate(cases):
            for server, prefix in ((session, ""), (bare, "bare ")):
                started = time.perf_counter()
                reply = server.request("tools/call", {"name": "select_persona",
                                                      "arguments": {"task": task, "files": files}})
                times[prefix + ("select" if prefix else "select_persona")].append(
                    (time.perf_counter() - started) * 1000)
                assert not reply["result"].get("isError"), reply
                if n >= WARM_UP:
                    started = time.perf_counter()
                    server.request("ping")
                    times[prefix + "ping"].append((time.perf_counter() - started) * 1000)
        session.close()
        bare.close()
    warm_up = times["select_persona"][:WARM_UP]
    del times["select_persona"][:WARM_UP]
    del times["bare select"][:WARM_UP]
    print(f"{size} generated personas over stdio: start to catalog loaded and indexed {loaded * 1000:.0f} ms, "
          f"first select_persona {warm_up[0]:.0f} ms, next {WARM_UP - 1} median "
          f"{statistics.median(warm_up[1:]):.1f} ms (warm-up, not counted)")
    med = {k: statistics.median(v) for k, v in times.items()}
    for key, values in times.items():
        print(f"{key:14} median {med[key]:.3f} ms, p95 {p95(values):.3f} ms ({len(values)} calls)")
    print(f"select_persona - ping: {med['select_persona'] - med['ping']:+.3f} ms median (target <= 8 ms), "
          f"{p95(times['select_persona']) - med['ping']:+.3f} ms at select's p95 "
          "(2 KB task and 50 files, distinct at each call)")
    print(f"bare server with the same selection: select - ping {med['bare select'] - med['bare ping']:+.3f} ms; "
          f"persona-mcp's own cost: select {med['select_persona'] - med['bare select']:+.3f} ms, "
          f"ping {med['ping'] - med['bare ping']:+.3f} ms")


def compile_package() -> None:
    """Compile persona-mcp's modules to bytecode where they are installed (see above); fresh ones are left alone."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("persona_mcp")
    assert spec is not None and spec.submodule_search_locations, "persona_mcp is not installed"
    for folder in spec.submodule_search_locations:
        compileall.compile_dir(folder, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=15)
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--catalog-size", type=int, metavar="N",
                        help="measure only ping and select_persona against N generated personas (see above)")
    args = parser.parse_args()
    script = shutil.which("persona-mcp", path=str(Path(sys.executable).parent))
    if script is None:
        raise SystemExit("persona-mcp is not installed next to this Python; run `pip install -e .` first")
    compile_package()
    if args.catalog_size:
        generated_catalog(script, args.catalog_size, args.calls)
        return 0
    ours = [script]
    bare = [sys.executable, str(HERE / "bare_server.py")]

    ours_start, bare_start = [], []
    for _ in range(args.starts):
        ours_start.append(start_up(ours))
        bare_start.append(start_up(bare))
    o, b = statistics.median(ours_start), statistics.median(bare_start)
    print(f"start-up to tools/list: persona-mcp {o * 1000:.0f} ms, bare MCPServer {b * 1000:.0f} ms, "
          f"ratio {o / b:.2f} (target <= 1.15; medians of {args.starts})")

    select: list[dict[str, Any] | None] = [{"name": "select_persona", "arguments": t} for t in tasks()]
    noop: list[dict[str, Any] | None] = [{"name": "noop", "arguments": {}}]
    results: dict[str, list[float]] = {"ours ping": [], "ours select": [], "bare ping": [], "bare noop": [],
                                       "bare select": []}
    for _ in range(2):  # alternate, half the calls each time
        results["bare noop"] += round_trips(bare, "tools/call", noop, args.calls // 2)
        results["ours select"] += round_trips(ours, "tools/call", select, args.calls // 2)
        results["bare ping"] += round_trips(bare, "ping", [None], args.calls // 2)
        results["bare select"] += round_trips([*bare, "--select"], "tools/call", select, args.calls // 2)
        results["ours ping"] += round_trips(ours, "ping", [None], args.calls // 2)
    med = {k: statistics.median(v) for k, v in results.items()}
    p99 = {k: sorted(v)[int(0.99 * (len(v) - 1))] for k, v in results.items()}
    for key in results:
        print(f"{key:12} median {med[key]:.3f} ms, p99 {p99[key]:.3f} ms ({len(results[key])} calls)")
    print(f"select_persona - bare no-op tool: {med['ours select'] - med['bare noop']:+.3f} ms (target <= +1 ms), "
          f"ratio {med['ours select'] / med['bare noop']:.2f}")
    print(f"bare no-op tool / bare ping: {med['bare noop'] / med['bare ping']:.2f} (the issue measured about 1.45)")
    print(f"select_persona - the same selection on the bare server: {med['ours select'] - med['bare select']:+.3f} ms "
          "(persona-mcp's own cost: its stdio layer, middleware and argument checks)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
