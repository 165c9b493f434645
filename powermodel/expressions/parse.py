"""Safe parsing of cost expressions such as ``"c*x**k + b*x"``.

A cost expression is parsed with :mod:`ast` and checked node by node; nothing
in it is ever evaluated by Python. Allowed: numbers, names (the variable
``x``, the number of instances ``N``, the constants ``pi`` and ``E``, and
parameters), ``+ - * / **``, unary minus and calls of the whitelisted
mathematical functions in :data:`FUNCTIONS`. Everything else (attribute
access, subscripts, strings, lambda, comprehensions, keywords, dunder or
private names, calls of other names, over-long or deeply nested input) is
rejected with an :class:`~powermodel.errors.ExpressionError` naming the
offending token.

The checked tree is turned into a SymPy expression by building SymPy objects
directly (no :func:`sympy.sympify`, which evaluates strings).
"""

import ast
import functools
import keyword
import math

from ..errors import ExpressionError

__all__ = ["FUNCTIONS", "CONSTANTS", "MAX_LENGTH", "MAX_DEPTH", "Parsed", "parse"]

#: Functions a cost expression may call, with their arity.
FUNCTIONS = {
    "exp": 1, "log": 1, "ln": 1, "log1p": 1, "expm1": 1, "sqrt": 1, "cbrt": 1,
    "sin": 1, "cos": 1, "tan": 1, "asin": 1, "acos": 1, "atan": 1,
    "sinh": 1, "cosh": 1, "tanh": 1, "asinh": 1, "acosh": 1, "atanh": 1,
    "arctan": 1, "abs": 1, "erf": 1, "min": 2, "max": 2,
}
#: Names that are constants, not parameters.
CONSTANTS = ("pi", "E")
#: The longest expression accepted, in characters.
MAX_LENGTH = 2000
#: The deepest nesting accepted: parentheses, function calls, powers and unary
#: signs each add a level; the links of an associative chain (``a + b - c``,
#: ``a * b / c``) do not, so a long sum is one level. Checked before anything
#: (``ast.parse``, the checks, the compiler, :meth:`Parsed.to_sympy`) recurses.
MAX_DEPTH = 60

_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_UNARY = (ast.USub, ast.UAdd)
_RESERVED = ("P",)


class Parsed:
    """A checked cost expression.

    Attributes
    ----------
    text : str
        The expression as given.
    names : tuple of str
        The free names in order of first appearance (``x`` and ``N`` included
        when used, constants and functions excluded).
    """

    __slots__ = ("text", "names", "_tree")

    def __init__(self, text, names, tree):
        self.text = text
        self.names = names
        self._tree = tree

    @property
    def parameters(self):
        """The names that are cost parameters (neither ``x`` nor ``N``)."""
        return tuple(n for n in self.names if n not in ("x", "N"))

    def to_sympy(self, symbols=None):
        """Build the SymPy expression.

        Parameters
        ----------
        symbols : dict, optional
            Maps names to SymPy symbols; missing names get a plain real
            ``sympy.Symbol``.

        Examples
        --------
        >>> parse("c*x**k + b*x").to_sympy()
        b*x + c*x**k
        """
        import sympy as sp

        symbols = dict(symbols or {})
        for n in self.names:
            symbols.setdefault(n, sp.Symbol(n, real=True))
        try:
            return _build(self._tree.body, symbols, sp)
        except (ValueError, TypeError, ArithmeticError) as exc:  # e.g. Min(log(-x), 1)
            if isinstance(exc, ExpressionError):
                raise
            msg = str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__
            raise ExpressionError(f"cost expression {self.text[:60]!r} cannot be built: "
                                  f"{msg}") from None

    def __repr__(self):
        return f"Parsed({self.text!r})"


def _bad(token, why="is not allowed in a cost expression"):
    return ExpressionError(f"`{token}` {why}")


def _unparse(node, source=None):
    try:
        return ast.unparse(node)
    except RecursionError:  # a very long chain: quote the source instead
        return " ".join((ast.get_source_segment(source or "", node) or "...").split())


