"""Command-line options shared by several commands."""

from __future__ import annotations

import click

from relforecast.models.registry import model_help, model_names

__all__ = ["published_model_option"]

published_model_option = click.option(
    "--model",
    type=click.Choice(model_names(published=True)),
    default="auto",
    show_default=True,
    help=model_help(published=True),
)
"""``--model`` of the commands that publish a forecast: a name the registry offers them."""
