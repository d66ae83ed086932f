"""Other tools' guidance files read as personas: Claude Code subagents, Agent Skills, Cursor rules, Copilot
instructions, OpenCode agents. Every sample here is written for these tests, in the shape each tool documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mcp
import pytest

from persona_mcp.authoring import frontmatter_schema
from persona_mcp.catalog import Catalog, Layer
from persona_mcp.cli import main
from persona_mcp.formats import split_globs
from persona_mcp.loader import LoadResult, load_folder, load_persona_file, parse_persona
from persona_mcp.model import PersonaInfo, description_clauses
from persona_mcp.selection import select
from persona_mcp.server import build_server

CLAUDE_AGENT = """\
---
name: schema-reviewer
description: Reviews database schema changes for locking and rollback risks. Use PROACTIVELY after a migration.
tools: Read, Grep, Glob
model: sonnet
color: purple
---

You review schema migrations. Look for long locks, missing indexes and irreversible steps.
"""

OPENCODE_AGENT = """\
---
description: Plans database migrations and checks them for long locks. Use before changing a large table.
mode: subagent
model: anthropic/claude-sonnet-4-20250514
temperature: 0.1
tools:
  write: false
  edit: false
  bash: true
  read: true
permission:
  bash:
    "psql *": ask
---

You plan migrations. Say which steps take locks, for how long, and how to avoid them.
"""

CLAUDE_AGENT_WITH_COLON = """\
---
name: pager-triage
description: Use when an alert fires. Triggers on: 'pager', 'on-call', 'incident'
tools: Read, Bash
---

Triage the alert before touching anything.
"""
PERSONA_WITH_COLON = CLAUDE_AGENT_WITH_COLON.replace("tools: Read, Bash\n", "")  # no key of another tool: ours

SKILL = """\
---
description: Build and check OpenAPI documents. Use when editing openapi.yaml or adding an endpoint.
license: Apache-2.0
allowed-tools: Read, Edit
metadata:
  owner: platform
  version: "2"
---

# OpenAPI documents

