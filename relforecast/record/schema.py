"""The forecast record's database: its tables, schema version, opening checks and migrations.

A record lives in any database SQLAlchemy Core reaches: by default an embedded SQLite file (the
standard library, no server), or a shared PostgreSQL server given by URL
(``postgresql+psycopg://user@host/dbname``, with the ``postgres`` extra installed).

Tables
------
``relforecast_meta``
    key / value pairs: ``application`` (always ``relforecast-record``, which tells a record
    from any other database) and ``schema_version``.
``forecasts``
    one row per published forecast: dyad, as-of month, window, model label and description,
    parameters (JSON), seed, number of paths, data fingerprint, scenarios (JSON), threshold,
    source, creation time and an identity ``key`` (unique).
``forecast_months``
    one row per forecast month: ``h`` (months after the as-of month), the mean, the 19
    quantiles ``q5 … q95`` and the six level probabilities.
``forecast_crossings``
    the crossing curve P(min of the path over the first forecast month … this month < T), per
    threshold and month (the ``cross_T`` columns of the backtest contract).
``forecast_questions``
    one row per question asked of the forecast (``cross_-6``, ``back_above_-6`` …, see
    :mod:`relforecast.record.questions`): its window and probability.

Writing
-------
Every forecast is written in one transaction (the parent row and all its child rows, or
nothing). On SQLite the journal is in WAL mode (readers never block the writer), connections
wait up to :data:`BUSY_TIMEOUT_S` seconds for a lock instead of failing, and every write
transaction starts with ``BEGIN IMMEDIATE`` so that two writers queue at the start rather than
deadlock half-way. On PostgreSQL the server's own locking does this.

Opening
-------
Before anything is written, :func:`check_database` makes sure the target is an empty database
or a record of a schema version this code understands; a corrupt file, a database holding
other tables, or a record written by a newer relforecast raises
:class:`~relforecast.exceptions.RecordError` and is left untouched.

Reading only
------------
A record opened with ``read_only=True`` (``relforecast record list``, ``show``, ``export``
and ``score``) cannot write: its connections are ``query_only`` (and ``mode=ro`` where the
file or folder is read-only), nothing is created, migrated or switched to WAL, and a record
file or folder this user may not write is read as it is. Where SQLite cannot keep its
``-shm`` index beside a WAL record (a read-only folder, a file-size limit) and no writer has
a ``-wal`` in use, the record is opened ``immutable``. A writing opening of a read-only file
or folder is refused in one line before anything is tried. A file or folder without any
write permission bit counts as read-only even for the superuser (who could write it anyway):
the bits say that nobody meant it to change.

Migrations
----------
:data:`MIGRATIONS` maps a schema version ``n`` to the function that upgrades a record from
``n`` to ``n + 1``. Opening an older record runs every pending step and the version bump in
one transaction: the upgrade happens whole or not at all.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from relforecast.evaluation.backtest import QUANTILE_COLUMNS
from relforecast.exceptions import RecordError
from relforecast.scale import TSINGHUA_SCALE

__all__ = [
    "APPLICATION",
    "BUSY_TIMEOUT_S",
    "LEVEL_COLUMNS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "OlderRecordError",
    "check_database",
    "crossings",
    "ensure_schema",
    "forecasts",
    "make_engine",
    "metadata",
    "months",
    "questions",
    "read_only_reason",
    "record_meta",
    "write_transaction",
]

APPLICATION = "relforecast-record"
SCHEMA_VERSION = 2
BUSY_TIMEOUT_S = 60.0
LEVEL_COLUMNS = tuple(f"p_{name}" for name in TSINGHUA_SCALE.level_names("en"))
_SQLITE_HEADER = b"SQLite format 3\x00"

metadata = sa.MetaData()

record_meta = sa.Table(
    "relforecast_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

forecasts = sa.Table(
    "forecasts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(64), nullable=False, unique=True),
    sa.Column("dyad", sa.String(200), nullable=False, index=True),
    sa.Column("as_of", sa.String(7), nullable=False),
    sa.Column("window_first", sa.String(7), nullable=False),
    sa.Column("window_last", sa.String(7), nullable=False),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("model_name", sa.Text, nullable=False),
    sa.Column("model_params", sa.Text, nullable=False),
    sa.Column("seed", sa.String(64)),
    sa.Column("n_paths", sa.Integer, nullable=False),
    sa.Column("data_sha256", sa.String(64), nullable=False),
    # the shock calendar the model was fitted with ("" none; NULL: recorded before version 2)
    sa.Column("shocks_sha256", sa.String(64)),
    sa.Column("data_first", sa.String(7)),
    sa.Column("data_months", sa.Integer),
    sa.Column("last_value", sa.Double),
    sa.Column("synthetic", sa.Boolean, nullable=False),
    sa.Column("threshold", sa.Double, nullable=False),
    sa.Column("scenarios", sa.Text, nullable=False),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("created", sa.String(32), nullable=False),
    sa.Column("relforecast_version", sa.String(64), nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
)

_child = {"ondelete": "CASCADE"}

months = sa.Table(
    "forecast_months",
    metadata,
    sa.Column("forecast_id", sa.ForeignKey("forecasts.id", **_child), primary_key=True),
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("h", sa.Integer, nullable=False),
    sa.Column("mean", sa.Double, nullable=False),
    *(sa.Column(c, sa.Double, nullable=False) for c in QUANTILE_COLUMNS),
    *(sa.Column(c, sa.Double) for c in LEVEL_COLUMNS),
)

crossings = sa.Table(
    "forecast_crossings",
    metadata,
    sa.Column("forecast_id", sa.ForeignKey("forecasts.id", **_child), primary_key=True),
    sa.Column("threshold", sa.Double, primary_key=True),
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("p", sa.Double, nullable=False),
)

questions = sa.Table(
    "forecast_questions",
    metadata,
    sa.Column("forecast_id", sa.ForeignKey("forecasts.id", **_child), primary_key=True),
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("threshold", sa.Double),
    sa.Column("level", sa.String(32)),
    sa.Column("first", sa.String(7), nullable=False),
    sa.Column("last", sa.String(7), nullable=False),
    sa.Column("probability", sa.Double, nullable=False),
    sa.Column("mc_se", sa.Double),
)

TABLES = tuple(metadata.tables)


def _add_shocks_fingerprint(conn: Connection) -> None:
    """Version 1 -> 2: the ``shocks_sha256`` column (NULL for the forecasts recorded before:
    which calendar they were fitted with is not known). Their identity keys are kept."""
    conn.execute(sa.text("ALTER TABLE forecasts ADD COLUMN shocks_sha256 VARCHAR(64)"))


#: ``MIGRATIONS[n](connection)`` upgrades a record from schema version ``n`` to ``n + 1``.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _add_shocks_fingerprint}

_WRITE = "relforecast_write"


class OlderRecordError(RecordError):
    """A record of an older schema version opened read-only: reading it needs its upgrade."""


def is_url(location: str) -> bool:
    """True for a database URL (``dialect[+driver]://…``), False for a file path."""
    return "://" in location


def display(location: str) -> str:
    """The location as it may be printed (a URL's password hidden)."""
    if not is_url(location):
        return location
    try:
        return sa.make_url(location).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):  # not a URL, or a bad port: hide the password
        import re

        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", location)


