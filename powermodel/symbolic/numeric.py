"""NumPy functions of the symbolic results (:class:`NumericFunction`)."""

import functools
import warnings

import numpy as np
import sympy as sp

from .. import _validation as V
from ..errors import AccuracyWarning, InputError
from ._common import _KWNAME


def _lambertw(z, k=0):
    from scipy.special import lambertw

    return np.real(lambertw(z, k))


@functools.lru_cache(maxsize=512)
def _compiled(expr, args):
    # dummify: a parameter named like a name of the namespace (numpy, LambertW, ...)
    # must not shadow it in the generated code
    return sp.lambdify(args, expr, modules=[{"LambertW": _lambertw}, "scipy", "numpy"],
                       cse=True, dummify=True)


class NumericFunction:
    """A SymPy expression compiled once to NumPy (``lambdify(..., cse=True)``, cached).

    Call it with one keyword argument per free symbol (``overlap`` for rho,
    ``runtime_penalty`` for lambda); arguments broadcast like NumPy arrays.
    Model inputs the expression does not use (listed in ``accepts``) are
    accepted and ignored, so one call works for every output.

    Attributes
    ----------
    expr : sympy.Expr
        The expression.
    names : tuple of str
        The keyword arguments it takes.
    """

    __slots__ = ("expr", "names", "_args", "_func", "_accepts")

    def __init__(self, expr, *, accepts=()):
        if not isinstance(expr, (sp.Basic, int, float)) or isinstance(expr, bool):
            # (never sympify a string: it would be evaluated as Python)
            raise InputError(f"`expr` must be a SymPy expression or a number, got "
                             f"{type(expr).__name__}")
        expr = sp.sympify(expr)
        roots = expr.atoms(sp.CRootOf)  # (a kinked cost's thresholds): numbers NumPy lacks
        if roots:
            expr = expr.xreplace({r: r.evalf(30) for r in roots})
        args = tuple(sorted(expr.free_symbols, key=lambda s: (s.name != "N", s.name != "P",
                                                               s.name)))
        names = tuple(_KWNAME.get(s.name, s.name) for s in args)
        if len(set(names)) != len(names):
            raise InputError(f"two symbols share a name in {expr}: {names}")
        object.__setattr__(self, "expr", expr)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "_args", args)
        object.__setattr__(self, "_func", _compiled(expr, args))
        object.__setattr__(self, "_accepts", tuple(dict.fromkeys((*names, *accepts))))

    def __setattr__(self, name, value):
        raise AttributeError("NumericFunction is immutable")

    def __call__(self, **values):
        V.reject_unknown("argument", values, self._accepts)
        missing = [n for n in self.names if n not in values]
        if missing:
            raise InputError(f"missing argument `{missing[0]}` "
                             f"(arguments: {', '.join(self.names)})")
        vals = [V.real(n, values[n], allow_inf=True) for n in self.names]
        with np.errstate(all="ignore"):
            out = np.asarray(self._func(*vals))
        if np.iscomplexobj(out):
            out = out.real
        shape = np.broadcast_shapes(*(np.shape(v) for v in vals)) if vals else ()
        out = np.broadcast_to(out.astype(float), shape)
        if np.isnan(out).any() and all(np.isfinite(v).all() for v in vals):
            warnings.warn("the closed form could not be evaluated in floating point at some "
                          "points (overflow or cancellation); use Model.solve there",
                          AccuracyWarning, stacklevel=2)
        return float(out) if out.ndim == 0 else np.array(out)

    def latex(self):
        """The expression as LaTeX."""
        return sp.latex(self.expr)

    def _repr_latex_(self):
        return f"$\\displaystyle {self.latex()}$"

    def __repr__(self):
        return f"NumericFunction({self.expr}; arguments: {', '.join(self.names)})"
