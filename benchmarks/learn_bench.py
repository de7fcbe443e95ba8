"""Learning a spinner from a corpus: linking accuracy, the learning curve, time and memory.

    python -m benchmarks.learn_bench [--seed 17] [--eval 40] [--json F] [--plot F]

1. **Linking** on a farms corpus (benchmarks/farms.py): precision and recall of the (spun copy, source)
   links ``restore learn`` finds, links between unrelated documents, by achieved spin rate; and a stress
   corpus spun with the whole stand-in thesaurus in shuffle mode at 15, 25 and 35% (every source kept).
2. **Learning curve**: the links of the largest farm (as a per-site profile would group them: the
   benchmark picks them by the farm the truth names, the links themselves are the linker's), the first
   N of them mined into a table, then that farm's *source-less* copies restored with the bundled
   lexicons alone and with the learned table added, as a phrase list and as a spinner dictionary.
3. **Cost**: seconds and peak memory of linking and mining the whole corpus.

Seed 16 is the development corpus (thresholds were chosen on it); the default seed 17 is the scored one.
"""

from __future__ import annotations

import argparse
import collections
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from .evaluate import in_dictionary
from .farms import clean_articles, generate
from .metrics import score

CURVE = (50, 100, 200, 500)


def docs_of(records):
    from restore.learn import Doc, prepare
    docs = [Doc(i, r["id"], r["text"]) for i, r in enumerate(records)]
    for d in docs:
        prepare(d)
    return docs


def link_metrics(docs, links, truth) -> dict:
    """Precision and recall of the links. Exact duplicates are one page: the linker folds them onto the
    first one in corpus order, so a spun copy counts as found when any record with its text is linked."""
    sources = {t["article"] for t in truth.values() if t["role"] == "source"}
    expected = {d.text for d in docs if truth[d.id]["role"] == "spun" and truth[d.id]["article"] in sources}
    rate = {d.text: truth[d.id]["achieved"] for d in docs if d.text in expected}
    correct, wrong, unrelated = 0, [], 0
    found = set()
    for k in links:
        s, o = truth[docs[k.spun].id], truth[docs[k.source].id]
        unrelated += s["article"] != o["article"]
        if s["role"] == "spun" and o["role"] == "source" and s["article"] == o["article"]:
            correct += 1
            found.add(docs[k.spun].text)
        else:
            wrong.append((docs[k.spun].id, docs[k.source].id, k.confidence))
    by_rate = collections.defaultdict(lambda: [0, 0])
    for text in expected:
        low = int(rate[text] * 20) * 5
        by_rate[f"{low:02d}-{low + 5}%"][0] += text in found
        by_rate[f"{low:02d}-{low + 5}%"][1] += 1
    return {"links": len(links), "correct": correct, "expected": len(expected),
            "precision": correct / max(1, len(links)), "recall": len(found & expected) / max(1, len(expected)),
            "links_between_unrelated": unrelated, "wrong": wrong[:10],
            "recall_by_achieved_rate": {k: f"{a}/{n}" for k, (a, n) in sorted(by_rate.items())}}


def stress_corpus(n: int = 150, seed: int = 5):
    """Sources kept, each spun at 15/25/35% by a shuffle spinner with the whole stand-in; n unrelated too."""
    from restore.dictionary import read_groups, read_lines
    from .dictionary import STANDIN, GroupSpinner
    spinner = GroupSpinner(read_groups(read_lines(STANDIN), "groups", str(STANDIN)), "shuffle")
    arts = clean_articles()
    records, truth = [], {}
    for i, a in enumerate(arts[:n]):
        rate = (0.15, 0.25, 0.35)[i % 3]
        ex = spinner.spin(a["id"], a["text"], rate, seed + i)
        for rid, text, t in ((f"s{i}", a["text"], {"role": "source"}),
                             (f"c{i}", ex.spun, {"role": "spun", "achieved": ex.meta["achieved_rate"]})):
            records.append({"id": rid, "text": text})
            truth[rid] = dict(t, article=a["id"])
    for i, a in enumerate(arts[n:2 * n]):
        records.append({"id": f"u{i}", "text": a["text"]})
        truth[f"u{i}"] = {"role": "unrelated", "article": a["id"]}
    return records, truth


