"""What selection derives from a persona's own file: terms and their sources, boundaries, lexicon entries."""

from __future__ import annotations

import pytest

from persona_mcp.lexicon import Lexicon, LexiconEntry, builtin_lexicon
from persona_mcp.loader import parse_persona
from persona_mcp.model import Persona
from persona_mcp.selection import SelectionIndex, describe, select, tunables
from persona_mcp.selection.derive import Deriver
from persona_mcp.selection.lexical import lexical


def entry(name: str, kind: str = "domain", terms: tuple[str, ...] = (), related: tuple[str, ...] = (),
          globs: tuple[str, ...] = (), domains: tuple[str, ...] = (), titles: tuple[str, ...] = ()) -> LexiconEntry:
    return LexiconEntry(name=name, kind=kind, terms=terms or (name,), related=related, globs=globs, domains=domains,
                        titles=titles)


LEXICON = Lexicon((
    entry("testing", terms=("testing", "test", "qa"), related=("flaky", "coverage", "fixture"),
          globs=("tests/", "*_test.go", "conftest.py")),
    entry("pytest", kind="tool", terms=("pytest",), globs=("conftest.py", "pytest.ini"), domains=("testing",)),
    entry("debugging", terms=("debugging", "debug", "root cause"), related=("crash", "stack trace")),
    entry("security", terms=("security", "penetration test"), related=("xss", "injection")),
    entry("performance", terms=("performance", "latency"), related=("slow", "allocation"), globs=("benches/",)),
    entry("architecture", terms=("architecture", "system design"), related=("trade-off",)),
    entry("learning", terms=("learning", "teaching")),
))


def agent(name: str, description: str, body: str = "You are an expert.\n", extra: str = "") -> Persona:
    text = f"---\nname: {name}\ndescription: {description!r}\ntools: Read, Grep\nmodel: sonnet\n{extra}---\n{body}"
    result = parse_persona(text, f"{name}.md")
    assert not result.errors, result.diagnostics
    return result.personas[0]


def sources(persona: Persona) -> dict[str, str]:
    profile = Deriver(LEXICON).derive(persona)
    return {term.text.lower(): term.source for term in profile.terms}


def test_trigger_clauses_of_every_common_form_are_read() -> None:
    for opener in ("Use this agent when", "Use PROACTIVELY for", "MUST BE USED when", "Triggers on:",
                   "Auto-invoke when:", "Use when", "Invoked for", "Automatically invoked for", "Proactively used for"):
        found = sources(agent("helper", f"A helper. {opener} flaky integration suites fail."))
        assert found["flaky"] == "trigger-clause", opener


def test_words_of_getting_things_say_nothing_of_the_work() -> None:
    found = sources(agent("writer", "Use this agent for getting started guides and what users got wrong."))
    assert "getting" not in found and "got" not in found
    assert "guides" in found


def test_boundaries_are_evidence_against_as_written() -> None:
    persona = agent("api-helper", "Builds APIs. Do NOT use for UI-only fixes, or styling.")
    negative = {t.text.lower() for t in Deriver(LEXICON).derive(persona).negative}
    assert "ui fixes" in negative and "styling" in negative
    assert "fixes" not in negative  # one word of a boundary phrase argues against nothing by itself


def test_an_aside_in_a_boundary_names_who_to_go_to_and_is_no_evidence_against() -> None:
    body = "# Helper\n\n## Will not\n- write marketing copy (the scribe does)\n"
    persona = agent("db-helper", "Schema changes. Auto-invoke when: ORM work (SQLAlchemy, Prisma). Do NOT load for: "
                    "ORM queries in request handlers (backend), security audits (use the security persona).", body=body)
    profile = Deriver(LEXICON).derive(persona)
    negative = {t.text.lower() for t in profile.negative}
    assert {"orm queries handlers", "security audits", "write marketing copy"} <= negative
    assert not negative & {"backend", "security", "use security persona", "persona", "scribe"}, negative
    assert {"sql alchemy", "prisma"} <= {t.text.lower() for t in profile.positive}  # an aside of examples counts


