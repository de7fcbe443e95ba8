"""Compare two benchmark results.json files, leaving out timings: prints every number that differs.

Used to show that a change of structure changed no result: exit status 0 when the accuracy figures are
identical, 1 otherwise. Timings (seconds, words per second, memory, CPU shares, the run's metadata)
differ from run to run and are skipped.

Usage: python scripts/compare_results.py BEFORE.json AFTER.json
"""

from __future__ import annotations

import json
import sys

TIMING = ("seconds", "per_second", "rss", "cpu_", "speedup", "startup", "import_s", "construct_s", "stages")


def differences(a, b, path: str = "") -> list[str]:
    """Paths (with both values) where ``a`` and ``b`` differ, timings and metadata left out."""
    if path.startswith("/meta") or any(t in path.rsplit("/", 1)[-1] or f"/{t}" in path for t in TIMING):
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b), key=str) for d in differences(a.get(k), b.get(k), f"{path}/{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} -> {b!r}"]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    before, after = (json.load(open(p, encoding="utf-8")) for p in argv)
    found = differences(before, after)
    for line in found:
        print(line)
    print(f"{len(found)} accuracy figures differ")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
