"""Feasibility, notes, certificates, regimes and derived fields (a part of
:mod:`powermodel.solver`).

f(x*) <= P by proof and then by evaluation where needed; what the plain path
cannot vouch for (status notes); the certified bounds; the regime codes; and
every field derived from x*.
"""

import warnings

import numpy as np

from ._numeric import take
from ._prepare import _cost_params, _effective_n
from .costs import FEASIBLE_MIN_P, FEASIBLE_RTOL, XMAX, proved_regular
from .errors import AccuracyWarning
from .result import REGIMES


#: The status of a callable's solve (no interval extension: its pieces are sampled).
ASSUMED = ("assumed: no feature of f narrower than the sampling grid (40 points a decade) "
           "between the points sampled; pass CallableCost(..., interval=...) and "
           "certify=True for a proof")

#: g* counts as unresolved where the enclosure of f(x*) leaves it this uncertain (relative).
RESOLVE_RTOL = 1e-9


def _plain_notes(cost, p, x, P, N, rho, x_budget, size):
    """What the plain (not certified) path cannot vouch for, per point (None: ok).

    * a callable's optimum is the sampled one (:data:`ASSUMED`);
    * where the interval enclosure of f at x* leaves g* uncertain by more than
      :data:`RESOLVE_RTOL` (cancellation, underflow), an AccuracyWarning and the
      status say that f(x*) is not resolved;
    * where the budget lies beyond the float range (f(1.8e308) <= P and f still
      rising), the status says that a larger x than any float may be better.
    """
    if cost.closed_form:
        return _range_notes(x, P, x_budget, size)
    note = None
    if not cost.has_intervals:
        note = np.full(size, ASSUMED, dtype=object)
    else:
        fin = np.flatnonzero(np.isfinite(x))
        if fin.size:
            scalar = all(np.ndim(v) == 0 for v in p.values())
            q = p if scalar else take(p, fin)
            xs = x[fin]
            with np.errstate(all="ignore"):
                flo, fhi = (np.nan_to_num(np.broadcast_to(np.asarray(v, dtype=float), xs.shape),
                                          nan=d, posinf=np.inf, neginf=-np.inf)
                            for v, d in zip(cost.interval(xs, xs, q), (-np.inf, np.inf)))
                Pf = np.broadcast_to(P, (size,))[fin]
                Nf = np.broadcast_to(N, (size,))[fin]
                carry = 1 + np.broadcast_to(rho, (size,))[fin] * (Nf - 1)
                fx = np.clip(0.5 * flo + 0.5 * fhi, flo, fhi)
                g = (Pf - fx) * carry / Nf + xs
                spread = (fhi - flo) * carry / Nf
                # where f(x*) <= P is not proved (fhi > P), how far below x* the true
                # budget could lie: (fhi - P) / f'(x*), at most x* itself (x >= 0)
                # (the engine's underflow floor counts once P is below it: at P = 0 a
                # positive f is infeasible however small)
                excess = fhi - Pf
                risky = excess > np.minimum(_FLOOR, RESOLVE_RTOL * np.abs(Pf))
                dx = np.zeros_like(xs)
                r = np.flatnonzero(risky)
                if r.size:  # (f' only at those points: at a binding budget they can be many)
                    slope = np.abs(np.broadcast_to(np.asarray(
                        cost.df(xs[r], take(q, r)), dtype=float), r.shape))
                    dx[r] = np.fmin(excess[r] / slope, xs[r])
            # (an uncertainty of f below 1e-305, the engine's underflow floor of a few
            # 2**-1022 an operation, is not counted: it is no scale of the problem's; at
            # the budget f(x*) = P to rounding, so fhi > P alone says nothing unless the
            # true budget could lie measurably below x*: 448*x**34 at P = 0, where x**34
            # underflows and float f(x) = 0 <= P at x = 3e-10, not only at 0)
            # (an enclosure with an infinite end says nothing about f(x*): g = inf there
            # and spread <= 1e-9 |g| would hold)
            bad = ~(spread <= RESOLVE_RTOL * np.abs(g) + _FLOOR * carry / Nf) \
                | ~(dx <= RESOLVE_RTOL * xs) | np.isinf(flo) | np.isinf(fhi)
            if bad.any():
                note = np.full(size, None, dtype=object)
                for j in np.flatnonzero(bad):
                    i = fin[j]
                    note[i] = (f"unresolved: floating point cannot resolve f(x*) (its enclosure "
                               f"at x* = {xs[j]:.6g} is [{flo[j]:.6g}, {fhi[j]:.6g}], P = "
                               f"{Pf[j]:.6g}: cancellation or underflow), so x* and g* may be "
                               "off; certify=True gives proved bounds")
                warnings.warn(f"floating point cannot resolve the cost {cost.name!r} at x* "
                              f"({int(bad.sum())} point(s); cancellation or underflow): x* and g* "
                              "may be off there, see `status`", AccuracyWarning, stacklevel=4)
    # the budget beyond the float range: f(XMAX) <= P and f still rising there
    xb = np.broadcast_to(x_budget, (size,))
    if np.isinf(xb).any():
        with np.errstate(all="ignore"):
            top, half = (np.broadcast_to(np.asarray(cost.f(np.full(size, v), p), dtype=float),
                                         (size,)) for v in (XMAX, XMAX / 2))
        rising = (top > half * (1 + 1e-12)) & np.isfinite(top)
        beyond = np.isinf(xb) & rising
        if beyond.any():
            note = np.full(size, None, dtype=object) if note is None else note
            for i in np.flatnonzero(beyond & np.equal(note, None)):
                note[i] = ("beyond float range: f(1.8e308) <= P, so the budget lies beyond the "
                           "largest float; " + ("x* is beyond it too" if np.isinf(x[i]) else
                                                "x* is the best x below 1.8e308, and a larger "
                                                "x may be better"))
    return note


