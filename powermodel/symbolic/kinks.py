r"""Costs with kinks (``abs``, ``min``, ``max``): split into smooth pieces, solved piece by piece.

A cost built with ``abs``, ``min`` or ``max`` (and the ``sign`` inside
``cbrt``) is smooth between finitely many points, its kinks. :func:`split`
finds them exactly: innermost kink first, the points where its switching
function (the argument of ``abs``, the difference of the arguments of
``min``/``max``) changes sign are solved with SymPy (every real root of a
polynomial, or a finite ``solveset``), each side gets the branch active there,
and the pieces are split again until none has a kink left (at most
:data:`MAX_PIECES`). A cost that is one smooth piece on x >= 0 (``abs(x) + x**2``)
is then solved as any smooth cost. With symbolic parameters every decision
(is this root real, inside this interval, which branch is larger, is this kink
convex) must hold for every admissible value (parameters of an expression are
positive); where SymPy cannot decide it, or cannot solve for a kink, the cost
is refused (:class:`~powermodel.errors.UnsolvableError`, naming the kink). A
piece on which f provably decreases is refused as the numeric solver refuses it
(:class:`~powermodel.errors.InputError`, "f decreases near x = ..."); with
symbolic parameters f is taken to be non-decreasing, the model's rule.

:class:`KinkedCost` then solves the model piece by piece
(:mod:`powermodel.symbolic.kinked_optimum`). On a piece the first-order
condition is the usual :math:`f_i'(x) = n`; at a kink :math:`k` x* sits at the
kink for :math:`f'(k^-) < n \le f'(k^+)` (the subgradient condition, possible
only at a convex kink). Three cases:

* **convex** (every piece convex or linear, every kink convex): h(x) = x - f(x)/n
  is concave and x* is the least x with :math:`n \le f'(x^+)`, clipped to
  U = min(x_cap, X_budget). Exact for symbolic parameters and a symbolic P (the
  piece that holds X_budget is then a ``Piecewise`` in P). x* jumps only across
  a linear piece, from one end to the other at N = its slope.
* **concave** (every piece concave or linear, every kink concave): h is convex,
  x* is 0 or U and jumps from 0 to U at n = (f(U) - f(0))/U. Exact likewise.
* **neither**, with numbers for P and every parameter: the upper envelope, as
  functions of n, of the candidates 0, the kinks, U and the interior optimum of
  each convex piece (a piece that is neither convex nor concave is refused).
  Where two candidates change places is solved exactly: between two fixed
  points n is the slope of the chord; between a point c and a piece, the
  tangent from (c, f(c)) touches the piece, f(x) - f(c) = (x - c) f'(x); between
  two pieces' optima, a resultant for polynomial pieces, else SymPy's
  ``solveset``. Between consecutive change points the best candidate is picked
  at a test point (50 digits), and x* jumps exactly where the winner changes
  and its position does not match. Roots of a polynomial whose coefficients are
  themselves irrational are located to 50 significant digits.

The least maximiser is taken at ties (x* at the lower end of a jump), as the
numeric solver does. Where the curvature of a piece is not polynomial its sign
is sampled on a grid, as for a smooth cost. Not supported (refused with the
reason): a symbolic ``x_cap``, a kinked cost that depends on N (its kinks move
with N), a cap whose place among symbolic kinks is undecided.
"""

import functools
import itertools

import numpy as np
import sympy as sp

from ..errors import InputError, UnsolvableError
from ._common import (_exact, _proved_curvature, _sampled_curvature, _T, _tidy, _time_limit,
                      _Timeout, N, SOLVE_TIMEOUT, x)

__all__ = ["has_kinks", "split", "kinked_cost", "KinkedCost", "MAX_PIECES"]

#: The functions that make kinks.
KINK_TYPES = (sp.Abs, sp.Min, sp.Max, sp.sign)
#: Most smooth pieces a cost may split into.
MAX_PIECES = 12

_Y = sp.Dummy("y", real=True)    # x while solving for a kink (any real root)
_XP = sp.Dummy("xp", positive=True)


def has_kinks(e):
    """Whether ``e`` has an ``abs``, ``min``, ``max`` or ``sign`` of an expression in x."""
    return any(x in a.free_symbols for a in e.atoms(*KINK_TYPES))


_GIVE = "give the parameters numeric values, or use the numeric solver Model.solve"


