"""Bounded ordinal scales: bounds, levels, resolution and the bounded transform.

The Tsinghua scale runs from -9 to 9 at 0.1 resolution with six levels. Forecast paths are
kept inside the bounds by modelling a transformed series and mapping simulated values back:

    z = m + h * atanh((y - m) / h),    y = m + h * tanh((z - m) / h)

with centre ``m`` and half-width ``h`` of the scale. The transform is the identity to first
order at the centre and compresses movements near the ends (a change of 0.1 in ``z`` near
-6 is a change of about 0.055 in ``y``), the same damping near the ends that the scale's
publishers apply. An observed value *on* a bound would map to infinity, so it is read as half
a resolution step inside the bound before transforming (the value is only known to 0.1).

A scale has a *grid* when its scores are published in steps (``resolution``, 0.1 on the Tsinghua
scale): loaded values must lie on it (:meth:`Scale.off_grid`), and models that publish in steps
(:class:`~relforecast.models.sticky.Sticky`) use it. A bounded *continuous* score, such as an
event-data index bounded to -10 ... 10, is a scale without a grid (``resolution=None``): values
anywhere between the bounds, no rounding; a value on a bound is read as half a per cent of the
half-width inside it before transforming. :func:`parse_scale` reads the command-line forms
``tsinghua``, ``none``, ``LO:HI`` and ``LO:HI:STEP``.

A series without bounds (``scale=None`` in a model or a forecast) is on
:data:`UNBOUNDED_SCALE`, an :class:`UnboundedScale`: the same interface with the identity
transform (slope 1), every finite value inside, no rounding, no levels and no critical point.
Models and forecasts read ``scale=None`` as this scale once, when they are built
(:func:`as_scale`), so every model transforms and back-transforms its series the same way; the
few questions that need a bounded scale (levels, a default threshold, publication in steps of
the resolution) ask :attr:`Scale.bounded`, :attr:`Scale.levels` or :attr:`Scale.critical`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from relforecast.exceptions import ScaleError

__all__ = [
    "TSINGHUA_SCALE",
    "UNBOUNDED_SCALE",
    "Level",
    "Scale",
    "UnboundedScale",
    "as_scale",
    "parse_scale",
    "scale_form",
]


@dataclass(frozen=True)
class Level:
    """One level of a scale: the half-open interval ``[lower, upper)``.

    The top level of a scale is closed on both sides.
    """

    name: str
    lower: float
    upper: float
    name_zh: str | None = None

    def label(self, lang: str = "en") -> str:
        """Return the level's name in ``"en"`` or ``"zh"`` (English if no Chinese name)."""
        return self.name_zh if lang == "zh" and self.name_zh else self.name


