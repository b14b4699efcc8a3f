"""Questions chosen by the series' state and outlooks updated during their window — checked against
exact answers of a lattice random walk and hand-built paths."""

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.questions import Question, default_questions, parse_question
from tests.conftest import monthly

INDEX = pd.period_range("2025-07", periods=12, freq="M")


def lattice_walk(start: float, n_paths: int, horizon: int, seed: int) -> np.ndarray:
    """A random walk on the 0.1 grid: each month -0.1, 0 or +0.1 with probabilities 1/4, 1/2,
    1/4."""
    steps = np.random.default_rng(seed).choice(
        [-0.1, 0.0, 0.1], p=[0.25, 0.5, 0.25], size=(n_paths, horizon)
    )
    return np.round(start + np.cumsum(steps, axis=1), 1)


def exact_reach_probability(start_ticks: int, target_ticks: int, horizon: int) -> float:
    """P(the lattice walk from start reaches >= target within horizon steps), by dynamic
    programming over the grid with the target absorbing (an independent reference)."""
    size = 2 * horizon + 3
    offset = horizon + 1
    dist = np.zeros(size)
    dist[start_ticks + offset] = 1.0
    absorbed = 0.0
    for _ in range(horizon):
        new = np.zeros(size)
        new[1:] += 0.25 * dist[:-1]
        new[:-1] += 0.25 * dist[1:]
        new += 0.5 * dist
        hit = new[target_ticks + offset :].sum()
        absorbed += hit
        new[target_ticks + offset :] = 0.0
        dist = new
    return absorbed


def test_back_above_matches_the_exact_lattice_answer():
    # start -6.3 (3 ticks below -6); P(at -6.0 or above within 12 months), exact vs simulated
    n = 20_000
    fc = rf.Forecast(lattice_walk(-6.3, n, 12, seed=4), INDEX, rf.TSINGHUA_SCALE)
    exact = exact_reach_probability(-3, 0, 12)
    p = fc.prob_back_above(-6)
    assert abs(p - exact) < 4 * np.sqrt(exact * (1 - exact) / n)
    assert fc.prob_cross(-6, direction="at_or_above") == p
    # "still below at the end" is the complement of "at or above in the last month"
    assert fc.prob_still_below(-6) == pytest.approx(1 - (fc.values[:, -1] >= -6).mean())
    assert fc.prob_still_below(-6) == pytest.approx(fc.prob_below(-6).iloc[-1])
    # first passage upwards sums to the probability of passing
    fp = fc.first_passage(-6, direction="at_or_above")
    assert fp.sum() == pytest.approx(p) and fp.attrs["never"] == pytest.approx(1 - p)
    # prob_above is strict: exactly -6.0 is not above -6
    assert (fc.prob_above(-6) <= fc.prob_below(-6).rsub(1) + 1e-12).all()


def test_prob_above_is_strict_and_published():
    paths = np.array([[-6.0, -5.96], [-5.9, -6.04], [-6.2, -5.0]])
    f = rf.Forecast(paths, INDEX[:2], rf.TSINGHUA_SCALE)
    np.testing.assert_allclose(f.prob_above(-6), [1 / 3, 1 / 3])  # -5.96 -> -6.0: not above
    np.testing.assert_array_equal(f.crossed(-6, direction="at_or_above"), [True, True, True])
    np.testing.assert_array_equal(f.crossed(-6), [False, False, True])


def test_questions_follow_the_state_of_the_series():
    above = [q.code for q in default_questions(-5.1, -6)]
    below = [q.code for q in default_questions(-6.5, -6)]
    assert above == ["ever-below:-6", "end-below:-6", "first-below:-6"]
    assert below == ["ever-at-or-above:-6", "end-below:-6", "first-at-or-above:-6"]
    # -6.0 itself is not below -6: the series is asked whether it falls below
    assert default_questions(-6.0, -6)[0].kind == "ever-below"


def test_a_dyad_below_the_threshold_gets_a_useful_question():
    """A dyad at -6.5 is not asked P(cross -6) (about 1 in every scenario) but a question
    whose answer informs."""
    fc = rf.Forecast(lattice_walk(-6.5, 4000, 12, seed=2), INDEX, rf.TSINGHUA_SCALE)
    headline = default_questions(-6.5, -6)[0].answer(fc)
    assert fc.prob_cross(-6) == 1.0  # P(cross -6) here: no information
    assert 0.02 < headline.p < 0.6 and headline.se > 0


