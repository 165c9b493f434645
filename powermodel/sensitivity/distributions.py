"""The input distributions of the global analyses (``("uniform", low, high)``, ...)."""

import math

import numpy as np

from .. import _validation as V
from ..errors import InputError
from ..sweeps import check_inputs


#: Distribution kinds and the numbers each takes.
DISTRIBUTIONS = {
    "uniform": ("low", "high"),
    "loguniform": ("low", "high"),
    "normal": ("mu", "sd"),
    "lognormal": ("mu", "sigma"),
    "triangular": ("low", "mode", "high"),
    "fixed": ("value",),
}


class _Dist:
    """One input's distribution: kind, numbers, support and inverse CDF.

    ``kind == "scipy"``: any other continuous frozen :mod:`scipy.stats`
    distribution, held in ``frozen`` (its ``ppf`` and ``support`` serve).
    """

    __slots__ = ("name", "kind", "args", "frozen")

    def __init__(self, name, kind, args, frozen=None):
        self.name, self.kind, self.args, self.frozen = name, kind, args, frozen

    @property
    def support(self):
        a, kind = self.args, self.kind
        if kind == "scipy":
            lo, hi = self.frozen.support()
            return (float(lo), float(hi))
        if kind == "normal":
            return (-math.inf, math.inf)
        if kind == "lognormal":
            return (0.0, math.inf)
        return (a[0], a[-1])

    @property
    def bounded(self):
        lo, hi = self.support
        return math.isfinite(lo) and math.isfinite(hi)

    def ppf(self, u):
        """Values at probabilities ``u`` in [0, 1] (vectorised)."""
        u = np.asarray(u, dtype=float)
        a = self.args
        if self.kind == "uniform":
            return a[0] + u * (a[1] - a[0])
        if self.kind == "loguniform":
            return np.exp(math.log(a[0]) + u * (math.log(a[1]) - math.log(a[0])))
        if self.kind == "fixed":
            return np.full(u.shape, a[0])
        if self.kind == "scipy":
            return np.asarray(self.frozen.ppf(u), dtype=float)
        from scipy import special

        if self.kind == "normal":
            return a[0] + a[1] * special.ndtri(u)
        if self.kind == "lognormal":
            return np.exp(a[0] + a[1] * special.ndtri(u))
        # triangular: inverse CDF in closed form
        lo, mode, hi = a
        fc = (mode - lo) / (hi - lo)
        with np.errstate(invalid="ignore"):
            left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
            right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode))
        return np.where(u < fc, left, right)

    def __repr__(self):
        if self.kind == "scipy":
            return _scipy_repr(self.frozen)
        return f"({self.kind!r}, {', '.join(f'{v:g}' for v in self.args)})"


def parse_distribution(name, spec):
    """Check one ``(kind, *numbers)`` spec and return a distribution object.

    >>> parse_distribution("c", ("loguniform", 0.1, 10))
    ('loguniform', 0.1, 10)
    >>> parse_distribution("c", ("uniform", 2, 1))
    Traceback (most recent call last):
    ...
    powermodel.errors.InputError: distribution of `c`: ('uniform', low, high) needs low < high, got low=2, high=1

    A frozen :mod:`scipy.stats` distribution is accepted too: ``uniform``,
    ``loguniform``, ``norm``, ``lognorm`` (``loc=0``) and ``triang`` become the
    equivalent tuple (the same numbers for the same seed); any other
    continuous one is sampled through its own ``ppf``.

    >>> from scipy import stats
    >>> parse_distribution("N", stats.loguniform(10, 1000))
    ('loguniform', 10, 1000)
    """
    if hasattr(spec, "ppf") and hasattr(spec, "dist"):
        return _from_scipy(name, spec)
    if not isinstance(spec, (tuple, list)) or not spec or not isinstance(spec[0], str):
        raise InputError(f"distribution of `{name}` must be a tuple like ('uniform', low, high), "
                         f"got {spec!r}")
    kind = spec[0].strip().lower().replace("-", "").replace("_", "")
    kind = {"lognormal": "lognormal", "loguniform": "loguniform", "triang": "triangular",
            "constant": "fixed"}.get(kind, kind)
    if kind not in DISTRIBUTIONS:
        raise InputError(f"unknown distribution `{spec[0]}` for `{name}` "
                         f"(known: {', '.join(DISTRIBUTIONS)})")
    need = DISTRIBUTIONS[kind]
    sig = f"({kind!r}, {', '.join(need)})"
    if len(spec) - 1 != len(need):
        raise InputError(f"distribution of `{name}`: {sig} takes {len(need)} number"
                         f"{'s' if len(need) > 1 else ''}, got {len(spec) - 1}")
    args = tuple(V.real(f"{name}.{p}", v) for p, v in zip(need, spec[1:]))
    for p, a, v in zip(need, args, spec[1:]):  # (V.real takes arrays: a bound is a number)
        if np.ndim(a):
            raise InputError(f"`{name}.{p}` must be a number, got {V._short(v)}")
    raw = dict(zip(need, spec[1:]))

    def bad(cond, text):
        if cond:
            got = ", ".join(f"{k}={v!r}" for k, v in raw.items())
            raise InputError(f"distribution of `{name}`: {sig} needs {text}, got {got}")

    if kind == "uniform":
        bad(not args[0] < args[1], "low < high")
    elif kind == "loguniform":
        bad(not 0 < args[0] < args[1], "0 < low < high")
    elif kind == "normal":
        bad(not args[1] > 0, "sd > 0")
    elif kind == "lognormal":
        bad(not args[1] > 0, "sigma > 0")
    elif kind == "triangular":
        bad(not (args[0] <= args[1] <= args[2] and args[0] < args[2]),
            "low <= mode <= high and low < high")
    return _Dist(name, kind, args)


