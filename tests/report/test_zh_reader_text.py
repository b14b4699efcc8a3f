"""The Chinese text a reader gets, on the real China–Japan and China–US outlooks: one house
style for ranges, spacing and words; a plain summary; the level boundaries once; honest
labels in the trust section."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.editorial import CJK, problems
from relforecast.graphics.labels import labels
from relforecast.models.sticky import Sticky
from relforecast.report.content import diagnostics_text
from relforecast.scale import TSINGHUA_SCALE

from .conftest import fake_backtest

ROOT = Path(__file__).resolve().parents[2]
ORIGINS = [f"{y}-06" for y in range(2017, 2025)]


def pool() -> rf.Auto:
    """Two fast members, one of them ARIMA(1,1,0) published in 0.1 steps — the same order as
    the unrounded ARIMA(1,1,0) among the spread's reference models."""
    return rf.Auto(components=(Sticky(rf.ARIMA(order=(1, 1, 0))), rf.BlockBootstrap(window=240)))


def backtest(panel: pd.DataFrame) -> pd.DataFrame:
    """A supplied backtest on every dyad of the panel, with the recovery question too (its
    cases exist only where a dyad started below −6: the US)."""
    table = fake_backtest(panel, pool().name, ORIGINS, seed=5)
    table["back_above_-6"] = np.random.default_rng(5).uniform(0, 0.3, len(table))
    return table


@pytest.fixture(scope="module")
def real(shared_data, tmp_path_factory):
    panel = rf.load_panel(shared_data / "tsinghua_relations_long.csv")
    panel = panel.loc[: pd.Period("2025-06", "M")]
    table = backtest(panel)
    out = {}
    japan = ROOT / "examples" / "scenarios_japan_2025.yaml"
    for dyad, scenarios in (("Japan", japan), ("US", None), ("UK", None), ("India", None)):
        folder = tmp_path_factory.mktemp("zh_real") / dyad
        result = rf.outlook(
            panel[dyad].dropna(),
            "2025-07:2026-06",
            rf.load_scenarios(scenarios) if scenarios else (),
            folder,
            model=pool(),
            n_paths=400,
            rng=1,
            lang="zh",
            track_record=table,
            panel=panel,
        )
        out[dyad] = (folder, result)
    return out


def _text(real, dyad: str) -> str:
    return real[dyad][1].document.text()


