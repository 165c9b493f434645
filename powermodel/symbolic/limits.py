r"""Where the budget changes an answer: thresholds in the overlap :math:`\rho` and in the
exponent of a cost growing as a power of N.

Two results of the paper hold only while the budget does not bind, and these
functions give the boundary in closed form:

* :func:`overlap_budget_threshold`: with shared structure the optimum tends, as
  N -> oo, to the paper's optimum at :math:`N = (1-\lambda)/\rho`; the interior
  limit (:math:`f'(x) = (1-\lambda)/\rho`) holds only for
  :math:`\rho \ge \rho_b = (1-\lambda)/N_{budget}`, below it the limit is the budget.
* :func:`power_of_N_thresholds`: for a cost :math:`f(x)\,N^{\gamma}`, the N where
  the budget starts to bind and where x comes to dominate, as functions of
  :math:`\gamma`, and the values of :math:`\gamma` where the growth of x*, of the
  learned share and of the compute multiplier changes sign, in each regime.
"""

import sympy as sp

from ..errors import InputError, UnsolvableError
from ._common import _tidy

__all__ = ["overlap_budget_threshold", "power_of_N_thresholds"]


def overlap_budget_threshold(sm, *, runtime_penalty=0.0):
    r"""The overlap :math:`\rho_b` below which the budget binds in the large-N limit.

    Parameters
    ----------
    sm : SymbolicModel
        ``Model(...).symbolic`` of a cost that does not depend on N.
    runtime_penalty : float or True
        :math:`\lambda` (True: a symbol).

    Returns
    -------
    sympy.Expr
        :math:`\rho_b = (1-\lambda)/N_{budget}`, with :math:`N_{budget}` the paper's
        budget threshold. For :math:`\rho \ge \rho_b` the limits of x*, the share and
        the multiplier are those of the interior optimum; below, those of the budget.

    Examples
    --------
    >>> import powermodel as pm
    >>> from powermodel.symbolic.limits import overlap_budget_threshold
    >>> overlap_budget_threshold(pm.Model("power", k=2.0).symbolic)
    1/(2*sqrt(P)*sqrt(c))
    """
    core = sm._core(runtime_penalty=runtime_penalty)
    if core.depends_on_N:
        raise UnsolvableError("the cost depends on N: no fixed large-N limit")
    nb = sm.thresholds()["budget"]
    if not isinstance(nb, sp.Expr) or nb.has(sp.ConditionSet):
        raise UnsolvableError("the budget threshold has no closed form")
    return _tidy((1 - core.lam) / nb)


def _log_solve(lhs, rhs, N):
    """Solve lhs = rhs (positive power products in N) for N through logarithms."""
    t = sp.Symbol("t", real=True)
    eq = sp.expand_log(sp.log(lhs), force=True) - sp.expand_log(sp.log(rhs), force=True)
    eq = sp.expand(eq.subs(sp.log(N), t))
    if eq.has(N) or sp.degree(eq, t) != 1:
        raise UnsolvableError(f"{lhs} = {rhs} is not a power law in N")
    (sol,) = sp.solve(eq, t)
    num, den = sp.fraction(sp.together(sol))
    return _tidy(sp.exp(sp.logcombine(num, force=True)) ** (1 / den))


def _elasticity(e, N):
    """d log e / d log N, which must not depend on N (a power law)."""
    out = sp.simplify(N * sp.diff(sp.expand_log(sp.log(e), force=True), N))
    if out.has(N):
        raise UnsolvableError(f"{e} is not a power law in N")
    return out


def _two_terms(expr):
    """``a - b`` as the pair (a, b) of positive terms."""
    terms = sp.Add.make_args(sp.expand(expr))
    pos = [t for t in terms if not t.could_extract_minus_sign()]
    neg = [-t for t in terms if t.could_extract_minus_sign()]
    if not pos or not neg:
        raise UnsolvableError(f"{expr} = 0 has no positive root")
    return sp.Add(*pos), sp.Add(*neg)


def power_of_N_thresholds(sm, exponent="gamma"):
    r"""Thresholds of a cost growing as :math:`N^{\gamma}` (``exponent``): in N and in :math:`\gamma`.

    Returns
    -------
    dict
        ``budget_N``: the N from which the budget binds (for :math:`f = cx^2N^\gamma`,
        :math:`(4cP)^{1/(2-\gamma)}`, a threshold while :math:`\gamma < 2`);
        ``dominance_N``: where the interior share reaches 1/2
        (:math:`(4cP/3)^{1/(2-\gamma)}`); the elasticities in N of x*
        (``x_elasticity_interior``, ``x_elasticity_budget``) and of M - 1 in the
        interior and of M at the budget (``multiplier_elasticity_interior``,
        ``multiplier_elasticity_budget``); and the values of :math:`\gamma` where
        each vanishes (``gamma_x_interior``, ``gamma_multiplier_interior``, ...):
        below them the quantity rises with N, above them it falls. In the interior
        the share rises with N exactly when M - 1 does (for c x^2,
        s = 2N^{2-\gamma}/(4cP + N^{2-\gamma}) and M = 1 + N^{2-\gamma}/(4cP)); at
        the budget it is 1.

    Examples
    --------
    >>> import powermodel as pm
    >>> from powermodel.symbolic.limits import power_of_N_thresholds
    >>> th = power_of_N_thresholds(pm.Model("c*x**2*N**gamma").symbolic)
    >>> th["gamma_x_interior"], th["gamma_multiplier_interior"], th["gamma_x_budget"]
    (1, 2, 0)
    """
    syms = sm.symbols
    if exponent not in syms:
        raise InputError(f"`exponent` must be a parameter of the cost, got {exponent!r}")
    N, g = syms["N"], syms[exponent]
    opt = sm.optimum()
    if not isinstance(opt, sp.Piecewise) or len(opt.args) != 2:
        raise UnsolvableError("the optimum is not a budget/interior Piecewise")
    (x_b, cond), (x_i, _) = opt.args
    if not isinstance(cond, sp.GreaterThan) or cond.lhs != N:
        raise UnsolvableError(f"the budget condition {cond} is not of the form N >= ...")
    share = sm.learned_share().args[-1][0]
    M = sm.compute_multiplier()
    m_b, m_i = M.args[0][0], M.args[-1][0]
    out = {"budget_N": _log_solve(N, cond.rhs, N),
           "dominance_N": _log_solve(*_two_terms(sp.numer(sp.together(share - sp.Rational(1, 2)))),
                                     N),
           "x_elasticity_interior": _elasticity(x_i, N),
           "x_elasticity_budget": _elasticity(x_b, N),
           "multiplier_elasticity_interior": _elasticity(sp.simplify(m_i - 1), N),
           "multiplier_elasticity_budget": _elasticity(m_b, N)}
    for key, name in (("x_elasticity_interior", "gamma_x_interior"),
                      ("x_elasticity_budget", "gamma_x_budget"),
                      ("multiplier_elasticity_interior", "gamma_multiplier_interior"),
                      ("multiplier_elasticity_budget", "gamma_multiplier_budget")):
        free = sp.Symbol("gamma_", real=True)   # without the parameter's sign assumption
        sol = sp.solve(out[key].subs(g, free), free)
        out[name] = sol[0] if len(sol) == 1 else sp.nan
    return out
