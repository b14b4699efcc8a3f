"""Scenario and shock inputs that would change the numbers silently are refused by name."""

import numpy as np
import pytest

import relforecast as rf
from relforecast.cli.main import main
from tests.conftest import monthly


@pytest.fixture(scope="module")
def fit():
    series = monthly(np.round(np.linspace(-3.0, -5.0, 120), 1), start="2015-07", name="t")
    return rf.ARIMA(order=(1, 1, 0)).fit(series)


@pytest.mark.parametrize("name", ["baseline", "Baseline ", "基准"])
def test_baseline_is_a_reserved_name(name, tmp_path):
    """A scenario may not be named 'baseline': it would replace the real baseline."""
    with pytest.raises(rf.ShockError, match="is reserved for the forecast without extra shocks"):
        rf.Scenario(name, [rf.Shock("tariff", "2025-09", effect=(-3, 0))])
    path = tmp_path / "sc.yaml"
    path.write_text(
        f"scenarios:\n  - name: '{name}'\n    shocks: [{{kind: tariff, start: 2025-09}}]\n",
        encoding="utf-8",
    )
    with pytest.raises(rf.ShockError, match="reserved"):
        rf.load_scenarios(path)


def test_the_baseline_row_is_always_the_forecast_without_shocks(fit):
    down = rf.Scenario("down", [rf.Shock("custom", "2025-08", shape="step", effect=(-2, 0))])
    table = rf.compare_scenarios(fit, [down], window="2025-07:2026-06", n_paths=500, rng=0)
    plain = fit.forecast(12, n_paths=500, rng=0)
    assert list(table.index) == ["baseline", "down"]
    assert table.loc["baseline", "p_cross"] == plain.prob_cross(-6)


@pytest.mark.parametrize("start", ["2010-01", "2020-10", "2025-06"])
def test_scenario_shocks_inside_the_history_are_refused(fit, start):
    """A scenario shock starting in the history (a step of 2020-10 would apply in full to
    every future month) is refused."""
    past = rf.Scenario("past", [rf.Shock("custom", start, shape="step", effect=(-2, 0))])
    with pytest.raises(
        rf.ShockError,
        match=f"starts {start}, at or before the last observed month 2025-06.*from 2025-07",
    ):
        rf.compare_scenarios(fit, [past], n_paths=100)
    with pytest.raises(rf.ShockError, match="at or before the last observed month"):
        fit.forecast(12, scenario=past, n_paths=100)


def test_effect_in_a_shock_calendar_is_refused(tmp_path, capsys):
    """An effect: in a --shocks file is refused, not ignored (effects are estimated)."""
    path = tmp_path / "shocks.yaml"
    path.write_text("shocks:\n  - {kind: tariff, start: 2018-03, effect: [-0.5, 0.2]}\n")
    with pytest.raises(rf.ShockError, match=r"effect=\[-0.5, 0.2\].*estimated from the data"):
        rf.ShockCalendar.from_yaml(path)
    code = main(["forecast", "--shocks", str(path), "--paths", "200"])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "put the shock in a scenario" in err


def test_unknown_keys_are_refused(tmp_path):
    path = tmp_path / "sc.yaml"
    path.write_text("scenarios:\n  - {name: a, effect: [-1, 0.2]}\n")
    with pytest.raises(rf.ShockError, match=r"unknown field\(s\) \['effect'\]"):
        rf.load_scenarios(path)
    path.write_text("scenarios:\n  - {name: a}\nshocks:\n  - {kind: tariff, start: 2025-09}\n")
    with pytest.raises(rf.ShockError, match=r"unknown top-level key\(s\) \['shocks'\]"):
        rf.load_scenarios(path)
    path.write_text(
        "scenarios:\n  - {name: a, shocks: [{kind: tariff, start: 2025-09, size: 2}]}\n"
    )
    with pytest.raises(rf.ShockError, match=r"unknown field\(s\) \['size'\]"):
        rf.load_scenarios(path)
    path.write_text("scenarios:\n  - {name: a}\n  - {name: A}\n")
    with pytest.raises(rf.ShockError, match="must be unique"):
        rf.load_scenarios(path)


@pytest.mark.parametrize("value", ["12", "-9", "nan", "inf"])
def test_thresholds_must_be_finite_and_inside_the_scale(value, capsys, tmp_path):
    code = main(["forecast", "--paths", "200", "--threshold", value])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("relforecast: error: threshold")
    code = main(["outlook", "--paths", "200", "--threshold", value, "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 1 and "threshold" in err and not (tmp_path / "o").exists()


def test_backtest_refuses_a_threshold_outside_the_scale():
    with pytest.raises(rf.ForecastError, match="threshold 12 is outside the scale"):
        rf.backtest(rf.datasets.demo(), "rw-gauss", ["2020-06"], thresholds=(-6, 12))
