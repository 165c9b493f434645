"""How a result lays out the inputs of its solve: the axes along which each input
varies, the names of its columns and dimensions (used by the conversions and plots
of :class:`~powermodel.Solution` and the sweeps)."""

import numpy as np

__all__ = ["along", "input_name", "input_layout"]


def along(value, ndim):
    """The axes of an ``ndim``-dimensional result along which an input of value
    ``value`` (broadcast against the result) varies."""
    shape = (1,) * (ndim - np.ndim(value)) + np.shape(value)
    return tuple(i for i, n in enumerate(shape) if n > 1)


def input_name(name, fields):
    """An input's column name: its own, or ``NAME_input`` where a field has that name
    (a cost parameter called ``value``, say)."""
    return f"{name}_input" if name in fields else name


def input_layout(inputs, shape, fields):
    """How a result of ``shape`` lays out its ``inputs``: ``(dims, varying, fixed)``.

    ``dims``: a name per axis, the input that alone varies along it (and along no
    other axis), else ``dim_<i>``; ``varying``: column name -> (axes it varies along,
    value); ``fixed``: column name -> the value of an input that does not vary.
    """
    ndim = len(shape)
    axes = {k: along(v, ndim) for k, v in inputs.items()}
    dims = []
    for i in range(ndim):
        alone = [k for k, a in axes.items() if a == (i,)]
        dims.append(input_name(alone[0], fields) if len(alone) == 1 else f"dim_{i}")
    varying, fixed = {}, {}
    for k, v in inputs.items():
        name = input_name(k, fields)
        if axes[k]:
            varying[name] = (axes[k], v)
        else:
            fixed[name] = float(np.asarray(v).reshape(-1)[0])
    return dims, varying, fixed
