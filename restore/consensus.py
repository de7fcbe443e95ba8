"""Consensus across copies: several spun copies of one article, no source, one restored text.

Farms copy the same article and spin it independently, each with its own dictionary or its own random
draws, so at most places at most one copy changed the word: where the copies disagree, the ones that kept
the author's word outvote the one that did not. Alignment and clustering:

* **Copies** are found as ``restore learn`` finds links (``restore.learn``): MinHash LSH over word bigrams
  proposes pairs, a word alignment (rapidfuzz Levenshtein opcodes) verifies them (share of words in
  shared runs of three at least ``MIN_SIMILARITY``). Exact duplicates add nothing and are left out.
* A **cluster** is a connected group of verified pairs; its **pivot** is the member that reads best per
  word under the language model (the least spun, usually), and every other member is aligned to it.

Voting, at every place where some copy differs from the pivot (``vote``): each distinct reading of the
place (the pivot's words, or a copy's aligned words) gets

* one vote per copy that wrote it -- a copy that kept the original is evidence;
* the language model's log-probability of the reading in the pivot's context, and
* a channel term: the weight with which the bundled lexicons list the reading as an original of another
  reading (the other one is then likely the spun side),

and the reading with the highest total wins (``VOTE``, ``LM_SCALE``, ``CHANNEL_BONUS``). The voted text is
then restored by the engine as any document is, for the places all copies spun alike. Every member of a
cluster gets the cluster's text; a record with no copy is restored alone.

The copy evidence is also what ``restore.induce`` counts (``copy_evidence``): a word aligned against the
same word in another copy was kept, a word aligned against another word is a candidate pair.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from typing import Sequence

from .learn import _side_logprob

MIN_SIMILARITY = 0.3     # as restore.learn: share of words in shared runs of three
MAX_PHRASE = 4           # differing blocks longer than this (on either side) are rewrites, not votes


def copy_pairs(norms: Sequence[Sequence[str]], min_similarity: float = MIN_SIMILARITY) -> list[tuple[int, int, list]]:
    """``(i, j, ops)`` for every pair of documents that are copies of one article (``i < j``, sorted), with
    the word alignment of ``norms[i]`` to ``norms[j]``. Needs datasketch (``restore[learn]``)."""
    from .learn import MIN_WORDS, Doc, blocks, candidate_pairs, similarity
    docs = [Doc(k, str(k), "", list(n)) for k, n in enumerate(norms) if len(n) >= MIN_WORDS]
    if len(docs) < 2:
        return []
    found, _ = candidate_pairs(docs)
    out = []
    for x, y in found:
        a, b = docs[x].norms, docs[y].norms
        if a == b:
            continue   # an exact duplicate: the same draw, no independent evidence
        ops = blocks(a, b)
        if similarity(a, b, ops) >= min_similarity:
            out.append((docs[x].index, docs[y].index, ops))
    return out


@dataclass
class CopyEvidence:
    """What aligned copies say about words: kept alike, or facing another phrase."""

    facing: collections.Counter = field(default_factory=collections.Counter)   # (phrase, other phrase)
    kept: collections.Counter = field(default_factory=collections.Counter)     # word -> times kept alike
    aligned: collections.Counter = field(default_factory=collections.Counter)  # phrase -> times aligned
    pairs: int = 0


def differing(ops, a: Sequence[str], b: Sequence[str]):
    """``(a phrase, b phrase)`` of each differing block of an alignment: word by word when both sides have
    as many words, as one phrase pair otherwise (at most ``MAX_PHRASE`` words a side, none empty)."""
    for eq, i1, i2, j1, j2 in ops:
        if eq:
            continue
        if i2 - i1 == j2 - j1:
            yield from ((a[i1 + k], b[j1 + k]) for k in range(i2 - i1))
        elif 0 < i2 - i1 <= MAX_PHRASE and 0 < j2 - j1 <= MAX_PHRASE:
            yield " ".join(a[i1:i2]), " ".join(b[j1:j2])


def copy_evidence(norms: Sequence[Sequence[str]]) -> CopyEvidence:
    """Count, over every pair of copies in the corpus, the words kept alike and the phrases facing others."""
    ev = CopyEvidence()
    for i, j, ops in copy_pairs(norms):
        a, b = norms[i], norms[j]
        ev.pairs += 1
        for eq, i1, i2, j1, j2 in ops:
            if eq:
                for w in a[i1:i2]:
                    ev.kept[w] += 2
                    ev.aligned[w] += 2
        for x, y in differing(ops, a, b):
            ev.facing[(x, y)] += 1
            ev.facing[(y, x)] += 1
            ev.aligned[x] += 1
            ev.aligned[y] += 1
    return ev


# Fitted on the farms corpus, seed 16 (benchmarks/consensus_bench.py --fit); scored on seed 17.
VOTE = 1.0               # nats a copy's vote is worth against the language model's preference
LM_SCALE = 1.0           # weight of the language model's log-probability of a reading in its context
CHANNEL_BONUS = 2.0      # nats per unit of channel weight listing a reading as an original of another


def clusters(pairs: Sequence[tuple[int, int, list]]) -> list[list[int]]:
    """Connected groups of copies (each sorted, the groups by their first member)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for i, j, _ in pairs:
        parent[find(i)] = find(j)
    groups: dict[int, list[int]] = collections.defaultdict(list)
    for x in sorted(parent):
        groups[find(x)].append(x)
    return sorted(groups.values())


