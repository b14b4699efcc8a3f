"""Scores of backtest forecasts against what happened: CRPS, quantile loss, coverage, Brier,
reliability and PIT.

Input: a backtest table (the CSV contract of ``relforecast backtest``) and the observed data.
Every score is computed from the 19 quantiles ``q5 … q95`` and the ``cross_T`` columns, so a
CSV written by any tool with the same columns can be scored.

* CRPS: the quantile approximation, ``scoringrules.crps_quantile`` over the 19 levels.
* Quantile loss: the mean pinball loss over the 19 levels.
* Coverage of the central 50 % (q25–q75), 80 % (q10–q90) and 90 % (q5–q95) intervals. (A 95 %
  interval would need the 2.5 % and 97.5 % quantiles, which the contract does not carry.)
* Brier score of ``cross_T`` against "the observed minimum over months 1…h fell below T",
  over the cases whose origin value is ≥ T (a crossing is still possible news). The tables
  give the number of those cases beside it (``brier_cases``): with none, the Brier score is
  empty (NaN) and :meth:`Evaluation.brier_notes` says why.
* Reliability: forecast probabilities in ten bins, mean forecast vs observed frequency.
* PIT: where the observation falls among the 19 quantiles, in 20 bins of 5 % (ties between
  equal quantiles — frequent for sticky scores — are split evenly).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scoringrules as sr

from relforecast.evaluation.backtest import QUANTILE_COLUMNS, QUANTILE_LEVELS
from relforecast.exceptions import DataError
from relforecast.periods import parse_months

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Evaluation", "evaluate", "randomized_pit_coverage", "validate_backtest"]

_ALPHA = np.asarray(QUANTILE_LEVELS)


@dataclass
class Evaluation:
    """Scores of a backtest.

    Attributes
    ----------
    scores : pd.DataFrame
        One row per scored backtest row: obs, crps, qloss, in50, in80, in90, pit.
    brier_cases : pd.DataFrame
        One row per (backtest row, question) case: ``question`` (``cross``: below T from at
        or above it; ``back_above``: back at T or above from below it), ``threshold``,
        forecast probability, event.
    """

    scores: pd.DataFrame
    brier_cases: pd.DataFrame

    def by_horizon(self) -> pd.DataFrame:
        """Model x horizon: CRPS, quantile loss, coverages, the number of live threshold cases
        (``brier_cases``) and their Brier score (empty, NaN, where there is none)."""
        out = self.scores.groupby(["model", "h"])[["crps", "qloss", "in50", "in80", "in90"]]
        table = out.mean()
        grouped = self.brier_cases.groupby(["model", "h"])["sq_error"]
        table = table.join(grouped.size().rename("brier_cases"))
        table = table.join(grouped.mean().rename("brier"))
        table["brier_cases"] = table["brier_cases"].fillna(0).astype(int)
        return table.rename(columns={"in50": "cov50", "in80": "cov80", "in90": "cov90"})

    def summary(self, h: int | None = None) -> pd.DataFrame:
        """Per model: CRPS at the last horizon, mean CRPS over all horizons, coverages and
        Brier score at the last horizon (or ``h``), and the number of scored origins."""
        table = self.by_horizon()
        last = h or int(self.scores["h"].max())
        at = table.xs(last, level="h")
        out = pd.DataFrame(
            {
                f"crps@{last}": at["crps"],
                "crps_mean": table["crps"].groupby(level="model").mean(),
                f"cov80@{last}": at["cov80"],
                f"cov50@{last}": at["cov50"],
                f"brier_cases@{last}": at["brier_cases"],
                f"brier@{last}": at["brier"],
                "origins": self.scores[self.scores["h"] == last].groupby("model").size(),
            }
        )
        return out

    def brier_notes(self, h: int | None = None) -> list[str]:
        """Why a Brier score of :meth:`summary` (at ``h``) is empty: one note per such score
        naming the models with no live case."""
        summary = self.summary(h)
        notes = []
        for column in (c for c in summary.columns if c.startswith("brier@")):
            empty = [str(m) for m in summary.index[summary[column].isna()]]
            if empty:
                notes.append(
                    f"{column} is empty (NaN) for {', '.join(empty)}: no scored row asked a live "
                    "question (a crossing needs an origin at or above its threshold); "
                    f"{column.replace('brier@', 'brier_cases@')} is 0"
                )
        return notes

    def reliability(self, h: int | None = None, bins: int = 10) -> pd.DataFrame:
        """Per model and probability bin: mean forecast, observed frequency, number of cases
        (at the last horizon scored, that of :meth:`summary`, or ``h``). A model with no live
        case there has no row."""
        cases = self.brier_cases
        last = h or int(self.scores["h"].max())
        cases = cases[cases["h"] == last].copy()
        edges = np.linspace(0, 1, bins + 1)
        cases["bin"] = np.clip(np.digitize(cases["forecast"], edges[1:-1]), 0, bins - 1)
        grouped = cases.groupby(["model", "bin"])
        table = grouped.agg(
            forecast=("forecast", "mean"), observed=("event", "mean"), cases=("event", "size")
        )
        return table

    def pit_histogram(self, h: int | None = None) -> pd.DataFrame:
        """Model x 20 PIT bins: the share of observations in each (flat = calibrated)."""
        scores = self.scores
        if h is not None:
            scores = scores[scores["h"] == h]
        bins = np.clip((scores["pit"] * 20).astype(int), 0, 19)
        counts = pd.crosstab(scores["model"], bins, normalize="index")
        return counts.reindex(columns=range(20), fill_value=0.0)

    def plot_reliability(self, h: int | None = None, ax: Axes | None = None) -> Axes:
        """Reliability diagram (mean forecast vs observed frequency, bins with cases)."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 5))
        table = self.reliability(h).reset_index()
        ax.plot([0, 1], [0, 1], color="#888888", ls=":")
        for model, part in table.groupby("model"):
            ax.plot(part["forecast"], part["observed"], marker="o", label=str(model))
        shown = set(table["model"].astype(str))
        for model in sorted(set(self.scores["model"].astype(str)) - shown):
            ax.plot([], [], ls="none", label=f"{model}: no live case")
        ax.set_xlabel("forecast probability")
        ax.set_ylabel("observed frequency")
        ax.set_title("Reliability of P(crossing)")
        ax.legend(fontsize=8)
        return ax

    def plot_pit(self, h: int | None = None, ax: Axes | None = None) -> Axes:
        """PIT histograms, one line per model (flat at 1 = calibrated)."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        hist = self.pit_histogram(h) * 20
        centres = (np.arange(20) + 0.5) / 20
        for model, row in hist.iterrows():
            ax.step(centres, row.to_numpy(), where="mid", label=str(model))
        ax.axhline(1.0, color="#888888", ls=":")
        ax.set_xlabel("PIT")
        ax.set_ylabel("density")
        ax.set_title("PIT histogram")
        ax.legend(fontsize=8)
        return ax


def randomized_pit_coverage(
    ensemble: np.ndarray, obs: np.ndarray | float, coverage: float = 0.8
) -> np.ndarray | float:
    """Probability that the randomised PIT of ``obs`` falls in the central ``coverage`` interval.

    For a discrete forecast (paths rounded to the published resolution, with atoms such as
    "unchanged") the PIT of an observation is drawn uniformly between ``F(obs−)`` and
    ``F(obs)`` (Czado, Gneiting & Held 2009); it is uniform when the forecast is calibrated,
    atoms included. This returns its probability of landing in
    ``[(1 − coverage)/2, (1 + coverage)/2]`` exactly, with no random draw, so the mean over
    cases is the coverage of a calibrated forecast's central interval: ``coverage`` in
    expectation. Quantile-interval coverage of a discrete variable, by contrast, exceeds the
    nominal level whenever an atom straddles a quantile.

    Parameters
    ----------
    ensemble : ndarray, shape (n_members,) or (n_cases, n_members)
        Forecast draws (rounded to the published resolution for published scores).
    obs : float or ndarray, shape (n_cases,)
        Observations.
    coverage : float, default 0.8
        Nominal coverage of the central interval.

    Returns
    -------
    float or ndarray
        One probability per case.
    """
    if not 0 < coverage < 1:
        raise DataError(f"coverage must lie strictly between 0 and 1, got {coverage!r}")
    ens = np.atleast_2d(np.asarray(ensemble, dtype=float))
    y = np.atleast_1d(np.asarray(obs, dtype=float))[:, None]
    tol = 1e-9 * np.maximum(1.0, np.abs(y))
    below = (ens < y - tol).mean(axis=1)
    upto = (ens <= y + tol).mean(axis=1)
    a, b = (1 - coverage) / 2, (1 + coverage) / 2
    width = upto - below
    overlap = np.clip(np.minimum(upto, b) - np.maximum(below, a), 0.0, None)
    inside = (below >= a) & (below <= b)
    out = np.where(width > 0, overlap / np.where(width > 0, width, 1.0), inside)
    return float(out[0]) if np.ndim(obs) == 0 and np.ndim(ensemble) == 1 else out


def _observed_frame(data: pd.Series | pd.DataFrame) -> pd.DataFrame:
    panel = data.to_frame() if isinstance(data, pd.Series) else data
    if not isinstance(panel.index, pd.PeriodIndex):
        raise DataError("the observed data need a monthly PeriodIndex (use rf.load_panel)")
    return panel


def _pit(obs: np.ndarray, q: np.ndarray) -> np.ndarray:
    below = (q < obs[:, None]).sum(axis=1)
    at_or_below = (q <= obs[:, None]).sum(axis=1)
    return 0.05 * (below + at_or_below) / 2 + 0.025


_KEY = ["dyad", "model", "origin", "h"]


def _shown(value: object) -> str:
    """A cell as the user wrote it: '(empty)' for a missing one, numbers without numpy's
    type names."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "(empty)"
    return repr(value)


