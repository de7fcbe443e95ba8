"""Long documents are restored in windows: memory stays bounded by the window, not the document."""

import tracemalloc

from restore import Restorer
from restore.windows import windows

SPUN = "Nuclear guns used to be a risk to the 2 international locations within the town. "
CLEAN = "The cat sat on the mat and looked at the garden. "


def _peak(restorer, text):
    tracemalloc.start()
    try:
        result = restorer.restore(text)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - kept, result  # working memory: the peak beyond what the result itself keeps


def test_working_memory_does_not_grow_with_the_document(toy_restorer):
    r = Restorer(lm=toy_restorer.lm, lexicon=toy_restorer.lexicon, window_chars=4_000)
    small, _ = _peak(r, SPUN * 100)          # 8,200 characters
    large, result = _peak(r, SPUN * 800)     # 65,600 characters: 8 times longer
    # Windows bound the decoder's working memory; what grows is only the result itself (text and edits).
    assert large < 3 * small, (small, large)
    assert result.text.count("weapons") == 800


def test_windowed_result_matches_window_by_window_restoration(toy_restorer):
    text = (SPUN * 30 + "\n\n" + CLEAN * 40 + "\n") * 5 + "no break at all " * 400
    r = Restorer(lm=toy_restorer.lm, lexicon=toy_restorer.lexicon, window_chars=3_000)
    result = r.restore(text)
    bounds = list(windows(text, 3_000))
    assert len(bounds) > 5 and bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] and b[1] - b[0] <= 3_000 for a, b in zip(bounds, bounds[1:]))
    assert result.text == "".join(r.restore(text[a:b]).text for a, b in bounds)
    for e in result.edits:  # offsets are into the whole document
        assert text[e.start:e.end] == e.spun
    assert 0 <= result.spin_score <= 1


def test_clean_long_text_comes_back_byte_for_byte(toy_restorer):
    text = "\ufeff" + ("Plain words, nothing spun here at all.\r\n" * 300) + "x" * 5_000
    r = Restorer(lm=toy_restorer.lm, lexicon=toy_restorer.lexicon, window_chars=2_000)
    assert r.restore(text).text == text


def test_short_documents_are_not_windowed(toy_restorer):
    text = SPUN * 20
    whole = Restorer(lm=toy_restorer.lm, lexicon=toy_restorer.lexicon)
    assert list(windows(text)) == [(0, len(text))]
    assert whole.restore(text).text == toy_restorer.restore(text).text


def test_cli_streams_a_long_document_with_the_same_output(tmp_path, toy_lexicon_path, capsys):
    from restore.cli import main
    from restore.windows import WINDOW_CHARS
    text = (SPUN * 40 + "\n") * (WINDOW_CHARS // (len(SPUN) * 40) + 3)
    assert len(text) > WINDOW_CHARS
    src = tmp_path / "long.txt"
    src.write_text(text, encoding="utf-8")
    args = ["--lexicon", str(toy_lexicon_path), "--no-wordnet"]
    r = Restorer(lexicons=[str(toy_lexicon_path)], wordnet=False)
    expected = r.restore(text).text
    assert main(["text", str(src), "-o", str(tmp_path / "out.txt"), *args]) == 0
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == expected
