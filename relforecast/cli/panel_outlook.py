"""``relforecast outlook DATA --dyad all|A,B,C``: the all-partners outlook from the command line.

The panel is read and cut at ``--until`` like ``relforecast forecast --dyad all``
(:mod:`relforecast.cli.panel_forecast`): every dyad's scores and its ``--leaders`` /
``--shocks`` calendar; :func:`relforecast.report.panel_outlook.panel_outlook` writes the
overview and every dyad's own report into ``--out``. Refused, with the reason: ``--scenarios``
(a scenario names no dyad: its shocks would be applied to every dyad) and ``--record`` (the
record keeps one dyad's outlook).
"""

from __future__ import annotations

import warnings
from typing import Any

import click

from relforecast.cli.panel_forecast import dyads_text, panel_inputs
from relforecast.report.edition import spec_from_options
from relforecast.report.outlook import RelforecastWarning
from relforecast.report.update import run_spec

__all__ = ["panel_outlook_command"]


def _refuse(scenarios_file: str | None, record_location: str | None, other: dict) -> None:
    if scenarios_file is not None:
        raise click.UsageError(
            "--scenarios cannot be used with --dyad all / A,B,C: a scenario names no dyad, so "
            "its shocks would be applied to every dyad; compare scenarios in one dyad's outlook "
            "(--dyad NAME --scenarios FILE)"
        )
    if record_location is not None:
        raise click.UsageError(
            "--record keeps one dyad's outlook; record the dyads one at a time (--dyad NAME)"
        )
    given = sorted(k for k, v in other.items() if v not in (None, False, (), ""))
    if given:
        raise click.UsageError(
            f"option(s) {', '.join('--' + k.replace('_', '-') for k in given)} are not "
            "supported with --dyad all / A,B,C; run the dyads one at a time"
        )


def panel_outlook_command(
    data: str | None,
    *,
    window: str | None,
    scenarios_file: str | None,
    model: str,
    lang: str,
    paths: int,
    seed: int,
    threshold: float | None,
    questions: tuple[str, ...],
    track_record: str,
    anchors: str | None,
    events_file: str | None,
    out: str,
    record_location: str | None,
    workers: int,
    source: dict[str, Any],
    source_note: str | None = None,
    **other: Any,
) -> str:
    """Write the all-partners outlook the options ask for; return the line to print."""
    _refuse(scenarios_file, record_location, other)
    panel_inputs(data, source)  # validates the options, says what the cut left out
    spec = spec_from_options(
        data,
        source,
        files={
            "shocks": source["shocks_file"],
            "leaders": source["leaders_file"],
            "events": events_file,
        },
        window=window,
        model=model,
        lang=lang,
        n_paths=paths,
        seed=seed,
        threshold=threshold,
        questions=questions,
        track_record=track_record.lower() if track_record.lower() in ("none", "compute")
        else track_record,
        anchors=tuple(anchors.split(",")) if anchors else (),
        out=out,
        workers=workers,
        source_note=source_note,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RelforecastWarning)
        result = run_spec(spec, progress=lambda msg: click.echo(f"relforecast: {msg}", err=True))
    for w in caught:
        if issubclass(w.category, RelforecastWarning):
            click.echo(f"relforecast: warning: {' '.join(str(w.message).split())}", err=True)
    return _closing_line(result)


def _closing_line(result) -> str:
    overview, joint = result.overview, result.joint
    head = f"{dyads_text(len(overview))}, window {overview['window'].iloc[0]}"
    if joint is not None:
        row = joint.loc[1]
        t = f"{overview['threshold'].iloc[0]:g}"
        near = dyads_text(len(joint.attrs["marginal"]))
        head += (
            f": P(at least one of the {near} at or above {t} goes "
            f"below it) = {row['p_dependent']:.3f} ± {row['se_dependent']:.3f} with "
            f"co-movement, {row['p_independent']:.3f} ± {row['se_independent']:.3f} "
            f"independent (product rule {row['p_product']:.3f})"
        )
    return f"{head}; report: {result.files['report.html']}"
