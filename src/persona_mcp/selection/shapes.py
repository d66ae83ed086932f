"""The shape of a request: a question, a bug report, or a design write-up (`request_shapes`), and the marks that
tell them, which the reading of a request (`request.read_request`) shares: where its first sentence ends, a failure
it reports, an error it names, a request to be taught.

Every pattern here runs in time linear in the text: a trace line is matched at the start of each line,
after spaces or tabs (never `\\s*`, which would run across a page of blank lines from every one of them).
"""

from __future__ import annotations

import re

from persona_mcp.selection import tunables as t
from persona_mcp.text import STOPWORDS

# Where a sentence ends: the first one is the lead, where a request says what it is.
LEAD_END = re.compile(r"[.!?](?=\s|$)|\n")
_OWNED = re.compile(r"\b(?:my|our)\b", re.IGNORECASE)
# A request told for someone, or by them ("The user wants ...", "help me ..."): a design write-up speaks of neither.
_ASKED_FOR = re.compile(r"\b(?:the user(?:'s\b| (?:wants|needs|asks|would like|reports|noticed|discovered)\b)"
                        r"|(?:they (?:want|need)|help me|i'm|i (?:want|need))\b"
                        # work asked for: a proposal argues for a design, it does not ask a reader to do work
                        r"|please (?:write|add|fix|implement|create|make|update|remove|investigate)\b"
                        # ... or wished for ("It would be great to reduce the initial bundle size")
                        r"|would be (?:great|nice|cool|awesome|helpful|useful)\b"
                        # a commit's or a pull request's own account of what it does, or of the issue it closes ("PR
                        # fixes ...", "benchmarks in the PR", "Partially addresses #7506"): a design record names the
                        # PRs that built it ("PR #167 introduced ..."), but closes none
                        r"|(?:this|the|in) (?:commit|pr|pull request|patch)\b|pr (?:fixes|adds|removes|changes)\b"
                        r"|(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?|address(?:es|ed)?) (?:[\w.-]+/[\w.-]+)?#\d+)"
                        # the asker's own story ("I have a laptop with ...", "I tried ..."): a design argues for itself
                        r"|(?:^|[.!?]\s+|\n)I (?:have|get|got|tried|am|was|noticed|see|saw|ran|run|use|found|can't"
                        r"|cannot)\b", re.IGNORECASE)
_TITLE_END = re.compile(r"[.:!?](?=\s|$)|\n")  # a title ends as a sentence does, or at a colon ("Script setup: ...")
_INTERROGATIVE = re.compile(
    r"(?:how|why|what|what's|when|where|which|who|can|could|is|are|was|does|do|did|should|shall|will|would|may"
    r"|has|have|isn't|aren't|doesn't|don't|won't|can't)\b",
    re.IGNORECASE,
)
# Lines that start a stack trace (Python, Java, JavaScript, Go, Rust, C), and marks of one anywhere.
_TRACE_LINES = (r"[ \t]*File \"[^\"\n]+\", line \d+", r"[ \t]*at [\w$.<>/]+ ?\(?[^)\n]*:\d+", r"panic: ",
                r"goroutine \d+ \[", r"[ \t]*\w+(?:Error|Exception): ", r"[ \t]*#\d+[ \t]+0x[0-9a-f]+")
_TRACE_LINE = re.compile("|".join(_TRACE_LINES))  # matched at the start of each line (`has_trace`)
_TRACE_MARKS = ("Traceback (most recent call last)", 'Exception in thread "', "Segmentation fault", "SIGSEGV",
                "panic: runtime error", "fatal error: all goroutines are asleep")  # the last two: Go's, quoted inline
_PANIC = re.compile(r"thread '[^'\n]*' panicked at")  # Rust's, searched for where "' panicked at" is
_REPORT_PHRASES = ("steps to reproduce", "expected behavior", "expected behaviour", "actual behavior",
                   "actual behaviour", "to reproduce:")
# SQL's EXPLAIN ("EXPLAIN shows a seq scan", "explain analyze says ..."): a query plan, not a request to be taught.
SQL_EXPLAIN = r"(?-i:EXPLAIN\b)|explain(?=\s+(?:analy[sz]e|plan|output|select|verbose)\b)"
NOT_SQL_EXPLAIN = r"(?!" + SQL_EXPLAIN + ")"
# A request that opens by asking to be taught ("Explain ...", "Help the user learn how ...", "trying to get my head
# around ..."): a question, though it has no question mark.
TEACH_ME = re.compile(r"(?:please\s+)?(?:" + NOT_SQL_EXPLAIN + r"explain|describe how|teach (?:me|us|the user)"
                       r"|walk (?:me|us|the user) through"
                       r"|help (?:me|us|the user|them) (?:understand|learn|grasp)|the user wants to learn"
                       r"|i(?: want| need| would like|'d like) to learn"
                       r"|(?:i'm |i am )?trying to (?:learn|(?:get|wrap) (?:my|our) head around))\b", re.IGNORECASE)
