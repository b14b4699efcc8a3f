"""The track record of the report's model: how its past forecasts scored.

One input type: a **backtest table** in the CSV contract of ``relforecast backtest`` (``dyad,
model, origin, h, target, mean, q5 … q95, cross_T``). It comes from

* :func:`compute_backtest` — a rolling-origin backtest run at report time over past origins
  (cheap by design: few origins, estimates refitted every few origins, few paths, two
  processes; see :class:`TrackRecordConfig`);
* :func:`read_backtest` — a CSV the user supplies (``--track-record FILE.csv``), e.g. the
  ``track_record.csv`` of last month's report or a full backtest;
* any other source of rows in the same contract (a forecast record).

:func:`track_record` scores the rows against the observed data known at the as-of month
(``rf.evaluate``) at the longest horizon — for the report's dyad and pooled over every dyad of
the table, over all origins and over the recent ones (the last ten years):

* interval coverage: how often the 80 % (50 %) interval held the outcome, with the 95 %
  Wilson interval of that share and a grade (:mod:`relforecast.report.verdict`);
* each probability question of the table on its own — ``cross_T`` (below T, from at or above
  it) and ``back_above_T`` (back at T or above, from below it), one threshold at a time: cases,
  events, mean forecast, observed frequency with its Wilson interval, Brier score, grade;
* the reliability of the *headline* question (the one the report leads with: the recovery
  question for a dyad below −6) per probability bin.

Rows whose origin lies after the as-of month are dropped and rows whose outcome is not yet
known are not scored, so a track record never uses hindsight.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relforecast.asof import cut_panel
from relforecast.evaluation.backtest import QUANTILE_COLUMNS, backtest
from relforecast.evaluation.scores import evaluate
from relforecast.evaluation.spec import BacktestSpec
from relforecast.exceptions import DataError
from relforecast.panel.parallel import Execution
from relforecast.report.verdict import (
    RECENT_YEARS,
    coverage_grade,
    probability_grade,
    verdict,
    wilson,
)

__all__ = [
    "TrackRecord",
    "TrackRecordConfig",
    "compute_backtest",
    "estimation_origins",
    "read_backtest",
    "report_origins",
    "require_model_rows",
    "track_record",
    "track_record_origins",
]

REQUIRED = ("dyad", "model", "origin", "h", "target", "mean", *QUANTILE_COLUMNS)
BINS = np.linspace(0.0, 1.0, 11)
MIN_HISTORY = 60
"""Months of data a report-time backtest origin needs before it (five years)."""


@dataclass(frozen=True)
class TrackRecordConfig:
    """The report-time backtest schedule (chosen to keep the whole outlook under 30 s).

    Attributes
    ----------
    n_origins : int, default 8
        Origins per dyad, ``every`` months apart; the last is ``horizon`` months before the
        as-of month (its outcome is known).
    every : int, default 12
    horizon : int, default 12
    refit_every : int, default 8
        The model is estimated at a dyad's first origin and its estimates are applied to the
        longer data at the later ones (the state or regime filter runs through the new months,
        nothing is re-estimated): one estimation per dyad keeps the report-time backtest
        within the outlook's time budget. A supplied table can come from a backtest that
        refits more often.
    n_paths : int, default 300
    workers : int, default 2
    thresholds : tuple of float
        The ``cross_T`` columns.
    """

    n_origins: int = 8
    every: int = 12
    horizon: int = 12
    refit_every: int = 8
    n_paths: int = 300
    workers: int = 2
    thresholds: tuple[float, ...] = (-6.0, -3.0, 0.0, 3.0)

    def backtest_spec(
        self, rng: int = 0, shocks: Any = None, recover: tuple[float, ...] = ()
    ) -> BacktestSpec:
        """The settings of the report-time backtest on this schedule."""
        return BacktestSpec(
            thresholds=self.thresholds,
            recover=recover,
            n_paths=self.n_paths,
            rng=rng,
            refit_every=self.refit_every,
            shocks=shocks,
            execution=Execution(workers=self.workers),
        )


def estimation_origins(origins: list[pd.Period], refit_every: int) -> list[pd.Period]:
    """The origins at which a backtest re-estimates the model (every ``refit_every``-th from
    the first, :func:`relforecast.backtest.plan_blocks`); the others reuse those estimates."""
    return list(origins[:: max(1, int(refit_every))])


def report_origins(as_of: pd.Period, config: TrackRecordConfig) -> list[pd.Period]:
    """The origins of a report-time backtest: the last ``horizon`` months before ``as_of``,
    then every ``every`` months back, ``n_origins`` in all (oldest first)."""
    last = as_of - config.horizon
    return [last - config.every * k for k in range(config.n_origins - 1, -1, -1)]


def track_record_origins(
    panel: pd.DataFrame, as_of: pd.Period, config: TrackRecordConfig
) -> list[pd.Period]:
    """The origins of :func:`report_origins` with :data:`MIN_HISTORY` months of data before them
    (the first month of ``panel`` counts), the ones
    :func:`compute_backtest` runs; checked before an outlook fits anything.

    Raises
    ------
    DataError
        When there is none: the data before ``as_of`` are too short for a track record.
    """
    data = cut_panel(panel, as_of)
    earliest = data.index[0] + MIN_HISTORY
    origins = [o for o in report_origins(as_of, config) if o >= earliest]
    if not origins:
        raise DataError(
            f"the data before {as_of} are too short for a track record: an origin needs "
            f"{MIN_HISTORY} months of data before it (from {earliest} on) and the latest origin "
            f"as of {as_of} is {as_of - config.horizon}; pass --track-record none or a "
            "backtest CSV"
        )
    return origins


def compute_backtest(
    panel: pd.DataFrame,
    model: Any,
    as_of: pd.Period,
    *,
    config: TrackRecordConfig | None = None,
    shocks: Any = None,
    rng: int = 0,
    recover: tuple[float, ...] = (),
) -> pd.DataFrame:
    """A backtest table of ``model`` on every dyad of ``panel``, origins before ``as_of``.

    The panel is cut at ``as_of`` first (nothing later is seen); origins a dyad has no data
    for are skipped (listed in ``attrs["notes"]``). ``recover`` adds ``back_above_T``
    columns (the recovery question of a dyad below T).
    """
    config = config or TrackRecordConfig()
    data = cut_panel(panel, as_of)
    origins = track_record_origins(data, as_of, config)
    return backtest(
        data, model, origins, config.horizon, spec=config.backtest_spec(rng, shocks, recover)
    )


def read_backtest(path: str | PathLike) -> pd.DataFrame:
    """A backtest table from a CSV in the contract of ``relforecast backtest``."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"track-record file {str(p)!r} does not exist")
    try:
        table = pd.read_csv(p, dtype={"origin": str, "target": str, "dyad": str, "model": str})
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"cannot read {str(p)!r} as a backtest CSV: {exc}") from exc
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise DataError(
            f"{str(p)!r} is not a backtest table: it lacks the column(s) {', '.join(missing)} "
            "(write one with `relforecast backtest ... --out FILE.csv`)"
        )
    return table


