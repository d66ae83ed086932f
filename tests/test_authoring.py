"""Help for persona authors: `show NAME --evidence`, validate's selectability warning, `convert`, and rules that
always apply."""

from __future__ import annotations

import json
from pathlib import Path

import mcp
import pytest
import yaml

from persona_mcp.catalog import Catalog, Layer
from persona_mcp.cli import EXIT_OK, main
from persona_mcp.loader import load_paths
from persona_mcp.model import Selection
from persona_mcp.selection import select
from persona_mcp.server import build_server

# A small catalog as people write Claude Code subagents: name, description, a body, nothing declared.
AGENTS: dict[str, tuple[str, str]] = {
    "test-automator": (
        "Use this agent when tests are flaky, coverage is low, or a test suite needs fixtures and mocks.",
        "You write and repair automated tests.\n\n## Focus areas\n\n- pytest fixtures and parametrized tests\n"
        "- flaky test triage\n- coverage gaps\n",
    ),
    "performance-engineer": (
        "Use PROACTIVELY for latency, throughput, profiling and memory problems.",
        "You measure before you change anything.\n\n## Focus areas\n\n- profiling hot paths\n"
        "- caching\n- load testing\n",
    ),
    "security-auditor": (
        "Use this agent when reviewing authentication, secrets, injection or dependency vulnerabilities.",
        "You audit code for security flaws.\n\n## Focus areas\n\n- OWASP Top 10\n- secrets in code\n- XSS and CSRF\n",
    ),
    "terraform-specialist": (
        "Use this agent when writing Terraform modules, managing state or planning infrastructure changes.",
        "You write infrastructure as code.\n\n## Capabilities\n\n- Terraform modules\n- remote state\n- drift\n",
    ),
    "technical-writer": (
        "Use this agent when writing documentation, READMEs, tutorials or API reference pages.",
        "You write clear documentation.\n\n## Focus areas\n\n- README structure\n- tutorials\n- docs sites\n",
    ),
    "react-developer": (
        "Use this agent when building React components, hooks or client-side state.",
        "You build React user interfaces.\n\n## Focus areas\n\n- components and hooks\n- accessibility\n- CSS\n",
    ),
    "database-optimizer": (
        "Use this agent for slow SQL queries, missing indexes and schema migrations.",
        "You tune databases.\n\n## Focus areas\n\n- query plans\n- indexes\n- PostgreSQL migrations\n",
    ),
    "kubernetes-operator": (
        "Use this agent when deploying to Kubernetes with Helm charts, manifests, pods and autoscaling.",
        "You run workloads on Kubernetes.\n\n## Capabilities\n\n- Helm charts\n- deployments\n- autoscaling\n",
    ),
    "debugger": (
        "Use this agent when something crashes, throws a stack trace or behaves unexpectedly.",
        "You find root causes.\n\n## Focus areas\n\n- stack traces\n- reproducing bugs\n- bisecting\n",
    ),
    "code-reviewer": (
        "Use this agent after writing code, to review a pull request for readability and maintainability.",
        "You review changes.\n\n## Focus areas\n\n- naming\n- readability\n- duplication\n",
    ),
    "ci-engineer": (
        "Use this agent for GitHub Actions workflows, CI pipelines and build caching.",
        "You keep CI fast and green.\n\n## Focus areas\n\n- GitHub Actions\n- build caching\n- release jobs\n",
    ),
    "api-designer": (
        "Use this agent when designing REST or GraphQL APIs, versioning and pagination.",
        "You design APIs people enjoy.\n\n## Focus areas\n\n- REST resources\n- GraphQL schemas\n- pagination\n",
    ),
}
TASKS: list[tuple[str, list[str]]] = [
    ("The checkout tests are flaky on CI, fix the fixtures", ["tests/test_checkout.py"]),
    ("Profile the search endpoint, p99 latency doubled", []),
    ("Check the login flow for XSS and leaked secrets", []),
    ("Add a Terraform module for the S3 buckets", ["infra/storage/main.tf"]),
    ("Write a tutorial for the README on getting started", ["README.md"]),
    ("Build a React component for the date picker", ["src/components/DatePicker.tsx"]),
    ("This SQL query is slow, add the missing index", []),
    ("Write a Helm chart for the worker deployment", ["charts/worker/values.yaml"]),
    ("The app crashes with a stack trace on startup", []),
    ("Speed up the GitHub Actions workflow with build caching", [".github/workflows/ci.yml"]),
    ("Design the pagination of the REST API for orders", []),
    ("Review this pull request for readability", []),
]


