"""``restore text`` on a long document: restored window by window and written as it goes.

``Restorer.restore`` keeps every edit and flag of a document (some 40 bytes per character of spun
text); for a document of tens of megabytes the result alone would outgrow the memory the work needs.
Plain and ``--diff`` output need only the text, so each window is written and dropped: memory stays
that of one window plus the document itself. (``--json`` and ``--explain`` report every edit, so they
keep the whole result.) The output is the same as ``restore(text).text``, written atomically as ever.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

from .cli import EXIT_OK, _Bar, _use_colour, check_output, colour_diff
from .outfile import writing


@contextmanager
def _sink(path: str | None, inputs: list[str]):
    if path is None or path == "-":
        sys.stdout.flush()
        out = getattr(sys.stdout, "buffer", None)
        if out is None:  # a text-only stand-in for stdout (tests): encode here
            yield _TextSink(sys.stdout)
        else:
            yield out
            out.flush()
        return
    check_output(path, inputs)
    with writing(Path(path)) as f:
        yield f


class _TextSink:
    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, data: bytes) -> None:
        self.stream.write(data.decode("utf-8", "surrogateescape"))


def stream_text(args, text: str, restorer) -> int:
    colour = _use_colour(args) if args.diff else False
    with _Bar(args) as bar, _sink(args.output, [args.input]) as out:
        for _, result in restorer.restore_windows(text, progress=bar):
            piece = colour_diff(result, colour) if args.diff else result.text
            out.write(piece.encode("utf-8", "surrogateescape"))
    return EXIT_OK
