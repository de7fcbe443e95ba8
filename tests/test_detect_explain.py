"""`detect` spans without overlaps and a spin score that is a share of words; `--explain` for a person."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, strategies as st

import restore
from restore.explain import Positions
from restore.segments import best_segmentation
from restore.tokenize import tokenize

from conftest import ROOT, seed

EXAMPLE = (ROOT / "examples" / "spun_news.txt").read_text(encoding="utf-8")


def _brute_force(items):
    best = 0.0
    for k in range(len(items) + 1):
        for subset in itertools.combinations(items, k):
            spans = sorted(subset)
            if all(a[1] <= b[0] for a, b in zip(spans, spans[1:])):
                best = max(best, sum(w for _, _, w in subset))
    return best


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(1, 6), st.floats(0, 3)), max_size=8))
def test_best_segmentation_is_optimal_and_disjoint(raw):
    items = [(s, s + n, w) for s, n, w in raw]
    chosen = best_segmentation(items, lambda it: (it[0], it[1]), lambda it: it[2])
    assert all(a[1] <= b[0] for a, b in zip(chosen, chosen[1:]))
    assert abs(sum(w for _, _, w in chosen) - _brute_force(items)) < 1e-9


def test_detect_spans_do_not_overlap(restorer):
    det = restorer.detect(EXAMPLE)
    assert det.spans, "the bundled example is spun"
    assert all(a.end <= b.start for a, b in zip(det.spans, det.spans[1:]))
    # every restored span is kept by the segmentation
    assert {(f.start, f.end) for f in det.spans if f.restored} == \
        {(e.start, e.end) for e in restorer.restore(EXAMPLE).edits}


def test_spin_score_is_a_share_of_words(restorer):
    det = restorer.detect(EXAMPLE)
    words = len(tokenize(EXAMPLE))
    covered = sum(len(tokenize(f.spun)) for f in restorer.detect(EXAMPLE).spans)
    assert 0 < det.spin_score <= 1 and det.spin_score * words <= words
    assert det.spin_score == restorer.restore(EXAMPLE).spin_score
    assert det.spin_score <= max(det.spin_rate, covered / words) + 0.2


def test_spin_score_tracks_the_reference_share_of_seed_001(restorer):
    text = seed("001")
    gold = ROOT.parent / "shared" / "data" / "seed001_gold.tsv"
    if not gold.exists():
        pytest.skip("../shared/data/seed001_gold.tsv is absent")
    rows = [line.split("\t") for line in gold.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    spun_words = sum(len(tokenize(row[0])) for row in rows if len(row) == 2)
    truth = spun_words / len(tokenize(text))
    assert abs(restorer.detect(text).spin_score - truth) < 0.1      # the capped rate (0.6) was off by 0.22
    assert restorer.detect(seed("000")).spin_score < 0.02


def test_positions_are_line_and_column_from_one():
    text = "ab\ncd\n\nef"
    where = Positions(text)
    for offset, ch in enumerate(text):
        line, col = where(offset)
        assert text.split("\n")[line - 1][col - 1:col] in (ch, "")


def test_explain_gives_place_context_and_reason(toy_restorer):
    text = "A first line.\nNuclear guns used to be a risk to the 2 international locations within the town.\n"
    res = toy_restorer.restore(text)
    out = res.explain()
    guns = next(e for e in res.edits if e.spun == "guns")
    assert f"2:{guns.start - text.index(chr(10)) }  " in out       # line 2, column counted from 1
    assert "[guns -> weapons]" in out and "Nuclear [guns" in out  # the words around the edit
    assert re.search(r"from .*lexicon.*weight", guns.evidence) and "language model" in guns.evidence
    assert "runner-up" in guns.evidence
