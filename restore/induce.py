"""Inducing a spinner's substitutions from spun documents alone, with no source in the corpus.

A content farm spins thousands of articles with one dictionary, so it writes the same odd word many times
("cognition" for "knowledge", "exploiting" for "working") in many documents. A word a human chose fits
its contexts; a word a dictionary forced in reads a little worse than some synonym in most of them, and
where the farm copied an article another farm copied too, the other copy often kept the author's word:

1. **Compare copies**: farms copy the same articles, so the corpus often holds two or three spun copies
   of one (``restore.consensus.copy_evidence`` aligns them). An author's word is written alike by the
   other copy at the same place; a farm's word faces another copy's word there -- often the original.
2. **Gather** the types: words and phrases a bundled lexicon can read back (its WordNet and curated
   inverse thesaurus lists the originals they may stand for), and those that faced the same phrase at
   least ``MIN_FACING`` times in copies. A type must be seen ``MIN_OCCURRENCES`` times in ``MIN_DOCS``
   documents (a farm repeats itself; a one-off word proves nothing). Its candidates are the listed
   originals and the faced phrases (``candidates_of``).
3. **Score** every candidate original in every context (up to ``MAX_CONTEXTS``, one per document first):
   the trigram model reads two words before, the phrase and two words after, for the written word and
   for each candidate. The margin of a candidate in a context is its log-probability over the written
   word's; it *wins* the context when no other reading does better.
4. **Agree**: a logistic model over those signals (``FEATURES``: contexts won, mean margin, how over-
   represented the type is in this corpus against general English, channel weight, times faced in a
   copy, share kept alike...) gives each candidate its log-odds of being the spinner's pair; a type's
   best candidate is kept when its log-odds reach ``MIN_SCORE`` (``kept``). One context can be fooled by
   a rare construction; a farm's substitution loses to the same original almost everywhere.

Each kept pair becomes a row of the learned-table TSV that ``restore learn`` writes, marked ``induced``
with its support: ``spun<TAB>original<TAB>weight<TAB>induced<TAB>occurrences<TAB>documents``. The weight
estimates P(spun | original) as in a mined table: the contexts the original won, scaled to all the
type's occurrences, over those plus the times the original itself appears in the corpus. Load the table
with ``--lexicon-trust dictionary`` (a spinner's channel, under the document gate).

The model and the thresholds were fitted on the farms corpus of seed 16 (``python -m
benchmarks.induce_bench --fit --seed 16``) and scored on seed 17; see docs/learn.md. Without copies of one
article in the corpus (or without datasketch) the copy signals are absent: a model of the contexts and
counts alone (``COEFFICIENTS_ALONE``) is used, and far fewer pairs pass its threshold. Everything is
deterministic: types, contexts and candidates are taken in sorted order.
"""

from __future__ import annotations

import collections
import math
import re
import time
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .learn import _side_logprob
from .lm import BOS, EOS

# Fitted on the farms corpus, seed 16 (benchmarks/induce_bench.py --fit); scored on seed 17.
MIN_DOCS = 2             # documents a type must appear in
MIN_OCCURRENCES = 3      # occurrences a type must have
MAX_CONTEXTS = 40        # contexts scored per type (one per document first, in corpus order)
MAX_CANDIDATES = 16      # candidate originals per type the lexicons list, by channel weight
MIN_FACING = 2           # times a type must face a phrase in copies for the phrase to be a candidate
# Logistic model of "this (type, candidate) is a pair of the spinner's dictionary" over ``FEATURES``
# (intercept first), and the log-odds a pair needs to be kept.
COEFFICIENTS = (3.091, 0.673, 0.086, -0.033, -0.032, 1.472, -0.371, 1.635, -0.989, 0.138, -1.623, -1.637)
MIN_SCORE = 0.0          # the setting that covered most entries at 82% precision or more on seed 16
# A corpus with no copies of one article: the model of the first six features alone, fitted the same way
# (``--fit --no-copies``), and its threshold.
COEFFICIENTS_ALONE = (-0.332, 0.737, 0.174, -0.083, 0.132, 1.666, 0.144)
MIN_SCORE_ALONE = 1.5      # the only setting 82% precise on seed 16 (26 pairs: 0.9% of the entries)
MIN_WEIGHT = 0.05
_WORDY = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