# ... unless it says in which document the explanation goes ("Explain the retry option in the README", "Describe how
# tokens expire in the user guide"): that is docs work, and what is explained is the docs' subject.
_IN_DOCS = re.compile(r"\bin (?:the|a|an|our|its|this|each) (?:[\w.-]+ ){0,2}?(?:docs?|documentation|readme(?:\.md)?"
                      r"|guides?|manual|wiki|faq|handbook|tutorial|changelog|comments?|docstrings?|javadoc|jsdoc)"
                      # ... the document itself, not a thing named after it ("a crash in the docs build")
                      r"(?=\s*(?:[.,;:!?)]|$)|\s+(?:and|or|so|for|with|to|that|which|where|when|of|about|on|as)\b)",
                      re.IGNORECASE)


def explained_in_docs(text: str) -> re.Match[str] | None:
    """Where an opening that asks for an explanation names the document it goes in ("... in the README")."""
    asked = TEACH_ME.match(text)
    if asked is None:
        return None
    end = LEAD_END.search(text, asked.end())
    return _IN_DOCS.search(text, asked.end(), end.end() if end else len(text))


# Two things set side by side and nothing else ("Interface vs Abstract Class (general OO)", "Spring: @Component versus
# @Bean"): a request to be taught the difference. With a word of one's own or a context ("Event sourcing vs plain CRUD
# for our ledger") it weighs a choice instead.
_BARE_COMPARISON = re.compile(r"(?:[\w.-]+:\s+)?[\w.@#+/-]+(?: [\w.@#+/-]+){0,3} (?:vs\.?|versus) [\w.@#+/-]+"
                              r"(?: [\w.@#+/-]+){0,3}(?: \([^()\n]{1,30}\))?\s*\??", re.IGNORECASE)


def bare_comparison(text: str) -> bool:
    """Whether the text only sets two things side by side (`_BARE_COMPARISON`)."""
    return bool(_BARE_COMPARISON.fullmatch(text.strip())) and not _OWNED.search(text)


# An error named as code names it: ModuleNotFoundError, NullPointerException; or by a compiler's code for it (rustc's
# E0502, TypeScript's TS2345, C#'s CS0246).
ERROR_WORD = r"[a-z](?:Error|Exception)"  # the end of an error's name, as code writes it
ERROR_NAME = re.compile(ERROR_WORD + r"\b|\b(?:E|TS|CS)\d{4,5}\b")
# ... and one that opens the text: the error is what it is about ("UnboundLocalError on local variable when ...").
_OPENING_ERROR = re.compile(r"[\w.$]*" + ERROR_WORD + r"\b")
# A failure reported: a crash, a hang, a leak, an error (not error handling), a regression.
FAILURE = re.compile(r"\b(?:crash(?:es|ed|ing)?|segfaults?|panics?|hangs?|freezes?|deadlocks?|leaks?|fail(?:s|ed|ing)?"
                      r"|(?:errors?|exceptions?)(?!\s+(?:handling|handlers?|return|values?|types?|codes?|messages?|class"
                      r"|pages?|boundar(?:y|ies)|states?|reporting|tracking|logging)\b)"
                      r"|broken|regress(?:ed|ion)?|never\s+(?:completes?|finish(?:es)?|returns?"
                      r"|resolves?|fires?|gets\s+called|wakes?\s+up))\b", re.IGNORECASE)
# ... but not an error or an exception that code is to assert, expect or catch ("How do you assert an exception in
# JUnit?"): a kind of thing, no failure.
_HANDLED = re.compile(r"\b(?:assert|expect|catch|handl|test)\w*\s+(?:[\w-]+\s+)?$", re.IGNORECASE)


def _reports_failure(text: str) -> bool:
    """Whether a text reports a failure (`FAILURE`) other than an error or an exception that code handles."""
    return any(not (found.group(0).lower().startswith(("error", "exception"))
                    and _HANDLED.search(text, max(0, found.start() - 40), found.start()))
               for found in FAILURE.finditer(text))


