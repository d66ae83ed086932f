"""Scoring: activities, code words, phrases across gaps, the lead sentence, shapes, abstention, bounds."""

from __future__ import annotations

import pytest
from tests.test_selection import persona
from tests.test_selection_derive import agent

from persona_mcp.catalog import Catalog, default_layers
from persona_mcp.lexicon import builtin_lexicon
from persona_mcp.loader import parse_persona
from persona_mcp.model import Candidate, Persona
from persona_mcp.selection import MIN_CONFIDENCE, MIN_SCORE, SelectionIndex, confidence, rank, select, tunables
from persona_mcp.selection.files import read_path
from persona_mcp.selection.result import rank_candidates
from persona_mcp.selection.tunables import READ_CHARS


def activity_catalog() -> SelectionIndex:
    return SelectionIndex([
        persona("persona-perf", keywords=["latency"], extra="activity-keywords: [optimize, benchmark]\n"),
        persona("persona-db", keywords=["database", "query", "table", "index"], files=["**/db/**"]),
        persona("persona-docs", keywords=["readme"], extra="activity-keywords: [document]\n"),
    ])


def test_an_activity_outweighs_several_domain_words() -> None:
    result = select(activity_catalog(), "Optimize the database query on the orders table", [])
    assert result.persona == "persona-perf"
    assert any(e.kind == "activity" and e.trigger == "optimize" and e.source == "activity-keywords"
               for e in result.evidence)
    assert "persona-db" in [c.name for c in result.alternatives]


def test_an_activity_word_inside_an_identifier_counts_for_less() -> None:
    index = activity_catalog()
    prose = rank(index, "optimize the loader", [])[0]
    code = rank(index, "Rename `optimizeLoader` in the loader", [])
    prose_weight = next(e.weight for e in prose.evidence if e.kind == "activity")
    code_weight = next(e.weight for c in code for e in c.evidence if e.kind == "activity")
    assert code_weight < prose_weight / 2


def test_a_two_word_phrase_matches_across_a_gap_of_a_few_words() -> None:
    index = SelectionIndex([
        persona("persona-perf", extra="activity-keywords: [improve performance]\n"),
        persona("persona-debug", keywords=["fails on"]),
    ])
    near = rank(index, "Improve save performance", [])[0]
    assert near.name == "persona-perf" and near.evidence[0].matched == ["improve save performance"]
    assert near.score < rank(index, "Improve performance", [])[0].score
    assert rank(index, "Improve the whole save path's performance", []) == []  # too far apart
    assert rank(index, "It fails loudly on empty input", []) == []  # a phrase with a function word: as written
    # A preposition between them ends the phrase: "in sql-orm-client" says where, the AST is what is built.
    builds = SelectionIndex([persona("persona-sec", keywords=["builds SQL"])])
    assert rank(builds, "Build PN AST in sql-orm-client", []) == []  # three words between, as a gap allows
    assert rank(builds, "It builds raw SQL from the form", [])[0].name == "persona-sec"


def test_a_word_inside_another_personas_longer_term_is_that_terms_word() -> None:
    index = SelectionIndex([
        persona("persona-db", keywords=["data type", "connection"]),
        persona("persona-types", keywords=["type"], negative=["blocking"]),
        persona("persona-sec", keywords=["block"]),
        persona("persona-perf", keywords=["non-blocking"]),
    ])
    names = {c.name: c for c in rank(index, "Add the HSTORE data type and make the connection non-blocking", [])}
    assert "persona-types" not in names and "persona-sec" not in names
    assert set(names) == {"persona-db", "persona-perf"}
    # Alone, the words are their own terms; and a term against a persona still argues against it.
    assert rank(index, "Rename the type", [])[0].name == "persona-types"
    assert rank(index, "Block the scraper", [])[0].name == "persona-sec"
    against = {c.name: c.score for c in rank(index, "Rename the type and make the call non-blocking", [])}
    assert against["persona-types"] < rank(index, "Rename the type", [])[0].score


def test_a_name_written_as_one_word_is_not_a_phrase() -> None:
    index = SelectionIndex([persona("persona-db", keywords=["MySQL", "content type"]),
                            persona("persona-cache", keywords=["Redis"])])
    weights = {e.trigger: e.weight for c in rank(index, "Move sessions from MySQL to Redis", []) for e in c.evidence
               if e.kind == "keyword"}
    assert weights["MySQL"] == weights["Redis"]
    assert rank(index, "Check the content type", [])[0].evidence[0].weight > weights["Redis"]


def test_words_after_the_first_sentence_count_for_less() -> None:
    index = activity_catalog()

    def docs_activity(candidates: list[Candidate]) -> float:
        docs = next(c for c in candidates if c.name == "persona-docs")
        return next(e.weight for e in docs.evidence if e.kind == "activity")

    assert docs_activity(rank(index, "Adjust the table layout. Document it.", [])) < \
        docs_activity(rank(index, "Document the table layout.", []))


