"""Spread calibration learnt from the model's own recent pseudo-out-of-sample errors.

Fitted models are often over-confident a year ahead: monthly score changes are positively
autocorrelated over many months (the variance of a 12-month change is 1.2-2.7 times twelve
monthly variances on the seven dyads of the shared data), which short-memory models do not
reproduce, and the next year brings shocks of its own. ``Calibrated(model)`` fits ``model``,
then replays it at ``n_origins`` earlier origins — every ``step`` months, the latest
``horizon`` months before the end of the data — by applying the fitted parameters to the data
up to each origin (``fit.update``: no re-estimation) and forecasting ``horizon`` months.

The spread of every forecast is then rescaled month by month on the transformed scale,

    z'_h = median(z_h) + c_h · (z_h − median(z_h)),     c_h = a + (b − a)(h − 1)/(H − 1),

so paths stay inside the bounds; ``a`` (first month) and ``b`` (month ``H``) are the factors
that minimise the mean CRPS of the replayed forecasts — as published, rounded to the scale's
resolution — against what followed. Months beyond ``H`` keep ``b``. Only data up to the end of
the fitting series is used: in a backtest nothing after the origin enters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scoringrules as sr

from relforecast._typing import RNGLike, as_number
from relforecast.exceptions import RelforecastError, SpecError
from relforecast.forecast import Forecast
from relforecast.models.base import FittedModel, Model, Wrapping, check_whole
from relforecast.models.recalibration import best_ramp, widen
from relforecast.scale import Scale, as_scale
from relforecast.shocks import ShockCalendar

if TYPE_CHECKING:
    from relforecast.scenarios import Scenario

__all__ = ["Calibrated", "CalibratedResult"]

_GRID = tuple(np.round(np.arange(0.5, 3.001, 0.05), 2))


@dataclass(frozen=True)
class Calibrated:
    """Wrap a model specification with spread factors learnt from replayed forecasts.

    Parameters
    ----------
    model : Model
        The specification whose forecasts are widened (or narrowed).
    horizon : int, default 12
        Horizon ``H`` of the replayed forecasts.
    n_origins : int, default 24
        Number of replay origins.
    step : int, default 3
        Months between replay origins.
    n_paths : int, default 400
        Paths per replayed forecast.
    grid : sequence of float
        Candidate factors for the first and the last month (default 0.5 … 3.0 by 0.05).

    Examples
    --------
    >>> spec = rf.Calibrated(rf.MarkovSwitching(window=240))  # doctest: +SKIP
    >>> fit = spec.fit(series)  # doctest: +SKIP
    >>> fit.factors  # doctest: +SKIP
    """

    model: Model
    horizon: int = 12
    n_origins: int = 24
    step: int = 3
    n_paths: int = 400
    grid: Sequence[float] = field(default=_GRID)

    def __post_init__(self) -> None:
        if not isinstance(self.model, Model):
            raise SpecError(
                "Calibrated needs a model specification (a name, a scale and fit), such as "
                f"rf.ARIMA(); got {self.model!r}"
            )
        for name in ("horizon", "n_origins", "step", "n_paths"):
            value = check_whole(getattr(self, name), name, "Calibrated", minimum=1)
            object.__setattr__(self, name, value)
        if self.horizon < 2:
            raise SpecError(f"horizon={self.horizon!r}: calibrate over at least 2 months")
        grid = [as_number(c) if not isinstance(c, str) else None for c in self.grid]
        if not grid or any(c is None or not 0 < c < np.inf for c in grid):
            raise SpecError(f"grid={self.grid!r} must be positive spread factors, e.g. 0.5 ... 3")

    @property
    def name(self) -> str:
        """Label: the wrapped model's name with ``+cal``."""
        return f"{self.model.name}+cal"

    @property
    def scale(self) -> Scale:
        """Scale of the wrapped model."""
        return as_scale(self.model.scale)

    def fit(self, series: pd.Series, shocks: ShockCalendar | None = None) -> CalibratedResult:
        """Fit the model, replay it at earlier origins and choose the spread factors."""
        fit = self.model.fit(series, shocks=shocks)
        factors, table, notes = self._learn(fit, fit.series)
        return CalibratedResult(self, fit, factors, table, notes)

    def _replays(self, fit: FittedModel, series: pd.Series, notes: list[str]) -> list[tuple]:
        """(median, centred paths, observed) of each replayed forecast, transformed scale."""
        scale = self.scale
        last = len(series) - 1 - self.horizon
        positions = [p for p in (last - self.step * j for j in range(self.n_origins)) if p >= 60]
        out = []
        for j, pos in enumerate(positions):
            try:
                past = fit.update(series.iloc[: pos + 1])
                fc = past.forecast(self.horizon, n_paths=self.n_paths, rng=j)
            except RelforecastError as exc:
                notes.append(f"replay at {series.index[pos]} skipped: {exc}")
                continue
            z = scale.to_unbounded(fc.paths)
            med = np.median(z, axis=0)
            obs = series.iloc[pos + 1 : pos + 1 + self.horizon].to_numpy()
            out.append((med, z - med, obs))
        return out

    def _crps_by_factor(self, replays: list[tuple]) -> np.ndarray:
        """Mean CRPS of the published replayed forecasts: horizon x grid factor."""
        scale = self.scale
        centre = np.stack([m for m, _, _ in replays])[:, :, None]  # (R, H, 1)
        centred = np.stack([d.T for _, d, _ in replays])  # (R, H, n)
        obs = np.stack([o for _, _, o in replays])  # (R, H)
        table = np.empty((self.horizon, len(self.grid)))
        for g, c in enumerate(self.grid):
            z = centre + c * centred
            ens = scale.round(scale.from_unbounded(z))
            table[:, g] = sr.crps_ensemble(obs, ens, m_axis=-1).mean(axis=0)
        return table

    def _learn(
        self, fit: FittedModel, series: pd.Series
    ) -> tuple[np.ndarray, pd.DataFrame, list[str]]:
        notes: list[str] = []
        replays = self._replays(fit, series, notes)
        if len(replays) < 4:
            notes.append(f"only {len(replays)} replayed forecasts: spread left as fitted")
            return np.ones(self.horizon), pd.DataFrame(), notes
        table = self._crps_by_factor(replays)
        grid = np.asarray(self.grid, dtype=float)
        ramp = np.arange(self.horizon) / (self.horizon - 1)
        a, b, best_score = best_ramp(table, grid)
        best = (a, b)
        factors = best[0] + (best[1] - best[0]) * ramp
        crps = pd.DataFrame(table, index=range(1, self.horizon + 1), columns=grid)
        crps.index.name = "h"
        at_one = sum(np.interp(1.0, grid, table[h]) for h in range(self.horizon))
        notes.append(
            f"spread factors {best[0]:.2f} (month 1) to {best[1]:.2f} (month {self.horizon}) "
            f"from {len(replays)} replayed forecasts (mean CRPS {best_score / self.horizon:.4f} "
            f"vs {at_one / self.horizon:.4f} unscaled)"
        )
        return factors, crps, notes


