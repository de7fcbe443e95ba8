"""Sum per-document scores into rates with bootstrap confidence intervals.

The bootstrap resamples documents when there are at least five of them (spans and words of one document
are not independent); with fewer documents it resamples spans (span rates) and words (change rates).
"""

from __future__ import annotations

from .metrics import DocScore, bootstrap, prf, reliability

MIN_DOCS = 5


def ci(num, den, seed: int = 0) -> dict:
    point, lo, hi = bootstrap(num, den, seed=seed)
    return {"value": point, "low": lo, "high": hi, "n": int(sum(den))}


def _units(per_doc_hits: list[int], per_doc_total: list[int]):
    """Bootstrap units: documents, or single items when there are too few documents."""
    if len(per_doc_total) >= MIN_DOCS:
        return per_doc_hits, per_doc_total
    hits, total = [], []
    for h, t in zip(per_doc_hits, per_doc_total):
        hits += [1] * h + [0] * (t - h)
        total += [1] * t
    return hits, total


def span_rates(statuses: list[list[str]]) -> dict:
    """Share of spans restored / kept / wrong, with intervals."""
    statuses = [[x for x in s if x != "uncertain"] for s in statuses]  # neither credited nor penalised
    total = [len(s) for s in statuses]
    out = {"n": int(sum(total))}
    for k, name in enumerate(("restored", "kept", "wrong")):
        hits = [sum(1 for x in s if x == name) for s in statuses]
        out[name] = ci(*_units(hits, total), seed=k)
    return out


def summarize(scored: list[tuple[object, DocScore]], labels: list[list[str]] | None = None,
              confidences: list[tuple[float, bool]] | None = None) -> dict:
    """Summary of ``(example, DocScore)`` pairs. ``labels`` gives each span a group (e.g. in/out of the
    restorer's dictionary), reported separately; ``confidences`` are ``(confidence, correct)`` per edit."""
    scores = [d for _, d in scored]
    out: dict = {"documents": len(scores), "words": int(sum(d.n_words for d in scores))}
    if any(d.status for d in scores):
        out["spans"] = span_rates([d.status for d in scores])
        if any(d.strict for d in scores):
            out["spans_strict"] = span_rates([d.strict or d.status for d in scores])
        out["wer_before"] = ci([d.wer_before for d in scores], [d.n_original for d in scores], seed=3)
        out["wer_after"] = ci([d.wer_after for d in scores], [d.n_original for d in scores], seed=4)
        tp, fp, fn = (sum(getattr(d, k) for d in scores) for k in ("tp", "fp", "fn"))
        p, r, f = prf(tp, fp, fn)
        out["detection"] = {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}
    fc = _units([d.false_changes for d in scores], [d.n_outside for d in scores])
    rate = ci(*fc, seed=5)
    out["false_changes"] = int(sum(d.false_changes for d in scores))
    out["false_changes_per_1000"] = {k: (v * 1000 if k != "n" else v) for k, v in rate.items()}
    if labels is not None:
        groups = sorted({g for doc in labels for g in doc})
        out["by_group"] = {}
        for g in groups:
            st = [[s for s, lab in zip(d.status, doc) if lab == g] for d, doc in zip(scores, labels)]
            out["by_group"][g] = span_rates(st)
    if confidences:
        out["calibration"] = reliability([c[0] for c in confidences], [c[1] for c in confidences])
        if out.get("spans"):
            out["threshold_curve"] = threshold_curve(confidences, out["spans"]["n"])
    return out


THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)


def threshold_curve(confidences, n_spans: int, thresholds=THRESHOLDS) -> list[dict]:
    """Precision and recall of the edits kept at each threshold, read off one run at the default
    ``min_confidence`` 0.5 (raising it only removes edits): ``knob`` compares the posterior that the span
    is spun, as ``Restorer(min_confidence=t)`` does; ``filter`` the reported confidence, as a caller
    keeping ``[e for e in result.edits if e.confidence >= t]`` does. Recall = right edits / gold spans."""
    out = []
    for t in thresholds:
        row = {"threshold": t}
        for name, k in (("knob", 2), ("filter", 0)):
            kept = [c for c in confidences if c[min(k, len(c) - 1)] >= t]
            right = sum(1 for c in kept if c[1])
            row[name] = {"edits": len(kept), "precision": right / len(kept) if kept else float("nan"),
                         "recall": right / n_spans if n_spans else float("nan")}
        out.append(row)
    return out
