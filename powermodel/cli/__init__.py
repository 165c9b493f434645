"""The ``powermodel`` command line: parses, calls one library function, prints.

Exit codes: 0 success, 2 bad input (one line ``error: ...`` on stderr),
1 internal failure (one line, rerun with ``--debug`` for the traceback) or
output lost (stdout closed), 130 interrupted (Ctrl-C), 143 terminated
(SIGTERM), 141 broken pipe (the reader of stdout went away, e.g. ``| head``).
After Ctrl-C or SIGTERM, files being written are removed (finished ones stay)
and worker processes are stopped.

Subcommands register themselves in :data:`COMMANDS` through
:func:`command`; each gets the parsed arguments and returns the text to
print (or None).
"""

import argparse
import sys

from ._core import (COMMANDS, MAX_SEED, _number, _OutputLost, _param, _Parser,  # noqa: F401
                    _seed, _UsageError, add_cost_arguments, command, params_dict)

__all__ = ["main", "command", "COMMANDS"]


def _load_plugins():
    # Subcommands defined next to the library functions they call.
    import importlib

    for mod in ("solve", "symbolic", "analysis", "figures", "extensions"):
        importlib.import_module(f"powermodel.cli.{mod}")


def build_parser():
    _load_plugins()
    parser = _Parser(prog="powermodel", description=(
        "Solve, sweep and plot the mesa-optimization power-allocation model "
        "of 'Risks from Learned Optimization'."))
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"powermodel {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (run, help_) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks of internal errors")
        getattr(run, "arguments", lambda p: None)(sp)
        sp.set_defaults(_run=run)
    return parser


def terminal_safe(text):
    r"""``text`` with control and format characters escaped (``\x1b``, ``\u202e``):
    a path or a name echoed to the terminal cannot move the cursor, recolour the
    screen or reverse the text. Newlines and tabs are kept.

    >>> terminal_safe("a\x1b[2Jb\u202ec\n")
    'a\\x1b[2Jb\\u202ec\n'
    """
    import re

    def esc(m):
        ch = m.group()
        return ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")

    return re.sub(r"[^\n\t\x20-\x7e]", esc, str(text))


def _write(stream, text):
    """Print ``text``; characters the stream's encoding lacks are written as escapes."""
    try:
        print(text, file=stream)
    except UnicodeEncodeError:  # PYTHONIOENCODING=ascii and a non-ASCII path
        enc = getattr(stream, "encoding", None) or "ascii"
        print(text.encode(enc, "backslashreplace").decode(enc), file=stream)


def _emit(text):
    stream = sys.stdout
    if stream is None or getattr(stream, "closed", False):
        raise _OutputLost("standard output is closed")
    try:
        _write(stream, terminal_safe(text))
        stream.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:  # EBADF, ENOSPC, a closed file
        raise _OutputLost(f"cannot write to standard output: "
                          f"{getattr(exc, 'strerror', None) or exc}") from None


def _silence_stdout():
    """After a broken pipe: point stdout at devnull so the exit flush cannot fail again."""
    from .._io import silence_fd

    try:
        silence_fd(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _error(message, prefix="error"):
    try:
        _write(sys.stderr, terminal_safe(f"{prefix}: {message}".splitlines()[0]))
    except (OSError, ValueError, AttributeError):  # stderr closed too: the exit code says it
        pass


#: The commands that draw (and so read MPLBACKEND): only these import matplotlib.
DRAWING = ("reproduce",)


def _check_environment(command=None):
    """The environment variables powermodel reads, checked by name before any work
    (MPLBACKEND only for a command that draws: the others never load matplotlib)."""
    import os

    from .. import _memory
    from ..errors import InputError

    if os.environ.get(_memory.ENV):
        _memory.budget()
    backend = os.environ.get("MPLBACKEND")
    if backend and command in DRAWING:
        try:
            import matplotlib  # noqa: F401  (reads MPLBACKEND on import)
        except ValueError:
            raise InputError(f"`MPLBACKEND` is not a matplotlib backend: {backend!r} "
                             "(unset it, or set it to agg)") from None


#: Exit code after a broken pipe (stdout closed by the reader, e.g. ``| head``): 128 + SIGPIPE.
EXIT_BROKEN_PIPE = 141
#: Exit code after Ctrl-C: 128 + SIGINT.
EXIT_INTERRUPTED = 130
#: Exit code after SIGTERM: 128 + SIGTERM.
EXIT_TERMINATED = 143


def main(argv=None):
    """Entry point of the ``powermodel`` command; returns the exit code.

    Exit codes: 0 success, 2 bad input, 1 internal failure or output lost
    (stdout closed), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM),
    141 broken pipe.
    """
    from ..errors import InputError, UnsolvableError

    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "_run", None):
            _error(f"no command given (commands: {', '.join(COMMANDS)}); "
                   "see powermodel --help")
            return 2
        _check_environment(args.command)
        import warnings

        from .._workers import terminate_raises

        with terminate_raises(), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")  # (printed below, whatever the caller's filters)
            out = args._run(args)
        for w in caught:  # one line each, not Python's two-line format
            _error(w.message, "warning")
        if out:
            _emit(out)
        return 0
    except _UsageError as exc:
        _error(exc)
        return 2
    except (InputError, UnsolvableError) as exc:  # a question SymPy cannot answer: no bug
        _error(exc)
        return 2
    except KeyboardInterrupt as exc:
        from .._workers import Terminated

        if isinstance(exc, Terminated):
            _error("terminated")
            return EXIT_TERMINATED
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


from .._namespace import public_dir as _public_dir  # noqa: E402

__dir__ = _public_dir(globals())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
