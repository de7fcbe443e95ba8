"""Explanations a person can read: where an edit is (line:column), the words around it, and why it was made.

The decoder's own numbers (posteriors, calibrated evidence) are summed over a whole sentence lattice; the
reason shown here is recomputed locally, for one edit, in the terms a reader checks it by: which lexicon
proposed the original, how much likelier the language model finds the restored words in their context,
and what came second.
"""

from __future__ import annotations

import math
from bisect import bisect_right

SOURCE_WORDS = {
    "curated": "the hand-curated spinner lexicon",
    "observed": "substitutions seen in real spinner output",
    "wordnet": "the WordNet inverse thesaurus",
    "numbers": "the number-spelling rule",
    "neural": "the neural model's own proposal",
    "user": "your lexicon",
}


class Positions:
    """Character offset -> (line, column), both from 1, for one text."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def __call__(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def window(text: str, start: int, end: int, replacement: str, width: int = 30) -> str:
    """One line: up to ``width`` characters either side, the edit shown as [spun -> replacement]."""
    left, right = max(0, start - width), min(len(text), end + width)
    before, after = text[left:start], text[end:right]
    if left:  # whole words only
        before = "…" + (before.split(None, 1)[1] if len(before.split(None, 1)) > 1 else before)
    if right < len(text):
        after = (after.rsplit(None, 1)[0] if len(after.rsplit(None, 1)) > 1 else after) + "…"
    return " ".join(f"{before}[{text[start:end]} -> {replacement}]{after}".split())


def lm_gain(lm, history: list[str], spun: tuple[str, ...], original: tuple[str, ...], right: list[str]) -> float:
    """ln P(original ...) - ln P(spun ...): each version scored with the words after it, from the same
    history (natural log; positive means the language model prefers the original here)."""
    def score(words) -> float:
        hist, total = list(history[-(lm.order - 1):]) if lm.order > 1 else [], 0.0
        for w in [*words, *right]:
            total += lm.logprob(w, tuple(hist[-(lm.order - 1):]) if lm.order > 1 else ())
            hist.append(w)
        return total
    return score(original) - score(spun)


def reason(source: str, weight: float, gain: float | None, runner_up: tuple[str, float] | None) -> str:
    """The reason in words, e.g. "from substitutions seen in real spinner output (weight 1.00); the language
    model finds it 25x likelier in context; runner-up: noted (0.31)"."""
    kind, _, name = source.partition(":")
    if kind in ("dictionary", "dictionary-shuffle") and name:
        parts = [f"from the spinner dictionary {name!r} (pick weight {weight:.2f})"]
    else:
        parts = [f"from {SOURCE_WORDS.get(source, source + ' lexicon')} (weight {weight:.2f})"]
    if gain is not None:
        ratio = math.exp(min(50.0, abs(gain)))
        shown = "over 1,000" if ratio >= 1000 else f"{ratio:.0f}"
        if abs(gain) < 0.1:
            parts.append("the language model has no preference here")
        elif gain > 0:
            parts.append(f"the language model finds it {shown}x likelier in context" if ratio >= 2 else
                         f"the language model finds it slightly likelier in context ({ratio:.1f}x)")
        else:
            parts.append(f"the language model prefers the spun words ({shown}x); the lexicon and the document's other edits outweighed it")
    if runner_up is not None:
        name = "leaving the words as they are" if runner_up[0] == "(keep)" else repr(runner_up[0])
        parts.append(f"runner-up: {name} ({runner_up[1]:.2f})")
    return "; ".join(parts)
