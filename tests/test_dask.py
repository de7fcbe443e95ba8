"""restore.dask on a small in-process LocalCluster: bags, dataframes, and restore batch on Dask."""

import json

import pytest

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

import dask.bag as db  # noqa: E402

import restore.dask as rdask  # noqa: E402
from restore.batch import RestorerSpec, run  # noqa: E402

DOC = "Nuclear guns used to be a risk to the 2 international locations within the town."
CLEAN = "The cat sat on the mat."


@pytest.fixture(scope="module")
def spec(toy_lexicon_path):
    return RestorerSpec(lexicons=(str(toy_lexicon_path),), lexicon_only=True)


@pytest.fixture(scope="module")
def client():
    c = rdask.get_client(n_workers=1, threads_per_worker=2, processes=False)
    yield c
    cluster = c.cluster
    c.close()
    cluster.close()


def test_restore_bag_of_strings_and_records(client, spec, toy_restorer):
    texts = [DOC, CLEAN, DOC.upper(), 7]
    out = rdask.restore_bag(db.from_sequence(texts, npartitions=2), restorer=spec, edits=True).compute()
    assert [r["restored"] for r in out[:3]] == [toy_restorer.restore(t).text for t in texts[:3]]
    assert out[0]["edits"] == [e.to_dict() for e in toy_restorer.restore(DOC).edits] and "error" in out[3]
    records = [{"id": i, "body": t} for i, t in enumerate([DOC, CLEAN])]
    got = rdask.restore_bag(db.from_sequence(records), field="body", restorer=spec, restored_field=None).compute()
    assert got[0] == {"id": 0, "body": toy_restorer.restore(DOC).text, "spin_score": got[0]["spin_score"]}
    spun, clean = toy_restorer.detect(DOC).spin_score, toy_restorer.detect(CLEAN).spin_score
    assert spun > clean
    kept = rdask.restore_bag(db.from_sequence(records), field="body", restorer=spec, mode="filter",
                             max_spin=(spun + clean) / 2).compute()
    assert [r["id"] for r in kept] == [1]


def test_restore_dataframe_map_partitions(client, spec, toy_restorer):
    import dask.dataframe as dd
    pdf = pd.DataFrame({"id": range(6), "text": [DOC, CLEAN, DOC, None, CLEAN, DOC]})
    ddf = dd.from_pandas(pdf, npartitions=3)
    out = rdask.restore_dataframe(ddf, "text", restorer=spec, edits=True).compute()
    assert list(out.columns) == ["id", "text", "restored", "spin_score", "edits", "error"]
    assert out["restored"].iloc[0] == toy_restorer.restore(DOC).text
    assert json.loads(out["edits"].iloc[0]) == [e.to_dict() for e in toy_restorer.restore(DOC).edits]
    assert "missing field" in out["error"].iloc[3] and pd.isna(out["error"].iloc[1])
    threshold = (toy_restorer.detect(DOC).spin_score + toy_restorer.detect(CLEAN).spin_score) / 2
    filtered = rdask.restore_dataframe(ddf, "text", restorer=spec, mode="filter", max_spin=threshold).compute()
    assert set(filtered["id"]) == {1, 3, 4}  # the row without text is kept (with its error)


def test_batch_run_on_dask_executor_matches_local(client, spec, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": DOC if i % 2 else CLEAN}) + "\n" for i in range(40)))
    run(str(src), str(tmp_path / "local.jsonl"), spec=spec, progress=False)
    run(str(src), str(tmp_path / "dask.jsonl"), spec=spec, progress=False, chunk_records=5,
        executor=client.get_executor(pure=False))
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()


def test_batch_cli_dask_address(client, spec, tmp_path, toy_lexicon_path):
    from restore.cli import main
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": DOC}) + "\n" for i in range(10)))
    address = client.scheduler.address
    code = main(["batch", f"--dask={address}", str(src), "-o", str(tmp_path / "out.jsonl"), "-q",
                 "--lexicon", str(toy_lexicon_path), "--lexicon-only"])
    assert code == 0
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 10


def test_learn_on_a_local_dask_cluster_matches_in_process(tmp_path):
    pytest.importorskip("datasketch")
    import json

    from restore.cli import main
    from test_learn import ARTICLES, spin
    path = tmp_path / "c.jsonl"
    rows = [{"id": f"s{i}", "text": a} for i, a in enumerate(ARTICLES)] + \
           [{"id": f"c{i}", "text": spin(a)} for i, a in enumerate(ARTICLES)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    outs = []
    for extra in ([], ["--dask", "-j", "1"]):
        out, links = tmp_path / f"t{len(extra)}.tsv", tmp_path / f"l{len(extra)}.jsonl"
        assert main(["learn", str(path), "-o", str(out), "--links", str(links), "--min-count", "1", "-q", *extra]) == 0
        outs.append((out.read_bytes(), links.read_bytes()))
    assert outs[0] == outs[1] and outs[0][1].count(b"\n") == 3
