"""Compile the hand-written spinner lexicon sources into lexicons/spinner.tsv.

Sources (lexicons/src/*.tsv, columns ``spun original pos note``):

* ``curated_*.tsv`` -- hand-curated from knowledge of common spinner substitutions;
* ``observed.tsv``  -- substitutions observed in real spinner output (aligned spun/original news article
  pairs), reviewed by hand; only the dev half of that data set is ever folded in.

``pos`` says how to inflect a row: ``n`` adds plurals on the last word of both sides, ``v`` adds -s, -ed,
-en and -ing forms on the first word of both sides (irregular forms from lemminflect), ``a``/``r``/``x``
are taken as written. The output is deterministic; rebuild with ``python scripts/build_lexicons.py``
(needs ``pip install -e .[build]``).

Weights (the channel prior P(spun | original) up to a constant): observed 1.0, curated 0.7, an inflected
form generated from either 0.9 times its row's weight. When a file lists several originals for one spun
phrase, the first is the main one (the spinner's usual source word) and each later one gets 0.6 times the
weight of the one before: "struggle" is war far more often than it is fight or battle.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lemminflect import getInflection

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from restore.lexicon import phrase_key  # noqa: E402  (spun phrases are stored in their matching form)

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "lexicons" / "src"
OUT = ROOT / "lexicons" / "spinner.tsv"
WEIGHTS = {"observed": 1.0, "curated": 0.7}
RANK_DECAY = 0.6
VERB_TAGS = ("VBZ", "VBD", "VBN", "VBG")


def inflect(word: str, pos: str) -> dict[str, str]:
    """Inflected forms of a word, keyed by Penn tag."""
    forms: dict[str, str] = {}
    if pos == "n":
        plural = getInflection(word, "NNS")
        if plural:
            forms["NNS"] = plural[0]
    elif pos == "v":
        for tag in VERB_TAGS:
            got = getInflection(word, tag)
            if got:
                forms[tag] = got[0]
    return forms


def expand(spun: str, original: str, pos: str) -> list[tuple[str, str]]:
    """The row itself and its inflected variants (same inflection on both sides)."""
    pairs = [(spun, original)]
    if pos not in ("n", "v"):
        return pairs
    s_words, o_words = spun.split(" "), original.split(" ")
    at = -1 if pos == "n" else 0
    s_forms, o_forms = inflect(s_words[at], pos), inflect(o_words[at], pos)
    for tag, s_form in s_forms.items():
        o_form = o_forms.get(tag)
        if not o_form:
            continue
        s_new, o_new = list(s_words), list(o_words)
        s_new[at], o_new[at] = s_form, o_form
        pairs.append((" ".join(s_new), " ".join(o_new)))
    return pairs


def build(sources: list[Path], out: Path) -> int:
    """Compile the given source files into one lexicon file at ``out``; returns the number of rows."""
    rows: dict[tuple[str, str], tuple[float, str]] = {}
    for path in sorted(sources):
        kind = "observed" if path.stem == "observed" else "curated"
        seen: dict[str, int] = {}  # originals listed so far per spun phrase in this file
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#") or line.startswith("spun\t"):
                continue
            cols = line.split("\t")
            if len(cols) < 3:
                print(f"{path.name}:{number}: skipped malformed row {line!r}", file=sys.stderr)
                continue
            spun, original, pos = cols[0].strip(), cols[1].strip(), cols[2].strip()
            if not spun or not original or spun.lower() == original.lower():
                continue
            rank = seen.get(spun.lower(), 0)
            seen[spun.lower()] = rank + 1
            for k, (s, o) in enumerate(expand(spun, original, pos)):
                weight = WEIGHTS[kind] * RANK_DECAY ** rank * (1.0 if k == 0 else 0.9)
                spun_key = " ".join(phrase_key(s))
                if not spun_key or spun_key == " ".join(phrase_key(o)):
                    continue
                key = (spun_key, o if any(c.isupper() for c in o) else o.lower())
                if key not in rows or rows[key][0] < weight:
                    rows[key] = (weight, kind)
    with out.open("w", encoding="utf-8") as f:
        f.write("# Spinner lexicon: spun phrase -> original, compiled by scripts/build_lexicons.py from lexicons/src/.\n"
                "# Sources: hand-curated spinner substitutions (curated); substitutions observed in real spinner\n"
                "# output, reviewed by hand (observed). Inflections generated with lemminflect.\n"
                "spun\toriginal\tweight\tsource\n")
        for (s, o), (w, kind) in sorted(rows.items()):
            f.write(f"{s}\t{o}\t{w:.2f}\t{kind}\n")
    return len(rows)


def main() -> int:
    n = build(list(SRC.glob("*.tsv")), OUT)
    print(f"wrote {n} rows to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
