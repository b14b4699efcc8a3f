"""The report's content: one template source for ``report.html``, ``report.md`` and
``report.docx``.

:func:`build_document` turns the outlook's results (:class:`ReportInputs`) into a
:class:`~relforecast.report.document.Document`; every word comes from the label tables of
the report's language. The sections, in order:

1. summary — the headline question's answer, the median at the window's end, each scenario;
2. questions for the window — every question for the baseline and each scenario;
3. the figures — fan chart, the headline question by scenario, level probabilities;
4. scenario comparison, level probabilities at the window's end, the baseline by month;
5. **how far to trust this** — track record, model spread, scenario assumptions;
6. history and analogues; methods and data (the data source, the model's full specification —
   the only place it is written out; the text uses its short name —, the simulation, the
   model's diagnostics in words); reproducibility.

The wording follows the house style of :mod:`relforecast.editorial`: every block of a Chinese
document is passed through :func:`relforecast.editorial.fullwidth` when it is added.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from relforecast.editorial import fmt_date, fmt_range, fullwidth, short_model_name
from relforecast.events.movement import recent_movement
from relforecast.forecast import Forecast
from relforecast.graphics.labels import (
    dyad_label,
    fmt_diff,
    fmt_month,
    fmt_num,
    fmt_pct,
    fmt_pct_se,
    fmt_span,
    fmt_threshold,
    labels,
    model_label,
    shock_kind,
    shock_label,
    shock_shape,
)
from relforecast.questions import Answer, Question
from relforecast.report.changes import changes_blocks
from relforecast.report.document import Bullets, Document, Figure, Heading, Paragraph, Table
from relforecast.report.track_record import TrackRecord, estimation_origins, report_origins
from relforecast.report.verdict import (
    MIN_CASES,
    pct_range,
    question_words,
    verdict_sentences,
    verdict_summary,
)
from relforecast.scale import TSINGHUA_SCALE, as_scale
from relforecast.scenarios import Scenario

__all__ = [
    "FIGURE_FILES",
    "ReportInputs",
    "build_document",
    "count_word",
    "diagnostics_text",
    "fit_label",
    "fit_short_label",
    "levels_line",
    "named_levels",
    "question_text",
    "source_line",
    "trust_sentences",
    "window_text",
]

FIGURE_FILES = (
    "fan.png",
    "crossing.png",
    "levels.png",
    "history.png",
    "analogues.png",
    "reliability.png",
)


@dataclass
class ReportInputs:
    """Everything a report shows (results of :func:`relforecast.outlook`)."""

    series: pd.Series
    as_of: pd.Period
    window: tuple[pd.Period, pd.Period]
    threshold: float
    fit: Any
    forecasts: dict[str, Forecast]
    scenarios: dict[str, Scenario | None]
    questions: list[Question]
    answers: dict[str, list[Answer]]
    spread: pd.DataFrame
    track_record: TrackRecord | None
    track_record_config: Any
    assumptions: dict[str, list[dict[str, Any]]]
    n_paths: int
    seed: int
    created: str
    font: str | None
    versions: dict[str, str]
    fingerprint: str
    diagnostics: list[str] = field(default_factory=list)
    figures: tuple[str, ...] = FIGURE_FILES
    synthetic: bool = False
    changes: Any = None  # relforecast.report.edition.Changes of an update
    source_note: str | None = None
    track_record_kind: str = "table"  # supplied rows: "table" (a backtest file) or "record"


def window_text(window: tuple[pd.Period, pd.Period], lang: str) -> tuple[str, str]:
    """The window's first and last month as the report writes them."""
    return fmt_month(window[0], lang), fmt_month(window[1], lang)


def question_text(q: Question, words: dict[str, str], window_end: str, below_now: bool) -> str:
    """The question in words ("P(below −6 at least once in the window)")."""
    key = f"q_{q.kind}"
    if q.kind == "end-below" and below_now:
        key = "q_end-below_still"
    if q.kind == "ever-at-or-above" and not below_now:  # a better level: reached, not "back"
        key = "q_ever-at-or-above_reach"
    return words[key].format(t=fmt_threshold(q.threshold), last=window_end)


def _scenario_name(key: str, sc: Scenario | None, words: dict[str, str], lang: str) -> str:
    return words["baseline"] if sc is None else sc.display_name(lang)


def source_line(
    words: dict[str, str], note: str | None, synthetic: bool, scale: object = None
) -> str:
    """The report's data-source line: ``note`` when given; else the synthetic demo's, the
    Tsinghua database's for scores on its scale, or "not stated"."""
    if note:
        return note
    if synthetic:
        return words["synthetic"]
    if as_scale(scale) == TSINGHUA_SCALE:
        return words["source_tsinghua"]
    return words["source_unknown"]


def count_word(n: int, lang: str) -> str:
    """A small count as prose writes it before a measure word or noun (六个等级, 中国与两个国家;
    "six levels"); numbers above ten in digits."""
    if 1 <= n <= 10:
        if lang == "zh":
            return "一两三四五六七八九十"[n - 1]
        return "one two three four five six seven eight nine ten".split()[n - 1]
    return str(n)


