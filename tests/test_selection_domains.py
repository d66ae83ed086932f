"""The lexicon as a bridge: what a task is about, read from its words, files and shape, and who is about it."""

from __future__ import annotations

import pytest
from tests.test_selection_derive import LEXICON, agent

from persona_mcp.catalog import Catalog, default_layers
from persona_mcp.lexicon import Lexicon, LexiconEntry, builtin_lexicon
from persona_mcp.selection import SelectionIndex, rank, rank_candidates, read_request, select, tunables
from persona_mcp.selection.derive import Deriver
from persona_mcp.selection.domains import Found
from persona_mcp.selection.files import read_path
from persona_mcp.selection.lexical import lexical
from persona_mcp.text import stem_key

# Agents as public catalogs describe them, for the tests of where a failure's work is.
DEBUGGER = ("debugger", "Debugging specialist for errors, test failures and unexpected behavior. Use proactively when "
            "encountering any issues.")
FRONTEND_DEVELOPER = ("frontend-developer", "Use this agent when building UI components, responsive layouts and "
                      "client-side state.")

EMPTY = Found(0.0, ())


def catalog() -> SelectionIndex:
    return SelectionIndex([
        agent("qa-expert", "Use this agent when a change needs a test strategy."),
        agent("performance-engineer", "Use this agent when you need to find bottlenecks."),
        agent("debugger", "Use this agent when a crash needs a root cause."),
        agent("architect-reviewer", "Use this agent when you need to evaluate design decisions."),
    ], LEXICON)


def test_a_task_is_about_the_entries_its_words_and_files_name_and_their_domains() -> None:
    index = catalog()
    found = index.domains.read(read_request("Speed up the pytest run", ["tests/conftest.py"]))
    assert {"pytest", "testing"} <= set(found)
    assert "conftest.py" in " ".join(found["pytest"].matched) or "tests/conftest.py" in found["pytest"].matched


def test_a_persona_with_only_a_name_and_a_description_is_selected_through_the_lexicon() -> None:
    index = catalog()
    assert select(index, "The checkout is slow: reduce latency of the cart page", []).persona == "performance-engineer"
    assert select(index, "Fix the flaky fixture", ["tests/test_cart.py"]).persona == "qa-expert"
    result = select(index, "The worker crashes on start; find the root cause", [])
    assert result.persona == "debugger"
    assert any(e.kind == "lexicon" and e.trigger == "debugging" for e in result.evidence)


def test_tests_beside_the_code_they_test_count_for_less() -> None:
    index = catalog()
    only_tests = index.domains.read(read_request("change", ["tests/a_test.go"]))["testing"].strength
    beside = index.domains.read(read_request("change", ["src/a.go", "tests/a_test.go"]))["testing"].strength
    assert beside < only_tests / 2


def test_a_verb_that_opens_an_instruction_says_what_kind_of_work_it_is() -> None:
    refactoring = LexiconEntry(name="refactoring", kind="domain", terms=("refactoring",), related=(), globs=(),
                               domains=(), verbs=("extract", "remove"))
    domains = SelectionIndex([], Lexicon((*LEXICON.entries, refactoring))).domains
    opening = domains.read(read_request("Extract the retry loop of the uploader", []))
    assert opening["refactoring"].matched == ("extract",)
    assert opening["refactoring"].strength == pytest.approx(tunables.OPENING_VERB * tunables.FIRST_WORD_FACTOR)
    assert opening["refactoring"].strength < tunables.TASK_TERM * tunables.FIRST_WORD_FACTOR  # less than naming it
    assert "refactoring" in domains.read(read_request("Please remove the legacy adapter", []))
    assert "refactoring" in domains.read(read_request("KAFKA-14524: remove the legacy adapter", []))
    # The same verb elsewhere, or opening a question, says nothing of the work.
    assert "refactoring" not in domains.read(read_request("The uploader should remove partial files", []))
    assert "refactoring" not in domains.read(read_request("Remove what, exactly?", []))


def test_use_a_instead_of_b_opens_as_a_replacement_and_instead_of_alone_names_no_work() -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains
    replacing = domains.read(read_request("Use pathlib instead of os.path in the config loader", []))
    assert replacing["refactoring"].matched == ("use",)
    assert "refactoring" not in domains.read(read_request("Use pathlib in the config loader", []))
    aside = domains.read(read_request("We need integration tests that hit a real Postgres instead of mocking the "
                                      "repository", []))
    assert "refactoring" not in aside and "testing" in aside


@pytest.mark.parametrize("task", ["The CSV import is O(n^2) on large files", "Dedupe in O(n²) no more",
                                  "Sort once in O(n log n) instead of per item"])
def test_a_complexity_class_says_the_task_is_about_performance(task: str) -> None:
    assert "performance" in SelectionIndex([], builtin_lexicon()).domains.read(read_request(task, []))


@pytest.mark.parametrize(("task", "entry"), [
    ("Add a timeout to runSmokeTest", "performance"),  # a limit on waiting, not a speed
    ("Spring Boot REST service exception handling", "debugging"),  # how code handles errors, not a failure seen
    ("We held a RwLock across an await boundary", "architecture"),  # no boundary between parts of a system
])
def test_words_that_name_no_kind_of_work_alone_say_nothing_of_it(task: str, entry: str) -> None:
    assert entry not in SelectionIndex([], builtin_lexicon()).domains.read(read_request(task, []))


@pytest.mark.parametrize("task", ["The dashboard query takes 8s on big tables", "GET /api/feed p95 is 2.3s",
                                  "The product page has an LCP of 4.2s on mobile", "the spark job takes 3h",
                                  "the pandas script eats 28GB of RAM",
                                  "Why does the app take 40 seconds to start?", "Alert when p99 is above 500ms",
                                  "Memory climbs to 3 GB during the export"])
def test_a_measured_duration_or_size_says_the_task_is_about_performance(task: str) -> None:
    found = catalog().domains.read(read_request(task, []))
    assert found["performance"].strength == pytest.approx(tunables.TASK_RELATED)
    assert select(catalog(), task, []).persona == "performance-engineer"


@pytest.mark.parametrize("task", ["Remove tryCatch from combineLatest, 156k -> 221k ops/sec",
                                  "p99 on the search API went from 120ms to 900ms",
                                  "Report sizes with gzip: 30x faster"])
def test_a_measure_that_changed_names_performance_work(task: str) -> None:
    remover = agent("refactoring-specialist", "Use this agent to remove dead code.")
    index = SelectionIndex([*catalog().personas, remover], LEXICON)
    assert index.domains.read(read_request(task, []))["performance"].strength == pytest.approx(tunables.TASK_TERM)
    assert select(index, task, []).persona == "performance-engineer"


@pytest.mark.parametrize("task", ["Drain in-flight requests for up to 15 seconds", "Bump the retry count to 3",
                                  "Support Node 20 and Python 3.12"])
def test_a_number_that_measures_nothing_slow_says_nothing_of_performance(task: str) -> None:
    assert "performance" not in catalog().domains.read(read_request(task, []))


@pytest.mark.parametrize(("task", "choosing"), [
    ("dynamodb global tables vs cockroachdb for the auth service", True),
    ("postgres LISTEN/NOTIFY or just bring in kafka? 200 events a second today", True),
    ("Should the image resizing run in the upload request or in a worker?", True),
    ("When should I use inline styles vs. CSS?", False),  # a lesson: the difference is what to learn
    ("Why does the worker crash or hang on start?", False),  # a failure's story
    ("Add a retry or a timeout to the client", False),  # "or" outside a question is an instruction's
])
def test_alternatives_weighed_side_by_side_are_a_decision_about_the_system(task: str, choosing: bool) -> None:
    request = read_request(task, [])
    assert request.choosing is choosing
    found = catalog().domains.read(request)
    assert ("(alternatives weighed)" in found.get("architecture", EMPTY).matched) is choosing


