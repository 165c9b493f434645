"""One input at a time (:func:`one_at_a_time`, alias :func:`tornado`)."""

import math

import numpy as np

from .. import _validation as V
from ..errors import InputError
from ..sweeps import as_model, known_inputs
from ._common import _check_output, _output_values, _solve
from .results import OATResult


def one_at_a_time(model, ranges, *, output="x", errors="raise", **base):
    r"""Tornado analysis: each input at its low and its high value, the rest at base values.

    Parameters
    ----------
    model : Model or str
    ranges : dict
        Input name -> ``(low, high)``.
    output : str or callable
        A numeric result field or ``f(solution) -> array``.
    errors : {"raise", "nan"}
    **base
        Base values of the inputs (``N=``, ``P=`` and any parameter the model
        does not set); a ranged input without a base value is an error.

    Returns
    -------
    OATResult
        Inputs ranked by ``|high_output - low_output|``, largest first. The
        model is solved at the ``2 d + 1`` points in one call.

    Examples
    --------
    >>> import powermodel as pm
    >>> r = pm.one_at_a_time(pm.Model("power", c=1.0, k=2.0),
    ...                      {"N": (50, 200), "c": (0.25, 2.0), "P": (1e5, 1e7)}, N=100, P=1e6)
    >>> r.names, r.base_output                 # x* = N / (2c)
    (('c', 'N', 'P'), 50.0)
    >>> r.low_output["c"], r.high_output["c"]
    (200.0, 25.0)
    """
    from ..solver import _rules

    model = as_model(model)
    output = _check_output(output)
    V.choice("errors", errors, ("raise", "nan"))
    if not isinstance(ranges, dict) or not ranges:
        raise InputError(f"`ranges` must be a non-empty dict of name -> (low, high), "
                         f"got {ranges!r}")
    known = known_inputs(model)
    V.reject_unknown("input", ranges, known)
    V.reject_unknown("input", base, known)
    rules = _rules(model.cost)
    point = {**dict(model.params), **{k: v for k, v in base.items()
                                      if not (k == "x_cap" and v is None)}}
    lows, highs = {}, {}
    for k, rg in ranges.items():
        if not isinstance(rg, (tuple, list)) or len(rg) != 2:
            raise InputError(f"range of `{k}` must be a (low, high) pair, got {rg!r}")
        lows[k] = V.real(k, rg[0], **rules.get(k, {}))
        highs[k] = V.real(k, rg[1], **rules.get(k, {}))
        if k not in point:
            raise InputError(f"`{k}` has a range but no base value; pass {k}=... "
                             f"(or set it in the model)")
    names = tuple(ranges)
    d = len(names)
    cols = {}
    for k, v in point.items():
        if np.ndim(v) != 0:
            raise InputError(f"base value of `{k}` must be a scalar, got shape {np.shape(v)}")
        cols[k] = np.full(2 * d + 1, float(v))
    for j, k in enumerate(names):
        cols[k][1 + 2 * j] = lows[k]
        cols[k][2 + 2 * j] = highs[k]
    sol = _solve(model, cols, {}, errors)
    y = _output_values(sol, output, 2 * d + 1)
    lo_out = {k: float(y[1 + 2 * j]) for j, k in enumerate(names)}
    hi_out = {k: float(y[2 + 2 * j]) for j, k in enumerate(names)}

    def swing(k):
        s = abs(hi_out[k] - lo_out[k])
        return -s if s == s else math.inf  # NaN swings last

    ranked = tuple(sorted(names, key=swing))
    return OATResult(names=ranked, base_output=float(y[0]),
                     low_output={k: lo_out[k] for k in ranked},
                     high_output={k: hi_out[k] for k in ranked},
                     low_value={k: lows[k] for k in ranked},
                     high_value={k: highs[k] for k in ranked})


#: Alias of :func:`one_at_a_time`.
tornado = one_at_a_time
