"""What a record keeps of one published forecast: the rows of its tables, made from paths.

:func:`make_entry` turns a :class:`~relforecast.forecast.Forecast` (or the ``Outlook`` that
``rf.outlook`` returns) and the facts about how it was made (:class:`EntryFacts`, or the same
facts as keywords) into an :class:`Entry` — the ``forecasts`` row and its child rows — without
touching any database, so that the expensive part (fitting, simulating, summarising the paths)
can run in worker processes and only the small rows travel to the one process that writes.

The identity ``key`` of an entry is a SHA-256 of the dyad, as-of month, window, model label,
description and estimates (to 6 significant digits), seed, number of paths, and the
fingerprints of the data, of the shock calendar and of the scenario definitions: recording the
same forecast twice is recognised by it, and a forecast made with other shocks, scenarios or
estimates is another forecast.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from relforecast._version import __version__
from relforecast.data import dyad_key, series_fingerprint
from relforecast.evaluation.backtest import QUANTILE_COLUMNS, QUANTILE_LEVELS
from relforecast.exceptions import RecordError
from relforecast.forecast import Forecast
from relforecast.models.registry import make_model, model_names
from relforecast.periods import to_month
from relforecast.record.questions import Question, default_questions, parse_question
from relforecast.record.schema import LEVEL_COLUMNS
from relforecast.scale import TSINGHUA_SCALE
from relforecast.shocks import ShockCalendar

__all__ = ["DEFAULT_THRESHOLDS", "Entry", "EntryFacts", "make_entry"]

DEFAULT_THRESHOLDS: tuple[float, ...] = (-6.0, -3.0, 0.0, 3.0)
SOURCES = ("python", "forecast", "outlook", "backfill")


def data_fingerprint(series: pd.Series) -> str:
    """SHA-256 of the series' months and values (as in an outlook's ``summary.json``)."""
    return series_fingerprint(series)


@dataclass(frozen=True)
class Entry:
    """One published forecast as table rows (see :mod:`relforecast.record.schema`)."""

    forecast: dict[str, Any]
    months: list[dict[str, Any]] = field(repr=False)
    crossings: list[dict[str, Any]] = field(repr=False)
    questions: list[dict[str, Any]] = field(repr=False)

    @property
    def key(self) -> str:
        """Identity of the forecast (duplicates share it)."""
        return self.forecast["key"]


def identity_key(fields: Mapping[str, Any]) -> str:
    """SHA-256 over the fields that make two recorded forecasts the same forecast: what was
    forecast (dyad, as-of month, window), from what (data, shock calendar, scenario
    definitions) and how (model label, description and estimates, seed, number of paths)."""
    names = (
        "dyad",
        "as_of",
        "window_first",
        "window_last",
        "model",
        "model_name",
        "seed",
        "n_paths",
        "shocks_sha256",
    )
    doc = {k: fields[k] for k in names} | {
        "data": fields["data_sha256"],
        "scenarios": _scenario_definitions(fields["scenarios"]),
        "params": _rounded(json.loads(fields["model_params"])),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def _rounded(value: Any) -> Any:
    """Estimates to 6 significant digits: the same fit gives the same key, on this machine or
    another whose last bits of floating point differ."""
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, Mapping):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _scenario_definitions(text: str) -> Any:
    """The scenarios' definitions in a recorded ``scenarios`` field (an outlook's also holds
    its results, which follow from the rest and are left out of the identity)."""
    value = json.loads(text)
    if isinstance(value, Mapping) and "definitions" in value:
        return value["definitions"]
    return value


def shocks_fingerprint(shocks: ShockCalendar | str | None) -> str:
    """The ``shocks_sha256`` of a calendar (``""``: none or empty); a string is taken as one
    already computed (an outlook's ``summary.json``)."""
    if shocks is None:
        return ""
    if isinstance(shocks, ShockCalendar):
        return shocks.fingerprint()
    return str(shocks)


def _month_text(value: Any, what: str) -> str:
    return str(to_month(value, what, error=RecordError))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_jsonable)


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.integer | np.floating):
        return value.item()
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def _params(params: Any) -> dict[str, Any]:
    if params is None:
        return {}
    items = params.items() if hasattr(params, "items") else dict(params).items()
    out = {}
    for k, v in items:
        out[str(k)] = float(v) if isinstance(v, int | float | np.number) else v
    return out