def agent_file(name: str, description: str, body: str) -> str:
    return f"---\nname: {name}\ndescription: {description}\n---\n\n{body}"


@pytest.fixture
def agents(tmp_path: Path) -> Path:
    folder = tmp_path / "agents"
    folder.mkdir()
    for name, (description, body) in AGENTS.items():
        (folder / f"{name}.md").write_text(agent_file(name, description, body), encoding="utf-8")
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def alone(folder: Path) -> list[str]:
    return ["--no-builtin", "--no-user", "--personas", str(folder)]


def frontmatter(text: str) -> dict[str, object]:
    data = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(data, dict)
    return data


def body_of(text: str) -> str:
    return text.split("---\n", 2)[2]


# ---------------------------------------------------------------- show NAME --evidence

def test_show_evidence_lists_terms_with_their_sources(capsys: pytest.CaptureFixture[str], agents: Path) -> None:
    code, out, _ = run(capsys, *alone(agents), "show", "test-automator", "--evidence")
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[0].startswith("test-automator: evidence derived from ") and "test-automator.md" in lines[0]
    by_source = {line.split(":", 1)[0]: line for line in lines[1:]}
    assert "test (" in by_source["terms from name"]  # a word of its name
    assert "flaky" in by_source["terms from trigger-clause"]  # "Use this agent when tests are flaky ..."
    assert "pytest fixtures" in by_source["terms from section"]  # an item under "## Focus areas"
    assert "testing" in by_source["about (lexicon entries)"]


def test_show_evidence_names_declared_and_boundary_sources(capsys: pytest.CaptureFixture[str],
                                                           tmp_path: Path) -> None:
    (tmp_path / "data.md").write_text(
        "---\nname: data\ndescription: Data pipelines. Do NOT load for: frontend styling.\n"
        "trigger-keywords: [warehouse]\ntrigger-files: ['**/dbt/**']\nrequest-shapes: [question]\n---\nBody.\n",
        encoding="utf-8")
    code, out, _ = run(capsys, *alone(tmp_path), "show", "data", "--evidence")
    assert code == EXIT_OK
    assert "terms from trigger-keywords: warehouse (1.00)" in out
    assert "against from boundary: frontend styling" in out
    assert "globs from trigger-files: **/dbt/** (1.00)" in out
    assert "request shapes (declared): question" in out


def test_show_evidence_json(capsys: pytest.CaptureFixture[str], agents: Path) -> None:
    code, out, _ = run(capsys, *alone(agents), "show", "terraform-specialist", "--evidence", "--json")
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["persona"] == "terraform-specialist"
    terms = {term["text"]: term for term in data["terms"]}
    assert terms["terraform"]["source"] == "name" and terms["terraform"]["weight"] > 0
    assert {"text", "weight", "source", "kind"} <= set(terms["terraform"])
    assert any(term["source"].startswith("section") for term in data["terms"])
    assert data["globs"] == [] and data["request_shapes"] == [] and data["generalist_of"] == []


def test_show_evidence_says_when_a_name_makes_a_generalist_of_a_language(capsys: pytest.CaptureFixture[str],
                                                                          tmp_path: Path) -> None:
    for name in ("rust-engineer", "rust-embedded-expert"):
        (tmp_path / f"{name}.md").write_text(agent_file(name, "Writes Rust.", "You write Rust.\n"), encoding="utf-8")
    code, out, _ = run(capsys, *alone(tmp_path), "show", "rust-engineer", "--evidence")
    assert code == EXIT_OK and "a generalist of rust: its name says only the language" in out
    code, out, _ = run(capsys, *alone(tmp_path), "show", "rust-embedded-expert", "--evidence", "--json")
    assert code == EXIT_OK and json.loads(out)["generalist_of"] == []  # "embedded" says what work