Keep one document per service and lint it in CI.
"""

CURSOR_RULE = """\
---
description: Conventions for the billing service
globs: services/billing/**/*.go, **/*_billing.{go,sql}
alwaysApply: false
---

Money is an integer number of cents. Never use floats for amounts.
"""

CURSOR_ALWAYS = """\
---
description: House rules for every change
globs:
alwaysApply: true
---
Run the formatter before committing.
"""

COPILOT = """\
---
applyTo: 'terraform/**/*.tf, **/*.tfvars'
description: 'Terraform conventions'
---

# Terraform

Pin every provider version.
"""

COPILOT_BARE = """\
# Review checklist

Check error handling and naming in every change.

## Details

More text.
"""


def write(folder: Path, relative: str, text: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def messages(result: LoadResult) -> list[str]:
    return [str(d) for d in result.diagnostics]


def info(result: LoadResult) -> PersonaInfo:
    (persona,) = result.personas
    return PersonaInfo.of(persona)


# ---------------------------------------------------------------- Claude Code subagents


def test_a_claude_code_subagent_loads_without_warnings_and_keeps_its_keys(tmp_path: Path) -> None:
    result = load_persona_file(write(tmp_path, "schema-reviewer.md", CLAUDE_AGENT))

    assert messages(result) == []
    entry = info(result)
    assert entry.format == "persona"
    assert entry.format_keys == {"tools": "Read, Grep, Glob", "model": "sonnet", "color": "purple"}
    assert entry.title == "Schema Reviewer"


def test_an_unquoted_colon_in_a_claude_code_agent_is_read_as_claude_code_reads_it(tmp_path: Path) -> None:
    for strict in (False, True):
        result = load_persona_file(write(tmp_path, "pager-triage.md", CLAUDE_AGENT_WITH_COLON), strict=strict)

        (persona,) = result.personas
        assert persona.spec.description == "Use when an alert fires. Triggers on: 'pager', 'on-call', 'incident'"
        assert result.diagnostics == []


def test_an_unquoted_colon_in_a_persona_file_of_ours_loads_with_a_warning_that_says_how_to_quote(
        tmp_path: Path) -> None:
    path = write(tmp_path, "pager-triage.md", PERSONA_WITH_COLON)

    result = load_persona_file(path)

    (persona,) = result.personas
    assert persona.spec.description == "Use when an alert fires. Triggers on: 'pager', 'on-call', 'incident'"
    (warning,) = result.diagnostics
    assert (warning.severity, warning.line, warning.field) == ("warning", 3, "description")
    assert "': '" in warning.message
    assert 'description: "Use when an alert fires.' in warning.hint


AGENT_WITH_EXAMPLES = """\
---
name: schema-reviewer
description: Reviews schema changes. Use PROACTIVELY before a migration ships. Examples:
{indent}<example>
{indent}Context: A developer added a column to a large table.
{indent}user: "I added the column, can it go out?"
{indent}assistant: "I'll use the schema-reviewer agent to check the locks it takes."
{indent}</example>
tools: Read, Grep
---

Review the migration.
"""


@pytest.mark.parametrize("indent", ["  ", ""])  # Claude Code agents write their examples both ways
@pytest.mark.parametrize("strict", [False, True])
def test_a_description_over_several_lines_of_examples_is_read_as_text(indent: str, strict: bool) -> None:
    result = parse_persona(AGENT_WITH_EXAMPLES.format(indent=indent), "schema-reviewer.md", strict=strict)

    (persona,) = result.personas
    assert persona.spec.description.startswith("Reviews schema changes. Use PROACTIVELY before a migration ships.")
    assert 'user: "I added the column, can it go out?"' in persona.spec.description
    assert persona.spec.tools == "Read, Grep"  # the next field is a field again
    assert result.diagnostics == []  # as Claude Code reads it: nothing to fix, even with --strict


def test_a_persona_file_of_ours_with_a_description_over_several_lines_is_warned_about() -> None:
    text = AGENT_WITH_EXAMPLES.format(indent="  ").replace("tools: Read, Grep\n", "")

    result = parse_persona(text, "schema-reviewer.md")

    assert 'user: "I added the column, can it go out?"' in result.personas[0].spec.description
    (warning,) = result.diagnostics
    assert (warning.severity, warning.line, warning.field) == ("warning", 3, "description")
    assert "several lines" in warning.message and "description: |" in warning.hint


def test_lines_at_the_margin_that_are_all_fields_stay_fields() -> None:
    # 'foo: bar' is an unknown field, reported as one, not text of the description before it.
    result = parse_persona("---\nname: x\ndescription: Use when: y\nfoo: bar\n---\nbody\n", "x.md")

    (persona,) = result.personas
    assert persona.spec.description == "Use when: y"
    assert [d.field for d in result.diagnostics] == ["description", "foo"]


def test_the_repaired_value_is_an_error_in_strict_mode_in_a_persona_file_of_ours(tmp_path: Path) -> None:
    result = load_persona_file(write(tmp_path, "pager-triage.md", PERSONA_WITH_COLON), strict=True)

    assert result.personas == []
    assert [d.severity for d in result.diagnostics] == ["error"]


def test_an_unquoted_glob_in_a_list_is_read_as_text_with_a_warning_on_its_line_in_a_file_of_ours(
        tmp_path: Path) -> None:
    text = ("---\npaths:\n  - **/*.ts\n  - 'src/**'\n  - *.tsx\nmetadata:\n  owner: web\n---\n# TypeScript\n\n"
            "Strict mode.\n")

    rule = load_persona_file(write(tmp_path, ".claude/rules/typescript.md", text), strict=True)
    assert rule.personas[0].spec.trigger_files == ["**/*.ts", "src/**", "*.tsx"]
    assert rule.diagnostics == []  # a Claude Code rule, read as Claude Code reads it

    ours = "---\nname: ts\ndescription: d\ntrigger-files:\n  - **/*.ts\n  - 'src/**'\n  - *.tsx\n---\nStrict.\n"
    result = load_persona_file(write(tmp_path, "ts.md", ours))
    (persona,) = result.personas
    assert persona.spec.trigger_files == ["**/*.ts", "src/**", "*.tsx"]
    assert [(d.severity, d.line, d.field) for d in result.diagnostics] == [("warning", 5, "trigger-files"),
                                                                            ("warning", 7, "trigger-files")]
    assert 'quote the item: - "**/*.ts"' in result.diagnostics[0].hint
    assert load_persona_file(tmp_path / "ts.md", strict=True).personas == []


@pytest.mark.parametrize("frontmatter", [
    "name: x\ndescription: d\nfoo: [a, b\n",  # not a plain value's problem
    "name: x\ndescription: \"first: second\n  and no closing quote\n",
])
def test_yaml_that_is_broken_otherwise_is_still_an_error(frontmatter: str) -> None:
    result = parse_persona(f"---\n{frontmatter}---\nbody\n", "x.md")

    assert result.personas == []
    assert result.diagnostics[0].message.startswith("invalid YAML")


@pytest.mark.parametrize("name", ["dotnet-framework-4.8-expert", "powershell-5.1-expert", "snake_case_agent", "a.b"])
def test_names_may_hold_dots_and_underscores(name: str) -> None:
    result = parse_persona(f"---\nname: {name}\ndescription: d\n---\nbody\n", "x.md")

    assert messages(result) == []
    assert result.personas[0].name == name


@pytest.mark.anyio
async def test_a_dotted_name_is_a_valid_prompt_and_resource_uri(tmp_path: Path) -> None:
    write(tmp_path, "dotnet.md", "---\nname: dotnet-framework-4.8-expert\ndescription: WinForms and WCF.\n---\n"
          "# .NET Framework 4.8\n\nKeep binding redirects tidy.\n")
    server = build_server(Catalog.load([Layer("custom", tmp_path)]))

    async with mcp.Client(server, mode="legacy") as client:
        prompt = await client.get_prompt("dotnet-framework-4.8-expert")
        resource = await client.read_resource("persona://dotnet-framework-4.8-expert")

    assert "binding redirects" in prompt.messages[0].content.text  # type: ignore[union-attr]
    assert "binding redirects" in resource.contents[0].text  # type: ignore[union-attr]


