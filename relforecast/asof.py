"""The as-of cut: one place where every dated input is cut at an as-of month.

An outlook "as of 2025-06" must be the outlook a forecaster could have written at the end of
June 2025. Everything dated after that month is invisible to the fit and to the text:

* score months after it (one series or a panel of dyads);
* shocks of the calendar the model is fitted with that start after it — leader changes derived
  from a leaders table included — and regressor values after it;
* events of an event log after it;
* scenario inputs: a scenario describes the future, so its shocks must start *after* the
  as-of month and its regressor values must lie after it. An input dated at or before the
  as-of month is refused rather than cut (it would be a past event applied to the future, see
  :meth:`relforecast.scenarios.Scenario.check_future`).

The same functions serve the ``outlook`` and ``forecast`` commands (``--until``) and
``relforecast.evaluation.backtest`` at every origin, so "as of" means the same everywhere. An as-of
outlook is identical to the outlook run on input files truncated by hand at that month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol, TypeVar

import pandas as pd

from relforecast._typing import PeriodLike
from relforecast.exceptions import DataError
from relforecast.periods import to_month
from relforecast.shocks import ShockCalendar

if TYPE_CHECKING:
    from relforecast.scenarios import Scenario


class DatedEvents(Protocol):
    """An event log as the cut sees it (:class:`relforecast.EventLog` is one): a table with a
    ``month`` column, and a constructor from such a table."""

    frame: pd.DataFrame

    def __init__(self, frame: pd.DataFrame) -> None: ...


E = TypeVar("E", bound=DatedEvents)

__all__ = [
    "AsOf",
    "as_of",
    "cut_calendar",
    "cut_events",
    "cut_panel",
    "cut_series",
]


def cut_series(series: pd.Series, month: PeriodLike) -> pd.Series:
    """The months of ``series`` up to and including ``month``.

    Raises
    ------
    DataError
        When no month is left.
    """
    last = to_month(month, "as-of month")
    cut = series.loc[series.index <= last]
    if cut.empty:
        raise DataError(
            f"as-of month {last} is before the first month of {series.name!r} "
            f"({series.index[0]}); choose a later month"
        )
    cut.attrs.update(series.attrs)
    return cut


def cut_panel(panel: pd.DataFrame, month: PeriodLike) -> pd.DataFrame:
    """The months of a panel (months x dyads) up to and including ``month``."""
    last = to_month(month, "as-of month")
    cut = panel.loc[panel.index <= last]
    if cut.empty:
        raise DataError(f"as-of month {last} is before the first month of the data")
    return cut


def cut_calendar(calendar: ShockCalendar | None, month: PeriodLike) -> ShockCalendar | None:
    """Shocks starting at or before ``month``; regressor values after it are dropped."""
    if calendar is None:
        return None
    return calendar.between(None, to_month(month, "as-of month"))


def cut_events(log: E | None, month: PeriodLike) -> E | None:
    """Events dated at or before ``month``."""
    if log is None:
        return None
    last = to_month(month, "as-of month")
    frame = log.frame
    return type(log)(frame.loc[frame["month"] <= last].reset_index(drop=True))


@dataclass(frozen=True)
class AsOf:
    """Inputs cut at an as-of month.

    Attributes
    ----------
    month : pd.Period
        The as-of month: the last month whose information is used.
    series, panel, calendar, events, scenarios
        The cut inputs (``None`` when not given).
    dropped : dict of str to int
        How many items of each input were dated after the month (for progress messages; never
        written into a report, so that a cut run and a run on truncated files are identical).
    """

    month: pd.Period
    series: pd.Series | None = None
    panel: pd.DataFrame | None = None
    calendar: ShockCalendar | None = None
    events: DatedEvents | None = None
    scenarios: tuple = ()
    dropped: dict[str, int] = field(default_factory=dict)

    def counting_loaded(self, data: pd.Series | pd.DataFrame, what: str) -> AsOf:
        """This cut, counting among the ``what`` left out the months ``data`` lost when it was
        loaded with ``until=`` (:func:`relforecast.load_scores`: ``attrs["months_after_until"]``),
        so that the progress line says what the as-of month left out in all."""
        later = int(data.attrs.get("months_after_until", 0))
        return replace(self, dropped={**self.dropped, what: self.dropped.get(what, 0) + later})

    def describe(self) -> str:
        """One line: what was left out, e.g. ``as of 2025-06: left out 2 score months, 1
        shock``."""
        parts = [f"{n} {what if n != 1 else what[:-1]}" for what, n in self.dropped.items() if n]
        return f"as of {self.month}: " + (
            "left out " + ", ".join(parts) + " dated later" if parts else "nothing dated later"
        )


def as_of(
    month: PeriodLike | None,
    *,
    series: pd.Series | None = None,
    panel: pd.DataFrame | None = None,
    calendar: ShockCalendar | None = None,
    events: DatedEvents | None = None,
    scenarios: Sequence[Scenario] = (),
) -> AsOf:
    """Cut every dated input at ``month``.

    Parameters
    ----------
    month : str or Period, optional
        The as-of month. Default: the last month of ``series`` (or of ``panel``), so that the
        other inputs are cut at the data's end.
    series : pd.Series, optional
        The dyad's scores.
    panel : pd.DataFrame, optional
        Scores of several dyads (e.g. for a track record pooled over dyads).
    calendar : ShockCalendar, optional
        Shocks the model is fitted with (leader-derived shocks included).
    events : EventLog, optional
    scenarios : sequence of Scenario
        Checked, not cut: each must lie entirely after the as-of month.

    Returns
    -------
    AsOf

    Raises
    ------
    DataError
        When ``month`` is after the last month of ``series`` (or, without it, of ``panel``):
        an as-of month must be one whose data exist; or before the first month.
    """
    if month is None:
        source = series if series is not None else panel
        if source is None:
            raise DataError("give an as-of month or the data whose last month it is")
        last = source.index[-1]
    else:
        last = to_month(month, "as-of month")
    data = series if series is not None else panel
    if data is not None and len(data) and last > data.index[-1]:
        what = repr(series.name) if series is not None else "the data"
        raise DataError(
            f"as-of month {last} is after the last month of {what} ({data.index[-1]}): nothing "
            f"is known there yet; use --until {data.index[-1]} or earlier, or leave --until out"
        )
    dropped: dict[str, int] = {}
    if series is not None:
        dropped["score months"] = int((series.index > last).sum())
        series = cut_series(series, last)
    if panel is not None:
        dropped["panel months"] = int((panel.index > last).sum())
        panel = cut_panel(panel, last)
    if calendar is not None:
        cut = cut_calendar(calendar, last)
        dropped["shocks"] = len(calendar) - len(cut)
        calendar = cut
    if events is not None:
        cut = cut_events(events, last)
        dropped["events"] = len(events) - len(cut)
        events = cut
    for scenario in scenarios:
        scenario.check_future(last)
    return AsOf(last, series, panel, calendar, events, tuple(scenarios), dropped)
