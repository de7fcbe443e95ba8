"""Build lexicons/meaning_guard.tsv: word pairs and word classes a restoration must never swap.

A spinner's dictionary is sense-blind, and so is an inverse thesaurus: "towards" is listed for "against"
(a buffer against influence), "best" for "only", "may" for "must". Restoring along such a pair reverses
or overstates the sentence, which is worse than leaving a spun word: restore/meaning.py drops every
candidate original that differs from the spun words by one of these pairs (or changes negation, modality
or a number), so the decoder never sees it.

Contents (all lower case, one item per line, tab-separated):

* ``pair  A  B  SOURCE`` -- A and B are never restored one for the other (either way round):
  - WordNet antonyms: every antonym link between single-word lemmas of Princeton WordNet 3.0 (all parts of
    speech), with the same inflection on both sides (lemminflect: plural, -s/-ed/-en/-ing,
    comparative/superlative; forms with a wordfreq Zipf frequency under MIN_ZIPF dropped);
  - curated: directions, exclusive quantifiers and superlatives, and similar opposites that WordNet does
    not link (CURATED below);
* ``class  NAME  MEMBER | MEMBER ...`` -- negation (the number of negations must not change) and the
  modal classes possibility / necessity (never restored one into the other); members may be phrases.

Numbers are compared by value in restore/meaning.py itself (no list needed).

    apt-get install -y wordnet-base          # WordNet 3.0 database files
    pip install -e .[build]                  # nltk, lemminflect, wordfreq
    python scripts/build_meaning_guard.py

Nothing reads WordNet at run time: the output is committed, with a version header and the WordNet
licence note (lexicons/LICENSE.wordnet).
"""

from __future__ import annotations

import argparse
import re
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import wordnet_setup  # noqa: E402

OUT = ROOT / "lexicons" / "meaning_guard.tsv"
VERSION = 1
WORD = re.compile(r"[a-z]+(?:[-'][a-z]+)*")
MIN_ZIPF = 1.0   # inflected forms rarer than about once per 100 million words are left out

# Opposites a thesaurus or a spinner may put in each other's place and WordNet does not link as antonyms.
CURATED = {
    "direction": [("towards", "against"), ("toward", "against"), ("for", "against"), ("pro", "against"),
                  ("up", "down"), ("above", "below"), ("over", "under"), ("before", "after"),
                  ("into", "out"), ("inside", "outside"), ("forward", "backward"), ("forwards", "backwards"),
                  ("upward", "downward"), ("upwards", "downwards"), ("north", "south"), ("east", "west"),
                  ("import", "export"), ("imports", "exports"), ("from", "to"), ("since", "until"),
                  ("rise", "fall"), ("rises", "falls"), ("rose", "fell"), ("risen", "fallen"),
                  ("rising", "falling"), ("gain", "loss"), ("gains", "losses"), ("win", "lose"),
                  ("won", "lost"), ("ally", "enemy"), ("allies", "enemies"), ("friend", "enemy"),
                  ("friends", "enemies"), ("support", "oppose"), ("supported", "opposed"),
                  ("supports", "opposes"), ("supporting", "opposing")],
    # exclusive quantifiers and superlatives: a spinner writes "best" for "only" ("it might only
    # destabilise" -> "might best destabilise"), but restoring "best" as "only" turns Pyongyang's top
    # trading partner into its only one
    "quantifier": [("best", "only"), ("only", "top"), ("only", "main"), ("only", "biggest"),
                   ("only", "largest"), ("only", "first"), ("only", "leading"), ("only", "primary"),
                   ("sole", "main"), ("sole", "best"), ("solely", "mainly"), ("solely", "mostly"),
                   ("exclusively", "mainly"), ("exclusively", "mostly"), ("alone", "mainly"),
                   ("all", "some"), ("all", "none"), ("all", "many"), ("all", "most"), ("every", "some"),
                   ("every", "many"), ("every", "no"), ("each", "some"), ("always", "sometimes"),
                   ("always", "often"), ("always", "never"), ("everyone", "someone"),
                   ("everybody", "somebody"), ("everything", "something"), ("everywhere", "somewhere"),
                   ("entire", "partial"), ("entirely", "partly"), ("entirely", "partially"),
                   ("completely", "partly"), ("completely", "partially"), ("fully", "partly"),
                   ("fully", "partially"), ("wholly", "partly"), ("most", "least"), ("most", "some"),
                   ("many", "few"), ("many", "some"), ("more", "less"), ("more", "fewer"),
                   ("maximum", "minimum"), ("largest", "smallest"), ("biggest", "smallest"),
                   ("highest", "lowest"), ("best", "worst"), ("first", "last"), ("earliest", "latest"),
                   ("never", "rarely"), ("never", "seldom"), ("none", "few"), ("nothing", "little")],
    "other": [("allegedly", "confirmed"), ("reportedly", "officially"), ("true", "false"),
              ("legal", "illegal"), ("accept", "reject"), ("accepted", "rejected"), ("approve", "reject"),
              ("approved", "rejected"), ("confirm", "deny"), ("confirmed", "denied"), ("agree", "disagree"),
              ("open", "closed"), ("open", "shut"), ("start", "end"), ("begin", "end"), ("began", "ended")],
}
CLASSES = {
    "negation": ["not", "no", "never", "none", "nor", "neither", "nobody", "nothing", "nowhere", "without",
                 "with out", "cannot", "no longer", "not any", "no one", "not ever", "non", "ne'er"],
    "possibility": ["may", "might", "could", "can", "possibly", "perhaps", "maybe"],
    "necessity": ["must", "should", "shall", "ought", "have to", "has to", "had to", "need to", "needs to",
                  "necessarily", "certainly", "definitely"],
}
TAGS = {"n": ("NNS",), "v": ("VBZ", "VBD", "VBN", "VBG"), "a": ("JJR", "JJS"), "s": ("JJR", "JJS"),
        "r": ("RBR", "RBS")}


