"""Model families: one module each. ``base`` holds the fitted-model contract and the shared
plumbing; ``registry`` the model names the commands and the ``auto`` pool use."""

from relforecast.models.adaptive import Adaptation
from relforecast.models.ar_level import ARLevel, ARLevelResult
from relforecast.models.arima import ARIMA, ARIMAResult
from relforecast.models.auto import Auto, AutoResult
from relforecast.models.base import FittedModel, Model
from relforecast.models.bootstrap import BlockBootstrap, BlockBootstrapResult
from relforecast.models.calibrated import Calibrated, CalibratedResult
from relforecast.models.climatology import Climatology, ClimatologyResult
from relforecast.models.markov import MarkovResult, MarkovSwitching
from relforecast.models.naive import RandomWalk, RandomWalkResult
from relforecast.models.recalibration import Recalibration
from relforecast.models.sticky import Sticky, StickyResult

__all__ = [
    "ARIMA",
    "ARIMAResult",
    "ARLevel",
    "ARLevelResult",
    "Adaptation",
    "Auto",
    "AutoResult",
    "BlockBootstrap",
    "BlockBootstrapResult",
    "Calibrated",
    "CalibratedResult",
    "Climatology",
    "ClimatologyResult",
    "FittedModel",
    "MarkovResult",
    "MarkovSwitching",
    "Model",
    "RandomWalk",
    "RandomWalkResult",
    "Recalibration",
    "Sticky",
    "StickyResult",
]
