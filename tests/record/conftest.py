"""Fixtures of the forecast-record tests: a record location per backend, small forecasts.

``record_location`` runs a test once on an SQLite file and once on a fresh database of the
PostgreSQL server named by ``RELFORECAST_TEST_POSTGRES_URL`` (``.ci/run`` starts one with
``.ci/start-postgres``); the PostgreSQL case skips with the reason when no server is reachable.
"""

from __future__ import annotations

import os
import uuid

import numpy as np
import pandas as pd
import pytest

from relforecast.forecast import Forecast

PG_ENV = "RELFORECAST_TEST_POSTGRES_URL"


def postgres_admin_url() -> str:
    """The admin URL of the test server, or skip the test saying why there is none."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"no PostgreSQL server for the record tests: set {PG_ENV} (.ci/run starts one)")
    pytest.importorskip(
        "psycopg", reason="the PostgreSQL driver (relforecast[postgres]) is missing"
    )
    return url


@pytest.fixture
def postgres_database():
    """A fresh, empty PostgreSQL database (URL), dropped after the test."""
    import sqlalchemy as sa

    admin_url = postgres_admin_url()
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        conn = admin.connect()
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL server at {PG_ENV} is not reachable: {str(exc).splitlines()[0]}")
    name = f"rf_test_{uuid.uuid4().hex[:12]}"
    conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.close()
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def record_location(request, tmp_path) -> str:
    """Where a test's record lives: an SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "record.sqlite")
    return request.getfixturevalue("postgres_database")


def history(values=None, start: str = "2000-01", name: str = "Testland") -> pd.Series:
    """A short observed series (published scores) ending where the forecast starts."""
    if values is None:
        values = np.round(-4 + 0.5 * np.sin(np.arange(60) / 5), 1)
    index = pd.period_range(start, periods=len(values), freq="M")
    return pd.Series(np.asarray(values, dtype=float), index=index, name=name)


def make_forecast(
    seed: int = 0,
    n_paths: int = 400,
    horizon: int = 12,
    hist=None,
    drift: float = -0.05,
    sd: float = 0.25,
) -> Forecast:
    """A random-walk forecast after ``hist`` (default :func:`history`), paths inside the scale."""
    hist = history() if hist is None else hist
    rng = np.random.default_rng(seed)
    steps = rng.normal(drift, sd, size=(n_paths, horizon))
    paths = np.clip(hist.iloc[-1] + np.cumsum(steps, axis=1), -8.95, 8.95)
    index = pd.period_range(hist.index[-1] + 1, periods=horizon, freq="M")
    return Forecast(paths, index, history=hist, model="rw-test", meta={"seed": seed})
