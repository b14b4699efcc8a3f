"""The all-partners outlook: one overview over every dyad, and each dyad's own report.

A hand-made panel of three synthetic dyads (named after partners so that the Chinese report
has their Chinese names): two near -6 from above, one below -6; a cheap two-component pool,
400 paths, no track record.
"""

from __future__ import annotations

import json
import re
import shutil
import warnings
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.cli.main import main
from relforecast.exceptions import DataError
from relforecast.graphics.labels import LABELS, LATIN_ALLOWED, latin_words, model_label
from relforecast.report import panel_outlook as panel_module
from relforecast.report.panel_outlook import _folders, dyad_folder
from tests.panels import write_long_csv
from tests.report.conftest import small_pool

AS_OF = "2025-06"
WINDOW = "2025-07:2026-06"
CREATED = datetime(2025, 7, 1, tzinfo=UTC)
LAST = {"Japan": -5.6, "Russia": -5.3, "US": -6.8}  # at the as-of month


def sticky_walk(last: float, months: int, seed: int) -> np.ndarray:
    """A sticky random walk on the 0.1 grid that ends at ``last``."""
    gen = np.random.default_rng(seed)
    moves = np.where(gen.random(months) < 0.4, gen.normal(0, 0.35, months), 0.0)
    path = np.cumsum(moves[::-1])[::-1] - moves[0]  # path[-1] == 0
    return np.round(np.clip(last + path - path[-1], -8.9, 8.9), 1)


def make_panel(later_months: int = 0) -> pd.DataFrame:
    """Three dyads, 240 months to the as-of month, plus ``later_months`` extreme months."""
    index = pd.period_range(end=AS_OF, periods=240, freq="M")
    panel = pd.DataFrame(
        {d: sticky_walk(v, 240, seed) for seed, (d, v) in enumerate(LAST.items())}, index=index
    )
    if later_months:
        later = pd.period_range(index[-1] + 1, periods=later_months, freq="M")
        panel = pd.concat([panel, pd.DataFrame(8.8, index=later, columns=panel.columns)])
    return panel


def calendars(with_later_shock: bool) -> dict[str, rf.ShockCalendar]:
    shocks = [rf.Shock("leader_change", "2023-01", shape="step", name="PM A")]
    if with_later_shock:
        shocks.append(rf.Shock("leader_change", "2025-08", shape="step", name="PM B"))
    return {"Japan": rf.ShockCalendar(shocks)}


def run(panel: pd.DataFrame, out: Path, lang: str = "en", **kw) -> rf.PanelOutlook:
    options = {
        "model": small_pool(),
        "n_paths": 400,
        "rng": 5,
        "track_record": None,
        "created": CREATED,
        "as_of": AS_OF,
    }
    return rf.panel_outlook(panel, WINDOW, out, lang=lang, **{**options, **kw})


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def en_run(tmp_path_factory):
    """As of 2025-06 on a panel that runs to 2025-09 (8.8 everywhere) and a calendar with a
    leader change in 2025-08: neither may be used or shown."""
    out = tmp_path_factory.mktemp("panel") / "all"
    return out, run(make_panel(later_months=3), out, shocks=calendars(with_later_shock=True))


@pytest.fixture(scope="module")
def zh_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("panel_zh") / "all"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rf.RelforecastWarning)  # no CJK font: English figures
        result = run(make_panel(), out, lang="zh", shocks=calendars(with_later_shock=False))
    return out, result


def test_one_row_per_dyad_with_the_question_its_state_asks(en_run):
    out, result = en_run
    overview = result.overview
    assert sorted(overview.index) == sorted(LAST)
    for dyad, last in LAST.items():
        assert overview.loc[dyad, "last"] == pytest.approx(last)
        assert overview.loc[dyad, "question"] == ("recover" if last < -6 else "cross")
    md = (out / "report.md").read_text(encoding="utf-8")
    rows = [line for line in md.splitlines() if re.match(r"\| \[China–", line)]
    assert len(rows) == len(LAST)
    us_row = next(line for line in rows if "(US/report.html)" in line)
    assert "back at −6 or above" in us_row
    japan_row = next(line for line in rows if "(Japan/report.html)" in line)
    assert "below −6 at least once" in japan_row
    level_names = set(rf.TSINGHUA_SCALE.level_names("en"))
    assert set(overview["level_end"]) <= level_names


