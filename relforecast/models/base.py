"""What every model family shares: the one fitted-model contract and the input plumbing.

A model is a *specification* (``rf.ARIMA(order="auto")``, a :class:`Model`); ``fit`` returns a
new fitted object (a :class:`FittedModel`); the fitted object's ``forecast`` returns an
:class:`~relforecast.forecast.Forecast`.

Every fitted family provides the whole contract of :class:`FittedModel` — the backtest, the
scenario comparison, the ``auto`` pool and the spread calibration rely on nothing else — and
honours every argument of it: a scenario is applied by every family, and an input a family
cannot use is refused with a clear error, never ignored. ``tests/models/test_contract.py``
checks the contract on every family and variant.
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from relforecast._blas import one_blas_thread
from relforecast._memory import check_request
from relforecast._typing import RNGLike, as_generator, as_number
from relforecast.data import MIN_MONTHS, require_length, validate_series
from relforecast.exceptions import DataError, FitError, ForecastError, SpecError
from relforecast.forecast import Forecast
from relforecast.periods import parse_months
from relforecast.scale import Scale, as_scale
from relforecast.shocks import ShockCalendar

if TYPE_CHECKING:
    from relforecast.scenarios import Scenario

__all__ = [
    "BorrowedEffects",
    "BorrowsShockEffects",
    "FittedModel",
    "LikelihoodResult",
    "Model",
    "PathSimulator",
    "SpecLabel",
    "Wrapping",
    "capture_warnings",
    "check_horizon",
    "check_n_paths",
    "check_paths_memory",
    "check_scenarios",
    "check_whole",
    "clean_design",
    "future_index",
    "kept_without_spread",
    "prepare_series",
    "refuse_constant",
    "refuse_other_grid",
    "scenario_stream",
    "shock_effect_table",
    "sqrt_psd",
]


@runtime_checkable
class Model(Protocol):
    """A model specification: a name, the scale of the scores, and ``fit``."""

    @property
    def name(self) -> str:
        """Short label of the specification."""
        ...

    @property
    def scale(self) -> Scale:
        """Scale of the scores (:data:`~relforecast.scale.UNBOUNDED_SCALE`: no bounds)."""
        ...

    def fit(self, series: pd.Series, shocks: ShockCalendar | None = None) -> FittedModel:
        """Estimate the model on ``series`` (with the dummies of ``shocks``)."""
        ...


class FittedModel(ABC):
    """The contract every fitted model honours.

    Attributes
    ----------
    spec : Model
        The specification that was fitted.
    series : pd.Series
        The data the model kept (after its window), on a monthly ``PeriodIndex``.
    calendar : ShockCalendar
        The shocks it was fitted with (empty when none); scenarios and future dummies read it.
    diagnostics : list of str
        Notes on the fit: captured warnings, dropped shocks, choices made.
    name, params
        Label of the fitted model; named estimates.
    regime_names : list of str
        Regime models only: the names of the regimes, in the order of their codes.

    Methods
    -------
    update(series)
        The same estimates applied to new data (used between refits and for replays).
    shock_effects()
        Table (label, kind, effect) of the estimated shock effects, transformed units.
    forecast_scenarios(horizon, scenarios, n_paths, rng)
        One forecast per scenario (``None``: the baseline) from common random numbers.
    forecast(horizon, scenario, n_paths, rng)
        One forecast: the one-scenario case of ``forecast_scenarios``.
    """

    spec: Model
    series: pd.Series
    calendar: ShockCalendar
    diagnostics: list[str]

    @property
    @abstractmethod
    def name(self) -> str:
        """Label of the fitted model."""

    @property
    @abstractmethod
    def params(self) -> pd.Series:
        """Named estimates."""

    @property
    def scale(self) -> Scale:
        """The scale of the scores (:data:`~relforecast.scale.UNBOUNDED_SCALE`: no bounds)."""
        return as_scale(self.spec.scale)

    @abstractmethod
    def update(self, series: pd.Series) -> FittedModel:
        """The same estimates applied to ``series`` (nothing re-estimated)."""

    @abstractmethod
    def shock_effects(self) -> pd.DataFrame:
        """Estimated effect of each fitted shock column (label, kind, effect)."""

    @abstractmethod
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
            use two independent streams derived from it, so that forecasts of different
            scenarios with one seed share their base paths (common random numbers).

        Returns
        -------
        Forecast
        """
        return self.forecast_scenarios(horizon, [scenario], n_paths=n_paths, rng=rng)[0]


