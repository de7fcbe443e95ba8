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

See docs/batch.md for the formats and options.
"""

from __future__ import annotations

import argparse
import base64
import codecs
import collections
import concurrent.futures as cf
import csv
import dataclasses
import gzip
import io
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .cli import EXIT_INPUT, EXIT_OK, EXIT_USAGE, InputError, atomic_write_bytes

STATE_VERSION = 1
MODES = ("restore", "detect", "filter")
INPUT_FORMATS = ("auto", "text", "jsonl", "csv", "parquet")
OUTPUT_FORMATS = ("auto", "jsonl", "csv", "parquet", "text")
DEFAULT_MAX_CHARS = 200_000
DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024
DEFAULT_CHECKPOINT_EVERY = 2000
DEFAULT_CHUNK_RECORDS = 64
CHUNK_BYTES = 1 << 20
MANIFEST = ".restore-manifest.jsonl"

# Item kinds travelling from the reader to the workers (plain tuples: cheap to pickle).
LINE, TEXT, RECORD, ERROR = 0, 1, 2, 3
# Destinations of a processed record.
MAIN, SIDE, DROP = 0, 1, 2


# --------------------------------------------------------------------------------------------------------
# What a worker needs to know


@dataclass(frozen=True)
class RestorerSpec:
    """How to build a Restorer in a worker process (a Restorer itself is not sent between processes).

    ``lexicon_only`` uses just the ``lexicons`` files instead of the bundled lexicons -- handy for small,
    fast restorers in tests and for specialised lists.
    """

    lm: str = "ngram"
    lexicons: tuple[str, ...] = ()
    lexicon_only: bool = False
    wordnet: bool = True
    min_confidence: float = 0.5

    def build(self):
        from .api import Restorer
        from .lexicon import Lexicon
        if self.lexicon_only:
            lexicon = Lexicon()
            for path in self.lexicons:
                lexicon.load(path)
            return Restorer(self.lm, lexicon=lexicon, min_confidence=self.min_confidence)
        return Restorer(self.lm, lexicons=self.lexicons, wordnet=self.wordnet, min_confidence=self.min_confidence)


@dataclass(frozen=True)
class Job:
    """How to turn one input record into an output record."""

    spec: RestorerSpec = RestorerSpec()
    mode: str = "restore"
    field: str = "text"
    restored_field: str | None = "restored"   # None: write the restored text over ``field``
    edits: bool = False                       # add ``edits`` (restore) / ``spans`` (detect, filter)
    max_spin: float = 0.3
    max_chars: int = DEFAULT_MAX_CHARS
    error_field: str = "error"
    route_spun: bool = False                  # filter: send spun records to the side output (else drop)
    encode_jsonl: bool = False                # workers return finished JSONL lines


_restorers: dict[RestorerSpec, Any] = {}
_restorers_lock = threading.Lock()


def restorer_for(spec: RestorerSpec):
    """The Restorer of ``spec`` for this process, built on first use and kept (thread-safe)."""
    with _restorers_lock:
        restorer = _restorers.get(spec)
        if restorer is None:
            restorer = _restorers[spec] = spec.build()
        return restorer


# --------------------------------------------------------------------------------------------------------
# Processing records (runs in the workers)


@dataclass
class Stats:
    documents: int = 0
    words: int = 0
    edits: int = 0
    spun: int = 0
    errors: int = 0
    dropped: int = 0
    routed: int = 0

    def add(self, words: int, edits: int, spun: int, error: int, dest: int) -> None:
        self.documents += 1
        self.words += words
        self.edits += edits
        self.spun += spun
        self.errors += error
        self.dropped += dest == DROP
        self.routed += dest == SIDE


class SetupError(RuntimeError):
    """A worker could not build its Restorer (bad lexicon or model): fatal for the run."""


def process_chunk(job: Job, items: list[tuple]) -> list[tuple]:
    """Process a chunk of reader items; returns ``(index, dest, payload, words, edits, spun, error)``."""
    try:
        restorer = restorer_for(job.spec)
    except Exception as exc:
        raise SetupError(f"cannot build the restorer: {type(exc).__name__}: {exc}") from None
    out = []
    for index, kind, data, source in items:
        try:
            record, words, edits, spun, error, dest = _process_item(restorer, job, kind, data, source)
        except Exception as exc:  # a bug must not lose the record: report it on the record
            record = {job.error_field: f"internal error: {type(exc).__name__}: {exc}", "source": source}
            words = edits = spun = 0
            error, dest = 1, MAIN
        payload = encode_json_line(record) if job.encode_jsonl else record
        out.append((index, dest, payload, words, edits, spun, error))
    return out


def _process_item(restorer, job: Job, kind: int, data, source: str):
    err = job.error_field
    if kind == LINE:
        record = parse_json_line(data, source, err)
    elif kind == TEXT:
        rel, raw = data
        record = {"path": rel}
        text, problem = decode_text(raw)
        if problem:
            record[err] = problem
        else:
            record[job.field] = text
    elif kind == RECORD:
        record = dict(data)
    else:
        record = dict(data)
    if err in record and kind != RECORD:
        return record, 0, 0, 0, 1, MAIN
    return apply_job(restorer, job, record)


def apply_job(restorer, job: Job, record: dict):
    """Restore/detect/filter one record in place of a copy; returns (record, words, edits, spun, error, dest)."""
    record = dict(record)
    text = record.get(job.field, _MISSING)
    problem = check_text(text, job.field, job.max_chars)
    if problem:
        record[job.error_field] = problem
        return record, 0, 0, 0, 1, MAIN
    try:
        if job.mode == "restore":
            result = restorer.restore(text)
            record[job.restored_field or job.field] = result.text
            record["spin_score"] = round(result.spin_score, 4)
            if job.edits:
                record["edits"] = [e.to_dict() for e in result.edits]
            n_edits = len(result.edits)
            score = result.spin_score
        else:
            detection = restorer.detect(text)
            record["spin_score"] = round(detection.spin_score, 4)
            if job.edits:
                record["spans"] = [s.to_dict() for s in detection.spans]
            n_edits = 0
            score = detection.spin_score
    except Exception as exc:
        record[job.error_field] = f"{type(exc).__name__}: {exc}"
        return record, 0, 0, 0, 1, MAIN
    spun = int(score > job.max_spin)
    dest = MAIN
    if job.mode == "filter" and spun:
        dest = SIDE if job.route_spun else DROP
    return record, len(text.split()), n_edits, spun, 0, dest


_MISSING = object()


def check_text(text, name: str, max_chars: int) -> str | None:
    """Why ``text`` cannot be processed, or None."""
    if text is _MISSING:
        return f"missing field {name!r}"
    if not isinstance(text, str):
        return f"field {name!r} is {type(text).__name__}, not a string"
    if len(text) > max_chars:
        return f"text too long ({len(text):,} characters; the limit is {max_chars:,}, see --max-chars)"
    if "\x00" in text:
        return "text contains NUL bytes (binary data?)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"text is not valid UTF-8 (undecodable data at character {exc.start})"
    return None


def decode_text(raw: bytes) -> tuple[str | None, str | None]:
    """UTF-8 text of a plain-text file: (text, None) or (None, why not)."""
    if b"\x00" in raw:
        return None, "looks like binary data (contains NUL bytes)"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not valid UTF-8 (byte {exc.start})"
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None


def parse_json_line(line: bytes, source: str, err: str) -> dict:
    """A JSON object from one line, or an error record keeping the raw line."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return {err: f"not valid UTF-8 (byte {exc.start})", "source": source,
                "raw_base64": base64.b64encode(line.rstrip(b"\r\n")).decode("ascii")}
    try:
        value = json.loads(text)
    except ValueError as exc:
        return {err: f"invalid JSON: {exc}", "source": source, "raw": text.rstrip("\r\n")}
    if not isinstance(value, dict):
        return {err: f"not a JSON object but {type(value).__name__}", "source": source, "raw": text.rstrip("\r\n")}
    return value


