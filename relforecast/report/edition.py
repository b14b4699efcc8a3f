"""Editions: an outlook that remembers how it was made, and its next edition on new data.

An **edition** is an outlook folder holding, besides the report, ``spec.json`` (the
:class:`~relforecast.report.spec.OutlookSpec` it was made from, with the as-of month and the
window it used) and a copy of every input file it read (``input_scenarios.yaml``,
``input_shocks.yaml``, ``input_leaders.csv``, ``input_events.csv``), each remembered with the
SHA-256 of its bytes. :func:`single_job` and :func:`panel_job` turn a spec into the arguments
of :func:`relforecast.outlook` and :func:`relforecast.panel_outlook`;
:func:`relforecast.report.update.update` makes the next edition: the same spec on new data (a
new as-of month), written whole into a new folder — the previous edition is only read.

**Which input wins.** An update reads the scenarios and shocks from the previous edition's
spec (the definitions as they were read) and the leaders and events tables from the
previous edition's copies, never from the original paths: an update does not depend on files
that moved. When an original file is missing or its bytes changed, the update says so (a
warning and a line in ``summary.json``); to use the changed file, give it again
(``relforecast update ... --scenarios FILE``).

**Dates that survive the calendar.** A shock's ``start`` is a month (``2025-10``) or a number
of months after the as-of month (``+2``; ``-3`` before it), in scenario and shock files alike,
resolved at each run (:func:`relforecast.shocks.relative_month`). At an update a scenario shock
whose absolute start is no longer after the as-of month is not an error: it is dropped (the
default) or, with ``if_past: keep`` on the shock or on its scenario, kept with its start moved
to the first month after the as-of month. The edition says which (:class:`ShockFate`, in the
report's "changes since" section and in ``summary.json``); a scenario left without shocks is
left out. A fresh outlook still refuses a past start: it is a mistake there.

**What changed** (:func:`changes_since`): every answer to the headline question, then and now,
the months newly observed, and the change split in three parts that add up exactly:

* *revisions* — the previous edition's model refitted on the new data cut at the previous
  as-of month minus the previous edition's published answer (zero when the data it saw are
  unchanged; then the refit is the previous fit itself, rebuilt from the estimates the
  edition keeps: :mod:`relforecast.report.edition_estimates`);
* *new data* — that refitted model with its estimates held fixed, applied to the data up to
  the new as-of month (:meth:`FittedModel.update`), minus the refit's answer (a scenario
  whose shocks were dropped or moved at the update counts its change here);
* *re-estimation* — the new edition's answer minus the held-fixed one.

Every forecast of the split uses the edition's seed and number of paths, and the scenario
set of the edition it stands for (the refit the previous edition's, so that it reproduces its
published answers when the data are unchanged).
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relforecast.asof import cut_calendar
from relforecast.data import load_panel, load_scores
from relforecast.events.log import load_events
from relforecast.exceptions import DataError, RelforecastWarning, ShockError, SpecError
from relforecast.models.base import FittedModel
from relforecast.models.registry import model_on_scale
from relforecast.periods import default_window, to_month, window_horizon
from relforecast.questions import Question
from relforecast.report.edition_estimates import previous_fit, read_estimates
from relforecast.report.spec import DataSource, InputFile, OutlookSpec, file_sha256
from relforecast.scale import parse_scale, scale_form
from relforecast.scenarios import Scenario, compare_scenarios, load_scenarios
from relforecast.shocks import ShockCalendar, read_yaml_list, relative_month

__all__ = [
    "Changes",
    "EditionInputs",
    "ShockFate",
    "SplitTask",
    "changes_since",
    "edition_record",
    "panel_job",
    "resolve_scenarios",
    "resolve_shocks",
    "same_folder",
    "shocks_from_file",
    "single_job",
    "spec_from_options",
    "start_split",
    "with_file",
]

_IF_PAST = ("drop", "keep")


@dataclass(frozen=True)
class ShockFate:
    """What became of a scenario shock whose start had passed at an update.

    Attributes
    ----------
    scenario, shock : str
        The scenario's name and the shock's label as written.
    start : str
        The start month it was given.
    fate : {"dropped", "moved", "scenario dropped"}
        Dropped (the default), moved to ``to`` (``if_past: keep``), or the whole scenario left
        out because none of its shocks is left.
    to : str or None
        The new start month of a moved shock.
    """

    scenario: str
    shock: str
    start: str
    fate: str
    to: str | None = None
    kind: str = "custom"
    scenario_zh: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON record."""
        return {k: v for k, v in self.__dict__.items()}


