"""Negative benchmark: short clean records that must come back unchanged (licences, READMEs, changelogs).

    python -m benchmarks.negative            # the scored half: words changed, and every change listed
    python -m benchmarks.negative --dev      # the development half, for choosing settings

A batch record is usually a paragraph, and a paragraph gives the document gate little to go on. The
paragraphs come from the machine's own Debian files: /usr/share/common-licenses (Apache-2.0, GPL, MPL,
...) and the README and changelog files under /usr/share/doc, cut at blank lines (at least 5 words).
They are split in two halves by a hash of the text: settings are chosen on ``--dev``, reported on the
other half. Missing folders are skipped with a note.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
import zlib
from pathlib import Path

LICENSES = Path("/usr/share/common-licenses")
DOCS = Path("/usr/share/doc")
MAX_FILES = 400          # README/changelog files read, in sorted order: bounded run time
MAX_PARAGRAPHS = 3000


def _read(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def paragraphs() -> list[tuple[str, str]]:
    """``(source, paragraph)`` of every file found, in a fixed order."""
    files: list[Path] = []
    if LICENSES.is_dir():
        files += sorted(p for p in LICENSES.iterdir() if p.is_file())
    else:
        print(f"note: {LICENSES} not found: skipping licences", file=sys.stderr)
    if DOCS.is_dir():
        docs = sorted(DOCS.glob("*/README*")) + sorted(DOCS.glob("*/changelog*"))
        files += [p for p in docs if p.is_file()][:MAX_FILES]
    else:
        print(f"note: {DOCS} not found: skipping READMEs and changelogs", file=sys.stderr)
    out = []
    for path in files:
        try:
            text = _read(path)
        except (OSError, EOFError, ValueError):
            continue
        for par in text.split("\n\n"):
            if len(par.split()) >= 5 and "\ufffd" not in par:
                out.append((str(path), par.strip("\n")))
    return out[:MAX_PARAGRAPHS]


def half(par: str) -> str:
    return "dev" if zlib.crc32(par.encode()) % 2 == 0 else "test"


def run(dev: bool, knobs: dict) -> dict:
    import restore
    r = restore.Restorer(**knobs)
    pars = [(s, p) for s, p in paragraphs() if half(p) == ("dev" if dev else "test")]
    changed, words, edits = 0, 0, []
    t0 = time.perf_counter()
    for source, par in pars:
        res = r.restore(par)
        words += len(par.split())
        for e in res.edits:
            changed += max(len(e.spun.split()), len(e.original.split()))
            edits.append({"source": source, "spun": e.spun, "original": e.original,
                          "confidence": round(e.confidence, 2),
                          "context": par[max(0, e.start - 40):e.end + 40].replace("\n", " ")})
    return {"half": "dev" if dev else "test", "paragraphs": len(pars), "words": words, "words_changed": changed,
            "per_1000": round(1000 * changed / max(1, words), 3), "edits": edits,
            "seconds": round(time.perf_counter() - t0, 1), "knobs": knobs}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("knobs", nargs="*", help="Restorer settings as name=value")
    ap.add_argument("--dev", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    from .dev import parse_knobs
    knobs = parse_knobs(args.knobs)
    res = run(args.dev, knobs)
    print(f"{res['half']} half: {res['paragraphs']} paragraphs, {res['words']} words, {res['words_changed']} words "
          f"changed ({res['per_1000']} per 1,000), {res['seconds']} s")
    for e in res["edits"]:
        print(f"  {e['spun']!r} -> {e['original']!r} ({e['confidence']}) in ...{e['context']}...")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
