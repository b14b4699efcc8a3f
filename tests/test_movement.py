"""The recent-movement paragraph: low, high, turning points on series with known answers."""

import numpy as np
import pandas as pd
import pytest

import relforecast as rf

from .conftest import monthly

# 2024-01 .. 2024-12. Plateaus: -5.0 (Jan-Feb), -5.2 (Mar-Apr), -5.6 (May) trough,
# -5.3 (Jun-Jul), -5.4 (Aug) a 0.1 dip (no turning point), -4.9 (Sep-Oct) peak, -5.1 (Nov-Dec).
VALUES = [-5.0, -5.0, -5.2, -5.2, -5.6, -5.3, -5.3, -5.4, -4.9, -4.9, -5.1, -5.1]


def p(month: str) -> pd.Period:
    return pd.Period(month, "M")


def test_known_low_high_and_turning_points():
    m = rf.recent_movement(monthly(VALUES, start="2024-01"), 12)
    assert (m.first, m.last) == (p("2024-01"), p("2024-12"))
    assert m.start_value == -5.0 and m.end_value == -5.1 and m.change == pytest.approx(-0.1)
    assert m.low == -5.6 and m.low_months == ((p("2024-05"), p("2024-05")),)
    assert m.high == -4.9 and m.high_months == ((p("2024-09"), p("2024-10")),)
    turns = [(t.kind, t.value, str(t.start), str(t.end)) for t in m.turning_points]
    assert turns == [
        ("trough", -5.6, "2024-05", "2024-05"),
        ("peak", -4.9, "2024-09", "2024-10"),
    ]
    assert m.text == (
        "Last 12 months (2024-01 to 2024-12): the score went from −5.0 to −5.1 (−0.1). "
        "Low −5.6 in 2024-05; high −4.9 in 2024-09 to 2024-10. Turning points: trough −5.6 "
        "in 2024-05, peak −4.9 in 2024-09 to 2024-10."
    )
    assert "-" not in m.text.replace("2024-", "")  # no ASCII hyphen as a minus sign
    zh = rf.recent_movement(monthly(VALUES, start="2024-01"), 12, lang="zh")
    head = "近12个月（2024年1月至2024年12月），分值由−5.0降至−5.1（下降0.1）。"
    assert zh.text.startswith(head)
    assert "最低−5.6（2024年5月）" in zh.text and "2024年9月至10月见顶（−4.9）" in zh.text
    assert zh.to_dict()["turning_points"] == m.to_dict()["turning_points"]


def _neighbour_rule(values: list[float]) -> list[tuple[str, int]]:
    """Interior plateaus above (below) both neighbouring plateaus, with their first index."""
    runs = [i for i in range(len(values)) if i == 0 or values[i] != values[i - 1]]
    v = [values[i] for i in runs]
    out = []
    for k in range(1, len(v) - 1):
        if v[k] > v[k - 1] and v[k] > v[k + 1]:
            out.append(("peak", runs[k]))
        elif v[k] < v[k - 1] and v[k] < v[k + 1]:
            out.append(("trough", runs[k]))
    return out


def test_a_dip_of_one_grid_step_is_no_turning_point():
    # China–Japan's shape in 2024/25: down 0.1, up 0.9, then 0.1 wiggles at the top
    values = [-5.9, -6.0, -5.9, -5.8, -5.4, -5.2, -5.0, -5.1, -5.0, -5.0, -5.1, -5.1]
    m = rf.recent_movement(monthly(values, start="2024-07"), 12, lang="zh")
    assert m.turning_points == ()
    assert "触底" not in m.text and "见顶" not in m.text
    assert "无0.2分及以上的反向变动" in m.text
    # a reversal of two grid steps on both sides is one
    two = rf.recent_movement(monthly([-5.0, -5.2, -5.0, -5.0], start="2024-01"), 4)
    assert [(t.kind, t.value) for t in two.turning_points] == [("trough", -5.2)]
    # ... but not when the fall to it was a single step
    one = rf.recent_movement(monthly([-5.1, -5.2, -5.0, -5.0], start="2024-01"), 4)
    assert one.turning_points == ()