def named_levels(scale: object) -> bool:
    """:attr:`relforecast.scale.Scale.named_levels` of ``scale`` as a report holds it (a
    model's ``scale`` attribute, ``None`` for none)."""
    return as_scale(scale).named_levels


def mc_note(words: dict[str, str], key: str, scale: object, n_paths: int) -> str:
    """The note on what the probabilities count: the published score, rounded to the scale's
    step (the Tsinghua wording with its example on a 0.1 grid), or the draws themselves on a
    continuous scale."""
    step = as_scale(scale).step
    if step is None:
        return words[f"{key}_continuous"].format(n_paths=f"{n_paths:,}")
    if np.isclose(step, 0.1):
        return words[key].format(n_paths=f"{n_paths:,}")
    return words[f"{key}_step"].format(n_paths=f"{n_paths:,}", step=f"{step:g}")


def levels_line(scale: object, lang: str) -> str:
    """The scale's range and the score range of each level, once per report: "分值范围为
    −9～+9，分为六个等级：对抗（−9.0～−6.1）、紧张（−6.0～−3.1）……" ("" for a scale without
    levels). A level is ``[lower, upper)``: on a grid of ``resolution`` it ends one step
    below ``upper``; the top level includes the scale's upper bound."""
    if not named_levels(scale):
        return ""
    sc = as_scale(scale)
    words = labels(lang)
    step = sc.resolution
    digits = 1 if step is None else max(0, -int(np.floor(np.log10(step) + 1e-9)))
    parts = []
    for i, lv in enumerate(sc.levels):
        top = i == len(sc.levels) - 1
        lo = fmt_num(lv.lower, digits)
        if step is None and not top:
            span = words["level_span_open"].format(lo=lo, hi=fmt_num(lv.upper, digits))
        else:
            hi = fmt_num(lv.upper if top else lv.upper - step, digits)
            span = fmt_range(lo, hi, lang) if lang == "zh" else f"{lo} to {hi}"
        parts.append(lv.label(lang) + _bracketed(span, lang))
    hi = fmt_num(sc.upper, 0)
    n = len(parts)
    return words["levels_line"].format(
        lo=fmt_num(sc.lower, 0),
        hi=f"+{hi}" if sc.upper > 0 else hi,
        n=count_word(n, lang),
        levels=("、" if lang == "zh" else ", ").join(parts),
    )


