"""Compare the China–Japan scenarios of the season side by side.

    python examples/scenario_comparison.py                       # synthetic demo data
    python examples/scenario_comparison.py ../shared/data        # real data (by path)

Two models are compared: the command line's ``arima`` and ``markov`` (each on the last 240
months). With the real data, they are fitted on Japan as of 2025-06 with the leader-change
calendar from ``leaders.csv`` cut at the same month, and the window is July 2025 – June 2026:
the same inputs as ``relforecast outlook ../shared/data/tsinghua_relations_long.csv --dyad
Japan --until 2025-06 --leaders ../shared/data/leaders.csv --model arima --scenarios
examples/scenarios_japan.yaml`` (or ``--model markov``), so the same seed gives the same numbers
as that report's ``scenarios.csv``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import relforecast as rf

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> None:
    if argv:
        data = Path(argv[0])
        series = rf.load_scores(data / "tsinghua_relations_long.csv", dyad="Japan")
        calendar = rf.ShockCalendar.from_leaders(data / "leaders.csv", "Japan")
        # as of 2025-06, as the report with --until 2025-06: the scores *and* the calendar are
        # cut (the calendar also holds the leader change of 2025-10, which a forecast would
        # otherwise apply to every path; see "Same seed, different numbers?" in docs/outlook.md)
        cut = rf.asof.as_of("2025-06", series=series, calendar=calendar)
        series, shocks = cut.series, cut.calendar
    else:
        series, shocks = rf.datasets.demo(), rf.datasets.demo_shocks()
    scenarios = rf.load_scenarios(HERE / "scenarios_japan.yaml")
    models = (
        rf.ARIMA(order="auto", window=240),  # --model arima
        rf.MarkovSwitching(k_regimes=2, momentum=12, window=240),  # --model markov
    )
    for model in models:
        fit = model.fit(series, shocks=shocks)
        table = rf.compare_scenarios(
            fit, scenarios, window="2025-07:2026-06", n_paths=10_000, rng=0
        )
        cols = [
            "median_end",
            "q10_end",
            "q90_end",
            "p_cross",
            "p_cross_se",
            "d_p_cross",
            "d_p_cross_se",
            "level_end",
        ]
        print(f"\n{series.name} — {fit.name}, window 2025-07:2026-06")
        with pd.option_context("display.width", 160):
            print(table[cols].round(3).to_string())


if __name__ == "__main__":
    main(sys.argv[1:])
