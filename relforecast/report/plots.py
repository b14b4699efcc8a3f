"""Figures: level bands, fan charts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

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
    the middle of their visible part.
    """
    colours = LEVEL_COLOURS if len(scale.levels) == len(LEVEL_COLOURS) else None
    bottom, top = ax.get_ylim()
    for i, level in enumerate(scale.levels):
        colour = colours[i] if colours else ("#f2f2f2" if i % 2 else "#ffffff")
        ax.axhspan(level.lower, level.upper, color=colour, zorder=0, lw=0)
        lo, hi = max(level.lower, bottom), min(level.upper, top)
        if labels and hi - lo > 0.02 * (top - bottom):
            ax.text(
                1.005,
                (lo + hi) / 2,
                level.label(lang),
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=8,
                color="#555555",
            )
    ax.set_ylim(bottom, top)


def fan_chart(
    forecast: Forecast,
    ax: Axes | None = None,
    *,
    history_months: int = 60,
    threshold: float | None = None,
    lang: str = "en",
) -> Axes:
    """Fan chart of a forecast: recent history, median, 50/80/95 % bands, threshold line."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5))
    scale = forecast.scale
    x_future = forecast.index.to_timestamp()
    if forecast.history is not None and history_months > 0:
        hist = forecast.history.iloc[-history_months:]
        ax.plot(hist.index.to_timestamp(), hist.to_numpy(), color="black", lw=1.4, label="observed")
    for coverage, alpha in ((0.95, 0.18), (0.8, 0.28), (0.5, 0.4)):
        band = forecast.interval(coverage)
        ax.fill_between(
            x_future,
            band["lower"],
            band["upper"],
            color="#1f4e9c",
            alpha=alpha,
            lw=0,
            label=f"{round(coverage * 100)} % interval",
        )
    ax.plot(x_future, forecast.median(), color="#1f4e9c", lw=1.8, label="median")
    t = threshold if threshold is not None else (scale.critical if scale is not None else None)
    if t is not None:
        ax.axhline(
            t,
            color="#b2182b",
            ls="--",
            lw=1.2,
            label=f"threshold {t:g}: P(cross) = {forecast.prob_cross(t):.1%}",
        )
    values = forecast.paths
    lo = np.nanmin(np.quantile(values, 0.01, axis=0))
    hi = np.nanmax(np.quantile(values, 0.99, axis=0))
    if forecast.history is not None:
        recent = forecast.history.iloc[-history_months:]
        lo, hi = min(lo, recent.min()), max(hi, recent.max())
    if t is not None:
        lo, hi = min(lo, t), max(hi, t)
    pad = max(0.5, 0.1 * (hi - lo))
    if scale is not None:
        ax.set_ylim(max(scale.lower, lo - pad), min(scale.upper, hi + pad))
        draw_level_bands(ax, scale, lang=lang)
    ax.set_ylabel("score")
    ax.set_title(f"{forecast.model}: forecast from {forecast.index[0]}")
    ax.legend(loc="best", fontsize=8, framealpha=0.9)
    return ax