def _bracketed(text: str, lang: str) -> str:
    """`` (text)`` after a word, ``（text）`` in Chinese."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


def _answer_text(a: Answer, words: dict[str, str], lang: str) -> str:
    mark = _bracketed(words["observed_mark"], lang)
    if a.question.kind.startswith("first"):
        if a.observed is not None:
            return fmt_month(a.observed, lang) + mark
        if a.median_month is None:
            key = "first_none" if a.question.direction == "below" else "first_none_up"
            return words[key].format(p=fmt_pct(a.p))
        return words["first_month"].format(month=fmt_month(a.median_month, lang), p=fmt_pct(a.p))
    text = fmt_pct_se(a.p, a.se)
    return text + mark if a.observed is not None else text


def level_entered(direction: str | None, threshold: float, scale: object, lang: str) -> str | None:
    """The level a score enters by passing ``threshold`` in ``direction`` ("below": the level
    under a cut point; "at_or_above": the level from it up), or ``None`` when the threshold
    is no level boundary of ``scale``."""
    if direction is None or not named_levels(scale):
        return None
    sc = as_scale(scale)
    for i, lv in enumerate(sc.levels):
        if direction == "below" and i < len(sc.levels) - 1 and np.isclose(lv.upper, threshold):
            return lv.label(lang)
        if direction == "at_or_above" and i > 0 and np.isclose(lv.lower, threshold):
            return lv.label(lang)
    return None


def _level_cell(level: str, p: float, lang: str) -> str:
    """The level cell, "tension (83.7%)" / "紧张（83.7%）": one decimal, as everywhere."""
    return level + _bracketed(fmt_pct(p), lang)


def _level_words(fc: Forecast, lang: str) -> tuple[str, float]:
    probs = fc.level_probabilities(lang).iloc[-1]
    return str(probs.idxmax()), float(probs.max())


def _summary(inp: ReportInputs, words: dict[str, str], lang: str, below_now: bool) -> list:
    _, last = window_text(inp.window, lang)
    base = inp.forecasts["baseline"]
    head_q = inp.questions[0]
    head = inp.answers["baseline"][0]
    qtext = question_text(head_q, words, last, below_now)
    blocks: list = []
    if base.observed:
        values = [
            f"{fmt_month(m, lang)}为{fmt_num(v)}" if lang == "zh" else f"{m} {fmt_num(v)}"
            for m, v in zip(base.observed_index, base.paths[0, : base.observed], strict=True)
        ]
        blocks.append(
            Paragraph(
                words["observed_so_far"].format(
                    values="，".join(values) if lang == "zh" else ", ".join(values)
                )
            )
        )
    if head.observed is not None:
        event = words["event_below" if head_q.direction == "below" else "event_at_or_above"]
        headline = words["headline_observed"].format(
            question=qtext,
            event=event.format(t=fmt_threshold(head_q.threshold)),
            month=fmt_month(head.observed, lang),
        )
    else:
        headline = words["headline"].format(question=qtext, p=fmt_pct(head.p))
    sentences = [headline]
    level = level_entered(head_q.direction, head_q.threshold, getattr(inp.fit, "scale", None), lang)
    if level is not None:  # what passing the threshold means, in the scale's words
        sentences.append(
            words[
                "headline_level_back" if below_now else f"headline_level_{head_q.direction}"
            ].format(t=fmt_threshold(head_q.threshold), level=level)
        )
    worse = _worse_still(inp, below_now)
    if worse is not None:  # below the threshold: getting worse is the other question
        q, a = inp.questions[worse], inp.answers["baseline"][worse]
        p = fmt_pct(a.p)
        if a.observed is not None:
            p += _bracketed(words["observed_mark"], lang)
        sentences.append(
            words["headline_worse"].format(question=question_text(q, words, last, below_now), p=p)
        )
    # the verdict in one plain sentence; its statistics are in the trust section
    if _has_verdict(inp):
        sentences.append(verdict_summary(inp.track_record.verdict, lang))
    blocks.append(Paragraph(join_sentences(sentences, lang), "headline"))
    q10, med, q90 = np.quantile(base.paths[:, -1], [0.1, 0.5, 0.9])
    median = {"last": last, "med": fmt_num(med), "lo": fmt_num(q10), "hi": fmt_num(q90)}
    if named_levels(base.scale):
        level, p_level = _level_words(base, lang)
        median_text = words["median_sentence"].format(
            **median, level=level, p_level=fmt_pct(p_level)
        )
    else:  # one span, no named level: "most likely level (100 %)" would say nothing
        median_text = words["median_sentence_plain"].format(**median)
    blocks.append(Paragraph(median_text))
    sentences = []
    for key, sc in inp.scenarios.items():
        if sc is None:
            continue
        d, _ = head_q.difference(inp.forecasts[key], base)
        a = inp.answers[key][0]
        sentences.append(
            words["scenario_sentence"].format(
                name=sc.display_name(lang), p=fmt_pct(a.p), diff=_plain_diff(d, lang)
            )
        )
    if sentences:
        blocks.append(Paragraph(words["scenarios_lead"]))
        blocks.append(Bullets(tuple(sentences)))
    return blocks


def _worse_still(inp: ReportInputs, below_now: bool) -> int | None:
    """Position of the "worse still" question (below a point under the threshold at least
    once) of a dyad already below the threshold, asked next to its recovery headline."""
    if not below_now:
        return None
    return next(
        (
            i
            for i, q in enumerate(inp.questions)
            if i > 0 and q.kind == "ever-below" and q.threshold < inp.threshold
        ),
        None,
    )


def _has_verdict(inp: ReportInputs) -> bool:
    return inp.track_record is not None and bool(inp.track_record.verdict)


def _plain_diff(d: float, lang: str) -> str:
    """A difference of probabilities in points without its Monte Carlo error (the summary's
    plain words; the tables give the error): ``+21.7`` / ``高21.7``."""
    if lang == "zh":
        return f"{'高' if d >= 0 else '低'}{100 * abs(d):.1f}"
    return f"{'+' if d >= 0 else '−'}{100 * abs(d):.1f}"


def _questions_table(inp: ReportInputs, words: dict[str, str], lang: str, below_now: bool):
    _, last = window_text(inp.window, lang)
    names = [_scenario_name(k, sc, words, lang) for k, sc in inp.scenarios.items()]
    rows = []
    for i, q in enumerate(inp.questions):
        cells = [question_text(q, words, last, below_now)]
        cells += [_answer_text(inp.answers[k][i], words, lang) for k in inp.scenarios]
        rows.append(tuple(cells))
    return Table((words["question"], *names), tuple(rows))


def _comparison_tables(
    inp: ReportInputs, words: dict[str, str], lang: str, below_now: bool
) -> tuple[Table, Table | None]:
    """The scenario comparison, and the level probabilities at the window's end (``None`` on a
    scale without named levels, where the comparison has no level column either)."""
    _, last = window_text(inp.window, lang)
    head_q = inp.questions[0]
    base = inp.forecasts["baseline"]
    qtext = question_text(head_q, words, last, below_now)
    levels = named_levels(base.scale)
    columns = (
        words["col_scenario"],
        words["col_happens"],
        qtext,
        words["col_diff"],
        words["col_median_end"],
        words["col_interval_end"],
        *((words["col_level_end"],) if levels else ()),
    )
    rows, level_rows = [], []
    for key, sc in inp.scenarios.items():
        fc = inp.forecasts[key]
        a = inp.answers[key][0]
        d, dse = head_q.difference(fc, base)
        q10, med, q90 = np.quantile(fc.paths[:, -1], [0.1, 0.5, 0.9])
        row = (
            _scenario_name(key, sc, words, lang),
            fmt_pct(sc.probability, 0) if sc is not None else words["none"],
            _answer_text(a, words, lang),
            words["none"] if sc is None else words["pp"].format(diff=fmt_diff(d, dse)),
            fmt_num(med),
            fmt_range(fmt_num(q10), fmt_num(q90), lang),
        )
        if levels:
            level, p_level = _level_words(fc, lang)
            row = (*row, _level_cell(level, p_level, lang))
            probs = fc.level_probabilities(lang).iloc[-1]
            level_rows.append((row[0], *(fmt_pct(v) for v in probs)))
        rows.append(row)
    align = ("left", "right", "right", "right", "right", "right", "left")[: len(columns)]
    comparison = Table(columns, tuple(rows), align=align)
    if not levels:
        return comparison, None
    level_names = tuple(base.level_probabilities(lang).columns)
    return comparison, Table((words["col_scenario"], *level_names), tuple(level_rows))


def _monthly_table(inp: ReportInputs, words: dict[str, str], lang: str) -> Table:
    base = inp.forecasts["baseline"]
    # the threshold of the dyad's own headline question (China–UK at −3.0: −3, not −6), and
    # its direction: falling below it, or — for a dyad below it, whose "below it at least
    # once by then" is ~1 and says nothing — having come back to it
    head = inp.questions[0]
    threshold = head.threshold if head.direction is not None else inp.threshold
    t = fmt_threshold(threshold)
    q = base.quantiles([0.1, 0.5, 0.9])
    below = base.prob_below(threshold)
    below_now = float(inp.series.iloc[-1]) < inp.threshold  # the recovery question
    up = head.direction == "at_or_above" and not below_now  # reaching a better level
    crossed = base.prob_cross_curve(threshold, "at_or_above" if below_now or up else "below")
    level = base.most_likely_level(lang) if named_levels(base.scale) else None
    rows = []
    for i, month in enumerate(base.index):
        observed = i < base.observed
        rows.append(
            (
                fmt_month(month, lang),
                words["status_observed" if observed else "status_forecast"],
                fmt_num(q.iloc[i, 1]),
                words["none"]
                if observed
                else fmt_range(fmt_num(q.iloc[i, 0]), fmt_num(q.iloc[i, 2]), lang),
                # an observed month has a score, not a probability
                words["none"] if observed else fmt_pct(1 - below.iloc[i] if up else below.iloc[i]),
                words["none"] if observed else fmt_pct(crossed.iloc[i]),
                *((str(level.iloc[i]),) if level is not None else ()),
            )
        )
    columns = (
        words["col_month"],
        words["col_status"],
        words["col_median"],
        words["col_interval"],
        words["col_p_at_or_above" if up else "col_p_below"].format(t=t),
        words[
            "col_p_back_by" if below_now else "col_p_reached_by" if up else "col_p_crossed"
        ].format(t=t),
        *((words["col_level"],) if level is not None else ()),
    )
    align = ("left", "left", "right", "right", "right", "right", "left")[: len(columns)]
    return Table(columns, tuple(rows), align=align)


def condense(diagnostics: list[str]) -> list[str]:
    """Diagnostics with repeats merged: messages that differ only in a quoted name (one per
    shock) become one line with the count."""
    groups: dict[str, list[str]] = {}
    for d in diagnostics:
        key = re.sub(r"'[^']*'", "'…'", d)
        groups.setdefault(key, []).append(d)
    out = []
    for key, items in groups.items():
        out.append(items[0] if len(items) == 1 else f"{key} (×{len(items)})")
    return out


def join_sentences(parts: list[str], lang: str) -> str:
    """Sentences joined as the language writes them (no space after a Chinese full stop)."""
    return ("" if lang == "zh" else " ").join(parts)


def trust_sentences(tr: TrackRecord | None, lang: str) -> list[str]:
    """The track record's verdict in plain words (none without a track record)."""
    if tr is None or not tr.verdict:
        return []
    return verdict_sentences(tr.verdict, tr.horizon, tr.n_dyads, lang, dyad=tr.dyad)


