"""Make ``sampled_reference.json``: the paper's sampled numbers from runs at 16 times the
sample of ``powermodel reproduce`` (another seed), for ``tests/test_paper_values.py``.

Run from the repository root (about a minute on one core)::

    python tests/data/make_sampled_reference.py

It computes point estimates only (no intervals), with the same model, distributions,
output and N as the figures, and records those settings so that the test can tell
when the figures' defaults have moved away from them.
"""

import inspect
import json
import pathlib

import numpy as np

import powermodel as pm
from powermodel import figures as F
from powermodel.figures import sensitivities as S

FACTOR = 16
SEED = 1
HERE = pathlib.Path(__file__).resolve().parent


def _default(fn, name):
    return inspect.signature(fn).parameters[name].default


def main():
    dists = F.SENS_DISTRIBUTIONS
    n_sobol = FACTOR * _default(F.sobol, "n")
    n_morris = FACTOR * _default(F.morris, "trajectories")
    n_mc = FACTOR * _default(F.monte_carlo, "n")
    values = {}
    r = pm.sobol(F.SENS_MODEL, dists, output="learned_share", n=n_sobol, seed=SEED,
                 N=F.SENS_N, interval="none")
    for k in r.names:
        values[f"sobolFirst{S._key(k)}"] = float(r.first_order[k])
        values[f"sobolTotal{S._key(k)}"] = float(r.total_order[k])
    r = pm.morris(F.SENS_MODEL, dists, output="learned_share", trajectories=n_morris,
                  levels=_default(F.morris, "levels"), seed=SEED, N=F.SENS_N, n_resamples=0)
    for k in r.names:
        values[f"morrisMuStar{S._key(k)}"] = float(r.mu_star[k])
    Ns = np.array([1e2, 1e4, 1e7])
    paper = {k: v for k, v in dists.items() if k not in ("overlap", "runtime_penalty")}
    for key, d in (("Paper", paper), ("Shared", dists)):
        r = pm.monte_carlo(F.SENS_MODEL, d, N=Ns, n=n_mc, seed=SEED)
        for i, word in enumerate(("Hundred", "TenThousand", "TenMillion")):
            values[f"mcPMesa{key}At{word}"] = float(r.p_mesa[i])
            values[f"mcPDominant{key}At{word}"] = float(r.p_dominant[i])
    settings = {"factor": FACTOR, "seed": SEED, "sobol_n": n_sobol, "morris_trajectories": n_morris,
                "mc_n": n_mc, "N": F.SENS_N, "model": repr(F.SENS_MODEL),
                "distributions": {k: list(v) for k, v in dists.items()}}
    text = json.dumps({"settings": settings, "values": values}, indent=1, sort_keys=True) + "\n"
    (HERE / "sampled_reference.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
