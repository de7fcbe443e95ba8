"""``restore batch`` on the command line."""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import pickle
import sys
import tempfile
from pathlib import Path

from ..api import MAX_SPIN
from ..errors import InputError, RestoreError
from ..exitcodes import EXIT_INPUT, EXIT_OK, EXIT_USAGE, PICKLED_MODEL
from ..options import check_engine_options, engine_options, lexicon_keywords
from ..outfile import atomic_write_bytes
from .records import (DEFAULT_CHECKPOINT_EVERY, DEFAULT_CHUNK_RECORDS, DEFAULT_MAX_CHARS,
    DEFAULT_MAX_RECORD_BYTES, INPUT_FORMATS, Job, MODES, OUTPUT_FORMATS, RestorerSpec, restorer_for)
from .runner import Options, run


def add_batch_parser(sub) -> argparse.ArgumentParser:
    """Register ``restore batch`` on the CLI's subparsers."""
    p = sub.add_parser("batch", parents=[engine_options(pooled=True)],
                       help="clean a corpus: files, folders, JSONL(.gz/.zst), CSV, Parquet",
                       description="Restore, score or filter every record of a corpus, streaming, in parallel. "
                                   "Inputs are never modified; the output appears (atomically) when the run ends.",
                       epilog="exit codes: 0 ok (record-level failures are reported in the error field), "
                              "1 bad input, 2 bad usage, 130 interrupted (resume with --resume)")
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="files or folders: .txt (any other name), .jsonl/.ndjson/.json, .csv/.tsv, .parquet; "
                        ".gz/.zst compressed too")
    p.add_argument("-o", "--output", required=True,
                   help="output: .jsonl[.gz|.zst], .csv[.gz|.zst], .parquet, a folder (text inputs), or - for "
                        "JSONL on standard output")
    p.add_argument("--format", dest="input_format", choices=INPUT_FORMATS, default="auto",
                   help="input format (default: from each file name)")
    p.add_argument("--output-format", choices=OUTPUT_FORMATS, default="auto",
                   help="output format (default: from the output name)")
    p.add_argument("--field", default="text", help="the text field/column (default: text)")
    _add_output_options(p)
    _add_run_options(p)
    p.add_argument("--learn", action="store_true",
                   help="two passes: first learn the spinners' substitutions from the spun copies in the inputs "
                        "whose sources are there too (restore learn), then restore every record with them as a "
                        "spinner dictionary (--lexicon-trust becomes dictionary unless given); a linked copy gets "
                        "its source's text and source_id")
    p.add_argument("--rewritten", action="store_true",
                   help="with --learn: also link copies rewritten sentence by sentence (translation round trips, "
                        "paraphrases) by sentence meaning, and give them their source's text")
    p.set_defaults(func=cmd_batch)
    return p


def _add_output_options(p: argparse.ArgumentParser) -> None:
    """What each output record holds, and which records are written (the filter mode)."""
    where = p.add_mutually_exclusive_group()
    where.add_argument("--restored-field", default="restored",
                       help="field for the restored text (default: restored)")
    where.add_argument("--in-place-field", action="store_true",
                       help="write the restored text over --field instead of adding a field")
    p.add_argument("--edits", action="store_true",
                   help="add the edits (restore mode) or spun spans (detect/filter) to each record as JSON")
    p.add_argument("--mode", choices=MODES, default="restore",
                   help="restore: add the restored text; detect: add the spin score only; filter: keep only "
                        "documents with spin score <= --max-spin")
    p.add_argument("--max-spin", type=float, default=MAX_SPIN,
                   help="spin score (estimated share of words replaced) above which a document counts as spun "
                        f"(default {MAX_SPIN})")
    p.add_argument("--unknown-spun", action="store_true",
                   help="detect/filter: also count as spun a document whose signs of rewriting need no lexicon "
                        "(kind 'unknown spinner': odd word pairs, joined compounds; docs/rewriting.md)")
    p.add_argument("--spun-output", metavar="FILE",
                   help="filter mode: write spun documents here instead of dropping them")
    p.add_argument("--error-field", default="error", help="field for per-record errors (default: error)")
    p.add_argument("--summary", metavar="FILE", help="also write the summary as JSON here")


