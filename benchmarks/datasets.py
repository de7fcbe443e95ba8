"""The data sets a benchmark run scores: seeds, clean prose, synthetic spins and tortured phrases.

Third-party files under ../shared are read at run time and never copied; a missing one is skipped with
a message. Synthetic spins are cached under benchmarks/cache/synthetic (rebuilt when absent).
"""

from __future__ import annotations

import hashlib
import json
import random
import sys

from . import corpus, examples
from .examples import Example, Span
from .paths import CACHE, SEED_GOLD, TORTURED, seed_path

SPINNER_NAMES = ("dictionary", "wordnet", "phrase", "observed", "nlpaug")
GENERATOR_VERSION = 3  # bump when a spinner changes, to refresh the cache


def note(msg: str) -> None:
    print(f"benchmarks: {msg}", file=sys.stderr)


def seed_clean() -> Example | None:
    path = seed_path("000")
    if path is None:
        note("seed 000 not found under ../shared/seeds: skipping it")
        return None
    return Example("seed000", path.read_text(encoding="utf-8"), dataset="seed000")


def read_gold(text: str, path=SEED_GOLD) -> tuple[Span, ...]:
    """Spans of a gold list (``spun<TAB>original``, in order of appearance; ``|`` separates accepted
    originals, ``?`` marks an uncertain one), located in ``text`` on word boundaries one after another."""
    import re
    spans, pos = [], 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 2 or not cols[0] or not cols[1]:
            raise ValueError(f"{path}:{number}: expected spun<TAB>original")
        spun, orig = cols
        m = re.compile(r"(?<!\w)" + re.escape(spun) + r"(?!\w)").search(text, pos)
        if m is None:
            raise ValueError(f"{path}:{number}: {spun!r} not found after offset {pos}")
        if orig.strip() == "?":
            spans.append(Span(m.start(), m.end(), spun, spun, (), True))
        else:
            first, *rest = [o.strip() for o in orig.split("|")]
            spans.append(Span(m.start(), m.end(), spun, first, tuple(rest)))
        pos = m.end()
    return tuple(spans)


def seed_spun() -> Example | None:
    path = seed_path("001")
    if path is None:
        note("seed 001 not found under ../shared/seeds: skipping it")
        return None
    if not SEED_GOLD.exists():
        note(f"{SEED_GOLD} not found (the shared data folder is absent): skipping seed 001")
        return None
    text = path.read_text(encoding="utf-8")
    return Example("seed001", text, read_gold(text), dataset="seed001", spinner="real", meta={"gold": True})


def corpus_split(per_source_clean: int | None, per_source_pool: int | None):
    """Corpus documents split in two: every fourth document of a source is spun, the rest stay clean."""
    clean, pool = [], []
    by_source: dict[str, list[dict]] = {}
    for d in corpus.load():
        by_source.setdefault(d["source"], []).append(d)
    for source, docs in sorted(by_source.items()):
        spin = [d for i, d in enumerate(docs) if i % 4 == 0][:per_source_pool]
        keep = [d for i, d in enumerate(docs) if i % 4 != 0][:per_source_clean]
        pool += spin
        clean += [Example(d["id"], d["text"], dataset="clean", spinner=source) for d in keep]
    return clean, pool


def _round_robin(docs: list[dict], n: int, offset: int) -> list[dict]:
    """``n`` documents taken across sources in turn, starting at ``offset`` (different per cell)."""
    by_source: dict[str, list[dict]] = {}
    for d in docs:
        by_source.setdefault(d["source"], []).append(d)
    lists = [v for _, v in sorted(by_source.items())]
    out, k = [], offset
    while len(out) < n and any(lists):
        lst = lists[k % len(lists)]
        if lst:
            out.append(lst[(k // len(lists)) % len(lst)])
        k += 1
        if k > offset + 10 * n:
            break
    return out


def make_spinner(name: str):
    from . import spinners, thirdparty
    return {"dictionary": spinners.DictionarySpinner, "wordnet": spinners.WordNetSpinner,
            "phrase": spinners.PhraseSpinner, "observed": spinners.ObservedSpinner,
            "nlpaug": thirdparty.NlpaugSpinner}[name]()


def synthetic(name: str, rates, pool: list[dict], docs_per_cell: int, seed: int = 1234,
              progress=None) -> list[Example]:
    """Spun documents for one spinner at every rate (cached)."""
    out, spinner = [], None
    for r_i, rate in enumerate(rates):
        docs = _round_robin(pool, docs_per_cell, offset=r_i * docs_per_cell)
        key = hashlib.sha1(json.dumps([GENERATOR_VERSION, name, rate, seed, [d["id"] for d in docs],
                                       [len(d["text"]) for d in docs]]).encode()).hexdigest()[:16]
        path = CACHE / "synthetic" / f"{name}-{rate:.2f}-{key}.jsonl"
        if path.exists():
            cell = examples.load(path)
        else:
            spinner = spinner or make_spinner(name)
            cell = [spinner.spin(d["id"], d["text"], rate, seed) for d in docs]
            for ex in cell:
                ex.dataset = "synthetic"
            examples.save(path, cell)
        out += cell
        if progress:
            progress.update(1)
    return out


# --- tortured phrases ------------------------------------------------------------------------------------

TEMPLATES = (
    "In this paper, we propose a new approach based on {} for this task.",
    "Recent advances in {} have attracted considerable attention from researchers.",
    "The results show that {} improves the overall performance of the system.",
    "We evaluate {} on three public benchmarks and report the results below.",
    "Previous studies have applied {} to a wide range of problems.",
    "Our experiments confirm the importance of {} in practice.",
    "A detailed description of {} is given in the next section.",
    "This work combines {} with a simple baseline to obtain better results.",
)


def tortured_rows(limit: int | None = None, seed: int = 7) -> list[tuple[str, str]]:
    """``(tortured, expected)`` pairs of the shared tortured-phrase list (a seeded sample when limited)."""
    if not TORTURED.exists():
        note(f"{TORTURED} not found: skipping tortured phrases")
        return []
    rows = []
    for line in TORTURED.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("#") or len(cols) < 2 or cols[0] == "tortured" or not cols[0].strip():
            continue
        rows.append((cols[0].strip(), cols[1].strip()))
    if limit and limit < len(rows):
        rows = random.Random(seed).sample(rows, limit)
    return rows


def tortured_in_context(rows: list[tuple[str, str]]) -> list[Example]:
    """Each phrase inside a sentence written around it (templates taken in turn)."""
    out = []
    for k, (tortured, expected) in enumerate(rows):
        template = TEMPLATES[k % len(TEMPLATES)]
        start = template.index("{}")
        text = template.format(tortured)
        out.append(Example(f"tortured-{k}", text, (Span(start, start + len(tortured), tortured, expected),),
                           dataset="tortured-context", spinner="pps"))
    return out
