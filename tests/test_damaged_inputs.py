"""Damaged, compressed, CSV and differently encoded inputs: every record out, nothing silently lost."""

import csv
import gzip
import io
import json

import pytest

from restore.batch import RestorerSpec, run
from restore.cli import main

DOC = "Nuclear guns used to be a risk to the 2 international locations within the town."


@pytest.fixture(scope="module")
def spec(toy_lexicon_path):
    return RestorerSpec(lexicons=(str(toy_lexicon_path),), lexicon_only=True)


def jsonl_bytes(n):
    return b"".join(json.dumps({"id": i, "text": f"{DOC} {i}"}).encode() + b"\n" for i in range(n))


def read_jsonl(path):
    return [json.loads(line) for line in path.read_bytes().splitlines()]


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_truncated_compressed_input_gives_an_error_record(tmp_path, spec, suffix):
    zstandard = pytest.importorskip("zstandard")
    data = jsonl_bytes(3000)  # several zstd blocks: a block is decompressed only when whole
    packed = gzip.compress(data) if suffix == ".gz" else zstandard.ZstdCompressor().compress(data)
    src = tmp_path / f"t.jsonl{suffix}"
    src.write_bytes(packed[: len(packed) * 2 // 3])
    summary = run(str(src), str(tmp_path / "o.jsonl"), spec=spec, progress=False)
    out = read_jsonl(tmp_path / "o.jsonl")
    assert summary.errors == 1 and "error" in out[-1] and str(src) in out[-1]["error"]
    good = out[:-1]
    assert good and [r["id"] for r in good] == list(range(len(good)))  # every complete line came through
    assert all("restored" in r for r in good)


def test_zst_of_several_frames_reads_whole(tmp_path, spec):
    zstandard = pytest.importorskip("zstandard")
    data = jsonl_bytes(50)
    c = zstandard.ZstdCompressor()
    (tmp_path / "f.jsonl.zst").write_bytes(c.compress(data[:1000]) + c.compress(data[1000:]))
    run(str(tmp_path / "f.jsonl.zst"), str(tmp_path / "o.jsonl"), spec=spec, progress=False)
    assert [r["id"] for r in read_jsonl(tmp_path / "o.jsonl")] == list(range(50))


def _csv_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_csv_keeps_overflow_cells_and_an_input_column_named_extra(tmp_path, spec):
    src = tmp_path / "in.csv"
    src.write_text(f"id,text,extra\n1,{DOC},e1\n2,{DOC},e2,over1,over2\n", encoding="utf-8")
    run(str(src), str(tmp_path / "o.jsonl"), spec=spec, progress=False)
    run(str(src), str(tmp_path / "o.csv"), spec=spec, progress=False)
    jsonl = read_jsonl(tmp_path / "o.jsonl")
    rows = _csv_rows(tmp_path / "o.csv")
    header = rows[0]
    assert len(header) == len(set(header)), header  # no duplicated column name
    by_name = [dict(zip(header, r)) for r in rows[1:]]
    assert [r["extra"] for r in by_name] == ["e1", "e2"]
    overflow_key = next(k for k in jsonl[1] if k.startswith("extra.") or k == "extra" and jsonl[1][k] != "e2")
    assert jsonl[1][overflow_key] == ["over1", "over2"]
    overflow_col = json.loads(by_name[1][header[-1]])  # the CSV keeps what the JSONL keeps
    assert overflow_col[overflow_key] == ["over1", "over2"]


def test_csv_overflow_cells_without_an_extra_column(tmp_path, spec):
    src = tmp_path / "in.csv"
    src.write_text(f"id,text\n1,{DOC}\n2,{DOC},spill\n", encoding="utf-8")
    run(str(src), str(tmp_path / "o.csv"), spec=spec, progress=False)
    rows = _csv_rows(tmp_path / "o.csv")
    assert json.loads(dict(zip(rows[0], rows[2]))[rows[0][-1]])["extra"] == ["spill"]


def test_csv_duplicate_header_names_keep_every_value(tmp_path, spec):
    src = tmp_path / "in.csv"
    src.write_text(f"id,text,id\nA,{DOC},B\n", encoding="utf-8")
    run(str(src), str(tmp_path / "o.jsonl"), spec=spec, progress=False)
    rec = read_jsonl(tmp_path / "o.jsonl")[0]
    assert rec["id"] == "A" and rec["id.1"] == "B" and "error" not in rec


def test_utf8_bom_is_kept_and_offsets_match_the_file(tmp_path, toy_lexicon_path, capsys):
    lex = ["--lexicon", str(toy_lexicon_path), "--no-wordnet"]
    clean = "\ufeffThe cat sat on the mat.\n".encode("utf-8")
    (tmp_path / "clean.txt").write_bytes(clean)
    assert main(["text", str(tmp_path / "clean.txt"), "-o", str(tmp_path / "out.txt"), *lex]) == 0
    assert (tmp_path / "out.txt").read_bytes() == clean
    spun = ("\ufeff" + DOC + "\n").encode("utf-8")
    (tmp_path / "spun.txt").write_bytes(spun)
    capsys.readouterr()
    assert main(["detect", str(tmp_path / "spun.txt"), "--json", *lex]) == 0
    spans = json.loads(capsys.readouterr().out)["spans"]
    text = spun.decode("utf-8")  # offsets are characters of the file as it is
    assert spans and all(text[s["start"]:s["end"]] == s["spun"] for s in spans)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "c.txt").write_bytes(clean)
    run(str(folder), str(tmp_path / "restored"), spec=RestorerSpec(lexicons=(str(toy_lexicon_path),),
                                                                    lexicon_only=True), progress=False)
    assert (tmp_path / "restored" / "c.txt").read_bytes() == clean


@pytest.mark.parametrize("data", ["\ufeffHello there.\n".encode("utf-16-le"), "Hello there, world.\n".encode("utf-16-le"),
                                  "Hello there.\n".encode("utf-16")])
def test_utf16_is_named_with_the_conversion(tmp_path, spec, capsys, toy_lexicon_path, data):
    (tmp_path / "w.txt").write_bytes(data)
    assert main(["text", str(tmp_path / "w.txt"), "--lexicon", str(toy_lexicon_path), "--no-wordnet"]) == 1
    err = capsys.readouterr().err
    assert "UTF-16" in err and "iconv -f UTF-16" in err and "binary" not in err
    (tmp_path / "w.jsonl").write_bytes('{"text": "Hello"}\n'.encode("utf-16"))
    run(str(tmp_path / "w.txt"), str(tmp_path / "o1.jsonl"), spec=spec, progress=False)
    run(str(tmp_path / "w.jsonl"), str(tmp_path / "o2.jsonl"), spec=spec, progress=False)
    for name in ("o1.jsonl", "o2.jsonl"):
        [rec] = read_jsonl(tmp_path / name)
        assert "UTF-16" in rec["error"] and "iconv" in rec["error"]


def test_empty_text_file_is_a_document_in_text_and_batch(tmp_path, spec, capsys, toy_lexicon_path):
    (tmp_path / "e.txt").write_bytes(b"")
    assert main(["text", str(tmp_path / "e.txt"), "--lexicon", str(toy_lexicon_path), "--no-wordnet"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "empty" in err
    run(str(tmp_path / "e.txt"), str(tmp_path / "o.jsonl"), spec=spec, progress=False)
    [rec] = read_jsonl(tmp_path / "o.jsonl")
    assert rec["restored"] == "" and "error" not in rec


def test_jsonl_with_a_utf8_bom_reads_its_first_record(tmp_path, spec):
    (tmp_path / "b.jsonl").write_bytes(b"\xef\xbb\xbf" + jsonl_bytes(3))
    run(str(tmp_path / "b.jsonl"), str(tmp_path / "o.jsonl"), spec=spec, progress=False)
    assert [r.get("id") for r in read_jsonl(tmp_path / "o.jsonl")] == [0, 1, 2]


def test_csv_output_keeps_lone_surrogates_and_undecodable_bytes(tmp_path, spec):
    (tmp_path / "in.jsonl").write_bytes(b'{"text": "\\ud800 the guns", "n": "x\\udce9"}\n')
    summary = run(str(tmp_path / "in.jsonl"), str(tmp_path / "o.csv"), spec=spec, progress=False)
    data = (tmp_path / "o.csv").read_bytes()
    assert summary.documents == 1 and b"\\ud800 the guns" in data and b"x\xe9" in data
