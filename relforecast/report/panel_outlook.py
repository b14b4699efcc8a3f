"""The all-partners outlook: one report over every dyad of a panel, and each dyad's own.

``rf.panel_outlook(panel, window="2025-07:2026-06", out="outlook_all")`` writes one folder,
whole or not at all:

* ``<dyad>/`` — each dyad's single-dyad outlook, written by :func:`relforecast.outlook` with
  the same options and seed (``OUT/Japan/`` is the report ``relforecast outlook DATA --dyad
  Japan`` writes, with the track record described below);
* ``report.html``, ``report.md``, ``report.docx`` — the overview
  (:mod:`relforecast.report.panel_content`): one row a dyad from
  :func:`relforecast.panel_overview` of the dyads' baseline forecasts — the very paths of
  their own reports, so every number of the overview is the number of the linked report —,
  the fan charts of every dyad on one scale (``fans.png``), and the joint questions from
  :func:`relforecast.joint_crossing` over the dyads at or above the threshold;
* ``overview.csv``, ``joint.csv`` (with two or more such dyads), ``track_record.csv`` (when
  computed) and ``summary.json``.

**Safe output.** The whole tree is built inside the temporary folder of one
:class:`~relforecast.report.writer.OutputFolder` (each dyad's report through its own
``OutputFolder`` there) and swapped in at once: a failed run — one dyad's fit failing
included — leaves the previous overview and every previous dyad report as they were.

**As of.** The panel is cut at the as-of month (default: its last month) and every dyad must
have a score for that month; each dyad's shock calendar and the event log are cut by the
single-dyad outlook (:mod:`relforecast.asof`), so nothing dated later enters a fit or a text.

**Track record.** ``"compute"`` runs the report-time backtest once, pooled over the panel's
dyads (the single-dyad outlook would run the same backtest for every dyad), writes it to
``track_record.csv`` and gives that file to every dyad's report.

**Steps.** As the single-dyad outlook: :func:`prepare_panel_outlook` checks the job and cuts
the panel, :func:`compute_panel_outlook` computes the pooled backtest, every dyad's
:class:`~relforecast.report.outlook_compute.OutlookResult` (in worker processes), the
overview, the key questions and the joint question, and :func:`write_panel_outlook` writes
every dyad's report (in worker processes) and the overview, computing nothing.

**Scenarios** are not taken: a scenario (:class:`relforecast.Scenario`) names no dyad, so a
scenario file would apply one dyad's assumptions to all. Compare scenarios in a dyad's own
outlook.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from relforecast._jsontext import json_text
from relforecast.asof import as_of as cut_inputs
from relforecast.events.log import EventLog
from relforecast.exceptions import DataError, ForecastError, RelforecastWarning
from relforecast.forecast import Forecast
from relforecast.graphics.fonts import FontChoice, figure_style
from relforecast.graphics.labels import labels
from relforecast.panel.forecast import panel_overview
from relforecast.panel.joint import MIN_JOINT_MONTHS, joint_crossing
from relforecast.panel.parallel import run_tasks
from relforecast.periods import default_window, window_horizon
from relforecast.report.document import Document
from relforecast.report.edition import EditionInputs, panel_job
from relforecast.report.outlook_compute import (
    OutlookResult,
    compute_outlook,
    creation_stamp,
    headline_threshold,
    model_spec,
    package_versions,
    prepare_outlook,
    track_record_input,
)
from relforecast.report.outlook_options import OutlookOptions
from relforecast.report.outlook_write import figure_language, write_outlook
from relforecast.report.panel_content import FANS_FILE, PanelInputs, build_panel_document, fan_grid
from relforecast.report.panel_questions import changes, key_table, read_previous
from relforecast.report.render_html import to_html
from relforecast.report.render_markdown import to_markdown
from relforecast.report.render_word import to_docx
from relforecast.report.spec import SPEC_FILE, OutlookSpec
from relforecast.report.track_record import (
    TrackRecordConfig,
    compute_backtest,
    track_record_origins,
)
from relforecast.report.writer import OutputFolder
from relforecast.shocks import ShockCalendar

__all__ = [
    "PanelJob",
    "PanelOutlook",
    "PanelOutlookResult",
    "compute_panel_outlook",
    "dyad_folder",
    "panel_outlook",
    "prepare_panel_outlook",
    "write_panel_outlook",
]

OVERVIEW_FILES = (
    "report.html",
    "report.md",
    "report.docx",
    FANS_FILE,
    "overview.csv",
    "joint.csv",
    "track_record.csv",
    "summary.json",
)


@dataclass
class PanelOutlook:
    """What :func:`panel_outlook` produced.

    Attributes
    ----------
    out : Path
        The report folder.
    files : dict of str to Path
        The overview's files, by name.
    reports : dict of str to Path
        Each dyad's ``report.html``.
    overview : pd.DataFrame
        :func:`relforecast.panel_overview` of the dyads (index dyad, plus ``folder``).
    joint : pd.DataFrame or None
        :func:`relforecast.joint_crossing` over the dyads at or above the threshold.
    forecasts : dict of str to Forecast
        Each dyad's baseline forecast over the window (its report's paths).
    summary : dict
        The content of ``summary.json``.
    document : Document
    """

    out: Path
    files: dict[str, Path]
    reports: dict[str, Path]
    overview: pd.DataFrame
    joint: pd.DataFrame | None
    forecasts: dict[str, Forecast] = field(repr=False)
    summary: dict[str, Any] = field(repr=False)
    document: Document | None = field(default=None, repr=False)


def dyad_folder(dyad: str) -> str:
    """The folder name of a dyad's report: its name with anything but letters, digits,
    ``.``, ``-`` and ``_`` replaced by ``_`` (never starting with a dot)."""
    name = re.sub(r"[^\w.-]", "_", str(dyad))
    return "_" + name[1:] if not name or name.startswith(".") else name


@dataclass(frozen=True)
class _DyadTask:
    dyad: str
    series: pd.Series
    options: OutlookOptions
    panel: pd.DataFrame  # every dyad's scores, cut: the pooled track record's
    out: Path  # the dyad's report folder (recorded in its edition's spec)


def _caught(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, RelforecastWarning)]


def _dyad_compute(task: _DyadTask) -> tuple[OutlookResult, list[str]]:
    """One dyad's outlook computed (runs in a worker process), and the warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RelforecastWarning)
        result = compute_outlook(
            prepare_outlook(task.series, task.options, panel=task.panel), out=task.out
        )
    return result, _caught(caught)


