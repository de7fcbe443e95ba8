"""What a run tells its user: a progress bar while it runs, a :class:`Summary` when it ends."""

from __future__ import annotations

import dataclasses
import sys
import time
from dataclasses import dataclass

from ..api import MAX_SPIN
from .records import Stats


@dataclass
class Summary(Stats):
    """A finished run: its counts, how long it took, where it resumed and the spin threshold it used."""

    seconds: float = 0.0
    resumed_at: int = 0
    max_spin: float = MAX_SPIN

    @property
    def spun_share(self) -> float:
        ok = self.documents - self.errors
        return self.spun / ok if ok else 0.0

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["spun_share"] = round(self.spun_share, 4)
        d["seconds"] = round(self.seconds, 3)
        return d

    def line(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        words = self.words / self.seconds if self.seconds else 0.0
        parts = [_count(self.documents, "document"), _count(self.words, "word"), _count(self.edits, "edit"),
                 f"{self.spun_share:.1%} spun (score > {self.max_spin:g})", _count(self.errors, "error")]
        if self.dropped:
            parts.append(f"{self.dropped:,} dropped")
        if self.routed:
            parts.append(f"{self.routed:,} routed to the spun file")
        if self.resumed_at:
            parts.append(f"resumed after {self.resumed_at:,}")
        return (f"restore batch: {', '.join(parts)}; {self.seconds:.1f} s "
                f"({rate:,.0f} docs/s, {words:,.0f} words/s)")


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


class _Progress:
    """A progress bar (bytes read, docs/s, words/s, ETA) on a terminal; silent otherwise."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.bar = None
        self.last = 0.0
        self.start = time.monotonic()
        if not enabled:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            self.bar = _PlainBar(total)
        else:
            self.bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr,
                            dynamic_ncols=True, smoothing=0.1, desc="restore")
        self.done = 0

    def update(self, position: int, stats: Stats, force: bool = False) -> None:
        if self.bar is None:
            return
        now = time.monotonic()
        if now - self.last < 0.25 and not force:
            return
        self.last = now
        elapsed = max(now - self.start, 1e-6)
        self.bar.update(max(position - self.done, 0))
        self.done = max(position, self.done)
        self.bar.set_postfix_str(f"{stats.documents / elapsed:,.0f} docs/s, {stats.words / elapsed:,.0f} words/s",
                                 refresh=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _PlainBar:
    def __init__(self, total: int) -> None:
        self.total, self.n, self.start, self.postfix = total, 0, time.monotonic(), ""

    def update(self, n: int) -> None:
        self.n += n

    def set_postfix_str(self, s: str, refresh: bool = True) -> None:
        elapsed = time.monotonic() - self.start
        eta = (self.total - self.n) * elapsed / self.n if self.n else 0
        pct = 100 * self.n / self.total if self.total else 0
        sys.stderr.write(f"\rrestore {pct:5.1f}%  {s}  ETA {eta:,.0f} s ")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
