"""Speed with a spinner dictionary loaded: the whole stand-in thesaurus (47,274 shuffle pairs) against the
bundled lexicons alone, on the same clean and spun documents, best of ``--repeats`` passes.

    python -m benchmarks.dictionary_speed [--repeats 3]

Wall-clock words/s in this process; the load average is printed because a shared machine moves the
figures by tens of percent.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from .dictionary import STANDIN, GroupSpinner, documents, halves


def words_per_second(restorer, texts: list[str], repeats: int) -> float:
    n = sum(len(t.split()) for t in texts)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for t in texts:
            restorer.restore(t)
        best = min(best, time.perf_counter() - t0)
    return n / best


def main(argv=None) -> int:
    import restore
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    with_dict = restore.Restorer(lexicons=[STANDIN])
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    restore.Lexicon().load(STANDIN)
    load = time.perf_counter() - t0
    bundled = restore.Restorer()
    pool, clean = documents(4, 10, False)
    a, _ = halves()
    spinner = GroupSpinner(a, "head")
    spun = [spinner.spin(d["id"], d["text"], 0.25, 1 + i).spun for i, d in enumerate(pool)]
    texts = {"clean": [ex.spun for ex in clean], "spun (head-only, 25%)": spun}
    with_dict.restore(spun[0]), bundled.restore(spun[0])   # warm the caches
    print(f"load average {os.getloadavg()[0]:.2f}; stand-in file loads in {load:.2f} s, a Restorer with it "
          f"is built in {built:.2f} s")
    for name, docs in texts.items():
        print(f"{name}: {words_per_second(with_dict, docs, args.repeats):,.0f} words/s with the stand-in, "
              f"{words_per_second(bundled, docs, args.repeats):,.0f} with the bundled lexicons alone "
              f"({sum(len(t.split()) for t in docs):,} words)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
