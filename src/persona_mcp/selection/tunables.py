"""Every number that shapes selection, in one place, each with what it does and how it was chosen.

The weights are relative: a match of a persona's declared `trigger-keywords` is worth 1.0 before
its rarity in the catalog is applied. They were set by hand against the dev tasks on the built-in
catalog and on a foreign catalog of Claude Code subagents (`scripts/eval_selection.py` prints both);
the confidence curve is fitted by `scripts/fit_calibration.py` and lives in `calibration.json` beside
this file. Many are read when a catalog is indexed: a changed value applies to the next index built.
"""

from __future__ import annotations

# ---------------------------------------------------------------- where a persona's evidence comes from
# What a match of a term is worth, by where the term was found in the persona's file.
SOURCE_WEIGHT: dict[str, float] = {
    "activity-keywords": 2.0,  # declared: the kind of work ("refactor", "benchmark"); strongest
    "trigger-keywords": 1.0,  # declared domain words and phrases
    "name": 1.2,  # a word of the persona's name ("performance" in performance-engineer)
    "title": 0.9,  # a word of its title or first heading
    "trigger-clause": 0.7,  # "Auto-invoke when: ...", "Use this agent when ...", "Triggers on ..."
    "section": 0.45,  # an item under a "Triggers", "When to use", "Focus areas", "Capabilities" heading
    "description": 0.45,  # any other word of the description
    "negative-keywords": 1.0,  # declared: argues against the persona
    "boundary": 0.6,  # "Do NOT load for: ...", "Will not ...": prose, so it argues more softly
}
# A declared keyword that is a lexicon entry's own name ("SQLite") brings the entry's other terms ("libsql",
# "sqlite3": `Lexical.synonyms`) as the persona's terms too, at this share of the keyword's weight.
SYNONYM_SHARE = 0.7
# A persona with declared trigger keywords has said when it applies: what its prose adds counts this share.
DECLARED_PROSE_FACTOR = 0.1
# A word of a persona's prose (description, trigger clause, section) that the lexicon does not know
# as engineering vocabulary is most often prose ("respect", "occurs", "teams"): it counts this share.
UNKNOWN_PROSE_FACTOR = 0.35
# The same for a word of the persona's name or title ("content" in content-marketer): names are chosen
# with care, so less is taken off.
UNKNOWN_NAME_FACTOR = 0.6

