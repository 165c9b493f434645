"""Compile a checked cost expression into vectorised NumPy evaluators.

:func:`compile_expression` turns the syntax tree checked by
:func:`~powermodel.expressions.parse` into a *tape*: a list of instructions
(constants, ``x``, parameters, ``+ - * /``, powers and the whitelisted
functions), each naming the earlier instructions it reads. Identical subtrees
become one instruction (common subexpressions are shared by a structural key)
and constant subtrees are folded. The tape is built with an explicit stack,
so compile work is linear in the size of the expression and never recursive.

One tape serves four evaluators, each a single pass over the instructions with
NumPy arrays holding every point at once:

* ``f``: the value, in float64;
* ``derivatives``: value, first and second derivative in ``x`` together, by
  forward-mode differentiation on ``(v, v', v'')`` triples (exact rules, no
  finite differences); derivatives known to be zero are never computed;
* ``interval``: a rigorous enclosure of f on boxes ``[xlo, xhi]`` by natural
  interval arithmetic with outward rounding (:mod:`.intervals`);
* ``interval_derivatives``: the same forward mode run on intervals, enclosing
  f, f' and f'' on the box.

The derivative rules are written once, over an arithmetic (points or
intervals), so the point and interval passes follow the very same formulas:
by the monotonicity of IEEE rounding, every value, first and second
derivative that the point pass returns for an ``x`` in a box lies in the
enclosure returned for that box (NaN values, which mean "undefined", apart).

Conventions
-----------
* Point values follow NumPy under ``np.errstate(all="ignore")``: NaN where the
  real value does not exist, ``inf`` on overflow, ``0**0 = 1``.
* ``u**k`` with an exponent that does not depend on ``x``: ``d/du = k u**(k-1)``
  with the term dropped when ``k = 0`` and the second-order term dropped when
  ``k (k - 1) = 0``, so ``x**1`` has f' = 1 and ``x**2`` has f'' = 2 at 0.
  Such exponents are taken at their floating-point value, in the interval
  passes as in the point pass.
* ``abs'(0) = 0``; ``min``/``max`` take the derivatives of the branch that
  :func:`numpy.minimum`/:func:`numpy.maximum` return (the first one on ties).
  On a box that contains such a kink, f' is enclosed by the hull of the
  one-sided derivatives and f'' by ``(-inf, inf)``. The kinks themselves are
  the zeros of :attr:`CompiledExpression.switches`.
"""

import ast
import functools
import math

import numpy as np

from ..errors import ExpressionError, InputError
from . import intervals as I
from .parse import Parsed, _chain, _family, parse

__all__ = ["CompiledExpression", "compile_expression"]

_NP = {
    "exp": np.exp, "log": np.log, "ln": np.log, "log1p": np.log1p, "expm1": np.expm1,
    "sqrt": np.sqrt, "cbrt": np.cbrt, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "arctan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "asinh": np.arcsinh,
    "acosh": np.arccosh, "atanh": np.arctanh, "erf": I._erf,
}
_BINOP = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


# ---------------------------------------------------------------------------
# Arithmetics: the derivative rules below are written once over these
# ---------------------------------------------------------------------------

class _Points:
    """Plain NumPy arithmetic on values."""

    @staticmethod
    def const(c):
        return c

    cinexact = const

    @staticmethod
    def add(a, b):
        return a + b

    @staticmethod
    def sub(a, b):
        return a - b

    @staticmethod
    def mul(a, b):
        return a * b

    @staticmethod
    def div(a, b):
        return a / b

    @staticmethod
    def neg(a):
        return -a

    @staticmethod
    def sq(a):
        return a * a

    @staticmethod
    def scale(c, a):
        return c * a

    @staticmethod
    def fn(name, a):
        return _NP[name](a)

    @staticmethod
    def powk(a, k):
        if np.ndim(k) == 0:  # (NumPy's pow is slow; these are within an ulp of it)
            if k == 1.0:
                return a
            if k == 2.0:
                return a * a
            if k == 3.0:
                return a * a * a
        return np.power(a, k)

    @staticmethod
    def pow(a, b):
        return np.power(a, b)