def access_error(path: Path, exc: BaseException) -> RecordError:
    """The error for a record file SQLite cannot open, lock or write — a read-only file or
    folder, a file-size limit, a full disk — which says so instead of calling it corrupt."""
    import resource

    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    hints = [
        f"that this user can read and write {path} and its folder {path.parent} (SQLite "
        "writes its journal beside the file)"
    ]
    if limit != resource.RLIM_INFINITY:
        hints.append(f"the file-size limit (ulimit -f: {limit} bytes)")
    hints.append("that the disk is not full")
    return RecordError(
        f"cannot use the record {path} ({exc}); the file itself may be fine: check "
        + ", ".join(hints)
    )


def _writable(path: Path) -> bool:
    """This user may write ``path``, and its permission bits allow someone to."""
    try:
        bits = path.stat().st_mode & 0o222
    except OSError:
        return False
    return bool(bits) and os.access(path, os.W_OK | (os.X_OK if path.is_dir() else 0))


def read_only_reason(path: Path) -> str | None:
    """Why the SQLite record at ``path`` cannot be written (``None`` when it can): the file
    or its folder (where SQLite writes its journal) is read-only for this user."""
    if path.exists() and not _writable(path):
        return f"the file {path} is read-only"
    folder = path.parent if str(path.parent) else Path(".")
    if folder.is_dir() and not _writable(folder):
        return f"its folder {folder} is read-only (SQLite writes its journal beside the file)"
    return None


def _wal_in_use(path: Path) -> bool:
    """A ``-wal`` file with content beside ``path``: a writer may be at work."""
    try:
        return path.with_name(path.name + "-wal").stat().st_size > 0
    except OSError:
        return False


