"""The command line: every subcommand, its output streams and its exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from persona_mcp.authoring import frontmatter_schema
from persona_mcp.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main

GOOD = """---
name: persona-data
description: "Data pipelines. Auto-invoke when: ETL, warehouse."
trigger-keywords: [pipeline, warehouse]
---
# Persona: Data

Guidance for data work.
"""
BROKEN = "---\nname: not?valid\ndescription: x\n---\nbody\n"


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


def test_list_counts_one_persona_as_one(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, _ = run(capsys, "--no-builtin", "--no-user", "--personas", str(folder), "list")
    assert code == EXIT_OK and out.strip().endswith("\n1 persona")


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
    assert before[1].strip().endswith("\n1 persona")


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


@pytest.mark.parametrize("argv", [["select", "   "], ["select", "x", "--top-k", "0"], ["select", "x", "--top-k", "21"]])
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
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")  # a path that is a link leading nowhere says so
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    (tmp_path / "gone").symlink_to(tmp_path / "nope")
    for link in ("loop-a", "gone"):
        for command in ("validate", "convert"):
            code, _, err = run(capsys, command, str(tmp_path / link))
            assert code == EXIT_USAGE
            assert f"{tmp_path / link} is a symlink that cannot be followed" in err and "fix or remove it" in err


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


@pytest.mark.parametrize(("where", "message"), [
    ("missing/x.json", "the folder {tmp}/missing does not exist"),
    ("", "it is a folder"),
    ("afile/x.json", "is a file, not a folder"),
])
def test_schema_output_that_cannot_be_written_is_a_one_line_usage_error(tmp_path: Path, where: str,
                                                                        message: str) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    target = tmp_path / where if where else tmp_path
    done = subprocess.run([sys.executable, "-m", "persona_mcp", "schema", "-o", str(target)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: cannot write --output ") and done.stderr.count("\n") == 1, done.stderr
    assert message.format(tmp=tmp_path) in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize("argv", [["--log-level", "debug", "list"], ["list", "--log-level", "Debug"]])
def test_log_level_is_taken_in_any_case(argv: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "persona_mcp", "--no-user", *argv], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PERSONA_MCP_LOG_LEVEL": ""})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("personas")


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


def test_a_persona_file_given_as_a_folder_is_told_to_give_its_folder(capsys: pytest.CaptureFixture[str],
                                                                      folder: Path) -> None:
    given = folder / "persona-data.md"
    code, out, err = run(capsys, "--no-builtin", "--no-user", "--personas", str(given), "list")
    assert code == EXIT_OK
    assert out == "0 personas\n"
    assert (f"{given}: error: cannot read the persona folder of layer 'custom': it is a file, not a folder "
            f"(fix: give the folder that holds it instead: --personas {folder})") in err
    assert "permissions" not in err


# ---------------------------------------------------------------- convert

RULE = "---\ndescription: React component conventions.\nglobs: src/components/**\n---\n# React\n\nUse hooks.\n"


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A folder to convert: a persona of our format, whose converted file has its own name, and a Cursor rule."""
    folder = tmp_path / "agents"
    folder.mkdir()
    (folder / "persona-data.md").write_text(GOOD, encoding="utf-8")
    (folder / "react.mdc").write_text(RULE, encoding="utf-8")
    return folder


def test_convert_into_the_folder_it_converts_never_writes_over_a_source(capsys: pytest.CaptureFixture[str],
                                                                         sources: Path) -> None:
    source = sources / "persona-data.md"
    code, out, err = run(capsys, "convert", str(sources), "--output", str(sources))
    assert code == EXIT_FAILURE
    assert out == ""
    assert source.read_text(encoding="utf-8") == GOOD  # the user's file, untouched
    assert (f"{source}: error: not written: it would overwrite {source}, one of the files being converted "
            "(fix: choose another --output folder)\n") in err
    assert f"wrote {sources / 'react.md'}\n" in err  # the other conversion is not lost
    assert "trigger-files:" in (sources / "react.md").read_text(encoding="utf-8")


