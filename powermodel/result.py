"""Immutable result objects with a fixed set of documented fields.

:class:`Result` is the shared base: fields are set once at construction, any
later assignment raises :class:`AttributeError`, the repr lists every field
(arrays summarised), and :meth:`Result.to_dict` gives plain Python values.
"""

import threading
import types

import numpy as np

from ._inputs import input_layout as _input_layout

__all__ = ["Result", "Solution", "REGIMES"]

#: The regimes a solution can be in, in the order used for numeric codes.
REGIMES = ("none", "interior", "budget", "cap", "unbounded")


#: Arrays longer than this are shown by shape and type alone in a repr (constant time).
REPR_SUMMARY_LIMIT = 10**5


def optional_import(module, extra):
    """Import an optional dependency or raise an ImportError naming the extra to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"this needs {module}, which is not installed; install it with "
                          f"`pip install {module}` or `pip install powermodel[{extra}]`") from None


def _flat_frame(result, fields, columns=None):
    """A :class:`pandas.DataFrame` of ``fields`` broadcast together, one row per point
    (C order), sized against the memory budget first; ``columns`` (name -> array that
    broadcasts to the same shape) come first."""
    from . import _memory

    pd = optional_import("pandas", "pandas")
    columns = dict(columns or {})
    shape = np.broadcast_shapes(*(np.shape(getattr(result, f)) for f in fields),
                                *(np.shape(v) for v in columns.values()))
    n = int(np.prod(shape))
    _memory.check(f"to_pandas of {type(result).__name__} of {n:,} points",
                  n * (8 * (len(fields) + len(columns)) + 64 * 2))
    columns.update({f: getattr(result, f) for f in fields})
    return pd.DataFrame({k: np.broadcast_to(np.asarray(v), shape).reshape(-1)
                         for k, v in columns.items()})


def _xarray_dataset(fields, shape, dims, varying, fixed, what):
    """An :class:`xarray.Dataset`: ``fields`` (name -> value broadcast to ``shape``) over
    ``dims``, the ``varying`` inputs as coordinates, the ``fixed`` ones in ``attrs``;
    every array a copy, sized against the memory budget first."""
    from . import _memory

    xr = optional_import("xarray", "xarray")
    n = int(np.prod(shape))
    _memory.check(f"to_xarray of {what} of {n:,} points",
                  n * (8 * (len(fields) + len(varying)) + 64 * 2))
    ndim = len(shape)
    coords = {}
    for name, (axes, v) in varying.items():
        full = (1,) * (ndim - np.ndim(v)) + np.shape(v)
        keep = np.asarray(v).reshape(full)[tuple(slice(None) if i in axes else 0
                                                  for i in range(ndim))]
        coords[name] = ([dims[i] for i in axes], np.array(keep))
    data = {f: (dims, np.array(np.broadcast_to(np.asarray(v), shape))) for f, v in fields.items()}
    return xr.Dataset(data, coords=coords, attrs=fixed)


def _short(v):
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return _short(v[()])
        if v.size > REPR_SUMMARY_LIMIT:
            return f"array(shape={v.shape}, dtype={v.dtype})"
        if v.dtype.kind in "US":
            vals, counts = np.unique(v, return_counts=True)
            top = ", ".join(f"{a!s}: {b}" for a, b in zip(vals[:5], counts[:5]))
            return f"array(shape={v.shape}, {{{top}}})"
        if v.size <= 6:
            return np.array2string(v, precision=6, separator=", ")
        with np.errstate(all="ignore"):
            return (f"array(shape={v.shape}, min={np.nanmin(v):.6g}, "
                    f"max={np.nanmax(v):.6g})") if np.isfinite(v).any() or np.isinf(v).any() \
                else f"array(shape={v.shape}, all nan)"
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.10g}"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k!r}: {_short(x)}" for k, x in v.items()) + "}"
    if isinstance(v, str):
        return repr(v)
    return repr(v)


class Result:
    """Base of powermodel's result objects: fixed fields, immutable, readable."""

    __slots__ = ()
    _fields = ()

    def __init__(self, **values):
        missing = [f for f in self._fields if f not in values]
        extra = [k for k in values if k not in self._fields]
        if missing or extra:
            raise TypeError(f"{type(self).__name__} fields: missing {missing}, unexpected {extra}")
        for k in self._fields:
            v = values[k]
            if isinstance(v, np.ndarray):
                v.setflags(write=False)
            object.__setattr__(self, k, v)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable; field {name!r} cannot be set")

    def __delattr__(self, name):
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self):
        width = max(len(f) for f in self._fields)
        lines = [f"{type(self).__name__}("]
        lines += [f"  {f:>{width}} = {self._repr_field(f)}," for f in self._fields]
        return "\n".join(lines) + "\n)"

    def _repr_field(self, name):
        """The text of field ``name`` in the repr."""
        return _short(getattr(self, name))

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return all(_same(getattr(self, f), getattr(other, f)) for f in self._fields)

    __hash__ = None

    def _repr_html_(self):
        """A compact HTML table of the fields with their units (for notebooks)."""
        from ._html import result_table

        return result_table(self)

    def __reduce__(self):
        return (_rebuild, (type(self), {f: getattr(self, f) for f in self._fields}))

    def to_dict(self):
        """The fields as a dict of Python scalars, lists and dicts (JSON-ready)."""
        def conv(v):
            if isinstance(v, np.ndarray):
                return v.tolist()
            if isinstance(v, np.generic):
                return v.item()
            if isinstance(v, dict):
                return {k: conv(x) for k, x in v.items()}
            if isinstance(v, tuple):
                return [conv(x) for x in v]
            return v
        return {f: conv(getattr(self, f)) for f in self._fields}


