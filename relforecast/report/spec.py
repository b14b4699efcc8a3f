"""One outlook job as one value: :class:`OutlookSpec`.

The spec says how an outlook is made — which data and dyad(s), as-of month, window, model,
scenarios (their definitions, relative dates kept relative), shocks and leaders inputs,
questions, language, paths, seed, track-record source, output folder and record label. The
same object serves the Python API (``rf.outlook(spec)``, ``rf.outlook(series, spec=spec)``;
the keyword form builds one from its keywords), the ``relforecast outlook`` command (which
builds one from its options) and every edition folder, which keeps it as ``spec.json``:
``relforecast update`` reads it back and runs the same job on new data
(:mod:`relforecast.report.edition`).

JSON: :meth:`OutlookSpec.to_json` writes the keys sorted (a stable text for a given spec) and
:meth:`OutlookSpec.from_json` reads it back to an equal spec. Input files
(:class:`InputFile`) carry the SHA-256 of their bytes and the name of the copy an edition keeps,
so that an update can say when a remembered file moved or changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from relforecast.events.analogues import parse_anchors
from relforecast.exceptions import SpecError
from relforecast.scale import parse_scale

__all__ = ["SPEC_FILE", "DataSource", "InputFile", "OutlookSpec", "file_sha256"]

#: The name of the spec inside an edition folder.
SPEC_FILE = "spec.json"

#: Kinds of remembered input files and the name of each one's copy in an edition folder.
INPUT_ROLES: dict[str, str] = {
    "scenarios": "input_scenarios.yaml",
    "shocks": "input_shocks.yaml",
    "leaders": "input_leaders.csv",
    "events": "input_events.csv",
}


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class DataSource:
    """Where the scores come from and how the table is read (``rf.load_scores`` options).

    Attributes
    ----------
    path : str or None
        The CSV; ``None`` for the embedded synthetic demo.
    country_col, date_col, score_col : str
        Columns of a long table.
    fill : {"ffill", "interpolate"} or None
        Fill of missing months.
    where : tuple of (column, value) pairs
        Keep the rows whose column equals the value (``--where``).
    scale : str
        The scale of the scores in its command-line form (``tsinghua``, ``none``, ``LO:HI``,
        ``LO:HI:STEP``; :func:`relforecast.scale.parse_scale`).
    """

    path: str | None = None
    country_col: str = "country"
    date_col: str = "ym"
    score_col: str = "score"
    fill: str | None = None
    where: tuple[tuple[str, str], ...] = ()
    scale: str = "tsinghua"

    def __post_init__(self) -> None:
        # JSON gives lists; the spec stays hashable and equal to the one it was written from
        object.__setattr__(self, "where", tuple(tuple(pair) for pair in self.where))

    def columns(self) -> dict[str, Any]:
        """The reading options, as keywords of ``rf.load_scores`` / ``rf.load_panel``."""
        return {
            "country_col": self.country_col,
            "date_col": self.date_col,
            "score_col": self.score_col,
            "fill": self.fill,
            "where": dict(self.where),
            "scale": parse_scale(self.scale),
        }


@dataclass(frozen=True)
class InputFile:
    """A remembered input file.

    Attributes
    ----------
    role : {"scenarios", "shocks", "leaders", "events"}
    path : str
        Where it was read from (as given).
    sha256 : str
        SHA-256 of its bytes when it was read.
    """

    role: str
    path: str
    sha256: str

    def __post_init__(self) -> None:
        if self.role not in INPUT_ROLES:
            raise SpecError(f"unknown input role {self.role!r}; use one of {list(INPUT_ROLES)}")

    @property
    def copy_name(self) -> str:
        """The name of the copy an edition folder keeps."""
        return INPUT_ROLES[self.role]

    @classmethod
    def read(cls, role: str, path: str | Path) -> InputFile:
        """Remember ``path`` with the fingerprint of its bytes now."""
        p = Path(path)
        if not p.is_file():
            raise SpecError(f"{role} file {str(p)!r} does not exist")
        return cls(role, str(path), file_sha256(p))


def _plain(value: Any) -> Any:
    """JSON-ready copy of a definition (tuples to lists, mappings to dicts, months to text)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)  # pd.Period and dates: their text ("2025-10")


def _definitions(items: Sequence[Any], what: str) -> tuple[dict[str, Any], ...]:
    """Scenario or shock definitions as plain records (objects through their ``to_dict``)."""
    out = []
    for item in items:
        if getattr(item, "regressors", None) is not None:
            raise SpecError(
                f"scenario {item.name!r} has regressor values, which a spec cannot hold; give "
                "them to rf.compare_scenarios, or the scenario without them"
            )
        record = item.to_dict() if hasattr(item, "to_dict") else item
        if not isinstance(record, Mapping):
            raise SpecError(f"a {what} definition must be a mapping, got {record!r}")
        out.append(_plain(record))
    return tuple(out)


