"""The values of N where the regime changes (:class:`Thresholds`), and the grid search
(:func:`numeric_thresholds`) for costs without closed forms."""

import numpy as np
import sympy as sp

from ..errors import InputError
from .numeric import NumericFunction


class Thresholds(dict):
    """The values of N where the regime changes: a dict with LaTeX output.

    Keys ``"onset"`` (x* becomes positive), ``"budget"`` (the budget starts to
    bind), ``"cap"`` (the compute cap starts to bind; ``oo`` without a cap),
    ``"dominance"`` (the learned algorithm's contribution equals the base
    optimizer's per-instance share, learned_share = 1/2) and, for a
    non-convex cost, ``"jump"`` (where x* leaps from 0). For a cost with
    kinks (``abs``, ``min``, ``max``) ``"jump"``, ``"jump_2"``, ... are the N,
    in order, at which x* is discontinuous (leaps across a linear piece, from
    0 to U = min(x_cap, X_budget), or from one piece to another), present only
    where it is; a ``Piecewise`` value is ``oo`` for the budgets at which that
    jump does not happen. Values are SymPy expressions: closed forms, ``Float``
    numbers found numerically, ``oo`` (never reached) or a ``ConditionSet``
    (the N solving an equation SymPy cannot solve, when numbers are not
    available).
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


def _opts(core, Pv):
    return dict(P=float(Pv), x_cap=None if core.cap is None else float(core.cap),
                overlap=float(core.rho), runtime_penalty=float(core.lam), errors="nan")


def numeric_jump(model, core, Pv, N0):
    """Whether x* leaps at the onset ``N0`` found by :func:`numeric_thresholds`, checked
    with the numeric solver: just above N0 (1e-12 relative) x* already holds a fair
    share (1 %) of its value 1e-6 further on. A continuous onset, x* ~ (N - N0)/f''
    or a power of it, gives a ratio of 1e-6 or less there."""
    if not (N0.is_finite and N0 > 0):
        return False
    n0 = float(N0)
    s = model.solve(N=np.array([n0 * (1 + 1e-12), n0 * (1 + 1e-6)]), **_opts(core, Pv))
    near, far = s.x
    return bool(far > 0 and near >= 0.01 * far)


def numeric_thresholds(model, core, Pv):
    """First N of each regime change of ``model``, bracketed on a log grid and refined
    (k-section): the thresholds of a cost without closed forms, at the budget ``Pv``."""
    m = model
    opts = _opts(core, Pv)
    preds = {
        "onset": lambda s: s.x > 0,
        "budget": lambda s: s.regime == "budget",
        "cap": lambda s: s.regime == "cap",
        "dominance": lambda s: s.learned_share >= 0.5,
    }
    grid = np.geomspace(1e-12, 1e40, 52 * 20 + 1)
    try:
        s = m.solve(N=grid, **opts)
    except InputError:
        # a cost depending on N may be undefined for small N: start where it is defined
        lo, hi = 0, grid.size - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            try:
                m.solve(N=grid[mid:], **opts)
                hi = mid
            except InputError:
                lo = mid
        grid = grid[hi:]
        s = m.solve(N=grid, **opts)
    out = {}
    for name, pred in preds.items():
        hit = np.flatnonzero(pred(s))
        if hit.size == 0:
            out[name] = sp.oo
            continue
        i = hit[0]
        if i == 0:
            out[name] = sp.Integer(0)
            continue
        lo, hi = grid[i - 1], grid[i]
        for _ in range(12):
            if hi / lo - 1 < 1e-14:
                break
            pts = np.geomspace(lo, hi, 65)
            h = np.flatnonzero(pred(m.solve(N=pts, **opts)))
            j = h[0] if h.size else 64
            lo, hi = pts[max(j - 1, 0)], pts[j]
        out[name] = sp.Float(float(np.sqrt(lo) * np.sqrt(hi)), 17)
    return out
