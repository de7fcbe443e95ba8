"""Spinners whose dictionaries the engine's lexicons do not know: the test bed for rewriting detection.

The spin score (``restore.api.Detection.spin_score``) sees a spinner only through the lexicon pairs it
shares with the bundled lexicons. These spinners share none, so they stand for the families a corpus
meets that nobody has catalogued yet:

* ``related`` -- one fixed replacement per word, drawn blindly (by hash) from every MyThes sense of the
  word, generic and related terms included ("government" -> "polity", "find" -> "discover"), keeping only
  pairs of which the bundled lexicons know nothing (``spun -> original`` is not a lexicon row);
* ``groups`` -- the stand-in spinner thesaurus (benchmarks/thesaurus/standin.txt) in shuffle mode, again
  restricted to pairs unknown to the bundled lexicons;
* ``compound`` -- joins two adjacent words into one token ("home loan" -> "homeloan", "real estate" ->
  "realestate"), as some spinners do to break word n-gram matching;
* ``mixed`` -- ``related`` swaps, joins and spelled-out numbers ("12" -> "twelve") in one document.

Rates are shares of words changed (a join changes two). Seeded like ``benchmarks.spinners``: the same
text, rate and seed give the same output. Needs ``/usr/share/mythes/th_en_US_v2.dat`` (Debian
``mythes-en-us``), lemminflect and wordfreq.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from pathlib import Path

from .examples import Example
from .spinners import STOP, _eligible, _fit_case, analyses, inflect, spell, spin_at_rate

MYTHES = Path("/usr/share/mythes/th_en_US_v2.dat")
POS = {"NOUN": "noun", "VERB": "verb", "ADJ": "adj", "ADV": "adv"}
MEMBER_ZIPF = 3.0   # replacements are ordinary words (a spinner file is not a list of rarities)
_MARK = re.compile(r"\s*\((?:generic|related|similar|antonym)[^)]*\)")


@lru_cache(maxsize=1)
def mythes() -> dict[tuple[str, str], list[str]]:
    """``(lemma, pos) -> members`` of every MyThes sense, marks such as "(generic term)" removed;
    antonyms are left out (a spinner writes synonyms, however loosely)."""
    lines = MYTHES.read_text(encoding="utf-8", errors="replace").splitlines()
    out: dict[tuple[str, str], list[str]] = {}
    i = 1
    while i < len(lines):
        word, _, count = lines[i].rpartition("|")
        i += 1
        for _ in range(int(count)):
            parts = lines[i].split("|")
            i += 1
            members = [_MARK.sub("", p).strip() for p in parts[1:] if "(antonym)" not in p]
            out.setdefault((word, parts[0].strip("()")), []).extend(members)
    return out


@lru_cache(maxsize=1)
def _bundled():
    from restore.lexicon import default_lexicon
    return default_lexicon()


def unknown_pair(spun: str, original: str) -> bool:
    """Whether no bundled lexicon row turns ``spun`` back into ``original``."""
    return original.lower() not in {o.lower() for o, _ in _bundled().lookup(spun)}


def _common(phrase: str) -> bool:
    from wordfreq import zipf_frequency
    return (phrase == phrase.lower() and phrase.replace(" ", "").isalpha()
            and all(zipf_frequency(w, "en") >= MEMBER_ZIPF for w in phrase.split(" ")))


class RelatedSpinner:
    """One fixed replacement per word among all its MyThes members, unknown pairs only."""

    name = "related"

    def __init__(self) -> None:
        self.senses = mythes()
        self.table: dict[str, str | None] = {}

    def replacement(self, word: str) -> str | None:
        if word not in self.table:
            options = sorted({(inflected, tag) for lemma, upos, tag in analyses(word)
                              for m in self.senses.get((lemma, POS.get(upos, "")), [])
                              if m != lemma and _common(m)
                              for inflected in [inflect(m, tag)] if inflected and inflected != word})
            options = [o for o in options if unknown_pair(o[0], word)]
            pick = options[zlib.crc32(word.encode()) % len(options)][0] if options else None
            self.table[word] = pick
        return self.table[word]

    def propose(self, text, toks, i, rng):
        tok = toks[i]
        if not _eligible(text, tok):
            return None
        new = self.replacement(tok.text.lower())
        return (1, _fit_case(tok.text, new)) if new else None

    def spin(self, doc_id: str, text: str, rate: float, seed: int) -> Example:
        return spin_at_rate(doc_id, text, rate, seed, self.propose, spinner=self.name)


class UnknownGroupSpinner:
    """The stand-in thesaurus in shuffle mode, every pair known to the bundled lexicons removed."""

    name = "groups"

    def __init__(self) -> None:
        from .dictionary import STANDIN, GroupSpinner
        from restore.dictionary import read_groups, read_lines
        inner = GroupSpinner(read_groups(read_lines(STANDIN), "groups", str(STANDIN)), "shuffle")
        for key, option_lists in inner.table.items():
            original = " ".join(key)
            inner.table[key] = [kept for opts in option_lists
                                for kept in [tuple(o for o in opts if unknown_pair(o, original))] if kept]
        self.inner = inner

    def propose(self, text, toks, i, rng):
        return self.inner.propose(text, toks, i, rng)

    def spin(self, doc_id: str, text: str, rate: float, seed: int) -> Example:
        return spin_at_rate(doc_id, text, rate, seed, self.propose, spinner=self.name)


def propose_join(text, toks, i, rng):
    """Two adjacent lower-case words separated by one space, not both stop words, written as one."""
    if i + 1 >= len(toks):
        return None
    a, b = toks[i], toks[i + 1]
    if not (a.text.isalpha() and b.text.isalpha() and a.text.islower() and b.text.islower()):
        return None
    if text[a.end:b.start] != " " or (a.text in STOP and b.text in STOP):
        return None
    return 2, a.text + b.text


def propose_number(text, toks, i, rng):
    """A number from 2 to 99 in digits written in words ("12" -> "twelve")."""
    word = toks[i].text
    if re.fullmatch(r"[1-9]\d?", word) and word != "1":
        return 1, spell(int(word))
    return None


class CompoundSpinner:
    name = "compound"

    def spin(self, doc_id: str, text: str, rate: float, seed: int) -> Example:
        return spin_at_rate(doc_id, text, rate, seed, propose_join, spinner=self.name)


class MixedSpinner:
    """Spelled-out numbers wherever found, then about two swaps for every join."""

    name = "mixed"

    def __init__(self) -> None:
        self.related = RelatedSpinner()

    def propose(self, text, toks, i, rng):
        got = propose_number(text, toks, i, rng)
        if got:
            return got
        if rng.random() < 0.35:
            return propose_join(text, toks, i, rng)
        return self.related.propose(text, toks, i, rng)

    def spin(self, doc_id: str, text: str, rate: float, seed: int) -> Example:
        return spin_at_rate(doc_id, text, rate, seed, self.propose, spinner=self.name)


SPINNERS = {"related": RelatedSpinner, "groups": UnknownGroupSpinner, "compound": CompoundSpinner,
            "mixed": MixedSpinner}