def test_a_heading_inside_a_code_example_is_not_the_title(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "refactor.md", "---\nname: refactor\ndescription: Improves code structure.\n---\n"
          "```python\n# Shipping constants\nRATE = 0.75\n```\n\n# Refactoring guide\n\n## Patterns\n\nx\n")
    write(tmp_path, "plain.md", "---\nname: plain-helper\ndescription: d\n---\n```sh\n# run it\n```\n")
    write(tmp_path, "summary.md", "---\nname: work-summary\ndescription: d\n---\n# Purpose\n\nSum up.\n")
    write(tmp_path, "docker.md", "---\nname: docker-helper\ndescription: d\n---\n# Persona & Expertise\n\nShip.\n")

    assert main(["--no-builtin", "--no-user", "--personas", str(tmp_path), "list"]) == 0

    out = capsys.readouterr().out
    assert "Refactoring guide" in out and "Plain Helper" in out and "Work Summary" in out  # "Purpose" names a part
    assert "Shipping constants" not in out and "run it" not in out and "Purpose" not in out
    assert "Docker Helper" in out and "Persona & Expertise" not in out


def test_a_title_with_control_characters_is_printed_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "sneaky.md", "---\nname: sneaky\ndescription: d\n---\n# Sneaky \x1b[2J\x07 \u202eReversed\n\nx\n")
    write(tmp_path, "titled.md", '---\nname: titled\ndescription: d\ntitle: "Bell \\a here"\n---\nx\n')

    assert main(["--no-builtin", "--no-user", "--personas", str(tmp_path), "list"]) == 0

    out = capsys.readouterr().out
    assert all(line.isprintable() for line in out.splitlines())
    assert "Sneaky \\x1b[2J\\x07 \\u202eReversed" in out
    assert "Bell \\x07 here" in out


# ---------------------------------------------------------------- Agent Skills


def test_a_skill_takes_its_folder_name_and_its_body_is_the_guidance(tmp_path: Path) -> None:
    skill = write(tmp_path, "openapi-docs/SKILL.md", SKILL)
    write(tmp_path, "openapi-docs/reference.md", "# Reference material, not a persona\n")
    write(tmp_path, "openapi-docs/templates/spec.md", "no frontmatter\n")

    result = load_folder(tmp_path)

    assert messages(result) == []
    (persona,) = result.personas
    assert (persona.name, persona.format, persona.path) == ("openapi-docs", "skill", skill)
    assert persona.body.startswith("# OpenAPI documents")
    assert PersonaInfo.of(persona).format_keys == {
        "license": "Apache-2.0", "allowed-tools": "Read, Edit", "metadata": {"owner": "platform", "version": "2"},
    }


def test_a_skill_name_in_the_frontmatter_wins_over_the_folder(tmp_path: Path) -> None:
    write(tmp_path, "folder-name/SKILL.md", "---\nname: given-name\ndescription: d\n---\nbody\n")

    assert [p.name for p in load_folder(tmp_path).personas] == ["given-name"]


def test_a_skill_without_a_description_takes_its_first_paragraph(tmp_path: Path) -> None:
    write(tmp_path, "lint/SKILL.md", "---\nallowed-tools: Bash\n---\n# Lint\n\nRun the linters on changed files.\n")

    (persona,) = load_folder(tmp_path).personas

    assert persona.spec.description == "Lint. Run the linters on changed files."


# ---------------------------------------------------------------- Cursor rules


def test_a_cursor_rule_takes_its_file_name_and_its_globs_become_file_triggers(tmp_path: Path) -> None:
    result = load_persona_file(write(tmp_path, "billing.mdc", CURSOR_RULE))

    assert messages(result) == []
    (persona,) = result.personas
    assert (persona.name, persona.format, persona.always_apply, persona.always_because) == (
        "billing", "cursor-rule", False, None)
    assert persona.spec.trigger_files == ["services/billing/**/*.go", "**/*_billing.go", "**/*_billing.sql"]
    assert PersonaInfo.of(persona).format_keys["alwaysApply"] is False


def test_an_unquoted_glob_value_loads_as_cursor_writes_it_and_with_a_warning_in_a_key_of_ours(
        tmp_path: Path) -> None:
    path = write(tmp_path, "ts.mdc", "---\ndescription: TypeScript\nglobs: **/web/**/*.ts, src/**\n---\nUse strict.\n")

    result = load_persona_file(path, strict=True)

    assert result.personas[0].spec.trigger_files == ["**/web/**/*.ts", "src/**"]
    assert result.diagnostics == []  # Cursor writes its globs so

    # A key of ours given as Cursor writes its globs still warns, in any file: the fix shows the list to write.
    agent = write(tmp_path, "ts-agent.md", "---\nname: ts\ndescription: TypeScript\ntools: Read\n"
                  "trigger-files: **/web/**/*.ts\n---\nx\n")
    (warning,) = load_persona_file(agent).diagnostics
    assert (warning.severity, warning.line, warning.field) == ("warning", 5, "trigger-files")
    assert "alias" in warning.message
    assert warning.hint == 'write it as a list: trigger-files: ["**/web/**/*.ts"]'


def test_always_apply_and_an_empty_globs_value(tmp_path: Path) -> None:
    result = load_persona_file(write(tmp_path, "house.mdc", CURSOR_ALWAYS))

    assert messages(result) == []
    (persona,) = result.personas
    assert persona.always_apply is True
    assert persona.spec.trigger_files == []
    assert PersonaInfo.of(persona).always_apply is True


