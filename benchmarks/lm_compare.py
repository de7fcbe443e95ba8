"""Which n-gram language model to embed: CMU's trigram (pocketsphinx) or wordsegment's bigram counts.

Two questions, both in a window of three words each side:
* on the seed-001 reference, how often does the model score the original above the spun wording?
* on clean seed 000, how often does some lexicon candidate beat the genuine wording by more than 2 nats
  (a temptation the decoder must resist)?

Run: ``python -m benchmarks.lm_compare`` (needs ``pip install wordsegment``).
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import restore
from restore.lm import BOS, EOS, NgramLM
from restore.tokenize import tokenize

from .datasets import read_gold
from .paths import SEED_GOLD, seed_path


class WordsegmentLM:
    """Stupid-backoff bigram model over wordsegment's Google Web unigram and bigram counts."""

    order = 2

    def __init__(self) -> None:
        import wordsegment
        folder = Path(wordsegment.__file__).parent
        self.uni = {w: int(c) for w, c in (l.split("\t") for l in (folder / "unigrams.txt").open())}
        self.bi = {w: int(c) for w, c in (l.split("\t") for l in (folder / "bigrams.txt").open())}
        self.total = sum(self.uni.values())

    def logprob(self, word: str, history: tuple[str, ...]) -> float:
        w = word.replace("'", "")
        unigram = math.log(self.uni[w] / self.total) if w in self.uni else -20.0
        if history and history[-1] != BOS:
            v = history[-1].replace("'", "")
            count = self.bi.get(f"{v} {w}")
            if count and self.uni.get(v):
                return math.log(count / self.uni[v])
            return math.log(0.4) + unigram
        return unigram


class Mixture:
    """Log-linear average of two models."""

    order = 3

    def __init__(self, a, b) -> None:
        self.a, self.b = a, b

    def logprob(self, word, history):
        return 0.5 * self.a.logprob(word, history) + 0.5 * self.b.logprob(word, history)


def _score(lm, words: list[str]) -> float:
    hist, total = (BOS,), 0.0
    for w in words + [EOS]:
        total += lm.logprob(w, hist)
        hist = (hist + (w,))[-2:]
    return total


def main() -> int:
    spun_path, clean_path = seed_path("001"), seed_path("000")
    if spun_path is None or clean_path is None or not SEED_GOLD.exists():
        print("seeds or the seed-001 reference (../shared) not found: skipped")
        return 0
    t = time.perf_counter()
    models = {"cmu-trigram": NgramLM()}
    models["wordsegment-bigram"] = WordsegmentLM()
    models["average"] = Mixture(models["cmu-trigram"], models["wordsegment-bigram"])
    print(f"loaded in {time.perf_counter() - t:.1f} s")
    spun = spun_path.read_text(encoding="utf-8")
    rows = [(s.start, s.end, s.spun, s.original) for s in read_gold(spun) if not s.uncertain]
    prefer = {k: 0 for k in models}
    for a, b, s, o in rows:
        left = [t.norm for t in tokenize(spun[max(0, a - 60):a])][-3:]
        right = [t.norm for t in tokenize(spun[b:b + 60])][:3]
        sw, ow = [t.norm for t in tokenize(s)], [t.norm for t in tokenize(o)]
        for k, lm in models.items():
            prefer[k] += _score(lm, left + ow + right) > _score(lm, left + sw + right)
    clean = clean_path.read_text(encoding="utf-8")
    norms = [t.norm for t in tokenize(clean)]
    cands = restore.Restorer().candidates(clean)
    tempted = {k: 0 for k in models}
    for c in cands:
        left, right = norms[max(0, c.first - 3):c.first], norms[c.last:c.last + 3]
        for k, lm in models.items():
            base = _score(lm, left + list(c.words) + right)
            tempted[k] += any(_score(lm, left + list(o.words) + right) > base + 2.0 for o in c.options)
    print("| model | prefers the original (seed 001, %d spans) | tempted on clean text (seed 000, %d spans) |"
          % (len(rows), len(cands)))
    print("|---|---|---|")
    for k in models:
        print(f"| {k} | {prefer[k] / len(rows):.1%} | {tempted[k] / max(1, len(cands)):.1%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
