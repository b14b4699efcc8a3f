"""Finished bilingual output and one deterministic CJK font."""

import io
import json
import re
import subprocess
import sys
import zipfile

import pytest

from relforecast.editorial import short_model_name
from relforecast.graphics.fonts import cjk_font
from relforecast.graphics.labels import (
    LABELS,
    LATIN_ALLOWED,
    dyad_label,
    fmt_month,
    latin_words,
    model_label,
)

needs_cjk = pytest.mark.skipif(
    cjk_font() is None, reason="no CJK font installed (apt-get install fonts-noto-cjk)"
)


def test_label_tables_have_the_same_keys():
    assert set(LABELS["en"]) == set(LABELS["zh"])
    for key, text in LABELS["zh"].items():
        assert latin_words(re.sub(r"{[^}]*}", "", text)) <= LATIN_ALLOWED, key
        fields = set(re.findall(r"{(\w+)", LABELS["en"][key]))
        assert fields == set(re.findall(r"{(\w+)", text)), key


def test_dyads_months_and_models_as_the_group_writes_them():
    assert (
        dyad_label("Japan", "zh") == "中日关系" and dyad_label("United States", "zh") == "中美关系"
    )
    assert dyad_label("Japan") == "China–Japan relations"
    assert fmt_month("2025-07", "zh") == "2025年7月" and fmt_month("2025-07") == "2025-07"
    name = "auto[ARIMA(1,1,1) + ARIMA(1,1,0) + MS(2)-diff-momentum(12) + block-bootstrap(12)]"
    zh = model_label(name, "zh")
    assert latin_words(zh) == {"ARIMA"} and "马尔可夫" in zh and "区块自助法" in zh
    assert "2-regime switching model" in model_label(name, "en")
    resampled = "ARIMA(1,1,0)+boot in steps"  # innovations resampled from the fit's errors
    assert model_label(resampled, "en") == "ARIMA(1,1,0) with resampled innovations in 0.1 steps"
    zh = model_label(resampled, "zh")
    assert zh.startswith("ARIMA(1,1,0)（新息") and latin_words(zh) == {"ARIMA"}
    assert short_model_name(resampled, "zh") == "ARIMA(1,1,0)"


def test_the_continuous_pool_is_named_in_chinese_too():
    """The members of the pool of a continuous score (an event index) are described in both
    languages, their windows kept, no English word left in the Chinese."""
    import relforecast as rf

    level, climate = rf.ARLevel(window=120).name, rf.Climatology(window=60).name
    name = f"auto[{level} + {climate} + ARIMA(2,1,2)+boot + ARIMA(0,1,1)+boot]"
    zh = model_label(name, "zh", weights=[0.4, 0.3, 0.2, 0.1])
    assert latin_words(zh) == {"ARIMA"}, zh
    assert "最近 120 个月的均值回归" in zh and "最近 60 个月的分值" in zh
    en = model_label(name, "en")
    assert "AR(1) reverting to the mean of the last 120 months" in en
    assert "climatology (the scores of the last 60 months)" in en
    assert latin_words(short_model_name(level, "zh")) == set()
    assert short_model_name(climate, "zh") == "近期经验分布"


def test_counts_before_a_measure_word():
    """Two partners are 两个, not 二个."""
    from relforecast.report.content import count_word

    assert [count_word(n, "zh") for n in (1, 2, 3, 7)] == ["一", "两", "三", "七"]
    assert count_word(2, "en") == "two" and count_word(12, "zh") == "12"


def test_the_pool_is_described_by_how_its_members_were_weighted():
    """A pool with learned weights is not called 'equal-weight'; unknown weights make no claim."""
    name = "auto[ARIMA(1,1,1) + block-bootstrap(12)]"
    learned = model_label(name, "en", weights=[0.8, 0.2])
    assert "equal-weight" not in learned and "weight 0.80" in learned and "weight 0.20" in learned
    zh = model_label(name, "zh", weights=[0.8, 0.2])
    assert "等权" not in zh and "0.80" in zh and latin_words(zh) == {"ARIMA"}
    assert model_label(name, "en", weights=[0.5, 0.5]).startswith("equal-weight pool of ")
    assert model_label(name, "zh", weights=[0.5, 0.5]).startswith("等权组合模型")
    assert model_label(name, "en").startswith("pool of ")  # weights unknown: no claim


def test_chinese_report_holds_no_english_words(demo_report_zh):
    """No English words in a zh report (such as 'Japan: 形势展望', p_cross, d_p_cross_se,
    baseline, none)."""
    out, result = demo_report_zh
    text = result.document.text()
    assert latin_words(text) <= LATIN_ALLOWED, latin_words(text) - LATIN_ALLOWED
    assert result.document.title.startswith("演示序列（合成数据）形势展望")
    md = (out / "report.md").read_text(encoding="utf-8")
    for leftover in ("p_cross", "d_p_cross_se", "baseline", "none", "level_end", "median_end"):
        assert leftover not in md


@needs_cjk
def test_figures_use_the_recorded_simplified_chinese_face(demo_report_zh):
    out, _ = demo_report_zh
    font = json.loads((out / "summary.json").read_text(encoding="utf-8"))["font"]
    chosen = cjk_font()
    assert font == {"name": chosen.name, "path": chosen.path, "face_index": chosen.index}
    if chosen.name.startswith("Noto Sans CJK"):
        assert chosen.name == "Noto Sans CJK SC"


@needs_cjk
def test_the_glyphs_drawn_come_from_the_chosen_face():
    """matplotlib draws with the chosen face of a .ttc collection, not its first (JP) face:
    the font embedded in a PDF of a figure names the face."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from relforecast.graphics.fonts import figure_style

    with figure_style("zh") as font, matplotlib.rc_context({"pdf.fonttype": 42}):
        fig, ax = plt.subplots()
        ax.set_title("中日关系 对抗 紧张", fontweight="bold")
        ax.set_xlabel("分值")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="pdf")
        plt.close(fig)
    embedded = {
        m.split(b"+")[-1].decode()
        for m in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", buffer.getvalue())
    }
    from matplotlib import font_manager

    face = font_manager.get_font(font_manager.findfont(font.name)).postscript_name
    assert face in embedded
    if font.name == "Noto Sans CJK SC":
        assert all("sc" in name.lower() for name in embedded if "CJK" in name)


@needs_cjk
def test_the_font_choice_is_the_same_in_fresh_processes():
    """Before: three fresh processes drew in Serif, Sans and Sans Bold (a JP variant)."""
    code = "from relforecast.graphics.fonts import cjk_font; print(cjk_font())"
    seen = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(3)
    }
    assert len(seen) == 1 and "Bold" not in seen.pop()


def test_word_file_of_the_chinese_report_sets_the_east_asian_font(demo_report_zh):
    out, result = demo_report_zh
    xml = zipfile.ZipFile(out / "report.docx").read("word/document.xml").decode("utf-8")
    if result.summary["font"]["name"]:
        assert f'w:eastAsia="{result.summary["font"]["name"]}"' in xml
    assert "基准情景" in xml and "可信程度" in xml
