import numpy as np
import pandas as pd
import pytest

import relforecast as rf

from .conftest import monthly


@pytest.fixture(scope="module")
def unbounded_fit():
    rng = np.random.default_rng(21)
    series = monthly(np.cumsum(rng.normal(0, 0.2, 300)), start="2000-07", name="rw")
    return rf.ARIMA(order=(1, 1, 0), scale=None).fit(series)


def step(start, mean, sd=0.0, kind="leader_change"):
    return rf.Shock(kind, start, shape="step", effect=(mean, sd))


def test_judgmental_step_shifts_the_median_end_value(unbounded_fit):
    last = unbounded_fit.series.index[-1]
    sc = rf.Scenario("down", [step(last + 3, -1.0)])
    table = rf.compare_scenarios(unbounded_fit, [sc], threshold=0, n_paths=5000, rng=1)
    shift = table.loc["down", "median_end"] - table.loc["baseline", "median_end"]
    # every path moves by exactly -1 (sd 0, common random numbers): the median does too
    assert shift == pytest.approx(-1.0, abs=1e-9)
    assert table.loc["down", "d_mean_end"] == pytest.approx(-1.0, abs=1e-9)
    # with an uncertain effect the shift is -1 within Monte Carlo error
    noisy = rf.Scenario("noisy", [step(last + 3, -1.0, 0.5)])
    t2 = rf.compare_scenarios(unbounded_fit, [noisy], threshold=0, n_paths=20_000, rng=2)
    assert abs(t2.loc["noisy", "d_mean_end"] + 1.0) < 4 * t2.loc["noisy", "d_mean_end_se"]


def test_identical_scenarios_differ_by_exactly_zero(unbounded_fit):
    last = unbounded_fit.series.index[-1]
    shocks = [step(last + 2, -0.4, 0.3)]
    a, b = rf.Scenario("a", shocks), rf.Scenario("b", shocks)
    table = rf.compare_scenarios(unbounded_fit, [a, b], n_paths=3000, threshold=-1, rng=3)
    cols = ["median_end", "p_cross", "d_p_cross", "d_mean_end"]
    pd.testing.assert_series_equal(table.loc["a", cols], table.loc["b", cols], check_names=False)
    fa, fb = table.attrs["forecasts"]["a"], table.attrs["forecasts"]["b"]
    np.testing.assert_array_equal(fa.paths, fb.paths)


def test_rows_and_copies_of_the_table_share_its_forecasts(unbounded_fit):
    """pandas deep-copies ``attrs`` into every result: the paths must not be copied along
    (with a million paths each row read would copy every scenario's paths)."""
    last = unbounded_fit.series.index[-1]
    table = rf.compare_scenarios(
        unbounded_fit,
        [rf.Scenario("down", [step(last + 3, -1.0)])],
        threshold=0,
        n_paths=500,
        rng=4,
    )
    kept = table.attrs["forecasts"]["down"]
    for derived in (table.loc["down"], table.copy(), table[["p_cross"]], table.iloc[:1]):
        assert derived.attrs["forecasts"]["down"] is kept
        assert derived.attrs["scenarios"]["down"] is table.attrs["scenarios"]["down"]
    assert np.shares_memory(table.loc["baseline"].attrs["forecasts"]["down"].paths, kept.paths)


def test_probability_zero_is_the_baseline(unbounded_fit):
    last = unbounded_fit.series.index[-1]
    never = rf.Scenario("never", [step(last + 1, -2.0)], probability=0.0)
    base = unbounded_fit.forecast(12, n_paths=2000, rng=4)
    with_never = unbounded_fit.forecast(12, scenario=never, n_paths=2000, rng=4)
    np.testing.assert_array_equal(base.paths, with_never.paths)
    half = rf.Scenario("half", [step(last + 1, -2.0)], probability=0.5)
    moved = (
        unbounded_fit.forecast(12, scenario=half, n_paths=4000, rng=4).paths[:, -1]
        != unbounded_fit.forecast(12, n_paths=4000, rng=4).paths[:, -1]
    ).mean()
    assert abs(moved - 0.5) < 4 * np.sqrt(0.25 / 4000)


def test_estimated_effects_come_from_the_same_kind():
    rng = np.random.default_rng(5)
    y = np.cumsum(rng.normal(0, 0.1, 360))
    starts = [60, 150, 240]
    for s in starts:
        y[s:] -= 1.0
    series = monthly(y, name="x")
    cal = rf.ShockCalendar([rf.Shock("tariff", series.index[s], shape="step") for s in starts])
    fit = rf.ARIMA(order=(0, 1, 0), scale=None).fit(series, shocks=cal)
    last = series.index[-1]
    sc = rf.Scenario("tariff again", [rf.Shock("tariff", last + 1, shape="step")])
    table = rf.compare_scenarios(fit, [sc], threshold=0, n_paths=4000, rng=6)
    effects = fit.shock_effects()["effect"]
    assert table.loc["tariff again", "d_mean_end"] == pytest.approx(effects.mean(), abs=0.05)
    lonely = rf.Scenario("vote", [rf.Shock("election", last + 1)])
    with pytest.raises(rf.ForecastError, match=r"no estimated effect .*effect=\(mean, sd\)"):
        fit.forecast(12, scenario=lonely, n_paths=100, rng=0)


