r"""The optimum of a kinked cost, its thresholds and the equations of its regimes.

:func:`solve_kinked` turns the pieces of a :class:`~powermodel.symbolic.kinks.KinkedCost`
into the regimes of x* (``(name, x*, condition)`` tested in order, as for a
smooth cost), X_budget and the thresholds in the effective diversity n (the
caller maps them to N). The regimes are named after where x* is:
``"none"`` (0), ``"interior i"`` (inside piece i, f_i'(x*) = n), ``"kink i"``
(at the i-th kink), ``"budget i"`` (f(x*) = P on piece i) and ``"cap"``.
Pieces and kinks are numbered from x = 0, starting at 1.
"""

import itertools

import sympy as sp

from ..errors import InputError, UnsolvableError
from ._common import _T, _tidy, P, SOLVE_TIMEOUT, x
from .kinks import _at, _GIVE, _less, _roots_in, _sign

__all__ = ["solve_kinked", "implicit_equations"]


def _f_at(p, v):
    return _tidy(_at(p.f, v, "+" if v == p.lo else "-"))


def _d1_at(p, v, side):
    return _tidy(_at(p.d1, v, side))


def _budget_ranges(kc, Pv):
    """[(piece index, X_budget on it, condition on P)] over every piece, and X_budget as a
    Piecewise (flat pieces, where f = P has no unique root, are skipped)."""
    out = []
    pcs = kc.pieces
    last = len(pcs) - 1
    for i, p in enumerate(pcs):
        if kc.kinds[i] == "linear" and _sign(p.d1) == 0:
            continue
        xb = _tidy(kc.invert(p, p.f, "the budget f(x) = P").subs(_T, Pv))
        conds = []
        if i > 0:
            conds.append(Pv > _f_at(p, p.lo))
        if i < last:
            conds.append(Pv <= _f_at(p, p.hi))
        out.append((i, xb, sp.And(*conds)))
    if not out:
        raise UnsolvableError(f"the cost {kc.text!r} is flat: f(x) = P has no unique root")
    pw = sp.Piecewise(*[(xb, c) for _, xb, c in out[:-1]], (out[-1][1], True))
    return out, pw


def _ends(kc, Pv, cap, ranges):
    """The end points U of the feasible set: [(name, U, condition on P, piece index)]."""
    pcs = kc.truncated(cap)
    m = len(pcs)
    ends = []
    if cap is not None:
        fcap = _f_at(pcs[-1], cap)
        ends.append(("cap", cap, Pv > fcap, m - 1))
    for i, xb, cond in ranges:
        if i >= m:
            break
        if cap is not None and i == m - 1:
            cond = sp.And(cond, Pv <= fcap)
        ends.append((f"budget {i + 1}", xb, cond, i))
    return pcs, ends


def _pw(pairs, default=sp.oo):
    """Piecewise of (value, condition) pairs, the last condition made True (or a default)."""
    pairs = [(v, c) for v, c in pairs if c is not sp.false]
    if not pairs:
        return default
    if default is None:
        pairs[-1] = (pairs[-1][0], sp.true)
    else:
        pairs.append((default, sp.true))
    out = sp.Piecewise(*pairs)
    return out


class _Result:
    """branches, X_budget, thresholds in n (values or ("implicit", None))."""

    def __init__(self, branches, xb, thresholds):
        self.branches = branches
        self.xb = xb
        self.thresholds = thresholds


def solve_kinked(kc, Pv, cap, n):
    """The regimes, X_budget and thresholds (in n) of the kinked cost ``kc`` at budget ``Pv``.

    ``Pv`` is the symbol P or an exact number; ``cap`` None or an exact number; ``n`` the
    effective diversity (an expression in N). Raises UnsolvableError where the cost has no
    exact solution here (see the module docstring of :mod:`powermodel.symbolic.kinks`).
    """
    kind = kc.kind
    f0 = _f_at(kc.pieces[0], sp.Integer(0))
    if isinstance(Pv, sp.Number) and f0.is_number:
        above = _sign(Pv - f0)
        if above == -1:
            raise InputError(f"`P` must be at least f(0) = {f0}, got {Pv}")
        if above == 0:  # the budget allows x = 0 only
            return _Result([("none", sp.Integer(0), sp.true)], sp.Integer(0),
                           {"onset": sp.oo, "budget": sp.oo, "cap": sp.oo, "dominance": sp.oo})
    if kind == "kinked-convex":
        return _convex(kc, Pv, cap, n)
    if kind == "kinked-concave":
        return _concave(kc, Pv, cap, n)
    if not kc.numeric or not isinstance(Pv, sp.Number):
        raise UnsolvableError(
            f"the kinked cost {kc.text!r} is neither convex nor concave piece by piece, so x* "
            "can jump between pieces: its optimum and thresholds are derived for numbers; "
            "give every cost parameter a numeric value and P (thresholds(P=...))")
    return _envelope(kc, Pv, cap, n)


