"""What every scorer shares at run time: torch on demand, thread sizing, parallel batches, the cache folder.

torch and transformers are optional (the ``neural`` extra), so they are imported only when a scorer is
built (:func:`_torch`), with an install hint when they are missing.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from pathlib import Path
from typing import Callable, Sequence

from ..errors import NeuralUnavailable, SettingsError

NEURAL_EXTRA = "pip install 'restore[neural]'"


def _torch():
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as exc:
        raise NeuralUnavailable(f"neural language models need torch and transformers: {NEURAL_EXTRA}") from exc
    # The key/value cache is passed as ``past_key_values``, which every supported transformers release
    # accepts; newer ones warn on each call that it will be renamed.
    warnings.filterwarnings("ignore", message=r".*past_key_values.* is deprecated", category=FutureWarning)
    return torch


def cache_dir() -> Path:
    """Where converted models are kept: $RESTORE_CACHE, else $XDG_CACHE_HOME/restore, else ~/.cache/restore."""
    if os.environ.get("RESTORE_CACHE"):
        return Path(os.environ["RESTORE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "restore"


def set_threads(threads: int | None = None) -> int:
    """How many batches the scorers run at once: ``threads``, else $RESTORE_THREADS, else the cores this
    process may run on (its CPU affinity). Returns that number of workers.

    Each worker runs its batch on one torch thread (torch's intra-op pool is set to 1). A batch's
    arithmetic is then the same whatever the number of workers -- an intra-op pool splits sums
    differently for different sizes, and the last bits of a score decided close calls differently, so
    results depended on the machine's load -- and independent workers never wait for each other at every
    operation, as an over-subscribed intra-op pool does on a busy machine.
    """
    torch = _torch()
    if threads is None and os.environ.get("RESTORE_THREADS"):
        try:
            threads = int(os.environ["RESTORE_THREADS"])
        except ValueError:
            raise SettingsError(f"RESTORE_THREADS={os.environ['RESTORE_THREADS']!r}: expected a whole number") from None
    if threads is None:
        try:
            threads = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            threads = os.cpu_count() or 1
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)
    return max(1, int(threads))


def run_batches(fn: Callable, jobs: Sequence, workers: int, done: Callable | None = None) -> None:
    """``fn(job)`` for every job, on up to ``workers`` threads (torch releases the GIL inside its
    operations), each under ``torch.inference_mode`` (a per-thread setting); ``done(job)`` after each,
    in the calling thread. The jobs' results must not depend on their order (each writes its own slots)."""
    torch = _torch()

    def call(job):
        with torch.inference_mode():
            fn(job)
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            call(job)
            if done is not None:
                done(job)
        return
    from concurrent.futures import ThreadPoolExecutor, as_completed
    with ThreadPoolExecutor(max_workers=min(workers, len(jobs)), thread_name_prefix="restore-neural") as pool:
        futures = {pool.submit(call, job): job for job in jobs}
        for future in as_completed(futures):
            future.result()
            if done is not None:
                done(futures[future])


_TOKENIZE = threading.Lock()  # a fast tokenizer is not safe to share between threads without one


def _bf16_ok() -> bool:
    """Whether this CPU has native bfloat16 dot products (then bf16 weights are both smaller and faster)."""
    torch = _torch()
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except Exception:  # pragma: no cover - very old torch or no oneDNN
        return False


def _note(msg: str) -> None:
    print(f"restore: {msg}", file=sys.stderr, flush=True)
