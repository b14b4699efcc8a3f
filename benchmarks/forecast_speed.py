"""Speed of the ARIMA forecast path on the real Japan series.

1. Fixed order ARIMA(1,1,1): fit + 10,000 paths x 12 months through relforecast, against the
   same work written directly with statsmodels (transform, SARIMAX fit, simulate, back-
   transform) in this script. Reported as a ratio (target <= 1.3).
2. ``order="auto"`` end to end (fit + 10,000 paths), with and without the leader calendar
   (target <= 3 s on the 2-core machine).

Run:  python benchmarks/forecast_speed.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
from _common import best_of, require_shared_data
from statsmodels.tsa.statespace.sarimax import SARIMAX

import relforecast as rf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--paths", type=int, default=10_000)
    args = parser.parse_args()
    data = require_shared_data()
    japan = rf.load_scores(data / "tsinghua_relations_long.csv", dyad="Japan")
    leaders = rf.ShockCalendar.from_leaders(data / "leaders.csv", "Japan")
    scale = rf.TSINGHUA_SCALE

    def through_relforecast() -> np.ndarray:
        fit = rf.ARIMA(order=(1, 1, 1)).fit(japan)
        return fit.forecast(12, n_paths=args.paths, rng=0).paths

    def direct_statsmodels() -> np.ndarray:
        z = 9.0 * np.arctanh(np.clip(japan.to_numpy(), -8.95, 8.95) / 9.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = SARIMAX(z, order=(1, 1, 1)).fit(disp=False)
        sim = res.simulate(12, repetitions=args.paths, anchor="end", rng=np.random.default_rng(0))
        return 9.0 * np.tanh(np.asarray(sim).reshape(12, args.paths).T / 9.0)

    # same model, same answer (up to the optimiser): a sanity check of the comparison
    a, b = through_relforecast(), direct_statsmodels()
    assert abs(np.median(a[:, -1]) - np.median(b[:, -1])) < 0.05
    assert scale.contains(a).all()

    ours = best_of(through_relforecast, args.repeats)
    direct = best_of(direct_statsmodels, args.repeats)
    print(f"fixed ARIMA(1,1,1), fit + {args.paths} paths x 12 months (median of {args.repeats}):")
    print(
        f"  relforecast {ours:.3f} s, direct statsmodels {direct:.3f} s, "
        f"ratio {ours / direct:.2f} (target <= 1.3)"
    )

    def auto(shocks: rf.ShockCalendar | None) -> rf.Forecast:
        return rf.ARIMA().fit(japan, shocks=shocks).forecast(12, n_paths=args.paths, rng=0)

    for label, cal in (("no shocks", None), (f"{len(leaders)} leader changes", leaders)):
        t = best_of(lambda cal=cal: auto(cal), args.repeats)
        fc = auto(cal)
        print(
            f"order='auto' end to end, {label}: {t:.2f} s (target <= 3 s); "
            f"P(cross -6 within 12) = {fc.prob_cross(-6):.4f} +/- {fc.mc_se(-6):.4f}"
        )


if __name__ == "__main__":
    main()
