"""The values of N where the regime changes (:class:`Thresholds`)."""

import sympy as sp

from .numeric import NumericFunction


class Thresholds(dict):
    """The values of N where the regime changes: a dict with LaTeX output.

    Keys ``"onset"`` (x* becomes positive), ``"budget"`` (the budget starts to
    bind), ``"cap"`` (the compute cap starts to bind; ``oo`` without a cap),
    ``"dominance"`` (the learned algorithm's contribution equals the base
    optimizer's per-instance share, learned_share = 1/2) and, for a
    non-convex cost, ``"jump"`` (where x* leaps from 0). Values are SymPy
    expressions: closed forms, ``Float`` numbers found numerically,
    ``oo`` (never reached) or a ``ConditionSet`` (the N solving an equation
    SymPy cannot solve, when numbers are not available).
    """

    def latex(self):
        """An ``aligned`` block, one line per threshold."""
        rows = [rf"N_{{\mathrm{{{k}}}}} &= {sp.latex(v)}" for k, v in self.items()]
        return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"

    def _repr_latex_(self):
        return f"$\\displaystyle {self.latex()}$"

    def functions(self):
        """Each closed-form threshold as a :class:`NumericFunction` (numbers as they are)."""
        accepts = getattr(self, "_accepts", ())
        return {k: NumericFunction(v, accepts=accepts) for k, v in self.items()
                if isinstance(v, sp.Expr) and not isinstance(v, sp.ConditionSet)}
