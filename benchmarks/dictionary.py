"""Spinner-dictionary benchmark: restoration given the spinner's own thesaurus, and without it.

    python -m benchmarks.dictionary                  # scored documents (spin-pool positions 0..)
    python -m benchmarks.dictionary --dev knob=V     # development documents (positions 24..), for choosing

The stand-in thesaurus (benchmarks/thesaurus/standin.txt, scripts/build_standin_thesaurus.py) is split
in two halves by head word, A and B. A synthetic *group spinner* rewrites clean prose with half A, in
head-only mode (a head word is replaced by another member of its line) or shuffle mode (any member by any
other), at 15-35% of words. It is then restored

* ``bundled`` -- by the engine with its bundled lexicons only (the dictionary unknown);
* ``given`` -- with half A loaded as a spinner dictionary (the decoder's upper bound);
* ``disjoint`` -- text spun with half B, restored with half A loaded: a dictionary that is not the
  spinner's must not make things worse (word error rate against the original must not rise).

Clean documents are restored with half A loaded: every change there is a false change. Spans are split
into in- and out-of-dictionary by the restorer's lexicon, as everywhere in the benchmarks.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
import zlib
from pathlib import Path

from restore.dictionary import read_groups, read_lines

from . import datasets
from .dev import POOL_START, SOURCES, parse_knobs, run_cell
from .metrics import score
from .spinners import SENTENCE_END, _fit_case, spin_at_rate
from .text import norm

STANDIN = Path(__file__).resolve().parent / "thesaurus" / "standin.txt"
RATES = (0.15, 0.25, 0.35)


def halves(path: Path = STANDIN) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The stand-in's groups split in two by a hash of the head word."""
    groups = read_groups(read_lines(path), "groups", str(path))
    a = [g for g in groups if zlib.crc32(g[0].encode()) % 2 == 0]
    b = [g for g in groups if zlib.crc32(g[0].encode()) % 2 == 1]
    return a, b


def write_groups(groups, path: Path) -> Path:
    path.write_text("".join("|".join(g) + "\n" for g in groups), encoding="utf-8")
    return path


class GroupSpinner:
    """A WordPress-style spinner: looks phrases up in its thesaurus, writes a random member in their place."""

    def __init__(self, groups, mode: str) -> None:
        self.name = f"groups-{mode}"
        self.table: dict[tuple[str, ...], list[tuple[str, ...]]] = collections.defaultdict(list)
        for g in groups:
            for member in (g[:1] if mode == "head" else g):
                self.table[tuple(member.split(" "))].append(tuple(m for m in g if m != member))
        self.longest = max(len(k) for k in self.table)

    def propose(self, text, toks, i, rng):
        for n in range(min(self.longest, len(toks) - i), 0, -1):
            key = tuple(norm(t.text) for t in toks[i:i + n])
            options = self.table.get(key)
            if not options or text[toks[i].start:toks[i + n - 1].end].count("\n"):
                continue
            first = toks[i].text
            if first[:1].isupper() and not SENTENCE_END.search(text[max(0, toks[i].start - 4):toks[i].start]):
                return None   # a name, not a sentence start
            return n, _fit_case(first, rng.choice(rng.choice(options)))
        return None

    def spin(self, doc_id: str, text: str, rate: float, seed: int):
        return spin_at_rate(doc_id, text, rate, seed, self.propose, spinner=self.name)


def documents(n_pool: int, n_clean: int, dev: bool):
    """Spin-pool and clean documents of the three large sources: the first ones, or the development ones."""
    clean, pool = datasets.corpus_split(None, None)
    start_pool, start_clean = (POOL_START, 100) if dev else (0, 0)
    pool = [d for s in SOURCES for d in [d for d in pool if d["source"] == s][start_pool:start_pool + n_pool]]
    clean = [ex for s in SOURCES for ex in [e for e in clean if e.spinner == s][start_clean:start_clean + n_clean]]
    return pool, clean


def summarise(c: collections.Counter) -> dict:
    n = c["in_n"] + c["out_n"]
    return {
        "spans": n, "restored": (c["in_restored"] + c["out_restored"]) / max(1, n),
        "in_dictionary": c["in_restored"] / max(1, c["in_n"]), "in_n": c["in_n"],
        "out_of_dictionary": c["out_restored"] / max(1, c["out_n"]), "out_n": c["out_n"],
        "wrong": (c["in_wrong"] + c["out_wrong"]) / max(1, n),
        "false_per_1000": 1000 * c["false"] / max(1, c["outside"]),
        "achieved_rate": n and (c["words"] - c["outside"]) / max(1, c["words"]),
        "wer_before": c["wer_before"] / max(1, c["n_original"]), "wer_after": c["wer_after"] / max(1, c["n_original"]),
        "modes": {k[5:]: v for k, v in c.items() if k.startswith("mode_")},
    }


