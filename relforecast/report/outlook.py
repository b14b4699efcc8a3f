"""The July–June outlook: forecast, questions, scenarios, trust section, figures, tables.

``rf.outlook(series, window="2025-07:2026-06", scenarios=[...], out="outlook/")`` writes one
folder, whole or not at all (:mod:`relforecast.report.writer`):

* ``report.html`` (self-contained), ``report.md`` (pipe tables, figures linked) and
  ``report.docx`` (Word) — the same document (:mod:`relforecast.report.content`);
* ``fan.png``, ``crossing.png``, ``levels.png``, ``history.png``, ``analogues.png`` and, with a
  track record, ``reliability.png``;
* ``forecast.csv`` (every scenario by month), ``scenarios.csv`` (the comparison),
  ``questions.csv`` (every question for every scenario), ``spread.csv`` (model spread),
  ``track_record.csv`` (the backtest rows scored; reusable with ``track_record=``);
* ``summary.json`` — as-of month, window, model and parameters, data fingerprint, seed, the
  figure font, every answer, versions: enough to reproduce every number.
* ``spec.json`` and ``input_*`` — the edition: the job (:class:`~relforecast.OutlookSpec`,
  as-of month and window as used) and copies of the input files it read, from which
  ``relforecast update`` makes the next edition (:mod:`relforecast.report.edition`).

As of: every dated input is cut at the as-of month (:mod:`relforecast.asof`); the default is
the data's last month. Nothing in the report depends on the input files beyond what the cut
keeps, so an as-of outlook equals the outlook run on files truncated by hand at that month
(with ``SOURCE_DATE_EPOCH`` fixing the creation time, byte for byte) — all but the edition's
record of how it was made (``spec.json`` and the copies of the input files as given, which
the next edition reads: :mod:`relforecast.report.edition`).
"""

from __future__ import annotations

import io
import os
import pickle
import platform
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relforecast._jsontext import json_text
from relforecast._version import __version__
from relforecast.asof import as_of as cut_inputs
from relforecast.asof import cut_events
from relforecast.data import series_fingerprint as fingerprint
from relforecast.events.analogues import analogues, parse_anchors
from relforecast.events.charts import window_chart
from relforecast.events.log import EventLog
from relforecast.events.movement import recent_movement
from relforecast.exceptions import DataError, RelforecastWarning, SpecError
from relforecast.forecast import Forecast, check_threshold
from relforecast.graphics.fonts import FontChoice, cjk_font, figure_style
from relforecast.graphics.labels import (
    figure_dyad,
    fmt_month,
    labels,
    shock_kind,
)
from relforecast.models.base import FittedModel, Model
from relforecast.models.registry import make_model
from relforecast.models.spread import model_spread
from relforecast.panel.parallel import worker_process
from relforecast.periods import default_window, window_horizon
from relforecast.questions import Answer, Question, default_questions, parse_question
from relforecast.report.content import FIGURE_FILES, ReportInputs, build_document, trust_sentences
from relforecast.report.document import Document
from relforecast.report.edition import (
    FIT_FILE,
    EditionInputs,
    SplitTask,
    changes_since,
    edition_record,
    fit_entry,
    single_job,
    start_split,
)
from relforecast.report.plots import (
    analogue_chart,
    crossing_chart,
    fan_chart,
    history_figure,
    level_chart,
    reliability_chart,
)
from relforecast.report.render_html import to_html
from relforecast.report.render_markdown import to_markdown
from relforecast.report.render_word import to_docx
from relforecast.report.spec import SPEC_FILE, OutlookSpec
from relforecast.report.track_record import (
    TrackRecord,
    TrackRecordConfig,
    compute_backtest,
    read_backtest,
)
from relforecast.report.track_record import (
    track_record as score_track_record,
)
from relforecast.report.verdict import question_words
from relforecast.report.writer import OutputFolder
from relforecast.scale import as_scale
from relforecast.scenarios import Scenario, compare_scenarios
from relforecast.shocks import ShockCalendar

__all__ = ["Outlook", "RelforecastWarning", "default_window", "outlook"]