def test_sections_that_say_when_a_persona_applies_are_read() -> None:
    body = ("# Helper\n\n## When to use\n- flaky suites\n- coverage gaps\n\n## Workflow\n- read the code\n\n"
            "## Will not\n- write marketing copy\n")
    terms = sources(agent("helper", "A helper.", body=body))
    assert terms["coverage gaps"] == "section: When to use"
    assert "read the code" not in terms  # an ordinary section says how, not when


def test_the_items_of_a_section_that_says_when_a_persona_applies_name_what_it_is_about() -> None:
    body = "# Helper\n\n## Focus areas\n- pytest suites\n- root cause of crashes\n\n## Workflow\n- performance\n"
    entries = Deriver(LEXICON).derive(agent("helper", "A helper.", body=body)).entries
    # ... less than a trigger clause does: an item of a section counts its source's share of the full reach
    section = tunables.OTHER_REACH * tunables.SOURCE_WEIGHT["section"] / tunables.FULL_REACH_WEIGHT
    assert entries["pytest"] == (pytest.approx(section), "section: Focus areas: pytest")
    assert entries["debugging"][1].startswith("section: Focus areas: ")
    assert "performance" not in entries  # an ordinary section says how, not when
    clause = Deriver(LEXICON).derive(agent("helper", "Use this agent when pytest suites fail.")).entries
    assert clause["pytest"] == (tunables.OTHER_REACH, "trigger-clause: pytest")


def test_a_phrase_of_the_lexicon_inside_a_longer_item_names_its_entry() -> None:
    lexicon = Lexicon((*LEXICON.entries, entry("build", terms=("build system", "toolchain")),
                       entry("config-files", kind="layout", terms=("configuration file",), globs=("config/",)),
                       entry("terraform", kind="tool", terms=("terraform",), globs=("*.tf",))))
    body = ("# Helper\n\n## Focus areas\n- build system enhancement and caching\n"
            "- Write clean Terraform configuration files\n")
    entries = Deriver(lexicon).derive(agent("helper", "A helper.", body=body)).entries
    assert entries["build"][1] == "section: Focus areas: build system"
    # ... unless a technology's name qualifies it: Terraform's configuration files are its .tf files
    assert "terraform" in entries
    assert "config-files" not in entries


def test_a_participle_before_another_word_of_an_item_is_what_that_thing_is() -> None:
    """"Compiled queries" are queries of a kind, not compiling: the item names no build work. The word alone is."""
    lexicon = Lexicon((*LEXICON.entries, entry("build", terms=("compile", "build system"))))
    deriver = Deriver(lexicon)
    queries = deriver.derive(agent("orm-helper", "Helps with ORM code.", body="## Focus areas\n- Compiled queries\n"))
    assert "build" not in queries.entries
    compiled = deriver.derive(agent("compiler-helper", "Helps.", body="## Focus areas\n- Compiled\n- Compile\n"))
    assert "build" in compiled.entries
    # ... and "speed" or "need" ends in -ed without being one
    fast = Deriver(Lexicon((*LEXICON.entries, entry("speed-work", terms=("speed",)))))
    assert "speed-work" in fast.derive(agent("tuner", "Helps.", body="## Focus areas\n- Speed tuning\n")).entries


def test_the_name_says_what_a_persona_is_about_through_the_lexicon() -> None:
    deriver = Deriver(LEXICON)
    assert set(deriver.derive(agent("debugger", "Finds bugs.")).entries) == {"debugging"}  # a role form of debug
    assert set(deriver.derive(agent("qa-expert", "Quality.")).entries) == {"testing"}
    pentest = deriver.derive(agent("penetration-tester", "Attacks systems."))
    assert set(pentest.entries) == {"security"}  # the longest run of the name wins: not testing