def test_an_empty_description_as_cursor_writes_it_is_taken_from_the_body(tmp_path: Path) -> None:
    text = "---\ndescription:\nglobs: src/**/*.ts\nalwaysApply: false\n---\nUse strict null checks.\n"

    result = load_persona_file(write(tmp_path, "ts.mdc", text))

    assert messages(result) == []
    assert result.personas[0].spec.description == "Use strict null checks."


@pytest.mark.parametrize(("relative", "scope"), [
    ("go.mdc", "globs: ['**/*.go']"),  # Cursor's "auto attached" rule: globs and a body, no description
    ("go.instructions.md", "applyTo: '**/*.go'"),
])
def test_a_rule_with_files_and_a_body_but_no_description_loads_without_a_word(tmp_path: Path, relative: str,
                                                                              scope: str) -> None:
    result = load_persona_file(write(tmp_path, relative, f"---\n{scope}\n---\n# Go\n\nWrap every error.\n"),
                               strict=True)

    assert messages(result) == []
    assert [(p.name, p.spec.description, p.spec.trigger_files) for p in result.personas] == [
        ("go", "Go. Wrap every error.", ["**/*.go"])]


@pytest.mark.parametrize(("relative", "fields"), [
    ("rust.mdc", "globs: ['**/*.rs']"),
    ("rust.instructions.md", "applyTo: '**/*.rs'"),
    ("rust/SKILL.md", "license: MIT"),
])
def test_a_file_with_neither_a_description_nor_a_body_loads_with_warnings_not_a_missing_field(
        tmp_path: Path, relative: str, fields: str) -> None:
    path = write(tmp_path, relative, f"---\n{fields}\n---\n\n")

    result = load_persona_file(path)

    assert [(p.name, p.spec.description) for p in result.personas] == [("rust", "rust")]
    assert [(d.severity, d.field, d.message) for d in result.diagnostics] == [
        ("warning", "description", "no description, and no paragraph in the body to take one from; the name stands "
         "for it"),
        ("warning", None, "the body is empty, so the persona has no guidance to give"),
    ]
    assert result.diagnostics[0].hint == "add 'description: ...', saying when it applies"
    assert load_persona_file(path, strict=True).personas == []


def test_a_rule_with_a_body_but_no_paragraph_is_described_by_its_name_with_a_warning(tmp_path: Path) -> None:
    result = load_persona_file(write(tmp_path, "c-style.mdc", "---\nglobs: ['**/*.c']\n---\n```c\nint x;\n```\n"))

    assert [p.spec.description for p in result.personas] == ["c style"]
    (warning,) = result.diagnostics
    assert (warning.severity, warning.field) == ("warning", "description")
    assert warning.hint == "add 'description: ...', saying when it applies"


def test_a_cursor_rule_with_a_description_and_no_body_loads_with_the_empty_body_warning(tmp_path: Path) -> None:
    result = load_persona_file(write(tmp_path, "go.mdc", "---\ndescription: Go style\nglobs: '**/*.go'\n---\n"))

    assert [p.name for p in result.personas] == ["go"]
    assert [d.message for d in result.diagnostics] == ["the body is empty, so the persona has no guidance to give"]


@pytest.mark.parametrize(("relative", "what", "named"), [
    ("ドキュメント.mdc", "file", "ドキュメント.mdc"),
    ("___.instructions.md", "file", "___.instructions.md"),
    ("ドキュ/SKILL.md", "folder", "ドキュ"),
])
def test_a_file_name_that_gives_no_persona_name_is_named_as_the_problem(tmp_path: Path, relative: str, what: str,
                                                                       named: str) -> None:
    path = write(tmp_path, relative, "---\ndescription: Docs style\n---\nWrite plainly.\n")

    result = load_persona_file(path)

    assert result.personas == []
    (error,) = result.diagnostics
    assert (error.severity, error.field, error.line) == ("error", None, None)
    assert error.message == f"the {what} name {named!r} gives no usable persona name"
    assert error.hint == f"rename the {what} with letters a-z, digits and '-', or add 'name: ...' to the frontmatter"
    path.write_text("---\nname: docs\ndescription: Docs style\n---\nWrite plainly.\n", encoding="utf-8")
    assert [p.name for p in load_persona_file(path).personas] == ["docs"]


def test_our_trigger_files_keep_precedence_over_globs(tmp_path: Path) -> None:
    text = CURSOR_RULE.replace("alwaysApply: false\n", "alwaysApply: false\ntrigger-files: ['**/ledger/**']\n")

    (persona,) = load_persona_file(write(tmp_path, "billing.mdc", text)).personas

    assert persona.spec.trigger_files == ["**/ledger/**"]
    assert persona.spec.globs == ["services/billing/**/*.go", "**/*_billing.go", "**/*_billing.sql"]


def test_a_cursor_rule_without_frontmatter_loads_with_no_triggers(tmp_path: Path) -> None:
    result = load_persona_file(write(tmp_path, "Style Guide.mdc", "Prefer small functions.\n"))

    assert messages(result) == []
    (persona,) = result.personas
    assert (persona.name, persona.spec.description, persona.spec.trigger_files) == (
        "style-guide", "Prefer small functions.", [])