def test_each_row_is_the_number_of_the_linked_report(en_run):
    out, result = en_run
    html = (out / "report.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">', html)
    assert sorted(links) == sorted(f"{d}/report.html" for d in LAST)
    for link in links:
        assert (out / link).is_file()
    with zipfile.ZipFile(out / "report.docx") as docx:  # Word: the same links
        rels = docx.read("word/_rels/document.xml.rels").decode("utf-8")
    assert sorted(re.findall(r'Target="([^"]+/report\.html)"', rels)) == sorted(links)
    for dyad, row in result.overview.iterrows():
        own = pd.read_csv(out / dyad / "questions.csv").iloc[0]  # the dyad's headline
        assert own["scenario"] == "baseline"
        assert own["question"] == (
            "ever-below:-6" if row["question"] == "cross" else "ever-at-or-above:-6"
        )
        assert row["p"] == pytest.approx(own["p"], abs=1e-4)
        assert result.reports[dyad] == out / dyad / "report.html"


def test_joint_without_dependence_is_the_product_rule(en_run):
    _, result = en_run
    joint, overview = result.joint, result.overview
    above = [d for d in overview.index if overview.loc[d, "question"] == "cross"]
    assert sorted(joint.attrs["marginal"]) == sorted(above) == ["Japan", "Russia"]
    p = overview.loc[above, "p"].to_numpy()
    assert 0.02 < p.min() and p.max() < 0.98  # the check has something to check
    product = {1: 1 - np.prod(1 - p), 2: np.prod(p)}
    for k, expected in product.items():
        row = joint.loc[k]
        assert row["p_product"] == pytest.approx(expected, abs=1e-12)
        tolerance = 4 * np.sqrt(expected * (1 - expected) / 400) + 1e-9
        assert abs(row["p_independent"] - expected) <= tolerance
        assert row["se_dependent"] == pytest.approx(
            np.sqrt(row["p_dependent"] * (1 - row["p_dependent"]) / 400)
        )


def test_nothing_after_the_as_of_month_is_used_or_shown(en_run, tmp_path):
    out, result = en_run
    run(make_panel(), tmp_path / "cut", shocks=calendars(with_later_shock=False))
    assert (result.overview["last_month"] == AS_OF).all()
    assert not (result.overview[["median_end", "upper_end"]] > 8).any().any()
    mine, theirs = tree(out), tree(tmp_path / "cut")
    assert set(mine) == set(theirs)
    assert [name for name in mine if mine[name] != theirs[name]] == []
    assert "PM B" not in (out / "Japan" / "report.md").read_text(encoding="utf-8")


def test_the_chinese_overview_holds_no_english(zh_run):
    out, result = zh_run
    text = result.document.text()
    assert latin_words(text) <= LATIN_ALLOWED, latin_words(text) - LATIN_ALLOWED
    md = (out / "report.md").read_text(encoding="utf-8")
    header = next(line for line in md.splitlines() if line.startswith("| ") and "双边关系" in line)
    assert latin_words(header) == set()
    for key in ("col_dyad", "col_answer", "question", "col_median_end", "col_level_end"):
        assert LABELS["en"][key] not in md
    assert "中日" in md and "中美" in md
    assert set(result.overview["level_end"]) <= set(rf.TSINGHUA_SCALE.level_names("zh"))


def test_a_failed_write_leaves_the_previous_overview_intact(en_run, tmp_path, monkeypatch):
    src, _ = en_run
    target = tmp_path / "all"
    shutil.copytree(src, target)
    before = tree(target)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(panel_module, "to_docx", full_disk)  # after every dyad's report
    with pytest.raises(OSError, match="No space left"):
        run(make_panel(), target, rng=99)
    assert tree(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all"]  # no temporary folder, lock


def test_dyad_folders_are_safe_and_distinct():
    assert dyad_folder("../etc") == "_._etc" and "/" not in dyad_folder("a/b")
    assert not dyad_folder(".hidden").startswith(".")
    with pytest.raises(DataError, match="share the report folder"):
        _folders(["South Korea", "South_Korea"])


def test_a_dyad_without_a_score_for_the_as_of_month_is_refused(tmp_path):
    panel = make_panel()
    panel.loc[panel.index[-2:], "Russia"] = np.nan
    with pytest.raises(DataError, match=r"Russia \(data end 2025-04\)"):
        run(panel, tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_cli_writes_the_overview_and_refuses_scenarios(tmp_path, capsys):
    data = write_long_csv(make_panel(), tmp_path / "scores.csv")
    out = tmp_path / "all"
    common = [str(data), "--dyad", "Japan,US", "--window", WINDOW, "--out", str(out)]
    code = main(["outlook", *common, "--scenarios", "x.yaml"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and len(err) == 1 and "--scenarios" in err[0]
    args = ["--model", "block", "--paths", "200", "--track-record", "none", "--workers", "1"]
    assert main(["outlook", *common, *args]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("2 dyads, window 2025-07:2026-06") and "report.html" in last
    assert (out / "Japan" / "report.html").is_file() and (out / "US" / "report.html").is_file()
    assert "joint.csv" not in {p.name for p in out.iterdir()}  # only Japan is above -6


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_overview_on_a_score_of_one_span_names_no_level(tmp_path, lang):
    """On a ``LO:HI`` scale (one span, no named levels) the overview's key questions are the
    threshold's, and neither its introduction nor its table speaks of levels."""
    scale = "-10:10"
    pool = rf.Auto(
        components=(rf.ARIMA(order=(1, 1, 0), window=240, scale=scale),
                    rf.BlockBootstrap(window=240, scale=scale)),
        scale=scale,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rf.RelforecastWarning)  # no CJK font: English figures
        run(make_panel(), tmp_path / "o", lang=lang, model=pool, threshold=0)
    text = (tmp_path / "o" / "report.md").read_text(encoding="utf-8")
    assert ("等级" not in text) if lang == "zh" else ("level" not in text.lower()), text[:2000]


def test_the_default_pool_is_named_in_chinese():
    """The overview (and each report) names the model; the default pool's parts — published
    in 0.1 steps, bootstraps of the last 120 months — have Chinese names too."""
    name = "auto[" + " + ".join(c.name for c in rf.Auto().components) + "]"
    assert "in steps" in name and "months" in name  # the parts this test is about
    zh = model_label(name, "zh")
    assert latin_words(zh) <= LATIN_ALLOWED, latin_words(zh) - LATIN_ALLOWED
    assert "阶梯" in zh and "最近 120 个月" in zh


def test_the_overview_shows_each_partner_key_question_with_one_decimal(en_run):
    import json

    from relforecast.questions import key_question

    out, result = en_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    md = (out / "report.md").read_text(encoding="utf-8")
    rows = [line for line in md.splitlines() if re.match(r"\| \[China–", line)]
    for dyad, last in LAST.items():
        expected, _ = key_question(last, -6, rf.TSINGHUA_SCALE)
        assert summary["dyads"][dyad]["key"]["question"] == expected.code
        assert result.overview.loc[dyad, "key_question"] == expected.code
        row = next(line for line in rows if f"({dyad}/report.html)" in line)
        median = row.split("|")[6].strip()
        assert median == f"{result.overview.loc[dyad, 'median_end']:.1f}".replace("-", "−")
    assert summary["previous_as_of"] is None


def test_the_methods_note_says_each_dyad_has_its_own_pool_weights(en_run, zh_run):
    """The pool is fitted per dyad: its weights differ between dyads, and the note says so."""
    out = en_run[0]
    weights = {}
    for dyad in en_run[1].reports:
        params = json.loads((out / dyad / "summary.json").read_text())["model"]["params"]
        weights[dyad] = tuple(round(v, 6) for k, v in params.items() if k.startswith("weight["))
    assert len(set(weights.values())) > 1, weights  # the reason the note is needed
    en = en_run[1].document.text()
    notes = en.split(LABELS["en"]["notes"], 1)[1]
    assert "estimated separately for each dyad" in notes
    zh = zh_run[1].document.text().split(LABELS["zh"]["notes"], 1)[1]
    assert "组合权重按每组双边关系分别估计" in zh


def test_the_notes_say_which_shocks_the_models_took_into_account(en_run, tmp_path):
    """With a calendar for Japan (one shock up to the as-of month) the notes count it per
    dyad; without any, they say no shocks were used — a separate dyad report with a leaders
    file gives other numbers, and the reader is told why."""
    notes = en_run[1].document.text().split(LABELS["en"]["notes"], 1)[1]
    assert "China–Japan 1" in notes and "China–US 0" in notes
    bare = run(make_panel(), tmp_path / "bare", n_paths=200)
    notes = bare.document.text().split(LABELS["en"]["notes"], 1)[1]
    assert "No leaders table or shock calendar was given" in notes


def test_the_overview_names_the_pool_as_each_dyad_report_does(en_run, zh_run):
    """The pools learned unequal weights: the overview's short model name is the weighted one
    the dyad reports use, in both languages."""
    def meta(report: Path) -> str:  # the line under the title: date, model, paths, seed
        lines = report.read_text(encoding="utf-8").splitlines()
        return next(line for line in lines if line.startswith("*"))

    for (out, result), lang in ((en_run, "en"), (zh_run, "zh")):
        weighted = "weighted pool of" if lang == "en" else "按近期表现加权的"
        for dyad in result.reports:
            assert weighted in meta(out / dyad / "report.md"), (dyad, lang)
        assert weighted in meta(out / "report.md"), lang
