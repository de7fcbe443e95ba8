"""Where a run writes: the output objects, the checkpoint file, and the refusal to write over an input."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from ..outfile import is_special, real_target
from .inputs import InputFile
from .outputs import DeviceOutput, FolderOutput, Output, ParquetOutput, StdoutOutput, StreamOutput
from .records import MANIFEST, Job


def _state_path(output: str, fmt: str) -> Path:
    target = real_target(output)
    return target.with_name(f".{target.name}.partial.json")


def added_columns(job: Job) -> tuple[str, ...]:
    """The fields a run adds to each record (besides those of the input)."""
    cols = []
    if job.mode == "restore" and job.restored_field:
        cols.append(job.restored_field)
    cols.append("spin_score")
    if job.mode != "restore":
        cols += ["rewrite_score", "kind"]
    if job.mode == "restore" and job.sources:
        cols.append("source_id")
    if job.edits:
        cols.append("edits" if job.mode == "restore" else "spans")
    cols.append(job.error_field)
    return tuple(cols)


def _make_output(path: str, fmt: str, compression, job: Job) -> Output:
    if path == "-":
        if fmt != "jsonl":
            raise InputError("standard output takes JSONL only")
        return StdoutOutput()
    if is_special(path):  # a FIFO or device: streamed to, never replaced
        if fmt not in ("jsonl", "csv"):
            raise InputError(f"{path}: {fmt} output cannot be streamed to a device or pipe; write a regular file")
        return DeviceOutput(path, fmt, compression, added_columns(job))
    if fmt in ("jsonl", "csv"):
        return StreamOutput(path, fmt, compression, added_columns(job))
    if fmt == "parquet":
        return ParquetOutput(path)
    if fmt == "text":
        text_field = job.field if job.mode == "filter" else (job.restored_field or job.field)
        return FolderOutput(path, text_field, job.error_field)
    raise InputError(f"unknown output format {fmt!r}")


def _written_paths(out: str, fmt: str, files: list[InputFile]) -> list[Path]:
    """Every file or folder an output writes: target, partial file or folder, checkpoint, folder contents."""
    if is_special(out):
        return [Path(os.path.abspath(out))]
    target = real_target(out)
    partial = target.with_name(f".{target.name}.partial")
    paths = [target, partial, _state_path(out, fmt)]
    if fmt == "text":
        paths += [target / MANIFEST] + [target / f.rel for f in files]
    return paths


def _identity(path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _check_paths(files: list[InputFile], inputs: list[str], outputs: list[tuple[str, str]]) -> None:
    """Refuse outputs that would write over an input file or over each other, by any name (links too)."""
    folders = [Path(p).resolve() for p in inputs if Path(p).is_dir()]
    input_paths = {real_target(f.path) for f in files}
    input_ids = {_identity(f.path) for f in files} - {None}
    claimed: dict = {}  # path or (device, inode) -> the output writing it
    for out, fmt in outputs:
        if out == "-":
            if "-" in claimed:
                raise InputError("-o and --spun-output cannot both be standard output")
            claimed["-"] = out
            continue
        for path in _written_paths(out, fmt, files):
            ident = _identity(path)
            if path in input_paths or (ident is not None and ident in input_ids):
                raise InputError(f"{out}: refusing to overwrite an input file ({path})")
            for key in (path, ident):
                if key is not None and key in claimed:
                    raise InputError(f"{out}: -o and --spun-output would write the same file ({path}); "
                                     "give each its own name")
            claimed.update({path: out, **({ident: out} if ident is not None else {})})
        if is_special(out):
            continue
        target = real_target(out)
        for folder in folders:
            if target == folder or folder in target.parents:
                raise InputError(f"{out}: the output may not lie inside an input folder ({folder})")
        if not target.parent.is_dir():
            raise InputError(f"{out}: folder {target.parent} does not exist")
        if target.exists() and target.is_dir() != (fmt == "text"):  # found now, not at the final rename
            raise InputError(f"{out}: is a {'folder' if target.is_dir() else 'file'}; "
                             f"the output is {'a folder' if fmt == 'text' else 'a ' + fmt + ' file'}")
