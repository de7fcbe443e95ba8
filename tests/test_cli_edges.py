"""Edges of the command line: pickled models, non-UTF-8 terminals, interrupts, lexicons on a pipe."""

import json
import os
import pickle
import subprocess
import sys

import pytest

from restore import batch
from restore.cli import main

DOC = "Nuclear guns used to be a risk to the 2 international locations within the town."


def test_pickled_bin_model_folder_is_a_clean_error(tmp_path, capsys):
    pytest.importorskip("transformers")
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text(json.dumps({"model_type": "bert", "architectures": ["BertForMaskedLM"]}))
    (model / "pytorch_model.bin").write_bytes(pickle.dumps({"weights": 1}))
    (tmp_path / "in.txt").write_text(DOC)
    assert main(["text", str(tmp_path / "in.txt"), "--lm", str(model), "--no-wordnet"]) == 1
    err = capsys.readouterr().err
    assert "pickled" in err and "safetensors" in err and "Traceback" not in err and len(err) < 400


def test_non_utf8_stdout_is_not_bad_input(tmp_path, toy_lexicon_path):
    src = tmp_path / "in.txt"
    src.write_text("Café guns within the town. " + DOC, encoding="utf-8")
    env = dict(os.environ, PYTHONIOENCODING="ascii")
    done = subprocess.run([sys.executable, "-m", "restore", "text", str(src), "--no-wordnet", "--lexicon",
                           str(toy_lexicon_path)], capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8").startswith("Café")  # the text's own encoding, UTF-8


def test_interrupt_message_counts_what_resume_starts_from(tmp_path, toy_lexicon_path, monkeypatch, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": DOC}) + "\n" for i in range(100)), encoding="utf-8")
    spec = batch.RestorerSpec(lexicons=(str(toy_lexicon_path),), lexicon_only=True)
    opts = dict(spec=spec, progress=False, checkpoint_every=30, chunk_records=4)
    original, calls = batch._Run._write, {"n": 0}

    def interrupting(self, results):
        calls["n"] += 1
        if calls["n"] == 12:  # 44 documents written, the last checkpoint at 30
            raise KeyboardInterrupt
        return original(self, results)

    monkeypatch.setattr(batch._Run, "_write", interrupting)
    with pytest.raises(KeyboardInterrupt):
        batch.run(str(src), str(tmp_path / "o.jsonl"), **opts)
    monkeypatch.setattr(batch._Run, "_write", original)
    err = capsys.readouterr().err
    summary = batch.run(str(src), str(tmp_path / "o.jsonl"), resume=True, **opts)
    assert summary.resumed_at == 30
    assert "interrupted after 44 documents (30 documents are saved" in err


def test_lexicon_from_stdin_works_in_batch(tmp_path):
    from conftest import TOY_LEXICON
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": DOC}) + "\n", encoding="utf-8")
    for jobs in ("1", "2"):
        out = tmp_path / f"o{jobs}.jsonl"
        done = subprocess.run([sys.executable, "-m", "restore", "batch", str(src), "-o", str(out), "--lexicon",
                               "/dev/stdin", "--lexicon-only", "-q", "-j", jobs], input=TOY_LEXICON.encode(),
                              capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        assert "weapons" in json.loads(out.read_text())["restored"]


def test_dask_ctrl_c_prints_no_traceback(tmp_path, toy_lexicon_path):
    """Ctrl-C on a terminal signals the whole process group, Dask's worker processes included."""
    import signal
    import time
    pytest.importorskip("distributed")
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": DOC * 20}) + "\n" for i in range(20000)), encoding="utf-8")
    state = tmp_path / ".o.jsonl.partial.json"
    proc = subprocess.Popen([sys.executable, "-m", "restore", "batch", str(src), "-o", str(tmp_path / "o.jsonl"),
                             "--dask", "-j", "2", "--lexicon", str(toy_lexicon_path), "--lexicon-only", "-q",
                             "--checkpoint-every", "100"], stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if json.loads(state.read_text())["low"] >= 200:
                break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    err = err.decode()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "CancelledError" not in err, err
    assert "documents are saved at the last checkpoint" in err
