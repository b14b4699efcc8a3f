"""Model families: one module each. ``base`` holds the shared protocol and plumbing."""

from relforecast.models.arima import ARIMA, ARIMAResult
from relforecast.models.base import FittedModel, Model
from relforecast.models.markov import MarkovResult, MarkovSwitching
from relforecast.models.naive import RandomWalk, RandomWalkResult

__all__ = [
    "ARIMA",
    "ARIMAResult",
    "FittedModel",
    "MarkovResult",
    "MarkovSwitching",
    "Model",
    "RandomWalk",
    "RandomWalkResult",
]
