"""The channel model: which phrases a spinner writes for which originals, and how readily.

A spinner substitutes from a mostly fixed dictionary, so the inverse of that dictionary is the best
source of candidates: for each *spun* phrase it lists the *originals* it may stand for, each with a weight
in (0, 1] that plays the part of P(spun | original) up to a constant. One spun phrase can have several
originals ("introduced" <- brought, offered, announced); the language model picks among them in context.

Lexicons are tab-separated files. Two layouts are read:

* ``spun<TAB>original<TAB>weight<TAB>source`` -- the project's compiled lexicons (lexicons/*.tsv);
* ``spun<TAB>original`` -- user lists, e.g. the Problematic Paper Screener export of tortured phrases
  (``tortured<TAB>expected``); every row gets ``default_weight``.

Lines starting with ``#`` and a header row are skipped. Spinner thesauri (synonym groups, MyThes, spintax)
are read too, and become channel pairs in the spinner's mode: see ``restore.dictionary``. Phrases are
matched case-insensitively, token by token, with a trie built once: matching a document is one walk per
word.
"""

from __future__ import annotations

import gc
import math
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

from .dictionary import (MAX_PHRASE_WORDS, PHRASE_FORMATS, FORMATS, LexiconError, detect_format, group_pairs,
                         quote, read_groups, read_lines)
from .tokenize import tokenize



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


_HEADERS = {("spun", "original"), ("tortured", "expected")}


TRUSTS = ("phrases", "dictionary")
# Source names of spinner-dictionary pairs: "dictionary:NAME" for a pair a head-only spinner can write
# (member -> head), "dictionary-shuffle:NAME" for one only a shuffle spinner writes (any -> non-head).
DICTIONARY = "dictionary:"
SHUFFLE_ONLY = "dictionary-shuffle:"


def is_dictionary(source: str) -> bool:
    """Whether pairs of ``source`` come from a spinner dictionary (gated) rather than a phrase list."""
    return source.startswith(_DICTIONARY_PREFIXES)


_DICTIONARY_PREFIXES = (DICTIONARY, SHUFFLE_ONLY)


_SIMPLE = re.compile(r"[a-z]+(?: [a-z]+)*")


def phrase_key(phrase: str) -> tuple[str, ...]:
    """Token key of a phrase, the same way documents are tokenized."""
    if _SIMPLE.fullmatch(phrase):  # fast path for the bulk of lexicon rows
        return tuple(phrase.split(" "))
    return tuple(t.norm for t in tokenize(phrase))


