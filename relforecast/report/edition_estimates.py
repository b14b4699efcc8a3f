"""An edition's fitted model, kept as its estimates, for the next edition's split of a change.

An update splits the change of each answer into revisions, new data and re-estimation
(:mod:`relforecast.report.edition`); all three start from the previous edition's model on the
data it saw. An edition keeps that model's estimates in ``estimates.json``
(:func:`relforecast.models.estimates.to_estimates`: numbers and names only, never code — the
same fit gives the same bytes) with the fingerprints of the data and shocks they were
estimated on; its ``summary.json`` records the file's SHA-256. At the update
:func:`previous_fit` rebuilds the fit from them instead of estimating it again, when the data
and shocks up to the previous as-of month are those it was estimated on (rebuilt on the same
data it is the same fit, number for number); after a revision of the data, or without the
file, the model is estimated again, as before. A file that differs from the one the edition
wrote is refused: restore it, or delete it to have the model estimated again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from relforecast.data import series_fingerprint
from relforecast.exceptions import SpecError
from relforecast.models.estimates import from_estimates, to_estimates
from relforecast.shocks import ShockCalendar, as_calendar

__all__ = ["ESTIMATES_FILE", "estimates_file", "previous_fit", "read_estimates"]

#: The file of an edition folder that keeps its model's estimates.
ESTIMATES_FILE = "estimates.json"


def estimates_file(fit: Any, data: pd.Series) -> tuple[bytes, dict[str, str]] | None:
    """The bytes of ``estimates.json`` for ``fit`` estimated on ``data``, and the record
    ``summary.json`` keeps of it; ``None`` for a model whose estimates are not kept."""
    estimates = to_estimates(fit)
    if estimates is None:
        return None
    doc = {
        "model": fit.name,
        "as_of": str(data.index[-1]),
        "data_sha256": series_fingerprint(data),
        "shocks_sha256": fit.calendar.fingerprint(),
        "fit": estimates,
    }
    payload = (json.dumps(doc, sort_keys=True, allow_nan=False) + "\n").encode("utf-8")
    return payload, {"file": ESTIMATES_FILE, "sha256": hashlib.sha256(payload).hexdigest()}


def read_estimates(previous: str | Path, summary: Mapping[str, Any]) -> dict[str, Any] | None:
    """The checked content of an edition's ``estimates.json`` (``None``: it keeps none).

    Raises
    ------
    SpecError
        When the file is not the one the edition wrote (its SHA-256 differs from the one
        ``summary`` records, or ``summary`` records none).
    """
    path = Path(previous) / ESTIMATES_FILE
    kept = (summary.get("edition") or {}).get("estimates")
    if kept is None:
        if path.exists():
            raise SpecError(
                f"{str(path)!r} is not listed in the edition's summary.json: the edition did not "
                "write it; delete it to have the previous model estimated again"
            )
        return None
    if not path.is_file():
        return None  # deleted: the previous model is estimated again
    payload = path.read_bytes()
    digest = hashlib.sha256(payload).hexdigest()
    if digest != kept.get("sha256"):
        raise SpecError(
            f"{str(path)!r} changed after the edition wrote it (SHA-256 {digest[:12]}…, its "
            f"summary.json records {str(kept.get('sha256'))[:12]}…); restore it, or delete it "
            "to have the previous model estimated again"
        )
    try:
        doc = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:  # pragma: no cover - hashed
        raise SpecError(f"{str(path)!r} is not JSON ({exc})") from exc
    return doc


def previous_fit(
    previous: str | Path,
    summary: Mapping[str, Any],
    model: Any,
    seen: pd.Series,
    calendar: ShockCalendar | None,
) -> Any:
    """The previous edition's fit rebuilt from its estimates, or ``None`` to estimate it.

    Parameters
    ----------
    previous : str or Path
        The previous edition's folder.
    summary : dict
        Its ``summary.json``.
    model : model specification
        The edition's model.
    seen : pd.Series
        The data up to the previous as-of month, as they are now.
    calendar : ShockCalendar or None
        The shocks up to the previous as-of month.

    Returns
    -------
    FittedModel or None
        ``None`` when the edition keeps no estimates or the data or shocks it was estimated on
        changed since.

    Raises
    ------
    SpecError
        When ``estimates.json`` is not the file the edition wrote, or does not fit ``model``.
    """
    folder = Path(previous)
    doc = read_estimates(folder, summary)
    if doc is None:
        return None
    shocks = as_calendar(calendar)
    if (
        doc.get("data_sha256") != series_fingerprint(seen)
        or doc.get("shocks_sha256") != shocks.fingerprint()
    ):
        return None  # revised data or other shocks: estimated again
    fit = from_estimates(model, seen, shocks, doc.get("fit"))
    if fit.name != doc.get("model"):
        raise SpecError(
            f"the estimates in {str(folder / ESTIMATES_FILE)!r} are of {doc.get('model')!r}, "
            f"the edition's model gives {fit.name!r}; delete the file to have the previous "
            "model estimated again"
        )
    return fit