@dataclass
class Candidate:
    """One candidate original of a type and what its contexts said about it."""

    words: tuple[str, ...]
    weight: float               # the bundled channel weight of (spun, this original)
    margin: float = 0.0         # log-probability over the written type, summed over the contexts
    wins: int = 0               # contexts in which it was the best reading of all (the written type too)
    score: float = -math.inf    # log-odds of being the spinner's pair (``choose``)
    listed: bool = True         # listed by the lexicons (else: faced in a copy only)

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class Evidence:
    """What the contexts of one type say about its candidates."""

    spun: str
    occurrences: int
    documents: int
    contexts: int = 0
    candidates: list[Candidate] = field(default_factory=list)
    original: str | None = None     # the chosen candidate (``choose``)
    score: float = 0.0              # its log-odds of being the spinner's pair


@dataclass
class Corpus:
    """Documents as word lists with sentence marks, and where each type occurs."""

    words: list[list[str]] = field(default_factory=list)
    counts: collections.Counter = field(default_factory=collections.Counter)   # unigram counts
    places: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)  # type -> (doc, start, end)
    phrase_counts: dict[str, int] = field(default_factory=dict)
    total: int = 0   # words, sentence marks aside
    copies: object = None   # restore.consensus.CopyEvidence of the copies of one article in the corpus
    ok: list[list[bool]] = field(default_factory=list)   # per word: may be a spinner's (``doc_words``)
    faced: dict[str, list[str]] = field(default_factory=dict)   # type -> phrases it faced in copies


def doc_words(text: str) -> tuple[list[str], list[bool]]:
    """The document's normalised words, each sentence between ``<s>`` and ``</s>``, and for each position
    whether it may be a spinner's word: a plain word, not a name (capitalised away from a sentence start)."""
    from .tokenize import sentences, tokenize
    words, ok = [], []
    for sent in sentences(text, tokenize(text)):
        words.append(BOS)
        ok.append(False)
        for k, t in enumerate(sent):
            words.append(t.norm)
            ok.append(bool(_WORDY.fullmatch(t.text)) and (k == 0 or not t.text[:1].isupper()))
        words.append(EOS)
        ok.append(False)
    return words, ok


def gather(texts: Iterable[str | None], lexicon) -> Corpus:
    """Every place where a phrase the lexicon can read back starts and ends (possessives aside)."""
    corpus = Corpus()
    places: dict[str, list[tuple[int, int, int]]] = collections.defaultdict(list)
    for d, text in enumerate(texts):
        words, ok = doc_words(text or "")
        corpus.words.append(words)
        corpus.ok.append(ok)
        corpus.counts.update(words)
        corpus.total += len(words) - 2 * words.count(BOS)
        for i, w in enumerate(words):
            if not ok[i]:
                continue
            for end, _entries, possessive in lexicon.matches(words, i):
                if not possessive and all(ok[i:end]):
                    places[" ".join(words[i:end])].append((d, i, end))
    corpus.places = dict(places)
    return corpus


def contexts(places: Sequence[tuple[int, int, int]], limit: int = MAX_CONTEXTS) -> list[tuple[int, int, int]]:
    """Up to ``limit`` places, the first of each document before any second one (corpus order)."""
    seen: set[int] = set()
    first, rest = [], []
    for p in places:
        (rest if p[0] in seen else first).append(p)
        seen.add(p[0])
    return (first + rest)[:limit]