class _Intervals:
    """Interval arithmetic on ``(lo, hi)`` pairs, outward rounded."""

    @staticmethod
    def const(c):
        c = np.asarray(c, dtype=float)  # (NumPy booleans from comparisons, never Python's)
        return (c, c)

    @staticmethod
    def cinexact(c):  # a constant that is the rounding of an irrational number
        return (I.down(c), I.up(c))

    add = staticmethod(I.iadd)
    sub = staticmethod(I.isub)
    mul = staticmethod(I.imul)
    div = staticmethod(I.idiv)
    neg = staticmethod(I.ineg)
    sq = staticmethod(I.isq)
    scale = staticmethod(I.iscale)
    powk = staticmethod(I.ipowk)
    pow = staticmethod(I.ipow)

    @staticmethod
    def fn(name, a):
        return I.FUNCTIONS[name](*a)


def _add(ops, a, b):
    if a is None:
        return b
    if b is None:
        return a
    return ops.add(a, b)


def _sub(ops, a, b):
    if b is None:
        return a
    if a is None:
        return ops.neg(b)
    return ops.sub(a, b)


def _mul(ops, a, b):
    if a is None or b is None:
        return None
    return ops.mul(a, b)


def _derivative_factors(ops, name, u, g):
    """(g'(u), g''(u)) for the function ``name`` with value ``g`` at ``u``."""
    one = ops.const(1.0)
    if name == "exp":
        return g, g
    if name in ("log", "ln"):
        r = ops.div(one, u)
        return r, ops.neg(ops.sq(r))
    if name == "log1p":
        r = ops.div(one, ops.add(one, u))
        return r, ops.neg(ops.sq(r))
    if name == "expm1":
        e = ops.fn("exp", u)
        return e, e
    if name == "sqrt":
        g1 = ops.div(ops.const(0.5), g)
        return g1, ops.div(ops.neg(g1), ops.scale(2.0, u))
    if name == "cbrt":
        g1 = ops.div(one, ops.scale(3.0, ops.sq(g)))
        return g1, ops.div(ops.scale(-2.0, g1), ops.scale(3.0, u))
    if name == "sin":
        return ops.fn("cos", u), ops.neg(g)
    if name == "cos":
        return ops.neg(ops.fn("sin", u)), ops.neg(g)
    if name == "tan":
        g1 = ops.add(one, ops.sq(g))
        return g1, ops.scale(2.0, ops.mul(g, g1))
    if name in ("asin", "acos"):
        g1 = ops.div(one, ops.fn("sqrt", ops.mul(ops.sub(one, u), ops.add(one, u))))
        g2 = ops.mul(u, ops.mul(g1, ops.sq(g1)))
        return (g1, g2) if name == "asin" else (ops.neg(g1), ops.neg(g2))
    if name in ("atan", "arctan"):
        g1 = ops.div(one, ops.add(one, ops.sq(u)))
        return g1, ops.scale(-2.0, ops.mul(u, ops.sq(g1)))
    if name == "sinh":
        return ops.fn("cosh", u), g
    if name == "cosh":
        return ops.fn("sinh", u), g
    if name == "tanh":
        g1 = ops.div(one, ops.sq(ops.fn("cosh", u)))
        return g1, ops.scale(-2.0, ops.mul(g, g1))
    if name == "asinh":
        g1 = ops.div(one, ops.fn("sqrt", ops.add(one, ops.sq(u))))
        return g1, ops.neg(ops.mul(u, ops.mul(g1, ops.sq(g1))))
    if name == "acosh":
        g1 = ops.div(one, ops.fn("sqrt", ops.mul(ops.sub(u, one), ops.add(u, one))))
        return g1, ops.neg(ops.mul(u, ops.mul(g1, ops.sq(g1))))
    if name == "atanh":
        g1 = ops.div(one, ops.mul(ops.sub(one, u), ops.add(one, u)))
        return g1, ops.scale(2.0, ops.mul(u, ops.sq(g1)))
    if name == "erf":
        g1 = ops.mul(ops.cinexact(_TWO_OVER_SQRT_PI), ops.fn("exp", ops.neg(ops.sq(u))))
        return g1, ops.scale(-2.0, ops.mul(u, g1))
    raise AssertionError(name)  # pragma: no cover - every whitelisted function is above


