"""Figures of the outlook: history, fan chart, question by scenario, levels, analogues,
reliability.

Every word comes from the label tables (:mod:`relforecast.graphics.labels`) of the report's
language. Every public function here draws in the report's font for its language
(:func:`relforecast.graphics.fonts.drawn_in_style`), so the same call from a script gives the
same figure; Chinese date axes read 2025年7月. Level names sit outside the right edge of the
axes, so nothing else may use the right axis: event scores get their own panel under the history
(:func:`history_figure`, which takes further panels — e.g. a zoom on recent years — as
extra drawing functions).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from relforecast.editorial import fmt_month
from relforecast.graphics.fan import (
    LEVEL_COLOURS,
    draw_level_bands,
    fan_chart,
    month_axis,
    percent_axis,
)
from relforecast.graphics.fonts import cjk_font, drawn_in_style
from relforecast.scale import Scale, as_scale

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from relforecast.forecast import Forecast

__all__ = [
    "LEVEL_COLOURS",
    "analogue_chart",
    "cjk_font",
    "crossing_chart",
    "draw_level_bands",
    "events_chart",
    "fan_chart",
    "history_chart",
    "history_figure",
    "level_chart",
    "reliability_chart",
]

SHOCK_COLOUR = "#7b3294"


def _spread_positions(x: np.ndarray, min_gap: float) -> np.ndarray:
    """Positions (sorted input, axes fractions) moved right just enough to be ``min_gap``
    apart, then shifted back left if the last one left the axes."""
    out = np.array(x, dtype=float)
    for i in range(1, len(out)):
        out[i] = max(out[i], out[i - 1] + min_gap)
    overflow = out[-1] - 0.995 if len(out) else 0.0
    if overflow > 0:
        out -= overflow
        for i in range(len(out) - 2, -1, -1):
            out[i] = min(out[i], out[i + 1] - min_gap)
    return out


@drawn_in_style
def history_chart(
    series: pd.Series,
    scale: Scale | None,
    *,
    shocks: Sequence[tuple[pd.Period, str]] = (),
    text: dict[str, str],
    lang: str = "en",
    ax: Axes | None = None,
) -> Axes:
    """The whole history with the level bands and labelled shock lines.

    Parameters
    ----------
    shocks : sequence of (month, label)
        Shocks to mark (e.g. leader changes); each gets a vertical line and its label,
        written vertically at the top and nudged apart so that labels do not overlap.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4.2))
    x = series.index.to_timestamp()
    ax.plot(x, series.to_numpy(), color="black", lw=1.0, label=text["observed"])
    if as_scale(scale).bounded:  # None: no bounds
        ax.set_ylim(scale.lower, scale.upper)
        draw_level_bands(ax, scale, lang=lang)
    ax.set_xlim(x[0], x[-1])
    first, last = series.index[0], series.index[-1]
    marks = sorted((m, lab) for m, lab in shocks if first <= m <= last)
    if marks:
        lo, hi = mdates.date2num(x[0]), mdates.date2num(x[-1])
        where = np.array([(mdates.date2num(m.to_timestamp()) - lo) / (hi - lo) for m, _ in marks])
        width_pt = ax.figure.get_size_inches()[0] * 72 * ax.get_position().width
        spots = _spread_positions(where, 8.5 / width_pt)
        for (month, label), spot in zip(marks, spots, strict=True):
            ax.axvline(month.to_timestamp(), color=SHOCK_COLOUR, lw=0.7, alpha=0.6)
            ax.text(
                spot,
                0.985,
                label,
                transform=ax.transAxes,
                rotation=90,
                va="top",
                ha="center",
                fontsize=6.5,
                color=SHOCK_COLOUR,
                bbox={"facecolor": "white", "alpha": 0.6, "lw": 0, "pad": 0.5},
            )
    ax.set_ylabel(text["score"])
    month_axis(ax, lang)
    return ax


@drawn_in_style
def events_chart(events: pd.Series, *, text: dict[str, str], ax: Axes) -> Axes:
    """Monthly net event scores as bars (green positive, red negative), on their own axes."""
    values = events.to_numpy(dtype=float)
    colours = np.where(values >= 0, "#1a9850", "#d73027")
    ax.bar(events.index.to_timestamp(), values, width=25, color=colours)
    ax.axhline(0, color="#555555", lw=0.6)
    ax.set_ylabel(text["events_axis"], fontsize=8)
    ax.set_title(text["events_title"], fontsize=9, loc="left")
    return ax


