"""Measure hot reload: catalog load and reload costs, and write-to-list_changed latency over stdio.

Run from the repository root with the dev environment: `.venv/bin/python scripts/bench_reload.py`.
Prints medians (and the worst case where it matters); nothing here is asserted, it is for reading.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import mcp
import mcp_types as types
from mcp import StdioServerParameters

from persona_mcp.catalog import CatalogSource, Layer, builtin_dir

SCRIPT = Path(sys.executable).parent / "persona-mcp"


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def report(label: str, seconds: list[float]) -> None:
    print(f"{label:<58} median {statistics.median(seconds) * 1e3:8.2f} ms   max {max(seconds) * 1e3:8.2f} ms")


def persona(name: str, body: str) -> str:
    return f"---\nname: {name}\ndescription: Bench persona {name}.\n---\n# Persona: {name}\n\n{body}\n"


def catalog_costs(work: Path) -> None:
    layers = [Layer("builtin", builtin_dir())]
    report("cold load of the 11 built-ins (parse + index)", timed(lambda: CatalogSource(layers).load(), 30))
    source = CatalogSource(layers)
    source.load()
    report("reload of the 11 built-ins, nothing changed", timed(source.load, 200))
    report("fingerprint (stat scan) of the 11 built-ins", timed(source.fingerprint, 500))

    folder = work / "copy"
    shutil.copytree(builtin_dir(), folder)
    copy = CatalogSource([Layer("custom", folder)])
    copy.load()
    target = folder / "persona-qa.md"
    original = target.read_text("utf-8")
    counter = iter(range(1_000_000))

    def edit_and_reload() -> None:
        target.write_text(original + f"\nEdit {next(counter)}.\n", "utf-8")
        copy.load()

    report("reload after editing 1 of 11 files (re-parse 1, index once)", timed(edit_and_reload, 50))

    for count in (100, 1000):
        many = work / f"many{count}"
        many.mkdir()
        for index in range(count):
            (many / f"p{index}.md").write_text(persona(f"persona-p{index}", "Guidance. " * 50), "utf-8")
        big = CatalogSource([Layer("custom", many)])
        big.load()
        report(f"cold load of {count} personas", timed(lambda big=big: CatalogSource(big.layers).load(), 3))
        report(f"fingerprint of {count} personas", timed(big.fingerprint, 20))
        report(f"reload of {count} personas, nothing changed", timed(big.load, 5))


async def stdio_latency(work: Path, runs: int) -> None:
    folder = work / "live"
    folder.mkdir()
    arrived = anyio.Event()
    stamps: dict[str, float] = {}

    async def on_message(message: Any) -> None:
        if isinstance(message, types.PromptListChangedNotification):
            stamps["notified"] = time.perf_counter()
            arrived.set()

    env = {k: v for k, v in os.environ.items() if k != "PERSONA_MCP_PATH"}
    params = StdioServerParameters(command=str(SCRIPT), args=["--personas", str(folder)], env=env)
    to_notice: list[float] = []
    to_listing: list[float] = []
    async with mcp.Client(params, mode="legacy", message_handler=on_message) as client:
        for index in range(runs):
            arrived = anyio.Event()
            started = time.perf_counter()
            (folder / f"p{index}.md").write_text(persona(f"persona-bench-{index}", "Guidance."), "utf-8")
            with anyio.fail_after(10):
                await arrived.wait()
            to_notice.append(stamps["notified"] - started)
            names = [p.name for p in (await client.list_prompts()).prompts]
            assert f"persona-bench-{index}" in names
            to_listing.append(time.perf_counter() - started)
            await anyio.sleep(0.3)  # let the next write land at a random point of the poll cycle
    report(f"stdio: file written -> list_changed received ({runs} runs)", to_notice)
    report("stdio: file written -> new prompt in prompts/list", to_listing)


def main() -> None:
    with tempfile.TemporaryDirectory() as raw:
        work = Path(raw)
        catalog_costs(work)
        anyio.run(stdio_latency, work, 20)


if __name__ == "__main__":
    main()
