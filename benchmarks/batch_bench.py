"""Benchmark of ``restore batch``: streaming memory on a large JSONL corpus, and the 1 -> 2 worker speed-up.

    python benchmarks/batch_bench.py                       # 1 GB memory run + speed-up (long)
    python benchmarks/batch_bench.py --size-mb 100         # quicker memory run
    python benchmarks/batch_bench.py --skip-memory         # speed-up only

The corpus is generated (deterministically) into benchmarks/data/, which git ignores. The memory run
processes the whole corpus with ``-j 2`` and a small lexicon (the streaming machinery is what is measured;
the full lexicons would take hours for 1 GB on two cores) while sampling the resident memory of the run's
whole process tree (main process + workers) twice a second. The speed-up run restores the first
``--speedup-docs`` documents with the bundled lexicons, once with ``-j 1`` and once with ``-j 2``, best of
``--repeat``. Results go to standard output and, with ``--json FILE``, to a file. Linux only (reads /proc).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"

LEXICON = """spun\toriginal\tweight\tsource
guns\tweapons\t0.7\tbench
town\tcity\t0.7\tbench
within\tin\t0.7\tbench
struggle\twar\t0.7\tbench
used to be\twas\t0.7\tbench
international locations\tcountries\t0.7\tbench
members of the family\trelations\t0.7\tbench
metal\tsteel\t0.7\tbench
introduced\tannounced\t0.7\tbench
"""

SPUN = ["Nuclear guns used to be a risk to the international locations within the region.",
        "The town council introduced new rules for members of the family of the victims.",
        "After the struggle the metal factory used to be the largest employer in the town.",
        "Officials introduced a plan to reduce the number of guns within the city limits."]
CLEAN = ["The committee met on Tuesday to discuss the budget for the coming year.",
         "Rain is expected across the north of the country until the weekend.",
         "The company said its profits rose by twelve percent in the third quarter.",
         "Researchers published the results of the study in a scientific journal.",
         "The museum will reopen next month after a long renovation of its main hall.",
         "Local farmers say the dry summer has reduced their harvest this year."]


NAV = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(40))
FOOTER = "<footer>" + " ".join(f"<a href=\"/page/{i}\">Link {i}</a>" for i in range(60)) + "</footer>"


def make_corpus(path: Path, size_bytes: int, seed: int = 0, html: bool = False) -> int:
    """Write JSONL news-like records until ``size_bytes``; returns the number of records.

    With ``html`` each record also carries the scraped page (markup, navigation, footer) in an ``html``
    field that passes through untouched, as in a crawl-derived corpus: the text is then about a fifth of
    the bytes.
    """
    rnd = random.Random(seed)
    n = 0
    written = 0
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        while written < size_bytes:
            spun = rnd.random() < 0.4
            sentences = [rnd.choice(SPUN if spun and rnd.random() < 0.5 else CLEAN) for _ in range(rnd.randint(4, 14))]
            record = {"id": n, "url": f"https://example.com/news/{n}", "text": " ".join(sentences)}
            if html:
                record["html"] = (f"<html><head><title>Story {n}</title></head><body><nav><ul>{NAV}</ul></nav>"
                                  f"<article><p>{'</p><p>'.join(sentences)}</p></article>{FOOTER}</body></html>")
            line = json.dumps(record) + "\n"
            f.write(line)
            written += len(line)
            n += 1
    tmp.replace(path)
    return n


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _rss_kb(pid: int, key: str = "VmRSS:") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss(pid: int) -> tuple[int, int, list[int], int]:
    """(total RSS of the tree in KiB, RSS of ``pid``, RSS of each descendant, total anonymous RSS).

    Anonymous memory is the heap; the rest is mostly the memory-mapped language model file, whose
    pages count as they are first touched (at most the file's size).
    """
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    rss = [_rss_kb(p) for p in seen]
    return sum(rss), rss[0], rss[1:], sum(_rss_kb(p, "RssAnon:") for p in seen)


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def run_batch(args: list[str], sample: bool = True) -> dict:
    cmd = [sys.executable, "-m", "restore", "batch", *args, "-q"]
    before = os.times()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT)
    peak_total = peak_main = peak_worker = peak_anon = 0
    samples = []
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        if sample:
            total, main, workers, anon = tree_rss(proc.pid)
            peak_total, peak_main, peak_anon = max(peak_total, total), max(peak_main, main), max(peak_anon, anon)
            peak_worker = max([peak_worker, *workers])
            samples.append((round(time.monotonic() - start, 1), total, anon))
            todo = [proc.pid]
            while todo:
                p = todo.pop()
                cpu[p] = max(cpu.get(p, 0.0), _cpu_s(p))
                todo += _children(p)
        time.sleep(0.5)
    seconds = time.monotonic() - start
    after = os.times()
    cpu_total = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    busiest = sorted(cpu.values(), reverse=True)
    if proc.returncode != 0:
        raise SystemExit(f"batch run failed ({proc.returncode}): {' '.join(cmd)}")
    return {"seconds": round(seconds, 2), "cpu_s_all_processes": round(cpu_total, 2),
            "cpu_s_by_process_sampled": [round(c, 1) for c in busiest if c >= 0.5],
            "peak_rss_mib": round(peak_total / 1024, 1), "peak_anon_rss_mib": round(peak_anon / 1024, 1),
            "peak_main_rss_mib": round(peak_main / 1024, 1), "peak_worker_rss_mib": round(peak_worker / 1024, 1),
            "samples": samples}


def memory_run(size_mb: int, jobs: int) -> dict:
    DATA.mkdir(parents=True, exist_ok=True)
    lexicon = DATA / "batch_lexicon.tsv"
    lexicon.write_text(LEXICON, encoding="utf-8")
    corpus = DATA / f"batch_corpus_{size_mb}mib.jsonl"
    if not corpus.exists():
        print(f"generating {corpus} ...", file=sys.stderr)
        make_corpus(corpus, size_mb * 1024 * 1024, html=True)
    docs = sum(1 for _ in open(corpus, "rb"))
    out = DATA / f"batch_out_{size_mb}mb.jsonl"
    result = run_batch([str(corpus), "-o", str(out), "-j", str(jobs), "--lexicon", str(lexicon), "--lexicon-only",
                        "--summary", str(DATA / "batch_summary.json")], sample=True)
    summary = json.loads((DATA / "batch_summary.json").read_text())
    samples = result.pop("samples")
    picks = [samples[min(len(samples) - 1, len(samples) * k // 10)] for k in range(1, 10)] if samples else []
    out_bytes = out.stat().st_size
    out.unlink()
    return {"corpus_bytes": corpus.stat().st_size, "docs": docs, "jobs": jobs, **result,
            "rss_mib_at_10_to_90_percent_of_time": [p[1] // 1024 for p in picks],
            "anon_rss_mib_at_10_to_90_percent_of_time": [p[2] // 1024 for p in picks], "output_bytes": out_bytes,
            "docs_per_s": round(docs / result["seconds"], 1), "mb_per_s": round(corpus.stat().st_size / 2**20 / result["seconds"], 2),
            "words": summary["words"], "edits": summary["edits"], "errors": summary["errors"]}


def speedup_run(n_docs: int, repeat: int, lexicon_args: list[str]) -> dict:
    DATA.mkdir(parents=True, exist_ok=True)
    corpus = DATA / f"batch_speedup_{n_docs}.jsonl"
    if not corpus.exists():
        make_corpus(corpus, n_docs * 700, seed=1)
        lines = corpus.read_bytes().splitlines(keepends=True)[:n_docs]
        corpus.write_bytes(b"".join(lines))
    times, runs = {}, {}
    for jobs in (1, 2):
        best = None
        for _ in range(repeat):
            out = DATA / f"batch_speedup_out_{jobs}.jsonl"
            result = run_batch([str(corpus), "-o", str(out), "-j", str(jobs), *lexicon_args])
            if best is None or result["seconds"] < best["seconds"]:
                best = result
        times[jobs] = best["seconds"]
        runs[jobs] = {k: best[k] for k in ("seconds", "cpu_s_all_processes", "cpu_s_by_process_sampled")}
    a, b = (DATA / "batch_speedup_out_1.jsonl").read_bytes(), (DATA / "batch_speedup_out_2.jsonl").read_bytes()
    return {"docs": n_docs, "lexicons": lexicon_args or ["bundled"], "seconds_j1": times[1], "seconds_j2": times[2],
            "speedup": round(times[1] / times[2], 2), "identical_output": a == b, "repeat": repeat,
            "runs": runs,
            # what an otherwise idle 2-core machine would give: 1-worker CPU time over the larger of the busiest
            # process's CPU time and half the 2-worker run's total CPU time (main process included)
            "speedup_cpu_bound": round(runs[1]["cpu_s_all_processes"] / max(
                max(runs[2]["cpu_s_by_process_sampled"] or [1e-9]), runs[2]["cpu_s_all_processes"] / 2), 2)}


def _burn(n: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(n):
        total += i * i
    return time.perf_counter() - start


def machine_parallelism(n: int = 20_000_000) -> float:
    """Speed-up of two pure-Python busy loops in two processes over one: what this machine gives now."""
    import multiprocessing
    one = _burn(n)
    start = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_burn, [n, n])
    return round(2 * one / (time.perf_counter() - start), 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=int, default=1024, help="memory-run corpus size (default 1024)")
    ap.add_argument("--jobs", type=int, default=2, help="workers for the memory run (default 2)")
    ap.add_argument("--speedup-docs", type=int, default=1500, help="documents for the speed-up run (default 1500)")
    ap.add_argument("--repeat", type=int, default=2, help="speed-up runs per setting, best kept (default 2)")
    ap.add_argument("--speedup-lexicon", default="bundled",
                    help="'bundled' (default) or 'small' (the benchmark's own small lexicon)")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-speedup", action="store_true")
    ap.add_argument("--json", help="write the results here too")
    args = ap.parse_args()
    results = {"cores": os.cpu_count(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    if not args.skip_speedup:
        lex = []
        if args.speedup_lexicon == "small":
            DATA.mkdir(parents=True, exist_ok=True)
            (DATA / "batch_lexicon.tsv").write_text(LEXICON, encoding="utf-8")
            lex = ["--lexicon", str(DATA / "batch_lexicon.tsv"), "--lexicon-only"]
        before = machine_parallelism()
        results["speedup"] = speedup_run(args.speedup_docs, args.repeat, lex)
        # two busy loops on two cores should give ~2.0; less means the machine is shared or throttled
        results["speedup"]["machine_two_process_speedup_before_after"] = [before, machine_parallelism()]
        print(json.dumps({"speedup": results["speedup"]}), flush=True)
    if not args.skip_memory:
        results["memory"] = memory_run(args.size_mb, args.jobs)
        print(json.dumps({"memory": results["memory"]}), flush=True)
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
