"""Spun phrases no lexicon lists: improbable word combinations with a likelier near-synonym combination.

A tortured phrase ("counterfeit consciousness" for artificial intelligence) is made of ordinary words;
what gives it away is the combination: the words do not go together, while a combination of their
near-synonyms ("artificial intelligence") is a known term or reads far better in context. For each run
of 2-4 words in a sentence the detector

1. takes each word's inverse-thesaurus originals (the Restorer's lexicons -- WordNet, spinner pairs --
   and the science word pairs, ``lexicons/science_words.tsv``) and combines them across the run with a
   beam, scored by the channel weights and by how often consecutive words occur together inside known
   terms (``lexicons/terms.tsv``): the compositional candidates;
2. scores each candidate as a noisy-channel log ratio: ln P(context with candidate) - ln P(context with
   the run) under the n-gram model, plus the channel cost of each replaced word, plus a prior when the
   candidate is a known term;
3. reports the run when the best candidate's score passes a threshold. The run's own cohesion (how much
   likelier each word is after the previous ones than alone, a pointwise mutual information under the
   n-gram model) is part of the score: a fixed collocation ("neural network") is not a spin.

The numbers are in ``models/unlisted.json`` (where they come from is written there).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .lm import LanguageModel
from .tokenize import Token

# Function words never start or end a run: "of the" is never a term, and they carry the template.
STOP = frozenset("a an the of in on at to for from by with and or as is are was were be been this that these "
                 "those it its we our they their which who whom whose than then there here not no into onto "
                 "over under between among also such can may will would could should has have had do does "
                 "did".split())


def _bundled(name: str) -> Path:
    return Path(str(resources.files("restore._lexicons").joinpath(name)))


def _rows(path: Path):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("spun\t"):
            yield line.split("\t")


@lru_cache(maxsize=2)
def load_terms(path: str | None = None) -> tuple[frozenset, dict, dict]:
    """Known terms (word tuples), counts of consecutive word pairs inside them, and word counts."""
    return _index_terms(tuple(cols[0].split()) for cols in _rows(Path(path) if path else _bundled("terms.tsv")))


def _index_terms(phrases) -> tuple[frozenset, dict, dict]:
    terms, pairs, singles = set(), {}, {}
    for ws in phrases:
        terms.add(ws)
        for a, b in zip(ws, ws[1:]):
            pairs[a, b] = pairs.get((a, b), 0) + 1
        for w in ws:
            singles[w] = singles.get(w, 0) + 1
    return frozenset(terms), pairs, singles


@lru_cache(maxsize=2)
def load_words(path: str | None = None) -> dict[str, list[tuple[str, float, str]]]:
    """spun word -> [(original, weight, source)] of the science word pairs."""
    out: dict[str, list[tuple[str, float, str]]] = {}
    for cols in _rows(Path(path) if path else _bundled("science_words.tsv")):
        out.setdefault(cols[0], []).append((cols[1], float(cols[2]), cols[3]))
    return out


@lru_cache(maxsize=1)
def load_params() -> dict:
    path = Path(str(resources.files("restore._models").joinpath("unlisted.json")))
    return json.loads(path.read_text(encoding="utf-8"))["params"]


@dataclass(frozen=True, slots=True)
class Unlisted:
    """A run of words (tokens ``first..last-1``) whose best compositional candidate scores ``score``."""

    first: int
    last: int
    start: int
    end: int
    score: float
    options: tuple[tuple[str, float], ...]   # candidates, best first, with their score
    cohesion: float


class UnlistedDetector:
    """Finds runs of 2-4 words that read as a spun version of a likelier combination; see the module doc."""

    def __init__(self, lm: LanguageModel, lexicon=None, params: dict | None = None, terms=None,
                 words: dict | None = None) -> None:
        """``terms`` (phrases) and ``words`` (spun word -> [(original, weight, source)]) replace the bundled
        term lexicon and science word pairs when given."""
        self.lm = lm
        self.lexicon = lexicon
        self.p = {**load_params(), **(params or {})}
        if terms is None:
            self.terms, self.pairs, self.singles = load_terms()
        else:
            self.terms, self.pairs, self.singles = _index_terms(tuple(t.split()) for t in terms)
        self.science = load_words() if words is None else words
        # how often each word is the spun side of a pair (a pair seen n times has weight n / (n + 1))
        self.spun_counts = {w: sum(x / (1.0 - x) for _, x, src in opts if src == "pps" and x < 1.0)
                            for w, opts in self.science.items()}
        self.spun_total = sum(self.spun_counts.values()) or 1.0
        self._options: dict[str, list[tuple[str, float]]] = {}

    # -- candidates ------------------------------------------------------------------------------------

    def word_options(self, word: str) -> list[tuple[str, float]]:
        """A word's possible originals with a channel log-weight (itself first, at 0)."""
        if word in self._options:
            return self._options[word]
        p = self.p
        found: dict[str, float] = {}
        for orig, weight, source in self.science.get(word, ()):
            found[orig] = max(found.get(orig, -99.0), math.log(weight * p["scale"].get(source, 0.1)))
        if self.lexicon is not None:
            for orig, weight in self.lexicon.lookup(word):
                orig = orig.lower()
                if " " not in orig and orig.isascii():
                    found[orig] = max(found.get(orig, -99.0), math.log(weight * p["scale"]["lexicon"]))
        found.pop(word, None)
        # words that occur in terms are what a science spinner replaces; their originals are worth more
        ranked = sorted(found.items(), key=lambda kv: -(kv[1] + p["term_word"] * (kv[0] in self.singles)))
        out = [(word, 0.0)] + ranked[:p["per_word"]]
        self._options[word] = out
        return out

    def compose(self, run: tuple[str, ...]) -> list[tuple[tuple[str, ...], float]]:
        """Combinations of the words' originals across ``run`` (at least one word replaced), best first by
        channel weight and term-pair evidence."""
        p = self.p
        beam: list[tuple[tuple[str, ...], float]] = [((), 0.0)]
        for word in run:
            grown = []
            for prefix, score in beam:
                for orig, cost in self.word_options(word):
                    bonus = p["term_pair"] if prefix and (prefix[-1], orig) in self.pairs else 0.0
                    grown.append((prefix + (orig,), score + cost + bonus))
            grown.sort(key=lambda x: -x[1])
            beam = grown[:p["beam"]]
        return [(c, s) for c, s in beam if c != run]

    # -- scoring ---------------------------------------------------------------------------------------

    def _lp(self, words: list[str], start: int, stop: int) -> float:
        """ln P of words[start:stop] given the words before them."""
        total, k = 0.0, self.lm.order - 1
        for i in range(start, stop):
            total += self.lm.logprob(words[i], tuple(words[max(0, i - k):i]))
        return total

    def _unigram(self, word: str) -> float:
        return self.lm.logprob(word, ())

    def cohesion(self, run: tuple[str, ...], left: tuple[str, ...]) -> float:
        """Mean pointwise mutual information of each word of the run with the words before it."""
        words = list(left[-2:]) + list(run)
        off = len(words) - len(run)
        pmi = [self._lp(words, i, i + 1) - self.lm.logprob(words[i], ()) for i in range(off + 1, len(words))]
        return sum(pmi) / len(pmi)

    def score_run(self, norms: list[str], i: int, j: int, lo: int, hi: int) -> tuple[float, list, float]:
        """Best candidate score of the run norms[i:j] within the sentence norms[lo:hi]."""
        p = self.p
        run = tuple(norms[i:j])
        left = tuple(["<s>"] if i == lo else []) + tuple(norms[max(lo, i - 2):i])
        right = list(norms[j:min(hi, j + 2)]) + (["</s>"] if j + 2 > hi else [])
        base_words = list(left) + list(run) + right
        base = self._lp(base_words, len(left), len(base_words))
        coh = self.cohesion(run, left)
        scored = []
        for cand, channel in self.compose(run):
            ws = list(left) + list(cand) + right
            gain = self._lp(ws, len(left), len(ws)) - base
            term = p["term"] if cand in self.terms else 0.0
            # the LM prefers common words in any context ("get" over "obtain"), which says nothing about a
            # spinner: part of that plain preference is discounted, as the decoder does for one-word swaps
            common = sum(self._unigram(a) - self._unigram(b) for a, b in zip(cand, run) if a != b)
            scored.append((" ".join(cand), p["lm"] * (gain - p["unigram_discount"] * common) + channel + term))
        scored.sort(key=lambda x: -x[1])
        best = max(scored[0][1], p["no_candidate"]) if scored else p["no_candidate"]
        # the run's own evidence: words that do not go together, and words a science spinner writes far
        # more often than English does ("profound" for deep, "acknowledgement" for recognition)
        own = p["bias"] - p["cohesion"] * coh + p["tortured"] * sum(self.tortured(w) for w in run)
        return best + own, scored[:p["keep"]], coh

    def tortured(self, word: str) -> float:
        """ln of how much more often ``word`` is the spun side of a science word pair than English uses it
        (pair counts over all pairs, against the unigram probability), above a margin; 0 when never."""
        n = self.spun_counts.get(word, 0.0)
        if not n:
            return 0.0
        return max(0.0, math.log(n / self.spun_total) - self._unigram(word) - self.p["tortured_margin"])

    def runs(self, tokens: list[Token], sentences: list[list[Token]], skip=()):
        """Every eligible run with its score, outside ``skip`` (token index ranges a lexicon explains)."""
        norms = [t.norm for t in tokens]
        index = {id(t): k for k, t in enumerate(tokens)}
        busy = {k for a, b in skip for k in range(a, b)}
        for sent in sentences:
            if not sent:
                continue
            lo, hi = index[id(sent[0])], index[id(sent[-1])] + 1
            for i in range(lo, hi):
                for j in range(i + 2, min(hi, i + 4) + 1):
                    if not self._eligible(tokens, norms, i, j, lo) or busy.intersection(range(i, j)):
                        continue
                    score, options, coh = self.score_run(norms, i, j, lo, hi)
                    yield Unlisted(i, j, tokens[i].start, tokens[j - 1].end, score, tuple(options), coh)

    def find(self, tokens: list[Token], sentences: list[list[Token]], skip=(),
             threshold: float | None = None) -> list[Unlisted]:
        """The runs scoring at least ``threshold`` (default: the fitted one), without overlaps: best first."""
        floor = self.p["threshold"] if threshold is None else threshold
        found = [u for u in self.runs(tokens, sentences, skip) if u.score >= floor]
        kept: list[Unlisted] = []
        for u in sorted(found, key=lambda u: -u.score):
            if all(u.last <= k.first or u.first >= k.last for k in kept):
                kept.append(u)
        return sorted(kept, key=lambda u: u.first)

    def _eligible(self, tokens: list[Token], norms: list[str], i: int, j: int, lo: int) -> bool:
        if norms[i] in STOP or norms[j - 1] in STOP:
            return False
        for k in range(i, j):
            t = tokens[k].text
            if not t.replace("-", "").isalpha() or (k > lo and t[:1].isupper()) or t.isupper() and len(t) > 1:
                return False   # numbers, names and acronyms are not spun words
        return True