@dataclass
class Outlook:
    """What :func:`outlook` produced.

    Attributes
    ----------
    out : Path
        The report folder.
    files : dict of str to Path
        Every file written, by name.
    comparison : pd.DataFrame
        The scenario comparison (``rf.compare_scenarios``).
    forecast : Forecast
        The baseline forecast over the window (observed months first, when any).
    fit : fitted model
    summary : dict
        The content of ``summary.json``.
    questions : pd.DataFrame
        One row per (scenario, question): ``p``, ``se``, ``observed``, ``median_month``.
    spread : pd.DataFrame
        Model spread (:func:`relforecast.models.spread.model_spread`).
    track_record : TrackRecord or None
    document : Document
        The report's content (render it again with the renderers of ``relforecast.report``).
    """

    out: Path
    files: dict[str, Path]
    comparison: pd.DataFrame
    forecast: Forecast
    fit: FittedModel
    summary: dict[str, Any] = field(repr=False)
    questions: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    spread: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    track_record: TrackRecord | None = field(default=None, repr=False)
    document: Document | None = field(default=None, repr=False)


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


def _shock_label(shock: Any, lang: str) -> str:
    if lang == "zh":
        # the date first, as Chinese writes it: 2001年4月领导人更替
        return f"{fmt_month(shock.start, 'zh')}{shock_kind(shock.kind, 'zh')}"
    return shock.label if str(shock.start) in shock.label else f"{shock.label} ({shock.start})"


def _default_anchors(
    series: pd.Series, shocks: ShockCalendar | None, count: int, lang: str
) -> list[tuple[pd.Period, str]]:
    if shocks is None or not len(shocks):
        # ten and five years back, as far as the data reach (else its first month)
        months = [m for m in (series.index[-1] - 12 * k for k in (10, 5)) if m in series.index]
        return [(m, fmt_month(m, lang)) for m in months or [series.index[0]]]
    inside = {}
    for s in shocks:
        if series.index[0] + 12 <= s.start <= series.index[-1]:
            inside[s.start] = _shock_label(s, lang)
    months = sorted(inside)[-count:]
    return [(m, inside[m]) for m in months]


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


def _answers(questions: list[Question], forecasts: dict[str, Forecast]) -> dict[str, list[Answer]]:
    return {key: [q.answer(fc) for q in questions] for key, fc in forecasts.items()}


def headline_threshold(spec: Any, threshold: float | None) -> float:
    """The threshold of the headline question: ``threshold``, else the scale's critical point.

    Raises
    ------
    DataError
        When no threshold is given and the model's scale has none (an unbounded model).
    """
    scale = as_scale(getattr(spec, "scale", None))
    if threshold is None and scale.critical is None:
        raise DataError("give a threshold: the model's scale has no critical point")
    return check_threshold(threshold if threshold is not None else scale.critical, scale)


