"""The science profile: a term lexicon, and phrases no lexicon lists.

``Restorer(profile="science")`` (CLI ``--profile science``) loads

* the detector of ``restore.unlisted`` with the term lexicon (``lexicons/terms.tsv``) and the science word
  pairs: runs of words that read as a spun version of a likelier combination are flagged with the kind
  ``unlisted``, and restored when the score clears a second, higher threshold.

The screener's own list of fingerprints is not shipped: a user who holds its export passes it as a
phrase list (``--lexicon tortured.tsv``, ``Restorer(lexicons=[...])``), applied even where the rest of
the paper reads clean. ``Restorer(unlisted=True)`` in the news profile runs the same detector but only flags: it never edits,
so news restorations are exactly those of the default profile.
"""

from __future__ import annotations

import bisect
import math

from .candidates import CandidateSpan
from .edits import Edit, Flag, match_style
from .lexicon import Entry
from .tokenize import sentences, tokenize
from .unlisted import Unlisted, UnlistedDetector

PROFILES = ("news", "science")


def profile_hook(restorer, profile: str) -> "UnlistedHook":
    """Set a Restorer up for ``profile``; the hook it calls after decoding."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    return UnlistedHook(UnlistedDetector(restorer.lm, restorer.lexicon), restoring=profile == "science")


class UnlistedHook:
    """Adds the detector's runs to a restoration: flags always, edits only when ``restoring``."""

    def __init__(self, detector: UnlistedDetector, restoring: bool) -> None:
        self.detector = detector
        self.restoring = restoring
        self.restore_threshold = detector.p["restore_threshold"]

    def _runs(self, text: str, tokens, taken=()) -> list[Unlisted]:
        starts = [t.start for t in tokens]
        skip = []
        for a, b in taken:   # character ranges a lexicon already explains -> token ranges
            skip.append((bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)))
        return self.detector.find(tokens, sentences(text, tokens), skip)

    def extend(self, text: str, tokens, edits: list[Edit], flags: list[Flag]) -> tuple[list[Edit], list[Flag]]:
        """``edits`` and ``flags`` with the runs no lexicon explains added (kind ``unlisted``)."""
        taken = [(e.start, e.end) for e in edits] + [(f.start, f.end) for f in flags]
        edits, flags = list(edits), list(flags)
        for u in self._runs(text, tokens, taken):
            spun = text[u.start:u.end]
            best = match_style(spun, u.options[0][0]) if u.options else ""
            p = _margin(u.score, self.detector.p["threshold"])
            applied = self.restoring and bool(u.options) and u.score >= self.restore_threshold
            if applied:
                alts = tuple((match_style(spun, o), _margin(s, self.detector.p["threshold"]))
                             for o, s in u.options[1:]) + (("(keep)", 1.0 - p),)
                edits.append(Edit(u.start, u.end, spun, best, p, alts, _evidence(u)))
            flags.append(Flag(u.start, u.end, spun, p, best, applied, "unlisted"))
        flags.sort(key=lambda f: f.start)
        return edits, flags

    def candidates(self, text: str) -> list[CandidateSpan]:
        """The detector's runs as candidate spans (every run it flags, its candidates best first)."""
        tokens = tokenize(text)
        out = []
        for u in self._runs(text, tokens):
            options = tuple(Entry(o, 1.0, "unlisted", tuple(o.split())) for o, _ in u.options)
            out.append(CandidateSpan(u.start, u.end, text[u.start:u.end], u.first, u.last, options,
                                     tuple(t.norm for t in tokens[u.first:u.last])))
        return out


def _margin(score: float, threshold: float) -> float:
    """The score's margin over the flag threshold through a logistic: 0.5 at the threshold. A display
    value that orders spans, not a calibrated probability."""
    return 1.0 / (1.0 + math.exp(-(score - threshold)))


def _evidence(u: Unlisted) -> str:
    return (f"no lexicon lists this phrase; its words go together poorly (cohesion {u.cohesion:+.1f} nats) "
            f"and a combination of their near-synonyms scores {u.score:.1f} nats better")
