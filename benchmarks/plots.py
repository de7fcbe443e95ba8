"""PNG plots of a results dict (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .report import get  # noqa: E402

STYLE = {"engine": "-", "naive": "--", "naive-curated": ":", "identity": ":", "oracle": "-."}


def accuracy_by_rate(res: dict, path: Path) -> bool:
    cells = get(res, "synthetic", "cells") or []
    if not cells:
        return False
    spinners = sorted({c["spinner"] for c in cells})
    names = [n for n in res["meta"]["restorers"] if n != "identity"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    for ax, group, title in ((axes[0], "in", "in-dictionary spans"), (axes[1], "out", "out-of-dictionary spans")):
        for k, sp in enumerate(spinners):
            color = f"C{k}"
            for n in names:
                pts = [(c["rate"], get(c, n, "by_group", group, "restored", "value")) for c in cells if c["spinner"] == sp]
                pts = [(x, 100 * y) for x, y in pts if y is not None and y == y]
                if pts:
                    ax.plot([x * 100 for x, _ in pts], [y for _, y in pts], STYLE.get(n, "-"), color=color,
                            marker="o", label=f"{sp} / {n}")
        ax.set_title(title)
        ax.set_xlabel("spin rate (% of words, nominal)")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("spans restored exactly (%)")
    if axes[0].get_legend_handles_labels()[0]:
        axes[1].legend(*axes[0].get_legend_handles_labels(), fontsize=7, loc="best")
    fig.suptitle("Synthetic spins: accuracy by spin rate (solid: engine, dashed: naive, dotted: naive-curated)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def accuracy_by_spinner(res: dict, path: Path) -> bool:
    by = get(res, "synthetic", "by_spinner") or {}
    if not by:
        return False
    names = res["meta"]["restorers"]
    spinners = list(by)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    width = 0.8 / len(names)
    for k, n in enumerate(names):
        xs = [i + k * width for i in range(len(spinners))]
        for ax, key in ((axes[0], "restored"), (axes[1], None)):
            if key:
                vals = [100 * (get(by[sp], n, "spans", "restored", "value") or 0) for sp in spinners]
            else:
                vals = [get(by[sp], n, "false_changes_per_1000", "value") or 0 for sp in spinners]
            ax.bar(xs, vals, width, label=n)
    for ax, label in ((axes[0], "spans restored exactly (%)"), (axes[1], "untouched words changed per 1,000")):
        ax.set_xticks([i + width * (len(names) - 1) / 2 for i in range(len(spinners))], spinners)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3, axis="y")
    axes[0].legend()
    fig.suptitle("Synthetic spins by spinner (all rates)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def calibration(res: dict, path: Path) -> bool:
    from .report import _engine_summaries
    series = [(w, s["calibration"]) for w, s in _engine_summaries(res) if get(s, "calibration", "bins")]
    if not series:
        return False
    fig, ax = plt.subplots(figsize=(6, 5.5))
    ax.plot([0, 1], [0, 1], ":", color="grey", label="perfect calibration")
    for w, c in series:
        bins = c["bins"]
        ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], "o-",
                label=f"{w} (n={c['n']}, ECE {c['ece']:.3f})")
    ax.set_xlabel("edit confidence")
    ax.set_ylabel("share of edits that are correct")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("Reliability diagram (engine edits)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def precision_recall(res: dict, path: Path) -> bool:
    """The precision/recall curve that min_confidence (and a filter on the reported confidence) traces."""
    curve = get(res, "synthetic", "all", "engine", "threshold_curve")
    if not curve:
        return False
    fig, ax = plt.subplots(figsize=(6, 5))
    for key, label, style in (("knob", "--min-confidence (posterior spun)", "o-"),
                              ("filter", "edit.confidence >= t (calibrated)", "s--")):
        xs = [r[key]["recall"] for r in curve]
        ys = [r[key]["precision"] for r in curve]
        ax.plot(xs, ys, style, label=label)
        for r, x, y in zip(curve, xs, ys):
            ax.annotate(f"{r['threshold']:g}", (x, y), textcoords="offset points", xytext=(4, 4), fontsize=7)
    ax.set_xlabel("recall (right edits / gold spans)")
    ax.set_ylabel("precision (right edits / edits)")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("Precision against recall by threshold (synthetic spins)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def cost(res: dict, out: Path) -> list[str]:
    sp = res.get("speed")
    if not sp:
        return []
    made = []
    rows = sp["length_curve"]
    if rows:
        fig, ax1 = plt.subplots(figsize=(7, 4.5))
        ax1.loglog([r["words"] for r in rows], [r["seconds"] for r in rows], "o-", label="seconds per document")
        ax1.set_xlabel("document length (words)")
        ax1.set_ylabel("seconds")
        ax2 = ax1.twinx()
        ax2.semilogx([r["words"] for r in rows], [r["words_per_second"] for r in rows], "s--", color="C1", label="words/s")
        ax2.set_ylabel("words/s")
        ax2.set_ylim(0, max(r["words_per_second"] for r in rows) * 1.2)
        ax1.grid(alpha=0.3)
        fig.legend(loc="upper left", bbox_to_anchor=(0.12, 0.88))
        ax1.set_title("Cost against document length (one process)")
        fig.tight_layout()
        fig.savefig(out / "cost_length.png", dpi=110)
        plt.close(fig)
        made.append("cost_length.png")
    rows, procs = sp["corpus_curve"], sp.get("processes") or []
    if rows:
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4.5))
        ax.plot([r["docs"] for r in rows], [r["seconds"] for r in rows], "o-")
        ax.set_xlabel("corpus size (documents, restore_many)")
        ax.set_ylabel("seconds")
        ax.grid(alpha=0.3)
        ax.set_title("Cost against corpus size (one process)")
        if procs:
            bx.bar([str(r["processes"]) for r in procs], [r["words_per_second"] for r in procs], color="C2")
            for k, r in enumerate(procs):
                bx.text(k, r["words_per_second"], f"{r.get('speedup', 1):.2f}x", ha="center", va="bottom")
            bx.set_xlabel("worker processes")
            bx.set_ylabel("words/s")
            bx.set_title("One process against two")
        fig.tight_layout()
        fig.savefig(out / "cost_corpus.png", dpi=110)
        plt.close(fig)
        made.append("cost_corpus.png")
    return made


def write_all(res: dict, out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for name, fn in (("accuracy_by_rate.png", accuracy_by_rate), ("accuracy_by_spinner.png", accuracy_by_spinner),
                     ("calibration.png", calibration), ("precision_recall.png", precision_recall)):
        if fn(res, out / name):
            made.append(name)
    return made + cost(res, out)
