"""Spread recalibration of a pool from its replayed forecasts."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import scoringrules as sr
from scipy.optimize import brentq
from scipy.stats import norm

import relforecast as rf
from relforecast.models.recalibration import (
    best_ramp,
    learn_factors,
    member_counts,
    pooled_replays,
    sorted_crps,
    spread_table,
    widen,
)

M = 40
LEVELS = (np.arange(M) + 0.5) / M


def replay_quantiles(n_origins: int, horizon: int, sd: float = 1.0) -> np.ndarray:
    """One member's replayed forecasts: N(0, sd^2 h) mid-quantiles at every origin."""
    q = norm.ppf(LEVELS)[None, None, :, None] * sd * np.sqrt(np.arange(1, horizon + 1))
    return np.broadcast_to(q, (n_origins, 1, M, horizon)).copy()


def outcomes(n_origins: int, horizon: int, sd: float) -> np.ndarray:
    """Outcomes spread like N(0, sd^2 h): evenly spaced normal quantiles over the origins."""
    u = (np.arange(n_origins) + 0.5) / n_origins
    z = norm.ppf(u)[np.random.default_rng(0).permutation(n_origins)]
    return z[:, None] * sd * np.sqrt(np.arange(1, horizon + 1))[None, :]


def test_a_run_of_misses_widens_and_a_run_of_hits_narrows():
    q = replay_quantiles(40, 6)
    spec = rf.Recalibration(shrink=0.0)
    weights = np.ones(1)
    wide, note = learn_factors(q, outcomes(40, 6, 2.0), weights, rf.UNBOUNDED_SCALE, spec)
    narrow, _ = learn_factors(q, outcomes(40, 6, 0.5), weights, rf.UNBOUNDED_SCALE, spec)
    calibrated, _ = learn_factors(q, outcomes(40, 6, 1.0), weights, rf.UNBOUNDED_SCALE, spec)
    # the CRPS-optimal factor of a Gaussian forecast is the ratio of the sds (to the grid)
    np.testing.assert_allclose(wide, 2.0, atol=0.15)
    np.testing.assert_allclose(narrow, 0.5, atol=0.1)
    np.testing.assert_allclose(calibrated, 1.0, atol=0.1)
    assert "spread recalibrated by" in note
    # shrinkage halves the log factor
    half, _ = learn_factors(
        q, outcomes(40, 6, 2.0), weights, rf.UNBOUNDED_SCALE, rf.Recalibration(shrink=0.5)
    )
    np.testing.assert_allclose(half, np.sqrt(wide[0]), rtol=1e-9)


def test_widening_only_keeps_a_too_wide_pool_and_widens_a_too_narrow_one():
    q = replay_quantiles(40, 6)
    spec = rf.Recalibration(shrink=0.0, narrow=False)
    weights = np.ones(1)
    calm, note = learn_factors(q, outcomes(40, 6, 0.5), weights, rf.UNBOUNDED_SCALE, spec)
    assert note.startswith("spread kept as the members give it: ")
    turbulent, _ = learn_factors(q, outcomes(40, 6, 2.0), weights, rf.UNBOUNDED_SCALE, spec)
    # outcomes half as spread: the best factor >= 1 is 1 (the CRPS rises with the factor above
    # the optimum 0.5); twice as spread: the ratio of the sds, as when narrowing is allowed
    np.testing.assert_array_equal(calm, 1.0)
    np.testing.assert_allclose(turbulent, 2.0, atol=0.15)
    assert rf.Recalibration(narrow=False).candidates == tuple(
        c for c in rf.Recalibration().candidates if c >= 1
    )
    with pytest.raises(rf.SpecError, match="narrow='no' must be True or False"):
        rf.Recalibration(narrow="no")


