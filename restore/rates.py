"""Spin rates: how much of a document a spinner rewrote, per group of lexicon sources, from the document.

Each candidate span's evidence (how much better it reads restored, ``Evidence``) is turned into a
log-likelihood ratio by a fitted calibration, and a few EM steps with a Beta prior that expects clean
text give the rate; the document gate then drives it towards zero unless the whole document shows clear
evidence of spinning (docs/decoder.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .candidates import CandidateSpan
from .settings import EM_STEPS, MAX_RATE, MIN_RATE, PRIOR_A, PRIOR_B, Settings

# Nats short of the document gate below which a group's rate is set to zero and its candidates dropped,
# instead of only scaled down. A paragraph-sized clean record (a licence clause, a README paragraph)
# gives the gate little to weigh, and a scaled-down rate still let a strong local preference through
# ("by means of" -> by). Chosen on development documents: the clean paragraphs of the development half
# of python -m benchmarks.negative (licences, READMEs, changelogs) reach at most 2.4 nats of evidence,
# and with a margin of 3 their 18 changed words of 46,205 went to 0 (python -m benchmarks.dev clean
# documents: 0.81 -> 0 per 1,000; spun ones lost 1.5 points of spans restored, a margin of 0 lost 4.3).
# 3.5 keeps a nat of room above those paragraphs, and lets a single sentence with several spun phrases
# (4 nats with a small lexicon) through. A spinner dictionary's gate holds shut at the gate itself.
HARD_GATE_MARGIN = 3.5


@dataclass(frozen=True, slots=True)
class Evidence:
    """How much better a span reads restored by one source group's originals, before any spin rate.

    ``gain`` is ln(sum over the group's originals of LM x channel) - ln(LM of the spun words), in the
    unrestored context; ``originals`` are that group's originals for the span.
    """

    span: CandidateSpan
    group: str
    gain: float
    originals: tuple[str, ...]


def calibrated(evidence: list[Evidence], settings: Settings) -> dict[str, list[float]]:
    """Per group, each span's evidence as a log-likelihood ratio: a * gain + b (``Settings.calibration``)."""
    gains: dict[str, list[float]] = {}
    for e in evidence:
        a, b = settings.calibration.get(e.group, (1.0, 0.0))
        gains.setdefault(e.group, []).append(a * e.gain + b)
    return gains


def estimate_rates(gains: dict[str, list[float]], settings: Settings,
                   exposures: dict[str, int] | None = None) -> dict[str, float]:
    """Spin rate per source group, after the document gate (see ``Settings.doc_threshold``)."""
    rates: dict[str, float] = {}
    exposures = exposures or {}
    for group in set(gains) | {"spinner", "thesaurus", "user", "dictionary"}:
        values = gains.get(group, [])
        if settings.rate is not None:
            rate = settings.rate
        else:
            kept = exposures.get(group, 0)
            rate = estimate_rate(values, settings, kept)
            needed = settings.doc_threshold
            evidence = document_evidence(values, rate) + kept * math.log(1.0 - rate)
            if evidence < needed - (0.0 if group == "dictionary" else HARD_GATE_MARGIN):
                rate = 0.0   # a gate that holds shut: clean text is left alone, not merely restored less
            else:
                rate = max(MIN_RATE, rate * _sigmoid(evidence - needed))
        if group == "user":
            rate = max(rate, settings.user_rate)
        rates[group] = rate
    return rates


def estimate_rate(gains: list[float], settings: Settings, kept: int = 0) -> float:
    """MAP spin rate by EM: each span is spun with posterior sigmoid(gain + logit(rate)); ``kept`` more
    opportunities are known to be unspun."""
    rate = PRIOR_A / (PRIOR_A + PRIOR_B)
    if not gains:
        return max(MIN_RATE, min(MAX_RATE, rate))
    for _ in range(EM_STEPS):
        logit = math.log(rate / (1.0 - rate))
        expected = sum(_sigmoid(g + logit) for g in gains)
        rate = (expected + PRIOR_A - 1.0) / (len(gains) + kept + PRIOR_A + PRIOR_B - 2.0)
        rate = max(MIN_RATE, min(MAX_RATE, rate))
    return rate


def document_evidence(gains: list[float], rate: float) -> float:
    """Log-likelihood ratio of "spun at ``rate``" against "not spun" for the whole document."""
    keep = math.log(1.0 - rate)
    spin = math.log(rate)
    total = 0.0
    for g in gains:
        a, b = keep, spin + g
        total += (a if a > b else b) + math.log1p(math.exp(-abs(a - b)))
    return total


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
