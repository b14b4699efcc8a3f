"""Questions for every state of a dyad: a dyad below −6 is asked whether it comes back and
whether it gets worse still, its monthly table drops "below −6 by then" and its track record
scores the recovery question; the backtest's ``back_above_T`` columns behind it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.models.registry import make_model
from relforecast.panel.streams import origin_stream
from relforecast.questions import default_questions, key_question, level_bounds
from tests.report.conftest import fake_backtest

AS_OF = pd.Period("2025-06", "M")
S = rf.TSINGHUA_SCALE


@pytest.mark.parametrize(
    ("last", "lower", "upper"),
    [(-3.0, -3.0, 0.0), (-5.4, -6.0, -3.0), (1.5, 0.0, 3.0), (7.2, 6.0, None), (-6.4, None, -6.0)],
)
def test_level_bounds_are_the_edges_of_the_level(last, lower, upper):
    # a value on a cut point belongs to the level above it (the scale's rule)
    assert level_bounds(last, -6, S) == (lower, upper)
    if lower is not None:
        assert S.level_of(lower) == S.level_of(last)
    if upper is not None:
        assert S.level_of(upper) != S.level_of(last)


def test_every_state_is_asked_about_both_neighbouring_levels():
    codes = [q.code for q in default_questions(-3.0, -6, S)]  # the UK in mid-2025
    assert codes[:3] == ["ever-below:-6", "end-below:-6", "first-below:-6"]
    assert {"ever-below:-3", "end-below:-3", "ever-at-or-above:0", "end-at-or-above:0"} <= set(
        codes
    )
    # Japan at -5.4: the lower edge is -6 itself (asked once), the upper -3
    codes = [q.code for q in default_questions(-5.4, -6, S)]
    assert codes.count("ever-below:-6") == 1 and "ever-at-or-above:-3" in codes
    # below -6: back, still below, first month back, worse still (the whole point below)
    assert [q.code for q in default_questions(-6.4, -6, S)][-1] == "ever-below:-7"
    assert [q.code for q in default_questions(-7.0, -6, S)][-1] == "ever-below:-7"
    assert "ever-below:-9" not in [q.code for q in default_questions(-8.6, -6, S)]


@pytest.mark.parametrize(
    ("last", "code", "why"),
    [
        (-6.8, "ever-at-or-above:-6", "recover"),
        (-5.4, "ever-below:-6", "cross"),
        (-3.0, "ever-below:-3", "worse"),  # the UK: on the edge of tension
        (-1.2, "ever-at-or-above:0", "better"),  # 1.2 to 0, 1.8 to -3
        (-1.5, "ever-below:-3", "worse"),  # a tie goes to the worse level
        (7.2, "ever-below:6", "worse"),  # friendly has no level above
    ],
)
def test_the_key_question_is_the_nearest_boundary(last, code, why):
    q, reason = key_question(last, -6, S)
    assert (q.code, reason) == (code, why)


def test_end_at_or_above_counts_the_boundary_itself():
    index = pd.period_range("2025-07", periods=2, freq="M")
    fc = rf.Forecast(np.array([[-3.1, -3.0], [-3.1, -2.9], [-3.0, -3.1]]), index, S)
    q = rf.Question("end-at-or-above", -3)
    np.testing.assert_array_equal(q.indicator(fc), [True, True, False])


def test_backtest_back_above_columns_match_a_direct_forecast(demo_series):
    origins = ["2019-06", "2020-06"]
    rows = rf.backtest(
        demo_series, "arima110", origins, 6, n_paths=300, rng=4, thresholds=(-6,), recover=(-5.5,)
    )
    assert list(rows.columns[-2:]) == ["cross_-6", "back_above_-5.5"]
    for origin in origins:
        fit = make_model("arima110").fit(demo_series.loc[:origin])
        rng = origin_stream(4, str(demo_series.name), "arima110", origin)
        fc = fit.forecast(6, n_paths=300, rng=rng)
        running_max = np.maximum.accumulate(fc.values, axis=1)
        got = rows[rows["origin"] == origin].sort_values("h")["back_above_-5.5"].to_numpy()
        np.testing.assert_allclose(got, (running_max >= -5.5).mean(axis=0))
    with pytest.raises(rf.ForecastError, match="not kept in a backtest store"):
        rf.backtest(demo_series, "arima110", origins, 6, recover=(-5.5,), store="x")


@pytest.fixture(scope="module")
def below_report(tmp_path_factory, demo_series):
    """The demo series moved down to end at -6.9, with a supplied track record that has a
    back_above_-6 column (monthly origins, so that many start below -6)."""
    series = (demo_series - 1.2).clip(-9, 9).round(1).rename("Demo (synthetic)")
    origins = [str(m) for m in pd.period_range("2005-06", "2024-06", freq="M")]
    table = fake_backtest(series.to_frame(), "arima110", origins, seed=2)
    gen = np.random.default_rng(8)
    table["back_above_-6"] = gen.uniform(0, 0.6, len(table))
    out = tmp_path_factory.mktemp("below") / "outlook"
    result = rf.outlook(series, out=out, model="arima110", n_paths=800, rng=2, track_record=table)
    return out, result, series, table


def test_a_dyad_below_minus_6_is_asked_whether_it_gets_worse(below_report):
    _, result, series, _ = below_report
    assert series.iloc[-1] == pytest.approx(-6.9)
    codes = list(result.questions.loc[result.questions["scenario"] == "baseline", "question"])
    assert codes[0] == "ever-at-or-above:-6" and codes[-1] == "ever-below:-7"
    worse = result.questions.set_index("question").loc["ever-below:-7", "p"]
    assert worse == pytest.approx((result.forecast.values < -7).any(axis=1).mean())
    assert 0.02 < worse < 0.98  # the question is open for this series


def test_its_monthly_table_asks_about_coming_back_not_about_falling(below_report):
    out, result, _, _ = below_report
    md = (out / "report.md").read_text(encoding="utf-8")
    table = md.split("## Baseline forecast by month", 1)[1].split("\n## ", 1)[0]
    header = next(line for line in table.splitlines() if line.startswith("| Month"))
    assert "P(below −6 by then)" not in header
    assert "P(back at −6 or above by then)" in header
    curve = result.forecast.prob_cross_curve(-6, "at_or_above")
    cells = [line.split("|")[6].strip() for line in table.splitlines() if line[:4] == "| 20"]
    assert cells == [f"{100 * p:.1f}%" for p in curve]


def test_its_track_record_scores_the_recovery_question(below_report):
    _, result, series, table = below_report
    record = result.track_record
    assert record.headline == ("back_above", -6.0)
    at = table[table["h"] == 12]
    start = series.reindex(pd.PeriodIndex(at["origin"], freq="M")).to_numpy()
    live = start < -6
    assert live.sum() >= 20  # enough cases to check
    came_back = np.array(
        [
            series.loc[pd.Period(o, "M") + 1 : pd.Period(o, "M") + 12].max() >= -6
            for o in at["origin"]
        ]
    )[live]
    p = at["back_above_-6"].to_numpy()[live]
    brier = np.mean((p - came_back) ** 2)
    assert record.summary.loc["dyad", "brier"] == pytest.approx(brier)
    assert record.summary.loc["dyad", "cases"] == live.sum()
    assert record.reliability["cases"].sum() == live.sum()
    row = record.crossing.query("question == 'back_above' and period == 'all'").iloc[0]
    assert (row["cases"], row["events"]) == (live.sum(), came_back.sum())
    assert result.summary["trust"]["headline"] == {"question": "back_above", "threshold": -6.0}
