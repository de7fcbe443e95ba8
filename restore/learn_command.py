"""``restore learn``: the command line of restore.learn (options, summary, links file)."""

from __future__ import annotations

import sys
import time

from .learn import MIN_CONFIDENCE, MIN_SIMILARITY, learn, make_linker, note, read_docs


def add_learn_parser(sub) -> None:
    """Register ``restore learn`` on the CLI's subparsers."""
    from .batch.records import INPUT_FORMATS
    p = sub.add_parser("learn", help="learn a spinner's substitutions from spun copies and their sources in a corpus",
                       description="Link spun copies to their sources among the records of a corpus and write the "
                                   "substitutions the spinner made as a lexicon TSV (load it with --lexicon).")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders, as for restore batch")
    p.add_argument("-o", "--output", required=True, help="learned lexicon (TSV), written atomically")
    p.add_argument("--links", metavar="FILE", help="also write the links as JSONL (spun id, source id, similarity, "
                                                  "direction confidence; exact duplicates too)")
    p.add_argument("--field", default="text", help="the text field/column (default: text)")
    p.add_argument("--id-field", default="id", help="the record id field (default: id; else the record's place)")
    p.add_argument("--format", dest="input_format", choices=INPUT_FORMATS, default="auto")
    p.add_argument("--min-count", type=int, default=2, help="keep pairs seen at least this often (default 2)")
    p.add_argument("--min-similarity", type=float, default=MIN_SIMILARITY,
                   help=f"share of words in shared runs for a link (default {MIN_SIMILARITY})")
    p.add_argument("--min-confidence", type=float, default=MIN_CONFIDENCE,
                   help=f"share of differing places where the source must read better (default {MIN_CONFIDENCE})")
    p.add_argument("--rewritten", action="store_true",
                   help="also link copies rewritten sentence by sentence (translation round trips, paraphrases) "
                        "by sentence meaning; needs restore[learn]'s sentence model")
    p.add_argument("-j", "--jobs", type=int, default=1,
                   help="worker processes for the signatures and the pair alignments (default 1)")
    p.add_argument("--dask", nargs="?", const="local", metavar="ADDRESS",
                   help="run them on Dask: a LocalCluster of -j workers, or the scheduler at ADDRESS "
                        "(write --dask=tcp://host:8786 before the inputs); the links are the same")
    p.add_argument("--summary", metavar="FILE", help="also write the summary as JSON here")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    p.set_defaults(func=cmd_learn)


def learning_executor(jobs: int, dask: str | None):
    """``(executor or None, cleanup)`` for the linking tasks: Dask workers, a process pool, or none."""
    if dask:
        from .dask import cluster_executor
        executor, _, cleanup, _ = cluster_executor(dask, max(1, jobs))
        return executor, cleanup
    if jobs > 1:
        import concurrent.futures as cf
        import multiprocessing
        pool = cf.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))
        return pool, pool.shutdown
    return None, lambda: None


def cmd_learn(args) -> int:
    import json
    from .cli import EXIT_OK, EXIT_USAGE, check_output
    from .mining import table_tsv
    from .outfile import atomic_write_bytes
    if args.min_count < 1 or args.jobs < 1:
        print("restore learn: error: --min-count and --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    for path in filter(None, (args.output, args.links, args.summary)):
        check_output(path, args.inputs)
    t0 = time.perf_counter()
    docs = read_docs(args.inputs, args.field, args.id_field, args.input_format)
    bad = [d for d in docs if d.problem]
    for d in bad[:5]:
        note(f"skipping record {d.id}: {d.problem}")
    from . import learn_parallel
    learn_parallel.show_progress = not args.quiet and sys.stderr.isatty()
    executor, cleanup = learning_executor(args.jobs, args.dask)
    try:
        linker = make_linker(args.rewritten, min_similarity=args.min_similarity, min_confidence=args.min_confidence,
                             executor=executor)
        links, duplicates, miner, rows = learn(docs, min_count=args.min_count, linker=linker)
    finally:
        cleanup()
    summary = {"records": len(docs), "unreadable": len(bad), "duplicates": len(duplicates), "links": len(links),
               "substitutions": sum(miner.pairs.values()), "pair_types": len(miner.pairs), "learned": len(rows),
               "profiles": len({r[4] for r in rows}),
               "estimated_coverage": round(miner.coverage(), 4), "seconds": round(time.perf_counter() - t0, 2),
               **linker.stats}
    header = (f"learned by restore learn from {len(links)} linked copies: {summary['substitutions']} substitutions, "
              f"{len(rows)} pairs seen at least {args.min_count} times")
    atomic_write_bytes(args.output, table_tsv(rows, header).encode("utf-8"))
    if args.links:
        lines = [{"spun": docs[k.spun].id, "source": docs[k.source].id, "similarity": k.similarity,
                  "direction_confidence": k.confidence, "kind": k.kind, "substitutions": k.substitutions}
                 for k in links]
        lines += [{"duplicate": docs[i].id, "of": docs[j].id, "similarity": 1.0} for i, j in duplicates]
        atomic_write_bytes(args.links, "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode())
    if args.summary:
        atomic_write_bytes(args.summary, (json.dumps(summary, indent=1) + "\n").encode())
    if not args.quiet:
        note(f"{len(docs):,} records ({len(bad)} unreadable, {len(duplicates)} exact duplicates), "
             f"{len(links):,} copies linked to their source, {summary['substitutions']:,} substitutions learned "
             f"({len(miner.pairs):,} pair types, {len(rows):,} seen at least {args.min_count} times), estimated "
             f"coverage {summary['estimated_coverage']:.0%}, {summary['seconds']:.1f} s")
    return EXIT_OK
