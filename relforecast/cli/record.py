"""``relforecast record list|show|score|backfill|export`` and the ``--record`` option.

``--record PATH|URL`` on ``relforecast forecast`` and ``relforecast outlook`` stores what was
published; alone (``--record``) it means the default record (``$RELFORECAST_RECORD``, else
``relforecast-record.sqlite`` in the current folder). The record is opened — and checked —
before the slow work starts, so a bad record fails fast; the forecast is recorded after it is
printed or written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import pandas as pd

from relforecast.cli.options import published_model_option, workers_option
from relforecast.cli.panel_forecast import dyad_names
from relforecast.cli.source import load_arguments, source_options
from relforecast.data import load_panel
from relforecast.exceptions import RecordError
from relforecast.forecast import Forecast
from relforecast.report.writer import OutputFolder
from relforecast.shocks import ShockCalendar

if TYPE_CHECKING:  # the record (SQLAlchemy) is imported when a command uses one
    from relforecast.record.entry import EntryFacts
    from relforecast.record.store import Record

__all__ = [
    "check_record_value",
    "open_record",
    "opened_record",
    "record",
    "record_forecast",
    "record_option",
    "record_outlook",
]

_RECORD_HELP = (
    "Forecast record: an SQLite file or a database URL (postgresql+psycopg://…). "
    "Default: $RELFORECAST_RECORD, else relforecast-record.sqlite here."
)


def record_option(func):
    """``--record [PATH|URL]`` for the commands that publish (value optional)."""
    return click.option(
        "--record",
        "record_location",
        is_flag=False,
        flag_value="",
        default=None,
        metavar="PATH|URL",
        help="Store what is published in this forecast record (alone: the default record).",
    )(func)


def _location(value: str | None) -> str:
    from relforecast.record.store import default_location

    return value if value else default_location()


def open_record(value: str | None, *, create: bool = True) -> Record | None:
    """The record ``--record`` names (``None`` when the option was not given)."""
    if value is None:
        return None
    from relforecast.record.store import Record

    return _said_if_upgraded(Record(_location(value), create=create))


@contextmanager
def opened_record(value: str | None) -> Iterator[Record | None]:
    """``--record`` opened for one run (``None`` when not given). A record file the run
    created is deleted again, with SQLite's side files, when the run fails: a refused or failed
    command leaves no empty record behind."""
    if value is None:
        yield None
        return
    from relforecast.record.schema import is_url

    location = _location(value)
    fresh = not is_url(location) and not Path(location).exists()
    rec = open_record(value)
    try:
        yield rec
    except BaseException:
        rec.close()
        if fresh:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(location + suffix).unlink(missing_ok=True)
        raise


def check_record_value(record_location: str | None, data: str | None) -> None:
    """``--record`` takes an optional value, so ``--record DATA.csv`` (no DATA before it)
    reads the data file as the record: say so instead of asking for a DATA file."""
    if data is None and record_location and record_location.lower().endswith((".csv", ".txt")):
        raise click.UsageError(
            f"--record took {record_location!r} as the record's path and left no DATA; put DATA "
            "before --record, or write --record=PATH"
        )


def _said_if_upgraded(rec: Record) -> Record:
    if rec.upgraded_from is not None:
        click.echo(
            f"relforecast: note: upgraded the record {rec.where} from schema version "
            f"{rec.upgraded_from} to {rec.schema_version}; older relforecast releases cannot "
            "open it any more (upgrade them: pip install -U relforecast)",
            err=True,
        )
    return rec


def _say_recorded(rec: Record, added: Any) -> None:
    verb = (
        "recorded as"
        if added.new
        else "already recorded (same data, shocks, as-of, model, seed) as"
    )
    extra = ""
    if added.added_questions:
        extra = f"; added the questions it also answers: {', '.join(added.added_questions)}"
    click.echo(f"relforecast: {verb} forecast #{added.id} in {rec.where}{extra}", err=True)


def record_forecast(rec: Record | None, fc: Forecast, facts: EntryFacts) -> None:
    """Record what ``relforecast forecast`` printed (no-op without ``--record``)."""
    if rec is None:
        return
    with rec:
        added = rec.add(fc, facts)
        _say_recorded(rec, added)


def record_outlook(rec: Record | None, result: Any, *, model: str) -> None:
    """Record the outlook ``relforecast outlook`` wrote (no-op without ``--record``)."""
    if rec is None:
        return
    with rec:
        added = rec.add(result, model=model, source="outlook")
        _say_recorded(rec, added)


def _where_option(func):
    return click.option(
        "--record",
        "record_location",
        default=None,
        metavar="PATH|URL",
        help=_RECORD_HELP,
    )(func)


def _read(value: str | None) -> Record:
    """The record, opened read-only (so that a read-only file or folder can be read); an
    older record that must be upgraded first is opened for writing, as any command would."""
    from relforecast.record.schema import OlderRecordError
    from relforecast.record.store import Record

    try:
        return Record(_location(value), create=False, read_only=True)
    except OlderRecordError:
        return _said_if_upgraded(Record(_location(value), create=False))


def _names(text: str | None) -> list[str] | None:
    return [p.strip() for p in text.split(",") if p.strip()] if text else None


@click.group("record")
def record() -> None:
    """The forecast record: list, show, score, backfill and export recorded forecasts."""


def _headline(rec: Record, meta: pd.DataFrame) -> pd.DataFrame:
    """Each forecast's headline question (cross_T, or back_above_T below T) and its answer."""
    qs = rec.table("questions", list(meta.index))
    out = []
    for fid, row in meta.iterrows():
        mine = qs[qs["forecast_id"] == fid].set_index("name")["probability"]
        t = row["threshold"]
        for name in (f"cross_{t:g}", f"back_above_{t:g}"):
            if name in mine.index:
                out.append((name, float(mine[name])))
                break
        else:
            out.append(("-", float("nan")))
    return pd.DataFrame(out, index=meta.index, columns=["question", "probability"])


