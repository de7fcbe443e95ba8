"""restore batch: formats, modes, ordering, errors, checkpoints, kill-and-resume, fuzzing."""

import base64
import csv
import dataclasses
import gzip
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from conftest import TOY_GATE

from restore import batch
from restore.batch import Job, Options, RestorerSpec, run
from restore.cli import main

DOC = ("Nuclear guns used to be a risk to the 2 international locations within the town. "
       "The struggle introduced new metal guns. ")
CLEAN = "The cat sat on the mat and looked at the garden. "


@pytest.fixture(scope="module")
def spec(toy_lexicon_path):
    return RestorerSpec(lexicons=(str(toy_lexicon_path),), lexicon_only=True)


@pytest.fixture(scope="module")
def lex_args(toy_lexicon_path):
    return ["--lexicon", str(toy_lexicon_path), "--lexicon-only", "-q"]


def corpus(n, seed=0):
    rnd = random.Random(seed)
    return [{"id": i, "text": (DOC if i % 3 else CLEAN) * rnd.randint(1, 4), "meta": {"n": i, "tag": "x"}}
            for i in range(n)]


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def read_jsonl(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_jsonl_restore_keeps_fields_order_and_matches_restorer(tmp_path, spec, toy_restorer):
    records = corpus(40)
    src = write_jsonl(tmp_path / "in.jsonl", records)
    before = digest(src)
    summary = run([str(src)], str(tmp_path / "out.jsonl"), spec=spec, edits=True, progress=False)
    out = read_jsonl(tmp_path / "out.jsonl")
    assert digest(src) == before  # input untouched
    assert [r["id"] for r in out] == list(range(40))
    for rec, res in zip(records, out):
        expected = toy_restorer.restore(rec["text"])
        assert list(res)[:3] == ["id", "text", "meta"] and res["meta"] == rec["meta"] and res["text"] == rec["text"]
        assert res["restored"] == expected.text
        assert res["spin_score"] == round(expected.spin_score, 4)
        assert res["edits"] == [e.to_dict() for e in expected.edits]
    assert summary.documents == 40 and summary.errors == 0
    assert summary.edits == sum(len(r["edits"]) for r in out)
    assert summary.words == sum(len(r["text"].split()) for r in records)
    assert not list(tmp_path.glob(".*"))  # no partial or state files left behind


def test_workers_unordered_and_chunking_do_not_change_output(tmp_path, spec):
    src = write_jsonl(tmp_path / "in.jsonl", corpus(150))
    run(str(src), str(tmp_path / "a.jsonl"), spec=spec, progress=False)
    run(str(src), str(tmp_path / "b.jsonl"), spec=spec, progress=False, jobs=2, chunk_records=7)
    assert digest(tmp_path / "a.jsonl") == digest(tmp_path / "b.jsonl")
    run(str(src), str(tmp_path / "c.jsonl"), spec=spec, progress=False, jobs=2, chunk_records=5, unordered=True)
    a, c = read_jsonl(tmp_path / "a.jsonl"), read_jsonl(tmp_path / "c.jsonl")
    assert sorted(c, key=lambda r: r["id"]) == a


def test_in_place_detect_and_filter_modes(tmp_path, spec, toy_restorer):
    records = corpus(30)
    src = write_jsonl(tmp_path / "in.jsonl", records)
    run(str(src), str(tmp_path / "inplace.jsonl"), spec=spec, restored_field=None, progress=False)
    for rec, res in zip(records, read_jsonl(tmp_path / "inplace.jsonl")):
        assert res["text"] == toy_restorer.restore(rec["text"]).text and "restored" not in res
    run(str(src), str(tmp_path / "detect.jsonl"), spec=spec, mode="detect", edits=True, progress=False)
    det = read_jsonl(tmp_path / "detect.jsonl")
    assert all("restored" not in r and "spans" in r and r["text"] == rec["text"] for r, rec in zip(det, records))
    spun_ids = {r["id"] for r in det if r["spin_score"] > 0.1}
    assert spun_ids and len(spun_ids) < 30
    s = run(str(src), str(tmp_path / "kept.jsonl"), spec=spec, mode="filter", max_spin=0.1, progress=False)
    kept = read_jsonl(tmp_path / "kept.jsonl")
    assert {r["id"] for r in kept} == set(range(30)) - spun_ids and s.dropped == len(spun_ids)
    s = run(str(src), str(tmp_path / "kept2.jsonl"), spec=spec, mode="filter", max_spin=0.1,
            spun_output=str(tmp_path / "spun.jsonl"), progress=False)
    assert read_jsonl(tmp_path / "kept2.jsonl") == kept
    assert [r["id"] for r in read_jsonl(tmp_path / "spun.jsonl")] == sorted(spun_ids) and s.routed == len(spun_ids)


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_compressed_in_and_out(tmp_path, spec, suffix):
    pytest.importorskip("zstandard")
    records = corpus(25)
    plain = write_jsonl(tmp_path / "in.jsonl", records)
    run(str(plain), str(tmp_path / "ref.jsonl"), spec=spec, progress=False)
    data = plain.read_bytes()
    if suffix.endswith(".gz"):
        packed = gzip.compress(data)
    else:
        import zstandard
        packed = zstandard.ZstdCompressor().compress(data)
    (tmp_path / f"in{suffix}").write_bytes(packed)
    run(str(tmp_path / f"in{suffix}"), str(tmp_path / f"out{suffix}"), spec=spec, progress=False,
        checkpoint_every=4)
    raw = (tmp_path / f"out{suffix}").read_bytes()
    if suffix.endswith(".gz"):
        text = gzip.decompress(raw)
    else:
        import zstandard
        import io
        text = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw), read_across_frames=True).read()
    assert text == (tmp_path / "ref.jsonl").read_bytes()


