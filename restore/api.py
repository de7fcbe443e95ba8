"""The public API: ``restore_text``, ``detect`` and the reusable ``Restorer``."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator

from .candidates import CandidateSpan, find_candidates
from .confidence import default_map, identity
from .decode import Settings, SpanPosterior, decode
from .edits import Edit, Flag, apply_edits, match_style
from .lexicon import Lexicon, default_lexicon
from .lm import LanguageModel, NgramLM
from .tokenize import sentences, tokenize

Progress = Callable[[int, int], None]   # progress(done, total), in any unit of work


@dataclass(frozen=True)
class Restoration:
    """The result of restoring one text: the new ``text``, the ``edits`` that made it, the spin score."""

    source: str
    text: str
    edits: list[Edit]
    spin_score: float
    flags: list[Flag] = field(default_factory=list)

    def explain(self) -> str:
        """The edits, one per line, in reading order."""
        lines = [f"spin score {self.spin_score:.2f}; {len(self.edits)} edit(s)"]
        for e in self.edits:
            alts = ", ".join(f"{a} {p:.2f}" for a, p in e.alternatives[:3])
            lines.append(f"{e.start:>6}-{e.end:<6} {e.spun!r} -> {e.original!r}  (confidence {e.confidence:.2f}"
                         + (f"; also {alts}" if alts else "") + f"; {e.evidence})")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"text": self.text, "spin_score": round(self.spin_score, 4),
                "edits": [e.to_dict() for e in self.edits], "flags": [f.to_dict() for f in self.flags]}


@dataclass(frozen=True)
class Detection:
    """Spans that look spun, and the document's spin score in [0, 1]."""

    spans: list[Flag]
    spin_score: float

    def to_dict(self) -> dict:
        return {"spin_score": round(self.spin_score, 4), "spans": [f.to_dict() for f in self.spans]}


def make_lm(lm: str | LanguageModel | None) -> LanguageModel:
    """A language model from a name ("ngram", "gemma"), a model file or folder path, or an object with ``logprob``."""
    if lm is None or lm == "ngram":
        return NgramLM()
    if isinstance(lm, str):
        if os.path.isfile(lm):
            return NgramLM(lm)
        if lm == "gemma" or os.path.isdir(lm):  # neural rescoring on top of the n-gram search
            from .neural import neural_lm
            return neural_lm(lm)
        raise ValueError(f"unknown language model {lm!r}: use 'ngram', 'gemma', the path of an n-gram model "
                         "file or of a Hugging Face model folder")
    if not isinstance(lm, LanguageModel):
        raise TypeError("lm must be 'ngram', a model path, or an object with order and logprob(word, history)")
    return lm


