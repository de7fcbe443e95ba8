"""Choose the unlisted detector's knobs (models/unlisted.json) on half T of the tortured-phrase list only.

Half T is split again by a second hash of the expected phrase: the word pairs and the list's terms come
from T1, and 250 phrases of T2 are scored in the benchmark's sentence templates, so that the numbers
say how the detector does on phrases whose pairs it has not seen (scoring on all of T would be
in-sample: the bundled word pairs come from it). Clean news seed 000 gives the share of ordinary
sentences that get a flag. Half U is never read.

    PYTHONPATH=. python scripts/tune_unlisted.py ['{"cohesion": 1.0}'] [--misses]

Prints, per threshold: recall on T2 (a run scoring at least the threshold overlaps the phrase), the share
of T2 where the best such run's first candidate is the expected phrase, the share of template sentences
with a run at least that high outside the phrase, and the share of seed-000 sentences with one.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.datasets import seed_clean, tortured_in_context  # noqa: E402
from benchmarks.metrics import fixes, overlaps  # noqa: E402
from benchmarks.science import half_rows  # noqa: E402
from restore import Restorer  # noqa: E402
from restore.split import expected_key, tortured_half  # noqa: E402
from restore.tokenize import sentences, tokenize  # noqa: E402
from restore.unlisted import UnlistedDetector, load_words  # noqa: E402

_spec = importlib.util.spec_from_file_location("build_terms", ROOT / "scripts" / "build_terms.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


def part(expected: str) -> int:
    return zlib.crc32((expected_key(expected) + "#2").encode("utf-8")) % 2


def detector(params: dict) -> UnlistedDetector:
    """The detector with T1's word pairs and terms (MyThes and WordNet as bundled)."""
    rows = [r for r in build.read_tortured(ROOT.parent / "shared" / "data" / "tortured_dev.tsv")
            if tortured_half(r[1]) == "T" and part(r[1]) == 0]
    words: dict = {}
    for (x, y), n in build.word_pairs(rows).items():
        words.setdefault(x, []).append((y, round(n / (n + 1), 3), "pps"))
    for x, opts in load_words().items():
        words.setdefault(x, []).extend(o for o in opts if o[2] == "mythes")
    terms = [line.split("\t")[0] for line in (ROOT / "lexicons" / "terms.tsv").read_text().splitlines()
             if not line.startswith("#") and line.endswith("\twordnet")]
    terms += [build.clean_expected(e) for _, e in rows]
    r = Restorer(unlisted=True)
    return UnlistedDetector(r.lm, r.lexicon, params=params, terms=terms, words=words)


def main() -> int:
    params = json.loads(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].startswith("{") else {}
    det = detector(params)
    t2 = random.Random(3).sample([(t, e) for t, e in half_rows("T", None) if part(e) == 1], 250)
    exs = tortured_in_context(t2)
    scores = []   # (best run over the phrase, its first candidate right, best run outside the phrase)
    for ex in exs:
        tokens, span = tokenize(ex.spun), ex.spans[0]
        inside, right, outside = -99.0, False, -99.0
        for u in det.runs(tokens, sentences(ex.spun, tokens)):
            if not overlaps(span, u.start, u.end):
                outside = max(outside, u.score)
            elif u.score > inside:
                inside, right = u.score, bool(u.options) and fixes(ex, u.start, u.end, u.options[0][0])
        scores.append((inside, right, outside))
    text = seed_clean().spun
    tokens = tokenize(text)
    sents = sentences(text, tokens)
    where = {id(t): n for n, s in enumerate(sents) for t in s}
    best: dict[int, float] = {}
    for u in det.runs(tokens, sents):
        n = where[id(tokens[u.first])]
        best[n] = max(best.get(n, -99.0), u.score)
    for t in range(3, 20, 2):
        n = len(scores)
        print(f"{t:3d} recall {sum(i >= t for i, _, _ in scores) / n:.3f} "
              f"top1 {sum(r for i, r, _ in scores if i >= t) / n:.3f} "
              f"template false flags {sum(o >= t for _, _, o in scores) / n:.3f} "
              f"seed-000 sentences {sum(v >= t for v in best.values()) / len(sents):.3f}")
    if "--misses" in sys.argv:
        for ex, (i, _, _) in list(zip(exs, scores))[:60]:
            if i < det.p["threshold"]:
                print(f"{i:6.1f}  {ex.spans[0].spun} -> {ex.spans[0].original}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
