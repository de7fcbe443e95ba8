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

A reference with **accepted alternatives or uncertain spans** (seed 001's gold list) is scored by regions
instead (``gold_status``): gold spans and the S->R change blocks that overlap them are grouped, and a
region counts as restored when its output words equal the spun words with every span replaced by one of
its accepted originals; an uncertain span is neither credited nor penalised (status "uncertain").

``fixes`` checks whether one replacement (a candidate, an alternative, an edit) turns a region of S into
the matching region of O; it drives candidate recall@k and confidence calibration.
"""

from __future__ import annotations

import itertools
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
    status: list[str] = field(default_factory=list)   # per span: restored / kept / wrong (/ uncertain)
    strict: list[str] = field(default_factory=list)   # the same, whole regions (references with alternatives)
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
    # False changes come from a second alignment in which span words cannot match anything: otherwise a
    # tie ("all the way through the" -> "during the") may pair a span word with the output and count the
    # untouched neighbour as deleted.
    masked = Alignment([("\0" + w) if in_span[i] else w for i, w in enumerate(s_w)], r_w)
    if uses_alternatives(ex):
        d.status = gold_status(ex, s_w, r_w, s_ranges, sr, masked)
        d.strict = gold_status(ex, s_w, r_w, s_ranges, sr, sr, strict=True)
    else:
        for (sp, sq), (op, oq) in zip(s_ranges, o_ranges):
            if sr.intact(sp, sq):
                d.status.append("kept")
            elif orr.intact(op, oq):
                d.status.append("restored")
            else:
                d.status.append("wrong")
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
    counted = [True] * len(s_w)     # words of an uncertain span count neither way
    for (p, q), status in zip(s_ranges, d.status):
        for i in range(p, q):
            predicted[i] = status != "kept"
            counted[i] = status != "uncertain"
    d.tp = sum(1 for g, pr, c in zip(in_span, predicted, counted) if c and g and pr)
    d.fp = sum(1 for g, pr, c in zip(in_span, predicted, counted) if c and pr and not g)
    d.fn = sum(1 for g, pr, c in zip(in_span, predicted, counted) if c and g and not pr)
    d.wer_before = Levenshtein.distance(s_w, o_w) if ex.spans else 0
    d.wer_after = Levenshtein.distance(r_w, o_w) if r_w != o_w else 0
    return d


def uses_alternatives(ex: Example) -> bool:
    return bool(ex.meta.get("gold")) or any(s.accepted or s.uncertain for s in ex.spans)


def gold_status(ex: Example, s_w: list[str], r_w: list[str], s_ranges: list[tuple[int, int]],
                sr: Alignment, cut: Alignment, max_combinations: int = 256, strict: bool = False) -> list[str]:
    """Per span: restored / kept / wrong / uncertain, judged region by region (see the module notes).

    ``strict`` gives the conservative reading of ../shared/tools/eval_gold.py instead: regions cut from
    the plain alignment, and a region whose output is not exactly an accepted restoration -- a
    neighbouring untouched word changed with it, say -- makes every span in it wrong.

    Regions are needed because a spinner phrase and its original need not have the same number of words,
    and an alignment may cut a multiword restoration in a different place than the reference does. They
    are cut from ``cut``: the S->R alignment with span words unable to match, so that an untouched word next to a
    span ("get admission to to" -> "access to") is matched as itself rather than taken into the span;
    ``sr`` (the plain S->R alignment) says whether a span was kept.
    """
    changes = [b for b in cut.blocks if not b.equal]
    number = {id(b): k for k, b in enumerate(changes)}
    items = sorted([(p, q, "g", k) for k, (p, q) in enumerate(s_ranges)]
                   + [(b.i1, b.i2, "c", k) for k, b in enumerate(changes)], key=lambda x: (x[0], x[1]))
    regions: list[dict] = []
    for lo, hi, kind, k in items:
        cur = regions[-1] if regions else None
        # overlapping, or an empty item (an insertion) touching the region's edge, or the reverse
        if cur and (lo < cur["hi"] or (lo == cur["hi"] and (lo == hi or cur["lo"] == cur["hi"]))):
            cur["hi"] = max(cur["hi"], hi)
            cur[kind].append(k)
        else:
            regions.append({"lo": lo, "hi": hi, "g": [k] if kind == "g" else [], "c": [k] if kind == "c" else []})
    status = ["kept"] * len(s_ranges)
    for reg in regions:
        spans = reg["g"]
        if not spans:
            continue
        for k in spans:
            if ex.spans[k].uncertain:
                status[k] = "uncertain"
        if not reg["c"] or all(sr.intact(*s_ranges[k]) for k in spans):
            continue  # nothing changed here: every certain span kept
        lo, hi = reg["lo"], reg["hi"]
        members = set(reg["c"])
        got: list[str] = []
        for b in cut.blocks:
            if b.equal:
                a, z = max(b.i1, lo), min(b.i2, hi)
                got += r_w[b.j1 + (a - b.i1):b.j1 + (z - b.i1)] if a < z else []
            elif number[id(b)] in members:
                got += r_w[b.j1:b.j2]
        choices = [[s_w[s_ranges[k][0]:s_ranges[k][1]]] if ex.spans[k].uncertain
                   else [words(o) for o in ex.spans[k].originals] for k in spans]
        # The region's output against each accepted restoration of it: a span is restored when its
        # original's words come through one to one (as for synthetic spans); a changed neighbour outside
        # every span does not spoil it -- it is counted once, as a false change.
        best: set[int] = set()
        exact = False
        for combo in itertools.islice(itertools.product(*choices), max_combinations):
            want, pos, where = [], lo, []
            for k, alt in zip(spans, combo):
                p, q = s_ranges[k]
                want += s_w[pos:p]
                where.append((k, len(want), len(want) + len(alt)))
                want += alt
                pos = q
            want += s_w[pos:hi]
            if want == got:
                best, exact = set(spans), True
                break
            al = Alignment(want, got)
            hit = {k for k, a, b in where if al.intact(a, b)}
            if len(hit) > len(best):
                best = hit
        for k in spans:
            if status[k] != "uncertain":
                won = exact if strict else k in best
                status[k] = "restored" if won else "kept" if sr.intact(*s_ranges[k]) else "wrong"
    return status


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
    candidate = words(ex.spun[a:start] + replacement + ex.spun[end:b])
    inside = [s for s in ex.spans if a <= s.start and s.end <= b and (s.start < s.end or a < b)]
    if not any(s.accepted for s in inside):
        return candidate == words(ex.original[ex.to_original_offset(a):ex.to_original_offset(b)])
    for combo in itertools.islice(itertools.product(*[s.originals for s in inside]), 256):
        parts, pos = [], a
        for s, alt in zip(inside, combo):
            parts += [ex.spun[pos:s.start], alt]
            pos = s.end
        if candidate == words("".join(parts) + ex.spun[pos:b]):
            return True
    return False


def uncertain_at(ex: Example, start: int, end: int) -> bool:
    """Does ``start..end`` touch a span whose original the reference does not know?"""
    return any(s.uncertain and overlaps(s, start, end) for s in ex.spans)


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