# ---------------------------------------------------------------------------
# The tape
# ---------------------------------------------------------------------------

class _Builder:
    """Emits instructions ``(op, args, aux)``, folding constants and sharing subtrees."""

    def __init__(self):
        self.instrs = []
        self.dep = []      # depends on x
        self.keys = {}

    def emit(self, op, args=(), aux=None):
        ins = self.instrs
        if args and all(ins[a][0] == "const" for a in args):
            return self.const(_fold(op, [ins[a][2] for a in args], aux))
        if op == "pow" and ins[args[1]][0] == "const":
            k = ins[args[1]][2]
            if k == 1.0:
                return args[0]
            if k == 0.0:  # u**0 = 1 for every u in NumPy (0**0, inf**0, nan**0)
                return self.const(1.0)
        if op == "pow" and not self.dep[args[1]]:
            op = "powk"
        key = (op, args, aux)
        i = self.keys.get(key)
        if i is None:
            i = len(ins)
            ins.append(key)
            self.dep.append(op == "x" or any(self.dep[a] for a in args))
            self.keys[key] = i
        return i

    def const(self, v):
        return self.emit("const", (), float(v))


def _fold(op, vals, aux):
    """The value of an instruction whose arguments are constants (as evaluated)."""
    with np.errstate(all="ignore"):
        v = [np.float64(a) for a in vals]
        if op in _SIMPLE:
            return float(getattr(_Points, _SIMPLE[op])(*v))
        if op in ("pow", "powk"):
            return float(np.power(v[0], v[1]))
        if op == "fn":
            return float(_NP[aux](v[0]))
        if op == "abs":
            return float(np.abs(v[0]))
        if op == "min":
            return float(np.minimum(v[0], v[1]))
        if op == "max":
            return float(np.maximum(v[0], v[1]))
    raise AssertionError(op)  # pragma: no cover


_SIMPLE = {"add": "add", "sub": "sub", "mul": "mul", "div": "div", "neg": "neg"}


def _build_tape(parsed):
    """The tape of a parsed expression: (builder, root, switches as (root, text))."""
    b = _Builder()
    text = parsed.text.strip()
    switches = []
    # Post-order with an explicit stack: (node, children done?)
    stack = [(parsed._tree.body, False)]
    out = []
    while stack:
        node, done = stack.pop()
        if isinstance(node, ast.Constant):
            out.append(b.const(node.value))
        elif isinstance(node, ast.Name):
            n = node.id
            if n in ("pi", "E"):
                out.append(b.const(math.pi if n == "pi" else math.e))
            elif n == "x":
                out.append(b.emit("x"))
            else:
                out.append(b.emit("param", (), n))
        elif not done and _family(node) == "mul":
            factors = _chain(node, "mul")
            stack.append((node, factors))
            for k, _ in reversed(factors):
                stack.append((k, False))
        elif not done:
            stack.append((node, True))
            if isinstance(node, ast.UnaryOp):
                kids = [node.operand]
            elif isinstance(node, ast.BinOp):
                kids = [node.left, node.right]
            else:  # ast.Call of a whitelisted function (checked by parse)
                kids = list(node.args)
            for k in reversed(kids):
                stack.append((k, False))
        elif isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                out.append(b.emit("neg", (out.pop(),)))
        elif done is not True:  # a product chain: done holds its factors
            n = len(done)
            idx = out[-n:]
            del out[-n:]
            out.append(_product(b, [(i, sign) for i, (_, sign) in zip(idx, done)]))
        elif isinstance(node, ast.BinOp):
            r = out.pop()
            out.append(b.emit(_BINOP[type(node.op)], (out.pop(), r)))
        else:
            name = node.func.id
            if name in ("min", "max"):
                r = out.pop()
                a = out.pop()
                i = b.emit(name, (a, r))
                if b.dep[i]:
                    s = b.emit("sub", (a, r))
                    switches.append((s, f"({_segment(text, node.args[0])}) - "
                                        f"({_segment(text, node.args[1])})"))
            elif name == "abs":
                a = out.pop()
                i = b.emit("abs", (a,))
                if b.dep[i]:
                    switches.append((a, _segment(text, node.args[0])))
            else:
                i = b.emit("fn", (out.pop(),), name)
            out.append(i)
    (root,) = out
    seen, unique = set(), []
    for s, t in switches:
        if s not in seen:
            seen.add(s)
            unique.append((s, t))
    return b, root, unique


