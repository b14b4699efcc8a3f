"""The monthly cycle on the real data: publish China–Japan as of 2025-06, update to 2025-08.

Runs the two commands of docs/outlook.md ("The monthly cycle") as the group would — the first
edition in Chinese with the leaders table and the 2025 scenario file (its track record
computed), then ``relforecast update`` with the track record kept from the first edition — and
prints each command's wall time, the headline then and now with Monte Carlo errors and the
split of the change::

    python benchmarks/edition_update.py                   # needs ../shared/data
    python benchmarks/edition_update.py --data DIR --out /tmp/cycle

The numbers measured are in docs/outlook.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str]) -> float:
    """Run ``relforecast ARGS`` in a fresh process (imports counted); its wall time."""
    start = time.perf_counter()
    command = Path(sys.executable).with_name("relforecast")  # the installed console script
    subprocess.run([str(command), *args], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--out", default=None, help="Folder for the editions (default: temp).")
    opts = parser.parse_args()
    data = Path(opts.data)
    scores = data / "tsinghua_relations_long.csv"
    if not scores.is_file():
        sys.exit(f"no real data in {data} (give --data DIR)")
    home = Path(opts.out or tempfile.mkdtemp(prefix="relforecast-cycle-"))
    home.mkdir(parents=True, exist_ok=True)
    first, second = home / "2025-06", home / "2025-08"
    published = run(
        [
            "outlook",
            str(scores),
            "--dyad",
            "Japan",
            "--until",
            "2025-06",
            "--leaders",
            str(data / "leaders.csv"),
            "--scenarios",
            str(ROOT / "examples" / "scenarios_japan_2025.yaml"),
            "--lang",
            "zh",
            "--out",
            str(first),
        ]
    )
    updated = run(
        [
            "update",
            str(first),
            str(scores),
            "--until",
            "2025-08",
            "--out",
            str(second),
            "--index",
            str(home / "index"),
        ]
    )
    changes = json.loads((second / "summary.json").read_text(encoding="utf-8"))["changes"]
    print(f"publish (track record computed): {published:.1f} s")
    print(f"update (track record kept):      {updated:.1f} s")
    for key, row in changes["answers"].items():
        print(
            f"{key}: {row['then']:.3f} ± {row['then_se']:.3f} then, {row['now']:.3f} ± "
            f"{row['now_se']:.3f} now; new data {row['new_data']:+.3f}, re-estimation "
            f"{row['reestimation']:+.3f}, revisions {row['revisions']:+.3f}"
        )


if __name__ == "__main__":
    main()