def weigh(lm, corpus: Corpus, spun: str, candidates: list[Candidate]) -> Evidence:
    """Score each candidate against the written type in every chosen context: summed margins and wins."""
    places = corpus.places[spun]
    ev = Evidence(spun, len(places), len({p[0] for p in places}), candidates=candidates)
    chosen = contexts(places)
    ev.contexts = len(chosen)
    for d, i, end in chosen:
        words = corpus.words[d]
        history, after = tuple(words[max(0, i - 2):i]), words[end:end + 2]
        base = _side_logprob(lm, history, words[i:end] + after)
        margins = [_side_logprob(lm, history, list(c.words) + after) - base for c in candidates]
        top = max(margins, default=0.0)
        for c, m in zip(candidates, margins):
            c.margin += m
            c.wins += m > 0 and m >= top
    return ev


def candidates_of(lexicon, spun: str, limit: int = MAX_CANDIDATES, faced: Sequence[str] = ()) -> list[Candidate]:
    """The originals the lexicon lists for a spun phrase, best weight first (plain words only), then the
    phrases it faced in copies of one article that the lexicon does not list (``listed`` False)."""
    out: dict[tuple[str, ...], Candidate] = {}
    for e in lexicon._get(spun) or ():
        if e.words != tuple(spun.split(" ")) and all(_WORDY.fullmatch(w) for w in e.words):
            out.setdefault(e.words, Candidate(e.words, e.weight))
    out = dict(list(out.items())[:limit])
    for phrase in faced:
        words = tuple(phrase.split(" "))
        if phrase != spun and all(_WORDY.fullmatch(w) for w in words):
            out.setdefault(words, Candidate(words, MIN_WEIGHT, listed=False))
    return list(out.values())


def add_faced(corpus: Corpus, min_facing: int = MIN_FACING) -> None:
    """The phrases each type faced at least ``min_facing`` times in copies become its candidates, and the
    types that faced some, unknown to the lexicon, get their places gathered (names and numbers aside)."""
    if corpus.copies is None:
        return
    faced: dict[str, list[str]] = collections.defaultdict(list)
    for (x, y), n in sorted(corpus.copies.facing.items()):
        if n >= min_facing:
            faced[x].append(y)
    corpus.faced = dict(faced)
    wanted: dict[int, set[str]] = collections.defaultdict(set)
    for x in corpus.faced:
        if x not in corpus.places:
            wanted[x.count(" ") + 1].add(x)
    for d, (words, ok) in enumerate(zip(corpus.words, corpus.ok)):
        for n, group in wanted.items():
            for k in range(len(words) - n + 1):
                p = " ".join(words[k:k + n])
                if p in group and all(ok[k:k + n]):
                    corpus.places.setdefault(p, []).append((d, k, k + n))


def unigram(lm, phrase: str) -> float:
    """ln P of a phrase with no context: how common the model finds it in general English."""
    return _side_logprob(lm, (), phrase.split(" "))


def features(ev: Evidence, cand: Candidate, corpus: Corpus, lm) -> list[float]:
    """What the model weighs (``FEATURES`` names them).

    From the contexts: the candidate's share of the contexts won and its mean margin. From frequencies:
    how over-represented the written type is in this corpus against general English (a farm writes its
    odd words over and over) and how over-represented the candidate is (a farm writes over its
    originals); the channel weight; how often the type occurs. From copies of one article (when the
    corpus holds some): how often the type faced this candidate at the same place of another copy, the
    share of its aligned occurrences the other copy wrote alike (an author's word is kept by the other
    copy; a farm's is not), and how often it was aligned at all."""
    n = max(1, corpus.total)
    over = math.log(ev.occurrences / n) - unigram(lm, ev.spun)
    under = math.log((phrase_count(corpus, cand.text) + 0.5) / n) - unigram(lm, cand.text)
    mean = max(-10.0, min(10.0, cand.margin / max(1, ev.contexts)))
    copies = corpus.copies
    facing = copies.facing[(ev.spun, cand.text)] if copies else 0
    aligned = copies.aligned[ev.spun] if copies else 0
    kept = (copies.kept[ev.spun] + 1) / (aligned + 2) if copies else 0.5
    kept_cand = (copies.kept[cand.text] + 1) / (copies.aligned[cand.text] + 2) if copies else 0.5
    return [cand.wins / max(1, ev.contexts), mean, over, under, math.log(cand.weight), math.log(ev.occurrences),
            math.log1p(facing), kept, math.log1p(aligned), kept_cand, float(cand.listed)]


