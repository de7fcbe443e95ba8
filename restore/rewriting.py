"""Document-level signs of rewriting that need no spinner dictionary.

The spin score counts the spans a *known* lexicon can undo, so a spinner whose dictionary is not in the
lexicons ("polity" for government, "homeloan" for home loan) scores like clean text. Whatever its
dictionary, though, a spinner leaves traces a language model can see: it puts words where they do not
collocate with their neighbours, prefers rarer words than a writer would, writes words the vocabulary
does not know, and so on. ``features`` measures such traces per document, cheaply (a few trigram queries
per word, no decoding); ``RewriteModel`` combines them with logistic heads fitted on development
documents (``models/rewriting.json``, written by ``scripts/fit_rewriting.py``) into ``rewrite_score``,
the probability that the document was machine-rewritten, and a calibrated ``kind`` (docs/rewriting.md).

Nothing here changes what is restored: detection only.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import ModelError
from .lm import BOS, LanguageModel, NgramLM
from .tokenize import Token, sentences, tokenize

FORMAT = "restore-rewriting"
# Unigram ln-probability under the bundled trigram model below which an in-vocabulary word counts as
# rare: -12 is about one in 160,000 words ("supervision", "pronounced"; "government" is -7.9).
RARE_LOGPROB = -12.0
# A part of a joined word must be at least this common (about one in 60,000 words: "home", "loan",
# "estate") and this long, so that "homeloan" splits and "another" (an + other) is never asked.
PART_LOGPROB = -11.0
PART_CHARS = 3
# Context lift (ln P(word | two words before) - ln P(word)) below which a pair of neighbours is taken as
# an unseen collocation: the model backed off to the unigram and charged its backoff weight.
COLD_LIFT = 0.0
# A fit (lift of a word plus lift of the word after it) below this counts as a poor fit: about e^2, seven
# times less likely in place than alone, on both sides together.
LOW_FIT = -2.0
SPELLED = {"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
           "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
STOP = frozenset("""a an the and or but if of to in on at by for with from as is are was were be been being am do
does did have has had not no nor so than then that this these those it its he she they we you i me him her them
us my your our their his who whom whose which what when where why how all any each few more most other some such
only own same too very can will just should would could may might must shall also there here about into over
after before up down out off again further once""".split())

FEATURES = ("lift", "cold", "cold_content", "island", "commonness", "rare", "fit_mean", "fit_neg", "fit_low",
            "fit_q10", "fit_median", "oov", "joined", "spelled")


def _is_word(tok: Token) -> bool:
    return tok.norm.replace("'", "").replace("-", "").isalpha()


def splits_into_common(word: str, lm: LanguageModel) -> bool:
    """Whether an out-of-vocabulary ``word`` is two common words written together ("homeloan")."""
    for k in range(PART_CHARS, len(word) - PART_CHARS + 1):
        a, b = word[:k], word[k:]
        if lm.logprob(a, ()) >= PART_LOGPROB and lm.logprob(b, ()) >= PART_LOGPROB:
            return True
    return False


_bundled: NgramLM | None = None
_lock = threading.Lock()


def _fitted_lm(lm: LanguageModel) -> LanguageModel:
    """``lm`` if it is the bundled trigram model, else the bundled model (loaded once, shared)."""
    global _bundled
    if type(lm) is NgramLM and lm.path == NgramLM.default_path():
        return lm
    with _lock:
        if _bundled is None:
            _bundled = NgramLM()
        return _bundled


@dataclass
class _Counts:
    """Running sums over a document (denominators first, then numerators, then per-word fits)."""

    words: int = 0
    scored: int = 0
    content: int = 0
    lower: int = 0
    lift: float = 0.0
    cold: int = 0
    cold_content: int = 0
    island: int = 0
    commonness: float = 0.0
    rare: int = 0
    oov: int = 0
    joined: set[str] = field(default_factory=set)
    spelled: int = 0
    fits: list[float] = field(default_factory=list)


def features(text: str, lm: LanguageModel) -> dict[str, float]:
    """Per-document rates of rewriting traces, each a share of the document's words or a mean.

    The *lift* of a word is ln P(word | two words before) - ln P(word): how much its neighbours make it
    expected. A spinner's word was not chosen for its neighbours, so its lift is low, and so is the lift
    of the word after it. Per document:

    * ``lift``: mean lift of in-vocabulary words;
    * ``cold`` / ``cold_content``: share of words (of content words) with a lift below ``COLD_LIFT``,
      i.e. word pairs the model has not seen together;
    * ``island``: share of lower-case content words cold on the left whose right neighbour is cold
      too: a word dropped into a sentence from outside;
    * ``commonness``: mean unigram ln-probability of lower-case content words; ``rare``: share of them
      rarer than ``RARE_LOGPROB`` (spinners pick rarer words than writers);
    * ``fit_*``: the *fit* of a lower-case content word is its lift plus the lift of the next word;
      their mean, share below 0 (``fit_neg``) and below -2 (``fit_low``), 10th percentile and median;
    * ``oov``: share of lower-case words the model does not know; ``joined``: distinct words that are
      two common words written together, per word; ``spelled``: share of words that are numbers above
      ten written in words, which news writes in digits.

    The features are read with the bundled trigram model whatever ``lm`` is (another model file, a
    neural model), since the shipped model was fitted on its numbers; ``lm`` saves a load when it is that
    model already.

    ``joined`` counts distinct words: technical prose writes its few compounds ("filesystem",
    "namespace") again and again, a joining spinner writes a new one at every chance.
    """
    lm = _fitted_lm(lm)
    c = _Counts()
    tokens = tokenize(text)
    for sent in sentences(text, tokens):
        _count_sentence(sent, lm, c)
    n_scored, n_content, fits = max(1, c.scored), max(1, c.content), sorted(c.fits) or [0.0]
    return {"lift": c.lift / n_scored, "cold": c.cold / n_scored, "cold_content": c.cold_content / n_content,
            "island": c.island / max(1, len(c.fits)), "commonness": c.commonness / max(1, len(c.fits)),
            "rare": c.rare / max(1, len(c.fits)), "fit_mean": sum(fits) / len(fits),
            "fit_neg": sum(f < 0 for f in fits) / len(fits), "fit_low": sum(f < LOW_FIT for f in fits) / len(fits),
            "fit_q10": fits[len(fits) // 10], "fit_median": fits[len(fits) // 2],
            "oov": c.oov / max(1, c.lower), "joined": len(c.joined) / max(1, c.words),
            "spelled": c.spelled / max(1, c.words)}


def _count_sentence(sent: list[Token], lm: LanguageModel, c: _Counts) -> None:
    """Add one sentence's words to ``c``; the language model sees the sentence from its start."""
    known = getattr(lm, "known", None)
    history: tuple[str, ...] = (BOS,)
    lifts: list[float | None] = []   # per token; None where the word is not scored
    content_at: list[tuple[int, float]] = []   # (position, unigram ln-probability) of lower-case content words
    for j, tok in enumerate(sent):
        w = tok.norm
        lifts.append(None)
        if _is_word(tok):
            c.words += 1
            c.spelled += w in SPELLED
            lower = tok.text.islower()
            in_vocab = known(w) if known is not None else lm.logprob(w, ()) > -14.0
            if lower:
                c.lower += 1
                if not in_vocab:
                    c.oov += 1
                    if w not in c.joined and splits_into_common(w, lm):
                        c.joined.add(w)
            if in_vocab:
                uni = lm.logprob(w, ())
                lift = lifts[j] = lm.logprob(w, history[-2:]) - uni
                c.scored += 1
                c.lift += lift
                c.cold += lift < COLD_LIFT
                if w not in STOP:
                    c.content += 1
                    c.cold_content += lift < COLD_LIFT
                    if lower:
                        content_at.append((j, uni))
        history = (history + (w,))[-2:]
    for j, uni in content_at:
        after = lifts[j + 1] if j + 1 < len(lifts) else None
        c.island += lifts[j] < COLD_LIFT and (after is None or after < COLD_LIFT)
        c.fits.append(lifts[j] + (after or 0.0))
        c.commonness += uni
        c.rare += uni < RARE_LOGPROB