_FLOOR = 1e-305


def _range_notes(x, P, x_budget, size):
    """The closed forms' notes where the float range cuts the answer: x* = inf (the
    families' f is unbounded, so x* is finite but beyond 1.8e308), or a budget that
    underflows to 0 although P > 0 = f(0). None where there is nothing to say."""
    # (two reductions decide the usual case, nothing to say, without a mask per rule:
    # x* >= 0, so no inf is max(x) < inf; a NaN max takes the masks)
    with np.errstate(invalid="ignore"):
        if size and np.max(x) < np.inf and (
                np.min(x_budget) > 0 or not np.max(P) > 0):
            return None
    inf_x = np.isinf(x)
    under = (np.broadcast_to(x_budget, (size,)) == 0) & (np.broadcast_to(P, (size,)) > 0)
    if not (inf_x.any() or under.any()):
        return None
    note = np.full(size, None, dtype=object)
    note[inf_x] = ("beyond float range: x* is finite but beyond the largest float "
                   "(returned as inf, regime 'unbounded')")
    note[under & ~inf_x] = ("beyond float range: the budget X_budget underflows (it is below "
                            "the smallest float, returned as 0), so x* may be a tiny positive "
                            "number rather than 0")
    return note


def _derived_block(cost, inp, x, x_budget, size):
    """Every field derived from x* on one block of points (flat arrays)."""
    N, P = inp["N"], inp["P"]
    rho, lam = inp["overlap"], inp["runtime_penalty"]
    p = _cost_params(cost, inp)
    n_eff, _ = _effective_n(N, rho, lam)
    # Derived fields, lean: scalars stay scalars, and the corrections of np.where
    # are applied in place only where they are needed.
    inf_x = np.isinf(x)
    any_inf = bool(inf_x.any())
    # (at x* = inf, f's limit is taken at the largest float, where f <= P: at x* = inf
    # the budget is beyond the float range, so every float is feasible)
    xr = np.where(inf_x, XMAX, x) if any_inf else x
    scalar_p = all(np.ndim(v) == 0 for v in p.values())
    with np.errstate(all="ignore"):
        fx = np.broadcast_to(np.asarray(cost.f(xr, p), dtype=float), (size,))
        # x* is feasible, f(x*) <= P: where rounding at the budget says otherwise, f(x*) = P.
        over = fx > P
        if np.any(over & ~inf_x):
            fx = np.where(over & ~inf_x, P, fx)
        if scalar_p:
            f0 = float(np.asarray(cost.f(np.zeros(1), p), dtype=float).ravel()[0])
        else:
            f0 = np.broadcast_to(np.asarray(cost.f(np.zeros(size), p), dtype=float), (size,))
        rho0 = np.ndim(rho) == 0 and rho == 0
        carry = 1.0 if rho0 else 1 + rho * (N - 1)
        per_n = carry / N
        base = (P - fx) * per_n
        if np.any(np.isinf(per_n)):  # subnormal N: carry/N overflows although the
            # product need not (P = 1e-300, N = 5e-324: 2e23), and 0 * inf must be 0
            base = np.where(np.isinf(per_n), ((P - fx) / N) * carry, base)
            base = np.where(P - fx == 0, 0.0, base)
        learned = x if (np.ndim(lam) == 0 and lam == 0) else (1 - lam) * x
        value = base + learned
        learned_share = learned / value
        if any_inf:
            learned_share[inf_x] = 1.0
        zero_v = value == 0
        any_zero_v = bool(zero_v.any())
        if any_zero_v:
            learned_share[zero_v] = 0.0
        if np.ndim(P) == 0:
            budget_share = fx / P if P != 0 else np.zeros(size)
            if P == 0:
                mult = np.ones(size)
            elif np.ndim(f0) == 0 and f0 == 0:
                mult = n_eff * (value / P)
            else:
                mult = f0 / P + n_eff * (value / P)
        else:
            budget_share = np.where(P == 0, 0.0, fx / P)
            mult = np.where(P == 0, 1.0, f0 / P + n_eff * (value / P))
        if rho0 and np.isfinite(fx).all():
            novel = learned  # + 0 * (P - fx), exactly
        else:
            novel = learned + rho * (P - fx)
        novel_ratio = novel / value
        if any_inf:
            novel_ratio[inf_x] = 1.0
        if any_zero_v:
            novel_ratio[zero_v] = np.where(novel[zero_v] == 0, 1.0, np.inf)
    if cost.closed_form and any_inf:
        value = np.where(inf_x, np.inf, value)
        base = np.where(inf_x, np.nan, base)
    overflow = np.isinf(value)
    if any_inf:
        overflow &= ~inf_x
    if np.any(overflow):
        warnings.warn("the per-instance power g* = (P - f(x*))/N + x* exceeds the float64 range "
                      "at some points (P/N > 1.8e308) and is returned as inf",
                      AccuracyWarning, stacklevel=3)
    full = lambda v: v if getattr(v, "shape", None) == (size,) else np.broadcast_to(  # noqa: E731
        np.asarray(v, dtype=float), (size,))
    return {"value": full(value), "base_per_instance": full(base),
            "learned_share": full(learned_share), "budget_share": full(budget_share),
            "compute_multiplier": full(mult), "novel_value": full(novel),
            "novel_ratio": full(novel_ratio)}


