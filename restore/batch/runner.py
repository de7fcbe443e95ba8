"""The run: reader, worker pool, ordered writing, checkpoints and resume."""

from __future__ import annotations

import collections
import concurrent.futures as cf
import dataclasses
import json
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass
from typing import Iterator

from ..errors import InputError, SettingsError
from ..outfile import atomic_write_bytes, is_special
from .inputs import InputFile, Reader, expand_inputs
from .outputs import output_format
from .parallel import _restore_texts, restore_parallel  # noqa: F401  (importable from here, as before)
from .records import (CHUNK_BYTES, DEFAULT_CHECKPOINT_EVERY, DEFAULT_CHUNK_RECORDS, DEFAULT_MAX_RECORD_BYTES,
    Job, MAIN, MODES, SIDE, STATE_VERSION, SetupError, Stats, TEXT, Outcome, encode_json_line, failed,
    process_chunk)
from .report import Summary, _count, _PlainBar, _Progress  # noqa: F401  (importable from here, as before)
from .targets import (_check_paths, _identity, _make_output, _state_path, _written_paths,  # noqa: F401
                      added_columns)


def _load_trim():
    try:
        import ctypes
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError, ImportError):  # not glibc
        return None


_malloc_trim = _load_trim() if sys.platform.startswith("linux") else None


def _trim_heap() -> None:
    """Hand freed heap pages back to the system, so that a long run's memory stays flat (glibc only)."""
    if _malloc_trim is not None:
        _malloc_trim(0)


@dataclass
class Options:
    """Everything :func:`run` accepts besides inputs and output (see ``restore batch --help``)."""

    job: Job = Job()
    input_format: str = "auto"
    output_format: str = "auto"
    spun_output: str | None = None
    jobs: int = 1
    unordered: bool = False
    resume: bool = False
    chunk_records: int = DEFAULT_CHUNK_RECORDS
    checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    progress: bool | None = None           # None: only on a terminal
    dask: str | None = None                # scheduler address, or "local"
    executor: cf.Executor | None = None    # bring your own (e.g. a dask Client's get_executor())


def _fingerprint(files: list[InputFile], job: Job, options: Options, fmt: str, compression) -> dict:
    return {"inputs": [[f.path, f.size, f.mtime_ns, f.fmt] for f in files],
            "job": json.loads(json.dumps(dataclasses.asdict(job), default=str)),
            "output": [fmt, compression], "spun_output": options.spun_output,
            "unordered": options.unordered, "checkpoint_every": options.checkpoint_every,
            "max_record_bytes": options.max_record_bytes}



