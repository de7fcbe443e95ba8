"""The masked-LM scorer: pseudo-log-likelihood of each window, every token masked in turn.

Proposals are the model's best fillers for a mask in place of the span, in both-sided context.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from ..errors import ModelError
from .runtime import _torch, run_batches, set_threads
from .similarity import WordSimilarity
from .window import Window, _filler_words


class MaskedScorer:
    """Pseudo-log-likelihood window scores from a masked LM: every token of the window masked in turn."""

    def __init__(self, model, tokenizer, name: str = "masked", max_rows: int = 256) -> None:
        torch = _torch()
        self.torch = torch
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.name = name
        self.max_rows = max_rows
        if tokenizer.mask_token_id is None:
            raise ModelError(f"{name}: the tokenizer has no mask token; is this a masked language model?")
        self.similarity = WordSimilarity(model, tokenizer)
        self.workers = set_threads()

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike, **kw) -> "MaskedScorer":
        _torch()
        from transformers import AutoModelForMaskedLM, AutoTokenizer
        model = AutoModelForMaskedLM.from_pretrained(str(path))
        return cls(model, AutoTokenizer.from_pretrained(str(path)), Path(path).name, **kw)

    @lru_cache(maxsize=1)
    def _fillers(self) -> dict[int, str]:
        return (_filler_words(self.tokenizer, "▁") or _filler_words(self.tokenizer, "Ġ")
                or _filler_words(self.tokenizer, "", continuation="##"))

    def _rows(self, seqs: list[list[int]]):
        """Logits of a padded batch of token-id lists (attention mask and token types set per row)."""
        torch = self.torch
        n = max(len(s) for s in seqs)
        pad = self.tokenizer.pad_token_id or 0
        ids = torch.full((len(seqs), n), pad, dtype=torch.long)
        mask = torch.zeros((len(seqs), n), dtype=torch.long)
        for r, s in enumerate(seqs):
            ids[r, :len(s)] = torch.tensor(s)
            mask[r, :len(s)] = 1
        return self.model(input_ids=ids, attention_mask=mask).logits

    def pll(self, texts: list[str], progress=None) -> list[float]:
        """Pseudo-log-likelihood of each text: sum over tokens of ln P(token | all the others);
        ``progress(rows done, rows)`` after each batch of masked rows."""
        torch = self.torch
        enc = self.tokenizer(texts)["input_ids"]
        special = set(self.tokenizer.all_special_ids)
        jobs = []  # (text index, masked sequence, position, true id)
        for t, seq in enumerate(enc):
            for i, tid in enumerate(seq):
                if tid in special:
                    continue
                masked = list(seq)
                masked[i] = self.tokenizer.mask_token_id
                jobs.append((t, masked, i, tid))
        starts = list(range(0, len(jobs), self.max_rows))
        parts: dict[int, list[float]] = {}

        def batch(s: int) -> None:
            part = jobs[s:s + self.max_rows]
            logits = self._rows([m for _, m, _, _ in part]).float()
            idx = torch.arange(len(part))
            pos = torch.tensor([i for _, _, i, _ in part])
            tgt = torch.tensor([tid for *_, tid in part])
            parts[s] = torch.log_softmax(logits[idx, pos], dim=-1)[idx, tgt].tolist()
        rows_done = 0
        if progress is not None:
            progress(0, len(jobs))

        def finished(s: int) -> None:
            nonlocal rows_done
            rows_done += len(parts[s])
            if progress is not None:
                progress(rows_done, len(jobs))
        run_batches(batch, starts, self.workers, finished)
        out = [0.0] * len(texts)
        for s in starts:  # summed in one fixed order, whatever order the batches finished in
            for (t, *_), v in zip(jobs[s:s + self.max_rows], parts[s]):
                out[t] += v
        return out

    def score(self, windows: Sequence[Window], progress=None) -> list[list[float]]:
        torch = self.torch
        wanted = [w for w in windows if w.propose]
        if wanted:
            fill = self._fillers()
            mask = self.tokenizer.mask_token
            texts = [w.base[w.first:w.start] + mask + w.base[w.end:w.stop] for w in wanted]
            enc = self.tokenizer(texts)["input_ids"]
            with torch.inference_mode():
                for s in range(0, len(enc), self.max_rows):
                    logits = self._rows(enc[s:s + self.max_rows]).float()
                    for r, seq in enumerate(enc[s:s + self.max_rows]):
                        w = wanted[s + r]
                        at = seq.index(self.tokenizer.mask_token_id)
                        top = torch.topk(logits[r, at], min(logits.shape[-1], 40 * w.propose)).indices.tolist()
                        for tid in top:
                            word = fill.get(tid)
                            text = None if word is None else (w.accept(word) if w.accept else word)
                            if text is not None and text not in w.variants:
                                w.variants.append(text)
                                w.proposed.append(text)
                                if len(w.proposed) >= w.propose:
                                    break
        scored = [w for w in windows if len(w.variants) > 1]    # one variant: nothing to compare
        flat = [w.text(k) for w in scored for k in range(len(w.variants))]
        scores = iter(self.pll(flat, progress) if flat else [])
        return [[next(scores) for _ in w.variants] if len(w.variants) > 1 else [0.0] for w in windows]