def _dig(doc: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(doc, Mapping) or key not in doc:
            return None
        doc = doc[key]
    return doc


# the outlook's question codes (relforecast.questions) -> the record's names
_OUTLOOK_QUESTIONS = {
    "ever-below": "cross",
    "ever-at-or-above": "back_above",
    "end-below": "below_end",
    "end-above": "above_end",
}


def _outlook_answers(summary: Mapping[str, Any]) -> dict[str, float] | None:
    """The baseline's published answers, under the record's question names."""
    asked = _dig(summary, "results", "baseline", "questions")
    if not isinstance(asked, list):
        return None
    out = {}
    for item in asked:
        kind, _, t = str(item.get("question", "")).partition(":")
        if kind in _OUTLOOK_QUESTIONS and item.get("p") is not None:
            out[f"{_OUTLOOK_QUESTIONS[kind]}_{float(t):g}"] = float(item["p"])
    return out or None


def _from_outlook(outlook: Any) -> tuple[Forecast, dict[str, Any]]:
    """The baseline forecast and the facts its ``summary.json`` holds (those it lacks are
    taken from the forecast or must be given)."""
    s = outlook.summary if isinstance(outlook.summary, Mapping) else {}
    window = s.get("window")
    facts = {
        "dyad": s.get("dyad"),
        "as_of": _dig(s, "data", "last"),
        "window": tuple(p.strip() for p in str(window).split(":")) if window else None,
        "model": _dig(s, "model", "key"),
        "model_name": _dig(s, "model", "name"),
        "model_params": _dig(s, "model", "params"),
        "seed": s.get("seed"),
        "n_paths": s.get("n_paths"),
        "fingerprint": _dig(s, "data", "sha256"),
        "shocks_sha256": s.get("shocks_sha256"),
        "data_first": _dig(s, "data", "first"),
        "data_months": _dig(s, "data", "months"),
        "synthetic": bool(_dig(s, "data", "synthetic") or False),
        "threshold": s.get("threshold"),
        "scenarios": {"definitions": s.get("scenarios", []), "results": s.get("results", {})},
        "notes": list(_dig(s, "model", "diagnostics") or []),
        "questions": _outlook_answers(s),
    }
    return outlook.forecast, {k: v for k, v in facts.items() if v is not None}


def _check_history(fc: Forecast, history: pd.Series | None) -> None:
    """A ``history=`` given beside a forecast must be the same dyad's data, ending where the
    forecast's own history ends (else the record would file it under another dyad or month)."""
    own = fc.history
    if history is None or own is None or history is own:
        return
    if own.name is not None and history.name is not None:
        if dyad_key(own.name) != dyad_key(history.name):
            raise RecordError(
                f"history= is the data of {history.name!r}, but the forecast was made from "
                f"the data of {own.name!r}; give the forecast's own history (or leave history= "
                "out)"
            )
    if len(own) and len(history) and history.index[-1] < own.index[-1]:
        raise RecordError(
            f"history= ends {history.index[-1]}, before the forecast's data ({own.index[-1]}); "
            "give the data the forecast was made from"
        )


@dataclass(frozen=True, eq=False)
class EntryFacts:
    """How a published forecast was made: what :func:`make_entry` records beside its paths.

    Every fact is optional: a fact left out is taken from the forecast (its history, model,
    ``meta``) or from an outlook's ``summary.json``.

    Attributes
    ----------
    history : pd.Series, optional
        The data the forecast was made from (all of it: a model may keep only its last
        months as ``forecast.history``). Default ``forecast.history``.
    dyad, as_of, fingerprint, last_value : optional
        Default: from ``history`` (its name, last month, SHA-256 of its months and values,
        last value) or the outlook's summary.
    window : "YYYY-MM:YYYY-MM" or (first, last), optional
        The months the questions are about; default all the forecast's months.
    model : str, optional
        Short label to group by (``auto``, ``arima`` …); default an outlook's model name
        (another one is refused), else ``model_name``.
    model_name, model_params : optional
        Full description and estimated parameters; default the forecast's ``model`` and
        ``meta["params"]``, or the outlook's.
    seed, n_paths : optional
        Random seed and number of paths (default ``forecast.meta["seed"]``, its path count).
    shocks : ShockCalendar or str, optional
        The shock calendar the model was fitted with (or its fingerprint); part of the
        forecast's identity. Default: the one the forecast says it was made with (its
        ``meta["shocks_sha256"]``, set by every model), an outlook's from its summary, else
        none.
    scenarios : any JSON-able value, optional
        The scenarios published alongside (an outlook's definitions and results by default).
    questions : mapping name -> probability, optional
        Published answers (names as in :mod:`relforecast.record.questions`). They are
        recorded as given; the default questions for ``thresholds`` are added from the paths
        where not given.
    thresholds : sequence of float
        Thresholds of the crossing curves and of the default questions.
    threshold : float, optional
        The headline threshold (default the scale's −6).
    source : {"python", "forecast", "outlook", "backfill"}
        What published the forecast.
    notes : sequence of str
        Diagnostics worth keeping.
    created : str, optional
        When it was recorded (ISO 8601); default now.
    """

    history: pd.Series | None = None
    dyad: str | None = None
    as_of: Any = None
    window: str | tuple[Any, Any] | None = None
    model: str | None = None
    model_name: str | None = None
    model_params: Mapping[str, Any] | pd.Series | None = None
    seed: int | str | None = None
    n_paths: int | None = None
    fingerprint: str | None = None
    shocks: ShockCalendar | str | None = None
    last_value: float | None = None
    scenarios: Any = None
    questions: Mapping[str, float] | None = None
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS
    threshold: float | None = None
    source: str = "python"
    notes: Sequence[str] = ()
    created: str | None = None

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise RecordError(f"source {self.source!r} is not one of {SOURCES}")

    @classmethod
    def of(cls, facts: EntryFacts | None, given: Mapping[str, Any]) -> EntryFacts:
        """``facts``, or the facts given as keywords (not both)."""
        if facts is None:
            return cls(**given)
        if not isinstance(facts, EntryFacts):
            raise RecordError(f"facts must be an EntryFacts, got {type(facts).__name__}")
        if given:
            raise RecordError(
                f"give the facts as an EntryFacts or as keywords, not both (got {sorted(given)} "
                "beside it); use dataclasses.replace(facts, ...)"
            )
        return facts


def make_entry(
    published: Forecast | Any, facts: EntryFacts | None = None, /, **given: Any
) -> Entry:
    """Summarise a published forecast into the rows a record keeps.

    Parameters
    ----------
    published : Forecast or Outlook
        The forecast (its paths are summarised; they are not stored), or the object
        ``rf.outlook`` returns (its baseline forecast and ``summary`` are used).
    facts : EntryFacts, optional
        How it was made (see :class:`EntryFacts`).
    **given
        The same facts as keywords (``dyad=``, ``seed=``, ``questions=`` …), instead of
        ``facts``.

    Returns
    -------
    Entry
    """
    facts = EntryFacts.of(facts, given)
    if isinstance(published, Forecast):
        fc, told = published, {}
    elif hasattr(published, "forecast") and hasattr(published, "summary"):
        fc, told = _from_outlook(published)
    else:
        raise RecordError(
            f"a record stores a Forecast or an Outlook, got {type(published).__name__}"
        )
    _check_history(fc, facts.history)
    history = facts.history if facts.history is not None else fc.history
    questions = facts.questions if facts.questions is not None else told.get("questions")
    dyad, as_of, cut = _what_data(fc, facts, told, history)
    fingerprint = facts.fingerprint or told.get("fingerprint")
    if fingerprint is None:
        if cut is None or cut.empty:
            raise RecordError("give fingerprint=: the forecast has no history to fingerprint")
        fingerprint = data_fingerprint(cut)
    last_value = facts.last_value
    if last_value is None and cut is not None and not cut.empty:
        last_value = float(cut.iloc[-1])
    window = facts.window
    if window is None:
        window = told.get("window") or (fc.index[0], fc.index[-1])
    first, last = _window(fc, window, questions)
    model, model_name, params = _which_model(fc, facts, told)
    seed = _seed(facts.seed if facts.seed is not None else told.get("seed", fc.meta.get("seed")))
    n_paths = int(facts.n_paths or told.get("n_paths") or fc.n_paths)
    threshold = facts.threshold if facts.threshold is not None else told.get("threshold")
    threshold = float(TSINGHUA_SCALE.critical if threshold is None else threshold)
    thresholds = tuple(sorted({float(t) for t in (*facts.thresholds, threshold)}))
    shocks = facts.shocks
    row: dict[str, Any] = {
        "dyad": str(dyad),
        "as_of": as_of,
        "window_first": first,
        "window_last": last,
        "model": str(model or model_name),
        "model_name": str(model_name),
        "model_params": _json(params),
        "seed": None if seed is None else str(seed),
        "n_paths": n_paths,
        "data_sha256": str(fingerprint),
        "shocks_sha256": shocks_fingerprint(
            shocks
            if shocks is not None
            else told.get("shocks_sha256", fc.meta.get("shocks_sha256"))
        ),
        "data_first": str(cut.index[0]) if cut is not None and not cut.empty else None,
        "data_months": len(cut) if cut is not None else None,
        "last_value": last_value,
        "synthetic": bool(
            told.get(
                "synthetic", history.attrs.get("synthetic", False) if history is not None else False
            )
        ),
        "threshold": threshold,
        "scenarios": _json(
            facts.scenarios if facts.scenarios is not None else told.get("scenarios", [])
        ),
        "source": facts.source,
        "created": facts.created or datetime.now(UTC).isoformat(timespec="seconds"),
        "relforecast_version": __version__,
        "notes": _json([*told.get("notes", []), *facts.notes]),
    }
    if told.get("data_first") and told.get("data_months"):
        row["data_first"], row["data_months"] = told["data_first"], int(told["data_months"])
    row["key"] = identity_key(row)
    return Entry(
        forecast=row,
        months=_month_rows(fc, as_of, history),
        crossings=_crossing_rows(fc, thresholds),
        questions=_question_rows(fc, first, last, last_value, thresholds, questions, n_paths),
    )


def _what_data(
    fc: Forecast, facts: EntryFacts, told: Mapping[str, Any], history: pd.Series | None
) -> tuple[Any, str, pd.Series | None]:
    """The dyad, the as-of month (text) and the data up to it."""
    dyad = facts.dyad or told.get("dyad") or (history.name if history is not None else None)
    if not dyad:
        raise RecordError("give dyad=: the forecast has no named history to take it from")
    as_of = (
        facts.as_of
        or told.get("as_of")
        or (history.index[-1] if history is not None else None)
    )
    if as_of is None:
        raise RecordError("give as_of= (the last month of data the forecast saw)")
    as_of = _month_text(as_of, "as_of")
    own = fc.history
    if own is not None and len(own) and str(own.index[-1]) != as_of:
        raise RecordError(
            f"as_of {as_of} is not the month the forecast was made from: its history ends "
            f"{own.index[-1]} and it starts {fc.index[0]}; give as_of={str(own.index[-1])!r} "
            "or leave it out"
        )
    cut = history.loc[: pd.Period(as_of, "M")] if history is not None else None
    return dyad, as_of, cut


def _window(
    fc: Forecast, window: str | tuple[Any, Any], questions: Mapping[str, float] | None
) -> tuple[str, str]:
    """The first and last month of the questions' window (inside the forecast's months,
    unless the published answers are given)."""
    if isinstance(window, str):
        parts = window.split(":")
        if len(parts) != 2:
            raise RecordError(f"window {window!r} must look like '2025-07:2026-06'")
        window = tuple(parts)
    first, last = (_month_text(w, "window month") for w in window)
    if pd.Period(last, "M") < pd.Period(first, "M"):
        raise RecordError(f"window {first}:{last} ends before it starts")
    if pd.Period(first, "M") < fc.index[0] or pd.Period(last, "M") > fc.index[-1]:
        if questions is None:
            raise RecordError(
                f"window {first}:{last} is not inside the forecast months "
                f"{fc.index[0]}..{fc.index[-1]}; pass the published questions= for it"
            )
    return first, last


def _which_model(
    fc: Forecast, facts: EntryFacts, told: Mapping[str, Any]
) -> tuple[str | None, str, dict[str, Any]]:
    """The model's label, its description and its estimates."""
    published_model = told.get("model")
    model = facts.model
    if (
        model is not None
        and published_model is not None
        and model != published_model
        and not _named_on_scale(model, published_model, fc)
    ):
        raise RecordError(
            f"model={model!r}, but the outlook was made with {published_model!r} (its "
            "summary.json); leave model= out or give the outlook's"
        )
    model_name = facts.model_name or told.get("model_name") or fc.model or "model"
    given = facts.model_params
    params = _params(given if given is not None else told.get("model_params"))
    return model or published_model, model_name, params or _params(fc.meta.get("params"))


def _named_on_scale(name: str, published: str, fc: Forecast) -> bool:
    """Whether the outlook's model ``published`` is what the name ``name`` builds on the
    forecast's scale: on a scale other than Tsinghua the command line builds the model from its
    name and the outlook's summary gives the specification's name (``block-bootstrap(12)``)."""
    return name in model_names() and make_model(name, scale=fc.scale).name == published


def _seed(seed: Any) -> Any:
    """The seed as recorded: a whole number >= 0 (what ``--seed`` reproduces), or none."""
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0
    ):
        raise RecordError(
            f"seed {seed!r} cannot be recorded: the command line reproduces a forecast from a "
            "whole-number seed >= 0 (--seed); give that seed, or none"
        )
    return seed


