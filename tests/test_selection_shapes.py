"""The request's shape (selection/shapes.py): a question, a bug report, a design write-up, read through read_request."""

from __future__ import annotations

import pytest

from persona_mcp.selection import read_request


@pytest.mark.parametrize(("task", "files", "shape"), [
    ("How do I set a default value for a column?", [], "question"),
    ("Can I use Vuetify with Nuxt 3?", [], "question"),
    ("Explain how the event loop schedules callbacks", [], "question"),
    ("Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\nKeyError: 'x'", [], "bug-report"),
    ("panic: runtime error: index out of range\n\ngoroutine 1 [running]:", [], "bug-report"),
    ("Explain this panic: runtime error: index out of range", [], "bug-report"),  # Go's crash, quoted inline
    ("Why does the worker segfault on startup since v3.1?", [], "bug-report"),
    ("Why does my Kotlin coroutine never complete?", [], "bug-report"),  # what never happens is a symptom too
    ("Why does my Tokio task never wake up after the sender is dropped?", [], "bug-report"),
    ("Sentry: KeyError 'currency' in refund_service.py since the 2.14 release", [], "bug-report"),  # an error's name
    ("Fix the borrow checker error E0502 in the parser", ["src/parser.rs"], "bug-report"),  # a compiler's error code
    ("TS2345 after upgrading zod", [], "bug-report"),
    ("Migrations as edges. Traditional migration systems rely on the order of files on disk to decide what to "
     "run next, which couples the history to file names and makes branches hard to merge; we propose to model "
     "each migration as an edge between two contract hashes instead.", [], "proposal"),
    # a write-up that quotes code: its function words are counted outside the code
    ("Pluggable schema sources. The loader must accept several inputs that converge on one pipeline: "
     "`source (input) -> Contract -> validate/normalize -> canonicalize/hash -> emit`. We introduce "
     "`config.contract.source: { inputs?: readonly string[]; load: (ctx: SourceContext) => Promise<Result<Contract, "
     "SourceDiagnostics>> }` to keep the command line agnostic of where a schema comes from.", [], "proposal"),
    ("Does the session cache survive a restart", [], "question"),
    # a question asked after the story of what happened, long as the story may be
    ("Typing in the name field triggers a rerender and the input loses focus because of the list item key. "
     "What can be used as a key instead to avoid this?", [], "question"),
    ("I need to unlock my Terraform state stored in DynamoDB; I tried force-unlock but I don't know how to get "
     "the lock id from the error message it prints. Could anyone give me a clue?", [], "question"),
])
def test_request_shapes_are_recognised(task: str, files: list[str], shape: str) -> None:
    assert shape in read_request(task, files).shapes


@pytest.mark.parametrize(("task", "files"), [
    ("Add pagination to the orders endpoint", []),
    ("Which fixes should we backport to the LTS line?", []),  # a team decision, not a learner's question
    ("api " * 200, []),  # a long list of terms is not a write-up
    ("`" + "handler(request, response) " * 12 + "`", []),  # code, not a write-up
    ("Fix the date parser for years before 1000 and add tests for the edge cases around them", ["src/date.py"]),
    ("Do not copy comments when cloning the AST", []),  # an instruction, though it starts like a question
    ("Don't create a regex inside the loop", []),
    ("Drop the stale cache key before the retry. Why? The key outlived its entry.", []),  # an answer announced
])
def test_ordinary_requests_have_no_shape_or_a_weak_one(task: str, files: list[str]) -> None:
    shapes = read_request(task, files).shapes
    assert "proposal" not in shapes and shapes.get("question", 0.0) < 0.5


@pytest.mark.parametrize(("task", "files"), [
    ("KEP-2000: Graceful Node Shutdown", ["keps/sig-node/2000-graceful-node-shutdown/README.md"]),
    ("PEP 703 \u2013 Making the Global Interpreter Lock Optional in CPython", ["peps/pep-0703.rst"]),
    ("[feat][pip] PIP-460: Scalable Topics", ["pip/pip-460.md"]),
    ("RFC 2394: async/await", []),
    ("JEP 444: Virtual Threads", []),
])
def test_a_numbered_enhancement_proposal_is_a_design_write_up_whatever_its_files(task: str,
                                                                                 files: list[str]) -> None:
    assert read_request(task, files).shapes.get("proposal") == 1.0


@pytest.mark.parametrize("task", [
    "Throttle transform. This RFC proposes a transform that limits the rate of events through a topology.",
    "Data classes. This PEP describes an addition to the standard library.",
    "Subtests. This proposal introduces programmatic subtests to the testing package.",
    "API comment conventions. This is a conventions RFC, giving guidance on documenting APIs.",
    "Feature discovery. This RFC provides a way for clients to learn which features a server supports.",
])
def test_a_write_up_that_says_it_is_a_proposal_is_one(task: str) -> None:
    assert read_request(task, []).shapes.get("proposal") == 1.0


