"""Editions: the spec an outlook keeps, ``relforecast update`` and the changes it reports.

A small synthetic job (the demo series from 2005 written as a CSV, a fictional leaders
table, one relative-dated and one absolute-dated scenario, ARIMA, 400 paths) is published
as of 2025-03 in Chinese and updated to 2025-05 through the command line, once for the module.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import relforecast as rf
from relforecast.cli import main
from relforecast.exceptions import ShockError, SpecError
from relforecast.graphics.labels import fmt_pct_se
from relforecast.models.registry import make_model
from relforecast.report.edition import SplitTask, resolve_scenarios
from relforecast.report.edition_estimates import estimates_file
from relforecast.report.edition_index import write_index
from relforecast.report.spec import DataSource, InputFile, OutlookSpec
from relforecast.shocks import relative_month

SCENARIOS = """\
scenarios:
  - name: soon
    name_zh: 近期冲击
    description: A shock two months after the as-of month
    description_zh: 截至月份后两个月的冲击
    shocks:
      - {kind: custom, start: +2, shape: step, effect: [-0.5, 0.2]}
  - name: dated
    name_zh: 定期冲击
    description: A shock dated 2025-04
    description_zh: 2025年4月的冲击
    shocks:
      - {kind: custom, start: 2025-04, shape: step, effect: [-0.4, 0.2]}