@pytest.mark.parametrize("task", ["Folder structure for a Node.js project",
                                  "What is the recommended project layout for a Go service?",
                                  "How to organize a large Flask application?"])
def test_how_a_project_is_laid_out_is_architecture(task: str) -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains  # the shipped lexicon's words for it
    assert "architecture" in domains.read(read_request(task, []))


@pytest.mark.parametrize("path", ["docs/architecture/adr-010-modular-antehandler.md", "docs/RFCS/20170608_cancel.md",
                                  "design/36460-lazy-module-loading.md", "ADR-0007-event-bus.md"])
def test_a_design_record_or_proposal_is_architecture_by_its_path(path: str) -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains
    assert "architecture" in domains.read(read_request("Modular handlers", [path]))


@pytest.mark.parametrize("task", ["Add CockroachDB Backend RFD", "PEP: deferred evaluation of annotations",
                                  "Design document for the plugin loader",
                                  "Does each new service have its own database?"])  # a microservices pattern
def test_a_design_record_or_proposal_is_architecture_by_its_name(task: str) -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains
    assert "architecture" in domains.read(read_request(task, []))


@pytest.mark.parametrize(("task", "entry"), [
    ("Why do some specs pass when run alone, but fail when run as a group?", "testing"),  # order-dependent tests
    ("Source of memory increase", "performance"),
    ("Naming Classes - How to avoid calling everything a Manager?", "refactoring"),
    ("Is naming variables after their type a bad practice?", "refactoring"),
    ("Should services always return DTOs, or can they also return domain models?", "architecture"),
    ("In which layer would you recommend placing the validation logic?", "architecture"),
    ("What is recommended method of overriding dependent chart default values?", "helm"),
])
def test_how_developers_ask_about_their_tests_memory_names_and_layers(task: str, entry: str) -> None:
    assert entry in SelectionIndex([], builtin_lexicon()).domains.read(read_request(task, []))


def test_asking_for_the_fastest_way_is_a_performance_matter() -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains
    assert "performance" in domains.read(read_request("What is the fastest way to send 100,000 HTTP requests?", []))
    assert "performance" in domains.read(read_request("The most efficient way to merge two sorted lists?", []))


def test_a_process_whose_resident_set_size_grows_is_a_performance_matter() -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains
    assert "performance" in domains.read(read_request("The worker's resident set size grows all day", []))
    assert "performance" in domains.read(read_request("Why does the heap keep growing", []))


def test_passwords_kept_in_plain_text_are_a_security_matter() -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains
    assert "security" in domains.read(read_request("Passwords stored in plain text?", []))


def test_a_two_word_phrase_of_the_lexicon_reads_with_a_few_words_between() -> None:
    # "store passwords" is a security phrase; the asker writes "store user passwords", as a persona's two-word
    # phrase is read with a gap too, for a little less.
    domains = SelectionIndex([], builtin_lexicon()).domains
    gapped = domains.read(read_request("How should I store user passwords in Postgres?", []))
    assert gapped["security"].matched == ("store user passwords",)
    written = domains.read(read_request("How should I store passwords in Postgres?", []))
    assert gapped["security"].strength < written["security"].strength
    # ... within one sentence and without a preposition between: "store the key for passwords" stores the key
    assert "security" not in domains.read(read_request("Where do we store the key for passwords?", []))
    assert "security" not in domains.read(read_request("We store them. User passwords come later.", []))


@pytest.mark.parametrize("task", ["possible NPE on execution.findChilds()", "endless loop in the scheduler",
                                  "cannot borrow `*self` as immutable because it is also borrowed as mutable",
                                  "lateinit property has not been initialized", "12.go: runtime error",
                                  "Lifetime error in the tokenizer", "What killed my process and why?",
                                  "Process exit with code 0 without any explicit call to process.exit()"])
def test_how_programmers_name_a_crash_or_a_hang_is_debugging(task: str) -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains
    assert "debugging" in domains.read(read_request(task, []))


def test_a_workflow_file_is_ci_not_the_code_hosts_settings() -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains
    found = domains.read(read_request("Check pedantic lints", [".github/workflows/ci.yml"]))
    assert "ci" in found and "github" not in found and "version-control" not in found
    assert "github" in domains.read(read_request("Add an issue form", [".github/ISSUE_TEMPLATE/bug.yml"]))


def test_a_design_write_up_is_about_architecture() -> None:
    index = catalog()
    task = ("Plan caching in the runtime. Plans are immutable units of execution produced by lanes and consumed by "
            "the runtime; we want to reuse them across requests without tying them to one connection, and to make "
            "the cache key explicit so that the two authoring modes produce the same plan.")
    assert select(index, task, []).persona == "architect-reviewer"


def test_an_entry_keeps_its_strongest_personas_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tunables, "DOMAIN_POSTINGS", 2)
    personas = [agent("helper-a", "Use this agent when testing needs care."),
                agent("qa-b", "Quality."),
                agent("helper-c", "Use this agent when testing needs care."),
                agent("qa-d", "Quality.")]
    domains = SelectionIndex(personas, LEXICON).domains  # personas in name order: helper-a, helper-c, qa-b, qa-d
    kept = [persona for persona, _weight, _where in domains.personas["testing"]]
    assert kept == [2, 3]  # the two whose name says testing, not the two that mention it


def test_a_related_word_says_less_of_a_technology_than_of_a_domain() -> None:
    lexicon = Lexicon((*LEXICON.entries, LexiconEntry(name="wordpress", kind="technology", terms=("wordpress",),
                                                      related=("hooks",), globs=(), domains=())))
    index = SelectionIndex([agent("qa-expert", "Quality.")], lexicon)
    hooks = index.domains.read(read_request("Add afterCommit hooks", []))["wordpress"].strength
    flaky = index.domains.read(read_request("Add afterCommit flaky", []))["testing"].strength
    assert hooks == pytest.approx(flaky / tunables.WORK_TEXT_FACTOR * tunables.TECH_RELATED_FACTOR)  # testing is work


def test_words_that_name_the_kind_of_work_outweigh_where_its_files_are(monkeypatch: pytest.MonkeyPatch) -> None:
    lexicon = Lexicon((*LEXICON.entries, LexiconEntry(name="frontend", kind="domain", terms=("frontend",),
                                                      related=(), globs=("components/",), domains=())))
    personas = [agent("performance-engineer", "Use this agent when you need to find bottlenecks."),
                agent("frontend-developer", "Use this agent when building interfaces.")]
    task = "Reduce latency of the list"
    files = ["src/components/List.vue", "src/components/Row.vue", "src/components/Cell.vue", "src/api.ts"]
    assert select(SelectionIndex(personas, lexicon), task, files).persona == "performance-engineer"
    monkeypatch.setattr(tunables, "WORK_TEXT_FACTOR", 1.0)  # read when an index is built
    monkeypatch.setattr(tunables, "CONTEXT_FACTOR", 1.0)  # the files' frontend is where the work is done, too
    monkeypatch.setattr(tunables, "AREA_FACTOR", 1.0)  # and frontend-developer is named for it
    assert select(SelectionIndex(personas, lexicon), task, files).persona == "frontend-developer"


def test_a_task_that_opens_by_telling_of_a_bug_fixed_is_the_work_where_the_bug_was() -> None:
    index = SelectionIndex([
        agent(*DEBUGGER),
        agent(*FRONTEND_DEVELOPER),
    ], builtin_lexicon())
    assert select(index, "Fixed a bug where the dropdown closed when its scrollbar was clicked",
                  []).persona == "frontend-developer"
    assert select(index, "Find the bug that makes the dropdown close twice", []).persona == "debugger"
    assert select(index, "The app crashes with a stack trace when the dropdown opens", []).persona == "debugger"


