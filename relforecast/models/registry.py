"""The model names the commands and the pool know: one table, one place.

Every name a user can type (``--model arima``, ``rf.backtest(..., "rw-gauss")``) maps here to a
specification with its settings. The command-line help, :func:`make_model` (also importable as
``relforecast.backtest.make_model``) and the default members of the ``auto`` pool
(:data:`POOL`, built by :func:`pool_models`) all read this table, so a name means the same
thing everywhere. A pool member may be published in whole steps of the scale's resolution
(:class:`~relforecast.models.sticky.Sticky`); the pool says which.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from relforecast.exceptions import SpecError
from relforecast.models.ar_level import ARLevel
from relforecast.models.arima import ARIMA
from relforecast.models.base import Model
from relforecast.models.bootstrap import BlockBootstrap
from relforecast.models.climatology import Climatology
from relforecast.models.markov import MarkovSwitching
from relforecast.models.naive import RandomWalk
from relforecast.models.sticky import Sticky

__all__ = [
    "MODELS",
    "POOL",
    "PoolMember",
    "RegisteredModel",
    "make_model",
    "model_help",
    "model_names",
    "pool_models",
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
        A name of :data:`MODELS`.
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


def _auto() -> Model:
    from relforecast.models.auto import Auto  # Auto reads POOL from this module

    return Auto()


MODELS: dict[str, RegisteredModel] = {
    m.name: m
    for m in (
        RegisteredModel(
            "auto",
            f"linear pool of {', '.join(m.describe() for m in POOL)}; weights learned "
            "from replayed forecasts",
            _auto,
            published=True,
        ),
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
"""Every named model, in the order the help lists them."""

def model_names(*, published: bool = False) -> tuple[str, ...]:
    """The known names (``published=True``: those offered by ``forecast`` and ``outlook``)."""
    return tuple(name for name, m in MODELS.items() if m.published or not published)


def make_model(name: str) -> Model:
    """A fresh model specification from its name (``"auto"``, ``"arima"``, ``"rw-gauss"``...).

    Raises
    ------
    SpecError
        For an unknown name, listing the known ones.
    """
    if not isinstance(name, str) or name not in MODELS:
        raise SpecError(f"model {name!r} is not known; use one of {', '.join(MODELS)}")
    return MODELS[name].make()


def pool_models() -> tuple[Model, ...]:
    """Fresh specifications of the default ``auto`` pool, the members of :data:`POOL`."""
    return tuple(
        Sticky(make_model(m.name)) if m.in_steps else make_model(m.name) for m in POOL
    )


def model_help(*, published: bool = False) -> str:
    """``name: summary`` of every model, for the command-line help."""
    return "; ".join(f"{n}: {MODELS[n].summary}" for n in model_names(published=published))
