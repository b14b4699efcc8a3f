"""``relforecast outlook``: write the outlook report of one dyad into ``--out`` (with
``--dyad all`` / ``A,B,C``, every dyad's: :mod:`relforecast.cli.panel_outlook`).

The options become an :class:`~relforecast.OutlookSpec` (:mod:`relforecast.cli.outlook_spec`),
which the edition folder keeps; ``--record`` enters the outlook in the forecast record and, with
``--track-record compute``, supplies the track record from the forecasts it holds.
"""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from relforecast.cli.options import data_options, published_model_option, workers_option
from relforecast.cli.outlook_spec import outlook_spec, run_outlook_spec
from relforecast.cli.panel_forecast import is_panel_request
from relforecast.cli.panel_outlook import panel_outlook_command
from relforecast.cli.record import check_record_value, opened_record, record_option, record_outlook
from relforecast.cli.source import load_arguments, load_series
from relforecast.data import load_panel

__all__ = ["outlook"]


@click.command()
@click.argument("data", required=False, type=click.Path(dir_okay=False))
@data_options
@click.option(
    "--window",
    help="Outlook window, e.g. 2025-07:2026-06 (default: the next July-June after the data); "
    "it may have begun (months already observed are counted).",
)
@click.option(
    "--scenarios",
    "scenarios_file",
    type=click.Path(dir_okay=False),
    help="YAML scenario file (see docs/outlook.md).",
)
@published_model_option
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--paths", type=click.IntRange(100, 1_000_000), default=10_000, show_default=True)
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True)
@click.option("--threshold", type=float, default=None, help="Default: the scale's -6.")
@click.option(
    "--question",
    "questions",
    multiple=True,
    help="Ask another question, KIND:THRESHOLD (repeatable): ever-below, ever-at-or-above, "
    "end-below, end-above, first-below, first-at-or-above; e.g. --question end-above:0.",
)
@click.option(
    "--track-record",
    "track_record",
    default="compute",
    show_default=True,
    help="Backtest CSV for the trust section (e.g. an earlier report's track_record.csv), "
    "'compute' (from the --record when it holds this model's forecasts, else a backtest at "
    "report time, pooled over DATA's dyads) or 'none'.",
)
@click.option(
    "--anchors",
    help="Analogue anchors, comma-separated MONTH[=NAME] (e.g. 2012-09=Diaoyu,2019-06).",
)
@click.option(
    "--events",
    "events_file",
    type=click.Path(dir_okay=False),
    help="Event log (like events_712.csv): monthly event scores under the history.",
)
@click.option(
    "--source-note",
    help="The report's data-source line (default: the Tsinghua Institute of International "
    "Relations' database for scores on its scale; the demo says its data are synthetic).",
)
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output folder.")
@record_option
@workers_option("--dyad all / A,B,C")
def outlook(
    data: str | None,
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
    source_note: str | None,
    out: str,
    record_location: str | None,
    workers: int,
    **source: str | None,
) -> None:
    """Write the outlook report (HTML, Markdown, Word, PNG, CSV, JSON) for one dyad to --out;
    with --dyad all or A,B,C, an overview of every dyad and each dyad's report (docs/panel.md)."""
    check_record_value(record_location, data)
    if not track_record.strip():
        raise click.UsageError(
            "--track-record '' names nothing; give a backtest CSV, 'compute' or 'none'"
        )
    options = {k: v for k, v in locals().items() if k not in ("data", "source")}
    if is_panel_request(source["dyad"]):
        return click.echo(panel_outlook_command(data, source, options))
    series, _ = load_series(data, source)  # validates the options, says what the cut left out
    with opened_record(record_location) as rec:
        spec = outlook_spec(data, source, options)
        from_record = None
        if rec is not None and track_record.lower() == "compute":
            panel = None
            if data is not None:  # pooled over DATA's dyads
                panel = load_panel(Path(data), until=series.index[-1], **load_arguments(source))
            from_record = _record_track(rec, model, series, panel)
        result = run_outlook_spec(spec, series=series, track_record=from_record)
        head = result.questions.iloc[0]
        p_text = f"{head['p']:.3f} ± {head['se']:.3f}"
        if head["observed"]:
            p_text = f"1 (observed {head['observed']})"
        question = _question_words(head["question"])
        click.echo(
            f"{series.name}, window {result.summary['window']}: P({question}) = {p_text} "
            f"(baseline); report: {result.files['report.html']}"
        )
        record_outlook(rec, result, model=model)


def _record_track(rec, model: str, series: pd.Series, panel: pd.DataFrame | None):
    """The record's scored forecasts of this model up to the as-of month, pooled over the
    dyads of DATA (``None`` when the record holds none: the track record is then computed)."""
    table = rec.backtest_table(
        model=model, until=series.index[-1], data=panel if panel is not None else series
    )
    table.attrs["source"] = Path(rec.where).name if "://" not in rec.where else rec.where
    table.attrs["kind"] = "record"  # the report says "the forecast record", not the file name
    return table if len(table) else None


def _question_words(code: str) -> str:
    kind, _, t = code.partition(":")
    return {
        "ever-below": f"cross {t}",
        "ever-at-or-above": f"back at {t} or above",
    }.get(kind, code)