@dataclass(frozen=True)
class _DyadWrite:
    result: OutlookResult
    folder: Path  # where its files go, inside the overview's temporary folder
    out: Path  # the report folder it names


def _dyad_write(task: _DyadWrite) -> list[str]:
    """One dyad's report written (runs in a worker process); the warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RelforecastWarning)
        with OutputFolder(task.folder) as folder:
            write_outlook(task.result, task.out, folder=folder)
    return _caught(caught)


def _warn(messages: Sequence[str]) -> None:
    for message in dict.fromkeys(messages):
        warnings.warn(message, RelforecastWarning, stacklevel=3)


def _dyad_series(panel: pd.DataFrame, month: pd.Period) -> dict[str, pd.Series]:
    """Each dyad's scores up to the as-of month; each must have a score for that month."""
    series = {str(d): panel[d].dropna().rename(str(d)) for d in panel.columns}
    stale = {d: s for d, s in series.items() if s.empty or s.index[-1] != month}
    if stale:
        ends = ", ".join(
            f"{d} ({'no data' if s.empty else f'data end {s.index[-1]}'})" for d, s in stale.items()
        )
        raise DataError(
            f"every dyad needs a score for the as-of month {month}, but {ends}; choose an "
            "earlier as-of month (--until) or leave them out (--dyad A,B,C)"
        )
    return series


