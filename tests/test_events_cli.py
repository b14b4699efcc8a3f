"""`relforecast events`: files, numbers, errors; counts per leader term against a hand count."""

import csv
import json
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from relforecast.cli.main import main
from relforecast.graphics.fonts import cjk_font

from .test_event_shares import synthetic_frame

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def files(tmp_path):
    """A synthetic event log, leaders table (Chinese headers), venue mapping and scores."""
    events = tmp_path / "events.csv"
    frame = synthetic_frame()
    frame["impact_score"] = frame.pop("weight")
    frame.drop(columns="impact").to_csv(events, index=False)
    leaders = tmp_path / "leaders.csv"
    pd.DataFrame(
        {
            "国家英文名": ["Xland", "Xland"],
            "实权职位英文": ["PM", "PM"],
            "领导人姓名英文": ["Ann", "Bob"],
            "领导人姓名中文": ["安", "鲍"],
            "任期开始": ["2019-06", "2020-04"],
            "任期结束": ["2020-04", "2020-12"],
        }
    ).to_csv(leaders, index=False)
    venues = tmp_path / "venues.yaml"
    venues.write_text(
        "classes:\n  - {name: home, name_zh: 国内, match: {location: [Tokyo]}}\n"
        "  - {name: sea, name_zh: 海上, match: {keywords: [coast guard]}}\n",
        encoding="utf-8",
    )
    months = pd.period_range("2019-01", "2020-06", freq="M")
    scores = tmp_path / "scores.csv"
    pd.DataFrame(
        {
            "country": "Xland",
            "year": months.year,
            "month": months.month,
            "ym": months.astype(str),
            "score": [-4.0 - 0.1 * i for i in range(len(months))],
        }
    ).to_csv(scores, index=False)
    return {"events": events, "leaders": leaders, "venues": venues, "scores": scores}


def test_by_term_with_venues_and_window(capsys, files, tmp_path):
    out = tmp_path / "out"
    code, stdout, err = run(
        capsys, "events", files["events"], "--score-col", "impact_score",
        "--dyad", "Xland", "--by", "term",
        "--leaders", files["leaders"], "--venues", files["venues"], "--scores", files["scores"],
        "--months", "6", "--out", out,
    )  # fmt: skip
    assert code == 0, err
    counts = pd.read_csv(out / "counts_by_term.csv", index_col=0)
    # Ann 2019-06..2020-03 (Bob starts 2020-04), Bob 2020-04..2020-12
    assert list(counts.index) == ["Ann (2019-06..2020-03)", "Bob (2020-04..2020-12)"]
    assert counts["negative"].tolist() == [3, 2] and counts["total"].tolist() == [5, 3]
    topic = pd.read_csv(out / "topic_shares_negative.csv", index_col=0)
    assert topic["border"].tolist() == [0.5, 0.75] and topic["trade"].tolist() == [0.5, 0.25]
    venue = pd.read_csv(out / "venue_shares_negative.csv", index_col=0)
    assert list(venue.columns) == ["home", "sea", "unclassified", "none"]
    assert venue["unclassified"].tolist() == [1.0, 0.0]  # Ann's three events match no rule
    assert venue["home"].tolist() == [0.0, 0.25] and venue["sea"].tolist() == [0.0, 0.75]
    audit = pd.read_csv(out / "venue_classes.csv")
    assert audit["venue_class"].tolist().count("unclassified") == 5
    window = pd.read_csv(out / "window.csv", index_col=0)
    assert list(window.index) == [f"2020-0{m}" for m in range(1, 7)]
    assert window["negative"].tolist() == [-4.0, 0.0, 0.0, 0.0, -1.0, -3.0]
    movement = json.loads((out / "movement.json").read_text(encoding="utf-8"))
    assert movement["first"] == "2020-01" and movement["low_months"] == [["2020-06", "2020-06"]]
    for name in ("window.png", "terms_comparison.png", "topic_shares_negative.png"):
        assert (out / name).stat().st_size > 5_000
    assert "Last 6 months (2020-01 to 2020-06)" in stdout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.tmp")]


