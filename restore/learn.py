"""Learning a spinner from a corpus: link spun copies to their sources, then mine the substitutions.

``restore learn INPUT... -o learned.tsv [--links links.jsonl]`` reads the same inputs as ``restore
batch`` and works in three steps:

1. **Candidates.** Every record becomes a MinHash signature over word *bigrams* (datasketch). A spinner
   that replaces a third of the words still leaves about 40% of the bigrams intact, so a copy and its
   source share far more bigrams than two unrelated pages do; LSH banding finds those pairs without
   comparing every pair. Exact duplicates (the same words) are folded first and reported as such.
2. **Verification.** A candidate pair is aligned word by word (rapidfuzz's Levenshtein opcodes); its
   similarity is the share of words in equal runs of at least ``MIN_RUN`` words. Unrelated prose shares
   stray words but almost never runs of three; a spun copy keeps most of its source in such runs.
3. **Direction.** In every place where the two texts differ, the trigram model scores each side in the
   shared context: the spinner's side reads worse almost everywhere, the source's side is the English an
   author wrote. The record that wins the most of its pairs in a cluster of copies is its source when it
   wins each link by at least ``min_confidence`` of the votes; a cluster of copies only (no source kept)
   gives no link, because mining between two spun copies would learn spinner-to-spinner pairs.

Mining (word alignment of each link, counted and filtered substitutions) lives in ``restore.mining``.
"""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass

from .tokenize import tokenize

MIN_RUN = 3            # a run of equal words this long counts as shared text
# LSH bands of BAND_ROWS hashes: a pair with bigram Jaccard J becomes a candidate with probability
# 1 - (1 - J^2)^120. A 35% spin of a 300-word article keeps J >= 0.22 (found with p >= 0.997); two
# unrelated pages of one site sit near J = 0.02 (p = 0.05), and those are dropped before any alignment by
# the Jaccard the 240 hashes estimate (MIN_JACCARD; its error at J = 0.22 is 0.03).
BANDS, BAND_ROWS = 120, 2
MIN_JACCARD = 0.1
MIN_SIMILARITY = 0.3   # share of words in shared runs for a verified link
MIN_CONFIDENCE = 0.85  # share of the differing places in which the source reads better (chosen on seed 16)
MIN_WORDS = 20         # shorter records carry too few bigrams to link reliably


@dataclass
class Doc:
    index: int
    id: str
    text: str | None
    norms: list[str] | None = None
    problem: str | None = None


def read_docs(inputs: list[str], field: str = "text", id_field: str = "id", fmt: str = "auto",
              max_chars: int = 200_000) -> list[Doc]:
    """Every input record as a Doc, in input order; unreadable ones keep their problem instead of text."""
    from .batch.inputs import Reader, expand_inputs
    from .batch.records import _MISSING, LINE, RECORD, TEXT, check_text, decode_text, parse_json_line
    docs = []
    for index, kind, data, source in Reader(expand_inputs(inputs, fmt), field=field):
        if kind == LINE:
            record = parse_json_line(data, source, "error")
        elif kind == TEXT:
            rel, raw = data
            text, problem = decode_text(raw)
            record = {"error": problem} if problem else {field: text}
            source = rel
        else:
            record = dict(data)
        rid = record.get(id_field)
        rid = str(rid) if isinstance(rid, (str, int)) and not isinstance(rid, bool) else source
        problem = record.get("error") if kind != RECORD else None
        text = record.get(field, _MISSING)
        problem = problem or check_text(text, field, max_chars)
        docs.append(Doc(index, rid, None if problem else text, problem=problem))
    return docs


def prepare(doc: Doc) -> None:
    """The record's normalised words, interned: a corpus repeats a small vocabulary millions of times, and
    the token objects (offsets) are rebuilt only for the records that get linked (``restore.mining``)."""
    doc.norms = [sys.intern(t.norm) for t in tokenize(doc.text or "")]


def bigrams(norms: list[str]) -> set[bytes]:
    return {f"{a} {b}".encode() for a, b in zip(norms, norms[1:])}


def candidate_pairs(docs: list[Doc], bands: int = BANDS, rows: int = BAND_ROWS, executor=None):
    """Pairs of positions in ``docs`` whose bigram sets overlap by an estimated MIN_JACCARD (sorted, each
    once), and how many pairs the LSH bands proposed (``restore.learn_parallel`` does the work)."""
    from .learn_parallel import signatures, similar_pairs
    return similar_pairs(signatures([d.norms for d in docs], bands * rows, executor), bands, rows, MIN_JACCARD)


def blocks(a: list[str], b: list[str]):
    """Levenshtein opcodes of two word lists as ``(equal, i1, i2, j1, j2)``, changes merged into one block."""
    from rapidfuzz.distance import Levenshtein
    vocab: dict[str, int] = {}
    ia = [vocab.setdefault(w, len(vocab)) for w in a]
    ib = [vocab.setdefault(w, len(vocab)) for w in b]
    out: list[list] = []
    for op in Levenshtein.opcodes(ia, ib):
        eq = op.tag == "equal"
        if out and not eq and not out[-1][0]:
            out[-1][2], out[-1][4] = op.src_end, op.dest_end
        else:
            out.append([eq, op.src_start, op.src_end, op.dest_start, op.dest_end])
    return out