def test_csv_in_and_out(tmp_path, spec, toy_restorer):
    spec, toy_restorer = _lowered(spec, toy_restorer)
    src = tmp_path / "in.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "body", "lang"])
        for i in range(12):
            w.writerow([i, DOC if i % 2 else 'He said "hi",\nthen left.', "en"])
    run(str(src), str(tmp_path / "out.csv"), spec=spec, field="body", edits=True, progress=False)
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 12 and list(rows[0])[:3] == ["id", "body", "lang"]
    assert rows[1]["restored"] == toy_restorer.restore(DOC).text
    assert json.loads(rows[1]["edits"])[0]["original"] == "weapons"
    assert rows[0]["body"] == 'He said "hi",\nthen left.' and rows[0]["error"] == ""
    run(str(src), str(tmp_path / "out.jsonl"), spec=spec, field="body", progress=False)
    assert [r["id"] for r in read_jsonl(tmp_path / "out.jsonl")] == [str(i) for i in range(12)]


def test_parquet_in_and_out(tmp_path, spec, toy_restorer):
    spec, toy_restorer = _lowered(spec, toy_restorer)
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"id": list(range(20)), "text": [DOC if i % 2 else CLEAN for i in range(20)],
                      "score": [i / 10 for i in range(20)]})
    pq.write_table(table, tmp_path / "in.parquet", row_group_size=6)
    run(str(tmp_path / "in.parquet"), str(tmp_path / "out.parquet"), spec=spec, edits=True, progress=False,
        checkpoint_every=7)
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.num_rows == 20 and out.column_names[:3] == ["id", "text", "score"]
    assert out.column("id").to_pylist() == list(range(20)) and out.schema.field("id").type == pa.int64()
    assert out.column("restored").to_pylist()[1] == toy_restorer.restore(DOC).text
    assert json.loads(out.column("edits").to_pylist()[1])[0]["spun"] == "guns"
    run(str(tmp_path / "in.parquet"), str(tmp_path / "out.jsonl"), spec=spec, progress=False)
    assert [r["score"] for r in read_jsonl(tmp_path / "out.jsonl")] == [i / 10 for i in range(20)]


def test_text_folder_to_folder_and_jsonl(tmp_path, spec, toy_restorer):
    src = tmp_path / "corpus"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(DOC, encoding="utf-8")
    (src / "sub" / "b.txt").write_text(CLEAN, encoding="utf-8")
    (src / "sub" / "c.bin").write_bytes(b"\x00\x01binary")
    (src / "bad.txt").write_bytes(b"caf\xe9 au lait")
    run(str(src), str(tmp_path / "clean"), spec=spec, progress=False)
    assert (tmp_path / "clean" / "a.txt").read_text(encoding="utf-8") == toy_restorer.restore(DOC).text
    assert (tmp_path / "clean" / "sub" / "b.txt").read_text(encoding="utf-8") == CLEAN
    assert not (tmp_path / "clean" / "sub" / "c.bin").exists()
    manifest = read_jsonl(tmp_path / "clean" / batch.MANIFEST)
    assert [m["path"] for m in manifest] == ["a.txt", "bad.txt", "sub/b.txt", "sub/c.bin"]
    assert "UTF-8" in manifest[1]["error"] and "NUL" in manifest[3]["error"]
    run(str(src), str(tmp_path / "out.jsonl"), spec=spec, progress=False)
    out = read_jsonl(tmp_path / "out.jsonl")
    assert out[0] == {"path": "a.txt", "text": DOC, "restored": toy_restorer.restore(DOC).text,
                      "spin_score": out[0]["spin_score"]}


