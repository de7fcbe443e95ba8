"""From a model name or folder to a scorer, and to a language model for ``Restorer(lm=...)``."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import ModelError
from ..lm import LanguageModel
from .causal import CausalScorer
from .gemma import GEMMA, gemma_dir
from .masked import MaskedScorer
from .rescore import NeuralLM
from .window import SentenceScorer


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


def neural_lm(spec: str, ngram: LanguageModel | None = None, **kw) -> NeuralLM:
    """``gemma`` or a local Hugging Face model folder, wrapped for ``Restorer(lm=...)``."""
    return NeuralLM(load_scorer(spec), ngram, **kw)