@drawn_in_style
def history_figure(
    series: pd.Series,
    scale: Scale | None,
    *,
    shocks: Sequence[tuple[pd.Period, str]] = (),
    events: pd.Series | None = None,
    text: dict[str, str],
    lang: str = "en",
    title: str = "",
    panels: Sequence[Callable[[Axes], object]] = (),
) -> Figure:
    """The history figure: the main panel, the events panel when events are given, then one
    panel per function of ``panels`` (each draws on the axes it is given)."""
    import matplotlib.pyplot as plt

    extra = list(panels)
    has_events = events is not None and len(events) > 0
    if has_events:
        extra.insert(0, lambda ax: events_chart(events, text=text, ax=ax))
    ratios = [3.0] + [2.2] * len(extra)
    fig, axes = plt.subplots(
        len(ratios),
        1,
        figsize=(10, 4.2 + 2.8 * len(extra)),
        gridspec_kw={"height_ratios": ratios},
        squeeze=False,
    )
    main = axes[0, 0]
    history_chart(series, scale, shocks=shocks, text=text, lang=lang, ax=main)
    main.set_title(title)
    for draw, ax in zip(extra, axes[1:, 0], strict=True):
        draw(ax)
    if has_events:
        axes[1, 0].set_xlim(main.get_xlim())  # the events share the history's months
    fig.tight_layout()
    return fig


@drawn_in_style
def crossing_chart(
    table: pd.DataFrame,
    *,
    title: str,
    text: dict[str, str],
    ax: Axes | None = None,
) -> Axes:
    """A probability per scenario with 95 % Monte Carlo error bars.

    ``table`` has one row per scenario (index = the names shown) and columns ``p``, ``se``.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.6 * len(table) + 1.6))
    y = np.arange(len(table))
    ax.barh(y, table["p"], xerr=1.96 * table["se"], color="#b2182b", alpha=0.75, capsize=4)
    ax.set_yticks(y, [str(i) for i in table.index])
    ax.invert_yaxis()
    top = float((table["p"] + 3 * table["se"]).max())
    ax.set_xlim(0, min(1.12, max(0.05, 1.2 * top)))
    for yi, p, end in zip(y, table["p"], table["p"] + 1.96 * table["se"], strict=True):
        ax.text(end, yi, f"  {100 * p:.1f}%", va="center", fontsize=9)
    ax.set_xlabel(text["probability"])
    percent_axis(ax.xaxis)
    ax.set_title(title)
    return ax


@drawn_in_style
def level_chart(
    forecast: Forecast, *, text: dict[str, str], lang: str = "en", ax: Axes | None = None
) -> Axes:
    """Level probabilities per forecast month, stacked."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    probs = forecast.level_probabilities(lang)
    bottom = np.zeros(len(probs))
    months = [fmt_month(m, lang) for m in probs.index]
    for j, col in enumerate(probs.columns):
        colour = LEVEL_COLOURS[j] if len(probs.columns) == len(LEVEL_COLOURS) else None
        ax.bar(
            months, probs[col], bottom=bottom, label=col, color=colour, edgecolor="#777777", lw=0.4
        )
        bottom += probs[col].to_numpy()
    ax.set_ylim(0, 1)
    percent_axis(ax.yaxis)
    ax.set_ylabel(text["probability"])
    ax.set_title(text["figures_levels"])
    ax.tick_params(axis="x", rotation=45)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return ax


@drawn_in_style
def analogue_chart(frame: pd.DataFrame, *, text: dict[str, str], ax: Axes | None = None) -> Axes:
    """Trajectories aligned on their anchor months; the legend names each anchor (the column
    names)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    for col in frame.columns:
        ax.plot(frame.index, frame[col], lw=1.5, label=str(col))
    ax.axvline(0, color="#444444", lw=0.8, ls=":")
    ax.set_xlabel(text["months_from_anchor"])
    ax.set_ylabel(text["score"])
    ax.set_title(text["figures_analogues"])
    ax.legend(fontsize=8)
    return ax


@drawn_in_style
def reliability_chart(
    table: pd.DataFrame, *, text: dict[str, str], ax: Axes | None = None, title: str = ""
) -> Axes:
    """Mean forecast probability against observed frequency per bin, one series per scope,
    each point labelled with its number of cases (bins without cases are left out).

    ``table`` has columns ``scope``, ``forecast``, ``observed``, ``cases``; ``title`` names
    the question scored (default: the generic title of the labels).
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="#888888", ls=":", label=text["diagonal"])
    markers = ("o", "s", "^", "D")
    for i, (scope, part) in enumerate(table.groupby("scope", sort=False)):
        part = part[part["cases"] > 0]
        ax.plot(part["forecast"], part["observed"], marker=markers[i % 4], label=str(scope))
        for fx, oy, n in zip(part["forecast"], part["observed"], part["cases"], strict=True):
            ax.annotate(
                f"{int(n)}", (fx, oy), textcoords="offset points", xytext=(4, 4), fontsize=7
            )
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(text["rel_forecast"])
    ax.set_ylabel(text["rel_observed"])
    ax.set_title(title or text["figures_reliability"])
    ax.legend(fontsize=8, loc="upper left")
    return ax
