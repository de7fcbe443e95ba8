"""The decoder: choose, per sentence, which candidate spans to restore and to what.

Noisy channel. A spun document S was made from an original O by a spinner that replaced each replaceable
phrase with probability rho (the document's spin rate) and picked the replacement with probability
P(spun | original) (the lexicon weight). We want argmax_O P(O) * P(S | O):

* P(O) is the language model over the restored sentence;
* a kept span pays ln(1 - rho), a restored one ln(rho) + ln(weight).

rho is not known in advance. It is estimated from the document itself (a few EM steps over every
candidate span, each judged in its local context) with a Beta prior that expects clean text. A document
gate then asks whether the whole document is spun at all (the log-likelihood ratio of "spun at rho" over
"not spun" must clear a margin that grows with the number of candidates); if not, rho is driven to zero.
A clean article thus comes back untouched, where no restoration can pay for ln(rho); a heavily spun one
gets rho near one half and is restored aggressively.

Each sentence is then decoded exactly over the lattice of kept-vs-restored spans with a trigram-state
Viterbi search, and every span gets a local posterior over {keep, option 1, option 2, ...} in the decoded
context: that is the confidence of an edit, its runner-up alternatives, and the detection score.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from .candidates import CandidateSpan
from .lexicon import is_dictionary
from .lm import BOS, EOS, LanguageModel
from .rates import Evidence, _sigmoid, calibrated, document_evidence, estimate_rate, estimate_rates  # noqa: F401
from .settings import MAX_SENTENCE, MIN_RATE, Settings
from .tokenize import Token


@dataclass(frozen=True, slots=True)
class SpanPosterior:
    """A candidate span and its local posterior: ``probs[0]`` is keep, ``probs[k]`` option ``k - 1``."""

    span: CandidateSpan
    probs: tuple[float, ...]
    chosen: int                    # 0 = kept, k = option k - 1 restored

    @property
    def p_spun(self) -> float:
        return 1.0 - self.probs[0]


def decode(tokens: list[Token], sentences: list[list[Token]], spans: list[CandidateSpan],
           lm: LanguageModel, settings: Settings = Settings(),
           exposures: dict[str, int] | None = None) -> tuple[float, list[SpanPosterior]]:
    """Spin rate and per-span decisions for a whole document.

    ``exposures`` counts, per rate group, the places the spinner could have rewritten but that are no
    candidate span (a head-only spinner's head words left standing): each is a kept opportunity.
    """
    bounds, norms, by_sentence = _layout(tokens, sentences, spans, settings)
    lm = _Memo(lm)
    evidence, by_sentence = _local_gains(norms, bounds, by_sentence, lm, settings)
    rates = estimate_rates(calibrated(evidence, settings), settings, exposures)
    if rates.get("dictionary", 0.0) > 0.0:
        # Explaining away: where the spinner's own dictionary is at work, the spans it accounts for say
        # nothing about the other groups' rates (a thesaurus lists the same words, so it would read the
        # dictionary's spins as its own and restore untouched words at an inflated rate).
        ours = {(e.span.first, e.span.last) for e in evidence if e.group == "dictionary"}
        rest = [e for e in evidence if e.group == "dictionary" or (e.span.first, e.span.last) not in ours]
        rates = estimate_rates(calibrated(rest, settings), settings, exposures)
    for group, rate in rates.items():   # a group whose gate held shut offers nothing
        if rate == 0.0 and group != "user":
            by_sentence = [_without_group(sent, group, settings) for sent in by_sentence]
    out: list[SpanPosterior] = []
    for (s0, s1), sent_spans in zip(bounds, by_sentence):
        if sent_spans:
            out.extend(_decode_sentence(norms, s0, s1, sent_spans, lm, rates, settings))
    if settings.decision == "posterior":
        out = _posterior_choices(out)
    spun_rates = [r for g, r in rates.items() if g != "user"]
    return max(MIN_RATE, *spun_rates), out   # (a gate held shut is rate 0; report the floor)


def span_evidence(tokens: list[Token], sentences: list[list[Token]], spans: list[CandidateSpan],
                  lm: LanguageModel, settings: Settings = Settings()) -> list[Evidence]:
    """The raw evidence of every candidate span and group (what ``Settings.calibration`` is fitted on)."""
    bounds, norms, by_sentence = _layout(tokens, sentences, spans, settings)
    return _local_gains(norms, bounds, by_sentence, _Memo(lm), settings)[0]


def _layout(tokens: list[Token], sentences: list[list[Token]], spans: list[CandidateSpan], settings: Settings):
    """Decoding pieces (token ranges), normalised words, and the candidate spans of each piece."""
    index = {id(t): i for i, t in enumerate(tokens)} if spans else {}
    bounds = []
    for sent in sentences:
        if sent:
            first, last = index.get(id(sent[0]), 0), index.get(id(sent[-1]), 0) + 1
            # Text without sentence breaks (lists, scraped boilerplate) is decoded in pieces of bounded
            # length, so time and memory stay linear in the document.
            for a in range(first, last, MAX_SENTENCE):
                bounds.append((a, min(last, a + MAX_SENTENCE)))
    norms = [t.norm for t in tokens]
    by_sentence: list[list[CandidateSpan]] = [[] for _ in bounds]
    k = 0
    for span in sorted(spans, key=lambda s: s.first):
        while k < len(bounds) and bounds[k][1] <= span.first:
            k += 1
        if k < len(bounds) and span.last <= bounds[k][1]:
            by_sentence[k].append(span)  # spans that cross a sentence break are dropped
    if settings.present_penalty < 1.0:
        by_sentence = _penalise_present(norms, by_sentence, settings.present_penalty)
    return bounds, norms, by_sentence


def _posterior_choices(posts: list[SpanPosterior]) -> list[SpanPosterior]:
    """Re-decide each span from its local posterior; overlapping spans go to the most likely spun one."""
    taken: set[int] = set()
    chosen: dict[int, int] = {}
    for k in sorted(range(len(posts)), key=lambda k: -posts[k].p_spun):
        post = posts[k]
        if post.p_spun < 0.5:
            break
        if taken.intersection(range(post.span.first, post.span.last)):
            continue
        taken.update(range(post.span.first, post.span.last))
        chosen[k] = max(range(1, len(post.probs)), key=lambda j: post.probs[j])
    return [replace(p, chosen=chosen.get(k, 0)) for k, p in enumerate(posts)]


def _penalise_present(norms: list[str], by_sentence: list[list[CandidateSpan]],
                      penalty: float) -> list[list[CandidateSpan]]:
    """Weaken originals that the document also uses outside any candidate span.

    A content-farm spinner applies one fixed dictionary to the whole article: if "city" had been in its
    dictionary, the "city" that stands untouched elsewhere would have been spun too. So an original the
    document still contains, at a place no candidate covers, is less likely to be the source of a spun
    phrase here.
    """
    covered = set()
    for sent in by_sentence:
        for span in sent:
            # (a spinner dictionary's own spans do not count: with its gate shut the document must read
            # exactly as if it had not been loaded)
            if not all(is_dictionary(o.source) for o in span.options):
                covered.update(range(span.first, span.last))
    present = {w for i, w in enumerate(norms) if i not in covered}
    out = []
    for sent in by_sentence:
        new = []
        for span in sent:
            if any(len(o.words) == 1 and o.words[0] in present for o in span.options):
                opts = tuple(replace(o, weight=o.weight * penalty) if len(o.words) == 1 and o.words[0] in present
                             else o for o in span.options)
                span = replace(span, options=opts)
            new.append(span)
        out.append(new)
    return out


def _local_gains(norms: list[str], bounds: list[tuple[int, int]], by_sentence: list[list[CandidateSpan]],
                 lm: LanguageModel, settings: Settings) -> tuple[list[Evidence], list[list[CandidateSpan]]]:
    """Evidence of each span in the unrestored context, per source group, and the pruned spans.

    Only the best few originals of a span by local score go on to the lattice.
    """
    evidence: list[Evidence] = []
    pruned: list[list[CandidateSpan]] = []
    for (s0, s1), sent_spans in zip(bounds, by_sentence):
        words = norms[s0:s1]
        kept = []
        for span in sent_spans:
            a, b = span.first - s0, span.last - s0
            scores = _local_scores(lm, words[:a], words[b:], span, settings, None)
            by_group: dict[str, list[tuple[float, str]]] = {}
            for opt, score in zip(span.options, scores[1:]):
                by_group.setdefault(settings.group(opt.source), []).append((score, opt.text))
            for group, values in by_group.items():
                gain = _logsumexp([v for v, _ in values]) - scores[0]
                evidence.append(Evidence(span, group, gain, tuple(t for _, t in values)))
            if len(span.options) > settings.options:
                # the best few by local score, a spinner dictionary's and the bundled ones ranked apart
                ranked = sorted(range(len(span.options)), key=lambda k: -scores[k + 1])
                ours = [k for k in ranked if is_dictionary(span.options[k].source)][: settings.options]
                rest = [k for k in ranked if not is_dictionary(span.options[k].source)][: settings.options]
                span = replace(span, options=tuple(span.options[k] for k in sorted(ours + rest)))
            kept.append(span)
        pruned.append(kept)
    return evidence, pruned


def _without_group(spans: list[CandidateSpan], group: str, settings: Settings) -> list[CandidateSpan]:
    """The spans with one rate group's originals removed (spans left without originals are dropped)."""
    out = []
    for span in spans:
        options = tuple(o for o in span.options if settings.group(o.source) != group)
        if options:
            out.append(span if len(options) == len(span.options) else replace(span, options=options))
    return out


def memo(lm: LanguageModel) -> LanguageModel:
    """``lm`` with a per-document cache of its queries (for several passes over one document)."""
    return _Memo(lm)


class _Memo:
    """Per-document cache of LM queries: the lattice asks the same (word, history) many times."""

    def __init__(self, lm: LanguageModel) -> None:
        self.order = lm.order
        self._lm = lm
        self._logprob = lm.logprob
        self._cache: dict = {}

    def logprob(self, word: str, history: tuple[str, ...]) -> float:
        key = (word, history)
        value = self._cache.get(key)
        if value is None:
            if len(self._cache) > 200_000:  # bounded: a book-length document must not grow it forever
                self._cache.clear()
            value = self._cache[key] = self._logprob(word, history)
        return value


def _decode_sentence(norms: list[str], s0: int, s1: int, spans: list[CandidateSpan], lm: LanguageModel,
                     rates: dict[str, float], settings: Settings) -> list[SpanPosterior]:
    log_rates = {g: math.log(r) if r > 0 else -math.inf for g, r in rates.items()}
    n = s1 - s0
    starting: dict[int, list[CandidateSpan]] = {}
    for span in spans:
        starting.setdefault(span.first - s0, []).append(span)
    keep_order = lm.order - 1
    # hyps[i]: state (last words) -> (score, backpointer)
    hyps: list[dict] = [dict() for _ in range(n + 1)]
    hyps[0][(BOS,)] = (0.0, None)
    # The channel cost of each option does not depend on the LM state: compute it once.
    arcs: dict[int, list] = {}
    for i, here in starting.items():
        arcs[i] = [(span, k, opt.words, _channel(opt, span, log_rates, settings, lm))
                   for span in here for k, opt in enumerate(span.options)]
    keep_costs = {i: min(_keep_cost(span, rates, settings) for span in here) for i, here in starting.items()}
    for i in range(n):
        layer = hyps[i]
        if len(layer) > settings.beam:
            layer = dict(sorted(layer.items(), key=lambda kv: -kv[1][0])[: settings.beam])
        here = arcs.get(i, ())
        keep_cost = keep_costs.get(i, 0.0)
        word = norms[s0 + i]
        nxt = hyps[i + 1]
        for state, (score, _) in layer.items():
            new = score + lm.logprob(word, state) + keep_cost
            _relax(nxt, (state + (word,))[-keep_order:], new, (i, state, None))
            for span, k, words, cost in here:
                total, hist = score + cost, state
                for w in words:
                    total += lm.logprob(w, hist)
                    hist = (hist + (w,))[-keep_order:]
                _relax(hyps[span.last - s0], hist, total, (i, state, (span, k)))
    chosen, out_words, before = _best_path(hyps, norms, s0, n, lm)
    results = []
    for span in spans:
        a, b = span.first - s0, span.last - s0
        left = out_words[: _boundary_at_or_before(before, a)]
        right = out_words[_boundary_at_or_after(before, b, n):]
        scores = _local_scores(lm, left, right, span, settings, log_rates, lm_for_channel=lm, rates=rates)
        probs = _softmax(scores)
        results.append(SpanPosterior(span, tuple(probs), chosen.get(id(span), 0)))
    return results


def _best_path(hyps: list[dict], norms: list[str], s0: int, n: int, lm: LanguageModel):
    """Backtrack the lattice from its best final state: which option each chosen span took (1-based),
    the output words, and how many output words come before each token boundary."""
    best_state, best = None, -math.inf
    for state, (score, _) in hyps[n].items():
        final = score + lm.logprob(EOS, state)
        if final > best:
            best_state, best = state, final
    # Backtrack to the chosen segments.
    chosen: dict[int, int] = {}
    segments: list[tuple[tuple[str, ...], int, int]] = []
    pos, state = n, best_state
    while pos > 0:
        _, back = hyps[pos][state]
        i, prev_state, choice = back
        if choice is None:
            segments.append(((norms[s0 + i],), i, i + 1))
        else:
            span, k = choice
            chosen[id(span)] = k + 1
            segments.append((span.options[k].words, i, pos))
        pos, state = i, prev_state
    segments.reverse()
    out_words: list[str] = []
    before: dict[int, int] = {0: 0}   # token boundary -> output words produced before it
    for words, a, b in segments:
        out_words.extend(words)
        before[b] = len(out_words)
    return chosen, out_words, before


def _channel(opt, span: CandidateSpan, log_rates: dict[str, float], settings: Settings, lm=None) -> float:
    """ln P(spun | original) for one option: the group's spin rate, the lexicon weight, the discounts."""
    score = log_rates[settings.group(opt.source)] + math.log(opt.weight * settings.scale(opt.source))
    if (settings.unigram_discount and lm is not None and len(opt.words) == 1 and len(span.words) == 1
            and not _has_digit(opt.words[0]) and not _has_digit(span.words[0]) and not is_dictionary(opt.source)):
        # (numbers are scored by rule, not by frequency: nothing to discount; a spinner dictionary's head
        # words are the frequent ones by construction, so there the preference is evidence, not taste)
        score -= settings.unigram_discount * (lm.logprob(opt.words[0], ()) - lm.logprob(span.words[0], ()))
    return score


def _has_digit(word: str) -> bool:
    return _DIGIT.search(word) is not None


_DIGIT = re.compile(r"\d")


def _keep_cost(span: CandidateSpan, rates: dict[str, float], settings: Settings) -> float:
    """ln P(spun words kept | they are the original): one minus the strongest applicable spin rate."""
    return math.log(1.0 - max(rates[settings.group(o.source)] for o in span.options))


def _local_scores(lm: LanguageModel, left: list[str], right: list[str], span: CandidateSpan,
                  settings: Settings, log_rates: dict[str, float] | None, lm_for_channel=None,
                  rates: dict[str, float] | None = None) -> list[float]:
    """Local log scores of [keep, option 1, ...] with two words of context on each side.

    With ``log_rates`` None the channel counts only the lexicon weight (and the keep path nothing): the
    raw evidence used to estimate the spin rates.
    """
    keep_order = lm.order - 1
    start = tuple(left[-keep_order:]) if len(left) >= keep_order else ((BOS,) + tuple(left))[-keep_order:]
    tail = right[:keep_order] if len(right) >= keep_order else right + [EOS]
    scores = []
    for opt in (None, *span.options):
        words = span.words if opt is None else opt.words
        total, hist = 0.0, start
        for w in words + tuple(tail):
            total += lm.logprob(w, hist)
            hist = (hist + (w,))[-keep_order:]
        if opt is None:
            total += _keep_cost(span, rates, settings) if rates is not None else 0.0
        else:
            total += _channel(opt, span, log_rates if log_rates is not None else _Zero(), settings, lm)
        scores.append(total)
    return scores


class _Zero(dict):
    """Log spin rate 0 for every group (the rate-free evidence of ``_local_gains``)."""

    def __missing__(self, key):
        return 0.0


def _relax(layer: dict, state: tuple, score: float, back) -> None:
    old = layer.get(state)
    if old is None or score > old[0]:
        layer[state] = (score, back)


def _boundary_at_or_before(before: dict[int, int], a: int) -> int:
    while a not in before:
        a -= 1
    return before[a]


def _boundary_at_or_after(before: dict[int, int], b: int, n: int) -> int:
    while b not in before and b < n:
        b += 1
    return before.get(b, before[n])


def _logsumexp(xs: list[float]) -> float:
    m = max(xs)
    return m + math.log(sum(math.exp(x - m) for x in xs))


def _softmax(xs: list[float]) -> list[float]:
    m = max(xs)
    es = [math.exp(x - m) for x in xs]
    total = sum(es)
    return [e / total for e in es]
