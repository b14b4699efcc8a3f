"""Helpers shared by the benchmark scripts: where the real data lives, timing, probe tables."""

from __future__ import annotations

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


NOBODY = 65534


def as_another_user(func: Callable[[], object]) -> Callable[[], object]:
    """``func`` run by a user other than root, so that file permissions bind: here when this
    process is not root, else in a forked child that becomes ``nobody`` (uid 65534) and sends
    its result back through a pipe. The child can only use modules already imported (the
    interpreter's own files may be private to root): run the same kind of call before.

    An exception in the child is raised again here: a ``RelforecastError`` with its message,
    anything else as ``RuntimeError`` naming its type."""
    import os
    import pickle

    def run() -> object:
        if os.geteuid() != 0:
            return func()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child never returns into the caller
            try:
                os.close(read)
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
                payload: tuple = ("value", func())
            except BaseException as exc:  # handed to the parent
                from relforecast.exceptions import RelforecastError

                kind = "relforecast" if isinstance(exc, RelforecastError) else type(exc).__name__
                payload = ("error", kind, str(exc))
            with os.fdopen(write, "wb") as pipe:
                pickle.dump(payload, pipe)
            os._exit(0)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        if not data:
            raise RuntimeError(f"the child run as user {NOBODY} ended without an answer")
        kind, *rest = pickle.loads(data)
        if kind == "value":
            return rest[0]
        if rest[0] == "relforecast":
            from relforecast.exceptions import RelforecastError

            raise RelforecastError(rest[1])
        raise RuntimeError(f"{rest[0]}: {rest[1]}")

    return run
