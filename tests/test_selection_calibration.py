"""Confidence: a logistic curve fitted from labelled cases; the shipped coefficients and the fitting code."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

from persona_mcp.selection import calibration


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
    text = calibration.write((-1.0, 2.0, 3.0, -0.5), 12, ["built-in", "volt"])
    data = json.loads(text)
    assert data["coefficients"] == {"intercept": -1.0, "log1p(score)": 2.0, "lead": 3.0, "log1p(personas)": -0.5}
    assert data["fitted_on"] == ["built-in", "volt"] and data["cases"] == 12
