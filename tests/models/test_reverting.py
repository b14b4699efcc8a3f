"""Members that revert to a level: ARLevel against statsmodels, Climatology against its window."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.ar_model import AutoReg

import relforecast as rf


def ar1(n: int, level: float, phi: float, sigma: float, seed: int) -> pd.Series:
    rng = np.random.default_rng(seed)
    z = np.empty(n)
    z[0] = level
    for t in range(1, n):
        z[t] = level + phi * (z[t - 1] - level) + rng.normal(0, sigma)
    return pd.Series(z, index=pd.period_range("2000-01", periods=n, freq="M"), name="x")


def test_ar_level_matches_statsmodels_autoreg_mean_and_variance():
    y = ar1(200, level=2.0, phi=0.6, sigma=0.5, seed=1)
    fit = rf.ARLevel(window=120, scale=None).fit(y)
    ref = AutoReg(y.iloc[-120:].to_numpy(), lags=1, trend="c").fit()
    c, phi = ref.params
    assert fit.phi == pytest.approx(phi, rel=1e-9)
    assert fit.level == pytest.approx(c / (1 - phi), rel=1e-9)
    # statsmodels' sigma2 is the residual sum of squares over the residual count (no dof)
    assert fit.sigma**2 == pytest.approx(ref.sigma2 * 119 / 117, rel=1e-9)
    prediction = ref.get_prediction(start=120, end=131)
    mean, variance = fit.mean_variance(12)
    np.testing.assert_allclose(mean, prediction.predicted_mean, rtol=1e-9)
    np.testing.assert_allclose(variance * 117 / 119, prediction.var_pred_mean, rtol=1e-9)
    # the simulated paths follow the closed form (Monte Carlo tolerance, 40,000 paths)
    paths = fit.forecast(12, n_paths=40_000, rng=0).paths
    assert np.all(np.abs(paths.mean(axis=0) - mean) < 4 * np.sqrt(variance / 40_000))
    np.testing.assert_allclose(paths.var(axis=0), variance, rtol=0.03)


def test_ar_level_spread_levels_off_where_a_random_walk_grows():
    y = ar1(240, level=0.0, phi=0.5, sigma=1.0, seed=2)
    _, variance = rf.ARLevel(scale=None).fit(y).mean_variance(24)
    phi = rf.ARLevel(scale=None).fit(y).phi
    assert variance[-1] == pytest.approx(variance[0] / (1 - phi**2), rel=1e-6)
    assert variance[-1] < 1.5 * variance[0]


def test_ar_level_holds_a_unit_root_and_says_so():
    rng = np.random.default_rng(3)
    walk = pd.Series(
        np.cumsum(rng.normal(0, 1, 150)) + np.arange(150) * 0.3,
        index=pd.period_range("2000-01", periods=150, freq="M"),
    )
    fit = rf.ARLevel(scale=None, max_phi=0.9).fit(walk)
    assert fit.phi == 0.9
    assert fit.level == pytest.approx(walk.iloc[-120:].mean())
    assert any("held at 0.9" in d for d in fit.diagnostics)


def test_ar_level_refuses_a_constant_window_and_a_bad_cap():
    flat = pd.Series(1.0, index=pd.period_range("2000-01", periods=60, freq="M"))
    with pytest.raises(rf.FitError, match="constant at 1"):
        rf.ARLevel(scale=None).fit(flat)
    with pytest.raises(rf.SpecError, match=r"max_phi=1\.2"):
        rf.ARLevel(max_phi=1.2)


def test_ar_level_refuses_a_window_that_moves_only_in_its_first_month():
    # China-Japan 1950-01 to 1951-12 has this shape: -6.9, then -7.0 for 23 months; every
    # month after the first equals its predecessor, so the least-squares fit is exact
    index = pd.period_range("1950-01", periods=24, freq="M")
    early = pd.Series([-6.9] + [-7.0] * 23, index=index, name="Japan")
    with pytest.raises(rf.FitError, match=r"'Japan': the 23 months .* \(1950-02 to 1951-12\)"):
        rf.ARLevel().fit(early)
    # one more move among the later months gives a spread
    moved = early.copy()
    moved.iloc[12:] = -7.1
    assert rf.ARLevel().fit(moved).sigma > 0.001


def test_ar_level_update_keeps_the_estimates_and_moves_the_start():
    y = ar1(200, level=1.0, phi=0.7, sigma=0.3, seed=4)
    fit = rf.ARLevel(scale=None).fit(y.iloc[:150])
    later = fit.update(y)
    assert (later.level, later.phi, later.sigma) == (fit.level, fit.phi, fit.sigma)
    assert later.z_last == y.iloc[-1]
    mean, _ = later.mean_variance(1)
    assert mean[0] == pytest.approx(fit.level + fit.phi * (y.iloc[-1] - fit.level))


def test_climatology_quantiles_are_the_windows_at_every_horizon():
    y = rf.datasets.demo()
    fit = rf.Climatology(window=60).fit(y)
    window = y.iloc[-60:].to_numpy()
    paths = fit.forecast(12, n_paths=30_000, rng=0).paths
    for v in np.quantile(window, [0.1, 0.3, 0.5, 0.7, 0.9]):
        expected = np.mean(window <= v)  # the window's distribution function
        np.testing.assert_allclose((paths <= v + 1e-9).mean(axis=0), expected, atol=0.012)
    assert set(np.unique(paths.round(6))) <= set(np.unique(window.round(6)))


def test_climatology_paths_are_stretches_of_the_window():
    y = ar1(100, level=0.0, phi=0.5, sigma=1.0, seed=5)  # continuous: every value unique
    window = y.iloc[-48:].to_numpy()
    paths = rf.Climatology(window=48, scale=None).fit(y).forecast(12, n_paths=500, rng=1).paths
    start = np.argmin(np.abs(window[None, :] - paths[:, :1]), axis=1)
    np.testing.assert_array_equal(paths, window[(start[:, None] + np.arange(12)) % 48])
    # the starting months cover the window evenly
    assert len(np.unique(start)) == 48


def test_climatology_of_a_short_series_uses_what_there_is():
    y = rf.datasets.demo().iloc[:40]
    fit = rf.Climatology(window=60).fit(y)
    assert fit.params["n_months"] == 40
    with pytest.raises(rf.SpecError, match="window=12"):
        rf.Climatology(window=12)
