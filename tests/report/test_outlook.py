"""The outlook report: files, content, reproducibility, the CLI."""

import json
import re

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.cli.main import main
from tests.report.conftest import small_pool

EXPECTED = {
    "report.html",
    "report.md",
    "report.docx",
    "fan.png",
    "crossing.png",
    "levels.png",
    "history.png",
    "analogues.png",
    "reliability.png",
    "forecast.csv",
    "scenarios.csv",
    "questions.csv",
    "spread.csv",
    "track_record.csv",
    "summary.json",
}


def test_every_file_is_written(demo_report):
    out, result, _ = demo_report
    assert {p.name for p in out.iterdir()} == EXPECTED
    assert set(result.files) == EXPECTED
    for name in EXPECTED:
        if name.endswith(".png"):
            assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "report.docx").read_bytes()[:2] == b"PK"


def test_tables_and_summary_agree(demo_report):
    out, result, _ = demo_report
    scen = pd.read_csv(out / "scenarios.csv", index_col="scenario")
    assert scen.index[0] == "baseline" and "right-wing successor" in scen.index
    summary = json.loads((out / "summary.json").read_text())
    assert summary["window"] == "2025-07:2026-06" and summary["seed"] == 3
    assert summary["as_of"] == "2025-06" and summary["generator"] == "relforecast outlook"
    assert summary["data"]["synthetic"] is True and len(summary["data"]["sha256"]) == 64
    assert summary["results"]["baseline"]["p_cross"] == pytest.approx(
        scen.loc["baseline", "p_cross"], abs=1e-4
    )
    # the demo ends at -5.7 (tension): below -6, then reaching discord (-3 or above)
    assert summary["questions"] == [
        "ever-below:-6",
        "end-below:-6",
        "first-below:-6",
        "ever-at-or-above:-3",
        "end-at-or-above:-3",
    ]
    fc = pd.read_csv(out / "forecast.csv")
    assert set(fc["scenario"]) == set(scen.index)
    assert (fc.groupby("scenario").size() == 12).all()
    base = result.forecast
    assert base.prob_cross(-6) == pytest.approx(scen.loc["baseline", "p_cross"], abs=1e-4)
    q = pd.read_csv(out / "questions.csv")
    first = q[(q["scenario"] == "baseline") & (q["question"] == "ever-below:-6")]
    assert first["p"].iloc[0] == pytest.approx(base.prob_cross(-6), abs=1e-4)
    still = q[(q["scenario"] == "baseline") & (q["question"] == "end-below:-6")]
    assert still["p"].iloc[0] == pytest.approx(base.prob_still_below(-6), abs=1e-4)
    md = (out / "report.md").read_text()
    assert "![" in md and "synthetic" in md and "2025-07" in md


def test_same_seed_same_numbers(demo_report, tmp_path, demo_series):
    _, first, table = demo_report
    again = rf.outlook(
        demo_series,
        scenarios=rf.datasets.demo_scenarios(),
        shocks=rf.datasets.demo_shocks(),
        out=tmp_path / "again",
        model=small_pool(),
        n_paths=1000,
        rng=3,
        track_record=table.assign(model=small_pool().name),
    )
    pd.testing.assert_frame_equal(first.comparison, again.comparison)
    pd.testing.assert_frame_equal(first.questions, again.questions)
    pd.testing.assert_frame_equal(first.spread, again.spread)


def test_window_through_a_gap(tmp_path, demo_series):
    series = demo_series.loc[:"2025-03"]
    result = rf.outlook(
        series,
        window="2025-07:2026-06",
        out=tmp_path / "o",
        n_paths=500,
        model="arima110",
        track_record=None,
    )
    assert result.forecast.index[0] == pd.Period("2025-07", "M")
    md = (tmp_path / "o" / "report.md").read_text(encoding="utf-8")
    assert "the months before the window are forecast too" in md
    assert "No track record was computed or supplied" in md


def test_html_is_self_contained(demo_report):
    out, _, _ = demo_report
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count('<img alt="') == 6 and html.count("data:image/png;base64,") == 6
    assert "http://" not in html and "https://" not in html


def test_extra_questions_are_answered(tmp_path, demo_series):
    result = rf.outlook(
        demo_series,
        out=tmp_path / "o",
        n_paths=500,
        model="arima110",
        track_record=None,
        questions=["end-above:-5", "ever-below:-5.5"],
    )
    codes = list(result.questions.loc[result.questions["scenario"] == "baseline", "question"])
    assert codes == [
        "ever-below:-6",
        "end-below:-6",
        "first-below:-6",
        "ever-at-or-above:-3",
        "end-at-or-above:-3",
        "end-above:-5",
        "ever-below:-5.5",
    ]
    fc = result.forecast
    row = result.questions.set_index(["scenario", "question"]).loc[("baseline", "end-above:-5")]
    assert row["p"] == pytest.approx(fc.prob_above(-5).iloc[-1])
    md = (tmp_path / "o" / "report.md").read_text()
    assert "P(above −5 at the window's end, 2026-06)" in md


