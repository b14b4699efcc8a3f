"""Load and validate monthly score series: one dyad (``load_scores``) or many (``load_panel``).

Accepted inputs
---------------
* the long layout of the Tsinghua data (columns ``country, year, month, ym, score``), from a
  CSV path or a DataFrame; other column names are mapped with ``country_col``, ``date_col``,
  ``score_col`` (or ``year_col`` + ``month_col`` when there is no single date column);
* a wide layout: one column per dyad, months in a date column or the index;
* a ``pd.Series`` indexed by months.

Every series comes back as ``float`` values on a monthly :class:`pandas.PeriodIndex`, sorted,
named after its dyad, with no gaps and every value inside the scale and on its grid: a value
between two steps of a scale with a grid (0.1 on the default Tsinghua scale) is refused by name,
since it says the data are on another scale (``scale=`` / ``--scale`` declares it).

A long table holding several series per dyad (an event-index file with a ``source`` and an
``index_type`` column) is cut to one with ``where={"source": "GDELT", ...}``: the rows whose
column equals the value (compared as text), every condition holding.

Empty scores are never dropped without a word: an empty cell inside a series is a missing month
(an error naming it, unless ``fill=`` says how to fill it), and empty cells after a series' last
score are refused, because dropping them would move the forecast origin silently. Empty cells
before the first score only mark where the series starts (and, in a wide table, months outside a
dyad's span). Only an empty cell is empty: text such as ``n/a`` or ``NA`` in a score column is a
non-numeric score, named in the error, and ``NA`` in a country column is a country (Namibia).

The scale a series or panel was loaded on is kept in its ``attrs["scale"]``: a model on another
scale's grid refuses it (:func:`relforecast.models.base.refuse_other_grid`).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from relforecast._typing import FillMethod, PathOrFrame, PeriodLike
from relforecast.exceptions import DataError, RelforecastWarning
from relforecast.periods import parse_months, to_month
from relforecast.scale import TSINGHUA_SCALE, Scale, parse_scale

__all__ = [
    "MIN_MONTHS",
    "dyad_key",
    "filter_rows",
    "load_panel",
    "load_scores",
    "merge_note",
    "preview",
    "read_csv_file",
    "refuse_repeated_columns",
    "refuse_several_spellings",
    "require_length",
    "series_fingerprint",
    "several_spellings",
    "spellings",
    "validate_series",
]

MIN_MONTHS = 24
"""Shortest series (in months) a model is fitted to."""

# Spellings of the same partner across the files a user is likely to hold.
_ALIASES = {
    "united states": "us",
    "usa": "us",
    "u.s.": "us",
    "america": "us",
    "united kingdom": "uk",
    "britain": "uk",
    "great britain": "uk",
    "russian federation": "russia",
}


def dyad_key(name: object) -> str:
    """Normalised key used to match dyad names across files ("United States" == "US")."""
    key = str(name).strip().lower()
    return _ALIASES.get(key, key)


def spellings(names: Sequence[object]) -> dict[str, list[str]]:
    """The spellings of each dyad among ``names``, by :func:`dyad_key`, in order of first
    appearance ("Japan" and "japan", or "US" and "United States", are one dyad)."""
    out: dict[str, list[str]] = {}
    for name in names:
        text = str(name).strip()
        seen = out.setdefault(dyad_key(text), [])
        if text not in seen:
            seen.append(text)
    return out


def several_spellings(names: Sequence[object]) -> list[list[str]]:
    """The dyads spelled more than one way among ``names`` (each as its list of spellings)."""
    return [found for found in spellings(names).values() if len(found) > 1]


def refuse_several_spellings(
    names: Sequence[object], where: str, *, error: type = DataError
) -> None:
    """The identity rule of dyad names: a dyad spelled two ways in one source ("Japan" and
    "japan", "US" and "United States") is refused, naming the spellings, because reading them
    as two dyads would split one series (and move its last month) without a word."""
    clashes = several_spellings(names)
    if clashes:
        shown = "; ".join(" and ".join(repr(s) for s in found) for found in clashes)
        raise error(
            f"{where} spells one dyad several ways: {shown}; names are matched ignoring case "
            "and known aliases (United States = US), so use one spelling for each dyad"
        )


def merge_note(names: Sequence[object], where: str) -> None:
    """The identity rule where rows of one dyad may simply be pooled (events, leaders' terms):
    rows spelled several ways are read as one dyad, with a warning naming the spellings."""
    clashes = several_spellings(names)
    if clashes:
        shown = "; ".join(" and ".join(repr(s) for s in found) for found in clashes)
        warnings.warn(
            f"{where} spells one dyad several ways ({shown}); their rows are read as one dyad",
            RelforecastWarning,
            stacklevel=3,
        )


def preview(items: list, n: int = 6) -> str:
    """The first ``n`` of ``items`` separated by commas, and how many in all when cut."""
    shown = ", ".join(str(i) for i in items[:n])
    return shown + (f", ... ({len(items)} in all)" if len(items) > n else "")


# ---------------------------------------------------------------------------------- reading
def read_csv_file(
    source: str | PathLike,
    what: str = "data file",
    *,
    error: type = DataError,
    dtype: dict | None = None,
    keep_default_na: bool = False,
) -> pd.DataFrame:
    """Read a CSV file the user gave (scores, events, leaders, a backtest): a missing, empty,
    binary, ragged or header-only file is an ``error`` naming the file and what it should be.

    By default only an empty cell is missing: 'n/a', 'NA', 'null'... stay text (named if a
    score); ``keep_default_na=True`` reads them as pandas does by default.
    """
    path = Path(source)
    if not path.exists():
        raise error(f"{what} {str(path)!r} does not exist; check the path")
    if path.is_dir():
        raise error(f"{str(path)!r} is a folder; give the path of a CSV file")
    if path.stat().st_size == 0:
        raise error(f"{what} {str(path)!r} is empty; expected a CSV with a header row")
    with path.open("rb") as handle:
        head = handle.read(8192)
    if b"\0" in head:
        raise error(f"{what} {str(path)!r} is a binary file, not CSV text")
    first = head.split(b"\n", 1)[0]
    for sep, name in ((b";", "';'"), (b"\t", "tabs")):
        if first.count(sep) > first.count(b","):
            raise error(
                f"{what} {str(path)!r} is separated by {name}, not commas (its header is "
                f"{first.decode('utf-8', 'replace').strip()!r}); relforecast reads comma-"
                "separated CSV with decimal points: save it as CSV (comma-separated)"
            )
    try:
        frame = pd.read_csv(
            path,
            encoding="utf-8-sig",
            keep_default_na=keep_default_na,
            na_values=None if keep_default_na else [""],
            dtype=dtype,
        )
    except pd.errors.EmptyDataError as exc:
        raise error(f"{what} {str(path)!r} has no columns; expected a CSV header") from exc
    except UnicodeDecodeError as exc:
        raise error(
            f"{what} {str(path)!r} is not UTF-8 text (byte {exc.object[exc.start]:#04x} at "
            f"position {exc.start}); save it as UTF-8 CSV"
        ) from exc
    except (pd.errors.ParserError, ValueError) as exc:
        reason = " ".join(str(exc).split())
        raise error(f"cannot parse {what} {str(path)!r} as CSV: {reason}") from exc
    header = _header(path)
    twice = sorted({c for c in header if header.count(c) > 1 and c})
    if twice:  # pandas would rename the second 'cross_-6' to 'cross_-6.1', a new threshold
        raise error(f"{what} {str(path)!r} has the column(s) {twice} twice; keep one of each")
    if frame.empty:
        raise error(f"{what} {str(path)!r} has a header but no rows")
    unnamed = [str(c) for c in frame.columns if str(c).startswith("Unnamed: ")]
    if unnamed and len(unnamed) == len(frame.columns):
        raise error(f"{what} {str(path)!r} has no header row; expected named columns")
    return frame


def _header(path: Path) -> list[str]:
    """The names in the first row of a CSV file, as written."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [c.strip() for c in next(csv.reader(handle), [])]


def _read_table(source: str | PathLike) -> pd.DataFrame:
    return read_csv_file(source)


DEFAULT_DATE_COL = "ym"
"""The date column of the long layout; without it, ``year`` + ``month`` columns are read."""

_parse_months = parse_months  # the former private name (relforecast.periods is its home)


def _months_from_columns(
    frame: pd.DataFrame, date_col: str, year_col: str, month_col: str
) -> pd.PeriodIndex:
    if date_col in frame.columns:
        return parse_months(frame[date_col], f"dates in column {date_col!r}")
    if date_col != DEFAULT_DATE_COL:  # a column the user named is never silently replaced
        raise DataError(
            f"no date column {date_col!r} among {list(frame.columns)}; name one of them with "
            "date_col=... (CLI: --date-col)"
        )
    if year_col in frame.columns and month_col in frame.columns:
        year = pd.to_numeric(frame[year_col], errors="coerce")
        month = pd.to_numeric(frame[month_col], errors="coerce")
        bad = frame[year.isna() | month.isna() | ~month.between(1, 12)]
        if len(bad):
            pairs = [f"{y}-{m}" for y, m in zip(bad[year_col], bad[month_col], strict=False)]
            raise DataError(
                f"unparseable year/month in columns {year_col!r}/{month_col!r}: {preview(pairs)}"
            )
        return pd.PeriodIndex.from_fields(year=year.astype(int), month=month.astype(int), freq="M")
    raise DataError(
        f"no date column: expected {date_col!r} or {year_col!r} + {month_col!r} among "
        f"{list(frame.columns)}; name yours with date_col=... (CLI: --date-col)"
    )


# ------------------------------------------------------------------------------ validation
def _parse_numbers(raw: pd.Series, name: str) -> pd.Series:
    """The scores of ``raw`` (objects: numbers, texts, empty cells) as floats, NaN for empty
    cells; true/false values and texts that are not numbers are refused."""
    booleans = raw[raw.map(lambda v: isinstance(v, bool | np.bool_))]
    if len(booleans):
        items = [f"{m}: {v!r}" for m, v in booleans.items()]
        raise DataError(
            f"true/false values as scores for {name!r} at {preview(items)}; scores must be "
            "numbers on the scale"
        )
    numeric = pd.to_numeric(raw, errors="coerce")
    not_numeric = raw[numeric.isna() & raw.notna() & (raw.astype(str).str.strip() != "")]
    if len(not_numeric):
        items = [f"{m}: {v!r}" for m, v in not_numeric.items()]
        raise DataError(
            f"non-numeric scores for {name!r} at {preview(items)}; scores must be numbers"
        )
    return numeric


def _consecutive(months: pd.PeriodIndex, array: np.ndarray) -> bool:
    """Whether ``months`` run one after another without a gap or a repeat and every value is
    present (the shape of a clean series)."""
    ordinals = np.asarray(months.asi8)
    return (
        len(ordinals) > 0
        and bool(np.all(np.diff(ordinals) == 1))
        and not bool(np.isnan(array.astype(float)).any())
    )


def _check_values(series: pd.Series, name: str, scale: Scale, grid: bool) -> None:
    """Refuse scores outside the scale's bounds, or off its grid when ``grid``."""
    outside = series[(series < scale.lower) | (series > scale.upper)]  # none without bounds
    if len(outside):
        items = [f"{m}: {v}" for m, v in outside.items()]
        raise DataError(
            f"scores outside the {scale.name} scale [{scale.lower}, {scale.upper}] for "
            f"{name!r} at {preview(items)}; fix the values or declare the data's scale: "
            f"scale=... (CLI: --scale=LO:HI, e.g. --scale=-10:10, or --scale none)"
        )
    off = series[scale.off_grid(series.to_numpy())] if grid else series.iloc[:0]
    if len(off):
        items = [f"{m}: {v:g}" for m, v in off.items()]
        raise DataError(
            f"scores for {name!r} are not on the {scale.name} scale's grid of {scale.step:g} "
            f"steps ({len(off)} value(s), e.g. {', '.join(items[:3])}); a continuous score is on "
            "another scale: declare it with scale=... (CLI: --scale=LO:HI, e.g. --scale=-10:10, "
            "or --scale none)"
        )


def validate_series(
    values: pd.Series,
    months: pd.PeriodIndex,
    name: str,
    *,
    scale: Scale | None = TSINGHUA_SCALE,
    fill: FillMethod | None = None,
    grid: bool = True,
) -> pd.Series:
    """Check one dyad's months and values and return a clean monthly series.

    Parameters
    ----------
    values : pd.Series
        Raw values in the same order as ``months``.
    months : pd.PeriodIndex
        Monthly periods, one per value.
    name : str
        Dyad name, used in messages and as the series name.
    scale : Scale, str or None
        Values must lie inside its bounds and on its grid (when it has one); ``None`` (no
        bounds) skips both checks. A text is read by :func:`relforecast.scale.parse_scale`.
    fill : {"ffill", "interpolate"} or None
        What to do with missing months. ``None`` (default) raises :class:`DataError` naming
        them; ``"ffill"`` carries the last score forward; ``"interpolate"`` interpolates
        linearly and rounds to the scale's resolution. Filled months are listed in
        ``series.attrs["filled_months"]``.
    grid : bool, default True
        Refuse values off the scale's grid (loading declares the data's scale); ``False``
        checks the bounds only (a series handed to a model, which may be a transformation
        or a simulation of published scores).

    Returns
    -------
    pd.Series
        ``float`` values on a sorted, gap-free monthly ``PeriodIndex``.
    """
    scale = parse_scale(scale)
    if fill not in (None, "ffill", "interpolate"):
        raise DataError(f"fill={fill!r} is not known; use 'ffill', 'interpolate' or None")
    if len(values) == 0:
        raise DataError(f"no observations for {name!r}")
    array = np.asarray(values)
    if array.dtype.kind in "fiu" and _consecutive(months, array):
        # numbers on consecutive months with none missing (a slice of a clean series, as a
        # replay hands to every member at every origin): nothing to parse, sort or fill
        series = pd.Series(array.astype(float), index=months.rename("month"), name=name)
        _check_values(series, name, scale, grid)
        series.attrs["filled_months"] = []
        return series
    if array.dtype.kind in "fiu":  # already numbers: nothing to parse
        numeric = pd.Series(array.astype(float), index=months)
    else:
        numeric = _parse_numbers(pd.Series(array.astype(object), index=months), name)
    dup = numeric.index[numeric.index.duplicated()].unique()
    if len(dup):
        raise DataError(
            f"duplicated months for {name!r}: {preview([str(m) for m in dup])}; "
            "keep one score per month (a table holding several series per dyad is cut to one "
            "with where=...; CLI: --where COL=VALUE)"
        )
    series = numeric.sort_index().astype(float)
    if series.isna().any():
        scored = series.index[series.notna()]
        if scored.empty:
            raise DataError(f"no numeric scores for {name!r}")
        after = series.index[series.index > scored[-1]]
        if len(after):
            raise DataError(
                f"no score for {name!r} in its last {len(after)} month(s) "
                f"({preview([str(m) for m in after])}): the series would end at {scored[-1]} "
                "without saying so; give those scores, remove the empty rows, or cut the "
                f"series before them (series.loc[:'{scored[-1]}'], or panel[dyad].dropna() for "
                "one dyad of a panel)"
            )
        series = series[series.notna()]
    full = pd.period_range(series.index[0], series.index[-1], freq="M")
    missing = full.difference(series.index)
    _check_values(series, name, scale, grid)
    series = series.reindex(full)
    if len(missing):
        if fill is None:
            raise DataError(
                f"missing months for {name!r}: {preview([str(m) for m in missing])}; "
                "supply them or pass fill='ffill' or fill='interpolate' (CLI: --fill)"
            )
        if fill == "ffill":
            series = series.ffill()
        else:  # "interpolate"
            series = series.interpolate()
            series = pd.Series(scale.round(series.to_numpy()), index=series.index)
    series.name = name
    series.index.name = "month"
    series.attrs["filled_months"] = [str(m) for m in missing]
    return series


def require_length(
    series: pd.Series, min_months: int = MIN_MONTHS, what: str = "this model"
) -> None:
    """Raise :class:`DataError` when ``series`` is shorter than ``min_months``."""
    if len(series) < min_months:
        raise DataError(
            f"series {series.name!r} has {len(series)} months, too short for {what} "
            f"(needs at least {min_months}); use a longer span"
        )


# --------------------------------------------------------------------------------- loaders
def _is_long(frame: pd.DataFrame, country_col: str, score_col: str) -> bool:
    return country_col in frame.columns and score_col in frame.columns


def _split_long(
    frame: pd.DataFrame,
    country_col: str,
    date_col: str,
    score_col: str,
    year_col: str,
    month_col: str,
) -> dict[str, tuple[pd.Series, pd.PeriodIndex]]:
    months = _months_from_columns(frame, date_col, year_col, month_col)
    names = frame[country_col].astype(str).str.strip()
    refuse_several_spellings(pd.unique(names), f"the column {country_col!r}")
    out = _Parts()
    for dyad in pd.unique(names):
        mask = (names == dyad).to_numpy()
        out[str(dyad)] = (frame[score_col][mask].reset_index(drop=True), months[mask])
        if months[mask].has_duplicates:
            used = {country_col, date_col, score_col, year_col, month_col}
            others = [c for c in frame.columns if c not in used]
            problem = _several_series(frame[mask], others, str(dyad))
            if problem is not None:  # refused when this dyad is asked for, not before
                out.several[str(dyad)] = problem
    return out


class _Parts(dict):
    """Each dyad's raw values and months (``{dyad: (values, months)}``), with the refusal of
    each dyad whose rows are several series (``several``), raised by
    :func:`_refuse_several` when that dyad is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.several: dict[str, DataError] = {}


def _refuse_several(parts: dict, names: list[str]) -> None:
    """Raise the refusal of the first of ``names`` whose rows are several series."""
    for name in names:
        problem = getattr(parts, "several", {}).get(name)
        if problem is not None:
            raise problem


def _several_series(rows: pd.DataFrame, others: list, dyad: str) -> DataError | None:
    """The refusal of a dyad with several rows per month when other columns tell the rows
    apart (a table of several series per dyad), naming the ``where`` that picks one; ``None``
    for plain duplicated months (:func:`validate_series` names them)."""
    split = {c: sorted(pd.unique(rows[c].astype(str).str.strip())) for c in others}
    split = {c: v for c, v in split.items() if len(v) > 1}
    if not split:
        return None
    picks = " ".join(f"--where {c}={v[0]}" for c, v in split.items())
    held = "; ".join(f"{c}: {preview(v)}" for c, v in split.items())
    return DataError(
        f"the table holds several series for {dyad!r}, told apart by {held}; pick one with "
        f"where={{...}} (CLI: {picks})"
    )


def _layout_error(frame: pd.DataFrame, country_col: str, date_col: str, score_col: str) -> str:
    """Why a table is in no known layout, and how to name its columns."""
    columns = [str(c) for c in frame.columns]
    if len(columns) == 1 and any(sep in columns[0] for sep in (";", "\t", "|")):
        return (
            f"the header {columns[0]!r} is a single column: is the file separated by ';', tabs "
            "or '|'? relforecast reads comma-separated CSV files; save it with commas"
        )
    return (
        f"no date column {date_col!r} among {columns}: the data is neither the long layout "
        f"(columns {country_col!r}, {date_col!r} or year + month, and {score_col!r}) nor a wide "
        f"table (a {date_col!r} column and one score column per dyad); name your columns with "
        "country_col=, date_col=, score_col= (CLI: --country-col, --date-col, --score-col)"
    )


def _split_wide(
    frame: pd.DataFrame, date_col: str, country_col: str, score_col: str
) -> dict[str, tuple[pd.Series, pd.PeriodIndex]]:
    """One series per column; each column's span ends at its last score (load_panel's own
    layout), but rows after the table's last score in any column are refused downstream."""
    if date_col not in frame.columns and len(frame.columns) and frame.columns[0] == "month":
        date_col = "month"  # the first column of a panel saved with load_panel(...).to_csv()
    if date_col in frame.columns:
        months = parse_months(frame[date_col], f"dates in column {date_col!r}")
        frame = frame.drop(columns=[date_col])
    elif isinstance(frame.index, pd.RangeIndex):  # a CSV without a date column
        raise DataError(_layout_error(frame, country_col, date_col, score_col))
    else:
        months = parse_months(frame.index, "dates in the index")
    if frame.shape[1] == 0:
        raise DataError("the table has no score columns besides the dates")
    refuse_several_spellings(list(frame.columns), "the table's header")
    filled = frame.notna()
    for col in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[col]):  # a blank text cell is empty too
            filled[col] &= frame[col].astype(str).str.strip() != ""
    rows_with_scores = np.flatnonzero(filled.any(axis=1).to_numpy())
    table_end = rows_with_scores[-1] + 1 if len(rows_with_scores) else len(frame)
    out = {}
    for j, col in enumerate(frame.columns):
        column = frame[col].reset_index(drop=True)
        scored = np.flatnonzero(filled.iloc[:, j].to_numpy())
        # months after this dyad's last score but scored for another dyad: outside its span
        end = scored[-1] + 1 if len(scored) and scored[-1] + 1 < table_end else len(frame)
        out[str(col)] = (column.iloc[:end], months[:end])
    return out


