"""powermodel: when does training produce a learned optimizer?

The power-allocation model of "Risks from Learned Optimization" (Hubinger et
al., 2019, sec. 2.1), solved exactly, swept, stress-tested and plotted.

>>> import powermodel as pm
>>> pm.Model("power", c=1.0, k=2.0).solve(N=100, P=1e6).x
50.0

Heavy dependencies (SymPy, matplotlib, scipy.optimize, scipy.stats) load only
when a feature that needs them is used.
"""

import importlib as _importlib

__version__ = "0.1.0"

from .errors import (AccuracyWarning, ExpressionError, InputError, PowermodelError,  # noqa: E402
                     ScenarioError, UnsolvableError)
from .model import Model  # noqa: E402
from .result import Solution  # noqa: E402
from .solver import objective, solve  # noqa: E402
from .costs import FAMILIES, CallableCost, make_cost  # noqa: E402

# Public names that live in modules loaded on first use.
_LAZY = {
    "sweep": "sweeps", "grid": "sweeps", "phase_diagram": "sweeps", "SweepResult": "sweeps",
    "local_sensitivity": "sensitivity", "one_at_a_time": "sensitivity", "tornado": "sensitivity",
    "sobol": "sensitivity", "morris": "sensitivity", "monte_carlo": "sensitivity",
    "load_scenario": "scenario", "Scenario": "scenario",
    "nested": "extensions", "large_N_limit": "extensions",
    "SymbolicModel": "symbolic", "compute": "_dask", "explore": "explorer",
    "reproduce": "figures", "FIGURES": "figures", "Explorer": "explorer",
    "expressions": None, "certify": None, "pieces": None,
    "plotting": None, "figures": None, "symbolic": None, "sensitivity": None,
    "scenario": None, "extensions": None, "sweeps": None,
}

__all__ = ["Model", "Solution", "solve", "objective", "make_cost", "CallableCost", "FAMILIES",
           "PowermodelError", "InputError", "ExpressionError", "ScenarioError", "UnsolvableError",
           "AccuracyWarning", *[k for k, v in _LAZY.items() if v is not None]]


def __getattr__(name):
    if name in _LAZY:
        mod = _LAZY[name]
        if mod is None:
            return _importlib.import_module(f".{name}", __name__)
        return getattr(_importlib.import_module(f".{mod}", __name__), name)
    raise AttributeError(f"module 'powermodel' has no attribute {name!r}")


def __dir__():
    return sorted({k for k in globals() if not k.startswith("_")} | set(_LAZY)
                  | {"__version__"})
