"""relforecast: forecast monthly bilateral relation scores on a bounded scale.

The public API is re-exported here::

    import relforecast as rf
    s = rf.datasets.demo()
    fit = rf.ARIMA(order="auto").fit(s, shocks=rf.datasets.demo_shocks())
    fc = fit.forecast(12, n_paths=10_000, rng=0)
    fc.prob_cross(-6, within=12), fc.mc_se(-6)
"""

from relforecast import _moved, datasets
from relforecast._version import __version__
from relforecast.data import load_panel, load_scores
from relforecast.evaluation.backtest import backtest
from relforecast.evaluation.scores import Evaluation, evaluate
from relforecast.evaluation.spec import BacktestSpec
from relforecast.events.analogues import analogues
from relforecast.events.charts import window_chart
from relforecast.events.log import EventLog, damped_update, fit_update_rule, load_events
from relforecast.events.movement import RecentMovement, recent_movement
from relforecast.events.terms import Terms
from relforecast.events.venues import VenueClasses, load_venue_classes
from relforecast.exceptions import (
    DataError,
    EngineError,
    FitError,
    ForecastError,
    RecordError,
    RelforecastError,
    RelforecastWarning,
    ScaleError,
    ShockError,
    SpecError,
    StoreError,
    Terminated,
)
from relforecast.forecast import Forecast
from relforecast.models import (
    ARIMA,
    Adaptation,
    ARIMAResult,
    ARLevel,
    Auto,
    BlockBootstrap,
    Calibrated,
    Climatology,
    MarkovResult,
    MarkovSwitching,
    RandomWalk,
    Recalibration,
    Sticky,
)
from relforecast.panel.forecast import forecast_panel, panel_overview
from relforecast.panel.joint import JointPaths, joint_crossing, joint_paths
from relforecast.questions import Question, default_questions
from relforecast.report.outlook import Outlook, outlook
from relforecast.report.panel_outlook import PanelOutlook, panel_outlook
from relforecast.report.spec import OutlookSpec
from relforecast.report.track_record import TrackRecordConfig
from relforecast.report.update import update as update_edition
from relforecast.scale import TSINGHUA_SCALE, UNBOUNDED_SCALE, Level, Scale, UnboundedScale
from relforecast.scenarios import Scenario, compare_scenarios, load_scenarios
from relforecast.shocks import Shock, ShockCalendar

_moved.install()


def __getattr__(name: str) -> object:
    """``rf.Record``, imported when first used: the record needs SQLAlchemy, which nothing
    else does (an outlook or an update starts faster without it)."""
    if name == "Record":
        from relforecast.record import Record

        return Record
    raise AttributeError(f"module 'relforecast' has no attribute {name!r}")


__all__ = [
    "ARIMA",
    "TSINGHUA_SCALE",
    "UNBOUNDED_SCALE",
    "ARIMAResult",
    "ARLevel",
    "Adaptation",
    "Auto",
    "BacktestSpec",
    "BlockBootstrap",
    "Calibrated",
    "Climatology",
    "DataError",
    "EngineError",
    "Evaluation",
    "EventLog",
    "FitError",
    "Forecast",
    "ForecastError",
    "JointPaths",
    "Level",
    "MarkovResult",
    "MarkovSwitching",
    "Outlook",
    "OutlookSpec",
    "PanelOutlook",
    "Question",
    "RandomWalk",
    "Recalibration",
    "RecentMovement",
    "Record",
    "RecordError",
    "RelforecastError",
    "RelforecastWarning",
    "Scale",
    "ScaleError",
    "Scenario",
    "Shock",
    "ShockCalendar",
    "ShockError",
    "SpecError",
    "Sticky",
    "StoreError",
    "Terminated",
    "Terms",
    "TrackRecordConfig",
    "UnboundedScale",
    "VenueClasses",
    "__version__",
    "analogues",
    "backtest",
    "compare_scenarios",
    "damped_update",
    "datasets",
    "default_questions",
    "evaluate",
    "fit_update_rule",
    "forecast_panel",
    "joint_crossing",
    "joint_paths",
    "load_events",
    "load_panel",
    "load_scenarios",
    "load_scores",
    "load_venue_classes",
    "outlook",
    "panel_outlook",
    "panel_overview",
    "recent_movement",
    "update_edition",
    "window_chart",
]
