"""Fit ``restore.decode.Settings.calibration``: span evidence as a log-likelihood ratio, per source group.

The decoder estimates a document's spin rate by EM: a candidate span is spun with posterior
sigmoid(LLR + logit(rate)), where LLR should be ln P(evidence | spun) - ln P(evidence | not spun). The raw
evidence -- how much better the sentence reads with the group's originals than with the spun words -- is
not that: the language model is over-confident, and clean prose collects positive evidence at many spans
because the model simply prefers the commoner word. This script fits, per group, LLR = a * gain + b by
maximum likelihood of

    P(span is a gold spin that one of the group's originals undoes) = sigmoid(a * gain + b + logit(rho))

where rho is the document's true share of such spans (what EM estimates at run time), on synthetic spins
(all five benchmark spinners, rates 0.05 / 0.15 / 0.3) and clean documents. The documents are disjoint
from the benchmark's (spin-pool positions 0-15, clean 0-99) and from benchmarks/dev.py's (pool 24-29,
clean 100-109): pool positions FIT_POOL, clean positions FIT_CLEAN of austen, debian-handbook and
python-docs.

    pip install -e '.[bench]' && python -m benchmarks.corpus --install
    python scripts/fit_evidence_calibration.py          # prints the fitted values
    python scripts/fit_evidence_calibration.py --write  # ... and writes them to models/calibration.json
    python scripts/fit_evidence_calibration.py unigram_discount=0.6    # ... under other decoder settings
    python scripts/fit_evidence_calibration.py --dictionary   # the "dictionary" group (spinner thesauri)

With ``--dictionary`` the spins come from the group spinner of benchmarks/dictionary.py (half A of the
stand-in thesaurus, head-only and shuffle modes, rates 0.15 / 0.25 / 0.35) and the restorer has half A
loaded as a spinner dictionary; spans are taken in the spinner's true mode, clean documents in both.
"""

from __future__ import annotations

import argparse
import collections
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import restore  # noqa: E402
from benchmarks import datasets  # noqa: E402
from benchmarks.dev import dev_documents, parse_knobs  # noqa: E402
from restore.decode import span_evidence
from restore.modes import for_mode  # noqa: E402
from restore.tokenize import sentences, tokenize  # noqa: E402

FIT_POOL = range(32, 42)
FIT_CLEAN = range(110, 124)
SPINNERS = ("dictionary", "wordnet", "phrase", "observed", "nlpaug")
RATES = (0.05, 0.15, 0.3)
SEED = 9001


def documents():
    return dev_documents(len(FIT_POOL), len(FIT_CLEAN), pool_start=FIT_POOL.start, clean_start=FIT_CLEAN.start)


def rows_for(restorer, doc_id: str, ex, mode: str | None = None) -> list[tuple[str, str, float, int]]:
    """(document, group, raw gain, label) for every candidate span and group of one example."""
    text = ex.spun
    tokens = tokenize(text)
    gold = {(s.start, s.end): s.original.lower() for s in ex.spans}
    out = []
    spans = restorer.candidates(text)
    if mode is not None:
        spans = for_mode(spans, mode)
    for e in span_evidence(tokens, sentences(text, tokens), spans, restorer.lm, restorer.settings):
        original = gold.get((e.span.start, e.span.end))
        label = int(original is not None and any(o.lower() == original for o in e.originals))
        out.append((doc_id, e.group, e.gain, label))
    return out


