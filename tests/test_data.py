import numpy as np
import pandas as pd
import pytest

import relforecast as rf

from .conftest import monthly


def long_frame(months=48, dyads=("Japan", "US")):
    index = pd.period_range("2000-01", periods=months, freq="M")
    rows = [
        dict(country=d, year=m.year, month=m.month, ym=str(m), score=round(i / 10 - 1, 1))
        for d in dyads
        for i, m in enumerate(index)
    ]
    return pd.DataFrame(rows)


def test_real_japan_loads(scores_csv):
    s = rf.load_scores(scores_csv, dyad="Japan")
    assert len(s) == 908
    assert s.index[-1] == pd.Period("2025-08", "M") and s.index.freqstr == "M"
    assert s.name == "Japan"
    assert s.loc["2023-08"] < -6 <= s.drop(pd.Period("2023-08", "M")).loc["2012-01":].min()


def test_real_panel_and_alias(scores_csv):
    panel = rf.load_panel(scores_csv)
    assert panel.shape == (908, 7)
    us = rf.load_scores(scores_csv, dyad="united states")
    pd.testing.assert_series_equal(us, panel["US"], check_names=False)


def test_long_frame_and_year_month_columns():
    frame = long_frame()
    s = rf.load_scores(frame, dyad="japan")
    assert s.name == "Japan" and len(s) == 48 and s.iloc[1] == pytest.approx(-0.9)
    s2 = rf.load_scores(frame.drop(columns="ym"), dyad="US")
    np.testing.assert_array_equal(s2.to_numpy(), s.to_numpy())


def test_renamed_columns_and_wide_layout():
    frame = long_frame().rename(columns={"country": "partner", "ym": "date", "score": "value"})
    s = rf.load_scores(frame, "US", country_col="partner", date_col="date", score_col="value")
    wide = frame.pivot(index="date", columns="partner", values="value").reset_index()
    w = rf.load_scores(wide, "US", date_col="date")
    pd.testing.assert_series_equal(s, w)
    panel = rf.load_panel(wide, date_col="date")
    assert list(panel.columns) == ["Japan", "US"]


def test_a_saved_panel_reads_back_as_it_was(tmp_path):
    """``load_panel(...).to_csv(path)`` writes the months as a first column 'month': reading
    the file back needs no date_col, and dyads that end early still end early."""
    panel = rf.datasets.demo_panel(3, 60)
    panel.iloc[-4:, 1] = np.nan  # one dyad four months shorter
    path = tmp_path / "panel.csv"
    panel.to_csv(path)
    again = rf.load_panel(path)
    pd.testing.assert_frame_equal(again, panel, check_freq=False, check_names=False)
    assert again.iloc[:, 1].last_valid_index() == panel.index[-5]


def test_series_input_with_datetime_index():
    raw = pd.Series(
        [1.0, 1.1, 1.2], index=pd.to_datetime(["2020-01-31", "2020-02-29", "2020-03-31"]), name="X"
    )
    s = rf.load_scores(raw)
    assert str(s.index[0]) == "2020-01" and s.name == "X"


def test_missing_months_are_named_and_fillable():
    frame = long_frame(dyads=("Japan",))
    frame = frame[~frame["ym"].isin(["2000-05", "2000-06"])]
    frame.loc[frame["ym"] == "2000-07", "score"] = -0.5  # after -0.7 in 2000-04
    with pytest.raises(rf.DataError, match=r"missing months for 'Japan': 2000-05, 2000-06.*fill="):
        rf.load_scores(frame)
    filled = rf.load_scores(frame, fill="ffill")
    assert filled.loc["2000-06"] == filled.loc["2000-04"]
    assert filled.attrs["filled_months"] == ["2000-05", "2000-06"]
    interp = rf.load_scores(frame, fill="interpolate")
    # linear interpolation gives -0.633 and -0.567, published at 0.1 resolution: -0.6
    assert interp.loc["2000-05"] == interp.loc["2000-06"] == pytest.approx(-0.6)


