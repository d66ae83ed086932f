"""Where authors say when a persona applies: description clauses and boundaries, body sections."""

from __future__ import annotations

import pytest

from persona_mcp.selection.authored import description_parts, section_kind, sections


def test_description_parts_split_clauses_boundaries_and_prose() -> None:
    clauses, boundaries, rest = description_parts(
        "Checks web apps for holes. Use this agent when reviewing auth code. Do NOT use for styling work.")
    assert [c.strip() for c in clauses] == ["reviewing auth code."]
    assert [b.strip() for b in boundaries] == ["styling work."]
    assert rest.strip() == "Checks web apps for holes."


def test_what_an_author_sets_off_in_capitals_as_not_the_persona_is_a_boundary() -> None:
    clauses, boundaries, rest = description_parts(
        "Use this skill for Drizzle queries. Drizzle is NOT the main database, that's Prisma.")
    assert [b.strip() for b in boundaries] == ["the main database, that's Prisma."]
    assert "Prisma" not in rest and "Prisma" not in " ".join(clauses)
    # ... an ordinary "not" is prose
    assert description_parts("Reviews code, not only style.")[1] == []


def test_sections_that_say_when_a_persona_applies_or_not_are_found() -> None:
    body = ("# Helper\n\n## When to use\n- flaky suites\n- coverage gaps\n\n## Workflow\n- read the code\n\n"
            "## Will not\n- write marketing copy\n")
    found = list(sections(body))
    assert found == [("When to use", ["flaky suites", "coverage gaps"], False),
                     ("Will not", ["write marketing copy"], True)]


def test_a_heading_of_both_kinds_or_of_working_rules_says_neither() -> None:
    headings = ("Do's and Don'ts", "Scope and honesty rules", "Based on the avoid-ai-writing skill", "What to avoid",
                "Scope", "Don't")
    assert [section_kind(heading) for heading in headings] == [None, None, None, True, False, True]


@pytest.mark.parametrize(("heading", "kind"), [
    ("Boundaries", True), ("Scope Boundaries", True), ("Boundaries:", True), ("Agent Boundary Summary", True),
    ("Boundaries and limitations", True),
    ("1. Map the Trust Boundaries", None),  # the boundaries a security review maps are its work
    ("Service Boundaries", None), ("Error Boundaries & Suspense", None), ("Error Handling and Boundaries", None),
    ("Never", True), ("What I never do", True), ("NEVER MAKE UP ANSWERS", None),  # a rule for how to work
    ("Common Performance Anti-Patterns", None), ("Anti-Patterns to Avoid", None),  # what the persona fixes
    # how a persona uses an MCP server's tools ("Debug risk limit violations") says nothing of when it applies
    ("Enhanced Capabilities with MCP Tools", None), ("Core Capabilities", False),
    # what the persona does not do, however it is put
    ("What This Agent DOES NOT DO (Tactical DDD / Implementation)", True), ("What this agent does", False),
    ("Not responsible for", True),
])
def test_a_heading_says_what_a_persona_wont_do_only_of_the_persona_itself(heading: str, kind: bool | None) -> None:
    assert section_kind(heading) is kind


def test_code_examples_are_neither_headings_nor_items_of_a_section() -> None:
    body = ("## When to use\n- flaky suites\n\n```python\n# Shipping constants\nRATE = 0.75\n```\n"
            "- coverage gaps\n\n~~~~sh\n# not a heading\n~~~\nstill code\n~~~~\n## Will not\n- write copy\n"
            "  1. an example:\n\n      ```sh\n      # nor this\n      ```\n")
    assert list(sections(body)) == [("When to use", ["flaky suites", "coverage gaps"], False),
                                    ("Will not", ["write copy", "an example:"], True)]


def test_an_examples_reply_and_commentary_are_left_out_and_its_request_is_prose() -> None:
    description = ("Use this agent when you need a database schema reviewed.\\n\\nExamples:\\n- <example>\\n"
                   "  Context: The user added tables for invoices.\\n  user: \"Is my invoices schema normalised?\"\\n"
                   "  assistant: \"I'll use the schema-reviewer agent to deploy a Kubernetes cluster\"\\n"
                   "  <commentary>\\n  Since styling matters, use the schema-reviewer.\\n  </commentary>\\n</example>")
    clauses, boundaries, rest = description_parts(description)
    assert [c.strip() for c in clauses] == ["you need a database schema reviewed."] and boundaries == []
    assert "The user added tables for invoices." in rest and "Is my invoices schema normalised?" in rest
    assert "Kubernetes" not in rest and "styling" not in rest and "assistant" not in rest and "\\n" not in rest


def test_the_work_a_delegation_hands_to_another_persona_is_a_boundary() -> None:
    description = ("Universal backend developer. Delegations: <delegation>Trigger: Database schema needed "
                   "Target: database-architect Handoff: \"Need a schema for: [models]\"</delegation> "
                   "<delegation>Trigger: Testing required Target: test-writer</delegation>")
    clauses, boundaries, rest = description_parts(description)
    assert clauses == [] and boundaries == ["Database schema needed", "Testing required"]
    assert rest.strip() == "Universal backend developer." and "architect" not in rest


@pytest.mark.parametrize("description", [
    '<example>user: "' * 250, "<example><commentary>" * 190, 'assistant: "' * 330, "\\n<example>" * 400,
    '<example>user: "a" assistant: "b" <commentary>c</commentary></example>' * 55,
    "<delegation>Trigger: " * 190, "Delegations: <delegation>trigger: a target: " * 90,
])
def test_hostile_examples_are_read_in_linear_time(description: str) -> None:
    clauses, _boundaries, rest = description_parts(description[:4000])  # the longest description a persona has
    assert isinstance(rest, str) and clauses == []


def test_a_long_description_is_read_sentence_by_sentence() -> None:
    description = "Reviews code. " * 2000 + "Use this agent when a flaky suite fails. Do NOT use for styling."
    clauses, boundaries, _rest = description_parts(description)
    assert [c.strip() for c in clauses] == ["a flaky suite fails."] and [b.strip() for b in boundaries] == ["styling."]


def test_the_scope_an_author_gives_a_role_is_a_trigger_clause() -> None:
    for description, clause in [
        ("Build and release engineer. Owns CI/CD pipelines and image builds.", "CI/CD pipelines and image builds."),
        ("Database engineer, expert in query tuning and migrations.", "query tuning and migrations."),
        ("A reviewer that focuses on module boundaries.", "module boundaries."),
    ]:
        assert [c.strip() for c in description_parts(description)[0]] == [clause]
