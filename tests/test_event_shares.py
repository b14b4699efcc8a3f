"""Topic and venue shares by month, year and leader term on a synthetic log with known shares."""

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

import relforecast as rf
from relforecast.events.terms import Term

# Xland, 2020-01 .. 2020-06. Negative events: Jan trade -1, trade -1, border -2; May trade -1;
# Jun border -3. Positive: Mar visit +1. Neutral: Mar, Apr. February has no event at all.
ROWS = [
    ("2020-01", "negative", -1, "trade", "贸易", "Tariff row", None),
    ("2020-01", "negative", -1, "trade", "贸易", "Export ban", None),
    ("2020-01", "negative", -2, "border", "边界", "Border clash", None),
    ("2020-03", "positive", 1, "visit", "访问", "State visit", "Tokyo"),
    ("2020-03", "neutral", 0, "visit", "访问", "Phone call", "Virtual"),
    ("2020-04", "neutral", 0, "visit", "访问", "Summit side meeting", "Lima, Peru"),
    ("2020-05", "negative", -1, "trade", "贸易", "Diet passes export law", "Tokyo"),
    ("2020-06", "negative", -3, "border", "边界", "Coast guard standoff", None),
]


def synthetic_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country_en": "Xland",
            "country_cn": "某国",
            "event_date": [r[0] for r in ROWS],
            "impact": [r[1] for r in ROWS],
            "weight": [float(r[2]) for r in ROWS],
            "event_category_en": [r[3] for r in ROWS],
            "event_category": [r[4] for r in ROWS],
            "event_name": [r[5] for r in ROWS],
            "location": [r[6] for r in ROWS],
        }
    )


@pytest.fixture
def log():
    return rf.load_events(synthetic_frame(), score_col="weight")


TERMS = rf.Terms.from_spans("A=2020-01:2020-03,B=2020-04:2020-06")


def test_monthly_topic_shares_show_empty_months_as_none(log):
    shares = log.topic_shares("Xland", "negative", by="month")
    assert list(shares.index.astype(str)) == [f"2020-0{m}" for m in range(1, 7)]
    assert list(shares.columns) == ["border", "trade", "none"]  # border: weight 5, trade: 3
    expected = {
        # |score|-weighted: Jan trade 1+1 = 2, border 2
        "2020-01": {"border": 0.5, "trade": 0.5, "none": 0.0},
        "2020-02": {"border": 0.0, "trade": 0.0, "none": 1.0},  # no event at all
        "2020-03": {"border": 0.0, "trade": 0.0, "none": 1.0},  # only positive / neutral
        "2020-04": {"border": 0.0, "trade": 0.0, "none": 1.0},
        "2020-05": {"border": 0.0, "trade": 1.0, "none": 0.0},
        "2020-06": {"border": 1.0, "trade": 0.0, "none": 0.0},
    }
    for month, row in expected.items():
        for col, value in row.items():
            assert shares.loc[pd.Period(month, "M"), col] == pytest.approx(value), (month, col)
    counts = log.counts("Xland", "topic", "negative", by="month")
    assert counts.loc[pd.Period("2020-01", "M")].to_dict() == {"border": 1, "trade": 2}


def test_term_shares_and_counts_known_values(log):
    shares = log.topic_shares("Xland", "negative", by="term", terms=TERMS)
    assert list(shares.index) == ["A (2020-01..2020-03)", "B (2020-04..2020-06)"]
    # A: trade 2, border 2 -> 1/2 each; B: trade 1, border 3 -> 1/4, 3/4
    np.testing.assert_allclose(shares["trade"], [0.5, 0.25])
    np.testing.assert_allclose(shares["border"], [0.5, 0.75])
    np.testing.assert_allclose(shares["none"], [0.0, 0.0])
    positive = log.topic_shares("Xland", "positive", by="term", terms=TERMS)
    np.testing.assert_allclose(positive["visit"], [1.0, 0.0])
    np.testing.assert_allclose(positive["none"], [0.0, 1.0])  # B has no positive event
    counts = log.period_counts("Xland", by="term", terms=TERMS)
    assert counts.to_dict("list") == {
        "positive": [1, 0],
        "neutral": [1, 1],
        "negative": [3, 2],
        "total": [5, 3],
    }
    assert counts.attrs["outside"] == 0


