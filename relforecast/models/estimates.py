"""A fitted model's estimates as plain data, and the fit rebuilt from them without estimating.

:func:`to_estimates` turns a fit into JSON-ready values (numbers, strings, lists, dicts — no
code and no pickle: the bytes depend on the estimates alone); :func:`from_estimates` rebuilds
the fit from them on the data and shocks it was estimated on, running only the filters (the
ARIMA's Kalman smoother, the regime filter) at the stored estimates. Rebuilt on the same data,
the fit gives the same forecasts as the estimated one, number for number: every estimate is
stored as the shortest decimal that reads back to the same double.

Families kept: the ``auto`` pool (its members' estimates, which of them were fitted, and the
replay record its weights and spread are learned from), :class:`~relforecast.models.sticky.Sticky`,
:class:`~relforecast.models.arima.ARIMA`, :class:`~relforecast.models.markov.MarkovSwitching`
and :class:`~relforecast.models.bootstrap.BlockBootstrap` (nothing estimated: refitted).
:func:`to_estimates` returns ``None`` for any other family (its caller then re-estimates).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from relforecast.exceptions import SpecError
from relforecast.models.adaptive import ReplayRecord
from relforecast.models.arima import ARIMA, ARIMAResult, sarimax_model
from relforecast.models.auto import Auto, AutoResult, replay
from relforecast.models.base import BorrowsShockEffects, capture_warnings, prepare_series
from relforecast.models.bootstrap import BlockBootstrap, BlockBootstrapResult
from relforecast.models.markov import MarkovResult, MarkovSwitching
from relforecast.models.markov_statsmodels import MarkovAdaptor, variance_floor
from relforecast.models.sticky import Sticky, StickyResult
from relforecast.shocks import ShockCalendar, as_calendar

__all__ = ["from_estimates", "to_estimates"]


def _numbers(values: Any) -> list:
    """An array as nested lists of floats (NaN as ``None``)."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        return None if np.isnan(array) else float(array)  # type: ignore[return-value]
    return [_numbers(v) for v in array]


def _array(values: Any, what: str) -> np.ndarray:
    try:
        return np.array(values, dtype=float)  # None -> NaN
    except (TypeError, ValueError) as exc:
        raise SpecError(f"the stored {what} are not numbers ({exc})") from exc


