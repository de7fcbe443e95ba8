"""Command line: ``restore text``, ``restore detect`` (``restore batch``, ``restore bench`` live in their own modules).

Exit codes: 0 success; 1 bad input (missing or unreadable file, binary, UTF-16 or other non-UTF-8 data,
bad lexicon, output over the input); 2 bad usage (unknown option, conflicting arguments).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import warnings
from pathlib import Path

from .errors import InputError, RestoreError
from .encoding import wide_encoding
from .exitcodes import EXIT_INPUT, EXIT_OK, EXIT_USAGE, PICKLED_MODEL  # noqa: F401  (also importable from here)
from .outfile import atomic_write_bytes, is_special, real_target  # noqa: F401  (atomic_write_bytes: re-exported)
from .options import check_engine_options, engine_options, lexicon_keywords


def read_input(source: str) -> str:
    """Text of a file (or stdin for ``-``), refusing binary and non-UTF-8 input with a clear error."""
    if source == "-":
        data = sys.stdin.buffer.read()
        name = "standard input"
    else:
        path = Path(source)
        if not path.exists():
            raise InputError(f"{source}: no such file")
        if path.is_dir():
            raise InputError(f"{source}: is a directory (give a file, or use '-' for standard input)")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{source}: cannot read: {exc.strerror}") from None
        name = source
    wide = wide_encoding(data)
    if wide:
        raise InputError(f"{name}: {wide}")
    if b"\x00" in data:
        raise InputError(f"{name}: looks like binary data (contains NUL bytes); restore reads UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r}); "
                         "convert it first, e.g. with iconv") from None
    # A UTF-8 byte-order mark stays: it is the text's first character, so a clean file comes back byte
    # for byte and offsets count from the start of the file. Empty (or blank) input is a document with
    # nothing to restore, as in ``restore batch``: it comes back as it is, with a note.
    if not text.strip():
        print(f"restore: note: {name} is empty; nothing to restore", file=sys.stderr)
    return text


def write_output(path: str | None, content: str, inputs: list[str]) -> None:
    """Write to ``path`` (see restore.outfile: atomic for a file, direct for a device), or to stdout;
    never over an input file."""
    if path is None or path == "-":
        _write_stdout(content)
        return
    check_output(path, inputs)
    atomic_write_bytes(Path(path), content.encode("utf-8"))


def check_output(path: str, inputs: list[str]) -> None:
    """Refuse an output file that is an input, or whose folder does not exist."""
    target = Path(path)
    for source in inputs:
        if source != "-" and Path(source).exists() and target.exists() and os.path.samefile(source, target):
            raise InputError(f"{path}: refusing to overwrite the input file")
    directory = real_target(target).parent
    if not is_special(target) and not directory.is_dir():
        raise InputError(f"{path}: folder {directory} does not exist")


def _write_stdout(content: str) -> None:
    """UTF-8 bytes, whatever the locale says: the output is the input's encoding, and a Latin-1 or ASCII
    terminal setting must not turn a restored text into an error."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # replaced by a text-only stream (tests, notebooks)
        sys.stdout.write(content)
        sys.stdout.flush()
        return
    sys.stdout.flush()
    buffer.write(content.encode("utf-8", "surrogateescape"))
    buffer.flush()


def colour_diff(result, colour: bool) -> str:
    """The text with each edit shown inline as [-spun-]{+original+} (coloured on a terminal)."""
    red, green, reset = ("\033[31m", "\033[32m", "\033[0m") if colour else ("", "", "")
    out, pos = [], 0
    for e in result.edits:
        out.append(result.source[pos:e.start])
        out.append(f"{red}[-{e.spun}-]{reset}{green}{{+{e.original}+}}{reset}")
        pos = e.end
    out.append(result.source[pos:])
    return "".join(out)


def _restorer(args):
    from . import Restorer
    # A neural model takes seconds to load: say so on a terminal, then clear the line.
    status = args.lm != "ngram" and sys.stderr.isatty()
    if status:
        print(f"restore: loading the language model ({args.lm}) ...", end="\r", file=sys.stderr, flush=True)
    try:
        if args.lexicon_only:
            from .lexicon import Lexicon
            return Restorer(lm=args.lm, lexicon=Lexicon(), lexicons=args.lexicon,
                            min_confidence=args.min_confidence, profile=args.profile, **lexicon_keywords(args))
        return Restorer(lm=args.lm, lexicons=args.lexicon, wordnet=not args.no_wordnet,
                        min_confidence=args.min_confidence, profile=args.profile, **lexicon_keywords(args))
    finally:
        if status:
            print("\033[K", end="", file=sys.stderr, flush=True)


class _Bar:
    """A progress bar on standard error for the slow (neural) part of one document, shown on a terminal only."""

    def __init__(self, args) -> None:
        self.on = args.lm != "ngram" and sys.stderr.isatty()
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            from tqdm import tqdm  # a dependency of transformers, so present wherever a neural model is
            self.bar = tqdm(total=total, desc="rescoring", leave=False, file=sys.stderr)
        if self.bar.total != total:
            self.bar.total = total
            self.bar.refresh()
        # update() by the work done since the last call: tqdm's rate and time left then count real work
        self.bar.update(done - self.bar.n)

    def __enter__(self):
        return self if self.on else None

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()


