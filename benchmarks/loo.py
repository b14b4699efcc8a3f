"""Leave-one-out choice of the `auto` pool in two domains: Tsinghua dyads and event indices.

Domains
-------
* ``tsinghua``: the seven dyads of ../shared/data/tsinghua_relations_long.csv on the Tsinghua
  scale; quarterly origins 1995-03 … 2024-06, h = 1 … 12, thresholds -6, -3, 0, 3; members
  with continuous paths published in whole steps (``rf.Sticky``) as in the library's pool.
  Eras by origin: 1995–2004, 2005–2014, 2015–2024.
* ``events``: the ``aggregated`` machine-coded indices of ../shared/data/event_indices.csv
  (17 partners x GDELT, ICEWS) on a scale -10 … 10; origins GDELT 2008-06 … 2024-06 every 6
  months, ICEWS 2008-06 … 2022-12, h = 1 … 12, threshold 0; continuous members.

Refits: every 12 months (Tsinghua: every 4th quarterly origin; events: every other origin),
the estimates applied to the new data in between. ``--fast`` thins the origins to every 12
months for iterating (events: every 24 months; refits: Tsinghua every origin, events every
second, the regime-switching fit being the slow one).

Stage 1 (``components``, cached per series in --cache): at every origin one ``rf.Auto`` with
every candidate member is fitted (refitted every 12 months, ``fit.update`` in between); its
replay record (scoring kernels and the members' replayed quantiles) and every member's forecast
paths are stored. The baselines are run by ``rf.backtest`` with the same origins: random walks
(Gaussian, bootstrap), ARIMA(1,1,0) (Tsinghua), ARIMA with the order chosen per series
(events: the library's stand-in for AutoARIMA) and the 60-month climatology.

Stage 2 (``loo``): every candidate configuration — member set, shrinkage of the learned weights
toward equal, spread recalibration (off, or the shrinkage of its log factors) — is assembled
from the store exactly as ``AutoResult`` assembles it (same weights, same path counts, same
spread factors) and written as backtest rows; ``rf.evaluate`` scores everything. The criterion
of a configuration on a set of series is the mean over series and horizons of CRPS divided by
the best baseline's CRPS on that series and horizon. Leave-one-out: for each held-out unit — a
Tsinghua dyad, or an event partner with both its sources — the configuration is chosen on the
*rest of its own domain* (rule "own"), or on the rest of its own domain together with the whole
other domain (rule "joint", the mean of the two domains' criteria, so that one configuration
must work in both), and scored on the held-out unit.

Spread floors (``--floors``): on top of the recalibrations of two member sets, the pooled 80 %
range of each month widened to at least a fraction of a width of the series' own h-month
changes over the last 240 months (:data:`FLOORS`); and, instead of a recalibration, the pooled
spread widened to a coverage target (:data:`COVER_TARGETS`): by the smallest factor, the same
every month, under which the pooled replayed forecasts' 80 % intervals held the target share
of the replayed outcomes; by a ramp from 1 at month 1 to the smallest such factor (the
library's ``Recalibration(cover=...)``); or by the CRPS-optimal ramp with its last month
raised until the target is held. Candidates only with this flag.

Running minima (``--minima``): the replays of stage 1 also keep each path's running minimum
(its lowest month up to each horizon); the pool's weights are learned from the months' CRPS
plus a weight (:data:`MINIMUM_WEIGHTS`) times the running minima's
(``Adaptation(minimum=...)``), for the member sets of :data:`FLOOR_SETS` under every spread
setting.

Peers (``--peers``): the statsforecast models and the 60-month climatology of
``benchmarks/peers.py``, fitted at this protocol's origins (cached as ``peers.csv`` beside the
stage-1 store), are compared with the held-out configuration of the library's rule ("own,
calibrated") on the rows both have: per source of the events (GDELT, ICEWS) or the Tsinghua
dyads as one set, the scores of every model, then ratios to the best peer per series and era.

Run:  python benchmarks/loo.py [--fast] [--workers 2] [--stage all|components|loo] [--peers]
      [--floors] [--minima] [--short] [--boot]
      [--only "LABEL; LABEL"]   (the rule chooses among these configurations only)
      [--timing "six + AR level|0.25|0.25"]   (recalibration: none, S, or "widen S")
      [--member-reliability]   (each stored member's P(cross) a year ahead; --stage none: only it)
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from _common import require_shared_data
from peers import DATASETS, peer_rows
from peers import report as peer_report

import relforecast as rf
from relforecast.evaluation.rowblock import RowBlock, frame_from_blocks, summarise_paths
from relforecast.models.adaptive import Adaptation, criterion, learned_weights, with_minima
from relforecast.models.recalibration import (
    Recalibration,
    fit_ramp,
    held_share,
    learn_factors,
    member_counts,
    observed_outcomes,
    pooled_replays,
    scored,
    shrunk_factors,
    widen,
)
from relforecast.panel.parallel import run_tasks

HORIZON = 12
N_PATHS = 1000
EVENT_SCALE = rf.Scale(-10, 10, cuts=[], names=["index"], resolution=0.01, name="event index")
MEMBERS = (
    "arima111",
    "arima110",
    "markov",
    "block",
    "block120",
    "iid120",
    "ar-level",
    "climatology",
    "arima-auto",
    "arima011",
    "climatology36",
    "ar-level60",
    "arima111-boot",
    "arima110-boot",
    "arima-auto-boot",
    "arima011-boot",
)
"""Candidate members; the first ten in every stage 1, the others only in a stage 1 built with
them (:data:`EXTRA_MEMBERS`). A store lists its members (``store["members"]``)."""
EXTRA_MEMBERS = {
    "short": ("climatology36", "ar-level60"),
    "boot": ("arima111-boot", "arima110-boot", "arima-auto-boot", "arima011-boot"),
}
"""Members a stage 1 holds beside the first ten, by flag: ``--short`` (the reverting members on
shorter windows), ``--boot`` (the ARIMA members of today's six and of the continuous pool with
their innovations resampled from their own one-step errors, ``ARIMA(innovations="bootstrap")``;
a store built before the last two were added holds only the first two)."""
TODAY = MEMBERS[:6]
REVERTING = ("ar-level", "climatology", "arima-auto")
SETS = {
    "today's six": TODAY,
    "six + AR level + climatology": (*TODAY, "ar-level", "climatology"),
    "six + AR level": (*TODAY, "ar-level"),
    "six + climatology": (*TODAY, "climatology"),
    "six + reverting three": (*TODAY, *REVERTING),
    "all ten": MEMBERS[:10],
    "five (no regimes) + reverting three": (
        "arima111", "arima110", "block", "block120", "iid120", *REVERTING
    ),
    "lean: ARIMA(1,1,1), single months, reverting three": ("arima111", "iid120", *REVERTING),
    "reverting three + ARIMA(0,1,1)": (*REVERTING, "arima011"),
    "reverting four, climatology of 36 months": (
        "ar-level", "climatology36", "arima-auto", "arima011"
    ),
    "reverting four + climatology of 36 months": (*REVERTING, "arima011", "climatology36"),
    "reverting four + AR level of 60 months": (*REVERTING, "arima011", "ar-level60"),
    "reverting four + both shorter windows": (
        *REVERTING, "arima011", "climatology36", "ar-level60"
    ),
    "six, ARIMA innovations resampled": ("arima111-boot", "arima110-boot", *TODAY[2:]),
    "reverting three + ARIMA(0,1,1), ARIMA innovations resampled": (
        "ar-level", "climatology", "arima-auto-boot", "arima011-boot"
    ),
    "reverting two + ARIMA(0,1,1), ARIMA innovations resampled": (
        "ar-level", "climatology", "arima011-boot"
    ),
}
NEEDS = {
    flag: tuple(k for k, members in SETS.items() if set(members) & set(extra))
    for flag, extra in EXTRA_MEMBERS.items()
}
"""The sets with a member of :data:`EXTRA_MEMBERS`, by flag: only where stage 1 holds them."""
SHORT_WINDOW_SETS = NEEDS["short"]
"""Sets with the members of 36 and 60 months (``--short``)."""
BOOT_SETS = NEEDS["boot"]
"""Sets with resampled ARIMA innovations (``--boot``); scored under every spread setting of
:data:`RAMP_SPREADS`."""
WEIGHT_SHRINKS = (0.25, 0.0)
RECALIBRATIONS = (None, (0.5, True), (0.25, True), (0.5, False), (0.0, False))
"""Spread recalibration: off, or (shrinkage of the log factors, whether factors below 1 are
allowed)."""
FLOORS = (("range", 1.0), ("sd", 0.5), ("sd", 0.75), ("sd", 1.0))
"""Spread floors tried on top of the recalibrations of :data:`FLOOR_SETS`: the pooled 80 %
range of month h, on the transformed scale, widened to at least a fraction of a width of the
series' own h-month changes over the last 240 months before the origin — their 80 % range
(``range``) or the 80 % range of a Gaussian with their standard deviation (``sd``)."""
FLOOR_SETS = ("today's six", "reverting three + ARIMA(0,1,1)")
COVER_TARGETS = (0.65, 0.7, 0.75, 0.8, 0.85)
"""With ``--floors`` also: the pooled spread widened until the pooled replayed forecasts' 80 %
intervals held this share of the replayed outcomes."""
RAMP_SPREADS = (*RECALIBRATIONS, *(("cover-ramp", t) for t in COVER_TARGETS))
"""The spread settings of ``--minima`` and ``--boot``: every recalibration and the ramp to each
coverage target."""
FLOOR_WINDOW = 240
MINIMUM_WEIGHTS = (0.5, 1.0, 2.0)
"""With ``--minima``: weights of the replays' running-minimum score in the pool criterion
(``Adaptation(minimum=...)``)."""
BEFORE = ("today's six", 0.25, None)
AFTER = "auto after (LOO)"
SHOWN = {  # fixed configurations shown beside the held-out choice, for comparison
    "six, recalibrated 0.5": ("today's six", 0.25, (0.5, True)),
    "six, widened only": ("today's six", 0.25, (0.0, False)),
    "ten, no shrink": ("all ten", 0.0, None),
    "ten, no shrink, recalibrated 0.5": ("all ten", 0.0, (0.5, True)),
}
RULES = {
    "own": "on the rest of the series' own domain",
    "own, calibrated": (
        "on the rest of the series' own domain, among the configurations whose 80 % intervals "
        "at h = 12 held 0.75-0.85 of the outcomes there, and >= 0.75 of those from origins "
        "2015-2024"
    ),
    "joint": "on the rest of its domain together with the whole other domain",
}
COVERAGE = (0.75, 0.85)
RECENT = 2015
ERAS = {"1995-2004": (1995, 2004), "2005-2014": (2005, 2014), "2015-2024": (2015, 2024)}


def member(name: str, scale: rf.Scale, in_steps: bool) -> rf.models.base.Model:
    """A candidate member on ``scale`` (continuous ones published in steps when asked)."""
    make: dict[str, Callable[[], rf.models.base.Model]] = {
        "arima111": lambda: rf.ARIMA(order=(1, 1, 1), window=240, scale=scale),
        "arima110": lambda: rf.ARIMA(order=(1, 1, 0), window=240, scale=scale),
        "markov": lambda: rf.MarkovSwitching(
            k_regimes=2, form="diff", momentum=12, window=240, scale=scale
        ),
        "block": lambda: rf.BlockBootstrap(window=240, block=12, scale=scale),
        "block120": lambda: rf.BlockBootstrap(window=120, block=12, scale=scale),
        "iid120": lambda: rf.BlockBootstrap(window=120, block=1, scale=scale),
        "ar-level": lambda: rf.ARLevel(window=120, scale=scale),
        "climatology": lambda: rf.Climatology(window=60, scale=scale),
        "arima-auto": lambda: rf.ARIMA(order="auto", window=240, scale=scale),
        "arima011": lambda: rf.ARIMA(order=(0, 1, 1), window=240, scale=scale),
        "climatology36": lambda: rf.Climatology(window=36, scale=scale),
        "ar-level60": lambda: rf.ARLevel(window=60, scale=scale),
    }
    base = name.removesuffix("-boot")  # "<ARIMA member>-boot": its innovations resampled
    spec = make[base]()
    if base != name:
        spec = replace(spec, innovations="bootstrap")
    continuous = base in (
        "arima111", "arima110", "markov", "ar-level", "arima-auto", "arima011", "ar-level60"
    )
    return rf.Sticky(spec) if in_steps and continuous else spec


@dataclass(frozen=True)
class Domain:
    """One domain of the protocol."""

    name: str
    panel: pd.DataFrame
    origins: dict[str, pd.PeriodIndex]
    scale: rf.Scale
    in_steps: bool
    thresholds: tuple[float, ...]
    baselines: dict[str, Callable[[], rf.models.base.Model]]
    refit_every: int

    def unit(self, series: str) -> str:
        """The held-out unit of a series (an event partner covers both sources)."""
        return series.split(":", 1)[-1]


def tsinghua(fast: bool) -> Domain:
    panel = rf.load_panel(require_shared_data() / "tsinghua_relations_long.csv")
    quarterly = pd.period_range("1995-03", "2024-06", freq="M")[::3]
    origins = quarterly[::4] if fast else quarterly
    scale = rf.TSINGHUA_SCALE
    return Domain(
        "tsinghua",
        panel,
        {d: origins for d in panel.columns},
        scale,
        True,
        (-6.0, -3.0, 0.0, 3.0),
        {
            "rw-gauss": lambda: rf.RandomWalk("gaussian", window=120),
            "rw-boot": lambda: rf.RandomWalk("bootstrap", window=240),
            "arima110": lambda: rf.ARIMA(order=(1, 1, 0), window=240),
            "climatology": lambda: rf.Climatology(window=60),
        },
        1 if fast else 4,
    )


def events(fast: bool) -> Domain:
    raw = pd.read_csv(require_shared_data() / "event_indices.csv")
    raw = raw[raw["index_type"] == "aggregated"]
    raw["series"] = raw["source"] + ":" + raw["partner"]
    panel = raw.pivot(index="month", columns="series", values="value")
    panel.index = pd.PeriodIndex(panel.index, freq="M")
    panel = panel.sort_index()
    step = 24 if fast else 6
    ends = {"GDELT": "2024-06", "ICEWS": "2022-12"}
    origins = {
        s: pd.period_range("2008-06", ends[s.split(":")[0]], freq="M")[::step]
        for s in panel.columns
    }
    scale = EVENT_SCALE
    return Domain(
        "events",
        panel,
        origins,
        scale,
        False,
        (0.0,),
        {
            "rw-gauss": lambda: rf.RandomWalk("gaussian", window=120, scale=scale),
            "rw-boot": lambda: rf.RandomWalk("bootstrap", window=240, scale=scale),
            "ARIMA(auto)": lambda: rf.ARIMA(order="auto", scale=scale),
            "climatology": lambda: rf.Climatology(window=60, scale=scale),
        },
        2,
    )


# ------------------------------------------------------------------ stage 1: members, replays


def run_series(task: tuple[Domain, str, tuple[str, ...]]) -> dict:
    """Replay record and member paths of every candidate at every origin of one series."""
    domain, name, members = task
    series = domain.panel[name].dropna()
    spec = rf.Auto(
        components=[member(m, domain.scale, domain.in_steps) for m in members],
        adapt=Adaptation(minimum=1.0),  # the replays keep their running minima too
    )
    out: dict = {
        "members": members, "origins": [], "paths": [], "kernels": [], "kernels_min": [],
        "replays": [], "seconds": 0.0,
    }
    fit = None
    t0 = time.perf_counter()
    for i, origin in enumerate(domain.origins[name]):
        history = series.loc[:origin]
        refit = fit is None or i % domain.refit_every == 0
        fit = spec.fit(history) if refit else fit.update(history)
        record = fit.record
        out["origins"].append(origin)
        out["kernels"].append(record.kernels(history))
        out["kernels_min"].append(record.kernels(history, of_minima=True))
        q = record.quantiles
        out["replays"].append((q, observed_outcomes(history, record.origins, q.shape[-1])))
        seed = [int(origin.ordinal), sum(map(ord, name))]
        out["paths"].append(
            np.stack(
                [
                    f.forecast(HORIZON, n_paths=N_PATHS, rng=np.random.default_rng([*seed, c]))
                    .paths.astype(np.float32)
                    for c, f in enumerate(fit.fits)
                ]
            )
        )
    out["seconds"] = time.perf_counter() - t0
    return out


def stage_components(
    domain: Domain, cache: Path, workers: int, extra: tuple[str, ...] = ()
) -> None:
    folder = cache / domain.name
    folder.mkdir(parents=True, exist_ok=True)
    todo = [s for s in domain.panel.columns if not (folder / f"{s}.pkl").is_file()]
    t0 = time.perf_counter()
    members = (*MEMBERS[:10], *extra)
    results = run_tasks(run_series, [(domain, s, members) for s in todo], workers=workers)
    for name, result in zip(todo, results, strict=True):
        (folder / f"{name}.pkl").write_bytes(pickle.dumps(result))
    if todo:
        print(f"{domain.name}: {len(todo)} series stored in {time.perf_counter() - t0:.0f} s")
    base = folder / "baselines.csv"
    if not base.is_file():
        frames = []
        groups: dict[tuple, list[str]] = {}
        for name, months in domain.origins.items():
            groups.setdefault(tuple(months), []).append(name)
        for label_, make in domain.baselines.items():
            for months, names in groups.items():
                frame = rf.backtest(
                    domain.panel[names],
                    make(),
                    list(months),
                    thresholds=domain.thresholds,
                    n_paths=N_PATHS,
                    refit_every=domain.refit_every,
                    rng=0,
                    workers=workers,
                )
                frames.append(frame.assign(model=label_))
        pd.concat(frames, ignore_index=True).to_csv(base, index=False)


# ------------------------------------------------------------------ stage 2: configurations


def change_ranges(history: pd.Series, scale: rf.Scale) -> dict[str, np.ndarray]:
    """Widths of the h-month changes, h = 1 … 12, of the transformed series over its last
    :data:`FLOOR_WINDOW` months: their 80 % range (q90 - q10) and 2.563 standard deviations."""
    z = pd.Series(np.asarray(scale.to_unbounded(history.to_numpy()), dtype=float))
    z = z.iloc[-FLOOR_WINDOW:]
    out = {"range": np.zeros(HORIZON), "sd": np.zeros(HORIZON)}
    for h in range(1, HORIZON + 1):
        d = (z - z.shift(h)).dropna().to_numpy()
        if len(d) > 1:
            out["range"][h - 1] = np.subtract(*np.quantile(d, [0.9, 0.1]))
            out["sd"][h - 1] = 2.563 * d.std()
    return out


def floored(paths: np.ndarray, ranges: np.ndarray, floor: float, scale: rf.Scale) -> np.ndarray:
    """``paths`` widened month by month (around the median, transformed scale) so that their
    80 % range is at least ``floor`` times ``ranges``; never narrowed."""
    z = np.asarray(scale.to_unbounded(paths), dtype=float)
    width = np.subtract(*np.quantile(z, [0.9, 0.1], axis=0))
    factors = np.where(width > 0, np.maximum(1.0, floor * ranges / np.maximum(width, 1e-12)), 1.0)
    return widen(paths, np.minimum(factors, 3.0), scale, axis=0)


def store_members(store: dict) -> tuple[str, ...]:
    """The members of a stage-1 store, in the order of its arrays."""
    return tuple(store.get("members", MEMBERS[: len(store["paths"][0])]))


def pool_paths(
    store: dict, i: int, config: tuple, scale: rf.Scale, memo: dict, ranges: dict
) -> np.ndarray:
    """The paths ``AutoResult`` would publish at origin ``i`` under ``config`` (``memo`` keeps
    the weights and the fitted ramp of a member set and weight shrinkage across
    recalibration settings); ``ranges``: the series' h-month change ranges at the origin."""
    if len(config) == 4:
        kind, floor = config[3]
        return floored(pool_paths(store, i, config[:3], scale, memo, ranges), ranges[kind],
                       floor, scale)
    members = [store_members(store).index(m) for m in SETS[config[0]]]
    key = (i, config[0], config[1])
    if key not in memo:
        shrink, lowest = config[1] if isinstance(config[1], tuple) else (config[1], 0.0)
        A, B, observed = store["kernels"][i]
        if lowest:
            if "kernels_min" not in store:
                raise SystemExit("the stage-1 store has no running minima: run --stage components"
                                 " again after removing its .pkl files")
            A, B, observed = with_minima((A, B, observed), store["kernels_min"][i], lowest)
        a, b, scored = criterion(A[:, :, members], B[:, :, members][:, :, :, members], observed)
        prior = np.full(len(members), 1.0 / len(members))
        memo[key] = learned_weights(a, b, scored, prior, shrink)
    weights = memo[key]
    paths = store["paths"][i]
    counts = member_counts(weights, paths.shape[1])
    pooled = np.vstack(
        [paths[m, :c] for m, c in zip(members, counts, strict=True) if c > 0]
    ).astype(float)
    if config[2] is None:
        return pooled
    if config[2][0] == "cover":
        q, obs = store["replays"][i]
        factor = flat_covering_factor(q[:, members], obs, weights, scale, config[2][1])
        return widen(pooled, [factor], scale)
    if config[2][0] == "cover-ramp":  # the library's Recalibration(cover=...)
        q, obs = store["replays"][i]
        spec = Recalibration(shrink=0.0, cover=config[2][1])
        factors, _ = learn_factors(q[:, members], obs, weights, scale, spec)
        return widen(pooled, factors, scale)
    if config[2][0] == "crps-cover":
        q, obs = store["replays"][i]
        if (*key, False) not in memo:
            memo[(*key, False)] = fit_ramp(q[:, members], obs, weights, scale,
                                           Recalibration(narrow=False))
        a, b, _ = memo[(*key, False)]
        factors = raised_ramp(q[:, members], obs, weights, scale, config[2][1], a, b)
        return widen(pooled, factors, scale)
    shrink, narrow = config[2]
    if (*key, narrow) not in memo:
        q, obs = store["replays"][i]
        ramp = fit_ramp(q[:, members], obs, weights, scale, Recalibration(narrow=narrow))
        memo[(*key, narrow)] = ramp
    factors, _ = shrunk_factors(*memo[(*key, narrow)], Recalibration(shrink=shrink))
    return widen(pooled, factors, scale)


