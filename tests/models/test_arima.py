"""ARIMA: analytic checks without bounds, bounds, reproducibility, shocks, real data."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.tsa.statespace.sarimax import SARIMAX

import relforecast as rf
from relforecast.models.arima import _time_invariant
from relforecast.models.base import sqrt_psd

from ..conftest import monthly

N_PATHS = 20_000
HORIZONS = [0, 5, 11]  # months 1, 6, 12


def quantile_se(q: float, sd: float, n: int) -> float:
    """Standard error of a sample quantile of a Gaussian: sqrt(q(1-q)/n) / density."""
    return np.sqrt(q * (1 - q) / n) / stats.norm.pdf(stats.norm.ppf(q), scale=sd)


@pytest.fixture(scope="module")
def random_walk():
    rng = np.random.default_rng(11)
    return monthly(np.cumsum(rng.normal(0, 0.3, 400)), name="rw")


@pytest.fixture(scope="module")
def ar1():
    rng = np.random.default_rng(12)
    x = np.empty(500)
    x[0] = 2.0
    for t in range(1, 500):
        x[t] = 2.0 + 0.8 * (x[t - 1] - 2.0) + rng.normal(0, 0.5)
    return monthly(x, name="ar1")


def test_random_walk_quantiles_and_prob_below_match_gaussian(random_walk):
    fit = rf.ARIMA(order=(0, 1, 0), scale=None).fit(random_walk)
    sigma = np.sqrt(fit.params["sigma2"])
    fc = fit.forecast(12, n_paths=N_PATHS, rng=1)
    last = random_walk.iloc[-1]
    qs = [0.05, 0.5, 0.9]
    simulated = fc.quantiles(qs)
    for h in HORIZONS:
        sd = sigma * np.sqrt(h + 1)
        for q in qs:
            exact = last + stats.norm.ppf(q) * sd
            assert abs(simulated.iloc[h][q] - exact) < 4 * quantile_se(q, sd, N_PATHS)
        threshold = last - sd  # P(below) = Phi(-1)
        p = fc.prob_below(threshold).iloc[h]
        p_exact = stats.norm.cdf(-1.0)
        assert abs(p - p_exact) < 4 * np.sqrt(p_exact * (1 - p_exact) / N_PATHS)


def test_ar1_mean_and_variance_match_analytic_and_statsmodels(ar1):
    fit = rf.ARIMA(order=(1, 0, 0), scale=None).fit(ar1)
    par = fit.params
    phi, mu_c, s2 = par["ar.L1"], par["intercept"], par["sigma2"]
    mu = mu_c / (1 - phi)
    fc = fit.forecast(12, n_paths=N_PATHS, rng=2)
    reference = SARIMAX(ar1.to_numpy(), order=(1, 0, 0), trend="c").fit(disp=False)
    sm_mean = reference.get_forecast(12).predicted_mean
    for h in HORIZONS:
        k = h + 1
        mean = mu + phi**k * (ar1.iloc[-1] - mu)
        var = s2 * (1 - phi ** (2 * k)) / (1 - phi**2)
        sim = fc.paths[:, h]
        assert abs(sim.mean() - mean) < 4 * np.sqrt(var / N_PATHS)
        assert abs(sim.var() - var) < 4 * var * np.sqrt(2 / N_PATHS)
        assert mean == pytest.approx(sm_mean[h], abs=0.02)


def test_paths_stay_inside_the_bounds_near_the_edge():
    scale = rf.TSINGHUA_SCALE
    rng = np.random.default_rng(3)
    walk = rng.normal(0, 0.6, 240).cumsum()
    z = walk - walk[-1] + scale.to_unbounded(-8.8)  # a volatile series ending at -8.8
    y = scale.round(scale.from_unbounded(z))
    fit = rf.ARIMA(order=(0, 1, 0)).fit(monthly(y, name="edge"))
    fc = fit.forecast(24, n_paths=5000, rng=4)
    assert fc.paths.min() >= -9.0 and fc.paths.max() <= 9.0
    assert fc.paths.min() < -8.95  # paths do reach the edge: bounded, not clipped away
    assert (fc.paths == -9.0).mean() < 0.01  # and do not pile up on it


def test_same_seed_same_paths_and_no_global_state(random_walk):
    fit = rf.ARIMA(order=(1, 1, 0)).fit(random_walk.clip(-8, 8))
    np.random.seed(0)  # noqa: NPY002 - the point is that global state plays no part
    a = fit.forecast(6, n_paths=500, rng=7).paths
    np.random.seed(99)  # noqa: NPY002
    b = fit.forecast(6, n_paths=500, rng=np.random.default_rng(7)).paths
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, fit.forecast(6, n_paths=500, rng=8).paths)


def test_auto_order_differencing_choice(random_walk, ar1):
    rw_fit = rf.ARIMA(scale=None).fit(random_walk)
    assert rw_fit.order[1] == 1
    ar_fit = rf.ARIMA(scale=None).fit(ar1)
    assert ar_fit.order[1] == 0 and ar_fit.order[0] >= 1
    # the winner has the smallest AICc of the table it was chosen from
    assert ar_fit.candidates["aicc"].iloc[0] == ar_fit.candidates["aicc"].min()
    assert any("KPSS" in d for d in ar_fit.diagnostics)



def _ima11() -> pd.Series:
    rng = np.random.default_rng(13)
    e = rng.normal(0, 0.4, 301)
    return monthly(np.cumsum(e[1:] - 0.5 * e[:-1]), name="ima")


@pytest.mark.parametrize("make", [_ima11, None])
def test_auto_order_winner_is_the_full_fit_of_its_order(make, ar1):
    """The order search fits its candidates without the parameters' covariance; the winner
    it returns is the same, to the last bit, as statsmodels' own fit of that order."""
    y = make() if make else ar1
    fit = rf.ARIMA(scale=None).fit(y)
    assert len(fit.result.params) > 0 and fit.order[1] == (1 if make else 0)
    z = fit.series.to_numpy()
    model = SARIMAX(z, order=fit.order, trend=fit.trend, concentrate_scale=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = model.fit(start_params=model.start_params, disp=False, maxiter=200)
    np.testing.assert_array_equal(np.asarray(fit.result.params), np.asarray(direct.params))
    np.testing.assert_array_equal(np.asarray(fit.result.bse), np.asarray(direct.bse))
    assert np.all(np.isfinite(np.asarray(fit.result.bse)))
    assert fit.result.llf == direct.llf and fit.result.aicc == direct.aicc
    np.testing.assert_array_equal(fit.result.smoothed_state, direct.smoothed_state)
    assert fit.result.mle_retvals["converged"] == direct.mle_retvals["converged"]

def test_shock_effect_is_recovered():
    rng = np.random.default_rng(5)
    n, effect = 360, -1.0
    y = np.cumsum(rng.normal(0, 0.2, n))
    y[200:] += effect
    series = monthly(y, name="shocked")
    cal = rf.ShockCalendar(
        [rf.Shock("leader_change", series.index[200], shape="step", name="new PM")]
    )
    fit = rf.ARIMA(order=(0, 1, 0), scale=None).fit(series, shocks=cal)
    # in a random walk the step is seen in one monthly change only: its estimate has sd sigma
    se = np.sqrt(fit.params["sigma2"])
    assert abs(fit.params["new PM"] - effect) < 3 * se
    auto = rf.ARIMA(scale=None).fit(series, shocks=cal)
    assert "new PM" in auto.params.index


def test_shocks_without_history_are_noted_not_fitted(random_walk):
    cal = rf.ShockCalendar([rf.Shock("election", "2099-01", name="future vote")])
    fit = rf.ARIMA(order=(0, 1, 0), scale=None).fit(random_walk, shocks=cal)
    assert "future vote" not in fit.params.index
    assert any("future vote" in d and "not estimated" in d for d in fit.diagnostics)


def test_statsmodels_warnings_are_captured(random_walk):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = rf.ARIMA(order=(2, 1, 2), scale=None).fit(random_walk)
    assert isinstance(fit.diagnostics, list)
    assert fit.aicc == pytest.approx(fit.result.aicc)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"order": "best"}, rf.SpecError, "'auto' or"),
        ({"order": (1, 3, 0)}, rf.SpecError, "d <= 2"),
        ({"trend": "x"}, rf.SpecError, "trend='x'"),
        ({"innovations": "student"}, rf.SpecError, "innovations='student'.*'bootstrap'"),
    ],
)
def test_bad_specifications(kwargs, error, message):
    with pytest.raises(error, match=message):
        rf.ARIMA(**kwargs)


