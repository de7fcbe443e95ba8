"""``NeuralLM``: the n-gram decoder's closest calls, rescored with a neural scorer (see the package doc)."""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field, replace

from ..candidates import CandidateSpan
from ..decode import SpanPosterior
from ..lexicon import Entry, phrase_key
from ..lm import BOS, LanguageModel, NgramLM
from ..tokenize import Token, tokenize
from .related import _STOP, _acceptor
from .sentence import _context_start, _decoded, _ngram_window, _shift, _variant_text
from .weights import Features, Weights
from .window import SentenceScorer, Window


@dataclass
class _Item:
    """One rescored span: its alternatives (0 = keep) and their features."""

    post: SpanPosterior
    alts: list[int]                 # indices into post.probs (0 keep, k option k - 1); proposals appended
    window: Window
    options: list[Entry]            # the span's options, proposals appended
    feats: list[Features] = field(default_factory=list)


class NeuralLM:
    """A LanguageModel for ``Restorer``: the n-gram model searches, the neural scorer rescores (see the package doc).

    ``logprob`` is the n-gram model's (the lattice search asks it word by word); ``rescore`` is the hook the
    Restorer calls with the decoder's posteriors.
    """

    def __init__(self, scorer: SentenceScorer, ngram: LanguageModel | None = None,
                 weights: Weights | None = None, *, propose_unlisted: bool = False) -> None:
        self.scorer = scorer
        self.ngram = ngram if ngram is not None else NgramLM()
        self.order = self.ngram.order
        self.weights = weights or _load_weights(scorer.name)
        self.propose_unlisted = propose_unlisted
        self.last_items: list[_Item] = []   # the last document's rescored spans (for weight fitting)
        self._related: dict = {}             # (spun, filler) -> related? (see _acceptor)

    def logprob(self, word: str, history: tuple[str, ...]) -> float:
        return self.ngram.logprob(word, history)

    def __repr__(self) -> str:
        return f"NeuralLM({self.scorer.name!r})"

    # The hook: called by Restorer with the decoder's output.
    def rescore(self, text: str, tokens: list[Token], sents: list[list[Token]], posts: list[SpanPosterior],
                rate: float, restorer, progress=None) -> list[SpanPosterior]:
        items = self.features(text, tokens, sents, posts, rate, restorer, progress)
        return self.combine(posts, items)

    def features(self, text, tokens, sents, posts, rate, restorer, progress=None) -> list[_Item]:
        """Windows for the spans worth a second look, scored, with every alternative's features."""
        lexicon = getattr(restorer, "lexicon", None)
        settings = getattr(restorer, "settings", None)
        scale = settings.scale if callable(getattr(settings, "scale", None)) else (lambda source: 1.0)
        items: list[_Item] = []
        for (s0, s1), sent_posts in _by_sentence(tokens, sents, posts):
            items += self._sentence_items(text, tokens, s0, s1, sent_posts, lexicon)
        if not items:
            self.last_items = []
            return items
        scores = self._score([it.window for it in items], progress)
        log_rate, log_keep = math.log(rate), math.log(1.0 - rate)
        for it, neural in zip(items, scores):
            self._add_features(it, neural, log_rate, log_keep, scale)
        self.last_items = items
        return items

    def _sentence_items(self, text, tokens, s0: int, s1: int, sent_posts: list[SpanPosterior],
                        lexicon) -> list[_Item]:
        """The spans of one sentence (tokens s0 to s1) worth a second look, each with its window."""
        wt = self.weights
        base, where, applied = _decoded(text, tokens, s0, s1, sent_posts)
        words = tokenize(base)
        worth = [post for post in sent_posts if self._worth(post)]
        if worth and wt.unlisted:
            sent_posts = sent_posts + self._unlisted(text, tokens, s0, s1, sent_posts, base, applied, where)
        taken = [(p.span.first, p.span.last) for p in applied]
        items: list[_Item] = []
        for post in sent_posts:
            if not (self._worth(post) or post.span.options == ()):
                continue
            if post.chosen == 0 and any(a < post.span.last and post.span.first < b for a, b in taken):
                # Inside (or across) a phrase the decoder restored: its words are gone from the
                # decoded sentence, so no window for it can be cut ("number" in "a number of").
                continue
            span = post.span
            start, end = where[id(post)]
            alts = self._alternatives(post)
            right = [t for t in words if t.start >= end][: wt.right_words]
            stop = right[-1].end if right else end
            first = _context_start(base, start)
            variants = [_variant_text(span, k) for k in alts]
            win = Window(base, start, end, stop, variants, first)
            if wt.propose and len(span.words) <= 3:
                win.propose = wt.propose
                win.accept = _acceptor(span.spun, lexicon, getattr(self.scorer, "similarity", None),
                                       wt.similar, self._related)
            items.append(_Item(post, list(alts), win, list(span.options)))
        return items

    def _score(self, windows: list[Window], progress) -> list[list[float]]:
        # progress= is optional in the scorer interface: pass it only to a scorer that takes it
        if progress is not None and "progress" in inspect.signature(self.scorer.score).parameters:
            return self.scorer.score(windows, progress=progress)
        return self.scorer.score(windows)

    def _add_features(self, it: _Item, neural: list[float], log_rate: float, log_keep: float, scale) -> None:
        """The features of each alternative of a scored item (``neural``: its window's scores), after
        appending the model's proposals to its options and alternatives."""
        wt = self.weights
        span = it.post.span
        base, win = it.window.base, it.window
        left = [t.norm for t in tokenize(base[:win.start])]
        right = [t.norm for t in tokenize(base[win.end:])][:2]
        for text_p in win.proposed:
            it.options.append(Entry(text_p.lower(), wt.proposed_weight, "neural", phrase_key(text_p)))
            it.alts.append(len(it.options))
        for k, a in enumerate(it.alts):
            alt_words = span.words if a == 0 else it.options[a - 1].words
            ng = _ngram_window(self.ngram, left, alt_words, right)
            post = math.log(max(1e-6, it.post.probs[a])) if a < len(it.post.probs) else math.log(1e-6)
            if a == 0:
                ch, rt, prop = 0.0, log_keep, 0.0
            else:
                opt = it.options[a - 1]
                ch = math.log(max(1e-9, opt.weight * scale(opt.source)))
                rt, prop = log_rate, float(opt.source == "neural")
            it.feats.append(Features(posterior=post, ngram=ng, neural=neural[k], channel=ch, rate=rt,
                                     proposed=prop, change=float(a != 0)))

    def _unlisted(self, text, tokens, s0, s1, posts, base, applied, where) -> list[SpanPosterior]:
        """Spans for words no lexicon entry covers but that surprise the n-gram model in context: the
        neural model may propose a related original for them (an unseen spinner substitution)."""
        covered = set()
        for post in posts:
            covered.update(range(post.span.first, post.span.last))
        keep = self.ngram.order - 1
        out = []
        for i in range(s0, s1):
            tok = tokens[i]
            if i in covered or not tok.text.isalpha() or not tok.text.islower() or len(tok.text) < 4 \
                    or tok.norm in _STOP:
                continue
            hist = tuple(([BOS] + [t.norm for t in tokens[s0:i]])[-keep:])
            if -self.ngram.logprob(tok.norm, hist) < self.weights.surprise:
                continue
            span = CandidateSpan(tok.start, tok.end, tok.text, i, i + 1, (), (tok.norm,))
            post = SpanPosterior(span, (1.0,), 0)
            a = _shift(tok.start, applied, tokens[s0].start)
            where[id(post)] = (a, a + len(tok.text))
            out.append(post)
        return out

    def _worth(self, post: SpanPosterior) -> bool:
        if post.chosen > 0 and post.probs[post.chosen] < self.weights.veto:
            return True
        return 1.0 - max(post.probs) >= self.weights.contest

    def _alternatives(self, post: SpanPosterior) -> list[int]:
        order = sorted(range(len(post.probs)), key=lambda k: -post.probs[k])
        alts = [0]
        if post.chosen and post.chosen not in alts:
            alts.append(post.chosen)
        for k in order:
            if len(alts) >= self.weights.top_k:
                break
            if k not in alts and post.probs[k] >= 1e-4:
                alts.append(k)
        return alts

    def combine(self, posts: list[SpanPosterior], items: list[_Item]) -> list[SpanPosterior]:
        """New posteriors: the rescored alternatives share the n-gram mass they had, by the combined score."""
        w = self.weights.vector()
        new = {id(it.post): it for it in items}
        known = {id(post) for post in posts}
        extra = [it.post for it in items if id(it.post) not in known and len(it.alts) > 1]
        out = []
        for post in sorted(posts + extra, key=lambda p: p.span.start) if extra else posts:
            it = new.get(id(post))
            if it is None:
                out.append(post)
                continue
            scores = [sum(wi * fi for wi, fi in zip(w, f)) for f in it.feats]
            m = max(scores)
            es = [math.exp(s - m) for s in scores]
            z = sum(es)
            n_old = len(post.probs)
            mass = sum(post.probs[a] for a in it.alts if a < n_old)
            probs = list(post.probs) + [0.0] * (len(it.options) + 1 - n_old)
            for a, e in zip(it.alts, es):
                probs[a] = mass * e / z
            chosen = max(range(len(probs)), key=lambda k: probs[k])
            span = post.span
            if len(it.options) != len(span.options):
                span = replace(span, options=tuple(it.options))
            out.append(SpanPosterior(span, tuple(probs), chosen))
        return out


def _by_sentence(tokens: list[Token], sents: list[list[Token]], posts: list[SpanPosterior]):
    """((first token, end token) of a sentence, its spans) for every sentence with spans, in order."""
    index = {id(t): i for i, t in enumerate(tokens)}
    bounds = [(index[id(s[0])], index[id(s[-1])] + 1) for s in sents if s]
    by_sent: dict[int, list[SpanPosterior]] = {}
    b = 0
    for post in sorted(posts, key=lambda p: p.span.first):
        while b < len(bounds) and bounds[b][1] <= post.span.first:
            b += 1
        by_sent.setdefault(b, []).append(post)
    # a span past the last sentence has no sentence to cut a window from
    return [(bounds[b], sent_posts) for b, sent_posts in by_sent.items() if b < len(bounds)]


def _load_weights(name: str) -> Weights:
    # Looked up on the package when called, not bound at import: replacing ``restore.neural.load_weights``
    # (a test, or an application with its own weights) then takes effect here too.
    from . import load_weights
    return load_weights(name)