# ---------------------------------------------------------------- validate: selectability

def test_validate_warns_about_a_persona_with_too_little_selectable_text(
        capsys: pytest.CaptureFixture[str], agents: Path) -> None:
    (agents / "x.md").write_text("---\nname: x\ndescription: The.\n---\nIt is.\n", encoding="utf-8")
    code, _, err = run(capsys, "validate", str(agents))
    assert code == EXIT_OK  # a warning, not an error
    (warning,) = [line for line in err.splitlines() if "too little selectable text" in line]
    assert "persona 'x'" in warning and "warning" in warning
    assert "trigger-keywords" in warning and "Use this agent when" in warning and "trigger-files" in warning


@pytest.mark.parametrize(("relative", "scope"), [  # a house style: a name that says nothing of its subject
    (".cursor/rules/house.mdc", 'globs: ["**/*.go"]'),
    (".github/instructions/house.instructions.md", "applyTo: '**/*.go'"),
    ("house.md", "name: house\ntrigger-files: ['**/*.go']"),
])
def test_the_selectability_warning_of_a_persona_with_globs_does_not_ask_for_globs(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, relative: str, scope: str) -> None:
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ndescription: Our way of working\n{scope}\n---\nUse gofmt.\n", encoding="utf-8")
    code, _, err = run(capsys, "validate", str(path))
    assert code == EXIT_OK
    (warning,) = err.splitlines()
    assert "its file globs still bring it up for the files they match" in warning
    assert "globs" not in warning.split("(fix: ")[1] and "applyTo" not in warning and "trigger-files" not in warning


@pytest.mark.parametrize(("relative", "key"), [
    (".cursor/rules/x.mdc", "globs"), (".github/instructions/x.instructions.md", "applyTo"), ("x.md", "trigger-files"),
])
def test_the_selectability_warning_of_a_persona_without_globs_names_its_formats_key_for_them(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, relative: str, key: str) -> None:
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\nname: x\ndescription: The.\n---\nIt is.\n", encoding="utf-8")
    code, _, err = run(capsys, "validate", str(path))
    assert code == EXIT_OK
    (warning,) = err.splitlines()
    assert warning.endswith(f"a '## When to use' section, or {key} globs)")


def test_validate_is_quiet_about_personas_with_enough_text(capsys: pytest.CaptureFixture[str], agents: Path) -> None:
    code, out, err = run(capsys, "validate", str(agents))
    assert code == EXIT_OK
    assert err == ""
    assert out.startswith(f"{len(AGENTS)} persona(s) valid, 0 error(s), 0 warning(s)")


# ---------------------------------------------------------------- convert

