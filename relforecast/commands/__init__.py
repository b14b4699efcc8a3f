"""Command groups of the ``relforecast`` CLI, one module each (registered in ``cli.py``)."""