def _json_default(value):
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def encode_json_line(record: dict) -> bytes:
    """One JSONL line; lone surrogates (from "\\ud800" escapes) are kept as escapes."""
    text = json.dumps(record, ensure_ascii=False, default=_json_default)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = json.dumps(record, ensure_ascii=True, default=_json_default).encode("ascii")
    return data + b"\n"


def _scalar(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return value


# --------------------------------------------------------------------------------------------------------
# Inputs


COMPRESSIONS = {".gz": "gz", ".gzip": "gz", ".zst": "zst", ".zstd": "zst"}
INPUT_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl", ".json": "jsonl",
                  ".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def split_suffix(path: str | os.PathLike) -> tuple[str | None, str | None]:
    """(format, compression) told by a file name: 'a.jsonl.gz' -> ('jsonl', 'gz'); unknown -> (None, ...)."""
    name = Path(path).name.lower()
    compression = None
    stem, dot, ext = name.rpartition(".")
    if dot and "." + ext in COMPRESSIONS:
        compression = COMPRESSIONS["." + ext]
        name = stem
    stem, dot, ext = name.rpartition(".")
    fmt = INPUT_SUFFIXES.get("." + ext) if dot else None
    return fmt, compression


@dataclass(frozen=True)
class InputFile:
    path: str          # as found on disk
    rel: str           # for text inputs: the record's "path" (relative to the folder given)
    fmt: str           # text, jsonl, csv, parquet
    compression: str | None
    size: int
    mtime_ns: int
    delimiter: str = ","


def expand_inputs(inputs: Iterable[str], fmt: str = "auto") -> list[InputFile]:
    """Files of the inputs in order; folders are walked recursively (sorted, hidden entries skipped)."""
    files: list[InputFile] = []
    for given in inputs:
        path = Path(given)
        if not path.exists():
            raise InputError(f"{given}: no such file or folder")
        if path.is_dir():
            found = []
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if not name.startswith("."):
                        found.append(Path(root) / name)
            for f in found:
                files.append(_input_file(f, f.relative_to(path).as_posix(), fmt))
        else:
            files.append(_input_file(path, path.name, fmt))
    return files


def _input_file(path: Path, rel: str, fmt: str) -> InputFile:
    told, compression = split_suffix(path)
    kind = (told or "text") if fmt == "auto" else fmt
    st = path.stat()
    delimiter = "\t" if kind == "csv" and ".tsv" in path.name.lower() else ","
    return InputFile(str(path), rel, kind, compression, st.st_size, st.st_mtime_ns, delimiter)


def open_binary(path: str, compression: str | None, raw):
    """A readable binary stream over ``raw`` (an open file), decompressing as needed."""
    if compression == "gz":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if compression == "zst":
        try:
            import zstandard
        except ImportError:
            raise InputError(f"{path}: reading .zst needs the zstandard package (pip install 'restore[batch]')") from None
        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True))
    return raw


