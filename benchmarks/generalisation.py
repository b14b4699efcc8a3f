"""Does `auto` generalise to dyads it was not built on?  Leave-one-dyad-out, end to end.

Protocol: the seven dyads of ../shared/data, quarterly origins 1995-03 … 2024-06 (118 per
dyad), horizon 12, thresholds -6, -3, 0, 3, components refitted every 12 origins and applied to
the new data in between (``fit.update``), as ``relforecast backtest --every 3 --refit-every 12``
does.

The continuous candidates (ARIMA, regime switching) are published in whole steps of 0.1
(``rf.Sticky``), as in the library's `auto`; ``--continuous`` runs them without (kept for
comparison, in its own cache folder).

Stage 1 (``components``, slow, cached in --cache): at every origin, every candidate component
is fitted (or updated) inside one ``rf.Auto`` whose replay record keeps the longest lookback
tried; the record's scoring kernels and each component's forecast paths (--paths per
component) are stored. The baselines (rw-gauss, rw-boot, arima110) are run by
``rf.backtest`` with the same origins, refit policy and number of paths.

Stage 2 (``lodo``, fast): every candidate configuration of the adaptive pool (component set,
replay lookback, shrinkage toward equal weights; with --spreads also spread factors ramping
over the horizon, chosen second) is scored on the stored paths — the weights
are computed from the stored replay kernels exactly as ``AutoResult`` computes them. For each
held-out dyad the configuration with the best criterion on the *other six* is chosen and
scored on the held-out dyad. Criterion: the mean over the six dyads and the 12 horizons of
CRPS / (best baseline's CRPS for that dyad and horizon). The table reports per dyad and
pooled: CRPS@1, CRPS@12, mean CRPS, 50/80 % coverage (quantile intervals and randomised PIT),
Brier over all thresholds at h = 12, and the reliability bins with counts; against the three
baselines and the equal-weight pool of the landed `auto`.

Stage 3 (``check``): ``rf.backtest`` of the library's default `auto` on the same protocol, to
confirm that the library reproduces the chosen configuration's scores.

Run:  python benchmarks/generalisation.py [--stage all|components|lodo|check] [--workers 2]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import pickle
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scoringrules as sr
from _common import require_shared_data

import relforecast as rf
from relforecast.evaluation.backtest import QUANTILE_LEVELS, backtest
from relforecast.evaluation.scores import randomized_pit_coverage
from relforecast.models.adaptive import Adaptation, criterion, learned_weights
from relforecast.panel.parallel import run_tasks

ORIGINS = pd.period_range("1995-03", "2024-06", freq="M")[::3]
HORIZON = 12
THRESHOLDS = (-6.0, -3.0, 0.0, 3.0)
REFIT_EVERY = 12
MAX_LOOKBACK = 120
STEP = 3
CANDIDATES = {
    "ARIMA(1,1,1)": lambda: rf.Sticky(rf.ARIMA(order=(1, 1, 1), window=240)),
    "ARIMA(1,1,0)": lambda: rf.Sticky(rf.ARIMA(order=(1, 1, 0), window=240)),
    "MS momentum": lambda: rf.Sticky(
        rf.MarkovSwitching(k_regimes=2, form="diff", momentum=12, window=240)
    ),
    "block(12)": lambda: rf.BlockBootstrap(window=240, block=12),
    "iid(240)": lambda: rf.BlockBootstrap(window=240, block=1),
    "block(12) 120": lambda: rf.BlockBootstrap(window=120, block=12),
    "iid(120)": lambda: rf.BlockBootstrap(window=120, block=1),
}
LANDED = ("ARIMA(1,1,1)", "ARIMA(1,1,0)", "MS momentum", "block(12)")
SETS = {
    "landed four": LANDED,
    "landed four + iid(240)": (*LANDED, "iid(240)"),
    "all seven": tuple(CANDIDATES),
    "ARIMA(1,1,1) + MS + block + iid": ("ARIMA(1,1,1)", "MS momentum", "block(12)", "iid(240)"),
    "landed four + 120-month bootstraps": (*LANDED, "block(12) 120", "iid(120)"),
}
LOOKBACKS = (24, 36, 60, 120)
SHRINKS = (0.0, 0.25, 0.5, 0.75, 1.0)
BASELINES = ("rw-gauss", "rw-boot", "arima110")
SPREADS = tuple(
    (a, b) for a in (0.8, 0.9, 1.0, 1.1) for b in (0.8, 0.9, 1.0, 1.1, 1.2)
)


def dyad_seed(dyad: str) -> int:
    """A stable integer from the dyad's name (not its position in the file)."""
    return int.from_bytes(hashlib.sha256(dyad.encode()).digest()[:4], "little")


