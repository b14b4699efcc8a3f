"""JSON that every reader accepts: a value that does not exist (NaN, ±inf) is written ``null``.

Python's ``json`` writes ``NaN`` and ``Infinity`` by default, which are not JSON (browsers,
``jq`` and most languages refuse them). Summaries hold such values where they are undefined,
e.g. the mean forecast of a reliability bin without cases; they are written as ``null``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["json_text"]


def _finite(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value


def json_text(doc: Any, *, indent: int | None = 2) -> str:
    """``doc`` as JSON text, non-finite numbers as ``null`` (never ``NaN``).

    Parameters
    ----------
    doc : JSON-like (dicts, lists, str, numbers, bool, None)
    indent : int or None, default 2

    Raises
    ------
    ValueError
        If a value cannot be written as JSON (a library bug, not a user error).
    """
    return json.dumps(_finite(doc), indent=indent, ensure_ascii=False, allow_nan=False)
