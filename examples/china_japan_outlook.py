"""The China–Japan outlook report for July 2025 – June 2026.

python examples/china_japan_outlook.py                 # synthetic demo -> outlook_demo/
python examples/china_japan_outlook.py ../shared/data  # real data, up to 2025-06 -> outlook_japan/
"""

from __future__ import annotations

import sys
from pathlib import Path

import relforecast as rf

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> None:
    if argv:
        data = Path(argv[0])
        series = rf.load_scores(data / "tsinghua_relations_long.csv", dyad="Japan")
        series = series.loc[:"2025-06"]
        shocks = rf.ShockCalendar.from_leaders(data / "leaders.csv", "Japan")
        out = "outlook_japan"
    else:
        series, shocks, out = rf.datasets.demo(), rf.datasets.demo_shocks(), "outlook_demo"
    result = rf.outlook(
        series,
        window="2025-07:2026-06",
        scenarios=rf.load_scenarios(HERE / "scenarios_japan.yaml"),
        shocks=shocks,
        out=out,
        n_paths=10_000,
        rng=0,
        anchors=["2012-09", "2019-06"],
        progress=lambda msg: print("...", msg),
    )
    print(result.comparison[["p_cross", "p_cross_se", "d_p_cross", "median_end"]].round(3))
    print(f"open {result.files['report.html']}")


if __name__ == "__main__":
    main(sys.argv[1:])
