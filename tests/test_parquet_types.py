"""Parquet output keeps each column's type, or stops at once, clearly, when a column changes type."""

import json

import pytest

from restore import batch
from restore.batch import RestorerSpec, run
from restore.cli import InputError, main

pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module")
def spec(toy_lexicon_path):
    return RestorerSpec(lexicons=(str(toy_lexicon_path),), lexicon_only=True)


def write(path, values):
    path.write_text("".join(json.dumps({"id": i, "x": v, "text": "The guns."}) + "\n"
                            for i, v in enumerate(values)), encoding="utf-8")
    return path


@pytest.mark.parametrize("checkpoint_every", [5, 1000])  # the change across a checkpoint, or within one part
def test_a_column_changing_type_fails_early_and_clearly(tmp_path, spec, monkeypatch, checkpoint_every):
    src = write(tmp_path / "in.jsonl", [1] * 15 + ["fifteen"] + [2] * 184)
    written = {"n": 0}
    original = batch._Run._write

    def counting(self, results):
        written["n"] += len(results)
        return original(self, results)

    monkeypatch.setattr(batch._Run, "_write", counting)
    with pytest.raises(InputError) as exc:
        run(str(src), str(tmp_path / "out.parquet"), spec=spec, progress=False, checkpoint_every=checkpoint_every,
            chunk_records=4)
    message = str(exc.value)
    assert "'x'" in message and "16" in message and "--resume" not in message and "JSONL" in message
    assert written["n"] < 40  # stopped at the record, not after the whole run
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # no target, no partial, no checkpoint


def test_cli_reports_the_type_change_as_bad_input(tmp_path, toy_lexicon_path, capsys):
    src = write(tmp_path / "in.jsonl", [1, "a"])
    code = main(["batch", str(src), "-o", str(tmp_path / "o.parquet"), "--lexicon", str(toy_lexicon_path),
                 "--lexicon-only", "-q"])
    assert code == 1 and "column 'x'" in capsys.readouterr().err


def test_integers_and_floats_share_a_column_and_types_are_kept(tmp_path, spec):
    src = write(tmp_path / "in.jsonl", [1, 2, 3.5, None, 4])
    run(str(src), str(tmp_path / "o.parquet"), spec=spec, progress=False, checkpoint_every=2)
    table = pq.read_table(tmp_path / "o.parquet")
    assert table.column("x").to_pylist() == [1.0, 2.0, 3.5, None, 4.0]
    assert str(table.schema.field("id").type) == "int64"