def _month_rows(fc: Forecast, as_of: str, history: pd.Series | None) -> list[dict[str, Any]]:
    """One row per forecast month after ``as_of``.

    An outlook updated during its window starts at the window's first month; its months up to
    the as-of month are observed data (drawn and counted in the report), not forecasts, and are
    not recorded as such. Any other month at or before ``as_of`` is an error.
    """
    origin = pd.Period(as_of, "M")
    observed = set(history.index) if history is not None else set()
    qs = np.quantile(fc.paths, QUANTILE_LEVELS, axis=0)  # (19, horizon), as rf.backtest
    mean = fc.paths.mean(axis=0)
    levels = None
    if len(fc.scale.levels) == len(LEVEL_COLUMNS):  # none without bounds
        levels = fc.level_probabilities().to_numpy()
    rows = []
    for j, month in enumerate(fc.index):
        h = (month - origin).n
        if h < 1 and month in observed:
            continue
        if h < 1:
            raise RecordError(f"forecast month {month} is not after the as-of month {as_of}")
        row = {"month": str(month), "h": int(h), "mean": float(mean[j])}
        row.update({c: float(qs[i, j]) for i, c in enumerate(QUANTILE_COLUMNS)})
        row.update(
            {
                c: (float(levels[j, i]) if levels is not None else None)
                for i, c in enumerate(LEVEL_COLUMNS)
            }
        )
        rows.append(row)
    return rows