def fluency(lm, norms: Sequence[str]) -> float:
    """Mean log-probability per word under the trigram model: the least spun copy reads best."""
    return _side_logprob(lm, (), norms) / max(1, len(norms))


@dataclass
class Place:
    """A stretch ``[i1, i2)`` of the pivot's words where some copy wrote something else."""

    i1: int
    i2: int
    readings: dict[tuple[str, ...], list[str]] = field(default_factory=dict)  # words -> texts as written
    votes: collections.Counter = field(default_factory=collections.Counter)


def places(pivot: Sequence[str], others: Sequence[tuple[Sequence[str], list, str, list]]) -> list[Place]:
    """The places where copies differ from the pivot, with each copy's reading and vote. ``others`` are
    ``(norms, tokens, text, ops)`` of the other copies aligned to the pivot; a copy that aligned a place
    equally votes for the pivot's reading, one whose differing block overlaps it otherwise abstains."""
    found: dict[tuple[int, int], Place] = {}
    equal_at: list[set[int]] = []
    for norms, tokens, text, ops in others:
        same: set[int] = set()
        for eq, i1, i2, j1, j2 in ops:
            if eq:
                same.update(range(i1, i2))
                continue
            parts = ([(i1 + k, i1 + k + 1, j1 + k, j1 + k + 1) for k in range(i2 - i1)] if i2 - i1 == j2 - j1
                     else [(i1, i2, j1, j2)] if 0 < i2 - i1 <= MAX_PHRASE and 0 < j2 - j1 <= MAX_PHRASE else [])
            for p1, p2, q1, q2 in parts:
                place = found.setdefault((p1, p2), Place(p1, p2))
                words = tuple(norms[q1:q2])
                place.readings.setdefault(words, []).append(text[tokens[q1].start:tokens[q2 - 1].end])
                place.votes[words] += 1
        equal_at.append(same)
    for place in found.values():
        place.votes[tuple(pivot[place.i1:place.i2])] += 1 + sum(
            all(k in same for k in range(place.i1, place.i2)) for same in equal_at)
    return [found[k] for k in sorted(found)]


def vote(place: Place, pivot: Sequence[str], lm, lexicon, weights=(VOTE, LM_SCALE, CHANNEL_BONUS)) -> tuple[str, ...]:
    """The reading of a place with the highest score: votes, the language model in the pivot's context,
    and a channel term -- the weight with which the lexicons list the reading as an original of each other
    reading (synonyms are listed both ways, but a spinner's odd word lists the plain one more readily:
    "stated" gives "said" 1.0, "said" gives "stated" 0.5). A tie keeps the pivot's reading."""
    w_vote, w_lm, w_channel = weights
    history, after = tuple(pivot[max(0, place.i1 - 2):place.i1]), list(pivot[place.i2:place.i2 + 2])
    readings = sorted(place.votes)
    listed = {r: {" ".join(o.lower().split()): w for o, w in lexicon.lookup(" ".join(r))} if lexicon else {}
              for r in readings}

    def total(r: tuple[str, ...]) -> float:
        channel = sum(listed[other].get(" ".join(r), 0.0) for other in readings if other != r)
        return w_vote * place.votes[r] + w_lm * _side_logprob(lm, history, list(r) + after) + w_channel * channel
    return max(readings, key=lambda r: (total(r), r == tuple(pivot[place.i1:place.i2])))


