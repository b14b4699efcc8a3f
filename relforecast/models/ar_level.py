"""AR(1) toward a level: a score that reverts to the mean of its recent years.

Every member of the original ``auto`` pool models monthly *changes*, so its spread grows with
the horizon; a series that keeps returning to a slowly moving mean (a machine-coded event
index, a relation that oscillates around a stable level) needs a member whose spread levels
off. ``ARLevel(window=120)`` fits, by least squares on the last ``window`` months of the
transformed score ``z``,

    z_t = c + phi z_{t-1} + e_t,    e_t ~ N(0, sigma^2),

(``sigma^2`` the residual variance with two degrees of freedom removed) and simulates from the
last value: the forecast mean ``mu + phi^h (z_T - mu)``, ``mu = c / (1 - phi)``, reverts to the
window's level and the variance ``sigma^2 (1 - phi^(2h)) / (1 - phi^2)`` levels off. The level
moves as the window does, so the member follows a slowly moving mean. An estimate of ``phi`` at
or above ``max_phi`` (a series with no level to return to in the window) is held at
``max_phi`` and the diagnostics say so. The closed form makes a fit and every replay cost
microseconds. Shocks are not modelled; scenarios add their effects to the paths (inside a pool,
the effects estimated by another member, :meth:`ARLevelResult.with_effects`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from relforecast._typing import as_number
from relforecast.exceptions import FitError, SpecError
from relforecast.models.base import (
    BorrowedEffects,
    PathSimulator,
    SpecLabel,
    check_whole,
    prepare_series,
    refuse_constant,
)
from relforecast.scale import TSINGHUA_SCALE, Scale, as_scale
from relforecast.shocks import ShockCalendar

__all__ = ["ARLevel", "ARLevelResult"]


@dataclass(frozen=True)
class ARLevel:
    """AR(1) with a constant on the last ``window`` months, fitted by least squares.

    Parameters
    ----------
    window : int, default 120
        Months of history the level and the persistence are estimated on (at least 24).
    max_phi : float, default 0.98
        Largest persistence used (``phi`` estimated higher is held here).
    scale : Scale or None, default TSINGHUA_SCALE
        Bounded scale of the scores (``None``, read as ``rf.UNBOUNDED_SCALE``: raw values).

    Examples
    --------
    >>> fit = rf.ARLevel(window=120).fit(rf.datasets.demo())  # doctest: +SKIP
    >>> fit.params["phi"], fit.params["level"]  # doctest: +SKIP
    """

    window: int = 120
    max_phi: float = 0.98
    scale: Scale | None = TSINGHUA_SCALE

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", as_scale(self.scale))  # None: no bounds
        window = check_whole(self.window, "window", "ARLevel", minimum=24)
        object.__setattr__(self, "window", window)
        cap = as_number(self.max_phi) if not isinstance(self.max_phi, str) else None
        if cap is None or not 0.0 < cap < 1.0:
            raise SpecError(f"ARLevel: max_phi={self.max_phi!r} must lie strictly in (0, 1)")

    @property
    def name(self) -> str:
        """Short label."""
        return f"AR(1)-level({self.window})"

    def fit(self, series: pd.Series, shocks: ShockCalendar | None = None) -> ARLevelResult:
        """Least-squares estimates of the constant, the persistence and the innovation sd."""
        y = prepare_series(series, self.scale, what=self.name).iloc[-self.window :]
        z = np.asarray(self.scale.to_unbounded(y), dtype=float)
        refuse_constant(
            series, y, self.name, pooled=False, why="an AR(1) has no variance to estimate"
        )
        if np.ptp(z[1:]) == 0:  # the months it explains are equal: a perfect fit, sigma 0
            raise FitError(
                f"{str(series.name)!r}: the {len(z) - 1} months {self.name} explains by their "
                f"previous month ({y.index[1]} to {y.index[-1]}) are all {y.iloc[-1]:g}, so the "
                "AR(1) fits them exactly and would forecast with no spread at all, a certainty "
                f"no data supports (only {y.index[0]}, {y.iloc[0]:g}, differs); use a span in "
                "which the series moves after its first month, or another model"
            )
        x = np.column_stack([np.ones(len(z) - 1), z[:-1]])
        (c, phi), *_ = np.linalg.lstsq(x, z[1:], rcond=None)
        resid = z[1:] - x @ np.array([c, phi])
        notes = []
        if phi >= self.max_phi or phi <= -self.max_phi:
            held = float(np.clip(phi, -self.max_phi, self.max_phi))
            notes.append(
                f"persistence {phi:.3f} estimated on {len(z)} months is held at {held:g}: "
                "the window shows no level to return to"
            )
            level = float(z.mean())
            phi = held
            resid = z[1:] - level - phi * (z[:-1] - level)
        else:
            level = float(c / (1.0 - phi))
        sigma = float(np.sqrt(resid @ resid / max(len(resid) - 2, 1)))
        return ARLevelResult(
            self, y, float(z[-1]), level, float(phi), sigma, shocks or ShockCalendar(), notes
        )


@dataclass
class ARLevelResult(SpecLabel, BorrowedEffects, PathSimulator):
    """A fitted :class:`ARLevel`: last transformed value, level, persistence and sd."""

    spec: ARLevel
    series: pd.Series
    z_last: float
    level: float
    phi: float
    sigma: float
    calendar: ShockCalendar = field(default_factory=ShockCalendar)
    diagnostics: list[str] = field(default_factory=list)
    borrowed_effects: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def params(self) -> pd.Series:
        """Level, persistence and innovation standard deviation (transformed scale)."""
        return pd.Series({"level": self.level, "phi": self.phi, "sigma": self.sigma})

    def update(self, series: pd.Series) -> ARLevelResult:
        """The same level, persistence and sd, simulated from the end of ``series``."""
        y = prepare_series(series, self.spec.scale, what=self.name)
        z_last = float(self.spec.scale.to_unbounded(float(y.iloc[-1])))
        return replace(self, series=y.iloc[-self.spec.window :], z_last=z_last)

    def mean_variance(self, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        """Forecast mean and variance of ``z`` at months ``1 … horizon`` (closed form)."""
        powers = self.phi ** np.arange(1, horizon + 1)
        mean = self.level + powers * (self.z_last - self.level)
        variance = self.sigma**2 * np.cumsum(self.phi ** (2 * np.arange(horizon)))
        return mean, variance

    def _simulate_unbounded(
        self, index: pd.PeriodIndex, n: int, gen: np.random.Generator
    ) -> tuple[np.ndarray, None]:
        shocks = gen.normal(0.0, self.sigma, size=(n, len(index)))
        z = np.empty_like(shocks)
        previous = np.full(n, self.z_last)
        for t in range(len(index)):
            previous = self.level + self.phi * (previous - self.level) + shocks[:, t]
            z[:, t] = previous
        return z, None
