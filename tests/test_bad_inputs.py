"""The bad-input probe (benchmarks/bad_input_probe.py) as tests: every input either gets the
right answer or a library error that names the bad value — never another exception type, never a
silent wrong answer. One test (or parametrised case) per class of the probe (docs/validation.md
lists them)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.cli.main import main

from .conftest import monthly

HEADER = "country,year,month,ym,score\n"


def long_csv(path, months=48, country="Japan", extra_rows="", header=HEADER):
    index = pd.period_range("2000-01", periods=months, freq="M")
    body = "".join(
        f"{country},{m.year},{m.month},{m},{-1.0 + 0.1 * i:.1f}\n" for i, m in enumerate(index)
    )
    path.write_text(header + body + extra_rows, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fc():
    rng = np.random.default_rng(0)
    paths = np.clip(-5.5 + np.cumsum(rng.normal(0, 0.3, (500, 12)), axis=1), -9, 9)
    return rf.Forecast(paths, pd.period_range("2025-07", periods=12, freq="M"))


# ------------------------------------------------------------------ silent wrong answers
def test_empty_scores_at_the_end_are_refused_not_dropped(tmp_path):
    empty = "Japan,2004,1,2004-01,\nJapan,2004,2,2004-02,\n"
    path = long_csv(tmp_path / "t.csv", extra_rows=empty)
    with pytest.raises(rf.DataError, match=r"last 2 month\(s\) \(2004-01, 2004-02\).*2003-12"):
        rf.load_scores(path, "Japan")
    series = monthly(np.r_[np.zeros(40), [np.nan, np.nan]])
    with pytest.raises(rf.DataError, match="last 2 month"):
        rf.ARIMA(order=(0, 1, 0)).fit(series)  # a model never moves the origin either


def test_an_unknown_fill_is_refused_even_without_missing_months(tmp_path):
    with pytest.raises(rf.DataError, match="fill='mean' is not known"):
        rf.load_scores(long_csv(tmp_path / "ok.csv"), "Japan", fill="mean")


def test_empty_scores_before_the_first_score_only_mark_the_start(tmp_path):
    path = tmp_path / "lead.csv"
    long_csv(path)
    text = path.read_text().replace(HEADER, HEADER + "Japan,1999,12,1999-12,\n")
    path.write_text(text)
    s = rf.load_scores(path, "Japan")
    assert str(s.index[0]) == "2000-01" and str(s.index[-1]) == "2003-12"


def test_a_wide_table_keeps_each_dyads_span_but_not_empty_final_rows(tmp_path):
    panel = pd.DataFrame(
        {"A": np.r_[np.zeros(40), [np.nan] * 8], "B": np.zeros(48)},
        index=pd.period_range("2000-01", periods=48, freq="M"),
    )
    panel.index.name = "ym"
    panel.to_csv(tmp_path / "wide.csv")
    back = rf.load_panel(tmp_path / "wide.csv")  # load_panel's own layout reads back
    assert back["A"].last_valid_index() == pd.Period("2003-04", "M") and len(back) == 48
    panel.loc[pd.Period("2004-01", "M")] = [np.nan, np.nan]
    panel.to_csv(tmp_path / "wide_empty_end.csv")
    with pytest.raises(rf.DataError, match="2004-01"):
        rf.load_panel(tmp_path / "wide_empty_end.csv")


QUESTIONS = ["prob_cross", "prob_below", "prob_above", "first_passage", "to_frame", "mc_se"]
BAD_THRESHOLDS = [np.nan, np.inf, -np.inf, 12, -12, 9, "x", True]


@pytest.mark.parametrize(
    ("question", "threshold"),
    [(q, t) for q in QUESTIONS for t in BAD_THRESHOLDS] + [("prob_above", None)],
)
def test_thresholds_that_are_not_inside_the_scale_are_refused(fc, question, threshold):
    with pytest.raises(rf.ForecastError, match="threshold"):
        getattr(fc, question)(threshold=threshold)


def test_numeric_text_thresholds_still_work(fc):
    assert fc.prob_cross("-6") == fc.prob_cross(-6)


# ----------------------------------------------------------- foreign exception types
def test_tz_aware_months_are_read_in_their_zone():
    tokyo = pd.date_range("2000-01-01", periods=24, freq="MS", tz="Asia/Tokyo")
    utc = pd.date_range("2002-01-01", periods=24, freq="MS", tz="UTC")
    mixed = pd.Index(list(tokyo) + list(utc), dtype=object)
    s = rf.load_scores(pd.Series(np.zeros(48), index=mixed, name="x"))
    # midnight of 1 January in Tokyo is 31 December in UTC: still January here
    assert str(s.index[0]) == "2000-01" and str(s.index[-1]) == "2003-12"
    text = pd.Series(np.zeros(2), index=["2000-01-01T00:00+09:00", "2000-02-01T00:00-05:00"])
    assert [str(m) for m in rf.load_scores(text, scale=None).index] == ["2000-01", "2000-02"]


@pytest.mark.parametrize("levels", [[np.nan], ["a"], [], [0.5, 1.5], "0.5"])
def test_bad_quantile_levels(fc, levels):
    with pytest.raises(rf.ForecastError, match="quantile levels"):
        fc.quantiles(levels)


@pytest.mark.parametrize(("first", "last"), [("foo", "bar"), ("", "2026-01"), (None, "2026-01")])
def test_bad_window_months(fc, first, last):
    with pytest.raises(rf.ForecastError, match="window"):
        fc.window(first, last)


@pytest.mark.parametrize("within", ["a", np.nan, 0.5, np.inf])
def test_bad_within(fc, within):
    with pytest.raises(rf.ForecastError, match="within="):
        fc.prob_cross(-6, within=within)


@pytest.mark.parametrize("rng", [-1, "abc", 1.5, True, [1, 2]])
def test_bad_rng_names_the_option(rng):
    fit = rf.RandomWalk().fit(rf.datasets.demo())
    with pytest.raises(rf.SpecError, match=r"rng="):
        fit.forecast(3, n_paths=10, rng=rng)
    with pytest.raises(rf.SpecError, match=r"rng="):
        rf.backtest(rf.datasets.demo(), "rw-gauss", "2010-01", n_paths=10, rng=rng)


def test_backtest_accepts_rng_none_and_a_generator():
    s = rf.datasets.demo()
    fresh = [rf.backtest(s, "rw-gauss", "2010-01", n_paths=50, rng=None) for _ in range(2)]
    assert len(fresh[0]) == 12 and not fresh[0]["mean"].equals(fresh[1]["mean"])
    again = [
        rf.backtest(s, "rw-gauss", "2010-01", n_paths=50, rng=np.random.default_rng(4))
        for _ in range(2)
    ]
    pd.testing.assert_frame_equal(again[0], again[1])


@pytest.mark.parametrize("probability", ["50%", None, [0.5], float("nan"), True])
def test_bad_scenario_probability(probability):
    with pytest.raises(rf.ShockError, match="probability of scenario 'a'"):
        rf.Scenario("a", probability=probability)
    assert rf.Scenario("a", probability="0.5").probability == 0.5  # numeric text is a number


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"kind": "tariff", "start": "2025-01", "shape": "decay", "rate": "fast"}, "rate"),
        ({"kind": "custom", "start": "2025-01", "shape": "ramp", "length": "long"}, "length"),
        ({"kind": "custom", "start": "2025-01", "effect": "big"}, r"\(mean, sd\)"),
        ({"kind": "custom", "start": "2025-01", "effect": [1, [2, 3]]}, r"\(mean, sd\)"),
        ({"kind": "custom", "start": "2025-01", 3: "x"}, r"unknown field\(s\) \['3'\]"),
        ({"kind": "custom", "start": ""}, "missing start"),
    ],
    ids=["rate-text", "length-text", "effect-text", "effect-ragged", "int-key", "empty-start"],
)
def test_bad_shock_records(record, message):
    with pytest.raises(rf.ShockError, match=message):
        rf.ShockCalendar.from_records([record])


def test_scenario_record_with_a_number_as_a_key(tmp_path):
    path = tmp_path / "sc.yaml"
    path.write_text("scenarios:\n  - {name: a, 3: x, colour: red}\n")
    with pytest.raises(rf.ShockError, match=r"unknown field\(s\) \['3', 'colour'\]"):
        rf.load_scenarios(path)


def test_scenario_shocks_must_be_a_list():
    with pytest.raises(rf.ShockError, match="must be a list of shocks"):
        rf.Scenario("a", shocks=5)


def test_arima_on_a_constant_series_says_so():
    constant = monthly(np.zeros(120))
    for spec in (rf.ARIMA(order="auto"), rf.ARIMA(order=(1, 1, 0))):
        with pytest.raises(rf.FitError, match=r"'test' is constant at 0 over its 120 months"):
            spec.fit(constant)


@pytest.mark.parametrize(
    "spec",
    [
        rf.Auto(),
        rf.BlockBootstrap(),
        rf.BlockBootstrap(window=120, block=1),
        rf.RandomWalk("gaussian"),
        rf.RandomWalk("bootstrap"),
        rf.Climatology(window=120),
        rf.MarkovSwitching(k_regimes=2, form="diff", momentum=12, window=240),
    ],
    ids=lambda spec: spec.name,
)
def test_no_model_forecasts_a_constant_series_with_no_spread(spec):
    """Every path would stay at the one value: a certainty no data supports, refused as the
    ARIMA refuses the series, with the months and what to do."""
    constant = monthly(np.full(120, 1.0), start="2000-01")
    with pytest.raises(
        rf.FitError,
        match=r"'test' is constant at 1 over its 120 months \(2000-01 to 2009-12\): .*no "
        r"spread at all.*never moves",
    ):
        spec.fit(constant)


def test_a_window_constant_since_the_last_change_names_the_window_that_sees_it():
    moving = np.round(np.sin(np.arange(100) / 5), 1)
    series = monthly(np.r_[moving, np.full(150, 1.0)], start="1990-01")
    last = int(np.flatnonzero(np.diff(series.to_numpy()))[-1])  # the last change: last -> last+1
    needed = len(series) - last
    month = series.index[last + 1]
    message = (
        rf"over its last 121 months .*it last changed in {month} "
        rf"\(from {series.iloc[last]:g}\): a model fitted on at least {needed} months"
    )
    with pytest.raises(rf.FitError, match=message):
        rf.BlockBootstrap(window=120).fit(series)
    rf.ARIMA(order=(1, 1, 0), window=needed).fit(series)  # sees the change
    with pytest.raises(rf.FitError, match="constant at 1"):
        rf.ARIMA(order=(1, 1, 0), window=needed - 1).fit(series)


def test_a_pool_keeps_a_member_without_spread_when_others_have_one():
    """A member flat over its window is a point mass at "unchanged" inside the pool (named in
    the diagnostics); the pooled forecast takes its spread from the others."""
    moving = np.round(np.cumsum(np.random.default_rng(1).normal(0, 0.3, 150)), 1)
    series = monthly(np.r_[np.clip(moving, -8, 8), np.full(80, 1.0)])
    components = [rf.BlockBootstrap(window=200), rf.BlockBootstrap(window=60, block=1)]
    fit = rf.Auto(components=components, adapt=None).fit(series)
    assert [f.name for f in fit.fits] == [c.name for c in components]
    assert any("has no spread of its own: 'test' is constant at 1" in d for d in fit.diagnostics)
    paths = fit.forecast(12, n_paths=2000, rng=0).paths
    assert np.ptp(paths[:, -1]) > 0
    with pytest.raises(rf.FitError, match="constant at 1 over its last 61 months"):
        components[1].fit(series)


def test_cli_arima_on_a_constant_series_and_a_negative_seed(tmp_path, capsys):
    path = tmp_path / "flat.csv"
    months = pd.period_range("2000-01", periods=120, freq="M")
    path.write_text(HEADER + "".join(f"X,{m.year},{m.month},{m},0.0\n" for m in months))
    code = main(["forecast", str(path), "--model", "arima", "--paths", "100"])
    err = capsys.readouterr().err
    assert code == 1 and "constant at 0" in err and len(err.strip().splitlines()) == 1
    for model in ("auto", "block", "markov"):
        code = main(["forecast", str(path), "--model", model, "--paths", "100"])
        err = capsys.readouterr().err
        assert code == 1 and len(err.strip().splitlines()) == 1, (model, err)
        assert "'X' is constant at 0 over its 120 months (2000-01 to 2009-12)" in err, model
    code = main(["forecast", "--seed", "-1"])
    err = capsys.readouterr().err
    assert code != 0 and "'--seed'" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("spec", "option"),
    [
        (lambda: rf.ARIMA(order=(1, "a", 0)), "order"),
        (lambda: rf.ARIMA(order=5), "order"),
        (lambda: rf.ARIMA(window=10), "window"),
        (lambda: rf.MarkovSwitching(k_regimes="two"), "k_regimes"),
        (lambda: rf.BlockBootstrap(window="long"), "window"),
        (lambda: rf.BlockBootstrap(block="x"), "block"),
        (lambda: rf.RandomWalk(window=1.5), "window"),
        (lambda: rf.Auto(components=[object()]), "component"),
        (lambda: rf.Auto(weights=["a"]), "weights"),
        (lambda: rf.Calibrated(rf.ARIMA(), n_origins="many"), "n_origins"),
    ],
    ids=[
        "arima-order-text",
        "arima-order-int",
        "arima-window",
        "markov-regimes",
        "block-window",
        "block-block",
        "rw-window",
        "auto-component",
        "auto-weights",
        "calibrated-origins",
    ],
)
def test_bad_specifications_are_spec_errors(spec, option):
    with pytest.raises(rf.SpecError, match=option) as caught:
        spec()
    assert isinstance(caught.value, ValueError) and not isinstance(caught.value, RuntimeError)


# ------------------------------------------------------------------ misleading messages
def test_missing_score_column_is_named(tmp_path):
    path = long_csv(tmp_path / "v.csv", header=HEADER.replace("score", "value"))
    with pytest.raises(rf.DataError, match=r"no score column 'score' .*score_col="):
        rf.load_scores(path, "Japan")


def test_missing_country_column_is_named(tmp_path):
    path = long_csv(tmp_path / "p.csv", header=HEADER.replace("country", "partner"))
    with pytest.raises(rf.DataError, match=r"no country column 'country'.*country_col="):
        rf.load_scores(path, "Japan")
    assert len(rf.load_scores(path, country_col="partner", dyad="Japan")) == 48


def test_chinese_headers_and_semicolons_are_explained(tmp_path):
    zh = long_csv(tmp_path / "zh.csv", header="国家,年,月,年月,分值\n")
    with pytest.raises(rf.DataError, match=r"no date column 'ym' among \['国家'.*date_col="):
        rf.load_scores(zh, "Japan")
    semi = tmp_path / "semi.csv"
    semi.write_text(long_csv(tmp_path / "c.csv").read_text().replace(",", ";"))
    with pytest.raises(rf.DataError, match="separated by ';'"):
        rf.load_scores(semi, "Japan")


@pytest.mark.parametrize("text", ["n/a", "NA", "null", "-"])
def test_text_scores_are_named_not_reported_missing(tmp_path, text):
    path = long_csv(tmp_path / "na.csv")
    lines = path.read_text().splitlines()
    lines[6] = lines[6].rsplit(",", 1)[0] + f",{text}"  # 2000-06
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(rf.DataError, match=rf"non-numeric scores for 'Japan' at 2000-06: '{text}'"):
        rf.load_scores(path, "Japan")


def test_na_is_a_country_not_a_missing_value(tmp_path):
    path = long_csv(tmp_path / "namibia.csv", country="NA")
    assert rf.load_scores(path, "NA").name == "NA"


def test_binary_yaml_names_the_file(tmp_path):
    path = tmp_path / "shocks.yaml"
    path.write_bytes(bytes(range(256)))
    with pytest.raises(rf.ShockError, match=r"shocks.yaml' is not UTF-8 text"):
        rf.ShockCalendar.from_yaml(path)
    with pytest.raises(rf.ShockError, match=r"shocks.yaml' is not UTF-8 text"):
        rf.load_scenarios(path)


def test_bad_origins_and_anchors_are_not_shock_errors():
    s = rf.datasets.demo()
    with pytest.raises(rf.ForecastError, match="bad origin '2010-13'") as caught:
        rf.backtest(s, "rw-gauss", "2010-13")
    assert not isinstance(caught.value, rf.ShockError)
    with pytest.raises(rf.DataError, match="bad anchor '2010-13'"):
        rf.analogues(s, ["2010-13"])


def test_inputs_beyond_the_data_are_refused_by_name(tmp_path):
    """--until after the data, backtest origins after it and evaluating an empty backtest are
    each refused with an error naming the bad value (not ignored, not an empty exit 0, not
    pandas' 'No objects to concatenate')."""
    series = rf.datasets.demo()
    last = series.index[-1]
    with pytest.raises(rf.DataError, match=f"after the last month.*{last}"):
        rf.asof.as_of(last + 3, series=series)
    later = f"{last + 6}:{last + 18}"
    with pytest.raises(rf.ForecastError, match=r"no origin .* lies inside the data"):
        rf.backtest(series.to_frame("demo"), "rw-gauss", later, n_paths=50)
    empty = rf.backtest(series.to_frame("demo"), "rw-gauss", [last - 13], n_paths=50).iloc[:0]
    with pytest.raises(rf.DataError, match="no rows"):
        rf.evaluate(empty, series.to_frame("demo"))
