"""The PERSONA_MCP_* variables mean the same on every route, through the installed console script; flags win."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx2
import pytest
from tests.test_http import start, stop

from persona_mcp.settings import CommonSettings

SCRIPT = Path(sys.executable).parent / "persona-mcp"
WIDGET = ("---\nname: persona-widget\ndescription: Widget polishing. Auto-invoke when: widget.\n---\n"
          "# Persona: Widget Smith\n\nPolish the widget.\n")
SKIPPED_NOTE = "skipped AGENTS.md"  # a note the catalog logs at INFO when it loads the folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A persona folder with one persona, and an AGENTS.md that loading it notes at INFO."""
    path = tmp_path / "team"
    path.mkdir()
    (path / "widget.md").write_text(WIDGET, encoding="utf-8")
    (path / "AGENTS.md").write_text("# How we work\n", encoding="utf-8")
    return path


def environment(**variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERSONA_MCP_")}
    return {**env, **variables}


def run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], input=stdin, capture_output=True, text=True, encoding="utf-8",
                          env=env, timeout=120)


def serve_stdio(args: list[str], env: dict[str, str]) -> tuple[list[str], str]:
    """Serve over stdio as a host does, list the personas, close stdin: their short names, and stderr."""
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "list_personas", "arguments": {}}},
    ]
    done = run([*args, "serve"], env, "".join(json.dumps(m) + "\n" for m in messages))
    answers = {m["id"]: m for m in map(json.loads, done.stdout.splitlines()) if "id" in m}
    assert done.returncode == 0 and set(answers) == {1, 2}, done.stderr
    return [p["short_name"] for p in answers[2]["result"]["structuredContent"]["personas"]], done.stderr


def listed(args: list[str], env: dict[str, str]) -> list[str]:
    done = run([*args, "list", "--json"], env)
    assert done.returncode == 0, done.stderr
    return [p["short_name"] for p in json.loads(done.stdout)]


# ---------------------------------------------------------------- the catalog's layers


def test_no_builtin_from_the_environment_leaves_out_the_builtins_in_list_and_over_stdio(folder: Path) -> None:
    env = environment(PERSONA_MCP_NO_BUILTIN="1", PERSONA_MCP_PATH=str(folder))
    assert listed([], env) == ["widget"]
    assert serve_stdio([], env)[0] == ["widget"]
    assert len(listed([], environment(PERSONA_MCP_NO_BUILTIN="0", PERSONA_MCP_PATH=str(folder)))) == 12


def test_no_builtin_from_the_environment_leaves_out_the_builtins_over_http(folder: Path) -> None:
    server = start([str(SCRIPT), "serve", "--transport", "http", "--port", "0"], r"serving MCP on (\S+)",
                   env={"PERSONA_MCP_NO_BUILTIN": "1", "PERSONA_MCP_PATH": str(folder)})
    try:
        with httpx2.Client(timeout=30) as http:
            assert http.get(server.base + "/healthz").json()["personas"] == 1
    finally:
        stop(server)


def test_no_user_from_the_environment_leaves_out_the_users_folder(empty_user_config: Path) -> None:
    user = empty_user_config / "persona-mcp" / "personas"
    user.mkdir(parents=True)
    (user / "widget.md").write_text(WIDGET, encoding="utf-8")
    assert "widget" in listed([], environment())
    assert "widget" not in listed([], environment(PERSONA_MCP_NO_USER="true"))
    assert "widget" not in serve_stdio([], environment(PERSONA_MCP_NO_USER="yes"))[0]


def test_strict_from_the_environment_makes_warnings_errors(folder: Path) -> None:
    (folder / "widget.md").write_text(WIDGET.replace("name:", "colour: blue\nname:"), encoding="utf-8")
    assert run(["validate", str(folder)], environment()).returncode == 0
    strict = run(["validate", str(folder)], environment(PERSONA_MCP_STRICT="1"))
    assert strict.returncode == 1 and "colour" in strict.stderr
    assert serve_stdio(["--no-builtin", "--personas", str(folder)], environment(PERSONA_MCP_STRICT="on"))[0] == []


# ---------------------------------------------------------------- the log level, and flags over the environment


@pytest.mark.parametrize(("args", "level", "shown"), [
    ([], "INFO", True),
    ([], "info", True),
    ([], "ERROR", False),
    (["--log-level", "INFO"], "ERROR", True),
    (["--log-level", "WARNING"], "INFO", False),
])
def test_the_log_level_from_the_environment_and_the_flag_that_wins(
    folder: Path, args: list[str], level: str, shown: bool,
) -> None:
    env = environment(PERSONA_MCP_LOG_LEVEL=level)
    _, stderr = serve_stdio([*args, "--no-builtin", "--personas", str(folder)], env)
    assert (SKIPPED_NOTE in stderr) is shown, stderr


def test_every_http_worker_logs_at_the_flags_level_over_the_environments(folder: Path) -> None:
    server = start([str(SCRIPT), "--log-level", "INFO", "--no-builtin", "--personas", str(folder), "serve",
                    "--transport", "http", "--port", "0", "--workers", "2"], r"serving MCP on (\S+)",
                   env={"PERSONA_MCP_LOG_LEVEL": "ERROR"})
    try:
        with httpx2.Client(timeout=30) as http:
            assert http.get(server.base + "/healthz").json()["personas"] == 1  # a worker is serving
    finally:
        stop(server)
    assert server.log().count(SKIPPED_NOTE) == 2, server.log()  # each worker loaded the catalog and said so


def test_a_value_that_is_not_understood_is_left_out_with_a_warning(folder: Path) -> None:
    done = run(["--no-builtin", "--personas", str(folder), "list"],
               environment(PERSONA_MCP_STRICT="maybe", PERSONA_MCP_LOG_LEVEL="loud"))
    assert done.returncode == 0 and "widget" in done.stdout
    assert "PERSONA_MCP_STRICT='maybe' is not one of 1, true, yes, on, 0, false, no, off: left out" in done.stderr
    assert "PERSONA_MCP_LOG_LEVEL='loud' is not one of DEBUG, INFO, WARNING, ERROR: left out" in done.stderr


def test_a_placeholder_a_host_did_not_fill_counts_as_unset() -> None:
    settings = CommonSettings.read({"PERSONA_MCP_NO_BUILTIN": "${user_config.no_builtin}",
                                    "PERSONA_MCP_LOG_LEVEL": "${user_config.log_level}"})
    assert settings.builtin and settings.log_level == "WARNING" and not settings.problems


def test_flags_win_over_the_environment() -> None:
    env: dict[str, Any] = {"PERSONA_MCP_LOG_LEVEL": "ERROR", "PERSONA_MCP_STRICT": "0"}
    settings = CommonSettings.read(env, strict=True, log_level="DEBUG", no_builtin=True)
    assert settings.strict and settings.log_level == "DEBUG" and not settings.builtin
