"""``Forecast``: simulated future paths and every question asked of them.

A forecast keeps its whole simulated paths (``n_paths x horizon``) so that any functional of
the path — the minimum over a window, the first month below a threshold, the level at the
end — is answered from the same draws, with its Monte Carlo error.

Two directions of passage are asked about a threshold ``T``: going **below** it (a published
score strictly below ``T``: "crossing −6" into confrontation) and coming back **at or above**
it (a published score of ``T`` or more: out of the level below ``T``, e.g. back to −6.0 or
higher after a spell below −6). They are complements month by month, so "still below ``T`` at
the end" is ``1 − P(at or above T at the end)``.

A forecast may begin with *observed* months (:meth:`Forecast.with_observed`): an outlook
updated during its window holds the months already published as paths that all equal the
data, followed by the simulated months. Every question then counts the observed months too —
a window in which −6 was already crossed has P(cross) = 1, with no Monte Carlo error.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from relforecast._typing import as_number
from relforecast.exceptions import ForecastError
from relforecast.periods import parse_months, to_month
from relforecast.scale import TSINGHUA_SCALE, Scale, as_scale

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DIRECTIONS", "Direction", "Forecast"]

Direction = Literal["below", "at_or_above"]
DIRECTIONS: tuple[str, ...] = ("below", "at_or_above")


class Forecast:
    """Simulated future paths of a score, with the questions a forecaster asks of them.

    Parameters
    ----------
    paths : ndarray, shape (n_paths, horizon)
        Simulated scores; row = one path, column = one forecast month.
    index : pd.PeriodIndex
        The forecast months (length ``horizon``), consecutive; month labels are read as
        :func:`relforecast.periods.parse_months` reads them.
    scale : Scale or None
        The scale of the scores (level names, bounds, default threshold). ``None`` for an
        unbounded series: read as ``rf.UNBOUNDED_SCALE`` (kept in :attr:`scale`), which has
        no levels and no critical point.
    history : pd.Series, optional
        The observed series the model saw, kept for plots.
    model : str
        Short description of the model that produced the paths.
    regimes : ndarray of int, shape (n_paths, horizon), optional
        Simulated regime of each path and month (regime-switching models).
    regime_names : sequence of str, optional
        Names of the regimes, in the order of their codes.
    meta : dict, optional
        Anything worth keeping with the forecast (seed, parameters, notes).
    published : bool, default True
        Answer questions about events of the *published* score: threshold crossings, first
        passages and level probabilities are computed from the paths rounded to the scale's
        resolution (a simulated -6.04 is published as -6.0, which is not below -6). ``False``
        answers from the raw draws. Quantiles, intervals and the mean always describe the
        continuous score (``paths``). Ignored without bounds (there is no resolution).
    observed : int, default 0
        Number of leading months that are observed data, equal on every path (see
        :meth:`with_observed`).

    Notes
    -----
    Scores are published at a resolution (0.1 on the Tsinghua scale) and most months are
    unchanged, so a series often *sits* on a threshold. Counting a simulated -6.04 as a
    crossing of -6 overstates the probability of crossing a threshold the series sits on: in
    rolling backtests of the seven shared dyads, origins exactly on a threshold were given
    P(cross within 12 months) = 0.80 on average against an observed 0.53 when counted that way.
    Quantiles stay continuous: rounded quantiles of a discrete variable cover more than their
    nominal level, which would make interval coverage incomparable with other tools.
    """

    def __init__(
        self,
        paths: np.ndarray,
        index: pd.PeriodIndex,
        scale: Scale | None = TSINGHUA_SCALE,
        *,
        history: pd.Series | None = None,
        model: str = "",
        regimes: np.ndarray | None = None,
        regime_names: Sequence[str] | None = None,
        meta: dict[str, Any] | None = None,
        published: bool = True,
        observed: int = 0,
    ) -> None:
        try:
            paths = np.asarray(paths, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ForecastError(f"paths must be numbers ({exc})") from exc
        index = _forecast_months(index)
        if paths.ndim != 2 or paths.shape[1] != len(index):
            raise ForecastError(
                f"paths must be (n_paths, horizon={len(index)}), got shape {paths.shape}"
            )
        if paths.shape[0] < 1 or paths.shape[1] < 1:
            raise ForecastError(
                f"a forecast needs at least one path of at least one month, got shape {paths.shape}"
            )
        if not np.all(np.isfinite(paths)):
            raise ForecastError(
                f"{int((~np.isfinite(paths)).sum())} simulated values are not finite; "
                "the fitted model is unstable — try a simpler order"
            )
        scale = as_scale(scale)
        if not np.all(scale.contains(paths)):
            raise ForecastError("simulated paths leave the scale's bounds (a model bug; report it)")
        self.paths = paths
        self.index = index
        self.scale = scale
        self.history = history
        self.model = model
        self.regimes = regimes
        self.regime_names = list(regime_names) if regime_names is not None else None
        self.meta = dict(meta or {})
        self.published = bool(published) and scale.bounded
        if int(observed) != observed or not 0 <= observed <= len(index):
            raise ForecastError(
                f"observed={observed!r} must be a whole number of months from 0 to {len(index)}"
            )
        self.observed = int(observed)

    # ---------------------------------------------------------------------- basics
    @property
    def n_paths(self) -> int:
        """Number of simulated paths."""
        return self.paths.shape[0]

    @cached_property
    def values(self) -> np.ndarray:
        """The paths as the event questions see them: rounded to the scale's resolution when
        ``published`` (the default), the raw draws otherwise. Rounded on first use: forecasts
        that are only pooled or summarised by quantiles never pay for it."""
        return self.scale.round(self.paths) if self.published else self.paths

    @property
    def horizon(self) -> int:
        """Number of forecast months."""
        return self.paths.shape[1]

    def __repr__(self) -> str:
        span = f"{self.index[0]}..{self.index[-1]}" if len(self.index) else "empty"
        return f"Forecast({self.model or 'model'}, {span}, {self.n_paths} paths)"

    def _threshold(self, threshold: float | None) -> float:
        if threshold is None:
            if self.scale.critical is not None:
                return self.scale.critical
            raise ForecastError("give a threshold: this forecast's scale has no critical point")
        return check_threshold(threshold, self.scale)

    @staticmethod
    def _direction(direction: str) -> str:
        if direction not in DIRECTIONS:
            raise ForecastError(
                f"direction={direction!r} is not known; use 'below' (strictly below the "
                "threshold) or 'at_or_above' (the threshold or higher)"
            )
        return direction

    def _events(self, t: float, direction: str) -> np.ndarray:
        """Boolean (n_paths, horizon): is the published score on the asked side of ``t``?"""
        if self._direction(direction) == "below":
            return self.values < t
        return self.values >= t

    def _within(self, within: int | None) -> int:
        if within is None:
            return self.horizon
        if not _is_number(within) or not 1 <= within <= self.horizon or int(within) != within:
            raise ForecastError(
                f"within={within!r} must be a whole number of months from 1 to the horizon "
                f"({self.horizon})"
            )
        return int(within)

    def window(self, first: str | pd.Period, last: str | pd.Period) -> Forecast:
        """The same paths restricted to the months ``first`` ... ``last`` (inclusive)."""
        lo = to_month(first, "first month of the window", error=ForecastError)
        hi = to_month(last, "last month of the window", error=ForecastError)
        mask = (self.index >= lo) & (self.index <= hi)
        if not mask.any():
            raise ForecastError(
                f"window {lo}..{hi} does not overlap the forecast months "
                f"{self.index[0]}..{self.index[-1]}; forecast further ahead"
            )
        regimes = self.regimes[:, mask] if self.regimes is not None else None
        return Forecast(
            self.paths[:, mask],
            self.index[mask],
            self.scale,
            history=self.history,
            model=self.model,
            regimes=regimes,
            regime_names=self.regime_names,
            meta=self.meta,
            published=self.published,
            observed=int(mask[: self.observed].sum()),
        )

    def with_paths(self, paths: np.ndarray, *, model: str, meta: dict[str, Any]) -> Forecast:
        """The same months, regimes, history and scale with other paths (a wrapper model's
        transformation of these): its name ``model`` and extra ``meta`` entries added to these.
        """
        return Forecast(
            paths,
            self.index,
            self.scale,
            history=self.history,
            model=model,
            regimes=self.regimes,
            regime_names=self.regime_names,
            meta={**self.meta, **meta},
            published=self.published,
            observed=self.observed,
        )

    def with_observed(self, observed: pd.Series) -> Forecast:
        """The forecast preceded by observed months (an outlook updated during its window).

        Parameters
        ----------
        observed : pd.Series
            Scores of the months just before the first forecast month, on a monthly
            ``PeriodIndex`` without gaps (e.g. ``series.loc["2025-07":"2025-08"]``).

        Returns
        -------
        Forecast
            Paths over the observed and forecast months; every path holds the observed values
            in the observed months (``observed`` counts them). Questions such as
            :meth:`prob_cross` then count what already happened: P = 1 when the observed
            months already crossed.
        """
        if len(observed) == 0:
            return self
        months = observed.index.asfreq("M")
        expected = pd.period_range(end=self.index[0] - 1, periods=len(observed), freq="M")
        if not months.equals(expected):
            raise ForecastError(
                f"observed months {months[0]}..{months[-1]} must run without gaps up to the "
                f"month before the forecast ({self.index[0] - 1})"
            )
        values = observed.to_numpy(dtype=float)
        self.scale.check(values)
        prefix = np.broadcast_to(values, (self.n_paths, len(values)))
        regimes = None
        if self.regimes is not None:
            regimes = np.hstack([np.full((self.n_paths, len(values)), -1), self.regimes])
        return Forecast(
            np.hstack([prefix, self.paths]),
            months.append(self.index),
            self.scale,
            history=self.history,
            model=self.model,
            regimes=regimes,
            regime_names=self.regime_names,
            meta=self.meta,
            published=self.published,
            observed=len(values) + self.observed,
        )

    @property
    def observed_index(self) -> pd.PeriodIndex:
        """The observed months at the start of the forecast (empty for a pure forecast)."""
        return self.index[: self.observed]

    @property
    def future_index(self) -> pd.PeriodIndex:
        """The simulated months."""
        return self.index[self.observed :]

    def future(self) -> Forecast:
        """The simulated months only (drops the observed ones)."""
        if self.observed == 0:
            return self
        return self.window(self.future_index[0], self.future_index[-1])

    # --------------------------------------------------------------- distribution
    def mean(self) -> pd.Series:
        """Mean path."""
        return pd.Series(self.paths.mean(axis=0), index=self.index, name="mean")

    def quantiles(self, q: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Quantiles per month.

        Parameters
        ----------
        q : sequence of float
            Probabilities in [0, 1].

        Returns
        -------
        pd.DataFrame
            Rows = forecast months, columns = the probabilities.
        """
        levels = [q] if isinstance(q, str | bytes) or np.ndim(q) == 0 else list(np.ravel(q))
        if not levels or not all(_is_number(v) and 0 <= v <= 1 for v in levels):
            raise ForecastError(
                f"quantile levels must be numbers in [0, 1], e.g. [0.1, 0.5, 0.9]; got {q!r}"
            )
        qs = np.asarray(levels, dtype=float)
        values = np.quantile(self.paths, qs, axis=0).T
        return pd.DataFrame(values, index=self.index, columns=list(qs))

    def median(self) -> pd.Series:
        """Median path (month by month)."""
        return self.quantiles([0.5])[0.5].rename("median")

    def interval(self, coverage: float = 0.8) -> pd.DataFrame:
        """Central interval holding ``coverage`` of the paths each month (columns lower, upper)."""
        if not _is_number(coverage) or not 0 < coverage < 1:
            raise ForecastError(f"coverage must lie strictly between 0 and 1, got {coverage!r}")
        a = (1 - coverage) / 2
        qs = self.quantiles([a, 1 - a])
        qs.columns = ["lower", "upper"]
        return qs

    # ---------------------------------------------------------------- thresholds
    def prob_below(self, threshold: float | None = None) -> pd.Series:
        """P(score strictly below ``threshold``) in each month (default: the critical point)."""
        t = self._threshold(threshold)
        return pd.Series((self.values < t).mean(axis=0), index=self.index, name=f"P(<{t:g})")

    def prob_above(self, threshold: float) -> pd.Series:
        """P(published score strictly above ``threshold``) in each month.

        Examples
        --------
        ``fc.prob_above(0).iloc[-1]``: the probability that the relation is better than
        0 ("ordinary" or above, 0.1 at least) in the last month.
        """
        t = check_threshold(threshold, self.scale)
        return pd.Series((self.values > t).mean(axis=0), index=self.index, name=f"P(>{t:g})")

    def crossed(
        self,
        threshold: float | None = None,
        within: int | None = None,
        direction: Direction = "below",
    ) -> np.ndarray:
        """Boolean per path: does it reach the asked side of ``threshold`` in months
        1..``within``? ``direction="below"``: strictly below; ``"at_or_above"``: the threshold
        or higher."""
        t, w = self._threshold(threshold), self._within(within)
        return self._events(t, direction)[:, :w].any(axis=1)

    def prob_cross(
        self,
        threshold: float | None = None,
        within: int | None = None,
        direction: Direction = "below",
    ) -> float:
        """P(the path goes strictly below ``threshold`` in forecast months 1..``within``).

        Parameters
        ----------
        threshold : float, optional
            Default: the scale's critical point (-6 on the Tsinghua scale).
        within : int, optional
            Months counted from the first forecast month; default the whole horizon.
        direction : {"below", "at_or_above"}, default "below"
            ``"at_or_above"`` asks instead whether the path reaches ``threshold`` or higher at
            least once (:meth:`prob_back_above`).
        """
        return float(self.crossed(threshold, within, direction).mean())

    def prob_back_above(self, threshold: float | None = None, within: int | None = None) -> float:
        """P(the published score is at ``threshold`` or higher at least once in months
        1..``within``): for a series now below −6, the chance it comes back to −6.0 or above
        (out of confrontation) within the window."""
        return self.prob_cross(threshold, within, "at_or_above")

    def prob_still_below(self, threshold: float | None = None) -> float:
        """P(the published score is strictly below ``threshold`` in the last month)."""
        t = self._threshold(threshold)
        return float((self.values[:, -1] < t).mean())

    def prob_cross_curve(
        self, threshold: float | None = None, direction: Direction = "below"
    ) -> pd.Series:
        """P(on the asked side of ``threshold`` at least once in months 1..m), every month m."""
        t = self._threshold(threshold)
        hit = np.logical_or.accumulate(self._events(t, direction), axis=1)
        name = f"P(cross {t:g})" if direction == "below" else f"P(reach {t:g})"
        return pd.Series(hit.mean(axis=0), index=self.index, name=name)

    def mc_se(
        self,
        threshold: float | None = None,
        within: int | None = None,
        direction: Direction = "below",
    ) -> float:
        """Monte Carlo standard error of :meth:`prob_cross`: ``sqrt(p (1 - p) / n_paths)``.

        When no path (or every path) crosses, the binomial formula gives 0; the error is then
        at most about ``1 / n_paths`` and the result reads "below 1 in ``n_paths``". It is
        exactly 0 when observed months already settled the question.
        """
        p = self.prob_cross(threshold, within, direction)
        return float(np.sqrt(p * (1 - p) / self.n_paths))

    def first_passage(
        self, threshold: float | None = None, direction: Direction = "below"
    ) -> pd.Series:
        """Distribution of the first month strictly below ``threshold`` (or, with
        ``direction="at_or_above"``, the first month at ``threshold`` or higher).

        Returns
        -------
        pd.Series
            P(first passage happens in each month); sums to ``prob_cross(threshold)``.
            ``attrs["never"]`` holds P(no passage within the horizon).
        """
        hits = self._events(self._threshold(threshold), direction)
        anyb = hits.any(axis=1)
        first = np.where(anyb, hits.argmax(axis=1), -1)
        counts = np.bincount(first[anyb], minlength=self.horizon)[: self.horizon]
        out = pd.Series(counts / self.n_paths, index=self.index, name="first_passage")
        out.attrs["never"] = float(1 - anyb.mean())
        return out

    def median_first_passage(
        self, threshold: float | None = None, direction: Direction = "below"
    ) -> pd.Period | None:
        """Month by which half of the paths have crossed, or ``None`` if fewer than half do."""
        cum = self.first_passage(threshold, direction).cumsum()
        hit = cum[cum >= 0.5 - 1e-12]
        return hit.index[0] if len(hit) else None

    def observed_passage(
        self, threshold: float | None = None, direction: Direction = "below"
    ) -> pd.Period | None:
        """The first *observed* month on the asked side of ``threshold``, or ``None``."""
        if self.observed == 0:
            return None
        hits = self._events(self._threshold(threshold), direction)[0, : self.observed]
        return self.index[int(hits.argmax())] if hits.any() else None

    # -------------------------------------------------------------------- levels
    def level_probabilities(self, lang: str = "en") -> pd.DataFrame:
        """P(each level) per month; rows sum to 1. Needs a scale with levels (a bounded one).

        Parameters
        ----------
        lang : {"en", "zh"}
            Level names in English or Chinese.
        """
        scale = self._need_levels()
        idx = scale.level_index(self.values)
        k = len(scale.levels)
        counts = np.stack([(idx == j).mean(axis=0) for j in range(k)], axis=1)
        return pd.DataFrame(counts, index=self.index, columns=scale.level_names(lang))

    def most_likely_level(self, lang: str = "en") -> pd.Series:
        """The most probable level in each month."""
        return self.level_probabilities(lang).idxmax(axis=1).rename("level")

    def regime_probabilities(self) -> pd.DataFrame:
        """P(each regime) per forecast month (regime-switching models only)."""
        if self.regimes is None or self.regime_names is None:
            raise ForecastError(f"{self.model or 'this model'} has no regimes")
        k = len(self.regime_names)
        probs = np.stack([(self.regimes == j).mean(axis=0) for j in range(k)], axis=1)
        return pd.DataFrame(probs, index=self.index, columns=self.regime_names)

    def _need_levels(self) -> Scale:
        if not self.scale.levels:
            raise ForecastError(
                f"this forecast is on the {self.scale.name} scale (scale=None), which has no "
                "levels; forecast with a bounded scale such as rf.TSINGHUA_SCALE to ask about "
                "levels"
            )
        return self.scale

    # ------------------------------------------------------------------- output
    def to_frame(
        self,
        quantiles: Sequence[float] = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95),
        threshold: float | None = None,
    ) -> pd.DataFrame:
        """One row per month: mean, quantiles (``q5`` ...), P(below threshold), likely level
        (on a scale of two or more levels; a ``LO:HI`` scale is one span, the same every
        month)."""
        out = pd.DataFrame({"mean": self.mean()})
        qs = self.quantiles(quantiles)
        for q in qs.columns:
            out[f"q{round(q * 100):d}"] = qs[q]
        if self.scale.bounded or threshold is not None:
            t = self._threshold(threshold)
            out[f"p_below_{t:g}"] = self.prob_below(t)
            out[f"p_cross_{t:g}"] = self.prob_cross_curve(t)
        if self.scale.named_levels:
            out["level"] = self.most_likely_level()
        if self.observed:
            out["observed"] = np.arange(self.horizon) < self.observed
        out.index.name = "month"
        return out

    def plot(
        self,
        ax: Axes | None = None,
        *,
        history_months: int = 60,
        threshold: float | None = None,
        lang: str = "en",
    ) -> Axes:
        """Fan chart (50/80/95 %) with the level bands and the threshold line.

        Drawn in the report's font for ``lang`` (Chinese labels with the same CJK font as the
        outlook's figures, :mod:`relforecast.graphics.fonts`), titled briefly: "China–Japan,
        forecast from 2025-07" / "中日关系 2025年7月起预测" (the dyad from the history's name).
        Returns the matplotlib ``Axes``.
        """
        from relforecast.graphics.fan import fan_chart

        return fan_chart(self, ax=ax, history_months=history_months, threshold=threshold, lang=lang)


