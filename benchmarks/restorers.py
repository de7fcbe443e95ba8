"""The restorers a benchmark compares: the engine, the naive lexicon baseline, and two toys.

Every restorer has ``name`` and ``restore(text)`` returning an object with ``text``, ``edits`` and
``flags`` (the engine's Restoration, or ``Output`` here). ``engine`` and ``naive`` also expose
``candidates(text)`` and ``lexicon`` for candidate recall and the in/out-of-dictionary split.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .examples import Example


@dataclass(frozen=True)
class OutEdit:
    start: int
    end: int
    spun: str
    original: str
    confidence: float = 1.0
    alternatives: tuple = ()
    evidence: str = ""


@dataclass
class Output:
    text: str
    edits: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    spin_score: float | None = None


class Identity:
    """Returns its input: restores nothing, changes nothing."""

    name = "identity"

    def restore(self, text: str) -> Output:
        return Output(text)


class Oracle:
    """Knows the answer for the examples it was given (a perfect restorer, for checking the metrics)."""

    name = "oracle"

    def __init__(self, examples: list[Example] = ()) -> None:
        self.known = {ex.spun: ex for ex in examples}

    def add(self, examples) -> None:
        self.known.update((ex.spun, ex) for ex in examples)

    def restore(self, text: str) -> Output:
        ex = self.known.get(text)
        if ex is None:
            return Output(text)
        edits = [OutEdit(s.start, s.end, s.spun, s.original) for s in ex.spans]
        return Output(ex.original, edits, [], 1.0 if ex.spans else 0.0)


def match_case(spun: str, original: str) -> str:
    if spun[:1].isupper() and original[:1].islower():
        return original[:1].upper() + original[1:]
    return original


def apply_first_candidates(text: str, candidates) -> tuple[str, list[OutEdit]]:
    """Replace lexicon hits left to right, the longest hit at each position, by their first original."""
    edits, pos = [], 0
    for c in sorted(candidates, key=lambda c: (c.start, -(c.end - c.start))):
        if c.start < pos or not c.originals:
            continue
        spun = text[c.start:c.end]
        edits.append(OutEdit(c.start, c.end, spun, match_case(spun, c.originals[0]), 1.0, (), "first candidate"))
        pos = c.end
    parts, pos = [], 0
    for e in edits:
        parts += [text[pos:e.start], e.original]
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts), edits


class Naive:
    """The baseline: every lexicon hit replaced by its first candidate, no context used."""

    def __init__(self, engine, name: str = "naive") -> None:
        self.engine, self.name = engine, name
        self.lexicon = engine.lexicon

    def candidates(self, text: str):
        return self.engine.candidates(text)

    def restore(self, text: str) -> Output:
        new, edits = apply_first_candidates(text, self.engine.candidates(text))
        return Output(new, edits, [], None)


class Engine:
    """``restore.Restorer`` under a name."""

    def __init__(self, restorer, name: str = "engine") -> None:
        self.restorer, self.name = restorer, name
        self.lexicon = restorer.lexicon

    def candidates(self, text: str):
        return self.restorer.candidates(text)

    def restore(self, text: str):
        return self.restorer.restore(text)


def load_engine(**kwargs):
    """A fresh ``restore.Restorer``, or None with the reason when the engine cannot be imported."""
    try:
        import restore
        return restore.Restorer(**kwargs), None
    except Exception as exc:  # the engine is optional for the harness itself
        return None, f"{type(exc).__name__}: {exc}"