def test_a_word_that_names_work_only_in_a_name_is_a_title_of_its_entry() -> None:
    """"bug" names no work in a task (every kind of work has its bugs), but a bug hunter debugs."""
    deriver = Deriver(builtin_lexicon())
    for name in ("bug-hunter", "bug-fixer", "bugfix-specialist"):
        assert set(deriver.name_entries(name)[0]) == {"debugging"}, name
    assert set(deriver.name_entries("defect-analyst")[0]) == {"debugging"}
    assert not any(name == "debugging" for name, _ in lexical(builtin_lexicon()).readings.get(("bug",), ()))
    plain = Deriver(Lexicon((entry("debugging", terms=("debugging",)),)))
    assert plain.name_entries("bug-hunter")[0] == {}  # without the title, the name names nothing
    titled = Deriver(Lexicon((entry("debugging", terms=("debugging",), titles=("bug",)),)))
    assert set(titled.name_entries("bug-hunter")[0]) == {"debugging"}


def test_a_name_may_end_a_word_in_its_version_and_may_be_a_role_of_two_fields() -> None:
    deriver = Deriver(builtin_lexicon())
    assert set(deriver.name_entries("nuxt4-pro")[0]) == {"nuxt"}
    assert set(deriver.name_entries("vue3-expert")[0]) == {"vue"}
    assert set(deriver.name_entries("web3-developer")[0]) == {"blockchain"}  # a name with its digits keeps them
    assert set(deriver.name_entries("full-stack-developer")[0]) == {"frontend", "backend"}
    assert set(deriver.name_entries("data-scientist")[0]) == {"data-science"}
    assert set(deriver.name_entries("nlp-engineer")[0]) == {"machine-learning"}
    assert set(deriver.name_entries("iot-engineer")[0]) == {"embedded"}


def test_a_field_of_machine_learning_in_a_name_is_not_about_teaching() -> None:
    found = Deriver(builtin_lexicon()).derive(agent("reinforcement-learning-engineer", "Trains agents.")).entries
    assert "machine-learning" in found and "learning" not in found


def test_a_name_that_names_several_things_is_less_about_each() -> None:
    deriver = Deriver(LEXICON)
    single = deriver.derive(agent("performance-engineer", "Speeds things up.")).entries["performance"][0]
    double = deriver.derive(agent("performance-security-engineer", "Both.")).entries["performance"][0]
    assert double < single


def test_a_technology_passes_a_share_on_to_its_domain() -> None:
    found = Deriver(LEXICON).derive(agent("runner", "Use this agent when pytest suites need care.")).entries
    assert found["testing"][0] < found["pytest"][0]
    assert "via pytest" in found["testing"][1]


def test_a_narrower_domain_reached_from_the_name_leads_to_none_of_its_other_domains() -> None:
    # Authentication is part of security and of backend work: a security persona does it, and is no backend one.
    lexicon = Lexicon((entry("security", terms=("security",)), entry("backend", terms=("backend",)),
                       entry("authentication", terms=("authentication",), domains=("security", "backend"))))
    found = Deriver(lexicon).derive(agent("security", "Use this agent for audits.")).entries
    assert "authentication" in found and "backend" not in found
    # ... while a persona that names authentication itself passes a share on to both
    found = Deriver(lexicon).derive(agent("auth-expert", "Use this agent for authentication flows.")).entries
    assert {"security", "backend"} <= found.keys()


