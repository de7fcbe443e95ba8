"""Parallel streaming for a scraper's loop: ``Restorer.restore_many`` on worker processes."""

from __future__ import annotations

import collections
import concurrent.futures as cf
import multiprocessing
from typing import Iterable, Iterator

from .records import RestorerSpec, restorer_for


def restore_parallel(texts: Iterable[str], *, jobs: int = 2, spec: RestorerSpec | None = None,
                     chunk: int = 16, ordered: bool = True) -> Iterator:
    """Like ``Restorer.restore_many`` but on ``jobs`` worker processes; yields Restorations (input order).

    Memory stays bounded: at most ``3 * jobs`` chunks of ``chunk`` texts are in flight.
    """
    spec = spec or RestorerSpec()
    if jobs <= 1:
        restorer = restorer_for(spec)
        for text in texts:
            yield restorer.restore(text)
        return
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        pending: collections.deque = collections.deque()
        batch: list[str] = []

        def drain(limit: int):
            while len(pending) > limit:
                yield from pending.popleft().result()

        for text in texts:
            batch.append(text)
            if len(batch) >= chunk:
                pending.append(pool.submit(_restore_texts, spec, batch))
                batch = []
                yield from drain(3 * jobs)
        if batch:
            pending.append(pool.submit(_restore_texts, spec, batch))
        yield from drain(0)


def _restore_texts(spec: RestorerSpec, texts: list[str]) -> list:
    restorer = restorer_for(spec)
    return [restorer.restore(t) for t in texts]
