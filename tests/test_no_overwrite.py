"""Outputs never overwrite inputs or each other, keep links, pipes, devices and modes, and appear atomically."""

import hashlib
import json
import os
import stat
import threading
from pathlib import Path

import pytest

from restore import batch
from restore.cli import main

DOC = "Nuclear guns used to be a risk to the 2 international locations within the town.\n"


@pytest.fixture
def lex(toy_lexicon_path):
    return ["--lexicon", str(toy_lexicon_path), "--no-wordnet"]


@pytest.fixture
def blex(toy_lexicon_path):
    return ["--lexicon", str(toy_lexicon_path), "--lexicon-only", "-q"]


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_folder_output_refuses_to_overwrite_an_input_file(tmp_path, blex, monkeypatch, capsys):
    (tmp_path / "a.txt").write_text(DOC, encoding="utf-8")
    before = digest(tmp_path / "a.txt")
    monkeypatch.chdir(tmp_path)
    assert main(["batch", "a.txt", "-o", ".", *blex]) == 1
    assert "refusing to overwrite an input file" in capsys.readouterr().err
    assert digest(tmp_path / "a.txt") == before
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.txt").write_text(DOC, encoding="utf-8")
    assert main(["batch", "sub/b.txt", "a.txt", "-o", "sub/", *blex]) == 1  # b.txt would land on itself
    assert digest(sub / "b.txt") == digest(tmp_path / "a.txt") == before
    assert main(["batch", "a.txt", "-o", "out/", *blex]) == 0  # a folder of its own is fine
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") != DOC


def test_spun_output_may_not_be_the_main_output_or_an_input(tmp_path, blex, capsys):
    src = tmp_path / "z.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": DOC}) + "\n" for i in range(20)), encoding="utf-8")
    before = digest(src)
    k = tmp_path / "k.jsonl"
    assert main(["batch", str(src), "-o", str(k), "--mode", "filter", "--spun-output", str(k), *blex]) == 1
    assert "same file" in capsys.readouterr().err and not k.exists()
    k.write_text("old\n")
    os.link(k, tmp_path / "hard.jsonl")
    (tmp_path / "link.jsonl").symlink_to(k)
    for other in ("hard.jsonl", "link.jsonl", "./k.jsonl", "z.jsonl"):
        code = main(["batch", str(src), "-o", str(k), "--mode", "filter", "--spun-output",
                     str(tmp_path / other), *blex])
        assert code == 1, other
    assert k.read_text() == "old\n" and digest(src) == before


def test_text_output_through_a_symlink_keeps_the_link(tmp_path, lex):
    src, real, link = tmp_path / "in.txt", tmp_path / "real.txt", tmp_path / "link.txt"
    src.write_text(DOC, encoding="utf-8")
    real.write_text("old", encoding="utf-8")
    link.symlink_to(real.name)
    assert main(["text", str(src), "-o", str(link), *lex]) == 0
    assert link.is_symlink() and "weapons" in real.read_text(encoding="utf-8")
    blink = tmp_path / "out.jsonl"
    (tmp_path / "target.jsonl").write_text("")
    blink.symlink_to("target.jsonl")
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text(json.dumps({"text": DOC}) + "\n", encoding="utf-8")
    assert main(["batch", str(jsonl), "-o", str(blink), "--lexicon", lex[1], "--lexicon-only", "-q"]) == 0
    assert blink.is_symlink() and "weapons" in json.loads((tmp_path / "target.jsonl").read_text())["restored"]


def _read_fifo(path, into):
    with open(path, "rb") as f:
        into.append(f.read())


@pytest.mark.parametrize("command", ["text", "batch"])
def test_output_to_a_fifo_is_streamed(tmp_path, lex, command):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list = []
    reader = threading.Thread(target=_read_fifo, args=(fifo, got), daemon=True)
    reader.start()
    if command == "text":
        src = tmp_path / "in.txt"
        src.write_text(DOC, encoding="utf-8")
        code = main(["text", str(src), "-o", str(fifo), *lex])
    else:
        src = tmp_path / "in.jsonl"
        src.write_text(json.dumps({"text": DOC}) + "\n", encoding="utf-8")
        code = main(["batch", str(src), "-o", str(fifo), "--lexicon", lex[1], "--lexicon-only", "-q"])
    reader.join(timeout=60)
    assert code == 0 and not reader.is_alive(), "nothing was written to the pipe"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a pipe, not replaced by a file
    assert b"weapons" in got[0]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.skipif(not os.path.exists("/dev/null") or not stat.S_ISCHR(os.stat("/dev/null").st_mode),
                    reason="no /dev/null device")