@pytest.mark.parametrize("task", [
    "Add the retry flag. This PR introduces a retry flag to the client.",  # a change, not a proposal
    "Logging guide. This document describes how to configure logging.",  # a doc of the docs
    "Add dark mode tokens. This design system introduces new color tokens.",  # a thing named "design ..."
    "Add a retry option. This enhancement adds exponential backoff.",
    "Parse timestamps. This RFC 3339 parser adds fractional seconds.",  # a standard named, not a proposal
    "Clean up the utils module. This is a PEP 8 cleanup with no behaviour change.",
])
def test_a_change_or_a_doc_that_says_what_it_does_is_no_proposal(task: str) -> None:
    assert read_request(task, []).shapes.get("proposal", 0.0) < 1.0


@pytest.mark.parametrize("task", [
    "Implement RFC 7230 header folding",  # names a standard, is not one
    "KAFKA-14524: Move the config to the server module",  # a ticket
    "STEP 3: configure the build",
])
def test_a_ticket_or_a_standard_named_in_a_change_is_not_a_proposal(task: str) -> None:
    assert "proposal" not in read_request(task, ["src/http/headers.py"]).shapes


WRITE_UP = ("Plan caching in the runtime. Plans are immutable units of execution produced by lanes and consumed by "
            "the runtime; we want to reuse them across requests without tying them to one connection.")


