"""The overview's question per partner, its change since a previous edition, one-decimal
scores, and the joint line when only one dyad can go below −6."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.panel.forecast import panel_overview
from relforecast.report.panel_content import PanelInputs, build_panel_document
from relforecast.report.panel_questions import changes, key_table, read_previous
from relforecast.report.render_markdown import to_markdown

WINDOW = (pd.Period("2025-07", "M"), pd.Period("2026-06", "M"))
#: last score -> the question that matters (the nearest level boundary, or coming back)
LAST = {
    "US": (-6.8, "ever-at-or-above:-6"),
    "Japan": (-5.8, "ever-below:-6"),
    "UK": (-3.0, "ever-below:-3"),
    "India": (-1.2, "ever-at-or-above:0"),
    "Russia": (8.3, "ever-below:6"),
}


def lattice_forecast(last: float, seed: int) -> rf.Forecast:
    """A sticky lattice walk from ``last`` (steps of 0.1 or 0.2), with a history ending there."""
    gen = np.random.default_rng(seed)
    steps = gen.choice([-0.2, -0.1, 0.0, 0.1, 0.2], p=[0.1, 0.2, 0.4, 0.2, 0.1], size=(2000, 12))
    paths = np.clip(np.round(last + np.cumsum(steps, axis=1), 1), -9, 9)
    index = pd.period_range(*WINDOW, freq="M")
    history = pd.Series(last, index=pd.period_range(end="2025-06", periods=36, freq="M"))
    return rf.Forecast(paths, index, rf.TSINGHUA_SCALE, history=history)


@pytest.fixture(scope="module")
def forecasts() -> dict[str, rf.Forecast]:
    return {d: lattice_forecast(v, seed) for seed, (d, (v, _)) in enumerate(LAST.items())}


def test_each_partner_gets_the_question_the_rule_picks(forecasts):
    table = key_table(forecasts, WINDOW, -6.0)
    for dyad, (_, code) in LAST.items():
        assert table.loc[dyad, "key_question"] == code
        fc = forecasts[dyad]
        t = float(code.partition(":")[2])
        hit = (fc.values >= t) if "at-or-above" in code else (fc.values < t)
        assert table.loc[dyad, "key_p"] == pytest.approx(hit.any(axis=1).mean())
    # the UK sits on -3.0: whether it falls into tension is open, unlike "below -6"
    assert 0.05 < table.loc["UK", "key_p"] < 0.95
    assert forecasts["UK"].prob_cross(-6) == 0.0


def test_change_against_the_previous_edition(forecasts, tmp_path):
    table = key_table(forecasts, WINDOW, -6.0)
    previous = {
        "as_of": "2024-06",
        "dyads": {
            "UK": {"key": {"question": "ever-below:-3", "p": 0.30, "se": 0.01}},
            "Japan": {"headline": "ever-below:-6", "p": 0.10, "p_se": 0.02},  # older summary
            "US": {"key": {"question": "ever-below:-6", "p": 0.9, "se": 0.01}},  # was above
        },
    }
    got = changes(table, previous)
    uk = table.loc["UK"]
    assert got.loc["UK", "change"] == pytest.approx(uk["key_p"] - 0.30)
    assert got.loc["UK", "change_se"] == pytest.approx(np.hypot(uk["key_se"], 0.01))
    assert got.loc["Japan", "change"] == pytest.approx(table.loc["Japan", "key_p"] - 0.10)
    assert got.loc["US", "change_note"] == "other" and np.isnan(got.loc["US", "change"])
    assert got.loc["India", "change_note"] == "other"
    assert (changes(table, None)["change_note"] == "none").all()
    later = {**previous, "as_of": "2025-09"}
    with pytest.raises(rf.DataError, match="after this outlook's as-of month 2025-06"):
        read_previous(later, pd.Period("2025-06", "M"))
    with pytest.raises(rf.DataError, match=r"no summary\.json"):
        read_previous(tmp_path, pd.Period("2025-06", "M"))


def overview_markdown(forecasts, previous=None) -> str:
    overview = panel_overview(forecasts, WINDOW, threshold=-6)
    overview.insert(0, "folder", list(overview.index))
    key = key_table(forecasts, WINDOW, -6.0)
    overview = overview.join(key).join(changes(key, previous))
    inputs = PanelInputs(
        overview=overview,
        folders={d: d for d in forecasts},
        joint=None,
        joint_error=None,
        as_of=pd.Period("2025-06", "M"),
        window=WINDOW,
        threshold=-6.0,
        model_names=["lattice"],
        n_paths=2000,
        seed=0,
        created=datetime(2025, 7, 1, tzinfo=UTC).isoformat(),
        font=None,
        versions={},
        previous_as_of=None if previous is None else previous["as_of"],
    )
    return to_markdown(build_panel_document(inputs, "en")), overview


def test_overview_scores_have_one_decimal_and_the_joint_line_says_who_can_cross(forecasts):
    md, overview = overview_markdown(forecasts)
    rows = [line for line in md.splitlines() if line.startswith("| [China–")]
    assert len(rows) == len(LAST)
    for line in rows:
        cells = [c.strip() for c in line.split("|")[1:-1]]
        dyad = re.search(r"\]\((\w+)/", cells[0]).group(1)
        median, interval = cells[5], cells[6]
        assert median == f"{overview.loc[dyad, 'median_end']:.1f}".replace("-", "−")
        assert all(re.fullmatch(r"−?\d+\.\d", v) for v in (median, *interval.split(" … ")))
    # of the dyads at or above -6, only Japan has any path below -6: one sentence, no table
    above = overview[overview["question"] == "cross"]
    assert list(above.index[above["p"] > 0]) == ["Japan"]
    joint = md.split("## Joint questions", 1)[1].split("\n## ", 1)[0]
    assert "only China–Japan has a chance of going below −6" in joint
    assert "| 1 or more" not in joint
    assert "No previous edition was given" in md
    md, _ = overview_markdown(forecasts, {"as_of": "2024-06", "dyads": {}})
    assert "Change since 2024-06" in md and "not asked in the previous edition" in md


def test_an_overview_with_a_previous_edition_has_a_changes_section(forecasts):
    previous = {
        "as_of": "2025-03",
        "dyads": {
            "UK": {
                "key": {"question": "ever-below:-3", "p": 0.30, "se": 0.01},
                "last": -3.4,
                "last_month": "2025-03",
            },
        },
    }
    md, overview = overview_markdown(forecasts, previous)
    assert "## Changes since the edition of 2025-03" in md
    section = md.split("## Changes since the edition of 2025-03", 1)[1].split("\n## ", 1)[0]
    uk = next(r for r in section.splitlines() if r.startswith("| China–UK"))
    cells = [c.strip() for c in uk.split("|")[1:-1]]
    now = overview.loc["UK"]
    assert cells[1] == "−3.4" and cells[2] == f"{now['last']:.1f}".replace("-", "−")
    assert cells[4].startswith("30.0%") and cells[5].startswith(f"{100 * now['key_p']:.1f}%")
    change = 100 * (now["key_p"] - 0.30)
    assert cells[6].startswith(f"{'+' if change >= 0 else '−'}{abs(change):.1f}")
    # a dyad the previous edition lacked: no "then", its change marked as not compared
    us = next(r for r in section.splitlines() if r.startswith("| China–US"))
    assert [c.strip() for c in us.split("|")[1:-1]][4] == "—"
    assert "Changes since" not in overview_markdown(forecasts)[0]
