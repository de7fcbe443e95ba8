"""Fit the log-linear weights of neural rescoring on synthetic spins and write them to models/weights.json.

    pip install -e '.[neural,build]'
    python scripts/fit_neural_weights.py [--lm gemma] [--docs 40] [--right-words 0]

Dev data: documents of the benchmark corpus (``benchmarks/data/clean``, built by ``python -m
benchmarks.corpus``) that the benchmarks do not score -- the *last* documents of the spin pool, spun by the
synthetic ``dictionary``, ``wordnet``, ``phrase`` and ``observed`` spinners (the last one applies real
spinner substitutions that the lexicon leaves out) at rates 0.15 and 0.3, plus the last clean documents
(so that keeping clean text unchanged is part of the objective). ``benchmarks/neural_bench.py`` scores
the *first* pool documents, seed 001 and seed 000, none of which is seen here.

For every span the rescorer looks at, each alternative (keep, lexicon options, model proposals) gets its
feature vector; the gold alternative is the span's original (or keep when no gold span touches it; spans
that overlap a gold span differently, or whose original is not among the alternatives, are left out).
The decoder's own log posterior keeps weight 1 and only ``--free`` weights are fitted (by default the
neural score, the proposal constant and the change constant): the synthetic spinners are not the real
ones the decoder's channel was built for, so the neural model is fitted as a correction on top of the
decoder rather than as a new model. The fit maximises the conditional log-likelihood of the gold
alternatives (softmax over each span's alternatives) with a small L2 penalty, by L-BFGS.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from restore import Restorer  # noqa: E402
from restore.neural import FEATURES, NeuralLM, Weights, load_scorer  # noqa: E402
from restore.tokenize import normalize  # noqa: E402


def dev_examples(n_docs: int, n_clean: int):
    from benchmarks import datasets
    clean, pool = datasets.corpus_split(None, None)
    docs = pool[-n_docs:]
    out = []
    names = ("dictionary", "wordnet", "phrase", "observed")
    spinners = {name: datasets.make_spinner(name) for name in names}
    for i, d in enumerate(docs):
        name = names[i % len(names)]
        rate = (0.15, 0.3)[(i // 2) % 2]
        out.append(spinners[name].spin(d["id"], d["text"], rate, 1000 + i))
    return out + clean[-n_clean:]


def label(item, ex) -> int | None:
    """Index (into item.alts) of the gold alternative, or None when it cannot be told or is absent."""
    span = item.post.span
    gold = None
    for g in ex.spans:
        if g.end <= span.start or g.start >= span.end:
            continue
        if (g.start, g.end) != (span.start, span.end):
            return None
        gold = g
    if gold is None:
        return 0
    want = " ".join(normalize(w) for w in gold.original.split())
    for k, a in enumerate(item.alts):
        if a and " ".join(normalize(w) for w in item.options[a - 1].text.split()) == want:
            return k
    return None


def fit(data, free: list[str], l2: float = 0.01, fixed: dict[str, float] | None = None):
    """Weights maximising the gold alternatives' log-likelihood. The decoder's posterior keeps weight 1 and
    the features not in ``free`` weight 0 (a correction on top of the decoder, not a new model: the
    synthetic spinners are not the real ones the decoder's channel was built for); the free weights are
    shrunk towards 0."""
    import torch
    feats = [torch.tensor(f, dtype=torch.float64) for f, _ in data]
    gold = [g for _, g in data]
    prior = torch.zeros(len(FEATURES), dtype=torch.float64)
    prior[FEATURES.index("posterior")] = 1.0
    for name, value in (fixed or {}).items():
        prior[FEATURES.index(name)] = value
    mask = torch.tensor([f in free for f in FEATURES], dtype=torch.float64)
    delta = torch.zeros(len(FEATURES), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([delta], max_iter=500, line_search_fn="strong_wolfe")

    def nll_of(w):
        return sum(-torch.log_softmax(f @ w, 0)[g] for f, g in zip(feats, gold)) / len(feats)

    def loss_fn():
        opt.zero_grad()
        loss = nll_of(prior + mask * delta) + l2 * ((mask * delta) ** 2).sum()
        loss.backward()
        return loss
    opt.step(loss_fn)
    with torch.no_grad():
        w = prior + mask * delta
        return w.tolist(), float(nll_of(w))


def accuracy(data, w) -> float:
    good = 0
    for f, g in data:
        scores = [sum(a * b for a, b in zip(w, row)) for row in f]
        good += max(range(len(scores)), key=lambda k: scores[k]) == g
    return good / max(1, len(data))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lm", default="gemma", help="gemma or a Hugging Face model folder")
    ap.add_argument("--name", default=None, help="key under which to store the weights (default: the scorer's)")
    ap.add_argument("--docs", type=int, default=40, help="spun dev documents")
    ap.add_argument("--clean", type=int, default=32, help="clean dev documents")
    ap.add_argument("--right-words", type=int, default=Weights.right_words)
    ap.add_argument("--top-k", type=int, default=Weights.top_k)
    ap.add_argument("--contest", type=float, default=Weights.contest)
    ap.add_argument("--veto", type=float, default=Weights.veto)
    ap.add_argument("--free", default="neural,proposed,change,rate",
                    help=f"weights to fit (of {', '.join(FEATURES)}); the decoder's posterior keeps 1, the rest 0")
    ap.add_argument("--fixed", action="append", default=[], metavar="NAME=VALUE",
                    help="hold a weight at a chosen value instead of 0 (e.g. proposed=9, see docs/neural.md)")
    ap.add_argument("--similar", type=float, default=Weights.similar)
    ap.add_argument("--out", default=str(ROOT / "models" / "weights.json"))
    args = ap.parse_args(argv)
    fixed = {k: float(v) for k, v in (a.split("=", 1) for a in args.fixed)}
    unknown = set(fixed) - set(FEATURES)
    if unknown:
        ap.error(f"unknown weight(s) {', '.join(sorted(unknown))}; known: {', '.join(FEATURES)}")
    t0 = time.time()
    scorer = load_scorer(args.lm)
    settings = dict(right_words=args.right_words, top_k=args.top_k, contest=args.contest, veto=args.veto,
                    similar=args.similar)
    lm = NeuralLM(scorer, weights=Weights(**settings))
    restorer = Restorer(lm=lm)
    exs = dev_examples(args.docs, args.clean)
    data, words, skipped = [], 0, 0
    base_good = 0
    for i, ex in enumerate(exs):
        restorer.restore(ex.spun)
        words += len(ex.spun.split())
        for item in lm.last_items:
            g = label(item, ex)
            if g is None:
                skipped += 1
                continue
            data.append((item.feats, g))
            old = [item.post.probs[a] if a < len(item.post.probs) else 0.0 for a in item.alts]
            base_good += max(range(len(old)), key=lambda k: old[k]) == g
        print(f"\r{i + 1}/{len(exs)} documents, {len(data)} spans", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    free = [f for f in args.free.split(",") if f and f not in fixed]
    w, nll = fit(data, free, fixed=fixed)
    acc = accuracy(data, w)
    print(f"spans {len(data)} (skipped {skipped}); n-gram argmax accuracy {base_good / len(data):.3f}; "
          f"fitted {acc:.3f}; weights {dict(zip(FEATURES, [round(x, 3) for x in w]))}")
    path = Path(args.out)
    doc = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    doc.setdefault("about", "Log-linear weights of neural rescoring (restore/neural/), one entry per scorer; "
                            "written by scripts/fit_neural_weights.py.")
    doc.setdefault("scorers", {})[args.name or scorer.name] = {
        "weights": {f: round(x, 4) for f, x in zip(FEATURES, w)},
        "settings": settings,
        "fitted": {
            "script": "scripts/fit_neural_weights.py " + " ".join(argv if argv is not None else sys.argv[1:]),
            "data": f"{args.docs} synthetic spun documents (last of the benchmark spin pool; dictionary, wordnet, "
                    f"phrase and observed spinners, rates 0.15/0.3) + {args.clean} clean documents (last of the clean split)",
            "words": words,
            "spans": len(data),
            "objective": f"conditional log-likelihood of the gold alternative per span, L-BFGS; fitted: "
                         f"{', '.join(free)} (L2 0.01); posterior fixed at 1"
                         + "".join(f", {k} held at {v}" for k, v in fixed.items()) + ", the rest at 0",
            "mean_nll": round(nll, 4),
            "dev_accuracy_ngram": round(base_good / len(data), 4),
            "dev_accuracy_fitted": round(acc, 4),
            "date": datetime.date.today().isoformat(),
            "seconds": round(time.time() - t0),
        },
    }
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
