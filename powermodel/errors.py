"""Exceptions raised by powermodel.

Every error caused by the caller's input is an :class:`InputError`, a
subclass of :class:`ValueError`, whose message names the parameter and the
offending value, for example ```N` must be positive, got -3``.
"""

__all__ = [
    "PowermodelError",
    "InputError",
    "ExpressionError",
    "ScenarioError",
    "UnsolvableError",
    "AccuracyWarning",
]


class PowermodelError(Exception):
    """Base class of every exception raised on purpose by powermodel."""


class InputError(PowermodelError, ValueError):
    """Invalid input: a parameter, a value, a cost or an option."""


class ExpressionError(InputError):
    """A cost expression that is malformed or not allowed (names the token)."""


class ScenarioError(InputError):
    """A scenario file that is malformed or names something unknown."""


class UnsolvableError(PowermodelError):
    """A symbolic question SymPy cannot answer in closed form.

    The numeric solver still answers: use :meth:`powermodel.Model.solve`.
    """


class AccuracyWarning(UserWarning):
    """A result that cannot be trusted to the documented relative accuracy."""
