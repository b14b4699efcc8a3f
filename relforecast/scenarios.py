"""Scenarios: named sets of future shocks, and their side-by-side comparison.

A :class:`Scenario` adds the effects of its shocks to every simulated path of a fitted model
(on the transformed scale, where the models live). Each shock's effect is either

* **judgmental** — ``Shock(..., effect=(mean, sd))`` in score points, drawn per path from
  ``N(mean, sd²)`` and converted to the transformed scale with the transform's slope at the
  last observed score (so near the current level it moves the score by about ``mean``); or
* **estimated** — ``effect=None``: drawn from ``N(m, s²)`` with ``m`` the mean and ``s`` the
  standard deviation of the fitted effects of the model's past shocks of the same kind.

With ``probability < 1`` the whole scenario happens on each path with that probability (a
mixture of paths with and without it).

:func:`compare_scenarios` forecasts every scenario from the same seed, so all scenarios share
their base paths and effect draws (common random numbers): differences to the baseline are
computed path by path, with paired Monte Carlo errors, and two identical scenarios differ by
exactly zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from relforecast._typing import RNGLike, as_number
from relforecast.exceptions import ForecastError, ShockError
from relforecast.forecast import Forecast
from relforecast.models.base import FittedModel
from relforecast.periods import window_horizon  # its home is relforecast.periods; kept here
from relforecast.shocks import Shock, _shock_from_record, read_yaml_list

__all__ = ["Scenario", "compare_scenarios", "load_scenarios", "window_horizon"]


@dataclass(frozen=True)
class Scenario:
    """A named set of future shocks.

    Parameters
    ----------
    name : str
        Short name, used as the row label of comparisons.
    shocks : sequence of Shock or dict
        Future shocks; dicts are read like YAML records (kind, start, shape, effect...).
    description : str
        One sentence for the report.
    probability : float, default 1.0
        Probability that the scenario happens at all (0 gives the baseline).
    regressors : pd.DataFrame, optional
        Future monthly values of regressors the model was fitted with, on a ``PeriodIndex``
        (e.g. net event scores under the column ``events_cumulative``: for a cumulative
        regressor give the month's *new* scores, they are accumulated); they add
        ``coefficient × value`` to the paths.

    Examples
    --------
    >>> successor = Scenario(
    ...     "successor", [Shock("leader_change", "2025-10", shape="step", effect=(-0.5, 0.3))],
    ...     description="A right-wing successor takes office in Oct 2025")
    """

    name: str
    shocks: Sequence[Shock] = field(default_factory=tuple)
    description: str = ""
    probability: float = 1.0
    regressors: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        if isinstance(self.shocks, str | bytes | Shock | Mapping) or not isinstance(
            self.shocks, Iterable
        ):
            raise ShockError(
                f"the shocks of scenario {self.name!r} must be a list of shocks, got "
                f"{self.shocks!r}"
            )
        if not str(self.name).strip():
            raise ShockError("a scenario needs a non-empty name")
        shocks = tuple(
            s if isinstance(s, Shock) else _shock_from_record(s, f"scenario {self.name!r}")
            for s in self.shocks
        )
        object.__setattr__(self, "shocks", shocks)
        p = as_number(self.probability)
        if p is None or not 0.0 <= p <= 1.0:
            raise ShockError(
                f"probability of scenario {self.name!r} must lie in [0, 1], got "
                f"{self.probability!r}; give a number such as 0.5 (not text such as '50%')"
            )
        object.__setattr__(self, "probability", p)

    def unbounded_effects(
        self, fit: FittedModel, index: pd.PeriodIndex, n_paths: int, gen: np.random.Generator
    ) -> np.ndarray:
        """Effects of the scenario on the transformed scale, one row per path.

        Parameters
        ----------
        fit : fitted model
            Provides ``series``, ``spec.scale`` and ``shock_effects()``.
        index : pd.PeriodIndex
            Forecast months.
        n_paths : int
            Number of paths.
        gen : Generator
            Random source of the effect draws.
        """
        total = np.zeros((n_paths, len(index)))
        scale = fit.spec.scale
        slope = scale.slope(float(fit.series.iloc[-1])) if scale is not None else 1.0
        for shock in self.shocks:
            mean, sd = self._effect(shock, fit, slope)
            draws = mean + sd * gen.standard_normal(n_paths)
            total += draws[:, None] * shock.profile(index)[None, :]
        if self.regressors is not None:
            effects = fit.shock_effects().set_index("label")["effect"]
            values = self.regressors.reindex(index, fill_value=0.0)
            calendar = fit.calendar
            for col in values.columns:
                if col not in effects.index:
                    raise ForecastError(
                        f"scenario {self.name!r}: regressor {col!r} was not in the fitted "
                        f"model (fitted columns: {', '.join(effects.index) or 'none'})"
                    )
                future = values[col].to_numpy()
                if col in calendar.cumulative:  # the scenario's monthly scores accumulate
                    future = np.cumsum(future)
                total += effects[col] * future[None, :]
        happens = gen.random(n_paths) < self.probability
        return total * happens[:, None]

    def _effect(self, shock: Shock, fit: FittedModel, slope: float) -> tuple[float, float]:
        if shock.effect is not None:
            return shock.effect[0] * slope, shock.effect[1] * slope
        table = fit.shock_effects()
        past = table.loc[table["kind"] == shock.kind, "effect"].to_numpy()
        if past.size == 0:
            raise ForecastError(
                f"scenario {self.name!r}: shock {shock.label!r} has no estimated effect — the "
                f"model was fitted without past {shock.kind!r} shocks; pass them with "
                "shocks=... when fitting, or give the shock an effect=(mean, sd)"
            )
        return float(past.mean()), float(past.std(ddof=1)) if past.size > 1 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """YAML record of the scenario."""
        return {
            "name": self.name,
            "description": self.description,
            "probability": self.probability,
            "shocks": [s.to_dict() for s in self.shocks],
        }


def load_scenarios(source: str | PathLike | Iterable[Mapping[str, Any]]) -> list[Scenario]:
    """Read scenarios from a YAML file (safe-loaded) or a list of records.

    The file::

        scenarios:
          - name: successor
            description: A right-wing successor takes office in Oct 2025
            probability: 0.6
            shocks:
              - {kind: leader_change, start: 2025-10, shape: step, effect: [-0.5, 0.3]}
          - name: tariff escalation
            shocks:
              - {kind: tariff, start: 2025-09, shape: decay, rate: 0.7}   # effect estimated
    """
    if isinstance(source, str | PathLike):
        records = read_yaml_list(source, "scenarios")
    else:
        records = list(source)
    out = []
    for i, rec in enumerate(records):
        if not isinstance(rec, Mapping) or "name" not in rec:
            raise ShockError(f"scenario #{i + 1} needs at least a name, got {rec!r}")
        unknown = set(rec) - {"name", "description", "probability", "shocks"}
        if unknown:
            raise ShockError(
                f"scenario {rec['name']!r}: unknown field(s) {sorted(map(str, unknown))}"
            )
        out.append(
            Scenario(
                str(rec["name"]),
                rec.get("shocks") or (),
                str(rec.get("description") or ""),
                rec.get("probability", 1.0),
            )
        )
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise ShockError(f"scenario names must be unique, got {names}")
    return out


def compare_scenarios(
    fit: FittedModel,
    scenarios: Sequence[Scenario],
    horizon: int = 12,
    *,
    window: str | None = None,
    threshold: float | None = None,
    n_paths: int = 10_000,
    rng: RNGLike = 0,
    lang: str = "en",
) -> pd.DataFrame:
    """Forecast each scenario with common random numbers and compare them to the baseline.

    Parameters
    ----------
    fit : fitted model
        ``rf.ARIMA(...).fit(...)`` or ``rf.MarkovSwitching(...).fit(...)``.
    scenarios : sequence of Scenario
        Compared with the baseline (no extra shocks), which is added as the first row unless a
        scenario is named ``"baseline"``.
    horizon : int, default 12
        Months ahead, when no window is given.
    window : str, optional
        ``"2025-07:2026-06"``: statistics over these months (forecast through any gap).
    threshold : float, optional
        Crossing threshold; default the scale's critical point (-6).
    n_paths : int, default 10_000
    rng : Generator, int or None, default 0
        One seed for every scenario (a Generator is asked for one seed).
    lang : {"en", "zh"}
        Language of the level names.

    Returns
    -------
    pd.DataFrame
        One row per scenario: median and 80 % interval at the window's end, P(crossing) in
        the window with its Monte Carlo error, its difference to the baseline with the paired
        Monte Carlo error, the mean end value's difference with its error, level
        probabilities at the end, the most likely level and the median first-passage month.
        ``attrs["forecasts"]`` holds the windowed :class:`Forecast` of every scenario.
    """
    seed = int(rng.integers(2**32)) if isinstance(rng, np.random.Generator) else rng
    if not isinstance(fit, FittedModel):
        raise ForecastError(
            f"{fit!r} is not a fitted model; pass e.g. rf.ARIMA().fit(series) to compare scenarios"
        )
    last = fit.series.index[-1]
    if window is not None:
        first, end, horizon = window_horizon(last, window)
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ForecastError(f"scenario names must be unique, got {names}")
    todo = list(scenarios)
    if "baseline" not in names:
        todo.insert(0, Scenario("baseline", description="no extra shocks"))
    forecasts: dict[str, Forecast] = {}
    for sc, fc in zip(
        todo, fit.forecast_scenarios(horizon, todo, n_paths=n_paths, rng=seed), strict=True
    ):
        forecasts[sc.name] = fc.window(first, end) if window is not None else fc
    base = forecasts["baseline"]
    t = base._threshold(threshold)
    rows = []
    for sc in todo:
        fc = forecasts[sc.name]
        crossed = fc.crossed(t).astype(float)
        d_cross = crossed - base.crossed(t)
        end_values = fc.paths[:, -1]
        d_end = end_values - base.paths[:, -1]
        q = np.quantile(end_values, [0.1, 0.5, 0.9])
        row: dict[str, Any] = {
            "scenario": sc.name,
            "description": sc.description,
            "probability": sc.probability,
            "median_end": q[1],
            "q10_end": q[0],
            "q90_end": q[2],
            "p_cross": crossed.mean(),
            "p_cross_se": crossed.std(ddof=1) / np.sqrt(fc.n_paths),
            "d_p_cross": d_cross.mean(),
            "d_p_cross_se": d_cross.std(ddof=1) / np.sqrt(fc.n_paths),
            "d_mean_end": d_end.mean(),
            "d_mean_end_se": d_end.std(ddof=1) / np.sqrt(fc.n_paths),
        }
        if fc.scale is not None:
            levels = fc.level_probabilities(lang).iloc[-1]
            row.update({f"P({k})": v for k, v in levels.items()})
            row["level_end"] = levels.idxmax()
        fp = fc.median_first_passage(t)
        row["median_first_passage"] = str(fp) if fp is not None else "none"
        rows.append(row)
    table = pd.DataFrame(rows).set_index("scenario")
    table.attrs["forecasts"] = forecasts
    table.attrs["threshold"] = t
    return table
