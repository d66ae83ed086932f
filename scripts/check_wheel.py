"""Install a built wheel into a fresh virtual environment, as a user would, and check that it serves.

Run: python scripts/check_wheel.py dist/persona_mcp-X.Y.Z-py3-none-any.whl

Creates a new venv in a temporary folder (no site packages, nothing of this checkout on the
path), installs the wheel with its dependencies, and then, from a folder outside the checkout:

- `persona-mcp --version` prints the wheel's version;
- `persona-mcp list` lists the eleven built-in personas, read from the installed package;
- over stdio, `initialize` names the server and `prompts/list` and `resources/list` offer the
  eleven personas.

Exits 1 with the reason when a check fails. `.ci/run` runs it on the wheel that `python -m build` made.
Standard library only, so any Python 3.11 or newer can run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path
from typing import Any

BUILTIN_COUNT = 11


def _fail(message: str) -> None:
    raise SystemExit(f"check_wheel: {message}")


def _stdio_session(script: Path, cwd: Path, env: dict[str, str]) -> dict[int, Any]:
    """Send a handshake, `prompts/list` and `resources/list`, close stdin, and collect the answers by id."""
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                    "clientInfo": {"name": "check_wheel", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "prompts/list"},
        {"jsonrpc": "2.0", "id": 3, "method": "resources/list"},
    ]
    stdin = "".join(json.dumps(m) + "\n" for m in messages)
    done = subprocess.run([str(script)], input=stdin, cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    answers = {}
    for line in done.stdout.splitlines():
        message = json.loads(line)
        if "id" in message:
            answers[message["id"]] = message
    if set(answers) != {1, 2, 3}:
        _fail(f"the stdio server answered {sorted(answers)}, not 1, 2 and 3\nstderr:\n{done.stderr}")
    return answers


def check(wheel: Path) -> None:
    version = wheel.name.split("-")[1]
    with tempfile.TemporaryDirectory(prefix="persona-mcp-wheel-") as scratch:
        root = Path(scratch)
        env_dir = root / "venv"
        venv.EnvBuilder(with_pip=True).create(env_dir)
        bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
        python = bin_dir / "python"
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=600)
        script = bin_dir / "persona-mcp"
        elsewhere = root / "elsewhere"
        elsewhere.mkdir()
        env = {key: value for key, value in os.environ.items() if not key.startswith(("PERSONA_MCP_", "PYTHON"))}
        env["XDG_CONFIG_HOME"] = str(root / "config")  # no user personas of this machine

        def run(*args: str) -> str:
            done = subprocess.run([str(script), *args], cwd=elsewhere, env=env, capture_output=True, text=True,
                                  encoding="utf-8", timeout=120)
            if done.returncode != 0:
                _fail(f"persona-mcp {' '.join(args)} exited {done.returncode}\n{done.stderr}")
            return done.stdout

        printed = run("--version").strip()
        if printed != f"persona-mcp {version}":
            _fail(f"--version printed {printed!r}, the wheel is {version}")
        listed = json.loads(run("list", "--json"))
        if len(listed) != BUILTIN_COUNT or any(p["layer"] != "builtin" for p in listed):
            _fail(f"list shows {len(listed)} personas, not the {BUILTIN_COUNT} built-in ones")
        site = (env_dir / "lib").resolve()
        outside = [p["path"] for p in listed if os.name != "nt" and not Path(p["path"]).resolve().is_relative_to(site)]
        if outside:
            _fail(f"personas read from outside the installed package: {outside[:2]}")
        answers = _stdio_session(script, elsewhere, env)
        info = answers[1]["result"]["serverInfo"]
        if info["version"] != version:
            _fail(f"initialize reports version {info['version']}, the wheel is {version}")
        prompts = answers[2]["result"]["prompts"]
        resources = answers[3]["result"]["resources"]
        if len(prompts) != BUILTIN_COUNT:
            _fail(f"prompts/list offers {len(prompts)} prompts, not {BUILTIN_COUNT}")
        personas = [r for r in resources if r["uri"] != "persona://catalog"]
        if len(personas) != BUILTIN_COUNT:
            _fail(f"resources/list offers {len(personas)} persona resources, not {BUILTIN_COUNT}")
    print(f"check_wheel: {wheel.name} installs in a fresh venv and serves {BUILTIN_COUNT} personas over stdio")


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].endswith(".whl"):
        raise SystemExit(__doc__)
    check(Path(argv[0]).resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
