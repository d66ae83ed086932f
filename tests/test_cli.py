"""The command line: every subcommand, its output streams and its exit codes."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from persona_mcp.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, frontmatter_schema, main

GOOD = """---
name: persona-data
description: "Data pipelines. Auto-invoke when: ETL, warehouse."
trigger-keywords: [pipeline, warehouse]
---
# Persona: Data

Guidance for data work.
"""
BROKEN = "---\nname: Not_Valid\ndescription: x\n---\nbody\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "persona-data.md").write_text(GOOD, encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_the_eleven_builtin_personas(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list")
    assert code == EXIT_OK
    assert out.strip().endswith("11 personas")
    for name in ("architect", "frontend", "backend", "security", "performance", "qa", "devops", "refactorer",
                 "analyzer", "mentor", "scribe"):
        assert f"\n{name} " in "\n" + out


def test_list_json_includes_layer_and_path(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, _ = run(capsys, "--personas", str(folder), "list", "--json")
    assert code == EXIT_OK
    data = {p["name"]: p for p in json.loads(out)}
    assert data["persona-data"]["layer"] == "custom"
    assert data["persona-data"]["path"].endswith("persona-data.md")
    assert data["persona-backend"]["layer"] == "builtin"


def test_options_work_before_or_after_the_command(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    before = run(capsys, "--no-builtin", "--personas", str(folder), "list")
    after = run(capsys, "list", "--no-builtin", "--personas", str(folder))
    assert before == after
    assert before[1].strip().endswith("1 personas")


def test_show_accepts_short_and_full_names(capsys: pytest.CaptureFixture[str]) -> None:
    short = run(capsys, "show", "backend")
    full = run(capsys, "show", "persona-backend")
    assert short == full
    assert short[1].startswith("# Persona: Backend")


def test_show_summary_is_shorter(capsys: pytest.CaptureFixture[str]) -> None:
    _, full, _ = run(capsys, "show", "backend")
    _, summary, _ = run(capsys, "show", "backend", "--summary")
    assert 0 < len(summary) < len(full)


def test_show_unknown_persona_fails_with_the_known_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "wizard")
    assert code == EXIT_FAILURE
    assert out == ""
    assert err.startswith("error: unknown persona 'wizard'") and "persona-backend" in err


def test_select_prints_the_persona_and_its_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "select", "Add user registration", "--file",
                       "app/Http/Controllers/UserController.php")
    assert code == EXIT_OK
    first, *rest = out.splitlines()
    assert first.startswith("persona-backend (confidence ")
    assert any("registration" in line for line in rest)
    assert any("controller" in line.lower() and "file" in line for line in rest)


def test_select_json_is_a_selection(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "select", "Profile and speed up the slow query", "--json", "--top-k", "2",
                       "--server", "context7")
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["persona"] is not None
    assert data["mcp_servers"]["unavailable"] is not None
    assert len(data["alternatives"]) <= 1


def test_select_abstains_when_nothing_fits(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "select", "zzzz qqqq")
    assert code == EXIT_OK
    assert out.startswith("none\n")


@pytest.mark.parametrize("argv", [["select", "   "], ["select", "x", "--top-k", "0"]])
def test_select_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == EXIT_USAGE
    assert err.startswith("error: ")


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == EXIT_USAGE
    assert "invalid choice" in capsys.readouterr().err


def test_validate_builtin_catalog_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate")
    assert code == EXIT_OK, err
    assert out.startswith("11 persona(s) valid, 0 error(s)")


def test_validate_names_every_broken_file_and_exits_1(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    (folder / "bad-name.md").write_text(BROKEN, encoding="utf-8")
    (folder / "no-frontmatter.md").write_text("# Just markdown\n", encoding="utf-8")
    (folder / "bad-yaml.md").write_text("---\nname: [unclosed\n---\n", encoding="utf-8")
    code, out, err = run(capsys, "validate", str(folder))
    assert code == EXIT_FAILURE
    for name in ("bad-name.md", "no-frontmatter.md", "bad-yaml.md"):
        assert name in err
    assert "persona-data.md" not in err
    assert out.startswith("1 persona(s) valid, 3 error(s)")


def test_validate_json(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    (folder / "bad-name.md").write_text(BROKEN, encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(folder), "--json")
    data = json.loads(out)
    assert code == EXIT_FAILURE
    assert data["ok"] is False and data["personas"] == ["persona-data"]
    assert data["diagnostics"][0]["field"] == "name" and data["diagnostics"][0]["line"] == 2


def test_validate_strict_fails_on_warnings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "p.md").write_text(GOOD.replace("trigger-keywords", "trigger_keywords"), encoding="utf-8")
    assert run(capsys, "validate", str(tmp_path))[0] == EXIT_OK
    code, _, err = run(capsys, "validate", "--strict", str(tmp_path))
    assert code == EXIT_FAILURE
    assert "did you mean 'trigger-keywords'" in err


def test_validate_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nope"))
    assert code == EXIT_USAGE
    assert "no such file" in err


def test_broken_file_does_not_hide_the_others(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    (folder / "bad-name.md").write_text(BROKEN, encoding="utf-8")
    code, out, err = run(capsys, "--personas", str(folder), "list")
    assert code == EXIT_OK
    assert "data" in out and out.strip().endswith("12 personas")
    assert "bad-name.md" in err


def test_schema_prints_the_frontmatter_schema(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == EXIT_OK
    assert json.loads(out) == frontmatter_schema()
    target = tmp_path / "schema.json"
    assert run(capsys, "schema", "-o", str(target))[0] == EXIT_OK
    assert json.loads(target.read_text(encoding="utf-8"))["properties"]["trigger-files"]


def test_env_path_adds_a_layer(capsys: pytest.CaptureFixture[str], folder: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONA_MCP_PATH", str(folder))
    code, out, _ = run(capsys, "list", "--json")
    assert code == EXIT_OK
    layers = {p["name"]: p["layer"] for p in json.loads(out)}
    assert layers["persona-data"] == "env"


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("persona-mcp ")


def test_user_folder_is_a_layer_and_no_user_leaves_it_out(capsys: pytest.CaptureFixture[str],
                                                          empty_user_config: Path) -> None:
    user = empty_user_config / "persona-mcp" / "personas"
    user.mkdir(parents=True)
    (user / "persona-data.md").write_text(GOOD, encoding="utf-8")
    code, out, _ = run(capsys, "list")
    assert code == EXIT_OK
    assert "data  " in out and "[user]" in out
    assert out.strip().endswith("12 personas")
    code, out, _ = run(capsys, "--no-user", "list")
    assert "[user]" not in out
    assert out.strip().endswith("11 personas")


def test_validate_reports_a_broken_user_persona(capsys: pytest.CaptureFixture[str], empty_user_config: Path) -> None:
    user = empty_user_config / "persona-mcp" / "personas"
    user.mkdir(parents=True)
    (user / "broken.md").write_text(BROKEN, encoding="utf-8")
    code, out, err = run(capsys, "validate")
    assert code == EXIT_FAILURE
    assert str(user / "broken.md") in err
    assert "1 error(s)" in out


def test_commands_that_do_not_serve_never_import_the_mcp_sdk() -> None:
    import subprocess
    import sys

    code = ("import sys\nfrom persona_mcp.cli import main\n"
            "for argv in (['list'], ['validate'], ['select', 'Add an API endpoint'], ['show', 'qa']):\n"
            "    main(argv)\n"
            "heavy = ('mcp', 'starlette', 'uvicorn', 'persona_mcp.live', 'persona_mcp.http', 'persona_mcp.stdio')\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in heavy or m.startswith(heavy))\n"
            "sys.stderr.write(repr(loaded))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip().endswith("[]")


def test_a_reader_that_stops_early_gets_no_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    # `persona-mcp list | head -1`: the reader has closed the pipe before everything was written.
    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "w") as broken:
        monkeypatch.setattr(sys, "stdout", broken)
        assert main(["list"]) == EXIT_OK
