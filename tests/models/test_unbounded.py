"""``scale=None`` is the unbounded scale (rf.UNBOUNDED_SCALE), read once when a model is built.

Every family given ``scale=None`` equals the same family given ``rf.UNBOUNDED_SCALE`` and draws
the same paths from the same rng, scenarios included; on that scale the transform is the
identity, so a series moved by a constant far outside the Tsinghua bounds gives the same
paths moved by that constant (the models see only changes), and the questions that need a
bounded scale are refused with a clear error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.models.adaptive import Adaptation

HORIZON = 6
N_PATHS = 200

FAMILIES = {
    "arima-fixed": lambda scale: rf.ARIMA(order=(1, 1, 0), scale=scale),
    "arima-auto": lambda scale: rf.ARIMA(order="auto", max_p=1, max_q=1, scale=scale),
    "markov-momentum": lambda scale: rf.MarkovSwitching(momentum=12, n_starts=2, scale=scale),
    "block-bootstrap": lambda scale: rf.BlockBootstrap(window=60, scale=scale),
    "random-walk-gauss": lambda scale: rf.RandomWalk("gaussian", window=60, scale=scale),
    "random-walk-boot": lambda scale: rf.RandomWalk("bootstrap", window=60, scale=scale),
    "sticky-arima": lambda scale: rf.Sticky(rf.ARIMA(order=(1, 1, 0), scale=scale), step=0.1),
    "calibrated": lambda scale: rf.Calibrated(
        rf.ARIMA(order=(1, 1, 0), scale=scale), horizon=HORIZON, n_origins=4, step=6, n_paths=50
    ),
    "auto-continuous": lambda scale: rf.Auto(
        [rf.ARIMA(order=(1, 1, 0), scale=scale), rf.BlockBootstrap(window=60, scale=scale)],
        adapt=Adaptation(lookback=12, step=6, n_paths=50, quantiles=10),
    ),
}


@pytest.fixture(scope="module")
def series() -> pd.Series:
    return rf.datasets.demo().iloc[-120:]


def scenario_after(series: pd.Series) -> rf.Scenario:
    shock = rf.Shock("custom", series.index[-1] + 1, shape="step", name="move", effect=(-0.4, 0.2))
    return rf.Scenario("down", [shock])


@pytest.mark.parametrize("family", list(FAMILIES), ids=list(FAMILIES))
def test_none_and_the_unbounded_scale_are_the_same_model(family, series):
    given_none, given_scale = FAMILIES[family](None), FAMILIES[family](rf.UNBOUNDED_SCALE)
    assert given_none == given_scale
    assert given_none.scale is rf.UNBOUNDED_SCALE and given_scale.scale is rf.UNBOUNDED_SCALE
    todo = [None, scenario_after(series)]
    a = given_none.fit(series).forecast_scenarios(HORIZON, todo, n_paths=N_PATHS, rng=4)
    b = given_scale.fit(series).forecast_scenarios(HORIZON, todo, n_paths=N_PATHS, rng=4)
    for x, y in zip(a, b, strict=True):
        assert x.scale is y.scale is rf.UNBOUNDED_SCALE and not x.published
        np.testing.assert_array_equal(x.paths, y.paths)
    assert not np.array_equal(a[0].paths, a[1].paths)


@pytest.mark.parametrize("family", ["arima-fixed", "block-bootstrap", "random-walk-gauss"], ids=str)
def test_identity_transform_moves_paths_with_the_series(family, series):
    # no transform, no bounds, no clipping: 100 points up, the same paths 100 points up
    spec = FAMILIES[family](None)
    here = spec.fit(series).forecast(HORIZON, n_paths=N_PATHS, rng=9)
    far = spec.fit(series + 100.0).forecast(HORIZON, n_paths=N_PATHS, rng=9)
    assert far.paths.min() > 90
    np.testing.assert_allclose(far.paths - here.paths, 100.0, atol=1e-8)


def test_unbounded_forecasts_refuse_the_bounded_questions(series):
    fc = rf.ARIMA(order=(1, 1, 0), scale=None).fit(series).forecast(HORIZON, n_paths=50, rng=0)
    with pytest.raises(rf.ForecastError, match="give a threshold"):
        fc.prob_cross()
    with pytest.raises(rf.ForecastError, match="no levels"):
        fc.level_probabilities()
    assert 0 <= fc.prob_cross(float(series.iloc[-1]) - 0.5) <= 1
