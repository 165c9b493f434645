"""The results of the sensitivity analyses, with CSV and JSON export."""

import numpy as np

from ..result import Result
from ..sweeps import dump_csv, dump_json, optional_import


class _Exportable:
    """CSV/JSON/pandas/xarray export shared by the sensitivity results.

    ``_index``: the table columns that identify a row (the DataFrame's index
    and the Dataset's dimensions); the other fields, the scalar settings, go
    to ``attrs``.
    """

    __slots__ = ()
    _index = ("parameter",)

    def to_json(self, path):
        """Write every field as JSON (NaN as null), atomically; returns the path."""
        return dump_json(path, {"result": type(self).__name__, **{f: getattr(self, f)
                                                                  for f in self._fields}})

    def to_csv(self, path):
        """Write the table (one row per parameter, or per N) as CSV, atomically."""
        header, rows = self.table()
        return dump_csv(path, header, rows)

    def _attrs(self):
        """The scalar settings (seed, n, ...), for ``DataFrame.attrs`` / ``Dataset.attrs``."""
        return {f: getattr(self, f) for f in self._fields
                if isinstance(getattr(self, f), (int, float, str)) and f != "base_output"}

    def _columns(self):
        """Column name -> list of values: the columns of :meth:`table`."""
        header, rows = self.table()
        return {h: [r[j] for r in rows] for j, h in enumerate(header)}

    def to_pandas(self):
        """The table as a tidy :class:`pandas.DataFrame` (needs pandas).

        The columns of :meth:`to_csv`, indexed by the row's key (``parameter``,
        or ``N`` for a Monte Carlo result); the settings (seed, ...) are in
        ``DataFrame.attrs``.
        """
        pd = optional_import("pandas", "pandas")
        cols = self._columns()
        _check_copy(type(self).__name__, cols)
        df = pd.DataFrame(cols).set_index(list(self._index))
        df.attrs.update(self._attrs())
        return df

    def to_df(self):
        """Alias of :meth:`to_pandas` (the name SALib's results use)."""
        return self.to_pandas()

    def to_xarray(self):
        """The table as an :class:`xarray.Dataset` over the row keys (needs xarray)."""
        xr = optional_import("xarray", "xarray")
        cols = self._columns()
        _check_copy(type(self).__name__, cols)
        key = self._index[0]
        data = {k: ((key,), np.asarray(v)) for k, v in cols.items() if k != key}
        return xr.Dataset(data, coords={key: np.asarray(cols[key])}, attrs=self._attrs())


def _check_copy(what, cols):
    """A table copies every column: refused against the memory budget first."""
    from .. import _memory

    rows = len(next(iter(cols.values()), ()))
    _memory.check(f"the table of a {what} ({rows:,} rows)", rows * len(cols) * 64)


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------

class SobolResult(_Exportable, Result):
    """First- and total-order Sobol' indices with confidence intervals.

    Attributes
    ----------
    names : tuple of str
        The varied inputs, in the order given.
    first_order, total_order : dict
        Name -> index (float).
    first_order_interval, total_order_interval : dict
        Name -> ``(low, high)`` interval (see ``interval``).
    n : int
        Base sample size (the model was solved at ``n * (d + 2)`` points).
    seed : int
        The seed used.
    confidence_level : float
        Of the intervals.
    sampler : str
        ``"sobol"`` (scrambled Sobol' points) or ``"random"``.
    interval : str
        ``"replicates"`` (Student's t across independent replicates),
        ``"bootstrap"`` (percentile) or ``"none"``.
    replicates : int
        Independent replicates (1 unless ``interval == "replicates"``).
    """

    __slots__ = ("names", "first_order", "total_order", "first_order_interval",
                 "total_order_interval", "n", "seed", "confidence_level", "sampler", "interval",
                 "replicates")
    _fields = __slots__

    def table(self):
        """``(header, rows)``: one row per input."""
        header = ["parameter", "first_order", "first_order_low", "first_order_high",
                  "total_order", "total_order_low", "total_order_high"]
        rows = [[k, self.first_order[k], *self.first_order_interval[k], self.total_order[k],
                 *self.total_order_interval[k]] for k in self.names]
        return header, rows

    def plot(self, ax=None, **kw):
        """Grouped bars of the indices with their intervals
        (:func:`powermodel.plotting.sobol_bars`); returns the Axes."""
        from ..plotting import sobol_bars

        return sobol_bars(self, ax=ax, **kw)


class MorrisResult(_Exportable, Result):
    r"""Morris elementary effects.

    Attributes
    ----------
    names : tuple of str
    mu, mu_star, sigma : dict
        Name -> mean effect, mean absolute effect, standard deviation of the
        effects. Effects are ``(y(u + delta e_i) - y(u)) / delta`` in the unit
        (probability) coordinates of each input's distribution.
    mu_star_interval : dict
        Name -> ``(low, high)`` percentile bootstrap interval of mu*
        (resampling trajectories).
    trajectories : int
    levels : int
    seed : int
    """

    __slots__ = ("names", "mu", "mu_star", "sigma", "mu_star_interval", "trajectories",
                 "levels", "seed")
    _fields = __slots__

    def table(self):
        header = ["parameter", "mu", "mu_star", "mu_star_low", "mu_star_high", "sigma"]
        rows = [[k, self.mu[k], self.mu_star[k], *self.mu_star_interval[k], self.sigma[k]]
                for k in self.names]
        return header, rows

    def plot(self, ax=None, *, kind="bars", **kw):
        """Plot the effects; returns the Axes.

        ``kind="bars"``: mu* bars with intervals and sigma markers
        (:func:`powermodel.plotting.morris_bars`); ``kind="plane"``: each input
        in the mu*-sigma plane, mu* with its interval
        (:func:`powermodel.plotting.morris_plane`).
        """
        from .. import _validation as V
        from ..plotting import morris_bars, morris_plane

        V.choice("kind", kind, ("bars", "plane"))
        return (morris_bars if kind == "bars" else morris_plane)(self, ax=ax, **kw)


