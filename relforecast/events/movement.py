"""The "recent movement" paragraph of an outlook: the last months' low, high and turning points.

The score is sticky (most months repeat the previous value), so the months are first grouped
into *plateaus*: runs of consecutive months with the same published value (compared at
``decimals`` places, 0.1 on the Tsinghua scale).

**A turning point is a reversal that matters.** The published score moves in steps of one
grid unit (0.1), and a single step down and back up (−5.0, −5.1, −5.0) is the smallest change
the data can show: it is the month-to-month noise of a sticky score, not a change of
direction. A turning point therefore needs a move of at least ``min_move`` — by default two
grid steps (0.2), one step beyond that noise — on *both* sides: a trough is the lowest plateau
of a fall of at least ``min_move`` that is followed by a rise of at least ``min_move`` before
the score goes lower; a peak likewise (the zigzag or swing rule of chart analysis with a
reversal threshold). Smaller wiggles are left out of the turning points (the low and the high
still name every month they were reached). The window's first and last plateaus are never
turning points (their other side is not in view); a trough or peak reached again within one
swing is named at its last plateau there, where the direction changed.

The low and the high are reported with every month they were reached, consecutive months
written as one span ("2025-03 to 2025-04").

**The latest move.** The window's first-to-last change can hide where the score is heading
now (up 0.5 over the year, down 0.4 in the last months). The latest move is the last run of
plateaus that goes one way, from the last month of its first plateau to the window's end; when
it is at least ``min_move`` and goes the other way than the first-to-last change (or the score
started and ended at the same value), the paragraph says so right after the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from relforecast.editorial import fmt_month, fmt_num, fmt_span
from relforecast.events.labels import event_words
from relforecast.exceptions import DataError
from relforecast.periods import parse_months, to_month

__all__ = ["RecentMovement", "TurningPoint", "recent_movement"]

_TEXT = {
    "en": {
        "head": "Last {n} months ({first} to {last}): the score went from {a} to {b} ({d}).",
        "up": "",
        "down": "",
        "flat": "Last {n} months ({first} to {last}): the score stayed at {a}.",
        "same": "Last {n} months ({first} to {last}): the score started and ended at {a}.",
        "low_high": " Low {low} in {low_when}; high {high} in {high_when}.",
        "turns": " Turning points: {items}.",
        "latest": " Latest move the other way: from {a} in {since} to {b} in {last}.",
        "latest_same": " Latest move: from {a} in {since} to {b} in {last}.",
        "no_turns": " No turning point (no reversal of {move} or more).",
        "peak": "peak {v} in {when}",
        "trough": "trough {v} in {when}",
        "span": "{a} to {b}",
        "and": " and ",
        "sep": ", ",
    },
    "zh": {
        "head": "近{n}个月（{first}至{last}），分值由{a}{move}至{b}（{d}）。",
        "flat": "近{n}个月（{first}至{last}），分值保持在{a}。",
        "same": "近{n}个月（{first}至{last}），分值起止均为{a}。",
        "low_high": "最低{low}（{low_when}），最高{high}（{high_when}）。",
        "turns": "转折点：{items}。",
        "latest": "但近期走势相反：{span}，分值由{a}{move}至{b}。",
        "latest_same": "近期走势：{span}，分值由{a}{move}至{b}。",
        "no_turns": "期间无转折点（无{move}分及以上的反向变动）。",
        "peak": "{when}见顶（{v}）",
        "trough": "{when}触底（{v}）",
        "span": "{a}至{b}",
        "up": "升",
        "down": "降",
        "and": "、",
        "sep": "，",
    },
}


@dataclass(frozen=True)
class TurningPoint:
    """A peak or trough plateau: its value and its first and last month."""

    kind: str
    value: float
    start: pd.Period
    end: pd.Period


@dataclass(frozen=True)
class RecentMovement:
    """The last months' movement of a score, with its paragraph in ``text``.

    Attributes
    ----------
    first, last : Period
        The months covered.
    start_value, end_value, change : float
        Score in the first and last month, and their difference.
    low, high : float
        Lowest and highest score.
    low_months, high_months : tuple of (Period, Period)
        Every span of consecutive months at the low (high).
    turning_points : tuple of TurningPoint
        Peaks and troughs in time order.
    latest : (Period, float) or None
        Where the latest move began (month, score) when the paragraph names it: a move of at
        least ``min_move`` the other way than the first-to-last change (module docstring).
    text : str
        The paragraph, in ``lang``.
    lang : str
    """

    first: pd.Period
    last: pd.Period
    start_value: float
    end_value: float
    change: float
    low: float
    low_months: tuple[tuple[pd.Period, pd.Period], ...]
    high: float
    high_months: tuple[tuple[pd.Period, pd.Period], ...]
    turning_points: tuple[TurningPoint, ...]
    text: str
    lang: str
    latest: tuple[pd.Period, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain form (months as ``YYYY-MM``) for JSON."""

        def spans(items):
            return [[str(a), str(b)] for a, b in items]

        return {
            "first": str(self.first),
            "last": str(self.last),
            "start_value": self.start_value,
            "end_value": self.end_value,
            "change": self.change,
            "low": self.low,
            "low_months": spans(self.low_months),
            "high": self.high,
            "high_months": spans(self.high_months),
            "turning_points": [
                {"kind": t.kind, "value": t.value, "start": str(t.start), "end": str(t.end)}
                for t in self.turning_points
            ],
            "latest": None
            if self.latest is None
            else {"since": str(self.latest[0]), "value": self.latest[1]},
            "text": self.text,
            "lang": self.lang,
        }