def _snippet(node, source=None):
    text = _unparse(node, source)
    return text if len(text) <= 40 else text[:37] + "..."


def _fold(node, op, *args, text=None):
    """The float value of a constant subexpression; rejects non-finite or complex ones.

    Evaluated with Python floats (never exact integers), so ``10**10**10``
    costs nothing and is rejected as too large instead of hanging.
    """
    try:
        v = op(*args)
    except OverflowError:
        raise _bad(_snippet(node, text), "is too large a number (overflows a float)") from None
    except ZeroDivisionError:
        raise _bad(_snippet(node, text), "divides by zero") from None
    except ValueError:
        raise _bad(_snippet(node, text), "is outside the domain of the function") from None
    if isinstance(v, complex):
        raise _bad(_snippet(node, text), "is not a real number")
    v = float(v)
    if math.isinf(v):
        raise _bad(_snippet(node, text), "is too large a number (overflows a float)")
    if math.isnan(v):
        raise _bad(_snippet(node, text), "is not a number")
    return v


def _pow(a, b):
    if a == 0 and b < 0:
        raise ZeroDivisionError
    return a ** b


_BINFUNCS = {ast.Add: float.__add__, ast.Sub: float.__sub__, ast.Mult: float.__mul__,
             ast.Div: float.__truediv__, ast.Pow: _pow}
_MATH = {
    "exp": math.exp, "log": math.log, "ln": math.log, "log1p": math.log1p,
    "expm1": math.expm1, "sqrt": math.sqrt, "cbrt": lambda a: math.copysign(abs(a) ** (1 / 3), a),
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "asin": math.asin, "acos": math.acos,
    "atan": math.atan, "arctan": math.atan, "sinh": math.sinh, "cosh": math.cosh,
    "tanh": math.tanh, "asinh": math.asinh, "acosh": math.acosh, "atanh": math.atanh,
    "abs": abs, "erf": math.erf, "min": min, "max": max,
}


def _family(node):
    """The associative chain a BinOp belongs to ("add" for + -, "mul" for * /), or None."""
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, (ast.Add, ast.Sub)):
            return "add"
        if isinstance(node.op, (ast.Mult, ast.Div)):
            return "mul"
    return None


def _too_deep():
    return ExpressionError(f"cost expression is nested deeper than {MAX_DEPTH} levels")


def _check(tree, names, text):
    """Check the tree; return its float value if it is constant, else None.

    An explicit stack, no recursion: a node's checks run when it is first met,
    its constant folding once its children are done (the order of a recursive
    descent, so the same error is reported first). The nesting depth counts
    every level except the links of an associative chain (``a + b - c + d``,
    ``a * b / c``), which are one level however long.
    """
    values = []
    stack = [(tree, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        if done:
            _fold_node(node, values, text)
            continue
        if depth > MAX_DEPTH:
            raise _too_deep()
        if isinstance(node, ast.Expression):
            stack.append((node.body, depth + 1, False))
            continue
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise _bad(repr(v)[:40])
            if isinstance(v, int) and v.bit_length() > 997:  # > 10**300
                raise _bad(_snippet(node, text)[:20] + "...", "is too large a number")
            if isinstance(v, float) and not math.isfinite(v):
                raise _bad(_snippet(node, text), "is too large a number (overflows a float)")
            values.append(float(v))
            continue
        if isinstance(node, ast.Name):
            n = node.id
            if n.startswith("_"):
                raise _bad(n)
            if n in _RESERVED:
                raise _bad(n, "is reserved: a cost may not depend on the budget P")
            if n in FUNCTIONS:
                raise _bad(n, "is a function and must be called")
            if n in CONSTANTS:
                values.append(math.pi if n == "pi" else math.e)
                continue
            if n not in names:
                names.append(n)
            values.append(None)
            continue
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, _BINOPS):
                raise _bad(_OPNAMES.get(type(node.op), type(node.op).__name__))
            fam = _family(node)
            stack.append((node, depth, True))
            for child in (node.right, node.left):  # left is visited first
                same = fam is not None and _family(child) == fam
                stack.append((child, depth if same else depth + 1, False))
            continue
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, _UNARY):
                raise _bad(_OPNAMES.get(type(node.op), type(node.op).__name__))
            stack.append((node, depth, True))
            stack.append((node.operand, depth + 1, False))
            continue
        if isinstance(node, ast.Attribute):
            raise _bad(f".{node.attr}", "(attribute access) is not allowed in a cost expression")
        if isinstance(node, ast.Call):
            f = node.func
            if not isinstance(f, ast.Name):
                raise _bad(_unparse(f, text)[:40], "is not a callable function here")
            if f.id.startswith("_"):
                raise _bad(f.id)
            if f.id not in FUNCTIONS:
                raise _bad(f.id, "is not an allowed function (see powermodel.expressions.FUNCTIONS)")
            if node.keywords:
                raise _bad(f"{node.keywords[0].arg}=", "keyword arguments are not allowed")
            if any(isinstance(a, ast.Starred) for a in node.args):
                raise _bad("*", "argument unpacking is not allowed")
            if len(node.args) != FUNCTIONS[f.id]:
                raise _bad(f.id, f"takes {FUNCTIONS[f.id]} argument(s), got {len(node.args)}")
            stack.append((node, depth, True))
            for a in reversed(node.args):
                stack.append((a, depth + 1, False))
            continue
        token = _NODENAMES.get(type(node), type(node).__name__)
        raise _bad(token)
    (value,) = values
    return value


