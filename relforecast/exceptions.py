"""The library's own exceptions and warning categories, in one place.

Every error raised on purpose by relforecast derives from :class:`RelforecastError`, so a
script can catch them all in one place. The messages name the bad value and say how to fix it.
Errors about a bad *value* (data, an option, a question) are also ``ValueError``; errors about
a computation that failed on valid input (an estimation) are ``RuntimeError``.

Warnings (:class:`RelforecastWarning` and its subclasses) say something the user should know
that does not stop the work.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = [
    "DataError",
    "EngineError",
    "FitError",
    "ForecastError",
    "RecordError",
    "RelforecastError",
    "RelforecastWarning",
    "ScaleError",
    "ShockError",
    "SpecError",
    "StoreError",
    "Terminated",
]


class RelforecastError(Exception):
    """Base class of every error relforecast raises on purpose."""


class RelforecastWarning(UserWarning):
    """Something the user should know that does not stop the work."""


class DataError(RelforecastError, ValueError):
    """The input series or table is unusable (missing months, bad dates, out-of-scale values...)."""


class ScaleError(RelforecastError, ValueError):
    """A scale was built with inconsistent bounds, cut points or names."""


class ShockError(RelforecastError, ValueError):
    """A shock or shock calendar is malformed (unknown kind or shape, bad date or rate)."""


class SpecError(RelforecastError, ValueError):
    """A model specification or an option has an impossible value: an unknown model name or
    order, a negative window, a seed that is not a seed, a month option that is not a month."""


class FitError(RelforecastError, RuntimeError):
    """A model could not be estimated on the data it was given."""


class ForecastError(RelforecastError, ValueError):
    """A forecast was asked for with impossible arguments (horizon, paths, thresholds...)."""


class RecordError(RelforecastError):
    """The forecast record cannot be used: missing, corrupt, not a record, or from a newer
    schema. Nothing is written to a record that raised this on opening."""


class EngineError(RelforecastError, RuntimeError):
    """Parallel work could not be set up: bad worker options, Dask missing or unreachable."""


class StoreError(RelforecastError, RuntimeError):
    """A result store cannot be used: pyarrow missing, settings that differ from the store's."""


class Terminated(KeyboardInterrupt):
    """The process was sent SIGTERM. Raised by relforecast's handler (the command line's, and an
    output folder's while it is written) so that it unwinds like Ctrl-C: worker pools shut
    down, temporary files go, nothing half-written is left behind."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


@contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` (in the main thread; elsewhere a
    handler cannot be set and nothing changes); the previous handler is restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
