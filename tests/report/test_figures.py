"""Figures: no overlap of level names and tick labels, labelled shock lines, named
analogue anchors, reliability bins with their counts."""

import matplotlib

matplotlib.use("Agg")

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.graphics.labels import labels
from relforecast.report.plots import analogue_chart, history_figure, reliability_chart

TEXT = labels("en")


def boxes(fig, artists):
    renderer = fig.canvas.get_renderer()
    return [a.get_window_extent(renderer) for a in artists if a.get_visible() and a.get_text()]


@pytest.fixture(scope="module")
def history():
    series = rf.datasets.demo()
    shocks = [(s.start, s.label) for s in rf.datasets.demo_shocks()]
    events = pd.Series(
        np.random.default_rng(0).integers(-3, 4, 240).astype(float),
        index=pd.period_range("2005-07", periods=240, freq="M"),
    )
    fig = history_figure(
        series, rf.TSINGHUA_SCALE, shocks=shocks, events=events, text=TEXT, title="t"
    )
    fig.canvas.draw()
    yield fig, shocks
    plt.close(fig)


def test_level_names_do_not_overlap_tick_labels(history):
    """The event bars' right-axis ticks do not sit under the level names."""
    fig, _ = history
    main = fig.axes[0]
    names = {lv.label("en") for lv in rf.TSINGHUA_SCALE.levels}
    level_texts = [t for t in main.texts if t.get_text() in names]
    assert len(level_texts) == 6
    ticks = []
    for ax in fig.axes:
        ticks += ax.get_xticklabels() + ax.get_yticklabels()
        ticks += ax.yaxis.get_ticklabels(which="both")
    for a, b in itertools.product(boxes(fig, level_texts), boxes(fig, ticks)):
        assert not a.overlaps(b)
    assert not any(
        lab.get_visible() and lab.get_text()
        for lab in main.yaxis.get_ticklabels()
        if lab.get_position()[0] > 0.5
    )
    assert len(fig.axes) == 2  # the events have their own panel, no twin axis


def test_shock_lines_are_labelled_without_overlap(history):
    fig, shocks = history
    main = fig.axes[0]
    series = rf.datasets.demo()
    inside = {lab for m, lab in shocks if series.index[0] <= m <= series.index[-1]}
    shock_texts = [t for t in main.texts if t.get_text() in inside]
    assert {t.get_text() for t in shock_texts} == inside
    bxs = boxes(fig, shock_texts)
    for a, b in itertools.combinations(bxs, 2):
        assert not a.overlaps(b)


def test_analogue_anchors_are_named():
    series = rf.datasets.demo()
    frame = rf.analogues(series, ["2012-12", "2020-09"], before=6, after=12)
    frame.columns = ["election 2012-12", "leader 22 2020-09"]
    ax = analogue_chart(frame, text=TEXT)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(frame.columns)
    plt.close(ax.figure)


def test_reliability_points_carry_their_counts():
    table = pd.DataFrame(
        {
            "scope": ["this", "this", "this", "all", "all"],
            "forecast": [0.05, 0.5, np.nan, 0.1, 0.8],
            "observed": [0.0, 0.4, np.nan, 0.2, 0.7],
            "cases": [40, 12, 0, 90, 7],
        }
    )
    ax = reliability_chart(table, text=TEXT)
    counts = sorted(int(t.get_text()) for t in ax.texts)
    assert counts == [7, 12, 40, 90]
    plt.close(ax.figure)
