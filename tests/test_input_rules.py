"""The shared rules for bad input: one mechanism per class (docs/errors.md, "Classes of bad
input"), each checked where it used to give a silent, lost or foreign result."""

from __future__ import annotations

import contextlib
import io
import json
import re
import resource
import signal
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast._memory import check_request
from relforecast._yaml import MAX_DEPTH, load_yaml
from relforecast.cli import main as cli_main
from relforecast.evaluation import validate_backtest
from relforecast.periods import parse_months, to_month
from relforecast.report.writer import OutputFolder, folder_kind

from .users import as_another_user

HEADER = "country,year,month,ym,score\n"


def _long(path: Path, names: list[str], months: int = 48) -> Path:
    index = pd.period_range("2000-01", periods=months, freq="M")
    rows = [
        f"{names[min(i, len(names) - 1)]},{m.year},{m.month},{m},{-1 + 0.1 * (i % 7):.1f}"
        for i, m in enumerate(index)
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n")
    return path


def _cli(*argv: object) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli_main([str(a) for a in argv])
    return code, err.getvalue()


# ------------------------------------------------------------------ dyad identity
def test_a_dyad_spelled_two_ways_is_refused_naming_both(tmp_path: Path) -> None:
    split = _long(tmp_path / "split.csv", ["Japan"] * 46 + ["japan"])
    whole = _long(tmp_path / "whole.csv", ["Japan"])
    assert rf.load_scores(whole, "Japan").index[-1] == pd.Period("2003-12", "M")
    for load in (lambda: rf.load_scores(split, "Japan"), lambda: rf.load_panel(split)):
        with pytest.raises(rf.DataError, match="'Japan' and 'japan'"):
            load()
    us = _long(tmp_path / "us.csv", ["US"]).read_text()
    alias = tmp_path / "alias.csv"
    other = _long(tmp_path / "x.csv", ["United States"]).read_text()
    alias.write_text(us + other.split("\n", 1)[1])
    with pytest.raises(rf.DataError, match="'US' and 'United States'"):
        rf.load_panel(alias)
    with pytest.raises(rf.DataError, match="twice"):
        rf.load_panel(whole, ["Japan", "Japan"])


def test_event_rows_spelled_two_ways_are_pooled_with_a_warning() -> None:
    frame = pd.DataFrame(
        {"dyad": ["Japan", "japan", "US"], "month": ["2020-01", "2020-02", "2020-01"],
         "impact": ["positive", "negative", "positive"], "topic": ["visit"] * 3,
         "event_name": ["a", "b", "c"]}
    )  # fmt: skip
    log = rf.load_events(frame, dyad_col="dyad", month_col="month", topic_col="topic")
    with pytest.warns(rf.RelforecastWarning, match="'Japan' and 'japan'"):
        rows = log.for_dyad("Japan")
    assert len(rows) == 2


def test_booleans_are_not_scores() -> None:
    index = pd.period_range("2000-01", periods=40, freq="M")
    with pytest.raises(rf.DataError, match="true/false"):
        rf.load_scores(pd.Series([True, False] * 20, index=index, name="X"))


# ------------------------------------------------------------------ asked twice, empty results
def test_the_same_model_or_threshold_twice_is_refused() -> None:
    series = rf.datasets.demo()
    with pytest.raises(rf.SpecError, match="rw-gauss given more than once"):
        rf.backtest(series, ["rw-gauss", "rw-gauss"], "2020-01", n_paths=100)
    with pytest.raises(rf.ForecastError, match=r"-6\.0 given more than once"):
        rf.backtest(series, "rw-gauss", "2020-01", n_paths=100, thresholds=[-6, -6.0])
    for bad in ({"n_paths": 0}, {"horizon": 0}):
        with pytest.raises(rf.ForecastError):
            rf.backtest(series, "rw-gauss", "2020-01", **bad)
    with pytest.raises(rf.ForecastError, match="no origin could be backtested"):
        rf.backtest(series, "rw-gauss", str(series.index[0]), n_paths=100)


def test_a_repeated_outlook_anchor_is_refused_before_anything_runs(tmp_path: Path) -> None:
    said: list[str] = []
    with pytest.raises(rf.DataError, match="anchor 2012-09 given more than once"):
        rf.outlook(
            rf.datasets.demo(), model="block", n_paths=200, track_record=None,
            anchors=["2012-09=a", "2019-06", "2012-09"], out=tmp_path / "report",
            progress=said.append,
        )  # fmt: skip
    assert said == [] and not (tmp_path / "report").exists()
    with pytest.raises(rf.DataError, match=r"anchor 1900-01 is outside the data \(1950-01"):
        rf.outlook(
            rf.datasets.demo(), model="block", n_paths=200, track_record=None,
            anchors=["1900-01"], out=tmp_path / "report", progress=said.append,
        )  # fmt: skip
    assert said == [] and not (tmp_path / "report").exists()


def test_an_outlook_of_a_short_series_draws_its_analogues_inside_the_data(
    tmp_path: Path,
) -> None:
    """The default analogue anchors (ten and five years back) are kept only inside the data,
    else the first month: an outlook of four years of data is written."""
    from relforecast.report.outlook_compute import default_anchors

    demo = rf.datasets.demo()
    for months, inside in ((48, [0]), (90, [-61]), (200, [-121, -61])):
        short = demo.iloc[-months:]
        chosen = [m for m, _ in default_anchors(short, None, 3, "en")]
        assert chosen == [short.index[i] for i in inside]
    short = demo.iloc[-48:]
    rf.outlook(short, model="block", n_paths=200, track_record=None, out=tmp_path / "r")
    assert (tmp_path / "r" / "analogues.png").stat().st_size > 0


# ------------------------------------------------------------------ backtest tables
@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return rf.backtest(rf.datasets.demo(), "rw-gauss", "2020-01:2022-01", 6, n_paths=200)


def _edit(table: pd.DataFrame, column: str, value: object) -> pd.DataFrame:
    out = table.copy()
    out[column] = out[column].astype(object)
    out.loc[3, column] = value
    return out


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [
        ("q50", np.nan, "row 4: (empty)"),
        ("q50", np.inf, "row 4: inf"),
        ("q50", "abc", "'abc'"),
        ("q5", 9.0, "out of order"),
        ("cross_-6", 1.5, "1.5"),
        ("h", 0, "h must be a whole number"),
        ("target", "2099-01", "origin + h"),
        ("origin", "2020-13", "2020-13"),
    ],
)
def test_a_backtest_table_breaking_the_contract_is_refused(
    table: pd.DataFrame, column: str, value: object, named: str
) -> None:
    with pytest.raises(rf.DataError) as info:
        rf.evaluate(_edit(table, column, value), rf.datasets.demo())
    assert named in str(info.value)


