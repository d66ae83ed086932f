"""The words of a request that name a kind of work without asking for it (`asides`), read with the request."""

from __future__ import annotations

import pytest

from persona_mcp.selection import read_request, tunables


@pytest.mark.parametrize(("task", "along"), [
    ("Throttle reworked with tests", ["tests"]),
    ("Add the retry option, with docs and unit tests", ["docs", "tests"]),
    ("Some sql injection prevention + tests", ["tests"]),
    ("Document all config options; includes a unit test for verification", ["test"]),
    ("Add tests for the empty upload", []),  # the tests are the work
    ("Document the parser with examples", []),
    ("Plan the milestone with test-first sequencing", []),  # a way of working, not tests that come along
    ("Add a POST /orders endpoint. Unit tests for the validation are also needed.", ["tests"]),  # asked besides
    ("Add the retry option. Also add unit tests for it.", ["tests"]),
    ("Move the helpers out of main.go, pure moves with their doc comments", ["comments"]),  # comments come along
    ("Add comments to the retry loop", []),  # the comments are the work
    ("Annotate the config loader with comments", []), ("Handle lines with comments in the YAML lexer", []),
    ("Split the router file; every declaration keeps its doc comment", ["comment"]),  # kept as it was
    ("Rewrite the parser, keeping all tests green", ["tests"]),
    ("Keep the docs in sync with the API", []),  # the docs are the work
    ("Split the modules into packages, with the covering test files split to match", ["test"]),
    ("Replace el with Ks, add unit test", ["test"]), ("Fix the crash; add a regression test", ["test"]),
    ("Handle empty input, update tests", ["tests"]),
    # How the change was checked, in a clause of its own: all of its words
    ("Use memchr for lexing comments; tested using the existing tests.", ["tested", "using", "the", "existing",
                                                                         "tests"]),
    ("Move the template helpers. Tests pass without golden updates.", ["tests", "pass", "without", "golden",
                                                                      "updates"]),
    ("Fix the date parser. Verified on Linux and Windows", ["verified", "on", "linux", "and", "windows"]),
    ("Every executor decision is tested through a runner suite", []),  # how the code is tested: the work
    ("Tested on Python 3.13 in CI", []),  # the opening: what the change is
])
def test_tests_or_docs_that_come_with_the_work_count_for_less(task: str, along: list[str]) -> None:
    request = read_request(task, [])
    assert sorted(request.words[at] for at in request.along) == sorted(along)
    for at in request.along:
        assert request.factor(at) == tunables.ACCOMPANYING_FACTOR * (1.0 if at < request.lead else tunables.REST_FACTOR)


@pytest.mark.parametrize(("task", "subject"), [
    ("Add docs about async tests. PR #1619", ["about", "async", "tests"]),
    ("Improved Javadocs on the Java client API", ["on", "the", "java", "client", "api"]),
    ("Update documentation to mention possibility of deadlock", ["to", "mention", "possibility", "of", "deadlock"]),
    ("Update the README to explain the retry option", ["to", "explain", "the", "retry", "option"]),
    ("add an instruction about how to run one test", ["about", "how", "to", "run", "one", "test"]),
    ("Fix the flaky upload test", []),
    ("Fix a crash when rendering the docs", []),  # docs named, but not what they are about
    ("Write a README section that explains how to run the tests",
     ["that", "explains", "how", "to", "run", "the", "tests"]),
    ("Set up a GitHub Actions workflow that runs the test suite",
     ["that", "runs", "the", "test", "suite"]),  # what a pipeline runs
    ("Add a section about avoiding N+1 queries", ["about", "avoiding", "n+", "1", "queries"]),  # part of a document
    ("add entry explaining prepared statements", ["explaining", "prepared", "statements"]),
    ("Fix the hero section on mobile", []),  # a section of a page, not of a document
    ("update releasing instructions", ["releasing"]),  # what a doc named as the object is of
    ("Fix the installation docs for Windows", ["installation", "for", "windows"]),
    ("Fix the flaky docs build", []),  # the build is the object; the docs only qualify it
    ("Describe release/publish steps", ["release", "publish", "steps"]),  # after a verb of docs work
    ("Document the retry option. It waits", ["the", "retry", "option"]),  # to the end of the first sentence
    ("Describe how tokens expire", []),  # a request to be taught
    # Tests named as what CI runs: the pipeline is the work.
    ("Run unit tests in ci", ["unit", "tests"]),
    ("Add testing workflow", ["testing"]),
    ("Add workflow to test examples", ["to", "test", "examples"]),
    ("Drop the e2e test job on Windows", ["e2e", "test"]),
    ("Run the test suite on GitHub Actions", ["test", "suite"]),
    ("Fix flaky tests in the parser", []),  # the tests are the work
    ("Add a GitHub Actions workflow (unit tests, lint, debug build)", ["unit", "tests", "lint", "debug", "build"]),
    ("Fix the parser (tests included)", []),  # a parenthesis, but after no pipeline
    ("go vet + go test on PRs", ["test"]), ("Run the unit tests on every push", ["unit", "tests"]),  # CI's triggers
    ("Run tests on pushes to main", ["tests"]),
    ("Add unit tests on push notifications", []), ("Write unit tests on pull request merge logic", []),
    ("Fix the nightly job (it leaks memory and gets OOM killed)", []),  # a parenthesis that lists no checks
    ("Use Server Actions (Next.js 14) for the signup form", []),
])
def test_what_docs_are_about_is_their_subject_not_the_work(task: str, subject: list[str]) -> None:
    request = read_request(task, [])
    assert [request.words[at] for at in request.subject] == subject
    for at in request.subject:  # a phrase that takes in a word of the subject counts less too
        assert request.factor(0, at + 1) == tunables.FIRST_WORD_FACTOR * tunables.DOCS_SUBJECT_FACTOR
        assert request.factor(at) == tunables.DOCS_SUBJECT_FACTOR


