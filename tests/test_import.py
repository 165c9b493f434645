"""`import powermodel` stays light: heavy dependencies load only when a feature needs them.

Checked in fresh interpreters (subprocesses), by the modules loaded, not by time:
the timing targets live in benchmarks/run.py.
"""

import json
import subprocess
import sys

HEAVY = ("sympy", "matplotlib", "scipy.optimize", "scipy.stats", "dask", "pandas", "tqdm")


def loaded_after(code):
    """The heavy modules present in sys.modules after running ``code`` in a fresh interpreter."""
    probe = (f"{code}\nimport sys, json\n"
             f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_import_powermodel_loads_no_heavy_module():
    assert loaded_after("import powermodel") == []


def test_solving_a_family_cost_loads_no_heavy_module():
    code = ("import numpy as np, powermodel as pm\n"
            "s = pm.Model('power', c=1.0, k=2.0).solve(N=np.geomspace(1, 1e6, 50), P=1e6)\n"
            "assert s.x[0] == 0.5")
    assert loaded_after(code) == []


def test_cli_solve_with_a_family_cost_loads_no_heavy_module():
    code = ("import contextlib, io\n"
            "from powermodel.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    assert main(['solve', 'power', '--param', 'c=1', '--param', 'k=2',"
            " '--N', '100', '--P', '1e6']) == 0")
    assert loaded_after(code) == []


def test_the_probe_sees_a_heavy_module_when_one_is_loaded():
    # The check above can fail: the symbolic engine does load SymPy.
    code = "import powermodel as pm\npm.Model('c*x**2', c=1.0).symbolic.optimum()"
    assert "sympy" in loaded_after(code)


def test_an_expression_solve_loads_no_sympy():
    """The numeric path compiles expressions itself (powermodel.expressions): no SymPy,
    plain or certified, kinked or not."""
    code = ("import powermodel as pm\n"
            "pm.Model('c*x**2 + abs(x - 3) + 2*x', c=1.0).solve(N=[10, 20], P=100, certify=True)\n"
            "pm.Model('c*x**3 + b*x*atan(x)', c=1.0, b=1.0).solve(N=10, P=[100, 1e4])")
    assert "sympy" not in loaded_after(code)


def test_the_namespace_holds_only_the_package_s_names():
    import powermodel as pm

    names = [n for n in dir(pm) if not n.startswith("_")]
    assert "importlib" not in names and "np" not in names
    assert set(pm.__all__) <= set(dir(pm))


def test_no_public_module_offers_what_it_imported_for_itself():
    """dir() of pm and of each of its public modules (pm.plotting, pm.sweeps, pm.cli, ...:
    every one that pm exposes once loaded) lists no module but its own submodules, and no
    function or class defined elsewhere: no ``np``, ``contextlib``, ``V``, ``InputError``
    (tab completion offers dir()). The submodules of the subpackages (plotting._core,
    sensitivity.sobol_indices, ...) are their implementation, not checked here."""
    import importlib
    import pkgutil
    import types

    import powermodel as pm

    for m in pkgutil.iter_modules(pm.__path__):
        if not m.name.startswith("_"):
            importlib.import_module(f"powermodel.{m.name}")
    mods = {n: getattr(pm, n) for n in dir(pm) if isinstance(getattr(pm, n), types.ModuleType)}
    assert {"plotting", "sweeps", "sensitivity", "symbolic", "result", "cli"} <= set(mods)
    for mod in [pm, *mods.values()]:
        listed = dir(mod)
        assert set(getattr(mod, "__all__", ())) <= set(listed), mod.__name__
        for n in listed:
            if n.startswith("_"):
                continue
            v = getattr(mod, n)
            if isinstance(v, types.ModuleType):
                assert v.__name__ == f"{mod.__name__}.{n}", (mod.__name__, n)
            elif isinstance(v, (type, types.FunctionType, types.BuiltinFunctionType)):
                home = v.__module__
                assert home == mod.__name__ or home.startswith(mod.__name__ + "."), \
                    (mod.__name__, n, home)
    for stray in ("np", "contextlib"):
        assert stray not in dir(pm.plotting)
    assert "V" not in dir(pm.sweeps) and "InputError" not in dir(pm.sweeps)
    assert pm.sweeps.np.__name__ == "numpy" and pm.sweeps.InputError is pm.InputError  # kept


def test_a_set_mplbackend_does_not_load_matplotlib_for_a_solve():
    # CI exports MPLBACKEND=Agg: the CLI checks the variable only for a command that draws
    import os

    env = dict(os.environ, MPLBACKEND="Agg")
    code = ("import contextlib, io, json, sys\n"
            "from powermodel.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    assert main(['solve', 'power', '--param', 'c=1', '--param', 'k=2',"
            " '--N', '100', '--P', '1e6']) == 0\n"
            "print(json.dumps('matplotlib' in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, env=env).stdout
    assert json.loads(out.strip().splitlines()[-1]) is False
