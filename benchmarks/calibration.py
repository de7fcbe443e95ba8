"""Is an edit's confidence a probability? Edits on development documents, their confidence and whether
they were right; expected calibration error, a reliability table and the precision/recall curve that
``min_confidence`` traces.

    python -m benchmarks.calibration            # the shipped calibration, on the evaluation documents
    python -m benchmarks.calibration --raw      # the decoder's own confidence (no calibration)

The documents are development documents (``benchmarks/dev.py``: spin-pool and clean documents after
those the benchmark tables score), cut into two disjoint sets so that a calibration fitted on one can be
judged on the other:

* FIT (A): spin-pool positions 24-31, clean positions 100-111 of the three large sources;
* EVAL (B): spin-pool positions 32-41, clean positions 112-123.

``scripts/fit_confidence_calibration.py`` fits on each half and judges on the other (the generalisation
estimate it records), then ships the map fitted on both: measured here with it, the numbers are
in-sample. The benchmark report measures the shipped map on the benchmark's own documents.

Every synthetic spinner spins each pool document at rates 0.05, 0.15 and 0.3. An edit is *right* when it
restores the original words of its region (``metrics.fixes``); every edit on a clean document is wrong.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from . import datasets
from .dev import dev_documents
from .metrics import fixes, reliability

RATES = (0.05, 0.15, 0.3)
SPINNERS = datasets.SPINNER_NAMES
FIT = {"pool_start": 24, "n_pool": 8, "clean_start": 100, "n_clean": 12}
EVAL = {"pool_start": 32, "n_pool": 10, "clean_start": 112, "n_clean": 12}
THRESHOLDS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)


@dataclass(frozen=True)
class Row:
    """One edit: its reported ``confidence``, the decoder's posterior that its span is spun (``p_spun``,
    what ``min_confidence`` is compared with) and whether it was right."""

    confidence: float
    p_spun: float
    right: bool
    doc: str


def edits(restorer, which: dict = EVAL, spinners=SPINNERS, rates=RATES, seed: int = 4321,
          progress=None) -> tuple[list[Row], int]:
    """Every edit ``restorer`` makes on the chosen development documents, and the number of gold spans."""
    pool, clean = dev_documents(which["n_pool"], which["n_clean"], which["pool_start"], which["clean_start"])
    rows, n_spans = [], 0
    for name in spinners:
        spinner = datasets.make_spinner(name)
        for r_i, rate in enumerate(rates):
            for i, d in enumerate(pool):
                ex = spinner.spin(d["id"], d["text"], rate, seed + 97 * r_i + i)
                n_spans += len(ex.spans)
                res = restorer.restore(ex.spun)
                rows += [Row(e.confidence, p, fixes(ex, e.start, e.end, e.original), f"{name}:{ex.id}")
                         for e, p in _with_p_spun(res)]
                if progress:
                    progress()
    for ex in clean:
        rows += [Row(e.confidence, p, False, f"clean:{ex.id}") for e, p in _with_p_spun(restorer.restore(ex.spun))]
    return rows, n_spans


def _with_p_spun(res):
    """Each edit with the posterior that its span is spun (from the restored flag at the same place)."""
    p = {(f.start, f.end): f.p_spun for f in res.flags if f.restored}
    return [(e, float(p[(e.start, e.end)])) for e in res.edits]


def curve(rows: list[Row], n_spans: int, thresholds=THRESHOLDS, key: str = "p_spun") -> list[dict]:
    """Precision and recall of the edits kept at each threshold of ``key``: ``p_spun`` is what
    ``min_confidence`` compares, ``confidence`` what a caller filtering ``result.edits`` would.

    Recall is right edits over gold spans (synthetic documents). Raising ``min_confidence`` only removes
    edits (the decoder's choices do not depend on it), so the curve can be read off one run at 0.
    """
    out = []
    for t in thresholds:
        kept = [r for r in rows if getattr(r, key) >= t]
        right = sum(r.right for r in kept)
        out.append({"threshold": t, "edits": len(kept), "right": right,
                    "precision": right / len(kept) if kept else float("nan"),
                    "recall": right / n_spans if n_spans else float("nan")})
    return out


def measure(restorer, which: dict = EVAL, min_confidence: float = 0.5, progress=None) -> dict:
    """Reliability (10 bins, ECE) of the edits made at ``min_confidence`` and the precision/recall curves,
    on development documents. ``restorer`` must have ``min_confidence=0`` (every edit the decoder chose)."""
    if restorer.min_confidence != 0.0:
        raise ValueError("measure() needs a Restorer with min_confidence=0.0")
    rows, n_spans = edits(restorer, which, progress=progress)
    made = [r for r in rows if r.p_spun >= min_confidence]
    rel = reliability([r.confidence for r in made], [r.right for r in made])
    return {"documents": which, "spans": n_spans, "edits": len(made), "min_confidence": min_confidence,
            "reliability": rel, "curve": curve(rows, n_spans), "curve_confidence": curve(rows, n_spans, key="confidence")}


def tables(m: dict) -> str:
    rel = m["reliability"]
    out = [f"{m['edits']} edits at min_confidence {m['min_confidence']}, {m['spans']} gold spans; "
           f"ECE {rel['ece']:.3f}", "", "| confidence bin | edits | mean confidence | right |", "|---|---|---|---|"]
    out += [f"| {b['low']:.1f}-{b['high']:.1f} | {b['n']} | {b['confidence']:.3f} | {b['accuracy']:.3f} |"
            for b in rel["bins"]]
    out += ["", "| threshold | edits (min_confidence) | precision | recall | edits (confidence filter) | precision | recall |",
            "|---|---|---|---|---|---|---|"]
    for c, d in zip(m["curve"], m["curve_confidence"]):
        out.append(f"| {c['threshold']:.2f} | {c['edits']} | {c['precision']:.3f} | {c['recall']:.3f} | "
                   f"{d['edits']} | {d['precision']:.3f} | {d['recall']:.3f} |")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw", action="store_true", help="the decoder's confidence, without the calibration")
    ap.add_argument("--fit-documents", action="store_true", help="measure on the FIT documents instead")
    args = ap.parse_args(argv)
    import restore
    r = restore.Restorer(min_confidence=0.0, calibrate_confidence=not args.raw)
    print(tables(measure(r, FIT if args.fit_documents else EVAL)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
