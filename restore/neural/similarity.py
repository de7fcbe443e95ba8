"""Word similarity in a language model's input-embedding space: vouches for proposed originals."""

from __future__ import annotations

from typing import Sequence

from .runtime import _TOKENIZE, _torch


class WordSimilarity:
    """Cosine similarity of two words in a model's input-embedding space (mean over their tokens).

    A language model's input embeddings place synonyms near each other ("physician"/"doctor" 0.82,
    "infantrymen"/"soldiers" 0.61 in Gemma 3 270M, against 0.24-0.45 for unrelated pairs), so they can
    vouch for a proposed original that no thesaurus entry links to the spun word.
    """

    def __init__(self, model, tokenizer) -> None:
        self.torch = _torch()
        self.weight = model.get_input_embeddings().weight
        self.tokenizer = tokenizer
        self._cache: dict[str, object] = {}

    def vector(self, word: str):
        key = word.lower()
        v = self._cache.get(key)
        while v is None:  # (another thread may clear the cache between the two lines)
            self.prime([key])
            v = self._cache.get(key)
        return v

    def prime(self, words: Sequence[str]) -> None:
        """Cache the vectors of many words with one tokenizer call (a model's fillers come in lists)."""
        new = list(dict.fromkeys(w.lower() for w in words if w.lower() not in self._cache))
        if not new:
            return
        if len(self._cache) > 50_000:
            self._cache.clear()
        with _TOKENIZE:
            encoded = self.tokenizer([" " + w for w in new], add_special_tokens=False)["input_ids"]
        with self.torch.inference_mode():
            for word, ids in zip(new, encoded):
                v = self.weight[ids].float().mean(0)
                # a numpy vector: the dot product of two cached words is then microseconds, not a torch call
                self._cache[word] = (v / (v.norm() + 1e-9)).numpy()

    def __call__(self, a: str, b: str) -> float:
        return float(self.vector(a) @ self.vector(b))