def test_convert_never_writes_through_a_link_to_a_source(capsys: pytest.CaptureFixture[str], sources: Path,
                                                         tmp_path: Path) -> None:
    # The same file by another path: `--output` holds a symlink to a source, and a hard link to another.
    out_dir = tmp_path / "converted"
    out_dir.mkdir()
    (out_dir / "persona-data.md").symlink_to(sources / "persona-data.md")
    os.link(sources / "react.mdc", out_dir / "react.md")
    code, _, err = run(capsys, "convert", str(sources / "persona-data.md"), str(sources), "--output", str(out_dir))
    assert code == EXIT_FAILURE
    assert (sources / "persona-data.md").read_text(encoding="utf-8") == GOOD
    assert (sources / "react.mdc").read_text(encoding="utf-8") == RULE
    assert f"it would overwrite {out_dir / 'persona-data.md'}, one of the files being converted" in err
    assert f"it would overwrite {out_dir / 'react.md'}, one of the files being converted" in err
    assert "wrote" not in err


@pytest.fixture
def taken(tmp_path: Path) -> Path:
    """An --output folder that already holds a file of the user's, under a name a conversion would write."""
    out_dir = tmp_path / "converted"
    out_dir.mkdir()
    (out_dir / "persona-data.md").write_text("MINE\n", encoding="utf-8")
    return out_dir


def test_convert_never_writes_over_an_unrelated_file_and_then_writes_nothing(capsys: pytest.CaptureFixture[str],
                                                                             sources: Path, taken: Path) -> None:
    code, out, err = run(capsys, "convert", str(sources), "--output", str(taken))

    assert code == EXIT_USAGE
    assert out == ""
    assert err == (f"error: not writing over {taken / 'persona-data.md'}: it exists and differs from what would be "
                   "written, so nothing was written; give --force to overwrite, or choose another --output folder\n")
    assert (taken / "persona-data.md").read_text(encoding="utf-8") == "MINE\n"
    assert sorted(p.name for p in taken.iterdir()) == ["persona-data.md"]  # react.md, free to write, is not either


def test_convert_force_writes_over_an_unrelated_file(capsys: pytest.CaptureFixture[str], sources: Path,
                                                     taken: Path) -> None:
    code, _, err = run(capsys, "convert", str(sources), "--output", str(taken), "--force")

    assert code == EXIT_OK, err
    assert (taken / "persona-data.md").read_text(encoding="utf-8").startswith("---\nname: persona-data\n")
    assert sorted(p.name for p in taken.iterdir()) == ["persona-data.md", "react.md"]