class Restorer:
    """Loads the lexicon and language model once; ``restore`` may then be called from many threads.

    Parameters: ``lm`` ("ngram", a model path or a LanguageModel), ``lexicons`` (extra lexicon files, e.g.
    a tortured-phrase list), ``lexicon`` (a ready Lexicon replacing the bundled ones), ``wordnet`` (use the
    WordNet inverse-thesaurus candidates), ``settings`` (decoder knobs), ``min_confidence`` (a span is
    restored only when its posterior of being spun reaches it; below, it is at most flagged), ``flag_threshold`` (posterior above which a span is flagged).
    """

    def __init__(self, lm: str | LanguageModel | None = "ngram", *, lexicons: Iterable[str | os.PathLike] = (),
                 lexicon: Lexicon | None = None, wordnet: bool = True, settings: Settings | None = None,
                 min_confidence: float = 0.5, flag_threshold: float = 0.5, calibrate_confidence: bool = True,
                 **knobs) -> None:
        self.lm = make_lm(lm)
        self.lexicon = lexicon if lexicon is not None else default_lexicon(lexicons, wordnet=wordnet)
        if lexicon is not None:
            for path in lexicons:
                self.lexicon.load(path)
        self.settings = replace(settings or Settings(), **knobs)
        self.min_confidence = min_confidence
        self.flag_threshold = flag_threshold
        # reported edit confidence: the decoder's posterior mapped to a frequency (restore/confidence.py);
        # the map was fitted on the n-gram decoder's posteriors, and neural rescoring has its own scale
        fitted = calibrate_confidence and getattr(self.lm, "rescore", None) is None
        self.confidence = default_map() if fitted else identity

    def candidates(self, text: str) -> list[CandidateSpan]:
        """Every lexicon hit in ``text`` with the originals the decoder will consider."""
        return self._find(text, tokenize(text))

    def _find(self, text: str, tokens) -> list[CandidateSpan]:
        s = self.settings
        return find_candidates(text, tokens, self.lexicon, max_options=s.max_candidates, source_scale=s.scale,
                               min_ratio=s.min_ratio)

    def _posteriors(self, text: str, progress: Progress | None = None) -> tuple[float, list[SpanPosterior]]:
        tokens = tokenize(text)
        spans = self._find(text, tokens)
        sents = sentences(text, tokens)
        rate, posts = decode(tokens, sents, spans, self.lm, self.settings)
        rescore = getattr(self.lm, "rescore", None)  # neural models (restore.neural) take a second look
        if rescore is not None:
            # (a hook written before progress reports existed need not take one)
            extra = {"progress": progress} if progress is not None else {}
            posts = rescore(text, tokens, sents, posts, rate, self, **extra)
        return rate, posts

    def restore(self, text: str, progress: Progress | None = None) -> Restoration:
        """Restore one text.

        ``progress(done, total)``, if given, is called as the slow part of the work advances (the neural
        rescoring; the n-gram decoder needs no progress report): for a progress bar on long documents.
        """
        _check_text(text)
        rate, posts = self._posteriors(text, progress)
        edits: list[Edit] = []
        flags: list[Flag] = []
        for post in posts:
            span = post.span
            ranked = sorted(range(1, len(post.probs)), key=lambda k: -post.probs[k])
            best = ranked[0] if ranked else 0
            applied = post.chosen > 0 and post.p_spun >= self.min_confidence
            if applied:
                opt = span.options[post.chosen - 1]
                alts = tuple((match_style(span.spun, span.options[k - 1].text) + span.possessive, post.probs[k])
                             for k in ranked if k != post.chosen)
                alts += (("(keep)", post.probs[0]),)
                gain = self.confidence(post.probs[post.chosen])
                edits.append(Edit(span.start, span.end, span.spun, match_style(span.spun, opt.text) + span.possessive,
                                  gain, tuple(sorted(alts, key=lambda a: -a[1]))[:5],
                                  f"{opt.source} lexicon, weight {opt.weight:.2f}"))
            if post.p_spun >= self.flag_threshold or applied:
                guess = span.options[best - 1].text + span.possessive if best else ""
                flags.append(Flag(span.start, span.end, span.spun, post.p_spun, guess, applied))
        edits = _non_overlapping(edits)
        return Restoration(text, apply_edits(text, edits), edits, rate, flags)

    def restore_many(self, texts: Iterable[str]) -> Iterator[Restoration]:
        """Restore texts one after another, yielding each result as soon as it is ready."""
        for text in texts:
            yield self.restore(text)

    def detect(self, text: str, progress: Progress | None = None) -> Detection:
        """Spans that look spun and the document spin score (no text is rewritten)."""
        result = self.restore(text, progress)
        return Detection(result.flags, result.spin_score)


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")


def _non_overlapping(edits: list[Edit]) -> list[Edit]:
    """Drop the less confident of two overlapping edits (the decoder's own choices never overlap)."""
    kept: list[Edit] = []
    for e in sorted(edits, key=lambda e: e.start):
        if kept and e.start < kept[-1].end:
            if e.confidence > kept[-1].confidence:
                kept[-1] = e
            continue
        kept.append(e)
    return kept


_default: Restorer | None = None
_default_lock = threading.Lock()


def default_restorer() -> Restorer:
    """A shared Restorer with default settings, created on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Restorer()
        return _default


def restore_text(text: str, **options) -> Restoration:
    """Restore ``text`` with the default Restorer (or one built from ``options``)."""
    restorer = Restorer(**options) if options else default_restorer()
    return restorer.restore(text)


def detect(text: str, **options) -> Detection:
    """Detect spun spans in ``text`` without rewriting it."""
    restorer = Restorer(**options) if options else default_restorer()
    return restorer.detect(text)
