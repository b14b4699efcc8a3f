"""``relforecast forecast DATA --dyad all|A,B,C``: a panel forecast from the command line.

Every dyad is cut at ``--until`` (its scores and its leader/shock calendar alike), fitted and
simulated by :func:`relforecast.forecast_panel`; the output is one overview row a dyad
(``table``), the tidy per-month table (``csv``), or both (``json``). With two or more dyads
at or above the threshold, ``table`` and ``json`` add the joint question P(at least one of
them goes below it in the window), with and without the dependence of their history
(:mod:`relforecast.panel.joint`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
import pandas as pd

from relforecast.asof import as_of, cut_calendar
from relforecast.cli.source import load_arguments
from relforecast.data import load_panel
from relforecast.exceptions import ForecastError
from relforecast.panel.forecast import forecast_panel, panel_overview
from relforecast.panel.joint import joint_crossing
from relforecast.periods import to_month
from relforecast.scale import as_scale
from relforecast.shocks import ShockCalendar

__all__ = [
    "dyad_names",
    "dyads_text",
    "is_panel_request",
    "panel_forecast_command",
    "panel_inputs",
]


def is_panel_request(dyad: str | None) -> bool:
    """``--dyad all`` or several comma-separated dyads."""
    return dyad is not None and (dyad.strip().lower() == "all" or "," in dyad)


def _panel(data: str | None, source: Mapping[str, Any]) -> pd.DataFrame:
    dyad, until = source["dyad"], source["until"]
    if data is None:
        raise click.UsageError(
            "--dyad all / A,B,C needs a DATA file with several dyads (to try it on synthetic "
            "ones: python -c \"import relforecast as rf; rf.datasets.demo_panel(40)"
            ".to_csv('demo40.csv')\", then DATA = demo40.csv)"
        )
    names = dyad_names(dyad)
    # --where, --scale too; cut at --until before the months are checked
    panel = load_panel(Path(data), names, until=until, **load_arguments(source))
    if until is not None:
        # the one as-of cut (asof.py), counting the months left out while loading
        cut = as_of(to_month(until, "--until"), panel=panel).counting_loaded(panel, "panel months")
        panel = cut.panel
        if any(cut.dropped.values()):
            click.echo(f"relforecast: {cut.describe()}", err=True)
        empty = [str(c) for c in panel.columns if panel[c].dropna().empty]
        if empty:
            raise click.UsageError(
                f"--until {until} is before the first month of {', '.join(empty)}"
            )
    return panel


def _calendars(
    panel: pd.DataFrame, shocks_file: str | None, leaders_file: str | None, until: str | None
) -> dict[str, ShockCalendar] | None:
    if shocks_file is None and leaders_file is None:
        return None
    common = None
    if shocks_file is not None:  # relative starts (+2) count from the as-of month
        from relforecast.report.edition import shocks_from_file

        month = to_month(until, "--until") if until is not None else panel.index[-1]
        common = shocks_from_file(shocks_file, month)
    out = {}
    left_out = {}
    for dyad in panel.columns:
        parts = [common] if common is not None else []
        if leaders_file is not None:
            parts.append(ShockCalendar.from_leaders(leaders_file, str(dyad)))
        calendar = parts[0] if len(parts) == 1 else parts[0] + parts[1]
        # as-of discipline: nothing dated after the dyad's last month enters its fit
        last = panel[dyad].dropna().index[-1]
        out[str(dyad)] = cut_calendar(calendar, last)  # the panel is already cut at --until
        if len(calendar) > len(out[str(dyad)]):
            left_out[str(dyad)] = len(calendar) - len(out[str(dyad)])
    if left_out:
        listed = ", ".join(f"{d} {n}" for d, n in left_out.items())
        click.echo(
            f"relforecast: left out shocks dated after each dyad's last month ({listed})",
            err=True,
        )
    return out


def panel_inputs(
    data: str | None, source: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, ShockCalendar] | None]:
    """The panel and each dyad's shock calendar from the data options, cut at ``--until``."""
    panel = _panel(data, source)
    return panel, _calendars(panel, source["shocks_file"], source["leaders_file"], source["until"])


