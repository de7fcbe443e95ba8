"""Candidate generation: every place a lexicon phrase occurs, with the originals it may stand for.

Candidates over-generate on purpose -- "within" is a spinner's word for "in" but also a genuine word --
and the decoder decides, with the language model and the document's spin rate, which ones to restore.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from . import meaning
from .lexicon import Entry, Lexicon, is_dictionary
from .numbers import spelled_with_groups
from .tokenize import Token


Option = Entry  # one possible original for a span: text, weight, source, words


@dataclass(frozen=True, slots=True)
class CandidateSpan:
    """A lexicon hit: tokens ``first..last-1`` (characters ``start..end``) and the originals considered."""

    start: int
    end: int
    spun: str
    first: int
    last: int
    options: tuple[Option, ...] = field(repr=False)
    words: tuple[str, ...] = field(repr=False, default=())  # the spun tokens, normalised
    possessive: str = ""      # a possessive suffix ("’s") carried over to the original

    @property
    def originals(self) -> list[str]:
        """The originals considered, best channel weight first."""
        return [o.text + self.possessive for o in self.options]


# Channel weight of "twelve,000" -> "12,000" (a number spelled out with its digit groups kept): the
# spinner's word-for-digit rule is deterministic, so the pair is near-certain wherever it fits.
NUMBER_WEIGHT = 0.9


def find_candidates(text: str, tokens: list[Token], lexicon: Lexicon, max_options: int = 8,
                    source_scale: Callable[[str], float] | None = None, min_ratio: float = 0.02) -> list[CandidateSpan]:
    """All candidate spans of a document, in order of start token (overlaps allowed).

    Each span keeps at most ``max_options`` originals, best channel weight first (weights multiplied by
    ``source_scale(source)``), and none below ``min_ratio`` times the best: a thesaurus sense a
    hundred times weaker than a curated pair would never win and only costs time.
    """
    scale = source_scale
    norms = [t.norm for t in tokens]
    out: list[CandidateSpan] = []
    for i in range(len(tokens)):
        if _acronym(tokens[i].text) or _amount(text, tokens[i]) or (i and _date(tokens[i - 1], tokens[i])):
            continue  # "IT specialist", "the UN", "$40", "60%", "June 19": names, amounts, dates
        for end, entries, possessive in lexicon.matches(norms, i):
            if not (entries := meaning.allowed(norms[i:end], entries)):  # no opposite, negation, number flips
                continue
            suffix = tokens[end - 1].text[-2:] if possessive else ""
            options = _strongest(entries, scale, max_options, min_ratio)
            if possessive:
                options = [Entry(e.text, e.weight, e.source, e.words[:-1] + (e.words[-1] + "'s",)) for e in options]
            out.append(_span(text, tokens, i, end, options, suffix))
        digits = spelled_with_groups(norms[i])
        if digits is not None:
            out.append(_span(text, tokens, i, i + 1, [Entry(digits, NUMBER_WEIGHT, "numbers", (digits,))], ""))
    return out


def _span(text: str, tokens: list[Token], first: int, last: int, options: list[Option], suffix: str) -> CandidateSpan:
    start, end = tokens[first].start, tokens[last - 1].end
    words = tuple(t.norm for t in tokens[first:last])
    return CandidateSpan(start, end, text[start:end], first, last, tuple(options), words, suffix)



def _acronym(word: str) -> bool:
    return 1 < len(word) <= 4 and word.isupper()


def _strongest(entries: list[Entry], scale: Callable[[str], float] | None, limit: int, min_ratio: float) -> list[Entry]:
    if scale is not None and any(is_dictionary(e.source) for e in entries):
        # A spinner dictionary's originals are ranked apart from the bundled ones, so that a loaded
        # thesaurus never pushes the bundled lexicons' originals out of the span (its gate may stay shut).
        ours = [e for e in entries if is_dictionary(e.source)]
        rest = [e for e in entries if not is_dictionary(e.source)]
        return _top(ours, scale, limit, min_ratio) + (_top(rest, scale, limit, min_ratio) if rest else [])
    return _top(entries, scale, limit, min_ratio)


def _top(entries: list[Entry], scale: Callable[[str], float] | None, limit: int, min_ratio: float) -> list[Entry]:
    if scale is None:
        return entries[:limit]
    ranked = sorted(entries, key=lambda e: -e.weight * scale(e.source))
    floor = ranked[0].weight * scale(ranked[0].source) * min_ratio
    return [e for e in ranked[:limit] if e.weight * scale(e.source) >= floor]


def _amount(text: str, token: Token) -> bool:
    """A number with a currency sign before it or a percent sign after it."""
    if not token.text[:1].isdigit():
        return False
    before = text[token.start - 1:token.start] if token.start else ""
    after = text[token.end:token.end + 1]
    return before in "$£€¥" and before != "" or after == "%"


_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
           "dec"}


def _date(previous: Token, token: Token) -> bool:
    """A day number after a month name ("Jan. 8", "June 19")."""
    return token.text.isdigit() and previous.norm in _MONTHS