def refuse_repeated_columns(frame: pd.DataFrame, what: str) -> None:
    """Raise :class:`DataError` naming the columns ``frame`` holds more than once (one column
    a dyad or a field: a second one is neither merged nor told apart)."""
    twice = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
    if twice:
        raise DataError(f"{what} has the column(s) {twice} twice; keep one of each")


def filter_rows(frame: pd.DataFrame, where: Mapping[str, object] | None) -> pd.DataFrame:
    """The rows of ``frame`` whose column equals the value, for every ``column: value`` of
    ``where`` (compared as text, surrounding spaces ignored).

    Raises
    ------
    DataError
        A column that is not in the table, a value the column never takes, or no row meeting
        every condition — each named with what the table has.
    """
    if not where:
        return frame
    if not isinstance(where, Mapping):
        raise DataError(f"where={where!r} must be a mapping of column to value")
    keep = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        if column not in frame.columns:
            raise DataError(
                f"where: no column {column!r} among {[str(c) for c in frame.columns]}; "
                "name a column of the table (CLI: --where COL=VALUE)"
            )
        text = frame[column].astype(str).str.strip()
        match = (text == str(value).strip()).to_numpy()
        if not match.any():
            present = sorted(pd.unique(text))
            raise DataError(
                f"where: column {column!r} never equals {str(value)!r}; it holds "
                f"{preview(present)}"
            )
        keep &= match
    if not keep.any():
        conditions = ", ".join(f"{c}={v}" for c, v in where.items())
        raise DataError(f"where: no row meets every condition ({conditions})")
    return frame[keep].reset_index(drop=True)


