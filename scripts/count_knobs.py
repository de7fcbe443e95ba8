"""List the numbers a user can tune, and fail when there are more than the limit (default 15).

A knob is a numeric field of ``restore.Settings`` or a numeric keyword option of ``restore.Restorer``.
Fitted values read from versioned files under models/ (the evidence calibration, the neural weights,
the confidence map) are not knobs: a script refits them. Fixed numbers of the decoder are named
constants in restore/settings.py, each with a comment saying where it comes from.

Usage: python scripts/count_knobs.py [--limit N]
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import restore  # noqa: E402

NUMERIC = ("int", "float", "float | None", "int | None", "dict")
FITTED = {"calibration"}   # read from models/calibration.json


def knobs() -> list[tuple[str, str, object]]:
    """(where, name, default) of every tunable number."""
    found = []
    for f in dataclasses.fields(restore.Settings):
        if f.name not in FITTED and str(f.type) in NUMERIC:
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            found.append(("Settings", f.name, default))
    for name, p in inspect.signature(restore.Restorer.__init__).parameters.items():
        if p.kind is p.KEYWORD_ONLY and str(p.annotation) in NUMERIC:
            found.append(("Restorer", name, p.default))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=15)
    args = parser.parse_args()
    found = knobs()
    for where, name, default in found:
        print(f"{where:9} {name:18} {default!r}")
    print(f"{len(found)} knobs (limit {args.limit})")
    return 0 if len(found) <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
