"""The source options of every command reading DATA (--where, --scale, the column options) and
what they mean in Python: scales with and without a grid, the grid refusal, row filters, the
models built on a scale, members stepping aside, one refit schedule."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.cli import main
from relforecast.models.registry import make_model
from relforecast.scale import parse_scale
from tests.conftest import monthly


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


# ------------------------------------------------------------------------------- --scale
def test_scale_forms():
    assert parse_scale("tsinghua") is rf.TSINGHUA_SCALE
    assert parse_scale("none") is rf.UNBOUNDED_SCALE
    cont = parse_scale("-10:10")
    assert (cont.lower, cont.upper, cont.step, cont.bounded) == (-10.0, 10.0, None, True)
    assert not cont.off_grid(1.41879) and cont.contains(10.0) and not cont.contains(10.01)
    assert cont.round(1.41879) == 1.41879  # no grid: nothing to round to
    # a value on a bound maps to a finite transformed value and back inside the bounds
    z = cont.to_unbounded(np.array([-10.0, 0.0, 10.0]))
    assert np.all(np.isfinite(z)) and z[0] < -10 < 10 < z[2]
    assert np.all(np.abs(cont.from_unbounded(z)) < 10)
    grid = parse_scale("0:100:0.5")
    assert (grid.lower, grid.upper, grid.step) == (0.0, 100.0, 0.5)
    assert list(grid.off_grid(np.array([3.5, 3.25, 100.0]))) == [False, True, False]
    # the Tsinghua grid: 0.1 steps from -9, decimal text noise not counted
    assert list(rf.TSINGHUA_SCALE.off_grid(np.array([-5.4, 0.1 + 0.2, -5.45]))) == [
        False,
        False,
        True,
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("celsius", "not known"),
        ("10:-10", "LO must be below HI"),
        ("a:b", "not a number"),
        ("1:2:3:4", "not known"),
        ("0:1:0", "STEP must be positive"),
        ("0:1:0.3", "not a whole number of steps"),
        ("0:inf", "finite"),
    ],
)
def test_bad_scale_forms_are_one_line_errors(capsys, text, words):
    with pytest.raises(rf.ScaleError, match=words):
        parse_scale(text)
    code, out, err = run(capsys, "forecast", "--scale", text, "--paths", "100")
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and "--scale" in err and repr(text) in err and words in err


# -------------------------------------------------------------------------- grid refusal
@pytest.fixture()
def continuous_csv(tmp_path):
    """A long table inside -9 ... 9 on the 0.1 grid but for one value, named in the refusal."""
    rng = np.random.default_rng(0)
    months = pd.period_range("2015-01", periods=60, freq="M")
    values = np.round(np.clip(np.cumsum(rng.normal(0, 0.4, 60)), -8, 8), 1)
    values[7] = 1.23457
    path = tmp_path / "continuous.csv"
    pd.DataFrame({"country": "Japan", "ym": months.astype(str), "score": values}).to_csv(
        path, index=False
    )
    return path


def test_values_off_the_grid_are_refused_by_name(capsys, continuous_csv):
    with pytest.raises(rf.DataError, match=r"not on the Tsinghua scale's grid of 0\.1"):
        rf.load_scores(continuous_csv, "Japan")
    code, out, err = run(capsys, "forecast", continuous_csv, "--dyad", "Japan", "--paths", 200)
    assert code != 0 and out == ""
    assert "1.23457" in err and "--scale=-10:10" in err and "--scale none" in err
    # declared, it is taken as it is
    series = rf.load_scores(continuous_csv, "Japan", scale="-10:10")
    raw = pd.read_csv(continuous_csv)["score"].to_numpy()
    np.testing.assert_array_equal(series.to_numpy(), raw)
    code, out, err = run(
        capsys, "forecast", continuous_csv, "--dyad", "Japan", "--scale=-10:10",
        "--model", "arima", "--paths", 200, "--threshold", 0, "--format", "json",
    )  # fmt: skip
    assert code == 0, err


def test_a_series_declared_continuous_is_refused_by_a_model_on_a_grid(continuous_csv):
    series = rf.load_scores(continuous_csv, "Japan", scale="-10:10")
    panel = rf.load_panel(continuous_csv, scale="-10:10")
    # taken as a Tsinghua series it would be published on the 0.1 grid without a word
    for model in (rf.Auto(), rf.ARIMA(order=(1, 1, 0)), rf.BlockBootstrap()):
        with pytest.raises(rf.DataError, match=r"loaded on the scale '-10:10' and .* grid of "
                           r"0\.1 .* rf\.Auto\(scale='-10:10'\)"):
            model.fit(series)
    with pytest.raises(rf.DataError, match="loaded on the scale '-10:10' and auto is on"):
        rf.Auto().fit(series.iloc[:-6])  # a slice keeps the declaration
    with pytest.raises(rf.DataError, match="loaded on the scale '-10:10'"):
        rf.backtest(panel, "arima110", ["2018-12"], 3, n_paths=100)  # before any origin
    # on the declared scale, or on a scale without a grid, it is fitted
    fit = rf.Auto(scale="-10:10").fit(series)
    assert fit.forecast(3, n_paths=200, rng=0).paths.shape == (200, 3)
    rf.ARIMA(order=(1, 1, 0), scale=None).fit(series)
    bt = rf.backtest(panel, "arima110", ["2018-12"], 3, n_paths=100, scale="-10:10")
    assert len(bt) == 3
    # a Tsinghua series (declared so by default) fits every model as before
    tsinghua = series.round(1).clip(-9, 9)
    tsinghua.attrs["scale"] = rf.TSINGHUA_SCALE
    rf.ARIMA(order=(1, 1, 0)).fit(tsinghua)
    tsinghua.attrs["scale"] = parse_scale("-9:9:0.1")  # the same bounds and grid, no levels
    rf.ARIMA(order=(1, 1, 0)).fit(tsinghua)


def test_an_unbounded_scale_prints_its_table_without_levels(capsys, continuous_csv):
    """A scale with no levels (--scale none) prints the same numbers as its JSON, with no
    level column, rather than failing on the missing column."""
    common = ["forecast", continuous_csv, "--dyad", "Japan", "--scale", "none", "--model",
              "arima", "--paths", 200, "--horizon", 3, "--threshold", 0]  # fmt: skip
    code, out, err = run(capsys, *common, "--format", "json")
    assert code == 0, err
    months = json.loads(out)["months"]
    code, out, err = run(capsys, *common)
    assert code == 0, err
    lines = out.splitlines()
    header, rows = lines[2], lines[4:]  # two heading lines, the column names, "month"
    assert "level" not in header.split() and header.split()[-1] == "p_cross_0"
    printed = [float(row.split()[3]) for row in rows]  # month, mean, q10, q50, ...
    np.testing.assert_allclose(printed, [m["q50"] for m in months], atol=0.006)


# ---------------------------------------------------------------------------- --where
def event_table(months: int = 30, start: str = "2022-01") -> pd.DataFrame:
    """A synthetic event-index table: two sources, two index types, one partner, values
    continuous in -10 ... 10 (one GDELT value on the bound 10.0)."""
    rng = np.random.default_rng(4)
    index = pd.period_range(start, periods=months, freq="M").astype(str)
    rows = []
    for source in ("GDELT", "ICEWS"):
        for kind in ("aggregated", "china_to_partner"):
            values = np.round(np.clip(rng.normal(2, 3, months), -10, 10), 5)
            rows.append(
                pd.DataFrame(
                    {"source": source, "partner": "Japan", "index_type": kind,
                     "month": index, "value": values}
                )
            )  # fmt: skip
    table = pd.concat(rows, ignore_index=True)
    table.loc[(table["source"] == "GDELT") & (table["index_type"] == "aggregated"), "value"] = (
        np.where(np.arange(months) == 5, 10.0, table["value"].iloc[:months])
    )
    return table


def test_where_keeps_the_rows_asked_for(tmp_path):
    table = event_table()
    path = tmp_path / "events.csv"
    table.to_csv(path, index=False)
    where = {"source": "ICEWS", "index_type": "china_to_partner"}
    columns = {"country_col": "partner", "date_col": "month", "score_col": "value"}
    series = rf.load_scores(path, "Japan", where=where, scale="-10:10", **columns)
    expected = table[(table["source"] == "ICEWS") & (table["index_type"] == "china_to_partner")]
    np.testing.assert_array_equal(series.to_numpy(), expected["value"].to_numpy())
    panel = rf.load_panel(table, where={"source": "GDELT", "index_type": "aggregated"},
                          scale="-10:10", **columns)  # fmt: skip
    assert panel["Japan"].max() == 10.0  # a value on the bound is inside the scale
    with pytest.raises(rf.DataError, match=r"several series for .Japan.*--where source=GDELT"):
        rf.load_scores(path, "Japan", scale="-10:10", **columns)
    with pytest.raises(rf.DataError, match=r"no column 'origin' among \['source'"):
        rf.load_scores(path, "Japan", where={"origin": "x"}, **columns)
    with pytest.raises(rf.DataError, match="'source' never equals 'ACLED'; it holds GDELT, ICEWS"):
        rf.load_scores(path, "Japan", where={"source": "ACLED"}, **columns)


def test_several_series_are_refused_for_the_dyad_asked_for():
    """A table of several series per partner is refused naming the partner asked for, not the
    table's first one; a panel of all partners names the first."""
    japan = event_table()
    table = pd.concat([japan.assign(partner="Belgium"), japan], ignore_index=True)
    columns = {"country_col": "partner", "date_col": "month", "score_col": "value"}
    with pytest.raises(rf.DataError, match=r"several series for 'Japan'"):
        rf.load_scores(table, "Japan", scale="-10:10", **columns)
    with pytest.raises(rf.DataError, match=r"several series for 'Japan'"):
        rf.load_panel(table, ["Japan"], scale="-10:10", **columns)
    with pytest.raises(rf.DataError, match=r"several series for 'Belgium'"):
        rf.load_panel(table, scale="-10:10", **columns)
    where = {"source": "GDELT", "index_type": "aggregated"}
    assert rf.load_panel(table, where=where, scale="-10:10", **columns).shape[1] == 2


