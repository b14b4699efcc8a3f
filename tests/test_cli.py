import json
import subprocess
import sys

import pytest

from relforecast.cli.main import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_demo_table(capsys):
    code, out, err = run(capsys, "forecast", "--paths", "500", "--horizon", "6")
    assert code == 0, err
    assert "Demo (synthetic)" in out and "P(score < -6 within 6 months)" in out
    assert len([ln for ln in out.splitlines() if ln.startswith("2025-")]) == 6


def test_json_and_csv(capsys, scores_csv):
    code, out, _ = run(
        capsys,
        "forecast",
        str(scores_csv),
        "--dyad",
        "Japan",
        "--paths",
        "500",
        "--format",
        "json",
        "--model",
        "arima",
    )
    doc = json.loads(out)
    assert code == 0 and doc["dyad"] == "Japan" and doc["origin"] == "2025-08"
    assert len(doc["months"]) == 12 and 0 <= doc["prob_cross"] <= 1
    code, out, _ = run(capsys, "forecast", "--paths", "300", "--format", "csv", "--threshold", "-5")
    header = out.splitlines()[0].split(",")
    assert header[:2] == ["month", "mean"] and "p_cross_-5" in header


def test_markov_model(capsys):
    code, out, err = run(capsys, "forecast", "--model", "markov", "--paths", "500")
    assert code == 0, err
    assert "MS(2)-diff" in out and "P(score < -6 within 12 months)" in out


def test_block_and_auto_models_name_their_parts(capsys):
    code, out, err = run(
        capsys, "forecast", "--model", "block", "--paths", "500", "--format", "json"
    )
    assert code == 0, err
    assert json.loads(out)["model"] == "block-bootstrap(12)"
    code, out, err = run(capsys, "forecast", "--paths", "400", "--format", "json")
    assert code == 0, err
    model = json.loads(out)["model"]
    assert model.startswith("auto[") and "MS(2)-diff" in model and "block-bootstrap" in model


def test_shock_file(capsys, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("shocks:\n  - {kind: tariff, start: 2018-03, shape: decay, rate: 0.5}\n")
    code, out, _ = run(capsys, "forecast", "--shocks", str(path), "--paths", "200")
    assert code == 0 and "P(score < -6" in out


def test_shocks_a_model_does_not_estimate_are_said_to_change_nothing(capsys, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("shocks:\n  - {kind: tariff, start: 2018-03, shape: step}\n")
    argv = ["forecast", "--paths", "200", "--horizon", "3", "--format", "csv"]
    _, plain, _ = run(capsys, *argv, "--model", "block")
    code, out, err = run(capsys, *argv, "--model", "block", "--shocks", str(path))
    assert code == 0 and out == plain  # the block bootstrap resamples the past as it was
    assert "block-bootstrap(12) estimates no shock effects" in err and "1 shock(s)" in err
    code, _, err = run(capsys, *argv, "--model", "block")  # the demo's own calendar: not asked
    assert code == 0 and "estimates no shock effects" not in err
    code, out, err = run(capsys, *argv, "--model", "arima", "--shocks", str(path))
    assert code == 0 and "estimates no shock effects" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["forecast", "missing.csv"], "does not exist"),
        (["forecast", "--horizon", "0"], "--horizon"),
        # one path has no Monte Carlo error to print (it printed s.e. 0.000)
        (["forecast", "--paths", "1"], "--paths"),
        (["forecast", "--dyad", "Japan"], "--dyad needs a DATA file"),
        # the options that say how to read DATA are not silently dropped on the demo
        (["forecast", "--where", "source=GDELT"], "--where needs a DATA file"),
        (["forecast", "--country-col", "partner"], "--country-col needs a DATA file"),
        (["forecast", "--score-col", "value"], "--score-col needs a DATA file"),
        (["forecast", "--fill", "ffill"], "--fill needs a DATA file"),
        # given, even with its default value, it still says how to read a DATA file
        (["forecast", "--date-col", "ym"], "--date-col needs a DATA file"),
        (["outlook", "--out", "o", "--where", "a=b", "--fill", "ffill"], "--fill needs a DATA"),
        (["forecast", "--model", "prophet"], "--model"),
        (["forecast", "--record", "scores.csv", "--dyad", "US"], "put DATA before --record"),
        (["outlook", "--out", "o", "--record", "scores.csv", "--dyad", "US"], "--record took"),
    ],
)
def test_errors_are_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_unknown_dyad_and_bad_shock_file(capsys, scores_csv, tmp_path):
    code, _, err = run(capsys, "forecast", str(scores_csv), "--dyad", "Mars")
    assert code == 1 and "unknown dyad 'Mars'" in err and "Japan" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("shocks:\n  - {kind: coup, start: 2020-01}\n")
    code, _, err = run(capsys, "forecast", "--shocks", str(bad))
    assert code == 1 and "unknown shock kind 'coup'" in err


