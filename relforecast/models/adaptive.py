"""Pool weights learned from the series' own replayed forecasts (CRPS stacking).

A fixed-weight pool is as wide as its widest members on every series. Here each component's
weight follows how well it has forecast *this* series recently:

1. **Replay.** At each of the replay origins ``s`` — every ``step`` months over the last
   ``lookback`` months before the end ``T`` of the data — every fitted component is applied to
   the data up to ``s`` (``fit.update(series[:s])``: its parameters as estimated at ``T``,
   nothing re-estimated) and simulates ``n_paths`` paths of ``horizon`` months. Each replayed
   forecast is kept as ``m`` mid-quantiles per month. Nothing after ``T`` is used, so in a
   rolling backtest nothing after the origin enters. Between refits (``update``) the record
   grows by the new origins, with the same parameters.
2. **Score.** For every replayed month whose outcome is observed by ``T`` the CRPS of a
   mixture with weights ``w`` is, in the kernel form ``E|X - y| - E|X - X'| / 2``,

       CRPS(w) = sum_c w_c A_c - 1/2 sum_{c,d} w_c w_d B_cd,

   with ``A_c = E|X_c - y|`` and ``B_cd = E|X_c - X_d|`` computed from the quantiles: a
   quadratic in ``w``, convex on the simplex (``E|X - X'|`` is a negative-type kernel). The
   criterion averages it over the replay origins at each horizon, then over the horizons, so
   that every month ahead counts the same.
3. **Stack and shrink.** The weights minimising the criterion on the simplex (a small
   quadratic programme) are shrunk toward the prior weights:
   ``w = (1 - shrink) w* + shrink w_prior``. The replayed forecasts are pseudo-out-of-sample
   (parameters estimated on data up to ``T``), so some shrinkage protects against favouring
   the components that fit the recent past best in-sample.
4. **The path's lowest month** (``minimum > 0``). A crossing question asks about the lowest
   month of a path, not about one month; two components with the same monthly spread can
   disagree on it (a Gaussian random walk against a bootstrap of whole runs of past changes,
   with their still spells). The replays also keep mid-quantiles of each path's running
   minimum up to every horizon; the pooled running minimum is the mixture of the components'
   (each path comes from one component), so its CRPS against the replayed outcomes' running
   minimum has the same quadratic form, and the criterion adds it with weight ``minimum``.

A replayed month is left out of the criterion when any component's replay failed at its
origin (too little data, a filter that breaks); with no replayed month left, the prior weights
are used and the fit's diagnostics say so. The constants are chosen by leave-one-dyad-out
evaluation (docs/evaluation.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from relforecast._typing import as_number
from relforecast.exceptions import RelforecastError, SpecError

__all__ = [
    "Adaptation",
    "ReplayRecord",
    "criterion",
    "learned_weights",
    "stack_weights",
    "with_minima",
]


@dataclass(frozen=True)
class Adaptation:
    """How a pool learns its weights from replayed forecasts of the series.

    Parameters
    ----------
    lookback : int, default 24
        Months before the end of the data in which replay origins lie.
    step : int, default 3
        Months between replay origins.
    horizon : int, default 12
        Months ahead of each replayed forecast (the horizons scored).
    n_paths : int, default 200
        Paths per replayed forecast.
    quantiles : int, default 40
        Mid-quantiles kept per replayed month (the forecast's representation in the scores).
    shrink : float, default 0.25
        Weight of the prior weights in the final weights (0: stacking weights alone, 1: the
        prior alone).
    minimum : float, default 0.0
        Weight, in the criterion, of the replayed forecasts' score on the running minimum of
        the path (the lowest month up to each horizon) beside their score on each month.
    """

    lookback: int = 24
    step: int = 3
    horizon: int = 12
    n_paths: int = 200
    quantiles: int = 40
    shrink: float = 0.25
    minimum: float = 0.0

    def __post_init__(self) -> None:
        for name in ("lookback", "step", "horizon", "n_paths", "quantiles"):
            value = getattr(self, name)
            number = as_number(value) if not isinstance(value, str) else None
            if number is None or not np.isfinite(number) or number != int(number) or number < 1:
                raise SpecError(f"Adaptation {name}={value!r} must be a whole number >= 1")
        if self.step > self.lookback:
            raise SpecError(
                f"Adaptation step={self.step} is longer than lookback={self.lookback}: "
                "no replay origin; shorten the step or lengthen the lookback"
            )
        shrink = as_number(self.shrink) if not isinstance(self.shrink, str) else None
        if shrink is None or not 0.0 <= shrink <= 1.0:
            raise SpecError(f"Adaptation shrink={self.shrink!r} must lie in [0, 1]")
        minimum = as_number(self.minimum) if not isinstance(self.minimum, str) else None
        if minimum is None or not np.isfinite(minimum) or minimum < 0:
            raise SpecError(
                f"Adaptation minimum={self.minimum!r} must be a finite number >= 0 "
                "(0: the running minimum of the replayed paths is not scored)"
            )

    @property
    def levels(self) -> np.ndarray:
        """The mid-quantile levels ``(i + 1/2) / m`` kept per replayed month."""
        m = int(self.quantiles)
        return (np.arange(m) + 0.5) / m

    def origins(self, last: pd.Period) -> list[pd.Period]:
        """Replay origins for data ending at ``last``: the months in ``[last - lookback,
        last - 1]`` whose ordinal is a multiple of ``step`` (a fixed grid, so that a record
        grows by whole origins when the data grow)."""
        first = last - int(self.lookback)
        months = (first + k for k in range(int(self.lookback)))
        return [m for m in months if m.ordinal % self.step == 0]


def _mean_abs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``mean |a_i - b_j|`` over the last axis of both (broadcast over the leading axes).

    Computed from the two empirical distribution functions instead of all ``m * n`` pairs:
    ``E|X - Y| = integral of F(t) (1 - G(t)) + G(t) (1 - F(t)) dt``, which is piecewise
    constant between the points of the merged, sorted sample — ``O((m + n) log(m + n))`` per
    pair of samples. NaN in either sample gives NaN.
    """
    a, b = np.broadcast_arrays(a[..., :, None], b[..., None, :])
    a, b = a[..., 0], b[..., 0, :]
    m, n = a.shape[-1], b.shape[-1]
    values = np.concatenate([a, b], axis=-1)
    order = np.argsort(values, axis=-1, kind="stable")
    merged = np.take_along_axis(values, order, axis=-1)
    from_a = order < m
    cdf_a = np.cumsum(from_a, axis=-1)[..., :-1] / m
    cdf_b = np.cumsum(~from_a, axis=-1)[..., :-1] / n
    gaps = np.diff(merged, axis=-1)
    inside = cdf_a * (1.0 - cdf_b) + cdf_b * (1.0 - cdf_a)
    out = np.sum(gaps * inside, axis=-1)
    missing = np.isnan(a).any(axis=-1) | np.isnan(b).any(axis=-1)
    return np.where(missing, np.nan, out)


@dataclass
class ReplayRecord:
    """Replayed forecasts of every pool component, as mid-quantiles.

    Attributes
    ----------
    origins : list of pd.Period
        Replay origins (the last month each replayed forecast saw).
    quantiles : ndarray, shape (n_origins, n_components, m, horizon)
        Mid-quantiles of each replayed forecast, on the score scale; NaN where a component's
        replay failed.
    minima : ndarray of the same shape, or None
        Mid-quantiles of each replayed path's running minimum up to each horizon (kept when the
        adaptation scores it, see :attr:`Adaptation.minimum`).
    """

    origins: list[pd.Period] = field(default_factory=list)
    quantiles: np.ndarray = field(default_factory=lambda: np.empty((0, 0, 0, 0)))
    minima: np.ndarray | None = None

    def extend(
        self, origins: Sequence[pd.Period], quantiles: np.ndarray, minima: np.ndarray | None = None
    ) -> ReplayRecord:
        """A record with more origins appended (existing origins are kept as they are)."""
        if not len(origins):
            return self
        if not len(self.origins):
            return ReplayRecord(list(origins), quantiles, minima)
        q = np.concatenate([self.quantiles, quantiles])
        both = self.minima is not None and minima is not None
        low = np.concatenate([self.minima, minima]) if both else None
        return ReplayRecord([*self.origins, *origins], q, low)

    def holds_what(self, adapt: Adaptation) -> bool:
        """Whether the record holds every replayed term ``adapt``'s criterion scores (the
        running minima when :attr:`Adaptation.minimum` is above 0)."""
        return adapt.minimum <= 0 or self.minima is not None

    def keep_after(self, first: pd.Period) -> ReplayRecord:
        """Only the origins from ``first`` on."""
        keep = [i for i, o in enumerate(self.origins) if o >= first]
        low = None if self.minima is None else self.minima[keep]
        return ReplayRecord([self.origins[i] for i in keep], self.quantiles[keep], low)

    def _outcomes(self, series: pd.Series) -> np.ndarray:
        """The outcomes (n_origins, horizon) of every replayed month; NaN where unobserved."""
        n, _, _, horizon = self.quantiles.shape
        lookup = series.reindex(
            [o + h for o in self.origins for h in range(1, horizon + 1)]
        ).to_numpy(dtype=float)
        return lookup.reshape(n, horizon)

    def kernels(
        self, series: pd.Series, of_minima: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Scoring terms of every replayed month whose outcome is observed in ``series``.

        Parameters
        ----------
        series : pd.Series
            The data the outcomes are looked up in.
        of_minima : bool, default False
            Score the running minima (the lowest outcome from the first month ahead to each
            horizon, observed when every one of those months is) instead of the months.

        Returns
        -------
        A : ndarray, shape (n_origins, horizon, n_components)
            ``E|X_c - y|``; NaN where unobserved or the replay failed.
        B : ndarray, shape (n_origins, horizon, n_components, n_components)
            ``E|X_c - X_d|``.
        observed : ndarray of bool, shape (n_origins, horizon)
        """
        y = self._outcomes(series)
        if of_minima:
            if self.minima is None:
                raise RelforecastError(
                    "this replay record kept no running minima: fit with "
                    "Adaptation(minimum=...) above 0 to score them"
                )
            y = np.where(np.isnan(y).cumsum(axis=1) > 0, np.nan, np.fmin.accumulate(y, axis=1))
        observed = ~np.isnan(y)
        q = np.moveaxis(self.minima if of_minima else self.quantiles, 3, 1)  # (n, horizon, k, m)
        A = np.abs(q - y[:, :, None, None]).mean(axis=-1)
        B = _mean_abs(q[:, :, :, None, :], q[:, :, None, :, :])
        A[~observed] = np.nan
        return A, B, observed

    def criterion(
        self, series: pd.Series, minimum: float = 0.0
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """Averaged scoring terms ``(a, B)`` of the pool criterion and the number of scored
        replayed months (see :func:`criterion`); with ``minimum > 0`` the running minima's
        terms are added with that weight (:func:`with_minima`)."""
        terms = self.kernels(series)
        if minimum > 0:
            terms = with_minima(terms, self.kernels(series, of_minima=True), minimum)
        return criterion(*terms)


def with_minima(
    months: tuple[np.ndarray, np.ndarray, np.ndarray],
    minima: tuple[np.ndarray, np.ndarray, np.ndarray],
    weight: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The scoring terms of the months plus ``weight`` times those of the running minima,
    replayed month by replayed month (observed where both are)."""
    (A, B, observed), (A_low, B_low, observed_low) = months, minima
    return A + weight * A_low, B + weight * B_low, observed & observed_low


def criterion(
    A: np.ndarray, B: np.ndarray, observed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """Average the scoring terms of :meth:`ReplayRecord.kernels` into ``(a, B)``.

    Horizon by horizon, the terms are averaged over the origins where every component's
    replay succeeded and the outcome is observed; then over the horizons with at least one
    such origin. Also returns the number of replayed months scored (0: nothing to learn from).
    """
    usable = observed & ~np.isnan(A).any(axis=-1) & ~np.isnan(B).any(axis=(-2, -1))
    horizons = np.flatnonzero(usable.sum(axis=0))
    if not len(horizons):
        return np.empty(0), np.empty((0, 0)), 0
    a = np.mean([A[usable[:, h], h].mean(axis=0) for h in horizons], axis=0)
    b = np.mean([B[usable[:, h], h].mean(axis=0) for h in horizons], axis=0)
    return a, b, int(usable.sum())


def learned_weights(
    a: np.ndarray, b: np.ndarray, scored: int, prior: np.ndarray, shrink: float
) -> np.ndarray:
    """Stacking weights shrunk toward ``prior``; the prior when nothing was scored."""
    prior = np.asarray(prior, dtype=float)
    if scored == 0 or shrink >= 1.0:
        return prior
    w = (1.0 - shrink) * stack_weights(a, b) + shrink * prior
    return w / w.sum()


def stack_weights(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Weights on the simplex minimising ``a @ w - w @ b @ w / 2`` (the pooled CRPS).

    Parameters
    ----------
    a : ndarray, shape (k,)
        Mean ``E|X_c - y|`` of each component.
    b : ndarray, shape (k, k)
        Mean ``E|X_c - X_d|`` of each pair.

    Returns
    -------
    ndarray, shape (k,)
        Non-negative weights summing to 1.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    k = len(a)
    if k == 1:
        return np.ones(1)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise RelforecastError("stacking needs finite scores for every component")
    b = (b + b.T) / 2
    scale = max(float(np.abs(a).max()), 1e-12)

    def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
        value = (a @ w - 0.5 * w @ b @ w) / scale
        return value, (a - b @ w) / scale

    start = np.full(k, 1.0 / k)
    result = minimize(
        objective,
        start,
        jac=True,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * k,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones(k)}],
        options={"ftol": 1e-12, "maxiter": 200},
    )
    w = np.clip(result.x if result.success else start, 0.0, None)
    return w / w.sum()
