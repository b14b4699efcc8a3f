"""The editorial standard of the report, its Word file, figures drawn from scripts, examples."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

import relforecast as rf
from relforecast.editorial import fmt_span, fullwidth, problems, short_model_name
from relforecast.graphics.fonts import cjk_font
from relforecast.report.content import fit_label

from .conftest import fake_backtest, small_pool

needs_cjk = pytest.mark.skipif(
    cjk_font() is None, reason="no CJK font installed (apt-get install fonts-noto-cjk)"
)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def zh_pool_report(tmp_path_factory, demo_series):
    """The demo outlook in Chinese with a two-member pool and a supplied track record."""
    out = tmp_path_factory.mktemp("editorial") / "zh"
    table = fake_backtest(demo_series.to_frame(), small_pool().name, ["2020-06", "2022-06"])
    result = rf.outlook(
        demo_series,
        scenarios=rf.datasets.demo_scenarios(),
        shocks=rf.datasets.demo_shocks(),
        out=out,
        model=small_pool(),
        n_paths=400,
        rng=2,
        lang="zh",
        track_record=table,
    )
    return out, result


# ----------------------------------------------------------------------- the rules themselves
def test_fullwidth_changes_chinese_punctuation_and_keeps_latin_names():
    text = "Japan：关系分值, 2023-07..2025-06 (截至 2025-06); ARIMA(1,1,0)：由-5.9变为-5.1"
    done = fullwidth(text)
    expected = (
        "Japan：关系分值，2023年7月至2025年6月（截至2025年6月）；ARIMA(1,1,0)：由−5.9变为−5.1"
    )
    assert done == expected
    assert problems(text, "zh") and problems(done, "zh") == []
    assert fullwidth("ARIMA(1,1,0), 2025-07") == "ARIMA(1,1,0), 2025-07"  # no Chinese: as is
    assert fmt_span("2025-07", "2026-06", "zh") == "2025年7月至2026年6月"
    assert fmt_span("2025-07", "2026-06") == "2025-07 to 2026-06"


def test_short_model_names():
    pool = "auto[ARIMA(1,1,1) in steps + MS(2)-diff-momentum(12) in steps + block-bootstrap(12)]"
    assert short_model_name(pool) == "pool of 3 models"
    assert short_model_name(pool, "zh", [0.2, 0.3, 0.5]) == "按近期表现加权的 3 个模型组合"
    assert short_model_name("ARIMA(1,1,0) in steps", "zh") == "ARIMA(1,1,0)"
    assert short_model_name("MS(2)-diff-momentum(12)", "zh") == "马尔可夫转换模型"


# --------------------------------------------------------------- the text of the report
def test_chinese_report_follows_the_house_style(zh_pool_report):
    _, result = zh_pool_report
    text = result.document.text()
    assert problems(text, "zh") == []
    assert "summary.json" not in (zh_pool_report[0] / "report.md").read_text()
    for jargon in ("本组双边关系", "首要问题", "多数路径在展望期内未发生"):
        assert jargon not in text


def test_the_full_model_specification_appears_once(zh_pool_report, demo_report):
    for (_, result), lang in ((zh_pool_report, "zh"), (demo_report[:2], "en")):
        full = fit_label(result.fit, lang)
        assert all(f"{w:.2f}" in full for w in result.fit.weights)  # the member by member text
        assert result.document.text().count(full) == 1, lang
        # the members' own descriptions are not repeated either (once in the methods note)
        assert result.document.text().count(" in 0.1 steps" if lang == "en" else "按0.1分") <= 1


def test_english_report_names_no_file(demo_report):
    _, result, _ = demo_report
    assert problems(result.document.text(), "en") == []


def test_a_chinese_report_refuses_a_scenario_without_a_chinese_name(tmp_path):
    plain = rf.Scenario("calm", [rf.Shock("custom", "2025-09", effect=(0.2, 0.1))])
    with pytest.raises(rf.SpecError, match=r"scenario 'calm' has no name_zh.*name_zh:"):
        rf.outlook(
            rf.datasets.demo(), scenarios=[plain], out=tmp_path / "o", lang="zh",
            model="arima110", n_paths=200, track_record=None,
        )  # fmt: skip
    assert not (tmp_path / "o").exists()


def test_the_cli_refuses_it_in_one_line(tmp_path, capsys):
    from relforecast.cli import main

    spec = tmp_path / "s.yaml"
    spec.write_text(
        "scenarios:\n  - name: calm\n    shocks:\n"
        "      - {kind: custom, start: 2025-09, effect: [0.2, 0.1]}\n"
    )
    args = ["outlook", "--scenarios", str(spec), "--lang", "zh", "--out", str(tmp_path / "o")]
    code = main([*args, "--paths", "200", "--track-record", "none"])
    err = capsys.readouterr().err
    assert code != 0 and err.count("\n") == 1 and "Traceback" not in err
    assert "scenario 'calm' has no name_zh" in err and "--lang en" in err
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------ Word file and data source
def test_word_file_is_a4_and_every_figure_fits_the_text_width(zh_pool_report):
    import docx

    out, _ = zh_pool_report
    word = docx.Document(str(out / "report.docx"))
    section = word.sections[0]
    assert abs(section.page_width.mm - 210) < 0.5 and abs(section.page_height.mm - 297) < 0.5
    text_width = section.page_width - section.left_margin - section.right_margin
    shapes = word.inline_shapes
    assert len(shapes) >= 5
    assert all(shape.width <= text_width for shape in shapes)


def test_every_report_names_its_data_source(zh_pool_report, demo_report, tmp_path):
    assert "合成" in zh_pool_report[1].document.text()  # the demo: synthetic data
    series = rf.datasets.demo()
    series.attrs = {}  # as if it were real Tsinghua-scale data
    result = rf.outlook(
        series, out=tmp_path / "o", model="arima110", n_paths=200, track_record=None, lang="zh"
    )
    assert "清华大学国际关系研究院" in result.document.text()
    note = "Data: a test source, 2026 vintage."
    result = rf.outlook(
        series, out=tmp_path / "p", model="arima110", n_paths=200, track_record=None,
        source_note=note,
    )  # fmt: skip
    assert note in result.document.text()
    assert note in (tmp_path / "p" / "report.md").read_text()
    xml = zipfile.ZipFile(tmp_path / "p" / "report.docx").read("word/document.xml").decode()
    assert "a test source" in xml


def test_the_cli_sets_the_source_note(tmp_path, capsys):
    from relforecast.cli import main

    out = tmp_path / "o"
    args = ["outlook", "--out", str(out), "--paths", "200", "--track-record", "none"]
    code = main([*args, "--model", "arima", "--source-note", "Source: X-9."])
    assert code == 0, capsys.readouterr().err
    assert "Source: X-9." in (out / "report.md").read_text()


# ------------------------------------------------------------- figures drawn from scripts
_PLOT = """
import warnings, relforecast as rf
import matplotlib; matplotlib.use("Agg")
fit = rf.ARIMA(order=(1, 1, 0)).fit(rf.datasets.demo().rename("Japan"))
fc = fit.forecast(12, n_paths=300, rng=0)
with warnings.catch_warnings(record=True) as seen:
    warnings.simplefilter("always")
    ax = fc.plot(lang="zh")
    ax.figure.savefig("fan.png")
