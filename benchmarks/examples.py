"""Test documents: a spun text with its gold spans (offsets into the spun text) and the original."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True)
class Span:
    """``spun[start:end]`` was written by the spinner for ``original``."""

    start: int
    end: int
    spun: str
    original: str
    # a reference aligned against the source article may accept more than one original ("tale" -> "story"
    # or "account") and may not know the original of a span at all (an edit there is neither right nor wrong)
    accepted: tuple[str, ...] = ()    # originals accepted besides ``original``
    uncertain: bool = False

    @property
    def originals(self) -> tuple[str, ...]:
        return (self.original,) + tuple(self.accepted)


@dataclass
class Example:
    """One document. ``spans`` is empty for clean text; ``original`` is ``spun`` with every span undone."""

    id: str
    spun: str
    spans: tuple[Span, ...] = ()
    dataset: str = ""
    spinner: str = ""
    rate: float = 0.0
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.spans = tuple(sorted(self.spans, key=lambda s: (s.start, s.end)))
        pos = 0
        for s in self.spans:
            if s.start < pos or s.end < s.start:
                raise ValueError(f"{self.id}: overlapping or inverted span at {s.start}:{s.end}")
            if self.spun[s.start:s.end] != s.spun:
                raise ValueError(f"{self.id}: span {s.start}:{s.end} is {self.spun[s.start:s.end]!r}, "
                                 f"not {s.spun!r}")
            pos = s.end

    @cached_property
    def original(self) -> str:
        parts, pos = [], 0
        for s in self.spans:
            parts += [self.spun[pos:s.start], s.original]
            pos = s.end
        parts.append(self.spun[pos:])
        return "".join(parts)

    def to_original_offset(self, offset: int) -> int:
        """Map an offset of the spun text that is not inside a span to the original text."""
        shift = 0
        for s in self.spans:
            if s.end <= offset:
                shift += len(s.original) - (s.end - s.start)
            elif s.start < offset:
                raise ValueError(f"offset {offset} is inside span {s.start}:{s.end}")
        return offset + shift

    def to_dict(self) -> dict:
        d = asdict(self)
        d["spans"] = [list(asdict(s).values()) for s in self.spans]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Example":
        d = dict(d)
        d["spans"] = tuple(Span(*s[:4], tuple(s[4]) if len(s) > 4 else (), *s[5:]) for s in d["spans"])
        return cls(**d)


def from_replacements(id: str, original: str, repl: Iterable[tuple[int, int, str]], **kw) -> Example:
    """Build an Example by applying ``(start, end, spun_text)`` replacements to an original text."""
    parts, spans, pos, out_len = [], [], 0, 0
    for start, end, new in sorted(repl):
        if start < pos:
            continue  # overlapping replacement: keep the first
        parts.append(original[pos:start])
        out_len += start - pos
        spans.append(Span(out_len, out_len + len(new), new, original[start:end]))
        parts.append(new)
        out_len += len(new)
        pos = end
    parts.append(original[pos:])
    return Example(id, "".join(parts), tuple(spans), **kw)


def save(path: Path, examples: Iterable[Example]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for ex in examples:
            f.write(json.dumps(ex.to_dict(), ensure_ascii=False) + "\n")
    tmp.replace(path)


def load(path: Path) -> list[Example]:
    with path.open(encoding="utf-8") as f:
        return [Example.from_dict(json.loads(line)) for line in f if line.strip()]
