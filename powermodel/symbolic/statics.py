"""Comparative statics and elasticities of the optimum: :class:`Statics`, :class:`Elasticities`."""

from ..result import Result
from ._common import _dict_latex, _sym_latex


class Statics(Result):
    r"""Comparative statics of the optimum by the implicit function theorem.

    In each regime x* solves an equation :math:`E(x, \theta) = 0` (interior:
    :math:`f'(x) - n = 0`; budget: :math:`f(x) - P = 0`; cap:
    :math:`x - x_{cap} = 0`; none: :math:`x = 0`), so
    :math:`dx^*/d\theta = -E_\theta / E_x`, and
    :math:`dg^*/d\theta = g_\theta + g_x\, dx^*/d\theta` (:math:`g_x = 0` at an
    interior optimum: the envelope theorem).

    Attributes
    ----------
    x : dict or None
        ``{parameter: dx*/dθ}`` as a ``Piecewise`` over the regimes in closed
        form (``None`` when x* has no closed form).
    value : dict or None
        ``{parameter: dg*/dθ}`` likewise.
    implicit : dict
        ``{regime: {"x": {...}, "value": {...}}}`` in terms of ``x`` standing for
        x* (valid whether or not x* has a closed form).
    """

    __slots__ = ("x", "value", "implicit")
    _fields = __slots__

    def latex(self):
        """The closed forms (or the implicit forms) as an ``aligned`` block."""
        if self.x is not None:
            d = {("x", k): v for k, v in self.x.items()}
            d.update({("g", k): v for k, v in self.value.items()})
        else:
            d = {}
            for regime, forms in self.implicit.items():
                for k, v in forms["x"].items():
                    d[("x", k, regime)] = v
        return _dict_latex(d, lambda key: (
            rf"\frac{{\partial {key[0]}^*}}{{\partial {_sym_latex(key[1])}}}"
            + (rf"\Big|_{{\mathrm{{{key[2]}}}}}" if len(key) > 2 else "")))

    def _repr_latex_(self):
        return f"$\\displaystyle {self.latex()}$"


class Elasticities(Result):
    r"""Elasticities :math:`\partial \ln y / \partial \ln \theta` of the optimum.

    Attributes
    ----------
    x, value, learned_share : dict
        ``{parameter: expression}``, Piecewise over the regimes (``nan`` where
        the output is 0: x* and the learned share in the ``none`` regime).
    """

    __slots__ = ("x", "value", "learned_share")
    _fields = __slots__

    def latex(self):
        """An ``aligned`` block."""
        d = {(o, k): v for o in self._fields for k, v in getattr(self, o).items()}
        return _dict_latex(d, lambda key: (
            rf"\varepsilon_{{\mathrm{{{key[0].replace('_', ' ')}}}, {_sym_latex(key[1])}}}"))

    def _repr_latex_(self):
        return f"$\\displaystyle {self.latex()}$"
