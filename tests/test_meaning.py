"""Candidates that would change what a sentence says are never proposed (restore/meaning.py)."""

import pytest

from restore import Lexicon, Restorer
from restore.lexicon import Entry
from restore.meaning import MeaningGuard, default_guard, guard_path, numbers

# A spun sentence as a content farm writes it, and a lexicon that offers the meaning-changing originals
# first: only the guard stands between them and the decoder.
SPUN = ("Town officers mentioned on Tuesday that the struggle had pushed it towards Pyongyang, "
        "whose best buying and selling spouse is Beijing. Infantrymen within the town may now leave. "
        "Town officers mentioned that infantrymen within the town had been told about the struggle. "
        "The officers mentioned the struggle again within the week, and infantrymen left the town.")
LEXICON = """spun\toriginal\tweight\tsource
towards\tagainst\t0.9\tcurated
towards\ttoward\t0.3\tcurated
best\tonly\t0.9\tcurated
best\ttop\t0.3\tcurated
may\tmust\t0.9\tcurated
town\tcity\t0.7\tcurated
officers\tofficials\t0.7\tcurated
mentioned\tsaid\t0.7\tcurated
struggle\twar\t0.7\tcurated
buying and selling\ttrading\t0.7\tcurated
spouse\tpartner\t0.7\tcurated
infantrymen\tsoldiers\t0.7\tcurated
within\tin\t0.7\tcurated
"""


@pytest.fixture(scope="module")
def spun_restorer(tmp_path_factory):
    path = tmp_path_factory.mktemp("lex") / "meaning.tsv"
    path.write_text(LEXICON, encoding="utf-8")
    return Restorer(lexicon=Lexicon().load(path), rate=0.4)   # a fixed spin rate: no document gate


def originals_at(restorer, text, word):
    return {o for c in restorer.candidates(text) if c.spun.lower() == word for o in c.originals}


def test_towards_never_becomes_against(spun_restorer):
    assert "against" not in originals_at(spun_restorer, SPUN, "towards")
    assert "toward" in originals_at(spun_restorer, SPUN, "towards")   # the harmless spelling stays
    out = spun_restorer.restore(SPUN).text
    assert "against" not in out and "pushed it toward" in out.replace("towards", "toward")


def test_best_trading_partner_never_becomes_only(spun_restorer):
    assert "only" not in originals_at(spun_restorer, SPUN, "best")
    out = spun_restorer.restore(SPUN).text
    assert " only " not in out


def test_modality_is_not_flipped(spun_restorer):
    assert "must" not in originals_at(spun_restorer, SPUN, "may")
    assert "must" not in spun_restorer.restore(SPUN).text


def test_the_rest_of_the_sentence_is_still_restored(spun_restorer):
    out = spun_restorer.restore(SPUN).text
    assert "City officials said" in out and "trading partner" in out


def test_bundled_restorer_on_the_same_sentences():
    r = Restorer()
    for text, word, banned in [("The talks pushed it towards Pyongyang last year.", "towards", "against"),
                               ("China is Pyongyang's best trading partner.", "best", "only")]:
        assert banned not in originals_at(r, text, word)
        assert banned not in r.restore(text).text.split()


def test_clean_text_is_unchanged():
    text = ("The city council voted on Tuesday to extend the program for another two years. Officials said "
            "the money would come from the state budget, not from new local taxes.")
    result = Restorer().restore(text)
    assert result.text == text and result.edits == []


@pytest.mark.parametrize("spun,original,changes", [
    ("towards", "against", True), ("best", "only", True), ("some", "all", True), ("may", "must", True),
    ("should", "might", True), ("increases", "decreases", True), ("cannot", "can", True),
    ("not", "also", True), ("two", "three", True), ("3", "four", True), ("twelve,000", "13,000", True),
    # kept: same meaning in other words
    ("with out", "without", False), ("twelve,000", "12,000", False), ("2", "two", False),
    ("might", "may", False), ("may", "could", False), ("number one", "primary", False),
    ("buying and selling", "trading", False), ("no longer best", "not only", False),
    ("not too long ago", "recently", False), ("will have to", "should", False), ("struggle", "war", False),
    ("china's", "china's", False), ("not ever", "never", False), ("in the absence of", "without", False),
    ("non", "not", False), ("ever", "never", True), ("all", "none", True), ("mother", "father", True),
])
def test_guard_pairs(spun, original, changes):
    guard = default_guard()
    assert guard.changes_meaning(tuple(spun.split()), tuple(original.split())) is changes


def test_guard_filters_lexicon_entries():
    guard = default_guard()
    entries = [Entry("against", 0.9, "curated", ("against",)), Entry("toward", 0.3, "curated", ("toward",))]
    assert [e.text for e in guard.allowed(["towards"], entries)] == ["toward"]


def test_numbers_by_value():
    assert numbers(["twelve,000"]) == numbers(["12,000"]) == [12000.0]
    assert numbers("two hundred and twelve".split()) == [212]
    assert numbers(["the", "city"]) == []


def test_guard_file_has_version_and_licence(tmp_path):
    head = guard_path().read_text(encoding="utf-8").splitlines()[:10]
    assert any("version" in line for line in head) and any("LICENSE.wordnet" in line for line in head)
    bad = tmp_path / "bad.tsv"
    bad.write_text("pair\tonly-one-column\n", encoding="utf-8")
    with pytest.raises(ValueError):
        MeaningGuard(bad)


def test_without_the_guard_the_lexicon_would_offer_them(spun_restorer, monkeypatch):
    # the tests above are not vacuous: the lexicon does offer "against" and "only" when nothing filters
    import restore.meaning
    monkeypatch.setattr(restore.meaning, "default_guard", lambda: None)
    assert "against" in originals_at(spun_restorer, SPUN, "towards")
    assert "only" in originals_at(spun_restorer, SPUN, "best")
