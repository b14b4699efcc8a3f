"""Safe output: a report folder is replaced whole or not at all.

:class:`OutputFolder` writes every file into a temporary folder beside the target
(``.<name>.tmp-<random>`` in the same parent, so the swap stays on one file system) and swaps
it in only when everything is written and synced. A failure at any point — a full disk, a
quota, Ctrl-C, SIGTERM, an error — leaves the previous report as it was and removes the
temporary folder; a run killed outright (SIGKILL, power loss) leaves its temporary folder,
which the next run into the same target removes.

The swap exchanges the two folders atomically (``renameat2(RENAME_EXCHANGE)`` on Linux); where
that call is missing, the old folder is first renamed aside and renamed back if the second
rename fails.

A lock (``.<name>.lock`` beside the target, ``flock``) makes a second run into the same
folder fail at once with a clear error instead of mixing two reports' files. The lock file is
removed when the run ends.

A target that exists must be empty or a previous report (it holds a ``summary.json`` written
by relforecast): the swap replaces the whole folder, so any other folder is refused.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from relforecast._files import published_mode
from relforecast.exceptions import RelforecastError, sigterm_unwinds

__all__ = ["OutputBusyError", "OutputError", "OutputFolder"]


class OutputError(RelforecastError, OSError):
    """The output folder cannot be written (it is not a report folder, or a write failed)."""


class OutputBusyError(OutputError):
    """Another run holds the output folder's lock."""


def _write_bytes(path: Path, data: bytes) -> None:
    """Write and sync one file (the single place where report files are written)."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2``); ``False`` when unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def is_report_folder(path: Path) -> bool:
    """Does ``path`` hold a report written by relforecast (its ``summary.json`` says so)?"""
    summary = path / "summary.json"
    try:
        doc = json.loads(summary.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and "relforecast" in doc.get("versions", {})


class OutputFolder:
    """Write a report folder safely (see the module docstring).

    Examples
    --------
    >>> with OutputFolder("outlook") as folder:           # doctest: +SKIP
    ...     folder.write("report.md", "# ...")
    ...     folder.commit()                                 # the swap
    """

    def __init__(self, target: str | os.PathLike) -> None:
        self.target = Path(target).absolute()
        self.parent = self.target.parent
        self.lock_path = self.parent / f".{self.target.name}.lock"
        self.tmp: Path | None = None
        self.files: dict[str, Path] = {}
        self._lock_fd: int | None = None
        self._committed = False
        self._interrupts = contextlib.ExitStack()

    # ------------------------------------------------------------------ checks
    def check_target(self) -> None:
        """Refuse a target that is a file or a folder other than an empty one or a report."""
        if self.target.exists() or self.target.is_symlink():
            if not self.target.is_dir() or self.target.is_symlink():
                raise OutputError(
                    f"--out {str(self.target)!r} exists and is not a folder; choose a folder name"
                )
            entries = sorted(p.name for p in self.target.iterdir())
            if entries and not is_report_folder(self.target):
                shown = ", ".join(entries[:4]) + (" ..." if len(entries) > 4 else "")
                raise OutputError(
                    f"--out {str(self.target)!r} holds other files ({shown}) and is not a "
                    "relforecast report folder; a report replaces its whole folder, so choose "
                    "a new or empty folder"
                )
        if not self.parent.is_dir():
            raise OutputError(
                f"the folder {str(self.parent)!r} for --out does not exist; create it first"
            )

    # ------------------------------------------------------------------ lock
    def _acquire(self) -> None:
        try:
            import fcntl
        except ImportError:  # not POSIX: an exclusive create is the lock
            try:
                self._lock_fd = os.open(self.lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError as exc:
                raise self._busy() from exc
            return
        while True:
            try:
                fd = os.open(self.lock_path, os.O_CREAT | os.O_RDWR, 0o644)
            except OSError as exc:
                raise OutputError(
                    f"cannot write into {str(self.parent)!r} for --out {str(self.target)!r} "
                    f"({exc.strerror}); choose a folder you can write to"
                ) from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                os.close(fd)
                raise self._busy() from exc
            # the holder may have removed the file between our open and flock: retry on the
            # file now at the path, so that two runs never hold locks on different files
            try:
                same = os.fstat(fd).st_ino == os.stat(self.lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._lock_fd = fd
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                return
            os.close(fd)

    def _busy(self) -> OutputBusyError:
        holder = ""
        with contextlib.suppress(OSError, ValueError):
            holder = f" by process {int(self.lock_path.read_text().strip())}"
        return OutputBusyError(
            f"another relforecast run is writing to {str(self.target)!r} (locked{holder}); "
            "wait for it to finish or choose another --out"
        )

    def _release(self) -> None:
        if self._lock_fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.lock_path)
        os.close(self._lock_fd)
        self._lock_fd = None

    def _remove_stale(self) -> None:
        """Temporary folders of earlier runs killed outright (we hold the lock: none is live)."""
        for pattern in (f".{self.target.name}.tmp-*", f".{self.target.name}.old-*"):
            for stale in self.parent.glob(pattern):
                shutil.rmtree(stale, ignore_errors=True)

    # ------------------------------------------------------------------ context
    def __enter__(self) -> OutputFolder:
        self.check_target()
        self._acquire()
        try:
            self.check_target()  # again under the lock
            self._remove_stale()
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.tmp-", dir=self.parent))
            self._interrupts.enter_context(sigterm_unwinds())
        except BaseException:
            self._cleanup()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        self._cleanup()
        return False

    def _cleanup(self) -> None:
        self._interrupts.close()  # the previous SIGTERM handler back
        if self.tmp is not None and self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)
        self._release()

    # ------------------------------------------------------------------ writing
    def write(self, name: str, data: bytes | str) -> Path:
        """Write one file of the report (into the temporary folder); returns its final path."""
        if self.tmp is None or self._committed:
            raise OutputError("write() outside an open OutputFolder")
        if "/" in name or name.startswith("."):
            raise OutputError(f"bad report file name {name!r}")
        payload = data.encode("utf-8") if isinstance(data, str) else data
        try:
            _write_bytes(self.tmp / name, payload)
        except OSError as exc:
            raise OutputError(
                f"could not write {name} for {str(self.target)!r}: {exc.strerror or exc}; the "
                "previous report is unchanged"
            ) from exc
        self.files[name] = self.target / name
        return self.files[name]

    def read(self, name: str) -> bytes:
        """A file written in this run (from the temporary folder)."""
        return (self.tmp / name).read_bytes()

    def commit(self) -> None:
        """Swap the complete new folder in place of the target."""
        if self.tmp is None:
            raise OutputError("commit() outside an open OutputFolder")
        os.chmod(self.tmp, published_mode(self.target, directory=True))
        _fsync_dir(self.tmp)
        if not self.target.exists():
            os.rename(self.tmp, self.target)
        elif _exchange(self.tmp, self.target):
            shutil.rmtree(self.tmp, ignore_errors=True)  # now holds the previous report
        else:
            aside = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.old-", dir=self.parent))
            os.rmdir(aside)
            os.rename(self.target, aside)
            try:
                os.rename(self.tmp, self.target)
            except OSError:
                os.rename(aside, self.target)
                raise
            shutil.rmtree(aside, ignore_errors=True)
        _fsync_dir(self.parent)
        self.tmp = None
        self._committed = True
