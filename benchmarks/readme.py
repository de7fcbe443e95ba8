"""Put the headline results table into README.md between its markers (nothing else is touched).

    python -m benchmarks.readme [--results benchmarks/results/results.json] [--readme README.md]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .paths import README, RESULTS
from .report import headline

START, END = "<!-- results:start -->", "<!-- results:end -->"


def update(readme: Path, results: dict) -> bool:
    """Replace the text between the markers; False (and nothing written) when the README or a marker is missing."""
    if not readme.exists():
        print(f"benchmarks: {readme} does not exist; no table written", file=sys.stderr)
        return False
    text = readme.read_text(encoding="utf-8")
    i, j = text.find(START), text.find(END)
    if i < 0 or j < i:
        print(f"benchmarks: {readme} has no '{START}' ... '{END}' markers; no table written", file=sys.stderr)
        return False
    new = text[:i + len(START)] + "\n" + headline(results) + "\n" + text[j:]
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=RESULTS / "results.json")
    ap.add_argument("--readme", type=Path, default=README)
    args = ap.parse_args(argv)
    if not args.results.exists():
        raise SystemExit(f"{args.results} not found: run python -m benchmarks first")
    return 0 if update(args.readme, json.loads(args.results.read_text(encoding="utf-8"))) else 1


if __name__ == "__main__":
    raise SystemExit(main())