def restore_cell(restorer, examples, lexicon) -> dict:
    c = collections.Counter()
    for ex in examples:
        res = restorer.restore(ex.spun)
        s = score(ex, res.text, res.edits)
        for span, status in zip(ex.spans, s.status):
            group = "in" if in_dictionary(lexicon, span) else "out"
            c[f"{group}_{status}"] += 1
            c[f"{group}_n"] += 1
        c["false"] += s.false_changes
        c["outside"] += s.n_outside
    n = c["in_n"] + c["out_n"]
    return {"spans": n, "restored": (c["in_restored"] + c["out_restored"]) / max(1, n),
            "restored_in_bundled": c["in_restored"] / max(1, c["in_n"]),
            "restored_out_of_bundled": c["out_restored"] / max(1, c["out_n"]), "out_n": c["out_n"],
            "wrong": (c["in_wrong"] + c["out_wrong"]) / max(1, n),
            "false_per_1000": 1000 * c["false"] / max(1, c["outside"])}


def curve(corpus, docs, links, n_eval: int, farm_index: int = 0, min_count: int = 2) -> dict:
    import restore
    from restore.mining import Miner, table_tsv
    farm = corpus.farms[farm_index].name
    truth = corpus.truth
    mine = [k for k in links if truth[docs[k.spun].id].get("farm") == farm]
    sources = {t["article"] for t in truth.values() if t["role"] == "source"}
    held = [corpus.examples[rid] for rid, t in truth.items() if t.get("farm") == farm and t["role"] == "spun"
            and t["article"] not in sources and not t.get("duplicate")]
    held = sorted(held, key=lambda ex: ex.spun)[:n_eval]
    bundled = restore.Restorer()
    clean = sorted((r["text"] for r in corpus.records if truth[r["id"]]["role"] == "unrelated"))[:n_eval]
    out = {"farm": farm, "mode": corpus.farms[farm_index].mode, "min_count": min_count,
           "links_available": len(mine), "held_out_copies": len(held),
           "bundled": restore_cell(bundled, held, bundled.lexicon), "curve": [],
           "clean_articles": len(clean), "clean_words": sum(len(t.split()) for t in clean)}
    out["bundled"]["clean_changed"] = sum(len(bundled.restore(t).edits) for t in clean)
    sizes = sorted({n for n in CURVE if n <= len(mine)} | {len(mine)})
    with tempfile.TemporaryDirectory() as tmp:
        # the last points: every link of the corpus, all farms, as `restore learn` writes the table (one
        # profile per dictionary found, restore.profiles) and as one table with the farms mixed
        for n in sizes + ["all farms", "all farms, one table"]:
            miner = Miner()
            for k in (links if str(n).startswith("all farms") else mine[:n]):
                miner.add(docs[k.spun], docs[k.source], k.ops)
            rows = miner.table(min_count, profiles=n == "all farms")
            path = Path(tmp) / f"learned{n}.tsv"
            path.write_text(table_tsv(rows, f"{n} links"), encoding="utf-8")
            point = {"links": n, "pairs": len(rows), "coverage": round(miner.coverage(), 3),
                     "profiles": len({r[4] for r in rows})}
            for trust in ("phrases", "dictionary"):
                r = restore.Restorer(lexicons=[path], lexicon_trust=trust)
                point[trust] = restore_cell(r, held, bundled.lexicon)
                # unrelated clean articles: every word changed is a false change the table brought or kept
                point[trust]["clean_changed"] = sum(len(r.restore(t).edits) for t in clean)
            out["curve"].append(point)
            print(f"  {n} links: {len(rows)} pairs, restored {point['phrases']['restored']:.1%} (phrases) "
                  f"{point['dictionary']['restored']:.1%} (dictionary)", file=sys.stderr)
    return out