def test_yearly_and_as_of_cut(log):
    year = log.topic_shares("Xland", "negative", by="year")
    np.testing.assert_allclose(year.loc[2020, ["border", "trade"]], [5 / 8, 3 / 8])
    # as of 2020-04: the May and June events are not used, the span ends in April
    cut = log.topic_shares("Xland", "negative", by="month", until="2020-04")
    assert str(cut.index[-1]) == "2020-04" and len(cut) == 4
    assert "trade" in cut.columns and cut["none"].tolist() == [0.0, 1.0, 1.0, 1.0]
    term_cut = log.period_counts("Xland", by="term", terms=TERMS, until="2020-04")
    assert list(term_cut.index) == ["A (2020-01..2020-03)", "B (2020-04..2020-04)"]
    assert term_cut["negative"].tolist() == [3, 0]
    # a span reaching past the last event: the as-of month's empty months are shown
    later = log.period_counts("Xland", by="month", until="2020-08")
    assert later["total"].tolist()[-2:] == [0, 0]


def test_a_start_after_the_last_event_names_both_months(log):
    # no until was given: the message must not blame one
    with pytest.raises(rf.DataError, match=r"start 2020-07 is after the last event \(2020-06\)"):
        log.period_counts("Xland", by="month", start="2020-07")
    with pytest.raises(rf.DataError, match="until must not come before start"):
        log.period_counts("Xland", by="month", start="2020-05", until="2020-04")
    assert len(log.period_counts("Xland", by="month", start="2020-06")) == 1


def test_chinese_labels(log):
    shares = log.topic_shares("Xland", "negative", by="term", terms=TERMS, lang="zh")
    assert list(shares.columns) == ["边界", "贸易", "无"]
    assert list(shares.index) == ["A（2020-01..2020-03）", "B（2020-04..2020-06）"]
    np.testing.assert_allclose(shares["边界"], [0.5, 0.75])
    assert log.dyad_label("Xland", "zh") == "某国"


def test_events_outside_the_terms_are_counted_not_hidden(log):
    terms = rf.Terms.from_spans("A=2020-01:2020-02,C=2020-05:2020-06")
    counts = log.period_counts("Xland", by="term", terms=terms)
    assert counts["total"].sum() == 5 and counts.attrs["outside"] == 3  # March and April


def test_venue_classes_from_a_mapping(log, tmp_path):
    mapping = tmp_path / "venues.yaml"
    mapping.write_text(
        "classes:\n"
        "  - name: home\n    name_zh: 国内\n"
        "    match: {location: [Tokyo], keywords: [Diet]}\n"
        "  - name: sea\n    name_zh: 海上\n    match: {keywords: ['re:coast ?guard']}\n"
        "  - name: abroad\n    name_zh: 海外\n    match: {location: ['*']}\n",
        encoding="utf-8",
    )
    venues = rf.load_venue_classes(mapping)
    rows = log.for_dyad("Xland")
    explained = venues.classify(rows, explain=True)
    assert explained["venue_class"].tolist() == [
        "unclassified",  # Tariff row: no location, no keyword
        "unclassified",
        "unclassified",
        "home",  # Tokyo
        "abroad",  # Virtual: any location
        "abroad",  # Lima
        "home",  # Tokyo (location) -- first matching rule wins
        "sea",  # keyword regular expression
    ]
    assert explained.loc[explained["venue_class"] == "sea", "pattern"].item() == "re:coast ?guard"
    shares = log.venue_shares("Xland", "negative", by="term", terms=TERMS, venues=venues)
    # every class is a column (in file order), unclassified reported, then none
    assert list(shares.columns) == ["home", "sea", "abroad", "unclassified", "none"]
    # A: three unclassified (weights 1, 1, 2); B: home 1, sea 3
    np.testing.assert_allclose(shares["unclassified"], [1.0, 0.0])
    np.testing.assert_allclose(shares["home"], [0.0, 0.25])
    np.testing.assert_allclose(shares["sea"], [0.0, 0.75])
    zh = log.venue_shares("Xland", "negative", by="term", terms=TERMS, venues=venues, lang="zh")
    assert list(zh.columns) == ["国内", "海上", "海外", "未分类", "无"]


