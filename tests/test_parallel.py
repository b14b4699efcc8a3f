"""The execution layer: same rows on every engine and worker count, config honoured, errors."""

from __future__ import annotations

import os
import subprocess
import sys

import joblib
import pandas as pd
import pytest

import relforecast as rf
from relforecast.evaluation.backtest import backtest
from relforecast.panel import parallel
from tests.test_backtest import random_walk_panel


def _pid_and_threads(i: int) -> tuple[int, int, str | None]:
    return i, os.getpid(), os.environ.get("OPENBLAS_NUM_THREADS")


def _square(i: int) -> int:
    return i * i


@pytest.fixture(scope="module")
def small_panel():
    return random_walk_panel(n_series=3, months=300, seed=4)


def _run(panel, **engine):
    return backtest(
        panel,
        ["rw-boot", "arima110"],
        "2010-01:2011-12",
        every=3,
        n_paths=300,
        rng=11,
        refit_every=4,
        thresholds=(-3, 0),
        **engine,
    )


@pytest.fixture(scope="module")
def sequential(small_panel):
    return _run(small_panel, workers=1)


def test_results_come_back_in_task_order_on_loky():
    out = list(parallel.run_tasks(_pid_and_threads, range(12), workers=2))
    assert [i for i, _, _ in out] == list(range(12))
    pids = {pid for _, pid, _ in out}
    assert os.getpid() not in pids  # ran in worker processes
    # BLAS pools capped at one thread per worker
    assert {threads for _, _, threads in out} == {"1"}
    out3 = list(parallel.run_tasks(_pid_and_threads, range(4), workers=2, threads=3))
    assert {threads for _, _, threads in out3} == {"3"}


def test_one_worker_runs_in_this_process():
    out = list(parallel.run_tasks(_pid_and_threads, range(3), workers=1))
    assert {pid for _, pid, _ in out} == {os.getpid()}


def test_joblib_parallel_config_is_honoured():
    with joblib.parallel_config(backend="threading", n_jobs=2):
        out = list(parallel.run_tasks(_pid_and_threads, range(6)))
    # threads of this process, not loky processes
    assert [i for i, _, _ in out] == list(range(6))
    assert {pid for _, pid, _ in out} == {os.getpid()}
    with joblib.parallel_config(backend="loky", n_jobs=2):
        out = list(parallel.run_tasks(_pid_and_threads, range(6)))
    assert os.getpid() not in {pid for _, pid, _ in out}


def test_loky_one_and_two_workers_give_identical_rows(small_panel, sequential):
    two = _run(small_panel, workers=2)
    explicit = _run(small_panel, workers=2, engine="loky")
    assert len(sequential) == 3 * 2 * 8 * 12
    pd.testing.assert_frame_equal(sequential, two)
    assert sequential.to_csv(index=False) == explicit.to_csv(index=False)


def test_errors_name_the_bad_option():
    with pytest.raises(rf.EngineError, match="engine 'spark' is not known"):
        list(parallel.run_tasks(_square, [1], engine="spark"))
    with pytest.raises(rf.EngineError, match="needs engine='dask'"):
        list(parallel.run_tasks(_square, [1], engine="loky", scheduler="tcp://x:1"))
    with pytest.raises(rf.EngineError, match="workers=0"):
        list(parallel.run_tasks(_square, [1], workers=0))


def test_missing_dask_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(rf.EngineError, match=r"relforecast\[dask\]"):
        list(parallel.run_tasks(_square, [1, 2], engine="dask"))


@pytest.fixture(scope="module")
def distributed():
    return pytest.importorskip("distributed", reason="Dask distributed is not installed")


@pytest.fixture(scope="module")
def cluster(distributed):
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield local