"""

LEADERS = """\
country,office,leader,leader_zh,start,end
Japan,PM,Leader A,甲,2006-09,2012-12
Japan,PM,Leader B,乙,2012-12,2020-09
Japan,PM,Leader C,丙,2020-09,2025-12
"""


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    root = tmp_path_factory.mktemp("editions")
    series = rf.datasets.demo().loc["2005-01":"2025-05"]
    frame = pd.DataFrame({"nation": "Japan", "ym": series.index.astype(str), "value": series})
    frame.to_csv(root / "scores.csv", index=False)
    (root / "scenarios.yaml").write_text(SCENARIOS, encoding="utf-8")
    (root / "leaders.csv").write_text(LEADERS, encoding="utf-8")
    common = ["--model", "arima", "--paths", "400", "--seed", "3", "--track-record", "none"]
    first = root / "ed1"
    code = main(
        [
            "outlook",
            str(root / "scores.csv"),
            "--dyad",
            "Japan",
            "--country-col",
            "nation",
            "--score-col",
            "value",
            "--until",
            "2025-03",
            "--window",
            "2025-07:2026-06",
            "--scenarios",
            str(root / "scenarios.yaml"),
            "--leaders",
            str(root / "leaders.csv"),
            "--lang",
            "zh",
            "--out",
            str(first),
            *common,
        ]
    )
    assert code == 0
    before = _tree(first)
    second = root / "ed2"
    code = main(
        ["update", str(first), str(root / "scores.csv"), "--out", str(second), "--until", "2025-05"]
    )
    assert code == 0
    return root, first, second, before, series


def _summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def test_spec_json_round_trip_is_stable():
    spec = OutlookSpec(
        dyad="Japan",
        data=DataSource("scores.csv", "nation", "month", "value", "ffill"),
        as_of="2025-06",
        window="2025-07:2026-06",
        scenarios=({"name": "a", "shocks": [{"kind": "custom", "start": 2, "if_past": "keep"}]},),
        shocks=({"kind": "tariff", "start": "2025-04", "shape": "decay", "rate": 0.6},),
        inputs=(InputFile("leaders", "leaders.csv", "ab" * 32),),
        questions=("end-above:0",),
        lang="zh",
        threshold=-5.5,
        n_paths=2000,
        seed=7,
        anchors=("2012-09=Diaoyu",),
        track_record="none",
        out="jp",
        record="record.db",
        workers=3,
    )
    text = spec.to_json()
    assert OutlookSpec.from_json(text) == spec
    assert OutlookSpec.from_json(text).to_json() == text
    keys = list(json.loads(text))
    assert keys == sorted(keys)
    with pytest.raises(SpecError, match="colour"):
        OutlookSpec.from_dict({**json.loads(text), "colour": "red"})


def test_relative_months():
    june = pd.Period("2025-06", "M")
    assert relative_month(2, june) == pd.Period("2025-08", "M")
    assert relative_month("+2", june) == pd.Period("2025-08", "M")
    assert relative_month("-3", june) == pd.Period("2025-03", "M")
    assert relative_month(14, june) == pd.Period("2026-08", "M")
    assert relative_month("2025-10", june) is None
    with pytest.raises(ShockError, match="whole number"):
        relative_month(1.5, june)


def test_passed_scenario_shocks_get_their_fate():
    records = [
        {"name": "drop", "shocks": [{"kind": "custom", "start": "2025-07", "effect": [-1, 0.1]}]},
        {
            "name": "keep",
            "if_past": "keep",
            "shocks": [{"kind": "custom", "start": "2025-07", "effect": [-1, 0.1]}],
        },
        {
            "name": "mixed",
            "shocks": [
                {"kind": "custom", "start": "2025-06", "effect": [-1, 0.1]},
                {"kind": "tariff", "start": "2025-11", "effect": [-1, 0.1]},
            ],
        },
    ]
    scenarios, fates = resolve_scenarios(records, "2025-08", passed="fate")
    assert [s.name for s in scenarios] == ["keep", "mixed"]
    assert str(scenarios[0].shocks[0].start) == "2025-09"
    assert [str(s.start) for s in scenarios[1].shocks] == ["2025-11"]
    assert [(f.scenario, f.fate, f.to) for f in fates] == [
        ("drop", "dropped", None),
        ("drop", "scenario dropped", None),
        ("keep", "moved", "2025-09"),
        ("mixed", "dropped", None),
    ]
    # a fresh outlook still refuses a past start
    with pytest.raises(ShockError, match="2025-07"):
        resolve_scenarios(records[:1], "2025-08")


def test_update_keeps_language_scenarios_and_leaders(job):
    root, first, second, _, _ = job
    old, new = OutlookSpec.read(first), OutlookSpec.read(second)
    assert new.lang == old.lang == "zh"
    assert new.scenarios == old.scenarios
    assert new.data == old.data == DataSource(str(root / "scores.csv"), "nation", "ym", "value")
    assert new.as_of == "2025-05" and old.as_of == "2025-03"
    assert new.window == old.window == "2025-07:2026-06"
    assert (second / "input_leaders.csv").read_bytes() == (root / "leaders.csv").read_bytes()
    assert (second / "input_scenarios.yaml").read_bytes() == (root / "scenarios.yaml").read_bytes()
    summary = _summary(second)
    assert summary["lang"] == "zh"
    # the leader-change shocks are in the fit: the calendar fingerprint equals that of the
    # leaders table cut at the new as-of month
    calendar = rf.ShockCalendar.from_leaders(root / "leaders.csv", "Japan")
    assert summary["shocks_sha256"] == calendar.between(None, "2025-05").fingerprint()
    md = (second / "report.md").read_text(encoding="utf-8")
    assert "近期冲击" in md and "基准情景" in md


def test_relative_scenario_moves_with_the_as_of_month(job):
    _, first, second, _, _ = job
    starts = {
        folder.name: {s["name"]: s["shocks"][0]["start"] for s in _summary(folder)["scenarios"]}
        for folder in (first, second)
    }
    assert starts["ed1"]["soon"] == "2025-05"  # +2 from 2025-03
    assert starts["ed2"]["soon"] == "2025-07"  # +2 from 2025-05


def test_passed_absolute_scenario_is_dropped_and_said(job):
    _, first, second, _, _ = job
    assert [s["name"] for s in _summary(first)["scenarios"]] == ["soon", "dated"]
    summary = _summary(second)
    assert [s["name"] for s in summary["scenarios"]] == ["soon"]
    fates = summary["changes"]["scenario_fates"]
    assert [(f["scenario"], f["fate"], f["start"]) for f in fates] == [
        ("dated", "dropped", "2025-04"),
        ("dated", "scenario dropped", ""),
    ]
    md = (second / "report.md").read_text(encoding="utf-8")
    assert "情景“定期冲击”：其其他冲击原定于2025年4月开始" in md
    assert "故删去" in md


def test_changes_section_gives_both_numbers_and_a_split_that_adds_up(job):
    root, first, second, _, series = job
    then, now = _summary(first), _summary(second)
    row = now["changes"]["answers"]["baseline"]
    head_then = then["results"]["baseline"]["questions"][0]
    head_now = now["results"]["baseline"]["questions"][0]
    assert (row["then"], row["then_se"]) == (head_then["p"], head_then["se"])
    assert (row["now"], row["now_se"]) == (head_now["p"], head_now["se"])
    parts = row["revisions"] + row["new_data"] + row["reestimation"]
    assert parts == pytest.approx(row["now"] - row["then"], abs=1e-12)
    assert now["changes"]["new_months"] == {
        "2025-04": pytest.approx(series["2025-04"]),
        "2025-05": pytest.approx(series["2025-05"]),
    }
    # second method: refit at the previous as-of month, hold the estimates, extend the data
    calendar = rf.ShockCalendar.from_leaders(root / "leaders.csv", "Japan")
    model = make_model("arima")  # --model arima
    old_fit = model.fit(series.loc[:"2025-03"], shocks=calendar.between(None, "2025-03"))
    q = rf.questions.parse_question(now["questions"][0])
    sets = [rf.load_scenarios(s["scenarios"]) for s in (then, now)]
    held = old_fit.update(series.loc[:"2025-05"])
    for fit, key, scenarios in ((old_fit, "refit", sets[0]), (held, "held", sets[1])):
        table = rf.compare_scenarios(
            fit, scenarios, window="2025-07:2026-06", threshold=-6, n_paths=400, rng=3
        )
        assert q.answer(table.attrs["forecasts"]["baseline"]).p == pytest.approx(row[key])
    assert row["revisions"] == 0.0  # the same data to 2025-03: the refit is the published one
    md = (second / "report.md").read_text(encoding="utf-8")
    assert "自2025年3月版以来的变化" in md
    assert fmt_pct_se(row["then"], row["then_se"]) in md
    assert fmt_pct_se(row["now"], row["now_se"]) in md
    assert f"{100 * row['new_data']:+.1f}".replace("-", "−") in md


def test_previous_edition_is_untouched_and_never_the_target(job, tmp_path):
    root, first, _second, before, _ = job
    assert _tree(first) == before
    link = tmp_path / "link"
    link.symlink_to(first, target_is_directory=True)
    for target in (first, link, first.parent / "." / first.name / ".." / first.name):
        with pytest.raises(SpecError, match="previous edition"):
            rf.update_edition(first, root / "scores.csv", target, until="2025-05")
        code = main(["update", str(first), str(root / "scores.csv"), "--out", str(target)])
        assert code == 1
    assert _tree(first) == before


def test_moved_input_file_uses_the_edition_copy(job, tmp_path, capsys):
    root, _, second, _, _ = job
    moved = tmp_path / "moved"
    moved.mkdir()
    data = moved / "scores.csv"
    data.write_bytes((root / "scores.csv").read_bytes())
    spec = OutlookSpec.read(second)
    gone = spec.with_input(InputFile("leaders", str(tmp_path / "gone.csv"), "0" * 64))
    edition = tmp_path / "ed"
    edition.mkdir()
    for name in ("summary.json", "input_leaders.csv", "input_scenarios.yaml"):
        (edition / name).write_bytes((second / name).read_bytes())
    (edition / "spec.json").write_text(gone.to_json(), encoding="utf-8")
    with pytest.warns(rf.RelforecastWarning, match="gone.csv.*no longer exists"):
        with pytest.raises(SpecError, match="not after the previous edition"):
            rf.update_edition(edition, data, tmp_path / "next", until="2025-05")


def test_spec_reproduces_the_command_line_edition(job, tmp_path):
    _, first, _, _, _ = job
    spec = OutlookSpec.read(first)
    again = rf.outlook(spec, out=tmp_path / "again")
    for name in ("questions.csv", "scenarios.csv", "forecast.csv"):
        assert (tmp_path / "again" / name).read_bytes() == (first / name).read_bytes()
    assert OutlookSpec.read(tmp_path / "again") == replace(spec, out=str(tmp_path / "again"))
    assert again.summary["results"] == _summary(first)["results"]


def test_keyword_form_saves_its_spec(demo_report_zh):
    out, result = demo_report_zh
    spec = OutlookSpec.read(out)
    assert (spec.model, spec.n_paths, spec.seed, spec.lang) == ("arima110", 600, 1, "zh")
    assert spec.as_of == result.summary["as_of"] and spec.window == result.summary["window"]
    assert [s["name"] for s in spec.scenarios] == [s.name for s in rf.datasets.demo_scenarios()]
    calendar = rf.ShockCalendar.from_records(spec.shocks)
    assert calendar.fingerprint() == rf.datasets.demo_shocks().fingerprint()


def test_index_scores_resolved_windows(job, tmp_path):
    _root, first, second, _, _series = job
    listed = write_index(tmp_path / "idx", [first, second])
    assert [p.name for p in listed] == ["ed1", "ed2"]
    md = (tmp_path / "idx" / "index.md").read_text(encoding="utf-8")
    assert md.count("window not over") == 2
    # scores that cover the window 2025-07 .. 2026-06 (synthetic: one month below -6)
    months = pd.period_range("2025-07", "2026-06", freq="M")
    later = pd.DataFrame({"Japan": [-5.0] * 5 + [-6.5] + [-5.0] * 6}, index=months)
    write_index(tmp_path / "idx", [], data=later)
    md = (tmp_path / "idx" / "index.md").read_text(encoding="utf-8")
    p = _summary(first)["results"]["baseline"]["questions"][0]["p"]
    assert f"{(p - 1.0) ** 2:.3f}" in md
    assert "window not over" not in md
    listing = json.loads((tmp_path / "idx" / "editions.json").read_text())["editions"]
    assert listing == [os.path.relpath(p, tmp_path / "idx") for p in (first, second)]


def test_changes_text_in_english_names_the_numbers_and_the_fates():
    from relforecast.graphics.labels import labels
    from relforecast.questions import Question
    from relforecast.report.changes import changes_blocks
    from relforecast.report.document import Bullets, Paragraph
    from relforecast.report.edition import Changes, ShockFate

    rows = pd.DataFrame(
        {"then": [0.170], "then_se": [0.004], "now": [0.281], "now_se": [0.004]},
        index=["baseline"],
    )
    rows = rows.assign(revisions=0.0, new_data=0.108, reestimation=0.003)
    rows["change"] = rows["now"] - rows["then"]
    changes = Changes(
        previous="jp",
        previous_as_of=pd.Period("2025-06", "M"),
        as_of=pd.Period("2025-08", "M"),
        new_months=pd.Series([-5.2, -5.4], index=pd.period_range("2025-07", periods=2, freq="M")),
        question=Question("ever-below", -6),
        rows=rows,
        revised=False,
        fates=[
            ShockFate("summit", "custom:2025-08", "2025-08", "moved", "2025-09", "custom"),
            ShockFate("thaw", "tariff:2025-07", "2025-07", "dropped", None, "tariff"),
        ],
    )
    blocks = changes_blocks(changes, labels("en"), "en", "P(below −6)", {"baseline": "Baseline"})
    text = " ".join(b.text for b in blocks if isinstance(b, Paragraph))
    assert "as of 2025-06; this one is as of 2025-08" in text
    assert "2025-07 (−5.2), 2025-08 (−5.4)" in text
    zh = changes_blocks(changes, labels("zh"), "zh", "低于−6", {"baseline": "基准情景"})
    assert "2025年7月（−5.2）、2025年8月（−5.4）" in zh[1].text
    assert "17.0% ± 0.4% in the edition of 2025-06, 28.1% ± 0.4% now" in text
    assert "a change of +11.1 points: +10.8 from the new months" in text
    assert "+0.3 from re-estimating" in text and "revised" not in text
    fates = next(b for b in blocks if isinstance(b, Bullets)).items
    assert "“summit”" in fates[0] and "now starts in 2025-09" in fates[0]
    assert "“thaw”" in fates[1] and "tariff shock" in fates[1] and "dropped" in fates[1]


def test_relative_starts_in_a_shocks_file(tmp_path):
    from relforecast.report.edition import shocks_from_file

    path = tmp_path / "shocks.yaml"
    path.write_text(
        "shocks:\n"
        "  - {kind: tariff, start: -2, shape: decay, rate: 0.5}\n"
        "  - {kind: custom, start: +1, shape: pulse}\n"
        "  - {kind: election, start: 2024-11, shape: pulse}\n",
        encoding="utf-8",
    )
    calendar = shocks_from_file(path, "2025-06")
    assert [str(s.start) for s in calendar] == ["2024-11", "2025-04", "2025-07"]
    assert [str(s.start) for s in shocks_from_file(path, "2025-08")] == [
        "2024-11",
        "2025-06",
        "2025-09",
    ]


def _split(first: Path, root: Path, series: pd.Series, now: dict) -> SplitTask:
    """The split of the job's update, as the update builds it."""
    calendar = rf.ShockCalendar.from_leaders(root / "leaders.csv", "Japan").between(None, "2025-05")
    return SplitTask(
        str(first),
        make_model("arima"),
        series.loc[:"2025-05"],
        calendar,
        tuple(rf.load_scenarios(now["scenarios"])),
        rf.questions.parse_question(now["questions"][0]),
        "2025-07:2026-06",
        -6.0,
        400,
        3,
    )


