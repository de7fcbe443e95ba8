"""A spinner nobody here wrote: nlpaug's ``SynonymAug`` with WordNet (nlpaug 1.1, MIT licence).

nlpaug asks nltk's part-of-speech tagger for tags, and nltk's tagger model is not available offline; it
gets TextBlob's pattern tagger instead (shipped inside the ``textblob`` wheel). Everything else --
which words to replace and by which synonym -- is nlpaug's own choice. nlpaug re-joins tokens with its
own spacing, so its output is aligned word by word with the input and each substitution is spliced into
the original text at its exact offsets (the text around it keeps its formatting).
"""

from __future__ import annotations

import random
import re
import sys
import warnings
from functools import lru_cache

from .examples import Example, from_replacements
from .metrics import blocks
from .text import norm, tokens


class ThirdPartyMissing(RuntimeError):
    pass


def _pattern_tag(cls, toks):
    from textblob.en import tag
    tagged = tag(" ".join(toks), tokenize=False)
    return tagged if len(tagged) == len(toks) else [(t, "NN") for t in toks]


@lru_cache(maxsize=1)
def augmenter_class():
    try:
        import nlpaug.augmenter.word as naw
        import nlpaug.model.word_dict.wordnet  # noqa: F401
        import textblob.en  # noqa: F401
    except ImportError as exc:
        raise ThirdPartyMissing(f"{exc}; pip install -e '.[bench]'") from None
    from .wordnet import nltk_reader
    nwd = sys.modules["nlpaug.model.word_dict.wordnet"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nwd.wordnet = nltk_reader()
    nwd.WordNet.pos_tag = classmethod(_pattern_tag)
    return naw.SynonymAug


class NlpaugSpinner:
    name = "nlpaug"

    def __init__(self) -> None:
        self.cls = augmenter_class()

    def spin(self, doc_id: str, text: str, rate: float, seed: int) -> Example:
        random.seed(f"{seed}:{doc_id}")
        import numpy as np
        np.random.seed(seed)
        aug = self.cls(aug_src="wordnet", aug_p=rate, aug_min=0, aug_max=None)
        out = aug.augment(text)
        out = out[0] if isinstance(out, list) else out
        out = re.sub(r"(\w) ([-'’/]) (\w)", r"\1\2\3", out.replace("_", " "))
        src, dst = tokens(text), tokens(out)
        repl, changed = [], 0
        for b in blocks([norm(t.text) for t in src], [norm(t.text) for t in dst]):
            if b.equal or b.i1 == b.i2 or b.j1 == b.j2:
                continue
            old = "".join(t.text for t in src[b.i1:b.i2])
            new = out[dst[b.j1].start:dst[b.j2 - 1].end]
            if re.sub(r"\W", "", norm(old)) == re.sub(r"\W", "", norm(new)):
                continue  # only re-tokenised
            repl.append((src[b.i1].start, src[b.i2 - 1].end, new))
            changed += b.i2 - b.i1
        ex = from_replacements(doc_id, text, repl, rate=rate, spinner=self.name)
        ex.meta["achieved_rate"] = changed / len(src) if src else 0.0
        return ex