def model_path() -> Path:
    """The shipped model: installed with the package, or in the source tree's models/ beside it."""
    installed = Path(str(resources.files("restore._models").joinpath("rewriting.json")))
    beside = Path(__file__).resolve().parent.parent / "models" / "rewriting.json"
    return installed if installed.exists() or not beside.exists() else beside


@dataclass(frozen=True)
class Head:
    """One logistic detector over some features: ``logit = bias + sum(w_f * (t(x_f) - mean_f) / scale_f)``,
    ``t`` the identity or, for ``log`` features, ln(x + ``LOG_FLOOR``). ``clean_mean`` and ``clean_std``
    are its logits' mean and spread on clean development documents, so that heads can be compared;
    ``shift`` is subtracted after that, for a head whose clean documents have a longer tail than the
    others' (technical prose writes words the model lacks)."""

    name: str
    weights: dict[str, float]
    means: dict[str, float]
    scales: dict[str, float]
    log: tuple[str, ...]
    bias: float
    clean_mean: float
    clean_std: float
    shift: float = 0.0

    def z(self, feats: dict[str, float]) -> float:
        """The head's logit in clean-document standard deviations above the clean mean."""
        logit = self.bias
        for f, w in self.weights.items():
            x = math.log(feats[f] + LOG_FLOOR) if f in self.log else feats[f]
            logit += w * (x - self.means[f]) / self.scales[f]
        return (logit - self.clean_mean) / self.clean_std - self.shift


