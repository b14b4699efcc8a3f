import zlib

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.events.log import EventLog
from relforecast.record import Record, as_of_cut, backfill, origin_seed
from relforecast.shocks import Shock, ShockCalendar


def _panel() -> pd.DataFrame:
    """Two synthetic dyads (sticky random walks on the scale's 0.1 grid), 1980-01 … 2012-12."""
    index = pd.period_range("1980-01", "2012-12", freq="M")
    rng = np.random.default_rng(11)
    cols = {}
    for name, start in (("Alpha", -2.0), ("Beta", 1.0)):
        moves = rng.choice([-0.2, -0.1, 0.0, 0.0, 0.0, 0.1, 0.2], size=len(index))
        cols[name] = np.clip(np.round(start + np.cumsum(moves), 1), -9, 9)
    return pd.DataFrame(cols, index=index)


def test_as_of_cut_hides_everything_after_the_origin():
    series = _panel()["Alpha"]
    shocks = ShockCalendar(
        [Shock("leader_change", "2005-03", name="early"), Shock("tariff", "2008-04", name="late")],
        regressors=pd.DataFrame(
            {"events": np.arange(len(series), dtype=float)}, index=series.index
        ),
    )
    events = EventLog(
        pd.DataFrame(
            {
                "month": pd.PeriodIndex(["2006-01", "2007-06", "2007-07"], freq="M"),
                "dyad": "Alpha",
                "score": [1.0, -1.0, -2.0],
            }
        )
    )
    cut, cal, ev = as_of_cut(pd.Period("2007-06", "M"), series, shocks, events)
    assert cut.index[-1] == pd.Period("2007-06", "M")
    assert [s.name for s in cal] == ["early"]
    assert cal.regressors.index.max() == pd.Period("2007-06", "M")
    assert list(ev.frame["month"].astype(str)) == ["2006-01", "2007-06"]


def test_origin_seeds_depend_on_seed_dyad_and_origin_only():
    o = pd.Period("2000-06", "M")
    assert origin_seed(0, "Alpha", o) == origin_seed(0, "Alpha", o)
    assert (
        len(
            {
                origin_seed(0, "Alpha", o),
                origin_seed(1, "Alpha", o),
                origin_seed(0, "Beta", o),
                origin_seed(0, "Alpha", o + 12),
            }
        )
        == 4
    )


def _months(rec: Record) -> pd.DataFrame:
    meta = rec.forecasts()[["dyad", "as_of", "seed"]]
    rows = rec.table("months").merge(meta, left_on="forecast_id", right_index=True)
    return (
        rows.drop(columns="forecast_id").sort_values(["dyad", "as_of", "h"]).reset_index(drop=True)
    )


def test_no_hindsight_and_no_dependence_on_order_or_workers(tmp_path):
    panel = _panel()
    with Record(tmp_path / "a.sqlite") as a:
        done = backfill(a, panel, "2005-06:2007-06", model="block", n_paths=500, workers=1)
        assert len(done.added) == 6 and not done.notes
        first = _months(a)
    # what happened after each origin cannot matter: scramble the data after 2007-06 and
    # add a shock in 2008; reorder the dyads; use two worker processes
    changed = panel.copy()
    changed.loc[pd.Period("2007-07", "M") :] = -8.0
    later = ShockCalendar([Shock("tariff", "2008-01", shape="step", name="later")])
    with Record(tmp_path / "b.sqlite") as b:
        backfill(
            b,
            changed[["Beta", "Alpha"]],
            "2005-06:2007-06",
            model="block",
            n_paths=500,
            shocks=later,
            workers=2,
        )
        second = _months(b)
    pd.testing.assert_frame_equal(first, second)


def test_a_rerun_resumes_without_refitting(tmp_path):
    panel = _panel()
    with Record(tmp_path / "r.sqlite") as rec:
        backfill(rec, panel[["Alpha"]], "2006-06", model="block", n_paths=300)
        again = backfill(rec, panel, "2005-06:2006-06", model="block", n_paths=300)
        assert len(again.existing) == 1 and len(again.added) == 3 and len(rec) == 4