def _is_number(value: object) -> bool:
    """A real number (not a bool, not NaN)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return False
    return not np.isnan(value)


def _forecast_months(index: Any) -> pd.PeriodIndex:
    """The forecast months as a monthly ``PeriodIndex``, refused unless they run month after
    month: every question counts months by position (``within=12`` is the first 12)."""
    months = parse_months(index, "forecast months")
    steps = np.diff(months.asi8)
    if len(steps) and not (steps == 1).all():
        at = int(np.flatnonzero(steps != 1)[0])
        raise ForecastError(
            f"forecast months must run month after month, without gaps, repeats or reordering; "
            f"{months[at]} is followed by {months[at + 1]} (build them with "
            f"pd.period_range('{months[0]}', periods={len(months)}, freq='M'))"
        )
    return months


def check_threshold(threshold: float, scale: Scale | None = None) -> float:
    """A threshold as a float: a finite number strictly inside the bounds of ``scale``.

    ``scale=None`` means no bounds (:data:`~relforecast.scale.UNBOUNDED_SCALE`).

    Raises
    ------
    ForecastError
        Naming the bad value (and the scale's range).
    """
    t = as_number(threshold)
    if t is None:
        raise ForecastError(f"threshold {threshold!r} is not a number; give e.g. -6")
    if not np.isfinite(t):
        raise ForecastError(f"threshold {threshold!r} is not finite; give a number such as -6")
    scale = as_scale(scale)
    if not scale.lower < t < scale.upper:  # always inside without bounds
        example = scale.critical if scale.critical is not None else scale.centre
        raise ForecastError(
            f"threshold {t:g} is outside the scale [{scale.lower:g}, {scale.upper:g}]; give a "
            f"value strictly inside it, e.g. {example:g}"
        )
    return t
