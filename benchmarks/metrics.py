"""Alignment-based accuracy metrics.

Texts are compared as lists of normalised words (``text.words``), aligned with rapidfuzz's Levenshtein
opcodes; consecutive non-equal opcodes are merged into one *change block*. For a spun text S with gold
spans, its original O and a restorer's output R:

* a span is **restored** when its words in O are matched one to one in the O->R alignment, with no word
  inserted inside or at its edges; it is **kept** when its words in S are matched one to one in the S->R
  alignment (kept wins if both hold); otherwise it was **changed to something wrong**;
* **false changes** are words of S outside every span that R changed (replaced or deleted), plus words R
  inserted in a change block that touches no span (from an S->R alignment in which span words cannot
  match, so that ties never blame an untouched neighbour);
* **WER** is the word-level Levenshtein distance to O divided by the length of O, for S (before) and R (after);
* **detection** is token-level: gold = words of S inside spans; predicted = the words of every span R did
  not keep, the words outside spans that R changed, and words covered by the restorer's edits and flags.

``fixes`` checks whether one replacement (a candidate, an alternative, an edit) turns a region of S into
the matching region of O; it drives candidate recall@k and confidence calibration.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from .examples import Example, Span
from .text import Token, norm, tokens, words


@dataclass(frozen=True)
class Block:
    equal: bool
    i1: int
    i2: int
    j1: int
    j2: int


def blocks(src: list[str], dst: list[str]) -> list[Block]:
    """Levenshtein opcodes of two word lists, consecutive changes merged into one block."""
    if src == dst:
        return [Block(True, 0, len(src), 0, len(dst))] if src else []
    out: list[Block] = []
    for op in Levenshtein.opcodes(src, dst):
        eq = op.tag == "equal"
        if out and not eq and not out[-1].equal:
            b = out[-1]
            out[-1] = Block(False, b.i1, op.src_end, b.j1, op.dest_end)
        else:
            out.append(Block(eq, op.src_start, op.src_end, op.dest_start, op.dest_end))
    return out


class Alignment:
    """Which source words survive unchanged, and where the changes sit."""

    def __init__(self, src: list[str], dst: list[str]) -> None:
        self.blocks = blocks(src, dst)
        n = len(src)
        self.equal = [False] * n
        self.broken = [False] * (n + 1)  # boundary k has words inserted at it, or lies inside a change
        for b in self.blocks:
            if b.equal:
                for i in range(b.i1, b.i2):
                    self.equal[i] = True
            elif b.i1 == b.i2:
                self.broken[b.i1] = True
            else:
                for k in range(b.i1 + 1, b.i2):
                    self.broken[k] = True

    def intact(self, p: int, q: int) -> bool:
        """Source words ``p..q-1`` matched one to one, nothing inserted inside or at the edges."""
        return all(self.equal[p:q]) and not any(self.broken[p:q + 1])


class Ranges:
    """Map character ranges to token index ranges for one tokenized text."""

    def __init__(self, toks: list[Token]) -> None:
        self.toks = toks
        self.ends = [t.end for t in toks]

    def __call__(self, start: int, end: int) -> tuple[int, int]:
        """Tokens overlapping ``start..end``; an empty range at the insertion point when none does."""
        p = q = bisect_right(self.ends, start)
        while q < len(self.toks) and self.toks[q].start < end:
            q += 1
        return p, q


def original_spans(ex: Example) -> list[tuple[int, int]]:
    """Character ranges of each span's original inside ``ex.original``."""
    out, shift = [], 0
    for s in ex.spans:
        out.append((s.start + shift, s.start + shift + len(s.original)))
        shift += len(s.original) - (s.end - s.start)
    return out


@dataclass
class DocScore:
    """Counts for one document and one restorer; summed and bootstrapped by ``summary``."""

    n_words: int = 0             # words of the spun text
    n_outside: int = 0           # words of the spun text outside every span
    false_changes: int = 0
    status: list[str] = field(default_factory=list)   # per span: restored / kept / wrong
    wer_before: int = 0
    wer_after: int = 0
    n_original: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0


