"""Parquet result store: written as blocks arrive, resumed runs skip finished blocks, CSV export."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.cli.main import main
from relforecast.evaluation.backtest import backtest
from relforecast.evaluation.store import BacktestStore
from tests.panels import random_walk_panel, write_long_csv

pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed")
# the module (``relforecast.evaluation.backtest`` is also the name of the re-exported function)
bt_module = importlib.import_module("relforecast.evaluation.backtest")
REAL_RUN_BLOCK = bt_module.run_block
ORIGINS = "2008-01:2013-12"
SETTINGS = {"every": 3, "n_paths": 200, "rng": 5, "refit_every": 4, "thresholds": (-3, 0)}


@pytest.fixture(scope="module")
def panel():
    return random_walk_panel(n_series=3, months=300, seed=9)


@pytest.fixture(scope="module")
def uninterrupted(panel, tmp_path_factory):
    folder = tmp_path_factory.mktemp("whole") / "store"
    return backtest(panel, ["rw-boot", "arima110"], ORIGINS, store=folder, **SETTINGS), folder


def _counting(monkeypatch, fail_after=None):
    calls = []
    real = REAL_RUN_BLOCK

    def run_block(block):
        if fail_after is not None and len(calls) == fail_after:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the run
        calls.append((block.dyad, block.label, str(block.origins[0])))
        return real(block)

    monkeypatch.setattr(bt_module, "run_block", run_block)
    return calls


def test_store_rows_equal_the_in_memory_rows(panel, uninterrupted):
    frame, folder = uninterrupted
    memory = backtest(panel, ["rw-boot", "arima110"], ORIGINS, **SETTINGS)
    pd.testing.assert_frame_equal(frame, memory)
    # 3 dyads x 2 models x 24 origins, blocks of 24 origins (refit cycles of 4)
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.parquet"))
    assert len(files) == 6 and files[0] == "model=arima110/dyad=d0/2008-01_2013-10.parquet"
    # the store is one Hive-partitioned table for any Parquet reader
    import pyarrow.dataset as ds

    table = ds.dataset(folder, format="parquet", partitioning="hive").to_table().to_pandas()
    assert len(table) == len(frame)
    keys = ["model", "dyad", "origin", "h"]
    left = table.astype({"model": str, "dyad": str}).sort_values(keys).reset_index(drop=True)
    right = frame.sort_values(keys).reset_index(drop=True)[left.columns]
    np.testing.assert_array_equal(left["q50"].to_numpy(), right["q50"].to_numpy())
    assert (left["target"] == right["target"]).all()


def test_interrupted_then_resumed_equals_uninterrupted(panel, uninterrupted, tmp_path, monkeypatch):
    whole, _ = uninterrupted
    folder = tmp_path / "store"
    _counting(monkeypatch, fail_after=4)
    with pytest.raises(KeyboardInterrupt):
        backtest(panel, ["rw-boot", "arima110"], ORIGINS, store=folder, **SETTINGS)
    assert len(list(folder.rglob("*.parquet"))) == 4  # finished blocks only
    assert not list(folder.rglob(".tmp-*"))
    calls = _counting(monkeypatch)
    resumed = backtest(panel, ["rw-boot", "arima110"], ORIGINS, store=folder, **SETTINGS)
    assert len(calls) == 2  # only the two blocks the interruption left undone
    pd.testing.assert_frame_equal(resumed, whole)
    assert resumed.attrs["notes"] == whole.attrs["notes"]
    # a third run computes nothing
    calls = _counting(monkeypatch)
    again = backtest(panel, ["rw-boot", "arima110"], ORIGINS, store=folder, **SETTINGS)
    assert calls == [] and again.to_csv() == whole.to_csv()


def test_changed_inputs_are_recomputed_appended_data_is_not(panel, uninterrupted, monkeypatch):
    _, folder = uninterrupted
    extended = pd.concat(
        [
            panel,
            pd.DataFrame(
                -1.0, index=pd.period_range("2015-01", periods=6, freq="M"), columns=panel.columns
            ),
        ]
    )
    calls = _counting(monkeypatch)
    backtest(extended, ["rw-boot", "arima110"], ORIGINS, store=folder, **SETTINGS)
    assert calls == []  # months after every origin cannot change a row
    revised = panel.copy()
    revised.loc[pd.Period("2009-05", "M"), "d1"] += 0.5  # inside d1's history
    calls = _counting(monkeypatch)
    backtest(revised, ["rw-boot", "arima110"], ORIGINS, store=folder, **SETTINGS)
    assert sorted(calls) == [("d1", "arima110", "2008-01"), ("d1", "rw-boot", "2008-01")]


def test_a_store_keeps_its_settings(panel, uninterrupted):
    _, folder = uninterrupted
    other = {**SETTINGS, "n_paths": 300}
    with pytest.raises(rf.StoreError, match=r"n_paths=200 \(asked 300\)"):
        backtest(panel, "rw-boot", ORIGINS, store=folder, **other)
    with pytest.raises(rf.StoreError, match="is a file"):
        BacktestStore(folder / "_run.json")


def test_cli_csv_is_the_same_with_and_without_a_store(tmp_path, panel, capsys):
    data = write_long_csv(panel, tmp_path / "scores.csv")
    common = [
        "backtest",
        str(data),
        "--dyad",
        "d0,d2",
        "--origins",
        "2010-01:2012-12",
        "--every",
        "6",
        "--model",
        "rw-gauss,arima110",
        "--paths",
        "200",
        "--workers",
        "1",
    ]
    assert main([*common, "--out", str(tmp_path / "plain.csv")]) == 0
    store = tmp_path / "bt.parquet"
    assert main([*common, "--out", str(tmp_path / "stored.csv"), "--store", str(store)]) == 0
    plain = (tmp_path / "plain.csv").read_bytes()
    assert plain == (tmp_path / "stored.csv").read_bytes()
    header = plain.decode().splitlines()[0].split(",")
    assert header[:6] == ["dyad", "model", "origin", "h", "target", "mean"]
    assert len(plain.decode().splitlines()) == 1 + 2 * 2 * 6 * 12
    assert len(list(store.rglob("*.parquet"))) == 4
    # a rerun with one more dyad says what it found in the store and what it computed
    capsys.readouterr()
    more = [*common[:3], "d0,d1,d2", *common[4:]]
    assert main([*more, "--out", str(tmp_path / "more.csv"), "--store", str(store)]) == 0
    err = capsys.readouterr().err
    assert f"resumed: 4 of 6 blocks were already in {store}, 2 computed" in err
