"""Neural rescoring against the default n-gram mode: restored spans, false changes, words per second.

    pip install -e '.[neural,bench]'
    python -m benchmarks.neural_bench [--lm gemma] [--docs 24] [--json out.json]

Data (none of it used to fit models/weights.json, which saw only the *last* documents of the spin pool):

* seed 001 -- the real spun article, scored span by span against ../shared/data/seed001_gold.tsv (read
  at run time; accepted alternatives count, uncertain spans are not scored);
* synthetic -- the *first* ``--docs`` documents of the benchmark spin pool, spun by the ``dictionary``
  and ``wordnet`` spinners at rates 0.15 and 0.3; spans are split into in-dictionary (the engine's
  lexicon lists the pair) and out-of-dictionary (it does not);
* clean -- seed 000 and the first ``--clean`` clean corpus documents: every changed word is a false change.

"Restored" is the share of gold spans whose original is back word for word (benchmarks.metrics.score).
Speed is words per wall-clock second of ``Restorer.restore`` on seed 001 and on everything, after the
model is loaded (load time reported apart), with the thread count and load average at the time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from restore import Restorer

from . import datasets
from .evaluate import in_dictionary
from .metrics import score


def synthetic(n_docs: int):
    _, pool = datasets.corpus_split(None, None)
    spinners = {name: datasets.make_spinner(name) for name in ("dictionary", "wordnet")}
    out = []
    for i, d in enumerate(pool[:n_docs]):
        name = ("dictionary", "wordnet")[i % 2]
        rate = (0.15, 0.3)[(i // 2) % 2]
        ex = spinners[name].spin(d["id"], d["text"], rate, 2000 + i)
        ex.dataset = "synthetic"
        out.append(ex)
    return out


def clean_docs(n_docs: int):
    clean, _ = datasets.corpus_split(None, None)
    seed = datasets.seed_clean()
    return ([seed] if seed else []) + clean[:n_docs]


class Tally:
    def __init__(self) -> None:
        self.spans = self.restored = self.wrong = 0
        self.words = self.false_changes = 0
        self.seconds = 0.0

    def add(self, doc, seconds: float, mask=None) -> None:
        statuses = doc.status if mask is None else [s for s, m in zip(doc.status, mask) if m]
        statuses = [s for s in statuses if s != "uncertain"]   # the reference does not know those originals
        self.spans += len(statuses)
        self.restored += statuses.count("restored")
        self.wrong += statuses.count("wrong")
        self.words += doc.n_words
        self.false_changes += doc.false_changes
        self.seconds += seconds

    def row(self) -> dict:
        return {"spans": self.spans, "restored": round(100 * self.restored / max(1, self.spans), 1),
                "wrong": round(100 * self.wrong / max(1, self.spans), 1), "words": self.words,
                "false_changes": self.false_changes,
                "false_per_1000_words": round(1000 * self.false_changes / max(1, self.words), 2),
                "words_per_s": round(self.words / self.seconds, 1) if self.seconds else None}


def run(restorer: Restorer, groups: dict, lexicon) -> dict:
    out = {}
    everything = Tally()
    for name, exs in groups.items():
        t_all, t_in, t_out = Tally(), Tally(), Tally()
        for ex in exs:
            t0 = time.perf_counter()
            res = restorer.restore(ex.spun)
            dt = time.perf_counter() - t0
            doc = score(ex, res.text, res.edits, res.flags)
            t_all.add(doc, dt)
            everything.add(doc, dt)
            if name == "synthetic":
                inside = [in_dictionary(lexicon, s) for s in ex.spans]
                t_in.add(doc, 0.0, inside)
                t_out.add(doc, 0.0, [not x for x in inside])
        out[name] = t_all.row()
        if name == "synthetic":
            out["synthetic in-dictionary"] = t_in.row()
            out["synthetic out-of-dictionary"] = t_out.row()
    out["all"] = everything.row()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="neural rescoring vs the default mode")
    ap.add_argument("--lm", default="gemma")
    ap.add_argument("--docs", type=int, default=24, help="synthetic spun documents")
    ap.add_argument("--clean", type=int, default=8, help="clean corpus documents besides seed 000")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args(argv)
    groups = {}
    seed = datasets.seed_spun()
    if seed:
        groups["seed001"] = [seed]
    groups["synthetic"] = synthetic(args.docs)
    groups["clean"] = clean_docs(args.clean)
    results = {"load_average_before": os.getloadavg(), "cores": len(os.sched_getaffinity(0))}
    t0 = time.perf_counter()
    default = Restorer()
    results["default_load_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    neural = Restorer(lm=args.lm)
    results["neural_load_s"] = round(time.perf_counter() - t0, 2)
    import torch
    results["torch_threads"] = torch.get_num_threads()
    neural.restore("Warm-up sentence for the neural model.")
    results["default"] = run(default, groups, default.lexicon)
    results["neural"] = run(neural, groups, neural.lexicon)
    results["load_average_after"] = os.getloadavg()
    print(f"{'data':30} {'mode':8} {'spans':>6} {'restored%':>9} {'wrong%':>7} {'false/1k':>8} {'words/s':>8}")
    for name in results["default"]:
        for mode in ("default", "neural"):
            r = results[mode][name]
            print(f"{name:30} {mode:8} {r['spans']:>6} {r['restored']:>9} {r['wrong']:>7} "
                  f"{r['false_per_1000_words']:>8} {r['words_per_s'] or '':>8}")
    print(f"threads {results['torch_threads']}, load average {results['load_average_before']} -> "
          f"{results['load_average_after']}; model load {results['neural_load_s']} s", file=sys.stderr)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
