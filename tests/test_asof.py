"""The as-of cut: nothing dated after the as-of month reaches a fit."""

import json

import pandas as pd
import pytest

import relforecast as rf
from relforecast.asof import as_of, cut_calendar, cut_events
from relforecast.cli.main import main


def test_as_of_cuts_every_dated_input():
    series = rf.datasets.demo()
    calendar = rf.ShockCalendar(
        [
            rf.Shock("leader_change", "2024-10", shape="step", name="old"),
            rf.Shock("leader_change", "2025-10", shape="step", name="later"),
        ],
        regressors=pd.DataFrame(
            {"events_net": [1.0, 2.0, 3.0]}, index=pd.period_range("2025-05", periods=3, freq="M")
        ),
    )
    events = rf.load_events(
        pd.DataFrame(
            {
                "country_en": ["Demo", "Demo", "Demo"],
                "event_date": ["2025-05", "2025-06", "2025-07"],
                "impact": ["negative", "positive", "negative"],
                "event_category_en": ["a", "b", "c"],
                "event_name": ["x", "y", "z"],
            }
        )
    )
    cut = as_of("2025-03", series=series, calendar=calendar, events=events)
    assert cut.series.index[-1] == pd.Period("2025-03", "M")
    assert cut.series.attrs["synthetic"] is True
    assert [s.label for s in cut.calendar] == ["old"]
    assert cut.calendar.regressors.empty
    assert len(cut.events) == 0
    assert cut.dropped == {"score months": 3, "shocks": 1, "events": 3}
    assert "left out 3 score months, 1 shock, 3 events" in cut.describe()
    # default: the data's last month; nothing after it survives
    cut = as_of(None, series=series, calendar=calendar, events=events)
    assert cut.month == series.index[-1] and len(cut.calendar) == 1
    assert list(cut.calendar.regressors["events_net"]) == [1.0, 2.0]
    assert list(cut_events(events, "2025-06").frame["description"]) == ["x", "y"]
    assert cut_calendar(None, "2025-06") is None
    with pytest.raises(rf.DataError, match="before the first month"):
        as_of("1900-01", series=series)


def test_as_of_refuses_scenarios_dated_inside_the_history():
    past = rf.Scenario("past", [rf.Shock("tariff", "2025-06", effect=(-1, 0))])
    with pytest.raises(rf.ShockError, match="starts 2025-06, at or before the last observed"):
        as_of("2025-06", series=rf.datasets.demo(), scenarios=[past])
    assert as_of("2025-05", series=rf.datasets.demo(), scenarios=[past]).scenarios == (past,)


def _leaders_table(path, rows):
    header = "国家英文名,实权职位英文,领导人姓名英文,任期开始,任期结束\n"
    path.write_text(header + "".join(f"Japan,Prime Minister,{r}\n" for r in rows))
    return path


def test_forecast_until_cuts_the_leaders_calendar(tmp_path, capsys, scores_csv):
    """--until 2025-06 with a leaders table holding a later PM must equal the run on a table
    without that row: a leader who took office after the as-of month must not enter the fit."""
    rows = ["Kishida,2021-10,2024-10", "Ishiba,2024-10,2025-10", "Takaichi,2025-10,"]
    full = _leaders_table(tmp_path / "full.csv", rows)
    cut = _leaders_table(tmp_path / "cut.csv", rows[:2])
    outputs = []
    for leaders in (full, cut):
        code = main(
            [
                "forecast",
                str(scores_csv),
                "--dyad",
                "Japan",
                "--until",
                "2025-06",
                "--leaders",
                str(leaders),
                "--model",
                "markov",
                "--paths",
                "2000",
                "--format",
                "json",
            ]
        )
        captured = capsys.readouterr()
        assert code == 0, captured.err
        outputs.append(json.loads(captured.out))
    assert outputs[0] == outputs[1]
    assert outputs[0]["origin"] == "2025-06"


def test_backtest_origins_see_no_later_shock():
    series = rf.datasets.demo().loc[:"2015-12"]
    later = rf.ShockCalendar([rf.Shock("tariff", "2015-06", shape="step", name="later")])
    with_later = rf.backtest(
        series, "arima110", ["2014-12"], horizon=6, shocks=later, n_paths=300, rng=1
    )
    without = rf.backtest(series, "arima110", ["2014-12"], horizon=6, n_paths=300, rng=1)
    pd.testing.assert_frame_equal(with_later, without)


@pytest.mark.parametrize("command", ["forecast", "outlook"])
def test_until_before_the_data_is_the_same_error_on_the_demo_and_a_file(
    tmp_path, capsys, command
):
    """An as-of month before the first score is an error of the data (exit 1, one line), on
    the demo as on a DATA file: the same kind as an as-of month after the last score."""
    months = pd.period_range("2000-01", periods=60, freq="M")
    path = tmp_path / "scores.csv"
    pd.DataFrame({"country": "Demo", "ym": months.astype(str), "score": 0.5}).to_csv(
        path, index=False
    )
    out = ["--out", str(tmp_path / "o")] if command == "outlook" else []
    first = rf.datasets.demo().index[0]
    for data, start in ((None, first), (path, months[0])):
        before = str(start - 1)
        argv = [command, *([str(data)] if data else []), "--until", before, *out]
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 1, (data, err)
        assert err.count("\n") == 1 and before in err and str(start) in err
    # the kind of error of an as-of month after the data, on both paths
    for data, end in ((None, rf.datasets.demo().index[-1]), (path, months[-1])):
        argv = [command, *([str(data)] if data else []), "--until", str(end + 1), *out]
        assert main(argv) == 1
    capsys.readouterr()
    assert not (tmp_path / "o").exists()
