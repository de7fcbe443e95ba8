"""The benchmark metrics themselves: known outputs must get known scores."""

import pytest

from benchmarks.examples import Example, Span, from_replacements
from benchmarks.metrics import (bootstrap, candidate_rank, fixes, prf, reliability, score)
from benchmarks.restorers import Identity, Oracle, apply_first_candidates
from benchmarks.summary import summarize

ORIGINAL = ("Chinese authorities in the northeastern city arrested a specialist in late April, "
            "accusing him of stealing drone technology secrets. Nuclear weapons were using 12,000 soldiers.")
PAIRS = [("authorities", "government"), ("in", "within"), ("city", "town"), ("late", "overdue"),
         ("secrets", "secrets and techniques"), ("weapons", "guns"), ("using", "the usage of"),
         ("12,000", "twelve,000"), ("soldiers", "infantrymen")]


def spun_example() -> Example:
    repl, pos = [], 0
    for orig, spun in PAIRS:
        start = ORIGINAL.index(orig, pos)
        repl.append((start, start + len(orig), spun))
        pos = start + len(orig)
    return from_replacements("t1", ORIGINAL, repl)


def test_example_roundtrip():
    ex = spun_example()
    assert ex.original == ORIGINAL
    assert "Chinese government within the northeastern town" in ex.spun
    assert Example.from_dict(ex.to_dict()).original == ORIGINAL


def test_perfect_restorer_scores_100_percent():
    ex = spun_example()
    out = Oracle([ex]).restore(ex.spun)
    d = score(ex, out.text, out.edits)
    assert d.status == ["restored"] * len(PAIRS)
    assert d.false_changes == 0 and d.wer_after == 0 and d.wer_before > 0
    assert prf(d.tp, d.fp, d.fn) == (1.0, 1.0, 1.0)
    s = summarize([(ex, d)], confidences=[(e.confidence, True) for e in out.edits])
    assert s["spans"]["restored"]["value"] == 1.0
    assert s["false_changes_per_1000"]["value"] == 0.0


def test_identity_restores_nothing_and_changes_nothing():
    ex = spun_example()
    d = score(ex, Identity().restore(ex.spun).text)
    assert d.status == ["kept"] * len(PAIRS)
    assert d.false_changes == 0 and d.tp == 0 and d.fp == 0 and d.fn == sum(len(s.spun.split()) for s in ex.spans)
    assert d.wer_after == d.wer_before
    clean = Example("c", ORIGINAL)
    assert score(clean, ORIGINAL).false_changes == 0


def test_known_wrong_output_is_counted_wrong():
    ex = spun_example()
    out = (ex.original.replace("Nuclear weapons", "Nuclear arms")      # span restored to a wrong word
           .replace("northeastern", "north-eastern")                  # a false change outside the spans
           .replace("late April", "overdue April"))                   # a span left spun
    d = score(ex, out)
    status = dict(zip([s.original for s in ex.spans], d.status))
    assert status["weapons"] == "wrong"
    assert status["late"] == "kept"
    assert status["authorities"] == "restored" and status["using"] == "restored"
    assert d.false_changes == 1
    assert d.fp == 1  # "northeastern" changed though never spun


def test_multiword_spans_shrinking_and_growing():
    ex = from_replacements("m", "They were using it in the 1990s.", [(10, 15, "the usage of"), (27, 32, "Nineteen Nineties")])
    assert score(ex, "They were using it in the 1990s.").status == ["restored", "restored"]
    assert score(ex, "They were the usage of it in the 1990s.").status == ["kept", "restored"]
    assert score(ex, "They were the usage it in the Nineteen 1990s.").status == ["wrong", "wrong"]


def test_deleted_word_span():
    # the spinner inserted "language" after "Chinese": original is Chinese, spun Chinese language
    ex = from_replacements("d", "Chinese officials met.", [(0, 7, "Chinese language")])
    assert score(ex, "Chinese officials met.").status == ["restored"]
    assert score(ex, "Chinese language officials met.").status == ["kept"]
    assert score(ex, "Chinese tongue officials met.").status == ["wrong"]