def _schedule(inp: ReportInputs, tr: TrackRecord, words: dict[str, str], lang: str) -> str:
    """How the report-time backtest made its forecasts: where the model was estimated."""
    cfg = inp.track_record_config
    if cfg.refit_every <= 1:
        return words["tr_refit_all"]
    scored = sorted(set(tr.table["origin"].astype(str)))
    origins = [str(o) for o in report_origins(inp.as_of, cfg) if str(o) in scored]
    months = [fmt_month(o, lang) for o in estimation_origins(origins, cfg.refit_every)]
    if len(months) == 1:
        estimated = months[0]
    elif lang == "zh":
        estimated = "、".join(months[:-1]) + "和" + months[-1]
    else:
        estimated = ", ".join(months[:-1]) + " and " + months[-1]
    return words["tr_refit_some"].format(estimated=estimated)


def _scope_name(
    scope: str, tr: TrackRecord, words: dict[str, str], this: str, dyads: float | None = None
) -> str:
    """The dyad's own name, or the pooled dyads — saying how many of them had cases when
    fewer than all did (``dyads``)."""
    if scope == "dyad":
        return this
    if dyads is not None and not pd.isna(dyads) and 0 < int(dyads) < tr.n_dyads:
        return words["tr_pooled_some"].format(n=tr.n_dyads, k=int(dyads))
    return words["tr_pooled"].format(n=tr.n_dyads)


