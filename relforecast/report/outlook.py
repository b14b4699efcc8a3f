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
  ``relforecast update`` makes the next edition (:mod:`relforecast.report.edition`);
  ``estimates.json``, the fit's estimates, from which the next edition rebuilds this fit
  (:mod:`relforecast.report.edition_estimates`).

As of: every dated input is cut at the as-of month (:mod:`relforecast.asof`); the default is
the data's last month. Nothing in the report depends on the input files beyond what the cut
keeps, so an as-of outlook equals the outlook run on files truncated by hand at that month
(with ``SOURCE_DATE_EPOCH`` fixing the creation time, byte for byte) — all but the edition's
record of how it was made (``spec.json`` and the copies of the input files as given, which
the next edition reads: :mod:`relforecast.report.edition`).

Three steps make the folder: :func:`~relforecast.report.outlook_compute.prepare_outlook`
checks the job and cuts the inputs, :func:`~relforecast.report.outlook_compute.compute_outlook`
computes every number (an :class:`~relforecast.report.outlook_compute.OutlookResult`) and
:func:`~relforecast.report.outlook_write.write_outlook` draws, words and writes it.
:func:`outlook` runs them in that order, holding the output folder's lock from before the
computation, so that a folder that cannot be written fails first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from relforecast.events.log import EventLog
from relforecast.exceptions import RelforecastWarning
from relforecast.panel.parallel import worker_process
from relforecast.periods import default_window
from relforecast.questions import Question
from relforecast.report.edition import EditionInputs, single_job
from relforecast.report.outlook_compute import compute_outlook, prepare_outlook
from relforecast.report.outlook_options import OutlookOptions
from relforecast.report.outlook_write import Outlook, write_outlook
from relforecast.report.spec import OutlookSpec
from relforecast.report.track_record import TrackRecordConfig
from relforecast.report.writer import OutputFolder
from relforecast.scenarios import Scenario
from relforecast.shocks import ShockCalendar

__all__ = ["Outlook", "RelforecastWarning", "default_window", "outlook"]


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

    It is :func:`~relforecast.report.outlook_compute.prepare_outlook`, then
    :func:`~relforecast.report.outlook_compute.compute_outlook`, then
    :func:`~relforecast.report.outlook_write.write_outlook`; run them one by one to compute
    once and write several times.

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
    prepared = prepare_outlook(series, options, scenarios, panel)
    # the folder is taken (and its lock held) before the slow steps, so that a folder that
    # cannot be written fails at once
    # one worker process for the whole outlook: it runs the track record's backtest or the
    # previous edition's model while this process fits, then draws some of the figures
    with OutputFolder(out) as folder, worker_process() as side:
        result = compute_outlook(prepared, out=out, progress=progress, side=side)
        return write_outlook(result, out, folder=folder, progress=progress, side=side)