def _refuse(cost, why, hint="use the numeric solver Model.solve"):
    return UnsolvableError(f"the kinked cost {cost!r} cannot be split into smooth pieces: {why} "
                           f"({hint})")


# ---------------------------------------------------------------------------
# Deciding signs for every admissible parameter value
# ---------------------------------------------------------------------------

def _sign(e):
    """-1, 0 or 1: the sign of ``e`` for every admissible value of its symbols; None if unknown."""
    e = sp.sympify(e)
    if e is sp.oo:
        return 1
    if e is sp.S.NegativeInfinity:
        return -1
    if e.has(sp.nan, sp.zoo, sp.oo, sp.S.NegativeInfinity):
        return None
    if not e.free_symbols:
        v = sp.N(e, 60)
        re, im = v.as_real_imag()
        if not (re.is_Number and im.is_Number):
            return None
        if abs(im) > sp.Float(10) ** -45:
            return None
        if abs(re) > sp.Float(10) ** -45:
            return 1 if re > 0 else -1
        return 0 if e.equals(0) else None
    cands = [e]
    try:
        with _time_limit(SOLVE_TIMEOUT / 4):
            cands.append(sp.factor(sp.together(e)))
            cands.append(sp.simplify(e))
    except (_Timeout, sp.PolynomialError, NotImplementedError):
        pass
    for c in cands:
        if c.is_zero:
            return 0
        if c.is_positive:
            return 1
        if c.is_negative:
            return -1
    return None


def _less(a, b):
    """Whether a < b for every admissible value (False if a >= b); None if undecided."""
    s = _sign(b - a) if not (a is sp.oo or b is sp.oo) else (
        -1 if a is sp.oo and b is not sp.oo else (0 if a is b else 1))
    return None if s is None else s > 0


# ---------------------------------------------------------------------------
# Roots of a switching function
# ---------------------------------------------------------------------------

def _roots_in(s, lo, hi, cost, what, limit=SOLVE_TIMEOUT):
    """The real roots of ``s`` (in x) strictly between lo and hi, sorted: exact, or to 50
    digits for a polynomial whose coefficients are irrational numbers."""
    s = sp.together(s.subs(x, _Y))
    num, den = sp.fraction(s)
    if _Y in den.free_symbols:
        poles = _solve_all(den, cost, what, limit)
        for r in poles:
            inside = _inside(r, lo, hi, cost, what)
            if inside:
                raise _refuse(cost, f"{what} has a pole at x = {r}")
    if _Y not in num.free_symbols:
        return []
    roots = [r for r in _solve_all(num, cost, what, limit) if _inside(r, lo, hi, cost, what)]
    return _sort_unique(roots, cost)


