"""The settings of an outlook as one value (:class:`OutlookOptions`).

The public functions keep their keywords and build the value from them: its fields must be
exactly the keywords ``rf.outlook`` and ``rf.panel_outlook`` share, with their defaults. The
all-partners outlook resolves the settings once and sends each dyad's copy to a worker
process: pickled and prepared there, it must give the job the single-dyad outlook prepares
from the same keywords.
"""

from __future__ import annotations

import inspect
import pickle
import re
from dataclasses import fields, replace

import pandas as pd
import pytest

import relforecast as rf
from relforecast.cli.main import main
from relforecast.report.outlook_compute import prepare_outlook
from relforecast.report.outlook_options import OutlookOptions
from relforecast.report.panel_outlook import prepare_panel_outlook
from relforecast.report.track_record import TrackRecordConfig, compute_backtest

from .conftest import small_pool
from .test_panel_outlook import AS_OF, CREATED, WINDOW, calendars, make_panel

#: Keywords only one public function takes (not settings both outlooks share).
ONLY_SINGLE = {"series", "scenarios", "out", "progress", "panel", "spec"}
ONLY_PANEL = {"panel", "out", "workers", "progress", "previous"}


def _keywords(func) -> dict[str, object]:
    return {n: p.default for n, p in inspect.signature(func).parameters.items()}


@pytest.mark.parametrize(
    ("func", "own"), [(rf.outlook, ONLY_SINGLE), (rf.panel_outlook, ONLY_PANEL)]
)
def test_fields_are_the_shared_keywords_with_their_defaults(func, own):
    given = _keywords(func)
    shared = {f.name: f.default for f in fields(OutlookOptions)}
    assert set(given) - own == set(shared)
    assert {name: given[name] for name in shared} == shared


def test_a_dyads_pickled_options_prepare_the_single_dyad_job():
    panel = make_panel()
    shocks = calendars(with_later_shock=True)
    settings = {
        "model": small_pool(),
        "n_paths": 300,
        "rng": 5,
        "track_record": None,
        "created": CREATED,
        "questions": ("end-above:0",),
        "anchors": ("2012-09=anchor",),
    }
    job = prepare_panel_outlook(
        panel, OutlookOptions(as_of=AS_OF, shocks=shocks, **settings)
    )
    sent = pickle.loads(pickle.dumps(replace(job.options, shocks=shocks["Japan"])))
    there = prepare_outlook(job.series["Japan"], sent, panel=job.panel)
    here = prepare_outlook(
        panel["Japan"].rename("Japan"),
        OutlookOptions(window=WINDOW, as_of=AS_OF, shocks=shocks["Japan"], **settings),
        panel=panel,
    )
    assert (there.month, there.window, there.months) == (here.month, here.window, here.months)
    assert there.threshold == here.threshold == -6
    assert there.model_key == here.model_key
    assert [q.code for q in there.extra] == [q.code for q in here.extra] == ["end-above:0"]
    assert (there.n_paths, there.rng, there.created) == (300, 5, CREATED)
    assert (here.n_paths, here.rng, here.created) == (300, 5, CREATED)
    # the shock dated after the as-of month is cut in both
    assert [s.start for s in there.calendar] == [s.start for s in here.calendar]
    assert [s.start for s in there.calendar] == [pd.Period("2023-01", "M")]
    pd.testing.assert_series_equal(there.data, here.data)
    pd.testing.assert_frame_equal(there.observed, here.observed)
    assert there.keywords["questions"] == here.keywords["questions"]
    assert there.keywords["seed"] == here.keywords["seed"] == 5


def test_one_dyads_outlook_refuses_a_calendar_per_dyad_by_name():
    panel = make_panel()
    shocks = calendars(with_later_shock=False)
    with pytest.raises(rf.SpecError, match=r"shocks must be one rf.ShockCalendar .* got dict"):
        prepare_outlook(
            panel["Japan"].rename("Japan"),
            OutlookOptions(as_of=AS_OF, shocks=shocks, track_record=None),
        )


@pytest.mark.parametrize("one_dyad", [True, False], ids=["outlook", "panel_outlook"])
def test_a_window_starting_before_the_data_is_refused_before_fitting(one_dyad):
    # the window has begun, but its first months precede the data: they would be neither
    # observed nor forecast while the report and its questions speak of the whole window
    panel = make_panel()
    panel.loc[: pd.Period("2008-12", "M"), "Russia"] = float("nan")  # Russia starts in 2009
    options = OutlookOptions(window="2004-07:2025-12", as_of=AS_OF, track_record=None)
    start, dyad = ("2005-07", "Japan") if one_dyad else ("2009-01", "Russia")
    match = rf"starts in 2004-07, before the first month of '{dyad}' \({start}\).*in {start}"
    with pytest.raises(rf.ForecastError, match=match):
        if one_dyad:
            prepare_outlook(panel["Japan"].rename("Japan"), options)
        else:
            prepare_panel_outlook(panel, options)
    # starting in the first month of every dyad's data is accepted
    later = replace(options, window=f"{start}:2025-12")
    job = (
        prepare_outlook(panel["Japan"].rename("Japan"), later)
        if one_dyad
        else prepare_panel_outlook(panel, later)
    )
    assert str(job.months[0]) == start