# ---------------------------------------------------------------- the lexicon as a bridge (domains.py)
# What a persona is about: an entry named in its name counts 1, anywhere else at most this much. A role
# is said by a name ("backend-architect"); "server-side features" in a Minecraft plugin expert's
# trigger clause says little of backend work (0.4 let such mentions rival the names; 0.3 and 0.35 did
# better on every held-out set but two, which lost one or two answers in a hundred).
OTHER_REACH = 0.3
# ... reached by a source at least this strong (a trigger clause, a declared keyword); a weaker one (an item of a
# section, a word of the description) reaches that much less: "troubleshooting" in a technical writer's "Core
# Competencies" (troubleshooting guides) said as much of debugging as an error diagnostician's "Use for
# troubleshooting", and took crashes from it. On a 61-agent catalog never used before, top-1 +26 -7 and recall@3
# +13 -2 over its seven labelled sets; over the four other public catalogs, top-1 +11 -8 and recall@3 +11 -12.
FULL_REACH_WEIGHT = SOURCE_WEIGHT["trigger-clause"]
# An entry named only by the words before a name's head (its last word) counts this share:
# "ab-test-analysis" is about analysis of tests, not about testing.
MODIFIER_SHARE = 0.6
# The entries a name names share its weight: each counts 1 / (how many) ** this.
IDENTITY_SPREAD = 0.5
# A word of the name that names no entry, or names again what another word names, qualifies it
# ("microservices-architect" is about one kind of architecture): it counts as this many of the
# things the name names.
QUALIFIER_COUNT = 1.0
# A related word ("flaky" for testing) names its entry this share of what a naming term would.
RELATED_REACH = 0.5
# An entry passes this share of its weight on to the domains it belongs to (pytest -> testing),
# for the persona and for the task alike.
PARENT_SHARE = 0.3
# ... but a task's words that name a place of a kind of work (`WORK_DOMAINS`) name that work this much: "set up
# Playwright e2e for the login flow" is testing, where "login" is the thing tested. Its files do not: a LICENSE is
# no documentation work, nor a playground a doc's. Over the labelled sets the public catalogs gained 7 top-1 and 5
# recall@3 answers and lost none; 1.0 lost 3 recall@3 answers, and the same share for the files 3.
LAYOUT_WORK_SHARE = 0.6
# A persona named for a technology or a tool (jest-expert, terraform-specialist) is about its domain this
# much instead: its name says all of its work is that domain's, where a passing mention ("testing
# strategies" in a Laravel expert's description) reaches at most `OTHER_REACH`, the same 0.3. In the
# 137-agent catalog of one-technology experts, 0.4 sent 7 more of 272 dev tasks to the right agent (5 fewer
# in the top three); 0.45 and more let vector-database-engineer take general database work in the 82-agent
# catalog from database-architect, whose name shares "database" with "architect".
NAME_PARENT_SHARE = 0.4
# A persona whose name names a domain is about the narrower domains that belong to it this much
# (devops-engineer does CI, deployment and infrastructure; frontend-developer does styling and
# accessibility): its description may never name them. Any share from 0.5 to 0.85 did better than none
# on the foreign catalogs; 1.0 lost answers in the 83-agent catalog. Only the name's head passes it on: the
# "frontend" of frontend-a11y says where its accessibility work is, not that it translates (read sets over nine
# catalogs: top-1 +20, recall@3 -22; the blind ones: top-1 +3, recall@3 -1).
SUBDOMAIN_SHARE = 0.7
# What the task says: a term that names an entry, a related word, and all of the task's files
# falling under an entry's globs (a file of a language entry, `*.ts`, counts `LANGUAGE_FILE_FACTOR`).
TASK_TERM = 1.0
TASK_RELATED = 0.6
# A verb of an entry's `verbs` that opens an instruction ("Remove the legacy adapter", "Memoize the
# parser"): about what a related word says. The same verb opens other kinds of change too, but at the
# start of a commit subject or an instruction it is the author's own word for the work (0.5 and 0.85
# each did worse on the labelled and held-out sets).
OPENING_VERB = 0.7
# ... and this share of it when the task's files hold no code (only CI, config, docs or data files): the
# verbs of code work ("Remove", "Replace", "Cache") then say what is done to those files, not the kind of work.
VERB_WITHOUT_CODE = 0.3
# ... and this share of it when the first sentence names another kind of work (`WORK_DOMAINS`) by one of its
# terms: the verb then says how that work is done ("Change jsdoc of context" is documentation work, "Remove the
# tests of the legacy parser" testing). 0.0 to 0.5 did alike on the foreign catalogs (0.0 put two fewer answers
# in the top three); the built-in personas' declared keywords decide such tasks already.
VERB_OTHER_WORK = 0.3
# A related word of a technology, a tool or a layout ("hooks" of WordPress, "serialization" of a
# library) is more often a word of general use than a domain's ("flaky" of testing): it counts this share.
TECH_RELATED_FACTOR = 0.5
# A duration or a size the task measures ("takes 40 seconds", "above 500ms", "climbs to 3 GB") says
# how slow or how big something is: a related word of this domain.
MEASURED_DOMAIN = "performance"
# Alternatives weighed side by side ("dynamodb global tables vs cockroachdb", "postgres LISTEN/NOTIFY or just bring
# in kafka?", `Request.choosing`) are a decision about how a system is built: a related word of this domain. A
# lesson ("When should I use inline styles vs. CSS?") or a failure's story weighs nothing. On the request sets
# top-1 +16 (built-in +3) and recall@3 +42, labelled sets unchanged; on a helper's set written before it, public
# catalogs +6 and +5, built-in recall@3 +1.
CHOICE_DOMAIN = "architecture"
# A change of a named thing's version in the first sentence ("Bump netty from 4.1.100 to 4.1.106", "Upgrade
# the Gradle wrapper to 8.10") names this domain, as "dependency update" would.
VERSION_DOMAIN = "dependencies"
# A security advisory named by its id ("Bump java-jwt to 3.19.3 ... which includes fix for CVE-2022-42003"), in any
# sentence, names this domain: a bump that fixes one is the security work, as a routine bump is not.
ADVISORY_DOMAIN = "security"
TASK_FILES = 1.5
LANGUAGE_FILE_FACTOR = 0.2
# The domains that name a kind of work rather than a place in a system: when the task's words name
# one ("Cache list VNode", "Prevent XSS in ..."), that says what the work is more than where its
# files are (`src/components/`), and the words count this much more. Deploying is such work as CI and building are:
# a deployment-engineer is no persona of a place (`Domains.area`); in the public catalogs +5 -2 top-1. So is putting
# a program in a container ("Add a Dockerfile for this Flask app"): over every labelled set top-1 +9 -1, the
# built-ins +2.
WORK_DOMAINS = ("performance", "refactoring", "testing", "security", "documentation", "debugging", "ci", "build",
                "deployment", "architecture", "accessibility", "containers")
