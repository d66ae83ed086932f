"""The words of a request that name a kind of work without asking for it (`read_asides`), which
`Request.factor` weighs down: tests or docs that come with the work, what docs are about or what a pipeline
runs, a kind of work named to say when something began, a word in its everyday sense ("Build a form"), and a
path of the task's own files written out in its text.

Every pattern here runs in time linear in the text, and only where the text holds what each of its matches
needs (its `_NEEDS`): most requests have none of these. The patterns are written in lower case and search the
lowered head, which has the head's length (the head is `text.fold`ed: no letter it holds lowers to two), so a
match's places are the head's; `DOCS_ABOUT`, shared with `request`, ignores case itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from persona_mcp.selection.shapes import LEAD_END, SQL_EXPLAIN
from persona_mcp.text import DOCUMENT_ENDS, STOPWORDS

# Tests or docs that come with the work ("Throttle reworked with tests", "Add the retry option and docs", "Replace
# the parser, add unit test"), or that it keeps as they were ("every declaration keeps its doc comment"): like a test
# file beside the code it tests, they say less of what the change is about (`ACCOMPANYING_FACTOR`).
_ALONG = re.compile(r"(?:\b(?:with|and|plus|including|includes|keeps?|keeping|preserv(?:es|ing)|retain(?:s|ing)?)"
                    r"|\+|[,;]\s*(?:and\s+)?(?:add(?:s|ed)?|updat(?:e|es|ed)))\s+(?:(?:a|an|unit|regression|e2e|integration|more|new|some|updated|the|its"
                    r"|their|existing|all|covering|matching|corresponding|accompanying|relevant|additional|extra)\s+){0,2}"
                    r"(?:tests?|specs?|docs|documentation|doc\s+comments?|docstrings|javadocs?)"
                    r"(?![\w-])")
# Each search's `_NEEDS`: text that every match of it holds, so that it runs only where the head has some (`says`).
_ALONG_NEEDS = ("test", "spec", "doc")
# ... and how a change was checked, told in a clause of its own after its first words ("; tested using the existing
# tests", "Verified on Linux and Windows", "Tests pass without golden updates"): every word of the clause.
_CHECKED = re.compile(r"(?:[.;:]\s+|\n\s*)(?:(?:i|we)\s+(?:have\s+)?)?"
                      r"(?:(?:tested|verified)\s+(?:it\s+|this\s+|that\s+)?(?:with|using|on|against|via|by|locally"
                      r"|manually)\b|(?:(?:all|the|existing|unit)\s+)*tests?\s+(?:still\s+)?pass(?:es|ed)?\b)[^.;\n]*")
_CHECKED_NEEDS = ("tested", "verified", "pass")
# ... also when a later sentence asks for them besides ("Unit tests for the parser are also needed", "Also add
# tests for the retry"): the tests or docs word is the group that matched (`w` or `v`).
_ALSO = re.compile(r"(?P<w>\b(?:tests?|specs?|docs|documentation))\b[^.;\n]{0,60}?\b(?:are|is)\s+also\s+"
                   r"(?:needed|required|wanted|welcome)|\balso\s+(?:add|write|update|include|cover)\s+(?:[\w-]+\s+){0,2}?"
                   r"(?P<v>(?:tests?|specs?|docs|documentation))(?![\w-])")
_ALSO_NEEDS = ("also",)
# What docs are about ("Add docs about async tests", "Improved Javadocs on the client API", "Update the docs to
# mention the deadlock"): the words after it, to the end of the sentence, name the docs' subject, not the kind of
# work (`DOCS_SUBJECT_FACTOR`).
# The subject starts at the word that joins it ("explaining" of "comments explaining the bit tricks" says how the
# docs relate to their subject, not that anyone asks to be taught).
DOCS_ABOUT = re.compile(r"\b(?:docs?|documentation|instructions?|javadocs?|jsdoc|tsdoc|docstrings?|readme|guides?"
                         r"|tutorials?|comments?|runbooks?|changelog|contributing(?:\.md)?)(?:\s+[\w-]+){0,2}?\s+"
                         r"(?P<on>about|on|for|of|regarding|explaining|describing|covering|showing|mentioning"
                         r"|to (?:mention|explain|describe|clarify|note|cover|show|reflect)"
                         r"|(?:that|which) (?:explains?|describes?|shows?|covers?))\b", re.IGNORECASE)
_DOCS_ABOUT_NEEDS = ("doc", "instruction", "readme", "guide", "tutorial", "comment", "runbook", "changelog",
                     "contributing")
# ... and a part of a document, when it says what it tells of ("Add a section about avoiding N+1 queries", "add an entry
# explaining prepared statements"): a section or a page "for" or "on" something may be a screen's.
_PART_ABOUT = re.compile(r"\b(?:sections?|entry|entries|pages?|notes?|paragraphs?|chapters?)(?:\s+[\w-]+){0,2}?\s+"
                         r"(?P<on>about|regarding|explaining|describing|covering"
                         r"|(?:that|which) (?:explains?|describes?|covers?))\b")
_PART_ABOUT_NEEDS = ("about", "regarding", "explain", "describ", "cover")
# ... and the words before a doc named as the work's object ("update releasing instructions"): what it documents.
_DOC_NOUNS = frozenset({"docs", "doc", "documentation", "instructions", "guide", "guides", "readme", "tutorial",
                        "tutorials", "docstrings", "javadoc", "javadocs", "manual", "handbook", "faq", "wiki"})
# ... and the parts of a document that are named so in a change made only of documents ("add testing section").
_DOC_PARTS = frozenset({"section", "sections", "page", "pages", "chapter", "chapters", "paragraph", "entry"})
# ... and the words after a verb of docs work that opens the request ("Describe release/publish steps").
_DOC_VERBS = frozenset({"document", "documented", "documents", "describe", "described", "describes", "clarify",
                        "clarified", "clarifies", "reword", "reworded", "rephrase", "rephrased"})
# A path or a file name written in the task ("scripts/build.js", "SECURITY.md"): its words name a file (`named_files`).
_PATH_TOKEN = re.compile(r"[\w.@/-]+")  # a run of a path's characters, one match per run: linear in the text
# What a pipeline, a workflow or a hook runs ("a GitHub Actions workflow that runs the test suite"): the words
# after it, to the end of the sentence, say what it runs, not the kind of work, as a docs' subject does.
_RUNS = re.compile(r"\b(?:(?:workflows?|pipelines?|jobs?|actions?|hooks?|ci)\s+"
                   r"(?P<on>(?:that|which|to)\s+(?:runs?|executes?|test(?:s|ing)?)(?![\w-]))"
                   # ... or the checks it runs listed after it ("Add a GitHub Actions workflow (unit tests, lint,
                   # build)"; not "the nightly job (it leaks memory)")
                   r"|(?:workflows?|pipelines?|jobs?|ci)\s+(?P<listed>\((?=[^)\n]{0,80}?\b(?:tests?|lint\w*|checks?"
                   r"|builds?|coverage|typecheck\w*|format\w*)\b)))")
_RUNS_NEEDS = ("run", "execut", "test", "(")
# ... and tests named as what CI runs ("Add testing workflow", "Run unit tests in CI", "drop the e2e test job",
# "go test on PRs"): the change is to the pipeline, and the tests' words say what it runs.
_CI_TESTS = re.compile(r"\b(?P<on>(?:(?:unit|e2e|end-to-end|integration|regression|smoke)\s+)?(?:tests?|testing|specs?)"
                       r"(?:\s+suites?)?)\s+(?:(?:workflows?|pipelines?|jobs?|matrix|matrices|runners?|ci)\b"
                       r"|(?:in|on|via|under|using|with|through)\s+(?:the\s+|our\s+)?(?:ci|github\s+actions"
                       r"|gitlab(?:\s+ci)?|circle\s?ci|travis(?:\s+ci)?|jenkins|buildkite|azure\s+pipelines"
                       r"|pipelines?|workflows?|(?:every|each)\s+(?:prs?|pull\s+requests?|push(?:es)?)"
                       r"|(?:prs?|pull\s+requests?)(?=\s*(?:[.,;:!?)]|$))|push(?:es)?\s+to)\b)")
_CI_TESTS_NEEDS = ("test", "spec")
# When a failure began, or when a check runs: "broken since the refactor", "after the Gradle upgrade", "before deploy",
# "since Tuesday's deploy".
_TIMING = re.compile(r"\b(?:since|after|before)\s+(?:(?:the|our|a|an|my|last|yesterday's|today's|this|that|recent"
                     r"|latest|every|each)\s+)?(?:[\w.-]+(?:'s)?\s+)?(?P<w>upgrade|update|migration|refactor(?:ing)?"
                     r"|release|deploy(?:ment)?|merge|rewrite|bump|rollout)s?\b")
_TIMING_NEEDS = ("since", "after", "before")
# A word of a kind of work used in its everyday sense, which is not the work: each sense names its word, and is
# searched for only where the head holds the text its matches need (its first element, as `_NEEDS` above). A sense
# that tells a word by its case (SQL's EXPLAIN, `_BY_CASE`) is searched in the head as written.
_EVERYDAY_SENSES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("build", "writ"), r"(?P<make>build(?:s|ing)?|writ(?:e|es|ing))\s+(?:a|an)\b"),  # "Build a settings screen"
    # "cleans up created pg pools", "clean up expired sessions": releasing what a program holds, or deleting its data
    (("clean",), r"(?P<release>clean(?:s|ed|ing)?\s+up)\s+(?:(?:the|any|all|its|their|created|open|opened|leaked|idle"
                 r"|expired|old|stale|orphaned|dangling)\s+){0,3}"
                 r"(?:[\w-]+\s+)?(?:pool|connection|socket|handle|listener|timer|subscription|process|goroutine|thread"
                 r"|resource|lock|worker|temp(?:orary)? file|session|record|row|token|upload|artifact|backup|snapshot"
                 r"|log file)s?\b(?!\s+(?:handling|code|logic|module|class|helper|util))"),
    # a program's cleanup phase: "when cleaning up", "did not clean up when the pool was closed"
    (("clean",), r"(?:when|while|during|after|before)\s+(?P<phase>clean(?:ing)?\s+up|cleanup)\b"
                 r"|(?P<then_clean>clean(?:s|ed)?\s+up)(?=\s+(?:when|after|once|on\s+(?:close|exit|shutdown|unmount"
                 r"|dispose)))"),
    # "Release the memory of the arena", "releases the GIL": freeing what a program holds, not shipping a version
    (("releas",), r"(?P<free>releas(?:e|es|ed|ing))\s+(?:(?:the|any|all|its|their|our|a|an|held|unused|idle|pooled)"
                  r"\s+){0,2}(?:[\w-]+\s+)?(?:memory|lock|mutex|semaphore|gil|buffer|handle|connection|socket|resource"
                  r"|reference|pointer|file descriptor|fd|guard|permit)s?\b"),
    # ... and said of what was held: "the lock was released before the map was cleared"
    (("releas",), r"(?:memory|lock|mutex|semaphore|gil|buffer|handle|connection|socket|resource|reference|pointer"
                  r"|guard|permit)s?\s+(?:is|are|was|were|gets|got|(?:has|have|had)\s+been|being)\s+"
                  r"(?:(?:\w+ly|not|never|already|always|also)\s+)?(?P<freed>releas(?:ed|ing))\b"),
    (("fail",), r"(?P<handle>fail(?:s|ing)?)\s+(?:loudly|fast|early|gracefully)\b"),  # how code is to handle an error
    (("explain",), r"(?P<sql>" + SQL_EXPLAIN + ")"),  # SQL's EXPLAIN: a query plan, not an explanation
    # "roll back if the PATCH fails", "fall back to the cache in case the API fails": what the code is to do then
    (("fail",), r"(?:if|in case|unless)\s+(?:(?:the|a|an|any|it|they|this|that)\s+)?(?:[\w.-]+\s+){0,2}?"
                r"(?P<then>fail(?:s|ed)?)\b"),
    # "fail the build if the image has critical vulns": a check that a pipeline runs, not a failure to debug
    (("fail",), r"(?P<gate>fail(?:s|ing)?)\s+(?:the|a|an|our|its|any)\s+(?:[\w-]+\s+)?(?:build|job|pipeline|check|ci"
                r"|step|workflow|run|pr|pull request|merge)s?\b"),
    (("roll",), r"(?P<undo>roll(?:s|ed|ing)?\s+back)(?=\s+(?:if|when|on|in case|unless)\b)"),  # what code undoes
    (("thread",), r"(?P<pass>thread(?:s|ed|ing)?)\s+(?:the|it|them|this|that|its|their)\b"),  # "thread the config"
    # "Migrate Label to TypeScript", "migrate callbacks to async/await": code moved to a new form, no schema migration
    (("migrat",), r"(?P<move>migrat(?:e|es|ed|ing))\s+(?![^.\n]{0,60}?\b(?:database|db|schemas?|tables?|columns?"
                  r"|rows|records|data)\b)(?:[\w.@/`'-]+\s+){0,4}?(?:to|from)\b"),
    # "Write a migration to add a status column": a schema migration and what it is for, no code moved to a new form
    (("migration",), r"(?P<purpose>migrations?\s+to)\s+(?:add|drop|remove|rename|create|alter|change|backfill"
                     r"|populate|index|make|set|convert|split|merge|move)\s+(?=[^.\n]{0,60}?\b(?:columns?|tables?"
                     r"|index(?:es)?|schemas?|fields?|rows?|constraints?|keys?|db|database)\b)"),
    # "Fixed a bug where the dropdown ...", "Fix two rendering bugs in ...": a task that opens by telling of a fix,
    # whose work is where the defect was; every kind of work has bugs ("find the bug" still hunts one, and "This
    # fixes a bug where ..." in a commit's body leads to its cause)
    (("bug",), r"\Afix(?:es|ed|ing)?\s+(?:(?:a|an|the|some|several|two|three|many|minor|small|\d+)\s+)?(?:[\w-]+\s+)?"
               r"(?P<fixed>bugs?)\b|\A(?P<bugfix>bugs?)\s+fix(?:es)?\b"),
    # "a compile-time array", "build-time constants": hyphenated before a noun, when code is evaluated or checked,
    # not how long a build takes ("compile-time regression" still is)
    (("-time",), r"(?P<when>(?:compile|build|link)-time)\s+(?!(?:performance|speed|regressions?|improvements?"
                 r"|overhead|costs?|increase|reduction|budget)\b)(?=[a-z])"),
    # "a couple of spots", "the couple of calls": a few, no coupling between modules
    (("couple",), r"(?:a|the)\s+(?P<few>couple)\b"),
    # "Is it wrong to use a boolean parameter ...?", "would it be wrong to ...": a practice judged, no failure reported
    (("wrong",), r"\b(?:(?:is|was)\s+(?:it|this|that)|it\s+be)\s+(?:really\s+|so\s+|always\s+)?"
                 r"(?P<judged>wrong)\s+to\b"),
    # "when extracting archives", "extract the zip": unpacking files, no code extracted into a function
    (("extract",), r"(?P<unpack>extract(?:s|ed|ing)?)\s+(?:(?:the|an?|all|its|their|our|compressed|downloaded"
                   r"|uploaded|nested)\s+){0,2}(?:archives?|zips?|zip files?|tarballs?|tar files?|tars?|jars?)\b"),
    # "this block of python code", "a try block": a stretch of code, nothing blocked
    (("block",), r"(?P<stretch>blocks?)\s+of\s+(?:[\w+#.-]+\s+)?(?:code|statements?|lines?)\b"
                 r"|(?:code|try|catch|except|finally|if|else|with|unsafe|async|static|synchronized|do)\s+"
                 r"(?P<statement>blocks?)\b"),
    # "for example, ...", "explain it with a simple example": how something is told, not documentation work
    (("example",), r"for\s+(?P<instance>example)\b|with\s+(?:an?\s+|some\s+)?(?:(?:simple|small|short|concrete"
                   r"|minimal|quick|real|code)\s+)?(?P<shown>examples?)\b"),
)
_BY_CASE = "(?-i:"  # where a pattern minds case again
_EVERYDAY = tuple((needs, re.compile(r"\b(?:" + sense + ")", re.IGNORECASE if _BY_CASE in sense else 0))
                  for needs, sense in _EVERYDAY_SENSES)


@dataclass(frozen=True)
class Asides:
    """What `read_asides` found, as the places of the words (their index in the request's words)."""

    along: frozenset[int] = frozenset()  # the words of tests or docs that come with the work (`_ALONG`, `_ALSO`)
    subject: frozenset[int] = frozenset()  # the words that say what docs are about, or what a pipeline runs
    timing: frozenset[int] = frozenset()  # a kind of work named to say when ("since the refactor")
    everyday: frozenset[tuple[int, int]] = frozenset()  # words of work in their everyday sense ("Build a form")
    named_files: frozenset[int] = frozenset()  # the words of a path the task names that is one of its files


def read_asides(head: str, words: list[str], count: Callable[[int], int], opening: int, lead: int,
                paths: list[str], asked: bool) -> Asides:
    """Read the asides of a request's start (`head`), whose words are `words`; `count(chars)` tells how many of
    them start within its first `chars` characters. The work opens at word `opening`, the first sentence has
    `lead` words, and `asked` tells whether it opens by asking for an explanation (`shapes.TEACH_ME`)."""
    said = head.lower()  # what the searches read, and look for what they need in (`says`)
    # The last word of each "with tests", the tests asked for "also", and how the change was checked: a test or a doc
    # that comes with the work, never the work itself.
    along: frozenset[int] = frozenset()
    if says(said, _ALONG_NEEDS):
        along = frozenset(count(match.end()) - 1 for match in _ALONG.finditer(said) if match.start() > 0)
    if says(said, _ALSO_NEEDS):
        along |= frozenset(count(match.end(match.lastgroup or "w")) - 1 for match in _ALSO.finditer(said))
    if says(said, _CHECKED_NEEDS):
        along |= frozenset(at for checked in _CHECKED.finditer(said)
                           for at in range(count(checked.start()), count(checked.end())))
    subject: set[int] = set()
    runs = _RUNS.search(said) if says(said, _RUNS_NEEDS) else None
    docs = DOCS_ABOUT.search(head) if says(said, _DOCS_ABOUT_NEEDS) else None
    part = _PART_ABOUT.search(said) if says(said, _PART_ABOUT_NEEDS) else None
    for about in (docs, part, runs):
        if about is not None:  # to the end of its sentence
            end = LEAD_END.search(head, about.end())
            last = count(end.end()) if end is not None else len(words)
            subject.update(range(count(about.start(about.lastgroup or "on")), last))
    if says(said, _CI_TESTS_NEEDS):
        for run_by_ci in _CI_TESTS.finditer(said):
            subject.update(range(count(run_by_ci.start("on")), count(run_by_ci.end("on"))))
    # ... and the words that qualify a doc named as the work's object: "update releasing instructions", "Fix the
    # installation docs" are documentation of releasing and of installing; so is a part of a document in a change made
    # only of documents ("add testing section" to docs/testing.md), where a page's section may be a screen's.
    in_docs = bool(paths) and all(path.lower().endswith(DOCUMENT_ENDS) for path in paths)
    doc_nouns = _DOC_NOUNS | _DOC_PARTS if in_docs else _DOC_NOUNS
    for at in range(opening + 1, min(lead, opening + 4)):  # the doc is the verb's object: among its next 3 words
        if words[at] in doc_nouns and (at + 1 >= lead or words[at + 1] in STOPWORDS):  # the phrase's head
            subject.update(i for i in range(opening + 1, at) if words[i] not in STOPWORDS)
            break
    if words[opening:opening + 1] and words[opening] in _DOC_VERBS and not asked and (in_docs or not paths):
        # "Describe release/publish steps", "Document the retry option": what follows is what the docs tell, unless
        # the change is to code ("Clarify deprecation of orUpdate" in a query builder)
        subject.update(range(opening + 1, lead))
    timing: frozenset[int] = frozenset()
    if says(said, _TIMING_NEEDS):
        timing = frozenset(count(found_when.end("w")) - 1 for found_when in _TIMING.finditer(said))
    everyday: set[tuple[int, int]] = set()
    for needs, sense_pattern in _EVERYDAY:
        if not says(said, needs):
            continue
        searched = head if sense_pattern.flags & re.IGNORECASE else said
        for sense in sense_pattern.finditer(searched):  # the words of the sense, as one phrase and each on its own
            first, last = (count(at) for at in sense.span(sense.lastgroup or 0))
            everyday.add((first, last))
            everyday.update((at, at + 1) for at in range(first, last))
    named_files: set[int] = set()
    file_names = {path.rsplit("/", 1)[-1].lower() for path in paths}
    if any(name in said for name in file_names):  # a path of the task's own files, written out in its text
        for token in _PATH_TOKEN.finditer(head):
            if token.group(0).rstrip(".").rsplit("/", 1)[-1].lower() in file_names:
                named_files.update(range(count(token.start()), count(token.end())))
    return Asides(along, frozenset(subject), timing, frozenset(everyday), frozenset(named_files))


def says(said: str, needs: tuple[str, ...]) -> bool:
    """Whether a lowered text holds one of the texts every match of a search needs: most texts hold none, and
    the search is skipped."""
    return any(need in said for need in needs)
