"""Persona folders that hold trees, and entries that must never be opened: each bad one is its own diagnostic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from persona_mcp import folders
from persona_mcp.catalog import CatalogSource, Layer
from persona_mcp.loader import load_folder, load_persona_file, persona_files


def persona(name: str, description: str = "Does things.") -> str:
    return f"---\nname: {name}\ndescription: {description}\n---\n# {name}\n\nGuidance.\n"


def skill(description: str = "A skill.") -> str:
    return f"---\ndescription: {description}\n---\n# Skill\n\nSteps.\n"


def write(folder: Path, relative: str, text: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def plugin_tree(root: Path) -> Path:
    write(root, "README.md", "# A collection\n")
    write(root, "plugins/backend/README.md", "# Backend plugin\n")
    write(root, "plugins/backend/agents/api-designer.md", persona("api-designer"))
    write(root, "plugins/backend/agents/db-tuner.md", persona("db-tuner"))
    write(root, "plugins/backend/commands/deploy.md", "---\ndescription: a slash command\n---\nDeploy.\n")
    write(root, "plugins/backend/skills/migrations/SKILL.md", skill())
    write(root, "plugins/backend/skills/migrations/references/locks.md", "# not a persona\n")
    write(root, "plugins/frontend/agents/api-designer.md", persona("api-designer", "A second one."))
    write(root, "plugins/frontend/skills/a11y/SKILL.md", skill())
    write(root, "skills/migrations/SKILL.md", skill("A third one."))
    write(root, "categories/01-core/x_agent.md", persona("x_agent"))
    write(root, ".git/hooks/pre-commit.md", "not read\n")
    write(root, "node_modules/pkg/agent.md", "not read\n")
    return root


def test_a_plugin_tree_loads_every_agent_and_skill_once(tmp_path: Path) -> None:
    root = plugin_tree(tmp_path)

    result = load_folder(root, layer="custom")

    assert sorted(p.name for p in result.personas) == ["a11y", "api-designer", "db-tuner", "migrations", "x_agent"]
    problems = [d for d in result.diagnostics]
    assert [d.field for d in problems] == ["name", "name"], [str(d) for d in problems]


def test_a_clone_of_a_project_loads_the_tool_folders_in_its_hidden_folders_and_nothing_else_hidden(
        tmp_path: Path) -> None:
    write(tmp_path, ".claude/agents/reviewer.md", persona("reviewer"))
    write(tmp_path, ".claude/agents/.draft.md", persona("draft"))
    write(tmp_path, ".claude/skills/release/SKILL.md", skill())
    write(tmp_path, ".claude/commands/deploy.md", persona("deploy"))  # slash commands, not personas
    write(tmp_path, ".claude/CLAUDE.md", "# Memory, not a persona\n")
    write(tmp_path, ".cursor/rules/style.mdc", "---\ndescription: House style.\nglobs: src/**\n---\nBe brief.\n")
    write(tmp_path, ".github/instructions/tests.instructions.md", "---\napplyTo: 'tests/**'\n---\nTest it.\n")
    write(tmp_path, ".github/skills/triage/SKILL.md", skill())
    write(tmp_path, ".github/ISSUE_TEMPLATE/bug.md", "---\nname: Bug report\nabout: x\n---\nSteps.\n")
    write(tmp_path, ".agents/skills/bisect/SKILL.md", skill())
    write(tmp_path, ".opencode/agent/planner.md", "# Planner\n\nPlans the work.\n")
    write(tmp_path, ".cursor/agents/verifier.md", persona("verifier"))
    write(tmp_path, ".gemini/agents/auditor.md", "---\nname: auditor\ndescription: Audits.\nkind: local\n"
          "max_turns: 10\n---\nAudit.\n")
    write(tmp_path, ".gemini/commands/deploy.md", persona("gemini-command"))
    write(tmp_path, ".github/agents/planner-x.agent.md", "---\nname: Feature Planner\ndescription: Plans.\n---\nx\n")
    write(tmp_path, ".github/chatmodes/tutor.chatmode.md", "---\ndescription: Teaches.\n---\nExplain.\n")
    write(tmp_path, ".github/prompts/release.prompt.md", persona("release-prompt"))  # prompt files, not agents
    write(tmp_path, "docs/agents/ship.prompt.md", "---\ndescription: Ship it.\nmode: agent\n---\nShip.\n")
    write(tmp_path, ".claude/rules/api/handlers.md", "---\npaths: src/api/**\n---\nValidate input.\n")
    write(tmp_path, ".clinerules/01-commits.md", "# Commits\n\nKeep them small.\n")
    write(tmp_path, ".clinerules/.notes.md", persona("notes"))
    write(tmp_path, ".clinerules/workflows/release.md", "# Release\n\n1. Bump the version.\n")  # slash commands
    write(tmp_path, ".clinerules/hooks/notes.md", "Not a rule.\n")
    write(tmp_path, ".windsurf/rules/migrations.md", "---\ntrigger: glob\nglobs: db/**\n---\nNo locks.\n")
    write(tmp_path, ".windsurf/workflows/deploy.md", persona("deploy-workflow"))
    write(tmp_path, ".kiro/steering/product.md", "# Product\n\nWho the users are.\n")
    write(tmp_path, ".kiro/specs/login/requirements.md", persona("login-spec"))
    write(tmp_path, ".continue/rules/review.md", "---\nname: Review Checklist\n---\nCheck the tests.\n")
    write(tmp_path, ".roo/rules/early-returns.md", "Prefer early returns.\n")
    write(tmp_path, ".git/info/exclude.md", persona("git"))
    write(tmp_path, ".vscode/notes.md", persona("vscode"))
    write(tmp_path, "docs/agents/writer.md", persona("writer"))

    result = load_folder(tmp_path, layer="custom")

    assert sorted(p.name for p in result.personas) == [
        "01-commits", "auditor", "bisect", "early-returns", "handlers", "migrations", "planner", "planner-x", "product",
        "release", "review-checklist", "reviewer", "style", "tests", "triage", "tutor", "verifier", "writer"]
    assert result.errors == []


def test_a_duplicate_name_is_reported_once_naming_every_file_and_the_first_path_wins(tmp_path: Path) -> None:
    root = plugin_tree(tmp_path)

    result = load_folder(root)

    kept = {p.name: p.path for p in result.personas}
    assert kept["api-designer"] == root / "plugins/backend/agents/api-designer.md"
    assert kept["migrations"] == root / "plugins/backend/skills/migrations/SKILL.md"
    (dup,) = [d for d in result.diagnostics if "'migrations'" in d.message]
    assert dup.path == str(root / "skills/migrations/SKILL.md")
    assert str(root / "plugins/backend/skills/migrations/SKILL.md") in dup.message
    assert "first file in path order" in dup.hint


def test_three_files_with_one_name_give_one_diagnostic(tmp_path: Path) -> None:
    for folder in ["a", "b", "c"]:
        write(tmp_path, f"{folder}/same.md", persona("same"))

    result = load_folder(tmp_path)

    assert [p.path for p in result.personas] == [tmp_path / "a/same.md"]
    (dup,) = result.diagnostics
    assert all(str(tmp_path / f"{f}/same.md") in dup.message for f in "abc")


def test_markdown_without_frontmatter_deep_in_a_tree_is_one_warning_not_an_error_each(tmp_path: Path) -> None:
    write(tmp_path, "plugins/a/agents/one.md", persona("one"))
    for plugin in ["a", "b", "c", "d"]:
        write(tmp_path, f"plugins/{plugin}/USAGE.md", "# How to use the plugin\n")
    write(tmp_path, "top-level.md", "# no frontmatter at the top: an error, as ever\n")

    result = load_folder(tmp_path)

    assert [p.name for p in result.personas] == ["one"]
    error, warning = result.diagnostics
    assert (error.path, error.severity) == (str(tmp_path / "top-level.md"), "error")
    assert warning.severity == "warning" and warning.path == str(tmp_path)
    assert "skipped 4 markdown file(s)" in warning.message and "plugins/a/USAGE.md" in warning.message
    assert "and 1 more" in warning.message


def test_a_skill_without_frontmatter_loads_from_its_folder_and_body(tmp_path: Path) -> None:
    write(tmp_path, "skills/bisect/SKILL.md", "# Bisect\n\nFind the commit that broke the build.\n")

    result = load_folder(tmp_path)

    assert result.diagnostics == []
    (skill_persona,) = result.personas
    assert skill_persona.name == "bisect"
    assert skill_persona.spec.description == "Bisect. Find the commit that broke the build."


def test_a_folder_that_is_a_skill_reads_only_its_skill_file(tmp_path: Path) -> None:
    write(tmp_path, "SKILL.md", skill())
    write(tmp_path, "notes.md", "# notes\n")

    assert [p.name for p in load_folder(tmp_path).personas] == [tmp_path.name.lower()]


def test_the_catalog_serves_a_tree_and_sees_a_new_file_deep_in_it(tmp_path: Path) -> None:
    root = plugin_tree(tmp_path)
    source = CatalogSource([Layer("custom", root)])
    before = source.fingerprint()
    assert "db-tuner" in source.load()

    write(root, "plugins/frontend/agents/css-tidy.md", persona("css-tidy"))

    assert source.fingerprint() != before
    assert "css-tidy" in source.load()
    assert root / "plugins/frontend/agents/css-tidy.md" in persona_files(root)


def test_folders_deeper_than_the_bound_are_reported_not_read(tmp_path: Path) -> None:
    deep = "/".join(f"d{i}" for i in range(folders.MAX_DEPTH + 1))
    write(tmp_path, f"{deep}/too-deep.md", persona("too-deep"))
    write(tmp_path, "d0/shallow.md", persona("shallow"))

    result = load_folder(tmp_path)

    assert [p.name for p in result.personas] == ["shallow"]
    (diagnostic,) = result.diagnostics
    assert f"over {folders.MAX_DEPTH} folders deep" in diagnostic.message


def test_reading_stops_at_the_file_bound_with_a_diagnostic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(folders, "MAX_FILES", 3)
    for index in range(5):
        write(tmp_path, f"p{index}.md", persona(f"p{index}"))

    result = load_folder(tmp_path)

    assert [p.name for p in result.personas] == ["p0", "p1", "p2"]
    (diagnostic,) = result.diagnostics
    assert "stopped reading" in diagnostic.message


def test_reading_stops_at_the_entry_bound_with_a_diagnostic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(folders, "MAX_ENTRIES", 4)
    for index in range(6):
        write(tmp_path, f"p{index}.txt", "not a persona")

    result = load_folder(tmp_path)

    assert "stopped reading" in result.diagnostics[0].message


def test_a_symlinked_folder_inside_the_tree_is_read_once_and_one_outside_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    write(root, "real/a.md", persona("a"))
    (root / "alias").symlink_to(root / "real", target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    write(tmp_path, "outside/b.md", persona("b"))
    (root / "escape").symlink_to(tmp_path / "outside", target_is_directory=True)

    result = load_folder(root)

    assert [p.name for p in result.personas] == ["a"]
    (diagnostic,) = result.diagnostics
    assert diagnostic.path == str(root / "escape")
    assert "outside the persona folder" in diagnostic.message


# ---------------------------------------------------------------- entries that are not regular files


def good_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "personas"
    write(folder, "good.md", persona("good"))
    return folder


def only_good_loads(folder: Path) -> str:
    result = load_folder(folder)
    assert [p.name for p in result.personas] == ["good"]
    (diagnostic,) = result.diagnostics
    return str(diagnostic)


def test_a_symlink_loop_is_a_diagnostic_for_that_file_alone(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    (folder / "loop.md").symlink_to(folder / "loop.md")

    assert "loop.md: error: the symlink cannot be followed" in only_good_loads(folder)
    assert load_persona_file(folder / "loop.md").diagnostics[0].message.startswith("cannot read the file")


def test_a_two_step_symlink_loop_is_a_diagnostic_too(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    (folder / "a.md").symlink_to(folder / "b.md")
    (folder / "b.md").symlink_to(folder / "a.md")

    result = load_folder(folder)

    assert [p.name for p in result.personas] == ["good"]
    assert len(result.diagnostics) == 2


def test_a_looping_link_to_a_persona_file_says_how_to_fix_the_link(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    (folder / "loop.md").symlink_to(folder / "loop.md")

    (diagnostic,) = load_folder(folder).diagnostics

    assert diagnostic.path == str(folder / "loop.md")
    assert "Too many levels of symbolic links" in diagnostic.message
    assert diagnostic.hint == "remove the link, or point it at a persona file inside the folder"


def test_symlink_loops_whose_names_are_not_persona_files_are_skipped_and_the_folder_loads(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    (folder / "dira").symlink_to("dirb")  # two links that lead to each other
    (folder / "dirb").symlink_to("dira")
    (folder / "loopf").symlink_to("loopf")  # a link to itself
    write(folder, "plugins/a/agents/deep.md", persona("deep"))
    (folder / "plugins/a/stale").symlink_to("stale")  # deeper in the tree
    (folder / ".claude").mkdir()
    (folder / ".claude/agents").symlink_to("agents")  # a tool's folder in a hidden one, where only folders are read

    result = load_folder(folder)

    assert sorted(p.name for p in result.personas) == ["deep", "good"]
    assert result.diagnostics == []  # no more than a dangling link or any other file that is not a persona
    assert [path.name for path in persona_files(folder)] == ["good.md", "deep.md"]


@pytest.mark.skipif(not Path("/proc/self/fd/0").exists(), reason="needs /proc")
def test_a_proc_fd_link_is_refused_without_being_opened(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    (folder / "evil.md").symlink_to("/proc/self/fd/0")

    assert "outside the persona folder" in only_good_loads(folder)


def test_a_device_given_as_a_file_is_refused_without_being_opened() -> None:
    if not Path(os.devnull).exists() or os.name != "posix":
        pytest.skip("needs a POSIX /dev/null")

    (diagnostic,) = load_persona_file(Path(os.devnull)).diagnostics

    assert "not a regular file" in diagnostic.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_deep_in_a_tree_or_given_directly_never_blocks(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    (folder / "sub").mkdir()
    os.mkfifo(folder / "sub" / "x.md")
    # In a child process, so that a loader that blocks on the pipe fails the test instead of hanging it.
    code = (
        "import sys; from pathlib import Path; from persona_mcp.loader import load_folder, load_persona_file; "
        "r = load_folder(Path(sys.argv[1])); print([p.name for p in r.personas]); "
        "print(*[d.message for d in r.diagnostics], sep='|'); "
        "print(load_persona_file(Path(sys.argv[1], 'sub', 'x.md')).diagnostics[0].message)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    names, in_folder, direct = done.stdout.splitlines()
    assert names == "['good']"
    assert "not a regular file" in in_folder and "not a regular file" in direct


def test_an_unreadable_file_is_a_diagnostic_for_that_file_alone(tmp_path: Path) -> None:
    if os.name != "posix" or os.geteuid() == 0:
        pytest.skip("root reads any file; permissions need a POSIX user")
    folder = good_folder(tmp_path)
    locked = write(folder, "locked.md", persona("locked"))
    locked.chmod(0)
    try:
        assert "cannot read the file" in only_good_loads(folder)
    finally:
        locked.chmod(0o600)


def test_an_unreadable_subfolder_is_a_diagnostic_and_the_rest_loads(tmp_path: Path) -> None:
    if os.name != "posix" or os.geteuid() == 0:
        pytest.skip("root reads any folder; permissions need a POSIX user")
    folder = good_folder(tmp_path)
    locked = folder / "locked"
    write(locked, "x.md", persona("x"))
    locked.chmod(0)
    try:
        assert "cannot read the folder" in only_good_loads(folder)
    finally:
        locked.chmod(0o700)


def test_an_over_long_name_or_a_nul_byte_is_a_diagnostic(tmp_path: Path) -> None:
    long_name = load_persona_file(tmp_path / ("x" * 300 + ".md")).diagnostics
    nul = load_persona_file(tmp_path / "a\x00b.md").diagnostics
    folder = load_folder(tmp_path / "dir\x00").diagnostics

    assert "cannot read the file" in long_name[0].message
    assert "NUL" in nul[0].message and str(nul[0]).isprintable()
    assert "cannot read the persona folder" in folder[0].message


def test_a_folder_with_a_nul_byte_is_an_oserror_for_persona_files(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        persona_files(tmp_path / "dir\x00")


def test_a_dangling_symlink_is_a_diagnostic(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    (folder / "gone.md").symlink_to(folder / "missing.md")

    assert "gone.md" in only_good_loads(folder)


def test_hidden_files_and_editor_lock_links_are_not_read(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    (folder / ".#good.md").symlink_to("user@host.1234:1700000000")  # how Emacs marks a file being edited
    write(folder, ".draft.md", "broken")

    result = load_folder(folder)

    assert [p.name for p in result.personas] == ["good"]
    assert result.diagnostics == []


def test_a_projects_own_files_without_frontmatter_are_skipped_with_one_note(tmp_path: Path) -> None:
    write(tmp_path, "one.md", persona("one"))
    for name in ("AGENTS.md", "CLAUDE.md", "CONTRIBUTING.md", "plugins/a/GEMINI.md", ".github/copilot-instructions.md"):
        write(tmp_path, name, "# Conventions\n\n- Small PRs.\n")
    write(tmp_path, "changelog.md", persona("changelog-writer"))  # with frontmatter: a persona, whatever its name

    for strict in (False, True):
        result = load_folder(tmp_path, strict=strict)

        assert sorted(p.name for p in result.personas) == ["changelog-writer", "one"]
        (note,) = result.diagnostics
        assert (note.severity, note.path) == ("info", str(tmp_path))
        assert note.message.startswith("skipped 5 files (.github/copilot-instructions.md, AGENTS.md, CLAUDE.md and "
                                       "2 more): project instructions")
        assert "frontmatter" not in note.hint.split(";")[0]  # no advice to add frontmatter to AGENTS.md


def test_a_single_project_file_is_noted_by_its_own_path(tmp_path: Path) -> None:
    write(tmp_path, "one.md", persona("one"))
    agents = write(tmp_path, "AGENTS.md", "# AGENTS.md\n\n## Setup\n- `uv sync`\n")

    (note,) = load_folder(tmp_path).diagnostics

    assert str(note).startswith(f"{agents}: info: skipped AGENTS.md: project instructions")
