"""The installed release of relforecast (``0+unknown`` in a source tree that is not installed)."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("relforecast")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