def similarity(a: list[str], b: list[str], ops) -> float:
    shared = sum(i2 - i1 for eq, i1, i2, _, _ in ops if eq and i2 - i1 >= MIN_RUN)
    return shared / max(1, len(a), len(b))


def _side_logprob(lm, history: tuple[str, ...], words: list[str]) -> float:
    total = 0.0
    for w in words:
        total += lm.logprob(w, history)
        history = (history + (w,))[-2:]
    return total


# A difference longer than this many words a side is an edit (a paragraph added or cut), not a spin:
# it says nothing about which copy was spun, so it casts no direction vote.
MAX_VOTE_SIDE = 6


def direction_votes(lm, a: list[str], b: list[str], ops) -> tuple[int, int, float]:
    """(places where ``a`` reads better, places where ``b`` does, summed log-ratio b over a)."""
    va = vb = 0
    total = 0.0
    for eq, i1, i2, j1, j2 in ops:
        if eq or i2 - i1 > MAX_VOTE_SIDE or j2 - j1 > MAX_VOTE_SIDE:
            continue
        history = tuple(a[max(0, i1 - 2):i1])
        after = a[i2:i2 + 2] if a[i2:i2 + 2] == b[j2:j2 + 2] else []
        la = _side_logprob(lm, history, a[i1:i2] + after)
        lb = _side_logprob(lm, history, b[j1:j2] + after)
        if abs(lb - la) < 0.5:   # too close to call: the model has no preference here
            continue
        va += la > lb
        vb += lb > la
        total += lb - la
    return va, vb, total


@dataclass
class Link:
    spun: int
    source: int
    similarity: float
    confidence: float
    ops: list | None = None     # the word alignment, for mining; None for a rewritten copy (not mined)
    kind: str = "spun"          # "spun" (shares wording) or "rewritten" (shares meaning: restore.sentence_links)


