"""The repository's text speaks of what the code does, not of how it was developed.

Code, tests, benchmarks and docs must not place a fact by a work session, a walkthrough, a
round of review, an issue number or a numbered finding: a reader cannot place those. A version,
a date or a commit can be placed, and the development history belongs in the git log. The
patterns below are specific enough to leave ``round(``, "rounding", "rounds to 0.1", a Dask
"session" and a pytest ``scope="session"`` alone; the tests of the patterns themselves keep
them so.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIS = Path(__file__).resolve()
FOLDERS = ("relforecast", "tests", "benchmarks", "docs", "examples", ".ci")
TOP_FILES = ("README.md", "pyproject.toml")
SKIP_PARTS = {".venv", "__pycache__", ".git", "bt_cache", ".pytest_cache", ".hypothesis"}

HISTORY = re.compile(
    r"""
      \bwalk-?throughs?\b                              # "found by the walkthrough"
    | \bsessions?[-\s]\d                               # "session 4('s)", "sessions 1–3"
    | \brounds?[-\s]\d+\b(?![.,]\d)                    # "round 3" (not "round 0.1")
    | \brounds?\sof\s(?:review|work|fixes)\b           # "two rounds of review"
    | \breview\sround\b
    | \bissues?[-\s]?\#?\d+\b                          # "issue 12", "issue-15", "issue #3"
    | \bissue\s["“']                                   # (issue "Honest evaluation")
    | \bthe\sissue's\b
    | \bfindings?\s\d+\b                               # "(finding 9)"
    | \b(?:this|the)\sbranch\b(?!\sof)                 # "on this branch"
    | \bbranch\sbase\b
    """,
    re.IGNORECASE | re.VERBOSE,
)


def text_files() -> list[Path]:
    """Tracked text files (git), else every file under the project's folders."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=30
        ).stdout.decode("utf-8")
        paths = [ROOT / p for p in listed.split("\0") if p]
    except (OSError, subprocess.SubprocessError):
        paths = [ROOT / name for name in TOP_FILES]
        for folder in FOLDERS:
            paths.extend(p for p in (ROOT / folder).rglob("*") if p.is_file())
    files = []
    for path in paths:
        if path.resolve() == THIS or SKIP_PARTS & set(path.relative_to(ROOT).parts):
            continue
        if path.is_file() and b"\0" not in path.read_bytes()[:8192]:
            files.append(path)
    return files


def history_lines(path: Path) -> list[str]:
    """``path:line: text`` for every line that names a session, issue, round or finding."""
    text = path.read_text(encoding="utf-8", errors="replace")
    rel = path.relative_to(ROOT)
    return [
        f"{rel}:{n}: {line.strip()}"
        for n, line in enumerate(text.splitlines(), 1)
        if HISTORY.search(line)
    ]


@pytest.mark.parametrize(
    "line",
    [
        '"""Before issue 12 a scenario named \'baseline\' replaced the real baseline."""',
        '"""Found by the session-4 walkthrough: the error named the lock file, not --out."""',
        "### How the components were found (sessions 1–3)",
        "| session-3 auto (ARIMA(1,1,1) + block, equal weights) | 0.375 |",
        '"""Before session 4\'s review: every report called the pool \'equal-weight\'."""',
        "benchmark labels of round 3",
        '"""Safe output (finding 8): a failed run leaves the previous report."""',
        'Protocol (issue "Honest evaluation"): the seven dyads',
        "(merged as issue-15)",
        "Before: the branch base (`0bfe239`); after: this branch.",
        "after two rounds of review",
    ],
)
def test_the_pattern_finds_development_history(line):
    assert HISTORY.search(line), line


@pytest.mark.parametrize(
    "line",
    [
        "share = round(N_PATHS / len(members))",
        'fill="interpolate" rounds interpolated months to the scale\'s resolution',
        "paths round 0.25 up to the published step",
        "def test_transform_round_trip_and_bounds():",
        '@pytest.fixture(scope="session")',
        "the session's open client, else a LocalCluster",
        "with a distributed.Client open in the session",
        "no client open in this session: start a local cluster",
        "a regression test per class; reviewed_by VARCHAR(40)",
        "(commit 34e6f89, 2026-11-27)",
        "an issue of the scale's resolution",
    ],
)
def test_the_pattern_leaves_ordinary_words_alone(line):
    assert not HISTORY.search(line), line


def test_the_scan_reads_the_project_files():
    names = {p.relative_to(ROOT).as_posix() for p in text_files()}
    expected = {"README.md", "docs/validation.md", "relforecast/forecast.py", "tests/conftest.py"}
    assert expected <= names, expected - names


def test_no_development_history_in_the_repository():
    found = [hit for path in text_files() for hit in history_lines(path)]
    assert not found, "development history belongs in the git log:\n" + "\n".join(found)
