"""What every model family shares: the fit/forecast protocol and the input plumbing.

A model is a *specification* (``rf.ARIMA(order="auto")``); ``fit`` returns a new fitted
object; the fitted object's ``forecast`` returns an :class:`~relforecast.forecast.Forecast`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from relforecast._typing import RNGLike, as_generator
from relforecast.data import MIN_MONTHS, _parse_months, require_length, validate_series
from relforecast.exceptions import DataError, ForecastError
from relforecast.forecast import Forecast
from relforecast.scale import Scale
from relforecast.shocks import ShockCalendar

if TYPE_CHECKING:
    from relforecast.scenarios import Scenario

__all__ = [
    "FittedModel",
    "LikelihoodResult",
    "Model",
    "PathSimulator",
    "ScenarioForecaster",
    "capture_warnings",
    "clean_design",
    "future_index",
    "prepare_series",
]


@runtime_checkable
class Model(Protocol):
    """A model specification: ``fit`` it to a series (and optional shocks)."""

    def fit(self, series: pd.Series, shocks: ShockCalendar | None = None) -> FittedModel:
        """Estimate the model; return a fitted object."""
        ...


@runtime_checkable
class FittedModel(Protocol):
    """A fitted model: named parameters, diagnostics, and simulated forecasts."""

    params: pd.Series
    diagnostics: list[str]

    def forecast(
        self,
        horizon: int = 12,
        scenario: object | None = None,
        n_paths: int = 10_000,
        rng: RNGLike = None,
    ) -> Forecast:
        """Simulate ``n_paths`` future paths of ``horizon`` months."""
        ...


class LikelihoodResult:
    """Mixin for fitted models that wrap a statsmodels result in ``self.result``.

    Gives ``scale`` (from ``self.spec``), ``llf``, ``aic`` and ``bic``.
    """

    spec: object
    result: object

    @property
    def scale(self) -> Scale | None:
        """The scale of the scores (``None``: unbounded)."""
        return self.spec.scale

    @property
    def llf(self) -> float:
        """Maximised log-likelihood of the modelled (transformed) series."""
        return float(self.result.llf)

    @property
    def aic(self) -> float:
        """Akaike information criterion."""
        return float(self.result.aic)

    @property
    def bic(self) -> float:
        """Bayesian information criterion."""
        return float(self.result.bic)


class ScenarioForecaster:
    """Mixin: ``forecast`` as the one-scenario case of ``forecast_scenarios``."""

    def forecast(
        self,
        horizon: int = 12,
        scenario: Scenario | None = None,
        n_paths: int = 10_000,
        rng: RNGLike = None,
    ) -> Forecast:
        """Simulate future paths from the end of the sample.

        Parameters
        ----------
        horizon : int, default 12
            Months ahead.
        scenario : Scenario, optional
            Future shocks whose effects are added to every path (with the scenario's
            probability). Default: only the calendar the model was fitted with.
        n_paths : int, default 10_000
            Number of simulated paths.
        rng : Generator, int or None
            Random source; same seed, same paths. The paths and the scenario's effect draws
            use two independent streams spawned from it, so that forecasts of different
            scenarios with one seed share their base paths (common random numbers).

        Returns
        -------
        Forecast
        """
        return self.forecast_scenarios(horizon, [scenario], n_paths=n_paths, rng=rng)[0]


class PathSimulator(ScenarioForecaster):
    """Mixin: ``forecast_scenarios`` for models that simulate paths of the transformed series.

    A subclass provides ``series``, ``spec.scale``, ``name`` and
    ``_simulate_unbounded(index, n_paths, gen) -> (z_paths, regimes or None)``; scenarios add
    their shock effects to ``z_paths`` before the paths are mapped back to the scale.
    """

    series: pd.Series
    spec: object

    def _simulate_unbounded(
        self, index: pd.PeriodIndex, n_paths: int, gen: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray | None]:
        raise NotImplementedError

    def forecast_scenarios(
        self,
        horizon: int,
        scenarios: Sequence[Scenario | None],
        n_paths: int = 10_000,
        rng: RNGLike = None,
    ) -> list[Forecast]:
        """Forecasts of several scenarios from *one* set of base paths (common random numbers).

        Equivalent to calling :meth:`forecast` with the same seed for each scenario, but the
        base paths are simulated once. ``None`` stands for the baseline.
        """
        n = check_n_paths(n_paths)
        index = future_index(self.series.index[-1], horizon)
        base_gen, scenario_seq = as_generator(rng).spawn(2)
        z, regimes = self._simulate_unbounded(index, n, base_gen)
        scale = self.spec.scale
        out = []
        for scenario in scenarios:
            zs, model = z, self.name
            if scenario is not None:
                # every scenario draws its effects from a copy of the same stream
                gen = np.random.Generator(
                    type(scenario_seq.bit_generator)(scenario_seq.bit_generator.seed_seq)
                )
                zs = z + scenario.unbounded_effects(self, index, n, gen)
                model = f"{model} | {scenario.name}"
            paths = scale.from_unbounded(zs) if scale is not None else zs
            out.append(
                Forecast(
                    paths,
                    index,
                    scale,
                    history=self.series,
                    model=model,
                    regimes=regimes,
                    regime_names=getattr(self, "regime_names", None),
                    meta={
                        "params": self.params.to_dict(),
                        "n_paths": n,
                        "scenario": scenario.name if scenario is not None else None,
                    },
                )
            )
        return out


def shock_effect_table(
    calendar: ShockCalendar, by: str, columns: list[str], effects: list[float]
) -> pd.DataFrame:
    """Table (label, kind, effect) of fitted shock columns."""
    labels = zip(calendar.labels, (s.kind for s in calendar), strict=True)
    kinds = dict(labels) if by == "shock" else {}  # regressors and kinds: their own name
    return pd.DataFrame(
        {"label": columns, "kind": [kinds.get(c, c) for c in columns], "effect": effects}
    )


def prepare_series(
    series: pd.Series, scale: Scale | None, *, window: int | None = None, what: str = "the model"
) -> pd.Series:
    """Validate a series for fitting: monthly PeriodIndex, no gaps, inside the scale, long enough.

    ``window`` keeps only the last ``window`` months.
    """
    if not isinstance(series, pd.Series):
        raise DataError(
            f"expected a pandas Series of monthly scores, got {type(series).__name__}; "
            "load one with rf.load_scores"
        )
    if isinstance(series.index, pd.PeriodIndex):
        months = series.index.asfreq("M")
    else:
        months = _parse_months(series.index, "dates in the series index")
    name = str(series.name) if series.name is not None else "series"
    clean = validate_series(series.to_numpy(), months, name, scale=scale)
    if window is not None:
        if window < MIN_MONTHS:
            raise DataError(f"window={window} months is shorter than the minimum {MIN_MONTHS}")
        clean = clean.iloc[-window:]
    require_length(clean, MIN_MONTHS, what)
    return clean


def clean_design(design: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Drop dummy columns that cannot be estimated on the fitting span.

    A column that is constant over the span (a shock entirely before or after it) or a linear
    combination of earlier columns and a constant is dropped; the notes say which and why.
    """
    notes: list[str] = []
    keep: list[str] = []
    basis = np.ones((len(design), 1))
    for col in design.columns:
        x = design[col].to_numpy()
        if np.ptp(x) == 0:
            notes.append(
                f"shock {col!r} is constant over the fitting span; its effect is not "
                "estimated (set to 0)"
            )
            continue
        trial = np.column_stack([basis, x])
        if np.linalg.matrix_rank(trial) < trial.shape[1]:
            notes.append(
                f"shock {col!r} duplicates earlier shocks over the fitting span; "
                "its effect is not estimated (set to 0)"
            )
            continue
        basis = trial
        keep.append(col)
    return design[keep], notes


def future_index(last: pd.Period, horizon: int) -> pd.PeriodIndex:
    """The ``horizon`` months after ``last``."""
    if int(horizon) != horizon or horizon < 1:
        raise ForecastError(f"horizon must be a whole number of months >= 1, got {horizon!r}")
    return pd.period_range(last + 1, periods=int(horizon), freq="M")


def sqrt_psd(cov: np.ndarray) -> np.ndarray:
    """A matrix ``L`` with ``L @ L.T == cov`` for a (possibly singular) covariance."""
    values, vectors = np.linalg.eigh((cov + cov.T) / 2)
    return vectors * np.sqrt(np.clip(values, 0.0, None))


def check_n_paths(n_paths: int) -> int:
    """Validate the number of simulated paths."""
    if int(n_paths) != n_paths or n_paths < 1:
        raise ForecastError(f"n_paths must be a whole number >= 1, got {n_paths!r}")
    return int(n_paths)


@contextmanager
def capture_warnings(sink: list[str]) -> Iterator[None]:
    """Record warnings raised inside the block as strings in ``sink`` instead of printing them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        msg = f"{w.category.__name__}: {w.message}"
        if msg not in sink:
            sink.append(msg)
