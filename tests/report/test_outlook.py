"""The outlook report: files, content, reproducibility, the CLI, and a headless browser."""

import json
import shutil
import subprocess
import tempfile

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.cli import main

EXPECTED = {
    "report.html",
    "report.md",
    "history.png",
    "fan.png",
    "crossing.png",
    "levels.png",
    "analogues.png",
    "forecast.csv",
    "scenarios.csv",
    "summary.json",
}


@pytest.fixture(scope="module")
def demo_outlook(tmp_path_factory):
    out = tmp_path_factory.mktemp("outlook")
    result = rf.outlook(
        rf.datasets.demo(),
        scenarios=rf.datasets.demo_scenarios(),
        shocks=rf.datasets.demo_shocks(),
        out=out,
        n_paths=2000,
        rng=3,
    )
    return out, result


def test_every_file_is_written(demo_outlook):
    out, result = demo_outlook
    assert {p.name for p in out.iterdir()} == EXPECTED
    assert set(result.files) == EXPECTED
    for name in EXPECTED:
        if name.endswith(".png"):
            assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_tables_and_summary_agree(demo_outlook):
    out, result = demo_outlook
    scen = pd.read_csv(out / "scenarios.csv", index_col="scenario")
    assert scen.index[0] == "baseline" and "right-wing successor" in scen.index
    summary = json.loads((out / "summary.json").read_text())
    assert summary["window"] == "2025-07:2026-06" and summary["seed"] == 3
    assert summary["data"]["synthetic"] is True and len(summary["data"]["sha256"]) == 64
    assert summary["results"]["baseline"]["p_cross"] == pytest.approx(
        scen.loc["baseline", "p_cross"], abs=1e-4
    )
    fc = pd.read_csv(out / "forecast.csv")
    assert set(fc["scenario"]) == set(scen.index)
    assert (fc.groupby("scenario").size() == 12).all()
    base = result.forecast
    assert base.prob_cross(-6) == pytest.approx(scen.loc["baseline", "p_cross"], abs=1e-4)
    md = (out / "report.md").read_text()
    assert "![" in md and "synthetic" in md and "2025-07:2026-06" in md


def test_same_seed_same_numbers(demo_outlook, tmp_path):
    _, first = demo_outlook
    again = rf.outlook(
        rf.datasets.demo(),
        scenarios=rf.datasets.demo_scenarios(),
        shocks=rf.datasets.demo_shocks(),
        out=tmp_path,
        n_paths=2000,
        rng=3,
    )
    pd.testing.assert_frame_equal(first.comparison, again.comparison)


def test_window_through_a_gap_and_chinese(tmp_path):
    series = rf.datasets.demo().loc[:"2025-03"]
    result = rf.outlook(
        series, window="2025-07:2026-06", out=tmp_path, n_paths=500, lang="zh", model="arima"
    )
    assert result.forecast.index[0] == pd.Period("2025-07", "M")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "形势展望" in html and "紧张" in html


def test_html_is_self_contained(demo_outlook):
    out, _ = demo_outlook
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count('<img alt="') == 5 and html.count("data:image/png;base64,") == 5
    assert "http://" not in html and "https://" not in html


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    chromium() is None,
    reason="headless Chromium not installed (apt-get install chromium); .ci/run installs it",
)
def test_report_opens_in_headless_chromium_with_every_figure(demo_outlook):
    out, _ = demo_outlook
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=5000",
                "--dump-dom",
                (out / "report.html").resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert 'data-images-loaded="5/5"' in proc.stdout, proc.stderr[-500:]


def test_cli_outlook_writes_the_report(tmp_path, capsys):
    code = main(["outlook", "--out", str(tmp_path), "--paths", "500"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert {p.name for p in tmp_path.iterdir()} == EXPECTED
    assert "P(cross -6)" in captured.out and "drawing figures" in captured.err


def test_cli_outlook_errors(tmp_path, capsys):
    code = main(["outlook", "--out", str(tmp_path), "--window", "2020-07:2021-06"])
    err = capsys.readouterr().err
    assert code == 1 and "starts at or before the last observed month" in err
    assert err.strip().splitlines()[-1].startswith("relforecast: error:")
    bad = tmp_path / "sc.yaml"
    bad.write_text("scenarios:\n  - {name: x, shocks: [{kind: coup, start: 2025-10}]}\n")
    code = main(["outlook", "--out", str(tmp_path / "o"), "--scenarios", str(bad)])
    assert code == 1 and "unknown shock kind 'coup'" in capsys.readouterr().err


def test_analogues_align_on_anchors():
    s = rf.datasets.demo()
    a = rf.analogues(s, ["2013-09", "2020-09"], before=2, after=3)
    assert list(a.index) == [-2, -1, 0, 1, 2, 3]
    assert a.loc[0, "2013-09"] == s.loc["2013-09"] and a.loc[3, "2020-09"] == s.loc["2020-12"]
    rel = rf.analogues(s, ["2013-09"], before=2, after=3, relative=True)
    assert rel.loc[0, "2013-09"] == 0.0
    np.testing.assert_allclose(rel["2013-09"], a["2013-09"] - s.loc["2013-09"])
    with pytest.raises(rf.DataError, match="outside the data"):
        rf.analogues(s, ["1900-01"])