#: Steps of :func:`_feasible`: 8 of one ulp, then steps that double from 16 ulps (a
#: budget of a closed form whose rounding is amplified, k near 1, can be off by more).
_STEPS = 8 + 48


def _step_down(x, j):
    """x moved towards 0 by one ulp (steps j < 8) or by 2**(j - 4) ulps (relative)."""
    if j < 8:
        return np.nextafter(x, 0.0)
    return np.nextafter(x * (1 - 2.0 ** (j - 4 - 53)), 0.0)


def _feasible(cost, p, x, P, U, x_budget, size):
    """x* with f(x*) <= P exactly: where rounding at the budget puts f(x*) above P,
    step x* down by an ulp or two (8 ulps, then steps doubling from 16 ulps), and the
    budget with it (the largest x with f(x) <= P, to those steps). Returns
    ``(x, U, x_budget)``.

    Proved, not evaluated, where it can be: for a closed-form family, f(x*) <= P
    holds by convexity at every x* <= (1 - FEASIBLE_RTOL) X_budget (see
    :data:`powermodel.costs.FEASIBLE_RTOL`), so only the points nearer the budget
    (and those with a P small enough for f to underflow) are evaluated; for other
    costs the points at U. Where every point checked is the same x (scalar
    parameters and U), f is evaluated once.
    """
    if cost.closed_form and proved_regular(cost):
        with np.errstate(invalid="ignore", over="ignore"):
            at_u = np.flatnonzero(x >= np.multiply(x_budget, 1 - FEASIBLE_RTOL))
            if np.min(P) < FEASIBLE_MIN_P:
                at_u = np.union1d(at_u, np.flatnonzero(np.broadcast_to(P, (size,))
                                                       < FEASIBLE_MIN_P))
        if at_u.size:
            at_u = at_u[np.isfinite(x[at_u]) & (x[at_u] > 0)]
    else:
        at_u = np.flatnonzero((x >= U) & np.isfinite(x) & (x > 0))
    if at_u.size == 0:
        return x, U, x_budget
    scalar = not any(np.ndim(v) for v in p.values())
    q = p if scalar else take(p, at_u)
    Pi = np.broadcast_to(P, (size,))[at_u]
    xi = x[at_u]
    if scalar and np.ndim(P) == 0 and np.all(xi == xi[0]):
        # one x and one P for every point checked: evaluate f once
        x1 = xi[:1]
        for j in range(_STEPS):
            with np.errstate(all="ignore"):
                over = np.asarray(cost.f(x1, q), dtype=float).ravel()[:1] > P
            if not over.any():
                break
            x1 = _step_down(x1, j)
        if x1[0] == xi[0]:
            return x, U, x_budget
        xi = np.full(xi.shape, x1[0])
    else:
        xi = xi.copy()
        live = np.arange(xi.size)  # (each step evaluates only the points still above P)
        for j in range(_STEPS):
            ql = q if scalar else take(q, live)
            with np.errstate(all="ignore"):
                over = np.broadcast_to(np.asarray(cost.f(xi[live], ql), dtype=float),
                                       live.shape) > Pi[live]
            live = live[over]
            if not live.size:
                break
            xi[live] = _step_down(xi[live], j)
    moved = xi != x[at_u]
    if not moved.any():
        return x, U, x_budget
    i = at_u[moved]
    x, U, x_budget = (_own(v, size) for v in (x, U, x_budget))
    x[i] = xi[moved]
    U[i] = x[i]
    x_budget[i] = np.minimum(x_budget[i], x[i])
    return x, U, x_budget


