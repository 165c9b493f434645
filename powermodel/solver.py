r"""The global, vectorised solver for the allocation model.

The base optimizer picks

.. math::

    x^* = \arg\max_{0 \le x \le U} g(x), \qquad
    g(x) = \frac{(P - f(x))\,(1 + \rho (N - 1))}{N} + (1 - \lambda)\,x,

with :math:`U = \min(x_{cap}, X_{budget})` and
:math:`X_{budget} = \sup\{x \ge 0 : f(x) \le P\}`. Dividing by
:math:`1 - \lambda` shows that x* maximises :math:`h(x) = x - f(x)/n` with the
*effective diversity* :math:`n = N (1 - \lambda) / (1 + \rho (N - 1))`; the
paper's model is :math:`\rho = \lambda = 0`, :math:`n = N`. Candidates are
compared by :math:`h`, never by :math:`g`, so a huge ``P`` cannot swamp them.

How x* is found:

* families with closed forms (power, exponential, linear, quadratic,
  power-logN) evaluate them directly;
* every other cost is split at the points where f'' changes sign (exact for
  the fixed-overhead family, a fine log-spaced scan refined by bisection for
  expressions and callables), so f' is monotone on each piece. On each piece
  where f' rises through n a safeguarded Newton iteration in log x solves
  f'(x) = n; the roots, the piece ends, 0 and U are the candidates, and the
  one with the largest h wins; ties (within 1e-12 relative) go to the smallest x.

Everything is vectorised over points: the only Python loops run over
iterations and pieces, never over points.
"""

import contextvars
import warnings

import numpy as np

from . import _validation as V, _warnings
from ._candidates import (  # noqa: F401  (re-exported: the solver's former contents)
    _SLOPE_RTOL, TIE_RTOL, _breakpoints, _check_scan, _general_optimum, _grid_bracket,
    _hull_pieces, _not_increasing, _select, _shared, _shared_optimum, _with_sampled,
    above_search_range)
from ._feasibility import (  # noqa: F401
    _FLOOR, _REGIME_CHARS, ASSUMED, RESOLVE_RTOL, _bound_fields, _certify,
    _derived_block, _feasible, _own, _plain_notes, _regime_code, _regimes)
from ._prepare import (  # noqa: F401
    _MODEL_INPUTS, BYTES_PER_POINT, _benign, _check_cost, _check_memory, _cost_params,
    _effective_n, _rules, check_names, prepare)
from .costs import undefined_beyond
from .errors import AccuracyWarning, InputError
from .result import REGIMES, Solution

__all__ = ["solve", "objective", "TIE_RTOL"]

#: Points solved at a time by the general solver: larger inputs go block by
#: block, which bounds the memory of temporaries whatever the number of points.
#: Closed forms, with few temporaries, take blocks 4 times larger.
BLOCK = 1 << 16

#: Set by the sweeps (:mod:`powermodel.sweeps`) around their solve: called as
#: ``hook(done, size)`` with the points solved so far, after each block of x*.
SOLVE_PROGRESS = contextvars.ContextVar("powermodel_solve_progress", default=None)


def solve_flat(cost, inp, size, *, lazy=False, certify=False, certify_rtol=1e-9):
    """Solve on validated flat inputs; returns a dict of flat arrays (see :class:`Solution`).

    Solves block by block (:data:`BLOCK` points at a time), so the memory used
    beyond the outputs stays bounded; warnings are issued once, not per block.
    With ``lazy=True`` only ``x`` and ``x_budget`` are computed;
    :func:`derive_flat` gives the other fields (``regime`` as ``int8`` codes).
    """
    shared = _shared(cost, inp)
    if certify:  # (every field at once: the bound is compared with g*)
        shared = {**shared, "certify": float(certify_rtol)}
        lazy = False
    # (closed forms have few temporaries, and x* alone fewer still: larger blocks)
    block = BLOCK * ((64 if lazy else 4) if cost.closed_form and not certify else 1)
    return _blockwise(lambda part, n: _solve_block(cost, part, n, shared, lazy=lazy), inp, size,
                      block, SOLVE_PROGRESS.get())