def test_a_persona_named_for_a_domain_does_the_narrower_domains_that_belong_to_it() -> None:
    lexicon = Lexicon((entry("devops", terms=("devops",)), entry("ci", terms=("continuous integration",),
                                                                globs=(".github/workflows/",), domains=("devops",))))
    found = Deriver(lexicon).derive(agent("devops-engineer", "Use this agent when releases need care.")).entries
    assert found["ci"] == (found["devops"][0] * tunables.SUBDOMAIN_SHARE, "name: devops (part of devops)")
    # Only a domain the name names passes itself on: one named in passing does not, nor one a word before the
    # name's head names (devops-metrics reports on devops work; it does not run the pipelines).
    assert "ci" not in Deriver(lexicon).derive(agent("helper", "Use this agent when devops work piles up.")).entries
    assert "ci" not in Deriver(lexicon).derive(agent("devops-metrics", "Use this agent for reports.")).entries
    index = SelectionIndex([agent("devops-engineer", "Use this agent when releases need care."),
                            agent("tester", "Use this agent when continuous integration runs tests.")], lexicon)
    assert select(index, "Run the suite against Go 1.23", [".github/workflows/tests.yml"]).persona == "devops-engineer"


def test_declared_triggers_stay_the_strongest_evidence() -> None:
    persona = agent("declared", "Use this agent when flaky suites fail.", extra="trigger-keywords: [flaky]\n")
    term = next(t for t in Deriver(LEXICON).derive(persona).terms if t.text == "flaky")
    assert term.source == "trigger-keywords" and term.weight == 1.0


def test_a_declared_keyword_that_names_an_entry_brings_the_entrys_other_names() -> None:
    lexicon = Lexicon((*LEXICON.entries,
                       entry("sqlite", kind="technology", terms=("sqlite", "sqlite3", "libsql")),
                       entry("go-libraries", kind="technology", terms=("gorm", "cobra", "testify"))))
    keywords = "trigger-keywords: [SQLite, GORM]\n"
    terms = {t.text: t for t in Deriver(lexicon).derive(agent("data", "Stores data.", extra=keywords)).terms}
    assert terms["libsql"].kind == "keyword" and terms["libsql"].source == "lexicon: names of SQLite (trigger-keywords)"
    assert terms["libsql"].weight == tunables.SOURCE_WEIGHT["trigger-keywords"] * tunables.SYNONYM_SHARE
    assert terms["SQLite"].source == "trigger-keywords"  # the author's own word keeps its place and weight
    # GORM is one of several things an entry groups, not that entry's own name: it lends no other names
    assert "cobra" not in terms and "testify" not in terms
    index = SelectionIndex([agent("data", "Stores data.", extra=keywords),
                            agent("docs", "Writes docs.", extra="trigger-keywords: [documentation]\n")], lexicon)
    assert select(index, "Add libsql support").persona == "data"
    # an entry's terms may be siblings rather than one thing's names: the persona that declares the word wins
    index = SelectionIndex([agent("sqlite-fan", "Stores data.", extra="trigger-keywords: [SQLite]\n"),
                            agent("turso-fan", "Stores data.", extra="trigger-keywords: [libSQL]\n")], lexicon)
    assert select(index, "Add libsql support").persona == "turso-fan"
    assert select(index, "Add sqlite3 support").persona == "sqlite-fan"


def test_the_profile_is_described_with_its_sources() -> None:
    index = SelectionIndex([agent("debugger", "Use this agent when a crash needs a root cause.")], LEXICON)
    lines = list(describe(index.profile("debugger")))
    assert any(line.startswith("terms from trigger-clause:") for line in lines)
    assert any("debugging" in line and "name: debugger" in line for line in lines)


def test_a_name_is_about_its_head_more_than_what_qualifies_it() -> None:
    deriver = Deriver(LEXICON)
    analysis = deriver.derive(agent("ab-test-analysis", "Reads experiment results.")).entries
    assert analysis["testing"][0] < 1.0  # it analyses tests; it does not test
    reviewer = deriver.derive(agent("architect-reviewer", "Reviews designs.")).entries
    assert reviewer["architecture"][0] == 1.0  # a reviewer of architecture is about architecture
    # A name made of a kind of a thing is about that kind: a vector database is a database, not all of them.
    vector = Deriver(builtin_lexicon()).derive(agent("vector-db-expert", "Builds similarity search.")).entries
    assert vector["vector-database"][0] == 1.0
    assert vector["database"][0] < 0.5