def test_where_errors_on_the_command_line(capsys, tmp_path):
    path = tmp_path / "events.csv"
    event_table().to_csv(path, index=False)
    common = ["forecast", path, "--dyad", "Japan", "--country-col", "partner", "--date-col",
              "month", "--score-col", "value", "--scale=-10:10", "--paths", 100]  # fmt: skip
    for where, named in (("colour=red", "'colour'"), ("source=ACLED", "'ACLED'"), ("src", "src")):
        code, out, err = run(capsys, *common, "--where", where)
        assert code != 0 and out == "" and err.count("\n") == 1 and named in err


def test_a_default_threshold_the_scale_cannot_hold_is_asked_for(capsys, tmp_path):
    """--threshold left at -6 on a 0 … 100 score is asked for by name (the user gave no -6);
    a -6 the user gave is refused as theirs."""
    months = pd.period_range("2000-01", periods=120, freq="M").astype(str)
    path = tmp_path / "percent.csv"
    pd.DataFrame({"country": "X", "ym": months, "score": 50.0}).assign(
        score=lambda t: t["score"] + np.arange(120) % 7
    ).to_csv(path, index=False)
    common = ["forecast", path, "--dyad", "X", "--scale", "0:100:1", "--paths", 100]
    code, out, err = run(capsys, *common)
    assert code != 0 and out == "" and err.count("\n") == 1
    assert "--threshold defaults to -6" in err and "--threshold 50" in err
    code, _, err = run(capsys, *common, "--threshold", -6)
    assert code != 0 and "threshold -6 is outside the scale [0, 100]" in err


