"""Candidates that would change what a sentence says are never proposed.

A spinner's dictionary is sense-blind and so is an inverse thesaurus: "towards" is listed for "against",
"best" for "only", "may" for "must". The language model happily prefers such an original where it reads
well ("pushed it against Pyongyang"), and the result reverses or overstates the article -- worse than
leaving a spun word. So an original is dropped from the candidates, before the decoder sees it, when it
differs from the spun words by:

* an opposite: a WordNet antonym pair, a direction (towards/against), an exclusive quantifier or
  superlative (best/only, all/some), from ``lexicons/meaning_guard.tsv``;
* negation: a negation added or dropped by a swap of one or two words ("not", "never", "without", "n't",
  ...; an idiom of three words or more may carry one: "not too long ago" for "recently");
* modality: possibility (may, might, could, can) for necessity (must, should, have to) or back;
* a number: both sides state a number and the values differ ("twelve,000" -> 12,000 is the same value).

The guard file is built by ``scripts/build_meaning_guard.py`` (WordNet is not needed at run time).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

from .errors import LexiconError
from .numbers import WORD_VALUES, spelled_with_groups

_ORDINALS = {w: i for i, w in enumerate(
    ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
     "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
     "nineteenth", "twentieth"])}
_MULTIPLIERS = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_DIGITS = re.compile(r"(\d[\d,]*(?:\.\d+)?)(?:st|nd|rd|th)?")


def guard_path() -> Path:
    return Path(str(resources.files("restore._lexicons").joinpath("meaning_guard.tsv")))


class MeaningGuard:
    """Says whether restoring ``spun`` words as ``original`` words would change the meaning."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.opposite: dict[str, set[str]] = {}
        self.classes: dict[str, list[tuple[str, ...]]] = {}
        path = Path(path) if path is not None else guard_path()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if cols[0] == "pair" and len(cols) >= 3:
                a, b = cols[1], cols[2]
                self.opposite.setdefault(a, set()).add(b)
                self.opposite.setdefault(b, set()).add(a)
            elif cols[0] == "class" and len(cols) == 3:
                self.classes[cols[1]] = sorted((tuple(m.split()) for m in cols[2].split(" | ")), key=len, reverse=True)
            else:
                raise LexiconError(f"{path}:{number}: expected pair<TAB>A<TAB>B[<TAB>source] or class<TAB>NAME<TAB>members")
        # words that can matter at all: everything else is let through without a closer look
        self.watch = set(self.opposite) | {w for ms in self.classes.values() for m in ms for w in m}
        self.watch |= set(WORD_VALUES) | set(_ORDINALS) | set(_MULTIPLIERS)
        self.negations = {m[0] for m in self.classes.get("negation", ()) if len(m) == 1}
        self.changes_meaning = lru_cache(maxsize=65536)(self._changes_meaning)

    def allowed(self, spun: Sequence[str], entries: Iterable) -> list:
        """The lexicon entries (anything with ``.words``) whose original keeps the meaning of ``spun``."""
        spun = tuple(spun)
        return [e for e in entries if not self.changes_meaning(spun, tuple(e.words))]

    def _interesting(self, words: tuple[str, ...]) -> bool:
        return any(w in self.watch or w.endswith("n't") or w[:1].isdigit() or spelled_with_groups(w) for w in words)

    def _changes_meaning(self, spun: tuple[str, ...], original: tuple[str, ...]) -> bool:
        spun, original = _plain(spun), _plain(original)
        if not (self._interesting(spun) or self._interesting(original)):
            return False
        s_only = [w for w in spun if w not in original]
        o_only = set(w for w in original if w not in spun)
        # a spun phrase of three words or more that differs throughout is an idiom the spinner writes as a
        # unit ("no longer best" for "not only"): its own words are not swapped one by one
        # (an opposite that is a negation -- ever/never, something/nothing -- is left to the count below,
        # so that "not ever" may still stand for "never")
        if len(s_only) < 3 and any((self.opposite.get(w, set()) - self.negations) & o_only
                                   for w in s_only if w not in self.negations):
            return True
        if "negation" in self.classes:
            ns, no = self._count(spun, "negation"), self._count(original, "negation")
            # a negation added or dropped in a swap of a word or two ("cannot" -> "can", "not" -> "also");
            # longer idioms say the same thing both ways ("not too long ago" for "recently", "in the
            # absence of" for "without")
            if ns != no and max(len(spun), len(original)) <= 2:
                return True
        if "possibility" in self.classes and "necessity" in self.classes:
            sp, sn = self._count(spun, "possibility") > 0, self._count(spun, "necessity") > 0
            op, on = self._count(original, "possibility") > 0, self._count(original, "necessity") > 0
            if (sp and not op and on and not sn) or (sn and not on and op and not sp):
                return True
        a, b = numbers(spun), numbers(original)
        return bool(a and b and sorted(a) != sorted(b))

    def _count(self, words: tuple[str, ...], name: str) -> int:
        """Occurrences of the class's members (longest first, not overlapping; "n't" counts as negation)."""
        members = self.classes[name]
        count, i = 0, 0
        while i < len(words):
            m = next((m for m in members if words[i:i + len(m)] == m), None)
            if m is None and name == "negation" and words[i].endswith("n't"):
                m = (words[i],)
            if m:
                count += 1
                i += len(m)
            else:
                i += 1
        return count


def _plain(words: tuple[str, ...]) -> tuple[str, ...]:
    """Lower case, straight apostrophes, possessive suffix off (the lexicon's own normal form)."""
    out = []
    for w in words:
        w = w.lower().replace("’", "'")
        out.append(w[:-2] if w.endswith("'s") and len(w) > 2 else w)
    return tuple(out)


def numbers(words: Sequence[str]) -> list[float]:
    """The values of the numbers in ``words``: digits, "twelve,000", spelled numbers ("two hundred")."""
    values: list[float] = []
    total = current = 0
    spelled = False

    def flush() -> None:
        nonlocal total, current, spelled
        if spelled:
            values.append(total + current)
        total = current = 0
        spelled = False

    for w in words:
        grouped = spelled_with_groups(w)
        m = _DIGITS.fullmatch(grouped or w)
        if m:
            flush()
            values.append(float(m.group(1).replace(",", "")))
        elif w in WORD_VALUES or w in _ORDINALS:
            current += WORD_VALUES.get(w, _ORDINALS.get(w, 0))
            spelled = True
        elif w == "and" and spelled:
            continue   # "two hundred and twelve"
        elif w in _MULTIPLIERS and spelled:
            current = max(current, 1) * _MULTIPLIERS[w]
            if _MULTIPLIERS[w] >= 1000:
                total, current = total + current, 0
        else:
            flush()
    flush()
    return values


@lru_cache(maxsize=1)
def default_guard() -> MeaningGuard | None:
    """The bundled guard, or None when its file is absent (an older install: nothing is filtered)."""
    path = guard_path()
    return MeaningGuard(path) if path.exists() else None


def allowed(spun: Sequence[str], entries: list) -> list:
    """``entries`` less those whose original would change the meaning of ``spun`` (the bundled guard)."""
    guard = default_guard()
    return entries if guard is None else guard.allowed(spun, entries)