class Lexicon:
    """Spun phrase -> originals, compiled to a hashed token trie.

    Phrases are stored under their normalised text ("members of the family") and every proper prefix
    ("members", "members of", ...) is recorded, so a walk from a token stops as soon as no phrase can
    continue: matching costs a few hash lookups per word. Rows are turned into ``Entry`` objects only when
    a phrase is first matched, which keeps start-up fast with hundreds of thousands of rows.
    """

    def __init__(self) -> None:
        self._rows: dict[str, list[tuple[str, float, str]]] = {}
        self._raw: dict[str, list[str]] = {}   # trusted files: unparsed "original<TAB>weight<TAB>source" rows
        self._prefixes: set[str] = set()
        self._entries: dict[str, list[Entry]] = {}
        self.max_len = 0
        self.sources: list[str] = []
        self.heads: set[str] = set()   # head words of loaded spinner dictionaries, as normalised phrases
        self.max_head_len = 0

    @property
    def size(self) -> int:
        """Number of rows loaded (a pair listed by two files counts twice)."""
        return sum(map(len, self._rows.values())) + sum(map(len, self._raw.values()))

    def add(self, spun: str, original: str, weight: float = 1.0, source: str = "user") -> None:
        """Add one pair; a repeated pair keeps the higher weight."""
        key = phrase_key(spun.strip())
        original = original.strip()
        if not key or not original:
            return
        self._add(key, original, float(weight), source)

    def _add(self, key: tuple[str, ...], original: str, weight: float, source: str) -> None:
        text = " ".join(key)
        rows = self._rows.get(text)
        if rows is None:
            self._rows[text] = [(original, weight, source)]
            for n in range(1, len(key)):
                self._prefixes.add(" ".join(key[:n]))
            if len(key) > self.max_len:
                self.max_len = len(key)
        else:
            rows.append((original, weight, source))
        self._entries.pop(text, None)

    def _get(self, text: str) -> list[Entry] | None:
        entries = self._entries.get(text)
        if entries is None:
            rows = self._rows.get(text)
            raw = self._raw.get(text)
            if rows is None and raw is None:
                return None
            rows = list(rows or ())
            for line in raw or ():
                original, weight, source = line.split("\t")
                rows.append((original, float(weight), source))
            # One entry per original and trust class: a spinner dictionary's pair must not hide the bundled
            # pair for the same original (the dictionary's rate may be gated shut where the bundled one
            # still applies), nor the other way round.
            best: dict[tuple[str, bool], Entry] = {}
            for original, weight, source in rows:
                words = phrase_key(original)
                if not words or " ".join(words) == text:
                    continue
                key = (original.lower(), is_dictionary(source))
                old = best.get(key)
                if old is None or weight > old.weight:
                    best[key] = Entry(original, weight, source, words)
            entries = sorted(best.values(), key=lambda e: (-e.weight, e.text))
            self._entries[text] = entries  # benign race: every thread computes the same list
        return entries

    def lookup(self, spun: str) -> list[tuple[str, float]]:
        """Originals of a spun phrase, best first: ``[(original, weight), ...]`` or ``[]``."""
        entries = self._get(" ".join(phrase_key(spun)))
        return [(e.text, e.weight) for e in entries or ()]

    def matches(self, norms: list[str], i: int) -> Iterator[tuple[int, list[Entry], bool]]:
        """Every phrase starting at token ``i``: yields ``(end, entries, possessive)``, ``end`` exclusive.

        A phrase may end on a possessive ("Metal's" matches "metal" -> steel): ``possessive`` is then
        True and the caller re-attaches the suffix to the original.
        """
        text = ""
        for j in range(i, min(len(norms), i + self.max_len)):
            word = norms[j]
            prefix = text
            text = word if j == i else f"{text} {word}"
            if word.endswith("'s") and len(word) > 2:
                stem = word[:-2] if j == i else f"{prefix} {word[:-2]}"
                entries = self._get(stem)
                if entries:
                    yield j + 1, entries, True
            entries = self._get(text)
            if entries:
                yield j + 1, entries, False
            if text not in self._prefixes:
                return

    def _load_trusted(self, path: Path) -> None:
        lines = path.read_text(encoding="utf-8").splitlines()
        enabled = gc.isenabled()
        gc.disable()  # hundreds of thousands of small strings: collection passes would dominate the load
        try:
            self._file_rows(lines)
        finally:
            if enabled:
                gc.enable()

    def _file_rows(self, lines: list[str]) -> None:
        for spun, rest in _group_rows(lines):
            old = self._raw.get(spun)
            if old is None:
                self._raw[spun] = rest
                if " " in spun:
                    words = spun.split(" ")
                    for n in range(1, len(words)):
                        self._prefixes.add(" ".join(words[:n]))
                    self.max_len = max(self.max_len, len(words))
                else:
                    self.max_len = max(self.max_len, 1)
            else:
                old.extend(rest)
            self._entries.pop(spun, None)

    def load(self, path: str | os.PathLike, *, default_weight: float = 0.8, source: str | None = None,
             trusted: bool = False, format: str | None = None, trust: str | None = None,
             mode: str = "head") -> "Lexicon":
        """Add every pair of a lexicon file (formats: ``restore.dictionary``).

        ``format`` overrides the detected one. ``trust`` is "phrases" (each row applies anywhere, as a
        user vouches for it) or "dictionary" (a spinner's channel, under the document gate); the default
        follows the format: TSV and PPS lists are phrases, synonym groups a dictionary, and so is a TSV
        that ``restore learn`` or ``restore induce`` wrote (every row's source "learned", "learned:PROFILE"
        or "induced"). A dictionary file
        is loaded for both spinner modes (the decoder picks one per document); as a phrase list, groups
        give the pairs of ``mode``. ``trusted`` is for the bundled, compiled files (normalised spun
        phrases, four columns, checked by the test suite): their rows are filed unparsed and only parsed
        when a phrase is matched.
        """
        path = Path(path)
        if trusted:
            self._load_trusted(path)
            self.sources.append(str(path))
            return self
        if format is not None and format not in FORMATS:
            raise LexiconError(f"unknown lexicon format {format!r}: use one of {', '.join(FORMATS)}")
        if trust is not None and trust not in TRUSTS:
            raise LexiconError(f"unknown lexicon trust {trust!r}: use one of {', '.join(TRUSTS)}")
        _check_weight(default_weight, "default weight")
        name = source or path.stem
        lines = read_lines(path)
        fmt = format or detect_format(lines)
        if fmt in PHRASE_FORMATS:
            rows = list(_pair_rows(lines, str(path), default_weight, name))
            # a table ``restore learn`` or ``restore induce`` wrote is a spinner's channel, not a list of facts
            learned = bool(rows) and all(src.split(":")[0] in ("learned", "induced") for *_, src in rows)
            trust = trust or ("dictionary" if learned else "phrases")
        else:
            trust = trust or "dictionary"
            groups = read_groups(lines, fmt, str(path))
            if trust == "dictionary":
                heads = {(s, o) for s, o, _ in group_pairs(groups, "head")}
                for members in groups:
                    key = phrase_key(members[0])
                    self.heads.add(" ".join(key))
                    self.max_head_len = max(self.max_head_len, len(key))
                rows = ((s, o, w, (DICTIONARY if (s, o) in heads else SHUFFLE_ONLY) + name)
                        for s, o, w in group_pairs(groups, "shuffle"))
            else:
                rows = ((s, o, w, name) for s, o, w in group_pairs(groups, mode))
        for spun, original, weight, src in rows:
            if trust == "dictionary" and not is_dictionary(src):
                src = DICTIONARY + src
            key = phrase_key(spun)
            if key:
                self._add(key, original, weight, src)
        self.sources.append(str(path))
        return self


