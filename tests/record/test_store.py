import json

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

import relforecast as rf
from relforecast.evaluation.rowblock import (
    QUANTILE_COLUMNS,
    QUANTILE_LEVELS,
    RowBlock,
    frame_from_blocks,
    summarise_paths,
)
from relforecast.exceptions import RecordError
from relforecast.record import EntryFacts, Record, make_entry, schema

from .conftest import history, make_forecast


def test_a_forecast_is_kept_whole(record_location):
    fc = make_forecast(seed=3)
    with Record(record_location) as rec:
        added = rec.add(fc, model="rw", seed=3)
        doc = rec.show(added.id)
    f = doc["forecast"]
    assert (f["dyad"], f["as_of"], f["window_first"], f["window_last"]) == (
        "Testland",
        "2004-12",
        "2005-01",
        "2005-12",
    )
    assert f["seed"] == "3" and f["n_paths"] == 400 and f["model"] == "rw"
    assert f["last_value"] == fc.history.iloc[-1]
    months = doc["months"].set_index("month")
    assert list(months["h"]) == list(range(1, 13))
    np.testing.assert_allclose(months["mean"], fc.paths.mean(axis=0))
    expected = np.quantile(fc.paths, QUANTILE_LEVELS, axis=0).T
    np.testing.assert_allclose(months[list(QUANTILE_COLUMNS)], expected)
    levels = fc.level_probabilities().to_numpy()
    np.testing.assert_allclose(months[list(schema.LEVEL_COLUMNS)], levels)
    cross = doc["crossings"]
    curve = cross[cross["threshold"] == -6.0].set_index("month")["p"]
    np.testing.assert_allclose(curve, fc.prob_cross_curve(-6).to_numpy())
    q = doc["questions"].set_index("name")["probability"]
    # the history ends at about -4.3: cross -6 is asked, -3 and above are "back above"
    assert q["cross_-6"] == fc.prob_cross(-6, within=12)
    assert {"back_above_-3", "below_end_-3", "back_above_0"} <= set(q.index)


def test_the_same_forecast_twice_is_recognised(record_location):
    fc = make_forecast(seed=1)
    with Record(record_location) as rec:
        first = rec.add(fc, model="rw", seed=1)
        again = rec.add(fc, model="rw", seed=1)
        other = rec.add(make_forecast(seed=2), model="rw", seed=2)
        assert first.new and not again.new and first.id == again.id
        assert other.new and len(rec) == 2
        assert len(rec.table("months")) == 24


def test_other_shocks_scenarios_or_model_make_another_forecast(record_location):
    """The identity covers the shock calendar, the scenario definitions and the model label:
    the same paths published under another of these are another forecast."""
    fc = make_forecast(seed=1)
    tariff = rf.ShockCalendar([rf.Shock("tariff", "2003-03", shape="step")])
    leader = rf.ShockCalendar([rf.Shock("leader_change", "2003-03")])
    with Record(record_location) as rec:
        plain = rec.add(fc, model="rw", seed=1)
        empty = rec.add(fc, model="rw", seed=1, shocks=rf.ShockCalendar())
        with_tariff = rec.add(fc, model="rw", seed=1, shocks=tariff)
        again = rec.add(fc, model="rw", seed=1, shocks=tariff)
        with_leader = rec.add(fc, model="rw", seed=1, shocks=leader)
        other_label = rec.add(fc, model="rw2", seed=1)
        scenario = {"definitions": [{"name": "successor", "effect": -0.5}], "results": {}}
        with_scenario = rec.add(fc, model="rw", seed=1, scenarios=scenario)
        same_definitions = rec.add(
            fc, model="rw", seed=1, scenarios={**scenario, "results": {"successor": 0.3}}
        )
    assert not empty.new and empty.id == plain.id  # an empty calendar is no calendar
    assert with_tariff.new and not again.new and again.id == with_tariff.id
    assert with_leader.new and other_label.new and with_scenario.new
    assert not same_definitions.new and same_definitions.id == with_scenario.id
    assert tariff.fingerprint() != leader.fingerprint() != ""


def test_other_estimates_make_another_forecast(record_location):
    """The same data, label and seed fitted differently (another span, another order) is
    another forecast; estimates equal to 6 significant digits are the same fit."""
    fc = make_forecast(seed=1)
    with Record(record_location) as rec:
        first = rec.add(fc, model="arima", seed=1, model_params={"ar.L1": 0.78, "sigma2": 0.01})
        other = rec.add(fc, model="arima", seed=1, model_params={"ar.L1": 0.84, "sigma2": 0.01})
        same = rec.add(
            fc, model="arima", seed=1, model_params={"ar.L1": 0.78 + 1e-12, "sigma2": 0.01}
        )
    assert first.new and other.new and other.id != first.id
    assert not same.new and same.id == first.id


