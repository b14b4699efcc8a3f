import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.scale import parse_scale

INDEX = pd.period_range("2025-07", periods=12, freq="M")


@pytest.fixture
def fc():
    rng = np.random.default_rng(1)
    steps = rng.normal(0, 0.25, size=(4000, 12))
    paths = np.clip(-5.4 + np.cumsum(steps, axis=1), -8.9, 8.9)
    return rf.Forecast(paths, INDEX, rf.TSINGHUA_SCALE, model="test")


def test_prob_cross_dominates_prob_below(fc):
    below = fc.prob_below(-6)
    for w in range(1, 13):
        assert fc.prob_cross(-6, within=w) >= below.iloc[:w].max()
    assert fc.prob_cross(-6, within=1) == below.iloc[0]
    assert fc.prob_cross(-6) == fc.prob_cross(-6, within=12) == fc.prob_cross()


def test_crossing_is_strict():
    paths = np.full((10, 3), -6.0)
    f = rf.Forecast(paths, INDEX[:3], rf.TSINGHUA_SCALE)
    assert f.prob_cross(-6) == 0.0 and f.level_probabilities()["tension"].eq(1).all()


def test_questions_are_about_the_published_score():
    # -6.04 is published as -6.0 (not below -6); -6.06 as -6.1 (below)
    paths = np.array([[-5.0, -6.04, -5.9], [-5.0, -6.06, -5.9], [-5.5, -5.96, -6.2]])
    f = rf.Forecast(paths, INDEX[:3], rf.TSINGHUA_SCALE)
    np.testing.assert_array_equal(f.crossed(-6), [False, True, True])
    np.testing.assert_array_equal(f.first_passage(-6).to_numpy() * 3, [0, 1, 1])
    assert f.quantiles([0.5]).iloc[1, 0] == pytest.approx(-6.04)  # quantiles stay continuous
    assert f.level_probabilities()["confrontation"].iloc[1] == pytest.approx(1 / 3)
    raw = rf.Forecast(paths, INDEX[:3], rf.TSINGHUA_SCALE, published=False)
    np.testing.assert_array_equal(raw.crossed(-6), [True, True, True])
    assert f.window("2025-08", "2025-09").published
    assert not raw.window("2025-08", "2025-09").published
    # without a scale nothing is rounded
    assert not rf.Forecast(paths, INDEX[:3], None).published


def test_first_passage_matches_prob_cross(fc):
    fp = fc.first_passage(-6)
    assert fp.sum() == pytest.approx(fc.prob_cross(-6))
    assert fp.attrs["never"] == pytest.approx(1 - fc.prob_cross(-6))
    np.testing.assert_allclose(fp.cumsum(), [fc.prob_cross(-6, w) for w in range(1, 13)])


def test_mc_se_binomial(fc):
    p = fc.prob_cross(-6, within=6)
    assert fc.mc_se(-6, within=6) == pytest.approx(np.sqrt(p * (1 - p) / 4000))


def test_quantiles_interval_levels(fc):
    q = fc.quantiles([0.1, 0.5, 0.9])
    np.testing.assert_allclose(q[0.5], np.median(fc.paths, axis=0))
    band = fc.interval(0.8)
    np.testing.assert_allclose(band["lower"], q[0.1])
    lp = fc.level_probabilities()
    np.testing.assert_allclose(lp.sum(axis=1), 1.0)
    np.testing.assert_allclose(lp["confrontation"], fc.prob_below(-6))
    assert next(iter(fc.level_probabilities(lang="zh").columns)) == "对抗"
    frame = fc.to_frame()
    assert {"mean", "q5", "q95", "p_below_-6", "p_cross_-6", "level"} <= set(frame.columns)


def test_window_slices_months(fc):
    w = fc.window("2025-10", "2026-03")
    assert len(w.index) == 6 and w.prob_cross(-6) <= fc.prob_cross(-6)
    with pytest.raises(rf.ForecastError, match="does not overlap"):
        fc.window("2030-01", "2030-06")


@pytest.mark.parametrize("within", [0, 13, 2.5])
def test_bad_within(fc, within):
    with pytest.raises(rf.ForecastError, match="within="):
        fc.prob_cross(-6, within=within)


