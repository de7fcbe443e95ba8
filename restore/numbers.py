"""Numbers that a spinner spelled out.

Spinners rewrite digits token by token, so "12,000" comes out as "twelve,000" and "1/2" as "half" (or the
reverse). Single words ("2" <-> two, "seventieth" <- 70th, "Nineteen Nineties" <- 1990s) are ordinary
lexicon entries; this module handles the open-ended pattern a lexicon cannot list: a spelled-out number
followed by digit groups. ``spoken`` goes the other way for the language model, which was trained on
speech and knows "nineteen nineties" but not "1990s".
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

_ORDINAL_UNITS = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                  "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
                  "seventeenth", "eighteenth", "nineteenth"]
_ORDINAL_TENS = ["", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth",
                 "ninetieth"]
# One to nine, cardinal and ordinal: the numbers news writes out in words.
SMALL_WORDS = frozenset(_UNITS[:10] + _ORDINAL_UNITS[:10])
_DECADES = ["", "", "twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"]

_SPELLED_GROUPS = re.compile(r"^([a-z]+(?:-[a-z]+)?)((?:,\d{3})+)(?:\.\d+)?$")


def spelled_with_groups(norm: str) -> str | None:
    """Digits for a token like "twelve,000" (-> "12,000"), else None."""
    m = _SPELLED_GROUPS.match(norm)
    if not m or m.group(1) not in WORD_VALUES:
        return None
    return f"{WORD_VALUES[m.group(1)]}{norm[len(m.group(1)):]}"


_DIGITS = re.compile(r"(\d{1,3}(?:,\d{3})*|\d+)(st|nd|rd|th|s)?")


def _below_100(n: int, ordinal: bool = False) -> list[str]:
    if n < 20:
        return [(_ORDINAL_UNITS if ordinal else _UNITS)[n]]
    tens, units = divmod(n, 10)
    if not units:
        return [(_ORDINAL_TENS if ordinal else _TENS)[tens]]
    return [_TENS[tens], (_ORDINAL_UNITS if ordinal else _UNITS)[units]]


def _cardinal(n: int) -> list[str] | None:
    if n < 100:
        return _below_100(n)
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return [_UNITS[hundreds], "hundred"] + (_below_100(rest) if rest else [])
    if n < 1_000_000:
        thousands, rest = divmod(n, 1000)
        head = _cardinal(thousands)
        tail = _cardinal(rest) if rest else []
        return None if head is None or tail is None else head + ["thousand"] + tail
    return None


def spoken(norm: str) -> tuple[str, ...] | None:
    """How a number written in digits is said, as the words a spoken-English model knows, else None.

    "12,000" -> twelve thousand, "70th" -> seventieth, "1990s" -> nineteen nineties, "2" -> two. Years and
    other four-digit numbers without a comma are said in several ways ("twenty twenty-two", "two
    thousand twenty-two") and are left alone, as are decimals and numbers of a million or more.
    """
    m = _DIGITS.fullmatch(norm)
    if not m:
        return None
    digits, suffix = m.group(1), m.group(2) or ""
    n = int(digits.replace(",", ""))
    if suffix == "s":  # decades: "1990s", "90s"
        century, decade = divmod(n, 100)
        if n % 10 or decade < 20 or not (century == 0 or 11 <= century <= 19):
            return None
        words = [_DECADES[decade // 10]]
        return tuple(_below_100(century) + words if century else words)
    if suffix:  # ordinals: "70th", "21st"
        return tuple(_below_100(n, ordinal=True)) if n < 100 else None
    if len(digits) == 4 and "," not in digits:
        return None  # a year, most likely
    words = _cardinal(n)
    return tuple(words) if words else None