@dataclass
class TrackRecord:
    """Scores of past forecasts of the report's model.

    Attributes
    ----------
    model : str
        The ``model`` value of the scored rows.
    dyad : str
        The report's dyad.
    source : str
        ``"computed"`` or the file it was read from.
    horizon : int
        The horizon scored (the longest in the table).
    summary : pd.DataFrame
        One row per scope (``"dyad"``, ``"pooled"``): ``origins``, ``cov80``, ``cov50``,
        ``brier`` and ``cases`` (of the headline question), ``dyads``.
    reliability : pd.DataFrame
        The headline question's cases: columns ``scope``, ``bin`` (0 … 9), ``lower``,
        ``upper``, ``forecast`` (mean forecast probability), ``observed`` (observed
        frequency), ``cases``, ``dyads`` (how many dyads the cases come from).
    origins : tuple of str
        First and last origin scored.
    every : int or None
        Months between origins (when regular).
    table : pd.DataFrame
        The backtest rows used.
    headline : tuple of (str, float)
        The headline question scored: (``"cross"`` or ``"back_above"``, threshold).
    coverage : pd.DataFrame
        One row per (``scope``, ``period`` — ``"all"`` or ``"recent"``): ``first`` and
        ``last`` origin, ``n``, ``hits``,
        ``share``, ``lower``, ``upper`` (95 % Wilson interval), ``grade`` of the 80 %
        interval, and ``cov50``.
    crossing : pd.DataFrame
        One row per (``scope``, ``period``, ``question``, ``threshold``): ``cases``,
        ``events``, ``forecast`` (mean), ``observed``, ``lower``, ``upper``, ``brier``,
        ``grade``, ``dyads`` (how many dyads the cases come from: a question asked only in
        one state, such as coming back above −6, may have cases from one dyad alone).
    verdict : dict
        :func:`relforecast.report.verdict.verdict`.
    recent_from : str
        The first month of the recent period.
    """

    model: str
    dyad: str
    source: str
    horizon: int
    summary: pd.DataFrame
    reliability: pd.DataFrame
    origins: tuple[str, str]
    every: int | None
    table: pd.DataFrame = field(repr=False)
    headline: tuple[str, float] = ("cross", -6.0)
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    crossing: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    verdict: dict = field(default_factory=dict, repr=False)
    recent_from: str = ""

    @property
    def n_dyads(self) -> int:
        """Number of dyads pooled."""
        return int(self.table["dyad"].nunique())

    def to_dict(self) -> dict[str, Any]:
        """Plain form for ``summary.json``."""
        return {
            "model": self.model,
            "source": self.source,
            "horizon": self.horizon,
            "origins": list(self.origins),
            "every": self.every,
            "dyads": sorted(self.table["dyad"].astype(str).unique()),
            "summary": {
                scope: {k: (None if pd.isna(v) else float(v)) for k, v in row.items()}
                for scope, row in self.summary.iterrows()
            },
            "reliability": _records(self.reliability),
            "headline": {"question": self.headline[0], "threshold": self.headline[1]},
            "recent_from": self.recent_from,
            "coverage": _records(self.coverage),
            "crossing": _records(self.crossing),
            "verdict": self.verdict,
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: (v if isinstance(v, str) else None if pd.isna(v) else float(v)) for k, v in r.items()}
        for r in frame.to_dict(orient="records")
    ]


