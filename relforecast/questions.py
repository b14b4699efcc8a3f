"""Questions an outlook asks of a forecast, chosen by the state of the series or by the user.

A :class:`Question` is a kind and a threshold ``T``:

=====================  ===================================================================
kind                   answer (over the window's months, observed ones included)
=====================  ===================================================================
``ever-below``         P(the published score is strictly below ``T`` at least once)
``ever-at-or-above``   P(it is at ``T`` or higher at least once) — "back above −6"
``end-below``          P(strictly below ``T`` in the window's last month) — "still below"
``end-above``          P(strictly above ``T`` in the window's last month)
``end-at-or-above``    P(at ``T`` or higher in the window's last month) — "in a better level"
``first-below``        the first month strictly below ``T``: P(it happens in the window) and
                       the month by which half of the paths have passed
``first-at-or-above``  the same for the first month at ``T`` or higher
=====================  ===================================================================

:func:`default_questions` picks what fits the series' state at the as-of month: a series at
or above the threshold is asked whether it falls below it (``ever-below``, ``end-below``,
``first-below``); a series already below it (China–US below −6) is asked whether it comes
back (``ever-at-or-above``, ``end-below`` read as "still below", ``first-at-or-above``) —
"P(cross −6)" would be 1 for such a series and say nothing — and whether it gets worse still
(``ever-below`` the whole point at or below its score, e.g. −7 from −6.4). Given the scale,
a series at or above the threshold is also asked about the boundaries of its level
(:func:`level_bounds`): P(a worse level) (``ever-below`` and ``end-below`` its lower edge)
and P(a better level) (``ever-at-or-above`` and ``end-at-or-above`` its upper edge).
:func:`key_question` is the one question that matters most for a series (the overview of
all partners shows it).

Every answer is a mean of one indicator per path, so its Monte Carlo error is the binomial
one and the difference between two scenarios forecast with common random numbers has a
paired error (:meth:`Question.difference`). A question already settled by observed months
(an update during the window) has P = 1 and no Monte Carlo error, and says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from relforecast.exceptions import ForecastError
from relforecast.forecast import Forecast, check_threshold
from relforecast.scale import Scale

__all__ = [
    "QUESTION_KINDS",
    "Answer",
    "Question",
    "default_questions",
    "key_question",
    "level_bounds",
    "parse_question",
    "worse_still",
]

QUESTION_KINDS: tuple[str, ...] = (
    "ever-below",
    "ever-at-or-above",
    "end-below",
    "end-above",
    "end-at-or-above",
    "first-below",
    "first-at-or-above",
)
_DIRECTION = {
    "ever-below": "below",
    "first-below": "below",
    "ever-at-or-above": "at_or_above",
    "first-at-or-above": "at_or_above",
}


@dataclass(frozen=True)
class Answer:
    """The answer to one question from one forecast.

    Attributes
    ----------
    question : Question
    p : float
        The probability asked (for ``first-*``: P(the passage happens in the window)).
    se : float
        Its Monte Carlo standard error (0 when settled by observed months).
    observed : pd.Period or None
        The observed month that already settled the question, if any.
    median_month : pd.Period or None
        ``first-*`` only: the month by which half of the paths have passed (``None`` when
        fewer than half pass within the window).
    """

    question: Question
    p: float
    se: float
    observed: pd.Period | None = None
    median_month: pd.Period | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain form for ``summary.json``."""
        return {
            "question": self.question.code,
            "p": self.p,
            "se": self.se,
            "observed": str(self.observed) if self.observed is not None else None,
            "median_month": str(self.median_month) if self.median_month is not None else None,
        }


@dataclass(frozen=True)
class Question:
    """A question about a forecast window: a kind (see the module docstring) and a threshold.

    Examples
    --------
    >>> Question("ever-below", -6).code
    'ever-below:-6'
    """

    kind: str
    threshold: float

    def __post_init__(self) -> None:
        if self.kind not in QUESTION_KINDS:
            raise ForecastError(
                f"unknown question kind {self.kind!r}; use one of {', '.join(QUESTION_KINDS)}"
            )
        object.__setattr__(self, "threshold", check_threshold(self.threshold))

    @property
    def code(self) -> str:
        """``kind:threshold``, as given to ``--question``."""
        return f"{self.kind}:{self.threshold:g}"

    @property
    def direction(self) -> str | None:
        """``"below"`` or ``"at_or_above"`` for passage questions, else ``None``."""
        return _DIRECTION.get(self.kind)

    def check(self, scale: Scale | None) -> Question:
        """Refuse a threshold outside ``scale`` (returns the question)."""
        check_threshold(self.threshold, scale)
        return self

    def indicator(self, fc: Forecast) -> np.ndarray:
        """One boolean per path: does the asked event happen on it?"""
        t = self.threshold
        if self.direction is not None:
            return fc.crossed(t, direction=self.direction)
        last = fc.values[:, -1]
        if self.kind == "end-below":
            return last < t
        return last >= t if self.kind == "end-at-or-above" else last > t

    def answer(self, fc: Forecast) -> Answer:
        """The probability, its Monte Carlo error and what observed months already settled."""
        hit = self.indicator(fc).astype(float)
        p = float(hit.mean())
        se = float(np.sqrt(p * (1 - p) / fc.n_paths))
        observed = None
        median = None
        if self.direction is not None:
            observed = fc.observed_passage(self.threshold, self.direction)
            median = fc.median_first_passage(self.threshold, self.direction)
        return Answer(self, p, se, observed, median if self.kind.startswith("first") else None)

    def difference(self, fc: Forecast, base: Forecast) -> tuple[float, float]:
        """``P(fc) − P(base)`` and its paired Monte Carlo error (common random numbers)."""
        if fc.n_paths != base.n_paths:
            raise ForecastError("paired differences need forecasts with the same number of paths")
        d = self.indicator(fc).astype(float) - self.indicator(base).astype(float)
        return float(d.mean()), float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0