def _add_run_options(p: argparse.ArgumentParser) -> None:
    """How the run goes: workers, order, resuming, limits, progress."""
    p.add_argument("-j", "--jobs", type=int, default=1,
                   help=f"worker processes (default 1; inputs under {SMALL_INPUT // 1024} KB use one)")
    p.add_argument("--unordered", action="store_true",
                   help="write records as they finish instead of in input order (faster with mixed lengths)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run with the same command")
    p.add_argument("--dask", nargs="?", const="local", metavar="ADDRESS",
                   help="run the workers on Dask: a LocalCluster of -j workers, or the scheduler at ADDRESS "
                        "(write --dask=tcp://host:8786 before the inputs)")
    p.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS,
                   help=f"longer texts get an error instead of a result (default {DEFAULT_MAX_CHARS:,})")
    p.add_argument("--max-record-bytes", type=int, default=DEFAULT_MAX_RECORD_BYTES,
                   help="longer input lines/files are reported, not read (default 64 MiB)")
    p.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_RECORDS,
                   help=f"records per task sent to a worker (default {DEFAULT_CHUNK_RECORDS})")
    p.add_argument("--checkpoint-every", type=int, default=DEFAULT_CHECKPOINT_EVERY,
                   help=f"records between checkpoints (default {DEFAULT_CHECKPOINT_EVERY})")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary line")
    p.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")


def _looks_like_address(value: str) -> bool:
    if "://" in value or value == "local":
        return True
    host, _, port = value.rpartition(":")
    return bool(host) and port.isdigit()


# A worker process costs about a second to start (spawn, import, load the lexicons); below this much
# input, one process finishes first. Measured on 2 cores: 7 KB took 1.4-1.9 s with -j 1 and 1.8-1.9 s
# with -j 2, 74 KB 4.5-4.9 s against 5.6-6.3 s; at 300 KB the two were level (17-18 s).
SMALL_INPUT = 256 * 1024


def _small(inputs: list[str]) -> bool:
    """Whether the inputs are plain files (or folders of them) smaller than SMALL_INPUT in all."""
    total = 0
    for name in inputs:
        path = Path(name)
        if name == "-" or not path.exists():
            return False   # standard input has no size; a missing file is reported later
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        # compressed inputs hold several times their size in text
        total += sum(f.stat().st_size * (5 if f.suffix in (".zst", ".parquet", ".gz") else 1) for f in files)
        if total >= SMALL_INPUT:
            return False
    return True


