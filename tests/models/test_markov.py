"""Markov switching: published likelihoods, analytic forecast moments, relabelling, bounds."""

import warnings

import numpy as np
import pandas as pd
import pytest

import relforecast as rf

from ..conftest import monthly


def as_monthly(values, name):
    """statsmodels' test series given consecutive monthly periods (the API wants months)."""
    return monthly(np.asarray(values, dtype=float), start="1951-01", name=name)


@pytest.fixture(scope="module")
def fedfunds_fit():
    from statsmodels.tsa.regime_switching.tests.test_markov_regression import fedfunds

    spec = rf.MarkovSwitching(form="level", order=0, switching_variance=True, scale=None)
    return spec.fit(as_monthly(fedfunds, "fedfunds"))


def test_hamilton_gnp_ms_ar4_loglikelihood():
    from statsmodels.tsa.regime_switching.tests.test_markov_autoregression import rgnp

    spec = rf.MarkovSwitching(form="level", order=4, switching_variance=False, scale=None)
    fit = spec.fit(as_monthly(rgnp, "rgnp"))
    assert fit.llf == pytest.approx(-181.26339, abs=1e-3)  # E-Views (Hamilton 1989)
    # non-switching AR and variance appear once; the means are ordered low -> high
    assert "ar.L4" in fit.params and "sigma2" in fit.params
    assert fit.params["mean[regime 1]"] < 0 < fit.params["mean[regime 2]"]


def test_fedfunds_switching_mean_loglikelihood():
    from statsmodels.tsa.regime_switching.tests.test_markov_regression import fedfunds

    spec = rf.MarkovSwitching(form="level", order=0, switching_variance=False, scale=None)
    fit = spec.fit(as_monthly(fedfunds, "fedfunds"))
    assert fit.llf == pytest.approx(-508.63592, abs=1e-3)  # Stata manual
    np.testing.assert_allclose(fit.transition_matrix.sum(axis=1), 1.0)
    np.testing.assert_allclose(
        fit.expected_durations, 1 / (1 - np.diag(fit.transition_matrix)), rtol=1e-12
    )


def test_relabelling_and_result_shapes(fedfunds_fit):
    fit = fedfunds_fit
    assert fit.regime_names == ["calm", "turbulent"]
    assert fit.params["sigma2[calm]"] < fit.params["sigma2[turbulent]"]
    sm = fit.smoothed_regime_probabilities
    assert list(sm.columns) == ["calm", "turbulent"] and len(sm) == len(fit.series)
    np.testing.assert_allclose(sm.sum(axis=1), 1.0)
    # the relabelled row-stochastic matrix is the transpose of statsmodels' left-stochastic one
    left = np.asarray(fit.result.regime_transition)[..., -1]
    np.testing.assert_allclose(fit.transition, left.T[np.ix_(fit.perm, fit.perm)])


def test_forecast_regime_probabilities_and_means_match_analytic(fedfunds_fit):
    fit, n = fedfunds_fit, 40_000
    fc = fit.forecast(12, n_paths=n, rng=3)
    pi = fit.last_regimes[:, 0]
    probs = fc.regime_probabilities().to_numpy()
    sim_mean = fc.paths.mean(axis=0)
    sim_sd = fc.paths.std(axis=0)
    for h in range(12):
        pi = pi @ fit.transition
        se_p = np.sqrt(pi * (1 - pi) / n)
        assert np.all(np.abs(probs[h] - pi) < 4 * se_p + 1e-12)
        mean = pi @ fit.mean
        assert abs(sim_mean[h] - mean) < 4 * sim_sd[h] / np.sqrt(n)
        var = pi @ (fit.sigma2 + fit.mean**2) - mean**2
        assert sim_sd[h] ** 2 == pytest.approx(var, rel=0.05)


def test_diff_form_means_accumulate(fedfunds_fit):
    from statsmodels.tsa.regime_switching.tests.test_markov_regression import fedfunds

    spec = rf.MarkovSwitching(form="diff", scale=None)
    fit = spec.fit(as_monthly(fedfunds, "fedfunds"))
    n = 40_000
    fc = fit.forecast(12, n_paths=n, rng=4)
    pi = fit.last_regimes[:, 0]
    expected = fit.series.iloc[-1]
    for h in range(12):
        pi = pi @ fit.transition
        expected += pi @ fit.mean
        sd = fc.paths[:, h].std()
        assert abs(fc.paths[:, h].mean() - expected) < 4 * sd / np.sqrt(n)


