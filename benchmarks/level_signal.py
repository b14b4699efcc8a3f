"""What foretells the level of an event index a year ahead? Own past, other partners, other source.

An event index is mostly noise around a slowly moving level, and a forecast a year ahead gains
on the 60-month climatology only by knowing where that level is going
(``benchmarks/headroom.py``). This script measures how much of the next year's level each
source of information foretells, at the origins of ``benchmarks/peers.py`` (every 6 months,
GDELT 2008-06 … 2024-06, ICEWS 2008-06 … 2022-12, aggregated indices).

At each origin ``o`` and for each partner, the target is the mean of the 12 months after ``o``
minus the mean of the 60 months up to ``o`` (the climatology's centre). The predictors are
deviations from that same 60-month mean, all of months up to ``o``:

* ``own``: the partner's last 6 and last 12 months;
* ``partners``: the mean over the *other* partners of the same source of their last 6 and 12
  months' deviations (a common movement of China's relations, as the index records it);
* ``other source``: the same partner's last 6 and 12 months in the other source (GDELT for an
  ICEWS series and the reverse; its own 60-month mean).

Each set of predictors is fitted by least squares with an intercept, leave one partner out: the
coefficients are estimated on the other 16 partners and the held-out partner's targets are
predicted. Printed per source: the held-out mean squared error of each set as a ratio to
predicting no change from the climatology's centre (1: no information; lower is better) and
the number of cases (partner-origins with a complete target).

A forecast read from one index file (``relforecast backtest DATA --dyad all``) has the own past
and the other partners; the other source is in another file.

Run:  python benchmarks/level_signal.py
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import peers
from _common import require_shared_data

from relforecast.evaluation.backtest import parse_origins

CLIMATE = 60
RECENT = (6, 12)
PREDICTORS = {
    "a constant shift (no predictor)": (),
    "own": ("own",),
    "own + partners": ("own", "partners"),
    "own + other source": ("own", "other"),
    "own + partners + other source": ("own", "partners", "other"),
}


def deviations(panel: pd.DataFrame, origin: pd.Period) -> tuple[pd.Series, dict[int, pd.Series]]:
    """Per partner: the 60-month mean up to ``origin`` and the recent months' deviations
    from it."""
    past = panel.loc[:origin].iloc[-CLIMATE:]
    centre = past.mean()
    recent = {n: past.iloc[-n:].mean() - centre for n in RECENT}
    return centre, recent


def cases(source: str, panels: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per partner and origin: the target and every predictor."""
    data = peers.DATASETS[source]
    other = "gdelt" if source == "icews" else "icews"
    panel = panels[source]
    rows = []
    for origin in parse_origins(data.origins, data.every):
        future = panel.loc[origin + 1 : origin + 12]
        if len(future) < 12:
            continue
        centre, recent = deviations(panel, origin)
        _, recent_other = deviations(panels[other], origin)
        for partner in panel.columns:
            target = future[partner].mean() - centre[partner]
            row = {"partner": partner, "origin": str(origin), "target": target}
            for n in RECENT:
                row[f"own{n}"] = recent[n][partner]
                row[f"partners{n}"] = recent[n].drop(partner).mean()
                row[f"other{n}"] = recent_other[n].get(partner, np.nan)
            rows.append(row)
    return pd.DataFrame(rows).dropna()


def held_out_mse(table: pd.DataFrame, groups: tuple[str, ...]) -> float:
    """Mean squared error of the least-squares prediction, each partner held out in turn."""
    columns = [f"{g}{n}" for g in groups for n in RECENT]
    errors = []
    for partner, test in table.groupby("partner"):
        train = table[table["partner"] != partner]
        x_train = np.column_stack([np.ones(len(train)), train[columns].to_numpy()])
        beta, *_ = np.linalg.lstsq(x_train, train["target"].to_numpy(), rcond=None)
        x_test = np.column_stack([np.ones(len(test)), test[columns].to_numpy()])
        errors.append(test["target"].to_numpy() - x_test @ beta)
    return float(np.mean(np.concatenate(errors) ** 2))


def main() -> None:
    data_dir = require_shared_data()
    panels = {
        name: peers.DATASETS[name].panel(data_dir, None) for name in ("gdelt", "icews")
    }
    for source in ("gdelt", "icews"):
        table = cases(source, panels)
        reference = float(np.mean(table["target"] ** 2))
        print(f"\n{source.upper()}: {len(table)} partner-origins, {table.partner.nunique()} "
              f"partners; mean squared change of level {reference:.3f}")
        for label, groups in PREDICTORS.items():
            ratio = held_out_mse(table, groups) / reference
            print(f"  {label:<34} {ratio:.3f}")


if __name__ == "__main__":
    main()
