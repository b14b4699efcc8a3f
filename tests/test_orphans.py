"""A ``kill -9`` of a command that runs worker processes leaves no process and no pool files
behind.

Each case starts a real command in a subprocess, waits until its workers run — loky workers
once their parent watchdog thread (started first thing in a worker) makes two threads, the
worker processes of a Dask ``LocalCluster`` once they run their threads — kills the command
with SIGKILL, and checks that within 10 s every process it started is gone and ``/dev/shm``
holds no semaphore (``sem.loky-PID-*``) or memory-mapped folder
(``joblib_memmapping_folder_PID_*``) of it. Linux only (``/proc``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import relforecast as rf

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")

START_WAIT = 240.0  # a loaded 2-core machine imports the package slowly in every worker
GONE_WAIT = 10.0


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            continue
    return out


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in _children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _threads(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline_has(pid: int, text: bytes) -> bool:
    try:
        return text in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _is_loky_worker(pid: int) -> bool:
    return _cmdline_has(pid, b"popen_loky_posix") and _threads(pid) >= 2


def _is_dask_worker(pid: int) -> bool:
    """A process a Dask ``LocalCluster`` spawned (multiprocessing's spawn) that runs its
    worker: its parent-alive monitor, event loop and task threads."""
    return _cmdline_has(pid, b"spawn_main") and _threads(pid) >= 4


def _pool_files(pid: int) -> list[str]:
    shm = Path("/dev/shm")
    if not shm.is_dir():
        return []
    return sorted(
        p.name
        for p in shm.iterdir()
        if p.name.startswith((f"sem.loky-{pid}-", f"joblib_memmapping_folder_{pid}_"))
    )


def _kill_when_working(
    argv: list[str],
    cwd: Path,
    workers: int = 2,
    is_worker: Callable[[int], bool] = _is_loky_worker,
) -> None:
    """Start ``argv``; once ``workers`` of its processes pass ``is_worker``, SIGKILL it;
    assert that all it started is gone within GONE_WAIT seconds."""
    proc = subprocess.Popen(
        argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.monotonic() + START_WAIT
        while True:
            family = _descendants(proc.pid)
            ready = [p for p in family if is_worker(p)]
            if len(ready) >= workers:
                break
            if proc.poll() is not None:
                pytest.fail(f"{argv[2:4]} ended before its workers ran: {proc.stderr.read()!r}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {workers} busy workers within {START_WAIT:g} s")
            time.sleep(0.1)
        time.sleep(1.0)
        family = _descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + GONE_WAIT
        while time.monotonic() < deadline:
            left = [p for p in family if _alive(p)]
            files = _pool_files(proc.pid)
            if not left and not files:
                return
            time.sleep(0.2)
        pytest.fail(f"{GONE_WAIT:g} s after kill -9: processes {left} and files {files} remain")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in _descendants(proc.pid):  # only what this test started
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


@pytest.fixture
def data_csv(tmp_path: Path) -> Path:
    panel = rf.datasets.demo_panel()
    rows = [
        f"{dyad},{m.year},{m.month},{m},{v:.1f}"
        for dyad in panel.columns
        for m, v in panel[dyad].dropna().items()
    ]
    path = tmp_path / "scores.csv"
    path.write_text("country,year,month,ym,score\n" + "\n".join(rows) + "\n")
    return path


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from relforecast.cli import run; run()", *args]


def _first_two(data_csv: Path) -> str:
    return ",".join(str(c) for c in rf.datasets.demo_panel().columns[:2])


def test_kill_9_of_a_parallel_backtest_leaves_nothing(data_csv: Path, tmp_path: Path) -> None:
    argv = _cli(
        "backtest", str(data_csv), "--dyad", _first_two(data_csv), "--origins",
        "1990-01:2024-06", "--every", "1", "--model", "markov", "--workers", "2",
        "--out", str(tmp_path / "bt.csv"),
    )  # fmt: skip
    _kill_when_working(argv, tmp_path)


def test_kill_9_of_an_outlook_computing_its_track_record_leaves_nothing(
    data_csv: Path, tmp_path: Path
) -> None:
    argv = _cli(
        "outlook", str(data_csv), "--dyad", str(rf.datasets.demo_panel().columns[0]),
        "--model", "markov", "--track-record", "compute",
        "--out", str(tmp_path / "report"),
    )  # fmt: skip
    _kill_when_working(argv, tmp_path)


def test_kill_9_of_a_record_backfill_leaves_nothing(data_csv: Path, tmp_path: Path) -> None:
    argv = _cli(
        "record", "backfill", str(data_csv), "--dyad", _first_two(data_csv), "--origins",
        "1990-01:2024-06", "--every", "1", "--model", "markov", "--workers", "2",
        "--record", str(tmp_path / "rec.sqlite"),
    )  # fmt: skip
    _kill_when_working(argv, tmp_path)


def test_kill_9_of_a_backtest_writing_its_store_leaves_nothing(
    data_csv: Path, tmp_path: Path
) -> None:
    pytest.importorskip("pyarrow", reason="a backtest store needs pyarrow")
    argv = _cli(
        "backtest", str(data_csv), "--dyad", _first_two(data_csv), "--origins",
        "1990-01:2024-06", "--every", "1", "--model", "markov", "--workers", "2",
        "--store", str(tmp_path / "store"), "--out", str(tmp_path / "bt.csv"),
    )  # fmt: skip
    _kill_when_working(argv, tmp_path)


def test_kill_9_of_an_outlook_of_several_partners_leaves_nothing(
    data_csv: Path, tmp_path: Path
) -> None:
    argv = _cli(
        "outlook", str(data_csv), "--dyad", _first_two(data_csv), "--model", "markov",
        "--track-record", "none", "--workers", "2", "--out", str(tmp_path / "overview"),
    )  # fmt: skip
    _kill_when_working(argv, tmp_path)


def test_kill_9_of_a_backtest_on_a_dask_local_cluster_leaves_nothing(
    data_csv: Path, tmp_path: Path
) -> None:
    pytest.importorskip("distributed", reason="the Dask engine needs dask.distributed")
    argv = _cli(
        "backtest", str(data_csv), "--dyad", _first_two(data_csv), "--origins",
        "1990-01:2024-06", "--every", "1", "--model", "markov", "--engine", "dask",
        "--workers", "2", "--out", str(tmp_path / "bt.csv"),
    )  # fmt: skip
    _kill_when_working(argv, tmp_path, is_worker=_is_dask_worker)