def _fold_node(node, values, text):
    """Replace the values of ``node``'s children on ``values`` by its own (None: not constant)."""
    if isinstance(node, ast.BinOp):
        b = values.pop()
        a = values.pop()
        if a is None or b is None:
            values.append(None)
        else:
            values.append(_fold(node, _BINFUNCS[type(node.op)], a, b, text=text))
    elif isinstance(node, ast.UnaryOp):
        v = values.pop()
        values.append(None if v is None else (-v if isinstance(node.op, ast.USub) else v))
    else:  # ast.Call
        n = len(node.args)
        vals = values[-n:]
        del values[-n:]
        if any(v is None for v in vals):
            values.append(None)
        else:
            values.append(_fold(node, _MATH[node.func.id], *vals, text=text))


_OPNAMES = {ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.BitAnd: "&",
            ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>",
            ast.Invert: "~", ast.Not: "not"}
_NODENAMES = {ast.Attribute: "attribute access '.'", ast.Subscript: "subscript '[]'",
              ast.Lambda: "lambda", ast.Compare: "comparison", ast.BoolOp: "and/or",
              ast.IfExp: "if/else", ast.List: "list", ast.Tuple: "tuple", ast.Dict: "dict",
              ast.Set: "set", ast.ListComp: "comprehension", ast.GeneratorExp: "comprehension",
              ast.DictComp: "comprehension", ast.SetComp: "comprehension",
              ast.JoinedStr: "f-string", ast.NamedExpr: ":=", ast.Await: "await",
              ast.Yield: "yield", ast.Starred: "*"}


