"""The exceptions and warning categories live in relforecast.exceptions, one hierarchy."""

import warnings

import pytest

import relforecast as rf
from relforecast import exceptions
from relforecast.report import outlook


def test_every_error_is_a_relforecast_error_exported_at_the_top():
    for name in exceptions.__all__:
        assert getattr(rf, name) is getattr(exceptions, name)
        cls = getattr(exceptions, name)
        if cls is exceptions.Terminated:  # an interruption: `except Exception` must not catch it
            assert issubclass(cls, KeyboardInterrupt) and not issubclass(cls, Exception)
            continue
        base = UserWarning if issubclass(cls, Warning) else rf.RelforecastError
        assert issubclass(cls, base)


def test_a_bad_specification_is_a_value_error_not_a_runtime_error():
    assert issubclass(rf.SpecError, ValueError) and not issubclass(rf.SpecError, RuntimeError)
    with pytest.raises(ValueError, match="k_regimes=1"):
        rf.MarkovSwitching(k_regimes=1)
    # failing to estimate valid input stays a FitError (RuntimeError)
    assert issubclass(rf.FitError, RuntimeError)


def test_the_warning_category_has_one_home_and_its_old_path():
    assert outlook.RelforecastWarning is exceptions.RelforecastWarning is rf.RelforecastWarning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("note", exceptions.RelforecastWarning, stacklevel=1)
    assert issubclass(caught[0].category, outlook.RelforecastWarning)
