"""Adaptive pool weights: the CRPS kernels, the stacking solution and what the pool learns."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import scoringrules as sr

import relforecast as rf
from relforecast.exceptions import RelforecastError, SpecError
from relforecast.models.adaptive import (
    Adaptation,
    ReplayRecord,
    _mean_abs,
    criterion,
    stack_weights,
    with_minima,
)
from relforecast.models.estimates import from_estimates, to_estimates
from tests.conftest import monthly


def _record(samples: np.ndarray, start: str = "2000-01") -> ReplayRecord:
    """A record with one origin per row of ``samples`` (shape origins x components x m x h)."""
    origins = list(pd.period_range(start, periods=samples.shape[0], freq="M"))
    return ReplayRecord(origins, np.sort(samples, axis=2))


def test_kernels_give_the_ensemble_crps_of_every_mixture():
    """a.w - w.B.w/2 equals the CRPS (kernel form) of the pooled ensemble, checked with
    scoringrules for equal-size members pooled with weights (1/2, 1/2) and (1, 0)."""
    rng = np.random.default_rng(1)
    samples = np.stack([rng.normal(0, 1, (20, 1)), rng.normal(0.5, 2, (20, 1))], axis=1)
    samples = samples.reshape(1, 2, 20, 1)
    record = _record(samples)
    y = pd.Series([0.3, 0.7], index=pd.period_range("2000-01", periods=2, freq="M"))
    A, B, observed = record.kernels(y)
    assert observed.tolist() == [[True]]
    a, b = A[0, 0], B[0, 0]
    pooled = np.concatenate([samples[0, 0, :, 0], samples[0, 1, :, 0]])
    reference = sr.crps_ensemble(0.7, pooled, estimator="nrg")
    w = np.array([0.5, 0.5])
    assert a @ w - w @ b @ w / 2 == pytest.approx(reference, rel=1e-10)
    first = sr.crps_ensemble(0.7, samples[0, 0, :, 0], estimator="nrg")
    assert a[0] - b[0, 0] / 2 == pytest.approx(first, rel=1e-10)


@pytest.mark.parametrize("sizes", [(40, 40), (7, 3), (1, 5)])
def test_mean_absolute_difference_equals_the_sum_over_all_pairs(sizes):
    """The distribution-function formula equals the plain double sum over every pair, with
    ties, unsorted input and a broadcast leading axis; NaN in a sample gives NaN."""
    rng = np.random.default_rng(sum(sizes))
    a = np.round(rng.normal(size=(3, 4, sizes[0])), 1)  # rounding makes ties
    b = np.round(rng.normal(size=(1, 4, sizes[1])), 1)
    b[0, 1] = a[0, 1, 0]  # a sample tied with a point of the other
    a[2, 3, 0] = np.nan
    pairs = np.abs(a[..., :, None] - b[..., None, :]).mean(axis=(-2, -1))
    ours = _mean_abs(a, b)
    assert ours.shape == (3, 4)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(pairs))
    assert np.isnan(ours[2, 3])
    np.testing.assert_allclose(ours, pairs, rtol=1e-12, atol=1e-14)


def test_unobserved_outcomes_are_not_scored():
    samples = np.random.default_rng(2).normal(size=(3, 2, 10, 4))
    record = _record(samples, start="2000-01")
    y = pd.Series(np.zeros(4), index=pd.period_range("2000-01", periods=4, freq="M"))
    A, _, observed = record.kernels(y)
    # origin 2000-01 sees 2000-02..04 (h = 1..3), 2000-02 sees h = 1..2, 2000-03 sees h = 1
    assert observed.sum(axis=1).tolist() == [3, 2, 1]
    assert np.isnan(A[~observed]).all() and not np.isnan(A[observed]).any()


def _two_component_optimum(a: np.ndarray, b: np.ndarray) -> float:
    """Closed form of the weight of component 1 for k = 2 (clipped to [0, 1])."""
    curvature = b[0, 0] - 2 * b[0, 1] + b[1, 1]
    t = (a[0] - a[1] - b[0, 1] + b[1, 1]) / curvature
    return float(np.clip(t, 0.0, 1.0))


@pytest.mark.parametrize("seed", range(6))
def test_stacking_matches_the_closed_form_for_two_components(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, 200)
    z = rng.normal(rng.uniform(-1, 1), rng.uniform(0.3, 3), 200)
    y = rng.normal(0, 1.2)
    a = np.array([np.abs(x - y).mean(), np.abs(z - y).mean()])
    pairs = [x, z]
    b = np.array([[np.abs(p[:, None] - q[None, :]).mean() for q in pairs] for p in pairs])
    w = stack_weights(a, b)
    assert w.sum() == pytest.approx(1.0) and (w >= 0).all()
    assert w[0] == pytest.approx(_two_component_optimum(a, b), abs=1e-5)


def test_stacking_beats_every_point_of_a_simplex_grid():
    rng = np.random.default_rng(7)
    members = [rng.normal(m, s, 150) for m, s in [(0, 1), (1, 0.5), (-0.5, 2)]]
    ys = rng.normal(0.2, 1, 30)
    a = np.array([np.abs(m[:, None] - ys[None, :]).mean() for m in members])
    b = np.array([[np.abs(p[:, None] - q[None, :]).mean() for q in members] for p in members])
    w = stack_weights(a, b)
    best = a @ w - w @ b @ w / 2
    grid = [
        np.array([i, j, 20 - i - j]) / 20
        for i, j in itertools.product(range(21), repeat=2)
        if i + j <= 20
    ]
    assert best <= min(a @ g - g @ b @ g / 2 for g in grid) + 1e-9


def _calm_after_storm() -> pd.Series:
    """Turbulent for 200 months, then perfectly flat for 120 months."""
    rng = np.random.default_rng(3)
    storm = np.clip(np.cumsum(rng.normal(0, 0.6, 200)), -7, 7)
    return monthly(np.r_[storm, np.full(120, np.round(storm[-1], 1))], start="1990-01")


def test_the_pool_learns_to_favour_the_component_that_fits_this_series():
    """On a series flat for its last 120 months, the bootstrap of the last 60 changes (all
    zero) forecasts the replays exactly; the one resampling 240 months of storm does not."""
    series = _calm_after_storm()
    components = [rf.BlockBootstrap(window=240, block=1), rf.BlockBootstrap(window=60, block=1)]
    spec = rf.Auto(components=components, adapt=Adaptation(lookback=36, shrink=0.0))
    fit = spec.fit(series)
    assert fit.weights[1] > 0.95
    shrunk = rf.Auto(components=components, adapt=Adaptation(lookback=36, shrink=0.5))
    w = shrunk.fit(series).weights
    assert w[0] == pytest.approx(0.5 * 0.5 + 0.5 * fit.weights[0], abs=1e-6)
    fixed = rf.Auto(components=components, adapt=None).fit(series)
    assert fixed.weights == (0.5, 0.5)
    # the weights set the share of the paths: the calm member draws 95 %+ of them
    fc = fit.forecast(12, n_paths=1000, rng=0)
    assert np.mean(np.all(np.isclose(fc.paths, series.iloc[-1]), axis=1)) > 0.95


def test_weights_use_nothing_after_the_end_of_the_data():
    """Fitting on data to T gives the same weights whatever follows T in the source."""
    series = _calm_after_storm()
    spec = rf.Auto(
        components=[rf.BlockBootstrap(window=240, block=1), rf.ARIMA(order=(1, 1, 0))],
        adapt=Adaptation(lookback=24),
    )
    cut = series.index[-30]
    altered = series.copy()
    altered.loc[cut + 1 :] = -8.0
    assert spec.fit(series.loc[:cut]).weights == spec.fit(altered.loc[:cut]).weights


def test_update_extends_the_record_and_matches_a_replay_from_scratch():
    """``update`` replays only the new origins; with the same parameters the record equals
    the one a fit on the longer data would replay (components with nothing estimated)."""
    series = _calm_after_storm()
    spec = rf.Auto(
        components=[rf.BlockBootstrap(window=120, block=12), rf.BlockBootstrap(window=60, block=1)],
        adapt=Adaptation(lookback=24, step=3),
    )
    early = spec.fit(series.iloc[:-7])
    later = early.update(series)
    direct = spec.fit(series)
    assert later.record.origins == direct.record.origins
    np.testing.assert_array_equal(later.record.quantiles, direct.record.quantiles)
    assert later.weights == direct.weights
    again = direct.update(series)
    assert again.weights == direct.weights


def test_same_data_same_weights_and_paths():
    series = _calm_after_storm().iloc[:-60]
    spec = rf.Auto(
        components=[rf.ARIMA(order=(1, 1, 0)), rf.BlockBootstrap(window=120)],
        adapt=Adaptation(lookback=24),
    )
    one, two = spec.fit(series), spec.fit(series)
    assert one.weights == two.weights
    np.testing.assert_array_equal(
        one.forecast(6, n_paths=500, rng=4).paths, two.forecast(6, n_paths=500, rng=4).paths
    )


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("lookback", 0),
        ("step", 2.5),
        ("n_paths", -1),
        ("shrink", 1.5),
        ("quantiles", True),
        ("minimum", -0.5),
        ("minimum", float("nan")),
        ("minimum", "1"),
    ],
)
def test_bad_adaptation_settings_are_refused_by_name(option, value):
    with pytest.raises(SpecError, match=option):
        Adaptation(**{option: value})


def test_a_step_longer_than_the_lookback_is_refused():
    with pytest.raises(SpecError, match="no replay origin"):
        Adaptation(lookback=6, step=12)


def test_auto_refuses_something_else_as_adaptation():
    with pytest.raises(SpecError, match="adapt"):
        rf.Auto(adapt=0.5)


def test_replays_before_1970_have_seeds_of_their_own():
    """Months before 1970 have negative ordinals; their replays are seeded (no error), the
    same data gives the same weights, and no two origins share a seed."""
    series = _calm_after_storm().iloc[:-60]
    early = series.set_axis(pd.period_range("1950-03", periods=len(series), freq="M"))
    spec = rf.Auto(
        components=[rf.BlockBootstrap(window=120, block=1), rf.ARIMA(order=(1, 1, 0))],
        adapt=Adaptation(lookback=24),
    )
    fit = spec.fit(early)  # ends 1971-10: replay origins either side of 1970-01
    assert fit.record.origins[0] < pd.Period("1970-01", "M") < fit.record.origins[-1]
    assert fit.weights == spec.fit(early).weights
    from relforecast._typing import month_words

    months = pd.period_range("1960-01", "1980-12", freq="M")
    assert len({tuple(month_words(m)) for m in months}) == len(months)


def _walks(rng: np.random.Generator, n: int, horizon: int) -> np.ndarray:
    """``n`` Gaussian random-walk paths of ``horizon`` months from 0."""
    return np.cumsum(rng.normal(size=(n, horizon)), axis=1)


def test_running_minima_give_the_crps_of_the_pooled_lowest_month():
    """The minima's terms give, for every weight, the CRPS (scoringrules, kernel form) of the
    pooled paths' lowest month up to h against the outcomes' lowest month up to h."""
    rng = np.random.default_rng(5)
    paths = [_walks(rng, 30, 3), 0.5 * _walks(rng, 30, 3) - 0.4]
    months = np.stack([np.sort(p, axis=0) for p in paths])[None]  # (1, 2, 30, 3)
    lows = np.stack([np.sort(np.minimum.accumulate(p, axis=1), axis=0) for p in paths])[None]
    origins = [pd.Period("2000-01", "M")]
    record = ReplayRecord(origins, months, lows)
    y = pd.Series([0.0, 0.4, -1.1, 0.6], index=pd.period_range("2000-01", periods=4, freq="M"))
    A, B, observed = record.kernels(y, of_minima=True)
    assert observed.all()
    w = np.array([0.5, 0.5])
    for h, lowest in enumerate([0.4, -1.1, -1.1]):
        pooled = np.concatenate([np.minimum.accumulate(p, axis=1)[:, h] for p in paths])
        reference = sr.crps_ensemble(lowest, pooled, estimator="nrg")
        assert A[0, h] @ w - w @ B[0, h] @ w / 2 == pytest.approx(reference, rel=1e-10)


def test_a_running_minimum_is_unobserved_once_a_month_before_it_is():
    rng = np.random.default_rng(6)
    q = np.sort(rng.normal(size=(1, 1, 10, 4)), axis=2)
    record = ReplayRecord([pd.Period("2000-01", "M")], q, q)
    y = pd.Series([0.0, 1.0, np.nan, -2.0, 3.0],
                  index=pd.period_range("2000-01", periods=5, freq="M"))
    _, _, months = record.kernels(y)
    _, _, lows = record.kernels(y, of_minima=True)
    assert months[0].tolist() == [True, False, True, True]
    assert lows[0].tolist() == [True, False, False, False]


def test_months_alone_cannot_tell_apart_what_the_running_minima_can():
    """Two components with the same months — random walks, and the same months shuffled
    across paths (independent from month to month) — score alike on every month; their
    lowest months differ, and the outcomes (random walks) favour the first once the running
    minima are scored."""
    rng = np.random.default_rng(7)
    n_origins, n, horizon = 60, 200, 12
    months, lows, outcomes = [], [], []
    for _ in range(n_origins):
        walks = _walks(rng, n, horizon)
        shuffled = np.stack([rng.permutation(walks[:, h]) for h in range(horizon)], axis=1)
        months.append(np.stack([np.sort(walks, axis=0)] * 2))
        lows.append(np.stack([np.sort(np.minimum.accumulate(x, axis=1), axis=0)
                              for x in (walks, shuffled)]))
        outcomes.append(_walks(rng, 1, horizon)[0])
    origins = list(pd.period_range("1990-01", periods=n_origins, freq="13M"))
    record = ReplayRecord(origins, np.stack(months), np.stack(lows))
    index = [o + h for o in origins for h in range(1, horizon + 1)]
    y = pd.Series(np.concatenate(outcomes), index=pd.PeriodIndex(index))
    a, b, _ = record.criterion(y)
    assert a[0] == a[1] and b[0, 0] == b[1, 1] == b[0, 1]
    a, b, scored = record.criterion(y, minimum=1.0)
    assert scored == n_origins * horizon
    weights = stack_weights(a, b)
    assert weights[0] > 0.8
    by_hand = criterion(*with_minima(record.kernels(y), record.kernels(y, of_minima=True), 1.0))
    np.testing.assert_array_equal(by_hand[0], a)


def test_running_minima_are_kept_only_when_scored_and_survive_update_and_storage():
    series = _calm_after_storm().iloc[:-100]
    # nothing estimated: a fit on less data updated to more replays as a fit on more data
    components = [rf.BlockBootstrap(window=120, block=12), rf.BlockBootstrap(window=60, block=1)]
    plain = rf.Auto(components=components, adapt=Adaptation(lookback=24)).fit(series)
    assert plain.record.minima is None
    with pytest.raises(RelforecastError, match="minimum"):
        plain.record.kernels(series, of_minima=True)
    spec = rf.Auto(components=components, adapt=Adaptation(lookback=24, minimum=1.0))
    fit = spec.fit(series)
    assert fit.record.minima.shape == fit.record.quantiles.shape
    # the months are replayed with the same draws whether or not the minima are kept
    np.testing.assert_array_equal(fit.record.quantiles, plain.record.quantiles)
    assert np.all(fit.record.minima <= fit.record.quantiles + 1e-12)
    assert fit.weights != plain.weights
    later = spec.fit(series.iloc[:-5]).update(series)
    np.testing.assert_allclose(later.record.minima, fit.record.minima)
    again = from_estimates(spec, series, None, to_estimates(fit))
    assert again.weights == fit.weights
    # estimates stored without the minima are replayed afresh for a pool that scores them
    older = from_estimates(spec, series, None, to_estimates(plain))
    assert older.weights == fit.weights
