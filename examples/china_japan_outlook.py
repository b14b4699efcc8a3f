"""The China–Japan outlook report for July 2025 – June 2026, as of June 2025.

python examples/china_japan_outlook.py                 # demo -> example_output/outlook_demo/
python examples/china_japan_outlook.py ../shared/data  # real, as of 2025-06 -> .../outlook_japan/
python examples/china_japan_outlook.py ../shared/data --lang zh --out FOLDER

The report (HTML, Word, Markdown) answers the window's questions for the baseline, a
right-wing successor and US containment, and says how far to trust the answers: the model's
track record (a backtest over past origins, pooled over the data's dyads), the spread between
models, the scenarios' assumptions.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import relforecast as rf

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", help="folder of the real data (default: the demo)")
    parser.add_argument("--out", default="example_output", help="folder for the report folder")
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    args = parser.parse_args(argv)
    if args.data:
        data = Path(args.data)
        scores = data / "tsinghua_relations_long.csv"
        series = rf.load_scores(scores, dyad="Japan")
        shocks = rf.ShockCalendar.from_leaders(data / "leaders.csv", "Japan")
        panel, out = rf.load_panel(scores), "outlook_japan"
    else:
        series, shocks, panel = rf.datasets.demo(), rf.datasets.demo_shocks(), None
        out = "outlook_demo"
    out = Path(args.out) / out
    out.parent.mkdir(parents=True, exist_ok=True)
    result = rf.outlook(
        series,
        window="2025-07:2026-06",
        as_of="2025-06",  # everything dated later is cut: data, leaders, shocks
        scenarios=rf.load_scenarios(HERE / "scenarios_japan_2025.yaml"),
        shocks=shocks,
        panel=panel,
        out=out,
        n_paths=10_000,
        rng=0,
        lang=args.lang,
        anchors=["2012-09=Diaoyu purchase", "2019-06"],
        progress=lambda msg: print("...", msg),
    )
    answers = result.questions.pivot(index="question", columns="scenario", values="p")
    print(answers.round(3))
    print(result.comparison[["p_cross", "p_cross_se", "d_p_cross", "median_end"]].round(3))
    if result.track_record is not None:
        counts = {"origins": int, "cases": int, "dyads": int}  # whole numbers, kept as floats
        print(result.track_record.summary.astype(counts).round(3))
    print(f"open {result.files['report.html']} or {result.files['report.docx']}")


if __name__ == "__main__":
    main()
