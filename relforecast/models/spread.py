"""Model spread: the report's question asked of every part of the model and of baselines.

The parts are found generically: a pooled model's fitted result lists its fitted components
in ``.fits`` (each with a ``.name``), whatever the pool is made of; the reference models are
the baselines of :mod:`relforecast.models.registry` (by default ``rw-gauss``, ``rw-boot``,
``arima110``), fitted on the same data. Each is simulated over the same window from its own
random stream, and answers the headline question with its Monte Carlo error, with its median
and 80 % interval at the window's end.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from relforecast.exceptions import RelforecastError
from relforecast.forecast import Forecast
from relforecast.models.registry import make_model
from relforecast.questions import Question
from relforecast.scale import TSINGHUA_SCALE
from relforecast.scenarios import forecast_in_window

__all__ = ["BASELINES", "model_spread"]

BASELINES: tuple[str, ...] = ("rw-gauss", "rw-boot", "arima110")


def _windowed(fit: Any, first: pd.Period, end: pd.Period, n_paths: int, seed: Any) -> Forecast:
    last = fit.series.index[-1]
    fc = fit.forecast((end - last).n, n_paths=n_paths, rng=np.random.default_rng(seed))
    return forecast_in_window(fc, fit.series, first, end)


def model_spread(
    fit: Any,
    pooled: Forecast,
    series: pd.Series,
    window: tuple[pd.Period, pd.Period],
    question: Question,
    *,
    shocks: Any = None,
    baselines: Sequence[str] = BASELINES,
    n_paths: int = 2000,
    rng: int = 0,
) -> pd.DataFrame:
    """One row per model: the report's model, its components, the baselines.

    Parameters
    ----------
    fit : fitted model
        The report's model (a pool's result exposes ``.fits``).
    pooled : Forecast
        The report's baseline forecast over the window (its row reuses it).
    series : pd.Series
        The data the baselines are fitted to (cut at the as-of month).
    window : (first, end)
        The window's months.
    question : Question
        The headline question.
    shocks : ShockCalendar, optional
        Passed to the baselines' fits.
    baselines : sequence of str
        ``make_model`` names of the reference models, built on the scale of ``fit``.
    n_paths : int
        Paths per component or baseline.
    rng : int
        Seed; row ``i`` draws from ``SeedSequence([rng, i])``.

    Returns
    -------
    pd.DataFrame
        Index = model name; columns ``role`` (``model``, ``component``, ``baseline``), ``p``,
        ``se``, ``median_end``, ``q10_end``, ``q90_end``. A baseline that cannot be fitted
        on the data is left out and named in ``attrs["notes"]``.
    """
    first, end = window
    entries: list[tuple[str, str, Forecast]] = [(fit.name, "model", pooled)]
    for i, part in enumerate(getattr(fit, "fits", ())):
        fc = _windowed(part, first, end, n_paths, [rng, 1, i])
        entries.append((part.name, "component", fc))
    notes = []
    scale = getattr(fit, "scale", TSINGHUA_SCALE)  # the baselines score on the model's scale
    for j, name in enumerate(baselines):
        try:
            base = make_model(name, scale=scale).fit(series, shocks=shocks)
            fc = _windowed(base, first, end, n_paths, [rng, 2, j])
        except RelforecastError as exc:
            notes.append(f"{name}: {exc}")
            continue
        entries.append((base.name, "baseline", fc))
    rows = {}
    for name, role, fc in entries:
        answer = question.answer(fc)
        q10, med, q90 = np.quantile(fc.paths[:, -1], [0.1, 0.5, 0.9])
        key = name if name not in rows else f"{name} ({role})"
        rows[key] = {
            "role": role,
            "p": answer.p,
            "se": answer.se,
            "median_end": med,
            "q10_end": q10,
            "q90_end": q90,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "model"
    table.attrs["notes"] = notes
    return table