def derive_flat(cost, inp, x, x_budget, size):
    """The derived fields (value, shares, ...) of flat ``x``, block by block, as a dict."""
    block = BLOCK * 16  # (elementwise, few temporaries: one block for a Dask chunk of 1e6)
    both = {**inp, "_x": x, "_x_budget": x_budget}

    def fun(part, n):
        xp, xb = part.pop("_x"), part.pop("_x_budget")
        return {"regime": _regime_block(part, xp, xb, n), **_derived_block(cost, part, xp, xb, n)}

    return _blockwise(fun, both, size, block)


def _regime_block(inp, x, x_budget, size):
    """The regime codes of one block, from x* and X_budget."""
    cap = inp["x_cap"]
    inf_x = np.isinf(x)
    with np.errstate(invalid="ignore"):
        return _regime_code(x, inf_x if inf_x.any() else None, np.minimum(cap, x_budget), cap,
                            x_budget, size)


def _blockwise(fun, inp, size, block, progress=None):
    """``fun(inputs, n)`` on blocks of the flat inputs, gathered into flat outputs
    (``progress(done, size)`` after each block, when given)."""
    out = None
    with _warnings.recording() as caught:  # (catch_warnings(record=True), thread-safe)
        warnings.simplefilter("always")
        if size <= block:
            out = fun(dict(inp), size)
            if progress is not None:
                progress(size, size)
        for start in range(0, size if out is None else 0, block):
            stop = min(size, start + block)
            part = fun({k: (v[start:stop] if np.ndim(v) else v) for k, v in inp.items()},
                       stop - start)
            if out is None:  # (a field constant in a block comes from scalars: constant)
                out = {k: np.broadcast_to(v[:1], (size,)) if _constant(v) else
                       np.empty(size, dtype=(np.asarray(REGIMES).dtype if k == "regime"
                                             else object) if v.dtype.kind == "U"
                                else v.dtype) for k, v in part.items()}
            for k, v in part.items():
                if not _constant(out[k]):
                    out[k][start:stop] = v
            if progress is not None:
                progress(stop, size)
        if "status" in out and out["status"].dtype == object:
            out["status"] = out["status"].astype(str)
    seen = set()
    for w in caught:
        if (w.category, str(w.message)) not in seen:
            seen.add((w.category, str(w.message)))
            warnings.warn(str(w.message), w.category, stacklevel=4)
    return out


def _constant(v):
    """Whether ``v`` is one value broadcast over its points (a zero stride)."""
    return v.ndim == 1 and v.size > 1 and v.strides[0] == 0


def _merge_notes(note, more):
    """Per-point notes (None: nothing to say): ``note`` where it says something, else
    ``more``; either may be None for every point."""
    if more is None:
        return note
    return more if note is None else np.where(np.equal(note, None), more, note)


