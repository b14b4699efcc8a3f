"""Property-based tests (Hypothesis) of the entry points that read user input.

Every generated input must end in a correct answer or a :class:`relforecast.RelforecastError`
that names the bad value — never another exception type, never NaN, never a silent change of
the forecast origin. Three families of inputs:

* **loaders** — long-layout CSV files built from a clean dyad series with one corruption
  (blank, text or out-of-scale score, duplicated, dropped or mislabelled month, empty rows at
  the end, renamed column, ';' separator), whose outcome is known in advance; and near-CSV text
  assembled from a vocabulary of good and bad cells;
* **shock and scenario files** — YAML documents of records with good and bad fields;
* **Forecast questions** — thresholds, horizons, quantile levels, windows and random sources of
  every type, answered against an independent count on the published (rounded) paths.

The number of examples is bounded (``RELFORECAST_HYPOTHESIS_EXAMPLES``, default 60 per property)
and the examples are derandomised, so the suite is fast and reproducible;
``RELFORECAST_HYPOTHESIS_RANDOM=1`` draws fresh examples. docs/validation.md reports longer
runs. ``hypothesis.event`` records each outcome (see
``pytest --hypothesis-show-statistics``).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import relforecast as rf
from relforecast.scale import TSINGHUA_SCALE

EXAMPLES = int(os.environ.get("RELFORECAST_HYPOTHESIS_EXAMPLES", "60"))
# derandomised by default (the same examples on every run); RELFORECAST_HYPOTHESIS_RANDOM=1
# draws new ones, reproducible with pytest's --hypothesis-seed=N
RANDOM = os.environ.get("RELFORECAST_HYPOTHESIS_RANDOM", "") not in ("", "0")
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=5000,  # ms per example: generous, the machine may be loaded
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HEADER = ["country", "year", "month", "ym", "score"]


def outcome(exc: BaseException | None) -> None:
    """Record the outcome; anything but a library error fails the property."""
    if exc is None:
        event("outcome: answer")
        return
    event(f"outcome: {type(exc).__name__}")
    assert isinstance(exc, rf.RelforecastError), f"foreign exception {type(exc).__name__}: {exc}"


def write(text: str | bytes, suffix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="rf_props_"))
    path = folder / f"input{suffix}"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def check_series(s: pd.Series) -> None:
    """What every loaded series is: monthly, gap-free, finite, inside the scale."""
    assert isinstance(s.index, pd.PeriodIndex) and s.index.freqstr == "M"
    assert len(s) and s.index.is_monotonic_increasing
    assert (s.index[1:] - s.index[:-1] == s.index.freq).all() if len(s) > 1 else True
    values = s.to_numpy(dtype=float)
    assert np.all(np.isfinite(values))
    assert values.min() >= TSINGHUA_SCALE.lower and values.max() <= TSINGHUA_SCALE.upper


# ---------------------------------------------------------------- loaders: known outcomes
CORRUPTIONS = (
    "none",
    "blank",
    "text",
    "outside",
    "duplicate",
    "drop",
    "bad-month",
    "empty-rows-at-end",
    "rename-score",
    "rename-country",
    "semicolon",
)
TEXTS = ("n/a", "N/A", "NA", "null", "nan", "-", "x", "1,5", "—", "?", "NULL")
BAD_MONTHS = ("2000-13", "May", "13/2001", "yesterday", "20X1-01", "")
SHOWN = {"": "(empty)"}  # how the message shows a label


@st.composite
def corrupted_file(draw):
    n = draw(st.integers(36, 60))
    start = pd.Period("1950-01", "M") + draw(st.integers(0, 800))
    tenths = draw(st.lists(st.integers(-90, 90), min_size=n, max_size=n))
    kind = draw(st.sampled_from(CORRUPTIONS))
    pos = draw(st.integers(0, n - 1))
    months = [start + i for i in range(n)]
    rows = [
        ["Japan", str(m.year), str(m.month), str(m), f"{t / 10:.1f}"]
        for m, t in zip(months, tenths, strict=True)
    ]
    header = list(HEADER)
    sep = ","
    expect: dict = {"error": None}
    month = str(months[pos])
    kept = list(range(n))
    if kind == "blank":
        rows[pos][4] = ""
        if pos == 0:
            kept = kept[1:]
        else:
            expect = {"error": rf.DataError, "names": month}
    elif kind == "text":
        text = draw(st.sampled_from(TEXTS))
        rows[pos][4] = text
        expect = {"error": rf.DataError, "names": f"{month}: {text!r}"}
    elif kind == "outside":
        value = draw(st.sampled_from(["9.5", "-9.1", "12", "-100", "inf"]))
        rows[pos][4] = value
        expect = {"error": rf.DataError, "names": month}
    elif kind == "duplicate":
        rows.insert(pos, list(rows[pos]))
        expect = {"error": rf.DataError, "names": f"duplicated months for 'Japan': {month}"}
    elif kind == "drop":
        del rows[pos]
        if pos in (0, n - 1):
            kept.remove(pos)  # the file simply starts later or ends earlier
        else:
            expect = {"error": rf.DataError, "names": f"missing months for 'Japan': {month}"}
    elif kind == "bad-month":
        label = draw(st.sampled_from(BAD_MONTHS))
        rows[pos][3] = label
        expect = {"error": rf.DataError, "names": SHOWN.get(label, repr(label))}
    elif kind == "empty-rows-at-end":
        extra = draw(st.integers(1, 3))
        for k in range(extra):
            m = months[-1] + 1 + k
            rows.append(["Japan", str(m.year), str(m.month), str(m), ""])
        expect = {"error": rf.DataError, "names": str(months[-1] + 1)}
    elif kind == "rename-score":
        header[4] = draw(st.sampled_from(["value", "Score", "分值", "scores"]))
        expect = {"error": rf.DataError, "names": "no score column 'score'"}
    elif kind == "rename-country":
        header[0] = draw(st.sampled_from(["partner", "Country", "国家", "dyad"]))
        expect = {"error": rf.DataError, "names": "no country column 'country'"}
    elif kind == "semicolon":
        sep = ";"
        expect = {"error": rf.DataError, "names": "separated by ';'"}
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\n").writerows([header, *rows])
    text = buffer.getvalue()
    expected = pd.Series(
        [tenths[i] / 10 for i in kept], index=pd.PeriodIndex([months[i] for i in kept]), dtype=float
    )
    return kind, text, expect, expected


@SETTINGS
@given(corrupted_file())
def test_loader_answers_correctly_or_names_the_bad_value(case):
    kind, text, expect, expected = case
    event(f"corruption: {kind}")
    path = write(text, ".csv")
    try:
        s = rf.load_scores(path, "Japan")
    except Exception as exc:
        outcome(exc)
        assert expect["error"] is not None, f"{kind}: unexpected error {exc}"
        assert isinstance(exc, expect["error"]), f"{kind}: {type(exc).__name__}: {exc}"
        assert expect["names"] in str(exc), f"{kind}: {exc!s} does not name {expect['names']!r}"
        return
    outcome(None)
    assert expect["error"] is None, f"{kind}: no error, expected one naming {expect['names']!r}"
    check_series(s)
    assert s.index[-1] == expected.index[-1], "the origin moved"
    np.testing.assert_array_equal(s.index, expected.index)
    np.testing.assert_allclose(s.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-12)


# ----------------------------------------------------------------- loaders: near-CSV text
CELLS = st.sampled_from(
    ["Japan", "US", "NA", "", " ", "2001-01", "2001-02", "2001-03", "2001-13", "May", "2001",
     "1", "12", "0.5", "-6.1", "9.9", "n/a", "x", "nan", '"a,b"', "1e3", "-0", "年"]
)  # fmt: skip
COLUMNS = st.sampled_from(["country", "year", "month", "ym", "score", "value", "国家", "date"])


@st.composite
def near_csv(draw):
    """A long-layout file that is mostly right: the usual header or a random one, and rows
    whose cells are each right (a dyad, consecutive months, a score) or, now and then, any
    cell of the vocabulary."""
    usual = draw(st.booleans()) or draw(st.booleans())
    header = list(HEADER) if usual else draw(st.lists(COLUMNS, min_size=1, max_size=6))
    sep = draw(st.sampled_from([",", ",", ",", ",", ";", "\t"]))
    n_rows = draw(st.integers(0, 45))
    start = pd.Period("2001-01", "M") + draw(st.integers(0, 300))
    wrong = draw(st.sampled_from([0.0, 0.0, 0.02, 0.1, 0.3]))
    dyad = draw(st.sampled_from(["Japan", "US"]))
    rows = []
    for i in range(n_rows):
        month = start + i
        right = {
            "country": dyad,
            "year": str(month.year),
            "month": str(month.month),
            "ym": str(month),
            "score": f"{draw(st.integers(-90, 90)) / 10:.1f}",
        }
        rows.append(
            [
                draw(CELLS) if draw(st.floats(0, 1)) < wrong else right.get(col, draw(CELLS))
                for col in header
            ]
        )
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue()


@SETTINGS
@given(near_csv(), st.sampled_from([None, "Japan", "US"]))
def test_loader_on_near_csv_text_never_fails_foreign_or_returns_nan(text, dyad):
    path = write(text, ".csv")
    try:
        s = rf.load_scores(path, dyad, fill=None)
    except Exception as exc:
        outcome(exc)
        return
    outcome(None)
    check_series(s)
    # the origin is the last month the file gives a score for (no empty month after it)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    months = pd.to_datetime(frame.get("ym", pd.Series(dtype=str)), errors="coerce")
    if "ym" in frame and "country" in frame and months.notna().all():
        rows = frame[frame["country"].str.strip() == s.name]
        assert s.index[-1] == pd.Period(months[rows.index].max(), "M")


# ------------------------------------------------------------- shock and scenario files
VALUES = st.one_of(
    st.sampled_from(["leader_change", "tariff", "election", "custom", "coup", "step", "pulse",
                     "decay", "ramp", "2025-10", "2025-13", "May", "", "0.5", "fast", "-0.5"]),
    st.integers(-3, 30),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.booleans(),
    st.none(),
    st.lists(st.one_of(st.floats(-2, 2), st.text(max_size=3)), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)  # fmt: skip
KEYS = st.sampled_from(["kind", "start", "shape", "name", "rate", "length", "effect", "size"])


@st.composite
def shock_record(draw):
    record = {
        "kind": draw(st.sampled_from(["leader_change", "tariff", "custom", "coup"])),
        "start": draw(st.sampled_from(["2025-10", "2026-01", "2025-13", ""])),
    }
    for key in draw(st.lists(KEYS, max_size=4, unique=True)):
        record[key] = draw(VALUES)
    return record


def check_shock(shock: rf.Shock) -> None:
    assert isinstance(shock.start, pd.Period)
    profile = shock.profile(pd.period_range(shock.start - 2, periods=24, freq="M"))
    assert np.all(np.isfinite(profile)) and profile.min() >= 0 and profile.max() <= 1
    if shock.effect is not None:
        assert np.all(np.isfinite(shock.effect)) and shock.effect[1] >= 0


@SETTINGS
@given(st.lists(shock_record(), min_size=1, max_size=4))
def test_shock_files_load_valid_shocks_or_name_the_field(records):
    path = write(yaml.safe_dump({"shocks": records}, allow_unicode=True), ".yaml")
    try:
        calendar = rf.ShockCalendar.from_yaml(path)
    except Exception as exc:
        outcome(exc)
        assert isinstance(exc, rf.ShockError)
        return
    outcome(None)
    assert len(calendar) == len(records)
    for shock in calendar:
        check_shock(shock)


@SETTINGS
@given(shock_record(), st.sampled_from(["rate", "length", "effect", "start", "kind", "shape"]))
def test_one_bad_field_is_named(record, field):
    """A record made valid except for one field: the error names that field's value."""
    good = {"kind": "custom", "start": "2025-10", "shape": "pulse"}
    if field in ("rate", "length"):
        good["shape"] = "decay" if field == "rate" else "ramp"
    bad = record.get(field, record["start"])
    good[field] = bad
    path = write(yaml.safe_dump({"shocks": [good]}, allow_unicode=True), ".yaml")
    try:
        rf.ShockCalendar.from_yaml(path)
    except Exception as exc:
        outcome(exc)
        assert isinstance(exc, rf.ShockError)
        # read back as YAML gives it: the message shows that value (its repr)
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))["shocks"][0][field]
        shown = repr(tuple(loaded) if isinstance(loaded, list) else loaded)
        if field == "shape" and loaded in ("decay", "ramp"):  # a good shape needing a parameter
            field = "rate" if loaded == "decay" else "length"
        assert repr(loaded) in str(exc) or shown in str(exc) or field in str(exc), str(exc)
        return
    outcome(None)