def test_a_persona_named_for_a_broader_domain_gains_from_its_parts() -> None:
    lexicon = Lexicon((*LEXICON.entries,
                       LexiconEntry(name="devops", kind="domain", terms=("devops",), related=(), globs=(), domains=()),
                       LexiconEntry(name="ci", kind="domain", terms=("ci",), related=(),
                                    globs=(".github/workflows/",), domains=("devops",))))
    index = SelectionIndex([agent("devops-engineer", "Use this agent when CI pipelines need care."),
                            agent("automation-expert", "Use this agent when CI scripts need care.")], lexicon)
    result = select(index, "Allow backport to run on forks", [".github/workflows/backport.yml"])
    assert result.persona == "devops-engineer"


def test_a_technology_written_in_camel_case_is_found_in_tasks_and_personas() -> None:
    lexicon = Lexicon((*LEXICON.entries, LexiconEntry(name="typescript", kind="language", terms=("typescript",),
                                                      related=(), globs=(), domains=())))
    index = SelectionIndex([agent("types-helper", "Use this agent when TypeScript types need care.")], lexicon)
    assert "typescript" in index.profile("types-helper").entries
    assert "typescript" in index.domains.read(read_request("Why is TypeScript slow?", [], index.one_word_terms))


def test_docs_beside_the_code_they_document_count_for_less() -> None:
    lexicon = Lexicon((*LEXICON.entries, LexiconEntry(name="documentation", kind="domain", terms=("docs",),
                                                      related=(), globs=("docs/",), domains=())))
    index = SelectionIndex([agent("qa-expert", "Quality.")], lexicon)
    only_docs = index.domains.read(read_request("change", ["docs/a.md"]))["documentation"].strength
    beside = index.domains.read(read_request("change", ["src/a.go", "docs/a.md"]))["documentation"].strength
    assert beside < only_docs / 2


def test_a_teacher_by_name_answers_a_request_to_be_taught_before_a_specialist_who_explains_things() -> None:
    index = SelectionIndex([
        agent("friendly-tutor", "Use this agent when someone wants to understand how code works."),
        agent("postgres-expert", "Database engineer. Use this agent when explaining query plans or tuning indexes."),
    ], builtin_lexicon())
    task = "Walk me through how this service stores an order in the database"
    assert select(index, task, ["internal/store/orders.go"]).persona == "friendly-tutor"


def test_without_a_teacher_a_request_to_be_taught_goes_to_the_persona_of_its_subject() -> None:
    personas = [
        agent("performance-engineer", "Performance strategy. Use this agent for bottlenecks and mentoring engineers."),
        agent("security-auditor", "Use this agent for security reviews of authentication and tokens."),
    ]
    task = "Walk me through how JWT access tokens and refresh tokens work together"
    index = SelectionIndex(personas, builtin_lexicon())
    assert not index.domains.teaches
    assert select(index, task, []).persona == "security-auditor"
    # ... while a catalog with a teacher sends it to the teacher.
    tutor = agent("code-tutor", "Use this agent when someone wants to learn how code works.")
    with_tutor = SelectionIndex([*personas, tutor], builtin_lexicon())
    assert with_tutor.domains.teaches
    assert select(with_tutor, task, []).persona == "code-tutor"


def test_without_a_teacher_the_words_of_a_lesson_say_nothing_for_a_persona_that_mentions_mentoring() -> None:
    index = SelectionIndex([
        agent("tech-lead", "Use this agent for code quality, architectural guidance and mentoring."),
        agent("database-architect", "Use this agent to design database schemas."),
    ], builtin_lexicon())
    task = "What is the difference between LEFT JOIN and INNER JOIN?"
    assert select(index, task, []).persona == "database-architect"


def test_a_word_that_names_a_tool_and_relates_to_a_domain_says_both() -> None:
    tables = lexical(builtin_lexicon())
    assert tables.readings[stem_key("javadoc")] == (("api-doc-tools", False), ("documentation", True))
    index = SelectionIndex([agent("technical-writer", "Use this agent for documentation."),
                            agent("api-designer", "Use this agent to design REST APIs.")], builtin_lexicon())
    task, files = "Javadoc improvements across the whole API", ["api/src/main/java/Account.java"]
    assert index.domains.read(read_request(task, files))["documentation"].strength >= tunables.TASK_RELATED
    assert select(index, task, files).persona == "technical-writer"


def test_a_camel_cased_identifier_that_is_a_related_word_stays_one_word() -> None:
    index = SelectionIndex([agent("react-specialist", "Use this agent for React hooks.")], builtin_lexicon())
    found = index.domains.read(read_request("Why does my useEffect fire twice?", [], index.one_word_terms))
    assert "useEffect" in found["react"].matched or "useeffect" in found["react"].matched


def test_a_request_to_be_taught_is_about_learning_in_full_whatever_files_it_names() -> None:
    index = SelectionIndex([agent("code-tutor", "Use this agent when someone wants to learn.")], builtin_lexicon())
    task = "I'm new to Go - what does defer do in this function?"
    alone = index.domains.read(read_request(task, []))["learning"].strength
    with_files = index.domains.read(read_request(task, ["cmd/tool/main.go"]))["learning"].strength
    assert with_files == alone


def test_devsecops_is_security_work_done_in_pipelines_not_all_of_devops() -> None:
    index = SelectionIndex([
        agent("devops-engineer", "Handles CI/CD pipelines, infrastructure as code and deployments."),
        agent("devsecops-engineer", "Brings automated scanning and compliance checks into CI/CD pipelines."),
    ], builtin_lexicon())
    ci = {c.name: c.score for c in rank_candidates(index, "Run the CI workflow on every push to main", [])}
    assert ci["devops-engineer"] > ci.get("devsecops-engineer", 0.0)  # more than a tie broken by the name
    assert select(index, "Add dependency vulnerability scanning to the CI pipeline", []).persona == "devsecops-engineer"


@pytest.mark.parametrize(("task", "entry"), [
    ("Improve coordination between the agents", "maps"),  # not map coordinates
    ("Add fine-grained permissions to the admin API", "config-management"),  # not Salt's grains
    ("Derive Debug for the config struct", "nix"),  # Rust's derive, not a Nix derivation
    ("Partially addresses the flaky upload", "template-engines"),  # not template partials
    ("Improve ease of use of the CLI", "animation-libraries"),  # not an easing curve
    ("Take a random sample of the rows", "opentelemetry"),  # not trace sampling
    ("Use the net/http client with timeouts", "dotnet"),  # Go's net package, not .NET
])
def test_a_word_that_only_shares_a_stem_with_a_term_names_nothing(task: str, entry: str) -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains
    assert entry not in domains.read(read_request(task, []))


@pytest.mark.parametrize("task", ["Port the service to .NET 8", "Add ASP.NET Core health checks",
                                  "Upgrade the VB.NET forms"])
def test_dot_net_is_one_name(task: str) -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains
    assert "dotnet" in domains.read(read_request(task, []))


def test_a_persona_that_does_basic_work_is_no_teacher_of_the_basics() -> None:
    deriver = Deriver(builtin_lexicon())
    worker = deriver.derive(agent("laravel-dev", "Laravel developer for everything from basic CRUD to complex "
                                                 "enterprise features."))
    teacher = deriver.derive(agent("tutor", "Teaches the basics of programming to newcomers."))
    assert "learning" not in worker.entries and "learning" in teacher.entries


