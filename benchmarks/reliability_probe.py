"""Probe the ways a careless script or a new user gets a wrong, lost or confusing result.

Each case states what a correct library does — refuse, with a message naming the bad value, or
answer (checked) — and, where files are involved, what must be left on disk. It ends as one of

* ``right``      — the answer due, or the refusal due with a message naming the value;
* ``silent``     — an answer (exit status 0) where a refusal was due, or a wrong answer;
* ``lost``       — output cut, mixed into another folder, or a folder left altered;
* ``foreign``    — not a relforecast error (a raw Python/numpy/YAML exception, a traceback,
  ``internal error``, or more than one line on the command line);
* ``misleading`` — a relforecast error whose message does not name the value (or names a
  temporary file, or calls a healthy file corrupt);
* ``hang``       — no answer within 60 s.

Classes of input follow docs/errors.md. Kill -9 of parallel commands (orphan workers) is checked
by tests/test_orphans.py, which needs real processes. Cases about files this user may not write
(a read-only record folder, a folder whose files cannot be removed) run as another user: run as
root, the probe forks a child that becomes ``nobody`` for them (benchmarks/_common.py).

Run:  python benchmarks/reliability_probe.py [--details]
(prints a Markdown table; docs/errors.md has the figures). It uses the public API and the
command line only, so it also runs against older versions of the package.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import resource
import signal
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from _common import as_another_user, print_outcomes

import relforecast as rf
from relforecast.cli import main as cli_main

OUTCOMES = ("right", "silent", "lost", "foreign", "misleading", "hang")
HEADER = "country,year,month,ym,score\n"
TIMEOUT = 60


@dataclass
class Case:
    group: str
    label: str
    run: Callable[[], object]
    names: str | None = None  # a refusal is due; its message must hold this text
    check: Callable[[object], bool] | None = None  # an answer is due; it must pass this
    after: Callable[[], bool] | None = None  # what must hold on disk afterwards
    not_names: tuple[str, ...] = ()  # text a right message must not hold


def cli(*argv: str) -> Callable[[], tuple[int, str]]:
    def run() -> tuple[int, str]:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = cli_main([str(a) for a in argv])
        return code, err.getvalue()

    return run


def long_csv(path: Path, names: list[str], months: int = 60, start: str = "2000-01") -> Path:
    """A long table on the 0.1 grid; ``names[i]`` spells the dyad of month i (the last name
    repeats)."""
    index = pd.period_range(start, periods=months, freq="M")
    values = -1.0 + 0.1 * np.round(np.sin(np.arange(months)))
    rows = [
        f"{names[min(i, len(names) - 1)]},{m.year},{m.month},{m},{values[i]:.1f}"
        for i, m in enumerate(index)
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def with_fsize_limit(limit: int, func: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        old = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
        try:
            return func()
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
            signal.signal(signal.SIGXFSZ, old)

    return run


def with_as_limit(limit: int, func: Callable[[], object]) -> Callable[[], object]:
    """``func`` under an address-space limit (``ulimit -v``) of ``limit`` bytes."""

    def run() -> object:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        try:
            return func()
        finally:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))

    return run


def read_only(path: Path, restore: list[Path]) -> Path:
    """``path`` without write permission (restored before the temporary folder goes)."""
    path.chmod(path.stat().st_mode & ~0o222)
    restore.append(path)
    return path


def answered(result: object) -> bool:
    return isinstance(result, tuple) and result[0] == 0


def fake_report(folder: Path) -> Path:
    folder.mkdir()
    (folder / "summary.json").write_text(json.dumps({"versions": {"relforecast": "0"}}))
    (folder / "report.md").write_text("![](reliability.png)\n")
    (folder / "reliability.png").write_bytes(b"\x89PNG original")
    return folder


def unchanged(folder: Path, names: dict[str, bytes]) -> Callable[[], bool]:
    def check() -> bool:
        left = sorted(p.name for p in folder.iterdir())
        hidden = [p.name for p in folder.parent.iterdir() if ".tmp-" in p.name]
        same = all((folder / n).read_bytes() == b for n, b in names.items())
        return same and left == sorted(names) and not hidden

    return check


def cases(tmp: Path, restore: list[Path]) -> list[Case]:
    """The cases; folders made read-only are appended to ``restore``."""
    out: list[Case] = []
    add = out.append
    tmp.chmod(0o755)  # the cases run as another user read their inputs here
    data = long_csv(tmp / "japan.csv", ["Japan"])
    split = long_csv(tmp / "split.csv", ["Japan"] * 58 + ["japan"])
    alias = tmp / "alias.csv"
    us = long_csv(tmp / "us1.csv", ["US"]).read_text()
    both = long_csv(tmp / "us2.csv", ["United States"]).read_text()
    alias.write_text(us + both.split("\n", 1)[1])
    demo = rf.datasets.demo()
    series = rf.load_scores(data, "Japan")
    bt_csv = tmp / "bt.csv"
    cli(
        "backtest", data, "--dyad", "Japan", "--origins", "2003-01:2004-06", "--every", "3",
        "--model", "rw-gauss", "--paths", "200", "--out", bt_csv,
    )()  # fmt: skip
    bt = pd.read_csv(bt_csv, dtype={"origin": str, "target": str})

    def bad_bt(name: str, edit: Callable[[pd.DataFrame], pd.DataFrame]) -> Path:
        path = tmp / f"bt_{name}.csv"
        edit(bt.copy()).to_csv(path, index=False)
        return path

    def setcell(col: str, value: object) -> Callable[[pd.DataFrame], pd.DataFrame]:
        def edit(frame: pd.DataFrame) -> pd.DataFrame:
            frame[col] = frame[col].astype(object)
            frame.loc[2, col] = value
            return frame

        return edit

    # ------------------------------------------------------------- silent wrong answers
    g = "one dyad, two spellings"
    add(Case(g, "forecast, last months spelled 'japan'",
             cli("forecast", split, "--dyad", "Japan", "--model", "block", "--paths", "200"),
             "japan"))  # fmt: skip
    add(Case(g, "forecast --dyad 'United States', US + United States rows",
             cli("forecast", alias, "--dyad", "United States", "--model", "block"),
             "United States"))  # fmt: skip
    us_last = long_csv(tmp / "us_last.csv", ["US"] * 58 + ["United States"])
    add(Case(g, "forecast --dyad US, last month spelled 'United States'",
             cli("forecast", us_last, "--dyad", "US", "--model", "block", "--paths", "200"),
             "United States"))  # fmt: skip
    add(Case(g, "load_panel(['Japan', 'japan'])",
             lambda: rf.load_panel(split, ["Japan", "japan"]), "japan"))  # fmt: skip
    add(Case(g, "load_panel of a file with US and United States",
             lambda: rf.load_panel(alias), "United States"))  # fmt: skip
    add(Case(g, "true/false as scores",
             lambda: rf.load_scores(pd.Series([True, False] * 20, index=pd.period_range(
                 "2000-01", periods=40, freq="M"), name="X")), "True"))  # fmt: skip
    bools = tmp / "bools.csv"
    truth = ("false", "true")
    bools.write_text(HEADER + "".join(
        f"X,2000,{m},2000-{m:02d},{truth[m % 2]}\n" for m in range(1, 13)))  # fmt: skip
    add(Case(g, "true/false as scores in a CSV file",
             lambda: rf.load_scores(bools, "X"), "True"))  # fmt: skip
    g = "the same thing asked twice"
    add(Case(g, "backtest --model rw-gauss,rw-gauss",
             cli("backtest", data, "--dyad", "Japan", "--origins", "2004-01", "--model",
                 "rw-gauss,rw-gauss", "--out", tmp / "twice.csv"), "rw-gauss"))  # fmt: skip
    add(Case(g, "rf.backtest(model=['block', 'block'])",
             lambda: rf.backtest(series, ["block", "block"], "2004-01", n_paths=100),
             "block"))  # fmt: skip
    add(Case(g, "backtest --thresholds=-6,-6",
             cli("backtest", data, "--dyad", "Japan", "--origins", "2004-01", "--model",
                 "rw-gauss", "--thresholds=-6,-6", "--out", tmp / "t.csv"), "-6"))  # fmt: skip
    g = "backtest CSVs evaluate must refuse"
    for label, path, names in (
        ("empty q50", bad_bt("empty", setcell("q50", np.nan)), "q50"),
        ("q50 = inf", bad_bt("inf", setcell("q50", np.inf)), "q50"),
        ("every row twice", bad_bt("twice", lambda f: pd.concat([f, f])), "repeat"),
        ("q5 = 5 > q95 = -5", bad_bt("crossed", lambda f: setcell("q95", -5)(
            setcell("q5", 5)(f))), "order"),
        ("a probability of 1.5", bad_bt("prob", setcell("cross_-6", 1.5)), "1.5"),
        ("text in a quantile", bad_bt("text", setcell("q50", "abc")), "abc"),
        ("a bad origin", bad_bt("origin", setcell("origin", "2003-13")), "2003-13"),
        ("h = 0", bad_bt("h0", setcell("h", 0)), "h"),
        ("no dyad column", bad_bt("nodyad", lambda f: f.drop(columns="dyad")), "dyad"),
        ("header only", bad_bt("header", lambda f: f.iloc[:0]), "no rows"),
        ("targets after the data", bad_bt("after", lambda f: f.assign(
            origin=(pd.PeriodIndex(f["origin"], freq="M") + 120).astype(str),
            target=(pd.PeriodIndex(f["target"], freq="M") + 120).astype(str))), "target"),
    ):  # fmt: skip
        add(Case(g, label, cli("evaluate", path, data), names))
    (tmp / "empty.csv").write_bytes(b"")
    (tmp / "binary.csv").write_bytes(bytes(range(256)) * 8)
    add(Case(g, "an empty file", cli("evaluate", tmp / "empty.csv", data), "empty"))
    add(Case(g, "a binary file", cli("evaluate", tmp / "binary.csv", data), "binary"))
    add(Case(g, "DATA and BT swapped", cli("evaluate", data, bt_csv), "lacks"))

    g = "YAML files"
    (tmp / "dup.yaml").write_text(
        "shocks:\n  - kind: tariff\n    start: 2001-01\n    start: 2002-01\n"
    )
    (tmp / "dup_sc.yaml").write_text(
        "scenarios:\n  - name: a\n    name: b\n    shocks: []\n"
    )
    (tmp / "noname.yaml").write_text("scenarios:\n  - name:\n    shocks: []\n")
    laughs = "shocks:\n  - &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"  - &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdef", "bcdefg", strict=True)
    )
    (tmp / "bomb.yaml").write_text(laughs)
    (tmp / "deep.yaml").write_text("shocks: " + "[" * 3000 + "]" * 3000 + "\n")
    (tmp / "bomb_sc.yaml").write_text(laughs.replace("shocks:", "scenarios:", 1))
    (tmp / "bomb_venue.yaml").write_text(laughs.replace("shocks:", "classes:", 1))
    add(Case(g, "start: given twice in a shock",
             lambda: rf.ShockCalendar.from_yaml(tmp / "dup.yaml"), "start"))  # fmt: skip
    add(Case(g, "name: given twice in a scenario",
             lambda: rf.load_scenarios(tmp / "dup_sc.yaml"), "name"))  # fmt: skip
    add(Case(g, "an empty name:", lambda: rf.load_scenarios(tmp / "noname.yaml"), "name"))
    (tmp / "dup_sc_start.yaml").write_text(
        "scenarios:\n  - name: a\n    shocks:\n      - kind: tariff\n"
        "        start: 2001-01\n        start: 2002-01\n"
    )
    add(Case(g, "start: given twice in a scenario's shock",
             lambda: rf.load_scenarios(tmp / "dup_sc_start.yaml"), "start"))  # fmt: skip
    add(Case(g, "billion laughs (shocks)",
             lambda: rf.ShockCalendar.from_yaml(tmp / "bomb.yaml"), "alias"))  # fmt: skip
    add(Case(g, "billion laughs (scenarios)",
             lambda: rf.load_scenarios(tmp / "bomb_sc.yaml"), "alias"))  # fmt: skip
    add(Case(g, "billion laughs (venues)",
             cli("events", tmp / "events.csv", "--dyad", "Japan", "--venues",
                 tmp / "bomb_venue.yaml", "--out", tmp / "ev_venues"), "alias"))  # fmt: skip
    add(Case(g, "3000 levels of nesting",
             lambda: rf.ShockCalendar.from_yaml(tmp / "deep.yaml"), "nesting"))  # fmt: skip
    (tmp / "deep_sc.yaml").write_text("scenarios: " + "[" * 3000 + "]" * 3000 + "\n")
    (tmp / "deep_venue.yaml").write_text("classes: " + "[" * 3000 + "]" * 3000 + "\n")
    add(Case(g, "3000 levels of nesting (scenarios)",
             lambda: rf.load_scenarios(tmp / "deep_sc.yaml"), "nesting"))  # fmt: skip
    add(Case(g, "3000 levels of nesting (venues)",
             cli("events", tmp / "events.csv", "--dyad", "Japan", "--venues",
                 tmp / "deep_venue.yaml", "--out", tmp / "ev_deep"), "nesting"))  # fmt: skip
    (tmp / "bare_year.yaml").write_text('shocks:\n  - kind: tariff\n    start: "2020"\n')
    add(Case(g, "shock start: \"2020\" in a shocks file",
             lambda: rf.ShockCalendar.from_yaml(tmp / "bare_year.yaml"), "'2020'",
             not_names=("None",)))  # fmt: skip

    g = "the forecast record"
    japan_fc = rf.RandomWalk().fit(series).forecast(12, n_paths=200, rng=0)
    other = series.rename("US")

    def record_add(**facts: object) -> Callable[[], object]:
        def run() -> object:
            with rf.Record(tmp / f"rec_{len(facts)}_{sorted(facts)}.sqlite") as rec:
                return rec.add(japan_fc, **facts)

        return run

    add(Case(g, "history= of another dyad", record_add(history=other), "US"))
    add(Case(g, "history= ending earlier", record_add(history=series.iloc[:-12]), "ends"))
    add(Case(g, "seed -1", record_add(seed=-1), "-1"))
    add(Case(g, "as_of= a year before the history's end",
             record_add(as_of=str(series.index[-13])), str(series.index[-13])))  # fmt: skip
    add(Case(g, "Scale with two levels 'low'",
             lambda: rf.Scale(0, 10, cuts=[5], names=["low", "low"], resolution=1.0),
             "low"))  # fmt: skip

    # ------------------------------------------------------------- lost or mixed output
    g = "output folders"
    report = fake_report(tmp / "report")
    report_files = {p.name: p.read_bytes() for p in report.iterdir()}
    add(Case(g, "evaluate --out an outlook report",
             cli("evaluate", bt_csv, data, "--out", report), "report",
             after=unchanged(report, report_files)))  # fmt: skip
    events = tmp / "events.csv"
    events.write_text(
        "country_en,event_date,event_name,event_category_en,impact\n"
        + "".join(f"Japan,2003-{m:02d}-01,visit {m},diplomacy,positive\n" for m in range(1, 13))
    )
    add(Case(g, "events --out an outlook report",
             cli("events", events, "--dyad", "Japan", "--out", report), "report",
             after=unchanged(report, report_files)))  # fmt: skip
    rec_path = tmp / "record.sqlite"
    with rf.Record(rec_path) as rec:
        rec.add(japan_fc)
    add(Case(g, "record export --out an outlook report",
             cli("record", "export", "--record", rec_path, "--out", report), "report",
             after=unchanged(report, report_files)))  # fmt: skip
    add(Case(g, "record score --out an outlook report",
             cli("record", "score", data, "--record", rec_path, "--out", report), "report",
             after=unchanged(report, report_files)))  # fmt: skip
    ev = tmp / "ev"
    cli("evaluate", bt_csv, data, "--out", ev)()
    ev_files = {p.name: p.read_bytes() for p in ev.iterdir()}
    add(Case(g, "evaluate --out rerun under a 16 kB file-size limit",
             with_fsize_limit(16384, cli("evaluate", bt_csv, data, "--out", ev)),
             "ev", after=unchanged(ev, ev_files)))  # fmt: skip
    scored = tmp / "scored"
    cli("record", "score", data, "--record", rec_path, "--out", scored)()
    scored_files = {p.name: p.read_bytes() for p in scored.iterdir()}
    add(Case(g, "record score --out rerun under a 16 kB file-size limit",
             with_fsize_limit(16384, cli("record", "score", data, "--record", rec_path,
                                         "--out", scored)),
             "scored", after=unchanged(scored, scored_files)))  # fmt: skip
    shared = tmp / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    kept = shared / "ev_kept"
    cli("evaluate", bt_csv, data, "--out", kept)()
    kept_files = {p.name: p.read_bytes() for p in kept.iterdir()}
    read_only(kept, restore)
    add(Case(g, "evaluate --out a folder whose files this user cannot remove",
             as_another_user(cli("evaluate", bt_csv, data, "--out", kept)),
             "cannot be removed", after=unchanged(kept, kept_files)))  # fmt: skip

    # ------------------------------------------------------------- foreign exceptions
    g = "files that are not tables"
    for kind in ("empty", "binary", "ragged"):
        path = tmp / f"{kind}_table.csv"
        if kind == "empty":
            path.write_bytes(b"")
        elif kind == "binary":
            path.write_bytes(bytes(range(256)) * 8)
        else:
            path.write_text('a,b\n1,2,3,4\n"x\n')
        add(Case(g, f"{kind} --leaders",
                 cli("forecast", data, "--dyad", "Japan", "--leaders", path), path.name))
        add(Case(g, f"{kind} --events",
                 cli("events", path, "--dyad", "Japan", "--out", tmp / f"o_{kind}"),
                 path.name))  # fmt: skip
        add(Case(g, f"{kind} outlook --events",
                 cli("outlook", data, "--dyad", "Japan", "--model", "block", "--paths", "200",
                     "--track-record", "none", "--events", path, "--out", tmp / f"oe_{kind}"),
                 path.name))  # fmt: skip
    add(Case(g, "record URL with a bad port",
             cli("record", "list", "--record", "postgresql+psycopg://u:pw@host:abc/db"),
             "abc", not_names=("pw",)))  # fmt: skip

    g = "Python API misuse"
    add(Case(g, "ARIMA.fit(shocks='x')",
             lambda: rf.ARIMA(order=(1, 1, 0)).fit(demo, shocks="x"), "'x'"))  # fmt: skip
    add(Case(g, "ARIMA.fit(shocks=[Shock])",
             lambda: rf.ARIMA(order=(1, 1, 0)).fit(demo, shocks=[rf.Shock("tariff", "2020-01")]),
             check=lambda fit: list(fit.calendar.labels) == ["tariff:2020-01"]))  # fmt: skip
    fit = rf.RandomWalk().fit(demo)
    add(Case(g, "compare_scenarios(fit, ['x'])",
             lambda: rf.compare_scenarios(fit, ["x"]), "'x'"))  # fmt: skip
    add(Case(g, "backtest(model=object())",
             lambda: rf.backtest(series, object(), "2004-01"), "object"))  # fmt: skip
    add(Case(g, "load_scenarios(42)", lambda: rf.load_scenarios(42), "42"))
    def record_42() -> object:
        with contextlib.chdir(tmp):
            return rf.Record(42)

    add(Case(g, "Record(42)", record_42, "42", after=lambda: not (tmp / "42").exists()))
    year = pd.period_range("2025-07", periods=12, freq="M")
    add(Case(g, "a Forecast of no paths",
             lambda: rf.Forecast(np.zeros((0, 12)), year), "(0, 12)"))  # fmt: skip
    add(Case(g, "analogues(before=-1)",
             lambda: rf.analogues(demo, ["2020-01"], before=-1), "-1"))  # fmt: skip
    add(Case(g, "outlook(track_record=42)",
             lambda: rf.outlook(demo, track_record=42, out=tmp / "tr42"), "42"))  # fmt: skip
    add(Case(g, "forecast(n_paths=10**8)",
             lambda: fit.forecast(12, n_paths=10**8), "GB"))  # fmt: skip
    add(Case(g, "ARIMA(order=(50, 1, 50)).fit",
             lambda: rf.ARIMA(order=(50, 1, 50)).fit(demo), "50"))  # fmt: skip
    add(Case(g, "forecast --horizon 120 --paths 1000000 under a 4 GB address-space limit",
             with_as_limit(4 * 1024**3, cli("forecast", "--horizon", "120", "--paths",
                                            "1000000", "--model", "block")),
             "GB"))  # fmt: skip
    g = "analogue anchors"
    add(Case(g, "outlook --anchors outside the data",
             cli("outlook", data, "--dyad", "Japan", "--model", "block", "--paths", "200",
                 "--track-record", "none", "--anchors", "1990-01",
                 "--out", tmp / "anchors_out"), "1990-01"))  # fmt: skip
    add(Case(g, "outlook of five years of data (default analogue anchors)",
             cli("outlook", data, "--dyad", "Japan", "--model", "block", "--paths", "200",
                 "--track-record", "none", "--out", tmp / "short"),
             check=answered))  # fmt: skip
    add(Case(g, "outlook --anchors 2003-01,2003-01",
             cli("outlook", data, "--dyad", "Japan", "--model", "block", "--paths", "200",
                 "--track-record", "none", "--anchors", "2003-01,2003-01",
                 "--out", tmp / "anchors"), "2003-01"))  # fmt: skip

    # ------------------------------------------------------------- misleading messages
    g = "dates"
    add(Case(g, "--until 2024", cli("forecast", "--until", "2024", "--model", "block"), "2024"))
    add(Case(g, "--origins 2004",
             cli("backtest", data, "--dyad", "Japan", "--origins", "2004", "--out",
                 tmp / "y.csv"), "2004"))  # fmt: skip
    add(Case(g, "shock start: \"2020\"", lambda: rf.Shock("tariff", "2020"), "2020"))
    add(Case(g, "--window 2025:2026",
             cli("outlook", "--window", "2025:2026", "--out", tmp / "w"), "2025"))  # fmt: skip
    semi = tmp / "semi.csv"
    semi.write_text("country;year;month;ym;score\n" + "".join(
        f"Japan;2000;{m};2000-{m:02d};-1,{m}\n" for m in range(1, 13)))  # fmt: skip
    add(Case(g, "';'-separated, decimal commas", lambda: rf.load_scores(semi, "Japan"), "';'"))
    dmy = tmp / "dmy.csv"
    dmy.write_text("country,ym,score\n" + "".join(
        f"Japan,01/{m:02d}/{y},-1.0\n" for y in (2000, 2001, 2002) for m in range(1, 13)))
    add(Case(g, "dd/mm/yyyy dates", lambda: rf.load_scores(dmy, "Japan"), "01/01/2000",
             not_names=("duplicated",)))  # fmt: skip
    add(Case(g, "--until 200401 (YYYYMM)",
             cli("forecast", data, "--dyad", "Japan", "--until", "200401", "--model", "block",
                 "--paths", "200"), "200401"))  # fmt: skip
    add(Case(g, "--until 2004Q3 (a quarter)",
             cli("forecast", data, "--dyad", "Japan", "--until", "2004Q3", "--model", "block",
                 "--paths", "200"), "2004Q3"))  # fmt: skip
    compact = tmp / "yyyymm.csv"
    compact.write_text("country,ym,score\n" + "".join(
        f"Japan,{y}{m:02d},-1.0\n" for y in (2001, 2002) for m in range(1, 13)))  # fmt: skip
    add(Case(g, "a file of YYYYMM labels", lambda: rf.load_scores(compact, "Japan"), "200101",
             not_names=("missing months",)))  # fmt: skip
    g = "exit 0 with nothing, and names of things"
    add(Case(g, "backtest --origins at the first month",
             cli("backtest", data, "--dyad", "Japan", "--origins", "2000-01", "--out",
                 tmp / "z.csv"), "2000-01"))  # fmt: skip
    add(Case(g, "backtest --origins before the data",
             cli("backtest", data, "--dyad", "Japan", "--origins", "1950-01", "--out",
                 tmp / "z0.csv"), "1950-01"))  # fmt: skip
    add(Case(g, "rf.backtest(n_paths=0)",
             lambda: rf.backtest(series, "block", "2004-01", n_paths=0), "n_paths"))  # fmt: skip
    add(Case(g, "rf.backtest(horizon=0)",
             lambda: rf.backtest(series, "block", "2004-01", 0), "horizon"))  # fmt: skip
    add(Case(g, "backtest --out MISSING/x.csv",
             cli("backtest", data, "--dyad", "Japan", "--origins", "2004-01", "--model",
                 "rw-gauss", "--out", tmp / "MISSING" / "x.csv"), "MISSING",
             not_names=(".tmp-",)))  # fmt: skip
    cli("backtest", data, "--dyad", "Japan", "--origins", "2004-01", "--model", "rw-gauss",
        "--out", tmp / "st.csv", "--store", tmp / "store_warm")()  # fmt: skip
    (shared / "store").mkdir()
    locked_store = read_only(shared / "store", restore)
    add(Case(g, "backtest --store in a folder this user cannot write",
             as_another_user(cli("backtest", data, "--dyad", "Japan", "--origins", "2004-01",
                                 "--model", "rw-gauss", "--out", shared / "st.csv",
                                 "--store", locked_store)), f"folder '{locked_store}'",
             not_names=(".tmp-",)))  # fmt: skip
    add(Case(g, "--track-record ''",
             cli("outlook", "--track-record", "", "--out", tmp / "tr"), "track-record"))
    add(Case(g, "record backfill --thresholds nan",
             cli("record", "backfill", data, "--dyad", "Japan", "--origins", "2004-01",
                 "--thresholds", "nan", "--record", tmp / "bf.sqlite"), "nan"))  # fmt: skip
    add(Case(g, "record show of an id beyond any database integer",
             cli("record", "show", "99999999999999999999", "--record", rec_path),
             "#99999999999999999999"))  # fmt: skip
    g = "a record this user cannot write"
    add(Case(g, "record list of a healthy record under a 1 kB file-size limit",
             with_fsize_limit(1024, cli("record", "list", "--record", rec_path)),
             check=answered))  # fmt: skip
    ro_file = tmp / "ro_file"
    ro_file.mkdir()
    ro_rec = ro_file / "record.sqlite"
    with rf.Record(ro_rec) as rec:
        rec.add(japan_fc)
    read_only(ro_rec, restore)
    add(Case(g, "record list of a read-only record file",
             cli("record", "list", "--record", ro_rec), check=answered))  # fmt: skip
    add(Case(g, "record export of a read-only record file",
             cli("record", "export", "--record", ro_rec, "--out", tmp / "ro_export"),
             check=answered))  # fmt: skip
    add(Case(g, "forecast --record into a read-only record file",
             cli("forecast", "--model", "block", "--paths", "200", "--record", ro_rec),
             "read-only", not_names=("corrupt",)))  # fmt: skip
    ro_dir = tmp / "ro_dir"
    ro_dir.mkdir()
    with rf.Record(ro_dir / "record.sqlite") as rec:
        rec.add(japan_fc)
    read_only(ro_dir, restore)
    add(Case(g, "record list of a record in a folder this user cannot write",
             as_another_user(cli("record", "list", "--record", ro_dir / "record.sqlite")),
             check=answered))  # fmt: skip
    add(Case(g, "record show of a record in a folder this user cannot write",
             as_another_user(cli("record", "show", "1", "--record", ro_dir / "record.sqlite")),
             check=answered))  # fmt: skip
    return out


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout


def classify(case: Case) -> str:
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIMEOUT)
    try:
        result = case.run()
        error = None
    except _Timeout:
        return "hang"
    except rf.RelforecastError as exc:
        result, error = None, str(exc)
    except Exception:  # counted: that is the point of the probe
        return "foreign"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    if case.after is not None and not case.after():
        return "lost"
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], int):
        code, err = result
        lines = err.strip().splitlines()
        if code == 0:
            ok = case.names is None and (case.check is None or case.check(result))
            return "right" if ok else "silent"
        if "Traceback" in err or "internal error" in err or len(lines) != 1:
            return "foreign"
        error = err
    if error is None:
        if case.names is not None:
            return "silent"
        return "right" if case.check is None or case.check(result) else "silent"
    if case.names is None:
        return "misleading"
    named = case.names in error and not any(t in error for t in case.not_names)
    return "right" if named else "misleading"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list every case and outcome")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    restore: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            results = [(c, classify(c)) for c in cases(Path(tmp), restore)]
        finally:
            for path in restore:
                path.chmod(path.stat().st_mode | 0o200)
    print_outcomes(results, OUTCOMES, noun="cases", details=args.details)

if __name__ == "__main__":
    main()
