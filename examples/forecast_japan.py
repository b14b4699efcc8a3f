"""Forecast China–Japan twelve months ahead and ask the paths the usual questions.

Runs on the synthetic demo by default; pass the path of the real long CSV to use it:

    python examples/forecast_japan.py
    python examples/forecast_japan.py ../shared/data/tsinghua_relations_long.csv \\
        ../shared/data/leaders.csv
"""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")

import relforecast as rf


def main(argv: list[str]) -> None:
    if argv:
        series = rf.load_scores(argv[0], dyad="Japan")
        shocks = rf.ShockCalendar.from_leaders(argv[1], "Japan") if len(argv) > 1 else None
    else:
        series, shocks = rf.datasets.demo(), rf.datasets.demo_shocks()
    fit = rf.ARIMA(order="auto").fit(series, shocks=shocks)
    print(fit)
    print(fit.params.round(3).to_string(), "\n")
    fc = fit.forecast(12, n_paths=10_000, rng=0)
    p, se = fc.prob_cross(-6), fc.mc_se(-6)
    print(f"P(crossing -6 within 12 months) = {p:.3f} ± {se:.3f}")
    print(f"median first-passage month: {fc.median_first_passage(-6)}")
    print(fc.quantiles([0.1, 0.5, 0.9]).round(2).to_string())
    print(fc.level_probabilities().round(3).to_string())
    ax = fc.plot()
    ax.figure.savefig("forecast_japan.png", dpi=120, bbox_inches="tight")
    print("fan chart written to forecast_japan.png")


if __name__ == "__main__":
    main(sys.argv[1:])
