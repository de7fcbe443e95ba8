"""``restore bench``: the benchmark harness (``python -m benchmarks``) as a subcommand.

The harness lives in the source checkout (``benchmarks/`` beside ``restore/``), not in the installed
package: it reads the shared seeds and rebuilds corpora next to the code. An editable install
(``pip install -e .``, what ``make`` does) finds it; an installed wheel says where to get it.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent


def _harness():
    """The ``benchmarks`` package of the checkout this ``restore`` was installed from."""
    if (CHECKOUT / "benchmarks" / "__main__.py").exists() and str(CHECKOUT) not in sys.path:
        sys.path.insert(0, str(CHECKOUT))
    try:
        return importlib.import_module("benchmarks.__main__")
    except ModuleNotFoundError as exc:
        if exc.name in ("benchmarks", "benchmarks.__main__"):
            raise SystemExit("restore bench: the benchmark harness is part of the source checkout: clone the "
                             "repository and run `pip install -e .` there") from None
        raise


def add_bench_parser(sub) -> None:
    bench = sub.add_parser("bench", help="run the accuracy and speed benchmarks (same as python -m benchmarks)",
                           description="Accuracy and speed benchmarks; missing data or optional packages are "
                                       "skipped with a note. Results go to benchmarks/runs/ (git-ignored) unless "
                                       "--update-results. Optional packages: pip install 'restore[bench]'.")
    try:
        _harness().add_arguments(bench)
    except SystemExit as exc:  # no checkout: `restore bench` still shows up, and says why it cannot run
        why = str(exc)
        bench.set_defaults(func=lambda args: _unavailable(why))
        return
    bench.set_defaults(func=lambda args: _harness().run_args(args, bench.error))


def _unavailable(message: str) -> int:
    print(message, file=sys.stderr)
    return 1