def _product(b, factors):
    """Emit a product chain, merging powers of one base: ``c*x**k/x**2 -> c*x**(k - 2)``.

    As SymPy does, so that the derivatives of such products do not meet
    ``0 * inf`` at ``x = 0``. Factors keep their order (the first of a merged
    group holds its place), so a chain without merges is the plain left fold.
    """
    ins = b.instrs
    groups = {}
    order = []
    for i, sign in factors:
        op, args, aux = ins[i]
        if op in ("pow", "powk"):
            base, expo = args
        elif op == "fn" and aux == "sqrt":
            base, expo = args[0], "half"
        else:
            base, expo = i, None
        if base not in groups:
            groups[base] = []
            order.append(base)
        groups[base].append((i, expo, sign))
    terms = []
    for base in order:
        g = groups[base]
        if len(g) == 1 or ins[base][0] == "const":
            terms.extend((i, sign) for i, _, sign in g)
            continue
        e = None
        for _, expo, sign in g:
            expo = b.const(1.0 if expo is None else 0.5) if expo in (None, "half") else expo
            e = (expo if sign > 0 else b.emit("neg", (expo,))) if e is None else \
                b.emit("add" if sign > 0 else "sub", (e, expo))
        terms.append((b.emit("pow", (base, e)), 1))
    acc, sign = terms[0]
    if sign < 0:  # (only when a merged group came first; kept for safety)
        acc = b.emit("div", (b.const(1.0), acc))
    for i, sign in terms[1:]:
        acc = b.emit("mul" if sign > 0 else "div", (acc, i))
    return acc


def _segment(text, node):
    seg = ast.get_source_segment(text, node)
    return " ".join(seg.split()) if seg else "?"


def _needed(instrs, root):
    """The instructions that ``root`` reads, in tape (topological) order."""
    mark = {root}
    stack = [root]
    while stack:
        for a in instrs[stack.pop()][1]:
            if a not in mark:
                mark.add(a)
                stack.append(a)
    return sorted(mark)


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------

def _shape(x, p):
    # (a parameter range (lo, hi) is one value, not an array of two)
    return np.broadcast_shapes(*(np.shape(v) for v in (*x, *p.values())
                                 if not isinstance(v, tuple)))


