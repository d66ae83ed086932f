"""Confidence: the probability that a persona is an acceptable answer, fitted from labelled cases.

A logistic curve over three features of a ranking: the strength of the best evidence (the log of
its score, read on the declared personas' scale: `DERIVED_SCORE_RATIO`), its lead over the runner-up
((best - other) / best), and the size of the catalog (the log of its personas: in a large catalog several
personas often fit, and the best is less often the labelled one). A catalog smaller or larger than every
catalog the curve was fitted on is read as the nearest of them: the curve has seen no such catalog, and
extrapolating the size would make a three-persona catalog sure of answers that only one persona could give.
The coefficients and the sizes fitted on live in `calibration.json` beside this module, written by
`scripts/fit_calibration.py`; `persona-mcp eval --fit CASES...` fits a curve for one's own catalog and prints it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from importlib import resources

FEATURES = ("intercept", "log1p(score)", "lead", "log1p(personas)")
_FILE = "calibration.json"


def _load() -> tuple[tuple[float, ...], tuple[int, int]]:
    data = json.loads(resources.files(__package__).joinpath(_FILE).read_text(encoding="utf-8"))
    low, high = data["catalog_sizes"]
    return tuple(float(data["coefficients"][name]) for name in FEATURES), (int(low), int(high))


COEFFICIENTS, FITTED_SIZES = _load()


Features = tuple[float, float, float, float]


def features(score: float, other: float, personas: int, scale: float = 1.0) -> Features:
    """The features of a candidate: its score, read at `scale` (`SelectionIndex.confidence_scales`), the best other
    candidate's score, the catalog's size."""
    lead = (score - other) / max(score, other) if max(score, other) > 0 else 0.0
    return 1.0, math.log1p(max(score * scale, 0.0)), lead, math.log1p(personas)


def confidence(score: float, other: float, personas: int = 11, scale: float = 1.0) -> float:
    """The probability, by the shipped curve, that a candidate with this score, against this best other score,
    is right; its score is read at `scale`, the declared personas' scale. The catalog's size is taken within the
    sizes that curve was fitted on (`FITTED_SIZES`)."""
    if score <= 0:
        return 0.0
    within = min(max(personas, FITTED_SIZES[0]), FITTED_SIZES[1])
    return round(probability(features(score, other, within, scale), COEFFICIENTS), 4)


def probability(x: Sequence[float], coefficients: Sequence[float]) -> float:
    """The logistic curve at features `x`."""
    z = sum(w * v for w, v in zip(coefficients, x, strict=True))
    return 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))


def fit(points: Sequence[tuple[Sequence[float], bool]], *, iterations: int = 500,
        step: float = 0.5, ridge: float = 1e-3) -> tuple[float, ...]:
    """Logistic regression by Newton's method: coefficients that make `confidence` match how often it is right.

    `points` are (features, right?) for the top candidate of each labelled case. A small ridge keeps
    the fit stable when the cases separate cleanly.
    """
    n = len(FEATURES)
    w = [0.0] * n
    for _ in range(iterations):
        gradient = [0.0] * n
        hessian = [[ridge if i == j else 0.0 for j in range(n)] for i in range(n)]
        for x, right in points:
            p = probability(x, w)
            for i in range(n):
                gradient[i] += (p - (1.0 if right else 0.0)) * x[i]
                for j in range(n):
                    hessian[i][j] += p * (1 - p) * x[i] * x[j]
        for i in range(n):
            gradient[i] += ridge * w[i]
        delta = _solve(hessian, gradient)
        w = [a - step * d for a, d in zip(w, delta, strict=True)]
        if max(abs(d) for d in delta) < 1e-9:
            break
    return tuple(w)


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Solve a small linear system by Gaussian elimination with partial pivoting."""
    n = len(vector)
    rows = [[*row[:], vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        if abs(rows[col][col]) < 1e-12:
            continue
        for r in range(n):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][n] / rows[i][i] if abs(rows[i][i]) > 1e-12 else 0.0 for i in range(n)]


def write(coefficients: Sequence[float], cases: int, sources: Sequence[str], sizes: Sequence[int]) -> str:
    """The text of `calibration.json` for these coefficients, fitted on catalogs of these sizes."""
    data = {
        "about": "Fitted by scripts/fit_calibration.py; see calibration.py. Do not edit by hand.",
        "cases": cases,
        "fitted_on": list(sources),
        "catalog_sizes": [min(sizes), max(sizes)],
        "coefficients": {name: round(value, 4) for name, value in zip(FEATURES, coefficients, strict=True)},
    }
    return json.dumps(data, indent=2) + "\n"


def path() -> str:
    """Where the shipped coefficients are (inside the package)."""
    return str(resources.files(__package__).joinpath(_FILE))
