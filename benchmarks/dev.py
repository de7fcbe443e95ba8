"""Development set for decoder knobs: documents of the corpus that no benchmark table scores.

    python -m benchmarks.dev                                  # the defaults
    python -m benchmarks.dev unigram_discount=0.9 doc_threshold=8 --spinners dictionary,observed

The benchmark scores the first documents of each source (``run.py``: 100 clean documents per source,
synthetic cells drawn round-robin from the first documents of the spin pool). This script takes the
documents after those -- spin-pool documents from position ``POOL_START`` and clean documents from
position ``CLEAN_START`` of each of the three large sources -- so that decoder settings can be compared
without looking at the numbers the README reports. Seed 001 is in-sample for the lexicon and is not
part of it.
"""

from __future__ import annotations

import argparse
import ast
import collections
import dataclasses
import re
import sys
import time

from . import datasets
from .evaluate import in_dictionary
from .metrics import score

POOL_START = 24      # benchmark cells reach at most position 16 of a source's pool
CLEAN_START = 100    # the benchmark's clean_per_source
SOURCES = ("austen", "debian-handbook", "python-docs")


def dev_documents(n_pool: int, n_clean: int, pool_start: int = POOL_START,
                  clean_start: int = CLEAN_START) -> tuple[list[dict], list]:
    """``n_pool`` spin-pool and ``n_clean`` clean documents per source of SOURCES, from the given positions."""
    clean, pool = datasets.corpus_split(None, None)
    by_source_pool = collections.defaultdict(list)
    for d in pool:
        by_source_pool[d["source"]].append(d)
    by_source_clean = collections.defaultdict(list)
    for ex in clean:
        by_source_clean[ex.spinner].append(ex)
    dev_pool = [d for s in SOURCES for d in by_source_pool[s][pool_start:pool_start + n_pool]]
    dev_clean = [ex for s in SOURCES for ex in by_source_clean[s][clean_start:clean_start + n_clean]]
    return dev_pool, dev_clean


def parse_knobs(pairs: list[str]) -> dict:
    """``["beam=16", "decision='posterior'"]`` -> ``{"beam": 16, "decision": "posterior"}`` (Python literals)."""
    return {k: ast.literal_eval(v) for k, v in (a.split("=", 1) for a in pairs)}


def chunks(text: str, n_words: int) -> list[str]:
    """``text`` cut at sentence ends into pieces of at least ``n_words`` words (the last may be shorter)."""
    out, piece, count = [], [], 0
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        piece.append(sentence)
        count += len(sentence.split())
        if count >= n_words:
            out.append(" ".join(piece))
            piece, count = [], 0
    if piece:
        out.append(" ".join(piece))
    return [c for c in out if c.strip()]


def short_documents(pool: list[dict], clean: list, n_words: int) -> tuple[list[dict], list]:
    """The same documents cut into short ones (a paragraph, a snippet a scraper passes on its own)."""
    short_pool = [dict(d, id=f"{d['id']}#{k}", text=c) for d in pool for k, c in enumerate(chunks(d["text"], n_words))]
    short_clean = [dataclasses.replace(ex, id=f"{ex.id}#{k}", spun=c) for ex in clean
                   for k, c in enumerate(chunks(ex.spun, n_words))]
    return short_pool, short_clean


def evaluate(restorer, spinners, rates, n_pool: int, n_clean: int, seed: int = 4321, chunk: int = 0) -> dict:
    pool, clean = dev_documents(n_pool, n_clean)
    if chunk:
        pool, clean = short_documents(pool, clean, chunk)
    out: dict = {}
    for name in spinners:
        out[name] = run_cell(restorer, datasets.make_spinner(name), pool, rates, seed)
    c = collections.Counter()
    for ex in clean:
        res = restorer.restore(ex.spun)
        c["false"] += score(ex, res.text, res.edits).false_changes
        c["outside"] += len(ex.spun.split())
    out["clean"] = c
    return out


