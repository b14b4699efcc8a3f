"""The runnable examples, run as a user runs them (demo data, fresh working directory)."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from relforecast.cli.main import main as relforecast_main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(name: str, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name)], cwd=cwd, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def scenario_tables(stdout: str) -> dict[str, pd.DataFrame]:
    """The per-model tables the scenario comparison prints, keyed by the model's name."""
    tables: dict[str, pd.DataFrame] = {}
    for block in stdout.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if line]
        if not lines or " — " not in lines[0]:
            continue
        model = lines[0].split(" — ")[1].split(",")[0]
        rows = {}
        for line in lines[3:]:
            cells = line.split()
            # scenario names have spaces: the 8 columns are the last 8 cells
            rows[" ".join(cells[:-8])] = [float(c) for c in cells[-8:-1]]
        columns = ["median_end", "q10_end", "q90_end", "p_cross", "se", "d_p_cross", "d_se"]
        tables[model] = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    return tables


@pytest.mark.slow
def test_scenario_comparison_orders_the_scenarios(tmp_path):
    tables = scenario_tables(run_example("scenario_comparison.py", tmp_path))
    assert len(tables) == 2 and any(name.startswith("MS(2)-diff-momentum") for name in tables)
    for name, t in tables.items():
        base = t.loc["baseline", "p_cross"]
        # the demo's calendar: a hostile successor and tariffs raise the risk, détente lowers it,
        # "PM stays" adds no shock and is the baseline itself
        assert t.loc["right-wing successor", "p_cross"] > base + 5 * t.loc["baseline", "se"], name
        assert t.loc["US tariff escalation", "d_p_cross"] > 0, name
        assert t.loc["US détente", "d_p_cross"] < 0, name
        assert t.loc["PM stays", "p_cross"] == base, name
        assert (t["q10_end"] <= t["median_end"]).all() and (t["median_end"] <= t["q90_end"]).all()


@pytest.mark.slow
def test_outlook_and_forecast_examples_write_their_outputs(tmp_path):
    out = run_example("china_japan_outlook.py", tmp_path)
    report = tmp_path / "example_output" / "outlook_demo" / "report.html"
    assert report.is_file() and "synthetic" in report.read_text(encoding="utf-8").lower()
    assert "right-wing successor" in out
    out = run_example("forecast_japan.py", tmp_path)
    assert (tmp_path / "example_output" / "forecast_japan.png").stat().st_size > 10_000
    assert "2026-06" in out


@pytest.mark.slow
def test_scenario_comparison_matches_the_command_line(tmp_path, shared_data, capsys):
    """On the real data the example's baselines are the command line's `arima` and `markov`
    forecasts as of 2025-06 (same data cut, calendar, window and seed), as its docstring says."""
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "scenario_comparison.py"), str(shared_data)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    tables = scenario_tables(done.stdout)
    for prefix, model in (("ARIMA(", "arima"), ("MS(2)", "markov")):
        (table,) = [t for name, t in tables.items() if name.startswith(prefix)]
        argv = [
            "forecast", str(shared_data / "tsinghua_relations_long.csv"), "--dyad", "Japan",
            "--until", "2025-06", "--leaders", str(shared_data / "leaders.csv"),
            "--model", model, "--paths", "10000", "--seed", "0", "--format", "json",
        ]  # fmt: skip
        capsys.readouterr()
        assert relforecast_main(argv) == 0
        cli = json.loads(capsys.readouterr().out)
        assert cli["months"][-1]["month"] == "2026-06"
        assert table.loc["baseline", "p_cross"] == pytest.approx(cli["prob_cross"], abs=5e-4)
        assert table.loc["baseline", "median_end"] == pytest.approx(
            cli["months"][-1]["q50"], abs=5e-4
        )


def test_the_example_shock_calendar_is_the_guides(tmp_path):
    """examples/shocks_japan.yaml (named by the README's --shocks command) holds the YAML
    calendar docs/guide.md shows, shock for shock."""
    import relforecast as rf

    guide = (EXAMPLES.parent / "docs" / "guide.md").read_text(encoding="utf-8")
    block = guide.split("A YAML calendar")[1].split("```yaml\n")[1].split("```")[0]
    (tmp_path / "shown.yaml").write_text(block, encoding="utf-8")
    shown = rf.ShockCalendar.from_yaml(tmp_path / "shown.yaml")
    kept = rf.ShockCalendar.from_yaml(EXAMPLES / "shocks_japan.yaml")
    months = pd.period_range("2024-01", "2026-12", freq="M")
    pd.testing.assert_frame_equal(kept.design(months), shown.design(months))
    assert "examples/shocks_japan.yaml" in (EXAMPLES.parent / "README.md").read_text()
