"""Documents for rewriting detection: clean prose and copies spun by spinners the lexicons do not know.

Corpus documents are split by position, as everywhere in the benchmarks: the *test* split is what the
benchmark scores (clean positions 0-99 and spin-pool positions 0-23 of each source), the *development*
split is everything after (clean 100 on, spin pool 24 on; ``benchmarks.dev``). The rewriting model is
fitted on development documents only (``scripts/fit_rewriting.py``) and reported on test documents
(``benchmarks.rewriting``).

Every spin-pool document of a split is spun by each spinner of ``benchmarks.unknown_spinners`` at each
rate in ``RATES``; ``known`` adds the lexicon-family spinners of ``benchmarks.spinners`` (dictionary,
wordnet), whose copies the spin score already catches, to check that the two scores name kinds apart.
Spun documents are cached under benchmarks/cache/rewriting.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from . import datasets, examples
from .dev import CLEAN_START, POOL_START
from .paths import CACHE

RATES = (0.15, 0.25, 0.35)
UNKNOWN = ("related", "groups", "compound", "mixed")
KNOWN = ("dictionary", "wordnet")
GENERATOR_VERSION = 1   # bump when a spinner changes, to refresh the cache
SEED = 2027


@dataclass
class Doc:
    """One document to score: ``label`` 1 for a spun copy, 0 for clean prose."""

    id: str
    text: str
    label: int
    spinner: str = "clean"      # "clean" or the spinner's name
    rate: float = 0.0           # the rate asked for
    achieved: float = 0.0       # the share of words the spinner actually changed


def split_sources(split: str) -> tuple[list[dict], list]:
    """``(spin pool, clean)`` documents of ``split`` ("dev" or "test"), every corpus source."""
    if split not in ("dev", "test"):
        raise ValueError(f"split must be 'dev' or 'test', not {split!r}")
    clean, pool = datasets.corpus_split(None, None)
    pool_pos: dict[str, int] = {}
    clean_pos: dict[str, int] = {}
    keep_pool, keep_clean = [], []
    for d in pool:
        k = pool_pos[d["source"]] = pool_pos.get(d["source"], -1) + 1
        if (k >= POOL_START) == (split == "dev"):
            keep_pool.append(d)
    for ex in clean:
        k = clean_pos[ex.spinner] = clean_pos.get(ex.spinner, -1) + 1
        if (k >= CLEAN_START) == (split == "dev"):
            keep_clean.append(ex)
    return keep_pool, keep_clean


def _spinner(name: str):
    if name in UNKNOWN:
        from .unknown_spinners import SPINNERS
        return SPINNERS[name]()
    return datasets.make_spinner(name)


def spun_cell(name: str, rate: float, pool: list[dict]) -> list[examples.Example]:
    """Every document of ``pool`` spun by ``name`` at ``rate`` (cached)."""
    key = hashlib.sha1(json.dumps([GENERATOR_VERSION, name, rate, SEED, [d["id"] for d in pool],
                                   [len(d["text"]) for d in pool]]).encode()).hexdigest()[:16]
    path = CACHE / "rewriting" / f"{name}-{rate:.2f}-{key}.jsonl"
    if path.exists():
        return examples.load(path)
    spinner = _spinner(name)
    cell = [spinner.spin(d["id"], d["text"], rate, SEED) for d in pool]
    path.parent.mkdir(parents=True, exist_ok=True)
    examples.save(path, cell)
    return cell


def documents(split: str, spinners=UNKNOWN, rates=RATES, limit: int | None = None) -> list[Doc]:
    """Clean and spun documents of ``split``; ``limit`` keeps the first documents of each list (quick runs)."""
    pool, clean = split_sources(split)
    pool, clean = pool[:limit], clean[:limit]
    docs = [Doc(ex.id, ex.spun, 0) for ex in clean]
    for name in spinners:
        for rate in rates:
            for ex in spun_cell(name, rate, pool):
                docs.append(Doc(f"{ex.id}/{name}/{rate:.2f}", ex.spun, 1, name, rate,
                                round(ex.meta.get("achieved_rate", 0.0), 4)))
    return docs