@pytest.fixture()
def two_partners(tmp_path):
    """The event-index table of two partners (Korea's values Japan's mirrored) and the
    options of a quick panel forecast of its ICEWS china_to_partner series on -10:10."""
    table = pd.concat(
        [event_table(), event_table().assign(partner="Korea", value=lambda t: -t["value"])]
    )
    path = tmp_path / "events.csv"
    table.to_csv(path, index=False)
    argv = ["forecast", path, "--dyad", "Japan,Korea", "--country-col", "partner",
            "--date-col", "month", "--score-col", "value", "--where", "source=ICEWS",
            "--where", "index_type=china_to_partner", "--scale=-10:10", "--model", "arima",
            "--threshold", 0, "--horizon", 2, "--paths", 200]  # fmt: skip
    return table, argv


def test_the_panel_forecast_keeps_where_and_scale(capsys, two_partners):
    """--dyad A,B reads the rows and the scale asked for, as one dyad does: its table is
    the Python panel forecast of the filtered panel on that scale."""
    table, argv = two_partners
    where = {"source": "ICEWS", "index_type": "china_to_partner"}
    code, out, err = run(capsys, *argv, "--format", "csv")
    assert code == 0, err
    panel = rf.load_panel(table, where=where, scale="-10:10", country_col="partner",
                          date_col="month", score_col="value")  # fmt: skip
    model = make_model("arima", scale="-10:10")
    expected = rf.forecast_panel(panel, model, 2, 200, rng=0, thresholds=(0,))
    printed = pd.read_csv(io.StringIO(out))
    assert list(printed["dyad"]) == ["Japan", "Japan", "Korea", "Korea"]
    np.testing.assert_allclose(printed["q50"], expected["q50"], atol=1e-4)


