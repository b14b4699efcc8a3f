"""Event logs and what is drawn from them: event scores, topic and venue shares, leader terms,
recent movement, analogues and the event figures.

Layer: above :mod:`relforecast.models` and the core; nothing here forecasts.
"""

from relforecast._reexport import old_module_getattr
from relforecast.events.analogues import analogues
from relforecast.events.charts import window_chart
from relforecast.events.log import (
    DEFAULT_IMPACT_SCORES,
    EventLog,
    UpdateRuleFit,
    damped_update,
    fit_update_rule,
    load_events,
    simulate_update_rule,
)
from relforecast.events.movement import RecentMovement, recent_movement
from relforecast.events.terms import Term, Terms, leader_terms
from relforecast.events.venues import VenueClass, VenueClasses, load_venue_classes

__all__ = [
    "DEFAULT_IMPACT_SCORES",
    "EventLog",
    "RecentMovement",
    "Term",
    "Terms",
    "UpdateRuleFit",
    "VenueClass",
    "VenueClasses",
    "analogues",
    "damped_update",
    "fit_update_rule",
    "leader_terms",
    "load_events",
    "load_venue_classes",
    "recent_movement",
    "simulate_update_rule",
    "window_chart",
]

# ``relforecast.events`` was the event-log module: its other names still resolve, with a warning
__getattr__ = old_module_getattr(__name__, "relforecast.events.log")
