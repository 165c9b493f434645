"""The expression engine: cost expressions parsed safely, compiled once.

* :mod:`~powermodel.expressions.parse` checks an expression's syntax tree
  (nothing is ever evaluated by Python) and builds SymPy expressions for the
  symbolic engine (:meth:`Parsed.to_sympy`).
"""

from .parse import CONSTANTS, FUNCTIONS, MAX_DEPTH, MAX_LENGTH, Parsed, parse

__all__ = ["FUNCTIONS", "CONSTANTS", "MAX_LENGTH", "MAX_DEPTH", "Parsed", "parse"]
