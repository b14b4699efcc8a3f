"""The fitted-model contract (relforecast.models.base.FittedModel), checked on every family.

One fit per family and variant (module scope, a 120-month slice of the demo series, short
horizons and few paths, so the whole file stays fast); every test runs on every fit:

* the contract's members are there and have their types; paths stay inside the bounds (the
  ``-unbounded`` variants, given ``scale=None``, are on ``rf.UNBOUNDED_SCALE``: no bounds,
  the identity transform);
* the same rng gives the same paths, and NumPy's global random state is left untouched;
* an int seed, a fresh Generator from that seed and None are accepted (int == Generator; two
  None forecasts differ), anything else is a SpecError naming ``rng``;
* a scenario with a judgmental effect of sd 0 moves every path by exactly its effect: on the
  transformed scale for the bounded families — ``to_unbounded(scenario) -
  to_unbounded(baseline) = mean x slope(last score) x profile`` (the conversion of
  :class:`relforecast.Scenario`), to 1e-9 — and in score points for the clipped random walks
  (``scenario - baseline = mean x profile`` wherever neither path sits on a bound). A model
  published in whole steps (:class:`relforecast.Sticky`) holds a path until the latent score
  has moved a step, which no constant shift commutes with: there the *latent* paths (the
  wrapped fit's) move by the effect and the published paths are exactly the latent ones held
  in steps, with and without the scenario. A pool whose members are published in steps
  (the default ``auto``) is checked member by member; a pool of continuous members as a whole;
* scenarios share their random numbers: two scenarios with the same shocks give identical
  paths, and a scenario forecast alone equals the same scenario among others;
* ``update()`` on the fitting data reproduces the fit (parameters and paths);
* inputs the contract cannot honour are refused with a ForecastError, never ignored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.models.adaptive import Adaptation
from relforecast.models.auto import AutoResult
from relforecast.models.base import FittedModel, Model
from relforecast.models.sticky import StickyResult, hold_steps

HORIZON = 6
N_PATHS = 200

SPECS = {
    "arima-fixed": lambda: rf.ARIMA(order=(1, 1, 0)),
    "arima-resampled": lambda: rf.ARIMA(order=(1, 1, 1), innovations="bootstrap"),
    "arima-auto": lambda: rf.ARIMA(order="auto", max_p=1, max_q=1),
    "markov-momentum": lambda: rf.MarkovSwitching(momentum=12, n_starts=2),
    "block-bootstrap": lambda: rf.BlockBootstrap(window=60),
    "random-walk-gauss": lambda: rf.RandomWalk("gaussian", window=60),
    "random-walk-boot": lambda: rf.RandomWalk("bootstrap", window=60),
    "sticky-arima": lambda: rf.Sticky(rf.ARIMA(order=(1, 1, 0))),
    # the default pool (members published in steps), weights learned from a short replay
    "auto": lambda: rf.Auto(adapt=Adaptation(lookback=12, step=6, n_paths=50, quantiles=10)),
    "auto-continuous": lambda: rf.Auto(
        [rf.ARIMA(order=(1, 1, 0)), rf.BlockBootstrap(window=60)],
        adapt=Adaptation(lookback=12, step=6, n_paths=50, quantiles=10),
    ),
    "ar-level": lambda: rf.ARLevel(window=60),
    "climatology": lambda: rf.Climatology(window=60),
    "sticky-ar-level": lambda: rf.Sticky(rf.ARLevel(window=60)),
    # a pool of continuous members whose spread is rescaled from its replays
    "auto-recalibrated": lambda: rf.Auto(
        [rf.ARIMA(order=(1, 1, 0)), rf.ARLevel(window=60), rf.Climatology(window=36)],
        adapt=Adaptation(lookback=24, step=3, horizon=HORIZON, n_paths=50, quantiles=10),
        recalibrate=rf.Recalibration(min_scored=2),
    ),
    "calibrated": lambda: rf.Calibrated(
        rf.ARIMA(order=(1, 1, 0)), horizon=HORIZON, n_origins=4, step=6, n_paths=50
    ),
    # scale=None: the unbounded (identity) scale, rf.UNBOUNDED_SCALE
    "arima-fixed-unbounded": lambda: rf.ARIMA(order=(1, 1, 0), scale=None),
    "block-bootstrap-unbounded": lambda: rf.BlockBootstrap(window=60, scale=None),
    "random-walk-gauss-unbounded": lambda: rf.RandomWalk("gaussian", window=60, scale=None),
    "ar-level-unbounded": lambda: rf.ARLevel(window=60, scale=None),
    "climatology-unbounded": lambda: rf.Climatology(window=60, scale=None),
    "sticky-arima-unbounded": lambda: rf.Sticky(rf.ARIMA(order=(1, 1, 0), scale=None), step=0.1),
}
CLIPPED = {"random-walk-gauss", "random-walk-boot"}  # score-scale paths clipped at the bounds
UNBOUNDED = {name for name in SPECS if name.endswith("-unbounded")}


@pytest.fixture(scope="module")
def series() -> pd.Series:
    return rf.datasets.demo().iloc[-120:]


@pytest.fixture(scope="module", params=list(SPECS), ids=list(SPECS))
def family(request, series) -> tuple[str, Model, FittedModel]:
    spec = SPECS[request.param]()
    return request.param, spec, spec.fit(series)


def step_scenario(fit: FittedModel, mean: float, sd: float, name: str) -> rf.Scenario:
    first = fit.series.index[-1] + 1
    shock = rf.Shock("custom", first, shape="step", name="move", effect=(mean, sd))
    return rf.Scenario(name, [shock])


def test_contract_members_and_bounds(family):
    name, spec, fit = family
    assert isinstance(spec, Model) and isinstance(fit, FittedModel)
    assert isinstance(fit.name, str) and fit.name
    assert isinstance(fit.params, pd.Series) and len(fit.params)
    assert np.all(np.isfinite(fit.params.to_numpy(dtype=float)))
    assert isinstance(fit.diagnostics, list) and all(isinstance(d, str) for d in fit.diagnostics)
    assert isinstance(fit.calendar, rf.ShockCalendar)
    scale = rf.UNBOUNDED_SCALE if name in UNBOUNDED else rf.TSINGHUA_SCALE
    assert fit.scale is spec.scale is scale
    assert list(fit.shock_effects().columns) == ["label", "kind", "effect"]
    fc = fit.forecast(HORIZON, n_paths=N_PATHS, rng=0)
    assert fc.paths.shape == (N_PATHS, HORIZON)
    assert fc.index[0] == fit.series.index[-1] + 1
    assert fc.scale is scale and fc.paths.min() >= scale.lower and fc.paths.max() <= scale.upper
    if isinstance(fit, AutoResult):  # a pool keeps the weights it draws its paths with
        weights = np.asarray(fit.weights)
        assert weights.shape == (len(fit.fits),) and np.all(weights >= 0)
        assert weights.sum() == pytest.approx(1.0)
        assert fc.meta["weights"] == list(fit.weights)


def test_same_rng_same_paths_and_global_state_untouched(family):
    _, _, fit = family
    # the legacy global state, set and read only to check that nothing draws from it
    np.random.seed(12345)  # noqa: NPY002
    before = np.random.get_state()  # noqa: NPY002
    a = fit.forecast(HORIZON, n_paths=N_PATHS, rng=5)
    b = fit.forecast(HORIZON, n_paths=N_PATHS, rng=5)
    after = np.random.get_state()  # noqa: NPY002
    np.testing.assert_array_equal(a.paths, b.paths)
    assert before[0] == after[0] and before[2:] == after[2:]
    np.testing.assert_array_equal(before[1], after[1])


def test_int_generator_and_none_are_accepted_and_nothing_else(family):
    _, _, fit = family
    seeded = fit.forecast(HORIZON, n_paths=N_PATHS, rng=7)
    generator = fit.forecast(HORIZON, n_paths=N_PATHS, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(seeded.paths, generator.paths)
    fresh = [fit.forecast(HORIZON, n_paths=N_PATHS, rng=None).paths for _ in range(2)]
    assert not np.array_equal(*fresh)
    for bad in (-1, "abc", 1.5, True):
        with pytest.raises(rf.SpecError, match=r"rng="):
            fit.forecast(HORIZON, n_paths=N_PATHS, rng=bad)


def test_scenario_with_sd_0_shifts_every_path_by_its_effect(family):
    name, _, fit = family
    if isinstance(fit, AutoResult) and any(_in_steps(f) for f in fit.fits):
        for member in fit.fits:
            check_shift(member, clipped=False)
        moved = fit.forecast(HORIZON, step_scenario(fit, -0.5, 0.0, "down"), N_PATHS, rng=3)
        assert "| down" in moved.model
    else:
        check_shift(fit, clipped=name in CLIPPED)


def _in_steps(fit: FittedModel) -> bool:
    return isinstance(fit, StickyResult)


def check_shift(fit: FittedModel, *, clipped: bool) -> None:
    """A sd-0 step scenario moves ``fit``'s paths (its latent paths when it publishes in steps)
    by exactly the effect; published in steps, the paths are the latent ones held in steps."""
    mean = -0.5
    scenario = step_scenario(fit, mean, 0.0, "down")
    if _in_steps(fit):
        check_shift(fit.inner, clipped=clipped)
        last = float(fit.series.iloc[-1])
        for chosen in (None, scenario):
            latent = fit.inner.forecast(HORIZON, chosen, N_PATHS, rng=3).paths
            published = fit.forecast(HORIZON, chosen, N_PATHS, rng=3).paths
            np.testing.assert_array_equal(published, hold_steps(latent, last, fit.step))
        return
    base = fit.forecast(HORIZON, n_paths=N_PATHS, rng=3)
    moved = fit.forecast(HORIZON, scenario, N_PATHS, rng=3)
    scale = fit.scale  # the unbounded scale: slope 1, no bounds
    if clipped:
        inside = (np.abs(base.paths) < scale.upper) & (np.abs(moved.paths) < scale.upper)
        assert inside.mean() > 0.99
        np.testing.assert_allclose((moved.paths - base.paths)[inside], mean, atol=1e-9)
    else:
        shift = scale.to_unbounded(moved.paths) - scale.to_unbounded(base.paths)
        expected = mean * scale.slope(float(fit.series.iloc[-1]))
        np.testing.assert_allclose(shift, expected, atol=1e-9)
    assert "| down" in moved.model


def test_scenarios_share_random_numbers(family):
    _, _, fit = family
    a = step_scenario(fit, -0.4, 0.3, "a")
    twin = step_scenario(fit, -0.4, 0.3, "twin of a")
    together = fit.forecast_scenarios(HORIZON, [None, a, twin], n_paths=N_PATHS, rng=11)
    np.testing.assert_array_equal(together[1].paths, together[2].paths)
    assert not np.array_equal(together[0].paths, together[1].paths)
    alone = fit.forecast(HORIZON, a, N_PATHS, rng=11)
    baseline = fit.forecast(HORIZON, None, N_PATHS, rng=11)
    np.testing.assert_array_equal(alone.paths, together[1].paths)
    np.testing.assert_array_equal(baseline.paths, together[0].paths)


def test_update_on_the_fitting_data_reproduces_the_fit(family):
    _, _, fit = family
    again = fit.update(fit.series)
    pd.testing.assert_series_equal(again.series, fit.series)
    np.testing.assert_allclose(
        again.params.to_numpy(dtype=float), fit.params.to_numpy(dtype=float), rtol=1e-10
    )
    np.testing.assert_allclose(
        again.forecast(HORIZON, n_paths=N_PATHS, rng=2).paths,
        fit.forecast(HORIZON, n_paths=N_PATHS, rng=2).paths,
        rtol=0,
        atol=1e-9,
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scenario": "tariffs"}, "not an rf.Scenario"),
        ({"horizon": 0}, "horizon"),
        ({"horizon": "12"}, "horizon"),
        ({"n_paths": 0}, "n_paths"),
    ],
    ids=["scenario-text", "horizon-0", "horizon-text", "no-paths"],
)
def test_inputs_it_cannot_honour_are_refused(family, kwargs, message):
    _, _, fit = family
    args = {"horizon": HORIZON, "n_paths": N_PATHS, "rng": 0, **kwargs}
    with pytest.raises(rf.ForecastError, match=message):
        fit.forecast(**args)
