"""Run an :class:`~relforecast.OutlookSpec`, and make the next edition of an outlook.

:func:`run_spec` makes the outlook a spec describes — one dyad's
(:func:`relforecast.outlook`) or all partners' (:func:`relforecast.panel_outlook`) — as an
edition (:mod:`relforecast.report.edition`). :func:`update` is ``relforecast update``: the
previous edition's spec on new data, written whole to a new folder; the previous edition is
only read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from relforecast.exceptions import SpecError
from relforecast.report.edition import panel_job, same_folder, single_job, with_file
from relforecast.report.outlook import outlook
from relforecast.report.panel_outlook import panel_outlook
from relforecast.report.spec import OutlookSpec

__all__ = ["run_spec", "update"]


def run_spec(
    spec: OutlookSpec,
    *,
    series: pd.Series | None = None,
    previous: str | Path | None = None,
    track_record: Any = None,
    progress: Callable[[str], None] | None = None,
    created: Any = None,
) -> Any:
    """Make the outlook ``spec`` describes and write it, as an edition, to ``spec.out``.

    Parameters
    ----------
    spec : OutlookSpec
    series : pd.Series, optional
        The scores of a single-dyad spec; default read from ``spec.data``.
    previous : str or Path, optional
        The previous edition (see :func:`relforecast.report.edition.single_job`).
    track_record : DataFrame or path, optional
        Backtest rows to use instead of ``spec.track_record``.
    progress : callable, optional
    created : datetime, optional

    Returns
    -------
    Outlook or PanelOutlook
    """
    if spec.dyad_is_panel():
        job = panel_job(spec, previous=previous, track_record=track_record)
        return panel_outlook(**job, progress=progress, created=created)
    job = single_job(spec, series=series, previous=previous, track_record=track_record)
    return outlook(**job, progress=progress, created=created)


def update(
    previous: str | Path,
    data: str | Path | None,
    out: str | Path,
    *,
    until: str | None = None,
    window: str | None = None,
    replace_inputs: Mapping[str, str | Path] | None = None,
    track_record: str | None = None,
    progress: Callable[[str], None] | None = None,
    created: Any = None,
) -> Any:
    """The next edition of ``previous``: the same spec on ``data``, written whole to ``out``.

    Parameters
    ----------
    previous : str or Path
        An edition folder (holding ``spec.json``); only read.
    data : str or Path, optional
        The new scores' file (read with the options the previous edition used); default the
        previous edition's.
    out : str or Path
        The new edition's folder; never ``previous`` (also through a symlink or another
        spelling of the path).
    until : str, optional
        The new as-of month; default the last month of ``data``.
    window : str, optional
        Another window; default the previous edition's.
    replace_inputs : mapping of role to path, optional
        Input files to use instead of the remembered ones (``{"scenarios": "new.yaml"}``).
    track_record : str, optional
        ``"compute"``, ``"none"`` or a CSV; default: the previous edition's track-record
        table when it has one (kept, rescored on the new data), else its spec's choice.

    Returns
    -------
    Outlook or PanelOutlook
    """
    prev = Path(previous)
    spec = OutlookSpec.read(prev)
    if same_folder(prev, out):
        raise SpecError(
            f"--out {str(out)!r} is the previous edition {str(prev)!r}: an update writes a new "
            "edition and never replaces the one it starts from; give another folder"
        )
    source = spec.data if data is None else replace(spec.data, path=str(data))
    spec = replace(spec, data=source, as_of=until, out=str(out))
    if window is not None:
        spec = replace(spec, window=window)
    kept = None
    if track_record is not None:
        spec = replace(spec, track_record=track_record)
    elif (prev / "track_record.csv").is_file():
        kept = prev / "track_record.csv"  # the previous edition's table, rescored on DATA
    for role, path in (replace_inputs or {}).items():
        spec = with_file(spec, role, path)
    return run_spec(spec, previous=prev, track_record=kept, progress=progress, created=created)


