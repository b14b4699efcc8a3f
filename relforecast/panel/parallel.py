"""One execution layer for work spread over dyads: joblib (loky by default) or Dask.

Backtests and panel forecasts cut their work into independent tasks (a block of origins of one
dyad, or one dyad's forecast) and hand them to :func:`run_tasks`, which runs them

* in this process when one worker is asked for (no start-up cost, ordinary tracebacks);
* on **loky** processes (joblib's default backend) with ``workers > 1``; each worker's BLAS and
  OpenMP pools are capped at ``threads`` threads (default 1), because the models do many small
  matrix operations that gain nothing from threads and several processes each spawning a
  thread per core would fight over the cores;
* on a **Dask distributed** cluster with ``engine="dask"``: the scheduler at ``scheduler``
  (an address such as ``tcp://10.0.0.5:8786``), else the Dask client already open in the
  session, else a ``LocalCluster`` of ``workers`` single-threaded processes started for the
  call and closed after it. Dask is imported only then (``pip install "relforecast[dask]"``).
  Dask's worker processes already cap BLAS/OpenMP at one thread (its ``pre-spawn-environ``);
* on whatever backend the caller configured with ``joblib.parallel_config(backend=...)``
  (``"dask"`` with an open client, ``"ray"`` after ``ray.util.joblib.register_ray()``,
  ``"threading"``...) when ``engine`` is left at ``None``.

Loky workers die with their parent: each runs a watchdog thread (:func:`watch_parent`, the
pool's initializer) that ends the worker as soon as the process that started it is gone, so a
``kill -9`` of a backtest, an outlook or a backfill leaves no worker behind, and with the
workers gone loky's resource tracker removes the pool's semaphores and memory-mapped folders
(in ``/dev/shm``). The worker processes of a ``LocalCluster`` started here die with their
parent by Dask's own mechanism: each is spawned holding one end of a pipe whose other end only
the parent holds, and a thread in the worker ends it when that pipe closes (which a ``kill -9``
of the parent does); multiprocessing's resource tracker ends on the same signal. A cluster
reached at ``scheduler`` is not this process's to stop. An ordinary end, an error, Ctrl-C or
SIGTERM shut the pool down as before.

Results come back **in task order**, as a generator, whatever the engine and whichever task
finished first, so a caller can write them out as they arrive and still produce the same
output. Randomness never depends on the engine: each task carries its own seed material
(see :func:`relforecast.panel.streams.origin_stream`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from relforecast.exceptions import EngineError

__all__ = ["ENGINES", "Engine", "Execution", "run_tasks", "watch_parent", "worker_process"]

T = TypeVar("T")
R = TypeVar("R")

Engine = Literal["loky", "dask"]
ENGINES: tuple[str, ...] = ("loky", "dask")
SCHEDULER_TIMEOUT = "20s"
PROBE_SECONDS = 10.0
"""How long to try reaching a Dask scheduler before giving up."""
PARENT_POLL_SECONDS = 0.25
"""How often a loky worker checks that the process that started it is still there."""


_WATCH = """
import os, threading, time
def _watch():
    while os.getppid() == {parent}:
        time.sleep({poll})
    os._exit(1)
if os.getppid() != {parent}:
    os._exit(1)
