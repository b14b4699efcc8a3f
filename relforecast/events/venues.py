"""Venue classes: a group's own classes of where events originate, from a small mapping file.

Event logs rarely carry a clean "venue" column: in ``events_712.csv`` half the rows have no
location and no negative event has one. A group therefore defines its classes (for China–Japan,
e.g. *Japan domestic*, *US–Japan*, *other*) and the rules that put an event in each, in a YAML
file::

    classes:
      - name: Japan domestic
        name_zh: 日本国内
        match:
          location: [Tokyo, ", Japan"]
          keywords: [Japan approves, Japanese PM, Yasukuni]
      - name: other
        name_zh: 其他
        match:
          location: ["*"]
    unclassified: {name: unclassified, name_zh: 未分类}     # optional; these are the defaults

An event belongs to the **first** class (in file order) one of whose patterns matches it. The
keys under ``match`` are columns of the event file (``location``, ``host``, ``visitor``,
``event_name``…); ``keywords`` searches the event's description (the ``description_col`` of
:func:`relforecast.load_events`). A pattern matches a field when it occurs in it, ignoring case;
``"*"`` matches any non-empty value; a pattern written ``"re:..."`` is a regular expression
(searched, ignoring case). Events no rule matches are *unclassified*: their share is reported,
never hidden or spread over the classes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from relforecast._yaml import load_yaml
from relforecast.exceptions import DataError

__all__ = ["VenueClass", "VenueClasses", "load_venue_classes"]

KEYWORDS = "keywords"
"""The field name under ``match`` that searches the events' descriptions."""


@dataclass(frozen=True)
class VenueClass:
    """One venue class: its names and its rules ``((field, (pattern, ...)), ...)``."""

    name: str
    rules: tuple[tuple[str, tuple[str, ...]], ...]
    name_zh: str | None = None

    def label(self, lang: str = "en") -> str:
        """The class name in ``lang`` (English when no Chinese name is given)."""
        return self.name_zh if lang == "zh" and self.name_zh else self.name


def _matcher(pattern: str, where: str) -> re.Pattern[str] | None:
    """Compiled case-insensitive pattern; ``None`` for ``"*"`` (any non-empty value)."""
    if pattern == "*":
        return None
    if pattern.startswith("re:"):
        try:
            return re.compile(pattern[3:], re.IGNORECASE)
        except re.error as exc:
            raise DataError(f"{where}: bad regular expression {pattern!r}: {exc}") from exc
    return re.compile(re.escape(pattern), re.IGNORECASE)