def run_cell(restorer, spinner, pool, rates, seed: int) -> collections.Counter:
    """Counts of one spinner's documents at every rate, restored: spans by status, in and out of the
    restorer's dictionary, false changes, word error, and the spinner mode the restorer chose."""
    c = collections.Counter()
    for r_i, rate in enumerate(rates):
        for i, d in enumerate(pool):
            ex = spinner.spin(d["id"], d["text"], rate, seed + 97 * r_i + i)
            res = restorer.restore(ex.spun)
            s = score(ex, res.text, res.edits)
            for span, status in zip(ex.spans, s.status):
                group = "in" if in_dictionary(restorer.lexicon, span) else "out"
                c[f"{group}_{status}"] += 1
                c[f"{group}_n"] += 1
            c["false"] += s.false_changes
            c["outside"] += s.n_outside
            c["words"] += s.n_words
            c["wer_before"] += s.wer_before
            c["wer_after"] += s.wer_after
            c["n_original"] += s.n_original
            c[f"mode_{getattr(res, 'spinner_mode', None)}"] += 1
    return c


def report(results: dict) -> str:
    lines = ["| data | restored in-dict | restored out-of-dict | wrong | false changes /1,000 | net |",
             "|---|---|---|---|---|---|"]
    tot = collections.Counter()
    for name, c in results.items():
        if name == "clean":
            continue
        tot.update(c)
        lines.append(_row(name, c))
    lines.append(_row("**all spun**", tot))
    c = results["clean"]
    lines.append(f"| clean | | | | {1000 * c['false'] / max(1, c['outside']):.2f} | {-c['false']} |")
    return "\n".join(lines)


def _row(name, c) -> str:
    n_in, n_out = c["in_n"], c["out_n"]
    wrong = c["in_wrong"] + c["out_wrong"]
    # net: spans restored less words changed outside every span (a wrong span is a spun phrase still wrong)
    net = c["in_restored"] + c["out_restored"] - c["false"]
    return (f"| {name} | {c['in_restored'] / max(1, n_in):.1%} of {n_in} | {c['out_restored'] / max(1, n_out):.1%} "
            f"of {n_out} | {wrong / max(1, n_in + n_out):.1%} | {1000 * c['false'] / max(1, c['outside']):.2f} | "
            f"{net} |")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("knobs", nargs="*", help="decoder settings as name=value (restore.decode.Settings)")
    ap.add_argument("--spinners", default="dictionary,wordnet,phrase,observed,nlpaug")
    ap.add_argument("--rates", default="0.05,0.15,0.3")
    ap.add_argument("--pool", type=int, default=6, help="spin-pool documents per source")
    ap.add_argument("--lm", default="ngram", help="ngram, gemma or a model folder (Restorer(lm=...))")
    ap.add_argument("--neural", action="append", default=[], metavar="NAME=VALUE",
                    help="override a neural rescoring weight or setting (restore.neural.Weights)")
    ap.add_argument("--min-confidence", type=float, default=0.5, help="Restorer(min_confidence=...)")
    ap.add_argument("--clean", type=int, default=10, help="clean documents per source")
    ap.add_argument("--chunk", type=int, default=0, metavar="WORDS",
                    help="cut every document into short ones of about this many words first")
    args = ap.parse_args(argv)
    import restore
    knobs = parse_knobs(args.knobs)
    restorer = restore.Restorer(lm=args.lm, **knobs, min_confidence=args.min_confidence)
    if args.neural:
        over = parse_knobs(args.neural)
        restorer.lm.weights = dataclasses.replace(restorer.lm.weights, **over)
        knobs.update(over)
    t0 = time.perf_counter()
    results = evaluate(restorer, args.spinners.split(","), [float(r) for r in args.rates.split(",")],
                       args.pool, args.clean, chunk=args.chunk)
    print(f"lm {args.lm}, knobs {knobs or 'default'} ({time.perf_counter() - t0:.0f} s)")
    print(report(results))


if __name__ == "__main__":
    sys.exit(main())