@pytest.mark.parametrize("task", [
    "Parse the HTTP header with a regex",  # not Objective-C's headers, not Perl
    "Remove the implicit reactive() call on the render context",  # not Scala's implicits
    "Stream the response and defer closing the file",  # not Dart's streams, not Go's defer
    "Add a decorator that checks the ownership of the pointer",  # not Python, Rust or C by these words alone
])
def test_common_words_of_programming_do_not_name_a_language(task: str) -> None:
    lexicon = builtin_lexicon()
    index = SelectionIndex([agent("helper", "Helps.")], lexicon)
    languages = {entry.name for entry in lexicon.entries if entry.kind == "language"}
    assert not languages & set(index.domains.read(read_request(task, [])))


@pytest.mark.parametrize(("task", "name"), [
    ("Allow better type-safety for custom types via the internal type map", "refactoring"),  # internal to what
    ("Avoid a phantom changeset for an inline embeddable", "refactoring"),  # inline is the refactoring's verb only
    ("Of course the build fails on Windows", "learning"),  # no course taken
    ("Add an introduction to the README", "learning"),  # a part of the docs
    ("Show each course's enrolments on the dashboard", "learning"),  # a learning platform's own records
])
def test_words_of_general_use_say_nothing_of_a_kind_of_work(task: str, name: str) -> None:
    index = SelectionIndex([agent("helper", "Helps.")], builtin_lexicon())
    assert name not in index.domains.read(read_request(task, []))


def test_a_folder_says_less_of_a_test_or_a_doc_that_sits_in_it() -> None:
    index = SelectionIndex([agent("helper", "Helps.")], builtin_lexicon())

    def claims(path: str) -> dict[str, float]:
        return index.domains.read_files([index.globs.matching(read_path(path))]).claims[0]

    assert claims("src/components/Banner.vue")["frontend"] == 1.0
    doc = claims("docs/theme/components/Banner.vue")
    assert doc["documentation"] == 1.0 and doc["frontend"] == tunables.KIND_FOLDER_FACTOR
    assert doc["vue"] == claims("src/components/Banner.vue")["vue"]  # its extension names a kind of file: unchanged
    assert claims("pkg/api/client.go")["api"] == 1.0
    assert claims("tests/api/client_test.go")["api"] == tunables.KIND_FOLDER_FACTOR
    # Documentation is prose: a source file in a docs folder (the docs site's server) is code there.
    assert claims("docs/guide/intro.md")["documentation"] == 1.0
    assert claims("packages/docs/server.js")["documentation"] == tunables.KIND_FOLDER_FACTOR
    writers = SelectionIndex([agent("documentation-engineer", "Use this agent to write documentation."),
                              agent("security-auditor", "Use this agent for security reviews.")], builtin_lexicon())
    assert select(writers, "Fix reflected URL xss", ["packages/docs/server.js"]).persona == "security-auditor"


def test_a_persona_about_one_language_says_less_of_a_change_in_another() -> None:
    index = SelectionIndex([
        agent("ruby-pro", "Use PROACTIVELY for Ruby refactoring and performance work."),
        agent("legacy-modernizer", "Use this agent when old code needs refactoring."),
    ], builtin_lexicon())
    task = "Refactor the request parser"

    def score(files: list[str], text: str = task) -> float:
        return {c.name: c.score for c in rank(index, text, files)}["ruby-pro"]

    alone = score([])
    in_javascript = score(["lib/parser.js", "lib/server.js", "package.json"])
    assert in_javascript < 0.75 * alone  # about half (`LANGUAGE_MISMATCH_FACTOR`)
    assert in_javascript == pytest.approx(alone * tunables.LANGUAGE_MISMATCH_FACTOR, abs=1e-3)
    assert score(["lib/parser.rb", "lib/server.rb"]) >= alone
    result = select(index, task, ["lib/parser.js"], top_k=2)
    assert result.persona == "legacy-modernizer"
    against = [e for e in rank(index, task, ["lib/parser.js"])[1].evidence if e.kind == "negative"]
    assert against and against[0].trigger == "a ruby persona" and against[0].matched[0] == "code in javascript"
    assert against[0].weight < 0
    # Files that sit beside any stack's code (data, markup) say nothing of the language, nor does a task
    # that names the persona's language.
    assert score(["config/settings.yml", "README.md"]) == pytest.approx(alone, abs=1e-3)
    assert score(["lib/parser.js"], "Refactor the Ruby request parser") > in_javascript


def test_a_generalist_of_a_language_gives_way_to_the_persona_of_the_work() -> None:
    # typescript-pro would fit every TypeScript task; the debugger is about this one.
    index = SelectionIndex([
        agent("typescript-pro", "Use PROACTIVELY for TypeScript code, types and debugging."),
        agent("debugger", "Use this agent when debugging a crash."),
        agent("typescript-migration-planner", "Plans moves of JavaScript projects to TypeScript."),
    ], builtin_lexicon())
    assert {index.short_names[p] for p in index.generalists} == {"typescript-pro"}  # its name says only that
    files = ["src/parser.ts", "src/lexer.ts"]
    ranked = rank(index, "Debug the crash in the parser", files)
    assert ranked[0].name == "debugger"
    generalist = next(c for c in ranked if c.name == "typescript-pro")
    against = [e for e in generalist.evidence if e.kind == "negative"]
    assert against and against[0].matched == ["a name that says only the language"] and against[0].weight < 0
    # With nothing else to go on it is still chosen, and asked for by name it keeps all its evidence.
    alone = SelectionIndex([index.personas[index.position["typescript-pro"]],
                            index.personas[index.position["debugger"]]], builtin_lexicon())
    assert select(alone, "Tidy the types of the parser", files).persona == "typescript-pro"
    named = {c.name: c.score for c in rank(index, "Debug the crash in the parser @typescript-pro", files)}
    assert named["typescript-pro"] > named["debugger"]


def test_a_generalist_keeps_less_where_only_the_files_say_its_language() -> None:
    # A .ts change says nothing of the work ("Add strict option for the trie router" is a router's); a task whose
    # words name the language asks about it ("... the TypeScript router types").
    index = SelectionIndex([
        agent("typescript-pro", "Use PROACTIVELY for TypeScript code: types, generics and module resolution."),
        agent("backend-developer", "Builds server-side services in Node.js and Go."),
    ], builtin_lexicon())

    def kept(task: str) -> float:
        generalist = next(c for c in rank(index, task, ["src/router/trie-router.ts"]) if c.name == "typescript-pro")
        against = sum(e.weight for e in generalist.evidence if e.kind == "negative")
        return generalist.score / (generalist.score - against)

    assert kept("Add strict option for the trie router") == pytest.approx(tunables.GENERALIST_UNNAMED_FACTOR)
    assert kept("Add a strict option to the TypeScript router types") == pytest.approx(tunables.GENERALIST_FACTOR)
    assert tunables.GENERALIST_UNNAMED_FACTOR < tunables.GENERALIST_FACTOR


# Agents of a foreign catalog that say only their role, as many public collections' agents do.
ROLES = {
    "technical-writer": "Use this agent for documentation work.",
    "backend-developer": "Use this agent for server code and APIs.",
    "performance-engineer": "Use this agent for performance work.",
    "test-automator": "Use this agent for testing work.",
    "refactoring-specialist": "Use this agent for refactoring work.",
    "security-auditor": "Use this agent for security reviews.",
    "frontend-developer": "Use this agent for UI components, forms and styling.",
    "data-engineer": "Use this agent for data pipelines.",
}


def role_catalog(*names: str) -> SelectionIndex:
    return SelectionIndex([agent(name, ROLES[name]) for name in names], builtin_lexicon())


