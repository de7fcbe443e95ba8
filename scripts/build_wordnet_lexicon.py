"""Build lexicons/wordnet_inverse.tsv, the WordNet inverse-thesaurus candidate source.

A synonym spinner replaces a word by a thesaurus entry for it, often one of the wrong sense. Inverting
WordNet gives, for each word a spinner may write (the *spun* form), the words it may stand for (the
*originals*), over all senses, in the same part of speech:

* ``synonym``  -- the other lemmas of every synset that contains the spun lemma;
* ``similar``  -- lemmas of synsets linked by similar-to (adjective clusters), also-see or verb-group;
* ``generic``  -- lemmas of the hyponyms of the spun lemma's synsets (the spinner wrote the generic term,
  as a thesaurus lists it: "affect" for "influence", "checks" for "tests");
* ``specific`` -- lemmas of the direct hypernyms (the spinner wrote a more specific term: "guns" for
  "weapons").

Inflected pairs are added with lemminflect, the same inflection on both sides: nouns plural -> plural (the
head: the last word, or the word before a preposition as in "titles of respect"), verbs -s/-ed/-en/-ing
(the first word of a phrase): checks -> tests, checked -> tested, examined -> tested.

Source: Princeton WordNet 3.0 from the Debian ``wordnet-base`` package, read with nltk (the nltk data
directory is assembled by scripts/wordnet_setup.py). Nothing reads WordNet at run time: the output is
committed, with the WordNet licence (lexicons/LICENSE.wordnet) in its header.

Filters (deterministic):

* lemmas are lower-case words of letters with inner hyphens or apostrophes, one to MAX_WORDS words
  (underscores become spaces); lemmas with capitals (proper names, acronyms), digits, dots or one-letter
  words are left out;
* word frequency, wordfreq ``zipf_frequency(word, "en")`` of every word of a phrase, applied to the
  inflected forms too (which drops odd inflections); the minimum depends on the relation (POLICY):
  single-word synonyms: original >= 2.5, spun >= 2.0; synonym pairs with a phrase on either side: 3.0 / 2.5;
  similar 3.0 / 2.5, generic 3.0 / 3.0, specific 3.5 / 3.5, single words only;
* generic and specific links need the original to be attested in that sense in SemCor (WordNet's cntlist
  counts): hypernym/hyponym links otherwise bring in rare senses ("people" -> "rich", from rich_people.n.01);
* closed-class words (articles, pronouns, prepositions, conjunctions, auxiliaries, modals) are never a
  spun form: their WordNet senses (in = inch, be = exist, can = tin) are not what a spinner writes; forms
  of "be" are never an original;
* pairs that are not substitutions are dropped: differing only by case, hyphens, spaces or apostrophes,
  British/American spellings (colour/color, analysed/analyzed), inflections of one lemma (egg/eggs), or one
  phrase inside the other (check/check out, guns/hired guns);
* at most MAX_ORIGINALS originals per spun form: those with the highest log10(weight) + zipf(original),
  i.e. the channel prior times the unigram prior of the original.

Weight: a channel prior P(spun | original) up to a constant. With r_s and r_o the 0-based ranks of the two
synsets among the senses of the spun and the original lemma (WordNet lists senses most frequent first), a
pair scores SCALE * factor(relation) / sqrt((1 + r_s) * (1 + r_o)): 0.5 for synonyms in both words' first
sense. A pair takes its best-scoring link; an inflected pair takes the weight of its lemma pair.
SCALE = 0.5 keeps WordNet candidates below the hand-curated (0.7) and observed (1.0) spinner lexicon.

    apt-get install -y wordnet-base wordnet-sense-index
    pip install -e .[build]          # nltk, lemminflect, wordfreq
    python scripts/build_wordnet_lexicon.py
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections import defaultdict
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from lemminflect import getAllLemmas, getInflection
from wordfreq import zipf_frequency

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wordnet_setup  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "lexicons" / "wordnet_inverse.tsv"
LICENSE = ROOT / "lexicons" / "LICENSE.wordnet"

MAX_ORIGINALS = 20
MAX_WORDS = 4
SCALE = 0.5
# Relation of the original's synset to the spun lemma's synset -> factor on the weight.
RELATIONS = {"synonym": 1.0, "similar": 0.6, "generic": 0.5, "specific": 0.3}
# Relations whose original must have been seen in that sense in SemCor (WordNet's cntlist): hypernym and
# hyponym links otherwise bring in rare senses ("people" -> "rich", from rich_people.n.01).
ATTESTED = frozenset({"generic", "specific"})
# Relation -> (min zipf of each word of the original, of the spun form) for single-word pairs, and the same
# for pairs with a phrase on either side (None: single words only).
POLICY: dict[str, tuple[tuple[float, float], tuple[float, float] | None]] = {
    "synonym": ((2.5, 2.0), (3.0, 2.5)),
    "similar": ((3.0, 2.5), None),
    "generic": ((3.0, 3.0), None),
    "specific": ((3.5, 3.5), None),
}
VERB_TAGS = ("VBZ", "VBD", "VBN", "VBG")
PREPOSITIONS = frozenset("of in on at by for to with from under over into about de du la".split())

_WORD = re.compile(r"[a-z]+(?:['\-][a-z]+)*")

# Closed-class words: never a spun form.
# Forms of "be": never an original (its WordNet senses are not what a spinner rewrites).
STOP_ORIGINAL = frozenset("be am is are was were been being".split())
STOP_SPUN = frozenset("""
a an the this that these those some any each every either neither no nor not both all
i me my mine we us our ours you your yours he him his she her hers it its they them their theirs
one ones who whom whose which what whatever whoever whichever
be am is are was were been being have has had having do does did doing
will would shall should can could may might must ought
and or but if as so than then though although because while whereas unless until since
of in on at by for from to with into onto upon about above below over under up down out off
through across along among amongst around between beyond during within without against toward towards
before after behind beside besides near past via per
there here where when why how
""".split())


class Freq:
    """Memoised wordfreq Zipf frequencies."""

    def __init__(self) -> None:
        self._cache: dict[str, float] = {}

    def word(self, word: str) -> float:
        z = self._cache.get(word)
        if z is None:
            z = self._cache[word] = zipf_frequency(word, "en")
        return z

    def min_word(self, phrase: str) -> float:
        """Frequency of the rarest word of a phrase."""
        return min(self.word(w) for w in phrase.split(" "))


def clean_lemma(name: str) -> str | None:
    """Lexicon form of a WordNet lemma name, or None when it is filtered out."""
    words = name.replace("_", " ").split(" ")
    if len(words) > MAX_WORDS or not all(_WORD.fullmatch(w) and len(w) > 1 for w in words):
        return None  # capitals, digits, dots, one-letter words, ...
    return " ".join(words)


def squash(phrase: str) -> str:
    return re.sub(r"[\s'\-]", "", phrase)


# British -> American spelling patterns, applied to both sides to spot spelling variants.
_SPELLING = [(re.compile(p), r) for p, r in (
    (r"our(?=s?$|ed$|ing$|ful|less|ite|able|ist|er)", "or"), (r"is(e[sd]?|ing|ation|ations|er|ers)$", r"iz\1"),
    (r"ys(e[sd]?|ing|er|ers)$", r"yz\1"), (r"([^aeiou])re(s?)$", r"\1er\2"), (r"ll(ed|ing|er|ers)$", r"l\1"),
    (r"ae", "e"), (r"oe", "e"), (r"ogue(s?)$", r"og\1"), (r"ence(s?)$", r"ense\1"), (r"gramme(s?)$", r"gram\1"),
    (r"ey$", "ay"), (r"tyre", "tire"), (r"kerb", "curb"), (r"sceptic", "skeptic"),
)]


def spelling_key(word: str) -> str:
    for pattern, repl in _SPELLING:
        word = pattern.sub(repl, word)
    return word


@lru_cache(maxsize=None)
def lemmas_of(word: str) -> frozenset[str]:
    return frozenset({lem for forms in getAllLemmas(word).values() for lem in forms} | {word})


def same_lemma(a: str, b: str) -> bool:
    """Two words that inflect one lemma (egg/eggs, good/better)."""
    return bool(lemmas_of(a) & lemmas_of(b))


def variants(a: str, b: str) -> bool:
    """Pairs that are not a substitution: spelling or inflection variants, or one phrase inside the other."""
    if squash(a) == squash(b):
        return True
    wa, wb = a.split(" "), b.split(" ")
    if f" {a} " in f" {b} " or f" {b} " in f" {a} ":
        return True  # check / check out, guns / hired guns
    if len(wa) != len(wb):
        return False
    diff = [(x, y) for x, y in zip(wa, wb) if x != y]
    if len(diff) != 1:
        return False
    x, y = diff[0]
    return spelling_key(x) == spelling_key(y) or same_lemma(x, y)


def inflections(phrase: str, pos: str) -> dict[str, str]:
    """Inflected forms of a noun or verb lemma, keyed by Penn tag."""
    words = phrase.split(" ")
    if pos == "n":
        tags: tuple[str, ...] = ("NNS",)
        at = next((i - 1 for i, w in enumerate(words) if i > 0 and w in PREPOSITIONS), len(words) - 1)
        if any(part in PREPOSITIONS for part in words[at].split("-")[1:]):
            return {}  # mother-in-law, passer-by: plural inside the word
    elif pos == "v":
        tags, at = VERB_TAGS, 0
    else:
        return {}
    forms: dict[str, str] = {}
    for tag in tags:
        got = getInflection(words[at], tag)
        if got and got[0] != words[at] and _WORD.fullmatch(got[0]):
            forms[tag] = " ".join(words[:at] + [got[0]] + words[at + 1:])
    return forms


def related(syn) -> list[tuple[object, str]]:
    """Synsets whose lemmas a spun lemma of ``syn`` may stand for, with the relation's name."""
    out = [(syn, "synonym")]
    out += [(t, "similar") for t in syn.similar_tos() + syn.also_sees() + syn.verb_groups()]
    out += [(t, "generic") for t in syn.hyponyms()]      # the spun lemma is the more general term
    out += [(t, "specific") for t in syn.hypernyms()]    # the spun lemma is the more specific term
    return out