@st.composite
def scenario_record(draw):
    record = {"name": draw(st.sampled_from(["up", "down", "", "baseline 2"]))}
    if draw(st.booleans()):
        record["probability"] = draw(VALUES)
    if draw(st.booleans()):
        record["shocks"] = draw(st.one_of(st.lists(shock_record(), max_size=2), VALUES))
    if draw(st.booleans()):
        record["description"] = draw(VALUES)
    if not draw(st.integers(0, 5)):  # now and then a field that does not exist
        record[draw(st.sampled_from(["colour", 3, "prob"]))] = draw(VALUES)
    return record


@SETTINGS
@given(st.lists(scenario_record(), min_size=1, max_size=3))
def test_scenario_files_load_valid_scenarios_or_fail_cleanly(records):
    path = write(yaml.safe_dump({"scenarios": records}, allow_unicode=True), ".yaml")
    try:
        scenarios = rf.load_scenarios(path)
    except Exception as exc:
        outcome(exc)
        assert isinstance(exc, rf.ShockError)
        return
    outcome(None)
    for sc in scenarios:
        assert 0.0 <= sc.probability <= 1.0
        for shock in sc.shocks:
            check_shock(shock)


@SETTINGS
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_arbitrary_bytes_as_a_shock_file(content):
    path = write(content, ".yaml")
    try:
        rf.ShockCalendar.from_yaml(path)
    except Exception as exc:
        outcome(exc)
        assert isinstance(exc, rf.ShockError) and str(path) in str(exc)
        return
    outcome(None)


