"""Where the harness finds its inputs and writes its outputs (all relative to the repository root)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SHARED_DATA = SHARED / "data"
TORTURED = SHARED_DATA / "tortured_dev.tsv"
SPINNER_PAIRS = SHARED_DATA / "spinner_pairs_dev.tsv"
# seed 001's reference restoration, aligned against the source article (format: ../shared/data/README.md)
SEED_GOLD = SHARED_DATA / "seed001_gold.tsv"
HERE = Path(__file__).resolve().parent
_WORK = Path(os.environ["BENCHMARKS_WORKDIR"]) if os.environ.get("BENCHMARKS_WORKDIR") else HERE
DATA = _WORK / "data"          # rebuilt clean corpora (git-ignored; BENCHMARKS_WORKDIR moves it)
CACHE = _WORK / "cache"        # nltk data, cached synthetic spins (git-ignored)
RESULTS = HERE / "results"     # the committed results (written only with --update-results or --readme)
RUNS = HERE / "runs"           # every other run (git-ignored)
README = ROOT / "README.md"


def seed_path(prefix: str) -> Path | None:
    """The seed file whose name starts with ``prefix`` ("000", "001"), or None when absent."""
    if not SEEDS.is_dir():
        return None
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    return found[0] if found else None
