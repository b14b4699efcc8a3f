"""Joint questions across dyads: P(at least one — or k or more — dyads cross T in the window).

Relations co-move: a US shock reaches its allies, a regional crisis moves several partners in
the same months. Each dyad's model simulates its own paths independently, so the joint
questions need a dependence between the dyads' paths. It is taken from history, without a
parametric model, and imposed on the paths by reordering them (an empirical copula; the
"Schaake shuffle" of ensemble forecasting, here at the level of whole paths):

1. **Template.** The monthly changes of every dyad's transformed score
   (``scale.to_unbounded``, the space the models simulate in) over the last ``months`` months
   that all dyads share. ``N`` (the number of paths) sequences of future months are drawn by
   resampling *whole months* — the same historical month for every dyad — with the stationary
   block bootstrap (Politis & Romano 1994; mean block ``block`` months, so lagged co-movement
   such as a shock reaching one partner a month after another is kept). For each draw and dyad
   the resampled changes are accumulated from the dyad's own last month and averaged over the
   window: how far, on average, the dyad moves in that historical episode.
2. **Coupling.** Each dyad's simulated paths are ranked by the same statistic (their mean
   score over the window) and the path of rank ``r`` is assigned to the template draw whose
   statistic for that dyad has rank ``r``. Every dyad keeps exactly its own paths — each
   single-dyad answer is unchanged — while the ranks now move together as they did in
   history. Ties (many unchanged months) are broken at random, by streams keyed by the dyad's
   name, so the result does not depend on the order of the dyads.
3. **Without dependence** every dyad's paths are paired by an independent random permutation;
   the answers then reduce to the product rule, which is also reported exactly from the
   marginal probabilities (the Poisson-binomial distribution of the number of crossings).

The Monte Carlo error of a joint probability is the binomial ``sqrt(p (1 - p) / N)`` of the
``N`` joint draws. Only ranks within a dyad enter, so the changes need no standardisation.
The histories end at each dyad's last observed month: nothing later is used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from relforecast._typing import RNGLike, as_seed
from relforecast.exceptions import ForecastError
from relforecast.forecast import Forecast
from relforecast.panel.forecast import parse_window, window_forecast

__all__ = ["JointPaths", "joint_crossing", "joint_paths", "poisson_binomial_tail"]

Dependence = Literal["history", "none"]
MIN_JOINT_MONTHS = 24


def _keyed_stream(seed: int, *key: object) -> np.random.Generator:
    text = "\x1f".join(str(k) for k in key).encode("utf-8")
    words = np.frombuffer(hashlib.blake2b(text, digest_size=16).digest(), dtype="<u4")
    return np.random.default_rng([seed, *(int(w) for w in words)])


def _ranks(values: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Rank 0..n-1 of each value, ties broken by ``tiebreak``."""
    order = np.lexsort((tiebreak, values))
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(len(values))
    return ranks


def _history_changes(
    forecasts: Mapping[str, Forecast], history: pd.DataFrame | None, months: int
) -> pd.DataFrame:
    """Monthly changes of the transformed scores over the last ``months`` shared months."""
    last = min(fc.history.index[-1] for fc in forecasts.values())
    if history is not None:
        missing = [d for d in forecasts if d not in history.columns]
        if missing:
            raise ForecastError(
                f"history has no column for {', '.join(missing)}; pass the panel the forecasts "
                "were made from (rf.load_panel)"
            )
    columns = {}
    for dyad, fc in forecasts.items():
        series = history[dyad] if history is not None else fc.history
        series = series.dropna().loc[:last]
        z = fc.scale.to_unbounded(series)
        columns[dyad] = pd.Series(np.asarray(z, dtype=float), index=series.index)
    levels = pd.concat(columns, axis=1)
    full = pd.period_range(levels.index.min(), levels.index.max(), freq="M")
    changes = levels.reindex(full).diff().dropna()  # both months present, for every dyad
    changes = changes.iloc[-months:]
    if len(changes) < MIN_JOINT_MONTHS:
        raise ForecastError(
            f"the dyads share only {len(changes)} consecutive months of history (at least "
            f"{MIN_JOINT_MONTHS} are needed to estimate their dependence); use "
            "dependence='none' or drop the dyads with short histories"
        )
    return changes


def _resampled_months(n: int, steps: int, available: int, block: float, gen: np.random.Generator):
    """(n, steps) indices of historical months: the stationary block bootstrap, circular."""
    idx = np.empty((n, steps), dtype=np.int64)
    idx[:, 0] = gen.integers(0, available, n)
    for s in range(1, steps):
        jump = gen.random(n) < 1.0 / block
        fresh = gen.integers(0, available, n)
        idx[:, s] = np.where(jump, fresh, (idx[:, s - 1] + 1) % available)
    return idx