def evaluate(knobs: dict, n_pool: int, n_clean: int, dev: bool, modes, rates, seed: int = 2718) -> dict:
    import restore
    a, b = halves()
    pool, clean = documents(n_pool, n_clean, dev)
    with tempfile.TemporaryDirectory() as tmp:
        path_a = write_groups(a, Path(tmp) / "thesaurus_a.txt")
        t0 = time.perf_counter()
        given = restore.Restorer(lexicons=[path_a], **knobs)
        load_s = time.perf_counter() - t0
    bundled = restore.Restorer(**knobs)
    out: dict = {"documents": len(pool), "clean_documents": len(clean), "dev": dev, "knobs": knobs,
                 "rates": list(rates), "dictionary_groups": len(a), "load_seconds": round(load_s, 2)}
    for mode in modes:
        spin_a, spin_b = GroupSpinner(a, mode), GroupSpinner(b, mode)
        out[f"{mode}/given"] = summarise(run_cell(given, spin_a, pool, rates, seed))
        # One farm's documents together: the mode fitted to all of them (no gold read), then each restored.
        texts = [spin_a.spin(d["id"], d["text"], rate, seed + 97 * r_i + i).spun
                 for r_i, rate in enumerate(rates) for i, d in enumerate(pool)]
        pooled = given.pooled_mode(texts)
        same_farm = restore.Restorer(lexicon=given.lexicon, **{**knobs, "spinner_mode": pooled or "auto"})
        out[f"{mode}/given, mode pooled"] = summarise(run_cell(same_farm, spin_a, pool, rates, seed))
        out[f"{mode}/bundled"] = summarise(run_cell(bundled, spin_a, pool, rates, seed))
        out[f"{mode}/disjoint"] = summarise(run_cell(given, spin_b, pool, rates, seed))
        out[f"{mode}/disjoint-bundled"] = summarise(run_cell(bundled, spin_b, pool, rates, seed))
    c = collections.Counter()
    for ex in clean:
        res = given.restore(ex.spun)
        c["false"] += score(ex, res.text, res.edits).false_changes
        c["words"] += len(ex.spun.split())
    seed000 = datasets.seed_clean()
    if seed000 is not None:
        res = given.restore(seed000.spun)
        out["seed000_changed"] = score(seed000, res.text, res.edits).false_changes
    out["clean_given"] = {"false": c["false"], "words": c["words"]}
    return out


def report(res: dict) -> str:
    lines = [f"{'dev' if res['dev'] else 'scored'} documents: {res['documents']} spun x {len(res['rates'])} rates "
             f"{res['rates']}, {res['clean_documents']} clean; dictionary half A: {res['dictionary_groups']} "
             f"groups, loaded in {res['load_seconds']} s; knobs {res['knobs'] or 'default'}", "",
             "| spinner mode / restorer | spans | restored | in-dict | out-of-dict | wrong | false /1,000 | "
             "WER before -> after | modes chosen |", "|---|---|---|---|---|---|---|---|---|"]
    for key, v in res.items():
        if "/" not in key:
            continue
        lines.append(f"| {key} | {v['spans']} | {v['restored']:.1%} | {v['in_dictionary']:.1%} of {v['in_n']} | "
                     f"{v['out_of_dictionary']:.1%} of {v['out_n']} | {v['wrong']:.1%} | {v['false_per_1000']:.2f} | "
                     f"{v['wer_before']:.1%} -> {v['wer_after']:.1%} | {v['modes']} |")
    c = res["clean_given"]
    lines.append("")
    lines.append(f"Clean prose with half A loaded: {c['false']} words changed of {c['words']}; seed 000: "
                 f"{res.get('seed000_changed', 'absent')} words changed.")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("knobs", nargs="*", help="decoder settings as name=value (restore.decode.Settings)")
    ap.add_argument("--dev", action="store_true", help="development documents (for choosing settings)")
    ap.add_argument("--pool", type=int, default=4, help="spun documents per source and rate")
    ap.add_argument("--clean", type=int, default=10, help="clean documents per source")
    ap.add_argument("--modes", default="head,shuffle")
    ap.add_argument("--rates", default=",".join(map(str, RATES)))
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    knobs = parse_knobs(args.knobs)
    t0 = time.perf_counter()
    res = evaluate(knobs, args.pool, args.clean, args.dev, args.modes.split(","),
                   [float(r) for r in args.rates.split(",")])
    res["seconds"] = round(time.perf_counter() - t0)
    print(report(res))
    print(f"({res['seconds']} s)")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
