import pickle

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast import TSINGHUA_SCALE as S
from relforecast.scale import as_scale


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (-9.0, "confrontation"),
        (-6.1, "confrontation"),
        (-6.0, "tension"),
        (-3.01, "tension"),
        (-3.0, "discord"),
        (-0.1, "discord"),
        (0.0, "ordinary"),
        (2.9, "ordinary"),
        (3.0, "good"),
        (6.0, "friendly"),
        (9.0, "friendly"),
    ],
)
def test_level_of_edges(value, level):
    assert S.level_of(value) == level


def test_level_of_chinese_names_and_arrays():
    assert list(S.level_of(np.array([-7.0, -5.4, 7.0]), lang="zh")) == ["对抗", "紧张", "友好"]
    assert S.level_names("zh") == ["对抗", "紧张", "不和", "普通", "良好", "友好"]
    assert [lv.lower for lv in S.levels] == [-9, -6, -3, 0, 3, 6]


def test_values_outside_the_scale_are_errors():
    with pytest.raises(rf.ScaleError, match=r"9\.5 is outside"):
        S.level_of(9.5)
    with pytest.raises(rf.ScaleError):
        S.to_unbounded(np.array([0.0, -10.0]))


def test_transform_round_trip_and_bounds():
    y = np.linspace(-8.95, 8.95, 181)
    back = S.from_unbounded(S.to_unbounded(y))
    np.testing.assert_allclose(back, y, atol=1e-12)
    # identity to first order at the centre, compressive near the ends
    eps = 1e-4
    assert (S.to_unbounded(eps) - S.to_unbounded(-eps)) / (2 * eps) == pytest.approx(1, abs=1e-6)
    assert S.to_unbounded(-6.0) < -6.0
    # values on the bounds are finite; any real value maps inside the bounds
    assert np.isfinite(S.to_unbounded(np.array([-9.0, 9.0]))).all()
    huge = S.from_unbounded(np.array([-1e6, -50, 50, 1e6]))
    assert np.all((huge >= -9) & (huge <= 9))


def test_round_to_resolution():
    assert S.round(-5.349) == -5.3
    assert S.round(np.array([0.04, 0.06])).tolist() == [0.0, 0.1]


def test_custom_scale():
    s = rf.Scale(0, 100, cuts=[50], names=["low", "high"], resolution=1.0)
    assert s.level_of(50) == "high" and s.level_of(49.9) == "low"
    assert s.critical is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lower": 1, "upper": 0, "cuts": [], "names": ["a"]}, "lower < upper"),
        ({"lower": 0, "upper": 10, "cuts": [5, 3], "names": ["a", "b", "c"]}, "increasing"),
        ({"lower": 0, "upper": 10, "cuts": [5], "names": ["a"]}, "2 levels but 1 names"),
        (
            {"lower": 0, "upper": 10, "cuts": [5], "names": ["a", "b"], "resolution": 0},
            "resolution",
        ),
    ],
)
def test_bad_scales(kwargs, message):
    with pytest.raises(rf.ScaleError, match=message):
        rf.Scale(**kwargs)


# ------------------------------------------------------------------ the unbounded scale
U = rf.UNBOUNDED_SCALE


def test_unbounded_scale_is_the_identity_transform():
    y = np.array([-250.0, -6.04, 0.0, 9.0, 12.5, 1e6])
    np.testing.assert_array_equal(U.to_unbounded(y), y)
    np.testing.assert_array_equal(U.from_unbounded(U.to_unbounded(y)), y)
    np.testing.assert_array_equal(U.slope(y), np.ones_like(y))
    np.testing.assert_array_equal(U.round(y), y)  # no resolution: nothing is rounded
    assert U.to_unbounded(12.5) == 12.5 and U.slope(12.5) == 1.0 and U.round(-6.04) == -6.04
    series = pd.Series([1, 2, 30], index=pd.period_range("2000-01", periods=3, freq="M"), name="x")
    out = U.to_unbounded(series)
    assert out.dtype == float and out.name == "x" and out.index.equals(series.index)
    np.testing.assert_array_equal(out.to_numpy(), [1.0, 2.0, 30.0])


def test_unbounded_scale_contains_every_finite_value_and_nothing_else():
    assert U.contains(1e300) and U.contains(-9.5)
    assert U.contains(np.array([0.0, np.nan, np.inf, -np.inf])).tolist() == [
        True,
        False,
        False,
        False,
    ]
    U.check(np.array([-1e9, 1e9]))
    with pytest.raises(rf.ScaleError, match="nan is not a finite number"):
        U.check(np.array([0.0, np.nan]))
    with pytest.raises(rf.ScaleError, match="not a finite number"):
        U.to_unbounded(np.inf)


def test_unbounded_scale_has_no_levels_critical_point_or_bounds():
    assert not U.bounded and S.bounded and rf.Scale(0, 1, [], ["a"]).bounded
    assert U.levels == () and U.level_names() == [] and U.critical is None
    assert U.resolution is None and U.lower == -np.inf and U.upper == np.inf
    with pytest.raises(rf.ScaleError, match="no levels"):
        U.level_of(0.0)


def test_unbounded_scale_is_one_instance_that_none_stands_for():
    assert rf.UnboundedScale() == U and repr(U) == "UnboundedScale()"
    assert pickle.loads(pickle.dumps(U)) is U  # worker processes get the same object
    assert as_scale(None) is U and as_scale(S) is S
    assert as_scale("Tsinghua") is S and as_scale("none") is U  # the command-line forms
    with pytest.raises(rf.ScaleError, match=r"scale=42 is not an rf\.Scale"):
        as_scale(42)
    with pytest.raises(TypeError):
        rf.UnboundedScale(lower=0)  # its fields are fixed
