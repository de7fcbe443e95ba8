"""Science profile on tortured phrases no bundled list holds: detection, restoration, compositional ceiling.

Half U of the tortured-phrase list (``restore.split.tortured_half``; never bundled, never tuned on) is put
in the benchmark's sentence templates (``datasets.tortured_in_context``), with the expected phrase's
bracketed acronym dropped (no restorer can know it). Reported:

* detection: an example is found when a flag overlaps the phrase, and has a false flag when a flag lies
  wholly outside it. ``--curve`` sweeps the unlisted detector's threshold over the best run score
  inside and outside the phrase in each sentence (every run, before overlaps are resolved, so the
  false-flag share is an upper bound) and draws precision (sentence level) against recall;
* restoration top-1 and top-5 (``evaluate.tortured``: the output, its alternatives, the candidates);
* the compositional ceiling: the share of phrases whose expected words are each among the word's
  originals (same length), and the share whose expected phrase survives the candidate beam;
* news: words changed on seed 000 by the default profile, and unlisted flags per 1,000 words on it;
  with ``--clean N``, the same on clean prose (the benchmark corpus) and the science profile's edits there.

    python -m benchmarks.science [--half U] [--limit N] [--curve PNG] [--clean N] [--skip-tortured]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time

from restore import Restorer
from restore.split import tortured_half
from restore.tokenize import sentences, tokenize

from .datasets import seed_clean, tortured_in_context, tortured_rows
from .evaluate import tortured
from .metrics import overlaps
from .text import words


def half_rows(half: str, limit: int | None, seed: int = 7) -> list[tuple[str, str]]:
    rows = [(t, re.sub(r"\s*\([^)]*\)", "", e).strip()) for t, e in tortured_rows() if tortured_half(e) == half]
    rows = [(t, e) for t, e in rows if e and words(t) != words(e)]
    if limit and limit < len(rows):
        import random
        rows = random.Random(seed).sample(rows, limit)
    return rows


def science_restorer(tmp: str) -> Restorer:
    """The science profile with half T's fingerprints loaded as a user phrase list, as a user would load
    the screener's export; read from ../shared at run time, never stored in the project."""
    import os
    path = os.path.join(tmp, "science_phrases.tsv")
    rows = sorted({(t, e) for t, e in half_rows("T", None) if len(t.split()) <= 12 and len(e.split()) <= 12})
    with open(path, "w", encoding="utf-8") as f:
        f.write("tortured\texpected\n" + "".join(f"{t}\t{e}\n" for t, e in rows))
    return Restorer(profile="science", lexicons=[path], lexicon_format="pps", lexicon_trust="phrases")


def detection(restorer: Restorer, exs) -> dict:
    found = false = 0
    kinds = {"lexicon": 0, "unlisted": 0}
    for ex in exs:
        span = ex.spans[0]
        flags = restorer.detect(ex.spun).spans
        hit = [f for f in flags if overlaps(span, f.start, f.end)]
        found += bool(hit)
        false += any(not overlaps(span, f.start, f.end) for f in flags)
        for f in hit[:1]:
            kinds[f.kind] += 1
    n = len(exs)
    return {"n": n, "recall": found / n, "false_flag_sentences": false / n, "found_by": kinds}


def run_scores(restorer: Restorer, exs) -> list[tuple[float, float]]:
    """(best run score overlapping the phrase, best run score outside it) per example; a phrase the
    lexicons already flag counts as found at any threshold."""
    det = restorer.unlisted.detector
    out = []
    for ex in exs:
        span = ex.spans[0]
        listed = [f for f in restorer.restore(ex.spun).flags if f.kind == "lexicon"]
        tokens = tokenize(ex.spun)
        inside = outside = -99.0
        if any(overlaps(span, f.start, f.end) for f in listed):
            inside = 99.0
        for u in det.runs(tokens, sentences(ex.spun, tokens)):
            if overlaps(span, u.start, u.end):
                inside = max(inside, u.score)
            else:
                outside = max(outside, u.score)
        if any(not overlaps(span, f.start, f.end) for f in listed):
            outside = 99.0
        out.append((inside, outside))
    return out


def curve(scores: list[tuple[float, float]]) -> list[dict]:
    points = []
    for k in range(-10, 41):
        t = k / 2
        tp = sum(i >= t for i, _ in scores)
        fp = sum(o >= t for _, o in scores)
        points.append({"threshold": t, "recall": tp / len(scores), "false_flag_sentences": fp / len(scores),
                       "precision": tp / (tp + fp) if tp + fp else 1.0})
    return points