def _check_weight(weight: float, what: str, where: str = "") -> float:
    if not (isinstance(weight, (int, float)) and math.isfinite(weight) and weight > 0):
        raise LexiconError(f"{where}{what} must be a finite number above 0, got {weight!r}")
    return float(weight)


def _pair_rows(lines: list[str], where: str, default_weight: float, name: str):
    """``(spun, original, weight, source)`` of a TSV or PPS file, checked line by line."""
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            raise LexiconError(f"{where}:{number}: expected 'spun<TAB>original[<TAB>weight<TAB>source]', "
                               f"got {quote(line)}")
        if (cols[0].strip().lower(), cols[1].strip().lower()) in _HEADERS:
            continue
        weight = default_weight
        if len(cols) >= 3 and cols[2].strip():
            try:
                weight = float(cols[2])
            except ValueError:
                raise LexiconError(f"{where}:{number}: weight is not a number: {quote(cols[2])}") from None
            _check_weight(weight, "weight", f"{where}:{number}: ")
        spun, original = cols[0].strip(), cols[1].strip()
        for phrase in (spun, original):
            if len(phrase.split()) > MAX_PHRASE_WORDS:
                raise LexiconError(f"{where}:{number}: a phrase of more than {MAX_PHRASE_WORDS} words: "
                                   f"{quote(phrase)}")
        src = cols[3].strip() if len(cols) >= 4 and cols[3].strip() else name
        if spun and original:
            yield spun, original, weight, src


BUNDLED = ("spinner.tsv", "wordnet_inverse.tsv")


def _group_rows(lines: list[str]) -> Iterator[tuple[str, list[str]]]:
    """(spun, [rest of row, ...]) for consecutive rows with the same spun phrase."""
    current, rest = None, []
    for line in lines:
        if not line or line[0] == "#" or line.startswith("spun\toriginal"):
            continue
        tab = line.index("\t")
        spun = line[:tab]
        if spun != current:
            if current is not None:
                yield current, rest
            current, rest = spun, []
        rest.append(line[tab + 1:])
    if current is not None:
        yield current, rest


def bundled_path(name: str) -> Path:
    """Path of a lexicon shipped with the package."""
    return Path(str(resources.files("restore._lexicons").joinpath(name)))


def default_lexicon(extra: Iterable[str | os.PathLike] = (), *, wordnet: bool = True, format: str | None = None,
                    trust: str | None = None) -> Lexicon:
    """The bundled lexicons (curated spinner lexicon, WordNet inverse thesaurus) plus user files (their
    ``format`` and ``trust`` as in ``Lexicon.load``)."""
    lex = Lexicon()
    for name in BUNDLED:
        if name == "wordnet_inverse.tsv" and not wordnet:
            continue
        path = bundled_path(name)
        if path.exists():
            lex.load(path, trusted=True)
    for path in extra:
        lex.load(path, format=format, trust=trust)
    return lex