def run(inputs: list[str] | str, output: str, options: Options | None = None, **kwargs) -> Summary:
    """Clean a corpus: read ``inputs`` (files/folders), write ``output``; returns the run's Summary.

    Options come as an :class:`Options` object or as its keyword names (``jobs=2``, ``resume=True``, ...);
    :class:`Job` fields may also be passed as keywords (``mode="filter"``, ``max_spin=0.2``, ``field=...``,
    ``spec=RestorerSpec(...)``).
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [str(inputs)]
    options = options or Options()
    job_fields = {f.name for f in dataclasses.fields(Job)}
    job_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in job_fields}
    if job_kwargs:
        options = dataclasses.replace(options, job=dataclasses.replace(options.job, **job_kwargs))
    if kwargs:
        options = dataclasses.replace(options, **kwargs)
    job = options.job
    if job.mode not in MODES:
        raise SettingsError(f"mode must be one of {MODES}")
    files = expand_inputs(inputs, options.input_format)
    fmt, compression = output_format(output, options.output_format, files)
    if fmt == "text" and not all(f.fmt == "text" for f in files):
        raise InputError("a folder output takes plain-text inputs only; write JSONL, CSV or Parquet instead")
    if fmt == "text" and job.mode == "detect":
        raise InputError("--mode detect writes scores, not text: give a .jsonl, .csv or .parquet output")
    if fmt == "text":
        rels = [f.rel for f in files]
        if len(set(rels)) != len(rels):
            raise InputError("two inputs have the same relative path; a folder output needs distinct ones")
    if options.spun_output and job.mode != "filter":
        raise InputError("--spun-output goes with --mode filter")
    side_fmt = side_compression = None
    if options.spun_output:
        side_fmt, side_compression = output_format(options.spun_output, "auto", files)
    _check_paths(files, list(inputs), [(output, fmt)] + ([(options.spun_output, side_fmt)] if options.spun_output else []))
    job = dataclasses.replace(job, route_spun=bool(options.spun_output),
                              encode_jsonl=fmt == "jsonl" and side_fmt in (None, "jsonl"))
    if (output == "-" or is_special(output)) and options.resume:
        raise InputError("--resume needs an output file, not standard output, a pipe or a device")
    return _Run(files, output, fmt, compression, side_fmt, side_compression, job, options).execute()


class _Run:
    def __init__(self, files, output, fmt, compression, side_fmt, side_compression, job: Job, options: Options):
        self.files = files
        self.output = output
        self.fmt = fmt
        self.job = job
        self.options = options
        self.outputs = [_make_output(output, fmt, compression, job)]
        if options.spun_output:
            self.outputs.append(_make_output(options.spun_output, side_fmt, side_compression, job))
        self.state_path = None if output == "-" or is_special(output) else _state_path(output, fmt)
        self.fingerprint = _fingerprint(files, job, options, fmt, compression)
        self.stats = Stats()
        self.low = 0              # every index below has been written
        self.extra: set[int] = set()  # indices at or above ``low`` written already (unordered mode)
        self.since_checkpoint = 0
        self.saved = 0

    # -- state ----------------------------------------------------------------------------------------
    def _load_state(self) -> dict | None:
        if self.state_path is None or not self.state_path.exists():
            return None
        try:
            return json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise InputError(f"{self.state_path}: unreadable checkpoint; start afresh without --resume") from None

    def _save_state(self, outputs_state: list[dict], finished: bool = False) -> None:
        if self.state_path is None:
            return
        state = {"version": STATE_VERSION, "fingerprint": self.fingerprint, "low": self.low,
                 "extra": sorted(self.extra), "stats": dataclasses.asdict(self.stats),
                 "outputs": outputs_state, "finished": finished}
        atomic_write_bytes(self.state_path, json.dumps(state).encode("utf-8"))

    def _checkpoint(self, finished: bool = False) -> None:
        self._save_state([o.checkpoint() for o in self.outputs], finished)
        self.saved = self.stats.documents  # what --resume starts from (the interrupt message says so)
        self.since_checkpoint = 0
        _trim_heap()

    # -- main loop ------------------------------------------------------------------------------------
    def execute(self) -> Summary:
        started = time.monotonic()
        state = self._load_state() if self.options.resume else None
        resumed_at = 0
        if self.options.resume and state is None:
            print("restore batch: nothing to resume; starting from the beginning", file=sys.stderr)
        if state is not None:
            if state.get("version") != STATE_VERSION or state.get("fingerprint") != self.fingerprint:
                raise InputError("cannot resume: the inputs or options differ from the interrupted run's "
                                 "(run again without --resume to start afresh)")
            if state.get("finished"):  # interrupted while renaming: finish that
                for o in self.outputs:
                    if o.has_partial():
                        o.finalize()
                self.state_path.unlink()
                self.stats = Stats(**state["stats"])
                return self._summary(started, 0)
            self.low, self.extra = state["low"], set(state["extra"])
            self.stats = Stats(**state["stats"])
            resumed_at = self.stats.documents
        elif self.state_path is not None and self.state_path.exists():
            print("restore batch: discarding the partial output of an interrupted run (use --resume to continue it)",
                  file=sys.stderr)
            self.state_path.unlink()
        for i, o in enumerate(self.outputs):
            o.open(state["outputs"][i] if state else None)
        if state is None:
            self._checkpoint()
        reader = Reader(self.files, field=self.job.field, error_field=self.job.error_field,
                        max_record_bytes=self.options.max_record_bytes)
        progress = self.options.progress
        if progress is None:
            progress = sys.stderr.isatty()
        bar = _Progress(reader.total_bytes, progress)
        self._guarded_loop(reader, bar)
        bar.update(reader.total_bytes, self.stats, force=True)
        bar.close()
        self._checkpoint(finished=True)
        for o in self.outputs:
            o.finalize()
        if self.state_path is not None and self.state_path.exists():
            self.state_path.unlink()
        return self._summary(started, resumed_at)

    def _guarded_loop(self, reader: Reader, bar: _Progress) -> None:
        """The loop, and what each way of stopping early leaves behind for a later --resume (or not)."""
        try:
            self._loop(reader, bar)
        except KeyboardInterrupt:  # the last checkpoint stands; --resume continues from there
            bar.close()
            for o in self.outputs:
                o.close()
            saved = f"{self.saved:,} documents are saved" if self.state_path is not None else "no resume"
            print(f"\nrestore batch: interrupted after {self.stats.documents:,} documents ({saved} at the last "
                  "checkpoint); run the same command with --resume to continue from there", file=sys.stderr)
            raise
        except InputError:  # e.g. a Parquet column changing type: running again cannot help, so no resume
            bar.close()
            for o in self.outputs:
                o.discard()
            if self.state_path is not None and self.state_path.exists():
                self.state_path.unlink()
            raise
        except BaseException:
            bar.close()
            for o in self.outputs:
                o.close()
            raise

    def _summary(self, started: float, resumed_at: int) -> Summary:
        return Summary(**dataclasses.asdict(self.stats), seconds=time.monotonic() - started,
                       resumed_at=resumed_at, max_spin=self.job.max_spin)

    def _items(self, reader: Reader) -> Iterator[tuple]:
        low, extra = self.low, set(self.extra)
        for item in reader:
            index = item[0]
            if index < low or index in extra:
                continue
            yield item

    def _chunks(self, reader: Reader) -> Iterator[list[tuple]]:
        chunk, size = [], 0
        limit = max(1, self.options.chunk_records)
        for item in self._items(reader):
            chunk.append(item)
            data = item[2]
            size += len(data) if isinstance(data, bytes) else (len(data[1]) if item[1] == TEXT else 256)
            if len(chunk) >= limit or size >= CHUNK_BYTES:
                yield chunk
                chunk, size = [], 0
        if chunk:
            yield chunk

    def _write(self, results: list[tuple[int, Outcome]]) -> None:
        every = max(1, self.options.checkpoint_every)
        main, side = self.outputs[0], self.outputs[1] if len(self.outputs) > 1 else None
        batch_main, batch_side = [], []
        for index, out in results:
            if out.dest == MAIN:
                batch_main.append(out.record)
            elif out.dest == SIDE:
                batch_side.append(out.record)
            self.stats.add(out.words, out.edits, out.spun, out.error, out.dest)
            if index == self.low:
                self.low += 1
                while self.low in self.extra:
                    self.extra.discard(self.low)
                    self.low += 1
            else:
                self.extra.add(index)
            self.since_checkpoint += 1
            if self.since_checkpoint >= every:
                self._flush(main, side, batch_main, batch_side)
                batch_main, batch_side = [], []
                self._checkpoint()
        self._flush(main, side, batch_main, batch_side)

    @staticmethod
    def _flush(main, side, batch_main, batch_side) -> None:
        if batch_main:
            main.write(batch_main)
        if batch_side and side is not None:
            side.write(batch_side)

    def _loop(self, reader: Reader, bar: _Progress) -> None:
        job = self.job
        executor, owned, cleanup, workers = self._executor()
        try:
            if executor is None:
                for chunk in self._chunks(reader):
                    self._write(process_chunk(job, chunk))
                    bar.update(reader.position, self.stats)
                return
            window = max(2, 3 * workers)
            chunks = self._chunks(reader)
            if self.options.unordered:
                pending: set = set()
                exhausted = False
                while True:
                    while not exhausted and len(pending) < window:
                        chunk = next(chunks, None)
                        if chunk is None:
                            exhausted = True
                            break
                        pending.add(self._submit(executor, chunk))
                    if not pending:
                        break
                    done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                    for fut in sorted(done, key=lambda f: f.first_index):
                        self._write(self._result(fut))
                    bar.update(reader.position, self.stats)
            else:
                queue: collections.deque = collections.deque()
                for chunk in chunks:
                    queue.append(self._submit(executor, chunk))
                    while len(queue) >= window:
                        self._write(self._result(queue.popleft()))
                        bar.update(reader.position, self.stats)
                while queue:
                    self._write(self._result(queue.popleft()))
                    bar.update(reader.position, self.stats)
        finally:
            if owned:
                executor.shutdown(wait=True, cancel_futures=True)
            if cleanup:
                cleanup()

    def _submit(self, executor, chunk):
        fut = executor.submit(process_chunk, self.job, chunk)
        fut.chunk = chunk
        fut.first_index = chunk[0][0]
        return fut

    def _result(self, fut) -> list[tuple]:
        try:
            return fut.result()
        except SetupError as exc:
            raise InputError(str(exc)) from None
        except cf.process.BrokenProcessPool:
            raise RuntimeError("a worker process died (out of memory?); the output so far is saved: "
                               "run the same command with --resume to continue") from None
        except Exception as exc:  # the chunk as a whole failed: every record in it gets the error
            message = f"worker failed: {type(exc).__name__}: {exc}"
            return [(index, failed(self._error_payload({self.job.error_field: message, "source": source})))
                    for index, _, _, source in fut.chunk]

    def _error_payload(self, record: dict):
        if self.job.encode_jsonl:
            return encode_json_line(record)
        return record

    def _executor(self):
        """(executor or None for in-process, whether we own it, cleanup callable, number of workers)."""
        jobs = max(1, self.options.jobs)
        if self.options.executor is not None:
            return self.options.executor, False, None, jobs
        if self.options.dask:
            from ..dask import cluster_executor
            return cluster_executor(self.options.dask, jobs)
        if jobs <= 1:
            return None, False, None, 1
        context = multiprocessing.get_context("spawn")
        return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=context), True, None, jobs
