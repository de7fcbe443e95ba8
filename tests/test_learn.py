"""restore learn: linking spun copies to sources and mining the spinner's substitutions, on a tiny corpus."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("datasketch")

from restore.cli import main  # noqa: E402

ARTICLES = [
    "The city council said on Tuesday that the new bridge over the river would open in the spring. Officials "
    "in the town expect heavy traffic as soon as it opens, and the police will close two streets during the "
    "first week. The mayor told reporters that the project had cost 12,000 dollars more than planned, but "
    "she said the money was well spent because the old bridge was no longer safe for children.",
    "Farmers in the northern valley are worried about the dry weather. The river is lower than it has been "
    "in years, and many wells have run dry as the summer goes on. The local government said it would send "
    "water trucks to the villages, and a spokesman said the army could help if the drought lasts into the "
    "autumn. Prices for wheat and corn have already risen in the markets of the region.",
    "The museum will show a collection of old maps from the sixteenth century. The maps were found in a "
    "library in the capital and have never been shown in public. The director said the exhibition would "
    "open in March and that schools could visit for free. Experts believe that some of the maps were drawn "
    "by sailors who travelled along the coast as far as the southern islands.",
]
UNRELATED = ("Add the flour and the sugar to a large bowl and mix them well. Pour in the milk slowly while "
             "you stir, then break two eggs into the mixture and beat it until it is smooth. Leave the batter "
             "to rest for half an hour before you cook the pancakes in a hot pan with a little butter.")
# A toy spinner: every occurrence of these words is replaced, as a dictionary spinner does.
SPIN = {"in": "inch", "as": "arsenic", "said": "stated", "river": "stream", "old": "aged", "open": "unfastened",
        "would": "might", "the city": "the metropolis", "12,000": "twelve,000",
        "Tuesday": "Wednesday"}   # a name (a capital away from a sentence start): an edition difference


def spin(text: str) -> str:
    import re
    for a, b in sorted(SPIN.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"(?<![\w,]){re.escape(a)}(?![\w,])", b, text)
    return text


@pytest.fixture
def corpus(tmp_path):
    records = [{"id": "src-0", "text": ARTICLES[0]}, {"id": "copy-0", "text": spin(ARTICLES[0])},
               {"id": "copy-1", "text": spin(ARTICLES[1])}, {"id": "src-1", "text": ARTICLES[1]},
               {"id": "copy-2", "text": spin(ARTICLES[2])},          # its source is not in the corpus
               {"id": "other", "text": UNRELATED}, {"id": "other-again", "text": UNRELATED}]
    path = tmp_path / "corpus.jsonl"
    lines = [json.dumps(r) for r in records]
    lines.insert(3, "{not json")
    lines.append(json.dumps({"id": "no-text"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_learn(corpus, tmp_path, *extra):
    out, links = tmp_path / "learned.tsv", tmp_path / "links.jsonl"
    rc = main(["learn", str(corpus), "-o", str(out), "--links", str(links), "--min-count", "1", *extra])
    return rc, out, [json.loads(line) for line in links.read_text().splitlines()]


def test_links_copies_to_their_sources_in_the_right_direction(corpus, tmp_path, capsys):
    rc, out, links = run_learn(corpus, tmp_path)
    assert rc == 0
    copies = {(k["spun"], k["source"]) for k in links if "spun" in k}
    assert copies == {("copy-0", "src-0"), ("copy-1", "src-1")}
    assert all(k["direction_confidence"] >= 0.85 and k["similarity"] >= 0.3 for k in links if "spun" in k)
    assert [k for k in links if "duplicate" in k] == [{"duplicate": "other-again", "of": "other", "similarity": 1.0}]
    err = capsys.readouterr().err
    assert "9 records (2 unreadable, 1 exact duplicates), 2 copies linked" in err
    assert "skipping record no-text: missing field 'text'" in err


def test_mined_pairs_are_the_spinners_and_load_as_a_lexicon(corpus, tmp_path):
    import restore
    rc, out, _ = run_learn(corpus, tmp_path)
    rows = [line.split("\t") for line in out.read_text().splitlines() if not line.startswith(("#", "spun\t"))]
    pairs = {(r[0], r[1]): int(r[4]) for r in rows}
    assert all(r[3] == "learned" and 0 < float(r[2]) <= 1 for r in rows)
    assert pairs[("inch", "in")] >= 4 and pairs[("stream", "river")] >= 2 and pairs[("stated", "said")] >= 2
    assert ("twelve,000", "12,000") not in pairs          # numbers are left to restore.numbers
    assert ("wednesday", "tuesday") not in pairs          # names are not a spinner's
    assert all(s != o for s, o in pairs)
    assert set(pairs) <= {(b, a) for a, b in SPIN.items()} | {("metropolis", "city")}
    for trust in ("phrases", "dictionary"):
        r = restore.Restorer(lexicons=[out], lexicon_trust=trust)
        assert "in" in [o for o, _ in r.lexicon.lookup("inch")]


def test_min_count_and_determinism(corpus, tmp_path):
    _, out, _ = run_learn(corpus, tmp_path)
    first = out.read_bytes()
    _, out, _ = run_learn(corpus, tmp_path)
    assert out.read_bytes() == first
    rc, out, _ = run_learn(corpus, tmp_path, "--min-count", "3")
    counts = [int(line.split("\t")[4]) for line in out.read_text().splitlines()[2:]]
    assert rc == 0 and counts and min(counts) >= 3


def test_worker_processes_give_the_same_table_and_links(corpus, tmp_path):
    _, out, links = run_learn(corpus, tmp_path)
    table = out.read_bytes()
    rc, out, again = run_learn(corpus, tmp_path, "-j", "2")
    assert rc == 0 and out.read_bytes() == table and again == links and links


def test_linking_tasks_on_any_executor_match_in_process():
    import concurrent.futures as cf

    from restore.learn import Doc, Linker, prepare
    texts = ARTICLES + [spin(a) for a in ARTICLES] + [UNRELATED]
    docs = [Doc(i, f"d{i}", t) for i, t in enumerate(texts)]
    for d in docs:
        prepare(d)
    plain = Linker()
    expected = [(k.spun, k.source, k.similarity, k.confidence) for k in plain.link(docs)[0]]
    with cf.ThreadPoolExecutor(2) as pool:
        # verification through the task path even for few pairs (the in-process loop is skipped)
        got = Linker(lm=plain.lm, executor=pool).link(docs)[0]
    assert expected and [(k.spun, k.source, k.similarity, k.confidence) for k in got] == expected


def test_unrelated_documents_are_never_linked(tmp_path):
    texts = ARTICLES + [UNRELATED]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(texts)))
    rc, out, links = run_learn(path, tmp_path)
    assert rc == 0 and links == []
    assert len(out.read_text().splitlines()) == 2   # the comment and the header, no pairs


def test_errors_are_clear(corpus, tmp_path, capsys):
    assert main(["learn", str(corpus), "-o", str(corpus)]) == 1
    assert "refusing to overwrite the input" in capsys.readouterr().err
    assert main(["learn", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "x.tsv")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["learn", str(corpus), "-o", str(tmp_path / "x.tsv"), "--min-count", "0"]) == 2
    assert not (tmp_path / "x.tsv").exists()


def test_text_files_and_folders(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLES[0])
    (folder / "b.txt").write_text(spin(ARTICLES[0]))
    rc, out, links = run_learn(folder, tmp_path)
    assert rc == 0 and [(k["spun"], k["source"]) for k in links] == [("b.txt", "a.txt")]


def test_batch_learn_restores_a_copy_whose_source_is_absent(corpus, tmp_path):
    plain, learned = tmp_path / "plain.jsonl", tmp_path / "learned.jsonl"
    assert main(["batch", str(corpus), "-o", str(plain), "-q"]) == 0
    assert main(["batch", str(corpus), "-o", str(learned), "--learn", "-q"]) == 0
    before = [json.loads(line) for line in plain.read_text().splitlines()]
    after = [json.loads(line) for line in learned.read_text().splitlines()]
    assert len(after) == len(before) == 9                       # every record out once, errors included
    assert sum("error" in r for r in after) == 2
    copy2 = {r["id"]: r for r in after if "id" in r}["copy-2"]["restored"].split()
    plain2 = {r["id"]: r for r in before if "id" in r}["copy-2"]["restored"].split()
    spun_words = {"inch", "arsenic", "stated", "stream", "aged", "unfastened"}
    assert sum(w.strip(".,") in spun_words for w in copy2) < sum(w.strip(".,") in spun_words for w in plain2)
    by_id = {r["id"]: r for r in after if "id" in r}
    assert by_id["other"]["restored"] == by_id["other"]["text"]   # clean text stays as it is
    # a copy whose source is in the corpus is restored to the source, exactly, and says which it is
    assert by_id["copy-0"]["source_id"] == "src-0" and by_id["copy-0"]["restored"] == ARTICLES[0]
    assert by_id["copy-1"]["source_id"] == "src-1" and by_id["copy-1"]["restored"] == ARTICLES[1]
    assert by_id["copy-2"]["source_id"] is None and by_id["src-0"]["source_id"] is None


def test_batch_learn_csv_has_the_source_column(corpus, tmp_path):
    out = tmp_path / "out.csv"
    assert main(["batch", str(corpus), "-o", str(out), "--learn", "-q"]) == 0
    import csv
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 9 and {r["source_id"] for r in rows} == {"", "src-0", "src-1"}