def test_detection_precision_recall():
    assert prf(3, 1, 2) == pytest.approx((0.75, 0.6, 2 * 0.75 * 0.6 / 1.35))
    assert prf(0, 0, 0) == (0.0, 0.0, 0.0)
    ex = from_replacements("p", "one two three four five six", [(4, 7, "deux"), (14, 18, "quatre")])
    d = score(ex, "one two three quatre five sixty")  # fixes a span, misses one, changes a clean word
    assert (d.tp, d.fp, d.fn) == (1, 1, 1)
    assert d.status == ["restored", "kept"] and d.false_changes == 1


def test_fixes_and_candidate_rank():
    ex = spun_example()
    i = ex.spun.index("guns")
    assert fixes(ex, i, i + 4, "weapons")
    assert not fixes(ex, i, i + 4, "arms")
    j = ex.spun.index("Nuclear")
    assert fixes(ex, j, i + 4, "nuclear weapons")  # a candidate wider than the span

    class C:
        def __init__(self, start, end, originals):
            self.start, self.end, self.originals = start, end, originals

    span = next(s for s in ex.spans if s.spun == "guns")
    assert candidate_rank(ex, span, [C(i, i + 4, ["arms", "weapons"])]) == 2
    assert candidate_rank(ex, span, [C(i, i + 4, ["arms"])]) is None


def test_naive_replacement_longest_leftmost():
    class C:
        def __init__(self, start, end, spun, originals):
            self.start, self.end, self.spun, self.originals = start, end, spun, originals

    text = "the usage of guns"
    cands = [C(0, 3, "the", ["a"]), C(0, 12, "the usage of", ["using"]), C(4, 9, "usage", ["use"]),
             C(13, 17, "guns", ["weapons", "arms"])]
    assert apply_first_candidates(text, cands)[0] == "using weapons"


def test_bootstrap_interval_contains_point():
    num = [3, 5, 0, 7, 2, 9, 4, 4]
    den = [10, 10, 5, 12, 8, 15, 9, 10]
    point, lo, hi = bootstrap(num, den, seed=1)
    assert point == pytest.approx(sum(num) / sum(den))
    assert lo <= point <= hi and lo < hi
    assert bootstrap([], [])[0] != bootstrap([], [])[0]  # NaN when empty


def test_reliability_bins():
    r = reliability([0.95, 0.95, 0.15, 0.15], [1, 1, 0, 1], bins=10)
    assert r["n"] == 4
    assert [b["accuracy"] for b in r["bins"]] == [0.5, 1.0]
    assert r["ece"] == pytest.approx(0.5 * abs(0.15 - 0.5) + 0.5 * abs(0.95 - 1.0))


def test_span_must_match_text():
    with pytest.raises(ValueError):
        Example("bad", "abc def", (Span(0, 3, "xyz", "abc"),))


def test_alignment_ties_do_not_blame_neighbours():
    original = "They intervened during the Korean War of 1950."
    i, j = original.index("during"), original.index("War")
    ex = from_replacements("tie", original, [(i, i + 6, "all the way through"), (j, j + 3, "Struggle")])
    d = score(ex, original)
    assert d.status == ["restored", "restored"] and d.false_changes == 0 and d.fp == 0
    d = score(ex, ex.spun)
    assert d.status == ["kept", "kept"] and d.false_changes == 0


def test_readme_table_goes_only_between_markers(tmp_path):
    from benchmarks.readme import END, START, update
    res = {"meta": {"restorers": ["identity"], "mode": "quick", "date": "today", "commit": None},
           "seeds": {}, "synthetic": {}, "clean": {}, "tortured": {}}
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n{START}\nold table\n{END}\nafter\n", encoding="utf-8")
    assert update(readme, res)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nbefore\n" + START) and text.endswith(END + "\nafter\n")
    assert "old table" not in text and "| metric | identity |" in text
    readme.write_text("# no markers\n", encoding="utf-8")
    assert not update(readme, res) and readme.read_text(encoding="utf-8") == "# no markers\n"
    assert not update(tmp_path / "missing.md", res)


