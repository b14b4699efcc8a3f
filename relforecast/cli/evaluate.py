"""``relforecast evaluate``: score a backtest CSV against the observed data (CRPS, coverage,
Brier score, PIT) and, with ``--out``, write the score tables and the reliability and PIT
figures (:mod:`relforecast.evaluation.scores`).
"""

from __future__ import annotations

from pathlib import Path

import click

from relforecast.cli.record import outlook_csv_hint
from relforecast.cli.source import load_arguments, source_options
from relforecast.data import load_panel, read_csv_file
from relforecast.evaluation.scores import evaluate as run_evaluate
from relforecast.evaluation.scores import validate_backtest
from relforecast.exceptions import DataError
from relforecast.report.writer import OutputFolder

__all__ = ["evaluate"]


@click.command()
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
    summary = ev.summary()
    click.echo(summary.round(4).to_string())
    _notes(ev, summary, len(table), data)
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


def _notes(ev, summary, rows: int, data: str) -> None:
    """Say what the summary leaves out: rows whose target DATA does not hold yet, and a Brier
    score that is empty (NaN) because no scored row asked a live question."""
    unscored = int(ev.scores.attrs.get("unscored", 0))
    if unscored:
        click.echo(
            f"relforecast: note: {unscored} of {rows} backtest rows are not scored: their "
            f"target is not observed in {data!r}",
            err=True,
        )
    brier = [c for c in summary.columns if c.startswith("brier@")]
    for column in brier:
        empty = [str(m) for m in summary.index[summary[column].isna()]]
        if empty:
            click.echo(
                f"relforecast: note: {column} is empty (NaN) for {', '.join(empty)}: no scored "
                "row asked a live question (a crossing needs an origin at or above its "
                "threshold)",
                err=True,
            )