def test_a_rule_whose_frontmatter_is_a_sentence_takes_it_as_its_description(tmp_path: Path) -> None:
    text = "---\nWrite a PR description from the staged changes.\n---\n# Description\n\nSummarise the change.\n"

    rule = load_persona_file(write(tmp_path, "pr.mdc", text))
    ours = load_persona_file(write(tmp_path, "pr.md", text))  # our own format needs its fields

    assert [(d.severity, d.field) for d in rule.diagnostics] == [("warning", "description")]
    (persona,) = rule.personas
    assert (persona.name, persona.title) == ("pr", "PR")  # "# Description" names a part of the text; "PR" as written
    assert persona.spec.description == "Write a PR description from the staged changes."
    assert ours.personas == [] and "mapping of fields" in ours.errors[0].message


def test_an_unusable_glob_of_another_format_is_left_out_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "odd.mdc", "---\ndescription: d\nglobs: ['#comment', '**/*.py']\n---\nbody\n")

    result = load_persona_file(path)

    assert result.personas[0].spec.trigger_files == ["**/*.py"]
    assert [(d.severity, d.field) for d in result.diagnostics] == [("warning", "globs")]


# ---------------------------------------------------------------- Copilot instructions


def test_copilot_instructions_take_their_name_and_apply_to_their_files(tmp_path: Path) -> None:
    result = load_persona_file(write(tmp_path, "terraform.instructions.md", COPILOT))

    assert messages(result) == []
    (persona,) = result.personas
    assert (persona.name, persona.format) == ("terraform", "copilot-instructions")
    assert persona.spec.description == "Terraform conventions"
    assert persona.spec.trigger_files == ["terraform/**/*.tf", "**/*.tfvars"]


def test_copilot_instructions_without_frontmatter_are_selected_by_their_text_not_applied_always(
        tmp_path: Path) -> None:
    result = load_persona_file(write(tmp_path, "review.instructions.md", COPILOT_BARE))

    assert messages(result) == []
    (persona,) = result.personas
    assert persona.name == "review"
    assert persona.spec.description == "Review checklist. Check error handling and naming in every change."
    assert persona.spec.trigger_files == []
    assert not persona.always_apply  # VS Code applies instructions without applyTo only when attached by hand
    assert persona.title == "Review checklist"


@pytest.mark.parametrize("text", [
    COPILOT_BARE,
    "---\ndescription: Review checklist for error handling and naming\n---\nCheck every change.\n",
    "---\nexcludeAgent: code-review\n---\n# Review checklist\n\nCheck error handling and naming.\n",
], ids=["no frontmatter", "a description", "other keys"])
def test_copilot_instructions_without_apply_to_are_ordinary_personas_however_written(tmp_path: Path,
                                                                                     text: str) -> None:
    write(tmp_path, "review.instructions.md", text)
    write(tmp_path, "terraform.instructions.md", COPILOT)
    index = Catalog.load([Layer("custom", tmp_path)]).index

    assert index.always_apply == []
    unrelated = select(index, "Pin the AWS provider version", ["terraform/main.tf"])
    assert unrelated.persona == "terraform" and unrelated.companions == []
    assert select(index, "Check the error handling in this change", []).persona == "review"


@pytest.mark.parametrize("apply_to", ["'**'", "'**/*'", "['**', 'docs/**']", "'*'"])
def test_a_glob_that_matches_every_file_makes_it_apply_always_instead_of_a_file_trigger(apply_to: str) -> None:
    text = f"---\ndescription: Everywhere\napplyTo: {apply_to}\n---\nAlways.\n"

    (persona,) = parse_persona(text, "all.instructions.md").personas

    assert persona.always_apply and not persona.spec.always_apply
    assert persona.always_reason.startswith("applyTo: '*") and persona.always_reason.endswith("matches every file")
    assert "**" not in persona.spec.trigger_files and "*" not in persona.spec.trigger_files


def test_the_reason_an_always_applying_companion_gives_is_its_own(tmp_path: Path) -> None:
    write(tmp_path, "english.instructions.md", "---\napplyTo: '**'\n---\nAnswer in plain English.\n")
    write(tmp_path, ".windsurf/rules/brief.md", "---\ntrigger: always_on\n---\nBe brief.\n")
    write(tmp_path, ".claude/rules/style.md", "Keep functions short.\n")
    write(tmp_path, "terraform.instructions.md", COPILOT)

    result = select(Catalog.load([Layer("custom", tmp_path)]).index, "Pin the AWS provider", ["terraform/main.tf"])

    assert result.persona == "terraform"
    assert {c.name: c.reason for c in result.companions} == {
        "brief": "always applies (trigger: always_on in its rule).",
        "english": "always applies (applyTo: '**' matches every file).",
        "style": "always applies (a rule that names no files).",
    }


def test_an_opencode_agent_takes_its_file_name_and_reads_its_tools_mapping(tmp_path: Path) -> None:
    result = load_persona_file(write(tmp_path, "agents/migration-planner.md", OPENCODE_AGENT))

    assert messages(result) == []
    (persona,) = result.personas
    assert (persona.name, persona.format) == ("migration-planner", "opencode-agent")
    assert persona.spec.tools == ["bash", "read"]  # the tools it turns on
    assert persona.kept_keys == {"mode": "subagent", "temperature": 0.1, "permission": {"bash": {"psql *": "ask"}}}
    assert info(result).format_keys["tools"] == ["bash", "read"]


