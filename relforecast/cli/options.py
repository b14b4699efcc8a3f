"""Command-line options shared by several commands, each declared once.

* :func:`data_options` — which series and shocks a command reads: ``--dyad``, the source
  options (:func:`relforecast.cli.source.source_options`), ``--until``, ``--shocks``,
  ``--leaders`` (``forecast``, ``outlook``);
* :data:`published_model_option` — ``--model`` of the commands that publish a forecast;
* :func:`workers_option` and :func:`engine_options` — where the work runs (the results never
  depend on them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from relforecast.cli.source import source_options
from relforecast.models.registry import model_help, model_names
from relforecast.panel.parallel import ENGINES

__all__ = ["data_options", "engine_options", "published_model_option", "workers_option"]

F = TypeVar("F", bound=Callable[..., Any])

published_model_option = click.option(
    "--model",
    type=click.Choice(model_names(published=True)),
    default="auto",
    show_default=True,
    help=model_help(published=True),
)
"""``--model`` of the commands that publish a forecast: a name the registry offers them."""


def workers_option(what: str):
    """``--workers``: processes (or Dask workers) for ``what``; the same range and default for
    every command (the results do not depend on it)."""
    return click.option(
        "--workers",
        type=click.IntRange(1, 256),
        default=2,
        show_default=True,
        help=f"Processes for {what} (the results are the same for any number).",
    )


def _apply(func: F, options: list[Callable[[F], F]]) -> F:
    """``func`` with ``options`` added, the first one shown first in ``--help``."""
    for option in reversed(options):
        func = option(func)
    return func


def engine_options(func: F) -> F:
    """--engine and --scheduler: where the work of several dyads runs (docs/panel.md)."""
    return _apply(
        func,
        [
            click.option(
                "--engine",
                type=click.Choice(ENGINES),
                help="loky processes on this machine (default) or a Dask cluster.",
            ),
            click.option(
                "--scheduler",
                help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies --engine dask).",
            ),
        ],
    )


def data_options(func: F) -> F:
    """The options that say which series and shocks to use (shared by the commands)."""
    return _apply(
        func,
        [
            click.option("--dyad", help="Dyad (partner country) to use, e.g. Japan."),
            source_options,
            click.option("--until", help="Use the data up to this month only, e.g. 2025-06."),
            click.option(
                "--shocks",
                "shocks_file",
                type=click.Path(dir_okay=False),
                help="YAML shock calendar the model is fitted with (docs/guide.md).",
            ),
            click.option(
                "--leaders",
                "leaders_file",
                type=click.Path(dir_okay=False),
                help="Leaders table (like leaders.csv): one leader-change shock per term.",
            ),
        ],
    )