def _collect(
    source: PathOrFrame,
    country_col: str,
    date_col: str,
    score_col: str,
    year_col: str,
    month_col: str,
    where: Mapping[str, object] | None = None,
) -> dict[str, tuple[pd.Series, pd.PeriodIndex]]:
    if isinstance(source, pd.Series):
        if where:
            raise DataError("where= filters the rows of a table; a Series has no columns")
        name = str(source.name) if source.name is not None else "series"
        return {name: (source.reset_index(drop=True), parse_months(source.index, "dates"))}
    if isinstance(source, str | PathLike):
        frame = _read_table(source)
    elif isinstance(source, pd.DataFrame):
        frame = source
        if frame.empty:
            raise DataError("the DataFrame is empty; expected monthly scores")
        refuse_repeated_columns(frame, "the DataFrame")
    else:
        raise DataError(
            f"cannot read scores from a {type(source).__name__}; pass a CSV path, a DataFrame "
            "or a Series"
        )
    frame = filter_rows(frame, where)
    if _is_long(frame, country_col, score_col):
        return _split_long(frame, country_col, date_col, score_col, year_col, month_col)
    if country_col in frame.columns:
        raise DataError(
            f"no score column {score_col!r} among {[str(c) for c in frame.columns]}; name "
            "yours with score_col=... (CLI: --score-col)"
        )
    if score_col in frame.columns:
        months = _months_from_columns(frame, date_col, year_col, month_col)
        return {score_col: (frame[score_col].reset_index(drop=True), months)}
    return _split_wide(frame, date_col, country_col, score_col)


