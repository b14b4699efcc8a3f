"""Probability questions a published forecast answers, and how each resolves from the data.

A question is named by a short code, so that a record can be read and scored by anyone:

=====================  ==================================================================
name                   P(…), over the months of the forecast's window
=====================  ==================================================================
``cross_T``            the published score is strictly below ``T`` in at least one month
``cross_above_T``      the score is strictly above ``T`` in at least one month
``back_above_T``       the score is at or above ``T`` in at least one month (for a relation
                       already below ``T``: "back above −6")
``below_end_T``        the score is strictly below ``T`` in the window's last month
                       ("still below at the end")
``above_end_T``        the score is strictly above ``T`` in the window's last month
``level_end_NAME``     the level in the window's last month is ``NAME`` (``confrontation``,
                       ``tension``, ``discord``, ``ordinary``, ``good``, ``friendly``)
=====================  ==================================================================

``T`` is written as a number (``cross_-6``, ``back_above_-5.5``). Questions are answered on the
*published* score (paths rounded to the scale's 0.1 resolution), as ``Forecast.prob_cross``
does. A question resolves as soon as its outcome is certain: ``cross_-6`` resolves to 1 in the
first observed month strictly below −6, and to 0 only when every month of the window has been
observed; end-of-window questions resolve when the last month is observed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from relforecast.exceptions import RecordError
from relforecast.forecast import Forecast
from relforecast.questions import worse_still
from relforecast.scale import TSINGHUA_SCALE, Scale

__all__ = ["QUESTION_KINDS", "Question", "default_questions", "parse_question"]

QUESTION_KINDS = ("cross", "cross_above", "back_above", "below_end", "above_end", "level_end")
_THRESHOLD = re.compile(r"(cross_above|cross|back_above|below_end|above_end)_(-?\d+(?:\.\d+)?)")
_LEVEL = re.compile(r"level_end_([a-z]+)")


@dataclass(frozen=True)
class Question:
    """A parsed question: its name, kind, and threshold or level."""

    name: str
    kind: str
    threshold: float | None = None
    level: str | None = None

    def probability(self, forecast: Forecast) -> float:
        """The forecast's answer, over all of ``forecast``'s months (window it first)."""
        values = forecast.values
        if self.kind == "level_end":
            return float(forecast.level_probabilities().iloc[-1][self.level])
        return float(self.happened(values).mean())

    def happened(self, values: np.ndarray) -> np.ndarray:
        """Per row of ``values`` (paths x window months, published scores): did it happen?"""
        t = self.threshold
        if self.kind == "cross":
            return (values < t).any(axis=1)
        if self.kind == "cross_above":
            return (values > t).any(axis=1)
        if self.kind == "back_above":
            return (values >= t).any(axis=1)
        if self.kind == "below_end":
            return values[:, -1] < t
        if self.kind == "above_end":
            return values[:, -1] > t
        idx = TSINGHUA_SCALE.level_index(values[:, -1])
        return idx == TSINGHUA_SCALE.level_names("en").index(self.level)

    def outcome(self, observed: np.ndarray, complete: bool) -> float | None:
        """1.0 or 0.0 once the observed window months decide the question, else ``None``.

        Parameters
        ----------
        observed : ndarray
            The published scores of the window's months observed so far, in order from the
            window's first month (no gaps).
        complete : bool
            Whether every month of the window is observed.
        """
        if observed.size == 0:
            return None
        if self.kind in ("cross", "cross_above", "back_above"):
            if bool(self.happened(observed[None, :])[0]):
                return 1.0
            return 0.0 if complete else None
        if not complete:
            return None
        return float(self.happened(observed[None, :])[0])


def parse_question(name: str, scale: Scale = TSINGHUA_SCALE) -> Question:
    """Read a question name (see the module docstring) into a :class:`Question`.

    Raises
    ------
    RecordError
        The name follows none of the forms, or names a level the scale does not have.
    """
    text = str(name).strip()
    m = _THRESHOLD.fullmatch(text)
    if m:
        t = float(m.group(2))
        if not scale.lower <= t <= scale.upper:
            raise RecordError(
                f"question {name!r}: threshold {t:g} lies outside the scale "
                f"[{scale.lower:g}, {scale.upper:g}]"
            )
        return Question(text, m.group(1), threshold=t)
    m = _LEVEL.fullmatch(text)
    if m:
        names = TSINGHUA_SCALE.level_names("en")
        if m.group(1) not in names:
            raise RecordError(f"question {name!r}: level {m.group(1)!r} is not one of {names}")
        return Question(text, "level_end", level=m.group(1))
    raise RecordError(
        f"question {name!r} is not a recordable question; use cross_T, cross_above_T, "
        "back_above_T, below_end_T, above_end_T (T a number, e.g. cross_-6) or level_end_LEVEL"
    )


def question_name(kind: str, threshold: float) -> str:
    """The canonical name of a threshold question (``cross_-6``, ``back_above_-5.5``)."""
    return f"{kind}_{threshold:g}"


def default_questions(
    last_value: float, thresholds: tuple[float, ...], scale: Scale = TSINGHUA_SCALE
) -> list[Question]:
    """The questions recorded for every forecast, chosen by where the relation stands.

    For each threshold ``T``: ``cross_T`` when the last observed score is at or above ``T``
    (a crossing is news); otherwise ``back_above_T`` and ``below_end_T``. Below the lowest
    threshold, also ``cross_W`` — worse still, ``W`` the whole point at or below the score
    (:func:`relforecast.questions.worse_still`, the outlook's question for such a relation).
    The thresholds must lie on ``scale``, the forecast's.
    """
    out = []
    for t in thresholds:
        kinds = ("cross",) if last_value >= t else ("back_above", "below_end")
        out.extend(parse_question(question_name(k, t), scale) for k in kinds)
    if thresholds and last_value < min(thresholds):
        w = worse_still(last_value, scale)
        if w is not None and w not in thresholds:
            out.append(parse_question(question_name("cross", w), scale))
    return out
