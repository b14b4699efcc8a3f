"""Scores of the recorded forecasts against the data known now.

Every recorded forecast is scored as far as its window has been observed:

* month by month, from the 19 quantiles, with :func:`relforecast.evaluate` — the CRPS
  (``scoringrules.crps_quantile``), coverage of the central 50 % (q25–q75) and 80 % (q10–q90)
  intervals, the PIT — so a record and a backtest of the same forecasts score identically;
* the **ranked probability score** of the six level probabilities,
  ``RPS = Σ_{k<K} (F_k − O_k)² / (K − 1)`` with ``F_k`` the forecast probability of the
  ``k`` lowest levels and ``O_k`` 1 if the observed level is among them (0 = perfect,
  1 = all probability on the wrong extreme);
* each probability question (:mod:`relforecast.record.questions`), once resolved: the
  **Brier score** ``(p − o)²`` and the **log score** ``−ln p`` if it happened, ``−ln(1 − p)``
  if not. A Monte Carlo probability can be exactly 0 or 1; the log score then reads it as
  ``1 / (2 n_paths)`` from the end (the resolution of ``n_paths`` draws), so one confident miss
  costs ``ln(2 n_paths)`` (≈ 9.9 for 10,000 paths), not infinity.

A forecast's ``status`` says how far its window has been observed: ``resolved`` (every month),
``open`` (some months: the scores cover those, the questions that are already decided are
scored, the others wait), ``pending`` (none yet) or ``no data`` (the data has no such dyad).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from relforecast.evaluation.backtest import QUANTILE_COLUMNS
from relforecast.evaluation.scores import evaluate
from relforecast.exceptions import DataError
from relforecast.record.questions import parse_question
from relforecast.record.schema import LEVEL_COLUMNS
from relforecast.scale import TSINGHUA_SCALE, UNBOUNDED_SCALE, Scale

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["ForecastTables", "RecordScores", "ranked_probability_score", "score_record"]


def ranked_probability_score(probs: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """RPS of ordinal forecasts, normalised to [0, 1].

    Parameters
    ----------
    probs : ndarray, shape (n, K)
        Probabilities of the K ordered categories (rows sum to 1).
    observed : ndarray of int, shape (n,)
        Index of the observed category.
    """
    probs = np.asarray(probs, dtype=float)
    k = probs.shape[1]
    cum_f = np.cumsum(probs, axis=1)[:, :-1]
    cum_o = (np.arange(k - 1)[None, :] >= np.asarray(observed)[:, None]).astype(float)
    return ((cum_f - cum_o) ** 2).sum(axis=1) / (k - 1)


def log_score(p: np.ndarray, outcome: np.ndarray, n_paths: np.ndarray) -> np.ndarray:
    """``−ln`` of the probability given to what happened, floored at ``1 / (2 n_paths)``."""
    floor = 0.5 / np.asarray(n_paths, dtype=float)
    q = np.clip(np.asarray(p, dtype=float), floor, 1 - floor)
    return np.where(np.asarray(outcome) == 1, -np.log(q), -np.log(1 - q))


@dataclass
class RecordScores:
    """Scores of a record.

    Attributes
    ----------
    forecasts : pd.DataFrame
        One row per recorded forecast (index ``id``): dyad, model, as_of, window, status,
        months observed, CRPS (mean and at h = 12), coverage, RPS.
    months : pd.DataFrame
        One row per observed forecast month: forecast id, h, target, obs, crps, in50, in80,
        pit, rps.
    questions : pd.DataFrame
        One row per question: forecast id, dyad, model, as_of, name, kind, threshold,
        probability, outcome (NaN while unresolved), resolved, brier, log.
    notes : list of str
        What could not be scored and why.
    """

    forecasts: pd.DataFrame
    months: pd.DataFrame
    questions: pd.DataFrame
    notes: list[str]

    def summary(self, by: str | list[str] = ("dyad", "model"), h: int = 12) -> pd.DataFrame:
        """Summary per group (default per dyad and model; ``"year"`` is the as-of year).

        Always split by model as well (``by="year"`` gives year x model): scores of different
        models are never pooled into one row.

        Columns: forecasts, resolved, open; CRPS at ``h`` and over all months; 50/80 %
        coverage at ``h`` and over all months; RPS; Brier and log score of ``cross_-6``
        (resolved cases, and their count); Brier and log score of every resolved question.
        """
        keys = [by] if isinstance(by, str) else list(by)
        if "model" not in keys:
            keys.append("model")
        fc = self.forecasts.assign(year=self.forecasts["as_of"].str[:4].astype(int))
        m = self.months.merge(fc[keys], left_on="forecast_id", right_index=True)
        q = self.questions.assign(year=self.questions["as_of"].str[:4].astype(int))
        q = q[q["resolved"]]
        at = m[m["h"] == h]
        main = q[q["name"] == "cross_-6"]
        table = pd.DataFrame(
            {
                "forecasts": fc.groupby(keys).size(),
                "resolved": fc[fc["status"] == "resolved"].groupby(keys).size(),
                "open": fc[fc["status"] == "open"].groupby(keys).size(),
                f"crps@{h}": at.groupby(keys)["crps"].mean(),
                "crps_mean": m.groupby(keys)["crps"].mean(),
                f"cov50@{h}": at.groupby(keys)["in50"].mean(),
                f"cov80@{h}": at.groupby(keys)["in80"].mean(),
                "cov50": m.groupby(keys)["in50"].mean(),
                "cov80": m.groupby(keys)["in80"].mean(),
                "rps": m.groupby(keys)["rps"].mean(),
                "brier_cross-6": main.groupby(keys)["brier"].mean(),
                "log_cross-6": main.groupby(keys)["log"].mean(),
                "n_cross-6": main.groupby(keys).size(),
                "brier_all": q.groupby(keys)["brier"].mean(),
                "log_all": q.groupby(keys)["log"].mean(),
                "n_questions": q.groupby(keys).size(),
            }
        )
        counts = ["forecasts", "resolved", "open", "n_cross-6", "n_questions"]
        table[counts] = table[counts].fillna(0).astype(int)
        return table

    def reliability(self, bins: int = 10) -> pd.DataFrame:
        """All resolved question probabilities in ``bins`` equal bins: mean forecast,
        observed frequency and number of cases (bins with no case are left out)."""
        q = self.questions[self.questions["resolved"]]
        edges = np.linspace(0, 1, bins + 1)
        b = np.clip(np.digitize(q["probability"], edges[1:-1]), 0, bins - 1)
        table = (
            q.assign(bin=b)
            .groupby("bin")
            .agg(
                forecast=("probability", "mean"),
                observed=("outcome", "mean"),
                cases=("outcome", "size"),
            )
        )
        table.insert(0, "range", [f"{edges[i]:.1f}-{edges[i + 1]:.1f}" for i in table.index])
        return table

    def plot_reliability(self, ax: Axes | None = None, bins: int = 10) -> Axes:
        """Reliability diagram of every resolved probability, each bin labelled with its count."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 5))
        table = self.reliability(bins)
        ax.plot([0, 1], [0, 1], color="#888888", ls=":", label="perfect reliability")
        ax.plot(table["forecast"], table["observed"], marker="o", color="#b2182b", label="record")
        for _, row in table.iterrows():
            ax.annotate(
                f"n={int(row['cases'])}",
                (row["forecast"], row["observed"]),
                textcoords="offset points",
                xytext=(4, -10),
                fontsize=7,
            )
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("forecast probability")
        ax.set_ylabel("observed frequency")
        n = int(table["cases"].sum()) if len(table) else 0
        ax.set_title(f"Reliability of the recorded probabilities ({n} resolved)")
        ax.legend(fontsize=8, loc="upper left")
        return ax


