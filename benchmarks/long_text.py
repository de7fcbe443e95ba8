"""One very long text without sentence breaks: time and memory must stay linear.

    python -m benchmarks.long_text [--words 400000]

Scraped boilerplate, lists and text with its punctuation stripped reach the engine as one endless
"sentence". The decoder cuts such runs into bounded pieces (``Settings.max_sentence``); this measures
words per second and the process's own peak resident set (VmHWM) on the bundled spun example repeated
to ``--words`` words with its sentence punctuation removed. Run it in a fresh process (as here): the
peak then belongs to this text alone.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--words", type=int, default=400_000)
    args = ap.parse_args(argv)
    import restore

    base = re.sub(r"[.!?]\s*", " ", (ROOT / "examples" / "spun_news.txt").read_text(encoding="utf-8")).split()
    text = " ".join((base * (args.words // len(base) + 1))[: args.words])
    restorer = restore.Restorer()
    t0 = time.perf_counter()
    result = restorer.restore(text)
    seconds = time.perf_counter() - t0
    peak = peak_mb()
    memory = f"peak RSS {peak:.0f} MB" if peak is not None else "peak RSS not available here"
    print(f"{args.words:,} words without a sentence break: {len(result.edits):,} edits, "
          f"{args.words / seconds:,.0f} words/s, {memory}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
