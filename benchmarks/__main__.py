"""Command line: ``python -m benchmarks [--quick] [--restorers engine,naive,identity] [--readme]``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .paths import README, RESULTS


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks",
                                 description="Accuracy and speed benchmarks of restore; writes a report, JSON and plots.")
    ap.add_argument("--quick", action="store_true", help="small samples of everything (under a minute)")
    ap.add_argument("--restorers", default="engine,naive,naive-curated,identity",
                    help="comma-separated: engine, naive, naive-curated, identity, oracle (default: %(default)s)")
    ap.add_argument("--spinners", default=None, help="comma-separated subset of dictionary,wordnet,phrase,observed,nlpaug")
    ap.add_argument("--no-speed", action="store_true", help="skip the speed and scale measurements")
    ap.add_argument("--out", type=Path, default=None, help="output folder (default: benchmarks/results, "
                                                            "or benchmarks/results/quick with --quick)")
    ap.add_argument("--readme", action="store_true", help="also write the headline table into README.md")
    ap.add_argument("--render", type=Path, metavar="RESULTS_JSON",
                    help="only re-write the report, plots (and README table) from an earlier results.json")
    args = ap.parse_args(argv)

    from dataclasses import replace

    from . import plots, readme, report
    from .run import FULL, QUICK, run

    cfg = QUICK if args.quick else FULL
    if args.spinners:
        cfg = replace(cfg, spinners=tuple(s.strip() for s in args.spinners.split(",") if s.strip()))
    if args.no_speed:
        cfg = replace(cfg, speed=False)
    out = args.out or (RESULTS / "quick" if args.quick else RESULTS)
    t = time.perf_counter()
    if args.render:
        import json
        res = json.loads(args.render.read_text(encoding="utf-8"))
        out = args.out or args.render.parent
    else:
        res = run(cfg, [n.strip() for n in args.restorers.split(",") if n.strip()], "quick" if args.quick else "full")
    report.write(res, out)
    made = plots.write_all(res, out)
    print(f"wrote {out / 'report.md'}, {out / 'results.json'} and {len(made)} plots in "
          f"{time.perf_counter() - t:.0f} s", file=sys.stderr)
    if args.readme:
        readme.update(README, res)
    print(report.headline(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