def test_a_coverage_target_ramps_from_one_to_the_smallest_factor_that_covers():
    # forecasts N(0, h), outcomes N(0, 1.96 h): the ramp c_h = 1 + (c - 1)(h - 1)/5 holds month h's
    # outcomes with probability 2 Phi(z90 c_h / 2) - 1; the analytic c makes their mean 0.8
    horizon, sd = 6, 1.4
    q = replay_quantiles(40, horizon)
    obs = outcomes(40, horizon, sd)
    spec = rf.Recalibration(shrink=0.0, cover=0.8)
    factors, note = learn_factors(q, obs, np.ones(1), rf.UNBOUNDED_SCALE, spec)
    ramp = np.arange(horizon) / (horizon - 1)

    def held(c: float) -> float:
        return float(np.mean(2 * norm.cdf(norm.ppf(0.9) * (1 + (c - 1) * ramp) / sd) - 1))

    analytic = brentq(lambda c: held(c) - 0.8, 1.0, 5.0)
    assert factors[0] == 1.0
    np.testing.assert_allclose(factors, 1 + (factors[-1] - 1) * ramp)
    # the grid's step is 0.1 and the 40 outcomes a month cover in steps of 1/40
    assert factors[-1] == pytest.approx(analytic, abs=0.2)
    assert "for their 80 % intervals to hold 80% of them" in note
    # the smallest such factor: one grid step less covers less than the target
    points = pooled_replays(q, np.ones(1), 100)
    for c, enough in ((factors[-1], True), (factors[-1] - 0.1, False)):
        lo, hi = np.quantile(widen(points, 1 + (c - 1) * ramp, rf.UNBOUNDED_SCALE, axis=1),
                             [0.1, 0.9], axis=1)
        assert bool(((obs >= lo) & (obs <= hi)).mean() >= 0.8) is enough
    # a pool that already covers is left as the members give it, never narrowed
    calm, note = learn_factors(q, outcomes(40, horizon, 0.5), np.ones(1), rf.UNBOUNDED_SCALE,
                               spec)
    np.testing.assert_array_equal(calm, 1.0)
    assert note.startswith("spread kept as the members give it")


def test_too_few_scored_replays_leave_the_spread_alone():
    q = replay_quantiles(3, 6)
    obs = outcomes(3, 6, 2.0)
    factors, note = learn_factors(q, obs, np.ones(1), rf.UNBOUNDED_SCALE, rf.Recalibration())
    np.testing.assert_array_equal(factors, 1.0)
    assert "not recalibrated: 3 replayed forecasts scored 6 months ahead" in note


def test_pooled_replays_take_each_member_in_proportion():
    a = replay_quantiles(2, 3, sd=1.0)
    b = replay_quantiles(2, 3, sd=1.0) + 10.0
    points = pooled_replays(np.concatenate([a, b], axis=1), np.array([0.75, 0.25]), 100)
    assert points.shape == (2, 100, 3)
    assert (points < 5).sum(axis=1).tolist() == [[75] * 3] * 2
    # a member drawn with as many points as it has quantiles gives them back
    np.testing.assert_allclose(pooled_replays(a, np.ones(1), M)[:, :, 0], a[:, 0, :, 0])
    assert member_counts(np.array([0.5, 0.3, 0.2]), 7).tolist() == [4, 2, 1]


def test_spread_table_is_the_crps_of_the_widened_ensemble():
    # against the closed-form CRPS of a Gaussian: an ensemble of N(0, 1) quantiles widened by
    # c scores like N(0, c^2)
    points = norm.ppf((np.arange(400) + 0.5) / 400)[None, :, None]
    obs = np.array([[0.7]])
    table, counts = spread_table(points, obs, rf.UNBOUNDED_SCALE, [0.5, 1.0, 2.0])
    expected = [sr.crps_normal(0.7, 0.0, c) for c in (0.5, 1.0, 2.0)]
    np.testing.assert_allclose(table[0], expected, rtol=0.01)
    assert counts.tolist() == [1]


