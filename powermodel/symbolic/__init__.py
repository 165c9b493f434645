r"""The symbolic engine: the optimum, its thresholds and its statics as formulas.

:class:`SymbolicModel` (``Model(...).symbolic``) derives, with SymPy, for a
cost given by a family name or an expression string:

* the objective :math:`g(x) = (P - f(x))\,(1 + \rho (N - 1))/N + (1 - \lambda) x`,
  the first-order condition :math:`f'(x) = n` with the effective diversity
  :math:`n = N (1 - \lambda)/(1 + \rho (N - 1))` (:math:`n = N` in the paper's
  model), the second-order condition and the constraints;
* the optimum :math:`x^*(N, P, \dots)` as a ``Piecewise`` over the regimes
  ``none`` (:math:`n \le f'(0)`), ``cap``, ``budget`` (:math:`n \ge f'(X_{budget})`)
  and ``interior`` (:math:`f'(x^*) = n`);
* the thresholds in N (onset, budget, cap, dominance; the jump point of a
  non-convex cost, numerically);
* comparative statics by the implicit function theorem and elasticities;
* the value, learned share and compute multiplier;
* LaTeX for all of it and cached NumPy functions (``lambdify(..., cse=True)``).

A cost with kinks (``abs``, ``min``, ``max``) is split into its smooth pieces
and solved piece by piece, exactly (:mod:`powermodel.symbolic.kinks`), or
refused with the reason; its f' and f'' are shown piece by piece, never as
``DiracDelta`` terms.

Symbols and assumptions: ``x`` is non-negative, ``N``, ``P`` and ``x_cap``
positive, ``rho`` and ``lambda`` non-negative. A cost parameter is positive
when its lower bound is a strict 0 or 1 (``c``, ``a``, ``s``; ``k >= 1`` is
declared positive and taken as ``k > 1`` wherever a formula divides by
``k - 1``: a numeric ``k = 1`` is handled as the linear case), non-negative
when its bound is ``>= 0`` (``b``, ``F``, ``beta``). Parameters of a user
expression are assumed positive. Parameters given numeric (scalar) values in
the :class:`~powermodel.model.Model` are substituted as exact rationals, as
are the number literals of an expression (``0.01`` is ``1/100``); the others
stay symbols.

Solutions of :func:`sympy.solve` are never trusted blindly: every candidate
is checked by substitution at random parameter points built so that the true
root is known, and must be the unique real non-negative one; otherwise
:class:`~powermodel.errors.UnsolvableError` is raised with the reason (the
numeric solver :meth:`~powermodel.model.Model.solve` still answers).

Examples
--------
>>> import powermodel as pm
>>> sm = pm.Model("power", c=1.0, k=2.0).symbolic
>>> sm.optimum()
Piecewise((sqrt(P), N >= 2*sqrt(P)), (N/2, True))
>>> sm.thresholds()["budget"]
2*sqrt(P)
"""

from ._common import (_alarm_available, _arm, _DeriveTimeout, _dict_latex, _exact, _KAPPA, _KWNAME,
                      _latex, _LIMITS, _OUTPUTS, _PARAM_LATEX, _param_symbol, _round_floats,
                      _sym_latex, _T, _tidy, _time_limit, _Timeout, _XP, DERIVE_TIMEOUT, LAM,
                      MAX_FINITE_TIMEOUT, N, P, RHO, SOLVE_TIMEOUT, x, X_CAP)  # noqa: F401
from .numeric import _compiled, _lambertw, NumericFunction  # noqa: F401
from .thresholds import Thresholds  # noqa: F401
from .statics import Elasticities, Statics  # noqa: F401
from .derivation import (_derive_in_worker, _SOC_SHORT, _SOC_VERDICTS, _timeout_message,
                         _worker_main, _WORKER_STARTUP, Derivation)  # noqa: F401
from ._engine import _Core, _core, _INVERSIONS  # noqa: F401
from .core import _option, SymbolicModel  # noqa: F401

__all__ = ["SymbolicModel", "Thresholds", "Statics", "Elasticities", "Derivation",
           "NumericFunction", "SOLVE_TIMEOUT", "DERIVE_TIMEOUT", "MAX_FINITE_TIMEOUT"]
