"""Forecasts of many dyads in one run, and the per-dyad overview of an outlook window.

:func:`forecast_panel` fits one model to every dyad of a panel and simulates its paths, each
dyad as one task of the execution layer (:mod:`relforecast.panel.parallel`: this process, loky
workers or a Dask cluster). Each dyad's random stream is
:func:`~relforecast.panel.streams.origin_stream` of ``(seed, dyad name, model, last month)``, so a
dyad's forecast does not depend on the other dyads, their order, the number of workers or the
engine — and equals the backtest row of the same model at that origin.

:func:`panel_overview` reduces the per-dyad forecasts to one row a dyad over an outlook window:
the question that fits the dyad's state (P(crossing the threshold) for a dyad above it, P(back
at or above it) for one already below), P(below at the window's end), the median and central
band at the window's end, and the most likely level there. Joint questions across dyads are in
:mod:`relforecast.panel.joint`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from relforecast._typing import RNGLike, as_seed
from relforecast.exceptions import ForecastError, RelforecastError
from relforecast.forecast import Forecast
from relforecast.models.base import Model
from relforecast.models.registry import make_model
from relforecast.panel.parallel import Engine, run_tasks
from relforecast.panel.streams import origin_stream
from relforecast.periods import parse_window as parse_window_text
from relforecast.shocks import ShockCalendar

__all__ = ["forecast_panel", "panel_overview", "parse_window"]

DEFAULT_QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


def _panel_series(panel: pd.DataFrame | Mapping[str, pd.Series]) -> dict[str, pd.Series]:
    if isinstance(panel, pd.Series):
        panel = panel.to_frame()
    if isinstance(panel, pd.DataFrame):
        items = {str(c): panel[c].dropna() for c in panel.columns}
    elif isinstance(panel, Mapping):
        items = {str(k): pd.Series(v).dropna() for k, v in panel.items()}
    else:
        raise ForecastError(
            f"panel must be a DataFrame (one column a dyad, e.g. rf.load_panel) or a mapping "
            f"of dyad -> Series, got {type(panel).__name__}"
        )
    if not items:
        raise ForecastError("the panel has no dyads; load some with rf.load_panel")
    if len(items) != (len(panel.columns) if isinstance(panel, pd.DataFrame) else len(panel)):
        raise ForecastError("dyad names must be distinct once written as text")
    empty = [d for d, s in items.items() if s.empty]
    if empty:
        raise ForecastError(f"dyad(s) {', '.join(empty)} have no data; drop them from the panel")
    return {d: s.rename(d) for d, s in items.items()}


@dataclass(frozen=True)
class _DyadTask:
    dyad: str
    series: pd.Series
    spec: Model
    label: str
    horizon: int
    n_paths: int
    seed: int
    shocks: ShockCalendar | None
    thresholds: tuple[float, ...]
    quantiles: tuple[float, ...]
    keep: bool


@dataclass
class _DyadResult:
    dyad: str
    origin: int
    months: np.ndarray
    values: np.ndarray
    level_names: list[str]
    note: str | None
    forecast: Forecast | None


def _numbers(values: float | Iterable[float], name: str) -> tuple[float, ...]:
    """One number or several, as floats; a clear error for anything else."""
    if isinstance(values, int | float | np.number) and not isinstance(values, bool):
        return (float(values),)
    try:
        out = tuple(float(v) for v in values)  # type: ignore[union-attr]
    except (TypeError, ValueError) as exc:
        raise ForecastError(
            f"{name}={values!r} must be a number or a list of numbers, e.g. {name}=(-6, -3)"
        ) from exc
    if not out:
        raise ForecastError(f"{name}=() is empty; give at least one number")
    return out


def _summary(fc: Forecast, thresholds: Sequence[float], quantiles: Sequence[float]) -> np.ndarray:
    """(horizon, columns): mean, quantiles, P(cross T within 1..h), level probabilities."""
    parts = [fc.paths.mean(axis=0)[:, None], np.quantile(fc.paths, quantiles, axis=0).T]
    parts += [fc.prob_cross_curve(t).to_numpy()[:, None] for t in thresholds]
    if fc.scale.levels:
        parts.append(fc.level_probabilities().to_numpy())
    return np.hstack(parts)


def _forecast_dyad(task: _DyadTask) -> _DyadResult:
    series = task.series
    origin = series.index[-1]
    try:
        fit = task.spec.fit(series, shocks=task.shocks)
        rng = origin_stream(task.seed, task.dyad, task.label, origin)
        fc = fit.forecast(task.horizon, n_paths=task.n_paths, rng=rng)
    except RelforecastError as exc:
        empty = np.empty((0, 0))
        return _DyadResult(task.dyad, origin.ordinal, empty, empty, [], f"{task.dyad}: {exc}", None)
    levels = list(fc.scale.level_names("en"))  # none without bounds
    return _DyadResult(
        task.dyad,
        int(origin.ordinal),
        np.asarray(fc.index.asi8, dtype=np.int64),
        _summary(fc, task.thresholds, task.quantiles),
        levels,
        None,
        fc if task.keep else None,
    )


def forecast_panel(
    panel: pd.DataFrame | Mapping[str, pd.Series],
    model: str | Model = "auto",
    horizon: int = 12,
    n_paths: int = 2000,
    *,
    rng: RNGLike = 0,
    thresholds: float | Iterable[float] = (-6.0,),
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    shocks: ShockCalendar | Mapping[str, ShockCalendar] | None = None,
    return_forecasts: bool = False,
    workers: int | None = None,
    engine: Engine | None = None,
    scheduler: str | None = None,
    progress: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, dict[str, Forecast]]:
    """Forecast every dyad of a panel: one tidy table, and the per-dyad forecasts on request.

    Parameters
    ----------
    panel : DataFrame or mapping of dyad -> Series
        One column a dyad (``rf.load_panel``); each dyad is forecast from its own last month.
    model : str or model specification, default "auto"
        A name of :mod:`relforecast.models.registry` or a model specification.
    horizon : int, default 12
    n_paths : int, default 2000
    rng : int, Generator or None, default 0
        Seed of the run (the default, like ``rf.backtest``'s and the command line's, makes
        two calls give the same table); each dyad draws from
        :func:`~relforecast.panel.streams.origin_stream` of (seed, dyad, model, last month). A
        Generator contributes one seed drawn from it; None fresh entropy.
    thresholds : float or iterable of float, default (-6,)
        One ``p_cross_T`` column each: P(the published score goes strictly below T in months
        1..h).
    quantiles : sequence of float
        Quantile levels (columns ``q5``, ``q10``...).
    shocks : ShockCalendar or mapping of dyad -> ShockCalendar, optional
        Shocks the model is fitted with (one calendar for every dyad, or one a dyad).
    return_forecasts : bool, default False
        Also return the :class:`~relforecast.forecast.Forecast` of every dyad (their paths
        take ``n_paths x horizon x 8`` bytes each).
    workers, engine, scheduler
        Where the dyads run: see :func:`relforecast.panel.parallel.run_tasks`.
    progress : bool, default False
        Progress bar on stderr.

    Returns
    -------
    pd.DataFrame, or (DataFrame, dict of Forecast)
        One row per (dyad, month): ``dyad, model, origin, month, h, mean, q…, p_cross_T…`` and
        ``p_<level>`` for each level of the scale. ``attrs``: ``seed``, ``notes`` (dyads whose
        fit failed, with the reason; they have no rows).
    """
    series = _panel_series(panel)
    spec = make_model(model) if isinstance(model, str) else model
    label = model if isinstance(model, str) else str(getattr(spec, "name", type(spec).__name__))
    if int(horizon) != horizon or horizon < 1:
        raise ForecastError(f"horizon={horizon!r} must be a whole number of months >= 1")
    if int(n_paths) != n_paths or n_paths < 1:
        raise ForecastError(f"n_paths={n_paths!r} must be a whole number >= 1")
    thresholds = _numbers(thresholds, "thresholds")
    quantiles = _numbers(quantiles, "quantiles")
    if any(not 0 < q < 1 for q in quantiles):
        raise ForecastError(f"quantile levels {list(quantiles)} must lie strictly in (0, 1)")
    seed = as_seed(rng)  # a Generator gives one seed drawn from it; None fresh entropy
    tasks = [
        _DyadTask(
            dyad,
            s,
            spec,
            label,
            int(horizon),
            int(n_paths),
            seed,
            shocks.get(dyad) if isinstance(shocks, Mapping) else shocks,
            thresholds,
            quantiles,
            bool(return_forecasts),
        )
        for dyad, s in series.items()
    ]
    results = run_tasks(_forecast_dyad, tasks, workers=workers, engine=engine, scheduler=scheduler)
    if progress:
        results = _with_progress(results, len(tasks))
    table, forecasts = _assemble(results, label, thresholds, quantiles)
    table.attrs["seed"] = seed
    return (table, forecasts) if return_forecasts else table


def _with_progress(results: Iterator[_DyadResult], total: int) -> Iterator[_DyadResult]:
    from tqdm import tqdm

    with tqdm(total=total, desc="forecast", unit="dyad", file=sys.stderr, disable=None) as bar:
        for result in results:
            bar.update(1)
            yield result


def _assemble(
    results: Iterable[_DyadResult],
    label: str,
    thresholds: Sequence[float],
    quantiles: Sequence[float],
) -> tuple[pd.DataFrame, dict[str, Forecast]]:
    frames, notes, forecasts = [], [], {}
    levels: list[str] = []
    for r in results:
        if r.note is not None:
            notes.append(r.note)
            continue
        levels = levels or r.level_names
        months = pd.PeriodIndex.from_ordinals(r.months, freq="M")
        columns = [
            "mean",
            *(f"q{round(100 * q):d}" for q in quantiles),
            *(f"p_cross_{t:g}" for t in thresholds),
            *(f"p_{name}" for name in r.level_names),
        ]
        part = pd.DataFrame(r.values, columns=columns)
        part.insert(0, "h", np.arange(1, len(months) + 1))
        part.insert(0, "month", months.astype(str))
        part.insert(0, "origin", str(pd.Period(ordinal=r.origin, freq="M")))
        part.insert(0, "model", label)
        part.insert(0, "dyad", r.dyad)
        frames.append(part)
        if r.forecast is not None:
            forecasts[r.dyad] = r.forecast
    if not frames:
        raise ForecastError(
            "no dyad could be forecast: "
            + "; ".join(notes[:5])
            + (" ..." if len(notes) > 5 else "")
        )
    table = pd.concat(frames, ignore_index=True)
    table.attrs["notes"] = notes
    return table, forecasts


# ----------------------------------------------------------------------------- overview
def parse_window(
    window: str | tuple[Any, Any] | None, forecast: Forecast
) -> tuple[pd.Period, pd.Period]:
    """``"2025-07:2026-06"`` or ``(first, last)`` as months (read by
    :func:`relforecast.periods.parse_window`); ``None``: the forecast months."""
    if window is None:
        return forecast.index[0], forecast.index[-1]
    return parse_window_text(window)


def window_forecast(fc: Forecast, window: str | tuple[Any, Any] | None, dyad: str) -> Forecast:
    """The forecast restricted to the window, which must lie inside the forecast months."""
    first, last = parse_window(window, fc)
    if first < fc.index[0] or last > fc.index[-1]:
        raise ForecastError(
            f"{dyad}: the window {first}..{last} is not inside the forecast months "
            f"{fc.index[0]}..{fc.index[-1]}; forecast further ahead, or start the window after "
            "the dyad's last observed month"
        )
    return fc.window(first, last)


def panel_overview(
    forecasts: Mapping[str, Forecast],
    window: str | tuple[Any, Any] | None = None,
    *,
    threshold: float | None = None,
    coverage: float = 0.8,
    lang: str = "en",
) -> pd.DataFrame:
    """One row a dyad: the question that fits it, and where it stands at the window's end.

    Parameters
    ----------
    forecasts : mapping of dyad -> Forecast
        E.g. the second value of ``forecast_panel(..., return_forecasts=True)``; each must
        keep its history (its last observed value decides the question).
    window : str or (first, last), optional
        ``"2025-07:2026-06"``; default each forecast's own months.
    threshold : float, optional
        Default: the scale's critical point (-6).
    coverage : float, default 0.8
        Central band at the window's end.
    lang : {"en", "zh"}
        Language of the level names.

    Returns
    -------
    pd.DataFrame
        Index dyad; columns ``last_month``, ``last`` (observed), ``question`` (``"cross"``: P(the
        published score goes strictly below T in the window), for a dyad at or above T;
        ``"recover"``: P(it is at or above T in some month of the window), for a dyad already
        below), ``p`` and ``p_se`` (its Monte Carlo error), ``p_below_end`` (P(below T in the
        window's last month)), ``median_end``, ``lower_end``, ``upper_end`` (the central
        ``coverage`` band there), ``level_end`` and ``p_level_end`` (the most likely level
        there, and its probability).
    """
    if not forecasts:
        raise ForecastError(
            "no forecasts given; pass forecast_panel(..., return_forecasts=True)[1]"
        )
    rows = {}
    for dyad, fc in forecasts.items():
        if fc.history is None or fc.history.empty:
            raise ForecastError(f"{dyad}: the forecast keeps no history; its state is unknown")
        if not fc.scale.bounded:
            raise ForecastError(
                f"{dyad}: the forecast is on an unbounded scale (scale=None), so it has no "
                "levels or default threshold; forecast with a bounded scale such as "
                "rf.TSINGHUA_SCALE"
            )
        w = window_forecast(fc, window, dyad)
        t = float(threshold) if threshold is not None else float(fc.scale.critical)
        last = float(fc.history.iloc[-1])
        if float(fc.scale.round(last)) < t:
            hits = (w.values >= t).any(axis=1)
            question = "recover"
        else:
            hits = w.crossed(t)
            question = "cross"
        p = float(hits.mean())
        band = w.interval(coverage).iloc[-1]
        levels = w.level_probabilities(lang).iloc[-1]
        rows[dyad] = {
            "last_month": str(fc.history.index[-1]),
            "last": last,
            "question": question,
            "threshold": t,
            "window": f"{w.index[0]}:{w.index[-1]}",
            "p": p,
            "p_se": float(np.sqrt(p * (1 - p) / w.n_paths)),
            "p_below_end": float((w.values[:, -1] < t).mean()),
            "median_end": float(np.median(w.paths[:, -1])),
            "lower_end": float(band["lower"]),
            "upper_end": float(band["upper"]),
            "level_end": str(levels.idxmax()),
            "p_level_end": float(levels.max()),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "dyad"
    return out