def test_a_shape_modifies_the_evidence_of_personas_that_declare_it_and_decides_nothing_alone() -> None:
    index = SelectionIndex([
        persona("persona-teacher", keywords=["explain"], extra="request-shapes: [question]\n"),
        persona("persona-db", keywords=["column", "default value"]),
    ])
    taught = select(index, "Can you explain what a default value for a column is?", [])
    assert taught.persona == "persona-teacher"
    assert any(e.kind == "shape" and e.trigger == "question" for e in taught.evidence)
    assert select(index, "Set a default value for the created_at column", []).persona == "persona-db"
    # A question shape with no other evidence selects no one: it only lists the persona that answers questions
    # among the alternatives, with a score under the least that selects.
    alone = select(index, "What is this?", [])
    assert alone.persona is None
    assert [(c.name, c.score < MIN_SCORE) for c in alone.alternatives] == [("persona-teacher", True)]
    assert [c.name for c in rank(index, "Set the column's default value to 0.", [])] == ["persona-db"]


def test_question_words_in_a_request_that_asks_nothing_are_no_evidence() -> None:
    # "possible" is a question word ("is it possible to ..."): in a report of a possible failure it asks nothing.
    index = SelectionIndex([
        persona("persona-teacher", keywords=["possible", "how do I"]),
        persona("persona-db", keywords=["deadlock"]),
    ])
    report = select(index, "possible deadlock when two workers save the same order", [])
    assert report.persona == "persona-db"
    assert "persona-teacher" not in [c.name for c in report.alternatives]
    asked = select(index, "Is it possible to avoid a deadlock when two workers save the same order?", [])
    assert "persona-teacher" in [asked.persona, *(c.name for c in asked.alternatives)]


def test_a_question_phrase_with_a_verb_of_need_or_use_is_the_questions_shape() -> None:
    # "do I need", "should I use": the words of asking, not a subject. In a question about one's own system they
    # count the practical share, as "how do I" does, so the subject's persona answers.
    index = SelectionIndex([
        persona("persona-teacher", keywords=["do I need", "should I use"]),
        persona("persona-db", keywords=["row lock"]),
    ])
    for task in ("Do I need a row lock when my two workers save the same order?",
                 "Should I use a row lock when our two workers save the same order?"):
        assert select(index, task, []).persona == "persona-db", task


def test_a_questions_label_or_a_request_for_advice_is_no_request_to_be_taught() -> None:
    # "Question:" before an issue's title, or "would you recommend", says that something is asked, as the shape does:
    # what is asked about decides.
    index = Catalog.load(default_layers(user=False)).index
    for task, expected in [("Question: can I access request.user in serializer validate_field() function?",
                            "persona-backend"),
                           ("In which layer would you recommend placing the validation logic?", "persona-architect"),
                           ("Curious: why commit .env files?", "persona-security")]:
        assert select(index, task, []).persona == expected, task


def test_a_practical_question_belongs_to_its_domain_not_to_the_teacher() -> None:
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "Why does my React component re-render on every keystroke?", []).persona != "persona-mentor"
    assert select(index, "How do I write unit tests for a Spring Boot controller?", []).persona == "persona-qa"
    assert select(index, "What is the difference between a process and a thread?", []).persona == "persona-mentor"
    # A question asked after the story is a question, not a design write-up for the architect.
    story = ("Typing in the Layer Name field triggers a rerender and the input loses focus because of the list item "
             "key. What can be used as a react key instead to avoid this?")
    assert select(index, story, []).persona == "persona-frontend"


def test_question_words_do_not_support_the_teacher_in_a_question_about_ones_own_code() -> None:
    # The teacher's "why is" is the question's shape again: it gave the teacher the shape's weight in full, which
    # outweighed the one word of the work ("null"), so a question about one's own failing code went to the teacher.
    index = Catalog.load(default_layers(user=False)).index
    for task in ("Why is my injected repository field always null?", "Why does my worker return null for every job?"):
        found = select(index, task, [])
        assert found.persona == "persona-analyzer", (task, found.persona)
        assert "persona-mentor" in [c.name for c in found.alternatives]  # still offered, below


def test_understanding_said_in_passing_is_no_request_to_be_taught() -> None:
    # The teacher declares "help me understand" and "wants to understand", not the lone word: "for better
    # understanding" says what a change is for.
    index = Catalog.load(default_layers(user=False)).index
    task = ("Application panics when the API call returns 404. Removed the generation step, which was only there "
            "for better understanding of the reported state")
    assert select(index, task, []).persona != "persona-mentor"
    assert select(index, "Help me understand how the scheduler picks the next task", []).persona == "persona-mentor"


