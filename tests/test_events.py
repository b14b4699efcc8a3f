"""The event layer on the real event log and on synthetic data with known parameters."""

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.events.log import simulate_update_rule

from .conftest import monthly


@pytest.fixture(scope="module")
def events_csv(shared_data):
    return shared_data / "events_712.csv"


def test_japan_monthly_counts_match_the_file(events_csv):
    log = rf.load_events(events_csv)
    raw = pd.read_csv(events_csv, encoding="utf-8-sig")
    japan = raw[raw["country_en"] == "Japan"]
    monthly = log.monthly_scores("Japan")
    assert monthly["count"].sum() == len(japan)
    # a direct pandas groupby of the file agrees month by month
    score = japan["impact"].map({"positive": 1.0, "neutral": 0.0, "negative": -1.0})
    direct = score.groupby(japan["event_date"]).agg(["sum", "size"])
    nonzero = monthly[monthly["count"] > 0]
    assert list(nonzero.index.astype(str)) == list(direct.index)
    np.testing.assert_allclose(nonzero["net"], direct["sum"])
    np.testing.assert_array_equal(nonzero["count"], direct["size"])
    assert (monthly["positive"] >= 0).all() and (monthly["negative"] <= 0).all()


@pytest.mark.parametrize("sign", ["positive", "negative"])
@pytest.mark.parametrize("by", ["month", "year"])
def test_shares_sum_to_one(events_csv, sign, by):
    log = rf.load_events(events_csv, venue_col="location")
    for shares in (log.topic_shares("Japan", sign, by), log.venue_shares("Japan", sign, by)):
        assert len(shares) > 0
        np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    raw = pd.read_csv(events_csv, encoding="utf-8-sig")
    japan = raw[raw["country_en"] == "Japan"]
    signed = japan[japan["impact"] == sign]
    period = signed["event_date"].str[:4].astype(int) if by == "year" else signed["event_date"]
    direct = pd.crosstab(period, signed["event_category_en"], normalize="index")
    topic = log.topic_shares("Japan", sign, by)
    # every period from the first to the last Japan event is a row
    first, last = japan["event_date"].min(), japan["event_date"].max()
    if by == "year":
        assert list(topic.index) == list(range(int(first[:4]), int(last[:4]) + 1))
    else:
        assert len(topic) == len(pd.period_range(first, last, freq="M"))
    keys = topic.index.astype(str) if by == "month" else topic.index
    with_events = topic[keys.isin(direct.index.astype(str) if by == "month" else direct.index)]
    np.testing.assert_allclose(with_events[direct.columns].to_numpy(), direct.to_numpy())
    assert (with_events["none"] == 0).all()
    assert (topic.drop(with_events.index)["none"] == 1).all()  # periods without such events


def test_bad_event_inputs(events_csv, tmp_path):
    with pytest.raises(rf.DataError, match=r"no column 'theme' \(topic_col\)"):
        rf.load_events(events_csv, topic_col="theme")
    frame = pd.DataFrame(
        {
            "country_en": ["Japan"],
            "event_date": ["2020-01"],
            "impact": ["catastrophic"],
            "event_category_en": ["x"],
            "event_name": ["y"],
        }
    )
    with pytest.raises(rf.DataError, match=r"unknown impact value\(s\) \['catastrophic'\]"):
        rf.load_events(frame)
    frame["impact"] = "negative"
    with pytest.raises(rf.DataError, match="no events for dyad 'Mars'"):
        rf.load_events(frame).monthly_scores("Mars")
    with pytest.raises(rf.DataError, match="no venue values"):
        rf.load_events(frame).venue_shares("Japan")
    with pytest.raises(rf.DataError, match="does not exist"):
        rf.load_events(tmp_path / "none.csv")


def test_update_rule_recovers_known_parameters():
    rng = np.random.default_rng(42)
    n = 600
    events = rng.choice([-2.0, -1.0, 0.0, 0.0, 0.0, 1.0, 2.0], size=n)
    gain, power = 0.35, 1.5
    noise = rng.normal(0, 0.02, n)  # monthly changes the rule does not explain
    y = np.empty(n)
    y[0] = -2.0
    for t in range(1, n):
        y[t] = y[t - 1] + rf.damped_update(y[t - 1], events[t], gain, power) + noise[t]
    # without noise, the rule reproduces itself exactly
    clean = simulate_update_rule(-2.0, events[1:6], params=(gain, power))
    assert clean[0] == pytest.approx(-2.0 + rf.damped_update(-2.0, events[1], gain, power))
    fit = rf.fit_update_rule(monthly(y), monthly(events))
    # tolerance: 4 standard errors of the least-squares estimates
    assert abs(fit.params["gain"] - gain) < 4 * fit.std_errors["gain"]
    assert abs(fit.params["power"] - power) < 4 * fit.std_errors["power"]
    assert fit.std_errors["gain"] < 0.02 and fit.residual_sd == pytest.approx(0.02, rel=0.2)
    # the damping: the same event moves a score near the end less than one near the middle
    assert abs(rf.damped_update(8.0, 1.0, gain, power)) < abs(
        rf.damped_update(0.0, 1.0, gain, power)
    )


def test_events_as_regressors_and_in_scenarios():
    rng = np.random.default_rng(3)
    n = 360
    index = pd.period_range("1995-01", periods=n, freq="M")
    net = pd.Series(rng.choice([-1.0, 0.0, 0.0, 1.0], size=n), index=index)
    y = -2 + np.cumsum(rng.normal(0, 0.1, n) + 0.3 * net.to_numpy())
    series = pd.Series(y, index=index, name="x")
    log = rf.EventLog(
        pd.DataFrame(
            {
                "month": index,
                "dyad": "x",
                "score": net.to_numpy(),
                "topic": None,
                "venue": None,
                "description": None,
            }
        )
    )
    cal = log.calendar("x", index)  # cumulative net scores: events shift the level for good
    fit = rf.ARIMA(order=(0, 1, 0), scale=None).fit(series, shocks=cal)
    # in differences the regressor is the month's net score: OLS standard error sd / |x|
    assert abs(fit.params["events_cumulative"] - 0.3) < 3 * 0.1 / np.sqrt((net**2).sum())
    # no future events: the cumulative regressor stays at its last value (no artificial jump)
    plain = fit.forecast(12, n_paths=2000, rng=1).paths.mean(axis=0)
    assert abs(plain[-1] - series.iloc[-1]) < 0.05
    # future event values come from a scenario: three bad months, each -1
    future = pd.period_range(index[-1] + 1, periods=12, freq="M")
    bad_year = rf.Scenario(
        "bad year", regressors=pd.DataFrame({"events_cumulative": -1.0}, index=future[:3])
    )
    table = rf.compare_scenarios(fit, [bad_year], threshold=-5, n_paths=2000, rng=1)
    expected = -3 * fit.params["events_cumulative"]
    assert table.loc["bad year", "d_mean_end"] == pytest.approx(expected, rel=1e-6)
    # in a backtest the regressor values after the origin are not known: carried forward
    cut = cal.between(None, index[100])
    assert cut.regressors.index[-1] == index[100]
    later = cut.design(index)["events_cumulative"].iloc[100:]
    assert later.nunique() == 1