def _folders(dyads: Sequence[str]) -> dict[str, str]:
    folders = {d: dyad_folder(d) for d in dyads}
    seen: dict[str, str] = {}
    for dyad, folder in folders.items():
        clash = seen.get(folder.lower()) or (dyad if folder in OVERVIEW_FILES else None)
        if clash is not None:
            raise DataError(
                f"dyads {clash!r} and {dyad!r} would share the report folder {folder!r}; "
                "rename one of them in the data"
            )
        seen[folder.lower()] = dyad
    return folders


def panel_outlook(
    panel: pd.DataFrame,
    window: str | None = None,
    out: str | Path = "outlook",
    *,
    model: Any = "auto",
    shocks: ShockCalendar | Mapping[str, ShockCalendar] | None = None,
    threshold: float | None = None,
    n_paths: int = 10_000,
    rng: int = 0,
    lang: str = "en",
    as_of: str | pd.Period | None = None,
    questions: Sequence[str] = (),
    track_record: str | Path | pd.DataFrame | None = "compute",
    anchors: Sequence[Any] | None = None,
    events: EventLog | None = None,
    workers: int = 1,
    track_record_config: TrackRecordConfig | None = None,
    progress: Callable[[str], None] | None = None,
    created: datetime | None = None,
    edition: EditionInputs | None = None,
    previous: str | Path | Mapping[str, Any] | None = None,
    source_note: str | None = None,
) -> PanelOutlook:
    """Write the all-partners outlook: an overview of every dyad and each dyad's own report.

    Parameters
    ----------
    panel : pd.DataFrame or OutlookSpec
        Scores, months x dyads (``rf.load_panel``); or an all-partners spec
        (``dyad="all"``), which says everything else (the keywords are not used).
    window : str, optional
        ``"2025-07:2026-06"``; default the first July–June window after the as-of month.
    out : str or Path
        Output folder, replaced whole when everything is written (new, empty or an earlier
        report).
    model, threshold, n_paths, rng, lang, questions, anchors, track_record_config, created
        As in :func:`relforecast.outlook`, for every dyad.
    source_note : str, optional
        The data-source line of the overview and of every dyad's report (as in
        :func:`relforecast.outlook`).
    shocks : ShockCalendar or mapping of dyad -> ShockCalendar, optional
        One calendar for every dyad, or one a dyad (e.g. its leader changes); cut at the as-of
        month.
    as_of : str or Period, optional
        The as-of month; default the panel's last month. Every dyad needs a score for it.
    track_record : "compute", path, DataFrame or None
        ``"compute"``: one report-time backtest pooled over the panel's dyads, shared by every
        dyad's report; a backtest CSV or table; ``None`` for none.
    events : EventLog, optional
        Event log; each dyad's report draws its own events under its history.
    workers : int, default 1
        Processes writing the dyads' reports (loky, on this machine).
    progress : callable, optional
        Called with a short message before each step.
    edition : EditionInputs, optional
        Set by :func:`relforecast.report.update.run_spec`: the spec as run (saved as
        ``spec.json`` with the input copies) and the previous edition, whose dyad reports
        each dyad's "changes since" section compares with.
    previous : path or dict, optional
        An earlier overview (its folder or ``summary.json``, or that summary as a dict), as of
        this as-of month or before: each dyad's key question is compared with its answer there
        (:mod:`relforecast.report.panel_questions`). Default: the previous edition of
        ``edition``, if any.

    Returns
    -------
    PanelOutlook
    """
    if isinstance(panel, OutlookSpec):  # rf.panel_outlook(spec): the job as one value
        job = panel if out == "outlook" else replace(panel, out=str(out))
        return panel_outlook(**panel_job(job), progress=progress, created=created)
    options = OutlookOptions(
        window=window,
        model=model,
        shocks=shocks,
        threshold=threshold,
        n_paths=n_paths,
        rng=rng,
        lang=lang,
        anchors=anchors,
        events=events,
        as_of=as_of,
        questions=questions,
        track_record=track_record,
        track_record_config=track_record_config,
        created=created,
        edition=edition,
        source_note=source_note,
    )
    prepared = prepare_panel_outlook(panel, options, previous)
    # the folder is taken (and its lock held) before the slow steps
    with OutputFolder(out) as folder:
        result = compute_panel_outlook(prepared, out=out, workers=workers, progress=progress)
        return write_panel_outlook(
            result, out, folder=folder, workers=workers, progress=progress
        )


