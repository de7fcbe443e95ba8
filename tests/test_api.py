import threading

from hypothesis import given, settings, strategies as st

import restore
from restore.edits import apply_edits

SPUN = "Nuclear guns used to be a risk to the 2 international locations within the town."


# Two sentences: one sentence and a twelve-pair toy lexicon barely tell a spun document from a clean one.
SPUN2 = SPUN + " The Korean Struggle used to be a risk to members of the family in the 2 international locations."


def test_restore_returns_edits_confidence_and_alternatives(toy_restorer):
    from conftest import TOY_GATE
    toy_restorer = restore.Restorer(lexicon=toy_restorer.lexicon, **TOY_GATE)
    res = toy_restorer.restore(SPUN2)
    assert {(e.spun, e.original) for e in res.edits} >= {
        ("guns", "weapons"), ("used to be", "was"), ("2", "two"), ("international locations", "countries"),
        ("town", "city"), ("Struggle", "War"), ("members of the family", "relations")}
    assert res.text.startswith("Nuclear weapons was a risk to the two countries")
    assert res.text.endswith("The Korean War was a risk to relations in the two countries.")
    assert res.source == SPUN2
    for e in res.edits:
        assert SPUN2[e.start:e.end] == e.spun and 0 < e.confidence <= 1   # (calibrated: may fall below 0.5)
        assert all(0 <= p <= 1 for _, p in e.alternatives)
    assert apply_edits(SPUN2, res.edits) == res.text
    assert "guns" in res.explain() and "weapons" in res.explain()
    assert res.to_dict()["edits"][0]["original"] == "weapons"


def test_possessive_and_case_are_carried_over(toy_restorer):
    # the spin rate is fixed: two spans are too few for the document gate, and this is about the edits
    r = restore.Restorer(lexicon=toy_restorer.lexicon, rate=0.3)
    res = r.restore("Metal’s price fell. The Korean Struggle ended in 1953.")
    assert res.text == "Steel’s price fell. The Korean War ended in 1953."


def test_detect_flags_without_rewriting(toy_restorer):
    det = toy_restorer.detect(SPUN)
    clean = toy_restorer.detect("The town said the guns were within reach of the two countries.")
    assert det.spin_score > 3 * clean.spin_score
    assert {f.spun for f in det.spans} >= {"guns", "international locations"}


def test_restore_many_streams_in_order(toy_restorer):
    texts = [SPUN, "Plain clean words here.", SPUN]
    out = list(toy_restorer.restore_many(iter(texts)))
    assert [r.source for r in out] == texts


def test_shared_restorer_is_thread_safe(toy_restorer):
    expected = toy_restorer.restore(SPUN).text
    results = []

    def work():
        for _ in range(5):
            results.append(toy_restorer.restore(SPUN).text)

    threads = [threading.Thread(target=work) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert results == [expected] * 20


def test_rejects_non_text(toy_restorer):
    import pytest
    with pytest.raises(TypeError):
        toy_restorer.restore(b"bytes")


def test_candidates_list_originals(toy_restorer):
    cands = toy_restorer.candidates("It was introduced today.")
    assert cands[0].spun == "introduced" and set(cands[0].originals) == {"brought", "announced"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["guns", "the", "town", " ", "\n", "Struggle", "—", "“", "2", ",", ".", "used to be",
                                 "within", "x", "\t", "é"]), max_size=40))
def test_text_outside_edits_is_byte_for_byte(toy_restorer, parts):
    text = "".join(parts)
    res = toy_restorer.restore(text)
    pos = 0
    for e in res.edits:
        assert text[pos:e.start] in res.text
        pos = e.end
    assert apply_edits(text, res.edits) == res.text
    if not res.edits:
        assert res.text == text


def test_dates_and_amounts_are_left_alone(toy_restorer):
    from restore import Lexicon, Restorer
    lex = Lexicon()
    for digit, word in (("8", "eight"), ("19", "nineteen"), ("40", "forty")):
        lex.add(digit, word, 1.0, "curated")
    lex.add("guns", "weapons", 0.7, "curated")
    r = Restorer(lexicon=lex)
    assert r.candidates("On Jan. 8 and June 19 they paid $40 for 19% of it.") == []
    assert [c.spun for c in r.candidates("The 8 guns.")] == ["8", "guns"]


def test_module_level_functions_use_the_bundled_lexicons():
    text = "The Korean Struggle used to be a struggle between the 2 international locations."
    result = restore.restore_text(text)
    assert "Korean War" in result.text and "two countries" in result.text
    assert restore.default_restorer() is restore.default_restorer()
    det = restore.detect(text)
    assert det.spin_score > 0 and any(f.spun == "international locations" for f in det.spans)


def test_settings_are_checked_when_made():
    import pytest

    from restore.decode import Settings
    for bad in ({"beam": 0}, {"rate": 1.0}, {"decision": "Posterior"}, {"spinner_mode": "x"}, {"options": 0},
                {"unigram_discount": 1.5}, {"user_rate": 1.0}):
        with pytest.raises(ValueError, match="Settings|spinner mode"):
            Settings(**bad)
    with pytest.raises(TypeError):
        Settings(max_rate=0.5)   # a fixed number of the decoder, not a setting


def test_restore_text_reuses_one_restorer_per_options():
    from restore.api import cached_restorer
    assert cached_restorer(wordnet=False) is cached_restorer(wordnet=False)
    assert cached_restorer(wordnet=False) is not cached_restorer(wordnet=True)


def test_errors_share_one_base_and_bugs_are_not_bad_input(tmp_path, monkeypatch):
    import pytest

    import restore
    from restore import cli
    with pytest.raises(restore.RestoreError):
        restore.Restorer(lm="no-such-model")
    with pytest.raises(restore.SettingsError):
        restore.Restorer(beam=0)
    doc = tmp_path / "a.txt"
    doc.write_text("The town officers mentioned it.", encoding="utf-8")
    bad = tmp_path / "bad.tsv"
    bad.write_text("one column only\n", encoding="utf-8")
    assert cli.main(["text", str(doc), "--lexicon", str(bad)]) == cli.EXIT_INPUT

    def broken(self, text, progress=None):
        raise ValueError("a bug, not bad input")
    monkeypatch.setattr(restore.Restorer, "restore", broken)
    with pytest.raises(ValueError, match="a bug"):
        cli.main(["text", str(doc)])
