"""BacktestSpec: the settings of a backtest as one checked value, and the keyword form."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.panel.parallel import Execution
from relforecast.scale import parse_scale

SETTINGS = {
    "every": 6,
    "thresholds": [-6, 0.5],
    "recover": [-5.5],
    "n_paths": 150,
    "rng": 11,
    "refit_every": 2,
    "workers": 1,
}


@pytest.fixture(scope="module")
def demo() -> pd.Series:
    return rf.datasets.demo()


def test_spec_and_keywords_give_the_same_frame(demo):
    by_keywords = rf.backtest(demo, "arima110", "2019-01:2020-06", 4, **SETTINGS)
    spec = rf.BacktestSpec().with_settings(**SETTINGS)
    by_spec = rf.backtest(demo, "arima110", "2019-01:2020-06", 4, spec=spec)
    pd.testing.assert_frame_equal(by_spec, by_keywords)
    assert by_spec.attrs["notes"] == by_keywords.attrs["notes"]
    # the settings reached the rows: origins 6 months apart, the asked columns
    origins = sorted(by_spec["origin"].astype(str).unique())
    assert origins == ["2019-01", "2019-07", "2020-01"]
    assert {"cross_-6", "cross_0.5", "back_above_-5.5"} <= set(by_spec.columns)


def test_the_spec_changes_the_rows_the_keywords_would(demo):
    """A spec is not ignored: its seed and path count give the frame those keywords give."""
    spec = rf.BacktestSpec(n_paths=120, rng=4, thresholds=(-6,))
    by_spec = rf.backtest(demo, "rw-gauss", "2020-01", 3, spec=spec)
    default_seed = rf.backtest(demo, "rw-gauss", "2020-01", 3, n_paths=120, thresholds=(-6,))
    same_seed = rf.backtest(demo, "rw-gauss", "2020-01", 3, n_paths=120, rng=4, thresholds=(-6,))
    pd.testing.assert_frame_equal(by_spec, same_seed)
    assert not np.allclose(by_spec["mean"], default_seed["mean"])


def test_a_keyword_that_disagrees_with_the_spec_is_refused(demo):
    spec = rf.BacktestSpec(n_paths=120, rng=4)
    with pytest.raises(rf.SpecError, match=r"n_paths=300 disagrees with the spec given \(n_paths"):
        rf.backtest(demo, "rw-gauss", "2020-01", 3, spec=spec, n_paths=300)
    with pytest.raises(rf.SpecError, match=r"workers=2 disagrees"):
        rf.backtest(demo, "rw-gauss", "2020-01", 3, spec=spec, workers=2)
    # saying the same as the spec, or leaving a keyword at its default, is not a conflict
    agreeing = rf.backtest(demo, "rw-gauss", "2020-01", 3, spec=spec, n_paths=120, rng=4)
    alone = rf.backtest(demo, "rw-gauss", "2020-01", 3, spec=spec)
    pd.testing.assert_frame_equal(agreeing, alone)
    with pytest.raises(rf.SpecError, match="must be a BacktestSpec"):
        rf.backtest(demo, "rw-gauss", "2020-01", 3, spec={"n_paths": 120})


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"every": 0}, rf.ForecastError, r"every=0 must be a whole number of months"),
        ({"every": 1.5}, rf.ForecastError, r"every=1\.5"),
        ({"refit_every": 0}, rf.ForecastError, r"refit_every=0 must be a whole number"),
        ({"n_paths": 0}, rf.ForecastError, r"n_paths must be a whole number >= 1, got 0"),
        ({"thresholds": (-6, -6.0)}, rf.ForecastError, r"-6\.0 given more than once"),
        ({"thresholds": "-6"}, rf.SpecError, r"thresholds='-6' must be a list of numbers"),
        ({"thresholds": (np.nan,)}, rf.ForecastError, r"threshold nan is not finite"),
        ({"recover": (-5.5,), "store": "x"}, rf.ForecastError, "not kept in a backtest store"),
        ({"rng": -1}, rf.SpecError, r"rng="),
        ({"scale": "-10"}, rf.ScaleError, r"-10"),
        ({"scale": 3}, rf.SpecError, r"scale=3 is not a scale"),
        ({"shocks": "shocks.yaml"}, rf.SpecError, r"shocks='shocks.yaml' must be a ShockCalendar"),
        ({"store": 5}, rf.SpecError, r"store=5 must be a folder path"),
        ({"progress": "yes"}, rf.SpecError, r"progress='yes' must be True or False"),
        ({"execution": {"workers": 0}}, rf.EngineError, r"workers=0 must be a whole number"),
        ({"execution": {"engine": "spark"}}, rf.EngineError, r"engine 'spark' is not known"),
        ({"execution": 2}, rf.SpecError, r"execution=2 must be an Execution"),
    ],
)
def test_a_bad_setting_fails_when_the_spec_is_made(settings, error, message):
    with pytest.raises(error, match=message):
        rf.BacktestSpec(**settings)


def test_settings_are_read_into_one_form():
    spec = rf.BacktestSpec(
        thresholds=[-6, 0],
        scale="-10:10",
        store=Path("runs"),
        execution={"workers": 2, "engine": "loky"},
    )
    assert spec.thresholds == (-6.0, 0.0)
    assert spec.scale == parse_scale("-10:10")
    assert spec.store == "runs"
    assert spec.execution == Execution(workers=2, engine="loky")
    # a Generator gives one seed: the draw an equal Generator gives
    drawn = rf.BacktestSpec(rng=np.random.default_rng(8)).rng
    assert drawn == int(np.random.default_rng(8).integers(2**63))
    with pytest.raises(rf.SpecError, match=r"unknown backtest setting\(s\) \['paths'\]"):
        spec.with_settings(paths=10)
    assert spec.with_settings(workers=3).execution == Execution(workers=3, engine="loky")