@dataclass(frozen=True)
class PanelJob:
    """The all-partners outlook's inputs checked and cut (:func:`prepare_panel_outlook`).

    ``series`` holds each dyad's scores up to the as-of month, ``folders`` each dyad's
    folder name, ``earlier`` the previous overview's summary (or ``None``), ``options`` the
    settings every dyad's outlook is prepared with (window, threshold, as-of month,
    schedule and creation time resolved; ``shocks`` and ``edition`` there unset, each dyad's
    taken from ``shocks`` and ``edition`` here); the other attributes are the options of
    :func:`panel_outlook` as used.
    """

    panel: pd.DataFrame
    series: dict[str, pd.Series]
    folders: dict[str, str]
    month: pd.Period
    window: str
    months: tuple[pd.Period, pd.Period]
    threshold: float
    spec_model: Any
    model_key: str
    track_input: Any
    config: TrackRecordConfig
    created: datetime
    earlier: dict[str, Any] | None
    options: OutlookOptions
    shocks: ShockCalendar | Mapping[str, ShockCalendar] | None
    edition: EditionInputs | None


def prepare_panel_outlook(
    panel: pd.DataFrame,
    options: OutlookOptions,
    previous: str | Path | Mapping[str, Any] | None = None,
) -> PanelJob:
    """Check the options of :func:`panel_outlook` and cut the panel at the as-of month.

    Nothing is fitted.

    Parameters
    ----------
    panel : pd.DataFrame
        Scores, months x dyads.
    options : OutlookOptions
        The settings (:func:`panel_outlook`'s keywords but ``out``, ``workers``,
        ``progress`` and ``previous``); ``shocks`` may be one calendar a dyad.
    previous : path or dict, optional
        An earlier overview (as :func:`panel_outlook`); default the previous edition of
        ``options.edition``, if any.

    Returns
    -------
    PanelJob
    """
    labels(options.lang)  # an unknown language fails before the slow steps
    if not isinstance(panel, pd.DataFrame) or panel.shape[1] == 0:
        raise DataError("panel must be a DataFrame with one column a dyad (rf.load_panel)")
    spec, model_key = model_spec(options.model)
    t = headline_threshold(spec, options.threshold)
    cut = cut_inputs(options.as_of, panel=panel)
    month = cut.month
    series = _dyad_series(cut.panel, month)
    folders = _folders(list(series))
    window = options.window or default_window(month)
    latest = max(series, key=lambda d: series[d].index[0])  # the dyad whose data start last
    first, end, _ = window_horizon(
        month, window, start=series[latest].index[0], data=repr(latest)
    )
    window = f"{first}:{end}"  # as used: months, whatever form it was given in
    table_in = track_record_input(options.track_record)
    stamp = creation_stamp(options.created)
    config = options.track_record_config or TrackRecordConfig()
    if isinstance(table_in, str):  # "compute": data too short for it are said before any fit
        track_record_origins(cut.panel, month, config)
    edition = options.edition
    if previous is None and edition is not None and edition.previous is not None:
        previous = edition.previous  # an update: compare with the edition it follows
    earlier = read_previous(previous, month)
    # every dyad's settings, resolved once; its shocks and edition are set per dyad
    dyad_options = replace(
        options,
        window=window,
        threshold=t,
        as_of=month,
        questions=tuple(options.questions),
        track_record_config=config,
        created=stamp,
        shocks=None,
        edition=None,
    )
    return PanelJob(
        panel=cut.panel,
        series=series,
        folders=folders,
        month=month,
        window=window,
        months=(first, end),
        threshold=t,
        spec_model=spec,
        model_key=model_key,
        track_input=table_in,
        config=config,
        created=stamp,
        earlier=earlier,
        options=dyad_options,
        shocks=options.shocks,
        edition=edition,
    )


