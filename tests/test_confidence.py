"""Reported edit confidence: a fitted monotone map that changes the number, never the edits."""

import json

import pytest

from restore import Restorer
from restore.confidence import ConfidenceMap, calibration_path, default_map

from conftest import seed


def test_map_is_monotone_and_clamped():
    m = ConfidenceMap([(0.3, 0.1), (0.6, 0.4), (0.95, 0.8)])
    assert m(0.0) == 0.1 and m(1.0) == 0.8
    assert m(0.45) == pytest.approx(0.25)
    xs = [k / 100 for k in range(101)]
    assert all(m(a) <= m(b) for a, b in zip(xs, xs[1:]))
    with pytest.raises(ValueError):
        ConfidenceMap([(0.2, 0.5), (0.4, 0.3)])   # decreasing


def test_shipped_calibration_says_where_it_came_from():
    data = json.loads(calibration_path().read_text(encoding="utf-8"))
    assert data["version"] >= 1 and data["knots"]
    assert "scripts/fit_confidence_calibration.py" in data["fitted"]["script"]
    assert "development documents" in data["fitted"]["data"]
    # the map lowers the decoder's over-confident top: an edit at posterior 0.99 is not right 99% of the time
    assert default_map()(0.99) < 0.95


def test_calibration_changes_the_confidence_not_the_edits():
    text = seed("001")
    plain = Restorer(calibrate_confidence=False).restore(text)
    calibrated = Restorer().restore(text)
    assert calibrated.text == plain.text
    assert [(e.start, e.end, e.original) for e in calibrated.edits] == [(e.start, e.end, e.original) for e in plain.edits]
    assert any(a.confidence != b.confidence for a, b in zip(calibrated.edits, plain.edits))
    m = default_map()
    assert all(a.confidence == pytest.approx(m(b.confidence)) for a, b in zip(calibrated.edits, plain.edits))