def test_convert_writes_files_that_validate_clean_keep_the_body_and_select_the_same(
        capsys: pytest.CaptureFixture[str], agents: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "converted"
    code, _, err = run(capsys, "convert", *sorted(map(str, agents.iterdir())), "--output", str(out_dir))
    assert code == EXIT_OK, err
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(f"{name}.md" for name in AGENTS)
    code, out, err = run(capsys, "--strict", "validate", str(out_dir))
    assert (code, err) == (EXIT_OK, "")
    assert out.startswith(f"{len(AGENTS)} persona(s) valid, 0 error(s), 0 warning(s)")
    for name, (description, body) in AGENTS.items():
        text = (out_dir / f"{name}.md").read_text(encoding="utf-8")
        assert body_of(text) == "\n" + body  # byte for byte, with the blank line after the frontmatter
        assert frontmatter(text) == {"name": name, "description": description}
        assert "# trigger-keywords:\n# - " in text  # the derived terms, listed for review
    original = Catalog.load([Layer("custom", agents)]).index
    copy = Catalog.load([Layer("custom", out_dir)]).index
    answers = [(select(original, task, files).persona, select(copy, task, files).persona) for task, files in TASKS]
    assert [a for a, _ in answers] == [b for _, b in answers]
    assert sum(a is not None for a, _ in answers) >= len(TASKS) // 2  # the catalog answers most of them


def test_convert_declare_writes_the_derived_terms_as_trigger_keywords(
        capsys: pytest.CaptureFixture[str], agents: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "declared"
    code, _, _ = run(capsys, "convert", str(agents), "--output", str(out_dir), "--declare")
    assert code == EXIT_OK
    data = frontmatter((out_dir / "terraform-specialist.md").read_text(encoding="utf-8"))
    assert isinstance(data["trigger-keywords"], list) and "terraform modules" in data["trigger-keywords"]
    code, _, err = run(capsys, "--strict", "validate", str(out_dir))
    assert (code, err) == (EXIT_OK, "")


def test_convert_declare_keeps_weak_terms_for_review_and_a_declared_list_as_it_was(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "db-migrations.md"
    source.write_text("---\nname: db-migrations\ndescription: Careful schema changes; old code still runs during "
                      "a deploy, so keep the traffic in mind.\ntrigger-keywords: [migration, alembic, SQLite]\n---\n"
                      "Go.\n", encoding="utf-8")
    code, out, _ = run(capsys, "convert", str(source), "--declare")
    assert code == EXIT_OK
    assert frontmatter(out)["trigger-keywords"] == ["migration", "alembic", "SQLite"]  # its prose counts a tenth
    assert "libsql" not in out  # SQLite's other names come with it from the lexicon: not written out
    assert "# - traffic  # description, " in out  # still listed, for the author to weigh
    agent = tmp_path / "sql-tuner.md"
    agent.write_text("---\nname: sql-tuner\ndescription: Use this agent when slow queries need an index. Careful "
                     "and calm.\n---\nGo.\n", encoding="utf-8")
    code, out, _ = run(capsys, "convert", str(agent), "--declare")
    declared = frontmatter(out)["trigger-keywords"]
    assert declared[0] == "slow queries index" and "sql" not in declared  # its trigger clause; a name counts anyway
    assert "calm" not in declared and "# - calm  # description, " in out


def test_convert_writes_the_boundaries_as_negative_keywords_to_review_or_declare(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "styler.md"
    source.write_text("---\nname: styler\ndescription: Use this agent for CSS layout. Do NOT use for database "
                      "migrations.\n---\nStyle it.\n", encoding="utf-8")
    code, out, _ = run(capsys, "convert", str(source))
    assert code == EXIT_OK
    assert "# negative-keywords:\n# - database migrations  # boundary, " in out
    assert "negative-keywords" not in frontmatter(out)
    code, out, _ = run(capsys, "convert", str(source), "--declare")
    assert code == EXIT_OK
    assert frontmatter(out)["negative-keywords"] == ["database migrations"]


def test_convert_prints_to_stdout_without_output(capsys: pytest.CaptureFixture[str], agents: Path) -> None:
    code, out, _ = run(capsys, "convert", str(agents / "debugger.md"))
    assert code == EXIT_OK
    assert out.startswith("---\nname: debugger\n") and out.endswith(AGENTS["debugger"][1])


CLAUDE_AGENT = """---
name: dotnet-framework-4.8-expert
description: Legacy .NET Framework 4.8 services. Use when: WCF, web.config transforms.
tools: Read, Grep, Glob
model: sonnet
color: purple
---

You maintain .NET Framework 4.8 services.
"""
SKILL = """---
description: Write release notes from merged pull requests. Use when preparing a release.
license: Apache-2.0
allowed-tools: [Read]
metadata: {owner: docs-team}
---
# Release notes

Group changes under Added, Changed and Fixed.\r
Keep CRLF endings as they are.\r
"""
CURSOR_RULE = """---
description:
globs: src/**/*.{ts,tsx}, !src/**/*.test.ts
alwaysApply: false
---
- Prefer named exports.
- No `any`.
"""
COPILOT_ALL = "---\napplyTo: '**'\n---\nAnswer in British English.\nCite the file you changed.\n"
COPILOT_SOME = "---\napplyTo: 'terraform/**/*.tf'\n---\n\nPin every provider version.\n"


def other_formats(root: Path) -> list[Path]:
    files = {
        root / ".claude" / "agents" / "dotnet-framework-4.8-expert.md": CLAUDE_AGENT,
        root / "skills" / "release-notes" / "SKILL.md": SKILL,
        root / ".cursor" / "rules" / "typescript.mdc": CURSOR_RULE,
        root / ".github" / "instructions" / "english.instructions.md": COPILOT_ALL,
        root / ".github" / "instructions" / "terraform.instructions.md": COPILOT_SOME,
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return list(files)


def test_convert_each_other_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sources = other_formats(tmp_path / "src")
    out_dir = tmp_path / "out"
    code, _, err = run(capsys, "convert", *map(str, sources), "--output", str(out_dir))
    assert code == EXIT_OK, err
    written = {p.name: p.read_bytes().decode("utf-8") for p in out_dir.iterdir()}
    assert sorted(written) == ["dotnet-framework-4.8-expert.md", "english.md", "release-notes.md", "terraform.md",
                               "typescript.md"]
    code, out, err = run(capsys, "--strict", "validate", str(out_dir))
    assert (code, err) == (EXIT_OK, ""), err
    assert out.startswith("5 persona(s) valid, 0 error(s), 0 warning(s)")

    agent = written["dotnet-framework-4.8-expert.md"]
    assert frontmatter(agent) == {  # a name with dots; the subagent's own keys are kept, so it is still one
        "name": "dotnet-framework-4.8-expert",
        "description": "Legacy .NET Framework 4.8 services. Use when: WCF, web.config transforms.",
        "tools": "Read, Grep, Glob", "model": "sonnet", "color": "purple",
    }
    skill = written["release-notes.md"]
    assert frontmatter(skill)["name"] == "release-notes"  # the folder's name, written out
    assert frontmatter(skill)["license"] == "Apache-2.0" and frontmatter(skill)["metadata"] == {"owner": "docs-team"}
    assert body_of(skill) == SKILL.split("---\n", 2)[2]  # CRLF endings and all

    rule = frontmatter(written["typescript.md"])
    assert rule["trigger-files"] == ["src/**/*.ts", "src/**/*.tsx", "!src/**/*.test.ts"]
    assert "globs" not in rule and "alwaysApply" not in rule
    assert "Prefer named exports" in str(rule["description"])  # the rule had none: derived from the body

    english = written["english.md"]
    assert frontmatter(english)["alwaysApply"] is True  # applyTo '**': Copilot applies it to every file
    assert body_of(english) == body_of(COPILOT_ALL)
    terraform = frontmatter(written["terraform.md"])
    assert terraform["trigger-files"] == ["terraform/**/*.tf"] and "applyTo" not in terraform

    original = Catalog.from_personas(load_paths(sources).personas).index  # .claude is hidden from a folder scan
    copy = Catalog.load([Layer("custom", out_dir)]).index
    for persona in copy.personas:
        assert persona.always_apply == original.persona(persona.name).always_apply
        assert persona.spec.trigger_files == original.persona(persona.name).spec.trigger_files
    for task, files in [("Pin the AWS provider", ["terraform/main.tf"]), ("Fix the date picker", ["src/a.tsx"]),
                        ("Fix the WCF web.config transform", [])]:
        assert select(copy, task, files).persona == select(original, task, files).persona


def test_convert_writes_a_name_given_twice_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.md").write_text(agent_file("same", f"From {folder}.", "Body.\n"),
                                                   encoding="utf-8")
    code, _, err = run(capsys, "convert", str(tmp_path / "a" / "same.md"), str(tmp_path / "b" / "same.md"),
                       "--output", str(tmp_path / "out"))
    assert code == 1
    assert "'same' is also the name of" in err and "not written" in err
    assert frontmatter((tmp_path / "out" / "same.md").read_text(encoding="utf-8"))["description"] == "From a."


def test_convert_avoids_a_file_name_the_loader_would_skip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "agent.md").write_text(agent_file("readme-generator", "Writes READMEs.", "Body.\n"),
                                       encoding="utf-8")
    (tmp_path / "readme.mdc").write_text("Keep the README short.\n", encoding="utf-8")
    code, _, _ = run(capsys, "convert", str(tmp_path / "agent.md"), str(tmp_path / "readme.mdc"),
                     "--output", str(tmp_path / "out"))
    assert code == EXIT_OK
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["persona-readme.md", "readme-generator.md"]
    code, out, _ = run(capsys, "validate", str(tmp_path / "out"))
    assert out.startswith("2 persona(s) valid")


# ---------------------------------------------------------------- rules that always apply

ALWAYS_RULE = "---\ndescription: House style for every answer\nalwaysApply: true\n---\nWrite plain sentences.\n"


@pytest.fixture
def with_rule(agents: Path) -> Path:
    (agents / "house-style.mdc").write_text(ALWAYS_RULE, encoding="utf-8")
    return agents


@pytest.mark.anyio
async def test_an_always_apply_rule_is_a_companion_of_every_selection(with_rule: Path) -> None:
    catalog = Catalog.load([Layer("custom", with_rule)])
    async with mcp.Client(build_server(catalog), mode="legacy") as client:
        result = await client.call_tool("select_persona", {"task": "Add a Terraform module for the S3 buckets",
                                                           "files": ["infra/storage/main.tf"]})
    selection = Selection.model_validate(result.structured_content)
    assert selection.persona == "terraform-specialist"
    (rule,) = [c for c in selection.companions if c.name == "house-style"]
    assert rule.reason == "always applies (alwaysApply: true in its rule)."
    assert rule.confidence == 1.0
    assert selection.companions[-1].name == "house-style"  # after those found by evidence


def test_always_apply_companions_merge_their_priorities(tmp_path: Path) -> None:
    (tmp_path / "lead.md").write_text(
        "---\nname: lead\ndescription: x\ntrigger-keywords: [terraform]\npriority-hierarchy: [safety, speed]\n---\n"
        "Body.\n", encoding="utf-8")
    rule = "---\nalwaysApply: true\npriority-hierarchy: [safety, clarity]\n---\nBe clear.\n"
    (tmp_path / "rule.mdc").write_text(rule, encoding="utf-8")
    index = Catalog.load([Layer("custom", tmp_path)]).index
    result = select(index, "terraform module")
    assert result.persona == "lead" and [c.name for c in result.companions] == ["rule"]
    assert result.merged_priorities == ["safety", "clarity", "speed"]


def test_an_always_apply_rule_is_not_its_own_companion_nor_the_only_answer(with_rule: Path) -> None:
    index = Catalog.load([Layer("custom", with_rule)]).index
    nothing = select(index, "zzzz qqqq")
    assert nothing.persona is None
    assert [c.name for c in nothing.companions] == ["house-style"]  # still applies when nothing is selected
    assert "house-style" in nothing.reason
    chosen = select(index, "@house-style please")
    assert chosen.persona == "house-style" and "house-style" not in [c.name for c in chosen.companions]


def test_at_most_a_few_always_apply_companions(tmp_path: Path) -> None:
    from persona_mcp.selection.tunables import MAX_ALWAYS_COMPANIONS

    (tmp_path / "lead.md").write_text("---\nname: lead\ndescription: x\ntrigger-keywords: [terraform]\n---\nB.\n",
                                      encoding="utf-8")
    for i in range(MAX_ALWAYS_COMPANIONS + 2):
        (tmp_path / f"rule-{i}.mdc").write_text(ALWAYS_RULE, encoding="utf-8")
    result = select(Catalog.load([Layer("custom", tmp_path)]).index, "terraform module")
    assert [c.name for c in result.companions] == [f"rule-{i}" for i in range(MAX_ALWAYS_COMPANIONS)]