# "Do not copy comments", "Don't create a regex in the loop": an instruction, not a question, without a "?".
_PROHIBITION = re.compile(r"(?:do|does|did|should|must|will|can)(?:\s+not\b|n't)|won't|can't", re.IGNORECASE)
# An enhancement proposal or a decision record named by its number ("KEP-2000: Graceful Node Shutdown",
# "PEP 703 - Making the GIL optional" with a dash of any kind, "RFC 2394: async/await"), after any [tags].
_PROPOSAL_ID = re.compile(r"(?:\[[^\]\n]{1,40}\]\s*)*(?!STEP)(?:[A-Z]{1,4}EP|PIP|KIP|FLIP|SPIP|RFC|ADR)"
                          r"[- ]?#?\d+\s*[:\u2013\u2014-]\s+\w")
# ... or one that says what it is ("This RFC proposes ...", "This PEP describes ...", "This is a conventions RFC"): a
# pull request or a commit that "introduces" something does not, nor a document of the docs ("This document ...").
_SELF_NAMED = re.compile(r"\bthis (?:rfc|pep|kep|jep|adr|proposal|design doc(?:ument)?|enhancement proposal)"
                         r" (?:proposes|describes|introduces|specifies|defines|outlines|records|presents|suggests"
                         r"|adds|provides|explores|discusses|aims)\b"
                         r"|\bthis is an? (?:[\w-]+ ){0,2}(?:rfc|proposal|pep|kep)\b(?!\s*\d)", re.IGNORECASE)
# A question asked after a first sentence that tells the story ("Typing in the field makes the input lose focus.
# What can be used instead?", "I tried force-unlock. Could anyone give me a clue?"): a sentence that ends in "?"
# and asks (`_ASKS`).
_LATER_QUESTION = re.compile(r"[.!?]\s+([^.!?\n]{3,200}\?)(?=\s|$)")
_ASKS = re.compile(r"\b(?:how|why|what|which|where|when|could|can|would|should|is there|are there|does|do)\b",
                   re.IGNORECASE)
# A fix told with its cause: it opens by fixing or avoiding something, and a later sentence says why it happened
# ("Fix duplicate export errors. ... were incorrectly transformed", "Avoid watcher deadlock. The timeout is caused by
# ..."). Such a change is the end of a root-cause analysis.
_FIX_OPENING = re.compile(r"(?:[\w-]+(?:\([^)\n]*\))?!?:\s*)?(?:fix(?:es|ed)?|avoid|prevent|resolve[sd]?|correct)\b",
                          re.IGNORECASE)
_CAUSE = re.compile(r"\b(?:due to|caused by|because|root cause|the cause|turns out|the (?:problem|issue|bug) (?:is|was)"
                    r"|this happens|previously|accidentally|incorrectly|wrongly|by mistake|race condition)\b",
                    re.IGNORECASE)
# A title that names a problem ("LIKE is way too slow", "Markdown rendering leaves an XSS vulnerability", "Docs out of
# sync", "Login page bypass"): an issue's, not a design record's.
_PROBLEM = re.compile(r"\b(?:slow\w*|vulnerab\w*|failures?|invalid|missing|out of sync|issues?|bypass|problems?"
                      r"|exposed|in clear ?text|unencrypted"
                      r"|bugs?|flaky|(?:does not|doesn't|not) work|bad|wrong|incorrect\w*"
                      # ... or says what does not happen, or is not as it should be ("Dropdown does not show the
                      # ellipsis", "Misaligned labels on mobile")
                      r"|(?:does|do|did|is|are|was|were|can|could|will|would)(?: not|n't)|cannot|unable to"
                      r"|misalign\w*|glitch\w*|typos?|outdated|inconsistent\w*|confusing|unclear"
                      r"|too (?:low|high|small|big|large|long|short|many|few|much|little|slow|fast)|not \w+ing"
                      # ... or what it lacks, or an HTTP error it answers with ("has no text label", "A 500 status")
                      r"|(?:has|have|had) no|lacks?|[45]\d\d (?:status|error|response)(?:es|s)?"
                      # ... or a resource it uses too much of, or a quality it lacks ("high idle cpu usage", "Dashboards
                      # are hot and not performant")
                      r"|high (?:idle )?(?:cpu|memory|ram|latency|load|disk)|not (?:performant|efficient|scalable))\b",
                      re.IGNORECASE)
