"""Draw the event figures of docs/events.md from the real data, with the commands shown there.

python examples/event_figures.py                       # ../shared/data -> example_output/
RELFORECAST_SHARED_DATA=DATA_DIR python examples/event_figures.py   # the data elsewhere
python examples/event_figures.py DATA_DIR --out FOLDER

The figures go into the folder you name (default ``example_output/`` under the current
directory, which git ignores); the script never writes into the repository. The maintainers
refresh the pictures of the documentation by naming that folder explicitly.

Each figure is made by a `relforecast events` command (run here through the CLI's own entry
point, in a temporary folder) and copied to the image folder; the last one shows the window
chart drawn from Python beside the long history, as an outlook would place it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import relforecast as rf
from relforecast.cli.main import main as relforecast_main
from relforecast.graphics.labels import labels
from relforecast.report.plots import history_chart

ROOT = Path(__file__).resolve().parents[1]


def commands(data: Path) -> list[tuple[list[str], dict[str, str]]]:
    """(arguments of `relforecast`, {file it writes: name under the image folder})."""
    events = str(data / "events_712.csv")
    scores = str(data / "tsinghua_relations_long.csv")
    leaders = str(data / "leaders.csv")
    venues = str(ROOT / "examples" / "venues_japan.yaml")
    base = ["events", events, "--dyad", "Japan"]
    return [
        (
            [*base, "--chart", "window", "--scores", scores, "--window", "2012-03:2013-02"],
            {"window.png": "events_window_2012.png"},
        ),
        (
            [*base, "--chart", "window", "--scores", scores, "--months", "12", "--lang", "zh"],
            {"window.png": "events_window_zh.png"},
        ),
        (
            [*base, "--by", "year", "--chart", "shares", "--chart", "monthly", "--venues", venues],
            {
                "monthly_scores.png": "events_monthly.png",
                "topic_shares_positive.png": "events_topic_positive_year.png",
                "topic_shares_negative.png": "events_topic_negative_year.png",
                "venue_shares_negative.png": "events_venue_negative_year.png",
            },
        ),
        (
            [*base, "--by", "term", "--leaders", leaders, "--venues", venues, "--chart", "shares"],
            {"terms_comparison.png": "events_terms.png"},
        ),
        (
            [*base, "--by", "term", "--leaders", leaders, "--venues", venues, "--chart", "shares",
             "--lang", "zh"],
            {"terms_comparison.png": "events_terms_zh.png"},
        ),
    ]  # fmt: skip


def outlook_panels(data: Path, path: Path) -> None:
    """The long history and the Fig. 1 window side by side (how an outlook places them)."""
    series = rf.load_scores(data / "tsinghua_relations_long.csv", dyad="Japan")
    log = rf.load_events(data / "events_712.csv")
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(15, 4.6), gridspec_kw={"width_ratios": [1.3, 1]}
    )
    history_chart(series, rf.TSINGHUA_SCALE, text=labels("en"), ax=left)
    rf.window_chart(series, log.monthly_scores("Japan", series.index), months=12, ax=right)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)


def run(data: Path, img_dir: Path) -> list[Path]:
    img_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (argv, files) in enumerate(commands(data)):
            out = Path(tmp) / f"run{i}"
            print("relforecast", " ".join(argv), "--out", out.name)
            code = relforecast_main([*argv, "--out", str(out)])
            if code != 0:
                raise SystemExit(f"relforecast events failed (exit {code})")
            for produced, name in files.items():
                shutil.copyfile(out / produced, img_dir / name)
                written.append(img_dir / name)
    outlook_panels(data, img_dir / "events_outlook_panels.png")
    written.append(img_dir / "events_outlook_panels.png")
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shared = os.environ.get("RELFORECAST_SHARED_DATA", str(ROOT.parent / "shared" / "data"))
    parser.add_argument("data", nargs="?", default=shared, help=f"real data (default: {shared})")
    parser.add_argument("--out", default="example_output", help="folder for the figures")
    args = parser.parse_args()
    for p in run(Path(args.data), Path(args.out)):
        print("wrote", p)