def _solve_all(e, cost, what, limit=SOLVE_TIMEOUT):
    if not e.free_symbols - {_Y} and e.is_polynomial(_Y):
        poly = sp.Poly(e, _Y)
        if all(c.is_Rational for c in poly.all_coeffs()):
            return list(sp.real_roots(poly))  # exact: rationals, radicals or CRootOf
        if poly.degree() <= 2:
            return [r for r in sp.solve(e, _Y, check=False, simplify=False)
                    if _sign(sp.im(r)) == 0]
        # coefficients that are themselves irrational roots: every root to 50 digits
        roots = sp.Poly(poly.as_expr().evalf(70), _Y).nroots(n=50, maxsteps=500)
        return [sp.re(r) for r in roots
                if abs(sp.im(r)) <= sp.Float(10) ** -35 * (1 + abs(sp.re(r)))]
    try:
        with _time_limit(limit):
            if e.is_polynomial(_Y):
                sols = sp.solve(e, _Y, check=False, simplify=False)  # every root of a polynomial
            else:
                s = sp.solveset(e, _Y, sp.S.Reals)
                if not isinstance(s, sp.FiniteSet):
                    raise _refuse(cost, f"SymPy cannot find every x where {what} changes sign")
                sols = list(s)
    except _Timeout:
        raise _refuse(cost, f"SymPy did not solve for the kinks of {what} within "
                            f"{limit:g} s") from None
    except (NotImplementedError, ValueError, TypeError) as exc:
        raise _refuse(cost, f"SymPy cannot solve for the kinks of {what} "
                            f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") \
            from None
    out = []
    for r in sols:
        if isinstance(r, dict) or not isinstance(r, sp.Expr):
            raise _refuse(cost, f"SymPy cannot find every x where {what} changes sign")
        im = _sign(sp.im(r))
        if im is None:
            raise _refuse(cost, f"whether the kink of {what} at x = {r} is real depends on the "
                                "parameter values", _GIVE)
        if im == 0:
            out.append(r)
    return out


def _inside(r, lo, hi, cost, what):
    a = _less(lo, r)
    b = _less(r, hi)
    if a is None or b is None:
        raise _refuse(cost, f"whether the kink of {what} at x = {r} lies between x = {lo} and "
                            f"x = {hi} depends on the parameter values", _GIVE)
    return a and b


def _sort_unique(vals, cost):
    out = []
    for v in vals:
        for i, w in enumerate(out):
            s = _sign(v - w)
            if s is None:
                raise _refuse(cost, f"the order of the kinks at x = {w} and x = {v} depends on the "
                                    "parameter values", _GIVE)
            if s == 0:
                break
            if s < 0:
                out.insert(i, v)
                break
        else:
            out.append(v)
    return out  # (a value equal to one already there is dropped by the break)


# ---------------------------------------------------------------------------
# Splitting
# ---------------------------------------------------------------------------

def _innermost(e):
    """A kink node of e in x whose arguments have no kink node in x (None if there is none)."""
    for node in sp.postorder_traversal(e):  # arguments before the node itself
        if isinstance(node, KINK_TYPES) and x in node.free_symbols:
            return node
    return None


def _switches(node):
    if isinstance(node, (sp.Abs, sp.sign)):
        return [node.args[0]]
    return [a - b for a, b in itertools.combinations(node.args, 2)
            if x in (a - b).free_symbols]


def _test_point(lo, hi):
    return lo + 1 if hi is sp.oo else (lo + hi) / 2


def _branch(node, lo, hi, subs, cost):
    """The argument (or sign) of ``node`` active strictly between lo and hi."""
    t = _test_point(lo, hi)
    if isinstance(node, (sp.Abs, sp.sign)):
        u = node.args[0]
        s = _sign(u.subs(subs).subs(x, t))
        if s is None:
            raise _refuse(cost, f"the sign of {u} between x = {lo} and x = {hi} depends on the "
                                "parameter values", _GIVE)
        if isinstance(node, sp.sign):
            return sp.Integer(s)
        return u if s >= 0 else -u
    best = node.args[0]
    for a in node.args[1:]:
        s = _sign((a - best).subs(subs).subs(x, t))
        if s is None:
            raise _refuse(cost, f"which of {best} and {a} is larger between x = {lo} and "
                                f"x = {hi} depends on the parameter values", _GIVE)
        if (s > 0) == isinstance(node, sp.Max) and s != 0:
            best = a
    return best


def _same(a, b):
    if a == b:
        return True
    d = sp.expand(a - b)
    if d == 0:
        return True
    # a point (positive values) where they differ proves them different
    syms = sorted(d.free_symbols, key=lambda s: s.name)
    for k in range(3):
        v = sp.N(d.subs({s: sp.Rational(5 + 3 * k + i, 3 + k) for i, s in enumerate(syms)}), 30)
        if v.is_number and v.is_finite and abs(v) > sp.Float(10) ** -20:
            return False
    try:
        with _time_limit(SOLVE_TIMEOUT / 4):
            return sp.simplify(d) == 0
    except _Timeout:
        return False


class Piece:
    """One smooth piece: ``lo <= x <= hi`` (values substituted), f with every parameter a symbol
    (``full``) and with the values substituted (``f``), and the switching function whose root
    is ``lo`` (None at x = 0)."""

    __slots__ = ("lo", "hi", "full", "f", "d1", "d2", "switch")

    def __init__(self, lo, hi, full, subs, switch):
        self.lo, self.hi, self.full, self.switch = lo, hi, full, switch
        self.f = full.subs(subs)
        self.d1 = sp.diff(self.f, x)
        self.d2 = sp.diff(self.d1, x)

    def __repr__(self):
        return f"Piece({self.f}, {self.lo} <= x <= {self.hi})"


def split(f_full, subs, cost):
    """The smooth pieces of ``f_full`` on x >= 0, in order (a list of :class:`Piece`).

    ``subs`` are the parameter values used for every decision; the pieces keep the
    parameters as symbols (``Piece.full``) so that the statics can differentiate them.
    Float constants become exact rationals (0.01 -> 1/100).
    """
    f_full = f_full.xreplace({v: _exact(v) for v in f_full.atoms(sp.Float)})
    raw = []

    def walk(lo, hi, e, switch, depth):
        node = _innermost(e)
        if node is None:
            raw.append([lo, hi, e, switch])
            if len(raw) > MAX_PIECES:
                raise _refuse(cost, f"it has more than {MAX_PIECES} smooth pieces")
            return
        if depth > 4 * MAX_PIECES:
            raise _refuse(cost, "its kinks are nested too deeply")
        roots = []
        for s in _switches(node):
            roots += [(r, s) for r in _roots_in(s.subs(subs), lo, hi, cost, f"{node}")]
        pts = _sort_unique([r for r, _ in roots], cost)
        sw = {}
        for r in pts:
            sw[r] = next(s for q, s in roots if _sign(q - r) == 0)
        ends = [lo, *pts, hi]
        for i, (a, b) in enumerate(zip(ends, ends[1:])):
            e2 = e.xreplace({node: _branch(node, a, b, subs, cost)})
            walk(a, b, e2, switch if i == 0 else sw[a], depth + 1)

    walk(sp.Integer(0), sp.oo, f_full, None, 0)
    merged = [raw[0]]
    for r in raw[1:]:
        if _same(r[2].subs(subs), merged[-1][2].subs(subs)) and _same(r[2], merged[-1][2]):
            merged[-1][1] = r[1]
        else:
            merged.append(r)
    return [Piece(lo, hi, e, subs, s) for lo, hi, e, s in merged]


# ---------------------------------------------------------------------------
# Piece by piece
# ---------------------------------------------------------------------------

def _at(e, point, side):
    """e at x = point, or its one-sided limit there (side "+" or "-"; oo: the limit)."""
    v = sp.oo if point is sp.oo else e.subs(x, point)
    if v.has(sp.zoo, sp.nan, sp.oo, sp.S.NegativeInfinity):
        try:
            with _time_limit(SOLVE_TIMEOUT):
                v = sp.limit(e, x, point, side)
        except (NotImplementedError, ValueError, _Timeout):
            v = sp.nan
    return v


_COSTS = {}


def kinked_cost(f_full, subs, text, sampler):
    """The :class:`KinkedCost` of ``f_full`` with ``subs`` (cached: its pieces, classification
    and verified inversions are shared by every option and budget)."""
    key = (f_full, tuple(sorted(subs.items(), key=lambda kv: kv[0].name)), text)
    hit = _COSTS.get(key)
    if hit is None:
        try:
            hit = KinkedCost(f_full, subs, text, sampler)
        except (UnsolvableError, InputError) as exc:
            hit = exc
        if len(_COSTS) > 256:
            _COSTS.clear()
        _COSTS[key] = hit
    if isinstance(hit, Exception):
        raise type(hit)(str(hit))
    return hit


class KinkedCost:
    """A cost with kinks, solved piece by piece (see the module docstring).

    Parameters
    ----------
    f_full : sympy.Expr
        The cost with every parameter a symbol.
    subs : dict
        Parameter values (exact) to substitute.
    text : str
        The cost as given (for messages).
    sampler : callable
        ``sampler(symbol, rng)``: a random admissible value (for verifying inversions).
    """

    def __init__(self, f_full, subs, text, sampler):
        self.text = text
        self.subs = dict(subs)
        self.sampler = sampler
        self.pieces = split(f_full, self.subs, text)
        self.numeric = not any(p.f.free_symbols - {x, N} for p in self.pieces)
        self._check()

    # -- the pieces ------------------------------------------------------------
    @property
    def kinks(self):
        """The kinks ``(x_k, f'(x_k-), f'(x_k+))`` in order."""
        return tuple((b.lo, _tidy(_at(a.d1, b.lo, "-")), _tidy(_at(b.d1, b.lo, "+")))
                     for a, b in zip(self.pieces, self.pieces[1:]))

    def piecewise(self, which="f"):
        """f (or f', f'') as a ``Piecewise`` over the pieces (f' and f'' open at the kinks)."""
        out = []
        last = len(self.pieces) - 1
        for i, p in enumerate(self.pieces):
            e = getattr(p, which)
            if which == "f":
                cond = sp.true if i == last else x <= p.hi
            else:
                conds = ([x > p.lo] if i else []) + ([x < p.hi] if i < last else [])
                cond = sp.And(*conds)
            out.append((e, cond))
        return sp.Piecewise(*out)

    def _check(self):
        """f must be finite at the kinks and not decrease (where decidable)."""
        for p in self.pieces[1:]:
            v = p.f.subs(x, p.lo)
            if v.has(sp.zoo, sp.nan, sp.oo):
                raise _refuse(self.text, f"f is not finite at the kink x = {p.lo}")
        for p in self.pieces:
            if p.d1.free_symbols - {x}:
                continue  # symbolic parameters: assumed to keep f non-decreasing
            # f' at the ends of the piece, and between the roots of f' when SymPy finds them
            pts = [p.lo, p.hi]
            try:
                pts[1:1] = _roots_in(p.d1, p.lo, p.hi, self.text, "f'")
            except UnsolvableError:
                pass
            checks = [(q, _at(p.d1, q, "+" if i == 0 else "-")) for i, q in
                      ((0, p.lo), (1, p.hi))]
            checks += [(_test_point(a, b), p.d1.subs(x, _test_point(a, b)))
                       for a, b in zip(pts, pts[1:])]
            for q, v in checks:
                if _sign(v) == -1:
                    raise InputError(f"cost {self.text!r} must be non-decreasing in x, but f "
                                     f"decreases near x = {q} (there f = {p.f})")

    @functools.cached_property
    def kinds(self):
        """Per piece: "linear", "convex", "concave" or "nonconvex" on its interval (None if
        unknown)."""
        return [self._piece_kind(p) for p in self.pieces]

    def _piece_kind(self, p):
        d2 = p.d2
        if d2 == 0 or _same(d2, sp.Integer(0)):
            return "linear"
        kind = _proved_curvature(d2.subs(x, _XP))
        if kind is not None:
            return kind
        if d2.free_symbols - {x, N}:
            return None
        if N in d2.free_symbols:
            return None
        if d2.is_polynomial(x) or d2.is_rational_function(x):
            try:
                roots = _roots_in(d2, p.lo, p.hi, self.text, "f''")
            except UnsolvableError:
                roots = None
            if roots is not None:
                if roots:
                    return "nonconvex"
                s = _sign(d2.subs(x, _test_point(p.lo, p.hi)))
                return {1: "convex", -1: "concave", 0: "linear"}.get(s)
        # sampled, as for a smooth cost (the same rule)
        lo = max(float(p.lo), 1e-8)
        hi = 1e8 if p.hi is sp.oo else float(p.hi)
        grid = np.geomspace(lo, hi, 801) if hi / lo > 100 else np.linspace(lo, hi, 801)
        return _sampled_curvature(d2, x, grid)

    @functools.cached_property
    def kind(self):
        """``"kinked-convex"``, ``"kinked-concave"`` or ``"kinked"`` (neither)."""
        kinds = self.kinds
        if None in kinds:
            i = kinds.index(None)
            p = self.pieces[i]
            raise UnsolvableError(
                f"the curvature of the kinked cost {self.text!r} on its piece {p.f} "
                f"({p.lo} < x < {p.hi}) cannot be established for symbolic parameters ({_GIVE})")
        turns = []
        for k, left, right in self.kinks:
            if not (left.is_finite is not False and right.is_finite is not False) \
                    or left.has(sp.nan) or right.has(sp.nan):
                raise UnsolvableError(
                    f"the slope of the kinked cost {self.text!r} at its kink x = {k} is not "
                    f"finite (f'(x-) = {left}, f'(x+) = {right}); use Model.solve")
            s = _sign(right - left)
            if s is None:
                raise UnsolvableError(
                    f"whether the kink of {self.text!r} at x = {k} is convex or concave depends "
                    f"on the parameter values ({_GIVE})")
            turns.append(s)
        if all(k in ("linear", "convex") for k in kinds) and all(s >= 0 for s in turns):
            return "kinked-convex"
        if all(k in ("linear", "concave") for k in kinds) and all(s <= 0 for s in turns):
            return "kinked-concave"
        return "kinked"

    # -- inversion on a piece, verified -------------------------------------------
    def invert(self, p, F, what):
        """The x in the piece ``p`` with F(x) = t (F increasing there), as an expression in t."""
        key = (p.lo, p.hi, F, what)
        hit = self._inversions.get(key)
        if hit is None:
            try:
                hit = self._invert(p, F, what)
            except UnsolvableError as exc:
                hit = exc
            self._inversions[key] = hit
        if isinstance(hit, Exception):
            raise UnsolvableError(str(hit))
        return hit

    @functools.cached_property
    def _inversions(self):
        return {}

    def _invert(self, p, F, what):
        Fp = F.subs(x, _XP)
        try:
            with _time_limit(SOLVE_TIMEOUT):
                # unchecked, unsimplified: each candidate is verified below
                sols = sp.solve(sp.Eq(Fp, _T), _XP, check=False, simplify=False)
        except _Timeout:
            raise UnsolvableError(f"SymPy did not solve {what} for x within {SOLVE_TIMEOUT:g} s; "
                                  "use the numeric solver Model.solve") from None
        except (NotImplementedError, ValueError, TypeError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UnsolvableError(f"SymPy cannot solve {what} for x ({reason}); "
                                  "use the numeric solver Model.solve") from None
        sols = [s for s in sols if isinstance(s, sp.Expr) and _XP not in s.free_symbols]
        good = [s for s in sols if self._verify(s, Fp, p)]
        if not good:
            raise UnsolvableError(f"SymPy found no verified solution of {what} on the piece "
                                  f"{p.lo} < x < {p.hi} ({len(sols)} candidate(s) failed the "
                                  "substitution check); use the numeric solver Model.solve")
        return _tidy(sp.expand_log(good[0]))

    def _verify(self, s, F, p):
        """The candidate maps F(x0) back to x0 at sample points x0 inside the piece."""
        rng = np.random.default_rng(3)
        syms = sorted((F.free_symbols | s.free_symbols | p.lo.free_symbols
                       | (p.hi.free_symbols if p.hi is not sp.oo else set())) - {_XP, _T},
                      key=lambda v: v.name)
        ok = 0
        for _ in range(6):
            vals = {v: sp.Float(self.sampler(v, rng), 50) for v in syms}
            lo = sp.N(p.lo.subs(vals), 50)
            if p.hi is sp.oo:
                x0 = lo + sp.Float(np.exp(rng.uniform(-3.0, 3.0)), 50) * (1 + lo)
            else:
                hi = sp.N(p.hi.subs(vals), 50)
                x0 = lo + (hi - lo) * sp.Float(rng.uniform(0.05, 0.95), 50)
            try:
                t = sp.N(F.subs(vals).subs(_XP, x0), 50)
                if not (t.is_real and t.is_finite and t > 0):
                    continue
                v = sp.N(s.subs(vals).subs(_T, t), 40)
                re, im = v.as_real_imag()
                if not (re.is_Number and im.is_Number and re.is_finite):
                    return False
            except (ValueError, TypeError, ZeroDivisionError, OverflowError):
                return False
            if abs(im) > sp.Float(10) ** -25 * (1 + abs(re)):
                return False
            if abs(re - x0) > sp.Float(10) ** -25 * (1 + abs(x0)):
                return False
            ok += 1
        return ok >= 4

    # -- the optimum -------------------------------------------------------------
    def truncated(self, cap):
        """The pieces on [0, cap] (all of them without a cap)."""
        if cap is None:
            return list(self.pieces)
        out = []
        for p in self.pieces:
            below = _less(p.lo, cap)
            if below is None:
                raise UnsolvableError(f"whether the cap x_cap = {cap} lies beyond the kink at "
                                      f"x = {p.lo} depends on the parameter values ({_GIVE})")
            if not below:
                break
            q = Piece.__new__(Piece)
            q.lo, q.full, q.switch, q.f, q.d1, q.d2 = p.lo, p.full, p.switch, p.f, p.d1, p.d2
            inside = _less(cap, p.hi)
            if inside is None:
                raise UnsolvableError(f"whether the cap x_cap = {cap} lies beyond the kink at "
                                      f"x = {p.hi} depends on the parameter values ({_GIVE})")
            q.hi = cap if inside else p.hi
            out.append(q)
        return out

    def require_unbounded(self):
        sup = _at(self.pieces[-1].f, sp.oo, "-")
        if sup.has(sp.Limit) or sup != sp.oo:
            raise UnsolvableError(
                f"the cost {self.text!r} is not shown to grow without bound (sup f = {sup}): "
                "when P exceeds it x* is unbounded; use Model.solve")