# Added to a share before its logarithm: a third of one word in a 300-word document, so that a document
# with no joined word and one with a single one (which clean prose has) are not told far apart.
LOG_FLOOR = 1e-3


@dataclass(frozen=True)
class RewriteModel:
    """Detectors of rewriting traces (``heads``), each fitted against clean text on one family of traces
    (word choice that does not fit its neighbours; words the vocabulary lacks, joined or spelled out), and
    a calibration of the largest of their standardised scores into a probability of rewriting.

    A spinner leaves one kind of trace or another, rarely all: one linear model over every feature lets
    a strong sign of one kind be outvoted by the absence of the others, while the largest head score
    keeps it. ``score = sigmoid(a * max_h z_h + b)``. A document whose spin score is above
    ``spin_threshold`` is a "lexicon spinner" copy (the lexicons explain it); else one whose rewrite score
    reaches ``threshold`` is an "unknown spinner" copy; else "clean".
    """

    heads: tuple[Head, ...]
    a: float
    b: float
    threshold: float
    spin_threshold: float
    version: int = 1

    def score(self, feats: dict[str, float]) -> float:
        z = self.a * max(h.z(feats) for h in self.heads) + self.b
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def kind(self, spin_score: float, rewrite_score: float) -> str:
        if spin_score > self.spin_threshold:   # as the batch filter counts a document spun
            return "lexicon spinner"
        if rewrite_score >= self.threshold:
            return "unknown spinner"
        return "clean"


def _parse_head(data: dict, where: str) -> Head:
    weights = {str(k): float(v) for k, v in data["weights"].items()}
    means = {str(k): float(v) for k, v in data["means"].items()}
    scales = {str(k): float(v) for k, v in data["scales"].items()}
    head = Head(str(data["name"]), weights, means, scales, tuple(data.get("log", ())), float(data["bias"]),
                float(data["clean_mean"]), float(data["clean_std"]), float(data.get("shift", 0.0)))
    unknown = (set(weights) | set(head.log)) - set(FEATURES)
    if unknown or not weights:
        raise ModelError(f"{where}: head {head.name}: " + (f"unknown features {sorted(unknown)}" if unknown
                                                          else "no weights"))
    if any(f not in means or f not in scales or scales[f] <= 0 for f in weights) or head.clean_std <= 0:
        raise ModelError(f"{where}: head {head.name}: every feature needs a mean and a positive scale, and "
                         "clean_std must be positive")
    if not all(math.isfinite(v) for v in (*weights.values(), *means.values(), head.bias, head.clean_mean, head.shift)):
        raise ModelError(f"{where}: head {head.name}: numbers must be finite")
    return head


def parse_model(data: object, where: str = "rewriting model") -> RewriteModel:
    """A ``RewriteModel`` from the JSON object of ``models/rewriting.json``, checked; ``ModelError`` if not."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelError(f"{where}: not a rewriting model (expected \"format\": \"{FORMAT}\")")
    try:
        heads = tuple(_parse_head(h, where) for h in data["heads"])
        model = RewriteModel(heads, float(data["a"]), float(data["b"]), float(data["threshold"]),
                             float(data["spin_threshold"]), int(data.get("version", 1)))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, ModelError):
            raise
        raise ModelError(f"{where}: missing or malformed field ({exc})") from None
    if not heads:
        raise ModelError(f"{where}: no heads")
    if not 0.0 < model.threshold < 1.0 or not all(math.isfinite(v) for v in (model.a, model.b, model.spin_threshold)):
        raise ModelError(f"{where}: threshold must lie in (0, 1) and a, b, spin_threshold be finite")
    return model


def load_model(path: str | Path | None = None) -> RewriteModel:
    """The model in ``path`` (default: the shipped ``models/rewriting.json``)."""
    path = Path(path) if path is not None else model_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot read the rewriting model ({exc})") from None
    return parse_model(data, str(path))


@lru_cache(maxsize=1)
def default_model() -> RewriteModel:
    return load_model()