def test_the_panel_forecast_on_a_declared_scale_names_its_model(capsys, two_partners):
    """Off the Tsinghua scale the model is a specification: the JSON and the table name it
    as its rows do, instead of failing on (or printing) the object."""
    _, argv = two_partners
    code, out, err = run(capsys, *argv, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["model"] == "ARIMA(auto)" == doc["months"][0]["model"]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert out.splitlines()[0].startswith("2 dyads: ARIMA(auto), 2 months ahead")
    # one span from bound to bound: no level column (it said '-10 to 10' on every row)
    header = out.splitlines()[2].split()
    assert header[-1] == "band" and "level" not in header and "to 10" not in out, out


def test_the_panel_table_on_a_scale_without_levels_is_refused_first(capsys, two_partners):
    """The overview gives each dyad's level: with --scale none it is refused before any dyad
    is forecast, naming the fixes; the CSV, which has no level, is written."""
    _, argv = two_partners
    argv = [a if a != "--scale=-10:10" else "--scale=none" for a in argv]
    for fmt in ("table", "json"):
        code, out, err = run(capsys, *argv, "--format", fmt)
        assert code != 0 and out == "" and err.count("\n") == 1, err  # no progress lines
        assert "--scale none has no levels" in err and "--format csv" in err
    code, out, err = run(capsys, *argv, "--format", "csv")
    assert code == 0, err
    assert pd.read_csv(io.StringIO(out))["dyad"].tolist() == ["Japan", "Japan", "Korea", "Korea"]


# ------------------------------------------------------------------- event-index backtest
def test_the_event_index_backtest_command(capsys, tmp_path):
    """The protocol command of the event indices, on a short synthetic file: the origins
    before the data or with too few months are skipped, the others give rows on -10 ... 10."""
    path = tmp_path / "event_indices.csv"
    event_table(months=31, start="2021-12").to_csv(path, index=False)
    out_csv = tmp_path / "bt.csv"
    code, _, err = run(
        capsys, "backtest", path, "--dyad", "all", "--country-col", "partner",
        "--date-col", "month", "--score-col", "value", "--where", "source=GDELT",
        "--where", "index_type=aggregated", "--scale=-10:10",
        "--origins", "2008-06:2024-06", "--every", 6, "--horizon", 12, "--model", "auto",
        "--thresholds", 0, "--paths", 2000, "--seed", 1, "--out", out_csv,
    )  # fmt: skip
    assert code == 0, err
    table = pd.read_csv(out_csv, dtype={"origin": str})
    # 2023-06 has 19 months of data (fewer than the 24 a model needs), 2023-12 has 25
    assert sorted(table["origin"].unique()) == ["2023-12", "2024-06"]
    assert len(table) == 2 * 12 and set(table["dyad"]) == {"Japan"}
    q = table.filter(regex=r"^q\d+$").to_numpy()
    assert np.all((q >= -10) & (q <= 10)) and np.all(np.diff(q, axis=1) >= -1e-9)
    assert table["cross_0"].between(0, 1).all()


def test_the_months_fill_made_up_are_named(capsys, tmp_path):
    """--fill is asked for, but which months it made up is said, not left for the reader of
    the forecast to guess."""
    table = event_table()
    gaps = ["2022-04", "2022-05", "2023-02"]
    path = tmp_path / "gaps.csv"
    table[~table["month"].isin(gaps)].to_csv(path, index=False)
    common = ["forecast", path, "--dyad", "Japan", "--country-col", "partner", "--date-col",
              "month", "--score-col", "value", "--where", "source=GDELT", "--where",
              "index_type=aggregated", "--scale=-10:10", "--model", "arima", "--paths", 100,
              "--threshold", 0]  # fmt: skip
    code, _, err = run(capsys, *common)
    assert code != 0 and "missing months for 'Japan': 2022-04, 2022-05, 2023-02" in err
    code, _, err = run(capsys, *common, "--fill", "ffill")
    assert code == 0, err
    assert "--fill ffill: filled 3 missing month(s) of Japan: 2022-04, 2022-05, 2023-02" in err


# ---------------------------------------------------------------------- models on a scale
def test_auto_on_an_unbounded_scale_goes_beyond_nine():
    rng = np.random.default_rng(1)
    series = monthly(np.linspace(0, 15, 120) + rng.normal(0, 0.3, 120), start="2010-01")
    with pytest.raises(rf.DataError, match="outside the Tsinghua scale"):
        rf.Auto().fit(series)
    pool = rf.Auto(scale=rf.UNBOUNDED_SCALE)
    assert all(c.scale is rf.UNBOUNDED_SCALE for c in pool.components)
    fc = pool.fit(series).forecast(12, n_paths=2000, rng=0)
    # the data end near 15: the paths are there, far outside the Tsinghua bounds
    assert np.median(fc.paths[:, 0]) == pytest.approx(series.iloc[-1], abs=1.0)
    assert np.mean(fc.paths > 9) > 0.9
    # a model name on a scale: every member of the pool on it
    named = rf.backtest(series, "auto", ["2019-06"], 3, thresholds=[12], n_paths=300,
                        scale="none")  # fmt: skip
    assert named["q50"].iloc[0] > 9


def test_auto_scale_and_given_components_must_agree():
    arima = rf.ARIMA(order=(1, 1, 0), scale=None)
    assert rf.Auto(components=[arima]).scale is rf.UNBOUNDED_SCALE
    with pytest.raises(rf.SpecError, match="not all on the -10:10 scale"):
        rf.Auto(components=[arima], scale="-10:10")


def test_auto_on_a_short_series_without_its_regime_member():
    """30 months: the regime member (49 months needed) steps aside, the pool fits."""
    short = rf.datasets.demo().iloc[-30:]
    with pytest.raises(rf.FitError, match="at least 49 months"):
        make_model("markov").fit(short)
    fit = rf.Auto().fit(short)
    assert len(fit.fits) == len(rf.Auto().components) - 1
    assert not any("MS(2)" in f.name for f in fit.fits)
    notes = [d for d in fit.diagnostics if "stepped aside" in d]
    assert len(notes) == 1 and "MS(2)" in notes[0] and "49 months" in notes[0]
    assert len(fit.weights) == len(fit.fits) and sum(fit.weights) == pytest.approx(1.0)
    fc = fit.forecast(12, n_paths=500, rng=0)
    assert fc.paths.shape == (500, 12)
    with pytest.raises(rf.DataError, match="too short"):  # no member can fit: refused
        rf.Auto().fit(short.iloc[-20:])


# ------------------------------------------------------------------------ refit schedule
def test_python_and_cli_backtests_share_the_refit_schedule(capsys, tmp_path):
    rng = np.random.default_rng(2)
    months = pd.period_range("2000-01", periods=120, freq="M")
    values = np.round(np.clip(np.cumsum(rng.normal(0, 0.3, 120)), -8.9, 8.9), 1)
    path = tmp_path / "scores.csv"
    pd.DataFrame({"country": "X", "ym": months.astype(str), "score": values}).to_csv(
        path, index=False
    )
    span, settings = "2007-06:2008-03", {"every": 3, "n_paths": 300, "rng": 4}
    python = rf.backtest(rf.load_scores(path, "X"), "arima110", span, 6, **settings)
    out_csv = tmp_path / "bt.csv"
    code, _, err = run(
        capsys, "backtest", path, "--dyad", "X", "--origins", span, "--every", 3,
        "--horizon", 6, "--model", "arima110", "--paths", 300, "--seed", 4, "--out", out_csv,
    )  # fmt: skip
    assert code == 0, err
    cli = pd.read_csv(out_csv, dtype={"origin": str, "target": str})
    assert len(cli) == len(python) == 4 * 6
    pd.testing.assert_frame_equal(
        cli, python.reset_index(drop=True), check_dtype=False, rtol=1e-4, atol=1e-6
    )
    # the schedule matters: re-estimating once for the four origins gives other rows
    sparse = rf.backtest(rf.load_scores(path, "X"), "arima110", span, 6, refit_every=12,
                         **settings)  # fmt: skip
    assert not np.allclose(sparse["q50"], python["q50"])