def test_best_ramp_is_the_exhaustive_minimum():
    rng = np.random.default_rng(1)
    grid = np.array([0.5, 0.8, 1.0, 1.3, 2.0])
    table = rng.random((6, len(grid)))
    a, b, score = best_ramp(table, grid)
    ramp = np.arange(6) / 5
    scores = {
        (x, y): sum(np.interp(x + (y - x) * ramp[h], grid, table[h]) for h in range(6))
        for x, y in itertools.product(grid, grid)
    }
    assert (a, b) == min(scores, key=scores.get)
    assert score == pytest.approx(min(scores.values()))


def test_widen_keeps_the_median_and_the_bounds():
    rng = np.random.default_rng(2)
    paths = rf.TSINGHUA_SCALE.from_unbounded(rng.normal(-2, 1, (1001, 3)))
    out = widen(paths, np.array([1.0, 2.0, 3.0]), rf.TSINGHUA_SCALE)
    np.testing.assert_allclose(np.median(out, axis=0), np.median(paths, axis=0))
    np.testing.assert_allclose(out[:, 0], paths[:, 0], atol=1e-9)
    assert out.min() > -9 and out.max() < 9
    z, zw = rf.TSINGHUA_SCALE.to_unbounded(paths), rf.TSINGHUA_SCALE.to_unbounded(out)
    assert np.std(zw[:, 2]) == pytest.approx(3 * np.std(z[:, 2]), rel=1e-6)


def test_auto_rescales_its_pooled_paths_by_its_spread_factors():
    rng = np.random.default_rng(3)
    y = pd.Series(
        np.cumsum(rng.normal(0, 1, 160)),
        index=pd.period_range("2000-01", periods=160, freq="M"),
        name="x",
    )
    members = [rf.ARLevel(window=60, scale=None), rf.Climatology(window=36, scale=None)]
    adapt = rf.Adaptation(horizon=6, n_paths=100)
    plain = rf.Auto(members, adapt=adapt).fit(y)
    recal = rf.Auto(members, adapt=adapt, recalibrate=rf.Recalibration(shrink=0.0)).fit(y)
    assert plain.spread_factors is None and plain.weights == recal.weights
    factors = recal.spread_factors
    assert factors.shape == (6,) and not np.allclose(factors, 1.0)
    assert any(d.startswith("spread recalibrated by") for d in recal.diagnostics)
    a = plain.forecast(6, n_paths=500, rng=0).paths
    b = recal.forecast(6, n_paths=500, rng=0)
    np.testing.assert_allclose(b.paths, widen(a, factors, rf.UNBOUNDED_SCALE))
    assert b.meta["spread_factors"] == list(factors)


def test_recalibration_options_are_checked():
    with pytest.raises(rf.SpecError, match="shrink=2"):
        rf.Recalibration(shrink=2)
    with pytest.raises(rf.SpecError, match="both sides of 1"):
        rf.Recalibration(grid=(1.2, 1.5))
    for bad in (1.2, 0, "0.8"):
        with pytest.raises(rf.SpecError, match=rf"cover={bad!r} must be a share in \(0, 1\)"):
            rf.Recalibration(cover=bad)
    with pytest.raises(rf.SpecError, match=r"give the number 0\.75, not the text '0\.75'"):
        rf.Recalibration(cover="0.75")  # the share is right, its type is not: say which
    for bad in (5, "0.5,1,2"):
        with pytest.raises(rf.SpecError, match=r"must be a sequence of spread factors"):
            rf.Recalibration(grid=bad)
    with pytest.raises(rf.SpecError, match="recalibrate needs the replayed forecasts"):
        rf.Auto(adapt=None, recalibrate=rf.Recalibration())
    with pytest.raises(rf.SpecError, match="recalibrate='yes'"):
        rf.Auto(recalibrate="yes")


def test_sorted_crps_is_scoringrules_ensemble_crps():
    rng = np.random.default_rng(4)
    ens = np.sort(rng.normal(size=(5, 37, 3)), axis=1)
    y = rng.normal(size=(5, 3))
    np.testing.assert_allclose(
        sorted_crps(ens, y, axis=1), sr.crps_ensemble(y, ens, m_axis=1, estimator="nrg"),
        rtol=1e-10,
    )