@dataclass(frozen=True)
class PanelOutlookResult:
    """Every number of the all-partners outlook (:func:`compute_panel_outlook`).

    Attributes
    ----------
    job : PanelJob
    backtest : pd.DataFrame or None
        The pooled report-time backtest (``track_record.csv``), when computed.
    dyads : dict of str to OutlookResult
        Each dyad's computed outlook.
    overview : pd.DataFrame
        :func:`relforecast.panel_overview` of the dyads with their key questions, the
        changes since the previous overview and their folders.
    joint : pd.DataFrame or None
    joint_error : str or None
        Why the joint question is not answered, when it is not.
    versions : dict of str to str
    """

    job: PanelJob
    backtest: pd.DataFrame | None
    dyads: dict[str, OutlookResult]
    overview: pd.DataFrame
    joint: pd.DataFrame | None
    joint_error: str | None
    versions: dict[str, str]

    @property
    def forecasts(self) -> dict[str, Forecast]:
        """Each dyad's baseline forecast over the window."""
        return {d: r.baseline for d, r in self.dyads.items()}


def compute_panel_outlook(
    job: PanelJob,
    *,
    out: str | Path = "outlook",
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
) -> PanelOutlookResult:
    """Compute the all-partners outlook ``job`` describes; nothing is drawn or written.

    Parameters
    ----------
    job : PanelJob
        From :func:`prepare_panel_outlook`.
    out : str or Path, default "outlook"
        The folder it is meant for (each dyad's edition spec names its folder there).
    workers : int, default 1
        Processes computing the dyads' outlooks (the results do not depend on it).
    progress : callable, optional
        Called with a short message before each step.
    """
    say = progress or (lambda _msg: None)
    t, month, table_in, shocks = job.threshold, job.month, job.track_input, job.shocks
    rows = None
    given = job.options.track_record
    if isinstance(table_in, str):  # "compute": one backtest for every dyad's report
        say(
            f"track record: backtest of {job.model_key} over {job.config.n_origins} origins "
            f"on {len(job.series)} dyads"
        )
        rows = compute_backtest(
            job.panel,
            job.model_key if isinstance(job.options.model, str) else job.spec_model,
            month,
            config=job.config,
            rng=job.options.rng,
            recover=(t,),
        )
        given = rows.copy()  # each dyad's report says it was computed, not read from a file
        given.attrs["source"] = "computed"
    tasks = [
        _DyadTask(
            dyad,
            s,
            replace(
                job.options,
                track_record=given if table_in is not None else None,
                shocks=shocks.get(dyad) if isinstance(shocks, Mapping) else shocks,
                edition=_dyad_edition(job.edition, dyad, Path(out) / job.folders[dyad]),
            ),
            job.panel,
            Path(out) / job.folders[dyad],
        )
        for dyad, s in job.series.items()
    ]
    say(f"computing the outlook of {len(tasks)} dyads with {workers} process(es)")
    results: dict[str, OutlookResult] = {}
    caught: list[str] = []
    for (r, messages), task in zip(
        run_tasks(_dyad_compute, tasks, workers=workers), tasks, strict=True
    ):
        results[task.dyad] = r
        caught += messages
        say(f"{task.dyad}: outlook computed ({len(results)}/{len(tasks)})")
    _warn(caught)
    forecasts = {d: r.baseline for d, r in results.items()}
    lang, window = job.options.lang, job.months
    overview = panel_overview(forecasts, window, threshold=t, lang=lang)
    overview.insert(0, "folder", [job.folders[d] for d in overview.index])
    key = key_table(forecasts, window, t)
    overview = overview.join(key).join(changes(key, job.earlier))
    joint, joint_error = _joint(forecasts, overview, window, t, job.options.rng, lang)
    return PanelOutlookResult(
        job=job,
        backtest=rows,
        dyads=results,
        overview=overview,
        joint=joint,
        joint_error=joint_error,
        versions=package_versions(),
    )