# ... of which these are done in one place: a persona whose name takes one in as its part is still a persona of that
# place (a frontend developer does accessibility, and is a persona of the UI). Accessibility as a kind of work: "fix
# the accessibility of the header" in `src/components/` went to a catalog's frontend developer over its accessibility
# tester; as work and a place's, public catalogs top-1 +7 and nothing lost (as work only, frontend personas were no
# persona of a place any more: answers moved both ways, the built-in dev tasks -2).
WORK_OF_A_PLACE = ("accessibility",)
WORK_TEXT_FACTOR = 1.5
# A change whose files are all CI files (workflows, a pipeline's config: claimed for `PIPELINE_DOMAIN` or one of
# its tools) is CI work: the words that name another kind of work than `PIPELINE_WORK` say what the pipeline runs
# ("Run tests on commits to master" in `.github/workflows/tests.yml`, "Add a security scan job") and count this
# share. 0.3 to 0.5 did alike on the foreign catalogs; the built-in personas' declared globs decide such changes.
PIPELINE_DOMAIN = "ci"
PIPELINE_WORK = ("ci", "build")
PIPELINE_WORK_FACTOR = 0.5
# ... and a change whose files are all tests is testing work: the words that name another kind of work than
# `TESTS_ONLY_WORK` say what is done to the tests ("Refactor ssr render tests", "Convert to TS and @vue/test-utils"
# in __tests__/) and count this share. Of the 37 labelled changes (dev tasks and 133 pull requests) made only of
# tests, their authors typed 32 'test', 3 'perf' and 2 'refactor'. A benchmark is a test's file in Go
# (`map_test.go`), and speeding it up is performance work; so is a runnable example (`example_test.go`), and writing
# it is documentation work.
TESTS_ONLY_WORK = ("testing", "performance", "documentation")
TESTS_ONLY_WORK_FACTOR = 0.5
# A task whose words name a kind of work (`WORK_DOMAINS`, at least this strong) says where it is done with the
# technologies and areas it names: "The checkout endpoint returns 500 intermittently since the Django upgrade" is
# debugging in a Django API, not API work. Those entries (domains, technologies, tools, languages that are not work)
# then count this share. A question is left as it is ("How do I configure X in Y?" is about Y) unless it weighs a
# choice in the asker's own work (`Request.deciding`: "postgres LISTEN/NOTIFY or just kafka?"). On the helper-written
# host-style calls none of this work was found on, seven of eight public catalogs gained 2 to 11 points of top-1 at
# 0.5 (0.6 and 0.7 gained less); labelled dev tasks of the foreign catalogs +3 points on average.
CONTEXT_WORK_STRENGTH = 0.5
CONTEXT_FACTOR = 0.5
# ... and a request to be taught ("Help the user understand how Go's escape analysis decides stack vs heap") is
# about learning: what it names is the lesson's subject, and counts this share. 0.3 gained a little more than 0.5 on
# the helper-written calls, and lost no labelled answer.
LESSON_CONTEXT_FACTOR = 0.3
# ... and a persona named for where work is done ("backend-developer", "react-specialist", the built-in backend:
# `Domains.area`) keeps this share of its evidence, so that the persona of the work named ("debugger",
# "security-auditor") answers "The orders endpoint returns 500 since Tuesday" before the API's. On the helper-written
# requests, top-1 of every public catalog rose (+3 to +31 answers; 0.6 and 0.7 gained more there but lost more
# answers in the top three of the labelled sets).
AREA_FACTOR = 0.8
# A persona whose name is about a technology before its role (react-component-architect) keeps this much of its
# architecture evidence for a design that names none of its name's technologies: a design of the Go runtime is no
# React architect's.
DESIGN_ELSEWHERE_FACTOR = 0.7
# A language named in the task's words counts this share (it says the language more than the work),
# and a term found inside code (an identifier such as `convertToJSValue`) counts `CODE_FACTOR`.
LANGUAGE_TEXT_FACTOR = 0.5
# A persona about one programming language by name (ruby-pro, golang-pro) keeps this share of its evidence
# for a change whose files are code in other languages, when the task does not name its language either.
LANGUAGE_MISMATCH_FACTOR = 0.5
# A persona whose name says only a language and a rank (typescript-pro, rust-engineer, python-expert) would
# fit every task in its language, whatever the work: it keeps this share of its evidence, so that a persona
# of the kind of work (debugger, performance-engineer, backend-developer) wins where one has evidence.
# That is where the task's words name its language ("How do I type a generic function in TypeScript?"); where
# only its files do, a .ts change says nothing of the work, and it keeps `GENERALIST_UNNAMED_FACTOR`. Over the
# labelled sets of five public catalogs (whose labels count a language's generalist for no role) 0.2 gained 18
# top-1 and 12 recall@3 answers and lost none; 0.0 for every task gained 25 and 21, but a question about the
# language then went to whoever else named it (design-bridge for a TypeScript generic, fastapi-developer for
# Python decorators), and a catalog of generalists alone could not answer at all.
GENERALIST_FACTOR = 0.5
GENERALIST_UNNAMED_FACTOR = 0.2
GENERALIST_WORDS = frozenset({"pro", "expert", "specialist", "engineer", "developer", "programmer", "master",
                              "guru", "wizard", "ninja", "coder", "dev", "senior", "lead"})
