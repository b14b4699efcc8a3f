"""relforecast.periods: the one home of month, window and origin parsing."""

from __future__ import annotations

import datetime as dt
import importlib

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast import data, periods, scenarios, shocks

backtest = importlib.import_module("relforecast.evaluation.backtest")  # rf.backtest is the function

JAN = pd.Period("2024-01", "M")


@pytest.mark.parametrize(
    "value",
    [
        "2024-01",
        " 2024-01 ",
        "2024-01-31",
        "2024-01-01T00:00+09:00",
        pd.Period("2024-01-15", "D"),
        pd.Timestamp("2024-01-20"),
        dt.date(2024, 1, 5),
        np.datetime64("2024-01-09"),
    ],
    ids=["ym", "padded", "date", "tz-aware", "daily-period", "timestamp", "date-object", "np"],
)
def test_to_month_reads_every_form_of_a_month(value):
    assert periods.to_month(value) == JAN


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "missing origin"),
        (None, "missing origin"),
        (float("nan"), "missing origin"),
        (pd.NaT, "missing origin"),
        ("2024-13", "bad origin '2024-13'"),
        ("soon", "bad origin 'soon'"),
        ("May", "bad origin 'May'"),
        ("5/6", "bad origin '5/6'"),
        (True, "bad origin True"),
        (202401, "bad origin 202401"),
    ],
    ids=["empty", "none", "nan", "nat", "month-13", "word", "no-year", "no-year-2", "bool", "int"],
)
def test_to_month_refuses_what_is_not_a_month_with_the_callers_error(value, message):
    with pytest.raises(rf.ForecastError, match=message):
        periods.to_month(value, "origin", error=rf.ForecastError)
    with pytest.raises(rf.SpecError):  # the default type
        periods.to_month(value)


def test_parse_months_keeps_each_label_in_its_own_zone():
    labels = pd.Index(["2000-01-01T00:00+09:00", "2000-02-01T00:00-05:00", "2000-03"])
    assert [str(m) for m in periods.parse_months(labels, "x")] == ["2000-01", "2000-02", "2000-03"]
    aware = pd.date_range("2000-01-01", periods=3, freq="MS", tz="Asia/Tokyo")
    assert str(periods.parse_months(aware, "x")[0]) == "2000-01"
    with pytest.raises(rf.DataError, match=r"unparseable score months: 'May', \(empty\)"):
        periods.parse_months(pd.Index(["2000-01", "May", ""]), "score months")


@pytest.mark.parametrize(
    ("window", "expected"),
    [("2025-07:2026-06", ("2025-07", "2026-06")), (("2025-07", "2025-07"), ("2025-07", "2025-07"))],
)
def test_parse_window(window, expected):
    first, last = periods.parse_window(window)
    assert (str(first), str(last)) == expected


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ("2025-09:", "must look like"),
        (":2025-09", "must look like"),
        ("2025-09", "must look like"),
        ("2025-07:2026-06:2027-01", "must look like"),
        ("July:June", "the start of window 'July:June', 'July', is not a month"),
        ("2025-07:June", "the end of window '2025-07:June', 'June', is not a month"),
        ("2026-06:2025-07", "ends before it starts"),
        (5, "must look like"),
    ],
)
def test_parse_window_refuses_bad_windows(window, message):
    with pytest.raises(rf.ForecastError, match=message):
        periods.parse_window(window)


def test_window_horizon_runs_through_a_gap_or_over_the_remaining_months():
    first, last, horizon = periods.window_horizon(pd.Period("2025-03", "M"), "2025-07:2026-06")
    assert (str(first), str(last), horizon) == ("2025-07", "2026-06", 15)
    # an update during the window: the two observed months are not forecast
    first, last, horizon = periods.window_horizon(pd.Period("2025-08", "M"), "2025-07:2026-06")
    assert (str(first), str(last), horizon) == ("2025-07", "2026-06", 10)
    with pytest.raises(rf.ForecastError, match="ends at or before the last observed"):
        periods.window_horizon(pd.Period("2026-06", "M"), "2025-07:2026-06")
    with pytest.raises(rf.ForecastError, match="must look like"):
        periods.window_horizon(pd.Period("2025-03", "M"), "2025-07:")


def test_parse_origins():
    span = periods.parse_origins("1995-06:1997-06", every=12)
    assert [str(o) for o in span] == ["1995-06", "1996-06", "1997-06"]
    assert periods.parse_origins(["2000-01", pd.Period("2000-02", "M")]) == [
        pd.Period("2000-01", "M"),
        pd.Period("2000-02", "M"),
    ]
    assert periods.parse_origins(pd.Timestamp("2000-03-31")) == [pd.Period("2000-03", "M")]
    for bad, message in [
        ("2000-13", "bad origin '2000-13'"),
        ("2000-01:1999-01", "end before they start"),
        ("a:b:c", "must look like"),
        ([], "no origins"),
        (["2000-01", None], "missing origin"),
        (5, "must be a span"),
    ]:
        with pytest.raises(rf.ForecastError, match=message):
            periods.parse_origins(bad)
    with pytest.raises(rf.ForecastError, match="every=0"):
        periods.parse_origins("2000-01:2001-01", every=0)


