"""The request read once: its words, stems and code marks, its first sentence, its paths, its shape (`shapes`) and
the words in it that name a kind of work without asking for it (`asides`).

Every pattern here runs in time linear in the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property

from persona_mcp.selection import tunables as t
from persona_mcp.selection.asides import DOCS_ABOUT, read_asides, says
from persona_mcp.selection.files import FilePath, read_path
from persona_mcp.selection.paths import normalise_paths, path_words
from persona_mcp.selection.shapes import (
    DEFECT_KINDS,
    ERROR_NAME,
    ERROR_WORD,
    FAILURE,
    LEAD_END,
    NOT_SQL_EXPLAIN,
    TEACH_ME,
    bare_comparison,
    explained_in_docs,
    request_shapes,
)
from persona_mcp.text import analyse, fold, stem

# Where a sentence or a paragraph ends, and the next begins: no phrase runs across (`Request.one_sentence`).
_BREAK = re.compile(r"[.!?](?=\s)|\n[ \t]*\n")
# What a commit subject or a changelog line may open with before its first word of work: a ticket or a
# scope ("KAFKA-14524: Move ...", "kubelet: fix ...", "fix(router): ...", "[SPARK-123][SQL] Add ...").
_PREFIX = re.compile(r"(?:\[[^\]\n]{1,40}\]\s*|[A-Za-z][\w.\-/]{0,39}(?:\([^)\n]{0,40}\))?!?:[ \t]+)+")
# What an issue form's template asks its author, left in the report: no word of it is the author's. GitHub's default
# forms ask for "A clear and concise description of what the bug is", screenshots, "any other context", and the
# reporter's "Desktop (please complete the following information): - OS: [e.g. iOS] - Browser [e.g. chrome, safari]".
_TEMPLATE = re.compile(r"a clear and concise description of[^.\n]*[.\n]?|if applicable, add screenshots[^.\n]*[.\n]?"
                       r"|add any other context[^.\n]*[.\n]?|\((?:please )?complete the following information\):?"
                       r"|\[e\.g\.?[^\]\n]{0,60}\]"
                       # ... and a commit's marker that asks CI not to run ("Update README.md [skip ci]"): no CI work
                       r"|\[(?:skip ci|ci skip|no ci|skip actions|actions skip)\]", re.IGNORECASE)
# Text that every match of `_TEMPLATE` holds, and of `_FORM_PHRASE` and `_FORM_WORD`: each search runs only where its
# text has some (`asides.says`).
_TEMPLATE_NEEDS = ("a clear and concise", "if applicable", "add any other context", "complete the following", "[e.g",
                   "skip", "no ci")
_FORM_PHRASE_NEEDS = ("describe the", "bug ", "issue ", "reproduc", "expected", "actual", "observed", "what did you")
_FORM_WORD_NEEDS = ("bug", "reproduc", "current behav", "what happened", "additional", "screenshot", "environment",
                    "log", "version")
# An issue form's headings ("**Describe the bug**", "### Steps to reproduce", "Expected behavior:"): the form's words,
# not the reporter's. They make the text a bug report (`shapes`, which reads them) and are read for nothing else: a
# report from a form would otherwise always say "bug" and "reproduce", whatever broke. A heading stands on a line of
# its own, in bold where no sentence goes on after it ("**To Reproduce** Open the menu"; not "a **bug**, not a
# feature"), or as a label that opens a line ("Version: 1.2"); the form's own phrases also as a label that opens a
# sentence ("... on mobile. Steps to reproduce: open the menu") or after "#" in a text run together on one line.
_FORM_PHRASES = (r"describe the (?:bug|problem|issue)(?: you(?:'| a)re (?:seeing|facing))?|(?:a )?(?:bug|issue) "
                 r"(?:description|report|summary)|steps to reproduce(?: the (?:bug|issue|behaviou?r|problem))?"
                 r"|reproduction steps|(?:expected|actual|observed) (?:behaviou?r|results?)"
                 r"|is there an existing issue for this|what did you expect to (?:see|happen)")
_FORM_WORDS = (r"bug|to reproduce|reproduction|current behaviou?r|what happened|additional (?:context|information)"
               r"|screenshots?(?: or logs)?|environment|logs?|version")


def _form_headings(names: str, *, in_text: bool) -> re.Pattern[str]:
    """The headings made of `names` (see above); `in_text`: also a label opening a sentence, and after "#"."""
    name = "(?:" + names + ")"
    own_line = r"^[ \t]*(?:#{1,6}[ \t]*|\*\*)?" + name + r"[ \t]*[?:]?[ \t]*(?:\*\*)?:?[ \t]*$"
    bold = r"\*\*[ \t]*" + name + r"[ \t]*[?:]?[ \t]*\*\*:?(?=[ \t]*(?:$|[-*>#0-9(\[]|(?-i:[A-Z])))"
    label = (r"(?:^|(?<=[.!?:*] ))" if in_text else "^") + r"[ \t]*" + name + r"[ \t]*:"
    forms = [own_line, bold, label] + ([r"(?:^|(?<=\s))#{1,6}[ \t]+" + name + r"\b[?:]?"] if in_text else [])
    return re.compile("|".join(forms), re.IGNORECASE | re.MULTILINE)


_FORM_PHRASE = _form_headings(_FORM_PHRASES, in_text=True)
_FORM_WORD = _form_headings(_FORM_WORDS, in_text=False)
# A defect's kind before an issue's or a change's title ("[Bug] ...", "BUG: ...", "fix(api): ..."): it says that
# something is mended, as work of every kind does; the title says what. Its scope stays, as the prefix it was.
_DEFECT_KIND = re.compile(r"\A(?:\[" + DEFECT_KINDS + r"\]:?|" + DEFECT_KINDS
                          + r"(?:\((?P<scope>[^)\n]{1,40})\))?!?:)[ \t]*", re.IGNORECASE)
# "What is the best way to ..." asks how to get something done, not what a thing is; so does "the most efficient way".
_BEST = (r"(?:best|right|correct|proper|recommended|preferred|easiest|simplest|cleanest|fastest|safest|sensible|good"
         r"|idiomatic|standard|most [\w-]+)")
# "What are the alternatives?" asks for a choice to make, not for a concept to learn.
_CHOICES = r"(?:alternatives?|options?|choices|trade-?offs|pros and cons|downsides|risks|steps|ways)"
# ... also with a word or two before it: "what are the architectural options?"
_SOME_CHOICES = r"(?: [\w-]+){0,2} " + _CHOICES
# ... and a choice of one's own to weigh: "Is Redis a good fit?"
_FIT = r"(?:good|bad|right|wrong|better|best|safe|sane|viable|reasonable|fit|choice|option|solid|sensible)\b"
# A tool's name as names are written: capitalised, and not in camel case, which one's own code is ("OrderService").
_TOOL = r"(?-i:[A-Z][a-z0-9]+(?:[.-][A-Za-z0-9]+)*)"
# Asking to be taught: these make a question a learner's, whoever's code it is about.
_LEARNING = re.compile(r"\b(?:" + NOT_SQL_EXPLAIN + r"explain|teach|tutorial|understand|concept|difference between"
                       r"|differences between"
                       r"|(?:is|are) [\w.-]+(?: [\w.-]+){0,2} different from|head around"
                       r"|eli5|in simple terms|in plain english|in layman's terms|beginner|new to|learn(?:ing)?"
                       r"|how (?:do|can|should) (?:i|we|one) (?:get started|start) (?:with|learning)\b"
                       r"|what(?: and (?:where|why|how|when))? (?:is|are|does|do) (?:a|an|the)\b"
                       r"(?! " + _BEST + r" |" + _SOME_CHOICES + r"\b)"
                       # whether two things are one ("Are @Bean and @Component the same?", "Is X equivalent to Y?")
                       r"|^\s*(?:is|are) (?!(?:my|our|this|these|it|they|those|the)\b)[^?\n]{1,60}?"
                       r" (?:the same|equivalent|interchangeable)\b"
                       r"|what(?:'s| is| are) the (?:point|purpose|meaning)|how does .{1,60}? work"
                       r"|how do (?!(?:i|we|you|one|my|our)\b).{1,60}? work\b"  # "How do JavaScript closures work?"
                       # how a tool or a runtime behaves ("How does React decide when to re-render?")
                       r"|how (?:does|do) (?!(?:i|we|you|one|my|our)\b)[\w.-]+(?: [\w.-]+){0,3} "
                       r"(?:decide|know|handle|order|schedule|resolve|determine|choose|compare|store|cache|load|find|pick)s?\b"
                       r"|what (?:does|do) .{1,60}? mean|what is meant by"
                       # asked in other words ("Can someone describe how closures work?", "WTF is currying?")
                       r"|describe how .{1,60}? works?\b|(?:wtf|what the (?:heck|hell|fuck)) (?:is|are)\b"
                       # how a thing is done by the tools ("How are Electron binaries downloaded?")
                       r"|how (?:is|are) (?!(?:my|our|this|these)\b)(?:[\w.-]+ ){1,4}\w+(?:ed|wn|en)(?=\s*\?)"
                       # a project's reasons for a decision ("Why did Vuetify 3 change value to model-value?")
                       r"|why (?:did|does|do) (?!(?:i|we|my|our|this|it|you)\b)[\w.-]+(?: [\w.-]+)? "
                       r"(?:change|switch|drop|remove|rename|deprecate|choose|decide|adopt|introduce|use|need|require)s?"
                       r"(?! (?:so|too) (?:much|many|long)\b)"  # "why does the bot use so much CPU?" is a symptom
                       # why one approach beats another ("Why are ES modules better than CommonJS?")
                       r"|why (?:is|are) (?!(?:my|our|this|these|it|the)\b)[\w.-]+(?: [\w.-]+){0,3} "
                       r"(?:better|worse|preferred|recommended|faster|slower|safer) (?:than|over|to)"
                       # why a tool leaves something out ("Why isn't node-resolve a built-in feature?")
                       r"|why (?:isn't|is not|aren't|are not) (?!(?:my|our|this|these|it)\b)[\w.-]+(?: [\w.-]+){0,3} "
                       r"(?:an? |the )?(?:built-?in|included|bundled|supported|(?:the )?default|part of))\b"
                       # the term may be quoted: What is "tree-shaking"?
                       r"|^\s*what(?: exactly)?(?:'s| is| are) "
                       r"(?:[\"'`\u201c\u2018]?[\w.-]+[\"'`\u201d\u2019]?\s?){1,3}[\"'`\u201d\u2019]?\?"
                       # the reason behind a practice ("Why should I avoid declaring components in render?"); "we"
                       # weighs a choice of one's own ("Why do we need a plugin system now?")
                       r"|why (?:should|shouldn't|should not|would) (?:i|you|one)"
                       r" (?:avoid|use|prefer|choose|pick|not|never|always)\b"
                       # when one tool or construct is the one to reach for ("When to use RxJS instead of MobX?")
                       r"|when (?:to|should (?:i|we|you|one)|would (?:i|we|you|one))"
                       r" (?:use|pick|choose|prefer|reach for)\b"
                       # what kind of thing a tool is ("Is MobX a framework?", "Is GraphQL a database language like
                       # SQL?"), not whether one's own thing is broken
                       r"|^\s*is (?!(?:my|our|this|these|it|there|that|the)\b)[\w.-]+"
                       r" an? (?!" + _FIT + r")[\w-]+(?: [\w-]+)?(?: (?:like|such as) [\w.-]+)?"
                       r"(?: \([^)\n]{1,20}\))?\s*\?"
                       # ... or what it takes the place of ("Does GraphQL replace REST?")
                       r"|^\s*(?:does|do|can|will) (?!(?:i|we|you|my|our|this|these|it|that|the)\b)[\w.-]+"
                       r"(?: [\w.-]+)? replace\b"
                       # ... or what it can do or how it works ("Does Immer support deep updates?", "Does Vite use
                       # esbuild?", "Is Vuetify 3 compatible with @vue/compat?", "Is there support for Nuxt 3?")
                       r"|^\s*(?:does|do|can|will) (?!(?:i|we|you|my|our|this|these|it|that|the|not)\b)[\w.@/-]+"
                       r"(?: [\w.@/-]+)? (?:support|have|provide|use|work (?:with|on|across|in)|run on"
                       r"|integrate with)\b"
                       r"|^\s*is (?!(?:my|our|this|these|it|that|the)\b)[\w.@/-]+(?: [\w.@/-]+)?"
                       r" (?:still )?(?:supported|compatible with)\b"
                       r"|^\s*is there (?:any )?support for\b"
                       # ... or whether it can be put to a use ("Can I use semantic-release with Yarn?")
                       r"|^\s*can (?:i|we|you|one) use (?!(?:my|our|this|these|it|that|the)\b)[\w.@/-]+"
                       r"(?: [\w.@/-]+)? (?:with|without|alongside|together with|to|for|in|on|inside)\b"
                       # ... or why it is without something ("Why is there no HTTP Keep-Alive?")
                       r"|^\s*why (?:(?:is|are) there no|(?:isn't|aren't|is not|are not) there|(?:have|use|need)"
                       r"(?= [^?\n]{1,40}? at all\b))(?![^?\n]{0,80}?\b(?:my|our|we|i)\b)"
                       # ... or what it uses ("What kind of versioning scheme does Poetry use?")
                       r"|^\s*what (?:kind|type|sort)s? of (?:[\w-]+ ){1,3}(?:does|do) (?!(?:i|we|you|my|our)\b)"
                       r"[\w.@/-]+ (?:use|support|follow)\b"
                       # ... or, of a tool named as a name is written ("Django", "Node.js", not "staging" nor one's
                       # own "OrderService"), whether it is stable or scales, can be put to a use, what it has or
                       # needs, how it can work ("Is Django stable?", "Does Cargo handle cross-compilation?", "Can
                       # Prometheus be made highly available?", "Which template engines does Express support?")
                       r"|^\s*(?:is " + _TOOL + r" (?:stable|mature|production[- ]ready)|(?:does|do) " + _TOOL
                       + r" (?:scale|handle)|can " + _TOOL + r" be (?:used|made|run|deployed|configured|extended"
                       r"|embedded)|(?:what|which) (?:[\w-]+ ){1,3}(?:does|do) " + _TOOL
                       + r" (?:use|support|have|need|require)|how (?:can|could) " + _TOOL + r" work)\b"
                       # ... or why it was designed one way and not another ("Why is len a function and not a method?",
                       # "Why build crates.io rather than use GitHub?"), of no one's own thing and of no failure ("Why
                       # is the build failing on CI but not locally?")
                       r"|^\s*why\b(?![^?\n]{0,80}?\b(?:my|our|we|i|me|us|this|these|the|it|its|fail\w*|flak\w*|errors?"
                       r"|broken|crash\w*|slow\w*)\b)[^?\n]{1,80}?(?:,? (?:and|but) not|\brather than|\binstead of)\b",
                       re.IGNORECASE)
# A how-to about fixing or preventing something, or a decision in the asker's own work ("How should we
# version the API?", "What is the best way to ...?"): the asker wants the work done, in its domain. A plain
# how-to ("How do I add a column to a join table?") asks to be shown how: the persona that answers
# questions competes with the domain's.
_FIXING = re.compile(r"\b(?:how (?:should|would) (?:i|we)\b|(?:how (?:do|can|could|should) (?:i|we)|how to) "
                     r"(?:fix|solve|resolve|stop|prevent|avoid|debug|speed up|get rid of|deal with|work around"
                     r"|recover)\b|what(?:'s| is) the " + _BEST + r" (?:way|approach|practice)\b)",
                     re.IGNORECASE)
# A plain how-to opens the question ("How do I add a column to a join table?", "How to load relations?"), or
# asks what to do ("I found a bug, what should I do?").
_ASKS_HOW = r"\s*how (?:do|can|could|would|should) (?:i|you|one)\b|\s*how to\b"
_HOW_TO = re.compile(_ASKS_HOW + r"|.{0,80}?\bwhat (?:should|do|can|must) (?:i|you|one) do\b", re.IGNORECASE)
_HOW_TO_DO = re.compile(_ASKS_HOW, re.IGNORECASE)  # how to do something, not what to do about a situation
# A question about the asker's own code or system: "my", "our", "we", or a failure or a symptom.
_OWN_CODE = re.compile(
    r"\b(?:(?:my|our|we|we're|we've|i'm|i've|i get|i got|i keep|i see|us|mine)\b"
    # what the asker does or did ("after I switch branches", "when I run the tests", "I tried ...")
    r"|(?:when|whenever|after|before|if|once|each time|every time) i\b"
    r"|i (?:have|had|tried|need|want|ran|run|use|used)\b"
    r"|(?:crash\w*|segfault\w*|panic\w*|hang\w*|freez\w*|deadlock\w*|leak\w*|fail\w*|errors?|exceptions?|broken"
    r"|slow\w*|timeouts?|timing out|stuck|wrong|unexpected\w*|re-?render\w*|flak\w*|not working|doesn't work"
    r"|won't|can't|cannot|keeps?)\b)",
    re.IGNORECASE,
)
# An explanation asked of a failure of one's own ("Explain this panic: ...", "Help me understand why my query is
# slow", "What does this error mean?") asks for it to be debugged, not for a lesson.
_OWN_FAILURE = re.compile(r"\b(?:my|our|this|these)\s+(?:[\w.-]+\s+){0,2}?(?:errors?|exceptions?|stack ?traces?"
                          r"|tracebacks?|panics?|crash(?:es)?|failures?|segfaults?|core dumps?|warnings?)\b"
                          r"|\bwhy\s+(?:my|our|this|these|it|we|i)\b.{0,80}?\b(?:fail\w*|crash\w*|slow\w*|hang\w*"
                          r"|break\w*|broke|leak\w*|times? out|timing out|panic\w*|errors?)\b", re.IGNORECASE)
# An error's message, after its name ("LazyInitializationException: failed to lazily initialize ..."): what the program
# printed, whose words name things rather than ask for work. It ends with its line, a quote, a question mark, or where
# the asker's words go on to say when or where it happens ("... no module named numpy in a virtualenv?").
_ERROR_MESSAGE = re.compile(ERROR_WORD + r":[ \t]+([^\n`'\"?]+?)"
                            r"(?=[ \t]+(?:when(?:ever)?|while|after|once|if|since|using"
                            r"|(?:in|on|with|for) (?:a|an|the|my|our|this|these|every))\b|[\n`'\"?]|$)", re.IGNORECASE)
# Asking what caused something ("What is the cause of ...", "What's the reason for ..."): of a failure, it is debugging.
_CAUSE_ASKED = re.compile(r"\bwhat(?:'s| is| are| could be) the (?:likely |most likely |root |possible )?"
                          r"(?:reasons?|causes?)(?: (?:for|of|behind)\b|(?P<told>\s*\?))", re.IGNORECASE)
# A duration or a size the task measures: "takes 40 seconds", "p99 above 500ms", "memory climbs to 3 GB", "eats 28GB",
# "takes 3h".
_MEASURED = re.compile(r"\b(?:(?:takes?|took|taking|over|above|exceeds?|reach(?:es)?|climbs? to|grows? to|grew to|uses?"
                       r"|using|consumes?|eats?)\s+~?\d[\d.,]*\s?(?:ms|milliseconds?|s|secs?|seconds?|minutes?|mins?|h|hrs?"
                       r"|hours?|[kmgt]i?b|%)"
                       # a duration said to be what something is: "p95 is 2.3s", "an LCP of 4.2s"
                       r"|(?:is|of)\s+~?\d[\d.,]*\s?(?:ms|milliseconds?|s|secs?|seconds?)"
                       # a rate: "156k -> 221k ops/sec", "12k req/s", "40 fps"
                       r"|\d[\d.,]*\s?[kmb]?\s?(?:(?:ops?|requests?|reqs?|queries|msgs?|messages|events|rows|frames)"
                       r"\s?(?:/|per\s)\s?(?:s|sec|second)|fps))(?!\w)",
                       re.IGNORECASE)
# A measure that changed, or a speed-up told as a ratio ("156k -> 221k ops/sec", "p99 went from 120ms to 900ms", "30x
# faster", "~3x improvement"): the result of work on performance, or its symptom.
_UNIT = (r"(?:[kmgt]i?b|ms|secs?|seconds?|minutes?|s|%"
         r"|[kmb]?\s?(?:ops?|req(?:uest)?s?)\s?(?:/|per\s)\s?(?:s|sec|second))")
# ... a number starts the measure where no digit runs before it: a run of digits is tried once, not from each of them
_MEASURED_CHANGE = re.compile(r"(?<![\d.,])\d[\d.,]*\s?(?:" + _UNIT + r"|[kmb])?\s*(?:->|\u2192|=>|\bto)"
                              r"\s*~?\d[\d.,]*\s?" + _UNIT + r"(?!\w)"
                              r"|\b\d+(?:\.\d+)?\s?(?:x|times|%)\s+(?:faster|slower|smaller|quicker|less memory"
                              r"|fewer allocations|improvement|speed-?up)\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
# A change of a named thing's version: "Bump netty from 4.1.100 to 4.1.106", "Upgrade the Gradle wrapper to 8.10".
_VERSION_CHANGE = re.compile(r"\b(?:bump(?:s|ed|ing)?|(?:up|down)grad(?:e|es|ed|ing)|updat(?:e|es|ed|ing)"
                             r"|pin(?:s|ned|ning)?)\b[^\n]{1,80}?\bto v?\d+(?:\.[\w-]+)+", re.IGNORECASE)
# A security advisory named by its id: "fix for CVE-2022-42003", "GHSA-5j4c-8p2g-v4jx".
_ADVISORY = re.compile(r"\b(?:CVE-\d{4}-\d{4,}|GHSA(?:-[0-9a-z]{4}){3})\b", re.IGNORECASE)
# What every measure holds (its `\s+~?\d`): most tasks have none, and a case-blind search of the verbs is slow.
_SPACED_NUMBER = re.compile(r"\s~?\d")
# "Use A instead of B" replaces B (`Request.opening_verb`).
_INSTEAD = re.compile(r"\binstead of\b", re.IGNORECASE)
_CHOICE = re.compile(r"\b(?:or|vs\.?|versus|should we|worth it)\b", re.IGNORECASE)  # a choice to weigh
# Alternatives set side by side: "dynamodb global tables vs cockroachdb", or in a question "postgres LISTEN/NOTIFY or
# just bring in kafka?" (`Request.choosing`).
_VERSUS = re.compile(r"\b(?:vs\.?|versus)\s", re.IGNORECASE)
_OR = re.compile(r"\w\s+or\s+(?:just\s+)?\w", re.IGNORECASE)

# Words that end a phrase: with one of them between its two words, the second says where or what for, not what
# the first acts on ("Build the AST in sql-orm-client" builds no SQL).
_PHRASE_BREAKS = frozenset({"in", "on", "at", "for", "from", "to", "with", "by", "of", "into", "onto", "via", "under",
                            "over", "after", "before", "within", "without", "across", "through", "between"})


@dataclass(frozen=True)
class Request:
    """A task and its files as selection reads them."""

    text: str  # the task, stripped
    head: str  # its start, where words are read (`READ_CHARS`)
    lowered: str
    words: list[str]  # the words of the task's start (`READ_CHARS`)
    stems: list[str]
    code: list[bool]  # whether each word comes from code
    lead: int  # how many of the words belong to the first sentence
    second: int  # and to the first two
    lead_chars: int  # and how many characters of `head` it takes
    opening: int  # where the first word of the work is: after a ticket or a scope ("kubelet: fix ...") and "please"
    text_words: int  # how many of the words are the text's: the words of its files' paths follow (`paths.path_words`)
    paths: list[str]
    shapes: dict[str, float]  # shape -> strength in (0, 1]
    # The words that name a kind of work without asking for it (`asides.Asides`), which `factor` weighs down:
    along: frozenset[int] = frozenset()  # the words of tests or docs that come with the work
    subject: frozenset[int] = frozenset()  # the words that say what docs are about, or what a pipeline runs
    timing: frozenset[int] = frozenset()  # a kind of work named to say when ("since the refactor")
    everyday: frozenset[tuple[int, int]] = frozenset()  # words of work used in their everyday sense ("Build a form")
    named_files: frozenset[int] = frozenset()  # the words of a path the task names that is one of its files
    explain: int = 0  # the words of an opening that asks for an explanation ("Explain", "Help me understand")
    docs_told: int = 0  # the characters of an opening that asks for an explanation in a document ("... in the README")
    breaks: frozenset[int] = frozenset()  # the words that open a sentence or a paragraph after the first (`_BREAK`)

    # `teaching`, `practical` and `deciding` are worked out when a signal asks: most requests are not questions.
    @cached_property
    def teaching(self) -> bool:
        """Whether it asks to be taught or to have a concept explained ("what is", "explain", "difference between")."""
        if _OWN_FAILURE.search(self.head, 0, self.lead_chars):
            return False  # "Explain this stack trace", "Help me understand why my query is slow": debugging
        cause = _CAUSE_ASKED.search(self.head, 0, self.lead_chars)
        if cause and (cause.group("told") or ERROR_NAME.search(self.head, cause.end(), self.lead_chars)
                      or FAILURE.search(self.head, cause.end(), self.lead_chars)):
            # "What is the reason for OutOfMemoryError here?", "RSS grows all the time, what is the cause?": the
            # cause of a failure, or of what the asker saw, is debugging
            return False
        if self.explain or bare_comparison(self.head):  # it opens by asking for an explanation (`TEACH_ME`), or it
            return True  # only sets two things side by side
        # "Add comments explaining the bit tricks" asks for docs that explain, not to be taught.
        docs = [found.span() for found in DOCS_ABOUT.finditer(self.head)]
        if self.docs_told:  # "Explain the retry option in the README" asks for docs too
            docs.append((0, self.docs_told))
        return any(not any(start <= found.start() < end for start, end in docs)
                   for found in _LEARNING.finditer(self.head))

    @cached_property
    def practical(self) -> bool:
        """Whether it is a question about the asker's own code or system, or about fixing or deciding something in
        it, and not one to be taught. A plain how-to is neither practical nor teaching."""
        head = self.head
        return ("question" in self.shapes and not self.teaching
                and bool(_OWN_CODE.search(head) or _FIXING.search(head) or ERROR_NAME.search(head)))

    @cached_property
    def deciding(self) -> bool:
        """Whether it is a question that weighs a choice in the asker's own work ("postgres LISTEN/NOTIFY or just
        bring in kafka?", "how should we do multi-tenancy: schema per tenant or shared tables?")."""
        return self.practical and bool(_CHOICE.search(self.head))

    @cached_property
    def choosing(self) -> bool:
        """Whether it sets alternatives side by side ("Redis vs Postgres", or "X or Y" in a question) to weigh them,
        rather than to be taught the difference or to tell of a failure."""
        if not (_VERSUS.search(self.head) or ("question" in self.shapes and _OR.search(self.head))):
            return False  # most requests set nothing side by side: the costlier readings are skipped
        return not (self.teaching or "bug-report" in self.shapes or FAILURE.search(self.head, 0, self.lead_chars))

    @cached_property
    def how_to(self) -> bool:
        """Whether it is a plain how-to: a question that opens by asking how to do something, neither practical
        nor teaching ("How do I change a column name in the database?")."""
        return "question" in self.shapes and not self.teaching and not self.practical \
            and bool(_HOW_TO.match(self.head))

    @cached_property
    def how_to_do(self) -> bool:
        """Whether it is a plain how-to that asks how to do something ("How do I mock ...?", "How to reference a
        method in javadoc?"), not what to do about a situation ("I found a bug, what should I do?")."""
        return self.how_to and bool(_HOW_TO_DO.match(self.head))

    @cached_property
    def opening_verb(self) -> str:
        """The stem of the word that opens the work, read for the work it names: "Use A instead of B" replaces B."""
        if self.opening >= self.text_words:
            return ""
        if self.words[self.opening] in ("use", "prefer") and _INSTEAD.search(self.head, 0, self.lead_chars):
            return stem("replace")
        return self.stems[self.opening]

    @cached_property
    def advisory(self) -> str:
        """A security advisory the task names by its id ("fix for CVE-2022-42003"), in any sentence, or ""."""
        found = _ADVISORY.search(self.head) if "cve-" in self.lowered or "ghsa-" in self.lowered else None
        return found.group(0) if found else ""

    @cached_property
    def measured(self) -> str:
        """A duration or a size the task measures ("takes 40 seconds", "above 500ms"), or ""."""
        found = _MEASURED.search(self.head) if _SPACED_NUMBER.search(self.head) else None
        return found.group(0) if found else ""

    @cached_property
    def troubled(self) -> bool:
        """Whether it reports a failure or slowness: a bug report's shape, a measure, or "slow" in what is read."""
        return "bug-report" in self.shapes or bool(self.measured) or "slow" in self.head.lower()

    @cached_property
    def measured_change(self) -> str:
        """A measure that changed or a speed-up ("156k -> 221k ops/sec", "from 120ms to 900ms", "3x faster"), or ""."""
        found = _MEASURED_CHANGE.search(self.head) if _DIGIT.search(self.head) else None
        return found.group(0) if found else ""

    @cached_property
    def version_change(self) -> str:
        """A change of a named thing's version in the first sentence ("Bump netty from 4.1.100 to 4.1.106"), or ""."""
        found = _VERSION_CHANGE.search(self.head, 0, self.lead_chars)
        return found.group(0) if found else ""

    @cached_property
    def files(self) -> list[FilePath]:
        """The paths as the glob tables read them: once for the personas' globs and the lexicon's.

        At most `MAX_FILES` of them, spread evenly over the list: what a larger change is about is read
        from a sample of its files, as a task is read from its start (`READ_CHARS`).
        """
        return [read_path(path) for path in sampled(self.paths)]

    def gap_ends(self, start: int, lasts: AbstractSet[str]) -> list[int]:
        """Where a two-word phrase that starts at word `start` ends (`lasts`: the last stems of those that start
        there), with up to `PHRASE_GAP` words between its two, none a preposition (`_PHRASE_BREAKS`), in a sentence."""
        stems, words = self.stems, self.words
        return [end for end in range(start + 3, min(start + 3 + t.PHRASE_GAP, len(stems) + 1))
                if stems[end - 1] in lasts and _PHRASE_BREAKS.isdisjoint(words[start + 1:end - 1])
                and self.one_sentence(start, end)]

    def one_sentence(self, start: int, end: int) -> bool:
        """Whether the words `start` to `end` lie in one sentence: a phrase never runs from one into the next
        ("... and status-response building. Splits server.go ..." says no "response splitting")."""
        return self.breaks.isdisjoint(range(start + 1, end))

    def factor(self, at: int, end: int = 0) -> float:
        """What a match at a place of the task (its words `at` to `end`) counts: the first word of the work more
        (after a ticket or a scope that opens a commit subject, which count as any word: they say where, not what),
        words past the first sentence less and past the second still less, and a match that takes in a test or a
        doc that comes with the work (`along`) or the subject of docs or of what a pipeline runs (`subject`) less, as
        does a kind of work named only to say when something began (`timing`)."""
        if at >= self.text_words:  # a word of a path: where the change is says a little of what it is
            return t.PATH_WORD_FACTOR
        aside = 1.0
        if at in self.named_files:  # "Replace the fs calls in scripts/build.js": the file says it, as a file
            aside = t.NAMED_FILE_FACTOR
        if at < self.explain and not self.teaching:  # "Explain this panic: ...": the asking, not the work,
            return t.PRACTICAL_SHAPE_FACTOR  # nor its first word
        if self.along or self.subject or self.timing:
            span = range(at, max(end, at + 1))
            if any(i in self.along for i in span):
                aside = t.ACCOMPANYING_FACTOR
            elif span[-1] in self.subject:  # by its last word: "migration guide" names a doc, "migration" its subject
                aside = t.DOCS_SUBJECT_FACTOR
            elif all(i in self.timing for i in span):  # "since the upgrade" as a whole says when too, and more
                aside = t.TIMING_FACTOR
        if at >= self.lead:
            return (t.REST_FACTOR if at < self.second else t.LATER_FACTOR) * aside
        return t.FIRST_WORD_FACTOR * aside if at == self.opening else aside