# Languages whose files sit beside the code of any stack (data, markup, styles, queries): they never say
# which language a change is written in.
DATA_LANGUAGES = ("json", "yaml", "toml", "xml", "markdown", "restructuredtext", "asciidoc", "latex", "html", "css",
                  "sass", "less", "stylus", "sql")
# What an entry both are about is worth: task strength * persona weight * rarity * this.
DOMAIN_WEIGHT = 3.0
# ... and this for a persona whose author declared no trigger keywords: everything it is found by is derived from
# its own text, and the lexicon's reading of that text says more than its words matched one by one. On the labelled
# foreign sets 6.0, 8.0, 10.0 and 15.0 gained 18, 26, 33 and 38 answers (of about 6,200) and the helper-written
# requests 144 to 186 (of about 10,500), most at first; the built-in catalog declares its triggers and is unchanged.
DERIVED_DOMAIN_WEIGHT = 8.0
# A catalog may mix both kinds: the built-in personas beside a folder of Claude Code agents. A persona read only from
# its text scores on a larger scale (on the dev tasks the winner's median score is 8.2 among 158 public agents, 2.6
# among the built-ins; the quartiles are in the same ratio), so that in such a catalog it took nearly every task
# (the built-ins 21 of 440 beside those 158 agents). There its score counts this share: 1.5 times the ratio of the
# two scales, so that the files a user added keep an edge where both kinds fit. Served with each of eight public
# catalogs, the dev tasks' top-1 (either kind's right answer counting) rose from 0.48-0.74 to 0.72-0.80 (0.77-0.82
# at the bare ratio, 0.33); a new user's team catalog of 13 files beside the built-ins kept 23 of its 32 cases
# (24 before; 13 at 0.33). A catalog of one kind is ranked as before.
MIXED_DERIVED_SCALE = 0.5
# Confidence reads a score on the declared personas' scale: the score of a persona read only from its text counts
# this share there (the ratio of the two scales; in a mixed catalog, this ratio over `MIXED_DERIVED_SCALE`, which
# its score already carries). Read at its own scale, a small catalog of such agents was sure of answers it got
# wrong: on three public catalogs of 24 to 36 agents, answers at confidence 0.8-0.9 were right 57 to 75% of the time.
# Refitted with it (measured against the last curve, code of the same day otherwise), the calibration error (the
# mean gap between confidence and accuracy, by band) went from 0.14-0.15 to 0.05-0.06 on two of them and from 0.11
# and 0.15 to 0.16 and 0.19 on the other two (a 24-agent catalog and one of 137 one-technology experts), which are
# now underconfident; on the catalogs fitted on it stayed within 0.005 (0.05 built-in, 0.03-0.04 volt).
DERIVED_SCORE_RATIO = 0.33
DOMAIN_POSTINGS = 200  # an entry keeps its strongest personas, at most this many
# Only entries named in these sources say what a persona is about (a word in passing in the body does not).
LEXICON_REACH = ("activity-keywords", "trigger-keywords", "name", "title", "trigger-clause", "section",
                 "description")