@dataclass
class CalibratedResult(Wrapping, FittedModel):
    """A fitted model with its learnt spread factors.

    Attributes
    ----------
    factors : ndarray
        Spread factor of each month ``1 … H`` (linear from month 1 to month ``H``).
    table : pd.DataFrame
        Mean CRPS of the replayed forecasts, months x candidate factors.
    """

    spec: Calibrated
    fit: FittedModel
    factors: np.ndarray
    table: pd.DataFrame = field(repr=False)
    notes: list[str] = field(default_factory=list)

    @property
    def wrapped(self) -> FittedModel:
        """The fit whose spread is calibrated."""
        return self.fit

    @property
    def name(self) -> str:
        """Wrapped name with the factors."""
        return f"{self.fit.name} ×{self.factors[0]:.2f}..{self.factors[-1]:.2f}"

    @property
    def params(self) -> pd.Series:
        """The wrapped parameters and the first and last spread factors."""
        own = pd.Series(
            {
                "spread_factor[1]": self.factors[0],
                f"spread_factor[{len(self.factors)}]": self.factors[-1],
            }
        )
        return pd.concat([own, self.fit.params])

    @property
    def diagnostics(self) -> list[str]:
        """The wrapped diagnostics and the calibration notes."""
        return [*self.fit.diagnostics, *self.notes]

    def update(self, series: pd.Series) -> CalibratedResult:
        """Apply the estimates (and the spread factors) to new data."""
        return CalibratedResult(
            self.spec, self.fit.update(series), self.factors, self.table, self.notes
        )

    def _widen(self, fc: Forecast) -> Forecast:
        return fc.with_paths(
            widen(fc.paths, self.factors, fc.scale),
            model=f"{fc.model} ×{self.factors[0]:.2f}..{self.factors[-1]:.2f}",
            meta={"spread_factors": [float(c) for c in self.factors]},
        )

    def forecast_scenarios(
        self,
        horizon: int,
        scenarios: Sequence[Scenario | None],
        n_paths: int = 10_000,
        rng: RNGLike = None,
    ) -> list[Forecast]:
        """Widened forecasts of several scenarios (common random numbers kept)."""
        return [
            self._widen(fc)
            for fc in self.fit.forecast_scenarios(horizon, scenarios, n_paths=n_paths, rng=rng)
        ]