def test_only_a_domain_is_named_by_a_loose_form_of_a_name_word() -> None:
    lexicon = Lexicon((
        *LEXICON.entries,
        entry("buildah", kind="tool", terms=("buildah",)),
        entry("pydantic", kind="technology", terms=("pydantic",), related=("validator",)),
        entry("build", terms=("build system", "compile")),
        entry("nodejs", kind="technology", terms=("nodejs", "node.js")),
    ))
    deriver = Deriver(lexicon)
    # "build" is a prefix of Buildah and a related word names pydantic: neither names a technology ...
    assert "buildah" not in deriver.derive(agent("build-engineer", "Keeps builds fast.")).entries
    assert "pydantic" not in deriver.derive(agent("idea-validator", "Checks ideas.")).entries
    # ... but a domain's own name does, and so does a JavaScript name without its "js".
    assert deriver.derive(agent("build-engineer", "Keeps builds fast.")).entries["build"][0] == 1.0
    assert deriver.derive(agent("node-specialist", "Servers.")).entries["nodejs"][0] == 1.0


def test_a_role_word_is_not_linked_to_a_verb_made_from_it() -> None:
    lexicon = Lexicon((*LEXICON.entries, entry("authentication", terms=("authorization",)),
                       entry("architecture-x", terms=("architecture",))))
    deriver = Deriver(lexicon)
    assert "authentication" not in deriver.derive(agent("docs-author", "Writes guides.")).entries  # not authorize
    assert "architecture-x" in deriver.derive(agent("cloud-architect", "Plans systems.")).entries


def test_a_one_letter_name_word_is_not_a_short_form_of_a_longer_term() -> None:
    # "c" of c-pro is the C language, not "csrf" cut short by three letters.
    deriver = Deriver(Lexicon((*LEXICON.entries, entry("security-x", terms=("csrf",)),
                               entry("debugging-x", terms=("debug",)))))
    assert "security-x" not in deriver.derive(agent("c-pro", "Writes C.")).entries
    assert "debugging-x" in deriver.derive(agent("debugger", "Finds causes.")).entries  # debug + ger still links


def test_a_name_word_links_to_a_term_only_by_an_ending_of_role_or_of_work() -> None:
    deriver = Deriver(Lexicon((*LEXICON.entries, entry("database-x", terms=("database",)),
                               entry("scalability-x", terms=("scalable",)))))
    assert "database-x" not in deriver.derive(agent("data-engineer", "Builds pipelines.")).entries  # data + base
    assert "scalability-x" not in deriver.derive(agent("scala-pro", "Writes Scala.")).entries  # scala + ble
    assert "architecture" in deriver.derive(agent("cloud-architect", "Plans systems.")).entries  # architect + ure


def test_a_role_word_of_a_name_leaves_its_subject_at_full_weight() -> None:
    lexicon = Lexicon((*LEXICON.entries, entry("refactoring", related=("tidy",))))
    deriver = Deriver(lexicon)
    assert deriver.derive(agent("crash-hunter", "Finds causes.")).entries["debugging"][0] == 1.0
    assert deriver.derive(agent("tidier", "Cleans code.")).entries["refactoring"][0] == 1.0  # tidy + ier
    # An advisor of security is about security as a security consultant is, not a qualified one.
    assert deriver.derive(agent("security-advisor", "Advises.")).entries["security"][0] == 1.0