def test_until_reads_the_data_as_if_cut_there_by_hand():
    frame = long_frame()
    gap = frame[~((frame["country"] == "Japan") & (frame["ym"] == "2000-07"))]
    cut = gap[gap["ym"] <= "2000-06"]
    # a gap after the as-of month does not refuse the data
    with pytest.raises(rf.DataError, match="missing months for 'Japan': 2000-07"):
        rf.load_scores(gap, "Japan")
    pd.testing.assert_series_equal(
        rf.load_scores(gap, "Japan", until="2000-06"), rf.load_scores(cut, "Japan")
    )
    pd.testing.assert_frame_equal(rf.load_panel(gap, until="2000-06"), rf.load_panel(cut))
    # nor does a fill draw on a later score: the missing as-of month is not made up from 2000-08
    interp = rf.load_scores(gap, "Japan", until="2000-07", fill="interpolate")
    assert str(interp.index[-1]) == "2000-06"
    assert rf.load_scores(gap, "Japan", fill="interpolate").index[-1] > interp.index[-1]
    with pytest.raises(rf.DataError, match=r"1999-12 is before the first score of 'Japan' \(2000"):
        rf.load_panel(gap, until="1999-12")
    # leading empty scores are no data: the as-of month must reach the first real score
    blank = gap.assign(score=gap["score"].where(gap["ym"] > "2000-02"))
    match = r"2000-02 is before the first score of 'Japan' \(2000-03"
    with pytest.raises(rf.DataError, match=match):
        rf.load_scores(blank, "Japan", until="2000-02")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda f: pd.concat([f, f.iloc[[3]]]), r"duplicated months for 'Japan': 2000-04"),
        (lambda f: f.assign(ym=f["ym"].where(f.index != 2, "2000-13x")), r"unparseable .*2000-13x"),
        (
            lambda f: f.assign(score=f["score"].astype(object).where(f.index != 5, "n/a")),
            r"non-numeric scores for 'Japan' at 2000-06: 'n/a'",
        ),
        (
            lambda f: f.assign(score=f["score"].where(f.index != 7, 9.4)),
            r"outside the Tsinghua scale .* 2000-08: 9.4",
        ),
    ],
    ids=["duplicate", "bad-date", "non-numeric", "out-of-scale"],
)
def test_bad_values_name_the_problem(mutate, message):
    frame = mutate(long_frame(dyads=("Japan",)))
    with pytest.raises(rf.DataError, match=message):
        rf.load_scores(frame)


def test_unknown_dyad_lists_the_present_ones():
    with pytest.raises(rf.DataError, match=r"unknown dyad 'Mars'; the data has: Japan, US"):
        rf.load_scores(long_frame(), dyad="Mars")
    with pytest.raises(rf.DataError, match=r"holds 2 dyads .*dyad="):
        rf.load_scores(long_frame())


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(rf.DataError, match="is empty"):
        rf.load_scores(empty)
    header = tmp_path / "header.csv"
    header.write_text("country,year,month,ym,score\n")
    with pytest.raises(rf.DataError, match="no rows"):
        rf.load_scores(header)
    with pytest.raises(rf.DataError, match="does not exist"):
        rf.load_scores(tmp_path / "nope.csv")


def test_series_too_short_for_a_model():
    short = monthly(np.zeros(20))
    with pytest.raises(rf.DataError, match=r"20 months, too short .* at least 24"):
        rf.ARIMA(order=(0, 1, 0)).fit(short)


def test_a_frame_with_a_column_twice_is_refused_naming_it():
    # a second column of one dyad was read as a DataFrame where a series was expected
    demo = rf.datasets.demo()
    twice = pd.concat([demo.rename("A"), (demo / 2).round(1).rename("A")], axis=1)
    for read in (
        lambda: rf.load_panel(twice),
        lambda: rf.load_scores(twice, "A"),
        lambda: rf.backtest(twice, "rw-gauss", origins="2020-01", horizon=3, n_paths=50),
    ):
        with pytest.raises(rf.DataError, match=r"the column\(s\) \['A'\] twice"):
            read()
    once = twice.iloc[:, :1]
    assert rf.load_panel(once)["A"].equals(rf.load_scores(once, "A").rename("A"))
