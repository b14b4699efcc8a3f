"""One task of a backtest: :class:`BacktestBlock`, consecutive origins of one dyad and model.

A backtest is cut into blocks (:func:`relforecast.evaluation.backtest.plan_blocks`) that run
anywhere the execution layer sends them (:mod:`relforecast.panel.parallel`); a block holds all
it needs — the dyad's series, the model specification, its origins and settings — and its
own seed material. A result store files each block's rows under a key of what it holds
(:func:`relforecast.evaluation.store.block_key`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from relforecast.models.base import Model
from relforecast.shocks import ShockCalendar

__all__ = ["BacktestBlock"]


@dataclass(frozen=True)
class BacktestBlock:
    """One task: consecutive origins of one dyad and model, starting with a refit."""

    dyad: str
    series: pd.Series
    spec: Model
    label: str
    origins: tuple[pd.Period, ...]
    horizon: int
    thresholds: tuple[float, ...]
    n_paths: int
    seed: int
    refit_every: int
    shocks: ShockCalendar | None
    recover: tuple[float, ...] = ()

    @property
    def n_rows(self) -> int:
        """Rows the block yields when no origin is skipped."""
        return len(self.origins) * self.horizon