def _layout(source: PathOrFrame, country_col: str, score_col: str) -> str:
    """Which layout ``_collect`` read: "series", "long", "single" (one score column) or
    "wide" (one column per dyad); used to explain an unknown dyad."""
    if isinstance(source, pd.Series):
        return "series"
    if isinstance(source, pd.DataFrame):
        columns = set(source.columns)
    else:
        columns = set(pd.read_csv(source, encoding="utf-8-sig", nrows=0).columns)
    if country_col in columns:
        return "long"
    return "single" if score_col in columns else "wide"


def _match(requested: str, available: list[str]) -> str:
    key = dyad_key(requested)
    for name in available:
        if dyad_key(name) == key:
            return name
    raise DataError(f"unknown dyad {requested!r}; the data has: {', '.join(available)}")


def _unknown_dyad_message(
    requested: str, available: list[str], source: PathOrFrame, country_col: str, score_col: str
) -> str:
    """Why a requested dyad is not among the names read; the layout often explains it."""
    layout = _layout(source, country_col, score_col)
    if layout == "single":
        return (
            f"cannot pick dyad {requested!r}: the data has a score column {score_col!r} but "
            f"no country column {country_col!r}, so it holds one series; name the country "
            "column with country_col=... (CLI: --country-col), or leave out the dyad"
        )
    hint = ""
    if layout == "wide":
        hint = (
            f" (read as a wide table, one column per dyad, because there are no columns "
            f"{country_col!r} and {score_col!r}; for a long table name them with country_col=, "
            "score_col= (CLI: --country-col, --score-col))"
        )
    return f"unknown dyad {requested!r}; the data has: {', '.join(available)}{hint}"


