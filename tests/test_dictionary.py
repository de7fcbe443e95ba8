"""Spinner dictionaries: the readers, trust classes, spinner modes, and the gate that keeps clean text."""

import json
import subprocess
import sys

import pytest

from restore import Lexicon, LexiconError, Restorer
from restore.modes import for_mode
from restore.dictionary import detect_format, group_pairs, read_lines

GROUPS = """city|town|metropolis
said|mentioned|stated
officials|officers
year|twelve months
countries|nations|international locations
war|struggle|warfare
new|brand new
"""

# A news paragraph rewritten with GROUPS in head-only mode: every head word replaced.
SPUN = ("Town officers mentioned on Tuesday that the metropolis will open a brand new bridge next twelve months. "
        "The officers stated the struggle had cost the town dearly, and that international locations in the "
        "region mentioned they would help. Metropolis officers mentioned the brand new bridge would carry "
        "traffic across the river, and the nations that fought in the struggle stated they would send "
        "engineers. The town has waited a twelve months for it, officers mentioned.")
ORIGINAL_WORDS = {"city", "officials", "said", "year", "countries", "war", "new"}

# Clean prose full of the dictionary's words, head and non-head alike.
CLEAN = ("The city said on Tuesday that the new bridge will open next year. Officials from several countries "
         "said the war had ended, and the town of Millbrook, a small metropolis by local standards, stated that "
         "its officers would attend. Nations in the region said they welcomed the news.")


@pytest.fixture()
def groups_file(tmp_path):
    path = tmp_path / "thesaurus.txt"
    path.write_text(GROUPS, encoding="utf-8")
    return path


def test_group_file_is_a_dictionary_in_both_modes(groups_file):
    lex = Lexicon().load(groups_file)
    assert detect_format(read_lines(groups_file)) == "groups"
    town = dict(lex.lookup("town"))
    assert set(town) == {"city", "metropolis"}          # shuffle mode: any other member
    sources = {e.text: e.source for e in lex._get("town")}
    assert sources["city"].startswith("dictionary:") and sources["metropolis"].startswith("dictionary-shuffle:")
    assert "city" in lex.heads and "international locations" not in lex.heads
    assert lex.lookup("international locations") == [("countries", 0.5), ("nations", 0.5)]


def test_phrase_trust_gives_the_pairs_of_one_mode(groups_file):
    lex = Lexicon().load(groups_file, trust="phrases", mode="head")
    assert lex.lookup("town") == [("city", 0.5)]
    assert lex.lookup("city") == []
    assert not any(e.source.startswith("dictionary") for e in lex._get("town"))


def test_group_pairs_in_each_mode():
    assert sorted(group_pairs([("a", "b", "c")], "head")) == [("b", "a", 0.5), ("c", "a", 0.5)]
    assert len(list(group_pairs([("a", "b", "c")], "shuffle"))) == 6
    with pytest.raises(ValueError, match="mode"):
        list(group_pairs([("a", "b")], "sideways"))


def test_mythes_reader(tmp_path):
    path = tmp_path / "th_en_US.dat"
    path.write_text("UTF-8\ncity|2\n(noun)|metropolis|urban center|municipality (generic term)\n"
                    "(noun)|metropolis\nwar|1\n(noun)|warfare|peace (antonym)\n", encoding="utf-8")
    assert detect_format(read_lines(path)) == "mythes"
    lex = Lexicon().load(path, trust="phrases")
    assert {o for o, _ in lex.lookup("urban center")} == {"city"}
    assert lex.lookup("warfare") == [("war", 1.0)]
    assert lex.lookup("municipality") == [] and lex.lookup("peace") == []   # hypernyms, antonyms left out


def test_spintax_reader(tmp_path):
    path = tmp_path / "spin.txt"
    path.write_text("{city|town|metropolis} and {said|mentioned}\n{war|struggle}\n", encoding="utf-8")
    assert detect_format(read_lines(path)) == "spintax"
    lex = Lexicon().load(path)
    assert ("city", 0.5) in lex.lookup("town") and lex.lookup("mentioned") == [("said", 1.0)]
    assert "war" in lex.heads


def test_tsv_and_pps_are_phrase_lists(tmp_path, toy_lexicon_path):
    pps = tmp_path / "pps.tsv"
    pps.write_text("tortured\texpected\ncounterfeit consciousness\tartificial intelligence\n", encoding="utf-8")
    assert detect_format(read_lines(pps)) == "pps" and detect_format(read_lines(toy_lexicon_path)) == "tsv"
    lex = Lexicon().load(pps).load(toy_lexicon_path)
    assert not any(e.source.startswith("dictionary") for e in lex._get("counterfeit consciousness"))
    lex = Lexicon().load(pps, trust="dictionary")
    assert lex._get("counterfeit consciousness")[0].source == "dictionary:pps"