def lemma_pairs(wn) -> dict[tuple[str, str, str], dict[str, float]]:
    """(pos, spun lemma, original lemma) -> {relation: best weight}."""
    offsets = wn._lemma_pos_offset_map  # lemma name -> pos -> synset offsets, senses in WordNet order
    group = {"n": "n", "v": "v", "a": "a", "s": "a", "r": "r"}
    members_cache: dict[str, list[tuple[str, int, int]]] = {}

    def members(syn) -> list[tuple[str, int, int]]:
        """(lexicon form, sense rank of this synset for the lemma, SemCor count) for the lemmas kept."""
        got = members_cache.get(syn.name())
        if got is None:
            got = []
            pos = group[syn.pos()]
            for lemma in syn.lemmas():
                phrase = clean_lemma(lemma.name())
                if phrase is None:
                    continue
                senses = offsets.get(lemma.name().lower(), {}).get(pos, [])
                rank = senses.index(syn.offset()) if syn.offset() in senses else len(senses)
                got.append((phrase, rank, lemma.count()))
            members_cache[syn.name()] = got
        return got

    pairs: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)
    for syn in sorted(wn.all_synsets(), key=lambda s: (group[s.pos()], s.offset())):
        pos = group[syn.pos()]
        spun_members = members(syn)
        if not spun_members:
            continue
        for other, relation in related(syn):
            if group[other.pos()] != pos:
                continue
            factor = RELATIONS[relation]
            for spun, r_s, _ in spun_members:
                for original, r_o, count in members(other):
                    if squash(spun) == squash(original) or (relation in ATTESTED and count == 0):
                        continue
                    weight = SCALE * factor / math.sqrt((1 + r_s) * (1 + r_o))
                    best = pairs[(pos, spun, original)]
                    if best.get(relation, 0.0) < weight:
                        best[relation] = weight
    return dict(pairs)