def _read_connection(path: Path) -> sqlite3.Connection:
    """A connection that cannot write to the record at ``path`` (see the module docstring).

    Tried in turn until one can read the database header. Where the file and its folder are
    writable: an ordinary connection with ``query_only`` (it removes SQLite's ``-wal`` and
    ``-shm`` files when it closes, as a writer's would), then ``mode=ro``, then — when no
    writer has a ``-wal`` in use — ``immutable`` (SQLite then needs no ``-shm`` file: the way
    to read a WAL record under a file-size limit). Where either is read-only: ``immutable``
    first when no ``-wal`` is in use (nothing is left beside the file), then ``mode=ro``.
    """
    base = path.absolute().as_uri()
    writable = read_only_reason(path) is None
    tries = ["mode=rw", "mode=ro"] if writable else ["mode=ro"]
    if not _wal_in_use(path):
        tries.insert(len(tries) if writable else 0, "mode=ro&immutable=1")
    error: sqlite3.OperationalError | None = None
    for query in tries:
        conn = sqlite3.connect(f"{base}?{query}", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            conn.execute("PRAGMA query_only = 1")
            conn.execute("PRAGMA schema_version").fetchone()
        except sqlite3.OperationalError as exc:
            conn.close()
            error = exc
            continue
        return conn
    assert error is not None
    raise error


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if read_only:
        return _read_connection(path)
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)


def check_sqlite_file(path: Path, *, create: bool, read_only: bool = False) -> None:
    """Refuse, without writing to it, a path that is not a usable SQLite file.

    A missing file is created later when ``create`` is true (its folder must exist and be
    writable); a file that is not an SQLite database or fails SQLite's ``quick_check`` raises
    :class:`RecordError`, and so does a file or folder this user may not write unless
    ``read_only``.
    """
    if path.is_dir():
        raise RecordError(
            f"record path {path} is a folder; give a file such as {path}/record.sqlite"
        )
    if not path.exists():
        if create:
            if not path.parent.is_dir():
                raise RecordError(
                    f"cannot create the record {path}: folder {path.parent} is missing"
                )
            reason = read_only_reason(path)
            if reason is not None:
                raise RecordError(
                    f"cannot create the record {path}: {reason}; make it writable "
                    "(chmod u+w) or give another --record"
                )
            return
        raise RecordError(
            f"no forecast record at {path}; record a forecast first "
            f"(relforecast forecast … --record {path}) or give --record PATH|URL"
        )
    if not read_only:
        reason = read_only_reason(path)
        if reason is not None:
            raise RecordError(
                f"cannot write the record {path}: {reason}; to record into it, make it writable "
                "(chmod u+w) or give another --record; to read it as it is, use `relforecast "
                "record list`, `show`, `export` or `score` (in Python: read_only=True)"
            )
    if path.stat().st_size == 0:
        if read_only:
            raise RecordError(f"{path} holds no forecast record yet (an empty file)")
        return
    with path.open("rb") as handle:
        head = handle.read(len(_SQLITE_HEADER))
    if head != _SQLITE_HEADER:
        raise RecordError(
            f"{path} is not a forecast record: it is not an SQLite database (corrupt, or another "
            "kind of file); give a new file name"
        )
    conn = None
    try:
        conn = _connect(path, read_only)
        verdict = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.OperationalError as exc:  # cannot open, lock, or write: not the file's fault
        raise access_error(path, exc) from exc
    except sqlite3.DatabaseError as exc:
        raise RecordError(
            f"{path} is a corrupt SQLite file ({exc}); restore it from a backup"
        ) from exc
    finally:
        if conn is not None:
            conn.close()
    if verdict != [("ok",)]:
        first = verdict[0][0] if verdict else "no answer"
        raise RecordError(f"{path} is a corrupt SQLite file ({first}); restore it from a backup")


def make_engine(location: str, *, read_only: bool = False) -> Engine:
    """An engine for a file path (SQLite) or a database URL.

    SQLite connections get a busy timeout, foreign keys on, and transactions that
    SQLAlchemy begins itself (``BEGIN`` for reads, ``BEGIN IMMEDIATE`` for writes, see
    :func:`write_transaction`); with ``read_only`` they cannot write (:func:`_read_connection`).
    """
    if is_url(location):
        try:
            url = sa.make_url(location)
            url.port  # noqa: B018  (a bad port is only read here)
        except (sa.exc.ArgumentError, ValueError) as exc:
            raise RecordError(
                f"--record {display(location)!r} is not a database URL: {exc}"
            ) from exc
    else:
        url = sa.URL.create("sqlite", database=str(Path(location)))
    options: dict = {}
    if url.get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": BUSY_TIMEOUT_S}
        if read_only and not is_url(location):
            path = Path(location)
            options = {"creator": lambda: _connect(path, True)}
    try:
        engine = sa.create_engine(url, **options)
    except (ImportError, sa.exc.NoSuchModuleError) as exc:
        hint = (
            " (install the driver: pip install 'relforecast[postgres]')"
            if url.get_backend_name() == "postgresql"
            else ""
        )
        raise RecordError(
            f"cannot use the record database {display(location)}: {exc}{hint}"
        ) from exc
    if engine.dialect.name == "sqlite":
        _sqlite_events(engine)
    return engine