def _same_as_dyad(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Pooled rows whose cases all come from one dyad and equal the dyad's own row (same
    ``keys`` and ``cases``): a repeat of the dyad's row, left out of the tables."""
    mine = frame[frame["scope"] == "dyad"]
    own = {tuple(r[k] for k in [*keys, "cases"]) for _, r in mine.iterrows()}
    return frame.apply(
        lambda r: (
            r["scope"] == "pooled"
            and r.get("dyads", 0) == 1
            and tuple(r[k] for k in [*keys, "cases"]) in own
        ),
        axis=1,
    ).astype(bool)


def _period_name(period: str, tr: TrackRecord, words: dict[str, str], lang: str) -> str:
    if period == "recent":
        return words["tv_period_recent_short"].format(first=fmt_month(tr.recent_from, lang))
    return words["tv_period_all_short"]


def _pct_range(share: float, lo: float, hi: float, lang: str) -> str:
    inner = pct_range(lo, hi, lang)
    return fmt_pct(share, 0) + _bracketed(inner, lang)


def _track_record_blocks(inp: ReportInputs, words: dict[str, str], lang: str) -> list:
    tr = inp.track_record
    blocks: list = [Heading(words["track_record"], 3)]
    if tr is None:
        return [*blocks, Paragraph(words["tr_none"])]
    first, last = fmt_month(tr.origins[0], lang), fmt_month(tr.origins[1], lang)
    n_origins = int(tr.table.loc[tr.table["h"] == tr.horizon, "origin"].nunique())
    model = fit_short_label(inp.fit, lang)
    this = dyad_label(inp.series.name, lang, short=lang != "zh")
    if tr.source == "computed":
        cfg = inp.track_record_config
        text = words["tr_computed"].format(
            model=model,
            n_origins=n_origins,
            first=first,
            last=last,
            every=cfg.every,
            horizon=cfg.horizon,
            n_dyads=tr.n_dyads,
            refit=_schedule(inp, tr, words, lang),
        )
    else:  # rows read from a table: named by where they come from, never by file name
        key = (
            "tr_previous"
            if inp.changes is not None
            else "tr_record"
            if inp.track_record_kind == "record"
            else "tr_file"
        )
        text = words[key].format(
            model=model,
            n_origins=n_origins,
            first=first,
            last=last,
            n_dyads=tr.n_dyads,
            as_of=fmt_month(inp.as_of, lang),
        )
    blocks.append(Paragraph(text))
    blocks.append(Paragraph(join_sentences(trust_sentences(tr, lang), lang), "headline"))
    h = tr.horizon
    rows = []
    for _, row in tr.coverage.iterrows():
        n = int(row["n"])
        rows.append(
            (
                _scope_name(row["scope"], tr, words, this),
                _period_name(row["period"], tr, words, lang),
                f"{n}",
                _pct_range(row["share"], row["lower"], row["upper"], lang) if n else words["none"],
                fmt_pct(row["cov50"], 0) if n else words["none"],
                words[f"tv_grade_{row['grade']}"],
            )
        )
    blocks.append(Heading(words["tv_heading_coverage"], 4))
    blocks.append(
        Table(
            (
                words["tr_scope"],
                words["tv_period"],
                words["tv_forecasts"],
                words["tr_cov80"].format(h=h),
                words["tr_cov50"].format(h=h),
                words["tv_verdict"],
            ),
            tuple(rows),
            align=("left", "left", "right", "right", "right", "left"),
        )
    )
    q_rows = []
    crossing = tr.crossing
    if len(crossing) and "dyads" in crossing:
        crossing = crossing[~_same_as_dyad(crossing, ["period", "question", "threshold"])]
    for _, row in crossing.iterrows():
        q_rows.append(
            (
                question_words(row["question"], row["threshold"], h, lang),
                _scope_name(row["scope"], tr, words, this, row.get("dyads")),
                _period_name(row["period"], tr, words, lang),
                f"{int(row['cases'])}",
                f"{int(row['events'])}",
                fmt_pct(row["forecast"]),
                _pct_range(row["observed"], row["lower"], row["upper"], lang),
                f"{row['brier']:.3f}",
                words[f"tv_grade_{row['grade']}"],
            )
        )
    if q_rows:
        blocks.append(Heading(words["tv_heading_questions"], 4))
        blocks.append(
            Table(
                (
                    words["question"],
                    words["tr_scope"],
                    words["tv_period"],
                    words["tv_cases"],
                    words["tv_events"],
                    words["rel_forecast"],
                    words["tv_observed"],
                    words["tv_brier"],
                    words["tv_verdict"],
                ),
                tuple(q_rows),
                align=("left", "left", "left", "right", "right", "right", "right", "right", "left"),
            )
        )
    rel_rows = []
    reliability = tr.reliability
    if len(reliability) and "dyads" in reliability:
        pooled = reliability[reliability["scope"] == "pooled"]
        if len(pooled) and int(pooled["dyads"].max()) <= 1:
            mine = reliability[reliability["scope"] == "dyad"]
            if pooled["cases"].sum() == mine["cases"].sum():  # the dyad's own cases only
                reliability = mine
    for _, row in reliability.iterrows():
        if row["cases"] == 0:
            continue
        bin_text = pct_range(row["lower"], row["upper"], lang)
        rel_rows.append(
            (
                _scope_name(row["scope"], tr, words, this),
                bin_text,
                fmt_pct(row["forecast"]),
                fmt_pct(row["observed"]),
                f"{int(row['cases'])}",
            )
        )
    head = question_words(tr.headline[0], tr.headline[1], h, lang)
    if rel_rows:
        blocks.append(Heading(words["tv_reliability_of"].format(question=head), 4))
        blocks.append(
            Table(
                (
                    words["tr_scope"],
                    words["rel_bin"],
                    words["rel_forecast"],
                    words["rel_observed"],
                    words["rel_cases"],
                ),
                tuple(rel_rows),
                align=("left", "left", "right", "right", "right"),
            )
        )
        if "reliability.png" in inp.figures:
            # the heading above names the question: the caption says how to read the figure
            blocks.append(Figure("reliability.png", words["caption_reliability"]))
    blocks.append(Paragraph(words["tr_reading"], "note"))
    blocks.append(Paragraph(words["tv_rule"].format(min=MIN_CASES), "note"))
    return blocks


