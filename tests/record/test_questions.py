import numpy as np
import pandas as pd
import pytest

from relforecast.exceptions import RecordError
from relforecast.forecast import Forecast
from relforecast.record.questions import default_questions, parse_question


@pytest.mark.parametrize(
    ("name", "kind", "threshold", "level"),
    [
        ("cross_-6", "cross", -6.0, None),
        ("cross_above_3", "cross_above", 3.0, None),
        ("back_above_-5.5", "back_above", -5.5, None),
        ("below_end_-6", "below_end", -6.0, None),
        ("above_end_0", "above_end", 0.0, None),
        ("level_end_tension", "level_end", None, "tension"),
    ],
)
def test_names_parse(name, kind, threshold, level):
    q = parse_question(name)
    assert (q.kind, q.threshold, q.level) == (kind, threshold, level)


@pytest.mark.parametrize("bad", ["cross-6", "cross_", "p_cross_-6", "cross_-12", "level_end_calm"])
def test_bad_names_are_refused_with_the_forms(bad):
    with pytest.raises(RecordError, match="question"):
        parse_question(bad)


def test_probabilities_count_published_paths():
    # 8 paths, 3 months; published at 0.1: -6.04 rounds to -6.0, which is not below -6
    paths = np.array(
        [
            [-5.0, -6.2, -5.0],  # crosses, back above, ends above
            [-5.0, -5.0, -6.5],  # crosses at the end
            [-6.04, -6.04, -6.04],  # sits on -6: never strictly below
            [-6.5, -6.5, -6.5],  # below throughout
            [-4.0, -3.0, 3.5],  # rises above 3
            [-5.0, -5.0, -5.0],
            [-5.0, -5.0, -5.0],
            [-5.0, -5.0, -5.0],
        ]
    )
    fc = Forecast(paths, pd.period_range("2025-07", periods=3, freq="M"))
    p = {
        n: parse_question(n).probability(fc)
        for n in [
            "cross_-6",
            "back_above_-6",
            "below_end_-6",
            "cross_above_3",
            "above_end_3",
            "level_end_confrontation",
            "level_end_good",
        ]
    }
    assert p["cross_-6"] == 3 / 8
    assert p["back_above_-6"] == 7 / 8  # every path but the one below throughout
    assert p["below_end_-6"] == 2 / 8
    assert p["cross_above_3"] == p["above_end_3"] == 1 / 8
    assert p["level_end_confrontation"] == 2 / 8 and p["level_end_good"] == 1 / 8
    assert p["cross_-6"] == fc.prob_cross(-6)


def test_outcomes_resolve_as_soon_as_certain():
    cross, end = parse_question("cross_-6"), parse_question("below_end_-6")
    back = parse_question("back_above_-6")
    assert cross.outcome(np.array([-5.0, -6.1]), complete=False) == 1.0
    assert cross.outcome(np.array([-5.0, -6.0]), complete=False) is None
    assert cross.outcome(np.array([-5.0, -6.0]), complete=True) == 0.0
    assert end.outcome(np.array([-6.5, -6.5]), complete=False) is None
    assert end.outcome(np.array([-6.5, -6.5]), complete=True) == 1.0
    assert back.outcome(np.array([-6.5, -6.0]), complete=False) == 1.0  # at -6 is back
    assert cross.outcome(np.array([]), complete=False) is None


def test_default_questions_follow_the_state_of_the_relation():
    above = [q.name for q in default_questions(-5.0, (-6.0, -3.0))]
    assert above == ["cross_-6", "back_above_-3", "below_end_-3"]
    on = [q.name for q in default_questions(-6.0, (-6.0,))]
    assert on == ["cross_-6"]  # -6 itself is not below -6: a crossing is still news


def test_a_relation_below_every_threshold_is_asked_whether_it_gets_worse_as_the_outlook_asks():
    from relforecast.questions import default_questions as outlook_questions

    names = [q.name for q in default_questions(-6.5, (-6.0, -3.0))]
    assert names == ["back_above_-6", "below_end_-6", "back_above_-3", "below_end_-3", "cross_-7"]
    assert "cross_-9" not in [q.name for q in default_questions(-8.7, (-6.0,))]
    # the same question, the same answer from the same paths, in the record and the outlook
    gen = np.random.default_rng(1)
    paths = np.round(-6.5 + np.cumsum(gen.choice([-0.1, 0, 0.1], size=(500, 12)), axis=1), 1)
    fc = Forecast(paths, pd.period_range("2025-07", periods=12, freq="M"))
    asked = {q.code: q.answer(fc).p for q in outlook_questions(-6.5, -6.0, fc.scale)}
    record = {q.name: q.probability(fc) for q in default_questions(-6.5, (-6.0,))}
    assert record["cross_-7"] == asked["ever-below:-7"]
    assert record["back_above_-6"] == asked["ever-at-or-above:-6"]
    assert record["below_end_-6"] == asked["end-below:-6"]
    assert 0 < record["cross_-7"] < 1
