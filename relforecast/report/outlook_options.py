"""The settings an outlook is made with, as one value.

The single-dyad outlook (:func:`relforecast.report.outlook_compute.prepare_outlook`) and the
all-partners outlook (:func:`relforecast.report.panel_outlook.prepare_panel_outlook`) take the
same settings: the window, the model and its shocks, the headline threshold, the simulation's
size and seed, the language, the analogue anchors, the events, the as-of month, the extra
questions, the track record and its schedule, the creation time, the edition and the
data-source line. :class:`OutlookOptions` holds them. The public functions
(:func:`relforecast.outlook`, :func:`relforecast.panel_outlook`) build it from their keywords;
the all-partners outlook hands each dyad's computation (in a worker process) its own copy,
with the values it resolved once for the panel, so the value must pickle: it holds data, no
open resources.

What only one of the two outlooks takes stays outside: the scenarios and the pooled panel of
the single-dyad outlook, the previous overview of the all-partners one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from relforecast.events.log import EventLog
from relforecast.questions import Question
from relforecast.report.edition import EditionInputs
from relforecast.report.track_record import TrackRecordConfig
from relforecast.shocks import ShockCalendar

__all__ = ["OutlookOptions"]


@dataclass(frozen=True)
class OutlookOptions:
    """The settings of one outlook (single-dyad or all-partners); nothing checked yet.

    The defaults are those of :func:`relforecast.outlook`; the preparing steps check every
    field and raise the library's errors.

    Attributes
    ----------
    window : str, optional
        ``"2025-07:2026-06"``; default the first July–June window after the as-of month.
    model : str or model specification, default "auto"
        ``"auto"``, ``"arima"``, ``"markov"``, ``"block"`` or a specification.
    shocks : ShockCalendar or mapping of dyad -> ShockCalendar, optional
        Shocks the model is fitted with, cut at the as-of month. A mapping (one calendar a
        dyad) only for the all-partners outlook.
    threshold : float, optional
        The headline threshold; default the scale's critical point (-6).
    n_paths : int, default 10_000
        Simulated paths.
    rng : int, default 0
        Seed (recorded in ``summary.json``).
    lang : {"en", "zh"}, default "en"
        Language of the report and its figures.
    anchors : sequence, optional
        Analogue anchors: ``"2012-09"``, ``"2012-09=Diaoyu purchase"`` or ``(month, name)``;
        default the last three shocks of the calendar.
    events : pd.Series or EventLog, optional
        Monthly net event scores (or an event log) drawn under the history.
    as_of : str or Period, optional
        The as-of month at which every dated input is cut; default the data's last month.
    questions : sequence of str or Question, default ()
        Questions asked besides those chosen by the series' state, e.g. ``"end-above:0"``.
    track_record : "compute", path, DataFrame or None, default "compute"
        The track record's backtest: computed at report time, read from a CSV, given as rows
        in the backtest contract, or ``None`` for none.
    track_record_config : TrackRecordConfig, optional
        Schedule of the report-time backtest; default :class:`TrackRecordConfig()`.
    created : datetime, optional
        Creation time written into the report; default ``SOURCE_DATE_EPOCH`` or now.
    edition : EditionInputs, optional
        The spec as run, the input copies and the previous edition
        (:func:`relforecast.report.update.run_spec`).
    source_note : str, optional
        The report's data-source line; default chosen from the data.
    """

    window: str | None = None
    model: Any = "auto"
    shocks: ShockCalendar | Mapping[str, ShockCalendar] | None = None
    threshold: float | None = None
    n_paths: int = 10_000
    rng: int = 0
    lang: str = "en"
    anchors: Sequence[Any] | None = None
    events: pd.Series | EventLog | None = None
    as_of: str | pd.Period | None = None
    questions: Sequence[str | Question] = ()
    track_record: str | Path | pd.DataFrame | None = "compute"
    track_record_config: TrackRecordConfig | None = None
    created: datetime | None = None
    edition: EditionInputs | None = None
    source_note: str | None = None