def _up_to(
    parts: dict[str, tuple[pd.Series, pd.PeriodIndex]], until: PeriodLike | None
) -> tuple[dict[str, tuple[pd.Series, pd.PeriodIndex]], int]:
    """Each dyad's rows dated at or before the as-of month ``until`` (all rows when ``None``),
    and how many distinct months were left out: what lies after ``until`` is not checked, so a
    gap, an empty score or a month to interpolate there neither refuses the data nor fills a
    month up to ``until``."""
    if until is None:
        return parts, 0
    last = to_month(until, "as-of month (until)", error=DataError)
    out = {}
    later: set[pd.Period] = set()
    for name, (values, months) in parts.items():
        keep = np.asarray(months <= last)
        out[name] = (values[keep].reset_index(drop=True), months[keep])
        later.update(months[~keep])
    early = {name: _first_scored(*parts[name]) for name in parts if _unscored(out[name][0])}
    if early:
        firsts = ", ".join(f"{name!r} ({first})" for name, first in early.items())
        raise DataError(
            f"as-of month {last} is before the first score of {firsts}; choose a later month "
            "(CLI: --until)"
        )
    return out, len(later)


def _empty(values: pd.Series) -> np.ndarray:
    """Where a raw score is missing or blank."""
    return np.asarray(values.isna() | values.astype(str).str.strip().eq(""))


