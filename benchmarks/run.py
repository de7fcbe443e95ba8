"""One benchmark run: every data set, every restorer, then speed; returns the results as a dict."""

from __future__ import annotations

import datetime
import subprocess
import sys
import time
from dataclasses import dataclass

from . import datasets, evaluate, speed
from .paths import ROOT, SPINNER_PAIRS, TORTURED
from .restorers import Engine, Identity, Naive, Oracle, load_engine


@dataclass(frozen=True)
class Config:
    rates: tuple = (0.05, 0.1, 0.2, 0.3, 0.4)
    docs_per_cell: int = 16
    clean_per_source: int | None = 100
    pool_per_source: int | None = None
    tortured: int | None = None
    spinners: tuple = datasets.SPINNER_NAMES
    startup_repeats: int = 2
    lengths: tuple = (100, 300, 1000, 3000, 10000, 30000, 100000)
    sizes: tuple = (10, 100, 300)
    process_docs: int = 60
    stage_docs: int = 30
    speed: bool = True


QUICK = Config(rates=(0.1, 0.3), docs_per_cell=3, clean_per_source=3, pool_per_source=8, tortured=120,
               startup_repeats=0, lengths=(100, 1000, 5000), sizes=(5, 20), process_docs=8, stage_docs=4)
FULL = Config()


class _NoBar:
    """Stands in for a tqdm bar when tqdm (the [bench] extra) is not installed."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def update(self, n: int = 1) -> None:
        pass


def bar(total: int, desc: str):
    try:
        from tqdm import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(total=total, desc=desc, disable=not sys.stderr.isatty(), leave=False)


def missing(exc: Exception) -> str:
    """Why an optional part was skipped, in one line (with the install hint for a missing package)."""
    if isinstance(exc, ImportError) and exc.name:
        return f"{exc.name} is not installed (pip install 'restore[bench]')"
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


def git_commit() -> str | None:
    """The checked-out commit, with "+dirty" when the engine's files differ from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "restore", "lexicons", "models"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+dirty" if dirty else "")


def make_restorers(names: list[str]):
    """Restorers by name; 'engine' and 'naive' need the engine, and are dropped with a note without it."""
    engine, why = (None, None)
    if {"engine", "naive", "naive-curated"} & set(names):
        engine, why = load_engine()
        if engine is None:
            datasets.note(f"the engine could not be loaded ({why}): measuring the toy restorers only")
            names = [n for n in names if n not in ("engine", "naive", "naive-curated")] or ["identity", "oracle"]
    out = []
    for n in names:
        if n == "engine":
            out.append(Engine(engine))
        elif n == "naive":
            out.append(Naive(engine))
        elif n == "naive-curated":
            curated, why = load_engine(wordnet=False)
            if curated is None:
                raise SystemExit(f"naive-curated needs the engine: {why}")
            out.append(Naive(curated, "naive-curated"))
        elif n == "identity":
            out.append(Identity())
        elif n == "oracle":
            out.append(Oracle())
        else:
            raise SystemExit(f"unknown restorer {n!r}: use engine, naive, naive-curated, identity or oracle")
    return out, engine


