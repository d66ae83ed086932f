"""Routing accuracy of a catalog against labelled tasks: `persona-mcp eval`.

Cases come from JSON Lines files in the bench format (`task`, `files`, `expected`, optional
`id` and `reject`) or from the `routing-examples` inside the catalog's persona files.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from persona_mcp.catalog import Catalog
from persona_mcp.model import Diagnostic, short_name
from persona_mcp.names import lookup_keys
from persona_mcp.selection import MIN_CONFIDENCE, SelectionIndex, read_request, select
from persona_mcp.selection.calibration import COEFFICIENTS, FEATURES, FITTED_SIZES, features, fit, probability
from persona_mcp.selection.scoring import rank

NONE = "none"
CALIBRATION_BINS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
MAX_CASE_BYTES = 1_000_000


@dataclass(frozen=True)
class Case:
    """One labelled task: the personas that are acceptable answers, and those that must not win."""

    id: str
    task: str
    files: tuple[str, ...] = ()
    expected: tuple[str, ...] = ()  # short names, the primary label first
    reject: tuple[str, ...] = ()
    source: str = ""


@dataclass
class CaseSet:
    cases: list[Case] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _names(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return None
    # A persona named as its file may write it ("Release Manager", "KafkaEvents") is the persona the loader reads
    # it as; `named_in` then finds the personas of a catalog that the rest name.
    return tuple(next(lookup_keys(v)) for v in value)


def load_cases(path: Path) -> CaseSet:
    """Read a JSON Lines file of cases. A bad line becomes a diagnostic naming the line; the rest load."""
    result = CaseSet()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        result.diagnostics.append(Diagnostic(path=str(path), message=f"cannot read the cases file: {exc.strerror}",
                                             hint="check the path"))
        return result
    for number, line in enumerate(raw.decode("utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue

        def problem(message: str, hint: str, line_no: int = number) -> None:
            result.diagnostics.append(Diagnostic(path=str(path), line=line_no, message=message, hint=hint))

        if len(line) > MAX_CASE_BYTES:
            problem("the line is over 1 MB", "shorten the task")
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problem(f"not valid JSON: {exc.msg}", "write one JSON object per line")
            continue
        if not isinstance(data, dict):
            problem("a case must be a JSON object", 'write {"task": "...", "files": [...], "expected": ["backend"]}')
            continue
        task = data.get("task")
        if not isinstance(task, str) or not task.strip():
            problem("'task' must be a non-empty string", "give the task text")
            continue
        files = data.get("files", [])
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            problem("'files' must be a list of paths", 'write "files": ["src/app.py"] or leave it out')
            continue
        expected = _names(data.get("expected", []))
        reject = _names(data.get("reject", []))
        if expected is None or reject is None:
            problem("'expected' and 'reject' must be persona names or lists of them",
                    'write "expected": ["backend"]')
            continue
        if not expected and not reject:
            problem("the case names no 'expected' persona and nothing to 'reject'", "add \"expected\": [...]")
            continue
        case_id = str(data.get("id") or f"{path.name}:{number}")
        result.cases.append(Case(case_id, task, tuple(files), expected, reject, source=f"{path}:{number}"))
    return result


def named_in(catalog: Catalog, cases: Iterable[Case]) -> list[Case]:
    """The cases with each persona they name as the catalog's short name for it (`kafkaevents` -> kafka-events);
    a name the catalog does not know is left as it is."""

    def names(written: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(p.short_name if (p := catalog.find(name)) else name for name in written)

    return [dataclasses.replace(case, expected=names(case.expected), reject=names(case.reject)) for case in cases]


def catalog_cases(catalog: Catalog) -> list[Case]:
    """The routing examples that travel inside the catalog's persona files."""
    cases: list[Case] = []
    for persona in catalog.personas:
        examples = persona.spec.routing_examples
        for n, task in enumerate(examples.select, start=1):
            cases.append(Case(f"{persona.short_name}:select:{n}", task, expected=(persona.short_name,),
                              source=str(persona.path or persona.name)))
        for n, task in enumerate(examples.reject, start=1):
            cases.append(Case(f"{persona.short_name}:reject:{n}", task, reject=(persona.short_name,),
                              source=str(persona.path or persona.name)))
    return cases


