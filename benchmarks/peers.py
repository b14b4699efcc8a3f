"""``auto`` against general-purpose peers: statsforecast's AutoARIMA, AutoETS and AutoTheta, and
a 60-month climatology, on the same origins and scored by the same scorer.

Data sets (read by path from ../shared/data, or $RELFORECAST_SHARED_DATA):

* ``tsinghua``: the seven Tsinghua dyads (``tsinghua_relations_long.csv``), quarterly origins
  1995-03 ... 2024-06, thresholds -6, -3, 0, 3, on the Tsinghua scale;
* ``gdelt``, ``icews``: the aggregated event indices of ``event_indices.csv`` (``--where
  source=GDELT --where index_type=aggregated``), origins every 6 months 2008-06 ... 2024-06
  (ICEWS: ... 2022-12), threshold 0, on the continuous scale ``-10:10``. The ``auto`` rows are
  those of ``relforecast backtest DATA --dyad all --country-col partner --date-col month
  --score-col value --where source=GDELT --where index_type=aggregated --scale=-10:10
  --origins 2008-06:2024-06 --every 6 --horizon 12 --model auto --thresholds 0 --paths 2000
  --seed 1``.

Peers, fitted at every origin on the data up to it: each statsforecast model (season length 1)
fitted on all the data or on the last 240 months, with its Gaussian intervals or conformal
intervals (``ConformalIntervals(h=12, n_windows=5)``): twelve variants; the report names the
best variant (lowest mean CRPS over the data set) and compares ``auto`` with it. The
climatology is the empirical distribution of the last 60 months, the same for every month ahead.
Peers' quantiles are clipped to the scale's bounds (the truth lies inside them).

Every forecast is written in the backtest CSV contract (19 quantiles q5 ... q95, ``mean``,
``cross_T``) and scored by ``rf.evaluate``, as ``auto``'s are. The peers forecast one month at a
time, not paths: for ``cross_T`` their paths are drawn from each month's quantiles (53 levels,
1 % ... 99 %, interpolated) tied by a Gaussian copula with the dependence of a random walk
(correlation sqrt(j / k) between months j < k); the climatology's paths are independent draws.

Printed per data set: the score of every model, then ratios ``auto / best peer`` (< 1: ``auto``
is better) of the mean CRPS, CRPS at h = 1 and h = 12, the Brier score at h = 12, beside both
80 % coverages at h = 12; the same per series and per era of origins (1995-2004, 2005-2014,
2015-2024). Last, the time of ``auto`` fit + 2,000 paths over that of AutoARIMA fit + forecast on
each data set's series (full data; a ratio, the median over series).

Results are cached under ``bt_cache/peers/`` (one CSV per data set, dyad and model family,
holding every origin run so far; ``auto``'s named with a digest of its specification, so that a
changed default runs again); a rerun computes only the origins it lacks, so a subset run
first is reused by the whole one.

Run:  pip install -e ".[bench]"
      python benchmarks/peers.py [--datasets tsinghua,gdelt,icews] [--dyads Japan,US]
          [--every MONTHS] [--last N] [--workers 2] [--paths 2000] [--no-timing]
(``--last N`` keeps each data set's last N origins: a quick subset.)
"""

from __future__ import annotations

import argparse
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from _common import REPO, require_shared_data, spec_digest
from scipy.stats import norm

import relforecast as rf
from relforecast.evaluation.backtest import QUANTILE_COLUMNS, QUANTILE_LEVELS, parse_origins
from relforecast.scale import parse_scale

CACHE = REPO / "bt_cache" / "peers"
HORIZON = 12
ERAS = {"1995-2004": (1995, 2004), "2005-2014": (2005, 2014), "2015-2024": (2015, 2024)}
FAMILIES = ("AutoARIMA", "AutoETS", "AutoTheta")
WINDOWS = {"all": None, "240": 240}
INTERVALS = ("gauss", "conformal")
# the peers' 53 probability levels (1 % ... 99 %) from statsforecast's central intervals
_LEVELS = [2, *range(4, 100, 4), 98]  # central-interval levels in %, 26 of them
_PROBS = np.array(sorted({*(0.5 - np.array(_LEVELS) / 200), 0.5, *(0.5 + np.array(_LEVELS) / 200)}))


@dataclass(frozen=True)
class DataSet:
    """One data set of the comparison and its protocol."""

    name: str
    file: str
    columns: dict
    where: dict
    scale: str
    origins: str
    every: int
    thresholds: tuple[float, ...]

    def panel(self, data_dir: Path, dyads: list[str] | None) -> pd.DataFrame:
        """The observed panel, loaded as the command line loads it."""
        return rf.load_panel(
            data_dir / self.file, dyads, where=self.where, scale=self.scale, **self.columns
        )


