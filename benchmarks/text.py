"""Word tokens with offsets, and the normal form used to compare words.

The harness tokenizes on its own (it does not borrow the engine's tokenizer), so that its numbers do not
move when the engine changes. A word is a run of letters or digits, joined by inner apostrophes, hyphens,
commas, dots or slashes ("China’s", "twelve,000", "1950-1953").
"""

from __future__ import annotations

import re
from typing import NamedTuple

WORD = re.compile(r"[^\W_]+(?:['’.,/\-][^\W_]+)*")


class Token(NamedTuple):
    start: int
    end: int
    text: str


def tokens(text: str) -> list[Token]:
    """Every word of ``text`` with its character offsets."""
    return [Token(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


def norm(word: str) -> str:
    """Comparison form: lower case, curly apostrophes made straight."""
    return word.replace("’", "'").replace("‘", "'").lower()


def words(text: str) -> list[str]:
    """Normalised words of ``text``."""
    return [norm(m.group()) for m in WORD.finditer(text)]


def count_words(text: str) -> int:
    return sum(1 for _ in WORD.finditer(text))
