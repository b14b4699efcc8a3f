"""Shared type aliases, option names (``Literal`` types) and the reading of random sources."""

from __future__ import annotations

from os import PathLike
from typing import Literal, TypeAlias, get_args

import numpy as np
import pandas as pd

from relforecast.exceptions import SpecError

RNGLike: TypeAlias = np.random.Generator | int | None
PathOrFrame: TypeAlias = str | PathLike | pd.DataFrame | pd.Series
PeriodLike: TypeAlias = str | pd.Period | pd.Timestamp

ShockKind = Literal["leader_change", "tariff", "election", "custom"]
ShockShape = Literal["pulse", "step", "decay", "ramp"]
FillMethod = Literal["ffill", "interpolate"]

SHOCK_KINDS: tuple[str, ...] = get_args(ShockKind)
SHOCK_SHAPES: tuple[str, ...] = get_args(ShockShape)

_RNG_HELP = "pass an int seed >= 0 (e.g. rng=0), a numpy Generator or None (fresh entropy)"


def distinct(items: list, what: str, *, error: type[Exception] = SpecError, key=None) -> list:
    """``items`` unchanged when no two of them are the same (compared by ``key``); otherwise
    ``error`` naming the repeats. The one rule for every list an option takes (models,
    thresholds, dyads, anchors): the same thing asked twice is refused, because it would be
    computed and written twice, and counted twice when scored."""
    keys = [item if key is None else key(item) for item in items]
    repeats = [k for i, k in enumerate(keys) if k in keys[:i]]
    if repeats:
        shown = ", ".join(dict.fromkeys(str(k) for k in repeats))
        raise error(f"{what} {shown} given more than once; give each once")
    return items


def _is_seed(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def as_generator(rng: RNGLike, option: str = "rng") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from a generator, a seed or ``None``.

    Never touches NumPy's global random state.

    Parameters
    ----------
    rng : Generator, int or None
        A generator is returned as it is; an int ``>= 0`` seeds a new one; ``None`` draws fresh
        entropy from the operating system.
    option : str, default "rng"
        Name of the option, for the message.

    Raises
    ------
    SpecError
        For anything else (a negative or fractional number, text, a bool...), naming the option.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if _is_seed(rng):
        if rng < 0:
            raise SpecError(f"{option}={rng!r} is a negative seed; {_RNG_HELP}")
        return np.random.default_rng(int(rng))
    raise SpecError(f"{option}={rng!r} is not a random source; {_RNG_HELP}")


def as_number(value: object) -> float | None:
    """``value`` as a float — a real number or numeric text such as ``"0.5"`` — or ``None``
    when it is not a number (other text, a bool, ``None``, a list...). ``NaN`` and infinities
    are returned as they are: callers that need a finite number check."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def as_seed(rng: RNGLike, option: str = "rng") -> int:
    """An int seed ``>= 0`` from a seed, a generator (one draw) or ``None`` (fresh entropy).

    For functions that derive many independent streams from one seed (a backtest keys a
    stream by seed, dyad and origin).

    Raises
    ------
    SpecError
        As :func:`as_generator`.
    """
    if _is_seed(rng) and rng >= 0:
        return int(rng)
    if rng is None:
        return int(np.random.SeedSequence().entropy)
    return int(as_generator(rng, option).integers(2**63))


def month_words(month: pd.Period, offset: int = 0) -> list[int]:
    """Seed words of a month: ``month.ordinal + offset`` (months since 1970-01, shifted), which
    a :class:`numpy.random.SeedSequence` takes when it is not negative; a negative one (an
    earlier month) gives its magnitude and a second word 1, so that it is a seed too and no
    month shares the words of another."""
    value = int(month.ordinal) + int(offset)
    return [value] if value >= 0 else [-value, 1]
