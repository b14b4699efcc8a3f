"""relforecast: forecast monthly bilateral relation scores on a bounded scale.

The public API is re-exported here::

    import relforecast as rf
    s = rf.datasets.demo()
    fit = rf.ARIMA(order="auto").fit(s, shocks=rf.datasets.demo_shocks())
    fc = fit.forecast(12, n_paths=10_000, rng=0)
    fc.prob_cross(-6, within=12), fc.mc_se(-6)
"""

from importlib.metadata import PackageNotFoundError, version

from relforecast import datasets
from relforecast.analogues import analogues
from relforecast.backtest import backtest
from relforecast.data import load_panel, load_scores
from relforecast.evaluation import Evaluation, evaluate
from relforecast.event_charts import window_chart
from relforecast.events import EventLog, damped_update, fit_update_rule, load_events
from relforecast.exceptions import (
    DataError,
    FitError,
    ForecastError,
    RelforecastError,
    ScaleError,
    ShockError,
    SpecError,
)
from relforecast.forecast import Forecast
from relforecast.models import (
    ARIMA,
    ARIMAResult,
    Auto,
    BlockBootstrap,
    Calibrated,
    MarkovResult,
    MarkovSwitching,
    RandomWalk,
)
from relforecast.movement import RecentMovement, recent_movement
from relforecast.report.outlook import Outlook, RelforecastWarning, outlook
from relforecast.scale import TSINGHUA_SCALE, Level, Scale
from relforecast.scenarios import Scenario, compare_scenarios, load_scenarios
from relforecast.shocks import Shock, ShockCalendar
from relforecast.terms import Terms
from relforecast.venues import VenueClasses, load_venue_classes

try:
    __version__ = version("relforecast")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "ARIMA",
    "TSINGHUA_SCALE",
    "ARIMAResult",
    "Auto",
    "BlockBootstrap",
    "Calibrated",
    "DataError",
    "Evaluation",
    "EventLog",
    "FitError",
    "Forecast",
    "ForecastError",
    "Level",
    "MarkovResult",
    "MarkovSwitching",
    "Outlook",
    "RandomWalk",
    "RecentMovement",
    "RelforecastError",
    "RelforecastWarning",
    "Scale",
    "ScaleError",
    "Scenario",
    "Shock",
    "ShockCalendar",
    "ShockError",
    "SpecError",
    "Terms",
    "VenueClasses",
    "__version__",
    "analogues",
    "backtest",
    "compare_scenarios",
    "damped_update",
    "datasets",
    "evaluate",
    "fit_update_rule",
    "load_events",
    "load_panel",
    "load_scenarios",
    "load_scores",
    "load_venue_classes",
    "outlook",
    "recent_movement",
    "window_chart",
]