def test_the_words_of_an_errors_message_name_things_rather_than_ask_for_work() -> None:
    # "lazily" of the message is the performance persona's activity word; the message is what the program printed.
    index = Catalog.load(default_layers(user=False)).index
    task = "How to fix LazyInitializationException: failed to lazily initialize a collection of roles, no session"
    assert select(index, task, []).persona != "persona-performance"


def test_a_word_of_all_code_is_no_request_for_refactoring() -> None:
    # "function" is a word of every kind of code: the refactorer does not declare it, nor "functions".
    index = Catalog.load(default_layers(user=False)).index
    found = select(index, "Why is my click handler function called twice in React?", [])
    assert found.persona == "persona-frontend"
    assert "persona-refactorer" not in [c.name for c in found.alternatives]
    # ... nor is joining strings a security matter, unless what is joined is input into SQL
    found = select(index, "How do I concatenate the names of all rows into one string in PostgreSQL?", [])
    assert "persona-security" not in [found.persona, *(c.name for c in found.alternatives)]
    assert select(index, "Stop concatenating user input into SQL queries", []).persona == "persona-security"


def test_a_file_named_in_the_task_does_not_make_its_words_the_work() -> None:
    index = Catalog.load(default_layers(user=False)).index
    task = ("Replace the callback-style fs calls in scripts/build.js with async/await and remove the duplicated "
            "path-joining helpers.")
    assert select(index, task, ["scripts/build.js"]).persona == "persona-refactorer"


def test_an_explanation_of_ones_own_failure_is_debugging_not_a_lesson() -> None:
    # "Explain" and "help me understand" ask for a lesson unless what is to be explained is the asker's own failure.
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "Help me understand this stack trace", ["src/app.py"]).persona == "persona-analyzer"
    assert select(index, "Help me understand why my query is slow", []).persona == "persona-performance"
    assert select(index, "Explain this error: TypeError: Cannot read properties of undefined", []).persona \
        == "persona-analyzer"
    assert select(index, "Help me understand how the event loop schedules callbacks", []).persona == "persona-mentor"


def test_a_plain_how_to_lets_the_teacher_compete_with_the_domain() -> None:
    # Strong domain evidence still wins a plain how-to; weak evidence does not outweigh the teacher.
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "How do I make a CSS grid layout responsive with media queries?", []).persona \
        == "persona-frontend"
    assert select(index, "How to use the ORM in an ES module project?", []).persona == "persona-mentor"
    assert select(index, "How do I stop the ORM from crashing in an ES module project?", []).persona \
        != "persona-mentor"
    # A how-to asks to be shown how more than a question about a tool's behaviour does, on the same evidence.
    assert select(index, "How do I add a column to a join table?", []).persona == "persona-mentor"
    assert select(index, "Why does a join table get a second column?", []).persona == "persona-backend"
    # A how-to that names a kind of work, or a tool of it, asks how that work is done.
    assert select(index, "How to verify that a specific method was not called using Mockito?", []).persona \
        == "persona-qa"
    assert select(index, "How to reference a method in javadoc?", []).persona == "persona-scribe"
    assert select(index, "I found a bug, what should I do?", []).persona == "persona-mentor"  # what to do, not how


def test_a_how_to_done_in_a_technology_it_names_last_is_that_technologys_work() -> None:
    # "... in Django?" says where the asker is doing it; "How to use X with Y?" asks how to use a tool.
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "How do I filter query objects by date range in Django?", []).persona == "persona-backend"
    assert select(index, "How to apply color in Markdown?", []).persona == "persona-scribe"
    assert select(index, "How to use TypeORM with ts-node?", []).persona == "persona-mentor"
    assert select(index, "How do I add a column to a join table?", []).persona == "persona-mentor"  # names none
    # ... and its "how to" is the question's shape again, not more evidence for the teacher
    assert select(index, "How to add new line in Markdown presentation?", []).persona == "persona-scribe"


def test_a_runtimes_message_for_a_failure_is_debugging() -> None:
    index = Catalog.load(default_layers(user=False)).index
    for task in ("main.go: runtime error", "lateinit property binding has not been initialized"):
        assert select(index, task, []).persona == "persona-analyzer", task


def test_a_program_slow_to_start_is_performance_work() -> None:
    index = Catalog.load(default_layers(user=False)).index
    for task in ("Why does my Spring Boot app take 40 seconds to start?",
                 "The worker takes two minutes to start after a deploy"):
        assert select(index, task, []).persona == "persona-performance", task