def test_a_forecast_remembers_its_shock_calendar(record_location):
    """Fitted with leader dummies, a forecast says so (meta), and rec.add without shocks= still
    keeps it apart from the forecast fitted without them."""
    series = history(np.round(-4 + 0.5 * np.sin(np.arange(120) / 5), 1))
    calendar = rf.ShockCalendar([rf.Shock("leader_change", series.index[60], shape="step")])
    spec = rf.BlockBootstrap()
    plain = spec.fit(series).forecast(12, n_paths=200, rng=0)
    shocked = spec.fit(series, shocks=calendar).forecast(12, n_paths=200, rng=0)
    assert shocked.meta["shocks_sha256"] == calendar.fingerprint() != plain.meta["shocks_sha256"]
    with Record(record_location) as rec:
        a = rec.add(plain, model="block", seed=0)
        b = rec.add(shocked, model="block", seed=0)
        assert a.new and b.new
        assert rec.forecasts().loc[b.id, "shocks_sha256"] == calendar.fingerprint()


def test_asking_more_of_a_recorded_forecast_adds_the_answers(record_location):
    """The same forecast published again with another threshold is not stored twice, but the
    questions and crossing curve it adds are kept (and the old ones are not changed)."""
    fc = make_forecast(seed=1)
    with Record(record_location) as rec:
        first = rec.add(fc, model="rw", seed=1, thresholds=(-6.0,))
        before = rec.show(first.id)["questions"].set_index("name")["probability"]
        again = rec.add(fc, model="rw", seed=1, thresholds=(-6.0, -4.5))
        doc = rec.show(first.id)
        once_more = rec.add(fc, model="rw", seed=1, thresholds=(-6.0, -4.5))
    assert not again.new and again.id == first.id
    assert "cross_-4.5" in again.added_questions
    assert all(name.endswith("_-4.5") for name in again.added_questions)
    q = doc["questions"].set_index("name")["probability"]
    assert set(q.index) == set(before.index) | set(again.added_questions)
    assert q[before.index].tolist() == before.tolist()
    assert q["cross_-4.5"] == pytest.approx(fc.prob_cross(-4.5))
    assert set(doc["crossings"]["threshold"]) == {-6.0, -4.5}
    assert once_more.added_questions == ()


def test_published_questions_are_recorded_as_given(record_location):
    fc = make_forecast()
    with Record(record_location) as rec:
        added = rec.add(fc, questions={"cross_-6": 0.25, "level_end_tension": 0.6})
        q = rec.show(added.id)["questions"].set_index("name")["probability"]
    assert q["cross_-6"] == 0.25 and q["level_end_tension"] == 0.6
    with pytest.raises(RecordError, match="probability"):
        make_entry(fc, questions={"cross_-6": 1.5})
    with pytest.raises(RecordError, match="not a recordable question"):
        make_entry(fc, questions={"P(cross)": 0.5})


def test_backtest_table_is_the_backtest_contract(record_location):
    fc = make_forecast(seed=5)
    thresholds = [-6, -3, 0, 3]
    block = RowBlock(
        "Testland",
        "rw",
        np.array([fc.history.index[-1].ordinal], dtype=np.int64),
        fc.paths.shape[1],
        summarise_paths(fc.paths, fc.values, thresholds),
    )
    expected = frame_from_blocks([block], thresholds)
    with Record(record_location) as rec:
        rec.add(fc, model="rw", seed=5)
        table = rec.backtest_table()
    assert list(table.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)


def test_track_record_sees_no_outcome_after_until(record_location):
    hist = history()
    with Record(record_location) as rec:
        rec.add(make_forecast(seed=0, hist=hist), model="rw")
        later = history(np.r_[hist.to_numpy(), np.full(6, -4.2)])
        rec.add(make_forecast(seed=1, hist=later), model="rw")
        observed = history(np.r_[hist.to_numpy(), np.full(30, -4.5)])
        table = rec.track_record("Testland", observed, until="2005-06")
        assert table["target"].max() == "2005-06"
        assert sorted(table["origin"].unique()) == ["2004-12"]
        assert len(table) == 6
        everything = rec.track_record("Testland", observed)
        assert len(everything) == 24


def test_export_round_trip(record_location, tmp_path):
    pytest.importorskip("pyarrow")
    with Record(record_location) as rec:
        rec.add(make_forecast(seed=0), model="rw")
        rec.add(make_forecast(seed=1), model="rw", seed=1)
        files = rec.export(tmp_path / "csv")
        pq = rec.export(tmp_path / "pq", "parquet")
    months = pd.read_csv(files["months"])
    assert len(months) == 24 and months["forecast_id"].nunique() == 2
    back = pd.read_parquet(pq["backtest"])
    assert len(back) == 12  # both forecasts share dyad, model and origin: the first is kept
    np.testing.assert_allclose(
        back["q50"].to_numpy(), pd.read_csv(files["backtest"])["q50"].to_numpy()
    )


