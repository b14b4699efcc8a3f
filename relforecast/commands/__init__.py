"""Command groups and commands of the ``relforecast`` CLI, one module each (registered in
``cli.py``)."""
