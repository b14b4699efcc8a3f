"""A fit kept as its estimates (relforecast.models.estimates) and rebuilt without estimating.

The reference is the estimated fit itself: rebuilt from its estimates — after a trip through
JSON text — on the data and shocks it was estimated on, a fit must give the same parameters,
weights, diagnostics and forecast paths, exactly (every estimate reads back to the same
double), and the same again once both are applied to longer data (``update``). The default
``auto`` pool covers ARIMA, regime switching, the block bootstrap, whole steps and the replay
record; an ARIMA of automatic order covers the search table. Estimates that do not belong to
the model given are refused with a SpecError that says so.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import relforecast as rf
from relforecast.models.estimates import from_estimates, to_estimates

SERIES = rf.datasets.demo()
SEEN = SERIES.loc[:"2022-12"]
LATER = SERIES.loc[:"2023-03"]
SHOCKS = rf.datasets.demo_shocks().between(None, "2022-12")


def _trip(fit):
    text = json.dumps(to_estimates(fit), sort_keys=True, allow_nan=False)
    return json.loads(text), text


def _paths(fit, scenarios=()):
    forecasts = fit.forecast_scenarios(6, [None, *scenarios], n_paths=300, rng=11)
    return [fc.paths for fc in forecasts]


@pytest.fixture(scope="module")
def pool():
    model = rf.Auto()
    return model, model.fit(SEEN, shocks=SHOCKS)


def test_pool_rebuilt_from_its_estimates_is_the_same_fit(pool):
    model, fit = pool
    data, text = _trip(fit)
    rebuilt = from_estimates(model, SEEN, SHOCKS, data)
    assert rebuilt.name == fit.name
    assert rebuilt.weights == fit.weights
    assert rebuilt.params.index.equals(fit.params.index)
    np.testing.assert_array_equal(rebuilt.params.to_numpy(), fit.params.to_numpy())
    assert rebuilt.diagnostics == fit.diagnostics
    scenario = rf.Scenario(
        "dip", [rf.Shock("custom", "2023-02", shape="step", effect=(-0.5, 0.1))]
    )
    for a, b in zip(_paths(fit, [scenario]), _paths(rebuilt, [scenario]), strict=True):
        np.testing.assert_array_equal(a, b)
    # the same estimates on longer data: replayed origins added, weights learned again
    for a, b in zip(_paths(fit.update(LATER)), _paths(rebuilt.update(LATER)), strict=True):
        np.testing.assert_array_equal(a, b)
    # the same fit gives the same text
    assert _trip(rebuilt)[1] == text


def test_arima_of_automatic_order_keeps_its_search_table():
    model = rf.ARIMA(order="auto")
    fit = model.fit(SEEN, shocks=SHOCKS)
    rebuilt = from_estimates(model, SEEN, SHOCKS, _trip(fit)[0])
    assert rebuilt.order == fit.order and rebuilt.trend == fit.trend
    assert rebuilt.candidates.equals(fit.candidates)
    np.testing.assert_array_equal(rebuilt.params.to_numpy(), fit.params.to_numpy())
    np.testing.assert_array_equal(_paths(rebuilt)[0], _paths(fit)[0])


def test_estimates_of_another_model_are_refused(pool):
    model, fit = pool
    data = _trip(fit)[0]
    with pytest.raises(rf.SpecError, match="'auto' fit, not of the model"):
        from_estimates(rf.MarkovSwitching(), SEEN, SHOCKS, data)
    with pytest.raises(rf.SpecError, match="6 pool members, the pool has 5"):
        from_estimates(rf.Auto(components=model.components[:5]), SEEN, SHOCKS, data)
    arima = next(f for f in data["fits"] if f["family"] == "sticky")["inner"]
    assert arima["family"] == "arima"
    short = {**arima, "params": arima["params"][:-1]}
    with pytest.raises(rf.SpecError, match="stored parameters for ARIMA"):
        from_estimates(model.components[0].model, SEEN, SHOCKS, short)
    with pytest.raises(rf.SpecError, match="other shocks"):
        from_estimates(model.components[0].model, SEEN, None, arima)
    with pytest.raises(rf.SpecError, match="unknown kind"):
        from_estimates(model, SEEN, SHOCKS, {"family": "pickle"})


def test_a_family_not_kept_gives_none():
    fit = rf.Climatology().fit(SEEN)
    assert to_estimates(fit) is None
