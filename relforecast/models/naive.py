"""Naive baselines: random walks whose steps are Gaussian or resampled from history.

They answer "how good is doing nothing clever?": any model worth publishing must beat them
in a rolling-origin backtest. Paths start at the last observed score; as references they are
kept simple and are *clipped* at the scale's bounds (the models proper are bounded by
construction instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from relforecast._typing import RNGLike, as_generator
from relforecast.exceptions import SpecError
from relforecast.forecast import Forecast
from relforecast.models.base import (
    BorrowedEffects,
    FittedModel,
    SpecLabel,
    check_n_paths,
    check_paths_memory,
    check_scenarios,
    check_whole,
    future_index,
    prepare_series,
    refuse_constant,
    scenario_stream,
)
from relforecast.scale import TSINGHUA_SCALE, Scale, as_scale
from relforecast.shocks import ShockCalendar, as_calendar

if TYPE_CHECKING:
    from relforecast.scenarios import Scenario

__all__ = ["RandomWalk", "RandomWalkResult"]


@dataclass(frozen=True)
class RandomWalk:
    """Random-walk baseline.

    Parameters
    ----------
    steps : {"gaussian", "bootstrap"}, default "gaussian"
        Gaussian steps with the standard deviation of the last ``window`` monthly changes
        (zero mean), or steps resampled with replacement from those changes.
    window : int, default 120
        Number of most recent monthly changes used (120 for the Gaussian baseline, 240 for
        the bootstrap one in the evaluation protocol).
    scale : Scale or None, default TSINGHUA_SCALE
        Bounded scale: paths are clipped to its bounds (``None``, read as
        ``rf.UNBOUNDED_SCALE``: no bounds, no clipping).
    """

    steps: str = "gaussian"
    window: int = 120
    scale: Scale | None = TSINGHUA_SCALE

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", as_scale(self.scale))  # None: no bounds
        if self.steps not in ("gaussian", "bootstrap"):
            raise SpecError(f"steps={self.steps!r} is not known; use 'gaussian' or 'bootstrap'")
        object.__setattr__(self, "window", check_whole(self.window, "window", self.name, minimum=2))

    @property
    def name(self) -> str:
        """Short label."""
        return "RW-gauss" if self.steps == "gaussian" else "RW-boot"

    def fit(self, series: pd.Series, shocks: ShockCalendar | None = None) -> RandomWalkResult:
        """Collect the last ``window`` monthly changes.

        A random walk does not model shocks: the calendar is kept for scenarios (regressor
        values, borrowed effects) and its past shocks are left to the resampled history; the
        diagnostics say so.
        """
        y = prepare_series(series, self.scale, what=self.name)
        refuse_constant(series, y.iloc[-self.window - 1 :], self.name)
        changes = y.diff().dropna().to_numpy()[-self.window :]
        calendar = as_calendar(shocks)
        notes = []
        if len(calendar):
            notes.append(
                f"{len(calendar)} shock(s) in the calendar are not modelled by a random walk "
                "(their effects are part of the past changes); they serve scenarios only"
            )
        return RandomWalkResult(self, y, changes, calendar, notes)


@dataclass
class RandomWalkResult(SpecLabel, BorrowedEffects, FittedModel):
    """A fitted random walk: the last value and the recent changes.

    Scenarios shift the paths by their effects in score points: effects given in transformed
    units (estimated ones, borrowed with :meth:`with_effects`) are converted with the
    transform's slope at the last observed score, as judgmental effects are converted the other
    way (:class:`~relforecast.scenarios.Scenario`); the paths are then clipped to the bounds.
    """

    spec: RandomWalk
    series: pd.Series
    changes: np.ndarray
    calendar: ShockCalendar = field(default_factory=ShockCalendar)
    diagnostics: list[str] = field(default_factory=list)
    borrowed_effects: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def params(self) -> pd.Series:
        """``sigma`` of the steps (Gaussian) and the number of changes used."""
        return pd.Series({"sigma": float(self.changes.std(ddof=1)), "n_changes": len(self.changes)})

    def forecast_scenarios(
        self,
        horizon: int,
        scenarios: Sequence[Scenario | None],
        n_paths: int = 10_000,
        rng: RNGLike = None,
    ) -> list[Forecast]:
        """Random-walk paths from the last observed score, one forecast per scenario.

        The steps are drawn from ``rng`` itself and the scenarios' effect draws from a stream
        spawned from it, so every scenario shares the same steps (common random numbers).
        """
        todo = check_scenarios(scenarios)
        n = check_n_paths(n_paths)
        gen = as_generator(rng)
        index = future_index(self.series.index[-1], horizon)
        check_paths_memory(n, len(index), len(todo))
        effects_stream = gen.spawn(1)[0]  # spawning leaves gen's own draws unchanged
        if self.spec.steps == "gaussian":
            steps = gen.normal(0.0, self.params["sigma"], size=(n, len(index)))
        else:
            steps = gen.choice(self.changes, size=(n, len(index)), replace=True)
        base = self.series.iloc[-1] + np.cumsum(steps, axis=1)
        scale = self.spec.scale
        last = float(self.series.iloc[-1])
        slope = scale.slope(last)
        out = []
        for scenario in todo:
            paths, model = base, self.name
            if scenario is not None:
                effects = scenario.unbounded_effects(
                    self, index, n, scenario_stream(effects_stream)
                )
                paths = base + effects / slope
                model = f"{model} | {scenario.name}"
            paths = np.clip(paths, scale.lower, scale.upper)  # without bounds: unchanged
            meta = {"params": self.params.to_dict(), "shocks_sha256": self.calendar.fingerprint()}
            out.append(Forecast(paths, index, scale, history=self.series, model=model, meta=meta))
        return out
