"""Spread recalibration of a pool from its own replayed forecasts: the width follows the world.

A pool's replayed forecasts (:mod:`relforecast.models.adaptive`) say not only which members
forecast the series well lately but also whether the pooled forecast was too narrow or too wide
for what followed. When the world turns more turbulent than the estimation window — the recent
years of the Tsinghua series — intervals built from twenty years of changes are too narrow; on a
calm spell they are too wide. ``Recalibration`` rescales the pooled forecast month by month on
the transformed scale,

    z'_h = median(z_h) + c_h (z_h - median(z_h)),     c_h = a + (b - a)(h - 1)/(H - 1),

with the ramp ``(a, b)`` that minimises the mean CRPS of the *pooled replayed forecasts* (the
learned weights, the members' replayed quantiles) against what the series then did: the
series' own recent forecast errors set the width, origin by origin, as in online
recalibration. Because the replays are few (eight origins over two years, four of them
scored a year ahead), the chosen factors are shrunk toward 1 on the log scale,
``log c = (1 - shrink) log c*``. The factors need no new simulation: the pooled replayed
forecast at each replay origin is assembled from the members' stored mid-quantiles in the
proportions of the weights and scored in the energy form of the CRPS. Nothing after the
end of the data is used.

With a coverage target (``Recalibration(cover=...)``) the ramp is chosen differently: it starts
at ``a = 1`` — the first month, whose replays are the most numerous and best calibrated, stays
as the members give it — and ``b`` is the smallest factor under which the pooled replayed
forecasts' 80 % intervals held the target share of the replayed outcomes, as in conformal
calibration of an interval to its recent misses. The replays apply parameters estimated on
data that includes their outcomes, so they miss less often than true forecasts do: a target
below the nominal 0.8 can give intervals that hold 80 % out of sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from relforecast._typing import as_number
from relforecast.exceptions import SpecError
from relforecast.scale import Scale

__all__ = [
    "Recalibration",
    "best_ramp",
    "covering_factor",
    "held_share",
    "pooled_replays",
    "scored",
    "sorted_crps",
    "spread_table",
    "widen",
]

_GRID = tuple(np.round(np.arange(0.5, 2.501, 0.1), 2))


@dataclass(frozen=True)
class Recalibration:
    """How a pool rescales its spread from its replayed forecasts.

    Parameters
    ----------
    shrink : float, default 0.5
        Weight of "no rescaling" on the log scale (0: the factors that fit the replays best,
        1: no rescaling).
    ensemble : int, default 100
        Points of each pooled replayed forecast (drawn from the members' mid-quantiles in the
        proportions of the weights).
    grid : sequence of float
        Candidate factors for the first and the last month (default 0.5 … 2.5 by 0.1).
    min_scored : int, default 4
        Fewest scored replayed forecasts at the last month needed to rescale at all.
    narrow : bool, default True
        Allow factors below 1. ``False`` only widens: the replays can say that the pool was
        too narrow lately, never that it was too wide (calm spells keep the spread the
        estimation window gives).
    cover : float or None, default None
        ``None``: the ramp with the lowest CRPS of the replays. A share in (0, 1): the ramp
        from 1 at month 1 (the first month as the members give it) to the smallest factor
        ``c >= 1`` of the grid under which the pooled replayed forecasts' 80 % intervals held
        at least this share of the replayed outcomes (all months together),
        ``c_h = 1 + (c - 1)(h - 1)/(H - 1)``: a coverage target, as in conformal calibration,
        that widens the later months more than the first. Only widens.
    """

    shrink: float = 0.5
    ensemble: int = 100
    grid: Sequence[float] = field(default=_GRID)
    min_scored: int = 4
    narrow: bool = True
    cover: float | None = None

    def __post_init__(self) -> None:
        shrink = as_number(self.shrink) if not isinstance(self.shrink, str) else None
        if shrink is None or not 0.0 <= shrink <= 1.0:
            raise SpecError(
                f"Recalibration shrink={self.shrink!r} must lie in [0, 1]{_as_number(self.shrink)}"
            )
        for name in ("ensemble", "min_scored"):
            value = getattr(self, name)
            number = as_number(value) if not isinstance(value, str) else None
            if number is None or not np.isfinite(number) or number != int(number) or number < 1:
                raise SpecError(f"Recalibration {name}={value!r} must be a whole number >= 1")
        if isinstance(self.grid, str) or not isinstance(self.grid, Sequence | np.ndarray):
            raise SpecError(
                f"grid={self.grid!r} must be a sequence of spread factors, e.g. (0.5, 1, 2)"
            )
        grid = [as_number(c) if not isinstance(c, str) else None for c in self.grid]
        if not grid or any(c is None or not 0 < c < np.inf for c in grid):
            raise SpecError(f"grid={self.grid!r} must be positive spread factors, e.g. 0.5 ... 3")
        if min(grid) > 1 or max(grid) < 1:
            raise SpecError(f"grid={self.grid!r} must include factors on both sides of 1")
        if not isinstance(self.narrow, bool | np.bool_):
            raise SpecError(f"Recalibration narrow={self.narrow!r} must be True or False")
        if self.cover is not None:
            cover = as_number(self.cover) if not isinstance(self.cover, str) else None
            if cover is None or not 0.0 < cover < 1.0:
                raise SpecError(
                    f"Recalibration cover={self.cover!r} must be a share in (0, 1), e.g. 0.8, "
                    f"or None for the ramp with the lowest CRPS{_as_number(self.cover)}"
                )

    @property
    def candidates(self) -> tuple[float, ...]:
        """The factors searched: the grid, without those below 1 when ``narrow`` is off or a
        ``cover`` is set."""
        grid = sorted(float(c) for c in self.grid)
        return tuple(grid if self.narrow and self.cover is None else [c for c in grid if c >= 1])


def _as_number(value: object) -> str:
    """The end of a refusal of ``value``: for a number written as text, to give the number."""
    number = as_number(value) if isinstance(value, str) else None
    return f"; give the number {number:g}, not the text {value!r}" if number is not None else ""


def member_counts(weights: np.ndarray, n: int) -> np.ndarray:
    """Whole numbers of points (or paths) per member, ``floor(w n)``, remainder to the largest."""
    weights = np.asarray(weights, dtype=float)
    counts = np.floor(weights * n).astype(int)
    counts[int(np.argmax(weights))] += n - counts.sum()
    return counts


def pooled_replays(quantiles: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """Pooled replayed forecasts as ``n`` points each, from the members' mid-quantiles.

    Parameters
    ----------
    quantiles : ndarray, shape (n_origins, k, m, horizon)
        Mid-quantiles (levels ``(i + 1/2) / m``) of each member's replayed forecast.
    weights : ndarray, shape (k,)
    n : int

    Returns
    -------
    ndarray, shape (n_origins, n, horizon)
        Member ``c`` contributes its quantiles at levels ``(j + 1/2) / n_c`` (linear
        interpolation between its mid-quantiles, flat beyond the outer ones), ``n_c`` as in
        :func:`member_counts`. NaN where a member with points failed its replay.
    """
    m = quantiles.shape[2]
    parts = []
    for c, count in enumerate(member_counts(weights, n)):
        if count == 0:
            continue
        position = np.clip((np.arange(count) + 0.5) / count * m - 0.5, 0, m - 1)
        lo = np.floor(position).astype(int)
        hi = np.minimum(lo + 1, m - 1)
        frac = (position - lo)[None, :, None]
        q = quantiles[:, c]
        parts.append(q[:, lo] * (1 - frac) + q[:, hi] * frac)
    return np.concatenate(parts, axis=1)


def widen(points: np.ndarray, factors: np.ndarray, scale: Scale, axis: int = -2) -> np.ndarray:
    """Rescale ensembles around their median on the transformed scale.

    ``points`` holds ensembles along ``axis`` and months along the last axis; month ``h``
    (0-based) is rescaled by ``factors[min(h, len(factors) - 1)]``.
    """
    z = np.asarray(scale.to_unbounded(points), dtype=float)
    middle = np.median(z, axis=axis, keepdims=True)
    steps = np.minimum(np.arange(points.shape[-1]), len(factors) - 1)
    return np.asarray(scale.from_unbounded(middle + np.asarray(factors)[steps] * (z - middle)))


def spread_table(
    points: np.ndarray, observed: np.ndarray, scale: Scale, grid: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Mean CRPS of rescaled ensembles against outcomes, per month and candidate factor.

    Parameters
    ----------
    points : ndarray, shape (n_origins, n, horizon)
    observed : ndarray, shape (n_origins, horizon)
        Outcomes; NaN where not observed (left out).

    Returns
    -------
    table : ndarray, shape (horizon, len(grid))
        NaN for a month with no scored outcome.
    counts : ndarray, shape (horizon,)
        Scored outcomes per month.
    """
    ok = scored(points, observed)
    counts = ok.sum(axis=0)
    filled = np.sort(np.where(np.isnan(points), 0.0, points), axis=1)
    y = np.where(ok, observed, 0.0)
    factors = np.asarray(grid, dtype=float)[:, None, None, None]
    z = np.asarray(scale.to_unbounded(filled), dtype=float)[None]
    middle = np.median(z, axis=2, keepdims=True)
    # a positive factor keeps every ensemble sorted: the sorted-ensemble CRPS applies
    ens = np.asarray(scale.from_unbounded(middle + factors * (z - middle)))
    crps = np.where(ok, sorted_crps(ens, y[None], axis=2), 0.0).sum(axis=1)  # (grid, horizon)
    table = np.where(counts > 0, crps / np.maximum(counts, 1), np.nan).T
    return table, counts