def _solve_block(cost, inp, size, shared, lazy=False):
    """solve_flat on one block of points."""
    N, P, cap = inp["N"], inp["P"], inp["x_cap"]
    rho, lam = inp["overlap"], inp["runtime_penalty"]
    p = _cost_params(cost, inp)
    n_eff, n = _effective_n(N, rho, lam)
    with np.errstate(all="ignore"):
        if cost.closed_form:
            x_budget = np.asarray(cost.budget(P, p), dtype=float)
        else:
            # X_budget depends on P and the cost's parameters only: solve it once
            # when those are scalars (the usual sweep over N).
            if "x_budget" in shared:
                x_budget = shared["x_budget"]
            elif np.ndim(P) == 0 and all(np.ndim(v) == 0 for v in p.values()):
                x_budget = float(cost.budget(np.array([P], dtype=float), p)[0])
            else:
                x_budget = cost.budget(np.broadcast_to(P, (size,)).astype(float), p)
        U = np.minimum(cap, x_budget)
        if cost.closed_form:
            x = np.asarray(cost.optimum(n, U, p), dtype=float)
        else:
            x = _general_optimum(cost, p, n, U, size, bps=shared.get("bps"),
                                 tables=shared.get("tables"))
    x = np.asarray(x, dtype=float)
    if x.shape != (size,):
        x = np.broadcast_to(x, (size,)).copy()
    if not cost.closed_form:
        x = above_search_range(cost, p, n, x, U, size)
    x, U, x_budget = _feasible(cost, p, x, P, U, x_budget, size)
    note = None
    if not cost.closed_form:
        # Where f turns NaN beyond the budget found, the search stopped at the edge of
        # the cost's domain, not at f = P: say so at the points that sit there.
        # (evaluated once when the budget and the parameters are shared by every point)
        edge = np.broadcast_to(undefined_beyond(cost, x_budget, p), (size,)) \
            & (x >= x_budget) & (x > 0)
        if edge.any():
            note = np.full(size, None, dtype=object)
            xb = np.broadcast_to(x_budget, (size,))
            for i in np.flatnonzero(edge):
                note[i] = (f"f is undefined (NaN) beyond x = {xb[i]:.6g}: x* is the end of "
                           "the cost's domain, not the budget")
    if "certify" not in shared:
        note = _merge_notes(note, _plain_notes(cost, p, x, P, N, rho, x_budget, size))
    else:
        x_fast = x
        x, bound_h, lower_h, cnote = _certify(cost, p, x, n, P, U, cap, lam, N, rho, size,
                                              shared["certify"], x_budget=x_budget)
        # Where f(x*) <= P was proved only a few ulps inside the budget, that point is the
        # budget (the largest x proved feasible), as in _feasible.
        inside = (x < x_fast) & (x_fast >= U) & (x >= x_fast * (1 - 2e-10))
        if inside.any():
            U = np.where(inside, x, U)
            x_budget = np.where(inside, np.minimum(x_budget, x), x_budget)
        note = _merge_notes(note, cnote)
    inf_x = np.isinf(x)
    any_inf = bool(inf_x.any())
    if cost.closed_form and any_inf:
        # These families have unbounded f, so x* is finite but beyond the float range.
        warnings.warn("x* exceeds the float64 range (1.8e308) at some points and is returned "
                      "as inf (regime 'unbounded')", AccuracyWarning, stacklevel=3)
    xb = x_budget if getattr(x_budget, "shape", None) == (size,) else np.broadcast_to(
        np.asarray(x_budget, dtype=float), (size,))
    notes = {} if note is None else {
        "status": np.where(np.equal(note, None), "ok", note).astype(str)}
    if lazy:
        return {"x": x, "x_budget": xb, **notes}
    code = _regime_code(x, inf_x if any_inf else None, U, cap, x_budget, size)
    derived = _derived_block(cost, inp, x, xb, size)
    extra = notes
    if "certify" in shared:
        extra = _bound_fields(bound_h, lower_h, derived["value"], P, N, rho, lam, x, note,
                              size, shared["certify"])
    return {**extra, "x": x, "value": derived["value"],
            "regime": np.take(_REGIME_CHARS, code, axis=0).view(np.array(REGIMES).dtype).reshape(
                size), **{k: v for k, v in derived.items() if k != "value"}, "x_budget": xb}