def _same(a, b):
    """Equality that treats NaN as equal to NaN, through arrays, dicts and tuples."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return np.array_equal(a, b, equal_nan=a.dtype.kind == "f" and b.dtype.kind == "f")
    if isinstance(a, Result) or isinstance(b, Result):
        return a == b
    try:
        return bool(a == b) or (a != a and b != b)
    except (TypeError, ValueError):
        return False


def _rebuild(cls, values):
    return cls(**values)


class Solution(Result):
    """The optimum of the allocation model at one point or an array of points.

    Fields are scalars (``float``/``str``) for scalar input and arrays of the
    broadcast input shape otherwise. The inputs of the solve are kept beside
    the fields (:attr:`inputs`): they label the rows and axes of
    :meth:`to_pandas` and :meth:`to_xarray` and give :meth:`plot` its
    horizontal axis.

    Attributes
    ----------
    x : float or ndarray
        The optimal run-time optimization power x* (bits); ``inf`` in the
        unbounded regime.
    value : float or ndarray
        Per-instance optimization power at the optimum,
        ``g* = (P - f(x*)) (1 + rho (N - 1)) / N + (1 - lambda) x*``.
    regime : str or ndarray of str
        ``"none"`` (x* = 0), ``"interior"`` (f'(x*) = N), ``"budget"`` (f(x*) = P
        binds), ``"cap"`` (the compute cap binds) or ``"unbounded"``.
    base_per_instance : float or ndarray
        The base optimizer's contribution per instance,
        ``(P - f(x*)) (1 + rho (N - 1)) / N``.
    learned_share : float or ndarray
        ``(1 - lambda) x* / g*``: the learned algorithm's contribution
        ``(1 - lambda) x*`` as a share of per-instance power (``x* / g*`` in the
        paper's model, lambda = 0); x dominates when it exceeds 1/2. The same
        definition is used in every analysis, figure and the paper.
    budget_share : float or ndarray
        ``f(x*) / P``: the share of the base optimizer's power spent on
        building the learned algorithm.
    compute_multiplier : float or ndarray
        The counterfactual ``M = P' / P``: ``P' = f(0) + N_eff g*`` is the base
        power a system held at x = 0 needs to reach the same per-instance power
        g* (``N_eff = N / (1 + rho (N - 1))``). ``M = N g* / P`` only when
        f(0) = 0 and rho = 0. The price of forbidding mesa-optimization; with
        rho > 0 it stays bounded (``1 + 1 / (4 c rho^2 P)`` for f = c x^2).
    x_budget : float or ndarray
        ``sup{x >= 0 : f(x) <= P}``, the most the budget affords.
    novel_value : float or ndarray
        Power on an instance not seen in training: ``(1 - lambda) x* + rho (P - f(x*))``.
    novel_ratio : float or ndarray
        ``novel_value / value``.
    bound : float or ndarray
        With ``certify=True``: a rigorous upper bound on the true g* over the
        feasible set (interval branch and bound, :mod:`powermodel.certify`);
        NaN otherwise.
    lower : float or ndarray
        With ``certify=True``: a rigorous lower bound on the true g(x*) at the
        returned x*, from the interval evaluation of f there (``-inf`` where
        f(x*) <= P could not be proved); NaN otherwise.
    gap : float or ndarray
        ``bound - lower`` (>= 0) with ``certify=True``: the true g* and the
        true g(x*) both lie in ``[lower, bound]``; NaN otherwise.
    status : str or ndarray of str
        ``"ok"``, or why the point is invalid (with ``errors="nan"``), or
        ``"not certified: ..."`` where ``certify=True`` could not prove x*
        feasible or bring the gap within ``certify_rtol * |bound|``.

    Notes
    -----
    Only x*, ``x_budget`` and ``status`` are computed by the solve; the
    other fields, the regime included, are derived from them on first
    access (all at once, then kept), so ``solve(...).x`` costs little more than the formula
    of x*. Regimes are stored as one-byte codes (:attr:`regime_code`, indices
    into :data:`REGIMES`, -1 for ``"invalid"``); ``regime`` gives the names.
    None of this is visible otherwise: fields are read-only, and repr,
    equality, :meth:`to_dict` and pickling see every field. Equality and
    :meth:`to_dict` see the fields alone, not :attr:`inputs`; pickling keeps both.
    """

    __slots__ = ("_data", "_derive", "_lock", "_inputs")
    _fields = ("x", "value", "regime", "base_per_instance", "learned_share", "budget_share",
               "compute_multiplier", "x_budget", "novel_value", "novel_ratio", "bound", "lower",
               "gap", "status")
    #: Fields that default to NaN when not given (set only by a certifying solve).
    _optional = ("bound", "lower", "gap")

    def __init__(self, **values):
        for f in self._optional:
            if f not in values and "x" in values:
                values[f] = _nan_like(values["x"])
        missing = [f for f in self._fields if f not in values]
        extra = [k for k in values if k not in self._fields]
        if missing or extra:
            raise TypeError(f"{type(self).__name__} fields: missing {missing}, unexpected {extra}")
        self._store(values, None)

    @classmethod
    def _lazy(cls, stored, derive):
        """A Solution of the fields in ``stored``; ``derive()`` returns the others on demand.

        ``stored["regime"]`` may be an integer array of codes (see :attr:`regime_code`).
        """
        self = cls.__new__(cls)
        values = dict(stored)
        for f in cls._optional:
            if f not in values:
                values[f] = _nan_like(values["x"])
        self._store(values, derive)
        return self

    def _store(self, values, derive):
        data = {}
        for k, v in values.items():
            if isinstance(v, np.ndarray):
                v.setflags(write=False)
            data[k] = v
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_derive", derive)
        object.__setattr__(self, "_lock", None if derive is None else threading.Lock())
        object.__setattr__(self, "_inputs", _NO_INPUTS)

    def _with_inputs(self, inputs):
        """Record the solve's inputs (name -> float or read-only array); returns self.
        Called once, by the solver (or unpickling), before the Solution is handed out."""
        for v in inputs.values():
            if isinstance(v, np.ndarray):
                v.setflags(write=False)
        object.__setattr__(self, "_inputs", types.MappingProxyType(dict(inputs)))
        return self

    @property
    def inputs(self):
        """The inputs of the solve that made this Solution, as given: a read-only mapping
        name -> float or read-only array (``N``, ``P``, ``x_cap`` when given,
        ``overlap``, ``runtime_penalty`` and every cost parameter, the model's
        included), each in its own shape (they broadcast to the fields' shape).
        Empty for a Solution built by hand or computed from Dask arrays.

        >>> import powermodel as pm
        >>> s = pm.Model("power", c=1.0, k=2.0).solve(N=[10, 100], P=1e6)
        >>> s.inputs["N"], s.inputs["c"]
        (array([ 10., 100.]), 1.0)
        """
        return self._inputs

    def __reduce__(self):
        return (_rebuild_solution, ({f: getattr(self, f) for f in self._fields},
                                    dict(self._inputs)))

    def _raw(self, name):
        """The stored value of a field (the regime as codes), deriving it if needed."""
        data = self._data
        if name not in data and self._derive is not None:
            with self._lock:  # (threads reading one Solution, e.g. Dask's, derive it once)
                derive = self._derive
                if derive is not None:
                    for k, v in derive().items():
                        if isinstance(v, np.ndarray):
                            v.setflags(write=False)
                        data.setdefault(k, v)
                    object.__setattr__(self, "_derive", None)
        return data[name]

    def _get(self, name):
        v = self._raw(name)
        if name == "regime" and _is_code(v):
            v = regime_names(v)
            if isinstance(v, np.ndarray):
                v.setflags(write=False)
        return v

    def _shape(self):
        return np.shape(self._data["x"])

    def to_pandas(self):
        """A :class:`pandas.DataFrame` with a row per point (the points in C order; a
        scalar solution is one row): first a column per input that varies (see
        :attr:`inputs`; ``NAME_input`` where a field has the input's name), then a
        column per field. The inputs that do not vary are in ``DataFrame.attrs``.
        Needs pandas; sized against the memory budget (:mod:`powermodel._memory`)
        first.

        >>> import powermodel as pm, pytest
        >>> _ = pytest.importorskip("pandas")
        >>> df = pm.Model("power", c=1.0, k=2.0).solve(N=[10, 100], P=1e6).to_pandas()
        >>> df[["N", "x", "regime"]].values.tolist(), df.attrs["P"]
        ([[10.0, 5.0, 'interior'], [100.0, 50.0, 'interior']], 1000000.0)
        """
        shape = self._shape()
        _, varying, fixed = _input_layout(self._inputs, shape, self._fields)
        df = _flat_frame(self, self._fields, {k: v for k, (_, v) in varying.items()})
        df.attrs.update(fixed)
        return df

    def to_xarray(self):
        """An :class:`xarray.Dataset` with a variable per field over the solution's axes.

        An axis along which one input alone varies is named after it, with the
        input's values as its coordinate (``N``, say); other axes are
        ``dim_0``, ``dim_1``, ... Every input that varies is a coordinate, the
        others are in ``Dataset.attrs`` (see :attr:`inputs`; ``NAME_input`` where
        a field has the input's name). A scalar solution gives 0-d variables.
        Needs xarray; sized against the memory budget first.

        >>> import powermodel as pm, pytest
        >>> _ = pytest.importorskip("xarray")
        >>> ds = pm.Model("power", c=1.0, k=2.0).solve(N=[10, 100], P=1e6).to_xarray()
        >>> ds["x"].sel(N=100.0).item(), ds.attrs["P"]
        (50.0, 1000000.0)
        """
        shape = self._shape()
        dims, varying, fixed = _input_layout(self._inputs, shape, self._fields)
        return _xarray_dataset({f: getattr(self, f) for f in self._fields}, shape, dims,
                               varying, fixed, "Solution")

    def plot(self, ax=None, *, field="x", against=None, **kw):
        """Draw ``field`` (default x*) against the input that varies; returns the Axes.

        ``against`` names the input when more than one varies. One line per
        combination of the other inputs that vary along other axes (a grid);
        see :func:`powermodel.plotting.field_vs_input`, which draws it (keywords go
        to ``Axes.plot``). A scalar solution, or one built by hand (no
        :attr:`inputs`), is refused with an :class:`~powermodel.InputError`.

        >>> import powermodel as pm
        >>> from matplotlib.figure import Figure
        >>> s = pm.Model("power", c=1.0, k=2.0).solve(N=[1, 10, 100], P=1e6)
        >>> s.plot(ax=Figure().subplots()).lines[0].get_ydata().tolist()   # x* = N/2
        [0.5, 5.0, 50.0]
        """
        from .plotting.curves import field_vs_input

        return field_vs_input(self, against=against, field=field, ax=ax, **kw)

    def _repr_field(self, name):
        # Fields not derived yet are not derived for a repr of a large solution: their
        # shape and type are known without them (a repr of 1e7 points stays constant
        # time); nor are regime codes turned into names (a pass over every point).
        x = self._data.get("x")
        if not isinstance(x, np.ndarray) or x.size <= REPR_SUMMARY_LIMIT:
            return super()._repr_field(name)
        if name in self._data and not (name == "regime" and _is_code(self._data[name])):
            return _short(self._data[name])
        dtype = "<U9" if name == "regime" else "float64"
        return f"array(shape={x.shape}, dtype={dtype})"

    @property
    def success(self):
        """SciPy-style: whether ``status`` is ``"ok"`` (a bool, or a bool array for array
        input). False says to read :attr:`message`: an invalid point, a point not
        certified, an unresolved f(x*), a budget beyond the float range, or a
        callable's sampled (assumed) optimum.

        >>> import powermodel as pm
        >>> s = pm.solve("power", N=[10.0, -1.0], P=1e6, c=1.0, k=2.0, errors="nan")
        >>> s.success
        array([ True, False])
        """
        st = self._get("status")
        if isinstance(st, str):
            return st == "ok"
        return np.asarray(st) == "ok"

    @property
    def message(self):
        """SciPy-style: the ``status`` text ("ok", or what the point cannot vouch for)."""
        return self._get("status")

    @property
    def regime_code(self):
        """The regimes as ``int8`` codes: indices into :data:`REGIMES`, -1 for ``"invalid"``.

        >>> import powermodel as pm
        >>> pm.solve("power", N=[1.0, 1e4], P=1e6, c=1.0, k=2.0).regime_code
        array([1, 2], dtype=int8)
        """
        v = self._raw("regime")
        return v if _is_code(v) else regime_codes(v)


_NO_INPUTS = types.MappingProxyType({})


def _rebuild_solution(values, inputs):
    return Solution(**values)._with_inputs(inputs)


def _nan_like(x):
    if isinstance(x, np.ndarray) or hasattr(x, "__dask_graph__"):
        return np.broadcast_to(np.float64(np.nan), x.shape) if isinstance(x, np.ndarray) else \
            _dask_full_nan(x)
    return float("nan")


def _dask_full_nan(x):
    import dask.array as da

    return da.full(x.shape, np.nan, chunks=x.chunks, dtype=float)


def _is_code(v):
    return getattr(getattr(v, "dtype", None), "kind", None) == "i"


#: Regime names by code, the code -1 ("invalid", a point refused with errors="nan") last.
_NAMES = np.array(REGIMES + ("invalid",))


def regime_names(code):
    """Regime names (``U9`` strings) from codes; works on NumPy and Dask arrays."""
    if hasattr(code, "__dask_graph__"):
        return code.map_blocks(regime_names, dtype=_NAMES.dtype)
    return np.take(_NAMES, np.asarray(code, dtype=np.intp))


def regime_codes(names):
    """``int8`` codes from regime names (-1 for ``"invalid"``)."""
    names = np.asarray(names)
    code = np.full(names.shape, -1, dtype=np.int8)
    for i, r in enumerate(REGIMES):
        code[names == r] = i
    return code


def _field(name):
    return property(lambda self: self._get(name), doc=f"The ``{name}`` field (see the class).")


for _f in Solution._fields:
    setattr(Solution, _f, _field(_f))
del _f


from ._namespace import public_dir as _public_dir  # noqa: E402

__dir__ = _public_dir(globals())