@pytest.mark.parametrize(("task", "proposal"), [
    (WRITE_UP, True),  # a design record opens with a title
    ("The user wants to add a new REST endpoint POST /api/orders that validates the request payload, stores the "
     "order in the database and returns the created order with its id. Unit tests are also needed.", False),
    ("Our worker crashes on start. We deployed the new image this morning and since then the pods restart every "
     "few minutes without any log line that explains why it happens.", False),  # a failure's story
    ("Add a refund endpoint to our FastAPI app. Validate that the amount does not exceed the remaining balance and "
     "insert the refund row in the same transaction as the update of the balance.", False),  # the asker's own app
    ("Retried payment calls sometimes charge twice. The user wants idempotency keys: store the key and the cached "
     "response, and return the stored response when the same key comes back within a day.", False),  # told for them
    ("Custom date picker without a mouse. They want arrow keys to move between days, Page Up and Page Down to "
     "change the month, and Escape to close the picker and return focus to the field.", False),
    ("Accessible routing. When the user navigates to a new route, focus moves to the new content and a screen "
     "reader announces the change, as a full page load would have done.", True),  # "the user" as the design's
    ("Add support for Express middlewares. This commit implements middlewares at the Engine.IO level, because the "
     "Socket.IO ones are meant for namespace authorization and do not run during a plain HTTP request.", False),
    # a title that names a problem is an issue's
    ("Checkout page is slow on large carts. Each line item loads its own price rules and the page waits for all of "
     "them before it renders anything, which takes several seconds for a cart of fifty items.", False),
    ("Admin export bypass. The export endpoint answers any signed-in account and not only administrators, so a "
     "reader of the shared workspace can download every single record that the workspace holds.", False),
    ("API keys are written to the log in clear text. Creating a key from the settings page prints the whole key in "
     "the server log, and the log file is kept for a month on a disk that every operator can read.", False),
    # an issue form's headings file a report or a request, whatever its title says
    ("Order totals ignore the coupon. **Describe the bug** When an order is placed with a coupon, the total that "
     "the summary page shows is the price before the discount, and the invoice that is sent later has it right.",
     False),
    ("Saved filters for the audit view. **Is your feature request related to a problem?** The audit view forgets "
     "the filters on every visit, and the people who read it every morning type the same filters again.", False),
    # ... and so is one that says what does not happen, or is not as it should be
    ("The tooltip does not close on touch screens. After a tap on a point of the chart the tooltip of that point "
     "stays on the screen until the page is scrolled, and it covers the legend of the chart below it.", False),
    ("Misaligned icons in the sidebar. The icons of the sidebar sit two pixels lower than the labels next to them "
     "in every browser that we support, and the gap grows when the text is made larger.", False),
    # headings say what kind of document it is: an issue's or a pull request's, or a design record's
    ("Export of bookings as CSV. ## Description The admin dashboard shows the bookings of the month, and the people "
     "who run the books copy them by hand into a sheet at the end of every month to reconcile them.", False),
    ("Export of bookings as CSV. The admin dashboard shows the bookings of the month, and the people who run the "
     "books copy them by hand into a sheet. - [ ] an endpoint for the export - [ ] a button on the dashboard", False),
    ("Bookings exported as CSV. ## Context The admin dashboard shows the bookings of the month, and the people "
     "who run the books copy them by hand. ## Decision The export is a streamed endpoint of the bookings API.", True),
    # a title that asks for a task to be done is a ticket's; one that states a decision is a design record's
    ("Update the installation guide for Windows. The guide still tells people to install the old runtime by hand, "
     "and most of the people who try it give up before the first build of the project finishes.", False),
    ("Adopt PostgreSQL for the event store. The events of every aggregate are kept in one table keyed by the stream "
     "and the version, and the projections read them in the order of a global sequence.", True),
    ("Too low contrast on the pricing cards. The grey text of the cards sits on a light grey background, and people "
     "who read the page on a phone outside cannot make out the prices of the plans at all.", False),
    ("Search button has no text label. The button that opens the search of the site shows only an icon, and a "
     "screen reader announces it as a plain button, so people who cannot see the icon never learn what it does.",
     False),
    ("A 500 status on an empty request body. A client that sends a POST with a declared JSON type and no body at "
     "all gets an internal error back from the handler, where the answer should say which field the body lacks.",
     False),
    ("Map markers not loading after a zoom. The markers of the map appear only after the tiles of the new level have "
     "all been fetched, and on a phone the map then stays empty for half a minute or more.", False),
    ("Test strategy for the payments service. Every change to the service runs the contract tests of its three "
     "consumers, and the end-to-end suite runs once a night against a copy of the production data.", True),
    # a title that opens with the kind of a change is a change's or an issue's
    ("refactor(billing): split the invoice module. The module holds the tax rules, the rendering of the invoice "
     "and the mailing of it, and each of the three parts changes for reasons of its own.", False),
    ("Feature flags service. We need one place where the flags of every service are kept, read at start and "
     "refreshed every minute, so that a flag can be turned off without a deploy of the service.", True),  # no kind
    ("[Feature] Export the chart as SVG. The chart can only be saved as a PNG image today, which blurs when it is "
     "printed or when it is scaled up on a slide of a presentation.", False),
    # a title that asks for a task, ending in its own full stop before the one that joins it to the text
    ("Add a service layer between the controllers and the repositories.. As the project grows, the controllers hold "
     "more and more of the rules of the domain, and the same checks are written in several places of the code base.",
     False),
    # a tracker's label in brackets is an issue's
    ("[Technical Debt] Remove the use of the legacy HTTP client. The client is deprecated and every service that "
     "still calls it holds its own copy of the retry rules, which have drifted apart over the years.", False),
    # ... but for a design's own
    ("[RFC] Plan caching in the runtime. Plans are immutable units of execution that the lanes produce, and we want "
     "to cache them per statement shape so that repeated queries skip planning and memory stays bounded.", True),
    ("[accessibility]: trap focus in the modal. When the modal is open, the tab key moves the focus to the page "
     "behind it, and people who use a keyboard lose their place in the form they were filling in.", False),
    # a write-up that asks for work to be done is a request ("Please write ...", "please add ...")
    ("Checkout coverage. Search and checkout each have an end-to-end test of their own. Please write one test that "
     "goes through search and checkout in turn, with the cart held between the two of them.", False),
    ("Checkout coverage. Search and checkout each have an end-to-end test of their own. One test should go through "
     "search and checkout in turn, with the cart held between the two of them.", True),
    # a title that asks for a task may name a file: a dot inside a word ends no title
    ("Update the upload limits in settings.py. The limits of the upload handler were set when files were small, "
     "and the photos people send from their phones today are larger than the limit of the form allows.", False),
    # an issue's headings in bold are an issue's, as its markdown headings are ...
    ("Constant-time token check. **Problem.** The agent token is compared with a plain equality operator, which "
     "tells an attacker how much of a guess was right from the time each comparison takes on the server.", False),
    # ... but for a design record's own
    ("Constant-time token check. **Motivation.** The agent token is compared with a plain equality operator, which "
     "tells an attacker how much of a guess was right from the time each comparison takes on the server.", True),
    # the asker's own story is an issue's
    ("Resizable settings window. I have a laptop whose screen is 768 pixels high, and the settings window neither "
     "fits on it nor scrolls, so the buttons at the bottom of the window cannot be reached at all.", False),
    ("Resizable settings window. A laptop whose screen is 768 pixels high cannot show the whole settings window, "
     "which neither fits on it nor scrolls, so the buttons at the bottom of the window cannot be reached.", True),
    # a wish is a feature request's
    ("Routes loaded on demand. It would be great to cut the first download of the app down to the shell and the "
     "home page, and to fetch the code of every other route only when people open that route for the first time.",
     False),
    ("Routes loaded on demand. The first download of the app holds the shell and the home page only, and the code "
     "of every other route is fetched when people open that route for the first time, from the same bundle host.",
     True),
    # a title that names a resource used too much, or a quality lacking, is an issue's
    ("High idle CPU usage on the map page. The map page keeps one core busy while nothing moves on it, and the fans "
     "of the laptops that leave it open in a tab spin up within a minute of the page being opened.", False),
    ("Dashboards are heavy and not performant. Every widget of the dashboard asks the server for its own data, and "
     "the page then waits for the slowest of the twenty answers before it draws anything at all.", False),
    # a pull request says what it is, or which issue it closes; a design record names the PRs that built it
    ("Shared reader for the import jobs. Partially addresses #7506. Each import job opens the archive on its own, "
     "and the three of them read the same index of the archive one after the other before they start their work.",
     False),
    ("Shared reader for the import jobs. The benchmarks in the PR show the difference. Each import job opens the "
     "archive on its own, and the three of them read the same index of the archive one after the other.", False),
    ("Shared reader for the import jobs. PR fixes the slow start of every import. Each import job opens the archive "
     "on its own, and the three of them read the same index of the archive one after the other.", False),
    ("Shared reader for the import jobs. PR #7506 gave each import job a reader of its own. Each import job opens "
     "the archive on its own, and the three of them read the same index of the archive one after the other.", True),
])
def test_a_long_write_up_is_a_design_proposal_only_under_a_title_and_without_a_failure(task: str,
                                                                                       proposal: bool) -> None:
    assert ("proposal" in read_request(task, []).shapes) is proposal