def _published_on(data: pd.Series | pd.DataFrame) -> Scale:
    """The scale the observed scores are published on: the one they were loaded on
    (``rf.load_panel`` and ``rf.load_scores`` keep it), else the Tsinghua scale."""
    declared = getattr(data, "attrs", {}).get("scale")
    return declared if isinstance(declared, Scale) else TSINGHUA_SCALE


def _panel(data: pd.Series | pd.DataFrame) -> pd.DataFrame:
    panel = data.to_frame() if isinstance(data, pd.Series) else data
    if not isinstance(panel.index, pd.PeriodIndex):
        raise DataError("the observed data need a monthly PeriodIndex (use rf.load_panel)")
    return panel


class ForecastTables(Protocol):
    """What scoring reads of a record (:class:`relforecast.record.store.Record` keeps it)."""

    where: str
    """The record's location, for messages."""

    def forecasts(self, *, dyad: Any = None, model: Any = None) -> pd.DataFrame:
        """The ``forecasts`` rows (by id) of a dyad and model, or all."""
        ...

    def table(self, name: str, ids: Sequence[int] | None = None) -> pd.DataFrame:
        """The child rows (``months``, ``questions`` …) of the forecasts ``ids``."""
        ...


def score_record(
    record: ForecastTables,
    data: pd.Series | pd.DataFrame,
    *,
    dyad: Any = None,
    model: Any = None,
) -> RecordScores:
    """Score the recorded forecasts (all, or of ``dyad`` / ``model``) against ``data``.

    Parameters
    ----------
    record : Record
        A forecast record (anything with its ``where``, ``forecasts`` and ``table``).
    data : Series or DataFrame
        Observed scores: one dyad (a named series) or a panel (``rf.load_panel``).
    """
    panel, scale = _panel(data), _published_on(data)
    meta = record.forecasts(dyad=dyad, model=model)
    if meta.empty:
        raise DataError(
            f"no recorded forecasts to score in {record.where}"
            + (" for the dyad/model asked" if dyad is not None or model is not None else "")
        )
    ids = list(meta.index)
    month_rows = record.table("months", ids)
    question_rows = record.table("questions", ids)
    notes: list[str] = []
    known = {str(c) for c in panel.columns}
    missing = sorted(set(meta["dyad"]) - known)
    if missing:
        notes.append(
            f"no data for dyad(s) {', '.join(missing)}: their "
            f"{int(meta['dyad'].isin(missing).sum())} "
            "forecast(s) are not scored"
        )
    scorable = meta[meta["dyad"].isin(known)]
    notes.extend(_other_data(scorable, panel))
    months = _score_months(scorable, month_rows, panel)
    questions = _score_questions(meta, question_rows, panel, scale)
    forecasts = _per_forecast(meta, months, panel, scale)
    return RecordScores(forecasts, months, questions, notes)