def _crossing_rows(fc: Forecast, thresholds: Sequence[float]) -> list[dict[str, Any]]:
    rows = []
    for t in thresholds:
        curve = fc.prob_cross_curve(t)
        rows.extend(
            {"threshold": float(t), "month": str(m), "p": float(p)} for m, p in curve.items()
        )
    return rows


def _question_rows(
    fc: Forecast,
    first: str,
    last: str,
    last_value: float | None,
    thresholds: Sequence[float],
    given: Mapping[str, float] | None,
    n_paths: int,
) -> list[dict[str, Any]]:
    asked: dict[str, tuple[Question, float]] = {}
    inside = pd.Period(first, "M") >= fc.index[0] and pd.Period(last, "M") <= fc.index[-1]
    if inside:
        window = fc.window(first, last)
        if last_value is not None and math.isfinite(last_value):
            for q in default_questions(last_value, tuple(thresholds), fc.scale):
                asked[q.name] = (q, q.probability(window))
    for name, p in (given or {}).items():
        q = parse_question(name, fc.scale)
        p = float(p)
        if not 0.0 <= p <= 1.0:
            raise RecordError(f"question {name!r}: probability {p!r} must lie in [0, 1]")
        asked[q.name] = (q, p)
    return [
        {
            "name": q.name,
            "kind": q.kind,
            "threshold": q.threshold,
            "level": q.level,
            "first": first,
            "last": last,
            "probability": p,
            "mc_se": math.sqrt(p * (1 - p) / n_paths),
        }
        for q, p in asked.values()
    ]
