"""The channel model: which phrases a spinner writes for which originals, and how readily.

A spinner substitutes from a mostly fixed dictionary, so the inverse of that dictionary is the best
source of candidates: for each *spun* phrase it lists the *originals* it may stand for, each with a weight
in (0, 1] that plays the part of P(spun | original) up to a constant. One spun phrase can have several
originals ("introduced" <- brought, offered, announced); the language model picks among them in context.

Lexicons are tab-separated files. Two layouts are read:

* ``spun<TAB>original<TAB>weight<TAB>source`` -- the project's compiled lexicons (lexicons/*.tsv);
* ``spun<TAB>original`` -- user lists, e.g. the Problematic Paper Screener export of tortured phrases
  (``tortured<TAB>expected``); every row gets ``default_weight``.

Lines starting with ``#`` and a header row are skipped. Phrases are matched case-insensitively, token by
token, with a trie built once: matching a document is one walk per word.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

from .tokenize import normalize, tokenize

_END = ""  # trie key under which the entries of a complete phrase are stored (never a token)


@dataclass(frozen=True, slots=True)
class Entry:
    """One original that a spun phrase may stand for."""

    text: str                 # the original as written in the lexicon (case is fitted when applied)
    weight: float             # channel weight in (0, 1]
    source: str
    words: tuple[str, ...]    # normalised tokens, for the language model

    @property
    def original(self) -> str:
        return self.text


class LexiconError(ValueError):
    """A lexicon file that cannot be read."""


_SIMPLE = re.compile(r"[a-z]+(?: [a-z]+)*")


def phrase_key(phrase: str) -> tuple[str, ...]:
    """Token key of a phrase, the same way documents are tokenized."""
    if _SIMPLE.fullmatch(phrase):  # fast path for the bulk of lexicon rows
        return tuple(phrase.split(" "))
    return tuple(t.norm for t in tokenize(phrase))


class Lexicon:
    """Spun phrase -> originals, compiled to a token trie."""

    def __init__(self) -> None:
        self._trie: dict = {}
        self.max_len = 0
        self.size = 0
        self.sources: list[str] = []

    def add(self, spun: str, original: str, weight: float = 1.0, source: str = "user") -> None:
        """Add one pair; a repeated pair keeps the higher weight."""
        key = phrase_key(spun.strip())
        original = original.strip()
        words = phrase_key(original)
        if not key or not words or words == key:
            return
        node = self._trie
        for word in key:
            node = node.setdefault(word, {})
        entries: dict = node.setdefault(_END, {})
        old = entries.get(original.lower())
        if old is None:
            self.size += 1
            entries[original.lower()] = Entry(original, float(weight), source, words)
        elif weight > old.weight:
            entries[original.lower()] = Entry(original, float(weight), source, words)
        self.max_len = max(self.max_len, len(key))

    def lookup(self, spun: str) -> list[tuple[str, float]]:
        """Originals of a spun phrase, best first: ``[(original, weight), ...]`` or ``[]``."""
        node = self._trie
        for word in phrase_key(spun):
            node = node.get(word)
            if node is None:
                return []
        return [(e.text, e.weight) for e in _sorted(node.get(_END, {}))]

    def matches(self, norms: list[str], i: int) -> Iterator[tuple[int, list[Entry], bool]]:
        """Every phrase starting at token ``i``: yields ``(end, entries, possessive)``, ``end`` exclusive.

        A phrase may end on a possessive ("Metal's" matches "metal" -> steel): ``possessive`` is then
        True and the caller re-attaches the suffix to the original.
        """
        node = self._trie
        for j in range(i, len(norms)):
            word = norms[j]
            if word.endswith("'s") and len(word) > 2:
                sub = node.get(word[:-2])
                if sub is not None and _END in sub:
                    yield j + 1, _sorted(sub[_END]), True
            node = node.get(word)
            if node is None:
                return
            if _END in node:
                yield j + 1, _sorted(node[_END]), False

    def load(self, path: str | os.PathLike, *, default_weight: float = 0.8, source: str | None = None) -> "Lexicon":
        """Add every pair of a lexicon file (see the module docstring for layouts)."""
        path = Path(path)
        name = source or path.stem
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise LexiconError(f"lexicon file not found: {path}") from None
        except UnicodeDecodeError as exc:
            raise LexiconError(f"lexicon file is not UTF-8 text: {path} ({exc.reason} at byte {exc.start})") from None
        for number, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 2:
                raise LexiconError(f"{path}:{number}: expected 'spun<TAB>original[<TAB>weight<TAB>source]', got {line!r}")
            if cols[0].strip().lower() in ("spun", "tortured"):  # header row
                continue
            weight = default_weight
            if len(cols) >= 3 and cols[2].strip():
                try:
                    weight = float(cols[2])
                except ValueError:
                    raise LexiconError(f"{path}:{number}: weight is not a number: {cols[2]!r}") from None
            src = cols[3].strip() if len(cols) >= 4 and cols[3].strip() else name
            self.add(cols[0], cols[1], weight, src)
        self.sources.append(str(path))
        return self


def _sorted(entries: dict) -> list[Entry]:
    return sorted(entries.values(), key=lambda e: (-e.weight, e.text))


BUNDLED = ("spinner.tsv", "wordnet_inverse.tsv")


def bundled_path(name: str) -> Path:
    """Path of a lexicon shipped with the package."""
    return Path(str(resources.files("restore._lexicons").joinpath(name)))


def default_lexicon(extra: Iterable[str | os.PathLike] = (), *, wordnet: bool = True) -> Lexicon:
    """The bundled lexicons (curated spinner lexicon, WordNet inverse thesaurus) plus user files."""
    lex = Lexicon()
    for name in BUNDLED:
        if name == "wordnet_inverse.tsv" and not wordnet:
            continue
        path = bundled_path(name)
        if path.exists():
            lex.load(path)
    for path in extra:
        lex.load(path)
    return lex


def normalize_phrase(phrase: str) -> str:
    """Normalised text of a phrase (for comparisons in tests and reports)."""
    return " ".join(normalize(t.text) for t in tokenize(phrase))