def _run(instrs, dep, nodes, x, p, ops, order, kvals=None):
    """Evaluate ``nodes`` of the tape; returns (v, d1, d2) of the last node.

    ``order`` 0 computes values only, 2 the derivative triples. Derivatives of
    nodes independent of x are None (zero). ``kvals`` holds the point values
    of exponents for the interval passes (``True``: return every value).
    """
    interval = ops is _Intervals
    V = {}
    D1 = {}
    D2 = {}
    deriv = order > 0
    for i in nodes:
        op, args, aux = instrs[i]
        d1 = d2 = None
        if op == "const":
            v = ops.const(aux)
        elif op == "x":
            v = x
            if deriv:
                d1 = ops.const(1.0)
        elif op == "param":
            # (in the interval passes a parameter may be a range (lo, hi))
            v = p[aux] if (interval and isinstance(p[aux], tuple)) else ops.const(p[aux])
        elif op in ("add", "sub"):
            a, b = args
            f = _add if op == "add" else _sub
            v = getattr(ops, op)(V[a], V[b])
            if deriv:
                d1 = f(ops, D1.get(a), D1.get(b))
                d2 = f(ops, D2.get(a), D2.get(b))
        elif op == "neg":
            (a,) = args
            v = ops.neg(V[a])
            if deriv:
                d1 = None if D1.get(a) is None else ops.neg(D1[a])
                d2 = None if D2.get(a) is None else ops.neg(D2[a])
        elif op == "mul":
            a, b = args
            va, vb = V[a], V[b]
            v = ops.mul(va, vb)
            if deriv and dep[i]:
                a1, b1, a2, b2 = D1.get(a), D1.get(b), D2.get(a), D2.get(b)
                d1 = _add(ops, _mul(ops, a1, vb), _mul(ops, va, b1))
                cross = _mul(ops, a1, b1)
                d2 = _add(ops, _add(ops, _mul(ops, a2, vb),
                                    None if cross is None else ops.scale(2.0, cross)),
                          _mul(ops, va, b2))
        elif op == "div":
            a, b = args
            va, vb = V[a], V[b]
            v = ops.div(va, vb)
            if deriv and dep[i]:
                a1, a2 = D1.get(a), D2.get(a)
                if not dep[b]:
                    d1 = None if a1 is None else ops.div(a1, vb)
                    d2 = None if a2 is None else ops.div(a2, vb)
                else:
                    b1, b2 = D1[b], D2.get(b)
                    d1 = ops.div(_sub(ops, a1, ops.mul(v, b1)), vb)
                    num = _sub(ops, _sub(ops, a2, ops.scale(2.0, ops.mul(d1, b1))),
                               _mul(ops, v, b2))
                    d2 = ops.div(num, vb)
        elif op == "powk":
            a, e = args
            k = kvals[e] if interval else V[e]
            v = ops.powk(V[a], k)
            if deriv and dep[i]:
                d1, d2 = _powk_derivatives(ops, V[a], D1[a], D2.get(a), k)
        elif op == "pow":
            a, e = args
            va, ve = V[a], V[e]
            v = ops.pow(va, ve)
            if deriv:
                d1, d2 = _pow_derivatives(ops, va, D1.get(a), D2.get(a), ve, D1[e], D2.get(e), v)
        elif op == "fn":
            (a,) = args
            u = V[a]
            v = ops.fn(aux, u)
            if deriv and dep[i]:
                g1, g2 = _derivative_factors(ops, aux, u, v)
                u1, u2 = D1[a], D2.get(a)
                d1 = ops.mul(g1, u1)
                d2 = _add(ops, _mul(ops, g1, u2), ops.mul(g2, ops.sq(u1)))
        elif op == "abs":
            v, d1, d2 = (_interval_abs if interval else _point_abs)(
                V[args[0]], D1.get(args[0]), D2.get(args[0]), deriv and dep[i])
        else:  # min, max
            a, b = args
            v, d1, d2 = (_interval_minmax if interval else _point_minmax)(
                op, V[a], V[b], D1.get(a), D1.get(b), D2.get(a), D2.get(b), deriv and dep[i])
        V[i] = v
        if d1 is not None:
            D1[i] = d1
        if d2 is not None:
            D2[i] = d2
    if kvals is True:
        return V
    last = nodes[-1]
    return V[last], D1.get(last), D2.get(last)


def _coef_times(ops, c, w):
    """``c * w`` for a point coefficient array ``c``, 0 where ``c == 0`` (w may be inf)."""
    if ops is _Intervals:
        return I.iscale(c, w)
    return np.where(c == 0, 0.0, c * w)