def test_a_backfill_with_other_shocks_is_not_taken_for_a_finished_one(tmp_path):
    """Shocks the origins see change the forecasts: those are new; shocks after every origin
    are cut away and change nothing, so the forecasts are already recorded."""
    panel = _panel()[["Alpha"]]
    before = ShockCalendar([Shock("tariff", "2005-01", shape="step", name="early")])
    after = ShockCalendar([Shock("tariff", "2008-01", shape="step", name="later")])
    with Record(tmp_path / "r.sqlite") as rec:
        backfill(rec, panel, "2005-06:2006-06", model="arima", n_paths=300)
        unseen = backfill(rec, panel, "2005-06:2006-06", model="arima", n_paths=300, shocks=after)
        assert len(unseen.existing) == 2 and not unseen.added
        seen = backfill(rec, panel, "2005-06:2006-06", model="arima", n_paths=300, shocks=before)
        assert len(seen.added) == 2 and not seen.existing and len(rec) == 4
        fingerprints = rec.forecasts()["shocks_sha256"]
    assert (fingerprints == "").sum() == 2
    assert set(fingerprints[fingerprints != ""]) == {before.fingerprint()}


def test_a_backfilled_forecast_is_the_outlook_published_then(tmp_path):
    series = _panel()["Alpha"].rename("Alpha")
    origin = pd.Period("2006-06", "M")
    with Record(tmp_path / "r.sqlite") as rec:
        backfill(rec, series, [origin], model="block", n_paths=500, rng=3)
        f = rec.forecasts().iloc[0]
        recorded = rec.table("months").set_index("month")
    assert (f["window_first"], f["window_last"]) == ("2006-07", "2007-06")
    out = rf.outlook(
        series.loc[:origin],
        model="block",
        n_paths=500,
        rng=int(f["seed"]),
        out=tmp_path / "outlook",
    )
    published = out.forecast
    np.testing.assert_allclose(recorded["mean"], published.paths.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(recorded["q90"], published.quantiles([0.9])[0.9], rtol=1e-12)
    assert f["data_sha256"] == out.summary["data"]["sha256"]


def test_a_backfill_on_a_scale_without_a_critical_point_records_every_origin(tmp_path):
    # an event index on -10 ... 10 has no critical point: the headline is the -6 that
    # `relforecast forecast --threshold` defaults to, and thresholds are checked on that scale
    series = _panel()["Alpha"].rename("Alpha")
    origins = ["2006-06", "2008-06"]
    with Record(tmp_path / "r.sqlite") as rec:
        with pytest.raises(rf.ForecastError, match=r"20 is outside the scale \[-10, 10\]"):
            backfill(rec, series, origins, model="block", scale="-10:10", thresholds=(20,))
        result = backfill(
            rec, series, origins, model="block", n_paths=300, scale="-10:10", thresholds=(-9.5,)
        )
        assert not result.notes
        meta = rec.forecasts()
        questions = rec.table("questions")
        months = rec.table("months")
    assert list(meta["as_of"]) == origins and set(meta["threshold"]) == {-6.0}
    for fid, f in meta.iterrows():
        origin = pd.Period(f["as_of"], "M")
        fit = rf.BlockBootstrap(scale="-10:10").fit(series.loc[:origin])
        fc = fit.forecast(12, n_paths=300, rng=int(f["seed"]))
        asked = questions[questions["forecast_id"] == fid].set_index("name")["probability"]
        assert asked["cross_-9.5"] == fc.prob_cross(-9.5)
        assert asked["cross_-6"] == fc.prob_cross(-6)
        mean = months[months["forecast_id"] == fid]["mean"].to_numpy()
        np.testing.assert_allclose(mean, fc.paths.mean(axis=0), rtol=1e-12)


def test_backfill_needs_an_int_seed(tmp_path):
    with Record(tmp_path / "r.sqlite") as rec, pytest.raises(rf.RelforecastError, match="int"):
        backfill(rec, _panel(), "2006-06", model="block", rng=np.random.default_rng(0))


def test_origin_seeds_of_months_before_1137_are_seeds_and_later_ones_unchanged():
    # the origin word is the ordinal + 10000, negative before 1137-01: numpy refuses it
    o = pd.Period("2000-06", "M")
    words = [0, zlib.crc32(b"Alpha"), o.ordinal + 10_000]
    assert origin_seed(0, "Alpha", o) == int(np.random.SeedSequence(words).generate_state(1)[0])
    early = [origin_seed(0, "Alpha", pd.Period(m, "M")) for m in ("1050-01", "1050-02", "1136-12")]
    assert len(set(early)) == 3
    # -(1050-01 + 10000) and a month whose word is that magnitude do not share a seed
    twin = pd.Period(ordinal=-(pd.Period("1050-01", "M").ordinal + 10_000) - 10_000, freq="M")
    assert origin_seed(0, "Alpha", twin) != early[0]
