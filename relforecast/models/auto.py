"""``auto``: a linear pool of six models whose weights follow their skill on the series.

The families err differently. ARIMA(1,1,1) carries damped momentum over many months (an AR
coefficient near 1 with an MA coefficient near -1 reproduces the long, weak autocorrelation
of monthly changes); ARIMA(1,1,0) keeps one month of momentum; the regime-switching model
captures calm and turbulent spells and, through its momentum term, that a relation on the
move keeps moving the way it has over the past year. These three simulate a continuous
score, which is then published the way the group publishes it, in whole steps of 0.1
(:mod:`relforecast.models.sticky`): a path holds its value until the latent score has moved a
step, so a sticky series keeps its point mass at "unchanged". The block bootstraps replay past
episodes — runs of deterioration, jumps, and the long unchanged spells of a sticky series —
from the last 240 or the last 120 months; the bootstrap of single months of the last 120
months keeps the point mass at "unchanged" that a sticky series shows a month ahead.

A mixture of their paths (a *linear pool*) is wider where they disagree. How much each
contributes is learned from the series itself (:mod:`relforecast.models.adaptive`): every
component is replayed at origins over the last two years of the data, and the weights are
those whose pooled replayed forecasts have the lowest CRPS, shrunk a quarter of the way
toward equal weights. A calm series thus gets most of its paths from the components that
forecast it well when calm; a volatile one from those that kept up with its moves. Nothing
after the end of the data is used.

The replays also say whether the pooled forecast was wide enough lately. When the world has
turned more turbulent than the estimation window, the pooled spread is widened month by month,
from 1 at month 1 up to the factor under which the pooled replayed forecasts' 80 % intervals
would have held 75 % of what followed (:mod:`relforecast.models.recalibration`); it is never
narrowed below what the members give, so a calm spell keeps its intervals.

On a continuous score — a scale without a grid, such as a machine-coded event index — the
default pool is another one: series that revert to a slowly moving mean are served by an AR(1)
around the recent level, the recent climatology, ARIMA with its differencing order chosen per
series and exponential smoothing (ARIMA(0,1,1)), whose pooled spread is recalibrated in both
directions (:func:`relforecast.models.catalogue.pool_plan`).

A member that cannot be fitted to the series — the regime-switching member needs 49 months,
12 of them for its momentum — steps aside: the pool is the members that could be fitted, with
their prior weights renormalised, and the diagnostics name the member and why. Only when no
member can be fitted is the series refused. A member whose window is constant (a bootstrap of
months without a change) would be refused alone, for its forecast would have no spread; in the
pool it stays, a point mass at "unchanged" beside the members that carry the spread, and the
diagnostics say so. When every member fitted is such a one, the pool is refused
(:func:`relforecast.models.base.refuse_constant`).

The components, the replay lookback, the shrinkage and the spread recalibration were chosen by
leave-one-out evaluation, within the Tsinghua dyads and within the event indices
(``benchmarks/generalisation.py``, ``benchmarks/loo.py``; docs/evaluation.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from relforecast._blas import one_blas_thread
from relforecast._typing import RNGLike, as_generator, month_words
from relforecast.exceptions import FitError, RelforecastError, SpecError
from relforecast.forecast import Forecast
from relforecast.models.adaptive import Adaptation, ReplayRecord, learned_weights
from relforecast.models.base import (
    BorrowsShockEffects,
    FittedModel,
    Model,
    check_horizon,
    check_n_paths,
    check_paths_memory,
    check_scenarios,
    kept_without_spread,
    refuse_constant,
    refuse_other_grid,
)
from relforecast.models.catalogue import pool_models, pool_plan, with_scale
from relforecast.models.recalibration import (
    Recalibration,
    learn_factors,
    member_counts,
    observed_outcomes,
    widen,
)
from relforecast.scale import TSINGHUA_SCALE, Scale, as_scale
from relforecast.shocks import ShockCalendar

if TYPE_CHECKING:
    from relforecast.scenarios import Scenario

__all__ = ["Auto", "AutoResult"]


class _ComponentsScale:
    """The default of ``Auto(scale=...)``: the components' scale (the Tsinghua scale for the
    default members)."""

    def __repr__(self) -> str:
        return "<the components' scale>"


_COMPONENTS_SCALE = _ComponentsScale()


class _PlanDefault:
    """The default of ``Auto(adapt=...)`` and ``Auto(recalibrate=...)``: that of the default
    pool of the scale (:func:`relforecast.models.catalogue.pool_plan`) when the members are the
    default ones, else ``Adaptation()`` and no recalibration."""

    def __repr__(self) -> str:
        return "<the default pool's setting>"


_PLAN_DEFAULT = _PlanDefault()


@dataclass(frozen=True)
class Auto:
    """Linear pool of model specifications, weighted by their replayed skill on the series.

    Parameters
    ----------
    components : sequence of model specifications
        Default: the default pool of the scale (:func:`~relforecast.models.catalogue.pool_plan`);
        on a scale with a grid (the Tsinghua scale), the members of
        :data:`relforecast.models.registry.POOL` —
        ``ARIMA(order=(1, 1, 1), window=240, innovations="bootstrap")``,
        ``ARIMA(order=(1, 1, 0), window=240, innovations="bootstrap")`` and
        ``MarkovSwitching(k_regimes=2, form="diff", momentum=12, window=240)``, each
        published in whole steps (:class:`~relforecast.models.sticky.Sticky`),
        ``BlockBootstrap(window=240, block=12)``, ``BlockBootstrap(window=120, block=12)`` and
        ``BlockBootstrap(window=120, block=1)``.
    weights : sequence of float, optional
        Prior share of the paths drawn from each component (default equal). Without
        adaptation these are the weights used.
    adapt : Adaptation or None, optional
        How the weights are learned from the series' own replayed forecasts
        (:mod:`relforecast.models.adaptive`); ``None`` keeps the prior weights. Default: that
        of the default pool (``Adaptation(shrink=0.25)``) with the default members, else
        ``Adaptation()``.
    recalibrate : Recalibration or None, optional
        Rescale the pooled spread from the pooled replayed forecasts
        (:mod:`relforecast.models.recalibration`; needs ``adapt``); ``None`` leaves it.
        Default: that of the default pool with the default members
        (``Recalibration(shrink=0, narrow=False, cover=0.8)`` on a scale with a grid,
        ``Recalibration(shrink=0.5)`` without), else ``None``.
    scale : Scale, str or None, optional
        The scale of the scores, given to every default member (``None``: no bounds; text as
        in :func:`relforecast.scale.parse_scale`, e.g. ``"-10:10"``). Default: the scale of the
        components given, else the Tsinghua scale. Given components must be on it.

    Examples
    --------
    >>> pool = rf.Auto(scale=rf.UNBOUNDED_SCALE)  # any real-valued monthly series
    """

    components: Sequence[Model] | None = None
    weights: Sequence[float] | None = None
    adapt: Adaptation | None = _PLAN_DEFAULT  # type: ignore[assignment]
    recalibrate: Recalibration | None = _PLAN_DEFAULT  # type: ignore[assignment]
    scale: Scale | str | None = field(default=_COMPONENTS_SCALE, kw_only=True)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self._resolve_members()
        if isinstance(self.components, str) or not isinstance(self.components, Sequence):
            raise SpecError(f"components={self.components!r} must be a list of models")
        k = len(self.components)
        if k == 0:
            raise SpecError("Auto needs at least one component model")
        for c in self.components:
            if not isinstance(c, Model):
                raise SpecError(
                    f"Auto component {c!r} is not a model specification (a name, a scale "
                    "and fit) such as rf.ARIMA()"
                )
        w = np.full(k, 1.0 / k) if self.weights is None else _weights(self.weights)
        if w is None or w.shape != (k,) or np.any(w < 0) or not np.isclose(w.sum(), 1.0):
            raise SpecError(
                f"weights {self.weights!r} must be {k} non-negative numbers summing to 1"
            )
        object.__setattr__(self, "weights", tuple(float(v) for v in w))
        if self.adapt is not None and not isinstance(self.adapt, Adaptation):
            raise SpecError(
                f"adapt={self.adapt!r} must be an rf.Adaptation or None (fixed weights)"
            )
        if self.recalibrate is not None and not isinstance(self.recalibrate, Recalibration):
            raise SpecError(
                f"recalibrate={self.recalibrate!r} must be an rf.Recalibration or None"
            )
        if self.recalibrate is not None and self.adapt is None:
            raise SpecError(
                "recalibrate needs the replayed forecasts of adapt: give adapt=rf.Adaptation() "
                "or recalibrate=None"
            )

    def _resolve_members(self) -> None:
        """The default members on ``scale`` with the settings of their pool, or the given ones
        checked to share it."""
        given = self.scale is not _COMPONENTS_SCALE
        scale = as_scale(self.scale) if given else TSINGHUA_SCALE
        plan = pool_plan(scale) if self.components is None else None
        if plan is not None:
            object.__setattr__(self, "components", pool_models(scale))
        elif isinstance(self.components, Sequence) and not isinstance(self.components, str):
            on = {as_scale(getattr(c, "scale", None)) for c in self.components}
            if len(on) == 1 and not given:
                scale = on.pop()
            elif on - {scale}:
                names = ", ".join(sorted(f"{getattr(c, 'name', c)}" for c in self.components))
                raise SpecError(
                    f"the components ({names}) are not all on the {scale.name} scale; build "
                    "them on one scale, the one given to Auto(scale=...)"
                )
        object.__setattr__(self, "scale", scale)
        if self.adapt is _PLAN_DEFAULT:
            adapt = Adaptation() if plan is None else Adaptation(shrink=plan.shrink)
            object.__setattr__(self, "adapt", adapt)
        if self.recalibrate is _PLAN_DEFAULT:
            recalibrate = None if plan is None or self.adapt is None else plan.recalibration
            object.__setattr__(self, "recalibrate", recalibrate)

    def on_scale(self, scale: Scale | str | None) -> Auto:
        """This pool on ``scale``: the default pool of that scale when this is the default pool
        of its own, else the same members and settings, each on ``scale``."""
        scale = as_scale(scale)
        if scale == self.scale:
            return self
        if self == Auto(scale=self.scale):
            return Auto(scale=scale)
        members = tuple(with_scale(c, scale) for c in self.components)
        return replace(self, components=members, scale=scale)

    @property
    def name(self) -> str:
        """Label of the pool."""
        return "auto"

    @one_blas_thread
    def fit(self, series: pd.Series, shocks: ShockCalendar | None = None) -> AutoResult:
        """Fit every component on the same data, then replay them to learn the weights.

        A component that cannot be fitted steps aside (see the module notes).
        """
        refuse_other_grid(series, self.scale, "auto")  # named as the pool, not its first member
        fits, kept, notes, flat = [], [], [], []
        failure: RelforecastError | None = None
        for i, c in enumerate(self.components):
            try:
                with kept_without_spread() as without:
                    fits.append(c.fit(series, shocks=shocks))
            except RelforecastError as exc:
                failure = failure or exc
                notes.append(f"{c.name} stepped aside: {' '.join(str(exc).split())}")
                continue
            kept.append(i)
            flat += without[:1]
            notes += [f"{c.name} has no spread of its own: {w}" for w in without]
        if not fits:
            raise failure  # type: ignore[misc]  # every member failed: the first reason
        if len(flat) == len(fits):
            _refuse_without_spread(series, fits, flat)
        # components that estimate no shock effects (the block bootstrap) use the first
        # estimated ones, so that scenarios move every part of the pool
        donor = AutoResult(self, fits).shock_effects()
        if len(donor):
            fits = [
                f.with_effects(donor) if isinstance(f, BorrowsShockEffects) else f for f in fits
            ]
        record = replay(fits, series, self.adapt) if self.adapt is not None else None
        return AutoResult(self, fits, record, tuple(kept), notes)


def _refuse_without_spread(
    series: pd.Series, fits: Sequence[FittedModel], reasons: Sequence[str]
) -> None:
    """Refuse a pool none of whose members has a spread (each draws it from constant data):
    the pooled forecast would claim a certainty no data supports. Named as the pool, over the
    longest data a member kept (else by the first member's reason)."""
    longest = max((f.series for f in fits), key=len)
    refuse_constant(series, longest, "every member of the auto pool it fits", pooled=False)
    raise FitError(f"no member of the auto pool has a spread: {reasons[0]}")


def _weights(values: object) -> np.ndarray | None:
    """Prior weights as floats, or ``None`` when they are not numbers."""
    try:
        w = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return None
    return w if w.ndim == 1 and np.all(np.isfinite(w)) else None


def _replay_one(
    fit: FittedModel, history: pd.Series, adapt: Adaptation, seed: list[int]
) -> tuple[np.ndarray, np.ndarray | None]:
    """Mid-quantiles (m, horizon) of one component replayed on ``history``, and those of the
    paths' running minima when the adaptation scores them (``None`` otherwise); NaN on
    failure."""
    minima = adapt.minimum > 0
    try:
        with kept_without_spread():  # a member flat at the origin is replayed as in the pool
            updated = fit.update(history)
        paths = updated.forecast(
            adapt.horizon, n_paths=adapt.n_paths, rng=np.random.default_rng(seed)
        ).paths
    except RelforecastError:
        failed = np.full((adapt.quantiles, adapt.horizon), np.nan)
        return failed, failed if minima else None
    months = np.quantile(paths, adapt.levels, axis=0)
    if not minima:
        return months, None
    return months, np.quantile(np.minimum.accumulate(paths, axis=1), adapt.levels, axis=0)


def replay(
    fits: Sequence[FittedModel],
    series: pd.Series,
    adapt: Adaptation,
    record: ReplayRecord | None = None,
) -> ReplayRecord:
    """The replay record of fitted components on ``series`` (see
    :mod:`relforecast.models.adaptive`), reusing the origins already in ``record`` (replayed
    afresh when it lacks a term this adaptation scores)."""
    last = series.index[-1]
    wanted = adapt.origins(last)
    if record is not None and not record.holds_what(adapt):
        record = None
    have = set(record.origins) if record is not None else set()
    new = [o for o in wanted if o not in have and o in series.index]
    blocks = [
        [
            _replay_one(f, series.loc[:origin], adapt, [*month_words(origin), i, 2718])
            for i, f in enumerate(fits)
        ]
        for origin in new
    ]
    out = record if record is not None else ReplayRecord()
    if blocks:
        months = np.stack([np.stack([m for m, _ in block]) for block in blocks])
        minima = None
        if adapt.minimum > 0:
            minima = np.stack([np.stack([low for _, low in block]) for block in blocks])
        out = out.extend(new, months, minima)
    return out.keep_after(wanted[0]) if wanted else out


@dataclass
class AutoResult(FittedModel):
    """Fitted components of an :class:`Auto` pool, their replay record and weights."""

    spec: Auto
    fits: list[FittedModel]
    record: ReplayRecord | None = None
    kept: tuple[int, ...] | None = None  # the components fitted (None: all of them)
    stepped_aside: list[str] = field(default_factory=list)

    @property
    def series(self) -> pd.Series:
        """The data of the first component (the longest window is not needed)."""
        return self.fits[0].series

    @property
    def name(self) -> str:
        """``auto[<component names>]``."""
        return "auto[" + " + ".join(f.name for f in self.fits) + "]"

    @cached_property
    def _weighting(self) -> tuple[tuple[float, ...], int]:
        prior = np.asarray(self.spec.weights)
        if self.kept is not None:
            prior = prior[list(self.kept)]
            prior = prior / prior.sum() if prior.sum() > 0 else np.full(len(prior), 1 / len(prior))
        adapt = self.spec.adapt
        if adapt is None or self.record is None:
            return tuple(prior), 0
        a, b, n = self.record.criterion(self._observed, adapt.minimum)
        w = learned_weights(a, b, n, prior, adapt.shrink)
        return tuple(float(v) for v in w), n

    @cached_property
    def _spread(self) -> tuple[np.ndarray | None, str | None]:
        """Spread factors of the pooled forecast (``None``: not rescaled) and their note."""
        spec = self.spec.recalibrate
        if spec is None or self.record is None or not len(self.record.origins):
            return None, None
        q = self.record.quantiles
        observed = observed_outcomes(self._observed, self.record.origins, q.shape[-1])
        factors, note = learn_factors(q, observed, np.asarray(self.weights), self.scale, spec)
        return factors, note

    @property
    def spread_factors(self) -> np.ndarray | None:
        """Spread factor of each month ahead (``None`` when the spread is not rescaled)."""
        return self._spread[0]

    @property
    def _observed(self) -> pd.Series:
        # the longest data any component kept: replay outcomes are looked up here
        return max((f.series for f in self.fits), key=len)

    @property
    def weights(self) -> tuple[float, ...]:
        """Share of the paths drawn from each component (learned, or the prior)."""
        return self._weighting[0]

    @property
    def params(self) -> pd.Series:
        """Weights, then the parameters of every component, prefixed with its number and name."""
        labels = self._labels()
        parts = [f.params.add_prefix(f"{a}: ") for f, a in zip(self.fits, labels, strict=True)]
        weights = pd.Series({f"weight[{a}]": w for a, w in zip(labels, self.weights, strict=True)})
        return pd.concat([weights, *parts])

    def _labels(self) -> list[str]:
        # numbered: two components may carry the same name (auto order choosing (1,1,0))
        return [f"{i + 1} {f.name}" for i, f in enumerate(self.fits)]

    @property
    def diagnostics(self) -> list[str]:
        """How the weights were set, then the diagnostics of every component."""
        notes = []
        if self.spec.adapt is not None:
            scored = self._weighting[1]
            notes.append(
                f"weights learned from {scored} replayed forecast months"
                if scored
                else "no replayed forecast could be scored: prior weights used"
            )
            if self._spread[1] is not None:
                notes.append(self._spread[1])
        notes += self.stepped_aside
        return notes + [f"{f.name}: {d}" for f in self.fits for d in f.diagnostics]

    @one_blas_thread
    def update(self, series: pd.Series) -> AutoResult:
        """Apply every component's estimates to new data; replay the new origins."""
        with kept_without_spread():  # as in the fit: flat members stay in the pool
            fits = [f.update(series) for f in self.fits]
        record = self.record
        if self.spec.adapt is not None:
            record = replay(self.fits, series, self.spec.adapt, record)
        return AutoResult(self.spec, fits, record, self.kept, self.stepped_aside)

    @property
    def calendar(self) -> ShockCalendar:
        """The shock calendar the components were fitted with (that of the first)."""
        return self.fits[0].calendar

    def shock_effects(self) -> pd.DataFrame:
        """Shock effects of the first component that has any (else the first's empty table)."""
        tables = [f.shock_effects() for f in self.fits]
        return next((t for t in tables if len(t)), tables[0])

    def _counts(self, n: int) -> list[int]:
        return [int(c) for c in member_counts(np.asarray(self.weights), n)]

    def forecast_scenarios(
        self,
        horizon: int,
        scenarios: Sequence[Scenario | None],
        n_paths: int = 10_000,
        rng: RNGLike = None,
    ) -> list[Forecast]:
        """Pooled forecasts of several scenarios (common random numbers within each component)."""
        scenarios = check_scenarios(scenarios)
        n = check_n_paths(n_paths)
        check_paths_memory(n, check_horizon(horizon), len(scenarios) + 1)  # + the pooled copy
        counts = self._counts(n)
        streams = as_generator(rng).spawn(len(self.fits))
        parts = [
            f.forecast_scenarios(horizon, scenarios, n_paths=c, rng=g) if c > 0 else None
            for f, c, g in zip(self.fits, counts, streams, strict=True)
        ]
        out = []
        for j, scenario in enumerate(scenarios):
            chosen = [p[j] for p in parts if p is not None]
            paths = np.vstack([fc.paths for fc in chosen])
            first = chosen[0]
            factors = self.spread_factors
            if factors is not None:
                paths = widen(paths, factors, first.scale)
            model = self.name + (f" | {scenario.name}" if scenario is not None else "")
            out.append(
                Forecast(
                    paths,
                    first.index,
                    first.scale,
                    history=first.history,
                    model=model,
                    meta={
                        "components": [f.name for f in self.fits],
                        "weights": list(self.weights),
                        "params": self.params.to_dict(),
                        "shocks_sha256": self.calendar.fingerprint(),
                        "spread_factors": None if factors is None else list(map(float, factors)),
                    },
                )
            )
        return out
