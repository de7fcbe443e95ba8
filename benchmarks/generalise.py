"""How far the lexicon generalises to spinner pairs it was not built from, measured without the held-out half.

    python -m benchmarks.generalise                       # dev-half recall, lexicon built without observed.tsv
    python -m benchmarks.generalise --misses              # ... and the pairs it misses
    python -m benchmarks.generalise --extra pairs.tsv     # what a candidate source would add

The held-out half of ``spinner_pairs_dev.tsv`` tells how the lexicon generalises, but it may not be looked
at while the lexicon is developed, so it cannot say *why* a pair is missed. This is the proxy that can: the
spinner lexicon is compiled again from the curated sources only (``lexicons/src/curated_*.tsv``, leaving out
``observed.tsv``, which is the reviewed dev half itself), and candidate recall is measured on the dev half.
The curated rows were written from general knowledge of spinners, so the dev half stands to this lexicon as
the held-out half stands to the full one; the two figures should be close, and a new source (``--extra``,
any user-lexicon file) that helps here can then be checked once on the held-out half by the main benchmark.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from pathlib import Path

from .evaluate import pair_recall
from .paths import ROOT, SPINNER_PAIRS
from .spinners import observed_rows


def dev_pairs() -> list[tuple[str, str, str]]:
    """``(spun, original, family)`` of the dev half of the observed pairs (empty if the data are absent)."""
    from restore.split import is_held_out
    return [(spun, orig, rest[1].strip() if len(rest) > 1 else "")
            for spun, orig, rest in observed_rows() if not is_held_out(spun, orig)]


def curated_only_lexicon(extra: list[str], wordnet: bool = True):
    """The bundled lexicons as they would be without ``observed.tsv``, plus ``extra`` user files."""
    from restore.lexicon import Lexicon, bundled_path
    spec = importlib.util.spec_from_file_location("build_lexicons", ROOT / "scripts" / "build_lexicons.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)  # needs the [build] extra (lemminflect)
    lex = Lexicon()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "spinner.tsv"
        build.build(sorted((ROOT / "lexicons" / "src").glob("curated_*.tsv")), out)
        lex.load(out, trusted=True)
    if wordnet:
        lex.load(bundled_path("wordnet_inverse.tsv"), trusted=True)
    for path in extra:
        lex.load(path)
    return lex


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--extra", action="append", default=[], metavar="FILE", help="a lexicon file to add")
    ap.add_argument("--misses", action="store_true", help="list the dev pairs whose original is not a candidate")
    ap.add_argument("--no-wordnet", action="store_true", help="leave the WordNet inverse thesaurus out")
    args = ap.parse_args(argv)
    pairs = dev_pairs()
    if not pairs:
        print(f"no observed pairs at {SPINNER_PAIRS}", file=sys.stderr)
        return 1
    import restore
    engine = restore.Restorer(lexicon=curated_only_lexicon(args.extra, wordnet=not args.no_wordnet))
    full = restore.Restorer()
    flat = [(s, o) for s, o, _ in pairs]
    got, ref = pair_recall(engine, flat), pair_recall(full, flat)
    print(f"dev half of {SPINNER_PAIRS.name}: {got['n']} distinct pairs")
    print(f"  curated sources only{' + ' + ', '.join(args.extra) if args.extra else ''}: "
          f"{got['any']['value']:.1%} ({got['any']['low']:.1%}-{got['any']['high']:.1%})")
    print(f"  full bundled lexicon (observed.tsv is this half, reviewed): {ref['any']['value']:.1%}")
    if args.misses:
        seen = set()
        for spun, orig, family in pairs:
            key = (spun.lower(), orig.lower())
            if key in seen:
                continue
            seen.add(key)
            if pair_recall(engine, [(spun, orig)])["any"]["value"] == 0:
                cands = [c.originals[:5] for c in engine.candidates(spun)][:2]
                print(f"  miss [{family}] {spun} -> {orig}   candidates: {cands}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