FEATURES = ("win share", "mean margin", "type over-represented", "candidate over-represented",
            "log channel weight", "log occurrences", "log times facing the candidate in a copy",
            "share kept alike in copies", "log times aligned in copies", "share of the candidate kept alike",
            "listed by the lexicons")


def log_odds(x: Sequence[float], coefficients: Sequence[float] = COEFFICIENTS) -> float:
    """The fitted logistic model: intercept first, then one coefficient per feature."""
    return coefficients[0] + sum(w * v for w, v in zip(coefficients[1:], x))


def choose(ev: Evidence, corpus: Corpus, lm, coefficients: Sequence[float] = COEFFICIENTS) -> Evidence:
    """Set the type's original to its candidate of highest log-odds (the first, by weight, on a tie)."""
    best, best_score = None, -math.inf
    for cand in ev.candidates:
        z = cand.score = log_odds(features(ev, cand, corpus, lm), coefficients)
        if z > best_score:
            best, best_score = cand, z
    ev.original, ev.score = (best.text, best_score) if best else (None, -math.inf)
    return ev


def phrase_count(corpus: Corpus, phrase: str) -> int:
    """Occurrences of a phrase in the corpus: a word from the counts, a longer phrase from ``count_phrases``."""
    return corpus.counts[phrase] if " " not in phrase else corpus.phrase_counts.get(phrase, 0)


def count_phrases(corpus: Corpus, phrases: Iterable[str]) -> None:
    """Count the multiword ``phrases`` in one pass over the corpus (grouped by length)."""
    wanted: dict[int, set[str]] = collections.defaultdict(set)
    for p in phrases:
        if " " in p and p not in corpus.phrase_counts:
            wanted[p.count(" ") + 1].add(p)
    seen: collections.Counter = collections.Counter()
    for words in corpus.words:
        for n, group in wanted.items():
            for k in range(len(words) - n + 1):
                p = " ".join(words[k:k + n])
                if p in group:
                    seen[p] += 1
    for group in wanted.values():
        corpus.phrase_counts.update((p, seen[p]) for p in group)


def weight_of(ev: Evidence, corpus: Corpus) -> float:
    """P(spun | original): the occurrences the original won, over those plus the original's own count."""
    cand = next(c for c in ev.candidates if c.text == ev.original)
    spun_for = cand.wins / max(1, ev.contexts) * ev.occurrences
    return round(min(1.0, max(MIN_WEIGHT, spun_for / max(1.0, spun_for + phrase_count(corpus, ev.original)))), 4)