def test_edition_keeps_its_fit_as_estimates(job):
    root, first, _second, _, series = job
    payload = (first / "estimates.json").read_bytes()
    assert hashlib.sha256(payload).hexdigest() == _summary(first)["edition"]["estimates"]["sha256"]
    # second method: the model estimated again on the data the edition saw, the same bytes
    seen = series.loc[:"2025-03"]
    calendar = rf.ShockCalendar.from_leaders(root / "leaders.csv", "Japan").between(None, "2025-03")
    assert estimates_file(make_model("arima").fit(seen, shocks=calendar), seen)[0] == payload


def test_update_starts_from_the_kept_estimates_without_estimating(job, tmp_path, monkeypatch):
    root, first, second, _, series = job
    now = _summary(second)
    task = _split(first, root, series, now)
    row = now["changes"]["answers"]["baseline"]
    without = tmp_path / "without"
    shutil.copytree(first, without)
    (without / "estimates.json").unlink()

    def no_estimation(*_args, **_kwargs):
        raise AssertionError("the previous model was estimated again")

    monkeypatch.setattr(rf.ARIMA, "fit", no_estimation)
    refit, held = task.run()
    assert (refit["baseline"], held["baseline"]) == (row["refit"], row["held"])
    with pytest.raises(AssertionError, match="estimated again"):  # no file: estimated
        replace(task, previous=str(without)).run()
    # data revised before the previous as-of month: estimated again too
    revised = series.loc[:"2025-05"].copy()
    revised.iloc[-10] += 0.1
    with pytest.raises(AssertionError, match="estimated again"):
        replace(task, series=revised).run()


