"""Probe the entry points with bad (and borderline good) input; count how each case ends.

Every case states what a correct library does: answer (with a check of the answer) or refuse
with a given error type whose message names the bad value. Each case ends as one of

* ``right answer``      — an answer that passes the check;
* ``clean error``       — the expected library error, naming the value;
* ``misfiled error``    — a library error of another type, or one that does not name the value;
* ``foreign exception`` — anything that is not a ``RelforecastError`` (or, on the command line,
  a traceback or an ``internal error``);
* ``silent wrong answer`` — an answer where an error was due, or an answer failing its check.

Run:  python benchmarks/bad_input_probe.py [--details]
(prints a Markdown table per class of input; docs/validation.md has the figures). Works on
older versions of the package too: it uses the public API only.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from _common import print_outcomes

import relforecast as rf
from relforecast.cli.main import main as cli_main

HEADER = "country,year,month,ym,score\n"
OUTCOMES = (
    "right answer",
    "clean error",
    "misfiled error",
    "foreign exception",
    "silent wrong answer",
)


@dataclass
class Case:
    group: str
    label: str
    run: Callable[[], object]
    error: str | None = None  # expected error type name (None: an answer is due)
    names: str = ""  # text the message must hold
    check: Callable[[object], bool] | None = None  # for an answer


def long_csv(
    folder: Path, name: str, *, months=48, country="Japan", extra="", header=HEADER, edit=None
) -> Path:
    index = pd.period_range("2000-01", periods=months, freq="M")
    # scores on the Tsinghua scale's 0.1 grid, moving a little
    rows = [
        f"{country},{m.year},{m.month},{m},{-1.0 + 0.1 * (i % 5):.1f}" for i, m in enumerate(index)
    ]
    if edit is not None:
        rows = edit(rows)
    path = folder / name
    path.write_text(header + "\n".join(rows) + "\n" + extra, encoding="utf-8")
    return path


def replace_cell(rows: list[str], i: int, column: int, value: str) -> list[str]:
    cells = rows[i].split(",")
    cells[column] = value
    rows[i] = ",".join(cells)
    return rows


def cli(*argv: str) -> Callable[[], tuple[int, str]]:
    def run() -> tuple[int, str]:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = cli_main(list(argv))
        return code, err.getvalue()

    return run


def cases(folder: Path) -> list[Case]:
    demo = rf.datasets.demo()
    paths = np.clip(-5.5 + np.cumsum(np.random.default_rng(0).normal(0, 0.3, (500, 12)), 1), -9, 9)
    fc = rf.Forecast(paths, pd.period_range("2025-07", periods=12, freq="M"))
    rw = rf.RandomWalk().fit(demo)
    flat = pd.Series(
        np.zeros(120), index=pd.period_range("2000-01", periods=120, freq="M"), name="flat"
    )
    flat_csv = folder / "flat.csv"
    flat_csv.write_text(HEADER + "".join(f"X,{m.year},{m.month},{m},0.0\n" for m in flat.index))
    out: list[Case] = []
    add = out.append

    # ------------------------------------------------------------------ data files
    g = "data files"
    ok = long_csv(folder, "ok.csv")
    add(
        Case(
            g,
            "clean long file",
            lambda: rf.load_scores(ok, "Japan"),
            check=lambda s: str(s.index[-1]) == "2003-12",
        )
    )
    trailing = long_csv(folder, "trailing.csv", extra="Japan,2004,1,2004-01,\n")
    add(
        Case(
            g,
            "empty score in the last row",
            lambda: rf.load_scores(trailing, "Japan"),
            "DataError",
            "2004-01",
        )
    )
    middle = long_csv(folder, "middle.csv", edit=lambda r: replace_cell(r, 5, 4, ""))
    add(
        Case(
            g, "empty score inside", lambda: rf.load_scores(middle, "Japan"), "DataError", "2000-06"
        )
    )
    leading = long_csv(folder, "leading.csv", edit=lambda r: replace_cell(r, 0, 4, ""))
    add(
        Case(
            g,
            "empty score in the first row",
            lambda: rf.load_scores(leading, "Japan"),
            check=lambda s: str(s.index[0]) == "2000-02",
        )
    )
    for text in ("n/a", "NA", "null"):
        bad = long_csv(
            folder,
            f"text_{text.replace('/', '')}.csv",
            edit=lambda r, t=text: replace_cell(r, 5, 4, t),
        )
        add(
            Case(
                g,
                f"score {text!r}",
                lambda b=bad: rf.load_scores(b, "Japan"),
                "DataError",
                f"2000-06: {text!r}",
            )
        )
    namibia = long_csv(folder, "namibia.csv", country="NA")
    add(
        Case(
            g,
            "country 'NA'",
            lambda: rf.load_scores(namibia, "NA"),
            check=lambda s: s.name == "NA" and len(s) == 48,
        )
    )
    value = long_csv(folder, "value.csv", header=HEADER.replace("score", "value"))
    add(
        Case(
            g,
            "score column named 'value'",
            lambda: rf.load_scores(value, "Japan"),
            "DataError",
            "score",
        )
    )
    partner = long_csv(folder, "partner.csv", header=HEADER.replace("country", "partner"))
    add(
        Case(
            g,
            "country column named 'partner'",
            lambda: rf.load_scores(partner, "Japan"),
            "DataError",
            "country",
        )
    )
    zh = long_csv(folder, "zh.csv", header="国家,年,月,年月,分值\n")
    add(
        Case(
            g, "Chinese column names", lambda: rf.load_scores(zh, "Japan"), "DataError", "date_col"
        )
    )
    semi = folder / "semi.csv"
    semi.write_text(ok.read_text().replace(",", ";"))
    add(Case(g, "';'-separated file", lambda: rf.load_scores(semi, "Japan"), "DataError", "';'"))
    tab = folder / "tab.csv"
    tab.write_text(ok.read_text().replace(",", "\t"))
    add(
        Case(
            g, "tab-separated file", lambda: rf.load_scores(tab, "Japan"), "DataError", "separated"
        )
    )
    binary = folder / "binary.csv"
    binary.write_bytes(bytes(range(256)))
    add(Case(g, "binary file", lambda: rf.load_scores(binary), "DataError", "binary.csv"))
    may = long_csv(folder, "may.csv", edit=lambda r: replace_cell(r, 5, 3, "May"))
    add(
        Case(
            g,
            "month label 'May' (no year)",
            lambda: rf.load_scores(may, "Japan"),
            "DataError",
            "'May'",
        )
    )
    tokyo = pd.date_range("2000-01-01", periods=48, freq="MS", tz="Asia/Tokyo")
    add(
        Case(
            g,
            "tz-aware index (Tokyo)",
            lambda: rf.load_scores(pd.Series(np.zeros(48), index=tokyo, name="x")),
            check=lambda s: str(s.index[0]) == "2000-01",
        )
    )
    mixed = pd.Index(
        list(tokyo[:24]) + list(pd.date_range("2002-01-01", periods=24, freq="MS", tz="UTC")),
        dtype=object,
    )
    add(
        Case(
            g,
            "index mixing time zones",
            lambda: rf.load_scores(pd.Series(np.zeros(48), index=mixed, name="x")),
            check=lambda s: str(s.index[0]) == "2000-01" and len(s) == 48,
        )
    )
    offsets = pd.Index(
        ["2000-01-01T00:00+09:00", "2000-02-01T00:00-05:00"]
        + [str(m) for m in pd.period_range("2000-03", periods=46, freq="M")]
    )
    add(
        Case(
            g,
            "labels with UTC offsets",
            lambda: rf.load_scores(pd.Series(np.zeros(48), index=offsets, name="x")),
            check=lambda s: str(s.index[0]) == "2000-01" and len(s) == 48,
        )
    )
    add(
        Case(
            g,
            "fill='mean'",
            lambda: rf.load_scores(ok, "Japan", fill="mean"),
            "DataError",
            "'mean'",
        )
    )
    dup = long_csv(folder, "dup.csv", edit=lambda r: [*r, r[3]])
    add(Case(g, "duplicated month", lambda: rf.load_scores(dup, "Japan"), "DataError", "2000-04"))
    high = long_csv(folder, "high.csv", edit=lambda r: replace_cell(r, 7, 4, "9.4"))
    add(Case(g, "score 9.4", lambda: rf.load_scores(high, "Japan"), "DataError", "9.4"))

    # ----------------------------------------------------- shock and scenario files
    g = "shock and scenario files"
    blob = folder / "blob.yaml"
    blob.write_bytes(bytes(range(128, 256)))
    add(
        Case(
            g,
            "binary shocks file",
            lambda: rf.ShockCalendar.from_yaml(blob),
            "ShockError",
            "blob.yaml",
        )
    )
    add(
        Case(g, "binary scenarios file", lambda: rf.load_scenarios(blob), "ShockError", "blob.yaml")
    )
    records = [
        (
            "rate 'fast'",
            {"kind": "tariff", "start": "2025-01", "shape": "decay", "rate": "fast"},
            "'fast'",
        ),
        (
            "length 'long'",
            {"kind": "custom", "start": "2025-01", "shape": "ramp", "length": "long"},
            "'long'",
        ),
        ("effect 'big'", {"kind": "custom", "start": "2025-01", "effect": "big"}, "'big'"),
        (
            "effect [1, [2, 3]]",
            {"kind": "custom", "start": "2025-01", "effect": [1, [2, 3]]},
            "[1, [2, 3]]",
        ),
        ("a field named 3", {"kind": "custom", "start": "2025-01", 3: "x"}, "'3'"),
        ("start ''", {"kind": "custom", "start": ""}, "start"),
        ("start 'May'", {"kind": "custom", "start": "May"}, "'May'"),
        ("start 2025 (a number)", {"kind": "custom", "start": 2025}, "2025"),
    ]
    for label, record, names in records:
        add(
            Case(g, label, lambda r=record: rf.ShockCalendar.from_records([r]), "ShockError", names)
        )
    for label, kwargs, names in [
        ("probability '50%'", {"probability": "50%"}, "'50%'"),
        ("probability None", {"probability": None}, "None"),
        ("probability True", {"probability": True}, "True"),
        ("shocks=5", {"shocks": 5}, "5"),
    ]:
        add(
            Case(
                g, f"Scenario({label})", lambda k=kwargs: rf.Scenario("a", **k), "ShockError", names
            )
        )

    # -------------------------------------------------------------- forecast questions
    g = "forecast questions"
    questions = {
        "prob_cross": lambda t: fc.prob_cross(t),
        "prob_below": lambda t: fc.prob_below(t),
        "prob_above": lambda t: fc.prob_above(t),
        "first_passage": lambda t: fc.first_passage(t),
        "to_frame": lambda t: fc.to_frame(threshold=t),
    }
    for name, ask in questions.items():
        for t in (np.nan, np.inf, -np.inf, 12, -12, "x", True):
            shown = "threshold"
            add(Case(g, f"{name}({t!r})", lambda a=ask, v=t: a(v), "ForecastError", shown))
    add(Case(g, "prob_above(None)", lambda: fc.prob_above(None), "ForecastError", "None"))
    add(
        Case(
            g,
            "prob_cross('-6')",
            lambda: fc.prob_cross("-6"),
            check=lambda p: p == fc.prob_cross(-6),
        )
    )
    for levels in ([np.nan], ["a"], []):
        add(
            Case(
                g,
                f"quantiles({levels!r})",
                lambda q=levels: fc.quantiles(q),
                "ForecastError",
                "quantile",
            )
        )
    for first, last in (("foo", "bar"), ("", "2026-01"), (None, "2026-01")):
        add(
            Case(
                g,
                f"window({first!r}, {last!r})",
                lambda a=first, b=last: fc.window(a, b),
                "ForecastError",
                repr(first),
            )
        )
    for within in ("a", np.nan, np.inf):
        add(
            Case(
                g,
                f"prob_cross(-6, within={within!r})",
                lambda w=within: fc.prob_cross(-6, within=w),
                "ForecastError",
                "within",
            )
        )

    # ------------------------------------------------------------- random sources
    g = "random sources"
    for rng in (-1, "abc", 1.5, True, [1, 2]):
        add(
            Case(
                g,
                f"forecast(rng={rng!r})",
                lambda r=rng: rw.forecast(3, n_paths=10, rng=r),
                "SpecError",
                "rng",
            )
        )
    add(
        Case(
            g,
            "backtest(rng=None)",
            lambda: rf.backtest(demo, "rw-gauss", "2010-01", n_paths=50, rng=None),
            check=lambda t: len(t) == 12 and t["mean"].notna().all(),
        )
    )
    add(
        Case(
            g,
            "backtest(rng=Generator)",
            lambda: rf.backtest(
                demo, "rw-gauss", "2010-01", n_paths=50, rng=np.random.default_rng(1)
            ),
            check=lambda t: len(t) == 12,
        )
    )

    # --------------------------------------------------------------------- models
    g = "models and specifications"
    add(
        Case(
            g,
            "ARIMA(order='auto') on a constant series",
            lambda: rf.ARIMA(order="auto").fit(flat),
            "FitError",
            "constant",
        )
    )
    add(
        Case(
            g,
            "ARIMA(1,1,0) on a constant series",
            lambda: rf.ARIMA(order=(1, 1, 0)).fit(flat),
            "FitError",
            "constant",
        )
    )
    specs = [
        ("ARIMA(order=(1, 'a', 0))", lambda: rf.ARIMA(order=(1, "a", 0)), "order"),
        ("ARIMA(order=5)", lambda: rf.ARIMA(order=5), "order"),
        ("ARIMA(order='best')", lambda: rf.ARIMA(order="best"), "order"),
        (
            "MarkovSwitching(k_regimes='two')",
            lambda: rf.MarkovSwitching(k_regimes="two"),
            "k_regimes",
        ),
        ("BlockBootstrap(window='long')", lambda: rf.BlockBootstrap(window="long"), "window"),
        ("Auto(weights=['a'])", lambda: rf.Auto(weights=["a"]), "weights"),
    ]
    for label, make, names in specs:
        add(Case(g, label, make, "SpecError", names))
    step = rf.Scenario(
        "down", [rf.Shock("custom", demo.index[-1] + 1, shape="step", effect=(-3, 0))]
    )
    base = rw.forecast(6, n_paths=200, rng=0).paths
    add(
        Case(
            g,
            "RandomWalk forecast with a -3 step scenario",
            lambda: rw.forecast(6, scenario=step, n_paths=200, rng=0).paths,
            check=lambda p: np.allclose(
                p[(p > -9) & (base > -9)] - base[(p > -9) & (base > -9)], -3
            ),
        )
    )
    add(
        Case(
            g,
            "RandomWalk forecast(scenario='tariffs')",
            lambda: rw.forecast(6, scenario="tariffs", n_paths=10, rng=0),
            "ForecastError",
            "tariffs",
        )
    )

    # ----------------------------------------------------------------- periods
    g = "months and origins"
    add(
        Case(
            g,
            "backtest origins '2010-13'",
            lambda: rf.backtest(demo, "rw-gauss", "2010-13"),
            "ForecastError",
            "2010-13",
        )
    )
    add(
        Case(
            g,
            "analogue anchor '2010-13'",
            lambda: rf.analogues(demo, ["2010-13"]),
            "DataError",
            "2010-13",
        )
    )
    add(Case(g, "Shock start '' ", lambda: rf.Shock("custom", ""), "ShockError", "start"))

    # ---------------------------------------------------------------- command line
    g = "command line"
    add(Case(g, "forecast --seed -1", cli("forecast", "--seed", "-1"), "cli", "--seed"))
    add(
        Case(
            g,
            "forecast flat.csv --model arima",
            cli("forecast", str(flat_csv), "--model", "arima", "--paths", "100"),
            "cli",
            "constant",
        )
    )
    add(
        Case(
            g,
            "forecast with empty last scores",
            cli("forecast", str(trailing), "--dyad", "Japan", "--model", "block"),
            "cli",
            "2004-01",
        )
    )
    for threshold in ("nan", "12", "inf"):
        add(
            Case(
                g,
                f"forecast --threshold {threshold}",
                cli("forecast", "--model", "block", "--paths", "100", "--threshold", threshold),
                "cli",
                "threshold",
            )
        )
    add(
        Case(
            g,
            "backtest --origins 2010-13",
            cli(
                "backtest",
                str(ok),
                "--dyad",
                "Japan",
                "--origins",
                "2010-13",
                "--out",
                str(folder / "bt.csv"),
            ),
            "cli",
            "2010-13",
        )
    )
    add(
        Case(
            g,
            "forecast zh.csv --dyad Japan",
            cli("forecast", str(zh), "--dyad", "Japan"),
            "cli",
            "date",
        )
    )
    return out


def classify(case: Case) -> str:
    try:
        result = case.run()
    except rf.RelforecastError as exc:
        if case.error is None:
            return "misfiled error"
        right_type = type(exc).__name__ == case.error or case.error in {
            c.__name__ for c in type(exc).__mro__
        }
        return "clean error" if right_type and case.names in str(exc) else "misfiled error"
    except Exception:  # counted: that is the point of the probe
        return "foreign exception"
    if case.error == "cli":
        code, err = result
        lines = err.strip().splitlines()
        if code == 0:
            return "silent wrong answer"
        if "Traceback" in err or "internal error" in err or len(lines) != 1:
            return "foreign exception"
        return "clean error" if case.names in err else "misfiled error"
    if case.error is not None:
        return "silent wrong answer"
    return "right answer" if case.check(result) else "silent wrong answer"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list every case and outcome")
    args = parser.parse_args()
    import warnings

    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        results = [(c, classify(c)) for c in cases(Path(tmp))]
    print_outcomes(results, OUTCOMES, noun="inputs", details=args.details)

if __name__ == "__main__":
    main()