def test_asking_how_to_get_started_with_a_technology_asks_to_be_taught() -> None:
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "How do I get started with Rust?", []).persona == "persona-mentor"
    assert select(index, "Update the getting started guide for Rust", []).persona == "persona-scribe"  # the docs


def test_a_question_about_a_project_itself_asks_the_guide() -> None:
    # Support, maintenance and what to do next are questions of orientation, not of code.
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "Is version 3 of the router still supported?", []).persona == "persona-mentor"
    assert select(index, "Which versions are still maintained?", []).persona == "persona-mentor"
    assert select(index, "Is the router production ready?", []).persona == "persona-mentor"
    assert select(index, "Can the state store be used with Vue?", []).persona == "persona-mentor"
    # ... and so are whether a tool works with another, and why it is made the way it is
    assert select(index, "Can I use shipit-release with any CI service?", []).persona == "persona-mentor"
    assert select(index, "Why is there no HTTP keep-alive in the worker?", []).persona == "persona-mentor"


def test_a_numbered_enhancement_proposal_goes_to_the_architect() -> None:
    index = Catalog.load(default_layers(user=False)).index
    proposal = select(index, "PEP 684 \u2013 A Per-Interpreter GIL", ["peps/pep-0684.rst"])
    assert proposal.persona == "persona-architect"
    assert any(e.kind == "shape" and e.trigger == "proposal" for e in proposal.evidence)


def test_a_specification_written_in_markdown_is_a_document_not_a_test() -> None:
    index = Catalog.load(default_layers(user=False)).index
    spec = select(index, "Record the agreed behaviour of bulk import", ["projects/importer/specs/bulk-import.spec.md"])
    assert spec.persona == "persona-scribe"
    test = select(index, "Cover the empty upload", ["web/src/upload/upload.spec.ts"])
    assert test.persona == "persona-qa"


def test_a_language_is_not_a_role_the_work_on_server_code_decides() -> None:
    # The built-in backend persona claims server things (handlers, migrations, .sql, .proto), not every
    # Go or Java file: in a Go or Java repository the work itself says who should do it.
    index = Catalog.load(default_layers(user=False)).index
    pooled = select(index, "Reuse copy buffers from a pool while streaming proxied responses",
                    ["proxy/stream.go", "proxy/proxy.go"])
    assert pooled.persona == "persona-performance"
    rejected = select(index, "Reject paths containing encoded slashes",
                      ["web/src/main/java/org/acme/web/ResourceHandler.java"])
    assert rejected.persona == "persona-security"


def test_authentication_code_is_where_backend_work_happens_until_the_words_name_a_threat() -> None:
    index = Catalog.load(default_layers(user=False)).index
    cleared = select(index, "Fix the session store not being cleared after logout", ["lib/auth/session.js"])
    assert cleared.persona == "persona-backend"
    option = select(index, "Add a remember-me option to the login handler", ["src/authentication/login.ts"])
    assert option.persona == "persona-backend"
    forged = select(index, "Reject tokens signed with the none algorithm", ["src/auth/verify.ts"])
    assert forged.persona == "persona-security"


def test_a_word_every_kind_of_work_uses_is_no_personas_trigger() -> None:
    # "stale" is any data's or closure's ("stale tabindex"), not only the stale-issues bot's: devops says the bot.
    index = Catalog.load(default_layers(user=False)).index
    stale = select(index, "Stale tabindex caused incorrect typeahead value changes", ["select/internal/select.ts"])
    assert stale.persona != "persona-devops"
    bot = select(index, "Close stale issues after 30 days with the stale bot", [".github/workflows/stale.yml"])
    assert bot.persona == "persona-devops"
    # A handler is any code's (an event's, an error's, a click's), consistency any work's.
    assert select(index, "How to factor out repeated boilerplate from Go HTTP handlers?", []).persona \
        == "persona-refactorer"
    consistent = rank_candidates(index, "Make the error messages consistent", [], limit=11)
    assert not [e for c in consistent if c.name == "persona-architect" for e in c.evidence if e.trigger == "consistent"]
    # "find" is anyone's verb; an ORM's find methods are named as such.
    assert select(index, "Find upstream remote when using ssh", ["git-cliff-core/src/repo.rs"]).persona \
        != "persona-backend"
    assert select(index, "Support nested relations in findOne", ["src/repository/Repository.ts"]).persona \
        == "persona-backend"
    # "time" is every task's word ("created time", "at a time"); a timing issue is the analyzer's.
    assert select(index, "Store the created time as UTC", []).persona != "persona-analyzer"
    assert select(index, "The scheduler has a timing issue when two jobs start together", []).persona \
        == "persona-analyzer"


