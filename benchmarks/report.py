"""Write results.json and a Markdown report (with the headline table that also goes into the README)."""

from __future__ import annotations

import json
import math
from pathlib import Path


def pct(c: dict | None, digits: int = 1) -> str:
    """``{"value", "low", "high"}`` as "87.3% (85.1-89.2)"."""
    if not c or c.get("value") is None or (isinstance(c["value"], float) and math.isnan(c["value"])):
        return "–"
    v, lo, hi = (100 * c[k] for k in ("value", "low", "high"))
    return f"{v:.{digits}f}% ({lo:.{digits}f}–{hi:.{digits}f})"


def per1000(c: dict | None) -> str:
    if not c or c.get("value") is None or (isinstance(c["value"], float) and math.isnan(c["value"])):
        return "–"
    return f"{c['value']:.2f} ({c['low']:.2f}–{c['high']:.2f})"


def num(x, spec: str, scale: float = 1.0, suffix: str = "") -> str:
    """A number formatted with ``spec``, or "–" when it is missing (a skipped input) or NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{scale * x:{spec}}{suffix}"


def get(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def headline(res: dict) -> str:
    """The key figures, one column per restorer."""
    names = [n for n in res["meta"]["restorers"]]
    rows = []

    def row(label, fn):
        rows.append([label] + [fn(n) for n in names])

    if "seed000" in res["seeds"]:
        row("Seed 000, clean news: words changed per 1,000", lambda n: per1000(get(res, "seeds", "seed000", n, "false_changes_per_1000")))
    if "seed001" in res["seeds"]:
        s1 = lambda n, *k: get(res, "seeds", "seed001", n, *k)
        row("Seed 001, real spinner: spans restored exactly", lambda n: pct(s1(n, "spans", "restored")))
        row("Seed 001: spans restored, whole regions (as eval_gold.py)", lambda n: pct(s1(n, "spans_strict", "restored")))
        row("Seed 001: spans changed to a wrong original", lambda n: pct(s1(n, "spans", "wrong")))
        row("Seed 001: spans left spun", lambda n: pct(s1(n, "spans", "kept")))
        row("Seed 001: words changed outside spun spans (count)", lambda n: str(s1(n, "false_changes")) if s1(n, "false_changes") is not None else "–")
    syn = get(res, "synthetic", "all")
    if syn:
        row("Synthetic (5 spinners, all rates): spans restored", lambda n: pct(get(syn, n, "spans", "restored")))
        row("Synthetic, in-dictionary spans restored", lambda n: pct(get(syn, n, "by_group", "in", "restored")))
        row("Synthetic, out-of-dictionary spans restored", lambda n: pct(get(syn, n, "by_group", "out", "restored")))
        row("Synthetic: untouched words changed per 1,000", lambda n: per1000(get(syn, n, "false_changes_per_1000")))
    if get(res, "clean"):
        row("Clean prose (5 sources): words changed per 1,000", lambda n: per1000(get(res, "clean", n, "all", "false_changes_per_1000")))
    if get(res, "tortured"):
        row("Tortured phrases in context, top-1", lambda n: pct(get(res, "tortured", n, "in_context", "top1")))
        row("Tortured phrases in context, top-5", lambda n: pct(get(res, "tortured", n, "in_context", "top5")))
    out = table(["metric"] + names, rows)
    extra = []
    pairs = res.get("pairs") or {}
    if pairs:
        extra.append("Candidate recall (original among the engine's candidates, any rank): "
                     + "; ".join(f"{label} {pct(get(pairs, key, 'any'))}" for key, label in
                                 (("seed001_distinct", "seed-001 distinct pairs"), ("dev", "observed pairs, dev half"),
                                  ("held_out", "observed pairs, held-out half")) if key in pairs) + ".")
    sp = res.get("speed")
    if sp:
        extra.append(f"Speed (engine, one process): {sp['throughput']['clean']['words_per_second']:,.0f} words/s on clean "
                     f"prose, {sp['throughput']['spun']['words_per_second']:,.0f} words/s on spun text; start-up "
                     f"{sp['startup']['startup_s']:.2f} s; peak RSS {sp['throughput']['clean']['peak_rss_mb']:.0f} MB.")
    m = res["meta"]
    extra.append(f"95% bootstrap intervals in brackets. {m['mode'].capitalize()} run of {m['date']}"
                 + (f" at commit {m['commit']}" if m.get("commit") else "")
                 + "; reproduce with `python -m benchmarks --readme` (details: benchmarks/results/report.md).")
    return out + "\n\n" + "\n".join(extra)


def span_cols(s: dict | None) -> list[str]:
    return [pct(get(s, "spans", "restored")), pct(get(s, "spans", "kept")), pct(get(s, "spans", "wrong")),
            per1000(get(s, "false_changes_per_1000"))]


def markdown(res: dict) -> str:
    m = res["meta"]
    names = m["restorers"]
    parts = [f"# Benchmark report\n\n{m['mode']} run, {m['date']}, commit {m.get('commit')}, "
             f"{m['seconds']:.0f} s. Machine: {m['machine']['cpus']} CPUs, load average at start "
             f"{m['machine']['load_average_at_start']}, Python {m['machine']['python']}.\n\n"
             "Restorers: **engine** = `restore.Restorer()` (default n-gram mode); **naive** = every lexicon hit "
             "replaced by its first candidate (left to right, longest hit first), with the engine's full lexicon; "
             "**naive-curated** = the same with `Restorer(wordnet=False)` (no WordNet inverse-thesaurus "
             "entries); **identity** = no change "
             "(a floor); **oracle** = the answer (a ceiling, for checking the metrics). Spans are scored by "
             "word alignment (see benchmarks/metrics.py); 95% bootstrap intervals in brackets (over documents, "
             "or over spans/words when there are fewer than five documents).",
             "## Headline\n\n" + headline(res)]
    for note in m.get("notes") or []:
        parts.append(f"> {note}")

    rows = []
    for seed, block in res["seeds"].items():
        for n in names:
            s = block.get(n)
            if s is None:
                continue
            det = s.get("detection") or {}
            rows.append([seed, n, get(s, "spans", "n") or "–", *span_cols(s),
                         pct(get(s, "wer_before")), pct(get(s, "wer_after")),
                         "/".join(num(det.get(k), ".2f") for k in ("precision", "recall", "f1")) if det else "–"])
    parts.append("## Seeds\n\n" + table(["seed", "restorer", "spans", "restored", "kept", "wrong",
                                         "changed outside spans /1,000", "WER before", "WER after",
                                         "detection P/R/F1"], rows))
    s1 = res["seeds"].get("seed001", {})
    if "candidates" in s1:
        c = s1["candidates"]["all"]
        d = s1["candidates_distinct"]
        parts.append("Seed 001 is scored against ../shared/data/seed001_gold.tsv, a reference aligned against the "
                     "source article (accepted alternatives count as restored; spans with an uncertain original are "
                     "neither credited nor penalised). *Restored* is per span: the original's words came back one "
                     "to one, and an untouched neighbour changed with it is counted once, as a change outside the "
                     "spans. The whole-region reading (as ../shared/tools/eval_gold.py) marks every span of a region "
                     "wrong unless the region's output is exactly an accepted restoration.")
        parts.append(f"Seed 001 candidate recall: every span {pct(c['at1'])} at rank 1, {pct(c['at5'])} in the top 5, "
                     f"{pct(c['any'])} anywhere; distinct pairs ({d['n']}) {pct(d['any'])} anywhere.")

    if res.get("clean"):
        sources = sorted(next(iter(res["clean"].values()))["by_source"])
        rows = [[src, str(res["clean"][names[0]]["by_source"][src]["words"])] +
                [per1000(get(res, "clean", n, "by_source", src, "false_changes_per_1000")) for n in names]
                for src in sources]
        rows.append(["**all**", str(res["clean"][names[0]]["all"]["words"])] +
                    [per1000(get(res, "clean", n, "all", "false_changes_per_1000")) for n in names])
        parts.append("## Clean prose: words changed per 1,000\n\nSources and licences in benchmarks/DATA.md.\n\n"
                     + table(["source", "words"] + names, rows))

    syn = res.get("synthetic") or {}
    if syn.get("cells"):
        rows = []
        for cell in syn["cells"]:
            for n in names:
                s = cell[n]
                rows.append([cell["spinner"], f"{cell['rate']:.0%}", f"{(cell.get('achieved_rate') or 0):.1%}", n,
                             get(s, "spans", "n"), pct(get(s, "by_group", "in", "restored")) + f" of {get(s, 'by_group', 'in', 'n') or 0}",
                             pct(get(s, "by_group", "out", "restored")) + f" of {get(s, 'by_group', 'out', 'n') or 0}",
                             pct(get(s, "spans", "wrong")), per1000(get(s, "false_changes_per_1000")),
                             num(get(s, "wer_before", "value"), ".1f", 100, "%") + " → "
                             + num(get(s, "wer_after", "value"), ".1f", 100, "%"),
                             num(get(s, "detection", "f1"), ".2f")])
        parts.append("## Synthetic spins\n\nIn-dictionary: the (spun, original) pair is known to the engine's lexicon "
                     "(`r.lexicon.lookup`); out-of-dictionary: it is not. The spinners' dictionaries are the harness's "
                     "own (WordNet, a hand-written phrase list, the held-out half of the observed pairs, nlpaug), "
                     "never the engine's lexicon files.\n\n"
                     + table(["spinner", "rate", "achieved", "restorer", "spans", "restored (in-dict)",
                              "restored (out-of-dict)", "wrong", "false changes /1,000", "WER", "detection F1"], rows))
        rows = [[sp] + [f"{pct(get(b, n, 'by_group', 'in', 'restored'))} / {pct(get(b, n, 'by_group', 'out', 'restored'))}"
                        for n in names] for sp, b in syn["by_spinner"].items()]
        parts.append("### By spinner, all rates (restored in-dict / out-of-dict)\n\n" + table(["spinner"] + names, rows))
        if syn.get("candidates"):
            rows = [[sp, pct(get(c, "all", "at1")), pct(get(c, "all", "at5")), pct(get(c, "all", "any")),
                     pct(get(c, "in", "any")), pct(get(c, "out", "any"))] for sp, c in syn["candidates"].items()]
            parts.append("### Candidate recall on synthetic spans (engine candidates)\n\n"
                         + table(["spinner", "@1", "@5", "any", "any, in-dict", "any, out-of-dict"], rows))
        for sp, why in (syn.get("skipped") or {}).items():
            parts.append(f"> spinner {sp} skipped: {why}")

    if res.get("pairs"):
        rows = [[k, v.get("n"), pct(v.get("at1")), pct(v.get("at5")), pct(v.get("any"))] for k, v in res["pairs"].items()]
        parts.append("## Candidate recall on observed and reference pairs\n\n`dev` and `held_out` are the two halves of "
                     "../shared/data/spinner_pairs_dev.tsv split by `restore.split.is_held_out`; only the dev half may "
                     "be folded into the lexicon, so the held-out half shows how the lexicon generalises. "
                     "`dev_without_observed` asks the dev half the same question of a lexicon compiled without its "
                     "reviewed rows (`python -m benchmarks.generalise`, which lists the misses). Phrases are "
                     "looked up in isolation; seed-001 pairs in their context.\n\n"
                     + table(["pairs", "n", "@1", "@5", "any"], rows))

    if res.get("tortured"):
        rows = []
        for n, b in res["tortured"].items():
            rows.append([n, pct(b["out_of_context"]["top1"]), pct(b["out_of_context"]["top5"]),
                         pct(b["in_context"]["top1"]), pct(b["in_context"]["top5"]),
                         per1000(get(b, "in_context_spans", "false_changes_per_1000"))])
        parts.append("## Tortured phrases\n\n../shared/data/tortured_dev.tsv (Problematic Paper Screener, CC BY 4.0), "
                     "each phrase alone and inside a sentence template. Top-5: the expected phrase among the "
                     "restorer's output, its output with one edit swapped for each alternative, then the candidate "
                     "originals (every candidate span's first choice, longest span first, then the second choices...). `engine+tortured-lexicon` loads the same list as a user lexicon (an upper bound "
                     "for the decoder's choice, not a generalisation test).\n\n"
                     + table(["restorer", "alone top-1", "alone top-5", "in context top-1", "in context top-5",
                              "template words changed /1,000"], rows))

    cal = [(where, s["calibration"]) for where, s in _engine_summaries(res) if s.get("calibration")]
    if cal:
        rows = [[w, c["n"], num(c.get("ece"), ".3f")] for w, c in cal]
        parts.append("## Confidence calibration (engine edits)\n\nAn edit is correct when it restores the original "
                     "words of its region. ECE = expected calibration error over 10 bins; the reliability diagram is "
                     "calibration.png. The reported confidence is the decoder's posterior mapped through "
                     "models/confidence_calibration.json, fitted on development documents only "
                     "(scripts/fit_confidence_calibration.py; `python -m benchmarks.calibration` measures it there); "
                     "these documents are the benchmark's own, which no fit saw.\n\n"
                     + table(["data", "edits", "ECE"], rows))
        curve = get(res, "synthetic", "all", "engine", "threshold_curve")
        if curve:
            f = lambda x: "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"
            rows = [[f"{r['threshold']:.2f}", r["knob"]["edits"], f(r["knob"]["precision"]), f(r["knob"]["recall"]),
                     r["filter"]["edits"], f(r["filter"]["precision"]), f(r["filter"]["recall"])] for r in curve]
            parts.append("### Precision and recall against `min_confidence` (synthetic spins, all spinners and rates)\n\n"
                         "`--min-confidence t` keeps an edit when the decoder's posterior that its span is spun reaches "
                         "t; filtering `result.edits` on the reported (calibrated) confidence is the other knob. "
                         "Recall = right edits / gold spans. Below the default 0.5 the decoder rarely chooses a "
                         "restoration, so lower settings add almost nothing (`python -m benchmarks.calibration` "
                         "traces the whole range on development documents). Plot: precision_recall.png.\n\n"
                         + table(["threshold", "edits (min_confidence)", "precision", "recall",
                                  "edits (confidence filter)", "precision", "recall"], rows))

    sp = res.get("speed")
    if sp:
        st, tc, ts = sp["startup"], sp["throughput"]["clean"], sp["throughput"]["spun"]
        parts.append("## Speed and scale (engine)\n\n"
                     f"Start-up {st['startup_s']:.2f} s (import {st['import_s']:.2f} s + Restorer() {st['construct_s']:.2f} s; "
                     f"median of {st.get('processes', 1)} fresh processes), "
                     f"peak RSS {tc['peak_rss_mb']:.0f} MB (a fresh process that loaded the engine and restored "
                     f"{tc['docs'] + ts['docs']} documents). Throughput after start-up, one process: "
                     f"{tc['words_per_second']:,.0f} words/s and {tc['docs_per_second']:.1f} docs/s on clean prose "
                     f"({tc['words']:,} words), {ts['words_per_second']:,.0f} words/s on 20%-spun text. Timings are wall "
                     "clock and depend on what else the machine runs (load average above).\n\n"
                     + table(["document words", "seconds", "words/s"],
                             [[f"{r['words']:,}", f"{r['seconds']:.3f}", f"{r['words_per_second']:,.0f}"] for r in sp["length_curve"]])
                     + "\n\n" + table(["corpus docs", "words", "seconds", "docs/s", "words/s"],
                                      [[r["docs"], f"{r['words']:,}", f"{r['seconds']:.2f}", f"{r['docs_per_second']:.1f}",
                                        f"{r['words_per_second']:,.0f}"] for r in sp["corpus_curve"]])
                     + "\n\n" + table(["processes", "seconds", "words/s", "speed-up", "CPU time / (processes x wall)"],
                                      [[r["processes"], f"{r['seconds']:.2f}", f"{r['words_per_second']:,.0f}",
                                        f"{r.get('speedup', 1):.2f}x", f"{r.get('cpu_share', float('nan')):.0%}"]
                                       for r in sp["processes"]])
                     + "\n\nA CPU share well below 100% means other programs held the cores during the run, "
                     "and the speed-up of two processes is then understated."
                     + "\n\nTime per stage (share of profiled time by engine module; candidate generation alone "
                     f"takes {sp['stages']['candidates_share']:.0%} of an unprofiled restore):\n\n"
                     + table(["module", "share"], [[k, f"{v:.1%}"] for k, v in sp["stages"]["by_module"].items()]))
    parts.append("Plots: accuracy_by_rate.png, accuracy_by_spinner.png, calibration.png, precision_recall.png, "
                 "cost_length.png, cost_corpus.png.")
    return "\n\n".join(parts) + "\n"


def _engine_summaries(res: dict):
    for seed, block in res.get("seeds", {}).items():
        if "engine" in block:
            yield seed, block["engine"]
    if get(res, "synthetic", "all", "engine"):
        yield "synthetic (all)", res["synthetic"]["all"]["engine"]
    if get(res, "clean", "engine", "all"):
        yield "clean prose", res["clean"]["engine"]["all"]
    if get(res, "tortured", "engine", "in_context_spans"):
        yield "tortured in context", res["tortured"]["engine"]["in_context_spans"]


def plain(x):
    """JSON-safe copy: NaN and infinities become null, tuples lists."""
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def write(res: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(plain(res), indent=1, allow_nan=False)
    (out / "results.json").write_text(text + "\n", encoding="utf-8")
    (out / "report.md").write_text(markdown(res), encoding="utf-8")