def run_components(task: tuple[str, pd.Series, int]) -> dict:
    """Stage 1 for one dyad: replay kernels and component paths at every origin."""
    dyad, series, n_paths = task
    spec = rf.Auto(
        components=[make() for make in CANDIDATES.values()],
        adapt=Adaptation(lookback=MAX_LOOKBACK, step=STEP),
    )
    fit = None
    out = {"origins": [], "paths": [], "kernels": []}
    for i, origin in enumerate(ORIGINS):
        history = series.loc[:origin]
        fit = spec.fit(history) if fit is None or i % REFIT_EVERY == 0 else fit.update(history)
        A, B, observed = fit.record.kernels(history)
        record_origins = np.array([o.ordinal for o in fit.record.origins])
        paths = np.stack(
            [
                f.forecast(
                    HORIZON,
                    n_paths=n_paths,
                    rng=np.random.default_rng([dyad_seed(dyad), int(origin.ordinal), c]),
                ).paths.astype(np.float32)
                for c, f in enumerate(fit.fits)
            ]
        )
        out["origins"].append(origin)
        out["paths"].append(paths)
        out["kernels"].append((record_origins, A, B, observed))
    out["paths"] = np.stack(out["paths"])  # (origins, components, n_paths, horizon)
    return out


def stage_components(panel: pd.DataFrame, cache: Path, workers: int, n_paths: int) -> None:
    todo = [d for d in panel.columns if not (cache / f"components_{d}.pkl").is_file()]
    tasks = [(d, panel[d].dropna(), n_paths) for d in todo]
    t0 = time.perf_counter()
    for dyad, result in zip(todo, run_tasks(run_components, tasks, workers=workers), strict=True):
        (cache / f"components_{dyad}.pkl").write_bytes(pickle.dumps(result))
        print(f"components {dyad}: {time.perf_counter() - t0:.0f} s", flush=True)
    base = cache / "baselines.csv"
    if not base.is_file():
        frames = [
            backtest(
                panel,
                name,
                list(ORIGINS),
                n_paths=4000,
                refit_every=REFIT_EVERY,
                rng=0,
                workers=workers,
            )
            for name in BASELINES
        ]
        pd.concat(frames, ignore_index=True).to_csv(base, index=False)


# ---------------------------------------------------------------- stage 2: pools from the store


def pool_weights(
    kernels: tuple, members: list[int], lookback: int, shrink: float, origin: pd.Period
) -> np.ndarray:
    """The weights ``AutoResult`` would use (same criterion and stacking)."""
    record_origins, A, B, observed = kernels
    keep = record_origins >= (origin - lookback).ordinal
    a, b, scored = criterion(
        A[keep][:, :, members], B[keep][:, :, members][:, :, :, members], observed[keep]
    )
    return learned_weights(a, b, scored, np.full(len(members), 1.0 / len(members)), shrink)


def pooled_paths(
    paths: np.ndarray, members: list[int], weights: np.ndarray, spread: tuple[float, float]
) -> np.ndarray:
    """The pool's paths: the first ``weight * n`` paths of each member, then (when ``spread``
    is not (1, 1)) spread factors ramping from ``spread[0]`` at h = 1 to ``spread[1]`` at
    h = 12, applied around the median on the transformed scale."""
    n = paths.shape[1]
    counts = np.floor(weights * n).astype(int)
    counts[int(np.argmax(weights))] += n - counts.sum()
    pooled = np.vstack([paths[m, :c] for m, c in zip(members, counts, strict=True) if c > 0])
    if tuple(spread) == (1.0, 1.0):
        return pooled.astype(float)
    scale = rf.TSINGHUA_SCALE
    z = scale.to_unbounded(np.clip(pooled.astype(float), -8.999, 8.999))
    factor = np.linspace(spread[0], spread[1], HORIZON)
    middle = np.median(z, axis=0)
    return scale.from_unbounded(middle + factor * (z - middle))


def pool_at(store: dict, i: int, config: tuple) -> np.ndarray:
    members, lookback, shrink, spread = config
    w = pool_weights(store["kernels"][i], members, lookback, shrink, store["origins"][i])
    return pooled_paths(store["paths"][i], members, w, spread)


