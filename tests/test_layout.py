"""The package's layout: no import cycles between its modules, no oversized module.

The import graph is read from the source with :mod:`ast`: every ``import
powermodel.x`` and ``from .x import y`` / ``from powermodel.x import y``, at
the top of a module and inside its functions alike (a lazy import is still a
dependency). ``from . import name`` counts as an import of the submodule
``name`` when there is one, else of the package. Importing a submodule also
runs its package's ``__init__``; that implicit step is not an edge.
"""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "powermodel"

#: Most lines a module may have. The aim is under ~700 for new modules; figures.py
#: (about 1,290 lines) is the largest and is not split, so the limit sits just above it.
MAX_LINES = 1300


def _modules(root):
    """``{dotted name: path}`` of every module of the package at ``root``."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def import_graph(root):
    """``{module: set of modules of the same package it imports}``."""
    mods = _modules(root)
    graph = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[:len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    if f"{target}.{alias.name}" in mods:
                        edges.add(f"{target}.{alias.name}")
                    elif target in mods:
                        edges.add(target)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    for i in range(len(parts), 0, -1):
                        if ".".join(parts[:i]) in mods:
                            edges.add(".".join(parts[:i]))
                            break
        edges.discard(name)
        graph[name] = edges
    return graph


def cycles(graph):
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _write(root, files):
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def test_the_checker_finds_a_cycle_through_a_lazy_import(tmp_path):
    # a -> b at the top, b -> sub.c inside a function, sub.c -> a by absolute name: one cycle;
    # d imports a but nothing imports d: not in it
    _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from .b import f\n",
        "pkg/b.py": "def f():\n    from .sub import c\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/c.py": "import pkg.a\nfrom .. import d as _d\n",
        "pkg/d.py": "from . import a\nimport os\n",
    })
    graph = import_graph(tmp_path / "pkg")
    assert graph["pkg.b"] == {"pkg.sub.c"}
    assert graph["pkg.sub.c"] == {"pkg.a", "pkg.d"}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.d", "pkg.sub.c"]]
    graph["pkg.d"] = set()
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.sub.c"]]
    graph["pkg.b"] = set()
    assert cycles(graph) == []


def test_the_package_has_no_import_cycle():
    graph = import_graph(PACKAGE)
    assert "powermodel.symbolic.core" in graph and "powermodel.cli.solve" in graph
    assert cycles(graph) == []


@pytest.mark.parametrize("name, path", sorted(_modules(PACKAGE).items()))
def test_no_module_is_oversized(name, path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{name} has {n} lines (limit {MAX_LINES}): split it"


#: Most lines of a module of powermodel.figures: one module per figure family, each
#: figure a short recipe (a family that outgrows this is two families).
MAX_FIGURE_LINES = 400


@pytest.mark.parametrize("path", sorted((PACKAGE / "figures").glob("*.py")), ids=lambda p: p.name)
def test_figure_modules_stay_small(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_FIGURE_LINES, f"figures/{path.name} has {n} lines (limit {MAX_FIGURE_LINES})"