def test_repeated_rows_are_refused_and_a_valid_table_scores_as_before(
    table: pd.DataFrame,
) -> None:
    with pytest.raises(rf.DataError, match="repeat a"):
        validate_backtest(pd.concat([table, table]))
    checked = validate_backtest(table)
    pd.testing.assert_frame_equal(
        checked[["q5", "q50", "q95"]], table[["q5", "q50", "q95"]].astype(float)
    )
    scores = rf.evaluate(table, rf.datasets.demo()).scores
    # CRPS of the quantile form against a direct pinball-loss mean (independent formula)
    alpha = np.arange(1, 20) / 20
    q = table[[f"q{5 * i}" for i in range(1, 20)]].to_numpy()
    obs = scores["obs"].to_numpy()[:, None]
    pinball = np.mean(np.maximum(alpha * (obs - q), (alpha - 1) * (obs - q)), axis=1)
    np.testing.assert_allclose(scores["qloss"].to_numpy(), pinball, rtol=1e-12)
    assert len(scores) == len(table)


# ------------------------------------------------------------------ YAML
@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("shocks:\n  - kind: tariff\n    start: 2001-01\n    start: 2002-01\n", "'start'"),
        ("shocks: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", "nesting"),
        (
            "shocks:\n  - &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"  - &{c} [{', '.join([f'*{p}'] * 10)}]\n"
                for p, c in zip("abcd", "bcde", strict=True)
            )
            + "  - [" + ", ".join(["*e"] * 10) + "]\n",
            "alias",
        ),
        ("shocks:\n  - {kind: tariff, start: 2001-01, name: }\n", "empty name"),
    ],
)  # fmt: skip
def test_hostile_or_ambiguous_yaml_is_refused(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(rf.ShockError) as info:
        rf.ShockCalendar.from_yaml(path)
    assert named in str(info.value)


def test_a_few_aliases_are_still_fine(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("shocks:\n  - &base {kind: tariff, start: 2001-01}\n  - *base\n")
    assert load_yaml(path, "shocks file", error=rf.ShockError)["shocks"][1]["kind"] == "tariff"


def test_an_empty_scenario_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sc.yaml"
    path.write_text("scenarios:\n  - name:\n    shocks: []\n")
    with pytest.raises(rf.ShockError, match="empty name"):
        rf.load_scenarios(path)


# ------------------------------------------------------------------ dates
@pytest.mark.parametrize(
    "label",
    ["2024", " 2024 ", "13/01/2024", "01.02.2024", "01-02-2024", "200401", "20040115", "2024Q3",
     "2024-q3"],
)  # fmt: skip
def test_a_month_needs_a_year_and_a_month_in_that_order(label: str) -> None:
    with pytest.raises(rf.SpecError, match="bad month"):
        to_month(label)
    with pytest.raises(rf.DataError, match="unparseable"):
        parse_months(pd.Series([label]), "dates")


def test_a_file_of_yyyymm_labels_is_refused_naming_them_not_read_as_other_months(
    tmp_path: Path,
) -> None:
    """'200101' ... '200212' would be read as other dates (pandas: '200401' is April 2001)
    and then reported as missing months; they are named as labels that are not months."""
    path = tmp_path / "yyyymm.csv"
    months = [f"{y}{m:02d}" for y in (2001, 2002) for m in range(1, 13)]
    path.write_text("country,ym,score\n" + "".join(f"Japan,{m},-1.0\n" for m in months))
    with pytest.raises(rf.DataError, match="unparseable dates in column 'ym': 200101, 200102"):
        rf.load_scores(path, "Japan")


def test_ordinary_month_labels_still_read() -> None:
    got = [str(to_month(v)) for v in ("2024-06", "2024-06-15", "2024/06", "Jun 2024")]
    assert got == ["2024-06"] * 4


# ------------------------------------------------------------------ the record
def test_a_record_entry_must_agree_with_its_forecast(tmp_path: Path) -> None:
    series = rf.datasets.demo().rename("Japan")
    fc = rf.RandomWalk().fit(series).forecast(12, n_paths=200, rng=0)
    with rf.Record(tmp_path / "r.sqlite") as rec:
        for facts, named in (
            ({"history": series.rename("US")}, "'US'"),
            ({"history": series.iloc[:-12]}, "ends"),
            ({"as_of": str(series.index[-13])}, "as_of"),
            ({"seed": -1}, "seed -1"),
        ):
            with pytest.raises(rf.RecordError, match=named):
                rec.add(fc, **facts)
        added = rec.add(fc)
        assert rec.forecasts().loc[added.id, "as_of"] == str(series.index[-1])


def test_a_scale_names_each_level_once() -> None:
    with pytest.raises(rf.ScaleError, match="once"):
        rf.Scale(0, 10, cuts=[5], names=["low", "LOW"], resolution=1.0)


# ------------------------------------------------------------------ output folders
def _report(folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    (folder / "summary.json").write_text(json.dumps({"versions": {"relforecast": "0"}}))
    (folder / "reliability.png").write_bytes(b"\x89PNG report's own")
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_commands_do_not_write_into_another_kind_of_folder(tmp_path: Path) -> None:
    data = _long(tmp_path / "d.csv", ["Japan"], months=72)
    bt = tmp_path / "bt.csv"
    code, err = _cli(
        "backtest", data, "--dyad", "Japan", "--origins", "2004-01:2004-06",
        "--model", "rw-gauss", "--horizon", "6", "--paths", "200", "--out", bt,
    )  # fmt: skip
    assert code == 0, err
    report = tmp_path / "report"
    before = _report(report)
    code, err = _cli("evaluate", bt, data, "--out", report)
    assert code == 1 and "report folder" in err
    assert {p.name: p.read_bytes() for p in report.iterdir()} == before
    ev = tmp_path / "ev"
    assert _cli("evaluate", bt, data, "--out", ev)[0] == 0
    assert folder_kind(ev) == "evaluation"
    assert _cli("evaluate", bt, data, "--out", ev)[0] == 0  # its own kind: replaced
    kept = {p.name: p.read_bytes() for p in ev.iterdir()}
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16384, hard))
    try:
        code, err = _cli("evaluate", bt, data, "--out", ev)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old)
    assert code == 1 and "nothing was changed" in err
    assert {p.name: p.read_bytes() for p in ev.iterdir()} == kept
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_scores_are_not_printed_when_their_out_folder_is_refused(tmp_path: Path) -> None:
    data = _long(tmp_path / "d.csv", ["Japan"], months=72)
    bt, record = tmp_path / "bt.csv", tmp_path / "r.sqlite"
    code, err = _cli(
        "backtest", data, "--dyad", "Japan", "--origins", "2004-01:2004-06",
        "--model", "rw-gauss", "--horizon", "6", "--paths", "200", "--out", bt,
    )  # fmt: skip
    assert code == 0, err
    code, err = _cli("forecast", data, "--dyad", "Japan", "--model", "block", "--paths", "200",
                     "--until", "2004-06", "--record", record)  # fmt: skip
    assert code == 0, err
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("kept\n")
    for argv in (
        ("evaluate", bt, data, "--out", other),
        ("record", "score", data, "--record", record, "--out", other),
        ("record", "score", data, "--record", record, "--out", tmp_path / "no" / "such"),
    ):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_main([str(a) for a in argv])
        assert code == 1 and "--out" in err.getvalue(), argv
        assert out.getvalue() == "", argv  # one line on stderr, no table on stdout
    assert [p.name for p in other.iterdir()] == ["notes.txt"]