@pytest.mark.parametrize(("relative", "text"), [
    (".opencode/agents/reviewer.md", "---\ndescription: Reviews changes.\n---\nReview.\n"),
    (".opencode/agent/reviewer.md", "# Reviewer\n\nReviews changes.\n"),  # no frontmatter: OpenCode's folder
])
def test_a_file_in_an_opencode_agent_folder_is_an_opencode_agent(tmp_path: Path, relative: str, text: str) -> None:
    result = load_persona_file(write(tmp_path, relative, text))

    assert messages(result) == []
    (persona,) = result.personas
    assert (persona.name, persona.format) == ("reviewer", "opencode-agent")
    assert "Reviews changes" in persona.spec.description


@pytest.mark.parametrize(("relative", "text", "globs", "always"), [
    # Claude Code and Cline: `paths` says which files a rule is for; a rule that names none applies everywhere.
    (".claude/rules/api/handlers.md", "---\npaths:\n  - 'src/api/**/*.ts'\n---\n# API handlers\n\nValidate input.\n",
     ["src/api/**/*.ts"], False),
    (".clinerules/handlers.md", "---\npaths: src/api/**/*.{ts,js}\n---\nValidate input.\n",
     ["src/api/**/*.ts", "src/api/**/*.js"], False),
    (".cline/rules/handlers.md", "# API handlers\n\nValidate input.\n", [], True),
    (".clinerules/handlers.md", "---\npaths: ['**']\n---\nValidate input.\n", [], True),
    # Windsurf: `trigger` says when; `glob` reads `globs`, `always_on` applies everywhere, the others never do.
    (".windsurf/rules/handlers.md", "---\ntrigger: glob\nglobs: src/api/**\n---\nValidate input.\n",
     ["src/api/**"], False),
    (".windsurf/rules/handlers.md", "---\ntrigger: always_on\n---\nValidate input.\n", [], True),
    (".windsurf/rules/handlers.md", "---\ntrigger: model_decision\ndescription: API handlers.\n---\nValidate.\n",
     [], False),
    # Kiro: `inclusion` says when; `fileMatch` reads `fileMatchPattern`, and no frontmatter means always.
    (".kiro/steering/handlers.md", "---\ninclusion: fileMatch\nfileMatchPattern: 'src/api/**'\n---\nValidate.\n",
     ["src/api/**"], False),
    (".kiro/steering/handlers.md", "---\ninclusion: always\n---\nValidate input.\n", [], True),
    (".kiro/steering/handlers.md", "---\ninclusion: manual\n---\nValidate input.\n", [], False),
    # Continue: a display name, `globs` as Cursor's; without globs it applies always unless `alwaysApply: false`.
    (".continue/rules/handlers.md", "---\nname: handlers\nglobs: src/api/**\n---\nValidate input.\n",
     ["src/api/**"], False),
    (".continue/rules/handlers.md", "---\nname: handlers\ndescription: API handlers.\nalwaysApply: false\n---\n"
     "Validate input.\n", [], False),
    # Roo Code and Amazon Q: plain markdown, applied to everything.
    (".roo/rules/handlers.md", "Validate input.\n", [], True),
    (".amazonq/rules/handlers.md", "Validate input.\n", [], True),
    # Augment: `type` says when, and a rule that does not say is attached only when asked for.
    (".augment/rules/api/handlers.md", "Validate input.\n", [], False),
    (".augment/rules/handlers.md", "---\ntype: always_apply\n---\nValidate input.\n", [], True),
    (".augment/rules/handlers.md", "---\ntype: agent_requested\ndescription: API handlers.\n---\nValidate.\n", [],
     False),
])
def test_a_file_in_a_rules_folder_is_a_rule_scoped_by_its_paths_or_trigger(
        tmp_path: Path, relative: str, text: str, globs: list[str], always: bool) -> None:
    result = load_persona_file(write(tmp_path, relative, text))

    assert messages(result) == []
    (persona,) = result.personas
    assert (persona.name, persona.format) == ("handlers", "rule")
    assert persona.spec.trigger_files == globs
    assert persona.always_apply is always
    assert persona.spec.description  # its own, or the body's first heading and paragraph


@pytest.mark.parametrize(("relative", "text", "message", "hint"), [
    (".windsurf/rules/style.md", "---\ntrigger: always-on\n---\nx\n", "'always-on' is none of always_on",
     "write trigger: followed by one of"),
    (".kiro/steering/style.md", "---\ninclusion: fileMatch\n---\nx\n", "names none",
     "add the files as fileMatchPattern"),
    (".windsurf/rules/style.md", "---\ntrigger: glob\n---\nx\n", "names none", "add the files as globs"),
    (".augment/rules/style.md", "---\ntype: always\n---\nx\n", "'always' is none of always_apply",
     "write type: followed by one of"),
])
def test_a_rules_mode_that_its_tool_does_not_know_or_that_names_no_files_is_a_warning_on_its_line(
        relative: str, text: str, message: str, hint: str) -> None:
    result = parse_persona(text, relative)

    (persona,) = result.personas  # it still loads, chosen by its description
    assert not persona.always_apply
    (warning,) = result.diagnostics
    assert (warning.severity, warning.line) == ("warning", 2)
    assert message in warning.message and hint in warning.hint