class PersonaScore(BaseModel):
    persona: str
    support: int = Field(description="Cases whose primary label is this persona.")
    predicted: int = Field(description="Cases where this persona was selected.")
    precision: float
    recall: float
    f1: float


class CalibrationBin(BaseModel):
    low: float
    high: float
    cases: int
    mean_confidence: float
    accuracy: float


class Miss(BaseModel):
    id: str
    task: str
    files: int
    expected: list[str]
    reject: list[str]
    selected: str
    confidence: float
    ranked: list[str]


class EvalReport(BaseModel):
    """Routing accuracy of a catalog on a set of cases."""

    cases: int = Field(description="Cases with an expected persona (the accuracy figures count these).")
    reject_only: int = Field(description="Cases that only name personas that must not be selected.")
    k: int
    top1: float = Field(description="Share of cases whose selected persona is acceptable; abstaining counts wrong.")
    primary_top1: float = Field(description="Share of cases whose selected persona is the primary label.")
    recall_at_k: float = Field(description="Share of cases with an acceptable persona among the first k ranked.")
    abstention_rate: float
    macro_f1: float
    rejects_passed: int = Field(description="Cases where no persona named under 'reject' was selected.")
    rejects_total: int
    companion_cases: int = Field(description="Two-label cases answered right at top-1.")
    companion_hits: int = Field(description="Of those, cases whose companions include the other label.")
    threshold: float = Field(description="The confidence below which select_persona abstains.")
    median_ms: float
    p95_ms: float
    per_persona: list[PersonaScore]
    confusion: dict[str, dict[str, int]] = Field(description="Primary label -> selected persona -> cases.")
    calibration: list[CalibrationBin]
    misses: list[Miss]


def evaluate(index: SelectionIndex, cases: Sequence[Case], *, k: int = 3) -> EvalReport:
    """Run every case through selection and score the answers."""
    labelled = [c for c in cases if c.expected]
    right = primary = in_k = abstained = companion_cases = companion_hits = 0
    rejects_total = rejects_passed = 0
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    predicted: Counter[str] = Counter()
    correct_as: Counter[str] = Counter()
    support: Counter[str] = Counter()
    recalled: Counter[str] = Counter()
    points: list[tuple[float, bool]] = []
    misses: list[Miss] = []
    timings: list[float] = []
    for case in cases:
        started = time.perf_counter()
        result = select(index, case.task, case.files, top_k=k, detail="summary")
        timings.append((time.perf_counter() - started) * 1000)
        chosen = short_name(result.persona) if result.persona else NONE
        ranked = ([chosen] if result.persona else []) + [c.short_name for c in result.alternatives]
        if result.persona is None:
            ranked = [c.short_name for c in result.alternatives]
        ok = chosen in case.expected if case.expected else True
        if case.reject:
            rejects_total += 1
            rejects_passed += chosen not in case.reject
            ok = ok and chosen not in case.reject
        if not ok:
            misses.append(Miss(id=case.id, task=case.task[:200], files=len(case.files), expected=list(case.expected),
                               reject=list(case.reject), selected=chosen, confidence=result.confidence,
                               ranked=ranked[:k]))
        if not case.expected:
            continue
        right += ok
        primary += chosen == case.expected[0]
        in_k += any(name in case.expected for name in ranked[:k])
        abstained += result.persona is None
        confusion[case.expected[0]][chosen] += 1
        support[case.expected[0]] += 1
        recalled[case.expected[0]] += ok
        if result.persona:
            predicted[chosen] += 1
            correct_as[chosen] += ok
            points.append((result.confidence, ok))
            if ok and len(case.expected) > 1:
                companion_cases += 1
                others = set(case.expected) - {chosen}
                companion_hits += any(short_name(c.name) in others for c in result.companions)
    scores = []
    for persona in sorted(set(support) | set(predicted)):
        precision = correct_as[persona] / predicted[persona] if predicted[persona] else 0.0
        recall = recalled[persona] / support[persona] if support[persona] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(PersonaScore(persona=persona, support=support[persona], predicted=predicted[persona],
                                   precision=round(precision, 3), recall=round(recall, 3), f1=round(f1, 3)))
    with_support = [s for s in scores if s.support]
    n = len(labelled) or 1
    return EvalReport(
        cases=len(labelled), reject_only=len(cases) - len(labelled), k=k,
        top1=round(right / n, 4), primary_top1=round(primary / n, 4), recall_at_k=round(in_k / n, 4),
        abstention_rate=round(abstained / n, 4),
        macro_f1=round(statistics.fmean(s.f1 for s in with_support), 4) if with_support else 0.0,
        rejects_passed=rejects_passed, rejects_total=rejects_total,
        companion_cases=companion_cases, companion_hits=companion_hits, threshold=MIN_CONFIDENCE,
        median_ms=round(statistics.median(timings), 3) if timings else 0.0,
        p95_ms=round(_percentile(timings, 0.95), 3) if timings else 0.0,
        per_persona=scores,
        confusion={label: dict(sorted(row.items())) for label, row in sorted(confusion.items())},
        calibration=calibration(points), misses=misses,
    )


