"""Speed and scale of the engine: start-up, throughput, peak memory, stages, length and corpus-size curves,
one process against two. Timings use time.perf_counter; memory is the peak resident set size (VmHWM in
/proc/self/status, else resource.getrusage) of a child process that does nothing else.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

from .paths import ROOT
from .text import WORD, count_words

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import restore
t1 = time.perf_counter()
r = restore.Restorer()
t2 = time.perf_counter()
sets = json.load(open(sys.argv[1], encoding="utf-8")) if len(sys.argv) > 1 else {}
out = {"import_s": t1 - t0, "construct_s": t2 - t1, "startup_s": t2 - t0, "sets": {}}
for name, texts in sets.items():
    if texts:
        r.restore(texts[0])
    t = time.perf_counter()
    for text in texts:
        r.restore(text)
    out["sets"][name] = time.perf_counter() - t
# VmHWM is this process image's own peak; ru_maxrss survives exec and may report the parent's size.
try:
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")]
    out["peak_rss_mb"] = int(hwm[0].split()[1]) / 1024
except (OSError, IndexError, ValueError):
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def child_run(sets: dict[str, list[str]]) -> dict:
    """Start a fresh interpreter, load the engine, restore each named list of texts; its own timings
    (start-up, seconds per list after one warm-up call) and peak RSS."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(sets, f)
        path = f.name
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD, path], capture_output=True, text=True, cwd=ROOT)
    finally:
        os.unlink(path)
    if proc.returncode:
        raise RuntimeError(f"engine child process failed: {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


KEYS = ("import_s", "construct_s", "startup_s", "peak_rss_mb")


def startup(repeats: int, first: dict | None = None) -> dict:
    """Median start-up over ``repeats`` fresh processes that load the engine and do nothing else
    (plus ``first``, an earlier child's figures, when given)."""
    runs = [child_run({}) for _ in range(repeats)] + ([first] if first else [])
    return {k: statistics.median(r[k] for r in runs) for k in KEYS} | {"processes": len(runs)}


def throughput(sets: dict[str, list[str]]) -> tuple[dict, dict]:
    """Words/s and docs/s after start-up for each named list, in one fresh process; plus that child's
    raw figures (start-up, peak RSS)."""
    r = child_run(sets)
    out = {}
    for name, texts in sets.items():
        words, sec = sum(count_words(t) for t in texts), r["sets"][name]
        out[name] = {"docs": len(texts), "words": words, "seconds": sec, "words_per_second": words / sec,
                     "docs_per_second": len(texts) / sec, "peak_rss_mb": r["peak_rss_mb"]}
    return out, r


def truncate(text: str, n_words: int) -> str:
    for k, m in enumerate(WORD.finditer(text), 1):
        if k == n_words:
            return text[:m.end()] + "."
    return text


def timed(fn, min_seconds: float = 0.3, max_repeats: int = 20) -> float:
    """Median seconds per call over at least three calls (more for short calls, up to ``min_seconds``)."""
    times: list[float] = []
    while len(times) < max_repeats and (sum(times) < min_seconds or len(times) < 3):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        if times[-1] > 5:  # long documents: one call is enough
            break
    return statistics.median(times)


def length_curve(restorer, long_text: str, lengths) -> list[dict]:
    rows = []
    for n in lengths:
        text = truncate(long_text, n)
        words = count_words(text)
        if words < n * 0.9:
            break
        sec = timed(lambda: restorer.restore(text))
        rows.append({"words": words, "seconds": sec, "words_per_second": words / sec})
    return rows


def corpus_curve(restorer, texts: list[str], sizes) -> list[dict]:
    rows = []
    for n in sizes:
        batch = (texts * (n // max(1, len(texts)) + 1))[:n]
        words = sum(count_words(t) for t in batch)
        t = time.perf_counter()
        for _ in restorer.restore_many(batch):
            pass
        sec = time.perf_counter() - t
        rows.append({"docs": n, "words": words, "seconds": sec, "docs_per_second": n / sec,
                     "words_per_second": words / sec})
    return rows


def stages(restorer, texts: list[str]) -> dict:
    """Where restore() spends its time: the engine's own timings when it reports them, else a profile
    grouped by engine module (profiling slows everything a little; the shares are what matter)."""
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    for text in texts:
        restorer.restore(text)
    prof.disable()
    wall = time.perf_counter() - t
    shares: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in pstats.Stats(prof).stats.items():
        parts = filename.replace("\\", "/").split("/")
        module = f"restore/{parts[-1]}" if len(parts) > 1 and parts[-2] == "restore" else "other (stdlib, libraries)"
        shares[module] = shares.get(module, 0.0) + tottime
    total = sum(shares.values()) or 1.0
    t = time.perf_counter()
    for text in texts:
        restorer.candidates(text)
    cand = time.perf_counter() - t
    return {"profiled_seconds": wall, "by_module": {k: v / total for k, v in sorted(shares.items(), key=lambda kv: -kv[1])},
            "candidates_share": cand / max(1e-9, wall)}


_worker = None


def _init() -> None:
    global _worker
    import restore
    _worker = restore.Restorer()


def _ping(_) -> int:
    """Warm a worker up (the first restore may load lazily) and hold it so every worker gets one."""
    _worker.restore("The officials said the new rules would take effect within 12 months.")
    time.sleep(0.2)
    return os.getpid()


def _restore(text: str) -> float:
    """CPU seconds this worker spent restoring ``text``."""
    t = time.process_time()
    _worker.restore(text)
    return time.process_time() - t


def processes(texts: list[str], counts=(1, 2)) -> list[dict]:
    """Wall time to restore ``texts`` with N worker processes (start-up excluded), and the share of the
    wall time the workers got a CPU (below 1 when other programs compete for the cores)."""
    rows = []
    words = sum(count_words(t) for t in texts)
    for n in counts:
        with ProcessPoolExecutor(max_workers=n, initializer=_init) as pool:
            list(pool.map(_ping, range(2 * n)))
            t = time.perf_counter()
            cpu = sum(pool.map(_restore, texts, chunksize=max(1, len(texts) // (8 * n))))
            sec = time.perf_counter() - t
        rows.append({"processes": n, "seconds": sec, "words_per_second": words / sec, "cpu_seconds": cpu,
                     "cpu_share": cpu / (n * sec)})
    if len(rows) > 1:
        for r in rows:
            r["speedup"] = rows[0]["seconds"] / r["seconds"]
    return rows


def machine() -> dict:
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {"cpus": os.cpu_count(), "load_average_at_start": load, "python": sys.version.split()[0]}