threading.Thread(target=_watch, name="relforecast-parent-watch", daemon=True).start()
"""


def watch_parent(parent: int) -> tuple[object, tuple[str, dict]]:
    """The initializer (and its arguments) that makes a loky worker die with ``parent``.

    It starts a daemon thread that ends the worker (``os._exit``: nothing of the dead run is
    worth finishing) as soon as its parent id is no longer ``parent``: a worker orphaned by a
    ``kill -9`` of the main process is re-parented (to init or a subreaper). The initializer
    is the builtin ``exec`` of a few lines of standard-library code, so that a worker unpickles
    and runs it before it imports relforecast (which takes seconds on a loaded machine): a
    worker whose parent dies while it is starting ends as soon as it gets there. (When the
    main program is the ``relforecast`` script, loky imports it in each worker first.)
    """
    code = _WATCH.format(parent=int(parent), poll=PARENT_POLL_SECONDS)
    return exec, (code, {})


def _check(workers: int | None, engine: str | None, scheduler: str | None, threads: int) -> None:
    if workers is not None and (
        isinstance(workers, bool) or int(workers) != workers or workers < 1
    ):
        raise EngineError(f"workers={workers!r} must be a whole number >= 1 (or None)")
    if engine is not None and engine not in ENGINES:
        raise EngineError(f"engine {engine!r} is not known; use one of {', '.join(ENGINES)}")
    if scheduler is not None and engine not in (None, "dask"):
        raise EngineError(
            f"scheduler={scheduler!r} is a Dask scheduler address; it needs engine='dask' "
            f"(got engine={engine!r})"
        )
    if int(threads) != threads or threads < 1:
        raise EngineError(f"threads={threads!r} must be a whole number >= 1")


@dataclass(frozen=True)
class Execution:
    """Where tasks run: the options of :func:`run_tasks` as one value, checked when made.

    The results never depend on it (every task carries its own seed material).

    Attributes
    ----------
    workers : int, optional
        Processes (see :func:`run_tasks`); ``None``: the ``n_jobs`` of an active
        ``joblib.parallel_config``, else 1.
    engine : {"loky", "dask"}, optional
        ``None`` follows ``joblib.parallel_config`` (loky when nothing is configured).
    scheduler : str, optional
        Address of a Dask scheduler (implies ``engine="dask"``).
    """

    workers: int | None = None
    engine: Engine | None = None
    scheduler: str | None = None

    def __post_init__(self) -> None:
        _check(self.workers, self.engine, self.scheduler, 1)

    def options(self) -> dict[str, Any]:
        """The keyword arguments of :func:`run_tasks`."""
        return {"workers": self.workers, "engine": self.engine, "scheduler": self.scheduler}


def run_tasks(
    func: Callable[[T], R],
    tasks: Sequence[T],
    *,
    workers: int | None = None,
    engine: Engine | None = None,
    scheduler: str | None = None,
    threads: int = 1,
) -> Iterator[R]:
    """Run ``func`` on every task; yield the results in task order.

    Parameters
    ----------
    func : callable
        A module-level function (it is pickled by reference to reach other processes).
    tasks : sequence
        Its arguments, one per call; each must be picklable.
    workers : int, optional
        Processes to use. ``None``: the ``n_jobs`` of an active ``joblib.parallel_config``,
        else 1 (this process); with ``engine="dask"`` the size of the ``LocalCluster`` started
        when there is no scheduler or open client (default: the machine's cores), and the
        cluster's every worker otherwise.
    engine : {"loky", "dask"}, optional
        ``None`` follows ``joblib.parallel_config`` (loky when nothing is configured).
    scheduler : str, optional
        Address of a Dask scheduler (implies ``engine="dask"``).
    threads : int, default 1
        BLAS/OpenMP threads per loky worker (and per worker of a ``LocalCluster`` started here).

    Yields
    ------
    The results, in the order of ``tasks``.

    Raises
    ------
    EngineError
        Bad options, Dask not installed, or a scheduler that cannot be reached.
    """
    _check(workers, engine, scheduler, threads)
    if scheduler is not None:
        engine = "dask"
    tasks = list(tasks)
    if engine == "dask":
        yield from _run_dask(func, tasks, workers, scheduler, threads)
        return
    import joblib
    from joblib._parallel_backends import LokyBackend

    backend, configured_jobs = joblib.parallel.get_active_backend()
    plain_loky = type(backend) is LokyBackend and backend.inner_max_num_threads is None
    if engine == "loky" or plain_loky:
        n_jobs = workers if workers is not None else (configured_jobs or 1)
        if n_jobs == 1 or len(tasks) <= 1:
            yield from map(func, tasks)
            return
        initializer, initargs = watch_parent(os.getpid())
        with joblib.parallel_config(
            backend="loky",
            inner_max_num_threads=int(threads),
            initializer=initializer,
            initargs=initargs,
        ):
            yield from _joblib_map(func, tasks, n_jobs)
        return
    # a backend the caller configured with joblib.parallel_config: honour it as it is
    yield from _joblib_map(func, tasks, workers)


def _joblib_map(func: Callable[[T], R], tasks: Iterable[T], n_jobs: int | None) -> Iterator[R]:
    import joblib

    parallel = joblib.Parallel(n_jobs=n_jobs, return_as="generator")
    yield from parallel(joblib.delayed(func)(task) for task in tasks)


def _run_dask(
    func: Callable[[T], R],
    tasks: list[T],
    workers: int | None,
    scheduler: str | None,
    threads: int,
) -> Iterator[R]:
    import joblib

    with ExitStack() as stack:
        client = stack.enter_context(dask_client(scheduler, workers, threads))
        stack.enter_context(joblib.parallel_config(backend="dask", client=client))
        yield from _joblib_map(func, tasks, -1)


def _probe_scheduler(scheduler: str, wait: float | None = None) -> None:
    """Refuse, in one clear line and within ``wait`` seconds, an address that is not a Dask
    scheduler's TCP port.

    A Dask scheduler speaks first: on every new TCP connection it sends its binary handshake
    at once. A web server (such as the scheduler's own dashboard) waits for a request, which
    would leave a Dask client waiting for ever, and other services answer in text, which Dask
    would read as a frame length of exabytes. Only ``tcp://`` (or scheme-less) addresses are
    probed; TLS and other transports are left to Dask.
    """
    import socket

    from distributed.comm import parse_address, parse_host_port

    wait = PROBE_SECONDS if wait is None else wait

    try:
        scheme, location = parse_address(scheduler)
        host, port = parse_host_port(location)
    except (ValueError, TypeError) as exc:
        raise EngineError(
            f"--scheduler {scheduler!r} is not a Dask address ({exc}); give it as "
            "tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786"
        ) from exc
    if scheme != "tcp":
        return
    fix = "check the address and that `dask scheduler` is running there"
    try:
        sock = socket.create_connection((host, port), timeout=wait)
    except OSError as exc:  # refused, unreachable, or no answer within ``wait``
        reason = exc.strerror or f"no answer within {wait:g} s"
        raise EngineError(
            f"cannot reach the Dask scheduler at {scheduler!r} ({reason}); {fix}"
        ) from exc
    with sock:
        sock.settimeout(wait)
        try:
            first = sock.recv(16)
        except TimeoutError as exc:
            raise EngineError(
                f"{scheduler!r} does not answer as a Dask scheduler (connected, but nothing "
                f"received within {wait:g} s: a web server such as the dashboard?); {fix} — "
                "the scheduler's port is 8786 unless it was started with another"
            ) from exc
        except OSError as exc:
            raise EngineError(
                f"{scheduler!r} closed the connection ({exc.strerror or exc}); {fix}"
            ) from exc
    if not first or all(32 <= b < 127 or b in (9, 10, 13) for b in first[:8]):
        said = first[:24].decode("ascii", "replace").strip() or "closed the connection"
        raise EngineError(f"{scheduler!r} is not a Dask scheduler (it answered {said!r}); {fix}")


@contextmanager
def dask_client(
    scheduler: str | None = None, workers: int | None = None, threads: int = 1
) -> Iterator[Any]:
    """A Dask ``Client``: connected to ``scheduler``, the session's open one, or a new
    ``LocalCluster`` of ``workers`` processes; the ones opened here are closed on exit."""
    try:
        import distributed
    except ImportError as exc:
        raise EngineError(
            'engine="dask" needs Dask distributed; install it with '
            "pip install 'relforecast[dask]'"
        ) from exc
    if scheduler is not None:
        _probe_scheduler(scheduler)
        try:
            client = distributed.Client(scheduler, set_as_default=False, timeout=SCHEDULER_TIMEOUT)
        except Exception as exc:  # a wrong peer can fail in many ways: name them all once
            raise EngineError(
                f"cannot reach the Dask scheduler at {scheduler!r} ({type(exc).__name__}: "
                f"{exc}); check the address and that `dask scheduler` is running there"
            ) from exc
        with client:
            yield client
        return
    try:
        existing = distributed.default_client()
    except ValueError:  # no client open in this session: start a local cluster for the call
        existing = None
    if existing is not None:
        yield existing
        return
    n = int(workers) if workers is not None else (os.cpu_count() or 1)
    with (
        distributed.LocalCluster(
            n_workers=n,
            threads_per_worker=int(threads),
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,  # its start/stop chatter is not for the user
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        yield client


_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@contextmanager
def worker_process(threads: int = 1) -> Iterator[Executor]:
    """One worker process for a job that runs beside the caller's own work.

    Yields an executor whose ``submit(func, *args, **kwargs)`` runs the call in a separate loky
    process while the caller goes on (the outlook fits and simulates while its track-record
    backtest runs). A process, not a thread: the two never share warning filters, the GIL or
    BLAS thread pools. The process is the executor's own — not joblib's shared one, which a
    ``run_tasks`` call of the caller may resize — and leaves with the block: after the pending
    call on a normal exit (the worker winds down, releasing what its own process pools hold),
    at once (killed) when the block raises.

    Parameters
    ----------
    threads : int, default 1
        BLAS/OpenMP threads of the worker.
    """
    _check(None, None, None, threads)
    from joblib.externals.loky.process_executor import ProcessPoolExecutor

    env = {name: str(int(threads)) for name in _THREAD_VARIABLES}
    initializer, initargs = watch_parent(os.getpid())
    executor = ProcessPoolExecutor(
        max_workers=1, env=env, initializer=initializer, initargs=initargs
    )
    try:
        yield executor
    except BaseException:
        executor.shutdown(wait=False, kill_workers=True)
        raise
    executor.shutdown(wait=True)
