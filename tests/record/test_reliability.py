"""The record never loses or corrupts what was published.

Each test runs on an SQLite file and on PostgreSQL (see conftest): a writer killed in the middle
of a forecast, two writers at once, and records that must be refused without being touched.
"""

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from relforecast.cli.main import main
from relforecast.exceptions import RecordError
from relforecast.record import Record, schema

from .conftest import make_forecast

REPO = Path(__file__).resolve().parents[2]

_WRITER = """
import sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from tests.record.conftest import make_forecast
from relforecast.record import Record, store

location, seeds, hold = sys.argv[1], [int(v) for v in sys.argv[2].split(",")], sys.argv[3]
if hold != "-":
    original = store._insert_children

    def stall(conn, forecast_id, entry):
        original(conn, forecast_id, entry)  # every row written, transaction not committed
        Path(hold).write_text(str(forecast_id))
        time.sleep(120)

    store._insert_children = stall
with Record(location) as rec:
    for seed in seeds:
        rec.add(make_forecast(seed=seed, n_paths=100), model="rw", seed=seed)
print("done")
"""


def _writer(tmp_path: Path, location: str, seeds, hold: str = "-"):
    script = tmp_path / "writer.py"
    script.write_text(_WRITER.format(repo=str(REPO)))
    return subprocess.Popen(
        [sys.executable, str(script), location, ",".join(map(str, seeds)), hold],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _counts(location: str) -> dict[str, int]:
    engine = schema.make_engine(location)
    with engine.connect() as conn:
        out = {
            t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar())
            for t in (schema.forecasts, schema.months, schema.crossings, schema.questions)
        }
    engine.dispose()
    return out


def test_a_writer_killed_mid_forecast_leaves_no_trace(record_location, tmp_path):
    with Record(record_location) as rec:
        rec.add(make_forecast(seed=100, n_paths=100), model="rw", seed=100)
    before = _counts(record_location)
    flag = tmp_path / "in-transaction"
    proc = _writer(tmp_path, record_location, [0], hold=str(flag))
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the writer never reached its transaction"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    if not schema.is_url(record_location):
        with sqlite3.connect(record_location) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    # no partial forecast: every table as it was before the killed write
    deadline = time.monotonic() + 30
    while _counts(record_location) != before and time.monotonic() < deadline:
        time.sleep(0.2)  # PostgreSQL rolls back once it notices the dead client
    assert _counts(record_location) == before
    with Record(record_location) as rec:
        assert rec.add(make_forecast(seed=0, n_paths=100), model="rw", seed=0).new
        assert len(rec) == 2


def test_two_writers_at_once_lose_nothing(record_location, tmp_path):
    # both start on a missing file / an empty database; each records 50 forecasts of its own,
    # interleaved with 5 that both record (the same forecast: recognised, kept once)
    shared = range(5000, 5005)
    own = [[*range(0, 50)], [*range(1000, 1050)]]
    seeds = [[*mine[:25], *shared, *mine[25:]] for mine in own]
    procs = [_writer(tmp_path, record_location, mine) for mine in seeds]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert out.strip() == "done"
    with Record(record_location) as rec:
        meta = rec.forecasts()
    assert sorted(meta["seed"].astype(int)) == [*own[0], *own[1], *shared]
    counts = _counts(record_location)
    assert counts["forecasts"] == 105 and counts["forecast_months"] == 105 * 12


# ------------------------------------------------------------- refused records, untouched
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _refused(capsys, path: Path, match: str) -> None:
    """Record() and both publishing commands refuse ``path`` in one line; it is untouched."""
    before = (_digest(path), sorted(os.listdir(path.parent)))
    with pytest.raises(RecordError, match=match):
        Record(path)
    for argv in (
        ["forecast", "--paths", "200", "--record", str(path)],
        ["record", "list", "--record", str(path)],
    ):
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 1
        assert err.count("\n") == 1 and err.startswith("relforecast: error:") and match in err
    assert (_digest(path), sorted(os.listdir(path.parent))) == before


def _record_file(tmp_path: Path) -> Path:
    path = tmp_path / "record.sqlite"
    with Record(path) as rec:
        for seed in range(30):
            rec.add(make_forecast(seed=seed, n_paths=100), model="rw", seed=seed)
    with sqlite3.connect(path) as conn:  # fold the WAL into the file, as a closed record is
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    return path


def test_a_newer_schema_is_refused(tmp_path, capsys):
    path = _record_file(tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE relforecast_meta SET value='99' WHERE key='schema_version'")
    _refused(capsys, path, "schema version 99")


def test_a_non_record_sqlite_file_is_refused(tmp_path, capsys):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
        conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    _refused(capsys, path, "not a forecast record")


def test_a_file_that_is_not_sqlite_is_refused(tmp_path, capsys):
    path = tmp_path / "notes.sqlite"
    path.write_text("forecasts of 2024: Japan 0.648\n")
    _refused(capsys, path, "not a forecast record")


@pytest.mark.parametrize("damage", ["overwrite", "truncate"])
def test_a_corrupt_record_is_refused(tmp_path, capsys, damage):
    path = _record_file(tmp_path)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    assert len(data) > 8 * page
    if damage == "overwrite":
        data[2 * page : 6 * page] = bytes(range(256)) * (4 * page // 256)
    else:
        data = data[: 3 * page + 100]
    path.write_bytes(bytes(data))
    _refused(capsys, path, "corrupt")


def test_postgres_newer_schema_and_foreign_database_are_refused(postgres_database):
    engine = sa.create_engine(postgres_database)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE invoices (id integer primary key)"))
    with pytest.raises(RecordError, match="not a forecast record"):
        Record(postgres_database)
    with engine.begin() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        conn.execute(sa.text("DROP TABLE invoices"))
    assert tables == {"invoices"}  # nothing was created next to it

    with Record(postgres_database) as rec:
        rec.add(make_forecast(), model="rw")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE relforecast_meta SET value='7' WHERE key='schema_version'"))
    with pytest.raises(RecordError, match="schema version 7"):
        Record(postgres_database)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM forecasts")).scalar() == 1
    engine.dispose()
