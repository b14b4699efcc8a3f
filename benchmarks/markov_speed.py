"""Speed of regime-switching simulation against statsmodels' SARIMAX.simulate.

Simulating 100,000 paths x 12 months from a fitted 2-regime model (Japan, form="diff") versus
``SARIMAX.simulate(anchor="end", repetitions=100_000)`` of an ARIMA(1,1,1) on the same
transformed series, both timed in this script; also the model with ``momentum=12`` (each path
carries its last 12 changes). Target: ratio <= 1.

Run:  python benchmarks/markov_speed.py [--paths 100000] [--repeats 5]
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
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    japan = rf.load_scores(require_shared_data() / "tsinghua_relations_long.csv", dyad="Japan")
    ms = rf.MarkovSwitching(k_regimes=2, form="diff").fit(japan)
    ms_momentum = rf.MarkovSwitching(k_regimes=2, form="diff", momentum=12).fit(japan)
    z = rf.TSINGHUA_SCALE.to_unbounded(japan).to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        arima = SARIMAX(z, order=(1, 1, 1)).fit(disp=False)

    def ours() -> None:
        ms.forecast(12, n_paths=args.paths, rng=0)

    def ours_momentum() -> None:
        ms_momentum.forecast(12, n_paths=args.paths, rng=0)

    def statsmodels_simulate() -> None:
        arima.simulate(12, repetitions=args.paths, anchor="end", rng=np.random.default_rng(0))

    t_ms = best_of(ours, args.repeats)
    t_mom = best_of(ours_momentum, args.repeats)
    t_sm = best_of(statsmodels_simulate, args.repeats)
    print(
        f"{args.paths} paths x 12 months (median of {args.repeats}): "
        f"MarkovSwitching.forecast {t_ms:.3f} s, SARIMAX.simulate {t_sm:.3f} s, "
        f"ratio {t_ms / t_sm:.3f} (target <= 1); with momentum(12) {t_mom:.3f} s, "
        f"ratio {t_mom / t_sm:.3f}"
    )


if __name__ == "__main__":
    main()
