"""The models' matrix work runs on one BLAS thread.

The state-space filters (ARIMA) and the Hamilton filter (regime switching) do many products of
matrices a few rows wide. A multi-threaded BLAS gains nothing on those and loses much: its
threads synchronise on every product, and when the cores are busy (other processes, or the
workers of a panel run) each product waits for threads to be scheduled — on a loaded two-core
machine a SARIMAX log-likelihood took 20 ms with OpenBLAS's default threads against 0.7 ms
with one. The estimation and filtering calls are therefore wrapped in
:func:`one_blas_thread` (``threadpoolctl``), and the command line runs with one BLAS thread
throughout. Worker processes of :mod:`relforecast.panel.parallel` are capped the same way, so a
result does not depend on where it was computed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import wraps
from typing import ParamSpec, TypeVar

from threadpoolctl import ThreadpoolController

__all__ = ["one_blas_thread", "single_blas_thread"]

P = ParamSpec("P")
R = TypeVar("R")

_controller: ThreadpoolController | None = None


def single_blas_thread() -> AbstractContextManager[object]:
    """A context in which BLAS libraries use one thread (restored on exit).

    The libraries are found once, at the first call (by then numpy's and scipy's BLAS are
    loaded: the models import them), instead of on every call (0.01 ms instead of 0.3 ms a
    call; the pool's replays make hundreds).
    """
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")


def one_blas_thread(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate ``func`` to run with one BLAS thread."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with single_blas_thread():
            return func(*args, **kwargs)

    return wrapper