@runtime_checkable
class BorrowsShockEffects(Protocol):
    """A fitted model that estimates no shock effects of its own and can use effects estimated
    by another (the ``auto`` pool lends them, so that scenarios move every member)."""

    def with_effects(self, table: pd.DataFrame | None) -> FittedModel:
        """The same fit, using ``table`` (like :meth:`FittedModel.shock_effects`)."""
        ...


class Wrapping:
    """Mixin for fitted models that wrap another fit (their ``wrapped``): its data, shock
    calendar and shock effects are theirs."""

    @property
    def wrapped(self) -> FittedModel:
        """The wrapped fit."""
        raise NotImplementedError

    @property
    def series(self) -> pd.Series:
        """The data the wrapped model was fitted to."""
        return self.wrapped.series

    @property
    def calendar(self) -> ShockCalendar:
        """The wrapped fit's shock calendar."""
        return self.wrapped.calendar

    def shock_effects(self) -> pd.DataFrame:
        """The wrapped fit's shock effects."""
        return self.wrapped.shock_effects()


class SpecLabel:
    """Mixin for fitted models labelled by their specification (a ``spec`` field)."""

    spec: Any

    @property
    def name(self) -> str:
        """Label of the model."""
        return self.spec.name


class BorrowedEffects:
    """Mixin for fitted models (dataclasses with ``calendar`` and ``borrowed_effects`` fields)
    that estimate no shock effects of their own: scenarios use effects estimated by another
    fit (:class:`BorrowsShockEffects`; the ``auto`` pool lends them), and an update refits on
    the new data keeping them."""

    def update(self, series: pd.Series) -> FittedModel:
        """Refit on new data (nothing to keep but the calendar and the borrowed effects)."""
        return self.spec.fit(series, shocks=self.calendar).with_effects(self.borrowed_effects)

    def with_effects(self, table: pd.DataFrame | None) -> FittedModel:
        """The same fit using shock effects estimated elsewhere (a table like
        :meth:`FittedModel.shock_effects` of another fitted model), for scenarios."""
        return replace(self, borrowed_effects=table)

    def shock_effects(self) -> pd.DataFrame:
        """Borrowed shock effects (see :meth:`with_effects`); none are estimated here."""
        if self.borrowed_effects is not None:
            return self.borrowed_effects
        return shock_effect_table(self.calendar, "kind", [], [])


class LikelihoodResult:
    """Mixin for fitted models that wrap a statsmodels result in ``self.result``.

    Gives ``llf``, ``aic`` and ``bic``.
    """

    result: Any

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


def check_scenarios(scenarios: Sequence[Scenario | None]) -> list[Scenario | None]:
    """The scenarios of a ``forecast_scenarios`` call: a list of Scenario objects or ``None``."""
    from relforecast.scenarios import Scenario

    if isinstance(scenarios, Scenario | str | bytes) or not isinstance(scenarios, Sequence):
        raise ForecastError(
            f"scenarios must be a list of rf.Scenario (or None for the baseline), got {scenarios!r}"
        )
    for scenario in scenarios:
        if scenario is not None and not isinstance(scenario, Scenario):
            raise ForecastError(
                f"scenario {scenario!r} is not an rf.Scenario; build one with "
                "rf.Scenario(name, shocks) or rf.load_scenarios(file)"
            )
    return list(scenarios)


def scenario_stream(stream: np.random.Generator) -> np.random.Generator:
    """A fresh copy of a scenario stream: every scenario draws the same numbers from it."""
    bit_generator = stream.bit_generator
    return np.random.Generator(type(bit_generator)(bit_generator.seed_seq))