def sorted_crps(ens: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
    """CRPS of ensembles sorted along ``axis`` (the energy form ``E|X - y| - E|X - X'| / 2``
    of the empirical distribution, as ``scoringrules.crps_ensemble``), in ``O(m)`` each."""
    ens = np.moveaxis(ens, axis, -1)
    m = ens.shape[-1]
    spread = ens @ (2 * np.arange(1, m + 1) - m - 1) / m**2
    return np.abs(ens - y[..., None]).mean(axis=-1) - spread


def best_ramp(table: np.ndarray, grid: Sequence[float]) -> tuple[float, float, float]:
    """The ramp ``(a, b)`` over the grid minimising the summed table (months with scores).

    ``table`` is months x grid factors; the factor of month ``h`` is ``a + (b - a) h / (H - 1)``
    (interpolated in the table). Returns ``(a, b, summed score)``.
    """
    grid = np.asarray(grid, dtype=float)
    horizon = table.shape[0]
    ramp = np.arange(horizon) / max(horizon - 1, 1)
    a, b = np.meshgrid(grid, grid, indexing="ij")
    total = np.zeros_like(a)
    for h in range(horizon):
        if np.all(np.isfinite(table[h])):
            total += np.interp(a + (b - a) * ramp[h], grid, table[h])
    i, j = np.unravel_index(int(np.argmin(total)), total.shape)
    return float(grid[i]), float(grid[j]), float(total[i, j])


def fit_ramp(
    quantiles: np.ndarray,
    observed: np.ndarray,
    weights: np.ndarray,
    scale: Scale,
    spec: Recalibration,
) -> tuple[float, float, np.ndarray]:
    """Unshrunk ramp ``(a, b)`` fitted to the pooled replayed forecasts, and the number of
    scored outcomes per month."""
    points = pooled_replays(quantiles, weights, int(spec.ensemble))
    ok = scored(points, observed)
    counts = ok.sum(axis=0)
    if counts[-1] < spec.min_scored:
        return 1.0, 1.0, counts
    if spec.cover is not None:
        return 1.0, covering_factor(points, observed, ok, scale, spec), counts
    table, _ = spread_table(points, observed, scale, spec.candidates)
    a, b, _ = best_ramp(table, spec.candidates)
    return a, b, counts


def scored(points: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Where a pooled replayed forecast (``points``: n_origins, n, horizon) can be scored: its
    outcome observed and no member's replay failed (n_origins, horizon)."""
    return ~np.isnan(observed) & ~np.isnan(points).any(axis=1)


def held_share(
    points: np.ndarray, observed: np.ndarray, ok: np.ndarray, factors: np.ndarray, scale: Scale
) -> float:
    """Share of the scored outcomes (``ok``) inside the 80 % intervals of the pooled replayed
    forecasts ``points`` (n_origins, n, horizon) widened month by month by ``factors``."""
    lo, hi = np.quantile(widen(points, factors, scale, axis=1), [0.1, 0.9], axis=1)
    return float(((observed >= lo) & (observed <= hi))[ok].mean())


def covering_factor(
    points: np.ndarray, observed: np.ndarray, ok: np.ndarray, scale: Scale, spec: Recalibration
) -> float:
    """The last month's factor ``c`` of the ramp ``1 … c`` of ``spec.cover``
    (:class:`Recalibration`): the smallest candidate under which the widened pooled replayed
    forecasts held the target share of the scored outcomes ``ok`` (the largest when none
    did)."""
    horizon = points.shape[-1]
    shape = np.arange(horizon) / max(horizon - 1, 1)
    for c in spec.candidates:
        if held_share(points, observed, ok, 1.0 + (c - 1.0) * shape, scale) >= float(spec.cover):
            return c
    return spec.candidates[-1]


def shrunk_factors(
    a: float, b: float, counts: np.ndarray, spec: Recalibration
) -> tuple[np.ndarray, str]:
    """Factors of months ``1 … H`` from a fitted ramp, shrunk toward 1, and a note."""
    horizon = len(counts)
    if counts[-1] < spec.min_scored:
        return np.ones(horizon), (
            f"spread not recalibrated: {int(counts[-1])} replayed forecasts scored "
            f"{horizon} months ahead (fewer than {spec.min_scored})"
        )
    keep = 1.0 - float(spec.shrink)
    a, b = a**keep, b**keep
    factors = a + (b - a) * np.arange(horizon) / max(horizon - 1, 1)
    if np.all(factors == 1.0):
        return factors, (
            f"spread kept as the members give it: {int(counts.sum())} replayed forecast months "
            "did not call for rescaling"
        )
    purpose = (
        f" for their 80 % intervals to hold {float(spec.cover):.0%} of them"
        if spec.cover is not None
        else ""
    )
    return factors, (
        f"spread recalibrated by {a:.2f} (month 1) to {b:.2f} (month {horizon}) from "
        f"{int(counts.sum())} replayed forecast months{purpose}"
    )


def learn_factors(
    quantiles: np.ndarray,
    observed: np.ndarray,
    weights: np.ndarray,
    scale: Scale,
    spec: Recalibration,
) -> tuple[np.ndarray, str]:
    """Spread factors of months ``1 … H`` from the pooled replayed forecasts, and a note."""
    a, b, counts = fit_ramp(quantiles, observed, weights, scale, spec)
    return shrunk_factors(a, b, counts, spec)


def observed_outcomes(series: pd.Series, origins: Sequence[pd.Period], horizon: int) -> np.ndarray:
    """Outcomes (n_origins, horizon) of forecasts made at ``origins``; NaN where unobserved."""
    months = [o + h for o in origins for h in range(1, horizon + 1)]
    return series.reindex(months).to_numpy(dtype=float).reshape(len(origins), horizon)