def test_a_name_word_the_lexicon_does_not_know_qualifies_what_the_name_names() -> None:
    deriver = Deriver(LEXICON)
    plain = deriver.derive(agent("architect-reviewer", "Reviews designs.")).entries["architecture"][0]
    narrow = deriver.derive(agent("kafka-architect", "Designs streams.")).entries["architecture"][0]
    assert narrow < plain  # an architect of one kind of system is less about architecture in general
    lexicon = Lexicon((*LEXICON.entries[:-2], entry("architecture", terms=("architecture", "microservices")),
                       LEXICON.entries[-1]))
    kind = Deriver(lexicon).derive(agent("microservices-architecture", "Designs.")).entries["architecture"][0]
    other = Deriver(lexicon).derive(agent("kafka-architecture", "Designs.")).entries["architecture"][0]
    assert kind == other < 1.0  # a word that names the same thing again qualifies it too
    # ... and so does a word written with digits before the name's head ("c4-component": a component of C4 diagrams);
    # at the head it is a number of what comes before ("owasp-top10-expert")
    known = Deriver(builtin_lexicon())
    assert known.name_entries("c4-component")[1] == known.name_entries("zork-component")[1] == 1
    assert known.name_entries("owasp-top10-expert")[1] == 0


def test_a_word_of_rank_or_reach_in_a_title_qualifies_nothing() -> None:
    # "Universal API Architect", "Principal Security Engineer": the persona is no narrower for it.
    deriver = Deriver(LEXICON)
    plain = deriver.derive(agent("architect-reviewer", "Reviews designs.")).entries["architecture"][0]
    for title in ("Universal Architect Reviewer", "Principal Architect Reviewer", "Staff Architect Reviewer"):
        titled = deriver.derive(agent("architect-reviewer", "Reviews designs.", body=f"# {title}\n\nReviews.\n"))
        assert titled.entries["architecture"][0] == plain, title


def test_the_words_before_a_names_head_say_less_as_terms() -> None:
    profile = Deriver(LEXICON).derive(agent("growth-loops", "Designs loops."))
    weight = {term.text: term.weight for term in profile.terms if term.source == "name"}
    assert weight["growth"] < weight["loops"]
    checker = Deriver(LEXICON).derive(agent("code-reviewer", "Reviews code."))
    assert {term.text for term in checker.terms if term.source == "name"} == {"code", "reviewer"}


def test_a_checker_word_after_the_head_names_how_not_what() -> None:
    lexicon = Lexicon((*LEXICON.entries, entry("accessibility", terms=("accessibility", "a11y"))))
    found = Deriver(lexicon).derive(agent("accessibility-tester", "Checks pages.")).entries
    assert found["testing"][0] < found["accessibility"][0]
    # The act of checking says the same as the one who checks: an architecture review is about architecture.
    review = Deriver(LEXICON).derive(agent("architect-review", "Reviews designs.")).entries
    reviewer = Deriver(LEXICON).derive(agent("architect-reviewer", "Reviews designs.")).entries
    assert review["architecture"][0] == reviewer["architecture"][0] == 1.0
    # An architect of something is about that thing first; an architect alone is about architecture.
    of_security = Deriver(LEXICON).derive(agent("security-architect", "Designs defences.")).entries
    assert of_security["architecture"][0] < of_security["security"][0]
    assert Deriver(LEXICON).derive(agent("architect", "Designs systems.")).entries["architecture"][0] == 1.0


def test_a_checker_word_after_one_of_its_own_tools_names_what_the_persona_does() -> None:
    # pytest-tester tests with pytest, a testing tool: it is a tester; security-tester tests security.
    with_tool = Deriver(LEXICON).derive(agent("pytest-tester", "Writes tests.")).entries
    of_domain = Deriver(LEXICON).derive(agent("security-tester", "Checks defences.")).entries
    assert with_tool["testing"][0] == with_tool["pytest"][0]
    assert of_domain["testing"][0] < of_domain["security"][0]


