"""The all-partners overview as a document, and its small multiples of fan charts.

:func:`build_panel_document` turns the results of
:func:`relforecast.report.panel_outlook.panel_outlook` (:class:`PanelInputs`) into a
:class:`~relforecast.report.document.Document` — rendered to ``report.html``, ``report.md``
and ``report.docx`` by the same renderers as the single-dyad report. Every word comes from
the label tables of :mod:`relforecast.graphics.labels`. The sections, in order:

1. overview — one row a dyad: the question that matters for it
   (:mod:`relforecast.report.panel_questions`), its probability with the Monte Carlo error,
   its change since a previous edition (when one is given), the median and 80 % interval at
   the window's end (one decimal, as the dyads' reports), the most likely level there; each
   dyad's name links to its own report;
2. the fan charts of every dyad, one panel each, on one shared score axis;
3. joint questions — P(k or more of the dyads at or above the threshold go below it), with the
   co-movement of their history, independent, and the product rule; when at most one of them
   has any chance of going below, one sentence says so instead (the table would only repeat
   that dyad's own answer);
4. each dyad's report (its folder); notes; reproducibility.

:func:`fan_grid` draws the small multiples: :func:`relforecast.report.plots.fan_chart` in
each panel, then one y range for all (the union of what each panel shows), the level bands
redrawn for that range and named on the right-hand column only, one legend for the figure.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from relforecast.editorial import fmt_date, short_model_name
from relforecast.forecast import Forecast
from relforecast.graphics.labels import (
    dyad_label,
    figure_dyad,
    fmt_diff,
    fmt_month,
    fmt_num,
    fmt_pct,
    fmt_pct_se,
    fmt_range,
    fmt_span,
    fmt_threshold,
    labels,
    model_label,
)
from relforecast.report.content import (
    count_word,
    level_entered,
    levels_line,
    mc_note,
    named_levels,
    source_line,
)
from relforecast.report.document import Bullets, Document, Figure, Heading, Paragraph, Table

__all__ = ["PanelInputs", "build_panel_document", "fan_grid"]

FANS_FILE = "fans.png"


@dataclass
class PanelInputs:
    """Everything the overview shows.

    Attributes
    ----------
    overview : pd.DataFrame
        :func:`relforecast.panel_overview` of the dyads' baseline forecasts (index dyad).
    folders : dict of str to str
        Each dyad's report folder, relative to the overview.
    joint : pd.DataFrame or None
        :func:`relforecast.joint_crossing` over the dyads whose question is ``cross`` (None
        with fewer than two such dyads, or when it could not be answered).
    joint_error : str or None
        Why the joint question was not answered although two or more dyads qualify.
    as_of, window, threshold, model_names, n_paths, seed, created, font, versions, synthetic
        As in the single-dyad report.
    previous_as_of : str or None
        The as-of month of the previous edition compared with (None: none given).
    source_note, scale
        The data-source line (given) and the model's scale (for the default line).
    shocks : dict or None
        How many shocks each dyad's model was fitted with.
    model_weights : list or None
        Each pool's weights, in the order of ``model_names`` (``None`` for a model without
        weights): a pool whose weights differ is named as weighted, as in the dyad reports.
    """

    overview: pd.DataFrame
    folders: dict[str, str]
    joint: pd.DataFrame | None
    joint_error: str | None
    as_of: pd.Period
    window: tuple[pd.Period, pd.Period]
    threshold: float
    model_names: list[str]
    n_paths: int
    seed: int
    created: str
    font: str | None
    versions: dict[str, str]
    synthetic: bool = False
    previous_as_of: str | None = None
    source_note: str | None = None
    scale: object = None
    shocks: dict[str, int] | None = None  # shocks each dyad's model was fitted with
    model_weights: list[list[float] | None] | None = None  # each pool's weights, as model_names


def _key_label(row: pd.Series, words: dict[str, str], lang: str, scale: object) -> str:
    """The dyad's key question in words, with why it is the one asked."""
    t = fmt_threshold(row["key_threshold"])
    kind = str(row["key_question"]).partition(":")[0]
    if row["key_why"] == "better":
        kind += "_reach"
    text = words[f"q_{kind}"].format(t=t)
    direction = "at_or_above" if row["key_why"] == "better" else "below"
    level = level_entered(direction, row["key_threshold"], scale, lang)
    key = f"pq_why_{row['key_why']}"
    if row["key_why"] in ("worse", "better") and level is None:  # not a level boundary
        key += "_plain"
    why = words[key].format(t=t, level=level)
    return f"{text}（{why}）" if lang == "zh" else f"{text} ({why})"


