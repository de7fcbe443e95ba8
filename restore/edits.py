"""Edits: what was changed, where, and how sure we are -- and applying them without touching anything else.

Offsets are sacred: an edit replaces ``text[start:end]`` and nothing else, so every character outside the
edits (spacing, quotes, dashes, line breaks) comes back byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Edit:
    """One restoration: ``text[start:end]`` (``spun``) becomes ``original``."""

    start: int
    end: int
    spun: str
    original: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...] = field(default=())  # runner-ups with their probability
    evidence: str = ""

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "spun": self.spun, "original": self.original,
                "confidence": round(self.confidence, 4),
                "alternatives": [[a, round(p, 4)] for a, p in self.alternatives], "evidence": self.evidence}


@dataclass(frozen=True, slots=True)
class Flag:
    """A span that looks spun (``p_spun``), whether or not a restoration was applied."""

    start: int
    end: int
    spun: str
    p_spun: float
    best: str                      # most likely original ("" when none stands out)
    restored: bool
    kind: str = "lexicon"          # "lexicon": a listed phrase; "unlisted": a combination no lexicon lists

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "spun": self.spun, "p_spun": round(self.p_spun, 4),
                "best": self.best, "restored": self.restored, "kind": self.kind}


def match_style(spun: str, original: str) -> str:
    """``match_case`` plus the text's apostrophe style (curly ’ where the spun span used it)."""
    if "’" in spun and "'" in original:
        original = original.replace("'", "’")
    return match_case(spun, original)


def match_case(spun: str, original: str) -> str:
    """Give ``original`` the capitalisation pattern of the text it replaces.

    Originals with capitals of their own (names: "Chinese", "United Nations") are kept as they are; an
    all-capitals span gives an all-capitals original; a capitalised span ("Struggle" at a sentence start or
    in a name) gives a capitalised original ("War").
    """
    if any(c.isupper() for c in original):
        return original
    letters = [c for c in spun if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return original.upper()
    if spun[:1].isupper():
        return original[:1].upper() + original[1:]
    return original


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with every edit applied; edits must not overlap."""
    parts: list[str] = []
    pos = 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < pos:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        if text[edit.start:edit.end] != edit.spun:
            raise ValueError(f"edit does not match the text at {edit.start}:{edit.end}: {edit.spun!r}")
        parts.append(text[pos:edit.start])
        parts.append(edit.original)
        pos = edit.end
    parts.append(text[pos:])
    return "".join(parts)
