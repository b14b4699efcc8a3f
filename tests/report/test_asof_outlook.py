"""An as-of outlook equals the outlook run on files truncated by hand: byte for
byte, with the creation time fixed by SOURCE_DATE_EPOCH."""

import csv

import pandas as pd
import pytest

from relforecast.cli.main import main


def truncate_csv(src, dst, column, last="2025-06"):
    """Keep the rows whose month column is at or before ``last`` (as a user would by hand)."""
    with open(src, encoding="utf-8-sig", newline="") as fin:
        rows = list(csv.reader(fin))
    col = rows[0].index(column)
    kept = [rows[0]] + [r for r in rows[1:] if r[col][:7] <= last]
    with open(dst, "w", encoding="utf-8", newline="") as fout:
        csv.writer(fout).writerows(kept)
    return len(rows) - len(kept)


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    folder = tmp_path_factory.mktemp("inputs")
    shocks = "shocks:\n  - {kind: tariff, start: 2025-04, shape: decay, rate: 0.6, name: tariffs}\n"
    (folder / "shocks_cut.yaml").write_text(shocks)
    (folder / "shocks_full.yaml").write_text(
        shocks + "  - {kind: election, start: 2025-07, shape: pulse, name: upper house}\n"
    )
    (folder / "scenarios.yaml").write_text(
        "scenarios:\n  - name: successor\n    name_zh: 继任者\n    shocks:\n"
        "      - {kind: leader_change, start: 2025-10, shape: step, effect: [-0.5, 0.3]}\n"
    )
    dropped = {
        "scores": truncate_csv(
            shared_data / "tsinghua_relations_long.csv", folder / "scores.csv", "ym"
        ),
        "leaders": truncate_csv(shared_data / "leaders.csv", folder / "leaders.csv", "任期开始"),
        "events": truncate_csv(shared_data / "events_712.csv", folder / "events.csv", "event_date"),
    }
    assert all(n > 0 for n in dropped.values()), dropped  # the full files do reach later
    return folder


@pytest.mark.parametrize(
    ("lang", "model", "track"),
    [("en", "markov", "none"), ("zh", "block", "compute")],
    ids=["en-regime-model", "zh-track-record"],
)
def test_as_of_outlook_equals_the_outlook_on_truncated_files(
    inputs, shared_data, tmp_path, monkeypatch, capsys, lang, model, track
):
    """The regime model is the one whose P(cross) moved with a later leader row (0.063 with
    the full leaders.csv, 0.072 without it); the block bootstrap keeps the report-time track
    record over the seven dyads cheap."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1751328000")
    common = [
        "--dyad",
        "Japan",
        "--model",
        model,
        "--paths",
        "500",
        "--seed",
        "4",
        "--window",
        "2025-07:2026-06",
        "--scenarios",
        str(inputs / "scenarios.yaml"),
        "--lang",
        lang,
        "--track-record",
        track,
    ]
    full = [
        "outlook",
        str(shared_data / "tsinghua_relations_long.csv"),
        "--until",
        "2025-06",
        "--leaders",
        str(shared_data / "leaders.csv"),
        "--events",
        str(shared_data / "events_712.csv"),
        "--shocks",
        str(inputs / "shocks_full.yaml"),
        "--out",
        str(tmp_path / "asof"),
        *common,
    ]
    cut = [
        "outlook",
        str(inputs / "scores.csv"),
        "--leaders",
        str(inputs / "leaders.csv"),
        "--events",
        str(inputs / "events.csv"),
        "--shocks",
        str(inputs / "shocks_cut.yaml"),
        "--out",
        str(tmp_path / "cut"),
        *common,
    ]
    assert main(full) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "as of 2025-06: left out" in err  # the cut says what it left out, on stderr only
    assert main(cut) == 0, capsys.readouterr().err
    a, b = snapshot(tmp_path / "asof"), snapshot(tmp_path / "cut")
    assert a.keys() == b.keys()
    differ = [name for name in a if a[name] != b[name]]
    assert differ == []
    text = a["report.md"].decode("utf-8") + a["summary.json"].decode("utf-8")
    assert "Takaichi" not in text and "高市" not in text and "upper house" not in text
    if track == "compute":
        rows = pd.read_csv(tmp_path / "asof" / "track_record.csv", dtype={"target": str})
        assert rows["target"].max() <= "2025-06" and rows["dyad"].nunique() == 7
