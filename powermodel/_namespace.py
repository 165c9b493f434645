"""``dir()`` of a public module without the modules and helpers it imports for itself.

A module that does ``import numpy as np`` or ``from . import _validation as V``
holds ``np`` and ``V`` as public-looking names, which ``dir()`` and tab
completion then offer (``pm.sweeps.np``). A module ends with

    from ._namespace import public_dir as _public_dir  # noqa: E402
    __dir__ = _public_dir(globals())

and ``dir(module)`` lists its names (PEP 562) except those. The names stay
attributes: this changes what is offered, not what works.
"""

import types

__all__ = ["public_dir", "stray_names"]


def stray_names(namespace):
    """The public names of a module's ``namespace`` that it imported for its own use.

    A public name (not starting with ``_``, not in ``__all__``) is stray when it
    is bound to a module other than the package's own submodule of that name
    (``np``, ``V``, ``math``), or to a function or class defined outside the
    module (or, for a package, outside its submodules): ``InputError`` imported
    by ``sweeps``. Constants and the module's own definitions are kept.

    >>> import numpy as np
    >>> from math import sqrt
    >>> def mine():
    ...     pass
    >>> sorted(stray_names({"__name__": __name__, "np": np, "sqrt": sqrt, "mine": mine,
    ...                     "LIMIT": 3}))
    ['np', 'sqrt']
    """
    name = namespace["__name__"]
    public = set(namespace.get("__all__", ()))
    out = []
    for k, v in namespace.items():
        if k.startswith("_") or k in public:
            continue
        if isinstance(v, types.ModuleType):
            if v.__name__ != f"{name}.{k}":
                out.append(k)
        elif isinstance(v, (type, types.FunctionType, types.BuiltinFunctionType)):
            home = getattr(v, "__module__", None) or ""
            if home != name and not home.startswith(name + "."):
                out.append(k)
    return out


def public_dir(namespace):
    """A module's ``__dir__``: the names of ``namespace`` without :func:`stray_names`."""
    def __dir__():
        stray = set(stray_names(namespace))
        return sorted(k for k in namespace if k not in stray)
    return __dir__
