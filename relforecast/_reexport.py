"""A package that replaced a module of the same name keeps that module's names for one release."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["old_module_getattr"]


def old_module_getattr(package: str, module: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: names of ``module``, with a DeprecationWarning."""

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        target = importlib.import_module(module)
        try:
            value = getattr(target, name)
        except AttributeError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        warnings.warn(
            f"{package}.{name} moved to {module}.{name}; import it from there (the old path goes "
            "in the next release)",
            DeprecationWarning,
            stacklevel=2,
        )
        return value

    return __getattr__
