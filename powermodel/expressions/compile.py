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

The passes are in :mod:`.forward`. Its derivative rules are written once,
over an arithmetic (points or intervals), so the point and interval passes
follow the very same formulas: by the monotonicity of IEEE rounding, every
value, first and second derivative that the point pass returns for an ``x``
in a box lies in the enclosure returned for that box (NaN values, which mean
"undefined", apart).

Products of powers of one base are merged as SymPy does
(``c*x**k/x**2 -> c*x**(k - 2)``, ``x*sqrt(x) -> x**1.5``, ``x/x -> 1``), so
that their derivatives do not meet ``0 * inf`` at ``x = 0``.

Conventions
-----------
* Point values follow NumPy under ``np.errstate(all="ignore")``: NaN where the
  real value does not exist, ``inf`` on overflow, ``0**0 = 1``.
* A number literal is its floating-point value (``0.1`` is the double nearest
  1/10). ``pi``, ``E`` and constant subexpressions whose floating-point value is
  rounded (``1/3``, ``sqrt(2)``, ``exp(1)``) are enclosed in the interval passes:
  the enclosures hold for their exact values (the point passes use the
  floating-point values).
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
from fractions import Fraction

import numpy as np

from ..errors import ExpressionError, InputError
from . import intervals as I
from .forward import NUMPY, Intervals, Points, last_uses, run
from .parse import Parsed, _chain, _family, parse

__all__ = ["CompiledExpression", "compile_expression"]

_BINOP = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}

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
        if args and all(ins[a][0] in _CONSTANT for a in args):
            return self.const(*_fold(op, [ins[a] for a in args], aux))
        if op == "pow" and ins[args[1]][0] in _CONSTANT:
            k = _point(ins[args[1]])
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

    def const(self, v, enclosure=None):
        """A constant: its floating-point value ``v``, and when ``v`` is the rounding
        of an exact value (pi, 1/3, sqrt(2)), an enclosure ``(lo, hi)`` of that value."""
        if enclosure is None:
            return self.emit("const", (), float(v))
        return self.emit("iconst", (), (float(v), *map(float, enclosure)))


# "const": an exact float; "iconst": (point value, lo, hi) for a rounded one
_CONSTANT = ("const", "iconst")


def _point(ins):
    return ins[2] if ins[0] == "const" else ins[2][0]


def _enclosure(ins):
    return (ins[2], ins[2]) if ins[0] == "const" else ins[2][1:]


def _fold(op, args, aux):
    """The value of an instruction whose arguments are constants (as evaluated), and
    (None if that value is exact) an enclosure of the exact value."""
    v = _fold_point(op, [_point(a) for a in args], aux)
    if all(a[0] == "const" for a in args) and _exact(op, [a[2] for a in args], v):
        return v, None
    encl = [_enclosure(a) for a in args]
    with np.errstate(all="ignore"):
        if op in _SIMPLE:
            lo, hi = getattr(Intervals, _SIMPLE[op])(*encl)
        elif op in ("pow", "powk"):  # (exponents at their point value, as documented)
            lo, hi = I.ipowk(encl[0], _point(args[1]))
        elif op == "fn":
            lo, hi = I.FUNCTIONS[aux](*encl[0])
        elif op == "abs":
            lo, hi = I.iabs(encl[0])
        else:
            lo, hi = (I.imin if op == "min" else I.imax)(*encl)
        lo, hi = I.clean(lo, hi)
    return v, (float(lo), float(hi))


def _exact(op, vals, v):
    """Whether ``v``, computed in float from the exact floats ``vals``, is exact."""
    if op in ("neg", "abs", "min", "max"):
        return True
    if not (math.isfinite(v) and all(math.isfinite(a) for a in vals)):
        return False
    a = [Fraction(x) for x in vals]
    if op in ("add", "sub", "mul"):
        return Fraction(v) == {"add": a[0] + a[1] if op == "add" else 0,
                               "sub": a[0] - a[1] if op == "sub" else 0,
                               "mul": a[0] * a[1]}[op]
    if op == "div":
        return a[1] != 0 and Fraction(v) == a[0] / a[1]
    if op in ("pow", "powk"):
        k = vals[1]
        return (k == int(k) and abs(k) <= 64 and (a[0] != 0 or k >= 0)
                and Fraction(v) == a[0] ** int(k))
    return False  # library functions: their values are roundings


def _fold_point(op, vals, aux):
    """The floating-point value of an instruction on constant arguments."""
    with np.errstate(all="ignore"):
        v = [np.float64(a) for a in vals]
        if op in _SIMPLE:
            return float(getattr(Points, _SIMPLE[op])(*v))
        if op in ("pow", "powk"):
            return float(np.power(v[0], v[1]))
        if op == "fn":
            return float(NUMPY[aux](v[0]))
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
                c = math.pi if n == "pi" else math.e  # (correctly rounded: one ulp each side)
                out.append(b.const(c, (I.down(c), I.up(c))))
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
        if len(g) == 1 or ins[base][0] in _CONSTANT:
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


