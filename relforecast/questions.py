"""Questions an outlook asks of a forecast, chosen by the state of the series or by the user.

A :class:`Question` is a kind and a threshold ``T``:

=====================  ===================================================================
kind                   answer (over the window's months, observed ones included)
=====================  ===================================================================
``ever-below``         P(the published score is strictly below ``T`` at least once)
``ever-at-or-above``   P(it is at ``T`` or higher at least once) — "back above −6"
``end-below``          P(strictly below ``T`` in the window's last month) — "still below"
``end-above``          P(strictly above ``T`` in the window's last month)
``first-below``        the first month strictly below ``T``: P(it happens in the window) and
                       the month by which half of the paths have passed
``first-at-or-above``  the same for the first month at ``T`` or higher
=====================  ===================================================================

:func:`default_questions` picks what fits the series' state at the as-of month: a series at
or above the threshold is asked whether it falls below it (``ever-below``, ``end-below``,
``first-below``); a series already below it (China–US below −6) is asked whether it comes
back (``ever-at-or-above``, ``end-below`` read as "still below", ``first-at-or-above``) —
"P(cross −6)" would be 1 for such a series and say nothing.

Every answer is a mean of one indicator per path, so its Monte Carlo error is the binomial
one and the difference between two scenarios forecast with common random numbers has a
paired error (:meth:`Question.difference`). A question already settled by observed months
(an update during the window) has P = 1 and no Monte Carlo error, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from relforecast.exceptions import ForecastError
from relforecast.forecast import Forecast, check_threshold
from relforecast.scale import Scale

__all__ = ["QUESTION_KINDS", "Answer", "Question", "default_questions", "parse_question"]

QUESTION_KINDS: tuple[str, ...] = (
    "ever-below",
    "ever-at-or-above",
    "end-below",
    "end-above",
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
        return last < t if self.kind == "end-below" else last > t

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


def default_questions(last_value: float, threshold: float) -> list[Question]:
    """The questions that fit the series' state at the as-of month.

    Parameters
    ----------
    last_value : float
        The last observed score (the as-of month's).
    threshold : float
        The threshold of interest (−6 on the Tsinghua scale).

    Returns
    -------
    list of Question
        At or above the threshold: ``ever-below``, ``end-below``, ``first-below``. Below it:
        ``ever-at-or-above``, ``end-below`` (still below at the end), ``first-at-or-above``.
        The first is the report's headline.
    """
    t = float(threshold)
    if last_value < t:
        return [
            Question("ever-at-or-above", t),
            Question("end-below", t),
            Question("first-at-or-above", t),
        ]
    return [Question("ever-below", t), Question("end-below", t), Question("first-below", t)]
