"""Spread calibration: it undoes a known over-confidence and leaves a correct model alone."""

from dataclasses import dataclass

import numpy as np
import pytest

import relforecast as rf
from relforecast.models.calibrated import Calibrated

from ..conftest import monthly


@dataclass
class Narrow:
    """A correct random-walk model whose forecasts are made twice too narrow."""

    inner: object

    @property
    def series(self):
        return self.inner.series

    @property
    def name(self):
        return "narrow"

    def update(self, series):
        return Narrow(self.inner.update(series))

    def forecast_scenarios(self, horizon, scenarios, n_paths=1000, rng=None):
        out = []
        for fc in self.inner.forecast_scenarios(horizon, scenarios, n_paths=n_paths, rng=rng):
            med = np.median(fc.paths, axis=0)
            out.append(
                rf.Forecast(med + 0.5 * (fc.paths - med), fc.index, None, history=fc.history)
            )
        return out

    def forecast(self, horizon=12, scenario=None, n_paths=1000, rng=None):
        return self.forecast_scenarios(horizon, [scenario], n_paths=n_paths, rng=rng)[0]


@dataclass(frozen=True)
class NarrowSpec:
    scale: object = None
    name: str = "narrow"

    def fit(self, series, shocks=None):
        return Narrow(rf.ARIMA(order=(0, 1, 0), scale=None).fit(series))


@pytest.fixture(scope="module")
def walk():
    rng = np.random.default_rng(9)
    return monthly(np.cumsum(rng.normal(0, 0.3, 400)), name="walk")


def test_learns_to_undo_over_confidence(walk):
    fit = Calibrated(NarrowSpec(), n_origins=30, step=4).fit(walk)
    # twice too narrow at every horizon: both ends of the factor ramp come out near 2
    assert 1.5 <= fit.factors[0] <= 2.7 and 1.5 <= fit.factors[-1] <= 2.7
    fc = fit.forecast(12, n_paths=2000, rng=0)
    # widened back: the 12-month sd is about that of the correct model
    correct = rf.ARIMA(order=(0, 1, 0), scale=None).fit(walk).forecast(12, n_paths=2000, rng=0)
    ratio = fc.paths[:, -1].std() / correct.paths[:, -1].std()
    assert ratio == pytest.approx(fit.factors[-1] / 2, rel=0.1)


def test_correct_model_keeps_about_its_spread(walk):
    fit = Calibrated(rf.ARIMA(order=(0, 1, 0), scale=None), n_origins=30, step=4).fit(walk)
    assert np.all((fit.factors >= 0.6) & (fit.factors <= 1.6))
    assert "spread factors" in fit.diagnostics[-1]
    # the learnt factors survive update(); paths stay reproducible
    later = fit.update(walk.iloc[:-6])
    np.testing.assert_array_equal(later.factors, fit.factors)
    np.testing.assert_array_equal(
        fit.forecast(6, n_paths=100, rng=1).paths, fit.forecast(6, n_paths=100, rng=1).paths
    )


@dataclass(frozen=True)
class NarrowingSpec:
    """A correct random walk whose spread shrinks with the horizon: right at month 1,
    half as wide as it should be at month 12."""

    scale: object = None
    name: str = "narrowing"

    def fit(self, series, shocks=None):
        return Shrinking(rf.ARIMA(order=(0, 1, 0), scale=None).fit(series))


@dataclass
class Shrinking(Narrow):
    def update(self, series):
        return Shrinking(self.inner.update(series))

    def forecast_scenarios(self, horizon, scenarios, n_paths=1000, rng=None):
        out = []
        shrink = 1 - 0.5 * np.arange(horizon) / 11
        for fc in self.inner.forecast_scenarios(horizon, scenarios, n_paths=n_paths, rng=rng):
            med = np.median(fc.paths, axis=0)
            paths = med + shrink * (fc.paths - med)
            out.append(rf.Forecast(paths, fc.index, None, history=fc.history))
        return out


def test_factors_follow_a_spread_error_that_grows_with_the_horizon(walk):
    fit = Calibrated(NarrowingSpec(), n_origins=30, step=4).fit(walk)
    # ideal factors: 1 at month 1, 2 at month 12
    assert 0.6 <= fit.factors[0] <= 1.5
    assert 1.5 <= fit.factors[-1] <= 2.7
    assert fit.factors[-1] > fit.factors[0] + 0.4
    assert fit.table.shape == (12, len(fit.spec.grid))


def test_bad_settings_are_named():
    with pytest.raises(rf.SpecError, match="horizon=1"):
        Calibrated(NarrowSpec(), horizon=1)
    with pytest.raises(rf.SpecError, match="step=0"):
        Calibrated(NarrowSpec(), step=0)
