from hypothesis import given, strategies as st

from restore.tokenize import normalize, sentences, tokenize


def test_tokens_keep_offsets_and_units():
    text = "In 2023, China’s share was 98% — twelve,000 troops; 1/2 of them. The U.S. agreed."
    toks = tokenize(text)
    assert all(text[t.start:t.end] == t.text for t in toks)
    words = [t.text for t in toks]
    assert "China’s" in words and "twelve,000" in words and "1/2" in words
    assert tokenize("China’s")[0].norm == "china's"


def test_sentences_split_on_end_punctuation_and_lines_but_not_abbreviations():
    text = "The U.S. said no. Then it agreed!\nNew line here"
    groups = [[t.text for t in s] for s in sentences(text, tokenize(text))]
    assert groups == [["The", "U.S", "said", "no"], ["Then", "it", "agreed"], ["New", "line", "here"]]


def test_normalize():
    assert normalize("Workers’") == "workers'"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_tokens_are_exact_slices_in_order(text):
    toks = tokenize(text)
    last = 0
    for t in toks:
        assert text[t.start:t.end] == t.text
        assert t.start >= last
        last = t.end
    assert sum(len(s) for s in sentences(text, toks)) == len(toks)
