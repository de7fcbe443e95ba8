"""The command-line options that say which engine to build, shared by ``text``, ``detect`` and ``batch``.

One parent parser defines them once, so the three commands cannot drift apart in names, defaults or help;
``engine_keywords`` turns the parsed options into ``Restorer`` keywords the same way for all three.
"""

from __future__ import annotations

import argparse


def engine_options(*, pooled: bool = False) -> argparse.ArgumentParser:
    """A parent parser (``parents=[...]``) with the engine options; ``pooled`` adds ``--spinner-mode
    pooled`` (one mode fitted over many documents: batch only)."""
    from .dictionary import FORMATS
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("engine")
    g.add_argument("--lm", default="ngram", help="language model: ngram (default), gemma (neural rescoring, needs "
                   "restore[neural]), an n-gram model file, or a Hugging Face model folder")
    g.add_argument("--lexicon", action="append", default=[], metavar="FILE",
                   help="extra lexicon: spun<TAB>original[<TAB>weight] pairs, a PPS tortured-phrase export, "
                        "or a spinner thesaurus (synonym groups, MyThes, spintax); repeatable")
    g.add_argument("--lexicon-format", choices=("auto",) + FORMATS, default="auto",
                   help="format of the --lexicon files (default: detected): tsv, pps (tortured<TAB>"
                        "expected), groups (head|synonym|...), mythes (.dat thesaurus), spintax ({a|b|c})")
    g.add_argument("--lexicon-trust", choices=("auto", "phrases", "dictionary"), default="auto",
                   help="phrases: every pair applies, even in otherwise clean text; dictionary: a spinner's "
                        "thesaurus, used only where the document reads as spun (default: phrases for "
                        "tsv/pps, dictionary for the group formats)")
    g.add_argument("--lexicon-only", action="store_true",
                   help="use only the --lexicon files, not the bundled lexicons")
    g.add_argument("--spinner-mode", choices=("auto", "head", "shuffle") + (("pooled",) if pooled else ()),
                   default="auto",
                   help="how the spinner used a dictionary: head (head words replaced), shuffle (any "
                        "member by any other), auto (chosen per document; default)"
                        + (", pooled (chosen once for the whole run from its first records: one site, "
                           "one plugin)" if pooled else ""))
    g.add_argument("--profile", choices=("news", "science"), default="news",
                   help="science: add the term lexicon and the detector of phrases no lexicon lists "
                        "(add a tortured-phrase export with --lexicon)")
    g.add_argument("--no-wordnet", action="store_true", help="leave out WordNet inverse-thesaurus candidates")
    g.add_argument("--min-confidence", type=float, default=0.5,
                   help="apply only edits at least this confident (default 0.5)")
    return p


def lexicon_keywords(args: argparse.Namespace) -> dict:
    """Restorer keywords of --lexicon-format, --lexicon-trust and --spinner-mode ("pooled" is decided by
    the batch runner, so each document's restorer starts from auto)."""
    return {"lexicon_format": None if args.lexicon_format == "auto" else args.lexicon_format,
            "lexicon_trust": None if args.lexicon_trust == "auto" else args.lexicon_trust,
            "spinner_mode": "auto" if args.spinner_mode == "pooled" else args.spinner_mode}


def check_engine_options(args: argparse.Namespace) -> str | None:
    """A usage error in the engine options, or None."""
    if args.lexicon_only and not args.lexicon:
        return "--lexicon-only needs at least one --lexicon"
    if not 0.0 <= args.min_confidence <= 1.0:
        return f"--min-confidence must lie between 0 and 1, got {args.min_confidence}"
    return None
