"""The trust verdict: do past forecasts of the report's model deserve the stated confidence?

Two kinds of evidence come out of a track record (:mod:`relforecast.report.track_record`):

* **interval coverage** — of ``n`` past forecasts, ``k`` had the outcome inside their 80 %
  interval. The share ``k / n`` carries its own sampling uncertainty, given as a 95 % Wilson
  score interval (``statsmodels.stats.proportion.proportion_confint``, ``method="wilson"``);
* **probabilities of a question** (e.g. P(below −6 within 12 months)), one threshold and one
  kind at a time, never pooled across thresholds: ``n`` cases, ``k`` of them happened, the mean
  forecast probability against the observed frequency ``k / n`` with its Wilson interval, and
  the Brier score.

The grade (:func:`coverage_grade`, :func:`probability_grade`) follows one rule: the nominal
value (0.8 for the 80 % interval, the mean forecast probability for a question) is compared
with the 95 % interval of the observed share. The whole interval below it: *too narrow*
(resp. *too high*); above it: *too wide* (resp. *too low*) — whatever the number of cases,
since the Wilson interval already widens with few of them (4 of 8 held gives 22 %–78 %, which
excludes 80 %: too narrow). Inside it: *well calibrated* (resp. *in line*) with at least
:data:`MIN_CASES` cases, else *too little evidence to say*: a few cases that do not contradict
the nominal value do not confirm it either.

:func:`verdict_sentences` writes the result in plain words in English or Chinese (the words are
in :mod:`relforecast.graphics.labels`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from relforecast.graphics.labels import dyad_label, fmt_month, fmt_pct, fmt_threshold, labels

__all__ = [
    "CONFIDENCE",
    "MIN_CASES",
    "NOMINAL",
    "RECENT_YEARS",
    "coverage_grade",
    "pct_range",
    "probability_grade",
    "question_words",
    "verdict",
    "verdict_sentences",
    "verdict_summary",
    "wilson",
]

#: Fewer cases than this, and a Wilson interval that contains the nominal value: too little
#: evidence to call the forecasts calibrated.
MIN_CASES = 10
#: Confidence of the interval around an observed share.
CONFIDENCE = 0.95
#: The interval whose coverage is graded.
NOMINAL = 0.8
#: The "recent" period: origins in the last this many years before the as-of month.
RECENT_YEARS = 10


def wilson(hits: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval of the share ``hits / n`` (``(0, 1)`` when ``n`` is 0)."""
    if n <= 0:
        return 0.0, 1.0
    lo, hi = proportion_confint(int(hits), int(n), alpha=1 - confidence, method="wilson")
    # at 0 or n hits one end is 0 or 1 up to rounding: make it exact
    return (0.0 if hits == 0 else float(lo)), (1.0 if hits == n else float(hi))


def coverage_grade(hits: int, n: int, nominal: float = NOMINAL) -> str:
    """``"too_little"``, ``"too_narrow"``, ``"too_wide"`` or ``"well_calibrated"``.

    Intervals that held the outcome in fewer cases than ``nominal`` allows (the whole Wilson
    interval of ``hits / n`` below ``nominal``) are too narrow; in more, too wide, at any
    ``n`` > 0. An interval containing ``nominal`` is "well calibrated" from :data:`MIN_CASES`
    forecasts on, "too little" evidence below.
    """
    if n <= 0:
        return "too_little"
    lo, hi = wilson(hits, n)
    if hi < nominal:
        return "too_narrow"
    if lo > nominal:
        return "too_wide"
    return "well_calibrated" if n >= MIN_CASES else "too_little"


def probability_grade(events: int, n: int, mean_forecast: float) -> str:
    """``"too_little"``, ``"too_high"``, ``"too_low"`` or ``"in_line"``: the mean forecast
    probability against the Wilson interval of the observed frequency ``events / n`` (outside
    it: graded at any ``n`` > 0; inside: "in_line" from :data:`MIN_CASES` cases on)."""
    if n <= 0:
        return "too_little"
    lo, hi = wilson(events, n)
    if mean_forecast > hi:
        return "too_high"
    if mean_forecast < lo:
        return "too_low"
    return "in_line" if n >= MIN_CASES else "too_little"


def question_words(question: str, threshold: float, horizon: int, lang: str) -> str:
    """The scored question in words: "P(below −6 within 12 months)"."""
    key = "tv_q_back_above" if question == "back_above" else "tv_q_cross"
    return labels(lang)[key].format(t=fmt_threshold(threshold), h=horizon)


def _pick(frame: pd.DataFrame, **match: Any) -> pd.Series | None:
    rows = frame
    for k, v in match.items():
        rows = rows[rows[k] == v]
    return rows.iloc[0] if len(rows) else None


