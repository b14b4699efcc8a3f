"""Backtest results written as they come: a Parquet folder partitioned by model and dyad.

A long backtest (thousands of dyads, hundreds of origins) should neither hold every row until
the end nor lose hours of work to an interruption. With ``rf.backtest(..., store=FOLDER)``
each block of origins (one dyad, one model, whole refit cycles) is written the moment it
arrives, as one Parquet file (pyarrow)::

    FOLDER/_run.json                                   horizon, thresholds, paths, seed
    FOLDER/model=<model>/dyad=<dyad>/<first>_<last>.parquet

The partition folders follow the Hive convention (names percent-encoded), so
``pyarrow.dataset.dataset(FOLDER, partitioning="hive")``, ``pandas.read_parquet(FOLDER)``,
DuckDB or Spark read the whole store as one table with ``model`` and ``dyad`` columns; each
file holds the other contract columns (``origin, h, target, mean, q5 ... q95, cross_T``).

**Resuming.** Every file carries, in its Parquet metadata, a key: a hash of everything its
rows depend on — dyad, model label and specification (``repr``), its origins, horizon,
thresholds, paths, seed, refit policy, the data up to its last origin and the shocks dated by
then — and the block's notes (skipped origins). A run over an existing store skips every
block whose file holds the same key, and recomputes the others (new origins, revised data,
another model version). Data appended after a block's last origin does not invalidate it: no
row can depend on it. A model given as an object is keyed by its ``repr``: the package's
models are dataclasses whose ``repr`` lists every setting; an object whose ``repr`` changes
from run to run (the default ``<... at 0x...>``) is simply recomputed. Files are written to a
hidden temporary name and renamed into place, so a file exists whole or not at all; an
interrupted run leaves only finished blocks, and the resumed run gives the same rows as an
uninterrupted one.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from relforecast._files import replacing
from relforecast.evaluation.block import BacktestBlock
from relforecast.evaluation.rowblock import RowBlock, frame_from_blocks, value_columns
from relforecast.exceptions import StoreError

__all__ = ["BacktestStore", "block_key"]

_META = b"relforecast.block"
RUN_FILE = "_run.json"


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise StoreError(
            "a Parquet result store needs pyarrow; install it with "
            "pip install 'relforecast[parquet]'"
        ) from exc
    return pa, pq


def _hash(*parts: object) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def block_key(block: BacktestBlock) -> str:
    """Hash of everything the rows of ``block`` depend on (see the module docstring)."""
    last = block.origins[-1]
    seen = block.series.loc[:last]
    data = (
        np.asarray(seen.index.asi8 if hasattr(seen.index, "asi8") else seen.index, np.int64),
        np.asarray(seen.to_numpy(), dtype=np.float64),
    )
    shocks = (
        () if block.shocks is None else tuple(repr(s) for s in block.shocks.between(None, last))
    )
    return _hash(
        block.dyad,
        block.label,
        repr(block.spec),
        tuple(str(o) for o in block.origins),
        block.horizon,
        block.thresholds,
        block.n_paths,
        block.seed,
        block.refit_every,
        data[0].tobytes(),
        data[1].tobytes(),
        shocks,
    )


class BacktestStore:
    """A Parquet folder holding backtest blocks (see the module docstring).

    Parameters
    ----------
    path : str or PathLike
        The folder; created on first write.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"store {str(self.path)!r} is a file; give a folder for the store")
        _pyarrow()

    # ------------------------------------------------------------------ settings
    def open(self, settings: dict[str, Any]) -> None:
        """Check ``settings`` (horizon, thresholds, paths, seed) against the store's, or record
        them in a new store. A store holds one table: its columns and numbers must agree."""
        run = self.path / RUN_FILE
        if run.is_file():
            try:
                held = json.loads(run.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise StoreError(f"cannot read {str(run)!r}: {exc}") from exc
            differ = {k: (held.get(k), v) for k, v in settings.items() if held.get(k) != v}
            if differ:
                shown = ", ".join(f"{k}={a!r} (asked {b!r})" for k, (a, b) in differ.items())
                raise StoreError(
                    f"store {str(self.path)!r} holds a run with {shown}; use another folder or "
                    "the same settings"
                )
            return
        self.path.mkdir(parents=True, exist_ok=True)
        with replacing(run) as tmp:
            tmp.write_text(json.dumps(settings, indent=2, sort_keys=True), encoding="utf-8")

    # -------------------------------------------------------------------- blocks
    def block_path(self, block: BacktestBlock) -> Path:
        """Where the block's file lives."""
        name = f"{block.origins[0]}_{block.origins[-1]}.parquet"
        return (
            self.path
            / f"model={quote(block.label, safe='')}"
            / f"dyad={quote(block.dyad, safe='')}"
            / name
        )

    def _meta(self, path: Path) -> dict[str, Any] | None:
        _, pq = _pyarrow()
        try:
            meta = pq.read_schema(path).metadata or {}
            return json.loads(meta[_META])
        except (OSError, KeyError, ValueError):
            return None  # missing, unreadable or foreign: not a finished block

    def is_done(self, block: BacktestBlock, key: str) -> bool:
        """Does the store hold this block, computed from the same inputs?"""
        path = self.block_path(block)
        if not path.is_file():
            return False
        meta = self._meta(path)
        return meta is not None and meta.get("key") == key

    def write(self, block: BacktestBlock, key: str, rows: RowBlock) -> Path:
        """Write the rows of one block (whole or not at all)."""
        pa, pq = _pyarrow()
        one = frame_from_blocks([rows], block.thresholds, rows.n_rows)
        one = one.drop(columns=["dyad", "model"])
        table = pa.Table.from_pandas(one, preserve_index=False)
        meta = {"key": key, "dyad": block.dyad, "model": block.label, "notes": rows.notes}
        table = table.replace_schema_metadata({_META: json.dumps(meta).encode("utf-8")})
        path = self.block_path(block)
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as tmp:
            pq.write_table(table, tmp)
        return path

    def read_block(self, block: BacktestBlock) -> RowBlock:
        """The rows of one finished block."""
        _, pq = _pyarrow()
        path = self.block_path(block)
        meta = self._meta(path)
        if meta is None:
            raise StoreError(f"block file {str(path)!r} is missing or unreadable; rerun to redo it")
        table = pq.read_table(path).to_pandas()
        values = table[value_columns(block.thresholds)].to_numpy(dtype=np.float64)
        origins = pd.PeriodIndex(table["origin"].astype(str), freq="M").asi8[:: block.horizon]
        return RowBlock(
            block.dyad, block.label, origins.astype(np.int64), block.horizon, values, meta["notes"]
        )

    def read(self, blocks: Iterable[BacktestBlock]) -> pd.DataFrame:
        """The contract table of the given blocks, in their order."""
        blocks = list(blocks)
        thresholds = blocks[0].thresholds if blocks else ()
        rows = sum(b.n_rows for b in blocks)
        return frame_from_blocks((self.read_block(b) for b in blocks), thresholds, rows)
