"""The model names the commands and the pool know: one table, one place.

Every name a user can type (``--model arima``, ``rf.backtest(..., "rw-gauss")``) maps here to a
specification with its settings. The command-line help, :func:`make_model` (also importable as
``relforecast.evaluation.backtest.make_model``) and the default members of the ``auto`` pool
(:data:`POOL`, built by :func:`pool_models`) all read this table, so a name means the same
thing everywhere. A pool member may be published in whole steps of the scale's resolution
(:class:`~relforecast.models.sticky.Sticky`); the pool says which.
"""

from __future__ import annotations

from relforecast.exceptions import SpecError
from relforecast.models.auto import Auto
from relforecast.models.base import Model
from relforecast.models.catalogue import (
    BASE_MODELS,
    CONTINUOUS_POOL,
    POOL,
    PoolMember,
    RegisteredModel,
    pool_models,
    with_scale,
)
from relforecast.scale import TSINGHUA_SCALE, Scale

__all__ = [
    "MODELS",
    "POOL",
    "PoolMember",
    "RegisteredModel",
    "make_model",
    "model_help",
    "model_names",
    "model_on_scale",
    "pool_models",
    "registered_name",
    "with_scale",
]

MODELS: dict[str, RegisteredModel] = {
    "auto": RegisteredModel(
        "auto",
        f"linear pool of {', '.join(m.describe() for m in POOL)}, spread widened when "
        "recent replays missed (a continuous score, --scale without a step: "
        f"{', '.join(m.describe() for m in CONTINUOUS_POOL)}, spread recalibrated); weights "
        "learned from replayed forecasts",
        Auto,
        published=True,
    ),
    **BASE_MODELS,
}
"""Every named model, in the order the help lists them."""


def model_names(*, published: bool = False) -> tuple[str, ...]:
    """The known names (``published=True``: those offered by ``forecast`` and ``outlook``)."""
    return tuple(name for name, m in MODELS.items() if m.published or not published)


def make_model(name: str, *, scale: Scale | str | None = TSINGHUA_SCALE) -> Model:
    """A fresh model specification from its name (``"auto"``, ``"arima"``, ``"rw-gauss"``...).

    Parameters
    ----------
    name : str
        A name of :data:`MODELS`.
    scale : Scale, str or None, default TSINGHUA_SCALE
        The scale of the scores (``None``: no bounds; text as in
        :func:`relforecast.scale.parse_scale`), given to every part of the model
        (:func:`~relforecast.models.catalogue.with_scale`).

    Raises
    ------
    SpecError
        For an unknown name, listing the known ones.
    """
    if not isinstance(name, str) or name not in MODELS:
        raise SpecError(f"model {name!r} is not known; use one of {', '.join(MODELS)}")
    return with_scale(MODELS[name].make(), scale)


def model_help(*, published: bool = False) -> str:
    """``name: summary`` of every model, for the command-line help."""
    return "; ".join(f"{n}: {MODELS[n].summary}" for n in model_names(published=published))


def model_on_scale(name: str, scale: Scale) -> str | Model:
    """The model ``name`` on ``scale``: the name itself on the Tsinghua scale (so tables and
    records keep it), else its specification built on the scale."""
    return name if scale == TSINGHUA_SCALE else make_model(name, scale=scale)


def registered_name(model: Model) -> str | None:
    """The name under which :func:`make_model` builds ``model`` on its own scale (``None``
    when no name does): what ``relforecast backtest --model NAME --scale ...`` labels its rows,
    for a specification that :func:`model_on_scale` built from that name."""
    scale = getattr(model, "scale", TSINGHUA_SCALE)
    for name in MODELS:
        if make_model(name, scale=scale) == model:
            return name
    return None
