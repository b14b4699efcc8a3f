"""Spread calibration learnt from the model's own recent pseudo-out-of-sample errors.

Fitted models are often over-confident a year ahead: their parameters describe the months
they were fitted on, and the next year brings shocks of its own. ``Calibrated(model)`` fits
``model`` on the data, then replays it at ``n_origins`` earlier origins — every ``step``
months, the latest ``horizon`` months before the end of the data — by applying the fitted
parameters to the data up to each origin (``fit.update``: no re-estimation) and forecasting
``horizon`` months. The spread factor ``c`` that minimises the mean CRPS of those replayed
forecasts against what followed (all of it inside the data) widens or narrows every forecast:

    z' = median_h(z) + c · (z − median_h(z))

on the transformed scale, month by month, so paths stay inside the bounds. Only data up to
the end of the fitting series is used: in a backtest nothing after the origin enters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scoringrules as sr

from relforecast._typing import RNGLike
from relforecast.exceptions import RelforecastError
from relforecast.forecast import Forecast
from relforecast.models.base import ScenarioForecaster
from relforecast.shocks import ShockCalendar

__all__ = ["Calibrated", "CalibratedResult"]

_GRID = tuple(np.round(np.arange(0.6, 3.01, 0.1), 2))


@dataclass(frozen=True)
class Calibrated:
    """Wrap a model specification with a learnt spread factor.

    Parameters
    ----------
    model : model specification
        Anything with ``fit``; its fitted result must have ``update`` and ``forecast``.
    horizon : int, default 12
        Horizon of the replayed forecasts.
    n_origins : int, default 24
        Number of replay origins.
    step : int, default 3
        Months between replay origins.
    n_paths : int, default 400
        Paths per replayed forecast.
    grid : sequence of float
        Candidate spread factors (default 0.6 … 3.0 by 0.1).
    """

    model: object
    horizon: int = 12
    n_origins: int = 24
    step: int = 3
    n_paths: int = 400
    grid: Sequence[float] = field(default=_GRID)

    @property
    def name(self) -> str:
        """Label: the wrapped model's name with ``+cal``."""
        return f"{getattr(self.model, 'name', 'model')}+cal"

    @property
    def scale(self):
        """Scale of the wrapped model."""
        return self.model.scale

    def fit(self, series: pd.Series, shocks: ShockCalendar | None = None) -> CalibratedResult:
        """Fit the model, replay it at earlier origins and choose the spread factor."""
        fit = self.model.fit(series, shocks=shocks)
        factor, table, notes = self._learn(fit, series)
        return CalibratedResult(self, fit, factor, table, notes)

    def _learn(self, fit, series: pd.Series) -> tuple[float, pd.DataFrame, list[str]]:
        scale = self.model.scale
        last = len(series) - 1 - self.horizon
        positions = [last - self.step * j for j in range(self.n_origins)]
        positions = [p for p in positions if p >= 60]
        if len(positions) < 4:
            return 1.0, pd.DataFrame(), ["too little history to calibrate the spread: factor 1"]
        obs, centred, centre = [], [], []
        notes: list[str] = []
        for j, pos in enumerate(positions):
            try:
                past = fit.update(series.iloc[: pos + 1])
                fc = past.forecast(self.horizon, n_paths=self.n_paths, rng=j)
            except RelforecastError as exc:
                notes.append(f"replay at {series.index[pos]} skipped: {exc}")
                continue
            z = scale.to_unbounded(fc.paths) if scale is not None else fc.paths
            med = np.median(z, axis=0)
            centred.append(z - med)
            centre.append(med)
            obs.append(series.iloc[pos + 1 : pos + 1 + self.horizon].to_numpy())
        if len(obs) < 4:
            return 1.0, pd.DataFrame(), [*notes, "too few replays: spread factor 1"]
        y = np.concatenate(obs)
        scores = []
        for c in self.grid:
            ens = [
                (scale.from_unbounded(m + c * d) if scale is not None else m + c * d).T
                for m, d in zip(centre, centred, strict=True)
            ]
            scores.append(float(np.mean(sr.crps_ensemble(y, np.vstack(ens)))))
        table = pd.DataFrame({"factor": self.grid, "crps": scores})
        best = float(table.loc[table["crps"].idxmin(), "factor"])
        notes.append(
            f"spread factor {best:.1f} from {len(obs)} replayed forecasts "
            f"(CRPS {table['crps'].min():.4f} vs {scores[self.grid.index(1.0)]:.4f} "
            "at 1.0)"
            if 1.0 in self.grid
            else f"spread factor {best:.1f}"
        )
        return best, table, notes


@dataclass
class CalibratedResult(ScenarioForecaster):
    """A fitted model with its learnt spread factor."""

    spec: Calibrated
    fit: object
    factor: float
    table: pd.DataFrame = field(repr=False)
    notes: list[str] = field(default_factory=list)

    @property
    def series(self) -> pd.Series:
        """Data of the wrapped fit."""
        return self.fit.series

    @property
    def calendar(self) -> ShockCalendar:
        """Calendar of the wrapped fit (or of its first component)."""
        inner = self.fit
        return getattr(inner, "calendar", None) or inner.fits[0].calendar

    @property
    def name(self) -> str:
        """Wrapped name with the factor."""
        return f"{self.fit.name}×{self.factor:.1f}"

    @property
    def params(self) -> pd.Series:
        """The wrapped parameters and ``spread_factor``."""
        return pd.concat([pd.Series({"spread_factor": self.factor}), self.fit.params])

    @property
    def diagnostics(self) -> list[str]:
        """The wrapped diagnostics and the calibration notes."""
        return [*self.fit.diagnostics, *self.notes]

    def shock_effects(self) -> pd.DataFrame:
        """Shock effects of the wrapped fit."""
        return self.fit.shock_effects()

    def update(self, series: pd.Series) -> CalibratedResult:
        """Apply the estimates (and the spread factor) to new data."""
        return CalibratedResult(
            self.spec, self.fit.update(series), self.factor, self.table, self.notes
        )

    def _widen(self, fc: Forecast) -> Forecast:
        scale = fc.scale
        z = scale.to_unbounded(fc.paths) if scale is not None else fc.paths
        med = np.median(z, axis=0)
        wide = med + self.factor * (z - med)
        paths = scale.from_unbounded(wide) if scale is not None else wide
        return Forecast(
            paths,
            fc.index,
            scale,
            history=fc.history,
            model=f"{fc.model} ×{self.factor:.1f}",
            regimes=fc.regimes,
            regime_names=fc.regime_names,
            meta={**fc.meta, "spread_factor": self.factor},
        )

    def forecast_scenarios(
        self, horizon: int, scenarios: Sequence, n_paths: int = 10_000, rng: RNGLike = None
    ) -> list[Forecast]:
        """Widened forecasts of several scenarios (common random numbers kept)."""
        return [
            self._widen(fc)
            for fc in self.fit.forecast_scenarios(horizon, scenarios, n_paths=n_paths, rng=rng)
        ]
