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
    if out is not None:  # refused before the scores are printed, not after
        OutputFolder(out, kind="evaluation").check_target()
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
    notes = _notes(ev, len(table), data)
    for note in notes:
        click.echo(f"relforecast: note: {note}", err=True)
    if out is not None:
        import matplotlib

        matplotlib.use("Agg")
        with OutputFolder(out, kind="evaluation") as folder:
            ev.by_horizon().to_csv(folder.path("by_horizon.csv"), float_format="%.5g")
            ev.summary().to_csv(folder.path("summary.csv"), float_format="%.5g")
            ev.reliability().to_csv(folder.path("reliability.csv"), float_format="%.5g")
            ev.pit_histogram().to_csv(folder.path("pit.csv"), float_format="%.5g")
            if notes:  # why a cell is empty or a row missing, next to the tables
                folder.write("notes.txt", "".join(f"{n}\n" for n in notes))
            for name, draw in (
                ("reliability.png", ev.plot_reliability),
                ("pit.png", ev.plot_pit),
            ):
                ax = draw()
                ax.figure.savefig(folder.path(name), dpi=110, bbox_inches="tight")
            folder.commit()
        click.echo(f"wrote tables and figures to {out}")


def _notes(ev, rows: int, data: str) -> list[str]:
    """What the tables leave out: rows whose target DATA does not hold yet, and a Brier score
    that is empty (NaN; its ``brier_cases`` is 0) because no scored row asked a live question.
    Printed on stderr and, with ``--out``, written to ``notes.txt``."""
    notes = []
    unscored = int(ev.scores.attrs.get("unscored", 0))
    if unscored:
        notes.append(
            f"{unscored} of {rows} backtest rows are not scored: their target is not observed "
            f"in {data!r}"
        )
    return notes + ev.brier_notes()