def test_bad_forecast_arguments(random_walk):
    fit = rf.ARIMA(order=(0, 1, 0), scale=None).fit(random_walk)
    with pytest.raises(rf.ForecastError, match="horizon"):
        fit.forecast(0)
    with pytest.raises(rf.ForecastError, match="n_paths"):
        fit.forecast(12, n_paths=0)


def test_real_japan_forecast_with_leaders(scores_csv, leaders_csv):
    japan = rf.load_scores(scores_csv, dyad="Japan")
    cal = rf.ShockCalendar.from_leaders(leaders_csv, "Japan")
    fit = rf.ARIMA().fit(japan, shocks=cal)
    fc = fit.forecast(12, n_paths=2000, rng=0)
    assert fc.index[0] == pd.Period("2025-09", "M")
    assert fc.paths.min() >= -9 and fc.paths.max() <= 9
    p = fc.prob_cross(-6)
    assert 0.0 < p < 1.0 and fc.mc_se(-6) < 0.02
    assert abs(fc.median().iloc[0] - japan.iloc[-1]) < 0.5


@pytest.mark.parametrize(
    ("order", "trend"),
    [((1, 1, 1), "n"), ((2, 0, 1), "c"), ((0, 1, 1), "t")],
    ids=["arima111", "arma21-const", "ima11-drift"],
)
def test_linear_simulation_matches_statsmodels_forecast_law(ar1, order, trend):
    """Paths built from the state-space response follow the law of statsmodels' simulation:
    the Gaussian with statsmodels' exact forecast mean and variance (``get_forecast``, the
    Kalman filter's moments of the same state space model, shocks included)."""
    series = ar1 if order[1] == 0 else ar1.cumsum() / 10
    cal = rf.ShockCalendar(
        [
            rf.Shock("tariff", series.index[-30], shape="decay", rate=0.5),
            rf.Shock("custom", series.index[-2], shape="ramp", length=6),
        ]
    )
    fit = rf.ARIMA(order=order, trend=trend, scale=None).fit(series, shocks=cal)
    ours = fit.forecast(12, n_paths=N_PATHS, rng=5).paths
    exog = cal.design(pd.period_range(series.index[-1] + 1, periods=12, freq="M"))
    exact = fit.result.get_forecast(12, exog=exog[fit.design_columns].to_numpy())
    mean, var = np.asarray(exact.predicted_mean), np.asarray(exact.var_pred_mean)
    # 4 Monte Carlo standard errors of the sample mean and of the sample variance
    assert np.all(np.abs(ours.mean(axis=0) - mean) < 4 * np.sqrt(var / N_PATHS))
    assert np.all(np.abs(ours.var(axis=0) - var) < 4 * var * np.sqrt(2 / N_PATHS))


