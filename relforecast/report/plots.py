"""Figures of the outlook: history, fan chart, question by scenario, levels, analogues,
reliability.

Every word comes from the label tables (:mod:`relforecast.report.labels`) of the report's
language; draw inside :func:`relforecast.report.fonts.figure_style` so that Chinese text uses
the one chosen CJK font. Level names sit outside the right edge of the axes, so nothing else
may use the right axis: event scores get their own panel under the history
(:func:`history_figure`, which takes further panels — e.g. a zoom on recent years — as
extra drawing functions).

Every public function here draws in the report's font for its language
(:func:`relforecast.report.fonts.drawn_in_style`), so the same call from a script gives the
same figure; Chinese date axes read 2025年7月 (:func:`month_axis`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from relforecast.editorial import fmt_month
from relforecast.report.fonts import cjk_font, drawn_in_style
from relforecast.report.labels import figure_dyad, fmt_threshold, labels
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
    "month_axis",
    "reliability_chart",
]

# Red (confrontation) to green (friendly); light so that data stay readable on top.
LEVEL_COLOURS = ("#f4c7c3", "#fbe0c4", "#fdf1c7", "#e8f0d6", "#d4ead3", "#c3e3d9")
SHOCK_COLOUR = "#7b3294"


def month_axis(ax: Axes, lang: str = "en") -> None:
    """Date ticks of ``ax`` in the report's language: Chinese "2025年7月" (years alone,
    "1990年", when the axis spans more than six years); English keeps matplotlib's."""
    if lang != "zh":
        return
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    def label(x: float, _pos: int) -> str:
        day = mdates.num2date(x)
        lo, hi = ax.get_xlim()
        if hi - lo > 6 * 365.25:
            return f"{day.year}年"
        return fmt_month(f"{day.year}-{day.month:02d}", "zh")

    ax.xaxis.set_major_formatter(FuncFormatter(label))


def default_title(forecast: Forecast, lang: str = "en") -> str:
    """A short title for a forecast drawn from a script: "China–Japan, forecast from 2025-07" /
    "中日关系 2025年7月起预测" (the dyad from the forecast's history, when it has a name)."""
    words = labels(lang)
    first = fmt_month(forecast.future().index[0], lang)
    name = getattr(forecast.history, "name", None)
    if name is None or str(name) == "":
        return words["plot_title_plain"].format(first=first)
    return words["plot_title"].format(dyad=figure_dyad(name, lang), first=first)


def _percent_axis(axis) -> None:
    """Probabilities on ``axis`` written as percentages, as in the report's text."""
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def draw_level_bands(ax: Axes, scale: Scale, lang: str = "en", labels: bool = True) -> None:
    """Shade each level of ``scale`` as a horizontal band, with its name on the right.

    Call it after the y-limits are final: names are written only for the visible bands, at
    the middle of their visible part, just outside the right edge of the axes (keep the right
    axis free of ticks).
    """
    colours = LEVEL_COLOURS if len(scale.levels) == len(LEVEL_COLOURS) else None
    bottom, top = ax.get_ylim()
    for i, level in enumerate(scale.levels):
        colour = colours[i] if colours else ("#f2f2f2" if i % 2 else "#ffffff")
        ax.axhspan(level.lower, level.upper, color=colour, zorder=0, lw=0)
        lo, hi = max(level.lower, bottom), min(level.upper, top)
        if labels and hi - lo > 0.04 * (top - bottom):
            ax.text(
                1.008,
                (lo + hi) / 2,
                level.label(lang),
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=8,
                color="#555555",
            )
    ax.set_ylim(bottom, top)
    ax.tick_params(axis="y", right=False, labelright=False)


@drawn_in_style
def fan_chart(
    forecast: Forecast,
    ax: Axes | None = None,
    *,
    history_months: int = 60,
    threshold: float | None = None,
    lang: str = "en",
    title: str | None = None,
    text: dict[str, str] | None = None,
) -> Axes:
    """Fan chart of a forecast: recent history, median, 50/80/95 % bands, threshold line.

    Observed months at the start of the forecast (an update during the window) are drawn as
    history; the window is shaded when it begins before the first simulated month.
    """
    words = {**labels(lang), **(text or {})}
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5))
    scale = forecast.scale
    future = forecast.future()
    x_future = future.index.to_timestamp()
    history = forecast.history
    if history is not None and history_months > 0:
        hist = history.iloc[-(history_months + forecast.observed) :]
        ax.plot(
            hist.index.to_timestamp(),
            hist.to_numpy(),
            color="black",
            lw=1.4,
            label=words["observed"],
        )
    if forecast.observed:
        ax.axvspan(
            forecast.index[0].to_timestamp(),
            forecast.index[-1].to_timestamp(),
            color="#888888",
            alpha=0.08,
            lw=0,
            label=words["window_span"],
        )
    for coverage, alpha in ((0.95, 0.18), (0.8, 0.28), (0.5, 0.4)):
        band = future.interval(coverage)
        ax.fill_between(
            x_future,
            band["lower"],
            band["upper"],
            color="#1f4e9c",
            alpha=alpha,
            lw=0,
            label=words["interval"].format(c=round(coverage * 100)),
        )
    ax.plot(x_future, future.median(), color="#1f4e9c", lw=1.8, label=words["median"])
    t = threshold if threshold is not None else scale.critical
    if t is not None:
        # P(cross) says something only while the series is not already below the threshold
        above = history is None or float(history.iloc[-1]) >= t
        p = f"{100 * forecast.prob_cross(t):.1f}%"
        label = (
            words["threshold_p"].format(t=fmt_threshold(t), p=p)
            if above
            else words["threshold"].format(t=fmt_threshold(t))
        )
        ax.axhline(t, color="#b2182b", ls="--", lw=1.2, label=label)
    values = future.paths
    lo = np.nanmin(np.quantile(values, 0.01, axis=0))
    hi = np.nanmax(np.quantile(values, 0.99, axis=0))
    if history is not None:
        recent = history.iloc[-(history_months + forecast.observed) :]
        lo, hi = min(lo, recent.min()), max(hi, recent.max())
    if t is not None:
        lo, hi = min(lo, t), max(hi, t)
    pad = max(0.5, 0.1 * (hi - lo))
    if scale.bounded:
        ax.set_ylim(max(scale.lower, lo - pad), min(scale.upper, hi + pad))
        draw_level_bands(ax, scale, lang=lang)
    ax.set_ylabel(words["score"])
    month_axis(ax, lang)
    ax.set_title(title or default_title(forecast, lang))
    ax.legend(loc="best", fontsize=8, framealpha=0.9)
    return ax


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
    _percent_axis(ax.xaxis)
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
    _percent_axis(ax.yaxis)
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
def reliability_chart(table: pd.DataFrame, *, text: dict[str, str], ax: Axes | None = None) -> Axes:
    """Mean forecast probability against observed frequency per bin, one series per scope,
    each point labelled with its number of cases (bins without cases are left out).

    ``table`` has columns ``scope``, ``forecast``, ``observed``, ``cases``.
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
    ax.set_title(text["figures_reliability"])
    ax.legend(fontsize=8, loc="upper left")
    return ax
