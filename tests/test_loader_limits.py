"""Hostile persona folders: symlinks out, pipes, odd file names, YAML bombs. Each is a diagnostic, never a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from persona_mcp.loader import MAX_YAML_VALUES, load_folder, load_persona_file, parse_persona

GOOD = "---\nname: persona-good\ndescription: Good at good things.\n---\n# Good\n\nBe good.\n"


def frontmatter(yaml_text: str) -> str:
    return f"---\n{yaml_text}\n---\n# X\n\nGuidance.\n"


def folder_with_good_persona(tmp_path: Path) -> Path:
    folder = tmp_path / "personas"
    folder.mkdir()
    (folder / "persona-good.md").write_text(GOOD, encoding="utf-8")
    return folder


def test_symlink_to_a_file_outside_the_folder_is_refused_and_names_the_target(tmp_path: Path) -> None:
    folder = folder_with_good_persona(tmp_path)
    secret = tmp_path / "outside.md"
    secret.write_text(GOOD.replace("persona-good", "persona-outside"), encoding="utf-8")
    (folder / "persona-outside.md").symlink_to(secret)

    result = load_folder(folder)

    assert [p.name for p in result.personas] == ["persona-good"]
    (diagnostic,) = result.diagnostics
    assert diagnostic.path == str(folder / "persona-outside.md")
    assert "outside the persona folder" in diagnostic.message and str(secret) in diagnostic.message
    assert diagnostic.hint


def test_symlink_through_a_symlinked_folder_chain_is_judged_by_its_final_target(tmp_path: Path) -> None:
    folder = folder_with_good_persona(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "real.md").write_text(GOOD.replace("persona-good", "persona-far"), encoding="utf-8")
    (folder / "hop").symlink_to(elsewhere, target_is_directory=True)
    (folder / "persona-far.md").symlink_to(folder / "hop" / "real.md")

    result = load_folder(folder)

    assert [p.name for p in result.personas] == ["persona-good"]
    assert "outside the persona folder" in result.diagnostics[0].message


def test_symlink_to_a_file_inside_the_folder_loads(tmp_path: Path) -> None:
    folder = folder_with_good_persona(tmp_path)
    drafts = folder / "drafts"
    drafts.mkdir()
    (drafts / "inner.md").write_text(GOOD.replace("persona-good", "persona-inner"), encoding="utf-8")
    (folder / "persona-inner.md").symlink_to(drafts / "inner.md")

    result = load_folder(folder)

    # The file is reached twice, through the subfolder and through the symlink, and read once.
    assert [p.name for p in result.personas] == ["persona-inner", "persona-good"]
    assert result.diagnostics == []


def test_a_symlinked_persona_folder_itself_is_fine(tmp_path: Path) -> None:
    folder = folder_with_good_persona(tmp_path)
    alias = tmp_path / "alias"
    alias.symlink_to(folder, target_is_directory=True)

    result = load_folder(alias)

    assert [p.name for p in result.personas] == ["persona-good"]
    assert result.diagnostics == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_in_the_folder_is_refused_without_blocking(tmp_path: Path) -> None:
    folder = folder_with_good_persona(tmp_path)
    os.mkfifo(folder / "persona-pipe.md")
    # In a child process, so that a loader that blocks on the pipe fails the test instead of hanging it.
    code = (
        "import sys; from pathlib import Path; from persona_mcp.loader import load_folder; "
        "r = load_folder(Path(sys.argv[1])); print([p.name for p in r.personas]); "
        "print(*[str(d) for d in r.diagnostics], sep='\\n')"
    )
    done = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    names, diagnostic = done.stdout.splitlines()
    assert names == "['persona-good']"
    assert "persona-pipe.md" in diagnostic and "not a regular file" in diagnostic


@pytest.mark.parametrize("filename", ["persona-a\nforged: error.md", "persona-\x1b[31mred.md", "persona-\u202ertl.md"])
def test_file_name_with_a_control_character_is_refused_on_one_printable_line(tmp_path: Path, filename: str) -> None:
    folder = folder_with_good_persona(tmp_path)
    try:
        (folder / filename).write_text(GOOD.replace("persona-good", "persona-odd"), encoding="utf-8")
    except OSError:
        pytest.skip("this file system refuses the name")

    result = load_folder(folder)

    assert [p.name for p in result.personas] == ["persona-good"]
    (diagnostic,) = result.diagnostics
    assert "control character" in diagnostic.message
    assert "\n" not in str(diagnostic) and str(diagnostic).isprintable()


# ("x y" is a display name: it is read as x-y, and "café" as cafe, with a warning; see test_loader.)
@pytest.mark.parametrize("name", ["../etc/passwd", "a/b", "x%2Fy", "persona://x", "x?y=1", "x#y", "..", "x\\y",
                                  "x\u0000y", "x\ny", "caf\u00e9/x"])
def test_names_that_could_escape_a_uri_or_a_path_are_refused(name: str) -> None:
    text = f"---\nname: {name!r}\ndescription: Sneaky.\n---\n# Sneaky\n"
    if "\\" in name or "\n" in name or "\u0000" in name:
        text = f'---\nname: "{name.encode("unicode_escape").decode()}"\ndescription: Sneaky.\n---\n# Sneaky\n'

    result = parse_persona(text, "x.md")

    assert result.personas == []
    assert [d.field for d in result.diagnostics] == ["name"], [str(d) for d in result.diagnostics]


def test_an_alias_bomb_is_refused_quickly_and_the_other_personas_load(tmp_path: Path) -> None:
    folder = folder_with_good_persona(tmp_path)
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for previous, current in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{current}: &{current} [" + ", ".join([f"*{previous}"] * 9) + "]")
    bomb = frontmatter("\n".join(levels) + "\nname: *i\ndescription: *i")
    (folder / "persona-bomb.md").write_text(bomb, encoding="utf-8")

    result = load_folder(folder)

    assert [p.name for p in result.personas] == ["persona-good"]
    (diagnostic,) = result.diagnostics
    assert f"over {MAX_YAML_VALUES} values" in diagnostic.message and "alias" in diagnostic.message


def test_aliases_that_stay_small_are_allowed() -> None:
    text = frontmatter("name: persona-shared\ndescription: Shares.\ntrigger-keywords: &k [api, database]\n"
                       "negative-keywords: *k")
    result = parse_persona(text, "x.md")
    assert [p.name for p in result.personas] == ["persona-shared"]


def test_a_self_referencing_alias_is_a_diagnostic() -> None:
    result = parse_persona(frontmatter("name: &a [*a]\ndescription: x"), "x.md")
    assert result.personas == []
    assert "refers to the value that contains it" in result.diagnostics[0].message


@pytest.mark.parametrize("nested", ["[" * 20_000 + "]" * 20_000, "{a: " * 3_000 + "1" + "}" * 3_000])
def test_deeply_nested_frontmatter_is_a_diagnostic_not_a_crash(tmp_path: Path, nested: str) -> None:
    path = tmp_path / "x.md"
    path.write_text(frontmatter(f"name: persona-deep\ndescription: {nested}"), encoding="utf-8")

    result = load_persona_file(path)

    assert result.personas == []
    assert "nested too deeply" in result.diagnostics[0].message


def test_a_huge_wrong_value_is_shown_short_in_its_diagnostic() -> None:
    values = ", ".join(f"[{i}, {i}, {i}]" for i in range(2_000))
    result = parse_persona(frontmatter(f"name: persona-big\ndescription: [{values}]"), "x.md")
    (diagnostic,) = result.diagnostics
    assert diagnostic.field == "description"
    assert len(str(diagnostic)) < 400
