"""Calling ``restore.restore_text`` once per page, as a scraper does: the cost of a call on a short text.

The first call builds a Restorer (the lexicons and the n-gram model load in about 0.3 s); later calls
with the same options reuse it. This measures 100 calls on a short text against building a Restorer
for each call (what every call cost before the cache), and prints the speed-up:

    python -m benchmarks.api_speed [--calls 100] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import time

TEXT = "Officers mentioned the brand new bridge will open subsequent 12 months, two months later than deliberate."


def measure(calls: int, built: int) -> dict:
    import restore
    from restore.api import Restorer
    start = time.perf_counter()
    restore.restore_text(TEXT)                     # the one build
    first = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(calls):
        restore.restore_text(TEXT)
    cached = (time.perf_counter() - start) / calls
    start = time.perf_counter()
    for _ in range(built):
        Restorer().restore(TEXT)
    rebuilt = (time.perf_counter() - start) / built
    return {"calls": calls, "first_call_s": round(first, 4), "per_call_s": round(cached, 6),
            "per_call_rebuilding_s": round(rebuilt, 4), "speedup": round(rebuilt / cached, 1),
            f"{calls}_calls_s": round(first + calls * cached, 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=100)
    ap.add_argument("--rebuilt", type=int, default=5, help="calls that build a Restorer each (slow)")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    result = measure(args.calls, args.rebuilt)
    print(f"{args.calls} calls of restore_text on a {len(TEXT.split())}-word text: first {result['first_call_s']} s, "
          f"then {result['per_call_s'] * 1000:.2f} ms a call; building a Restorer each call: "
          f"{result['per_call_rebuilding_s']:.3f} s a call; speed-up {result['speedup']}x")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main()
