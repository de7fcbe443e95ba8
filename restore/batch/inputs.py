"""Inputs: files and folders expanded, formats told by suffix, records read in chunks (plain, .gz, .zst)."""

from __future__ import annotations

import csv
import gzip
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError
from ..encoding import wide_encoding
from .records import DEFAULT_MAX_RECORD_BYTES, ERROR, LINE, RECORD, TEXT


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
        return io.BufferedReader(_ZstdFrames(raw, zstandard.ZstdDecompressor()))
    return raw


class _ZstdFrames(io.RawIOBase):
    """Concatenated zstd frames, decompressed; a frame cut short raises EOFError, as gzip does.

    zstandard's own stream reader just stops at a truncated frame, so a damaged file would lose its
    records without a word. The input is fed in 1 KiB steps: a zstd block of a few bytes can expand to
    128 KiB, and small steps keep what one step can produce (a decompression bomb) to a few tens of MiB.
    """

    STEP = 1024

    def __init__(self, raw, dctx) -> None:
        self.raw, self.dctx, self.dobj = raw, dctx, None
        self.out, self.pos = b"", 0
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while self.pos >= len(self.out):
            if not self.pending:
                self.pending = self.raw.read(1 << 16)
                if not self.pending:
                    if self.dobj is not None:
                        raise EOFError("the compressed data ends in the middle of a zstd frame (truncated file?)")
                    return 0
            self._step()
        n = min(len(b), len(self.out) - self.pos)
        b[:n] = self.out[self.pos:self.pos + n]
        self.pos += n
        return n

    def _step(self) -> None:
        data, self.pending = self.pending[:self.STEP], self.pending[self.STEP:]
        out = []
        while data:
            if self.dobj is None:
                self.dobj = self.dctx.decompressobj()
            out.append(self.dobj.decompress(data))
            if self.dobj.eof:  # a frame ended: the rest starts the next one
                data, self.dobj = self.dobj.unused_data, None
            else:
                data = b""
        self.out, self.pos = b"".join(out), 0


def free_name(name: str, taken) -> str:
    """``name``, or ``name.1``, ``name.2``, ... : the first that is not ``taken``."""
    taken = set(taken)
    k, candidate = 0, name
    while candidate in taken:
        k += 1
        candidate = f"{name}.{k}"
    return candidate


def unique_names(names: list[str]) -> list[str]:
    """A CSV header with repeated names made unique, deterministically: ``id, text, id`` becomes
    ``id, text, id.1`` (a name already in the header is never produced), so that no column is lost."""
    out: list[str] = []
    for name in names:
        out.append(free_name(name, set(out) | (set(names) if name in out else set())))
    return out


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

    def _wide(self, f: InputFile, stream) -> tuple | None:
        """An error record for a UTF-16/32 file (read as UTF-8 every line would fail), else None."""
        wide = wide_encoding(stream.peek(512)[:512])
        return self._error(f"{f.path}: {wide}", f.path) if wide else None

    def _read_jsonl(self, f: InputFile) -> Iterator[tuple]:
        limit = self.max_record_bytes
        with open(f.path, "rb") as raw:
            stream = open_binary(f.path, f.compression, raw)
            wide = self._wide(f, stream)
            if wide:
                yield wide
                return
            if stream.peek(3)[:3] == b"\xef\xbb\xbf":  # a UTF-8 BOM belongs to the file, not to its first record
                stream.read(3)
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
            binary = open_binary(f.path, f.compression, raw)
            wide = self._wide(f, binary)
            if wide:
                yield wide
                return
            stream = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
            reader = csv.reader(stream, delimiter=f.delimiter)
            header = None
            overflow = "extra"
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
                    header = unique_names(row)
                    overflow = free_name("extra", header)  # cells beyond the header go here
                    continue
                row_number += 1
                self.position = self._done_bytes + raw.tell()
                source = f"{f.path}:row {row_number}"
                if len(row) != len(header):
                    record = dict(zip(header, row))
                    record[self.error_field] = f"row has {len(row)} fields, the header {len(header)}"
                    if len(row) > len(header):
                        record[overflow] = row[len(header):]
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
