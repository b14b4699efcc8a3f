"""``rf.Record``: the forecast record — keep every published forecast, read it back, score it.

::

    rec = rf.Record("record.sqlite")                    # or "postgresql+psycopg://host/db"
    rec.add(fc, model="auto", seed=0)                   # a Forecast, or rf.outlook(...)'s result
    rec.forecasts(dyad="Japan")                         # one row per recorded forecast
    rec.score(rf.load_panel("scores.csv"))              # scores against the data known now
    rec.track_record("Japan", data, until="2025-06")    # backtest-contract rows, for evaluate

Storage, transactions, locking and the schema are described in
:mod:`relforecast.record.schema`; what is kept of a forecast in :mod:`relforecast.record.entry`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from relforecast.evaluation.backtest import QUANTILE_COLUMNS
from relforecast.exceptions import RecordError
from relforecast.forecast import Forecast
from relforecast.periods import to_month
from relforecast.record.entry import Entry, EntryFacts, make_entry
from relforecast.record.schema import (
    check_sqlite_file,
    crossings,
    display,
    ensure_schema,
    ensure_wal,
    forecasts,
    is_url,
    make_engine,
    months,
    questions,
    write_transaction,
)

__all__ = ["DEFAULT_RECORD", "Added", "Record", "default_location"]

DEFAULT_RECORD = "relforecast-record.sqlite"
_CHILDREN = {"months": months, "crossings": crossings, "questions": questions}


def default_location() -> str:
    """``$RELFORECAST_RECORD`` if set, else ``relforecast-record.sqlite`` in the current folder."""
    return os.environ.get("RELFORECAST_RECORD") or DEFAULT_RECORD


class Added(NamedTuple):
    """The outcome of :meth:`Record.add`: the forecast's id, whether it is new, and (for one
    already recorded) the names of the questions this publication added to it."""

    id: int
    new: bool
    key: str
    added_questions: tuple[str, ...] = ()


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


@contextmanager
def _database_errors(where: str) -> Iterator[None]:
    try:
        yield
    except sa.exc.SQLAlchemyError as exc:
        raise RecordError(f"forecast record {where}: {_first_line(exc)}") from exc


def _add_missing_answers(conn: Connection, forecast_id: int, entry: Entry) -> tuple[str, ...]:
    """The questions and crossing curves this entry publishes that the recorded forecast
    lacks (another threshold or question asked of the same forecast), inserted; their names."""
    new_questions = _missing(conn, questions.c.name, forecast_id, entry.questions)
    _insert_rows(conn, questions, forecast_id, new_questions)
    new_crossings = _missing(conn, crossings.c.threshold, forecast_id, entry.crossings)
    _insert_rows(conn, crossings, forecast_id, new_crossings)
    return tuple(q["name"] for q in new_questions)


def _missing(
    conn: Connection, column: sa.Column, forecast_id: int, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The rows whose ``column`` value the forecast has no row with yet."""
    query = sa.select(column).where(column.table.c.forecast_id == forecast_id)
    have = set(conn.execute(query).scalars())
    return [r for r in rows if r[column.name] not in have]


def _insert_rows(
    conn: Connection, table: sa.Table, forecast_id: int, rows: list[dict[str, Any]]
) -> None:
    if rows:
        conn.execute(table.insert(), [{"forecast_id": forecast_id, **r} for r in rows])


_MAX_ID = 2**63 - 1  # the largest integer a database column holds


def _ids(ids: Sequence[int]) -> list[int]:
    """Forecast ids as whole numbers; those no record can hold (below 1, above 2**63 - 1)
    match nothing, rather than overflowing the database driver."""
    out = []
    for i in ids:
        if isinstance(i, bool) or not float(i).is_integer():
            raise RecordError(f"forecast id {i!r} is not a whole number")
        if 1 <= int(i) <= _MAX_ID:
            out.append(int(i))
    return out


def _insert_children(conn: Connection, forecast_id: int, entry: Entry) -> None:
    """Insert the month, crossing and question rows of one forecast (inside its transaction)."""
    for name, table in _CHILDREN.items():
        _insert_rows(conn, table, forecast_id, getattr(entry, name))


