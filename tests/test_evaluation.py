"""Randomised-PIT coverage of discrete forecasts."""

import numpy as np
import pytest

import relforecast as rf
from relforecast.evaluation.scores import randomized_pit_coverage


def test_calibrated_discrete_forecast_has_nominal_randomized_coverage():
    # a "sticky" variable: unchanged with probability 0.7, else one step down or up
    rng = np.random.default_rng(0)

    def draw(n):
        u = rng.random(n)
        return np.where(u < 0.7, 0.0, np.where(u < 0.85, -0.1, 0.1))

    ensemble, obs = draw(4000), draw(20_000)
    for level in (0.5, 0.8):
        hits = randomized_pit_coverage(ensemble[None, :], obs, level)
        # expectation is the nominal level; sd of the mean of these probabilities < 0.004
        assert hits.mean() == pytest.approx(level, abs=0.015)
    # the quantile interval of the same calibrated forecast over-covers: the atom holds 70 %
    q25, q75 = np.quantile(ensemble, [0.25, 0.75])
    assert np.mean((obs >= q25) & (obs <= q75)) > 0.65


def test_continuous_limit_and_errors():
    ens = np.array([1.0, 2.0, 3.0, 4.0])
    assert randomized_pit_coverage(ens, 2.5, 0.5) == 1.0  # PIT 0.5
    assert randomized_pit_coverage(ens, 0.5, 0.5) == 0.0  # PIT 0
    # an atom straddling the interval's edge counts in proportion: PIT ~ U(0.5, 1)
    assert randomized_pit_coverage(np.array([1.0, 1.0, 2.0, 2.0]), 2.0, 0.5) == pytest.approx(0.5)
    with pytest.raises(rf.DataError, match="coverage"):
        randomized_pit_coverage(ens, 1.0, 1.5)