def test_changed_estimates_are_refused(job, tmp_path, capsys):
    root, first, _second, _, _ = job
    edited = tmp_path / "edited"
    shutil.copytree(first, edited)
    text = (edited / "estimates.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    fit = doc["fit"]
    while "params" not in fit:  # a wrapped fit: its inner one
        fit = fit["inner"]
    fit["params"][0] += 1e-9  # an estimate changed by hand
    (edited / "estimates.json").write_text(json.dumps(doc, sort_keys=True), encoding="utf-8")
    with pytest.raises(SpecError, match=r"estimates\.json' changed after the edition wrote it"):
        rf.update_edition(edited, root / "scores.csv", tmp_path / "next", until="2025-05")
    code = main(["update", str(edited), str(root / "scores.csv"), "--out", str(tmp_path / "n2")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and "changed after the edition wrote it" in err[-1]
    assert not (tmp_path / "next").exists() and not (tmp_path / "n2").exists()
    # a file the edition did not write
    unlisted = tmp_path / "unlisted"
    shutil.copytree(first, unlisted)
    summary = _summary(unlisted)
    del summary["edition"]["estimates"]
    (unlisted / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    with pytest.raises(SpecError, match=r"not listed in the edition's summary\.json"):
        rf.update_edition(unlisted, root / "scores.csv", tmp_path / "next", until="2025-05")