@pytest.mark.parametrize("fmt, content, message", [
    ("groups", "city|town\nno pipes on this line\n", r":2: expected a synonym group"),
    ("spintax", "{a|b}\n{unclosed|group\n", r":2: expected spintax"),
    ("mythes", "UTF-8\ncity|2\n(noun)|town\n", r"ends inside the entry"),
    ("mythes", "UTF-8\ncity\n", r":2: expected a thesaurus entry"),
    ("tsv", "a\tb\tnan\n", r":1: weight must be a finite number above 0"),
    ("tsv", "a\tb\t0\n", r"above 0"),
    ("tsv", "a\tb\t-2\n", r"above 0"),
    ("tsv", "a\tb\tinf\n", r"above 0"),
    ("tsv", " ".join(["word"] * 40) + "\tb\n", r"more than 12 words"),
])
def test_malformed_files_name_the_line(tmp_path, fmt, content, message):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        Lexicon().load(path, format=fmt)


def test_errors_quote_only_a_short_prefix(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("secret-" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        Lexicon().load(path)
    assert len(str(info.value)) < 200 and "secret-secret" in str(info.value)


def test_binary_and_unknown_options_are_refused(tmp_path):
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\0" * 100)
    with pytest.raises(LexiconError, match="binary"):
        Lexicon().load(path)
    with pytest.raises(LexiconError, match="format"):
        Lexicon().load(path, format="xml")
    with pytest.raises(LexiconError, match="trust"):
        Lexicon().load(path, trust="blind")


def test_head_mode_drops_shuffle_only_originals(groups_file):
    r = Restorer(lexicon=Lexicon().load(groups_file))
    spans = r.candidates("The town")
    head = for_mode(spans, "head")
    assert [o.text for o in head[0].options] == ["city"]
    assert {o.text for o in spans[0].options} == {"city", "metropolis"}
    assert for_mode(r.candidates("the city"), "head") == []      # a head is never a head-only spin


def test_spun_document_is_restored_with_the_spinners_dictionary(groups_file):
    result = Restorer(lexicons=[groups_file]).restore(SPUN)
    restored = {e.original.lower() for e in result.edits}
    assert result.spinner_mode == "head"
    assert len(ORIGINAL_WORDS & restored) >= 6, result.explain()
    assert any("spinner dictionary 'thesaurus'" in e.evidence for e in result.edits), result.explain()
    assert result.to_dict()["spinner_mode"] == "head"


def test_clean_text_is_unchanged_with_a_dictionary_loaded(groups_file):
    result = Restorer(lexicons=[groups_file]).restore(CLEAN)
    assert result.text == CLEAN, result.explain()


def test_the_same_file_as_a_phrase_list_touches_clean_text(groups_file):
    # the trust class is what keeps clean text: as a list of facts the same pairs are applied anywhere
    result = Restorer(lexicons=[groups_file], lexicon_trust="phrases").restore(CLEAN)
    assert result.text != CLEAN


def test_spinner_mode_override_and_validation(groups_file):
    r = Restorer(lexicons=[groups_file], spinner_mode="shuffle")
    assert r.restore(SPUN).spinner_mode == "shuffle"
    with pytest.raises(ValueError, match="spinner mode"):
        Restorer(lexicons=[groups_file], spinner_mode="sideways").restore(SPUN)


def test_cli_reads_a_thesaurus_and_reports_the_mode(tmp_path, groups_file):
    doc = tmp_path / "spun.txt"
    doc.write_text(SPUN, encoding="utf-8")
    run = [sys.executable, "-m", "restore", "text", str(doc), "--lexicon", str(groups_file), "--json"]
    proc = subprocess.run(run, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["spinner_mode"] == "head"
    proc = subprocess.run(run + ["--lexicon-format", "mythes"], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert "thesaurus.txt:2: expected a thesaurus entry" in proc.stderr


def test_pooled_mode_reads_documents_together(groups_file):
    r = Restorer(lexicons=[groups_file])
    assert r.pooled_mode([SPUN, SPUN[:200]]) == "head"
    assert r.pooled_mode(["Nothing here is in the thesaurus at all."]) is None
    # a shuffle spinner also writes heads for members: "city" for town, "said" for stated ...
    shuffled = SPUN.replace("Town", "Metropolis").replace("mentioned", "said").replace("officers", "officials")
    assert r.pooled_mode([shuffled]) in ("head", "shuffle")   # defined either way, never an error


def test_batch_pools_the_spinner_mode_over_the_run(tmp_path, groups_file):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": k, "text": t}) + "\n" for k, t in enumerate([SPUN, CLEAN, SPUN[:300]])),
                   encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([sys.executable, "-m", "restore", "batch", str(src), "-o", str(out), "--lexicon",
                           str(groups_file), "--spinner-mode", "pooled"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "spinner mode pooled over 3 records: head" in proc.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [0, 1, 2]
    assert records[1]["restored"] == CLEAN and records[0]["restored"] != SPUN