class Record:
    """A forecast record in an SQLite file or a database server.

    Parameters
    ----------
    location : str or Path, optional
        A file path (SQLite, created when missing) or a database URL such as
        ``postgresql+psycopg://user@host/dbname``. Default: :func:`default_location`.
    create : bool, default True
        Create the record when the file is missing or the database empty. ``False`` refuses
        (for commands that only read).
    read_only : bool, default False
        Only read: nothing is created, upgraded or written (an SQLite file is opened through
        SQLite's read-only ``mode=ro``), so a record on a read-only file or folder can be
        listed, shown, exported and scored; :meth:`add` refuses, and a missing record is not
        created.

    Raises
    ------
    RecordError
        The location is not a record (another kind of file, a database holding other
        tables), is corrupt, or was written by a newer relforecast; a record file or folder
        this user may not write, unless ``read_only``. Nothing is written then.
    """

    def __init__(
        self,
        location: str | os.PathLike | None = None,
        *,
        create: bool = True,
        read_only: bool = False,
    ) -> None:
        if location is not None and not isinstance(location, str | os.PathLike):
            raise RecordError(
                f"a record is an SQLite file path or a database URL, got {location!r}"
            )
        self.location = str(location) if location is not None else default_location()
        self.where = display(self.location)
        self.read_only = bool(read_only)
        create = create and not self.read_only
        if not is_url(self.location):
            check_sqlite_file(Path(self.location), create=create, read_only=self.read_only)
        self._engine = make_engine(self.location, read_only=self.read_only)
        try:
            with _database_errors(self.where):
                #: upgraded_from: the schema version the record had when this opening upgraded
                #: it (older relforecast releases cannot open it after that), else None
                self.schema_version, self.upgraded_from = ensure_schema(
                    self._engine, self.where, create=create, read_only=self.read_only
                )
                if not self.read_only:
                    ensure_wal(self._engine, self.where)
        except BaseException:
            self._engine.dispose()
            raise

    # ---------------------------------------------------------------- lifecycle
    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def __enter__(self) -> Record:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Record({self.where!r}, {len(self)} forecasts)"

    def __len__(self) -> int:
        with _database_errors(self.where), self._engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(forecasts)).scalar())

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql`` (or another SQLAlchemy dialect)."""
        return self._engine.dialect.name

    # -------------------------------------------------------------------- write
    def add(
        self, published: Forecast | Any, facts: EntryFacts | None = None, /, **given: Any
    ) -> Added:
        """Record a published forecast, whole or not at all.

        Parameters
        ----------
        published : Forecast or Outlook
            What was published (see :func:`relforecast.record.entry.make_entry`).
        facts : EntryFacts, optional
            How it was made (:class:`~relforecast.record.entry.EntryFacts`).
        **given
            The same facts as keywords instead: ``dyad``, ``as_of``, ``window``, ``model``,
            ``model_name``, ``model_params``, ``seed``, ``n_paths``, ``fingerprint``,
            ``shocks``, ``scenarios``, ``questions`` (mapping name -> probability),
            ``thresholds``, ``threshold``, ``source``, ``notes``.

        Returns
        -------
        Added
            ``(id, new, key, added_questions)``; ``new`` is False when the same forecast was
            already recorded — same data, shock calendar, scenario definitions, as-of month,
            window, model label, description and estimates, seed and number of paths
            (:func:`~relforecast.record.entry.identity_key`). It is then not stored again;
            the questions and crossing thresholds it publishes that the record lacks are
            added to the recorded forecast (their names in ``added_questions``).
        """
        return self.add_entry(make_entry(published, facts, **given))

    def add_entry(self, entry: Entry) -> Added:
        """Record an :class:`~relforecast.record.entry.Entry` in one transaction."""
        if self.read_only:
            raise RecordError(
                f"the record {self.where} was opened read-only; open it with "
                "Record(..., read_only=False) to record into it"
            )
        try:
            with _database_errors(self.where), write_transaction(self._engine) as conn:
                found = self._find(conn, entry.key)
                if found is not None:
                    extra = _add_missing_answers(conn, found, entry)
                    return Added(found, False, entry.key, extra)
                result = conn.execute(forecasts.insert().values(**entry.forecast))
                forecast_id = int(result.inserted_primary_key[0])
                _insert_children(conn, forecast_id, entry)
        except RecordError as exc:
            # two writers recording the same forecast at once: the second meets the unique key
            if isinstance(exc.__cause__, sa.exc.IntegrityError):
                with self._engine.connect() as conn:
                    found = self._find(conn, entry.key)
                if found is not None:
                    return Added(found, False, entry.key)
            raise
        return Added(forecast_id, True, entry.key)

    @staticmethod
    def _find(conn: Connection, key: str) -> int | None:
        found = conn.execute(sa.select(forecasts.c.id).where(forecasts.c.key == key)).scalar()
        return None if found is None else int(found)

    def has(self, key: str) -> bool:
        """Whether a forecast with this identity key is recorded."""
        with _database_errors(self.where), self._engine.connect() as conn:
            return self._find(conn, key) is not None

    # --------------------------------------------------------------------- read
    def forecasts(
        self,
        *,
        dyad: str | Sequence[str] | None = None,
        model: str | Sequence[str] | None = None,
        ids: Sequence[int] | None = None,
    ) -> pd.DataFrame:
        """One row per recorded forecast (all columns of the ``forecasts`` table), by id."""
        query = sa.select(forecasts).order_by(forecasts.c.id)
        for column, wanted in ((forecasts.c.dyad, dyad), (forecasts.c.model, model)):
            if wanted is not None:
                values = [wanted] if isinstance(wanted, str) else list(wanted)
                query = query.where(column.in_(values))
        if ids is not None:
            query = query.where(forecasts.c.id.in_(_ids(ids)))
        with _database_errors(self.where), self._engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        return frame.set_index("id")

    def table(self, name: str, ids: Sequence[int] | None = None) -> pd.DataFrame:
        """The child rows ``months``, ``crossings`` or ``questions`` (of ``ids``, or all)."""
        if name not in _CHILDREN:
            raise RecordError(f"table {name!r} is not one of {sorted(_CHILDREN)}")
        table = _CHILDREN[name]
        query = sa.select(table).order_by(*table.primary_key.columns)
        if ids is not None:
            query = query.where(table.c.forecast_id.in_(_ids(ids)))
        with _database_errors(self.where), self._engine.connect() as conn:
            return pd.read_sql(query, conn)

    def show(self, forecast_id: int) -> dict[str, Any]:
        """Everything recorded of one forecast: ``forecast`` (dict, JSON fields decoded),
        ``months``, ``crossings`` and ``questions`` (DataFrames)."""
        frame = self.forecasts(ids=[forecast_id])
        if frame.empty:
            raise RecordError(
                f"no forecast #{forecast_id} in {self.where}; see relforecast record list"
            )
        row = frame.iloc[0].to_dict() | {"id": int(forecast_id)}
        for key in ("model_params", "scenarios", "notes"):
            row[key] = json.loads(row[key])
        out: dict[str, Any] = {"forecast": row}
        for name in _CHILDREN:
            out[name] = self.table(name, [forecast_id]).drop(columns="forecast_id")
        return out

    # ------------------------------------------------------- backtest contract
    def backtest_table(
        self,
        *,
        dyad: str | Sequence[str] | None = None,
        model: str | Sequence[str] | None = None,
        until: Any = None,
        data: pd.Series | pd.DataFrame | None = None,
    ) -> pd.DataFrame:
        """The recorded forecasts as rows of the backtest CSV contract.

        One row per (dyad, model, origin, h): ``dyad, model, origin`` (the as-of month),
        ``h``, ``target``, ``mean``, ``q5 … q95`` and ``cross_T`` for every threshold recorded
        with all the forecasts kept. Feed it to :func:`relforecast.evaluate`.

        Parameters
        ----------
        dyad, model : optional
            Keep these only.
        until : month, optional
            Keep only rows whose target month is at or before ``until`` — what could be known
            of the record at that as-of month (an outlook's track record uses its as-of
            month here).
        data : Series or DataFrame, optional
            Keep only rows whose target month is observed in ``data`` (the scored rows).

        Returns
        -------
        pd.DataFrame
            ``attrs["notes"]`` says which forecasts were left out and why: forecasts whose
            months do not start right after the as-of month (their crossing curves do not
            count from the origin), and later recordings of a (dyad, model, origin) already
            present (the first recorded is kept).
        """
        meta = self.forecasts(dyad=dyad, model=model)
        notes: list[str] = []
        if meta.empty:
            frame = pd.DataFrame(columns=["dyad", "model", "origin", "h", "target", "mean"])
            frame.attrs["notes"] = notes
            return frame
        rows = self.table("months", list(meta.index))
        span = rows.groupby("forecast_id")["h"].agg(["min", "max", "size"])
        contiguous = span.index[(span["min"] == 1) & (span["max"] == span["size"])]
        gapped = sorted(set(meta.index) - set(contiguous))
        if gapped:
            notes.append(
                f"{len(gapped)} forecast(s) left out whose months do not start right after "
                f"their as-of month (ids {gapped[:10]}{' …' if len(gapped) > 10 else ''})"
            )
        meta = meta.loc[meta.index.isin(contiguous)]
        first = ~meta.duplicated(["dyad", "model", "as_of"], keep="first")
        if (~first).any():
            notes.append(
                f"{int((~first).sum())} later recording(s) of a dyad, model and as-of month "
                "already recorded left out (the first recorded is kept)"
            )
        meta = meta[first]
        rows = rows[rows["forecast_id"].isin(meta.index)]
        cross = self.table("crossings", list(meta.index))
        frame = rows.merge(
            meta[["dyad", "model", "as_of"]], left_on="forecast_id", right_index=True
        ).rename(columns={"as_of": "origin", "month": "target"})
        cross_cols: list[str] = []
        if not cross.empty:
            counts = cross.groupby("threshold")["forecast_id"].nunique()
            common = sorted(counts.index[counts == len(meta)])
            cross = cross[cross["threshold"].isin(common)]
            wide = cross.pivot_table(
                index=["forecast_id", "month"], columns="threshold", values="p"
            )
            wide.columns = [f"cross_{t:g}" for t in wide.columns]
            cross_cols = list(wide.columns)
            frame = frame.merge(
                wide, left_on=["forecast_id", "target"], right_index=True, how="left"
            )
        if until is not None:
            last = str(to_month(until, "until"))
            keep = pd.PeriodIndex(frame["target"], freq="M") <= pd.Period(last, "M")
            frame = frame[keep]
        if data is not None:
            frame = frame[_observed_mask(frame, data)]
        columns = ["dyad", "model", "origin", "h", "target", "mean", *QUANTILE_COLUMNS]
        frame = frame.sort_values(["dyad", "model", "origin", "h"])[columns + cross_cols]
        frame = frame.reset_index(drop=True)
        frame.attrs["notes"] = notes
        return frame

    def track_record(
        self,
        dyad: str,
        data: pd.Series | pd.DataFrame,
        *,
        model: str | None = None,
        until: Any = None,
    ) -> pd.DataFrame:
        """The dyad's scored past forecasts as a backtest-contract table.

        Rows whose target month is observed in ``data`` and, with ``until``, not after it:
        what an outlook as of ``until`` may show of the record without hindsight. Score it
        with ``rf.evaluate(table, data)``.
        """
        return self.backtest_table(dyad=dyad, model=model, until=until, data=data)

    # ---------------------------------------------------------------- scoring
    def score(
        self,
        data: pd.Series | pd.DataFrame,
        *,
        dyad: str | Sequence[str] | None = None,
        model: str | Sequence[str] | None = None,
    ):
        """Score every recorded forecast against ``data`` (see
        :func:`relforecast.record.scoring.score_record`)."""
        from relforecast.record.scoring import score_record

        return score_record(self, data, dyad=dyad, model=model)

    # ----------------------------------------------------------------- export
    def export(self, folder: str | os.PathLike, fmt: str = "csv") -> dict[str, Path]:
        """Write the record's tables to ``folder`` as CSV or Parquet.

        Files: ``forecasts``, ``months``, ``crossings``, ``questions`` and ``backtest`` (the
        backtest contract, :meth:`backtest_table`). Each file is written to a temporary name
        and renamed into place, so a file is whole or absent.
        """
        if fmt not in ("csv", "parquet"):
            raise RecordError(f"export format {fmt!r} is not known; use csv or parquet")
        if fmt == "parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError as exc:
                raise RecordError(
                    "Parquet export needs pyarrow: pip install 'relforecast[parquet]'"
                ) from exc
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        tables = {"forecasts": self.forecasts().reset_index()}
        tables.update({name: self.table(name) for name in _CHILDREN})
        tables["backtest"] = self.backtest_table()
        files = {}
        for name, frame in tables.items():
            path = out / f"{name}.{fmt}"
            tmp = out / f".{name}.{fmt}.tmp-{os.getpid()}"
            try:
                if fmt == "csv":
                    frame.to_csv(tmp, index=False)
                else:
                    frame.to_parquet(tmp, index=False)
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
            files[name] = path
        return files


def _observed_mask(frame: pd.DataFrame, data: pd.Series | pd.DataFrame) -> pd.Series:
    panel = data.to_frame() if isinstance(data, pd.Series) else data
    keep = pd.Series(False, index=frame.index)
    for dyad, part in frame.groupby("dyad"):
        if dyad not in panel.columns:
            continue
        months = set(panel[dyad].dropna().index.astype(str))
        keep.loc[part.index] = part["target"].isin(months) & part["origin"].isin(months)
    return keep
