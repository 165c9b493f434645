"""A result field against one input: :meth:`Solution.plot <powermodel.Solution.plot>` and
the plot of a sweep over one axis (re-exported by :mod:`powermodel.plotting`)."""

import numpy as np

from .. import _validation as V
from .._inputs import along as _along
from ..errors import InputError
from ._base import LINESTYLES, PALETTE, _ax, _axis_label, _result


def field_vs_input(solution, *, against=None, field="x", ax=None, **kw):
    """A field of a :class:`~powermodel.Solution` (x* by default) against an input.

    Parameters
    ----------
    solution : Solution
        A solution over an array input (its :attr:`~powermodel.Solution.inputs`
        say which inputs vary).
    against : str, optional
        The input on the horizontal axis; needed only when more than one input
        varies. It must vary along one axis of the solution.
    field : str
        A numeric field (``"x"``, ``"value"``, ``"learned_share"``, ...).
    ax : Axes, optional
    **kw
        Passed to ``Axes.plot`` for every line.

    Returns
    -------
    Axes
        One line per combination of the inputs that vary along the other axes
        of the solution (a grid over N and k gives a line per k, labelled
        ``k = 2``), in that C order; each line runs over the input in increasing
        order. The horizontal axis is logarithmic when the input is positive.

    Raises
    ------
    InputError
        For a scalar solution, a solution without recorded inputs (built by
        hand, or computed from Dask arrays), an ``against`` that does not vary or
        that varies along more than one axis, or several varying inputs and no
        ``against``.

    Examples
    --------
    >>> import powermodel as pm
    >>> from matplotlib.figure import Figure
    >>> s = pm.Model("power", c=1.0).solve(N=[[10.0], [100.0]], P=1e6, k=[2.0, 3.0])
    >>> ax = field_vs_input(s, against="N", ax=Figure().subplots())
    >>> [(ln.get_label(), ln.get_ydata().round(3).tolist()) for ln in ax.lines]
    [('k = 2', [5.0, 50.0]), ('k = 3', [1.826, 5.774])]
    """
    _result(solution, "a Solution", ("inputs", "x", "_fields"))
    V.choice("field", field, [f for f in solution._fields if f not in ("regime", "status")])
    shape = np.shape(solution.x)
    inputs = dict(solution.inputs)
    if not shape:
        raise InputError("a Solution of one point has nothing to plot against: solve over an "
                         "array of one input (N=[...], say)")
    if not inputs:
        raise InputError("this Solution does not record its inputs (it was built by hand or "
                         "computed from Dask arrays): plot a sweep (pm.sweep) instead")
    along = {k: _along(v, len(shape)) for k, v in inputs.items()}
    varying = [k for k, a in along.items() if a]
    if against is None:
        if len(varying) != 1:
            what = ", ".join(f"`{k}`" for k in varying) if varying else "none"
            raise InputError(f"`against` must name the input to plot against when not exactly "
                             f"one input varies (varying: {what})")
        against = varying[0]
    if not isinstance(against, str) or against not in varying:
        raise InputError(f"`against` must name an input that varies "
                         f"({', '.join(f'`{k}`' for k in varying)}), got {against!r}")
    if len(along[against]) != 1:
        raise InputError(f"`against` must vary along one axis of the solution, and `{against}` "
                         f"varies along {len(along[against])} (shape {shape})")
    (axis,) = along[against]
    ax = _ax(ax)

    def lines(v):  # (points along the axis, lines): a view, the other axes flattened
        v = np.broadcast_to(np.asarray(v, dtype=float), shape)
        return np.moveaxis(v, axis, 0).reshape(shape[axis], -1)

    x = lines(inputs[against])[:, 0]
    y = lines(getattr(solution, field))
    labelled = [k for k in varying if axis not in along[k]]
    order = np.argsort(x, kind="stable")
    for j in range(y.shape[1]):
        style = {}
        if y.shape[1] > 1:
            style = {"color": PALETTE[j % len(PALETTE)], "ls": LINESTYLES[j % len(LINESTYLES)],
                     "label": ", ".join(f"{k} = {lines(inputs[k])[0, j]:.6g}" for k in labelled)}
        ax.plot(x[order], y[order, j], **{**style, **kw})
    _finish(ax, against, x, field, legend=y.shape[1] > 1 or "label" in kw)
    return ax


def _finish(ax, name, x, field, legend=False):
    """Log scale for a positive input, the axis labels, the legend."""
    if np.all(x > 0):
        ax.set_xscale("log")
    ax.set_xlabel(_axis_label(name))
    ax.set_ylabel(field)
    if legend:
        ax.legend(loc="best")
