"""Import paths of modules that moved into packages, kept working for one release.

``relforecast 0.2`` groups the modules by domain (``events/``, ``evaluation/``, ``panel/``,
``cli/``, ``graphics/``). A script that still imports an old path — ``relforecast.backtest``,
``relforecast.joint``, ``relforecast.commands.record`` … — gets the new module under the old name
with a :class:`DeprecationWarning` naming the new path. The old paths go in the release after.

The finder answers only the names in :data:`MOVED`; every other import is left to Python. An old
module whose name is also a function of the public API (``relforecast.backtest``,
``relforecast.analogues``) stays callable, so importing the old path does not break
``rf.backtest(...)``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import Any

__all__ = ["MOVED", "install"]

MOVED: dict[str, str] = {
    "relforecast.analogues": "relforecast.events.analogues",
    "relforecast.backtest": "relforecast.evaluation.backtest",
    "relforecast.blas": "relforecast._blas",
    "relforecast.commands": "relforecast.cli",
    "relforecast.commands.events": "relforecast.cli.events",
    "relforecast.commands.options": "relforecast.cli.options",
    "relforecast.commands.panel_forecast": "relforecast.cli.panel_forecast",
    "relforecast.commands.panel_outlook": "relforecast.cli.panel_outlook",
    "relforecast.commands.record": "relforecast.cli.record",
    "relforecast.event_charts": "relforecast.events.charts",
    "relforecast.event_labels": "relforecast.events.labels",
    "relforecast.event_shares": "relforecast.events.shares",
    "relforecast.joint": "relforecast.panel.joint",
    "relforecast.jsontext": "relforecast._jsontext",
    "relforecast.movement": "relforecast.events.movement",
    "relforecast.parallel": "relforecast.panel.parallel",
    "relforecast.report.fonts": "relforecast.graphics.fonts",
    "relforecast.report.labels": "relforecast.graphics.labels",
    "relforecast.report.spread": "relforecast.models.spread",
    "relforecast.rowblock": "relforecast.evaluation.rowblock",
    "relforecast.store": "relforecast.evaluation.store",
    "relforecast.terms": "relforecast.events.terms",
    "relforecast.venues": "relforecast.events.venues",
}
"""Old module path -> new module path."""


class _OldPath(types.ModuleType):
    """The module under its old name: every attribute read from the new module."""

    def __init__(self, name: str, target: types.ModuleType) -> None:
        super().__init__(name, target.__doc__)
        self.__dict__["_target"] = target

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.__dict__["_target"], attr)

    def __dir__(self) -> list[str]:
        return dir(self.__dict__["_target"])

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # ``relforecast.backtest`` is both an old module and the public function
        short = self.__name__.rsplit(".", 1)[-1]
        return getattr(self.__dict__["_target"], short)(*args, **kwargs)


class _Loader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        new = MOVED[spec.name]
        warnings.warn(
            f"{spec.name} moved to {new}; import it from there (the old path goes in the next "
            "release)",
            DeprecationWarning,
            stacklevel=4,
        )
        module = _OldPath(spec.name, importlib.import_module(new))
        module.__path__ = []  # a package, so that old submodule paths resolve through MOVED
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the new module is already imported."""


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Loader())


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