def flat_covering_factor(
    quantiles: np.ndarray, observed: np.ndarray, weights: np.ndarray, scale: rf.Scale,
    target: float,
) -> float:
    """The smallest widening factor (1 … 2.5 by 0.1, every month the same) under which the
    pooled replayed forecasts' 80 % intervals held at least ``target`` of the replayed
    outcomes observed by the origin (1 when fewer than 12 were)."""
    points = pooled_replays(quantiles, weights, 100)
    ok = scored(points, observed)
    if ok.sum() < 12:
        return 1.0
    for c in np.round(np.arange(1.0, 2.501, 0.1), 2):
        if held_share(points, observed, ok, np.array([c]), scale) >= target:
            return float(c)
    return 2.5


def raised_ramp(
    quantiles: np.ndarray, observed: np.ndarray, weights: np.ndarray, scale: rf.Scale,
    target: float, a: float, b: float,
) -> np.ndarray:
    """The CRPS-optimal ramp ``(a, b)``, its last month raised by 0.1 (up to 3) until the
    pooled replayed forecasts' 80 % intervals held ``target`` of the replayed outcomes."""
    horizon = quantiles.shape[-1]
    shape = np.arange(horizon) / max(horizon - 1, 1)
    points = pooled_replays(quantiles, weights, 100)
    ok = scored(points, observed)
    if ok.sum() < 12:
        return a + (b - a) * shape
    for end in np.round(np.arange(b, 3.001, 0.1), 2):
        factors = a + (end - a) * shape
        if held_share(points, observed, ok, factors, scale) >= target:
            return factors
    return a + (3.0 - a) * shape


