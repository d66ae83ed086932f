"""Reading a request once: words and code marks, the first sentence, paths, practical questions."""

from __future__ import annotations

import pytest
from tests.test_selection import persona

from persona_mcp.lexicon import builtin_lexicon
from persona_mcp.selection import SelectionIndex, read_request, select, tunables
from persona_mcp.text import analyse, fold, stem, words


@pytest.mark.parametrize(("word", "same_as"), [
    ("optimise", "optimization"), ("optimizing", "optimized"), ("deployment", "deploys"),
    ("documenting", "documented"), ("validation", "validate"), ("migration", "migrate"),
    ("lazily", "lazy"), ("improvement", "improves"), ("tests", "testing"), ("queries", "query"),
])
def test_word_families_meet_at_one_stem(word: str, same_as: str) -> None:
    assert stem(word) == stem(same_as)


def test_tokens_mark_words_that_come_from_code() -> None:
    text = "Rename `force` to optimizeDeps, fix reply.send in thollander/actions-comment and CI/CD"
    found, code = analyse(text)[:2]
    assert found == words(text)
    marked = dict(zip(found, code, strict=True))
    assert marked["rename"] is False and marked["fix"] is False and marked["ci"] is False
    assert marked["force"] and marked["optimize"] and marked["send"] and marked["comment"]


def test_a_documents_name_is_prose_the_document_the_work_is_on() -> None:
    marked = dict(zip(*analyse("Add images to README.md and CONTRIBUTING.rst, not to config.yml.")[:2], strict=True))
    assert marked["readme"] is False and marked["contributing"] is False
    assert marked["config"] and marked["yml"]


def test_a_links_path_is_read_as_code_and_its_host_and_query_are_left_out() -> None:
    text = "Modals overflow, see the [docs](https://ui.example.com/documents/modals?mode=doc#top) and https://x.io."
    found, code = analyse(text)[:2]
    assert found == ["modals", "overflow", "see", "the", "docs", "documents", "modals", "and"]
    assert code == [False] * 5 + [True, True] + [False]


def test_words_are_cut_at_punctuation_and_spaces_and_lose_their_accents() -> None:
    text = "Done. Fix (the) café's render—fast, e.g. v1.2: see src/app.ts, $ref and C++!\n\tNext..."
    found, code = analyse(text)[:2]
    assert found == ["done", "fix", "the", "cafe", "render", "fast", "e", "g", "v1", "2", "see", "src", "app",
                     "ts", "ref", "and", "c++", "next"]  # "café's render" is the café render
    marked = dict(zip(found, code, strict=True))
    assert marked["done"] is False and marked["next"] is False  # a sentence's last word is prose, dot or not
    assert marked["src"] and marked["app"]  # a path is code

def test_a_possessive_is_its_owners_word_alone() -> None:
    for text in ("Check the user's role", "Check the user\u2019s role", "check the user role"):
        assert words(text)[-3:] == ["the", "user", "role"] and analyse(text).words[-3:] == ["the", "user", "role"]
    assert words("It's the users' list, isn't it")[:3] == ["it", "the", "users"]
    domains = SelectionIndex([], builtin_lexicon()).domains
    assert "authentication" in domains.read(read_request("Make sure the admin routes check the user's role", []))


def test_a_numbers_plural_is_the_number() -> None:
    assert [stem(word) for word in words("fix the N+1s and the HTTP 500s")] == ["fix", "the", "n+", "1", "and",
                                                                                 "the", "http", "500"]


def test_go_written_capitalised_inside_a_sentence_is_the_language() -> None:
    assert analyse("What is a channel in Go? Go and read the spec.").words == [
        "what", "is", "a", "channel", "in", "golang", "go", "and", "read", "the", "spec"]
    assert analyse("Our Go service: Go back to it later").words[:3] == ["our", "golang", "service"]
    assert analyse("Our Go service: Go back to it later").words[3] == "go"  # after a colon, a sentence opens
    assert analyse("let it go").words[-1] == "go"


def test_words_of_any_script_are_words() -> None:
    assert words("Améliorer la SÉCURITÉ, naïve \uff21\uff30\uff29") == ["ameliorer", "la", "securite", "naive",
                                                                      "api"]  # a full-width API too
    assert words("Ускорить загрузку Страницы") == ["ускорить", "загрузку", "страницы"]
    found = analyse("Ускорить `loadPage` в src/страница.ts")[0]
    assert found == ["ускорить", "load", "page", "в", "src", "страница", "ts"]
    assert words("グ") == ["グ"]  # a kana's marks are its own


