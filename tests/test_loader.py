"""Persona files -> personas and diagnostics: the loader never raises on bad content."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pathspec import GitIgnoreSpec
from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

from persona_mcp.folders import read_bounded
from persona_mcp.loader import (
    MAX_FILE_BYTES,
    MAX_GLOB_STARS,
    LoadResult,
    glob_problem,
    load_folder,
    load_paths,
    load_persona_file,
    parse_persona,
)
from persona_mcp.model import Diagnostic, description_clauses

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed" / "persona-backend.md"
BUILTIN_BACKEND = Path(__file__).resolve().parents[1] / "personas" / "persona-backend.md"

SEED_KEYWORDS = [
    "API", "database", "service", "endpoint", "repository",
    "migration", "REST", "GraphQL", "microservice", "cache",
]
SEED_GLOBS = [
    "**/Controller/**", "**/Service/**", "**/Repository/**",
    "**/Entity/**", "**/Model/**", "**/api/**",
]

GOOD = "---\nname: persona-x\ndescription: Does x things.\n---\n\n# Persona: X\n\nGuidance.\n"


def persona_text(name: str = "persona-x", extra: str = "", body: str = "# X\n\nGuidance.\n") -> str:
    """A persona file: name (line 2), description (line 3), then `extra` frontmatter lines from line 4."""
    return f"---\nname: {name}\ndescription: Does {name} things.\n{extra}---\n\n{body}"


def write(folder: Path, filename: str, text: str | bytes) -> Path:
    path = folder / filename
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def only(result: LoadResult) -> Diagnostic:
    assert len(result.diagnostics) == 1, [str(d) for d in result.diagnostics]
    return result.diagnostics[0]


# ---------------------------------------------------------------- the seed persona


def test_seed_file_is_committed_in_tests_data():
    assert SEED.is_file()
    assert SEED.read_bytes().startswith(b"---\nname: persona-backend\n")


def test_seed_file_loads_without_diagnostics():
    result = load_persona_file(SEED)
    assert result.diagnostics == []
    assert len(result.personas) == 1


def test_seed_file_fields_load_unchanged():
    persona = load_persona_file(SEED).personas[0]
    assert persona.name == "persona-backend"
    assert persona.short_name == "backend"
    assert persona.spec.trigger_keywords == SEED_KEYWORDS
    assert persona.spec.trigger_files == SEED_GLOBS
    assert persona.spec.priority_hierarchy == ["reliability", "security", "performance", "features", "convenience"]
    assert persona.spec.mcp_preference.primary == "context7"
    assert persona.spec.mcp_preference.secondary == "sequential"
    assert persona.auto_invoke == ["API", "database", "service", "endpoint"]
    assert persona.do_not_load == ["UI", "documentation"]
    assert persona.title == "Backend ⚙️"
    assert persona.path == SEED
    assert persona.text == SEED.read_text(encoding="utf-8")


def test_builtin_backend_keeps_the_seed_body():
    seed = load_persona_file(SEED).personas[0]
    builtin = load_persona_file(BUILTIN_BACKEND)
    assert builtin.diagnostics == []
    assert builtin.personas[0].body == seed.body
    assert seed.body.startswith("# Persona: Backend")
    assert seed.body.rstrip().endswith("*Persona: Backend v1.0*")


def test_builtin_backend_keeps_every_seed_trigger_and_preference():
    seed = load_persona_file(SEED).personas[0].spec
    builtin = load_persona_file(BUILTIN_BACKEND).personas[0].spec
    assert builtin.name == seed.name
    assert builtin.description == seed.description
    assert set(seed.trigger_keywords) <= set(builtin.trigger_keywords)
    assert set(seed.trigger_files) <= set(builtin.trigger_files)
    assert builtin.priority_hierarchy == seed.priority_hierarchy
    assert builtin.mcp_preference.primary == seed.mcp_preference.primary
    assert builtin.mcp_preference.secondary == seed.mcp_preference.secondary


# ---------------------------------------------------------------- description clauses


@pytest.mark.parametrize(
    ("description", "auto", "never"),
    [
        (
            "API and data-focused thinking mode. Auto-invoke when: API, database, service, endpoint keywords. "
            "Do NOT load for: UI-only tasks, documentation-only tasks.",
            ["API", "database", "service", "endpoint"],
            ["UI", "documentation"],
        ),
        ("Plain description with no clauses.", [], []),
        ("Auto-invoke when: slow pages (performance), latency work.", ["slow pages", "latency"], []),
        ("Do NOT load for: docs (scribe), styling (frontend).", [], ["docs", "styling"]),
        ("auto-invoke when: a or b; c and d. do not load for: e", ["a", "b", "c", "d"], ["e"]),
        ('Auto-invoke when: "works on X", crash, Crash.', ["works on X", "crash"], []),
        # Only words that name the kind of trigger are filler; "changes" and "requests" carry meaning.
        ("Auto-invoke when: front-end work, deploy requests, behaviour changes.",
         ["front-end", "deploy requests", "behaviour changes"], []),
    ],
)
def test_description_clauses_split_into_trigger_phrases(description, auto, never):
    assert description_clauses(description) == (auto, never)


def test_persona_auto_invoke_and_do_not_load_come_from_the_description(tmp_path):
    text = (
        "---\nname: persona-x\ndescription: >-\n  Does x.\n  Auto-invoke when: alpha keywords, beta (b).\n"
        "  Do NOT load for: gamma-only tasks.\n---\nbody\n"
    )
    persona = load_persona_file(write(tmp_path, "x.md", text)).personas[0]
    assert persona.auto_invoke == ["alpha", "beta"]
    assert persona.do_not_load == ["gamma"]


def test_persona_without_clauses_has_empty_clause_lists(tmp_path):
    persona = load_persona_file(write(tmp_path, "x.md", GOOD)).personas[0]
    assert persona.auto_invoke == []
    assert persona.do_not_load == []


def test_sentence_after_a_clause_is_not_part_of_its_last_phrase():
    assert description_clauses("Auto-invoke when: API, database. Prefer small, safe steps.") == (
        ["API", "database"],
        [],
    )


# ---------------------------------------------------------------- a good file


def test_good_file_loads_with_layer_path_and_body(tmp_path):
    path = write(tmp_path, "persona-x.md", GOOD)
    result = load_persona_file(path, layer="custom")
    assert result.diagnostics == []
    [persona] = result.personas
    assert persona.name == "persona-x"
    assert persona.layer == "custom"
    assert persona.path == path
    assert persona.body == "# Persona: X\n\nGuidance.\n"
    assert persona.title == "X"


def test_a_top_heading_below_the_sections_is_not_the_title(tmp_path):
    # An example record in the text, whose fences do not hold it: its "# ADR-002" is not the persona's title.
    body = ("You document architecture.\n\n## Records\n\n```markdown\n# ADR-001: Use queues\n```yaml\nk: v\n```\n\n"
            "# ADR-002: Gateway Selection - Kong vs AWS\n")
    text = "---\nname: architecture-documenter\ndescription: Writes architecture records.\n---\n" + body
    [persona] = load_persona_file(write(tmp_path, "architecture-documenter.md", text)).personas
    assert persona.title == "Architecture Documenter"
    titled = text.replace("You document", "# Records Keeper\n\nYou document")
    [first] = load_persona_file(write(tmp_path, "x.md", titled)).personas
    assert first.title == "Records Keeper"


def test_byte_order_mark_is_ignored(tmp_path):
    result = load_persona_file(write(tmp_path, "x.md", b"\xef\xbb\xbf" + GOOD.encode()))
    assert result.diagnostics == []
    assert result.personas[0].name == "persona-x"


def test_crlf_line_endings_load(tmp_path):
    result = load_persona_file(write(tmp_path, "x.md", GOOD.replace("\n", "\r\n").encode()))
    assert result.diagnostics == []
    assert result.personas[0].name == "persona-x"


# ---------------------------------------------------------------- unreadable files


def test_directory_named_like_a_persona_file_is_a_diagnostic(tmp_path):
    folder = tmp_path / "x.md"
    folder.mkdir()
    result = load_persona_file(folder)
    diagnostic = only(result)
    assert result.personas == []
    assert diagnostic.severity == "error"
    assert diagnostic.path == str(folder)
    assert "cannot read" in diagnostic.message
    assert diagnostic.hint


def test_missing_file_is_a_diagnostic(tmp_path):
    missing = tmp_path / "nope.md"
    result = load_persona_file(missing)
    diagnostic = only(result)
    assert result.personas == []
    assert diagnostic.path == str(missing)
    assert "cannot read" in diagnostic.message
    assert "exists" in diagnostic.hint


def test_non_utf8_file_reports_the_line_of_the_bad_byte(tmp_path):
    raw = GOOD.encode().replace(b"Guidance.", b"Guid\xffance.")
    path = write(tmp_path, "x.md", raw)
    diagnostic = only(load_persona_file(path))
    assert diagnostic.path == str(path)
    assert diagnostic.line == 8
    offset = raw.index(b"\xff")
    assert diagnostic.message == f"not valid UTF-8: byte 0xff at offset {offset}"  # the byte, and where it is
    assert "UTF-8" in diagnostic.hint


def test_file_over_the_size_limit_is_refused(tmp_path):
    path = write(tmp_path, "x.md", GOOD + "x" * MAX_FILE_BYTES)
    result = load_persona_file(path)
    diagnostic = only(result)
    assert result.personas == []
    assert diagnostic.severity == "error"
    assert str(MAX_FILE_BYTES) in diagnostic.message
    assert diagnostic.hint


def test_file_exactly_at_the_size_limit_loads(tmp_path):
    padding = MAX_FILE_BYTES - len(GOOD.encode())
    path = write(tmp_path, "x.md", GOOD + "x" * (padding - 1) + "\n")
    assert path.stat().st_size == MAX_FILE_BYTES
    result = load_persona_file(path)
    assert result.diagnostics == []
    assert len(result.personas) == 1



@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs a file whose size reads as 0: /proc")
def test_a_file_read_whole_even_when_its_size_reads_as_zero():
    status = Path("/proc/self/status")
    assert status.stat().st_size == 0
    data = read_bounded(status, MAX_FILE_BYTES)
    assert data.startswith(b"Name:") and data.endswith(b"\n")


# ---------------------------------------------------------------- frontmatter shape


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("# Just markdown\n", 1, "no YAML frontmatter"),
        ("", 1, "no YAML frontmatter"),
        ("---\nname: persona-x\ndescription: d\n", 1, "never closed"),
        ("---\n- a\n- b\n---\nbody\n", 2, "not list"),
        ("---\n---\nbody\n", 2, "not empty"),
        ("---\n# only a comment\n---\nbody\n", 2, "not empty"),
        ("---\njust a string\n---\nbody\n", 2, "not str"),
    ],
)
def test_frontmatter_shape_problems_are_diagnostics(tmp_path, text, line, message):
    path = write(tmp_path, "x.md", text)
    result = load_persona_file(path)
    diagnostic = only(result)
    assert result.personas == []
    assert diagnostic.severity == "error"
    assert diagnostic.path == str(path)
    assert diagnostic.line == line
    assert message in diagnostic.message
    assert diagnostic.hint


@pytest.mark.parametrize(
    ("frontmatter", "line"),
    [
        ("name: persona-x\n\ndescription: d\nfoo: [a, b\nbar: c\n", 5),  # where the '[' opens, not where it fails
        ("name: persona-x\ndescription: d\ntrigger-keywords:\n  - a\n\t- b\n", 6),
        ("name: persona-x\ndescription: d\ntitle: {a: b\n", 4),  # an unclosed flow mapping is not read as text
    ],
)
def test_bad_yaml_reports_file_and_line(tmp_path, frontmatter, line):
    path = write(tmp_path, "x.md", f"---\n{frontmatter}---\nbody\n")
    result = load_persona_file(path)
    diagnostic = only(result)
    assert result.personas == []
    assert diagnostic.path == str(path)
    assert diagnostic.line == line
    assert diagnostic.message.startswith("invalid YAML")
    assert diagnostic.hint


@pytest.mark.parametrize(("frontmatter", "line", "message"), [
    ('applyTo: "web/**/*.tsx\ndescription: Accessibility checks\n', 2,
     "invalid YAML: the quote opened on line 2 is never closed"),
    ("name: x\ndescription: 'Helps\n", 3, "invalid YAML: the quote opened on line 3 is never closed"),
    ("name: x\ndescription: d\ntrigger-keywords: [incident, 500, root cause\npriority-hierarchy:\n\t- stop\n", 4,
     "invalid YAML: the '[' list opened on line 4 does not end as YAML expects: did not find expected ',' or ']' "
     "on line 5"),
])
def test_an_unclosed_quote_or_list_is_reported_at_the_line_that_opens_it(tmp_path, frontmatter, line, message):
    path = write(tmp_path, "a11y.instructions.md", f"---\n{frontmatter}---\nbody\n")
    diagnostic = only(load_persona_file(path))
    assert (diagnostic.line, diagnostic.severity) == (line, "error")
    assert diagnostic.message == message
    assert "close" in diagnostic.hint


def test_control_character_in_frontmatter_is_a_diagnostic(tmp_path):
    diagnostic = only(load_persona_file(write(tmp_path, "x.md", "---\nname: persona-x\x07\ndescription: d\n---\nb\n")))
    assert diagnostic.severity == "error"
    assert diagnostic.message.startswith("invalid YAML")
    assert diagnostic.line is not None


def test_indented_dashes_inside_a_block_scalar_stay_in_the_value():
    result = parse_persona("---\nname: persona-x\ndescription: |\n  one\n  ---\n  two\n---\nbody\n", "x.md")
    assert result.diagnostics == []
    assert result.personas[0].spec.description == "one\n---\ntwo"


def test_blank_line_before_frontmatter_is_not_reported_as_unclosed():
    diagnostics = parse_persona("\n---\nname: persona-x\ndescription: d\n---\nbody\n", "x.md").diagnostics
    assert all("never closed" not in d.message for d in diagnostics)


# ---------------------------------------------------------------- field problems


@pytest.mark.parametrize(
    ("extra", "field", "line", "hint"),
    [
        ("trigger-keywords: {a: 1}\n", "trigger-keywords", 4, "YAML list"),
        ("priority-hierarchy: 5\n", "priority-hierarchy", 4, "YAML list"),
        ("trigger-files:\n  - ok/**\n  - 7\n", "trigger-files[1]", 6, "text value"),
        ("trigger-keywords: ['']\n", "trigger-keywords[0]", 4, "non-empty"),
        ("mcp-preference: context7\n", "mcp-preference", 4, "mapping"),
        ("companions: [Persona_QA]\n", "companions[0]", 4, "lowercase"),
        ("name: 12\ndescription: d\n", "name", 2, "text value"),
        ("title: ''\n", "title", 4, "non-empty"),
    ],
)
def test_wrong_field_type_reports_field_line_and_hint(tmp_path, extra, field, line, hint):
    path = write(tmp_path, "x.md", persona_text(extra=extra))
    result = load_persona_file(path)
    diagnostic = only(result)
    assert result.personas == []
    assert diagnostic.severity == "error"
    assert diagnostic.path == str(path)
    assert diagnostic.field == field
    assert diagnostic.line == line
    assert hint in diagnostic.hint


@pytest.mark.parametrize(
    ("frontmatter", "field"),
    [
        ("description: d\n", "name"),
        ("name: persona-x\n", "description"),
    ],
)
def test_missing_required_field_is_reported(tmp_path, frontmatter, field):
    path = write(tmp_path, "x.md", f"---\n{frontmatter}---\nbody\n")
    result = load_persona_file(path)
    diagnostic = only(result)
    assert result.personas == []
    assert diagnostic.field == field
    assert diagnostic.message == "required field is missing"
    assert diagnostic.hint == f"add '{field}: ...' to the frontmatter"
    assert diagnostic.line == 2


@pytest.mark.parametrize(("relative", "frontmatter", "field", "length", "limit"), [
    ("long/SKILL.md", "description: " + "word " * 1120, "description", 5599, 4000),
    ("x.md", "name: x\ndescription: d\ntitle: " + "T" * 130, "title", 130, 120),
    ("x.md", "name: x\ndescription: d\ntrigger-keywords: [" + "k" * 250 + "]", "trigger-keywords[0]", 250, 200),
])
def test_a_value_over_its_limit_names_its_length_and_the_limit_to_shorten_it_to(tmp_path, relative, frontmatter,
                                                                               field, length, limit):
    (tmp_path / relative).parent.mkdir(exist_ok=True)
    diagnostic = only(load_persona_file(write(tmp_path, relative, f"---\n{frontmatter}\n---\nbody\n")))
    assert diagnostic.field == field
    assert diagnostic.message == f"the text has {length} characters, over the limit of {limit}"
    assert diagnostic.hint == f"shorten it to at most {limit} characters"


def test_missing_name_and_description_are_both_reported(tmp_path):
    result = load_persona_file(write(tmp_path, "x.md", "---\ntitle: T\n---\nbody\n"))
    assert sorted(d.field for d in result.diagnostics) == ["description", "name"]


@pytest.mark.parametrize(("name", "read_as"), [
    ("persona backend", "persona-backend"), ("MCP Security Auditor", "mcp-security-auditor"),
    ("Python DevOps/CI-CD Expert", "python-devops-ci-cd-expert"),  # display names, as some collections write
    ("Revue de sécurité", "revue-de-securite"),  # accents come off
])
def test_a_display_name_is_read_as_a_persona_name_with_a_warning_on_its_line(tmp_path, name, read_as):
    result = load_persona_file(write(tmp_path, "x.md", persona_text(name=name)))
    diagnostic = only(result)
    (persona,) = result.personas
    assert persona.name == read_as
    assert persona.title == name  # shown as written
    assert (diagnostic.severity, diagnostic.field, diagnostic.line) == ("warning", "name", 2)
    assert f"it is read as {read_as!r}" in diagnostic.message and f"name: {read_as}" in diagnostic.hint


@pytest.mark.parametrize("name", ["-x", "a" * 65, "'*** ***'", "'   '", "a?b", "'../x'", "ドキュメント"])
def test_any_other_bad_name_is_an_error_on_the_name_line(tmp_path, name):
    result = load_persona_file(write(tmp_path, "x.md", persona_text(name=name)))
    diagnostic = only(result)
    assert result.personas == []
    assert (diagnostic.severity, diagnostic.field, diagnostic.line) == ("error", "name", 2)
    assert "lowercase" in diagnostic.hint


def test_a_display_name_is_an_error_in_strict_mode(tmp_path):
    result = load_persona_file(write(tmp_path, "x.md", persona_text(name="Release Manager")), strict=True)
    assert result.personas == [] and [d.severity for d in result.diagnostics] == ["error"]


@pytest.mark.parametrize(("name", "read_as"), [
    ("CodeReviewer", "code-reviewer"), ("codeReviewer", "code-reviewer"), ("UPPER_case", "upper-case"),
    ("Persona_Backend", "persona-backend"), ("HTTPServer", "http-server"), ("DotNet-4.8", "dot-net-4.8"),
])
def test_a_camel_case_or_capitalised_name_is_read_as_a_persona_name_with_a_warning(tmp_path, name, read_as):
    result = load_persona_file(write(tmp_path, "x.md", persona_text(name=name)))
    diagnostic = only(result)
    (persona,) = result.personas
    assert persona.name == read_as
    assert persona.title == "X"  # an identifier is no display title: the body's heading still is the title
    assert (diagnostic.severity, diagnostic.field, diagnostic.line) == ("warning", "name", 2)
    assert diagnostic.message == f"{name!r} is not a persona name; it is read as {read_as!r}"
    assert diagnostic.hint == f"write 'name: {read_as}': persona names are lowercase, with a dash between words"
    assert load_persona_file(write(tmp_path, "y.md", persona_text(name=read_as))).diagnostics == []  # the fix


@pytest.mark.parametrize(("name", "read_as"), [
    ("ünïcode-skill", "unicode-skill"), ("Sécurité", "securite"), ("persona-café", "persona-cafe"),
    ("RévueCode", "revue-code"),
])
def test_accents_come_off_a_name_without_spaces_as_off_a_display_name(tmp_path, name, read_as):
    result = load_persona_file(write(tmp_path, "x.md", persona_text(name=name)))
    diagnostic = only(result)
    assert [p.name for p in result.personas] == [read_as]
    assert (diagnostic.severity, diagnostic.field, diagnostic.line) == ("warning", "name", 2)
    assert diagnostic.message == f"{name!r} is not a persona name; it is read as {read_as!r}"
    assert diagnostic.hint == f"write 'name: {read_as}': persona names are lowercase letters a-z, without accents"
    assert load_persona_file(write(tmp_path, "x.md", persona_text(name=name)), strict=True).personas == []


def test_a_camel_case_name_is_an_error_in_strict_mode(tmp_path):
    result = load_persona_file(write(tmp_path, "x.md", persona_text(name="CodeReviewer")), strict=True)
    assert result.personas == [] and [d.severity for d in result.diagnostics] == ["error"]


def test_a_bad_name_error_names_the_characters_at_fault_and_those_allowed(tmp_path):
    diagnostic = only(load_persona_file(write(tmp_path, "x.md", persona_text(name="api/v2?"))))
    assert diagnostic.message == ("'api/v2?' is not a valid persona name: it holds '/', '?', which a persona name "
                                  "may not")
    assert diagnostic.hint == ("use 1-64 lowercase letters a-z, digits 0-9, dots, underscores and dashes, starting "
                               "with a letter or digit, such as persona-backend or dotnet-4.8")
    # Every character the hint allows loads as it is, with no diagnostic.
    allowed = load_persona_file(write(tmp_path, "y.md", persona_text(name="dotnet_4.8-x")))
    assert allowed.diagnostics == [] and allowed.personas[0].name == "dotnet_4.8-x"
    too_long = only(load_persona_file(write(tmp_path, "z.md", persona_text(name="a" * 65))))
    assert "it has 65 characters, over 64" in too_long.message
    dash_first = only(load_persona_file(write(tmp_path, "w.md", persona_text(name="-x"))))
    assert "it must start with a letter or digit" in dash_first.message


def test_name_of_64_characters_is_allowed(tmp_path):
    result = load_persona_file(write(tmp_path, "x.md", persona_text(name="a" * 64)))
    assert result.diagnostics == []
    assert result.personas[0].name == "a" * 64


@pytest.mark.parametrize("name", ["catalog", "persona-catalog"])
def test_reserved_name_is_refused(tmp_path, name):
    result = load_persona_file(write(tmp_path, "x.md", persona_text(name=name)))
    diagnostic = only(result)
    assert result.personas == []
    assert diagnostic.severity == "error"
    assert diagnostic.field == "name"
    assert diagnostic.line == 2
    assert "reserved" in diagnostic.message


@pytest.mark.parametrize(
    ("glob", "problem"),
    [
        ("'/'", "can never match"),
        ("'a\\'", "Invalid git pattern"),
        ("'#comment'", "comment"),
    ],
)
def test_bad_glob_names_its_index_and_line(tmp_path, glob, problem):
    extra = f"trigger-files:\n  - '**/api/**'\n  - {glob}\n  - '*.sql'\n"
    path = write(tmp_path, "x.md", persona_text(extra=extra))
    result = load_persona_file(path)
    diagnostic = only(result)
    assert result.personas == []
    assert diagnostic.severity == "error"
    assert diagnostic.field == "trigger-files[1]"
    assert diagnostic.line == 6
    assert problem in diagnostic.message
    assert "gitignore-style" in diagnostic.hint


def test_every_bad_glob_is_reported(tmp_path):
    extra = "trigger-files: ['/', ok, '#x']\n"
    result = load_persona_file(write(tmp_path, "x.md", persona_text(extra=extra)))
    assert [d.field for d in result.diagnostics] == ["trigger-files[0]", "trigger-files[2]"]
    assert all(d.line == 4 for d in result.diagnostics)


def test_braces_in_trigger_files_are_expanded_as_in_copilot_apply_to(tmp_path):
    extra = "trigger-files: ['*.{ts,tsx}', 'src/{api,web}/**', '*.ts']\n"
    result = load_persona_file(write(tmp_path, "x.md", persona_text(extra=extra)))
    assert result.diagnostics == []
    globs = result.personas[0].spec.trigger_files
    assert globs == ["*.ts", "*.tsx", "src/api/**", "src/web/**"]  # each once
    spec = GitIgnoreSpec.from_lines(globs)
    assert spec.match_file("app/Button.tsx") and spec.match_file("src/web/index.html")
    copilot = write(tmp_path, "ts.instructions.md", "---\napplyTo: '*.{ts,tsx}, src/{api,web}/**'\n---\nUse TS.\n")
    assert load_persona_file(copilot).personas[0].spec.trigger_files == globs  # the same expansion


@pytest.mark.parametrize(("written", "as_read", "read_as"), [
    (r"'src\win\*.cs'", r"src\win\*.cs", "src/win/*.cs"),  # single-quoted YAML keeps each backslash
    (r'"src\\win\\*.cs"', r"src\win\*.cs", "src/win/*.cs"),  # double-quoted YAML reads '\\' as one
    (r"'src\\win\\*.cs'", r"src\\win\\*.cs", "src/win/*.cs"),  # a doubled one is a literal '\' to gitignore
    (r"'**\*.cs'", r"**\*.cs", "**/*.cs"),
])
def test_a_trigger_glob_with_backslashes_between_folders_is_read_with_slashes_and_a_warning(
        tmp_path, written, as_read, read_as):
    extra = f"trigger-files:\n  - '**/api/**'\n  - {written}\n"
    result = load_persona_file(write(tmp_path, "x.md", persona_text(extra=extra)))
    diagnostic = only(result)
    assert result.personas[0].spec.trigger_files == ["**/api/**", read_as]
    assert (diagnostic.severity, diagnostic.field, diagnostic.line) == ("warning", "trigger-files[1]", 6)
    assert diagnostic.message == (f"the glob '{as_read}' separates folders with '\\', but file paths are matched "
                                  f"with '/'; it was read as '{read_as}'")
    assert diagnostic.hint == f"write it with forward slashes: '{read_as}'"


def test_a_backslash_that_escapes_a_glob_character_is_no_separator(tmp_path):
    extra = r"trigger-files: ['**/\[id\]/*.ts', 'notes\#1.md']" + "\n"
    result = load_persona_file(write(tmp_path, "x.md", persona_text(extra=extra)))
    assert result.diagnostics == []
    assert result.personas[0].spec.trigger_files == [r"**/\[id\]/*.ts", r"notes\#1.md"]


def test_a_negated_trigger_glob_takes_files_back_but_one_that_takes_back_every_file_is_left_out(tmp_path):
    kept = "trigger-files:\n  - 'docs/**'\n  - '!docs/internal/**'\n"
    result = load_persona_file(write(tmp_path, "x.md", persona_text(extra=kept)))
    assert not result.diagnostics
    assert result.personas[0].spec.trigger_files == ["docs/**", "!docs/internal/**"]
    extra = "trigger-files:\n  - 'docs/**'\n  - '!**'\n"
    result = load_persona_file(write(tmp_path, "x.md", persona_text(extra=extra)))
    diagnostic = only(result)
    assert result.personas[0].spec.trigger_files == ["docs/**"]
    assert (diagnostic.severity, diagnostic.field, diagnostic.line) == ("warning", "trigger-files[1]", 6)
    assert str(diagnostic).endswith(
        "warning: field 'trigger-files[1]': the glob '!**' takes back every file, so no file can select the persona; "
        "it is left out (fix: negate only what the other globs should not claim, as '!docs/internal/**')")
    strict = load_persona_file(write(tmp_path, "x.md", persona_text(extra=extra)), strict=True)
    assert strict.personas == [] and only(strict).severity == "error"


# One string where our format takes a list, for each list field of ours: the value as written, and as read.
ONE_STRING = [
    ("trigger-keywords", "code review", "code review"),
    ("activity-keywords", "refactor", "refactor"),
    ("negative-keywords", "CSS", "CSS"),
    ("trigger-files", "'**/*.go'", "**/*.go"),
    ("request-shapes", "question", "question"),
    ("priority-hierarchy", "correctness", "correctness"),
    ("companions", "persona-qa", "persona-qa"),
    ("mcp-preference.avoid", "magic", "magic"),
    ("routing-examples.select", "Review this diff", "Review this diff"),
]


@pytest.mark.parametrize(("field", "written", "item"), ONE_STRING)
def test_one_string_for_a_list_field_is_read_as_a_list_of_one_item_with_a_warning(tmp_path, field, written, item):
    parent, _, key = field.rpartition(".")
    lines = f"{parent}:\n  {key}: {{}}\n" if parent else f"{key}: {{}}\n"  # a nested field on line 5, else 4
    result = load_persona_file(write(tmp_path, "x.md", persona_text(extra=lines.format(written))))
    diagnostic = only(result)
    (persona,) = result.personas
    read = persona.spec.model_dump(by_alias=True)
    assert (read[parent][key] if parent else read[key]) == [item]
    assert (diagnostic.severity, diagnostic.field, diagnostic.line) == ("warning", field, 5 if parent else 4)
    assert diagnostic.message == "the value is one piece of text, not a list; it was read as a list of one item"
    assert diagnostic.hint == f'write a list: {key}: ["{item}"]'
    fixed = lines.replace(f"{key}: {{}}", diagnostic.hint.removeprefix("write a list: "))
    assert load_persona_file(write(tmp_path, "y.md", persona_text(extra=fixed))).diagnostics == []  # the fix works


def test_an_unquoted_glob_for_trigger_files_loads_with_one_warning_whose_fix_is_the_list(tmp_path):
    result = load_persona_file(write(tmp_path, "x.md", persona_text(extra="trigger-files: **/*.go\n")))
    diagnostic = only(result)  # not a second one about the list: this one shows it
    assert result.personas[0].spec.trigger_files == ["**/*.go"]
    assert (diagnostic.severity, diagnostic.field, diagnostic.line) == ("warning", "trigger-files", 4)
    assert diagnostic.message.endswith("it was read as text, the one item of a list")
    assert diagnostic.hint == 'write it as a list: trigger-files: ["**/*.go"]'
    fixed = persona_text(extra=diagnostic.hint.removeprefix("write it as a list: ") + "\n")
    assert load_persona_file(write(tmp_path, "y.md", fixed)).diagnostics == []  # following the fix loads cleanly


def test_an_unquoted_colon_in_a_list_field_is_fixed_by_the_list_form(tmp_path):
    diagnostic = only(load_persona_file(write(tmp_path, "x.md", persona_text(extra="trigger-keywords: fix: this\n"))))
    assert diagnostic.hint == 'write it as a list: trigger-keywords: ["fix: this"]'


def test_one_string_for_a_list_field_is_an_error_in_strict_mode(tmp_path):
    result = load_persona_file(write(tmp_path, "x.md", persona_text(extra="trigger-files: '**/*.go'\n")), strict=True)
    assert result.personas == [] and only(result).severity == "error"


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("trigger_keywords", "trigger-keywords"),
        ("trigger-keyword", "trigger-keywords"),
        ("Priority-Hierarchy", "priority-hierarchy"),
        ("mcp_preference", "mcp-preference"),
        ("companion", "companions"),
    ],
)
def test_unknown_key_is_a_warning_with_did_you_mean(tmp_path, key, suggestion):
    path = write(tmp_path, "x.md", persona_text(extra=f"{key}: [a]\n"))
    result = load_persona_file(path)
    diagnostic = only(result)
    assert diagnostic.severity == "warning"
    assert diagnostic.field == key
    assert diagnostic.line == 4
    assert diagnostic.path == str(path)
    assert repr(key) in diagnostic.message
    assert diagnostic.hint == f"did you mean '{suggestion}'?"
    assert [p.name for p in result.personas] == ["persona-x"]


def test_unknown_key_with_no_close_match_lists_known_fields(tmp_path):
    diagnostic = only(load_persona_file(write(tmp_path, "x.md", persona_text(extra="zzzzzz: 1\n"))))
    assert diagnostic.severity == "warning"
    assert diagnostic.hint.startswith("known fields: name, description")


@pytest.mark.parametrize(
    ("extra", "field", "line", "suggestion"),
    [
        ("mcp-preference:\n  primary: context7\n  secondry: sequential\n", "mcp-preference.secondry", 6, "secondary"),
        ("routing-examples:\n  selects: [a]\n", "routing-examples.selects", 5, "select"),
    ],
)
def test_unknown_nested_key_is_a_warning(tmp_path, extra, field, line, suggestion):
    result = load_persona_file(write(tmp_path, "x.md", persona_text(extra=extra)))
    diagnostic = only(result)
    assert diagnostic.severity == "warning"
    assert diagnostic.field == field
    assert diagnostic.line == line
    assert diagnostic.hint == f"did you mean '{suggestion}'?"
    [persona] = result.personas
    assert persona.spec.mcp_preference.secondary is None


def test_known_nested_keys_load(tmp_path):
    extra = "mcp-preference:\n  primary: context7\n  secondary: sequential\n  avoid: [magic]\n"
    result = load_persona_file(write(tmp_path, "x.md", persona_text(extra=extra)))
    assert result.diagnostics == []
    preference = result.personas[0].spec.mcp_preference
    assert (preference.primary, preference.secondary, preference.avoid) == ("context7", "sequential", ["magic"])


@pytest.mark.parametrize(
    "extra",
    [
        "trigger_keywords: [a]\n",
        "mcp-preference:\n  primery: context7\n",
    ],
)
def test_strict_turns_warnings_into_errors_and_drops_the_persona(tmp_path, extra):
    path = write(tmp_path, "x.md", persona_text(extra=extra))
    assert load_persona_file(path).personas != []
    result = load_persona_file(path, strict=True)
    diagnostic = only(result)
    assert diagnostic.severity == "error"
    assert result.personas == []


def test_empty_body_is_a_warning_that_still_loads(tmp_path):
    path = write(tmp_path, "x.md", "---\nname: persona-x\ndescription: d\n---\n\n   \n")
    result = load_persona_file(path)
    diagnostic = only(result)
    assert diagnostic.severity == "warning"
    assert "body is empty" in diagnostic.message
    assert diagnostic.line == 5
    assert diagnostic.hint
    assert [p.name for p in result.personas] == ["persona-x"]


def test_empty_body_is_an_error_when_strict(tmp_path):
    path = write(tmp_path, "x.md", "---\nname: persona-x\ndescription: d\n---\n")
    result = load_persona_file(path, strict=True)
    assert only(result).severity == "error"
    assert result.personas == []


def test_several_problems_in_one_file_are_all_reported(tmp_path):
    text = "---\nname: bad?name\ndescription: ''\ntrigger-keywords: 5\nfoo: 1\n---\nbody\n"
    result = load_persona_file(write(tmp_path, "x.md", text))
    assert result.personas == []
    by_field = {d.field: d for d in result.diagnostics}
    assert set(by_field) == {"foo", "name", "description", "trigger-keywords"}
    assert by_field["foo"].severity == "warning"
    assert [by_field[f].line for f in ("name", "description", "trigger-keywords", "foo")] == [2, 3, 4, 5]


def test_parse_persona_never_raises_on_garbage():
    for text in ["---\n", "---\n---", "---\n: :\n---\n", "---\n[\n---\n", "\x00\x01", "---\n? [a]\n: b\n---\n"]:
        result = parse_persona(text, "g.md")
        assert result.personas == []
        assert result.errors


# ---------------------------------------------------------------- Diagnostic text


@pytest.mark.parametrize(
    ("diagnostic", "text"),
    [
        (
            Diagnostic(path="p/x.md", line=4, field="x", message="bad", hint="do y"),
            "p/x.md:4: error: field 'x': bad (fix: do y)",
        ),
        (Diagnostic(path="p/x.md", message="bad"), "p/x.md: error: bad"),
        (
            Diagnostic(path="x.md", line=2, severity="warning", message="odd", hint="h"),
            "x.md:2: warning: odd (fix: h)",
        ),
    ],
)
def test_diagnostic_str_format(diagnostic, text):
    assert str(diagnostic) == text


def test_diagnostic_str_of_a_real_problem(tmp_path):
    path = write(tmp_path, "x.md", persona_text(extra="trigger-keywords: 5\n"))
    assert str(only(load_persona_file(path))) == (
        f"{path}:4: error: field 'trigger-keywords': Input should be a valid list (got 5) "
        "(fix: write a YAML list, e.g. [api, database] or one '- item' per line)"
    )


# ---------------------------------------------------------------- folders and paths


def test_folder_loads_good_files_and_reports_each_broken_one(tmp_path):
    write(tmp_path, "persona-a.md", persona_text("persona-a"))
    write(tmp_path, "persona-b.md", persona_text("persona-b"))
    broken = {
        write(tmp_path, "no-frontmatter.md", "# nothing\n"),
        write(tmp_path, "bad-yaml.md", "---\nname: [\n---\nb\n"),
        write(tmp_path, "bad-name.md", persona_text("bad?name")),
        write(tmp_path, "latin1.md", b"---\nname: caf\xe9\n---\n"),
    }
    result = load_folder(tmp_path, layer="custom")
    assert [p.name for p in result.personas] == ["persona-a", "persona-b"]
    assert all(p.layer == "custom" for p in result.personas)
    assert {d.path for d in result.diagnostics} == {str(p) for p in broken}
    assert len(result.errors) == len(broken)


def test_folder_skips_readmes_and_other_files_and_reads_subfolders(tmp_path):
    write(tmp_path, "persona-a.md", persona_text("persona-a"))
    write(tmp_path, "README.md", "# About these personas\n")
    write(tmp_path, "readme.md", "no frontmatter\n")
    write(tmp_path, "README.fr.md", "# À propos\n")
    write(tmp_path, "readme-generator.md", persona_text("readme-generator"))
    write(tmp_path, "notes.txt", "no frontmatter\n")
    (tmp_path / "sub.md").mkdir()
    write(tmp_path / "sub.md", "persona-z.md", persona_text("persona-z"))
    result = load_folder(tmp_path)
    assert result.diagnostics == []
    assert [p.name for p in result.personas] == ["persona-a", "readme-generator", "persona-z"]


def test_folder_loads_files_in_name_order(tmp_path):
    for name in ["persona-c", "persona-a", "persona-b"]:
        write(tmp_path, f"{name}.md", persona_text(name))
    assert [p.name for p in load_folder(tmp_path).personas] == ["persona-a", "persona-b", "persona-c"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("persona-x", "persona-x"),
        ("persona-x", "x"),
        ("x", "persona-x"),
    ],
)
def test_duplicate_name_keeps_the_first_file_and_reports_the_second(tmp_path, first, second):
    kept = write(tmp_path, "a.md", persona_text(first))
    dropped = write(tmp_path, "b.md", persona_text(second))
    result = load_folder(tmp_path)
    assert [p.path for p in result.personas] == [kept]
    diagnostic = only(result)
    assert diagnostic.severity == "error"
    assert diagnostic.path == str(dropped)
    assert diagnostic.field == "name"
    assert "duplicate name" in diagnostic.message
    assert str(kept) in diagnostic.message
    assert "first file" in diagnostic.hint


def test_duplicate_name_is_reported_on_its_name_line(tmp_path):
    write(tmp_path, "a.md", persona_text("persona-x"))
    write(tmp_path, "b.md", "---\ndescription: d\ntitle: T\nname: persona-x\n---\nbody\n")
    assert only(load_folder(tmp_path)).line == 4


@pytest.mark.parametrize("make", [lambda p: p / "missing", lambda p: write(p, "file.txt", "x")])
def test_unreadable_folder_is_a_diagnostic(tmp_path, make):
    folder = make(tmp_path)
    diagnostic = only(load_folder(folder))
    assert diagnostic.path == str(folder)
    assert "cannot read the persona folder" in diagnostic.message
    assert "PERSONA_MCP_PATH" in diagnostic.hint


def test_load_paths_mixes_files_and_folders(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    write(folder, "persona-a.md", persona_text("persona-a"))
    write(folder, "persona-b.md", persona_text("persona-b"))
    single = write(tmp_path, "persona-c.md", persona_text("persona-c"))
    missing = tmp_path / "missing.md"
    result = load_paths([folder, single, missing])
    assert [p.name for p in result.personas] == ["persona-a", "persona-b", "persona-c"]
    assert all(p.layer == "custom" for p in result.personas)
    assert [d.path for d in result.diagnostics] == [str(missing)]


def test_load_paths_passes_strict_on(tmp_path):
    path = write(tmp_path, "x.md", persona_text(extra="trigger_keywords: [a]\n"))
    assert load_paths([path]).personas != []
    assert load_paths([tmp_path], strict=True).personas == []


def test_load_result_errors_exclude_warnings():
    result = LoadResult(diagnostics=[
        Diagnostic(path="a", message="e"),
        Diagnostic(path="b", message="w", severity="warning"),
    ])
    assert [d.path for d in result.errors] == ["a"]


# Plain characters, and escapes of visible ASCII characters but a slash (`\[`, `\*`, `\\`).
_PLAIN_PIECES = st.sampled_from(list("aZ09_.-+*/") + ["\\" + chr(code) for code in range(0x21, 0x7F) if code != 0x2F])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PLAIN_PIECES, min_size=1, max_size=12).map("".join))
def test_a_glob_of_plain_names_stars_and_slashes_is_one_pathspec_can_use(glob: str) -> None:
    if not glob.strip("/") or any(part.count("*") > MAX_GLOB_STARS for part in glob.split("/")):
        return  # only slashes, or too many stars: refused (below, and by the star bound)
    assert glob_problem(glob) is None
    _regex, include = GitIgnoreSpecPattern.pattern_to_regex(glob)
    assert include is True


@pytest.mark.parametrize("glob", ["/", "src/[a", "src\\", "!", "#comment", "a/" + "*x" * 6])
def test_an_unusable_glob_is_a_problem(glob: str) -> None:
    assert glob_problem(glob) is not None


@pytest.mark.parametrize("glob", ["**/*.[jt]s", "src/\\[a", "docs/[ab]*.md"])
def test_a_closed_or_escaped_bracket_is_no_problem(glob: str) -> None:
    assert glob_problem(glob) is None  # only a '[' that nothing closes is refused, whatever pathspec's version


@pytest.mark.parametrize(("name", "title"), [
    ("react-ui-dev", "React UI Dev"), ("k8s-operator", "K8s Operator"), ("sql-reviewer", "SQL Reviewer"),
    ("ios-release_helper", "iOS Release Helper"), ("dotnet-4.8", "Dotnet 4.8"),
])
def test_a_title_made_from_a_name_writes_its_acronyms_as_their_owners_do(tmp_path, name, title):
    result = load_persona_file(write(tmp_path, "x.md", persona_text(name, body="Guidance, with no heading.\n")))
    assert not result.diagnostics
    assert result.personas[0].title == title


@pytest.mark.parametrize(("name", "description", "title"), [
    ("fastapi-helper", "Builds FastAPI services.", "FastAPI Helper"),
    ("nextjs-dev", "Use this agent for Next.js 14 apps.", "Next.js Dev"),
    ("wordpress-master", "Themes and plugins for WordPress sites.", "WordPress Master"),
    ("redis-helper", "Use PROACTIVELY for caches in Redis.", "Redis Helper"),  # a plain capital says nothing new
])
def test_a_title_made_from_a_name_spells_its_words_as_the_description_does(tmp_path, name, description, title):
    text = f"---\nname: {name}\ndescription: {description}\n---\nGuidance, with no heading.\n"
    result = load_persona_file(write(tmp_path, "x.md", text))
    assert not result.diagnostics
    assert result.personas[0].title == title


def test_a_first_heading_that_names_a_part_of_the_text_is_not_the_title(tmp_path):
    body = "# Purpose\n\nGuidance.\n"
    assert load_persona_file(write(tmp_path, "x.md", persona_text("api-helper", body=body))).personas[0].title \
        == "API Helper"
    body = "# Persona: The API helper\n\nGuidance.\n"
    assert load_persona_file(write(tmp_path, "x.md", persona_text("api-helper", body=body))).personas[0].title \
        == "The API helper"