def test_composed_rank_assembles_joined_pairs():
    from types import SimpleNamespace as C

    from benchmarks.metrics import composed_rank
    spun = "progress within reach"
    cands = [C(start=0, end=8, originals=["advance", "growth"]), C(start=9, end=15, originals=["in"])]
    assert composed_rank(spun, "growth in reach", cands) == 2
    assert composed_rank(spun, "growth within reach", cands) == 2
    assert composed_rank(spun, "growth on reach", cands) is None


# --- references with accepted alternatives and uncertain spans (seed 001's gold list) ---------------------

GOLD_TEXT = "The town officers mentioned a tale via the radio and with out delay left the meeting."
GOLD_LINES = "# comment\ntown\tcity\nofficers\tofficials\nmentioned\tsaid\ntale\tstory|account\nvia\tby\nwith out\t?\n"


def gold_example(tmp_path):
    from benchmarks.datasets import read_gold
    path = tmp_path / "gold.tsv"
    path.write_text(GOLD_LINES, encoding="utf-8")
    return Example("g", GOLD_TEXT, read_gold(GOLD_TEXT, path), meta={"gold": True})


def test_gold_reads_alternatives_and_uncertain(tmp_path):
    ex = gold_example(tmp_path)
    assert [s.spun for s in ex.spans] == ["town", "officers", "mentioned", "tale", "via", "with out"]
    assert ex.spans[3].originals == ("story", "account") and ex.spans[5].uncertain


def test_gold_scoring(tmp_path):
    ex = gold_example(tmp_path)
    # an accepted alternative counts as restored; the uncertain span is edited and neither credited nor blamed
    out = "The city officials said an account by the radio and without delay left the meeting."
    d = score(ex, out)
    assert d.status == ["restored", "restored", "restored", "restored", "restored", "uncertain"]
    assert d.false_changes == 1   # "a" -> "an" lies outside every span
    # a changed neighbour does not spoil a restored span, but the strict (whole-region) reading marks it wrong
    out = "The city officials said a story by radio and with out delay quit the meeting."
    d = score(ex, out)
    assert d.status[:5] == ["restored"] * 5 and d.false_changes == 2
    assert d.strict[:5] == ["restored"] * 3 + ["wrong"] * 2   # "tale via the" -> "story by": one region
    # a wrong original and a span left spun
    d = score(ex, "The city officers said a narrative via the radio and with out delay left the meeting.")
    assert d.status[:5] == ["restored", "kept", "restored", "wrong", "kept"] and d.false_changes == 0
    s = summarize([(ex, d)])
    assert s["spans"]["n"] == 5   # the uncertain span is not counted
    assert fixes(ex, ex.spans[3].start, ex.spans[3].end, "account")
    assert not fixes(ex, ex.spans[3].start, ex.spans[3].end, "narrative")


def test_seed001_gold_reference():
    from benchmarks import datasets
    from benchmarks.paths import SEED_GOLD
    if not SEED_GOLD.exists() or datasets.seed_path("001") is None:
        pytest.skip(f"{SEED_GOLD} or seed 001 not found (the shared data folder is absent)")
    ex = datasets.seed_spun()
    certain = [s for s in ex.spans if not s.uncertain]
    assert len(certain) > 300
    identity = score(ex, ex.spun)
    assert identity.false_changes == 0 and set(identity.status) <= {"kept", "uncertain"}
    # the reference's own restoration (second alternatives where there are some) scores perfectly
    parts, pos = [], 0
    for s in ex.spans:
        parts += [ex.spun[pos:s.start], s.originals[-1]]
        pos = s.end
    d = score(ex, "".join(parts) + ex.spun[pos:])
    assert d.false_changes == 0 and d.status.count("restored") == len(certain)
