"""Cost and reach of the regime-switching estimation: EM steps and the quasi-Newton tolerance.

The ``markov`` member of ``auto`` is estimated by maximum likelihood from three starts, each
improved by a few EM steps before statsmodels' BFGS search (``markov_statsmodels.EM_STEPS``,
``BFGS_GTOL``). EM steps are cheap (one filter and one smoother); a BFGS iteration costs a
filter per parameter (complex-step gradient). This script fits the ``auto`` member
(2 regimes on monthly changes, momentum 12, last 240 months) to the seven Tsinghua dyads at
16 ends (every second June, 1994 ... 2024: 112 fits) under several settings and prints, per
setting, the total time, how far each fit's log-likelihood falls short of the best found by
any setting (the reference: six starts, 40 EM steps, tolerance 1e-6), and how far the mean
and the 10 % / 90 % quantiles of 2,000 paths at h = 12 move from the default setting's. The
same 112 fits do not show everything: a setting must also pass the model tests (Hamilton's
GNP model reaches its published likelihood; floored EM steps do not make every start fail).

Run:  python benchmarks/markov_estimation.py [--settings "5:1e-5,20:1e-4"]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _common import require_shared_data

import relforecast as rf
from relforecast.models import markov_statsmodels as backend

ENDS = [f"{y}-06" for y in range(1994, 2025, 2)]


def run(panel: pd.DataFrame, em: int, gtol: float, n_starts: int = 3) -> pd.DataFrame:
    """Every fit's log-likelihood, seconds and h = 12 path summary under one setting."""
    backend.EM_STEPS, backend.BFGS_GTOL = em, gtol
    spec = rf.MarkovSwitching(
        k_regimes=2, form="diff", momentum=12, window=240, n_starts=n_starts
    )
    rows = []
    for dyad in panel.columns:
        series = panel[dyad].dropna()
        for end in ENDS:
            t0 = time.perf_counter()
            try:
                fit = spec.fit(series.loc[:end])
            except rf.FitError:
                rows.append({"dyad": dyad, "end": end, "llf": np.nan, "seconds": np.nan})
                continue
            seconds = time.perf_counter() - t0
            last = fit.forecast(12, n_paths=2000, rng=0).paths[:, -1]
            rows.append(
                {
                    "dyad": dyad,
                    "end": end,
                    "llf": fit.llf,
                    "seconds": seconds,
                    "mean": last.mean(),
                    "q10": np.quantile(last, 0.1),
                    "q90": np.quantile(last, 0.9),
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="5:1e-5,5:1e-4,10:1e-5,15:1e-5,15:1e-4")
    args = parser.parse_args()
    panel = rf.load_panel(require_shared_data() / "tsinghua_relations_long.csv")
    default = (backend.EM_STEPS, backend.BFGS_GTOL)
    reference = run(panel, 40, 1e-6, n_starts=6)
    settings = [tuple(float(x) for x in s.split(":")) for s in args.settings.split(",")]
    results = {(int(em), gtol): run(panel, int(em), gtol) for em, gtol in settings}
    base = results.get(default)
    if base is None:
        base = run(panel, *default)
    best = np.fmax.reduce([reference["llf"], *(r["llf"] for r in results.values())])
    print(f"{len(reference)} fits; default EM_STEPS={default[0]}, BFGS_GTOL={default[1]:g}")
    print("| EM steps | gtol | seconds | failed fits | fits > 0.01 below best | worst shortfall "
          "| max |change| of mean, q10, q90 at h=12 vs default |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for (em, gtol), r in {(40, 1e-6): reference, **results}.items():
        short = best - r["llf"].to_numpy()
        moved = max(np.abs(r[c] - base[c]).max() for c in ("mean", "q10", "q90"))
        print(f"| {em} | {gtol:g} | {r['seconds'].sum():.2f} | {r['llf'].isna().sum()} | "
              f"{(short > 0.01).sum()} | {np.nanmax(short):.3f} | {moved:.4f} |")
    backend.EM_STEPS, backend.BFGS_GTOL = default


if __name__ == "__main__":
    main()