def plot(points: list[dict], path: str, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot([p["recall"] for p in points], [p["precision"] for p in points], marker=".")
    for p in points[::4]:
        ax.annotate(f"{p['threshold']:g}", (p["recall"], p["precision"]), fontsize=7)
    ax.set_xlabel("recall (phrase flagged)")
    ax.set_ylabel("precision (sentence level)")
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def ceiling(restorer: Restorer, rows) -> dict:
    det = restorer.unlisted.detector
    per_word = beam = 0
    for tortured_, expected in rows:
        a = [t.norm for t in tokenize(tortured_)]
        b = [t.norm for t in tokenize(expected.lower())]
        if len(a) != len(b) or not 1 <= len(a) <= 4:
            continue
        if all(y in {o for o, _ in det.word_options(x)} for x, y in zip(a, b)):
            per_word += 1
            beam += tuple(b) in {c for c, _ in det.compose(tuple(a))}
    return {"n": len(rows), "per_word": per_word / len(rows), "after_beam": beam / len(rows)}


def news() -> dict:
    ex = seed_clean()
    if ex is None:
        return {}
    plain = Restorer().restore(ex.spun)
    flagged = Restorer(unlisted=True).restore(ex.spun)
    n = len(words(ex.spun))
    science = Restorer(profile="science").restore(ex.spun)
    return {"seed000_science_profile_edits": [[e.spun, e.original] for e in science.edits],
            "seed000_words_changed_default": len(plain.edits), "seed000_text_unchanged": plain.text == ex.spun,
            "seed000_unlisted_flags_per_1000_words": 1000 * sum(f.kind == "unlisted" for f in flagged.flags) / n,
            "seed000_unlisted_flag_only_unchanged": flagged.text == ex.spun}


def clean_prose(per_source: int) -> dict:
    """Clean prose (the benchmark's corpus, first ``per_source`` documents of each source): the default
    profile's output with and without the unlisted flags, the flags' rate, and the science profile's edits."""
    from .corpus import load
    from .text import count_words
    plain, flagged, science = Restorer(), Restorer(unlisted=True), Restorer(profile="science")
    n_words = n_sents = flagged_sents = n_flags = changed = science_edits = 0
    for d in load(per_source):
        text = d["text"]
        out = flagged.restore(text)
        changed += out.text != plain.restore(text).text   # flags only: never a different text
        unlisted = [f for f in out.flags if f.kind == "unlisted"]
        n_flags += len(unlisted)
        tokens = tokenize(text)
        sents = sentences(text, tokens)
        n_sents += len(sents)
        flagged_sents += sum(any(s[0].start <= f.start < s[-1].end for f in unlisted) for s in sents if s)
        n_words += count_words(text)
        science_edits += sum(len(words(e.spun)) for e in science.restore(text).edits if e.original)
    return {"documents": len(load(per_source)), "words": n_words,
            "documents_where_flags_only_changed_the_output": changed,
            "unlisted_flags_per_1000_words": 1000 * n_flags / n_words,
            "sentences_with_unlisted_flag": flagged_sents / n_sents,
            "science_profile_words_changed_per_1000": 1000 * science_edits / n_words}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--half", choices=("T", "U"), default="U")
    ap.add_argument("--limit", type=int, default=None, help="a seeded sample of this many phrases")
    ap.add_argument("--curve", help="write the precision/recall curve here (PNG)")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--clean", type=int, default=0, metavar="N",
                    help="also score the first N clean-prose documents of each corpus source")
    ap.add_argument("--skip-tortured", action="store_true", help="only the news and clean-prose checks")
    args = ap.parse_args(argv)
    rows = half_rows(args.half, args.limit)
    exs = tortured_in_context(rows)
    t0 = time.time()
    import tempfile
    tmp = tempfile.TemporaryDirectory()
    science = science_restorer(tmp.name)
    out: dict = {"half": args.half}
    if not args.skip_tortured:
        out["detection"] = detection(science, exs)
        top = tortured(science, exs)
        out["restoration"] = {"n": top["n"], "top1": top["top1"], "top5": top["top5"]}
        out["ceiling"] = ceiling(science, rows)
    if args.curve and not args.skip_tortured:
        points = curve(run_scores(science, exs))
        out["curve"] = points
        plot(points, args.curve, f"unlisted tortured phrases, half {args.half} in context (n={len(exs)})")
    out["news"] = news()
    if args.clean:
        out["clean_prose"] = clean_prose(args.clean)
    out["seconds"] = round(time.time() - t0, 1)
    text = json.dumps(out, indent=1)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    print(json.dumps({k: v for k, v in out.items() if k != "curve"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