def solve(cost, *, N, P, x_cap=None, overlap=0.0, runtime_penalty=0.0, errors="raise",
          certify=False, certify_rtol=1e-9, **params):
    r"""Solve the allocation model for x* and everything derived from it.

    Parameters
    ----------
    cost : str, callable or Cost
        A family name (``"power"``, ...), an expression in ``x``, or a callable.
    N : float or array_like
        Number of distinct instances, ``N > 0``.
    P : float or array_like
        Base optimization power in bits, ``P >= 0``.
    x_cap : float or array_like, optional
        Compute cap on x, ``> 0`` (``None``: no cap).
    overlap : float or array_like
        Shared structure rho in [0, 1] (0: the paper's model).
    runtime_penalty : float or array_like
        Speed prior lambda in [0, 1) (0: the paper's model).
    errors : {"raise", "nan"}
        With ``"nan"``, invalid points give NaN and a message in ``status``.
    certify : bool
        Check every point with an interval branch and bound
        (:mod:`powermodel.certify`): ``bound`` is then a rigorous upper bound on
        g* and ``gap = bound - value``; a point whose gap stays above
        ``certify_rtol * |g*|`` says so in ``status``; where the branch and
        bound finds a better x than the fast solver, that x is returned.
        Without it, ``bound`` and ``gap`` are NaN.
    certify_rtol : float
        The relative gap to reach, ``> 0`` (default 1e-9).
    **params
        The cost's parameters (scalars or arrays; all inputs broadcast).

    Returns
    -------
    Solution

    Examples
    --------
    >>> s = solve("power", N=100, P=1e6, c=1.0, k=2.0)
    >>> s.x, s.value, s.regime
    (50.0, 10025.0, 'interior')
    >>> solve("power", N=[1, 10, 100], P=1e6, c=1.0, k=2.0).x
    array([ 0.5,  5. , 50. ])
    """
    V.flag("certify", certify)
    certify_rtol = V.real("certify_rtol", certify_rtol, low=0, low_open=True)
    if np.ndim(certify_rtol):
        raise InputError(f"`certify_rtol` must be a scalar, got an array of shape "
                         f"{np.shape(certify_rtol)}")
    if any(hasattr(v, "__dask_graph__") for v in (N, P, x_cap, overlap, runtime_penalty,
                                                  *params.values())):
        if certify:
            raise InputError("certify=True is not available for dask arrays; solve with "
                             "NumPy arrays (block by block) instead")
        from ._dask import solve_dask
        cost = check_names(cost, params, errors)
        return solve_dask(solve, cost, _rules(cost), N=N, P=P, x_cap=x_cap, overlap=overlap,
                          runtime_penalty=runtime_penalty, errors=errors, **params)
    _check_memory({"N": N, "P": P, "x_cap": x_cap, "overlap": overlap,
                   "runtime_penalty": runtime_penalty, **params})
    cost, inp, shape, status = prepare(cost, params, N=N, P=P, x_cap=x_cap, overlap=overlap,
                                       runtime_penalty=runtime_penalty, errors=errors)
    given = _own_inputs({"N": N, "P": P, "x_cap": x_cap, "overlap": overlap,
                         "runtime_penalty": runtime_penalty, **params}, inp, shape)
    size = int(np.prod(shape)) if shape else 1
    p = _cost_params(cost, inp)
    _check_cost(cost, p, np.broadcast_to(inp["P"], (size,)) if status is not None else inp["P"],
                status)
    if status is not None and (status != "ok").any():
        bad = status != "ok"
        good = np.flatnonzero(~bad)
        if good.size:
            for k, v in inp.items():
                if np.ndim(v):
                    v = v.copy()
                    v[bad] = v[good[0]]
                    inp[k] = v
    if certify and not cost.has_intervals:
        raise InputError(f"certify=True needs an interval extension of the cost, and cost "
                         f"{cost.name!r} (a Python callable) has none: pass "
                         "CallableCost(f, interval=..., dinterval=...) or give the cost as an "
                         "expression")
    if certify and not getattr(cost, "certifiable", True):
        raise InputError(f"certify=True needs an enclosure of f' as well as of f for cost "
                         f"{cost.name!r}: pass CallableCost(f, interval=..., dinterval=...) "
                         "(without dinterval the bound on h near x* is only first order, and no "
                         "point reaches certify_rtol within the work bound)")
    if shape == () or certify:  # every field now (the bound is compared with g*)
        out = solve_flat(cost, inp, size, certify=certify, certify_rtol=certify_rtol)
        _mark_invalid(out, status)
        if shape == ():
            return Solution(**{k: (str(v[0]) if v.dtype.kind in "UO" else float(v[0]))
                               for k, v in out.items()})._with_inputs(given)
        return Solution(**{k: _shaped(v, shape) for k, v in out.items()})._with_inputs(given)
    out = solve_flat(cost, inp, size, lazy=True)
    x, x_budget = out["x"], out["x_budget"]

    def derive():
        d = derive_flat(cost, inp, x, x_budget, size)
        _mark_invalid(d, status, status_field=False)
        return {k: _shaped(v, shape) for k, v in d.items()}

    _mark_invalid(out, status)
    stored = {k: _shaped(v, shape) for k, v in out.items()}
    if not _cannot_overflow(inp, x):
        # g* may overflow: derive now, so that the warning comes from solve() itself.
        return Solution._lazy({**stored, **derive()}, None)._with_inputs(given)
    return Solution._lazy(stored, derive)._with_inputs(given)


