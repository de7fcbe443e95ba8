"""The log-linear combination: the features of an alternative, their weights, and the weights file.

The weights are fitted by ``scripts/fit_neural_weights.py`` on synthetic spins and stored in
``models/weights.json`` (with how they were fitted), one entry per scorer.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import NamedTuple


class Features(NamedTuple):
    """One alternative's features, each weighted by the ``Weights`` field of the same name.

    A named record rather than a bare list, so that a feature cannot land in another's place: the order
    of the fields is the order of ``FEATURES`` and of ``Weights.vector()``.
    """

    posterior: float   # ln of the decoder's posterior of the alternative
    ngram: float       # ln P_ngram of the alternative's words and the words after it
    neural: float      # the scorer's score of the window with the alternative
    channel: float     # ln of the option's lexicon weight (scaled by its source); 0 for keep
    rate: float        # ln of the spin rate, or of 1 - rate for keep
    proposed: float    # 1 when the neural model proposed the alternative
    change: float      # 1 for every alternative but keep


FEATURES = Features._fields


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