def cmd_text(args) -> int:
    text = read_input(args.input)
    restorer = _restorer(args)
    if len(text) > restorer.window_chars and not (args.json or args.explain):
        from .longtext import stream_text  # a long document: written window by window, memory bounded
        return stream_text(args, text, restorer)
    with _Bar(args) as bar:
        result = restorer.restore(text, progress=bar)
    if args.json:
        content = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif args.diff:
        content = colour_diff(result, _use_colour(args))
    else:
        content = result.text
    write_output(args.output, content, [args.input])
    if args.explain:
        print(result.explain(), file=sys.stderr)
    return EXIT_OK


def cmd_detect(args) -> int:
    text = read_input(args.input)
    restorer = _restorer(args)
    with _Bar(args) as bar:
        detection = restorer.detect(text, progress=bar)
    if args.json:
        content = json.dumps(detection.to_dict(), ensure_ascii=False, indent=2) + "\n"
    else:
        content = detect_tsv(text, detection)
    write_output(args.output, content, [args.input])
    # The score goes to standard error so that the output stays one table (a header and a row per span).
    print(f"spin score {detection.spin_score:.3f}: about {detection.spin_score:.0%} of the words look replaced "
          f"({len(detection.spans)} span{'' if len(detection.spans) == 1 else 's'})", file=sys.stderr)
    print(f"rewrite score {detection.rewrite_score:.3f}: {detection.kind}", file=sys.stderr)
    return EXIT_OK


def detect_tsv(text: str, detection) -> str:
    """Tab-separated spans under a header row; tabs and line breaks inside a span become spaces."""
    from .explain import Positions
    where = Positions(text)
    clean = lambda s: " ".join(s.split())  # noqa: E731
    lines = ["start\tend\tline:col\tp_spun\trestored\tspun\tlikely_original\tkind"]
    for f in detection.spans:
        line, col = where(f.start)
        lines.append(f"{f.start}\t{f.end}\t{line}:{col}\t{f.p_spun:.2f}\t{'yes' if f.restored else 'no'}\t"
                     f"{clean(f.spun)}\t{clean(f.best)}\t{f.kind}")
    return "\n".join(lines) + "\n"


def _use_colour(args) -> bool:
    if args.color == "always":
        return True
    if args.color == "never":
        return False
    return args.output in (None, "-") and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="restore", description="Find the words a synonym spinner changed "
                                     "and put the original wording back.",
                                     epilog="exit codes: 0 ok, 1 bad input, 2 bad usage")
    from . import __version__
    parser.add_argument("--version", action="version", version=f"restore {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False, parents=[engine_options()])
    common.add_argument("input", help="UTF-8 text file, or - for standard input")
    common.add_argument("-o", "--output", help="write here (atomically) instead of standard output")
    common.add_argument("--json", action="store_true", help="print the full result as JSON")
    text = sub.add_parser("text", parents=[common], help="print the restored text")
    text.add_argument("--explain", action="store_true", help="list the edits on standard error")
    text.add_argument("--diff", action="store_true", help="show edits inline as [-spun-]{+original+}")
    text.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    text.set_defaults(func=cmd_text)
    detect = sub.add_parser("detect", parents=[common], help="print spun-looking spans and the spin score")
    detect.set_defaults(func=cmd_detect)
    __import__("restore.batch", fromlist=["add_batch_parser"]).add_batch_parser(sub)
    from .learn_command import add_learn_parser
    add_learn_parser(sub)
    from .induce_cli import add_induce_parser
    add_induce_parser(sub)
    from .consensus import add_consensus_parser
    add_consensus_parser(sub)
    from .bench import add_bench_parser
    add_bench_parser(sub)
    return parser


# Deprecation notices from the libraries behind the neural models speak to their callers' authors, not to
# someone running a command.
_QUIET = r"(torch|transformers|accelerate|huggingface_hub|gguf|tokenizers|dask|distributed|pyarrow)(\.|$)"


def main(argv: list[str] | None = None) -> int:
    for category in (DeprecationWarning, FutureWarning, PendingDeprecationWarning):
        warnings.filterwarnings("ignore", category=category, module=_QUIET)
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "json", False) and getattr(args, "diff", False):
        parser.error("--json and --diff cannot be combined")
    if args.command in ("text", "detect") and (problem := check_engine_options(args)):
        parser.error(problem)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"restore: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except (RestoreError, OSError) as exc:  # bad lexicon, bad model path or setting, unwritable output
        print(f"restore: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except pickle.UnpicklingError:  # a model folder with pickled (.bin) weights, which torch will not load
        print(f"restore: error: {PICKLED_MODEL.format(lm=getattr(args, 'lm', 'the model'))}", file=sys.stderr)
        return EXIT_INPUT
    except ImportError as exc:  # an optional package a command needs: say which extra brings it
        print(f"restore: error: {missing_extra(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130


# Which extra of pyproject.toml brings each optional package.
EXTRAS = {"zstandard": "batch", "pyarrow": "batch", "tqdm": "batch", "dask": "dask", "distributed": "dask",
          "pandas": "dask", "datasketch": "learn", "torch": "neural", "transformers": "neural", "gguf": "neural", "accelerate": "neural"}


def missing_extra(exc: ImportError) -> str:
    """One line naming the missing package and the install command (messages that already say it pass)."""
    if "pip install" in str(exc):
        return str(exc)
    top = (exc.name or "").split(".")[0]
    extra = EXTRAS.get(top)
    return f"{top or exc} is not installed" + (f": pip install 'restore[{extra}]'" if extra else "")


if __name__ == "__main__":
    raise SystemExit(main())