def _summary(real, dyad: str) -> str:
    md = (real[dyad][0] / "report.md").read_text(encoding="utf-8")
    return md.split("## 摘要", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("dyad", ["Japan", "US"])
def test_one_house_style_for_ranges_spacing_and_words(real, dyad):
    text = _text(real, dyad)
    assert problems(text, "zh") == []
    # independent of problems(): the forbidden variants themselves
    assert not re.search(r"\d%? *[–—~] *[−+]?\d", text), "a range with a dash"
    assert not re.search(r"\d%? *至 *[−+]?\d", text), "a range of values with 至"
    assert not re.search(f"[{CJK}] +[0-9−+]|[0-9%] +[{CJK}]", text), "a space beside Chinese"
    assert "对双边关系" not in text and "布赖尔" not in text
    assert "～" in text and "组双边关系" in text  # the house forms are there


@pytest.mark.parametrize("dyad", ["Japan", "US"])
def test_the_summary_is_plain_and_the_statistics_sit_in_the_trust_section(real, dyad):
    summary, text = _summary(real, dyad), _text(real, dyad)
    for jargon in ("蒙特卡洛", "布里尔", "置信区间", "标准误"):
        assert jargon not in summary, jargon
    verdict = real[dyad][1].track_record.verdict
    share = f"{100 * verdict['coverage']['share']:.0f}%"
    assert share in summary  # the verdict, in plain words, next to the headline
    trust = text.split("可信程度", 1)[1]
    assert "蒙特卡洛标准误" in trust and "布里尔分数为" in trust and "0为完美" in trust


def test_scenario_bullets_have_a_lead_in(real):
    summary = _summary(real, "Japan")
    lead = labels("zh")["scenarios_lead"]
    assert lead in summary
    assert summary.index(lead) < summary.index("\n- ")


@pytest.mark.parametrize("dyad", ["Japan", "US"])
def test_the_level_boundaries_are_given_once(real, dyad):
    text = _text(real, dyad)
    for level in TSINGHUA_SCALE.levels:
        top = level.upper == TSINGHUA_SCALE.upper
        hi = level.upper if top else level.upper - TSINGHUA_SCALE.resolution
        span = f"{level.name_zh}（{level.lower:.1f}～{hi:.1f}）".replace("-", "−")
        assert text.count(span) == 1, span


def test_the_recovery_dyad_scores_and_captions_its_own_question(real):
    folder, result = real["US"]
    assert result.track_record.headline == ("back_above", -6.0)
    md = (folder / "report.md").read_text(encoding="utf-8")
    # the figure's heading names the question scored (its caption says how to read it)
    heading = re.search(r"#### ([^\n]*)\n(?:(?!#)[^\n]*\n)*!\[[^\]]*\]\(reliability\.png\)", md)
    assert "回升至−6或以上" in heading.group(1) and "低于−6" not in heading.group(1)
    # the recovery cases all come from the US: the pooled row says so or is left out
    rows = [line for line in md.splitlines() if line.startswith("| 12个月内回升至−6")]
    assert rows and not any("7组双边关系合计 |" in r.replace(" ", "") for r in rows)
    verdict = md.split("### 历史表现", 1)[1].split("####", 1)[0]
    assert "7组双边关系（其中仅1组有此类个案）以往" in verdict


def test_model_spread_rows_are_told_apart(real):
    md = (real["Japan"][0] / "report.md").read_text(encoding="utf-8")
    table = md.split("### 模型差异", 1)[1].split("###", 1)[0]
    names = [row.split("|")[1].strip() for row in table.splitlines() if row.startswith("| ")]
    assert sum(n.startswith("ARIMA(1,1,0)") for n in names) == 2, names
    assert len(names) == len(set(names)), names


def test_no_file_name_and_no_dangling_technical_note(real):
    text = _text(real, "Japan")
    assert "track_record.csv" not in text and "技术性提示" not in text


@pytest.mark.parametrize(("dyad", "name"), [("Japan", "中日关系"), ("US", "中美关系")])
def test_the_dyads_own_intervals_are_said_under_its_name(real, dyad, name):
    md = (real[dyad][0] / "report.md").read_text(encoding="utf-8")
    verdict = md.split("### 历史表现", 1)[1].split("####", 1)[0]
    assert f"仅看{name}：" in verdict and "该双边关系" not in verdict
    # what the count counts is said: forecasts, and which of them held the outcome
    assert re.search(r"\d+次预测中有\d+次覆盖实际结果", verdict)


def test_one_name_for_the_monte_carlo_error_and_no_folder_pointer():
    zh = labels("zh")
    # the ± figure is a 蒙特卡洛标准误 everywhere; 误差 only where the text speaks of the error
    assert not [k for k, v in zh.items() if "± 为蒙特卡洛误差" in v or "±蒙特卡洛误差" in v]
    assert not [k for k, v in zh.items() if re.search("蒙特卡洛误差(?!所示)", v)]
    assert "文件夹" not in zh["panel_reports_intro"]
    assert "folder" not in labels("en")["panel_reports_intro"]
    assert "上一期" not in "".join(v for k, v in zh.items() if k.startswith("pq_"))


def test_diagnostics_are_said_in_words_or_left_out_in_chinese():
    msgs = [
        "weights learned from 74 replayed forecast months",
        "MS(2)-diff-momentum(12) in steps: regime(s) calm sit at the resolution variance floor "
        "(1.69e-03): those months are unchanged up to rounding",
        "something no report knows",
    ]
    zh = diagnostics_text(msgs, labels("zh"), "zh")
    assert len(zh) == 2 and any("分值精度" in d for d in zh)
    assert not any(re.search("[A-Za-z]{3,}", d) for d in zh)
    en = diagnostics_text(msgs, labels("en"), "en")
    assert any("something no report knows" in d for d in en)


def test_the_uk_at_minus_three_is_asked_about_minus_three_first():
    qs = rf.default_questions(-3.0, -6.0, TSINGHUA_SCALE, key_first=True)
    assert (qs[0].kind, qs[0].threshold) == ("ever-below", -3.0)
    assert (qs[1].kind, qs[1].threshold) == ("end-below", -3.0)
    assert rf.Question("ever-below", -6.0) in qs  # still asked, not first
    # near −6 the threshold stays the headline; below it, the recovery
    assert rf.default_questions(-5.1, -6.0, TSINGHUA_SCALE, key_first=True)[0].threshold == -6.0
    assert rf.default_questions(-6.5, -6.0, TSINGHUA_SCALE, key_first=True)[0].kind == (
        "ever-at-or-above"
    )


def test_a_backtest_file_is_not_named_and_observed_months_show_no_probability(
    demo_series, tmp_path
):
    """A track record read from a file (as an update reads the previous edition's) is
    described, not named; a month of the window already observed shows its score only."""
    path = tmp_path / "track_record.csv"
    fake_backtest(demo_series.to_frame(), "arima110", ["2019-06", "2021-06", "2023-06"]).to_csv(
        path, index=False
    )
    last = demo_series.index[-1]
    window = f"{last - 2}:{last + 9}"  # three months of the window observed
    result = rf.outlook(
        demo_series,
        window,
        (),
        tmp_path / "out",
        model="arima110",
        n_paths=300,
        rng=0,
        lang="zh",
        track_record=path,
    )
    text = result.document.text()
    assert "track_record.csv" not in text and problems(text, "zh") == []
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    table = md.split("## 基准预测（按月）", 1)[1].split("\n## ", 1)[0]
    rows = [r.split("|")[1:-1] for r in table.splitlines() if r.startswith("| 20")]
    observed = [r for r in rows if r[1].strip() == "已观测"]
    assert len(observed) == 3
    for r in observed:  # interval, P(below), P(below by then): none for a known month
        assert [c.strip() for c in r[3:6]] == ["—", "—", "—"]
    assert all("%" in r[4] for r in rows if r[1].strip() == "预测")


def test_chinese_figures_write_the_true_minus_sign_without_missing_glyphs():
    import io
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from relforecast.graphics.fonts import cjk_font, figure_style

    if cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    with figure_style("zh"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.plot([0, 1], [-6.5, -2.0])
        ax.set_title("中日关系预测")
        fig.savefig(io.BytesIO(), format="png")
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        plt.close(fig)
    assert any(t.startswith("−") for t in ticks) and not any(t.startswith("-") for t in ticks)
    assert not [w for w in caught if "missing from" in str(w.message)]


@pytest.mark.parametrize(("dyad", "lead"), [("Japan", "各情景："), ("US", "基准情景：")])
def test_the_crossing_caption_says_by_scenario_only_with_scenarios(real, dyad, lead):
    md = (real[dyad][0] / "report.md").read_text(encoding="utf-8")
    caption = re.search(r"!\[([^\]]*)\]\(crossing\.png\)", md).group(1)
    assert caption.startswith(lead), caption


@pytest.mark.parametrize("dyad", ["Japan", "US"])
def test_a_level_probability_is_shown_at_one_precision(real, dyad):
    """The most likely level's probability at the window's end: the summary, the scenario
    table and the level table write the same figure the same way."""
    md = (real[dyad][0] / "report.md").read_text(encoding="utf-8")
    summary = _summary(real, dyad)
    level, p = re.search(r"最可能处于“(\S+?)”等级（概率([\d.]+%)）", summary).groups()
    comparison = md.split("## 情景比较", 1)[1].split("\n## ", 1)[0]
    base = next(r for r in comparison.splitlines() if r.startswith("| 基准情景"))
    assert f"{level}（{p}）" in base, (p, base)
    levels = md.split("## 展望期末等级概率", 1)[1].split("\n## ", 1)[0]
    assert p in next(r for r in levels.splitlines() if r.startswith("| 基准情景"))


def test_a_dyad_below_minus_six_is_also_asked_about_worse_still_in_the_summary(real):
    result = real["US"][1]
    summary = _summary(real, "US")
    assert "回升至−6或以上的概率为" in summary
    worse = result.questions
    row = worse[(worse["scenario"] == "baseline") & (worse["question"] == "ever-below:-7")]
    assert len(row) == 1, worse
    p = f"{100 * float(row['p'].iloc[0]):.1f}%"
    assert f"进一步恶化方面，展望期内至少一次低于−7的概率为{p}。" in summary, summary
    # a dyad above −6 has no such sentence
    assert "进一步恶化" not in _summary(real, "Japan")


@pytest.mark.parametrize(
    ("dyad", "means"),
    [
        ("Japan", "低于−6即进入“对抗”等级。"),
        ("US", "回升至−6或以上即回到“紧张”等级。"),
        ("UK", "低于−3即进入“紧张”等级。"),
    ],
)
def test_the_headline_says_which_level_its_threshold_leads_into(real, dyad, means):
    assert means in _summary(real, dyad)


def test_the_monthly_table_asks_about_the_dyads_own_threshold(real):
    """China–UK at −3.0 is asked about −3 first: its monthly table shows −3, not −6."""
    md = (real["UK"][0] / "report.md").read_text(encoding="utf-8")
    table = md.split("## 基准预测（按月）", 1)[1].split("\n## ", 1)[0]
    header = table.splitlines()[2]
    assert "低于−3的概率" in header and "截至当月曾低于−3的概率" in header
    assert "−6" not in header
    # China–India at 1.8 is asked about reaching 3: the table says the same
    india = (real["India"][0] / "report.md").read_text(encoding="utf-8")
    header = india.split("## 基准预测（按月）", 1)[1].split("\n## ", 1)[0].splitlines()[2]
    assert " 达到3或以上的概率" in header and "截至当月曾达到3或以上的概率" in header, header
    fc = real["UK"][1].forecast
    # the last row's P(below −3 by then) is the headline answer
    last = [r for r in table.splitlines() if r.startswith("| 20")][-1]
    p = float(fc.prob_cross_curve(-3.0, "below").iloc[-1])
    assert f"{100 * p:.1f}%" in last


def test_the_overview_names_the_level_a_key_question_leads_into():
    from relforecast.report.panel_content import _key_label

    row = pd.Series({"key_question": "ever-below:-3", "key_why": "worse", "key_threshold": -3.0})
    text = _key_label(row, labels("zh"), "zh", TSINGHUA_SCALE)
    assert text.endswith("（跌入“紧张”等级）"), text
    up = pd.Series({"key_question": "ever-at-or-above:3", "key_why": "better", "key_threshold": 3})
    assert "升入“良好”等级" in _key_label(up, labels("zh"), "zh", TSINGHUA_SCALE)
    assert "into “good”" in _key_label(up, labels("en"), "en", TSINGHUA_SCALE)


def test_a_shock_is_named_in_chinese_where_the_chinese_text_names_it(leaders_csv):
    from relforecast.graphics.labels import shock_label

    calendar = rf.ShockCalendar.from_leaders(leaders_csv, "Japan")
    koizumi = next(s for s in calendar if str(s.start) == "2001-04")
    assert shock_label(koizumi, "zh") == "2001年4月小泉纯一郎就任"  # the table's Chinese name
    assert shock_label(koizumi, "en") == koizumi.label
    plain = rf.Shock("leader_change", "2001-04", shape="step", name="PM A")  # no Chinese name
    assert shock_label(plain, "zh") == "2001年4月领导人更替"
    names = {s.label: shock_label(s, "zh") for s in calendar}
    msg = (
        f"ARIMA(1,1,0): shock '{koizumi.label}' is constant over the fitting span; its effect "
        "is not estimated (set to 0)"
    )
    (zh,) = diagnostics_text([msg], labels("zh"), "zh", names)
    assert zh.startswith("2001年4月小泉纯一郎就任这一冲击发生在") and "Koizumi" not in zh
    (generic,) = diagnostics_text([msg], labels("zh"), "zh")
    assert generic.startswith("2001年4月的冲击发生在")
    # a scenario file may name its shock in Chinese too
    shock = rf.shocks.shock_from_record(
        {"kind": "custom", "start": "2025-09", "name": "thaw", "name_zh": "关系回暖"}, "test"
    )
    assert shock_label(shock, "zh") == "2025年9月关系回暖"
    # and keeps it in an edition's spec (the record form reads back the same shock)
    assert rf.shocks.shock_from_record(shock.to_dict(), "again") == shock


@pytest.mark.parametrize("dyad", ["Japan", "US"])
def test_no_figure_caption_repeats_its_heading(real, dyad):
    md = (real[dyad][0] / "report.md").read_text(encoding="utf-8")
    heading, checked = None, 0
    for line in md.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif m := re.fullmatch(r"!\[([^\]]*)\]\(\w+\.png\)", line):
            assert m.group(1) != heading, heading
            checked += 1
    assert checked >= 5


@pytest.mark.parametrize("dyad", ["Japan", "US"])
def test_technical_terms_are_explained_where_first_used(real, dyad):
    text = _text(real, dyad)
    terms = (("区块自助法", "随机抽取若干段连续的变动"), ("回放预测", "只用当时已有的数据"))
    for term, plain in terms:
        first = text.index(term)
        explained = text.index(plain)
        # the explanation follows the first use closely (same sentence or the next)
        assert 0 < explained - first < 120, (term, text[first : first + 150])


def test_the_verdicts_observed_share_has_the_tables_precision(real):
    """A share of past cases is written at whole percent in the verdict as in its table."""
    md = (real["Japan"][0] / "report.md").read_text(encoding="utf-8")
    verdict = md.split("### 历史表现", 1)[1].split("####", 1)[0]
    shares = re.findall(r"个案中发生\d+次（(\d+(?:\.\d)?%)", verdict)
    assert shares and all("." not in s for s in shares), shares
