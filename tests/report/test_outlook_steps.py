"""The outlook in steps: computing returns every number, writing computes nothing.

``rf.outlook`` is ``prepare_outlook`` → ``compute_outlook`` → ``write_outlook``. The writing
step is checked twice: the model's fit and forecasts, the scenario simulation, the model
spread and the backtest are made to raise while it runs, and a profiler records every
relforecast function it calls, none of which may be one of the computing ones. The steps run
by hand must write the very files of ``rf.outlook``.
"""

from __future__ import annotations

import importlib
import json
import sys
from datetime import UTC, datetime

import pytest

import relforecast as rf
from relforecast.panel.parallel import worker_process
from relforecast.report import outlook_compute
from relforecast.report.outlook_compute import compute_outlook, prepare_outlook
from relforecast.report.outlook_options import OutlookOptions
from relforecast.report.outlook_write import SIDE_FIGURES, write_outlook

from .conftest import fake_backtest, small_pool

CREATED = datetime(2026, 1, 1, tzinfo=UTC)

#: Functions that fit, simulate, backtest or score: none may run while an outlook is written.
COMPUTING = {
    "fit",
    "forecast",
    "forecast_scenarios",
    "update",
    "compare_scenarios",
    "model_spread",
    "backtest",
    "compute_backtest",
    "track_record",
    "effect_summary",
    "analogues",
    "monthly_scores",
    "default_questions",
    "answer",
    "run_tasks",
}


def _options(series):
    """Keywords of ``rf.outlook``."""
    origins = [f"{y}-06" for y in range(2016, 2025)]
    table = fake_backtest(series.to_frame(), small_pool().name, origins)
    return {
        "scenarios": rf.datasets.demo_scenarios(),
        "shocks": rf.datasets.demo_shocks(),
        "model": small_pool(),
        "n_paths": 400,
        "rng": 5,
        "track_record": table,
        "created": CREATED,
    }


@pytest.fixture(scope="module")
def computed(demo_series):
    options = _options(demo_series)
    scenarios = options.pop("scenarios")
    return compute_outlook(prepare_outlook(demo_series, OutlookOptions(**options), scenarios))


class _Computing(AssertionError):
    pass


def _refuse(name):
    def refused(*_args, **_kwargs):
        raise _Computing(f"{name} ran while the outlook was written")

    return refused


def _refuse_fits(monkeypatch, fits):
    """Make every fit, forecast and update of these fitted models (and their pool's
    components) raise."""
    for fit in fits:
        for cls in {type(fit), *(type(c) for c in getattr(fit, "fits", ()))}:
            for method in ("forecast", "forecast_scenarios", "update"):
                if hasattr(cls, method):
                    monkeypatch.setattr(cls, method, _refuse(f"{cls.__name__}.{method}"))
    for part in small_pool().components:
        monkeypatch.setattr(type(part), "fit", _refuse(f"{type(part).__name__}.fit"))
    monkeypatch.setattr(rf.Auto, "fit", _refuse("Auto.fit"))


def test_writing_computes_nothing(computed, tmp_path, monkeypatch):
    _refuse_fits(monkeypatch, [computed.fit])
    for module, name in [
        (outlook_compute, "compare_scenarios"),
        (outlook_compute, "model_spread"),
        (outlook_compute, "compute_backtest"),
        (outlook_compute, "score_track_record"),
        (outlook_compute, "worker_process"),
        (importlib.import_module("relforecast.evaluation.backtest"), "backtest"),
    ]:
        monkeypatch.setattr(module, name, _refuse(name))

    called = []

    def profile(frame, event, _arg):
        if event == "call" and frame.f_globals.get("__name__", "").startswith("relforecast"):
            called.append((frame.f_globals["__name__"], frame.f_code.co_name))

    sys.setprofile(profile)
    try:
        written = write_outlook(computed, tmp_path / "out")
    finally:
        sys.setprofile(None)

    assert not [c for c in called if c[1] in COMPUTING]
    # the writing did run: figures, the document and the tables came from the stored values
    assert ("relforecast.report.content", "build_document") in called
    assert {"report.html", "fan.png", "reliability.png", "summary.json"} <= set(written.files)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    p = computed.comparison.loc["baseline", "p_cross"]
    assert summary["results"]["baseline"]["p_cross"] == pytest.approx(float(p), abs=0)


def test_steps_write_the_files_of_outlook(demo_series, computed, tmp_path):
    whole = rf.outlook(demo_series, out=tmp_path / "whole", **_options(demo_series))
    steps = write_outlook(computed, tmp_path / "steps")
    assert sorted(whole.files) == sorted(steps.files)
    for name in whole.files:
        a = (tmp_path / "whole" / name).read_bytes()
        b = (tmp_path / "steps" / name).read_bytes()
        assert a == b, name


def test_one_result_writes_two_folders_alike(computed, tmp_path):
    first = write_outlook(computed, tmp_path / "a")
    second = write_outlook(computed, tmp_path / "b")
    for name in first.files:
        if name != "spec.json":
            assert first.files[name].read_bytes() == second.files[name].read_bytes(), name
    assert first.summary == second.summary


def test_figures_drawn_in_a_worker_process_are_the_same_bytes(computed, tmp_path):
    sent = []
    with worker_process() as side:

        class Watched:
            def submit(self, func, *args):
                sent.append(args[1])
                return side.submit(func, *args)

        there = write_outlook(computed, tmp_path / "there", side=Watched())
    here = write_outlook(computed, tmp_path / "here")
    assert sent == [SIDE_FIGURES]
    assert set(SIDE_FIGURES) <= set(there.files) and sorted(there.files) == sorted(here.files)
    for name in here.files:
        if name != "spec.json":
            assert there.files[name].read_bytes() == here.files[name].read_bytes(), name


def test_panel_steps_write_the_files_of_panel_outlook(tmp_path, monkeypatch):
    from relforecast.report import panel_outlook as panel_module

    from .test_panel_outlook import AS_OF, WINDOW, make_panel, tree

    panel = make_panel()
    options = {
        "model": small_pool(),
        "n_paths": 300,
        "rng": 5,
        "track_record": None,
        "created": CREATED,
        "as_of": AS_OF,
    }
    rf.panel_outlook(panel, WINDOW, tmp_path / "whole", **options)
    job = panel_module.prepare_panel_outlook(panel, OutlookOptions(window=WINDOW, **options))
    result = panel_module.compute_panel_outlook(job, out=tmp_path / "steps")

    _refuse_fits(monkeypatch, [r.fit for r in result.dyads.values()])
    for module, name in [
        (panel_module, "compute_outlook"),
        (panel_module, "compute_backtest"),
        (panel_module, "panel_overview"),
        (panel_module, "key_table"),
        (panel_module, "joint_crossing"),
        (outlook_compute, "compare_scenarios"),
        (outlook_compute, "model_spread"),
    ]:
        monkeypatch.setattr(module, name, _refuse(name))
    panel_module.write_panel_outlook(result, tmp_path / "steps")

    whole, steps = tree(tmp_path / "whole"), tree(tmp_path / "steps")
    assert sorted(whole) == sorted(steps)
    assert [name for name in whole if whole[name] != steps[name]] == []