def verdict(coverage: pd.DataFrame, crossing: pd.DataFrame, headline: tuple[str, float]) -> dict:
    """The verdict of a track record: which scope and period it rests on, and the grades.

    The evidence is the widest scope the table has (all dyads pooled when there are several,
    else the dyad) over the recent period (origins in the last :data:`RECENT_YEARS` years)
    when it holds at least :data:`MIN_CASES` forecasts, else over all origins. Returns a plain
    dict (``summary.json``'s ``trust``).
    """
    scope = "pooled" if (coverage["scope"] == "pooled").any() else "dyad"
    recent = _pick(coverage, scope=scope, period="recent")
    period = "recent" if recent is not None and recent["n"] >= MIN_CASES else "all"
    cov = _pick(coverage, scope=scope, period=period)
    question, threshold = headline
    prob = _pick(crossing, scope=scope, period=period, question=question, threshold=threshold)
    out: dict[str, Any] = {
        "rule": (
            f"the nominal value against the {CONFIDENCE:.0%} Wilson interval of the observed "
            f"share: outside it, graded at any number of cases; inside it, calibrated from "
            f"{MIN_CASES} cases on, else too little evidence"
        ),
        "scope": scope,
        "period": period,
        "coverage": None if cov is None else {k: _plain(v) for k, v in cov.items()},
        "headline": {"question": question, "threshold": threshold},
        "probability": None if prob is None else {k: _plain(v) for k, v in prob.items()},
    }
    mine = _pick(coverage, scope="dyad", period=period)
    out["dyad_coverage"] = (
        None if mine is None or scope == "dyad" else {k: _plain(v) for k, v in mine.items()}
    )
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, str) or v is None:
        return v
    return None if pd.isna(v) else float(v)


def pct_range(lo: float, hi: float, lang: str) -> str:
    """``42%–68%`` / ``42%～68%`` (the house style of a range in Chinese)."""
    return (
        f"{fmt_pct(lo, 0)}～{fmt_pct(hi, 0)}"
        if lang == "zh"
        else f"{fmt_pct(lo, 0)}–{fmt_pct(hi, 0)}"
    )


def verdict_sentences(
    v: dict, horizon: int, n_dyads: int, lang: str, dyad: str | None = None
) -> list[str]:
    """The verdict in plain words: the intervals, then the headline question's probabilities.

    ``dyad`` names the report's dyad in the sentence on its own intervals ("中日关系"; "this
    dyad" without it)."""
    words = labels(lang)
    out = []
    scope = (
        words["tv_scope_pooled"].format(n=n_dyads)
        if v["scope"] == "pooled"
        else words["tv_scope_dyad"]
    )
    cov = v["coverage"]
    if cov is not None and cov["n"]:
        text = words["tv_coverage"].format(
            share=fmt_pct(cov["share"], 0),
            n=int(cov["n"]),
            scope=scope,
            first=fmt_month(cov["first"], lang),
            last=fmt_month(cov["last"], lang),
            range=pct_range(cov["lower"], cov["upper"], lang),
            grade=words[f"tv_cov_{cov['grade']}"],
        )
        mine = v.get("dyad_coverage")
        if mine is not None and mine["n"]:
            text += words["tv_coverage_dyad"].format(
                dyad=words["tv_this_dyad"] if dyad is None else dyad_label(dyad, lang),
                hits=int(mine["hits"]),
                n=int(mine["n"]),
                share=fmt_pct(mine["share"], 0),
                range=pct_range(mine["lower"], mine["upper"], lang),
                grade=words[f"tv_grade_{mine['grade']}"],
            )
        out.append(text)
    prob = v["probability"]
    question = question_words(v["headline"]["question"], v["headline"]["threshold"], horizon, lang)
    k = None if prob is None else prob.get("dyads")
    if v["scope"] == "pooled" and k is not None and 0 < int(k) < n_dyads:
        # a question asked in one state only (coming back above −6): few dyads had cases
        scope = words["tv_scope_pooled_some"].format(n=n_dyads, k=int(k))
    if prob is None or not prob["cases"]:
        out.append(words["tv_prob_none"].format(question=question))
    else:
        out.append(
            words["tv_prob"].format(
                question=question,
                scope=scope,
                cases=int(prob["cases"]),
                events=int(prob["events"]),
                forecast=fmt_pct(prob["forecast"]),
                observed=fmt_pct(prob["observed"], 0),  # whole percent, as in its table
                range=pct_range(prob["lower"], prob["upper"], lang),
                brier=f"{prob['brier']:.3f}",
                grade=words[f"tv_prob_{prob['grade']}"],
            )
        )
    return out


def verdict_summary(v: dict, lang: str) -> str:
    """The verdict in one plain sentence for the report's summary: what the past coverage of
    the intervals says about this report's ranges (and the headline question's probabilities
    when they were too high or too low), without the statistics — those are in the trust
    section (:func:`verdict_sentences`)."""
    words = labels(lang)
    cov = v.get("coverage")
    if cov is None or not cov["n"]:
        return ""
    text = words[f"sum_trust_{cov['grade']}"].format(share=fmt_pct(cov["share"], 0))
    prob = v.get("probability")
    if prob is not None and prob["cases"] and prob["grade"] in ("too_high", "too_low"):
        text += words[f"sum_trust_prob_{prob['grade']}"]
    return text