# What marks an issue, a ticket or a pull request (`_ticket`), which a design write-up is not:
# the headings of an issue form ("Describe the bug", "What did you expect to see?", "Is your feature request related to
# a problem?");
_ISSUE_FORM = re.compile(r"\b(?:describe the (?:bug|problem|issue|solution)|bug (?:description|report)\b"
                         r"|problem description|current behaviou?r|what happened|what did you (?:do|expect|see)"
                         r"|is there an existing issue|is your feature request|describe alternatives)", re.IGNORECASE)
# a change's kind before the title ("fix(ui): ...", "refactor: ...") or a tracker's label in brackets ("[Feature] ...",
# "[Technical Debt] ...", "[accessibility]: ..."), but for a design's own ("[RFC] ...", "[Proposal] ...");
DEFECT_KINDS = r"(?:fix|bugfix|hotfix|bug)"  # the kinds of a change or an issue that mend a defect
_KINDS = r"(?:" + DEFECT_KINDS + r"|feat|feature|refactor|chore|perf|tests?|build|ci|style|revert|docs?)"
_DESIGN_LABEL = r"(?:rfc|pre-rfc|proposal|design|adr|kep|spec|draft|wip)\b"
_CHANGE_KIND = re.compile(r"(?:\[(?!" + _DESIGN_LABEL + r")[^\]\n]{1,40}\]:?|" + _KINDS
                          + r"(?:\([^)\n]{0,40}\))?!?:)\s", re.IGNORECASE)
# a title that asks for a task to be done ("Update the installation guide for Windows.", "Reduce cyclomatic
# complexity.", "Pin third-party actions to commit SHAs."), where a design record's states a decision ("Adopt
# PostgreSQL for the event store", "Replace X with Y", "Use Z") and a proposal's ends in a colon (verbs that also name
# things, "Test strategy ...", "Document store ...", "Upgrade path ...", are left out; a dot inside a word, as in
# "settings.py", ends no title);
_TASK_TITLE = re.compile(r"(?:please )?(?:add|update|fix|set ?up|rename|reduce|lower|improve|clean ?up|enable|disable"
                         r"|pin|bump|ensure|warn|validate|rework|prevent|avoid|investigate|automate|automatically)\b"
                         r"(?:[^.:!?\n]|[.:](?=\S))*\.{1,2}(?=\s|$)", re.IGNORECASE)
# a task list ("- [ ] ..."); or headings that are all others than a design record's ("## Description", "**Problem.**",
# "## Steps", "## Acceptance criteria"). A design record's are its context, decision and consequences, a proposal's
# its motivation, goals, design and alternatives (the headings of Nygard's and MADR's decision records, of RFCs and
# KEPs).
_TASK_LIST = re.compile(r"(?:^|\s)[-*] \[[ xX]\] ")
_HEADING = re.compile(r"(?:^|(?<=\s))#{1,6}[ \t]+(\w[\w -]{0,30})"  # "## Problem"
                      r"|(?:^|(?<=[\n.!?:]))[ \t]*\*\*(\w[^*\n]{0,60})\*\*")  # bold, opening a line or a sentence
_DESIGN_HEADING = re.compile(r"(?:context|decision|status|consequences|motivation|background|goals|non-goals|proposal"
                             r"|(?:detailed |proposed |technical )?design|alternatives|drawbacks|rationale|prior art"
                             r"|unresolved|considered options|options considered|abstract|specification|future "
                             r"possibilities|guide-level|reference-level|problem statement|requirements|scope)\b",
                             re.IGNORECASE)


def _ticket(text: str) -> bool:
    """Whether a write-up reads as an issue, a ticket or a pull request rather than a design record."""
    head = text[: t.READ_CHARS]
    if _ISSUE_FORM.search(head) or _CHANGE_KIND.match(head) or _TASK_TITLE.match(head) or _TASK_LIST.search(head):
        return True
    headings = [found.group(1) or found.group(2) for found in _HEADING.finditer(head)]
    return bool(headings) and not any(_DESIGN_HEADING.match(heading) for heading in headings)


_TEAM_DECISION = re.compile(r"\b(?:should|shall|do|can|could|must|will|would) we\b", re.IGNORECASE)

SHAPE_TEXT = {
    "question": "the task is a question",
    "proposal": "the task is a design write-up",
    "bug-report": "the task carries a stack trace or a bug report",
}


