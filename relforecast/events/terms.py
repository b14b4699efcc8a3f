"""Leader terms as spans of months, to group monthly data (events, scores) by term.

A :class:`Term` is a labelled, inclusive span of months. :class:`Terms` holds terms that do not
overlap and says which term each month belongs to.

Terms come from a leaders table (``Terms.from_leaders``, read with
:func:`relforecast.shocks.read_leaders`) or from spans given by hand (``Terms.from_spans``).
In a leaders table one leader's last month is usually the next one's first (Kishida
2021-10 … 2024-10, Ishiba 2024-10 … ); the changeover month goes to the **incoming** leader,
who held office for most of it or from its first day, so a term runs from its start month to the
month before the next term starts, or to the table's end month for the last term. A term whose
end is blank is open: it runs on until the as-of month (``until``) when one is given.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import pandas as pd

from relforecast._typing import PathOrFrame, PeriodLike
from relforecast.exceptions import ShockError
from relforecast.periods import to_month
from relforecast.shocks import read_leaders

__all__ = ["Term", "Terms", "leader_terms"]


@dataclass(frozen=True)
class Term:
    """One leader's term: the months ``start`` … ``end`` (both included).

    Parameters
    ----------
    name : str
        Who or what the term is (e.g. ``"Fumio Kishida"``).
    start : Period
        First month.
    end : Period or None
        Last month; ``None`` for a term still running (open end).
    name_zh : str, optional
        Chinese name, used when ``lang="zh"``.
    """

    name: str
    start: pd.Period
    end: pd.Period | None = None
    name_zh: str | None = None

    def __post_init__(self) -> None:
        start = to_month(self.start, f"start of term {self.name!r}", error=ShockError)
        object.__setattr__(self, "start", start)
        if self.end is not None:
            end = to_month(self.end, f"end of term {self.name!r}", error=ShockError)
            if end < self.start:
                raise ShockError(
                    f"term {self.name!r} ends ({end}) before it starts ({self.start}); "
                    "give its span as START:END"
                )
            object.__setattr__(self, "end", end)

    def label(self, lang: str = "en") -> str:
        """``"Fumio Kishida (2021-10..2024-09)"``; the Chinese name for ``lang="zh"``."""
        name = self.name_zh if lang == "zh" and self.name_zh else self.name
        end = "" if self.end is None else str(self.end)
        return f"{name}（{self.start}..{end}）" if lang == "zh" else f"{name} ({self.start}..{end})"

    def contains(self, months: pd.PeriodIndex) -> pd.Series:
        """Boolean per month: inside the term."""
        inside = months >= self.start
        if self.end is not None:
            inside &= months <= self.end
        return pd.Series(inside, index=months)


class Terms(Sequence[Term]):
    """Non-overlapping terms in time order.

    Parameters
    ----------
    terms : sequence of Term
        Sorted by start here; overlapping spans are an error that names them.
    """

    def __init__(self, terms: Sequence[Term]) -> None:
        ordered = sorted(terms, key=lambda t: t.start)
        if not ordered:
            raise ShockError(
                "no terms given; name at least one span, e.g. 'Kishida=2021-10:2024-09'"
            )
        for before, after in pairwise(ordered):
            if before.end is None or before.end >= after.start:
                raise ShockError(
                    f"terms {before.label()} and {after.label()} overlap; give spans that do "
                    "not share months"
                )
        labels = [t.label() for t in ordered]
        if len(set(labels)) < len(labels):
            raise ShockError(f"two terms have the same label: {labels}")
        self._terms = tuple(ordered)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_leaders(
        cls,
        source: PathOrFrame,
        country: str,
        *,
        office: str | None = None,
        until: PeriodLike | None = None,
    ) -> Terms:
        """The terms of ``country``'s leaders in a leaders table (see the module docstring).

        Parameters
        ----------
        source : path or DataFrame
            A leaders table such as ``../shared/data/leaders.csv``.
        country : str
            Partner country ("Japan", "US"...).
        office : str, optional
            Keep one office when the table lists several for the country.
        until : str or Period, optional
            As-of month: terms starting after it are dropped and the others end there at the
            latest.
        """
        rows = read_leaders(source, country, office=office)
        starts = list(rows["term_start"])
        dup = pd.Series(starts).duplicated()
        if dup.any():
            raise ShockError(
                f"two {country} terms start in {starts[int(dup.idxmax())]}; the table lists "
                "several offices, choose one with office="
            )
        ends = rows["end"] if "end" in rows.columns else pd.Series([None] * len(rows))
        names_zh = rows["leader_zh"] if "leader_zh" in rows.columns else [None] * len(rows)
        terms = []
        for i, (name, name_zh, start, end) in enumerate(
            zip(rows["leader"], names_zh, starts, ends, strict=True)
        ):
            what = f"end of {name}'s term"
            last = None if _missing(end) else to_month(end, what, error=ShockError)
            if i + 1 < len(starts):
                before_next = starts[i + 1] - 1
                last = before_next if last is None else min(last, before_next)
            zh = None if _missing(name_zh) else str(name_zh)
            terms.append(Term(str(name), start, last, zh))
        out = cls(terms)
        return out if until is None else out.until(until)

    @classmethod
    def from_spans(cls, spans: str | Mapping[str, str]) -> Terms:
        """Terms given by hand: ``"Kishida=2021-10:2024-09,Ishiba=2024-10:2025-09"`` or a mapping
        ``{"Kishida": "2021-10:2024-09", ...}``; an open end is written ``"2024-10:"``.
        """
        if isinstance(spans, str):
            pairs = {}
            for item in filter(None, (p.strip() for p in spans.split(","))):
                name, sep, span = item.partition("=")
                if not sep:
                    raise ShockError(
                        f"term {item!r} has no span; write NAME=START:END, e.g. "
                        "Kishida=2021-10:2024-09"
                    )
                pairs[name.strip()] = span.strip()
            spans = pairs
        terms = []
        for name, span in spans.items():
            start, sep, end = str(span).partition(":")
            if not sep or not start.strip():
                raise ShockError(
                    f"span {span!r} of term {name!r} is not START:END (e.g. 2021-10:2024-09)"
                )
            terms.append(Term(str(name), start.strip(), end.strip() or None))
        return cls(terms)

    # ------------------------------------------------------------------ use
    def __getitem__(self, i):  # type: ignore[override]
        return self._terms[i]

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self._terms)

    def __repr__(self) -> str:
        return f"Terms({', '.join(t.label() for t in self._terms)})"

    def labels(self, lang: str = "en") -> list[str]:
        """Labels in time order."""
        return [t.label(lang) for t in self._terms]

    def until(self, month: PeriodLike) -> Terms:
        """The terms as known at ``month``: later ones dropped, the running one ending there."""
        last = to_month(month, "until")
        kept = [
            replace(t, end=last if t.end is None or t.end > last else t.end)
            for t in self._terms
            if t.start <= last
        ]
        if not kept:
            raise ShockError(
                f"no term starts by {last}; the first starts in {self._terms[0].start}"
            )
        return Terms(kept)

    def overlapping(self, first: pd.Period, last: pd.Period) -> Terms:
        """The terms that share at least one month with ``first`` … ``last``."""
        kept = [t for t in self._terms if t.start <= last and (t.end is None or t.end >= first)]
        if not kept:
            raise ShockError(
                f"no term overlaps {first}..{last}; the terms run {self._terms[0].start}.."
                f"{self._terms[-1].end or ''}"
            )
        return Terms(kept)

    def assign(self, months: pd.PeriodIndex | Sequence, lang: str = "en") -> pd.Series:
        """The label of the term each month falls in (``None`` outside every term)."""
        index = pd.PeriodIndex(months, freq="M")
        out = pd.Series([None] * len(index), index=index, dtype=object)
        for term in self._terms:
            out[term.contains(index).to_numpy()] = term.label(lang)
        return out

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row a term: label, name, start, end (``YYYY-MM``; blank when open)."""
        return pd.DataFrame(
            {
                "label": self.labels(lang),
                "name": [t.name for t in self._terms],
                "name_zh": [t.name_zh for t in self._terms],
                "start": [str(t.start) for t in self._terms],
                "end": ["" if t.end is None else str(t.end) for t in self._terms],
            }
        )


def leader_terms(
    source: PathOrFrame,
    country: str,
    *,
    office: str | None = None,
    until: PeriodLike | None = None,
) -> Terms:
    """The terms of ``country``'s leaders in a leaders table: ``Terms.from_leaders``."""
    return Terms.from_leaders(source, country, office=office, until=until)


def _missing(value: object) -> bool:
    return (
        value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""
    )
