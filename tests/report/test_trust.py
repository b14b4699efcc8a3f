"""The "How far to trust this" section: track record, model spread, assumptions."""

import json
import zipfile

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.report.track_record import (
    TrackRecordConfig,
    compute_backtest,
    read_backtest,
    report_origins,
    track_record,
)
from tests.report.conftest import fake_backtest, small_pool


def docx_text(path) -> str:
    return zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")


def test_trust_section_is_in_every_format(demo_report):
    """Every format states the model choice, past scores and the scenarios' descriptions and
    effect sizes."""
    out, _, _ = demo_report
    texts = {
        "html": (out / "report.html").read_text(encoding="utf-8"),
        "md": (out / "report.md").read_text(encoding="utf-8"),
        "docx": docx_text(out / "report.docx"),
    }
    for fmt, text in texts.items():
        assert "How far to trust this" in text, fmt
        assert "Track record" in text and "Model spread" in text, fmt
        assert "Scenario assumptions" in text, fmt
        assert "A right-wing successor takes office in Oct 2025" in text, fmt
        assert "−0.50 ± 0.30" in text and "judgmental" in text, fmt
        assert "estimated from" in text, fmt
        assert "80 % interval coverage (12 months ahead)" in text, fmt
        assert "Gaussian random walk" in text and "block bootstrap (12-month blocks)" in text, fmt


def test_model_spread_lists_the_pool_parts_generically(demo_report):
    _, result, _ = demo_report
    spread = result.spread
    parts = [f.name for f in result.fit.fits]
    assert list(spread.index[1 : 1 + len(parts)]) == parts
    assert list(spread["role"]) == ["model"] + ["component"] * len(parts) + ["baseline"] * 3
    assert spread.loc[result.fit.name, "p"] == result.forecast.prob_cross(-6)
    # each row is the question asked of that model's own forecast
    fit = result.fit.fits[1]
    fc = fit.forecast(12, n_paths=2000, rng=np.random.default_rng([3, 1, 1]))
    assert spread.loc[fit.name, "p"] == fc.prob_cross(-6)
    assert spread.loc[fit.name, "se"] == pytest.approx(fc.mc_se(-6))


def test_track_record_scores_match_a_hand_count(demo_series):
    origins = [f"{y}-06" for y in range(2010, 2025)]
    table = fake_backtest(demo_series.to_frame(), "m", origins, seed=5)
    record = track_record(
        table, demo_series.to_frame(), str(demo_series.name), "m", pd.Period("2025-06", "M")
    )
    rows = table[table["h"] == 12]
    obs = demo_series.reindex(pd.PeriodIndex(rows["target"], freq="M")).to_numpy()
    inside80 = (rows["q10"].to_numpy() <= obs) & (obs <= rows["q90"].to_numpy())
    inside50 = (rows["q25"].to_numpy() <= obs) & (obs <= rows["q75"].to_numpy())
    row = record.summary.loc["dyad"]
    assert row["origins"] == len(rows)
    assert row["cov80"] == pytest.approx(inside80.mean())
    assert row["cov50"] == pytest.approx(inside50.mean())
    # Brier: cases whose origin value is at or above -6, event = the path went below -6
    start = demo_series.reindex(pd.PeriodIndex(rows["origin"], freq="M")).to_numpy()
    live = start >= -6
    events = np.array(
        [
            demo_series.loc[pd.Period(o, "M") + 1 : pd.Period(o, "M") + 12].min() < -6
            for o in rows["origin"]
        ]
    )[live]
    brier = np.mean((rows["cross_-6"].to_numpy()[live] - events) ** 2)
    assert row["brier"] == pytest.approx(brier) and row["cases"] == live.sum()
    assert record.reliability["cases"].sum() == live.sum()
    assert record.origins == ("2010-06", "2024-06") and record.every == 12


def test_track_record_uses_nothing_after_the_as_of_month(demo_series):
    origins = [f"{y}-06" for y in range(2010, 2025)]
    table = fake_backtest(demo_series.to_frame(), "m", origins)
    as_of = pd.Period("2020-06", "M")
    record = track_record(table, demo_series.to_frame(), "Demo (synthetic)", "m", as_of)
    assert pd.PeriodIndex(record.table["target"], freq="M").max() <= as_of
    # changing every value after the as-of month changes nothing
    changed = demo_series.copy()
    changed.loc["2020-07":] = 8.0
    again = track_record(table, changed.to_frame(), "Demo (synthetic)", "m", as_of)
    pd.testing.assert_frame_equal(record.summary, again.summary)
    with pytest.raises(rf.DataError, match=r"no rows of model .auto.*it has m"):
        track_record(table, demo_series.to_frame(), "Demo (synthetic)", "auto", as_of)


def test_a_track_record_of_another_model_is_refused_before_the_fit(
    demo_series, tmp_path, monkeypatch
):
    """A supplied table without the report's model costs no fit: the refusal (the same as
    the scoring's) comes while the outlook is being set up."""
    import relforecast.models.arima as arima

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted before the track-record table was checked")

    monkeypatch.setattr(arima.ARIMA, "fit", no_fit)
    table = fake_backtest(demo_series.to_frame(), "m", [f"{y}-06" for y in range(2012, 2025)])
    with pytest.raises(rf.DataError, match=r"no rows of model .arima.*it has m"):
        rf.outlook(demo_series, out=tmp_path / "o", model="arima", track_record=table)
    assert not (tmp_path / "o").exists()