def test_chinese_names_and_hand_given_terms(capsys, files, tmp_path):
    if cjk_font() is not None:  # then no Chinese glyph may fall back to boxes
        warnings.filterwarnings("error", message=".*missing from font.*")
    out = tmp_path / "zh"
    code, _, err = run(
        capsys, "events", files["events"], "--score-col", "impact_score",
        "--dyad", "Xland", "--by", "term",
        "--terms", "甲=2020-01:2020-03,乙=2020-04:2020-06", "--lang", "zh",
        "--chart", "shares", "--out", out,
    )  # fmt: skip
    assert code == 0, err
    topic = pd.read_csv(out / "topic_shares_positive.csv", index_col=0)
    assert list(topic.columns) == ["访问", "无"]
    assert list(topic.index) == ["甲（2020-01..2020-03）", "乙（2020-04..2020-06）"]
    assert topic["无"].tolist() == [0.0, 1.0]
    assert not (out / "monthly_scores.png").exists()  # only the shares figures were asked
    # the Chinese topic column chosen by hand, English labels otherwise
    code, _, err = run(
        capsys, "events", files["events"], "--score-col", "impact_score",
        "--dyad", "Xland", "--by", "year",
        "--topic-col", "event_category", "--out", tmp_path / "col",
    )  # fmt: skip
    assert code == 0, err
    year = pd.read_csv(tmp_path / "col" / "topic_shares_negative.csv", index_col=0)
    assert list(year.columns) == ["边界", "贸易", "none"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--by", "term"], "--by term needs the terms"),
        (["--chart", "window"], "--chart window needs the scores"),
        (["--by", "term", "--terms", "A=2020-01"], "is not START:END"),
        (["--venue-col", "nowhere"], "no column 'nowhere' (venue_col)"),
        (["--dyad", "Mars"], "no events for dyad 'Mars'"),
        (["--until", "2001-01"], "before the first Xland event"),
    ],
)
def test_errors_are_one_line(capsys, files, tmp_path, extra, message):
    argv = ["events", files["events"], "--score-col", "impact_score", "--out", tmp_path / "e"]
    argv += [*extra] if "--dyad" in extra else ["--dyad", "Xland", *extra]
    code, _, err = run(capsys, *argv)
    assert code != 0 and message in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "e").exists()


def test_output_is_written_whole_or_not_at_all(capsys, files, tmp_path, monkeypatch):
    import relforecast.cli.events as command

    calls = []

    def failing_save(fig, path):
        calls.append(path.name)
        if len(calls) == 2:
            raise OSError("disk full")
        fig.savefig(path)

    monkeypatch.setattr(command, "_save", failing_save)
    code, _, err = run(
        capsys,
        "events",
        files["events"],
        "--score-col",
        "impact_score",
        "--dyad",
        "Xland",
        "--out",
        tmp_path / "o",
    )
    assert code == 1 and "disk full" in err
    assert not (tmp_path / "o").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ------------------------------------------------------------------ real data
def hand_terms(leaders_csv: Path, country: str) -> list[tuple[str, str, str]]:
    """(leader, first month, last month) per term: a term ends the month before the next."""
    with open(leaders_csv, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["国家英文名"] == country]
    rows.sort(key=lambda r: r["任期开始"])
    out = []
    for i, r in enumerate(rows):
        if i + 1 < len(rows):
            year, month = map(int, rows[i + 1]["任期开始"].split("-"))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
            last = min(f"{year:04d}-{month:02d}", r["任期结束"])
        else:
            last = r["任期结束"]
        out.append((r["领导人姓名英文"], r["任期开始"], last))
    return out


def hand_counts(events_csv: Path, terms, key) -> dict:
    """Counter per term of key(row) over the Japan rows, reading the file with csv."""
    with open(events_csv, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["country_en"] == "Japan"]
    out = {}
    for leader, first, last in terms:
        inside = [r for r in rows if first <= r["event_date"] <= last]
        out[leader, first] = Counter(key(r) for r in inside)
    return out


def test_japan_counts_per_term_agree_with_a_hand_count(capsys, shared_data, tmp_path):
    events_csv, leaders_csv = shared_data / "events_712.csv", shared_data / "leaders.csv"
    code, _, err = run(
        capsys, "events", events_csv, "--dyad", "Japan", "--by", "term",
        "--leaders", leaders_csv, "--venues", EXAMPLES / "venues_japan.yaml",
        "--chart", "monthly", "--out", tmp_path / "jp",
    )  # fmt: skip
    assert code == 0, err
    counts = pd.read_csv(tmp_path / "jp" / "counts_by_term.csv", index_col=0)
    terms = hand_terms(leaders_csv, "Japan")
    by_sign = hand_counts(events_csv, terms, key=lambda r: r["impact"])
    assert len(counts) == len(terms)
    for (label, row), (leader, first, last) in zip(counts.iterrows(), terms, strict=True):
        assert label == f"{leader} ({first}..{last})"
        hand = by_sign[leader, first]
        assert row[["positive", "neutral", "negative"]].tolist() == [
            hand["positive"],
            hand["neutral"],
            hand["negative"],
        ], label
    assert counts["total"].sum() == sum(sum(c.values()) for c in by_sign.values())
    # topic counts by sign per term, for every term, against the file
    by_topic = hand_counts(events_csv, terms, key=lambda r: (r["impact"], r["event_category_en"]))
    for sign in ("positive", "negative"):
        table = pd.read_csv(tmp_path / "jp" / f"topic_counts_{sign}.csv", index_col=0)
        for (_, row), (leader, first, _) in zip(table.iterrows(), terms, strict=True):
            hand = {t: n for (s, t), n in by_topic[leader, first].items() if s == sign}
            assert {t: n for t, n in row.items() if n} == hand, (sign, leader)
