"""Historical analogues: the series aligned on anchor months to compare trajectories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from relforecast._typing import PeriodLike, distinct
from relforecast.exceptions import DataError
from relforecast.periods import to_month

__all__ = ["analogues", "parse_anchors"]


def parse_anchors(
    anchors: Sequence[Any], *, error: type[Exception] = DataError
) -> list[tuple[pd.Period, str | None]]:
    """Anchors as ``(month, name or None)``, each month once.

    Parameters
    ----------
    anchors : sequence
        ``"2012-09"``, ``"2012-09=Diaoyu purchase"`` or ``(month, name)`` items.
    error : exception type, default DataError
        Raised for a month that is not a month, or a month given twice (naming it).
    """
    out = []
    for item in anchors:
        if isinstance(item, tuple):
            month, name = item
        else:
            month, _, name = str(item).partition("=")
        anchor = to_month(str(month).strip(), "anchor", error=error)
        out.append((anchor, (name or "").strip() or None))
    return distinct(out, "anchor", error=error, key=lambda pair: str(pair[0]))


def analogues(
    series: pd.Series,
    anchors: Sequence[PeriodLike],
    *,
    before: int = 12,
    after: int = 24,
    relative: bool = False,
) -> pd.DataFrame:
    """Align the series on anchor months (e.g. the 2017-01 and 2025-01 US inaugurations).

    Parameters
    ----------
    series : pd.Series
        Monthly scores.
    anchors : sequence of str or Period
        Anchor months; each becomes a column.
    before, after : int
        Months kept before and after each anchor.
    relative : bool, default False
        Subtract each column's value at its anchor month.

    Returns
    -------
    pd.DataFrame
        Rows = months relative to the anchor (``-before`` ... ``after``), columns = anchors;
        months outside the data are left empty (an anchor near the end has a short future).

    Examples
    --------
    >>> import relforecast as rf
    >>> a = rf.analogues(rf.datasets.demo(), ["2013-09", "2020-09"], before=3, after=6)
    >>> a.shape
    (10, 2)
    """
    if not anchors:
        raise DataError("give at least one anchor month, e.g. anchors=['2017-01', '2025-01']")
    for name, value in (("before", before), ("after", after)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise DataError(f"{name}={value!r} must be a whole number of months >= 0")
    offsets = pd.RangeIndex(-before, after + 1, name="months from anchor")
    columns = {}
    for anchor in anchors:
        month = to_month(anchor, "anchor", error=DataError)
        if month not in series.index:
            raise DataError(
                f"anchor {month} is outside the data ({series.index[0]}..{series.index[-1]})"
            )
        span = pd.period_range(month - before, month + after, freq="M")
        values = series.reindex(span).to_numpy()
        if relative:
            values = values - series.loc[month]
        columns[str(month)] = values
    return pd.DataFrame(columns, index=offsets)
