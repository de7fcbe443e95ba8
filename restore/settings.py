"""Decoder settings: every knob of ``restore.decode`` in one frozen, checked record.

The defaults are what the benchmarks report; each number says where it comes from (docs/decoder.md has
the sweeps). A bad value fails here, when the settings are made, with the knob's name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import ModelError, SettingsError
from .lexicon import is_dictionary


# Fixed numbers of the decoder. They are not settings: each was chosen once (docs/decoder.md has the
# sweeps) and moving one changes nothing a user can see except accuracy or speed for the worse.
PRIOR_A = 1.5           # Beta(a, b) prior on a document's spin rate: mean a / (a + b) = 0.09, a mode at
PRIOR_B = 15.0          #   0.03 (expects mostly clean text; EM moves it with a few spans of evidence)
MIN_RATE = 1e-5         # floor of an open rate group (a rate of exactly 0 means its gate held shut)
MAX_RATE = 0.6          # no spinner replaces most of the words: caps EM on a short, odd document
EM_STEPS = 10           # the rate's EM converges in 4-6 steps on the development documents
MAX_SENTENCE = 150      # longer runs of words without a sentence break are decoded in pieces (linear time)
MAX_CANDIDATES = 8      # originals per span taken from the lexicon, by scaled channel weight ...
MIN_RATIO = 0.02        # ... none below this share of the span's best scaled weight
# Sources that stand for a different kind of spinner get a spin rate of their own: a document spun with
# a thesaurus at random senses shows it in the thesaurus candidates, one spun by a content-farm
# dictionary in the curated ones. Unlisted bundled sources form the group "spinner", user lists "user",
# loaded spinner dictionaries "dictionary". (The calibration is fitted per group and assumes these.)
SOURCE_GROUPS = {"wordnet": "thesaurus"}


@dataclass(frozen=True)
class Settings:
    """Decoder knobs: the few numbers a user may want to move. The defaults are what the benchmarks
    report; ``python -m benchmarks.dev knob=value`` measures a change on development documents."""

    beam: int = 8                  # LM states kept per lattice position (4: faster, 16: no gain measured)
    options: int = 4               # originals per span kept for the lattice, by local score
    # "viterbi": restore what the best path restores; "posterior": restore a span when its local
    # posterior of being spun (summed over all its originals) passes one half, with its best original.
    decision: str = "viterbi"
    # Share of the LM's plain word-frequency preference to discount when one word stands for another:
    # "try" beats "attempt" in any context, which says nothing about whether a spinner was at work.
    unigram_discount: float = 0.8
    rate: float | None = None      # fix the spin rate instead of estimating it
    # Evidence a document must show before it is treated as spun at all (a log-likelihood ratio, in
    # nats); below it the spin rate is scaled towards zero, and 3.5 nats below it is 0 (rates.py).
    doc_threshold: float = 7.0
    # Span evidence as a log-likelihood ratio, per rate group: a * gain + b, where gain is how much better
    # the span reads restored (restore.rates.Evidence). The language model is over-confident (a < 1)
    # and clean prose collects positive evidence at many spans because the model prefers the commoner
    # word (b < 0 for the spinner lexicon; the thesaurus group's b offsets its low trust). Fitted by
    # scripts/fit_evidence_calibration.py for the bundled n-gram model and read from
    # models/calibration.json, which says on what (refit for another model: the script takes --lm).
    calibration: dict = field(default_factory=lambda: dict(fitted_calibration()))
    present_penalty: float = 0.3   # weight factor for an original the document uses elsewhere, unspun
    # How far to trust each lexicon source, multiplied into its weights: a thesaurus lists every sense of
    # every synonym, a spinner uses few of them, so its pairs are much weaker evidence than curated ones.
    source_scale: dict = field(default_factory=lambda: {"wordnet": 0.2, "curated": 2.0, "observed": 2.0,
                                                        "numbers": 2.0})
    # Sources not listed above are the user's own lexicons (a tortured-phrase list, say): a user who
    # brings a list vouches for it, and a listed multiword phrase rarely occurs in clean text.
    user_scale: float = 10.0
    # A user list is applied at this spin rate at least, even in a document that otherwise looks clean:
    # a paper with three tortured phrases in it is clean text everywhere else.
    user_rate: float = 0.3
    # A spinner dictionary the user loads (restore.dictionary) is a channel, not a list of facts: its
    # pairs form the rate group "dictionary", under the document gate, with this trust.
    dictionary_scale: float = 2.0
    # "head" (only head words are replaced), "shuffle" (any member by any other), or "auto": the mode
    # whose fitted channel explains the document better (``choose_mode``).
    spinner_mode: str = "auto"

    def __post_init__(self) -> None:
        # Checked here, where a bad value is named, rather than deep in the lattice ("KeyError: None").
        for name in ("beam", "options"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise SettingsError(f"Settings.{name} must be a whole number of at least 1, got {getattr(self, name)!r}")
        if self.rate is not None and not 0.0 < self.rate < 1.0:
            raise SettingsError(f"Settings.rate must lie strictly between 0 and 1 (or be None), got {self.rate!r}")
        if self.decision not in ("viterbi", "posterior"):
            raise SettingsError(f"Settings.decision must be 'viterbi' or 'posterior', got {self.decision!r}")
        if self.spinner_mode not in ("auto", "head", "shuffle"):
            raise SettingsError(f"unknown spinner mode {self.spinner_mode!r}: use auto, head or shuffle")
        if not 0.0 <= self.unigram_discount <= 1.0 or not 0.0 < self.present_penalty <= 1.0:
            raise SettingsError("Settings.unigram_discount must lie in [0, 1] and present_penalty in (0, 1]")
        if not 0.0 <= self.user_rate < 1.0 or min(self.user_scale, self.dictionary_scale) <= 0.0:
            raise SettingsError("Settings.user_rate must lie in [0, 1) and the scales above 0")

    def scale(self, source: str) -> float:
        """Trust in a lexicon source (multiplies its weights)."""
        if is_dictionary(source):
            return self.dictionary_scale
        return self.source_scale.get(source, self.user_scale)

    def group(self, source: str) -> str:
        """Which spin rate applies to a source's candidates."""
        if is_dictionary(source):
            return "dictionary"
        if source in SOURCE_GROUPS:
            return SOURCE_GROUPS[source]
        return "spinner" if source in self.source_scale else "user"


CALIBRATED_GROUPS = ("spinner", "thesaurus", "dictionary")


def calibration_path() -> Path:
    return Path(str(resources.files("restore._models").joinpath("calibration.json")))


@lru_cache(maxsize=1)
def fitted_calibration() -> dict[str, tuple[float, float]]:
    """``{group: (a, b)}`` from models/calibration.json, checked to cover every rate group that needs one."""
    path = calibration_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        groups = {g: (float(v["a"]), float(v["b"])) for g, v in data["groups"].items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{path}: cannot read the evidence calibration ({exc})") from None
    missing = [g for g in CALIBRATED_GROUPS if g not in groups]
    if missing:
        raise ModelError(f"{path}: no calibration for the rate group(s) {', '.join(missing)}")
    return groups
