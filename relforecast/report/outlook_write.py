"""Writing one outlook: figures, the document and every file, from a computed outlook alone.

:func:`write_outlook` takes the :class:`~relforecast.report.outlook_compute.OutlookResult` of
:func:`~relforecast.report.outlook_compute.compute_outlook` and writes the folder
(:mod:`relforecast.report.outlook` lists its files) through
:class:`~relforecast.report.writer.OutputFolder`, whole or not at all. It fits, simulates and
backtests nothing: the figures draw the stored forecasts, tables and answers, the document
(:func:`relforecast.report.content.build_document`) words them, and the CSV files and
``summary.json`` are the stored tables and facts as text. What depends on the writing alone is
decided here: the figures' language and font (Chinese figures need a CJK font) and the
creation time written into the Word file.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from relforecast._jsontext import json_text
from relforecast.events.charts import window_chart
from relforecast.exceptions import RelforecastWarning
from relforecast.forecast import Forecast
from relforecast.graphics.fonts import FontChoice, cjk_font, figure_style
from relforecast.graphics.labels import figure_dyad, fmt_month, labels
from relforecast.models.base import FittedModel
from relforecast.report.content import (
    FIGURE_FILES,
    ReportInputs,
    build_document,
    named_levels,
    question_text,
    trust_sentences,
)
from relforecast.report.document import Document
from relforecast.report.edition_estimates import ESTIMATES_FILE, estimates_file
from relforecast.report.outlook_compute import (
    OutlookResult,
    anchor_names,
    shock_label,
    track_record_kind,
)
from relforecast.report.plots import (
    analogue_chart,
    crossing_chart,
    fan_chart,
    history_figure,
    level_chart,
    reliability_chart,
)
from relforecast.report.render_html import to_html
from relforecast.report.render_markdown import to_markdown
from relforecast.report.render_word import to_docx
from relforecast.report.spec import SPEC_FILE
from relforecast.report.track_record import TrackRecord
from relforecast.report.verdict import question_words
from relforecast.report.writer import OutputFolder

__all__ = ["Outlook", "figure_language", "write_outlook"]


@dataclass
class Outlook:
    """What :func:`relforecast.outlook` produced.

    Attributes
    ----------
    out : Path
        The report folder.
    files : dict of str to Path
        Every file written, by name.
    comparison : pd.DataFrame
        The scenario comparison (``rf.compare_scenarios``).
    forecast : Forecast
        The baseline forecast over the window (observed months first, when any).
    fit : fitted model
    summary : dict
        The content of ``summary.json``.
    questions : pd.DataFrame
        One row per (scenario, question): ``p``, ``se``, ``observed``, ``median_month``.
    spread : pd.DataFrame
        Model spread (:func:`relforecast.models.spread.model_spread`).
    track_record : TrackRecord or None
    document : Document
        The report's content (render it again with the renderers of ``relforecast.report``).
    """

    out: Path
    files: dict[str, Path]
    comparison: pd.DataFrame
    forecast: Forecast
    fit: FittedModel
    summary: dict[str, Any] = field(repr=False)
    questions: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    spread: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    track_record: TrackRecord | None = field(default=None, repr=False)
    document: Document | None = field(default=None, repr=False)


def figure_language(lang: str) -> str:
    """The figures' language: ``lang``, or English (with a warning) for Chinese without a
    CJK font installed."""
    if lang == "zh" and cjk_font() is None:
        warnings.warn(
            "no CJK font installed: figure labels stay in English (install one, e.g. "
            "Debian's fonts-noto-cjk, for Chinese figures)",
            RelforecastWarning,
            stacklevel=4,
        )
        return "en"
    return lang


def write_outlook(
    result: OutlookResult,
    out: str | Path = "outlook",
    *,
    folder: OutputFolder | None = None,
    progress: Callable[[str], None] | None = None,
    side: Any = None,
) -> Outlook:
    """Write a computed outlook to ``out``: figures, reports, tables and ``summary.json``.

    Parameters
    ----------
    result : OutlookResult
        From :func:`relforecast.report.outlook_compute.compute_outlook`.
    out : str or Path, default "outlook"
        Output folder, replaced whole when the report is complete (new, empty or an earlier
        report).
    folder : OutputFolder, optional
        ``out``'s output folder, already open (the caller holds its lock while computing);
        default: opened here.
    progress : callable, optional
        Called with a short message before each step.
    side : executor, optional
        A worker process (:func:`relforecast.panel.parallel.worker_process`) that draws some
        of the figures while this process draws the others.

    Returns
    -------
    Outlook
    """
    if folder is None:
        with OutputFolder(out) as opened:
            return write_outlook(result, out, folder=opened, progress=progress, side=side)
    say = progress or (lambda _msg: None)
    job = result.job
    say("drawing figures")
    font, images = _draw_figures(result, side)
    for name, png in images.items():
        folder.write(name, png)

    say("writing tables and reports")
    inputs = report_inputs(result, font, tuple(images))
    document = build_document(inputs, job.lang)
    folder.write("report.md", to_markdown(document))
    folder.write("report.html", to_html(document, images))
    folder.write("report.docx", to_docx(document, images, job.created))
    for name, text in _csv_tables(result).items():
        folder.write(name, text)
    summary = _summary(result, inputs, font)
    if result.edition is not None:
        spec, copies = result.edition
        folder.write(SPEC_FILE, replace(spec, out=str(out)).to_json())
        for name, payload in copies.items():
            folder.write(name, payload)
        summary["edition"] = {"spec": SPEC_FILE, "inputs": sorted(copies)}
        kept = estimates_file(result.fit, job.data)
        if kept is not None:  # the next edition's split starts from this fit
            folder.write(ESTIMATES_FILE, kept[0])
            summary["edition"]["estimates"] = kept[1]
    if result.changes is not None:
        summary["changes"] = result.changes.to_dict()
    folder.write("summary.json", json_text(summary) + "\n")
    folder.commit()
    files = dict(sorted(folder.files.items()))
    say(f"wrote {len(files)} files to {out}")
    return Outlook(
        out=Path(out),
        files=files,
        comparison=result.comparison,
        forecast=result.baseline,
        fit=result.fit,
        summary=summary,
        questions=result.question_table,
        spread=result.spread,
        track_record=result.track_record,
        document=document,
    )


#: Figures drawn in the worker process when the outlook has one, while this process draws
#: the others (the two that take longest to draw).
SIDE_FIGURES = ("history.png", "reliability.png")


def _draw_figures(result: OutlookResult, side: Any) -> tuple[FontChoice, dict[str, bytes]]:
    """Every figure, some of them drawn in the worker process ``side`` when there is one (the
    same bytes: the same code draws them from the same values). Should the worker fail (an
    outlook whose model cannot be sent to another process), this process draws them too."""
    if side is None:
        return _figures(result)
    pending = side.submit(_figures, result, SIDE_FIGURES)
    font, images = _figures(result, [f for f in FIGURE_FILES if f not in SIDE_FIGURES])
    try:
        images.update(pending.result()[1])
    except Exception:  # the same figures, drawn here instead
        images.update(_figures(result, SIDE_FIGURES)[1])
    return font, {name: images[name] for name in FIGURE_FILES if name in images}


def report_inputs(
    result: OutlookResult, font: FontChoice, figures: tuple[str, ...]
) -> ReportInputs:
    """What the document shows: the computed outlook, the figures drawn and their font."""
    job = result.job
    return ReportInputs(
        series=job.data,
        as_of=job.month,
        window=job.months,
        threshold=job.threshold,
        fit=result.fit,
        forecasts=result.forecasts,
        scenarios=result.comparison.attrs["scenarios"],
        questions=result.questions,
        answers=result.answers,
        spread=result.spread,
        track_record=result.track_record,
        track_record_config=job.config,
        track_record_kind=track_record_kind(job.keywords["track_record"]),
        assumptions=result.assumptions,
        n_paths=job.n_paths,
        seed=job.rng,
        created=job.created.isoformat(),
        font=font.name,
        versions=result.versions,
        fingerprint=result.fingerprint,
        diagnostics=result.diagnostics,
        figures=figures,
        synthetic=bool(job.data.attrs.get("synthetic", False)),
        changes=result.changes,
        source_note=job.source_note,
    )


def _figures(
    result: OutlookResult, only: Collection[str] | None = None
) -> tuple[FontChoice, dict[str, bytes]]:
    """Draw every figure (PNG bytes by file name) in the report's language and font; with
    ``only``, just the figures named there."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    job = result.job
    data, calendar, t, base, answers = (
        job.data,
        job.calendar,
        job.threshold,
        result.baseline,
        result.answers,
    )
    fig_lang = figure_language(job.lang)
    text = labels(fig_lang)
    first, last = fmt_month(base.index[0], fig_lang), fmt_month(base.index[-1], fig_lang)
    dyad = figure_dyad(data.name, fig_lang)
    names = {
        key: (text["baseline"] if sc is None else sc.display_name(fig_lang))
        for key, sc in result.comparison.attrs["scenarios"].items()
    }
    below_now = float(data.iloc[-1]) < t
    head = question_text(result.questions[0], text, last, below_now)
    crossing = pd.DataFrame(
        {"p": [answers[k][0].p for k in names], "se": [answers[k][0].se for k in names]},
        index=[names[k] for k in names],
    )
    shocks = [(s.start, shock_label(s, fig_lang)) for s in calendar] if calendar else []
    frame = result.analogues.copy()
    frame.columns = [name for _, name in anchor_names(job.anchors, data, calendar, fig_lang)]
    record = result.track_record

    def wanted(name: str) -> bool:
        return only is None or name in only

    def draw(name: str, size: tuple[float, float], paint) -> None:
        if not wanted(name):
            return
        fig, ax = plt.subplots(figsize=size)
        paint(ax)
        save(name, fig)

    images: dict[str, bytes] = {}

    def save(name: str, fig) -> None:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        images[name] = buffer.getvalue()

    scale = result.fit.scale  # the fitted-model contract (relforecast.models.base.FittedModel)
    with figure_style(fig_lang) as font:
        draw(
            "fan.png",
            (9, 4.5),
            lambda ax: fan_chart(
                base,
                ax=ax,
                history_months=36,
                threshold=t,
                lang=fig_lang,
                text=text,
                title=text["fan_title"].format(dyad=dyad, first=first, last=last),
            ),
        )
        draw(
            "crossing.png",
            (8, 0.6 * len(crossing) + 1.8),
            lambda ax: crossing_chart(crossing, title=head, text=text, ax=ax),
        )
        if named_levels(scale):  # one span, no named level: nothing to chart
            draw(
                "levels.png", (9, 4), lambda ax: level_chart(base, text=text, lang=fig_lang, ax=ax)
            )
        if wanted("history.png"):
            save(
                "history.png",
                history_figure(
                    data,
                    scale,
                    shocks=shocks,
                    panels=[
                        lambda ax: window_chart(
                            data,
                            result.event_table,
                            months=24,
                            ax=ax,
                            lang=fig_lang,
                            scale=scale,
                            threshold=t,
                            annotate=False,
                        )
                    ],
                    text=text,
                    lang=fig_lang,
                    title=text["history_title"].format(
                        dyad=dyad,
                        first=fmt_month(data.index[0], fig_lang),
                        last=fmt_month(data.index[-1], fig_lang),
                    ),
                ),
            )
        draw("analogues.png", (8, 4), lambda ax: analogue_chart(frame, text=text, ax=ax))
        if record is not None:
            rel = record.reliability.copy()
            rel["scope"] = [
                dyad if s == "dyad" else text["tr_pooled"].format(n=record.n_dyads)
                for s in rel["scope"]
            ]
            scored = question_words(*record.headline, record.horizon, fig_lang)
            draw(
                "reliability.png",
                (5.5, 5),
                lambda ax: reliability_chart(
                    rel,
                    text=text,
                    ax=ax,
                    title=text["tv_reliability_of"].format(question=scored),
                ),
            )
    if font.name is None:
        font = FontChoice(None)
    ordered = [f for f in FIGURE_FILES if f in images]
    return font, {name: images[name] for name in ordered}


