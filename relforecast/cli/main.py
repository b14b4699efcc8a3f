"""The ``relforecast`` command.

Errors print one line on stderr and exit non-zero, never a traceback::

    relforecast forecast                       # the embedded synthetic demo
    relforecast forecast data.csv --dyad Japan --shocks shocks.yaml --format json
"""

from __future__ import annotations

import signal
import sys
import warnings
from pathlib import Path

import click
import pandas as pd

from relforecast._blas import single_blas_thread
from relforecast._files import replacing
from relforecast._jsontext import json_text
from relforecast._version import __version__
from relforecast.asof import as_of
from relforecast.cli.events import events as events_command
from relforecast.cli.options import published_model_option, workers_option
from relforecast.cli.panel_forecast import (
    dyad_names,
    is_panel_request,
    panel_forecast_command,
)
from relforecast.cli.panel_outlook import panel_outlook_command
from relforecast.cli.record import (
    check_record_value,
    open_record,
    outlook_csv_hint,
    record,
    record_forecast,
    record_option,
    record_outlook,
)
from relforecast.cli.source import load_arguments, model_for, source_options
from relforecast.cli.update import update as update_command
from relforecast.data import load_panel, load_scores, read_csv_file
from relforecast.datasets import demo, demo_shocks
from relforecast.evaluation.backtest import REFIT_EVERY
from relforecast.evaluation.backtest import backtest as run_backtest
from relforecast.evaluation.scores import evaluate as run_evaluate
from relforecast.evaluation.scores import validate_backtest
from relforecast.exceptions import (
    DataError,
    RelforecastError,
    RelforecastWarning,
    Terminated,
    sigterm_unwinds,
)
from relforecast.forecast import Forecast, check_threshold
from relforecast.models.registry import make_model, model_help
from relforecast.panel.parallel import ENGINES
from relforecast.periods import to_month
from relforecast.report.edition import shocks_from_file, spec_from_options
from relforecast.report.update import run_spec
from relforecast.report.writer import OutputFolder
from relforecast.shocks import ShockCalendar

__all__ = ["cli", "main", "run"]


def _load(data: str | None, source: dict) -> tuple[pd.Series, ShockCalendar | None]:
    """Series and shock calendar from the data options; the demo when no DATA is given."""
    dyad, until = source["dyad"], source["until"]
    shocks_file, leaders_file = source["shocks_file"], source["leaders_file"]
    if data is None:
        if dyad is not None:
            raise click.UsageError("--dyad needs a DATA file (without DATA the demo is used)")
        series, calendar = demo(), demo_shocks()
    else:
        series, calendar = load_scores(Path(data), dyad, **load_arguments(source)), None
    if until is not None and to_month(until, "--until") < series.index[0]:
        raise click.UsageError(f"--until {until} is before the first month of the data")
    if shocks_file is not None:  # relative starts (+2) count from the as-of month
        month = to_month(until, "--until") if until is not None else series.index[-1]
        calendar = shocks_from_file(shocks_file, month)
    if leaders_file is not None:
        leaders = ShockCalendar.from_leaders(leaders_file, str(dyad or series.name))
        calendar = leaders if shocks_file is None else calendar + leaders
    # one as-of cut for every dated input (default: the data's last month)
    cut = as_of(until, series=series, calendar=calendar)
    if any(cut.dropped.values()):
        click.echo(f"relforecast: {cut.describe()}", err=True)
    return cut.series, cut.calendar


def _engine_options(func):
    """--engine and --scheduler: where the work of several dyads runs (docs/panel.md)."""
    options = [
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            help="loky processes on this machine (default) or a Dask cluster.",
        ),
        click.option(
            "--scheduler",
            help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies --engine dask).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _data_options(func):
    """The options that say which series and shocks to use (shared by the commands)."""
    options = [
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
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="relforecast")
def cli() -> None:
    """Forecast monthly bilateral relation scores (Tsinghua scale, -9 ... 9)."""