class Reader:
    """Streams items ``(index, kind, data, source)`` from all inputs; ``position`` counts bytes consumed."""

    def __init__(self, files: list[InputFile], *, field: str = "text", error_field: str = "error",
                 max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> None:
        self.files = files
        self.field = field
        self.error_field = error_field
        self.max_record_bytes = max_record_bytes
        self.total_bytes = sum(f.size for f in files)
        self.position = 0
        self._done_bytes = 0

    def __iter__(self) -> Iterator[tuple]:
        index = 0
        for f in self.files:
            for kind, data, source in self._read(f):
                yield index, kind, data, source
                index += 1
            self._done_bytes += f.size
            self.position = self._done_bytes

    def _error(self, message: str, source: str) -> tuple:
        return ERROR, {self.error_field: message, "source": source}, source

    def _read(self, f: InputFile) -> Iterator[tuple]:
        try:
            if f.fmt == "text":
                yield from self._read_text(f)
            elif f.fmt == "jsonl":
                yield from self._read_jsonl(f)
            elif f.fmt == "csv":
                yield from self._read_csv(f)
            elif f.fmt == "parquet":
                yield from self._read_parquet(f)
            else:
                raise InputError(f"{f.path}: unknown input format {f.fmt!r}")
        except InputError:
            raise
        except (OSError, EOFError, ValueError, csv.Error) as exc:  # corrupt or truncated file: note it, go on
            yield self._error(f"{f.path}: cannot read further: {type(exc).__name__}: {exc}", f.path)
        except Exception as exc:  # e.g. pyarrow's errors for a damaged Parquet file
            if type(exc).__module__.startswith(("pyarrow", "zstandard", "zstd")):
                yield self._error(f"{f.path}: cannot read further: {type(exc).__name__}: {exc}", f.path)
            else:
                raise

    def _read_text(self, f: InputFile) -> Iterator[tuple]:
        if f.compression is None and f.size > self.max_record_bytes:
            yield ERROR, {"path": f.rel, self.error_field: f"file too large ({f.size:,} bytes; see --max-record-bytes)"}, f.rel
            return
        with open(f.path, "rb") as raw:
            stream = open_binary(f.path, f.compression, raw)
            data = stream.read(self.max_record_bytes + 1)
            if len(data) > self.max_record_bytes:
                yield ERROR, {"path": f.rel, self.error_field: "file too large (see --max-record-bytes)"}, f.rel
                return
        yield TEXT, (f.rel, data), f.rel

    def _read_jsonl(self, f: InputFile) -> Iterator[tuple]:
        limit = self.max_record_bytes
        with open(f.path, "rb") as raw:
            stream = open_binary(f.path, f.compression, raw)
            number = 0
            while True:
                line = stream.readline(limit + 1)
                if not line:
                    break
                number += 1
                if len(line) > limit and not line.endswith(b"\n"):
                    size = len(line)
                    while line and not line.endswith(b"\n"):
                        line = stream.readline(limit)
                        size += len(line)
                    yield self._error(f"record larger than {limit:,} bytes ({size:,}; see --max-record-bytes)",
                                      f"{f.path}:{number}")
                    continue
                if not line.strip():
                    continue
                if number % 512 == 0:
                    self.position = self._done_bytes + raw.tell()
                yield LINE, line, f"{f.path}:{number}"

    def _read_csv(self, f: InputFile) -> Iterator[tuple]:
        csv.field_size_limit(max(self.max_record_bytes, 131072))
        with open(f.path, "rb") as raw:
            stream = io.TextIOWrapper(open_binary(f.path, f.compression, raw), encoding="utf-8-sig",
                                      errors="surrogateescape", newline="")
            reader = csv.reader(stream, delimiter=f.delimiter)
            header = None
            row_number = 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    row_number += 1
                    yield self._error(f"malformed CSV: {exc}", f"{f.path}:row {row_number}")
                    continue
                if header is None:
                    header = row
                    continue
                row_number += 1
                self.position = self._done_bytes + raw.tell()
                source = f"{f.path}:row {row_number}"
                if len(row) != len(header):
                    record = dict(zip(header, row))
                    record[self.error_field] = f"row has {len(row)} fields, the header {len(header)}"
                    if len(row) > len(header):
                        record["extra"] = row[len(header):]
                    yield ERROR, record, source
                    continue
                yield RECORD, dict(zip(header, row)), source

    def _read_parquet(self, f: InputFile) -> Iterator[tuple]:
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise InputError(f"{f.path}: reading Parquet needs pyarrow (pip install 'restore[batch]')") from None
        pf = pq.ParquetFile(f.path)
        rows = max(pf.metadata.num_rows, 1)
        number = 0
        for batch in pf.iter_batches(batch_size=512):
            for record in batch.to_pylist():
                number += 1
                yield RECORD, record, f"{f.path}:row {number}"
            self.position = self._done_bytes + f.size * number // rows


# --------------------------------------------------------------------------------------------------------
# Outputs: each keeps a partial file that can be cut back to its last checkpoint


def output_format(path: str, given: str, files: list[InputFile]) -> tuple[str, str | None]:
    """(format, compression) of the output."""
    if path == "-":
        return ("jsonl" if given in ("auto", "jsonl") else given), None
    fmt, compression = split_suffix(path)
    if given != "auto":
        return given, compression
    if fmt is not None:
        return fmt, compression
    if Path(path).is_dir() or path.endswith(("/", os.sep)) or (not Path(path).suffix and files
                                                               and all(f.fmt == "text" for f in files)):
        return "text", None
    raise InputError(f"{path}: cannot tell the output format from the name; use .jsonl, .jsonl.gz, .jsonl.zst, "
                     ".csv, .parquet, a folder, or --output-format")


def _fsync(fileobj) -> None:
    fileobj.flush()
    try:
        os.fsync(fileobj.fileno())
    except (OSError, io.UnsupportedOperation):
        pass


class StreamOutput:
    """JSONL or CSV, plain or compressed, written to ``.NAME.partial`` and renamed at the end.

    A compressed output gets one gzip member / zstd frame per checkpoint, so cutting the partial file at a
    checkpoint's offset leaves a valid file to append to.
    """

    def __init__(self, path: str, fmt: str, compression: str | None, added: tuple[str, ...] = ()) -> None:
        self.target = Path(path)
        self.added = added
        self.fmt = fmt
        self.compression = compression
        self.partial = self.target.with_name(f".{self.target.name}.partial")
        self.raw = None
        self._encoder = None
        self.columns: list[str] | None = None

    def open(self, state: dict | None) -> None:
        if state is None:
            self.raw = open(self.partial, "wb")
        else:
            if not self.partial.exists():
                raise InputError(f"{self.partial}: the partial output of the interrupted run is missing; "
                                 "start afresh without --resume")
            self.raw = open(self.partial, "r+b")
            self.raw.truncate(state["offset"])
            self.raw.seek(state["offset"])
            self.columns = state.get("columns")

    def _stream(self):
        if self._encoder is None:
            if self.compression == "gz":
                self._encoder = gzip.GzipFile(filename="", fileobj=self.raw, mode="wb", mtime=0)
            elif self.compression == "zst":
                import zstandard
                self._encoder = zstandard.ZstdCompressor(level=3).stream_writer(self.raw, closefd=False)
            else:
                self._encoder = self.raw
        return self._encoder

    def write(self, payloads: list) -> None:
        if self.fmt == "csv":
            data = self._csv_bytes(payloads)
        else:
            data = b"".join(p if isinstance(p, bytes) else encode_json_line(p) for p in payloads)
        if data:
            self._stream().write(data)

    def _csv_bytes(self, records: list[dict]) -> bytes:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        if self.columns is None and records:
            first = list(records[0])
            self.columns = first + [c for c in self.added if c not in first and c != "extra"] + ["extra"]
            writer.writerow(self.columns)
        known = set(self.columns or ())
        for record in records:
            row = [_csv_value(record.get(c)) for c in self.columns[:-1]]
            extra = {k: v for k, v in record.items() if k not in known}
            row.append(json.dumps(extra, ensure_ascii=False, default=_json_default) if extra else "")
            writer.writerow(row)
        return buf.getvalue().encode("utf-8", "surrogateescape")

    def checkpoint(self) -> dict:
        if self._encoder is not None and self._encoder is not self.raw:
            if self.compression == "gz":
                self._encoder.close()
            else:
                import zstandard
                self._encoder.flush(zstandard.FLUSH_FRAME)
                self._encoder.close()
            self._encoder = None
        _fsync(self.raw)
        return {"offset": self.raw.tell(), "columns": self.columns}

    def close(self) -> None:
        if self.raw is not None:
            self.raw.close()
            self.raw = None

    def has_partial(self) -> bool:
        return self.partial.exists()

    def finalize(self) -> None:
        self.close()
        if self.partial.exists():
            os.replace(self.partial, self.target)

    def discard(self) -> None:
        self.close()
        if self.partial.exists():
            self.partial.unlink()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if isinstance(value, float) and value.is_integer() is False:
        return repr(value)
    return value


class StdoutOutput:
    """JSONL on standard output (no resume)."""

    def open(self, state):
        if state is not None:
            raise InputError("--resume needs an output file, not standard output")

    def write(self, payloads):
        data = b"".join(p if isinstance(p, bytes) else encode_json_line(p) for p in payloads)
        sys.stdout.buffer.write(data)

    def checkpoint(self):
        sys.stdout.buffer.flush()
        return {}

    def has_partial(self):
        return False

    def close(self):
        sys.stdout.buffer.flush()

    finalize = close
    discard = close


class ParquetOutput:
    """Parquet: each checkpoint writes a segment file; the end merges them into the target."""

    def __init__(self, path: str) -> None:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise InputError("writing Parquet needs pyarrow (pip install 'restore[batch]')") from None
        self.target = Path(path)
        self.folder = self.target.with_name(f".{self.target.name}.partial")
        self.rows: list[dict] = []
        self.segments = 0

    def open(self, state: dict | None) -> None:
        if state is None:
            self.discard()
            self.folder.mkdir(parents=True)
        else:
            if not self.folder.is_dir():
                raise InputError(f"{self.folder}: the partial output of the interrupted run is missing; "
                                 "start afresh without --resume")
            self.segments = state["segments"]
            for extra in self.folder.iterdir():
                if not extra.name.startswith("part-") or int(extra.stem[5:] or 0) >= self.segments:
                    extra.unlink()

    def write(self, payloads: list) -> None:
        self.rows.extend({k: _scalar(v) for k, v in p.items()} for p in payloads)

    def has_partial(self) -> bool:
        return self.folder.is_dir()

    def checkpoint(self) -> dict:
        if self.rows:
            import pyarrow as pa
            import pyarrow.parquet as pq
            names: dict[str, None] = {}
            for row in self.rows:
                names.update(dict.fromkeys(row))
            table = pa.table({n: _arrow_column([row.get(n) for row in self.rows]) for n in names})
            sink = io.BytesIO()
            pq.write_table(table, sink)
            atomic_write_bytes(self.folder / f"part-{self.segments:06d}.parquet", sink.getvalue())
            self.segments += 1
            self.rows = []
        return {"segments": self.segments}

    def close(self) -> None:
        pass

    def finalize(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq
        parts = [self.folder / f"part-{i:06d}.parquet" for i in range(self.segments)]
        schemas = [pq.read_schema(p) for p in parts]
        try:
            schema = pa.unify_schemas(schemas, promote_options="permissive") if schemas else pa.schema([])
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise InputError(f"{self.target}: a column changes type between records ({exc}); write JSONL "
                             f"instead (the checkpointed parts stay in {self.folder} for --resume)") from None
        fd, tmp = tempfile.mkstemp(dir=self.target.parent, prefix=f".{self.target.name}.", suffix=".tmp")
        os.close(fd)
        try:
            with pq.ParquetWriter(tmp, schema) as writer:
                for part in parts:
                    table = pq.read_table(part)
                    for name in schema.names:
                        if name not in table.column_names:
                            table = table.append_column(name, pa.nulls(len(table), schema.field(name).type))
                    writer.write_table(table.select(schema.names).cast(schema))
            os.replace(tmp, self.target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        self.discard()

    def discard(self) -> None:
        if self.folder.is_dir():
            for p in self.folder.iterdir():
                p.unlink()
            self.folder.rmdir()


def _arrow_column(values: list):
    import pyarrow as pa
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):  # mixed types: keep everything as text
        out = []
        for v in values:
            if v is not None and not isinstance(v, str):
                v = json.dumps(v, ensure_ascii=False, default=_json_default)
            if isinstance(v, str):
                v = v.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            out.append(v)
        return pa.array(out, type=pa.string())


class FolderOutput(StreamOutput):
    """A folder of text files (one per input text file, same relative path) plus a JSONL manifest."""

    def __init__(self, folder: str, text_field: str, error_field: str = "error") -> None:
        self.folder = Path(folder)
        self.text_field = text_field
        self.error_field = error_field
        self.folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(self.folder / MANIFEST), "jsonl", None)

    def write(self, payloads: list) -> None:
        lines = []
        for record in payloads:
            path = record.get("path")
            entry = {"path": path}
            text = record.get(self.text_field)
            if isinstance(path, str) and isinstance(text, str) and self.error_field not in record:
                target = (self.folder / path).resolve()
                if self.folder.resolve() not in target.parents:
                    entry["error"] = "path leaves the output folder"
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    atomic_write_bytes(target, text.encode("utf-8"))
            for key in ("spin_score", "edits", "spans", self.error_field):
                if key in record:
                    entry[key] = record[key]
            lines.append(encode_json_line(entry))
        super().write(lines)


# --------------------------------------------------------------------------------------------------------
# The run


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


@dataclass
class Summary:
    documents: int = 0
    words: int = 0
    edits: int = 0
    spun: int = 0
    errors: int = 0
    dropped: int = 0
    routed: int = 0
    seconds: float = 0.0
    resumed_at: int = 0
    max_spin: float = 0.3

    @property
    def spun_share(self) -> float:
        ok = self.documents - self.errors
        return self.spun / ok if ok else 0.0

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["spun_share"] = round(self.spun_share, 4)
        d["seconds"] = round(self.seconds, 3)
        return d

    def line(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        words = self.words / self.seconds if self.seconds else 0.0
        parts = [f"{self.documents:,} documents", f"{self.words:,} words", f"{self.edits:,} edits",
                 f"{self.spun_share:.1%} spun (score > {self.max_spin:g})", f"{self.errors:,} errors"]
        if self.dropped:
            parts.append(f"{self.dropped:,} dropped")
        if self.routed:
            parts.append(f"{self.routed:,} routed to the spun file")
        if self.resumed_at:
            parts.append(f"resumed after {self.resumed_at:,}")
        return (f"restore batch: {', '.join(parts)}; {self.seconds:.1f} s "
                f"({rate:,.0f} docs/s, {words:,.0f} words/s)")


class _Progress:
    """A progress bar (bytes read, docs/s, words/s, ETA) on a terminal; silent otherwise."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.bar = None
        self.last = 0.0
        self.start = time.monotonic()
        if not enabled:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            self.bar = _PlainBar(total)
        else:
            self.bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr,
                            dynamic_ncols=True, smoothing=0.1, desc="restore")
        self.done = 0

    def update(self, position: int, stats: Stats, force: bool = False) -> None:
        if self.bar is None:
            return
        now = time.monotonic()
        if now - self.last < 0.25 and not force:
            return
        self.last = now
        elapsed = max(now - self.start, 1e-6)
        self.bar.update(max(position - self.done, 0))
        self.done = max(position, self.done)
        self.bar.set_postfix_str(f"{stats.documents / elapsed:,.0f} docs/s, {stats.words / elapsed:,.0f} words/s",
                                 refresh=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _PlainBar:
    def __init__(self, total: int) -> None:
        self.total, self.n, self.start, self.postfix = total, 0, time.monotonic(), ""

    def update(self, n: int) -> None:
        self.n += n

    def set_postfix_str(self, s: str, refresh: bool = True) -> None:
        elapsed = time.monotonic() - self.start
        eta = (self.total - self.n) * elapsed / self.n if self.n else 0
        pct = 100 * self.n / self.total if self.total else 0
        sys.stderr.write(f"\rrestore {pct:5.1f}%  {s}  ETA {eta:,.0f} s ")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


def _state_path(output: str, fmt: str) -> Path:
    if fmt == "text":
        return Path(output) / ".restore-state.json"
    target = Path(output)
    return target.with_name(f".{target.name}.partial.json")


def _fingerprint(files: list[InputFile], job: Job, options: Options, fmt: str, compression) -> dict:
    return {"inputs": [[f.path, f.size, f.mtime_ns, f.fmt] for f in files],
            "job": json.loads(json.dumps(dataclasses.asdict(job), default=str)),
            "output": [fmt, compression], "spun_output": options.spun_output,
            "unordered": options.unordered, "checkpoint_every": options.checkpoint_every,
            "max_record_bytes": options.max_record_bytes}


def added_columns(job: Job) -> tuple[str, ...]:
    """The fields a run adds to each record (besides those of the input)."""
    cols = []
    if job.mode == "restore" and job.restored_field:
        cols.append(job.restored_field)
    cols.append("spin_score")
    if job.edits:
        cols.append("edits" if job.mode == "restore" else "spans")
    cols.append(job.error_field)
    return tuple(cols)


def _make_output(path: str, fmt: str, compression, job: Job):
    if path == "-":
        if fmt != "jsonl":
            raise InputError("standard output takes JSONL only")
        return StdoutOutput()
    if fmt in ("jsonl", "csv"):
        return StreamOutput(path, fmt, compression, added_columns(job))
    if fmt == "parquet":
        return ParquetOutput(path)
    if fmt == "text":
        text_field = job.field if job.mode == "filter" else (job.restored_field or job.field)
        return FolderOutput(path, text_field, job.error_field)
    raise InputError(f"unknown output format {fmt!r}")


def _check_paths(files: list[InputFile], inputs: list[str], outputs: list[str]) -> None:
    folders = [Path(p).resolve() for p in inputs if Path(p).is_dir()]
    for out in outputs:
        if out == "-":
            continue
        target = Path(out).resolve()
        for f in files:
            if Path(f.path).resolve() == target:
                raise InputError(f"{out}: refusing to overwrite an input file")
        for folder in folders:
            if target == folder or folder in target.parents:
                raise InputError(f"{out}: the output may not lie inside an input folder ({folder})")
        parent = target.parent
        if not parent.is_dir():
            raise InputError(f"{out}: folder {parent} does not exist")


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
        raise ValueError(f"mode must be one of {MODES}")
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
    _check_paths(files, list(inputs), [output] + ([options.spun_output] if options.spun_output else []))
    job = dataclasses.replace(job, route_spun=bool(options.spun_output),
                              encode_jsonl=fmt == "jsonl" and side_fmt in (None, "jsonl"))
    if output == "-" and options.resume:
        raise InputError("--resume needs an output file, not standard output")
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
        self.state_path = None if output == "-" else _state_path(output, fmt)
        self.fingerprint = _fingerprint(files, job, options, fmt, compression)
        self.stats = Stats()
        self.low = 0              # every index below has been written
        self.extra: set[int] = set()  # indices at or above ``low`` written already (unordered mode)
        self.since_checkpoint = 0

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
        try:
            self._loop(reader, bar)
        except KeyboardInterrupt:  # the last checkpoint stands; --resume continues from there
            bar.close()
            for o in self.outputs:
                o.close()
            print(f"\nrestore batch: interrupted after {self.stats.documents:,} documents; "
                  "run the same command with --resume to continue", file=sys.stderr)
            raise
        except BaseException:
            bar.close()
            for o in self.outputs:
                o.close()
            raise
        bar.update(reader.total_bytes, self.stats, force=True)
        bar.close()
        self._checkpoint(finished=True)
        for o in self.outputs:
            o.finalize()
        if self.state_path is not None and self.state_path.exists():
            self.state_path.unlink()
        return self._summary(started, resumed_at)

    def _summary(self, started: float, resumed_at: int) -> Summary:
        s = self.stats
        return Summary(s.documents, s.words, s.edits, s.spun, s.errors, s.dropped, s.routed,
                       time.monotonic() - started, resumed_at, self.job.max_spin)

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

    def _write(self, results: list[tuple]) -> None:
        every = max(1, self.options.checkpoint_every)
        main, side = self.outputs[0], self.outputs[1] if len(self.outputs) > 1 else None
        batch_main, batch_side = [], []
        for index, dest, payload, words, edits, spun, error in results:
            if dest == MAIN:
                batch_main.append(payload)
            elif dest == SIDE:
                batch_side.append(payload)
            self.stats.add(words, edits, spun, error, dest)
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
            return [(index, MAIN, self._error_payload({self.job.error_field: message, "source": source}),
                     0, 0, 0, 1) for index, _, _, source in fut.chunk]

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
            from .dask import cluster_executor
            return cluster_executor(self.options.dask, jobs)
        if jobs <= 1:
            return None, False, None, 1
        context = multiprocessing.get_context("spawn")
        return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=context), True, None, jobs


# --------------------------------------------------------------------------------------------------------
# Parallel streaming for a scraper's loop


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


# --------------------------------------------------------------------------------------------------------
# Command line


def add_batch_parser(sub) -> argparse.ArgumentParser:
    """Register ``restore batch`` on the CLI's subparsers."""
    p = sub.add_parser("batch", help="clean a corpus: files, folders, JSONL(.gz/.zst), CSV, Parquet",
                       description="Restore, score or filter every record of a corpus, streaming, in parallel. "
                                   "Inputs are never modified; the output appears (atomically) when the run ends.",
                       epilog="exit codes: 0 ok (record-level failures are reported in the error field), "
                              "1 bad input, 2 bad usage, 130 interrupted (resume with --resume)")
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="files or folders: .txt (any other name), .jsonl/.ndjson/.json, .csv/.tsv, .parquet; "
                        ".gz/.zst compressed too")
    p.add_argument("-o", "--output", required=True,
                   help="output: .jsonl[.gz|.zst], .csv[.gz|.zst], .parquet, a folder (text inputs), or - for "
                        "JSONL on standard output")
    p.add_argument("--format", dest="input_format", choices=INPUT_FORMATS, default="auto",
                   help="input format (default: from each file name)")
    p.add_argument("--output-format", choices=OUTPUT_FORMATS, default="auto",
                   help="output format (default: from the output name)")
    p.add_argument("--field", default="text", help="the text field/column (default: text)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--restored-field", default="restored",
                       help="field for the restored text (default: restored)")
    where.add_argument("--in-place-field", action="store_true",
                       help="write the restored text over --field instead of adding a field")
    p.add_argument("--edits", action="store_true",
                   help="add the edits (restore mode) or spun spans (detect/filter) to each record as JSON")
    p.add_argument("--mode", choices=MODES, default="restore",
                   help="restore: add the restored text; detect: add the spin score only; filter: keep only "
                        "documents with spin score <= --max-spin")
    p.add_argument("--max-spin", type=float, default=0.3,
                   help="spin score above which a document counts as spun (default 0.3)")
    p.add_argument("--spun-output", metavar="FILE",
                   help="filter mode: write spun documents here instead of dropping them")
    p.add_argument("-j", "--jobs", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--unordered", action="store_true",
                   help="write records as they finish instead of in input order (faster with mixed lengths)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run with the same command")
    p.add_argument("--dask", nargs="?", const="local", metavar="ADDRESS",
                   help="run the workers on Dask: a LocalCluster of -j workers, or the scheduler at ADDRESS "
                        "(write --dask=tcp://host:8786 before the inputs)")
    p.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS,
                   help=f"longer texts get an error instead of a result (default {DEFAULT_MAX_CHARS:,})")
    p.add_argument("--max-record-bytes", type=int, default=DEFAULT_MAX_RECORD_BYTES,
                   help="longer input lines/files are reported, not read (default 64 MiB)")
    p.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_RECORDS,
                   help=f"records per task sent to a worker (default {DEFAULT_CHUNK_RECORDS})")
    p.add_argument("--checkpoint-every", type=int, default=DEFAULT_CHECKPOINT_EVERY,
                   help=f"records between checkpoints (default {DEFAULT_CHECKPOINT_EVERY})")
    p.add_argument("--error-field", default="error", help="field for per-record errors (default: error)")
    p.add_argument("--summary", metavar="FILE", help="also write the summary as JSON here")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary line")
    p.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    p.add_argument("--lm", default="ngram", help="language model: ngram (default) or a model file path")
    p.add_argument("--lexicon", action="append", default=[], metavar="TSV",
                   help="extra lexicon (spun<TAB>original[<TAB>weight]); repeatable")
    p.add_argument("--lexicon-only", action="store_true",
                   help="use only the --lexicon files, not the bundled lexicons")
    p.add_argument("--no-wordnet", action="store_true", help="leave out WordNet inverse-thesaurus candidates")
    p.add_argument("--min-confidence", type=float, default=0.5,
                   help="apply only edits at least this confident (default 0.5)")
    p.set_defaults(func=cmd_batch)
    return p


