"""How relforecast shows things: the CJK font choice, the words of figures and reports in English
and Chinese, and the fan chart every forecast draws.

Shared by :meth:`relforecast.Forecast.plot`, the event figures and the report, so a figure made
in a script looks like the same figure in the report.

Layer: the core (it imports no model, evaluation, panel, event, report or record module).
"""