class PathSimulator(FittedModel):
    """``forecast_scenarios`` for models that simulate paths of the transformed series.

    A subclass provides ``_simulate_unbounded(index, n_paths, gen) -> (z_paths, regimes or
    None)``; scenarios add their shock effects to ``z_paths`` before the paths are mapped back
    to the scale.
    """

    @abstractmethod
    def _simulate_unbounded(
        self, index: pd.PeriodIndex, n_paths: int, gen: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Paths of the transformed series and, for regime models, the regime paths."""

    @one_blas_thread
    def forecast_scenarios(
        self,
        horizon: int,
        scenarios: Sequence[Scenario | None],
        n_paths: int = 10_000,
        rng: RNGLike = None,
    ) -> list[Forecast]:
        """As :meth:`FittedModel.forecast_scenarios`: the paths of the transformed series are
        simulated once (``_simulate_unbounded``) and every scenario's effects added to them."""
        todo = check_scenarios(scenarios)
        n = check_n_paths(n_paths)
        index = future_index(self.series.index[-1], horizon)
        check_paths_memory(n, len(index), len(todo))
        base_gen, scenario_seq = as_generator(rng).spawn(2)
        z, regimes = self._simulate_unbounded(index, n, base_gen)
        scale = self.spec.scale
        out = []
        for scenario in todo:
            zs, model = z, self.name
            if scenario is not None:
                gen = scenario_stream(scenario_seq)
                zs = z + scenario.unbounded_effects(self, index, n, gen)
                model = f"{model} | {scenario.name}"
            paths = scale.from_unbounded(zs)
            out.append(
                Forecast(
                    paths,
                    index,
                    scale,
                    history=self.series,
                    model=model,
                    regimes=regimes,
                    regime_names=getattr(self, "regime_names", None),  # regime models
                    meta={
                        "params": self.params.to_dict(),
                        "n_paths": n,
                        "scenario": scenario.name if scenario is not None else None,
                        "shocks_sha256": self.calendar.fingerprint(),
                    },
                )
            )
        return out


def check_whole(
    value: object,
    option: str,
    owner: str,
    *,
    minimum: int,
    maximum: int | None = None,
    hint: str = "",
) -> int:
    """A whole-number option of a specification, or a :class:`SpecError` naming it."""
    number = as_number(value) if not isinstance(value, str) else None
    if (
        number is None
        or not np.isfinite(number)
        or not number.is_integer()
        or number < minimum
        or (maximum is not None and number > maximum)
    ):
        span = f"from {minimum} to {maximum}" if maximum is not None else f">= {minimum}"
        raise SpecError(
            f"{owner}: {option}={value!r} must be a whole number {span}{hint and '; ' + hint}"
        )
    return int(number)


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
    months = parse_months(series.index, "dates in the series index")
    name = str(series.name) if series.name is not None else "series"
    refuse_other_grid(series, scale, what)
    clean = validate_series(series.to_numpy(), months, name, scale=scale, grid=False)
    if window is not None:
        if window < MIN_MONTHS:
            raise DataError(f"window={window} months is shorter than the minimum {MIN_MONTHS}")
        clean = clean.iloc[-window:]
    require_length(clean, MIN_MONTHS, what)
    return clean


def refuse_other_grid(data: object, scale: Scale | None, what: str) -> None:
    """Refuse scores loaded on one scale (``data.attrs["scale"]``, set by
    :func:`relforecast.data.load_scores` and ``load_panel``) for a model that would publish them
    on another scale's grid — an event index taken for a Tsinghua series, without a word.

    ``data`` is a series (named after its ``name``) or a panel ("the data"); anything else has
    no declared scale. ``what`` names the model.
    """
    declared = getattr(data, "attrs", {}).get("scale")
    model_scale = as_scale(scale)
    if not isinstance(declared, Scale) or model_scale.step is None:
        return
    grid = ("lower", "upper", "step")  # the same bounds and steps: the same published values
    if [getattr(declared, g) for g in grid] == [getattr(model_scale, g) for g in grid]:
        return
    named = getattr(data, "name", None) if isinstance(data, pd.Series) else None
    name = repr(str(named)) if named is not None else "the data"
    raise DataError(
        f"{name} was loaded on the scale {declared.name!r} and {what} is on the scale "
        f"{model_scale.name!r}, whose grid of {model_scale.step:g} it would be published in; "
        f"build the model on the series' scale (e.g. rf.Auto(scale={declared.name!r}), "
        f"rf.ARIMA(scale={declared.name!r}); CLI: --scale) or load the series on the model's "
        "scale"
    )


_WITHOUT_SPREAD: ContextVar[list[str] | None] = ContextVar("without_spread", default=None)


@contextmanager
def kept_without_spread() -> Iterator[list[str]]:
    """Within the block, a model whose data is constant (:func:`refuse_constant`) is fitted
    instead of refused, and the reason it would have been refused is added to the list yielded.

    A pool uses it for its members: a member with no spread of its own is a point mass at
    "unchanged", a fair part of a mixture whose other members carry the spread (the pool
    refuses when none does). Alone, such a forecast would claim a certainty no data supports.
    """
    notes: list[str] = []
    token = _WITHOUT_SPREAD.set(notes)
    try:
        yield notes
    finally:
        _WITHOUT_SPREAD.reset(token)


def refuse_constant(
    series: pd.Series, kept: pd.Series, what: str, *, pooled: bool = True, why: str = ""
) -> None:
    """Raise a :class:`FitError` when ``kept``, the months a model draws its spread from, are
    all equal: its forecast would have no spread at all. ``series`` is the data the model was
    given (``kept`` is the end of it).

    The message names the series, the value, the months and how far back the series last
    moved (the window that would reach it). With ``pooled`` (a model that can still simulate,
    e.g. a bootstrap of zero changes), inside :func:`kept_without_spread` the model is kept and
    the message noted instead. ``why`` replaces the default reason (for a model that cannot be
    estimated at all, such as an ARIMA).
    """
    values = kept.to_numpy(dtype=float)
    if len(values) == 0 or np.ptp(values) > 0:
        return
    months = f"{kept.index[0]} to {kept.index[-1]}"
    span = f"its {len(kept)}" if len(kept) == len(series) else f"its last {len(kept)}"
    full = prepare_series(series, None, what=what)  # sorted, as the model read it
    moves = np.flatnonzero(np.diff(full.to_numpy()))
    if len(moves):
        last = int(moves[-1])
        needed = len(full) - last
        fix = (
            f"it last changed in {full.index[last + 1]} (from {full.iloc[last]:g}): a model "
            f"fitted on at least {needed} months would see it move (in Python: window={needed} "
            "or more), or use a span in which it moves"
        )
    else:
        fix = "it never moves, so no model can learn a spread from it; use a span in which it moves"
    reason = why or f"{what} would forecast it with no spread at all, a certainty no data supports"
    message = (
        f"{str(kept.name)!r} is constant at {values[-1]:g} over {span} months ({months}): "
        f"{reason}; {fix}"
    )
    notes = _WITHOUT_SPREAD.get()
    if pooled and notes is not None:
        notes.append(message)
        return
    raise FitError(message)


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


def check_horizon(horizon: int) -> int:
    """Validate a horizon: a whole number of months >= 1."""
    h = as_number(horizon) if not isinstance(horizon, str) else None
    if h is None or not np.isfinite(h) or not h.is_integer() or h < 1:
        raise ForecastError(f"horizon must be a whole number of months >= 1, got {horizon!r}")
    return int(h)


def future_index(last: pd.Period, horizon: int) -> pd.PeriodIndex:
    """The ``horizon`` months after ``last``."""
    return pd.period_range(last + 1, periods=check_horizon(horizon), freq="M")


def check_paths_memory(n_paths: int, horizon: int, scenarios: int = 1) -> None:
    """Refuse, before anything is simulated, paths that would not fit in memory: the base
    paths, their transformed copy and regimes, and one set of paths per scenario, as float64."""
    copies = 3 + scenarios
    check_request(
        8.0 * n_paths * horizon * copies,
        f"{n_paths} paths x {horizon} months"
        + (f" x {scenarios} scenarios" if scenarios > 1 else ""),
        "use fewer paths (--paths) or a shorter horizon",
    )


def sqrt_psd(cov: np.ndarray) -> np.ndarray:
    """A matrix ``L`` with ``L @ L.T == cov`` for a (possibly singular) covariance."""
    values, vectors = np.linalg.eigh((cov + cov.T) / 2)
    return vectors * np.sqrt(np.clip(values, 0.0, None))


def check_n_paths(n_paths: int) -> int:
    """Validate the number of simulated paths."""
    n = as_number(n_paths) if not isinstance(n_paths, str) else None
    if n is None or not np.isfinite(n) or not n.is_integer() or n < 1:
        raise ForecastError(f"n_paths must be a whole number >= 1, got {n_paths!r}")
    return int(n)


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