def fit_points(index: SelectionIndex, cases: Sequence[Case]) -> list[tuple[tuple[float, ...], bool]]:
    """For each labelled case with any evidence, the features of its best candidate and whether it is acceptable.

    The raw ranking is used, before any abstention, so the fit sees the weak answers too.
    """
    points: list[tuple[tuple[float, ...], bool]] = []
    for case in cases:
        if not case.expected:
            continue
        ranked = rank(index, read_request(case.task, case.files, index.one_word_terms))
        if not ranked:
            continue
        best, score = ranked.ranked[0]
        points.append((features(score, ranked.other(0), len(index.personas), index.confidence_scales[best]),
                       index.short_names[best] in case.expected))
    return points


def fit_report(index: SelectionIndex, cases: Sequence[Case]) -> str:
    """`eval --fit`: a confidence curve fitted to these cases, set beside the shipped one, for judging the shipped
    curve on one's own catalog. Nothing loads the fitted curve: selection always uses the shipped one.
    ValueError when fewer than 10 cases have evidence to fit on."""
    points = fit_points(index, cases)
    if len(points) < 10:
        raise ValueError(f"--fit needs at least 10 labelled cases with evidence, not {len(points)}")
    fitted = fit(points)
    # The shipped curve reads a catalog of a size it was not fitted on as the nearest size it was (`confidence`).
    size = math.log1p(min(max(len(index.personas), FITTED_SIZES[0]), FITTED_SIZES[1]))
    shipped = {b.low: b for b in calibration((probability((*x[:3], size), COEFFICIENTS), ok) for x, ok in points)}
    own = {b.low: b for b in calibration((probability(x, fitted), ok) for x, ok in points)}
    lines = [f"{name + ':':<26}" + ", ".join(
        f"{feature} {value:+.4f}" for feature, value in zip(FEATURES, curve, strict=True))
        for name, curve in ((f"fitted curve ({len(points)} cases)", fitted), ("shipped curve", COEFFICIENTS))]
    lines += ["", "accuracy of the first-ranked persona by band of confidence, on these cases:",
              "confidence   shipped: cases  accuracy   fitted: cases  accuracy"]
    for low, high in itertools.pairwise(CALIBRATION_BINS):
        bands = (shipped.get(low), own.get(low))
        if any(bands):
            lines.append(f"{low:.1f}-{high:.1f}    " + "   ".join(
                f"{b.cases:14}  {b.accuracy:8.3f}" if b else f"{0:14}  {'-':>8}" for b in bands))
    lines += ["", "The coefficients are for judging the shipped curve on your catalog: persona-mcp cannot load "
              "them, and select_persona, select and eval always report confidence by the shipped curve. Where "
              "its accuracy in a band is far from the band, its confidence over- or understates how often your "
              "catalog's answers are right. The fitted curve is measured on the cases it was fitted on, so its "
              "table flatters it."]
    return "\n".join(lines) + "\n"


