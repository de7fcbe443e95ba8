"""Reading the dictionaries that spinners and thesauri come in, and turning them into channel pairs.

A lexicon file is one of five formats, told apart by ``detect_format`` (or named by the caller):

* ``tsv`` -- the project's ``spun<TAB>original[<TAB>weight[<TAB>source]]`` rows;
* ``pps`` -- the Problematic Paper Screener export, ``tortured<TAB>expected`` with that header;
* ``groups`` -- a spinner thesaurus: one synonym group a line, members separated by ``|``, the first
  member being the head word (``countries|nations|international locations``), as WordPress spinner
  plugins ship them;
* ``mythes`` -- the LibreOffice/MyThes ``.dat`` thesaurus: an encoding line, then ``word|n`` followed by
  ``n`` sense lines ``(pos)|syn|syn...``; every sense is a group headed by the entry word;
* ``spintax`` -- ``{a|b|c}`` groups, one or more a line; the first option is the head.

The first two are *phrase lists*: each row is a fact the user vouches for, applied even in a document
that otherwise reads as clean. The group formats are *spinner dictionaries*: a channel model of how one
spinner rewrites, which widens the candidates but stays under the document gate, because a dictionary of
ordinary synonyms matches ordinary words in every clean text.

A group becomes channel pairs ``(spun, original, weight)`` in one of two modes. A *head-only* spinner
looks up head words only and writes another member of the line in their place, so a non-head member
stands for the head. A *shuffle* spinner replaces any member by any other. The weight is the chance the
spinner picks that spun member, 1 / (members - 1).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator

from .errors import LexiconError, SettingsError

FORMATS = ("tsv", "pps", "groups", "mythes", "spintax")
PHRASE_FORMATS = ("tsv", "pps")
MODES = ("head", "shuffle")

# Bounds on what a lexicon file may hold: one phrase walks the document's words token by token, so a
# runaway "phrase" costs time and memory with its length; a file read by mistake (a device, a log) must
# stop early with a clear message instead of filling memory.
MAX_PHRASE_WORDS = 12
MAX_GROUP_MEMBERS = 64
MAX_FILE_BYTES = int(float(os.environ.get("RESTORE_MAX_LEXICON_MB", "64")) * 1024 * 1024)
QUOTE = 40   # characters of a bad line quoted in an error: enough to find it, never a whole file




def quote(line: str) -> str:
    """A short, printable prefix of a bad line for an error message."""
    short = line[:QUOTE] + ("..." if len(line) > QUOTE else "")
    return repr(short)


def read_lines(path: str | os.PathLike) -> list[str]:
    """The lines of a UTF-8 lexicon file, refusing files past ``MAX_FILE_BYTES`` (RESTORE_MAX_LEXICON_MB)."""
    path = Path(path)
    chunks, size = [], 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                if b"\0" in chunk:   # a device or a binary file named by mistake: stop at the first read
                    raise LexiconError(f"lexicon file is binary data, not text: {path}")
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise LexiconError(f"lexicon file is larger than {MAX_FILE_BYTES // 2**20} MB: {path} "
                                       "(raise the limit with RESTORE_MAX_LEXICON_MB)")
                chunks.append(chunk)
    except FileNotFoundError:
        raise LexiconError(f"lexicon file not found: {path}") from None
    except IsADirectoryError:
        raise LexiconError(f"lexicon path is a directory, not a file: {path}") from None
    data = b"".join(chunks)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"lexicon file is not UTF-8 text: {path} ({exc.reason} at byte {exc.start})") from None
    return text.splitlines()


_MYTHES_ENCODING = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_MYTHES_ENTRY = re.compile(r"[^|]+\|\d+")
_SPINTAX = re.compile(r"\{([^{}]*\|[^{}]*)\}")


def detect_format(lines: list[str]) -> str:
    """The format of a lexicon file from its first content lines (see the module docstring)."""
    content = [ln for ln in lines[:200] if ln.strip() and not ln.startswith("#")]
    if not content:
        return "tsv"
    if len(content) > 1 and _MYTHES_ENCODING.fullmatch(content[0].strip()) and _MYTHES_ENTRY.fullmatch(content[1]):
        return "mythes"
    head = content[0].split("\t")
    if len(head) >= 2 and (head[0].strip().lower(), head[1].strip().lower()) == ("tortured", "expected"):
        return "pps"
    if sum("\t" in ln for ln in content) * 2 > len(content):
        return "tsv"
    if sum(bool(_SPINTAX.search(ln)) for ln in content) * 2 > len(content):
        return "spintax"
    if sum("|" in ln for ln in content) * 2 > len(content):
        return "groups"
    return "tsv"  # the TSV reader then names the first line that is not a pair


def read_groups(lines: list[str], fmt: str, where: str = "lexicon") -> list[tuple[str, ...]]:
    """Synonym groups, head first, of a ``groups``, ``mythes`` or ``spintax`` file."""
    reader = {"groups": _pipe_groups, "mythes": _mythes_groups, "spintax": _spintax_groups}[fmt]
    out = []
    for number, members in reader(lines, where):
        members = tuple(dict.fromkeys(m for m in members if m))   # order kept, repeats dropped
        if len(members) > MAX_GROUP_MEMBERS:
            raise LexiconError(f"{where}:{number}: a group of {len(members)} members (at most "
                               f"{MAX_GROUP_MEMBERS})")
        for m in members:
            if len(m.split()) > MAX_PHRASE_WORDS:
                raise LexiconError(f"{where}:{number}: a member of more than {MAX_PHRASE_WORDS} words: {quote(m)}")
        if len(members) >= 2:
            out.append(members)
    return out


def _pipe_groups(lines: list[str], where: str) -> Iterator[tuple[int, list[str]]]:
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        if "|" not in line or "\t" in line:
            raise LexiconError(f"{where}:{number}: expected a synonym group 'head|synonym|...', got {quote(line)}")
        yield number, [m.strip() for m in line.split("|")]


def _spintax_groups(lines: list[str], where: str) -> Iterator[tuple[int, list[str]]]:
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        found = _SPINTAX.findall(line)
        if not found or line.count("{") != line.count("}"):
            raise LexiconError(f"{where}:{number}: expected spintax groups '{{a|b|c}}', got {quote(line)}")
        for body in found:
            yield number, [m.strip() for m in body.split("|")]


_MARKED = re.compile(r"\((generic|similar|related) term\)|\(antonym\)")


def _mythes_groups(lines: list[str], where: str) -> Iterator[tuple[int, list[str]]]:
    """Every sense of every entry, headed by the entry word; hypernyms, related terms and antonyms are
    not synonyms a spinner swaps in, so they are left out."""
    number, n = 1, len(lines)
    while number < n:                           # line 1 names the encoding
        line = lines[number]
        number += 1
        if not line.strip():
            continue
        word, sep, count = line.rpartition("|")
        if not sep or not count.strip().isdigit():
            raise LexiconError(f"{where}:{number}: expected a thesaurus entry 'word|senses', got {quote(line)}")
        for _ in range(int(count)):
            if number >= n:
                raise LexiconError(f"{where}:{number}: the file ends inside the entry {quote(word)}")
            sense = lines[number].split("|")
            number += 1
            yield number, [word.strip()] + [s.strip() for s in sense[1:] if s.strip() and not _MARKED.search(s)]


def group_pairs(groups: list[tuple[str, ...]], mode: str) -> Iterator[tuple[str, str, float]]:
    """Channel pairs ``(spun, original, weight)`` of synonym groups in a spinner mode.

    >>> sorted(group_pairs([("city", "town", "metropolis")], "head"))
    [('metropolis', 'city', 0.5), ('town', 'city', 0.5)]
    >>> len(list(group_pairs([("city", "town", "metropolis")], "shuffle")))
    6
    """
    if mode not in MODES:
        raise SettingsError(f"unknown spinner mode {mode!r}: use one of {', '.join(MODES)}")
    for members in groups:
        weight = 1.0 / (len(members) - 1)
        originals = members[:1] if mode == "head" else members
        for original in originals:
            for spun in members:
                if spun != original:
                    yield spun, original, weight
