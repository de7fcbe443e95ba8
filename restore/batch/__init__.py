"""Corpus-scale cleaning: ``restore batch INPUT... -o OUTPUT`` and its Python API, :func:`run`.

Reads plain-text files and folders, JSONL (also ``.gz`` / ``.zst``), CSV and Parquet; streams records
through a pool of worker processes (each builds its Restorer once) with bounded memory; writes JSONL, CSV,
Parquet or a folder of text files.

Guarantees:

* inputs are only ever read;
* output goes to a hidden partial file next to the target, renamed over the target when the run ends;
* one output record per input record, in input order (``--unordered`` writes in completion order);
* a record that cannot be processed (invalid JSON, missing or non-string field, NUL bytes, invalid UTF-8,
  too long) is written with an ``error`` field instead of stopping the run;
* the run checkpoints every ``--checkpoint-every`` records; ``--resume`` truncates the partial output to
  the last checkpoint and carries on, so an interrupted-and-resumed run writes exactly the bytes of an
  uninterrupted one (also for compressed outputs);
* the output does not depend on ``-j``, chunk sizes or timing.

The stages, one module each: ``records`` (the job a worker runs and the per-record checks), ``inputs``
(files, formats, chunked reading), ``outputs`` and ``parquet`` (partial files cut back to a checkpoint),
``targets`` (which output objects a run writes through, and the paths they may not touch), ``runner`` (the
pool, ordering, checkpoints, resume), ``report`` (progress bar and summary), ``parallel``
(:func:`restore_parallel`), ``command`` (``restore batch``). See docs/batch.md for the formats and options.
"""

from .command import add_batch_parser, cmd_batch
from .inputs import InputFile, Reader, expand_inputs, split_suffix
from .outputs import FolderOutput, ParquetOutput, StdoutOutput, StreamOutput, output_format
from .parallel import restore_parallel
from .outputs import Output
from .records import (DROP, MAIN, MANIFEST, MODES, SIDE, STATE_VERSION, Job, Outcome, RestorerSpec, SetupError,
                      Stats, apply_job, process_chunk, restorer_for)
from .report import Summary
from .runner import Options, _Run, run  # noqa: F401  (_Run: for tests)

__all__ = ["DROP", "MAIN", "MANIFEST", "MODES", "SIDE", "STATE_VERSION", "FolderOutput", "InputFile", "Job",
           "Options", "Outcome", "Output", "ParquetOutput", "Reader", "RestorerSpec", "SetupError", "Stats", "StdoutOutput",
           "StreamOutput", "Summary", "add_batch_parser", "apply_job", "cmd_batch", "expand_inputs",
           "output_format", "process_chunk", "restore_parallel", "restorer_for", "run", "split_suffix"]