def _scipy_repr(frozen):
    args = [f"{v!r}" for v in frozen.args] + [f"{k}={v!r}" for k, v in frozen.kwds.items()]
    return f"scipy.stats.{frozen.dist.name}({', '.join(args)})"


def _from_scipy(name, frozen):
    """A frozen ``scipy.stats`` distribution as a tuple kind where one is equivalent."""
    from scipy import stats

    if not isinstance(getattr(frozen, "dist", None), stats.rv_continuous):
        raise InputError(f"distribution of `{name}` must be a continuous scipy.stats "
                         f"distribution, got {type(frozen).__name__}")
    try:
        shapes, loc, scale = frozen.dist._parse_args(*frozen.args, **frozen.kwds)
    except TypeError as exc:
        raise InputError(f"distribution of `{name}`: {_scipy_repr(frozen)}: {exc}") from None
    if not scale > 0:
        raise InputError(f"distribution of `{name}`: {_scipy_repr(frozen)} needs scale > 0, "
                         f"got scale={scale!r}")
    kind = frozen.dist.name
    if kind == "uniform":
        return parse_distribution(name, ("uniform", loc, loc + scale))
    if kind in ("loguniform", "reciprocal") and loc == 0:
        return parse_distribution(name, ("loguniform", shapes[0] * scale, shapes[1] * scale))
    if kind == "norm":
        return parse_distribution(name, ("normal", loc, scale))
    if kind == "lognorm" and loc == 0 and scale > 0:
        return parse_distribution(name, ("lognormal", math.log(scale), shapes[0]))
    if kind == "triang" and scale > 0:
        return parse_distribution(name, ("triangular", loc, loc + shapes[0] * scale,
                                         loc + scale))
    with np.errstate(all="ignore"):
        lo, hi = frozen.support()
    if np.isnan(lo) or np.isnan(hi) or not lo < hi:
        raise InputError(f"distribution of `{name}`: {_scipy_repr(frozen)} has invalid "
                         f"parameters (support {lo}, {hi})")
    return _Dist(name, "scipy", (), frozen)


#: SALib's ``dists`` -> ours; the bounds are the numbers, in SALib's order.
_SALIB_DISTS = {"unif": "uniform", "logunif": "loguniform", "norm": "normal",
                "lognorm": "lognormal"}


