import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

import relforecast as rf
from relforecast.evaluation.backtest import QUANTILE_COLUMNS, QUANTILE_LEVELS
from relforecast.evaluation.scores import evaluate
from relforecast.forecast import Forecast
from relforecast.record import Record, ranked_probability_score
from relforecast.record.scoring import log_score

from .conftest import history, make_forecast


def test_ranked_probability_score_by_hand():
    one_hot = np.eye(6)
    assert ranked_probability_score(one_hot[[2]], np.array([2]))[0] == 0.0
    assert ranked_probability_score(one_hot[[0]], np.array([5]))[0] == 1.0
    uniform = np.full((1, 6), 1 / 6)
    # cumulative forecast k/6 against 1 for every k: sum (1 - k/6)^2 over k = 1..5, over 5
    assert ranked_probability_score(uniform, np.array([0]))[0] == pytest.approx(55 / 180)


def test_log_score_floor_is_half_a_path():
    assert log_score(np.array([0.0]), np.array([1]), np.array([1000]))[0] == pytest.approx(
        math.log(2000)
    )
    assert log_score(np.array([0.3]), np.array([0]), np.array([1000]))[0] == pytest.approx(
        -math.log(0.7)
    )


def _stepped_forecast(hist: pd.Series, share_crossing: float, n: int = 200) -> Forecast:
    """Paths flat at -5, except a share that drops to -6.5 from the third month."""
    paths = np.full((n, 12), -5.0)
    paths[: round(share_crossing * n), 2:] = -6.5
    index = pd.period_range(hist.index[-1] + 1, periods=12, freq="M")
    return Forecast(paths, index, history=hist)


def test_brier_and_log_score_of_a_resolved_crossing(tmp_path):
    hist = history(np.full(24, -5.0))
    fc = _stepped_forecast(hist, 0.3)
    observed = history(np.r_[np.full(24, -5.0), -5.2, -6.3, np.full(10, -5.9)])
    with Record(tmp_path / "r.sqlite") as rec:
        rec.add(fc, model="m")
        scores = rec.score(observed)
    q = scores.questions.set_index("name").loc["cross_-6"]
    assert q["resolved"] and q["outcome"] == 1.0
    assert q["brier"] == pytest.approx(0.49) and q["log"] == pytest.approx(-math.log(0.3))
    summary = scores.summary()
    assert summary["brier_cross-6"].iloc[0] == pytest.approx(0.49)
    assert summary["n_cross-6"].iloc[0] == 1 and summary["resolved"].iloc[0] == 1


def test_questions_beyond_the_tsinghua_bounds_of_a_wider_scale_are_recorded_and_scored(
    tmp_path,
):
    # an event index on -10 ... 10: -9.5 is inside its scale, though outside the Tsinghua one
    hist = history(np.full(24, -9.0))
    paths = np.full((200, 12), -9.0)
    paths[:50, 3:] = -9.8  # a quarter of the paths go below -9.5 in the fourth month
    index = pd.period_range(hist.index[-1] + 1, periods=12, freq="M")
    fc = Forecast(paths, index, history=hist, scale="-10:10")
    observed = history(np.r_[np.full(24, -9.0), -9.2, -9.7, np.full(10, -9.0)])
    with Record(tmp_path / "r.sqlite") as rec:
        rec.add(fc, model="m", threshold=-9.5, questions={"below_end_-9.75": 0.1})
        scores = rec.score(observed)
    q = scores.questions.set_index("name")
    assert q.loc["cross_-9.5", "probability"] == fc.prob_cross(-9.5) == 0.25
    assert q.loc["cross_-9.5", "resolved"] and q.loc["cross_-9.5", "outcome"] == 1.0
    assert q.loc["cross_-9.5", "brier"] == pytest.approx(0.75**2)
    assert q.loc["below_end_-9.75", "outcome"] == 0.0  # the window ends at -9.0