# A word of a phrase adds this much on top of the first: "race condition" says more than "race".
PHRASE_BONUS = 0.5
# Words that may stand between the two words of a two-word phrase (a persona's or the lexicon's: "store user
# passwords" says "store passwords"), and what such a match is worth.
PHRASE_GAP = 3
GAP_FACTOR = 0.85
# Rarity: a term claimed by many personas tells them apart poorly, but the words that define roles
# are shared in large catalogs ("test", "security"), so rarity never takes a term below this share.
# (0.8 since prose mentions reach less, `OTHER_REACH`: 0.7 and 0.9 each did worse on held-out sets.)
RARITY_FLOOR = 0.8
# A persona's claim on a term counts towards the term's spread by its weight over this (at most 1):
# a word many personas mention in passing still tells apart the few that are about it.
RARITY_REFERENCE = 1.0
# How many of a persona's derived terms a long description or section may give (its first ones).
MAX_DERIVED_TERMS = 160

# ---------------------------------------------------------------- reading the request
READ_CHARS = 600  # words are read from the task's start: what a task is about is said first
# A change's files are read up to this many, spread evenly over its list (`Request.files`): a sample of
# 16 puts a persona's share of a larger change within about a tenth of the whole (one standard error),
# changed no answer of the labelled sets (up to 30 files a task), and keeps a request's work bounded
# (the tool takes up to 1,000 paths).
MAX_FILES = 16
FIRST_WORD_FACTOR = 1.3  # the first word of the work is most often the verb that says what kind of work it is
REST_FACTOR = 0.8  # words after the first sentence count this much
# ... and words after the second this much: a title and the sentence after it say what the work is, and the rest
# tells its background ("The package's test files were already split by concern" in a change that splits a server
# file). Over the labelled sets, +54 top-1 answers and 22 lost (dev tasks: 1 and 1); 0.4 gained more top-1
# answers but lost as many recall@3 answers as it gained, and 0.6 gained less.
LATER_FACTOR = 0.5
CODE_FACTOR = 0.4  # an activity word inside an identifier or a `code span` names a thing, not the task
MAX_WORD_CHARS = 40  # longer "words" (hashes, base64) are not words
# The words of a path the task writes out that is one of its files ("Replace the fs calls in scripts/build.js"): the
# file signal reads that file already, so its words ("scripts", "build") count this share. On the read sets, +2
# answers (0.0 did the same) and none lost.
NAMED_FILE_FACTOR = 0.4
# The words of the folders and names of the task's files ("packages/rest/src/router/trie.ts": rest, router, trie;
# `paths.path_words`, from the files a request reads) are read after its text's, at most `PATH_WORDS` of them. Where
# a change is says a little of what it is: each counts `PATH_WORD_FACTOR`, an activity word among them counts as one
# in code, and a persona takes only its strongest match among them. On the foreign catalogs' sets, top-1 +52 -8
# answers; on the built-ins' +5 -2. 0.2 gained less (+39 -4), 0.4 and 0.5 lost more of the dev tasks (-3, -4);
# 24 words did as 12 and cost more time, 8 as 12. They are read for a task of at most `PATH_WORDS_UP_TO` words, as
# commit subjects and short requests are: a longer text says what it is itself (at 60, recall@3 +1 on the dev tasks
# and -1 on each of two catalogs, no other labelled answer changed; a request of 2 KB and 50 files took 0.06 to
# 0.08 ms less).
PATH_WORDS = 12
PATH_WORDS_UP_TO = 60
PATH_WORD_FACTOR = 0.3