def _spread_blocks(inp: ReportInputs, words: dict[str, str], lang: str, below_now: bool):
    _, last = window_text(inp.window, lang)
    qtext = question_text(inp.questions[0], words, last, below_now)
    roles = {"model": "role_model", "component": "role_component", "baseline": "role_baseline"}
    rows = []
    names = [str(name).split(" (")[0] for name in inp.spread.index]
    labels_ = [
        fit_short_label(inp.fit, lang)
        if role == "model"
        else model_label(name.removesuffix(" in steps"), lang)
        for name, role in zip(names, inp.spread["role"], strict=True)
    ]
    plain = list(labels_)
    for i, (name, label) in enumerate(zip(names, plain, strict=True)):
        if plain.count(label) > 1:  # a member in 0.1 steps and the same model unrounded
            key = "spread_in_steps" if name.endswith(" in steps") else "spread_continuous"
            labels_[i] = words[key].format(model=label)
    for label, (_, row) in zip(labels_, inp.spread.iterrows(), strict=True):
        rows.append(
            (
                label,
                words[roles[row["role"]]],
                fmt_pct_se(row["p"], row["se"]),
                fmt_num(row["median_end"]),
                fmt_range(fmt_num(row["q10_end"]), fmt_num(row["q90_end"]), lang),
            )
        )
    table = Table(
        (
            words["col_model"],
            words["col_role"],
            qtext,
            words["col_median_end"],
            words["col_interval_end"],
        ),
        tuple(rows),
        align=("left", "left", "right", "right", "right"),
    )
    lo, hi = inp.spread["p"].min(), inp.spread["p"].max()
    # the block bootstrap is named here first: said in plain words once
    block = any(n.startswith("block-bootstrap") for n in names)
    intro = join_sentences([words["spread_intro"], words["block_note"]], lang)
    return [
        Heading(words["model_spread"], 3),
        Paragraph(intro if block else words["spread_intro"]),
        table,
        Paragraph(words["spread_range"].format(question=qtext, lo=fmt_pct(lo), hi=fmt_pct(hi))),
    ]


def _assumption_blocks(inp: ReportInputs, words: dict[str, str], lang: str):
    blocks: list = [Heading(words["assumptions"], 3), Paragraph(words["assumptions_intro"])]
    rows = []
    for key, sc in inp.scenarios.items():
        if sc is None:
            continue
        effects = inp.assumptions.get(key, [])
        shocks = {s.label: s for s in sc.shocks}
        if not effects:
            rows.append(
                (
                    sc.display_name(lang),
                    sc.display_description(lang),
                    fmt_pct(sc.probability, 0),
                    words["no_shocks"],
                    words["none"],
                    words["none"],
                    words["none"],
                    words["none"],
                )
            )
        for e in effects:
            shock = shocks[e["label"]]
            kind = shock_kind(e["kind"], lang)
            if lang == "zh":
                name = f"{kind}：{shock.name_zh}" if shock.name_zh else kind
            else:
                name = kind if shock.name is None else f"{kind}: {shock.name}"
            source = (
                words["source_judgmental"]
                if e["source"] == "judgmental"
                else words["source_estimated"].format(n=e.get("n_past", 0))
            )
            rows.append(
                (
                    sc.display_name(lang),
                    sc.display_description(lang),
                    fmt_pct(sc.probability, 0),
                    name,
                    fmt_month(e["start"], lang),
                    shock_shape(shock.shape, lang, shock.rate, shock.length),
                    f"{fmt_num(e['mean'], 2)} ± {e['sd']:.2f}",
                    source,
                )
            )
    if not rows:
        return [*blocks, Paragraph(words["no_scenarios"])]
    columns = (
        words["col_scenario"],
        words["col_description"],
        words["col_probability"],
        words["col_shock"],
        words["col_start"],
        words["col_shape"],
        words["col_effect"],
        words["col_source"],
    )
    align = ("left", "left", "right", "left", "left", "left", "right", "left")
    return [*blocks, Table(columns, tuple(rows), align=align)]


