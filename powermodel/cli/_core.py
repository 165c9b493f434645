"""The command registry and the argument types shared by the subcommands."""

import argparse
import math
import sys

from . import _argparse

#: name -> (add_arguments(parser), run(args) -> str or None, help)
COMMANDS = {}


def command(name, help):
    """Register a subcommand: decorate ``run(args)``; set ``run.arguments = f(parser)``."""
    def deco(run):
        COMMANDS[name] = (run, help)
        return run
    return deco


def is_terminal(stream):
    """Whether ``stream`` is a terminal: progress bars go there, never to a pipe or a file."""
    try:
        return stream is not None and bool(stream.isatty())
    except (AttributeError, ValueError):  # (no isatty, or a closed stream)
        return False


class _OutputLost(Exception):
    """stdout is closed or unusable: the result cannot be shown."""


class _Parser(_argparse.ArgumentParser):
    def error(self, message):
        raise _UsageError(self.hint(message))

    def _print_message(self, message, file=None):
        # argparse ignores a failed write: --help or --version to a full disk or a
        # closed stream would exit 0 with nothing shown
        if not message:
            return
        file = file or sys.stderr
        try:
            file.write(message)
            file.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError, AttributeError) as exc:  # a full disk, closed streams
            raise _OutputLost(f"cannot write to standard output: "
                              f"{getattr(exc, 'strerror', None) or exc}") from None


class _UsageError(Exception):
    pass


def _number(text):
    """A float from ASCII text; a number beyond the float range is refused, not rounded.

    ``1e999`` (which Python reads as ``inf``) and ``1e-400`` (read as ``0``) are
    refused, and so are non-ASCII digits (``١٠``, fullwidth ``１０``), as in
    cost expressions.
    """
    if not text.isascii():
        raise argparse.ArgumentTypeError(f"expected a number in ASCII digits, got {text!r}")
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    mantissa = text.strip().lower().lstrip("+-").partition("e")[0]
    if math.isinf(v) and not mantissa.startswith("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is beyond the float range (about 1.8e308)")
    if v == 0 and any(c in "123456789" for c in mantissa):
        raise argparse.ArgumentTypeError(f"{text!r} is too small for a float: it would be 0 "
                                         "(the smallest is about 5e-324)")
    return v


#: Seeds are integers in [0, MAX_SEED]: every seed powermodel prints (an unseeded analysis
#: prints its 128-bit seed) can be given back.
MAX_SEED = 2**128 - 1


def _whole(text):
    """A whole number in ASCII digits (``int`` alone would take ``٣`` for 3)."""
    try:
        if not text.isascii():
            raise ValueError(text)
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def _seed(text):
    """A seed: a non-negative integer (``12``, or ``1e3`` when exactly an integer)."""
    bad = argparse.ArgumentTypeError(
        f"expected a non-negative integer seed below 2**128, got {text!r}")
    if not text.isascii():
        raise bad
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
    from ..errors import InputError

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