def test_a_continuous_score_is_not_rounded_to_the_tsinghua_grid_before_it_is_scored(tmp_path):
    # -6.04 on an event index is below -6: rounded to the Tsinghua 0.1 grid it would be -6.0
    hist = history(np.full(24, -5.0))
    fc = _stepped_forecast(hist, 0.3)
    values = np.r_[np.full(24, -5.0), -5.5, -6.04, np.full(10, -5.5)]
    months = history(values).index.astype(str)
    frame = pd.DataFrame({"country": "Testland", "ym": months, "score": values})
    with Record(tmp_path / "r.sqlite") as rec:
        rec.add(fc, model="m")
        index = rec.score(rf.load_scores(frame, scale="-10:10")).questions.set_index("name")
        grid = rec.score(rf.load_scores(frame, scale="-10:10:0.01")).questions.set_index("name")
    assert index.loc["cross_-6", "outcome"] == 1.0
    assert grid.loc["cross_-6", "outcome"] == 1.0  # -6.04 is on a 0.01 grid too
    rounded = frame.assign(score=np.round(values, 1))  # published in 0.1 steps: -6.0
    with Record(tmp_path / "r.sqlite") as rec:
        tsinghua = rec.score(rf.load_scores(rounded)).questions.set_index("name")
    assert tsinghua.loc["cross_-6", "outcome"] == 0.0


def test_an_open_window_is_scored_as_far_as_observed(tmp_path):
    hist = history(np.full(24, -5.0))
    fc = _stepped_forecast(hist, 0.3)
    with Record(tmp_path / "r.sqlite") as rec:
        rec.add(fc, model="m", questions={"below_end_-6": 0.3})
        crossed = rec.score(history(np.r_[np.full(24, -5.0), -5.1, -6.2, -6.0, -5.9, -5.8]))
        calm = rec.score(history(np.r_[np.full(24, -5.0), -5.1, -5.2]))
        none_yet = rec.score(hist)
    f = crossed.forecasts.iloc[0]
    assert (f["status"], f["observed"], f["months_scored"]) == ("open", 5, 5)
    q = crossed.questions.set_index("name")
    assert q.loc["cross_-6", "resolved"] and q.loc["cross_-6", "outcome"] == 1.0
    assert not q.loc["below_end_-6", "resolved"]  # decided only by the window's last month
    assert not calm.questions.set_index("name").loc["cross_-6", "resolved"]
    assert none_yet.forecasts.iloc[0]["status"] == "pending"
    assert none_yet.months.empty and not none_yet.questions["resolved"].any()


def test_month_scores_match_evaluate_and_the_quantile_crps(tmp_path):
    rng = np.random.default_rng(7)
    hist = history()
    fcs = [make_forecast(seed=s, hist=hist.iloc[: 40 + s]) for s in range(5)]
    observed = history(np.round(np.r_[hist.to_numpy(), -4.3 + rng.normal(0, 0.4, 24)], 1))
    with Record(tmp_path / "r.sqlite") as rec:
        for fc in fcs:
            rec.add(fc, model="rw")
        scores = rec.score(observed)
        table = rec.backtest_table()
    reference = evaluate(table, observed).scores
    mine = scores.months.sort_values(["forecast_id", "h"]).reset_index(drop=True)
    np.testing.assert_allclose(mine["crps"], reference["crps"])
    assert (mine["in80"].to_numpy() == reference["in80"].to_numpy()).all()
    # CRPS from quantiles = twice the mean pinball loss over the 19 levels (computed here)
    months = table.set_index(["origin", "h"])
    q = months[list(QUANTILE_COLUMNS)].to_numpy()
    y = observed.reindex(pd.PeriodIndex(months["target"], freq="M")).to_numpy()
    a = np.asarray(QUANTILE_LEVELS)
    pinball = np.maximum(a * (y[:, None] - q), (a - 1) * (y[:, None] - q)).mean(axis=1)
    np.testing.assert_allclose(np.sort(mine["crps"]), np.sort(2 * pinball), rtol=1e-12)