def test_a_types_folder_holds_type_definitions_only_when_they_are_typescript() -> None:
    index = Catalog.load(default_layers(user=False)).index
    claims = {index.names[p] for glob in index.globs.matching(read_path("src/types/user.ts")) for p, _w in glob.owners}
    assert "persona-refactorer" in claims
    runtime = {index.names[p] for glob in index.globs.matching(read_path("lib/types/map.js")) for p, _w in glob.owners}
    assert "persona-refactorer" not in runtime  # mongoose's runtime Map type, not a type definition


def test_doc_comments_in_any_language_are_documentation_work() -> None:
    index = Catalog.load(default_layers(user=False)).index
    for task, path in [("Javadoc improvements across the whole API", "api/src/main/java/org/acme/api/Account.java"),
                       ("Fill in the missing rustdoc on the public API", "src/api/mod.rs"),
                       ("Add JSDoc to the exported API helpers", "src/api/helpers.ts")]:
        assert select(index, task, [path]).persona == "persona-scribe", task


def test_a_component_library_names_its_folders_after_its_widgets() -> None:
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "Prevent internal selection and a frozen knob.", ["slider/internal/slider.ts"]).persona \
        == "persona-frontend"
    assert select(index, "Add disabled link support", ["button/internal/button.ts"]).persona == "persona-frontend"
    # a payment card is no widget
    assert select(index, "Retry the charge when the card is declined", ["src/payments/card/charge.ts"]).persona \
        == "persona-backend"


def test_a_vulnerability_class_named_in_server_code_is_security_work() -> None:
    index = Catalog.load(default_layers(user=False)).index
    task = "net/http: reject a request carrying two Content-Length headers, which allows HTTP desync"
    smuggling = select(index, task, ["src/net/http/transfer.go", "src/net/http/server.go"])
    assert smuggling.persona == "persona-security"


def test_compile_time_is_performance_work() -> None:
    index = Catalog.load(default_layers(user=False)).index
    compile_time = select(index, "Cut compile time of the derive macros", ["derive/src/lib.rs"])
    assert compile_time.persona == "persona-performance"


def test_running_the_tests_is_ci_work_writing_them_is_testing() -> None:
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "Run the tests on Python 3.13 too", [".github/workflows/ci.yml"]).persona == "persona-devops"
    assert select(index, "Add tests for the empty upload", ["tests/test_upload.py"]).persona == "persona-qa"


def test_tests_that_come_with_a_change_leave_it_to_its_own_kind_of_work() -> None:
    index = SelectionIndex([
        persona("persona-a-tests", keywords=["flaky"], extra="activity-keywords: [tests]\n"),
        persona("persona-cleanup", keywords=["legacy"], extra="activity-keywords: [reworked]\n"),
    ])
    def tests_weight(task: str) -> float:
        found = {c.name: c for c in rank(index, task, [])}["persona-a-tests"]
        return next(e.weight for e in found.evidence if e.kind == "activity")

    assert select(index, "Throttle reworked with tests", []).persona == "persona-cleanup"
    assert tests_weight("Throttle reworked with tests") == pytest.approx(tunables.ACCOMPANYING_FACTOR * tests_weight(
        "Throttle reworked by tests"), abs=1e-3)  # evidence weights are rounded
    assert select(index, "Tests reworked", []).persona == "persona-a-tests"  # the tests are the work


def test_docs_about_a_kind_of_work_are_docs_work() -> None:
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "Add docs about async tests", []).persona == "persona-scribe"
    assert select(index, "Add async tests", []).persona == "persona-qa"
    assert select(index, "Describe release/publish steps", ["docs/RELEASE.md"]).persona == "persona-scribe"


@pytest.mark.parametrize("task", [
    "any logged-in user can delete other users' posts via the API",
    "the admin panel is reachable without logging in",
    "the upload endpoint accepts any file type and serves it from our domain",
    "the search box renders the query unescaped on the results page",
    "Best way to store password in database",
    "Remove the hardcoded AWS keys from settings.py and load them from the environment",
    "can a regular user escalate to admin through PATCH /users/:id? we pass req.body straight into update()",
    "Invite links are logged in clear text. Each invite prints its link in the worker's output, and those lines are "
    "kept for a month on a disk that every operator of the cluster can read and copy.",
])
def test_security_work_told_in_plain_words_is_security_work(task: str) -> None:
    assert select(Catalog.load(default_layers(user=False)).index, task, []).persona == "persona-security"


