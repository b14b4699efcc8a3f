"""Topic and venue shares of events per month, year or leader term, empty periods included.

Every table covers *all* periods of its span, not only those with events: a period without any
event of the sign asked for has share 1 in the column ``none`` (``无`` in Chinese) and 0
elsewhere, as the group's figures write "none" for such months. In the other periods the
categories' shares are weighted by ``|score|`` (with impact signs mapped to ±1 this is the share
of events) and sum to 1. Events without a category go to ``unclassified`` (``未分类``), which
is a column like the others, so its share is always visible.

The span is, by default, the dyad's first to last event month; ``start`` and ``until`` move its
ends (``until`` is the as-of month: no event after it is used). For ``by="term"`` the periods
are the terms given (see :mod:`relforecast.events.terms`) and events outside every term are
counted in :func:`period_counts` under no term (its ``outside`` attribute), never silently moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from relforecast.events.labels import event_words
from relforecast.exceptions import DataError
from relforecast.periods import to_month

if TYPE_CHECKING:
    from relforecast._typing import PeriodLike
    from relforecast.events.terms import Terms

__all__ = ["BY_OPTIONS", "SIGNS", "category_table", "period_counts", "shares_from_weights"]

BY_OPTIONS: tuple[str, ...] = ("month", "year", "term")
SIGNS: tuple[str, ...] = ("positive", "negative")


def _check(by: str, terms: Terms | None, lang: str) -> None:
    event_words(lang)
    if by not in BY_OPTIONS:
        raise DataError(f"by={by!r} is not known; use 'month', 'year' or 'term'")
    if by == "term" and terms is None:
        raise DataError(
            "by='term' needs terms=: rf.Terms.from_leaders('leaders.csv', 'Japan') or "
            "rf.Terms.from_spans('Kishida=2021-10:2024-09,Ishiba=2024-10:2025-09')"
        )


def _span(
    rows: pd.DataFrame, start: PeriodLike | None, until: PeriodLike | None
) -> tuple[pd.Period, pd.Period]:
    first = to_month(start, "start") if start is not None else rows["month"].min()
    last = to_month(until, "until") if until is not None else rows["month"].max()
    if until is not None and start is None:
        first = min(first, last)
    if last < first and until is None:
        raise DataError(
            f"start {first} is after the last event ({last}); choose an earlier start "
            "(CLI: --since)"
        )
    if last < first:
        raise DataError(f"the span {first}..{last} is empty; until must not come before start")
    return first, last


def _periods(
    rows: pd.DataFrame,
    by: str,
    terms: Terms | None,
    lang: str,
    start: PeriodLike | None,
    until: PeriodLike | None,
) -> tuple[pd.Series, pd.Index]:
    """Each event's period (``None`` outside the span) and every period of the span, in order."""
    first, last = _span(rows, start, until)
    months = rows["month"]
    inside = (months >= first) & (months <= last)
    if by == "month":
        keys = months.where(inside, None)
        index: pd.Index = pd.period_range(first, last, freq="M")
    elif by == "year":
        keys = months.map(lambda m: m.year).where(inside, None)
        index = pd.Index(range(first.year, last.year + 1))
    else:
        assert terms is not None
        cut = terms.until(last) if until is not None else terms
        keys = pd.Series(cut.assign(pd.PeriodIndex(months), lang).to_numpy(), index=rows.index)
        keys = keys.where(inside, None)
        index = pd.Index(cut.labels(lang))
    index.name = by
    return keys, index


def _signed(rows: pd.DataFrame, sign: str) -> pd.DataFrame:
    if sign not in SIGNS:
        raise DataError(f"sign={sign!r} is not known; use 'positive' or 'negative'")
    return rows[rows["score"] > 0] if sign == "positive" else rows[rows["score"] < 0]


