"""Rewriting detection on the test split: does ``rewrite_score`` tell spun copies from clean prose when the
spinner's dictionary is unknown?

    python -m benchmarks.rewriting --json benchmarks/results/rewriting.json --plot benchmarks/results/rewriting_roc.png
    python -m benchmarks.rewriting --limit 10         # a quick look (first 10 documents of each list)

For each unknown-dictionary spinner (``benchmarks.unknown_spinners``) and rate it reports, against every
clean test document: the AUC, the share of spun copies flagged at the score that flags 1% of clean
documents (read off the test clean documents: the ceiling of the features), and the share flagged at
the shipped threshold of ``models/rewriting.json`` (fitted on development documents: what a user gets).
It then runs ``Restorer.detect`` on every document, known-lexicon spinners' copies included, and counts
the ``kind`` it names; and it times the feature computation alone (words per CPU second, one process).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from restore.api import Restorer
from restore.rewriting import default_model, features, load_model

from .rewriting_data import KNOWN, RATES, UNKNOWN, Doc, documents
from .text import count_words

FALSE_FLAG_SHARE = 0.01


def auc(pos: list[float], neg: list[float]) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    if not pos or not neg:
        return float("nan")
    neg_sorted = sorted(neg)
    import bisect
    total = 0.0
    for p in pos:
        lo, hi = bisect.bisect_left(neg_sorted, p), bisect.bisect_right(neg_sorted, p)
        total += lo + 0.5 * (hi - lo)
    return total / (len(pos) * len(neg))


def threshold_at(neg: list[float], share: float) -> float:
    """The lowest score that flags at most ``share`` of ``neg`` (scores strictly above it are flagged)."""
    ranked = sorted(neg, reverse=True)
    allowed = int(share * len(ranked))
    return ranked[allowed] if allowed < len(ranked) else float("-inf")


def score_documents(docs: list[Doc], restorer: Restorer, model) -> tuple[list[float], float]:
    """Rewrite score per document, and the features' speed in words per second of CPU time (this process's
    own, so that other work on a shared machine does not count)."""
    words = sum(count_words(d.text) for d in docs)
    start = time.process_time()
    feats = [features(d.text, restorer.lm) for d in docs]
    elapsed = time.process_time() - start
    return [model.score(f) for f in feats], words / elapsed if elapsed else float("nan")


def cells(docs: list[Doc], scores: list[float], shipped: float) -> list[dict]:
    """AUC and flagged shares per spinner and rate (and per spinner over all rates)."""
    neg = [s for d, s in zip(docs, scores) if d.label == 0]
    cut = threshold_at(neg, FALSE_FLAG_SHARE)
    rows = []
    for name in (*dict.fromkeys(d.spinner for d in docs if d.label), "all"):
        for rate in (*sorted({d.rate for d in docs if d.spinner == name}), None):
            pos = [(d, s) for d, s in zip(docs, scores)
                   if d.label and name in (d.spinner, "all") and (rate is None or d.rate == rate)]
            values = [s for _, s in pos]
            rows.append({"spinner": name, "rate": rate if rate is not None else "all", "documents": len(pos),
                         "achieved_rate": round(sum(d.achieved for d, _ in pos) / len(pos), 3),
                         "auc": round(auc(values, neg), 4),
                         "flagged_at_1pct": round(sum(v > cut for v in values) / len(values), 4),
                         "flagged_at_shipped": round(sum(v >= shipped for v in values) / len(values), 4)})
    return rows


def kinds(docs: list[Doc], restorer: Restorer) -> dict[str, dict[str, float]]:
    """Counts of ``Detection.kind`` per spinner and rate (and for clean documents), and the share of
    documents named anything but clean: what a filter on the kind removes."""
    out: dict[str, dict[str, float]] = {}
    for d in docs:
        kind = restorer.detect(d.text).kind
        key = d.spinner if d.label == 0 else f"{d.spinner} {d.rate:.2f}"
        row = out.setdefault(key, {"lexicon spinner": 0, "unknown spinner": 0, "clean": 0})
        row[kind] += 1
    for row in out.values():
        row["not_clean_share"] = round(1 - row["clean"] / sum(row.values()), 4)
    return out


def seed_clean(restorer: Restorer) -> dict | None:
    from .paths import seed_path
    path = seed_path("000")
    if path is None:
        return None
    det = restorer.detect(path.read_text(encoding="utf-8"))
    return {"spin_score": round(det.spin_score, 4), "rewrite_score": round(det.rewrite_score, 4), "kind": det.kind}


def plot(docs: list[Doc], scores: list[float], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    neg = sorted((s for d, s in zip(docs, scores) if d.label == 0), reverse=True)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for name in dict.fromkeys(d.spinner for d in docs if d.label):
        pos = [s for d, s in zip(docs, scores) if d.spinner == name]
        cuts = sorted(set(pos + neg), reverse=True)
        fpr = [sum(n >= c for n in neg) / len(neg) for c in cuts]
        tpr = [sum(p >= c for p in pos) / len(pos) for c in cuts]
        ax.plot([0.0] + fpr, [0.0] + tpr, label=f"{name} (AUC {auc(pos, neg):.3f})")
    ax.axvline(FALSE_FLAG_SHARE, color="grey", linestyle=":", linewidth=1)
    ax.set_xscale("symlog", linthresh=0.01)
    ax.set_xlim(0, 1)
    ax.set_xlabel("clean documents flagged")
    ax.set_ylabel("spun copies flagged")
    ax.set_title(f"rewrite_score on test documents (rates {', '.join(f'{r:.0%}' for r in RATES)})")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def run(limit: int | None, model_path: Path | None, with_kinds: bool) -> tuple[dict, list[Doc], list[float]]:
    restorer = Restorer()
    model = load_model(model_path) if model_path else default_model()
    docs = documents("test", UNKNOWN, RATES, limit)
    scores, speed = score_documents(docs, restorer, model)
    clean = [s for d, s in zip(docs, scores) if d.label == 0]
    result = {"split": "test", "clean_documents": len(clean), "spun_documents": sum(d.label for d in docs),
              "shipped_threshold": model.threshold,
              "clean_flagged_at_shipped": round(sum(s >= model.threshold for s in clean) / len(clean), 4),
              "features_words_per_second": round(speed), "cells": cells(docs, scores, model.threshold)}
    if with_kinds:
        known = [d for d in documents("test", KNOWN, RATES, limit) if d.label]
        result["kinds"] = kinds(docs + known, restorer)
        result["seed000"] = seed_clean(restorer)
    return result, docs, scores


def report(result: dict) -> str:
    lines = [f"test split: {result['clean_documents']} clean documents, {result['spun_documents']} spun copies; "
             f"features {result['features_words_per_second']:,} words per CPU second; clean documents flagged "
             f"at the shipped threshold: {result['clean_flagged_at_shipped']:.1%}",
             "spinner   rate  achieved  docs  AUC     flagged@1%clean  flagged@shipped"]
    for c in result["cells"]:
        rate = c["rate"] if isinstance(c["rate"], str) else f"{c['rate']:.2f}"
        lines.append(f"{c['spinner']:<9} {rate:<5} {c['achieved_rate']:<9.3f} {c['documents']:<5} {c['auc']:<7.4f} "
                     f"{c['flagged_at_1pct']:<16.1%} {c['flagged_at_shipped']:.1%}")
    for name, row in result.get("kinds", {}).items():
        lines.append(f"kind of {name}: " + ", ".join(f"{k} {v}" for k, v in row.items() if k != "not_clean_share")
                     + f"; not clean {row['not_clean_share']:.1%}")
    if result.get("seed000"):
        lines.append(f"seed 000: {result['seed000']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", type=Path, help="write every number here")
    ap.add_argument("--plot", type=Path, help="write the ROC curves here (PNG; needs matplotlib)")
    ap.add_argument("--limit", type=int, help="first N documents of each list only (quick runs)")
    ap.add_argument("--model", type=Path, help="a rewriting model other than models/rewriting.json")
    ap.add_argument("--no-kinds", action="store_true", help="skip the Restorer.detect pass (kinds, seed 000)")
    args = ap.parse_args(argv)
    result, docs, scores = run(args.limit, args.model, not args.no_kinds)
    print(report(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.plot:
        plot(docs, scores, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
