"""The options of ``relforecast outlook`` as one :class:`~relforecast.OutlookSpec`, and its run.

Both forms of the command — one dyad (:mod:`relforecast.cli.outlook`) and every dyad
(:mod:`relforecast.cli.panel_outlook`) — turn their parsed options into a spec here
(:func:`outlook_spec`) and run it here (:func:`run_outlook_spec`), which prints the progress
messages and the library's warnings as ``relforecast:`` lines on stderr.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import click

from relforecast.exceptions import RelforecastWarning
from relforecast.report.edition import spec_from_options
from relforecast.report.spec import OutlookSpec
from relforecast.report.update import run_spec

__all__ = ["one_line", "outlook_spec", "run_outlook_spec"]


def one_line(message: object) -> str:
    """A message on one line (its name when it says nothing)."""
    text = " ".join(str(message).split())
    return text or type(message).__name__


def outlook_spec(
    data: str | None, source: Mapping[str, Any], options: Mapping[str, Any]
) -> OutlookSpec:
    """The spec of ``relforecast outlook DATA [options]``.

    Parameters
    ----------
    data : str or None
        The DATA argument (``None``: the demo).
    source : mapping
        The data options (:func:`relforecast.cli.options.data_options`).
    options : mapping
        The outlook's own options, by their parameter names (``window``, ``scenarios_file``,
        ``model``, ``lang``, ``paths``, ``seed``, ``threshold``, ``questions``,
        ``track_record``, ``anchors``, ``events_file``, ``source_note``, ``out``,
        ``record_location``, ``workers``).
    """
    anchors = options["anchors"]
    with said_warnings():  # e.g. the demo's scenarios left out of an earlier window
        return spec_from_options(
            data,
            source,
            files={
                "scenarios": options["scenarios_file"],
                "shocks": source["shocks_file"],
                "leaders": source["leaders_file"],
                "events": options["events_file"],
            },
            window=options["window"],
            model=options["model"],
            lang=options["lang"],
            n_paths=options["paths"],
            seed=options["seed"],
            threshold=options["threshold"],
            questions=options["questions"],
            track_record=options["track_record"],
            anchors=tuple(anchors.split(",")) if anchors else (),
            out=options["out"],
            record=options["record_location"],
            workers=options["workers"],
            source_note=options["source_note"],
        )


def run_outlook_spec(spec: OutlookSpec, **keywords: Any) -> Any:
    """Run ``spec`` (:func:`relforecast.report.update.run_spec` with ``keywords``), saying its
    progress and its warnings on stderr; return its result."""
    with said_warnings():
        return run_spec(
            spec, progress=lambda msg: click.echo(f"relforecast: {msg}", err=True), **keywords
        )


@contextmanager
def said_warnings() -> Iterator[None]:
    """Within the block, the library's warnings are kept, and said as ``relforecast: warning:``
    lines on stderr when it ends (a failure says its one line alone)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RelforecastWarning)
        yield
    for w in caught:
        if issubclass(w.category, RelforecastWarning):
            click.echo(f"relforecast: warning: {one_line(w.message)}", err=True)
