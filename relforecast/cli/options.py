"""Command-line options shared by several commands."""

from __future__ import annotations

import click

from relforecast.models.registry import model_help, model_names

__all__ = ["published_model_option", "workers_option"]

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
