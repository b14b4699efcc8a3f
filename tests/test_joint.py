"""Joint questions across dyads: the product rule without dependence, Fréchet bounds by hand,
and the copula of the template against the Gaussian formula."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import relforecast as rf
from relforecast.panel.joint import joint_crossing, joint_paths, poisson_binomial_tail

HORIZON = 12


def _history(z_changes, name, start=-1.0):
    """A score series whose transformed monthly changes are ``z_changes``."""
    scale = rf.TSINGHUA_SCALE
    z = scale.to_unbounded(start) + np.concatenate([[0.0], np.cumsum(z_changes)])
    index = pd.period_range(end="2024-12", periods=len(z), freq="M")
    return pd.Series(scale.from_unbounded(z), index=index, name=name)


def _constant_paths(levels, history, seed):
    """Paths that stay at ``levels`` (one a path, shuffled) for the whole horizon."""
    levels = np.random.default_rng(seed).permutation(levels)
    paths = np.repeat(np.asarray(levels, float)[:, None], HORIZON, axis=1)
    index = pd.period_range("2025-01", periods=HORIZON, freq="M")
    return rf.Forecast(paths, index, rf.TSINGHUA_SCALE, history=history)


def _levels(n, crossing):
    """n distinct levels, the lowest ``crossing`` of them below -6 (and far from it)."""
    return np.concatenate([np.linspace(-8.0, -6.5, crossing), np.linspace(-5.5, 0.0, n - crossing)])


@pytest.mark.parametrize("sign", [1, -1], ids=["comonotone", "countermonotone"])
def test_identical_or_opposite_histories_give_the_frechet_bounds(sign):
    changes = np.random.default_rng(0).normal(0, 0.05, 300)
    a = _constant_paths(_levels(1000, 300), _history(changes, "A"), seed=1)
    b = _constant_paths(_levels(1000, 200), _history(sign * changes, "B", start=1.0), seed=2)
    table = joint_crossing({"A": a, "B": b}, block=1, rng=3)
    # marginals 0.3 and 0.2; perfectly dependent histories pair them as ranks allow
    if sign == 1:  # comonotone: the 200 crossings of B fall among the 300 of A
        assert table.loc[1, "p_dependent"] == 0.3 and table.loc[2, "p_dependent"] == 0.2
    else:  # countermonotone: they never coincide
        assert table.loc[1, "p_dependent"] == 0.5 and table.loc[2, "p_dependent"] == 0.0
    assert np.allclose(table["p_product"], [1 - 0.7 * 0.8, 0.3 * 0.2])
    assert table.attrs["marginal"] == {"A": 0.3, "B": 0.2}
    if sign == 1:  # identical histories stay comonotone with long blocks too (shared ties)
        long_blocks = joint_crossing({"A": a, "B": b}, rng=4)
        assert long_blocks.loc[2, "p_dependent"] == 0.2


def test_without_dependence_the_product_rule_holds_within_mc_error():
    panel = _correlated_panel(rho=0.8, dyads=4, seed=5)
    _, forecasts = rf.forecast_panel(panel, "rw-gauss", HORIZON, 4000, rng=6, return_forecasts=True)
    table = joint_crossing(forecasts, threshold=-1.3, rng=7)
    marginal = np.array(list(table.attrs["marginal"].values()))
    assert (marginal > 0.1).all() and (marginal < 0.6).all()
    # the exact product rule: 1 - prod(1 - p) for "at least one", prod(p) for "all"
    assert np.isclose(table.loc[1, "p_product"], 1 - np.prod(1 - marginal))
    assert np.isclose(table.loc[4, "p_product"], np.prod(marginal))
    gap = (table["p_independent"] - table["p_product"]).abs()
    assert (gap <= 4 * table["se_independent"] + 1e-12).all(), table
    # the histories move together: all four crossing is far likelier with dependence
    assert (
        table.loc[4, "p_dependent"] > table.loc[4, "p_product"] + 10 * table.loc[4, "se_dependent"]
    )
    assert (
        table.loc[1, "p_dependent"] < table.loc[1, "p_product"] - 4 * table.loc[1, "se_dependent"]
    )
    # each dyad keeps its own paths: the marginals are those of the single forecasts
    jp = joint_paths(forecasts, rng=7)
    crossed = jp.crossed(-1.3)
    for i, d in enumerate(jp.dyads):
        assert crossed[:, i].mean() == forecasts[d].prob_cross(-1.3)
        assert sorted(jp.pairing[:, i]) == list(range(4000))


def _correlated_panel(rho, dyads, seed, months=300, sd=0.15):
    rng = np.random.default_rng(seed)
    cov = sd**2 * (rho * np.ones((dyads, dyads)) + (1 - rho) * np.eye(dyads))
    steps = rng.multivariate_normal(np.zeros(dyads), cov, months)
    index = pd.period_range(end="2024-12", periods=months, freq="M")
    walks = np.cumsum(steps, axis=0)
    walks += -1.0 - walks[-1]  # every dyad ends at -1, so one threshold suits them all
    return pd.DataFrame(walks, index=index, columns=[f"d{i}" for i in range(dyads)]).clip(-8.5, 8.5)


def test_the_pairing_carries_the_historical_correlation():
    panel = _correlated_panel(rho=0.6, dyads=2, seed=8)
    _, forecasts = rf.forecast_panel(panel, "rw-gauss", HORIZON, 4000, rng=9, return_forecasts=True)
    jp = joint_paths(forecasts, block=1, rng=10)
    z = pd.DataFrame(
        rf.TSINGHUA_SCALE.to_unbounded(panel.to_numpy()), panel.index, panel.columns
    ).diff()
    first, last = jp.info["history_span"].split(":")
    z = z.loc[first:last]
    assert len(z) == jp.info["history_months"] >= 120
    rho = float(np.corrcoef(z["d0"], z["d1"])[0, 1])
    means = jp.window_means()
    # weighted sums of months resampled jointly have the history's correlation; the pairing
    # gives the paths their ranks: Spearman of a Gaussian copula, 6/pi asin(rho/2)
    spearman = stats.spearmanr(means["d0"], means["d1"]).statistic
    assert abs(spearman - 6 / np.pi * np.arcsin(rho / 2)) < 0.04
    both_low = ((means["d0"] < means["d0"].median()) & (means["d1"] < means["d1"].median())).mean()
    expected = 0.25 + np.arcsin(rho) / (2 * np.pi)  # orthant probability, bivariate normal
    assert abs(both_low - expected) < 4 * np.sqrt(expected * (1 - expected) / 4000)
    independent = joint_paths(forecasts, dependence="none", rng=10).window_means()
    assert abs(stats.spearmanr(independent["d0"], independent["d1"]).statistic) < 0.06


def test_joint_answers_do_not_depend_on_the_order_of_the_dyads():
    panel = _correlated_panel(rho=0.5, dyads=3, seed=11)
    _, forecasts = rf.forecast_panel(panel, "rw-boot", HORIZON, 1000, rng=1, return_forecasts=True)
    forward = joint_crossing(forecasts, threshold=-1.2, rng=2)
    backward = joint_crossing(dict(reversed(list(forecasts.items()))), threshold=-1.2, rng=2)
    pd.testing.assert_frame_equal(forward, backward)
    counts = joint_paths(forecasts, rng=2).count_probabilities(-1.2)
    assert np.isclose(counts.sum(), 1.0)
    assert np.isclose(counts.iloc[1:].sum(), forward.loc[1, "p_dependent"])


def test_poisson_binomial_tail_against_enumeration():
    p = np.array([0.1, 0.5, 0.35, 0.8])
    tail = poisson_binomial_tail(p)
    outcomes = np.array(np.meshgrid(*[[0, 1]] * 4)).reshape(4, -1).T
    weight = np.prod(np.where(outcomes == 1, p, 1 - p), axis=1)
    for k in range(5):
        assert np.isclose(tail[k], weight[outcomes.sum(axis=1) >= k].sum())


def test_errors_name_the_problem():
    panel = _correlated_panel(rho=0.5, dyads=2, seed=12)
    _, fcs = rf.forecast_panel(panel, "rw-gauss", HORIZON, 200, rng=1, return_forecasts=True)
    other = rf.forecast_panel(
        panel[["d1"]], "rw-gauss", HORIZON, 300, rng=1, return_forecasts=True
    )[1]
    with pytest.raises(rf.ForecastError, match="different numbers of paths"):
        joint_paths({"d0": fcs["d0"], "d1": other["d1"]})
    with pytest.raises(rf.ForecastError, match="not inside the forecast months"):
        joint_crossing(fcs, window="2025-06:2026-01")
    with pytest.raises(rf.ForecastError, match="k=\\[3\\]"):
        joint_crossing(fcs, k=3)
    short = {
        d: rf.Forecast(fc.paths, fc.index, fc.scale, history=fc.history.iloc[-20:])
        for d, fc in fcs.items()
    }
    with pytest.raises(rf.ForecastError, match="share only 19 consecutive months"):
        joint_paths(short)
    assert joint_paths(short, dependence="none").n_draws == 200
    with pytest.raises(rf.ForecastError, match="history has no column for d1"):
        joint_paths(fcs, history=panel[["d0"]])
    # the panel itself gives the same pairing as the histories the forecasts keep
    same = joint_paths(fcs, history=panel, rng=3).pairing
    np.testing.assert_array_equal(same, joint_paths(fcs, rng=3).pairing)