def test_convert_force_replaces_a_link_or_a_pipe_in_output_not_writing_into_it(sources: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "notes.md"
    elsewhere.write_text("the user's notes\n", encoding="utf-8")
    out_dir = tmp_path / "converted"
    out_dir.mkdir()
    (out_dir / "react.md").symlink_to(elsewhere)
    os.mkfifo(out_dir / "persona-data.md")  # nobody reads it: writing to it would wait for ever

    def convert(*options: str) -> subprocess.CompletedProcess[str]:  # in a process, so a stuck write cannot hang pytest
        return subprocess.run([sys.executable, "-m", "persona_mcp", "convert", str(sources), "--output", str(out_dir),
                               *options], capture_output=True, text=True, timeout=60, check=False)

    refused = convert()
    assert refused.returncode == EXIT_USAGE
    assert "(and 1 more)" in refused.stderr

    forced = convert("--force")
    assert forced.returncode == EXIT_OK, forced.stderr
    assert elsewhere.read_text(encoding="utf-8") == "the user's notes\n"
    assert not (out_dir / "react.md").is_symlink() and (out_dir / "persona-data.md").is_file()


def test_convert_again_into_the_same_folder_is_no_overwrite(capsys: pytest.CaptureFixture[str], sources: Path,
                                                            tmp_path: Path) -> None:
    out_dir = tmp_path / "converted"
    assert run(capsys, "convert", str(sources), "--output", str(out_dir))[0] == EXIT_OK
    before = {p.name: p.read_bytes() for p in out_dir.iterdir()}

    code, _, err = run(capsys, "convert", str(sources), "--output", str(out_dir))

    assert code == EXIT_OK, err  # the files there hold exactly what would be written
    assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == before


def test_convert_help_offers_force() -> None:
    run_help = subprocess.run([sys.executable, "-m", "persona_mcp", "convert", "--help"], capture_output=True,
                              text=True, timeout=30, check=False)
    assert run_help.returncode == 0
    assert "--force" in run_help.stdout and "hold something else" in run_help.stdout


def test_convert_output_that_is_a_file_is_a_usage_error(capsys: pytest.CaptureFixture[str], sources: Path) -> None:
    source = sources / "persona-data.md"
    code, out, err = run(capsys, "convert", str(source), "--output", str(source))
    assert code == EXIT_USAGE
    assert out == ""
    assert err.endswith(f"error: --output {source} is not a folder: give the folder to write the persona files to\n")
    assert source.read_text(encoding="utf-8") == GOOD


def test_validate_and_the_listing_report_a_broken_lexicon_extension(tmp_path: Path, capsys, monkeypatch) -> None:
    from persona_mcp.catalog import Catalog, default_layers

    extension = tmp_path / "lexicon.yaml"
    extension.write_text("version: 1\nentries:\n  - {name: deploy-tool, kind: tool, terms: [terraform]}\n", "utf-8")
    monkeypatch.setenv("PERSONA_MCP_LEXICON", str(extension))
    code, out, err = run(capsys, "--no-user", "validate")
    assert code == EXIT_FAILURE, out  # CI catches it: the file is skipped whole, so its entries never apply
    assert "lexicon.yaml:3: error" in err and "'terraform' already names entry 'terraform'" in err
    problems = Catalog.load(default_layers(user=False)).listing().problems  # what list_personas reports
    assert any("lexicon.yaml" in problem for problem in problems), problems


KAFKA = "---\nname: KafkaEvents\ndescription: Kafka producers and consumers.\n---\n# Kafka and events\n\nBe calm.\n"


@pytest.mark.parametrize("name", ["KafkaEvents", "kafkaevents", "KAFKA_EVENTS", "Kafka Events", "kafka_events",
                                  "kafkaEvents", "persona-kafka-events", "Persona-Kafka-Events"])
def test_show_finds_a_persona_by_the_name_its_file_writes_in_any_form(capsys: pytest.CaptureFixture[str],
                                                                       tmp_path: Path, name: str) -> None:
    (tmp_path / "KafkaEvents.md").write_text(KAFKA, encoding="utf-8")
    code, out, err = run(capsys, "--no-builtin", "--no-user", "--personas", str(tmp_path), "show", name)
    assert (code, err) == (EXIT_OK, "")
    assert out.startswith("# Kafka and events")


def test_show_does_not_guess_between_two_personas_whose_names_differ_only_in_dashes(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for name in ("data-base", "database"):
        (tmp_path / f"{name}.md").write_text(f"---\nname: {name}\ndescription: d\n---\n# {name}\n", encoding="utf-8")
    (tmp_path / "ab.md").write_text("---\nname: a-bc\ndescription: d\n---\n# a-bc\n", encoding="utf-8")
    (tmp_path / "abc.md").write_text("---\nname: ab-c\ndescription: d\n---\n# ab-c\n", encoding="utf-8")
    folder = ("--no-builtin", "--no-user", "--personas", str(tmp_path))
    assert run(capsys, *folder, "show", "DataBase")[1].startswith("# data-base")
    assert run(capsys, *folder, "show", "Database")[1].startswith("# database")
    code, out, err = run(capsys, *folder, "show", "abc")
    assert (code, out) == (EXIT_FAILURE, "") and err.startswith("error: unknown persona 'abc'")


def test_validate_counts_a_skipped_project_file_as_a_note_not_a_problem(tmp_path: Path) -> None:
    (tmp_path / "persona-data.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "AGENTS.md").write_text("# AGENTS.md\n\n- Conventional commits.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "persona_mcp", "validate", "--strict", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == EXIT_OK, done.stderr
    assert done.stdout.startswith("1 persona(s) valid, 0 error(s), 0 warning(s), 1 note(s)")
    assert done.stderr.startswith(f"{tmp_path / 'AGENTS.md'}: info: skipped AGENTS.md")


def test_validate_strict_keeps_a_claude_code_agent_whose_description_holds_example_blocks(tmp_path: Path) -> None:
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "code-reviewer.md").write_text(
        "---\nname: code-reviewer\ndescription: Use this agent when a pull request or a diff needs review before "
        "merge. Checks correctness and test coverage. Examples:\n  <example>\n  Context: user finished a feature\n"
        '  user: "can you review my PR for the refund endpoint?"\n  assistant: "I\'ll use the code-reviewer agent '
        'to review the refund endpoint changes"\n  </example>\ntools: Read, Grep, Glob, Bash\nmodel: sonnet\n'
        "color: purple\n---\n\nYou are a senior reviewer.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "persona_mcp", "--strict", "validate", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stderr) == (EXIT_OK, "")
    assert done.stdout.startswith("1 persona(s) valid, 0 error(s), 0 warning(s)")


def test_select_reads_an_absolute_path_under_the_current_folder_relative_to_it(tmp_path: Path) -> None:
    personas, project = tmp_path / "personas", tmp_path / "ledgerly"
    personas.mkdir()
    (project / "web").mkdir(parents=True)
    (personas / "react.md").write_text("---\nname: react-components\ndescription: React components.\n"
                                       "trigger-files: [\"web/src/**/*.tsx\"]\n---\n# React\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(project, target_is_directory=True)

    def select(path: Path, pwd: Path) -> str:
        env = {**os.environ, "PWD": str(pwd)}
        done = subprocess.run([sys.executable, "-m", "persona_mcp", "--no-builtin", "--no-user", "--personas",
                               str(personas), "select", "Fix the focus order", "--file", str(path)],
                              cwd=project, env=env, capture_output=True, text=True, timeout=60, check=True)
        return done.stdout

    page = Path("web/src/pages/Transactions.tsx")
    assert "'web/src/**/*.tsx' <- web/src/pages/Transactions.tsx" in select(project / page, project)
    # The shell's $PWD names the folder by a symlink: a path written through it is under the folder too.
    assert "'web/src/**/*.tsx' <- web/src/pages/Transactions.tsx" in select(tmp_path / "link" / page,
                                                                           tmp_path / "link")


def console(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, run in `cwd` as a user runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERSONA_MCP_")}
    return subprocess.run([str(Path(sys.executable).parent / "persona-mcp"), *argv], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=60, check=False)


def test_select_in_an_empty_catalog_says_the_catalog_is_empty_and_how_to_add_personas(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()

    done = console(tmp_path, "--no-builtin", "--no-user", "--personas", "empty", "select", "Add an endpoint")

    assert (done.returncode, done.stderr) == (EXIT_OK, "")
    assert done.stdout == ("none\nThe catalog has no personas. To add some, leave out --no-builtin (and "
                           "PERSONA_MCP_NO_BUILTIN) for the built-in ones, or put persona files in .personas/ of "
                           "the current folder or in a folder given with --personas DIR.\n")
    as_json = console(tmp_path, "--no-builtin", "--personas", "empty", "select", "Add an endpoint", "--json")
    reason = json.loads(as_json.stdout)["reason"]
    assert reason.startswith("The catalog has no personas.") and "persona-mcp" + os.sep + "personas" in reason


def test_validate_of_a_folder_without_persona_files_says_so_and_exits_0(tmp_path: Path) -> None:
    (tmp_path / "empty" / "notes").mkdir(parents=True)
    (tmp_path / "empty" / "notes" / "todo.txt").write_text("not a persona\n", encoding="utf-8")

    done = console(tmp_path, "validate", "empty")

    assert done.returncode == EXIT_OK  # nothing is wrong with any file: there is none
    assert done.stdout.startswith("0 persona(s) valid, 0 error(s), 1 warning(s)\n")
    assert done.stderr == ("empty: warning: the folder holds no persona files (fix: add NAME.md files that start "
                           "with '---' frontmatter (or other tools' files: *.mdc, SKILL.md, ...), or give the folder "
                           "that holds them)\n")


def test_show_of_an_unknown_name_in_a_large_catalog_offers_the_closest_names(tmp_path: Path) -> None:
    names = ["drizzle", "prisma", "postgres", "mysql", "redis", "kafka", "react", "vue", "svelte", "angular", "django",
             "flask", "rails", "laravel", "spring", "go", "rust", "python", "java", "kotlin", "swift", "docker",
             "kubernetes", "terraform", "ansible"]
    for name in names:
        (tmp_path / f"{name}.md").write_text(f"---\nname: {name}\ndescription: {name} work\n---\nBody.\n",
                                             encoding="utf-8")
    alone = ["--no-builtin", "--no-user", "--personas", str(tmp_path)]

    typo = console(tmp_path, *alone, "show", "drizle")
    unlike = console(tmp_path, *alone, "show", "qqqqq")

    assert (typo.returncode, typo.stdout) == (EXIT_FAILURE, "")
    assert typo.stderr == "error: unknown persona 'drizle'; the closest of the 25 known personas: drizzle\n"
    first = ", ".join(sorted(names)[:20])
    assert unlike.stderr == f"error: unknown persona 'qqqqq'; known personas: {first} and 5 more\n"
