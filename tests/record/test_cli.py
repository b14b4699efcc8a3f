"""``relforecast record …``, ``--record`` on forecast and outlook, and evaluate's message."""

import json
import sqlite3

import pandas as pd
import pytest

import relforecast as rf
from relforecast.cli.main import main
from relforecast.record import Record


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_forecast_record_and_list_show(capsys, tmp_path):
    path = tmp_path / "rec.sqlite"
    args = ["forecast", "--paths", "300", "--model", "block", "--format", "json"]
    code, out, err = run(capsys, *args, "--record", path)
    assert code == 0, err
    printed = json.loads(out)
    assert err.strip() == f"relforecast: recorded as forecast #1 in {path}"
    code, _, err = run(capsys, *args, "--record", path)
    assert code == 0 and "already recorded" in err and "#1" in err
    code, out, _ = run(capsys, "record", "list", "--record", path, "--format", "json")
    rows = json.loads(out)
    assert len(rows) == 1 and rows[0]["source"] == "forecast" and rows[0]["question"] == "cross_-6"
    # the recorded answer is the one printed
    assert rows[0]["probability"] == pytest.approx(printed["prob_cross"])
    code, out, _ = run(capsys, "record", "show", "1", "--record", path, "--format", "json")
    doc = json.loads(out)
    assert [m["mean"] for m in doc["months"]] == pytest.approx(
        [m["mean"] for m in printed["months"]]
    )
    code, _, err = run(capsys, "record", "show", "7", "--record", path)
    assert code == 1 and "no forecast #7" in err
    # ids no record can hold are not there either (not a database overflow)
    for far in ("0", str(2**63), "99999999999999999999"):
        code, _, err = run(capsys, "record", "show", far, "--record", path)
        assert code == 1 and err.strip().endswith(
            f"no forecast #{far} in {path}; see relforecast record list"
        )


def test_a_forecast_with_other_shocks_is_another_forecast(capsys, tmp_path):
    """Same data, model and seed, but fitted with a shock calendar: recorded as a new
    forecast, not mistaken for the one without (it has other paths)."""
    path = tmp_path / "rec.sqlite"
    shocks = tmp_path / "s.yaml"
    shocks.write_text("shocks:\n  - {kind: tariff, start: 2018-03, shape: step}\n")
    args = ["forecast", "--paths", "300", "--model", "arima", "--record", path]
    code, _, err = run(capsys, *args)
    assert code == 0 and "recorded as forecast #1" in err
    code, _, err = run(capsys, *args, "--shocks", shocks)
    assert code == 0 and "recorded as forecast #2" in err, err
    code, _, err = run(capsys, *args, "--shocks", shocks)
    assert code == 0 and "already recorded" in err and "#2" in err
    with Record(path) as rec:
        table = rec.forecasts()
        means = rec.table("months").groupby("forecast_id")["mean"].mean()
    assert table.loc[1, "shocks_sha256"] != table.loc[2, "shocks_sha256"]
    assert means[1] != pytest.approx(means[2], abs=1e-9)


def test_the_same_forecast_asked_another_threshold_keeps_the_new_answers(capsys, tmp_path):
    path = tmp_path / "rec.sqlite"
    args = ["forecast", "--paths", "300", "--model", "block", "--record", path]
    assert run(capsys, *args)[0] == 0
    code, out, err = run(capsys, *args, "--threshold", "-6.5", "--format", "json")
    assert code == 0 and "already recorded" in err and "cross_-6.5" in err
    with Record(path) as rec:
        q = rec.show(1)["questions"].set_index("name")["probability"]
    assert q["cross_-6.5"] == pytest.approx(json.loads(out)["prob_cross"])


def test_a_command_that_upgrades_an_older_record_says_so(capsys, tmp_path):
    from .test_store import _as_version_1

    path = tmp_path / "rec.sqlite"
    assert run(capsys, "forecast", "--paths", "200", "--model", "block", "--record", path)[0] == 0
    _as_version_1(str(path))
    code, _, err = run(capsys, "record", "list", "--record", path)
    assert code == 0
    assert f"upgraded the record {path} from schema version 1 to 2; older relforecast" in err
    code, _, err = run(capsys, "record", "list", "--record", path)
    assert code == 0 and "upgraded" not in err