def test_a_folder_that_cannot_be_emptied_is_refused_before_writing(shared_dir: Path) -> None:
    shared_dir.chmod(0o777)  # the other user may write beside the target, not into it
    target = shared_dir / "ev"
    target.mkdir()
    (target / ".relforecast-folder").write_text("evaluation\n")
    (target / "summary.csv").write_text("old\n")
    target.chmod(0o555)

    def replace() -> None:
        with OutputFolder(target, kind="evaluation") as folder:
            folder.write("summary.csv", "new\n")
            folder.commit()

    with pytest.raises(rf.RelforecastError, match="cannot be removed"):
        as_another_user(replace)
    assert (target / "summary.csv").read_text() == "old\n"
    assert [p.name for p in shared_dir.iterdir()] == ["ev"]  # no hidden folder, no lock


# ------------------------------------------------------------------ memory and orders
def test_requests_larger_than_memory_are_refused_naming_the_size() -> None:
    with pytest.raises(rf.ForecastError, match=r"needs about .* of memory, more than"):
        check_request(2.0**60, "a test request", "ask for less")
    check_request(1024, "a small request", "ask for less")
    fit = rf.RandomWalk().fit(rf.datasets.demo())
    with pytest.raises(rf.ForecastError, match="10000000000 paths"):
        fit.forecast(12, n_paths=10**10)


