"""The source model: how likely a sentence is as English, before any spinner touched it.

Anything with ``order`` and ``logprob(word, history)`` (natural log, history oldest first) can serve;
the decoder never looks further back than ``order - 1`` words. The default is CMU's US-English trigram
model that ships inside the ``pocketsphinx`` wheel (BSD licence): about 27 MB, loads in a few
milliseconds by memory-mapping, and answers a query in well under a microsecond.

Numbers in digits are scored as they are said ("1990s" as "nineteen nineties", see ``numbers.spoken``),
with a written-style term. Words the model has never seen (names, rare words) all get the same fixed
cost, so a path that keeps an unknown name and one that keeps it as well score the same; only the words
that differ between restorations decide.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Protocol, runtime_checkable

from .numbers import SMALL_WORDS, spoken

_NUMBER = re.compile(r"\d[\d,.]*(?:s|st|nd|rd|th)?")

BOS = "<s>"
EOS = "</s>"


@runtime_checkable
class LanguageModel(Protocol):
    """What the decoder needs from a language model."""

    order: int

    def logprob(self, word: str, history: tuple[str, ...]) -> float:
        """ln P(word | history); ``history`` holds up to ``order - 1`` preceding words, oldest first."""
        ...


class NgramLM:
    """CMU en-us trigram model from the pocketsphinx wheel (or any ARPA/DMP/binary file it can read)."""

    order = 3

    def __init__(self, path: str | None = None, oov_logprob: float = -14.0, digit_penalty: float = 3.0,
                 number_logprob: float = -9.0) -> None:
        try:
            import pocketsphinx
        except ImportError as exc:  # pragma: no cover - pocketsphinx is a hard dependency
            raise RuntimeError("the n-gram language model needs the 'pocketsphinx' package") from exc
        self.path = path or self.default_path()
        self._model = pocketsphinx.NGramModel.readfile(self.path)
        self._prob = self._model.prob
        self._scale = math.log(1.0001)  # pocketsphinx reports log base 1.0001
        self.oov_logprob = oov_logprob
        self.digit_penalty = digit_penalty
        self.number_logprob = number_logprob

    @staticmethod
    def default_path() -> str:
        """The bundled model file: CMU's en-us trigram model inside the pocketsphinx wheel."""
        import pocketsphinx
        return pocketsphinx.get_model_path("en-us/en-us.lm.bin")

    def logprob(self, word: str, history: tuple[str, ...]) -> float:
        if history and (history[-1][:1].isdigit() or history[0][:1].isdigit()):
            history = _spoken_history(history)
        if word[:1].isdigit():
            said = _spoken(word)
            if said is not None:
                # The model was trained on speech and has no digits: score a number as it is said, then
                # apply written style. News spells out one to nine ("the two countries", "first") and
                # writes larger numbers, ordinals and decades in digits ("12,000", "70th", "1990s"), so
                # "the 2 countries" is a little less likely than "the two countries" and "the seventieth
                # anniversary" a little less likely than "the 70th" -- enough to tip a spun document,
                # never a clean one.
                total, hist = 0.0, history
                for w in said:
                    total += self.logprob(w, hist)
                    hist = (hist + (w,))[-(self.order - 1):]
                small = said[0] in SMALL_WORDS
                return min(0.0, total - self.digit_penalty if small else total + self.digit_penalty)
            if _NUMBER.fullmatch(word):
                return self.number_logprob  # "2022", "3.5": numbers are ordinary, not rare
        n = len(history)
        if n >= 2:
            value = self._prob([word, history[-1], history[-2]])
        elif n == 1:
            value = self._prob([word, history[0]])
        else:
            value = self._prob([word])
        if value < -100_000_000:  # "log zero": the word is not in the vocabulary
            return self.oov_logprob
        return value * self._scale

    def known(self, word: str) -> bool:
        """Whether the word is in the model's vocabulary."""
        return self._prob([word]) > -100_000_000

    def __repr__(self) -> str:
        return f"NgramLM({self.path!r})"


@lru_cache(maxsize=4096)
def _spoken(word: str) -> tuple[str, ...] | None:
    return spoken(word)


def _spoken_history(history: tuple[str, ...]) -> tuple[str, ...]:
    """A history with numbers replaced by the last words they are said with ("1990s" -> ..., "nineties")."""
    out: list[str] = []
    for w in history:
        said = _spoken(w) if w[:1].isdigit() else None
        out.extend(said if said else (w,))
    return tuple(out[-len(history):])


def sentence_logprob(lm: LanguageModel, words: list[str]) -> float:
    """ln P of a whole sentence, with sentence start and end markers."""
    history: tuple[str, ...] = (BOS,)
    total = 0.0
    keep = lm.order - 1
    for word in words + [EOS]:
        total += lm.logprob(word, history)
        history = (history + (word,))[-keep:]
    return total