def _shape(x, p):
    # (a parameter range (lo, hi) is one value, not an array of two)
    return np.broadcast_shapes(*(np.shape(v) for v in (*x, *p.values())
                                 if not isinstance(v, tuple)))


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
                 "_dep", "_nodes", "_knodes", "_size", "_free")

    def __init__(self, text, names, instrs, dep, root, switches=()):
        self.text = text
        self.names = names
        self.parameters = tuple(n for n in names if n not in ("x", "N"))
        self.depends_on_N = "N" in names
        self.switches = tuple(switches)
        self._instrs = instrs
        self._dep = dep
        self._nodes = _needed(instrs, root)
        self._free = last_uses(instrs, self._nodes)
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
        """The values this expression reads (results take the shape of all of ``p``)."""
        try:
            return {n: p[n] for n in self.names if n != "x"}
        except KeyError as exc:
            raise InputError(f"missing parameter `{exc.args[0]}` for cost expression "
                             f"{self.text[:60]!r}") from None

    def _kvals(self, p):
        if not self._knodes:
            return {}
        with np.errstate(all="ignore"):  # x-independent: one cheap point pass
            return run(self._instrs, self._dep, self._knodes, None, p, Points, 0, True)

    # -- points -------------------------------------------------------------------
    def f(self, x, p):
        """f at ``x`` (array), parameters ``p`` (name -> float or array); broadcast."""
        p, given = self._params(p), p
        x = np.asarray(x, dtype=float)
        with np.errstate(all="ignore"):
            v = run(self._instrs, self._dep, self._nodes, x, p, Points, 0, free=self._free)[0]
        return _out(v, _shape((x,), given))

    def derivatives(self, x, p, *, order=2):
        """(f, f', f'') at ``x``, exact, in one forward-mode pass (``order=1``: (f, f'),
        the same values without computing f'')."""
        p, given = self._params(p), p
        x = np.asarray(x, dtype=float)
        with np.errstate(all="ignore"):
            v, d1, d2 = run(self._instrs, self._dep, self._nodes, x, p, Points, order,
                            free=self._free)
        shape = _shape((x,), given)
        v = _out(v, shape)
        undefined = np.isnan(v)  # no derivative where f is not defined
        some = bool(undefined.any())
        d1 = _undefined(d1, undefined, some, p)
        if order == 1:
            return v, _out(d1, shape)
        return v, _out(d1, shape), _out(_undefined(d2, undefined, some, p), shape)

    def df(self, x, p):
        """f' at ``x``."""
        return self.derivatives(x, p, order=1)[1]

    def d2f(self, x, p):
        """f'' at ``x``."""
        return self.derivatives(x, p)[2]

    # -- boxes --------------------------------------------------------------------
    def interval(self, xlo, xhi, p):
        """(lo, hi): an enclosure of f on ``[xlo, xhi]`` (outward rounded, never NaN)."""
        p, given = self._params(p), p
        xlo, xhi = np.asarray(xlo, dtype=float), np.asarray(xhi, dtype=float)
        with np.errstate(all="ignore"):
            v = run(self._instrs, self._dep, self._nodes, (xlo, xhi), p, Intervals, 0,
                    self._kvals(p), free=self._free)[0]
        shape = _shape((xlo, xhi), given)
        return _iout(v, shape)

    def accepts_ranges(self, p):
        """Whether the interval passes take the parameter ranges ``(lo, hi)`` in ``p``
        (the enclosures then hold for every value in them): yes, unless a ranged
        parameter sets an exponent (``x**k`` needs a point ``k``)."""
        ranged = {k for k, v in p.items() if isinstance(v, tuple)}
        return not any(self._instrs[i][0] == "param" and self._instrs[i][2] in ranged
                       for i in self._knodes)

    def interval_derivatives(self, xlo, xhi, p):
        """(flo, fhi, dlo, dhi, d2lo, d2hi): enclosures of f, f', f'' on ``[xlo, xhi]``."""
        p, given = self._params(p), p
        xlo, xhi = np.asarray(xlo, dtype=float), np.asarray(xhi, dtype=float)
        with np.errstate(all="ignore"):
            v, d1, d2 = run(self._instrs, self._dep, self._nodes, (xlo, xhi), p,
                            Intervals, 2, self._kvals(p), free=self._free)
        shape = _shape((xlo, xhi), given)
        return (*_iout(v, shape), *_iout(d1, shape), *_iout(d2, shape))


def _undefined(d, undefined, some, p):
    """``d`` with NaN where f is undefined (``some``: anywhere); never one of the
    caller's parameter arrays itself (``d`` of ``c*x`` is ``c``)."""
    if d is None:
        return None
    if some:
        return np.where(undefined, np.nan, d)
    if any(d is v for v in p.values()):
        return np.array(d, dtype=float)
    return d


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