def test_ar_order_joint_regimes_are_consistent():
    rng = np.random.default_rng(8)
    x = np.cumsum(rng.normal(0, 1, 300) * np.repeat(rng.choice([0.3, 1.5], 30), 10))
    fit = rf.MarkovSwitching(order=2, scale=None).fit(monthly(x))
    joint = fit.last_regimes
    assert joint.shape == (2, 2, 2)
    filtered = np.asarray(fit.result.filtered_marginal_probabilities)[-1][fit.perm]
    np.testing.assert_allclose(joint.sum(axis=(1, 2)), filtered, atol=1e-8)
    fc = fit.forecast(6, n_paths=2000, rng=0)
    assert np.isfinite(fc.paths).all()


def sticky_series(n=240, seed=0):
    """A 0.1-resolution series unchanged in most months, with turbulent spells."""
    rng = np.random.default_rng(seed)
    turbulent = np.repeat(rng.random(n // 12) < 0.25, 12)
    steps = np.where(turbulent, rng.normal(0, 0.4, n), rng.normal(0, 0.01, n))
    return monthly(np.round(np.clip(-3 + np.cumsum(steps), -8.5, 8.5), 1), name="sticky")


def test_variance_floor_prevents_collapse():
    y = sticky_series()
    assert (y.diff().dropna() == 0).mean() > 0.6
    floored = rf.MarkovSwitching().fit(y)
    assert floored.params["sigma2[calm]"] >= floored.variance_floor * 0.999
    assert floored.variance_floor == pytest.approx(0.1**2 / 6 / (1 - (np.median(y) / 9) ** 2) ** 2)
    plain = rf.MarkovSwitching(scale=None).fit(y)  # no floor: the calm regime collapses
    assert plain.params["sigma2[calm]"] < 0.01 * floored.params["sigma2[calm]"]
    assert plain.llf > floored.llf + 100


def test_bounds_reproducibility_and_shocks():
    y = sticky_series(seed=1)
    cal = rf.ShockCalendar([rf.Shock("tariff", y.index[100], shape="step", name="t")])
    by_shock = rf.MarkovSwitching(shocks_by="shock")
    fit = by_shock.fit(y, shocks=cal)
    assert "t" in fit.params
    assert "tariff" in rf.MarkovSwitching().fit(y, shocks=cal).params  # one effect per kind
    a = fit.forecast(12, n_paths=3000, rng=5)
    b = fit.forecast(12, n_paths=3000, rng=5)
    np.testing.assert_array_equal(a.paths, b.paths)
    assert a.paths.min() >= -9 and a.paths.max() <= 9
    assert a.regime_probabilities().sum(axis=1).round(12).eq(1).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k_regimes": 1}, "k_regimes"),
        ({"form": "logit"}, "form='logit'"),
        ({"order": -1}, "order"),
    ],
)
def test_bad_specifications(kwargs, message):
    with pytest.raises(rf.SpecError, match=message):
        rf.MarkovSwitching(**kwargs)


def test_real_dyads_fit_on_240_month_windows(scores_csv):
    panel = rf.load_panel(scores_csv)
    for dyad in panel.columns:
        series = panel[dyad].loc[:"2024-06"]
        fit = rf.MarkovSwitching(window=240).fit(series)
        assert np.isfinite(fit.llf)
        assert fit.sigma2[0] >= fit.variance_floor * 0.999
        fc = fit.forecast(12, n_paths=500, rng=0)
        assert fc.index[0] == pd.Period("2024-07", "M")


def test_parameter_covariance_matches_statsmodels_for_untransformed_parameters(fedfunds_fit):
    # the regime means are not transformed, so their block of the asymptotic covariance is the
    # same in statsmodels' constrained parameters (its cov_params) and in the unconstrained
    # ones used for the draws (delta method with an identity block); numerical Hessians: 10 %
    res = fedfunds_fit.result
    idx = [i for i, n in enumerate(res.model.param_names) if n.startswith("const")]
    ours = fedfunds_fit.parameter_covariance()[np.ix_(idx, idx)]
    theirs = np.asarray(res.cov_params())[np.ix_(idx, idx)]
    np.testing.assert_allclose(np.sqrt(np.diag(ours)), np.sqrt(np.diag(theirs)), rtol=0.1)