def test_markov_scenarios_and_bounds():
    series = rf.datasets.demo()
    fit = rf.MarkovSwitching().fit(series, shocks=rf.datasets.demo_shocks())
    sc = rf.Scenario("successor", [step("2025-10", -0.5, 0.3)])
    table = rf.compare_scenarios(fit, [sc], window="2025-07:2026-06", n_paths=3000, rng=7)
    assert table.loc["successor", "d_p_cross"] > 0
    assert table.loc["successor", "d_mean_end"] < 0
    fc = table.attrs["forecasts"]["successor"]
    assert fc.index[0] == pd.Period("2025-07", "M") and fc.paths.min() >= -9


def test_window_through_a_gap(unbounded_fit):
    last = unbounded_fit.series.index[-1]
    window = f"{last + 4}:{last + 9}"
    table = rf.compare_scenarios(unbounded_fit, [], window=window, threshold=0, n_paths=500)
    fc = table.attrs["forecasts"]["baseline"]
    assert list(fc.index) == list(pd.period_range(last + 4, last + 9, freq="M"))
    with pytest.raises(rf.ForecastError, match="ends at or before the last observed month"):
        rf.compare_scenarios(unbounded_fit, [], window=f"{last - 6}:{last}", threshold=0)
    with pytest.raises(rf.ForecastError, match="must look like"):
        rf.compare_scenarios(unbounded_fit, [], window="July to June")


def test_a_shock_after_the_last_month_forecast_is_refused(unbounded_fit):
    # it could move no month forecast: the scenario would read as "no effect"
    last = unbounded_fit.series.index[-1]
    end_of_window = rf.Scenario("late", [step(last + 10, -1.0)])
    with pytest.raises(rf.ShockError, match=rf"'late'.*starts {last + 10}, after .*\({last + 9}\)"):
        rf.compare_scenarios(unbounded_fit, [end_of_window], window=f"{last + 4}:{last + 9}")
    with pytest.raises(rf.ShockError, match=rf"after the last month forecast \({last + 9}\)"):
        rf.compare_scenarios(unbounded_fit, [end_of_window], horizon=9)
    # a shock in the last month forecast moves that month by its effect (sd 0)
    table = rf.compare_scenarios(unbounded_fit, [end_of_window], horizon=10, threshold=0)
    assert table.loc["late", "d_mean_end"] == pytest.approx(-1.0, abs=1e-9)


def test_yaml_scenarios(tmp_path):
    path = tmp_path / "sc.yaml"
    path.write_text(
        "scenarios:\n"
        "  - name: successor\n"
        "    description: right-wing successor\n"
        "    probability: 0.6\n"
        "    shocks:\n"
        "      - {kind: leader_change, start: 2025-10, shape: step, effect: [-0.5, 0.3]}\n"
        "  - name: calm\n"
    )
    scs = rf.load_scenarios(path)
    assert [s.name for s in scs] == ["successor", "calm"]
    assert scs[0].shocks[0].effect == (-0.5, 0.3) and scs[0].probability == 0.6
    path.write_text("scenarios:\n  - {name: x, probability: 1.5}\n")
    with pytest.raises(rf.ShockError, match=r"must lie in \[0, 1\], got 1.5"):
        rf.load_scenarios(path)
    with pytest.raises(rf.ShockError, match=r"effect .* must be \(mean, sd\)"):
        rf.Shock("tariff", "2025-01", effect=(1, 2, 3))


def test_a_model_without_shock_effects_says_so_in_a_scenario():
    series = rf.datasets.demo()
    calendar = rf.ShockCalendar([rf.Shock("election", "2015-03", shape="pulse")])
    fit = rf.BlockBootstrap(window=120, block=12).fit(series, shocks=calendar)
    nxt = series.index[-1] + 2
    scenario = rf.Scenario("vote", [rf.Shock("election", nxt, shape="pulse")])
    with pytest.raises(rf.ForecastError, match=r"estimates no shock effects of its own; give "):
        fit.forecast(12, scenario=scenario, n_paths=100, rng=0)
    # with an effect given, the scenario moves the paths
    given = rf.Scenario("vote", [rf.Shock("election", nxt, shape="pulse", effect=(-1.0, 0.1))])
    moved = fit.forecast(12, scenario=given, n_paths=400, rng=0).paths
    still = fit.forecast(12, n_paths=400, rng=0).paths
    assert moved[:, 1].mean() < still[:, 1].mean() - 0.5


def test_a_horizon_given_with_a_window_is_refused_not_ignored(unbounded_fit):
    last = unbounded_fit.series.index[-1]
    window = f"{last + 1}:{last + 3}"
    with pytest.raises(rf.ForecastError, match="not both"):
        rf.compare_scenarios(unbounded_fit, [], horizon=24, window=window, threshold=0)
    by_window = rf.compare_scenarios(unbounded_fit, [], window=window, threshold=0, n_paths=300)
    by_horizon = rf.compare_scenarios(unbounded_fit, [], horizon=3, threshold=0, n_paths=300)
    assert by_window.equals(by_horizon)  # the same three months, the same draws
    default = rf.compare_scenarios(unbounded_fit, [], threshold=0, n_paths=300)
    assert default.attrs["forecasts"]["baseline"].horizon == 12
