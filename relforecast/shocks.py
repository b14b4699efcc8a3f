"""Shocks and shock calendars: dated events turned into exogenous dummy columns.

A :class:`Shock` is a dated event (a leader change, a tariff shock, an election...) with a
*shape* that says how its dummy evolves from its start month ``t0``:

============  ===================================================================
shape         dummy at month ``t`` (0 before ``t0``)
============  ===================================================================
``pulse``     1 at ``t0`` only
``step``      1 from ``t0`` on (a permanent shift)
``decay``     ``rate ** (t - t0)`` from ``t0`` on (geometric fade, ``0 < rate < 1``)
``ramp``      ``min((t - t0 + 1) / length, 1)``: rises linearly over ``length`` months
============  ===================================================================

A :class:`ShockCalendar` holds many shocks and builds the dummy matrix for any span of
months, past or future (:meth:`ShockCalendar.design`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relforecast._typing import (
    SHOCK_KINDS,
    SHOCK_SHAPES,
    PathOrFrame,
    PeriodLike,
    ShockKind,
    ShockShape,
    as_number,
)
from relforecast._yaml import load_yaml
from relforecast.data import dyad_key, merge_note, read_csv_file
from relforecast.exceptions import ShockError
from relforecast.periods import to_month  # its home is relforecast.periods; kept importable

__all__ = [
    "Shock",
    "ShockCalendar",
    "as_calendar",
    "read_leaders",
    "relative_month",
    "shock_from_record",
    "to_month",
]


@dataclass(frozen=True)
class Shock:
    """A dated event entering models as a dummy column.

    Parameters
    ----------
    kind : {"leader_change", "tariff", "election", "custom"}
        What happened. Shocks of one kind can share an estimated effect.
    start : str or Period
        First month of the shock, e.g. ``"2024-10"``.
    shape : {"pulse", "step", "decay", "ramp"}, default "pulse"
        How the dummy evolves from ``start`` (see the module docstring).
    name : str, optional
        Label, used as the dummy's column name (default ``"<kind>:<start>"``).
    rate : float, optional
        Fade rate of a ``decay`` shock, strictly between 0 and 1.
    length : int, optional
        Months a ``ramp`` takes to reach 1 (at least 1).
    effect : (float, float), optional
        A judgmental effect ``(mean, sd)`` in score points, used when the shock is part of a
        :class:`~relforecast.scenarios.Scenario`; ``None`` means "estimate it from the
        history of shocks of the same kind".
    name_zh : str, optional
        The shock's name in Chinese text and figures ("小泉纯一郎就任"); without it a Chinese
        report names the shock by its month and kind ("2001年4月领导人更替").

    Examples
    --------
    >>> Shock("leader_change", "2024-10", shape="step", name="Ishiba").label
    'Ishiba'
    """

    kind: ShockKind
    start: PeriodLike
    shape: ShockShape = "pulse"
    name: str | None = None
    rate: float | None = None
    length: int | None = None
    effect: tuple[float, float] | None = None
    name_zh: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in SHOCK_KINDS:
            raise ShockError(
                f"unknown shock kind {self.kind!r}; use one of {', '.join(SHOCK_KINDS)}"
            )
        if self.shape not in SHOCK_SHAPES:
            raise ShockError(
                f"unknown shock shape {self.shape!r}; use one of {', '.join(SHOCK_SHAPES)}"
            )
        if self.name is not None and not isinstance(self.name, str):
            object.__setattr__(self, "name", str(self.name))  # e.g. a YAML name: 2012
        if self.name_zh is not None and not isinstance(self.name_zh, str):
            object.__setattr__(self, "name_zh", str(self.name_zh))
        what = f"shock {self.name!r}" if self.name else f"a {self.kind} shock"
        start = to_month(self.start, f"start of {what}", error=ShockError)
        object.__setattr__(self, "start", start)
        if self.shape == "decay":
            rate = as_number(self.rate)
            if rate is None or not 0.0 < rate < 1.0:
                raise ShockError(
                    f"decay shock {self.label!r} needs rate strictly between 0 and 1, got "
                    f"{self.rate!r}; e.g. rate=0.5 halves the effect each month"
                )
            object.__setattr__(self, "rate", rate)
        elif self.rate is not None:
            raise ShockError(f"rate is only used by decay shocks, not {self.shape!r} ones")
        if self.shape == "ramp":
            length = as_number(self.length)
            if length is None or not length.is_integer() or length < 1:
                raise ShockError(
                    f"ramp shock {self.label!r} needs a whole number of months length >= 1, "
                    f"got {self.length!r}"
                )
            object.__setattr__(self, "length", int(length))
        elif self.length is not None:
            raise ShockError(f"length is only used by ramp shocks, not {self.shape!r} ones")
        if self.effect is not None:
            pair = self.effect
            if isinstance(pair, np.ndarray):
                pair = pair.tolist()
            if not isinstance(pair, list | tuple):
                pair = (pair, 0.0)  # a bare mean: no uncertainty
            effect = tuple(as_number(v) for v in pair)
            if len(effect) != 2 or any(v is None or not np.isfinite(v) for v in effect):
                raise ShockError(
                    f"effect of shock {self.label!r} must be (mean, sd), e.g. (-0.5, 0.3); "
                    f"got {self.effect!r}"
                )
            if float(effect[1]) < 0:
                raise ShockError(f"effect sd of shock {self.label!r} is negative: {effect[1]}")
            object.__setattr__(self, "effect", (float(effect[0]), float(effect[1])))

    @property
    def label(self) -> str:
        """Column name of the shock's dummy."""
        return self.name if self.name else f"{self.kind}:{self.start}"

    def profile(self, index: pd.PeriodIndex) -> np.ndarray:
        """Dummy values of the shock over the months in ``index``."""
        start = self.start
        k = (index.asfreq("M").asi8 - start.ordinal).astype(float)
        on = k >= 0
        if self.shape == "pulse":
            out = (k == 0).astype(float)
        elif self.shape == "step":
            out = on.astype(float)
        elif self.shape == "decay":
            out = np.where(on, np.power(self.rate, np.maximum(k, 0.0)), 0.0)
        else:  # ramp
            out = np.where(on, np.minimum((k + 1.0) / self.length, 1.0), 0.0)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (the YAML record of the shock)."""
        out: dict[str, Any] = {"kind": self.kind, "start": str(self.start), "shape": self.shape}
        for key in ("name", "name_zh", "rate", "length"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.effect is not None:
            out["effect"] = list(self.effect)
        return out


def read_yaml_list(path: str | PathLike, key: str) -> list:
    """The list under ``key:`` in a YAML file (safe-loaded); clear errors otherwise."""
    p = Path(path)
    doc = load_yaml(p, f"{key} file", error=ShockError)
    records = doc.get(key) if isinstance(doc, Mapping) else None
    if not isinstance(records, list):
        raise ShockError(f"{str(p)!r} must hold a list under the key '{key}:'")
    others = sorted(str(k) for k in doc if k != key)
    if others:
        raise ShockError(
            f"{str(p)!r}: unknown top-level key(s) {others}; a {key} file holds only '{key}:'"
        )
    _refuse_empty_names(records, f"{str(p)!r}")
    return records


def _refuse_empty_names(node: object, where: str) -> None:
    """An empty ``name:`` in a file is a mistake (it would publish a scenario called 'None'
    or a shock labelled by its kind); leaving the field out is how to say "no name"."""
    if isinstance(node, Mapping):
        if "name" in node and (node["name"] is None or not str(node["name"]).strip()):
            rest = {k: v for k, v in node.items() if k != "name" and not isinstance(v, list)}
            raise ShockError(
                f"{where}: an empty name in {rest!r}; give a name or leave the field out"
            )
        for value in node.values():
            _refuse_empty_names(value, where)
    elif isinstance(node, list):
        for item in node:
            _refuse_empty_names(item, where)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


_RECORD_KEYS = {"kind", "start", "shape", "name", "name_zh", "rate", "length", "effect"}


def shock_from_record(record: Mapping[str, Any], where: str) -> Shock:
    """A :class:`Shock` from a YAML/table record (keys kind, start, shape, name, rate, length,
    effect); ``where`` says which record, for the messages."""
    if not isinstance(record, Mapping):
        raise ShockError(f"{where}: expected a mapping with kind and start, got {record!r}")
    clean = {k: v for k, v in record.items() if not _is_missing(v)}
    unknown = set(clean) - _RECORD_KEYS
    if unknown:
        raise ShockError(
            f"{where}: unknown field(s) {sorted(map(str, unknown))}; "
            f"allowed: {sorted(_RECORD_KEYS)}"
        )
    for key in ("kind", "start"):
        if key not in clean:
            raise ShockError(f"{where}: missing field {key!r}")
    return Shock(**clean)


_RELATIVE = re.compile(r"^\s*([+-])\s*(\d{1,4})\s*$")


def relative_month(value: object, as_of: pd.Period, what: str = "start") -> pd.Period | None:
    """The month a relative date names, or ``None`` for an absolute date.

    A relative date counts months from the as-of month: ``+2`` (YAML reads it as the number
    2) is two months after it, ``-3`` three months before, ``0`` the as-of month itself. A
    whole number or a text ``"+N"`` / ``"-N"`` is relative; anything else (``2025-10``) is
    left to :func:`~relforecast.periods.to_month`.

    Raises
    ------
    ShockError
        For a number that is not whole (``1.5``) or a boolean.
    """
    if isinstance(value, bool):
        raise ShockError(f"bad {what} {value!r}; give a month (2025-10) or +N months from as-of")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | np.integer):
        return pd.Period(as_of, "M") + int(value)
    if isinstance(value, float):
        raise ShockError(f"bad {what} {value!r}; a relative start is a whole number of months")
    match = _RELATIVE.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    months = int(match.group(2))
    return pd.Period(as_of, "M") + (months if match.group(1) == "+" else -months)


_LEADER_COLUMNS = {
    "国家英文名": "country",
    "实权职位英文": "office",
    "领导人姓名英文": "leader",
    "领导人姓名中文": "leader_zh",
    "任期开始": "start",
    "任期结束": "end",
}


def _leader_zh(row: Any) -> str | None:
    """A leader change's Chinese name from the table's Chinese name column: "小泉纯一郎就任"."""
    name = getattr(row, "leader_zh", None)
    if _is_missing(name) or not str(name).strip():
        return None
    return f"{str(name).strip()}就任"


def read_leaders(source: PathOrFrame, country: str, *, office: str | None = None) -> pd.DataFrame:
    """The leaders of one country from a leaders table, sorted by the start of their terms.

    Parameters
    ----------
    source : path or DataFrame
        A leaders table such as ``../shared/data/leaders.csv``. Its Chinese headers
        (国家英文名, 实权职位英文, 领导人姓名英文, 领导人姓名中文, 任期开始, 任期结束) or
        English ones (country, office, leader, leader_zh, start, end) are recognised.
    country : str
        Partner country ("Japan", "US" or "United States"...).
    office : str, optional
        Keep only terms of this office (e.g. "Prime Minister"); default all.

    Returns
    -------
    pd.DataFrame
        The table's rows for ``country`` with English column names, plus ``term_start``
        (the monthly Period the term began), sorted by it.
    """
    if isinstance(source, pd.DataFrame):
        frame = source
    else:
        frame = read_csv_file(source, "leaders file", error=ShockError, keep_default_na=True)
    frame = frame.rename(columns=_LEADER_COLUMNS)
    need = {"country", "leader", "start"}
    if not need <= set(frame.columns):
        raise ShockError(
            f"leaders table lacks columns {sorted(need - set(frame.columns))}; "
            f"it has {list(frame.columns)}"
        )
    key = dyad_key(country)
    rows = frame[frame["country"].map(dyad_key) == key]
    merge_note(pd.unique(rows["country"].astype(str)), "the leaders table")
    if rows.empty:
        known = ", ".join(sorted(frame["country"].astype(str).unique()))
        raise ShockError(f"no leaders for country {country!r}; the table has: {known}")
    if office is not None:
        if "office" not in rows.columns:
            raise ShockError("the leaders table has no office column; drop office=")
        offices = rows["office"].astype(str)
        rows = rows[offices.str.lower() == office.lower()]
        if rows.empty:
            raise ShockError(
                f"no {office!r} terms for {country!r}; offices present: "
                f"{', '.join(sorted(offices.unique()))}"
            )
    starts = [to_month(v, "term start", error=ShockError) for v in rows["start"]]
    rows = rows.assign(term_start=starts)
    return rows.sort_values("term_start", kind="stable")


class ShockCalendar:
    """An ordered collection of shocks that builds dummy matrices.

    Parameters
    ----------
    shocks : iterable of Shock
        The shocks, in any order (kept sorted by start month).
    regressors : pd.DataFrame, optional
        Extra monthly regressors on a ``PeriodIndex`` (e.g. event scores from
        ``EventLog.regressor``); months they do not cover count as 0.
    cumulative : iterable of str
        Regressor columns that are running sums (e.g. cumulative event scores): after their
        last month they keep their last value instead of dropping to 0.

    Examples
    --------
    >>> import pandas as pd
    >>> cal = ShockCalendar([Shock("tariff", "2018-03", shape="decay", rate=0.5, name="steel")])
    >>> cal.design(pd.period_range("2018-02", "2018-04", freq="M"))["steel"].tolist()
    [0.0, 1.0, 0.5]
    """

    def __init__(
        self,
        shocks: Iterable[Shock] = (),
        regressors: pd.DataFrame | None = None,
        cumulative: Iterable[str] = (),
    ) -> None:
        items = list(shocks)
        for s in items:
            if not isinstance(s, Shock):
                raise ShockError(f"a ShockCalendar holds Shock objects, got {s!r}")
            if s.effect is not None:
                raise ShockError(
                    f"shock {s.label!r} has effect={list(s.effect)}, but the effects of a "
                    "calendar's shocks are estimated from the data, so it would be ignored; "
                    "drop 'effect' here, or put the shock in a scenario (--scenarios) to give "
                    "it a judgmental effect"
                )
        self._shocks: tuple[Shock, ...] = tuple(sorted(items, key=lambda s: s.start))
        if regressors is not None:
            if not isinstance(regressors, pd.DataFrame) or not isinstance(
                regressors.index, pd.PeriodIndex
            ):
                raise ShockError(
                    "regressors must be a DataFrame on a monthly PeriodIndex, e.g. "
                    "EventLog.regressor(dyad, series.index)"
                )
            clash = set(regressors.columns) & {s.label for s in items} | (
                set(regressors.columns) & {s.kind for s in items}
            )
            if clash:
                raise ShockError(f"regressor column(s) {sorted(clash)} clash with shock names")
            regressors = regressors.astype(float)
        self.regressors: pd.DataFrame | None = regressors
        self.cumulative: tuple[str, ...] = tuple(cumulative)
        self._fingerprint: str | None = None
        unknown = set(self.cumulative) - set(regressors.columns if regressors is not None else [])
        if unknown:
            raise ShockError(f"cumulative column(s) {sorted(unknown)} are not regressors")

    def fingerprint(self) -> str:
        """SHA-256 of the shocks, the regressors and which of them are cumulative: two
        calendars with the same fingerprint give a model the same dummies. ``""`` for a
        calendar with nothing in it (the same as no calendar).

        Computed once (every forecast carries it, and writing the regressors out costs a few
        milliseconds): a calendar is a value — its builders return new calendars."""
        if self._fingerprint is None:
            self._fingerprint = self._compute_fingerprint()
        return self._fingerprint

    def _compute_fingerprint(self) -> str:
        if not self._shocks and self.regressors is None:
            return ""
        text = "\n".join(json.dumps(s.to_dict(), sort_keys=True) for s in self._shocks)
        if self.regressors is not None:
            text += "\n" + self.regressors.to_csv()
        if self.cumulative:
            text += "\ncumulative: " + ",".join(self.cumulative)
        return hashlib.sha256(text.encode()).hexdigest()

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> ShockCalendar:
        """Build from dicts with keys kind, start, shape, name, rate, length."""
        return cls(shock_from_record(r, f"shock #{i + 1}") for i, r in enumerate(records))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> ShockCalendar:
        """Build from a table with one row per shock (columns as in :meth:`from_records`)."""
        return cls.from_records(frame.to_dict(orient="records"))

    @classmethod
    def from_yaml(cls, path: str | PathLike) -> ShockCalendar:
        """Read a YAML file (safe-loaded) holding ``shocks:`` followed by a list of records.

        Examples
        --------
        The file::

            shocks:
              - {kind: leader_change, start: 2024-10, shape: step, name: Ishiba}
              - {kind: tariff, start: 2025-04, shape: decay, rate: 0.6}
        """
        records = read_yaml_list(path, "shocks")
        try:
            return cls.from_records(records)
        except ShockError as exc:
            raise ShockError(f"{str(path)!r}: {exc}") from exc

    @classmethod
    def from_leaders(
        cls,
        source: PathOrFrame,
        country: str,
        *,
        office: str | None = None,
        shape: str = "step",
        rate: float | None = None,
        length: int | None = None,
        since: PeriodLike | None = None,
        include_first: bool = True,
    ) -> ShockCalendar:
        """One ``leader_change`` shock per new term of ``country``'s leader.

        Parameters
        ----------
        source : path or DataFrame
            A leaders table such as ``../shared/data/leaders.csv``. Its Chinese headers
            (国家英文名, 实权职位英文, 领导人姓名英文, 任期开始) or English ones
            (country, office, leader, start) are recognised.
        country : str
            Partner country ("Japan", "US" or "United States"...).
        office : str, optional
            Keep only terms of this office (e.g. "Prime Minister"); default all.
        shape, rate, length : shock shape and its parameter.
        since : str, optional
            Drop terms starting before this month.
        include_first : bool, default True
            Keep the first listed term (whose start may be the table's horizon, not a change).
        """
        rows = read_leaders(source, country, office=office)
        if not include_first:
            rows = rows.iloc[1:]
        if since is not None:
            rows = rows[rows["term_start"] >= to_month(since, "since", error=ShockError)]
        shocks = [
            Shock(
                "leader_change",
                r.term_start,
                shape=shape,
                rate=rate,
                length=length,
                name=f"{r.leader} {r.term_start}",
                name_zh=_leader_zh(r),
            )
            for r in rows.itertuples()
        ]
        return cls(shocks)

    # ------------------------------------------------------------------ container
    def __iter__(self) -> Iterator[Shock]:
        return iter(self._shocks)

    def __len__(self) -> int:
        return len(self._shocks)

    def __add__(self, other: ShockCalendar) -> ShockCalendar:
        parts = [r for r in (self.regressors, other.regressors) if r is not None]
        regressors = pd.concat(parts, axis=1) if parts else None
        if regressors is not None:
            cumulative = [*self.cumulative, *other.cumulative]
            plain = [c for c in regressors.columns if c not in cumulative]
            regressors[plain] = regressors[plain].fillna(0.0)
            regressors[cumulative] = regressors[cumulative].ffill().fillna(0.0)
        return ShockCalendar(
            [*self._shocks, *other],
            regressors=regressors,
            cumulative=[*self.cumulative, *other.cumulative],
        )

    def __repr__(self) -> str:
        return f"ShockCalendar({len(self)} shocks: {', '.join(s.label for s in self._shocks)})"

    @property
    def labels(self) -> list[str]:
        """Unique column names of the shocks, in calendar order."""
        seen: dict[str, int] = {}
        out = []
        for s in self._shocks:
            n = seen.get(s.label, 0)
            seen[s.label] = n + 1
            out.append(s.label if n == 0 else f"{s.label}#{n + 1}")
        return out

    def between(
        self, first: PeriodLike | None = None, last: PeriodLike | None = None
    ) -> ShockCalendar:
        """Shocks starting within ``[first, last]`` (either end open when ``None``).

        Regressor values after ``last`` are dropped too (in a backtest nothing after the
        origin is known; in the design they become 0).
        """
        lo = to_month(first, "first month", error=ShockError) if first is not None else None
        hi = to_month(last, "last month", error=ShockError) if last is not None else None
        regressors = self.regressors
        if regressors is not None and hi is not None:
            regressors = regressors.loc[regressors.index <= hi]
        return ShockCalendar(
            (
                s
                for s in self._shocks
                if (lo is None or s.start >= lo) and (hi is None or s.start <= hi)
            ),
            regressors=regressors,
            cumulative=self.cumulative,
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per shock: kind, start, shape, name, rate, length, effect."""
        cols = ["kind", "start", "shape", "name", "rate", "length", "effect"]
        return pd.DataFrame([{c: getattr(s, c) for c in cols} for s in self._shocks], columns=cols)

    # ------------------------------------------------------------------ design
    def _regressor_values(self, index: pd.PeriodIndex) -> dict[str, np.ndarray]:
        """Regressors over ``index``: 0 outside their months, except that a cumulative
        column keeps its last known value after its last month."""
        reg = self.regressors
        out = {}
        for col in reg.columns:
            values = reg[col].reindex(index)
            if col in self.cumulative:
                after = index > reg.index.max()
                values = values.where(~after, reg[col].iloc[-1])
            out[col] = values.fillna(0.0).to_numpy()
        return out

    def design(self, index: pd.PeriodIndex, by: str = "shock") -> pd.DataFrame:
        """Dummy matrix over ``index`` (past or future months).

        Parameters
        ----------
        index : pd.PeriodIndex
            Monthly periods.
        by : {"shock", "kind"}, default "shock"
            One column per shock, or one per kind (the shocks of a kind summed, so they share
            one estimated effect).

        Returns
        -------
        pd.DataFrame
            Float dummies, rows = ``index``, followed by the regressor columns (0 in months
            the regressors do not cover: no event known).
        """
        if not isinstance(index, pd.PeriodIndex):
            raise ShockError(
                f"design() needs a monthly PeriodIndex, got {type(index).__name__}; "
                "use series.index from rf.load_scores"
            )
        if by == "shock":
            data = {
                lab: s.profile(index) for lab, s in zip(self.labels, self._shocks, strict=False)
            }
        elif by == "kind":
            data = {}
            for s in self._shocks:
                data[s.kind] = data.get(s.kind, 0.0) + s.profile(index)
        else:
            raise ShockError(f"by={by!r} is not known; use 'shock' or 'kind'")
        if self.regressors is not None:
            data.update(self._regressor_values(index))
        return pd.DataFrame(data, index=index, dtype=float)


def as_calendar(shocks: object) -> ShockCalendar:
    """The ``shocks=`` of a model's ``fit``: ``None`` (no shocks), a :class:`ShockCalendar`, or
    a list of :class:`Shock` objects (made into a calendar); anything else is refused."""
    if shocks is None:
        return ShockCalendar()
    if isinstance(shocks, ShockCalendar):
        return shocks
    if isinstance(shocks, list | tuple) and all(isinstance(s, Shock) for s in shocks):
        return ShockCalendar(shocks)
    raise ShockError(
        f"shocks={shocks!r} is not a shock calendar; pass rf.ShockCalendar([...]), a list of "
        "rf.Shock, rf.ShockCalendar.from_yaml(path) or None"
    )