def test_auto_tries_drift_only_when_unbounded_or_asked():
    rng = np.random.default_rng(12)
    trending = monthly(-2.0 - 0.02 * np.arange(240) + np.cumsum(rng.normal(0, 0.05, 240)))
    bounded = rf.ARIMA(order="auto").fit(trending)
    assert bounded.trend != "t"
    assert not (bounded.candidates["trend"] == "t").any()  # drift never tried
    unbounded = rf.ARIMA(order="auto", scale=None).fit(trending)
    assert unbounded.order[1] == 1 and (unbounded.candidates["trend"] == "t").sum() == 1
    asked = rf.ARIMA(order="auto", drift=True).fit(trending)
    assert (asked.candidates["trend"] == "t").sum() == 1


@pytest.mark.parametrize(
    ("order", "trend"),
    [((1, 1, 1), "n"), ((2, 0, 1), "c"), ((0, 1, 1), "t")],
    ids=["arima111", "arma21-const", "ima11-drift"],
)
def test_every_linear_path_is_statsmodels_simulation_of_its_own_draws(ar1, order, trend):
    """Path by path, the response-built simulation equals statsmodels' ``simulate`` run with
    the same initial state and state shocks (drawn here from the same generator, in the same
    order), shocks and exog included — to rounding, not just in law."""
    series = ar1 if order[1] == 0 else ar1.cumsum() / 10
    cal = rf.ShockCalendar([rf.Shock("tariff", series.index[-3], shape="decay", rate=0.5)])
    fit = rf.ARIMA(order=order, trend=trend, scale=None).fit(series, shocks=cal)
    h, n = 12, 5
    index = pd.period_range(series.index[-1] + 1, periods=h, freq="M")
    ours, _ = fit._simulate_unbounded(index, n, np.random.default_rng(11))
    res, gen = fit.result, np.random.default_rng(11)
    ssm = res.model.ssm
    start = np.asarray(res.predicted_state[:, -1])
    start_cov = np.asarray(res.predicted_state_cov[:, :, -1])
    state_cov = np.asarray(res.filter_results.state_cov[:, :, -1])
    initial = gen.standard_normal((n, ssm.k_states)) @ sqrt_psd(start_cov).T
    shocks = gen.standard_normal((n, h, ssm.k_posdef)) @ sqrt_psd(state_cov).T
    exog = cal.design(index)[fit.design_columns].to_numpy()
    for i in range(n):
        theirs = res.simulate(
            h,
            measurement_shocks=np.zeros((h, 1)),
            state_shocks=shocks[i],
            initial_state=start + initial[i],
            anchor="end",
            exog=exog,
        )
        np.testing.assert_allclose(ours[i], np.asarray(theirs).reshape(h), rtol=0, atol=1e-10)