def label(config: tuple) -> str:
    members, weighting, recal = config[:3]
    shrink, lowest = weighting if isinstance(weighting, tuple) else (weighting, 0.0)
    if recal is None:
        spread = "no recalibration"
    elif recal[0] == "cover":
        spread = f"widened to cover {recal[1]:g} of the replays"
    elif recal[0] == "crps-cover":
        spread = f"widened only, shrink 0, raised to cover {recal[1]:g} of the replays"
    elif recal[0] == "cover-ramp":
        spread = f"ramp from 1 to cover {recal[1]:g} of the replays"
    else:
        shrink_, narrow = recal
        spread = f"{'recalibrated' if narrow else 'widened only'}, shrink {shrink_:g}"
    floor = f" | floor {config[3][0]} {config[3][1]:g}" if len(config) == 4 else ""
    scored = f", running minimum {lowest:g}" if lowest else ""
    return f"{members} | weights shrink {shrink:g}{scored} | {spread}{floor}"


def all_configs(
    floors: bool = False, short: bool = False, minima: bool = False, boot: bool = False
) -> list[tuple]:
    """Every configuration: member set x weight shrinkage x recalibration, and with ``floors``
    the spread floors on top of those of :data:`FLOOR_SETS`; the sets of
    :data:`SHORT_WINDOW_SETS` only with ``short``; with ``minima`` the sets of
    :data:`FLOOR_SETS` with weights learned also from the replays' running minima
    (:data:`MINIMUM_WEIGHTS`), under every recalibration and coverage target; with ``boot``
    the sets of :data:`BOOT_SETS`, under every recalibration and coverage target."""
    sets = [k for k in SETS if (short or k not in SHORT_WINDOW_SETS) and k not in BOOT_SETS]
    plain = list(itertools.product(sets, WEIGHT_SHRINKS, RECALIBRATIONS))
    extra = [(*c, f) for c in plain if c[0] in FLOOR_SETS for f in FLOORS] if floors else []
    if floors:  # the replay-coverage widening, an alternative to the floors
        extra += [(m, w, (kind, t)) for m in FLOOR_SETS for w in WEIGHT_SHRINKS
                  for kind in ("cover", "cover-ramp", "crps-cover") for t in COVER_TARGETS]
    if minima:
        extra += [(m, (w, lowest), r) for m in FLOOR_SETS for w in WEIGHT_SHRINKS
                  for lowest in MINIMUM_WEIGHTS for r in RAMP_SPREADS]
    if boot:
        extra += [(m, w, r) for m in BOOT_SETS for w in WEIGHT_SHRINKS for r in RAMP_SPREADS]
    return plain + extra


