"""The ``powermodel`` command line: parses, calls one library function, prints.

Exit codes: 0 success, 2 bad input (one line ``error: ...`` on stderr),
1 internal failure (one line, rerun with ``--debug`` for the traceback) or
output lost (stdout closed), 130 interrupted (Ctrl-C), 141 broken pipe (the
reader of stdout went away, e.g. ``| head``).

Subcommands register themselves in :data:`COMMANDS` through
:func:`command`; each gets the parsed arguments and returns the text to
print (or None).
"""

import argparse
import json
import math
import sys

from . import _argparse

__all__ = ["main", "command", "COMMANDS"]

#: name -> (add_arguments(parser), run(args) -> str or None, help)
COMMANDS = {}


def command(name, help):
    """Register a subcommand: decorate ``run(args)``; set ``run.arguments = f(parser)``."""
    def deco(run):
        COMMANDS[name] = (run, help)
        return run
    return deco


class _Parser(_argparse.ArgumentParser):
    def error(self, message):
        raise _UsageError(self.hint(message))


class _UsageError(Exception):
    pass


def _number(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    return v


#: Seeds are integers in [0, MAX_SEED].
MAX_SEED = 2**63 - 1


def _seed(text):
    """A seed: a non-negative integer (``12``, or ``1e3`` when exactly an integer)."""
    bad = argparse.ArgumentTypeError(
        f"expected a non-negative integer seed below 2**63, got {text!r}")
    try:
        v = int(text.strip())
    except ValueError:
        try:
            f = float(text)
        except ValueError:
            raise bad from None
        # a float seed is taken only when it is exactly the integer it names
        if not math.isfinite(f) or f != int(f) or abs(f) > 2**53:
            raise bad from None
        v = int(f)
    if not 0 <= v <= MAX_SEED:
        raise bad
    return v


def _param(text):
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), _number(value)


def params_dict(pairs):
    """``[("c", 1.0), ...]`` from repeated ``--param`` into a dict (duplicates rejected)."""
    from .errors import InputError

    out = {}
    for k, v in pairs or ():
        if k in out:
            raise InputError(f"parameter `{k}` given twice")
        out[k] = v
    return out


def add_cost_arguments(p):
    """``COST`` and ``--param NAME=VALUE`` (shared by solve and derive)."""
    p.add_argument("cost", help='family name ("power", ...) or an expression in x')
    p.add_argument("--param", action="append", type=_param, metavar="NAME=VALUE", default=[],
                   help="a cost parameter (repeatable)")


# ---------------------------------------------------------------------------
# solve
# ---------------------------------------------------------------------------

def _solve_args(p):
    add_cost_arguments(p)
    p.add_argument("--N", type=_number, required=True, help="number of instances (> 0)")
    p.add_argument("--P", type=_number, required=True, help="base optimization power, bits (>= 0)")
    p.add_argument("--x-cap", type=_number, default=None, help="compute cap on x (> 0)")
    p.add_argument("--overlap", type=_number, default=0.0, help="shared structure rho in [0, 1]")
    p.add_argument("--runtime-penalty", type=_number, default=0.0,
                   help="speed prior lambda in [0, 1)")
    p.add_argument("--certify", action="store_true",
                   help="prove the optimum by interval branch and bound (fields bound and gap)")
    p.add_argument("--certify-rtol", type=_number, default=1e-9,
                   help="relative gap to reach with --certify (default 1e-9)")
    p.add_argument("--json", action="store_true", help="one JSON object for scripts")


@command("solve", "solve the model for x* at one point")
def _solve(args):
    from .model import Model

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


def _load_plugins():
    # Subcommands defined next to the library functions they call.
    import importlib

    for mod in ("symbolic_cli", "analysis_cli", "figures_cli", "bench_cli", "extensions_cli"):
        try:
            importlib.import_module(f"powermodel.{mod}")
        except ModuleNotFoundError as exc:
            if exc.name != f"powermodel.{mod}":
                raise


def build_parser():
    _load_plugins()
    parser = _Parser(prog="powermodel", description=(
        "Solve, sweep and plot the mesa-optimization power-allocation model "
        "of 'Risks from Learned Optimization'."))
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"powermodel {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (run, help_) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks of internal errors")
        getattr(run, "arguments", lambda p: None)(sp)
        sp.set_defaults(_run=run)
    return parser


class _OutputLost(Exception):
    """stdout is closed or unusable: the result cannot be shown."""


def _emit(text):
    stream = sys.stdout
    if stream is None or getattr(stream, "closed", False):
        raise _OutputLost("standard output is closed")
    try:
        print(text, file=stream)
        stream.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:  # EBADF, ENOSPC, a closed file
        raise _OutputLost(f"cannot write to standard output: "
                          f"{getattr(exc, 'strerror', None) or exc}") from None


def _silence_stdout():
    """After a broken pipe: point stdout at devnull so the exit flush cannot fail again."""
    from ._io import silence_fd

    try:
        silence_fd(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _error(message):
    try:
        print(f"error: {message}".splitlines()[0], file=sys.stderr)
    except (OSError, ValueError, AttributeError):  # stderr closed too: the exit code says it
        pass


#: Exit code after a broken pipe (stdout closed by the reader, e.g. ``| head``): 128 + SIGPIPE.
EXIT_BROKEN_PIPE = 141
#: Exit code after Ctrl-C: 128 + SIGINT.
EXIT_INTERRUPTED = 130


def main(argv=None):
    """Entry point of the ``powermodel`` command; returns the exit code.

    Exit codes: 0 success, 2 bad input, 1 internal failure or output lost
    (stdout closed), 130 interrupted (Ctrl-C), 141 broken pipe.
    """
    from .errors import InputError, UnsolvableError

    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "_run", None):
            _error(f"no command given (commands: {', '.join(COMMANDS)}); "
                   "see powermodel --help")
            return 2
        import warnings

        with warnings.catch_warnings(record=True) as caught:
            out = args._run(args)
        for w in caught:  # one line each, not Python's two-line format
            print(f"warning: {w.message}".splitlines()[0], file=sys.stderr)
        if out:
            _emit(out)
        return 0
    except _UsageError as exc:
        _error(exc)
        return 2
    except (InputError, UnsolvableError) as exc:  # a question SymPy cannot answer: no bug
        _error(exc)
        return 2
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except _OutputLost as exc:
        _error(f"{exc}; nothing was shown")
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if debug:
            raise
        msg = f"{type(exc).__name__}: {exc}".splitlines()[0]
        _error(f"internal failure ({msg}); rerun with --debug for the traceback")
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