def test_parameter_draws_widen_and_stay_reproducible():
    series = sticky_series(n=120, seed=3)
    plug = rf.MarkovSwitching(window=120).fit(series)
    drawn = rf.MarkovSwitching(window=120, parameter_draws=40).fit(series)
    a = plug.forecast(12, n_paths=4000, rng=5)
    b = drawn.forecast(12, n_paths=4000, rng=5)
    c = drawn.forecast(12, n_paths=4000, rng=5)
    np.testing.assert_array_equal(b.paths, c.paths)
    np.testing.assert_array_equal(b.regime_probabilities().sum(axis=1), 1.0)
    # estimation error adds variance: the 12-month spread cannot shrink beyond MC noise
    spread = lambda f: np.subtract(*np.quantile(f.paths[:, -1], [0.9, 0.1]))  # noqa: E731
    assert spread(b) > 0.97 * spread(a)
    draws = drawn.parameter_draws(3, np.random.default_rng(0))
    assert all(np.all(np.diff(d.sigma2) >= 0) for d in draws)  # relabelled: calm first
    assert not np.allclose(draws[0].mean, draws[1].mean)


def test_level_form_on_a_wandering_score_warns_nothing_and_says_why(scores_csv):
    # on this window the level's AR coefficient runs to the unit-root bound in every start:
    # the failure is a FitError naming the cause, and no numpy warning leaks to the user
    series = rf.load_panel(scores_csv)["US"].loc[:"2019-06"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(rf.FitError, match=r"unit-root bound.*form='diff'"):
            rf.MarkovSwitching(order=1, form="level", window=240).fit(series)


def simulate_momentum(n, mean, sd, gamma, stay, m, rng):
    """Changes of a 2-regime model whose change follows the mean of the previous m changes
    with a regime-specific coefficient (written out month by month, independently of the
    library's vectorised simulator)."""
    changes = list(rng.normal(0, sd[1], m))
    state = 0
    for _ in range(n):
        state = state if rng.random() < stay[state] else 1 - state
        drift = gamma[state] * np.mean(changes[-m:])
        changes.append(mean[state] + drift + sd[state] * rng.normal())
    return np.array(changes)


MOMENTUM_TRUTH = dict(mean=(0.0, 0.0), sd=(0.05, 0.5), gamma=(0.0, 1.5), stay=(0.9, 0.6), m=6)


def test_momentum_coefficients_are_recovered():
    changes = simulate_momentum(3000, rng=np.random.default_rng(11), **MOMENTUM_TRUTH)
    spec = rf.MarkovSwitching(momentum=6, scale=None, n_starts=2)
    fit = spec.fit(monthly(np.cumsum(changes)))
    p = fit.params
    assert fit.name == "MS(2)-diff-momentum(6)"
    # standard errors at n = 3000 are ~0.15 for the turbulent coefficient, ~0.03 for the calm
    assert p["momentum[turbulent]"] == pytest.approx(1.5, abs=0.45)
    assert p["momentum[calm]"] == pytest.approx(0.0, abs=0.1)
    assert np.sqrt(p["sigma2[turbulent]"]) == pytest.approx(0.5, rel=0.1)
    assert p["p[calm->calm]"] == pytest.approx(0.9, abs=0.05)
    assert len(fit.endog) == 3000 + 6 - 1 - 6  # the first m changes only start the regressor


def test_momentum_paths_match_a_month_by_month_simulation():
    changes = simulate_momentum(600, rng=np.random.default_rng(12), **MOMENTUM_TRUTH)
    y = monthly(np.cumsum(changes))
    fit = rf.MarkovSwitching(momentum=6, scale=None).fit(y)
    lib = fit.forecast(12, n_paths=20_000, rng=3).paths[:, -1]
    # the same fitted model, simulated month by month with its own regime draws
    rng, n = np.random.default_rng(4), 20_000
    last = np.asarray(fit.last_regimes).ravel()
    state = rng.choice(2, size=n, p=last / last.sum())
    history = np.tile(fit.endog.to_numpy()[-6:], (n, 1))
    for _ in range(12):
        state = np.where(rng.random(n) < fit.transition[state, 0], 0, 1)
        drift = fit.mean[state] + fit.momentum_coef[state] * history[:, -6:].mean(axis=1)
        step = drift + np.sqrt(fit.sigma2[state]) * rng.standard_normal(n)
        history = np.column_stack([history, step])
    ends = y.iloc[-1] + history[:, 6:].sum(axis=1)
    # heavy tails (kurtosis ~15), so compare quantiles; their MC error here is below 0.02
    probs = [10, 25, 50, 75, 90]
    np.testing.assert_allclose(np.percentile(lib, probs), np.percentile(ends, probs), atol=0.05)
    # momentum matters here: runs of turbulence feed on themselves, so the outer fan is wider
    # than that of the same model without momentum
    plain = rf.MarkovSwitching(scale=None).fit(y).forecast(12, n_paths=20_000, rng=3)
    outer = np.subtract(*np.percentile(lib, [97.5, 2.5]))
    assert outer > 1.2 * np.subtract(*np.percentile(plain.paths[:, -1], [97.5, 2.5]))


def test_momentum_update_draws_and_errors():
    y = sticky_series(seed=3)
    fit = rf.MarkovSwitching(momentum=12).fit(y)
    assert {"momentum[calm]", "momentum[turbulent]"} <= set(fit.params.index)
    moved = fit.update(sticky_series(n=252, seed=3))
    np.testing.assert_allclose(moved.momentum_coef, fit.momentum_coef)
    drawn = rf.MarkovSwitching(momentum=12, parameter_draws=4).fit(y)
    assert drawn.forecast(12, n_paths=400, rng=0).paths.shape == (400, 12)
    with pytest.raises(rf.SpecError, match="form='diff' and order=0"):
        rf.MarkovSwitching(momentum=12, form="level")
    with pytest.raises(rf.SpecError, match="momentum=-1"):
        rf.MarkovSwitching(momentum=-1)
    with pytest.raises(rf.FitError, match=r"has 60 months, too short for MS\(2\)-diff-momentum"):
        rf.MarkovSwitching(momentum=30).fit(y.iloc[:60])


def test_a_series_too_short_for_the_momentum_says_how_many_months_and_what_to_change():
    """The months needed are those the model uses: one more month fits, one fewer does not."""
    y = sticky_series(seed=3)
    spec = rf.MarkovSwitching(momentum=12, n_starts=1)
    message = (
        r"series 'sticky' has 48 months, too short for MS\(2\)-diff-momentum\(12\), which "
        r"needs at least 49 months: 12 of its monthly changes start its momentum .*\(CLI: --model "
        r"arima or block\).*in Python a shorter momentum \(rf.MarkovSwitching\(momentum=M\)"
    )
    with pytest.raises(rf.FitError, match=message):
        spec.fit(y.iloc[:48])
    assert len(spec.fit(y.iloc[:49]).series) == 49
    rf.MarkovSwitching(n_starts=1).fit(y.iloc[:48])  # no momentum: 24 months are enough
    with pytest.raises(
        rf.SpecError,
        match=r"window=40 months is too short for momentum=12, "
        r"which needs at least 49; give window=49 or more",
    ):
        rf.MarkovSwitching(momentum=12, window=40)


def test_cli_markov_on_a_short_series_speaks_of_months_not_of_an_option_it_lacks(tmp_path, capsys):
    from relforecast.cli.main import main

    y = sticky_series(seed=3).iloc[:40]
    path = tmp_path / "short.csv"
    path.write_text(
        "country,year,month,ym,score\n"
        + "".join(f"X,{m.year},{m.month},{m},{v}\n" for m, v in y.items())
    )
    assert main(["forecast", str(path), "--model", "markov", "--paths", "100"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "series 'X' has 40 months, too short for" in err and "at least 49" in err
    assert "--model arima or block" in err and "momentum=12" not in err


def test_an_updated_fit_smooths_its_regimes_when_asked():
    """``update`` runs the regime filter alone (a forecast starts from the filtered regimes);
    the smoothed probabilities, asked for, are those of statsmodels' smoother over the new
    data at the same parameters."""
    fit = rf.MarkovSwitching().fit(sticky_series(seed=3))
    moved = fit.update(sticky_series(n=252, seed=3))
    assert moved.result.smoothed_marginal_probabilities is None
    smoothed = moved.result.model.smooth(moved.result.params)
    expected = np.asarray(smoothed.smoothed_marginal_probabilities)[:, moved.perm]
    np.testing.assert_allclose(moved.smoothed_regime_probabilities.to_numpy(), expected)
    assert moved.smoothed_regime_probabilities.index[-1] == moved.series.index[-1]


@pytest.mark.parametrize("k", [2, 3])
def test_transition_transform_agrees_with_statsmodels_also_for_complex_steps(k):
    """The adaptor's numpy logistic transform (no scipy logsumexp) against statsmodels' own,
    on real parameters and on the complex-step perturbations its score uses."""
    from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression

    from relforecast.models.markov_statsmodels import _FlooredRegression

    gen = np.random.default_rng(k)
    y = gen.normal(size=120)
    reference = MarkovRegression(y, k_regimes=k, switching_variance=True)
    ours = _FlooredRegression(y, k_regimes=k, switching_variance=True)
    for _ in range(50):
        u = gen.normal(0.0, 3.0, size=len(reference.start_params))
        np.testing.assert_allclose(
            ours.transform_params(u), reference.transform_params(u), atol=1e-12
        )
        step = u + 1e-20j * gen.normal(size=u.shape)
        a, b = ours.transform_params(step), reference.transform_params(step)
        np.testing.assert_allclose(a.real, b.real, atol=1e-12)
        np.testing.assert_allclose(a.imag * 1e20, b.imag * 1e20, atol=1e-9)


@pytest.mark.parametrize("k", [2, 3])
def test_steady_state_likelihood_and_score_agree_with_statsmodels(k):
    """The adaptor's closed-form / one-solve steady state against statsmodels' pseudo-inverse,
    and through it the log-likelihood and its complex-step score, at random parameters."""
    from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression

    from relforecast.models.markov_statsmodels import _FlooredRegression

    gen = np.random.default_rng(10 + k)
    y = gen.normal(size=120)
    reference = MarkovRegression(y, k_regimes=k, switching_variance=True)
    ours = _FlooredRegression(y, k_regimes=k, switching_variance=True)
    for _ in range(20):
        params = reference.transform_params(gen.normal(0.0, 2.0, size=len(reference.start_params)))
        transition = reference.regime_transition_matrix(params)
        np.testing.assert_allclose(
            ours.initial_probabilities(params, transition),
            reference.initial_probabilities(params, transition),
            rtol=1e-10,
            atol=1e-14,
        )
        np.testing.assert_allclose(ours.loglike(params), reference.loglike(params), rtol=1e-12)
        np.testing.assert_allclose(
            ours.score(params), reference.score(params), rtol=1e-8, atol=1e-8
        )
    # every regime absorbing: no unique steady state; the same answer as statsmodels'
    stuck = np.eye(k)[..., None]
    np.testing.assert_allclose(
        ours.initial_probabilities(None, stuck), reference.initial_probabilities(None, stuck)
    )


@pytest.mark.parametrize("momentum", [0, 12])
def test_em_steps_respect_the_variance_floor_and_never_lower_the_likelihood(momentum):
    # on a sticky series the unconstrained M-step takes the calm variance to the zeros; the
    # floored one is a generalised EM step: variances stay at or above the floor and the
    # likelihood does not decrease from step to step
    y = sticky_series(seed=3)
    model = rf.MarkovSwitching(momentum=momentum, n_starts=1).fit(y).result.model
    floor = model.variance_floor
    idx = model.parameters["variance"]
    params = np.asarray(model.start_params, dtype=float)
    params[idx] = np.maximum(params[idx], 2 * floor)
    llfs = [model.loglike(params)]
    for _ in range(10):
        params = model._fit_em(params, maxiter=1, tolerance=0, return_params=True)
        assert np.all(params[idx] >= floor)
        llfs.append(model.loglike(params))
    assert np.all(np.isfinite(llfs))
    assert np.all(np.diff(llfs) >= -1e-8 * np.abs(llfs[1:]))


def test_the_winning_start_is_the_one_statsmodels_fits_best():
    # every start is optimised to its parameters only and the winner smoothed afterwards: the
    # estimate must be that of statsmodels' own fit from the start with the highest likelihood
    y = sticky_series(seed=4)
    fit = rf.MarkovSwitching(momentum=12, n_starts=3).fit(y)
    model = fit.result.model
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = [
            model.fit(start_params=s, em_iter=5, maxiter=200, disp=False)
            for s in fit.adaptor._starts(model)
        ]
    best = max(full, key=lambda r: r.llf)
    assert fit.llf == pytest.approx(best.llf, abs=1e-9)
    np.testing.assert_allclose(np.asarray(fit.result.params), np.asarray(best.params), atol=1e-10)
    np.testing.assert_allclose(fit.result.bse, best.bse, rtol=1e-6)


def test_three_starts_reach_the_maximum_of_a_wider_search():
    changes = simulate_momentum(400, rng=np.random.default_rng(13), **MOMENTUM_TRUTH)
    y = monthly(np.cumsum(changes))
    three = rf.MarkovSwitching(momentum=6, scale=None).fit(y)
    eight = rf.MarkovSwitching(momentum=6, scale=None, n_starts=8).fit(y)
    assert three.spec.n_starts == 3
    assert three.llf == pytest.approx(eight.llf, abs=1e-3)
    assert three.params["p[calm->calm]"] == pytest.approx(eight.params["p[calm->calm]"], abs=1e-3)
