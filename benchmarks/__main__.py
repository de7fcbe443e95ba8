"""Command line: ``python -m benchmarks [--quick|--full] [--update-results] [--readme]`` (also ``restore bench``).

A run writes into benchmarks/runs/ (git-ignored) unless ``--update-results`` asks for the committed
benchmarks/results/: an exploratory run never leaves the checkout dirty.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .paths import README, RESULTS, RUNS


def add_arguments(ap: argparse.ArgumentParser) -> None:
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small samples of everything (a minute or two)")
    size.add_argument("--full", action="store_true", help="the full benchmark (the default; tens of minutes)")
    ap.add_argument("--restorers", default="engine,naive,naive-curated,identity",
                    help="comma-separated: engine, naive, naive-curated, identity, oracle (default: %(default)s)")
    ap.add_argument("--spinners", default=None, help="comma-separated subset of dictionary,wordnet,phrase,observed,nlpaug")
    ap.add_argument("--no-speed", action="store_true", help="skip the speed and scale measurements")
    ap.add_argument("--out", type=Path, default=None, help="output folder (default: benchmarks/runs/quick or "
                                                            "benchmarks/runs/full, both git-ignored)")
    ap.add_argument("--update-results", action="store_true",
                    help="write a full run into the committed benchmarks/results/")
    ap.add_argument("--readme", action="store_true",
                    help="also write the headline table into README.md (implies --update-results)")
    ap.add_argument("--render", type=Path, metavar="RESULTS_JSON",
                    help="only re-write the report, plots (and README table) from an earlier results.json")


def output_folder(args) -> Path:
    if args.out is not None:
        return args.out
    if args.render is not None:
        return args.render.parent
    if args.update_results or args.readme:
        return RESULTS
    return RUNS / ("quick" if args.quick else "full")


def run_args(args, error=None) -> int:
    """Run (or re-render) the benchmark as ``args`` say; ``error(message)`` reports bad usage."""
    if args.quick and (args.update_results or args.readme) and args.render is None:
        message = "--update-results and --readme take a full run (the committed results are a full run's)"
        if error is not None:
            error(message)
        raise SystemExit(message)
    from dataclasses import replace

    from . import report
    from .run import FULL, QUICK, run

    cfg = QUICK if args.quick else FULL
    if args.spinners:
        cfg = replace(cfg, spinners=tuple(s.strip() for s in args.spinners.split(",") if s.strip()))
    if args.no_speed:
        cfg = replace(cfg, speed=False)
    out = output_folder(args)
    t = time.perf_counter()
    if args.render:
        import json
        res = json.loads(args.render.read_text(encoding="utf-8"))
    else:
        res = run(cfg, [n.strip() for n in args.restorers.split(",") if n.strip()], "quick" if args.quick else "full")
    report.write(res, out)
    made = write_plots(res, out)
    print(f"wrote {out / 'report.md'}, {out / 'results.json'} and {len(made)} plots in "
          f"{time.perf_counter() - t:.0f} s", file=sys.stderr)
    if args.readme:
        from . import readme
        readme.update(README, res)
    print(report.headline(res))
    return 0


def write_plots(res: dict, out: Path) -> list[str]:
    """The PNG plots, or none (with a one-line note) when matplotlib is not installed."""
    try:
        from . import plots
    except ImportError as exc:
        print(f"benchmarks: plots skipped ({exc.name or exc} is not installed: pip install 'restore[bench]')",
              file=sys.stderr)
        return []
    return plots.write_all(res, out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks",
                                 description="Accuracy and speed benchmarks of restore; writes a report, JSON and plots.")
    add_arguments(ap)
    args = ap.parse_args(argv)
    return run_args(args, ap.error)


if __name__ == "__main__":
    raise SystemExit(main())
