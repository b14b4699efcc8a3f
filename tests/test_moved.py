"""Old import paths (before the modules moved into packages) still work, with a warning."""

from __future__ import annotations

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


@pytest.mark.parametrize("old", sorted(MOVED), ids=lambda name: name.removeprefix("relforecast."))
def test_old_path_warns_and_gives_the_new_module(old):
    new = MOVED[old]
    code = (
        "import importlib, warnings\n"
        f"new = importlib.import_module({new!r})\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        f"    old = importlib.import_module({old!r})\n"
        "messages = [str(w.message) for w in caught if w.category is DeprecationWarning]\n"
        f"assert any({new!r} in m for m in messages), messages\n"
        "names = [n for n in dir(new) if not n.startswith('__')]\n"
        "assert names and all(getattr(old, n) is getattr(new, n) for n in names)\n"
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
        ("relforecast.events", "simulate_update_rule", "relforecast.events.log"),
        ("relforecast.evaluation", "randomized_pit_coverage", "relforecast.evaluation.scores"),
        ("relforecast.panel", "window_forecast", "relforecast.panel.forecast"),
        ("relforecast.cli", "_one_line", "relforecast.cli.main"),
    ],
)
def test_names_of_a_module_that_became_a_package(package, name, home):
    code = (
        "import importlib, warnings\n"
        f"home = importlib.import_module({home!r})\n"
        f"package = importlib.import_module({package!r})\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        f"    value = getattr(package, {name!r})\n"
        f"assert value is getattr(home, {name!r})\n"
        f"assert {name!r} in package.__all__ or any("
        f"{home!r} in str(w.message) for w in caught)\n"
    )
    done = _python(code)
    assert done.returncode == 0, done.stderr