# ---------------------------------------------------------------------------
# Convex: x* = the least x with n <= f'(x+), clipped to U
# ---------------------------------------------------------------------------

def _slope(kc, i):
    s = _sign(kc.pieces[i].d1)
    if s is None:
        raise UnsolvableError(f"whether the cost {kc.text!r} is flat on its piece "
                              f"{kc.pieces[i].f} depends on the parameter values ({_GIVE})")
    return s


def _convex(kc, Pv, cap, n):
    kc.require_unbounded()
    ranges, xb = _budget_ranges(kc, Pv)
    pcs, ends = _ends(kc, Pv, cap, ranges)
    kinds = kc.kinds
    first = pcs[0]
    d0 = _d1_at(first, first.lo, "+")
    branches = [("none", sp.Integer(0), n <= d0)]
    t_end = {}
    for name, U, cond, i in ends:
        t = _d1_at(pcs[i], U, "-")
        t_end[name] = (t, cond, U, i)
        branches.append((name, U, sp.And(cond, n > t)))
    free = []
    for i, p in enumerate(pcs):
        if i > 0:
            free.append((f"kink {i}", p.lo, n <= _d1_at(p, p.lo, "+")))
        if kinds[i] == "convex":
            xi = _tidy(kc.invert(p, p.d1, "the first-order condition f'(x) = n").subs(_T, n))
            cond = sp.true if p.hi is sp.oo else n < _d1_at(p, p.hi, "-")
            free.append((f"interior {i + 1}", xi, cond))
    branches += free
    name, xr, _ = branches[-1]  # (no free branch: a linear piece up to the cap)
    branches[-1] = (name, xr, sp.true)

    th = {"onset": d0}
    th["budget"] = _pw([(t, c) for name, (t, c, U, i) in t_end.items() if name != "cap"],
                       None if cap is None else sp.oo)
    th["cap"] = sp.oo if cap is None else _pw([(t_end["cap"][0], t_end["cap"][1])])
    jumps = []
    for i, p in enumerate(pcs):
        if kinds[i] == "linear" and _slope(kc, i) > 0:
            s = _tidy(p.d1)
            jumps.append(s if i == 0 else _pw([(s, Pv > _f_at(p, p.lo))]))
    for j, s in enumerate(jumps):
        th["jump" if j == 0 else f"jump_{j + 1}"] = s
    th["dominance"] = _convex_dominance(kc, Pv, cap, pcs)
    return _Result(branches, xb, th)


def _convex_dominance(kc, Pv, cap, pcs):
    """The first n where the share reaches 1/2: n x* + f(x*) >= P (it rises with n)."""
    entries = []
    kinds = kc.kinds
    for i, p in enumerate(pcs):
        if i > 0:
            k, Fk = p.lo, _f_at(p, p.lo)
            dl = _d1_at(pcs[i - 1], k, "-")
            dr = _d1_at(p, k, "+")
            entries.append((sp.Max(dl, (Pv - Fk) / k), Pv <= dr * k + Fk))
        if kinds[i] == "convex":
            G = x * p.d1 + p.f
            try:
                xd = kc.invert(p, G, "the dominance condition x f'(x) + f(x) = P").subs(_T, Pv)
            except UnsolvableError:
                return ("implicit", None)
            nd = _tidy(p.d1.subs(x, xd))
            if p.hi is sp.oo:
                entries.append((nd, sp.true))
            else:
                entries.append((nd, Pv <= p.hi * _d1_at(p, p.hi, "-") + _f_at(p, p.hi)))
    last = pcs[-1]
    if cap is not None:
        entries.append((sp.Max(_d1_at(last, cap, "-"), (Pv - _f_at(last, cap)) / cap), sp.true))
    elif kinds[len(pcs) - 1] == "linear":
        entries.append((_tidy(last.d1), sp.true))
    return _pw([(_tidy(v), c) for v, c in entries], None)


# ---------------------------------------------------------------------------
# Concave: x* is 0 or U
# ---------------------------------------------------------------------------