def _shock_label(record: Mapping[str, Any]) -> str:
    return str(record.get("name") or f"{record.get('kind')}:{record.get('start')}")


def _resolve_start(record: Mapping[str, Any], as_of: pd.Period, where: str) -> pd.Period:
    start = record.get("start")
    month = relative_month(start, as_of, f"start of {where}")
    return month if month is not None else to_month(start, f"start of {where}", error=ShockError)


def resolve_shocks(
    records: Sequence[Mapping[str, Any]], as_of: str | pd.Period
) -> ShockCalendar | None:
    """The shock calendar of ``records`` with relative starts resolved against ``as_of``."""
    if not records:
        return None
    month = pd.Period(as_of, "M")
    out = []
    for i, rec in enumerate(records):
        if not isinstance(rec, Mapping) or "start" not in rec:
            out.append(rec)  # the calendar names what is wrong with it
            continue
        label = f"shock #{i + 1} ({_shock_label(rec)})"
        out.append({**rec, "start": str(_resolve_start(rec, month, label))})
    return ShockCalendar.from_records(out)


def shocks_from_file(path: str | Path, as_of: str | pd.Period) -> ShockCalendar:
    """The shock calendar of a shocks file, relative starts resolved against ``as_of``."""
    records = read_yaml_list(path, "shocks")
    try:
        calendar = resolve_shocks(records, as_of)
    except ShockError as exc:
        raise ShockError(f"{str(path)!r}: {exc}") from exc
    return calendar if calendar is not None else ShockCalendar([])


def resolve_scenarios(
    records: Sequence[Mapping[str, Any]], as_of: str | pd.Period, *, passed: str = "error"
) -> tuple[list[Scenario], list[ShockFate]]:
    """Scenarios from their definitions at the as-of month ``as_of``.

    Parameters
    ----------
    records : sequence of dict
        Scenario definitions (as in a scenario file); a shock's ``start`` may be relative
        (``+2``) and a shock or a scenario may say ``if_past: keep`` (or ``drop``).
    as_of : str or Period
    passed : {"error", "fate"}
        What an absolute start at or before ``as_of`` does: an error (a fresh outlook, where
        it is a mistake) or the fate the definition asks for (an update).

    Returns
    -------
    scenarios : list of Scenario
    fates : list of ShockFate
        What became of each passed shock (empty with ``passed="error"``).
    """
    month = pd.Period(as_of, "M")
    kept: list[dict[str, Any]] = []
    fates: list[ShockFate] = []
    for rec in records:
        rec = dict(rec)
        name = str(rec.get("name", ""))
        default = str(rec.pop("if_past", "drop"))
        zh = str(rec.get("name_zh") or "")
        shocks = []
        for shock in rec.get("shocks") or ():
            if not isinstance(shock, Mapping) or "start" not in shock:
                shocks.append(shock)  # Scenario names what is wrong with it
                continue
            shock = dict(shock)
            choice = str(shock.pop("if_past", default))
            if choice not in _IF_PAST:
                raise ShockError(
                    f"scenario {name!r}: if_past must be 'drop' or 'keep', got {choice!r}"
                )
            relative = relative_month(shock["start"], month, f"start of a shock of {name!r}")
            start = relative if relative is not None else _resolve_start(shock, month, name)
            if start <= month and relative is None and passed == "fate":
                label, kind = _shock_label(shock), str(shock.get("kind", "custom"))
                if choice == "drop":
                    fates.append(ShockFate(name, label, str(start), "dropped", None, kind, zh))
                    continue
                moved = str(month + 1)
                fates.append(ShockFate(name, label, str(start), "moved", moved, kind, zh))
                start = month + 1
            shocks.append({**shock, "start": str(start)})
        if rec.get("shocks") and not shocks:
            fates.append(ShockFate(name, "", "", "scenario dropped", scenario_zh=zh))
            continue
        kept.append({**rec, "shocks": shocks})
    scenarios = load_scenarios(kept)
    for sc in scenarios:
        sc.check_future(month)
    return scenarios, fates