def forecast_rows(dyad: str, model: str, origin: pd.Period, paths: np.ndarray) -> dict:
    """Contract quantities of one forecast (arrays over h) plus the published ensemble."""
    fc = rf.Forecast(paths, pd.period_range(origin + 1, periods=HORIZON, freq="M"))
    return {
        "dyad": dyad,
        "model": model,
        "origin": origin,
        "q": np.quantile(paths, QUANTILE_LEVELS, axis=0).T,  # (h, 19)
        "cross": np.stack([fc.prob_cross_curve(t).to_numpy() for t in THRESHOLDS], axis=1),
        "published": fc.values,
    }


def score_block(store: dict, series: pd.Series, dyad: str, model: str, config) -> pd.DataFrame:
    """Per (origin, h) scores of one pool configuration on one dyad (every score)."""
    rows = [
        forecast_rows(dyad, model, origin, pool_at(store, i, config))
        for i, origin in enumerate(store["origins"])
    ]
    return score_rows(rows, series)


def crps_block(store: dict, observed: np.ndarray, config) -> np.ndarray:
    """CRPS (origins x horizons; NaN where unobserved) of one configuration: the fast path
    used to choose configurations."""
    alpha = np.asarray(QUANTILE_LEVELS)
    q = np.stack(
        [
            np.quantile(pool_at(store, i, config), QUANTILE_LEVELS, axis=0).T
            for i in range(len(store["origins"]))
        ]
    )  # (origins, h, 19)
    crps = np.asarray(sr.crps_quantile(np.nan_to_num(observed), q, alpha))
    return np.where(np.isnan(observed), np.nan, crps)


def observed_targets(store: dict, series: pd.Series) -> np.ndarray:
    return np.stack(
        [
            series.reindex(pd.period_range(o + 1, periods=HORIZON, freq="M")).to_numpy(float)
            for o in store["origins"]
        ]
    )


def score_rows(rows: list[dict], series: pd.Series) -> pd.DataFrame:
    alpha = np.asarray(QUANTILE_LEVELS)
    out = []
    for r in rows:
        origin = r["origin"]
        targets = pd.period_range(origin + 1, periods=HORIZON, freq="M")
        obs = series.reindex(targets).to_numpy(dtype=float)
        ok = ~np.isnan(obs)
        if not ok.any():
            continue
        q = r["q"]
        start = float(series.loc[origin])
        running_min = np.fmin.accumulate(np.where(ok, obs, np.inf))
        crps = np.asarray(sr.crps_quantile(np.where(ok, obs, 0.0), q, alpha))
        pub = r["published"]
        for h in np.flatnonzero(ok):
            row = {
                "dyad": r["dyad"],
                "model": r["model"],
                "origin": str(origin),
                "h": h + 1,
                "crps": crps[h],
                "in50": q[h, 4] <= obs[h] <= q[h, 14],
                "in80": q[h, 1] <= obs[h] <= q[h, 17],
            }
            if pub is not None:
                row["rpit50"] = randomized_pit_coverage(pub[:, h], obs[h], 0.5)
                row["rpit80"] = randomized_pit_coverage(pub[:, h], obs[h], 0.8)
            for j, t in enumerate(THRESHOLDS):
                row[f"p_{t:g}"] = r["cross"][h, j] if start >= t else np.nan
                row[f"e_{t:g}"] = float(running_min[h] < t) if start >= t else np.nan
            out.append(row)
    return pd.DataFrame(out)


def baseline_rows(frame: pd.DataFrame, dyad: str, model: str) -> list[dict]:
    part = frame[(frame["dyad"] == dyad) & (frame["model"] == model)]
    qcols = [f"q{round(100 * q)}" for q in QUANTILE_LEVELS]
    rows = []
    for origin, g in part.groupby("origin", sort=True):
        g = g.sort_values("h")
        rows.append(
            {
                "dyad": dyad,
                "model": model,
                "origin": pd.Period(origin, freq="M"),
                "q": g[qcols].to_numpy(float),
                "cross": g[[f"cross_{t:g}" for t in THRESHOLDS]].to_numpy(float),
                "published": None,
            }
        )
    return rows


