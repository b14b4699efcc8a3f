"""The source options: how every command that reads DATA finds its series.

One definition for every command (:func:`source_options`), one helper turning the parsed
options into the arguments of :func:`relforecast.load_scores` / :func:`relforecast.load_panel`
(:func:`load_arguments`), and one reading of a dyad's series and shocks cut at the as-of month
(:func:`load_series`):

``--country-col``, ``--date-col``, ``--score-col``
    the columns of a long table (defaults: the Tsinghua file's ``country``, ``ym``, ``score``);
``--fill``
    how to fill missing months (default: refuse them, naming them);
``--where COL=VALUE`` (repeatable)
    keep the rows whose column equals the value, every condition holding — an event-index file
    holds several series per partner (``--where source=GDELT --where index_type=aggregated``);
``--scale``
    ``tsinghua`` (default: -9 ... 9 in steps of 0.1, six levels), ``none`` (no bounds),
    ``LO:HI`` (a bounded continuous score, e.g. ``-10:10``) or ``LO:HI:STEP`` (a published
    grid). Values off the scale's bounds or grid are refused by name; the models are built on
    the scale (:func:`model_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click
import pandas as pd
from click.core import ParameterSource

from relforecast.asof import as_of
from relforecast.data import load_scores, preview
from relforecast.datasets import demo, demo_shocks
from relforecast.exceptions import DataError, ScaleError
from relforecast.models.base import Model
from relforecast.models.registry import model_on_scale
from relforecast.periods import to_month
from relforecast.report.edition import shocks_from_file
from relforecast.scale import TSINGHUA_SCALE, Scale, parse_scale
from relforecast.shocks import ShockCalendar

__all__ = [
    "SOURCE_KEYS",
    "load_arguments",
    "load_series",
    "model_for",
    "option_given",
    "source_options",
]

F = TypeVar("F", bound=Callable[..., Any])

SOURCE_KEYS = ("country_col", "date_col", "score_col", "fill", "where", "scale")
"""The parameters :func:`source_options` adds, in the order of :func:`load_arguments`."""


def _scale(_ctx: click.Context, _param: click.Parameter, value: str) -> Scale:
    try:
        return parse_scale(value)
    except ScaleError as exc:
        raise click.BadParameter(str(exc)) from None


def _where(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        column, sep, value = item.partition("=")
        column, value = column.strip(), value.strip()
        if not sep or not column or not value:
            raise click.BadParameter(
                f"{item!r} is not COL=VALUE; e.g. --where source=GDELT (repeat for more)"
            )
        if column in out and out[column] != value:
            raise click.BadParameter(
                f"column {column!r} is asked to equal both {out[column]!r} and {value!r}; "
                "no row can"
            )
        out[column] = value
    return out


def source_options(func: F) -> F:
    """Add the source options (see the module docstring) to a command."""
    options = [
        click.option(
            "--country-col",
            default="country",
            show_default=True,
            help="Column naming the dyad in a long CSV.",
        ),
        click.option("--date-col", default="ym", show_default=True, help="Month column."),
        click.option("--score-col", default="score", show_default=True, help="Score column."),
        click.option(
            "--fill",
            type=click.Choice(["ffill", "interpolate"]),
            help="Fill missing months instead of refusing them.",
        ),
        click.option(
            "--where",
            multiple=True,
            callback=_where,
            metavar="COL=VALUE",
            help="Keep the rows whose column equals the value (repeatable: all must hold), "
            "e.g. --where source=GDELT --where index_type=aggregated.",
        ),
        click.option(
            "--scale",
            default="tsinghua",
            show_default=True,
            callback=_scale,
            metavar="tsinghua|none|LO:HI|LO:HI:STEP",
            help="Scale of the scores: the Tsinghua scale (-9:9 in 0.1 steps, six levels), "
            "none (no bounds), LO:HI (a bounded continuous score, e.g. -10:10 for GDELT or "
            "ICEWS indices) or LO:HI:STEP (a published grid). Write --scale=-10:10 (with '=') "
            "when LO is negative.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


_READING = ("country_col", "date_col", "score_col", "fill", "where")
"""The options that say how to read DATA: meaningless on the demo."""


def option_given(name: str) -> bool:
    """Whether the running command's parameter ``name`` was given on the command line (or by
    the environment), not left at its default."""
    source = click.get_current_context().get_parameter_source(name)
    return source not in (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)


def _given_reading_options() -> list[str]:
    """The options of :data:`_READING` given on the command line (not left at their default),
    by their option names, in the order of the command's options."""
    params = click.get_current_context().command.params
    return [p.opts[0] for p in params if p.name in _READING and option_given(p.name)]


def load_arguments(source: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``load_scores`` / ``load_panel`` from the parsed options."""
    return {key: source[key] for key in SOURCE_KEYS}


def model_for(name: str, source: Mapping[str, Any]) -> str | Model:
    """The model behind ``--model NAME`` on the ``--scale`` of ``source``: the name itself on
    the default Tsinghua scale (so tables and records keep it), else its specification."""
    return model_on_scale(name, source.get("scale", TSINGHUA_SCALE))


def load_series(
    data: str | None, source: Mapping[str, Any]
) -> tuple[pd.Series, ShockCalendar | None]:
    """Series and shock calendar from the data options (:func:`relforecast.cli.options.
    data_options`), cut at ``--until``; the demo when no DATA is given."""
    dyad, until = source["dyad"], source["until"]
    shocks_file, leaders_file = source["shocks_file"], source["leaders_file"]
    if data is None:
        given = _given_reading_options()
        if dyad is not None or given:
            raise click.UsageError(
                f"{(['--dyad'] if dyad is not None else given)[0]} needs a DATA file (without "
                "DATA the demo is used)"
            )
        series, calendar = demo(), demo_shocks()
    else:
        # cut at --until before the months are checked: as if the file ended there
        series = load_scores(Path(data), dyad, until=until, **load_arguments(source))
        calendar = None
        filled = series.attrs.get("filled_months", [])
        if filled:  # --fill was asked for: say which months it made up
            click.echo(
                f"relforecast: --fill {source['fill']}: filled {len(filled)} missing month(s) "
                f"of {series.name}: {preview(filled)}",
                err=True,
            )
    if until is not None and to_month(until, "--until") < series.index[0]:
        # an as-of month outside the data is an error of the data, as for a DATA file
        raise DataError(
            f"--until {until} is before the first month of the data ({series.index[0]}); "
            "choose a later month"
        )
    if shocks_file is not None:  # relative starts (+2) count from the as-of month
        month = to_month(until, "--until") if until is not None else series.index[-1]
        calendar = shocks_from_file(shocks_file, month)
    if leaders_file is not None:
        leaders = ShockCalendar.from_leaders(leaders_file, str(dyad or series.name))
        calendar = leaders if shocks_file is None else calendar + leaders
    # one as-of cut for every dated input (default: the data's last month)
    cut = as_of(until, series=series, calendar=calendar).counting_loaded(series, "score months")
    if any(cut.dropped.values()):
        click.echo(f"relforecast: {cut.describe()}", err=True)
    return cut.series, cut.calendar