def _scores(
    table: pd.DataFrame, observed: pd.DataFrame, horizon: int, headline: tuple[str, float]
) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """The summary row, the scored rows at ``horizon`` and their probability cases."""
    ev = evaluate(table, observed)
    at = ev.scores[ev.scores["h"] == horizon]
    cases = ev.brier_cases[ev.brier_cases["h"] == horizon]
    head = cases[(cases["question"] == headline[0]) & (cases["threshold"] == headline[1])]
    row = {
        "origins": float(len(at)),
        "cov80": float(at["in80"].mean()) if len(at) else np.nan,
        "cov50": float(at["in50"].mean()) if len(at) else np.nan,
        "brier": float(head["sq_error"].mean()) if len(head) else np.nan,
        "cases": float(len(head)),
        "dyads": float(at["dyad"].nunique()),
    }
    return row, at, cases


def _graded(at: pd.DataFrame, cases: pd.DataFrame, scope: str, period: str):
    """One coverage row and one row per (question, threshold) of a scope and period."""
    n, hits = len(at), int(at["in80"].sum())
    lo, hi = wilson(hits, n)
    origins = sorted(at["origin"].astype(str).unique())
    cov = {
        "scope": scope,
        "period": period,
        "first": origins[0] if origins else "",
        "last": origins[-1] if origins else "",
        "n": float(n),
        "hits": float(hits),
        "share": hits / n if n else np.nan,
        "lower": lo,
        "upper": hi,
        "grade": coverage_grade(hits, n),
        "cov50": float(at["in50"].mean()) if n else np.nan,
    }
    rows = []
    for (question, t), part in cases.groupby(["question", "threshold"], sort=True):
        k, m = int(part["event"].sum()), len(part)
        lo, hi = wilson(k, m)
        forecast = float(part["forecast"].mean())
        rows.append(
            {
                "scope": scope,
                "period": period,
                "question": str(question),
                "threshold": float(t),
                "cases": float(m),
                "events": float(k),
                "forecast": forecast,
                "observed": k / m,
                "lower": lo,
                "upper": hi,
                "brier": float(part["sq_error"].mean()),
                "grade": probability_grade(k, m, forecast),
                "dyads": float(part["dyad"].nunique()),
            }
        )
    return cov, rows


def _reliability(cases: pd.DataFrame, scope: str) -> pd.DataFrame:
    index = np.clip(np.digitize(cases["forecast"], BINS[1:-1]), 0, len(BINS) - 2)
    rows = []
    for b in range(len(BINS) - 1):
        inside = cases[index == b]
        rows.append(
            {
                "scope": scope,
                "bin": b,
                "lower": BINS[b],
                "upper": BINS[b + 1],
                "forecast": float(inside["forecast"].mean()) if len(inside) else np.nan,
                "observed": float(inside["event"].mean()) if len(inside) else np.nan,
                "cases": float(len(inside)),
                "dyads": float(inside["dyad"].nunique()),
            }
        )
    return pd.DataFrame(rows)


def require_model_rows(table: pd.DataFrame, model: str) -> None:
    """Refuse a track-record table without the backtest columns or without rows of ``model``
    (checked again before an outlook's fit, so that a wrong table costs no fit).

    Raises
    ------
    DataError
        Naming the missing columns, or the models the table has and the one to backtest.
    """
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise DataError(f"the track-record table lacks the column(s) {', '.join(missing)}")
    models = sorted(table["model"].astype(str).unique())
    if model not in models:
        raise DataError(
            f"the track-record table has no rows of model {model!r} (it has "
            f"{', '.join(models)}); backtest the report's model, e.g. --model {model}"
        )


