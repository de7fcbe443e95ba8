"""Rewriting detection (restore.rewriting): features, the shipped model, Detection fields; restoring untouched."""

from __future__ import annotations

import json

import pytest

import restore
from restore.errors import ModelError
from restore.lm import NgramLM
from restore.rewriting import FEATURES, features, load_model, model_path, parse_model, splits_into_common

from conftest import ROOT, seed

CLEAN = ("The city council said on Tuesday that the new bridge over the river would open to traffic next "
         "year, after two years of work and a long dispute over its cost. The mayor told reporters that "
         "the project had been delayed by the weather and by a shortage of steel.")
EXAMPLE = (ROOT / "examples" / "spun_news.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lm():
    return NgramLM()


def test_joined_compound_is_found(lm):
    assert splits_into_common("homeloan", lm)
    assert splits_into_common("realestate", lm)
    assert not splits_into_common("government", lm)
    f = features("They took out a homeloan to buy realestate near the coast.", lm)
    assert f["joined"] > 0.1 and f["oov"] >= 0.2


def test_clean_sentence_has_low_feature_values_and_score(lm):
    f = features(CLEAN, lm)
    assert set(f) == set(FEATURES)
    assert f["joined"] == 0 and f["oov"] == 0 and f["spelled"] == 0
    assert f["cold_content"] < 0.5
    model = load_model()
    assert model.score(f) < model.threshold
    assert restore.detect(CLEAN).kind == "clean"


def test_rewritten_words_raise_the_cold_share(lm):
    spun = ("The metropolis assembly pronounced on Tuesday that the fresh span over the watercourse would "
            "unfold to dealings adjacent yr, after two years of labour and a extended quarrel over its "
            "toll. The civic head told newsmen that the labor had been retarded by the conditions and by "
            "a deficit of brand.")
    assert features(spun, lm)["cold_content"] > features(CLEAN, lm)["cold_content"]


def test_empty_and_wordless_text(lm):
    for text in ("", "   \n", "12 34 --"):
        f = features(text, lm)
        assert all(v == v for v in f.values())   # no NaN from empty denominators


def test_shipped_model_loads_and_says_where_it_came_from():
    data = json.loads(model_path().read_text(encoding="utf-8"))
    assert "scripts/fit_rewriting.py" in data["about"] and "development" in data["about"]
    model = parse_model(data)
    assert 0 < model.threshold < 1 and model.heads


@pytest.mark.parametrize("breakage", [
    lambda d: d.pop("heads"),
    lambda d: d.update(format="something else"),
    lambda d: d["heads"][0]["weights"].update(no_such_feature=1.0),
    lambda d: d["heads"][0]["scales"].update({next(iter(d["heads"][0]["scales"])): 0.0}),
    lambda d: d.update(threshold=1.5),
    lambda d: d.update(a="many"),
    lambda d: d.update(heads=[]),
])
def test_broken_model_is_a_model_error(tmp_path, breakage):
    data = json.loads(model_path().read_text(encoding="utf-8"))
    breakage(data)
    path = tmp_path / "rewriting.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError):
        load_model(path)


def test_unreadable_model_is_a_model_error(tmp_path):
    path = tmp_path / "rewriting.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="rewriting model"):
        load_model(path)
    with pytest.raises(ModelError):
        restore.Restorer(rewrite_model=tmp_path / "absent.json")


def test_detection_has_the_new_keys(restorer):
    det = restorer.detect(EXAMPLE)
    out = det.to_dict()
    assert {"spin_score", "spin_rate", "spans", "rewrite_score", "kind"} <= set(out)
    assert 0.0 <= out["rewrite_score"] <= 1.0
    assert out["kind"] == "lexicon spinner"   # the example's spinner is in the bundled lexicons


def test_joined_words_make_an_unknown_spinner(restorer):
    text = ("We looked at the homeloan offers and the realestate market before the busstop meeting. The "
            "bankmanager said the interestrate would rise, so the firsttime buyers left the townhall early.")
    det = restorer.detect(text)
    assert det.spin_score < 0.03 and det.kind == "unknown spinner"


def test_restoring_is_unchanged(restorer):
    text = seed("000")
    res = restorer.restore(text)
    assert res.text == text and res.edits == []
    assert restorer.restore(CLEAN).edits == []
    assert "rewrite_score" not in res.to_dict() and "kind" not in res.to_dict()
    det = restorer.detect(text)
    assert det.spans == [] and det.spin_score == res.spin_score and det.kind == "clean"
