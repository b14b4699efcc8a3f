"""Event figures: what they draw, on which axes, and in which font."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.text import Text

import relforecast as rf
from relforecast.events.charts import shares_chart, terms_chart
from relforecast.events.log import plot_shares
from relforecast.graphics.fonts import cjk_font

from .conftest import monthly
from .test_event_shares import TERMS, synthetic_frame


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _cjk_texts(fig) -> list[Text]:
    return [
        t
        for t in fig.findobj(Text)
        if any("\u4e00" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in t.get_text())
    ]


@pytest.fixture(scope="module")
def cjk():
    font = cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk)")
    return font


def _assert_cjk_font(fig, font, at_least: int) -> None:
    texts = _cjk_texts(fig)
    assert len(texts) >= at_least
    for text in texts:
        # the file matplotlib will draw this text with, resolved outside any style context
        used = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
        assert used == font.path, (text.get_text(), used)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        fig.savefig(_devnull(), format="png")  # no glyph falls back to boxes


def _devnull():
    import io

    return io.BytesIO()


def test_plot_shares_from_python_draws_chinese_with_the_cjk_font(cjk):
    log = rf.load_events(synthetic_frame(), score_col="weight")
    shares = log.topic_shares("Xland", "negative", by="term", terms=TERMS, lang="zh")
    ax = plot_shares(shares, title="某国：负面事件的议题占比")  # lang chosen from the labels
    fig = ax.figure
    # category names (legend), term labels (ticks), "无" (legend and bar text), the title
    names = {t.get_text() for t in _cjk_texts(fig)}
    assert {"边界", "贸易", "无", "A（2020-01..2020-03）", "某国：负面事件的议题占比"} <= names
    _assert_cjk_font(fig, cjk, at_least=5)


def test_window_and_terms_charts_in_chinese(cjk):
    log = rf.load_events(synthetic_frame(), score_col="weight")
    series = monthly(np.linspace(-5.0, -6.2, 12), start="2019-07", name="某国")
    drawn = rf.window_chart(series, log.monthly_scores("Xland", series.index), lang="zh")
    assert drawn.event_ax.get_ylabel() == "事件分值" and drawn.score_ax.get_ylabel() == "分值"
    _assert_cjk_font(drawn.score_ax.figure, cjk, at_least=4)
    panels = {
        "议题：负面": log.topic_shares("Xland", "negative", by="term", terms=TERMS, lang="zh"),
        "议题：正面": log.topic_shares("Xland", "positive", by="term", terms=TERMS, lang="zh"),
    }
    _assert_cjk_font(terms_chart(panels, title="某国"), cjk, at_least=6)


def test_shares_chart_bars_are_the_shares():
    log = rf.load_events(synthetic_frame(), score_col="weight")
    shares = log.topic_shares("Xland", "negative", by="month")
    ax = shares_chart(shares, horizontal=False)
    # one bar container per column; bar heights are the shares, stacked in column order
    heights = np.array([[bar.get_height() for bar in c] for c in ax.containers])
    np.testing.assert_allclose(heights, shares.to_numpy().T)
    bottoms = np.array([[bar.get_y() for bar in c] for c in ax.containers])
    np.testing.assert_allclose(bottoms[1:], np.cumsum(shares.to_numpy().T, axis=0)[:-1])
    # empty months carry the word "none" in their bar
    written = [t.get_text() for t in ax.texts]
    assert written.count("none") == int(shares["none"].sum()) == 3


def test_window_chart_draws_the_window_and_the_events_beneath():
    values = np.round(np.linspace(-4.0, -6.3, 30), 1)
    series = monthly(values, start="2022-01", name="X")
    index = series.index
    events = pd.DataFrame(0.0, index=index, columns=["positive", "negative"])
    events["count"] = 0
    events.loc[index[-3], ["positive", "count"]] = [2.0, 2]  # two positive events
    events.loc[index[-5], ["negative", "count"]] = [-1.0, 1]
    events.loc[index[-7], "count"] = 1  # a month with one neutral event
    drawn = rf.window_chart(series, events, months=12)
    line = next(ln for ln in drawn.score_ax.get_lines() if len(ln.get_ydata()) == 12)
    np.testing.assert_allclose(line.get_ydata(), values[-12:])
    assert list(drawn.table.index.astype(str)) == [str(m) for m in index[-12:]]
    # the critical line at -6 is drawn and inside the y-limits
    assert any(np.allclose(ln.get_ydata(), -6.0) for ln in drawn.score_ax.get_lines())
    lo, hi = drawn.score_ax.get_ylim()
    assert lo < -6.3 and hi > -6.0
    # bars: positive up, negative down, at their months (window positions 9 and 7)
    positive, negative = drawn.event_ax.containers[:2]
    assert [b.get_height() for b in positive][9] == 2.0
    assert [b.get_height() for b in negative][7] == -1.0
    assert drawn.event_ax.get_ylabel() == "event score"
    # months without events are marked, months with neutral events only too
    marks = {c.get_label(): c.get_offsets()[:, 0] for c in drawn.event_ax.collections}
    assert sorted(marks["no events"]) == [i for i in range(12) if i not in (5, 7, 9)]
    assert list(marks["neutral events only"]) == [5]


def test_window_chart_on_a_given_axes_and_as_of():
    series = monthly(np.round(np.linspace(-3.0, -5.0, 40), 1), start="2020-01", name="X")
    events = pd.DataFrame({"positive": 0.0, "negative": -1.0, "count": 1}, index=series.index)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
    drawn = rf.window_chart(series, events, months=6, until="2022-06", ax=right)
    assert drawn.score_ax is right and drawn.event_ax.figure is fig
    fig.canvas.draw()  # the split of the given Axes is applied at drawing time
    assert drawn.event_ax.get_position().y1 <= right.get_position().y0 + 1e-9  # beneath
    assert drawn.table.index[-1] == pd.Period("2022-06", "M") and len(drawn.table) == 6
    assert left.get_lines() == []  # the neighbour panel is untouched
    window = rf.window_chart(series, events, window="2020-03:2020-08").table
    assert str(window.index[0]) == "2020-03" and str(window.index[-1]) == "2020-08"
    with pytest.raises(rf.DataError, match="not inside the scores"):
        rf.window_chart(series, events, window="2023-01:2023-12")
    with pytest.raises(rf.DataError, match="not inside the scores"):
        rf.window_chart(series, events, window="2022-01:2022-12", until="2022-06")


def test_the_line_is_called_a_critical_point_only_when_it_is_the_scales():
    series = monthly(np.round(np.linspace(-3.0, -5.0, 40), 1), start="2020-01", name="X")
    labels = {}
    for key, scale, threshold in (
        ("tsinghua", rf.TSINGHUA_SCALE, None),
        ("other threshold", rf.TSINGHUA_SCALE, -4.5),
        ("event index", "-10:10", 0.0),  # no critical point: the user's threshold
    ):
        drawn = rf.window_chart(series, months=12, scale=scale, threshold=threshold)
        labels[key] = [ln.get_label() for ln in drawn.score_ax.get_lines()]
        plt.close(drawn.score_ax.figure)
    assert "critical point −6" in labels["tsinghua"]  # a typographic minus
    assert "threshold −4.5" in labels["other threshold"]
    assert "threshold 0" in labels["event index"]
    assert not any("critical" in label for label in labels["event index"])
