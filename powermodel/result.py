"""Immutable result objects with a fixed set of documented fields.

:class:`Result` is the shared base: fields are set once at construction, any
later assignment raises :class:`AttributeError`, the repr lists every field
(arrays summarised), and :meth:`Result.to_dict` gives plain Python values.
"""

import numpy as np

__all__ = ["Result", "Solution", "REGIMES"]

#: The regimes a solution can be in, in the order used for numeric codes.
REGIMES = ("none", "interior", "budget", "cap", "unbounded")


def _short(v):
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return _short(v[()])
        if v.dtype.kind in "US":
            vals, counts = np.unique(v, return_counts=True)
            top = ", ".join(f"{a!s}: {b}" for a, b in zip(vals[:5], counts[:5]))
            return f"array(shape={v.shape}, {{{top}}})"
        if v.size <= 6:
            return np.array2string(v, precision=6, separator=", ")
        with np.errstate(all="ignore"):
            return (f"array(shape={v.shape}, min={np.nanmin(v):.6g}, "
                    f"max={np.nanmax(v):.6g})") if np.isfinite(v).any() or np.isinf(v).any() \
                else f"array(shape={v.shape}, all nan)"
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.10g}"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k!r}: {_short(x)}" for k, x in v.items()) + "}"
    if isinstance(v, str):
        return repr(v)
    return repr(v)


class Result:
    """Base of powermodel's result objects: fixed fields, immutable, readable."""

    __slots__ = ()
    _fields = ()

    def __init__(self, **values):
        missing = [f for f in self._fields if f not in values]
        extra = [k for k in values if k not in self._fields]
        if missing or extra:
            raise TypeError(f"{type(self).__name__} fields: missing {missing}, unexpected {extra}")
        for k in self._fields:
            v = values[k]
            if isinstance(v, np.ndarray):
                v.setflags(write=False)
            object.__setattr__(self, k, v)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable; field {name!r} cannot be set")

    def __delattr__(self, name):
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self):
        width = max(len(f) for f in self._fields)
        lines = [f"{type(self).__name__}("]
        lines += [f"  {f:>{width}} = {_short(getattr(self, f))}," for f in self._fields]
        return "\n".join(lines) + "\n)"

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return all(_same(getattr(self, f), getattr(other, f)) for f in self._fields)

    __hash__ = None

    def _repr_html_(self):
        """A compact HTML table of the fields with their units (for notebooks)."""
        from ._html import result_table

        return result_table(self)

    def __reduce__(self):
        return (_rebuild, (type(self), {f: getattr(self, f) for f in self._fields}))

    def to_dict(self):
        """The fields as a dict of Python scalars, lists and dicts (JSON-ready)."""
        def conv(v):
            if isinstance(v, np.ndarray):
                return v.tolist()
            if isinstance(v, np.generic):
                return v.item()
            if isinstance(v, dict):
                return {k: conv(x) for k, x in v.items()}
            if isinstance(v, tuple):
                return [conv(x) for x in v]
            return v
        return {f: conv(getattr(self, f)) for f in self._fields}


def _same(a, b):
    """Equality that treats NaN as equal to NaN, through arrays, dicts and tuples."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return np.array_equal(a, b, equal_nan=a.dtype.kind == "f" and b.dtype.kind == "f")
    if isinstance(a, Result) or isinstance(b, Result):
        return a == b
    try:
        return bool(a == b) or (a != a and b != b)
    except (TypeError, ValueError):
        return False


def _rebuild(cls, values):
    return cls(**values)


class Solution(Result):
    """The optimum of the allocation model at one point or an array of points.

    Fields are scalars (``float``/``str``) for scalar input and arrays of the
    broadcast input shape otherwise.

    Attributes
    ----------
    x : float or ndarray
        The optimal run-time optimization power x* (bits); ``inf`` in the
        unbounded regime.
    value : float or ndarray
        Per-instance optimization power at the optimum,
        ``g* = (P - f(x*)) (1 + rho (N - 1)) / N + (1 - lambda) x*``.
    regime : str or ndarray of str
        ``"none"`` (x* = 0), ``"interior"`` (f'(x*) = N), ``"budget"`` (f(x*) = P
        binds), ``"cap"`` (the compute cap binds) or ``"unbounded"``.
    base_per_instance : float or ndarray
        The base optimizer's contribution per instance,
        ``(P - f(x*)) (1 + rho (N - 1)) / N``.
    learned_share : float or ndarray
        ``(1 - lambda) x* / g*``: the learned algorithm's contribution
        ``(1 - lambda) x*`` as a share of per-instance power (``x* / g*`` in the
        paper's model, lambda = 0); x dominates when it exceeds 1/2. The same
        definition is used in every analysis, figure and the paper.
    budget_share : float or ndarray
        ``f(x*) / P``: the share of the base optimizer's power spent on
        building the learned algorithm.
    compute_multiplier : float or ndarray
        The counterfactual ``M = P' / P``: ``P' = f(0) + N_eff g*`` is the base
        power a system held at x = 0 needs to reach the same per-instance power
        g* (``N_eff = N / (1 + rho (N - 1))``). ``M = N g* / P`` only when
        f(0) = 0 and rho = 0. The price of forbidding mesa-optimization; with
        rho > 0 it stays bounded (``1 + 1 / (4 c rho^2 P)`` for f = c x^2).
    x_budget : float or ndarray
        ``sup{x >= 0 : f(x) <= P}``, the most the budget affords.
    novel_value : float or ndarray
        Power on an instance not seen in training: ``(1 - lambda) x* + rho (P - f(x*))``.
    novel_ratio : float or ndarray
        ``novel_value / value``.
    bound : float or ndarray
        With ``certify=True``: a rigorous upper bound on the true g* (interval
        branch and bound, :mod:`powermodel.certify`); NaN otherwise.
    gap : float or ndarray
        ``bound - value`` (>= 0) with ``certify=True``; NaN otherwise.
    status : str or ndarray of str
        ``"ok"``, or why the point is invalid (with ``errors="nan"``), or
        ``"not certified: ..."`` where ``certify=True`` could not bring the gap
        within ``certify_rtol``.
    """

    __slots__ = ("x", "value", "regime", "base_per_instance", "learned_share", "budget_share",
                 "compute_multiplier", "x_budget", "novel_value", "novel_ratio", "bound", "gap",
                 "status")
    _fields = __slots__
