"""Everything at once (:class:`Derivation`) and the worker process that bounds its time."""

import functools

import sympy as sp

from ..errors import InputError, UnsolvableError
from ..result import Result
from ._common import _alarm_available, _round_floats
from .thresholds import Thresholds


_SOC_VERDICTS = {
    "convex": "holds for every x > 0: the cost is convex",
    "linear": "fails (f'' = 0): the cost is linear, so x* is at an end (0, the budget or the cap)",
    "concave": "fails for every x > 0: the cost is concave, so x* is at an end "
               "(0, the budget or the cap)",
    "nonconvex": "holds only where f'' > 0: the cost is neither convex nor concave, "
                 "so x* can jump as N grows",
    "unknown": "holds or fails depending on the parameter values (give them to find out)",
    "kinked-convex": "holds piece by piece where f'' > 0 (fails on a linear piece), and every "
                     "kink is convex (f' jumps up): x* rises with N, sits at a kink while "
                     "f'(x-) < N <= f'(x+) and jumps only across a linear piece",
    "kinked-concave": "fails on every piece, and every kink is concave (f' jumps down): "
                      "x* is at an end (0, the budget or the cap)",
    "kinked": "holds only on some pieces or kinks: the cost has kinks and is neither convex "
              "nor concave, so x* can jump as N grows",
}
_SOC_SHORT = {"convex": "holds: convex cost", "linear": "fails: linear cost",
              "concave": "fails: concave cost", "nonconvex": "holds only in part: non-convex cost",
              "unknown": "depends on the parameters",
              "kinked-convex": "piece by piece: convex cost with kinks",
              "kinked-concave": "fails: concave cost with kinks",
              "kinked": "holds only in part: cost with kinks"}


class Derivation(Result):
    """The whole derivation for one model (what ``powermodel derive`` prints).

    Attributes
    ----------
    cost, objective : sympy.Expr
        f(x) and g(x).
    foc : sympy.Eq
        The first-order condition f'(x) = n.
    soc : sympy.Rel
        The second-order condition f''(x) > 0 that an interior maximum needs
        (a condition, not a fact: see ``convexity``).
    constraints : sympy.Tuple
        x >= 0, f(x) <= P (and x <= x_cap).
    optimum : sympy.Piecewise or None
        x* (None when it has no closed form: see ``notes``).
    thresholds : Thresholds or None
    statics : Statics or None
    notes : tuple of str
        Why a part is missing.
    convexity : str
        ``"convex"``, ``"linear"``, ``"concave"``, ``"nonconvex"`` or
        ``"unknown"``: whether the second-order condition holds for every
        x > 0, never, only somewhere, or depending on the parameter values.
        For a cost with kinks (``abs``, ``min``, ``max``): ``"kinked-convex"``
        (convex or linear pieces, convex kinks), ``"kinked-concave"`` (concave or
        linear pieces, concave kinks) or ``"kinked"`` (neither).
    pieces : sympy.Piecewise or None
        A cost with kinks as its smooth pieces (None for a smooth cost); ``foc``
        and ``soc`` are then piece by piece, open at the kinks.
    kinks : tuple
        ``(x_k, f'(x_k-), f'(x_k+))`` for every kink, in order (empty for a smooth cost).
    """

    __slots__ = ("cost", "objective", "foc", "soc", "constraints", "optimum", "thresholds",
                 "statics", "notes", "convexity", "pieces", "kinks")
    _fields = __slots__

    def soc_verdict(self):
        """Whether the second-order condition holds for this cost, in words.

        >>> import powermodel as pm
        >>> pm.Model("log(1 + x)").symbolic.derive().soc_verdict()
        'fails for every x > 0: the cost is concave, so x* is at an end (0, the budget or the cap)'
        """
        return _SOC_VERDICTS[self.convexity]

    def text(self, *, digits=None):
        """Plain-text report (numbers to ``digits`` significant digits, if given)."""
        r = functools.partial(_round_floats, digits=digits)
        lines = [f"cost         f(x) = {r(self.cost)}"]
        if self.pieces is not None:
            lines.append(f"pieces       f(x) = {r(self.pieces)}")
            lines += [f"kink         x = {r(k)}: f'(x-) = {r(a)}, f'(x+) = {r(b)}"
                      for k, a, b in self.kinks]
        where = ("first order, inside a piece; at a kink x* needs "
                 f"f'(x-) <= {r(self.foc.rhs)} <= f'(x+)" if self.pieces is not None
                 else "first order, interior")
        lines += [f"objective    g(x) = {r(self.objective)}",
                  f"condition    {r(self.foc.lhs)} = {r(self.foc.rhs)}   ({where})",
                  f"second order {r(self.soc)}   (needed for an interior maximum)",
                  f"             {self.soc_verdict()}",
                  "constraints  " + ", ".join(str(r(c)) for c in self.constraints)]
        if self.optimum is not None:
            lines.append(f"optimum      x* = {r(self.optimum)}")
        if self.thresholds is not None:
            lines.append("thresholds (values of N)")
            lines += [f"  {k:<10} {r(v)}" for k, v in self.thresholds.items()]
        if self.statics is not None:
            lines.append("statics")
            if self.statics.x is not None:
                lines += [f"  dx*/d{k:<6} {r(v)}" for k, v in self.statics.x.items()]
                lines += [f"  dg*/d{k:<6} {r(v)}" for k, v in self.statics.value.items()]
            else:
                lines.append("  (implicit, x standing for x*)")
                w = max(9, *(len(regime) + 1 for regime in self.statics.implicit))
                for regime, forms in self.statics.implicit.items():
                    lines += [f"  {regime:<{w}}dx*/d{k:<6} {r(v)}" for k, v in forms["x"].items()]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def latex(self, *, digits=None):
        """LaTeX report (``aligned`` blocks; numbers to ``digits`` significant digits)."""
        r = functools.partial(_round_floats, digits=digits)
        parts = [r"f(x) &= " + sp.latex(r(self.cost))]
        if self.pieces is not None:
            parts.append(r"f(x) &= " + sp.latex(r(self.pieces)))
            parts += [rf"f'({sp.latex(r(k))}^-) &= {sp.latex(r(a))},\quad "
                      rf"f'({sp.latex(r(k))}^+) = {sp.latex(r(b))}" for k, a, b in self.kinks]
        parts += [r"g(x) &= " + sp.latex(r(self.objective)),
                 sp.latex(r(self.foc.lhs)) + " &= " + sp.latex(r(self.foc.rhs)),
                 r"&" + sp.latex(r(self.soc)) + r"\quad\text{(needed for an interior maximum; "
                 + _SOC_SHORT[self.convexity] + ")}",
                 r"&" + r",\quad ".join(sp.latex(r(c)) for c in self.constraints)]
        if self.optimum is not None:
            parts.append(r"x^* &= " + sp.latex(r(self.optimum)))
        out = r"\begin{aligned}" + r" \\ ".join(parts) + r"\end{aligned}"
        if self.thresholds is not None:
            th = self.thresholds if digits is None else Thresholds(
                {k: r(v) for k, v in self.thresholds.items()})
            out += "\n" + th.latex()
        if self.statics is not None:
            out += "\n" + self.statics.latex()
        return out

    def _repr_latex_(self):
        return f"$\\displaystyle {self.latex()}$"