def test_old_import_paths_are_the_same_functions():
    assert shocks.to_month is periods.to_month
    assert data._parse_months is periods.parse_months
    assert backtest.parse_origins is periods.parse_origins
    assert scenarios.window_horizon is periods.window_horizon
    # a shock's bad month is still a ShockError, an anchor's a DataError
    with pytest.raises(rf.ShockError, match="start of a tariff shock"):
        rf.Shock("tariff", "2025-13")
    with pytest.raises(rf.DataError, match="bad anchor"):
        rf.analogues(rf.datasets.demo(), ["soon"])


def test_window_horizon_refuses_a_window_that_starts_before_the_data():
    last, start = pd.Period("1955-06", "M"), pd.Period("1950-01", "M")
    with pytest.raises(rf.ForecastError, match=r"before the first month of 'X' \(1950-01\)"):
        periods.window_horizon(last, "1949-12:1956-06", start=start, data="'X'")
    first, _, horizon = periods.window_horizon(last, "1950-01:1956-06", start=start)
    assert (str(first), horizon) == ("1950-01", 12)


def test_window_horizon_refuses_a_window_beyond_pandas_dates():
    # a figure places each month up to the start of the next on its time axis: the month
    # after the last window month still has a nanosecond timestamp (pandas 2's only kind)
    limit = periods.LAST_WINDOW_MONTH
    assert str(limit) == "2262-03"
    assert limit + 1 == pd.Timestamp("2262-04-11").to_period("M")  # nanoseconds end in it
    last = pd.Period("2255-06", "M")
    with pytest.raises(rf.ForecastError, match="ends after 2262-03"):
        periods.window_horizon(last, "2262-01:2262-04")
    assert periods.window_horizon(last, "2262-01:2262-03")[2] == (limit - last).n


@pytest.mark.parametrize("first", ["2025-07", "2033-01", "2020-01"], ids=["next", "later", "begun"])
def test_window_horizon_refuses_a_window_beyond_the_forecast_horizon_limit(first):
    # the months forecast count, from the month after the last observed one to the window's
    # end: the same limit as the command line's forecast --horizon
    from relforecast.cli.forecast import forecast

    (horizon_option,) = [p for p in forecast.params if p.name == "horizon"]
    cap = periods.MAX_HORIZON
    assert horizon_option.type.max == cap
    last = pd.Period("2025-06", "M")
    start = pd.Period("1950-01", "M")
    end = last + cap
    assert periods.window_horizon(last, f"{first}:{end}", start=start)[2] == cap
    window = f"{first}:{end + 1}"
    length = (end + 1 - pd.Period(first, "M")).n + 1
    match = (
        rf"window '{window}' \({length} months\) ends {cap + 1} months after the last observed "
        rf"month {last}, beyond the {cap}-month limit.*ends by {end}"
    )
    with pytest.raises(rf.ForecastError, match=match):
        periods.window_horizon(last, window, start=start)


def test_parse_months_reads_the_months_to_month_reads_beyond_pandas_timestamps():
    # vectorised parsing holds 1677-09 ... 2262-04 only; a file's labels past it are months
    labels = ["2262-04", "2262-05", "2300-01-15", "1600-01", "1677-08"]
    assert list(periods.parse_months(labels, "dates")) == [periods.to_month(x) for x in labels]
    frame = pd.DataFrame({"ym": pd.period_range("2261-01", "2262-12", freq="M").astype(str)})
    frame["score"] = 0.5
    assert str(rf.load_scores(frame).index[-1]) == "2262-12"
    # a label needs four digits of year, as before
    with pytest.raises(rf.DataError, match="unparseable dates: '0999-01'"):
        periods.parse_months(["0999-01"], "dates")


@pytest.mark.parametrize("freq", ["Q", "Y", "W"])
def test_periods_longer_than_a_month_are_refused_not_dated_by_their_last_month(freq):
    # a quarter's score dated by its last month left two empty months between scores, and the
    # refusal said "missing months ... pass fill='ffill'", which makes a monthly series of it
    index = pd.period_range("2000-01-01", periods=40, freq=freq)
    series = pd.Series(np.round(np.sin(np.arange(40) / 5), 1), index=index, name="X")
    for read in (
        lambda: rf.load_scores(series),
        lambda: rf.BlockBootstrap().fit(series),
        lambda: rf.load_scores(pd.DataFrame({"ym": list(index), "score": series.to_numpy()})),
    ):
        with pytest.raises(rf.DataError, match=rf"frequency '{freq}.*more than one month"):
            read()


def test_periods_inside_one_month_are_read_as_that_month():
    days = pd.PeriodIndex([f"2000-{m:02d}-15" for m in range(1, 13)], freq="D")
    months = periods.parse_months(days, "days")
    assert list(months) == list(pd.period_range("2000-01", "2000-12", freq="M"))
    assert periods.parse_months(days.asfreq("M"), "months").equals(months)
