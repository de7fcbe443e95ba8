"""Mining a linked (spun copy, source) pair for the substitutions a spinner made, and writing them as a lexicon.

The word alignment of a link (``restore.learn.blocks``) marks every place where the copy differs from its
source. Most are the spinner's substitutions; the rest are differences a spinner does not make and that a
lexicon must not learn:

* numbers and dates (an edition updated a figure; ``restore.numbers`` already handles spelled numbers);
* quotes and other non-word tokens (a quotation corrected or re-punctuated);
* names: a capitalised word away from a sentence start (a name fixed in a later edition);
* long rewrites (more than ``MAX_WORDS`` words a side), which are edits, not dictionary look-ups.

Substitutions next to each other come out of the alignment as one block. A block with as many words on
both sides is taken word for word (a spinner that replaced three neighbours one by one is far more common
than a three-word phrase rewritten as another three-word phrase); a block whose sides differ in length
is one phrase substitution ("information technology" for "it").

What is left is counted over all links. A pair seen at least ``min_count`` times becomes a row of the
lexicon TSV ``spun<TAB>original<TAB>weight<TAB>learned<TAB>count``: the weight estimates how readily the
spinner writes the spun phrase for that original, P(spun | original) -- times the pair was seen over the
times the original appears in the linked sources -- so it has the meaning of the channel weights of the
bundled lexicons, and a common word the spinner rarely touched gets a small weight.
"""

from __future__ import annotations

import collections
import re
from typing import Iterable, Iterator

MAX_WORDS = 4
MIN_WEIGHT = 0.05
_WORDY = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_SENTENCE_START = re.compile(r"(^|[.!?:;][\"'”’)\]]*\s+|\n\s*)$")


def _clean(tokens, i1: int, i2: int, text: str) -> bool:
    """The tokens are plain words, none a name (capitalised away from a sentence start)."""
    for k in range(i1, i2):
        t = tokens[k]
        if not _WORDY.fullmatch(t.text):
            return False
        if t.text[:1].isupper() and not _SENTENCE_START.search(text[max(0, t.start - 4):t.start]):
            return False
    return True


def substitutions(spun, source, ops) -> Iterator[tuple[str, str]]:
    """``(spun phrase, original phrase)`` for each kept difference of a link (normalised words)."""
    from .tokenize import tokenize
    spun_tokens, source_tokens = tokenize(spun.text), tokenize(source.text)
    for eq, i1, i2, j1, j2 in _split(ops):
        if eq or not (0 < i2 - i1 <= MAX_WORDS and 0 < j2 - j1 <= MAX_WORDS):
            continue
        s, o = spun.norms[i1:i2], source.norms[j1:j2]
        if s == o or not _clean(spun_tokens, i1, i2, spun.text) or not _clean(source_tokens, j1, j2, source.text):
            continue
        if _quoted(spun.text, spun_tokens, i1, i2) or _quoted(source.text, source_tokens, j1, j2):
            continue
        yield " ".join(s), " ".join(o)


def _split(ops):
    for eq, i1, i2, j1, j2 in ops:
        if not eq and i2 - i1 == j2 - j1 > 1:
            yield from ((False, i1 + k, i1 + k + 1, j1 + k, j1 + k + 1) for k in range(i2 - i1))
        else:
            yield eq, i1, i2, j1, j2


def _quoted(text: str, tokens, i1: int, i2: int) -> bool:
    """Inside a quotation: an odd number of double quotes on the line before the span."""
    line_start = text.rfind("\n", 0, tokens[i1].start) + 1
    before = text[line_start:tokens[i1].start]
    return (before.count('"') + before.count("“") + before.count("”")) % 2 == 1


class Miner:
    """Counts substitutions over links; ``table`` turns them into lexicon rows."""

    def __init__(self) -> None:
        self.pairs: collections.Counter = collections.Counter()
        self.links = 0
        self._sources: list[list[str]] = []
        self.link_pairs: list[set] = []   # the pair types of each link (restore.profiles)

    def add(self, spun, source, ops) -> int:
        n = 0
        seen = set()
        for pair in substitutions(spun, source, ops):
            self.pairs[pair] += 1
            seen.add(pair)
            n += 1
        self.links += 1
        self._sources.append(source.norms)
        self.link_pairs.append(seen)
        return n

    def _occurrences(self, phrases: Iterable[str], links: Iterable[int] | None = None) -> collections.Counter:
        """How often each phrase appears in the linked sources (where the spinner had the chance to spin it)."""
        wanted = collections.defaultdict(set)
        for p in phrases:
            wanted[len(p.split())].add(p)
        seen: collections.Counter = collections.Counter()
        for norms in (self._sources if links is None else (self._sources[k] for k in links)):
            for n, group in wanted.items():
                for k in range(len(norms) - n + 1):
                    p = " ".join(norms[k:k + n]) if n > 1 else norms[k]
                    if p in group:
                        seen[p] += 1
        return seen

    def table(self, min_count: int = 2, profiles: bool = True) -> list[tuple[str, str, float, int, str]]:
        """``(spun, original, weight, count, profile)`` rows, most frequent first (ties in alphabetical
        order). With ``profiles``, the links are grouped by the dictionary they share
        (``restore.profiles``) and each pair gets its group ("p1" the largest), its weight counted in that
        group's sources; with one group only, or without ``profiles``, the profile is ""."""
        kept = [(s, o, c) for (s, o), c in self.pairs.items() if c >= min_count]
        owner: dict = {}
        groups: dict[int, list[int]] = {0: list(range(self.links))}
        if profiles and self.links:
            from .profiles import link_profiles, pair_profiles
            of_link = link_profiles(self.link_pairs)
            groups = collections.defaultdict(list)
            for k, p in enumerate(of_link):
                groups[p].append(k)
            owner = pair_profiles(self.link_pairs, of_link)
        named = len({owner.get((s, o), 0) for s, o, _ in kept}) > 1
        seen = {p: self._occurrences({o for s, o, _ in kept if owner.get((s, o), 0) == p}, links)
                for p, links in groups.items()}
        rows = []
        for s, o, c in kept:
            p = owner.get((s, o), 0)
            weight = round(min(1.0, max(MIN_WEIGHT, c / max(1, seen[p][o]))), 4)
            rows.append((s, o, weight, c, f"p{p + 1}" if named else ""))
        return sorted(rows, key=lambda r: (-r[3], r[0], r[1]))

    def coverage(self) -> float:
        """Good-Turing estimate of the share of this spinner's substitutions that the pairs seen so far
        cover: one minus the share of substitutions whose pair was seen only once."""
        total = sum(self.pairs.values())
        once = sum(1 for c in self.pairs.values() if c == 1)
        return 1.0 - once / total if total else 0.0


def table_tsv(rows, header: str) -> str:
    """The learned table as lexicon TSV; a row's profile becomes its source ("learned:p1"), so a
    dictionary load keeps the profiles apart (``restore.profiles.choose_dictionary``)."""
    lines = [f"# {header}", "spun\toriginal\tweight\tsource\tcount"]
    lines += [f"{s}\t{o}\t{w}\tlearned{':' + p if p else ''}\t{c}" for s, o, w, c, p in rows]
    return "\n".join(lines) + "\n"
