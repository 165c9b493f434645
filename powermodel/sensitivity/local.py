"""Local sensitivity: elasticities at a point (:func:`local_sensitivity`)."""

import math

import numpy as np

from .. import _validation as V
from ..errors import InputError, UnsolvableError
from ..sweeps import as_model, known_inputs
from ._common import NUMERIC_FIELDS
from .results import LocalSensitivity


def _symbolic_elasticities(model, point, outputs):
    """``{output: {param: float}}`` from the symbolic engine, or None."""
    try:
        got = model.symbolic.elasticity_values(**point)
    except (UnsolvableError, NotImplementedError, AttributeError, ImportError):
        return None
    out = {}
    if not hasattr(got, "get"):
        return None
    for o in outputs:
        d = got.get(o)
        if hasattr(d, "items"):
            try:
                out[o] = {str(k): float(v) for k, v in d.items()}
            except (TypeError, ValueError):
                continue
    return out


def local_sensitivity(model, point, *, outputs=("x", "value", "learned_share"), method="auto",
                      step=1e-4, errors="raise"):
    r"""Elasticities :math:`\varepsilon_{y,p} = \partial \ln y / \partial \ln p` at a point.

    An elasticity is the percentage change of the output per percent change of
    the input. At an interior optimum of :math:`f = c x^k`,
    :math:`x^* = (N / (c k))^{1/(k-1)}`, so :math:`\varepsilon_{x^*,N} =
    1/(k-1)` and :math:`\varepsilon_{x^*,P} = 0`.

    Parameters
    ----------
    model : Model or str
    point : dict
        Input values (``N``, ``P``, and any parameter the model does not set);
        the model's parameters fill the rest. Elasticities are taken with
        respect to every input in the point.
    outputs : sequence of str
        Numeric result fields.
    method : {"auto", "symbolic", "finite-difference"}
        ``"auto"``: the symbolic comparative statics
        (``model.symbolic.elasticity_values``) where they exist, otherwise
        central differences in log space of the numeric solver,
        :math:`(\ln y(p e^h) - \ln y(p e^{-h})) / 2h` (one-sided next to a
        bound of the input). An input at 0 has elasticity 0; an output at 0
        has elasticity 0 if it stays 0 nearby, NaN otherwise.
    step : float
        The log step h.
    errors : {"raise", "nan"}

    Returns
    -------
    LocalSensitivity

    Examples
    --------
    >>> import powermodel as pm
    >>> e = pm.local_sensitivity(pm.Model("power", c=1.0, k=3.0), {"N": 300, "P": 1e9},
    ...                          method="finite-difference")
    >>> round(e.elasticities["x"]["N"], 8), round(e.elasticities["x"]["P"], 8)
    (0.5, 0.0)
    """
    from ..solver import _rules

    model = as_model(model)
    V.choice("method", method, ("auto", "symbolic", "finite-difference"))
    V.choice("errors", errors, ("raise", "nan"))
    if isinstance(outputs, str):
        outputs = (outputs,)
    outputs = tuple(V.choice("outputs", o, NUMERIC_FIELDS) for o in outputs)
    h = V.real("step", step, low=0, low_open=True, high=1)
    if not isinstance(point, dict):
        raise InputError(f"`point` must be a dict of input values, got {point!r}")
    known = known_inputs(model)
    V.reject_unknown("input", point, known)
    rules = _rules(model.cost)
    full = {**dict(model.params), **{k: v for k, v in point.items()
                                     if not (k == "x_cap" and v is None)}}
    for k in ("N", "P"):
        if k not in full:
            raise InputError(f"`point` must give `{k}`")
    full = {k: V.real(k, v, **rules.get(k, {})) for k, v in full.items()}
    for k, v in full.items():
        if np.ndim(v) != 0:
            raise InputError(f"`{k}` must be a scalar at a point, got shape {np.shape(v)}")
    names = tuple(full)

    result, methods = {}, {}
    if method in ("auto", "symbolic"):
        sym = _symbolic_elasticities(model, full, outputs)
        if sym is None and method == "symbolic":
            raise UnsolvableError("no symbolic elasticities for this model; use "
                                  "method='finite-difference'")
        for o in outputs:
            if sym and o in sym and all(p in sym[o] and math.isfinite(sym[o][p])
                                        for p in names):
                result[o] = {p: sym[o][p] for p in names}
                methods[o] = "symbolic"
        if method == "symbolic" and len(result) < len(outputs):
            missing = [o for o in outputs if o not in result][0]
            raise UnsolvableError(f"no symbolic elasticity of `{missing}`; use "
                                  f"method='finite-difference'")
    todo = [o for o in outputs if o not in result]
    if todo:
        # 1 + 2 d points: the point, then p e^{+h} and p e^{-h} for each input.
        d = len(names)
        cols = {k: np.full(1 + 2 * d, float(v)) for k, v in full.items()}
        steps = np.zeros((d, 2))  # the log offsets actually used (+, -)
        for j, k in enumerate(names):
            v = full[k]
            up, down = v * math.exp(h), v * math.exp(-h)
            rule = rules.get(k, {})
            ok_up = _within(up, rule)
            ok_down = _within(down, rule)
            steps[j] = (h if ok_up else 0.0, -h if ok_down else 0.0)
            cols[k][1 + 2 * j] = up if ok_up else v
            cols[k][2 + 2 * j] = down if ok_down else v
        sol = model.solve(errors=errors, **cols)
        for o in todo:
            y = np.asarray(getattr(sol, o), dtype=float)
            y0 = y[0]
            res = {}
            for j, k in enumerate(names):
                yp, ym = y[1 + 2 * j], y[2 + 2 * j]
                span = steps[j, 0] - steps[j, 1]
                if full[k] == 0 or span == 0:
                    res[k] = 0.0 if full[k] == 0 else math.nan
                elif y0 == 0 or not math.isfinite(y0):
                    res[k] = 0.0 if (yp == 0 and ym == 0) else math.nan
                elif yp * y0 > 0 and ym * y0 > 0:
                    res[k] = float((math.log(abs(yp)) - math.log(abs(ym))) / span)
                else:
                    res[k] = float((yp - ym) / (span * y0))
            result[o] = res
            methods[o] = "finite-difference"
    return LocalSensitivity(point=full, elasticities={o: result[o] for o in outputs},
                            method={o: methods[o] for o in outputs})


def _within(v, rule):
    low, high = rule.get("low"), rule.get("high")
    if low is not None and (v <= low if rule.get("low_open") else v < low):
        return False
    if high is not None and (v >= high if rule.get("high_open") else v > high):
        return False
    return math.isfinite(v) or bool(rule.get("allow_inf"))
