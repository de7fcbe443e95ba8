"""restore.induce: a spinner's pairs induced from spun documents alone, on a tiny corpus."""

from __future__ import annotations

import argparse
import json
import re

import pytest

from restore.induce import (Candidate, Corpus, Evidence, Inducer, contexts, doc_words, features, gather, induced_tsv,
                            log_odds, weigh)
from restore.induce_cli import add_induce_parser, cmd_induce
from restore.lexicon import Lexicon

ARTICLES = [
    "The city council said on Tuesday that the new bridge over the river would open in the spring. Officials "
    "in the town expect heavy traffic as soon as it opens, and the police will close two streets during the "
    "first week. The mayor told reporters that the project had cost more than planned, but she said the "
    "money was well spent because the old bridge was no longer safe for children.",
    "Farmers in the northern valley are worried about the dry weather. The river is lower than it has been "
    "in years, and many wells have run dry as the summer goes on. The local government said it would send "
    "water trucks to the villages, and a spokesman said the army could help if the drought lasts into the "
    "autumn. Prices for wheat and corn have already risen in the markets of the region.",
    "The museum will show a collection of old maps from the sixteenth century. The maps were found in a "
    "library in the capital and have never been shown in public. The director said the exhibition would "
    "open in March and that schools could visit for free. Experts believe that some of the maps were drawn "
    "by sailors who travelled along the coast as far as the southern islands.",
]
# Two farms: each writes its own odd words; a copy by each of one article gives the copy evidence.
FARMS = [{"said": "stated", "river": "stream", "old": "aged"}, {"the city": "the metropolis", "would": "might",
                                                                 "maps": "charts"}]


def spin(text: str, table: dict) -> str:
    for a, b in sorted(table.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"(?<![\w,]){re.escape(a)}(?![\w,])", b, text)
    return text


def corpus_texts() -> list[str]:
    return [spin(a, f) for a in ARTICLES for f in FARMS]


class FakeLM:
    """Every word costs 5 nats, except the ones listed (a model that finds them natural)."""

    order = 3

    def __init__(self, cheap: set[str]):
        self.cheap = cheap

    def logprob(self, word, history):
        return -1.0 if word in self.cheap else -5.0


def test_doc_words_marks_sentences_and_names():
    words, ok = doc_words("He met Anna in Paris. Then he left")
    assert words == ["<s>", "he", "met", "anna", "in", "paris", "</s>", "<s>", "then", "he", "left", "</s>"]
    assert ok == [False, True, True, False, True, False, False, False, True, True, True, False]


def test_gather_finds_lexicon_phrases_but_not_names_nor_possessives():
    lex = Lexicon()
    lex.add("stated", "said")
    lex.add("the metropolis", "the city")
    lex.add("paris", "france")
    c = gather(["The metropolis stated it. We think Paris stated the metropolis's plan.", None], lex)
    assert sorted(c.places) == ["stated", "the metropolis"]
    assert [p[0] for p in c.places["stated"]] == [0, 0]
    assert c.places["the metropolis"] == [(0, 1, 3)]   # sentence start; the possessive is left out
    assert len(c.words) == 2 and c.total == 11


def test_contexts_take_one_place_per_document_first():
    places = [(0, 1, 2), (0, 5, 6), (1, 2, 3), (2, 1, 2), (2, 4, 5)]
    assert contexts(places, 4) == [(0, 1, 2), (1, 2, 3), (2, 1, 2), (0, 5, 6)]


def test_weigh_counts_margins_and_wins_per_context():
    lex = Lexicon()
    lex.add("stated", "said")
    c = gather(["They stated it. We stated that.", "You stated so."], lex)
    cands = [Candidate(("said",), 0.5), Candidate(("told",), 0.3)]
    ev = weigh(FakeLM({"said"}), c, "stated", cands)
    assert (ev.occurrences, ev.documents, ev.contexts) == (3, 2, 3)
    assert cands[0].wins == 3 and cands[0].margin == pytest.approx(12.0)
    assert cands[1].wins == 0 and cands[1].margin == 0.0


def test_features_and_log_odds():
    c = Corpus(total=1000)
    c.counts.update({"said": 10})
    ev = Evidence("stated", occurrences=5, documents=3, contexts=4)
    cand = Candidate(("said",), 0.5, margin=8.0, wins=3)
    x = features(ev, cand, c, FakeLM(set()))
    assert x[0] == 0.75 and x[1] == 2.0 and x[7] == 0.5   # no copies: the kept share is the prior
    assert log_odds(x, (1.0,) + (0.0,) * len(x)) == 1.0
    assert log_odds(x, (0.0, 2.0) + (0.0,) * (len(x) - 1)) == 1.5


