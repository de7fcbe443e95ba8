"""benchmarks/farms.py: the synthetic scraped corpus is seeded, consistent with its truth, and farms are disjoint."""

from __future__ import annotations

import pytest

pytest.importorskip("lemminflect")   # the bench extra (benchmarks.spinners)

from benchmarks import farms  # noqa: E402
from test_learn import ARTICLES  # noqa: E402


@pytest.fixture
def articles(monkeypatch):
    docs = [{"id": f"a{i}", "source": "test", "text": f"{ARTICLES[i % 3]} This is page {i}.\n"} for i in range(40)]
    monkeypatch.setattr(farms, "clean_articles", lambda: [dict(d) for d in docs])
    return {d["id"]: d["text"] for d in docs}


def test_generate_is_seeded_and_matches_its_truth(articles):
    c = farms.generate(seed=3)
    assert c.records == farms.generate(seed=3).records
    assert c.records != farms.generate(seed=4).records
    roles = [t["role"] for t in c.truth.values() if not t.get("duplicate")]
    assert roles.count("unrelated") == 6                     # 15% of 40 articles
    assert roles.count("spun") >= 34 and 0 < roles.count("source") < 34
    for r in c.records:
        t = c.truth[r["id"]]
        if t["role"] == "spun":
            ex = c.examples[r["id"]]
            assert ex.spun == r["text"] and ex.original == articles[t["article"]]
            assert ex.spans and t["farm"] in {f.name for f in c.farms}
        else:
            assert r["text"] == articles[t["article"]]
    texts = [r["text"] for r in c.records]
    assert len(texts) - len(set(texts)) >= sum(bool(t.get("duplicate")) for t in c.truth.values())


def test_farm_dictionaries_are_disjoint(articles):
    c = farms.generate(seed=3)
    heads = [{g[0] for g in f.groups} for f in c.farms]
    assert all(not (heads[i] & heads[j]) for i in range(3) for j in range(i + 1, 3))
    assert [f.mode for f in c.farms] == ["head", "shuffle", "head"]
