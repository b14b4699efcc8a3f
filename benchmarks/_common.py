"""Helpers shared by the benchmark scripts: where the real data lives, timing, probe tables."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("RELFORECAST_SHARED_DATA", REPO.parent / "shared" / "data"))


def require_shared_data() -> Path:
    """Path of ../shared/data, or exit with a clear message."""
    if not (SHARED_DATA / "tsinghua_relations_long.csv").is_file():
        sys.exit(f"real data not found at {SHARED_DATA}; set RELFORECAST_SHARED_DATA")
    return SHARED_DATA


def spec_digest(spec: object) -> str:
    """Ten hex digits of a model specification's repr: a cache file named with it is not
    reused once the specification (a library default, say) changes."""
    return hashlib.sha256(repr(spec).encode()).hexdigest()[:10]


def best_of(func: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``repeats`` calls (seconds)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def print_outcomes(
    results: Sequence[tuple[object, str]], outcomes: Sequence[str], *, noun: str, details: bool
) -> None:
    """A probe's Markdown table: per input class (``case.group``), how many inputs got each
    outcome, and a total row; with ``details`` every case and its outcome after it."""
    groups = list(dict.fromkeys(c.group for c, _ in results))
    print(f"| input class | {noun} | " + " | ".join(outcomes) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in outcomes) + " |")
    total: Counter = Counter()
    for group in groups:
        counts = Counter(o for c, o in results if c.group == group)
        total.update(counts)
        n = sum(counts.values())
        print(f"| {group} | {n} | " + " | ".join(str(counts[o]) for o in outcomes) + " |")
    n = sum(total.values())
    print(f"| **all** | **{n}** | " + " | ".join(f"**{total[o]}**" for o in outcomes) + " |")
    if details:
        width = max((len(o) for _, o in results), default=0) + 1
        for case, result in results:
            print(f"{result:{width}s} {case.group}: {case.label}")


def as_another_user(func: Callable[[], object]) -> Callable[[], object]:
    """``func`` deferred, to be run by a user other than root so that file permissions bind
    (``tests/users.py``: here when this process is not root, else in a forked child that
    becomes ``nobody``; an exception in the child is raised again here)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.users import as_another_user as run_as_another_user

    return lambda: run_as_another_user(func)
