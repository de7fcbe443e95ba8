"""Cut a long document into windows so that restoring it takes memory bounded by the window, not the text.

The decoder keeps, per document, every token, candidate span, lattice and language-model lookup: about
150 bytes of working memory per character. A document longer than ``WINDOW_CHARS`` is therefore restored
window by window, each window ending at a paragraph break where there is one, else at a line break, a
sentence end or a space (a word is cut only when a whole window holds no space at all). Each window
estimates its own spin rate; documents up to ``WINDOW_CHARS`` are restored whole, exactly as before.
"""

from __future__ import annotations

import re
from typing import Iterator

WINDOW_CHARS = 200_000   # the batch default --max-chars: batch records are never cut

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s")


def windows(text: str, size: int = WINDOW_CHARS) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of consecutive windows covering ``text``, each at most ``size`` characters."""
    size = max(1, size)
    start, n = 0, len(text)
    while n - start > size:
        end = _cut(text, start, start + size)
        yield start, end
        start = end
    if start < n or n == 0:
        yield start, n


def _cut(text: str, start: int, limit: int) -> int:
    """Where to end the window ``text[start:limit]``: after the last good break in its second half."""
    low = start + (limit - start) // 2   # never cut in the first half: windows stay large
    for sep in ("\n\n", "\n"):
        i = text.rfind(sep, low, limit)
        if i >= 0:
            return i + len(sep)
    last = None
    for m in _SENTENCE_END.finditer(text, low, limit):
        last = m
    if last is not None:
        return last.end()
    for i in range(limit - 1, low - 1, -1):
        if text[i].isspace():
            return i + 1
    return limit
