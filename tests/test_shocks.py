import numpy as np
import pandas as pd
import pytest

import relforecast as rf

MONTHS = pd.period_range("2024-08", "2025-01", freq="M")


@pytest.mark.parametrize(
    ("shock", "expected"),
    [
        (rf.Shock("election", "2024-10"), [0, 0, 1, 0, 0, 0]),
        (rf.Shock("leader_change", "2024-10", shape="step"), [0, 0, 1, 1, 1, 1]),
        (rf.Shock("tariff", "2024-10", shape="decay", rate=0.5), [0, 0, 1, 0.5, 0.25, 0.125]),
        (rf.Shock("custom", "2024-10", shape="ramp", length=3), [0, 0, 1 / 3, 2 / 3, 1, 1]),
    ],
    ids=["pulse", "step", "decay", "ramp"],
)
def test_shapes(shock, expected):
    np.testing.assert_allclose(shock.profile(MONTHS), expected)


def test_design_past_future_and_by_kind():
    cal = rf.ShockCalendar(
        [
            rf.Shock("leader_change", "2024-10", shape="step", name="Ishiba"),
            rf.Shock("leader_change", "2025-10", shape="step", name="successor"),
            rf.Shock("tariff", "2025-04", shape="pulse"),
        ]
    )
    future = pd.period_range("2025-07", "2026-06", freq="M")
    X = cal.design(future)
    assert list(X.columns) == ["Ishiba", "tariff:2025-04", "successor"]
    assert X["Ishiba"].eq(1).all() and X["tariff:2025-04"].eq(0).all()
    assert X["successor"].sum() == 9  # Oct 2025 ... Jun 2026
    by_kind = cal.design(future, by="kind")
    np.testing.assert_allclose(by_kind["leader_change"], X["Ishiba"] + X["successor"])


def test_duplicate_labels_get_suffixes():
    cal = rf.ShockCalendar(
        [rf.Shock("custom", "2020-01", name="x"), rf.Shock("custom", "2021-01", name="x")]
    )
    assert cal.labels == ["x", "x#2"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "coup", "start": "2020-01"}, "unknown shock kind 'coup'"),
        ({"kind": "tariff", "start": "2020-01", "shape": "spike"}, "unknown shock shape 'spike'"),
        ({"kind": "tariff", "start": "2020-01", "shape": "decay"}, "rate strictly between 0 and 1"),
        ({"kind": "tariff", "start": "2020-01", "shape": "decay", "rate": 1.5}, "got 1.5"),
        ({"kind": "tariff", "start": "2020-01", "shape": "ramp", "length": 0}, "length >= 1"),
        ({"kind": "tariff", "start": "Brumaire"}, "bad start .*'Brumaire'"),
        # a shock without a name is named by its kind, not as None
        ({"kind": "tariff", "start": "2020"}, "^bad start of a tariff shock '2020'"),
        ({"kind": "tariff", "start": "2020", "name": "Trump"}, "^bad start of shock 'Trump'"),
    ],
)
def test_bad_shocks(kwargs, message):
    with pytest.raises(rf.ShockError, match=message):
        rf.Shock(**kwargs)


def test_yaml_calendar(tmp_path):
    path = tmp_path / "shocks.yaml"
    path.write_text(
        "shocks:\n"
        "  - {kind: leader_change, start: 2024-10, shape: step, name: Ishiba}\n"
        "  - {kind: tariff, start: 2025-04-02, shape: decay, rate: 0.6}\n"
    )
    cal = rf.ShockCalendar.from_yaml(path)
    assert cal.labels == ["Ishiba", "tariff:2025-04"]
    assert next(iter(cal)).start == pd.Period("2024-10", "M")
    bad = tmp_path / "bad.yaml"
    bad.write_text("shocks:\n  - {kind: tariff, start: 2025-04, colour: red}\n")
    with pytest.raises(rf.ShockError, match=r"shock #1: unknown field\(s\) \['colour'\]"):
        rf.ShockCalendar.from_yaml(bad)
    with pytest.raises(rf.ShockError, match="does not exist"):
        rf.ShockCalendar.from_yaml(tmp_path / "none.yaml")


def test_from_frame_round_trip():
    cal = rf.ShockCalendar(
        [
            rf.Shock("tariff", "2018-03", shape="decay", rate=0.7),
            rf.Shock("custom", "2019-01", shape="ramp", length=4, name="r"),
        ]
    )
    again = rf.ShockCalendar.from_frame(cal.to_frame())
    assert [s.to_dict() for s in again] == [s.to_dict() for s in cal]


def test_leaders_table(leaders_csv):
    japan = rf.ShockCalendar.from_leaders(leaders_csv, "Japan", office="Prime Minister")
    raw = pd.read_csv(leaders_csv, encoding="utf-8-sig")
    expected = raw[(raw["国家英文名"] == "Japan") & (raw["实权职位英文"] == "Prime Minister")]
    assert len(japan) == len(expected) >= 10
    assert all(s.kind == "leader_change" and s.shape == "step" for s in japan)
    assert sorted(str(s.start) for s in japan) == sorted(expected["任期开始"])
    us = rf.ShockCalendar.from_leaders(leaders_csv, "US", since="2017-01", shape="pulse")
    assert [str(s.start) for s in us][:2] == ["2017-01", "2021-01"]
    with pytest.raises(rf.ShockError, match="no leaders for country 'Atlantis'"):
        rf.ShockCalendar.from_leaders(leaders_csv, "Atlantis")
