import json
import subprocess
import sys

import pytest

from restore.cli import main

SPUN = "Nuclear guns used to be a risk to the 2 international locations within the town.\n"


@pytest.fixture
def run(toy_lexicon_path, capsys):
    def _run(*args):
        code = main([*args, "--no-wordnet", "--lexicon", str(toy_lexicon_path)])
        out, err = capsys.readouterr()
        return code, out, err
    return _run


def test_text_prints_restored_text(run, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(SPUN, encoding="utf-8")
    code, out, err = run("text", str(src))
    assert code == 0 and "Nuclear weapons" in out and "two countries" in out and err == ""


def test_text_explain_json_and_diff(run, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(SPUN, encoding="utf-8")
    code, out, err = run("text", str(src), "--explain")
    assert code == 0 and "guns -> " in err and "weapons]" in err
    code, out, _ = run("text", str(src), "--json")
    data = json.loads(out)
    assert {"text", "edits", "spin_score", "flags"} <= set(data)
    assert any(e["spun"].endswith("guns") and e["original"].endswith("weapons") for e in data["edits"])
    code, out, _ = run("text", str(src), "--diff", "--color", "never")
    assert "guns-]{+" in out and "weapons+}" in out


def test_detect_lists_spans_and_score(run, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(SPUN, encoding="utf-8")
    code, out, err = run("detect", str(src))
    header, *rows = out.splitlines()
    assert code == 0 and header.split("\t")[:2] == ["start", "end"] and "guns" in out
    assert all(len(r.split("\t")) == len(header.split("\t")) for r in rows)
    assert err.startswith("spin score")


def test_output_file_is_written_atomically_and_input_kept(run, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(SPUN, encoding="utf-8")
    dst = tmp_path / "out.txt"
    code, out, _ = run("text", str(src), "-o", str(dst))
    assert code == 0 and out == ""
    assert "weapons" in dst.read_text(encoding="utf-8")
    assert src.read_text(encoding="utf-8") == SPUN
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_refuses_to_overwrite_input(run, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(SPUN, encoding="utf-8")
    code, _, err = run("text", str(src), "-o", str(src))
    assert code == 1 and "overwrite the input" in err
    assert src.read_text(encoding="utf-8") == SPUN


@pytest.mark.parametrize("content, message", [
    (b"abc\x00def", "binary"),
    (b"caf\xe9 au lait", "not valid UTF-8"),
])
def test_bad_input_gives_clear_error(run, tmp_path, content, message):
    src = tmp_path / "bad.txt"
    src.write_bytes(content)
    code, out, err = run("text", str(src))
    assert code == 1 and message in err and out == ""


def test_missing_file_and_directory(run, tmp_path):
    code, _, err = run("text", str(tmp_path / "missing.txt"))
    assert code == 1 and "no such file" in err
    code, _, err = run("detect", str(tmp_path))
    assert code == 1 and "is a directory" in err


def test_bad_lexicon_is_an_input_error(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text(SPUN, encoding="utf-8")
    lex = tmp_path / "bad.tsv"
    lex.write_text("no tabs here\n", encoding="utf-8")
    code = main(["text", str(src), "--no-wordnet", "--lexicon", str(lex)])
    assert code == 1 and "expected" in capsys.readouterr().err


def test_usage_error_exit_code():
    proc = subprocess.run([sys.executable, "-m", "restore", "text"], capture_output=True, text=True)
    assert proc.returncode == 2 and "usage" in proc.stderr


def test_version(capsys):
    import restore
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.strip() == f"restore {restore.__version__}"


def test_stdin_and_utf8_bom(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "restore", "text", "-", "--no-wordnet"],
                          input="\ufeffThe Korean Struggle ended.".encode("utf-8"), capture_output=True)
    assert proc.returncode == 0
    assert proc.stdout.decode("utf-8").startswith("\ufeffThe Korean")  # the BOM is kept


def test_progress_bar_only_for_a_neural_model_on_a_terminal(monkeypatch, capsys):
    import argparse
    from restore import cli
    monkeypatch.setattr(cli.sys.stderr, "isatty", lambda: True, raising=False)
    with cli._Bar(argparse.Namespace(lm="ngram")) as bar:
        assert bar is None          # the n-gram decoder is fast: no bar
    with cli._Bar(argparse.Namespace(lm="gemma")) as bar:
        bar(1, 4)
        bar(4, 4)
    assert "rescoring" in capsys.readouterr().err
    monkeypatch.setattr(cli.sys.stderr, "isatty", lambda: False, raising=False)
    with cli._Bar(argparse.Namespace(lm="gemma")) as bar:
        assert bar is None          # piped or logged: no bar


def test_text_detect_and_batch_share_one_set_of_engine_options(tmp_path, capsys):
    import pytest

    from restore.cli import build_parser
    parser = build_parser()
    engine = {"lm", "lexicon", "lexicon_format", "lexicon_trust", "lexicon_only", "spinner_mode", "profile",
              "no_wordnet", "min_confidence"}
    for argv in (["text", "x"], ["detect", "x"], ["batch", "x", "-o", "y.jsonl"]):
        assert engine <= set(vars(parser.parse_args(argv)))
    src = tmp_path / "a.txt"
    src.write_text("Officials said the plan would help.\n", encoding="utf-8")
    for argv in (["text", str(src), "--lexicon-only"], ["text", str(src), "--min-confidence", "1.5"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    assert main(["batch", str(src), "-o", str(tmp_path / "o.jsonl"), "--lexicon-only", "-q"]) == 2
    assert "--lexicon-only needs" in capsys.readouterr().err


def test_lexicon_only_in_text_uses_just_the_given_lexicon(run, tmp_path, toy_lexicon_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text("Officials said the plan would help local businesses.\n", encoding="utf-8")
    assert main(["text", str(src), "--lexicon-only", "--lexicon", str(toy_lexicon_path), "--json"]) == 0
    import json
    out = json.loads(capsys.readouterr().out)
    assert out["text"] == src.read_text(encoding="utf-8")


def test_batch_takes_the_science_profile(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text('{"text": "The counterfeit consciousness model was trained."}\n', encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["batch", str(src), "-o", str(out), "--profile", "science", "-q"]) == 0
    import json
    assert "restored" in json.loads(out.read_text(encoding="utf-8").splitlines()[0])
