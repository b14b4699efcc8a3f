"""Backtests: the CSV contract, no look-ahead, calibration on a known model, the refit policy."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest
import scoringrules as sr
from scipy import stats

import relforecast as rf
from relforecast.evaluation.backtest import (
    QUANTILE_COLUMNS,
    backtest,
    origin_stream,
    parse_origins,
    plan_blocks,
)
from relforecast.evaluation.rowblock import RowBlock, frame_from_blocks
from relforecast.evaluation.scores import evaluate
from relforecast.models.registry import make_model


def random_walk_panel(n_series=8, months=420, sd=0.15, seed=0):
    """Gaussian random walks starting at -1, kept well inside the scale, published as Tsinghua
    scores are (on the 0.1 grid)."""
    rng = np.random.default_rng(seed)
    index = pd.period_range("1990-01", periods=months, freq="M")
    steps = rng.normal(0, sd, (months, n_series))
    frame = pd.DataFrame(
        -1 + np.cumsum(steps, axis=0), index=index, columns=[f"d{i}" for i in range(n_series)]
    )
    return frame.clip(-8.5, 8.5).round(1)


@pytest.fixture(scope="module")
def panel():
    return random_walk_panel()


def test_contract_columns_and_types(panel):
    bt = backtest(
        panel.iloc[:, :2],
        ["rw-gauss", "arima110"],
        "2015-01:2016-01",
        every=6,
        horizon=12,
        thresholds=(-6, -3, 0, 3),
        n_paths=500,
    )
    expected = [
        "dyad",
        "model",
        "origin",
        "h",
        "target",
        "mean",
        *QUANTILE_COLUMNS,
        "cross_-6",
        "cross_-3",
        "cross_0",
        "cross_3",
    ]
    assert list(bt.columns) == expected and len(QUANTILE_COLUMNS) == 19
    assert len(bt) == 2 * 2 * 3 * 12  # dyads x models x origins x h
    assert bt["origin"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert bt["target"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert bt["h"].between(1, 12).all() and bt["h"].dtype.kind == "i"
    q = bt[list(QUANTILE_COLUMNS)].to_numpy()
    assert np.all(np.diff(q, axis=1) >= -1e-12)
    first = bt[(bt["origin"] == "2015-07") & (bt["dyad"] == "d0") & (bt["model"] == "rw-gauss")]
    assert (pd.PeriodIndex(first["target"], freq="M") - pd.Period("2015-07", "M")).map(
        lambda d: d.n
    ).tolist() == list(range(1, 13))
    for t in ("-6", "-3", "0", "3"):
        col = bt[f"cross_{t}"]
        assert col.between(0, 1).all()
        per_path = bt.groupby(["dyad", "model", "origin"])[f"cross_{t}"]
        assert per_path.apply(lambda c: np.all(np.diff(c.to_numpy()) >= 0)).all()


@pytest.mark.parametrize("model", ["arima", "markov", "rw-boot"])
def test_no_look_ahead(panel, model):
    one = panel[["d0"]].iloc[:330]
    origins = ["2010-06", "2011-06"]
    bt = backtest(one, model, origins, n_paths=300, rng=5)
    changed = one.copy()
    changed.loc[pd.Period("2010-07", "M") :, "d0"] += 3.0  # everything after the first origin
    bt2 = backtest(changed, model, origins, n_paths=300, rng=5)
    first = bt["origin"] == "2010-06"
    pd.testing.assert_frame_equal(
        bt[first].reset_index(drop=True), bt2[bt2["origin"] == "2010-06"].reset_index(drop=True)
    )
    assert not np.allclose(bt.loc[~first, "q50"], bt2.loc[bt2["origin"] == "2011-06", "q50"])


def test_known_model_backtest_is_calibrated(panel):
    spec = rf.ARIMA(order=(0, 1, 0), scale=None)
    bt = backtest(panel, spec, "2000-01:2023-01", every=12, n_paths=1000, rng=1)
    ev = evaluate(bt, panel)
    table = ev.by_horizon().xs(spec.name, level="model")
    n = len(ev.scores[ev.scores["h"] == 12])
    assert n == 8 * 24
    for h in (1, 12):
        # independent non-overlapping cases: 4 binomial standard errors
        assert abs(table.loc[h, "cov80"] - 0.8) < 4 * np.sqrt(0.16 / n)
        assert abs(table.loc[h, "cov50"] - 0.5) < 4 * np.sqrt(0.25 / n)


def test_refit_policy(panel):
    one = panel[["d1"]]
    origins = "2005-01:2005-12"
    every_month = backtest(one, "arima110", origins, every=1, n_paths=400, refit_every=1)
    # refit_every=1 is exactly fitting from scratch at each origin
    spec = rf.ARIMA(order=(1, 1, 0), window=240)
    origin = pd.Period("2005-05", "M")
    fc = spec.fit(one["d1"].loc[:origin]).forecast(
        12, n_paths=400, rng=origin_stream(0, "d1", "arima110", origin)
    )
    row = every_month[every_month["origin"] == "2005-05"]
    np.testing.assert_allclose(row["q50"], np.quantile(fc.paths, 0.5, axis=0))
    # applying the estimates between refits changes the quantiles only a little
    sparse = backtest(one, "arima110", origins, every=1, n_paths=400, refit_every=6)
    diff = (sparse["q50"] - every_month["q50"]).abs()
    assert diff.iloc[:12].max() == 0  # the first origin is a refit in both
    assert diff.max() < 0.05


def test_evaluate_scores_against_references():
    index = pd.period_range("2000-01", periods=40, freq="M")
    obs = pd.Series(np.linspace(-1, 1, 40), index=index, name="x")
    levels = np.arange(1, 20) * 0.05
    rows = []
    for h in (1, 2):
        for o in range(5, 30):
            target = index[o + h]
            q = obs.iloc[o] + 0.3 * stats.norm.ppf(levels)
            rows.append(
                {
                    "dyad": "x",
                    "model": "m",
                    "origin": str(index[o]),
                    "h": h,
                    "target": str(target),
                    "mean": obs.iloc[o],
                    **dict(zip(QUANTILE_COLUMNS, q, strict=True)),
                    "cross_0": 0.25,
                }
            )
    bt = pd.DataFrame(rows)
    ev = evaluate(bt, obs)
    # CRPS from 19 quantiles approximates the Gaussian CRPS (second method) within 5 %
    exact = sr.crps_normal(
        ev.scores["obs"].to_numpy(),
        obs.reindex(pd.PeriodIndex(bt["origin"], freq="M")).to_numpy(),
        0.3,
    )
    np.testing.assert_allclose(ev.scores["crps"], exact, rtol=0.05, atol=0.002)
    # Brier: cases with origin >= 0, event = the path went below 0 (never: it rises)
    cases = ev.brier_cases
    assert (cases["event"] == 0).all() and np.allclose(cases["sq_error"], 0.0625)
    assert len(cases) == 2 * (obs.iloc[5:30] >= 0).sum()
    pit = ev.pit_histogram()
    assert np.isclose(pit.to_numpy().sum(), 1.0)


def test_parse_origins_and_errors():
    assert [str(o) for o in parse_origins("1995-06:1997-06", every=12)] == [
        "1995-06",
        "1996-06",
        "1997-06",
    ]
    assert len(parse_origins(["2000-01", "2000-02"])) == 2
    with pytest.raises(rf.ForecastError, match="end before they start"):
        parse_origins("2000-01:1999-01")
    # the same month written two ways is one origin: its rows would come twice
    with pytest.raises(rf.ForecastError, match="origin 2000-01 given more than once"):
        parse_origins(["2000-01", pd.Period("2000-02", "M"), pd.Timestamp("2000-01-31")])
    with pytest.raises(rf.SpecError, match="model 'prophet' is not known"):
        backtest(random_walk_panel(1, 100), "prophet", "1995-01")


def _csv_rows(frame):
    """Each row as the CSV contract writes it, in a canonical order."""
    text = frame.to_csv(index=False, float_format="%.17g").splitlines()
    return text[0], sorted(text[1:])


def test_rows_do_not_depend_on_order_subset_or_split_of_dyads(panel):
    kwargs = {"every": 6, "n_paths": 300, "rng": 3, "thresholds": (-3, 0)}
    whole = backtest(
        panel[["d0", "d1", "d2"]], ["rw-boot", "arima110"], "2012-01:2013-01", **kwargs
    )
    reordered = backtest(
        panel[["d2", "d0", "d1"]], ["arima110", "rw-boot"], "2012-01:2013-01", **kwargs
    )
    split = pd.concat(
        [
            backtest(panel[["d1"]], ["rw-boot", "arima110"], "2012-01:2013-01", **kwargs),
            backtest(panel[["d2", "d0"]], ["rw-boot", "arima110"], "2012-01:2013-01", **kwargs),
        ]
    )
    # a dyad's rows do not change when another dyad sits in its former place
    renamed = panel[["d3", "d1"]].rename(columns={"d3": "d0", "d1": "dx"})
    moved = backtest(renamed, "rw-boot", "2012-01:2013-01", **kwargs)
    assert len(whole) == 3 * 2 * 3 * 12
    assert _csv_rows(whole) == _csv_rows(reordered) == _csv_rows(split)
    # subsetting: the rows of d1 alone are the rows of d1 in the whole run
    d1 = whole[whole["dyad"] == "d1"]
    assert _csv_rows(d1) == _csv_rows(split[split["dyad"] == "d1"])
    # streams follow names: d0's rows in `moved` come from another series, dx's from d1's
    assert not np.allclose(
        moved.loc[moved["dyad"] == "d0", "q50"].to_numpy(),
        whole.loc[(whole["dyad"] == "d0") & (whole["model"] == "rw-boot"), "q50"].to_numpy(),
    )
    dx = moved[moved["dyad"] == "dx"]
    d1_boot = whole[(whole["dyad"] == "d1") & (whole["model"] == "rw-boot")]
    # the same series under another name draws other numbers: the name keys the stream
    assert not np.allclose(dx["q5"].to_numpy(), d1_boot["q5"].to_numpy())


def test_origin_stream_is_a_function_of_its_key_alone():
    draw = lambda *key: origin_stream(*key).standard_normal(4)  # noqa: E731
    base = draw(0, "Japan", "auto", "2010-06")
    np.testing.assert_array_equal(base, draw(0, "Japan", "auto", pd.Period("2010-06", "M")))
    for other in [
        (1, "Japan", "auto", "2010-06"),
        (0, "US", "auto", "2010-06"),
        (0, "Japan", "arima", "2010-06"),
        (0, "Japan", "auto", "2010-07"),
    ]:
        assert not np.allclose(base, draw(*other))
    # the parts are separated: ("ab", "c") and ("a", "bc") are different keys
    assert not np.allclose(draw(0, "ab", "c", "2010-06"), draw(0, "a", "bc", "2010-06"))
    with pytest.raises(rf.ForecastError, match="non-negative integer"):
        origin_stream(-1, "Japan", "auto", "2010-06")


def test_rows_are_held_in_under_half_a_kilobyte():
    rng = np.random.default_rng(0)
    horizon, thresholds = 12, (-6.0, -3.0, 0.0, 3.0)
    origins = np.arange(300, 660, dtype=np.int64)  # 360 monthly origins
    blocks = [
        RowBlock(f"dyad {d}", "auto", origins[i : i + 24], horizon, rng.random((24 * horizon, 24)))
        for d in range(12)
        for i in range(0, 360, 24)
    ]
    rows = sum(b.n_rows for b in blocks)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    frame = frame_from_blocks(iter(blocks), thresholds, rows)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    assert len(frame) == rows == 12 * 360 * 12
    held = frame.memory_usage(deep=True).sum() / rows
    print(f"held {held:.0f} B/row, assembly peak {peak / rows:.0f} B/row")
    assert held <= 512, f"{held:.0f} bytes a row held"
    assert peak / rows <= 512, f"{peak / rows:.0f} bytes a row at the peak of assembly"
    # and the dict-per-row layout this replaces would not fit
    assert frame.iloc[:1000].to_dict("records") and held < 1800


def test_plan_blocks_cover_every_origin_once(panel):
    origins = list(pd.period_range("2000-01", "2003-12", freq="M"))
    blocks = plan_blocks(
        panel,
        ["rw-gauss"],
        origins,
        12,
        thresholds=(-6,),
        n_paths=10,
        seed=0,
        refit_every=5,
        shocks=None,
    )
    for dyad in panel.columns:
        mine = [b for b in blocks if b.dyad == dyad]
        assert [o for b in mine for o in b.origins] == origins
        # whole refit cycles, so the refit schedule does not depend on the blocks
        assert [len(b.origins) for b in mine] == [25, 23]


def test_a_threshold_is_checked_against_every_models_scale():
    """9.5 is inside -10:10 but above the Tsinghua bound 9, where P(min < 9.5) = 1 by
    construction: refused whichever model comes first, not answered as a certain crossing."""
    demo = rf.datasets.demo()
    wide = make_model("rw-gauss", scale="-10:10")
    outside = r"threshold 9\.5 is outside the scale \[-9, 9\]"
    for models in ([wide, "rw-gauss"], ["rw-gauss", wide]):
        with pytest.raises(rf.ForecastError, match=outside):
            rf.backtest(demo, models, "2020-01", 3, n_paths=100, thresholds=[9.5])
    table = rf.backtest(demo, [wide], "2020-01", 3, n_paths=100, thresholds=[9.5])
    assert table["cross_9.5"].between(0, 1).all()


def test_a_scale_no_model_uses_is_refused():
    """scale= builds the models given by name; with only specifications on another scale it
    would change nothing, so it is refused by name. A scale that agrees, or a name beside the
    specification, is taken."""
    demo = rf.datasets.demo()
    wide = make_model("rw-gauss", scale="-10:10")
    with pytest.raises(rf.SpecError, match=r"scale='-5:5' applies to models given by name"):
        rf.backtest(demo, wide, "2020-01", 3, n_paths=100, thresholds=[0], scale="-5:5")
    agreeing = rf.backtest(demo, wide, "2020-01", 3, n_paths=100, thresholds=[0], scale="-10:10")
    default = rf.backtest(demo, wide, "2020-01", 3, n_paths=100, thresholds=[0])
    pd.testing.assert_frame_equal(agreeing, default)
    mixed = rf.backtest(demo, [wide, "rw-gauss"], "2020-01", 3, n_paths=100, thresholds=[0],
                        scale="-9:9")  # fmt: skip
    assert len(set(mixed["model"])) == 2  # scale= builds the named one: not refused


def test_a_note_names_the_model_whose_fit_failed():
    """With several models, an origin one of them cannot fit is skipped for that model only,
    and its note says which: the other model's rows are all there."""
    demo = rf.datasets.demo()
    wide = make_model("rw-gauss", scale="-10:10")
    # the demo goes below -5: "rw-gauss" built on -5:5 cannot take it
    table = rf.backtest(demo, [wide, "rw-gauss"], "2020-01", 3, n_paths=100, thresholds=[0],
                        scale="-5:5")  # fmt: skip
    assert set(table["model"]) == {"RW-gauss"} and len(table) == 3
    (note,) = table.attrs["notes"]
    assert note.startswith(f"{demo.name} 2020-01 rw-gauss: scores outside the -5:5 scale")


