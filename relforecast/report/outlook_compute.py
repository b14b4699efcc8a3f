"""Computing one outlook: every number, table and answer of the report; nothing is written.

The outlook is made in three steps (:func:`relforecast.outlook` runs them in this order):

1. :func:`prepare_outlook` checks the inputs and the options and cuts every dated input at the
   as-of month (:func:`relforecast.asof.as_of`); the result, an :class:`OutlookJob`, is the
   job as it will be computed. Everything that can fail fast fails here, before a fit.
2. :func:`compute_outlook` computes: the report-time backtest of the track record (in a worker
   process of :func:`relforecast.panel.parallel.worker_process`, beside the fit), the fit, one
   set of simulated paths for the baseline and every scenario (common random numbers,
   :func:`relforecast.scenarios.compare_scenarios`), the questions and their answers, the
   spread between models (:func:`relforecast.models.spread.model_spread`), the scenarios'
   assumed effects, the analogue and event tables of the figures, the changes since a
   previous edition and the edition's spec. It returns an :class:`OutlookResult`.
3. :func:`relforecast.report.outlook_write.write_outlook` draws the figures, builds the
   document and writes the files from the :class:`OutlookResult` alone.

Splitting the steps lets a caller compute once and write several times (another folder, a
figure font installed later) and keeps the fitting and the simulation out of the drawing code.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relforecast._version import __version__
from relforecast.asof import as_of as cut_inputs
from relforecast.asof import cut_events
from relforecast.data import series_fingerprint as fingerprint
from relforecast.events.analogues import analogues, parse_anchors
from relforecast.events.log import EventLog
from relforecast.events.movement import recent_movement
from relforecast.exceptions import DataError, SpecError
from relforecast.forecast import Forecast, check_threshold
from relforecast.graphics.labels import fmt_month, labels, shock_label
from relforecast.models.base import FittedModel, Model
from relforecast.models.registry import make_model, registered_name
from relforecast.models.spread import model_spread
from relforecast.panel.parallel import worker_process
from relforecast.periods import default_window, window_horizon
from relforecast.questions import Answer, Question, default_questions, parse_question
from relforecast.report.edition import (
    Changes,
    EditionInputs,
    SplitTask,
    changes_since,
    edition_record,
    start_split,
)
from relforecast.report.outlook_options import OutlookOptions
from relforecast.report.spec import OutlookSpec
from relforecast.report.track_record import (
    TrackRecord,
    TrackRecordConfig,
    compute_backtest,
    read_backtest,
    require_model_rows,
    track_record_origins,
)
from relforecast.report.track_record import (
    track_record as score_track_record,
)
from relforecast.scale import Scale, as_scale
from relforecast.scenarios import Scenario, compare_scenarios
from relforecast.shocks import ShockCalendar

__all__ = [
    "OutlookJob",
    "OutlookResult",
    "compute_outlook",
    "prepare_outlook",
]

#: Months of history before and after each analogue anchor.
ANALOGUE_SPAN = (12, 24)


def creation_stamp(created: datetime | None) -> datetime:
    """The creation time: given, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else now."""
    if created is not None:
        return created.astimezone(UTC) if created.tzinfo else created.replace(tzinfo=UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except ValueError as exc:
            raise DataError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from exc
    return datetime.now(UTC).replace(microsecond=0)


def model_spec(model: str | Model) -> tuple[Model, str]:
    """The specification and the name its backtest rows carry."""
    if not isinstance(model, str):
        return model, str(getattr(model, "name", type(model).__name__))
    return make_model(model), model


def table_label(rows: pd.DataFrame, spec: Model, key: str) -> str:
    """The report's model among the labels of a given backtest table: ``key``, or, when the
    table lacks it, the name the specification was built from on its scale (the label of
    ``relforecast backtest --model NAME --scale ...``, which a refusal then names)."""
    labels = set(rows["model"].astype(str)) if "model" in rows.columns else set()
    return key if key in labels else registered_name(spec) or key


def headline_threshold(spec: Any, threshold: float | None) -> float:
    """The threshold of the headline question: ``threshold``, else the scale's critical point.

    Raises
    ------
    DataError
        When the model's scale has no levels (an unbounded model), or no threshold is given
        and the scale has no critical point.
    """
    scale = as_scale(getattr(spec, "scale", None))
    if not scale.levels:  # the level table, figure and text would fail after the slow steps
        raise DataError(
            f"an outlook reports level probabilities, and the model's scale ({scale.name}) has "
            "no levels; declare the data's bounds, e.g. scale='-10:10' (CLI: --scale=-10:10)"
        )
    if threshold is None and scale.critical is None:
        raise DataError(
            f"give a threshold: the model's scale ({scale.name}) has no critical point "
            "(threshold=...; CLI: --threshold, e.g. --threshold 0)"
        )
    return check_threshold(threshold if threshold is not None else scale.critical, scale)


def check_chinese_names(scenarios: Sequence[Scenario]) -> None:
    """Refuse, before the slow steps, a scenario a Chinese report could only name in English.

    Raises
    ------
    SpecError
        Naming the first scenario without ``name_zh`` (or with a description but no
        ``description_zh``) and the fix.
    """
    for sc in scenarios:
        missing = [k for k in ("name_zh", "description_zh") if not getattr(sc, k)]
        if not sc.description:
            missing = [k for k in missing if k != "description_zh"]
        if missing:
            raise SpecError(
                f"scenario {sc.name!r} has no {' or '.join(missing)}: a Chinese report names "
                f"every scenario in Chinese; add {', '.join(f'{k}: ...' for k in missing)} to "
                "the scenario (file), or write the report with lang='en' / --lang en"
            )


def track_record_kind(value: Any) -> str:
    """Where supplied track-record rows come from, for the report's words: ``"record"`` (the
    forecast record), else ``"table"``."""
    if isinstance(value, pd.DataFrame) and value.attrs.get("kind") == "record":
        return "record"
    return "table"


def track_record_input(value: Any) -> Any:
    """Validate the track-record option before the slow steps."""
    if value is None or (isinstance(value, str) and value.lower() == "none"):
        return None
    if isinstance(value, str) and value == "compute":
        return "compute"
    if isinstance(value, pd.DataFrame):  # attrs["source"]: where the rows came from
        return value, str(value.attrs.get("source", "given"))
    if not isinstance(value, str | os.PathLike):
        raise DataError(
            f"track_record={value!r} is not known; give 'compute', a backtest CSV path, a "
            "DataFrame of backtest rows or None"
        )
    path = Path(value)
    return read_backtest(path), path.name


def package_versions() -> dict[str, str]:
    """Versions of relforecast and of the libraries behind its numbers and files."""
    import docx  # noqa: F401  (python-docx)
    import matplotlib
    import scipy
    import statsmodels

    try:
        from importlib.metadata import version

        docx_version = version("python-docx")
    except Exception:  # pragma: no cover - metadata missing
        docx_version = "unknown"
    return {
        "relforecast": __version__,
        "Python": platform.python_version(),
        "NumPy": np.__version__,
        "pandas": pd.__version__,
        "SciPy": scipy.__version__,
        "statsmodels": statsmodels.__version__,
        "matplotlib": matplotlib.__version__,
        "python-docx": docx_version,
    }


def default_anchors(
    series: pd.Series, shocks: ShockCalendar | None, count: int, lang: str
) -> list[tuple[pd.Period, str]]:
    """The analogue anchors when none are given: the last ``count`` shocks inside the data
    (named after them), else the months ten and five years before the last."""
    if shocks is None or not len(shocks):
        # ten and five years back, as far as the data reach (else its first month)
        months = [m for m in (series.index[-1] - 12 * k for k in (10, 5)) if m in series.index]
        return [(m, fmt_month(m, lang)) for m in months or [series.index[0]]]
    inside = {}
    for s in shocks:
        if series.index[0] + 12 <= s.start <= series.index[-1]:
            inside[s.start] = shock_label(s, lang)
    months = sorted(inside)[-count:]
    return [(m, inside[m]) for m in months]


def anchor_names(
    anchors: Sequence[Any] | None,
    series: pd.Series,
    shocks: ShockCalendar | None,
    lang: str,
) -> list[tuple[pd.Period, str]]:
    """The analogue anchors as (month, name in ``lang``): the given ones, else the defaults."""
    if not anchors:
        return default_anchors(series, shocks, 3, lang)
    return [
        (m, f"{n} ({fmt_month(m, lang)})" if n else fmt_month(m, lang))
        for m, n in parse_anchors(anchors)
    ]


def _events_table(
    events: pd.Series | EventLog | None, dyad: str, index: pd.PeriodIndex
) -> pd.DataFrame | pd.Series | None:
    """The month's event scores up to the as-of month (positive, negative and count from an
    event log, so that months without events are marked; a given Series of net scores)."""
    if events is None:
        return None
    if isinstance(events, EventLog):
        events = cut_events(events, index[-1])
        if not len(events):
            return None
        return events.monthly_scores(dyad, index)
    return events.loc[events.index <= index[-1]]


def _questions_frame(answers: dict[str, list[Answer]]) -> pd.DataFrame:
    """One row per (scenario, question): the table of ``questions.csv``."""
    rows = []
    for key, items in answers.items():
        for a in items:
            rows.append({"scenario": key, **a.to_dict()})
    return pd.DataFrame(rows)


def _forecast_frame(forecasts: dict[str, Forecast], t: float) -> pd.DataFrame:
    """Every scenario's forecast by month (the table of ``forecast.csv``)."""
    long = pd.concat(
        {name: fc.to_frame(threshold=t) for name, fc in forecasts.items()}, names=["scenario"]
    ).reset_index()
    long["month"] = long["month"].astype(str)
    return long