def cmd_batch(args) -> int:
    inputs = list(args.inputs)
    if args.dask and not _looks_like_address(args.dask):
        inputs.insert(0, args.dask)  # "--dask corpus.jsonl": the flag took an input as its value
        args.dask = "local"
    if not inputs:
        print("restore batch: error: give at least one INPUT", file=sys.stderr)
        return EXIT_USAGE
    for name, value, low in (("--jobs", args.jobs, 1), ("--chunk-size", args.chunk_size, 1),
                             ("--checkpoint-every", args.checkpoint_every, 1), ("--max-chars", args.max_chars, 1),
                             ("--max-record-bytes", args.max_record_bytes, 1)):
        if value < low:
            print(f"restore batch: error: {name} must be at least {low}", file=sys.stderr)
            return EXIT_USAGE
    if problem := check_engine_options(args):
        print(f"restore batch: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.jobs > 1 and not args.dask and _small(inputs):
        args.jobs = 1  # starting workers would cost more than they save (measured: see _small)
    copies: list[Path] = []
    try:
        lexicons = tuple(_lexicon_path(p, copies) for p in args.lexicon)
        sources = None
        if args.learn:
            table, sources = _learned_table(args, inputs, copies)
            lexicons += (table,)
            if args.lexicon_trust == "auto":
                args.lexicon_trust = "dictionary"
        return _cmd_batch(args, inputs, lexicons, sources)
    except InputError as exc:
        print(f"restore: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    finally:
        for copy in copies:
            copy.unlink(missing_ok=True)


MAX_STREAMED_LEXICON = 256 * 1024 * 1024


def _lexicon_path(given: str, copies: list[Path]) -> str:
    """A lexicon file every worker can read. A pipe or device (``/dev/stdin``, ``<(...)``) can be read
    only once, so it is copied to a temporary file named by its content (the same content gives the same
    name, and so the same fingerprint for ``--resume``), removed when the command ends."""
    path = Path(given)
    if path.is_file():
        return str(path.resolve())
    if not path.exists() or path.is_dir():
        raise InputError(f"lexicon file not found: {path.resolve()}")
    with open(path, "rb") as f:
        data = f.read(MAX_STREAMED_LEXICON + 1)
    if len(data) > MAX_STREAMED_LEXICON:
        raise InputError(f"{given}: a lexicon read from a pipe or device may hold at most "
                         f"{MAX_STREAMED_LEXICON // 2**20} MiB")
    copy = Path(tempfile.gettempdir()) / f"restore-lexicon-{hashlib.sha256(data).hexdigest()[:16]}.tsv"
    atomic_write_bytes(copy, data)
    copies.append(copy)
    return str(copy)


POOL_RECORDS = 500   # records read to fit a pooled spinner mode: enough for a site, cheap beside the run


def _pooled_mode(spec: RestorerSpec, inputs: list[str], args) -> str:
    """The spinner mode fitted to the run's first records together (``Restorer.pooled_mode``)."""
    from .inputs import Reader, expand_inputs
    from .records import item_text
    texts = []
    reader = Reader(expand_inputs(inputs, args.input_format), field=args.field, error_field=args.error_field,
                    max_record_bytes=args.max_record_bytes)
    for _, kind, data, _ in reader:
        text = item_text(kind, data, args.field)
        if text is not None and len(text) <= args.max_chars:
            texts.append(text)
        if len(texts) >= POOL_RECORDS:
            break
    mode = restorer_for(spec).pooled_mode(texts) or "auto"
    if not args.quiet:
        print(f"restore: spinner mode pooled over {len(texts)} records: {mode}", file=sys.stderr)
    return mode


def _learned_table(args, inputs: list[str], copies: list[Path]) -> tuple[str, str]:
    """The first pass of ``--learn``: the table ``restore learn`` would write, and the linked copies' sources
    (text hash -> [source id, source text]), in temporary files named by their content (the same corpus
    gives the same names, so ``--resume`` sees the same run)."""
    from ..learn import learn, make_linker, note, read_docs
    from ..mining import table_tsv
    from .records import source_key
    docs = read_docs(inputs, args.field, "id", args.input_format, args.max_chars)
    from ..learn_command import learning_executor
    executor, cleanup = learning_executor(args.jobs, args.dask)
    try:   # the linking tasks run where the restoring will (the cluster is started again for that pass)
        links, duplicates, miner, rows = learn(docs, linker=make_linker(args.rewritten, executor=executor))
    finally:
        cleanup()
    data = table_tsv(rows, f"learned from {len(links)} linked copies").encode("utf-8")
    sources = {source_key(docs[k.spun].text): [docs[k.source].id, docs[k.source].text] for k in links}
    if not args.quiet:
        note(f"{len(links):,} copies linked to their source, {len(rows):,} substitution pairs learned")
    paths = []
    for name, blob in (("learned", data), ("sources", json.dumps(sources, sort_keys=True).encode("utf-8"))):
        suffix = ".tsv" if name == "learned" else ".json"
        copy = Path(tempfile.gettempdir()) / f"restore-{name}-{hashlib.sha256(blob).hexdigest()[:16]}{suffix}"
        atomic_write_bytes(copy, blob)
        copies.append(copy)
        paths.append(str(copy))
    return paths[0], paths[1]


def _cmd_batch(args, inputs: list[str], lexicons: tuple[str, ...], sources: str | None = None) -> int:
    lm = args.lm if args.lm == "ngram" or not Path(args.lm).exists() else str(Path(args.lm).resolve())
    spec = RestorerSpec(lm=lm, lexicons=lexicons, lexicon_only=args.lexicon_only, wordnet=not args.no_wordnet,
                        min_confidence=args.min_confidence, profile=args.profile, **lexicon_keywords(args))
    try:  # fail early on a bad lexicon or model, before any worker starts
        if args.jobs <= 1 and not args.dask:
            restorer_for(spec)
        else:
            from ..lexicon import Lexicon
            for path in lexicons:
                Lexicon().load(path, format=spec.lexicon_format, trust=spec.lexicon_trust)
    except (RestoreError, OSError) as exc:
        print(f"restore: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except pickle.UnpicklingError:
        print(f"restore: error: {PICKLED_MODEL.format(lm=args.lm)}", file=sys.stderr)
        return EXIT_INPUT
    if args.spinner_mode == "pooled":
        spec = dataclasses.replace(spec, spinner_mode=_pooled_mode(spec, inputs, args))
    job = Job(spec=spec, mode=args.mode, field=args.field,
              restored_field=None if args.in_place_field else args.restored_field, edits=args.edits,
              max_spin=args.max_spin, max_chars=args.max_chars, error_field=args.error_field, sources=sources,
              unknown_spun=args.unknown_spun)
    options = Options(job=job, input_format=args.input_format, output_format=args.output_format,
                      spun_output=args.spun_output, jobs=args.jobs, unordered=args.unordered, resume=args.resume,
                      chunk_records=args.chunk_size, checkpoint_every=args.checkpoint_every,
                      max_record_bytes=args.max_record_bytes,
                      progress=False if args.quiet else (True if args.progress else None), dask=args.dask)
    try:
        summary = run(inputs, args.output, options)
    except KeyboardInterrupt:
        return 130
    except RuntimeError as exc:
        print(f"restore: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
    if args.summary:
        Path(args.summary).write_text(json.dumps(summary.to_dict(), indent=2) + "\n", encoding="utf-8")
    return EXIT_OK
