"""Command implementations kept out of ``relforecast/cli.py`` (one module a command or group)."""