@pytest.mark.parametrize(("task", "question"), [
    ("Help the user learn how escape analysis decides heap versus stack allocation", True),
    ("Walk us through how the scheduler picks a thread", True),
    ("I'd like to learn how Raft elects a leader", True),
    ("trying to wrap my head around lifetimes in Rust", True),
    ("trying to find out why our worker crashes at midnight", False),  # a failure of the asker's, not a lesson
    ("Help the user fix the failing login test", False),
])
def test_a_request_to_be_taught_is_read_as_a_question_without_a_question_mark(task: str, question: bool) -> None:
    request = read_request(task, [])
    assert ("question" in request.shapes) is question
    assert request.teaching is question


@pytest.mark.parametrize(("task", "failure"), [
    ("How do you document error return values in a Go package so they show up in godoc?", False),
    ("What is the cleanest exception handling style for a Spring REST service?", False),
    ("Why do I get an error when the upload is over 2 MB?", True),
    ("How do you assert an exception in JUnit?", False),  # what a test expects, not a failure
    ("How should I catch errors from the payment client?", False),
    ("Why does my app throw an exception on startup?", True),
])
def test_an_error_named_as_a_kind_of_thing_is_no_failure_reported(task: str, failure: bool) -> None:
    assert ("bug-report" in read_request(task, []).shapes) is failure


@pytest.mark.parametrize(("task", "strength"), [
    ("UnboundLocalError on local variable when reassigned after first use", 1.0),  # the error is what it is about
    ("java.lang.NullPointerException when saving a draft", 1.0),
    ("Fix the NullPointerException when saving a draft", 0.7),  # a fix of it, in the code where it was
    ("Handle a TimeoutError from the payment client", 0.7),
])
def test_a_text_that_opens_with_an_error_reports_it_as_a_trace_does(task: str, strength: float) -> None:
    assert read_request(task, []).shapes["bug-report"] == strength


@pytest.mark.parametrize(("task", "report"), [
    ("Fix stale totals in the invoice view. The cache key was built before the currency was set, so two "
     "currencies shared one entry.", False),  # "so" tells an effect, not a cause
    ("Fix stale totals in the invoice view. Totals were stale because the cache key ignored the currency.", True),
    ("fix(worker): avoid a double close. Previously the pool closed each socket twice on shutdown.", True),
    ("Avoid the watcher hang. The timeout is caused by a lock taken in two orders.", True),
    ("Fix the docs link because it moved", False),  # a cause in the title only: a one-line fix
    ("Add a retry to the upload. Previously a dropped connection lost the file.", False),  # no fix, a feature
])
def test_a_fix_told_with_its_cause_reads_as_a_bug_report(task: str, report: bool) -> None:
    assert ("bug-report" in read_request(task, ["src/app.ts"]).shapes) is report
