"""The models' estimation runs on one BLAS thread, and the caller's setting comes back."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import relforecast as rf
from relforecast._blas import one_blas_thread

pytestmark = pytest.mark.skipif(
    not [p for p in threadpool_info() if p["user_api"] == "blas"],
    reason="numpy's BLAS is not visible to threadpoolctl here",
)


def blas_threads() -> set[int]:
    return {p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}


def test_the_decorator_caps_blas_and_restores_the_callers_setting():
    @one_blas_thread
    def inside() -> set[int]:
        return blas_threads()

    with threadpool_limits(limits=2, user_api="blas"):
        assert blas_threads() == {2}
        assert inside() == {1}
        assert blas_threads() == {2}


def test_model_estimation_and_scenario_paths_see_one_blas_thread(monkeypatch):
    from statsmodels.tsa.statespace.mlemodel import MLEModel

    seen: list[set[int]] = []
    original = MLEModel.loglike

    def spy(self, *args, **kwargs):
        seen.append(blas_threads())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MLEModel, "loglike", spy)
    series = rf.datasets.demo()
    with threadpool_limits(limits=2, user_api="blas"):
        fit = rf.ARIMA(order=(1, 1, 0)).fit(series)
        fit.forecast(3, n_paths=50, rng=np.random.default_rng(0))
        assert blas_threads() == {2}
    assert seen and all(s == {1} for s in seen)