def test_a_verb_of_docs_work_says_what_the_docs_tell_only_in_a_change_to_docs() -> None:
    assert read_request("Describe release steps", ["docs/RELEASE.md"]).subject
    assert not read_request("Clarify deprecation of orUpdate", ["src/query-builder/InsertQueryBuilder.ts"]).subject


def test_a_part_of_a_document_named_in_a_change_to_docs_is_docs_of_what_qualifies_it() -> None:
    request = read_request("add testing section", ["docs/misc/testing.md"])
    assert [request.words[at] for at in request.subject] == ["testing"]
    assert not read_request("Fix the hero section on mobile", ["src/components/Hero.vue"]).subject  # a page's
    assert not read_request("add testing section", []).subject  # nothing says it is a document's


@pytest.mark.parametrize(("task", "timing"), [
    ("the app crashes on startup after the last deploy, figure out what changed", ["deploy"]),
    ("Auth module coverage dropped to 41% after the refactor", ["refactor"]),
    ("Our Android build started failing after the Gradle upgrade", ["upgrade"]),
    ("StaleObjectError flooding the error tracker since Tuesday's deploy", ["deploy"]),
    ("useDebounce has broken twice after refactors", ["refactors"]),
    ("Upgrade the Gradle wrapper", []),  # the upgrade is the work
    ("Refactor the parser after reading the spec", []),
])
def test_work_named_to_say_when_something_began_is_not_the_work(task: str, timing: list[str]) -> None:
    request = read_request(task, [])
    assert [request.words[at] for at in request.timing] == timing
    for at in request.timing:
        assert request.factor(at) == tunables.TIMING_FACTOR
        assert request.factor(at - 2, at + 1) == 1.0  # "after the deploy" as a whole says when: a phrase's own