def build_document(inp: ReportInputs, lang: str) -> Document:
    """The report of ``inp`` in ``lang`` ("en" or "zh")."""
    words = labels(lang)
    first, last = window_text(inp.window, lang)
    below_now = float(inp.series.iloc[-1]) < inp.threshold
    dyad = dyad_label(inp.series.name, lang)
    doc = Document(words["title"].format(dyad=dyad, first=first, last=last), lang, font=inp.font)
    doc.add(
        Paragraph(
            words["meta"].format(
                as_of=fmt_month(inp.as_of, lang),
                model=fit_short_label(inp.fit, lang),
                n_paths=f"{inp.n_paths:,}",
                seed=inp.seed,
                created=fmt_date(inp.created, lang),
            ),
            "meta",
        ),
        Paragraph(
            source_line(words, inp.source_note, inp.synthetic, getattr(inp.fit, "scale", None)),
            "meta",
        ),
    )
    levels = levels_line(getattr(inp.fit, "scale", None), lang)
    if levels:
        doc.add(Paragraph(levels, "meta"))
    doc.add(Heading(words["summary"]), *_summary(inp, words, lang, below_now))
    if inp.changes is not None:
        names = {k: _scenario_name(k, sc, words, lang) for k, sc in inp.scenarios.items()}
        qtext_changes = question_text(inp.changes.question, words, last, below_now)
        doc.add(*changes_blocks(inp.changes, words, lang, qtext_changes, names))
    doc.add(Heading(words["recent"]), Paragraph(recent_movement(inp.series, 12, lang).text))
    doc.add(Heading(words["questions"]), _questions_table(inp, words, lang, below_now))
    qtext = question_text(inp.questions[0], words, last, below_now)
    # "by scenario" only when there are scenarios besides the baseline
    any_scenario = any(sc is not None for sc in inp.scenarios.values())
    crossing_key = "figures_crossing" if any_scenario else "figures_crossing_baseline"
    scale = getattr(inp.fit, "scale", None)
    doc.add(
        Figure("fan.png", words["figures_fan"]),
        Figure("crossing.png", words[crossing_key].format(question=qtext)),
        *((Figure("levels.png", words["figures_levels"]),) if named_levels(scale) else ()),
    )
    comparison, levels_end = _comparison_tables(inp, words, lang, below_now)
    doc.add(Heading(words["scenarios"]), comparison)
    if levels_end is not None:
        doc.add(Heading(words["levels_end"]), levels_end)
    doc.add(Heading(words["forecast_table"]), _monthly_table(inp, words, lang))
    doc.add(Heading(words["trust"]), Paragraph(words["trust_intro"]))
    doc.add(*_track_record_blocks(inp, words, lang))
    doc.add(*_spread_blocks(inp, words, lang, below_now))
    doc.add(*_assumption_blocks(inp, words, lang))
    has_shocks = len(getattr(inp.fit, "calendar", None) or ()) > 0
    if named_levels(scale):
        n_levels = count_word(len(as_scale(scale).levels), lang)
        history_title = words["figures_history"].format(n=n_levels)
        series = words["history_series"].format(n=n_levels)
    else:
        history_title, series = words["figures_history_plain"], words["history_series_plain"]
    caption = words["caption_history" if has_shocks else "caption_history_plain"]
    doc.add(  # captions say what is drawn; the headings above name the figures
        Heading(history_title),
        Figure("history.png", caption.format(series=series)),
        Heading(words["figures_analogues"]),
        Figure("analogues.png", words["caption_analogues"]),
    )
    notes = [
        words["model_note"].format(model=fit_label(inp.fit, lang)),
        mc_note(words, "mc_note", getattr(inp.fit, "scale", None), inp.n_paths),
    ]
    if inp.window[0] > inp.as_of + 1:
        notes.append(words["gap_note"].format(as_of=fmt_month(inp.as_of, lang)))
    calendar = getattr(inp.fit, "calendar", None) or ()
    shocks = zip(_labels(calendar), calendar, strict=True)
    names = {label: shock_label(s, lang) for label, s in shocks}
    notes += diagnostics_text(inp.diagnostics, words, lang, names)
    doc.add(Heading(words["notes"]), Bullets(tuple(notes)))
    versions = ", ".join(f"{k} {v}" for k, v in inp.versions.items())
    rows = (
        (
            words["rep_data"],
            words["rep_data_value"].format(
                first=fmt_month(inp.series.index[0], lang),
                last=fmt_month(inp.series.index[-1], lang),
                months=len(inp.series),
            ),
        ),
        (words["rep_fingerprint"], inp.fingerprint),
        (words["rep_window"], fmt_span(inp.window[0], inp.window[1], lang)),
        (words["rep_model"], fit_short_label(inp.fit, lang)),
        (words["rep_paths"], f"{inp.n_paths:,}"),
        (words["rep_seed"], str(inp.seed)),
        (words["rep_font"], inp.font or words["default_font"]),
        (words["rep_versions"], versions),
    )
    doc.add(
        Heading(words["reproduce"]),
        Table((words["rep_item"], words["rep_value"]), rows, align=("left", "left")),
    )
    return doc