def _powk_derivatives(ops, u, u1, u2, k):
    with np.errstate(all="ignore"):
        km1 = k - 1.0
        t1 = _coef_times(ops, k, ops.powk(u, km1))       # k u^(k-1)
        d1 = ops.mul(t1, u1)
        c2 = k * km1
        t2 = _coef_times(ops, c2, ops.powk(u, k - 2.0))  # k (k-1) u^(k-2)
    d2 = _add(ops, _mul(ops, t1, u2), ops.mul(t2, ops.sq(u1)))
    return d1, d2


def _pow_derivatives(ops, a, a1, a2, b, b1, b2, v):
    """u**w with w depending on x: v (log a)' chain, w1 = (b log a)', w2 = (b log a)''."""
    L = ops.fn("log", a)
    w1 = ops.mul(b1, L)
    w2 = _mul(ops, b2, L)
    if a1 is not None:
        r = ops.div(a1, a)                               # a'/a
        w1 = ops.add(w1, ops.mul(b, r))
        inner = ops.sub(_mul(ops, a2, ops.div(ops.const(1.0), a)) if a2 is not None
                        else ops.const(0.0), ops.sq(r))  # (a'/a)' = a''/a - (a'/a)^2
        w2 = _add(ops, w2, ops.add(ops.scale(2.0, ops.mul(b1, r)), ops.mul(b, inner)))
    d1 = ops.mul(v, w1)
    d2 = ops.mul(v, _add(ops, w2, ops.sq(w1)))
    return d1, d2


def _point_abs(u, u1, u2, deriv):
    v = np.abs(u)
    if not deriv:
        return v, None, None
    s = np.sign(u)
    return v, (None if u1 is None else s * u1), (None if u2 is None else s * u2)


def _interval_abs(u, u1, u2, deriv):
    v = I.iabs(u)
    if not deriv:
        return v, None, None
    lo, hi = u
    kink = (lo <= 0) & (hi >= 0)
    pos = lo > 0
    m = np.maximum(np.abs(u1[0]), np.abs(u1[1]))
    d1 = (np.where(kink, -m, np.where(pos, u1[0], -u1[1])),
          np.where(kink, m, np.where(pos, u1[1], -u1[0])))
    if u2 is None:
        u2 = (0.0, 0.0)
    d2 = (np.where(kink, -np.inf, np.where(pos, u2[0], -u2[1])),
          np.where(kink, np.inf, np.where(pos, u2[1], -u2[0])))
    return v, d1, d2


def _point_minmax(op, a, b, a1, b1, a2, b2, deriv):
    v = np.minimum(a, b) if op == "min" else np.maximum(a, b)
    if not deriv:
        return v, None, None
    first = (a <= b) if op == "min" else (a >= b)
    zero = 0.0
    d1 = np.where(first, zero if a1 is None else a1, zero if b1 is None else b1)
    d2 = None
    if a2 is not None or b2 is not None:
        d2 = np.where(first, zero if a2 is None else a2, zero if b2 is None else b2)
    return v, d1, d2


def _interval_minmax(op, a, b, a1, b1, a2, b2, deriv):
    v = I.imin(a, b) if op == "min" else I.imax(a, b)
    if not deriv:
        return v, None, None
    zero = (0.0, 0.0)
    a1, b1, a2, b2 = (z if z is not None else zero for z in (a1, b1, a2, b2))
    if op == "min":
        only_a, only_b = a[1] <= b[0], b[1] < a[0]  # ties go to a (as the point pass)
    else:
        only_a, only_b = a[0] >= b[1], b[0] > a[1]
    only_a, only_b = np.asarray(only_a), np.asarray(only_b)
    both = ~only_a & ~only_b
    h = I.ihull(a1, b1)
    d1 = tuple(np.where(only_a, a1[j], np.where(only_b, b1[j], h[j])) for j in (0, 1))
    d2 = (np.where(both, -np.inf, np.where(only_a, a2[0], b2[0])),
          np.where(both, np.inf, np.where(only_a, a2[1], b2[1])))
    return v, d1, d2


# ---------------------------------------------------------------------------
# The compiled expression
# ---------------------------------------------------------------------------

