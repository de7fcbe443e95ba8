"""WordNet 3.0 for the synthetic spinners.

``synonyms()`` reads the WordNet database files directly (fast: no nltk needed) from an nltk data folder
under benchmarks/cache, assembled by the repository's ``scripts/wordnet_setup.py`` from the Debian
``wordnet-base`` files (``apt-get install -y wordnet-base wordnet-sense-index``). ``nltk_reader()`` gives
nltk's own reader on the same folder, for the third-party spinner that needs it.
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


@lru_cache(maxsize=1)
def folder() -> Path:
    """The nltk data folder holding corpora/wordnet (built on first use)."""
    mod = _setup_module()
    try:
        src = mod.find_source(None)
    except SystemExit as exc:
        raise WordNetMissing(str(exc)) from None
    return mod.setup(src, NLTK_DATA)


@lru_cache(maxsize=1)
def synonyms() -> dict[tuple[str, str], list[tuple[str, ...]]]:
    """``(lemma, UPOS) -> [synset lemmas, ...]`` in WordNet's sense order; lemmas with spaces, not underscores.
    Adjective satellites count as adjectives."""
    wn = folder() / "corpora" / "wordnet"
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
    return WordNetCorpusReader(str(dest / "corpora" / "wordnet"), None)