def test_a_window_beyond_the_forecast_horizon_limit_is_refused_before_fitting(tmp_path, capsys):
    # 45 years ahead: refused as forecast --horizon 540 is, by rf.outlook, rf.panel_outlook,
    # rf.compare_scenarios and the command, before anything is fitted or written
    panel = make_panel()
    window = "2025-07:2070-06"
    match = rf"window '{window}' \(540 months\) .* 120-month limit.*ends by 2035-06"
    options = OutlookOptions(window=window, as_of=AS_OF, track_record=None)
    with pytest.raises(rf.ForecastError, match=match):
        prepare_outlook(panel["Japan"].rename("Japan"), options)
    with pytest.raises(rf.ForecastError, match=match):
        prepare_panel_outlook(panel, options)
    with pytest.raises(rf.ForecastError, match=match):
        rf.outlook(panel["Japan"].rename("Japan"), window=window, out=tmp_path / "py")
    fit = rf.RandomWalk().fit(panel["Japan"].rename("Japan"))
    with pytest.raises(rf.ForecastError, match=match):
        rf.compare_scenarios(fit, [], window=window, n_paths=100)
    assert main(["outlook", "--window", window, "--out", str(tmp_path / "cli")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and re.search(match, err)
    assert not (tmp_path / "py").exists() and not (tmp_path / "cli").exists()
    # ten years ahead is still a window
    assert prepare_outlook(
        panel["Japan"].rename("Japan"), replace(options, window="2025-07:2035-06")
    ).months == (pd.Period("2025-07", "M"), pd.Period("2035-06", "M"))


@pytest.mark.parametrize("one_dyad", [True, False], ids=["outlook", "panel_outlook"])
def test_data_too_short_for_a_computed_track_record_are_refused_before_fitting(one_dyad):
    # the report-time backtest's origins are a year before the as-of month and yearly back;
    # each needs 60 months of data before it. Preparing fits nothing, so refusing here is
    # refusing before the outlook's fit and simulation
    panel = make_panel()
    first = panel.index[0]
    config = TrackRecordConfig()
    as_of = first + 60 + config.horizon  # the latest origin is the first with enough data

    def prepare(month, track_record="compute"):
        options = OutlookOptions(
            window=f"{month + 1}:{month + 12}", as_of=str(month), track_record=track_record
        )
        if one_dyad:
            return prepare_outlook(panel["Japan"].rename("Japan"), options, panel=panel)
        return prepare_panel_outlook(panel, options)

    assert prepare(as_of).month == as_of
    match = (
        rf"data before {as_of - 1} are too short for a track record: an origin needs 60 "
        rf"months of data before it \(from {first + 60} on\) and the latest origin as of "
        rf"{as_of - 1} is {as_of - 1 - config.horizon}; pass --track-record none"
    )
    with pytest.raises(rf.DataError, match=match):
        prepare(as_of - 1)
    # the same origins compute_backtest runs: it refuses the same as-of month the same way
    with pytest.raises(rf.DataError, match=match):
        compute_backtest(panel, "rw-gauss", as_of - 1, config=config)
    assert prepare(as_of - 1, track_record=None).month == as_of - 1


def test_a_scenario_shock_after_the_window_is_refused_before_fitting():
    panel = make_panel()
    late = rf.Scenario("late", [rf.Shock("custom", "2026-07", shape="step", effect=(1.0, 0.1))])
    options = OutlookOptions(window=WINDOW, as_of=AS_OF, track_record=None)
    with pytest.raises(rf.ShockError, match=r"'late'.*starts 2026-07, after .*\(2026-06\)"):
        prepare_outlook(panel["Japan"].rename("Japan"), options, scenarios=[late])
    last = rf.Scenario("last", [rf.Shock("custom", "2026-06", shape="step", effect=(1.0, 0.1))])
    job = prepare_outlook(panel["Japan"].rename("Japan"), options, scenarios=[last])
    assert [s.name for s in job.scenarios] == ["last"]


@pytest.mark.parametrize(
    "window", ["2025-07-15:2026-06-30", ("2025-07", pd.Period("2026-06", "M"))]
)
def test_the_window_is_kept_as_the_months_used(window):
    # summary.json, spec.json and the command's line show the months, not the text given
    options = OutlookOptions(window=window, as_of=AS_OF, track_record=None)
    assert prepare_outlook(make_panel()["Japan"].rename("Japan"), options).window == WINDOW
    assert prepare_panel_outlook(make_panel(), options).window == WINDOW