def _candidates(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The automatic order search's table as rows (an AICc that could not be computed,
    infinite in the table, as ``None``)."""
    return [
        {
            "p": int(row.p),
            "d": int(row.d),
            "q": int(row.q),
            "trend": str(row.trend),
            "aicc": float(row.aicc) if np.isfinite(row.aicc) else None,
        }
        for row in table.itertuples(index=False)
    ]


def _candidate_table(rows: list[Mapping[str, Any]]) -> pd.DataFrame:
    table = pd.DataFrame([{**r, "aicc": np.inf if r["aicc"] is None else r["aicc"]} for r in rows])
    return table[["p", "d", "q", "trend", "aicc"]]


def to_estimates(fit: Any) -> dict[str, Any] | None:
    """The estimates of ``fit`` as plain data; ``None`` for a family not kept.

    Parameters
    ----------
    fit : FittedModel

    Returns
    -------
    dict or None
    """
    if isinstance(fit, AutoResult):
        parts = [to_estimates(f) for f in fit.fits]
        if any(p is None for p in parts):
            return None
        record = None
        if fit.record is not None:
            record = {
                "origins": [str(o) for o in fit.record.origins],
                "quantiles": _numbers(fit.record.quantiles),
            }
            if fit.record.minima is not None:
                record["minima"] = _numbers(fit.record.minima)
        kept = list(fit.kept) if fit.kept is not None else None
        return {
            "family": "auto",
            "fits": parts,
            "kept": kept,
            "stepped_aside": list(fit.stepped_aside),
            "record": record,
        }
    if isinstance(fit, StickyResult):
        inner = to_estimates(fit.inner)
        return None if inner is None else {"family": "sticky", "inner": inner}
    if isinstance(fit, ARIMAResult):
        return {
            "family": "arima",
            "order": [int(v) for v in fit.order],
            "trend": fit.trend,
            "design_columns": list(fit.design_columns),
            "params": _numbers(fit.result.params),
            "diagnostics": list(fit.diagnostics),
            "candidates": None if fit.candidates is None else _candidates(fit.candidates),
        }
    if isinstance(fit, MarkovResult):
        return {
            "family": "markov",
            "design_columns": list(fit.design_columns),
            "params": _numbers(fit.result.params),
            "diagnostics": list(fit.diagnostics),
        }
    if isinstance(fit, BlockBootstrapResult):
        return {"family": "bootstrap"}
    return None


def _expect(data: Mapping[str, Any], family: str, spec: Any, kind: type) -> None:
    if not isinstance(data, Mapping) or data.get("family") != family or not isinstance(spec, kind):
        got = data.get("family") if isinstance(data, Mapping) else type(data).__name__
        raise SpecError(
            f"the stored estimates are of a {got!r} fit, not of the model {spec.name!r}: they "
            "belong to another model; re-estimate it instead"
        )


def _columns_match(stored: Any, used: list[str], what: str) -> None:
    if list(stored) != used:
        raise SpecError(
            f"the stored estimates of {what} use the shock columns {list(stored)}, the data and "
            f"shocks given make {used}: they were estimated on other shocks; re-estimate"
        )


def _arima(spec: ARIMA, series: pd.Series, calendar: ShockCalendar, data: Mapping) -> ARIMAResult:
    y = prepare_series(series, spec.scale, window=spec.window, what=spec.name)
    z = spec.scale.to_unbounded(y)
    columns = list(data["design_columns"])
    exog = None
    if columns:
        design = calendar.design(y.index, by=spec.shocks_by)
        _columns_match(columns, [c for c in columns if c in design.columns], spec.name)
        exog = design[columns].to_numpy()
    order = tuple(int(v) for v in data["order"])
    local: list[str] = []
    with capture_warnings(local):
        model = sarimax_model(z.to_numpy(), exog, order, str(data["trend"]))  # type: ignore[arg-type]
        params = _array(data["params"], f"parameters of {spec.name}")
        if params.shape != (len(model.param_names),):
            raise SpecError(
                f"{len(params)} stored parameters for {spec.name}, whose model has "
                f"{len(model.param_names)}: the estimates belong to another model; re-estimate"
            )
        result = model.smooth(params, cov_type="none")
    return ARIMAResult(
        spec=spec,
        series=y,
        calendar=calendar,
        design_columns=columns,
        order=order,  # type: ignore[arg-type]
        trend=str(data["trend"]),
        result=result,
        candidates=None if data.get("candidates") is None else _candidate_table(data["candidates"]),
        diagnostics=[str(d) for d in data["diagnostics"]],
    )


def _markov(
    spec: MarkovSwitching, series: pd.Series, calendar: ShockCalendar, data: Mapping
) -> MarkovResult:
    y = prepare_series(series, spec.scale, window=spec.window, what=spec.name)
    adaptor = MarkovAdaptor(spec, variance_floor(spec, y))
    span = adaptor.data(y, calendar)
    _columns_match(data["design_columns"], span.columns, spec.name)
    model = adaptor.model(span)
    params = _array(data["params"], f"parameters of {spec.name}")
    if params.shape != (model.k_params,):
        raise SpecError(
            f"{len(params)} stored parameters for {spec.name}, whose model has "
            f"{model.k_params}: the estimates belong to another model; re-estimate"
        )
    result = adaptor.apply(model, params, [])
    diagnostics = [str(d) for d in data["diagnostics"]]
    return MarkovResult(
        spec=spec,
        series=y,
        calendar=calendar,
        adaptor=adaptor,
        data=span,
        result=result,
        parameters=adaptor.parameters(result, len(span.columns), []),
        diagnostics=diagnostics,
    )


def _auto(spec: Auto, series: pd.Series, calendar: ShockCalendar, data: Mapping) -> AutoResult:
    n = len(spec.components)
    kept = data.get("kept")
    kept = tuple(range(n)) if kept is None else tuple(int(i) for i in kept)
    parts = data.get("fits")
    if not isinstance(parts, list) or len(parts) != len(kept) or any(i >= n for i in kept):
        raise SpecError(
            f"the stored estimates hold {len(parts) if isinstance(parts, list) else 0} pool "
            f"members, the pool has {n}: they belong to another pool; re-estimate"
        )
    fits = [
        from_estimates(spec.components[i], series, calendar, part)
        for i, part in zip(kept, parts, strict=True)
    ]
    donor = AutoResult(spec, fits).shock_effects()  # as Auto.fit lends the effects
    if len(donor):
        fits = [f.with_effects(donor) if isinstance(f, BorrowsShockEffects) else f for f in fits]
    record = None
    if data.get("record") is not None:
        stored = data["record"]
        quantiles = _array(stored["quantiles"], "replayed forecasts")
        origins = [pd.Period(o, "M") for o in stored["origins"]]
        if quantiles.ndim != 4 or quantiles.shape[:2] != (len(origins), len(fits)):
            raise SpecError(
                f"the stored replayed forecasts have the shape {quantiles.shape}, not "
                f"({len(origins)} origins, {len(fits)} members, quantiles, months)"
            )
        minima = None
        if stored.get("minima") is not None:
            minima = _array(stored["minima"], "replayed running minima")
            if minima.shape != quantiles.shape:
                raise SpecError(
                    f"the stored replayed running minima have the shape {minima.shape}, not "
                    f"that of the replayed forecasts {quantiles.shape}"
                )
        record = ReplayRecord(origins, quantiles, minima)
        if spec.adapt is not None and not record.holds_what(spec.adapt):
            # stored by a pool that did not score the running minima: replayed afresh
            record = replay(fits, series, spec.adapt)
    full = None if data.get("kept") is None else kept
    return AutoResult(spec, fits, record, full, [str(s) for s in data.get("stepped_aside", [])])


def from_estimates(
    spec: Any, series: pd.Series, shocks: ShockCalendar | None, data: Mapping[str, Any]
) -> Any:
    """The fit of ``spec`` on ``series`` (with ``shocks``) at the estimates ``data``.

    Parameters
    ----------
    spec : model specification
        The model the estimates were made with.
    series : pd.Series
        The data they were estimated on (the same fit results only on the same data).
    shocks : ShockCalendar, optional
        The shocks they were estimated with.
    data : dict
        From :func:`to_estimates`.

    Returns
    -------
    FittedModel

    Raises
    ------
    SpecError
        When the estimates do not belong to ``spec`` (another family, another number of
        parameters or pool members, other shock columns).
    """
    calendar = as_calendar(shocks)
    family = data.get("family") if isinstance(data, Mapping) else None
    if family == "auto":
        _expect(data, "auto", spec, Auto)
        return _auto(spec, series, calendar, data)
    if family == "sticky":
        _expect(data, "sticky", spec, Sticky)
        return StickyResult(spec, from_estimates(spec.model, series, calendar, data["inner"]))
    if family == "arima":
        _expect(data, "arima", spec, ARIMA)
        return _arima(spec, series, calendar, data)
    if family == "markov":
        _expect(data, "markov", spec, MarkovSwitching)
        return _markov(spec, series, calendar, data)
    if family == "bootstrap":
        _expect(data, "bootstrap", spec, BlockBootstrap)
        return spec.fit(series, shocks=calendar)
    raise SpecError(
        f"stored estimates of an unknown kind ({family!r}): they were not written by "
        "relforecast; re-estimate the model"
    )
