"""Preparing and validating the solver's inputs (a part of :mod:`powermodel.solver`).

Checking names and values, broadcasting to flat arrays, the cost's own checks
(f(0) within [0, P], proved for the families), the effective diversity and the
memory budget of a solve.
"""

import math

import numpy as np

from . import _validation as V
from ._numeric import TINY
from .costs import make_cost, proved_regular
from .errors import InputError


_MODEL_INPUTS = ("N", "P", "x_cap", "overlap", "runtime_penalty")


def _rules(cost):
    rules = {
        "N": dict(low=0, low_open=True),
        "P": dict(low=0),
        "x_cap": dict(low=0, low_open=True, allow_inf=True),
        "overlap": dict(low=0, high=1),
        "runtime_penalty": dict(low=0, high=1, high_open=True),
    }
    for k in cost.parameters:
        b = cost.bounds.get(k)
        rules[k] = dict(low=b[0], low_open=b[1]) if b else {}
    return rules


def check_names(cost, params, errors="raise"):
    """The Cost for ``cost``, after checking ``errors`` and the parameter names."""
    cost = make_cost(cost)
    V.choice("errors", errors, ("raise", "nan"))
    V.reject_unknown("parameter", params, cost.parameters)
    missing = [k for k in cost.parameters if k not in params]
    if missing:
        raise InputError(f"missing parameter `{missing[0]}` for cost {cost.name!r} "
                         f"(parameters: {', '.join(cost.parameters)})")
    return cost


def prepare(cost, params, *, N, P, x_cap=None, overlap=0.0, runtime_penalty=0.0,
            errors="raise"):
    """Validate and broadcast the inputs.

    Returns ``(cost, inputs, shape, status)``: ``inputs`` maps every input name
    to a scalar float or a flat array of ``prod(shape)`` points; ``status`` is
    None (all valid) or a flat array of messages (``errors="nan"``).
    """
    cost = check_names(cost, params, errors)
    raw = {"N": N, "P": P, "x_cap": np.inf if x_cap is None else x_cap,
           "overlap": overlap, "runtime_penalty": runtime_penalty, **params}
    rules = _rules(cost)
    vals = {}
    for k, v in raw.items():
        if errors == "raise":
            vals[k] = V.real(k, v, **rules[k], copy=False)
        else:
            vals[k] = V.real(k, v, allow_nan=True, allow_inf=True, copy=False)
    try:
        shape = np.broadcast_shapes(*(np.shape(v) for v in vals.values()))
    except ValueError:
        shapes = ", ".join(f"{k}{np.shape(v)}" for k, v in vals.items() if np.ndim(v))
        raise InputError(f"input arrays do not broadcast together: {shapes}") from None
    size = int(np.prod(shape)) if shape else 1
    flat = {k: (v if np.ndim(v) == 0 else np.ascontiguousarray(np.broadcast_to(v, shape)).ravel())
            for k, v in vals.items()}
    status = None
    if errors == "nan":
        status = np.full(size, "ok", dtype=object)
        for k, v in flat.items():
            for mask, msg in V.bad_points(k, np.broadcast_to(v, (size,)), **rules[k]):
                status[mask & (status == "ok")] = msg
    _check_effective_n(flat, size, status)
    if errors == "nan":
        bad = status != "ok"
        if bad.any():
            good = np.flatnonzero(~bad)
            # Replace invalid points by a valid one so the vectorised solve runs.
            for k, v in flat.items():
                arr = np.array(np.broadcast_to(v, (size,)), dtype=float)
                arr[bad] = arr[good[0]] if good.size else _benign(k, cost)
                flat[k] = arr
    return cost, flat, shape, status


def _check_effective_n(flat, size, status):
    """Refuse (or, with ``status``, mark) points whose effective number of instances
    N (1 - runtime_penalty) / (1 + overlap (N - 1)) underflows to 0 although N > 0: the
    solver would read the cost as free (x* = inf). Two reductions decide that no point
    can: n >= min(N, 1) (1 - runtime_penalty) for overlap in [0, 1]."""
    N, rho, lam = flat["N"], flat["overlap"], flat["runtime_penalty"]
    with np.errstate(all="ignore"):
        if min(np.min(N), 1.0) * (1 - np.max(lam)) > 1e-300:
            return
        n = _effective_n(N, rho, lam)[1]
        under = np.broadcast_to((n == 0) & (N > 0) & (lam < 1), (size,))
    if status is not None:
        status[under & (status == "ok")] = ("the effective number of instances N (1 - "
                                            "runtime_penalty) / (1 + overlap (N - 1)) "
                                            "underflows to 0")
    elif under.any():
        i = int(np.flatnonzero(under)[0])
        at = lambda v: float(np.broadcast_to(v, (size,))[i])  # noqa: E731
        raise InputError(f"the effective number of instances N (1 - runtime_penalty) / (1 + "
                         f"overlap (N - 1)) underflows to 0 at `N` = {at(N):g}, "
                         f"`runtime_penalty` = {at(lam):g}, `overlap` = {at(rho):g}: it must "
                         "be at least the smallest float, 5e-324")