def surface_pairs(pairs: dict[tuple[str, str, str], dict[str, float]]
                  ) -> dict[tuple[str, str], dict[str, float]]:
    """The lemma pairs and their inflected forms: (spun, original) -> {relation: best weight}."""
    out: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    infl_cache: dict[tuple[str, str], dict[str, str]] = {}

    def forms(phrase: str, pos: str) -> dict[str, str]:
        got = infl_cache.get((phrase, pos))
        if got is None:
            got = infl_cache[(phrase, pos)] = inflections(phrase, pos)
        return got

    def add(spun: str, original: str, relations: dict[str, float]) -> None:
        if variants(spun, original):
            return
        best = out[(spun, original)]
        for relation, weight in relations.items():
            if best.get(relation, 0.0) < weight:
                best[relation] = weight

    for (pos, spun, original), relations in sorted(pairs.items()):
        add(spun, original, relations)
        if pos in ("n", "v"):
            o_forms = forms(original, pos)
            for tag, s_form in forms(spun, pos).items():
                if tag in o_forms:
                    add(s_form, o_forms[tag], relations)
    return dict(out)


def select(pairs: dict[tuple[str, str], dict[str, float]], freq: Freq) -> list[tuple[str, str, float]]:
    """Filters and the per-spun cap; sorted rows (spun, original, weight).

    A pair takes the best weight among the relations whose frequency filters it passes.
    """
    table: dict[str, list[tuple[float, str, float]]] = defaultdict(list)
    for (spun, original), relations in pairs.items():
        if spun in STOP_SPUN or original in STOP_ORIGINAL:
            continue
        z_spun, z_orig = freq.min_word(spun), freq.min_word(original)
        phrase = " " in spun or " " in original
        weight = 0.0
        for relation, w in relations.items():
            limits = POLICY[relation][1 if phrase else 0]
            if limits is not None and z_orig >= limits[0] and z_spun >= limits[1]:
                weight = max(weight, w)
        if weight > 0.0:
            table[spun].append((-(math.log10(weight) + z_orig), original, weight))
    rows: list[tuple[str, str, float]] = []
    for spun, cands in table.items():
        cands.sort()
        rows.extend((spun, original, weight) for _, original, weight in cands[:MAX_ORIGINALS])
    rows.sort()
    return rows


