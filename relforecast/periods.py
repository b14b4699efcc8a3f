"""Months, windows and origin lists: every reading of a date given by the user, in one place.

Scores are monthly, so every date the library is given — a shock's start, a backtest origin, an
outlook window, an as-of month, the labels of a data file — is read as a monthly
:class:`pandas.Period`. The readers here are strict: an empty value, ``NaN``/``NaT`` or a label
that is not a month is an error that names the value, never a missing month returned in its
place. Each reader raises the error type of the place it serves: the caller says which
(``error=``), so a bad backtest origin is a :class:`~relforecast.exceptions.ForecastError` and a
bad shock date a :class:`~relforecast.exceptions.ShockError`.

A month label must hold its year and its month: ``'May'`` or ``'5/6'`` would otherwise be read
as a month of the current year, and a bare year ``'2024'`` as its January. A label with the
day before the month (``'13/01/2024'``, ``'01.02.2024'``) is refused too, since
``'01/02/2024'`` is January in one country and February in another: write ``YYYY-MM``. So is
a label of digits alone (``'200401'``, ``'20040115'``): pandas reads ``'200401'`` as April
2001, not January 2004. A quarter (``'2024Q3'``) is not a month either (pandas would give its
first month).
Time-zone-aware timestamps are read in their own zone: ``2000-01-01 00:00+09:00`` is January
2000, not December 1999 as it would be after a conversion to UTC.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from relforecast._typing import PeriodLike, distinct
from relforecast.exceptions import DataError, ForecastError, RelforecastError, SpecError

__all__ = [
    "MAX_HORIZON",
    "default_window",
    "parse_months",
    "parse_origins",
    "parse_window",
    "to_month",
    "window_horizon",
]

_EXAMPLE = "use a year-month such as '2024-10'"
_HAS_YEAR = re.compile(r"\d{4}")
_BARE_YEAR = re.compile(r"^\s*[+-]?\d{1,4}(\.0*)?\s*$")
_DAY_MONTH_YEAR = re.compile(r"^\s*\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}(\s|$)")
_DIGITS_ONLY = re.compile(r"^\s*\d{5,}(\.0*)?\s*$")  # '200401': April 2001 to pandas
_QUARTER = re.compile(r"\d[\s\-]*[Qq]\s*[1-4]\b")  # '2024Q3': a quarter, not its first month


def _not_a_month(text: str) -> bool:
    """A label that names no single month, or names one ambiguously (see the module)."""
    return bool(
        _BARE_YEAR.match(text)
        or _DAY_MONTH_YEAR.match(text)
        or _DIGITS_ONLY.match(text)
        or _QUARTER.search(text)
    )


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def _timestamp(value: object) -> pd.Timestamp:
    """A timezone-naive Timestamp (wall-clock time of an aware one); NaT when unparseable."""
    if isinstance(value, bool | np.bool_) or _is_missing(value):
        return pd.NaT
    if isinstance(value, str):
        if not _HAS_YEAR.search(value):  # 'May' would silently mean May of this year
            return pd.NaT
        if _not_a_month(value):
            return pd.NaT
        value = value.strip()
    elif not isinstance(value, pd.Timestamp | datetime | date | np.datetime64):
        return pd.NaT
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):  # not a date, or out of pandas' range
        return pd.NaT
    if stamp is pd.NaT:
        return pd.NaT
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def to_month(
    value: PeriodLike | Any, what: str = "month", *, error: type[RelforecastError] = SpecError
) -> pd.Period:
    """Read ``value`` ('2024-10', '2024-10-15', a Timestamp, a date or a Period) as a month.

    Parameters
    ----------
    value : str, Period, Timestamp, datetime or date
        The month. Numbers, booleans, empty strings, ``None`` and ``NaN``/``NaT`` are refused.
    what : str
        What the value is, for the message ("origin", "start of shock 'Ishiba'"...).
    error : RelforecastError subclass, default SpecError
        The error raised for a bad value.

    Returns
    -------
    pd.Period
        Monthly period.
    """
    if isinstance(value, pd.Period):
        return value.asfreq("M")
    if _is_missing(value):
        raise error(f"missing {what} ({value!r}); {_EXAMPLE}")
    stamp = _timestamp(value)
    if stamp is pd.NaT:
        raise error(f"bad {what} {value!r}; {_EXAMPLE}")
    try:
        return pd.Period(stamp, "M")
    except (ValueError, OverflowError) as exc:  # outside the span pandas can represent
        raise error(f"bad {what} {value!r}; {_EXAMPLE}") from exc


def parse_months(values: pd.Series | pd.Index | Sequence[Any], what: str) -> pd.PeriodIndex:
    """Read month labels ('2025-08', '2025-08-01', Timestamps, Periods) as a monthly index.

    Time-zone-aware values (one zone or several) are read in their own zone. Months outside
    pandas' nanosecond timestamps (before 1677-09, after 2262-04) are read too, from year 1000
    to 9999, as :func:`to_month` reads them.

    Raises
    ------
    DataError
        Naming the labels that are not months (the first few of them).
    """
    if isinstance(values, pd.PeriodIndex):
        return _periods_as_months(values, what)
    if isinstance(values, pd.DatetimeIndex):
        stamps = values.tz_localize(None) if values.tz is not None else values
        return pd.PeriodIndex(stamps, freq="M")
    raw = pd.Series(np.asarray(values, dtype=object))
    if len(raw) and all(isinstance(v, pd.Period) for v in raw):
        return _periods_as_months(pd.PeriodIndex(list(raw)), what)
    parsed = _parse_stamps(raw)
    months = pd.PeriodIndex(parsed, freq="M")
    unread = np.flatnonzero(parsed.isna().to_numpy())
    if len(unread):  # months outside the nanosecond timestamps (1677-09 ... 2262-04)
        ordinals = months.asi8.copy()
        for i in unread:
            month = _wide_month(raw.iloc[i])
            if month is not None:
                ordinals[i] = month.ordinal
        months = pd.PeriodIndex.from_ordinals(ordinals, freq="M")
    years = np.asarray(months.year, dtype=float)  # NaN where unread
    # years 1000 ... 9999 whatever pandas' own parser would take (pandas 3 reads '0999-01')
    bad = raw[np.asarray(months.isna()) | (years < 1000) | (years > 9999)]
    if len(bad):
        shown = ["(empty)" if _is_missing(v) else repr(v) for v in bad.tolist()[:6]]
        more = f", ... ({len(bad)} in all)" if len(bad) > 6 else ""
        raise DataError(f"unparseable {what}: {', '.join(shown)}{more}; {_EXAMPLE}")
    return months


def _periods_as_months(periods: pd.PeriodIndex, what: str) -> pd.PeriodIndex:
    """Periods as the months they lie in. A period longer than a month (a quarter, a year, a
    week across two months) lies in no one month: its score would be dated by a guess (the
    period's last month, with gaps between), so it is refused."""
    if periods.freqstr == "M":
        return periods
    first = periods.asfreq("M", how="start")
    months = periods.asfreq("M", how="end")
    spanning = np.flatnonzero(first.asi8 != months.asi8)
    if len(spanning):
        shown = ", ".join(str(periods[i]) for i in spanning[:3])
        raise DataError(
            f"{what} are periods of frequency {periods.freqstr!r}, and {shown} "
            f"{'span' if len(spanning) > 1 else 'spans'} more than one month; relforecast reads "
            "one score per month: give monthly periods (freq 'M') or month labels such as "
            "'2024-10'"
        )
    return months


def _wide_month(value: object) -> pd.Period | None:
    """The month of a label read one by one (a month before 1677-09 or after 2262-04, which
    pandas' vectorised parsing cannot hold), for years 1000 to 9999 (their labels have the four
    digits every month label needs); ``None`` when it is not such a month."""
    stamp = _timestamp(value)
    if stamp is pd.NaT:
        return None
    try:
        month = pd.Period(stamp, "M")
    except (ValueError, OverflowError):
        return None
    return month if 1000 <= month.year <= 9999 else None


def _parse_stamps(raw: pd.Series) -> pd.Series:
    """Naive timestamps of ``raw`` (NaT where a value is not a date), vectorised when the
    values share one time zone, label by label otherwise."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.to_datetime(raw.astype(str), errors="coerce", format="mixed")
    except (ValueError, TypeError, OverflowError):  # several time zones, or out of range
        parsed = None
    text = raw.astype(str)
    if parsed is None or not pd.api.types.is_datetime64_any_dtype(parsed):
        lookup = {label: _timestamp(label) for label in pd.unique(text)}
        return pd.Series(pd.DatetimeIndex([lookup[label] for label in text]), index=raw.index)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    # a label without a year ('May') would silently mean that month of the current year; a
    # bare year its January; '01/02/2024' is January or February depending on the reader
    ok = text.str.contains(_HAS_YEAR)
    for pattern in (_BARE_YEAR, _DAY_MONTH_YEAR, _DIGITS_ONLY):
        ok &= ~text.str.match(pattern)
    ok &= ~text.str.contains(_QUARTER)
    return parsed.where(ok.to_numpy(), pd.NaT)


def parse_window(
    window: str | Sequence[PeriodLike], *, what: str = "window", error: type = ForecastError
) -> tuple[pd.Period, pd.Period]:
    """Read a window ``"2025-07:2026-06"`` (or a pair of months) as its first and last month.

    Raises
    ------
    ForecastError (or ``error``)
        When a side is missing or is not a month, or the window ends before it starts.
    """
    example = "must look like '2025-07:2026-06'"
    if isinstance(window, str):
        parts = window.split(":")
    elif isinstance(window, Sequence) and not isinstance(window, bytes):
        parts = list(window)
    else:
        raise error(f"{what} {window!r} {example}")
    if len(parts) != 2 or any(_is_missing(p) for p in parts):
        raise error(f"{what} {window!r} {example}")
    months = []
    for side, part in (("start", parts[0]), ("end", parts[1])):
        try:
            months.append(to_month(part, side, error=error))
        except error:
            raise error(
                f"the {side} of {what} {window!r}, {part!r}, is not a month; a {what} {example}"
            ) from None
    first, last = months
    if last < first:
        raise error(f"{what} {window!r} ends before it starts")
    return first, last


MAX_HORIZON = 120
"""The most months ahead relforecast forecasts: ``relforecast forecast --horizon`` and
``backtest --horizon`` at most, and an outlook window's end at most this many months after the
last observed month (ten years: the sticky series' paths say nothing useful further out)."""

LAST_WINDOW_MONTH = pd.Period(pd.Timestamp.max, "M") - 1
"""The last month a window may end in: pandas' timestamps, which place the months of a figure on
its time axis, end in April 2262 (that month's end is beyond them)."""


def window_horizon(
    last: pd.Period,
    window: str | Sequence[PeriodLike],
    *,
    start: pd.Period | None = None,
    data: str = "the data",
) -> tuple[pd.Period, pd.Period, int]:
    """Parse a window ``"2025-07:2026-06"``; return its first and last month and the horizon.

    The horizon runs from the month after ``last`` (the last observed month) to the window's
    end: through any gap when the window starts later, and over the remaining months when the
    window has already begun (an update during the window: its first months are observed).

    Parameters
    ----------
    last : Period
        The last observed month.
    window : str or pair of months
        The window.
    start : Period, optional
        The first observed month: a window that has begun must not begin before it (its
        earlier months would be neither observed nor forecast).
    data : str, default "the data"
        What ``start`` is the first month of, for the message (e.g. ``"'Japan'"``).

    Raises
    ------
    ForecastError
        When the window is not a window (see :func:`parse_window`), ends at or before
        ``last``, after :data:`LAST_WINDOW_MONTH` or more than :data:`MAX_HORIZON` months
        after ``last``, or starts before ``start``.
    """
    first, end = parse_window(window)
    if end <= last:
        raise ForecastError(
            f"window {window!r} ends at or before the last observed month {last}: nothing is "
            "left to forecast; choose a later window or an earlier --until"
        )
    if end > LAST_WINDOW_MONTH:
        raise ForecastError(
            f"window {window!r} ends after {LAST_WINDOW_MONTH}, the last month whose dates "
            "pandas can place on a time axis; choose a window that ends by then"
        )
    horizon = (end - last).n
    if horizon > MAX_HORIZON:
        raise ForecastError(
            f"window {window!r} ({(end - first).n + 1} months) ends {horizon} months after the "
            f"last observed month {last}, beyond the {MAX_HORIZON}-month limit of a forecast "
            f"(as forecast --horizon); choose a window that ends by {last + MAX_HORIZON}"
        )
    if start is not None and first < start:
        raise ForecastError(
            f"window {window!r} starts in {first}, before the first month of {data} "
            f"({start}): its months before {start} would be neither observed nor forecast; "
            f"start the window in {start} or later"
        )
    return first, end, horizon


def parse_origins(spec: str | PeriodLike | Sequence[Any], every: int = 12) -> list[pd.Period]:
    """Backtest origins from ``"1995-06:2024-06"`` (every ``every`` months), one month, or an
    explicit list of months.

    Raises
    ------
    ForecastError
        Naming the bad origin, span or step.
    """
    if isinstance(every, bool) or not isinstance(every, int | np.integer) or every < 1:
        raise ForecastError(f"every={every!r} must be a whole number of months >= 1")
    if isinstance(spec, str):
        if "," in spec:
            raise ForecastError(
                f"origins {spec!r} must be one span such as '1995-06:2024-06' or one month (a "
                "list of months is given in Python as a list)"
            )
        parts = spec.split(":")
        if len(parts) == 1:
            return [to_month(parts[0], "origin", error=ForecastError)]
        if len(parts) != 2:
            raise ForecastError(f"origins {spec!r} must look like '1995-06:2024-06'")
        first, last = (to_month(p, "origin", error=ForecastError) for p in parts)
        if last < first:
            raise ForecastError(f"origins {spec!r} end before they start")
        return list(pd.period_range(first, last, freq="M"))[:: int(every)]
    if isinstance(spec, pd.Period | pd.Timestamp | datetime | date):
        return [to_month(spec, "origin", error=ForecastError)]
    if not isinstance(spec, Sequence | pd.Index | np.ndarray) or isinstance(spec, bytes):
        raise ForecastError(
            f"origins {spec!r} must be a span such as '1995-06:2024-06' or a list of months"
        )
    origins = [to_month(o, "origin", error=ForecastError) for o in spec]
    if not origins:
        raise ForecastError("no origins given; pass a span such as '1995-06:2024-06'")
    return distinct(origins, "origin", error=ForecastError)  # else its rows come twice


def default_window(last: pd.Period) -> str:
    """The first July–June window that starts after the month ``last``."""
    year = last.year if last.month < 7 else last.year + 1
    return f"{year}-07:{year + 1}-06"
