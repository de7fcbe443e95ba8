"""Report the modules of restore/ over 400 lines and the functions over 60 lines.

A report by default (exit status 0 whatever it finds); with ``--strict`` CI fails on any finding, so a
module or function does not grow past the limits unnoticed. Long modules and functions are where a split
is worth considering, not necessarily wrong (a table or a docstring can be long).

Usage: python scripts/check_size.py [package folder, default restore] [--module-lines N] [--function-lines N]
       [--strict]
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path


def functions(tree: ast.Module):
    """(qualified name, first line, line count) of every function and method, nested ones included."""
    stack: list[tuple[str, ast.AST]] = [("", tree)]
    while stack:
        prefix, node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                # decorators are not part of the function's length
                yield prefix + child.name, child.lineno, child.end_lineno - child.lineno + 1
                stack.append((prefix + child.name + ".", child))
            elif isinstance(child, ast.ClassDef):
                stack.append((prefix + child.name + ".", child))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", default=str(Path(__file__).resolve().parent.parent / "restore"))
    ap.add_argument("--module-lines", type=int, default=400)
    ap.add_argument("--function-lines", type=int, default=60)
    ap.add_argument("--strict", action="store_true", help="exit 1 when anything is over a limit")
    args = ap.parse_args()
    root = Path(args.root).resolve()
    long_modules, long_functions = [], []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root.parent)
        lines = len(text.splitlines())
        if lines > args.module_lines:
            long_modules.append((lines, rel))
        for name, first, count in functions(ast.parse(text, str(path))):
            if count > args.function_lines:
                long_functions.append((count, f"{rel}:{first}", name))
    print(f"modules over {args.module_lines} lines: {len(long_modules)}")
    for lines, rel in sorted(long_modules, reverse=True):
        print(f"  {lines:5d}  {rel}")
    print(f"functions over {args.function_lines} lines: {len(long_functions)}")
    for count, where, name in sorted(long_functions, reverse=True):
        print(f"  {count:5d}  {where}  {name}")
    return 1 if args.strict and (long_modules or long_functions) else 0


if __name__ == "__main__":
    raise SystemExit(main())
