"""Property-based fuzzing of ``restore batch`` and ``restore text``: nothing lost, nothing overwritten.

Invariants, whatever the input: every input record comes out exactly once (a damaged file as one error
record for its rest); inputs stay byte-identical; no partial output is left visible; no exception escapes
(an escaping exception is a traceback for the user); text without any lexicon phrase comes back byte for
byte; an interrupted run, resumed, writes exactly what an uninterrupted one writes.

Runs short by default (``make test``). ``RESTORE_FUZZ=release`` runs many more examples, for release
checks: ``RESTORE_FUZZ=release .venv/bin/python -m pytest -q -m fuzz``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import random
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from restore import batch
from restore.batch import RestorerSpec, run
from restore.cli import InputError, main
from restore.encoding import wide_encoding
from restore.tokenize import tokenize

pytestmark = pytest.mark.fuzz

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                     HealthCheck.data_too_large])
settings.register_profile("restore-ci", max_examples=25, derandomize=True, **_COMMON)   # repeatable in CI
settings.register_profile("restore-release", max_examples=400, **_COMMON)
FUZZ = settings(settings.get_profile("restore-release" if os.environ.get("RESTORE_FUZZ") == "release"
                                     else "restore-ci"))

zstandard = pytest.importorskip("zstandard")

# Words that match nothing in the toy lexicon (and are no number words): text made of them must come back
# unchanged. Accents, CJK, emoji and odd spacing are there on purpose.
# Words that match nothing in the bundled spinner lexicon either ("on the" and "at the" do, so no "on"/"at").
CLEAN_WORDS = ["the", "cat", "sat", "mat", "and", "looked", "garden", "quiet", "morning", "river", "bright", "she",
               "walked", "café", "naïve", "日本", "😀", "Zoë"]
SEPARATORS = [" ", "  ", "\n", "\r\n", ", ", ". ", "\t", "\u00a0", " — ", "\n\n"]
SPUN = "Nuclear guns used to be a risk to the 2 international locations within the town. "

clean_text = st.lists(st.tuples(st.sampled_from(CLEAN_WORDS), st.sampled_from(SEPARATORS)), max_size=30).map(
    lambda pairs: "".join(w + s for w, s in pairs))
json_value = st.one_of(st.integers(), st.none(), st.floats(allow_nan=False), st.booleans(),
                       st.lists(st.integers(), max_size=3), st.text(max_size=20))
line = st.one_of(
    clean_text.map(lambda t: ("clean", json.dumps({"text": t}, ensure_ascii=False).encode())),
    st.just(("spun", json.dumps({"text": SPUN * 3}).encode())),
    st.dictionaries(st.sampled_from(["text", "id", "extra", "meta"]), json_value, max_size=4).map(
        lambda d: ("any", json.dumps(d).encode())),
    st.binary(max_size=40).map(lambda b: ("any", b)),
    st.sampled_from([b"", b"   ", b"[1, 2]", b'"str"', b"{", b'{"text": "a\\u0000b"}', b'{"text": "\\ud800"}',
                     b'{"text": ""}', '{"text": "caf\xe9"}'.encode("latin-1")]).map(lambda b: ("any", b)),
    st.integers(1, 40_000).map(lambda n: ("any", json.dumps({"text": "the cat " * n}).encode())),  # huge
)


@pytest.fixture(scope="module")
def spec(toy_lexicon_path):
    return RestorerSpec(lexicons=(str(toy_lexicon_path),), lexicon_only=True)


def _digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _records(path: Path, fmt: str) -> list[dict]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    if fmt == "csv":
        out = []
        csv.field_size_limit(1 << 30)  # huge records are part of the game
        for row in csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")):
            rec = {k: v for k, v in row.items() if v != ""}  # CSV has no missing cells, only empty ones
            if "error" not in rec:
                rec.setdefault("restored", "")
            out.append(rec)
        return out
    return [json.loads(x) for x in data.splitlines()]


def _hidden(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


@FUZZ
@given(lines=st.lists(line, max_size=25), bom=st.booleans(), packing=st.sampled_from(["", ".gz", ".zst"]),
       cut=st.one_of(st.none(), st.floats(0, 0.99)), out=st.sampled_from(["o.jsonl", "o.jsonl.gz", "o.csv"]),
       jobs=st.sampled_from([1, 1, 2]), chunk=st.integers(1, 9))
def test_jsonl_every_record_out_exactly_once(spec, lines, bom, packing, cut, out, jobs, chunk):
    lines = [(kind, b.replace(b"\n", b" ").replace(b"\r", b" ")) for kind, b in lines]
    data = (b"\xef\xbb\xbf" if bom else b"") + b"".join(b + b"\n" for _, b in lines)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        packed = data if not packing else (gzip.compress(data) if packing == ".gz"
                                           else zstandard.ZstdCompressor().compress(data))
        # cut short, but not to nothing: an empty compressed file reads as an empty one, as with gzip itself
        truncated = bool(packing and cut is not None and int(len(packed) * cut) > 0)
        if truncated:
            packed = packed[: int(len(packed) * cut)]
        src = folder / f"in.jsonl{packing}"
        src.write_bytes(packed)
        before = _digest(folder)
        run(str(src), str(folder / out), spec=spec, progress=False, jobs=jobs, chunk_records=chunk,
            checkpoint_every=chunk + 2)
        assert _digest(folder) | before == _digest(folder) and _digest(folder)[src.name] == before[src.name]
        assert _hidden(folder) == []
        fmt = "csv" if ".csv" in out else "jsonl"
        records = _records(folder / out, fmt)
        kept = [(kind, b) for kind, b in lines if b.strip()]  # blank lines are no records
        if wide_encoding(data) and len(records) == 1 and "UTF-" in records[0].get("error", ""):
            return  # bytes that look like UTF-16/32 (a BOM, or NULs in every other byte): one error, by design
        if truncated:
            assert records and "cannot read further" in records[-1]["error"]
            records = records[:-1]
            assert len(records) <= len(kept)
        else:
            assert len(records) == len(kept)
        for (kind, raw), rec in zip(kept, records):
            assert ("restored" in rec) != ("error" in rec), rec
            if kind == "clean":
                assert rec["restored"] == json.loads(raw)["text"]  # clean text byte-identical


@FUZZ
@given(files=st.lists(st.one_of(
    clean_text.map(lambda t: ("clean", t.encode("utf-8"))),
    clean_text.map(lambda t: ("clean", "\ufeff".encode() + t.encode("utf-8"))),      # UTF-8 with BOM
    clean_text.map(lambda t: ("bad", t.encode("utf-16"))),                            # UTF-16, BOM
    st.just(("spun", SPUN.encode())), st.just(("clean", b"")),
    st.binary(max_size=50).map(lambda b: ("any", b)),
    st.sampled_from(["latin-1", "cp1252"]).map(lambda e: ("any", "café naïve".encode(e))),
), min_size=1, max_size=8), existing=st.booleans())
def test_text_folder_every_file_once_clean_files_unchanged(spec, files, existing):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docs = folder / "docs"
        docs.mkdir()
        for i, (_, data) in enumerate(files):
            (docs / f"{i:02d}.txt").write_bytes(data)
        before = _digest(docs)
        out = folder / "out"
        if existing:
            out.mkdir()
            (out / "mine.txt").write_text("keep")
        run(str(docs), str(out), spec=spec, progress=False, checkpoint_every=3, chunk_records=2)
        assert _digest(docs) == before and _hidden(folder) == []
        manifest = [json.loads(x) for x in (out / batch.MANIFEST).read_bytes().splitlines()]
        assert [m["path"] for m in manifest] == [f"{i:02d}.txt" for i in range(len(files))]
        for i, (kind, data) in enumerate(files):
            if kind == "clean":
                assert (out / f"{i:02d}.txt").read_bytes() == data
            if kind == "bad":
                assert "UTF-16" in manifest[i]["error"]
        assert not existing or (out / "mine.txt").read_text() == "keep"


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), clean_text.map(lambda t: t.encode("utf-8"))),
       fmt=st.sampled_from([".csv", ".parquet", ".jsonl.gz", ".jsonl.zst", ".tsv"]))
def test_malformed_files_give_error_records_not_tracebacks(spec, data, fmt):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        src = folder / f"in{fmt}"
        src.write_bytes(data)
        run(str(src), str(folder / "o.jsonl"), spec=spec, progress=False)
        assert src.read_bytes() == data and _hidden(folder) == []
        for rec in _records(folder / "o.jsonl", "jsonl"):
            assert ("restored" in rec) != ("error" in rec)


@FUZZ
@given(main_name=st.sampled_from(["a.jsonl", "o.jsonl", "docs", "docs/o.jsonl", "link.jsonl", "hard.jsonl", "."]),
       side_name=st.sampled_from([None, "a.jsonl", "o.jsonl", "s.jsonl", "link.jsonl", "hard.jsonl"]))
def test_output_paths_that_alias_inputs_or_each_other(toy_lexicon_path, main_name, side_name):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "docs").mkdir()
        (folder / "a.jsonl").write_text(json.dumps({"text": SPUN}) + "\n" + json.dumps({"text": "cat"}) + "\n")
        (folder / "docs" / "b.jsonl").write_text(json.dumps({"text": SPUN}) + "\n")
        (folder / "link.jsonl").symlink_to("a.jsonl")
        os.link(folder / "a.jsonl", folder / "hard.jsonl")
        before = _digest(folder)
        args = ["batch", "a.jsonl", "docs", "-o", main_name, "--lexicon", str(toy_lexicon_path), "--lexicon-only",
                "-q", "--mode", "filter", "--max-spin", "0.1"]
        if side_name:
            args += ["--spun-output", side_name]
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            code = main(args)
        finally:
            os.chdir(cwd)
        after = _digest(folder)
        assert {k: after[k] for k in before} == before  # no input (nor link to one) touched
        aliases = {"a.jsonl", "link.jsonl", "hard.jsonl"}
        if main_name in aliases or side_name in aliases or main_name == side_name or main_name.startswith("docs") \
                or main_name == ".":
            assert code == 1
        else:
            assert code == 0
            kept = _records(folder / main_name, "jsonl")
            spun = _records(folder / side_name, "jsonl") if side_name else []
            if side_name:  # routed, not dropped: every record in exactly one of the two outputs
                assert sorted(r["text"] for r in kept + spun) == sorted([SPUN, SPUN, "cat"])
            else:
                assert {r["text"] for r in kept} <= {SPUN, "cat"}
        assert _hidden(folder) == []


@FUZZ
@given(stop=st.integers(1, 30), every=st.integers(1, 12), chunk=st.integers(1, 6),
       target=st.sampled_from(["o.jsonl", "o.jsonl.gz", "o.jsonl.zst", "o.csv", "o.parquet", "folder"]),
       seed=st.integers(0, 1000))
def test_interrupt_anywhere_then_resume_equals_uninterrupted(spec, stop, every, chunk, target, seed):
    if target == "o.parquet":
        pytest.importorskip("pyarrow")
    rnd = random.Random(seed)
    texts = [rnd.choice([SPUN, "The cat sat. ", ""]) * rnd.randint(1, 3) for _ in range(40)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if target == "folder":
            src = folder / "docs"
            src.mkdir()
            for i, t in enumerate(texts):
                (src / f"{i:02d}.txt").write_text(t, encoding="utf-8")
        else:
            src = folder / "in.jsonl"
            src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)))
        opts = dict(spec=spec, progress=False, checkpoint_every=every, chunk_records=chunk)
        (folder / "ref").mkdir()
        run(str(src), str(folder / "ref" / target), **opts)
        original, calls = batch._Run._write, {"n": 0}

        def interrupting(self, results):
            calls["n"] += 1
            if calls["n"] == stop:
                raise KeyboardInterrupt
            return original(self, results)

        with mock.patch.object(batch._Run, "_write", interrupting):
            try:
                run(str(src), str(folder / target), **opts)
                interrupted = False
            except KeyboardInterrupt:
                interrupted = True
        if interrupted:
            assert not (folder / target).exists()  # no partial target visible
            run(str(src), str(folder / target), resume=True, **opts)
        ref, got = folder / "ref" / target, folder / target
        if target == "folder":
            assert _digest(got) == _digest(ref)
        elif target == "o.parquet":
            import pyarrow.parquet as pq
            assert pq.read_table(got).equals(pq.read_table(ref))
        else:
            assert got.read_bytes() == ref.read_bytes()
        assert _hidden(folder) == []


@FUZZ
@given(body=st.one_of(clean_text.map(lambda t: t.encode("utf-8")), st.binary(max_size=200)),
       prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]),
       command=st.sampled_from(["text", "detect"]))
def test_cli_any_bytes_exit_cleanly_and_clean_text_unchanged(toy_lexicon_path, body, prefix, command):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        src = folder / "in.txt"
        src.write_bytes(prefix + body)
        try:
            code = main([command, str(src), "-o", str(folder / "out"), "--lexicon", str(toy_lexicon_path),
                         "--no-wordnet"])
        except InputError:  # pragma: no cover - main reports these itself
            pytest.fail("InputError escaped main()")
        assert code in (0, 1)
        assert src.read_bytes() == prefix + body
        if code == 1:
            assert not (folder / "out").exists()
        try:
            decoded = (prefix + body).decode("utf-8")
        except UnicodeDecodeError:
            decoded = None
        if command == "text" and decoded is not None and code == 0 \
                and all(t.text in CLEAN_WORDS for t in tokenize(decoded)):
            assert (folder / "out").read_bytes() == prefix + body  # clean text, BOM and all, byte for byte