@dataclass(frozen=True)
class VenueClasses:
    """Ordered venue classes and the label of events none of them matches."""

    classes: tuple[VenueClass, ...]
    unclassified: str = "unclassified"
    unclassified_zh: str = "未分类"

    def __post_init__(self) -> None:
        if not self.classes:
            raise DataError("a venue mapping needs at least one class under 'classes:'")
        names = [c.name for c in self.classes] + [self.unclassified]
        if len(set(names)) < len(names):
            raise DataError(f"venue class names must differ (unclassified included): {names}")
        for c in self.classes:
            for _, patterns in c.rules:
                for p in patterns:
                    _matcher(p, f"venue class {c.name!r}")

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], where: str = "venue mapping") -> VenueClasses:
        """Build from the parsed YAML document (see the module docstring for its form)."""
        if not isinstance(doc, Mapping) or not isinstance(doc.get("classes"), list):
            raise DataError(f"{where} must hold a list of classes under the key 'classes:'")
        unknown = set(doc) - {"classes", "unclassified"}
        if unknown:
            raise DataError(f"{where}: unknown key(s) {sorted(unknown)}; use classes, unclassified")
        classes = [
            _class_from_record(r, f"{where}, class {i + 1}") for i, r in enumerate(doc["classes"])
        ]
        rest = doc.get("unclassified") or {}
        if not isinstance(rest, Mapping) or set(rest) - {"name", "name_zh"}:
            raise DataError(f"{where}: 'unclassified' takes name and name_zh, got {rest!r}")
        return cls(
            tuple(classes),
            str(rest.get("name", "unclassified")),
            str(rest.get("name_zh", "未分类")),
        )

    @classmethod
    def from_yaml(cls, path: str | PathLike) -> VenueClasses:
        """Read a venue mapping file (YAML)."""
        p = Path(path)
        doc = load_yaml(p, "venue mapping file", error=DataError)
        return cls.from_dict(doc, where=str(p))

    # ------------------------------------------------------------------ use
    def names(self, lang: str = "en") -> list[str]:
        """Class names in file order, then the unclassified label."""
        return [c.label(lang) for c in self.classes] + [self.unclassified_label(lang)]

    def unclassified_label(self, lang: str = "en") -> str:
        """The label of events that no rule matches."""
        return self.unclassified_zh if lang == "zh" else self.unclassified

    def classify(self, frame: pd.DataFrame, *, explain: bool = False) -> pd.Series | pd.DataFrame:
        """The venue class (English name) of every event in ``frame``.

        Parameters
        ----------
        frame : pd.DataFrame
            Events, e.g. ``EventLog.frame``: the fields named in the rules must be columns
            (``keywords`` searches the ``description`` column).
        explain : bool, default False
            Return a DataFrame with the class, the field and the pattern that decided it
            (empty for unclassified events) instead of the classes alone.

        Returns
        -------
        pd.Series or pd.DataFrame
            Indexed like ``frame``.
        """
        decided = pd.Series(self.unclassified, index=frame.index, dtype=object)
        field_of = pd.Series("", index=frame.index, dtype=object)
        pattern_of = pd.Series("", index=frame.index, dtype=object)
        open_rows = pd.Series(True, index=frame.index)
        for c in self.classes:
            for field, patterns in c.rules:
                column = "description" if field == KEYWORDS else field
                if column not in frame.columns:
                    raise DataError(
                        f"venue class {c.name!r} matches on {field!r}, which is not a column of "
                        f"the event log; it has {', '.join(map(str, frame.columns))}"
                    )
                text = frame[column].astype(object).where(frame[column].notna(), None)
                text = text.map(lambda v: "" if v is None else str(v).strip())
                for p in patterns:
                    matcher = _matcher(p, c.name)
                    if matcher is None:
                        hit = text != ""
                    else:
                        hit = text.map(lambda v, m=matcher: bool(m.search(v)))
                    new = hit & open_rows
                    decided[new] = c.name
                    field_of[new] = field
                    pattern_of[new] = p
                    open_rows &= ~new
        if explain:
            return pd.DataFrame({"venue_class": decided, "field": field_of, "pattern": pattern_of})
        return decided

    def label_map(self, lang: str = "en") -> dict[str, str]:
        """English class name -> name in ``lang`` (unclassified included)."""
        out = {c.name: c.label(lang) for c in self.classes}
        out[self.unclassified] = self.unclassified_label(lang)
        return out


def _class_from_record(record: Any, where: str) -> VenueClass:
    if not isinstance(record, Mapping) or "name" not in record:
        raise DataError(f"{where}: expected a mapping with name and match, got {record!r}")
    unknown = set(record) - {"name", "name_zh", "match"}
    if unknown:
        raise DataError(f"{where}: unknown key(s) {sorted(unknown)}; use name, name_zh, match")
    match = record.get("match")
    if not isinstance(match, Mapping) or not match:
        raise DataError(
            f"{where} ({record['name']!r}): 'match' must map fields to patterns, e.g. "
            "match: {location: [Tokyo]}"
        )
    rules = []
    for field, patterns in match.items():
        items = [patterns] if isinstance(patterns, str) else patterns
        if (
            not isinstance(items, list)
            or not items
            or not all(isinstance(p, str) and p for p in items)
        ):
            raise DataError(
                f"{where} ({record['name']!r}): patterns of {field!r} must be a list of "
                f"non-empty strings, got {patterns!r}"
            )
        rules.append((str(field), tuple(items)))
    zh = record.get("name_zh")
    return VenueClass(str(record["name"]), tuple(rules), None if zh is None else str(zh))


def load_venue_classes(path: str | PathLike) -> VenueClasses:
    """Read a venue mapping file: :meth:`VenueClasses.from_yaml`."""
    return VenueClasses.from_yaml(path)
