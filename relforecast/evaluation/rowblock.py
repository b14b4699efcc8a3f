"""Backtest rows held compactly: one block of origins of one dyad and model as a float array.

A backtest of 2,000 dyads x 360 origins x 12 horizons has 8.6 million rows. Held as a list of
dicts (≈ 1.8 KB a row) that is ~15 GB before any table is built. Here a block of rows is a
float64 array of ``mean, q5 ... q95, cross_T ...`` (one row per origin and horizon) with the
origins as integer month ordinals; the dyad and model names are stored once per block. The
contract table (:data:`relforecast.evaluation.backtest.QUANTILE_COLUMNS` and friends) is assembled
from the blocks into preallocated columns, with every month label made once, so a row costs its
floats, its horizon and four references to shared labels (about 0.25 KB with four thresholds).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "QUANTILE_COLUMNS",
    "QUANTILE_LEVELS",
    "RowBlock",
    "contract_columns",
    "frame_from_blocks",
    "summarise_paths",
]

QUANTILE_LEVELS = tuple(round(0.05 * i, 2) for i in range(1, 20))
QUANTILE_COLUMNS = tuple(f"q{round(100 * q)}" for q in QUANTILE_LEVELS)
KEY_COLUMNS = ("dyad", "model", "origin", "h", "target")


def cross_columns(thresholds: Sequence[float]) -> list[str]:
    """``cross_T`` column names (``cross_-6``, ``cross_0``...)."""
    return [f"cross_{float(t):g}" for t in thresholds]


def value_columns(thresholds: Sequence[float]) -> list[str]:
    """The float columns of a row: ``mean``, the 19 quantiles, one ``cross_T`` a threshold."""
    return ["mean", *QUANTILE_COLUMNS, *cross_columns(thresholds)]


def contract_columns(thresholds: Sequence[float]) -> list[str]:
    """Every column of the backtest CSV contract, in order."""
    return [*KEY_COLUMNS, *value_columns(thresholds)]


def summarise_paths(
    paths: np.ndarray, values: np.ndarray, thresholds: Sequence[float]
) -> np.ndarray:
    """The float part of a forecast's rows: ``(horizon, 20 + len(thresholds))``.

    Parameters
    ----------
    paths : ndarray (n_paths, horizon)
        Continuous paths (mean and quantiles).
    values : ndarray (n_paths, horizon)
        The paths as event questions see them (published, rounded): ``cross_T`` is the share of
        paths whose running minimum over months 1..h is strictly below T.
    thresholds : sequence of float
    """
    horizon = paths.shape[1]
    out = np.empty((horizon, 20 + len(thresholds)))
    out[:, 0] = paths.mean(axis=0)
    out[:, 1:20] = np.quantile(paths, QUANTILE_LEVELS, axis=0).T
    running_min = np.minimum.accumulate(values, axis=1)
    for j, t in enumerate(thresholds):
        out[:, 20 + j] = (running_min < t).mean(axis=0)
    return out


@dataclass
class RowBlock:
    """Rows of consecutive origins of one dyad and model.

    Attributes
    ----------
    dyad, model : str
    origins : ndarray of int64
        Month ordinals of the origins that produced rows (skipped origins are absent).
    horizon : int
    values : ndarray (len(origins) * horizon, 20 + thresholds)
        Origin-major: the rows of the first origin's h = 1 ... horizon, then the next origin.
    notes : list of str
        Origins skipped or failed, with the reason.
    """

    dyad: str
    model: str
    origins: np.ndarray
    horizon: int
    values: np.ndarray
    notes: list[str] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return len(self.origins) * self.horizon


def _month_labels(ordinals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique ``YYYY-MM`` labels (object array) and the code of each ordinal."""
    unique, codes = np.unique(ordinals, return_inverse=True)
    labels = pd.PeriodIndex.from_ordinals(unique, freq="M").astype(str).to_numpy(dtype=object)
    return labels, codes


def frame_from_blocks(
    blocks: Iterable[RowBlock], thresholds: Sequence[float], rows_hint: int = 0
) -> pd.DataFrame:
    """The contract table of the blocks, in block order.

    Blocks are copied into preallocated columns as they are consumed (``blocks`` may be a
    generator of results arriving from workers), so only one block at a time exists besides
    the columns. ``attrs["notes"]`` gathers the blocks' notes.
    """
    width = 20 + len(thresholds)
    capacity = max(int(rows_hint), 1)
    values = np.empty((capacity, width))
    origin = np.empty(capacity, dtype=np.int64)
    spans: list[tuple[str, str, int]] = []  # (dyad, model, rows) runs
    notes: list[str] = []
    n = 0
    horizon = 0
    for block in blocks:
        notes.extend(block.notes)
        rows = block.n_rows
        if rows == 0:
            continue
        if block.values.shape != (rows, width):
            raise ValueError(
                f"block {block.dyad}/{block.model} has values of shape {block.values.shape}, "
                f"expected {(rows, width)}"
            )
        horizon = block.horizon
        if n + rows > capacity:
            capacity = max(2 * capacity, n + rows)
            values = np.resize(values, (capacity, width))
            origin = np.resize(origin, capacity)
        values[n : n + rows] = block.values
        origin[n : n + rows] = np.repeat(block.origins, block.horizon)
        spans.append((block.dyad, block.model, rows))
        n += rows
    values, origin = values[:n], origin[:n]
    if n < 0.9 * capacity:  # do not keep a mostly unused allocation alive
        values, origin = values.copy(), origin.copy()
    h = np.tile(np.arange(1, horizon + 1, dtype=np.int64), n // horizon) if n else np.empty(0, int)
    frame = pd.DataFrame(values, columns=value_columns(thresholds), copy=False)
    counts = np.array([r for _, _, r in spans], dtype=np.int64)
    names = {"dyad": [d for d, _, _ in spans], "model": [m for _, m, _ in spans]}
    keys: dict[str, np.ndarray] = {}
    for col, per_span in names.items():
        labels, codes = np.unique(np.array(per_span, dtype=object), return_inverse=True)
        keys[col] = labels[np.repeat(codes, counts)] if n else np.empty(0, dtype=object)
    for col, ordinals in (("origin", origin), ("target", origin + h)):
        labels, codes = _month_labels(ordinals) if n else (np.empty(0, object), np.empty(0, int))
        keys[col] = labels[codes]
    keys["h"] = h
    for pos, col in enumerate(KEY_COLUMNS):
        frame.insert(pos, col, keys[col])
    frame.attrs["notes"] = notes
    return frame
