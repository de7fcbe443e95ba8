"""Edit confidence as a probability: the decoder's posterior mapped through a fitted monotone curve.

The decoder's local posterior of the chosen original (``SpanPosterior.probs``) ranks edits well but is
not a frequency: on development documents the language model makes it over-confident. The curve in
``models/confidence_calibration.json`` (fitted by ``scripts/fit_confidence_calibration.py`` on
development documents only, with where they came from) maps it to the share of such edits that were
right there. It is monotone, so it never reorders edits; it changes only the number reported.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import ModelError


def calibration_path() -> Path:
    return Path(str(resources.files("restore._models").joinpath("confidence_calibration.json")))


class ConfidenceMap:
    """A non-decreasing piecewise-linear map of [0, 1] onto [0, 1] through the knots ``(x, y)``."""

    def __init__(self, knots: list[tuple[float, float]]) -> None:
        knots = sorted((float(x), float(y)) for x, y in knots)
        if not knots:
            raise ModelError("a confidence map needs at least one knot")
        ys = [y for _, y in knots]
        if any(b < a for a, b in zip(ys, ys[1:])) or not all(0.0 <= y <= 1.0 for y in ys):
            raise ModelError("confidence map knots must be non-decreasing values in [0, 1]")
        self.xs = [x for x, _ in knots]
        self.ys = ys

    def __call__(self, p: float) -> float:
        xs, ys = self.xs, self.ys
        if p <= xs[0]:
            return ys[0]
        if p >= xs[-1]:
            return ys[-1]
        k = bisect_right(xs, p)
        x0, x1, y0, y1 = xs[k - 1], xs[k], ys[k - 1], ys[k]
        return y0 + (y1 - y0) * (p - x0) / (x1 - x0) if x1 > x0 else y1


def identity(p: float) -> float:
    return p


@lru_cache(maxsize=1)
def default_map():
    """The shipped calibration, or the identity when the file is absent (an older install)."""
    path = calibration_path()
    if not path.exists():
        return identity
    data = json.loads(path.read_text(encoding="utf-8"))
    return ConfidenceMap([tuple(k) for k in data["knots"]])