@pytest.mark.parametrize(("text", "folded"), [
    ("the cache\u2019s key \u2014 as is", "the cache\u2019s key \u2014 as is"),  # nothing to take off
    ("cafe\u0301 and q\u0301", "cafe and q"),  # marks written apart, on letters with or without an accented form
    ("q\u0301 \u2014", "q \u2014"),  # a mark that makes no accented letter, where nothing else changes
    ("\u1100\u1161", "\uac00"),  # Hangul letters written apart make their syllable
    ("\uff21\uff30\uff29 \u2014 ok", "API \u2014 ok"),  # a compatibility form beside a dash
])
def test_fold_takes_off_accents_and_makes_forms_plain_and_leaves_the_rest(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_a_name_written_as_one_word_stays_whole_in_camel_case() -> None:
    names = frozenset({"typescript", "github", "devop"})
    text = "Share TypeScript config across GitHub Actions and DevOps scripts, not in convertToJSValue"
    found, code = analyse(text, names)[:2]
    assert found[:3] == ["share", "typescript", "config"] and "github" in found and "devops" in found
    marked = dict(zip(found, code, strict=True))
    assert marked["typescript"] is False and marked["github"] is False  # a name in prose, not an identifier
    assert marked["convert"] and "value" in found  # identifiers are still split
    assert words("TypeScript") == ["type", "script"]  # with no names to keep whole
    assert read_request("Why is TypeScript slow?", [], names).words[2] == "typescript"


def test_a_name_written_with_a_dot_stays_whole_and_is_not_code() -> None:
    # "Next.js" is one name: not "next" and "js" (which names JavaScript), and not a member access.
    names = frozenset({"nextj", "nodej"})
    found, code = analyse("Fix hydration in Next.js pages on node.js, see lib/model.js", names)[:2]
    assert found[:5] == ["fix", "hydration", "in", "nextjs", "pages"] and "nodejs" in found
    marked = dict(zip(found, code, strict=True))
    assert marked["nextjs"] is False and marked["nodejs"] is False
    assert found[-3:] == ["lib", "model", "js"] and marked["model"]  # a file's name is not a product's
    assert words("Next.js") == ["next", "js"]  # with no names to keep whole
    # ... and a word that ends in a file's extension is no name because its first word is one ("test.ts" is a test
    # file, not "testts", read as "test")
    found = analyse("Fix flaky user.test.ts on CI", names | {"test"})[0]
    assert found == ["fix", "flaky", "user", "test", "ts", "on", "ci"]


def test_the_first_sentence_is_the_lead() -> None:
    request = read_request("Adjust the table layout. Document it.", [])
    assert request.words[: request.lead] == ["adjust", "the", "table", "layout"]
    assert request.factor(0) > request.factor(1) > request.factor(request.lead)


@pytest.mark.parametrize("task", [
    "Adjust the table layout. Widths were fixed. Rows align.",
    "Adjust the table layout\n\nWidths were fixed.\n\nRows align.",  # a title's blank line ends no sentence
    "Adjust the table layout.\n\nWidths were fixed. Rows align.",
])
def test_words_past_the_second_sentence_count_less_than_the_second(task: str) -> None:
    request = read_request(task, [])
    assert request.words[request.lead:request.second] == ["widths", "were", "fixed"]
    assert request.factor(request.lead) == tunables.REST_FACTOR
    assert request.factor(request.second) == tunables.LATER_FACTOR < tunables.REST_FACTOR
    assert read_request("Adjust the table layout. Widths were fixed", []).second == 7  # to the end


@pytest.mark.parametrize(("task", "deciding"), [
    ("postgres LISTEN/NOTIFY or just bring in kafka for our events?", True),
    ("How should we do multi-tenancy for our SaaS: schema per tenant or shared tables?", True),
    ("Is GraphQL federation worth it for us?", True),
    ("How do I stop my endpoint from crashing?", False),  # fixing, no choice
    ("How do I configure logging in Django or Flask?", False),  # a plain how-to
    ("What is the difference between REST and gRPC?", False),  # a lesson
])
def test_a_question_that_weighs_a_choice_in_the_askers_work_is_told(task: str, deciding: bool) -> None:
    assert read_request(task, []).deciding is deciding


@pytest.mark.parametrize(("task", "opening"), [
    ("KAFKA-14524: Move LogConfig to the storage module", "move"), ("kubelet: fix goroutine leak", "fix"),
    ("fix(router)!: avoid an allocation per request", "avoid"), ("[SPARK-123][SQL] Add a hint", "add"),
    ("Please remove the legacy adapter", "remove"), ("Remove the legacy adapter", "remove"),
    ("Python asyncio: how do I wait for all tasks?", "python"), ("Note:", "note")])
def test_the_first_word_of_the_work_follows_a_ticket_or_a_scope(task: str, opening: str) -> None:
    request = read_request(task)
    assert request.words[request.opening] == opening
    # The opening word counts more; a ticket or a scope before it says where, not what: it counts as any word.
    assert request.factor(request.opening) == tunables.FIRST_WORD_FACTOR
    assert all(request.factor(at) == 1.0 for at in range(request.opening))


@pytest.mark.parametrize(("task", "practical"), [
    ("Why does my React component re-render on every keystroke?", True),  # the asker's own code
    ("Why does cargo rebuild everything after I switch branches?", True),  # what the asker does
    ("When I run pytest the fixtures are created twice, why?", True),
    ("How do I stop pytest from hanging on teardown?", True),  # how to fix something
    ("How to fix 'ModuleNotFoundError: numpy' in a virtualenv?", True),  # an error the asker has
    ("How should we version the public API?", True),  # a decision in the asker's own work
    ("What is the best way to split a 3000-line React component?", True),
    ("What is the most reliable way to retry a failed upload in Go?", True),  # any superlative: how to do it
    ("How do I center a div with flexbox?", False),  # a plain how-to: asks to be shown how, not taught a concept
    ("Python asyncio: how to run tasks concurrently?", False),
    ("What is the difference between a process and a thread?", False),  # asks to be taught
    ("Can you explain what a closure is?", False),
    ("How does garbage collection work in Go?", False),
    ("Add retries to the HTTP client", False),  # not a question at all
])
def test_practical_questions_are_told_from_requests_to_be_taught(task: str, practical: bool) -> None:
    assert read_request(task, []).practical is practical


@pytest.mark.parametrize(("task", "how_to"), [
    ("How do I change a column name in the database?", True),  # asks to be shown how
    ("How to load relations in entities?", True),
    ("I found a bug, what should I do?", True),  # asks what to do
    ("Why does useEffect run twice in React 18?", False),  # a tool's behaviour, not how to do something
    ("How do I stop pytest from hanging on teardown?", False),  # practical: fixing something
    ("How do I change my database schema?", False),  # practical: the asker's own system
    ("How does garbage collection work in Go?", False),  # to be taught
    ("Can you provide an example of how to roll back a session?", False),  # not how the question opens
    ("Rename the column in the database", False),  # not a question
])
def test_a_plain_how_to_is_told_from_other_questions(task: str, how_to: bool) -> None:
    assert read_request(task, []).how_to is how_to


@pytest.mark.parametrize(("task", "how_to_do"), [
    ("How do I mock a function that is imported in another module?", True),
    ("How to reference a method in javadoc?", True),
    ("I found a bug, what should I do?", False),  # what to do about a situation
    ("Why does my mock never get called?", False),  # not a plain how-to
])
def test_a_how_to_that_asks_how_to_do_something_is_told_from_one_that_asks_what_to_do(task: str,
                                                                                     how_to_do: bool) -> None:
    assert read_request(task, []).how_to_do is how_to_do


@pytest.mark.parametrize(("task", "teaching"), [
    ('What does "owner side" mean in a relation?', True),  # what a term means
    ("Why did Vuetify 3 change value to model-value?", True),  # a project's reasons for a decision
    ("Why does React need keys in lists?", True),
    ("How are Electron binaries downloaded?", True),  # how the tools do a thing
    ("How does React decide when to re-render?", True),  # how a tool or a runtime behaves
    ("How do browsers cache images?", True),
    ("How do I cache images in the browser?", False),  # how to get something done
    # what caused a failure is debugging; what a practice is for is a lesson
    ("What is the cause of this StackOverflowError in my parser?", False),
    ("What could be the reason for the build failing only on CI?", False),
    ("What is the reason for using dependency injection?", True),
    ("RSS grows all the time, what is the cause?", False),  # the cause of what the asker saw
    ("Why did my build fail?", False),  # the asker's own system
    ("Why does this query use a sequential scan?", False),
    ("CPU spikes at startup on a Raspberry Pi - why does the bot use so much CPU?", False),  # a symptom, no decision
    ("How is my password stored?", False),
    ("How is it done in Go?", False),
    ("What is a closure in JavaScript?", True),
    ("Parsing large payloads blocks the event loop, what are the alternatives?", False),  # a choice to make
    ("What are the trade-offs of server-side rendering here?", False),
    ("We want multi-region support; what are the architectural options?", False),  # words before the choice
    ("What are the main components of a compiler?", True),
    ("Why are ES modules better than CommonJS modules?", True),  # why one approach beats another
    ("Why is the new parser slower than the old one?", False),  # a thing of the asker's
    ("Why isn't node-resolve a built-in feature?", True),  # why a tool leaves something out
    ("Why isn't my plugin included in the bundle?", False),
    ("When to use RxJS instead of MobX?", True),  # which tool to reach for
    ("When should I use inline styles vs. CSS?", True),
    ("Is MobX a framework?", True),  # what kind of thing a tool is
    ("Is Kafka a message queue?", True),
    ("Is Redis a good fit for the session store?", False),  # a choice of the asker's to weigh
    ("Is Kafka a log store like Pulsar?", True),
    ("Does GraphQL replace REST?", True),  # what a tool takes the place of
    ("Does our cache replace the CDN?", False),
    ("Does Python have a ternary conditional operator?", True),  # what a tool can do
    ("Does Java support default parameter values?", True),
    ("Is Svelte compatible with Web Components?", True), ("Is there support for Deno?", True),
    ("Does my app support dark mode?", False), ("Does the API support pagination?", False),  # things of one's own
    ("Are @Bean and @Component annotations the same but for different targets in Spring?", True),  # one thing?
    ("Is Promise.all equivalent to awaiting in a loop?", True), ("What and where are the stack and heap?", True),
    ("Are these two configs the same?", False), ("Is the output the same after the refactor?", False),
    ("Does Immer use structural sharing?", True), ("Does Vite use esbuild for production builds?", True),
    ("Can I use Vuetify with server-side rendering?", True), ("Can I use pnpm to publish packages?", True),
    ("Can I use my own logger with it?", False), ("Can we use the cache for sessions?", False),  # one's own
    ("Why is there no HTTP keep-alive?", True), ("Why have hard links at all?", True),  # a tool's design
    ("Why is there no output in my log?", False),
    ("What kind of versioning scheme does Poetry use?", True), ("What kind of lock does our job use?", False),
    ("Do not use numbers in headings. How to render the first line?", False),  # an instruction, not a question
    ("Why should I avoid declaring components inside render?", True),  # the reason behind a practice
    ("Why should we move to a monorepo?", False),  # a choice of one's own
    ("Is this a bug?", False),
    ("How is an ECS different from game objects in OOP?", True),  # how one idea differs from another
    ("trying to get my head around attention in transformers", True),
    ("Explain this panic: runtime error: index out of range", False),  # a failure of one's own, to be debugged
    ("EXPLAIN shows a seq scan on users", False), ("Why is it slow? EXPLAIN ANALYZE shows a seq scan", False),
    ("explain plan for the report query", False),  # SQL's EXPLAIN: a query plan
    ("Help me understand why my query is slow", False),
    ("Can you explain why this test fails on CI but passes locally?", False),
    ("What does this warning mean: React Hook useEffect has a missing dependency", False),
    ("Explain what this function does", True),  # code to be understood, no failure
    ("Explain the retry option in the README", False),  # an explanation for the docs
    ("Monads in plain English please?", True),
    ("Spring: @Component versus @Bean", True), ("Redis vs Memcached", True),  # two things side by side
    ("Event sourcing vs plain CRUD for our ledger", False), ("our REST vs gRPC", False),  # a choice of one's own
    ("Describe how tokens expire in the user guide", False),
    ("Help me understand how the event loop schedules callbacks", True),
    ("How do JavaScript closures work?", True), ("How do I make the login test work again?", False),
    ("Can someone describe how JavaScript closures work?", True), ("WTF is currying?", True),  # in other words
    ("What the heck is hoisting?", True), ("WTF is this error on startup?", False),
    ("What exactly is RESTful programming?", True),
    ('What Is "tree-shaking?"', True), ("What is \u201chydration\u201d?", True),  # the term quoted
    ("What is the standard Python docstring format?", False),  # a convention to follow, not a concept
    ("Why is len a function and not a method?", True),  # why a tool was designed one way and not another
    ("Why build a registry rather than use GitHub?", True),
    ("Why does my job use threads and not processes?", False), ("Why can't I log in?", False),  # one's own
    ("Why is the build failing on CI but not locally?", False), ("Why is the test flaky on CI and not locally?", False),
    ("Why is this endpoint returning 500 and not 404?", False),  # a failure of one's own
    ("The page returns 500. Find out why the handler returns None instead of raising.", False),  # not the opening
    ("Why can't users log in?", False), ("Why Redis?", False), ("Why not merge it?", False),
    ("Is Django stable?", True), ("Does Django scale?", True), ("Does Cargo handle cross-compilation?", True),
    ("Can Prometheus be made highly available?", True), ("What dependencies does Prometheus have?", True),
    ("How can Cargo work offline?", True), ("Which template engines does Express support?", True),  # a tool's
    ("Is Django a content-management-system (CMS)?", True),
    ("Is our API stable?", False), ("Does the cluster scale?", False), ("Can the worker be restarted?", False),
    ("Is staging stable?", False), ("Is OrderRepository thread-safe?", False),  # one's own, as names are written
    ("Does UserService handle null ids?", False), ("Which tables does OrderService use?", False),
    ("What dependencies does the service have?", False), ("How can the worker work offline?", False),
])
def test_questions_asking_what_a_thing_means_or_why_a_project_chose_it_are_to_be_taught(task: str,
                                                                                        teaching: bool) -> None:
    assert read_request(task, []).teaching is teaching


def test_paths_are_read_once_each_in_order() -> None:
    assert read_request("x", ["a.py", "./a.py", "", "b.py"]).paths == ["a.py", "b.py"]


def test_a_large_change_is_read_from_files_spread_over_its_list() -> None:
    paths = [f"docs/{i:03}.md" for i in range(300)] + [f"src/{i:03}.go" for i in range(100)]
    request = read_request("Update the guide", paths)
    assert request.paths == paths  # every path is kept
    read = [file.path for file in request.files]
    assert len(read) == tunables.MAX_FILES and len(set(read)) == len(read)
    assert read[0] == "docs/000.md" and sum(path.startswith("src/") for path in read) == tunables.MAX_FILES // 4
    few = [f"src/{i}.go" for i in range(tunables.MAX_FILES)]
    assert [file.path for file in read_request("x", few).files] == few  # a change of that many or fewer: all of it


@pytest.mark.parametrize("task", [
    "\n" * 20_000,  # blank lines: every line-start pattern must stay linear
    "\n " * 10_000,
    "persona " * 2_500,
    "persona-" * 2_500,
    "@" + "a" * 19_999,
    "at x.y(" * 2_800,
    "File \"" * 3_000,
    "a" * 20_000,
    "+ tests " * 2_500,  # tests that come along, and what docs are about: read in the first characters only
    "docs about " * 1_800,
    "**Describe the bug** " * 1_000,  # an issue form's headings, as many as fit
    "## Environment\n" * 1_400,
    "#" + " " * 19_999,
])
def test_hostile_text_is_read_in_linear_time(task: str) -> None:
    request = read_request(task, [])
    assert isinstance(request.shapes, dict)


def test_the_lead_and_the_opening_count_only_the_words_kept() -> None:
    digest = "a" * (tunables.MAX_WORD_CHARS + 1)  # a hash is not a word, and is not read
    request = read_request(f"[{digest}] Move the parser {digest} now. Then document it.")
    assert request.words[request.opening] == "move"
    assert request.words[: request.lead] == ["move", "the", "parser", "now"]


@pytest.mark.parametrize(("task", "change"), [
    ("Bump jackson-databind from 2.15.2 to 2.16.0 (#812)", "Bump jackson-databind from 2.15.2 to 2.16.0"),
    ("deps: upgrade the Gradle wrapper to 8.10", "upgrade the Gradle wrapper to 8.10"),
    ("Updated tokio to v1.38.0", "Updated tokio to v1.38.0"),
    ("Update the docs. Then move the example to 2.0", ""),  # past the first sentence
    ("Update the retry count to 3", ""),  # a number, not a version
    ("Add retries to the HTTP client", ""),
])
def test_a_change_of_version_is_read_from_the_first_sentence(task: str, change: str) -> None:
    assert read_request(task, []).version_change == change


@pytest.mark.parametrize(("task", "measured"), [
    ("Startup takes 40 seconds on a cold cache", "takes 40 seconds"),
    ("Remove tryCatch from combineLatest, 156k -> 221k ops/sec", "221k ops/sec"),  # a rate
    ("The game drops to 20 fps when the menu opens", "20 fps"),
    ("We serve 12k req/s at peak", "12k req/s"),
    ("Add 2 retries to the HTTP client", ""),  # a number, no measure
])
def test_a_duration_a_size_or_a_rate_is_a_measure(task: str, measured: str) -> None:
    assert read_request(task, []).measured == measured


@pytest.mark.parametrize(("task", "change"), [
    ("Remove tryCatch from combineLatest, 156k -> 221k ops/sec", "156k -> 221k ops/sec"),
    ("p99 went from 120ms to 900ms after the deploy", "120ms to 900ms"),
    ("~3x improvement in speed", "3x improvement"), ("Parsing is 40% faster", "40% faster"),
    ("Bump netty from 4.1.100 to 4.1.106", ""), ("Retry 3 to 5 times", ""),  # a version, a count: no measure
])
def test_a_measure_that_changed_is_read(task: str, change: str) -> None:
    assert read_request(task, []).measured_change == change


def test_a_catalog_and_tasks_written_in_another_language_select_by_their_own_words() -> None:
    index = SelectionIndex([
        persona("securite", description="Use this agent when the task is about sécurité: authentification, "
                "injections, failles."),
        persona("performances", description="Use this agent when the task is about lenteur, mémoire, temps de "
                "réponse."),
        persona("nagruzka", description="Use this agent when: нагрузочное тестирование, медленная загрузка."),
    ])

    assert select(index, "Corriger une faille de securite dans l'authentification", []).persona == "securite"
    assert select(index, "Réduire la lenteur du temps de réponse", []).persona == "performances"
    assert select(index, "Медленная загрузка главной страницы", []).persona == "nagruzka"


def test_a_script_written_without_spaces_is_read_in_pairs_of_characters() -> None:
    assert words("読み込みが遅い") == ["読み", "み込", "込み", "みが", "が遅", "遅い"]
    assert words("Reactの画面") == ["react", "の画", "画面"]
    assert words("로그인이 느리다") == ["로그", "그인", "인이", "느리", "리다"]
    assert "question" in read_request("ログインはどうやって実装しますか\uff1f").shapes  # a full-width "?" asks
    index = SelectionIndex([
        persona("gamen", description="Use this agent when: 画面の表示やコンポーネントの不具合。"),
        persona("deta", description="Use this agent when: データベースのクエリやマイグレーション。"),
    ])

    assert select(index, "ログイン画面のコンポーネントが表示されない", []).persona == "gamen"
    assert select(index, "マイグレーションの後でクエリが遅い", []).persona == "deta"


def test_each_word_knows_where_its_run_of_characters_starts() -> None:
    analysis = analyse("Fix `loadPage` in src/app.ts now.")
    assert analysis.words == ["fix", "load", "page", "in", "src", "app", "ts", "now"]
    assert analysis.starts == [0, 4, 4, 15, 18, 18, 18, 29]  # a span's and a path's words share its start
    request = read_request("Fix `loadPage` in src/app.ts now. Then document it.", [])
    assert request.words[request.lead:] == ["then", "document", "it"]


@pytest.mark.parametrize(("task", "troubled"), [
    ("Why is /api/orders so slow?", True), ("Why does the worker crash on start?", True),
    ("Why does startup take 40 seconds?", True), ("How do I version the API?", False),
])
def test_a_failure_or_slowness_reported_is_read(task: str, troubled: bool) -> None:
    assert read_request(task, []).troubled is troubled


def test_what_an_issue_forms_template_asks_is_not_read_as_the_reporters_words() -> None:
    report = ("Crash when saving a draft. **Describe the bug** A clear and concise description of what the bug is. "
              "The editor crashes when a draft is saved twice. **Screenshots** If applicable, add screenshots to help "
              "explain your problem. **Desktop (please complete the following information):** - OS: [e.g. iOS] - "
              "Browser [e.g. chrome, safari] **Additional context** Add any other context about the problem here.")
    found = set(read_request(report).words)
    assert {"crashes", "draft", "saved", "twice"} <= found
    assert found.isdisjoint({"concise", "description", "applicable", "chrome", "safari", "ios", "information"})


@pytest.mark.parametrize("marker", ["[skip ci]", "[ci skip]", "[no ci]", "[Skip CI]", "[skip actions]"])
def test_a_commits_marker_that_skips_ci_is_not_ci_work(marker: str) -> None:
    assert read_request(f"Update the install steps in README.md {marker}", []).words[-2:] == ["readme", "md"]


@pytest.mark.parametrize("report", [
    "Sidebar labels overlap on mobile. **Describe the bug** The labels overlap. **To Reproduce** Open the menu. "
    "**Expected behavior** They line up.",
    "Sidebar labels overlap on mobile.\n## Bug Description\nThe labels overlap.\n## Steps to Reproduce\nOpen the menu."
    "\n### Expected behavior\nThey line up.\n### Environment\nSafari 17",
    "Sidebar labels overlap on mobile. Steps to reproduce: open the menu. Expected behaviour: they line up.",
])
def test_an_issue_forms_headings_are_not_read_as_the_reporters_words(report: str) -> None:
    request = read_request(report)
    assert {"sidebar", "labels", "overlap", "menu"} <= set(request.words)
    assert set(request.words).isdisjoint({"bug", "reproduce", "environment", "expected", "behavior", "behaviour"})
    assert "bug-report" in request.shapes  # the headings still say what the text is


@pytest.mark.parametrize(("task", "kept"), [
    ("Reproduce the crash in a clean environment and bump the version. The logs show it.",
     {"reproduce", "environment", "version", "logs"}),
    ("Set the **environment** variable and pin the **version**s, see #bug", {"environment", "version", "bug"}),
    ("This is a **bug**, not a feature", {"bug"}),  # bold in a sentence that goes on
    ("Steps to reproduce are in the README", {"steps", "reproduce"}),  # the form's phrases in a sentence
    ("Describe the problem you are facing with the cache", {"describe", "problem"}),
    ("Add a bug report template to .github", {"bug", "report"}),
    ("Document the expected behavior of retries", {"expected", "behavior"}),
    ("Upgrade the C# version to 12", {"version"}), ("Set __version__ = '1.2.0'", {"version"}),  # no heading marks
    ("# Bug in the parser when input is empty", {"bug"}),  # a title of the reporter's own
])
def test_words_an_issue_form_uses_as_headings_are_read_in_the_reporters_own_sentences(task: str,
                                                                                       kept: set[str]) -> None:
    assert kept <= set(read_request(task).words)


def test_the_first_sentence_follows_an_issue_forms_heading() -> None:
    for report in ("**Describe the bug**\nCrash on save when the file is large. The editor hangs.",
                   "### Describe the bug\n\nCrash on save when the file is large. The editor hangs."):
        request = read_request(report)
        assert request.words[request.opening] == "crash"
        assert request.words[: request.lead] == ["crash", "on", "save", "when", "the", "file", "is", "large"]


def test_a_task_is_read_to_a_whole_word_whatever_the_headings_take() -> None:
    request = read_request("Bug\n" + "\n" * 650 + "refactoring the parser " * 100)
    assert set(request.words) == {"refactoring", "the", "parser"}


@pytest.mark.parametrize(("task", "first"), [
    ("[Bug] Logout redirect is open.", "logout"),
    ("BUG: Logout redirect is open.", "logout"),
    ("fix(backend): incorrect pagination when no data", "backend"),
    ("Bug in the logout redirect", "bug"),  # the reporter's own word
])
def test_a_defects_kind_before_the_title_is_not_read_but_its_scope_is(task: str, first: str) -> None:
    assert read_request(task).words[0] == first


def test_an_errors_message_is_read_as_code() -> None:
    request = read_request("Fix LazyInitializationException: failed to lazily initialize a collection\nIt began today")
    read = dict(zip(request.words, request.code, strict=True))
    assert all(read[word] for word in ("failed", "to", "lazily", "initialize", "a", "collection"))
    assert not any(read[word] for word in ("fix", "it", "began", "today"))
    # ... or where the asker's words go on to say when or where it happens
    request = read_request("Fix TypeError: cannot read properties of undefined when opening the settings page")
    read = dict(zip(request.words, request.code, strict=True))
    assert read["properties"] and read["undefined"]
    assert not any(read[word] for word in ("when", "opening", "settings", "page"))