def test_bad_venue_mappings(log, tmp_path):
    bad_field = rf.VenueClasses.from_dict({"classes": [{"name": "x", "match": {"city": ["a"]}}]})
    with pytest.raises(rf.DataError, match="'city', which is not a column"):
        log.venue_shares("Xland", venues=bad_field)
    with pytest.raises(rf.DataError, match="unknown key"):
        rf.VenueClasses.from_dict({"classes": [{"name": "x", "match": {"a": ["b"]}, "colour": 1}]})
    with pytest.raises(rf.DataError, match="bad regular expression"):
        rf.VenueClasses.from_dict({"classes": [{"name": "x", "match": {"a": ["re:("]}}]})
    with pytest.raises(rf.DataError, match="must map fields to patterns"):
        rf.VenueClasses.from_dict({"classes": [{"name": "x"}]})
    with pytest.raises(rf.DataError, match="no venue values; give venues="):
        log.venue_shares("Xland")
    with pytest.raises(rf.DataError, match="by='term' needs terms="):
        log.topic_shares("Xland", by="term")
    with pytest.raises(rf.DataError, match="by='week' is not known"):
        log.topic_shares("Xland", by="week")


def test_terms_from_spans_and_leaders():
    with pytest.raises(rf.ShockError, match="overlap"):
        rf.Terms.from_spans("A=2020-01:2020-06,B=2020-06:2020-12")
    with pytest.raises(rf.ShockError, match="NAME=START:END"):
        rf.Terms.from_spans("A 2020-01:2020-06")
    with pytest.raises(rf.ShockError, match=r"ends .* before it starts"):
        Term("A", "2020-06", "2020-01")
    leaders = pd.DataFrame(
        {
            "国家英文名": ["Xland", "Xland", "Xland", "Yland"],
            "实权职位英文": ["PM"] * 4,
            "领导人姓名英文": ["Ann", "Bob", "Cy", "Dee"],
            "领导人姓名中文": ["安", "鲍", "赛", "迪"],
            "任期开始": ["2019-03", "2020-04", "2021-01", "2020-01"],
            "任期结束": ["2020-04", "2020-12", None, "2021-01"],
        }
    )
    terms = rf.Terms.from_leaders(leaders, "Xland")
    # the changeover month belongs to the incoming leader; Cy's term is open
    assert [(t.name, str(t.start), str(t.end)) for t in terms] == [
        ("Ann", "2019-03", "2020-03"),
        ("Bob", "2020-04", "2020-12"),
        ("Cy", "2021-01", "None"),
    ]
    assert terms.labels("zh")[0] == "安（2019-03..2020-03）"
    as_of = rf.Terms.from_leaders(leaders, "Xland", until="2020-06")
    assert [(t.name, str(t.end)) for t in as_of] == [("Ann", "2020-03"), ("Bob", "2020-06")]
    months = pd.period_range("2020-02", "2020-05", freq="M")
    assert terms.assign(months).str.split(" ").str[0].tolist() == ["Ann", "Ann", "Bob", "Bob"]


def _direct_shares(frame: pd.DataFrame, sign: str) -> dict:
    """Shares per (month, topic) by plain loops: a second computation."""
    weights: dict = defaultdict(float)
    totals: dict = defaultdict(float)
    for month, score, topic in zip(
        frame["event_date"], frame["weight"], frame["topic"], strict=True
    ):
        if (score > 0) if sign == "positive" else (score < 0):
            weights[month, topic] += abs(score)
            totals[month] += abs(score)
    return {key: w / totals[key[0]] for key, w in weights.items()}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_logs_match_a_direct_computation(seed):
    rng = np.random.default_rng(seed)
    n = 200
    months = pd.period_range("2018-01", "2021-12", freq="M").astype(str)
    frame = pd.DataFrame(
        {
            "country_en": "Z",
            "event_date": rng.choice(months[::2], n),  # odd months never have events
            "weight": rng.choice([-3.0, -1.0, -0.5, 0.0, 0.5, 2.0], n),
            "topic": rng.choice(["a", "b", "c", "d"], n),
            "event_name": "e",
        }
    )
    log = rf.load_events(frame, score_col="weight", topic_col="topic")
    for sign in ("positive", "negative"):
        shares = log.topic_shares("Z", sign, by="month")
        direct = _direct_shares(frame, sign)
        for (month, topic), value in direct.items():
            assert shares.loc[pd.Period(month, "M"), topic] == pytest.approx(value)
        has_events = {m for m, _ in direct}
        for month, row in shares.iterrows():
            assert row.sum() == pytest.approx(1.0)
            assert row["none"] == (0.0 if str(month) in has_events else 1.0)