def score(ex: Example, output: str, edits=(), flags=()) -> DocScore:
    """Score one restorer output against the example's gold spans."""
    s_tok, o_tok = tokens(ex.spun), tokens(ex.original)
    s_w, o_w, r_w = [norm(t.text) for t in s_tok], [norm(t.text) for t in o_tok], words(output)
    sr, orr = Alignment(s_w, r_w), Alignment(o_w, r_w)
    s_range, o_range = Ranges(s_tok), Ranges(o_tok)
    s_ranges = [s_range(sp.start, sp.end) for sp in ex.spans]
    o_ranges = [o_range(a, b) for a, b in original_spans(ex)]
    d = DocScore(n_words=len(s_w), n_original=len(o_w))
    in_span = [False] * len(s_w)
    for p, q in s_ranges:
        for i in range(p, q):
            in_span[i] = True
    d.n_outside = len(s_w) - sum(in_span)
    for (sp, sq), (op, oq) in zip(s_ranges, o_ranges):
        if sr.intact(sp, sq):
            d.status.append("kept")
        elif orr.intact(op, oq):
            d.status.append("restored")
        else:
            d.status.append("wrong")
    # False changes come from a second alignment in which span words cannot match anything: otherwise a
    # tie ("all the way through the" -> "during the") may pair a span word with the output and count the
    # untouched neighbour as deleted.
    masked = Alignment([("\0" + w) if in_span[i] else w for i, w in enumerate(s_w)], r_w)
    predicted = [False] * len(s_w)
    for b in masked.blocks:
        if b.equal:
            continue
        touches = any(p <= b.i2 and b.i1 <= q for p, q in s_ranges)
        for i in range(b.i1, b.i2):
            if not in_span[i]:
                predicted[i] = True
                d.false_changes += 1
        if not touches:
            d.false_changes += max(0, (b.j2 - b.j1) - (b.i2 - b.i1))
    for (p, q), status in zip(s_ranges, d.status):
        for i in range(p, q):
            predicted[i] = status != "kept"
    d.tp = sum(1 for g, pr in zip(in_span, predicted) if g and pr)
    d.fp = sum(1 for g, pr in zip(in_span, predicted) if pr and not g)
    d.fn = sum(1 for g, pr in zip(in_span, predicted) if g and not pr)
    d.wer_before = Levenshtein.distance(s_w, o_w) if ex.spans else 0
    d.wer_after = Levenshtein.distance(r_w, o_w) if r_w != o_w else 0
    return d


def region(ex: Example, start: int, end: int) -> tuple[int, int]:
    """Grow ``start..end`` (offsets into the spun text) until no gold span is cut by its edges."""
    grown = True
    while grown:
        grown = False
        for s in ex.spans:
            overlaps = s.start < end and start < s.end or (s.start == s.end and start <= s.start <= end)
            if overlaps and (s.start < start or s.end > end):
                start, end, grown = min(start, s.start), max(end, s.end), True
    return start, end


def fixes(ex: Example, start: int, end: int, replacement: str) -> bool:
    """Does putting ``replacement`` at ``start..end`` of the spun text give the original's words there?"""
    a, b = region(ex, start, end)
    candidate = ex.spun[a:start] + replacement + ex.spun[end:b]
    expected = ex.original[ex.to_original_offset(a):ex.to_original_offset(b)]
    return words(candidate) == words(expected)


def overlaps(span: Span, start: int, end: int) -> bool:
    if span.start == span.end:
        return start <= span.start <= end
    return start < span.end and span.start < end


def fix_rank(ex: Example, span: Span, hypotheses) -> int | None:
    """1-based rank of the first hypothesis that restores ``span``; ``hypotheses`` is an iterable of
    ``(start, end, replacement)`` in the restorer's order of preference. None when none does."""
    for rank, (start, end, repl) in enumerate(hypotheses, 1):
        if overlaps(span, start, end) and fixes(ex, start, end, repl):
            return rank
    return None


def candidate_rank(ex: Example, span: Span, candidates) -> int | None:
    """Best rank of the span's original among the originals of every candidate span that overlaps it."""
    best = None
    for c in candidates:
        if not overlaps(span, c.start, c.end):
            continue
        for rank, orig in enumerate(c.originals, 1):
            if best is not None and rank >= best:
                break
            if fixes(ex, c.start, c.end, orig):
                best = rank
                break
    return best


