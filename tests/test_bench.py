"""`restore bench`: runs with whatever inputs this machine has, writes a report, never dirties the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _bench(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    # An empty (but "built") corpus folder: the run must cope with no clean prose at all.
    work = tmp_path / "work"
    (work / "data" / "clean").mkdir(parents=True, exist_ok=True)
    (work / "data" / "clean" / "BUILT").write_text("", encoding="utf-8")
    env = dict(os.environ, BENCHMARKS_WORKDIR=str(work))
    return subprocess.run([sys.executable, "-m", "restore", "bench", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def _tracked_results_state() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--", "benchmarks/results"], cwd=ROOT,
                          capture_output=True, text=True).stdout


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout")
def test_quick_bench_writes_a_report_and_leaves_results_alone(tmp_path):
    before = _tracked_results_state()
    out = tmp_path / "out"
    done = _bench(tmp_path, "--quick", "--restorers", "identity", "--no-speed", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    report = (out / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# Benchmark report") and "quick run" in report
    assert json.loads((out / "results.json").read_text(encoding="utf-8"))["meta"]["restorers"] == ["identity"]
    assert "no clean corpus" in done.stderr  # a skipped input is said, in one line
    assert _tracked_results_state() == before


def test_quick_bench_refuses_to_update_committed_results(tmp_path):
    done = _bench(tmp_path, "--quick", "--update-results")
    assert done.returncode == 2 and "full run" in done.stderr


def test_report_renders_cells_with_missing_numbers(tmp_path):
    from benchmarks import report
    res = {"meta": {"mode": "quick", "date": "today", "commit": None, "seconds": 1.0, "restorers": ["engine"],
                    "machine": {"cpus": 1, "load_average_at_start": None, "python": "3"}},
           "seeds": {"seed001": {"engine": {"spans": {"n": 3}, "wer_before": None, "detection": {"f1": None}}}},
           "synthetic": {"cells": [{"spinner": "phrase", "rate": 0.1, "documents": 0, "engine": {}}],
                         "by_spinner": {"phrase": {"engine": {}}}}}
    report.write(res, tmp_path)   # a skipped input leaves None behind: drawn as "–", never a TypeError
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| phrase | 10% |" in text and "– → –" in text