def write_panel_outlook(
    result: PanelOutlookResult,
    out: str | Path = "outlook",
    *,
    folder: OutputFolder | None = None,
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
) -> PanelOutlook:
    """Write a computed all-partners outlook: each dyad's report, the overview and its files.

    Parameters
    ----------
    result : PanelOutlookResult
        From :func:`compute_panel_outlook`.
    out : str or Path, default "outlook"
        Output folder, replaced whole when everything is written.
    folder : OutputFolder, optional
        ``out``'s output folder, already open; default: opened here.
    workers : int, default 1
        Processes writing the dyads' reports.
    progress : callable, optional
        Called with a short message before each step.
    """
    if folder is None:
        with OutputFolder(out) as opened:
            return write_panel_outlook(
                result, out, folder=opened, workers=workers, progress=progress
            )
    say = progress or (lambda _msg: None)
    job = result.job
    opts = job.options
    lang, t, stamp, folders = opts.lang, job.threshold, job.created, job.folders
    if result.backtest is not None:
        folder.write(
            "track_record.csv", result.backtest.to_csv(index=False, float_format="%.5g")
        )
    writes = [
        _DyadWrite(r, folder.tmp / folders[d], Path(out) / folders[d])
        for d, r in result.dyads.items()
    ]
    say(f"writing the reports of {len(writes)} dyads with {workers} process(es)")
    caught: list[str] = []
    for done, messages in enumerate(run_tasks(_dyad_write, writes, workers=workers), 1):
        caught += messages
        say(f"report written ({done}/{len(writes)})")
    _warn(caught)

    say("drawing the fan charts and writing the overview")
    font, fans = _fans(result.forecasts, t, lang)
    earlier = job.earlier
    inputs = PanelInputs(
        overview=result.overview,
        folders=folders,
        joint=result.joint,
        joint_error=result.joint_error,
        as_of=job.month,
        window=job.months,
        threshold=t,
        model_names=[str(r.fit.name) for r in result.dyads.values()],
        model_weights=[
            None if getattr(r.fit, "weights", None) is None else list(r.fit.weights)
            for r in result.dyads.values()
        ],
        n_paths=opts.n_paths,
        seed=opts.rng,
        created=stamp.isoformat(),
        font=font.name,
        versions=result.versions,
        synthetic=bool(job.panel.attrs.get("synthetic", False)),
        previous_as_of=None if earlier is None else str(earlier["as_of"]),
        source_note=opts.source_note,
        scale=getattr(job.spec_model, "scale", None),
        shocks={d: len(r.fit.calendar or ()) for d, r in result.dyads.items()},
    )
    document = build_panel_document(inputs, lang)
    folder.write(FANS_FILE, fans)
    folder.write("report.md", to_markdown(document))
    folder.write("report.html", to_html(document, {FANS_FILE: fans}))
    folder.write("report.docx", to_docx(document, {FANS_FILE: fans}, stamp))
    folder.write("overview.csv", result.overview.to_csv(float_format="%.4f"))
    if result.joint is not None:
        folder.write("joint.csv", result.joint.to_csv(float_format="%.4f"))
    summary = _summary(inputs, result, job.window, job.model_key, lang, font, job.track_input)
    edition = job.edition
    if edition is not None:
        spec = replace(edition.spec, as_of=str(job.month), window=job.window, out=str(out))
        folder.write(SPEC_FILE, spec.to_json())
        for name, payload in edition.copies.items():
            folder.write(name, payload)
        summary["edition"] = {"spec": SPEC_FILE, "inputs": sorted(edition.copies)}
        if edition.previous is not None:
            summary["previous"] = str(edition.previous)
    folder.write("summary.json", json_text(summary) + "\n")
    folder.commit()
    files = dict(sorted(folder.files.items()))
    target = Path(out)
    say(f"wrote the overview and {len(result.dyads)} dyad reports to {out}")
    return PanelOutlook(
        out=target,
        files=files,
        reports={d: target / folders[d] / "report.html" for d in result.dyads},
        overview=result.overview,
        joint=result.joint,
        forecasts=result.forecasts,
        summary=summary,
        document=document,
    )