def config_rows(task: tuple[Domain, str, dict, list[tuple]]) -> list[RowBlock]:
    domain, name, store, configs = task
    ordinals = np.array([o.ordinal for o in store["origins"]], dtype=np.int64)
    blocks = []
    memo: dict = {}
    series = domain.panel[name].dropna()
    floors = any(len(c) == 4 for c in configs)  # the change ranges only feed the floors
    ranges = [
        change_ranges(series.loc[:o], domain.scale) if floors else {} for o in store["origins"]
    ]
    for config in configs:
        rows = []
        for i in range(len(ordinals)):
            paths = pool_paths(store, i, config, domain.scale, memo, ranges[i])
            rows.append(summarise_paths(paths, paths, domain.thresholds))
        blocks.append(RowBlock(name, label(config), ordinals, HORIZON, np.vstack(rows)))
    return blocks


def relative(scores: pd.DataFrame, baselines: list[str]) -> pd.DataFrame:
    """Model x series: mean over horizons of CRPS / best baseline CRPS (series, horizon)."""
    crps = scores.groupby(["model", "dyad", "h"])["crps"].mean()
    best = crps.loc[baselines].groupby(["dyad", "h"]).min()
    ratio = (crps / best.reindex(crps.index.droplevel("model")).to_numpy()).rename("ratio")
    return ratio.groupby(["model", "dyad"]).mean().unstack("dyad")