@dataclass(frozen=True)
class Scale:
    """A bounded score scale cut into named levels.

    Parameters
    ----------
    lower, upper : float
        Bounds of the scale; every score lies in ``[lower, upper]``.
    cuts : sequence of float
        Interior cut points, increasing. ``len(cuts) + 1`` levels result; a value equal to a
        cut point belongs to the level above it.
    names : sequence of str
        One English name per level, from the bottom up.
    names_zh : sequence of str, optional
        Chinese names, same order.
    resolution : float or None, default 0.1
        Publication resolution of the scores: the step of the scale's grid. ``None``: a
        continuous score with no grid (values anywhere between the bounds, no rounding).
    critical : float, optional
        The scale's critical point (``-6`` on the Tsinghua scale); the default threshold.
    name : str
        A label for the scale.

    Examples
    --------
    >>> s = Scale(0, 10, cuts=[5], names=["low", "high"], resolution=1.0)
    >>> s.level_of(5)
    'high'
    """

    lower: float
    upper: float
    cuts: Sequence[float]
    names: Sequence[str]
    names_zh: Sequence[str] | None = None
    resolution: float | None = 0.1
    critical: float | None = None
    name: str = "custom"
    _cuts: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lower, upper = float(self.lower), float(self.upper)
        if not (np.isfinite(lower) and np.isfinite(upper) and lower < upper):
            raise ScaleError(
                f"scale bounds must be finite with lower < upper, got lower={self.lower!r}, "
                f"upper={self.upper!r}"
            )
        cuts = np.asarray(list(self.cuts), dtype=float)
        if cuts.size and (np.any(np.diff(cuts) <= 0) or cuts[0] <= lower or cuts[-1] >= upper):
            raise ScaleError(
                f"cut points {list(cuts)} must be strictly increasing and strictly inside "
                f"({lower}, {upper})"
            )
        names = tuple(self.names)
        if len(names) != cuts.size + 1:
            raise ScaleError(
                f"{cuts.size} cut points make {cuts.size + 1} levels but {len(names)} names were "
                "given; pass one name per level, from the bottom up"
            )
        for label, group in (("names", names), ("names_zh", self.names_zh or ())):
            keys = [str(n).strip().lower() for n in group]
            twice = sorted({str(n) for n, k in zip(group, keys, strict=True) if keys.count(k) > 1})
            if twice or any(not k for k in keys):
                raise ScaleError(
                    f"{label} must name each level once, and not by an empty name; got "
                    f"{list(group)}"
                )
        if self.names_zh is not None and len(tuple(self.names_zh)) != len(names):
            raise ScaleError(
                f"names_zh has {len(tuple(self.names_zh))} entries, expected {len(names)}"
            )
        if self.resolution is not None and not (
            isinstance(self.resolution, int | float) and self.resolution > 0
        ):
            raise ScaleError(
                f"resolution must be a positive number (or None: no grid), got {self.resolution!r}"
            )
        if self.critical is not None and not lower <= self.critical <= upper:
            raise ScaleError(f"critical point {self.critical} lies outside [{lower}, {upper}]")
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "upper", upper)
        object.__setattr__(self, "cuts", tuple(float(c) for c in cuts))
        object.__setattr__(self, "names", names)
        if self.names_zh is not None:
            object.__setattr__(self, "names_zh", tuple(self.names_zh))
        object.__setattr__(self, "_cuts", cuts)

    @property
    def bounded(self) -> bool:
        """True: the scores lie between finite bounds (False for :class:`UnboundedScale`)."""
        return True

    # ------------------------------------------------------------------ levels
    @property
    def levels(self) -> tuple[Level, ...]:
        """The levels from the bottom up."""
        edges = [self.lower, *self.cuts, self.upper]
        zh = self.names_zh or (None,) * len(self.names)
        return tuple(
            Level(n, edges[i], edges[i + 1], z)
            for i, (n, z) in enumerate(zip(self.names, zh, strict=False))
        )

    @property
    def named_levels(self) -> bool:
        """Whether the scale is cut into levels worth naming (two or more): the Tsinghua
        scale's six, not the single span of a ``LO:HI`` score, nor an unbounded scale's none.
        Forecast tables, charts and reports name a most likely level only then."""
        return len(self.levels) >= 2

    def level_names(self, lang: str = "en") -> list[str]:
        """Level names from the bottom up, in ``"en"`` or ``"zh"``."""
        return [lv.label(lang) for lv in self.levels]

    def level_index(self, x: float | np.ndarray) -> np.ndarray:
        """Index (0 = lowest level) of the level holding each value.

        A value equal to a cut point belongs to the level above it; the upper bound belongs to
        the top level.
        """
        arr = np.asarray(x, dtype=float)
        self.check(arr)
        return np.searchsorted(self._cuts, arr, side="right")

    def level_of(self, x: float | np.ndarray, lang: str = "en") -> str | np.ndarray:
        """Name of the level holding ``x`` (an array of names for array input).

        Examples
        --------
        >>> from relforecast import TSINGHUA_SCALE
        >>> [TSINGHUA_SCALE.level_of(x) for x in (-5.4, -6.0, -6.1)]
        ['tension', 'tension', 'confrontation']
        """
        idx = self.level_index(x)
        names = np.asarray(self.level_names(lang), dtype=object)
        out = names[idx]
        return str(out) if np.ndim(out) == 0 else out

    # ------------------------------------------------------------------ checks
    def contains(self, x: float | np.ndarray) -> np.ndarray | bool:
        """True where ``x`` lies inside the closed bounds."""
        arr = np.asarray(x, dtype=float)
        out = (arr >= self.lower) & (arr <= self.upper)
        return bool(out) if out.ndim == 0 else out

    def check(self, x: float | np.ndarray) -> None:
        """Raise :class:`ScaleError` naming the first value outside the bounds."""
        arr = np.asarray(x, dtype=float)
        bad = ~((arr >= self.lower) & (arr <= self.upper))
        if np.any(bad):
            first = arr[bad].ravel()[0] if arr.ndim else float(arr)
            raise ScaleError(
                f"value {first} is outside the {self.name} scale [{self.lower}, {self.upper}]; "
                "check the data or use a Scale with wider bounds"
            )

    @property
    def step(self) -> float | None:
        """The step of the scale's grid (its resolution); ``None`` for a continuous score."""
        return None if self.resolution is None else float(self.resolution)

    def off_grid(self, x: float | np.ndarray) -> np.ndarray | bool:
        """True where ``x`` is not a whole number of steps from the lower bound.

        A scale without a grid (``resolution=None``) has every value on it. Values are compared
        with a tolerance of a millionth of a step, so the rounding of a decimal text is not
        counted.
        """
        arr = np.asarray(x, dtype=float)
        if self.step is None:
            out = np.zeros(arr.shape, dtype=bool)
        else:
            steps = (arr - self.lower) / self.step
            out = np.abs(steps - np.round(steps)) > 1e-6
        return bool(out) if out.ndim == 0 else out

    # -------------------------------------------------------------- transform
    @property
    def _edge(self) -> float:
        """How far inside a bound a value on it is read (half a step; without a grid, half a
        per cent of the half-width)."""
        if self.step is None:
            return 0.005 * self.half_width
        return 0.5 * self.step

    @property
    def centre(self) -> float:
        """Midpoint of the bounds."""
        return 0.5 * (self.lower + self.upper)

    @property
    def half_width(self) -> float:
        """Half the distance between the bounds."""
        return 0.5 * (self.upper - self.lower)

    def to_unbounded(self, y: np.ndarray | pd.Series | float) -> np.ndarray | pd.Series | float:
        """Map scores in ``[lower, upper]`` to the real line (scaled atanh).

        Values on a bound are read as half a resolution step inside it (half a per cent of the
        half-width on a scale without a grid).
        """
        arr = np.asarray(y, dtype=float)
        self.check(arr)
        eps = self._edge
        inner = np.clip(arr, self.lower + eps, self.upper - eps)
        z = self.centre + self.half_width * np.arctanh((inner - self.centre) / self.half_width)
        return _like(y, z)

    def from_unbounded(self, z: np.ndarray | pd.Series | float) -> np.ndarray | pd.Series | float:
        """Inverse of :meth:`to_unbounded`: any real value maps inside the bounds."""
        arr = np.asarray(z, dtype=float)
        y = self.centre + self.half_width * np.tanh((arr - self.centre) / self.half_width)
        return _like(z, y)

    def slope(self, y: np.ndarray | float) -> np.ndarray | float:
        """Derivative of :meth:`to_unbounded` at ``y``: transformed units per score point."""
        eps = self._edge
        inner = np.clip(np.asarray(y, dtype=float), self.lower + eps, self.upper - eps)
        u = (inner - self.centre) / self.half_width
        out = 1.0 / (1.0 - u * u)
        return float(out) if out.ndim == 0 else out

    def round(self, y: np.ndarray | float) -> np.ndarray | float:
        """Round to the scale's resolution (how scores are published); unchanged floats on a
        scale without a grid."""
        if self.step is None:
            arr = np.asarray(y, dtype=float)
            return float(arr) if arr.ndim == 0 else arr
        steps = np.round(np.asarray(y, dtype=float) / self.resolution)
        decimals = max(0, int(np.ceil(-np.log10(self.resolution))) + 1)
        arr = np.round(steps * self.resolution, decimals)
        return float(arr) if arr.ndim == 0 else arr


