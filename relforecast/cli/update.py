"""``relforecast update PREVIOUS DATA --out NEW``: the next edition of an outlook.

The previous edition's ``spec.json`` says how it was made; the update runs the same job on
DATA (read with the same options) up to ``--until`` (default: DATA's last month), writes NEW
whole and never touches PREVIOUS (:func:`relforecast.report.edition.update`); an outlook
published with ``--record`` enters the new edition in the same record. ``--index DIR``
adds both editions to the index page in DIR (:mod:`relforecast.report.edition_index`),
scoring the editions whose window DATA covers.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import click

from relforecast.cli.record import open_record, record_outlook
from relforecast.exceptions import RelforecastWarning
from relforecast.report.spec import OutlookSpec
from relforecast.report.update import update as make_update

__all__ = ["update"]


@click.command()
@click.argument("previous", type=click.Path(file_okay=False, exists=True))
@click.argument("data", required=False, type=click.Path(dir_okay=False, exists=True))
@click.option("--out", required=True, type=click.Path(file_okay=False), help="The new edition.")
@click.option("--until", help="The new as-of month (default: the last month of DATA).")
@click.option("--window", help="Another window (default: the previous edition's).")
@click.option(
    "--scenarios",
    "scenarios_file",
    type=click.Path(dir_okay=False),
    help="Use this scenario file instead of the one the previous edition keeps.",
)
@click.option(
    "--shocks",
    "shocks_file",
    type=click.Path(dir_okay=False),
    help="Use this shocks file instead of the one the previous edition keeps.",
)
@click.option(
    "--leaders",
    "leaders_file",
    type=click.Path(dir_okay=False),
    help="Use this leaders table instead of the one the previous edition keeps.",
)
@click.option(
    "--track-record",
    "track_record",
    help="'compute', 'none' or a backtest CSV (default: the previous edition's table, "
    "rescored on DATA).",
)
@click.option(
    "--index",
    "index_folder",
    type=click.Path(file_okay=False),
    help="Folder of the editions' index (index.html, index.md): both editions are listed.",
)
def update(
    previous: str,
    data: str | None,
    out: str,
    until: str | None,
    window: str | None,
    scenarios_file: str | None,
    shocks_file: str | None,
    leaders_file: str | None,
    track_record: str | None,
    index_folder: str | None,
) -> None:
    """Make the next edition of the outlook in PREVIOUS on DATA, written whole to --out
    (PREVIOUS is only read; docs/outlook.md)."""
    given = {"scenarios": scenarios_file, "shocks": shocks_file, "leaders": leaders_file}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RelforecastWarning)
        result = make_update(
            previous,
            data,
            out,
            until=until,
            window=window,
            replace_inputs={k: v for k, v in given.items() if v is not None},
            track_record=track_record,
            progress=lambda msg: click.echo(f"relforecast: {msg}", err=True),
        )
    for w in caught:
        if issubclass(w.category, RelforecastWarning):
            click.echo(f"relforecast: warning: {' '.join(str(w.message).split())}", err=True)
    spec = OutlookSpec.read(out)
    if spec.record is not None and not spec.dyad_is_panel():  # published as the last one was
        record_outlook(open_record(spec.record), result, model=spec.model)
    if index_folder is not None:
        _index(index_folder, [previous, out], spec)
    changes = result.summary.get("changes")
    line = f"edition as of {result.summary['as_of']} written to {out}"
    if changes and "baseline" in changes["answers"]:
        row = changes["answers"]["baseline"]
        line += (
            f"; {changes['question']} (baseline): {row['then']:.3f} ± {row['then_se']:.3f} then, "
            f"{row['now']:.3f} ± {row['now_se']:.3f} now (new data {row['new_data']:+.3f}, "
            f"re-estimation {row['reestimation']:+.3f}, revisions {row['revisions']:+.3f})"
        )
    click.echo(line)


def _index(folder: str, editions: list[str], spec: OutlookSpec) -> None:
    """List the editions in the index ``folder``, scored with the data of ``spec``."""
    from relforecast.data import load_panel
    from relforecast.report.edition_index import write_index

    scores = None
    if spec.data.path is not None:
        scores = load_panel(Path(spec.data.path), **spec.data.columns())
    listed = write_index(folder, editions, data=scores, lang=spec.lang)
    click.echo(f"relforecast: index of {len(listed)} edition(s) in {Path(folder) / 'index.html'}")