def test_time_varying_system_matrices_are_recognised():
    """A design with a time axis longer than one month is not shifted (the fallback builds
    every shock's response from statsmodels)."""
    fixed = {"design": np.ones((1, 3)), "transition": np.eye(3), "selection": np.ones((3, 1))}
    assert _time_invariant(fixed)
    assert _time_invariant({**fixed, "design": np.ones((1, 3, 1))})
    assert not _time_invariant({**fixed, "design": np.ones((1, 3, 12))})


def test_the_kpss_call_emits_no_future_warning(random_walk):
    """Warning filters are process-wide: a warning captured in one thread can escape while an
    outlook's backtest thread restores the filters. The KPSS call asks statsmodels for the
    form it uses, so there is no FutureWarning to capture (found as a flaky CI failure)."""
    from statsmodels.tsa.stattools import kpss

    from relforecast.models.arima import _KPSS_OPTIONS

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. the p-value table's interpolation warning
        warnings.simplefilter("error", FutureWarning)
        stat, pvalue, _, _ = kpss(
            random_walk.to_numpy(), regression="c", nlags="auto", **_KPSS_OPTIONS
        )
    assert 0.0 < pvalue <= 0.1 and stat > 0


@pytest.fixture(scope="module")
def jumpy():
    """Differences following an AR(1) driven by Student-t(3) innovations: heavy tails."""
    rng = np.random.default_rng(13)
    shocks = rng.standard_t(3, 400) * 0.05
    changes = np.zeros(400)
    for t in range(1, 400):
        changes[t] = 0.4 * changes[t - 1] + shocks[t]
    return monthly(np.cumsum(changes), name="jumpy")


def test_resampled_innovations_keep_the_spread_and_take_the_errors_shape(jumpy):
    """Same spread month by month as the Gaussian paths (within 3 %, 20,000 paths); the
    first month's draws are the fit's own standardised errors, scaled: every path's deviation
    from the mean forecast is one of them (to 1e-6), so their excess kurtosis is the errors'."""
    gaussian = rf.ARIMA(order=(1, 1, 0), scale=None).fit(jumpy)
    spec = rf.ARIMA(order=(1, 1, 0), scale=None, innovations="bootstrap")
    fit = spec.fit(jumpy)
    assert fit.name == "ARIMA(1,1,0)+boot" and spec.name == "ARIMA(1, 1, 0)+boot"
    paths = fit.forecast(12, n_paths=N_PATHS, rng=5).paths
    reference = gaussian.forecast(12, n_paths=N_PATHS, rng=5).paths
    np.testing.assert_allclose(paths.std(axis=0), reference.std(axis=0), rtol=0.03)
    res = fit.result
    errors = res.filter_results.standardized_forecasts_error[0, res.loglikelihood_burn :]
    unit = (errors - errors.mean()) / errors.std()
    mean = np.asarray(res.forecast(1))[0]
    sd = np.sqrt(res.scale)  # the innovation variance (concentrated out)
    deviations = (paths[:, 0] - mean) / sd
    nearest = np.abs(deviations[:, None] - unit[None, :]).min(axis=1)
    assert np.mean(nearest < 1e-6) > 0.99
    assert stats.kurtosis(paths[:, 0]) == pytest.approx(stats.kurtosis(unit), rel=0.15)
    assert abs(stats.kurtosis(reference[:, 0])) < 0.2
    again = fit.forecast(12, n_paths=500, rng=5).paths
    np.testing.assert_array_equal(again, fit.forecast(12, n_paths=500, rng=5).paths)


def test_resampled_innovations_need_enough_errors():
    # 24 months, the least a fit takes: 23 one-step errors after the first difference
    short = monthly(np.cumsum(np.random.default_rng(2).normal(0, 0.3, 24)), name="short")
    with pytest.raises(rf.FitError, match=r"23 one-step errors.*too few to resample"):
        rf.ARIMA(order=(0, 1, 0), scale=None, innovations="bootstrap").fit(short)
    # refused at the fit, a pool's member steps aside and the pool forecasts without it
    members = [
        rf.ARIMA(order=(1, 1, 0), scale=None, innovations="bootstrap"),
        rf.BlockBootstrap(window=24, block=1, scale=None),
    ]
    pool = rf.Auto(components=members).fit(short)
    assert pool.kept == (1,) and any("too few to resample" in d for d in pool.diagnostics)
    assert pool.forecast(3, n_paths=10, rng=0).paths.shape == (10, 3)
