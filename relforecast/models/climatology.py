"""Recent-window climatology: every future month drawn from the scores of the last months.

A series that keeps returning to a slowly moving mean — a machine-coded event index whose
month-to-month correlation is weak — is forecast a year ahead about as well by its recent
distribution as by any model of its changes, and a model of changes grows its spread with the
horizon where such a series does not. ``Climatology(window=60)`` forecasts the months ahead
as a stretch of the last ``window`` observed scores: each path starts at a month of the window
drawn at random and follows the months after it, wrapping round from the window's last month to
its first (on the transformed scale, so the paths stay inside the bounds). Every month ahead is
thus distributed as the window is — its quantiles at every horizon are the empirical quantiles
of the window — while a path moves the way the series moved from month to month, so that the
chance of a path dipping below a threshold within the year is that of a real stretch of the
series, not that of twelve independent draws. Nothing is estimated. Shocks are not modelled
(their effects are part of the window); scenarios add their effects to the paths — the effects
a scenario gives or, inside a pool, those estimated by another member
(:meth:`ClimatologyResult.with_effects`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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

__all__ = ["Climatology", "ClimatologyResult"]


@dataclass(frozen=True)
class Climatology:
    """Stretches of the last ``window`` monthly scores, from a random month of the window.

    Parameters
    ----------
    window : int, default 60
        Months of history resampled (at least 24).
    scale : Scale or None, default TSINGHUA_SCALE
        Bounded scale (``None``, read as ``rf.UNBOUNDED_SCALE``: values resampled as they are).

    Examples
    --------
    >>> fit = rf.Climatology(window=60).fit(rf.datasets.demo())  # doctest: +SKIP
    >>> fit.forecast(12, n_paths=1000, rng=0).quantiles()  # doctest: +SKIP
    """

    window: int = 60
    scale: Scale | None = TSINGHUA_SCALE

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", as_scale(self.scale))  # None: no bounds
        window = check_whole(self.window, "window", "Climatology", minimum=24)
        object.__setattr__(self, "window", window)

    @property
    def name(self) -> str:
        """Short label."""
        return f"climatology({self.window})"

    def fit(self, series: pd.Series, shocks: ShockCalendar | None = None) -> ClimatologyResult:
        """Keep the last ``window`` transformed scores (fewer when the series is shorter)."""
        y = prepare_series(series, self.scale, what=self.name).iloc[-self.window :]
        refuse_constant(series, y, self.name)
        z = np.asarray(self.scale.to_unbounded(y), dtype=float)
        return ClimatologyResult(self, y, z, shocks or ShockCalendar())


@dataclass
class ClimatologyResult(SpecLabel, BorrowedEffects, PathSimulator):
    """A fitted :class:`Climatology`: the transformed scores of the window."""

    spec: Climatology
    series: pd.Series
    values: np.ndarray = field(repr=False)
    calendar: ShockCalendar = field(default_factory=ShockCalendar)
    borrowed_effects: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def params(self) -> pd.Series:
        """Months resampled, their mean and standard deviation (transformed scale)."""
        return pd.Series(
            {
                "n_months": float(len(self.values)),
                "mean": float(self.values.mean()),
                "sd": float(self.values.std(ddof=1)),
            }
        )

    @property
    def diagnostics(self) -> list[str]:
        """Nothing is estimated, so nothing can fail."""
        return []

    def _simulate_unbounded(
        self, index: pd.PeriodIndex, n: int, gen: np.random.Generator
    ) -> tuple[np.ndarray, None]:
        m = len(self.values)
        starts = gen.integers(0, m, size=(n, 1))
        return self.values[(starts + np.arange(len(index))[None, :]) % m], None