def _bad_rows(frame: pd.DataFrame, bad: np.ndarray, column: str) -> str:
    """The first few bad rows, as 'row N: value' (rows counted from 1, as in a spreadsheet
    below the header)."""
    where = np.flatnonzero(bad)
    shown = [f"row {i + 1}: {_shown(frame[column].iloc[i])}" for i in where[:4]]
    more = f" ... ({len(where)} rows in all)" if len(where) > 4 else ""
    return ", ".join(shown) + more


def validate_backtest(backtest: pd.DataFrame, where: str = "the backtest table") -> pd.DataFrame:
    """Check a table against the backtest CSV contract before anything is scored.

    The one check shared by :func:`evaluate`, ``relforecast evaluate`` and the record's
    scoring: a table that breaks the contract is refused with a :class:`DataError` naming the
    first bad rows, never scored in part. Required: the columns ``dyad, model, origin, h,
    target, q5 … q95``; at least one row; a dyad and model in every row; ``h`` a whole number
    >= 1 and ``target`` = ``origin`` + ``h`` months; every quantile a finite number, the 19 in
    non-decreasing order; every ``cross_T`` (and ``back_above_T``) a probability in [0, 1] of
    a finite threshold, each threshold once; each (dyad, model, origin, h) once.

    Returns
    -------
    pd.DataFrame
        The table with ``h`` as integers and the quantile and ``cross_T`` columns as floats.
    """
    if not isinstance(backtest, pd.DataFrame):
        raise DataError(
            f"{where} must be a DataFrame in the backtest contract, got {type(backtest).__name__}"
        )
    need = ["dyad", "model", "origin", "h", "target", *QUANTILE_COLUMNS]
    missing = [c for c in need if c not in backtest.columns]
    if missing:
        raise DataError(
            f"{where} lacks columns {missing}; a backtest table (relforecast backtest) has "
            "dyad, model, origin, h, target, q5 ... q95 and cross_T columns"
        )
    if backtest.empty:
        raise DataError(f"{where} has no rows: nothing to score")
    twice = [str(c) for c in pd.Index(backtest.columns)[pd.Index(backtest.columns).duplicated()]]
    if twice:
        raise DataError(f"{where} has the column(s) {twice} twice; keep one of each")
    out = backtest.copy()
    for column in ("dyad", "model"):
        blank = out[column].isna().to_numpy() | (out[column].astype(str).str.strip() == "")
        if blank.any():
            raise DataError(f"{where}: empty {column} at {_bad_rows(out, blank, column)}")
    h = pd.to_numeric(out["h"], errors="coerce")
    bad = ~(h.notna() & (h >= 1) & (h == np.round(h))).to_numpy()
    if out["h"].map(lambda v: isinstance(v, bool | np.bool_)).any():
        bad |= out["h"].map(lambda v: isinstance(v, bool | np.bool_)).to_numpy()
    if bad.any():
        raise DataError(
            f"{where}: h must be a whole number of months >= 1; {_bad_rows(out, bad, 'h')}"
        )
    out["h"] = h.astype(int)
    origin = parse_months(out["origin"], f"origins in {where}")
    target = parse_months(out["target"], f"targets in {where}")
    off = (target - origin).map(lambda d: d.n).to_numpy() != out["h"].to_numpy()
    if off.any():
        raise DataError(
            f"{where}: target is not origin + h months at {_bad_rows(out, off, 'target')}"
        )
    out["origin"] = origin.astype(str)
    out["target"] = target.astype(str)
    quantiles = _numbers(out, list(QUANTILE_COLUMNS), where)
    crossed = (np.diff(quantiles, axis=1) < -1e-9).any(axis=1)
    if crossed.any():
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(crossed)[:4])
        raise DataError(
            f"{where}: quantiles out of order (a lower level above a higher one) in row(s) "
            f"{rows}; q5 <= q10 <= ... <= q95 must hold"
        )
    out[list(QUANTILE_COLUMNS)] = quantiles
    # cross_T, and back_above_T (the recovery question, the backtest's recover= option)
    thresholds = [c for c in out.columns if str(c).startswith(("cross_", "back_above_"))]
    levels = {}
    for column in thresholds:
        kind = "back_above_" if str(column).startswith("back_above_") else "cross_"
        try:
            t = float(str(column).removeprefix(kind))
        except ValueError:
            t = float("nan")
        if not np.isfinite(t):
            raise DataError(f"{where}: column {column!r} does not name a finite threshold")
        if (kind, t) in levels:
            raise DataError(
                f"{where}: columns {levels[kind, t]!r} and {column!r} are the same threshold {t:g}"
            )
        levels[kind, t] = column
    if thresholds:
        probs = _numbers(out, thresholds, where)
        outside = (probs < 0) | (probs > 1)
        if outside.any():
            i, j = np.argwhere(outside)[0]
            raise DataError(
                f"{where}: {thresholds[j]} = {probs[i, j]:g} in row {i + 1} is not a "
                "probability; it must lie in [0, 1]"
            )
        out[thresholds] = probs
    repeated = out.duplicated(_KEY, keep=False).to_numpy()
    if repeated.any():
        first = out[repeated].iloc[0]
        raise DataError(
            f"{where} holds {int(repeated.sum())} rows that repeat a (dyad, model, origin, h), "
            f"e.g. {first['dyad']}, {first['model']}, {first['origin']}, h={first['h']}; each "
            "forecast must appear once (was a backtest written twice or a model asked twice?)"
        )
    return out