@record.command("list")
@_where_option
@click.option("--dyad", help="Only these dyads (comma-separated).")
@click.option("--model", help="Only these model labels (comma-separated).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
def list_(record_location: str | None, dyad: str | None, model: str | None, fmt: str) -> None:
    """One line per recorded forecast."""
    with _read(record_location) as rec:
        meta = rec.forecasts(dyad=_names(dyad), model=_names(model))
        head = _headline(rec, meta)
        if meta.empty and (dyad or model):
            everything = rec.forecasts()
    if meta.empty and (dyad or model) and not everything.empty:
        raise RecordError(
            f"no forecast recorded for --dyad {dyad or 'any'} --model {model or 'any'}; the "
            f"record holds dyads {', '.join(sorted(everything['dyad'].unique()))} and models "
            f"{', '.join(sorted(everything['model'].unique()))}"
        )
    table = pd.concat(
        [
            meta[
                [
                    "dyad",
                    "as_of",
                    "window_first",
                    "window_last",
                    "model",
                    "seed",
                    "n_paths",
                    "source",
                    "created",
                ]
            ],
            head,
        ],
        axis=1,
    )
    if fmt == "csv":
        click.echo(table.to_csv().rstrip("\n"))
    elif fmt == "json":
        click.echo(table.reset_index().to_json(orient="records", indent=2, force_ascii=False))
    elif table.empty:
        click.echo("no forecasts recorded" + (" for that dyad/model" if dyad or model else ""))
    else:
        click.echo(table.to_string(float_format=lambda v: f"{v:.3f}"))


@record.command()
@_where_option
@click.argument("forecast_id", type=int)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def show(record_location: str | None, forecast_id: int, fmt: str) -> None:
    """Everything recorded of forecast FORECAST_ID (see `relforecast record list`)."""
    with _read(record_location) as rec:
        doc = rec.show(forecast_id)
    f = doc["forecast"]
    if fmt == "json":
        out = {"forecast": f}
        out.update(
            {
                k: json.loads(doc[k].to_json(orient="records"))
                for k in ("questions", "months", "crossings")
            }
        )
        click.echo(json.dumps(out, indent=2, ensure_ascii=False, default=str))
        return
    lines = [
        f"forecast #{f['id']}: {f['dyad']}, as of {f['as_of']}, window "
        f"{f['window_first']}:{f['window_last']}",
        f"model {f['model']} ({f['model_name']}), {f['n_paths']} paths, seed {f['seed']}, "
        f"source {f['source']}, recorded {f['created']} by relforecast {f['relforecast_version']}",
        f"data {f['data_first']}..{f['as_of']} ({f['data_months']} months), sha256 "
        f"{f['data_sha256'][:16]}…, last value {f['last_value']}",
        f"shocks: {_shocks_text(f.get('shocks_sha256'))}",
        "",
        "questions:",
        doc["questions"][["name", "first", "last", "probability", "mc_se"]].to_string(
            index=False, float_format=lambda v: f"{v:.4f}"
        ),
        "",
        "months:",
        doc["months"][
            ["month", "h", "mean", "q10", "q50", "q90", "p_confrontation", "p_tension"]
        ].to_string(index=False, float_format=lambda v: f"{v:.3f}"),
    ]
    if f["scenarios"]:
        lines += ["", *_scenario_lines(f["scenarios"])]
    click.echo("\n".join(lines))


def _shocks_text(fingerprint: str | None) -> str:
    if fingerprint is None or (isinstance(fingerprint, float) and pd.isna(fingerprint)):
        return "not known (recorded before record schema version 2)"
    return f"sha256 {fingerprint[:16]}…" if fingerprint else "none"


def _scenario_lines(scenarios: Any) -> list[str]:
    """An outlook's scenarios as a table (weight, P(cross), median at the end); anything
    else recorded as scenarios as its JSON text."""
    results = scenarios.get("results") if isinstance(scenarios, dict) else None
    if not isinstance(results, dict) or not results:
        return ["scenarios: " + json.dumps(scenarios, ensure_ascii=False)]
    weights = {
        d.get("name"): d.get("probability")
        for d in scenarios.get("definitions", [])
        if isinstance(d, dict)
    }
    rows = []
    order = ["baseline", *(n for n in weights if n != "baseline")]
    names = [n for n in order if n in results] + [n for n in results if n not in order]
    for name in names:
        result = results[name]
        p, se = result.get("p_cross"), result.get("p_cross_se")
        weight = weights.get(name)
        rows.append(
            {
                "scenario": name,
                "weight": "" if weight is None else f"{weight:g}",
                "P(cross)": "" if p is None else f"{p:.3f} ± {se or 0:.3f}",
                "median at end": ""
                if result.get("median_end") is None
                else f"{result['median_end']:.2f}",
            }
        )
    return ["scenarios:", pd.DataFrame(rows).to_string(index=False)]


@record.command()
@_where_option
@click.argument("data", type=click.Path(dir_okay=False))
@source_options
@click.option("--dyad", help="Only these dyads (comma-separated).")
@click.option("--model", help="Only these model labels (comma-separated).")
@click.option(
    "--by",
    type=click.Choice(["dyad", "year"]),
    default="dyad",
    show_default=True,
    help="Summary per dyad and model, or per as-of year and model.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Folder for the score tables and the reliability diagram.",
)
def score(
    record_location: str | None,
    data: str,
    dyad: str | None,
    model: str | None,
    by: str,
    out: str | None,
    **source: Any,
) -> None:
    """Score every recorded forecast against DATA, as far as each window is observed."""
    if out is not None:  # refused before the scores are printed, not after
        OutputFolder(out, kind="record scores").check_target()
    panel = load_panel(Path(data), **load_arguments(source))
    with _read(record_location) as rec:
        scores = rec.score(panel, dyad=_names(dyad), model=_names(model))
    for note in scores.notes:
        click.echo(f"relforecast: note: {note}", err=True)
    keys = ["dyad", "model"] if by == "dyad" else ["year", "model"]
    summary = scores.summary(keys)
    shown = summary[
        [
            "forecasts",
            "resolved",
            "open",
            "brier_cross-6",
            "n_cross-6",
            "log_all",
            "n_questions",
            "cov50@12",
            "cov80@12",
            "crps@12",
            "rps",
        ]
    ]
    click.echo(shown.to_string(float_format=lambda v: f"{v:.4f}"))
    if out is None:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tables = {
        "summary.csv": summary,
        "by_year.csv": scores.summary(["year", "model"]),
        "forecasts.csv": scores.forecasts,
        "questions.csv": scores.questions,
        "months.csv": scores.months,
        "reliability.csv": scores.reliability(),
    }
    ax = scores.plot_reliability()
    try:
        with OutputFolder(out, kind="record scores") as folder:
            for name, table in tables.items():
                keep_index = not isinstance(table.index, pd.RangeIndex)  # row numbers: not data
                table.to_csv(folder.path(name), index=keep_index, float_format="%.6g")
            ax.figure.savefig(
                folder.path("reliability.png"), format="png", dpi=110, bbox_inches="tight"
            )
            folder.commit()
    finally:
        plt.close(ax.figure)
    click.echo(f"wrote {', '.join([*tables, 'reliability.png'])} to {folder}")


@record.command("backfill")
@_where_option
@click.argument("data", type=click.Path(dir_okay=False))
@source_options
@click.option("--dyad", required=True, help="Dyads, comma-separated, or 'all'.")
@click.option(
    "--origins",
    default="1995-06:2024-06",
    show_default=True,
    help="As-of months, e.g. 1995-06:2024-06.",
)
@click.option("--every", type=click.IntRange(1, 120), default=12, show_default=True)
@published_model_option
@click.option("--paths", type=click.IntRange(100, 1_000_000), default=10_000, show_default=True)
@click.option(
    "--seed",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Base seed; each (dyad, origin) records its own seed derived from it.",
)
@click.option(
    "--thresholds",
    default="-6,-3,0,3",
    show_default=True,
    help="Comma-separated scores: each row gets P(below T within h months), column cross_T.",
)
@click.option(
    "--leaders",
    "leaders_file",
    type=click.Path(dir_okay=False),
    help="Leaders table: leader-change shocks, cut at each origin.",
)
@click.option(
    "--shocks",
    "shocks_file",
    type=click.Path(dir_okay=False),
    help="YAML shock calendar, cut at each origin.",
)
@workers_option("the forecasts")
def backfill_(
    record_location: str | None,
    data: str,
    dyad: str,
    origins: str,
    every: int,
    model: str,
    paths: int,
    seed: int,
    thresholds: str,
    leaders_file: str | None,
    shocks_file: str | None,
    workers: int,
    **source: Any,
) -> None:
    """Record the outlook that would have been published at each past origin (no hindsight)."""
    try:
        levels = [float(t) for t in thresholds.split(",") if t.strip()]
    except ValueError as exc:
        raise click.UsageError(
            f"--thresholds takes numbers separated by commas, got {thresholds!r}"
        ) from exc
    wanted = dyad_names(dyad)
    panel = load_panel(Path(data), wanted, **load_arguments(source))
    shocks: dict[str, ShockCalendar] | None = None
    if leaders_file is not None or shocks_file is not None:
        base = ShockCalendar.from_yaml(shocks_file) if shocks_file is not None else None
        shocks = {}
        for name in panel.columns:
            parts = [base] if base is not None else []
            if leaders_file is not None:
                parts.append(ShockCalendar.from_leaders(leaders_file, str(name)))
            shocks[str(name)] = parts[0] if len(parts) == 1 else parts[0] + parts[1]
    from relforecast.record.backfill import backfill as run_backfill
    from relforecast.record.store import Record

    with Record(_location(record_location)) as rec:
        result = run_backfill(
            rec,
            panel,
            origins,
            every=every,
            model=model,
            n_paths=paths,
            rng=seed,
            shocks=shocks,
            thresholds=levels,
            scale=source["scale"],
            workers=workers,
            progress=True,
        )
        for note in result.notes:
            click.echo(f"relforecast: note: {note}", err=True)
        if not result.added and not result.existing:
            raise RecordError(
                f"no forecast recorded: none of the origins {origins!r} could be forecast "
                "(see the notes above); choose origins inside the data"
            )
        click.echo(
            f"recorded {len(result.added)} forecasts in {rec.where} "
            f"({len(result.existing)} already there, {len(result.notes)} skipped)"
        )


@record.command()
@_where_option
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True
)
def export(record_location: str | None, out: str, fmt: str) -> None:
    """Write the record's tables (and its backtest-contract view) as CSV or Parquet."""
    with _read(record_location) as rec, OutputFolder(out, kind="record export") as folder:
        files = rec.export(folder.tmp, fmt)
        for path in files.values():
            folder.path(path.name)
        folder.commit()
    click.echo(f"wrote {', '.join(p.name for p in files.values())} to {out}")


def outlook_csv_hint(path: str, columns: set[str]) -> str | None:
    """The message for an outlook's forecast.csv given to ``relforecast evaluate``."""
    if {"scenario", "month"} <= columns:
        return (
            f"{path} is an outlook's forecast.csv, not a backtest CSV: evaluate scores the CSV "
            "written by `relforecast backtest … --out FILE.csv`. To score published outlooks, "
            "record them (`relforecast outlook … --record PATH`) and run `relforecast record "
            "score DATA --record PATH`; `relforecast record backfill` records past Junes"
        )
    return None
