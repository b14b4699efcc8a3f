"""Rolling-origin backtests: refit at each origin on the data up to it, forecast, record.

One row per (dyad, model, origin, h) — the CSV contract of ``relforecast backtest``:
``dyad, model, origin`` (the last month the model saw), ``h``, ``target``, ``mean``,
``q5 … q95`` (19 quantiles) and ``cross_T`` = P(min of the path over months 1…h < T) per
threshold. Nothing after an origin can influence its rows: each fit sees
``series.loc[:origin]`` only (window, shocks and order choice included), and every origin's
random stream is derived from ``(seed, dyad, origin)`` alone, so results do not depend on the
order in which origins or workers run.

Refit policy (``refit_every=k``): the model is estimated from scratch at every k-th origin of a
dyad; at the origins in between, the last estimates are applied to the longer data (the
state or regime filter runs through the new months, nothing is re-estimated). ``k=1`` is
refitting at every origin.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from relforecast._typing import RNGLike, as_seed
from relforecast.exceptions import ForecastError, RelforecastError
from relforecast.models.registry import make_model  # the model names live in the registry
from relforecast.periods import parse_origins  # origin lists live in relforecast.periods
from relforecast.shocks import ShockCalendar

__all__ = ["QUANTILE_LEVELS", "backtest", "make_model", "parse_origins"]

QUANTILE_LEVELS = tuple(round(0.05 * i, 2) for i in range(1, 20))
QUANTILE_COLUMNS = tuple(f"q{round(100 * q)}" for q in QUANTILE_LEVELS)


def _stream(seed: int, dyad_index: int, origin: pd.Period) -> np.random.Generator:
    return np.random.default_rng([seed, dyad_index, int(origin.ordinal) + 10_000])


def _rows(
    dyad: str, model: str, origin: pd.Period, fc: Any, thresholds: Sequence[float]
) -> list[dict[str, Any]]:
    qs = np.quantile(fc.paths, QUANTILE_LEVELS, axis=0)  # (19, horizon)
    cross = {t: fc.prob_cross_curve(t).to_numpy() for t in thresholds}
    mean = fc.paths.mean(axis=0)
    rows = []
    for h in range(fc.horizon):
        row = {
            "dyad": dyad,
            "model": model,
            "origin": str(origin),
            "h": h + 1,
            "target": str(fc.index[h]),
            "mean": mean[h],
        }
        row.update({c: qs[j, h] for j, c in enumerate(QUANTILE_COLUMNS)})
        row.update({f"cross_{t:g}": cross[t][h] for t in thresholds})
        rows.append(row)
    return rows


def _run_dyad(task: tuple) -> tuple[list[dict[str, Any]], list[str]]:
    """Run one block of consecutive origins of one dyad (the block starts with a refit)."""
    (
        dyad,
        dyad_index,
        series,
        spec,
        label,
        origins,
        horizon,
        thresholds,
        n_paths,
        seed,
        refit_every,
        shocks,
    ) = task
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    fit = None
    for i, origin in enumerate(origins):
        history = series.loc[:origin]
        if history.empty or history.index[-1] != origin:
            notes.append(f"{dyad} {origin}: no data at the origin, skipped")
            continue
        calendar = shocks.between(None, origin) if shocks is not None else None
        try:
            if fit is None or i % refit_every == 0 or not hasattr(fit, "update"):
                fit = spec.fit(history, shocks=calendar)
            else:
                fit = fit.update(history)
            fc = fit.forecast(horizon, n_paths=n_paths, rng=_stream(seed, dyad_index, origin))
        except RelforecastError as exc:
            notes.append(f"{dyad} {origin}: {exc}")
            fit = None
            continue
        rows.extend(_rows(dyad, label, origin, fc, thresholds))
    return rows, notes


def backtest(
    data: pd.Series | pd.DataFrame,
    model: Any = "auto",
    origins: str | Sequence[Any] = "1995-06:2024-06",
    horizon: int = 12,
    *,
    every: int = 12,
    thresholds: Iterable[float] = (-6, -3, 0, 3),
    n_paths: int = 2000,
    rng: RNGLike = 0,
    shocks: dict[str, ShockCalendar] | ShockCalendar | None = None,
    refit_every: int = 1,
    workers: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """Rolling-origin backtest of one or several models on one or several dyads.

    Parameters
    ----------
    data : Series or DataFrame
        One dyad (a series) or a panel (``rf.load_panel``: one column per dyad).
    model : str, model specification, or a list of them
        Names of :mod:`relforecast.models.registry` (``"auto"``, ``"arima"``, ``"markov"``,
        ``"block"``, ``"rw-gauss"``, ``"rw-boot"``, ``"arima110"``, ``"arima111"``) or
        specifications.
    origins : str or sequence
        ``"1995-06:2024-06"`` (with ``every``) or a list of months: the last month each fit
        sees.
    horizon : int, default 12
    every : int, default 12
        Step between origins of a span.
    thresholds : iterable of float
        One ``cross_T`` column each.
    n_paths : int, default 2000
    rng : int, Generator or None, default 0
        Seed; each (dyad, origin) gets its own stream derived from it (a Generator gives one
        seed; ``None`` draws one from fresh entropy).
    shocks : ShockCalendar or dict of them (by dyad), optional
        Shocks the models are fitted with; only those starting by the origin are used.
    refit_every : int, default 1
        Re-estimate every this many origins; in between, apply the last estimates to the
        longer data (see the module docstring).
    workers : int, default 1
        Parallel processes (dyads are spread over them).
    progress : bool, default False
        Show a progress bar on stderr.

    Returns
    -------
    pd.DataFrame
        The contract columns; ``attrs["notes"]`` lists skipped origins and failures.
    """
    panel = data.to_frame() if isinstance(data, pd.Series) else data
    origin_list = parse_origins(origins, every)
    rng = as_seed(rng)
    thresholds = [float(t) for t in thresholds]
    if refit_every < 1:
        raise ForecastError(f"refit_every={refit_every!r} must be at least 1")
    models = model if isinstance(model, list | tuple) else [model]
    # blocks of consecutive origins, each a whole number of refit cycles: the refit schedule
    # is the same as running every origin of a dyad in one go, and the work spreads evenly
    block = refit_every * max(1, -(-24 // refit_every))
    tasks = []
    for m in models:
        spec = make_model(m) if isinstance(m, str) else m
        label = m if isinstance(m, str) else getattr(spec, "name", type(spec).__name__)
        for j, dyad in enumerate(panel.columns):
            series = panel[dyad].dropna()
            cal = shocks.get(dyad) if isinstance(shocks, dict) else shocks
            for start in range(0, len(origin_list), block):
                tasks.append(
                    (
                        str(dyad),
                        j,
                        series,
                        spec,
                        label,
                        origin_list[start : start + block],
                        horizon,
                        thresholds,
                        n_paths,
                        rng,
                        refit_every,
                        cal,
                    )
                )
    results = _execute(tasks, workers, progress)
    rows = [r for chunk, _ in results for r in chunk]
    notes = [n for _, chunk in results for n in chunk]
    columns = [
        "dyad",
        "model",
        "origin",
        "h",
        "target",
        "mean",
        *QUANTILE_COLUMNS,
        *(f"cross_{t:g}" for t in thresholds),
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs["notes"] = notes
    return frame


def _execute(tasks: list[tuple], workers: int, progress: bool) -> list[tuple]:
    bar = None
    if progress:
        from tqdm import tqdm

        origins = sum(len(t[5]) for t in tasks)
        bar = tqdm(total=origins, desc="backtest", unit="origin", file=sys.stderr)
    out = []
    if workers > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for task, result in zip(tasks, pool.map(_run_dyad, tasks), strict=True):
                out.append(result)
                if bar is not None:
                    bar.update(len(task[5]))
    else:
        for task in tasks:
            out.append(_run_dyad(task))
            if bar is not None:
                bar.update(len(task[5]))
    if bar is not None:
        bar.close()
    return out
