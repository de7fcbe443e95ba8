"""Non-overlapping spans: the best segmentation of a document's candidate spans, and the share of words spun.

Candidate spans nest and overlap ("used to be" and "used"); each has its own posterior of being spun. A
reader wants one answer per stretch of text, and a count of spun words must not count a word twice, so
both come from the same choice: the set of non-overlapping spans with the largest expected number of
spun words (sum of p_spun x words), found by weighted interval scheduling.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")


def best_segmentation(items: Sequence[T], bounds: Callable[[T], tuple[int, int]],
                      weight: Callable[[T], tuple[float, ...] | float]) -> list[T]:
    """The non-overlapping subset of ``items`` (half-open ``bounds``) with the largest total ``weight``,
    in reading order. Weights may be tuples, compared in order (e.g. applied edits first)."""
    order = sorted(items, key=lambda it: (bounds(it)[1], bounds(it)[0]))
    if not order:
        return []
    ends = [bounds(it)[1] for it in order]
    total = [_zero(weight(order[0]))]   # total[i]: best over the first i items
    back: list[int] = []                 # back[i]: the item count before item i when it is taken, else -1
    for i, it in enumerate(order):
        j = bisect_right(ends, bounds(it)[0], 0, i)  # items before i that end at or before it starts
        taken = _add(total[j], weight(it))
        if taken > total[i]:
            total.append(taken)
            back.append(j)
        else:
            total.append(total[i])
            back.append(-1)
    chosen, i = [], len(order)
    while i > 0:  # walk the back-pointers (no list copies: long documents have many spans)
        if back[i - 1] >= 0:
            chosen.append(order[i - 1])
            i = back[i - 1]
        else:
            i -= 1
    return chosen[::-1]


def _zero(w):
    return tuple(0.0 for _ in w) if isinstance(w, tuple) else 0.0


def _add(a, b):
    return tuple(x + y for x, y in zip(a, b)) if isinstance(a, tuple) else a + b


def share_spun(posts, n_words: int) -> float:
    """Expected share of the document's words that a spinner replaced: the expected spun words of the best
    segmentation of the span posteriors over the number of words (0 for an empty text)."""
    if n_words <= 0 or not posts:
        return 0.0
    weight = lambda p: p.p_spun * (p.span.last - p.span.first)  # noqa: E731
    chosen = best_segmentation(posts, lambda p: (p.span.first, p.span.last), weight)
    return min(1.0, sum(weight(p) for p in chosen) / n_words)