def test_a_continue_rules_display_name_is_its_title_without_a_warning(tmp_path: Path) -> None:
    text = "---\nname: Documentation Standards\nglobs: docs/**/*.md\nregex: '^## '\n---\nUse sentence case.\n"

    result = load_persona_file(write(tmp_path, ".continue/rules/docs.md", text))

    assert messages(result) == []
    (persona,) = result.personas
    assert (persona.name, persona.title, persona.format) == ("documentation-standards", "Documentation Standards",
                                                             "rule")
    assert persona.kept_keys == {"regex": "^## "}


def test_a_rules_paths_and_trigger_are_shown_and_convert_writes_them_as_our_keys(tmp_path: Path) -> None:
    write(tmp_path, ".windsurf/rules/migrations.md", "---\ntrigger: glob\nglobs: db/migrate/**\n---\nNo locks.\n")
    write(tmp_path, ".claude/rules/docs.md", "---\npaths: docs/**\n---\n# Docs\n\nWrite plainly.\n")

    listing = {p.name: p for p in Catalog.load([Layer("custom", tmp_path)]).listing().personas}

    assert listing["migrations"].format_keys == {"globs": ["db/migrate/**"], "trigger": "glob"}
    assert listing["docs"].format_keys == {"paths": ["docs/**"]}
    assert listing["docs"].trigger_files == ["docs/**"] and not listing["docs"].always_apply
    out = tmp_path / "converted"
    assert main(["convert", str(tmp_path / ".claude/rules/docs.md"), "--output", str(out)]) == 0
    (converted,) = load_persona_file(out / "docs.md").personas
    assert converted.format == "persona" and converted.spec.trigger_files == ["docs/**"]
    assert "paths" not in (out / "docs.md").read_text(encoding="utf-8").split("---")[1]


def test_a_task_on_a_rules_paths_selects_it(tmp_path: Path) -> None:
    write(tmp_path, ".clinerules/migrations.md", "---\npaths: ['db/migrate/**']\n---\n# Migrations\n\n"
          "Never lock a large table; add columns nullable first.\n")
    write(tmp_path, ".clinerules/frontend.md", "---\npaths: ['web/src/**']\n---\n# Frontend\n\nUse our components.\n")
    write(tmp_path, ".clinerules/house-style.md", "# House style\n\nKeep commits small.\n")  # applies to everything

    index = Catalog.load([Layer("custom", tmp_path)]).index
    selection = select(index, "Add a column for the invoice due date", ["db/migrate/20261205_add_due_date.rb"])

    assert selection.persona == "migrations"
    assert [c.name for c in selection.companions] == ["house-style"]


COPILOT_AGENT = """\
---
name: "Debug Mode Instructions"
description: "Debug your application to find and fix a bug"
tools: ['edit/editFiles', 'search', 'execute/runTests']
model: ['Claude Sonnet 4.5 (copilot)', 'GPT-5 (copilot)']
handoffs:
  - label: Review the fix
    agent: reviewer
    prompt: Review the change.
target: vscode
---

# Debug mode

Reproduce the bug before you change anything.
"""


@pytest.mark.parametrize(("relative", "name"), [
    ("agents/debug.agent.md", "debug"),
    (".github/agents/debug.md", "debug"),  # GitHub reads any markdown file in its agents folder
    ("modes/debug.chatmode.md", "debug"),  # the former name of custom agents
])
def test_a_copilot_custom_agent_is_named_by_its_file_and_titled_by_its_name(
        tmp_path: Path, relative: str, name: str) -> None:
    result = load_persona_file(write(tmp_path, relative, COPILOT_AGENT))

    assert messages(result) == []
    (persona,) = result.personas
    assert (persona.name, persona.title, persona.format) == (name, "Debug Mode Instructions", "copilot-agent")
    assert persona.spec.description == "Debug your application to find and fix a bug"
    assert persona.spec.model == ["Claude Sonnet 4.5 (copilot)", "GPT-5 (copilot)"]  # a list, tried in order
    assert persona.kept_keys["target"] == "vscode" and persona.kept_keys["handoffs"][0]["agent"] == "reviewer"


def test_the_instructions_of_a_mode_instructions_title_are_not_documentation_work(tmp_path: Path) -> None:
    write(tmp_path, "debug.agent.md", COPILOT_AGENT)
    write(tmp_path, "tech-writer.agent.md", "---\nname: Tech Writer\ndescription: Writes and edits technical "
          "documentation.\n---\nWrite plainly.\n")

    index = Catalog.load([Layer("custom", tmp_path)]).index

    assert select(index, "Write a README section about configuration", []).persona == "tech-writer"
    assert select(index, "The app crashes with a null pointer when saving", []).persona == "debug"


def test_a_copilot_custom_agent_needs_no_frontmatter_and_keeps_a_name_that_is_a_persona_name(tmp_path: Path) -> None:
    bare = load_persona_file(write(tmp_path, "planner.agent.md", "# Planner\n\nPlans features before coding.\n"))
    named = load_persona_file(write(tmp_path, "x.agent.md", "---\nname: release-planner\ndescription: d\n---\nx\n"))

    assert [(p.name, p.spec.description) for p in bare.personas] == [("planner", "Planner. Plans features before "
                                                                                "coding.")]
    assert [p.name for p in named.personas] == ["release-planner"]