@pytest.mark.parametrize(("task", "persona"), [
    ("Explain how the retry option works", "persona-mentor"),
    ("Monads in plain English please. I write TypeScript, not Haskell.", "persona-mentor"),
    ("Spring: @Component versus @Bean", "persona-mentor"),  # two things side by side, to be told apart
    # whether one may do something with a tool is a question of that work; the teacher comes second
    ("Can I mock a static method with Mockito?", "persona-qa"),
    ("Can I disable CSRF for a single endpoint in Spring Security?", "persona-security"),
    ("Explain how the retry option works in the user guide, with an example", "persona-scribe"),
    ("Explain the retry option in the README", "persona-scribe"),
    ("Describe how tokens expire in the docs so support can answer customers", "persona-scribe"),
    ("Explain this panic: runtime error in the docs build", "persona-analyzer"),  # no document: a build
    ("Explain this panic: index out of range in handler.go", "persona-analyzer"),  # "explain" asks, it is no work
    # SQL's EXPLAIN shows a query plan: nothing to be taught
    ("EXPLAIN shows a seq scan on users; the login query takes 2s", "persona-performance"),
    ("explain analyze shows the sort spills to disk", "persona-performance"),
])
def test_an_explanation_asked_for_a_document_is_docs_work_not_a_lesson(task: str, persona: str) -> None:
    assert select(Catalog.load(default_layers(user=False)).index, task, []).persona == persona


def test_a_kind_of_work_that_says_when_a_failure_began_is_not_the_work() -> None:
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "the app crashes on startup after the last deploy, figure out what changed",
                  []).persona == "persona-analyzer"
    assert select(index, "coverage dropped to 41% after the refactor, get it back above 80%",
                  []).persona == "persona-qa"


def test_a_fix_told_with_its_cause_is_the_end_of_a_root_cause_analysis() -> None:
    index = Catalog.load(default_layers(user=False)).index
    # a memory leak is the debugger's as much as the performance engineer's: its cause told decides
    assert select(index, "Fix memory leak with websockets. The request and socket objects were kept alive because "
                         "the handlers were never removed on close.", []).persona == "persona-analyzer"
    pool = ["internal/pool/pool.go"]
    assert select(index, "Avoid a double close of pooled sockets", pool).persona != "persona-analyzer"
    assert select(index, "Avoid a double close of pooled sockets. Previously the pool closed each socket twice on "
                         "shutdown.", pool).persona == "persona-analyzer"


def test_to_build_a_thing_is_to_make_it_not_build_work() -> None:
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "The user is building a Blazor admin page and wants an editable grid", []).persona \
        == "persona-frontend"
    assert select(index, "The Gradle build takes nine minutes on CI", []).persona != "persona-frontend"
    assert select(index, "write a Dockerfile for the app", []).persona == "persona-devops"


def test_confidence_rises_with_evidence_and_lead_and_stays_in_bounds() -> None:
    assert 0.0 <= confidence(0.01, 0.0) < confidence(1.0, 0.0) < confidence(4.0, 0.0) <= 1.0
    assert confidence(2.0, 1.9) < confidence(2.0, 0.5)
    assert confidence(1.0, 2.0) < confidence(2.0, 1.0)
    assert confidence(0.0, 0.0) == 0.0


def test_evidence_too_weak_to_answer_on_abstains_with_a_reason() -> None:
    index = SelectionIndex([persona("persona-a", keywords=["widget"]),
                            persona("persona-b", keywords=["gadget"], description="Also handles gizmos.")])
    assert select(index, "the widget and the gadget", []).persona is not None
    weak = select(index, "a gizmo", [])  # only a word of its prose, which its declared triggers outrank
    assert weak.persona is None
    assert f"below the {MIN_SCORE} needed" in weak.reason or f"below {MIN_CONFIDENCE}" in weak.reason


def test_shared_triggers_are_listed_for_validate() -> None:
    index = SelectionIndex([
        persona("persona-a", keywords=["cache", "api"], files=["**/api/**"]),
        persona("persona-b", keywords=["caching", "queue"], files=["**/api/**", "**/*.sql"]),
    ])
    shared = index.shared_triggers()
    assert shared["keywords"] == {"cache": ["persona-a", "persona-b"]}
    assert shared["globs"] == {"**/api/**": ["persona-a", "persona-b"]}


