"""The results of the sensitivity analyses, with CSV and JSON export."""

from ..result import Result
from ..sweeps import dump_csv, dump_json


class _Exportable:
    """CSV/JSON export shared by the sensitivity results."""

    __slots__ = ()

    def to_json(self, path):
        """Write every field as JSON (NaN as null), atomically; returns the path."""
        return dump_json(path, {"result": type(self).__name__, **{f: getattr(self, f)
                                                                  for f in self._fields}})

    def to_csv(self, path):
        """Write the table (one row per parameter, or per N) as CSV, atomically."""
        header, rows = self.table()
        return dump_csv(path, header, rows)


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