def _without_form_headings(text: str) -> str:
    """The text with an issue form's headings blanked out (`_FORM_PHRASES`, `_FORM_WORDS`)."""
    lowered = text.lower()
    if says(lowered, _FORM_PHRASE_NEEDS):
        text = _FORM_PHRASE.sub(" ", text)
    return _FORM_WORD.sub(" ", text) if says(lowered, _FORM_WORD_NEEDS) else text


def _scope(kind: re.Match[str]) -> str:
    """What stays of a defect's kind before a title (`_DEFECT_KIND`): its scope, as a prefix ("fix(api):" -> "api:")."""
    return f"{kind.group('scope')}: " if kind.group("scope") else ""


def sampled(paths: list[str]) -> list[str]:
    """At most `MAX_FILES` of a request's paths, spread evenly over the list."""
    if len(paths) <= t.MAX_FILES:
        return paths
    step = len(paths) / t.MAX_FILES
    return [paths[int(i * step)] for i in range(t.MAX_FILES)]


def read_request(task: str, files: Iterable[str] = (), names: AbstractSet[str] = frozenset()) -> Request:
    """Read a task and its files once, for every signal; `names` as for `text.words`. The task is read without
    accents and with compatibility forms made plain (`text.fold`): a full-width question mark asks as "?" does."""
    text = fold(task.strip()).strip()
    if says(text.lower(), _TEMPLATE_NEEDS):
        text = _TEMPLATE.sub(" ", text).strip()
    # The words are read from the task's start, less an issue form's headings and a defect's kind before its title.
    region = text[: 2 * t.READ_CHARS]
    head = _DEFECT_KIND.sub(_scope, _without_form_headings(region).strip())
    if head and (len(head) > t.READ_CHARS or len(region) < len(text)):  # a whole word last
        head = head[: t.READ_CHARS].rsplit(None, 1)[0]
    found, code, stems, starts = analyse(head, names)
    for message in _ERROR_MESSAGE.finditer(head):  # what a program printed names things, as code does
        first, last = bisect_left(starts, message.start(1)), bisect_left(starts, message.end(1))
        code[first:last] = [True] * (last - first)
    kept = [i for i, word in enumerate(found) if len(word) <= t.MAX_WORD_CHARS]
    if len(kept) < len(found):
        found, code, stems = [found[i] for i in kept], [code[i] for i in kept], [stems[i] for i in kept]
        starts = [starts[i] for i in kept]

    def count(chars: int) -> int:  # how many of the words kept start within the head's first `chars` characters
        return bisect_left(starts, chars)

    end = LEAD_END.search(head)
    lead_chars = end.end() if end is not None else len(head)
    lead = len(found) if lead_chars >= len(head) - 1 else count(lead_chars)
    second = len(found)  # the words of the first two sentences: the second is the next one with words in it
    for later_end in LEAD_END.finditer(head, lead_chars):
        if (reached := count(later_end.end())) > lead:
            second = reached
            break
    breaks = frozenset(count(found_break.end()) for found_break in _BREAK.finditer(head))
    prefix = _PREFIX.match(head)
    opening = count(prefix.end()) if prefix and prefix.end() < len(head) else 0
    if found[opening:opening + 1] == ["please"]:
        opening += 1
    paths = normalise_paths(files)
    lowered = text.lower()
    shapes = request_shapes(text, lowered, paths, found, code)
    asked = TEACH_ME.match(head)
    asides = read_asides(head, found, count, opening, lead, paths, asked is not None)
    subject = asides.subject
    explain = count(asked.end()) if asked else 0
    in_docs = explained_in_docs(head) if asked else None
    docs_told = in_docs.end() if in_docs else 0
    if in_docs is not None:  # "Explain the retry option in the README": docs work, about what is explained
        subject |= frozenset(range(count(in_docs.start())))
        explain = 0
    own = len(found)
    where = path_words(sampled(paths)) if own <= t.PATH_WORDS_UP_TO else []  # read after the text's words
    found, stems, code = found + where, stems + [stem(word) for word in where], code + [False] * len(where)
    return Request(text, head, lowered, found, stems, code, lead, second, lead_chars, min(opening, own), own, paths,
                   shapes, asides.along, subject, asides.timing, asides.everyday, asides.named_files, explain,
                   docs_told, breaks)