def test_one_grid_step_as_the_minimum_move_is_the_neighbour_rule():
    rng = np.random.default_rng(3)
    for _ in range(60):  # sticky random walks on the 0.1 grid
        steps = rng.choice([-0.2, -0.1, 0.0, 0.0, 0.0, 0.1, 0.2], size=15)
        values = list(np.round(-5 + np.cumsum(steps), 1))
        m = rf.recent_movement(monthly(values, start="2020-01"), 15, min_move=0.1)
        index = pd.period_range("2020-01", periods=15, freq="M")
        got = [(t.kind, index.get_loc(t.start)) for t in m.turning_points]
        assert got == _neighbour_rule(values), values


def test_the_latest_move_is_named_when_it_goes_the_other_way():
    # China–Japan up to 2025-08: up 0.5 over the year, down 0.4 since 2025-04
    values = [-5.9, -5.8, -5.4, -5.2, -5.0, -5.1, -5.0, -5.0, -5.1, -5.1, -5.2, -5.4]
    m = rf.recent_movement(monthly(values, start="2024-09"), 12, lang="zh")
    assert m.change > 0 and m.latest == (p("2025-04"), -5.0)
    assert "但近期走势相反：2025年4月至8月，分值由−5.0降至−5.4。" in m.text
    en = rf.recent_movement(monthly(values, start="2024-09"), 12)
    assert "Latest move the other way: from" in en.text and "in 2025-04 to" in en.text
    # the same way as the year's change, or too small a move: not named
    for same in ([-5.9, -5.5, -5.0, -4.8], [-5.9, -5.5, -5.0, -5.1]):
        quiet = rf.recent_movement(monthly(same, start="2025-01"), 4)
        assert quiet.latest is None and "Latest" not in quiet.text
    # started and ended alike: the latest move is the only direction there is
    back = rf.recent_movement(monthly([-5.0, -4.6, -4.6, -5.0], start="2025-01"), 4)
    assert back.latest == (p("2025-03"), -4.6) and "Latest move: from" in back.text


def test_as_of_month_hides_later_months():
    later = [*VALUES, -6.5, -7.0]  # a new low after the as-of month
    s = monthly(later, start="2024-01")
    cut = rf.recent_movement(s, 12, until="2024-12")
    assert cut.to_dict() == rf.recent_movement(monthly(VALUES, start="2024-01"), 12).to_dict()
    assert "−6.5" not in cut.text and "2025" not in cut.text
    full = rf.recent_movement(s, 12)
    assert full.low == -7.0 and full.last == p("2025-02")


def test_flat_and_monotone_windows():
    flat = rf.recent_movement(monthly([-5.5] * 12), 12)
    assert flat.turning_points == () and "stayed at −5.5" in flat.text
    assert flat.low_months == ((flat.first, flat.last),)
    down = rf.recent_movement(monthly(np.round(np.linspace(-3, -5, 12), 1)), 12)
    assert down.turning_points == () and "No turning point" in down.text
    same = rf.recent_movement(monthly([-6.0, -5.8, -6.0]), 3)
    assert "started and ended at −6.0" in same.text
    assert [t.kind for t in same.turning_points] == ["peak"]


def test_bad_inputs():
    s = monthly(VALUES)
    with pytest.raises(rf.DataError, match="at least 2 months"):
        rf.recent_movement(s, 1)
    gap = s.copy()
    gap.iloc[5] = np.nan
    with pytest.raises(rf.DataError, match="no score for"):
        rf.recent_movement(gap, 12)
    with pytest.raises(rf.DataError, match="lang='fr'"):
        rf.recent_movement(s, 12, lang="fr")