@cli.command()
@click.argument("data", required=False, type=click.Path(dir_okay=False))
@_data_options
@published_model_option
@click.option("--horizon", type=click.IntRange(1, 120), default=12, show_default=True)
@click.option(
    "--paths",
    type=click.IntRange(1, 1_000_000),
    default=10_000,
    show_default=True,
    help="Number of simulated paths.",
)
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True, help="Random seed.")
@click.option(
    "--threshold",
    type=float,
    default=-6.0,
    show_default=True,
    help="Crossing threshold (strictly below counts).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@record_option
@workers_option("--dyad all / A,B,C")
@_engine_options
def forecast(
    data: str | None,
    model: str,
    horizon: int,
    paths: int,
    seed: int,
    threshold: float,
    fmt: str,
    record_location: str | None,
    workers: int,
    engine: str | None,
    scheduler: str | None,
    **source: str | None,
) -> None:
    """Simulate HORIZON months ahead of DATA (default: the synthetic demo).

    With --dyad all or --dyad A,B,C every dyad is forecast (docs/panel.md)."""
    check_record_value(record_location, data)
    spec = make_model(model, scale=source["scale"])
    check_threshold(threshold, getattr(spec, "scale", None))  # before the slow fit
    if is_panel_request(source["dyad"]):
        if record_location is not None:
            raise click.UsageError(
                "--record keeps one dyad's forecast; record the dyads one at a time"
            )
        options = {"model": model_for(model, source), "horizon": horizon, "paths": paths}
        click.echo(
            panel_forecast_command(
                data,
                **options,
                seed=seed,
                threshold=threshold,
                fmt=fmt,
                workers=workers,
                engine=engine,
                scheduler=scheduler,
                source=source,
            )
        )
        return
    series, calendar = _load(data, source)
    rec = open_record(record_location)
    fit = spec.fit(series, shocks=calendar)
    fc = fit.forecast(horizon, n_paths=paths, rng=seed)
    click.echo(_render(fc, fit.name, threshold, seed, fmt))
    record_forecast(
        rec,
        fc,
        series,
        model=model,
        model_name=fit.name,
        model_params=fit.params,
        seed=seed,
        threshold=threshold,
        shocks=calendar,
    )


def _render(fc: Forecast, model: str, threshold: float, seed: int, fmt: str) -> str:
    p, se = fc.prob_cross(threshold), fc.mc_se(threshold)
    table = fc.to_frame(threshold=threshold)
    if fmt == "csv":
        return table.to_csv(float_format="%.4f").rstrip("\n")
    name = str(fc.history.name) if fc.history is not None else ""
    if fmt == "json":
        doc = {
            "dyad": name,
            "model": model,
            "origin": str(fc.history.index[-1]),
            "horizon": fc.horizon,
            "n_paths": fc.n_paths,
            "seed": seed,
            "threshold": threshold,
            "prob_cross": p,
            "prob_cross_mc_se": se,
            "months": [
                {
                    "month": str(m),
                    **{k: (v if isinstance(v, str) else float(v)) for k, v in row.items()},
                }
                for m, row in table.iterrows()
            ],
        }
        return json_text(doc)
    head = (
        f"{name}: {model}, data to {fc.history.index[-1]}, {fc.n_paths} paths, seed {seed}\n"
        f"P(score < {threshold:g} within {fc.horizon} months) = {p:.3f} "
        f"(Monte Carlo s.e. {se:.3f})\n"
    )
    cols = [
        "mean",
        "q10",
        "q50",
        "q90",
        f"p_below_{threshold:g}",
        f"p_cross_{threshold:g}",
        "level",
    ]
    return head + table[cols].to_string(float_format=lambda v: f"{v:6.2f}")


@cli.command()
@click.argument("data", required=False, type=click.Path(dir_okay=False))
@_data_options
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
    if is_panel_request(source["dyad"]):
        options = {k: v for k, v in locals().items() if k not in ("data", "source")}
        return click.echo(panel_outlook_command(data, source=source, **options))
    series, _ = _load(data, source)  # validates the options, says what the cut left out
    rec = open_record(record_location)
    spec = spec_from_options(
        data,
        source,
        files={
            "scenarios": scenarios_file,
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
        track_record=track_record,
        anchors=tuple(anchors.split(",")) if anchors else (),
        out=out,
        record=record_location,
        workers=workers,
        source_note=source_note,
    )
    from_record = None
    if rec is not None and track_record.lower() == "compute":
        panel = None
        if data is not None:  # pooled over DATA's dyads
            panel = load_panel(Path(data), **load_arguments(source))
        from_record = _record_track(rec, model, series, panel)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RelforecastWarning)
        result = run_spec(
            spec,
            series=series,
            track_record=from_record,
            progress=lambda msg: click.echo(f"relforecast: {msg}", err=True),
        )
    for w in caught:
        if issubclass(w.category, RelforecastWarning):
            click.echo(f"relforecast: warning: {_one_line(w.message)}", err=True)
    head = result.questions.iloc[0]
    p_text = f"{head['p']:.3f} ± {head['se']:.3f}"
    if head["observed"]:
        p_text = f"1 (observed {head['observed']})"
    click.echo(
        f"{series.name}, window {result.summary['window']}: P({_question_words(head['question'])})"
        f" = {p_text} (baseline); report: {result.files['report.html']}"
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


def _floats(text: str, option: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError as exc:
        raise click.UsageError(f"{option} takes numbers separated by commas, got {text!r}") from exc


@cli.command()
@click.argument("data", type=click.Path(dir_okay=False))
@click.option("--dyad", required=True, help="Dyad(s), comma-separated (Japan,US), or all.")
@source_options
@click.option("--origins", required=True, help="Span of origins, e.g. 1995-06:2024-06.")
@click.option(
    "--every",
    type=click.IntRange(1, 120),
    default=12,
    show_default=True,
    help="Months between origins.",
)
@click.option("--horizon", type=click.IntRange(1, 120), default=12, show_default=True)
@click.option(
    "--model",
    default="auto",
    show_default=True,
    help=f"Model name(s), comma-separated. {model_help()}.",
)
@click.option("--thresholds", default="-6,-3,0,3", show_default=True)
@click.option("--paths", type=click.IntRange(100, 1_000_000), default=2000, show_default=True)
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True)
@click.option(
    "--refit-every",
    type=click.IntRange(1, 120),
    default=REFIT_EVERY,
    show_default=True,
    help="Re-estimate every this many origins; apply the estimates in between (the default "
    "re-estimates at every origin, as a forecast made then would have been: docs/evaluation.md).",
)
@workers_option("the backtest's blocks")
@_engine_options
@click.option(
    "--store",
    type=click.Path(file_okay=False),
    help="Parquet folder: blocks are written as they finish; a rerun resumes (docs/panel.md).",
)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Output CSV.")
def backtest(
    data: str,
    dyad: str,
    origins: str,
    every: int,
    horizon: int,
    model: str,
    thresholds: str,
    paths: int,
    seed: int,
    refit_every: int,
    workers: int,
    engine: str | None,
    scheduler: str | None,
    store: str | None,
    out: str,
    **source: object,
) -> None:
    """Rolling-origin backtest of DATA; one CSV row per (dyad, model, origin, h)."""
    names = dyad_names(dyad)
    panel = load_panel(Path(data), names, **load_arguments(source))
    try:
        table = run_backtest(
            panel,
            [m.strip() for m in model.split(",")],
            origins,
            horizon,
            every=every,
            thresholds=_floats(thresholds, "--thresholds"),
            n_paths=paths,
            rng=seed,
            refit_every=refit_every,
            scale=source["scale"],
            workers=workers,
            engine=engine,
            scheduler=scheduler,
            store=store,
            progress=True,
        )
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: say what is kept, then stop as asked
        if store is not None:
            click.echo(
                f"relforecast: the finished blocks are kept in {store}; rerun the same "
                "command to resume",
                err=True,
            )
        raise
    with replacing(out) as tmp:
        table.to_csv(tmp, index=False, float_format="%.5g")
    for note in table.attrs.get("notes", []):
        click.echo(f"relforecast: note: {note}", err=True)
    blocks = table.attrs.get("blocks")
    if blocks and blocks["from_store"]:
        click.echo(
            f"relforecast: resumed: {blocks['from_store']} of {blocks['total']} blocks were "
            f"already in {store}, {blocks['total'] - blocks['from_store']} computed",
            err=True,
        )
    click.echo(f"wrote {len(table)} rows to {out}")


@cli.command()
@click.argument("backtest_csv", type=click.Path(dir_okay=False, exists=True))
@click.argument("data", type=click.Path(dir_okay=False))
@source_options
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Folder for the score tables and the reliability / PIT figures.",
)
def evaluate(backtest_csv: str, data: str, out: str | None, **source: object) -> None:
    """Score a backtest CSV against the observed DATA (CRPS, coverage, Brier, PIT)."""
    table = read_csv_file(backtest_csv, "backtest CSV", dtype={"origin": str, "target": str})
    hint = outlook_csv_hint(backtest_csv, set(table.columns))
    if hint is not None:
        raise click.UsageError(hint)
    table = validate_backtest(table, f"backtest CSV {backtest_csv!r}")
    dyads = sorted(table["dyad"].astype(str).unique())
    ev = run_evaluate(table, load_panel(Path(data), dyads, **load_arguments(source)))
    if ev.scores.empty:
        raise DataError(
            f"no row of {backtest_csv!r} can be scored: its targets "
            f"({table['target'].min()} ... {table['target'].max()}) are not observed in "
            f"{data!r}; score it once the data covers them"
        )
    click.echo(ev.summary().round(4).to_string())
    if out is not None:
        import matplotlib

        matplotlib.use("Agg")
        with OutputFolder(out, kind="evaluation") as folder:
            ev.by_horizon().to_csv(folder.path("by_horizon.csv"), float_format="%.5g")
            ev.summary().to_csv(folder.path("summary.csv"), float_format="%.5g")
            ev.reliability().to_csv(folder.path("reliability.csv"), float_format="%.5g")
            ev.pit_histogram().to_csv(folder.path("pit.csv"), float_format="%.5g")
            for name, draw in (
                ("reliability.png", ev.plot_reliability),
                ("pit.png", ev.plot_pit),
            ):
                ax = draw()
                ax.figure.savefig(folder.path(name), dpi=110, bbox_inches="tight")
            folder.commit()
        click.echo(f"wrote tables and figures to {out}")


cli.add_command(events_command)


cli.add_command(record)
cli.add_command(update_command)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning every error into one line on stderr."""
    try:
        # many small matrix products: BLAS threads only cost (blas.py)
        with sigterm_unwinds(), single_blas_thread():
            cli.main(args=argv, prog_name="relforecast", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, Terminated) or isinstance(exc.__context__, Terminated):
            click.echo("relforecast: terminated", err=True)
            return 128 + signal.SIGTERM
        click.echo("relforecast: aborted", err=True)
        return 130
    except Terminated:
        click.echo("relforecast: terminated", err=True)
        return 128 + signal.SIGTERM
    except click.ClickException as exc:
        click.echo(f"relforecast: error: {_one_line(exc.format_message())}", err=True)
        return exc.exit_code
    except RelforecastError as exc:
        click.echo(f"relforecast: error: {_one_line(exc)}", err=True)
        return 1
    except (OSError, ValueError) as exc:
        click.echo(f"relforecast: error: {_one_line(exc)}", err=True)
        return 1
    except Exception as exc:  # last resort: still one line, never a traceback
        click.echo(
            f"relforecast: internal error ({type(exc).__name__}): {_one_line(exc)}; "
            "please report it",
            err=True,
        )
        return 3
    return 0


def run() -> None:
    """Console-script entry point (``relforecast``)."""
    sys.exit(main())
