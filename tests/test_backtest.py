"""Backtests: the CSV contract, no look-ahead, calibration on a known model, the refit policy."""

import numpy as np
import pandas as pd
import pytest
import scoringrules as sr
from scipy import stats

import relforecast as rf
from relforecast.backtest import QUANTILE_COLUMNS, backtest, parse_origins
from relforecast.evaluation import evaluate


def random_walk_panel(n_series=8, months=420, sd=0.15, seed=0):
    """Gaussian random walks starting at -1, kept well inside the scale."""
    rng = np.random.default_rng(seed)
    index = pd.period_range("1990-01", periods=months, freq="M")
    steps = rng.normal(0, sd, (months, n_series))
    frame = pd.DataFrame(
        -1 + np.cumsum(steps, axis=0), index=index, columns=[f"d{i}" for i in range(n_series)]
    )
    return frame.clip(-8.5, 8.5)


@pytest.fixture(scope="module")
def panel():
    return random_walk_panel()


def test_contract_columns_and_types(panel):
    bt = backtest(
        panel.iloc[:, :2],
        ["rw-gauss", "arima110"],
        "2015-01:2016-01",
        every=6,
        horizon=12,
        thresholds=(-6, -3, 0, 3),
        n_paths=500,
    )
    expected = [
        "dyad",
        "model",
        "origin",
        "h",
        "target",
        "mean",
        *QUANTILE_COLUMNS,
        "cross_-6",
        "cross_-3",
        "cross_0",
        "cross_3",
    ]
    assert list(bt.columns) == expected and len(QUANTILE_COLUMNS) == 19
    assert len(bt) == 2 * 2 * 3 * 12  # dyads x models x origins x h
    assert bt["origin"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert bt["target"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert bt["h"].between(1, 12).all() and bt["h"].dtype.kind == "i"
    q = bt[list(QUANTILE_COLUMNS)].to_numpy()
    assert np.all(np.diff(q, axis=1) >= -1e-12)
    first = bt[(bt["origin"] == "2015-07") & (bt["dyad"] == "d0") & (bt["model"] == "rw-gauss")]
    assert (pd.PeriodIndex(first["target"], freq="M") - pd.Period("2015-07", "M")).map(
        lambda d: d.n
    ).tolist() == list(range(1, 13))
    for t in ("-6", "-3", "0", "3"):
        col = bt[f"cross_{t}"]
        assert col.between(0, 1).all()
        per_path = bt.groupby(["dyad", "model", "origin"])[f"cross_{t}"]
        assert per_path.apply(lambda c: np.all(np.diff(c.to_numpy()) >= 0)).all()


@pytest.mark.parametrize("model", ["arima", "markov", "rw-boot"])
def test_no_look_ahead(panel, model):
    one = panel[["d0"]].iloc[:330]
    origins = ["2010-06", "2011-06"]
    bt = backtest(one, model, origins, n_paths=300, rng=5)
    changed = one.copy()
    changed.loc[pd.Period("2010-07", "M") :, "d0"] += 3.0  # everything after the first origin
    bt2 = backtest(changed, model, origins, n_paths=300, rng=5)
    first = bt["origin"] == "2010-06"
    pd.testing.assert_frame_equal(
        bt[first].reset_index(drop=True), bt2[bt2["origin"] == "2010-06"].reset_index(drop=True)
    )
    assert not np.allclose(bt.loc[~first, "q50"], bt2.loc[bt2["origin"] == "2011-06", "q50"])


def test_known_model_backtest_is_calibrated(panel):
    spec = rf.ARIMA(order=(0, 1, 0), scale=None)
    bt = backtest(panel, spec, "2000-01:2023-01", every=12, n_paths=1000, rng=1)
    ev = evaluate(bt, panel)
    table = ev.by_horizon().xs(spec.name, level="model")
    n = len(ev.scores[ev.scores["h"] == 12])
    assert n == 8 * 24
    for h in (1, 12):
        # independent non-overlapping cases: 4 binomial standard errors
        assert abs(table.loc[h, "cov80"] - 0.8) < 4 * np.sqrt(0.16 / n)
        assert abs(table.loc[h, "cov50"] - 0.5) < 4 * np.sqrt(0.25 / n)


def test_refit_policy(panel):
    one = panel[["d1"]]
    origins = "2005-01:2005-12"
    every_month = backtest(one, "arima110", origins, every=1, n_paths=400, refit_every=1)
    # refit_every=1 is exactly fitting from scratch at each origin
    spec = rf.ARIMA(order=(1, 1, 0), window=240)
    origin = pd.Period("2005-05", "M")
    fc = spec.fit(one["d1"].loc[:origin]).forecast(
        12, n_paths=400, rng=np.random.default_rng([0, 0, int(origin.ordinal) + 10_000])
    )
    row = every_month[every_month["origin"] == "2005-05"]
    np.testing.assert_allclose(row["q50"], np.quantile(fc.paths, 0.5, axis=0))
    # applying the estimates between refits changes the quantiles only a little
    sparse = backtest(one, "arima110", origins, every=1, n_paths=400, refit_every=6)
    diff = (sparse["q50"] - every_month["q50"]).abs()
    assert diff.iloc[:12].max() == 0  # the first origin is a refit in both
    assert diff.max() < 0.05


def test_evaluate_scores_against_references():
    index = pd.period_range("2000-01", periods=40, freq="M")
    obs = pd.Series(np.linspace(-1, 1, 40), index=index, name="x")
    levels = np.arange(1, 20) * 0.05
    rows = []
    for h in (1, 2):
        for o in range(5, 30):
            target = index[o + h]
            q = obs.iloc[o] + 0.3 * stats.norm.ppf(levels)
            rows.append(
                {
                    "dyad": "x",
                    "model": "m",
                    "origin": str(index[o]),
                    "h": h,
                    "target": str(target),
                    "mean": obs.iloc[o],
                    **dict(zip(QUANTILE_COLUMNS, q, strict=True)),
                    "cross_0": 0.25,
                }
            )
    bt = pd.DataFrame(rows)
    ev = evaluate(bt, obs)
    # CRPS from 19 quantiles approximates the Gaussian CRPS (second method) within 5 %
    exact = sr.crps_normal(
        ev.scores["obs"].to_numpy(),
        obs.reindex(pd.PeriodIndex(bt["origin"], freq="M")).to_numpy(),
        0.3,
    )
    np.testing.assert_allclose(ev.scores["crps"], exact, rtol=0.05, atol=0.002)
    # Brier: cases with origin >= 0, event = the path went below 0 (never: it rises)
    cases = ev.brier_cases
    assert (cases["event"] == 0).all() and np.allclose(cases["sq_error"], 0.0625)
    assert len(cases) == 2 * (obs.iloc[5:30] >= 0).sum()
    pit = ev.pit_histogram()
    assert np.isclose(pit.to_numpy().sum(), 1.0)


def test_parse_origins_and_errors():
    assert [str(o) for o in parse_origins("1995-06:1997-06", every=12)] == [
        "1995-06",
        "1996-06",
        "1997-06",
    ]
    assert len(parse_origins(["2000-01", "2000-02"])) == 2
    with pytest.raises(rf.ForecastError, match="end before they start"):
        parse_origins("2000-01:1999-01")
    with pytest.raises(rf.SpecError, match="model 'prophet' is not known"):
        backtest(random_walk_panel(1, 100), "prophet", "1995-01")