@dataclass(frozen=True)
class OutlookJob:
    """An outlook's inputs checked and cut at the as-of month (:func:`prepare_outlook`).

    Attributes
    ----------
    series : pd.Series
        The scores as given (the edition's spec names their dyad).
    data : pd.Series
        The scores cut at the as-of month.
    month : Period
        The as-of month.
    window : str
        The window as used (``"2025-07:2026-06"``); ``months`` its first and last month.
    calendar : ShockCalendar or None
        The shocks cut at the as-of month.
    observed : pd.DataFrame
        Scores of every dyad of the track record (this one included), cut.
    track_input : None, "compute" or (rows, source)
        The checked track-record option.
    spec_model, model_key, scale, threshold, extra
        The model specification, the name of its backtest rows, its scale, the headline
        threshold and the questions asked besides the default ones.
    keywords : dict
        The options as given (the edition's spec is built from them).
    """

    series: pd.Series
    data: pd.Series
    month: pd.Period
    window: str
    months: tuple[pd.Period, pd.Period]
    calendar: ShockCalendar | None
    observed: pd.DataFrame
    track_input: Any
    spec_model: Model
    model_key: str
    scale: Scale
    threshold: float
    extra: tuple[Question, ...]
    scenarios: tuple[Scenario, ...]
    n_paths: int
    rng: int
    lang: str
    anchors: Sequence[Any] | None
    events: pd.Series | EventLog | None
    config: TrackRecordConfig
    created: datetime
    edition: EditionInputs | None
    source_note: str | None
    keywords: dict[str, Any]