print(sum("missing from font" in str(w.message) for w in seen))
print(ax.get_title())
print(ax.figure.get_size_inches()[0])
"""


@needs_cjk
def test_a_chinese_plot_from_a_script_has_its_glyphs_and_a_short_title(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", _PLOT], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-2000:]
    missing, title, width = done.stdout.splitlines()[-3:]
    assert missing == "0"
    assert title.startswith("中日关系") and "预测" in title and len(title) < 30
    assert problems(title, "zh") == []
    assert float(width) <= 10


def test_english_plot_title_is_short():
    fc = rf.ARIMA(order=(1, 1, 0)).fit(rf.datasets.demo().rename("Japan")).forecast(
        12, n_paths=200, rng=0
    )
    ax = fc.plot()
    title = ax.get_title()
    assert title.startswith("China–Japan") and len(title) < 45 and "ARIMA" not in title
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


@needs_cjk
def test_the_window_panel_names_only_what_it_draws():
    series = rf.datasets.demo().rename("Japan")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        chart = rf.window_chart(series, None, months=24, lang="zh")
        chart.score_ax.figure.canvas.draw()
    title = chart.score_ax.get_title()
    assert "中日" in title and "事件" not in title and problems(title, "zh") == []
    assert not any("missing from font" in str(w.message) for w in seen)
    ticks = [t.get_text() for t in chart.score_ax.get_xticklabels() if t.get_text()]
    assert ticks and all(problems(t, "zh") == [] and "年" in t for t in ticks)


# ------------------------------------------------------------------------------- examples
def _tracked_state() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((ROOT / "docs" / "img").glob("*.png"))}


@pytest.mark.slow
def test_the_event_figures_example_writes_only_where_it_is_told(shared_data, tmp_path):
    before = _tracked_state()
    script = ROOT / "examples" / "event_figures.py"
    done = subprocess.run(
        [sys.executable, str(script), str(shared_data), "--out", str(tmp_path / "figs")],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert _tracked_state() == before
    assert len(list((tmp_path / "figs").glob("*.png"))) >= 8


def test_examples_default_to_an_ignored_folder_of_the_working_directory():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    for name in ("event_figures.py", "forecast_japan.py", "china_japan_outlook.py"):
        source = (ROOT / "examples" / name).read_text()
        assert '"docs"' not in source and "docs/img" not in source.split('"""', 2)[2], name
        default = re.search(r'--out", default="([^"]+)"', source)
        assert default, name
        assert f"{default.group(1).strip('/')}/" in ignored, name


@needs_cjk
def test_the_small_multiples_draw_chinese_outside_the_report():
    from relforecast.report.panel_content import fan_grid

    fc = rf.ARIMA(order=(1, 1, 0)).fit(rf.datasets.demo().rename("Japan")).forecast(
        12, n_paths=200, rng=0
    )
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        png = fan_grid({"Japan": fc, "US": fc}, -6, "zh")
    assert png[:4] == b"\x89PNG"
    assert not any("missing from font" in str(w.message) for w in seen)