def _other_data(meta: pd.DataFrame, panel: pd.DataFrame) -> list[str]:
    """Notes on the forecasts whose starting score (``last_value``, the data's score in their
    as-of month) is not the score ``panel`` holds for that month: scored against other data —
    another source with the same dyad names (an ICEWS forecast against GDELT or Tsinghua
    scores), or a revision of the series."""
    if "last_value" not in meta.columns:
        return []
    out = []
    for fid, row in meta.iterrows():
        start = row["last_value"]
        if start is None or not np.isfinite(float(start)):
            continue
        month = pd.Period(str(row["as_of"]), "M")
        values = panel[str(row["dyad"])] if str(row["dyad"]) in panel.columns else None
        seen = values.get(month) if values is not None else None
        if seen is None or not np.isfinite(float(seen)):
            continue
        if not np.isclose(float(seen), float(start), rtol=0.0, atol=1e-6):
            out.append(
                f"forecast #{fid} ({row['dyad']}, as of {month}) started from {float(start):g}, "
                f"but the data give {float(seen):g} for {month}: it is scored against other "
                "data than it was made from (another source, or a revised series)"
            )
    return out


def _score_months(meta: pd.DataFrame, rows: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    columns = ["forecast_id", "h", "target", "obs", "crps", "in50", "in80", "in90", "pit", "rps"]
    rows = rows[rows["forecast_id"].isin(meta.index)]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    table = rows.merge(meta[["dyad", "as_of"]], left_on="forecast_id", right_index=True)
    # evaluate() scores backtest-contract rows; the forecast id stands in for the model so
    # that each scored row maps back to its forecast
    contract = pd.DataFrame(
        {
            "dyad": table["dyad"].to_numpy(),
            "model": table["forecast_id"].astype(str).to_numpy(),
            "origin": table["as_of"].to_numpy(),
            "h": table["h"].to_numpy(),
            "target": table["month"].to_numpy(),
            **{c: table[c].to_numpy() for c in QUANTILE_COLUMNS},
        }
    )
    scored = evaluate(contract, panel[sorted(set(contract["dyad"]))]).scores
    if scored.empty:
        return pd.DataFrame(columns=columns)
    scored = scored.assign(forecast_id=scored["model"].astype(int))
    out = scored.merge(
        table[["forecast_id", "h", "month", *LEVEL_COLUMNS]], on=["forecast_id", "h"]
    ).rename(columns={"month": "target"})
    probs = out[list(LEVEL_COLUMNS)].to_numpy(dtype=float)
    have = np.isfinite(probs).all(axis=1)
    rps = np.full(len(out), np.nan)
    # level probabilities are recorded for forecasts on the six Tsinghua levels only
    observed_level = TSINGHUA_SCALE.level_index(out["obs"].to_numpy()[have])
    rps[have] = ranked_probability_score(probs[have], observed_level)
    out["rps"] = rps
    return out[columns].sort_values(["forecast_id", "h"]).reset_index(drop=True)


def _window_values(
    series: pd.Series, first: str, last: str, scale: Scale
) -> tuple[np.ndarray, bool]:
    """The observed scores of the window as published on ``scale`` (rounded to its grid; as
    they are on a continuous scale), from its first month up to the first gap, and whether
    every month of the window is observed."""
    months = pd.period_range(first, last, freq="M")
    values = series.reindex(months).to_numpy(dtype=float)
    gap = np.flatnonzero(~np.isfinite(values))
    upto = gap[0] if gap.size else len(values)
    return scale.round(values[:upto]), upto == len(values)


def _score_questions(
    meta: pd.DataFrame, rows: pd.DataFrame, panel: pd.DataFrame, scale: Scale
) -> pd.DataFrame:
    rows = rows.merge(
        meta[["dyad", "model", "as_of", "n_paths"]], left_on="forecast_id", right_index=True
    )
    outcomes = np.full(len(rows), np.nan)
    cache: dict[tuple[str, str, str], tuple[np.ndarray, bool]] = {}
    for i, row in enumerate(rows.itertuples(index=False)):
        if row.dyad not in panel.columns:
            continue
        key = (row.dyad, row.first, row.last)
        if key not in cache:
            cache[key] = _window_values(panel[row.dyad].dropna(), row.first, row.last, scale)
        observed, complete = cache[key]
        # checked against the forecast's scale when recorded; the record keeps no scale
        result = parse_question(row.name, UNBOUNDED_SCALE).outcome(observed, complete)
        if result is not None:
            outcomes[i] = result
    rows = rows.assign(outcome=outcomes, resolved=np.isfinite(outcomes))
    p = rows["probability"].to_numpy(dtype=float)
    resolved = rows["resolved"].to_numpy()
    brier = np.where(resolved, (p - np.nan_to_num(outcomes)) ** 2, np.nan)
    logs = np.where(resolved, log_score(p, np.nan_to_num(outcomes), rows["n_paths"]), np.nan)
    rows = rows.assign(brier=brier, log=logs)
    cols = [
        "forecast_id",
        "dyad",
        "model",
        "as_of",
        "name",
        "kind",
        "threshold",
        "level",
        "first",
        "last",
        "probability",
        "mc_se",
        "outcome",
        "resolved",
        "brier",
        "log",
    ]
    return rows[cols].sort_values(["forecast_id", "name"]).reset_index(drop=True)


def _per_forecast(
    meta: pd.DataFrame, months: pd.DataFrame, panel: pd.DataFrame, scale: Scale
) -> pd.DataFrame:
    out = meta[
        ["dyad", "model", "as_of", "window_first", "window_last", "seed", "n_paths", "source"]
    ].copy()
    status, observed, length = [], [], []
    for row in out.itertuples():
        n = len(pd.period_range(row.window_first, row.window_last, freq="M"))
        length.append(n)
        if row.dyad not in panel.columns:
            status.append("no data")
            observed.append(0)
            continue
        values, complete = _window_values(
            panel[row.dyad].dropna(), row.window_first, row.window_last, scale
        )
        observed.append(len(values))
        status.append("resolved" if complete else ("open" if len(values) else "pending"))
    out["status"] = status
    out["window_months"] = length
    out["observed"] = observed
    grouped = months.groupby("forecast_id")
    out["months_scored"] = grouped.size().reindex(out.index).fillna(0).astype(int)
    out["crps_mean"] = grouped["crps"].mean().reindex(out.index)
    out["crps@12"] = months[months["h"] == 12].set_index("forecast_id")["crps"].reindex(out.index)
    out["cov50"] = grouped["in50"].mean().reindex(out.index)
    out["cov80"] = grouped["in80"].mean().reindex(out.index)
    out["rps"] = grouped["rps"].mean().reindex(out.index)
    return out