def run(cfg: Config, restorer_names: list[str], mode: str) -> dict:
    t_start = time.perf_counter()
    restorers, engine = make_restorers(restorer_names)
    oracle = next((r for r in restorers if isinstance(r, Oracle)), None)
    lexicon = engine.lexicon if engine is not None else None
    names = [r.name for r in restorers]
    res: dict = {"meta": {"mode": mode, "date": datetime.datetime.now().isoformat(timespec="seconds"),
                          "commit": git_commit(), "machine": speed.machine(), "restorers": names,
                          "config": cfg.__dict__, "notes": []}}
    notes = res["meta"]["notes"]

    def skip(msg: str) -> None:  # in the report, and one line on standard error now
        notes.append(msg)
        datasets.note(msg)
    laps = res["meta"]["section_seconds"] = {}
    clock = {"name": None, "t": time.perf_counter()}

    def lap(name):
        now = time.perf_counter()
        if clock["name"]:
            laps[clock["name"]] = now - clock["t"]
        clock.update(name=name, t=now)


    lap("seeds")
    res["seeds"] = {}
    clean_seed, spun_seed = datasets.seed_clean(), datasets.seed_spun()
    for ex in (clean_seed, spun_seed):
        if ex is None:
            notes.append("a seed or its reference was missing; see the run's messages")
            continue
        if oracle:
            oracle.add([ex])
        block = {r.name: evaluate.evaluate(r, [ex], lexicon) for r in restorers}
        if engine is not None and ex.spans:
            block["candidates"] = evaluate.candidate_recall(engine, [ex], lexicon)
            block["candidates_distinct"] = evaluate.distinct_pair_recall(engine, ex)
        res["seeds"][ex.id] = block

    lap("clean prose")
    clean, pool = datasets.corpus_split(cfg.clean_per_source, cfg.pool_per_source)
    if not clean:
        skip("no clean corpus: run python -m benchmarks.corpus --install")
    res["clean"] = {}
    sources = sorted({ex.spinner for ex in clean})
    for r in restorers:
        if oracle:
            oracle.add(clean)
        with bar(len(clean), f"clean/{r.name}") as pb:
            block = {"all": evaluate.evaluate(r, clean, progress=pb)}
        block["by_source"] = {s: evaluate.evaluate(r, [e for e in clean if e.spinner == s]) for s in sources}
        res["clean"][r.name] = block

    lap("synthetic spins")
    res["synthetic"] = {"cells": [], "by_spinner": {}, "candidates": {}, "skipped": {}}
    raws, spinner_raws = {}, {}
    for sp in cfg.spinners:
        try:
            with bar(len(cfg.rates), f"spin/{sp}") as pb:
                exs = datasets.synthetic(sp, cfg.rates, pool, cfg.docs_per_cell, progress=pb)
        except Exception as exc:  # a spinner whose data or package is missing
            res["synthetic"]["skipped"][sp] = why = missing(exc)
            datasets.note(f"spinner {sp} skipped: {why}")
            continue
        if oracle:
            oracle.add(exs)
        for rate in cfg.rates:
            cell_exs = [e for e in exs if e.rate == rate]
            cell = {"spinner": sp, "rate": rate, "documents": len(cell_exs)}
            for r in restorers:
                raw = evaluate.run(r, cell_exs, lexicon)
                raws.setdefault(r.name, []).append(raw)
                spinner_raws.setdefault((sp, r.name), []).append(raw)
                cell[r.name] = evaluate.summary_of([raw])
            cell["achieved_rate"] = cell[names[0]].get("achieved_rate")
            res["synthetic"]["cells"].append(cell)
        res["synthetic"]["by_spinner"][sp] = {r.name: evaluate.summary_of(spinner_raws[(sp, r.name)])
                                              for r in restorers}
        if engine is not None:
            res["synthetic"]["candidates"][sp] = evaluate.candidate_recall(engine, exs, lexicon)

    res["synthetic"]["all"] = {name: evaluate.summary_of(rs) for name, rs in raws.items()}

    lap("tortured phrases")
    res["tortured"] = {}
    rows = datasets.tortured_rows(cfg.tortured)
    if rows:
        bare = [datasets.Example(f"t{k}", t, (datasets.Span(0, len(t), t, e),), dataset="tortured", spinner="pps")
                for k, (t, e) in enumerate(rows)]
        context = datasets.tortured_in_context(rows)
        runs = [r for r in restorers if r.name != "identity"]
        if engine is not None and "engine" in names:
            with_lex, why = load_engine(lexicons=[str(TORTURED)])
            if with_lex is not None:
                runs.append(Engine(with_lex, "engine+tortured-lexicon"))
        if oracle:
            oracle.add(bare + context)
        for r in runs:
            with bar(2 * len(rows), f"tortured/{r.name}") as pb:
                block = {"out_of_context": evaluate.tortured(r, bare, pb),
                         "in_context": evaluate.tortured(r, context, pb)}
            block["in_context_spans"] = evaluate.evaluate(r, context)
            res["tortured"][r.name] = block

    lap("candidate recall on observed pairs")
    if engine is not None:
        res["pairs"] = {}
        try:
            from .spinners import observed_rows
        except ImportError as exc:
            skip(f"candidate recall on observed pairs not measured: {missing(exc)}")
            observed_rows = None
        if SPINNER_PAIRS.exists() and observed_rows is not None:
            from restore.split import is_held_out
            pairs = [(s, o) for s, o, _ in observed_rows()]
            res["pairs"]["dev"] = evaluate.pair_recall(engine, [p for p in pairs if not is_held_out(*p)])
            res["pairs"]["held_out"] = evaluate.pair_recall(engine, [p for p in pairs if is_held_out(*p)])
            # the same generalisation question asked of the dev half, with its reviewed rows left out of the
            # lexicon (benchmarks/generalise.py): a proxy for the held-out figure that may be looked into
            from .generalise import curated_only_lexicon
            try:
                proxy = type(engine)(lexicon=curated_only_lexicon([]), settings=engine.settings)
            except ImportError as exc:  # the lexicon build needs lemminflect (the [bench] extra)
                skip(f"dev half without observed rows not measured: {exc}")
            else:
                res["pairs"]["dev_without_observed"] = evaluate.pair_recall(
                    proxy, [p for p in pairs if not is_held_out(*p)])
        if spun_seed is not None:
            res["pairs"]["seed001_distinct"] = res["seeds"]["seed001"]["candidates_distinct"]

    lap("speed")
    if cfg.speed and engine is not None and (clean or pool):
        res["speed"] = run_speed(cfg, engine, clean, pool)
    elif cfg.speed:
        skip("speed not measured: it runs on the clean corpus, which is missing")
    lap(None)
    res["meta"]["seconds"] = time.perf_counter() - t_start
    return res


def run_speed(cfg: Config, engine, clean, pool) -> dict:
    texts = [ex.spun for ex in clean][: cfg.process_docs] or [d["text"] for d in pool][: cfg.process_docs]
    try:
        spun = datasets.synthetic("dictionary", (0.2,), pool, max(4, cfg.docs_per_cell)) if pool else []
    except Exception as exc:  # the spinner's package is missing: time the clean text twice instead
        datasets.note(f"speed on spun text measured on clean text: {missing(exc)}")
        spun = []
    spun_texts = [ex.spun for ex in spun]
    mixed = [t for pair in zip(texts, spun_texts * (len(texts) // max(1, len(spun_texts)) + 1)) for t in pair]
    out: dict = {}
    with bar(6, "speed") as pb:
        out["throughput"], child = speed.throughput({"clean": texts, "spun": spun_texts or texts}); pb.update(1)
        out["startup"] = speed.startup(cfg.startup_repeats, child); pb.update(1)
        long_text = "\n\n".join(mixed * (max(cfg.lengths) // max(1, sum(len(t.split()) for t in mixed)) + 1))
        out["length_curve"] = speed.length_curve(engine, long_text, cfg.lengths); pb.update(1)
        out["corpus_curve"] = speed.corpus_curve(engine, mixed, cfg.sizes); pb.update(1)
        out["stages"] = speed.stages(engine, mixed[: cfg.stage_docs]); pb.update(1)
        out["processes"] = speed.processes(mixed[: cfg.process_docs]); pb.update(1)
    return out