# ------------------------------------------------------------------- Forecast questions
INDEX = pd.period_range("2025-07", periods=12, freq="M")
_RNG = np.random.default_rng(2025)
PATHS = np.clip(-5.8 + np.cumsum(_RNG.normal(0, 0.25, (400, 12)), axis=1), -9, 9)
FC = rf.Forecast(PATHS, INDEX)
PUBLISHED = TSINGHUA_SCALE.round(PATHS)

THRESHOLDS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-9, 9),
    st.integers(-20, 20),
    st.sampled_from(["-6", "x", "", "−6", "-6.0 "]),
    st.none(),
    st.booleans(),
)
WITHIN = st.one_of(st.integers(-2, 14), st.floats(allow_nan=True), st.none(), st.text(max_size=2))


def _as_threshold(t):
    if t is None:
        return -6.0
    return float(t)


@SETTINGS
@given(THRESHOLDS, WITHIN)
def test_questions_answer_the_published_count_or_name_the_value(threshold, within):
    try:
        p = FC.prob_cross(threshold, within=within)
        curve = FC.prob_cross_curve(threshold)
        below = FC.prob_below(threshold)
        first = FC.first_passage(threshold)
        se = FC.mc_se(threshold, within)
    except Exception as exc:
        outcome(exc)
        assert isinstance(exc, rf.ForecastError)
        named = repr(threshold) in str(exc) or repr(within) in str(exc)
        named = named or (f"{float(threshold):g}" in str(exc) if _is_float(threshold) else False)
        assert named, str(exc)
        return
    outcome(None)
    t = _as_threshold(threshold)
    w = 12 if within is None else int(within)
    assert -9 < t < 9 and np.isfinite(t) and not isinstance(threshold, bool)
    hits = PUBLISHED < t
    assert p == hits[:, :w].any(axis=1).mean()
    np.testing.assert_array_equal(curve.to_numpy(), np.logical_or.accumulate(hits, 1).mean(0))
    np.testing.assert_array_equal(below.to_numpy(), hits.mean(axis=0))
    assert first.sum() == pytest.approx(hits.any(axis=1).mean())
    assert se == pytest.approx(np.sqrt(p * (1 - p) / len(PATHS)))
    for value in (p, se, *curve, *below, *first):
        assert np.isfinite(value)


