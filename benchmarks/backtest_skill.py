"""Skill of `auto` against the baselines under the evaluation protocol, and the refit speed-up.

Protocol: the seven dyads of ../shared/data, monthly origins
1995-01 … 2024-08, horizon 12, thresholds -6, -3, 0, 3; CRPS from the 19 quantiles; Brier over
the origin x threshold cases whose origin value is >= the threshold; coverage at h = 12.

Models: auto (linear pool of ARIMA and 2-regime switching, last 240 months), the baselines
rw-gauss, rw-boot, arima110, and the two components on their own. Refit every 12 origins
(the estimates are applied to the new data in between; see relforecast.evaluation.backtest).

Speed: the same backtest of `auto` on one dyad, refitting at every origin vs every 12.

Run:  python benchmarks/backtest_skill.py [--workers 2] [--paths 2000] [--models auto,rw-gauss]
      [--dyads Japan,US] [--speed-dyad ""]
Each model's backtest is kept in --cache (default bt_cache/) and reused by later runs of the
same specification (the file name carries a digest of the model's repr, so a changed default
runs again).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
from _common import require_shared_data, spec_digest

import relforecast as rf
from relforecast.evaluation.backtest import backtest
from relforecast.evaluation.scores import evaluate

BASELINES = ("rw-gauss", "rw-boot", "arima110")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--paths", type=int, default=2000)
    parser.add_argument("--origins", default="1995-01:2024-08")
    parser.add_argument("--models", default="auto,arima,markov,rw-gauss,rw-boot,arima110")
    parser.add_argument("--refit-every", type=int, default=12)
    parser.add_argument(
        "--dyads", default="", help="comma-separated dyads to backtest (default: all seven)"
    )
    parser.add_argument("--speed-dyad", default="Japan", help="'' skips the speed comparison")
    parser.add_argument("--speed-origins", default="2010-01:2014-12")
    parser.add_argument(
        "--cache",
        default="bt_cache",
        help="folder keeping each model's backtest CSV (reused when present)",
    )
    args = parser.parse_args()
    panel = rf.load_panel(require_shared_data() / "tsinghua_relations_long.csv")
    if args.dyads:
        panel = panel[[d.strip() for d in args.dyads.split(",")]]
    models = args.models.split(",")
    timings = {}
    frames = []
    cache = Path(args.cache)
    cache.mkdir(exist_ok=True)
    for model in models:
        dyads = f"_{args.dyads.replace(',', '-')}" if args.dyads else ""
        spec = spec_digest(rf.models.registry.make_model(model))
        path = cache / f"{model}_{spec}_{args.origins.replace(':', '_')}_{args.paths}{dyads}.csv"
        if path.is_file():
            frames.append(pd.read_csv(path, dtype={"origin": str, "target": str}))
            timings[model] = float("nan")
            continue
        t0 = time.perf_counter()
        frame = backtest(
            panel,
            model,
            args.origins,
            every=1,
            n_paths=args.paths,
            refit_every=args.refit_every,
            workers=args.workers,
            progress=True,
        )
        timings[model] = time.perf_counter() - t0
        frame.to_csv(path, index=False)
        print(f"{model}: {timings[model]:.0f} s", flush=True)
        frames.append(frame)
    bt = pd.concat(frames, ignore_index=True)
    ev = evaluate(bt, panel)
    summary = ev.summary(12)
    summary["wall_s"] = pd.Series(timings)
    print(summary.round(4).to_string())
    best = summary.loc[[b for b in BASELINES if b in summary.index]]
    if "auto" in summary.index and len(best):
        auto = summary.loc["auto"]
        print(
            "\nauto / best baseline: "
            f"CRPS@12 {auto['crps@12'] / best['crps@12'].min():.3f} (target <= 0.95), "
            f"mean CRPS {auto['crps_mean'] / best['crps_mean'].min():.3f} (target <= 0.93), "
            f"Brier {auto['brier@12'] / best['brier@12'].min():.3f} (target <= 0.90); "
            f"coverage 80 % {auto['cov80@12']:.3f} (0.78-0.82), "
            f"50 % {auto['cov50@12']:.3f} (0.48-0.52)"
        )
        rel = ev.reliability(12).loc["auto"]
        big = rel[rel["cases"] >= 100]
        gap = (big["forecast"] - big["observed"]).abs()
        print(
            f"reliability bins with >= 100 cases: {len(big)}, "
            f"max |forecast - observed| = {gap.max():.3f} (target <= 0.05)"
        )
        print(rel.round(3).to_string())
    if args.speed_dyad:
        one = panel[[args.speed_dyad]]
        t0 = time.perf_counter()
        backtest(one, "auto", args.speed_origins, every=1, n_paths=args.paths, refit_every=1)
        scratch = time.perf_counter() - t0
        t0 = time.perf_counter()
        backtest(
            one,
            "auto",
            args.speed_origins,
            every=1,
            n_paths=args.paths,
            refit_every=args.refit_every,
        )
        policy = time.perf_counter() - t0
        print(
            f"\nspeed, {args.speed_dyad} {args.speed_origins}: refit every origin "
            f"{scratch:.1f} s, every {args.refit_every}: {policy:.1f} s, "
            f"ratio {scratch / policy:.1f}x (target >= 5x)"
        )


if __name__ == "__main__":
    main()