@functools.lru_cache(maxsize=256)
def parse(text):
    """Parse and check a cost expression without evaluating it.

    Parameters
    ----------
    text : str
        The expression in ``x``, e.g. ``"c*x**k + b*x"``.

    Returns
    -------
    Parsed

    Raises
    ------
    ExpressionError
        Malformed or disallowed input; the message names the token.

    Examples
    --------
    >>> parse("c*x**k + b*x").names
    ('c', 'x', 'k', 'b')
    >>> parse("__import__('os')")
    Traceback (most recent call last):
    ...
    powermodel.errors.ExpressionError: `__import__` is not allowed in a cost expression
    """
    if not isinstance(text, str):
        raise ExpressionError(f"cost expression must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"cost expression is longer than {MAX_LENGTH} characters "
                              f"({len(text)})")
    if not text.strip():
        raise ExpressionError("cost expression is empty")
    if "\x00" in text:
        raise ExpressionError("cost expression contains a NUL character")
    if not text.isascii():
        ch = next(c for c in text if ord(c) > 127)
        # Python folds identifiers to NFKC (a fullwidth "ｘ" would become "x"): refuse.
        raise _bad(f"U+{ord(ch):04X}", f"({ch!r}) is not allowed: cost expressions are plain ASCII")
    # Depth-check the raw text before ast.parse, which recurses on nesting.
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth > MAX_DEPTH:
            raise ExpressionError(f"cost expression is nested deeper than {MAX_DEPTH} levels")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        where = f" at column {exc.offset}" if exc.offset else ""
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise ExpressionError(f"malformed cost expression {shown!r}{where}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("cost expression is too complex to parse") from None
    names = []
    _check(tree, names, text.strip())
    for n in names:
        if keyword.iskeyword(n):
            raise _bad(n)
    if "x" not in names:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise ExpressionError(f"cost expression {shown!r} does not use the variable `x`")
    return Parsed(text, tuple(names), tree)


def _chain(node, fam):
    """The operands of an associative chain with their signs, in textual order.

    ``a - b + c`` gives ``[(a, 1), (b, -1), (c, 1)]``; for ``*``/``/`` the sign
    says multiply or divide. Iterative: a chain of any length costs no recursion.
    """
    out = []
    stack = [(node, 1)]
    while stack:
        n, sign = stack.pop()
        if _family(n) == fam:
            inverse = isinstance(n.op, (ast.Sub, ast.Div))
            stack.append((n.right, -sign if inverse else sign))
            stack.append((n.left, sign))
        else:
            out.append((n, sign))
    return out


def _build(node, symbols, sp):
    fam = _family(node)
    # Chains are built flat (Add/Mul of all operands): no recursion along them.
    if fam == "add":
        return sp.Add(*[_build(n, symbols, sp) if sign > 0 else -_build(n, symbols, sp)
                        for n, sign in _chain(node, fam)])
    if fam == "mul":
        return sp.Mul(*[_build(n, symbols, sp) if sign > 0 else 1 / _build(n, symbols, sp)
                        for n, sign in _chain(node, fam)])
    if isinstance(node, ast.Constant):
        v = node.value
        return sp.Integer(v) if isinstance(v, int) else sp.Float(v, 17)
    if isinstance(node, ast.Name):
        if node.id == "pi":
            return sp.pi
        if node.id == "E":
            return sp.E
        return symbols[node.id]
    if isinstance(node, ast.UnaryOp):
        o = _build(node.operand, symbols, sp)
        return -o if isinstance(node.op, ast.USub) else o
    if isinstance(node, ast.BinOp):  # a power (the other operators are chains)
        a = _build(node.left, symbols, sp)
        b = _build(node.right, symbols, sp)
        if a.is_Rational and b.is_Rational and a not in (0, 1, -1):
            # Exact a**b has about |b| * bits(a) bits: use a float when that is big
            # (parse() has checked that the float value is finite and real).
            if abs(float(b)) * max(abs(a.p).bit_length(), a.q.bit_length()) > 1500:
                return sp.Float(float(a) ** float(b), 17)
        return a ** b
    # ast.Call with a whitelisted name
    args = [_build(a, symbols, sp) for a in node.args]
    name = node.func.id
    table = {
        "exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt,
        "cbrt": lambda a: sp.sign(a) * sp.Abs(a) ** sp.Rational(1, 3),  # the real root
        "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "asin": sp.asin, "acos": sp.acos,
        "atan": sp.atan, "arctan": sp.atan, "sinh": sp.sinh, "cosh": sp.cosh,
        "tanh": sp.tanh, "asinh": sp.asinh, "acosh": sp.acosh, "atanh": sp.atanh,
        "abs": sp.Abs, "erf": sp.erf, "min": sp.Min, "max": sp.Max,
        "log1p": lambda a: sp.log(1 + a), "expm1": lambda a: sp.exp(a) - 1,
    }
    return table[name](*args)