def _is_float(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, bool)


LEVELS = st.one_of(
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=4),
    st.lists(st.floats(0, 1), min_size=1, max_size=4),
    st.lists(st.one_of(st.text(max_size=2), st.none()), max_size=3),
    st.floats(0, 1),
)


@SETTINGS
@given(LEVELS)
def test_quantile_levels(levels):
    try:
        table = FC.quantiles(levels)
    except Exception as exc:
        outcome(exc)
        assert isinstance(exc, rf.ForecastError) and "quantile levels" in str(exc)
        return
    outcome(None)
    qs = np.atleast_1d(np.asarray(levels, dtype=float))
    assert np.all((qs >= 0) & (qs <= 1)) and qs.size
    np.testing.assert_allclose(table.to_numpy(), np.quantile(PATHS, qs, axis=0).T)


MONTHS = st.one_of(
    st.sampled_from(["2025-07", "2025-12", "2026-06", "2030-01", "2024-01", "2025-13", "", "May"]),
    st.dates().map(str),
    st.none(),
    st.integers(0, 3000),
)


@SETTINGS
@given(MONTHS, MONTHS)
def test_windows(first, last):
    try:
        part = FC.window(first, last)
    except Exception as exc:
        outcome(exc)
        assert isinstance(exc, rf.ForecastError)
        assert repr(first) in str(exc) or repr(last) in str(exc) or "does not overlap" in str(exc)
        return
    outcome(None)
    lo, hi = pd.Period(first, "M"), pd.Period(last, "M")
    assert part.index[0] >= lo and part.index[-1] <= hi
    assert list(part.index) == [m for m in INDEX if lo <= m <= hi]


@SETTINGS
@given(
    st.one_of(
        st.integers(-(2**40), 2**70),
        st.floats(allow_nan=True),
        st.text(max_size=3),
        st.booleans(),
        st.none(),
        st.lists(st.integers(0, 3), max_size=2),
    )
)
def test_random_sources(rng):
    fit = _FIT
    try:
        fc = fit.forecast(3, n_paths=20, rng=rng)
    except Exception as exc:
        outcome(exc)
        assert isinstance(exc, rf.SpecError) and f"rng={rng!r}" in str(exc)
        return
    outcome(None)
    assert rng is None or (isinstance(rng, int) and not isinstance(rng, bool) and rng >= 0)
    assert np.all(np.isfinite(fc.paths))
    if rng is not None:
        np.testing.assert_array_equal(fc.paths, fit.forecast(3, n_paths=20, rng=rng).paths)


_FIT = rf.RandomWalk().fit(rf.datasets.demo())
