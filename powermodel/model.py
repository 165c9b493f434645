"""The :class:`Model`: a cost with parameter values, solved for any N and P."""

import types

import numpy as np

from . import _validation as V
from ._warnings import once_per_call
from .costs import make_cost
from .errors import InputError
from .solver import objective as _objective
from .solver import solve as _solve

__all__ = ["Model"]


class Model:
    r"""The power-allocation model of "Risks from Learned Optimization" (section 2.1).

    A base optimizer with ``P`` bits spends ``f(x)`` on a learned algorithm
    that optimizes ``x`` bits at run time on each of ``N`` instances and splits
    the rest over the instances:

    .. math:: x^* = \arg\max_{x \ge 0,\ f(x) \le P,\ x \le x_{cap}} \frac{P - f(x)}{N} + x.

    Parameters
    ----------
    cost : str, callable or Cost
        A family name (``"power"``, ``"exponential"``, ``"linear"``,
        ``"quadratic"``, ``"overhead"``, ``"power-logN"``), an expression in
        ``x`` such as ``"c*x**k + b*x"`` (it may use ``N``), or a callable
        ``f(x, **params)``.
    **params
        Values of the cost's parameters (each may be overridden in
        :meth:`solve`).

    Examples
    --------
    >>> import powermodel as pm
    >>> m = pm.Model("c*x**k", c=1.0, k=2.0)
    >>> s = m.solve(N=100, P=1e6)
    >>> round(s.x, 9), round(s.value, 6), s.regime
    (50.0, 10025.0, 'interior')
    >>> round(m.solve(N=100, P=1e6, k=3.0).x, 9)  # override a parameter
    5.773502692
    """

    __slots__ = ("_cost", "_params", "__weakref__")

    def __init__(self, cost, /, **params):
        c = make_cost(cost)
        V.reject_unknown("parameter", params, c.parameters)
        checked = {}
        for k, v in params.items():
            b = c.bounds.get(k)
            checked[k] = V.real(k, v, **({"low": b[0], "low_open": b[1]} if b else {}))
        object.__setattr__(self, "_cost", c)
        object.__setattr__(self, "_params", types.MappingProxyType(checked))

    def __setattr__(self, name, value):
        raise AttributeError("Model is immutable; use Model.with_params(...) for a modified copy")

    @property
    def cost(self):
        """The :class:`~powermodel.costs.Cost` object."""
        return self._cost

    @property
    def params(self):
        """The parameter values given at construction (read-only mapping)."""
        return self._params

    @property
    def parameters(self):
        """Names of the cost's parameters."""
        return self._cost.parameters

    def with_params(self, **params):
        """A copy with some parameter values replaced.

        >>> Model("power", c=1.0, k=2.0).with_params(k=3.0).params["k"]
        3.0
        """
        return Model(self._cost, **{**self._params, **params})

    @once_per_call
    def solve(self, *, N, P, x_cap=None, overlap=0.0, runtime_penalty=0.0, errors="raise",
              certify=False, certify_rtol=1e-9, **params):
        """Solve for x* (see :func:`powermodel.solver.solve` for every option).

        Every input (``N``, ``P``, ``x_cap``, ``overlap``, ``runtime_penalty``
        and any cost parameter given here to override the model's value) may be
        a scalar or an array; arrays broadcast. Returns a
        :class:`~powermodel.result.Solution`.
        """
        return _solve(self._cost, N=N, P=P, x_cap=x_cap, overlap=overlap,
                      runtime_penalty=runtime_penalty, errors=errors, certify=certify,
                      certify_rtol=certify_rtol, **{**self._params, **params})

    def objective(self, x, *, N, P, overlap=0.0, runtime_penalty=0.0, **params):
        """Per-instance power g(x) (not restricted to f(x) <= P).

        >>> Model("power", c=1.0, k=2.0).objective(50.0, N=100, P=1e6)
        10025.0
        """
        return _objective(self._cost, x, N=N, P=P, overlap=overlap,
                          runtime_penalty=runtime_penalty, **{**self._params, **params})

    def cost_value(self, x, **params):
        """f(x) with the model's parameters (``N=`` for costs that depend on N)."""
        return self._cost(x, **{**self._params, **params})

    @property
    def symbolic(self):
        """The symbolic engine for this model (loads SymPy on first use)."""
        from .symbolic import SymbolicModel

        return SymbolicModel(self)

    def __repr__(self):
        ps = ", ".join(f"{k}={v!r}" if np.ndim(v) == 0 else f"{k}=<array {np.shape(v)}>"
                       for k, v in self._params.items())
        return f"Model({self._cost.name!r}{', ' if ps else ''}{ps})"

    def __eq__(self, other):
        if not isinstance(other, Model):
            return NotImplemented
        return (type(self._cost) is type(other._cost) and self._cost.name == other._cost.name
                and set(self._params) == set(other._params)
                and all(np.array_equal(self._params[k], other._params[k]) for k in self._params))

    __hash__ = None

    def __reduce__(self):
        if type(self._cost).__name__ == "CallableCost":
            raise InputError("a Model with a callable cost cannot be pickled")
        return (_rebuild, (self._cost.formula if type(self._cost).__name__ == "ExpressionCost"
                           else self._cost.name, dict(self._params)))


def _rebuild(cost, params):
    return Model(cost, **params)


from ._namespace import public_dir as _public_dir  # noqa: E402

__dir__ = _public_dir(globals())