def test_induced_pairs_are_the_farms_and_load_as_a_dictionary(tmp_path):
    import restore
    pytest.importorskip("datasketch")
    rows = Inducer().induce(corpus_texts())
    truth = {(b.split()[-1], a.split()[-1]) for f in FARMS for a, b in f.items()}
    pairs = {(s, o) for s, o, *_ in rows}
    assert pairs and pairs <= truth
    assert all(0 < w <= 1 and n >= 3 and d >= 2 for _, _, w, n, d in rows)
    path = tmp_path / "induced.tsv"
    path.write_text(induced_tsv(rows, "test"), encoding="utf-8")
    lines = path.read_text().splitlines()
    assert lines[1] == "spun\toriginal\tweight\tsource\tcount\tdocuments"
    assert all(line.split("\t")[3] == "induced" and len(line.split("\t")) == 6 for line in lines[2:])
    r = restore.Restorer(lexicons=[path], lexicon_trust="dictionary")
    s, o = sorted(pairs)[0]
    assert o in [x for x, _ in r.lexicon.lookup(s)]


def test_no_copies_no_repeats_nothing_induced():
    # each odd word once: a one-off proves nothing
    rows = Inducer().induce([spin(ARTICLES[0], FARMS[0]), ARTICLES[1], ARTICLES[2]])
    assert rows == []


def run_cli(tmp_path, *extra) -> tuple[int, str]:
    path = tmp_path / "corpus.jsonl"
    lines = [json.dumps({"id": f"d{i}", "text": t}) for i, t in enumerate(corpus_texts())]
    lines.insert(2, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parser = argparse.ArgumentParser()
    add_induce_parser(parser.add_subparsers())
    out = tmp_path / "induced.tsv"
    args = parser.parse_args(["induce", str(path), "-o", str(out), "--summary", str(tmp_path / "s.json"), *extra])
    return args.func(args), out


def test_cli_handler_writes_the_table_and_summary(tmp_path, capsys):
    pytest.importorskip("datasketch")
    rc, out = run_cli(tmp_path)
    assert rc == 0
    first = out.read_bytes()
    assert first.startswith(b"# induced by restore induce from 6 documents")
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["records"] == 7 and summary["unreadable"] == 1 and summary["induced"] >= 1
    err = capsys.readouterr().err
    assert "skipping record" in err and "pairs induced" in err
    rc, out = run_cli(tmp_path)
    assert out.read_bytes() == first                       # deterministic
    rc, out = run_cli(tmp_path, "--min-score", "99")
    assert rc == 0 and len(out.read_text().splitlines()) == 2


def test_cli_handler_rejects_bad_settings(tmp_path):
    assert run_cli(tmp_path, "--min-docs", "0")[0] == 2
    assert cmd_induce is not None


def test_a_corpus_without_copies_gets_the_contexts_only_model():
    from restore.induce import COEFFICIENTS_ALONE, MIN_SCORE_ALONE
    inducer = Inducer()
    inducer.induce([spin(a, FARMS[0]) for a in ARTICLES])   # one copy of each article
    assert inducer.stats["copy_pairs"] == 0
    assert inducer.coefficients == COEFFICIENTS_ALONE and inducer.min_score == MIN_SCORE_ALONE
    assert Inducer(min_score=-5.0).min_score == -5.0


def test_phrases_faced_in_copies_become_candidates():
    from restore.consensus import CopyEvidence
    from restore.induce import add_faced, candidates_of
    lex = Lexicon()
    lex.add("stated", "said")
    c = gather(["They stated it. The zorbly river.", "We stated the zorbly lake. Zorbly Paris."], lex)
    c.copies = CopyEvidence()
    c.copies.facing.update({("zorbly", "old"): 2, ("stated", "told"): 3, ("stated", "said"): 2, ("it", "that"): 1})
    add_faced(c)
    assert c.faced == {"stated": ["said", "told"], "zorbly": ["old"]}
    assert [p[0] for p in c.places["zorbly"]] == [0, 1, 1]     # gathered although no lexicon lists it
    cands = candidates_of(lex, "stated", faced=c.faced["stated"])
    assert [(x.text, x.listed) for x in cands] == [("said", True), ("told", False)]
    assert "it" not in c.faced                                  # faced once: not a candidate
