"""WordNet 3.0 for the synthetic spinners.

``synonyms()`` reads the Debian ``wordnet-base`` database files directly (fast: no nltk needed;
``apt-get install -y wordnet-base wordnet-sense-index``). ``nltk_reader()`` gives nltk's own reader on an
nltk data folder under benchmarks/cache, for the third-party spinner that needs it.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from .paths import CACHE, ROOT

NLTK_DATA = CACHE / "nltk_data"
POS = {"noun": "NOUN", "verb": "VERB", "adj": "ADJ", "adv": "ADV"}


class WordNetMissing(RuntimeError):
    pass


def _setup_module():
    path = ROOT / "scripts" / "wordnet_setup.py"
    if not path.exists():
        raise WordNetMissing(f"{path} not found")
    spec = importlib.util.spec_from_file_location("wordnet_setup", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SEARCH = ("/usr/share/wordnet", "/usr/share/wordnet/dict", "/usr/local/WordNet-3.0/dict")
FILES = [f"{kind}.{pos}" for kind in ("index", "data") for pos in POS] + [f"{pos}.exc" for pos in POS]


def source() -> Path:
    """The folder holding the WordNet 3.0 database files."""
    import os
    for cand in (os.environ.get("WNSEARCHDIR"), *SEARCH):
        if cand and all((Path(cand) / f).is_file() for f in FILES):
            return Path(cand)
    raise WordNetMissing("WordNet 3.0 database files not found; install them with: "
                         "apt-get install -y wordnet-base wordnet-sense-index")


@lru_cache(maxsize=1)
def folder() -> Path:
    """An nltk data folder holding corpora/wordnet (built on first use), by scripts/wordnet_setup.py when
    the repository has it; otherwise by a plain copy with a lexnames file whose names are placeholders
    (the spinners use synonyms only)."""
    src = source()
    try:
        return _setup_module().setup(src, NLTK_DATA)
    except WordNetMissing:
        import shutil
        target = NLTK_DATA / "corpora" / "wordnet"
        target.mkdir(parents=True, exist_ok=True)
        for f in FILES + ["index.sense"]:
            if (src / f).exists() and not (target / f).exists():
                shutil.copyfile(src / f, target / f)
        cats = [3, 3, 4] + [1] * 26 + [2] * 15 + [3]
        (target / "lexnames").write_text("".join(f"{i:02d}\tlex{i:02d}\t{c}\n" for i, c in enumerate(cats)))
        return NLTK_DATA


@lru_cache(maxsize=1)
def synonyms() -> dict[tuple[str, str], list[tuple[str, ...]]]:
    """``(lemma, UPOS) -> [synset lemmas, ...]`` in WordNet's sense order; lemmas with spaces, not underscores.
    Adjective satellites count as adjectives."""
    wn = source()
    out: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for pos, upos in POS.items():
        synsets: dict[str, tuple[str, ...]] = {}
        with open(wn / f"data.{pos}", encoding="utf-8") as f:
            for line in f:
                if line.startswith(" "):
                    continue
                parts = line.split(" ", 4 + 2 * int(line.split(" ", 4)[3], 16))
                n = int(parts[3], 16)
                names = [parts[4 + 2 * k] for k in range(n)]
                synsets[parts[0]] = tuple(_clean(w) for w in names)
        with open(wn / f"index.{pos}", encoding="utf-8") as f:
            for line in f:
                if line.startswith(" "):
                    continue
                parts = line.split()
                n_syn = int(parts[2])
                offsets = parts[-n_syn:]
                out[(parts[0].replace("_", " "), upos)] = [synsets[o] for o in offsets if o in synsets]
    return out


def _clean(word: str) -> str:
    if word.endswith(")") and "(" in word:  # adjective markers: "beautiful(a)"
        word = word[:word.index("(")]
    return word.replace("_", " ")


@lru_cache(maxsize=1)
def nltk_reader():
    """nltk's WordNet reader on the same folder (made the default ``nltk.corpus.wordnet`` too)."""
    import nltk
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    dest = folder()
    if str(dest) not in nltk.data.path:
        nltk.data.path.insert(0, str(dest))
    class Reader(WordNetCorpusReader):
        def map_wn(self, version="wordnet"):
            return None  # the sense map to WordNet 3.0 serves only multilingual look-ups (slow to build)

    return Reader(str(dest / "corpora" / "wordnet"), None)
