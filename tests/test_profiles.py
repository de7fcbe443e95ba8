"""Spinner profiles: links grouped by the dictionary they share, one dictionary chosen per document."""

from __future__ import annotations

from restore.candidates import find_candidates
from restore.lexicon import Lexicon
from restore.profiles import choose_dictionary, link_profiles, pair_profiles
from restore.tokenize import tokenize

A = [("stated", "said"), ("metropolis", "city"), ("aged", "old"), ("stream", "river"), ("unfastened", "open")]
B = [("pronounced", "said"), ("supervision", "government"), ("township", "town"), ("fellow", "man"),
     ("vehicle", "car")]


def test_links_of_one_dictionary_form_one_profile():
    links = [set(A[:4]), set(A[1:]), set(B[:4]), set(B[1:]), {("x", "y")}]   # three shared pairs each
    profiles = link_profiles(links)
    assert profiles[0] == profiles[1] != profiles[2] == profiles[3]
    assert profiles[4] not in profiles[:4]
    owner = pair_profiles(links, profiles)
    assert owner[("stated", "said")] == profiles[0] and owner[("fellow", "man")] == profiles[2]


def test_two_links_sharing_fewer_pairs_than_the_limit_stay_apart():
    shared = {("stated", "said"), ("aged", "old")}
    assert len(set(link_profiles([shared | {("a", "b")}, shared | {("c", "d")}]))) == 2


def test_the_dictionary_with_most_spans_is_kept_for_a_document():
    lex = Lexicon()
    for spun, original in A:
        lex.add(spun, original, 0.5, "dictionary:learned:p1")
    for spun, original in B:
        lex.add(spun, original, 0.5, "dictionary:learned:p2")
    lex.add("stated", "declared", 0.5, "curated")
    text = "The metropolis council stated that the aged stream bridge was pronounced safe."
    spans = find_candidates(text, tokenize(text), lex)
    kept = choose_dictionary(spans)
    sources = {o.source for s in kept for o in s.options}
    assert "dictionary:learned:p2" not in sources                      # "pronounced": the other farm's pair
    assert {"dictionary:learned:p1", "curated"} <= sources             # other kinds of source stay
    assert [s.spun for s in kept] == [s.spun for s in spans if s.spun != "pronounced"]


def test_one_dictionary_leaves_the_candidates_alone():
    lex = Lexicon()
    for spun, original in A:
        lex.add(spun, original, 0.5, "dictionary:mine")
    text = "The metropolis council stated it."
    spans = find_candidates(text, tokenize(text), lex)
    assert choose_dictionary(spans) == spans


def test_a_learned_table_loads_as_a_spinner_dictionary_with_its_profiles(tmp_path):
    from restore.lexicon import is_dictionary
    from restore.mining import table_tsv
    path = tmp_path / "learned.tsv"
    path.write_text(table_tsv([("stated", "said", 0.5, 4, "p1"), ("pronounced", "said", 0.4, 3, "p2")], "t"),
                    encoding="utf-8")
    lex = Lexicon().load(path)
    sources = {e.source for spun in ("stated", "pronounced") for e in lex.matches([spun], 0).__next__()[1]}
    assert sources == {"dictionary:learned:p1", "dictionary:learned:p2"}
    assert all(is_dictionary(s) for s in sources)
    induced = tmp_path / "induced.tsv"
    induced.write_text("stated\tsaid\t0.5\tinduced\t12\t5\n", encoding="utf-8")
    assert all(is_dictionary(e.source) for e in next(Lexicon().load(induced).matches(["stated"], 0))[1])
    other = tmp_path / "mine.tsv"
    other.write_text("stated\tsaid\t0.5\n", encoding="utf-8")
    assert not any(is_dictionary(e.source) for e in next(Lexicon().load(other).matches(["stated"], 0))[1])
