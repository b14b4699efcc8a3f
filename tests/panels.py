"""Helpers for tests of many dyads: synthetic panels and the long CSV layout of the CLI."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.test_backtest import random_walk_panel

__all__ = ["random_walk_panel", "write_long_csv"]


def write_long_csv(panel: pd.DataFrame, path: Path) -> Path:
    """The panel in the long layout of tsinghua_relations_long.csv (country, ym, score)."""
    long = (
        panel.rename_axis("month")
        .reset_index()
        .melt(id_vars="month", var_name="country", value_name="score")
    )
    long = long.dropna(subset=["score"])
    long["ym"] = long["month"].astype(str)
    long[["country", "ym", "score"]].to_csv(path, index=False)
    return path
