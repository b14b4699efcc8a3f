"""Rolling-origin backtests, their scores and their result stores.

:func:`backtest` refits at each origin on the data up to it and records quantiles and crossing
probabilities (:mod:`~relforecast.evaluation.backtest`), its settings one :class:`BacktestSpec`
(:mod:`~relforecast.evaluation.spec`); :func:`evaluate` scores the rows against what happened
(:mod:`~relforecast.evaluation.scores`); row blocks and Parquet stores let long runs resume
(:mod:`~relforecast.evaluation.rowblock`, :mod:`~relforecast.evaluation.store`).

Layer: above :mod:`relforecast.panel` (its execution layer runs the blocks).
"""

from relforecast._reexport import old_module_getattr
from relforecast.evaluation.backtest import QUANTILE_COLUMNS, QUANTILE_LEVELS, backtest
from relforecast.evaluation.scores import (
    Evaluation,
    evaluate,
    randomized_pit_coverage,
    validate_backtest,
)
from relforecast.evaluation.spec import BacktestSpec

__all__ = [
    "QUANTILE_COLUMNS",
    "QUANTILE_LEVELS",
    "BacktestSpec",
    "Evaluation",
    "backtest",
    "evaluate",
    "randomized_pit_coverage",
    "validate_backtest",
]

# ``relforecast.evaluation`` was the scoring module: its other names still resolve, with a warning
__getattr__ = old_module_getattr(__name__, "relforecast.evaluation.scores")
