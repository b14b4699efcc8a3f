"""Naive baselines: random walks whose steps are Gaussian or resampled from history.

They answer "how good is doing nothing clever?": any model worth publishing must beat them
in a rolling-origin backtest. Paths start at the last observed score; as references they are
kept simple and are *clipped* at the scale's bounds (the models proper are bounded by
construction instead).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from relforecast._typing import RNGLike, as_generator
from relforecast.exceptions import FitError
from relforecast.forecast import Forecast
from relforecast.models.base import check_n_paths, future_index, prepare_series
from relforecast.scale import TSINGHUA_SCALE, Scale
from relforecast.shocks import ShockCalendar

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
    """

    steps: str = "gaussian"
    window: int = 120
    scale: Scale | None = TSINGHUA_SCALE

    def __post_init__(self) -> None:
        if self.steps not in ("gaussian", "bootstrap"):
            raise FitError(f"steps={self.steps!r} is not known; use 'gaussian' or 'bootstrap'")
        if self.window < 2:
            raise FitError(f"window={self.window!r} must be at least 2 months")

    @property
    def name(self) -> str:
        """Short label."""
        return "RW-gauss" if self.steps == "gaussian" else "RW-boot"

    def fit(self, series: pd.Series, shocks: ShockCalendar | None = None) -> RandomWalkResult:
        """Collect the last ``window`` monthly changes (shocks are ignored by a random walk)."""
        y = prepare_series(series, self.scale, what=self.name)
        changes = y.diff().dropna().to_numpy()[-self.window :]
        return RandomWalkResult(self, y, changes)


@dataclass
class RandomWalkResult:
    """A fitted random walk: the last value and the recent changes."""

    spec: RandomWalk
    series: pd.Series
    changes: np.ndarray

    @property
    def name(self) -> str:
        """Label of the model."""
        return self.spec.name

    @property
    def params(self) -> pd.Series:
        """``sigma`` of the steps (Gaussian) and the number of changes used."""
        return pd.Series({"sigma": float(self.changes.std(ddof=1)), "n_changes": len(self.changes)})

    def update(self, series: pd.Series) -> RandomWalkResult:
        """Refit on new data (a random walk has nothing to keep)."""
        return self.spec.fit(series)

    @property
    def diagnostics(self) -> list[str]:
        """Nothing to report for a random walk."""
        return []

    def forecast(
        self,
        horizon: int = 12,
        scenario: object | None = None,
        n_paths: int = 10_000,
        rng: RNGLike = None,
    ) -> Forecast:
        """Simulate random-walk paths from the last observed score."""
        n = check_n_paths(n_paths)
        gen = as_generator(rng)
        index = future_index(self.series.index[-1], horizon)
        if self.spec.steps == "gaussian":
            steps = gen.normal(0.0, self.params["sigma"], size=(n, len(index)))
        else:
            steps = gen.choice(self.changes, size=(n, len(index)), replace=True)
        paths = self.series.iloc[-1] + np.cumsum(steps, axis=1)
        scale = self.spec.scale
        if scale is not None:
            paths = np.clip(paths, scale.lower, scale.upper)
        return Forecast(paths, index, scale, history=self.series, model=self.name)
