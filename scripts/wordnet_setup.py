"""Assemble an nltk data directory holding Princeton WordNet 3.0 from the Debian ``wordnet-base`` files.

Debian ships the WordNet 3.0 database files (``index.*``, ``data.*``, ``*.exc``, ...) under
``/usr/share/wordnet`` but not the ``lexnames`` file that nltk's WordNet reader opens first. This script
copies the database files into ``DEST/corpora/wordnet/``, writes the standard ``lexnames`` file and the
licence, and prints ``DEST``: pass it to ``nltk.data.path`` (or ``NLTK_DATA``) and
``nltk.corpus.wordnet`` reads WordNet 3.0.

Only needed to rebuild lexicons/wordnet_inverse.tsv; nothing reads WordNet at run time.

    apt-get install -y wordnet-base wordnet-sense-index
    python scripts/wordnet_setup.py [--src /usr/share/wordnet] [--dest DIR]

Default DEST: ``$XDG_CACHE_HOME/restore/nltk_data`` (``~/.cache/restore/nltk_data``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

# Where WordNet 3.0 database files are found: Debian/Ubuntu packages, then the Princeton tarball layout.
SEARCH = ("/usr/share/wordnet", "/usr/share/wordnet/dict", "/usr/local/WordNet-3.0/dict",
          "/usr/local/share/wordnet", "/opt/local/share/WordNet-3.0/dict")
REQUIRED = ("index.noun", "index.verb", "index.adj", "index.adv",
            "data.noun", "data.verb", "data.adj", "data.adv",
            "noun.exc", "verb.exc", "adj.exc", "adv.exc")
OPTIONAL = ("index.sense", "cntlist", "cntlist.rev", "sentidx.vrb", "sents.vrb", "frames.vrb")
DEBIAN_COPYRIGHT = Path("/usr/share/doc/wordnet-base/copyright")

# The 45 WordNet 3.0 lexicographer files: number, name, syntactic category (1 noun, 2 verb, 3 adj, 4 adv).
LEXNAMES = (
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact",
    "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling",
    "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object", "noun.person",
    "noun.phenomenon", "noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation",
    "noun.shape", "noun.state", "noun.substance", "noun.time", "verb.body", "verb.change",
    "verb.cognition", "verb.communication", "verb.competition", "verb.consumption", "verb.contact",
    "verb.creation", "verb.emotion", "verb.motion", "verb.perception", "verb.possession", "verb.social",
    "verb.stative", "verb.weather", "adj.ppl",
)
CATEGORY = {"noun": 1, "verb": 2, "adj": 3, "adv": 4}


def lexnames_text() -> str:
    return "".join(f"{i:02d}\t{name}\t{CATEGORY[name.split('.')[0]]}\n" for i, name in enumerate(LEXNAMES))


def default_dest() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "restore" / "nltk_data"


def find_source(explicit: str | None) -> Path:
    candidates = [explicit] if explicit else [os.environ.get("WNSEARCHDIR"), *SEARCH]
    for cand in candidates:
        if cand and all((Path(cand) / name).is_file() for name in REQUIRED):
            return Path(cand)
    where = explicit or ", ".join(SEARCH)
    raise SystemExit(f"WordNet 3.0 database files not found in {where}; "
                     "install them with: apt-get install -y wordnet-base wordnet-sense-index")


def setup(src: Path, dest: Path) -> Path:
    """Populate ``dest/corpora/wordnet`` from ``src``; returns ``dest``. Idempotent."""
    target = dest / "corpora" / "wordnet"
    target.mkdir(parents=True, exist_ok=True)
    for name in REQUIRED + OPTIONAL:
        path = src / name
        if not path.is_file():
            continue
        out = target / name
        if not out.exists() or out.stat().st_size != path.stat().st_size \
                or out.stat().st_mtime < path.stat().st_mtime:
            shutil.copy2(path, out)
    (target / "lexnames").write_text(lexnames_text(), encoding="ascii")
    if DEBIAN_COPYRIGHT.is_file():
        shutil.copyfile(DEBIAN_COPYRIGHT, target / "LICENSE")
    return dest


def load_wordnet(dest: Path):
    """nltk's WordNet reader on ``dest/corpora/wordnet`` (``dest`` is put first on ``nltk.data.path``)."""
    import warnings

    import nltk
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    if str(dest) not in nltk.data.path:
        nltk.data.path.insert(0, str(dest))  # nltk only reads corpora under its data path
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "multilingual functions are not available": not needed
        return WordNetCorpusReader(str(dest / "corpora" / "wordnet"), None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", help="directory with the WordNet 3.0 database files (default: search "
                                  "$WNSEARCHDIR, /usr/share/wordnet, ...)")
    ap.add_argument("--dest", type=Path, default=None,
                    help=f"nltk data directory to populate (default: {default_dest()})")
    ap.add_argument("--check", action="store_true", help="load WordNet with nltk and print its version")
    args = ap.parse_args(argv)
    dest = setup(find_source(args.src), (args.dest or default_dest()).expanduser().resolve())
    if args.check:
        wn = load_wordnet(dest)
        print(f"WordNet {wn.get_version()}: {len(list(wn.all_synsets()))} synsets", file=sys.stderr)
    print(dest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