@dataclass(frozen=True)
class OutlookSpec:
    """How an outlook is made: one value for the API, the command line and every edition.

    Attributes
    ----------
    dyad : str or None
        One dyad (``"Japan"``), ``"all"`` or ``"A,B,C"`` (the all-partners outlook); ``None``
        for the series given (or the demo).
    data : DataSource
        The scores' file and reading options.
    as_of : str or None
        The as-of month (``"2025-06"``); ``None``: the data's last month.
    window : str or None
        ``"2025-07:2026-06"``; ``None``: the first July–June window after the as-of month.
        An edition's spec holds the window it used.
    model : str
        Model name of the registry (``"auto"``).
    scenarios : tuple of dict
        Scenario definitions as in a scenario file; shock starts may be relative (``+2``:
        two months after the as-of month) and carry ``if_past: keep`` (see
        :mod:`relforecast.report.edition`).
    shocks : tuple of dict
        Shock definitions the model is fitted with (as in a shocks file; relative starts
        allowed), besides the leaders file.
    inputs : tuple of InputFile
        The files read (scenarios, shocks, leaders, events) with their fingerprints.
    questions : tuple of str
        Extra questions (``"end-above:0"``).
    lang : {"en", "zh"}
    threshold : float or None
        Headline threshold; ``None``: the scale's critical point.
    n_paths, seed : int
    anchors : tuple of str
        Analogue anchors (``"2012-09=Diaoyu"``), each month once (checked when the spec is made).
    track_record : str
        ``"compute"``, ``"none"`` or a backtest CSV's path.
    out : str or None
        The output folder.
    record : str or None
        The record (``--record``) the outlook is entered in.
    workers : int
        Processes for the all-partners outlook (the results do not depend on it).
    source_note : str or None
        The report's data-source line; ``None``: the default for the data's scale.
    """

    dyad: str | None = None
    data: DataSource = field(default_factory=DataSource)
    as_of: str | None = None
    window: str | None = None
    model: str = "auto"
    scenarios: tuple[dict[str, Any], ...] = ()
    shocks: tuple[dict[str, Any], ...] = ()
    inputs: tuple[InputFile, ...] = ()
    questions: tuple[str, ...] = ()
    lang: str = "en"
    threshold: float | None = None
    n_paths: int = 10_000
    seed: int = 0
    anchors: tuple[str, ...] = ()
    track_record: str = "compute"
    out: str | None = None
    record: str | None = None
    workers: int = 1
    source_note: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.model, str):
            raise SpecError(
                f"a spec names its model (e.g. 'auto'), got {self.model!r}; a model object "
                "cannot be saved with an edition"
            )
        if isinstance(self.data, Mapping):
            object.__setattr__(self, "data", DataSource(**self.data))
        object.__setattr__(self, "scenarios", _definitions(self.scenarios, "scenario"))
        object.__setattr__(self, "shocks", _definitions(self.shocks, "shock"))
        inputs = tuple(InputFile(**f) if isinstance(f, Mapping) else f for f in self.inputs)
        roles = [f.role for f in inputs]
        if len(set(roles)) != len(roles):
            raise SpecError(f"one input file per role, got {roles}")
        object.__setattr__(self, "inputs", inputs)
        for name in ("questions", "anchors"):
            object.__setattr__(self, name, tuple(str(v) for v in getattr(self, name)))
        parse_anchors(self.anchors, error=SpecError)  # a bad or repeated anchor fails now
        for name in ("as_of", "window", "out", "record"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, str(value))
        object.__setattr__(self, "track_record", str(self.track_record))
        if self.threshold is not None:
            object.__setattr__(self, "threshold", float(self.threshold))
        for name in ("n_paths", "seed", "workers"):
            object.__setattr__(self, name, int(getattr(self, name)))

    def dyad_is_panel(self) -> bool:
        """Whether the spec asks for the all-partners outlook (``all`` or ``A,B,C``)."""
        return self.dyad is not None and (self.dyad.strip().lower() == "all" or "," in self.dyad)

    def dyad_list(self) -> list[str] | None:
        """The dyads of an all-partners spec: ``None`` for ``all``, else the names."""
        if self.dyad is None or self.dyad.strip().lower() == "all":
            return None
        names = [d.strip() for d in self.dyad.split(",")]
        if any(not n for n in names) or len(set(names)) != len(names):
            raise SpecError(f"dyad {self.dyad!r} must name distinct dyads separated by commas")
        return names

    def input(self, role: str) -> InputFile | None:
        """The remembered input file of ``role``, if any."""
        return next((f for f in self.inputs if f.role == role), None)

    def with_input(self, item: InputFile) -> OutlookSpec:
        """This spec with ``item`` replacing the input file of its role."""
        kept = tuple(f for f in self.inputs if f.role != item.role)
        return replace(self, inputs=(*kept, item))

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        return _plain(asdict(self))

    def to_json(self) -> str:
        """JSON text with sorted keys: the same spec always gives the same text."""
        return json.dumps(self.to_dict(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> OutlookSpec:
        """The spec of :meth:`to_dict`; unknown keys are refused, naming them."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(record) - known)
        if unknown:
            raise SpecError(f"unknown spec field(s) {unknown}; known: {sorted(known)}")
        return cls(**dict(record))

    @classmethod
    def from_json(cls, text: str) -> OutlookSpec:
        """The spec of :meth:`to_json`."""
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError(f"not a spec (JSON error: {exc})") from exc
        if not isinstance(record, Mapping):
            raise SpecError("a spec is a JSON object")
        return cls.from_dict(record)

    @classmethod
    def read(cls, folder: str | Path) -> OutlookSpec:
        """The spec an edition folder keeps (``FOLDER/spec.json``)."""
        path = Path(folder) / SPEC_FILE
        if not path.is_file():
            raise SpecError(
                f"{str(folder)!r} holds no {SPEC_FILE}: it is not an edition (write one with "
                "relforecast outlook ... --out FOLDER)"
            )
        try:
            return cls.from_json(path.read_text(encoding="utf-8"))
        except SpecError as exc:
            raise SpecError(f"{str(path)!r}: {exc}") from exc