def _plateaus(values: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) positions of the runs of equal values."""
    runs, begin = [], 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[begin]:
            runs.append((begin, i - 1))
            begin = i
    return runs


def _swings(v: np.ndarray, move: float) -> list[tuple[str, int]]:
    """Turning points of the plateau values ``v``: ``(kind, position)`` of every peak and
    trough with a move of at least ``move`` on both sides (the zigzag rule)."""
    turns: list[tuple[str, int]] = []
    lo = hi = 0
    trend = 0  # +1: rising, tracking the high `hi`; -1: falling, tracking the low `lo`
    for j in range(1, len(v)):
        if trend == 0:  # no move that matters yet: the first extreme is settled by one
            lo = j if v[j] < v[lo] else lo
            hi = j if v[j] > v[hi] else hi
            if v[hi] - v[lo] >= move:
                trend = 1 if hi > lo else -1
                first = lo if trend > 0 else hi  # reached before the move: a turn if the
                if first > 0:  # window moved to it by enough beforehand
                    before = v[:first].max() - v[first] if trend > 0 else v[first] - v[:first].min()
                    if before >= move:
                        turns.append(("trough" if trend > 0 else "peak", first))
        elif trend > 0:
            if v[j] >= v[hi]:
                hi = j
            elif v[hi] - v[j] >= move:
                turns.append(("peak", hi))
                trend, lo = -1, j
        else:
            if v[j] <= v[lo]:
                lo = j
            elif v[j] - v[lo] >= move:
                turns.append(("trough", lo))
                trend, hi = 1, j
    return turns


def _latest(values: np.ndarray, runs: list[tuple[int, int]], move: float) -> int | None:
    """Position where the latest move began, when it is worth naming: the last run of
    plateaus going one way, of at least ``move``, against the first-to-last change."""
    if len(runs) < 2:
        return None
    v = [values[a] for a, _ in runs]
    way = np.sign(v[-1] - v[-2])
    k = len(v) - 2
    while k > 0 and np.sign(v[k] - v[k - 1]) == way:
        k -= 1
    size = v[-1] - v[k]
    overall = np.round(values[-1] - values[0], 9)
    if abs(size) < move or np.sign(overall) == way:
        return None
    return runs[k][1]


def _spans(months: pd.PeriodIndex, mask: np.ndarray) -> tuple[tuple[pd.Period, pd.Period], ...]:
    out, i = [], 0
    while i < len(mask):
        if mask[i]:
            j = i
            while j + 1 < len(mask) and mask[j + 1]:
                j += 1
            out.append((months[i], months[j]))
            i = j + 1
        else:
            i += 1
    return tuple(out)


def recent_movement(
    series: pd.Series,
    months: int = 12,
    lang: str = "en",
    *,
    until: str | pd.Period | None = None,
    decimals: int = 1,
    min_move: float | None = None,
) -> RecentMovement:
    """The last ``months`` months of ``series``: low, high and turning points, with a paragraph.

    Parameters
    ----------
    series : pd.Series
        Monthly scores on a PeriodIndex, without gaps.
    months : int, default 12
    lang : {"en", "zh"}
    until : str or Period, optional
        As-of month: the window ends there and nothing later is used.
    decimals : int, default 1
        Places at which values are compared and written (0.1 on the Tsinghua scale).
    min_move : float, optional
        The smallest move, on each side, that makes a turning point (module docstring);
        default two grid steps of ``decimals`` (0.2 at one decimal).

    Returns
    -------
    RecentMovement
        ``.text`` is the paragraph; the other fields hold the same facts as data.

    Examples
    --------
    >>> import relforecast as rf
    >>> rf.recent_movement(rf.datasets.demo(), 12).text      # doctest: +SKIP
    """
    event_words(lang)  # checks lang
    if months < 2:
        raise DataError(f"months={months}: a movement needs at least 2 months")
    index = parse_months(series.index, "score months")
    scores = pd.Series(series.to_numpy(dtype=float), index=index).sort_index()
    if until is not None:
        scores = scores.loc[: to_month(until, "until")]
    window = scores.iloc[-months:]
    if len(window) < 2:
        raise DataError(f"the series has {len(window)} month(s) up to the as-of month; need 2")
    if window.isna().any():
        gaps = ", ".join(str(m) for m in window.index[window.isna()])
        raise DataError(f"no score for {gaps}; fill the series (load_scores fill=...) first")
    expected = pd.period_range(window.index[0], window.index[-1], freq="M")
    if len(expected) != len(window):
        raise DataError(
            f"months are missing between {window.index[0]} and {window.index[-1]}; "
            "the series must be monthly without gaps"
        )
    values = np.round(window.to_numpy(), decimals)
    mi = window.index
    step = 10.0**-decimals
    move = 2 * step if min_move is None else float(min_move)
    if not move > 0:
        raise DataError(f"min_move={min_move}: a turning point needs a move above 0")
    runs = _plateaus(values)
    turns = [
        TurningPoint(kind, float(values[runs[k][0]]), mi[runs[k][0]], mi[runs[k][1]])
        for kind, k in _swings(np.array([values[a] for a, _ in runs]), move - step / 2)
    ]
    latest = _latest(values, runs, move - step / 2)
    latest_at = None if latest is None else (mi[latest], float(values[latest]))
    low, high = float(values.min()), float(values.max())
    low_spans, high_spans = _spans(mi, values == low), _spans(mi, values == high)
    text = _paragraph(
        lang,
        len(window),
        mi[0],
        mi[-1],
        values,
        low,
        low_spans,
        high,
        high_spans,
        turns,
        decimals,
        move,
        latest,
    )
    return RecentMovement(
        first=mi[0],
        last=mi[-1],
        start_value=float(values[0]),
        end_value=float(values[-1]),
        change=float(np.round(values[-1] - values[0], decimals)),
        low=low,
        low_months=low_spans,
        high=high,
        high_months=high_spans,
        turning_points=tuple(turns),
        text=text,
        lang=lang,
        latest=latest_at,
    )


def _paragraph(
    lang, n, first, last, values, low, low_spans, high, high_spans, turns, decimals, move, latest
):
    w = _TEXT[lang]

    def num(v: float) -> str:
        return fmt_num(v, decimals)  # the true minus sign, as the rest of the report

    def when(spans) -> str:
        return w["and"].join(
            fmt_month(a, lang) if a == b else fmt_span(a, b, lang) for a, b in spans
        )

    months = pd.period_range(first, last, freq="M")
    first, last = fmt_month(first, lang), fmt_month(last, lang)

    if low == high:
        return w["flat"].format(n=n, first=first, last=last, a=num(values[0]))
    d = values[-1] - values[0]
    if num(values[-1]) == num(values[0]):
        text = w["same"].format(n=n, first=first, last=last, a=num(values[0]))
    else:
        change = ("+" if d > 0 else "") + fmt_num(d, decimals)
        if lang == "zh":
            change = f"{'上升' if d > 0 else '下降'}{fmt_num(abs(d), decimals)}"
        text = w["head"].format(
            n=n,
            first=first,
            last=last,
            a=num(values[0]),
            b=num(values[-1]),
            d=change,
            move=w["up" if d > 0 else "down"],
        )
    if latest is not None:
        since, a, b = months[latest], values[latest], values[-1]
        key = "latest_same" if num(values[-1]) == num(values[0]) else "latest"
        text += w[key].format(
            since=fmt_month(since, lang),
            last=last,
            span=fmt_span(since, months[-1], lang),
            a=num(a),
            b=num(b),
            move=w["up" if b > a else "down"],
        )
    text += w["low_high"].format(
        low=num(low), low_when=when(low_spans), high=num(high), high_when=when(high_spans)
    )
    if turns:
        items = w["sep"].join(
            w[t.kind].format(v=num(t.value), when=when([(t.start, t.end)])) for t in turns
        )
        text += w["turns"].format(items=items)
    else:
        text += w["no_turns"].format(move=num(move))
    return text