EVENT_COLUMNS = {"country_col": "partner", "date_col": "month", "score_col": "value"}
DATASETS = {
    "tsinghua": DataSet(
        "tsinghua", "tsinghua_relations_long.csv", {}, {}, "tsinghua", "1995-03:2024-06", 3,
        (-6.0, -3.0, 0.0, 3.0),
    ),
    "gdelt": DataSet(
        "gdelt", "event_indices.csv", EVENT_COLUMNS,
        {"source": "GDELT", "index_type": "aggregated"}, "-10:10", "2008-06:2024-06", 6, (0.0,),
    ),
    "icews": DataSet(
        "icews", "event_indices.csv", EVENT_COLUMNS,
        {"source": "ICEWS", "index_type": "aggregated"}, "-10:10", "2008-06:2022-12", 6, (0.0,),
    ),
}


# ------------------------------------------------------------------------------ forecasts
def contract_rows(
    dyad: str, model: str, origin: pd.Period, paths: np.ndarray, thresholds: tuple[float, ...]
) -> pd.DataFrame:
    """Rows of the backtest CSV contract from simulated paths (n_paths, horizon)."""
    q = np.quantile(paths, QUANTILE_LEVELS, axis=0).T
    running_min = np.minimum.accumulate(paths, axis=1)
    frame = pd.DataFrame(q, columns=list(QUANTILE_COLUMNS))
    frame.insert(0, "mean", paths.mean(axis=0))
    frame.insert(0, "target", [str(origin + h) for h in range(1, paths.shape[1] + 1)])
    frame.insert(0, "h", np.arange(1, paths.shape[1] + 1))
    frame.insert(0, "origin", str(origin))
    frame.insert(0, "model", model)
    frame.insert(0, "dyad", dyad)
    for t in thresholds:
        frame[f"cross_{t:g}"] = (running_min < t).mean(axis=0)
    return frame


def copula_paths(
    quantiles: np.ndarray, n_paths: int, rng: np.random.Generator
) -> np.ndarray:
    """Paths (n_paths, horizon) from per-month quantiles (horizon, len(_PROBS)), tied by a
    Gaussian copula with random-walk dependence."""
    horizon = quantiles.shape[0]
    walk = np.cumsum(rng.standard_normal((n_paths, horizon)), axis=1)
    u = norm.cdf(walk / np.sqrt(np.arange(1, horizon + 1)))
    return np.stack(
        [np.interp(u[:, k], _PROBS, np.sort(quantiles[k])) for k in range(horizon)], axis=1
    )


def _sf_models():
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta

    return [AutoARIMA(season_length=1), AutoETS(season_length=1), AutoTheta(season_length=1)]


def _long_frame(series: pd.Series, origins: list[pd.Period], window: int | None) -> pd.DataFrame:
    parts = []
    for o in origins:
        history = series.loc[:o]
        if window is not None:
            history = history.iloc[-window:]
        parts.append(
            pd.DataFrame(
                {"unique_id": str(o), "ds": np.arange(len(history)), "y": history.to_numpy()}
            )
        )
    return pd.concat(parts, ignore_index=True)


def peer_rows(
    series: pd.Series, origins: list[pd.Period], data: DataSet, n_paths: int, seed: int
) -> pd.DataFrame:
    """Backtest rows of every statsforecast variant and the climatology for one series."""
    from statsforecast import StatsForecast
    from statsforecast.utils import ConformalIntervals

    scale = parse_scale(data.scale)
    dyad = str(series.name)
    origins = [o for o in origins if o in series.index and len(series.loc[:o]) >= 72]
    frames = []
    for wname, window in WINDOWS.items():
        frame = _long_frame(series, origins, window)
        for interval in INTERVALS:
            sf = StatsForecast(models=_sf_models(), freq=1, n_jobs=1)
            extra = {}
            if interval == "conformal":
                extra["prediction_intervals"] = ConformalIntervals(h=HORIZON, n_windows=5)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fc = sf.forecast(h=HORIZON, df=frame, level=_LEVELS, **extra)
            for family in FAMILIES:
                label = f"{family}[{wname},{interval}]"
                for o in origins:
                    part = fc[fc["unique_id"] == str(o)]
                    cols = (
                        [f"{family}-lo-{lv}" for lv in reversed(_LEVELS)]
                        + [family]
                        + [f"{family}-hi-{lv}" for lv in _LEVELS]
                    )
                    q = np.clip(part[cols].to_numpy(dtype=float), scale.lower, scale.upper)
                    variant = [FAMILIES.index(family), list(WINDOWS).index(wname)]
                    variant.append(INTERVALS.index(interval))
                    rng = np.random.default_rng([seed, o.ordinal, *variant])
                    paths = copula_paths(q, n_paths, rng)
                    rows = contract_rows(dyad, label, o, paths, data.thresholds)
                    rows["mean"] = np.clip(part[family].to_numpy(dtype=float), *_bounds(scale))
                    frames.append(rows)
    for o in origins:  # climatology: the last 60 months, independent draws
        recent = series.loc[:o].to_numpy()[-60:]
        rng = np.random.default_rng([seed, o.ordinal, 60])
        paths = rng.choice(recent, size=(n_paths, HORIZON))
        frames.append(contract_rows(dyad, "climatology60", o, paths, data.thresholds))
    return pd.concat(frames, ignore_index=True)