def test_words_past_the_first_read_characters_do_not_count() -> None:
    index = activity_catalog()
    filler = "lorem ipsum " * (READ_CHARS // 12 + 5)
    assert rank(index, "database query " + filler, [])[0].name == "persona-db"
    assert all(c.name != "persona-db" for c in rank(index, filler + "database query", []))


@pytest.mark.parametrize("task", [
    " " * 1300 + "fix the database query",
    "x" * 5000,
    "word " * 2000 + "\nTraceback (most recent call last):\n  File \"a.py\", line 1, in <module>\nKeyError: 'k'",
    "\n" * 20_000,
    "persona " * 2_500,
])
def test_long_and_hostile_tasks_never_break_selection(task: str) -> None:
    result = select(activity_catalog(), task, ["src/x.py"] * 50)
    assert result.reason
    assert 0.0 <= result.confidence <= 1.0


def test_a_term_many_personas_claim_reaches_only_its_strongest_claimants(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tunables, "TERM_POSTINGS", 3)
    personas = [persona(f"weak-{n}", description=f"Use this agent when a widget needs care ({n}).") for n in range(5)]
    personas += [persona("strong", keywords=["widget"]), persona("against", negative=["widget"])]
    index = SelectionIndex(personas)
    found = {index.names[i] for i, _weight, _term in index.postings[("widget",)]}
    assert "strong" in found and "against" in found and len(found) == 4  # three claimants, and what argues against
    assert {c.name for c in rank_candidates(index, "Fix the widget")} >= {"strong"}


@pytest.mark.parametrize(("task", "files", "persona"), [
    # Words with an everyday sense in code are not the security persona's: a leak is most often memory, a
    # directory traversal most often a walk over folders; the attacks are named as such.
    ("Fix leak in spawned task handles", ["src/task/handle.rs"], "persona-analyzer"),
    ("Directory traversal now runs in parallel for faster scans", ["crates/walk/src/lib.rs"], "persona-performance"),
    ("Prevent directory traversal attack in the static file handler", ["server/static.go"], "persona-security"),
    # A key, an input's mask and an embedded frame are UI; escaping output and an open redirect are attacks.
    ("Make the modal close when the user presses Escape", [], "persona-frontend"),
    ("Add an input mask for phone numbers in the signup form", [], "persona-frontend"),
    ("Embed the YouTube video in an iframe on the landing page", [], "persona-frontend"),
    ("Add HTML escaping to the comment renderer so user input cannot inject markup", [], "persona-security"),
    ("Fix the open redirect in the login flow", [], "persona-security"),
])
def test_homonyms_of_security_words_go_by_their_everyday_sense(task: str, files: list[str], persona: str) -> None:
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, task, files).persona == persona


@pytest.mark.parametrize(("task", "files", "not_persona"), [
    ("Review the change to the run engine", [], "persona-devops"),  # an engine, not package.json's "engines"
    ("The cache key for user sessions ignores the tenant id, so users see other tenants' data", [],
     "persona-devops"),  # a cache's key, not a CI cache's
    ("Why does triggerAndWait throw here?", ["references/hello-world/src/trigger/parallel.ts"],
     "persona-mentor"),  # a project's own folder named hello-world is no tutorial
])
def test_words_and_folders_of_a_project_are_read_in_their_own_sense(task: str, files: list[str],
                                                                    not_persona: str) -> None:
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, task, files).persona != not_persona


def test_a_migration_to_add_a_column_is_database_work() -> None:
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "Write a migration to add a status column to orders").persona == "persona-backend"


@pytest.mark.parametrize(("task", "files", "persona"), [
    ("Release the memory of the arena after each file", ["crates/allocator/src/lib.rs"], "persona-performance"),
    ("Release the v2.3.0 packages to npm", ["package.json"], "persona-devops"),
    ("Fix NPE when the bean factory is closed concurrently. The singleton lock was released before the map was "
     "cleared.", ["src/main/java/org/acme/beans/SingletonRegistry.java"], "persona-analyzer"),
])
def test_releasing_what_a_program_holds_is_no_release_of_a_version(task: str, files: list[str], persona: str) -> None:
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, task, files).persona == persona


def test_a_version_bump_is_dependency_work_whatever_the_library_is_for() -> None:
    index = Catalog.load(default_layers(user=False)).index
    bump = select(index, "Bump Lucene from 9.7.0 to 9.8.0 (#4410)", ["buildSrc/version.properties"])
    assert bump.persona == "persona-devops"
    assert any(item.trigger == "dependencies" and "Bump Lucene from 9.7.0 to 9.8.0" in item.matched
               for item in bump.evidence)


def test_a_phrase_derived_from_prose_matches_a_task_with_function_words_between_its_words() -> None:
    # "fixing a failing test" is the term "fixing failing test": "Fix the failing test" says it too.
    writer = agent("test-writer", "Writes unit tests. Use when the user asks for coverage or fixing a failing test.")
    index = SelectionIndex([writer, agent("debugger", "Finds the root cause of crashes and failing builds.")],
                           builtin_lexicon())
    for task in ("Fix the failing test in test_orders.py", "Fixing a failing test in the cart"):
        result = select(index, task, [])
        assert result.persona == "test-writer", task
        assert any(e.trigger == "fixing failing test" for e in result.evidence), task
    # Too far apart, they are not one phrase.
    far = select(index, "Fixing what is in the one failing test", [])
    assert not any(e.trigger == "fixing failing test" for e in far.evidence)


