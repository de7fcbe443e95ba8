"""Run restorers over examples and turn their outputs into summaries."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .examples import Example, Span
from .metrics import candidate_rank, composed_rank, fix_rank, fixes, score, uncertain_at
from .summary import ci, summarize
from .text import words

KS = (1, 5)


def in_dictionary(lexicon, span: Span) -> bool:
    """Is the (spun, original) pair one the restorer's lexicon knows?"""
    if lexicon is None:
        return False
    target = words(span.original)
    return any(words(o) == target for o, _ in lexicon.lookup(span.spun))


@dataclass
class Raw:
    """Per-document scores of one restorer on some examples, kept so that groups can be re-summarised."""

    scored: list
    labels: list | None
    confidences: list
    seconds: float
    rates: list


def run(restorer, exs: list[Example], lexicon=None, progress=None) -> Raw:
    """Restore every example and score it; spans labelled in/out of ``lexicon`` when given."""
    scored, labels, confs = [], [], []
    t0 = time.perf_counter()
    for ex in exs:
        out = restorer.restore(ex.spun)
        d = score(ex, out.text, out.edits, getattr(out, "flags", ()) or ())
        scored.append((ex, d))
        if lexicon is not None:
            labels.append(["in" if in_dictionary(lexicon, s) else "out" for s in ex.spans])
        # the posterior that the span is spun is what min_confidence compares (on the restored flag)
        p_spun = {(f.start, f.end): f.p_spun for f in getattr(out, "flags", ()) or () if f.restored}
        for e in out.edits:
            if uncertain_at(ex, e.start, e.end):
                continue
            confs.append((float(e.confidence), fixes(ex, e.start, e.end, e.original),
                          float(p_spun.get((e.start, e.end), e.confidence))))
        if progress:
            progress.update(1)
    rates = [ex.meta["achieved_rate"] for ex in exs if "achieved_rate" in ex.meta]
    return Raw(scored, labels if lexicon is not None else None, confs, time.perf_counter() - t0, rates)


def summary_of(raws: list[Raw]) -> dict:
    """One summary over several runs (e.g. every rate of a spinner)."""
    scored = [x for r in raws for x in r.scored]
    labels = None if any(r.labels is None for r in raws) else [x for r in raws for x in r.labels]
    s = summarize(scored, labels, [x for r in raws for x in r.confidences])
    s["seconds"] = sum(r.seconds for r in raws)
    s["words_per_second"] = s["words"] / s["seconds"] if s["seconds"] else None
    rates = [x for r in raws for x in r.rates]
    if rates:
        s["achieved_rate"] = sum(rates) / len(rates)
    return s


def evaluate(restorer, exs: list[Example], lexicon=None, progress=None) -> dict:
    """Accuracy summary of one restorer on examples."""
    return summary_of([run(restorer, exs, lexicon, progress)])


def candidate_recall(engine, exs: list[Example], lexicon=None) -> dict:
    """Is each span's original among the engine's candidates (recall@1, @5, @any), in/out of dictionary."""
    ranks: dict[str, list[int | None]] = {"all": [], "in": [], "out": []}
    for ex in exs:
        if not ex.spans:
            continue
        cands = engine.candidates(ex.spun)
        for span in ex.spans:
            r = candidate_rank(ex, span, cands)
            ranks["all"].append(r)
            if lexicon is not None:
                ranks["in" if in_dictionary(lexicon, span) else "out"].append(r)
    return {g: recall_table(rs) for g, rs in ranks.items() if rs}


def recall_table(ranks: list[int | None]) -> dict:
    out = {"n": len(ranks)}
    for k in KS:
        out[f"at{k}"] = ci([1 if r is not None and r <= k else 0 for r in ranks], [1] * len(ranks), seed=k)
    out["any"] = ci([1 if r is not None else 0 for r in ranks], [1] * len(ranks), seed=9)
    return out


def pair_recall(engine, pairs: list[tuple[str, str]]) -> dict:
    """Candidate recall for isolated ``(spun, original)`` phrases, distinct pairs; a joined pair also counts
    when its original can be assembled from the candidates of its parts (``metrics.composed_rank``)."""
    seen, ranks = set(), []
    for spun, orig in pairs:
        key = (spun.lower(), orig.lower())
        if key in seen or not spun.strip():
            continue
        seen.add(key)
        ex = Example("pair", spun, (Span(0, len(spun), spun, orig),))
        cands = engine.candidates(spun)
        rank = candidate_rank(ex, ex.spans[0], cands)
        ranks.append(rank if rank is not None else composed_rank(spun, orig, cands))
    return recall_table(ranks) if ranks else {"n": 0}


def distinct_pair_recall(engine, ex: Example) -> dict:
    """Candidate recall in context over the distinct (spun, original) pairs of one document."""
    cands = engine.candidates(ex.spun)
    best: dict[tuple[str, str], int | None] = {}
    for span in ex.spans:
        key = (" ".join(words(span.spun)), " ".join(words(span.original)))
        r = candidate_rank(ex, span, cands)
        old = best.get(key, None)
        best[key] = r if old is None else (old if r is None else min(old, r))
    return recall_table(list(best.values()))


def hypotheses(text: str, out, candidates=()) -> list[tuple[int, int, str]]:
    """A restorer's ranked guesses for a text: its output, its output with one edit swapped for each of that
    edit's alternatives, then the candidate originals (every span's first original, longest span
    first, then every span's second, ...); as ``(start, end, replacement)`` of the input."""
    hyps = [(0, len(text), out.text)]
    edits = sorted(out.edits, key=lambda e: e.start)
    for k, e in enumerate(edits):
        for alt, _ in getattr(e, "alternatives", ()) or ():
            if alt == "(keep)":
                alt = e.spun
            parts, pos = [], 0
            for m, f in enumerate(edits):
                parts += [text[pos:f.start], alt if m == k else f.original]
                pos = f.end
            parts.append(text[pos:])
            hyps.append((0, len(text), "".join(parts)))
    ranked = [(k, -(c.end - c.start), c.start, c.end, o) for c in candidates for k, o in enumerate(c.originals)]
    hyps += [(start, end, o) for _, _, start, end, o in sorted(ranked)]
    unique, seen = [], set()
    for s, e, r in hyps:
        key = tuple(words(text[:s] + r + text[e:]))
        if key not in seen:
            seen.add(key)
            unique.append((s, e, r))
    return unique


def tortured(restorer, exs: list[Example], progress=None) -> dict:
    """Top-1 and top-5 exact match of tortured phrases (one span per example)."""
    ranks = []
    has_cands = hasattr(restorer, "candidates")
    for ex in exs:
        out = restorer.restore(ex.spun)
        cands = restorer.candidates(ex.spun) if has_cands else ()
        ranks.append(fix_rank(ex, ex.spans[0], hypotheses(ex.spun, out, cands)))
        if progress:
            progress.update(1)
    table = recall_table(ranks)
    return {"n": len(ranks), "top1": table["at1"], "top5": table["at5"]}