def prepare_outlook(
    series: pd.Series,
    options: OutlookOptions,
    scenarios: Sequence[Scenario] = (),
    panel: pd.DataFrame | None = None,
) -> OutlookJob:
    """Check the options of :func:`relforecast.outlook` and cut the inputs at the as-of month.

    Nothing is fitted; every error of the options is raised here.

    Parameters
    ----------
    series : pd.Series
        Monthly scores of the dyad.
    options : OutlookOptions
        The settings (:func:`relforecast.outlook`'s keywords but ``out``, ``spec``,
        ``progress``, ``scenarios`` and ``panel``).
    scenarios : sequence of Scenario
        Compared with the baseline; their shocks must start after the as-of month.
    panel : pd.DataFrame, optional
        Scores of all dyads (months x dyads) for a pooled track record; default this dyad.

    Returns
    -------
    OutlookJob
    """
    lang, anchors = options.lang, options.anchors
    labels(lang)  # an unknown language fails before the slow steps
    parse_anchors(anchors or ())  # as does a bad or repeated anchor
    spec_model, model_key = model_spec(options.model)
    scale = as_scale(getattr(spec_model, "scale", None))
    t = headline_threshold(spec_model, options.threshold)
    extra = [q if isinstance(q, Question) else parse_question(q) for q in options.questions]
    for q in extra:
        q.check(scale)
    if options.shocks is not None and not isinstance(options.shocks, ShockCalendar):
        raise SpecError(
            f"shocks must be one rf.ShockCalendar for this dyad, got "
            f"{type(options.shocks).__name__}; give the dyad's calendar (e.g. "
            "rf.ShockCalendar.from_leaders(path, dyad)), or use rf.panel_outlook for one "
            "calendar per dyad"
        )
    cut = cut_inputs(
        options.as_of, series=series, panel=panel, calendar=options.shocks, scenarios=scenarios
    )
    data, month = cut.series, cut.month
    if data.index[-1] != month:
        raise DataError(
            f"{series.name!r} has no score for the as-of month {month} (its data end "
            f"{series.index[-1]}); give an as-of month with data"
        )
    window = options.window or default_window(month)
    first, end, _ = window_horizon(month, window, start=data.index[0], data=repr(series.name))
    window = f"{first}:{end}"  # as used: months, whatever form it was given in
    for scenario in scenarios:
        scenario.check_within(end)  # a shock after the window could change no answer
    if lang == "zh":
        check_chinese_names(scenarios)
    for anchor, _ in parse_anchors(anchors or ()):
        # so does an anchor outside the data, which the analogue figure could not draw
        if anchor not in data.index:
            raise DataError(
                f"anchor {anchor} is outside the data ({data.index[0]}..{data.index[-1]})"
            )
    table_in = track_record_input(options.track_record)
    if isinstance(table_in, tuple):  # a table without the report's model: said before the fit
        require_model_rows(table_in[0], table_label(table_in[0], spec_model, model_key))
    stamp = creation_stamp(options.created)
    observed = cut.panel if cut.panel is not None else data.to_frame()
    if str(data.name) not in observed.columns:
        observed = observed.join(data.rename(str(data.name)), how="outer")
    config = options.track_record_config or TrackRecordConfig()
    if isinstance(table_in, str) and table_in == "compute":  # too short: said before any fit
        track_record_origins(observed, month, config)
    return OutlookJob(
        series=series,
        data=data,
        month=month,
        window=window,
        months=(first, end),
        calendar=cut.calendar,
        observed=observed,
        track_input=table_in,
        spec_model=spec_model,
        model_key=model_key,
        scale=scale,
        threshold=t,
        extra=tuple(extra),
        scenarios=tuple(scenarios),
        n_paths=options.n_paths,
        rng=options.rng,
        lang=lang,
        anchors=anchors,
        events=options.events,
        config=config,
        created=stamp,
        edition=options.edition,
        source_note=options.source_note,
        keywords={
            "model": options.model,
            "scenarios": scenarios,
            "shocks": options.shocks,
            "questions": [q.code for q in extra],
            "lang": lang,
            "threshold": options.threshold,
            "n_paths": options.n_paths,
            "seed": options.rng,
            "anchors": anchors,
            "track_record": options.track_record,
        },
    )


