"""Which linear pool for `auto`: every candidate pool scored on the same component paths.

Protocol: the evaluation protocol of benchmarks/backtest_skill.py thinned to every 3rd monthly
origin (1995-01, 1995-04, ... 2024-07; 7 dyads, 833 dyad-origins), h = 12, thresholds -6, -3, 0,
3, 1,200 paths per component, components refitted every 12 months and applied to the new data
in between (``fit.update``). Each component is fitted and simulated once per origin; a pool
takes the first ``weight * 1200`` paths of each of its components, so pools differ only in
their mixture, not in their random numbers. The baselines are scored by ``rf.backtest`` with
the same origins and refit policy.

The ARIMA(auto) member uses the library default (no drift on a bounded scale).

Run:  python benchmarks/pool_choice.py [--workers 2] [--out pools.csv] [--more-orders]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _common import require_shared_data

import relforecast as rf
from relforecast.evaluation.rowblock import RowBlock, frame_from_blocks, summarise_paths
from relforecast.panel.parallel import run_tasks

THRESHOLDS = (-6.0, -3.0, 0.0, 3.0)
N_PATHS = 1200
COMPONENTS = {
    "ARIMA(auto)": lambda: rf.ARIMA(order="auto", window=240),
    "ARIMA(1,1,1)": lambda: rf.ARIMA(order=(1, 1, 1), window=240),
    "ARIMA(1,1,0)": lambda: rf.ARIMA(order=(1, 1, 0), window=240),
    "MS": lambda: rf.MarkovSwitching(k_regimes=2, form="diff", window=240),
    "block": lambda: rf.BlockBootstrap(window=240, block=12),
    "block centred": lambda: rf.BlockBootstrap(window=240, block=12, drift=False),
    "MS momentum": lambda: rf.MarkovSwitching(momentum=12, window=240),
    "MS mean only": lambda: rf.MarkovSwitching(switching_variance=False, window=240),
}
POOLS = {
    "ARIMA(auto) + MS": ("ARIMA(auto)", "MS"),
    "ARIMA(auto) + MS + block": ("ARIMA(auto)", "MS", "block"),
    "MS + block": ("MS", "block"),
    "ARIMA(1,1,0) + MS + block": ("ARIMA(1,1,0)", "MS", "block"),
    "ARIMA(1,1,0) + block": ("ARIMA(1,1,0)", "block"),
    "ARIMA(auto) + ARIMA(1,1,0) + MS + block": ("ARIMA(auto)", "ARIMA(1,1,0)", "MS", "block"),
    "ARIMA(1,1,1) + MS + block": ("ARIMA(1,1,1)", "MS", "block"),
    "ARIMA(1,1,1) + ARIMA(1,1,0) + MS + block": (
        "ARIMA(1,1,1)",
        "ARIMA(1,1,0)",
        "MS",
        "block",
    ),
    "ARIMA(1,1,1) + ARIMA(1,1,0) + MS + centred block": (
        "ARIMA(1,1,1)",
        "ARIMA(1,1,0)",
        "MS",
        "block centred",
    ),
    "auto: ARIMA(1,1,1) + ARIMA(1,1,0) + MS momentum + block": (
        "ARIMA(1,1,1)",
        "ARIMA(1,1,0)",
        "MS momentum",
        "block",
    ),
    "ARIMA(1,1,1) + MS momentum + block": ("ARIMA(1,1,1)", "MS momentum", "block"),
    "ARIMA(1,1,1) + MS momentum": ("ARIMA(1,1,1)", "MS momentum"),
    "auto with MS mean only instead": ("ARIMA(1,1,1)", "ARIMA(1,1,0)", "MS mean only", "block"),
    **{f"{name} alone": (name,) for name in COMPONENTS},
}
BASELINES = ("rw-gauss", "rw-boot", "arima110")
# --more-orders: is a richer ARIMA worth a place instead of ARIMA(1,1,0)?
MORE_ORDERS = ((1, 1, 2), (2, 1, 1), (2, 1, 2))


def origins() -> pd.PeriodIndex:
    return pd.period_range("1995-01", "2024-08", freq="M")[::3]


def score_dyad(task: tuple[str, pd.Series]) -> list[RowBlock]:
    """Backtest rows of every pool for one dyad (one block of rows a pool)."""
    dyad, series = task
    fits: dict[str, object] = {}
    rows: dict[str, list[np.ndarray]] = {pool: [] for pool in POOLS}
    for i, origin in enumerate(origins()):
        history = series.loc[:origin]
        for name, make in COMPONENTS.items():
            refit = i % 4 == 0 or name not in fits
            fits[name] = make().fit(history) if refit else fits[name].update(history)
        paths = {
            name: fit.forecast(12, n_paths=N_PATHS, rng=np.random.default_rng([i, k])).paths
            for k, (name, fit) in enumerate(fits.items())
        }
        index = pd.period_range(origin + 1, periods=12, freq="M")
        for pool, members in POOLS.items():
            share = round(N_PATHS / len(members))
            mixed = np.vstack([paths[m][:share] for m in members])
            fc = rf.Forecast(mixed, index, rf.TSINGHUA_SCALE)
            rows[pool].append(summarise_paths(fc.paths, fc.values, THRESHOLDS))
    ordinals = np.array([o.ordinal for o in origins()], dtype=np.int64)
    return [RowBlock(dyad, pool, ordinals, 12, np.vstack(v)) for pool, v in rows.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=None, help="write the backtest rows to this CSV")
    parser.add_argument(
        "--more-orders",
        action="store_true",
        help=f"add ARIMA{MORE_ORDERS} as components and as the replacement of ARIMA(1,1,0)",
    )
    args = parser.parse_args()
    if args.more_orders:
        for order in MORE_ORDERS:
            name = f"ARIMA{order}".replace(" ", "")
            COMPONENTS[name] = lambda order=order: rf.ARIMA(order=order, window=240)
            POOLS[f"ARIMA(1,1,1) + {name} + MS + block"] = (
                "ARIMA(1,1,1)",
                name,
                "MS",
                "block",
            )
            POOLS[f"{name} alone"] = (name,)
    panel = rf.load_panel(require_shared_data() / "tsinghua_relations_long.csv")
    t0 = time.perf_counter()
    tasks = [(d, panel[d].dropna()) for d in panel.columns]
    per_dyad = run_tasks(score_dyad, tasks, workers=args.workers)
    frames = [frame_from_blocks((b for blocks in per_dyad for b in blocks), THRESHOLDS)]
    for name in BASELINES:
        frames.append(
            rf.backtest(
                panel,
                name,
                list(origins()),
                n_paths=N_PATHS,
                refit_every=4,
                rng=0,
                workers=args.workers,
            )
        )
    bt = pd.concat(frames, ignore_index=True)
    if args.out:
        bt.to_csv(args.out, index=False)
    summary = rf.evaluate(bt, panel).summary(12)
    order = [*POOLS, *BASELINES]
    wall = time.perf_counter() - t0
    print(f"{len(panel.columns)} dyads x {len(origins())} origins, {wall:.0f} s")
    print(summary.reindex(order).round(4).to_string())


if __name__ == "__main__":
    main()
