"""The fixed dev/held-out split of observed spinner pairs.

Half of the observed substitutions (``spinner_pairs_dev.tsv``) may be reviewed and folded into the curated
lexicon; the other half is never read while building lexicons, so candidate recall on it tells how the
lexicon generalises to spinner vocabulary it has not seen. The split hashes the pair, so it is stable
across machines and Python versions.
"""

from __future__ import annotations

import zlib


def is_held_out(spun: str, original: str) -> bool:
    """True for pairs in the held-out half (never folded into a lexicon)."""
    key = f"{spun.strip().lower()}\t{original.strip().lower()}".encode("utf-8")
    return zlib.crc32(key) % 2 == 1