def test_missing_record_is_not_created_for_reading(tmp_path):
    path = tmp_path / "none.sqlite"
    with pytest.raises(RecordError, match="no forecast record"):
        Record(path, create=False)
    assert not path.exists()


def _version(location: str) -> int:
    engine = schema.make_engine(location)
    with engine.connect() as conn:
        query = sa.select(schema.record_meta.c.key, schema.record_meta.c.value)
        meta = dict(conn.execute(query).all())
    engine.dispose()
    return int(meta["schema_version"])


def test_migration_path_runs_every_step_in_one_transaction(record_location, monkeypatch):
    with Record(record_location) as rec:
        rec.add(make_forecast(), model="rw")

    def add_review_column(conn):
        conn.execute(sa.text("ALTER TABLE forecasts ADD COLUMN reviewed_by VARCHAR(40)"))

    def broken(conn):
        add_review_column(conn)
        raise RuntimeError("migration bug")

    current = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(schema, "MIGRATIONS", {**schema.MIGRATIONS, current: broken})
    with pytest.raises(RuntimeError, match="migration bug"):
        Record(record_location)
    # nothing of the failed upgrade remains: still the version, no new column, data intact
    assert _version(record_location) == current
    engine = schema.make_engine(record_location)
    with engine.connect() as conn:
        cols = {c["name"] for c in sa.inspect(conn).get_columns("forecasts")}
    engine.dispose()
    assert "reviewed_by" not in cols

    monkeypatch.setattr(schema, "MIGRATIONS", {**schema.MIGRATIONS, current: add_review_column})
    with Record(record_location) as rec:
        assert rec.schema_version == current + 1 and len(rec) == 1
    assert _version(record_location) == current + 1


def _as_version_1(location: str) -> None:
    """Turn a record into what schema version 1 wrote: no shocks_sha256 column."""
    engine = schema.make_engine(location)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE forecasts DROP COLUMN shocks_sha256"))
        conn.execute(
            sa.text("UPDATE relforecast_meta SET value='1' WHERE key='schema_version'")
        )
    engine.dispose()


def test_a_version_1_record_is_upgraded_and_keeps_its_forecasts(record_location):
    """Version 1 -> 2 adds the shock-calendar fingerprint: the old forecasts stay, with the
    calendar unknown (NULL), and new ones are recorded with theirs."""
    with Record(record_location) as rec:
        first = rec.add(make_forecast(), model="rw", seed=1)
    _as_version_1(record_location)
    assert _version(record_location) == 1
    with Record(record_location) as rec:
        assert rec.schema_version == 2 and rec.upgraded_from == 1
        table = rec.forecasts()
        assert list(table.index) == [first.id]
        assert table.loc[first.id, "shocks_sha256"] is None
        calendar = rf.ShockCalendar([rf.Shock("leader_change", "2004-06")])
        added = rec.add(make_forecast(), model="rw", seed=1, shocks=calendar)
        assert added.new
        assert rec.forecasts().loc[added.id, "shocks_sha256"] == calendar.fingerprint()
    assert _version(record_location) == 2
    with Record(record_location) as rec:
        assert rec.upgraded_from is None  # upgraded once


def test_json_fields_hold_params_and_scenarios(record_location):
    fc = make_forecast()
    scen = {"definitions": [{"name": "successor", "effect": -0.5}], "results": {}}
    with Record(record_location) as rec:
        added = rec.add(fc, model_params=pd.Series({"ar.L1": 0.3}), scenarios=scen)
        f = rec.show(added.id)["forecast"]
    assert f["model_params"] == {"ar.L1": 0.3} and f["scenarios"] == scen
    assert json.loads(json.dumps(f["notes"])) == []


def test_entry_facts_and_keywords_make_the_same_entry():
    fc = make_forecast(seed=2)
    given = {
        "model": "rw",
        "seed": 2,
        "window": "2005-03:2005-08",
        "thresholds": (-5.0,),
        "threshold": -4.5,
        "notes": ("a note",),
        "created": "2026-01-01T00:00:00+00:00",
    }
    by_keywords = make_entry(fc, **given)
    by_facts = make_entry(fc, EntryFacts(**given))
    assert by_facts.forecast == by_keywords.forecast
    assert by_facts.months == by_keywords.months
    assert by_facts.crossings == by_keywords.crossings
    assert by_facts.questions == by_keywords.questions
    # the facts reached the rows
    row = by_facts.forecast
    assert (row["window_first"], row["window_last"]) == ("2005-03", "2005-08")
    assert row["threshold"] == -4.5 and row["notes"] == '["a note"]'
    assert {c["threshold"] for c in by_facts.crossings} == {-5.0, -4.5}
    with pytest.raises(RecordError, match=r"not both \(got \['seed'\] beside it\)"):
        make_entry(fc, EntryFacts(**given), seed=3)
    with pytest.raises(RecordError, match="source 'cli' is not one of"):
        EntryFacts(source="cli")
