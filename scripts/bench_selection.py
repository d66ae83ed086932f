"""Selection latency, memory and catalog load time for generated catalogs of 11, 1,000 and 10,000 personas.

Run: .venv/bin/python scripts/bench_selection.py [--sizes 11,1000,10000] [--requests 200]

Each generated persona is a real file on disk with ~40 trigger keywords, 5 activity keywords,
20 globs, a description with clauses and a ~3 KB body, drawn from a shared vocabulary of made-up
words (400 by default, --vocabulary) so that words are claimed by several personas, as in real
catalogs. A request
carries a 2 KB task (real task text from tests/data/bench-sample.jsonl, with one word in five
taken from the catalog's vocabulary) and 50 paths drawn from one 5,000-file repository. The
11-persona catalog is the built-in one. Prints one line per catalog size.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from persona_mcp.catalog import Catalog, Layer, builtin_dir
from persona_mcp.selection import select

SEED = 20261127
FREEZE = False
EXTENSIONS = ["py", "go", "rs", "java", "ts", "tsx", "vue", "md", "yml", "sql", "tf", "css", "json", "sh"]
FOLDERS = ["api", "db", "docs", "tests", "src", "lib", "internal", "cmd", "web", "ui", "infra", "deploy",
           "scripts", "pkg", "core", "services", "handlers", "models", "components", "charts", "bench"]


def vocabulary(rng: random.Random, size: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "pa", "qu", "dor", "lin", "mar", "tek"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def persona_text(rng: random.Random, n: int, words: list[str]) -> str:
    keywords = rng.sample(words, 30) + [" ".join(rng.sample(words, 2)) for _ in range(10)]
    activities = rng.sample(words, 5)
    globs = [f"**/{rng.choice(FOLDERS)}{rng.randint(0, 300)}/**" for _ in range(8)]
    globs += [f"**/*.{rng.choice(EXTENSIONS)}" for _ in range(3)]
    globs += [f"**/{rng.choice(words)}_*.{rng.choice(EXTENSIONS)}" for _ in range(9)]
    clause = ", ".join(rng.sample(words, 8))
    avoid = ", ".join(rng.sample(words, 4))
    body = "\n\n".join(
        f"## Section {i}\n\n" + " ".join(rng.choice(words) for _ in range(60)) for i in range(8)
    )
    quoted = ", ".join(f'"{g}"' for g in globs)
    return (
        f"---\nname: persona-gen-{n:05d}\n"
        f"description: >-\n  Generated persona {n}. Auto-invoke when: {clause}. Do NOT load for: {avoid}.\n"
        f"trigger-keywords: [{', '.join(keywords)}]\n"
        f"activity-keywords: [{', '.join(activities)}]\n"
        f"trigger-files: [{quoted}]\n"
        f"negative-keywords: [{', '.join(rng.sample(words, 3))}]\n"
        f"priority-hierarchy: [correctness, speed, cost]\n"
        f"---\n# Persona: Generated {n}\n\n{body}\n"
    )


PER_FOLDER = 2500  # personas per folder: a catalog's tree holds at most folders.MAX_FILES, so 10,000 take four layers


def write_catalog(folder: Path, size: int, rng: random.Random, words: list[str]) -> list[Layer]:
    """Write a generated catalog under `folder`, in folders of `PER_FOLDER`; the layers to load it from."""
    layers: list[Layer] = []
    for n in range(size):
        if n % PER_FOLDER == 0:
            layers.append(Layer(f"bench-{len(layers)}", folder / f"part-{len(layers)}"))
            layers[-1].folder.mkdir()
        (layers[-1].folder / f"persona-gen-{n:05d}.md").write_text(persona_text(rng, n, words), encoding="utf-8")
    return layers


SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "bench-sample.jsonl"
REPOSITORY_FILES = 5000  # requests draw their paths from one repository of this many files


def prose() -> list[str]:
    """Real task text (the bench sample kept in tests/data), as a pool of words."""
    text = " ".join(json.loads(line)["task"] for line in SAMPLE.read_text(encoding="utf-8").splitlines())
    return text.split()


def repository(rng: random.Random, words: list[str]) -> list[str]:
    return [f"{rng.choice(FOLDERS)}{rng.randint(0, 300)}/{rng.choice(FOLDERS)}/{rng.choice(words)}_"
            f"{rng.randint(0, 9)}.{rng.choice(EXTENSIONS)}" for _ in range(REPOSITORY_FILES)]


def request(rng: random.Random, words: list[str], english: list[str], repo: list[str]) -> tuple[str, list[str]]:
    """A 2 KB task, real English with one word in five from the catalog's vocabulary, and 50 of the repo's files."""
    parts: list[str] = []
    start = rng.randrange(len(english))
    while sum(len(p) + 1 for p in parts) < 2048:
        parts.append(rng.choice(words) if rng.random() < 0.2 else english[(start + len(parts)) % len(english)])
    return " ".join(parts)[:2048], rng.sample(repo, 50)


def measure(layers: list[Layer], label: str, requests: int, rng: random.Random, words: list[str]) -> None:
    english = prose()
    repo = repository(rng, words)
    gc.collect()
    started = time.perf_counter()
    catalog = Catalog.load(layers)
    _ = catalog.index
    load_s = time.perf_counter() - started
    if catalog.diagnostics:
        raise SystemExit(f"the generated catalog has problems, first: {catalog.diagnostics[0]}")
    del catalog
    gc.collect()
    tracemalloc.start()  # a second load, traced: tracing slows Python down, so it is not timed
    catalog = Catalog.load(layers)
    _ = catalog.index
    held_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    cases = [request(rng, words, english, repo) for _ in range(requests)]
    if FREEZE:
        gc.freeze()
    for task, files in cases[:10]:  # warm the stem cache and the compiled globs
        select(catalog.index, task, files)
    times = []
    for task, files in cases:
        t0 = time.perf_counter()
        select(catalog.index, task, files, detail="summary")
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"{label:>13} personas: load+index {load_s * 1000:8.1f} ms | catalog in memory {held_mb:7.1f} MiB | "
          f"select median {statistics.median(times):6.3f} ms, p95 {p95:6.3f} ms "
          f"({requests} requests, 2 KB task, 50 files)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="11,1000,10000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--vocabulary", type=int, default=400,
                        help="made-up words the generated personas share (the issue's budget is set at 400)")
    args = parser.parse_args()
    logging.getLogger("persona_mcp").setLevel(logging.CRITICAL)
    rng = random.Random(SEED)
    words = vocabulary(rng, args.vocabulary)
    print(f"python {sys.version.split()[0]}; seed {SEED}")
    for size in (int(s) for s in args.sizes.split(",")):
        if size == 11:
            measure([Layer("bench", builtin_dir())], "11 (built-in)", args.requests, rng, words)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            measure(write_catalog(Path(tmp), size, rng, words), str(size), args.requests, rng, words)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
