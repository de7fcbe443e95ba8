"""A sentence as the decoder restored it, and the pieces of it a window is cut from."""

from __future__ import annotations

from typing import Sequence

from ..candidates import CandidateSpan
from ..decode import SpanPosterior
from ..edits import match_style
from ..lm import BOS, EOS, LanguageModel
from ..tokenize import Token


def _decoded(text: str, tokens: list[Token], s0: int, s1: int, posts: list[SpanPosterior]):
    """The sentence with the decoder's choices applied, and each span's characters in it."""
    a0, a1 = tokens[s0].start, tokens[s1 - 1].end
    gap = text[a1:tokens[s1].start if s1 < len(tokens) else len(text)].split()
    a1 += len(gap[0]) if gap and text.startswith(gap[0], a1) else 0   # the sentence's closing punctuation
    parts, pos, shift = [], a0, 0
    where = {}
    chosen = sorted((p for p in posts if p.chosen), key=lambda p: p.span.start)
    taken_until = a0
    applied = []
    for p in chosen:
        if p.span.start >= taken_until:
            applied.append(p)
            taken_until = p.span.end
    repl = {}
    for p in applied:
        span = p.span
        new = _variant_text(span, p.chosen)
        parts.append(text[pos:span.start])
        shift_start = span.start - a0 + shift
        parts.append(new)
        repl[id(p)] = (shift_start, shift_start + len(new))
        shift += len(new) - (span.end - span.start)
        pos = span.end
    parts.append(text[pos:a1])
    base = "".join(parts)
    for p in posts:
        if id(p) in repl:
            where[id(p)] = repl[id(p)]
        else:
            where[id(p)] = (_shift(p.span.start, applied, a0), _shift(p.span.end, applied, a0))
    return base, where, applied


def _shift(offset: int, applied: list[SpanPosterior], a0: int) -> int:
    d = 0
    for p in applied:
        if p.span.end <= offset:
            d += len(_variant_text(p.span, p.chosen)) - (p.span.end - p.span.start)
    return offset - a0 + d


def _variant_text(span: CandidateSpan, k: int) -> str:
    if k == 0:
        return span.spun
    return match_style(span.spun, span.options[k - 1].text) + span.possessive


def _context_start(base: str, start: int, max_chars: int = 400) -> int:
    """Start of the left context: the sentence start, or a word start at most ``max_chars`` back."""
    if start <= max_chars:
        return 0
    cut = base.find(" ", start - max_chars)
    return cut + 1 if 0 <= cut < start else 0


def _ngram_window(lm: LanguageModel, left: list[str], words: Sequence[str], right: list[str]) -> float:
    """ln P_ngram of the span's words and the (up to two) words after it, given the words before it."""
    keep = lm.order - 1
    hist = tuple(([BOS] + left)[-keep:])
    total = 0.0
    tail = list(right) if len(right) >= keep else list(right) + [EOS]
    for word in list(words) + tail:
        total += lm.logprob(word, hist)
        hist = (hist + (word,))[-keep:]
    return total