def _own(v, size):
    """``v`` as a float array of ``size`` points that may be written into: itself when it
    is one already (the block's own arrays, never an input's), else a copy."""
    if isinstance(v, np.ndarray) and v.shape == (size,) and v.dtype == float \
            and v.flags.owndata and v.flags.writeable:
        return v
    return np.array(np.broadcast_to(v, (size,)), dtype=float)


def _certify(cost, p, x, n, P, U, cap, lam, N, rho, size, rtol, x_budget=None):
    """Run :func:`powermodel.certify.certify_points` on the finite points.

    Returns x (replaced where the branch and bound proved a better one), the
    bound on h, the proved lower value of h at x (-inf where f(x) <= P is not
    proved) and a per-point note (None where certified)."""
    from .certify import certify_points
    from .family_certify import family_certificate, has_certificate

    vec = lambda v: np.broadcast_to(np.asarray(v, dtype=float), (size,))  # noqa: E731
    n_, P_, U_, cap_ = vec(n), vec(P), vec(U), vec(cap)
    bound_h = np.full(size, np.inf)
    lower_h = np.where(np.isinf(x), np.inf, -np.inf)
    fin = np.flatnonzero(np.isfinite(x) & (n_ > 0))
    note = np.full(size, None, dtype=object)
    if fin.size:
        scalar = all(np.ndim(v) == 0 for v in p.values())
        q = p if scalar else take(p, fin)
        with np.errstate(all="ignore"):
            fx = np.broadcast_to(np.asarray(cost.f(x[fin], q), dtype=float), (fin.size,))
            carry = 1 + vec(rho)[fin] * (vec(N)[fin] - 1)
            g = (P_[fin] - fx) * carry / vec(N)[fin] + (1 - vec(lam)[fin]) * x[fin]
            # The tolerance on h = x - f(x)/n that makes the gap on g within rtol |g*|:
            # g = P (1 + rho (N - 1))/N + (1 - lambda) h; half of it, for the rounding.
            tol = 0.5 * rtol * np.abs(g) / (1 - vec(lam)[fin])
        tol = np.where(np.isfinite(tol), tol, np.inf)
        x = x.copy()
        if x_budget is not None and has_certificate(cost):
            # the family's analytic certificate (a few passes); the rest by branch and bound
            xa, bh, lh, ok = family_certificate(cost, q, n_[fin], P_[fin], cap_[fin], x[fin],
                                                vec(x_budget)[fin], tol)
            done = fin[ok]
            x[done], bound_h[done], lower_h[done] = xa[ok], bh[ok], lh[ok]
            tol, fin = tol[~ok], fin[~ok]
            q = p if scalar else take(p, fin)
    if fin.size:
        xb, bh, lh, ok = certify_points(cost, q, n_[fin], P_[fin], U_[fin], cap_[fin], x[fin],
                                        tol, scalar=scalar)
        # The enclosures prove values, not that f is defined: 0*sqrt(4 - x) is enclosed by
        # 0 beyond x = 4, where f is NaN. A point where f is undefined is not certified
        # (and not taken: x stays the plain solver's).
        with np.errstate(all="ignore"):
            undefined = np.isnan(np.broadcast_to(np.asarray(cost.f(xb, q), dtype=float),
                                                 xb.shape))
        if undefined.any():
            xb = np.where(undefined, x[fin], xb)
            lh = np.where(undefined, -np.inf, lh)
            ok = ok & ~undefined
        x[fin] = xb
        bound_h[fin] = bh
        lower_h[fin] = lh
        note[fin[~ok]] = "not certified"
        for i in fin[undefined]:
            note[i] = "not certified: f is undefined (NaN) at the point the interval search proved"
    return x, bound_h, lower_h, note