def outlook(
    series: pd.Series,
    window: str | None = None,
    scenarios: Sequence[Scenario] = (),
    out: str | Path | None = None,
    *,
    model: Any = "auto",
    shocks: ShockCalendar | None = None,
    threshold: float | None = None,
    n_paths: int = 10_000,
    rng: int = 0,
    lang: str = "en",
    anchors: Sequence[Any] | None = None,
    events: pd.Series | EventLog | None = None,
    progress: Callable[[str], None] | None = None,
    as_of: str | pd.Period | None = None,
    questions: Sequence[str | Question] = (),
    track_record: str | Path | pd.DataFrame | None = "compute",
    panel: pd.DataFrame | None = None,
    track_record_config: TrackRecordConfig | None = None,
    created: datetime | None = None,
    spec: OutlookSpec | None = None,
    edition: EditionInputs | None = None,
    source_note: str | None = None,
) -> Outlook:
    """Produce the outlook report for one dyad.

    ``rf.outlook(spec)`` or ``rf.outlook(series, spec=spec)`` makes the outlook an
    :class:`~relforecast.OutlookSpec` describes (:func:`relforecast.report.update.run_spec`);
    the keyword form below builds that spec from its keywords and saves it in the folder
    (``spec.json``), so that ``relforecast update`` can make the next edition.

    Parameters
    ----------
    series : pd.Series
        Monthly scores (``rf.load_scores``).
    window : str, optional
        ``"2025-07:2026-06"``; default the first July–June window after the as-of month. It
        may start after the as-of month (the forecast runs through the gap) or before it (an
        update during the window: the months already observed are drawn and counted).
    scenarios : sequence of Scenario
        Compared with the baseline; their shocks must start after the as-of month.
    out : str or Path, default "outlook"
        Output folder, replaced whole when the report is complete (see
        :mod:`relforecast.report.writer`); it must be new, empty or an earlier report. With
        a spec, a given ``out`` replaces the spec's.
    model : str or model specification
        ``"auto"`` (default), ``"arima"``, ``"markov"``, ``"block"`` or a specification.
    shocks : ShockCalendar, optional
        Shocks the model is fitted with (leader changes, ...), cut at the as-of month.
    threshold : float, optional
        Default: the scale's critical point (-6). Finite and strictly inside the scale.
    n_paths : int, default 10_000
    rng : int, default 0
        Seed (recorded in ``summary.json``).
    lang : {"en", "zh"}
        Language of the report and its figures (Chinese figures need a CJK font; without
        one they stay English, with a warning).
    anchors : sequence, optional
        Analogue anchors: ``"2012-09"``, ``"2012-09=Diaoyu purchase"`` or ``(month, name)``;
        default the last three shocks of the calendar, named after them.
    events : pd.Series or EventLog, optional
        Monthly net event scores (or an event log) drawn in a panel under the history.
    progress : callable, optional
        Called with a short message before each step.
    as_of : str or Period, optional
        The as-of month; every dated input is cut there. Default: the last month of
        ``series``.
    questions : sequence of str or Question
        Questions asked besides those chosen by the series' state
        (:func:`relforecast.questions.default_questions`), e.g. ``"end-above:0"``.
    track_record : "compute", path, DataFrame or None
        The track record's backtest table: computed at report time over past origins
        (``"compute"``, see :class:`TrackRecordConfig`), read from a CSV, given as rows in
        the backtest contract, or ``None`` for none.
    panel : pd.DataFrame, optional
        Scores of all dyads (months x dyads) for a pooled track record; default this dyad.
    track_record_config : TrackRecordConfig, optional
        Schedule of the report-time backtest.
    created : datetime, optional
        Creation time written into the report; default ``SOURCE_DATE_EPOCH`` or now.
    spec : OutlookSpec, optional
        The job as one value; then the keywords above are not used (``series`` may be
        omitted: the spec's data file is read).
    edition : EditionInputs, optional
        Set by :func:`relforecast.report.update.run_spec`: the spec as run, the input
        copies and the previous edition.
    source_note : str, optional
        The report's data-source line, e.g. ``"Data: ..., 2025 vintage."``. Default: the
        Tsinghua Institute of International Relations' database for scores on its scale, the
        synthetic demo's note for the demo, else "not stated".

    Returns
    -------
    Outlook
    """
    if isinstance(series, OutlookSpec) or spec is not None:
        job = series if isinstance(series, OutlookSpec) else spec
        given = None if isinstance(series, OutlookSpec) else series
        job = replace(job, out=str(out)) if out is not None else job
        return outlook(**single_job(job, series=given), progress=progress, created=created)
    out = "outlook" if out is None else out
    labels(lang)  # an unknown language fails before the slow steps
    parse_anchors(anchors or ())  # as does a bad or repeated anchor
    say = progress or (lambda _msg: None)
    spec_model, model_key = model_spec(model)
    scale = as_scale(getattr(spec_model, "scale", None))
    t = headline_threshold(spec_model, threshold)
    extra = [q if isinstance(q, Question) else parse_question(q) for q in questions]
    for q in extra:
        q.check(scale)
    cut = cut_inputs(as_of, series=series, panel=panel, calendar=shocks, scenarios=scenarios)
    data, calendar, month = cut.series, cut.calendar, cut.month
    if data.index[-1] != month:
        raise DataError(
            f"{series.name!r} has no score for the as-of month {month} (its data end "
            f"{series.index[-1]}); give an as-of month with data"
        )
    window = window or default_window(month)
    first, end, _ = window_horizon(month, window)
    if lang == "zh":
        check_chinese_names(scenarios)
    for anchor, _ in parse_anchors(anchors or ()):
        # so does an anchor outside the data, which the analogue figure could not draw
        if anchor not in data.index:
            raise DataError(
                f"anchor {anchor} is outside the data ({data.index[0]}..{data.index[-1]})"
            )
    table_in = track_record_input(track_record)
    stamp = creation_stamp(created)

    config = track_record_config or TrackRecordConfig()
    observed = cut.panel if cut.panel is not None else data.to_frame()
    if str(data.name) not in observed.columns:
        observed = observed.join(data.rename(str(data.name)), how="outer")

    with worker_process() as side, OutputFolder(out) as folder:
        pending = None
        if isinstance(table_in, str) and table_in == "compute":
            # the report-time backtest runs in a worker process while this process fits and
            # simulates the outlook itself
            say(
                f"track record: backtest of {model_key} over {config.n_origins} origins on "
                f"{observed.shape[1]} dyad(s), in the background"
            )
            pending = side.submit(
                compute_backtest,
                observed,
                model_key if isinstance(model, str) else spec_model,
                month,
                config=config,
                rng=rng,
                recover=(t,),
            )
        split_task = split = None
        if edition is not None and edition.previous is not None:
            say(f"changes since {edition.previous}: previous model refitted, in the background")
            split_task = SplitTask(
                str(edition.previous),
                spec_model,
                data,
                calendar,
                tuple(scenarios),
                default_questions(float(data.iloc[-1]), t, scale, key_first=True)[0],
                window,
                t,
                n_paths,
                rng,
            )
            background = edition.background and not split_task.can_keep_fit()
            split = start_split(split_task, side if background else None)
        name = getattr(spec_model, "name", type(spec_model).__name__)
        say(f"fitting {name} to {data.name} (as of {month})")
        fit = spec_model.fit(data, shocks=calendar)
        say(f"simulating {n_paths} paths for {len(scenarios) + 1} scenarios")
        table = compare_scenarios(
            fit, scenarios, window=window, threshold=t, n_paths=n_paths, rng=rng, lang=lang
        )
        forecasts: dict[str, Forecast] = table.attrs["forecasts"]
        base = forecasts["baseline"]
        asked = default_questions(float(data.iloc[-1]), t, scale, key_first=True)
        asked += [q for q in extra if q not in asked]
        answers = _answers(asked, forecasts)

        changes = None
        if split_task is not None:
            say("changes since the previous edition: waiting for the refit")
            changes = changes_since(
                split_task,
                split.result(),
                answers={k: v[0] for k, v in answers.items()},
                fingerprint=fingerprint,
                fates=edition.fates,
                notes=edition.notes,
            )

        say("model spread: components and baselines")
        spread = model_spread(
            fit, base, data, (first, end), asked[0], shocks=calendar, n_paths=2000, rng=rng
        )
        record = None
        if table_in is not None:
            if pending is not None:
                say("track record: waiting for the backtest")
                rows, source = pending.result(), "computed"
            else:
                rows, source = table_in
            # the track record scores the question the report leads with
            headline = (
                "back_above" if asked[0].direction == "at_or_above" else "cross",
                asked[0].threshold,
            )
            record = score_track_record(
                rows, observed, str(data.name), model_key, month, source=source, headline=headline
            )

        say("drawing figures")
        font, images = _figures(
            data,
            fit,
            base,
            table,
            answers,
            asked,
            calendar,
            events,
            anchors,
            record,
            t,
            lang,
        )
        for name, png in images.items():
            folder.write(name, png)

        say("writing tables and reports")
        assumptions = {
            key: sc.effect_summary(fit)
            for key, sc in table.attrs["scenarios"].items()
            if sc is not None
        }
        inputs = ReportInputs(
            series=data,
            as_of=month,
            window=(first, end),
            threshold=t,
            fit=fit,
            forecasts=forecasts,
            scenarios=table.attrs["scenarios"],
            questions=asked,
            answers=answers,
            spread=spread,
            track_record=record,
            track_record_config=config,
            track_record_kind=_track_kind(track_record),
            assumptions=assumptions,
            n_paths=n_paths,
            seed=rng,
            created=stamp.isoformat(),
            font=font.name,
            versions=package_versions(),
            fingerprint=fingerprint(data),
            diagnostics=list(fit.diagnostics) + list(spread.attrs.get("notes", [])),
            figures=tuple(images),
            synthetic=bool(data.attrs.get("synthetic", False)),
            changes=changes,
            source_note=source_note,
        )
        document = build_document(inputs, lang)
        folder.write("report.md", to_markdown(document))
        folder.write("report.html", to_html(document, images))
        folder.write("report.docx", to_docx(document, images, stamp))
        q_table = _questions_frame(answers, asked)
        tables = _csv_tables(forecasts, table, q_table, spread, record, t)
        for name, text in tables.items():
            folder.write(name, text)
        summary = _summary(inputs, table, window, lang, font, calendar, scenarios, model_key)
        saved = edition_record(
            edition,
            series=series,
            month=month,
            window=window,
            out=out,
            keywords={
                "model": model,
                "scenarios": scenarios,
                "shocks": shocks,
                "questions": [q.code for q in extra],
                "lang": lang,
                "threshold": threshold,
                "n_paths": n_paths,
                "seed": rng,
                "anchors": anchors,
                "track_record": track_record,
            },
        )
        if saved is not None:
            job, copies = saved
            folder.write(SPEC_FILE, job.to_json())
            for name, payload in copies.items():
                folder.write(name, payload)
            summary["edition"] = {"spec": SPEC_FILE, "inputs": sorted(copies)}
        if changes is not None:
            summary["changes"] = changes.to_dict()
        if saved is not None:  # an edition keeps its fit for the split of its update
            payload = pickle.dumps(fit, protocol=pickle.HIGHEST_PROTOCOL)
            folder.write(FIT_FILE, payload)
            summary["fit"] = fit_entry(payload)
        folder.write("summary.json", json_text(summary) + "\n")
        folder.commit()
        files = dict(sorted(folder.files.items()))
    say(f"wrote {len(files)} files to {out}")
    return Outlook(
        out=Path(out),
        files=files,
        comparison=table,
        forecast=base,
        fit=fit,
        summary=summary,
        questions=q_table,
        spread=spread,
        track_record=record,
        document=document,
    )


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