def test_paths_must_be_finite_and_inside():
    with pytest.raises(rf.ForecastError, match="not finite"):
        rf.Forecast(np.full((2, 12), np.nan), INDEX)
    with pytest.raises(rf.ForecastError, match="bounds"):
        rf.Forecast(np.full((2, 12), -9.5), INDEX)
    with pytest.raises(rf.ForecastError, match="horizon=12"):
        rf.Forecast(np.zeros((2, 5)), INDEX)


def test_plot_draws_fan_and_threshold(fc):
    import matplotlib

    matplotlib.use("Agg")
    ax = fc.plot(threshold=-6)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("P(cross)" in t for t in labels) and "80 % interval" in labels


def test_unbounded_forecast_answers_threshold_questions_on_raw_values():
    # scale=None is the unbounded scale: no rounding, any finite threshold, values beyond +-9
    paths = np.array([[-5.0, -6.04, -5.9], [-5.0, -6.06, -5.9], [20.0, 30.0, 40.0]])
    f = rf.Forecast(paths, INDEX[:3], None)
    assert f.scale is rf.UNBOUNDED_SCALE and not f.published
    np.testing.assert_array_equal(f.crossed(-6), [True, True, False])  # -6.04 is below -6
    assert f.prob_cross(-6) == pytest.approx(2 / 3)
    np.testing.assert_array_equal(f.prob_below(25).to_numpy(), [1.0, 2 / 3, 2 / 3])
    assert f.quantiles([1.0]).iloc[:, 0].tolist() == [20.0, 30.0, 40.0]
    explicit = rf.Forecast(paths, INDEX[:3], rf.UNBOUNDED_SCALE)
    np.testing.assert_array_equal(explicit.crossed(25), f.crossed(25))


def test_a_table_names_the_likely_level_only_on_a_scale_of_levels():
    """A ``LO:HI`` scale is one span: its most likely level is the whole scale every month, so
    the table has no level column; the Tsinghua scale's six levels have one."""
    rng = np.random.default_rng(4)
    paths = np.clip(rng.normal(-5.5, 1.0, (400, 3)), -9, 9)
    span = rf.Forecast(paths, INDEX[:3], parse_scale("-10:10"))
    assert span.level_probabilities().shape[1] == 1  # still asked for, it answers
    assert "level" not in span.to_frame(quantiles=[0.5], threshold=0).columns
    tsinghua = rf.Forecast(np.round(paths, 1), INDEX[:3], rf.TSINGHUA_SCALE)
    levels = tsinghua.to_frame(quantiles=[0.5])["level"]
    assert set(levels) <= set(rf.TSINGHUA_SCALE.level_names())
    assert (levels == tsinghua.most_likely_level()).all()


def test_unbounded_forecast_needs_a_threshold_and_has_no_levels():
    f = rf.Forecast(np.zeros((4, 3)), INDEX[:3], None)
    with pytest.raises(rf.ForecastError, match="give a threshold"):
        f.prob_cross()
    with pytest.raises(rf.ForecastError, match=r"unbounded scale .* no levels"):
        f.level_probabilities()
    with pytest.raises(rf.ForecastError, match="no levels"):
        f.most_likely_level()
    assert list(f.to_frame(quantiles=[0.5]).columns) == ["mean", "q50"]
    framed = f.to_frame(quantiles=[0.5], threshold=0.5)
    assert list(framed.columns) == ["mean", "q50", "p_below_0.5", "p_cross_0.5"]
    assert framed["p_below_0.5"].eq(1.0).all()


@pytest.mark.parametrize(
    "months",
    [["2025-08", "2025-07", "2025-09"], ["2025-07", "2025-09", "2025-10"], ["2025-07"] * 3],
    ids=["reordered", "gap", "repeat"],
)
def test_forecast_months_must_run_month_after_month(months):
    # questions count months by position: within=2 would not be the first two months
    with pytest.raises(rf.ForecastError, match="month after month"):
        rf.Forecast(np.zeros((4, 3)), pd.PeriodIndex(months, freq="M"))


def test_forecast_months_given_as_labels_are_read_as_months():
    paths = np.tile([-5.0, -6.5, -5.0], (4, 1))
    by_label = rf.Forecast(paths, ["2025-07", "2025-08", "2025-09"])
    by_period = rf.Forecast(paths, pd.period_range("2025-07", periods=3, freq="M"))
    assert by_label.index.equals(by_period.index)
    assert by_label.prob_below(-6).equals(by_period.prob_below(-6))
    with pytest.raises(rf.ForecastError, match="paths must be numbers"):
        rf.Forecast(np.array([["a", "b", "c"]]), by_period.index)