def _unscored(values: pd.Series) -> bool:
    """No row, or only empty scores."""
    return bool(_empty(values).all())


def _first_scored(values: pd.Series, months: pd.PeriodIndex) -> object:
    """The first month with a score that is not empty (``"none"`` when there is none)."""
    scored = months[~_empty(values)]
    return scored.min() if len(scored) else "none"


def load_scores(
    source: PathOrFrame,
    dyad: str | None = None,
    *,
    country_col: str = "country",
    date_col: str = DEFAULT_DATE_COL,
    score_col: str = "score",
    year_col: str = "year",
    month_col: str = "month",
    fill: FillMethod | None = None,
    scale: Scale | str | None = TSINGHUA_SCALE,
    where: Mapping[str, object] | None = None,
    until: PeriodLike | None = None,
) -> pd.Series:
    """Load one dyad's monthly scores as a validated series.

    Parameters
    ----------
    source : str, path, DataFrame or Series
        A CSV path or a table in the long or wide layout, or a series indexed by months.
    dyad : str, optional
        Which dyad to return (case-insensitive; "United States" matches "US"). Required when
        the source holds several.
    country_col, date_col, score_col, year_col, month_col : str
        Column names of the long layout. ``year_col`` + ``month_col`` are used when
        ``date_col`` is absent.
    fill : {"ffill", "interpolate"}, optional
        How to fill missing months; by default they are an error that names them.
    scale : Scale, str or None
        Scale whose bounds (and grid, when it has one) the values must respect (``None``: no
        bounds); text as on the command line (``"tsinghua"``, ``"none"``, ``"-10:10"``,
        ``"-9:9:0.1"``, see :func:`relforecast.scale.parse_scale`).
    where : mapping, optional
        Keep the rows of a table whose column equals the value, e.g.
        ``{"source": "GDELT", "index_type": "aggregated"}`` (every condition must hold).
    until : str or Period, optional
        As-of month: rows dated after it are left out before the months and values are
        checked, as if the file had been cut there by hand (a gap after it is no error, and
        ``fill`` never draws on a later score).

    Returns
    -------
    pd.Series
        Float scores on a monthly ``PeriodIndex``, named after the dyad.

    Raises
    ------
    DataError
        Empty file, unparseable dates, non-numeric, out-of-scale or off-grid values,
        duplicated or missing months, unknown dyad (the message lists those present), a
        ``where`` column or value the table lacks, an ``until`` before the dyad's first month.

    Examples
    --------
    >>> import relforecast as rf
    >>> path = "../shared/data/tsinghua_relations_long.csv"
    >>> s = rf.load_scores(path, dyad="Japan")  # doctest: +SKIP
    >>> s.index[-1]  # doctest: +SKIP
    Period('2025-08', 'M')
    """
    scale = parse_scale(scale)
    parts = _collect(source, country_col, date_col, score_col, year_col, month_col, where)
    names = list(parts)
    if dyad is None:
        if len(names) > 1:
            raise DataError(
                f"the data holds {len(names)} dyads ({', '.join(names)}); choose one with "
                "dyad=... (CLI: --dyad)"
            )
        name = names[0]
    else:
        name = _match_or_explain(dyad, names, source, country_col, score_col)
    _refuse_several(parts, [name])
    kept, later = _up_to({name: parts[name]}, until)
    series = validate_series(*kept[name], name, scale=scale, fill=fill)
    if until is not None:
        series.attrs["months_after_until"] = later  # left out by until, for a progress note
    series.attrs["scale"] = scale  # the declared scale: a model on another grid refuses it
    return series