def described(*agents: tuple[str, str]) -> SelectionIndex:
    """A catalog of agents, each a name and its description, with the shipped lexicon."""
    return SelectionIndex([agent(name, description) for name, description in agents], builtin_lexicon())


def test_an_opening_verb_says_what_kind_of_work_a_change_is() -> None:
    index = role_catalog("technical-writer", "backend-developer", "performance-engineer", "test-automator",
                         "refactoring-specialist", "security-auditor", "frontend-developer")
    for task, expected in [("Clean lib util", "refactoring-specialist"),
                           ("Validate limit() in the query builders", "security-auditor"),
                           ("Note the output/input asymmetry of VariantCreateInput", "technical-writer"),
                           ("Clarify the retry limit of the client", "technical-writer"),
                           ("Reuse the read buffers across requests", "performance-engineer"),
                           ("Cover the parser of postfixed paths", "test-automator"),
                           ("Migrate the callbacks to async/await", "refactoring-specialist"),
                           ("Audit the session handling", "security-auditor"),
                           ("Deleted the `createWidget` utility function", "refactoring-specialist")]:
        assert rank(index, task, ["src/types.ts"])[0].name == expected, task
    # A verb is one piece of evidence: a form's field is validated in a component.
    assert rank(index, "Validate the email field of the signup form", ["src/components/SignupForm.vue"])[0].name \
        == "frontend-developer"
    # Only as the task's opening word: elsewhere the same word is any other word.
    assert "documentation" not in index.domains.read(read_request("Add a note field to the order form", []))


def test_a_change_with_no_files_is_read_from_the_vocabulary_of_its_domain() -> None:
    # A changelog line names no files: HTTP headers say server work, a component's parts UI work,
    # and "description of" a docs change.
    index = role_catalog("technical-writer", "backend-developer", "frontend-developer", "data-engineer")
    for task, expected in [("Strip `transfer-encoding` header from proxied response", "backend-developer"),
                           ("Correctly set `x-forwarded-*` headers", "backend-developer"),
                           ("[el-autocomplete] fix popper position", "frontend-developer"),
                           ("Fix description of `handleCors`'s return value", "technical-writer"),
                           ("Add more info on the acknowledged flag", "technical-writer"),
                           ("Animate route changes with view transitions", "frontend-developer")]:
        assert rank(index, task, [])[0].name == expected, task


def test_efficiency_is_performance_work_and_a_workflow_that_runs_checks_is_ci() -> None:
    # "More efficient" says a change makes something cost less; a testing or lint workflow is the pipeline's.
    index = described(("performance-engineer", "Use this agent for performance work."),
                      ("devops-engineer", "Use this agent for CI/CD pipelines and deployments."),
                      ("test-automator", "Use this agent for testing work."),
                      ("code-reviewer", "Use this agent to review code quality and lint findings."),
                      ("backend-developer", "Use this agent for server code and APIs."))
    for task, expected in [("More efficient number parsing", "performance-engineer"),
                           ("Parse headers efficiently", "performance-engineer"),
                           ("Add gzip compression to the API", "performance-engineer"),
                           ("Avoid reallocs by pre-sizing some slices", "performance-engineer"),  # Go's and Rust's
                           ("preallocate result slices in Difference", "performance-engineer"),
                           ("Add testing workflow", "devops-engineer"),
                           ("Add lint workflow for pushes to main", "devops-engineer"),
                           ("Check formatting on every pull request", "devops-engineer")]:
        assert rank(index, task, [])[0].name == expected, task


def test_an_android_screen_is_ui_work_and_kotlin_alone_is_no_mobile_app() -> None:
    # An Activity or a Fragment is a screen of an Android app; mobile apps are client work, as the frontend's is.
    index = role_catalog("backend-developer", "frontend-developer", "refactoring-specialist")
    screen = "app/src/main/java/org/example/events/EventDetailsFragment.kt"
    assert rank(index, "Open search results in new activity", [screen])[0].name == "frontend-developer"
    assert "mobile" in index.domains.read(read_request("Open the details", [screen]))
    server = "exposed-core/src/main/kotlin/org/example/sql/Upsert.kt"  # Kotlin is server code as often
    assert "mobile" not in index.domains.read(read_request("Quote the where clause of upserts", [server]))
    entity = "backend/src/main/java/com/acme/fitness/WorkoutActivity.java"  # an entity named for an activity
    found = index.domains.read(read_request("Persist workouts to Postgres", [entity]))
    assert entity not in found.get("android-sdk", EMPTY).matched  # no glob claims it (its word "activity" relates)


def test_an_architect_named_for_a_technology_is_less_of_a_fit_for_a_design_that_never_names_it() -> None:
    index = described(("api-architect", "Use this agent to design APIs and their contracts."),
                      ("react-component-architect", "Use this agent for React component architecture, rendering "
                       "performance and refactoring."),
                      ("vue-component-architect", "Use this agent for Vue component architecture, rendering "
                       "performance and refactoring."))
    design = ("Remove the runtime. This RFC proposes to remove the runtime system from the standard library, which "
              "today lets code run on either green or native threads, and to move what is left into crates.")
    assert rank(index, design, [])[0].name == "api-architect"
    react = ("Server components in React. Components that render only on the server would let an app read its data"
             " where it lives and send the browser less code; this proposal sets out how they compose with the rest.")
    assert rank(index, react, [])[0].name == "react-component-architect"


def test_a_name_changed_is_refactoring() -> None:
    index = role_catalog("technical-writer", "backend-developer", "frontend-developer", "refactoring-specialist")
    for task in ["`_findTarget` is now called `findControl` and returns the control", "Helpers renamed to utilities"]:
        assert rank(index, task, [])[0].name == "refactoring-specialist", task


def test_a_code_reviewer_is_no_version_control_or_lint_expert_by_its_name() -> None:
    # Reviewing code is its own work: the name claims neither git workflows nor linting.
    index = described(("code-reviewer", "Use this agent to review code changes for quality."),
                      ("git-workflow-manager", "Use this agent for branching strategies and merges."),
                      ("dx-optimizer", "Use this agent for developer tooling and linters."))
    assert not index.domains.read(read_request("code review", [])).keys() & {"version-control", "code-quality"}
    assert rank(index, "Fix running eslint on Windows", ["script/lint.js"])[0].name == "dx-optimizer"


def test_accessibility_named_is_the_work_and_a_frontend_persona_stays_one_of_the_ui() -> None:
    index = described(("frontend-developer", "Use this agent for UI components, forms and styling."),
                      ("accessibility-tester", "Use this agent for accessibility audits and fixes."))
    task = "Screen readers don't announce the cart count update; fix the accessibility of the header"
    assert rank(index, task, ["web/src/components/Header.tsx"])[0].name == "accessibility-tester"
    assert index.domains.area == {index.position["frontend-developer"]}  # a persona of a place all the same


def test_a_question_that_reports_a_symptom_of_ones_own_names_its_work_and_the_places_only_locate_it() -> None:
    index = described(("api-designer", "Use this agent to design REST and GraphQL APIs."),
                      ("performance-engineer", "Use this agent for performance work."))
    task = "Why is /api/orders so slow? It takes 4 s with 10k orders; I suspect N+1 queries in the serializer"
    assert rank(index, task, ["shop/api/serializers.py"])[0].name == "performance-engineer"
    # ... while a how-to is about the place it names
    assert rank(index, "How do I version the API?", ["shop/api/urls.py"])[0].name == "api-designer"


