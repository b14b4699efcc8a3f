"""One backtest job as one value: :class:`BacktestSpec`.

A rolling-origin backtest is asked for by the data, the model(s), the origins and the horizon
(the arguments of :func:`relforecast.backtest`) and by a dozen settings, grouped here:

* **what is asked of each forecast** — ``every`` (months between origins of a span),
  ``thresholds`` (one ``cross_T`` column each), ``recover`` (one ``back_above_T`` column
  each), ``n_paths`` and ``rng`` (the seed every origin's stream is derived from);
* **how the models are fitted** — ``refit_every``, ``scale`` (of the models given by name),
  ``shocks``;
* **how the work runs** — ``execution`` (workers, engine, Dask scheduler:
  :class:`~relforecast.panel.parallel.Execution`), ``store`` (a Parquet folder a rerun
  resumes from) and ``progress``. None of these changes a row.

The spec is frozen and checked when made: a bad value fails at once, naming the value and
what to give instead, not at the first origin. ``rf.backtest(..., spec=spec)`` runs it; the
keyword form ``rf.backtest(..., n_paths=500)`` builds the same spec from its keywords
(:meth:`BacktestSpec.with_settings`), and ``relforecast backtest`` builds one from its
options.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from os import PathLike
from typing import Any

import numpy as np

from relforecast._typing import as_seed, distinct
from relforecast.exceptions import ForecastError, SpecError
from relforecast.forecast import check_threshold
from relforecast.models.base import check_n_paths
from relforecast.panel.parallel import Execution
from relforecast.scale import TSINGHUA_SCALE, Scale, parse_scale
from relforecast.shocks import ShockCalendar

__all__ = ["EXECUTION_KEYS", "REFIT_EVERY", "BacktestSpec"]

REFIT_EVERY = 1
"""The default refit schedule of every backtest (Python and command line): every origin."""

EXECUTION_KEYS = ("workers", "engine", "scheduler")
"""The settings of :class:`BacktestSpec` kept in its ``execution``."""


def _whole(value: Any, name: str, what: str) -> int:
    """``value`` as an int >= 1, else ForecastError naming it."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ForecastError(f"{name}={value!r} must be a whole number of {what} >= 1")
    return int(value)