@dataclass(frozen=True)
class OutlookResult:
    """Every number, table and answer of one outlook (:func:`compute_outlook`).

    The writers (:func:`relforecast.report.outlook_write.write_outlook`) read only this:
    they draw, word and write, and compute nothing.

    Attributes
    ----------
    job : OutlookJob
        The inputs as computed (as-of month, window, options).
    fit : FittedModel
    comparison : pd.DataFrame
        The scenario comparison (``rf.compare_scenarios``; ``attrs`` hold its forecasts and
        scenarios).
    forecasts : dict of str to Forecast
        Each scenario's forecast over the window, ``"baseline"`` first.
    questions : list of Question
        The questions asked, the headline first.
    answers : dict of str to list of Answer
        Each scenario's answers, in the order of ``questions``.
    question_table : pd.DataFrame
        One row per (scenario, question) (``questions.csv``).
    forecast_table : pd.DataFrame
        Every scenario by month (``forecast.csv``).
    spread : pd.DataFrame
        Model spread (:func:`relforecast.models.spread.model_spread`).
    track_record : TrackRecord or None
    assumptions : dict
        Each scenario's assumed shock effects (``Scenario.effect_summary``).
    analogues : pd.DataFrame
        The scores around each analogue anchor, one column an anchor month.
    event_table : pd.DataFrame, pd.Series or None
        The month's event scores drawn under the history.
    recent_movement : dict
        The last twelve months' movement (``summary.json``).
    changes : Changes or None
        The changes since the previous edition.
    edition : (OutlookSpec, dict of str to bytes) or None
        The spec the folder saves and the copies of its input files.
    versions : dict of str to str
    fingerprint : str
        SHA-256 of the scores as cut.
    """

    job: OutlookJob
    fit: FittedModel
    comparison: pd.DataFrame
    forecasts: dict[str, Forecast]
    questions: list[Question]
    answers: dict[str, list[Answer]]
    question_table: pd.DataFrame
    forecast_table: pd.DataFrame
    spread: pd.DataFrame
    track_record: TrackRecord | None
    assumptions: dict[str, list[dict[str, Any]]]
    analogues: pd.DataFrame
    event_table: pd.DataFrame | pd.Series | None
    recent_movement: dict[str, Any]
    changes: Changes | None
    edition: tuple[OutlookSpec, dict[str, bytes]] | None
    versions: dict[str, str]
    fingerprint: str

    @property
    def baseline(self) -> Forecast:
        """The baseline forecast over the window (observed months first, when any)."""
        return self.forecasts["baseline"]

    @property
    def diagnostics(self) -> list[str]:
        """The fit's notes and the spread's."""
        return list(self.fit.diagnostics) + list(self.spread.attrs.get("notes", []))