def test_the_personas_of_a_catalog_share_the_terms_and_globs_they_write_alike() -> None:
    extra = "trigger-keywords: [widget smithing]\ntrigger-files: ['**/widgets/**']\n"
    index = SelectionIndex([agent("smith-a", "Makes widgets.", extra=extra),
                            agent("smith-b", "Mends widgets.", extra=extra)], LEXICON)
    first, second = index.profile("smith-a"), index.profile("smith-b")
    shared = next(term for term in first.terms if term.text == "widget smithing")
    assert shared in second.terms and any(term is shared for term in second.terms)
    assert first.globs[0] is second.globs[0]
    # Each persona's own words stay its own.
    assert not any(term.text.lower() == "mends" for term in first.terms)


def test_a_persona_named_for_a_tool_is_about_its_domain_more_than_one_that_mentions_the_domain() -> None:
    deriver = Deriver(builtin_lexicon())
    named = deriver.derive(agent("jest-expert", "Expert in Jest for running test suites efficiently."))
    mentions = deriver.derive(agent("laravel-expert", "Expert in the Laravel framework, Eloquent ORM and "
                                                      "comprehensive testing strategies."))
    assert named.entries["testing"][0] == tunables.NAME_PARENT_SHARE
    assert named.entries["testing"][0] > mentions.entries["testing"][0]
    index = SelectionIndex([agent("jest-expert", "Expert in Jest for running test suites efficiently."),
                            agent("laravel-expert", "Expert in the Laravel framework, Eloquent ORM and "
                                                    "comprehensive testing strategies.")], builtin_lexicon())
    assert select(index, "Enable the binary response test for all presets", []).persona == "jest-expert"


def test_go_in_a_name_or_in_prose_is_the_language_not_the_verb() -> None:
    # A task reads "our Go service" as the language ("golang"); a persona's name and prose are read the same way.
    deriver = Deriver(builtin_lexicon())
    expert = deriver.derive(agent("go-expert", "Senior Go engineer for services and CLI tools."))
    assert expert.entries["go"][1] == "name: golang"
    assert "golang" in [term.text for term in expert.terms]
    prose = deriver.derive(agent("backend-helper", "Builds services in Go 1.22 and Python."))
    assert prose.entries["go"][1].startswith("description: golang")
    # ... but a name where "go" is the verb of a phrase, and a sentence that opens with the verb, are not about Go
    assert "go" not in deriver.derive(agent("go-to-market-strategist", "Plans launches.")).entries
    assert "go" not in deriver.derive(agent("release-helper", "Go through the release checklist.")).entries


def test_a_product_name_written_in_camel_case_in_a_title_stays_one_word() -> None:
    # "NestJS" is one name, as a task reads it: its "js" does not make the agent a match for Next.js.
    lexicon = builtin_lexicon()
    nest = agent("server-helper", "Builds server applications.", body="# NestJS Expert\n\nYou build modules.\n")
    terms = {term.text.lower() for term in Deriver(lexicon).derive(nest).terms}
    assert "nestjs" in terms and "js" not in terms
    react = agent("react-helper", "Builds React components and pages.")
    index = SelectionIndex([nest, react], lexicon=lexicon)
    assert select(index, "How do I fetch data in Next.js?").persona != "server-helper"


def test_a_word_a_lexicon_phrase_takes_in_another_sense_names_nothing_alone() -> None:
    # "API reference" is documentation: its "api" is not the API of a server, as a task's words are read.
    writer = agent("docs-writer", "Technical writer for READMEs, guides, API reference and changelogs.")
    profile = Deriver(builtin_lexicon()).derive(writer)
    terms = {term.text.lower() for term in profile.terms}
    assert {"api reference", "reference", "readme"} <= terms
    assert "api" not in terms
    assert "api" not in profile.entries and "documentation" in profile.entries


def test_a_derived_phrase_does_not_run_across_the_end_of_a_sentence() -> None:
    terms = sources(agent("code-reviewer", "Reviews code for quality and maintainability. Use immediately after "
                                           "writing code."))
    assert "maintainability" in terms
    assert not any("maintainability" in term and term != "maintainability" for term in terms)


