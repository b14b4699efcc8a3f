"""Figures: level bands, fan charts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from relforecast.report.fonts import cjk_font
from relforecast.scale import Scale

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from relforecast.forecast import Forecast
    from relforecast.shocks import ShockCalendar

__all__ = [
    "LEVEL_COLOURS",
    "analogue_chart",
    "cjk_font",
    "crossing_chart",
    "draw_level_bands",
    "fan_chart",
    "history_chart",
    "level_chart",
]

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
    title: str | None = None,
    text: dict[str, str] | None = None,
) -> Axes:
    """Fan chart of a forecast: recent history, median, 50/80/95 % bands, threshold line.

    ``text`` overrides the words "observed", "median", "score" (keys of the same names).
    """
    words = {"observed": "observed", "median": "median", "score": "score", **(text or {})}
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5))
    scale = forecast.scale
    x_future = forecast.index.to_timestamp()
    if forecast.history is not None and history_months > 0:
        hist = forecast.history.iloc[-history_months:]
        ax.plot(
            hist.index.to_timestamp(),
            hist.to_numpy(),
            color="black",
            lw=1.4,
            label=words["observed"],
        )
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
    ax.plot(x_future, forecast.median(), color="#1f4e9c", lw=1.8, label=words["median"])
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
    ax.set_ylabel(words["score"])
    ax.set_title(title or f"{forecast.model}: forecast from {forecast.index[0]}")
    ax.legend(loc="best", fontsize=8, framealpha=0.9)
    return ax


def history_chart(
    series: pd.Series,
    scale: Scale | None,
    *,
    shocks: ShockCalendar | None = None,
    events: pd.Series | None = None,
    text: dict[str, str],
    lang: str = "en",
    ax: Axes | None = None,
) -> Axes:
    """The whole history with the level bands, shocks marked, event scores as bars."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4.2))
    x = series.index.to_timestamp()
    ax.plot(x, series.to_numpy(), color="black", lw=1.0, label=text["observed"])
    if scale is not None:
        ax.set_ylim(scale.lower, scale.upper)
        draw_level_bands(ax, scale, lang=lang)
    if shocks is not None:
        first, last = series.index[0], series.index[-1]
        for shock in shocks:
            if first <= shock.start <= last:
                ax.axvline(shock.start.to_timestamp(), color="#7b3294", lw=0.7, alpha=0.6)
    if events is not None and len(events):
        twin = ax.twinx()
        values = events.to_numpy(dtype=float)
        colours = np.where(values >= 0, "#1a9850", "#d73027")
        twin.bar(events.index.to_timestamp(), values, width=60, color=colours, alpha=0.8)
        top = max(1.0, float(np.abs(values).max()))
        twin.set_ylim(-4 * top, 4 * top)  # bars stay small, centred on the right axis' zero
        twin.set_ylabel("net event score (bars)")
    ax.set_ylabel(text["score"])
    ax.set_title(f"{series.name}: {text['history']}")
    return ax


def crossing_chart(
    table: pd.DataFrame, threshold: float, *, text: dict[str, str], ax: Axes | None = None
) -> Axes:
    """P(crossing) per scenario with 95 % Monte Carlo error bars."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.6 * len(table) + 1.6))
    y = np.arange(len(table))
    ax.barh(
        y, table["p_cross"], xerr=1.96 * table["p_cross_se"], color="#b2182b", alpha=0.75, capsize=4
    )
    ax.set_yticks(y, [str(i) for i in table.index])
    ax.invert_yaxis()
    ax.set_xlim(
        0, min(1.0, max(0.05, 1.15 * float((table["p_cross"] + 3 * table["p_cross_se"]).max())))
    )
    ends = table["p_cross"] + 1.96 * table["p_cross_se"]
    for yi, p, end in zip(y, table["p_cross"], ends, strict=True):
        ax.text(end, yi, f"  {p:.1%}", va="center", fontsize=9)
    ax.set_xlabel(text["probability"])
    ax.set_title(text["crossing"].format(t=threshold))
    return ax


def level_chart(
    forecast: Forecast, *, text: dict[str, str], lang: str = "en", ax: Axes | None = None
) -> Axes:
    """Level probabilities per forecast month, stacked."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    probs = forecast.level_probabilities(lang)
    bottom = np.zeros(len(probs))
    labels = [str(m) for m in probs.index]
    for j, col in enumerate(probs.columns):
        colour = LEVEL_COLOURS[j] if len(probs.columns) == len(LEVEL_COLOURS) else None
        ax.bar(
            labels, probs[col], bottom=bottom, label=col, color=colour, edgecolor="#777777", lw=0.4
        )
        bottom += probs[col].to_numpy()
    ax.set_ylim(0, 1)
    ax.set_ylabel(text["probability"])
    ax.set_title(text["levels"])
    ax.tick_params(axis="x", rotation=45)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return ax


def analogue_chart(frame: pd.DataFrame, *, text: dict[str, str], ax: Axes | None = None) -> Axes:
    """Trajectories aligned on their anchor months."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    for col in frame.columns:
        ax.plot(frame.index, frame[col], lw=1.5, label=str(col))
    ax.axvline(0, color="#444444", lw=0.8, ls=":")
    ax.set_xlabel(text["months_from_anchor"])
    ax.set_ylabel(text["score"])
    ax.set_title(text["analogues"])
    ax.legend(fontsize=8)
    return ax