def _change_text(row: pd.Series, words: dict[str, str]) -> str:
    if row["change_note"] == "other":
        return words["pq_change_other"]
    if row["change_note"] == "none":
        return words["none"]
    return words["pp"].format(diff=fmt_diff(row["change"], row["change_se"]))


def _overview_table(inp: PanelInputs, words: dict[str, str], lang: str) -> Table:
    rows, links = [], []
    levels = named_levels(inp.scale)  # one span, no named level: no level column
    for dyad, row in inp.overview.iterrows():
        level = (
            f"{row['level_end']}（{fmt_pct(row['p_level_end'])}）"
            if lang == "zh"
            else (f"{row['level_end']} ({fmt_pct(row['p_level_end'])})")
        )
        rows.append(
            (
                dyad_label(dyad, lang, short=True),
                fmt_num(row["last"]),
                _key_label(row, words, lang, inp.scale),
                fmt_pct_se(row["key_p"], row["key_se"]),
                _change_text(row, words),
                fmt_num(row["median_end"]),
                fmt_range(fmt_num(row["lower_end"]), fmt_num(row["upper_end"]), lang),
                *((level,) if levels else ()),
            )
        )
        links.append(f"{inp.folders[str(dyad)]}/report.html")
    change = (
        words["pq_change"].format(previous=fmt_month(inp.previous_as_of, lang))
        if inp.previous_as_of
        else words["pq_change_edition"]
    )
    columns = (
        words["col_dyad"],
        words["col_last"].format(as_of=fmt_month(inp.as_of, lang)),
        words["pq_question"],
        words["col_answer"],
        change,
        words["col_median_end"],
        words["col_interval_end"],
        *((words["col_level_end"],) if levels else ()),
    )
    align = ("left", "right", "left", "right", "right", "right", "right", "left")[: len(columns)]
    caption = "" if inp.previous_as_of else words["pq_change_none"]
    return Table(columns, tuple(rows), align=align, links=tuple(links), caption=caption)


def _changes_blocks(inp: PanelInputs, words: dict[str, str], lang: str) -> list:
    """ "Changes since the edition of …": each dyad's last score then and now, and its key
    question's answer then and now (± Monte Carlo error); a dyad whose key question changed
    (its score crossed into another level's reach) says so. Empty without a previous edition."""
    if not inp.previous_as_of:
        return []
    before, now = fmt_month(inp.previous_as_of, lang), fmt_month(inp.as_of, lang)
    rows = []
    for dyad, row in inp.overview.iterrows():
        compared = row.get("change_note", "") == ""
        prev_last = row.get("prev_last", float("nan"))
        prev_p = row.get("prev_p", float("nan"))
        rows.append(
            (
                dyad_label(dyad, lang, short=True),
                words["none"] if pd.isna(prev_last) else fmt_num(prev_last),
                fmt_num(row["last"]),
                _key_label(row, words, lang, inp.scale),
                words["none"]
                if not compared or pd.isna(prev_p)
                else fmt_pct_se(prev_p, row.get("prev_se", 0.0)),
                fmt_pct_se(row["key_p"], row["key_se"]),
                _change_text(row, words),
            )
        )
    columns = (
        words["col_dyad"],
        words["col_last"].format(as_of=before),
        words["col_last"].format(as_of=now),
        words["pq_question"],
        words["changes_col_then"],
        words["changes_col_now"],
        words["changes_col_change"],
    )
    align = ("left", "right", "right", "left", "right", "right", "right")
    return [
        Heading(words["changes"].format(month=before)),
        Paragraph(words["panel_changes_intro"].format(before=before, now=now)),
        Table(columns, tuple(rows), align=align),
    ]


