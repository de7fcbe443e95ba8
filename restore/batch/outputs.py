"""Outputs: each keeps a partial file that can be cut back to its last checkpoint, then renamed into place."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Protocol

from ..errors import InputError
from ..outfile import atomic_write_bytes, is_special, open_special, real_target, replace_into
from .inputs import InputFile, free_name, split_suffix
from .parquet import ParquetOutput, _arrow_column, _kind  # noqa: F401  (importable from here, as before)
from .records import MANIFEST, _json_default, encode_json_line


def output_format(path: str, given: str, files: list[InputFile]) -> tuple[str, str | None]:
    """(format, compression) of the output."""
    if path == "-" or (is_special(path) and split_suffix(path)[0] is None):  # stdout, /dev/null, a FIFO
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


class Output(Protocol):
    """What the runner needs of an output. Records go to a partial file; a checkpoint says how far it is
    good, so an interrupted run resumes from there; ``finalize`` renames it into place atomically and
    ``discard`` removes it. Implemented by StreamOutput (JSONL/CSV), ParquetOutput, FolderOutput (one text
    file a record), StdoutOutput and DeviceOutput (a FIFO or device: streamed, no resume)."""

    def open(self, state: dict | None) -> None: ...           # state: the last checkpoint, when resuming
    def write(self, payloads: list) -> None: ...              # records, or JSON lines already encoded
    def checkpoint(self) -> dict: ...
    def has_partial(self) -> bool: ...
    def close(self) -> None: ...
    def finalize(self) -> None: ...
    def discard(self) -> None: ...


class StreamOutput:
    """JSONL or CSV, plain or compressed, written to ``.NAME.partial`` and renamed at the end.

    A compressed output gets one gzip member / zstd frame per checkpoint, so cutting the partial file at a
    checkpoint's offset leaves a valid file to append to.
    """

    def __init__(self, path: str, fmt: str, compression: str | None, added: tuple[str, ...] = ()) -> None:
        self.target = real_target(path)  # through a symbolic link: the link stays, its file is replaced
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
            columns = first + [c for c in self.added if c not in first]
            # the last column holds, as JSON, every field the first record lacked; its name must not be
            # one of the record's own (an input column may well be called "extra")
            self.columns = columns + [free_name("extra", columns)]
            writer.writerow(self.columns)
        known = set((self.columns or [None])[:-1])
        for record in records:
            row = [_csv_value(record.get(c)) for c in self.columns[:-1]]
            extra = {k: v for k, v in record.items() if k not in known}
            row.append(json.dumps(extra, ensure_ascii=False, default=_json_default) if extra else "")
            writer.writerow(row)
        return buf.getvalue().encode("utf-8", "restore-csv")

    def checkpoint(self) -> dict:
        self._end_frame()
        _fsync(self.raw)
        return {"offset": self.raw.tell(), "columns": self.columns}

    def _end_frame(self) -> None:
        """Close the gzip member / zstd frame in progress, so that the file is valid up to here."""
        if self._encoder is not None and self._encoder is not self.raw:
            if self.compression == "gz":
                self._encoder.close()
            else:
                import zstandard
                self._encoder.flush(zstandard.FLUSH_FRAME)
                self._encoder.close()
            self._encoder = None

    def close(self) -> None:
        if self.raw is not None:
            self.raw.close()
            self.raw = None

    def has_partial(self) -> bool:
        return self.partial.exists()

    def finalize(self) -> None:
        self.close()
        if self.partial.exists():
            replace_into(self.partial, self.target)

    def discard(self) -> None:
        self.close()
        if self.partial.exists():
            self.partial.unlink()


def _csv_surrogates(exc: UnicodeEncodeError):
    """Lone surrogates in a CSV cell: bytes that came in undecodable (surrogateescape) go out as they came;
    any other (a JSON ``"\ud800"`` escape) is written as that escape, since UTF-8 cannot hold it."""
    out = []
    for ch in exc.object[exc.start:exc.end]:
        code = ord(ch)
        out.append(bytes([code - 0xDC00]) if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}".encode("ascii"))
    return b"".join(out), exc.end


codecs.register_error("restore-csv", _csv_surrogates)


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if isinstance(value, float) and value.is_integer() is False:
        return repr(value)
    return value


class DeviceOutput(StreamOutput):
    """JSONL or CSV streamed straight to a FIFO, a device or a /dev name (no partial file, no resume):
    a rename would replace the pipe or device node itself (see restore.outfile)."""

    def __init__(self, path: str, fmt: str, compression: str | None, added: tuple[str, ...] = ()) -> None:
        super().__init__(path, fmt, compression, added)
        self.path = path

    def open(self, state: dict | None) -> None:
        self.raw = open_special(self.path)
        if state is not None:
            self.columns = state.get("columns")

    def checkpoint(self) -> dict:
        self._end_frame()
        self.raw.flush()
        return {"offset": 0, "columns": self.columns}

    def has_partial(self) -> bool:
        return False

    def finalize(self) -> None:
        self.close()

    def discard(self) -> None:
        self.close()


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


class FolderOutput(StreamOutput):
    """A folder of text files (one per input text file, same relative path) plus a JSONL manifest.

    Everything is written into a hidden sibling folder, ``.NAME.partial``, which becomes the target by
    one rename when the run ends: until then nothing of the target is visible. When the target folder
    already exists (and is not empty), the files are moved into it at the end, each by a rename.
    """

    def __init__(self, folder: str, text_field: str, error_field: str = "error") -> None:
        self.final = real_target(folder)
        self.folder = self.final.with_name(f".{self.final.name}.partial")
        self.text_field = text_field
        self.error_field = error_field
        super().__init__(str(self.folder / MANIFEST), "jsonl", None)

    def open(self, state: dict | None) -> None:
        if state is None:
            self.discard()
            self.folder.mkdir()
        elif not self.folder.is_dir():
            raise InputError(f"{self.folder}: the partial output of the interrupted run is missing; "
                             "start afresh without --resume")
        super().open(state)

    def has_partial(self) -> bool:
        return self.folder.is_dir()

    def finalize(self) -> None:
        super().finalize()
        if not self.folder.is_dir():
            return
        if self.final.is_dir() and not any(self.final.iterdir()):
            self.final.rmdir()
        if not self.final.exists():
            os.rename(self.folder, self.final)
            return
        for root, _, names in os.walk(self.folder):  # an existing folder: move the files in, one by one
            dest = self.final / Path(root).relative_to(self.folder)
            dest.mkdir(exist_ok=True)
            for name in names:
                replace_into(Path(root) / name, dest / name)
        shutil.rmtree(self.folder)

    def discard(self) -> None:
        self.close()
        if self.folder.is_dir():
            shutil.rmtree(self.folder)

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
                    atomic_write_bytes(target, text.encode("utf-8", "surrogateescape"))
            for key in ("spin_score", "edits", "spans", self.error_field):
                if key in record:
                    entry[key] = record[key]
            lines.append(encode_json_line(entry))
        super().write(lines)