def _sqlite_events(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # SQLAlchemy emits BEGIN itself (below), so the driver must not
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def write_transaction(engine: Engine):
    """A connection whose transaction takes the write lock at once (context manager).

    SQLite: ``BEGIN IMMEDIATE`` (the busy timeout queues a second writer). PostgreSQL: an
    ordinary transaction; :func:`ensure_schema` adds an advisory lock where it needs one.
    """
    conn = engine.connect().execution_options(**{_WRITE: True})
    return _Transaction(conn)


class _Transaction:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def __enter__(self) -> Connection:
        self._tx = self.conn.begin()
        return self.conn

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is None:
                self._tx.commit()
            else:
                self._tx.rollback()
        finally:
            self.conn.close()


def check_database(conn: Connection, where: str) -> int | None:
    """The record's schema version, or ``None`` for an empty database.

    Raises
    ------
    RecordError
        The database holds other tables, is a record of a newer schema, or is damaged.
    """
    names = set(sa.inspect(conn).get_table_names())
    if record_meta.name not in names:
        if names:
            shown = ", ".join(sorted(names)[:5]) + (" …" if len(names) > 5 else "")
            raise RecordError(
                f"{where} is not a forecast record: it holds other tables ({shown}); give a new "
                "file or an empty database"
            )
        return None
    meta = dict(conn.execute(sa.select(record_meta.c.key, record_meta.c.value)).all())
    if meta.get("application") != APPLICATION:
        raise RecordError(
            f"{where} is not a forecast record (its {record_meta.name} table does not name "
            f"{APPLICATION!r}); give a new file or an empty database"
        )
    try:
        version = int(meta["schema_version"])
    except (KeyError, ValueError) as exc:
        raise RecordError(f"{where}: the record's schema version is missing or unreadable") from exc
    if version > SCHEMA_VERSION:
        raise RecordError(
            f"{where} is a record of schema version {version}, newer than this relforecast "
            f"understands ({SCHEMA_VERSION}); upgrade relforecast (pip install -U relforecast)"
        )
    if version < 1:
        raise RecordError(f"{where}: record schema version {version} is not valid")
    missing = sorted(set(TABLES) - names)
    if version == SCHEMA_VERSION and missing:
        raise RecordError(f"{where} is a damaged record: tables {missing} are missing")
    return version


def ensure_schema(
    engine: Engine, where: str, *, create: bool, read_only: bool = False
) -> tuple[int, int | None]:
    """Create the tables of an empty database or migrate an older record.

    Runs in one write transaction, re-checking the database inside it, so two processes
    opening a new record at once create it once. Returns the schema version and, when this
    call migrated the record, the version it had before (else ``None``). With ``read_only``
    it only checks: an older record is refused (reading it needs the upgrade).
    """
    with engine.connect() as conn:
        version = check_database(conn, where)
    if version == SCHEMA_VERSION:
        return version, None
    if version is None and (read_only or not create):
        raise RecordError(
            f"{where} holds no forecast record yet; record a forecast first "
            "(relforecast forecast … --record PATH|URL)"
        )
    if read_only:
        raise OlderRecordError(
            f"{where} is a record of schema version {version}, which this relforecast reads "
            f"only after upgrading it to version {SCHEMA_VERSION}; open it once where it can be "
            "written (e.g. relforecast forecast … --record) to upgrade it"
        )
    if engine.dialect.name == "sqlite":
        _sqlite_wal(engine, where)
    with write_transaction(engine) as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(20250701)"))
        version = check_database(conn, where)
        if version is None:
            metadata.create_all(conn)
            conn.execute(
                record_meta.insert(),
                [
                    {"key": "application", "value": APPLICATION},
                    {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                ],
            )
            return SCHEMA_VERSION, None
        if version == SCHEMA_VERSION:  # another process upgraded it meanwhile
            return version, None
        for step in range(version, SCHEMA_VERSION):
            if step not in MIGRATIONS:
                raise RecordError(
                    f"{where}: no migration from record schema version {step} to {step + 1}"
                )
            MIGRATIONS[step](conn)
        conn.execute(
            record_meta.update()
            .where(record_meta.c.key == "schema_version")
            .values(value=str(SCHEMA_VERSION))
        )
    return SCHEMA_VERSION, version


def ensure_wal(engine: Engine, where: str) -> None:
    """Put an SQLite record in WAL mode (persistent in the file; a no-op when it already is)."""
    if engine.dialect.name == "sqlite":
        _sqlite_wal(engine, where)


def _sqlite_wal(engine: Engine, where: str) -> None:
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    raw = engine.raw_connection()
    try:
        while True:
            try:
                mode = raw.driver_connection.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    raw.driver_connection.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise RecordError(
                        f"{where}: cannot switch the record to WAL mode: {exc}"
                    ) from exc
                time.sleep(0.05)
    finally:
        raw.close()