@dataclass
class JointPaths:
    """The dyads' paths over a window, paired across dyads (one joint draw = one row).

    Attributes
    ----------
    dyads : list of str
    forecasts : dict of Forecast
        Each dyad's forecast restricted to the window.
    pairing : ndarray (n_draws, n_dyads) of int
        ``pairing[j, d]`` is the path of dyad ``d`` in joint draw ``j``.
    dependence : {"history", "none"}
    info : dict
        Months of history used, block length, window, seed.
    """

    dyads: list[str]
    forecasts: dict[str, Forecast]
    pairing: np.ndarray
    dependence: str
    info: dict[str, Any]

    @property
    def n_draws(self) -> int:
        """Number of joint draws."""
        return self.pairing.shape[0]

    def _threshold(self, threshold: float | None) -> float:
        if threshold is not None:
            return float(threshold)
        scale = next(iter(self.forecasts.values())).scale
        if scale.critical is None:
            raise ForecastError("give a threshold: these forecasts' scale has no critical point")
        return float(scale.critical)

    def crossed(self, threshold: float | None = None) -> np.ndarray:
        """(n_draws, n_dyads) bool: does the dyad's published score go strictly below T in the
        window, in each joint draw."""
        t = self._threshold(threshold)
        cols = [self.forecasts[d].crossed(t)[self.pairing[:, i]] for i, d in enumerate(self.dyads)]
        return np.column_stack(cols)

    def window_means(self) -> pd.DataFrame:
        """(n_draws x dyads): each dyad's mean score over the window, in each joint draw."""
        data = {
            d: self.forecasts[d].paths.mean(axis=1)[self.pairing[:, i]]
            for i, d in enumerate(self.dyads)
        }
        return pd.DataFrame(data)

    def count_probabilities(self, threshold: float | None = None) -> pd.Series:
        """P(exactly k dyads cross T in the window), k = 0 ... n_dyads."""
        counts = self.crossed(threshold).sum(axis=1)
        freq = np.bincount(counts, minlength=len(self.dyads) + 1) / self.n_draws
        return pd.Series(freq, index=pd.RangeIndex(len(freq), name="k"), name="P(K = k)")

    def prob_at_least(self, k: int = 1, threshold: float | None = None) -> float:
        """P(k or more dyads cross T in the window)."""
        return float((self.crossed(threshold).sum(axis=1) >= k).mean())

    def mc_se(self, k: int = 1, threshold: float | None = None) -> float:
        """Binomial Monte Carlo error of :meth:`prob_at_least`."""
        p = self.prob_at_least(k, threshold)
        return float(np.sqrt(p * (1 - p) / self.n_draws))


def joint_paths(
    forecasts: Mapping[str, Forecast],
    window: str | tuple[Any, Any] | None = None,
    *,
    dependence: Dependence = "history",
    history: pd.DataFrame | None = None,
    block: float = 12.0,
    months: int = 240,
    rng: RNGLike = 0,
) -> JointPaths:
    """Pair the dyads' simulated paths so that they co-move as in history (or independently).

    Parameters
    ----------
    forecasts : mapping of dyad -> Forecast
        The same number of paths each (``forecast_panel(..., return_forecasts=True)[1]``).
    window : str or (first, last), optional
        ``"2025-07:2026-06"``; default the months that every forecast covers.
    dependence : {"history", "none"}
        Resample whole months of the dyads' history (see the module docstring), or pair the
        paths independently.
    history : DataFrame, optional
        Panel of observed scores to estimate the dependence from (cut at the earliest last
        month of the forecasts); default the histories the forecasts keep.
    block : float, default 12
        Mean length (months) of the resampled blocks of history.
    months : int, default 240
        Most recent shared months of history used.
    rng : int, Generator or None
        Seed; same seed, same pairing, whatever the order of the dyads.

    Returns
    -------
    JointPaths
    """
    if len(forecasts) < 1:
        raise ForecastError(
            "no forecasts given; pass forecast_panel(..., return_forecasts=True)[1]"
        )
    if dependence not in ("history", "none"):
        raise ForecastError(f"dependence={dependence!r} must be 'history' or 'none'")
    if not block >= 1:
        raise ForecastError(f"block={block!r} must be a mean block length >= 1 month")
    if int(months) != months or months < MIN_JOINT_MONTHS:
        raise ForecastError(f"months={months!r} must be a whole number >= {MIN_JOINT_MONTHS}")
    dyads = [str(d) for d in forecasts]
    fcs = {str(d): fc for d, fc in forecasts.items()}
    sizes = {fc.n_paths for fc in fcs.values()}
    if len(sizes) != 1:
        raise ForecastError(
            f"the forecasts have different numbers of paths ({sorted(sizes)}); simulate them "
            "with one n_paths"
        )
    if window is None:  # the months every forecast covers
        first = max(fc.index[0] for fc in fcs.values())
        last = min(fc.index[-1] for fc in fcs.values())
        if last < first:
            raise ForecastError(
                "the forecasts share no month; forecast the dyads from the same month or "
                "further ahead"
            )
    else:
        first, last = parse_window(window, next(iter(fcs.values())))
    windowed = {d: window_forecast(fc, (first, last), d) for d, fc in fcs.items()}
    n = sizes.pop()
    seed = as_seed(rng)
    pairing = np.empty((n, len(dyads)), dtype=np.int64)
    info: dict[str, Any] = {"window": f"{first}:{last}", "seed": seed, "dependence": dependence}
    if dependence == "none":
        for i, d in enumerate(dyads):
            pairing[:, i] = _keyed_stream(seed, "independent", d).permutation(n)
        return JointPaths(dyads, windowed, pairing, dependence, info)
    for d, fc in fcs.items():
        if fc.history is None or fc.history.empty:
            raise ForecastError(f"{d}: the forecast keeps no history to take dependence from")
    changes = _history_changes(fcs, history, int(months))
    z = changes.to_numpy()
    origins = np.array([fc.history.index[-1].ordinal for fc in fcs.values()])
    start = int(origins.min())
    steps = int(last.ordinal - start)
    gen = _keyed_stream(seed, "template")
    draws = _resampled_months(n, steps, len(z), float(block), gen)
    tiebreak = gen.permutation(n)  # one for every dyad: identical histories rank identically
    window_steps = np.arange(first.ordinal, last.ordinal + 1) - start  # 1-based steps
    for i, d in enumerate(dyads):
        offset = int(origins[i] - start)
        # mean over the window of the changes accumulated from the dyad's own last month:
        # the change of step s (column s - 1 of draws) counts in every window month >= s
        weight = np.array(
            [(window_steps >= s).sum() if s > offset else 0 for s in range(1, steps + 1)],
            dtype=float,
        ) / len(window_steps)
        statistic = np.zeros(n)
        for col in np.flatnonzero(weight):
            statistic += weight[col] * z[draws[:, col], i]
        template_rank = _ranks(statistic, tiebreak)
        summary = windowed[d].paths.mean(axis=1)
        own_tiebreak = _keyed_stream(seed, "ties", d).permutation(n)
        by_rank = np.lexsort((own_tiebreak, summary))  # path index of each rank
        pairing[:, i] = by_rank[template_rank]
    info.update(
        {
            "history_months": len(z),
            "history_span": f"{changes.index[0]}:{changes.index[-1]}",
            "block": float(block),
        }
    )
    return JointPaths(dyads, windowed, pairing, dependence, info)


