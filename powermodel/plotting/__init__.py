r"""Plots of the allocation model, in matplotlib's object-oriented style.

Every plotting function takes ``ax=None`` (a new figure is made with pyplot
only when no Axes is given), draws, and returns the Axes. Styling lives in the
:func:`style` context manager; nothing here changes global ``rcParams``.
Colours come from the Okabe-Ito palette (colour-blind safe); every axis is
labelled with its unit (bits of optimization power) and the defaults are
legible at one-column width (3.4 in).

Plots of the model (each solves it with :meth:`powermodel.Model.solve`):

* :func:`landscape` -- the objective g(x) for several N, optimum marked;
* :func:`optimum_vs_N` -- x*(N) for several costs, regime changes marked;
* :func:`decomposition` -- base vs learned per-instance power as N grows;
* :func:`compute_multiplier` -- the price M = P'/P of holding x to zero
  (P' = f(0) + N_eff g*: the base power a system held at x = 0 needs to match g*);
* :func:`learned_share` -- the learned share (1 - lambda) x*/g* against N (x*/g* in
  the paper's model), the dominance line 1/2 marked;
* :func:`optimum_jump`, :func:`jump_landscapes` -- the jump of x* for a non-convex
  cost, and the objective's two equal maxima at its threshold;
* :func:`nested_levels` -- x* of two nested levels, the inner regime changes marked;
* :func:`novel_ratio` -- power on a novel instance over power on a training one.

Plots of analysis results (duck-typed on their fields):

* :func:`field_vs_input` -- a field of a Solution (x* by default) against the input
  that varies (:meth:`Solution.plot <powermodel.Solution.plot>`);
* :func:`phase_diagram` -- regimes over two parameters (a sweep result);
* :func:`dominance_regions` -- where x comes to dominate over (rho, P) (a grid of shares);
* :func:`sobol_bars`, :func:`morris_bars`, :func:`morris_plane`, :func:`tornado` -- sensitivity;
* :func:`quantile_bands`, :func:`mesa_probability` -- Monte Carlo results.

Curves are given as a :class:`~powermodel.Model`, a list of them, or a dict
``label -> Model`` or ``label -> (Model, {solve keyword arguments})`` (for
example several overlaps of one cost).

Examples
--------
>>> import powermodel as pm
>>> from powermodel import plotting
>>> from matplotlib.figure import Figure
>>> ax = Figure().subplots()
>>> with plotting.style():
...     ax = plotting.optimum_vs_N(pm.Model("power", c=1.0, k=2.0), N=[1, 10, 100], P=1e6, ax=ax)
>>> ax.lines[0].get_ydata().tolist()
[0.5, 5.0, 50.0]
"""

from ._core import (BITS, LINESTYLES, MAX_LABEL, PALETTE, REGIME_COLORS,  # noqa: F401
                    compute_multiplier, crossing, decomposition, landscape, learned_share, number_text,
                    optimum_vs_N, phase_diagram, style, transitions)
from .sensitivity import (mesa_probability, morris_bars, morris_plane,  # noqa: F401
                          quantile_bands, sobol_bars, tornado)
from .curves import field_vs_input  # noqa: F401
from .relaxations import (dominance_regions, jump_landscapes, nested_levels,  # noqa: F401
                          novel_ratio, optimum_jump)

__all__ = [
    "PALETTE", "REGIME_COLORS", "style", "landscape", "optimum_vs_N", "decomposition",
    "compute_multiplier", "learned_share", "phase_diagram", "sobol_bars", "morris_bars",
    "tornado", "quantile_bands", "mesa_probability", "transitions", "crossing",
    "optimum_jump", "jump_landscapes", "dominance_regions", "nested_levels", "novel_ratio",
    "number_text", "MAX_LABEL", "field_vs_input", "morris_plane",
]