def test_every_origin_of_a_span_left_out_is_noted(tmp_path, capsys):
    """A span of origins reaching before and after the data: each origin without rows is named
    in a note (no data at it, or too little for the model's window), on stderr by the command;
    none is dropped without a word."""
    from relforecast.cli.main import main

    demo = rf.datasets.demo()
    path = tmp_path / "demo.csv"
    pd.DataFrame({"country": "Demo", "ym": demo.index.astype(str), "score": demo.values}).to_csv(
        path, index=False
    )
    first, last = demo.index[0] - 19, demo.index[-1] + 12
    out = tmp_path / "bt.csv"
    argv = ["backtest", str(path), "--dyad", "Demo", "--origins", f"{first}:{last}"]
    argv += ["--model", "rw-gauss", "--paths", "100", "--horizon", "2", "--workers", "1"]
    argv += ["--out", str(out)]
    assert main(argv) == 0
    err = capsys.readouterr().err
    asked = {str(o) for o in pd.period_range(first, last, freq="M")[::12]}
    rows = set(pd.read_csv(out, dtype={"origin": str})["origin"])
    notes = [line.split()[3] for line in err.splitlines() if line.startswith("relforecast: note:")]
    noted = {origin.rstrip(":") for origin in notes}
    assert len(notes) == len(noted)  # one note an origin
    assert rows | noted == asked and not rows & noted
    # before the data, too short for the model's 24 months, after the data
    assert {str(first), str(first + 12)} <= noted and str(last) in noted
    assert str(demo.index[0] + 5) in noted and str(demo.index[0] + 29) in rows