def load_panel(
    source: PathOrFrame,
    dyads: str | Sequence[str] | None = None,
    *,
    country_col: str = "country",
    date_col: str = DEFAULT_DATE_COL,
    score_col: str = "score",
    year_col: str = "year",
    month_col: str = "month",
    fill: FillMethod | None = None,
    scale: Scale | str | None = TSINGHUA_SCALE,
    where: Mapping[str, object] | None = None,
    until: PeriodLike | None = None,
) -> pd.DataFrame:
    """Load several dyads as a wide table (months x dyads).

    Each dyad is validated on its own span as in :func:`load_scores`; when spans differ, the
    table covers their union and months outside a dyad's span are left empty (``NaN``) —
    take ``panel[dyad].dropna()`` for one dyad.

    Parameters
    ----------
    source : str, path or DataFrame
        Long or wide layout.
    dyads : str or list of str, optional
        Subset to keep (default: all, in file order); one name is one dyad.
    country_col, date_col, score_col, year_col, month_col, fill, scale, where, until
        As in :func:`load_scores`.

    Returns
    -------
    pd.DataFrame
        Monthly ``PeriodIndex`` rows, one column per dyad.
    """
    scale = parse_scale(scale)
    parts = _collect(source, country_col, date_col, score_col, year_col, month_col, where)
    available = list(parts)
    if isinstance(dyads, str):
        dyads = [dyads]
    if dyads is not None:
        dyads = list(dyads)
        if not dyads:
            raise DataError("dyads=[] names no dyad; leave it out to load them all")
        refuse_several_spellings(dyads, "the list of dyads asked for")
        twice = sorted({str(d) for d in dyads if dyads.count(d) > 1})
        if twice:
            raise DataError(f"dyad(s) {twice} asked for twice; name each dyad once")
    chosen = (
        available
        if dyads is None
        else [_match_or_explain(d, available, source, country_col, score_col) for d in dyads]
    )
    _refuse_several(parts, chosen)
    parts, later = _up_to({n: parts[n] for n in chosen}, until)
    series = [validate_series(*parts[n], n, scale=scale, fill=fill) for n in chosen]
    panel = pd.concat(series, axis=1).sort_index()  # spans may differ: months in order
    panel.index.name = "month"
    if until is not None:
        panel.attrs["months_after_until"] = later  # left out by until, for a progress note
    panel.attrs["scale"] = scale  # each column (a dyad) carries it to the models
    return panel


def _match_or_explain(
    requested: str, available: list[str], source: PathOrFrame, country_col: str, score_col: str
) -> str:
    """The dyad named ``requested``; an unknown one is refused with the names present and,
    when the layout explains it, why (a misnamed country or score column)."""
    try:
        return _match(requested, available)
    except DataError:
        message = _unknown_dyad_message(requested, available, source, country_col, score_col)
        raise DataError(message) from None


def series_fingerprint(series: pd.Series) -> str:
    """SHA-256 of the series' months and values (identifies the data a report or record used)."""
    text = "\n".join(f"{m},{v:.6f}" for m, v in series.items())
    return hashlib.sha256(text.encode()).hexdigest()
