"""A scraped-corpus stand-in: clean articles, content farms that spin them, duplicates and unrelated pages.

    python -m benchmarks.farms -o corpus.jsonl [--truth truth.jsonl] [--farms 3] [--seed 16]

Each *farm* owns a dictionary (a slice of the stand-in thesaurus ``benchmarks/thesaurus/standin.txt``,
disjoint from the other farms' slices), a spinner mode (head-only or shuffle, ``GroupSpinner``) and spins
every article it copies at a rate drawn from 15-35% of words. Most stand-in groups hold some pair that
the bundled lexicons also know (their WordNet inverse thesaurus covers much of ordinary English); keeping
only the unknown groups leaves too few words to spin a sixth of an article, so every group is used and the
benchmarks report spans in and out of the bundled lexicons apart (``unknown_only=True`` keeps the
others out).

The corpus mixes, in a seeded random order:

* spun copies: each spun article gets 1 copy (70%), 2 (20%) or 3 (10%), each by a farm drawn by weight;
* sources: the clean article itself, for 30% of spun articles (``keep_source``);
* unrelated clean articles that nobody copied (15% of articles);
* exact duplicates of 3% of the records above (a page scraped twice).

Records carry opaque ids (``doc-00042``) and the text only; ``truth`` says what each record is. The same
seed gives the same corpus byte for byte.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .dictionary import STANDIN, GroupSpinner
from .paths import DATA

ARTICLES = DATA / "farms" / "articles.jsonl"
MODES = ("head", "shuffle", "head", "shuffle")
WEIGHTS = (0.5, 0.3, 0.2, 0.1)
RATE_RANGE = (0.15, 0.35)


def clean_articles() -> list[dict]:
    """Every prose document the corpus sources yield (about 1,300 of 300 words), cached under benchmarks/data.

    The benchmark corpus (benchmarks/corpus.py) stops at 60,000 words a source; linking and learning need
    as many articles as the sources hold, so they are cut here with the same rules and no limit."""
    if ARTICLES.exists():
        return [json.loads(line) for line in ARTICLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    from . import corpus
    docs = []
    for name, fn in corpus.SOURCES.items():
        try:
            docs += corpus.documents(fn(), name, 10**9)
        except (FileNotFoundError, OSError) as exc:
            print(f"farms: skipping {name} ({exc})", file=sys.stderr)
    if not docs:
        docs = corpus.load()
    ARTICLES.parent.mkdir(parents=True, exist_ok=True)
    ARTICLES.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return docs


def unknown_groups(path: Path = STANDIN) -> tuple[list[tuple[str, ...]], int]:
    """Stand-in groups of which the bundled lexicons know no pair (either direction), and how many were dropped."""
    from restore.dictionary import read_groups, read_lines
    from restore.lexicon import default_lexicon
    from .text import words
    lex = default_lexicon()
    groups = read_groups(read_lines(path), "groups", str(path))
    keep, dropped = [], 0
    for g in groups:
        known = any(words(o) == words(b) for a in g for b in g if a != b for o, _ in lex.lookup(a))
        if known:
            dropped += 1
        else:
            keep.append(g)
    return keep, dropped


@dataclass
class Farm:
    name: str
    mode: str
    weight: float
    groups: list
    spinner: GroupSpinner = field(repr=False, default=None)


def make_farms(n: int, groups) -> list[Farm]:
    """``n`` farms with disjoint dictionaries: a group goes to the farm its head word hashes to."""
    slices = [[] for _ in range(n)]
    for g in groups:
        slices[zlib.crc32(("farm:" + g[0]).encode()) % n].append(g)
    farms = []
    for k in range(n):
        f = Farm(f"farm-{chr(97 + k)}", MODES[k % len(MODES)], WEIGHTS[k % len(WEIGHTS)], slices[k])
        f.spinner = GroupSpinner(f.groups, f.mode)
        farms.append(f)
    return farms


@dataclass
class Corpus:
    records: list[dict]          # {"id", "text"} in corpus order
    truth: dict[str, dict]       # id -> role, article, farm, mode, rate, achieved rate
    examples: dict[str, object]  # id of a spun copy -> benchmarks.examples.Example (spans, original)
    farms: list[Farm]
    dropped_groups: int = 0


def generate(n_farms: int = 3, seed: int = 16, keep_source: float = 0.3, unrelated: float = 0.15,
             duplicates: float = 0.03, copies=(0.7, 0.2, 0.1), limit: int | None = None,
             unknown_only: bool = False) -> Corpus:
    rng = random.Random(seed)
    if unknown_only:
        groups, dropped = unknown_groups()
    else:
        from restore.dictionary import read_groups, read_lines
        groups, dropped = read_groups(read_lines(STANDIN), "groups", str(STANDIN)), 0
    farms = make_farms(n_farms, groups)
    articles = clean_articles()
    rng.shuffle(articles)
    articles = articles[:limit] if limit else articles
    n_unrelated = round(unrelated * len(articles))
    items: list[tuple[str, dict, object]] = []   # (text, truth, example)
    for a in articles[:n_unrelated]:
        items.append((a["text"], {"role": "unrelated", "article": a["id"]}, None))
    for a_i, a in enumerate(articles[n_unrelated:]):
        k = rng.choices((1, 2, 3), weights=copies)[0]
        for c in range(k):
            farm = rng.choices(farms, weights=[f.weight for f in farms])[0]
            rate = round(rng.uniform(*RATE_RANGE), 3)
            ex = farm.spinner.spin(a["id"], a["text"], rate, seed * 1000 + 10 * a_i + c)
            items.append((ex.spun, {"role": "spun", "article": a["id"], "farm": farm.name, "mode": farm.mode,
                                    "rate": rate, "achieved": round(ex.meta["achieved_rate"], 3)}, ex))
        if rng.random() < keep_source:
            items.append((a["text"], {"role": "source", "article": a["id"]}, None))
    for text, truth, ex in [it for it in items if rng.random() < duplicates]:
        items.append((text, dict(truth, duplicate=True), ex))
    rng.shuffle(items)
    records, truth, examples = [], {}, {}
    for i, (text, t, ex) in enumerate(items):
        rid = f"doc-{i:05d}"
        records.append({"id": rid, "text": text})
        truth[rid] = t
        if ex is not None:
            examples[rid] = ex
    return Corpus(records, truth, examples, farms, dropped)


def describe(c: Corpus) -> str:
    roles: dict[str, int] = {}
    for t in c.truth.values():
        key = t["role"] + (" (duplicate)" if t.get("duplicate") else "")
        roles[key] = roles.get(key, 0) + 1
    spun = [t for t in c.truth.values() if t["role"] == "spun" and not t.get("duplicate")]
    lines = [f"{len(c.records)} records: " + ", ".join(f"{v} {k}" for k, v in sorted(roles.items())),
             f"stand-in groups known to the bundled lexicons, left out: {c.dropped_groups or 'none (all used)'}"]
    for f in c.farms:
        mine = [t for t in spun if t["farm"] == f.name]
        ach = sum(t["achieved"] for t in mine) / max(1, len(mine))
        lines.append(f"{f.name}: {f.mode}, {len(f.groups)} groups, {len(mine)} copies, achieved spin {ach:.1%}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output", type=Path, required=True, help="corpus as JSONL (id, text)")
    ap.add_argument("--truth", type=Path, help="also write what each record is (JSONL)")
    ap.add_argument("--farms", type=int, default=3)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--keep-source", type=float, default=0.3)
    ap.add_argument("--limit", type=int, help="use only this many articles")
    ap.add_argument("--unknown-only", action="store_true",
                    help="only groups of which the bundled lexicons know no pair (low achievable spin rates)")
    args = ap.parse_args(argv)
    c = generate(args.farms, args.seed, args.keep_source, limit=args.limit, unknown_only=args.unknown_only)
    args.output.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in c.records), encoding="utf-8")
    if args.truth:
        args.truth.write_text("".join(json.dumps(dict(t, id=k)) + "\n" for k, t in c.truth.items()), encoding="utf-8")
    print(describe(c))
    return 0


if __name__ == "__main__":
    sys.exit(main())
