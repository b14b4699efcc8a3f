"""Backfill: record the outlooks that would have been published at past origins.

For each dyad and origin (e.g. every June 1995 … 2024), :func:`backfill` cuts every dated
input at the origin (:func:`as_of_cut`), fits the model to what was known then, forecasts the
next July–June window exactly as ``relforecast outlook`` does (``compare_scenarios`` with the
baseline only, the outlook's window rule and seed handling), and records it with
``source="backfill"``. A new group so starts with a thirty-year record, scored like any other.

No hindsight: :func:`as_of_cut` is the one place where inputs are cut — the data to
``series.loc[:origin]``, shock and leader calendars to the shocks starting by the origin
(regressor values after it dropped), an event log to the events dated by the origin. The
model, its order and its parameters are chosen on the cut data alone.

Each (dyad, origin) forecast gets its own seed, derived from ``(seed, dyad name, origin)``
and recorded, so the numbers do not depend on the order, the subset or the number of
workers, and ``relforecast outlook DATA --dyad D --until ORIGIN --seed S`` with the recorded
seed ``S`` reproduces a backfilled forecast. Work already in the record (same dyad, as-of
month, window, model, seed, paths and data) is recognised before anything is fitted, so an
interrupted backfill resumes where it stopped.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from relforecast._typing import distinct, month_words
from relforecast.asof import as_of
from relforecast.events.log import EventLog
from relforecast.exceptions import ForecastError, RelforecastError, SpecError
from relforecast.forecast import check_threshold
from relforecast.models.registry import make_model
from relforecast.panel.parallel import run_tasks
from relforecast.periods import default_window, parse_origins
from relforecast.record.entry import (
    DEFAULT_THRESHOLDS,
    Entry,
    EntryFacts,
    data_fingerprint,
    make_entry,
    shocks_fingerprint,
)
from relforecast.record.store import Record
from relforecast.scale import TSINGHUA_SCALE, Scale, as_scale
from relforecast.scenarios import compare_scenarios
from relforecast.shocks import ShockCalendar

__all__ = ["BackfillResult", "as_of_cut", "backfill", "origin_seed"]


def as_of_cut(
    origin: pd.Period,
    series: pd.Series,
    shocks: ShockCalendar | None = None,
    events: EventLog | None = None,
) -> tuple[pd.Series, ShockCalendar | None, EventLog | None]:
    """Every dated input as it stood at the end of month ``origin``.

    Returns the data up to ``origin``, the shocks (and leader changes) starting by
    ``origin`` with regressor values after it dropped, and the events dated by ``origin``.
    """
    cut = as_of(pd.Period(origin, "M"), series=series, calendar=shocks, events=events)
    return cut.series, cut.calendar, cut.events


ALL_CALENDARS = "*"  # a recorded forecast whose shock calendar is not known


def origin_seed(seed: int, dyad: str, origin: pd.Period) -> int:
    """The seed of one (dyad, origin) forecast: a function of the three alone."""
    words = [int(seed) % 2**32, zlib.crc32(str(dyad).encode()), *month_words(origin, 10_000)]
    return int(np.random.SeedSequence(words).generate_state(1)[0])


@dataclass
class BackfillResult:
    """What :func:`backfill` did: ids recorded, ids already there, origins skipped."""

    added: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Task:
    dyad: str
    origin: pd.Period
    series: pd.Series
    shocks: ShockCalendar | None
    model: str
    n_paths: int
    seed: int
    thresholds: tuple[float, ...]
    scale: Scale = TSINGHUA_SCALE

    @property
    def headline(self) -> float:
        """The recorded headline threshold: the scale's critical point, else the −6 of
        ``relforecast forecast --threshold`` (a scale without one, such as an event index)."""
        critical = self.scale.critical
        return float(TSINGHUA_SCALE.critical if critical is None else critical)


def _window(origin: pd.Period) -> str:
    return default_window(origin)


def _run(task: _Task) -> Entry | str:
    """Fit and forecast one (dyad, origin); an :class:`Entry`, or a note when it failed."""
    try:
        fit = make_model(task.model, scale=task.scale).fit(task.series, shocks=task.shocks)
        window = _window(task.origin)
        table = compare_scenarios(
            fit, [], window=window, threshold=task.headline, n_paths=task.n_paths, rng=task.seed
        )
        base = table.attrs["forecasts"]["baseline"]
        facts = EntryFacts(
            history=task.series,
            dyad=task.dyad,
            as_of=task.origin,
            window=window,
            model=task.model,
            model_name=fit.name,
            model_params=fit.params,
            seed=task.seed,
            n_paths=task.n_paths,
            shocks=task.shocks,
            thresholds=task.thresholds,
            threshold=task.headline,
            source="backfill",
            notes=list(fit.diagnostics),
        )
        entry = make_entry(base, facts)
    except RelforecastError as exc:
        return f"{task.dyad} {task.origin}: {exc}"
    return entry


def backfill(
    record: Record,
    data: pd.Series | pd.DataFrame,
    origins: str | Sequence[Any] = "1995-06:2024-06",
    *,
    every: int = 12,
    model: str = "auto",
    n_paths: int = 10_000,
    rng: int = 0,
    shocks: dict[str, ShockCalendar] | ShockCalendar | None = None,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    scale: Scale | str | None = TSINGHUA_SCALE,
    workers: int = 1,
    progress: Callable[[int, int], None] | bool = False,
) -> BackfillResult:
    """Record the outlook that would have been published at each origin, without hindsight.

    Parameters
    ----------
    record : Record
        Where the forecasts go.
    data : Series or DataFrame
        One dyad (a named series) or a panel (``rf.load_panel``), one column per dyad.
    origins : str or sequence
        ``"1995-06:2024-06"`` (with ``every``) or a list of months: the as-of months.
    model : str
        A model name of ``relforecast outlook --model`` (default ``auto``).
    n_paths : int, default 10_000
        Paths per forecast (the outlook's default).
    rng : int, default 0
        Base seed; each (dyad, origin) gets :func:`origin_seed` of it.
    shocks : ShockCalendar or dict of them by dyad, optional
        Shocks and leader changes the model is fitted with, cut at each origin.
    thresholds : sequence of float
        Thresholds of the recorded crossing curves and default questions.
    scale : Scale, str or None, default TSINGHUA_SCALE
        The scale the model is built on (text as in :func:`relforecast.scale.parse_scale`).
    workers : int, default 1
        Processes that fit and simulate; the calling process alone writes to the record.
    progress : bool or callable
        ``True`` shows a progress bar on stderr; a callable gets ``(done, total)``.

    Returns
    -------
    BackfillResult
    """
    if isinstance(rng, bool) or not isinstance(rng, int | np.integer) or rng < 0:
        raise SpecError(
            f"rng={rng!r}: backfill needs an int seed >= 0 (e.g. rng=0) so each origin's "
            "seed is recorded"
        )
    panel = data.to_frame() if isinstance(data, pd.Series) else data
    thresholds = distinct(
        [check_threshold(t, as_scale(scale)) for t in thresholds], "threshold", error=ForecastError
    )
    result = BackfillResult()
    done = _recorded(record, [str(d) for d in panel.columns], model, n_paths)
    tasks: list[_Task] = []
    for dyad in panel.columns:
        series = panel[dyad].dropna()
        name = str(dyad)
        calendar = shocks.get(name) if isinstance(shocks, dict) else shocks
        for origin in parse_origins(origins, every):
            if origin > series.index[-1] or origin < series.index[0]:
                result.notes.append(f"{name} {origin}: outside the data, skipped")
                continue
            cut, cal, _ = as_of_cut(origin, series, calendar)
            if cut.empty or cut.index[-1] != origin:
                result.notes.append(f"{name} {origin}: no data at the origin, skipped")
                continue
            seed = origin_seed(rng, name, origin)
            first, last = _window(origin).split(":")
            identity = (name, str(origin), first, last, str(seed), data_fingerprint(cut))
            found = done.get((*identity, shocks_fingerprint(cal)))
            if found is None:
                found = done.get((*identity, ALL_CALENDARS))
            if found is not None:
                result.existing.append(found)
                continue
            tasks.append(
                _Task(
                    name,
                    origin,
                    cut.rename(name),
                    cal,
                    model,
                    n_paths,
                    seed,
                    tuple(float(t) for t in thresholds),
                    as_scale(scale),
                )
            )
    _execute(record, tasks, workers, progress, result)
    return result


def _recorded(record: Record, dyads: list[str], model: str, n_paths: int) -> dict[tuple, int]:
    """Forecasts of these dyads and model already recorded, by what identifies a backfilled
    one: (dyad, as-of, window, seed, data and shock-calendar fingerprints) — so a rerun resumes
    without refitting, and a backfill with other shocks is not mistaken for it."""
    frame = record.forecasts(dyad=dyads, model=model)
    frame = frame[frame["n_paths"] == n_paths]
    cols = ["dyad", "as_of", "window_first", "window_last", "seed", "data_sha256"]
    out: dict[tuple, int] = {}
    rows = frame[[*cols, "shocks_sha256"]].itertuples(index=False)
    for i, row in zip(frame.index, rows, strict=True):
        *identity, shocks = row
        # recorded before schema version 2 (calendar unknown): it stands for any calendar
        kinds = ALL_CALENDARS if shocks is None or pd.isna(shocks) else shocks
        out.setdefault((*identity, kinds), int(i))
    return out


def _execute(
    record: Record, tasks: list[_Task], workers: int, progress: Any, result: BackfillResult
) -> None:
    bar = None
    tick: Callable[[int, int], None] | None = progress if callable(progress) else None
    if progress is True:
        from tqdm import tqdm

        bar = tqdm(
            total=len(tasks), desc="backfill", unit="forecast", file=sys.stderr, disable=None
        )

    def take(task: _Task, outcome: Entry | str, done: int) -> None:
        if isinstance(outcome, str):
            result.notes.append(outcome)
        else:
            added = record.add_entry(outcome)
            (result.added if added.new else result.existing).append(added.id)
        if bar is not None:
            bar.update(1)
        if tick is not None:
            tick(done, len(tasks))

    outcomes = run_tasks(_run, tasks, workers=workers)  # the one execution layer
    for i, (task, outcome) in enumerate(zip(tasks, outcomes, strict=True)):
        take(task, outcome, i + 1)
    if bar is not None:
        bar.close()