class CompiledExpression:
    """A cost expression compiled to vectorised evaluators (see the module docstring).

    Attributes
    ----------
    text : str
        The expression.
    names : tuple of str
        Its free names in order of first appearance (``x`` and ``N`` included).
    parameters : tuple of str
        The names other than ``x`` and ``N``.
    depends_on_N : bool
        Whether ``N`` appears.
    switches : tuple of CompiledExpression
        Sub-expressions whose zeros are where f is not smooth: the argument of
        every ``abs``, ``a - b`` for every ``min(a, b)``/``max(a, b)`` (those
        depending on ``x`` only). Empty when f is smooth.
    nonsmooth : bool
        ``len(switches) > 0``.
    """

    __slots__ = ("text", "names", "parameters", "depends_on_N", "switches", "_instrs",
                 "_dep", "_nodes", "_knodes", "_size")

    def __init__(self, text, names, instrs, dep, root, switches=()):
        self.text = text
        self.names = names
        self.parameters = tuple(n for n in names if n not in ("x", "N"))
        self.depends_on_N = "N" in names
        self.switches = tuple(switches)
        self._instrs = instrs
        self._dep = dep
        self._nodes = _needed(instrs, root)
        self._size = len(self._nodes)
        # exponents independent of x: the interval passes need their point values
        expo = {instrs[i][1][1] for i in self._nodes if instrs[i][0] == "powk"}
        self._knodes = _needed_many(instrs, expo)

    @property
    def nonsmooth(self):
        return len(self.switches) > 0

    def __repr__(self):
        return f"<CompiledExpression {self.text!r} ({self._size} instructions)>"

    # -- helpers ------------------------------------------------------------------
    def _params(self, p):
        try:
            return {n: p[n] for n in self.names if n != "x"}
        except KeyError as exc:
            raise InputError(f"missing parameter `{exc.args[0]}` for cost expression "
                             f"{self.text[:60]!r}") from None

    def _kvals(self, p):
        if not self._knodes:
            return {}
        with np.errstate(all="ignore"):  # x-independent: one cheap point pass
            return _run(self._instrs, self._dep, self._knodes, None, p, _Points, 0, True)

    # -- points -------------------------------------------------------------------
    def f(self, x, p):
        """f at ``x`` (array), parameters ``p`` (name -> float or array); broadcast."""
        p = self._params(p)
        x = np.asarray(x, dtype=float)
        with np.errstate(all="ignore"):
            v = _run(self._instrs, self._dep, self._nodes, x, p, _Points, 0)[0]
        return _out(v, _shape((x,), p))

    def derivatives(self, x, p):
        """(f, f', f'') at ``x``, exact, in one forward-mode pass."""
        p = self._params(p)
        x = np.asarray(x, dtype=float)
        with np.errstate(all="ignore"):
            v, d1, d2 = _run(self._instrs, self._dep, self._nodes, x, p, _Points, 2)
        shape = _shape((x,), p)
        v = _out(v, shape)
        undefined = np.isnan(v)  # no derivative where f is not defined
        if d1 is not None:
            d1 = np.where(undefined, np.nan, d1)
        if d2 is not None:
            d2 = np.where(undefined, np.nan, d2)
        return v, _out(d1, shape), _out(d2, shape)

    def df(self, x, p):
        """f' at ``x``."""
        return self.derivatives(x, p)[1]

    def d2f(self, x, p):
        """f'' at ``x``."""
        return self.derivatives(x, p)[2]

    # -- boxes --------------------------------------------------------------------
    def interval(self, xlo, xhi, p):
        """(lo, hi): an enclosure of f on ``[xlo, xhi]`` (outward rounded, never NaN)."""
        p = self._params(p)
        xlo, xhi = np.asarray(xlo, dtype=float), np.asarray(xhi, dtype=float)
        with np.errstate(all="ignore"):
            v = _run(self._instrs, self._dep, self._nodes, (xlo, xhi), p, _Intervals, 0,
                     self._kvals(p))[0]
        shape = _shape((xlo, xhi), p)
        return _iout(v, shape)

    def accepts_ranges(self, p):
        """Whether the interval passes take the parameter ranges ``(lo, hi)`` in ``p``:
        yes, unless a ranged parameter sets an exponent (x**k needs a point k)."""
        ranged = {k for k, v in p.items() if isinstance(v, tuple)}
        return not any(self._instrs[i][0] == "param" and self._instrs[i][2] in ranged
                       for i in self._knodes)

    def interval_derivatives(self, xlo, xhi, p):
        """(flo, fhi, dlo, dhi, d2lo, d2hi): enclosures of f, f', f'' on ``[xlo, xhi]``.

        A parameter may be given as a range ``(lo, hi)`` (see :meth:`accepts_ranges`):
        the enclosures then hold for every value in it."""
        p = self._params(p)
        xlo, xhi = np.asarray(xlo, dtype=float), np.asarray(xhi, dtype=float)
        with np.errstate(all="ignore"):
            v, d1, d2 = _run(self._instrs, self._dep, self._nodes, (xlo, xhi), p,
                             _Intervals, 2, self._kvals(p))
        shape = _shape((xlo, xhi), p)
        return (*_iout(v, shape), *_iout(d1, shape), *_iout(d2, shape))


