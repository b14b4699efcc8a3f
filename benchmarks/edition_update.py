"""The monthly cycle on the real data: publish China–Japan as of 2025-06, update to 2025-08.

Runs the two commands of docs/outlook.md ("The monthly cycle") as the group would — the first
edition in Chinese with the leaders table and the 2025 scenario file (its track record
computed), then ``relforecast update`` with the track record kept from the first edition — and
prints each command's wall time (and CPU time, with the load average: wall times measured on
a busy machine mean little), the headline then and now with Monte Carlo errors and the split
of the change::

    python benchmarks/edition_update.py                   # needs ../shared/data
    python benchmarks/edition_update.py --data DIR --out /tmp/cycle --updates 3

The numbers measured are in docs/outlook.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str]) -> tuple[float, float]:
    """Run ``relforecast ARGS`` in a fresh process (imports counted); its wall time and the
    CPU time of the command and its worker processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = Path(sys.executable).with_name("relforecast")  # the installed console script
    subprocess.run([str(command), *args], check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--out", default=None, help="Folder for the editions (default: temp).")
    parser.add_argument("--updates", type=int, default=1, help="How many times to run the update.")
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
    updates = []
    for i in range(opts.updates):  # the same update again, each into a folder of its own
        target = second if i == 0 else home / f"2025-08-{i + 1}"
        args = ["update", str(first), str(scores), "--until", "2025-08", "--out", str(target)]
        updates.append(run(args + (["--index", str(home / "index")] if i == 0 else [])))
    changes = json.loads((second / "summary.json").read_text(encoding="utf-8"))["changes"]
    print(f"publish (track record computed): {published[0]:.1f} s (CPU {published[1]:.1f} s)")
    for wall, cpu in updates:
        print(f"update (track record kept):      {wall:.1f} s (CPU {cpu:.1f} s)")
    # the wall times mean little on a busy machine: say how busy it was
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for key, row in changes["answers"].items():
        print(
            f"{key}: {row['then']:.3f} ± {row['then_se']:.3f} then, {row['now']:.3f} ± "
            f"{row['now_se']:.3f} now; new data {row['new_data']:+.3f}, re-estimation "
            f"{row['reestimation']:+.3f}, revisions {row['revisions']:+.3f}"
        )


if __name__ == "__main__":
    main()
