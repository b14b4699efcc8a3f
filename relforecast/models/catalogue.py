"""The named models under ``auto``, and the default pools.

Every named specification but ``auto`` itself (:data:`BASE_MODELS`) and the default pools of
``auto`` (:func:`pool_plan`). :mod:`relforecast.models.registry` adds ``auto`` on top; keeping the
pools' table here lets :class:`~relforecast.models.auto.Auto` read it without importing the
registry that names it.

The default pool follows the kind of score, which the scale declares:

* **published in steps** (a scale with a grid, such as the Tsinghua scale): an expert score that
  moves rarely and then by a step, wanders over decades, and keeps its level for months —
  :data:`POOL`: models of monthly *changes* (ARIMA(1,1,1), ARIMA(1,1,0) and the regime-switching
  model, published in steps; block bootstraps of past changes), weights learned from the
  replays and shrunk a quarter of the way toward equal. The two ARIMA members draw their
  innovations from their own one-step errors (``ARIMA(innovations="bootstrap")``): the score's
  changes are mostly nil and sometimes large, and Gaussian paths with the same spread dip a few
  steps below the last value too often, which makes the probability of crossing a threshold
  too high. The pooled spread is widened when the replays show that it was too narrow lately,
  never narrowed: a ramp from 1 at month 1 to the smallest factor under which the pooled
  replayed forecasts' 80 % intervals held 80 % of the replayed outcomes
  (``Recalibration(shrink=0, narrow=False, cover=0.8)``): a world more turbulent than the
  estimation window widens the intervals, a calm spell keeps them as the members give them;
* **continuous** (a scale without a grid, such as a machine-coded event index on -10 … 10): a
  noisy index that reverts to a slowly moving mean — :data:`CONTINUOUS_POOL`: an AR(1) around
  the level of the last ten years, the climatology of the last five, ARIMA with its
  differencing order chosen per series (KPSS) and ARIMA(0,1,1) (exponential smoothing), both
  drawing their innovations from their own errors (an event index's errors have heavy tails
  too); weights learned and shrunk a quarter, and the pooled spread recalibrated from the replays
  (:mod:`relforecast.models.recalibration`, log factors shrunk by half).

Both were chosen by leave-one-out within their domain, the best mean CRPS among the
configurations whose 80 % intervals held 75–85 % of the outcomes a year ahead, and at least 75 %
in 2015–2024 (``benchmarks/loo.py``; docs/evaluation.md). On the event indices that rule picks
the ARIMA members with resampled innovations over the Gaussian ones; for scores in steps the two
are level on it, and the resampled ones are the default for their crossing probabilities
(Brier score, reliability).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass, replace

from relforecast.exceptions import SpecError
from relforecast.models.ar_level import ARLevel
from relforecast.models.arima import ARIMA
from relforecast.models.base import Model
from relforecast.models.bootstrap import BlockBootstrap
from relforecast.models.climatology import Climatology
from relforecast.models.markov import MarkovSwitching
from relforecast.models.naive import RandomWalk
from relforecast.models.recalibration import Recalibration
from relforecast.models.sticky import Sticky
from relforecast.scale import TSINGHUA_SCALE, Scale, as_scale

__all__ = [
    "BASE_MODELS",
    "CONTINUOUS_PLAN",
    "CONTINUOUS_POOL",
    "GRID_PLAN",
    "POOL",
    "PoolMember",
    "PoolPlan",
    "RegisteredModel",
    "pool_models",
    "pool_plan",
    "with_scale",
]


@dataclass(frozen=True)
class RegisteredModel:
    """One named model.

    Attributes
    ----------
    name : str
        The name typed by the user.
    summary : str
        One line for the command-line help.
    make : callable
        Returns a fresh specification.
    published : bool
        Offered by ``forecast`` and ``outlook`` (the others — baselines and members of the
        ``auto`` pool — are for backtests).
    """

    name: str
    summary: str
    make: Callable[[], Model]
    published: bool = False


@dataclass(frozen=True)
class PoolMember:
    """One default member of the ``auto`` pool.

    Attributes
    ----------
    name : str
        A name of :data:`BASE_MODELS`.
    in_steps : bool
        Its paths are published in whole steps (wrapped in
        :class:`~relforecast.models.sticky.Sticky`).
    """

    name: str
    in_steps: bool = False

    def describe(self) -> str:
        """The name, marked when the member is published in steps."""
        return f"{self.name} in steps" if self.in_steps else self.name


POOL: tuple[PoolMember, ...] = (
    PoolMember("arima111-boot", in_steps=True),
    PoolMember("arima110-boot", in_steps=True),
    PoolMember("markov", in_steps=True),
    PoolMember("block"),
    PoolMember("block120"),
    PoolMember("iid120"),
)
"""The default members of the ``auto`` pool (:class:`~relforecast.models.auto.Auto`) for scores
published in steps."""

CONTINUOUS_POOL: tuple[PoolMember, ...] = (
    PoolMember("ar-level"),
    PoolMember("climatology"),
    PoolMember("arima-boot"),
    PoolMember("arima011-boot"),
)
"""The default members of the ``auto`` pool for a continuous score (a scale without a grid)."""


@dataclass(frozen=True)
class PoolPlan:
    """The default ``auto`` pool of one kind of score.

    Attributes
    ----------
    kind : str
        What scores it is for, in words.
    members : tuple of PoolMember
    shrink : float
        Shrinkage of the learned weights toward equal (:class:`~relforecast.Adaptation`).
    recalibration : Recalibration or None
        How the pooled spread is recalibrated from the replays (``None``: it is not).
    """

    kind: str
    members: tuple[PoolMember, ...]
    shrink: float
    recalibration: Recalibration | None


GRID_PLAN = PoolPlan(
    "scores published in steps", POOL, 0.25, Recalibration(shrink=0.0, narrow=False, cover=0.8)
)
CONTINUOUS_PLAN = PoolPlan(
    "a continuous score", CONTINUOUS_POOL, 0.25, Recalibration(shrink=0.5)
)


def pool_plan(scale: Scale | str | None = TSINGHUA_SCALE) -> PoolPlan:
    """The default pool for scores on ``scale``: :data:`GRID_PLAN` when the scale has a grid
    (scores published in steps), :data:`CONTINUOUS_PLAN` otherwise."""
    return GRID_PLAN if as_scale(scale).step is not None else CONTINUOUS_PLAN


BASE_MODELS: dict[str, RegisteredModel] = {
    m.name: m
    for m in (
        RegisteredModel(
            "arima",
            "ARIMA, order chosen by KPSS and AICc, last 240 months",
            lambda: ARIMA(order="auto", window=240),
            published=True,
        ),
        RegisteredModel(
            "markov",
            "2-regime switching on monthly changes with the past year's momentum, last 240 months",
            lambda: MarkovSwitching(k_regimes=2, form="diff", momentum=12, window=240),
            published=True,
        ),
        RegisteredModel(
            "block",
            "stationary block bootstrap (mean block 12) of the last 240 months' changes",
            lambda: BlockBootstrap(window=240, block=12),
            published=True,
        ),
        RegisteredModel(
            "block120",
            "stationary block bootstrap (mean block 12) of the last 120 months' changes",
            lambda: BlockBootstrap(window=120, block=12),
        ),
        RegisteredModel(
            "iid120",
            "bootstrap of single months' changes of the last 120 months",
            lambda: BlockBootstrap(window=120, block=1),
        ),
        RegisteredModel(
            "arima111",
            "ARIMA(1,1,1) on the last 240 months",
            lambda: ARIMA(order=(1, 1, 1), window=240),
        ),
        RegisteredModel(
            "arima-boot",
            "ARIMA, order chosen by KPSS and AICc, last 240 months, innovations resampled "
            "from its own errors",
            lambda: ARIMA(order="auto", window=240, innovations="bootstrap"),
        ),
        RegisteredModel(
            "arima011-boot",
            "ARIMA(0,1,1) on the last 240 months, innovations resampled from its own errors",
            lambda: ARIMA(order=(0, 1, 1), window=240, innovations="bootstrap"),
        ),
        RegisteredModel(
            "arima111-boot",
            "ARIMA(1,1,1) on the last 240 months, innovations resampled from its own errors",
            lambda: ARIMA(order=(1, 1, 1), window=240, innovations="bootstrap"),
        ),
        RegisteredModel(
            "arima110-boot",
            "ARIMA(1,1,0) on the last 240 months, innovations resampled from its own errors",
            lambda: ARIMA(order=(1, 1, 0), window=240, innovations="bootstrap"),
        ),
        RegisteredModel(
            "arima011",
            "ARIMA(0,1,1) on the last 240 months (exponential smoothing)",
            lambda: ARIMA(order=(0, 1, 1), window=240),
        ),
        RegisteredModel(
            "arima110",
            "ARIMA(1,1,0) on the last 240 months (baseline)",
            lambda: ARIMA(order=(1, 1, 0), window=240),
        ),
        RegisteredModel(
            "ar-level",
            "AR(1) reverting to the level of the last 120 months (least squares)",
            lambda: ARLevel(window=120),
        ),
        RegisteredModel(
            "climatology",
            "every month ahead drawn from the last 60 months' scores (baseline)",
            lambda: Climatology(window=60),
        ),
        RegisteredModel(
            "rw-gauss",
            "Gaussian random walk, sigma of the last 120 changes (baseline)",
            lambda: RandomWalk("gaussian", window=120),
        ),
        RegisteredModel(
            "rw-boot",
            "random walk resampling the last 240 changes (baseline)",
            lambda: RandomWalk("bootstrap", window=240),
        ),
    )
}
"""Every named model but ``auto``, in the order the help lists them."""


def with_scale(spec: Model, scale: Scale | str | None) -> Model:
    """The specification ``spec`` on ``scale``: its ``scale`` field replaced, or that of the
    model it wraps (``Sticky``, ``Calibrated``); a pool (``Auto``) moves itself
    (``Auto.on_scale``: the scale's default pool, or its members each on ``scale``).

    Raises
    ------
    SpecError
        For a specification that takes no scale.
    """
    scale = as_scale(scale)
    if as_scale(spec.scale) == scale:
        return spec
    on_scale = getattr(spec, "on_scale", None)
    if callable(on_scale):  # a pool knows its default members per scale
        return on_scale(scale)
    names = {f.name for f in fields(spec) if f.init} if is_dataclass(spec) else set()
    if "scale" in names:
        return replace(spec, scale=scale)
    if "model" in names:
        return replace(spec, model=with_scale(spec.model, scale))
    raise SpecError(f"model {spec.name!r} takes no scale; build it with its scale instead")


def pool_models(scale: Scale | str | None = TSINGHUA_SCALE) -> tuple[Model, ...]:
    """Fresh specifications of the default ``auto`` pool on ``scale``, the members of
    :func:`pool_plan` (those published in steps wrapped in
    :class:`~relforecast.models.sticky.Sticky`)."""
    pool = pool_plan(scale).members
    members = (with_scale(BASE_MODELS[m.name].make(), scale) for m in pool)
    return tuple(
        Sticky(spec) if m.in_steps else spec for m, spec in zip(pool, members, strict=True)
    )
