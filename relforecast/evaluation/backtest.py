"""Rolling-origin backtests: refit at each origin on the data up to it, forecast, record.

One row per (dyad, model, origin, h) — the CSV contract of ``relforecast backtest``:
``dyad, model, origin`` (the last month the model saw), ``h``, ``target``, ``mean``,
``q5 … q95`` (19 quantiles) and ``cross_T`` = P(min of the path over months 1…h < T) per
threshold. Nothing after an origin can influence its rows: each fit sees
``series.loc[:origin]`` only (window, shocks and order choice included), and every origin's
random stream is derived from ``(seed, dyad name, model, origin)`` alone
(:func:`origin_stream`), so a row does not depend on the order, subset or split of the dyads, on
the order in which origins run, or on the number of workers or the engine.

Refit policy (``refit_every=k``): the model is estimated from scratch at every k-th origin of a
dyad; at the origins in between, the last estimates are applied to the longer data (the
state or regime filter runs through the new months, nothing is re-estimated). ``k=1``
(:data:`REFIT_EVERY`, the default of this function and of ``relforecast backtest``) is
refitting at every origin: each row is the forecast that would have been made at its origin,
fitted then, as ``relforecast forecast`` fits it. A larger ``k`` trades that for speed.

Settings: everything after the horizon is one :class:`~relforecast.BacktestSpec`
(:mod:`relforecast.evaluation.spec`), given as ``spec=`` or built from the keywords of
:func:`backtest`; :func:`run_backtest` runs a spec.

Execution: the work is cut into blocks — consecutive origins of one dyad and model, whole refit
cycles (:func:`plan_blocks`) — run by :func:`relforecast.panel.parallel.run_tasks` (this process,
loky workers or a Dask cluster). Each block comes back as a compact
:class:`~relforecast.evaluation.rowblock.RowBlock`; with ``store=`` it is written to a Parquet
folder as it arrives and a rerun skips the blocks already there
(:mod:`relforecast.evaluation.store`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from relforecast._typing import RNGLike, distinct
from relforecast.asof import cut_calendar
from relforecast.data import refuse_repeated_columns
from relforecast.evaluation.block import BacktestBlock
from relforecast.evaluation.rowblock import (
    QUANTILE_COLUMNS,
    QUANTILE_LEVELS,
    RowBlock,
    frame_from_blocks,
    summarise_paths,
)
from relforecast.evaluation.spec import REFIT_EVERY, BacktestSpec
from relforecast.evaluation.store import BacktestStore, block_key
from relforecast.exceptions import ForecastError, RelforecastError, SpecError
from relforecast.forecast import check_threshold
from relforecast.models.base import FittedModel, Model, check_horizon, refuse_other_grid
from relforecast.models.registry import make_model  # the model names live in the registry
from relforecast.panel.parallel import Engine, run_tasks
from relforecast.panel.streams import origin_stream
from relforecast.periods import parse_origins  # origin lists live in relforecast.periods
from relforecast.scale import TSINGHUA_SCALE, Scale, as_scale
from relforecast.shocks import ShockCalendar

__all__ = [
    "QUANTILE_COLUMNS",
    "QUANTILE_LEVELS",
    "REFIT_EVERY",
    "BacktestBlock",
    "BacktestSpec",
    "backtest",
    "make_model",
    "origin_stream",
    "parse_origins",
    "plan_blocks",
    "run_backtest",
    "run_block",
]


def run_block(block: BacktestBlock) -> RowBlock:
    """Fit, forecast and summarise every origin of a block (the block starts with a refit)."""
    done: list[int] = []
    values: list[np.ndarray] = []
    notes: list[str] = []
    fit: FittedModel | None = None
    dyad, series = block.dyad, block.series
    for i, origin in enumerate(block.origins):
        history = series.loc[series.index <= origin]
        if history.empty or history.index[-1] != origin:
            notes.append(f"{dyad} {origin}: no data at the origin, skipped")
            continue
        calendar = cut_calendar(block.shocks, origin)  # the one as-of cut (relforecast.asof)
        try:
            if fit is None or i % block.refit_every == 0 or not hasattr(fit, "update"):
                fit = block.spec.fit(history, shocks=calendar)
            else:
                fit = fit.update(history)
            rng = origin_stream(block.seed, dyad, block.label, origin)
            fc = fit.forecast(block.horizon, n_paths=block.n_paths, rng=rng)
        except RelforecastError as exc:
            notes.append(f"{dyad} {origin} {block.label}: {exc}")  # which model of several
            fit = None
            continue
        done.append(int(origin.ordinal))
        values.append(summarise_paths(fc.paths, fc.values, block.thresholds, block.recover))
    width = 20 + len(block.thresholds) + len(block.recover)
    return RowBlock(
        dyad,
        block.label,
        np.asarray(done, dtype=np.int64),
        block.horizon,
        np.vstack(values) if values else np.empty((0, width)),
        notes,
    )


def _label(model: str | Model, spec: Model) -> str:
    """The label of a model in the rows: its name, or a specification's ``name``."""
    return model if isinstance(model, str) else getattr(spec, "name", type(spec).__name__)


