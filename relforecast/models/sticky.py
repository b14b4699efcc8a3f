"""Published in whole steps: a score moves only when the latent change reaches one step.

The published scores are sticky: on calm dyads 80–95 % of months are unchanged, and a change,
when it comes, is at least one step of the scale's resolution (0.1). A model with continuous
innovations (ARIMA, regime switching) moves every path a little every month, so a month ahead
it spreads its probability over a narrow band *around* the last value where the published
score puts most of it *on* the last value.

``Sticky(model)`` keeps the model's paths as the latent score and publishes them the way the
group does: a path holds its last published value until the latent score has moved at least
``step`` away from it, then takes the latent value,

    p_0 = y_T,   p_h = x_h  if |x_h - p_{h-1}| >= step,   else p_{h-1}.

Small drifts accumulate in the latent path and are published when they add up to a step, so a
year ahead the published path stays within one step of the latent one; a month ahead it has a
point mass at "unchanged" of ``P(|x_1 - y_T| < step)``. The filter is applied after scenario
effects, path by path, so scenarios keep their common random numbers; paths stay inside the
scale (every published value is a latent value or the last observation).

Only a scale with a grid has a step to publish in. On a scale without one (``scale=None``, or a
continuous ``LO:HI`` score) and without an explicit ``step``, ``Sticky`` steps aside: the
wrapped model's paths are published as simulated, and the fit's diagnostics say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from relforecast._typing import RNGLike, as_number
from relforecast.exceptions import SpecError
from relforecast.forecast import Forecast
from relforecast.models.base import (
    BorrowsShockEffects,
    FittedModel,
    Model,
    Wrapping,
    check_scenarios,
)
from relforecast.scale import Scale, as_scale
from relforecast.shocks import ShockCalendar

if TYPE_CHECKING:
    from relforecast.scenarios import Scenario

__all__ = ["Sticky", "StickyResult", "hold_steps"]


def hold_steps(paths: np.ndarray, start: float, step: float) -> np.ndarray:
    """Published paths: each holds its last value until the latent path moves ``step`` away.

    Parameters
    ----------
    paths : ndarray, shape (n_paths, horizon)
        Latent paths.
    start : float
        The last published value (before month 1).
    step : float
        Smallest published move.

    Returns
    -------
    ndarray, shape (n_paths, horizon)
    """
    latent = np.asarray(paths, dtype=float)
    out = np.empty_like(latent)
    last = np.full(latent.shape[0], float(start))
    for h in range(latent.shape[1]):
        moved = np.abs(latent[:, h] - last) >= step
        last = np.where(moved, latent[:, h], last)
        out[:, h] = last
    return out


@dataclass(frozen=True)
class Sticky:
    """Wrap a model so that its paths are published in whole steps (see the module docstring).

    Parameters
    ----------
    model : model specification
        Any model (:class:`~relforecast.models.base.Model`); its fit honours the fitted-model
        contract, so the published fit does too.
    step : float, optional
        Smallest published move; default the step of the scale's grid (0.1 on the Tsinghua
        scale). Without either, the paths are published as simulated (see the module notes).

    Examples
    --------
    >>> fit = rf.Sticky(rf.ARIMA(order=(1, 1, 1))).fit(rf.datasets.demo())
    >>> fit.forecast(1, n_paths=1000, rng=0).prob_below(fit.series.iloc[-1])  # doctest: +SKIP
    """

    model: Model
    step: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.model, Model):
            raise SpecError(
                f"Sticky needs a model specification (a name, a scale and fit) such as "
                f"rf.ARIMA(), got {self.model!r}"
            )
        if self.step is not None:
            step = as_number(self.step) if not isinstance(self.step, str) else None
            if step is None or not (np.isfinite(step) and step > 0):
                raise SpecError(f"step={self.step!r} must be a positive number of score points")
            object.__setattr__(self, "step", step)

    @property
    def scale(self) -> Scale:
        """The wrapped model's scale."""
        return as_scale(self.model.scale)

    @property
    def name(self) -> str:
        """The wrapped model's name, marked as published in steps when there is a step."""
        if self.step is None and self.scale.step is None:
            return self.model.name
        return f"{self.model.name} in steps"

    def fit(self, series: pd.Series, shocks: ShockCalendar | None = None) -> StickyResult:
        """Fit the wrapped model."""
        return StickyResult(self, self.model.fit(series, shocks=shocks))


@dataclass
class StickyResult(Wrapping, FittedModel):
    """A fitted model whose forecasts are published in whole steps.

    ``inner`` is the wrapped fit: its forecasts are the latent paths.
    """

    spec: Sticky
    inner: FittedModel

    @property
    def wrapped(self) -> FittedModel:
        """The fit whose forecasts are published in steps."""
        return self.inner

    @property
    def step(self) -> float | None:
        """The smallest published move used; ``None``: no step, paths published as simulated."""
        if self.spec.step is not None:
            return float(self.spec.step)
        return self.inner.scale.step

    @property
    def name(self) -> str:
        """The wrapped fit's name, marked as published in steps when there is a step."""
        return self.inner.name if self.step is None else f"{self.inner.name} in steps"

    @property
    def params(self) -> pd.Series:
        """The wrapped fit's parameters and the step (when there is one)."""
        if self.step is None:
            return self.inner.params
        return pd.concat([self.inner.params, pd.Series({"step": self.step})])

    @property
    def diagnostics(self) -> list[str]:
        """The wrapped fit's diagnostics (and a note when there is no step to publish in)."""
        notes = list(self.inner.diagnostics)
        if self.step is None:
            notes.append(
                f"published as simulated: the {self.scale.name} scale has no grid to step in "
                "(give Sticky a step= to publish in steps)"
            )
        return notes

    def with_effects(self, table: pd.DataFrame | None) -> StickyResult:
        """The same, with borrowed shock effects when the wrapped fit takes them."""
        if isinstance(self.inner, BorrowsShockEffects):
            return replace(self, inner=self.inner.with_effects(table))
        return self

    def update(self, series: pd.Series) -> StickyResult:
        """The wrapped fit applied to new data."""
        return StickyResult(self.spec, self.inner.update(series))

    def forecast_scenarios(
        self,
        horizon: int,
        scenarios: Sequence[Scenario | None],
        n_paths: int = 10_000,
        rng: RNGLike = None,
    ) -> list[Forecast]:
        """The wrapped model's forecasts, published in steps from the last observation."""
        scenarios = check_scenarios(scenarios)
        step = self.step
        if step is None:  # no grid: the latent paths are the published ones
            return self.inner.forecast_scenarios(horizon, scenarios, n_paths=n_paths, rng=rng)
        start = float(self.series.iloc[-1])
        out = []
        for fc in self.inner.forecast_scenarios(horizon, scenarios, n_paths=n_paths, rng=rng):
            out.append(
                fc.with_paths(
                    hold_steps(fc.paths, start, step),
                    model=fc.model.replace(self.inner.name, self.name, 1),
                    meta={"step": step},
                )
            )
        return out