def summarise(scores: pd.DataFrame) -> pd.DataFrame:
    """CRPS@1, CRPS@12, mean CRPS, coverages at h = 12, Brier over all thresholds at h = 12."""
    g = scores.groupby("model")
    at12 = scores[scores["h"] == HORIZON].groupby("model")
    at1 = scores[scores["h"] == 1].groupby("model")
    cases = brier_cases(scores[scores["h"] == HORIZON])
    out = pd.DataFrame(
        {
            "crps@1": at1["crps"].mean(),
            "crps@12": at12["crps"].mean(),
            "crps_mean": g["crps"].mean(),
            "cov50@12": at12["in50"].mean(),
            "cov80@12": at12["in80"].mean(),
            "rpit50@12": at12["rpit50"].mean() if "rpit50" in scores else np.nan,
            "rpit80@12": at12["rpit80"].mean() if "rpit80" in scores else np.nan,
            "brier@12": cases.groupby("model")["sq"].mean(),
            "events": cases.groupby("model")["event"].sum(),
            "cases": cases.groupby("model").size(),
        }
    )
    return out


def brier_cases(scores: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for t in THRESHOLDS:
        p, e = scores[f"p_{t:g}"], scores[f"e_{t:g}"]
        live = p.notna()
        parts.append(
            pd.DataFrame(
                {
                    "model": scores.loc[live, "model"],
                    "forecast": p[live],
                    "event": e[live],
                    "sq": (p[live] - e[live]) ** 2,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def reliability(scores: pd.DataFrame) -> pd.DataFrame:
    cases = brier_cases(scores[scores["h"] == HORIZON])
    edges = np.array([0.0, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0001])
    cases["bin"] = pd.cut(cases["forecast"], edges, right=False)
    return cases.groupby(["model", "bin"], observed=True).agg(
        forecast=("forecast", "mean"), observed=("event", "mean"), cases=("event", "size")
    )


def relative_crps(crps: dict[str, np.ndarray], best: pd.Series) -> float:
    """Mean over dyads and horizons of CRPS / best-baseline CRPS (``crps``: dyad -> array)."""
    ratios = []
    for dyad, c in crps.items():
        per_h = np.nanmean(c, axis=0)
        ratios.append(np.mean(per_h / best.loc[dyad].to_numpy()))
    return float(np.mean(ratios))


def stage_lodo(panel: pd.DataFrame, cache: Path, out: Path | None, spreads: bool) -> None:
    names = list(CANDIDATES)
    baselines = pd.read_csv(cache / "baselines.csv", dtype={"origin": str, "target": str})
    dyads = [d for d in panel.columns if (cache / f"components_{d}.pkl").is_file()]
    if len(dyads) < len(panel.columns):
        print(f"only {len(dyads)} dyads have stored components: {', '.join(dyads)}")
    stores = {d: pickle.loads((cache / f"components_{d}.pkl").read_bytes()) for d in dyads}
    observed = {d: observed_targets(stores[d], panel[d].dropna()) for d in dyads}
    t0 = time.perf_counter()
    base_scores = pd.concat(
        [
            score_rows(baseline_rows(baselines, d, m), panel[d].dropna())
            for d in dyads
            for m in BASELINES
        ],
        ignore_index=True,
    )
    best = base_scores.groupby(["dyad", "h", "model"])["crps"].mean().groupby(["dyad", "h"]).min()
    configs = {
        f"{s} | lookback {lb} | shrink {sh:g}": (
            [names.index(m) for m in SETS[s]],
            lb,
            sh,
            (1.0, 1.0),
        )
        for s, lb, sh in itertools.product(SETS, LOOKBACKS, SHRINKS)
        if not (sh == 1.0 and lb != LOOKBACKS[0])
    }
    crps = {
        label: {d: crps_block(stores[d], observed[d], c) for d in dyads}
        for label, c in configs.items()
    }
    print(f"{len(configs)} configurations scored in {time.perf_counter() - t0:.0f} s", flush=True)

    def choose(candidates: dict[str, np.ndarray], train: list[str]) -> str:
        crit = {
            label: relative_crps({d: c[d] for d in train}, best) for label, c in candidates.items()
        }
        return min(crit, key=crit.get)

    spread_cache: dict[tuple, dict[str, np.ndarray]] = {}

    def spread_variants(label: str) -> dict[str, np.ndarray]:
        members, lookback, shrink, _ = configs[label]
        out_ = {}
        for spread in SPREADS:
            key = (label, spread)
            if key not in spread_cache:
                config = (members, lookback, shrink, spread)
                spread_cache[key] = {d: crps_block(stores[d], observed[d], config) for d in dyads}
            out_[f"{label} | spread {spread[0]:g}-{spread[1]:g}"] = spread_cache[key]
        return out_

    # leave one dyad out: choose on six, score on the seventh
    chosen, held = {}, []
    for d in dyads:
        train = [x for x in dyads if x != d]
        base_label = choose(crps, train)
        label = choose(spread_variants(base_label), train) if spreads else base_label
        chosen[d] = label
        members, lookback, shrink, _ = configs[base_label]
        spread = (1.0, 1.0)
        if spreads:
            spread = tuple(float(v) for v in label.rsplit("spread ", 1)[1].split("-"))
        config = (members, lookback, shrink, spread)
        held.append(score_block(stores[d], panel[d].dropna(), d, "auto (LODO)", config))
    in_sample = {label: relative_crps(c, best) for label, c in crps.items()}
    overall = min(in_sample, key=in_sample.get)
    landed = f"landed four | lookback {LOOKBACKS[0]} | shrink 1"
    full = pd.concat(
        [
            *held,
            *(
                score_block(stores[d], panel[d].dropna(), d, "landed auto (equal)", configs[landed])
                for d in dyads
            ),
            *(
                score_block(stores[d], panel[d].dropna(), d, "auto (in-sample)", configs[overall])
                for d in dyads
            ),
            base_scores,
        ],
        ignore_index=True,
    )
    print("\nchosen configuration per held-out dyad (on the other six):")
    for d, label in chosen.items():
        print(f"  {d:8s} {label}")
    print(f"chosen on all: {overall}")
    print("\ncriterion (mean CRPS ratio to the best baseline), in-sample over all, top 12:")
    for label in sorted(in_sample, key=in_sample.get)[:12]:
        print(f"  {in_sample[label]:.4f}  {label}")
    print(f"  {in_sample[landed]:.4f}  {landed}")
    if spreads:
        print("\nspread factors on top of the configuration chosen on all (in-sample criterion):")
        for label, c in spread_variants(overall).items():
            print(f"  {relative_crps(c, best):.4f}  {label}")
    print("\npooled:")
    print(summarise(full).round(4).to_string())
    print("\nper held-out dyad:")
    per = full.groupby("dyad").apply(summarise, include_groups=False)
    print(per.round(4).to_string())
    print("\nreliability of P(cross) at h = 12, all thresholds:")
    print(reliability(full).round(3).to_string())
    if out is not None:
        full.to_csv(out, index=False)


def stage_check(panel: pd.DataFrame, workers: int) -> None:
    t0 = time.perf_counter()
    frame = backtest(
        panel, "auto", list(ORIGINS), n_paths=4000, refit_every=REFIT_EVERY, rng=0,
        workers=workers, progress=True,
    )
    print(f"library auto: {time.perf_counter() - t0:.0f} s")
    rows = [
        r
        for d in panel.columns
        for r in baseline_rows(frame, d, "auto")
    ]
    scores = pd.concat(
        [score_rows([r for r in rows if r["dyad"] == d], panel[d].dropna()) for d in panel.columns]
    )
    print(summarise(scores).round(4).to_string())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="all", choices=["all", "components", "lodo", "check"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--paths", type=int, default=1000, help="paths per component")
    parser.add_argument("--cache", default="bt_cache/generalisation")
    parser.add_argument("--out", default=None, help="write the held-out scores to this CSV")
    parser.add_argument(
        "--spreads",
        action="store_true",
        help="also choose spread factors (ramping over the horizon) by leave-one-dyad-out",
    )
    parser.add_argument(
        "--continuous",
        action="store_true",
        help="continuous ARIMA and regime-switching candidates (not published in steps)",
    )
    args = parser.parse_args()
    if args.continuous:
        for name in ("ARIMA(1,1,1)", "ARIMA(1,1,0)", "MS momentum"):
            sticky = CANDIDATES[name]
            CANDIDATES[name] = lambda sticky=sticky: sticky().model
    panel = rf.load_panel(require_shared_data() / "tsinghua_relations_long.csv")
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    if args.stage in ("all", "components"):
        stage_components(panel, cache, args.workers, args.paths)
    if args.stage in ("all", "lodo"):
        stage_lodo(panel, cache, Path(args.out) if args.out else None, args.spreads)
    if args.stage in ("all", "check"):
        stage_check(panel, args.workers)


if __name__ == "__main__":
    main()
