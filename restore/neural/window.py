"""Windows -- a span's alternatives spliced into its sentence -- and the interface every scorer offers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

_WORDLIKE = re.compile(r"[A-Za-z][a-z]*(?:-[a-z]+)?")


@dataclass
class Window:
    """Alternatives for ``base[start:end]``, scored from ``first`` (context start) to ``stop`` (window end).

    ``variants`` are the alternative texts of the span (keep included); the text before ``start`` and the
    text ``base[end:stop]`` after the span are shared. ``propose`` asks for that many fillers from the model
    for the span; ``accept`` turns one into a variant text or rejects it (None). Accepted fillers are
    appended to ``variants`` (and scored like the others) and listed in ``proposed``.
    """

    base: str
    start: int
    end: int
    stop: int
    variants: list[str]
    first: int = 0
    propose: int = 0
    accept: Callable[[str], str | None] | None = None
    proposed: list[str] = field(default_factory=list)

    def text(self, k: int) -> str:
        return self.base[self.first:self.start] + self.variants[k] + self.base[self.end:self.stop]


class SentenceScorer(Protocol):
    """Scores windows: ``score(windows)[i][k]`` is ln P of window i with variant k, up to a per-window constant.

    A scorer may also take ``progress=`` (a ``progress(done, total)`` callable) and report on long work.
    """

    name: str

    def score(self, windows: Sequence[Window]) -> list[list[float]]:
        ...


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _filler_words(tokenizer, marker: str, continuation: str | None = None) -> dict[int, str]:
    """Vocabulary ids that are whole lower-case words, for proposals: id -> word."""
    out = {}
    for piece, i in tokenizer.get_vocab().items():
        if marker:
            if not piece.startswith(marker):
                continue
            word = piece[len(marker):]
        else:
            if continuation and piece.startswith(continuation):
                continue
            word = piece
        if len(word) >= 3 and _WORDLIKE.fullmatch(word) and word.lower() == word:
            out[i] = word
    return out
