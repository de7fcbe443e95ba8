"""Fit the edit-confidence calibration (models/confidence_calibration.json) on development documents.

    python scripts/fit_confidence_calibration.py            # needs the [bench] extra and the clean corpus

The decoder's posterior of the chosen original is over-confident: on development documents edits it
gives 0.9-1.0 are right about 80% of the time, and those it gives 0.5-0.6 about 37%. This script
collects every edit a Restorer(min_confidence=0) makes on the development documents of
benchmarks/calibration.py (two disjoint halves, A = FIT and B = EVAL: spin-pool and clean documents of the
three large sources after those any benchmark table scores; five synthetic spinners at rates
0.05/0.15/0.3), fits an isotonic regression of "the edit was right" on that posterior (pool-adjacent
violators, blocks of at least MIN_BLOCK edits so that no step rests on a handful of edits) and stores the
block means as the knots of a piecewise-linear monotone map. The shipped map is fitted on both halves;
the expected calibration error of a map fitted on one half and judged on the other is recorded beside it
as the estimate of how it generalises. The benchmark report measures it again on the benchmark's own
documents, which no fit sees.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import calibration  # noqa: E402
from benchmarks.metrics import reliability  # noqa: E402

MIN_BLOCK = 50
OUT = ROOT / "models" / "confidence_calibration.json"
VERSION = 1


def isotonic(points: list[tuple[float, bool]], min_block: int = MIN_BLOCK) -> list[tuple[float, float, int]]:
    """Pool-adjacent violators: blocks ``(mean x, mean y, n)`` with non-decreasing y, each of at least
    ``min_block`` points (a smaller block is pooled with its neighbour)."""
    blocks: list[list[float]] = []   # [sum x, sum y, n]
    for x, y in sorted(points):
        blocks.append([x, float(y), 1])
        while len(blocks) > 1 and (blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]
                                   or blocks[-2][2] < min_block):
            b = blocks.pop()
            for k in range(3):
                blocks[-1][k] += b[k]
    while len(blocks) > 1 and blocks[-1][2] < min_block:   # the last block too
        b = blocks.pop()
        for k in range(3):
            blocks[-1][k] += b[k]
    return [(sx / n, sy / n, int(n)) for sx, sy, n in blocks]


def fit(rows) -> tuple[list[tuple[float, float]], list[int]]:
    blocks = isotonic([(r.confidence, r.right) for r in rows])
    return [(round(x, 4), round(y, 4)) for x, y, _ in blocks], [n for _, _, n in blocks]


def main() -> int:
    import restore
    from restore.confidence import ConfidenceMap

    raw = restore.Restorer(min_confidence=0.0, calibrate_confidence=False)
    halves = {"A": calibration.edits(raw, calibration.FIT), "B": calibration.edits(raw, calibration.EVAL)}

    def ece(rows, f):
        made = [r for r in rows if r.p_spun >= 0.5]   # the edits a default Restorer makes
        return round(reliability([f(r.confidence) for r in made], [r.right for r in made])["ece"], 4)

    # how well a curve fitted on one half of the development documents serves the other half
    cross = {}
    for a, b in (("A", "B"), ("B", "A")):
        cmap = ConfidenceMap(fit(halves[a][0])[0])
        cross[f"fit {a}, judged on {b}"] = {"before": ece(halves[b][0], lambda p: p), "after": ece(halves[b][0], cmap)}
    rows = halves["A"][0] + halves["B"][0]
    knots, sizes = fit(rows)
    cmap = ConfidenceMap(knots)
    result = {
        "about": "Monotone map from the decoder's posterior of an edit's chosen original to the share of such "
                 "edits that are right (restore/confidence.py applies it to Edit.confidence; n-gram mode only). "
                 "Piecewise linear through the knots [posterior, share right], constant beyond the ends.",
        "version": VERSION,
        "knots": [list(k) for k in knots],
        "fitted": {
            "script": "scripts/fit_confidence_calibration.py",
            "method": f"isotonic regression (pool-adjacent violators, blocks of at least {MIN_BLOCK} edits); "
                      "knots at the block means",
            "data": "development documents of benchmarks/calibration.py, A = FIT (spin-pool positions 24-31, clean "
                    "100-111) and B = EVAL (spin-pool 32-41, clean 112-123) of austen, debian-handbook and "
                    "python-docs; spinners " + ", ".join(calibration.SPINNERS) + "; rates "
                    + ", ".join(map(str, calibration.RATES)) + "; every edit of Restorer(min_confidence=0), right "
                    "= restores its region's original words (benchmarks.metrics.fixes), every edit on a clean "
                    "document wrong. No benchmark table scores these documents.",
            "edits": len(rows), "right": sum(r.right for r in rows),
            "gold_spans": halves["A"][1] + halves["B"][1],
            "block_sizes": sizes,
            "ece": {"note": "10 bins, edits a default Restorer makes (posterior spun >= 0.5)",
                    "all development documents (in-sample)": {"before": ece(rows, lambda p: p), "after": ece(rows, cmap)},
                    **cross},
            "date": datetime.date.today().isoformat(),
        },
    }
    OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result["fitted"]["ece"], indent=1))
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
