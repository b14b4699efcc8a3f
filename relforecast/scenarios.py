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

A scenario describes the future: its shocks must start after the last observed month (the
as-of month) and its regressor values must lie after it — a shock dated inside the history
would otherwise be applied in full to every future month. Such inputs are refused, naming the
month (:meth:`Scenario.check_future`). The name ``baseline`` (and its Chinese forms) is
reserved for the forecast without extra shocks.

:func:`compare_scenarios` forecasts every scenario from the same seed, so all scenarios share
their base paths and effect draws (common random numbers): differences to the baseline are
computed path by path, with paired Monte Carlo errors, and two identical scenarios differ by
exactly zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from typing import Any, Protocol

import numpy as np
import pandas as pd

from relforecast._typing import RNGLike, as_number
from relforecast.exceptions import ForecastError, ShockError
from relforecast.forecast import Forecast
from relforecast.periods import window_horizon  # its home is relforecast.periods; kept here
from relforecast.scale import Scale
from relforecast.shocks import Shock, ShockCalendar, read_yaml_list, shock_from_record

__all__ = [
    "RESERVED_NAMES",
    "Scenario",
    "compare_scenarios",
    "load_scenarios",
    "window_horizon",
]


class ScenarioFit(Protocol):
    """What scenarios use of a fitted model (:class:`relforecast.models.base.FittedModel`
    keeps it): its data, scale and shock calendar, its estimated shock effects, and forecasts
    of several scenarios from common random numbers."""

    series: pd.Series
    calendar: ShockCalendar

    @property
    def scale(self) -> Scale: ...

    def shock_effects(self) -> pd.DataFrame: ...

    def forecast_scenarios(
        self, horizon: int, scenarios: Sequence[Scenario | None], n_paths: int = ..., rng: Any = ...
    ) -> list[Forecast]: ...

#: Scenario names that mean the forecast without extra shocks; a user scenario may not use them.
RESERVED_NAMES: tuple[str, ...] = ("baseline", "基准", "基准情景")

