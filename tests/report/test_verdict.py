"""The trust verdict: coverage and probabilities graded against Wilson intervals, one
threshold at a time, over all and recent origins, and carried into the summary."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from relforecast.report.track_record import track_record
from relforecast.report.verdict import (
    MIN_CASES,
    NOMINAL,
    coverage_grade,
    probability_grade,
    verdict_summary,
    wilson,
)
from tests.report.conftest import fake_backtest

AS_OF = pd.Period("2025-06", "M")


def hand_wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval written out (Wilson 1927)."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


@pytest.mark.parametrize("n", [8, 10, 56, 161])
def test_grades_follow_the_rule_on_a_hand_computed_wilson_interval(n):
    seen = set()
    for k in range(n + 1):
        lo, hi = hand_wilson(k, n)
        assert wilson(k, n) == pytest.approx((max(lo, 0.0), min(hi, 1.0)), abs=1e-9)
        # outside the Wilson interval: graded whatever n; inside: calibrated only from
        # MIN_CASES on (4 of 8 held: 22 %..78 % lies wholly below 80 %, too narrow)
        if hi < NOMINAL:
            expected = "too_narrow"
        elif lo > NOMINAL:
            expected = "too_wide"
        elif n < MIN_CASES:
            expected = "too_little"
        else:
            expected = "well_calibrated"
        assert coverage_grade(k, n) == expected, (k, n)
        seen.add(expected)
    if n >= 56:  # every grade is reached on the way from 0 to n hits
        assert seen == {"too_narrow", "well_calibrated", "too_wide"}
    # the pooled record of the issue: 31 of 56 held -> 42 %..68 %, too narrow
    assert coverage_grade(31, 56) == "too_narrow"
    lo, hi = hand_wilson(2, 51)
    assert probability_grade(2, 51, (lo + hi) / 2) == "in_line"
    assert probability_grade(2, 51, hi + 0.01) == "too_high"
    assert probability_grade(20, 51, lo - 0.01) == "too_low"
    # few cases: a forecast outside the Wilson interval is graded, one inside is not
    assert coverage_grade(4, 8) == "too_narrow"
    assert coverage_grade(7, 8) == "too_little"
    lo8, hi8 = hand_wilson(1, 8)
    assert probability_grade(1, 8, hi8 + 0.01) == "too_high"
    assert probability_grade(1, 8, (lo8 + hi8) / 2) == "too_little"


def two_threshold_table(series: pd.Series, origins: list[str]) -> pd.DataFrame:
    """A supplied backtest with cross_-6 and cross_-3 columns (different probabilities)."""
    table = fake_backtest(series.to_frame(), "m", origins, seed=4)
    table["cross_-3"] = np.clip(table["cross_-6"] * 3 + 0.1, 0, 1)
    return table


def direct_brier(series: pd.Series, rows: pd.DataFrame, t: float) -> tuple[float, int, int]:
    """Brier score, cases and events of cross_T at h = 12, straight from the rows."""
    at = rows[rows["h"] == 12]
    start = series.reindex(pd.PeriodIndex(at["origin"], freq="M")).to_numpy()
    live = start >= t
    events = np.array(
        [series.loc[pd.Period(o, "M") + 1 : pd.Period(o, "M") + 12].min() < t for o in at["origin"]]
    )[live]
    p = at[f"cross_{t:g}"].to_numpy()[live]
    return float(np.mean((p - events) ** 2)), int(live.sum()), int(events.sum())


def test_brier_is_given_per_threshold_never_pooled(demo_series):
    origins = [f"{y}-06" for y in range(2005, 2025)]
    table = two_threshold_table(demo_series, origins)
    record = track_record(table, demo_series.to_frame(), str(demo_series.name), "m", AS_OF)
    got = record.crossing[record.crossing["period"] == "all"].set_index("threshold")
    for t in (-6.0, -3.0):
        brier, cases, events = direct_brier(demo_series, table, t)
        assert got.loc[t, "brier"] == pytest.approx(brier)
        assert (got.loc[t, "cases"], got.loc[t, "events"]) == (cases, events)
        assert got.loc[t, "question"] == "cross"
    # the summary's Brier score is the headline threshold's, not a pool of both
    assert record.summary.loc["dyad", "brier"] == pytest.approx(got.loc[-6.0, "brier"])
    assert record.reliability["cases"].sum() == got.loc[-6.0, "cases"]
    # recent: origins in the last ten years before the as-of month (2016-06 ... 2024-06)
    recent = record.coverage.set_index("period").loc["recent"]
    at = table[(table["h"] == 12) & (table["origin"] >= "2015-07")]
    obs = demo_series.reindex(pd.PeriodIndex(at["target"], freq="M")).to_numpy()
    held = int(((at["q10"] <= obs) & (obs <= at["q90"])).sum())
    assert (recent["n"], recent["hits"]) == (len(at), held) == (9, held)
    assert (recent["lower"], recent["upper"]) == pytest.approx(hand_wilson(held, 9))
    lo9, hi9 = hand_wilson(held, 9)  # 9 < MIN_CASES: graded only when 80 % lies outside
    assert recent["grade"] == (
        "too_narrow" if hi9 < NOMINAL else "too_wide" if lo9 > NOMINAL else "too_little"
    )


def test_the_verdict_leads_the_summary_and_summary_json(demo_report, demo_series):
    out, _, table = demo_report
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    trust = summary["trust"]
    rows = table[table["h"] == 12]
    obs = demo_series.reindex(pd.PeriodIndex(rows["target"], freq="M")).to_numpy()
    held = int(((rows["q10"] <= obs) & (obs <= rows["q90"])).sum())
    n = len(rows)
    lo, hi = hand_wilson(held, n)
    assert (trust["coverage"]["hits"], trust["coverage"]["n"]) == (held, n)
    assert trust["coverage"]["lower"] == pytest.approx(lo)
    assert trust["coverage"]["grade"] == coverage_grade(held, n)
    assert trust["headline"] == {"question": "cross", "threshold": -6.0}
    # first paragraph of the summary: the headline answer, then the verdict in plain words;
    # its statistics (n, Wilson interval) are in the trust section
    md = (out / "report.md").read_text(encoding="utf-8")
    first = md.split("## Summary", 1)[1].strip().split("\n\n")[0]
    assert first.startswith("**Baseline (no extra shocks): P(below −6")
    assert f"{100 * held / n:.0f}% of the time" in first
    assert verdict_summary(trust, "en") in first and "interval" not in first.split(".", 1)[1]
    trust_section = md.split("## How far to trust this", 1)[1]
    share = f"{100 * held / n:.0f}% of {n} past forecasts"
    assert share in trust_section and f"{100 * lo:.0f}%–{100 * hi:.0f}%" in trust_section
    assert trust["sentences"][0] in trust_section


def test_the_schedule_sentence_says_where_the_model_was_estimated(demo_report_zh):
    out, result = demo_report_zh  # 4 origins, refit_every=4: estimated at the first only
    md = (out / "report.md").read_text(encoding="utf-8")
    first = result.track_record.origins[0]
    year, month = first.split("-")
    assert f"仅在{year}年{int(month)}月估计参数" in md
    assert "每个起点只用截至该月的数据拟合" not in md
