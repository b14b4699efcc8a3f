"""Shared type aliases and option names (``Literal`` types) used across the package."""

from __future__ import annotations

from os import PathLike
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

RNGLike: TypeAlias = np.random.Generator | int | None
PathOrFrame: TypeAlias = str | PathLike | pd.DataFrame | pd.Series
PeriodLike: TypeAlias = str | pd.Period | pd.Timestamp

ShockKind = Literal["leader_change", "tariff", "election", "custom"]
ShockShape = Literal["pulse", "step", "decay", "ramp"]
FillMethod = Literal["ffill", "interpolate"]
OutputFormat = Literal["table", "json", "csv"]

SHOCK_KINDS: tuple[str, ...] = ("leader_change", "tariff", "election", "custom")
SHOCK_SHAPES: tuple[str, ...] = ("pulse", "step", "decay", "ramp")


def as_generator(rng: RNGLike) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from a generator, a seed or ``None``.

    Never touches NumPy's global random state.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, int | np.integer):
        return np.random.default_rng(rng)
    raise TypeError(
        f"rng must be a numpy Generator, an int seed or None, got {type(rng).__name__}; "
        "pass e.g. rng=0 or rng=np.random.default_rng(0)"
    )