def _peak_bytes(run: object) -> int:
    """Peak traced allocation (numpy's arrays included) while ``run()`` runs."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_arima_horizon_whose_memory_grows_with_its_square_is_refused_up_front(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the paths of an ARIMA forecast come from a response matrix quadratic in the horizon: the
    # check must see it, or a long horizon ends in the out-of-memory killer
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = rf.ARIMA(order=(1, 1, 0)).fit(rf.datasets.demo())
    peak = _peak_bytes(lambda: fit.forecast(600, n_paths=10, rng=0))
    paths = 8 * 10 * 600
    assert peak > 50 * paths  # the response, not the paths, is what takes the memory
    monkeypatch.setattr("relforecast._memory.memory_budget", lambda: peak // 2)
    with pytest.raises(rf.ForecastError, match=r"600 months ahead.*shorter horizon"):
        fit.forecast(600, n_paths=10, rng=0)
    monkeypatch.setattr("relforecast._memory.memory_budget", lambda: 10 * peak)
    assert fit.forecast(600, n_paths=10, rng=0).paths.shape == (10, 600)  # not overcautious


def test_arima_orders_the_data_cannot_support_are_refused() -> None:
    with pytest.raises(rf.SpecError, match="at most 6"):
        rf.ARIMA(order=(50, 1, 50))
    with pytest.raises(rf.FitError, match="parameters"):
        rf.ARIMA(order=(6, 1, 6)).fit(rf.datasets.demo().iloc[-40:])
    with pytest.raises(rf.ShockError, match="not a shock calendar"):
        rf.ARIMA(order=(1, 1, 0)).fit(rf.datasets.demo(), shocks="x")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = rf.ARIMA(order=(1, 1, 0)).fit(
            rf.datasets.demo(), shocks=[rf.Shock("tariff", "2020-01")]
        )
    assert list(fit.calendar.labels) == ["tariff:2020-01"]


# ------------------------------------------------------------------ arguments of the wrong kind
THREE_MONTHS = pd.period_range("2025-07", periods=3, freq="M")


@pytest.mark.parametrize(
    ("call", "error", "named"),
    [
        (lambda tmp: rf.load_scenarios(42), rf.ShockError, "got 42"),
        (lambda tmp: rf.Record(42), rf.RecordError, "got 42"),
        (
            lambda tmp: rf.Forecast(np.zeros((0, 3)), THREE_MONTHS),
            rf.ForecastError,
            "(0, 3)",
        ),
        (lambda tmp: rf.analogues(rf.datasets.demo(), ["2020-01"], before=-1), rf.DataError, "-1"),
        (
            lambda tmp: rf.outlook(rf.datasets.demo(), track_record=42, out=tmp / "r"),
            rf.DataError,
            "track_record=42",
        ),
    ],
    ids=["scenarios from an int", "record at an int", "forecast of 0 paths",
         "analogues before=-1", "outlook track_record=42"],
)  # fmt: skip
def test_an_argument_of_the_wrong_kind_is_refused_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call, error: type, named: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=re.escape(named)):
        call(tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing written (no record file named '42')


def test_a_named_date_column_that_is_missing_is_refused_not_replaced(tmp_path):
    # a file with year + month columns: the default date column falls back to them, a date
    # column the user names must exist
    path = tmp_path / "scores.csv"
    path.write_text("country,year,month,score\nJapan,2020,1,-1.0\nJapan,2020,2,-1.1\n")
    assert len(rf.load_scores(path, dyad="Japan")) == 2
    with pytest.raises(rf.DataError, match=r"no date column 'when' among \['country', 'year'"):
        rf.load_scores(path, dyad="Japan", date_col="when")


@pytest.mark.parametrize("text", ["2004-01,", "2004-01,2005-01", "1995-06:2024-06,"])
def test_origins_with_a_comma_are_refused(text):
    from relforecast.periods import parse_origins

    with pytest.raises(rf.ForecastError, match="must be one span such as '1995-06:2024-06'"):
        parse_origins(text)