def _from_salib(problem):
    """A SALib problem dict (``num_vars``, ``names``, ``bounds``, ``dists``) -> name -> spec."""
    names, bounds = problem.get("names"), problem.get("bounds")
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise InputError(f"`distributions` (a SALib problem): `names` must be a list of input "
                         f"names, got {names!r}")
    if not isinstance(bounds, (list, tuple)) or len(bounds) != len(names):
        raise InputError(f"`distributions` (a SALib problem): `bounds` must give one entry per "
                         f"name ({len(names)}), got {bounds!r}")
    if "num_vars" in problem and problem["num_vars"] != len(names):
        raise InputError(f"`distributions` (a SALib problem): `num_vars` is "
                         f"{problem['num_vars']!r} but `names` has {len(names)}")
    if len(set(names)) != len(names):
        raise InputError(f"`distributions` (a SALib problem): `names` repeats a name: {names!r}")
    dists = problem.get("dists") or ["unif"] * len(names)
    if not isinstance(dists, (list, tuple)) or len(dists) != len(names):
        raise InputError(f"`distributions` (a SALib problem): `dists` must give one entry per "
                         f"name ({len(names)}), got {dists!r}")
    unknown = set(problem) - {"num_vars", "names", "bounds", "dists", "groups", "outputs"}
    if unknown or problem.get("groups"):
        key = sorted(unknown)[0] if unknown else "groups"
        raise InputError(f"`distributions` (a SALib problem): `{key}` is not supported")
    out = {}
    for n, b, kind in zip(names, bounds, dists):
        if not isinstance(b, (list, tuple)):
            raise InputError(f"`distributions` (a SALib problem): bounds of `{n}` must be a "
                             f"list of numbers, got {b!r}")
        if kind == "triang":
            if len(b) != 3:
                raise InputError(f"`distributions` (a SALib problem): triang bounds of `{n}` "
                                 f"must be [start, end, peak fraction], got {b!r}")
            lo, hi, c = (V.real(f"{n}.bounds", v) for v in b)
            if not 0 <= c <= 1:
                raise InputError(f"`distributions` (a SALib problem): the peak fraction of "
                                 f"`{n}` must be in [0, 1], got {b[2]!r}")
            out[n] = ("triangular", lo, lo + c * (hi - lo), hi)
        elif kind == "truncnorm":
            if len(b) != 4:
                raise InputError(f"`distributions` (a SALib problem): truncnorm bounds of "
                                 f"`{n}` must be [low, high, mean, sd], got {b!r}")
            lo, hi, mu, sd = (V.real(f"{n}.bounds", v) for v in b)
            if not (sd > 0 and lo < hi):
                raise InputError(f"`distributions` (a SALib problem): truncnorm of `{n}` needs "
                                 f"sd > 0 and low < high, got {b!r}")
            from scipy import stats

            out[n] = stats.truncnorm((lo - mu) / sd, (hi - mu) / sd, loc=mu, scale=sd)
        elif kind in _SALIB_DISTS:
            out[n] = (_SALIB_DISTS[kind], *b)
        else:
            raise InputError(f"`distributions` (a SALib problem): unknown dist {kind!r} of "
                             f"`{n}` (known: {', '.join([*_SALIB_DISTS, 'triang', 'truncnorm'])})")
    return out


def _salib_or_dict(distributions):
    """``distributions`` as name -> spec (a SALib problem dict converted)."""
    if isinstance(distributions, dict) and "names" in distributions and "bounds" in distributions:
        return _from_salib(distributions)
    return distributions


def _parse_distributions(model, distributions, fixed):
    """Split ``distributions`` into varied ones and fixed values; check supports."""
    from ..solver import _rules

    if not isinstance(distributions, dict):
        raise InputError(f"`distributions` must be a dict of name -> (kind, ...), "
                         f"got {distributions!r}")
    distributions = _salib_or_dict(distributions)
    check_inputs(model, distributions, fixed, "a distribution and a fixed value")
    rules = _rules(model.cost)
    varied, fixed_out = {}, {}
    for k, v in fixed.items():
        if k == "x_cap" and v is None:
            continue
        if np.ndim(v) != 0:
            raise InputError(f"fixed input `{k}` must be a scalar, got shape {np.shape(v)}")
        fixed_out[k] = V.real(k, v, **rules.get(k, {}))
    for k, spec in distributions.items():
        d = parse_distribution(k, spec)
        _check_support(d, rules.get(k, {}))
        if d.kind == "fixed":
            fixed_out[k] = d.args[0]
        else:
            varied[k] = d
    return varied, fixed_out


def _check_support(d, rule):
    lo, hi = d.support
    low, high = rule.get("low"), rule.get("high")
    open_lo = d.kind == "lognormal"  # support (0, inf)
    if d.kind == "scipy" and not d.bounded:
        open_lo = True  # as a lognormal: no mass at its end, sampled inside the tails
    if low is not None:
        ok = lo > low if rule.get("low_open") and not open_lo else lo >= low
        if not ok:
            what = ("positive" if rule.get("low_open") else "non-negative") if low == 0 else \
                f"{'>' if rule.get('low_open') else '>='} {low:g}"
            raise InputError(f"`{d.name}` must be {what}, but its distribution {d!r} reaches "
                             f"{lo:g}" + ("; use a lognormal or a bounded distribution"
                                          if d.kind == "normal" else ""))
    if high is not None:
        ok = hi < high if rule.get("high_open") else hi <= high
        if not ok:
            raise InputError(f"`{d.name}` must be {'<' if rule.get('high_open') else '<='} "
                             f"{high:g}, but its distribution {d!r} reaches {hi:g}")
