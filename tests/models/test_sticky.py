"""Sticky: forecasts published in whole steps of the scale's resolution."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.exceptions import SpecError
from relforecast.models.sticky import hold_steps
from tests.conftest import monthly


def test_hold_steps_by_hand():
    latent = np.array([[0.04, 0.09, 0.11, 0.05, -0.2], [-0.1, -0.15, -0.15, 0.3, 0.35]])
    expected = np.array([[0.0, 0.0, 0.11, 0.11, -0.2], [-0.1, -0.1, -0.1, 0.3, 0.3]])
    np.testing.assert_allclose(hold_steps(latent, 0.0, 0.1), expected)


def _series():
    rng = np.random.default_rng(5)
    return monthly(np.clip(1.0 + np.cumsum(rng.normal(0, 0.15, 240)), -8, 8))


def test_month_one_holds_exactly_when_the_latent_move_is_below_one_step():
    """Same random numbers: the published month 1 equals the last value exactly for the
    paths whose latent move is smaller than 0.1, and the latent value otherwise."""
    series = _series()
    inner = rf.ARIMA(order=(1, 1, 0)).fit(series)
    sticky = rf.Sticky(rf.ARIMA(order=(1, 1, 0))).fit(series)
    latent = inner.forecast(12, n_paths=4000, rng=3).paths
    published = sticky.forecast(12, n_paths=4000, rng=3).paths
    last = series.iloc[-1]
    small = np.abs(latent[:, 0] - last) < 0.1
    assert 0.2 < small.mean() < 0.9
    np.testing.assert_array_equal(published[small, 0], last)
    np.testing.assert_array_equal(published[~small, 0], latent[~small, 0])
    # a year ahead the published path stays within one step of the latent one
    assert np.all(np.abs(published - latent) < 0.1 + 1e-12)


def test_scenarios_move_the_latent_paths_and_keep_common_random_numbers():
    series = _series()
    fit = rf.Sticky(rf.ARIMA(order=(1, 1, 0))).fit(series)
    start = str(series.index[-1] + 1)
    down = rf.Scenario("down", [rf.Shock("custom", start, shape="step", effect=(-1.0, 0.0))])
    base, moved = fit.forecast_scenarios(12, [None, down], n_paths=2000, rng=1)
    again = fit.forecast(12, scenario=down, n_paths=2000, rng=1)
    np.testing.assert_array_equal(moved.paths, again.paths)
    assert moved.paths[:, -1].mean() < base.paths[:, -1].mean() - 0.5


def test_update_on_the_fitting_data_reproduces_the_forecast():
    series = _series()
    fit = rf.Sticky(rf.ARIMA(order=(1, 1, 1))).fit(series)
    np.testing.assert_allclose(
        fit.update(series).forecast(6, n_paths=500, rng=2).paths,
        fit.forecast(6, n_paths=500, rng=2).paths,
    )
    assert fit.params["step"] == pytest.approx(0.1)
    assert fit.name.endswith("in steps")


def test_bad_steps_and_models_are_refused():
    for bad in (0, -0.1, float("nan"), "0.1", True):
        with pytest.raises(SpecError, match=r"step=.* must be a positive number"):
            rf.Sticky(rf.ARIMA(), step=bad)
    with pytest.raises(SpecError, match="model specification"):
        rf.Sticky("arima")


@pytest.mark.parametrize("scale", [None, "-10:10"], ids=["unbounded", "continuous"])
def test_sticky_steps_aside_without_a_grid(scale):
    """No step to publish in: the wrapped model's paths, draw for draw, and a note."""
    rng = np.random.default_rng(3)
    series = pd.Series(
        np.clip(np.cumsum(rng.normal(0, 0.3, 120)), -8, 8),
        index=pd.period_range("2010-01", periods=120, freq="M"),
        name="x",
    )
    inner = rf.ARIMA(order=(1, 1, 0), scale=scale)
    fit = rf.Sticky(inner).fit(series)
    plain = inner.fit(series).forecast(6, n_paths=400, rng=5).paths
    np.testing.assert_array_equal(fit.forecast(6, n_paths=400, rng=5).paths, plain)
    assert fit.step is None and not fit.name.endswith("in steps")
    assert any("published as simulated" in d for d in fit.diagnostics)
    # an explicit step still publishes in steps: months unchanged from the month before
    held = rf.Sticky(inner, step=0.5).fit(series).forecast(6, n_paths=400, rng=5).paths
    assert np.mean(np.diff(held, axis=1) == 0) > 0.3 > np.mean(np.diff(plain, axis=1) == 0)
