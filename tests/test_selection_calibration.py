"""Confidence: a logistic curve fitted from labelled cases; the shipped coefficients and the fitting code."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

from tests.test_selection import persona
from tests.test_selection_derive import agent

from persona_mcp.lexicon import builtin_lexicon
from persona_mcp.selection import SelectionIndex, calibration, rank, tunables


def test_the_shipped_coefficients_load_and_say_where_they_came_from() -> None:
    data = json.loads(Path(calibration.path()).read_text(encoding="utf-8"))
    assert set(data["coefficients"]) == set(calibration.FEATURES)
    assert data["cases"] > 0 and data["fitted_on"]
    assert len(calibration.COEFFICIENTS) == len(calibration.FEATURES)


def test_fitting_recovers_the_curve_that_made_the_labels() -> None:
    rng = random.Random(7)
    truth = (-2.0, 1.5, 2.5, -0.3)
    points = []
    for _ in range(4000):
        x = calibration.features(rng.uniform(0.1, 6.0), rng.uniform(0.0, 6.0), rng.choice([11, 40, 150, 1000]))
        p = 1 / (1 + math.exp(-sum(w * v for w, v in zip(truth, x, strict=True))))
        points.append((x, rng.random() < p))
    fitted = calibration.fit(points)
    for got, want in zip(fitted, truth, strict=True):
        assert abs(got - want) < 0.35


def test_the_fitted_file_round_trips() -> None:
    text = calibration.write((-1.0, 2.0, 3.0, -0.5), 12, ["built-in", "volt"], [158, 11])
    data = json.loads(text)
    assert data["catalog_sizes"] == [11, 158]
    assert data["coefficients"] == {"intercept": -1.0, "log1p(score)": 2.0, "lead": 3.0, "log1p(personas)": -0.5}
    assert data["fitted_on"] == ["built-in", "volt"] and data["cases"] == 12


def test_a_catalog_outside_the_fitted_sizes_counts_as_the_nearest_fitted_one() -> None:
    low, high = calibration.FITTED_SIZES
    assert low < high
    # A three-persona catalog is no surer of an answer than the smallest catalog the curve has seen ...
    assert calibration.confidence(0.3, 0.0, 3) == calibration.confidence(0.3, 0.0, low)
    assert calibration.confidence(0.3, 0.0, 1) == calibration.confidence(0.3, 0.0, low)
    # ... nor a huge one less sure than the largest; inside the range the size still counts.
    assert calibration.confidence(2.0, 1.0, 100_000) == calibration.confidence(2.0, 1.0, high)
    assert calibration.confidence(2.0, 1.0, low) != calibration.confidence(2.0, 1.0, high)


def test_a_score_of_a_persona_read_only_from_its_text_is_read_on_the_declared_scale() -> None:
    declared = persona("persona-db", keywords=["postgres"])
    derived = agent("db-expert", "Postgres expert for query plans and indexes.")
    alone = SelectionIndex([derived], builtin_lexicon())
    mixed = SelectionIndex([declared, derived], builtin_lexicon())
    assert alone.confidence_scales == [tunables.DERIVED_SCORE_RATIO]
    scales = dict(zip(mixed.names, mixed.confidence_scales, strict=True))
    assert scales == {"persona-db": 1.0, "db-expert": tunables.DERIVED_SCORE_RATIO / tunables.MIXED_DERIVED_SCALE}
    found = rank(alone, "Speed up the slow postgres query plan", [])[0]
    read_on_own_scale = calibration.confidence(found.score, 0.0, 1)
    assert found.confidence == calibration.confidence(found.score * tunables.DERIVED_SCORE_RATIO, 0.0, 1)
    assert found.confidence < read_on_own_scale  # a derived score of this size says less than a declared one