def has_trace(text: str) -> bool:
    """Whether the text carries a stack trace (Python, Java, JavaScript, Go, Rust, C) or a crash report."""
    # Line by line: a search for "a line start, then ..." tries every character of the text.
    if any(mark in text for mark in _TRACE_MARKS) or ("' panicked at" in text and _PANIC.search(text)):
        return True
    return any(_TRACE_LINE.match(line) for line in text.split("\n"))


def request_shapes(text: str, lowered: str, files: list[str], task_words: list[str],
                   code: list[bool]) -> dict[str, float]:
    """The shapes the request has, each with a strength in (0, 1]; `code` says which words come from code
    (`code spans` and identifiers): a write-up's function words are counted outside it."""
    shapes: dict[str, float] = {}
    end = LEAD_END.search(text)
    lead = text[: end.end()] if end else text
    if has_trace(text) or _OPENING_ERROR.match(text):  # a report of that error, as a trace is
        shapes["bug-report"] = 1.0
    elif any(phrase in lowered for phrase in _REPORT_PHRASES) or ERROR_NAME.search(text, 0, t.READ_CHARS):
        shapes["bug-report"] = 0.7
    if lead.rstrip().endswith("?") or (_INTERROGATIVE.match(lead) and "?" in text):
        # "Which fixes should we backport?" plans the team's work; "How do I ...?" asks to learn;
        # "Why does the worker segfault?" reports a failure.
        shapes["question"] = 0.4 if _TEAM_DECISION.search(lead) else (1.0 if not files else 0.5)
        if _reports_failure(lead):
            shapes["question"] = 0.4
            shapes["bug-report"] = max(shapes.get("bug-report", 0.0), 0.7)
    elif (_INTERROGATIVE.match(lead) and not _PROHIBITION.match(lead) and len(task_words) <= 25 and not files) \
            or (TEACH_ME.match(lead) and not explained_in_docs(lead)) or (not files and bare_comparison(text)):
        shapes["question"] = 0.6
    later = _LATER_QUESTION.finditer(text[: t.READ_CHARS])
    if "question" not in shapes and any(_asks(found.group(1)) for found in later):
        shapes["question"] = 0.6 if not files else 0.4  # a question asked after the story: as a short one
    if "bug-report" not in shapes and end and _FIX_OPENING.match(text) and _CAUSE.search(text, end.end(), t.READ_CHARS):
        shapes["bug-report"] = t.EXPLAINED_FIX
    if _PROPOSAL_ID.match(text) or _SELF_NAMED.search(text, 0, t.READ_CHARS):
        shapes["proposal"] = 1.0
    elif not files and not shapes and len(task_words) >= t.PROPOSAL_WORDS and _is_prose(task_words, code) \
            and _titled(text) and not FAILURE.search(lead) and not _PROBLEM.search(lead) \
            and not ERROR_NAME.search(lead) and not _ticket(text) and not _ASKED_FOR.search(text, 0, t.READ_CHARS):
        # A write-up whose first sentence reports a failure ("my tokio server just hangs forever after ...")
        # tells a bug's story, not a design.
        shapes["proposal"] = min(1.0, 0.5 + (len(task_words) - t.PROPOSAL_WORDS) / 100)
    return shapes


def _titled(text: str) -> bool:
    """Whether a write-up opens with a title ("Plan caching in the runtime. Plans are ...", "Script setup: ..."), as
    design records and proposals do; a request told at length ("The user wants to add an endpoint that validates
    the payload, stores the order and ...") opens with a long sentence."""
    end = _TITLE_END.search(text)
    title = text[: end.start()] if end else text
    # ... and a title names the work in general terms: "... endpoint to our FastAPI app." is the asker's own.
    return len(title.split()) <= t.PROPOSAL_TITLE_WORDS and not _OWNED.search(title)


def _asks(sentence: str) -> bool:
    """Whether a sentence that ends in "?" asks something of the reader: a question word, and at least three words
    ("Why? The key was stale." in a commit body only announces its answer)."""
    return len(sentence.split()) >= 3 and bool(_ASKS.search(sentence))


def _is_prose(task_words: list[str], code: list[bool]) -> bool:
    """Sentences, not a list of terms: prose is about a third function words ("the", "of", "we"), counted
    among the words outside code (a design write-up often quotes a signature), which are at least half."""
    prose_words = [word for word, in_code in zip(task_words, code, strict=True) if not in_code]
    return (2 * len(prose_words) >= len(task_words)
            and sum(word in STOPWORDS for word in prose_words) >= t.PROSE_SHARE * len(prose_words))