def _timeout_message(timeout, method="derive"):
    what = "derivation" if method == "derive" else f"{method}()"
    return (f"the symbolic {what} did not finish within the time limit of {timeout:g} s "
            f"({method}(timeout=...), powermodel.symbolic.DERIVE_TIMEOUT); "
            "use the numeric solver Model.solve")


#: Seconds a worker process may take to start (interpreter, SymPy) on top of the limit.
_WORKER_STARTUP = 15.0


def _derive_in_worker(model, kwargs, timeout, method="derive"):
    """Run ``model.symbolic.<method>(**kwargs)`` in a fresh interpreter, killed at the limit.

    Used where no timer signal can interrupt SymPy (outside the main thread,
    without SIGALRM, or where the caller has a timer or a SIGALRM handler of its
    own, which a limit must not touch). The worker imports this same powermodel; the model and the
    result travel as pickles over its stdin and stdout.
    """
    import os
    import pickle
    import subprocess
    import sys
    from pathlib import Path

    try:
        payload = pickle.dumps((model, kwargs, timeout, method))
    except Exception as exc:  # noqa: BLE001 - e.g. a parameter array of objects
        raise UnsolvableError(f"this model cannot be sent to a worker process ({exc}); "
                              "call derive(timeout=float('inf')) or from the main thread") \
            from None
    root = str(Path(__file__).resolve().parent.parent.parent)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from powermodel.symbolic import _worker_main; _worker_main()")
    try:
        r = subprocess.run([sys.executable, "-c", code, root], input=payload,
                           capture_output=True, timeout=timeout + _WORKER_STARTUP,
                           env={**os.environ, "PYTHONWARNINGS": "ignore"})
    except subprocess.TimeoutExpired:
        raise UnsolvableError(_timeout_message(timeout, method)) from None
    except OSError as exc:  # no interpreter to start (an embedded Python)
        raise UnsolvableError(f"cannot start a worker process for the time limit ({exc}); "
                              "call derive from the main thread or with "
                              "timeout=float('inf')") from None
    try:
        # evaluate(False): rebuilt as they were built (x >= 0 with x non-negative would
        # otherwise evaluate to True on unpickling)
        with sp.evaluate(False):
            status, value = pickle.loads(r.stdout)
    except Exception:  # noqa: BLE001 - the worker died (killed, out of memory)
        tail = r.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise UnsolvableError(f"the derivation's worker process failed (exit {r.returncode}: "
                              f"{tail[0][:200]})") from None
    if status == "ok":
        return value
    raise value


def _worker_main():
    """Entry point of the worker process of :func:`_derive_in_worker`."""
    import pickle
    import sys

    model, kwargs, timeout, method = pickle.loads(sys.stdin.buffer.read())
    try:
        out = ("ok", getattr(model.symbolic, method)(
            timeout=timeout if _alarm_available() else float("inf"), **kwargs))
    except (UnsolvableError, InputError) as exc:
        out = ("error", exc)
    sys.stdout.buffer.write(pickle.dumps(out))
    sys.stdout.buffer.flush()