def panel_forecast_command(
    data: str | None, source: Mapping[str, Any], options: Mapping[str, Any]
) -> str:
    """Run the panel forecast the options ask for; return the text to print.

    ``source`` holds the data options, ``options`` those of ``relforecast forecast`` by their
    parameter names (``model`` — a name or, off the Tsinghua scale, a specification —,
    ``horizon``, ``paths``, ``seed``, ``threshold``, ``fmt``, ``workers``, ``engine``,
    ``scheduler``)."""
    model, horizon, paths = options["model"], options["horizon"], options["paths"]
    seed, threshold, fmt = options["seed"], options["threshold"], options["fmt"]
    label = model if isinstance(model, str) else str(model.name)  # a spec on --scale
    if fmt != "csv" and not as_scale(source["scale"]).bounded:  # before the slow forecasts
        raise click.UsageError(
            "the table and JSON of --dyad A,B / all give each dyad's level, and --scale none "
            "has no levels; declare the bounds (--scale=LO:HI, e.g. --scale=-10:10) or use "
            "--format csv"
        )
    panel, calendars = panel_inputs(data, source)
    keep = fmt != "csv"  # the overview needs the paths; the tidy table does not
    result = forecast_panel(
        panel,
        model,
        horizon,
        paths,
        rng=seed,
        thresholds=(threshold,),
        shocks=calendars,
        return_forecasts=keep,
        workers=options["workers"],
        engine=options["engine"],
        scheduler=options["scheduler"],
        progress=True,
    )
    table, forecasts = result if keep else (result, {})
    for note in table.attrs.get("notes", []):
        click.echo(f"relforecast: note: {note}", err=True)
    if fmt == "csv":
        return table.to_csv(index=False, float_format="%.4f").rstrip("\n")
    overview = panel_overview(forecasts, threshold=threshold)
    joint, joint_note = _joint(forecasts, overview, threshold, seed)
    if fmt == "json":
        doc = {
            "model": label,
            "horizon": horizon,
            "n_paths": paths,
            "seed": seed,
            "threshold": threshold,
            "dyads": overview.reset_index().to_dict(orient="records"),
            "joint": joint,
            "months": table.to_dict(orient="records"),
        }
        return json.dumps(doc, indent=2, ensure_ascii=False, default=float)
    levels = next(iter(forecasts.values())).scale.named_levels
    text = _table_text(overview, label, horizon, paths, seed, threshold, levels)
    return text + "\n" + joint_note if joint_note else text


def _joint(
    forecasts: dict, overview: pd.DataFrame, threshold: float, seed: int
) -> tuple[dict[str, Any] | None, str]:
    """P(at least one dyad now at or above T goes below it), with and without dependence."""
    above = [d for d in overview.index if overview.loc[d, "question"] == "cross"]
    if len(above) < 2:
        return None, ""
    try:
        table = joint_crossing({d: forecasts[d] for d in above}, threshold=threshold, k=1, rng=seed)
    except ForecastError as exc:
        return None, f"joint question not answered: {exc}"
    row = table.loc[1]
    doc = {
        "dyads": above,
        "question": f"P(at least one of these dyads goes below {threshold:g} in the window)",
        **{c: float(row[c]) for c in table.columns},
        "marginal": table.attrs["marginal"],
        "window": table.attrs["window"],
        "history": table.attrs["history_span"],
    }
    window = table.attrs["window"]
    own = {f"{fc.index[0]}:{fc.index[-1]}" for fc in (forecasts[d] for d in above)}
    text = (
        f"P(at least one of the {dyads_text(len(above))} now at or above {threshold:g} goes "
        f"below it in {window}) "
        f"= {row['p_dependent']:.3f} ± {row['se_dependent']:.3f} with the co-movement of "
        f"{table.attrs['history_span']}; {row['p_independent']:.3f} ± "
        f"{row['se_independent']:.3f} if independent (product rule {row['p_product']:.3f})"
    )
    if own != {window}:
        text += (
            f"\n  {window} is the span every one of these dyads' forecasts covers (their data "
            "end in different months); each P in the table is over the dyad's own "
            f"{len(forecasts[above[0]].index)} months, so it can exceed this joint answer"
        )
    return doc, text


def dyad_names(dyad: str) -> list[str] | None:
    """The dyads ``--dyad`` names: ``None`` for ``all``, else the comma-separated names —
    distinct and none empty (``Japan,,US`` is refused, not read as three dyads)."""
    if dyad.strip().lower() == "all":
        return None
    names = [d.strip() for d in dyad.split(",")]
    if any(not n for n in names) or len(set(names)) != len(names):
        raise click.UsageError(
            f"--dyad {dyad!r} must name distinct dyads separated by commas (or all)"
        )
    return names


def dyads_text(n: int) -> str:
    """``"1 dyad"``, ``"7 dyads"``."""
    return f"{n} dyad" if n == 1 else f"{n} dyads"


def _table_text(
    overview: pd.DataFrame,
    model: str,
    horizon: int,
    paths: int,
    seed: int,
    threshold: float,
    levels: bool,
) -> str:
    """The overview as printed; the most likely level only on a scale of levels (a ``LO:HI``
    scale's one span would fill the column with the same words)."""
    head = (
        f"{dyads_text(len(overview))}: {model}, {horizon} months ahead of each dyad's last month, "
        f"{paths} paths, seed {seed}\n"
        f"question: 'cross' = P(score < {threshold:g} within the window), 'recover' = P(back at "
        f"or above {threshold:g}) for a dyad already below; median and 80 % band at the end\n"
    )
    shown = pd.DataFrame(
        {
            "last month": overview["last_month"],
            "last": overview["last"].map(lambda v: f"{v:.1f}"),
            "question": overview["question"],
            "P": [
                f"{p:.3f} ± {se:.3f}" for p, se in zip(overview["p"], overview["p_se"], strict=True)
            ],
            "median": overview["median_end"].map(lambda v: f"{v:.2f}"),
            "80 % band": [
                f"{lo:.2f} … {hi:.2f}"
                for lo, hi in zip(overview["lower_end"], overview["upper_end"], strict=True)
            ],
        }
    )
    if levels:
        shown["level"] = overview["level_end"]
    return head + shown.to_string()