def composed_rank(spun: str, original: str, candidates) -> int | None:
    """Rank at which ``original`` can be assembled from the candidates of the parts of ``spun``.

    Observed pairs often join neighbouring swaps ("progress within" -> "growth in"); the decoder restores
    them part by part, each part either kept or replaced by one of its candidate originals. The rank of
    an assembly is the worst rank among its replaced parts; None when no assembly gives the original.
    """
    toks = tokens(spun)
    s_w = [norm(t.text) for t in toks]
    o_w = words(original)
    starts = {t.start: i for i, t in enumerate(toks)}
    ends = {t.end: i + 1 for i, t in enumerate(toks)}
    arcs: dict[int, list[tuple[int, list[str], int]]] = {}
    for c in candidates:
        if c.start in starts and c.end in ends:
            for rank, orig in enumerate(c.originals, 1):
                arcs.setdefault(starts[c.start], []).append((ends[c.end], words(orig), rank))
    best: dict[tuple[int, int], int] = {(0, 0): 0}
    for i in range(len(s_w) + 1):
        for j in range(len(o_w) + 1):
            here = best.get((i, j))
            if here is None:
                continue
            if i < len(s_w) and j < len(o_w) and s_w[i] == o_w[j]:
                key = (i + 1, j + 1)
                best[key] = min(best.get(key, 10**9), here)
            for end, w, rank in arcs.get(i, ()):
                if o_w[j:j + len(w)] == w:
                    key = (end, j + len(w))
                    best[key] = min(best.get(key, 10**9), max(here, rank))
    got = best.get((len(s_w), len(o_w)))
    return got if got else None


def bootstrap(num, den, n_boot: int = 1000, seed: int = 0, level: float = 0.95) -> tuple[float, float, float]:
    """Ratio of sums ``sum(num) / sum(den)`` with a percentile bootstrap interval over the units (rows).

    Returns ``(point, low, high)``; NaN when the denominator is zero. Uses numpy when it is installed.
    """
    num, den = [float(x) for x in num], [float(x) for x in den]
    if not num or sum(den) == 0:
        return (float("nan"),) * 3
    point = sum(num) / sum(den)
    n = len(num)
    try:
        import numpy as np
    except ImportError:
        rng = random.Random(seed)
        ratios = []
        for _ in range(n_boot):
            idx = [rng.randrange(n) for _ in range(n)]
            d = sum(den[i] for i in idx)
            if d:
                ratios.append(sum(num[i] for i in idx) / d)
        ratios.sort()
        lo = ratios[int((1 - level) / 2 * (len(ratios) - 1))]
        hi = ratios[int(round((1 + level) / 2 * (len(ratios) - 1)))]
    else:
        a, b = np.asarray(num), np.asarray(den)
        idx = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
        with np.errstate(invalid="ignore", divide="ignore"):
            r = a[idx].sum(axis=1) / b[idx].sum(axis=1)
        lo, hi = (float(x) for x in np.percentile(r[np.isfinite(r)], [(1 - level) / 2 * 100, (1 + level) / 2 * 100]))
    return point, min(lo, point), max(hi, point)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 (0 where undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def reliability(confidence, correct, bins: int = 10) -> dict:
    """Reliability diagram data: per confidence bin its count, mean confidence and accuracy; plus ECE."""
    pairs = [(float(c), float(ok)) for c, ok in zip(confidence, correct)]
    rows, ece = [], 0.0
    for k in range(bins):
        lo, hi = k / bins, (k + 1) / bins
        sel = [(c, ok) for c, ok in pairs if lo <= c < hi or (k == bins - 1 and c == 1.0)]
        if sel:
            conf, acc = sum(c for c, _ in sel) / len(sel), sum(ok for _, ok in sel) / len(sel)
            rows.append({"low": lo, "high": hi, "n": len(sel), "confidence": conf, "accuracy": acc})
            ece += len(sel) / len(pairs) * abs(conf - acc)
    return {"bins": rows, "ece": ece if pairs else float("nan"), "n": len(pairs)}
