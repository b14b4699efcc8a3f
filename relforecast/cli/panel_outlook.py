"""``relforecast outlook DATA --dyad all|A,B,C``: the all-partners outlook from the command line.

The panel is read and cut at ``--until`` like ``relforecast forecast --dyad all``
(:mod:`relforecast.cli.panel_forecast`): every dyad's scores and its ``--leaders`` /
``--shocks`` calendar; :func:`relforecast.report.panel_outlook.panel_outlook` writes the
overview and every dyad's own report into ``--out``. Refused, with the reason: ``--scenarios``
(a scenario names no dyad: its shocks would be applied to every dyad) and ``--record`` (the
record keeps one dyad's outlook).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from relforecast.cli.outlook_spec import outlook_spec, run_outlook_spec
from relforecast.cli.panel_forecast import dyads_text, panel_inputs

__all__ = ["panel_outlook_command"]


def _refuse(options: Mapping[str, Any]) -> None:
    if options["scenarios_file"] is not None:
        raise click.UsageError(
            "--scenarios cannot be used with --dyad all / A,B,C: a scenario names no dyad, so "
            "its shocks would be applied to every dyad; compare scenarios in one dyad's outlook "
            "(--dyad NAME --scenarios FILE)"
        )
    if options["record_location"] is not None:
        raise click.UsageError(
            "--record keeps one dyad's outlook; record the dyads one at a time (--dyad NAME)"
        )


def panel_outlook_command(
    data: str | None, source: Mapping[str, Any], options: Mapping[str, Any]
) -> str:
    """Write the all-partners outlook the options ask for; return the line to print.

    ``source`` holds the data options, ``options`` the outlook's own
    (:func:`relforecast.cli.outlook_spec.outlook_spec`)."""
    _refuse(options)
    panel_inputs(data, source)  # validates the options, says what the cut left out
    track_record = options["track_record"]
    if track_record.lower() in ("none", "compute"):
        options = {**options, "track_record": track_record.lower()}
    result = run_outlook_spec(outlook_spec(data, source, options))
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
