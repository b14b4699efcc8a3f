"""The fan chart of a forecast and the level bands behind it.

:meth:`relforecast.Forecast.plot` draws :func:`fan_chart`; the report and the event figures use
the same functions, so a figure made in a script and the report's figure agree. Every word comes
from the label tables (:mod:`relforecast.graphics.labels`) of the chosen language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from relforecast.graphics.labels import fmt_threshold, labels
from relforecast.scale import Scale

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from relforecast.forecast import Forecast

__all__ = ["LEVEL_COLOURS", "draw_level_bands", "fan_chart"]

# Red (confrontation) to green (friendly); light so that data stay readable on top.
LEVEL_COLOURS = ("#f4c7c3", "#fbe0c4", "#fdf1c7", "#e8f0d6", "#d4ead3", "#c3e3d9")


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
    ax.set_title(title or f"{forecast.model}: {future.index[0]}..{future.index[-1]}")
    ax.legend(loc="best", fontsize=8, framealpha=0.9)
    return ax
