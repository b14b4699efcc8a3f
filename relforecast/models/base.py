"""What every model family shares: the fit/forecast protocol and the input plumbing.

A model is a *specification* (``rf.ARIMA(order="auto")``); ``fit`` returns a new fitted
object; the fitted object's ``forecast`` returns an :class:`~relforecast.forecast.Forecast`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from relforecast._typing import RNGLike
from relforecast.data import MIN_MONTHS, _parse_months, require_length, validate_series
from relforecast.exceptions import DataError, ForecastError
from relforecast.forecast import Forecast
from relforecast.scale import Scale
from relforecast.shocks import ShockCalendar

__all__ = [
    "FittedModel",
    "LikelihoodResult",
    "Model",
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
