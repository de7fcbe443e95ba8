"""The fixed dev/held-out split of observed spinner pairs.

Half of the observed substitutions (``spinner_pairs_dev.tsv``) may be reviewed and folded into the curated
lexicon; the other half is never read while building lexicons, so candidate recall on it tells how the
lexicon generalises to spinner vocabulary it has not seen. The split hashes the pair, so it is stable
across machines and Python versions.
"""

from __future__ import annotations

import re
import zlib


def is_held_out(spun: str, original: str) -> bool:
    """True for pairs in the held-out half (never folded into a lexicon)."""
    key = f"{spun.strip().lower()}\t{original.strip().lower()}".encode("utf-8")
    return zlib.crc32(key) % 2 == 1


def expected_key(expected: str) -> str:
    """A tortured-phrase list's expected phrase, normalised so that spellings of one term fall together:
    lower case, parenthesised acronyms dropped ("mean squared error (mse)"), hyphens as spaces."""
    out = re.sub(r"\([^)]*\)", " ", expected.lower()).replace("-", " ")
    return " ".join(out.split())


def tortured_half(expected: str) -> str:
    """"T" or "U": the half of a tortured-phrase list a row belongs to, by its expected phrase.

    Half T may be bundled (fingerprints, term lexicon) and tuned on; half U is only reported on, so that
    results on it say how the science profile does on tortured phrases no list holds. Every tortured form
    of one expected phrase falls in the same half.
    """
    return "U" if zlib.crc32(expected_key(expected).encode("utf-8")) % 2 else "T"
