"""The heavy steps of linking as tasks: MinHash signatures by chunks of records, verification by chunks of
candidate pairs. ``restore learn -j N`` runs them on worker processes, ``--dask`` on the workers of
``restore batch --dask`` (a local cluster or a scheduler's); without an executor they run in this process.

The banding itself stays here: a band of a signature is a few bytes, and grouping records by band value
is a dictionary look-up per band and record, so the driver needs the signatures only (240 numbers a
record, 2 KB), never the texts, for this step. Each task's result depends on its input alone, and the
pieces are put back in input order, so every way of running gives the same links.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Iterable

CHUNK_RECORDS = 512     # records a signature task hashes (memory stays flat: one chunk's bigram sets)
CHUNK_PAIRS = 2000      # candidate pairs a verification task aligns (about a second of work)

_lm = None


def _worker_lm():
    """The trigram model of this process, loaded once (a task must not reload it)."""
    global _lm
    if _lm is None:
        from .lm import NgramLM
        _lm = NgramLM()
    return _lm


def signature_chunk(norm_lists: list[list[str]], num_perm: int, shingles: Callable | None = None,
                    seed: int = 1):
    """MinHash signatures (``len(norm_lists)`` x ``num_perm`` uint64) of the records' shingles: word
    bigrams (``restore.learn.bigrams``) unless another module-level function is given."""
    import numpy as np
    from datasketch import MinHash
    if shingles is None:
        from .learn import bigrams as shingles
    hashes = MinHash.bulk([shingles(n) for n in norm_lists], num_perm=num_perm, seed=seed)
    return np.stack([h.hashvalues for h in hashes]) if hashes else np.zeros((0, num_perm), dtype="uint64")


def verify_chunk(items: list[tuple[int, int, list[str], list[str]]], min_similarity: float) -> list[tuple]:
    """``(i, j, similarity, votes i, votes j, log-ratio)`` of each pair that shares enough wording."""
    from .learn import blocks, direction_votes, similarity
    lm = _worker_lm()
    out = []
    for i, j, a, b in items:
        ops = blocks(a, b)
        sim = similarity(a, b, ops)
        if sim >= min_similarity:
            out.append((i, j, sim, *direction_votes(lm, a, b, ops)))
    return out


# Set by the command line (``restore learn`` on a terminal): a label per step and a bar over its chunks.
show_progress = False


def _mapped(executor, fn: Callable, chunks: list, *args, label: str = "") -> Iterable:
    results = ((fn(c, *args) for c in chunks) if executor is None
               else executor.map(fn, chunks, *([a] * len(chunks) for a in args)))
    if not show_progress or len(chunks) < 2:
        return results
    try:
        from tqdm import tqdm
    except ImportError:
        return results
    return tqdm(results, total=len(chunks), desc=f"restore learn: {label}", unit="chunk", leave=False,
                file=sys.stderr, dynamic_ncols=True)


def signatures(norm_lists: list[list[str]], num_perm: int, executor: Any = None, shingles: Callable | None = None,
               seed: int = 1):
    """Signatures of every record, in order, computed by chunks (on ``executor`` when given)."""
    import numpy as np
    chunks = [norm_lists[k:k + CHUNK_RECORDS] for k in range(0, len(norm_lists), CHUNK_RECORDS)]
    parts = list(_mapped(executor, signature_chunk, chunks, num_perm, shingles, seed, label="signatures"))
    return np.concatenate(parts) if parts else np.zeros((0, num_perm), dtype="uint64")


def banded_pairs(values, bands: int, rows: int) -> list[tuple[int, int]]:
    """Pairs of rows of ``values`` equal in at least one band of ``rows`` hashes (each pair once, sorted):
    what an LSH index with these bands proposes."""
    pairs: set[tuple[int, int]] = set()
    for band in range(bands):
        buckets: dict[bytes, list[int]] = {}
        block = values[:, band * rows:(band + 1) * rows]
        for i in range(len(values)):
            buckets.setdefault(block[i].tobytes(), []).append(i)
        for members in buckets.values():
            if len(members) > 1:
                pairs.update((a, b) for x, a in enumerate(members) for b in members[x + 1:])
    return sorted(pairs)


def similar_pairs(values, bands: int, rows: int, min_jaccard: float) -> tuple[list[tuple[int, int]], int]:
    """The banded pairs whose signatures estimate a Jaccard of ``min_jaccard`` or more (sorted), and how
    many pairs the bands proposed."""
    banded = banded_pairs(values, bands, rows)
    return [(i, j) for i, j in banded if (values[i] == values[j]).mean() >= min_jaccard], len(banded)


def verify(pairs: list[tuple[int, int]], norms: Callable[[int], list[str]], min_similarity: float,
           executor: Any = None) -> dict[tuple[int, int], tuple]:
    """``{(i, j): (similarity, votes i, votes j, log-ratio)}`` of the verified ``pairs``."""
    chunks = [[(i, j, norms(i), norms(j)) for i, j in pairs[k:k + CHUNK_PAIRS]]
              for k in range(0, len(pairs), CHUNK_PAIRS)]
    edges = {}
    for part in _mapped(executor, verify_chunk, chunks, min_similarity, label="alignments"):
        for i, j, *edge in part:
            edges[(i, j)] = tuple(edge)
    return edges