def test_crps_of_gaussian_paths_is_close_to_the_analytic_value(tmp_path):
    # one month, 40,000 Gaussian paths N(-2, 0.5), observed -1.5 (z = 1)
    hist = history(np.full(12, -2.0))
    paths = np.random.default_rng(1).normal(-2.0, 0.5, size=(40_000, 1))
    fc = Forecast(paths, pd.period_range(hist.index[-1] + 1, periods=1, freq="M"), history=hist)
    y, z = -1.5, 1.0
    with Record(tmp_path / "r.sqlite") as rec:
        rec.add(fc, model="gauss")
        crps = rec.score(history(np.r_[np.full(12, -2.0), y])).months["crps"].iloc[0]
    # the same 19-quantile rule on the true quantiles: equal up to the paths' sampling error
    a = np.asarray(QUANTILE_LEVELS)
    q = -2.0 + 0.5 * norm.ppf(a)
    on_true_quantiles = 2 * np.maximum(a * (y - q), (a - 1) * (y - q)).mean()
    assert crps == pytest.approx(on_true_quantiles, rel=0.03)
    # and within 8 % of the closed form sigma (z (2 Phi(z) - 1) + 2 phi(z) - 1 / sqrt(pi)):
    # the 19 levels miss the tails, so the rule reads about 5 % high here
    exact = 0.5 * (z * (2 * norm.cdf(z) - 1) + 2 * norm.pdf(z) - 1 / np.sqrt(np.pi))
    assert exact < crps < 1.08 * exact


def test_reliability_counts_every_resolved_probability_once(tmp_path):
    hist = history(np.full(24, -5.0))
    observed = history(np.r_[np.full(24, -5.0), np.full(12, -5.5)])
    with Record(tmp_path / "r.sqlite") as rec:
        for share in (0.0, 0.1, 0.3, 0.5, 0.9):
            rec.add(_stepped_forecast(hist, share), model="m", seed=int(share * 10))
        scores = rec.score(observed)
    table = scores.reliability()
    resolved = scores.questions[scores.questions["resolved"]]
    assert table["cases"].sum() == len(resolved) > 0
    cross = resolved[resolved["name"] == "cross_-6"]
    assert len(cross) == 5 and (cross["outcome"] == 0).all()  # the path never crosses -6
    top = resolved[resolved["probability"] >= 0.9]
    assert table.loc[9, "cases"] == len(top)
    assert table.loc[9, "observed"] == pytest.approx(top["outcome"].mean())
    per_year = scores.summary("year")
    assert list(per_year.index) == [(2001, "m")] and per_year["forecasts"].iloc[0] == 5


def test_summary_never_pools_models(tmp_path):
    """A summary by year keeps each model apart: two models' forecasts of the same year give
    two rows whose CRPS are each model's own mean, not one pooled row."""
    hist = history(np.full(24, -5.0))
    observed = history(np.r_[np.full(24, -5.0), np.full(12, -5.5)])
    with Record(tmp_path / "r.sqlite") as rec:
        rec.add(_stepped_forecast(hist, 0.1), model="a", seed=1)
        rec.add(_stepped_forecast(hist, 0.9), model="b", seed=1)
        scores = rec.score(observed)
    table = scores.summary("year")
    assert list(table.index) == [(2001, "a"), (2001, "b")]
    per_model = scores.months.merge(
        scores.forecasts[["model"]], left_on="forecast_id", right_index=True
    ).groupby("model")["crps"].mean()
    assert table["crps_mean"].tolist() == pytest.approx(per_model[["a", "b"]].tolist())
    assert table["crps_mean"].iloc[0] != pytest.approx(table["crps_mean"].iloc[1])


def test_dyads_without_data_are_named_not_dropped(tmp_path):
    with Record(tmp_path / "r.sqlite") as rec:
        rec.add(make_forecast(), model="rw")
        rec.add(make_forecast(hist=history(name="Elsewhere")), model="rw")
        scores = rec.score(history(name="Testland"))
    assert any("Elsewhere" in n for n in scores.notes)
    status = scores.forecasts.set_index("dyad")["status"]
    assert status["Elsewhere"] == "no data" and status["Testland"] == "pending"


def test_scoring_against_other_data_than_the_forecast_was_made_from_is_said(tmp_path):
    """A forecast records the score it started from; data that give another score for its
    as-of month (another source under the same dyad name, a revision) are named in a note,
    and the same data give none."""
    hist = history(np.full(24, -5.0))
    fc = _stepped_forecast(hist, 0.3)
    later = np.r_[np.full(24, -5.0), -5.2, -6.3, np.full(10, -5.9)]
    other = later.copy()
    other[23] = 2.4  # the as-of month, as another index has it
    with Record(tmp_path / "r.sqlite") as rec:
        rec.add(fc, model="m")
        same = rec.score(history(later))
        moved = rec.score(history(other))
    assert not any("other data" in n for n in same.notes)
    (note,) = [n for n in moved.notes if "other data" in n]
    assert "started from -5" in note and "give 2.4 for 2001-12" in note