def score_batch(corpus, path: Path) -> dict:
    """Score a `restore batch` output of the farms corpus (records by id, the restored text in ``restored``):
    spun copies with and without their source in the corpus, and the words changed in unrelated articles."""
    restored = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            restored[r.get("id")] = r.get("restored")
    sources = {t["article"] for t in corpus.truth.values() if t["role"] == "source"}
    out = {}
    for group in ("source-less", "source in corpus"):
        c = collections.Counter()
        for rid, ex in corpus.examples.items():
            if (corpus.truth[rid]["article"] in sources) != (group == "source in corpus"):
                continue
            s = score(ex, restored[rid], [])
            c["spans"] += len(ex.spans)
            c["restored"] += sum(st == "restored" for st in s.status)
            c["false"] += s.false_changes
            c["outside"] += s.n_outside
        out[group] = {"copies": sum(1 for rid in corpus.examples if (corpus.truth[rid]["article"] in sources) ==
                                    (group == "source in corpus")), "spans": c["spans"],
                      "restored": c["restored"] / max(1, c["spans"]),
                      "false_per_1000": 1000 * c["false"] / max(1, c["outside"])}
    unrelated = [r for r in corpus.records if corpus.truth[r["id"]]["role"] == "unrelated"]
    out["unrelated"] = {"records": len(unrelated), "changed": sum(r["text"] != restored[r["id"]] for r in unrelated)}
    return out


def plot(res: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    c = res["curve"]
    c = [p for p in c if not str(p["links"]).startswith("all farms")]
    xs = [p["links"] for p in c]
    fig, ax = plt.subplots(figsize=(6, 4))
    base = res["bundled"]["restored"] * 100
    ax.axhline(base, color="grey", linestyle="--", label=f"bundled lexicons alone ({base:.1f}%)")
    for trust, style in (("phrases", "o-"), ("dictionary", "s-")):
        ax.plot(xs, [p[trust]["restored"] * 100 for p in c], style, label=f"+ learned table ({trust})")
    ax.set_ylim(0, 100)
    ax.set_xlabel(f"linked copies of {res['farm']} ({res['mode']}) mined")
    ax.set_ylabel("spans restored (%)")
    ax.set_title(f"{res['held_out_copies']} source-less copies of {res['farm']}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--eval", type=int, default=40, help="source-less copies restored per point of the curve")
    ap.add_argument("--no-curve", action="store_true")
    ap.add_argument("--farm", type=int, default=0, help="which farm's curve (0: the largest, head-only; 1: shuffle)")
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--score-batch", type=Path, metavar="OUT",
                    help="only score this `restore batch` output of the farms corpus of --seed")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--plot", type=Path)
    args = ap.parse_args(argv)
    from restore.learn import Linker
    corpus = generate(seed=args.seed)
    if args.score_batch:
        print(json.dumps(score_batch(corpus, args.score_batch), indent=1))
        return 0
    docs = docs_of(corpus.records)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    linker = Linker()
    links, duplicates = linker.link(docs)
    from restore.mining import Miner
    miner = Miner()
    for k in links:
        miner.add(docs[k.spun], docs[k.source], k.ops)
    rows = miner.table(2)
    seconds = time.perf_counter() - t0
    words = sum(len(d.norms) for d in docs)
    res = {"seed": args.seed, "records": len(docs), "words": words, "duplicates_found": len(duplicates),
           "linking": link_metrics(docs, links, corpus.truth), "learned_pairs": len(rows),
           "cost": {"seconds": round(seconds, 1), **linker.stats,
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                    "rss_before_mb": round(rss0 / 1024)}}
    print(json.dumps({k: res[k] for k in ("records", "words", "duplicates_found", "linking", "cost")}, indent=1))
    records, truth = stress_corpus()
    sdocs = docs_of(records)
    slinks, _ = Linker().link(sdocs)
    res["stress"] = link_metrics(sdocs, slinks, truth)
    print("stress:", json.dumps(res["stress"], indent=1))
    if not args.no_curve:
        res["learning"] = curve(corpus, docs, links, args.eval, args.farm, args.min_count)
        print(json.dumps(res["learning"], indent=1))
        if args.plot:
            plot(res["learning"], args.plot)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
