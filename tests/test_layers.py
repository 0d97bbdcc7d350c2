"""No import cycle among the modules under ``src/hinterland``.

Every ``import`` and ``from ... import`` of a hinterland module is read from the
source (module level and inside functions, absolute and relative), each resolved
to the module it names (``from pkg import name`` names ``pkg.name`` when that is a
module, else ``pkg``), and the graph is searched for cycles with a depth-first
search. A function-level import that dodges a cycle at run time is still a cycle
of the design, so it counts.

That non-CLI modules never import the CLI package is tested in
``tests/test_cli.py::test_library_never_imports_the_cli``.
"""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "hinterland"

#: Cycles that exist today, each with the work that removes it. The test fails on
#: any other cycle and warns about an entry here that no longer exists (delete it).
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def module_names(src: Path = SRC) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package ``__init__``)."""
    out: dict[str, tuple[Path, bool]] = {}
    for path in sorted(src.rglob("*.py")):
        parts = list(path.relative_to(src.parent).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        out[".".join(parts)] = (path, is_pkg)
    return out


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    """Module -> the hinterland modules it imports (anywhere in its source)."""
    mods = module_names(src)
    root = src.name

    def known(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for mod, (path, is_pkg) in mods.items():
        package = mod if is_pkg else mod.rpartition(".")[0]
        targets: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                targets.update(known(a.name) for a in node.names
                               if a.name.split(".")[0] == root)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    full = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    full = node.module or ""
                if full.split(".")[0] != root:
                    continue
                for alias in node.names:
                    sub = f"{full}.{alias.name}"
                    targets.add(sub if sub in mods else known(full))
        targets.discard(None)
        targets.discard(mod)
        graph[mod] = {t for t in targets if t is not None}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one module (iterative DFS, Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.add(member)
                    if member == node:
                        break
                if len(comp) > 1:
                    found.append(frozenset(comp))
    return found


def test_no_import_cycle_among_modules() -> None:
    found = set(cycles(import_graph()))
    new = [sorted(c) for c in found if c not in KNOWN_CYCLES]
    assert not new, f"import cycles: {new}"


def test_known_cycles_still_exist() -> None:
    """An entry of KNOWN_CYCLES that is gone should be deleted (the list only shrinks)."""
    found = set(cycles(import_graph()))
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in found]
    if gone:
        warnings.warn(f"these cycles are gone; remove them from KNOWN_CYCLES: {gone}",
                      stacklevel=1)


def test_walker_finds_a_function_level_and_relative_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "hinterland"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "a.py").write_text("def f():\n    from . import b\n")
    (pkg / "sub" / "b.py").write_text("from hinterland.sub.c import thing\n")
    (pkg / "sub" / "c.py").write_text("import hinterland.sub.a\nthing = 1\n")
    (pkg / "d.py").write_text("from hinterland.sub import c\n")  # into the cycle, not part
    graph = import_graph(pkg)
    assert graph["hinterland.sub.a"] == {"hinterland.sub.b"}
    assert graph["hinterland.d"] == {"hinterland.sub.c"}
    assert cycles(graph) == [
        frozenset({"hinterland.sub.a", "hinterland.sub.b", "hinterland.sub.c"})]


@pytest.mark.parametrize("edges, expected", [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"a"}}, []),  # self-imports are dropped by the walker; not a cycle here
    ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, [frozenset({"a", "b"})]),
])
def test_cycles_on_small_graphs(edges: dict[str, set[str]],
                                expected: list[frozenset[str]]) -> None:
    assert cycles(edges) == expected
