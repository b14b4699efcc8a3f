"""Block bootstrap: moments of the resampled changes against their analytic values."""

import numpy as np
import pytest

import relforecast as rf

from ..conftest import monthly


@pytest.fixture(scope="module")
def persistent():
    """Changes with long positive autocorrelation (an AR(1) in the changes, phi = 0.8)."""
    rng = np.random.default_rng(4)
    d = np.zeros(400)
    for t in range(1, 400):
        d[t] = 0.8 * d[t - 1] + rng.normal(0, 0.1)
    return monthly(np.cumsum(d), name="persistent")


def test_block_one_is_the_iid_bootstrap(persistent):
    fit = rf.BlockBootstrap(window=240, block=1, scale=None).fit(persistent)
    fc = fit.forecast(12, n_paths=40_000, rng=0)
    change = fc.paths[:, -1] - persistent.iloc[-1]
    c = fit.changes
    # i.i.d. resampling: mean 12 * mean(c), variance 12 * var(c) (population variance)
    se_mean = np.sqrt(12 * c.var() / 40_000)
    assert change.mean() == pytest.approx(12 * c.mean(), abs=4 * se_mean)
    assert change.var() == pytest.approx(12 * c.var(), rel=0.03)


def test_drift_false_centres_the_changes():
    trending = monthly(np.linspace(-3.0, 2.0, 300) + np.sin(np.arange(300)), name="trend")
    raw = np.diff(trending.to_numpy()[-241:])
    centred = rf.BlockBootstrap(window=240, scale=None, drift=False).fit(trending)
    drifting = rf.BlockBootstrap(window=240, scale=None).fit(trending)
    np.testing.assert_allclose(drifting.changes, raw)
    np.testing.assert_allclose(centred.changes, raw - raw.mean())
    # the drift moves the whole fan by 12 mean changes; without it the fan is centred on z_T
    a = centred.forecast(12, n_paths=20_000, rng=5).paths[:, -1]
    b = drifting.forecast(12, n_paths=20_000, rng=5).paths[:, -1]
    np.testing.assert_allclose(b - a, 12 * raw.mean())
    assert abs(a.mean() - trending.iloc[-1]) < 4 * a.std() / np.sqrt(20_000)


def test_long_blocks_replay_past_runs(persistent):
    # one block per path: the 12-month change is a circular 12-month sum of past changes
    fit = rf.BlockBootstrap(window=240, block=1e9, scale=None).fit(persistent)
    fc = fit.forecast(12, n_paths=40_000, rng=1)
    c = fit.changes
    sums = np.array([np.take(c, range(i, i + 12), mode="wrap").sum() for i in range(len(c))])
    change = fc.paths[:, -1] - persistent.iloc[-1]
    assert change.var() == pytest.approx(sums.var(), rel=0.04)
    # persistence is kept: far more spread than 12 independent months
    assert sums.var() > 3 * 12 * c.var()


def test_bounded_reproducible_and_named_errors():
    y = rf.datasets.demo()
    fit = rf.BlockBootstrap().fit(y)
    a = fit.forecast(12, n_paths=2000, rng=3)
    b = fit.forecast(12, n_paths=2000, rng=3)
    np.testing.assert_array_equal(a.paths, b.paths)
    assert a.paths.min() > -9 and a.paths.max() < 9
    assert fit.update(y.iloc[:-12]).series.index[-1] == y.index[-13]
    with pytest.raises(rf.SpecError, match=r"block=0\.5"):
        rf.BlockBootstrap(block=0.5)
    with pytest.raises(rf.SpecError, match="window=10"):
        rf.BlockBootstrap(window=10)


def test_pool_lends_estimated_effects_to_the_bootstrap():
    y, shocks = rf.datasets.demo(), rf.datasets.demo_shocks()
    fit = rf.Auto().fit(y, shocks=shocks)
    block = fit.fits[-1]
    assert isinstance(block, rf.models.BlockBootstrapResult)
    assert len(block.shock_effects()) and block.shock_effects().equals(fit.fits[0].shock_effects())
    assert fit.update(y.iloc[:-3]).fits[-1].borrowed_effects is not None
    # a scenario with an estimated effect moves the bootstrap's paths too (common numbers)
    scenario = rf.Scenario("step", shocks=[rf.Shock("leader_change", "2026-01", shape="step")])
    base, moved = block.forecast_scenarios(12, [None, scenario], n_paths=500, rng=0)
    assert not np.allclose(base.paths[:, -1], moved.paths[:, -1])
