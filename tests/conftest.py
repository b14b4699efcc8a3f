"""Shared fixtures. Real-data tests read ../shared/data by path and skip when it is absent."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("RELFORECAST_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Folder of the real data; skips the test when it is not there."""
    if not (SHARED_DATA / "tsinghua_relations_long.csv").is_file():
        pytest.skip(f"real data not found at {SHARED_DATA} (set RELFORECAST_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def scores_csv(shared_data: Path) -> Path:
    return shared_data / "tsinghua_relations_long.csv"


@pytest.fixture(scope="session")
def leaders_csv(shared_data: Path) -> Path:
    return shared_data / "leaders.csv"


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A temporary folder every user can reach (pytest's ``tmp_path`` is private to its
    user), for tests that run a call as another user (tests/users.py)."""
    folder = Path(tempfile.mkdtemp(prefix="relforecast-test-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for root, dirs, _ in os.walk(folder):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o755)
        shutil.rmtree(folder)


def monthly(values: np.ndarray, start: str = "1990-01", name: str = "test") -> pd.Series:
    """A series on a monthly PeriodIndex."""
    index = pd.period_range(start, periods=len(values), freq="M")
    return pd.Series(np.asarray(values, dtype=float), index=index, name=name)
