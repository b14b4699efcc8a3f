"""The question that matters for each partner of the overview, and its change since an edition.

:func:`key_table` asks each dyad's baseline forecast the one question that fits its state
(:func:`relforecast.questions.key_question`): for a dyad below the threshold, whether it comes
back to it; otherwise whether it leaves its level across the nearer of the level's two
boundaries (−6 being one of them on the Tsinghua scale) — below the lower one or up to the
upper one. Every dyad thus gets a question that can happen, where "P(below −6)" would be 0 %
for most partners.

:func:`read_previous` reads the ``summary.json`` of an earlier overview (its folder or the
file itself, or the dict already read); :func:`changes` compares each dyad's answer with the
earlier edition's answer to the same question — the difference with its Monte Carlo error
(the two runs are independent, so the errors add in quadrature), or why there is none (the
earlier edition asked another question, or did not hold the dyad). An earlier edition with an
as-of month after this one's is refused: it would bring later information into this report.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from relforecast.exceptions import DataError
from relforecast.forecast import Forecast
from relforecast.panel.forecast import window_forecast
from relforecast.questions import key_question

__all__ = ["changes", "key_table", "read_previous"]


def key_table(
    forecasts: Mapping[str, Forecast], window: tuple[pd.Period, pd.Period], threshold: float
) -> pd.DataFrame:
    """One row a dyad: ``key_question`` (its code), ``key_why`` (``"recover"``,
    ``"cross"``, ``"worse"``, ``"better"``), ``key_threshold``, ``key_p``, ``key_se``."""
    rows = {}
    for dyad, fc in forecasts.items():
        last = float(fc.scale.round(float(fc.history.iloc[-1])))
        question, why = key_question(last, threshold, fc.scale)
        answer = question.answer(window_forecast(fc, window, dyad))
        rows[dyad] = {
            "key_question": question.code,
            "key_why": why,
            "key_threshold": question.threshold,
            "key_p": answer.p,
            "key_se": answer.se,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "dyad"
    return out


def read_previous(
    previous: str | PathLike | Mapping[str, Any] | None, as_of: pd.Period
) -> dict[str, Any] | None:
    """The ``summary.json`` of an earlier overview, checked to be as of ``as_of`` or before.

    Raises
    ------
    DataError
        When the file is missing or not an overview's summary, or its as-of month is later
        than ``as_of``.
    """
    if previous is None:
        return None
    if isinstance(previous, Mapping):
        summary, name = dict(previous), "the previous summary"
    else:
        path = Path(previous)
        if path.is_dir():
            path = path / "summary.json"
        if not path.is_file():
            raise DataError(
                f"previous edition {str(previous)!r}: no summary.json there; give the folder "
                "of an earlier all-partners outlook or its summary.json"
            )
        try:
            summary = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise DataError(f"previous edition {str(path)!r} is not valid JSON: {exc}") from exc
        name = str(path)
    if not isinstance(summary.get("dyads"), dict) or "as_of" not in summary:
        raise DataError(
            f"{name} is not the summary of an all-partners outlook (it lacks 'dyads' or "
            "'as_of'); give the summary.json of `relforecast outlook --dyad all`"
        )
    try:
        month = pd.Period(str(summary["as_of"]), "M")
    except ValueError as exc:
        raise DataError(f"{name}: as_of {summary['as_of']!r} is not a month") from exc
    if month > as_of:
        raise DataError(
            f"{name} is as of {month}, after this outlook's as-of month {as_of}: a previous "
            "edition must be as of this month or earlier"
        )
    return summary


def _previous_answer(entry: Mapping[str, Any]) -> tuple[str | None, float | None, float]:
    """(question code, p, se) of a dyad in an earlier summary (its key question, or — in
    summaries without one — the headline question the overview showed)."""
    key = entry.get("key")
    if isinstance(key, Mapping):
        return key.get("question"), key.get("p"), float(key.get("se") or 0.0)
    return entry.get("headline"), entry.get("p"), float(entry.get("p_se") or 0.0)


def changes(table: pd.DataFrame, previous: Mapping[str, Any] | None) -> pd.DataFrame:
    """``change``, ``change_se`` and ``change_note`` (``"none"``: no previous edition given;
    ``"other"``: it asked another question or lacked the dyad; ``""``: compared) per dyad,
    with the previous edition's answer (``prev_p``, ``prev_se``), question (``prev_question``)
    and last score (``prev_last``, in its month ``prev_month``) where it had them."""
    rows = {}
    blank = {"prev_p": math.nan, "prev_se": math.nan, "prev_question": "", "prev_last": math.nan}
    for dyad, row in table.iterrows():
        if previous is None:
            rows[dyad] = {
                "change": math.nan,
                "change_se": math.nan,
                "change_note": "none",
                **blank,
                "prev_month": "",
            }
            continue
        entry = previous["dyads"].get(str(dyad), {})
        code, p, se = _previous_answer(entry)
        last = entry.get("last")
        before = {
            "prev_p": math.nan if p is None else float(p),
            "prev_se": se,
            "prev_question": code or "",
            "prev_last": math.nan if last is None else float(last),
            "prev_month": str(entry.get("last_month", "")),
        }
        if code != row["key_question"] or p is None:
            rows[dyad] = {
                "change": math.nan,
                "change_se": math.nan,
                "change_note": "other",
                **before,
            }
            continue
        rows[dyad] = {
            "change": float(row["key_p"]) - float(p),
            "change_se": math.hypot(float(row["key_se"]), se),
            "change_note": "",
            **before,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "dyad"
    return out