def _labels(calendar: Any) -> list[str]:
    """The calendar's shock labels (as the fits name their columns), one per shock."""
    labels_ = getattr(calendar, "labels", None)
    return list(labels_) if labels_ is not None else [s.label for s in calendar]


def fit_label(fit: Any, lang: str) -> str:
    """The fitted model's full description, with the pool's weights when it has them (the
    methods note: written once in a report)."""
    weights = getattr(fit, "weights", None)
    text = model_label(fit.name, lang, weights=None if weights is None else list(weights))
    return fullwidth(text) if lang == "zh" else text


def fit_short_label(fit: Any, lang: str) -> str:
    """The fitted model's short name for the report's sentences and tables."""
    weights = getattr(fit, "weights", None)
    return short_model_name(fit.name, lang, weights=None if weights is None else list(weights))


_SHOCK_CONSTANT = re.compile(
    r"(?:(?P<model>.+?): )?shock '(?P<shock>[^']*)' is constant over the fitting span; its "
    r"effect is not estimated \(set to 0\)"
)
_WEIGHTS = re.compile(r"weights learned from (?P<n>\d+) replayed forecast months")
#: Other messages of the fits, said in words in Chinese (English keeps the message itself).
_KNOWN_ZH = (
    (
        re.compile(r"(?:.+?: )?regime\(s\) .+ sit at the resolution variance floor .*"),
        "马尔可夫转换模型中波动最小的状态，其月度变动小于分值精度（0.1分）："
        "处于该状态的月份，公布分值基本不变。",
    ),
    (
        re.compile(r"(?:.+?: )?the log-likelihood cannot be evaluated next to the estimate.*"),
        "马尔可夫转换模型的某个状态转移概率估计为0或1，模拟时的参数抽样改用点估计值。",
    ),
    (
        re.compile(r"(?:.+?: )?the log-likelihood is flat or not concave.*"),
        "马尔可夫转换模型的似然函数在估计值附近的某一方向上平坦，模拟时的参数抽样不考虑该方向。",
    ),
    (
        re.compile(r"(?:.+?: )?optimiser did not report convergence"),
        "部分成员模型的参数优化未报告收敛，其结果应审慎看待。",
    ),
)


def diagnostics_text(
    diagnostics: list[str],
    words: dict[str, str],
    lang: str,
    shock_names: Mapping[str, str] | None = None,
) -> list[str]:
    """The model's diagnostics as sentences for the methods note.

    The messages the report knows are said in words of the report's language — learned pool
    weights; shocks whose effect could not be estimated because they are constant over a
    member's fitting span (one sentence for all); a regime at the variance floor, an
    unevaluable or flat likelihood, an optimiser without convergence. The others: in English
    each once (:func:`condense`); a Chinese report leaves them out (a reader could not act on
    an untranslated message; ``summary.json`` keeps them all under ``model.diagnostics``).
    ``shock_names`` maps a shock's label to its name in ``lang`` (its Chinese name, from
    :func:`relforecast.graphics.labels.shock_label`); a shock not in it is named by its month.
    """
    zh = lang == "zh"
    out, constant, other = [], [], []
    for d in diagnostics:
        if m := _WEIGHTS.fullmatch(d):
            out.append(
                f"组合权重依据本序列过去{m['n']}个月的回放预测确定。"
                if zh
                else f"The pool's weights were learned from {m['n']} replayed forecast months."
            )
        elif m := _SHOCK_CONSTANT.fullmatch(d):
            month = re.search(r"\d{4}-\d{2}", m["shock"])
            if zh and m["shock"] in (shock_names or {}):
                constant.append(shock_names[m["shock"]] + "这一冲击")
            elif zh:
                constant.append(f"{fmt_month(month.group(0), 'zh')}的冲击" if month else "冲击")
            else:
                constant.append(month.group(0) if month else m["shock"])
        elif zh and (said := next((t for p, t in _KNOWN_ZH if p.fullmatch(d)), None)):
            if said not in out:
                out.append(said)
        else:
            other.append(d)
    if constant:
        months = list(dict.fromkeys(constant))
        shown = "、".join(months[:3]) if zh else ", ".join(months[:3])
        if zh:
            which = shown if len(months) <= 3 else f"{shown}等{len(months)}次冲击"
            out.append(
                f"{which}发生在部分成员模型的拟合时段之外，这些模型无法估计其效应，按0计。"
            )
        else:
            which = shown if len(months) <= 3 else f"{shown} and {len(months) - 3} more"
            out.append(
                f"The shocks of {which} do not vary over some members' fitting span: their "
                "effect could not be estimated and counts as 0."
            )
    if other and not zh:
        out += [words["diagnostics"].format(text=d) for d in condense(other)]
    return out
