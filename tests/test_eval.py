"""`persona-mcp eval`: routing accuracy from case files and from the catalog's own examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.test_selection import persona

from persona_mcp.catalog import Catalog, Layer, default_layers
from persona_mcp.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main
from persona_mcp.evaluate import Case, calibration, catalog_cases, evaluate, load_cases
from persona_mcp.selection import SelectionIndex

BENCH = Path(__file__).parent / "data" / "bench-sample.jsonl"
EXAMPLES = Path(__file__).parents[1] / "examples"


def write_cases(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_bad_lines_become_diagnostics_and_the_good_ones_load(tmp_path: Path) -> None:
    path = write_cases(tmp_path / "cases.jsonl", [
        {"task": "Add an index to the orders table", "files": ["db/schema.sql"], "expected": ["backend"]},
        "{not json",
        {"task": "", "expected": ["qa"]},
        {"task": "Fix it", "files": "src/a.py", "expected": ["qa"]},
        {"task": "Fix it", "expected": [3]},
        {"task": "Fix it"},
        {"task": "Restyle the navbar", "expected": "persona-frontend", "reject": ["backend"], "id": "nav"},
    ])
    loaded = load_cases(path)
    assert [c.id for c in loaded.cases] == ["cases.jsonl:1", "nav"]
    assert loaded.cases[1].expected == ("frontend",) and loaded.cases[1].reject == ("backend",)
    assert [d.line for d in loaded.diagnostics] == [2, 3, 4, 5, 6]
    assert "not valid JSON" in loaded.diagnostics[0].message
    assert "'files' must be a list" in loaded.diagnostics[2].message


def test_a_persona_named_by_its_display_name_is_the_one_the_loader_reads(tmp_path: Path) -> None:
    path = write_cases(tmp_path / "cases.jsonl", [
        {"task": "Tag the release", "expected": ["Release Manager"], "reject": ["Python DevOps/CI-CD Expert"]},
    ])
    (case,) = load_cases(path).cases
    assert case.expected == ("release-manager",) and case.reject == ("python-devops-ci-cd-expert",)


def test_report_counts_top1_recall_abstention_rejects_and_per_persona_scores() -> None:
    index = SelectionIndex([
        persona("persona-db", keywords=["database", "table"]),
        persona("persona-ui", keywords=["button", "navbar"]),
    ])
    cases = [
        Case("1", "Add a database table", expected=("db",)),
        Case("2", "Restyle the navbar button", expected=("ui",)),
        Case("3", "Add a database table for the navbar", expected=("ui", "db")),  # db wins, db is acceptable
        Case("4", "Plan the quarterly roadmap", expected=("db",)),  # nothing matches: abstains, counts wrong
        Case("5", "Add a database table", expected=("ui",)),  # wrong at top-1, no ui evidence at all
        Case("6", "Restyle the navbar", reject=("ui",)),  # a reject case that fails
    ]
    report = evaluate(index, cases, k=2)
    assert report.cases == 5 and report.reject_only == 1
    assert report.top1 == 0.6 and report.abstention_rate == 0.2
    assert report.recall_at_k == 0.6
    assert report.primary_top1 == 0.4  # case 3 is right only through its second label
    assert (report.rejects_passed, report.rejects_total) == (0, 1)
    assert report.confusion == {"db": {"db": 1, "none": 1}, "ui": {"db": 2, "ui": 1}}
    scores = {s.persona: s for s in report.per_persona}
    assert scores["db"].support == 2 and scores["db"].predicted == 3
    assert scores["db"].precision == pytest.approx(0.667, abs=1e-3)
    assert scores["ui"].recall == pytest.approx(0.667, abs=1e-3)  # case 3 was answered acceptably
    assert [m.id for m in report.misses] == ["4", "5", "6"]
    assert sum(b.cases for b in report.calibration) == 4  # every answered case lands in one band


def test_calibration_bands_report_accuracy_per_confidence_band() -> None:
    bands = calibration([(0.95, True), (0.92, False), (0.55, True), (1.0, True)])
    assert [(b.low, b.cases, b.accuracy) for b in bands] == [(0.5, 1, 1.0), (0.9, 3, 0.667)]


def test_catalog_examples_become_select_and_reject_cases() -> None:
    catalog = Catalog.from_personas([
        persona("persona-db", keywords=["database"],
                extra="routing-examples:\n  select: [Add a database]\n  reject: [Paint the wall]\n"),
    ])
    cases = catalog_cases(catalog)
    assert [(c.expected, c.reject) for c in cases] == [(("db",), ()), ((), ("db",))]


def test_builtin_catalog_passes_every_routing_example_it_ships() -> None:
    catalog = Catalog.load(default_layers(env=""))
    report = evaluate(catalog.index, catalog_cases(catalog))
    assert report.cases >= 60 and report.rejects_total >= 30
    assert report.misses == []


def test_eval_command_on_a_bench_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "eval", str(BENCH), "--misses", "3")
    assert code == EXIT_OK, err
    assert out.startswith("cases: 40 labelled")
    for part in ("top-1:", "recall@3:", "macro-F1:", "confusion", "calibration", "precision"):
        assert part in out
    code, out, _ = run(capsys, "eval", str(BENCH), "--json")
    report = json.loads(out)
    assert report["cases"] == 40 and 0.0 <= report["top1"] <= 1.0 and report["per_persona"]


def test_eval_fail_under_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "eval", str(BENCH), "--fail-under", "1.01")
    assert code == EXIT_FAILURE and "below --fail-under" in err


def test_eval_fail_under_exits_1_when_a_case_selects_a_persona_it_must_not(capsys: pytest.CaptureFixture[str],
                                                                           tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"task": "Fix the XSS in the comment form", "expected": ["security"]}) + "\n"
                     + json.dumps({"task": "Sanitize the HTML of user comments to stop XSS", "reject": ["security"]})
                     + "\n", encoding="utf-8")
    code, out, err = run(capsys, "eval", str(cases), "--fail-under", "0.5")
    assert "reject cases passed: 0/1" in out
    assert code == EXIT_FAILURE and "1 reject case(s) selected a persona they must not" in err
    code, _, _ = run(capsys, "eval", str(cases))  # without --fail-under, a report only
    assert code == EXIT_OK


def test_eval_without_files_runs_the_catalog_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "eval")
    assert code == EXIT_OK, err
    assert "reject cases passed" in out


def test_eval_reports_bad_lines_and_unknown_personas(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_cases(tmp_path / "c.jsonl", [{"task": "Add a table", "expected": ["dba"]}, "[1]"])
    code, out, err = run(capsys, "eval", str(path))
    assert code == EXIT_FAILURE
    assert "c.jsonl:2" in err and "must be a JSON object" in err
    assert "not in the catalog: dba" in err
    assert "cases: 1 labelled" in out


@pytest.mark.parametrize("argv", [["eval", "missing.jsonl"], ["eval", "--top-k", "0"]])
def test_eval_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == EXIT_USAGE and err.startswith("error:")


def test_validate_lists_triggers_that_several_personas_claim(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    for name, keywords in (("a", "[cache, api]"), ("b", "[caching, queue]")):
        (tmp_path / f"persona-{name}.md").write_text(
            f"---\nname: persona-{name}\ndescription: Test.\ntrigger-keywords: {keywords}\n"
            f"trigger-files: ['**/api/**']\n---\n# Persona: {name}\n\nGuidance.\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(tmp_path))
    assert code == EXIT_OK
    assert out.splitlines()[1:] == [
        "1 keyword(s) and 1 glob(s) claimed by several personas (normal for broad words); --verbose lists them"]
    code, out, _ = run(capsys, "validate", str(tmp_path), "--verbose")
    assert "1 keyword(s) claimed by several personas" in out and "'cache': persona-a, persona-b" in out
    assert "'**/api/**': persona-a, persona-b" in out
    code, out, _ = run(capsys, "validate", str(tmp_path), "--json")
    assert json.loads(out)["shared_globs"] == {"**/api/**": ["persona-a", "persona-b"]}


def test_builtin_catalog_routes_the_example_tasks() -> None:
    """The labelled example tasks (examples/tasks*.jsonl: web, Go, Rust, Python, Java) route as labelled."""
    catalog = Catalog.load(default_layers(env=""))
    examples = Path(__file__).parents[1] / "examples"
    cases = [case for path in sorted(examples.glob("tasks*.jsonl")) for case in load_cases(path).cases]
    assert len(cases) >= 40
    report = evaluate(catalog.index, cases)
    assert report.top1 >= 0.9, [m.id for m in report.misses]
    assert report.recall_at_k == 1.0, [m.id for m in report.misses]


def test_questions_go_to_their_domain_and_only_requests_to_be_taught_to_the_mentor() -> None:
    """examples/questions.jsonl: questions as people ask them about their own code, and a few asking to be taught."""
    catalog = Catalog.load(default_layers(env=""))
    cases = load_cases(Path(__file__).parents[1] / "examples" / "questions.jsonl").cases
    report = evaluate(catalog.index, cases)
    assert report.top1 >= 0.7, [m.id for m in report.misses]
    not_teaching = [c for c in cases if "mentor" not in c.expected]
    to_mentor = [m for m in report.misses if m.selected == "mentor" and "mentor" not in m.expected]
    assert len(to_mentor) <= 0.15 * len(not_teaching), [m.id for m in to_mentor]


def test_a_catalog_of_agents_without_triggers_routes_its_tasks() -> None:
    """examples/agent-catalog: 25 Claude Code agents with only a name, a description and a body."""
    folder = Path(__file__).parents[1] / "examples" / "agent-catalog"
    catalog = Catalog.load([Layer("custom", folder / "agents")], strict=True)
    assert len(catalog) == 25
    report = evaluate(catalog.index, load_cases(folder / "tasks.jsonl").cases)
    assert report.top1 >= 0.7, [m.id for m in report.misses]
    assert report.recall_at_k >= 0.85, [m.id for m in report.misses]
    assert report.abstention_rate <= 0.05


def test_eval_cases_may_name_a_persona_as_its_file_writes_it(capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    folder = tmp_path / "personas"
    folder.mkdir()
    (folder / "KafkaEvents.md").write_text(
        "---\nname: KafkaEvents\ndescription: Kafka producers and consumers.\ntrigger-keywords: [kafka]\n---\n"
        "# Kafka\n\nBe idempotent.\n", encoding="utf-8")
    cases = write_cases(tmp_path / "cases.jsonl", [
        {"task": "Add a kafka consumer for refunds", "expected": [name]} for name in ("KafkaEvents", "kafkaevents")])
    code, out, err = run(capsys, "--no-builtin", "--no-user", "--personas", str(folder), "eval", str(cases))
    assert "not in the catalog" not in err
    assert code == EXIT_OK and "top-1: 1.000" in out


def test_eval_fit_sets_the_fitted_curve_beside_the_shipped_one_and_says_it_cannot_be_loaded(
        capsys: pytest.CaptureFixture[str]) -> None:
    from persona_mcp.selection.calibration import COEFFICIENTS

    code, out, _ = run(capsys, "--no-user", "eval", "--fit", str(EXAMPLES / "tasks.jsonl"))

    assert code == EXIT_OK
    fitted, shipped = out.splitlines()[:2]
    assert fitted.startswith("fitted curve (") and shipped.startswith("shipped curve:")
    assert f"intercept {COEFFICIENTS[0]:+.4f}" in shipped
    assert "confidence   shipped: cases  accuracy   fitted: cases  accuracy" in out
    assert "persona-mcp cannot load them" in out
    help_text = subprocess.run([sys.executable, "-m", "persona_mcp", "eval", "--help"], capture_output=True,
                               text=True, timeout=60, check=True).stdout
    assert "cannot load the fitted coefficients" in " ".join(help_text.split())