def voted_text(texts: Sequence[str], lm, lexicon, weights=(VOTE, LM_SCALE, CHANNEL_BONUS)) -> tuple[str, int]:
    """One text from several copies of an article, and which copy was the pivot: the pivot's text with
    each place where the copies disagree replaced by the winning reading (as the copy wrote it, its first
    letter's case fitted to the pivot's)."""
    from .edits import match_style
    from .learn import blocks
    from .tokenize import tokenize
    tokens = [tokenize(t) for t in texts]
    norms = [[t.norm for t in toks] for toks in tokens]
    p = max(range(len(texts)), key=lambda k: (fluency(lm, norms[k]), -k))
    others = [(norms[k], tokens[k], texts[k], blocks(norms[p], norms[k])) for k in range(len(texts)) if k != p]
    pieces, pos, end = [], 0, 0
    text, toks = texts[p], tokens[p]
    for place in places(norms[p], others):
        if place.i1 < end:
            continue   # overlaps a place already decided (copies cut the pivot differently there)
        best = vote(place, norms[p], lm, lexicon, weights)
        end = place.i2
        if best == tuple(norms[p][place.i1:place.i2]):
            continue
        start, stop = toks[place.i1].start, toks[place.i2 - 1].end
        pieces += [text[pos:start], match_style(text[start:stop], place.readings[best][0])]
        pos = stop
    pieces.append(text[pos:])
    return "".join(pieces), p


@dataclass
class Consensus:
    """The result for one record: its cluster (record indices, empty alone), the voted text, the restored one."""

    cluster: list[int]
    voted: str
    restored: str


def restore_copies(texts: Sequence[str | None], restorer=None,
                   weights=(VOTE, LM_SCALE, CHANNEL_BONUS)) -> list[Consensus | None]:
    """For every record: the consensus of its cluster of copies restored by the engine, or the record
    restored alone when it has no copy (``None`` for a record without text). Members of a cluster share
    one result, computed once."""
    if restorer is None:
        from . import Restorer
        restorer = Restorer()
    from .tokenize import tokenize
    norms = [[t.norm for t in tokenize(t)] if t else [] for t in texts]
    out: list[Consensus | None] = [None] * len(texts)
    for members in clusters(copy_pairs(norms)):
        distinct = list(dict.fromkeys(texts[k] for k in members))   # an exact duplicate is not a vote
        voted, _ = voted_text(distinct, restorer.lm, restorer.lexicon, weights)
        result = Consensus(members, voted, restorer.restore(voted).text)
        for k in members:
            out[k] = result
    for k, t in enumerate(texts):
        if out[k] is None and t is not None:
            out[k] = Consensus([], t, restorer.restore(t).text)
    return out


def add_consensus_parser(sub) -> None:
    """Register ``restore consensus`` on the CLI's subparsers."""
    from .batch.records import INPUT_FORMATS
    p = sub.add_parser("consensus", help="restore spun copies of one article together, by a vote across the copies",
                       description="Find the records that are copies of one article, vote where they disagree, "
                                   "restore the voted text; write one JSON line per input record.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders, as for restore batch")
    p.add_argument("-o", "--output", required=True, help="JSONL: id, cluster (ids of its copies), restored")
    p.add_argument("--field", default="text", help="the text field/column (default: text)")
    p.add_argument("--id-field", default="id", help="the record id field (default: id)")
    p.add_argument("--format", dest="input_format", choices=INPUT_FORMATS, default="auto")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    p.set_defaults(func=cmd_consensus)


def cmd_consensus(args) -> int:
    """``restore consensus``: every input record comes out once, in input order: its cluster's restored
    consensus, its own restoration when it has no copy, or its error when it could not be read."""
    import json
    import sys
    from .cli import EXIT_OK, check_output
    from .learn import read_docs
    from .outfile import atomic_write_bytes
    check_output(args.output, args.inputs)
    docs = read_docs(args.inputs, args.field, args.id_field, args.input_format)
    results = restore_copies([d.text for d in docs])
    lines = []
    for d, r in zip(docs, results):
        if r is None:
            lines.append({"id": d.id, "error": d.problem or "no text"})
        else:
            lines.append({"id": d.id, "cluster": [docs[k].id for k in r.cluster], "restored": r.restored})
    atomic_write_bytes(args.output, "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode())
    if not args.quiet:
        grouped = sum(1 for r in results if r is not None and r.cluster)
        print(f"restore consensus: {len(docs):,} records, {grouped:,} restored with their copies, "
              f"{sum(r is None for r in results)} unreadable", file=sys.stderr)
    return EXIT_OK