def _concave(kc, Pv, cap, n):
    kc.require_unbounded()
    ranges, xb = _budget_ranges(kc, Pv)
    pcs, ends = _ends(kc, Pv, cap, ranges)
    f0 = _f_at(pcs[0], sp.Integer(0))
    branches, jump, budget, capt, dom = [], [], [], [], []
    for name, U, cond, i in ends:
        fU = Pv if name != "cap" else _f_at(pcs[i], U)
        t = _tidy((fU - f0) / U)
        branches.append((name, U, sp.And(cond, n > t)))
        jump.append((t, cond))
        (capt if name == "cap" else budget).append((t, cond))
        # share 1/2: n >= (P - f(U))/U, which is 0 at the budget
        dom.append((t if name != "cap" else _tidy(sp.Max(t, (Pv - fU) / U)), cond))
    branches.append(("none", sp.Integer(0), sp.true))
    jump_pw = _pw(jump, None)
    th = {"onset": jump_pw,
          "budget": _pw(budget, None if cap is None else sp.oo),
          "cap": sp.oo if cap is None else _pw(capt),
          "dominance": _pw(dom, None),
          "jump": jump_pw}
    return _Result(branches, xb, th)


# ---------------------------------------------------------------------------
# Neither: the upper envelope of the candidates, with numbers
# ---------------------------------------------------------------------------

def _envelope(kc, Pv, cap, n):
    kc.require_unbounded()
    ranges, xb = _budget_ranges(kc, Pv)
    live = [(i, v) for i, v, c in ranges if c == sp.true]
    if len(live) != 1:
        raise UnsolvableError(f"cannot place X_budget of {kc.text!r} on one piece at P = {Pv}")
    j, U = live[0]
    end = f"budget {j + 1}"
    if cap is not None and _less(cap, U):
        U, end = cap, "cap"
    pcs = kc.truncated(U)
    bad = [p for i, p in enumerate(pcs) if kc.kinds[i] not in ("linear", "convex", "concave")]
    if bad:
        p = bad[0]
        raise UnsolvableError(
            f"the cost {kc.text!r} is neither convex nor concave on its piece {p.f} "
            f"({p.lo} < x < {p.hi}): x* has no closed form there; use Model.solve "
            "(the numeric solver)")

    def fval(c):
        for p in pcs:
            if _sign(c - p.lo) >= 0 and (p.hi is sp.oo or _sign(p.hi - c) >= 0):
                return _f_at(p, c)
        raise AssertionError(c)  # pragma: no cover - c lies in [0, U]

    points = [("none", sp.Integer(0))] + [(f"kink {i}", p.lo) for i, p in enumerate(pcs) if i] \
        + [(end, U)]
    interiors = []
    for i, p in enumerate(pcs):
        if kc.kinds[i] == "convex":
            inv = kc.invert(p, p.d1, "the first-order condition f'(x) = n")
            interiors.append((f"interior {i + 1}", p, inv, _d1_at(p, p.lo, "+"),
                              _d1_at(p, p.hi, "-")))
    t = _T
    h = {name: c - fval(c) / t for name, c in points}
    xpos = {name: c for name, c in points}
    for name, p, inv, lo, hi in interiors:
        h[name] = inv - p.f.subs(x, inv) / t
        xpos[name] = inv

    events = []
    for _, _, _, lo, hi in interiors:
        events += [lo, hi]
    for (_, a), (_, b) in itertools.combinations(points, 2):  # chords
        events.append((fval(b) - fval(a)) / (b - a))
    def crossings(e, lo, hi, a, b):
        """Where candidate a and candidate b change places (roots of e in (lo, hi))."""
        try:
            return _roots_in(e, lo, hi, kc.text, "", SOLVE_TIMEOUT / 4)
        except UnsolvableError:
            raise UnsolvableError(
                f"SymPy cannot solve where x* of the kinked cost {kc.text!r} moves between "
                f"{a} and {b}; use the numeric solver Model.solve") from None

    for name, p, inv, lo, hi in interiors:
        for c_name, c in points:  # the tangent from (c, f(c)) touches the piece
            tangent = p.f - fval(c) - (x - c) * p.d1
            events += [p.d1.subs(x, r) for r in crossings(tangent, p.lo, p.hi, c_name, name)]
    for (na, pa, _, la, ha), (nb, pb, _, lb, hb) in itertools.combinations(interiors, 2):
        lo = lb if _less(la, lb) else la
        hi = ha if _less(ha, hb) else hb
        if _sign(hi - lo) != 1:
            continue
        u = _polynomial_crossings(pa, pb)
        if u is not None:  # a superset of the crossings, exact: extra events are harmless
            events += [pa.d1.subs(x, r) for r in u]
        else:
            events += crossings((h[na] - h[nb]).subs(t, x), lo, hi, na, nb)
    events = sorted({e for e in events if e.is_finite and _sign(e) == 1},
                    key=lambda e: sp.N(e, 50))
    uniq = []
    for e in events:
        if not uniq or _sign(e - uniq[-1]) != 0:
            uniq.append(e)
    bounds = [sp.Integer(0), *uniq, sp.oo]

    segs = []
    for a, b in zip(bounds, bounds[1:]):
        n0 = 2 * a + 1 if b is sp.oo else (a + b) / 2
        active = [name for name, _ in points]
        active += [name for name, p, inv, lo, hi in interiors
                   if _sign(n0 - lo) == 1 and _sign(hi - n0) == 1]
        vals = {name: sp.N(h[name].subs(t, n0), 50) for name in active}
        best = max(vals.values())
        tol = sp.Float(10) ** -40 * (1 + abs(best))
        ties = [name for name in active if best - vals[name] <= tol]
        win = min(ties, key=lambda name: sp.N(xpos[name].subs(t, n0), 50))
        if segs and segs[-1][0] == win:
            segs[-1][2] = b
        else:
            segs.append([win, a, b])

    branches = []
    jumps = []
    for k, (name, a, b) in enumerate(segs):
        xr = _tidy(xpos[name].subs(t, n))
        branches.append((name, xr, sp.true if b is sp.oo else n <= b))
        if k + 1 < len(segs):
            nxt = segs[k + 1][0]
            gap = _sign(xpos[nxt].subs(t, b) - xpos[name].subs(t, b))
            if gap == 1:
                jumps.append(b)
    first = segs[0]
    th = {"onset": first[2] if first[0] == "none" else sp.Integer(0)}
    th["budget"] = next((a for name, a, b in segs if name.startswith("budget")), sp.oo)
    th["cap"] = next((a for name, a, b in segs if name == "cap"), sp.oo)
    for k, b in enumerate(jumps):
        th["jump" if k == 0 else f"jump_{k + 1}"] = b
    th["dominance"] = _envelope_dominance(kc, Pv, segs, xpos, fval, pcs, interiors)
    return _Result(branches, xb, th)