class Linker:
    """Finds (spun copy, source) pairs among prepared documents."""

    def __init__(self, lm=None, bands: int = BANDS, min_similarity: float = MIN_SIMILARITY,
                 min_confidence: float = MIN_CONFIDENCE, rewritten=None, executor=None) -> None:
        if lm is None:
            from .lm import NgramLM
            lm = NgramLM()
        self.lm = lm
        self.bands = bands
        self.min_similarity = min_similarity
        self.min_confidence = min_confidence
        # a restore.sentence_links.RewriteVerifier: also link copies that share meaning, not wording
        self.rewritten = rewritten
        self.executor = executor   # concurrent.futures-like: signatures and verification run there
        self._by_meaning: set[tuple[int, int]] = set()
        self.stats: dict[str, float] = {}

    def link(self, docs: list[Doc]) -> tuple[list[Link], list[tuple[int, int]]]:
        """Links (indices into ``docs``) and exact duplicates ``(duplicate, first)``."""
        t0 = time.perf_counter()
        first: dict[bytes, int] = {}
        duplicates, unique = [], []
        for i, d in enumerate(docs):
            if d.text is None or len(d.norms) < MIN_WORDS:
                continue
            key = hashlib.sha1(" ".join(d.norms).encode()).digest()
            if key in first:
                duplicates.append((i, first[key]))
            else:
                first[key] = i
                unique.append(i)
        from .learn_parallel import verify
        cand, banded = candidate_pairs([docs[i] for i in unique], self.bands, executor=self.executor)
        t1 = time.perf_counter()
        pairs = [(unique[x], unique[y]) for x, y in cand]
        if self.executor is None and len(pairs) < 50_000:   # in process: no copies of the word lists
            edges = {}
            for i, j in pairs:
                edge = self._verify(docs[i], docs[j])
                if edge is not None:
                    edges[(i, j)] = edge
        else:
            edges = verify(pairs, lambda k: docs[k].norms, self.min_similarity, self.executor)
        self.stats.update(banded=banded, candidates=len(cand), verified=len(edges), duplicates=len(duplicates),
                          lsh_seconds=round(t1 - t0, 2), verify_seconds=round(time.perf_counter() - t1, 2))
        if self.rewritten is not None:
            self._link_by_meaning(docs, unique, edges)
        return self._resolve(docs, edges), duplicates

    def _link_by_meaning(self, docs: list[Doc], unique: list[int], edges: dict) -> None:
        """Add the verified pairs of rewritten copies (restore.sentence_links) to ``edges``."""
        from .sentence_links import REWRITE_CONFIDENCE, key_candidates
        t0 = time.perf_counter()
        todo = [pair for pair in key_candidates(docs, unique) if pair not in edges]
        # pairs that share wording but whose word votes leave the direction open (a restructured rewrite)
        weak = [pair for pair, (_, va, vb, _) in edges.items() if max(va, vb) / max(1, va + vb) < self.min_confidence]
        self.rewritten.prepare([docs[i] for i in sorted({i for pair in todo + weak for i in pair})])
        tried = len(todo) + len(weak)
        for i, j in todo + weak:
            edge = self.rewritten.verify(docs[i], docs[j])
            if edge is None:
                continue
            _, va, vb, _ = edge
            if (i, j) in edges and max(va, vb) / max(1, va + vb) < REWRITE_CONFIDENCE:
                continue   # the sentences cannot tell the direction either: keep the word edge
            edges[(i, j)] = edge
            self._by_meaning.add((i, j))
        self.stats.update(meaning_candidates=tried, meaning_verified=len(self._by_meaning),
                          meaning_seconds=round(time.perf_counter() - t0, 2))

    def _verify(self, da: Doc, db: Doc):
        a, b = da.norms, db.norms
        ops = blocks(a, b)
        sim = similarity(a, b, ops)
        if sim < self.min_similarity:
            return None
        va, vb, llr = direction_votes(self.lm, a, b, ops)
        return sim, va, vb, llr   # the alignment is not kept: redone for the pairs that become links

    def _needed(self, key: tuple[int, int]) -> float:
        """The direction confidence a pair must reach: sentence votes of a rewrite are fewer and coarser
        than the word votes of a spin (restore.sentence_links.REWRITE_CONFIDENCE)."""
        if key in self._by_meaning:
            from .sentence_links import REWRITE_CONFIDENCE
            return REWRITE_CONFIDENCE
        return self.min_confidence

    def _resolve(self, docs: list[Doc], edges: dict) -> list[Link]:
        """In each cluster of verified pairs, the record that reads best against the others is the source."""
        parent: dict[int, int] = {}

        def find(x: int) -> int:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x
        for i, j in edges:
            parent[find(i)] = find(j)
        clusters: dict[int, list[int]] = {}
        cluster_edges: dict[int, list] = {}
        for x in sorted(parent):
            clusters.setdefault(find(x), []).append(x)
        for (i, j), edge in edges.items():
            cluster_edges.setdefault(find(i), []).append((i, j, *edge))
        links = []
        for root, members in clusters.items():
            wins = {m: [0, 0.0] for m in members}   # pairs won confidently, summed log-ratio
            for i, j, sim, va, vb, llr in cluster_edges[root]:
                conf_i, conf_j = va / max(1, va + vb), vb / max(1, va + vb)
                need = self._needed((i, j))
                wins[i][0] += conf_i >= need
                wins[j][0] += conf_j >= need
                wins[i][1] -= llr
                wins[j][1] += llr
            best = max(sorted(members), key=lambda m: (wins[m][0], wins[m][1]))
            if wins[best][0] == 0:
                continue   # copies only: no member reads clearly better than the others
            for m in sorted(members):
                link = self._link(docs, m, best, edges) if m != best else None
                if link is not None:
                    links.append(link)
        links.sort(key=lambda link: (link.spun, link.source))
        return links


    def _link(self, docs: list[Doc], m: int, best: int, edges: dict) -> Link | None:
        """The link of cluster member ``m`` to the cluster's source ``best``, when its direction holds."""
        key = (min(m, best), max(m, best))
        edge = edges.get(key) or self._verify(docs[key[0]], docs[key[1]])
        if edge is not None and key not in self._by_meaning:
            sim, va, vb, _ = edge
            conf = (va if best == key[0] else vb) / max(1, va + vb)
            if conf >= self.min_confidence:
                return Link(m, best, round(sim, 4), round(conf, 4), blocks(docs[m].norms, docs[best].norms))
        if self.rewritten is None:
            return None
        # A copy tied to the cluster through another copy only, or restructured so that its word votes are
        # inconclusive: the sentences decide, and it is linked as a rewrite (restored by source, not mined).
        if key not in self._by_meaning:
            edge = self.rewritten.verify(docs[key[0]], docs[key[1]])
            if edge is None:
                return None
            self._by_meaning.add(key)
        sim, va, vb, _ = edge
        conf = (va if best == key[0] else vb) / max(1, va + vb)
        if conf < self._needed(key):
            return None
        return Link(m, best, round(sim, 4), round(conf, 4), None, "rewritten")


def note(msg: str) -> None:
    print(f"restore learn: {msg}", file=sys.stderr)


def make_linker(rewritten: bool = False, **options) -> Linker:
    """A Linker; ``rewritten`` adds the sentence-meaning verifier (loads the sentence model)."""
    linker = Linker(**options)
    if rewritten:
        from .sentence_links import RewriteVerifier
        linker.rewritten = RewriteVerifier(linker.lm)
    return linker


def learn(docs: list[Doc], *, min_count: int = 2, linker: Linker | None = None):
    """Link and mine prepared ``docs``: (links, duplicates, miner, table rows)."""
    from .mining import Miner
    for d in docs:
        if d.text is not None and d.norms is None:
            prepare(d)
    linker = linker or Linker()
    links, duplicates = linker.link(docs)
    miner = Miner()
    for link in links:
        link.substitutions = miner.add(docs[link.spun], docs[link.source], link.ops) if link.ops else 0
        link.ops = None
    return links, duplicates, miner, miner.table(min_count)