def _track_kind(value: Any) -> str:
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


def figure_language(lang: str) -> str:
    """The figures' language: ``lang``, or English (with a warning) for Chinese without a
    CJK font installed."""
    if lang == "zh" and cjk_font() is None:
        warnings.warn(
            "no CJK font installed: figure labels stay in English (install one, e.g. "
            "Debian's fonts-noto-cjk, for Chinese figures)",
            RelforecastWarning,
            stacklevel=4,
        )
        return "en"
    return lang


def _figures(data, fit, base, table, answers, asked, calendar, events, anchors, record, t, lang):
    """Draw every figure (PNG bytes by file name) in the report's language and font."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig_lang = figure_language(lang)
    text = labels(fig_lang)
    first, last = fmt_month(base.index[0], fig_lang), fmt_month(base.index[-1], fig_lang)
    dyad = figure_dyad(data.name, fig_lang)
    names = {
        key: (text["baseline"] if sc is None else sc.display_name(fig_lang))
        for key, sc in table.attrs["scenarios"].items()
    }
    below_now = float(data.iloc[-1]) < t
    from relforecast.report.content import question_text

    head = question_text(asked[0], text, last, below_now)
    crossing = pd.DataFrame(
        {"p": [answers[k][0].p for k in names], "se": [answers[k][0].se for k in names]},
        index=[names[k] for k in names],
    )
    shocks = [(s.start, _shock_label(s, fig_lang)) for s in calendar] if calendar else []
    chosen = (
        [
            (m, f"{n} ({fmt_month(m, fig_lang)})" if n else fmt_month(m, fig_lang))
            for m, n in parse_anchors(anchors)
        ]
        if anchors
        else _default_anchors(data, calendar, 3, fig_lang)
    )
    frame = analogues(data, [m for m, _ in chosen], before=12, after=24)
    frame.columns = [name for _, name in chosen]
    event_table = _events_table(events, str(data.name), data.index)

    def draw(name: str, size: tuple[float, float], paint) -> None:
        fig, ax = plt.subplots(figsize=size)
        paint(ax)
        save(name, fig)

    images: dict[str, bytes] = {}

    def save(name: str, fig) -> None:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        images[name] = buffer.getvalue()

    scale = fit.scale  # the fitted-model contract (relforecast.models.base.FittedModel)
    with figure_style(fig_lang) as font:
        draw(
            "fan.png",
            (9, 4.5),
            lambda ax: fan_chart(
                base,
                ax=ax,
                history_months=36,
                threshold=t,
                lang=fig_lang,
                text=text,
                title=text["fan_title"].format(dyad=dyad, first=first, last=last),
            ),
        )
        draw(
            "crossing.png",
            (8, 0.6 * len(crossing) + 1.8),
            lambda ax: crossing_chart(crossing, title=head, text=text, ax=ax),
        )
        draw("levels.png", (9, 4), lambda ax: level_chart(base, text=text, lang=fig_lang, ax=ax))
        save(
            "history.png",
            history_figure(
                data,
                scale,
                shocks=shocks,
                panels=[
                    lambda ax: window_chart(
                        data,
                        event_table,
                        months=24,
                        ax=ax,
                        lang=fig_lang,
                        scale=scale,
                        threshold=t,
                        annotate=False,
                    )
                ],
                text=text,
                lang=fig_lang,
                title=text["history_title"].format(
                    dyad=dyad,
                    first=fmt_month(data.index[0], fig_lang),
                    last=fmt_month(data.index[-1], fig_lang),
                ),
            ),
        )
        draw("analogues.png", (8, 4), lambda ax: analogue_chart(frame, text=text, ax=ax))
        if record is not None:
            rel = record.reliability.copy()
            rel["scope"] = [
                dyad if s == "dyad" else text["tr_pooled"].format(n=record.n_dyads)
                for s in rel["scope"]
            ]
            scored = question_words(*record.headline, record.horizon, fig_lang)
            draw(
                "reliability.png",
                (5.5, 5),
                lambda ax: reliability_chart(
                    rel,
                    text=text,
                    ax=ax,
                    title=text["tv_reliability_of"].format(question=scored),
                ),
            )
    if font.name is None:
        font = FontChoice(None)
    ordered = [f for f in FIGURE_FILES if f in images]
    return font, {name: images[name] for name in ordered}


def _questions_frame(answers: dict[str, list[Answer]], asked: list[Question]) -> pd.DataFrame:
    rows = []
    for key, items in answers.items():
        for a in items:
            rows.append({"scenario": key, **a.to_dict()})
    return pd.DataFrame(rows)


def _csv_tables(forecasts, table, q_table, spread, record, t) -> dict[str, str]:
    long = pd.concat(
        {name: fc.to_frame(threshold=t) for name, fc in forecasts.items()}, names=["scenario"]
    ).reset_index()
    long["month"] = long["month"].astype(str)
    out = {
        "forecast.csv": long.to_csv(index=False, float_format="%.4f"),
        "scenarios.csv": table.to_csv(float_format="%.4f"),
        "questions.csv": q_table.to_csv(index=False, float_format="%.4f"),
        "spread.csv": spread.to_csv(float_format="%.4f"),
    }
    if record is not None:
        out["track_record.csv"] = record.table.to_csv(index=False, float_format="%.5g")
    return out


def package_versions() -> dict[str, str]:
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


def _trust(record: TrackRecord | None, lang: str) -> dict[str, Any] | None:
    """The verdict of the track record for ``summary.json``: grades and the sentences."""
    if record is None:
        return None
    return {**record.verdict, "sentences": trust_sentences(record, lang)}


def _summary(inp: ReportInputs, table, window, lang, font, calendar, scenarios, model_key):
    series = inp.series
    results = {}
    for key in table.index:
        row = table.loc[key]
        results[key] = {
            "p_cross": float(row["p_cross"]),
            "p_cross_se": float(row["p_cross_se"]),
            "median_end": float(row["median_end"]),
            "questions": [a.to_dict() for a in inp.answers[key]],
        }
    return {
        "generator": "relforecast outlook",
        "created": inp.created,
        "dyad": str(series.name),
        "as_of": str(inp.as_of),
        "data": {
            "first": str(series.index[0]),
            "last": str(series.index[-1]),
            "months": len(series),
            "sha256": inp.fingerprint,
            "synthetic": inp.synthetic,
        },
        "shocks_sha256": calendar.fingerprint() if calendar is not None else None,
        "window": window,
        "observed_months": [str(m) for m in inp.forecasts["baseline"].observed_index],
        "threshold": inp.threshold,
        "questions": [q.code for q in inp.questions],
        "model": {
            "name": inp.fit.name,
            "key": model_key,
            "params": {k: float(v) for k, v in inp.fit.params.items()},
            "diagnostics": list(inp.fit.diagnostics),
        },
        "n_paths": inp.n_paths,
        "seed": inp.seed,
        "lang": lang,
        "font": font.to_dict(),
        "scenarios": [s.to_dict() for s in scenarios],
        "results": results,
        "spread": {
            str(k): {c: (v if isinstance(v, str) else float(v)) for c, v in row.items()}
            for k, row in inp.spread.iterrows()
        },
        "track_record": inp.track_record.to_dict() if inp.track_record is not None else None,
        "trust": _trust(inp.track_record, lang),
        "recent_movement": recent_movement(inp.series, 12, "en").to_dict(),
        "versions": inp.versions,
    }