def _looks_like_address(value: str) -> bool:
    if "://" in value or value == "local":
        return True
    host, _, port = value.rpartition(":")
    return bool(host) and port.isdigit()


def cmd_batch(args) -> int:
    inputs = list(args.inputs)
    if args.dask and not _looks_like_address(args.dask):
        inputs.insert(0, args.dask)  # "--dask corpus.jsonl": the flag took an input as its value
        args.dask = "local"
    if not inputs:
        print("restore batch: error: give at least one INPUT", file=sys.stderr)
        return EXIT_USAGE
    for name, value, low in (("--jobs", args.jobs, 1), ("--chunk-size", args.chunk_size, 1),
                             ("--checkpoint-every", args.checkpoint_every, 1), ("--max-chars", args.max_chars, 1),
                             ("--max-record-bytes", args.max_record_bytes, 1)):
        if value < low:
            print(f"restore batch: error: {name} must be at least {low}", file=sys.stderr)
            return EXIT_USAGE
    if args.lexicon_only and not args.lexicon:
        print("restore batch: error: --lexicon-only needs at least one --lexicon", file=sys.stderr)
        return EXIT_USAGE
    lexicons = tuple(str(Path(p).resolve()) for p in args.lexicon)
    for path in lexicons:
        if not Path(path).is_file():
            print(f"restore: error: lexicon file not found: {path}", file=sys.stderr)
            return EXIT_INPUT
    lm = args.lm if args.lm == "ngram" or not Path(args.lm).exists() else str(Path(args.lm).resolve())
    spec = RestorerSpec(lm=lm, lexicons=lexicons, lexicon_only=args.lexicon_only, wordnet=not args.no_wordnet,
                        min_confidence=args.min_confidence)
    try:  # fail early on a bad lexicon or model, before any worker starts
        if args.jobs <= 1 and not args.dask:
            restorer_for(spec)
        else:
            from .lexicon import Lexicon
            for path in lexicons:
                Lexicon().load(path)
    except (ValueError, OSError) as exc:
        print(f"restore: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    job = Job(spec=spec, mode=args.mode, field=args.field,
              restored_field=None if args.in_place_field else args.restored_field, edits=args.edits,
              max_spin=args.max_spin, max_chars=args.max_chars, error_field=args.error_field)
    options = Options(job=job, input_format=args.input_format, output_format=args.output_format,
                      spun_output=args.spun_output, jobs=args.jobs, unordered=args.unordered, resume=args.resume,
                      chunk_records=args.chunk_size, checkpoint_every=args.checkpoint_every,
                      max_record_bytes=args.max_record_bytes,
                      progress=False if args.quiet else (True if args.progress else None), dask=args.dask)
    try:
        summary = run(inputs, args.output, options)
    except KeyboardInterrupt:
        return 130
    except RuntimeError as exc:
        print(f"restore: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
    if args.summary:
        Path(args.summary).write_text(json.dumps(summary.to_dict(), indent=2) + "\n", encoding="utf-8")
    return EXIT_OK
