"""Forecast China–Japan twelve months ahead and ask the paths the usual questions.

Runs on the synthetic demo by default; pass the path of the real long CSV to use it:

    python examples/forecast_japan.py
    python examples/forecast_japan.py ../shared/data/tsinghua_relations_long.csv \\
        ../shared/data/leaders.csv --lang zh --out FOLDER

The fan chart goes into ``--out`` (default ``example_output/`` under the current directory,
which git ignores), in English or Chinese (``--lang zh`` draws with the report's CJK font).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import relforecast as rf


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scores", nargs="?", help="long CSV of scores (default: the demo)")
    parser.add_argument("leaders", nargs="?", help="leaders.csv for leader-change shocks")
    parser.add_argument("--out", default="example_output", help="folder for the fan chart")
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    args = parser.parse_args(argv)
    if args.scores:
        series = rf.load_scores(args.scores, dyad="Japan")
        shocks = rf.ShockCalendar.from_leaders(args.leaders, "Japan") if args.leaders else None
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
    ax = fc.plot(lang=args.lang)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ax.figure.savefig(out / "forecast_japan.png", dpi=120, bbox_inches="tight")
    print(f"fan chart written to {out / 'forecast_japan.png'}")


if __name__ == "__main__":
    main()