def calibration(points: Iterable[tuple[float, bool]], bins: Sequence[float] = CALIBRATION_BINS,
                ) -> list[CalibrationBin]:
    """How often the selected persona was right, by band of reported confidence."""
    found: list[CalibrationBin] = []
    points = list(points)
    for low, high in itertools.pairwise(bins):
        inside = [(c, ok) for c, ok in points if low <= c < high or (high == bins[-1] and c == high)]
        if inside:
            found.append(CalibrationBin(
                low=low, high=high, cases=len(inside),
                mean_confidence=round(statistics.fmean(c for c, _ in inside), 3),
                accuracy=round(sum(ok for _, ok in inside) / len(inside), 3),
            ))
    return found


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def render(report: EvalReport, *, misses: int = 0) -> str:
    """The report as text for a terminal."""
    lines = [
        f"cases: {report.cases} labelled" + (f", {report.reject_only} reject-only" if report.reject_only else ""),
        f"top-1: {report.top1:.3f}   recall@{report.k}: {report.recall_at_k:.3f}   "
        f"abstained: {report.abstention_rate:.3f}   macro-F1: {report.macro_f1:.3f}   "
        f"primary-label top-1: {report.primary_top1:.3f}",
    ]
    if report.rejects_total:
        lines.append(f"reject cases passed: {report.rejects_passed}/{report.rejects_total}")
    if report.companion_cases:
        lines.append(f"two-label cases right at top-1: {report.companion_cases}, "
                     f"with the other label as a companion: {report.companion_hits}")
    lines.append(f"selection time: median {report.median_ms:.3f} ms, p95 {report.p95_ms:.3f} ms")
    if report.per_persona:
        width = max(len(s.persona) for s in report.per_persona)
        lines += ["", f"{'persona':<{width}}  support  selected  precision  recall     f1"]
        for s in report.per_persona:
            lines.append(f"{s.persona:<{width}}  {s.support:7}  {s.predicted:8}  {s.precision:9.3f}  "
                         f"{s.recall:6.3f}  {s.f1:5.3f}")
    if report.confusion:
        columns = sorted({c for row in report.confusion.values() for c in row})
        width = max(len(label) for label in [*report.confusion, "expected"])
        lines += ["", "confusion (rows: primary label, columns: selected)",
                  " " * width + "  " + " ".join(f"{c[:6]:>6}" for c in columns)]
        for label, row in report.confusion.items():
            lines.append(f"{label:<{width}}  " + " ".join(f"{row.get(c, 0) or '.':>6}" for c in columns))
    if report.calibration:
        lines += ["", f"calibration (no persona is selected below confidence {report.threshold}):",
                  "confidence   cases  mean confidence  accuracy"]
        for b in report.calibration:
            lines.append(f"{b.low:.1f}-{b.high:.1f}    {b.cases:6}  {b.mean_confidence:15.3f}  {b.accuracy:8.3f}")
    if misses and report.misses:
        lines += ["", f"misses (first {min(misses, len(report.misses))} of {len(report.misses)}):"]
        for miss in report.misses[:misses]:
            want = "/".join(miss.expected) or "not " + "/".join(miss.reject)
            lines.append(f"  {miss.id}: expected {want}, selected {miss.selected} ({miss.confidence:.2f}): "
                         f"{miss.task[:90]}")
    return "\n".join(lines) + "\n"