def _own_inputs(raw, inp, shape):
    """The inputs as given, validated float copies (:attr:`Solution.inputs`).

    A flat input that is the caller's own array (a float64 array of the full
    shape, which :func:`prepare` does not copy) is replaced by its copy here, so
    that writing into that array after the solve cannot change the fields
    derived later.
    """
    given = {}
    for k, v in raw.items():
        if v is None:
            continue
        own = V.as_real_array(k, v)  # (a copy; the values were checked by prepare)
        if own.ndim == 0:
            own = float(own)
        else:
            own.setflags(write=False)
            flat = inp.get(k)
            if isinstance(flat, np.ndarray) and own.shape == shape \
                    and np.may_share_memory(flat, v):
                inp[k] = own.reshape(-1)
        given[k] = own
    return given


def _mark_invalid(out, status, status_field=True):
    """NaN (regime "invalid", code -1) at the points refused with errors="nan"; the status
    (with the solver's notes, ``out["status"]``, where the inputs were valid)."""
    notes = out.pop("status", None) if status_field else None
    if status is not None:
        bad = status != "ok"
        for k, v in out.items():
            v = np.array(v)
            if k == "regime" and v.dtype.kind == "i":
                v[bad] = -1
            elif k == "regime":
                v = v.astype(object)
                v[bad] = "invalid"
                v = v.astype(str)
            else:
                v[bad] = np.nan
            out[k] = v
    if not status_field:
        return
    if status is not None:
        if notes is not None:
            status = np.where(status != "ok", status, notes)
        out["status"] = status.astype(str)
    elif notes is not None:
        out["status"] = np.asarray(notes).astype(str)
    else:
        out["status"] = np.broadcast_to(np.str_("ok"), (len(out["x"]),))


def _shaped(v, shape):
    # Fields own their data (views are copied), except that a value common to
    # every point (status "ok", a budget from scalar inputs) stays one value
    # broadcast over the points, read-only like every field.
    if _constant(v):
        return np.broadcast_to(v[0], shape)
    return (v if v.flags.owndata and v.flags.c_contiguous else np.array(v)).reshape(shape)


def _cannot_overflow(inp, x):
    """Whether g* = (P - f(x*)) (1 + rho (N - 1)) / N + (1 - lambda) x* stays finite for
    sure (f(x*) <= P): P (1/N + rho) and x* well inside the float range."""
    with np.errstate(all="ignore"):
        bound = np.max(inp["P"]) * (1.0 / np.min(inp["N"]) + np.max(inp["overlap"]))
        top = np.max(x) if x.size else 0.0
    return bool(bound < 1e307 and top < 1e307)


def objective(cost, x, *, N, P, overlap=0.0, runtime_penalty=0.0, **params):
    r"""The per-instance power ``g(x) = (P - f(x)) (1 + rho (N - 1)) / N + (1 - lambda) x``.

    Not restricted to the feasible set: callers mask ``f(x) > P`` themselves.

    >>> objective("power", 50.0, N=100, P=1e6, c=1.0, k=2.0)
    10025.0
    """
    cost, inp, shape, _ = prepare(cost, params, N=N, P=P, overlap=overlap,
                                  runtime_penalty=runtime_penalty)
    x = V.real("x", x, low=0)
    p = {k: inp[k] for k in cost.parameters}
    if cost.depends_on_N:
        p["N"] = inp["N"]
    p = {k: (v.reshape(shape) if np.ndim(v) else v) for k, v in p.items()}
    N_, P_ = (np.reshape(inp[k], shape) if np.ndim(inp[k]) else inp[k] for k in ("N", "P"))
    rho = np.reshape(inp["overlap"], shape) if np.ndim(inp["overlap"]) else inp["overlap"]
    lam = (np.reshape(inp["runtime_penalty"], shape) if np.ndim(inp["runtime_penalty"])
           else inp["runtime_penalty"])
    with np.errstate(all="ignore"):
        g = (P_ - cost.f(np.asarray(x), p)) * (1 + rho * (N_ - 1)) / N_ + (1 - lam) * x
    g = np.asarray(g, dtype=float)
    return float(g) if g.ndim == 0 else g


from ._namespace import public_dir as _public_dir  # noqa: E402

__dir__ = _public_dir(globals())
