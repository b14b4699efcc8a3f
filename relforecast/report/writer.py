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

One rule for every command that writes a folder (``outlook``, ``evaluate``, ``events``,
``record score``, ``record export``): the target must be new, empty, or a folder of the same
kind written by relforecast earlier — a report holds its ``summary.json``, the other kinds a
``.relforecast-folder`` file naming the kind. The swap replaces the whole folder, so any other
folder is refused, and so is one whose files this user cannot remove (read-only, or another
user's): it is refused before anything is written, instead of leaving the replaced folder
behind as a hidden ``.NAME.tmp-*``. A leftover that still cannot be removed is named in a
warning.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from types import TracebackType

from relforecast._files import published_mode
from relforecast.exceptions import RelforecastError, RelforecastWarning, sigterm_unwinds

__all__ = ["KIND_FILE", "OutputBusyError", "OutputError", "OutputFolder", "folder_kind"]

KIND_FILE = ".relforecast-folder"
"""The file that names the kind of a folder written by relforecast (other than a report)."""


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


def folder_kind(path: Path) -> str | None:
    """The kind of folder relforecast wrote at ``path`` ("report", "evaluation"...), or
    ``None`` for any other folder."""
    if is_report_folder(path):
        return "report"
    try:
        kind = (path / KIND_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return kind or None


def _not_removable(folder: Path) -> Path | None:
    """The first folder in ``folder``'s tree whose entries this user cannot remove."""
    for root, dirs, _ in os.walk(folder):
        if not os.access(root, os.W_OK | os.X_OK):
            return Path(root)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
    return None


def _remove(path: Path) -> None:
    """Remove a folder; one that cannot be removed is named in a warning, not left silently."""
    errors: list[str] = []

    def note(func: object, where: str, exc: object) -> None:
        errors.append(f"{where}: {exc[1] if isinstance(exc, tuple) else exc}")

    hook = "onexc" if sys.version_info >= (3, 12) else "onerror"
    shutil.rmtree(path, **{hook: note})
    if errors and path.exists():
        import warnings

        warnings.warn(
            f"could not remove the temporary folder {str(path)!r} ({errors[0]}); remove it "
            "by hand",
            RelforecastWarning,
            stacklevel=3,
        )


class OutputFolder:
    """Write a report folder safely (see the module docstring).

    Parameters
    ----------
    target : path
        The folder to write.
    kind : str, default "report"
        What the folder holds; an existing target must be of the same kind (or empty).

    Examples
    --------
    >>> with OutputFolder("outlook") as folder:           # doctest: +SKIP
    ...     folder.write("report.md", "# ...")
    ...     folder.commit()                                 # the swap
    """

    def __init__(self, target: str | os.PathLike, kind: str = "report") -> None:
        self.kind = kind
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
            found = folder_kind(self.target) if entries else self.kind
            if found != self.kind:
                shown = ", ".join(entries[:4]) + (" ..." if len(entries) > 4 else "")
                what = f"a relforecast {found} folder" if found else f"other files ({shown})"
                raise OutputError(
                    f"--out {str(self.target)!r} holds {what} and is not a relforecast "
                    f"{self.kind} folder; the {self.kind} replaces its whole folder, so choose a "
                    "new or empty folder"
                )
            locked = _not_removable(self.target) if entries else None
            if locked is not None:
                raise OutputError(
                    f"--out {str(self.target)!r} cannot be replaced: the files in "
                    f"{str(locked)!r} cannot be removed by this user (read-only or another "
                    "user's); make it writable, remove it, or choose another --out"
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
                _remove(stale)

    # ------------------------------------------------------------------ context
    def __enter__(self) -> OutputFolder:
        self.check_target()
        self._acquire()
        try:
            self.check_target()  # again under the lock
            self._remove_stale()
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.tmp-", dir=self.parent))
            self._interrupts.enter_context(sigterm_unwinds())
            if self.kind != "report":  # a report is known by its summary.json
                _write_bytes(self.tmp / KIND_FILE, f"{self.kind}\n".encode())
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
        if isinstance(exc, OSError) and not isinstance(exc, RelforecastError):
            reason = exc.strerror or str(exc)
            where = f" ({Path(exc.filename).name})" if getattr(exc, "filename", None) else ""
            raise OutputError(
                f"could not write --out {str(self.target)!r}{where}: {reason}; nothing was "
                "changed there"
            ) from exc
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

    def path(self, name: str) -> Path:
        """The path to write file ``name`` to (in the temporary folder), for writers that take
        a path (``DataFrame.to_csv``, ``Figure.savefig``); it is moved in with the rest."""
        if self.tmp is None or self._committed:
            raise OutputError("path() outside an open OutputFolder")
        if "/" in name or name.startswith("."):
            raise OutputError(f"bad file name {name!r}")
        self.files[name] = self.target / name
        return self.tmp / name

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
            _remove(self.tmp)  # now holds the previous folder
        else:
            aside = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.old-", dir=self.parent))
            os.rmdir(aside)
            os.rename(self.target, aside)
            try:
                os.rename(self.tmp, self.target)
            except OSError:
                os.rename(aside, self.target)
                raise
            _remove(aside)
        _fsync_dir(self.parent)
        self.tmp = None
        self._committed = True
