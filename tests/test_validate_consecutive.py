"""Numbers on consecutive months skip parsing, sorting and filling in ``validate_series``; the
result must be the one the general path gives for the same values."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relforecast.data import validate_series
from relforecast.exceptions import DataError
from relforecast.scale import TSINGHUA_SCALE

steps = st.lists(st.integers(min_value=-90, max_value=90), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(steps, st.integers(min_value=0, max_value=600), st.booleans())
def test_consecutive_numbers_give_what_the_general_path_gives(values, start, grid):
    months = pd.period_range(pd.Period("1950-01", "M") + start, periods=len(values), freq="M")
    months = months.rename("date")
    scores = np.array(values) / 10
    fast = validate_series(scores, months, "dyad", grid=grid)
    general = validate_series(scores.astype(object), months, "dyad", grid=grid)  # parsed
    pd.testing.assert_series_equal(fast, general)
    assert fast.attrs == general.attrs == {"filled_months": []}
    assert months.name == "date"  # the caller's index keeps its name


@pytest.mark.parametrize(
    ("value", "grid", "words"),
    [(9.5, False, "outside"), (1.25, True, "grid"), (np.nan, True, "last 1 month")],
)
def test_consecutive_numbers_are_still_checked(value, grid, words):
    months = pd.period_range("2000-01", periods=4, freq="M")
    scores = np.array([1.0, 2.0, 3.0, value])
    with pytest.raises(DataError, match=words):
        validate_series(scores, months, "dyad", scale=TSINGHUA_SCALE, grid=grid)