def fit(items: list[tuple[str, float, int]], steps: int = 100) -> tuple[float, float, float, float]:
    """Damped Newton for (a, b); returns a, b, mean NLL, and the mean NLL of the raw gain less 0.3."""
    per_doc = collections.defaultdict(list)
    for doc, _, y in items:
        per_doc[doc].append(y)
    rho = {d: min(0.99, max(0.002, sum(v) / len(v))) for d, v in per_doc.items()}
    x = np.array([g for _, g, _ in items])
    y = np.array([lab for *_, lab in items], dtype=float)
    off = np.array([math.log(rho[d] / (1.0 - rho[d])) for d, _, _ in items])
    feats = np.stack([x, np.ones_like(x)], axis=1)

    def nll(z):
        # -[y log sigmoid(z) + (1 - y) log sigmoid(-z)], computed stably
        return float((np.logaddexp(0.0, -z) * y + np.logaddexp(0.0, z) * (1 - y)).mean())

    w = np.array([1.0, 0.0])
    best = nll(feats @ w + off)
    for _ in range(steps):
        z = feats @ w + off
        p = 0.5 * (1.0 + np.tanh(0.5 * z))
        grad = feats.T @ (p - y)
        hess = (feats * (p * (1 - p))[:, None]).T @ feats + 1e-6 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-6:   # halve the step until the likelihood improves
            value = nll(feats @ (w - t * step) + off)
            if value <= best:
                break
            t *= 0.5
        if t <= 1e-6:
            break
        w, improved = w - t * step, best - value
        best = value
        if improved < 1e-12:
            break
    return float(w[0]), float(w[1]), best, nll(x - 0.3 + off)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("knobs", nargs="*", help="other decoder settings to fit under, as name=value")
    ap.add_argument("--lm", default="ngram", help="the n-gram model file the decoder will use (default: bundled)")
    ap.add_argument("--dictionary", action="store_true", help="fit the spinner-dictionary group instead")
    ap.add_argument("--write", action="store_true", help="write the fitted values to models/calibration.json")
    args = ap.parse_args(argv)
    knobs = parse_knobs(args.knobs)
    t0 = time.perf_counter()
    if args.dictionary:
        return fit_dictionary(args.lm, knobs, args.write)
    restorer = restore.Restorer(lm=args.lm, **knobs)
    pool, clean = documents()
    rows = []
    for ex in clean:
        rows += rows_for(restorer, "clean:" + ex.id, ex)
    for name in SPINNERS:
        spinner = datasets.make_spinner(name)
        for r_i, rate in enumerate(RATES):
            for i, d in enumerate(pool):
                ex = spinner.spin(d["id"], d["text"], rate, SEED + 97 * r_i + i)
                rows += rows_for(restorer, f"{name}:{rate}:{d['id']}", ex)
        print(f"{name}: {len(rows)} span rows so far ({time.perf_counter() - t0:.0f} s)", flush=True)
    by_group = collections.defaultdict(list)
    for doc, group, gain, label in rows:
        by_group[group].append((doc, gain, label))
    print(f"{len(pool)} spun base documents x {len(SPINNERS)} spinners x {len(RATES)} rates, {len(clean)} clean")
    fitted = {}
    for group, items in sorted(by_group.items()):
        a, b, nll, raw = fit(items)
        fitted[group] = (round(a, 3), round(b, 3))
        print(f"{group}: {len(items)} spans, {sum(lab for *_, lab in items)} gold; a = {a:.3f}, b = {b:.3f}; "
              f"mean NLL {nll:.4f} (raw gain - 0.3: {raw:.4f})")
    print("calibration =", fitted)
    if args.write:
        write(fitted, f"scripts/fit_evidence_calibration.py {' '.join(argv or sys.argv[1:])}".strip())
    return 0


def write(fitted: dict, how: str) -> None:
    """Put fitted (a, b) pairs into models/calibration.json, keeping the other groups and the notes."""
    import datetime
    import json
    path = Path(__file__).resolve().parent.parent / "models" / "calibration.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for group, (a, b) in fitted.items():
        data["groups"][group] = {"a": a, "b": b, "fitted": f"{how} ({datetime.date.today()})"}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def fit_dictionary(lm: str, knobs: dict, write_out: bool = False) -> int:
    import tempfile

    from benchmarks.dictionary import RATES as DICT_RATES
    from benchmarks.dictionary import GroupSpinner, halves, write_groups
    a, _ = halves()
    with tempfile.TemporaryDirectory() as tmp:
        restorer = restore.Restorer(lm=lm, lexicons=[write_groups(a, Path(tmp) / "a.txt")], **knobs)
    pool, clean = documents()
    rows = []
    for ex in clean:
        for mode in ("head", "shuffle"):
            rows += rows_for(restorer, f"clean:{mode}:{ex.id}", ex, mode)
    for mode in ("head", "shuffle"):
        spinner = GroupSpinner(a, mode)
        for r_i, rate in enumerate(DICT_RATES):
            for i, d in enumerate(pool):
                ex = spinner.spin(d["id"], d["text"], rate, SEED + 97 * r_i + i)
                rows += rows_for(restorer, f"{mode}:{rate}:{d['id']}", ex, mode)
    items = [(doc, gain, label) for doc, group, gain, label in rows if group == "dictionary"]
    a_, b_, nll, raw = fit(items)
    print(f"dictionary: {len(items)} spans, {sum(lab for *_, lab in items)} gold; a = {a_:.3f}, b = {b_:.3f}; "
          f"mean NLL {nll:.4f} (raw gain - 0.3: {raw:.4f})")
    if write_out:
        write({"dictionary": (round(a_, 3), round(b_, 3))}, "scripts/fit_evidence_calibration.py --dictionary")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