def licence_text() -> list[str]:
    """The WordNet 3.0 licence (lexicons/LICENSE.wordnet up to its '--' line)."""
    lines = LICENSE.read_text(encoding="utf-8").splitlines()
    lines = lines[:lines.index("--")] if "--" in lines else lines
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def header(n_rows: int, n_spun: int) -> str:
    single = ", ".join(f"{r} {o}/{s}" for r, ((o, s), _) in POLICY.items())
    multi = ", ".join(f"{r} {m[0]}/{m[1]}" for r, (_, m) in POLICY.items() if m)
    versions = ", ".join(f"{p} {version(p)}" for p in ("nltk", "lemminflect", "wordfreq"))
    lines = [
        "wordnet_inverse.tsv -- WordNet inverse thesaurus: spun word -> originals it may stand for.",
        "Source: Princeton WordNet 3.0 (Debian package wordnet-base), read with nltk; inflections from",
        f"lemminflect, word frequencies from wordfreq ({versions}).",
        "Rebuild: apt-get install -y wordnet-base wordnet-sense-index && pip install -e .[build] &&",
        "         python scripts/build_wordnet_lexicon.py",
        "Pairs, same part of speech, all senses, by relation of the original's synset to the spun lemma's:",
        "  synonym  (the same synset), similar (similar-to, also-see, verb-group),",
        "  generic  (a hyponym: the spun lemma is the more general term),",
        "  specific (the direct hypernym: the spun lemma is the more specific term);",
        f"  for {' and '.join(sorted(ATTESTED))} the original must have a SemCor count in that sense",
        "  (WordNet cntlist).",
        "Inflected pairs, the same inflection on both sides: nouns plural, verbs -s, -ed, -en, -ing.",
        f"Filters: lower-case letter words (inner hyphen/apostrophe allowed), 1-{MAX_WORDS} words, no capitals,",
        "  digits or one-letter words; every word with wordfreq zipf >= the minimum (original/spun):",
        f"  single-word pairs: {single};",
        f"  pairs with a phrase: {multi}, other relations single words only;",
        "  closed-class words are never spun forms, forms of 'be' never originals; dropped as no substitution:",
        "  pairs differing only by case, hyphen, space or apostrophe, British/American spelling or inflection,",
        "  or with one side inside the other (check / check out);",
        f"  at most {MAX_ORIGINALS} originals per spun form, the highest log10(weight) + zipf(original).",
        "Weight: channel prior P(spun | original) up to a constant, for the pair's best link:",
        f"  {SCALE} * factor / sqrt((1 + r_spun) * (1 + r_original)), r = 0-based rank of the linked synset",
        "  among the lemma's senses (WordNet orders senses by frequency),",
        "  factor: " + ", ".join(f"{k} {v}" for k, v in RELATIONS.items()) + ";",
        "  inflected pairs take their lemma pair's weight.",
        f"{n_rows} rows, {n_spun} spun forms. Columns: spun, original, weight, source.",
        "",
        "Derived from WordNet 3.0 under its licence (also in lexicons/LICENSE.wordnet):",
        "",
        *licence_text(),
    ]
    return "".join(f"# {line}".rstrip() + "\n" for line in lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build lexicons/wordnet_inverse.tsv from WordNet 3.0.")
    ap.add_argument("--wordnet-src", help="directory with the WordNet 3.0 database files (default: search)")
    ap.add_argument("--nltk-data", type=Path, default=None,
                    help=f"nltk data directory to assemble and read (default: {wordnet_setup.default_dest()})")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    dest = wordnet_setup.setup(wordnet_setup.find_source(args.wordnet_src),
                               (args.nltk_data or wordnet_setup.default_dest()).expanduser().resolve())
    wn = wordnet_setup.load_wordnet(dest)
    if wn.get_version() != "3.0":
        raise SystemExit(f"expected WordNet 3.0, found {wn.get_version()}")
    rows = select(surface_pairs(lemma_pairs(wn)), Freq())
    n_spun = len({spun for spun, _, _ in rows})
    tmp = args.out.with_name(args.out.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as f:
        f.write(header(len(rows), n_spun))
        f.write("spun\toriginal\tweight\tsource\n")
        for spun, original, weight in rows:
            f.write(f"{spun}\t{original}\t{max(weight, 0.001):.3f}\twordnet\n")
    tmp.replace(args.out)
    print(f"wrote {len(rows)} rows ({n_spun} spun forms) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