def compute_outlook(
    job: OutlookJob,
    *,
    out: str | Path = "outlook",
    progress: Callable[[str], None] | None = None,
    side: Any = None,
) -> OutlookResult:
    """Compute the outlook ``job`` describes; nothing is drawn or written.

    Parameters
    ----------
    job : OutlookJob
        From :func:`prepare_outlook`.
    out : str or Path, default "outlook"
        The folder the outlook is meant for (recorded in the edition's spec).
    progress : callable, optional
        Called with a short message before each step.
    side : executor, optional
        A worker process already running (:func:`relforecast.panel.parallel.worker_process`)
        for the track record's backtest and the previous model; default one of its own.

    Returns
    -------
    OutlookResult
    """
    say = progress or (lambda _msg: None)
    data, calendar, month, t = job.data, job.calendar, job.month, job.threshold
    spec_model, model_key, config, rng = job.spec_model, job.model_key, job.config, job.rng
    edition, table_in, n_paths = job.edition, job.track_input, job.n_paths
    with worker_process() if side is None else nullcontext(side) as side:
        pending = None
        if isinstance(table_in, str) and table_in == "compute":
            # the report-time backtest runs in a worker process while this process fits and
            # simulates the outlook itself
            say(
                f"track record: backtest of {model_key} over {config.n_origins} origins on "
                f"{job.observed.shape[1]} dyad(s), in the background"
            )
            pending = side.submit(
                compute_backtest,
                job.observed,
                model_key if isinstance(job.keywords["model"], str) else spec_model,
                month,
                config=config,
                rng=rng,
                recover=(t,),
            )
        split_task = split = None
        if edition is not None and edition.previous is not None:
            say(f"changes since {edition.previous}: the previous model, in the background")
            split_task = SplitTask(
                str(edition.previous),
                spec_model,
                data,
                calendar,
                job.scenarios,
                default_questions(float(data.iloc[-1]), t, job.scale, key_first=True)[0],
                job.window,
                t,
                n_paths,
                rng,
            )
            split = start_split(split_task, side if edition.background else None)
        name = getattr(spec_model, "name", type(spec_model).__name__)
        say(f"fitting {name} to {data.name} (as of {month})")
        fit = spec_model.fit(data, shocks=calendar)
        say(f"simulating {n_paths} paths for {len(job.scenarios) + 1} scenarios")
        table = compare_scenarios(
            fit,
            list(job.scenarios),
            window=job.window,
            threshold=t,
            n_paths=n_paths,
            rng=rng,
            lang=job.lang,
        )
        forecasts: dict[str, Forecast] = table.attrs["forecasts"]
        base = forecasts["baseline"]
        asked = default_questions(float(data.iloc[-1]), t, job.scale, key_first=True)
        asked += [q for q in job.extra if q not in asked]
        answers = {key: [q.answer(fc) for q in asked] for key, fc in forecasts.items()}

        say("model spread: components and baselines")
        spread = model_spread(
            fit, base, data, job.months, asked[0], shocks=calendar, n_paths=2000, rng=rng
        )
        record = None
        if table_in is not None:
            if pending is not None:
                say("track record: waiting for the backtest")
                rows, source = pending.result(), "computed"
            else:
                rows, source = table_in
                model_key = table_label(rows, spec_model, model_key)
            # the track record scores the question the report leads with
            headline = (
                "back_above" if asked[0].direction == "at_or_above" else "cross",
                asked[0].threshold,
            )
            record = score_track_record(
                rows,
                job.observed,
                str(data.name),
                model_key,
                month,
                source=source,
                headline=headline,
            )
        # waited for last: the previous model runs in the worker while this process goes on
        changes = None
        if split_task is not None:
            say("changes since the previous edition: waiting for the previous model")
            changes = changes_since(
                split_task,
                split.result(),
                answers={k: v[0] for k, v in answers.items()},
                fingerprint=fingerprint,
                fates=edition.fates,
                notes=edition.notes,
            )
    before, after = ANALOGUE_SPAN
    anchors = [m for m, _ in anchor_names(job.anchors, data, calendar, "en")]
    return OutlookResult(
        job=job,
        fit=fit,
        comparison=table,
        forecasts=forecasts,
        questions=asked,
        answers=answers,
        question_table=_questions_frame(answers),
        forecast_table=_forecast_frame(forecasts, t),
        spread=spread,
        track_record=record,
        assumptions={
            key: sc.effect_summary(fit)
            for key, sc in table.attrs["scenarios"].items()
            if sc is not None
        },
        analogues=analogues(data, anchors, before=before, after=after),
        event_table=_events_table(job.events, str(data.name), data.index),
        recent_movement=recent_movement(data, 12, "en").to_dict(),
        changes=changes,
        edition=edition_record(
            edition,
            series=job.series,
            month=month,
            window=job.window,
            out=out,
            keywords=job.keywords,
        ),
        versions=package_versions(),
        fingerprint=fingerprint(data),
    )
