"""The science profile's pieces on small hand-written cases: the split, the unlisted detector, the kind."""

from __future__ import annotations

import pytest

from restore import Restorer
from restore.edits import Flag
from restore.lm import NgramLM
from restore.science import UnlistedHook
from restore.split import expected_key, tortured_half
from restore.tokenize import sentences, tokenize
from restore.unlisted import UnlistedDetector

# A toy science vocabulary: what a spinner's thesaurus turned into what.
WORDS = {"counterfeit": [("artificial", 0.9, "pps"), ("fake", 0.5, "pps")],
         "consciousness": [("intelligence", 0.9, "pps"), ("awareness", 0.5, "pps")],
         "irregular": [("random", 0.9, "pps")], "woodland": [("forest", 0.9, "pps")],
         "phony": [("artificial", 0.9, "pps")], "cognizance": [("intelligence", 0.9, "pps")]}
TERMS = ["artificial intelligence", "random forest"]


@pytest.fixture(scope="module")
def lm():
    return NgramLM()


def toy(lm, **params):
    return UnlistedDetector(lm, None, params=params, terms=TERMS, words=WORDS)


def find(det, text, **kw):
    tokens = tokenize(text)
    return [(text[u.start:u.end], u.options[0][0]) for u in det.find(tokens, sentences(text, tokens), **kw)]


def test_split_keeps_spellings_of_one_term_together():
    assert expected_key("Mean-Squared Error (MSE)") == "mean squared error"
    assert tortured_half("mean squared error (mse)") == tortured_half("Mean-squared  error")
    halves = {tortured_half(f"term number {k}") for k in range(40)}
    assert halves == {"T", "U"}


def test_unlisted_phrase_found_with_its_term(lm):
    det = toy(lm)
    assert find(det, "We train a model of counterfeit consciousness on the data.") == \
        [("counterfeit consciousness", "artificial intelligence")]


def test_clean_sentences_are_not_flagged(lm):
    det = toy(lm)
    assert find(det, "We train a model of artificial intelligence on the data.") == []
    assert find(det, "The weather was cold and the roads were closed.") == []


def test_a_threshold_above_the_score_flags_nothing(lm):
    det = toy(lm)
    text = "Recent advances in irregular woodland have attracted attention."
    assert find(det, text) == [("irregular woodland", "random forest")]
    assert find(det, text, threshold=1000.0) == []


def test_names_and_numbers_are_not_runs(lm):
    det = toy(lm)
    assert find(det, "They met Counterfeit Consciousness in 2020.") == []


def test_flag_kind_defaults_to_lexicon():
    f = Flag(0, 3, "abc", 0.9, "x", False)
    assert f.kind == "lexicon" and f.to_dict()["kind"] == "lexicon"


def test_news_profile_flags_unlisted_but_never_edits(lm):
    r = Restorer(unlisted=True)
    r.unlisted = UnlistedHook(toy(lm), restoring=False)
    text = "We train a model of phony cognizance on the data."
    res = r.restore(text)
    assert res.text == text and res.edits == []
    assert [(f.spun, f.kind, f.restored) for f in res.flags] == [("phony cognizance", "unlisted", False)]
    assert [s.kind for s in r.detect(text).spans] == ["unlisted"]


def test_restoring_hook_restores_above_its_threshold(lm):
    r = Restorer(unlisted=True)
    r.unlisted = UnlistedHook(toy(lm), restoring=True)
    text = "We train a model of phony cognizance on the data."
    assert r.restore(text).text == "We train a model of artificial intelligence on the data."
    r.unlisted.restore_threshold = 1000.0   # flagged, not good enough to restore
    res = r.restore(text)
    assert res.text == text and res.flags[0].kind == "unlisted"


def test_science_profile_runs_the_detector_and_default_does_not():
    science, news = Restorer(profile="science"), Restorer()
    assert news.unlisted is None and science.unlisted.restoring
    with pytest.raises(ValueError):
        Restorer(profile="poetry")


def test_cli_detect_reports_the_kind(tmp_path, capsys):
    from restore.cli import main
    path = tmp_path / "in.txt"
    path.write_text("Town officers mentioned the nuclear guns.\n", encoding="utf-8")
    assert main(["detect", str(path), "--profile", "science"]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split("\t")[-1] == "kind" and rows and all(r.split("\t")[-1] in ("lexicon", "unlisted") for r in rows)


def _build_terms():
    import importlib.util
    from conftest import ROOT
    spec = importlib.util.spec_from_file_location("build_terms", ROOT / "scripts" / "build_terms.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_word_pairs_align_same_length_phrases_only():
    build = _build_terms()
    rows = [("profound learning", "deep learning"), ("profound neural organization", "deep neural network"),
            ("arbitrary woodland classifier", "random forest"), ("mean squared error", "mean squared error (MSE)")]
    pairs = build.word_pairs(rows)
    assert pairs == {("profound", "deep"): 2, ("organization", "network"): 1}
    assert build.clean_expected("Mean  Squared Error (MSE)") == "mean squared error"


def test_curve_counts_recall_and_false_flags():
    from benchmarks.science import curve
    points = {p["threshold"]: p for p in curve([(10.0, -99.0), (3.0, 5.0), (-99.0, 1.0), (99.0, -99.0)])}
    assert points[4.0]["recall"] == 0.5 and points[4.0]["false_flag_sentences"] == 0.25
    assert points[0.0]["recall"] == 0.75 and points[0.0]["precision"] == 3 / 5
    assert points[20.0]["recall"] == 0.25 and points[20.0]["precision"] == 1.0