# ---------------------------------------------------------------- scoring
DECAY = 0.35  # each further text match of the same persona counts this much less than the one before
FILE_WEIGHT = 1.5  # what a change made only of a persona's files is worth
FULL_CLAIM = 2.0  # a claim this strong (a declared folder or file name glob) gives a file its whole weight
# Lexicon domains whose files accompany a change of other files: tests beside the code they test,
# docs updated with the code they document. In a change that also touches other files, such a file
# says this share of what it would say alone about what the change is about (domains.py): the
# change is about the code. So do the words of tests or docs that a task says come with the work
# ("Throttle reworked with tests", `Request.along`). 0.5 lost answers of the foreign catalogs to their testing
# agents where a fix came with its test (0.25 to 0.35 did alike; 0.2 for words and files alike began to lose the
# tests' own changes). A test file beside code now counts `TEST_BESIDE_CODE_FACTOR` instead; words keep this.
ACCOMPANYING_DOMAINS = ("testing", "documentation")
ACCOMPANYING_FACTOR = 0.25
# ... and a test file beside code this much: a fix comes with its regression test as a rule, and in a catalog of
# agents the tests were often all that a fix of a framework's code said ("Handle invalid url" in lib/fourOhFour.js
# with two test files went to qa-expert). Over the labelled sets 0.1 gained 10 top-1 answers of the public
# catalogs' dev tasks and lost 1 (+9 -1 in recall@3, and the built-ins' +1), where 0.15 gained 8 and lost none
# (+6 in recall@3); docs at 0.1 as well cost the built-ins a dev answer. A change made only of tests is testing.
TEST_BESIDE_CODE_FACTOR = 0.1
TESTS_DOMAIN = "testing"  # the domain whose files (and its narrower domains') are tests, for the factor above
# The words that say what docs are about ("Add docs about async tests", "Improved Javadocs on the client API":
# `Request.subject`) name the docs' subject, not the work, and count this much. At 0.5 "Add docs about async
# tests" still went to the tester; at 0.3 and 0.2 the same answers changed on every labelled set.
DOCS_SUBJECT_FACTOR = 0.3
# A kind of work named to say when something began or runs ("broken since the refactor", "crashes after the last
# deploy", "caught before release": `Request.timing`) is not the work asked for, and counts this much.
TIMING_FACTOR = 0.3
# A test or a doc is first of all a test or a doc, wherever it sits. When the lexicon's globs say a file
# is one (a claim of at least `KIND_CLAIM` on an `ACCOMPANYING_DOMAINS` entry), a persona that claims it
# only by a folder it sits in (`**/api/**` on `docs/api/ipc.md`, `**/directives/**` on
# `__tests__/directives/vModel.spec.ts`) claims it `KIND_FOLDER_FACTOR` as strongly, unless the persona
# is one of the domain's own: about it at least `KIND_OWNER_SHARE` as strongly as the persona most about it.
# The lexicon's entries that claim such a file only by a folder claim it `KIND_FOLDER_FACTOR` as strongly too.
KIND_CLAIM = 0.75
KIND_FOLDER_FACTOR = 0.5
# ... and a source file in a docs folder (`packages/docs/server.js`, the docs site's server) is code there: these
# entries, which are written in prose, claim it only `KIND_FOLDER_FACTOR` as strongly by the folder, so that "Fix
# reflected URL xss" in it is security work before documentation (they tied in volt).
PROSE_DOMAINS = ("documentation",)
KIND_OWNER_SHARE = 0.5
# A design record (an ADR, an RFC, a proposal) is a doc, and first of all a design record: the folders that
# hold them (`adr/`, `rfcs/`, `docs/decisions/`) claim it in full for these entries, whose own personas it
# belongs to as a doc belongs to the documentation's. An RFC under "docs/RFCS/" went to the documentation persona
# of each of three public catalogs; two of them now answer their architect, and no labelled answer was lost.
RECORD_DOMAINS = ("architecture",)
POPULAR_OWNERS = 16  # a glob shared by more personas adds only to this many of its strongest claimants
BODY_WEIGHT = 0.2  # the weak prior from a persona's body prose: per distinctive word matched
BODY_CAP = 0.5  # and at most this much in all
BODY_CHARS = 6000  # how much of a body the prior reads
BODY_TERMS = 80  # the most distinctive words kept per persona
# A term claimed by more personas than this ("code" in a catalog of 10,000) reaches only its strongest
# claimants, and all that argue against it: its weakest claims say next to nothing. These three caps
# bound a request's work in a large catalog; halving them (from 32, 32, 48) changed no answer of any
# labelled set and cut a request to 1,000 personas by a fifth.
TERM_POSTINGS = 16
BODY_POSTINGS = 24  # a word keeps the prior of the personas where it is most distinctive, at most this many
EXPLICIT_WEIGHT = 4.0  # the task asks for the persona by name ("@security"): this much above any other persona
# Request shapes modify domain evidence. A persona that answers a shape (declared `request-shapes`,
# or a teaching persona for questions) gains this much times the shape's strength, in proportion to
# its other evidence up to `SHAPE_SUPPORT` ...
SHAPE_WEIGHT: dict[str, float] = {"question": 1.5, "proposal": 3.0, "bug-report": 1.5}
SHAPE_SUPPORT = 0.25
# ... and at least this share of it without any: too little to select it alone (3.0 * 0.02 is under
# `MIN_SCORE`), enough to list it among the alternatives, as the teacher is one for a question nothing else
# matches ("Why am I having trouble installing Electron?"). 0.01 to 0.04 put 3 more labelled answers in the
# top three (one dev task, two held-out questions) and moved none out.
SHAPE_FLOOR = 0.02
# A request's shape also says what kind of work it is, as a lexicon domain: a persona about that
# domain gains from it through the domain signal, like any other evidence that the task is about it.
# A question says it is about learning only when it asks to be taught, and then in full, whatever files
# it names (they are what the asker wants to understand).
SHAPE_DOMAINS: dict[str, str] = {"proposal": "architecture", "question": "learning", "bug-report": "debugging"}
# The least strength at which a shape names its domain. A bug report has full strength only with a stack trace
# (`shapes.request_shapes`; 0.7 from a form's headings, a report's phrases or an error's name), and only then names
# debugging: a report's form says that something failed, and the work is where it failed, as its own words say
# ("**Describe the bug** Get requests with pagination return duplicate objects" is the API's work). Over the labelled
# sets and catalogs, +25 top-1 answers (issues labelled by their area that went to a debugging persona) and 5 lost
# (error messages asked about).
SHAPE_DOMAIN_MIN_STRENGTH: dict[str, float] = {"bug-report": 1.0}
SHAPE_DOMAIN_STRENGTH = 2.0
# ... and a trigger made only of question words ("how do I", "why does") is a shape, not a domain: it
# counts this share unless the question asks to be taught, and so does the shape when the question is
# practical: about the asker's own code or system ("my", "we", "after I switch branches", a failure), or
# about fixing or deciding something in it ("how do I stop ...", "how should we ..."). The words of an opening
# that asks for an explanation of a failure of one's own count this share too ("Explain this panic: ...", "Help me
# understand why my query is slow"): they ask for the failure to be debugged, not for a lesson.
PRACTICAL_SHAPE_FACTOR = 0.3
# A question that is neither practical nor a request to be taught ("Why does useEffect run twice?") gives a
# persona that answers questions this share of the shape's weight, and a plain how-to ("How do I add a column
# to a join table?", "I found a bug, what should I do?") the second share: it asks to be shown how, so the
# teacher competes with the domain's persona, which still wins where its evidence is strong. At 0.75 nine of
# the dev tasks' FAQ how-tos (labelled mentor) go to the teacher, and "How do I mock a function ... with
# Jest?" of our example questions too; none of our held-out developer questions changes below 0.9. 0.6 for
# every neutral question would send "Why does useEffect run twice?".
NEUTRAL_QUESTION_FACTOR = 0.5
HOW_TO_FACTOR = 0.75
# ... unless the how-to asks how to do something and names a kind of work (`WORK_DOMAINS`), at least this strong: a
# tool of that work counts, with its `PARENT_SHARE` ("How to verify that a method was not called using Mockito?",
# "How to reference a method in javadoc?"). It asks how that work is done, as a practical question does, and counts
# `PRACTICAL_SHAPE_FACTOR`. On a helper's set of 120 questions labelled by their askers' tags, top-1 +4 and the
# teacher's answers to questions of other work from 19% to 12%; the dev tasks lost one FAQ how-to ("How to use Webpack
# for the backend?"). "I found a bug, what should I do?" asks what to do about a situation, and stays the teacher's.
# So does a how-to that closes by naming the language, technology or tool it is done in ("How do I filter query
# objects by date range in Django?": `Domains.done_in_a_technology`), unless it asks how to use one ("How to use
# TypeORM with ts-node?"): on 155 developer questions top-1 0.832 -> 0.852 and the teacher's answers to questions of
# other work from 14 to 11; no dev answer changed.
HOW_TO_WORK_STRENGTH = 0.3
# A fix told with its cause ("Fix X. Previously ...", "Avoid Y. The timeout is caused by ...": `shapes._CAUSE`) reads
# as a bug report this strong. 0.5 and 0.7 gained the same built-in answers (dev recall@3 +1, one held-out set +3) and
# 0.7 two more of the foreign catalogs'; at 1.0 two catalogs lost an answer each.
EXPLAINED_FIX = 0.7
PROPOSAL_WORDS = 30  # a write-up at least this long, with no files and no question, reads as a proposal ...
# ... when it opens with a title of at most this many words: every design record, RFC and proposal of the labelled
# sets does (the longest has 11), while a request told at length by a user or a host opens with a long sentence.
PROPOSAL_TITLE_WORDS = 12
PROSE_SHARE = 0.2  # prose is at least this share function words

