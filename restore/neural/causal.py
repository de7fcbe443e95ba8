"""The causal-LM scorer (Gemma and any Hugging Face causal LM): window scores from one run per sentence.

Each sentence is run once; every alternative then reuses that run's key/value cache for the shared prefix
and feeds only its own tokens, all windows of a chunk of sentences in one padded batch (per-row attention
masks and position ids, so padding changes nothing). Proposals are the model's best next words at the
span start, read from the same run.
"""

from __future__ import annotations

import copy
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from .runtime import _TOKENIZE, _bf16_ok, _torch, run_batches, set_threads
from .similarity import WordSimilarity
from .window import Window, _common_prefix, _filler_words


class CausalScorer:
    """Window scores from a causal LM, with the sentence's key/value cache shared by every alternative.

    ``max_tokens`` bounds the tokens of one padded batch (memory and cache-friendliness).
    """

    def __init__(self, model, tokenizer, name: str = "causal", max_tokens: int = 1536,
                 vocab_subset: bool = True) -> None:
        torch = _torch()
        self.torch = torch
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.name = name
        self.max_tokens = max_tokens
        self.body = model.base_model
        self.head = model.get_output_embeddings()
        self.softcap = getattr(model.config, "final_logit_softcapping", None)
        bos = tokenizer.bos_token_id
        self.bos = bos if bos is not None else tokenizer.eos_token_id
        self.dtype = next(model.parameters()).dtype
        self.pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        self._head_subset(vocab_subset)
        self.similarity = WordSimilarity(model, tokenizer)
        self.stats = {"base_tokens": 0, "base_padded": 0, "row_tokens": 0, "row_padded": 0, "head": 0}
        self._stats_lock = threading.Lock()
        self.workers = set_threads()

    def _count(self, key: str, n: int) -> None:
        with self._stats_lock:
            self.stats[key] += n

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike, name: str | None = None, **kw) -> "CausalScorer":
        torch = _torch()
        from transformers import AutoModelForCausalLM, AutoTokenizer
        dtype = torch.bfloat16 if _bf16_ok() else torch.float32
        model = AutoModelForCausalLM.from_pretrained(str(path), dtype=dtype)
        return cls(model, AutoTokenizer.from_pretrained(str(path)), name or Path(path).name, **kw)

    @lru_cache(maxsize=1)
    def _fillers(self) -> dict[int, str]:
        return _filler_words(self.tokenizer, "▁") or _filler_words(self.tokenizer, "Ġ")

    def _encode(self, texts: list[str]) -> list[list[int]]:
        with _TOKENIZE:
            ids = self.tokenizer(texts, add_special_tokens=False)["input_ids"]
        return [[self.bos] + x for x in ids]

    def _head_subset(self, vocab_subset: bool) -> None:
        """Normalise over the tokens English text can use: a large multilingual vocabulary (Gemma's 262k)
        is mostly other scripts, and leaving them out of the softmax changes a log-probability by about
        0.0003 nats on news text while nearly halving the cost of the output layer."""
        torch = self.torch
        weight = self.head.weight
        self.sub_ids = None
        if not vocab_subset or weight.shape[0] < 100_000:
            return
        keep = set("▁’‘“”—–…•€£°")
        ids = sorted(i for t, i in self.tokenizer.get_vocab().items()
                     if i < weight.shape[0] and all(c.isascii() or c in keep for c in t))
        if len(ids) > 0.8 * weight.shape[0]:
            return
        self.sub_ids = torch.tensor(ids)
        self.sub_weight = weight.detach()[self.sub_ids].contiguous()
        self.sub_pos = torch.full((weight.shape[0],), -1, dtype=torch.long)
        self.sub_pos[self.sub_ids] = torch.arange(len(ids))

    def _logits(self, hidden):
        torch = self.torch
        if self.sub_ids is None:
            logits = self.head(hidden).float()
        else:
            logits = torch.nn.functional.linear(hidden, self.sub_weight).float()
        if self.softcap:
            logits = torch.tanh(logits / self.softcap) * self.softcap
        return logits

    def _logprobs(self, hidden, pairs=None):
        """Log-softmax of the output layer at ``hidden`` (n, d): with ``pairs``, the floats at those (row,
        token id) pairs; without, (log-probs of every row, the token id of each column)."""
        torch = self.torch
        self._count("head", hidden.shape[0])
        logits = self._logits(hidden)
        lse = torch.logsumexp(logits, dim=-1)
        if pairs is None:
            cols = self.sub_ids if self.sub_ids is not None else torch.arange(logits.shape[-1])
            return logits - lse[:, None], cols
        rows = torch.tensor([i for i, _ in pairs], dtype=torch.long)
        tids = torch.tensor([t for _, t in pairs], dtype=torch.long)
        if self.sub_ids is None:
            return (logits[rows, tids] - lse[rows]).tolist()
        pos = self.sub_pos[tids]
        inside = pos >= 0
        value = logits[rows, pos.clamp(min=0)]
        if not bool(inside.all()):   # a token outside the subset: add it to its row's normaliser
            out_logit = (hidden[rows].float() * self.head.weight[tids].float()).sum(-1)
            if self.softcap:
                out_logit = torch.tanh(out_logit / self.softcap) * self.softcap
            value = torch.where(inside, value, out_logit)
            norm = torch.where(inside, lse[rows], torch.logaddexp(lse[rows], out_logit))
            return (value - norm).tolist()
        return (value - lse[rows]).tolist()

    def score(self, windows: Sequence[Window], progress=None) -> list[list[float]]:
        """Scores of every window's variants; ``progress(windows done, windows)`` from 0, after each batch."""
        groups: dict[tuple[str, int], list[int]] = {}
        for i, w in enumerate(windows):
            groups.setdefault((w.base, w.first), []).append(i)
        out: list[list[float]] = [[] for _ in windows]
        keys = list(groups)
        bases = self._encode([base[first:] for base, first in keys])
        # The base run need not go past the last token any of its windows reads; bases of similar
        # lengths share a batch.
        need = {}
        for key, ids in zip(keys, bases):
            plans = [self._plan(windows[i], i, 0, ids) for i in groups[key]]
            need[key] = (ids, max(min(len(ids), p + max(len(s) for s in seqs)) for _, p, seqs, _ in plans))
        keys.sort(key=lambda key: need[key][1])
        # Chunks are cut before any is run, from the windows alone, so they are the same however many
        # workers score them.
        chunks: list[list[tuple[str, int]]] = []
        chunk: list[tuple[str, int]] = []
        real = 0
        for key in keys:
            padded = (len(chunk) + 1) * need[key][1]
            if chunk and (padded > self.max_tokens or padded > 1.25 * (real + need[key][1]) + 16):
                chunks.append(chunk)
                chunk, real = [], 0
            chunk.append(key)
            real += need[key][1]
        if chunk:
            chunks.append(chunk)
        done = 0
        if progress is not None:
            progress(0, len(windows))

        def finished(chunk) -> None:
            nonlocal done
            done += sum(len(groups[key]) for key in chunk)
            if progress is not None:
                progress(done, len(windows))
        run_batches(lambda chunk: self._score_chunk(chunk, need, groups, windows, out), chunks, self.workers,
                    finished)
        return out

    def _plan(self, w: Window, wi: int, r: int, base_ids: list[int]) -> tuple[int, int, list[list[int]], int]:
        """(window, shared prefix p, each variant's tokens from p on, base row)."""
        seqs = self._encode([w.text(k) for k in range(len(w.variants))])
        left = self._encode([w.base[w.first:w.start]])[0]   # bounds p by the span start
        p = min(_common_prefix(s, base_ids) for s in seqs + [left])
        if len(seqs) > 1:
            p = min(p, min(len(s) for s in seqs) - 1)   # every variant keeps at least one token to score
        p = max(1, min(p, len(base_ids)))
        return (wi, p, [s[p:] for s in seqs], r)

    def _score_chunk(self, keys, needs, groups, windows, out) -> None:
        torch = self.torch
        bases = [needs[key][0] for key in keys]
        need = [needs[key][1] for key in keys]
        plans = [self._plan(windows[i], i, r, bases[r]) for r, key in enumerate(keys) for i in groups[key]]
        n = max(need)
        ids = torch.full((len(bases), n), self.pad, dtype=torch.long)
        mask = torch.zeros((len(bases), n), dtype=torch.long)
        for r, b in enumerate(bases):
            ids[r, :need[r]] = torch.tensor(b[:need[r]])
            mask[r, :need[r]] = 1
        self._count("base_tokens", sum(need))
        self._count("base_padded", mask.numel())
        res = self.body(input_ids=ids, attention_mask=mask, use_cache=True)
        hidden, cache = res.last_hidden_state, res.past_key_values
        heads: dict[tuple[int, int], int] = {}      # (row, position) -> index among the head evaluations

        def at(r: int, pos: int) -> int:
            return heads.setdefault((r, pos), len(heads))
        wanted = [k for k, plan in enumerate(plans) if windows[plan[0]].propose]
        firsts, base_reads, rows = [], [], []
        for k in wanted:
            at(plans[k][3], plans[k][1] - 1)
        if wanted:  # proposals: the model's best fillers at the span start, from the base run
            logp, cols = self._logprobs(torch.stack([hidden[r, pos] for r, pos in heads]))
            fill = self._fillers()
            for k in wanted:
                wi, p, _, r = plans[k]
                if self._propose(windows[wi], logp[heads[(r, p - 1)]], cols, fill):
                    plans[k] = self._plan(windows[wi], wi, r, bases[r])
        for wi, p, seqs, r in plans:
            out[wi] = [0.0] * len(seqs)
            for k, seq in enumerate(seqs):
                if not seq:
                    continue
                firsts.append((wi, k, at(r, p - 1), seq[0]))
                if bases[r][p:p + len(seq)] == seq:    # the base itself: read its own later positions
                    base_reads += [(wi, k, at(r, p + t - 1), seq[t]) for t in range(1, len(seq))]
                elif len(seq) > 1:
                    rows.append((wi, k, r, p, seq))
        where = list(heads)
        h = torch.stack([hidden[r, pos] for r, pos in where])
        reads = firsts + base_reads
        lp = self._logprobs(h, [(i, t) for _, _, i, t in reads])
        for (wi, k, _, _), v in zip(reads, lp):
            out[wi][k] += v
        rows.sort(key=lambda row: len(row[4]))
        batch: list = []
        real = 0
        for row in rows:
            m = len(row[4]) - 1
            padded = (len(batch) + 1) * m
            if batch and ((len(batch) + 1) * (m + n // 4) > self.max_tokens or padded > 1.25 * (real + m) + 8):
                self._score_rows(batch, cache, n, out)
                batch, real = [], 0
            batch.append(row)
            real += m
        if batch:
            self._score_rows(batch, cache, n, out)

    def _propose(self, w: Window, logp, cols, fill: dict[int, str]) -> bool:
        top = cols[self.torch.topk(logp, min(logp.numel(), 50 * w.propose)).indices].tolist()
        before = len(w.proposed)
        if w.accept is not None:
            self.similarity.prime([fill[t] for t in top if t in fill])
        for tid in top:
            word = fill.get(tid)
            text = None if word is None else (w.accept(word) if w.accept else word)
            if text is not None and text not in w.variants:
                w.variants.append(text)
                w.proposed.append(text)
                if len(w.proposed) - before >= w.propose:
                    break
        return len(w.proposed) > before

    def _score_rows(self, rows, cache, n: int, out) -> None:
        """Variant rows: inputs seq[:-1] after prefix p (the cache masked from p on), targets seq[1:]."""
        torch = self.torch
        t_max = max(len(seq) - 1 for *_, seq in rows)
        ids = torch.full((len(rows), t_max), self.pad, dtype=torch.long)
        mask = torch.zeros((len(rows), n + t_max), dtype=torch.long)
        pos = torch.zeros((len(rows), t_max), dtype=torch.long)
        for j, (_, _, r, p, seq) in enumerate(rows):
            m = len(seq) - 1
            ids[j, :m] = torch.tensor(seq[:-1])
            mask[j, :p] = 1
            mask[j, n:n + m] = 1
            pos[j] = p + torch.arange(t_max)
        self._count("row_tokens", sum(len(seq) - 1 for *_, seq in rows))
        self._count("row_padded", ids.numel())
        sub = copy.copy(cache)
        sub.layers = [copy.copy(layer) for layer in cache.layers]
        sub.batch_select_indices(torch.tensor([r for _, _, r, _, _ in rows]))
        res = self.body(input_ids=ids, attention_mask=mask, position_ids=pos, past_key_values=sub, use_cache=True)
        hidden = res.last_hidden_state
        where, reads = [], []
        for j, (wi, k, _, _, seq) in enumerate(rows):
            for t in range(len(seq) - 1):
                reads.append((wi, k, len(where), seq[t + 1]))
                where.append((j, t))
        h = torch.stack([hidden[j, t] for j, t in where])
        lp = self._logprobs(h, [(i, tid) for _, _, i, tid in reads])
        for (wi, k, _, _), v in zip(reads, lp):
            out[wi][k] += v

    def score_text(self, text: str, first_char: int = 0) -> float:
        """ln P of ``text``'s tokens that end after ``first_char``, by one plain forward (a reference)."""
        torch = self.torch
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids = [self.bos] + enc["input_ids"]
        with torch.inference_mode():
            hidden = self.body(input_ids=torch.tensor([ids])).last_hidden_state[0]
            lp = self._logprobs(hidden[:-1], list(enumerate(ids[1:])))
        offs = enc["offset_mapping"]
        return float(sum(v for v, (_, b) in zip(lp, offs) if b > first_char))
