"""The fan chart of a forecast and the level bands behind it.

:meth:`relforecast.Forecast.plot` draws :func:`fan_chart`; the report and the event figures use
the same functions, so a figure made in a script and the report's figure agree. Every word comes
from the label tables (:mod:`relforecast.graphics.labels`) of the chosen language; the chart
draws in the report's font for that language (:func:`relforecast.graphics.fonts.drawn_in_style`),
with a short default title and, in Chinese, date ticks such as 2025年7月 (:func:`month_axis`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd

from relforecast.editorial import fmt_month
from relforecast.graphics.fonts import drawn_in_style
from relforecast.graphics.labels import figure_dyad, fmt_threshold, labels
from relforecast.scale import Scale

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "LEVEL_COLOURS",
    "default_title",
    "draw_level_bands",
    "fan_chart",
    "month_axis",
    "percent_axis",
]


class FanForecast(Protocol):
    """What a fan chart reads of a forecast (:class:`relforecast.Forecast` is one): its months,
    scale, history, observed months, the forecast of the months not yet observed, its median,
    intervals and crossing probability."""

    index: pd.PeriodIndex
    scale: Scale
    history: pd.Series | None
    observed: int

    def future(self) -> FanForecast: ...

    def median(self) -> pd.Series: ...

    def interval(self, coverage: float = 0.8) -> pd.DataFrame: ...

    def prob_cross(self, threshold: float | None = None, within: int | None = None) -> float: ...

# Red (confrontation) to green (friendly); light so that data stay readable on top.
LEVEL_COLOURS = ("#f4c7c3", "#fbe0c4", "#fdf1c7", "#e8f0d6", "#d4ead3", "#c3e3d9")


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


def percent_axis(axis) -> None:
    """Probabilities on ``axis`` (``ax.xaxis`` or ``ax.yaxis``) written as percentages, as the
    report's text writes them."""
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def default_title(forecast: FanForecast, lang: str = "en") -> str:
    """A short title for a forecast drawn from a script: "China–Japan, forecast from 2025-07" /
    "中日关系 2025年7月起预测" (the dyad from the forecast's history, when it has a name)."""
    words = labels(lang)
    first = fmt_month(forecast.future().index[0], lang)
    name = getattr(forecast.history, "name", None)
    if name is None or str(name) == "":
        return words["plot_title_plain"].format(first=first)
    return words["plot_title"].format(dyad=figure_dyad(name, lang), first=first)


def draw_level_bands(ax: Axes, scale: Scale, lang: str = "en", labels: bool = True) -> None:
    """Shade each level of ``scale`` as a horizontal band, with its name on the right.

    Call it after the y-limits are final: names are written only for the visible bands, at
    the middle of their visible part, just outside the right edge of the axes (keep the right
    axis free of ticks). A scale of one span (``LO:HI``) has no levels to tell apart: nothing
    is drawn.
    """
    if not scale.named_levels:
        return
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
    forecast: FanForecast,
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