def coverage_table(ev: rf.Evaluation) -> pd.DataFrame:
    """Rows at h = 12: model, dyad, whether the origin is recent, and in80."""
    rows = ev.scores[ev.scores["h"] == HORIZON]
    years = pd.PeriodIndex(rows["origin"].astype(str), freq="M").year
    return rows[["model", "dyad", "in80"]].assign(recent=np.asarray(years >= RECENT))


def calibrated(cover: pd.DataFrame, labels: list[str], keep: list[str]) -> list[str]:
    """The configurations whose 80 % coverage at h = 12 on ``keep`` lies in :data:`COVERAGE`
    and is at least its lower end for recent origins; when none does, those with the smallest
    shortfall (the distance to those bounds)."""
    rows = cover[cover["model"].isin(labels) & cover["dyad"].isin(keep)]
    overall = rows.groupby("model")["in80"].mean()
    recent = rows[rows["recent"]].groupby("model")["in80"].mean()
    lo, hi = COVERAGE
    shortfall = (
        (lo - overall).clip(lower=0)
        + (overall - hi).clip(lower=0)
        + (lo - recent.reindex(overall.index).fillna(lo)).clip(lower=0)
    )
    return list(shortfall.index[shortfall <= shortfall.min() + 1e-12])


def headline(ev: rf.Evaluation, baselines: list[str]) -> pd.DataFrame:
    """Summary at h = 12 plus CRPS@1 and the ratios to the best baseline."""
    table = ev.summary(HORIZON)
    by_h = ev.by_horizon()["crps"].unstack("h")
    table.insert(0, "crps@1", by_h[1])
    for col in ("crps@1", f"crps@{HORIZON}", "crps_mean", f"brier@{HORIZON}"):
        best = table.loc[[b for b in baselines if b in table.index], col].min()
        table[f"{col}/best"] = table[col] / best
    return table