def _joint_blocks(inp: PanelInputs, words: dict[str, str], lang: str) -> list:
    t = fmt_threshold(inp.threshold)
    as_of = fmt_month(inp.as_of, lang)
    above = [d for d in inp.overview.index if inp.overview.loc[d, "question"] == "cross"]
    sep = "、" if lang == "zh" else ", "
    names = sep.join(dyad_label(d, lang, short=True) for d in above) or words["none"]
    blocks: list = [Heading(words["panel_joint"])]
    if len(above) < 2:
        return [*blocks, Paragraph(words["panel_joint_few"].format(t=t, as_of=as_of, names=names))]
    able = [d for d in above if inp.overview.loc[d, "p"] > 0]
    if len(able) < 2:  # the joint answer would only repeat one dyad's own (or be 0)
        if not able:
            return [*blocks, Paragraph(words["pq_joint_none"].format(t=t, as_of=as_of))]
        row = inp.overview.loc[able[0]]
        name = dyad_label(able[0], lang, short=lang != "zh")
        text = words["pq_joint_one"].format(
            t=t, as_of=as_of, name=name, p=fmt_pct_se(row["p"], row["p_se"])
        )
        return [*blocks, Paragraph(text)]
    if inp.joint is None:
        return [*blocks, Paragraph(inp.joint_error or "")]
    span = inp.joint.attrs.get("history_span", "")
    first, _, last = span.partition(":")
    span_text = fmt_span(first, last, lang)
    blocks.append(
        Paragraph(
            words["panel_joint_intro"].format(
                n=len(above), t=t, as_of=as_of, names=names, span=span_text
            )
        )
    )
    shown = inp.joint
    nothing = (shown[["p_dependent", "p_independent", "p_product"]] == 0).all(axis=1)
    if nothing.any():  # k beyond the first with no path and no product-rule chance: all 0
        shown = shown.loc[: nothing.idxmax()]
    rows = tuple(
        (
            words["k_at_least"].format(k=k),
            fmt_pct_se(r["p_dependent"], r["se_dependent"]),
            fmt_pct_se(r["p_independent"], r["se_independent"]),
            fmt_pct(r["p_product"]),
        )
        for k, r in shown.iterrows()
    )
    columns = (
        words["col_k"].format(t=t),
        words["col_dependent"],
        words["col_independent"],
        words["col_product"],
    )
    caption = words["panel_joint_rest"] if len(shown) < len(inp.joint) else ""
    return [*blocks, Table(columns, rows, caption=caption)]


def _shocks_note(shocks: Mapping[str, int], words: dict[str, str], lang: str) -> str:
    """Which shocks each dyad's model took into account, or that none did."""
    if not any(shocks.values()):
        return words["panel_no_shocks_note"]
    if lang == "zh":
        counts = "、".join(f"{dyad_label(d, lang)}{n}次" for d, n in shocks.items())
    else:
        counts = ", ".join(f"{dyad_label(d, lang, short=True)} {n}" for d, n in shocks.items())
    return words["panel_shocks_note"].format(counts=counts)


