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

The components, the replay lookback and the shrinkage were chosen by leave-one-dyad-out
evaluation on the shared dyads (``benchmarks/generalisation.py``; docs/evaluation.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from relforecast._blas import one_blas_thread
from relforecast._typing import RNGLike, as_generator
from relforecast.exceptions import RelforecastError, SpecError
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
)
from relforecast.models.catalogue import pool_models
from relforecast.scale import Scale, as_scale
from relforecast.shocks import ShockCalendar

if TYPE_CHECKING:
    from relforecast.scenarios import Scenario

__all__ = ["Auto", "AutoResult"]


@dataclass(frozen=True)
class Auto:
    """Linear pool of model specifications, weighted by their replayed skill on the series.

    Parameters
    ----------
    components : sequence of model specifications
        Default: the members of :data:`relforecast.models.registry.POOL` —
        ``ARIMA(order=(1, 1, 1), window=240)``, ``ARIMA(order=(1, 1, 0), window=240)`` and
        ``MarkovSwitching(k_regimes=2, form="diff", momentum=12, window=240)``, each
        published in whole steps (:class:`~relforecast.models.sticky.Sticky`),
        ``BlockBootstrap(window=240, block=12)``, ``BlockBootstrap(window=120, block=12)`` and
        ``BlockBootstrap(window=120, block=1)``.
    weights : sequence of float, optional
        Prior share of the paths drawn from each component (default equal). Without
        adaptation these are the weights used.
    adapt : Adaptation or None, default Adaptation()
        How the weights are learned from the series' own replayed forecasts
        (:mod:`relforecast.models.adaptive`); ``None`` keeps the prior weights.
    """

    components: Sequence[Model] = field(default_factory=pool_models)
    weights: Sequence[float] | None = None
    adapt: Adaptation | None = field(default_factory=Adaptation)

    def __post_init__(self) -> None:
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

    @property
    def name(self) -> str:
        """Label of the pool."""
        return "auto"

    @property
    def scale(self) -> Scale:
        """Scale of the first component."""
        return as_scale(self.components[0].scale)

    @one_blas_thread
    def fit(self, series: pd.Series, shocks: ShockCalendar | None = None) -> AutoResult:
        """Fit every component on the same data, then replay them to learn the weights."""
        fits = [c.fit(series, shocks=shocks) for c in self.components]
        # components that estimate no shock effects (the block bootstrap) use the first
        # estimated ones, so that scenarios move every part of the pool
        donor = AutoResult(self, fits).shock_effects()
        if len(donor):
            fits = [
                f.with_effects(donor) if isinstance(f, BorrowsShockEffects) else f for f in fits
            ]
        record = replay(fits, series, self.adapt) if self.adapt is not None else None
        return AutoResult(self, fits, record)


def _weights(values: object) -> np.ndarray | None:
    """Prior weights as floats, or ``None`` when they are not numbers."""
    try:
        w = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return None
    return w if w.ndim == 1 and np.all(np.isfinite(w)) else None


def _replay_one(
    fit: FittedModel, history: pd.Series, adapt: Adaptation, seed: list[int]
) -> np.ndarray:
    """Mid-quantiles (m, horizon) of one component replayed on ``history``; NaN on failure."""
    try:
        paths = (
            fit.update(history)
            .forecast(adapt.horizon, n_paths=adapt.n_paths, rng=np.random.default_rng(seed))
            .paths
        )
    except RelforecastError:
        return np.full((adapt.quantiles, adapt.horizon), np.nan)
    return np.quantile(paths, adapt.levels, axis=0)


def replay(
    fits: Sequence[FittedModel],
    series: pd.Series,
    adapt: Adaptation,
    record: ReplayRecord | None = None,
) -> ReplayRecord:
    """The replay record of fitted components on ``series`` (see
    :mod:`relforecast.models.adaptive`), reusing the origins already in ``record``."""
    last = series.index[-1]
    wanted = adapt.origins(last)
    have = set(record.origins) if record is not None else set()
    new = [o for o in wanted if o not in have and o in series.index]
    blocks = [
        np.stack(
            [
                _replay_one(f, series.loc[:origin], adapt, [int(origin.ordinal), i, 2718])
                for i, f in enumerate(fits)
            ]
        )
        for origin in new
    ]
    out = record if record is not None else ReplayRecord()
    if blocks:
        out = out.extend(new, np.stack(blocks))
    return out.keep_after(wanted[0]) if wanted else out


@dataclass
class AutoResult(FittedModel):
    """Fitted components of an :class:`Auto` pool, their replay record and weights."""

    spec: Auto
    fits: list[FittedModel]
    record: ReplayRecord | None = None

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
        adapt = self.spec.adapt
        if adapt is None or self.record is None:
            return tuple(prior), 0
        a, b, n = self.record.criterion(self._observed)
        w = learned_weights(a, b, n, prior, adapt.shrink)
        return tuple(float(v) for v in w), n

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
        return notes + [f"{f.name}: {d}" for f in self.fits for d in f.diagnostics]

    @one_blas_thread
    def update(self, series: pd.Series) -> AutoResult:
        """Apply every component's estimates to new data; replay the new origins."""
        fits = [f.update(series) for f in self.fits]
        record = self.record
        if self.spec.adapt is not None:
            record = replay(self.fits, series, self.spec.adapt, record)
        return AutoResult(self.spec, fits, record)

    @property
    def calendar(self) -> ShockCalendar:
        """The shock calendar the components were fitted with (that of the first)."""
        return self.fits[0].calendar

    def shock_effects(self) -> pd.DataFrame:
        """Shock effects of the first component that has any (else the first's empty table)."""
        tables = [f.shock_effects() for f in self.fits]
        return next((t for t in tables if len(t)), tables[0])

    def _counts(self, n: int) -> list[int]:
        counts = np.floor(np.asarray(self.weights) * n).astype(int)
        counts[int(np.argmax(self.weights))] += n - counts.sum()
        return [int(c) for c in counts]

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
                    },
                )
            )
        return out