# ------------------------------------------------------------------ peers at the same origins


def peer_series(task: tuple[Domain, str]) -> pd.DataFrame:
    """Rows of every peer of ``benchmarks/peers.py`` at the origins of one series."""
    domain, name = task
    source = "tsinghua" if domain.name == "tsinghua" else name.split(":")[0].lower()
    series = domain.panel[name].dropna().rename(name)
    return peer_rows(series, list(domain.origins[name]), DATASETS[source], N_PATHS, seed=1)


def peer_table(domain: Domain, cache: Path, workers: int) -> pd.DataFrame:
    """The peers' rows at this domain's origins, computed once and kept in ``peers.csv`` (each
    series kept in ``peers/`` as it is done, so that a stopped run resumes)."""
    path = cache / domain.name / "peers.csv"
    if not path.is_file():
        parts = cache / domain.name / "peers"
        parts.mkdir(exist_ok=True)
        todo = [s for s in domain.panel.columns if not (parts / f"{s}.csv").is_file()]
        t0 = time.perf_counter()
        for start in range(0, len(todo), workers):
            batch = todo[start : start + workers]
            frames = run_tasks(peer_series, [(domain, s) for s in batch], workers=workers)
            for name, frame in zip(batch, frames, strict=True):
                frame.to_csv(parts / f"{name}.csv.tmp", index=False)
                (parts / f"{name}.csv.tmp").replace(parts / f"{name}.csv")
        frame = pd.concat(
            [pd.read_csv(parts / f"{s}.csv", dtype={"origin": str, "target": str})
             for s in domain.panel.columns],
            ignore_index=True,
        )
        tmp = path.with_suffix(".tmp")
        frame.to_csv(tmp, index=False)
        tmp.replace(path)
        print(f"{domain.name}: peers at {len(todo)} series in {time.perf_counter() - t0:.0f} s")
    return pd.read_csv(path, dtype={"origin": str, "target": str})


def against_peers(domain: Domain, held: pd.DataFrame, peers: pd.DataFrame) -> None:
    """Held-out ``auto`` (renamed ``auto``) against the peers, on the rows both have."""
    rows = held[["dyad", "origin"]].drop_duplicates().merge(
        peers[["dyad", "origin"]].drop_duplicates()
    )
    table = pd.concat([held.assign(model="auto"), peers]).merge(rows)
    groups = (
        {"tsinghua": table}
        if domain.name == "tsinghua"
        else {s.lower(): part for s, part in table.groupby(table["dyad"].str.split(":").str[0])}
    )
    for source, part in groups.items():
        panel = domain.panel[sorted(part["dyad"].unique())]
        print(f"\n===== {domain.name}: held-out auto ('own, calibrated') against the peers")
        peer_report(DATASETS[source], part, panel)


