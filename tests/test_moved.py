"""Old import paths (before the modules moved into packages) still work, with a warning."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from relforecast._moved import MOVED


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", code],
        capture_output=True,
        text=True,
        check=False,
    )


def test_old_paths_warn_and_give_the_new_modules():
    """Every old path, in one fresh interpreter: the warning names the new path, and every name
    of the new module is the same object under the old one."""
    code = (
        "import importlib, warnings\n"
        f"moved = {dict(sorted(MOVED.items()))!r}\n"
        "for old, new in moved.items():\n"
        "    target = importlib.import_module(new)\n"
        "    with warnings.catch_warnings(record=True) as caught:\n"
        "        warnings.simplefilter('always')\n"
        "        module = importlib.import_module(old)\n"
        "    said = [str(w.message) for w in caught if w.category is DeprecationWarning]\n"
        "    assert any(new in m for m in said), (old, said)\n"
        "    names = [n for n in dir(target) if not n.startswith('__')]\n"
        "    assert names and all(getattr(module, n) is getattr(target, n) for n in names), old\n"
    )
    done = _python(code)
    assert done.returncode == 0, done.stderr


def test_an_old_path_is_an_error_under_error_filters():
    """The warning is a real DeprecationWarning (tests that turn warnings into errors see it)."""
    done = _python("from relforecast.joint import joint_paths")
    assert done.returncode != 0
    assert "relforecast.panel.joint" in done.stderr


def test_public_functions_survive_their_old_module_being_imported():
    code = (
        "import warnings\n"
        "warnings.simplefilter('ignore', DeprecationWarning)\n"
        "import relforecast as rf\n"
        "import relforecast.backtest, relforecast.analogues\n"
        "from relforecast.evaluation.backtest import backtest\n"
        "s = rf.datasets.demo()\n"
        "a = rf.backtest(s, 'rw-gauss', origins=['2020-06'], horizon=3, n_paths=200, rng=1)\n"
        "b = backtest(s, 'rw-gauss', origins=['2020-06'], horizon=3, n_paths=200, rng=1)\n"
        "assert a.equals(b), (a, b)\n"
        "t = rf.analogues(s, ['2010-01', '2015-01'], before=2, after=3)\n"
        "assert t.shape[1] == 2\n"
    )
    done = _python(code)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("package", "name", "home"),
    [
        ("relforecast.events", "category_table", "relforecast.events.log"),
        ("relforecast.evaluation", "_ALPHA", "relforecast.evaluation.scores"),
        ("relforecast.panel", "window_forecast", "relforecast.panel.forecast"),
        ("relforecast.cli", "_one_line", "relforecast.cli.main"),
    ],
)
def test_names_of_a_module_that_became_a_package(package, name, home):
    """Names of the old module that the package does not export resolve with a warning."""
    target = importlib.import_module(home)
    with pytest.warns(DeprecationWarning, match=home.replace(".", r"\.")):
        value = getattr(importlib.import_module(package), name)
    assert value is getattr(target, name)
