"""`restore batch` on small inputs: one process (workers cost more than they save), singular counts."""

from __future__ import annotations

import json

from restore.batch.command import SMALL_INPUT, _small
from restore.cli import main

DOC = "Nuclear guns used to be a risk to the 2 international locations within the town."


def test_small_inputs_are_measured_on_disk(tmp_path):
    small = tmp_path / "small.jsonl"
    small.write_text(json.dumps({"text": DOC}) + "\n", encoding="utf-8")
    big = tmp_path / "big.jsonl"
    big.write_text((json.dumps({"text": DOC}) + "\n") * (SMALL_INPUT // len(DOC) + 1), encoding="utf-8")
    assert _small([str(small)]) and _small([str(tmp_path / "missing.jsonl")]) is False
    assert not _small([str(big)]) and not _small([str(small), str(big)]) and not _small(["-"])
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text(DOC, encoding="utf-8")
    assert _small([str(folder)])


def test_one_document_is_singular_and_jobs_fall_back(tmp_path, capsys, monkeypatch):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": DOC}) + "\n", encoding="utf-8")
    started = []
    import concurrent.futures as cf
    monkeypatch.setattr(cf, "ProcessPoolExecutor", lambda *a, **k: started.append(1))
    assert main(["batch", str(src), "-o", str(tmp_path / "out.jsonl"), "-j", "2"]) == 0
    err = capsys.readouterr().err
    assert "1 document," in err and "1 documents" not in err
    assert started == []   # no worker pool for a one-line input


def test_every_output_kind_has_what_the_runner_needs(tmp_path):
    from restore.batch import FolderOutput, Output, ParquetOutput, StdoutOutput, StreamOutput
    from restore.batch.outputs import DeviceOutput
    needed = [name for name in vars(Output) if not name.startswith("_")]
    assert {"open", "write", "checkpoint", "finalize", "discard"} <= set(needed)
    for kind in (StreamOutput, ParquetOutput, FolderOutput, StdoutOutput, DeviceOutput):
        missing = [name for name in needed if not callable(getattr(kind, name, None))]
        assert not missing, (kind.__name__, missing)


def test_a_record_outcome_is_named_and_an_error_counts_once():
    from restore.batch import MAIN, Outcome
    from restore.batch.records import failed
    out = failed({"error": "missing field 'text'"})
    assert out.dest == MAIN and out.error == 1 and out.words == out.edits == out.spun == 0
    assert Outcome({"x": 1}, words=5)._replace(record=b"{}").words == 5


def test_filter_can_count_unknown_spinners_as_spun(tmp_path):
    import json

    from restore.cli import main
    clean = ("The bank said on Monday that home loan rates would rise in the spring. Buyers of real estate in the "
             "city have waited for months, and many said they would now look for a cheaper house outside the town. "
             "The central bank meets again next month to decide whether interest rates should go up.")
    joined = (clean.replace("home loan", "homeloan").replace("real estate", "realestate")
              .replace("cheaper house", "cheaperhouse").replace("central bank", "centralbank")
              .replace("interest rates", "interestrates"))
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate((clean, joined))),
                   encoding="utf-8")
    out, side = tmp_path / "kept.jsonl", tmp_path / "spun.jsonl"
    assert main(["batch", str(src), "-o", str(out), "--mode", "filter", "-q"]) == 0
    kept = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in kept] == [0, 1]          # the spin score alone lets the joined copy pass
    assert [r["kind"] for r in kept] == ["clean", "unknown spinner"]
    assert main(["batch", str(src), "-o", str(out), "--mode", "filter", "--unknown-spun", "--spun-output",
                 str(side), "-q"]) == 0
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == [0]
    assert [json.loads(line)["id"] for line in side.read_text(encoding="utf-8").splitlines()] == [1]