# ---------------------------------------------------------------- answering
# Below these the evidence is too thin to name any persona. Over every labelled set of the built-in and the
# four public catalogs, a best guess on evidence under 0.15 was right 1 time in 11; from 0.15 to 0.3, 11 in 37,
# as often as from 0.3 to 0.5 (28 in 111). Over the built-in dev tasks and the labelled sets of eight public
# catalogs, guesses at confidence 0.10 to 0.15, none of them the built-in catalog's, were right 14 times in 76, as
# their confidence says, and under 0.10, 6 in 39: an answer at 0.10 still says what it is worth.
MIN_SCORE = 0.15
MIN_CONFIDENCE = 0.10
COMPANION_SHARE = 0.6  # a declared companion needs at least this share of the winner's score
UNLINKED_SHARE = 0.9  # any other runner-up needs this much to count as clearly applying too
COMPANION_MIN = 1.5  # and this much evidence from the task itself
MAX_COMPANIONS = 2  # companions found by evidence
# Personas that apply to every task (Cursor `alwaysApply: true`, Copilot `applyTo: "**"`) are
# companions of every selection, after those found by evidence: at most this many, by name.
MAX_ALWAYS_COMPANIONS = 5
MAX_EVIDENCE = 12  # signals listed for the best candidate
MAX_EVIDENCE_OTHERS = 6  # and for each runner-up
MIN_SHOWN_WEIGHT = 0.005  # evidence worth less (it prints as +0.00) is not listed, past a persona's strongest
MAX_CONFLICTS = 5
