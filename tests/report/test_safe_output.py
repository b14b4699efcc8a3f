"""Safe output: a failed or killed run leaves the previous report byte-identical
and nothing behind; two runs into one folder give one report and one clear error."""

import errno
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import relforecast as rf
from relforecast.report import writer

FAST = {"model": "arima110", "n_paths": 300, "track_record": None}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def debris(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    out = tmp_path_factory.mktemp("finished") / "outlook"
    rf.outlook(rf.datasets.demo(), out=out, rng=1, **FAST)
    return out


@pytest.fixture
def previous(tmp_path, finished):
    """A folder holding a finished report (seed 1)."""
    out = tmp_path / "outlook"
    shutil.copytree(finished, out)
    return out, snapshot(out)


def failing_writes(monkeypatch, fail_at: int, exc: BaseException):
    calls = {"n": 0}
    real = writer._write_bytes

    def write(path, data):
        calls["n"] += 1
        if calls["n"] == fail_at:
            with open(path, "wb") as handle:  # a partial file, as a full disk leaves it
                handle.write(data[: len(data) // 2])
            raise exc
        real(path, data)

    monkeypatch.setattr(writer, "_write_bytes", write)
    return calls


@pytest.mark.parametrize("fail_at", [1, 13])
def test_full_disk_leaves_the_previous_report_intact(previous, monkeypatch, fail_at):
    """A rerun that fails mid-write leaves no truncated report.html and no mix of files."""
    out, before = previous
    failing_writes(monkeypatch, fail_at, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(
        rf.RelforecastError, match=r"No space left on device.*previous report is unchanged"
    ):
        rf.outlook(rf.datasets.demo(), out=out, rng=2, **FAST)
    assert snapshot(out) == before
    assert debris(out.parent, out.name) == []


def test_ctrl_c_leaves_the_previous_report_intact(previous, monkeypatch):
    out, before = previous
    failing_writes(monkeypatch, 4, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        rf.outlook(rf.datasets.demo(), out=out, rng=2, **FAST)
    assert snapshot(out) == before and debris(out.parent, out.name) == []


def test_a_failed_first_run_leaves_nothing(tmp_path, monkeypatch):
    """A failed first run leaves no empty folder behind."""
    failing_writes(monkeypatch, 2, OSError(errno.EDQUOT, "Disk quota exceeded"))
    with pytest.raises(rf.RelforecastError, match="Disk quota exceeded"):
        rf.outlook(rf.datasets.demo(), out=tmp_path / "new", rng=2, **FAST)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_is_not_a_report_is_refused(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(rf.RelforecastError, match="is not a relforecast report folder"):
        rf.outlook(rf.datasets.demo(), out=out, **FAST)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert debris(tmp_path, "mine") == []


CHILD = textwrap.dedent(
    """
    import sys, time
    from relforecast.report import writer
    from relforecast.cli.main import main
    real = writer._write_bytes
    def slow(path, data):          # a slow disk: every file takes a while
        real(path, data)
        time.sleep(float(sys.argv[1]))
    writer._write_bytes = slow
    sys.exit(main(sys.argv[2:]))
    """
)


@pytest.fixture(scope="module")
def data_csv(tmp_path_factory):
    """A short series in the long CSV layout (a cheap fit for the subprocess runs)."""
    series = rf.datasets.demo().iloc[-150:]
    path = tmp_path_factory.mktemp("data") / "scores.csv"
    lines = ["country,ym,score"] + [f"Demo,{m},{v:.1f}" for m, v in series.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def run_cli(args, data, delay=0.0, **kwargs):
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            str(delay),
            "outlook",
            str(data),
            "--dyad",
            "Demo",
            "--model",
            "arima",
            "--paths",
            "300",
            "--track-record",
            "none",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def wait_for(predicate, timeout=180.0):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def tmp_files(parent: Path, name: str) -> int:
    return sum(len(list(p.iterdir())) for p in parent.glob(f".{name}.tmp-*") if p.is_dir())


def test_a_run_killed_mid_write_leaves_the_previous_report(previous, data_csv):
    out, before = previous
    proc = run_cli(["--out", str(out), "--seed", "5"], data_csv, delay=0.2)
    assert wait_for(lambda: tmp_files(out.parent, out.name) >= 2), proc.stderr
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert snapshot(out) == before
    assert debris(out.parent, out.name)  # a killed run cannot clean up ...
    rf.outlook(rf.datasets.demo(), out=out, rng=6, **FAST)
    assert debris(out.parent, out.name) == []  # ... the next run does
    assert json.loads((out / "summary.json").read_text())["seed"] == 6


def test_sigterm_mid_write_cleans_up(previous, data_csv):
    out, before = previous
    proc = run_cli(["--out", str(out), "--seed", "5"], data_csv, delay=0.2)
    assert wait_for(lambda: tmp_files(out.parent, out.name) >= 1), proc.stderr
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143 and err.strip().splitlines()[-1] == "relforecast: terminated"
    assert snapshot(out) == before and debris(out.parent, out.name) == []


def test_a_quota_hit_in_a_real_process_fails_cleanly(previous, data_csv):
    out, before = previous

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))

    proc = run_cli(["--out", str(out), "--seed", "5"], data_csv, preexec_fn=limit)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("relforecast: error: could not write") and "Traceback" not in err
    assert snapshot(out) == before and debris(out.parent, out.name) == []


def test_two_runs_into_one_folder_give_one_report_and_one_error(tmp_path, data_csv):
    """Two concurrent runs into one folder never mix their files (a report of one run
    embedding the other's fan chart): the second is refused."""
    out = tmp_path / "outlook"
    first = run_cli(["--out", str(out), "--seed", "11"], data_csv, delay=0.1)
    lock = tmp_path / ".outlook.lock"
    assert wait_for(lock.exists)
    second = run_cli(["--out", str(out), "--seed", "12"], data_csv)
    _, err2 = second.communicate(timeout=300)
    _, err1 = first.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert second.returncode == 1
    assert (
        err2.strip()
        .splitlines()[-1]
        .startswith(f"relforecast: error: another relforecast run is writing to '{out}'")
    )
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 11
    html = (out / "report.html").read_text()
    import base64

    for name in ("fan.png", "crossing.png", "history.png"):
        assert base64.b64encode((out / name).read_bytes()).decode() in html
    assert debris(tmp_path, "outlook") == []
    assert sorted(os.listdir(tmp_path)) == ["outlook"]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_an_unwritable_out_parent_is_named_as_the_out_folder():
    """The error names the --out folder, not the lock file beside it."""
    with pytest.raises(writer.OutputError, match=r"--out '/proc/o7'.*choose a folder"):
        with writer.OutputFolder("/proc/o7"):
            pass


def test_written_files_and_folders_get_the_umask_mode_not_the_temporary_one(tmp_path):
    """Temporary files and folders are private (0600/0700); what is renamed into place gets
    what an ordinary open()/mkdir() would give under the umask, or the replaced file's mode."""
    from relforecast._files import replacing

    old = os.umask(0o027)
    try:
        out = tmp_path / "outlook"
        rf.outlook(rf.datasets.demo(), out=out, rng=1, **FAST)
        assert out.stat().st_mode & 0o777 == 0o750
        assert (out / "report.html").stat().st_mode & 0o777 == 0o640
        with replacing(tmp_path / "table.csv") as tmp:
            assert tmp.stat().st_mode & 0o777 == 0o600  # private while being written
            tmp.write_text("a\n")
        assert (tmp_path / "table.csv").stat().st_mode & 0o777 == 0o640
        os.chmod(tmp_path / "table.csv", 0o604)
        with replacing(tmp_path / "table.csv") as tmp:
            tmp.write_text("b\n")
        assert (tmp_path / "table.csv").stat().st_mode & 0o777 == 0o604
    finally:
        os.umask(old)