def poisson_binomial_tail(p: Sequence[float]) -> np.ndarray:
    """P(K >= k), k = 0 ... len(p), for K the number of independent events of probabilities p."""
    dist = np.zeros(len(p) + 1)
    dist[0] = 1.0
    for q in p:
        dist[1:] = dist[1:] * (1 - q) + dist[:-1] * q
        dist[0] *= 1 - q
    return np.cumsum(dist[::-1])[::-1]


def joint_crossing(
    forecasts: Mapping[str, Forecast],
    window: str | tuple[Any, Any] | None = None,
    *,
    threshold: float | None = None,
    k: int | Sequence[int] | None = None,
    history: pd.DataFrame | None = None,
    block: float = 12.0,
    months: int = 240,
    rng: RNGLike = 0,
) -> pd.DataFrame:
    """P(k or more dyads cross T in the window), with and without dependence.

    Parameters
    ----------
    forecasts, window, history, block, months, rng
        As in :func:`joint_paths`.
    threshold : float, optional
        Default: the scale's critical point (-6). Crossing = the published score strictly
        below it in some month of the window (a dyad already below counts if it stays below).
    k : int or sequence of int, optional
        Default 1 ... number of dyads.

    Returns
    -------
    pd.DataFrame
        Index ``k``; columns ``p_dependent``, ``se_dependent`` (dependence from history),
        ``p_independent``, ``se_independent`` (paths paired independently) and
        ``p_product`` (the exact product rule from the marginal probabilities). ``attrs``:
        ``marginal`` (P(cross) of each dyad), ``threshold``, and the template's details.
    """
    dep = joint_paths(
        forecasts,
        window,
        dependence="history",
        history=history,
        block=block,
        months=months,
        rng=rng,
    )
    ind = joint_paths(forecasts, window, dependence="none", rng=dep.info["seed"])
    t = dep._threshold(threshold)
    ks = list(range(1, len(dep.dyads) + 1)) if k is None else np.atleast_1d(k).tolist()
    bad = [v for v in ks if int(v) != v or not 1 <= v <= len(dep.dyads)]
    if bad:
        raise ForecastError(f"k={bad} must be whole numbers from 1 to {len(dep.dyads)} (dyads)")
    counts = {name: jp.crossed(t).sum(axis=1) for name, jp in (("dep", dep), ("ind", ind))}
    marginal = pd.Series({d: float(dep.forecasts[d].crossed(t).mean()) for d in dep.dyads})
    tail = poisson_binomial_tail(marginal.to_numpy())
    rows = {}
    n = dep.n_draws
    for v in ks:
        p_dep = float((counts["dep"] >= v).mean())
        p_ind = float((counts["ind"] >= v).mean())
        rows[int(v)] = {
            "p_dependent": p_dep,
            "se_dependent": float(np.sqrt(p_dep * (1 - p_dep) / n)),
            "p_independent": p_ind,
            "se_independent": float(np.sqrt(p_ind * (1 - p_ind) / n)),
            "p_product": float(tail[int(v)]),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "k"
    out.attrs.update({"marginal": marginal.to_dict(), "threshold": t, **dep.info})
    return out