class Inducer:
    """Finds the spun types of a corpus and the originals they stand for."""

    def __init__(self, lexicon=None, lm=None, *, min_docs: int = MIN_DOCS, min_occurrences: int = MIN_OCCURRENCES,
                 min_score: float | None = None) -> None:
        if lexicon is None:
            from .lexicon import default_lexicon
            lexicon = default_lexicon()
        if lm is None:
            from .lm import NgramLM
            lm = NgramLM()
        self.lexicon, self.lm = lexicon, lm
        self.min_docs, self.min_occurrences = min_docs, min_occurrences
        self.wanted_score = min_score   # None: the fitted threshold of the model the corpus calls for
        self.min_score = MIN_SCORE if min_score is None else min_score
        self.coefficients: Sequence[float] = COEFFICIENTS
        self.stats: dict[str, float] = {}

    def evidence(self, texts: Iterable[str | None]) -> tuple[Corpus, list[Evidence]]:
        """The corpus and the evidence of every type seen often enough, in sorted order of type, each with
        its chosen original and score."""
        t0 = time.perf_counter()
        corpus = gather(texts, self.lexicon)
        corpus.copies = self.copies(corpus)
        add_faced(corpus)
        alone = corpus.copies is None or corpus.copies.pairs == 0
        self.coefficients = COEFFICIENTS_ALONE if alone else COEFFICIENTS
        self.stats["copy_pairs"] = corpus.copies.pairs if corpus.copies else 0
        default = MIN_SCORE_ALONE if alone else MIN_SCORE
        self.min_score = default if self.wanted_score is None else self.wanted_score
        out = self._weigh(corpus, self.coefficients)
        self.stats.update(documents=len(corpus.words), types=len(corpus.places), weighed=len(out),
                          seconds=round(time.perf_counter() - t0, 2))
        return corpus, out

    def _weigh(self, corpus: Corpus, coefficients: Sequence[float]) -> list[Evidence]:
        out = []
        for spun in sorted(corpus.places):
            places = corpus.places[spun]
            if len(places) < self.min_occurrences or len({p[0] for p in places}) < self.min_docs:
                continue
            cands = candidates_of(self.lexicon, spun, faced=corpus.faced.get(spun, ()))
            if cands:
                out.append(weigh(self.lm, corpus, spun, cands))
        count_phrases(corpus, (c.text for ev in out for c in ev.candidates))
        for ev in out:
            choose(ev, corpus, self.lm, coefficients)
        return out

    @staticmethod
    def copies(corpus: Corpus):
        """Evidence of the copies of one article in the corpus (none without datasketch)."""
        try:
            from .consensus import copy_evidence
            return copy_evidence([[w for w in words if w not in (BOS, EOS)] for words in corpus.words])
        except ImportError:   # restore[learn] not installed: the contexts and frequencies alone
            return None

    def induce(self, texts: Iterable[str | None]) -> list[tuple[str, str, float, int, int]]:
        """Rows ``(spun, original, weight, occurrences, documents)``, most frequent first."""
        corpus, evidence = self.evidence(texts)
        return self.rows(corpus, evidence)

    def rows(self, corpus: Corpus, evidence: Sequence[Evidence]) -> list[tuple[str, str, float, int, int]]:
        """The table rows of the evidence that passes (``kept``), most frequent first."""
        rows = [(ev.spun, ev.original, weight_of(ev, corpus), ev.occurrences, ev.documents)
                for ev in kept(evidence, self.min_score)]
        self.stats["induced"] = len(rows)
        return sorted(rows, key=lambda r: (-r[3], r[0], r[1]))


def kept(evidence: Sequence[Evidence], min_score: float = MIN_SCORE) -> list[Evidence]:
    """Types whose best candidate reaches ``min_score``. Two copies facing each other give the same count
    both ways ("said" faces "stated", "stated" faces "said"): of two types kept as each other's original,
    only the surer is kept."""
    passing = {ev.spun: ev for ev in evidence if ev.original is not None and ev.score >= min_score}

    def beaten(ev: Evidence) -> bool:
        other = passing.get(ev.original or "")
        return other is not None and other.original == ev.spun and (other.score, ev.spun) > (ev.score, other.spun)
    return [ev for ev in passing.values() if not beaten(ev)]


def induced_tsv(rows, header: str) -> str:
    """The learned-table TSV, rows marked ``induced`` with their support (occurrences, documents)."""
    lines = [f"# {header}", "spun\toriginal\tweight\tsource\tcount\tdocuments"]
    lines += [f"{s}\t{o}\t{w}\tinduced\t{n}\t{d}" for s, o, w, n, d in rows]
    return "\n".join(lines) + "\n"