def test_a_verb_of_code_work_says_less_of_a_change_without_code() -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains
    task = "Remove the stale issues job"

    def refactoring(files: list[str]) -> float:
        found = domains.read(read_request(task, files))
        return found["refactoring"].strength if "refactoring" in found else 0.0

    in_code = refactoring(["src/jobs/stale.py"])
    assert in_code == pytest.approx(refactoring([]))
    without_code = refactoring([".github/workflows/stale.yml"])
    assert 0 < without_code < 0.5 * in_code  # about a third (`VERB_WITHOUT_CODE`)
    assert without_code == pytest.approx(in_code * tunables.VERB_WITHOUT_CODE)
    assert refactoring([".github/workflows/stale.yml", "scripts/stale.ts"]) == pytest.approx(in_code)


def test_a_phrase_that_names_an_entry_takes_its_words_from_their_other_senses() -> None:
    tables = SelectionIndex([], builtin_lexicon()).domains.tables
    assert tables is not None

    def taken(task: str) -> list[str]:
        request = read_request(task, [])
        return sorted(" ".join(request.words[start:end]) for start, end in tables.other_senses(request.stems))

    assert taken("What is dependency injection good for?") == ["dependency", "injection"]
    assert taken("Fix the SQL injection in the search endpoint") == ["sql"]  # the injection, not SQL work
    # A related phrase is looser and takes nothing: a bundle's size is the build's word too.
    assert taken("Reduce the bundle size") == []
    # A tool's name keeps the technology it names: Python's unittest is Python, the AWS CLI is AWS.
    assert taken("Port the python unittest suite") == []
    assert taken("Script it with the aws cli") == ["cli"]
    # ... beside a name of a thing of its own: "json" of "JSON Web Token" is a word of one longer name.
    assert taken("Invalidating JSON Web Tokens") == ["json"]
    # ... but only a name: "chart" in "Helm chart" is no chart library's chart, though one relates to it.
    assert taken("Add a Helm chart for the worker service") == ["chart"]
    assert taken("Changing testing process from Travis CI to GitHub Actions") == []  # CI: Travis CI's domain
    assert taken("CSS modules now default to exporting class names as-is") == []  # CSS: in the same domain
    # A transaction's or a migration's rollback is the database's, not a deployment's.
    assert taken("Do not reject the promise on transaction rollback") == ["rollback"]
    assert taken("Fix the order of migration rollback") == ["rollback"]
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "What is dependency injection good for?", []).persona == "persona-mentor"
    assert select(index, "Fix the SQL injection in the search endpoint", []).persona == "persona-security"
    assert select(index, "Do not reject the promise on transaction rollback", []).persona == "persona-backend"


def test_an_opening_verb_says_less_when_the_task_names_another_kind_of_work() -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains

    def refactoring(task: str) -> float:
        found = domains.read(read_request(task, ["src/context.ts"]))
        return found["refactoring"].strength if "refactoring" in found else 0.0

    plain = refactoring("Change the wrapper of context")
    assert plain > 0
    assert refactoring("Change jsdoc of context") == pytest.approx(plain * tunables.VERB_OTHER_WORK)
    # A word of code names a thing, not the work; the verb's own kind of work named again leaves it whole.
    assert refactoring("Change `testContext` of context") == pytest.approx(plain)
    assert refactoring("Change the wrapper of context, a refactoring") >= plain

    index = SelectionIndex([
        agent("refactorer", "Use this agent for code cleanup and restructuring."),
        agent("code-documenter", "Use this agent to write JSDoc comments and docstrings."),
        agent("test-automator", "Use this agent to write and maintain test suites."),
    ], builtin_lexicon())
    assert select(index, "Change jsdoc of context", ["src/context.ts"]).persona == "code-documenter"
    assert select(index, "Change the wrapper of context", ["src/context.ts"]).persona == "refactorer"


def test_the_words_of_a_change_made_only_of_ci_files_say_what_the_pipeline_runs() -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains
    task = "Run tests on commits to master and next"

    def testing(files: list[str]) -> float:
        return domains.read(read_request(task, files))["testing"].strength

    in_code = testing(["src/runner.py"])
    assert testing([".github/workflows/tests.yml"]) == pytest.approx(in_code * tunables.PIPELINE_WORK_FACTOR)
    assert testing([".github/workflows/tests.yml", "src/runner.py"]) == pytest.approx(in_code)

    index = SelectionIndex([
        agent("qa-expert", "Use this agent when a change needs a test strategy."),
        agent("devops-engineer", "Use this agent for CI pipelines and deployments."),
    ], builtin_lexicon())
    assert select(index, task, [".github/workflows/tests.yml"]).persona == "devops-engineer"
    assert select(index, task, ["src/runner.py"]).persona == "qa-expert"


@pytest.mark.parametrize(("loose", "named", "name"), [
    # "dependencies" are as often a graph's or an effect's as a package manager's.
    ("Prune effects without dependencies", "Prune effects without a lockfile", "dependencies"),
    # "mobile" is as often a phone's browser as a native app.
    ("The menu breaks on mobile", "The menu breaks on android", "mobile"),
])
def test_a_word_used_in_other_senses_only_relates_to_its_entry(loose: str, named: str, name: str) -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains

    def strength(task: str) -> float:
        return domains.read(read_request(task, []))[name].strength

    assert strength(loose) == pytest.approx(tunables.TASK_RELATED / tunables.TASK_TERM * strength(named))


def test_where_work_is_done_counts_less_than_the_work_it_names(monkeypatch: pytest.MonkeyPatch) -> None:
    index = SelectionIndex([
        agent("api-designer", "Use this agent when you design REST API endpoints."),
        agent("debugger", "Use this agent when a crash or a bug needs a root cause."),
    ], builtin_lexicon())
    task = "The checkout endpoint crashes since the upgrade; track down the bug"
    damped = index.domains.read(read_request(task, [], index.one_word_terms))
    monkeypatch.setattr(tunables, "CONTEXT_FACTOR", 1.0)
    whole = index.domains.read(read_request(task, [], index.one_word_terms))
    assert damped["api"].strength == pytest.approx(whole["api"].strength * 0.5)
    assert damped["debugging"].strength == whole["debugging"].strength  # the work itself keeps its strength
    monkeypatch.undo()
    assert select(index, task, []).persona == "debugger"
    # A question that weighs a choice in the asker's own work is that work, wherever it is done.
    choice = "Our checkout endpoint keeps crashing: should we track down the bug or roll back the release?"
    assert read_request(choice, []).deciding
    assert index.domains.read(read_request(choice, [], index.one_word_terms))["api"].strength == pytest.approx(
        whole_strength(index, choice, monkeypatch) * tunables.CONTEXT_FACTOR)
    # ... and so is one that reports a failure of the asker's own ("how do I stop Y from crashing?" is debugging).
    crashing = "How do I stop the checkout endpoint from crashing?"
    assert index.domains.read(read_request(crashing, [], index.one_word_terms))["api"].strength == pytest.approx(
        whole_strength(index, crashing, monkeypatch) * tunables.CONTEXT_FACTOR)
    # Without a word of work, the endpoint is what the task is about; a how-to is about what it names.
    for other in ("Add a checkout endpoint with pagination", "How do I add pagination to the checkout endpoint?"):
        found = index.domains.read(read_request(other, [], index.one_word_terms))
        monkeypatch.setattr(tunables, "CONTEXT_FACTOR", 1.0)
        assert index.domains.read(read_request(other, [], index.one_word_terms))["api"] == found["api"]
        monkeypatch.undo()


def whole_strength(index: SelectionIndex, task: str, monkeypatch: pytest.MonkeyPatch) -> float:
    """The API's strength in a task read without `CONTEXT_FACTOR`."""
    with monkeypatch.context() as patched:
        patched.setattr(tunables, "CONTEXT_FACTOR", 1.0)
        return index.domains.read(read_request(task, [], index.one_word_terms))["api"].strength