def test_a_plain_markdown_file_still_needs_frontmatter_and_a_name(tmp_path: Path) -> None:
    assert "no YAML frontmatter" in messages(load_persona_file(write(tmp_path, "notes.md", COPILOT_BARE)))[0]
    result = load_persona_file(write(tmp_path, "nameless.md", "---\ndescription: d\n---\nbody\n"))
    assert [d.field for d in result.diagnostics] == ["name"]


# ---------------------------------------------------------------- shared pieces


@pytest.mark.parametrize(("value", "globs"), [
    ("a/**, b/*.ts", ["a/**", "b/*.ts"]),
    ("src/**/*.{ts,tsx},lib/**", ["src/**/*.ts", "src/**/*.tsx", "lib/**"]),
    (["x/**", " y/** "], ["x/**", "y/**"]),
    ("", []),
    (None, []),
    ("*.{a,b}.{c,d}", ["*.a.c", "*.a.d", "*.b.c", "*.b.d"]),
    ("{unbalanced", ["{unbalanced"]),
])
def test_globs_are_split_on_commas_outside_braces_and_braces_expanded(value: Any, globs: list[str]) -> None:
    assert split_globs(value) == globs


def test_the_catalog_listing_shows_each_format_and_its_keys(tmp_path: Path) -> None:
    write(tmp_path, "agents/schema-reviewer.md", CLAUDE_AGENT)
    write(tmp_path, "rules/billing.mdc", CURSOR_RULE)
    write(tmp_path, "skills/openapi-docs/SKILL.md", SKILL)
    write(tmp_path, "instructions/terraform.instructions.md", COPILOT)
    write(tmp_path, "opencode/migration-planner.md", OPENCODE_AGENT)

    listing = Catalog.load([Layer("custom", tmp_path)]).listing()

    assert listing.problems == []
    formats = {p.name: p.format for p in listing.personas}
    assert formats == {"schema-reviewer": "persona", "billing": "cursor-rule", "openapi-docs": "skill",
                       "terraform": "copilot-instructions", "migration-planner": "opencode-agent"}
    dumped = json.loads(listing.model_dump_json())
    assert dumped["personas"][0]["format_keys"]


def test_the_schema_accepts_the_other_formats_keys() -> None:
    properties = frontmatter_schema()["properties"]

    for key in ["tools", "model", "color", "license", "allowed-tools", "metadata", "category", "globs",
                "alwaysApply", "applyTo", "compatibility", "permissionMode", "argument-hint"]:
        assert key in properties, key


@pytest.mark.parametrize("frontmatter", [
    {"description": "Billing", "globs": "services/billing/**, **/*.sql", "alwaysApply": None},
    {"applyTo": ["**/*.tf"]},
    {"name": "x", "description": "d", "tools": "Read, Grep", "model": "sonnet", "color": "red", "maxTurns": 5},
    {"name": "x", "description": "d", "allowed-tools": ["Read"], "metadata": {"a": "b"}, "argument-hint": "[file]"},
    {"description": "d", "mode": "subagent", "temperature": 0.1, "tools": {"bash": True, "edit": False},
     "permission": {"edit": "deny"}},
])
def test_the_schema_validates_real_shapes_of_each_format(frontmatter: dict[str, Any]) -> None:
    jsonschema: Any = pytest.importorskip("jsonschema")

    jsonschema.Draft202012Validator(frontmatter_schema()).validate(frontmatter)


def test_other_tools_keys_that_mean_nothing_here_are_kept_as_written() -> None:
    text = ("---\nname: x\ndescription: d\npermissionMode: plan\nmaxTurns: 12\nversion: 2025-01-31\n"
            "argument-hint: '[file]'\n---\nbody\n")

    result = parse_persona(text, "x.md")

    assert messages(result) == []
    assert info(result).format_keys == {"permissionMode": "plan", "maxTurns": 12, "version": "2025-01-31",
                                        "argument-hint": "[file]"}


def test_a_category_key_is_kept_without_a_warning() -> None:
    result = parse_persona("---\nname: x\ndescription: d\ncategory: data-ai\n---\nbody\n", "x.md")

    assert messages(result) == []
    assert info(result).format_keys == {"category": "data-ai"}


@pytest.mark.parametrize("description", [
    "Auto-invoke when: a" + " " * 3950 + "b",
    "Auto-invoke when: a" + "- " * 1970 + "b",
    "Auto-invoke when: " + ", ".join(f"topic{i}" for i in range(500)),
])
def test_long_descriptions_give_their_phrases(description: str) -> None:
    positive, negative = description_clauses(description)

    assert positive and negative == []


@pytest.mark.parametrize(("description", "phrase"), [
    ("Auto-invoke when: UI-only tasks.", "UI"),
    ("Auto-invoke when: endpoint keywords.", "endpoint"),
    ("Auto-invoke when: network work.", "network"),
    ("Auto-invoke when: frontend - only.", "frontend"),
    ("Auto-invoke when: only tasks.", "only"),
])
def test_filler_words_are_taken_off_the_end_of_a_phrase(description: str, phrase: str) -> None:
    assert description_clauses(description)[0] == [phrase]