def _polynomial_crossings(pa, pb):
    """Where the optima u (on piece a) and v (on piece b) tie, for polynomial pieces with
    rational coefficients: f_a'(u) = f_b'(v) = n and n (u - v) = f_a(u) - f_b(v). Eliminating
    v (a resultant) leaves a polynomial in u; its real roots inside piece a are returned
    (exact; a superset of the ties). None for other pieces."""
    fa, fb = pa.f, pb.f
    if not (fa.is_polynomial(x) and fb.is_polynomial(x)):
        return None
    u, v = sp.Dummy("u"), sp.Dummy("v")
    da, db = sp.diff(fa, x), sp.diff(fb, x)
    e1 = sp.expand(da.subs(x, u) - db.subs(x, v))
    e2 = sp.expand(da.subs(x, u) * (u - v) - fa.subs(x, u) + fb.subs(x, v))
    try:
        r = sp.Poly(sp.resultant(e1, e2, v), u)
    except (sp.PolynomialError, sp.GeneratorsNeeded):
        return None
    if r.is_zero or not all(c.is_Rational for c in r.all_coeffs()):
        return None
    return [q for q in set(sp.real_roots(r)) if _less(pa.lo, q) and _less(q, pa.hi)]


def _envelope_dominance(kc, Pv, segs, xpos, fval, pcs, interiors):
    pieces = {name: p for name, p, *_ in interiors}
    for name, a, b in segs:
        if name == "none":
            continue
        if name in pieces:
            p = pieces[name]
            try:
                xd = kc.invert(p, x * p.d1 + p.f,
                               "the dominance condition x f'(x) + f(x) = P").subs(_T, Pv)
            except UnsolvableError:
                return ("implicit", None)
            nd = p.d1.subs(x, xd)
        else:
            c = xpos[name]
            nd = (Pv - fval(c)) / c
        if b is sp.oo or _sign(b - nd) >= 0:
            return _tidy(nd if _sign(nd - a) == 1 else a)
    return sp.oo  # pragma: no cover - the last segment has b = oo


# ---------------------------------------------------------------------------
# The equation that defines x* in each regime (for the statics)
# ---------------------------------------------------------------------------

def implicit_equations(kc, cap, n):
    """``[(regime, E, f)]``: x* solves E(x, θ) = 0 in that regime, with the cost f there
    (every parameter a symbol)."""
    out = [("none", x, kc.pieces[0].full)]
    if isinstance(cap, sp.Symbol):  # the cap on any piece
        out += [(f"cap {i + 1}", x - cap, p.full) for i, p in enumerate(kc.pieces)]
    elif cap is not None:
        out.append(("cap", x - cap, kc.truncated(cap)[-1].full))
    for i, p in enumerate(kc.pieces):
        if i > 0:
            out.append((f"kink {i}", p.switch, p.full))
        out.append((f"interior {i + 1}", sp.diff(p.full, x) - n, p.full))
        out.append((f"budget {i + 1}", p.full - P, p.full))
    return out