def test_what_a_request_to_be_taught_names_is_the_lessons_subject(monkeypatch: pytest.MonkeyPatch) -> None:
    index = SelectionIndex([agent("django-developer", "Use this agent when you build Django apps."),
                            agent("code-tutor", "Use this agent when someone wants to learn.")], builtin_lexicon())
    task = "Help me understand conceptually how the Django ORM builds its queries"
    assert read_request(task, [], index.one_word_terms).teaching
    lesson = index.domains.read(read_request(task, [], index.one_word_terms))
    monkeypatch.setattr(tunables, "LESSON_CONTEXT_FACTOR", 1.0)
    whole = index.domains.read(read_request(task, [], index.one_word_terms))
    assert lesson["django"].strength == pytest.approx(whole["django"].strength * 0.3)
    assert lesson["learning"].strength == whole["learning"].strength


def test_personas_named_for_where_work_is_done_are_told_from_those_named_for_the_work() -> None:
    index = SelectionIndex([
        agent("backend-developer", "Use this agent when you build server-side APIs."),
        agent("react-specialist", "Use this agent when you build React apps."),
        agent("debugger", "Use this agent when a crash or a bug needs a root cause."),
        agent("devops-engineer", "Use this agent when you set up CI/CD pipelines."),  # its name takes in CI work
        agent("deployment-engineer", "Use this agent for releases and rollouts."),  # deploying is work too
    ], builtin_lexicon())
    assert {index.names[p] for p in index.domains.area} == {"backend-developer", "react-specialist"}
    builtin = Catalog.load(default_layers(user=False)).index
    assert {builtin.names[p] for p in builtin.domains.area} == {"persona-backend", "persona-frontend"}


def test_a_persona_named_for_where_work_is_done_says_less_of_a_task_that_names_the_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    index = SelectionIndex([
        agent("backend-developer", "Use this agent when you build server-side APIs and endpoints."),
        agent("debugger", "Use this agent when a bug needs a root cause."),
    ], builtin_lexicon())

    def scores(task: str) -> dict[str, float]:
        return {candidate.name: candidate.score for candidate in rank(index, task, [])}

    task = "The orders API endpoint returns stale totals since Tuesday; find the bug"
    plain = "Add an orders API endpoint with pagination"  # no work named: the API is what the task is about
    kept, kept_plain, factor = scores(task), scores(plain), tunables.AREA_FACTOR
    monkeypatch.setattr(tunables, "AREA_FACTOR", 1.0)
    whole, whole_plain = scores(task), scores(plain)
    assert kept["backend-developer"] == pytest.approx(whole["backend-developer"] * factor, abs=1e-3)
    assert kept["debugger"] == whole["debugger"]
    assert kept_plain == whole_plain
    # Without a persona named for the work, the place's persona keeps all of it: the crash is the backend's.
    monkeypatch.setattr(tunables, "AREA_FACTOR", factor)
    alone = SelectionIndex([agent("backend-developer", "Use this agent when you build server-side APIs and endpoints."),
                            agent("code-reviewer", "Use this agent to review code for bugs and style.")],
                           builtin_lexicon())
    assert "debugging" not in alone.domains.named_work and "debugging" in index.domains.named_work
    ranked = {candidate.name: candidate for candidate in rank(alone, task, [])}
    assert not any(item.kind == "negative" for item in ranked["backend-developer"].evidence)


def test_the_lexicon_says_more_for_a_persona_found_only_through_its_own_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def lexicon_evidence() -> dict[str, float]:
        index = SelectionIndex([
            agent("debugger", "Use this agent when a crash needs a root cause."),
            agent("bug-hunter", "Finds bugs.", extra="trigger-keywords:\n- stack trace\n"),  # declared
        ], builtin_lexicon())
        return {candidate.name: sum(item.weight for item in candidate.evidence if item.kind == "lexicon")
                for candidate in rank(index, "Find the root cause of the crash", [])}

    before = lexicon_evidence()
    monkeypatch.setattr(tunables, "DERIVED_DOMAIN_WEIGHT", 2 * tunables.DERIVED_DOMAIN_WEIGHT)
    after = lexicon_evidence()
    assert after["debugger"] == pytest.approx(2 * before["debugger"], rel=0.02)
    assert after["bug-hunter"] == pytest.approx(before["bug-hunter"])


def test_a_design_record_in_a_docs_folder_is_first_of_all_a_design_record() -> None:
    index = SelectionIndex([
        agent("technical-writer", "Use this agent to write documentation, guides and READMEs."),
        agent("architect-reviewer", "Use this agent to review architecture and design decisions."),
    ], builtin_lexicon())
    task = "Query cancellation. This feature adds the ability to cancel an in-progress query with a new statement."
    assert select(index, task, ["docs/RFCS/20170608_query_cancellation.md"]).persona == "architect-reviewer"
    assert select(index, "Update the install guide", ["docs/install.md"]).persona == "technical-writer"
    assert select(index, "Fix typos in the guide", ["docs/adr/0007-event-bus.md"]).persona == "technical-writer"


def test_a_bump_that_fixes_a_named_advisory_is_security_work() -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains
    task = "Bump java-jwt to 3.19.3. Updates to v3.19.3 of java-jwt which includes fix for CVE-2022-42003."
    assert read_request(task, []).advisory == "CVE-2022-42003"
    assert domains.read(read_request(task, ["build.gradle"]))["security"].matched[-1] == "CVE-2022-42003"
    assert read_request("Bump netty from 4.1.100 to 4.1.106", []).advisory == ""
    assert read_request("See GHSA-5j4c-8p2g-v4jx for details", []).advisory == "GHSA-5j4c-8p2g-v4jx"


def test_stack_traces_sent_to_clients_are_a_disclosure_and_a_drained_battery_is_performance() -> None:
    domains = SelectionIndex([], builtin_lexicon()).domains
    disclosure = domains.read(read_request("Our API returns stack traces to clients in production, stop that", []))
    assert "security" in disclosure and "debugging" not in disclosure
    assert "debugging" in domains.read(read_request("Print the stack trace when the worker crashes", []))
    assert "performance" in domains.read(read_request("The app drains the battery in the background", []))


def test_a_bug_fixed_is_told_of_not_debugging_named() -> None:
    # "Fixed a bug in <sl-select> where ..." fixes a component: a bug is a sign that something is wrong, not the work
    # named (a component library's fixes went to a catalog's debugger for the word alone); a crash is debugging's.
    domains = SelectionIndex([], builtin_lexicon()).domains
    assert "debugging" not in domains.read(read_request("Fixed a bug in the dropdown menu layout", []))
    assert "debugging" in domains.read(read_request("Fixed a crash in the dropdown menu layout", []))


def test_duplicated_code_is_refactoring_and_a_duplicate_event_is_not() -> None:
    # "duplication" and "duplicate" share a stem: only the phrases say that code is written twice
    domains = SelectionIndex([], builtin_lexicon()).domains
    for task in ("Reduce duplication in the parser", "Remove the duplicated code of the two exporters"):
        assert "refactoring" in domains.read(read_request(task, [])), task
    for task in ("Ignore duplicate trailer completions", "Duplicate webhook event sent for each retry"):
        assert "refactoring" not in domains.read(read_request(task, [])), task


def test_a_failure_told_of_is_the_work_where_it_failed() -> None:
    # "not working", "is broken", "fails", "a bug": that something is wrong, which every kind of work has; where it
    # is wrong says what work mends it. Debugging is named by its own words: a crash, a stack trace, a root cause.
    index = SelectionIndex([
        agent(*DEBUGGER),
        agent("devops-engineer", "Use this agent for CI/CD pipelines, Jenkins and GitHub Actions workflows."),
        agent(*FRONTEND_DEVELOPER),
    ], builtin_lexicon())
    for task in ("SSHAgent not working in Jenkins", "The GitHub Actions release workflow is broken",
                 "Nightly Jenkins build fails"):
        assert select(index, task, []).persona == "devops-engineer", task
    for task in ("Position sticky failing on a flexbox element in the sidebar component",
                 "The sidebar component does not update when its state changes"):
        assert select(index, task, []).persona == "frontend-developer", task
    assert select(index, "Jenkins agent crashes with a stack trace, find the root cause", []).persona == "debugger"