def plan_blocks(
    panel: pd.DataFrame,
    models: Sequence[str | Model],
    origins: Sequence[pd.Period],
    horizon: int,
    *,
    thresholds: Sequence[float],
    n_paths: int,
    seed: int,
    refit_every: int,
    shocks: dict[str, ShockCalendar] | ShockCalendar | None,
    scale: Scale | str | None = TSINGHUA_SCALE,
    recover: Sequence[float] = (),
) -> list[BacktestBlock]:
    """The tasks of a backtest: per model and dyad, blocks of whole refit cycles of origins.

    A block holds whole refit cycles, so the refit schedule is the one of running every
    origin of a dyad in one go, and the work spreads evenly over the workers.
    """
    size = refit_every * max(1, -(-24 // refit_every))
    blocks = []
    for m in models:
        spec = make_model(m, scale=scale) if isinstance(m, str) else m
        label = _label(m, spec)
        for dyad in panel.columns:
            series = panel[dyad].dropna()
            cal = shocks.get(dyad) if isinstance(shocks, dict) else shocks
            for start in range(0, len(origins), size):
                blocks.append(
                    BacktestBlock(
                        str(dyad),
                        series,
                        spec,
                        str(label),
                        tuple(origins[start : start + size]),
                        int(horizon),
                        tuple(float(t) for t in thresholds),
                        int(n_paths),
                        int(seed),
                        int(refit_every),
                        cal,
                        tuple(float(t) for t in recover),
                    )
                )
    return blocks


def backtest(
    data: pd.Series | pd.DataFrame,
    model: str | Model | Sequence[str | Model] = "auto",
    origins: str | Sequence[Any] = "1995-06:2024-06",
    horizon: int = 12,
    *,
    spec: BacktestSpec | None = None,
    every: int = 12,
    thresholds: Iterable[float] = (-6, -3, 0, 3),
    n_paths: int = 2000,
    rng: RNGLike = 0,
    shocks: dict[str, ShockCalendar] | ShockCalendar | None = None,
    refit_every: int = REFIT_EVERY,
    scale: Scale | str | None = TSINGHUA_SCALE,
    workers: int | None = None,
    engine: Engine | None = None,
    scheduler: str | None = None,
    store: str | PathLike | None = None,
    progress: bool = False,
    recover: Iterable[float] = (),
) -> pd.DataFrame:
    """Rolling-origin backtest of one or several models on one or several dyads.

    The settings after ``horizon`` are those of a :class:`~relforecast.BacktestSpec`: give
    them as keywords, or as one ``spec=`` (a keyword beside it that says something else is
    refused).

    Parameters
    ----------
    data : Series or DataFrame
        One dyad (a series) or a panel (``rf.load_panel``: one column per dyad).
    model : str, model specification, or a list of them
        Names of :mod:`relforecast.models.registry` (``"auto"``, ``"arima"``, ``"markov"``,
        ``"block"``, the baselines ``"rw-gauss"``, ``"rw-boot"``, ``"arima110"``, and the pool
        members ``"arima111"``, ``"block120"``, ``"iid120"``) or specifications.
    origins : str or sequence
        ``"1995-06:2024-06"`` (with ``every``) or a list of months: the last month each fit
        sees.
    horizon : int, default 12
    spec : BacktestSpec, optional
        Every setting below as one value.
    every : int, default 12
        Step between origins of a span.
    thresholds : iterable of float
        One ``cross_T`` column each.
    n_paths : int, default 2000
    rng : int, Generator or None, default 0
        Seed; each (dyad, model, origin) gets its own stream derived from it and from the
        dyad's name, the model's label and the origin (:func:`origin_stream`). A Generator
        gives one seed; ``None`` draws one from fresh entropy.
    shocks : ShockCalendar or dict of them (by dyad), optional
        Shocks the models are fitted with; only those starting by the origin are used.
    refit_every : int, default 1
        Re-estimate every this many origins; in between, apply the last estimates to the
        longer data (see the module docstring).
    scale : Scale, str or None, default TSINGHUA_SCALE
        The scale the models given by name are built on (``None``: no bounds; text as in
        :func:`relforecast.scale.parse_scale`, e.g. ``"-10:10"``); specifications keep theirs.
    workers : int, optional
        Worker processes (blocks of origins are spread over them); ``None``: the ``n_jobs`` of
        an active ``joblib.parallel_config``, else 1. See
        :func:`relforecast.panel.parallel.run_tasks`.
    engine : {"loky", "dask"}, optional
        ``None`` follows ``joblib.parallel_config`` (loky when nothing is configured).
    scheduler : str, optional
        Address of a Dask scheduler (implies ``engine="dask"``).
    store : str or PathLike, optional
        A Parquet folder (needs pyarrow): each block of origins is written there as soon as it
        is done, partitioned by model and dyad, and blocks the folder already holds from the
        same inputs are not recomputed — an interrupted run resumes where it stopped
        (:mod:`relforecast.evaluation.store`). The table returned is read back from the folder;
        its ``attrs["blocks"]`` says how many blocks there were and how many were already there.
    progress : bool, default False
        Show a progress bar on stderr.
    recover : iterable of float, default ()
        One ``back_above_T`` column each, after the ``cross_T`` columns: P(max of the
        published path over months 1…h ≥ T), the recovery question of a relation below T
        (the outlook's track record asks it for a dyad below −6). Not with ``store``.

    Returns
    -------
    pd.DataFrame
        The contract columns; ``attrs["notes"]`` lists skipped origins and failures. The rows
        are the same whatever the engine, the number of workers, or the order, subset or
        split of the dyads.
    """
    job = BacktestSpec.from_keywords(
        spec,
        every=every,
        thresholds=thresholds,
        n_paths=n_paths,
        rng=rng,
        shocks=shocks,
        refit_every=refit_every,
        scale=scale,
        workers=workers,
        engine=engine,
        scheduler=scheduler,
        store=store,
        progress=progress,
        recover=recover,
    )
    return run_backtest(data, model, origins, horizon, job)


def _check_scale_is_used(models: list, specs: list, scale: Scale | None) -> None:
    """Refuse a ``scale`` other than the default when no model is given by name (the only ones
    it builds) and a specification is on another scale: it would be ignored without a word."""
    if scale is TSINGHUA_SCALE or any(isinstance(m, str) for m in models):
        return
    wanted = as_scale(scale)
    for s in specs:
        own = as_scale(getattr(s, "scale", None))
        if own != wanted:
            raise SpecError(
                f"scale={wanted.name!r} applies to models given by name, and {s.name} is a "
                f"specification on the {own.name!r} scale; build the model on the scale you "
                f"mean (e.g. rf.ARIMA(scale={wanted.name!r})) or leave scale= out"
            )


def run_backtest(
    data: pd.Series | pd.DataFrame,
    model: str | Model | Sequence[str | Model],
    origins: str | Sequence[Any],
    horizon: int,
    spec: BacktestSpec,
) -> pd.DataFrame:
    """The backtest ``spec`` describes (:func:`backtest` without the keyword form)."""
    panel = data.to_frame() if isinstance(data, pd.Series) else data
    refuse_repeated_columns(panel, "the panel")  # one column a dyad
    origin_list = parse_origins(origins, spec.every)
    models = list(model) if isinstance(model, list | tuple) else [model]
    if not models:
        raise SpecError("model=[] names no model; give e.g. 'block' or ['block', 'rw-gauss']")
    for m in models:
        if not isinstance(m, str | Model):
            raise SpecError(
                f"model {m!r} is neither a model name nor a model specification; give e.g. "
                "'block' or rf.ARIMA()"
            )
    specs = [make_model(m, scale=spec.scale) if isinstance(m, str) else m for m in models]
    _check_scale_is_used(models, specs, spec.scale)
    for s in specs:  # scores loaded on a scale are not taken for another scale's grid
        refuse_other_grid(data, getattr(s, "scale", None), s.name)
    distinct([_label(m, s) for m, s in zip(models, specs, strict=True)], "model", error=SpecError)
    horizon = check_horizon(horizon)
    # a threshold outside any model's scale fails here, not silently at every origin (nor as
    # a certain crossing of a bound that model cannot pass)
    for s in specs[1:]:
        for t in (*spec.thresholds, *spec.recover):
            check_threshold(t, getattr(s, "scale", None))
    first_scale = getattr(specs[0], "scale", None)
    thresholds = [check_threshold(t, first_scale) for t in spec.thresholds]
    recover = [check_threshold(t, first_scale) for t in spec.recover]
    _check_origins_meet_the_data(panel, origin_list)
    blocks = plan_blocks(
        panel,
        models,
        origin_list,
        horizon,
        thresholds=thresholds,
        n_paths=spec.n_paths,
        seed=spec.rng,
        refit_every=spec.refit_every,
        shocks=spec.shocks,
        scale=spec.scale,
        recover=recover,
    )
    engine_options = spec.execution.options()
    if spec.store is None:
        results = run_tasks(run_block, blocks, **engine_options)
        if spec.progress:
            results = _with_progress(results, blocks)
        rows = sum(b.n_rows for b in blocks)
        return _not_empty(frame_from_blocks(results, thresholds, rows, recover=recover))
    bt_store = BacktestStore(spec.store)
    bt_store.open(store_settings(horizon, thresholds, spec.n_paths, spec.rng))
    computed = run_into_store(bt_store, blocks, progress=spec.progress, **engine_options)
    table = bt_store.read(blocks)
    table.attrs["blocks"] = {"total": len(blocks), "from_store": len(blocks) - computed}
    return _not_empty(table)


def _not_empty(table: pd.DataFrame) -> pd.DataFrame:
    """A backtest with no rows is an error that says why (every origin was skipped), not an
    empty table returned with exit status 0."""
    if len(table):
        return table
    notes = table.attrs.get("notes", [])
    shown = "; ".join(str(n) for n in notes[:3]) + (" ..." if len(notes) > 3 else "")
    raise ForecastError(
        "no origin could be backtested"
        + (f" ({shown})" if shown else "")
        + "; choose origins with enough data before them"
    )


def _check_origins_meet_the_data(panel: pd.DataFrame, origins: Sequence[pd.Period]) -> None:
    """Refuse origins that all fall outside every dyad's data (the result would be empty)."""
    observed = panel.dropna(how="all")
    if observed.empty:
        raise ForecastError("the data hold no scores to backtest")
    first, last = observed.index[0], observed.index[-1]
    if not any(first <= o <= last for o in origins):
        raise ForecastError(
            f"no origin in {origins[0]} … {origins[-1]} lies inside the data ({first} … {last});"
            " choose origins between those months"
        )


def store_settings(
    horizon: int, thresholds: Sequence[float], n_paths: int, seed: int
) -> dict[str, Any]:
    """The settings one store's blocks must share (they shape its table)."""
    return {
        "horizon": int(horizon),
        "thresholds": [float(t) for t in thresholds],
        "n_paths": int(n_paths),
        "seed": int(seed),
    }


def run_into_store(
    store: BacktestStore,
    blocks: Sequence[BacktestBlock],
    *,
    workers: int | None = None,
    engine: Engine | None = None,
    scheduler: str | None = None,
    progress: bool = False,
) -> int:
    """Compute the blocks the store does not hold yet, writing each as it arrives.

    Returns the number of blocks computed (the others were already in the store).
    """
    keys = [block_key(b) for b in blocks]
    todo = [(b, k) for b, k in zip(blocks, keys, strict=True) if not store.is_done(b, k)]
    results = run_tasks(
        run_block, [b for b, _ in todo], workers=workers, engine=engine, scheduler=scheduler
    )
    if progress:
        results = _with_progress(results, [b for b, _ in todo])
    for (block, key), rows in zip(todo, results, strict=True):
        store.write(block, key, rows)
    return len(todo)


def _with_progress(
    results: Iterable[RowBlock], blocks: Sequence[BacktestBlock]
) -> Iterator[RowBlock]:
    from tqdm import tqdm

    total = sum(len(b.origins) for b in blocks)
    with tqdm(total=total, desc="backtest", unit="origin", file=sys.stderr, disable=None) as bar:
        for block, result in zip(blocks, results, strict=True):
            bar.update(len(block.origins))
            yield result
