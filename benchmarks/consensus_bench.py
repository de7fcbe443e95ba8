"""Consensus across copies: several spun copies of one article, no source, restored as one.

    python -m benchmarks.consensus_bench --fit --seed 16    # choose the vote weights (development corpus)
    python -m benchmarks.consensus_bench --seed 17 [--json F]   # score them

The corpus is the farms corpus (benchmarks/farms.py) with no source kept. ``restore.consensus`` finds the
clusters of copies itself (MinHash and word alignment, as ``restore learn``); the benchmark takes the
clusters that hold exactly three distinct spun copies of one article (and, apart, those of two). For each
such cluster it reports

* **best single copy**: each copy restored alone by the engine (bundled lexicons), scored against its own
  spans; the best of the three (an oracle pick: the copy whose restoration restored most);
* **consensus**: the voted text of the cluster, restored by the engine, scored against the spans of each
  copy (mean over the copies) and against those of the best single copy;
* **voted only**: the voted text before the engine.

Spans restored and false changes per 1,000 words outside the spans (``benchmarks.metrics.score``).
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import sys

from .farms import generate
from .metrics import score

GRID = {"vote": (0.0, 1.0, 2.0, 4.0, 8.0), "channel": (0.0, 1.0, 2.0, 4.0)}


def copy_clusters(corpus, size: int) -> list[list[str]]:
    """Record ids of the clusters ``restore.consensus`` finds that hold exactly ``size`` distinct spun
    copies of one article (exact duplicates dropped), in corpus order."""
    from restore.consensus import clusters, copy_pairs
    from restore.tokenize import tokenize
    recs = corpus.records
    pairs = copy_pairs([[t.norm for t in tokenize(r["text"])] for r in recs])
    out = []
    for members in clusters(pairs):
        seen, ids = set(), []
        for k in members:
            if recs[k]["text"] not in seen:
                seen.add(recs[k]["text"])
                ids.append(recs[k]["id"])
        truth = [corpus.truth[i] for i in ids]
        if len(ids) == size and all(t["role"] == "spun" for t in truth) and len({t["article"] for t in truth}) == 1:
            out.append(ids)
    return out


def tally(c: collections.Counter, ex, output: str) -> None:
    s = score(ex, output, [])
    c["spans"] += len(ex.spans)
    c["restored"] += sum(st == "restored" for st in s.status)
    c["false"] += s.false_changes
    c["outside"] += s.n_outside


def rates(c: collections.Counter) -> dict:
    return {"spans": c["spans"], "restored": round(c["restored"] / max(1, c["spans"]), 4),
            "false_per_1000": round(1000 * c["false"] / max(1, c["outside"]), 2)}


def evaluate(corpus, groups, restorer, weights, engine: bool = True) -> dict:
    """Best single copy against the consensus, over the clusters ``groups``."""
    from restore.consensus import voted_text
    cells = {k: collections.Counter() for k in ("best single", "consensus (mean over copies)",
                                                "consensus (best copy's spans)", "voted only (mean over copies)")}
    for ids in groups:
        exs = [corpus.examples[i] for i in ids]
        voted, _ = voted_text([ex.spun for ex in exs], restorer.lm, restorer.lexicon, weights)
        for ex in exs:
            tally(cells["voted only (mean over copies)"], ex, voted)
        if not engine:
            continue
        final = restorer.restore(voted).text
        singles = []
        for ex in exs:
            c = collections.Counter()
            tally(c, ex, restorer.restore(ex.spun).text)
            singles.append((c["restored"] / max(1, c["spans"]), -c["false"], c, ex))
            tally(cells["consensus (mean over copies)"], ex, final)
        _, _, c, ex = max(singles, key=lambda s: s[:2])
        cells["best single"].update(c)
        tally(cells["consensus (best copy's spans)"], ex, final)
    return {"clusters": len(groups), **{k: rates(v) for k, v in cells.items() if v}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--fit", action="store_true", help="grid of vote weights on this seed (the development one: 16)")
    ap.add_argument("--limit", type=int, help="use only this many articles (quick runs)")
    ap.add_argument("--table", help="an induced table (restore induce) the engine loads as a spinner dictionary, "
                                    "for the single copies and the consensus alike")
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    import restore
    from restore.consensus import CHANNEL_BONUS, LM_SCALE, VOTE
    corpus = generate(seed=args.seed, keep_source=0.0, limit=args.limit)
    restorer = restore.Restorer(**({"lexicons": [args.table], "lexicon_trust": "dictionary"} if args.table else {}))
    three, two = copy_clusters(corpus, 3), copy_clusters(corpus, 2)
    if args.fit:
        grid = []
        for vote, channel in itertools.product(*GRID.values()):
            r = evaluate(corpus, three + two, restorer, (vote, LM_SCALE, channel), engine=False)
            cell = r["voted only (mean over copies)"]
            grid.append({"vote": vote, "channel": channel, **cell})
        grid.sort(key=lambda g: -(g["restored"] - g["false_per_1000"] / 100))
        print(json.dumps(grid, indent=1))
        return 0
    weights = (VOTE, LM_SCALE, CHANNEL_BONUS)
    res = {"seed": args.seed, "table": args.table, "weights": {"vote": VOTE, "lm": LM_SCALE, "channel": CHANNEL_BONUS},
           "three copies": evaluate(corpus, three, restorer, weights),
           "two copies": evaluate(corpus, two, restorer, weights)}
    print(json.dumps(res, indent=1))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(json.dumps(res, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
