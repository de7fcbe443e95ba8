"""Split text into word tokens that keep their character offsets.

Restoration edits replace whole words, so the only thing the rest of the pipeline needs is where each word
starts and ends, a normalised form for lookups, and where sentences break (the language model scores one
sentence at a time). Everything between tokens -- spaces, punctuation, quotes, line breaks -- is never
touched: the output is assembled from the input by splicing replacements into their exact offsets.

Numbers with separators ("12,000", "twelve,000", "1950-1953", "1/2") and words with inner apostrophes or
hyphens ("China’s", "half-brother") are single tokens, because spinners rewrite them as units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A word: letters or digits, optionally joined by an inner apostrophe, hyphen, comma, dot or slash that is
# followed by more letters or digits. Curly and straight apostrophes both count.
_WORD = re.compile(r"[^\W_]+(?:['’.,/\-][^\W_]+)*")
# A sentence ends at . ! ? (possibly followed by closing quotes/brackets) before whitespace, or at a newline.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)|\n")
_ABBREV = {"u.s", "u.n", "u.k", "mr", "mrs", "ms", "dr", "st", "jan", "feb", "mar", "apr", "jun", "jul",
           "aug", "sep", "sept", "oct", "nov", "dec", "vs", "e.g", "i.e", "inc", "corp", "gen", "gov",
           "sen", "rep", "jr", "sr", "prof", "lt", "col", "sgt", "capt", "st", "ft", "a.m", "p.m"}


@dataclass(frozen=True, slots=True)
class Token:
    """One word of the input: ``text[start:end] == token.text``."""

    start: int
    end: int
    text: str
    norm: str  # lower case, curly apostrophe made straight: the key for lexicon and language model


def normalize(word: str) -> str:
    """Lookup form of a word or phrase: lower case with straight apostrophes."""
    return word.replace("’", "'").replace("‘", "'").lower()


def tokenize(text: str) -> list[Token]:
    """All word tokens of ``text`` in order, with offsets."""
    return [Token(m.start(), m.end(), m.group(), normalize(m.group())) for m in _WORD.finditer(text)]


def sentences(text: str, tokens: list[Token]) -> list[list[Token]]:
    """Group tokens into sentences (lists of consecutive tokens).

    A break falls after a token followed by sentence-final punctuation (unless the token is a common
    abbreviation such as "U.S." or "Jan.") or by a line break.
    """
    out: list[list[Token]] = []
    current: list[Token] = []
    for i, tok in enumerate(tokens):
        current.append(tok)
        gap_end = tokens[i + 1].start if i + 1 < len(tokens) else len(text)
        gap = text[tok.end:gap_end]
        m = _SENTENCE_END.search(gap) if gap else None
        if m is None:
            continue
        if gap[m.start()] == "." and tok.norm in _ABBREV and "\n" not in gap:
            continue
        out.append(current)
        current = []
    if current:
        out.append(current)
    return out
