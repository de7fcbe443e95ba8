"""The public API: ``restore_text``, ``detect`` and the reusable ``Restorer``."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator

from .candidates import CandidateSpan, find_candidates
from .confidence import default_map, identity
from .decode import Settings, SpanPosterior, decode, memo
from .profiles import choose_dictionary
from .settings import MAX_CANDIDATES, MIN_RATIO
from .errors import ModelError
from .modes import choose_mode, for_mode, head_exposures, mode_evidence, shuffle_lead
from .edits import Edit, Flag, apply_edits, match_style
from .lexicon import Lexicon, default_lexicon, is_dictionary
from .lm import LanguageModel, NgramLM
from .rewriting import RewriteModel, default_model as default_rewrite_model, features as rewriting_features
from .rewriting import load_model as load_rewrite_model
from .explain import Positions, lm_gain, reason, window
from .segments import best_segmentation, share_spun
from .tokenize import sentences, tokenize
from .windows import WINDOW_CHARS, windows

Progress = Callable[[int, int], None]   # progress(done, total), in any unit of work

# Spin score (the estimated share of a document's words that a spinner replaced) above which filters
# count a document as spun. On development documents (benchmarks/dev.py positions, not scored by the
# benchmark) the 30 clean ones scored at most 0.014; spun at 15% of words, 58% of dictionary-spinner,
# 33% of observed-pair and 92% of phrase-spinner documents scored above 0.03; seed 001 scores 0.42.
MAX_SPIN = 0.03


@dataclass(frozen=True)
class Restoration:
    """The result of restoring one text: the new ``text``, the ``edits`` that made it, the spin score.

    ``spin_score`` estimates the share of the document's words a spinner replaced (0 clean .. 1);
    ``spin_rate`` is the decoder's spin rate (the share of candidate spans it expects spun, capped), which
    drives the decoding but reads badly as a percentage of the text.
    """

    source: str
    text: str
    edits: list[Edit]
    spin_score: float
    flags: list[Flag] = field(default_factory=list)
    spinner_mode: str | None = None   # "head" or "shuffle" when a spinner dictionary is loaded
    spin_rate: float = 0.0

    def explain(self, width: int = 30) -> str:
        """The edits in reading order, two lines each: line:column, the words around the edit (``width``
        characters either side) and the confidence; then the reason in words."""
        lines = [f"spin score {self.spin_score:.2f} (about {self.spin_score:.0%} of the words look replaced); "
                 f"{len(self.edits)} edit{'' if len(self.edits) == 1 else 's'}"]
        where = Positions(self.source)
        for e in self.edits:
            line, col = where(e.start)
            lines.append(f"{line}:{col}  {window(self.source, e.start, e.end, e.original, width)}  "
                         f"(confidence {e.confidence:.2f})")
            lines.append(f"    {e.evidence}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        out = {"text": self.text, "spin_score": round(self.spin_score, 4), "spin_rate": round(self.spin_rate, 4),
               "edits": [e.to_dict() for e in self.edits], "flags": [f.to_dict() for f in self.flags]}
        if self.spinner_mode:
            out["spinner_mode"] = self.spinner_mode
        return out


@dataclass(frozen=True)
class Detection:
    """Spans that look spun, the document's spin score in [0, 1], and signs of rewriting.

    ``spin_score`` counts what the lexicons can undo. ``rewrite_score`` (0..1, ``restore.rewriting``) is
    the probability that the document was machine-rewritten, read from traces any spinner leaves
    (words that do not fit their neighbours, joined words) whatever its dictionary. ``kind`` names the
    document: "lexicon spinner" (the spin score is high), "unknown spinner" (only the rewrite score is)
    or "clean".
    """

    spans: list[Flag]
    spin_score: float
    spin_rate: float = 0.0
    spinner_mode: str | None = None
    rewrite_score: float = 0.0
    kind: str = "clean"

    def to_dict(self) -> dict:
        out = {"spin_score": round(self.spin_score, 4), "spin_rate": round(self.spin_rate, 4),
               "rewrite_score": round(self.rewrite_score, 4), "kind": self.kind,
               "spans": [f.to_dict() for f in self.spans]}
        if self.spinner_mode:
            out["spinner_mode"] = self.spinner_mode
        return out


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
        raise ModelError(f"unknown language model {lm!r}: use 'ngram', 'gemma', the path of an n-gram model "
                         "file or of a Hugging Face model folder")
    if not isinstance(lm, LanguageModel):
        raise TypeError("lm must be 'ngram', a model path, or an object with order and logprob(word, history)")
    return lm


class Restorer:
    """Loads the lexicon and language model once; ``restore`` may then be called from many threads.

    Parameters: ``lm`` ("ngram", a model path or a LanguageModel), ``lexicons`` (extra lexicon files, e.g.
    a tortured-phrase list), ``lexicon`` (a ready Lexicon replacing the bundled ones), ``wordnet`` (use the
    WordNet inverse-thesaurus candidates), ``settings`` (decoder knobs), ``min_confidence`` (a span is
    restored only when its posterior of being spun reaches it; below, it is at most flagged), ``flag_threshold``
    (posterior above which a span is flagged), ``window_chars`` (longer texts are restored in windows of at
    most this many characters, cut at paragraph or sentence breaks, so that memory stays bounded; see
    ``restore.windows``), ``lexicon_format`` and ``lexicon_trust`` (how to read the ``lexicons`` files:
    formats and trust classes as in ``restore.dictionary``; detected by default), and decoder knobs by
    name, e.g. ``spinner_mode="head"`` for a dictionary spinner known to rewrite head words only.
    ``profile="science"`` adds the term lexicon and the detector of
    phrases no lexicon lists (``restore.science``); ``unlisted=True`` flags such phrases in any profile
    without ever restoring them. ``rewrite_model`` (a path) replaces the shipped rewriting model that
    ``detect`` reads ``rewrite_score`` and ``kind`` with (``restore.rewriting``); restoring never uses it.
    """

    def __init__(self, lm: str | LanguageModel | None = "ngram", *, lexicons: Iterable[str | os.PathLike] = (),
                 lexicon: Lexicon | None = None, wordnet: bool = True, settings: Settings | None = None,
                 min_confidence: float = 0.5, flag_threshold: float = 0.5, window_chars: int = WINDOW_CHARS,
                 lexicon_format: str | None = None, lexicon_trust: str | None = None,
                 calibrate_confidence: bool = True, profile: str = "news", unlisted: bool = False,
                 rewrite_model: str | os.PathLike | None = None, **knobs) -> None:
        self.lm = make_lm(lm)
        if lexicon is None:
            self.lexicon = default_lexicon(lexicons, wordnet=wordnet, format=lexicon_format, trust=lexicon_trust)
        else:
            self.lexicon = lexicon
            for path in lexicons:
                self.lexicon.load(path, format=lexicon_format, trust=lexicon_trust)
        self.settings = replace(settings or Settings(), **knobs)
        self.min_confidence = min_confidence
        self.flag_threshold = flag_threshold
        self.window_chars = window_chars
        # reported edit confidence: the decoder's posterior mapped to a frequency (restore/confidence.py);
        # the map was fitted on the n-gram decoder's posteriors, and neural rescoring has its own scale
        fitted = calibrate_confidence and getattr(self.lm, "rescore", None) is None
        self.confidence = default_map() if fitted else identity
        self._rewrite_model = load_rewrite_model(rewrite_model) if rewrite_model is not None else None
        self.unlisted = None
        if profile != "news" or unlisted:
            from .science import profile_hook
            self.unlisted = profile_hook(self, profile)

    def candidates(self, text: str) -> list[CandidateSpan]:
        """Every lexicon hit in ``text`` with the originals the decoder will consider."""
        found = self._find(text, tokenize(text))
        return found if self.unlisted is None else found + self.unlisted.candidates(text)

    def _find(self, text: str, tokens) -> list[CandidateSpan]:
        s = self.settings
        found = find_candidates(text, tokens, self.lexicon, max_options=MAX_CANDIDATES, source_scale=s.scale,
                                min_ratio=MIN_RATIO)
        return choose_dictionary(found)   # several spinner dictionaries (learned profiles): one per document

    def _posteriors(self, text: str, progress: Progress | None = None) -> tuple[float, list[SpanPosterior]]:
        rate, posts, _ = self._decoded(text, progress)
        return rate, posts

    def _decoded(self, text: str, progress: Progress | None = None):
        tokens = tokenize(text)
        spans = self._find(text, tokens)
        sents = sentences(text, tokens)
        heads = (self.lexicon.heads, self.lexicon.max_head_len)
        lm = self.lm
        if self.lexicon.heads:   # both modes are scored first: one cache of LM queries serves all three passes
            lm = memo(self.lm)
        mode = choose_mode(tokens, sents, spans, lm, self.settings, heads)
        exposures = None
        if mode is not None:
            spans = for_mode(spans, mode)
            if mode == "head":
                exposures = {"dictionary": head_exposures(tokens, spans, *heads)}
        rate, posts = decode(tokens, sents, spans, lm, self.settings, exposures)
        rescore = getattr(self.lm, "rescore", None)  # neural models (restore.neural) take a second look
        if rescore is not None:
            # (a hook written before progress reports existed need not take one)
            extra = {"progress": progress} if progress is not None else {}
            posts = rescore(text, tokens, sents, posts, rate, self, **extra)
        return rate, posts, mode

    def pooled_mode(self, texts: Iterable[str]) -> str | None:
        """The spinner mode that explains ``texts`` together: documents one site spun with one plugin.

        Each document's lead of shuffle over head-only mode (``restore.modes``) is summed, so a short
        document that reads either way defers to its siblings. None when no text has spinner-dictionary
        candidates. Pass the result on as ``Restorer(..., spinner_mode=mode)``.
        """
        total, seen = 0.0, False
        for text in texts:
            tokens = tokenize(text)
            spans = self._find(text, tokens)
            if not any(is_dictionary(o.source) for span in spans for o in span.options):
                continue
            seen = True
            scores = mode_evidence(tokens, sentences(text, tokens), spans, memo(self.lm), self.settings,
                                   (self.lexicon.heads, self.lexicon.max_head_len))
            if scores is not None:
                total += shuffle_lead(scores)
        if not seen:
            return None
        return "shuffle" if total > 0 else "head"

    def restore(self, text: str, progress: Progress | None = None) -> Restoration:
        """Restore one text.

        ``progress(done, total)``, if given, is called as the slow part of the work advances (the neural
        rescoring; the n-gram decoder needs no progress report): for a progress bar on long documents.
        """
        _check_text(text)
        if len(text) > self.window_chars:
            return self._restore_windows(text, progress)
        return self._restore_one(text, progress)

    def restore_windows(self, text: str, progress: Progress | None = None) -> Iterator[tuple[int, Restoration]]:
        """``(offset, result)`` for each window of ``text`` (one window up to ``window_chars``), in order.

        Streams a long document: the caller may write each window's text and drop it, so that memory
        stays bounded whatever the length. The windows' texts, joined, are ``restore(text).text``.
        """
        _check_text(text)
        bounds = list(windows(text, self.window_chars))
        for k, (start, end) in enumerate(bounds):
            part = None
            if progress is not None:
                part = (lambda k: lambda done, total: progress(k * total + done, len(bounds) * total))(k)
            yield start, self._restore_one(text[start:end] if len(bounds) > 1 else text, part)

    def _restore_windows(self, text: str, progress: Progress | None) -> Restoration:
        """Restore a long text window by window; the spin score is the windows' length-weighted mean."""
        pieces: list[str] = []
        edits: list[Edit] = []
        flags: list[Flag] = []
        weighted = weighted_rate = 0.0
        modes: dict[str, int] = {}
        for start, res in self.restore_windows(text, progress):
            if res.spinner_mode:
                modes[res.spinner_mode] = modes.get(res.spinner_mode, 0) + 1
            pieces.append(res.text)
            edits.extend(replace(e, start=e.start + start, end=e.end + start) for e in res.edits)
            flags.extend(replace(f, start=f.start + start, end=f.end + start) for f in res.flags)
            weighted += res.spin_score * len(res.source)
            weighted_rate += res.spin_rate * len(res.source)
        mode = max(sorted(modes), key=modes.get) if modes else None   # each window fits its own; the usual one
        return Restoration(text, "".join(pieces), edits, weighted / len(text), flags, mode,
                           weighted_rate / len(text))

    def _restore_one(self, text: str, progress: Progress | None) -> Restoration:
        rate, posts, mode = self._decoded(text, progress)
        tokens = tokenize(text)
        edits: list[Edit] = []
        flags: list[Flag] = []
        for post in posts:
            span = post.span
            ranked = sorted(range(1, len(post.probs)), key=lambda k: -post.probs[k])
            best = ranked[0] if ranked else 0
            applied = post.chosen > 0 and post.p_spun >= self.min_confidence
            if applied:
                opt = span.options[post.chosen - 1]
                # The same original may come from two lexicons (a spinner dictionary and a bundled one):
                # its confidence is their sum, and it is not its own runner-up.
                same = [k for k in ranked if span.options[k - 1].text.lower() == opt.text.lower()]
                alts = tuple((match_style(span.spun, span.options[k - 1].text) + span.possessive, post.probs[k])
                             for k in ranked if k not in same)
                alts += (("(keep)", post.probs[0]),)
                alts = tuple(sorted(alts, key=lambda a: -a[1]))[:5]
                confidence = self.confidence(sum(post.probs[k] for k in same))
                gain = lm_gain(self.lm, [t.norm for t in tokens[max(0, span.first - 4):span.first]], span.words,
                               opt.words, [t.norm for t in tokens[span.last:span.last + 2]])
                edits.append(Edit(span.start, span.end, span.spun, match_style(span.spun, opt.text) + span.possessive,
                                  confidence, alts,
                                  reason(opt.source, opt.weight, gain, alts[0] if alts else None)))
            if post.p_spun >= self.flag_threshold or applied:
                guess = match_style(span.spun, span.options[best - 1].text) + span.possessive if best else ""
                flags.append(Flag(span.start, span.end, span.spun, post.p_spun, guess, applied))
        if self.unlisted is not None:   # combinations no lexicon lists (restore.science)
            edits, flags = self.unlisted.extend(text, tokens, edits, flags)
        edits = _non_overlapping(edits)
        share = share_spun(posts, len(tokens))
        return Restoration(text, apply_edits(text, edits), edits, share, flags, mode, spin_rate=rate)

    def restore_many(self, texts: Iterable[str]) -> Iterator[Restoration]:
        """Restore texts one after another, yielding each result as soon as it is ready."""
        for text in texts:
            yield self.restore(text)

    def detect(self, text: str, progress: Progress | None = None) -> Detection:
        """Spans that look spun, without overlaps, and the document spin score (no text is rewritten).

        Where flagged spans overlap ("used to be" and "used"), the segmentation with the most expected spun
        words is kept, spans the restorer applied first."""
        result = self.restore(text, progress)
        spans = best_segmentation(result.flags, lambda f: (f.start, f.end),
                                  lambda f: (float(f.restored), f.p_spun * len(tokenize(f.spun))))
        rewrite = self.rewrite_score(text)
        return Detection(spans, result.spin_score, result.spin_rate, result.spinner_mode, rewrite,
                         self.rewrite_model.kind(result.spin_score, rewrite))

    @property
    def rewrite_model(self) -> RewriteModel:
        """The rewriting model: ``rewrite_model=`` of the constructor, else the shipped one (loaded once)."""
        if self._rewrite_model is None:
            self._rewrite_model = default_rewrite_model()
        return self._rewrite_model

    def rewrite_score(self, text: str) -> float:
        """Probability that ``text`` was machine-rewritten, from dictionary-free features (``restore.rewriting``)."""
        return self.rewrite_model.score(rewriting_features(text, self.lm))


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


_cached: dict = {}
_CACHED_MAX = 8   # distinct option sets kept: each Restorer holds its lexicons (tens of MB)


def cached_restorer(**options) -> Restorer:
    """A shared Restorer for these options, built on first use: a scraper calling ``restore_text`` once a
    page must not reload the lexicons every time. Options must be hashable (lists become tuples)."""
    if not options:
        return default_restorer()
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))
    try:
        hash(key)
    except TypeError:
        return Restorer(**options)   # an unhashable option (a ready Lexicon, say): built each time
    with _default_lock:
        restorer = _cached.get(key)
        if restorer is None:
            if len(_cached) >= _CACHED_MAX:
                _cached.pop(next(iter(_cached)))
            restorer = _cached[key] = Restorer(**options)
        return restorer


def restore_text(text: str, **options) -> Restoration:
    """Restore ``text`` with the default Restorer (or a cached one built from ``options``)."""
    return cached_restorer(**options).restore(text)


def detect(text: str, **options) -> Detection:
    """Detect spun spans in ``text`` without rewriting it."""
    return cached_restorer(**options).detect(text)
