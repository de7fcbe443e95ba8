"""The user's two documents: clean text must come back unchanged; spun text gets restored."""

from pathlib import Path

from conftest import seed


def test_clean_seed_is_unchanged(restorer):
    text = seed("000")
    result = restorer.restore(text)
    assert result.text == text and result.edits == []


def test_spun_seed_is_restored_at_exact_offsets(restorer):
    text = seed("001")
    result = restorer.restore(text)
    assert result.spin_score > 0.2
    assert len(result.edits) > 100
    pos = 0
    out = []
    for e in result.edits:
        assert text[e.start:e.end] == e.spun
        out.append(text[pos:e.start])
        out.append(e.original)
        pos = e.end
    out.append(text[pos:])
    assert "".join(out) == result.text
    assert "nuclear weapons" in result.text and "nuclear guns" not in result.text


NEGATIVE = Path(__file__).resolve().parent / "data" / "negative.txt"


def test_negative_paragraphs_come_back_unchanged(restorer):
    """Short clean records (licence clauses, README paragraphs): each is its own document, as in a batch."""
    blocks = [b for b in NEGATIVE.read_text(encoding="utf-8").split("\n\n") if b.strip() and not b.startswith("#")]
    assert len(blocks) >= 6
    for block in blocks:
        result = restorer.restore(block)
        assert result.text == block, result.explain()