class OATResult(_Exportable, Result):
    """One-at-a-time (tornado) analysis.

    Attributes
    ----------
    names : tuple of str
        Inputs ranked by swing ``|high_output - low_output|``, largest first.
    base_output : float
        The output with every input at its base value.
    low_output, high_output : dict
        Name -> the output with that input at its low (high) value.
    low_value, high_value : dict
        Name -> the low (high) value used.
    """

    __slots__ = ("names", "base_output", "low_output", "high_output", "low_value",
                 "high_value")
    _fields = __slots__

    def table(self):
        header = ["parameter", "low_value", "high_value", "low_output", "high_output",
                  "base_output", "swing"]
        rows = [[k, self.low_value[k], self.high_value[k], self.low_output[k],
                 self.high_output[k], self.base_output,
                 abs(self.high_output[k] - self.low_output[k])] for k in self.names]
        return header, rows

    def plot(self, ax=None, **kw):
        """A tornado chart (:func:`powermodel.plotting.tornado`); returns the Axes."""
        from ..plotting import tornado

        return tornado(self, ax=ax, **kw)


class MonteCarloResult(_Exportable, Result):
    """Uncertainty propagated to x*(N).

    Attributes
    ----------
    N : ndarray
        The N axis.
    quantiles : tuple of float
    bands : ndarray, shape (len(quantiles), len(N))
        Quantiles of x* at each N.
    p_mesa : ndarray
        P(x* > 0) at each N: the probability that mesa-optimization occurs.
    p_dominant : ndarray
        P(learned_share > 1/2) at each N: the probability that x dominates.
    n : int
        Samples of the inputs.
    seed : int
    """

    __slots__ = ("N", "quantiles", "bands", "p_mesa", "p_dominant", "n", "seed")
    _fields = __slots__

    def table(self):
        header = ["N", *(f"x_q{q:g}" for q in self.quantiles), "p_mesa", "p_dominant"]
        rows = [[self.N[j], *self.bands[:, j], self.p_mesa[j], self.p_dominant[j]]
                for j in range(self.N.size)]
        return header, rows

    _index = ("N",)

    def _columns(self):
        names = ["N", *(f"x_q{q:g}" for q in self.quantiles), "p_mesa", "p_dominant"]
        return dict(zip(names, [self.N, *self.bands, self.p_mesa, self.p_dominant]))

    def to_xarray(self):
        """An :class:`xarray.Dataset` over ``N``: ``bands`` (dims ``quantile, N``),
        ``p_mesa`` and ``p_dominant`` (needs xarray)."""
        xr = optional_import("xarray", "xarray")
        _check_copy(type(self).__name__, self._columns())
        return xr.Dataset({"bands": (("quantile", "N"), np.array(self.bands)),
                           "p_mesa": (("N",), np.array(self.p_mesa)),
                           "p_dominant": (("N",), np.array(self.p_dominant))},
                          coords={"N": np.array(self.N), "quantile": list(self.quantiles)},
                          attrs=self._attrs())

    def plot(self, ax=None, *, kind="bands", **kw):
        """Plot against N; returns the Axes.

        ``kind="bands"``: the quantile bands of x*
        (:func:`powermodel.plotting.quantile_bands`); ``kind="probability"``:
        P(x* > 0) and P(share > 1/2) (:func:`powermodel.plotting.mesa_probability`).
        """
        from .. import _validation as V
        from ..plotting import mesa_probability, quantile_bands

        V.choice("kind", kind, ("bands", "probability"))
        draw = quantile_bands if kind == "bands" else mesa_probability
        return draw(self, ax=ax, **kw)


class LocalSensitivity(_Exportable, Result):
    r"""Elasticities :math:`\partial \ln y / \partial \ln p` at one point.

    Attributes
    ----------
    point : dict
        Every input at the point.
    elasticities : dict
        Output -> {input: elasticity}.
    method : dict
        Output -> ``"symbolic"`` or ``"finite-difference"``.
    """

    __slots__ = ("point", "elasticities", "method")
    _fields = __slots__

    def table(self):
        header = ["output", "parameter", "elasticity", "method"]
        rows = [[o, p, e, self.method[o]] for o, d in self.elasticities.items()
                for p, e in d.items()]
        return header, rows

    _index = ("output", "parameter")

    def to_xarray(self):
        """An :class:`xarray.Dataset`: ``elasticity`` (dims ``output, parameter``) and
        ``method`` (dim ``output``) (needs xarray)."""
        xr = optional_import("xarray", "xarray")
        outs = list(self.elasticities)
        params = list(dict.fromkeys(p for d in self.elasticities.values() for p in d))
        e = np.array([[self.elasticities[o].get(p, np.nan) for p in params] for o in outs],
                     dtype=float).reshape(len(outs), len(params))
        return xr.Dataset({"elasticity": (("output", "parameter"), e),
                           "method": (("output",), [self.method[o] for o in outs])},
                          coords={"output": outs, "parameter": params})