def _numbers(frame: pd.DataFrame, columns: list[str], where: str) -> np.ndarray:
    """The columns as a float matrix; an empty, non-numeric or infinite cell is refused."""
    for column in columns:
        raw = frame[column]
        if raw.map(lambda v: isinstance(v, bool | np.bool_)).any():
            bad = raw.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy()
            raise DataError(f"{where}: true/false in {column!r} at {_bad_rows(frame, bad, column)}")
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        if bad.any():
            raise DataError(
                f"{where}: {column!r} must be a finite number in every row; "
                f"{_bad_rows(frame, bad, column)}"
            )
    return frame[columns].apply(pd.to_numeric).to_numpy(dtype=float)


def evaluate(backtest: pd.DataFrame, data: pd.Series | pd.DataFrame) -> Evaluation:
    """Score a backtest table against the observed data.

    Parameters
    ----------
    backtest : pd.DataFrame
        Rows in the backtest CSV contract (``rf.backtest`` or ``pd.read_csv`` of its CSV).
    data : Series or DataFrame
        The observed scores (one dyad, or a panel with the backtest's dyads as columns).

    Returns
    -------
    Evaluation
        Rows whose target month is not observed are left out (their count is in
        ``scores.attrs["unscored"]``).
    """
    backtest = validate_backtest(backtest)
    panel = _observed_frame(data)
    if isinstance(data, pd.Series) and data.name is not None:
        panel.columns = [str(data.name)]
    unknown = set(backtest["dyad"].astype(str)) - {str(c) for c in panel.columns}
    if unknown:
        raise DataError(
            f"no observed data for dyad(s) {sorted(unknown)}; the data has "
            f"{', '.join(map(str, panel.columns))}"
        )
    frames, cases = [], []
    thresholds = [c for c in backtest.columns if c.startswith(("cross_", "back_above_"))]
    for dyad, part in backtest.groupby("dyad"):
        series = panel[str(dyad)].dropna() if str(dyad) in panel else panel[dyad].dropna()
        origin = pd.PeriodIndex(part["origin"].astype(str), freq="M")
        target = pd.PeriodIndex(part["target"].astype(str), freq="M")
        observed = target.isin(series.index) & origin.isin(series.index)
        part = part[observed]
        origin, target = origin[observed], target[observed]
        obs = series.reindex(target).to_numpy()
        start = series.reindex(origin).to_numpy()
        # minimum of the observed path over months 1..h after the origin
        pos = series.index.get_indexer(origin)
        values = series.to_numpy()
        h = part["h"].to_numpy()
        path_min = np.array([values[p + 1 : p + 1 + k].min() for p, k in zip(pos, h, strict=True)])
        q = part[list(QUANTILE_COLUMNS)].to_numpy(dtype=float)
        crps = np.asarray(sr.crps_quantile(obs, q, _ALPHA))
        pinball = np.mean(
            np.maximum(_ALPHA * (obs[:, None] - q), (_ALPHA - 1) * (obs[:, None] - q)), axis=1
        )
        frames.append(
            pd.DataFrame(
                {
                    "dyad": dyad,
                    "model": part["model"].to_numpy(),
                    "origin": part["origin"].to_numpy(),
                    "h": h,
                    "obs": obs,
                    "crps": crps,
                    "qloss": pinball,
                    "in50": (q[:, 4] <= obs) & (obs <= q[:, 14]),
                    "in80": (q[:, 1] <= obs) & (obs <= q[:, 17]),
                    "in90": (q[:, 0] <= obs) & (obs <= q[:, 18]),
                    "pit": _pit(obs, q),
                }
            )
        )
        path_max = np.array([values[p + 1 : p + 1 + k].max() for p, k in zip(pos, h, strict=True)])
        for col in thresholds:
            if col.startswith("back_above_"):  # a relation below T: does it come back?
                t = float(col.removeprefix("back_above_"))
                live, happened, question = start < t, path_max >= t, "back_above"
            else:
                t = float(col.removeprefix("cross_"))
                live, happened, question = start >= t, path_min < t, "cross"
            p = part[col].to_numpy(dtype=float)[live]
            event = happened[live].astype(float)
            cases.append(
                pd.DataFrame(
                    {
                        "dyad": dyad,
                        "model": part["model"].to_numpy()[live],
                        "origin": part["origin"].astype(str).to_numpy()[live],
                        "h": h[live],
                        "question": question,
                        "threshold": t,
                        "forecast": p,
                        "event": event,
                        "sq_error": (p - event) ** 2,
                    }
                )
            )
    scores = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    scores.attrs["unscored"] = int(len(backtest) - len(scores))
    brier = (
        pd.concat(cases, ignore_index=True)
        if cases
        else pd.DataFrame(
            columns=[
                "dyad",
                "model",
                "origin",
                "h",
                "question",
                "threshold",
                "forecast",
                "event",
                "sq_error",
            ]
        )
    )
    return Evaluation(scores, brier)