def same_folder(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name the same folder (relative paths and symlinks resolved)."""
    pa, pb = Path(a), Path(b)
    if pa.exists() and pb.exists():
        return os.path.samefile(pa, pb)
    return pa.resolve() == pb.resolve()


@dataclass
class EditionInputs:
    """What an edition writes besides the report, and what its text says about its making.

    Attributes
    ----------
    spec : OutlookSpec
        The spec as run (as-of month and window resolved), written as ``spec.json``.
    copies : dict of str to bytes
        Input files by their copy name.
    fates : list of ShockFate
    previous : Path or None
        The previous edition (for the "changes since" section).
    notes : list of str
        Warnings about remembered input files (moved, changed).
    background : bool, default True
        Refit the previous edition's model in the outlook's worker process (False inside a
        worker: the all-partners outlook's dyads).
    """

    spec: OutlookSpec
    copies: dict[str, bytes] = field(default_factory=dict)
    fates: list[ShockFate] = field(default_factory=list)
    previous: Path | None = None
    notes: list[str] = field(default_factory=list)
    background: bool = True


def _input_path(item: InputFile, previous: Path | None, notes: list[str]) -> Path:
    """The file to read for ``item``: the previous edition's copy (which wins), else its path."""
    original = Path(item.path)
    if previous is None:
        if not original.is_file():
            raise SpecError(f"{item.role} file {item.path!r} does not exist")
        return original
    copy = previous / item.copy_name
    if not copy.is_file():
        if not original.is_file():
            raise SpecError(
                f"the previous edition {str(previous)!r} keeps no copy of its {item.role} file "
                f"and {item.path!r} does not exist; give it again (--{item.role} FILE)"
            )
        copy = original
    if not original.is_file():
        notes.append(
            f"{item.role} file {item.path!r} no longer exists; the copy kept in the previous "
            "edition is used"
        )
    elif file_sha256(original) != item.sha256:
        notes.append(
            f"{item.role} file {item.path!r} changed since the previous edition; the copy kept "
            f"in the edition is used (to use the new file, give it again: --{item.role} FILE)"
        )
    return copy


def _read_inputs(
    spec: OutlookSpec, previous: Path | None
) -> tuple[dict[str, Path], dict[str, bytes], list[str]]:
    notes: list[str] = []
    paths = {f.role: _input_path(f, previous, notes) for f in spec.inputs}
    copies = {spec.input(role).copy_name: p.read_bytes() for role, p in paths.items()}
    return paths, copies, notes


def _calendar(
    spec: OutlookSpec, month: pd.Period, dyad: str, leaders: Path | None
) -> ShockCalendar | None:
    calendar = resolve_shocks(spec.shocks, month)
    if leaders is not None:
        table = ShockCalendar.from_leaders(leaders, dyad)
        calendar = table if calendar is None else calendar + table
    return calendar


def _as_of_month(spec: OutlookSpec, last: pd.Period) -> pd.Period:
    return to_month(spec.as_of, "as-of month", error=DataError) if spec.as_of else last


def _prologue(
    spec: OutlookSpec, previous: str | Path | None
) -> tuple[Path | None, dict[str, Path], dict[str, bytes], list[str]]:
    """Checks every job shares: an output folder that is not the previous edition; the input
    files to read (the previous edition's copies win) and what changed about them."""
    if spec.out is None:
        raise SpecError("the spec names no output folder (out)")
    prev = Path(previous) if previous is not None else None
    if prev is not None and same_folder(prev, spec.out):
        raise SpecError(
            f"the new edition {spec.out!r} is the previous edition {str(prev)!r}: an update "
            "never replaces the edition it starts from; give another --out"
        )
    paths, copies, notes = _read_inputs(spec, prev)
    for note in notes:
        warnings.warn(note, RelforecastWarning, stacklevel=3)
    return prev, paths, copies, notes


def single_job(
    spec: OutlookSpec,
    *,
    series: pd.Series | None = None,
    previous: str | Path | None = None,
    track_record: Any = None,
) -> dict[str, Any]:
    """The arguments of :func:`relforecast.outlook` for the single-dyad ``spec``.

    Parameters
    ----------
    spec : OutlookSpec
    series : pd.Series, optional
        The scores; default read from ``spec.data`` (the demo without a path).
    previous : str or Path, optional
        The previous edition: its copies of the input files are used, passed scenario shocks
        get their fate, and the report gets a "changes since" section.
    track_record : DataFrame or path, optional
        Backtest rows to use instead of ``spec.track_record`` (from a record, or the previous
        edition's table).

    Returns
    -------
    dict
        Keyword arguments, ``edition`` included.
    """
    if spec.dyad_is_panel():
        raise SpecError(
            f"the spec asks for the all-partners outlook (dyad {spec.dyad!r}): run it with "
            "rf.panel_outlook(spec)"
        )
    prev, paths, copies, notes = _prologue(spec, previous)
    series = series if series is not None else _load_series(spec)
    month = _as_of_month(spec, series.index[-1])
    _check_newer(prev, month)
    calendar = _calendar(spec, month, str(spec.dyad or series.name), paths.get("leaders"))
    scenarios, fates = resolve_scenarios(
        spec.scenarios, month, passed="fate" if prev is not None else "error"
    )
    table = track_record if track_record is not None else _track_record_option(spec, prev)
    panel = None
    if spec.data.path is not None and not _no_track_record(table):
        panel = load_panel(Path(spec.data.path), until=month, **spec.data.columns())
    return {
        "series": series,
        "window": spec.window,
        "scenarios": scenarios,
        "out": spec.out,
        "model": model_on_scale(spec.model, parse_scale(spec.data.scale)),
        "shocks": calendar,
        "threshold": spec.threshold,
        "n_paths": spec.n_paths,
        "rng": spec.seed,
        "lang": spec.lang,
        "source_note": spec.source_note,
        "anchors": list(spec.anchors) or None,
        "events": load_events(paths["events"]) if "events" in paths else None,
        "as_of": month,
        "questions": spec.questions,
        "track_record": table,
        "panel": panel,
        "edition": EditionInputs(spec, copies, fates, prev, notes),
    }


def panel_job(
    spec: OutlookSpec, *, previous: str | Path | None = None, track_record: Any = None
) -> dict[str, Any]:
    """The arguments of :func:`relforecast.panel_outlook` for the all-partners ``spec`` (each
    dyad's calendar from the spec's shocks and the leaders table)."""
    if spec.scenarios:
        raise SpecError("the all-partners outlook takes no scenarios (a scenario names no dyad)")
    if spec.data.path is None:
        raise SpecError("the all-partners outlook needs a data file (spec.data.path)")
    prev, paths, copies, notes = _prologue(spec, previous)
    panel = load_panel(
        Path(spec.data.path), spec.dyad_list(), until=spec.as_of or None, **spec.data.columns()
    )
    month = _as_of_month(spec, panel.dropna(how="all").index[-1])
    panel = panel.loc[panel.index <= month]
    _check_newer(prev, month)
    calendars = None
    if spec.shocks or "leaders" in paths:
        calendars = {}
        for dyad in panel.columns:
            calendar = _calendar(spec, month, str(dyad), paths.get("leaders"))
            last = panel[dyad].dropna().index[-1]
            calendars[str(dyad)] = cut_calendar(calendar, last) if calendar is not None else None
    return {
        "panel": panel,
        "window": spec.window,
        "out": spec.out,
        "model": model_on_scale(spec.model, parse_scale(spec.data.scale)),
        "shocks": calendars,
        "threshold": spec.threshold,
        "n_paths": spec.n_paths,
        "rng": spec.seed,
        "lang": spec.lang,
        "source_note": spec.source_note,
        "as_of": month,
        "questions": spec.questions,
        "track_record": track_record
        if track_record is not None
        else _track_record_option(spec, prev),
        "anchors": list(spec.anchors) or None,
        "events": load_events(paths["events"]) if "events" in paths else None,
        "workers": spec.workers,
        "edition": EditionInputs(spec, copies, [], prev, notes),
    }


def _check_newer(previous: Path | None, month: pd.Period) -> None:
    """Refuse an update whose as-of month is not after the previous edition's."""
    if previous is None:
        return
    try:
        summary = json.loads((previous / "summary.json").read_text(encoding="utf-8"))
        before = to_month(summary["as_of"], "previous as-of month", error=SpecError)
    except (OSError, json.JSONDecodeError, KeyError) as exc:
        raise SpecError(f"{str(previous)!r} is not an edition (its summary.json: {exc})") from exc
    if before >= month:
        raise SpecError(
            f"the new as-of month {month} is not after the previous edition's ({before}); an "
            "update needs newer data (or a later --until)"
        )
    read_estimates(previous, summary)  # a changed estimates.json fails before any work


def _no_track_record(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.lower() == "none")


def _track_record_option(spec: OutlookSpec, previous: Path | None) -> Any:
    """The spec's track-record source; at an update, a given CSV is the previous edition's."""
    value = spec.track_record
    if value.lower() in ("compute", "none"):
        return value.lower()
    if previous is not None and (previous / "track_record.csv").is_file():
        return previous / "track_record.csv"
    return value


def _load_series(spec: OutlookSpec) -> pd.Series:
    if spec.data.path is None:
        from relforecast.datasets import demo

        return demo()
    return load_scores(
        Path(spec.data.path), spec.dyad, until=spec.as_of or None, **spec.data.columns()
    )


def with_file(spec: OutlookSpec, role: str, path: str | Path) -> OutlookSpec:
    """``spec`` reading the ``role`` input from ``path`` (definitions re-read for YAML)."""
    item = InputFile.read(role, path)
    spec = spec.with_input(item)
    if role in ("scenarios", "shocks"):
        spec = replace(spec, **{role: tuple(read_yaml_list(path, role))})
    return spec


def spec_from_options(
    data: str | None,
    source: Mapping[str, Any],
    *,
    files: Mapping[str, str | None],
    **options: Any,
) -> OutlookSpec:
    """The spec of a command line: DATA, the data options and the remaining options.

    ``source`` holds ``dyad``, ``country_col``, ``date_col``, ``score_col``, ``fill`` and
    ``until``; ``files`` the scenarios, shocks, leaders and events paths (``None`` when not
    given). Without DATA the demo's scenarios and shocks are written into the spec.
    """
    spec = OutlookSpec(
        dyad=source.get("dyad"),
        data=DataSource(
            data,
            source.get("country_col", "country"),
            source.get("date_col", "ym"),
            source.get("score_col", "score"),
            source.get("fill"),
            tuple(sorted((source.get("where") or {}).items())),
            scale_form(source.get("scale")),
        ),
        as_of=source.get("until"),
        **options,
    )
    for role, path in files.items():
        if path is not None:
            spec = with_file(spec, role, path)
    if data is None:  # the demo: its scenarios and shock calendar unless files are given
        from relforecast.datasets import demo_shocks

        if files.get("scenarios") is None:
            kept = demo_scenarios_within(source.get("until"), options.get("window"))
            spec = replace(spec, scenarios=tuple(s.to_dict() for s in kept))
        if files.get("shocks") is None and files.get("leaders") is None:
            spec = replace(spec, shocks=tuple(s.to_dict() for s in demo_shocks()))
    return spec


def demo_scenarios_within(until: str | None, window: str | None) -> list[Scenario]:
    """The demo's scenarios that can change an answer of the outlook as of ``until`` (default
    the demo's last month) over ``window`` (default the first July-June after it): those whose
    shocks start by the window's last month. The others are left out with a warning, for an
    outlook of an earlier year has none of the demo's scenarios to compare."""
    from relforecast.datasets import demo, demo_scenarios

    data = demo()
    month = to_month(until, "as-of month") if until else data.index[-1]
    _, end, _ = window_horizon(month, window or default_window(month), start=data.index[0])
    scenarios = demo_scenarios()
    kept = [s for s in scenarios if s.shock_after(end) is None]
    left = [s.name for s in scenarios if all(k.name != s.name for k in kept)]
    if left:
        warnings.warn(
            RelforecastWarning(
                f"the demo's scenarios {', '.join(map(repr, left))} start after the window's "
                f"last month ({end}): left out; give --scenarios FILE to compare scenarios "
                "within this window"
            ),
            stacklevel=2,
        )
    return kept


def edition_record(
    edition: EditionInputs | None,
    *,
    series: pd.Series,
    month: pd.Period,
    window: str,
    out: str | Path,
    keywords: Mapping[str, Any],
) -> tuple[OutlookSpec, dict[str, bytes]] | None:
    """The spec an outlook folder saves (as-of month and window as used) and its input copies.

    For the keyword form of :func:`relforecast.outlook` the spec is built from the keywords
    (the data then come from memory: an update needs the DATA file). ``None`` when the
    keywords cannot be saved (a model object, a scenario with regressor values).
    """
    if edition is not None:
        spec, copies = edition.spec, edition.copies
    else:
        track = keywords["track_record"]
        if not isinstance(track, str | Path | None):
            track = "track_record.csv"  # rows given in memory: the folder keeps them
        shocks = keywords["shocks"]
        try:
            spec = OutlookSpec(
                dyad=str(series.name),
                model=keywords["model"],
                scenarios=tuple(keywords["scenarios"]),
                shocks=tuple(s.to_dict() for s in shocks) if shocks is not None else (),
                questions=tuple(keywords["questions"]),
                lang=keywords["lang"],
                threshold=keywords["threshold"],
                n_paths=keywords["n_paths"],
                seed=keywords["seed"],
                anchors=tuple(
                    f"{a[0]}={a[1]}" if isinstance(a, tuple) else str(a)
                    for a in keywords["anchors"] or ()
                ),
                track_record="none" if track is None else str(track),
            )
        except SpecError:
            return None
        copies = {}
    return replace(spec, as_of=str(month), window=window, out=str(out)), copies


# ----------------------------------------------------------------------------- what changed


@dataclass
class Changes:
    """What changed since the previous edition (:func:`changes_since`).

    Attributes
    ----------
    previous : str
        The previous edition's folder, as given.
    previous_as_of, as_of : Period
    new_months : pd.Series
        The months observed since the previous as-of month, with their scores.
    question : Question
        The question compared (the new edition's headline).
    rows : pd.DataFrame
        One row a scenario present in both editions (index: scenario key): ``then``,
        ``then_se`` (published), ``now``, ``now_se``, ``change``, ``revisions``,
        ``new_data``, ``reestimation`` (the three add up to ``change``), ``held``, ``refit``.
    revised : bool
        Whether the data up to the previous as-of month differ from those it used.
    fates : list of ShockFate
    notes : list of str
    others : list of str
        Scenarios of one edition only (``"name (then only)"``).
    """

    previous: str
    previous_as_of: pd.Period
    as_of: pd.Period
    new_months: pd.Series
    question: Question
    rows: pd.DataFrame
    revised: bool
    fates: list[ShockFate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON record (``summary.json``'s ``changes``)."""
        return {
            "previous": self.previous,
            "previous_as_of": str(self.previous_as_of),
            "as_of": str(self.as_of),
            "new_months": {str(m): float(v) for m, v in self.new_months.items()},
            "question": self.question.code,
            "revised": self.revised,
            "answers": {
                str(k): {c: float(v) for c, v in row.items()} for k, row in self.rows.iterrows()
            },
            "scenario_fates": [f.to_dict() for f in self.fates],
            "input_notes": list(self.notes),
            "one_edition_only": list(self.others),
        }


def _published(summary: Mapping[str, Any], key: str, code: str) -> tuple[float, float] | None:
    for answer in summary.get("results", {}).get(key, {}).get("questions", []):
        if answer.get("question") == code:
            return float(answer["p"]), float(answer["se"])
    return None


def _answers(fit: FittedModel, scenarios, window, t, n_paths, seed, q: Question):
    table = compare_scenarios(fit, scenarios, window=window, threshold=t, n_paths=n_paths, rng=seed)
    return {k: q.answer(fc).p for k, fc in table.attrs["forecasts"].items()}


def _read_summary(previous: str | Path) -> dict[str, Any]:
    try:
        return json.loads((Path(previous) / "summary.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SpecError(f"cannot read the previous edition's summary.json: {exc}") from exc


@dataclass(frozen=True)
class SplitTask:
    """The forecasts behind the split of a change (picklable: it may run in another process).

    ``model`` is refitted on ``series`` cut at the previous as-of month with ``calendar`` cut
    there (*refit*, with ``old_scenarios``), then applied with its estimates held fixed to
    the whole ``series`` (*held*, with ``scenarios``).
    """

    previous: str
    model: Any
    series: pd.Series
    calendar: ShockCalendar | None
    scenarios: tuple[Scenario, ...]
    question: Question
    window: str
    threshold: float
    n_paths: int
    seed: int

    def _seen(self) -> tuple[dict[str, Any], pd.Series, ShockCalendar | None]:
        """The previous summary, and the data and shocks cut at its as-of month."""
        summary = _read_summary(self.previous)
        before = to_month(summary["as_of"], "previous as-of month", error=SpecError)
        calendar = self.calendar.between(None, before) if self.calendar else None
        return summary, self.series.loc[self.series.index <= before], calendar

    def run(self) -> tuple[dict[str, float], dict[str, float]]:
        """P(question) of every scenario: refitted, and held fixed on the new data."""
        summary, seen, calendar = self._seen()
        old_fit = previous_fit(self.previous, summary, self.model, seen, calendar)
        if old_fit is None:  # no estimates kept, or the data they saw were revised
            old_fit = self.model.fit(seen, shocks=calendar)
        # each forecast with the scenario set of the edition it stands for: the refit
        # reproduces the previous edition's simulation, the held-fixed one the new edition's
        old_scenarios = load_scenarios(summary.get("scenarios", []))
        common = (self.window, self.threshold, self.n_paths, self.seed, self.question)
        refit = _answers(old_fit, old_scenarios, *common)
        held = _answers(old_fit.update(self.series), list(self.scenarios), *common)
        return refit, held


def _run_split(task: SplitTask) -> tuple[dict[str, float], dict[str, float]]:
    return task.run()


@dataclass(frozen=True)
class _Done:
    value: Any

    def result(self) -> Any:
        return self.value


def start_split(task: SplitTask, executor: Any = None) -> Any:
    """Start ``task`` on ``executor`` (the outlook's worker process, while it fits the new
    edition) and return its future; without one run it at once. The refit is the slow part of
    an update: beside the new fit it costs little wall time on a machine with two cores."""
    if executor is None:
        return _Done(task.run())
    return executor.submit(_run_split, task)


def changes_since(
    task: SplitTask,
    split: tuple[dict[str, float], dict[str, float]],
    *,
    answers: Mapping[str, Any],
    fingerprint: Callable[[pd.Series], str],
    fates: Sequence[ShockFate] = (),
    notes: Sequence[str] = (),
) -> Changes:
    """Compare the new edition (``answers``) with the edition ``task.previous``.

    Parameters
    ----------
    task : SplitTask
        The new edition's data, scenarios, question and simulation settings.
    split : (refit, held)
        The result of ``task.run()``.
    answers : mapping of scenario key to Answer
        The new edition's answers to ``task.question``.
    fingerprint : callable
        The data fingerprint of :mod:`relforecast.report.outlook`.
    fates, notes
        What became of passed scenario shocks; warnings about input files.

    Returns
    -------
    Changes
    """
    summary = _read_summary(task.previous)
    before = to_month(summary["as_of"], "previous as-of month", error=SpecError)
    data = task.series
    revised = fingerprint(data.loc[data.index <= before]) != summary["data"]["sha256"]
    refit, held = split
    rows = {}
    for key, now in answers.items():
        if key not in refit or key not in held:
            continue
        published = _published(summary, key, task.question.code)
        if published is None:  # the previous edition did not ask it: the refit's answer
            published = (refit[key], float(np.sqrt(refit[key] * (1 - refit[key]) / task.n_paths)))
        then, then_se = published
        rows[key] = {
            "then": then,
            "then_se": then_se,
            "now": now.p,
            "now_se": now.se,
            "change": now.p - then,
            "revisions": refit[key] - then,
            "new_data": held[key] - refit[key],
            "reestimation": now.p - held[key],
            "refit": refit[key],
            "held": held[key],
        }
    names_then = {str(s.get("name")) for s in summary.get("scenarios", [])}
    names_now = {s.name for s in task.scenarios}
    others = [f"{n} (then only)" for n in sorted(names_then - names_now)]
    others += [f"{n} (now only)" for n in sorted(names_now - names_then)]
    return Changes(
        previous=task.previous,
        previous_as_of=before,
        as_of=data.index[-1],
        new_months=data.loc[data.index > before],
        question=task.question,
        rows=pd.DataFrame.from_dict(rows, orient="index"),
        revised=revised,
        fates=list(fates),
        notes=list(notes),
        others=others,
    )