def stage_loo(
    domains: list[Domain],
    cache: Path,
    workers: int,
    peers: bool = False,
    floors: bool = False,
    only: list[str] | None = None,
    short: bool = False,
    minima: bool = False,
    boot: bool = False,
) -> None:
    configs = [
        c for c in all_configs(floors, short, minima, boot) if only is None or label(c) in only
    ]
    if not configs:
        raise SystemExit(f"--only {only!r} names no configuration; see the labels printed")
    frames, evals, rel = {}, {}, {}
    t0 = time.perf_counter()
    for domain in domains:
        folder = cache / domain.name
        stores = {
            s: pickle.loads((folder / f"{s}.pkl").read_bytes()) for s in domain.panel.columns
        }
        saved = folder / "pools.csv"
        pools = (
            pd.read_csv(saved, dtype={"origin": str, "target": str})
            if saved.is_file()
            else None
        )
        have = set(pools["model"]) if pools is not None else set()
        missing = [c for c in configs if label(c) not in have]
        if missing:  # only the configurations not stored yet are assembled
            tasks = [(domain, s, stores[s], missing) for s in domain.panel.columns]
            blocks = run_tasks(config_rows, tasks, workers=workers)
            new = frame_from_blocks((b for bs in blocks for b in bs), domain.thresholds)
            pools = new if pools is None else pd.concat([pools, new], ignore_index=True)
            pools.to_csv(saved, index=False)
        pools = pools[pools["model"].isin({label(c) for c in configs})]
        base = pd.read_csv(folder / "baselines.csv", dtype={"origin": str, "target": str})
        frames[domain.name] = pd.concat([pools, base], ignore_index=True)
        evals[domain.name] = rf.evaluate(frames[domain.name], domain.panel)
        rel[domain.name] = relative(evals[domain.name].scores, list(domain.baselines))
        seconds = np.mean([s["seconds"] / len(s["origins"]) for s in stores.values()])
        print(f"{domain.name}: stage-1 seconds per origin (fit or update, every member, replays, "
              f"paths) {seconds:.2f}")
    print(f"configurations scored in {time.perf_counter() - t0:.0f} s\n")
    labels = [label(c) for c in configs]
    crit = pd.DataFrame(
        {d: rel[d].loc[labels].mean(axis=1) for d in rel}
    )
    crit["both"] = crit.mean(axis=1)
    print("criterion in-sample (mean CRPS ratio to the best baseline), all series:")
    print(crit.sort_values("both").round(4).to_string(), "\n")

    for domain, rule in itertools.product(domains, RULES):
        others = [d for d in rel if d != domain.name] if rule == "joint" else []
        cover = coverage_table(evals[domain.name]) if rule == "own, calibrated" else None
        chosen: dict[str, str] = {}
        units = sorted({domain.unit(s) for s in domain.panel.columns})
        for unit in units:
            keep = [s for s in rel[domain.name].columns if domain.unit(s) != unit]
            score = rel[domain.name].loc[labels, keep].mean(axis=1)
            for other in others:
                score = score + rel[other].loc[labels].mean(axis=1)
            if cover is not None:
                score = score[calibrated(cover, labels, keep)].reindex(labels).fillna(np.inf)
            pick = score.idxmin()
            for s in rel[domain.name].columns:
                if domain.unit(s) == unit:
                    chosen[s] = pick
        everything = rel[domain.name].loc[labels].mean(axis=1)
        for other in others:
            everything = everything + rel[other].loc[labels].mean(axis=1)
        if cover is not None:
            fit = calibrated(cover, labels, list(rel[domain.name].columns))
            everything = everything[fit].reindex(labels).fillna(np.inf)
        library = everything.idxmin()
        frame = frames[domain.name]
        held = pd.concat(
            [
                frame[(frame["dyad"] == s) & (frame["model"] == pick)].assign(model=AFTER)
                for s, pick in chosen.items()
            ]
        )
        before = frame[frame["model"] == label(BEFORE)].assign(model="auto before")
        shown = [
            frame[frame["model"] == label(c)].assign(model=name) for name, c in SHOWN.items()
        ]
        base = frame[frame["model"].isin(list(domain.baselines))]
        table = pd.concat([held, before, *shown, base], ignore_index=True)
        ev = rf.evaluate(table, domain.panel)
        print(f"===== {domain.name}: held-out configuration per unit, chosen {RULES[rule]}")
        for pick, count in pd.Series(chosen).value_counts().items():
            print(f"  {count:3d} series: {pick}")
        print(f"  chosen on every series of the domain: {library}")
        print(f"\n{domain.name} pooled:")
        print(headline(ev, list(domain.baselines)).round(4).to_string())
        if domain.name == "tsinghua":
            years = pd.PeriodIndex(table["origin"].astype(str), freq="M").year
            for era, (lo, hi) in ERAS.items():
                part = table[(years >= lo) & (years <= hi)]
                print(f"\n{domain.name} origins {era}:")
                print(headline(rf.evaluate(part, domain.panel), list(domain.baselines))
                      .round(4).to_string())
            rel_bins = ev.reliability(HORIZON)
            big = rel_bins[rel_bins["cases"] >= 30]
            print("\nreliability bins (n >= 30) at h = 12:")
            print(big.round(3).to_string())
        else:
            sources = table["dyad"].str.split(":").str[0]
            for source in sorted(sources.unique()):
                print(f"\n{domain.name} {source}:")
                print(headline(rf.evaluate(table[sources == source], domain.panel),
                               list(domain.baselines)).round(4).to_string())
        per = relative(ev.scores, list(domain.baselines)).T
        cov = ev.scores[ev.scores["h"] == HORIZON].groupby(["dyad", "model"])["in80"].mean()
        per = per.join(cov.unstack("model").add_prefix("cov80@12 "))
        print(f"\n{domain.name} per series (mean CRPS ratio to the best baseline; coverage):")
        print(per.round(3).to_string(), "\n")
        if peers and rule == "own, calibrated":
            against_peers(domain, held, peer_table(domain, cache, workers))


