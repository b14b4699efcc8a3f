"""The named models under ``auto``, and the default members of its pool.

Every named specification but ``auto`` itself (:data:`BASE_MODELS`) and the pool's members
(:data:`POOL`, built by :func:`pool_models`). :mod:`relforecast.models.registry` adds ``auto`` on
top; keeping the pool's table here lets :class:`~relforecast.models.auto.Auto` read it without
importing the registry that names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from relforecast.models.arima import ARIMA
from relforecast.models.base import Model
from relforecast.models.bootstrap import BlockBootstrap
from relforecast.models.markov import MarkovSwitching
from relforecast.models.naive import RandomWalk
from relforecast.models.sticky import Sticky

__all__ = ["BASE_MODELS", "POOL", "PoolMember", "RegisteredModel", "pool_models"]


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
    PoolMember("arima111", in_steps=True),
    PoolMember("arima110", in_steps=True),
    PoolMember("markov", in_steps=True),
    PoolMember("block"),
    PoolMember("block120"),
    PoolMember("iid120"),
)
"""The default members of the ``auto`` pool (:class:`~relforecast.models.auto.Auto`)."""


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
            "arima110",
            "ARIMA(1,1,0) on the last 240 months (baseline)",
            lambda: ARIMA(order=(1, 1, 0), window=240),
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


def pool_models() -> tuple[Model, ...]:
    """Fresh specifications of the default ``auto`` pool, the members of :data:`POOL`."""
    return tuple(
        Sticky(BASE_MODELS[m.name].make()) if m.in_steps else BASE_MODELS[m.name].make()
        for m in POOL
    )
