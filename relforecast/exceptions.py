"""The library's own exception hierarchy.

Every error raised on purpose by relforecast derives from :class:`RelforecastError`, so a
script can catch them all in one place. The messages name the bad value and say how to fix it.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "EngineError",
    "FitError",
    "ForecastError",
    "RecordError",
    "RelforecastError",
    "ScaleError",
    "ShockError",
    "StoreError",
]


class RelforecastError(Exception):
    """Base class of every error relforecast raises on purpose."""


class DataError(RelforecastError, ValueError):
    """The input series or table is unusable (missing months, bad dates, out-of-scale values...)."""


class ScaleError(RelforecastError, ValueError):
    """A scale was built with inconsistent bounds, cut points or names."""


class ShockError(RelforecastError, ValueError):
    """A shock or shock calendar is malformed (unknown kind or shape, bad date or rate)."""


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