def test_a_question_about_ones_own_service_is_answered_in_its_domain() -> None:
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "Why does our Java service have long GC pauses after the heap grows past 6GB?",
                  []).persona == "persona-performance"
    # a compiler's code for an error reports a failure, as an error's name does
    assert select(index, "Fix the borrow checker error E0502 in the parser: cannot borrow self.tokens as mutable "
                         "because it is also borrowed as immutable", ["src/parser.rs"]).persona == "persona-analyzer"


def test_evidence_too_small_to_read_is_not_listed() -> None:
    index = Catalog.load(default_layers(user=False)).index
    for task, files in [("Review the upload handler @security", []),
                        ("Remove the hardcoded AWS keys from settings.py", ["app/settings.py"]),
                        ("More regex improvements", ["packages/vite/src/node/plugins/html.ts"])]:
        for found in rank(index, task, files, limit=4):
            assert found.evidence, found.name  # a persona's strongest piece is listed however small
            assert all(abs(item.weight) >= tunables.MIN_SHOWN_WEIGHT for item in found.evidence[1:]), found.evidence


def test_a_decision_told_is_architecture() -> None:
    task = "Adopt pnpm workspaces. We have to choose a package manager for the monorepo and we chose pnpm."
    assert select(Catalog.load(default_layers(user=False)).index, task, []).persona == "persona-architect"
    agents = SelectionIndex([agent("architect-reviewer", "Reviews system designs and architectural decisions."),
                             agent("build-engineer", "Builds and packages JavaScript projects.")], builtin_lexicon())
    assert select(agents, task, []).persona == "architect-reviewer"  # through the lexicon, for any catalog


def test_a_tools_name_and_a_numbers_plural_are_read_as_written() -> None:
    index = Catalog.load(default_layers(user=False)).index
    # the debug toolbar is Django's profiler, no debugging work; "the N+1s" are N+1 queries
    ranked = [c.name for c in rank(index, "The /dashboard view takes 4s and debug toolbar shows 312 queries. "
                                          "fix the N+1s", ["dashboard/views.py"], limit=3)]
    assert "persona-analyzer" not in ranked and "persona-performance" in ranked


def test_a_title_and_the_sentence_after_it_say_what_the_work_is_and_the_rest_its_background() -> None:
    task = ("Split scheduler.go into concern files. It had grown to 1,900 lines of queueing, leasing and retries in "
            "one file. The package's test files were already split by concern, but the production code was one wall.")
    index = Catalog.load(default_layers(user=False)).index
    files = ["internal/scheduler/scheduler.go", "internal/scheduler/lease.go"]
    assert select(index, task, files).persona == "persona-refactorer"


@pytest.mark.parametrize("task", ["Fix navbar",
                                  "Fix the nav bar. At lower resolutions it can cover part of the content."])
def test_the_navigation_bar_is_a_part_of_the_interface(task: str) -> None:
    assert select(Catalog.load(default_layers(user=False)).index, task, []).persona == "persona-frontend"


def test_the_body_prior_lists_the_task_words_each_persona_wrote_in_its_prose() -> None:
    def prose_persona(name: str, body: str) -> Persona:
        text = f"---\nname: {name}\ndescription: A persona of a test catalog.\n---\n# Persona: {name}\n\n{body}\n"
        return parse_persona(text, f"{name}.md").personas[0]

    index = SelectionIndex([
        prose_persona("persona-garden", "Spread compost and mulch before the seedlings go out along the trellis."),
        prose_persona("persona-kitchen", "Braise the shanks slowly, then reduce the stock to a glaze."),
    ])
    found = {c.name: c for c in rank(index, "Seedlings need mulch and compost; the braise can wait", [])}
    garden = [e for e in found["persona-garden"].evidence if e.kind == "body"]
    kitchen = [e for e in found["persona-kitchen"].evidence if e.kind == "body"]
    assert [e.matched for e in garden] == [["compost", "mulch", "seedlings"]]  # its own words only, once each
    assert [e.matched for e in kitchen] == [["braise"]]
    assert garden[0].weight > kitchen[0].weight > 0


def test_a_phrase_never_runs_from_one_sentence_into_the_next() -> None:
    index = SelectionIndex([
        persona("persona-sec", extra="activity-keywords: [response splitting]\n"),
        persona("persona-perf", keywords=["latency"], extra="activity-keywords: [improve speed]\n"),
    ])
    assert rank(index, "Guard the header writer against response splitting", [])[0].name == "persona-sec"
    assert rank(index, "Guard the header writer against HTTP response building splits", [])[0].name == "persona-sec"
    # ... but not where a sentence ends between its words, as written or with words between them
    assert rank(index, "Clean up the status response. Splitting the file comes next", []) == []
    assert rank(index, "Tidy the status-response building. Splits server.go into nine files", []) == []
    assert rank(index, "We improve nothing here.\n\nSpeed comes later", []) == []
