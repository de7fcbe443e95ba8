"""``restore induce``: the command line of ``restore.induce`` (reading the inputs, writing the table)."""

from __future__ import annotations

import sys

from .induce import MIN_DOCS, MIN_OCCURRENCES, MIN_SCORE, MIN_SCORE_ALONE, Inducer, induced_tsv


def note(msg: str) -> None:
    print(f"restore induce: {msg}", file=sys.stderr)


def add_induce_parser(sub) -> None:
    """Register ``restore induce`` on the CLI's subparsers."""
    from .batch.records import INPUT_FORMATS
    p = sub.add_parser("induce", help="induce a spinner's substitutions from spun documents alone",
                       description="Find the words a spinner wrote over and over in a corpus of spun documents "
                                   "(no sources needed) and write the originals the language model reads in "
                                   "their place as a lexicon TSV (load it with --lexicon-trust dictionary).")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders, as for restore batch")
    p.add_argument("-o", "--output", required=True, help="induced lexicon (TSV), written atomically")
    p.add_argument("--field", default="text", help="the text field/column (default: text)")
    p.add_argument("--id-field", default="id", help="the record id field (default: id)")
    p.add_argument("--format", dest="input_format", choices=INPUT_FORMATS, default="auto")
    p.add_argument("--min-docs", type=int, default=MIN_DOCS, help=f"documents a type must appear in ({MIN_DOCS})")
    p.add_argument("--min-occurrences", type=int, default=MIN_OCCURRENCES,
                   help=f"occurrences a type must have (default {MIN_OCCURRENCES})")
    p.add_argument("--min-score", type=float, help=f"log-odds a pair needs to be kept (default {MIN_SCORE}, or "
                                                   f"{MIN_SCORE_ALONE} with no copies; higher: fewer, surer pairs)")
    p.add_argument("--summary", metavar="FILE", help="also write the summary as JSON here")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    p.set_defaults(func=cmd_induce)


def cmd_induce(args) -> int:
    """``restore induce``: read the inputs, induce, write the table (and the summary)."""
    import json
    from .cli import EXIT_OK, EXIT_USAGE, check_output
    from .learn import read_docs
    from .outfile import atomic_write_bytes
    if args.min_docs < 1 or args.min_occurrences < 1:
        note("error: --min-docs and --min-occurrences must be at least 1")
        return EXIT_USAGE
    for path in filter(None, (args.output, args.summary)):
        check_output(path, args.inputs)
    docs = read_docs(args.inputs, args.field, args.id_field, args.input_format)
    bad = [d for d in docs if d.problem]
    for d in bad[:5]:
        note(f"skipping record {d.id}: {d.problem}")
    inducer = Inducer(min_docs=args.min_docs, min_occurrences=args.min_occurrences,
                      min_score=args.min_score)
    rows = inducer.induce(d.text for d in docs)
    summary = {"records": len(docs), "unreadable": len(bad), **inducer.stats}
    header = (f"induced by restore induce from {len(docs) - len(bad)} documents: {len(rows)} pairs of "
              f"{inducer.stats['weighed']} types weighed")
    atomic_write_bytes(args.output, induced_tsv(rows, header).encode("utf-8"))
    if args.summary:
        atomic_write_bytes(args.summary, (json.dumps(summary, indent=1) + "\n").encode())
    if not args.quiet:
        note(f"{len(docs):,} records ({len(bad)} unreadable), {inducer.stats['weighed']:,} types weighed, "
             f"{len(rows):,} pairs induced, {inducer.stats['seconds']:.1f} s")
    return EXIT_OK
