"""The expression engine: cost expressions parsed safely, compiled once.

* :mod:`~powermodel.expressions.parse` checks an expression's syntax tree
  (nothing is ever evaluated by Python) and builds SymPy expressions for the
  symbolic engine (:meth:`Parsed.to_sympy`).
* :mod:`~powermodel.expressions.compile` compiles the checked tree into
  vectorised NumPy evaluators of f, f' and f'' (forward mode) and of interval
  enclosures of them (:func:`compile_expression`); it never imports SymPy.
* :mod:`~powermodel.expressions.intervals` is the interval arithmetic, with
  outward rounding, that the enclosures use.
"""

from .compile import CompiledExpression, compile_expression
from .parse import CONSTANTS, FUNCTIONS, MAX_DEPTH, MAX_LENGTH, Parsed, parse

__all__ = ["FUNCTIONS", "CONSTANTS", "MAX_LENGTH", "MAX_DEPTH", "Parsed", "parse",
           "CompiledExpression", "compile_expression"]