def test_an_agent_that_runs_exercises_or_builds_proofs_of_concept_is_not_about_learning() -> None:
    deriver = Deriver(builtin_lexicon())
    chaos = agent("chaos-engineer", "Use this agent when you need to conduct game day exercises.")
    sales = agent("sales-engineer", "Use this agent for proof-of-concept development and technical demonstrations.")
    tutor = agent("coding-tutor", "Use this agent when the user wants a concept explained step by step.")
    assert "learning" not in deriver.derive(chaos).entries and "learning" not in deriver.derive(sales).entries
    assert "learning" in deriver.derive(tutor).entries


def test_container_orchestration_is_containers_work_not_data_pipelines() -> None:
    found = Deriver(builtin_lexicon()).derive(agent("deployment-engineer", "Builds container orchestration.")).entries
    assert "containers" in found and "data-engineering" not in found


def test_a_server_is_program_code_for_the_backend_not_a_machine_for_the_sre() -> None:
    # "server" in a change is most often a server program ("rest.server.ts", "the REST server"): backend work.
    index = SelectionIndex([agent("backend-developer", "Use this agent when building APIs and services."),
                            agent("sre-engineer", "Use this agent when reliability and on-call need care.")],
                           builtin_lexicon())
    assert select(index, "Allow the REST server to be mounted on a path",
                  ["packages/rest/src/rest.server.ts"]).persona == "backend-developer"


def test_words_every_kind_of_code_uses_name_no_domain_of_their_own() -> None:
    # A timeout, an option or a merge is in UI code as much as in a resilience design, a form or a data frame.
    index = SelectionIndex([agent("architect-reviewer", "Use this agent when reviewing system design and resilience."),
                            agent("frontend-developer", "Use this agent when building UI components and overlays.")],
                           builtin_lexicon())
    assert select(index, "Make the debounce timeout configurable", []).persona != "architect-reviewer"


def test_calls_to_functions_are_no_function_calling_of_a_language_model() -> None:
    index = SelectionIndex([agent("llm-architect", "Use this agent when designing LLM apps and prompts."),
                            agent("compiler-engineer", "Use this agent when working on code generation.")],
                           builtin_lexicon())
    assert select(index, "Emit arrow functions for pure function calls", []).persona != "llm-architect"


def test_a_mobile_browser_is_a_browser_not_a_mobile_app() -> None:
    index = SelectionIndex([agent("mobile-developer", "Use this agent when building iOS and Android apps."),
                            agent("frontend-developer", "Use this agent when building web pages and their styles.")],
                           builtin_lexicon())
    assert select(index, "The sticky header jumps when scrolling on iOS Safari", []).persona == "frontend-developer"


def test_what_a_boundary_names_is_no_evidence_for_the_persona_through_the_lexicon() -> None:
    # TypeORM and Prisma are terms of one lexicon entry: the boundary keeps Prisma's words out of it
    index = SelectionIndex([
        agent("orm-helper", "Use this agent for TypeORM entities and queries. Do NOT use it for Prisma."),
        agent("docs-writer", "Use this agent for READMEs and guides."),
    ], builtin_lexicon())
    assert select(index, "Add a Prisma migration for the users table", []).persona is None
    assert select(index, "Add a TypeORM migration for the users table", []).persona == "orm-helper"


def test_what_a_description_sets_off_as_not_the_persona_argues_against_it() -> None:
    index = SelectionIndex([
        agent("drizzle", "Use this skill for Drizzle ORM queries in the analytics service. Drizzle is NOT the main "
              "database, that's Prisma."),
        agent("backend-developer", "Use this agent for server code, database models and migrations."),
    ], builtin_lexicon())
    assert select(index, "Add a Prisma migration for the users table", []).persona == "backend-developer"
    assert select(index, "Speed up the Drizzle query of the analytics report", []).persona == "drizzle"
