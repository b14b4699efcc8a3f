"""Many series at once: panel forecasts, joint paths across dyads, and the execution layer.

:func:`forecast_panel` forecasts every dyad of a panel (:mod:`~relforecast.panel.forecast`);
:func:`joint_paths` couples their paths for joint questions (:mod:`~relforecast.panel.joint`);
:func:`~relforecast.panel.parallel.run_tasks` runs independent tasks on joblib/loky or a Dask
cluster (:mod:`~relforecast.panel.parallel`) with random streams keyed by what a task is, never
by where or in which order it runs (:mod:`~relforecast.panel.streams`).

Layer: above :mod:`relforecast.models`; used by evaluation, record and report.
"""

from relforecast._reexport import old_module_getattr
from relforecast.panel.forecast import forecast_panel, panel_overview, parse_window
from relforecast.panel.joint import JointPaths, joint_crossing, joint_paths

__all__ = [
    "JointPaths",
    "forecast_panel",
    "joint_crossing",
    "joint_paths",
    "panel_overview",
    "parse_window",
]

# ``relforecast.panel`` was the panel-forecast module: its other names still resolve, with a warning
__getattr__ = old_module_getattr(__name__, "relforecast.panel.forecast")
