"""Random streams keyed by what a task is, never by where or in which order it runs.

Every (dyad, model, origin) of a backtest, a panel forecast or a record backfill draws from its
own stream, so a run gives the same numbers whatever the order, subset or split of its tasks,
the number of workers or the engine.
"""

from __future__ import annotations

import hashlib

import numpy as np

from relforecast.exceptions import ForecastError
from relforecast.periods import to_month

__all__ = ["origin_stream"]


def origin_stream(seed: int, dyad: object, model: object, origin: object) -> np.random.Generator:
    """The random stream of one (dyad, model, origin): a function of these and the seed alone.

    The dyad's name, the model's label and the origin month (``YYYY-MM``) are hashed
    (BLAKE2b, 128 bits) into four 32-bit words that join the seed in the stream's
    :class:`numpy.random.SeedSequence`. Nothing about the run enters — not the position of the
    dyad in the input, the other dyads, the number of workers or the engine — so every
    (dyad, model, origin) draws the same numbers however a run is ordered, subset or split.

    Parameters
    ----------
    seed : int
        The run's seed (``rng`` of :func:`relforecast.backtest`), a non-negative integer.
    dyad : object
        Dyad name, as it appears in the data (``str(dyad)`` is hashed).
    model : object
        Model label (``"auto"``, ``"rw-gauss"``, or a specification's ``name``).
    origin : Period or str
        Last month the model saw.

    Returns
    -------
    numpy.random.Generator
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ForecastError(f"seed {seed!r} must be a non-negative integer; pass e.g. rng=0")
    month = str(to_month(origin, "origin", error=ForecastError))
    text = "\x1f".join((str(dyad), str(model), month)).encode("utf-8")
    words = np.frombuffer(hashlib.blake2b(text, digest_size=16).digest(), dtype="<u4")
    return np.random.default_rng([int(seed), *(int(w) for w in words)])
