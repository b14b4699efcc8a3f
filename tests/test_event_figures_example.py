"""examples/event_figures.py, the script behind the figures of docs/events.md, as a user runs it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "event_figures.py"
DOC = Path(__file__).resolve().parents[1] / "docs" / "events.md"


@pytest.mark.slow
def test_the_docs_figures_are_made_by_the_script(shared_data, tmp_path):
    # the data folder from the environment, as the tests and benchmarks read it
    env = {**os.environ, "RELFORECAST_SHARED_DATA": str(shared_data)}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    made = {p.name for p in tmp_path.glob("events_*.png")}
    shown = {
        line.split("(img/")[1].rstrip(")")
        for line in DOC.read_text().splitlines()
        if "](img/events_" in line
    }
    assert shown and shown == made  # every figure in the docs is made, and nothing else
    assert all((tmp_path / name).stat().st_size > 10_000 for name in made)
    # the paragraph quoted in the docs is the one the library writes today
    import relforecast as rf

    series = rf.load_scores(shared_data / "tsinghua_relations_long.csv", dyad="Japan")
    assert rf.recent_movement(series, 12).text in " ".join(DOC.read_text().split())
