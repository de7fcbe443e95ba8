"""restore.consensus: spun copies of one article aligned, voted into one text and restored."""

from __future__ import annotations

import argparse
import json

import pytest

from restore.consensus import (Place, add_consensus_parser, clusters, copy_evidence, places, restore_copies, vote,
                               voted_text)
from test_induce import ARTICLES, spin

pytest.importorskip("datasketch")

# Three farms, each with its own words: at every place at most one copy differs from the article.
FARMS = [{"said": "stated", "river": "stream", "old": "aged"},
         {"would": "might", "bridge": "span", "heavy": "hefty"},
         {"new": "novel", "children": "kids", "police": "constabulary"}]


class FakeLM:
    order = 3

    def logprob(self, word, history):
        return -5.0


@pytest.fixture(scope="module")
def restorer():
    import restore
    return restore.Restorer()


def test_clusters_are_connected_groups():
    assert clusters([(0, 3, []), (3, 5, []), (1, 2, [])]) == [[0, 3, 5], [1, 2]]
    assert clusters([]) == []


def test_places_count_a_vote_for_each_copy():
    pivot = ["the", "stream", "is", "low"]
    a = (["the", "river", "is", "low"], None, "", [[True, 0, 1, 0, 1], [False, 1, 2, 1, 2], [True, 2, 4, 2, 4]])
    b = (["the", "stream", "is", "low"], None, "", [[True, 0, 4, 0, 4]])

    class Tok:
        def __init__(self, s, e):
            self.start, self.end = s, e
    text = "the river is low"
    a = (a[0], [Tok(0, 3), Tok(4, 9), Tok(10, 12), Tok(13, 16)], text, a[3])
    [place] = places(pivot, [a, b])
    assert (place.i1, place.i2) == (1, 2)
    assert place.votes == {("river",): 1, ("stream",): 2}    # the pivot and the copy that aligned it alike
    assert place.readings[("river",)] == ["river"]
    # equal language model: the votes decide; with a strong enough channel bonus the listed original wins
    assert vote(place, pivot, FakeLM(), None) == ("stream",)


def test_channel_bonus_prefers_the_listed_original(restorer):
    place = Place(1, 2)
    place.votes.update({("stated",): 1, ("said",): 1})
    pivot = ["he", "stated", "that"]
    assert vote(place, pivot, FakeLM(), restorer.lexicon, (1.0, 1.0, 1.0)) == ("said",)
    assert vote(place, pivot, FakeLM(), restorer.lexicon, (1.0, 1.0, 0.0)) == ("stated",)   # tie: the pivot's


def test_three_copies_vote_back_to_the_article(restorer):
    copies = [spin(ARTICLES[0], f) for f in FARMS]
    voted, pivot = voted_text(copies, restorer.lm, restorer.lexicon)
    assert voted == ARTICLES[0]
    assert 0 <= pivot < 3


def test_two_copies_fall_back_on_the_language_model(restorer):
    copies = [spin(ARTICLES[1], FARMS[0]), spin(ARTICLES[1], FARMS[1])]
    voted, _ = voted_text(copies, restorer.lm, restorer.lexicon)
    wrong = sum(voted.split().count(w) for f in FARMS for w in f.values())
    assert wrong < min(sum(c.split().count(w) for f in FARMS for w in f.values()) for c in copies)


def test_copy_evidence_counts_kept_and_facing_words():
    norms = [spin(ARTICLES[0], f).lower().replace(".", " ").replace(",", " ").split() for f in FARMS[:2]]
    ev = copy_evidence(norms)
    assert ev.pairs == 1
    assert ev.facing[("stated", "said")] >= 1 and ev.facing[("said", "stated")] >= 1
    assert ev.kept["the"] > 0 and ev.kept["stated"] == 0


def test_every_record_gets_a_result(restorer):
    texts = [spin(ARTICLES[0], FARMS[0]), ARTICLES[2], None, spin(ARTICLES[0], FARMS[1]),
             spin(ARTICLES[0], FARMS[0]), spin(ARTICLES[0], FARMS[2]), ""]
    out = restore_copies(texts, restorer)
    assert len(out) == len(texts) and out[2] is None
    assert out[0] is out[3] is out[4] is out[5] and out[0].cluster == [0, 3, 4, 5]
    assert out[0].voted == ARTICLES[0]
    assert out[1].cluster == [] and out[1].restored == restorer.restore(ARTICLES[2]).text
    assert out[6].cluster == [] and out[6].restored == ""


def test_cli_handler_writes_one_line_per_record(tmp_path, capsys):
    path = tmp_path / "c.jsonl"
    lines = [json.dumps({"id": f"c{i}", "text": spin(ARTICLES[0], f)}) for i, f in enumerate(FARMS)]
    lines += ["{not json", json.dumps({"id": "alone", "text": ARTICLES[1]})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parser = argparse.ArgumentParser()
    add_consensus_parser(parser.add_subparsers())
    out = tmp_path / "out.jsonl"
    args = parser.parse_args(["consensus", str(path), "-o", str(out)])
    assert args.func(args) == 0
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(rows) == 5 and "error" in rows[3]
    assert rows[0]["cluster"] == ["c0", "c1", "c2"] and rows[0]["restored"] == ARTICLES[0]
    assert rows[4]["cluster"] == []
    assert "3 restored with their copies, 1 unreadable" in capsys.readouterr().err


def test_consensus_is_deterministic(restorer):
    texts = [spin(ARTICLES[2], f) for f in FARMS] + [spin(ARTICLES[1], FARMS[0]), spin(ARTICLES[1], FARMS[2])]
    first = [(r.cluster, r.voted, r.restored) for r in restore_copies(texts, restorer)]
    again = [(r.cluster, r.voted, r.restored) for r in restore_copies(list(reversed(texts)), restorer)][::-1]
    assert [x[1:] for x in first] == [x[1:] for x in again]
    assert first == [(r.cluster, r.voted, r.restored) for r in restore_copies(texts, restorer)]