def category_table(
    rows: pd.DataFrame,
    categories: pd.Series,
    sign: str,
    by: str,
    *,
    terms: Terms | None = None,
    lang: str = "en",
    start: PeriodLike | None = None,
    until: PeriodLike | None = None,
    order: Sequence[str] | None = None,
    unclassified: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Weights (sum of ``|score|``) and counts of each category per period.

    Parameters
    ----------
    rows : pd.DataFrame
        One dyad's events (``EventLog.for_dyad``): ``month``, ``score``.
    categories : pd.Series
        The category of each row (same index); missing values become ``unclassified``.
    sign : {"positive", "negative"}
    by : {"month", "year", "term"}
    terms, lang, start, until
        See the module docstring.
    order : sequence of str, optional
        Fixed column order (e.g. venue classes in file order); default: by total weight, then
        name. ``unclassified`` always comes last.
    unclassified : str, optional
        Label of rows without a category (default: "unclassified" in ``lang``).

    Returns
    -------
    (weights, counts) : two DataFrames, periods x categories, every period of the span.
    """
    _check(by, terms, lang)
    words = event_words(lang)
    unclassified = unclassified or words["unclassified"]
    keys, index = _periods(rows, by, terms, lang, start, until)
    cats = categories.reindex(rows.index).astype(object)
    cats = cats.where(cats.notna() & (cats.astype(str).str.strip() != ""), unclassified)
    signed = _signed(rows, sign)
    signed = signed[keys.loc[signed.index].notna()]
    frame = pd.DataFrame(
        {
            "period": keys.loc[signed.index].to_numpy(),
            "category": cats.loc[signed.index].astype(str).to_numpy(),
            "weight": signed["score"].abs().to_numpy(),
            "count": 1,
        }
    )
    if order is not None:
        columns = [c for c in order if c != unclassified]
        extra = sorted(set(frame["category"]) - set(columns) - {unclassified})
        if extra:
            raise DataError(f"categories {extra} are not among the given order {list(order)}")
    else:
        totals = frame.groupby("category")["weight"].sum()
        totals = totals.drop(unclassified, errors="ignore")
        columns = sorted(totals.index, key=lambda c: (-totals[c], c))
    columns = [*columns, unclassified]
    tables = []
    for value in ("weight", "count"):
        table = frame.pivot_table(
            index="period", columns="category", values=value, aggfunc="sum", fill_value=0
        )
        table = table.reindex(index=index, columns=columns, fill_value=0)
        table.index.name = by
        table.columns.name = None
        tables.append(table)
    weights, counts = tables
    if order is None and counts[unclassified].sum() == 0:
        weights, counts = weights.drop(columns=unclassified), counts.drop(columns=unclassified)
    return weights.astype(float), counts.astype(int)


def shares_from_weights(weights: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Row shares of a weights table, with the ``none`` column (1 where a period is empty)."""
    total = weights.sum(axis=1)
    shares = weights.div(total.where(total > 0), axis=0).fillna(0.0)
    shares[event_words(lang)["none"]] = (total <= 0).astype(float)
    return shares


def period_counts(
    rows: pd.DataFrame,
    by: str,
    *,
    terms: Terms | None = None,
    lang: str = "en",
    start: PeriodLike | None = None,
    until: PeriodLike | None = None,
) -> pd.DataFrame:
    """Numbers of positive, neutral and negative events per period (every period of the span).

    The result's ``attrs["outside"]`` is the number of events of the span that fall in no
    period (events between or beside the terms, for ``by="term"``).
    """
    _check(by, terms, lang)
    keys, index = _periods(rows, by, terms, lang, start, until)
    score = rows["score"]
    sign = (
        pd.Series("neutral", index=rows.index)
        .mask(score > 0, "positive")
        .mask(score < 0, "negative")
    )
    frame = pd.DataFrame({"period": keys, "sign": sign})
    counts = pd.crosstab(frame["period"].dropna(), frame.loc[keys.notna(), "sign"])
    counts = counts.reindex(index=index, columns=["positive", "neutral", "negative"], fill_value=0)
    counts["total"] = counts.sum(axis=1)
    counts.index.name = by
    counts.columns.name = None
    first, last = _span(rows, start, until)
    in_span = (rows["month"] >= first) & (rows["month"] <= last)
    counts = counts.astype(int)
    counts.attrs["outside"] = int((in_span & keys.isna()).sum())
    return counts
