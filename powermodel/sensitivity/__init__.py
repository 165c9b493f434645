r"""Which assumptions does the conclusion hinge on? Local, one-at-a-time and global sensitivity.

* :func:`local_sensitivity`: elasticities :math:`\partial \ln y / \partial \ln p`
  of x*, g* and the learned share with respect to every input at a point
  (symbolic comparative statics where available, central finite
  differences in log space otherwise).
* :func:`one_at_a_time` (alias :func:`tornado`): each input moved to its low
  and its high value with the others at their base values, ranked by swing.
* :func:`sobol`: first- and total-order Sobol' indices (the estimators of
  Saltelli 2010, as in :func:`scipy.stats.sobol_indices`) from scrambled
  Sobol' points (:mod:`scipy.stats.qmc`), with intervals from independent
  randomisations (Student's t across replicates); a percentile bootstrap for
  independent random draws.
* :func:`morris`: Morris elementary effects (:math:`\mu`, :math:`\mu^*`,
  :math:`\sigma`) on a trajectory design, with a bootstrap interval for
  :math:`\mu^*`.
* :func:`monte_carlo`: uncertainty propagation: quantile bands of x*(N), the
  probability that mesa-optimization occurs (x* > 0) and that the learned
  algorithm dominates (learned share > 1/2), as functions of N.

Inputs are described by distributions, ``name -> (kind, *numbers)``:
``("uniform", low, high)``, ``("loguniform", low, high)``, ``("normal", mu,
sd)``, ``("lognormal", mu, sigma)`` (of the logarithm), ``("triangular",
low, mode, high)`` and ``("fixed", value)``. Any solver input may vary:
``N``, ``P``, ``x_cap``, ``overlap``, ``runtime_penalty`` and every cost
parameter. A frozen :mod:`scipy.stats` distribution may stand for a tuple,
and ``distributions`` may be a SALib problem dict (``names``, ``bounds``,
``dists``). ``output`` is a numeric result field (``"x"`` by default),
``"log(field)"`` (as in the scenario files) or a function of the
:class:`~powermodel.result.Solution`. Every result converts with
``to_pandas()`` (alias ``to_df()``) and ``to_xarray()``; the global ones draw
themselves with ``plot(ax=None)``.

Every analysis solves its points in vectorised blocks (``BLOCK_POINTS`` at a
time, or ``chunks=`` points as Dask tasks on the active scheduler, a
``dask.distributed`` cluster included), so memory holds the design and the
outputs only; a request whose design and outputs exceed the memory budget
(:mod:`powermodel._memory`) is refused at once with its size.
Random analyses take a ``seed``; the same seed gives identical results (and
byte-identical files). With ``seed=None`` a fresh seed is drawn and stored in
the result, so any run can be repeated.

Examples
--------
>>> import numpy as np, powermodel as pm
>>> m = pm.Model("power", k=2.0)
>>> res = pm.sobol(m, {"N": ("loguniform", 10, 1000), "c": ("loguniform", 0.1, 10)},
...                output=lambda s: np.log(s.x), n=2**10, seed=0, P=1e12)
>>> round(res.first_order["N"], 2), round(res.first_order["c"], 2)   # log x* = log N - log 2c
(0.5, 0.5)
"""


from .distributions import (_check_support, _Dist, _parse_distributions, DISTRIBUTIONS,
                            parse_distribution)  # noqa: F401
from ._common import (_block_bytes, _check_output, _chunks, _global_setup, _level,
                      _NON_NUMERIC, _output_values, _require_finite, _rng_kw, _rngs, _run,
                      _seed, _solve, BLOCK_POINTS, NUMERIC_FIELDS)  # noqa: F401
from .results import (_Exportable, LocalSensitivity, MonteCarloResult, MorrisResult, OATResult,
                      SobolResult)  # noqa: F401
from .local import _symbolic_elasticities, _within, local_sensitivity  # noqa: F401
from .oat import one_at_a_time, tornado  # noqa: F401
from .sobol_indices import (_bootstrap_sobol, _saltelli, _sobol_block, _unit_sample,  # noqa: F401
                            REPLICATES, sobol)
from .morris_screening import (_morris_design, _morris_salib, _morris_values,  # noqa: F401
                               _points_block, _tasks, morris, MORRIS_TAIL)
from .montecarlo import _mc_block, monte_carlo  # noqa: F401

__all__ = ["local_sensitivity", "one_at_a_time", "tornado", "sobol", "morris", "monte_carlo",
           "SobolResult", "MorrisResult", "OATResult", "MonteCarloResult", "LocalSensitivity",
           "DISTRIBUTIONS"]