def _bounds(scale: rf.Scale) -> tuple[float, float]:
    return (scale.lower, scale.upper)


# ----------------------------------------------------------------------------- the runs
def cached(path: Path, origins: list[pd.Period], compute) -> pd.DataFrame:
    """The rows of ``origins`` kept at ``path``; the origins it lacks are computed with
    ``compute(missing origins)`` and added (the file is rewritten whole)."""
    have = (
        pd.read_csv(path, dtype={"origin": str, "target": str})
        if path.is_file()
        else pd.DataFrame({"origin": pd.Series(dtype=str)})
    )
    done = set(have["origin"].unique()) | _tried(path)
    missing = [o for o in origins if str(o) not in done]
    if missing:
        new = compute(missing)
        have = pd.concat([have, new], ignore_index=True) if len(have) else new
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        have.to_csv(tmp, index=False, float_format="%.5g")
        tmp.replace(path)
        _tried(path, {*_tried(path), *(str(o) for o in missing)})
        have = pd.read_csv(path, dtype={"origin": str, "target": str})
    wanted = {str(o) for o in origins}
    return have[have["origin"].isin(wanted)].reset_index(drop=True)


def _tried(path: Path, origins: set[str] | None = None) -> set[str]:
    """Origins already attempted for ``path`` (some give no rows: too little data)."""
    log = path.with_suffix(".origins")
    if origins is not None:
        log.write_text("\n".join(sorted(origins)))
    return set(log.read_text().split()) if log.is_file() else set()


def run_dataset(data: DataSet, panel: pd.DataFrame, origins: list[pd.Period], args) -> pd.DataFrame:
    """``auto`` and peer rows for every dyad of ``panel`` (cached per dyad and origin)."""
    folder = CACHE / data.name / f"paths{args.paths}"
    auto = spec_digest(rf.models.registry.make_model("auto", scale=data.scale))
    tables = []
    for dyad in panel.columns:
        series = panel[dyad].dropna()
        key = str(dyad).replace(" ", "_")
        print(f"  {data.name} {dyad}: auto", flush=True)
        tables.append(
            cached(
                folder / f"auto_{auto}_{key}.csv",
                origins,
                lambda todo, s=series: rf.backtest(
                    s,
                    "auto",
                    todo,
                    HORIZON,
                    thresholds=data.thresholds,
                    n_paths=args.paths,
                    rng=1,
                    scale=data.scale,
                    workers=args.workers,
                ),
            )
        )
        print(f"  {data.name} {dyad}: peers", flush=True)
        tables.append(
            cached(
                folder / f"peers_{key}.csv",
                origins,
                lambda todo, s=series: peer_rows(s, todo, data, args.paths, seed=1),
            )
        )
    return pd.concat(tables, ignore_index=True)