def _dyad_edition(edition: EditionInputs | None, dyad: str, target: Path) -> EditionInputs | None:
    """A dyad report's edition: the panel's spec narrowed to the dyad (saved in its folder),
    compared with the same dyad's report of the previous edition when it has one."""
    if edition is None:
        return None
    previous = None
    if edition.previous is not None:
        candidate = edition.previous / target.name
        previous = candidate if (candidate / "summary.json").is_file() else None
    spec = replace(edition.spec, dyad=dyad, out=str(target))
    return EditionInputs(spec, {}, [], previous, list(edition.notes), background=False)


def _joint(
    forecasts: dict[str, Forecast],
    overview: pd.DataFrame,
    window: tuple[pd.Period, pd.Period],
    t: float,
    rng: int,
    lang: str,
) -> tuple[pd.DataFrame | None, str | None]:
    """P(k or more of the dyads now at or above T go below it), or why it is not answered."""
    above = [d for d in overview.index if overview.loc[d, "question"] == "cross"]
    if len(above) < 2:
        return None, None
    try:
        table = joint_crossing({d: forecasts[d] for d in above}, window, threshold=t, rng=rng)
    except ForecastError:  # too little shared history to estimate the co-movement
        return None, labels(lang)["panel_joint_short"].format(months=MIN_JOINT_MONTHS)
    return table, None


def _fans(forecasts: dict[str, Forecast], t: float, lang: str) -> tuple[FontChoice, bytes]:
    fig_lang = figure_language(lang)
    with figure_style(fig_lang) as font:
        png = fan_grid(forecasts, t, fig_lang)
    return (font if font.name is not None else FontChoice(None)), png


def _summary(inp: PanelInputs, result, window, model_key, lang, font, table_in) -> dict:
    joint = None
    if inp.joint is not None:
        joint = {
            "dyads": list(inp.joint.attrs["marginal"]),
            "history": inp.joint.attrs.get("history_span"),
            "by_k": {
                str(k): {c: float(v) for c, v in row.items()} for k, row in inp.joint.iterrows()
            },
        }
    dyads = {}
    for dyad, row in inp.overview.iterrows():
        r = result.dyads[dyad]
        dyads[str(dyad)] = {
            "folder": row["folder"],
            "headline": r.question_table.iloc[0]["question"],
            **{c: (v if isinstance(v, str) else float(v)) for c, v in row.items() if c != "folder"},
            "key": {
                "question": row["key_question"],
                "why": row["key_why"],
                "p": float(row["key_p"]),
                "se": float(row["key_se"]),
            },
            "model": str(r.fit.name),
            "data_sha256": r.fingerprint,
        }
    source = None if table_in is None else ("computed" if isinstance(table_in, str) else "given")
    return {
        "generator": "relforecast outlook --dyad all",
        "created": inp.created,
        "as_of": str(inp.as_of),
        "window": window,
        "threshold": inp.threshold,
        "model": model_key,
        "n_paths": inp.n_paths,
        "seed": inp.seed,
        "lang": lang,
        "font": font.to_dict(),
        "track_record": source,
        "previous_as_of": inp.previous_as_of,
        "dyads": dyads,
        "joint": joint,
        "joint_note": inp.joint_error,
        "versions": inp.versions,
    }