def test_cli_outlook_writes_the_report(tmp_path, capsys):
    code = main(
        [
            "outlook",
            "--out",
            str(tmp_path / "o"),
            "--paths",
            "500",
            "--model",
            "arima",
            "--track-record",
            "none",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    edition = {"spec.json", "estimates.json"}
    expected = (EXPECTED - {"reliability.png", "track_record.csv"}) | edition
    # with its spec and its fit: an edition
    assert {p.name for p in (tmp_path / "o").iterdir()} == expected
    assert "P(cross -6)" in captured.out and "drawing figures" in captured.err


def test_cli_outlook_errors(tmp_path, capsys):
    code = main(["outlook", "--out", str(tmp_path / "x"), "--window", "2020-07:2021-06"])
    err = capsys.readouterr().err
    assert code == 1 and "ends at or before the last observed month" in err
    assert err.strip().splitlines()[-1].startswith("relforecast: error:")
    bad = tmp_path / "sc.yaml"
    bad.write_text("scenarios:\n  - {name: x, shocks: [{kind: coup, start: 2025-10}]}\n")
    code = main(["outlook", "--out", str(tmp_path / "o"), "--scenarios", str(bad)])
    assert code == 1 and "unknown shock kind 'coup'" in capsys.readouterr().err
    code = main(["outlook", "--out", str(tmp_path / "o"), "--question", "sometimes:-3"])
    assert code == 1 and "unknown question kind" in capsys.readouterr().err
    code = main(["outlook", "--out", str(tmp_path / "o"), "--track-record", "nope.csv"])
    assert code == 1 and "track-record file 'nope.csv' does not exist" in capsys.readouterr().err
    assert not any(tmp_path.glob("o*")) and not any(tmp_path.glob(".o*"))


def test_an_outlook_on_a_scale_without_levels_is_refused_before_the_fit(tmp_path, capsys):
    """An unbounded scale has no levels for the level table, figure and text: the outlook
    says so, with the fix, before fitting anything or writing a file."""
    code = main(["outlook", "--out", str(tmp_path / "o"), "--scale", "none", "--threshold",
                 "0", "--model", "arima", "--paths", "200", "--track-record", "none"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1, err  # no progress line: nothing was fitted
    assert "no levels" in err and "--scale=-10:10" in err
    series = rf.datasets.demo()
    with pytest.raises(rf.DataError, match=r"scale \(unbounded\) has no levels"):
        rf.outlook(series, out=tmp_path / "p", model=rf.ARIMA(scale=None), threshold=0)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_outlook_on_a_score_of_one_span_names_no_level(tmp_path, lang):
    """A bounded continuous score (``--scale=-10:10``) is one span, not levels: the report has
    no most-likely-level sentence, column or table, no level figure, no "six levels" under its
    history, and no level name left in English in the Chinese text."""
    out = tmp_path / "o"
    code = main(["outlook", "--out", str(out), "--scale=-10:10", "--threshold", "0",
                 "--model", "arima", "--paths", "300", "--track-record", "none",
                 "--lang", lang])  # fmt: skip
    assert code == 0
    text = (out / "report.md").read_text(encoding="utf-8")
    assert not (out / "levels.png").exists() and "levels.png" not in text
    assert "-10 to 10" not in text and "−10 to 10" not in text
    if lang == "zh":
        assert "等级" not in text
        assert re.search(r"预计\d{4}年\d+月分值的中位数为−?[\d.]+，有80%的可能落在", text)
        assert "## 历史走势\n" in text
    else:
        assert "level" not in text.lower().replace("confidence level", "")
        assert "## History\n" in text
    # the same model on the Tsinghua scale names its six levels
    tsinghua = tmp_path / "t"
    code = main(["outlook", "--out", str(tsinghua), "--threshold", "0", "--model", "arima",
                 "--paths", "300", "--track-record", "none", "--lang", lang])  # fmt: skip
    assert code == 0 and (tsinghua / "levels.png").exists()
    text = (tsinghua / "report.md").read_text(encoding="utf-8")
    assert ("历史走势与六个等级" if lang == "zh" else "History with the six levels") in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_history_heading_counts_the_levels_the_scale_has(tmp_path, demo_series, lang):
    # an event index on -10 ... 10 has one band from bound to bound, not the six Tsinghua levels
    heads = {}
    three_levels = rf.Scale(
        -10, 10, cuts=[-3, 3], names=["low", "mid", "high"], names_zh=["低", "中", "高"],
        resolution=None,
    )  # fmt: skip
    for name, scale in (("index", "-10:10"), ("three", three_levels)):
        rf.outlook(
            demo_series, model=rf.BlockBootstrap(scale=scale), threshold=0, n_paths=200,
            track_record=None, lang=lang, out=tmp_path / name,
        )  # fmt: skip
        md = (tmp_path / name / "report.md").read_text(encoding="utf-8")
        heads[name] = [
            line
            for line in md.splitlines()
            if "history.png" in line
            or (line.startswith("## ") and ("History" in line or "历史走势" in line))
        ]
    words = {
        "en": ("six levels", "History", "three levels"),
        "zh": ("六个等级", "历史走势", "三个等级"),
    }
    six, no_levels, three = words[lang]
    assert not any(six in line for lines in heads.values() for line in lines)
    assert heads["index"][0] == f"## {no_levels}" and "levels" not in heads["index"][1]
    assert all(three in line for line in heads["three"])


def test_an_outlook_on_another_scale_has_its_baselines_and_says_what_it_counts(
    tmp_path, demo_series
):
    # built on the Tsinghua scale, they were refused for a series loaded on another scale and
    # left out of the spread table, with a diagnostic line each
    notes = {}
    for name, scale in (("index", "-10:10"), ("halves", "-10:10:0.5")):
        values = demo_series if name == "index" else (demo_series * 2).round() / 2
        table = pd.DataFrame({"ym": values.index.astype(str), "score": values.to_numpy()})
        series = rf.load_scores(table, scale=scale)  # loaded on its scale, as the CLI does
        rf.outlook(
            series, model=rf.BlockBootstrap(scale=scale), threshold=0, n_paths=200,
            track_record=None, out=tmp_path / name,
        )  # fmt: skip
        md = (tmp_path / name / "report.md").read_text(encoding="utf-8")
        spread = pd.read_csv(tmp_path / name / "spread.csv", index_col=0)
        assert (spread["role"] == "baseline").sum() == 3, spread
        assert not any("Model diagnostics" in line for line in md.splitlines())
        notes[name] = [line for line in md.splitlines() if "Probabilities are shares" in line]
    # what the probabilities count: the draws of a continuous index, not a 0.1 grid
    assert notes["index"] == ["- Probabilities are shares of 200 simulated paths."]
    assert notes["halves"] == [
        "- Probabilities are shares of 200 simulated paths, counted on the published score "
        "(rounded to 0.5)."
    ]


def test_the_tsinghua_history_heading_names_its_six_levels(demo_report):
    out, _, _ = demo_report
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## History with the six levels" in md and "whole series over the six levels" in md


def test_analogues_align_on_anchors():
    s = rf.datasets.demo()
    a = rf.analogues(s, ["2013-09", "2020-09"], before=2, after=3)
    assert list(a.index) == [-2, -1, 0, 1, 2, 3]
    assert a.loc[0, "2013-09"] == s.loc["2013-09"] and a.loc[3, "2020-09"] == s.loc["2020-12"]
    rel = rf.analogues(s, ["2013-09"], before=2, after=3, relative=True)
    assert rel.loc[0, "2013-09"] == 0.0
    np.testing.assert_allclose(rel["2013-09"], a["2013-09"] - s.loc["2013-09"])
    with pytest.raises(rf.DataError, match="outside the data"):
        rf.analogues(s, ["1900-01"])


def test_update_during_the_window(tmp_path, demo_series):
    """A window that began before the last observed month is an update during the window,
    not the error 'window starts at or before the last observed month'."""
    series = demo_series.loc[:"2025-03"].copy()
    series.loc["2025-02"] = -6.2  # crossed in an observed month of the window
    result = rf.outlook(
        series,
        window="2025-01:2025-12",
        out=tmp_path / "o",
        n_paths=500,
        model="arima110",
        track_record=None,
    )
    fc = result.forecast
    assert fc.observed == 3 and list(fc.index.astype(str))[:3] == ["2025-01", "2025-02", "2025-03"]
    head = result.questions.iloc[0]
    assert head["question"] == "ever-below:-6" and head["p"] == 1 and head["se"] == 0
    assert head["observed"] == "2025-02"
    md = (tmp_path / "o" / "report.md").read_text()
    assert "Observed so far in the window: 2025-01" in md
    assert "the score was below −6 in 2025-02, so P(below −6" in md and "= 100 %" in md
    assert md.count("| observed |") == 3 and md.count("| forecast |") == 9
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["observed_months"] == ["2025-01", "2025-02", "2025-03"]
