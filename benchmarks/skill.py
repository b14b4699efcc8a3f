"""Rolling-origin skill of the regime-switching model against ARIMA and a Gaussian random walk.

Protocol: the seven dyads of ``../shared/data/tsinghua_relations_long.csv``, June origins
1995-06 ... 2024-06, horizon 12, each model fitted only on data up to the origin:

* ``MS(2)-diff``: ``rf.MarkovSwitching(k_regimes=2, form="diff", window=240)`` (plug-in);
* ``MS(2)-diff draws``: the same with ``parameter_draws=40`` (estimation uncertainty);
* ``MS(2)-diff momentum(12)``: ``momentum=12``, the past year's mean change as a regressor with
  a regime-specific coefficient;
* ``MS(2)-AR(1)-diff``: regime-switching with an AR(1) term in the changes;
* not run by default: ``MS(2)-AR(2)-diff``, ``MS(2)-AR(1)-diff switching AR`` (regime-specific
  AR coefficient), the level forms, mean-only switching, momentum with parameter draws or
  three regimes;
* ``MS(2)-diff cal`` (not run by default): ``rf.Calibrated`` around the plug-in model
  (spread factors learnt from replayed forecasts inside the fitting window);
* ``ARIMA``: ``rf.ARIMA(order="auto", window=240)``;
* ``RW-gauss``: Gaussian random walk, sigma from the last 120 monthly changes.

Scores: CRPS (``scoringrules.crps_ensemble``) at h = 1 and h = 12, coverage of the
central 50 % and 80 % intervals at h = 1 and h = 12, and the count of fits that failed and fell
back to the random walk.

Run:  python benchmarks/skill.py [--paths 2000] [--workers 2] [--out skill.csv]
      [--models "MS(2)-diff,ARIMA,RW-gauss"]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import scoringrules as sr
from _common import require_shared_data

import relforecast as rf
from relforecast.evaluation.scores import randomized_pit_coverage
from relforecast.panel.parallel import run_tasks

HORIZONS = (1, 12)
DEFAULT_MODELS = (
    "MS(2)-diff,MS(2)-diff momentum(12),MS(2)-diff draws,MS(2)-AR(1)-diff,ARIMA,RW-gauss"
)
MODELS = {
    "MS(2)-diff": lambda: rf.MarkovSwitching(k_regimes=2, form="diff", window=240),
    "MS(2)-diff draws": lambda: rf.MarkovSwitching(window=240, parameter_draws=40),
    "MS(2)-AR(1)-diff": lambda: rf.MarkovSwitching(order=1, window=240),
    "MS(2)-AR(2)-diff": lambda: rf.MarkovSwitching(order=2, window=240),
    "MS(2)-AR(1)-diff switching AR": lambda: rf.MarkovSwitching(
        order=1, switching_ar=True, window=240
    ),
    "MS(2)-AR(1)-level": lambda: rf.MarkovSwitching(order=1, form="level", window=240),
    "MS(2)-AR(2)-level": lambda: rf.MarkovSwitching(order=2, form="level", window=240),
    "MS(2)-diff momentum(12)": lambda: rf.MarkovSwitching(momentum=12, window=240),
    "MS(2)-diff momentum(12) draws": lambda: rf.MarkovSwitching(
        momentum=12, window=240, parameter_draws=40
    ),
    "MS(3)-diff momentum(12)": lambda: rf.MarkovSwitching(k_regimes=3, momentum=12, window=240),
    "MS(2)-diff switching mean only": lambda: rf.MarkovSwitching(
        switching_variance=False, window=240
    ),
    "MS(3)-diff switching mean only": lambda: rf.MarkovSwitching(
        k_regimes=3, switching_variance=False, window=240
    ),
    "MS(2)-diff cal": lambda: rf.Calibrated(rf.MarkovSwitching(window=240)),
    "ARIMA": lambda: rf.ARIMA(order="auto", window=240),
    "RW-gauss": lambda: rf.RandomWalk("gaussian", window=120),
}


def score_origin(task: tuple[str, pd.Series, str, int, int]) -> list[dict]:
    """Fit every model at one origin and score its h = 1 and h = 12 forecasts."""
    dyad, series, origin, n_paths, seed, names = task
    history = series.loc[:origin]
    rows = []
    for name in names:
        make = MODELS[name]
        status = "ok"
        try:
            fit = make().fit(history)
        except rf.RelforecastError as exc:
            status = f"fallback: {exc}"
            fit = rf.RandomWalk("gaussian", window=120).fit(history)
        fc = fit.forecast(max(HORIZONS), n_paths=n_paths, rng=seed)
        for h in HORIZONS:
            target = fc.index[h - 1]
            if target not in series.index:
                continue
            obs = float(series.loc[target])
            ens = fc.paths[:, h - 1]
            q = np.quantile(ens, [0.1, 0.25, 0.75, 0.9])
            published = fc.values[:, h - 1]
            rows.append(
                {
                    "dyad": dyad,
                    "origin": origin,
                    "model": name,
                    "h": h,
                    "obs": obs,
                    "crps": float(sr.crps_ensemble(obs, ens)),
                    "in50": q[1] <= obs <= q[2],
                    "in80": q[0] <= obs <= q[3],
                    "rpit50": randomized_pit_coverage(published, obs, 0.5),
                    "rpit80": randomized_pit_coverage(published, obs, 0.8),
                    "status": status,
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--first", default="1995-06")
    parser.add_argument("--last", default="2024-06")
    parser.add_argument("--out", default=None, help="write the per-origin scores to this CSV")
    parser.add_argument(
        "--models",
        default=DEFAULT_MODELS,
        help=f"comma-separated, from {', '.join(MODELS)}",
    )
    parser.add_argument("--k-regimes", type=int, default=2, help="regimes of the MS models")
    args = parser.parse_args()
    names = args.models.split(",")
    if unknown := [n for n in names if n not in MODELS]:
        parser.error(f"unknown model(s) {unknown}; choose from {list(MODELS)}")
    if "RW-gauss" not in names:
        names.append("RW-gauss")  # the reference of the CRPS target
    if args.k_regimes != 2:
        k = args.k_regimes
        MODELS["MS(2)-diff"] = lambda: rf.MarkovSwitching(k_regimes=k, window=240)
    panel = rf.load_panel(require_shared_data() / "tsinghua_relations_long.csv")
    origins = [str(p) for p in pd.period_range(args.first, args.last, freq="12M")]
    tasks = [
        (d, panel[d].dropna(), o, args.paths, i, names)
        for d in panel.columns
        for i, o in enumerate(origins)
    ]
    rows = [r for chunk in run_tasks(score_origin, tasks, workers=args.workers) for r in chunk]
    scores = pd.DataFrame(rows)
    if args.out:
        scores.to_csv(args.out, index=False)
    table = scores.pivot_table(
        index="model",
        columns="h",
        values=["crps", "in50", "in80", "rpit50", "rpit80"],
        aggfunc="mean",
    )
    table.columns = [f"{m}@{h}" for m, h in table.columns]
    failures = scores[scores["h"] == 1].assign(fallback=lambda f: f["status"] != "ok")
    table["fallbacks"] = failures.groupby("model")["fallback"].sum()
    table["origins"] = failures.groupby("model").size()
    print(f"{len(panel.columns)} dyads x {len(origins)} June origins, {args.paths} paths")
    print(table.round(3).to_string())
    rw = table.loc["RW-gauss", "crps@1"]
    for model in (m for m in names if m != "RW-gauss"):
        print(
            f"{model}: CRPS@1 is {100 * (1 - table.loc[model, 'crps@1'] / rw):.1f} % below "
            "the Gaussian random walk's (target >= 10 %)"
        )


if __name__ == "__main__":
    main()