def track_record(
    table: pd.DataFrame,
    observed: pd.DataFrame,
    dyad: str,
    model: str,
    as_of: pd.Period,
    *,
    source: str = "computed",
    headline: tuple[str, float] = ("cross", -6.0),
) -> TrackRecord:
    """Score a backtest table for the report.

    Parameters
    ----------
    table : pd.DataFrame
        Rows in the backtest CSV contract (several models and dyads allowed).
    observed : pd.DataFrame
        The observed scores, months x dyads (cut at the as-of month here).
    dyad : str
        The report's dyad (its rows give the "this dyad" scope).
    model : str
        The ``model`` value to score (e.g. ``"auto"``).
    as_of : pd.Period
        Rows with an origin after it are dropped; outcomes after it are unknown.
    source : str
        Where the table came from (shown in the report).
    headline : (str, float)
        The question the report leads with: ``("cross", T)`` (below T, a column
        ``cross_T``) or ``("back_above", T)`` (back at T or above, a column
        ``back_above_T``). Its cases make the reliability table and the summary's Brier score.

    Raises
    ------
    DataError
        When the table has no rows of ``model`` or none can be scored.
    """
    require_model_rows(table, model)
    headline = (str(headline[0]), float(headline[1]))
    rows = table[table["model"].astype(str) == model].copy()
    rows["origin"] = rows["origin"].astype(str)
    rows["target"] = rows["target"].astype(str)
    origin = pd.PeriodIndex(rows["origin"], freq="M")
    target = pd.PeriodIndex(rows["target"], freq="M")
    rows = rows[(origin <= as_of) & (target <= as_of)]
    known = [d for d in rows["dyad"].astype(str).unique() if d in observed.columns]
    rows = rows[rows["dyad"].astype(str).isin(known)]
    if rows.empty:
        raise DataError(
            f"no row of the track-record table for {model!r} has an outcome known by {as_of} "
            "for a dyad of the data"
        )
    data = cut_panel(observed[known], as_of)
    horizon = int(rows["h"].max())
    recent_from = as_of - 12 * RECENT_YEARS + 1
    scopes = {}
    mine = rows[rows["dyad"].astype(str) == str(dyad)]
    if len(mine):
        scopes["dyad"] = mine
    if len(known) > 1 or not len(mine):
        scopes["pooled"] = rows
    summary, reliability, coverage, crossing = {}, [], [], []
    for scope, part in scopes.items():
        summary[scope], at, cases = _scores(part, data, horizon, headline)
        head = cases[(cases["question"] == headline[0]) & (cases["threshold"] == headline[1])]
        reliability.append(_reliability(head, scope))
        periods = {"all": (at, cases)}
        recent_at = at[pd.PeriodIndex(at["origin"].astype(str), freq="M") >= recent_from]
        if 0 < len(recent_at) < len(at):
            recent_cases = cases[
                pd.PeriodIndex(cases["origin"].astype(str), freq="M") >= recent_from
            ]
            periods["recent"] = (recent_at, recent_cases)
        for period, (a, c) in periods.items():
            cov, probs = _graded(a, c, scope, period)
            coverage.append(cov)
            crossing.extend(probs)
    first = rows[rows["h"] == horizon]["origin"]
    months = sorted(pd.PeriodIndex(first.unique(), freq="M"))
    steps = {(b - a).n for a, b in itertools.pairwise(months)}
    coverage_frame = pd.DataFrame(coverage)
    crossing_frame = pd.DataFrame(
        crossing,
        columns=[
            "scope",
            "period",
            "question",
            "threshold",
            "cases",
            "events",
            "forecast",
            "observed",
            "lower",
            "upper",
            "brier",
            "grade",
            "dyads",
        ],
    )
    return TrackRecord(
        model=model,
        dyad=str(dyad),
        source=source,
        horizon=horizon,
        summary=pd.DataFrame(summary).T.reindex([k for k in ("dyad", "pooled") if k in summary]),
        reliability=pd.concat(reliability, ignore_index=True),
        origins=(str(months[0]), str(months[-1])),
        every=steps.pop() if len(steps) == 1 else None,
        table=rows,
        headline=headline,
        coverage=coverage_frame,
        crossing=crossing_frame,
        verdict=verdict(coverage_frame, crossing_frame, headline),
        recent_from=str(recent_from),
    )