def test_dask_local_cluster_gives_identical_rows(small_panel, sequential, cluster, distributed):
    by_address = _run(small_panel, engine="dask", scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(sequential, by_address)
    # the session's open client, and joblib's own dask backend, reach the same cluster
    with distributed.Client(cluster) as client:
        workers = set(client.scheduler_info()["workers"])
        assert len(workers) == 2
        by_client = _run(small_panel, engine="dask")
        with joblib.parallel_config(backend="dask"):
            by_config = _run(small_panel)
    assert sequential.to_csv(index=False) == by_client.to_csv(index=False)
    assert sequential.to_csv(index=False) == by_config.to_csv(index=False)


def test_unreachable_scheduler_is_a_clear_error(monkeypatch, distributed):
    monkeypatch.setattr(parallel, "SCHEDULER_TIMEOUT", "1s")
    with pytest.raises(rf.EngineError, match="cannot reach the Dask scheduler"):
        list(parallel.run_tasks(_square, [1], scheduler="tcp://127.0.0.1:9"))


@pytest.fixture
def fake_server():
    """A local TCP server that answers every connection with ``reply`` (or stays silent)."""
    import socket
    import threading

    servers = []

    def start(reply: bytes | None) -> str:
        sock = socket.create_server(("127.0.0.1", 0))
        servers.append(sock)

        def serve() -> None:
            while True:
                try:
                    conn, _ = sock.accept()
                except OSError:
                    return
                if reply is not None:
                    conn.sendall(reply)
                servers.append(conn)

        threading.Thread(target=serve, daemon=True).start()
        return f"tcp://127.0.0.1:{sock.getsockname()[1]}"

    yield start
    for sock in servers:
        sock.close()


def test_an_address_that_is_not_a_dask_scheduler_fails_fast_in_one_line(
    monkeypatch, distributed, fake_server
):
    """A web server (silent until asked) and a text protocol are refused within the probe's
    wait, before Dask would hang or read text as an exabyte frame; so is a missing port."""
    monkeypatch.setattr(parallel, "PROBE_SECONDS", 0.5)
    silent = fake_server(None)
    with pytest.raises(rf.EngineError, match="does not answer as a Dask scheduler"):
        list(parallel.run_tasks(_square, [1], scheduler=silent))
    text = fake_server(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    with pytest.raises(rf.EngineError, match=r"is not a Dask scheduler .*HTTP/1\.1 400"):
        list(parallel.run_tasks(_square, [1], scheduler=text))
    with pytest.raises(rf.EngineError, match=r"is not a Dask address.*tcp://HOST:PORT"):
        list(parallel.run_tasks(_square, [1], scheduler="localhost"))


def test_cli_engine_dask_starts_a_local_cluster_with_the_same_rows(
    small_panel, tmp_path, capsys, distributed
):
    from relforecast.cli.main import main
    from tests.panels import write_long_csv

    data = write_long_csv(small_panel, tmp_path / "scores.csv")
    common = ["backtest", str(data), "--dyad", "all", "--origins", "2010-01:2011-12"]
    common += ["--every", "3", "--model", "rw-boot", "--paths", "300", "--refit-every", "4"]
    assert main([*common, "--workers", "1", "--out", str(tmp_path / "one.csv")]) == 0
    with pytest.raises(ValueError):
        distributed.default_client()  # no client open: the command starts its own cluster
    assert main([*common, "--engine", "dask", "--out", str(tmp_path / "dask.csv")]) == 0
    err = capsys.readouterr().err
    assert "distributed" not in err  # the cluster's log chatter is silenced
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "dask.csv").read_bytes()


def test_sigterm_stops_the_worker_processes_and_says_terminated(tmp_path):
    """A plain `kill` of a parallel backtest unwinds like Ctrl-C: the loky workers go with it
    (none outlives it holding its stdout open), no CSV is written, the store's
    finished blocks are said to be kept, exit code 143."""
    import signal
    import subprocess
    import time

    psutil = pytest.importorskip("psutil", reason="psutil lists the child processes")
    from tests.panels import write_long_csv

    data = write_long_csv(random_walk_panel(n_series=4, months=300, seed=9), tmp_path / "p.csv")
    out = tmp_path / "bt.csv"
    command = [sys.executable, "-c", "from relforecast.cli.main import run; run()", "backtest"]
    args = [str(data), "--dyad", "all", "--model", "markov", "--origins", "2000-01:2024-06"]
    proc = subprocess.Popen(
        [*command, *args, "--every", "1", "--workers", "2", "--out", str(out), "--store", "bt"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    while len(parent.children(recursive=True)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    workers = parent.children(recursive=True)
    assert len(workers) >= 2, "the backtest never started its workers"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)  # returns only when nothing holds stdout/stderr open
    assert proc.returncode == 143, err
    lines = err.decode().strip().splitlines()
    assert lines[-1] == "relforecast: terminated"
    assert "relforecast: the finished blocks are kept in bt; rerun the same command" in err.decode()
    _, alive = psutil.wait_procs(workers, timeout=20)
    assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]
    assert not out.exists()


def _pid_and_filters(_: object) -> tuple[int, int]:
    import warnings

    warnings.simplefilter("ignore")  # changes this process's filters only
    return os.getpid(), len(warnings.filters)


def test_worker_process_runs_beside_the_caller_in_another_process():
    """The side job runs in its own process: its warning filters are not the caller's."""
    import warnings

    before = list(warnings.filters)
    with parallel.worker_process() as side:
        pid, _ = side.submit(_pid_and_filters, None).result(timeout=120)
    assert pid != os.getpid()
    assert warnings.filters == before


def test_worker_process_is_killed_when_the_block_raises():
    import time

    with pytest.raises(RuntimeError, match="caller failed"):
        with parallel.worker_process() as side:
            pending = side.submit(time.sleep, 60)
            pending.running() or time.sleep(1)  # the worker has started
            worker_pids = list(side._processes)
            assert worker_pids
            raise RuntimeError("caller failed")
    assert pending.cancelled() or pending.done() or pending.exception(timeout=30) is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(p) for p in worker_pids):
        time.sleep(0.2)
    assert not any(_alive(p) for p in worker_pids)


def _write_at_exit(path: str, delay: float) -> int:
    """Sleep ``delay`` seconds; the worker writes ``path`` when its interpreter winds down."""
    import atexit
    import time

    atexit.register(lambda: open(path, "w").close())
    time.sleep(delay)
    return os.getpid()


def test_worker_process_finishes_a_pending_call_and_winds_down(tmp_path):
    # a call still running when the block ends is waited for: the worker ends normally
    with parallel.worker_process() as side:
        pending = side.submit(_write_at_exit, str(tmp_path / "pending"), 2.0)
    assert pending.result(timeout=0) > 0
    assert (tmp_path / "pending").exists()
    # every call returned: the worker still winds its interpreter down (its exit handlers run)
    with parallel.worker_process() as side:
        pid = side.submit(_write_at_exit, str(tmp_path / "idle"), 0.0).result(timeout=120)
    assert not _alive(pid)
    assert (tmp_path / "idle").exists()


_NESTED_POOL = """
import joblib
from relforecast.panel import parallel

def square_all(n):
    return sum(joblib.Parallel(n_jobs=2)(joblib.delayed(pow)(i, 2) for i in range(n)))

if __name__ == "__main__":
    with parallel.worker_process() as side:
        print(side.submit(square_all, 50).result())
"""


def test_a_worker_that_ran_its_own_process_pool_leaves_nothing_behind(tmp_path):
    """A worker that ran a joblib pool (a backtest) releases its semaphores and folders: no
    'leaked' warning from the resource tracker reaches the user."""
    script = tmp_path / "nested.py"
    script.write_text(_NESTED_POOL)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=True
    )
    assert done.stdout.strip() == str(sum(i * i for i in range(50)))
    assert "leaked" not in done.stderr, done.stderr


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