def member_reliability(domain: Domain, cache: Path) -> None:
    """Each stored member's P(cross T) a year ahead (the share of its paths whose lowest month
    falls below T) against the outcomes: Brier score over the thresholds, and the reliability
    table (mean forecast / observed frequency / cases per probability bin)."""
    bins = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.9, 1.0001]
    rows = []
    for name in domain.panel.columns:
        store = pickle.loads((cache / domain.name / f"{name}.pkl").read_bytes())
        series = domain.panel[name]
        for origin, paths in zip(store["origins"], store["paths"], strict=True):
            ahead = series.reindex(pd.period_range(origin + 1, periods=HORIZON, freq="M"))
            if ahead.isna().any():
                continue
            lowest = paths.min(axis=2)  # (members, paths)
            for t in domain.thresholds:
                rows.append([float(ahead.min() < t), *(lowest < t).mean(axis=1)])
    names = list(store_members(store))
    table = pd.DataFrame(rows, columns=["event", *names])
    out = {}
    for m in names:
        binned = table.groupby(pd.cut(table[m], bins, right=False), observed=True)
        cells = binned.apply(
            lambda g, m=m: f"{g[m].mean():.2f}/{g['event'].mean():.2f}/{len(g)}"
        )
        cells.index = cells.index.astype(str)
        out[m] = pd.concat(
            [pd.Series({"brier": f"{((table[m] - table['event']) ** 2).mean():.4f}"}), cells]
        )
    print(f"\n{domain.name}: each member's P(cross) at h = {HORIZON}, "
          f"{len(table)} cases (mean forecast / observed / cases per bin)")
    print(pd.DataFrame(out).T.fillna("").to_string())


def timing(domains: list[Domain], config: tuple, n_series: int = 3) -> None:
    """Seconds of one fit + 2,000 paths: today's `auto` against ``config``, a few series."""
    members, shrink, recal = config
    for domain in domains:
        names = list(domain.panel.columns)[:: max(len(domain.panel.columns) // n_series, 1)]
        for name in names[:n_series]:
            series = domain.panel[name].dropna().loc[: domain.origins[name][-1]]
            specs = {
                "before": rf.Auto(
                    [member(m, domain.scale, domain.in_steps) for m in TODAY],
                    adapt=Adaptation(shrink=0.25),
                ),
                "after": rf.Auto(
                    [member(m, domain.scale, domain.in_steps) for m in SETS[members]],
                    adapt=Adaptation(shrink=shrink),
                    recalibrate=None
                    if recal is None
                    else Recalibration(shrink=recal[0], narrow=recal[1]),
                ),
                "ARIMA(auto)": rf.ARIMA(order="auto", scale=domain.scale),
            }
            seconds = {}
            for key, spec in specs.items():
                t0 = time.perf_counter()
                spec.fit(series).forecast(HORIZON, n_paths=2000, rng=0)
                seconds[key] = time.perf_counter() - t0
            print(
                f"{domain.name} {name}: fit + 2,000 paths "
                + ", ".join(f"{k} {v:.2f} s" for k, v in seconds.items())
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="all", choices=["all", "components", "loo", "none"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fast", action="store_true", help="origins every 12 months")
    parser.add_argument("--domains", default="tsinghua,events")
    parser.add_argument("--cache", default="bt_cache/loo")
    parser.add_argument(
        "--peers", action="store_true", help="compare the held-out choice with the peers"
    )
    parser.add_argument(
        "--floors",
        action="store_true",
        help="add the spread floors and the replay-coverage widening to the configurations",
    )
    parser.add_argument(
        "--boot",
        action="store_true",
        help="also the ARIMA members with resampled innovations (own stage-1 store)",
    )
    parser.add_argument(
        "--minima",
        action="store_true",
        help="add weights learned also from the replays' running minima to the configurations",
    )
    parser.add_argument(
        "--short",
        action="store_true",
        help="also the climatology of 36 months and the AR level of 60 (own stage-1 store)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="the rule's candidates: configuration labels separated by ';' (default: all)",
    )
    parser.add_argument(
        "--timing",
        default="",
        help="time today's auto and this configuration: 'SET|WEIGHT_SHRINK|RECAL_SHRINK or none'",
    )
    parser.add_argument(
        "--member-reliability",
        action="store_true",
        help="each stored member's P(cross) a year ahead: Brier score and reliability table",
    )
    args = parser.parse_args()
    extras = [flag for flag in EXTRA_MEMBERS if getattr(args, flag)]
    protocol = "-".join(["fast" if args.fast else "full", *extras])
    extra = tuple(m for flag in extras for m in EXTRA_MEMBERS[flag])
    cache = Path(args.cache) / protocol
    makers = {"tsinghua": tsinghua, "events": events}
    domains = [makers[d](args.fast) for d in args.domains.split(",")]
    if args.stage in ("all", "components"):
        for domain in domains:
            stage_components(domain, cache, args.workers, extra=extra)
    if args.stage in ("all", "loo"):
        only = [x.strip() for x in args.only.split(";")] if args.only else None
        stage_loo(domains, cache, args.workers, peers=args.peers, floors=args.floors, only=only,
                  short=args.short, minima=args.minima, boot=args.boot)
    if args.member_reliability:
        for domain in domains:
            member_reliability(domain, cache)
    if args.timing:
        members, shrink, recal = args.timing.split("|")
        spread = None if recal == "none" else (float(recal.split()[-1]), "widen" not in recal)
        timing(domains, (members, float(shrink), spread))


if __name__ == "__main__":
    main()