def _benign(name, cost):
    return {"N": 1.0, "P": 1.0, "x_cap": np.inf, "overlap": 0.0, "runtime_penalty": 0.0}.get(
        name, max(1.0, (cost.bounds.get(name) or (0,))[0] + 1.0))


def _cost_params(cost, inp):
    # Scalars as NumPy floats: in the cost formulas s**2 or a*b must overflow to inf
    # (under np.errstate), not raise OverflowError as Python floats do.
    p = {k: (np.float64(inp[k]) if np.ndim(inp[k]) == 0 else inp[k]) for k in cost.parameters}
    if cost.depends_on_N:
        p["N"] = np.float64(inp["N"]) if np.ndim(inp["N"]) == 0 else inp["N"]
    return p


def _check_cost(cost, p, P, status):
    """f(0) within [0, P] and cost-specific constraints.

    A family (:func:`powermodel.costs.proved_regular`) whose parameters passed
    :func:`prepare` (they lie within its bounds) has f(0) = 0 and is finite and
    non-decreasing by its formula, and P >= 0 was checked: nothing is evaluated
    for it. Expressions and callables are evaluated at 0 and 1e-300.
    """
    if hasattr(cost, "check_with_N"):
        if status is None:
            cost.check_with_N(p)
        else:  # errors="nan": mark the points, do not abort the sweep
            with np.errstate(all="ignore"):
                bad = np.broadcast_to(cost.bad_with_N(p), status.shape)
            status[bad & (status == "ok")] = cost.bad_with_N_message
    if proved_regular(cost):
        return 0.0
    # (one x per point: P's shape, or that of per-point parameters with a scalar P; a
    # callable must return one value per x)
    shape = np.broadcast_shapes(np.shape(P), *(np.shape(v) for v in p.values()))
    with np.errstate(all="ignore"):
        f0 = np.asarray(cost.f(np.zeros(shape), p), dtype=float)
        f_tiny = np.asarray(cost.f(np.full(shape, TINY), p), dtype=float)
    bad_real = ~np.isfinite(f0) | np.isnan(f_tiny)
    bad_neg = ~bad_real & ~(f0 >= 0)
    bad_p = ~bad_real & (f0 > P)
    for bad, msg in ((bad_real, "the cost is not real-valued and finite at x = 0"),
                     (bad_neg, "the cost must be non-negative at x = 0"),
                     (bad_p, "`P` must be at least f(0)")):
        if np.any(bad):
            if status is None:
                pts = np.broadcast_shapes(shape, np.shape(f0), np.shape(f_tiny)) or (1,)
                at = lambda v: np.broadcast_to(v, pts).ravel()[i]  # noqa: E731
                i = np.flatnonzero(np.broadcast_to(bad, pts).ravel())[0]
                fv, pv = at(f0), at(P)
                if msg.startswith("`P`"):
                    raise InputError(f"`P` must be at least f(0) = {fv:g}, got {pv:g}")
                if msg.startswith("the cost is not"):
                    raise InputError(f"cost {cost.name!r} is not real-valued and finite at "
                                     f"x = 0: f(0) = {fv:g}, f(1e-300) = {at(f_tiny):g}")
                raise InputError(f"the cost must be non-negative at x = 0, got f(0) = {fv:g}")
            b = np.broadcast_to(bad, status.shape)
            status[b & (status == "ok")] = msg
    return f0


def _effective_n(N, rho, lam):
    # (the paper's model, rho = lam = 0, skips the arithmetic: exactly the same values)
    n_eff = N if np.ndim(rho) == 0 and rho == 0 else N / (1 + rho * (N - 1))
    return n_eff, n_eff if np.ndim(lam) == 0 and lam == 0 else n_eff * (1 - lam)


#: Bytes a solve needs per point beyond its array inputs: every float field, the
#: regime code, and the temporaries of one block.
BYTES_PER_POINT = 8 * 12 + 1


def _check_memory(raw):
    """Refuse, before allocating anything, a solve whose outputs exceed the memory budget."""
    from . import _memory

    try:
        shapes = [np.shape(v) for v in raw.values() if v is not None and not isinstance(v, str)]
        shape = np.broadcast_shapes(*shapes)
    except (ValueError, TypeError, RuntimeError):  # (RuntimeError: over 32 dimensions)
        return  # prepare() says what is wrong
    size = math.prod(shape)
    if size > 1:
        arrays = sum(1 for s in shapes if math.prod(s) > 1)
        _memory.check(f"solving at {size:,} points (shape {shape})",
                      size * (BYTES_PER_POINT + 8 * arrays))
