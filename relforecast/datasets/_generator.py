"""Code that generates the embedded demo data. Everything here is SYNTHETIC.

The demo series imitates the *kind* of path a China–partner relation score takes — long calm
spells at 0.1 resolution, turbulent spells with jumps, a few regime-like drifts between
levels, shocks at leader changes — so that every feature of the library runs offline. No
value is taken from any real data set.

Construction (seeded, deterministic):

1. a target level moves piecewise-linearly through a handful of anchor points;
2. a hidden two-state Markov chain alternates calm (stays 97 % of months) and turbulent
   (stays 85 %) spells;
3. the latent value, on the scale's unbounded transform, reverts to the target at 4 % a month,
   with innovations of sd 0.03 (calm) or 0.30 (turbulent, Student-t with 3 degrees of freedom),
   plus the step effects of the demo shocks;
4. the score is the latent value mapped back to the scale and rounded to 0.1, so most calm
   months are unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from relforecast.scale import TSINGHUA_SCALE, Scale
from relforecast.shocks import Shock, ShockCalendar

DEMO_SEED = 20250701
DEMO_START, DEMO_END = "1950-01", "2025-06"

# (month, target score): an invented arc from hostility through normalisation to tension.
_ANCHORS = (
    ("1950-01", -4.0),
    ("1965-01", -3.0),
    ("1972-06", -0.5),
    ("1973-01", 3.0),
    ("1985-01", 4.0),
    ("1995-01", 1.5),
    ("2005-01", -0.5),
    ("2012-06", -1.0),
    ("2013-01", -3.5),
    ("2018-01", -3.0),
    ("2019-06", -2.0),
    ("2023-01", -4.5),
    ("2025-06", -5.0),
)


def demo_calendar(seed: int = DEMO_SEED) -> ShockCalendar:
    """The synthetic shock calendar used to generate (and to model) the demo series."""
    rng = np.random.default_rng(seed + 1)
    shocks: list[Shock] = []
    month = pd.Period("1957-01", "M")
    k = 1
    while month <= pd.Period(DEMO_END, "M"):
        shocks.append(Shock("leader_change", month, shape="step", name=f"leader {k} {month}"))
        month = month + int(rng.integers(14, 60))
        k += 1
    shocks += [
        Shock("tariff", "2018-03", shape="decay", rate=0.7, name="tariff 2018-03"),
        Shock("tariff", "2025-04", shape="decay", rate=0.7, name="tariff 2025-04"),
        Shock("election", "2012-12", shape="pulse", name="election 2012-12"),
        Shock("election", "2022-07", shape="pulse", name="election 2022-07"),
    ]
    return ShockCalendar(shocks)


def generate_demo(seed: int = DEMO_SEED, scale: Scale = TSINGHUA_SCALE) -> pd.Series:
    """Generate the synthetic demo series (see the module docstring)."""
    rng = np.random.default_rng(seed)
    index = pd.period_range(DEMO_START, DEMO_END, freq="M")
    n = len(index)
    anchor_pos = [(pd.Period(m, "M") - index[0]).n for m, _ in _ANCHORS]
    target = np.interp(np.arange(n), anchor_pos, [v for _, v in _ANCHORS])
    target_z = np.asarray(scale.to_unbounded(np.clip(target, scale.lower, scale.upper)))

    calendar = demo_calendar(seed)
    design = calendar.design(index)
    effects = {
        col: (
            rng.normal(0.0, 0.35)
            if col.startswith("leader")
            else -0.6
            if col.startswith("tariff")
            else -0.4
        )
        for col in design.columns
    }
    shock_path = design.mul(pd.Series(effects)).sum(axis=1).to_numpy()

    stay = np.array([0.97, 0.85])
    regime = np.zeros(n, dtype=int)
    for t in range(1, n):
        regime[t] = regime[t - 1] if rng.random() < stay[regime[t - 1]] else 1 - regime[t - 1]
    calm = rng.normal(0.0, 0.03, n)
    turbulent = 0.30 * rng.standard_t(3, n) / np.sqrt(3.0)
    noise = np.where(regime == 0, calm, turbulent)

    latent = np.empty(n)
    latent[0] = target_z[0]
    for t in range(1, n):
        latent[t] = latent[t - 1] + 0.04 * (target_z[t] - latent[t - 1]) + noise[t]
    z = latent + shock_path
    y = np.asarray(scale.round(np.asarray(scale.from_unbounded(z))))
    y = np.clip(y, scale.lower, scale.upper)  # rounding may not push a value past a bound
    return pd.Series(y, index=pd.PeriodIndex(index, name="month"), name="Demo (synthetic)")


PANEL_SEED = 20250702


def generate_panel(
    n_dyads: int = 7,
    months: int = 240,
    seed: int = PANEL_SEED,
    *,
    end: str = DEMO_END,
    scale: Scale = TSINGHUA_SCALE,
) -> pd.DataFrame:
    """Generate a synthetic panel of ``n_dyads`` score series that co-move.

    Each dyad follows the recipe of :func:`generate_demo` without the shocks: a latent value on
    the transformed scale reverting at 4 % a month to the dyad's own level (drawn uniformly
    over the scale, -6.5 ... 7); calm spells (innovation sd 0.03) and turbulent ones (0.30,
    Student-t with 3 degrees of freedom), each dyad with its own two-state regime chain
    (stays 97 % / 85 %); rounded to 0.1. A "world" series of the same kind is shared: each
    dyad's innovation is ``b * world + sqrt(1 - b**2) * own`` with a loading ``b`` drawn
    uniformly in 0.2 ... 0.8 — so the dyads move together in some months, as relations do.

    Parameters
    ----------
    n_dyads : int, default 7
    months : int, default 240
        Length of every series, ending at ``end``.
    seed : int
        Generator seed (one stream a dyad, spawned from it; the world has its own).
    end : str, default "2025-06"
    scale : Scale

    Returns
    -------
    pd.DataFrame
        Monthly ``PeriodIndex`` rows, columns ``S0001``, ``S0002``, ...
    """
    if int(n_dyads) != n_dyads or n_dyads < 1 or int(months) != months or months < 2:
        raise ValueError(f"n_dyads={n_dyads!r} and months={months!r} must be whole numbers >= 1")
    world_seq, *dyad_seqs = np.random.SeedSequence(seed).spawn(int(n_dyads) + 1)
    index = pd.period_range(end=end, periods=int(months), freq="M", name="month")
    stay = np.array([0.97, 0.85])

    def innovations(gen: np.random.Generator) -> np.ndarray:
        regime = np.zeros(months, dtype=int)
        draws = gen.random(months)
        for t in range(1, months):
            prev = regime[t - 1]
            regime[t] = prev if draws[t] < stay[prev] else 1 - prev
        calm = gen.normal(0.0, 0.03, months)
        turbulent = 0.30 * gen.standard_t(3, months) / np.sqrt(3.0)
        return np.where(regime == 0, calm, turbulent)

    world = innovations(np.random.default_rng(world_seq))
    columns = {}
    for k, seq in enumerate(dyad_seqs):
        gen = np.random.default_rng(seq)
        level = gen.uniform(-6.5, 7.0)
        loading = gen.uniform(0.2, 0.8)
        noise = loading * world + np.sqrt(1 - loading**2) * innovations(gen)
        target = float(scale.to_unbounded(level))
        latent = np.empty(months)
        latent[0] = target
        for t in range(1, months):
            latent[t] = latent[t - 1] + 0.04 * (target - latent[t - 1]) + noise[t]
        y = np.asarray(scale.round(np.asarray(scale.from_unbounded(latent))))
        columns[f"S{k + 1:04d}"] = np.clip(y, scale.lower, scale.upper)
    return pd.DataFrame(columns, index=index)