def test_listing_a_dyad_the_record_does_not_hold_names_those_it_does(capsys, tmp_path):
    path = tmp_path / "rec.sqlite"
    assert run(capsys, "forecast", "--paths", "200", "--model", "block", "--record", path)[0] == 0
    code, out, err = run(capsys, "record", "list", "--record", path, "--dyad", "Jpan")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "no forecast recorded for --dyad Jpan" in err
    assert "the record holds dyads Demo (synthetic) and models block" in err


def test_an_outlook_shows_the_record_its_track_record_came_from(capsys, tmp_path):
    from relforecast.record import backfill

    path = tmp_path / "rec.sqlite"
    with Record(path) as rec:
        done = backfill(rec, rf.datasets.demo(), "2019-06:2023-06", model="arima", n_paths=200)
        assert len(done.added) == 5
    out = tmp_path / "o"
    args = ["outlook", "--record", path, "--model", "arima", "--paths", "300", "--out", out]
    code, _, err = run(capsys, *args)
    assert code == 0, err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["track_record"]["source"] == "rec.sqlite"
    text = (out / "report.md").read_text()
    assert "From the forecast record (the forecasts kept with --record" in text
    assert "rec.sqlite" not in text  # described, not named by its file


def test_default_record_location(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("RELFORECAST_RECORD", str(tmp_path / "team.sqlite"))
    code, _, err = run(capsys, "forecast", "--paths", "200", "--model", "block", "--record")
    assert code == 0, err
    assert "team.sqlite" in err and len(Record(tmp_path / "team.sqlite")) == 1


def test_outlook_records_what_it_published(capsys, tmp_path, scores_csv):
    path = tmp_path / "rec.sqlite"
    code, _, err = run(
        capsys,
        "outlook",
        "--paths",
        "400",
        "--model",
        "arima",
        "--out",
        tmp_path / "o",
        "--record",
        path,
    )
    assert code == 0, err
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    with Record(path) as rec:
        doc = rec.show(1)
    f = doc["forecast"]
    assert f["source"] == "outlook" and f["model"] == "arima"
    assert f["data_sha256"] == summary["data"]["sha256"] and f["synthetic"]
    assert f"{f['window_first']}:{f['window_last']}" == summary["window"]
    q = doc["questions"].set_index("name")["probability"]
    assert q["cross_-6"] == pytest.approx(summary["results"]["baseline"]["p_cross"])
    assert {d["name"] for d in f["scenarios"]["definitions"]} == {
        s["name"] for s in summary["scenarios"]
    }
    published = pd.read_csv(tmp_path / "o" / "forecast.csv")
    base = published[published["scenario"] == "baseline"]
    assert doc["months"]["q50"].round(4).tolist() == pytest.approx(base["q50"].tolist(), abs=1e-4)
    # `record show` lists each scenario's weight and published P(cross), not raw JSON
    code, out, _ = run(capsys, "record", "show", "1", "--record", path)
    assert code == 0 and '"definitions"' not in out
    shown = out[out.index("scenarios:") :].splitlines()[2:]
    assert len(shown) == len(summary["results"])
    for name, result in summary["results"].items():
        line = next(row for row in shown if row.strip().startswith(name))
        assert f"{result['p_cross']:.3f} ± {result['p_cross_se']:.3f}" in line
    # evaluate, given this forecast.csv, says which file it wants instead of failing inside
    code, _, err = run(capsys, "evaluate", tmp_path / "o" / "forecast.csv", scores_csv)
    assert code == 2 and err.count("\n") == 1
    assert "outlook's forecast.csv" in err and "relforecast record score" in err
    assert "internal error" not in err


def test_an_outlook_on_another_scale_is_recorded_under_its_model_name(capsys, tmp_path):
    # on a scale other than Tsinghua the model is built from its name on that scale and the
    # outlook's summary names the specification: block-bootstrap(12)
    demo = rf.datasets.demo()
    data = tmp_path / "index.csv"
    table = {"country": "A", "ym": demo.index.astype(str), "score": demo.to_numpy()}
    pd.DataFrame(table).to_csv(data, index=False)
    path = tmp_path / "rec.sqlite"
    code, _, err = run(
        capsys, "outlook", data, "--dyad", "A", "--scale=-10:10", "--threshold=-9.5",
        "--model", "block", "--paths", "300", "--track-record", "none",
        "--out", tmp_path / "o", "--record", path,
    )  # fmt: skip
    assert code == 0, err
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["model"]["key"] == "block-bootstrap(12)"
    with Record(path) as rec:
        doc = rec.show(1)
        other = rf.outlook(demo, model="arima", out=tmp_path / "o2", n_paths=300)
        with pytest.raises(rf.RecordError, match="model='block', but the outlook was made with"):
            rec.add(other, model="block")  # another model is still refused
    assert doc["forecast"]["model"] == "block" and doc["forecast"]["threshold"] == -9.5
    q = doc["questions"].set_index("name")["probability"]
    assert q["cross_-9.5"] == pytest.approx(summary["results"]["baseline"]["p_cross"])


def test_an_outlook_updated_during_its_window_is_recorded_from_the_as_of_month(tmp_path):
    """The mid-window outlook of the README's monthly update is recorded from the as-of month
    on (not refused with 'forecast month ... is not after the as-of month')."""
    series = rf.datasets.demo()
    last = series.index[-1]
    window = f"{last - 1}:{last + 10}"  # began two months before the data end
    result = rf.outlook(
        series, window, out=tmp_path / "o", model="arima", n_paths=400, track_record=None
    )
    with Record(tmp_path / "rec.sqlite") as rec:
        doc = rec.show(rec.add(result, model="arima", source="outlook").id)
        # the outlook knows its model: the label defaults to it, and another is refused
        assert not rec.add(result, source="outlook").new
        with pytest.raises(rf.RecordError, match="model='auto', but the outlook was made"):
            rec.add(result, model="auto", source="outlook")
    months = doc["months"]
    assert months["month"].iloc[0] == str(last + 1) and (months["h"] >= 1).all()
    assert len(months) == 10
    assert (doc["forecast"]["window_first"], doc["forecast"]["window_last"]) == tuple(
        window.split(":")
    )


@pytest.mark.parametrize("command", ["forecast", "outlook"])
def test_a_failed_run_leaves_no_record_it_created(capsys, tmp_path, monkeypatch, command):
    """The record is opened before the work (a bad one is refused first); a record file the
    run created is gone again when the work then fails, one the run found is kept."""
    import relforecast.models.bootstrap as block

    def broken(*args, **kwargs):
        raise rf.FitError("the fit failed")

    monkeypatch.setattr(block.BlockBootstrap, "fit", broken)
    args = [command, "--paths", "300", "--model", "block", "--track-record", "none",
            "--out", tmp_path / "o"][: 5 if command == "forecast" else None]  # fmt: skip
    fresh = tmp_path / "new.sqlite"
    code, _, err = run(capsys, *args, "--record", fresh)
    assert code == 1 and "the fit failed" in err
    assert not any(tmp_path.glob("new.sqlite*"))
    kept = tmp_path / "kept.sqlite"
    Record(kept).close()
    code, _, _ = run(capsys, *args, "--record", kept)
    assert code == 1 and kept.exists() and len(Record(kept)) == 0


def test_a_bad_record_fails_before_the_work(capsys, tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    code, out, err = run(
        capsys, "outlook", "--paths", "400", "--out", tmp_path / "o", "--record", path
    )
    assert code == 1 and out == "" and err.count("\n") == 1 and "not a forecast record" in err
    assert not (tmp_path / "o").exists()


def test_backfill_score_export_on_real_data(capsys, tmp_path, scores_csv, leaders_csv):
    path = tmp_path / "rec.sqlite"
    code, out, err = run(
        capsys,
        "record",
        "backfill",
        scores_csv,
        "--dyad",
        "Japan,US",
        "--origins",
        "2021-06:2023-06",
        "--model",
        "block",
        "--paths",
        "500",
        "--leaders",
        leaders_csv,
        "--workers",
        "1",
        "--record",
        path,
    )
    assert code == 0, err
    assert "recorded 6 forecasts" in out
    code, out, _ = run(
        capsys,
        "record",
        "backfill",
        scores_csv,
        "--dyad",
        "Japan,US",
        "--origins",
        "2021-06:2023-06",
        "--model",
        "block",
        "--paths",
        "500",
        "--leaders",
        leaders_csv,
        "--record",
        path,
    )
    assert "recorded 0 forecasts" in out and "6 already there" in out
    code, _, err = run(
        capsys,
        "record",
        "backfill",
        scores_csv,
        "--dyad",
        "Japan",
        "--origins",
        "2030-06:2031-06",
        "--model",
        "block",
        "--paths",
        "100",
        "--record",
        path,
    )
    assert code != 0 and "no forecast recorded" in err and "outside the data" in err
    code, out, err = run(
        capsys, "record", "score", scores_csv, "--record", path, "--out", tmp_path / "scores"
    )
    assert code == 0, err
    assert "Japan" in out and "US" in out
    summary = pd.read_csv(tmp_path / "scores" / "summary.csv").set_index("dyad")
    assert summary.loc["Japan", "forecasts"] == 3 and summary.loc["Japan", "resolved"] == 3
    assert (tmp_path / "scores" / "reliability.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for name in ("months.csv", "questions.csv"):  # no unnamed column of row numbers
        header = (tmp_path / "scores" / name).read_text().splitlines()[0].split(",")
        assert header[0] == "forecast_id" and "" not in header
    code, out, _ = run(capsys, "record", "export", "--record", path, "--out", tmp_path / "x")
    back = pd.read_csv(tmp_path / "x" / "backtest.csv")
    assert code == 0 and len(back) == 6 * 12 and {"cross_-6", "q95"} <= set(back.columns)


def test_record_commands_refuse_a_missing_record(capsys, tmp_path):
    code, _, err = run(capsys, "record", "list", "--record", tmp_path / "none.sqlite")
    assert code == 1 and "no forecast record" in err
    assert not (tmp_path / "none.sqlite").exists()


def test_the_outlook_trust_section_reads_the_record(capsys, tmp_path):
    """With --record holding this model's past forecasts, the trust section scores those
    (only the ones whose outcomes are known by the as-of month) instead of a new backtest."""
    path = tmp_path / "rec.sqlite"
    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text(
        "scenarios:\n  - name: thaw\n    shocks:\n"
        "      - {kind: custom, start: 2025-09, shape: step, effect: [0.5, 0.1]}\n"
    )
    for until in ("2021-06", "2022-06", "2023-06"):
        code, _, err = run(
            capsys,
            "forecast",
            "--paths",
            "300",
            "--model",
            "block",
            "--until",
            until,
            "--record",
            path,
        )
        assert code == 0, err
    code, _, err = run(
        capsys,
        "outlook",
        "--paths",
        "300",
        "--model",
        "block",
        "--until",
        "2024-09",
        "--window",
        "2024-10:2025-09",
        "--scenarios",
        scenarios,
        "--out",
        tmp_path / "o",
        "--record",
        path,
    )
    assert code == 0, err
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    # all three recorded years are over by 2024-09 (first and last origin, and the count)
    record = summary["track_record"]
    assert record["origins"] == ["2021-06", "2023-06"]
    assert record["summary"]["dyad"]["origins"] == 3
    code, _, err = run(
        capsys,
        "outlook",
        "--paths",
        "300",
        "--model",
        "block",
        "--until",
        "2023-03",
        "--window",
        "2023-04:2024-03",
        "--out",
        tmp_path / "early",
        "--record",
        path,
    )
    assert code == 0, err
    early = json.loads((tmp_path / "early" / "summary.json").read_text())
    # the demo's scenarios (shocks from 2025-09) could change no answer of 2023-04:2024-03:
    # left out, and said so
    assert early["scenarios"] == []
    assert "demo's scenarios 'right-wing successor'" in err and "(2024-03): left out" in err
    # as of 2023-03 the 2023-06 forecast did not exist and 2022-06's year was not over
    assert early["track_record"]["origins"] == ["2021-06", "2021-06"]
    assert early["track_record"]["summary"]["dyad"]["origins"] == 1
