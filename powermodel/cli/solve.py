"""``powermodel solve``: x* at one point, as a table or one JSON object."""

import json
import math

from ._core import _number, add_cost_arguments, command, params_dict

__all__ = []

def _solve_args(p):
    add_cost_arguments(p)
    p.add_argument("--N", type=_number, required=True, help="number of instances (> 0)")
    p.add_argument("--P", type=_number, required=True, help="base optimization power, bits (>= 0)")
    p.add_argument("--x-cap", type=_number, default=None, help="compute cap on x (> 0)")
    p.add_argument("--overlap", type=_number, default=0.0, help="shared structure rho in [0, 1]")
    p.add_argument("--runtime-penalty", type=_number, default=0.0,
                   help="speed prior lambda in [0, 1)")
    p.add_argument("--certify", action="store_true",
                   help="prove the optimum by interval branch and bound (fields bound, lower and gap)")
    p.add_argument("--certify-rtol", type=_number, default=1e-9,
                   help="relative gap to reach with --certify (default 1e-9)")
    p.add_argument("--json", action="store_true", help="one JSON object for scripts")


@command("solve", "solve the model for x* at one point")
def _solve(args):
    from ..model import Model

    s = Model(args.cost, **params_dict(args.param)).solve(
        N=args.N, P=args.P, x_cap=args.x_cap, overlap=args.overlap,
        runtime_penalty=args.runtime_penalty, certify=args.certify,
        certify_rtol=args.certify_rtol)
    if args.json:
        # Strict JSON: a non-finite number (x* = inf in the unbounded regime) is null;
        # the regime field says why.
        d = {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
             for k, v in s.to_dict().items()}
        return json.dumps(d, allow_nan=False)
    return "\n".join(f"{k:>18}  {v:.10g}" if isinstance(v, float) else f"{k:>18}  {v}"
                     for k, v in s.to_dict().items())


_solve.arguments = _solve_args
