import pytest

from restore.lexicon import Lexicon, LexiconError, default_lexicon


def test_load_compiled_and_lookup(toy_lexicon_path):
    lex = Lexicon().load(toy_lexicon_path)
    assert lex.lookup("Guns") == [("weapons", 0.7)]
    assert {o for o, _ in lex.lookup("introduced")} == {"brought", "announced"}
    assert lex.lookup("weapons") == []
    assert lex.max_len == 4


def test_pps_two_column_format(tmp_path):
    path = tmp_path / "pps.tsv"
    path.write_text("tortured\texpected\ncounterfeit consciousness\tartificial intelligence\n", encoding="utf-8")
    lex = Lexicon().load(path, default_weight=0.8)
    assert lex.lookup("counterfeit consciousness") == [("artificial intelligence", 0.8)]


def test_trie_matches_every_phrase_length_and_possessive(toy_lexicon_path):
    lex = Lexicon().load(toy_lexicon_path)
    norms = ["the", "members", "of", "the", "family", "and", "metal's", "future"]
    assert [(end, [e.original for e in es]) for end, es, _ in lex.matches(norms, 1)] == [(5, ["relations"])]
    assert [(end, pos) for end, _, pos in lex.matches(norms, 6)] == [(7, True)]
    assert list(lex.matches(norms, 0)) == []


def test_repeated_pair_keeps_higher_weight():
    lex = Lexicon()
    lex.add("guns", "weapons", 0.2)
    lex.add("guns", "weapons", 0.9)
    assert lex.lookup("guns") == [("weapons", 0.9)]


@pytest.mark.parametrize("content, message", [("only-one-column\n", "expected"), ("a\tb\tx\n", "weight")])
def test_bad_lexicon_gives_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        Lexicon().load(path)


def test_missing_and_non_utf8_lexicon(tmp_path):
    with pytest.raises(LexiconError, match="not found"):
        Lexicon().load(tmp_path / "missing.tsv")
    bad = tmp_path / "latin1.tsv"
    bad.write_bytes(b"caf\xe9\tcoffee\n")
    with pytest.raises(LexiconError, match="UTF-8"):
        Lexicon().load(bad)


def test_bundled_lexicon_is_large_and_knows_the_spinner():
    lex = default_lexicon()
    if lex.size == 0:
        pytest.skip("bundled lexicons not built")
    assert lex.size > 5000
    for spun, original in [("used to be", "was"), ("international locations", "countries"), ("guns", "weapons")]:
        assert original in [o for o, _ in lex.lookup(spun)], spun


def test_bundled_files_are_normalised_four_column_rows():
    """Bundled lexicons are loaded without per-row checks, so check them here once."""
    from restore.lexicon import BUNDLED, bundled_path, phrase_key
    for name in BUNDLED:
        path = bundled_path(name)
        if not path.exists():
            continue
        seen = set()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line or line.startswith("#") or line.startswith("spun\t"):
                continue
            cols = line.split("\t")
            assert len(cols) == 4, f"{name}:{number}"
            assert 0 < float(cols[2]) <= 1, f"{name}:{number}"
            if cols[0] not in seen:
                seen.add(cols[0])
                assert " ".join(phrase_key(cols[0])) == cols[0], f"{name}:{number}: spun phrase not normalised"


def test_header_is_skipped_but_a_row_for_the_word_spun_is_kept(tmp_path):
    path = tmp_path / "lex.tsv"
    path.write_text("spun\toriginal\tweight\tsource\nspun\trotated\t0.5\tx\n", encoding="utf-8")
    assert Lexicon().load(path).lookup("spun") == [("rotated", 0.5)]