def parse_question(text: str) -> Question:
    """A question from ``"kind:threshold"``, e.g. ``"ever-below:-3"`` or ``"end-above:0"``."""
    kind, sep, value = str(text).strip().partition(":")
    if not sep:
        raise ForecastError(
            f"question {text!r} must look like KIND:THRESHOLD, e.g. ever-below:-3; kinds: "
            f"{', '.join(QUESTION_KINDS)}"
        )
    try:
        threshold = float(value)
    except ValueError as exc:
        raise ForecastError(f"question {text!r}: threshold {value!r} is not a number") from exc
    return Question(kind.strip(), threshold)


def level_bounds(
    last_value: float, threshold: float, scale: Scale | None
) -> tuple[float | None, float | None]:
    """The boundaries nearest a score: the largest of the scale's cut points and the threshold
    at or below it (its level's lower edge) and the smallest above it (the upper edge);
    ``None`` where the scale ends (or without a bounded scale)."""
    if scale is None or not getattr(scale, "bounded", False):
        return None, None
    edges = sorted({*(float(c) for c in scale.cuts), float(threshold)})
    x = round(float(last_value), 6)
    below = [e for e in edges if e <= x]
    above = [e for e in edges if e > x]
    return (below[-1] if below else None), (above[0] if above else None)


def worse_still(last_value: float, scale: Scale | None = None) -> float | None:
    """The threshold of "worse still" for a series below the threshold: the whole point at or
    below its score (−7 from −6.4 or from −7.0); ``None`` at the scale's bottom."""
    w = float(math.floor(round(float(last_value), 6)))
    if scale is not None and getattr(scale, "bounded", False) and w <= scale.lower:
        return None
    return w


def default_questions(
    last_value: float, threshold: float, scale: Scale | None = None, *, key_first: bool = False
) -> list[Question]:
    """The questions that fit the series' state at the as-of month.

    Parameters
    ----------
    last_value : float
        The last observed score (the as-of month's).
    threshold : float
        The threshold of interest (−6 on the Tsinghua scale).
    scale : Scale, optional
        The scale whose level boundaries are asked about (none without it).

    Returns
    -------
    list of Question
        At or above the threshold: ``ever-below``, ``end-below``, ``first-below``, then
        (with a scale) ``ever-below`` / ``end-below`` the level's lower edge and
        ``ever-at-or-above`` / ``end-at-or-above`` its upper edge (:func:`level_bounds`),
        each unless it repeats the threshold or lies at the scale's end. Below it:
        ``ever-at-or-above``, ``end-below`` (still below at the end), ``first-at-or-above``,
        ``ever-below`` the next whole point down (:func:`worse_still`). The first is the
        report's headline.
    key_first : bool
        Lead with the series' key question (:func:`key_question`) and its end-of-window
        companion: a series at −3.0 on the Tsinghua scale is asked first whether it falls
        below −3 (the nearest level boundary), not below −6. A series near the threshold or
        below it keeps the order above.
    """
    if key_first:
        out = default_questions(last_value, threshold, scale)
        key, why = key_question(last_value, threshold, scale)
        if why in ("worse", "better") and key in out:
            end = Question(
                "end-below" if key.kind == "ever-below" else "end-at-or-above", key.threshold
            )
            lead = [key, *([end] if end in out else [])]
            out = lead + [q for q in out if q not in lead]
        return out
    t = float(threshold)
    x = float(last_value)
    if x < t:
        out = [
            Question("ever-at-or-above", t),
            Question("end-below", t),
            Question("first-at-or-above", t),
        ]
        w = worse_still(x, scale)
        if w is not None:
            out.append(Question("ever-below", w))
        return out
    out = [Question("ever-below", t), Question("end-below", t), Question("first-below", t)]
    lo, hi = level_bounds(x, t, scale)
    if lo is not None and lo != t:
        out += [Question("ever-below", lo), Question("end-below", lo)]
    if hi is not None:
        out += [Question("ever-at-or-above", hi), Question("end-at-or-above", hi)]
    return out


def key_question(last_value: float, threshold: float, scale: Scale | None) -> tuple[Question, str]:
    """The one question that matters most for a series, and why (``"recover"``, ``"cross"``,
    ``"worse"``, ``"better"``).

    Below the threshold: coming back to it (``ever-at-or-above``). Otherwise leaving its level
    across the nearer of its two boundaries (:func:`level_bounds`; a tie goes to the lower
    one): ``ever-below`` the lower edge (``"cross"`` when that edge is the threshold,
    ``"worse"`` otherwise) or ``ever-at-or-above`` the upper edge (``"better"``).
    """
    t, x = float(threshold), float(last_value)
    if x < t:
        return Question("ever-at-or-above", t), "recover"
    lo, hi = level_bounds(x, t, scale)
    if lo is None and hi is None:
        return Question("ever-below", t), "cross"
    if hi is None or (lo is not None and x - lo <= hi - x):
        return Question("ever-below", lo), ("cross" if lo == t else "worse")
    return Question("ever-at-or-above", hi), "better"
