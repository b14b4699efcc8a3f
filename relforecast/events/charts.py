"""Event figures: the window chart (score with event scores beneath), share bars, monthly bars.

:func:`window_chart` is the group's Fig. 1: the relation score over a short window (a year by
default) as a line over the level bands with the critical line, and each month's event scores
as bars on a labelled axis beneath it (positive up, negative down); months without any event are
marked. It draws on an Axes it is given — the space of that Axes is split between the score and
the event panel — so a report can place it beside a long history chart.

Every figure draws its text inside :func:`relforecast.graphics.fonts.figure_style`, so Chinese
labels get the CJK font (``lang=None`` picks Chinese when any label is Chinese).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from relforecast.editorial import fmt_month, fmt_span
from relforecast.events.labels import EVENT_WORDS, event_words
from relforecast.exceptions import DataError
from relforecast.graphics.fan import draw_level_bands
from relforecast.graphics.fonts import figure_style, pin_fonts
from relforecast.graphics.labels import dyad_label, fmt_threshold
from relforecast.periods import parse_months, to_month
from relforecast.scale import TSINGHUA_SCALE, Scale, as_scale

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from relforecast._typing import PeriodLike

__all__ = [
    "WindowChart",
    "monthly_chart",
    "shares_chart",
    "terms_chart",
    "window_chart",
    "window_months",
]

POSITIVE_COLOUR = "#1a9850"
NEGATIVE_COLOUR = "#d73027"
UNCLASSIFIED_COLOUR = "#8c8c8c"
NONE_COLOUR = "#ececec"
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def guess_lang(texts: Iterable[object]) -> str:
    """``"zh"`` when any of ``texts`` contains Chinese characters, else ``"en"``."""
    return "zh" if any(_CJK.search(str(t)) for t in texts) else "en"


def _dyad_words(name: object, lang: str) -> str:
    """The dyad in a title: "China–Japan" / "中日" (nothing for an unnamed series)."""
    if name is None or str(name) == "":
        return ""
    return dyad_label(name, lang, short=True)


def _font_lang(lang: str, texts: Iterable[object]) -> str:
    """The font to draw with: the CJK one for Chinese words or any Chinese label."""
    return "zh" if lang == "zh" else guess_lang(texts)


# ---------------------------------------------------------------------------- window chart
def window_months(
    index: pd.PeriodIndex,
    window: str | tuple[PeriodLike, PeriodLike] | None = None,
    months: int = 12,
    until: PeriodLike | None = None,
) -> pd.PeriodIndex:
    """The months of a window: ``window`` ("2024-09:2025-08") or the last ``months`` months of
    ``index`` up to ``until`` (the as-of month)."""
    last_known = index.max()
    if until is not None:
        last_known = min(last_known, to_month(until, "until"))
    if window is not None:
        if isinstance(window, str):
            first_text, sep, last_text = window.partition(":")
            if not sep:
                raise DataError(f"window {window!r} is not START:END, e.g. 2024-09:2025-08")
            first, last = (
                to_month(first_text, "window start", error=DataError),
                to_month(last_text, "window end", error=DataError),
            )
        else:
            first, last = (to_month(w, "window", error=DataError) for w in window)
        if last < first:
            raise DataError(f"window {first}..{last} ends before it starts")
    else:
        if months < 1:
            raise DataError(f"months={months} must be at least 1")
        last = last_known
        first = last - (months - 1)
    if last > last_known or first < index.min():
        raise DataError(
            f"window {first}..{last} is not inside the scores known up to the as-of month "
            f"({index.min()}..{last_known}); choose a window within it"
        )
    return pd.period_range(first, last, freq="M")


def _event_frame(events: pd.DataFrame | pd.Series | None, months: pd.PeriodIndex) -> pd.DataFrame:
    """positive / negative / net / count per window month (no events: zeros)."""
    if events is None:
        return pd.DataFrame(index=months)
    if isinstance(events, pd.Series):
        net = events.astype(float)
        frame = pd.DataFrame(
            {"positive": net.clip(lower=0), "negative": net.clip(upper=0), "count": np.nan}
        )
    else:
        missing = {"positive", "negative"} - set(events.columns)
        if missing:
            raise DataError(
                f"events lacks columns {sorted(missing)}; pass EventLog.monthly_scores(dyad)"
            )
        frame = events[["positive", "negative"]].astype(float)
        frame["count"] = events["count"] if "count" in events.columns else np.nan
    frame.index = parse_months(frame.index, "event months")
    frame = frame.groupby(level=0).sum(min_count=1).reindex(months)
    frame[["positive", "negative"]] = frame[["positive", "negative"]].fillna(0.0)
    has_count = isinstance(events, pd.DataFrame) and "count" in events.columns
    frame["count"] = frame["count"].fillna(0.0) if has_count else np.nan
    frame["net"] = frame["positive"] + frame["negative"]
    return frame


@dataclass
class WindowChart:
    """What :func:`window_chart` drew: its two panels and the monthly table behind them.

    Attributes
    ----------
    score_ax : Axes
        The score panel.
    event_ax : Axes or None
        The event panel beneath it (``None`` when no events were given).
    table : pd.DataFrame
        Window months x ``score`` and, with events, ``positive``, ``negative``, ``net``,
        ``count``.
    """

    score_ax: Axes
    event_ax: Axes | None
    table: pd.DataFrame


def window_chart(
    series: pd.Series,
    events: pd.DataFrame | pd.Series | None = None,
    *,
    window: str | tuple[PeriodLike, PeriodLike] | None = None,
    months: int = 12,
    until: PeriodLike | None = None,
    ax: Axes | None = None,
    lang: str = "en",
    scale: Scale | None = TSINGHUA_SCALE,
    threshold: float | None = None,
    title: str | None = None,
    annotate: bool = True,
) -> WindowChart:
    """The relation score over a window with the month's event scores beneath (Fig. 1).

    Parameters
    ----------
    series : pd.Series
        Monthly scores (PeriodIndex), e.g. ``rf.load_scores(..., dyad="Japan")``.
    events : pd.DataFrame or pd.Series, optional
        ``EventLog.monthly_scores(dyad)`` (columns ``positive``, ``negative``, ``count``) or a
        Series of net scores. Months of the window it lacks have no events.
    window : "START:END" or (start, end), optional
        The months shown; default the last ``months`` months up to ``until``.
    months : int, default 12
    until : str or Period, optional
        As-of month: nothing after it is drawn.
    ax : Axes, optional
        Where to draw. With events its space is split: the score panel on top, the event panel
        (about a third of the height) beneath. Default: a new figure.
    lang : {"en", "zh"}
        Language of the labels (Chinese with the CJK font).
    scale : Scale, optional
        For the level bands (default the Tsinghua scale); ``None`` draws none.
    threshold : float, optional
        The line drawn (default: the scale's critical point, -6).
    title : str, optional
    annotate : bool, default True
        Write each month's score above its point (windows of at most 24 months).

    Returns
    -------
    WindowChart
    """
    import matplotlib.pyplot as plt

    words = event_words(lang)
    index = parse_months(series.index, "score months")
    scores = pd.Series(series.to_numpy(dtype=float), index=index, name=series.name)
    shown = window_months(index, window, months, until)
    table = pd.DataFrame({"score": scores.reindex(shown)})
    if table["score"].isna().any():
        gaps = [str(m) for m in table.index[table["score"].isna()]]
        raise DataError(f"no score for month(s) {', '.join(gaps)} of the window")
    if events is not None:
        table = table.join(_event_frame(events, shown))
    scale = as_scale(scale)  # None: no bounds, no level bands
    t = threshold if threshold is not None else scale.critical
    x = np.arange(len(shown))
    labels = [fmt_month(m, lang) for m in shown]
    with figure_style(_font_lang(lang, [series.name, title])) as font:
        event_ax = None
        if ax is None:
            if events is not None:
                _, (ax, event_ax) = plt.subplots(
                    2,
                    1,
                    sharex=True,
                    figsize=(9, 5.4),
                    gridspec_kw={"height_ratios": [3, 1.3], "hspace": 0.08},
                )
            else:
                _, ax = plt.subplots(figsize=(9, 4))
        elif events is not None:
            from mpl_toolkits.axes_grid1 import make_axes_locatable

            event_ax = make_axes_locatable(ax).append_axes(
                "bottom", size="38%", pad=0.08, sharex=ax
            )
        _draw_scores(ax, x, table["score"].to_numpy(), scale, t, words, lang, annotate)
        ax.set_title(
            title
            or words["window_title" if events is not None else "window_title_scores"].format(
                dyad=_dyad_words(series.name, lang), span=fmt_span(shown[0], shown[-1], lang)
            )
        )
        tick_step = max(1, int(np.ceil(len(x) / 13)))
        if event_ax is not None:
            _draw_events(event_ax, x, table, words)
            ax.tick_params(axis="x", labelbottom=False)
            bottom_ax = event_ax
        else:
            bottom_ax = ax
        bottom_ax.set_xticks(x[::tick_step], labels[::tick_step], rotation=45, ha="right")
        bottom_ax.set_xlim(-0.6, len(x) - 0.4)
        for drawn in (ax, event_ax):
            if drawn is not None:
                pin_fonts(drawn, font)
    return WindowChart(ax, event_ax, table)


def _draw_scores(ax, x, y, scale, t, words, lang, annotate) -> None:
    lo, hi = float(np.min(y)), float(np.max(y))
    if t is not None:
        lo, hi = min(lo, t), max(hi, t)
    pad = max(0.4, 0.15 * (hi - lo))
    bottom, top = lo - pad, hi + pad
    bottom, top = max(scale.lower, bottom), min(scale.upper, top)  # unchanged without bounds
    ax.set_ylim(bottom, top)
    if scale.bounded:
        draw_level_bands(ax, scale, lang=lang)
    if t is not None:  # the scale's critical point, or a threshold of the user's
        key = "critical" if scale.critical is not None and t == scale.critical else "threshold"
        ax.axhline(t, color="#b2182b", ls="--", lw=1.2, label=words[key].format(t=fmt_threshold(t)))
    ax.plot(x, y, color="black", lw=1.6, marker="o", ms=3.5, label=words["score"], zorder=3)
    if annotate and len(x) <= 24:
        for xi, yi in zip(x, y, strict=True):
            ax.annotate(
                f"{yi:.1f}",
                (xi, yi),
                textcoords="offset points",
                xytext=(0, 5),
                ha="center",
                fontsize=7,
            )
    ax.set_ylabel(words["score"])
    ax.legend(loc="best", fontsize=8, framealpha=0.9)


def _draw_events(ax, x, table: pd.DataFrame, words: dict[str, str]) -> None:
    pos, neg = table["positive"].to_numpy(), table["negative"].to_numpy()
    ax.bar(x, pos, width=0.7, color=POSITIVE_COLOUR, label=words["positive"])
    ax.bar(x, neg, width=0.7, color=NEGATIVE_COLOUR, label=words["negative"])
    ax.axhline(0, color="#444444", lw=0.6)
    count = table["count"].to_numpy()
    if not np.isnan(count).all():
        empty = count == 0
        if empty.any():
            ax.scatter(
                x[empty],
                np.zeros(empty.sum()),
                marker="x",
                s=18,
                color="#777777",
                label=words["no_events"],
                zorder=3,
            )
        neutral = (count > 0) & (pos == 0) & (neg == 0)
        if neutral.any():
            ax.scatter(
                x[neutral],
                np.zeros(neutral.sum()),
                marker="o",
                s=18,
                facecolors="none",
                edgecolors="#555555",
                label=words["neutral_only"],
                zorder=3,
            )
    top = max(1.0, float(np.abs(np.concatenate([pos, neg])).max()))
    ax.set_ylim(-1.25 * top, 1.25 * top)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel(words["event_score"])
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)


# ---------------------------------------------------------------------------- shares
def _colours(columns: list[str], words_none: set[str], words_unclassified: set[str]) -> list:
    import matplotlib.pyplot as plt

    cmap = plt.get_cmap("tab10" if len(columns) <= 10 else "tab20")
    out, j = [], 0
    for col in columns:
        if col in words_none:
            out.append(NONE_COLOUR)
        elif col in words_unclassified:
            out.append(UNCLASSIFIED_COLOUR)
        else:
            out.append(cmap(j % cmap.N))
            j += 1
    return out


_NONE_WORDS = {w["none"] for w in EVENT_WORDS.values()}
_UNCLASSIFIED_WORDS = {w["unclassified"] for w in EVENT_WORDS.values()}


def shares_chart(
    shares: pd.DataFrame,
    *,
    title: str = "",
    ax: Axes | None = None,
    lang: str | None = None,
    counts: pd.Series | None = None,
    horizontal: bool | None = None,
    unclassified: str | None = None,
) -> Axes:
    """100 % stacked bars of shares per period (rows) and category (columns).

    Parameters
    ----------
    shares : pd.DataFrame
        E.g. ``EventLog.topic_shares(...)``. The ``none`` column (empty periods) is drawn light
        grey and labelled, the ``unclassified`` one mid grey.
    title : str
    ax : Axes, optional
    lang : {"en", "zh"}, optional
        Font choice; ``None``: Chinese when any label is Chinese.
    counts : pd.Series, optional
        Events per period, written at the end of each bar (``n = 3``).
    horizontal : bool, optional
        Horizontal bars (default for leader terms, whose labels are long).
    unclassified : str, optional
        Name of the unclassified column when it is not "unclassified"/"未分类".

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    texts = [*map(str, shares.columns), *map(str, shares.index), title]
    if lang is None:
        lang = guess_lang(texts)
    if horizontal is None:
        horizontal = shares.index.name == "term" or max(len(str(i)) for i in shares.index) > 10
    columns = [str(c) for c in shares.columns]
    grey = _UNCLASSIFIED_WORDS | ({unclassified} if unclassified else set())
    colours = _colours(columns, _NONE_WORDS, grey)
    labels = [str(i) for i in shares.index]
    with figure_style(_font_lang(lang, texts)) as font:
        if ax is None:
            size = (
                (9, 0.45 * len(labels) + 1.6) if horizontal else (max(6, 0.3 * len(labels) + 3), 4)
            )
            _, ax = plt.subplots(figsize=size)
        base = np.zeros(len(shares))
        pos = np.arange(len(labels))
        for col, name, colour in zip(shares.columns, columns, colours, strict=True):
            values = shares[col].to_numpy(dtype=float)
            hatch = "///" if name in _NONE_WORDS else None
            draw = ax.barh if horizontal else ax.bar
            kwargs = {"left": base} if horizontal else {"bottom": base}
            draw(
                pos,
                values,
                0.75,
                color=colour,
                label=name,
                hatch=hatch,
                edgecolor="#bbbbbb" if hatch else None,
                lw=0.3,
                **kwargs,
            )
            base = base + values
        if horizontal:
            ax.set_yticks(pos, labels)
            ax.invert_yaxis()
            ax.set_xlim(0, 1.12 if counts is not None else 1)
            ax.set_xlabel(event_words(lang)["share"])
        else:
            ax.set_xticks(
                pos,
                labels,
                rotation=60 if len(labels) > 8 else 0,
                ha="right" if len(labels) > 8 else "center",
            )
            ax.set_ylim(0, 1.1 if counts is not None else 1)
            ax.set_ylabel(event_words(lang)["share"])
        none_cols = [c for c in shares.columns if str(c) in _NONE_WORDS]
        if none_cols and len(labels) <= 40:  # write "none" in the empty periods' bars
            empty = shares[none_cols[0]].to_numpy(dtype=float) >= 1.0
            for p in pos[empty]:
                xy = (0.5, p) if horizontal else (p, 0.5)
                ax.text(
                    *xy,
                    str(none_cols[0]),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="#666666",
                    rotation=0 if horizontal else 90,
                )
        if counts is not None:
            n = counts.reindex(shares.index).fillna(0).astype(int).to_numpy()
            for p, k in zip(pos, n, strict=True):
                if horizontal:
                    ax.text(1.01, p, f"n={k}", va="center", fontsize=7)
                else:
                    ax.text(p, 1.01, f"{k}", ha="center", fontsize=7)
        ax.set_title(title)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
        pin_fonts(ax, font)
    return ax


def terms_chart(
    panels: Mapping[str, pd.DataFrame],
    *,
    title: str = "",
    lang: str | None = None,
    counts: Mapping[str, pd.Series] | None = None,
):
    """Leader-term comparison: one panel of shares by term per table (e.g. topic shares of
    positive events, of negative events, venue shares of negative events), one above the other.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if not panels:
        raise DataError("terms_chart needs at least one table of shares by term")
    texts = [title, *panels]
    for table in panels.values():
        texts += [*map(str, table.columns), *map(str, table.index)]
    if lang is None:
        lang = guess_lang(texts)
    n_terms = max(len(t) for t in panels.values())
    with figure_style(_font_lang(lang, texts)) as font:
        fig, axes = plt.subplots(
            len(panels),
            1,
            figsize=(10, (0.42 * n_terms + 1.4) * len(panels)),
            squeeze=False,
            layout="constrained",
        )
        for ax, (name, table) in zip(axes[:, 0], panels.items(), strict=True):
            shares_chart(
                table,
                title=name,
                ax=ax,
                lang=lang,
                counts=None if counts is None else counts.get(name),
                horizontal=True,
            )
        if title:
            fig.suptitle(title)
        pin_fonts(fig, font)
    return fig


# ---------------------------------------------------------------------------- monthly
def monthly_chart(
    monthly: pd.DataFrame,
    *,
    title: str = "",
    lang: str = "en",
    ax: Axes | None = None,
) -> Axes:
    """Monthly positive (up) and negative (down) event scores as bars, on a labelled axis."""
    import matplotlib.pyplot as plt

    words = event_words(lang)
    with figure_style(_font_lang(lang, [title])) as font:
        if ax is None:
            _, ax = plt.subplots(figsize=(10, 3.5))
        x = parse_months(monthly.index, "event months").to_timestamp()
        ax.bar(x, monthly["positive"], width=25, color=POSITIVE_COLOUR, label=words["positive"])
        ax.bar(x, monthly["negative"], width=25, color=NEGATIVE_COLOUR, label=words["negative"])
        ax.axhline(0, color="#444444", lw=0.6)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel(words["event_score"])
        ax.set_title(title)
        ax.legend(fontsize=8, loc="upper left")
        pin_fonts(ax, font)
    return ax