def _numbers(values: Iterable[float], name: str) -> tuple[float, ...]:
    """Distinct finite numbers (checked against a model's scale when the backtest runs)."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise SpecError(f"{name}={values!r} must be a list of numbers, e.g. {name}=(-6, -3)")
    checked = [check_threshold(t) for t in values]
    return tuple(distinct(checked, "threshold", error=ForecastError))


def _shocks(value: Any) -> Any:
    calendars = value.values() if isinstance(value, Mapping) else [value]
    if value is not None and not all(isinstance(c, ShockCalendar) for c in calendars):
        raise SpecError(
            f"shocks={value!r} must be a ShockCalendar, a dict of them by dyad, or None; "
            "read a file with rf.ShockCalendar.from_yaml"
        )
    return dict(value) if isinstance(value, Mapping) else value


@dataclass(frozen=True)
class BacktestSpec:
    """The settings of a rolling-origin backtest (see the module docstring for the groups).

    Attributes
    ----------
    every : int, default 12
        Months between origins when the origins are a span (``"1995-06:2024-06"``).
    thresholds : tuple of float, default (-6, -3, 0, 3)
        One ``cross_T`` column each: P(min of the path over months 1…h < T).
    recover : tuple of float, default ()
        One ``back_above_T`` column each, after the ``cross_T`` columns: P(max of the path over
        months 1…h ≥ T). Not with ``store``.
    n_paths : int, default 2000
        Simulated paths per origin.
    rng : int, default 0
        The seed; each (dyad, model, origin) gets its own stream derived from it
        (:func:`relforecast.panel.streams.origin_stream`). Given a Generator, the spec keeps
        one draw from it; given ``None``, a seed drawn from fresh entropy.
    refit_every : int, default 1
        Re-estimate every this many origins; in between, apply the last estimates to the
        longer data (:mod:`relforecast.evaluation.backtest`).
    scale : Scale or None, default TSINGHUA_SCALE
        The scale the models given by name are built on (text as in
        :func:`relforecast.scale.parse_scale` is read; ``None``: no bounds).
    shocks : ShockCalendar, dict of them by dyad, or None
        Shocks the models are fitted with; at each origin only those starting by it are used.
    execution : Execution or mapping
        Workers, engine and Dask scheduler (:class:`~relforecast.panel.parallel.Execution`;
        a mapping such as ``{"workers": 2}`` is read as one).
    store : str, optional
        A Parquet folder the blocks are written to as they finish (a rerun resumes).
    progress : bool, default False
        Show a progress bar on stderr.
    """

    every: int = 12
    thresholds: tuple[float, ...] = (-6.0, -3.0, 0.0, 3.0)
    recover: tuple[float, ...] = ()
    n_paths: int = 2000
    rng: int = 0
    refit_every: int = REFIT_EVERY
    scale: Scale | None = TSINGHUA_SCALE
    shocks: ShockCalendar | dict[str, ShockCalendar] | None = None
    execution: Execution = field(default_factory=Execution)
    store: str | None = None
    progress: bool = False

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "every", _whole(self.every, "every", "months"))
        set_(self, "thresholds", _numbers(self.thresholds, "thresholds"))
        set_(self, "recover", _numbers(self.recover, "recover"))
        set_(self, "n_paths", check_n_paths(self.n_paths))
        set_(self, "rng", as_seed(self.rng))
        set_(self, "refit_every", _whole(self.refit_every, "refit_every", "origins"))
        if isinstance(self.scale, str):
            set_(self, "scale", parse_scale(self.scale))
        elif self.scale is not None and not isinstance(self.scale, Scale):
            raise SpecError(
                f"scale={self.scale!r} is not a scale; give rf.TSINGHUA_SCALE, None (no "
                "bounds) or a text such as '-10:10'"
            )
        set_(self, "shocks", _shocks(self.shocks))
        if isinstance(self.execution, Mapping):
            set_(self, "execution", Execution(**self.execution))
        elif not isinstance(self.execution, Execution):
            raise SpecError(
                f"execution={self.execution!r} must be an Execution or a mapping of its "
                "settings, e.g. execution={'workers': 2}"
            )
        if self.store is not None:
            if not isinstance(self.store, str | PathLike):
                raise SpecError(f"store={self.store!r} must be a folder path, or None")
            set_(self, "store", os.fspath(self.store))
        if not isinstance(self.progress, bool | np.bool_):
            raise SpecError(f"progress={self.progress!r} must be True or False")
        set_(self, "progress", bool(self.progress))
        if self.recover and self.store is not None:
            raise ForecastError("recover= columns are not kept in a backtest store; drop store=")

    def with_settings(self, **settings: Any) -> BacktestSpec:
        """This spec with some settings replaced, by the names of :func:`relforecast.backtest`'s
        keywords (``workers``, ``engine`` and ``scheduler`` go into ``execution``)."""
        known = {f.name for f in fields(self)} - {"execution"}
        unknown = sorted(set(settings) - known - set(EXECUTION_KEYS))
        if unknown:
            known |= set(EXECUTION_KEYS)
            raise SpecError(f"unknown backtest setting(s) {unknown}; known: {sorted(known)}")
        run = {k: settings.pop(k) for k in EXECUTION_KEYS if k in settings}
        if run:
            settings["execution"] = replace(self.execution, **run)
        return replace(self, **settings)

    @classmethod
    def from_keywords(cls, spec: BacktestSpec | None, **settings: Any) -> BacktestSpec:
        """The spec of a call: ``spec`` when given, else the one the keywords describe.

        With a spec, a keyword that says something else than the spec (and is not left at
        its default) is refused: the setting would otherwise be silently ignored.
        """
        if spec is None:
            return cls().with_settings(**settings)
        if not isinstance(spec, BacktestSpec):
            raise SpecError(
                f"spec={spec!r} must be a BacktestSpec, e.g. rf.BacktestSpec(n_paths=500)"
            )
        default = cls()
        for name, value in settings.items():
            if default.with_settings(**{name: value}) == default:
                continue  # left at its default
            if spec.with_settings(**{name: value}) != spec:
                raise SpecError(
                    f"{name}={value!r} disagrees with the spec given ({name} there: "
                    f"{_setting(spec, name)!r}); set it in one place: "
                    f"spec=spec.with_settings({name}=...), or the keyword without spec="
                )
        return spec


def _setting(spec: BacktestSpec, name: str) -> Any:
    return getattr(spec.execution if name in EXECUTION_KEYS else spec, name)

