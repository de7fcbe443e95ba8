"""Spinner modes: how a spinner used its dictionary, read from the document.

A *head-only* spinner looks up a line's head word and writes another member in its place; a *shuffle*
spinner replaces any member by any other (restore.dictionary). The candidates carry both readings (a
shuffle-only original has a source "dictionary-shuffle:NAME"); ``for_mode`` keeps those a mode allows, and
``choose_mode`` picks the mode whose channel explains the document better.
"""

from __future__ import annotations

import math
from dataclasses import replace

from .candidates import CandidateSpan
from .decode import _layout, _local_scores, _logsumexp
from .errors import SettingsError
from .lexicon import SHUFFLE_ONLY, is_dictionary
from .lm import LanguageModel
from .rates import document_evidence, estimate_rate
from .settings import Settings
from .tokenize import Token

MODES = ("auto", "head", "shuffle")


def for_mode(spans: list[CandidateSpan], mode: str) -> list[CandidateSpan]:
    """The spans as a spinner in ``mode`` could have written them: in head-only mode a spinner dictionary
    only ever stands for its head words, so its shuffle-only originals are dropped."""
    if mode != "head":
        return spans
    out = []
    for span in spans:
        if any(o.source.startswith(SHUFFLE_ONLY) for o in span.options):
            options = tuple(o for o in span.options if not o.source.startswith(SHUFFLE_ONLY))
            if not options:
                continue
            span = replace(span, options=options)
        out.append(span)
    return out


def head_exposures(tokens: list[Token], spans: list[CandidateSpan], heads: set[str], longest: int) -> int:
    """Head words of a spinner dictionary that stand in the document outside every dictionary candidate:
    places a head-only spinner could have rewritten and left alone."""
    if not heads:
        return 0
    covered = {i for s in spans if any(is_dictionary(o.source) for o in s.options) for i in range(s.first, s.last)}
    norms = [t.norm for t in tokens]
    count, i = 0, 0
    while i < len(norms):
        for n in range(min(longest, len(norms) - i), 0, -1):
            if " ".join(norms[i:i + n]) in heads and not covered.intersection(range(i, i + n)):
                count += 1
                i += n - 1
                break
        i += 1
    return count


# Nats by which the shuffle channel must explain a document better before it is chosen. Shuffle offers
# every member of a line as an original, and the calibrated evidence of a span sums over its originals,
# so it fits head-only documents nearly as well. Chosen on development documents
# (python -m benchmarks.dictionary --dev MARGIN swept 4 / 7 / 10): 7 puts 17 of 18 head-only and 18 of
# 18 shuffle spins in their mode; 10 sends 4 shuffle spins to head-only.
SHUFFLE_MARGIN = 7.0


def mode_evidence(tokens: list[Token], sentences: list[list[Token]], spans: list[CandidateSpan],
                  lm: LanguageModel, settings: Settings = Settings(),
                  heads: tuple[set[str], int] = (set(), 0)) -> dict[str, float] | None:
    """Per spinner mode, the document log-likelihood ratio of its dictionary spans (spun at the mode's
    EM-fitted rate over not spun); None without spans that only a shuffle spinner could have written.

    A shuffle spinner rewrites head words too, so a document where heads read as spun favours it; where
    heads read as original, the extra candidates only cost the shuffle channel its ln(1 - rate) at each of
    them. In head-only mode every head word left standing is an opportunity the spinner passed over.
    """
    if not any(o.source.startswith(SHUFFLE_ONLY) for s in spans for o in s.options):
        return None
    # One pass of local scores serves both modes: head-only evidence is the same sum over fewer originals.
    bounds, norms, by_sentence = _layout(tokens, sentences, spans, settings)
    raw: dict[str, list[float]] = {"head": [], "shuffle": []}
    for (s0, s1), sent_spans in zip(bounds, by_sentence):
        words = norms[s0:s1]
        for span in sent_spans:
            if not any(is_dictionary(o.source) for o in span.options):
                continue
            a, b = span.first - s0, span.last - s0
            scores = _local_scores(lm, words[:a], words[b:], span, settings, None)
            both = [v for o, v in zip(span.options, scores[1:]) if is_dictionary(o.source)]
            head = [v for o, v in zip(span.options, scores[1:])
                    if is_dictionary(o.source) and not o.source.startswith(SHUFFLE_ONLY)]
            raw["shuffle"].append(_logsumexp(both) - scores[0])
            if head:
                raw["head"].append(_logsumexp(head) - scores[0])
    a_, b_ = settings.calibration.get("dictionary", (1.0, 0.0))
    result = {}
    for mode, values in raw.items():
        gains = [a_ * g + b_ for g in values]
        kept = head_exposures(tokens, for_mode(spans, mode), *heads) if mode == "head" else 0
        rate = estimate_rate(gains, settings, kept)
        result[mode] = document_evidence(gains, rate) + kept * math.log(1.0 - rate)
    return result


def shuffle_lead(scores: dict[str, float] | None) -> float:
    """How far shuffle mode leads head-only mode past the margin (above 0: shuffle), from ``mode_evidence``."""
    if scores is None:
        return -math.inf
    return scores["shuffle"] - scores["head"] - SHUFFLE_MARGIN


def choose_mode(tokens: list[Token], sentences: list[list[Token]], spans: list[CandidateSpan],
                lm: LanguageModel, settings: Settings = Settings(),
                heads: tuple[set[str], int] = (set(), 0)) -> str | None:
    """The spinner mode that explains the document better (``settings.spinner_mode`` unless "auto"), or
    None without spinner-dictionary candidates."""
    if settings.spinner_mode not in MODES:
        raise SettingsError(f"unknown spinner mode {settings.spinner_mode!r}: use auto, head or shuffle")
    if not any(is_dictionary(o.source) for s in spans for o in s.options):
        return None
    if settings.spinner_mode != "auto":
        return settings.spinner_mode
    lead = shuffle_lead(mode_evidence(tokens, sentences, spans, lm, settings, heads))
    return "shuffle" if lead > 0 else "head"