def _needed_many(instrs, roots):
    mark = set()
    for r in roots:
        mark.update(_needed(instrs, r))
    return sorted(mark)


def _out(v, shape):
    if v is None:
        return np.zeros(shape)
    v = np.asarray(v, dtype=float)
    return v if v.shape == shape else np.broadcast_to(v, shape)


def _iout(v, shape):
    if v is None:
        return np.zeros(shape), np.zeros(shape)
    lo, hi = I.clean(np.asarray(v[0], dtype=float), np.asarray(v[1], dtype=float))
    return (lo if lo.shape == shape else np.broadcast_to(lo, shape),
            hi if hi.shape == shape else np.broadcast_to(hi, shape))


@functools.lru_cache(maxsize=256)
def _compile(text):
    parsed = parse(text)
    b, root, switches = _build_tape(parsed)
    instrs, dep = tuple(b.instrs), tuple(b.dep)
    subs = []
    for s, stext in switches:
        used = set()
        for i in _needed(instrs, s):
            if instrs[i][0] == "param":
                used.add(instrs[i][2])
            elif instrs[i][0] == "x":
                used.add("x")
        names = tuple(n for n in parsed.names if n in used)
        subs.append(CompiledExpression(stext, names, instrs, dep, s))
    return CompiledExpression(text, parsed.names, instrs, dep, root, subs)


def compile_expression(text):
    """Compile a cost expression into vectorised evaluators (cached by text).

    Parameters
    ----------
    text : str or Parsed
        The expression, e.g. ``"c*x**k + b*abs(x - 1)"``.

    Returns
    -------
    CompiledExpression
        With ``f``, ``derivatives``, ``df``, ``d2f``, ``interval``,
        ``interval_derivatives`` and ``switches``.

    Raises
    ------
    ExpressionError
        If the expression is rejected by :func:`~powermodel.expressions.parse`.

    Examples
    --------
    >>> import numpy as np
    >>> E = compile_expression("c*x**2 + abs(x - 1)")
    >>> E.parameters, E.nonsmooth, E.switches[0].text
    (('c',), True, 'x - 1')
    >>> f, df, d2f = E.derivatives(np.array([0.0, 2.0]), {"c": 3.0})
    >>> f.tolist(), df.tolist(), d2f.tolist()
    ([1.0, 13.0], [-1.0, 13.0], [6.0, 6.0])
    >>> lo, hi = E.interval(0.0, 2.0, {"c": 3.0})
    >>> bool(lo <= 0.0 and 13.0 <= hi)
    True
    """
    if isinstance(text, Parsed):
        text = text.text
    if not isinstance(text, str):
        raise ExpressionError(f"cost expression must be a string, got {type(text).__name__}")
    return _compile(text)