# -------------------------------------------------------------------------------- scores
def scores(table: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """Per model: mean CRPS, CRPS@1, CRPS@12, cov80@12, Brier@12 (``rf.evaluate``); empty
    (NaN) where no outcome has been observed yet, e.g. a year ahead of the last origins."""
    ev = rf.evaluate(table, panel)
    by_h = ev.by_horizon()
    horizons = range(1, HORIZON + 1)
    crps = by_h["crps"].unstack("h").reindex(columns=horizons)
    cover = by_h["cov80"].unstack("h").reindex(columns=horizons)
    brier = ev.brier_cases[ev.brier_cases["h"] == HORIZON].groupby("model")["sq_error"].mean()
    return pd.DataFrame(
        {
            "crps_mean": crps.mean(axis=1),
            "crps@1": crps[1],
            f"crps@{HORIZON}": crps[HORIZON],
            f"cov80@{HORIZON}": cover[HORIZON],
            f"brier@{HORIZON}": brier,
        }
    )


def versus(table: pd.DataFrame, panel: pd.DataFrame, peer: str) -> pd.Series:
    """Ratios auto / peer (CRPS, Brier) and both 80 % coverages at h = 12."""
    s = scores(table[table["model"].isin(["auto", peer])], panel)
    a, p = s.loc["auto"], s.loc[peer]
    # a ratio to a score of 0 (a Brier score with no event and no probability) is left empty
    out = {
        k: a[k] / p[k] if p[k] > 0 else np.nan
        for k in ("crps_mean", "crps@1", f"crps@{HORIZON}", f"brier@{HORIZON}")
    }
    out["cov80 auto"] = a[f"cov80@{HORIZON}"]
    out["cov80 peer"] = p[f"cov80@{HORIZON}"]
    out["origins"] = table[(table["model"] == "auto") & (table["h"] == 1)].shape[0]
    return pd.Series(out)


def report(data: DataSet, table: pd.DataFrame, panel: pd.DataFrame) -> None:
    """Print the scores, the best peer and the ratios per data set, series and era."""
    whole = scores(table, panel)
    peers = whole.drop(index="auto")
    best = str(peers["crps_mean"].idxmin())
    print(f"\n== {data.name}: {panel.shape[1]} series, scores of every model")
    print(whole.sort_values("crps_mean").round(4).to_string())
    print(f"\nbest peer: {best}; climatology60 shown too. Ratios auto / peer:")
    rows = {f"vs {best}": versus(table, panel, best)}
    rows["vs climatology60"] = versus(table, panel, "climatology60")
    print(pd.DataFrame(rows).T.round(3).to_string())
    per_series = {
        str(d): versus(table[table["dyad"] == d], panel, best) for d in table["dyad"].unique()
    }
    print(f"\nper series, auto / {best}:")
    print(pd.DataFrame(per_series).T.round(3).to_string())
    year = table["origin"].str[:4].astype(int)
    per_era = {}
    for era, (lo, hi) in ERAS.items():
        part = table[(year >= lo) & (year <= hi)]
        if len(part):
            per_era[era] = versus(part, panel, best)
    print(f"\nper era of origins, auto / {best}:")
    print(pd.DataFrame(per_era).T.round(3).to_string())


def timing(data: DataSet, panel: pd.DataFrame, n_paths: int) -> float:
    """Median over series of (auto fit + n_paths paths) / (AutoARIMA fit + forecast)."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA

    def autoarima(values: np.ndarray) -> None:
        frame = pd.DataFrame({"unique_id": "s", "ds": np.arange(len(values)), "y": values})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            StatsForecast(models=[AutoARIMA(season_length=1)], freq=1).forecast(
                h=HORIZON, df=frame, level=[80]
            )

    autoarima(panel.iloc[:, 0].dropna().to_numpy())  # compiled on first use: not timed
    ratios = []
    for dyad in panel.columns:
        series = panel[dyad].dropna()
        t0 = time.perf_counter()
        rf.Auto(scale=data.scale).fit(series).forecast(HORIZON, n_paths=n_paths, rng=0)
        t_auto = time.perf_counter() - t0
        t0 = time.perf_counter()
        autoarima(series.to_numpy())
        ratios.append(t_auto / (time.perf_counter() - t0))
    return float(np.median(ratios))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default="tsinghua,gdelt,icews")
    parser.add_argument("--dyads", default=None, help="Comma-separated subset of series.")
    parser.add_argument("--every", type=int, default=None, help="Months between origins.")
    parser.add_argument("--last", type=int, default=None, help="Keep the last N origins.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--paths", type=int, default=2000)
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()
    data_dir = require_shared_data()
    dyads = args.dyads.split(",") if args.dyads else None
    for name in args.datasets.split(","):
        data = DATASETS[name]
        panel = data.panel(data_dir, dyads)
        origins = parse_origins(data.origins, args.every or data.every)
        if args.last:
            origins = origins[-args.last :]
        print(f"{name}: {panel.shape[1]} series, {len(origins)} origins", flush=True)
        table = run_dataset(data, panel, origins, args)
        report(data, table, panel)
        if not args.no_timing:
            ratio = timing(data, panel, args.paths)
            print(f"\ntime, auto fit + {args.paths} paths / AutoARIMA fit + forecast: "
                  f"{ratio:.1f} (median over series)")


if __name__ == "__main__":
    main()
