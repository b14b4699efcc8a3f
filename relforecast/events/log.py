"""The event layer: an event log turned into monthly event scores, topic and venue shares,
regressors for the models, and an event-to-score update rule.

``rf.load_events`` reads a table with one row per event — month, dyad, and either a numeric
score or an impact sign — plus optional topic, venue and description columns. Impact signs
map to scores by ``DEFAULT_IMPACT_SCORES`` (positive +1, neutral 0, negative −1) unless
another mapping is given.

The update rule
---------------
The group turns event scores into relation-score changes with damping near the ends of the
scale; its exact published formula is not available to us. relforecast ships an
**approximation**, the damped accumulation

    Δy_t = gain · e_t · (1 − |y_{t−1} / B|^power)

(``e_t`` the month's net event score, ``B`` the scale's half-width): an event moves the score
in proportion to its weight, less and less as the score nears an end of the scale. Its
parameters are estimated by least squares when both series exist
(:func:`fit_update_rule`); any other rule with the signature
``rule(y_prev, e, *params) -> Δy`` can be plugged in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from relforecast.data import dyad_key, merge_note, read_csv_file
from relforecast.events.shares import category_table, period_counts, shares_from_weights
from relforecast.exceptions import DataError, FitError
from relforecast.periods import parse_months, to_month
from relforecast.shocks import ShockCalendar

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from relforecast._typing import PeriodLike
    from relforecast.events.terms import Terms
    from relforecast.events.venues import VenueClasses

__all__ = [
    "DEFAULT_IMPACT_SCORES",
    "EventLog",
    "UpdateRuleFit",
    "damped_update",
    "fit_update_rule",
    "load_events",
    "simulate_update_rule",
]

DEFAULT_IMPACT_SCORES: dict[str, float] = {"positive": 1.0, "neutral": 0.0, "negative": -1.0}
_DEFAULT_TOPIC_ZH = "event_category"


def _has_values(rows: pd.DataFrame, column: str) -> bool:
    return column in rows.columns and bool(rows[column].notna().any())


@dataclass
class EventLog:
    """Events: ``frame`` has columns month, dyad, score, topic, venue and description
    (``topic_zh`` and the file's other columns when :func:`load_events` read them)."""

    frame: pd.DataFrame

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def dyads(self) -> list[str]:
        """Dyads present, in order of first appearance."""
        return list(pd.unique(self.frame["dyad"]))

    def for_dyad(self, dyad: str) -> pd.DataFrame:
        """The events of one dyad (names match as in ``rf.load_scores``)."""
        key = dyad_key(dyad)
        rows = self.frame[self.frame["dyad"].map(dyad_key) == key]
        if rows.empty:
            raise DataError(f"no events for dyad {dyad!r}; the log has: {', '.join(self.dyads)}")
        merge_note(pd.unique(rows["dyad"].astype(str)), "the event log")
        return rows

    def monthly_scores(self, dyad: str, index: pd.PeriodIndex | None = None) -> pd.DataFrame:
        """Monthly event scores of one dyad.

        Parameters
        ----------
        dyad : str
        index : pd.PeriodIndex, optional
            Months to report (default: first to last event month). Months without events
            have zeros: no event happened.

        Returns
        -------
        pd.DataFrame
            ``positive`` (sum of positive scores), ``negative`` (sum of negative scores, ≤ 0),
            ``net`` (their sum) and ``count`` (all events, neutral ones included).
        """
        rows = self.for_dyad(dyad)
        score = rows["score"]
        grouped = (
            pd.DataFrame(
                {
                    "month": rows["month"],
                    "positive": score.clip(lower=0),
                    "negative": score.clip(upper=0),
                    "count": 1,
                }
            )
            .groupby("month")
            .sum()
        )
        grouped["net"] = grouped["positive"] + grouped["negative"]
        if index is None:
            index = pd.period_range(rows["month"].min(), rows["month"].max(), freq="M")
        out = grouped.reindex(index, fill_value=0)[["positive", "negative", "net", "count"]]
        out.index.name = "month"
        out["count"] = out["count"].astype(int)
        return out

    def until(self, month: PeriodLike) -> EventLog:
        """The log as known at ``month`` (the as-of month): later events dropped."""
        last = to_month(month, "until")
        return EventLog(self.frame[self.frame["month"] <= last].reset_index(drop=True))

    def dyad_label(self, dyad: str, lang: str = "en") -> str:
        """The dyad's name for titles: the log's Chinese name (column ``country_cn``) for zh."""
        if lang == "zh" and "country_cn" in self.frame.columns:
            names = self.for_dyad(dyad)["country_cn"].dropna()
            if len(names):
                return str(names.iloc[0])
        return dyad

    def _categories(
        self, rows: pd.DataFrame, what: str, lang: str, venues: VenueClasses | None
    ) -> tuple[pd.Series, list[str] | None, str | None]:
        """Category of each row, a fixed column order (venue classes) and the unclassified label."""
        if what == "topic":
            column = "topic_zh" if lang == "zh" and _has_values(rows, "topic_zh") else "topic"
            if not _has_values(rows, column):
                raise DataError(
                    "the event log has no topic values; name the column with topic_col=... in "
                    "rf.load_events (--topic-col on the command line)"
                )
            return rows[column], None, None
        if what != "venue":
            raise DataError(f"what={what!r} is not known; use 'topic' or 'venue'")
        if venues is not None:
            names = venues.label_map(lang)
            return (
                venues.classify(rows).map(names),
                venues.names(lang),
                venues.unclassified_label(lang),
            )
        if not _has_values(rows, "venue"):
            raise DataError(
                "the event log has no venue values; give venues= (a venue-class mapping file, "
                "see docs/events.md) or name a venue column with venue_col=... in rf.load_events"
            )
        return rows["venue"], None, None

    def counts(
        self,
        dyad: str,
        what: str = "topic",
        sign: str = "negative",
        by: str = "year",
        *,
        terms: Terms | None = None,
        venues: VenueClasses | None = None,
        lang: str = "en",
        start: PeriodLike | None = None,
        until: PeriodLike | None = None,
    ) -> pd.DataFrame:
        """Numbers of events of each topic (``what="topic"``) or venue per period.

        Same periods and columns as :meth:`shares` without the ``none`` column.
        """
        rows = self.for_dyad(dyad)
        cats, order, unclassified = self._categories(rows, what, lang, venues)
        return category_table(
            rows,
            cats,
            sign,
            by,
            terms=terms,
            lang=lang,
            start=start,
            until=until,
            order=order,
            unclassified=unclassified,
        )[1]

    def shares(
        self,
        dyad: str,
        what: str = "topic",
        sign: str = "negative",
        by: str = "year",
        *,
        terms: Terms | None = None,
        venues: VenueClasses | None = None,
        lang: str = "en",
        start: PeriodLike | None = None,
        until: PeriodLike | None = None,
    ) -> pd.DataFrame:
        """Share of each topic or venue in the positive or negative events, per period.

        Parameters
        ----------
        dyad : str
        what : {"topic", "venue"}
            Topics: the log's topic column (its Chinese column ``topic_zh`` for
            ``lang="zh"`` when the log has one). Venues: the classes of ``venues`` (a
            :class:`~relforecast.events.venues.VenueClasses`), else the log's venue column.
        sign : {"positive", "negative"}
        by : {"month", "year", "term"}
            ``term`` needs ``terms`` (:class:`~relforecast.events.terms.Terms`).
        lang : {"en", "zh"}
            Language of the ``none`` / ``unclassified`` labels, of term and venue names.
        start, until : str or Period, optional
            Ends of the span (default: the dyad's first and last event month); ``until`` is the
            as-of month, no later event is used.

        Returns
        -------
        pd.DataFrame
            Every period of the span (rows) x categories, then ``unclassified`` (when any
            event has no category, or always for venue classes) and ``none`` (1 for a period
            without such events). Shares are weighted by ``|score|``; each row sums to 1.
        """
        rows = self.for_dyad(dyad)
        cats, order, unclassified = self._categories(rows, what, lang, venues)
        weights, _ = category_table(
            rows,
            cats,
            sign,
            by,
            terms=terms,
            lang=lang,
            start=start,
            until=until,
            order=order,
            unclassified=unclassified,
        )
        return shares_from_weights(weights, lang)

    def topic_shares(
        self, dyad: str, sign: str = "negative", by: str = "year", **options
    ) -> pd.DataFrame:
        """Topic shares: :meth:`shares` with ``what="topic"``."""
        return self.shares(dyad, "topic", sign, by, **options)

    def venue_shares(
        self, dyad: str, sign: str = "negative", by: str = "year", **options
    ) -> pd.DataFrame:
        """Venue shares: :meth:`shares` with ``what="venue"`` (pass ``venues=`` for classes)."""
        return self.shares(dyad, "venue", sign, by, **options)

    def period_counts(
        self,
        dyad: str,
        by: str = "year",
        *,
        terms: Terms | None = None,
        lang: str = "en",
        start: PeriodLike | None = None,
        until: PeriodLike | None = None,
    ) -> pd.DataFrame:
        """Numbers of positive, neutral and negative events (and their total) per period.

        Every period of the span is a row; ``attrs["outside"]`` counts the events of the span
        that fall in no period (between or beside the terms).
        """
        return period_counts(
            self.for_dyad(dyad), by, terms=terms, lang=lang, start=start, until=until
        )

    def regressor(self, dyad: str, index: pd.PeriodIndex, kind: str = "cumulative") -> pd.DataFrame:
        """Event regressors over ``index``.

        Parameters
        ----------
        dyad : str
        index : pd.PeriodIndex
            The months of the series the model is fitted to.
        kind : {"cumulative", "net", "counts"}
            ``cumulative`` (default): the running sum of net event scores, column
            ``events_cumulative`` — each event shifts the level for good, as in the
            accumulation rule (in a regression with ARIMA errors the coefficient is the score
            change per unit of event score); ``net``: the month's net score (a one-month
            effect on the level); ``counts``: numbers of positive and negative events.

        Returns
        -------
        pd.DataFrame
            Usable as ``ShockCalendar(regressors=...)``; see :meth:`calendar`.
        """
        monthly = self.monthly_scores(dyad, index)
        if kind == "cumulative":
            return monthly[["net"]].cumsum().rename(columns={"net": "events_cumulative"})
        if kind == "net":
            return monthly[["net"]].rename(columns={"net": "events_net"})
        if kind == "counts":
            rows = self.for_dyad(dyad)
            counts = pd.DataFrame(
                {
                    "events_positive": (rows["score"] > 0).groupby(rows["month"]).sum(),
                    "events_negative": (rows["score"] < 0).groupby(rows["month"]).sum(),
                }
            )
            return counts.reindex(index, fill_value=0).astype(float)
        raise DataError(f"kind={kind!r} is not known; use 'cumulative', 'net' or 'counts'")

    def calendar(
        self,
        dyad: str,
        index: pd.PeriodIndex,
        kind: str = "cumulative",
        shocks: ShockCalendar | None = None,
    ) -> ShockCalendar:
        """A shock calendar carrying the event regressor (added to ``shocks`` if given)."""
        reg = self.regressor(dyad, index, kind)
        cumulative = list(reg.columns) if kind == "cumulative" else []
        cal = ShockCalendar(regressors=reg, cumulative=cumulative)
        return cal if shocks is None else shocks + cal


def plot_shares(
    shares: pd.DataFrame, title: str = "", ax: Axes | None = None, lang: str | None = None
) -> Axes:
    """Stacked bars of shares per period; see :func:`relforecast.events.charts.shares_chart`.

    Chinese labels are drawn with the CJK font of ``relforecast.graphics.fonts`` (``lang=None``
    chooses it when any label is Chinese).
    """
    from relforecast.events.charts import shares_chart

    return shares_chart(shares, title=title, ax=ax, lang=lang)


def load_events(
    source: str | PathLike | pd.DataFrame,
    *,
    dyad_col: str = "country_en",
    month_col: str = "event_date",
    score_col: str | None = None,
    impact_col: str | None = "impact",
    topic_col: str | None = "event_category_en",
    topic_zh_col: str | None = "event_category",
    venue_col: str | None = None,
    description_col: str | None = "event_name",
    impact_scores: Mapping[str, float] = DEFAULT_IMPACT_SCORES,
) -> EventLog:
    """Read an event log.

    The defaults read ``../shared/data/events_712.csv`` as it is (``country_en``,
    ``event_date``, ``impact``, ``event_category_en`` and its Chinese twin ``event_category``,
    ``event_name``). Every other column of the file is kept in ``EventLog.frame`` under its own
    name, so venue-class rules can match on ``location``, ``host``, ``visitor``...

    Parameters
    ----------
    source : path or DataFrame
    dyad_col, month_col : str
        Columns of the dyad and the month (``YYYY-MM`` or a date).
    score_col : str, optional
        Numeric score column; when absent, ``impact_col`` is mapped with ``impact_scores``.
    impact_col : str, optional
        Impact sign column (positive / neutral / negative by default).
    topic_col, venue_col, description_col : str, optional
        Optional descriptive columns.
    topic_zh_col : str, optional
        Chinese names of the topics, used for ``lang="zh"`` tables and figures. The default
        ``"event_category"`` is used when the file has it and ignored otherwise; a column named
        explicitly must exist.
    impact_scores : mapping
        Score of each impact value (case-insensitive).

    Returns
    -------
    EventLog
    """
    if isinstance(source, pd.DataFrame):
        raw = source
    else:
        raw = read_csv_file(source, "event file", keep_default_na=True)
    if raw.empty:
        raise DataError("the event log is empty")
    wanted = {
        "dyad_col": dyad_col,
        "month_col": month_col,
        "score_col": score_col,
        "impact_col": impact_col if score_col is None else None,
        "topic_col": topic_col,
        "venue_col": venue_col,
        "description_col": description_col,
    }
    for option, col in wanted.items():
        if col is not None and col not in raw.columns:
            raise DataError(
                f"the event log has no column {col!r} ({option}); it has "
                f"{', '.join(map(str, raw.columns))} — is this an event log "
                "(one row per event, e.g. events_712.csv)?"
            )
    if topic_zh_col == _DEFAULT_TOPIC_ZH and topic_zh_col not in raw.columns:
        topic_zh_col = None  # the default twin column of events_712.csv; other logs lack it
    elif topic_zh_col is not None and topic_zh_col not in raw.columns:
        raise DataError(
            f"topic_zh_col={topic_zh_col!r} is not a column of the event log; it has "
            f"{', '.join(map(str, raw.columns))}"
        )
    if score_col is None and impact_col is None:
        raise DataError("give score_col= (numeric scores) or impact_col= (impact signs)")
    if score_col is not None:
        score = pd.to_numeric(raw[score_col], errors="coerce")
        if score.isna().any():
            bad = raw.loc[score.isna(), score_col].head(5).tolist()
            raise DataError(f"non-numeric event scores in {score_col!r}: {bad}")
    else:
        mapping = {str(k).lower(): float(v) for k, v in impact_scores.items()}
        impact = raw[impact_col].astype(str).str.strip().str.lower()
        unknown = sorted(set(impact) - set(mapping))
        if unknown:
            raise DataError(
                f"unknown impact value(s) {unknown} in {impact_col!r}; known: "
                f"{sorted(mapping)} (pass impact_scores= to map others)"
            )
        score = impact.map(mapping)
    months = parse_months(raw[month_col], f"event months in column {month_col!r}")

    def optional(col: str | None) -> pd.Series:
        if col is None:
            return pd.Series([None] * len(raw), index=raw.index, dtype=object)
        return raw[col].astype(object).where(raw[col].notna(), None)

    frame = pd.DataFrame(
        {
            "month": months,
            "dyad": raw[dyad_col].astype(str).str.strip().to_numpy(),
            "score": score.to_numpy(dtype=float),
            "topic": optional(topic_col).to_numpy(),
            "topic_zh": optional(topic_zh_col).to_numpy(),
            "venue": optional(venue_col).to_numpy(),
            "description": optional(description_col).to_numpy(),
        }
    )
    for col in raw.columns:  # the file's other fields, for venue-class rules
        if str(col) not in frame.columns:
            frame[str(col)] = optional(col).to_numpy()
    return EventLog(frame.sort_values("month", kind="stable").reset_index(drop=True))


# ------------------------------------------------------------------------ update rule
def damped_update(
    y_prev: np.ndarray, e: np.ndarray, gain: float, power: float, bound: float = 9.0
) -> np.ndarray:
    """The default rule: ``Δy = gain · e · (1 − |y_prev / bound|^power)`` (an approximation)."""
    damping = 1.0 - np.abs(np.asarray(y_prev, dtype=float) / bound) ** power
    return gain * np.asarray(e, dtype=float) * np.clip(damping, 0.0, 1.0)


def simulate_update_rule(
    y0: float,
    events: Sequence[float] | np.ndarray,
    rule: Callable[..., np.ndarray] = damped_update,
    params: Sequence[float] = (0.3, 2.0),
) -> np.ndarray:
    """Scores produced by applying ``rule`` month after month from ``y0``."""
    y = np.empty(len(events) + 1)
    y[0] = y0
    for t, e in enumerate(events):
        y[t + 1] = y[t] + float(rule(np.array(y[t]), np.array(e), *params))
    return y[1:]


@dataclass(frozen=True)
class UpdateRuleFit:
    """Least-squares fit of an update rule: parameters, their standard errors, residual sd."""

    params: pd.Series
    std_errors: pd.Series
    residual_sd: float
    n_months: int


def fit_update_rule(
    scores: pd.Series,
    events: pd.Series,
    rule: Callable[..., np.ndarray] = damped_update,
    start: Sequence[float] = (0.2, 2.0),
    names: Sequence[str] = ("gain", "power"),
    bounds: tuple[Sequence[float], Sequence[float]] = ((0.0, 0.1), (10.0, 20.0)),
) -> UpdateRuleFit:
    """Estimate an update rule's parameters by least squares on monthly score changes.

    Parameters
    ----------
    scores : pd.Series
        Monthly scores.
    events : pd.Series
        Monthly net event scores on the same months (months without events: 0).
    rule, start, names, bounds
        The rule ``rule(y_prev, e, *params) -> Δy``, its starting values, names and bounds.

    Returns
    -------
    UpdateRuleFit
    """
    both = pd.concat({"y": scores, "e": events}, axis=1, join="inner").dropna()
    if len(both) < 12:
        raise FitError(f"only {len(both)} months with both scores and events; need at least 12")
    y_prev = both["y"].to_numpy()[:-1]
    change = np.diff(both["y"].to_numpy())
    e = both["e"].to_numpy()[1:]
    if not np.any(e != 0):
        raise FitError("no month has a non-zero event score: the rule cannot be estimated")

    def residuals(theta: np.ndarray) -> np.ndarray:
        return rule(y_prev, e, *theta) - change

    result = least_squares(residuals, x0=np.asarray(start, float), bounds=bounds)
    dof = max(len(change) - len(start), 1)
    sigma2 = float(result.fun @ result.fun) / dof
    try:
        cov = np.linalg.inv(result.jac.T @ result.jac) * sigma2
        se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    except np.linalg.LinAlgError:
        se = np.full(len(start), np.nan)
    return UpdateRuleFit(
        pd.Series(result.x, index=list(names)),
        pd.Series(se, index=list(names)),
        float(np.sqrt(sigma2)),
        len(change),
    )