FUZZ_LINES = [
    b'{"id": 1, "text": "The guns within the town."}',
    b'{"id": 2, "text": "broken',                                  # invalid JSON
    b'{"id": 3}',                                                  # missing field
    b'{"id": 4, "text": 42}',                                      # non-string field
    b'{"id": 5, "text": null}',
    b'{"id": 6, "text": ["a", "list"]}',
    b'{"id": 7, "text": "a\\u0000b"}',                             # NUL escaped in JSON
    b'{"id": 8, "text": "a\x00b"}',                                # raw NUL byte
    b'{"id": 9, "text": "caf\xe9"}',                               # invalid UTF-8
    b'{"id": 10, "text": "lone \\ud800 surrogate"}',
    b'[1, 2, 3]',
    b'"just a string"',
    b'\x89PNG\r\x1a\x00\x00',
    b'{"id": 14, "text": ""}',
    b'{"id": 15, "text": "' + b"guns " * 1_000_000 + b'"}',       # 5 MB of text
    b'{"id": 16, "text": "Struggle ended."}',
]


def test_fuzz_malformed_records_each_get_result_or_error(tmp_path, spec, lex_args, toy_restorer):
    src = tmp_path / "fuzz.jsonl"
    src.write_bytes(b"\n".join(FUZZ_LINES) + b"\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out), *lex_args, "-j", "2", "--chunk-size", "3"]) == 0
    lines = out.read_bytes().splitlines()
    assert len(lines) == len(FUZZ_LINES)
    records = [json.loads(line) for line in lines]  # every output line is valid UTF-8 JSON
    for rec in records:
        assert ("restored" in rec) != ("error" in rec), rec
    by_id = {r.get("id"): r for r in records}
    assert by_id[1]["restored"] == toy_restorer.restore("The guns within the town.").text
    assert by_id[14]["restored"] == ""
    assert "missing field" in by_id[3]["error"] and "int" in by_id[4]["error"]
    assert "NUL" in by_id[7]["error"] and "too long" in by_id[15]["error"]
    assert by_id[15]["text"] == "guns " * 1_000_000
    raw = [r for r in records if "raw_base64" in r]
    assert base64.b64decode(raw[0]["raw_base64"]) == FUZZ_LINES[8]
    assert records[1]["source"].endswith(":2") and records[1]["raw"] == FUZZ_LINES[1].decode()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(
    st.binary(max_size=60),
    st.builds(lambda t: json.dumps({"text": t}), st.text(max_size=60)).map(str.encode),
    st.builds(lambda v: json.dumps({"text": v}), st.one_of(st.integers(), st.none(), st.floats(allow_nan=False),
                                                           st.lists(st.integers(), max_size=3))).map(str.encode),
), min_size=1, max_size=12))
def test_fuzz_any_bytes_one_record_each(tmp_path_factory, spec, lines):
    lines = [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]
    folder = tmp_path_factory.mktemp("fz")
    (folder / "in.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    run(str(folder / "in.jsonl"), str(folder / "out.jsonl"), spec=spec, progress=False)
    out = [json.loads(line) for line in (folder / "out.jsonl").read_bytes().splitlines()]
    if len(out) == 1 and ("UTF-16" in out[0].get("error", "") or "UTF-32" in out[0].get("error", "")):
        return   # bytes that read as UTF-16 make the whole file one error record, naming the conversion
    content = [lines[0].removeprefix(b"\xef\xbb\xbf")] + lines[1:]   # a leading UTF-8 BOM is no content
    assert len(out) == sum(1 for line in content if line.strip())
    assert all(("restored" in r) != ("error" in r) for r in out)


def _lowered(spec, toy_restorer):
    """The toy spec and restorer with the gate lowered, so that two short sentences are restored."""
    from restore import Restorer
    return (dataclasses.replace(spec, knobs=tuple(TOY_GATE.items())),
            Restorer(lexicon=toy_restorer.lexicon, **TOY_GATE))


def _batch_cmd(src, out, lex_args, *extra):
    return [sys.executable, "-m", "restore", "batch", str(src), "-o", str(out), *lex_args, *extra]


@pytest.fixture(scope="module")
def kill_corpus(tmp_path_factory, spec):
    """The corpus of the kill-and-resume tests and its uninterrupted outputs, made once."""
    folder = tmp_path_factory.mktemp("kill")
    src = write_jsonl(folder / "in.jsonl", corpus(1500, seed=7))
    refs = {}
    for suffix in (".jsonl", ".jsonl.gz"):
        refs[suffix] = folder / f"ref{suffix}"
        run(str(src), str(refs[suffix]), spec=spec, progress=False, checkpoint_every=25)
    return src, refs


@pytest.mark.parametrize("suffix,jobs,unordered", [(".jsonl", "2", False), (".jsonl.gz", "1", False),
                                                    (".jsonl", "2", True)])
def test_kill_and_resume_equals_uninterrupted(tmp_path, kill_corpus, lex_args, suffix, jobs, unordered):
    src, refs = kill_corpus
    records = read_jsonl(src)
    extra = ["--checkpoint-every", "25", "--chunk-size", "8", "-j", jobs] + (["--unordered"] if unordered else [])
    reference = refs[suffix]

    out = tmp_path / f"out{suffix}"
    state = tmp_path / f".out{suffix}.partial.json"
    proc = subprocess.Popen(_batch_cmd(src, out, lex_args, *extra), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    low = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            low = json.loads(state.read_text())["low"]
        except (OSError, ValueError, KeyError):
            low = 0
        if low >= 100:
            break
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole run, workers included, dies at once
    proc.wait()
    assert low >= 100, proc.stderr.read().decode()
    assert not out.exists(), "the run finished before it could be killed"
    assert json.loads(state.read_text())["low"] < len(records)

    resumed = subprocess.run(_batch_cmd(src, out, lex_args, *extra, "--resume"), capture_output=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert not state.exists()
    if unordered:
        assert sorted(read_jsonl(out), key=lambda r: r["id"]) == read_jsonl(reference)
    else:
        assert digest(out) == digest(reference)  # byte for byte, compressed output included


def test_resume_refuses_changed_options_and_restart_discards(tmp_path, spec, lex_args):
    src = write_jsonl(tmp_path / "in.jsonl", corpus(30))
    out = tmp_path / "out.jsonl"
    state = tmp_path / ".out.jsonl.partial.json"
    partial = tmp_path / ".out.jsonl.partial"
    # a run interrupted after its first checkpoint: state and partial file as it left them
    state.write_text(json.dumps({"version": batch.STATE_VERSION, "fingerprint": {"other": 1}, "low": 0,
                                 "extra": [], "stats": {}, "outputs": [{"offset": 0}], "finished": False}))
    partial.write_bytes(b"")
    code = main(["batch", str(src), "-o", str(out), *lex_args, "--resume"])
    assert code == 1 and not out.exists()
    assert main(["batch", str(src), "-o", str(out), *lex_args]) == 0
    assert len(read_jsonl(out)) == 30 and not state.exists() and not partial.exists()
    assert main(["batch", str(src), "-o", str(out), *lex_args, "--resume"]) == 0  # nothing to resume: full run
    assert len(read_jsonl(out)) == 30


def test_paths_are_checked(tmp_path, lex_args, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", corpus(3))
    before = digest(src)
    assert main(["batch", str(src), "-o", str(src), *lex_args]) == 1
    assert digest(src) == before
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(DOC)
    assert main(["batch", str(folder), "-o", str(folder / "out"), *lex_args]) == 1
    assert main(["batch", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "o.jsonl"), *lex_args]) == 1
    assert main(["batch", str(src), "-o", str(tmp_path / "o.unknown"), *lex_args]) == 1
    assert main(["batch", str(src), "-o", str(tmp_path / "no" / "o.jsonl"), *lex_args]) == 1
    assert main(["batch", str(src), "-o", str(tmp_path / "o.jsonl"), *lex_args, "-j", "0"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["batch", str(src), "-o", str(tmp_path / "o.jsonl"), "--mode", "nope"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "refusing to overwrite" in err and "inside an input folder" in err


def test_cli_quiet_when_not_a_tty_prints_summary(tmp_path, lex_args):
    src = write_jsonl(tmp_path / "in.jsonl", corpus(20))
    args = [a for a in lex_args if a != "-q"]
    done = subprocess.run([sys.executable, "-m", "restore", "batch", str(src), "-o", "-", *args, "--max-spin", "0.1",
                           "--summary", str(tmp_path / "s.json")], capture_output=True, timeout=60)
    assert done.returncode == 0
    err = done.stderr.decode()
    assert "\r" not in err and "%|" not in err and "docs/s, " not in err.split("restore batch: 20 documents")[0]
    assert err.strip().splitlines()[-1].startswith("restore batch: 20 documents")
    assert len(done.stdout.splitlines()) == 20
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["documents"] == 20 and summary["errors"] == 0 and 0 < summary["spun_share"] < 1


def test_restore_parallel_matches_restore_many(spec, toy_restorer):
    texts = [r["text"] for r in corpus(50)]
    expected = [r.text for r in toy_restorer.restore_many(texts)]
    assert [r.text for r in batch.restore_parallel(iter(texts), jobs=2, spec=spec, chunk=4)] == expected
    assert [r.text for r in batch.restore_parallel(texts, jobs=1, spec=spec)] == expected


def test_options_object_and_summary(tmp_path, spec):
    src = write_jsonl(tmp_path / "in.jsonl", corpus(10))
    opts = Options(job=Job(spec=spec, mode="detect"), progress=False)
    s = run(str(src), str(tmp_path / "o.jsonl"), opts)
    d = s.to_dict()
    assert d["documents"] == 10 and set(d) >= {"words", "edits", "spun_share", "errors", "seconds"}
    assert "10 documents" in s.line()


@pytest.mark.parametrize("target,kind", [("out.csv", "csv"), ("out.parquet", "parquet"), ("outdir", "folder"),
                                         ("out.jsonl.zst", "zst"), ("kept.jsonl", "filter")])
def test_interrupted_run_resumes_in_every_output_format(tmp_path, spec, monkeypatch, target, kind):
    if kind in ("parquet", "zst"):
        pytest.importorskip("pyarrow" if kind == "parquet" else "zstandard")
    if kind == "folder":
        src = tmp_path / "docs"
        src.mkdir()
        for i, rec in enumerate(corpus(60)):
            (src / f"{i:03d}.txt").write_text(rec["text"], encoding="utf-8")
    else:
        src = write_jsonl(tmp_path / "in.jsonl", corpus(60))
    extra = {"mode": "filter", "spun_output": str(tmp_path / "spun.jsonl")} if kind == "filter" else {}
    opts = dict(spec=spec, progress=False, checkpoint_every=7, chunk_records=4, **extra)
    ref_dir = tmp_path / "ref"
    ref_dir.mkdir()
    if kind == "filter":
        opts_ref = dict(opts, spun_output=str(ref_dir / "spun.jsonl"))
        run(str(src), str(ref_dir / target), **opts_ref)
    else:
        run(str(src), str(ref_dir / target), **opts)

    calls = {"n": 0}
    original = batch._Run._write

    def interrupting(self, results):
        calls["n"] += 1
        if calls["n"] == 6:
            raise KeyboardInterrupt
        return original(self, results)

    monkeypatch.setattr(batch._Run, "_write", interrupting)
    with pytest.raises(KeyboardInterrupt):
        run(str(src), str(tmp_path / target), **opts)
    monkeypatch.setattr(batch._Run, "_write", original)
    assert not (tmp_path / target).exists() or kind == "folder"
    summary = run(str(src), str(tmp_path / target), resume=True, **opts)
    assert summary.resumed_at > 0 and summary.documents == 60
    if kind == "folder":
        for f in sorted((ref_dir / target).rglob("*")):
            assert f.read_bytes() == (tmp_path / target / f.relative_to(ref_dir / target)).read_bytes()
        assert not (tmp_path / target / ".restore-state.json").exists()
    elif kind == "parquet":
        import pyarrow.parquet as pq
        assert pq.read_table(tmp_path / target).equals(pq.read_table(ref_dir / target))
    else:
        assert digest(tmp_path / target) == digest(ref_dir / target)
    if kind == "filter":
        assert digest(tmp_path / "spun.jsonl") == digest(ref_dir / "spun.jsonl")
