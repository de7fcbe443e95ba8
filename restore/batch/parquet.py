"""Parquet output: a segment file per checkpoint in a partial folder, merged into the target at the end.

Parquet cannot be appended to, so resuming keeps the segments written up to the last checkpoint and drops
the rest; a column must hold one type, checked as records arrive (see ``ParquetOutput._check_kind``).
"""

from __future__ import annotations

import io
import json
import os
import tempfile

from ..errors import InputError
from ..outfile import atomic_write_bytes, real_target, replace_into
from .records import _json_default, _scalar


class ParquetOutput:
    """Parquet: each checkpoint writes a segment file; the end merges them into the target."""

    def __init__(self, path: str) -> None:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise InputError("writing Parquet needs pyarrow (pip install 'restore[batch]')") from None
        self.target = real_target(path)
        self.folder = self.target.with_name(f".{self.target.name}.partial")
        self.rows: list[dict] = []
        self.segments = 0
        self.kinds: dict[str, str] = {}   # column -> the kind of value it holds (see _kind)
        self.count = 0                    # records written so far

    def open(self, state: dict | None) -> None:
        if state is None:
            self.discard()
            self.folder.mkdir(parents=True)
        else:
            if not self.folder.is_dir():
                raise InputError(f"{self.folder}: the partial output of the interrupted run is missing; "
                                 "start afresh without --resume")
            self.segments = state["segments"]
            self.kinds = state.get("kinds", {})
            self.count = state.get("count", 0)
            for extra in self.folder.iterdir():
                if not extra.name.startswith("part-") or int(extra.stem[5:] or 0) >= self.segments:
                    extra.unlink()

    def write(self, payloads: list) -> None:
        for p in payloads:
            row = {k: _scalar(v) for k, v in p.items()}
            self.count += 1
            for name, value in row.items():
                self._check_kind(name, value)
            self.rows.append(row)

    def _check_kind(self, name: str, value) -> None:
        """A Parquet column has one type. A value of another kind than the column's first is refused at
        once, naming the column and the record, rather than turned into a string or found only when the
        parts are merged at the end (when no --resume can help)."""
        kind = _kind(value)
        if kind is None:
            return
        seen = self.kinds.setdefault(name, kind)
        if seen != kind:
            raise InputError(f"{self.target}: column {name!r} holds {seen} values, but output record "
                             f"{self.count:,} has a {kind} ({str(value)[:40]!r}); a Parquet column has one type: "
                             "write JSONL or CSV instead, or give the column one type in the input")

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
        return {"segments": self.segments, "kinds": self.kinds, "count": self.count}

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
                             "or CSV instead") from None
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
            replace_into(tmp, self.target)
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


def _kind(value) -> str | None:
    """The kind of a value as Parquet sees it: integers and floats mix (as double), nothing else does."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (bytes, bytearray)):
        return "binary"
    return type(value).__name__


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