def test_parse_question_and_errors():
    assert parse_question("end-above:0") == Question("end-above", 0.0)
    assert parse_question(" ever-below : -3 ").code == "ever-below:-3"
    with pytest.raises(rf.ForecastError, match="must look like KIND:THRESHOLD"):
        parse_question("below -3")
    with pytest.raises(rf.ForecastError, match="unknown question kind 'sometimes'"):
        parse_question("sometimes:-3")
    with pytest.raises(rf.ForecastError, match="not finite"):
        parse_question("ever-below:nan")
    with pytest.raises(rf.ForecastError, match=r"outside the scale \[-9, 9\]"):
        Question("ever-below", -12).check(rf.TSINGHUA_SCALE)
    with pytest.raises(rf.ForecastError, match=r"outside the scale"):
        rf.Forecast(np.zeros((2, 12)), INDEX).prob_cross(9.5)


def test_paired_difference_of_identical_forecasts_is_zero():
    fc = rf.Forecast(lattice_walk(-5.5, 1000, 12, seed=3), INDEX, rf.TSINGHUA_SCALE)
    q = Question("ever-below", -6)
    assert q.difference(fc, fc) == (0.0, 0.0)


# ------------------------------------------------------------------ mid-window updates
@pytest.fixture(scope="module")
def fit_to_august():
    values = np.r_[np.linspace(-4.0, -5.8, 100), [-5.9, -6.1]]  # 2025-07 -5.9, 2025-08 -6.1
    series = monthly(np.round(values, 1), start="2017-03", name="test")
    assert series.index[-1] == pd.Period("2025-08", "M")
    return rf.ARIMA(order=(1, 1, 0)).fit(series)


def test_update_during_the_window_counts_the_observed_months(fit_to_august):
    """A window that began before the last observed month counts the observed months, not
    the error 'window starts at or before the last observed month'."""
    table = rf.compare_scenarios(fit_to_august, [], window="2025-07:2026-06", n_paths=800, rng=1)
    fc = table.attrs["forecasts"]["baseline"]
    assert list(fc.index) == list(pd.period_range("2025-07", "2026-06", freq="M"))
    assert fc.observed == 2 and list(fc.observed_index.astype(str)) == ["2025-07", "2025-08"]
    np.testing.assert_array_equal(fc.paths[:, 0], -5.9)
    np.testing.assert_array_equal(fc.paths[:, 1], -6.1)
    # -6 was crossed in 2025-08 (observed): P = 1 exactly, no Monte Carlo error
    assert table.loc["baseline", "p_cross"] == 1.0 and table.loc["baseline", "p_cross_se"] == 0
    answer = Question("ever-below", -6).answer(fc)
    assert answer.p == 1.0 and answer.se == 0.0 and answer.observed == pd.Period("2025-08", "M")
    assert fc.median_first_passage(-6) == pd.Period("2025-08", "M")
    # the remaining ten months are the model's forecast from 2025-08
    direct = fit_to_august.forecast(10, n_paths=800, rng=1)
    np.testing.assert_array_equal(fc.future().paths, direct.paths)


def test_observed_months_without_a_crossing_leave_the_forecast_to_decide():
    series = monthly(np.round(np.linspace(-3.0, -5.0, 102), 1), start="2017-03", name="t")
    fit = rf.ARIMA(order=(1, 1, 0)).fit(series)
    table = rf.compare_scenarios(fit, [], window="2025-07:2026-06", n_paths=800, rng=1)
    fc = table.attrs["forecasts"]["baseline"]
    whole = fit.forecast(10, n_paths=800, rng=1)
    # the observed months do not cross, so P(cross in the window) = P(cross in the 10 months)
    assert fc.prob_cross(-6) == whole.prob_cross(-6)
    assert Question("ever-below", -6).answer(fc).observed is None


def test_with_observed_checks_the_months():
    fc = rf.Forecast(np.zeros((3, 2)), INDEX[2:4], rf.TSINGHUA_SCALE)
    with pytest.raises(rf.ForecastError, match="must run without gaps"):
        fc.with_observed(pd.Series([1.0], index=pd.period_range("2025-07", periods=1, freq="M")))
    joined = fc.with_observed(pd.Series([1.0, 2.0], index=INDEX[:2]))
    assert joined.observed == 2 and joined.window("2025-08", "2025-09").observed == 1
    assert "observed" in joined.to_frame().columns
