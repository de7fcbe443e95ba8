"""Build the science profile's lexicons from open sources: a term lexicon and per-word pairs.

Writes two files under lexicons/ (deterministic, sorted):

* ``terms.tsv`` -- multiword technical terms, ``term<TAB>source``: lower-case multiword noun lemmas of
  Princeton WordNet 3.0 (WordNet licence, lexicons/LICENSE.wordnet) and the expected phrases of half T of
  the Problematic Paper Screener's tortured-phrase list (CC BY 4.0). A restored phrase that is a known
  term gets a prior, and the words that follow one another inside terms score compositional candidates.
* ``science_words.tsv`` -- per-word inverse-thesaurus pairs, ``spun<TAB>original<TAB>weight<TAB>source``:
  the word-for-word substitutions of half T's tortured phrases (a tortured phrase and its expected phrase
  of the same length, aligned word by word; weight n / (n + 1) for a pair seen n times), and MyThes
  (LibreOffice's en_US thesaurus, /usr/share/mythes) synonyms whose original is a word of half T's expected
  phrases (the science vocabulary), weight 0.1.

The list's rows themselves are not written: a user loads the screener's export as a phrase list.

Half T / half U: ``restore.split.tortured_half`` (a hash of the normalised expected phrase). Half U is
never read here: results on it (benchmarks/science.py) are on tortured phrases no bundled list holds.

    python scripts/wordnet_setup.py          # once: makes Debian's WordNet readable by nltk
    python scripts/build_terms.py [--tortured ../shared/data/tortured_dev.tsv]
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from restore.split import tortured_half  # noqa: E402
from restore.tokenize import tokenize  # noqa: E402

VERSION = 1
MYTHES = Path("/usr/share/mythes/th_en_US_v2.dat")
ATTRIBUTION = ("Tortured phrases: Problematic Paper Screener (Cabanac, Labbe & Magazinov), "
               "https://www.irit.fr/~Guillaume.Cabanac/problematic-paper-screener, licence CC BY 4.0 "
               "(https://creativecommons.org/licenses/by/4.0/); half T of the list only, changed: "
               "normalised, acronyms in brackets dropped.")
MAX_WORDS = 6   # longer expected phrases are rare and would never be composed word by word


def words(phrase: str) -> list[str]:
    return [t.norm for t in tokenize(phrase)]


def clean_expected(expected: str) -> str:
    """The expected phrase as a restorer could write it: no bracketed acronym, one space between words."""
    return " ".join(re.sub(r"\([^)]*\)", " ", expected.lower()).split())


def read_tortured(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("#") or len(cols) < 2 or cols[0] == "tortured" or not cols[0].strip():
            continue
        rows.append((cols[0].strip().lower(), cols[1].strip()))
    return rows


def wordnet_terms() -> set[str]:
    import nltk
    nltk.data.path.insert(0, os.path.expanduser("~/.cache/restore/nltk_data"))
    from nltk.corpus import wordnet as wn
    out = set()
    for synset in wn.all_synsets("n"):
        for name in synset.lemma_names():
            # lower-case lemmas only: capitalised ones are names ("Black_Forest"); genus and family
            # lemmas are taxonomy, not technical vocabulary
            if "_" in name and name.islower() and not name.startswith(("genus_", "family_", "order_")):
                out.add(name.replace("_", " "))
    return out


def word_pairs(rows: list[tuple[str, str]]) -> collections.Counter:
    """Word-for-word substitutions of same-length tortured/expected pairs."""
    pairs: collections.Counter = collections.Counter()
    for tortured, expected in rows:
        a, b = words(tortured), words(clean_expected(expected))
        if len(a) == len(b) and a != b:
            for x, y in zip(a, b):
                if x != y and x.isascii() and y.isascii():
                    pairs[x, y] += 1
    return pairs


def mythes_pairs(vocabulary: set[str]) -> set[tuple[str, str]]:
    """(synonym, headword) pairs of MyThes whose headword is in ``vocabulary``; both directions."""
    lines = MYTHES.read_text(encoding="utf-8", errors="replace").splitlines()[1:]
    out, i = set(), 0
    while i < len(lines):
        head, _, n = lines[i].rpartition("|")
        head, n = head.lower(), int(n)
        group = {head}
        for line in lines[i + 1:i + 1 + n]:
            for syn in line.split("|")[1:]:
                syn = re.sub(r"\s*\(.*?\)", "", syn).strip().lower()
                if syn and " " not in syn:
                    group.add(syn)
        i += 1 + n
        if " " in head:
            continue
        for syn in group - {head}:
            if head in vocabulary:
                out.add((syn, head))
            if syn in vocabulary:
                out.add((head, syn))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tortured", type=Path, default=ROOT.parent / "shared" / "data" / "tortured_dev.tsv")
    ap.add_argument("--out", type=Path, default=ROOT / "lexicons")
    args = ap.parse_args()
    rows = [r for r in read_tortured(args.tortured) if tortured_half(r[1]) == "T"]
    expected = {clean_expected(e) for _, e in rows}
    expected = {e for e in expected if 2 <= len(words(e)) <= MAX_WORDS}
    terms = {t: "wordnet" for t in wordnet_terms()}
    terms.update({e: "pps" for e in expected})
    head = [f"# version {VERSION}; built by scripts/build_terms.py from {args.tortured.name} (half T)",
            "# " + ATTRIBUTION,
            "# WordNet terms: Princeton WordNet 3.0, WordNet licence (lexicons/LICENSE.wordnet)."]
    (args.out / "terms.tsv").write_text("\n".join(head + [f"{t}\t{s}" for t, s in sorted(terms.items())]) + "\n",
                                        encoding="utf-8")
    vocabulary = {w for e in expected for w in words(e)}
    pairs = word_pairs(rows)
    lines = [f"{x}\t{y}\t{n / (n + 1):.3f}\tpps" for (x, y), n in sorted(pairs.items())]
    known = set(pairs)
    lines += [f"{x}\t{y}\t0.1\tmythes" for x, y in sorted(mythes_pairs(vocabulary)) if (x, y) not in known]
    (args.out / "science_words.tsv").write_text(
        "\n".join(head + ["# MyThes: the en_US thesaurus th_en_US_v2 of the LibreOffice dictionaries (Debian mythes-en-us; licence terms in its /usr/share/doc/mythes-en-us/copyright).",
                          "spun\toriginal\tweight\tsource"] + lines) + "\n", encoding="utf-8")
    print(f"{len(terms)} terms ({len(expected)} from half T), {len(lines)} word pairs ({len(pairs)} from half T)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