@dataclass(frozen=True, repr=False)
class UnboundedScale(Scale):
    """The scale of a series without bounds: the identity transform, no levels.

    It has the interface of :class:`Scale`, so a model transforms and back-transforms every
    series the same way: :meth:`to_unbounded` and :meth:`from_unbounded` return the values
    unchanged (as floats), :meth:`slope` is 1, every finite value is inside, :meth:`round`
    leaves values as they are, and there are no levels, no critical point and no resolution
    (``resolution`` is None). Use the one instance, :data:`UNBOUNDED_SCALE`; ``scale=None``
    given to a model or a forecast means it.

    Examples
    --------
    >>> from relforecast import UNBOUNDED_SCALE
    >>> UNBOUNDED_SCALE.to_unbounded(12.5), UNBOUNDED_SCALE.slope(12.5), UNBOUNDED_SCALE.bounded
    (12.5, 1.0, False)
    """

    lower: float = field(default=-np.inf, init=False)
    upper: float = field(default=np.inf, init=False)
    cuts: Sequence[float] = field(default=(), init=False)
    names: Sequence[str] = field(default=(), init=False)
    names_zh: Sequence[str] | None = field(default=None, init=False)
    resolution: float | None = field(default=None, init=False)  # type: ignore[assignment]
    critical: float | None = field(default=None, init=False)
    name: str = field(default="unbounded", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_cuts", np.empty(0))

    def __repr__(self) -> str:
        return "UnboundedScale()"

    def __reduce__(self) -> str:
        return "UNBOUNDED_SCALE"  # unpickles as the one instance

    @property
    def bounded(self) -> bool:
        """False: there are no bounds, so no levels and no resolution to publish in."""
        return False

    @property
    def levels(self) -> tuple[Level, ...]:
        """No levels: an empty tuple."""
        return ()

    def level_index(self, x: float | np.ndarray) -> np.ndarray:
        """Refused: an unbounded scale has no levels.

        Raises
        ------
        ScaleError
            Always, naming the fix.
        """
        raise ScaleError(
            "an unbounded scale (scale=None) has no levels; give the model a bounded scale such "
            "as rf.TSINGHUA_SCALE to ask about levels"
        )

    def check(self, x: float | np.ndarray) -> None:
        """Raise :class:`ScaleError` naming the first value that is not a finite number."""
        arr = np.asarray(x, dtype=float)
        bad = ~np.isfinite(arr)
        if np.any(bad):
            first = arr[bad].ravel()[0] if arr.ndim else float(arr)
            raise ScaleError(f"value {first} is not a finite number; check the data")

    def contains(self, x: float | np.ndarray) -> np.ndarray | bool:
        """True where ``x`` is a finite number."""
        out = np.isfinite(np.asarray(x, dtype=float))
        return bool(out) if out.ndim == 0 else out

    @property
    def centre(self) -> float:
        """0: the transform is the identity, centred nowhere in particular."""
        return 0.0

    def to_unbounded(self, y: np.ndarray | pd.Series | float) -> np.ndarray | pd.Series | float:
        """The values themselves, as floats (checked finite)."""
        arr = np.asarray(y, dtype=float)
        self.check(arr)
        return _like(y, arr)

    def from_unbounded(self, z: np.ndarray | pd.Series | float) -> np.ndarray | pd.Series | float:
        """The values themselves, as floats."""
        return _like(z, np.asarray(z, dtype=float))

    def slope(self, y: np.ndarray | float) -> np.ndarray | float:
        """1 everywhere: a transformed unit is a score point."""
        out = np.ones_like(np.asarray(y, dtype=float))
        return float(out) if out.ndim == 0 else out

    def round(self, y: np.ndarray | float) -> np.ndarray | float:
        """The values as floats, unrounded (there is no resolution)."""
        arr = np.asarray(y, dtype=float)
        return float(arr) if arr.ndim == 0 else arr


def as_scale(scale: Scale | str | None) -> Scale:
    """The scale a model or a forecast works on: ``None`` (no bounds) is :data:`UNBOUNDED_SCALE`.

    Parameters
    ----------
    scale : Scale, str or None
        A scale, None for a series without bounds, or a text form of :func:`parse_scale`
        (``"-10:10"``).

    Returns
    -------
    Scale
        ``scale`` itself, or :data:`UNBOUNDED_SCALE` for None.

    Raises
    ------
    ScaleError
        For anything else, naming it.
    """
    if scale is None:
        return UNBOUNDED_SCALE
    if isinstance(scale, str):
        return parse_scale(scale)
    if not isinstance(scale, Scale):
        raise ScaleError(
            f"scale={scale!r} is not an rf.Scale; pass rf.TSINGHUA_SCALE, a Scale of your own, "
            "a text such as '-10:10', or None for a series without bounds"
        )
    return scale


def parse_scale(text: str | Scale | None) -> Scale:
    """The scale named by a command-line form (a :class:`Scale` or None passes as in
    :func:`as_scale`).

    Parameters
    ----------
    text : str, Scale or None
        ``"tsinghua"`` (:data:`TSINGHUA_SCALE`, -9 ... 9 in steps of 0.1, six levels);
        ``"none"`` (:data:`UNBOUNDED_SCALE`, no bounds); ``"LO:HI"`` (a bounded continuous
        score, no grid, e.g. ``"-10:10"`` for an event-data index); ``"LO:HI:STEP"`` (scores
        published on a grid of STEP from LO, e.g. ``"0:100:1"``). A bounded scale of these forms
        has one level and no critical point.

    Returns
    -------
    Scale

    Raises
    ------
    ScaleError
        For any other text, naming it and the forms accepted.

    Examples
    --------
    >>> parse_scale("-10:10").bounded, parse_scale("-10:10").step
    (True, None)
    >>> parse_scale("0:100:1").step
    1.0
    """
    if text is None or isinstance(text, Scale):
        return as_scale(text)
    forms = (
        "use tsinghua, none, LO:HI (a bounded continuous score, e.g. -10:10) or LO:HI:STEP "
        "(a published grid, e.g. -9:9:0.1)"
    )
    if not isinstance(text, str):
        raise ScaleError(f"scale {text!r} is not known; {forms}")
    word = text.strip().lower()
    if word == "tsinghua":
        return TSINGHUA_SCALE
    if word == "none":
        return UNBOUNDED_SCALE
    parts = word.split(":")
    if len(parts) not in (2, 3):
        raise ScaleError(f"scale {text!r} is not known; {forms}")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ScaleError(f"scale {text!r} has a part that is not a number; {forms}") from None
    if not all(np.isfinite(numbers)):
        raise ScaleError(f"scale {text!r} needs finite numbers; {forms}")
    lo, hi = numbers[:2]
    step = numbers[2] if len(numbers) == 3 else None
    if not lo < hi:
        raise ScaleError(f"scale {text!r}: LO must be below HI (LO:HI), got {lo:g} and {hi:g}")
    if step is not None:
        if not 0 < step <= hi - lo:
            raise ScaleError(
                f"scale {text!r}: STEP must be positive and at most HI - LO, got {step:g}"
            )
        if Scale(lo, hi, (), ("x",), resolution=step).off_grid(hi):
            raise ScaleError(
                f"scale {text!r}: HI - LO = {hi - lo:g} is not a whole number of steps of {step:g}"
            )
    label = f"{lo:g}:{hi:g}" + (f":{step:g}" if step is not None else "")
    return Scale(lo, hi, (), (f"{lo:g} to {hi:g}",), resolution=step, name=label)


def _like(template: object, values: np.ndarray) -> np.ndarray | pd.Series | float:
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index, name=template.name)
    if np.ndim(values) == 0:
        return float(values)
    return values


TSINGHUA_SCALE = Scale(
    lower=-9.0,
    upper=9.0,
    cuts=(-6.0, -3.0, 0.0, 3.0, 6.0),
    names=("confrontation", "tension", "discord", "ordinary", "good", "friendly"),
    names_zh=("对抗", "紧张", "不和", "普通", "良好", "友好"),
    resolution=0.1,
    critical=-6.0,
    name="Tsinghua",
)
"""The Tsinghua scale of China's relations with great powers: -9 ... 9, six levels."""

UNBOUNDED_SCALE = UnboundedScale()
"""The scale of a series without bounds (what ``scale=None`` means): identity transform."""


def scale_form(scale: Scale | str | None) -> str:
    """The command-line form of a scale, read back by :func:`parse_scale` (``tsinghua``,
    ``none``, ``LO:HI`` or ``LO:HI:STEP``)."""
    scale = parse_scale(scale)
    if scale == TSINGHUA_SCALE:
        return "tsinghua"
    if scale == UNBOUNDED_SCALE:
        return "none"
    return scale.name
