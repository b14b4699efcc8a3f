"""Shared outlook fixtures: a cheap two-component pool on the demo data, written once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.evaluation.backtest import QUANTILE_COLUMNS, QUANTILE_LEVELS


def small_pool() -> rf.Auto:
    """A pool with two fast components (the report finds components generically)."""
    return rf.Auto(
        components=(rf.ARIMA(order=(1, 1, 0), window=240), rf.BlockBootstrap(window=240))
    )


def fake_backtest(panel: pd.DataFrame, model: str, origins: list[str], seed: int = 0):
    """Rows in the backtest contract built from Gaussian quantiles around the last value
    (a stand-in for a supplied CSV; the scoring must treat any such table alike)."""
    from scipy.stats import norm

    rng = np.random.default_rng(seed)
    rows = []
    for dyad in panel.columns:
        series = panel[dyad].dropna()
        for origin in origins:
            o = pd.Period(origin, "M")
            start = series.loc[o]
            for h in range(1, 13):
                sd = 0.15 * np.sqrt(h)
                q = start + sd * norm.ppf(QUANTILE_LEVELS)
                p = float(np.clip(norm.cdf((-6 - start) / sd) * 2 + rng.uniform(0, 0.05), 0, 1))
                rows.append(
                    {
                        "dyad": dyad,
                        "model": model,
                        "origin": str(o),
                        "h": h,
                        "target": str(o + h),
                        "mean": start,
                        **dict(zip(QUANTILE_COLUMNS, q, strict=True)),
                        "cross_-6": p,
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def demo_series() -> pd.Series:
    return rf.datasets.demo()


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory, demo_series):
    """The demo outlook (English) with a supplied track record."""
    out = tmp_path_factory.mktemp("report") / "outlook"
    origins = [f"{y}-06" for y in range(2012, 2025)]
    table = fake_backtest(demo_series.to_frame(), "auto", origins)
    result = rf.outlook(
        demo_series,
        scenarios=rf.datasets.demo_scenarios(),
        shocks=rf.datasets.demo_shocks(),
        out=out,
        model=small_pool(),
        n_paths=1000,
        rng=3,
        track_record=table.assign(model=small_pool().name),
    )
    return out, result, table


@pytest.fixture(scope="session")
def demo_report_zh(tmp_path_factory, demo_series):
    """The demo outlook in Chinese (a track record computed with a cheap model)."""
    out = tmp_path_factory.mktemp("report_zh") / "outlook"
    result = rf.outlook(
        demo_series,
        scenarios=rf.datasets.demo_scenarios(),
        shocks=rf.datasets.demo_shocks(),
        out=out,
        model="arima110",
        n_paths=600,
        rng=1,
        lang="zh",
        track_record="compute",
        track_record_config=rf.TrackRecordConfig(
            n_origins=4, refit_every=4, n_paths=200, workers=1
        ),
    )
    return out, result
