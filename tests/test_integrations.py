"""The `datasets` batched function and the datatrove steps, run by the real libraries on a small corpus."""

from __future__ import annotations

import gzip
import json

import pytest

from conftest import ROOT

EXAMPLE = (ROOT / "examples" / "spun_news.txt").read_text(encoding="utf-8")
CLEAN = "The mayor said the new bridge would open next year, and residents welcomed the news."
TEXTS = [EXAMPLE, CLEAN, "", EXAMPLE.split("\n")[0], CLEAN + " " + CLEAN]


def test_datasets_map_batched_with_processes(restorer):
    datasets = pytest.importorskip("datasets", reason="the datasets extra")
    from restore.integrations import RestoreBatch
    ds = datasets.Dataset.from_dict({"id": list(range(len(TEXTS))), "text": TEXTS})
    out = ds.map(RestoreBatch(field="text"), batched=True, batch_size=2, num_proc=2)
    assert out.column_names == ["id", "text", "spin_score", "restored", "edits"]
    for row, text in zip(out, TEXTS):
        expected = restorer.restore(text) if text else None
        assert row["restored"] == (expected.text if expected else text)
        assert row["spin_score"] == pytest.approx(expected.spin_score if expected else 0.0)
        assert len(json.loads(row["edits"])) == (len(expected.edits) if expected else 0)
    kept = out.filter(lambda row: row["spin_score"] <= 0.3)
    assert CLEAN in kept["text"] and EXAMPLE not in kept["text"]
    det = ds.map(RestoreBatch(mode="detect"), batched=True)
    assert det["spin_score"] == pytest.approx(out["spin_score"])


def test_restore_batch_rejects_a_missing_column():
    from restore.integrations import RestoreBatch
    with pytest.raises(KeyError, match="body"):
        RestoreBatch(field="body")({"text": ["x"]})
    with pytest.raises(ValueError, match="mode"):
        RestoreBatch(mode="fix")


def test_datatrove_pipeline_restores_and_filters(tmp_path, restorer):
    pytest.importorskip("datatrove", reason="the datatrove extra")
    from datatrove.data import Document
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.writers import JsonlWriter
    from restore.integrations.datatrove_step import RestoreDocuments, SpinFilter
    docs = [Document(text=t, id=str(k)) for k, t in enumerate(TEXTS)]
    pipeline = [docs, SpinFilter(max_spin=0.3, exclusion_writer=JsonlWriter(str(tmp_path / "spun"))),
                RestoreDocuments(), JsonlWriter(str(tmp_path / "kept"))]
    LocalPipelineExecutor(pipeline=pipeline, tasks=1, logging_dir=str(tmp_path / "logs")).run()

    def read(folder):
        rows = []
        for path in sorted((tmp_path / folder).glob("*.jsonl.gz")):
            with gzip.open(path, "rt", encoding="utf-8") as f:
                rows += [json.loads(line) for line in f]
        return {r["id"]: r for r in rows}
    kept, spun = read("kept"), read("spun")
    assert set(kept) | set(spun) == {str(k) for k in range(len(TEXTS))} and not set(kept) & set(spun)
    for k, text in enumerate(TEXTS):
        if not text:
            continue
        score = restorer.detect(text).spin_score
        row = kept.get(str(k)) or spun[str(k)]
        assert row["metadata"]["spin_score"] == pytest.approx(score)
        assert (str(k) in kept) == (score <= 0.3)
        if str(k) in kept:
            assert row["text"] == restorer.restore(text).text
            assert len(row["metadata"]["restore_edits"]) == len(restorer.restore(text).edits)


def test_scrape_example_extracts_the_article_and_restores_it():
    trafilatura = pytest.importorskip("trafilatura", reason="the scrape extra")
    import subprocess
    import sys
    import restore
    page = ROOT / "examples" / "spun_news.html"
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "scrape_and_restore.py"), str(page)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    article = trafilatura.extract(page.read_text(encoding="utf-8"))
    assert done.stdout.strip() == restore.restore_text(article).text.strip()
    for boilerplate in ("Home", "Trending", "Copyright", "Cookie"):
        assert boilerplate not in done.stdout
    assert "City officials said on Tuesday" in done.stdout and "spin score" in done.stderr