def build_panel_document(inp: PanelInputs, lang: str) -> Document:
    """The overview report in ``lang`` ("en" or "zh")."""
    words = labels(lang)
    first, last = (fmt_month(m, lang) for m in inp.window)
    as_of = fmt_month(inp.as_of, lang)
    t = fmt_threshold(inp.threshold)
    sep = "、" if lang == "zh" else ", "
    weights = inp.model_weights or [None] * len(inp.model_names)
    model = sep.join(
        dict.fromkeys(
            short_model_name(name, lang, weights=w)
            for name, w in zip(inp.model_names, weights, strict=True)
        )
    )
    full = sep.join(dict.fromkeys(model_label(name, lang) for name in inp.model_names))
    full_names = " ".join(inp.model_names)
    doc = Document(
        words["panel_title"].format(n=count_word(len(inp.overview), lang), first=first, last=last),
        lang,
        font=inp.font,
    )
    doc.add(
        Paragraph(
            words["panel_meta"].format(
                as_of=as_of,
                model=model,
                n_paths=f"{inp.n_paths:,}",
                seed=inp.seed,
                created=fmt_date(inp.created, lang),
            ),
            "meta",
        ),
        Paragraph(source_line(words, inp.source_note, inp.synthetic, inp.scale), "meta"),
    )
    if levels := levels_line(inp.scale, lang):
        doc.add(Paragraph(levels, "meta"))
    doc.add(
        Heading(words["panel_overview"]),
        Paragraph(
            words["pq_intro" if named_levels(inp.scale) else "pq_intro_plain"].format(
                as_of=as_of, t=t, last=last
            )
        ),
        _overview_table(inp, words, lang),
        *_changes_blocks(inp, words, lang),
        Figure(FANS_FILE, words["panel_fans"].format(first=first, last=last)),
        *_joint_blocks(inp, words, lang),
        Heading(words["panel_reports"]),
        Paragraph(words["panel_reports_intro"]),
        Heading(words["notes"]),
        Bullets(
            (
                words["model_note"].format(model=full),
                *([words["block_note"]] if "block-bootstrap" in full_names else []),
                # which inputs: a separate dyad report with other ones gives other numbers
                *([] if inp.shocks is None else [_shocks_note(inp.shocks, words, lang)]),
                # a pool's weights are each dyad's own: said, or a reader takes them for one set
                *(
                    [words["panel_pool_note"]]
                    if any(str(n).startswith("auto[") for n in inp.model_names)
                    else []
                ),
                mc_note(words, "panel_mc_note", inp.scale, inp.n_paths),
            )
        ),
        Heading(words["reproduce"]),
        Table(
            (words["rep_item"], words["rep_value"]),
            (
                (words["rep_window"], fmt_span(inp.window[0], inp.window[1], lang)),
                (words["rep_model"], model),
                (words["rep_paths"], f"{inp.n_paths:,}"),
                (words["rep_seed"], str(inp.seed)),
                (words["rep_font"], inp.font or words["default_font"]),
                (
                    words["rep_versions"],
                    ", ".join(f"{k} {v}" for k, v in inp.versions.items()),
                ),
            ),
            align=("left", "left"),
        ),
    )
    return doc


def fan_grid(
    forecasts: Mapping[str, Forecast],
    threshold: float,
    lang: str,
    *,
    history_months: int = 24,
    columns: int = 3,
) -> bytes:
    """One PNG: a fan chart per dyad (in the order given) on one shared score axis, drawn in
    the report's font for ``lang`` (:func:`relforecast.graphics.fonts.figure_style`)."""
    from relforecast.graphics.fonts import figure_style

    with figure_style(lang):
        return _fan_grid(forecasts, threshold, lang, history_months, columns)


def _fan_grid(
    forecasts: Mapping[str, Forecast],
    threshold: float,
    lang: str,
    history_months: int,
    columns: int,
) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from relforecast.graphics.fan import draw_level_bands, fan_chart

    words = labels(lang)
    n = len(forecasts)
    ncols = min(columns, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(4.2 * ncols + 0.8, 3.0 * nrows + 0.9), sharey=True, squeeze=False
    )
    flat = axes.ravel()
    lows, highs = [], []
    for ax, (dyad, fc) in zip(flat, forecasts.items(), strict=False):
        fan_chart(
            fc,
            ax=ax,
            history_months=history_months,
            threshold=threshold,
            lang=lang,
            text=words,
            title=figure_dyad(dyad, lang),
        )
        lo, hi = ax.get_ylim()
        lows.append(lo)
        highs.append(hi)
    handles, names = flat[0].get_legend_handles_labels()
    for i, handle in enumerate(handles):  # the threshold line: not the first dyad's P(cross)
        if getattr(handle, "get_linestyle", lambda: "")() == "--":
            names[i] = words["threshold"].format(t=fmt_threshold(threshold))
    bottom, top = min(lows), max(highs)
    for i, ax in enumerate(flat):
        if i >= n:
            ax.set_visible(False)
            continue
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        for text in list(ax.texts):  # level names drawn for the panel's own range
            text.remove()
        ax.set_ylim(bottom, top)
        scale = next(iter(forecasts.values())).scale
        last_in_row = i % ncols == ncols - 1 or i == n - 1
        if scale.bounded:
            draw_level_bands(ax, scale, lang=lang, labels=last_in_row)
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y年" if lang == "zh" else "%Y"))
        ax.tick_params(axis="x", labelsize=8)
        if i % ncols:
            ax.set_ylabel("")
    fig.legend(handles, names, loc="lower center", ncol=len(names), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()
