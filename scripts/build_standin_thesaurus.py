"""Build an open stand-in for a content-farm spinner thesaurus: benchmarks/thesaurus/standin.txt.

Real auto-spinner plugins rewrite with a thesaurus file of synonym groups, one group a line, members
separated by ``|``, the head word first (``countries|nations|international locations``). Their files
cannot be shipped, so the benchmark uses a stand-in with the same structure:

* groups are MyThes senses (Debian ``mythes-en-us``, itself drawn from WordNet synsets) of words common in
  news: the entry word plus its plain synonyms (no hypernyms, related terms or antonyms), lower-case,
  each member a common word or phrase;
* the head is the member most frequent in English (wordfreq), as a spinner file is keyed by the words an
  article actually uses;
* about a quarter of groups have a multiword member, as in the real files;
* odd, machine-translation-like members are composed from the project's reviewed observed spinner
  pairs (``lexicons/src/observed.tsv``: "12 months" for year, "in keeping with" for according to): where
  such an original is a head, its spun form joins the group;
* nouns get a plural group and verbs -s, -ed and -ing groups (lemminflect), since the files list
  inflected forms on lines of their own.

Output lines are ``head|member|member...`` under a ``#`` header naming sources and licences (MyThes:
MPL-1.1/LGPL; WordNet 3.0 licence). Deterministic. Needs ``apt-get install mythes-en-us`` and
``pip install -e '.[build]'``.

    python scripts/build_standin_thesaurus.py [--mythes PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from wordfreq import zipf_frequency

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.spinners import inflect  # noqa: E402  (the synthetic spinners inflect the same way)
MYTHES = Path("/usr/share/mythes/th_en_US_v2.dat")
OUT = ROOT / "benchmarks" / "thesaurus" / "standin.txt"
VERSION = 1

HEAD_ZIPF = 3.6      # entry words at least this common (about 4 per million words) start a group
MEMBER_ZIPF = 2.5    # every word of a member at least this common: spinner files hold ordinary words
MAX_SYNONYMS = 4     # members after the entry word, in MyThes order (commonest sense first)
MULTIWORD_SHARE = 0.25
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")
_MARKED = re.compile(r"\(")


def mythes_senses(path: Path) -> list[tuple[str, str, list[str]]]:
    """``(word, pos, synonyms)`` of every MyThes sense, in file order."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    out, i = [], 1
    while i < len(lines):
        word, _, count = lines[i].rpartition("|")
        i += 1
        for _ in range(int(count)):
            parts = lines[i].split("|")
            i += 1
            out.append((word, parts[0].strip("()"), [p for p in parts[1:] if not _MARKED.search(p)]))
    return out


def common(phrase: str) -> bool:
    words = phrase.split(" ")
    return (phrase == phrase.lower() and len(words) <= 3 and all(_WORD.fullmatch(w) for w in words)
            and all(zipf_frequency(w, "en") >= MEMBER_ZIPF for w in words))


def base_groups(senses) -> list[tuple[str, tuple[str, ...]]]:
    """``(pos, members head first)``: the first sense of each part of speech of each common entry word,
    one group per head word (the first found in MyThes order), as a spinner file has one line a head."""
    seen_pos: set[tuple[str, str]] = set()
    groups: dict[str, tuple[str, tuple[str, ...]]] = {}
    for word, pos, syns in senses:
        if (word, pos) in seen_pos or not common(word) or " " in word or zipf_frequency(word, "en") < HEAD_ZIPF:
            continue
        seen_pos.add((word, pos))
        members = [word] + [s for s in dict.fromkeys(syns) if s != word and common(s)][:MAX_SYNONYMS]
        if len(members) < 2:
            continue
        members.sort(key=lambda m: (-zipf_frequency(m, "en"), m))
        if members[0] not in groups:
            groups[members[0]] = (pos, tuple(members))
    return list(groups.values())


def balance_multiword(groups: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Keep the single-word groups and as many multiword ones (commonest heads first) as make a quarter."""
    multi = [g for g in groups if any(" " in m for m in g)]
    single = [g for g in groups if not any(" " in m for m in g)]
    keep = int(len(single) * MULTIWORD_SHARE / (1 - MULTIWORD_SHARE))
    multi.sort(key=lambda g: (-zipf_frequency(g[0], "en"), g))
    return sorted(single + multi[:keep])


def add_odd_members(groups, observed: Path):
    """Observed spinner forms join the groups whose head they stand for ("12 months" -> year)."""
    by_head: dict[str, list[str]] = {}
    for line in observed.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("#") or len(cols) < 2 or cols[0] == "spun":
            continue
        by_head.setdefault(cols[1].strip().lower(), []).append(cols[0].strip().lower())
    out = []
    for pos, members in groups:
        extra = [s for s in by_head.get(members[0], []) if s not in members]
        out.append((pos, members + tuple(extra)))
    return out


def inflected(groups):
    """Each group, then its plural (nouns) or -s, -ed, -ing forms (verbs), as groups of their own."""
    tags = {"noun": ("NNS",), "verb": ("VBZ", "VBD", "VBG")}
    out = []
    for pos, members in groups:
        out.append(members)
        for tag in tags.get(pos, ()):
            forms = [inflect(m, tag) for m in members]
            if all(forms) and len(set(forms)) == len(forms):
                out.append(tuple(forms))
    heads: set[str] = set()
    unique = []
    for g in out:    # an inflected form can be a head of its own elsewhere ("states"): first one wins
        if g[0] not in heads:
            heads.add(g[0])
            unique.append(g)
    return unique


def build(mythes: Path = MYTHES, out: Path = OUT) -> dict:
    groups = add_odd_members(base_groups(mythes_senses(mythes)), ROOT / "lexicons" / "src" / "observed.tsv")
    final = balance_multiword(inflected(sorted(groups, key=lambda g: g[1])))
    pairs_head = sum(len(g) - 1 for g in final)
    pairs_shuffle = sum(len(g) * (len(g) - 1) for g in final)
    multi = sum(any(" " in m for m in g) for g in final)
    header = [
        f"# restore stand-in spinner thesaurus, version {VERSION}: synonym groups, head word first.",
        "# Built by scripts/build_standin_thesaurus.py from MyThes en-US (Debian mythes-en-us; MPL-1.1 / LGPL,",
        "# derived from Princeton WordNet 3.0, WordNet licence) with heads chosen by wordfreq (Apache-2.0 code,",
        "# CC BY-SA 4.0 data) and odd members from the project's reviewed observed spinner pairs.",
        f"# {len(final)} groups, {multi} with a multiword member; {pairs_head} head-only pairs, "
        f"{pairs_shuffle} shuffle pairs.",
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(header + ["|".join(g) for g in final]) + "\n", encoding="utf-8")
    return {"groups": len(final), "multiword": multi, "pairs_head": pairs_head, "pairs_shuffle": pairs_shuffle}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mythes", type=Path, default=MYTHES)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if not args.mythes.exists():
        print(f"missing {args.mythes}: apt-get install mythes-en-us", file=sys.stderr)
        return 1
    print(build(args.mythes, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
