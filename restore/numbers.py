"""Numbers that a spinner spelled out.

Spinners rewrite digits token by token, so "12,000" comes out as "twelve,000" and "1/2" as "half" (or the
reverse). Single words ("2" <-> two, "seventieth" <- 70th, "Nineteen Nineties" <- 1990s) are ordinary
lexicon entries; this module handles the open-ended pattern a lexicon cannot list: a spelled-out number
followed by digit groups.
"""

from __future__ import annotations

import re

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_UNITS)}
for _t, _name in enumerate(_TENS):
    if _name:
        WORD_VALUES[_name] = _t * 10
        for _u in range(1, 10):
            WORD_VALUES[f"{_name}-{_UNITS[_u]}"] = _t * 10 + _u

_SPELLED_GROUPS = re.compile(r"^([a-z]+(?:-[a-z]+)?)((?:,\d{3})+)(?:\.\d+)?$")


def spelled_with_groups(norm: str) -> str | None:
    """Digits for a token like "twelve,000" (-> "12,000"), else None."""
    m = _SPELLED_GROUPS.match(norm)
    if not m or m.group(1) not in WORD_VALUES:
        return None
    return f"{WORD_VALUES[m.group(1)]}{norm[len(m.group(1)):]}"