def test_output_to_dev_null_leaves_the_device(tmp_path, lex):
    src = tmp_path / "in.txt"
    src.write_text(DOC, encoding="utf-8")
    assert main(["text", str(src), "-o", "/dev/null", *lex]) == 0
    assert main(["batch", str(src), "-o", "/dev/null", "--lexicon", lex[1], "--lexicon-only", "-q"]) == 0
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_modes_kept_for_replaced_files_and_umask_for_new_ones(tmp_path, lex):
    src = tmp_path / "in.txt"
    src.write_text(DOC, encoding="utf-8")
    old = os.umask(0o027)
    try:
        existing = tmp_path / "existing.txt"
        existing.write_text("x")
        existing.chmod(0o644)
        assert main(["text", str(src), "-o", str(existing), *lex]) == 0
        assert stat.S_IMODE(existing.stat().st_mode) == 0o644
        assert main(["text", str(src), "-o", str(tmp_path / "new.txt"), *lex]) == 0
        assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
        out = tmp_path / "b.jsonl"
        out.write_text("")
        out.chmod(0o664)
        args = ["--lexicon", lex[1], "--lexicon-only", "-q"]
        assert main(["batch", str(src), "-o", str(out), *args]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o664
        assert main(["batch", str(src), "-o", str(tmp_path / "folder"), *args]) == 0
        assert stat.S_IMODE((tmp_path / "folder" / "in.txt").stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_folder_output_appears_only_at_the_end_and_resumes(tmp_path, toy_lexicon_path, monkeypatch):
    src = tmp_path / "docs"
    src.mkdir()
    for i in range(40):
        (src / f"{i:02d}.txt").write_text(DOC * (1 + i % 3), encoding="utf-8")
    spec = batch.RestorerSpec(lexicons=(str(toy_lexicon_path),), lexicon_only=True)
    opts = dict(spec=spec, progress=False, checkpoint_every=5, chunk_records=2)
    batch.run(str(src), str(tmp_path / "ref"), **opts)
    original = batch._Run._write
    calls = {"n": 0}

    def interrupting(self, results):
        calls["n"] += 1
        if calls["n"] == 9:
            raise KeyboardInterrupt
        return original(self, results)

    monkeypatch.setattr(batch._Run, "_write", interrupting)
    with pytest.raises(KeyboardInterrupt):
        batch.run(str(src), str(tmp_path / "out"), **opts)
    monkeypatch.setattr(batch._Run, "_write", original)
    assert not (tmp_path / "out").exists()  # nothing of the target is visible before the end
    summary = batch.run(str(src), str(tmp_path / "out"), resume=True, **opts)
    assert summary.resumed_at > 0 and summary.documents == 40
    ref = sorted(p.relative_to(tmp_path / "ref") for p in (tmp_path / "ref").rglob("*"))
    assert sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*")) == ref
    for rel in ref:
        assert (tmp_path / "out" / rel).read_bytes() == (tmp_path / "ref" / rel).read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    # into an existing folder: its other files stay, the restored ones arrive at the end
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "keep.me").write_text("mine")
    batch.run(str(src), str(existing), **opts)
    assert (existing / "keep.me").read_text() == "mine" and (existing / "00.txt").exists()


def test_output_kind_mismatch_is_refused_before_the_run(tmp_path, blex, capsys):
    (tmp_path / "a.txt").write_text(DOC, encoding="utf-8")
    (tmp_path / "file").write_text("x")
    (tmp_path / "dir.jsonl").mkdir()
    assert main(["batch", str(tmp_path / "a.txt"), "-o", str(tmp_path / "file") + "/", *blex]) == 1
    assert main(["batch", str(tmp_path / "a.txt"), "-o", str(tmp_path / "dir.jsonl"), *blex]) == 1
    err = capsys.readouterr().err
    assert "is a file" in err and "is a folder" in err
    assert (tmp_path / "file").read_text() == "x" and [p.name for p in tmp_path.iterdir() if p.name[0] == "."] == []


def test_output_to_dev_stdout_reaches_the_pipe(tmp_path, toy_lexicon_path):
    import subprocess
    import sys
    src = tmp_path / "in.txt"
    src.write_text(DOC, encoding="utf-8")
    for args in (["text", str(src), "-o", "/dev/stdout", "--no-wordnet"],
                 ["batch", str(src), "-o", "/dev/stdout", "--lexicon-only", "-q"]):
        done = subprocess.run([sys.executable, "-m", "restore", *args, "--lexicon", str(toy_lexicon_path)],
                              capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        assert b"weapons" in done.stdout
