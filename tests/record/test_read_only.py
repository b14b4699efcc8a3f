"""A record that may not be written is read as it is, and writing into it is refused in one line.

Reading commands (``record list``, ``show``, ``export``) open the record so that they cannot
write; a read-only file or folder, or a file-size limit, must not stop them, and what they print
must equal what they print from the same record when it is writable. Writing commands refuse a
read-only file or folder up front, naming it, and leave the file as it was.

Permissions do not bind the superuser, so the cases of files another user may not write run as
another user (tests/users.py).
"""

from __future__ import annotations

import contextlib
import io
import resource
import signal
import stat
from pathlib import Path

import pytest

from relforecast.cli.main import main
from relforecast.exceptions import RecordError
from relforecast.record import Record

from ..users import as_another_user

COMMANDS = (
    ("record", "list", "--format", "csv"),
    ("record", "show", "1", "--format", "json"),
    ("record", "show", "2", "--format", "json"),
)


def cli(*argv: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def _record(folder: Path) -> Path:
    path = folder / "rec.sqlite"
    for threshold in ("-6", "-5.5"):
        code, _, err = cli(
            "forecast", "--paths", "200", "--model", "block", "--threshold", threshold,
            "--seed", threshold[-1], "--record", path,
        )  # fmt: skip
        assert code == 0, err
    return path


def _answers(path: Path) -> list[str]:
    """What the reading commands print of the record at ``path`` (they must all succeed)."""
    printed = []
    for command in COMMANDS:
        code, out, err = cli(*command, "--record", path)
        assert code == 0, err
        printed.append(out)
    return printed


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_a_read_only_record_file_is_read_as_it_is(shared_dir: Path) -> None:
    path = _record(shared_dir)
    expected = _answers(path)
    path.chmod(0o444)
    before = _snapshot(shared_dir)
    assert _answers(path) == expected
    assert as_another_user(lambda: _answers(path)) == expected
    assert _snapshot(shared_dir) == before  # no byte changed, no -wal/-shm left


def test_a_record_in_a_folder_this_user_cannot_write_is_read(shared_dir: Path) -> None:
    folder = shared_dir / "records"
    folder.mkdir()
    path = _record(folder)
    expected = _answers(path)
    out = shared_dir / "export"
    out.mkdir()
    out.chmod(0o777)
    folder.chmod(0o755)  # another user may read, not write

    def read_and_export() -> tuple[list[str], list[str]]:
        code, _, err = cli("record", "export", "--record", path, "--out", out / "tables")
        assert code == 0, err
        return _answers(path), sorted(p.name for p in (out / "tables").iterdir())

    answers, exported = as_another_user(read_and_export)
    assert answers == expected
    assert {"forecasts.csv", "months.csv", "questions.csv"} <= set(exported)
    assert sorted(p.name for p in folder.iterdir()) == ["rec.sqlite"]


def test_a_healthy_record_is_read_under_a_file_size_limit(shared_dir: Path) -> None:
    path = _record(shared_dir)
    expected = _answers(path)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, hard))
    try:
        got = _answers(path)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old)
    assert got == expected


@pytest.mark.parametrize("what", ["file", "folder"])
def test_writing_into_a_read_only_record_is_refused_in_one_line(
    shared_dir: Path, what: str
) -> None:
    path = _record(shared_dir)
    target = path if what == "file" else shared_dir
    target.chmod(stat.S_IMODE(target.stat().st_mode) & ~0o222)
    before = _snapshot(shared_dir)
    code, _, err = cli("forecast", "--paths", "200", "--model", "block", "--seed", "9",
                       "--record", path)  # fmt: skip
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert str(target) in err and "read-only" in err and "corrupt" not in err
    assert _snapshot(shared_dir) == before


@pytest.mark.parametrize("who", ["superuser", "another user"])
def test_a_new_record_in_a_read_only_folder_is_refused_in_one_line(
    shared_dir: Path, who: str
) -> None:
    # the folder has no write bit: nobody meant it to change, the superuser included
    shared_dir.chmod(0o555)
    path = shared_dir / "new.sqlite"

    def record() -> tuple[int, str]:
        code, _, err = cli("forecast", "--paths", "200", "--model", "block", "--record", path)
        return code, err

    code, err = record() if who == "superuser" else as_another_user(record)
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert f"cannot create the record {path}" in err and "read-only" in err
    assert not list(shared_dir.iterdir())


def test_a_record_opened_read_only_refuses_to_record(shared_dir: Path) -> None:
    import relforecast as rf

    path = _record(shared_dir)
    fc = rf.RandomWalk().fit(rf.datasets.demo()).forecast(12, n_paths=100, rng=0)
    with Record(path, read_only=True) as rec:
        with pytest.raises(RecordError, match="read-only"):
            rec.add(fc)
        assert len(rec) == 2
    with Record(path) as rec:
        assert rec.add(fc).new  # the same forecast is recorded once the record is writable


def test_a_missing_record_opened_read_only_is_not_created(shared_dir: Path) -> None:
    path = shared_dir / "none.sqlite"
    with pytest.raises(RecordError, match="no forecast record at"):
        Record(path, read_only=True)
    assert not list(shared_dir.iterdir())
