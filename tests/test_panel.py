"""Panel forecasts: equal to the one-dyad forecast and the backtest row, order-free, overview."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast._typing import as_seed
from relforecast.cli.main import main
from relforecast.evaluation.backtest import QUANTILE_LEVELS, backtest, make_model, origin_stream
from relforecast.panel.forecast import panel_overview
from tests.panels import random_walk_panel, write_long_csv


@pytest.fixture(scope="module")
def panel():
    frame = random_walk_panel(n_series=4, months=300, seed=2)
    frame.iloc[-5:, 1] = np.nan  # d1 ends five months earlier than the others
    return frame


def test_each_dyad_is_its_one_dyad_forecast(panel):
    table, forecasts = rf.forecast_panel(
        panel, "rw-boot", 12, 500, rng=7, thresholds=(-3, 0), return_forecasts=True
    )
    assert list(forecasts) == ["d0", "d1", "d2", "d3"] and len(table) == 4 * 12
    for dyad in panel.columns:
        series = panel[dyad].dropna()
        alone = (
            make_model("rw-boot")
            .fit(series)
            .forecast(12, n_paths=500, rng=origin_stream(7, dyad, "rw-boot", series.index[-1]))
        )
        np.testing.assert_array_equal(forecasts[dyad].paths, alone.paths)
        rows = table[table["dyad"] == dyad]
        assert rows["origin"].unique().tolist() == [str(series.index[-1])]
        assert rows["month"].tolist() == [str(m) for m in alone.index]
        np.testing.assert_allclose(rows["q10"], alone.quantiles([0.1])[0.1])
        np.testing.assert_allclose(rows["p_cross_-3"], alone.prob_cross_curve(-3))
        np.testing.assert_allclose(
            rows[[f"p_{n}" for n in rf.TSINGHUA_SCALE.names]], alone.level_probabilities()
        )
    levels = table[[f"p_{n}" for n in rf.TSINGHUA_SCALE.names]].sum(axis=1)
    np.testing.assert_allclose(levels, 1.0)


def test_panel_forecast_equals_the_backtest_row_at_the_last_month(panel):
    levels = QUANTILE_LEVELS
    table = rf.forecast_panel(panel[["d0", "d1"]], "arima110", 6, 400, rng=3, quantiles=levels)
    for dyad in ("d0", "d1"):
        last = panel[dyad].dropna().index[-1]
        bt = backtest(panel[[dyad]], "arima110", [last], 6, n_paths=400, rng=3)
        rows = table[table["dyad"] == dyad]
        np.testing.assert_array_equal(rows["q50"].to_numpy(), bt["q50"].to_numpy())
        np.testing.assert_array_equal(rows["q95"].to_numpy(), bt["q95"].to_numpy())


def test_rows_do_not_depend_on_order_subset_workers(panel):
    whole = rf.forecast_panel(panel, "rw-boot", 6, 300, rng=1)
    reordered = rf.forecast_panel(panel[["d3", "d1", "d0", "d2"]], "rw-boot", 6, 300, rng=1)
    two = rf.forecast_panel(panel[["d2", "d0"]], "rw-boot", 6, 300, rng=1, workers=2)
    key = ["dyad", "h"]
    pd.testing.assert_frame_equal(
        whole.sort_values(key).reset_index(drop=True),
        reordered.sort_values(key).reset_index(drop=True),
    )
    sub = whole[whole["dyad"].isin(["d2", "d0"])].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(sub, two.sort_values(key).reset_index(drop=True))
    # a Generator gives one seed drawn from it: same state, same table
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    assert as_seed(g1) == as_seed(g2)
    a = rf.forecast_panel(panel, "rw-boot", 6, 300, rng=np.random.default_rng(5))
    b = rf.forecast_panel(panel, "rw-boot", 6, 300, rng=np.random.default_rng(5))
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["seed"] == as_seed(np.random.default_rng(5))


def test_a_failing_dyad_is_noted_not_dropped_silently(panel):
    short = panel.copy()
    short.loc[: short.index[-20], "d2"] = np.nan  # 19 months: too short to fit
    table = rf.forecast_panel(short, "arima110", 6, 200, rng=0)
    assert sorted(table["dyad"].unique()) == ["d0", "d1", "d3"]
    assert len(table.attrs["notes"]) == 1 and table.attrs["notes"][0].startswith("d2: ")
    with pytest.raises(rf.ForecastError, match="no dyad could be forecast"):
        rf.forecast_panel(short[["d2"]], "arima110", 6, 200, rng=0)
    with pytest.raises(rf.SpecError, match="rng=-1"):  # a bad random source, as everywhere
        rf.forecast_panel(panel, "rw-boot", 6, 200, rng=-1)


def _forecast(paths, last, start="2024-12"):
    paths = np.asarray(paths, dtype=float)
    history = pd.Series(
        [last] * 40, index=pd.period_range(end=start, periods=40, freq="M"), name="x"
    )
    index = pd.period_range(pd.Period(start, "M") + 1, periods=paths.shape[1], freq="M")
    return rf.Forecast(paths, index, rf.TSINGHUA_SCALE, history=history)


def test_defaults_are_reproducible_and_one_threshold_needs_no_tuple(panel, tmp_path):
    """Two calls with the default seed give the same table; ``thresholds=-6`` is ``(-6,)``;
    anything that is not numbers is refused by name; ``load_panel(path, "d0")`` is one dyad."""
    two = panel[["d0", "d2"]]
    first = rf.forecast_panel(two, "block", 6, 300, thresholds=-4)
    pd.testing.assert_frame_equal(first, rf.forecast_panel(two, "block", 6, 300, thresholds=(-4,)))
    assert [c for c in first.columns if c.startswith("p_cross")] == ["p_cross_-4"]
    with pytest.raises(rf.ForecastError, match=r"thresholds=\['low'\] must be a number"):
        rf.forecast_panel(two, "block", 6, 300, thresholds=["low"])
    data = write_long_csv(panel, tmp_path / "scores.csv")
    assert list(rf.load_panel(data, "d0").columns) == ["d0"]


def test_overview_asks_the_question_that_fits_each_dyad():
    above = _forecast(
        [[-5.8, -6.2, -5.5], [-5.5, -5.9, -6.0], [-5.0, -4.0, -4.5], [-6.3, -6.5, -6.6]], -5.6
    )
    below = _forecast(
        [[-6.5, -5.9, -6.4], [-6.6, -6.7, -6.8], [-6.2, -6.0, -6.1], [-6.4, -6.4, -5.0]], -6.4
    )
    table = panel_overview({"A": above, "B": below}, coverage=0.5)
    a, b = table.loc["A"], table.loc["B"]
    # A sits above -6: P(strictly below -6 in some month) -> paths 1 and 4 (-6.0 does not cross)
    assert a["question"] == "cross" and a["p"] == 0.5
    assert a["p_below_end"] == 0.25  # only path 4 ends below -6
    # B sits below: P(at or above -6 in some month) -> paths 1, 3 (-6.0 counts) and 4
    assert b["question"] == "recover" and b["p"] == 0.75
    assert np.isclose(b["p_se"], np.sqrt(0.75 * 0.25 / 4))
    assert b["p_below_end"] == 0.75  # -6.4, -6.8, -6.1 end below -6; -5.0 does not
    assert a["median_end"] == np.median([-5.5, -6.0, -4.5, -6.6])
    assert np.isclose(a["lower_end"], np.quantile([-5.5, -6.0, -4.5, -6.6], 0.25))
    assert a["level_end"] == "tension" and a["p_level_end"] == 0.75  # -6.0 is tension
    # a window: only its months count
    late = panel_overview({"A": above}, window="2025-02:2025-03").loc["A"]
    assert late["p"] == 0.5 and late["window"] == "2025-02:2025-03"
    first = panel_overview({"A": above}, window=("2025-01", "2025-01")).loc["A"]
    assert first["p"] == 0.25
    with pytest.raises(rf.ForecastError, match="not inside the forecast months"):
        panel_overview({"A": above}, window="2024-12:2025-02")


def test_cli_forecasts_several_dyads(tmp_path, capsys, panel):
    data = write_long_csv(panel, tmp_path / "scores.csv")
    common = ["forecast", str(data), "--model", "block", "--paths", "300", "--seed", "4"]
    assert main([*common, "--dyad", "d0,d1", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    csv = pd.read_csv(pd.io.common.StringIO(out))
    expected = rf.forecast_panel(panel[["d0", "d1"]], "block", 12, 300, rng=4)
    np.testing.assert_allclose(csv["q50"], expected["q50"], atol=5e-5)
    assert csv["dyad"].tolist() == expected["dyad"].tolist()
    assert main([*common, "--dyad", "all", "--until", "2013-06"]) == 0
    out, err = capsys.readouterr()
    assert "as of 2013-06: left out 18 panel months dated later" in err
    assert "4 dyads" in out and all(f"d{i} " in out for i in range(4))
    rows = [ln for ln in out.splitlines() if ln[:2] in {"d0", "d1", "d2", "d3"}]
    assert len(rows) == 4 and all(" 2013-06 " in ln for ln in rows)  # cut at --until
    assert "P(at least one of the 4 dyads now at or above -6 goes below it in " in out
    assert "in 2013-07:2014-06) = " in out and "span every one of" not in out  # one window
    # a threshold under every dyad's last value: all four are asked "cross"
    lowest = min(panel[d].dropna().iloc[-1] for d in panel.columns)
    threshold = f"{np.floor(lowest) - 0.5:g}"
    assert main([*common, "--dyad", "all", "--threshold", threshold, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [d["question"] for d in doc["dyads"]] == ["cross"] * 4
    joint = doc["joint"]
    # d1 ends five months before the others: the joint window is the months all four cover
    assert joint["dyads"] == ["d0", "d1", "d2", "d3"] and 0 <= joint["p_dependent"] <= 1
    assert joint["window"] == "2015-01:2015-07"  # the others end 2014-12, d1 2014-07
    # the text names the shorter joint window and why a dyad's own P can exceed the joint one
    assert main([*common, "--dyad", "all", "--threshold", threshold]) == 0
    out = capsys.readouterr().out
    assert "goes below it in 2015-01:2015-07) = " in out
    assert "2015-01:2015-07 is the span every one of these dyads' forecasts covers" in out
    # every dyad's paths are used once in the joint draws: P(at least one) >= each marginal
    assert joint["p_dependent"] >= max(joint["marginal"].values())
    assert joint["p_product"] >= max(joint["marginal"].values())
    assert main([*common, "--dyad", "all", "--until", "2015-01"]) == 1  # after the data
    assert "as-of month 2015-01 is after the last month of the data (2014-12)" in (
        capsys.readouterr().err
    )
    assert main(["forecast", "--dyad", "all"]) == 2
    assert "needs a DATA file" in capsys.readouterr().err
    alone = write_long_csv(panel[["d0"]], tmp_path / "one.csv")
    assert main(["forecast", str(alone), "--model", "block", "--dyad", "all"]) == 0
    assert "1 dyad:" in capsys.readouterr().out


def test_cli_until_ignores_a_gap_after_the_as_of_month(tmp_path, capsys, panel):
    # an as-of run equals the run on the file truncated by hand at that month
    gap = panel.copy()
    gap.loc[pd.Period("2013-09", "M"), "d1"] = np.nan
    data = write_long_csv(gap, tmp_path / "gap.csv")
    cut = write_long_csv(panel.loc[: pd.Period("2013-06", "M")], tmp_path / "cut.csv")
    common = ["--model", "block", "--paths", "200", "--format", "csv"]
    outs = {}
    for name, path, until in [("gap", data, ["--until", "2013-06"]), ("cut", cut, [])]:
        for dyad in ("d1", "all"):
            assert main(["forecast", str(path), "--dyad", dyad, *common, *until]) == 0
            outs[name, dyad], err = capsys.readouterr()
            if name == "gap":
                assert "as of 2013-06: left out " in err
    assert outs["gap", "d1"] == outs["cut", "d1"]
    assert outs["gap", "all"] == outs["cut", "all"]


def test_shocks_after_a_dyads_last_month_are_left_out_and_said(tmp_path, capsys, panel):
    """The as-of rule for calendars, per dyad: a shock after d1's last month (d1 ends five
    months early) but before the others' is cut from d1 alone, and the note names it."""
    data = write_long_csv(panel, tmp_path / "scores.csv")
    d1_end = panel["d1"].dropna().index[-1]
    shocks = tmp_path / "s.yaml"
    shocks.write_text(f"shocks:\n  - {{kind: tariff, start: {d1_end + 2}, shape: step}}\n")
    argv = ["forecast", str(data), "--dyad", "all", "--model", "block", "--paths", "200"]
    assert main([*argv, "--shocks", str(shocks)]) == 0
    err = capsys.readouterr().err
    assert "left out shocks dated after each dyad's last month (d1 1)" in err


def test_demo_panel_is_synthetic_deterministic_and_co_moving():
    a = rf.datasets.demo_panel(12, 240)
    b = rf.datasets.demo_panel(5, 240)
    assert a.shape == (240, 12) and str(a.index[-1]) == "2025-06"
    # one stream a dyad: the first five dyads do not depend on how many are made
    pd.testing.assert_frame_equal(a.iloc[:, :5], b, check_freq=False)
    assert a.attrs["synthetic"] is True
    values = a.to_numpy()
    assert (values >= -9).all() and (values <= 9).all()
    np.testing.assert_allclose(values * 10, np.round(values * 10), atol=1e-9)  # 0.1 steps
    changes = a.diff().iloc[1:]
    assert 0.4 < (changes == 0).to_numpy().mean() < 0.9  # sticky, like the real scores
    corr = np.corrcoef(changes.to_numpy().T)[np.triu_indices(12, 1)]
    assert corr.mean() > 0.1  # the shared world series makes them co-move
    other = rf.datasets.demo_panel(5, 240, seed=1)
    assert not np.allclose(other.to_numpy(), b.to_numpy())