def _csv_tables(result: OutlookResult) -> dict[str, str]:
    out = {
        "forecast.csv": result.forecast_table.to_csv(index=False, float_format="%.4f"),
        "scenarios.csv": result.comparison.to_csv(float_format="%.4f"),
        "questions.csv": result.question_table.to_csv(index=False, float_format="%.4f"),
        "spread.csv": result.spread.to_csv(float_format="%.4f"),
    }
    if result.track_record is not None:
        out["track_record.csv"] = result.track_record.table.to_csv(
            index=False, float_format="%.5g"
        )
    return out


def _trust(record: TrackRecord | None, lang: str) -> dict[str, Any] | None:
    """The verdict of the track record for ``summary.json``: grades and the sentences."""
    if record is None:
        return None
    return {**record.verdict, "sentences": trust_sentences(record, lang)}


def _summary(result: OutlookResult, inp: ReportInputs, font: FontChoice) -> dict[str, Any]:
    job, table = result.job, result.comparison
    series = inp.series
    results = {}
    for key in table.index:
        row = table.loc[key]
        results[key] = {
            "p_cross": float(row["p_cross"]),
            "p_cross_se": float(row["p_cross_se"]),
            "median_end": float(row["median_end"]),
            "questions": [a.to_dict() for a in inp.answers[key]],
        }
    return {
        "generator": "relforecast outlook",
        "created": inp.created,
        "dyad": str(series.name),
        "as_of": str(inp.as_of),
        "data": {
            "first": str(series.index[0]),
            "last": str(series.index[-1]),
            "months": len(series),
            "sha256": inp.fingerprint,
            "synthetic": inp.synthetic,
        },
        "shocks_sha256": job.calendar.fingerprint() if job.calendar is not None else None,
        "window": job.window,
        "observed_months": [str(m) for m in inp.forecasts["baseline"].observed_index],
        "threshold": inp.threshold,
        "questions": [q.code for q in inp.questions],
        "model": {
            "name": inp.fit.name,
            "key": job.model_key,
            "params": {k: float(v) for k, v in inp.fit.params.items()},
            "diagnostics": list(inp.fit.diagnostics),
        },
        "n_paths": inp.n_paths,
        "seed": inp.seed,
        "lang": job.lang,
        "font": font.to_dict(),
        "scenarios": [s.to_dict() for s in job.scenarios],
        "results": results,
        "spread": {
            str(k): {c: (v if isinstance(v, str) else float(v)) for c, v in row.items()}
            for k, row in inp.spread.iterrows()
        },
        "track_record": inp.track_record.to_dict() if inp.track_record is not None else None,
        "trust": _trust(inp.track_record, job.lang),
        "recent_movement": result.recent_movement,
        "versions": inp.versions,
    }
