"""Fail when the modules of restore/ import each other in a cycle.

Only module-level imports count (those that run when a module is first imported, including ones
under a top-level ``if``/``try``, but not under ``if TYPE_CHECKING:``); an import inside a function or
method runs later, when the function is called, and is the usual way to break such a cycle.
``from .x import y`` counts as an import of ``x`` and, when ``y`` is itself a submodule, of ``x.y``.
Importing a submodule also runs its package's ``__init__``, but that edge is left out (as is an explicit
import of a module's own package): a package re-exporting its submodules would otherwise be a cycle with
each of them.

Usage: python scripts/check_imports.py [package folder, default restore]
Exit status 0 when there is no cycle, 1 (with each cycle printed) when there is.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def top_level_imports(tree: ast.Module):
    """Import statements run at import time: the module body, descending into if/try/with but not defs."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # class bodies do run at import time, but this package keeps no imports there
            if isinstance(node, ast.ClassDef):
                stack.extend(node.body)
        elif isinstance(node, ast.If) and _type_checking(node.test):
            stack.extend(node.orelse)   # ``if TYPE_CHECKING:`` imports never run
        elif isinstance(node, (ast.If, ast.Try, ast.With)) or type(node).__name__ == "TryStar":
            for field in ("body", "orelse", "finalbody"):
                stack.extend(getattr(node, field, []))
            for handler in getattr(node, "handlers", []):
                stack.extend(handler.body)


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def resolve(node: ast.ImportFrom, current: str, is_package: bool) -> str:
    """The absolute name of the module a ``from ... import`` names."""
    if not node.level:
        return node.module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def graph(root: Path) -> dict[str, set[str]]:
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    edges: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        for node in top_level_imports(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                target = resolve(node, name, is_package)
                targets = [target] + [f"{target}.{alias.name}" for alias in node.names]
            for target in targets:
                # the nearest module of the package that the name falls in (a.b.c -> a.b if c is a name)
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    edges[name].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(path_through(sorted(component), edges))

    sys.setrecursionlimit(max(1000, 10 * len(edges)))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def path_through(component: list[str], edges: dict[str, set[str]]) -> list[str]:
    """A concrete cycle inside a strongly connected component: from its first module back to it."""
    members = set(component)
    start = component[0]
    prev: dict[str, str] = {}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(edges[v] & members):
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w not in prev:
                prev[w] = v
                queue.append(w)
    return component  # pragma: no cover - a component always has a cycle


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else Path(__file__).resolve().parent.parent / "restore").resolve()
    edges = graph(root)
    found = cycles(edges)
    for cycle in found:
        print("import cycle: " + " -> ".join(cycle))
    if found:
        print(f"{len(found)} import cycle(s) among {len(edges)} modules of {root.name}/; "
              "move the shared names to a module both can import, or import lazily inside a function")
        return 1
    print(f"no import cycles among {len(edges)} modules of {root.name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
