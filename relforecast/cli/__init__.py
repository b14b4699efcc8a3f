"""The ``relforecast`` command: one module per command, one shared set of source options.

:mod:`~relforecast.cli.main` holds the command group, registers the commands and turns errors
into one line on stderr and a non-zero exit (:func:`main`); ``forecast``, ``outlook``,
``backtest``, ``evaluate``, ``events``, ``record`` and ``update`` each have a module of their
own, the all-partners forms of ``forecast`` and ``outlook`` too. The options several commands
share are declared once (:mod:`~relforecast.cli.source`, :mod:`~relforecast.cli.options`).

Layer: the top; nothing imports it.
"""

from relforecast._reexport import old_module_getattr
from relforecast.cli.main import cli, main, run

__all__ = ["cli", "main", "run"]

# ``relforecast.cli`` was one module: its other names still resolve, with a warning
__getattr__ = old_module_getattr(__name__, "relforecast.cli.main")