def antonyms(wn) -> set[tuple[str, str, str]]:
    """(a, b, pos) for every WordNet antonym link between single-word lemmas."""
    out = set()
    for syn in wn.all_synsets():
        for lemma in syn.lemmas():
            for ant in lemma.antonyms():
                a, b = lemma.name().lower(), ant.name().lower()
                if WORD.fullmatch(a) and WORD.fullmatch(b) and a != b:
                    out.add((min(a, b), max(a, b), syn.pos()))
    return out


def inflected(a: str, b: str, pos: str) -> set[tuple[str, str]]:
    """The pair with the same inflection on both sides, where lemminflect knows one for each."""
    from lemminflect import getInflection
    from wordfreq import zipf_frequency
    out = set()
    for tag in TAGS.get(pos, ()):
        fa, fb = getInflection(a, tag), getInflection(b, tag)
        if not (fa and fb and WORD.fullmatch(fa[0]) and WORD.fullmatch(fb[0]) and fa[0] != fb[0]):
            continue
        # lemminflect inflects any word by rule ("abactinaler"): keep forms that are in use
        if min(zipf_frequency(fa[0], "en"), zipf_frequency(fb[0], "en")) >= MIN_ZIPF:
            out.add((fa[0], fb[0]))
    return out


def build(wn) -> list[str]:
    pairs: dict[tuple[str, str], str] = {}
    for source, items in CURATED.items():
        for a, b in items:
            pairs.setdefault((min(a, b), max(a, b)), f"curated:{source}")
    for a, b, pos in sorted(antonyms(wn)):
        pairs.setdefault((a, b), "wordnet")
        for x, y in sorted(inflected(a, b, pos)):
            pairs.setdefault((min(x, y), max(x, y)), "wordnet:inflected")
    lines = [f"class\t{name}\t{' | '.join(members)}" for name, members in CLASSES.items()]
    lines += [f"pair\t{a}\t{b}\t{src}" for (a, b), src in sorted(pairs.items())]
    return lines


def header(n_pairs: int) -> list[str]:
    return [
        f"# meaning_guard.tsv -- version {VERSION}: restorations that would change what a sentence says.",
        "# Built by scripts/build_meaning_guard.py; read by restore/meaning.py. Do not edit by hand.",
        "# pair<TAB>A<TAB>B<TAB>source: A and B are never restored one for the other; class<TAB>NAME<TAB>members:",
        "# negation (count kept), possibility / necessity (never swapped).",
        f"# {n_pairs} pairs. Antonyms from Princeton WordNet 3.0 (Debian package wordnet-base), read with nltk",
        f"# {version('nltk')}, inflected with lemminflect {version('lemminflect')} (wordfreq {version('wordfreq')}). WordNet 3.0 Copyright 2006 by",
        "# Princeton University, used under the WordNet licence (lexicons/LICENSE.wordnet). Curated pairs and",
        "# classes: this project's own.",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wordnet-src", default=None, help="folder of the WordNet 3.0 database files")
    ap.add_argument("--nltk-data", type=Path, default=None, help="nltk data directory to assemble and read")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    dest = wordnet_setup.setup(wordnet_setup.find_source(args.wordnet_src),
                               (args.nltk_data or wordnet_setup.default_dest()).expanduser().resolve())
    lines = build(wordnet_setup.load_wordnet(dest))
    n_pairs = sum(1 for line in lines if line.startswith("pair\t"))
    args.out.write_text("\n".join(header(n_pairs) + lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {n_pairs} pairs, {len(CLASSES)} classes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
