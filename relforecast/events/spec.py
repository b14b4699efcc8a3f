"""One events job as one value: :class:`EventsSpec`.

``relforecast events`` draws the event tables and figures of one dyad; what it is asked for —
the event file and how it is read, the periods of the tables, the leader terms, the venue
classes, the language, the as-of month, the figures and the window chart's scores — is one
frozen value, checked when made: options that contradict each other (``--venues`` with
``--venue-col``, ``--terms`` with ``--by year``, a window chart without scores) fail before any
file is read, naming the options and what to give instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from relforecast.exceptions import SpecError

__all__ = ["BY", "CHARTS", "EventsSpec"]

#: The periods of the share tables.
BY = ("month", "year", "term")

#: The figures ``relforecast events`` can draw.
CHARTS = ("monthly", "shares", "window")


@dataclass(frozen=True)
class EventsSpec:
    """The event tables and figures of one dyad (the options of ``relforecast events``).

    Attributes
    ----------
    data : str
        The event file (CSV).
    dyad : str
        The dyad (partner country) of the events.
    out : str
        The output folder.
    by : {"month", "year", "term"}
        Periods of the share tables; ``"term"``: leader terms (``leaders`` or ``terms``).
    leaders, office : str or None
        A leaders table giving the terms, and the office whose terms to use.
    terms : str or None
        Terms by hand: ``NAME=START:END,...`` (instead of ``leaders``).
    venues, venue_col : str or None
        A venue-class mapping (YAML), or a column of venues used as they are.
    score_col, impact_col, topic_col, topic_zh_col : str
        Columns of the event file (``score_col`` ``None``: scores from the impact sign).
    lang : {"en", "zh"}
    since, until : str or None
        First month of the tables; the as-of month (nothing after it is used).
    charts : tuple of str
        Figures to draw; empty: monthly and shares, plus window when ``scores`` is given.
        Made explicit when the spec is made.
    scores : str or None
        A score file (long layout) for the window chart.
    window : str or None
        The window chart's months (``"2024-09:2025-08"``); default ``months`` months ending
        at ``until`` or the last score.
    months : int, default 12
        Window length when ``window`` is not given (2 to 600).
    """

    data: str
    dyad: str
    out: str
    by: str = "year"
    leaders: str | None = None
    office: str | None = None
    terms: str | None = None
    venues: str | None = None
    venue_col: str | None = None
    score_col: str | None = None
    impact_col: str = "impact"
    topic_col: str = "event_category_en"
    topic_zh_col: str = "event_category"
    lang: str = "en"
    since: str | None = None
    until: str | None = None
    charts: tuple[str, ...] = ()
    scores: str | None = None
    window: str | None = None
    months: int = 12

    def __post_init__(self) -> None:
        for name in ("data", "dyad", "out"):
            if not str(getattr(self, name) or "").strip():
                raise SpecError(f"give the events job's {name}")
            object.__setattr__(self, name, str(getattr(self, name)))
        if self.by not in BY:
            raise SpecError(f"by={self.by!r} must be one of {', '.join(BY)}")
        if self.lang not in ("en", "zh"):
            raise SpecError(f"lang={self.lang!r} must be 'en' or 'zh'")
        charts = tuple(self.charts)
        unknown = [c for c in charts if c not in CHARTS]
        if unknown:
            raise SpecError(f"unknown chart(s) {unknown}; use {', '.join(CHARTS)}")
        if isinstance(self.months, bool) or not isinstance(self.months, int):
            raise SpecError(f"months={self.months!r} must be a whole number from 2 to 600")
        if not 2 <= self.months <= 600:
            raise SpecError(f"months={self.months} must be from 2 to 600")
        if self.venues and self.venue_col:
            raise SpecError("give --venues FILE (classes) or --venue-col COL, not both")
        if (self.window or self.scores) and charts and "window" not in charts:
            raise SpecError("--scores/--window are for --chart window")
        if "window" in charts and self.scores is None:
            raise SpecError(
                "--chart window needs the scores: --scores FILE (e.g. tsinghua_relations_long.csv)"
            )
        if self.by != "term" and (self.leaders or self.terms or self.office):
            raise SpecError("--leaders/--terms/--office are for --by term")
        if self.terms is not None and self.leaders is not None:
            raise SpecError("give --leaders FILE or --terms NAME=START:END,..., not both")
        if self.by == "term" and self.terms is None and self.leaders is None:
            raise SpecError(
                "--by term needs the terms: --leaders FILE (a leaders table like leaders.csv) or "
                "--terms NAME=START:END,... (e.g. Kishida=2021-10:2024-09,Ishiba=2024-10:2025-09)"
            )
        default = ("monthly", "shares") + (("window",) if self.scores else ())
        object.__setattr__(self, "charts", charts or default)