@pytest.mark.parametrize(("task", "everyday"), [
    ("Build a settings screen with a grouped list", ["build"]),
    ("The user is building an Angular data grid", ["building"]),
    ("Speed up the build", []),  # the build itself
    ("Build the Docker image on tag", []),
    ("write a Dockerfile for the Django app", ["write"]),
    ("Batch the writes to the events table", []),
    # A program that cleans up what it holds releases resources; cleaning up code is refactoring.
    ("Ensure setup cleans up created pg pools when connect throws", ["cleans", "up"]),
    ("Clean up event listeners when the component unmounts", ["clean", "up"]),
    ("Clean up the connection handling code", []),
    ("Clean up unused imports in the parser", []),
    ("Don't iterate when cleaning up if nothing registered", ["cleaning", "up"]),
    ("The idle timer did not clean up when the pool was closed", ["clean", "up"]),
    ("Clean up when the dialog unmounts", ["clean", "up"]), ("Clean up the dialog code", []),
    # ... and so does one that deletes the data it keeps
    ("Add a cron job that cleans up expired sessions", ["cleans", "up"]),
    ("Clean up old uploads every night", ["clean", "up"]), ("Clean up the session handling code", []),
    # Releasing what a program holds frees it; a release ships a version.
    ("Release the memory of the arena after each file", ["release"]),
    ("Always release the held lock before awaiting", ["release"]), ("Release the GIL while reading", ["release"]),
    ("Release the v2.3.0 packages to npm", []), ("Automate the release of the docker images", []),
    ("The lock was released before the map was cleared", ["released"]),  # ... also said of what was held
    ("The connection is never released on error", ["released"]), ("The fix was released in 2.4.1", []),
    # How code is to handle an error is no failure seen.
    ("Fail loudly on a whitespace-only dbName", ["fail"]), ("The export fails silently on empty input", []),
    ("Roll back the optimistic update if the PATCH fails", ["fails"]),  # what the code is to do then
    ("Retry the upload in case the network call failed", ["failed"]), ("The job fails if the queue is empty", []),
    # ... nor is a check that a pipeline is to fail, nor what the code is to undo then
    ("fail the build in the pipeline if the image has critical vulns", ["fail"]), ("The build fails on CI", []),
    ("Add optimistic updates and roll back if the PATCH fails", ["roll", "back", "fails"]),
    ("Roll back the deploy if the health check fails", ["fails"]),
    # Threading a value through calls passes it along; a thread runs code.
    ("Lift the factory up, then thread the same instance into the builder", ["thread"]),
    ("Make the cache safe to read from another thread", []),
    # How something is told: "for example", "explain it with a simple example".
    ("Explain how Rust lifetimes work with a simple example", ["example"]),
    ("The parser fails on nested lists, for example in the changelog", ["example"]),
    ("Add examples of the retry option to the README", []),
    # Code migrated to a new form is moved; a schema migration changes the database.
    ("Migrate Label to TypeScript", ["migrate"]),
    ("migrate callbacks to async/await in the storage module", ["migrate"]),
    ("Migrate the users table to the new schema", []), ("Add a migration for the orders table", []),
    # ... and a migration to add a column is a schema migration and what it is for
    ("Write a migration to add a status column to orders", ["write", "migration", "to"]), ("Migration to Vite 5", []),
    ("Continue the migration to make the app use ES modules", []),  # code moved to a new form after all
    # Hyphenated before a noun, compile-time says when code is evaluated or checked, not how long a build takes.
    ("Use a compile-time array of string views", ["compile", "time"]),
    ("Add a compile-time check that the handle is Send", ["compile", "time"]),
    ("Reduce compile time of the parser crate", []), ("Fix the compile-time regression in generics", []),
    # A couple is a few: no coupling between modules.
    ("There's a couple spots where the slice size is known", ["couple"]), ("Reduce coupling between modules", []),
    # A practice judged wrong is no failure reported.
    ("Is it wrong to use a boolean parameter to determine behavior?", ["wrong"]),
    ("Would it be wrong to call an async function in a constructor?", ["wrong"]),
    ("The totals come out wrong to the cent", []), ("What is wrong with my query?", []),
    # A block of code, or a try block, is a stretch of code: nothing is blocked.
    ("why last output varies in this block of python code?", ["block"]),
    ("Move the retry into the try block", ["block"]), ("Block requests from unknown origins", []),
    # Archives are unpacked; code is extracted into a function.
    ("Reject symlinks that point outside the workspace when extracting archives", ["extracting"]),
    ("Extract the validation into a helper", []),
])
def test_a_word_of_work_in_its_everyday_sense_is_marked(task: str, everyday: list[str]) -> None:
    request = read_request(task, [])
    marked = sorted({at for start, end in request.everyday for at in range(start, end)})
    assert [request.words[at] for at in marked] == everyday
    # ... as a phrase and each word on its own: "clean" of "clean up expired sessions" is no cleanup either
    assert all((at, at + 1) in request.everyday for at in marked)


@pytest.mark.parametrize("task", ["Rework the throttle WITH TESTS", "REWORK THE THROTTLE, ADD UNIT TEST",
                                  "Build A Settings Screen", "Show the plan with EXPLAIN ANALYZE"])
def test_asides_are_read_whatever_the_case_it_is_written_in(task: str) -> None:
    # The patterns are written in lower case and read the lowered head; SQL's EXPLAIN is told by its case.
    request = read_request(task, [])
    assert request.along or request.everyday


def test_explain_in_lower_case_is_asked_for_not_a_query_plan() -> None:
    assert not read_request("Explain the retry loop to me", []).everyday


def test_a_path_the_task_writes_out_among_its_files_counts_as_a_file_not_as_words() -> None:
    task = "Replace the callback fs calls in scripts/build.js with async/await"
    request = read_request(task, ["scripts/build.js"])
    assert [request.words[at] for at in sorted(request.named_files)] == ["scripts", "build", "js"]
    assert request.factor(request.words.index("build")) == tunables.NAMED_FILE_FACTOR
    assert not read_request(task, []).named_files  # with no files, the words are all there is
    assert not read_request(task, ["src/other.js"]).named_files
