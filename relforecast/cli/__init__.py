"""The ``relforecast`` command: one module per command, one shared set of source options.

:mod:`~relforecast.cli.main` holds the command group and the single-dyad ``forecast``,
``outlook``, ``backtest`` and ``evaluate``; ``events``, ``record`` and the panel variants of
``forecast`` and ``outlook`` have modules of their own. Errors become one line on stderr and a
non-zero exit (:func:`main`).

Layer: the top; nothing imports it.
"""

from relforecast._reexport import old_module_getattr
from relforecast.cli.main import cli, main, run

__all__ = ["cli", "main", "run"]

# ``relforecast.cli`` was one module: its other names still resolve, with a warning
__getattr__ = old_module_getattr(__name__, "relforecast.cli.main")