def _bound_fields(bound_h, lower_h, value, P, N, rho, lam, x, note, size, rtol):
    """``bound`` (a rigorous upper bound on g*), ``lower`` (a rigorous lower bound on
    g(x*)) and ``gap = bound - lower`` from the bounds on h; a point is certified where
    f(x*) <= P is proved and the gap is within ``rtol |bound|``, whatever the search
    said."""
    vec = lambda v: np.broadcast_to(np.asarray(v, dtype=float), (size,))  # noqa: E731
    value = vec(value)
    eps8 = 8 * 2.220446049250313e-16
    with np.errstate(all="ignore"):
        t = vec(rho) * (vec(N) - 1)
        carry = 1 + t
        base = vec(P) * (carry / vec(N))
        learned = (1 - vec(lam)) * bound_h
        # carry = 1 + rho (N - 1) is rounded, and where t = rho (N - 1) is near -1 (N < 1,
        # overlap near 1) the sum cancels: its relative error is up to u (1 + 2 |t|/carry).
        # It enters base = P carry/N and the n = N (1 - lambda)/carry the bounds on h were
        # proved for: h with the exact n differs by at most rel * f/n <= rel * P/n, which
        # is rel * base / (1 - lambda) in g. So both ends move by 2 rel |base| (and a few
        # ulps more for the divisions).
        rel = 2.3e-16 * (6 + 3 * np.abs(t) / np.abs(carry))
        slack = np.where(np.isfinite(rel), 2 * rel * np.abs(base), np.inf)
        bound = base + learned
        # Outward: a few ulps of the terms (each product and the sum round a few times).
        bound = np.where(np.isfinite(bound), bound + eps8 * (
            np.abs(base) + np.abs(learned)) + slack + 1e-321, bound)
        learned_lo = (1 - vec(lam)) * lower_h
        lower = base + learned_lo
        lower = np.where(np.isfinite(lower), lower - eps8 * (
            np.abs(base) + np.abs(learned_lo)) - slack - 1e-321, lower)
        # (widening either to the float estimate keeps it a bound: lower <= value <= bound)
        lower = np.where(np.isinf(x), np.inf, np.fmin(lower, value))
        bound = np.where(np.isinf(x), np.inf, np.fmax(bound, value))
        gap = np.where(np.isinf(x), 0.0, bound - lower)
    note = np.array(note, dtype=object)
    unproved = np.equal(note, None) & ~np.isinf(x) & ~np.isfinite(lower)
    note[unproved] = "not certified"
    with np.errstate(invalid="ignore"):
        wide = np.equal(note, None) & ~(gap <= rtol * np.abs(bound))
    note[wide] = "not certified"
    bad = ~np.equal(note, None)
    if not bad.any():  # (one "ok" for every point, stored once)
        return {"bound": bound, "lower": lower, "gap": gap,
                "status": np.broadcast_to(np.str_("ok"), (size,))}
    status = np.full(size, "ok", dtype=object)
    if bad.any():
        with np.errstate(all="ignore"):
            rel = gap / np.abs(bound)
        for i in np.flatnonzero(bad):
            if note[i] != "not certified":
                status[i] = note[i]
            elif not np.isfinite(lower[i]):
                status[i] = ("not certified: f(x*) <= P could not be proved in interval "
                             "arithmetic (x* is not proved feasible)")
            else:
                status[i] = (f"not certified: gap {gap[i]:.3g} ({rel[i]:.2g} relative) is "
                             "above certify_rtol")
    return {"bound": bound, "lower": lower, "gap": gap, "status": status.astype(str)}