def test_code_review_is_a_kind_of_work_that_a_reviewer_is_named_for() -> None:
    # A code reviewer is in most public catalogs; "reviewer" alone names nothing, so an architecture reviewer
    # stays a persona of architecture.
    index = SelectionIndex([
        agent("code-reviewer", "Use this agent when you need to conduct code reviews of quality and correctness."),
        agent("architect-reviewer", "Use this agent when you need to evaluate system design decisions."),
        agent("backend-developer", "Use this agent when building server-side APIs and services."),
        agent("security-auditor", "Use this agent when you need vulnerability analysis of code."),
    ], builtin_lexicon())
    assert select(index, "Do a code review of src/auth/session.ts", []).persona == "code-reviewer"
    assert select(index, "Can you review my changes to the payment service before I merge?", []).persona \
        == "code-reviewer"
    assert select(index, "Review the architecture of the billing service", []).persona == "architect-reviewer"
    assert select(index, "Review the login handler for SQL injection", []).persona == "security-auditor"


def test_containerising_is_work_wherever_it_is_done() -> None:
    # "a Dockerfile for this Flask app" is container work on a Flask app: the app is where it is done
    # (`WORK_DOMAINS`), as a deployment's or a pipeline's would be ...
    index = Catalog.load(default_layers(user=False)).index
    assert select(index, "Add a Dockerfile for this Flask app", []).persona == "persona-devops"
    # ... and a UI's container is no container of software
    domains = SelectionIndex([], builtin_lexicon()).domains
    assert "containers" not in domains.read(read_request("Fix the spacing in the card container", []))


def test_a_place_of_a_kind_of_work_named_in_words_is_that_work() -> None:
    # "e2e" names end-to-end tests, a place of testing: set up for a login flow, it is testing work, and the login
    # is what is tested.
    index = described(
        ("qa-expert", "Use this agent when a change needs a test strategy."),
        ("auth-specialist", "Use this agent for authentication and login work."),
    )
    assert select(index, "Set up Playwright e2e for the login flow", []).persona == "qa-expert"
    said = index.domains.read(read_request("Set up e2e for the checkout", []))
    assert said["testing"].strength == pytest.approx(said["e2e-tests"].strength * tunables.LAYOUT_WORK_SHARE)
    # ... while a file of such a place passes on the usual share: a LICENSE is no documentation work.
    filed = index.domains.read(read_request("Normalize the repository url", ["LICENSE"]))
    assert filed["documentation"].strength == pytest.approx(filed["repo-docs"].strength * tunables.PARENT_SHARE)


@pytest.mark.parametrize("path", ["app/src/main/java/com/example/gallery/GalleryAdapter.kt",
                                  "src/main/java/com/example/demo/DemoApplication.java"])
def test_a_java_package_named_example_holds_no_examples(path: str) -> None:
    # com.example and com.example.demo are the placeholder packages of Android Studio and Spring Initializr
    domains = SelectionIndex([], builtin_lexicon()).domains
    assert "examples" not in domains.read(read_request("Fix the adapter", [path]))
    assert "examples" in domains.read(read_request("Fix the sample", ["example/main.go"]))


def test_a_document_named_with_its_subject_is_documentation_work() -> None:
    # "migration" is what the guide is about; "migration guide" names the guide (a phrase wholly inside what a doc
    # is about counts as its subject, `DOCS_SUBJECT_FACTOR`)
    index = role_catalog("technical-writer", "refactoring-specialist", "backend-developer")
    task = "Write a migration guide for SDK users upgrading from v2 to v3. The breaking changes are the renamed options"
    assert select(index, task, []).persona == "technical-writer"


def test_a_bug_reports_form_leaves_the_work_where_it_failed_and_a_stack_trace_makes_it_debugging() -> None:
    index = SelectionIndex([
        agent(*DEBUGGER),
        agent("api-developer", "Use this agent when building REST endpoints, pagination and request validation."),
    ], builtin_lexicon())
    report = ("Orders listed twice across pages. **Describe the bug**\nThe orders endpoint returns the same orders on "
              "page 2 as on page 1 when the pagination cursor is set.\n**Expected behavior**\nEach order once.")
    assert "bug-report" in read_request(report).shapes
    assert select(index, report, []).persona == "api-developer"
    trace = ("Orders listed twice across pages.\nTraceback (most recent call last):\n  File \"app/orders.py\", "
             "line 12, in list_orders\n    cursor = decode(token)\nValueError: bad cursor")
    assert select(index, trace, []).persona == "debugger"


def test_compile_time_before_a_noun_is_no_build_work_and_a_pessimization_is_performance_work() -> None:
    index = SelectionIndex([
        agent("build-engineer", "Use this agent when build systems need work: compilation times, bundlers, caching."),
        agent("performance-engineer", "Use this agent when you need to find bottlenecks."),
        agent("cpp-pro", "Use this agent when writing modern C++: templates, RAII and the standard library."),
    ], builtin_lexicon())
    change = ["shell/renderer/worker_observer.cc"]
    # "compile-time array" is a constant the compiler builds, not a build that takes long
    assert rank(index, "Use a compile-time array of strings in the worker observer", change)[0].name == "cpp-pro"
    assert rank(index, "Reduce compile times of the renderer", change)[0].name != "cpp-pro"
    task = "Remove the .c_str() pessimization when making strings in the worker observer"
    assert rank(index, task, change)[0].name == "performance-engineer"


def test_a_lexicon_phrase_is_read_within_one_sentence() -> None:
    index = Catalog.load(default_layers(user=False)).index
    within = index.domains.read(read_request("Print the stack trace of the worker", [], index.one_word_terms))
    assert "stack trace" in within["debugging"].matched
    across = index.domains.read(read_request("Grow the stack. Trace calls in the scheduler", [], index.one_word_terms))
    assert "debugging" not in across


def test_a_change_made_only_of_tests_is_testing_work_whatever_is_done_to_them() -> None:
    index = SelectionIndex([
        agent("legacy-modernizer", "Refactor legacy codebases and migrate outdated frameworks. Use PROACTIVELY for "
              "framework migrations and technical debt."),
        agent("test-automator", "Use this agent when a change needs automated tests, test suites or coverage."),
        agent("performance-engineer", "Use this agent when you need to find bottlenecks and reduce allocations."),
        agent("technical-writer", "Use this agent when documentation or usage guides need writing."),
    ], builtin_lexicon())
    task = "Refactor the render tests and migrate them to the new runner"
    tests = ["packages/render/__tests__/render.spec.ts", "packages/render/__tests__/stream.spec.ts"]
    assert rank(index, task, tests)[0].name == "test-automator"
    assert rank(index, task, [*tests, "packages/render/src/render.ts"])[0].name == "legacy-modernizer"
    # ... but a benchmark is a test's file in Go, and making it faster is performance work in full
    found = {c.name: c.score for c in rank(index, "Avoid allocations in the hash map", ["internal/maps/map_test.go"])}
    assert found["performance-engineer"] > 1.5 * found["test-automator"]
    # ... and a runnable example is one in Go (`example_test.go`), and writing it documentation work
    documented = rank(index, "Add a runnable example for the cache options", ["cache/example_test.go"])
    assert documented[0].name == "technical-writer"