def test_report_time_backtest_is_a_plain_backtest_before_the_as_of_month(demo_series):
    config = TrackRecordConfig(n_origins=3, refit_every=3, n_paths=200, workers=1)
    as_of = pd.Period("2025-06", "M")
    origins = report_origins(as_of, config)
    assert [str(o) for o in origins] == ["2022-06", "2023-06", "2024-06"]
    rows = compute_backtest(demo_series.to_frame(), "arima110", as_of, config=config, rng=2)
    direct = rf.backtest(
        demo_series.loc[:"2025-06"],
        "arima110",
        origins,
        12,
        n_paths=200,
        rng=2,
        refit_every=3,
        thresholds=config.thresholds,
    )
    pd.testing.assert_frame_equal(rows, direct)


def test_a_supplied_csv_gives_the_same_report_numbers(demo_report, tmp_path, demo_series):
    out, result, _ = demo_report
    path = tmp_path / "bt.csv"
    read_back = pd.read_csv(out / "track_record.csv", dtype={"origin": str, "target": str})
    read_back.to_csv(path, index=False)
    loaded = read_backtest(path)
    record = track_record(
        loaded,
        demo_series.to_frame(),
        str(demo_series.name),
        small_pool().name,
        pd.Period("2025-06", "M"),
        source="bt.csv",
    )
    pd.testing.assert_frame_equal(
        record.summary, result.track_record.summary, check_exact=False, atol=1e-4
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("dyad,model\nJapan,auto\n")
    with pytest.raises(rf.DataError, match="is not a backtest table: it lacks the column"):
        read_backtest(bad)


def test_cli_reads_a_track_record_csv_pooled_over_the_data(tmp_path, capsys, demo_series):
    """A supplied table is scored against every dyad of DATA, not only the report's."""
    from relforecast.cli.main import main

    panel = pd.DataFrame({"A": demo_series, "B": (demo_series * 0.5).round(1)})
    long = panel.stack().rename("score").reset_index()
    long.columns = ["month", "country", "score"]
    long["ym"] = long["month"].astype(str)
    data = tmp_path / "panel.csv"
    long[["country", "ym", "score"]].to_csv(data, index=False)
    origins = [f"{y}-06" for y in range(2012, 2025)]
    fake_backtest(panel, "arima", origins).to_csv(tmp_path / "bt.csv", index=False)
    code = main(
        [
            "outlook",
            str(data),
            "--dyad",
            "A",
            "--model",
            "arima",
            "--paths",
            "300",
            "--track-record",
            str(tmp_path / "bt.csv"),
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert code == 0, capsys.readouterr().err
    text = (tmp_path / "o" / "summary.json").read_text(encoding="utf-8")
    reliability = json.loads(text, parse_constant=_refuse_non_json)["track_record"]["reliability"]
    empty = [b for b in reliability if b["cases"] == 0]
    assert empty and all(b["forecast"] is None and b["observed"] is None for b in empty)
    summary = pd.read_json(tmp_path / "o" / "summary.json", typ="series")
    assert summary["track_record"]["dyads"] == ["A", "B"]
    assert summary["track_record"]["source"] == "bt.csv"


def test_cli_reads_a_track_record_csv_of_a_model_named_on_another_scale(
    tmp_path, capsys, demo_series
):
    """On a scale other than Tsinghua the report's model is built from its name on that scale;
    a table from `relforecast backtest --model NAME --scale ...` labels its rows NAME and is
    the track record of that model."""
    from relforecast.cli.main import main

    data = tmp_path / "one.csv"
    long = {"country": "A", "ym": demo_series.index.astype(str), "score": demo_series.to_numpy()}
    pd.DataFrame(long).to_csv(data, index=False)
    origins = [f"{y}-06" for y in range(2012, 2025)]
    table = fake_backtest(demo_series.rename("A").to_frame(), "block", origins)
    table.to_csv(tmp_path / "bt.csv", index=False)
    argv = [
        "outlook", str(data), "--dyad", "A", "--scale=-10:10", "--threshold", "-6",
        "--model", "block", "--paths", "300", "--track-record", str(tmp_path / "bt.csv"),
        "--out", str(tmp_path / "o"),
    ]  # fmt: skip
    code = main(argv)
    assert code == 0, capsys.readouterr().err
    summary = pd.read_json(tmp_path / "o" / "summary.json", typ="series")
    assert summary["track_record"]["source"] == "bt.csv"
    expected = track_record(
        table, demo_series.rename("A").to_frame(), "A", "block", demo_series.index[-1]
    )
    scored = summary["track_record"]["summary"]["dyad"]
    assert summary["track_record"]["model"] == "block"
    for column in ("origins", "cov80", "brier", "cases"):
        assert scored[column] == pytest.approx(expected.summary.loc["dyad", column]), column


def _refuse_non_json(token: str) -> None:
    raise AssertionError(f"summary.json holds {token}, which is not JSON")
