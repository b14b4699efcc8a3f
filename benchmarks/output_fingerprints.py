"""Fingerprints of relforecast's outputs, to show that a refactoring changed no byte.

Runs three jobs on the embedded demo data, each through the command line as a user would:

- the demo outlook (``relforecast outlook --out DIR``) with ``SOURCE_DATE_EPOCH`` fixed, so the
  creation time written into the report is the same in every run;
- a backtest CSV (two models, two origins a year apart, two thresholds);
- a forecast record: two forecasts published into a fresh SQLite record, then
  ``relforecast record export`` (compared without the export's ``created`` clock times).

It prints the SHA-256 of every file written (figures and Word file included) as JSON, or with
``--compare BEFORE.json`` the files whose bytes differ from an earlier run (exit 1 if any)::

    python benchmarks/output_fingerprints.py --json before.json     # on the old code
    python benchmarks/output_fingerprints.py --compare before.json  # on the new code
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: any fixed value works
DYAD = "Demo (synthetic)"  # the demo series' name


def _run(args: list[str], cwd: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("relforecast")), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"relforecast {' '.join(args)} failed:\n{done.stderr}")


def _demo_csv(folder: Path) -> Path:
    """The demo series in the long CSV layout the command line reads."""
    import relforecast as rf

    s = rf.datasets.demo()
    path = folder / "demo.csv"
    lines = ["country,ym,score"] + [f"{s.name},{month},{value:.1f}" for month, value in s.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _content(path: Path) -> bytes:
    """A file's bytes; for the record's export without its ``created`` column (a clock time)."""
    if path.parent.name != "export" or path.suffix != ".csv":
        return path.read_bytes()
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if "created" not in rows[0]:
        return path.read_bytes()
    at = rows[0].index("created")
    return "\n".join(",".join(r[:at] + r[at + 1 :]) for r in rows).encode()


def fingerprints(folder: Path) -> dict[str, str]:
    """Run the three jobs in ``folder`` and return ``{relative path: sha256}``."""
    _run(["outlook", "--out", "outlook"], folder)
    data = _demo_csv(folder)
    _run(
        [
            "backtest", str(data), "--dyad", DYAD, "--origins", "2022-06:2023-06",
            "--every", "12", "--model", "rw-gauss,block", "--thresholds", "-6,-3",
            "--paths", "500", "--seed", "3", "--out", "backtest.csv",
        ],
        folder,
    )
    record = folder / "record.sqlite"
    for model in ("arima", "block"):
        _run(
            [
                "forecast", str(data), "--dyad", DYAD, "--model", model, "--paths", "500",
                "--seed", "1", "--record", str(record),
            ],
            folder,
        )
    _run(["record", "export", "--record", str(record), "--out", "export"], folder)
    result = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name not in {data.name, record.name}:
            rel = path.relative_to(folder).as_posix()
            result[rel] = hashlib.sha256(_content(path)).hexdigest()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the fingerprints here")
    parser.add_argument("--compare", type=Path, help="compare with fingerprints written before")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        now = fingerprints(Path(tmp))
    if args.json:
        args.json.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if args.compare is None:
        print(json.dumps(now, indent=1, sort_keys=True))
        return 0
    before = json.loads(args.compare.read_text(encoding="utf-8"))
    differ = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    for name in differ:
        old, new = before.get(name, "absent"), now.get(name, "absent")
        print(f"differs: {name} ({old[:12]} -> {new[:12]})")
    print(f"{len(now) - len(differ)} of {len(before.keys() | now.keys())} files byte-identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
