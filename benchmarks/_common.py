"""Helpers shared by the benchmark scripts: where the real data lives, timing."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("RELFORECAST_SHARED_DATA", REPO.parent / "shared" / "data"))


def require_shared_data() -> Path:
    """Path of ../shared/data, or exit with a clear message."""
    if not (SHARED_DATA / "tsinghua_relations_long.csv").is_file():
        sys.exit(f"real data not found at {SHARED_DATA}; set RELFORECAST_SHARED_DATA")
    return SHARED_DATA


def best_of(func: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``repeats`` calls (seconds)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]
