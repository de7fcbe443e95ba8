"""Restore corpora on a Dask cluster: bags, dataframes, and ``restore batch --dask``.

    >>> import dask.bag as db
    >>> import restore.dask
    >>> client = restore.dask.get_client()                      # a LocalCluster; or get_client("tcp://host:8786")
    >>> bag = db.read_text("corpus/*.jsonl.gz").map(json.loads)
    >>> restored = restore.dask.restore_bag(bag, field="text")   # records gain restored, spin_score
    >>> restored.map(json.dumps).to_textfiles("clean/*.jsonl.gz")

    >>> import dask.dataframe as dd
    >>> df = dd.read_parquet("corpus/")
    >>> clean = restore.dask.restore_dataframe(df, field="text", mode="filter", max_spin=0.03)
    >>> clean.to_parquet("clean/")

Each worker process builds its Restorer once (from a :class:`restore.batch.RestorerSpec`, sent instead of
the Restorer itself) and reuses it for every partition; threads of one worker share it. The workers need
``restore`` installed (``pip install 'restore[dask]'``). Records are processed exactly as ``restore batch``
does: a record that fails gets an ``error`` field instead of failing the partition.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from .api import MAX_SPIN
from .batch import DROP, Job, RestorerSpec, apply_job, restorer_for

__all__ = ["get_client", "restore_bag", "restore_partition", "restore_dataframe", "restore_records",
           "cluster_executor", "RestorerSpec"]


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise ImportError("restore.dask needs dask[distributed]: pip install 'restore[dask]'") from None
    return distributed


def get_client(address: str | None = None, *, n_workers: int | None = None, threads_per_worker: int = 1,
               processes: bool = True, **cluster_kwargs):
    """A ``distributed.Client``: to the scheduler at ``address``, or to a new LocalCluster.

    The LocalCluster gets ``n_workers`` worker processes (default: one per core) with
    ``threads_per_worker`` threads each; pass ``processes=False`` for an in-process cluster (tests,
    notebooks). Close the client (and its cluster) with ``client.close()`` / ``client.cluster.close()``.
    """
    distributed = _import_distributed()
    if address and address != "local":
        return distributed.Client(address)
    cluster_kwargs.setdefault("dashboard_address", None)
    cluster_kwargs.setdefault("silence_logs", logging.WARNING)
    cluster = distributed.LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker,
                                       processes=processes, **cluster_kwargs)
    return distributed.Client(cluster)


def _job(field: str | None, mode: str, restorer: RestorerSpec | dict | None, **kw) -> Job:
    if restorer is None:
        spec = RestorerSpec()
    elif isinstance(restorer, RestorerSpec):
        spec = restorer
    elif isinstance(restorer, dict):
        spec = RestorerSpec(**{k: tuple(v) if k == "lexicons" else v for k, v in restorer.items()})
    else:
        raise TypeError("restorer must be a RestorerSpec, a dict of its fields, or None for the default")
    return Job(spec=spec, mode=mode, field=field or "text", **kw)


def restore_records(records, job: Job) -> list[dict]:
    """Process records (dicts, or plain strings) with ``job``; filter mode leaves dropped ones out.

    A plain string becomes ``{"text": ...}`` (the job's field) before processing.
    """
    restorer = restorer_for(job.spec)
    out = []
    for rec in records:
        if not isinstance(rec, dict):
            rec = {job.field: rec}
        outcome = apply_job(restorer, job, rec)
        if outcome.dest != DROP:
            out.append(outcome.record)
    return out


def restore_bag(bag, *, field: str | None = None, mode: str = "restore", restorer: RestorerSpec | dict | None = None,
                restored_field: str | None = "restored", edits: bool = False, max_spin: float = MAX_SPIN,
                max_chars: int | None = None, error_field: str = "error"):
    """A bag of result records from a bag of texts or of dict records (lazy; call ``.compute()`` etc.).

    Each element (a string, or a dict whose ``field`` -- default "text" -- holds the text) becomes a dict
    with all its fields plus ``restored`` (or the text replaced in place with ``restored_field=None``),
    ``spin_score`` and, with ``edits=True``, ``edits``; ``mode="detect"`` adds just the score (and
    ``spans``); ``mode="filter"`` keeps only records scoring at most ``max_spin``. Records that cannot be
    processed get an ``error`` field. ``restorer`` picks the lexicons and model (a RestorerSpec).
    """
    kw = {} if max_chars is None else {"max_chars": max_chars}
    job = _job(field, mode, restorer, restored_field=restored_field, edits=edits, max_spin=max_spin,
               error_field=error_field, **kw)
    return bag.map_partitions(restore_records, job)


def restore_partition(df, field: str = "text", *, mode: str = "restore", restorer: RestorerSpec | dict | None = None,
                      restored_field: str | None = "restored", edits: bool = False, max_spin: float = MAX_SPIN,
                      max_chars: int | None = None, error_field: str = "error"):
    """Restore one pandas DataFrame: adds ``restored``, ``spin_score``, ``error`` (and ``edits`` as JSON).

    Usable on its own or through ``ddf.map_partitions`` (see :func:`restore_dataframe`). Filter mode
    drops the rows scoring above ``max_spin``. Errors (non-string cell, too long, ...) land in ``error``.
    """
    import pandas as pd

    kw = {} if max_chars is None else {"max_chars": max_chars}
    job = _job(field, mode, restorer, restored_field=restored_field, edits=edits, max_spin=max_spin,
               error_field=error_field, **kw)
    restorer_obj = restorer_for(job.spec) if len(df) else None
    out_field = job.restored_field or job.field
    extra_col = ("edits" if mode == "restore" else "spans") if edits else None
    texts, scores, extras, errors, keep = [], [], [], [], []
    column = df[field] if field in df.columns else [None] * len(df)
    for value in column:
        if value is None or (not isinstance(value, (str, list, dict, tuple)) and pd.isna(value) is True):
            record = {}  # missing (NaN / None): reported as a missing field
        else:
            record = {job.field: value}
        outcome = apply_job(restorer_obj, job, record)
        result = outcome.record
        keep.append(outcome.dest != DROP)
        texts.append(result.get(out_field) if mode == "restore" else None)
        scores.append(result.get("spin_score"))
        extras.append(json.dumps(result[extra_col], ensure_ascii=False) if extra_col and extra_col in result else None)
        errors.append(result.get(error_field))
    out = df.copy()
    if mode == "restore":
        out[out_field] = pd.Series(texts, index=df.index, dtype=object)
    out["spin_score"] = pd.Series([float("nan") if s is None else s for s in scores], index=df.index, dtype="float64")
    if extra_col:
        out[extra_col] = pd.Series(extras, index=df.index, dtype=object)
    out[error_field] = pd.Series(errors, index=df.index, dtype=object)
    if mode == "filter":
        out = out[pd.Series(keep, index=df.index, dtype=bool)]
    return out


def restore_dataframe(ddf, field: str = "text", **options):
    """``ddf.map_partitions(restore_partition, ...)`` with the right ``meta``; see :func:`restore_partition`."""
    meta = restore_partition(ddf._meta, field, **options)
    return ddf.map_partitions(restore_partition, field, meta=meta, **options)


def _without_sigint(start):
    """``start()`` with SIGINT ignored, so that the processes it spawns inherit that (main thread only)."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        return start()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return start()
    finally:
        signal.signal(signal.SIGINT, previous)


def cluster_executor(address: str | None, workers: int = 1) -> tuple[Any, bool, Any, int]:
    """For ``restore batch --dask``: (concurrent.futures executor, owned, cleanup, number of workers).

    ``address`` "local" (or None) starts a LocalCluster of ``workers`` processes, one thread each.
    """
    if address in (None, "local"):
        # A Ctrl-C reaches every process of the terminal's group. The run handles it in this process
        # (checkpoint kept, cluster closed); worker processes that saw it too would print tracebacks
        # of the tasks it cancelled. So they start with SIGINT ignored (inherited). Their logs are silenced
        # too: on a loaded machine a worker's heartbeat can meet the scheduler closing and log an ERROR
        # with a traceback; a task that fails reaches this process as its exception anyway.
        client = _without_sigint(lambda: get_client(address, n_workers=max(1, workers),
                                                    silence_logs=logging.CRITICAL))
    else:
        client = get_client(address)
    if address not in (None, "local"):
        client.wait_for_workers(1, timeout=60)
    n = max(1, sum(client.nthreads().values()))

    def cleanup():
        cluster = client.cluster if address in (None, "local") else None
        client.close()
        if cluster is not None:
            cluster.close()

    return client.get_executor(pure=False), False, cleanup, n