_SCENARIO_KEYS = ("name", "description", "probability", "shocks", "name_zh", "description_zh")


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
    name_zh, description_zh : str, optional
        The name and description as the Chinese report shows them.

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
    name_zh: str = ""
    description_zh: str = ""

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
        for name in (self.name, self.name_zh):
            if str(name).strip().lower() in RESERVED_NAMES:
                raise ShockError(
                    f"scenario name {name!r} is reserved for the forecast without extra "
                    "shocks, which every comparison includes; rename the scenario (e.g. "
                    "'no change')"
                )
        shocks = tuple(
            s if isinstance(s, Shock) else shock_from_record(s, f"scenario {self.name!r}")
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

    def display_name(self, lang: str = "en") -> str:
        """The name in ``lang`` (the Chinese one when given, else the name)."""
        return self.name_zh if lang == "zh" and self.name_zh else self.name

    def display_description(self, lang: str = "en") -> str:
        """The description in ``lang`` (the Chinese one when given, else the description)."""
        return self.description_zh if lang == "zh" and self.description_zh else self.description

    def check_future(self, last: pd.Period) -> None:
        """Refuse inputs dated at or before ``last``, the last observed (as-of) month.

        A scenario's shocks describe the future; one dated inside the history (or before the
        data) would be applied in full to the forecast months — a step shock of 2024-10 moves
        every month of a 2025 forecast — although the data already show what it did.

        Raises
        ------
        ShockError
            Naming the shock, its month and the first month it may start.
        """
        last = pd.Period(last, "M")
        for shock in self.shocks:
            if shock.start <= last:
                raise ShockError(
                    f"scenario {self.name!r}: shock {shock.label!r} starts {shock.start}, at or "
                    f"before the last observed month {last}; a scenario shock must start in "
                    f"the future (from {last + 1}); past shocks belong in the calendar the "
                    "model is fitted with (--shocks or --leaders)"
                )
        if self.regressors is not None and len(self.regressors):
            first = self.regressors.index.min()
            if first <= last:
                raise ShockError(
                    f"scenario {self.name!r}: regressor values start {first}, at or before the "
                    f"last observed month {last}; give values from {last + 1} on"
                )

    def shock_after(self, end: pd.Period) -> Shock | None:
        """The first shock that starts after ``end`` (``None`` when all start by then)."""
        end = pd.Period(end, "M")
        return next((shock for shock in self.shocks if shock.start > end), None)

    def check_within(self, end: pd.Period) -> None:
        """Refuse a shock that starts after ``end``, the last month forecast: it cannot move
        any month forecast, and the scenario would be reported as having no effect.

        Raises
        ------
        ShockError
            Naming the shock, its month and the last month it may start.
        """
        end = pd.Period(end, "M")
        shock = self.shock_after(end)
        if shock is not None:
            raise ShockError(
                f"scenario {self.name!r}: shock {shock.label!r} starts {shock.start}, after "
                f"the last month forecast ({end}), so it cannot change any answer; start it "
                f"by {end}, or forecast further (a window that ends later, a longer horizon)"
            )

    def effect_summary(self, fit: ScenarioFit) -> list[dict[str, Any]]:
        """Each shock's assumed effect in score points and where it comes from.

        Returns
        -------
        list of dict
            One per shock: ``label``, ``kind``, ``start``, ``shape``, ``mean``, ``sd`` (score
            points; an estimated effect is converted from the model's scale with the
            transform's slope at the last observed score) and ``source`` — ``"judgmental"``
            or ``"estimated"`` (then ``n_past`` counts the past shocks of the kind).
        """
        slope = fit.scale.slope(float(fit.series.iloc[-1]))  # 1 without bounds
        rows = []
        for shock in self.shocks:
            row: dict[str, Any] = {
                "label": shock.label,
                "kind": shock.kind,
                "start": str(shock.start),
                "shape": shock.shape,
            }
            if shock.effect is not None:
                row.update(mean=shock.effect[0], sd=shock.effect[1], source="judgmental")
            else:
                mean, sd = self._effect(shock, fit, slope)
                past = fit.shock_effects()
                row.update(
                    mean=mean / slope,
                    sd=sd / slope,
                    source="estimated",
                    n_past=int((past["kind"] == shock.kind).sum()),
                )
            rows.append(row)
        return rows

    def unbounded_effects(
        self, fit: ScenarioFit, index: pd.PeriodIndex, n_paths: int, gen: np.random.Generator
    ) -> np.ndarray:
        """Effects of the scenario on the transformed scale, one row per path.

        Parameters
        ----------
        fit : fitted model
            Provides ``series``, ``scale`` and ``shock_effects()``.
        index : pd.PeriodIndex
            Forecast months.
        n_paths : int
            Number of paths.
        gen : Generator
            Random source of the effect draws.
        """
        self.check_future(fit.series.index[-1])
        total = np.zeros((n_paths, len(index)))
        slope = fit.scale.slope(float(fit.series.iloc[-1]))  # 1 without bounds
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

    def _effect(self, shock: Shock, fit: ScenarioFit, slope: float) -> tuple[float, float]:
        if shock.effect is not None:
            return shock.effect[0] * slope, shock.effect[1] * slope
        table = fit.shock_effects()
        past = table.loc[table["kind"] == shock.kind, "effect"].to_numpy()
        if past.size == 0 and table.empty and callable(getattr(fit, "with_effects", None)):
            raise ForecastError(
                f"scenario {self.name!r}: shock {shock.label!r} has no effect to use — "
                f"{getattr(fit, 'name', 'the model')} estimates no shock effects of its own; "
                "give the shock an effect=(mean, sd), or use a model that estimates them "
                "(auto, arima, markov)"
            )
        if past.size == 0:
            raise ForecastError(
                f"scenario {self.name!r}: shock {shock.label!r} has no estimated effect — the "
                f"model was fitted without past {shock.kind!r} shocks; pass them with "
                "shocks=... when fitting, or give the shock an effect=(mean, sd)"
            )
        return float(past.mean()), float(past.std(ddof=1)) if past.size > 1 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """YAML record of the scenario."""
        out: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "probability": self.probability,
            "shocks": [s.to_dict() for s in self.shocks],
        }
        for key in ("name_zh", "description_zh"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out


def load_scenarios(source: str | PathLike | Iterable[Mapping[str, Any]]) -> list[Scenario]:
    """Read scenarios from a YAML file (safe-loaded) or a list of records.

    The file::

        scenarios:
          - name: successor
            name_zh: 右翼继任者                 # optional: the Chinese report's wording
            description: A right-wing successor takes office in Oct 2025
            probability: 0.6
            shocks:
              - {kind: leader_change, start: 2025-10, shape: step, effect: [-0.5, 0.3]}
          - name: tariff escalation
            shocks:
              - {kind: tariff, start: 2025-09, shape: decay, rate: 0.7}   # effect estimated

    Unknown keys, reserved names (``baseline``) and duplicated names are refused.
    """
    where = f"{str(source)!r}: " if isinstance(source, str | PathLike) else ""
    if isinstance(source, str | PathLike):
        records = read_yaml_list(source, "scenarios")
    elif isinstance(source, Iterable) and not isinstance(source, bytes | Mapping):
        records = list(source)
    else:
        raise ShockError(
            f"scenarios come from a YAML file path or a list of records (dicts), got {source!r}"
        )
    out = []
    for i, rec in enumerate(records):
        if not isinstance(rec, Mapping) or "name" not in rec:
            raise ShockError(f"{where}scenario #{i + 1} needs at least a name, got {rec!r}")
        if rec["name"] is None or not str(rec["name"]).strip():
            raise ShockError(f"{where}scenario #{i + 1} has an empty name; give it a name")
        unknown = set(rec) - set(_SCENARIO_KEYS)
        if unknown:
            raise ShockError(
                f"{where}scenario {rec['name']!r}: unknown field(s) {sorted(map(str, unknown))}; "
                f"allowed: {', '.join(_SCENARIO_KEYS)}"
            )
        shocks = rec.get("shocks") or ()
        if not isinstance(shocks, list | tuple):
            raise ShockError(f"{where}scenario {rec['name']!r}: 'shocks' must be a list")
        try:
            out.append(
                Scenario(
                    str(rec["name"]),
                    shocks,
                    str(rec.get("description") or ""),
                    rec.get("probability", 1.0),
                    name_zh=str(rec.get("name_zh") or ""),
                    description_zh=str(rec.get("description_zh") or ""),
                )
            )
        except ShockError as exc:
            raise ShockError(f"{where}{exc}") from exc
    names = [s.name.strip().lower() for s in out]
    if len(set(names)) != len(names):
        raise ShockError(f"{where}scenario names must be unique, got {[s.name for s in out]}")
    return out


def _is_fitted_model(fit: object) -> bool:
    """A fitted model of the contract (:class:`relforecast.models.base.FittedModel`): it holds its
    series and forecasts scenarios. Checked by what it does, so that the core needs no model."""
    return hasattr(fit, "series") and callable(getattr(fit, "forecast_scenarios", None))


def compare_scenarios(
    fit: ScenarioFit,
    scenarios: Sequence[Scenario],
    horizon: int | None = None,
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
        Compared with the baseline (no extra shocks), which is always the first row, named
        ``"baseline"`` (a reserved name).
    horizon : int, optional
        Months ahead (default 12); not with ``window``, which sets the months itself.
    window : str, optional
        ``"2025-07:2026-06"``: statistics over these months (forecast through any gap). A
        window that has already begun holds its observed months first: they count in every
        statistic (a crossing already observed gives P = 1).
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
        ``attrs["forecasts"]`` holds the windowed :class:`Forecast` of every scenario and
        ``attrs["scenarios"]`` the scenarios by row name (``None`` for the baseline).
    """
    seed = int(rng.integers(2**32)) if isinstance(rng, np.random.Generator) else rng
    if not _is_fitted_model(fit):
        raise ForecastError(
            f"{fit!r} is not a fitted model; pass e.g. rf.ARIMA().fit(series) to compare scenarios"
        )
    last = fit.series.index[-1]
    if window is not None and horizon is not None:
        raise ForecastError(
            f"give horizon={horizon!r} or window={window!r}, not both: the window sets the months "
            "forecast (through its last month)"
        )
    if window is None:
        horizon = 12 if horizon is None else horizon
    else:
        first, end, horizon = window_horizon(
            last, window, start=fit.series.index[0], data=repr(fit.series.name)
        )
    if isinstance(scenarios, Scenario | str | bytes) or not isinstance(scenarios, Sequence):
        raise ForecastError(f"scenarios must be a list of rf.Scenario objects, got {scenarios!r}")
    for sc in scenarios:
        if not isinstance(sc, Scenario):
            raise ForecastError(f"scenarios must be rf.Scenario objects, got {sc!r}")
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ForecastError(f"scenario names must be unique, got {names}")
    for sc in scenarios:
        sc.check_future(last)
        if window is not None or (isinstance(horizon, int) and horizon >= 1):
            sc.check_within(end if window is not None else last + horizon)
    todo: list[Scenario | None] = [None, *scenarios]
    keys = ["baseline", *names]
    forecasts: dict[str, Forecast] = {}
    simulated = fit.forecast_scenarios(horizon, todo, n_paths=n_paths, rng=seed)
    for key, fc in zip(keys, simulated, strict=True):
        forecasts[key] = (
            forecast_in_window(fc, fit.series, first, end) if window is not None else fc
        )
    base = forecasts["baseline"]
    t = base._threshold(threshold)
    rows = []
    for key, sc in zip(keys, todo, strict=True):
        fc = forecasts[key]
        crossed = fc.crossed(t).astype(float)
        d_cross = crossed - base.crossed(t)
        end_values = fc.paths[:, -1]
        d_end = end_values - base.paths[:, -1]
        q = np.quantile(end_values, [0.1, 0.5, 0.9])
        row: dict[str, Any] = {
            "scenario": key,
            "description": sc.description if sc is not None else "",
            "probability": sc.probability if sc is not None else 1.0,
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
        if fc.scale.levels:
            levels = fc.level_probabilities(lang).iloc[-1]
            row.update({f"P({k})": v for k, v in levels.items()})
            row["level_end"] = levels.idxmax()
        fp = fc.median_first_passage(t)
        row["median_first_passage"] = str(fp) if fp is not None else "none"
        rows.append(row)
    table = pd.DataFrame(rows).set_index("scenario")
    table.attrs["forecasts"] = _Shared(forecasts)
    table.attrs["scenarios"] = _Shared(zip(keys, todo, strict=True))
    table.attrs["threshold"] = t
    return table


class _Shared(dict):
    """A mapping in ``DataFrame.attrs`` that operations on the frame share instead of copying.

    pandas deep-copies ``attrs`` into the result of every operation (a row by ``.loc``, a
    copy, a selection); the forecasts' paths (``n_paths`` x months each, per scenario) would
    be copied each time, which with a million paths exhausts memory part-way through a report.
    """

    def __deepcopy__(self, memo: dict) -> _Shared:
        return self


def forecast_in_window(
    fc: Forecast, series: pd.Series, first: pd.Period, end: pd.Period
) -> Forecast:
    """The forecast over the window ``first..end``, its months already observed included."""
    last = series.index[-1]
    if first > last:
        return fc.window(first, end)
    return fc.window(last + 1, end).with_observed(series.loc[first:last])
