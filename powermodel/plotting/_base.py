"""What every plot shares and nothing else: the colours, the line styles, the Axes
argument, the check of a result's fields and the axis labels of the inputs. Of
the package it imports only the errors, so a result class can draw itself
(:meth:`powermodel.Solution.plot`) without an import cycle.
"""

from ..errors import InputError

#: Okabe-Ito colours (colour-blind safe), in the order curves use them.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")

#: Line styles of successive curves (so overlapping curves stay distinguishable).
LINESTYLES = ("-", "--", "-.", (0, (8, 2)), (0, (5, 1.5, 1, 1.5, 1, 1.5)))


def _ax(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
        return ax
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise InputError(f"`ax` must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _result(result, kind, attrs):
    """Refuse a ``result`` without the attributes a plot reads (duck typing kept)."""
    missing = [a for a in attrs if not hasattr(result, a)]
    if missing:
        raise InputError(f"`result` must be {kind} (or have {', '.join(attrs)}), got "
                         f"{type(result).__name__} without `{missing[0]}`")
    return result


_AXIS_LABELS = {
    "N": "number of distinct instances N",
    "P": "base optimization power P (bits)",
    "x_cap": "compute cap x_cap (bits)",
    "overlap": "shared structure ρ",
    "runtime_penalty": "speed prior λ",
}


def _axis_label(name):
    return _AXIS_LABELS.get(name, name)
