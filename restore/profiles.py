"""Spinner profiles: the pairs of one dictionary kept together, and one profile chosen per document.

A corpus holds copies from several farms, each with its own dictionary. Mixed into one table, a farm's
pairs apply to words another farm left alone: restoring one farm's copies with every farm's pairs
changes more correct words than restoring them with that farm's pairs only. So learning keeps the
dictionaries apart, and restoring picks one per document.

* **Finding the profiles** (``link_profiles``): each link is a copy spun by one farm, so the pairs mined
  from it belong to one dictionary. Two links whose pair sets share at least ``MIN_SHARED`` pair types are
  spun by the same farm (a farm writes its frequent pairs in nearly every copy; two farms with disjoint
  dictionaries share none). Connected links form a profile; a pair goes to the profile in whose links it
  was seen most.
* **Choosing per document** (``choose_dictionary``): loaded as a spinner dictionary, each profile is a
  source of its own (``learned:p1``, ``learned:p2`` ...). A document spun by one farm hits that farm's
  pairs far more often than the others', so the candidates of the profile with the most spans (a span
  shared by k profiles counts 1/k to each) are kept and the other profiles' are dropped. The same holds
  for any two spinner dictionaries a user loads: a document is spun by one spinner.
"""

from __future__ import annotations

import collections
from dataclasses import replace

from .lexicon import DICTIONARY, SHUFFLE_ONLY, is_dictionary

MIN_SHARED = 3   # pair types two links of one farm share; links of disjoint farms share none (seed 16)


def link_profiles(link_pairs: list[set]) -> list[int]:
    """The profile (0, 1, ...; 0 the largest) of each link, from the pair types mined from it."""
    parent = list(range(len(link_pairs)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    index: dict = collections.defaultdict(list)
    for k, pairs in enumerate(link_pairs):
        for pair in pairs:
            index[pair].append(k)
    for k, pairs in enumerate(link_pairs):
        shared = collections.Counter(j for pair in pairs for j in index[pair] if j < k)
        for j, n in shared.items():
            if n >= MIN_SHARED:
                parent[find(k)] = find(j)
    roots = [find(k) for k in range(len(link_pairs))]
    sizes = collections.Counter(roots)
    order = {root: rank for rank, (root, _) in enumerate(sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])))}
    return [order[r] for r in roots]


def pair_profiles(link_pairs: list[set], profiles: list[int]) -> dict:
    """pair -> the profile in whose links it was seen most (ties: the larger profile)."""
    votes: dict = collections.defaultdict(collections.Counter)
    for pairs, p in zip(link_pairs, profiles):
        for pair in pairs:
            votes[pair][p] += 1
    return {pair: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for pair, c in votes.items()}


def dictionary_name(source: str) -> str | None:
    """The dictionary a candidate's source belongs to ("learned:p1"), or None for other sources."""
    if not is_dictionary(source):
        return None
    return source[len(SHUFFLE_ONLY):] if source.startswith(SHUFFLE_ONLY) else source[len(DICTIONARY):]


def choose_dictionary(spans: list) -> list:
    """Keep one spinner dictionary's candidates when several are loaded: the one with the most spans."""
    score: collections.Counter = collections.Counter()
    for span in spans:
        names = {n for n in (dictionary_name(o.source) for o in span.options) if n is not None}
        for n in names:
            score[n] += 1.0 / len(names)
    if len(score) <= 1:
        return spans
    best = min(score.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    out = []
    for span in spans:
        options = [o for o in span.options if dictionary_name(o.source) in (None, best)]
        if len(options) == len(span.options):
            out.append(span)
        elif options:
            out.append(replace(span, options=options))
    return out