#: REGIMES as a (regimes, characters) array of code points: gathering rows of it
#: builds the string array of regimes faster than indexing an array of str.
_REGIME_CHARS = np.array(REGIMES).view(np.uint32).reshape(len(REGIMES), -1)


def _regimes(x, inf_x, U, cap, x_budget, size):
    """The regime names of every point (see :func:`_regime_code`)."""
    code = _regime_code(x, inf_x, U, cap, x_budget, size)
    return np.take(_REGIME_CHARS, code, axis=0).view(np.array(REGIMES).dtype).reshape(size)


def _regime_code(x, inf_x, U, cap, x_budget, size):
    """The regime of every point as an ``int8`` code (an index of
    :data:`~powermodel.result.REGIMES`).

    "none" where x* = 0, else "unbounded" where x* = inf, else "cap" where x*
    reaches U and the cap is below the budget, else "budget" where x* reaches U,
    else "interior".
    """
    at_u = x >= U
    code = at_u.astype(np.int8)
    code += 1  # 1 interior, 2 budget
    cap_binds = cap < x_budget
    if np.ndim(cap_binds):
        code += at_u & cap_binds  # 3 cap
    elif cap_binds:
        code += at_u
    code[x == 0] = 0
    if inf_x is not None:
        code[inf_x & (x != 0)] = 4
    return code.reshape(size)
