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

    def fit(self, series, shocks=None):
        return Narrow(rf.ARIMA(order=(0, 1, 0), scale=None).fit(series))


@pytest.fixture(scope="module")
def walk():
    rng = np.random.default_rng(9)
    return monthly(np.cumsum(rng.normal(0, 0.3, 400)), name="walk")


def test_learns_to_undo_over_confidence(walk):
    fit = Calibrated(NarrowSpec(), n_origins=30, step=4).fit(walk)
    assert 1.6 <= fit.factor <= 2.6
    fc = fit.forecast(12, n_paths=2000, rng=0)
    # widened back: the 12-month sd is about that of the correct model
    correct = rf.ARIMA(order=(0, 1, 0), scale=None).fit(walk).forecast(12, n_paths=2000, rng=0)
    ratio = fc.paths[:, -1].std() / correct.paths[:, -1].std()
    assert ratio == pytest.approx(fit.factor / 2, rel=0.1)


def test_correct_model_keeps_about_its_spread(walk):
    fit = Calibrated(rf.ARIMA(order=(0, 1, 0), scale=None), n_origins=30, step=4).fit(walk)
    assert 0.6 <= fit.factor <= 1.6
    assert "spread factor" in fit.diagnostics[-1]
    # the learnt factor survives update(); paths stay reproducible
    later = fit.update(walk.iloc[:-6])
    assert later.factor == fit.factor
    np.testing.assert_array_equal(
        fit.forecast(6, n_paths=100, rng=1).paths, fit.forecast(6, n_paths=100, rng=1).paths
    )
