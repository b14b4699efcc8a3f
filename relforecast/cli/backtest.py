"""``relforecast backtest``: the rolling-origin backtest of DATA into one CSV.

The options become a :class:`~relforecast.BacktestSpec`; the backtest runs in blocks of origins
(:mod:`relforecast.evaluation.backtest`), in this process, on loky workers or a Dask cluster,
into a ``--store`` that a rerun resumes from. The settings, the thresholds and ``--out`` are
checked before any model is fitted: a folder for ``--out`` that does not exist is refused
then, not after the run.
"""

from __future__ import annotations

from pathlib import Path

import click

from relforecast._files import check_parent, replacing
from relforecast.cli.options import engine_options, workers_option
from relforecast.cli.panel_forecast import dyad_names
from relforecast.cli.source import load_arguments, source_options
from relforecast.data import load_panel
from relforecast.evaluation.backtest import REFIT_EVERY
from relforecast.evaluation.backtest import run_backtest as backtest_with
from relforecast.evaluation.spec import BacktestSpec
from relforecast.models.registry import model_help
from relforecast.panel.parallel import Execution
from relforecast.periods import MAX_HORIZON

__all__ = ["backtest"]


def _floats(text: str, option: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError as exc:
        raise click.UsageError(f"{option} takes numbers separated by commas, got {text!r}") from exc


@click.command()
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
@click.option("--horizon", type=click.IntRange(1, MAX_HORIZON), default=12, show_default=True)
@click.option(
    "--model",
    default="auto",
    show_default=True,
    help=f"Model name(s), comma-separated. {model_help()}.",
)
@click.option(
    "--thresholds",
    default="-6,-3,0,3",
    show_default=True,
    help="Comma-separated scores: each row gets P(below T within h months), column cross_T.",
)
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
@engine_options
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
    check_parent(out)  # before the slow part, not after it
    spec = BacktestSpec(
        every=every,
        thresholds=_floats(thresholds, "--thresholds"),
        n_paths=paths,
        rng=seed,
        refit_every=refit_every,
        scale=source["scale"],
        execution=Execution(workers=workers, engine=engine, scheduler=scheduler),
        store=store,
        progress=True,
    )
    names = dyad_names(dyad)
    panel = load_panel(Path(data), names, **load_arguments(source))
    models = [m.strip() for m in model.split(",")]
    try:
        table = backtest_with(panel, models, origins, horizon, spec)
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
