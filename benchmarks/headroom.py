"""How much better than the peers could any forecast of an event index be? Oracles that know
the future level, on the origins of ``benchmarks/peers.py``.

A machine-coded event index is mostly month-to-month noise around a slowly moving level. A
forecaster can only gain on the level's path, so a forecast told the future level bounds what
any method — ``auto``, a peer, a better member — could reach. The oracle of width ``w`` forecasts
each target month ``t`` by a Gaussian centred on the mean of the ``w`` months around ``t`` (from
``t - (w-1)/2`` to ``t + (w-1)/2``, the outcome itself among them, hence "oracle") with the standard
deviation of the series around that centred mean over the 120 months up to the origin. Its paths
are tied across months like the peers' (Gaussian copula with a random walk's dependence) and
scored by ``rf.evaluate``, as the peers' and ``auto``'s rows are.

Printed per data set (GDELT, ICEWS): the mean CRPS, CRPS at h = 1 and h = 12 of ``auto``, the
best peer (lowest mean CRPS; statsforecast's twelve variants and the 60-month climatology), and
the oracles of 13, 25 and 49 months, as ratios to the best peer. The gap between the best peer
and an oracle is all a method could gain by knowing the level over the next one to four years;
``auto`` and every peer are between.

The ``auto`` and peer rows come from the cache of ``benchmarks/peers.py`` (computed, and cached,
for the origins it lacks).

Run:  python benchmarks/headroom.py [--datasets gdelt,icews] [--every 24] [--workers 2]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import peers
from _common import require_shared_data
from scipy.stats import norm

import relforecast as rf
from relforecast.evaluation.backtest import parse_origins

WIDTHS = (13, 25, 49)
SPREAD_WINDOW = 120


def oracle_rows(
    series: pd.Series, origins: list[pd.Period], width: int, thresholds: tuple[float, ...]
) -> pd.DataFrame:
    """Backtest rows of the oracle of ``width`` months for one series."""
    level = series.rolling(width, center=True, min_periods=width // 2 + 1).mean()
    frames = []
    for o in origins:
        targets = pd.period_range(o + 1, periods=peers.HORIZON, freq="M")
        centre = level.reindex(targets).to_numpy(dtype=float)
        if np.isnan(centre).any():
            continue
        sd = float((series - level).loc[:o].iloc[-SPREAD_WINDOW:].std())
        quantiles = centre[:, None] + sd * norm.ppf(peers._PROBS)[None, :]
        rng = np.random.default_rng([width, o.ordinal])
        paths = peers.copula_paths(quantiles, 2000, rng)
        frames.append(
            peers.contract_rows(str(series.name), f"oracle{width}", o, paths, thresholds)
        )
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default="gdelt,icews")
    parser.add_argument("--every", type=int, default=24, help="Months between origins.")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    args.paths = 2000
    data_dir = require_shared_data()
    for name in args.datasets.split(","):
        data = peers.DATASETS[name]
        panel = data.panel(data_dir, None)
        origins = parse_origins(data.origins, args.every)
        print(f"{name}: {panel.shape[1]} series, {len(origins)} origins", flush=True)
        table = peers.run_dataset(data, panel, origins, args)
        oracles = [
            oracle_rows(panel[d].dropna(), origins, w, data.thresholds)
            for d in panel.columns
            for w in WIDTHS
        ]
        table = pd.concat([table, *oracles], ignore_index=True)
        keys = ["dyad", "origin", "h"]
        common = table.groupby(keys)["model"].nunique() == table["model"].nunique()
        table = table.set_index(keys).loc[common[common].index].reset_index()
        ev = rf.evaluate(table, panel)
        crps = ev.by_horizon()["crps"].unstack("h")
        scores = pd.DataFrame(
            {"crps_mean": crps.mean(axis=1), "crps@1": crps[1], "crps@12": crps[peers.HORIZON]}
        )
        candidates = scores.drop(index=["auto", *(f"oracle{w}" for w in WIDTHS)])
        best = str(candidates["crps_mean"].idxmin())
        shown = scores.loc[["auto", best, *(f"oracle{w}" for w in WIDTHS)]]
        n = table[(table["model"] == "auto") & (table["h"] == 1)].shape[0]
        print(f"\n== {name}: {n} series-origins; ratios to the best peer, {best}")
        print((shown / shown.loc[best]).round(3).to_string())


if __name__ == "__main__":
    main()