@pytest.mark.parametrize(
    "command",
    [
        ["forecast"],
        ["outlook", "--out", "o"],
        ["backtest", "--origins", "2020-01", "--out", "b.csv"],
        ["record", "backfill", "--origins", "2020-01", "--record", "r.sqlite"],
    ],
    ids=["forecast", "outlook", "backtest", "backfill"],
)
def test_an_empty_name_in_the_dyad_list_is_refused_by_every_command(
    capsys, scores_csv, tmp_path, monkeypatch, command
):
    """`Japan,,US` is a typo, not a third dyad called '': the same one line everywhere, and
    nothing is written."""
    monkeypatch.chdir(tmp_path)
    head = command[:2] if command[0] == "record" else command[:1]
    rest = command[len(head) :]
    code, out, err = run(capsys, *head, str(scores_csv), "--dyad", "Japan,,US", *rest)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--dyad 'Japan,,US' must name distinct dyads separated by commas" in err
    assert list(tmp_path.iterdir()) == []


def test_installed_command_prints_no_traceback(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    proc = subprocess.run(
        [sys.executable, "-c", "from relforecast.cli import run; run()", "forecast", str(empty)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert (
        proc.stderr.strip() == f"relforecast: error: data file {str(empty)!r} is empty; "
        "expected a CSV with a header row"
    )


def test_backtest_and_evaluate_commands(capsys, scores_csv, tmp_path):
    out = tmp_path / "bt.csv"
    code = main(
        [
            "backtest",
            str(scores_csv),
            "--dyad",
            "Japan,UK",
            "--origins",
            "2015-06:2017-06",
            "--model",
            "rw-gauss,arima110",
            "--paths",
            "300",
            "--workers",
            "1",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    import pandas as pd

    table = pd.read_csv(out, dtype={"origin": str, "target": str})
    assert len(table) == 2 * 2 * 3 * 12
    assert set(table["dyad"]) == {"Japan", "UK"} and set(table["model"]) == {"rw-gauss", "arima110"}
    capsys.readouterr()
    code = main(["evaluate", str(out), str(scores_csv), "--out", str(tmp_path / "ev")])
    printed = capsys.readouterr().out
    assert code == 0 and "crps@12" in printed and "arima110" in printed
    assert (tmp_path / "ev" / "reliability.png").is_file()


def test_backtest_errors_are_one_line(capsys, scores_csv, tmp_path):
    code = main(
        [
            "backtest",
            str(scores_csv),
            "--dyad",
            "Japan",
            "--origins",
            "2020-01:2019-01",
            "--out",
            str(tmp_path / "x.csv"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "end before they start" in err
    code = main(
        [
            "backtest",
            str(scores_csv),
            "--dyad",
            "Japan",
            "--origins",
            "2019-01",
            "--thresholds",
            "-6,low",
            "--out",
            str(tmp_path / "x.csv"),
        ]
    )
    assert code == 2 and "--thresholds takes numbers" in capsys.readouterr().err


def _must_not_run(*_args, **_kwargs):
    raise AssertionError("the job started although its options were refused")


def test_backtest_refuses_an_out_folder_that_does_not_exist_before_running(
    capsys, scores_csv, tmp_path, monkeypatch
):
    import relforecast.cli.backtest as command

    monkeypatch.setattr(command, "backtest_with", _must_not_run)
    monkeypatch.setattr(command, "load_panel", _must_not_run)
    out = tmp_path / "missing" / "bt.csv"
    argv = ["backtest", str(scores_csv), "--dyad", "Japan", "--origins", "2019-01"]
    code, _, err = run(capsys, *argv, "--out", str(out))
    assert code == 1 and err.count("\n") == 1
    assert f"the folder {str(out.parent)!r} does not exist" in err
    assert not out.parent.exists()


def test_outlook_refuses_a_repeated_anchor_before_running(
    capsys, scores_csv, tmp_path, monkeypatch
):
    import relforecast.cli.outlook as command

    monkeypatch.setattr(command, "run_outlook_spec", _must_not_run)
    out = tmp_path / "jp"
    argv = ["outlook", "--anchors", "2012-09=Diaoyu,2019-06,2012-09", "--out", str(out)]
    code, _, err = run(capsys, *argv)
    assert code == 1 and err.count("\n") == 1
    assert "anchor 2012-09 given more than once" in err
    assert not out.exists()
    # the all-partners form refuses it before running, too
    import relforecast.cli.panel_outlook as panel_command

    monkeypatch.setattr(panel_command, "run_outlook_spec", _must_not_run)
    code, _, err = run(capsys, "outlook", str(scores_csv), *argv[1:], "--dyad", "Japan,UK")
    assert code == 1 and err.count("\n") == 1
    assert "anchor 2012-09 given more than once" in err


def test_the_command_imports_the_record_only_when_one_is_used():
    """SQLAlchemy (the record's) is not imported by the command line or the package until a
    record is used: an outlook or an update starts without it."""
    code = (
        "import sys, relforecast.cli.main, relforecast as rf\n"
        "print('sqlalchemy' in sys.modules)\n"
        "rf.Record\n"
        "print('sqlalchemy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_evaluate_says_what_its_summary_leaves_out(capsys, tmp_path):
    """Rows whose target the data does not hold yet, and a Brier score with no live case (a
    relation below -6 at every origin cannot cross it), are named, not left as a silent
    gap and a bare NaN."""
    import numpy as np
    import pandas as pd

    import relforecast as rf
    from tests.conftest import monthly

    rng = np.random.default_rng(2)
    series = monthly(np.round(np.clip(-7.5 + np.cumsum(rng.normal(0, 0.1, 60)), -9, -6.5), 1),
                     start="2015-01", name="Japan")  # fmt: skip
    data = tmp_path / "scores.csv"
    pd.DataFrame({"country": "Japan", "ym": series.index.astype(str), "score": series}).to_csv(
        data, index=False
    )
    last = str(series.index[-1])  # its three targets are after the data
    table = rf.backtest(series, "rw-gauss", ["2018-06", last], 3, n_paths=100, thresholds=[-6])
    bt = tmp_path / "bt.csv"
    table.to_csv(bt, index=False)
    code, out, err = run(capsys, "evaluate", str(bt), str(data))
    assert code == 0, err
    assert out.splitlines()[-1].split()[-2:] == ["NaN", "1"]  # brier@3, origins
    summary = rf.evaluate(table, series.to_frame()).summary()
    assert summary["origins"].tolist() == [1] and summary["brier@3"].isna().all()
    unscored = f"3 of 6 backtest rows are not scored: their target is not observed in {str(data)!r}"
    assert unscored in err
    assert "brier@3 is empty (NaN) for rw-gauss: no scored row asked a live question" in err


def test_evaluate_out_leaves_a_brier_without_live_case_empty_and_says_why(capsys, tmp_path):
    """In the files --out writes, a Brier score with no live case is an empty cell beside a
    case count of 0, and notes.txt gives the reason; a model with live cases gets the count and
    the Brier score computed here from the table and the data."""
    import csv

    import numpy as np
    import pandas as pd

    import relforecast as rf
    from tests.conftest import monthly

    rng = np.random.default_rng(2)
    low = monthly(np.round(np.clip(-7.5 + np.cumsum(rng.normal(0, 0.1, 60)), -9, -6.5), 1),
                  start="2015-01", name="Japan")  # fmt: skip
    near = monthly(np.round(-6 + 0.4 * np.sin(np.arange(60) / 2), 1), start="2015-01", name="Korea")
    data = tmp_path / "scores.csv"
    long = [pd.DataFrame({"country": s.name, "ym": s.index.astype(str), "score": s})
            for s in (low, near)]  # fmt: skip
    pd.concat(long).to_csv(data, index=False)
    origins = [str(m) for m in pd.period_range("2017-01", "2018-12", freq="M")]
    table = pd.concat(
        [
            rf.backtest(low, "rw-gauss", origins, 3, n_paths=100, thresholds=[-6], rng=0),
            rf.backtest(near, "rw-boot", origins, 3, n_paths=100, thresholds=[-6], rng=0),
        ]
    )
    bt = tmp_path / "bt.csv"
    table.to_csv(bt, index=False)
    out = tmp_path / "ev"
    code, _, err = run(capsys, "evaluate", str(bt), str(data), "--out", str(out))
    assert code == 0, err

    # the Brier score of rw-boot, counted here: origins at or above -6, event = min below -6
    rows = table[table["model"] == "rw-boot"]
    start = near.reindex(pd.PeriodIndex(rows["origin"], freq="M")).to_numpy()
    live = start >= -6
    lows = [near.loc[pd.Period(o, "M") + 1 : pd.Period(o, "M") + h].min()
            for o, h in zip(rows["origin"], rows["h"], strict=True)]  # fmt: skip
    event = np.asarray(lows) < -6
    at3 = live & (rows["h"].to_numpy() == 3)
    assert at3.sum() > 0
    expected = np.mean((rows["cross_-6"].to_numpy()[at3] - event[at3]) ** 2)

    with open(out / "summary.csv", newline="") as f:
        summary = {r["model"]: r for r in csv.DictReader(f)}
    assert summary["rw-gauss"]["brier@3"] == "" and summary["rw-gauss"]["brier_cases@3"] == "0"
    assert int(summary["rw-boot"]["brier_cases@3"]) == at3.sum()
    assert float(summary["rw-boot"]["brier@3"]) == pytest.approx(expected, rel=1e-4)
    with open(out / "by_horizon.csv", newline="") as f:
        by_h = [r for r in csv.DictReader(f) if r["model"] == "rw-gauss"]
    assert len(by_h) == 3 and all(r["brier"] == "" and r["brier_cases"] == "0" for r in by_h)
    assert "nan" not in "".join(p.read_text().lower() for p in out.glob("*.csv"))
    notes = (out / "notes.txt").read_text()
    assert "brier@3 is empty (NaN) for rw-gauss: no scored row asked a live question" in notes
    assert "brier_cases@3 is 0" in notes and notes.splitlines()[0] in err


def test_evaluate_out_with_no_live_case_at_all_writes_its_tables(capsys, tmp_path):
    import numpy as np
    import pandas as pd

    import relforecast as rf
    from tests.conftest import monthly

    series = monthly(np.full(40, -7.0) + 0.1 * (np.arange(40) % 3), start="2015-01", name="X")
    data = tmp_path / "scores.csv"
    pd.DataFrame({"country": "X", "ym": series.index.astype(str), "score": series}).to_csv(
        data, index=False
    )
    table = rf.backtest(series, "rw-gauss", ["2016-06", "2017-06"], 3, n_paths=50,
                        thresholds=[-6], rng=0)  # fmt: skip
    bt = tmp_path / "bt.csv"
    table.to_csv(bt, index=False)
    code, _, err = run(capsys, "evaluate", str(bt), str(data), "--out", str(tmp_path / "ev"))
    assert code == 0, err
    reliability = (tmp_path / "ev" / "reliability.csv").read_text().splitlines()
    assert reliability == ["model,bin,forecast,observed,cases"]
    assert "brier_cases@3 is 0" in (tmp_path / "ev" / "notes.txt").read_text()
